"""Helpers for writing course notebooks from Python with correct nbgrader metadata.

The .ipynb files are the source of truth (instructors may edit them in JupyterLab's
Create Assignment panel); these helpers only make writing them by script less
error-prone. A graded item is a solution cell plus a locked test cell whose
``metadata.govai`` carries the learning objective, the competencies and certification
domains it evidences (each with a reason) and its mutation suite: plausible wrong answers
that must score 0 and alternative right answers that must score full (:mod:`govai.course.mutations`;
the assessment standard in CONTRIBUTING.md).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode

from govai.course import solutions

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def md(text: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(source: str, tags: list[str] | None = None) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def parameters(**values: object) -> NotebookNode:
    """The papermill ``parameters`` cell: defaults the runner overrides (learner id, route…)."""
    lines = ["# 參數（papermill 執行時會覆寫） / parameters injected by the runner"]
    lines += [f"{k} = {v!r}" for k, v in values.items()]
    return code("\n".join(lines), tags=["parameters"])


def readonly(source: str, grade_id: str, markdown: bool = False) -> NotebookNode:
    cell = md(source) if markdown else code(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3,
                                 "solution": False, "task": False}
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    return cell


def solution(grade_id: str, source: str) -> NotebookNode:
    """An answer cell. ``source`` holds ``### BEGIN SOLUTION`` … ``### END SOLUTION``."""
    if not solutions.has_solution(source):
        raise ValueError(f"{grade_id}: solution cell needs ### BEGIN SOLUTION / ### END SOLUTION")
    cell = code(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    return cell


def mutation(why: str, source: str | dict[str, str]) -> dict[str, object]:
    """One entry of a mutation suite: why it is wrong (or right), and the solution cell's new source."""
    return {"why": why, "source": source.strip("\n") if isinstance(source, str) else source}


def tests(grade_id: str, points: float, source: str, *, exercise: str, objective: str,
          competencies: list[str], domains: list[str], domain_reasons: dict[str, str] | None = None,
          wrong: list[dict[str, object]] | None = None, right: list[dict[str, object]] | None = None,
          solution: str | None = None, practised_by: list[str] | None = None) -> NotebookNode:
    """A locked autograder test cell; hidden tests go between ### BEGIN/END HIDDEN TESTS."""
    cell = code(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    meta: dict[str, object] = {"exercise": exercise, "objective": objective, "competencies": competencies,
                               "domains": domains, "domain_reasons": dict(domain_reasons or {}),
                               "mutations": {"wrong": list(wrong or []), "right": list(right or [])}}
    if solution:
        meta["solution"] = solution
    if practised_by:
        meta["practised_by"] = list(practised_by)
    cell.metadata["govai"] = meta
    return cell


def notebook(cells: list[NotebookNode], title: str) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb


def write(nb: NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
