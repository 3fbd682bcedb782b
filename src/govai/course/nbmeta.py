"""Reading a cell's nbgrader and govai metadata: the one place that knows where each key lives.

``metadata.nbgrader`` is nbgrader's (schema 3): ``grade_id``, the ``solution`` / ``grade`` / ``task`` /
``locked`` flags and ``points``. ``metadata.govai`` is this course's: ``exercise``, ``objective``,
``competencies``, ``domains``, ``domain_reasons``, ``practised_by``, ``mutations`` and ``solution``
(the grade id a test's mutations replace). Every reader tolerates what learners' tools leave behind
(metadata missing, ``null``, or not a dict): a malformed entry reads as absent, never raises.

The flags follow nbgrader's own rules (``nbgrader.utils``): a graded cell is *autograded* when it
is a code cell that is neither a solution nor a task (its score is its tests' outcome); every other
graded cell (a graded solution, a task, a graded Markdown answer) waits for an instructor.
Writers (:mod:`govai.course.authoring`, nbgrader's own preprocessors) keep writing the dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def nbgrader(cell: Mapping[str, Any]) -> dict[str, Any]:
    """The cell's ``metadata.nbgrader`` (the live dict, so callers may update it), or ``{}``."""
    return _dict(_dict(cell.get("metadata")).get("nbgrader"))


def govai(cell: Mapping[str, Any]) -> dict[str, Any]:
    """The cell's ``metadata.govai`` (the live dict), or ``{}``."""
    return _dict(_dict(cell.get("metadata")).get("govai"))


def has_nbgrader(cell: Mapping[str, Any]) -> bool:
    """Whether the cell carries any nbgrader metadata at all (stripped cells do not)."""
    return bool(nbgrader(cell))


def grade_id(cell: Mapping[str, Any]) -> str | None:
    gid = nbgrader(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def is_solution(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader(cell).get("solution"))


def is_graded(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader(cell).get("grade"))


def is_task(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader(cell).get("task"))


def is_locked(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader(cell).get("locked"))


def is_autograded(cell: Mapping[str, Any]) -> bool:
    """A test cell: graded code that is neither a solution nor a task (nbgrader scores it by its errors)."""
    return (cell.get("cell_type") == "code" and is_graded(cell)
            and not is_solution(cell) and not is_task(cell))


def is_manual(cell: Mapping[str, Any]) -> bool:
    """A graded cell an instructor scores (rubric answers, tasks)."""
    return is_graded(cell) and not is_autograded(cell)


def points(cell: Mapping[str, Any]) -> float:
    """The cell's maximum points (0 for a cell that is not graded or has none)."""
    try:
        return float(nbgrader(cell).get("points") or 0)
    except (TypeError, ValueError):
        return 0.0


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def exercise(cell: Mapping[str, Any], track: str) -> str:
    """The item's exercise id (``metadata.govai.exercise``), ``<track>.<grade_id>`` when untagged."""
    found = govai(cell).get("exercise")
    if found:
        return str(found)
    return f"{track}.{grade_id(cell) or ''}" if track else grade_id(cell) or ""


def objective(cell: Mapping[str, Any]) -> str | None:
    found = govai(cell).get("objective")
    return str(found) if found else None


def competencies(cell: Mapping[str, Any]) -> tuple[str, ...]:
    return _strings(govai(cell).get("competencies"))


def domains(cell: Mapping[str, Any]) -> tuple[str, ...]:
    """``<certification-id>/<domain-id>`` keys the item evidences."""
    return _strings(govai(cell).get("domains"))


def domain_reasons(cell: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in _dict(govai(cell).get("domain_reasons")).items()}


def practised_by(cell: Mapping[str, Any]) -> tuple[str, ...]:
    """Lesson self-check ids that practise the item's skill (their attempts and hints are the item's)."""
    return _strings(govai(cell).get("practised_by"))


def mutations(cell: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The test cell's mutation suite: ``{"wrong": [...], "right": [...]}`` (lists may be empty)."""
    suite = _dict(govai(cell).get("mutations"))
    return {kind: [e for e in suite.get(kind) or [] if isinstance(e, dict)] for kind in ("wrong", "right")}


def solution_ref(cell: Mapping[str, Any]) -> str | None:
    """The grade id of the solution cell a test's mutations replace, when the test names one."""
    found = govai(cell).get("solution")
    return str(found) if found else None
