"""The graded item, from the master to the report: :class:`Item`, :class:`ItemResult`, :func:`totals`.

- :class:`Item` is what a master defines for one graded cell (frozen): its track and notebook, grade
  id, exercise id, maximum points, objective, competency and certification-domain tags, the lesson
  self-checks that practise it, and whether an instructor grades it by hand.
- :class:`ItemResult` is one result of that item: points (``None`` while it waits for manual
  grading), the error of its test, seconds, attempts and hints from the progress store, when it was
  recorded and by what (``grader``, ``results``, ``gradebook``, ``xapi``). ``passed`` and
  ``needs_manual`` are derived, never stored apart from the points.
- :func:`totals` is the one place points are added up.

Everything between ``engine.score`` and the reports passes these types; plain data exists only at
the two boundaries, each with its one conversion: :meth:`ItemResult.to_dict` / :meth:`~ItemResult.from_dict`
(the grader's worker results, which cross a process or a Dask worker) and :meth:`~ItemResult.to_row` /
:meth:`~ItemResult.from_row` (the results database's ``results`` table). ``tests/test_items.py`` fails
when a second item type or a second sum of points appears in ``src/``.

The types live in ``course/`` because an item is defined by the course's masters; grading and
records both depend on the course, never the other way round.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Item:
    """One graded cell as its master defines it."""

    track: str
    notebook: str                 # <track>/<name>.ipynb ("" when the grader was not told)
    grade_id: str
    exercise: str
    max_points: float
    objective: str | None = None
    competencies: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    practised_by: tuple[str, ...] = ()
    manual: bool = False          # graded by an instructor (rubric), not by tests

    @property
    def key(self) -> tuple[str, str]:
        """(notebook, grade id): how results of the same item are matched across runs and sources."""
        return (self.notebook, self.grade_id)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for name in ("competencies", "domains", "practised_by"):
            d[name] = list(d[name])
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        return cls(track=str(data.get("track") or ""), notebook=str(data.get("notebook") or ""),
                   grade_id=str(data["grade_id"]), exercise=str(data.get("exercise") or ""),
                   max_points=float(data.get("max_points") or 0.0), objective=data.get("objective"),
                   competencies=tuple(data.get("competencies") or ()), domains=tuple(data.get("domains") or ()),
                   practised_by=tuple(data.get("practised_by") or ()), manual=bool(data.get("manual")))


@dataclass
class ItemResult:
    """One result of one item. Mutable only so the runner can attach attempts and hints."""

    item: Item
    points: float | None                 # None: waiting for manual grading
    error: str | None = None
    seconds: float | None = None
    attempts: int = 0
    hints: int = 0
    at: str = ""                         # ISO 8601 time the result was recorded ("" if unknown)
    source: str = "grader"               # grader | results | gradebook | xapi

    # -- the item's own attributes, so a result reads like the item it is a result of ------------
    @property
    def grade_id(self) -> str:
        return self.item.grade_id

    @property
    def notebook(self) -> str:
        return self.item.notebook

    @property
    def track(self) -> str:
        return self.item.track

    @property
    def exercise(self) -> str:
        return self.item.exercise

    @property
    def max_points(self) -> float:
        return self.item.max_points

    @property
    def competencies(self) -> tuple[str, ...]:
        return self.item.competencies

    @property
    def domains(self) -> tuple[str, ...]:
        return self.item.domains

    @property
    def key(self) -> tuple[str, str]:
        return self.item.key

    @property
    def needs_manual(self) -> bool:
        return self.points is None

    @property
    def passed(self) -> bool:
        return self.points is not None and self.max_points > 0 and self.points >= self.max_points

    # -- process and wire boundary --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item.to_dict(), "points": self.points, "error": self.error, "seconds": self.seconds,
                "attempts": self.attempts, "hints": self.hints, "at": self.at, "source": self.source}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemResult:
        points = data.get("points")
        return cls(Item.from_dict(data["item"]), None if points is None else float(points), data.get("error"),
                   data.get("seconds"), int(data.get("attempts") or 0), int(data.get("hints") or 0),
                   str(data.get("at") or ""), str(data.get("source") or "grader"))

    # -- results database boundary (columns of ``govai.records.results.results``) ---------------
    def to_row(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "track": self.track, "exercise": self.exercise,
                "grade_id": self.grade_id, "points": self.points, "max_points": self.max_points,
                "passed": self.passed, "needs_manual": self.needs_manual, "error": self.error,
                "duration": self.seconds, "attempts": int(self.attempts), "hints": int(self.hints),
                "competencies": json.dumps(list(self.competencies), ensure_ascii=False),
                "domains": json.dumps(list(self.domains), ensure_ascii=False)}

    @classmethod
    def from_row(cls, row: Mapping[str, Any], tags: Item | None = None) -> ItemResult:
        """A result row; with ``tags`` (the item as its master defines it now), tags come from the master.

        Points and maximum points are always the row's: they are what was scored then.
        """
        def listed(value: Any) -> tuple[str, ...]:
            return tuple(json.loads(value) if isinstance(value, str) else value or ())

        notebook = str(row["notebook"])
        item = Item(track=str(row.get("track") or notebook.split("/", 1)[0]), notebook=notebook,
                    grade_id=str(row["grade_id"]), exercise=str(row.get("exercise") or ""),
                    max_points=float(row["max_points"]), competencies=listed(row.get("competencies")),
                    domains=listed(row.get("domains")), manual=bool(row.get("needs_manual")))
        if tags is not None:
            item = replace(tags, exercise=item.exercise or tags.exercise, max_points=item.max_points)
        points = row.get("points")
        return cls(item, None if points is None or row.get("needs_manual") else float(points), row.get("error"),
                   row.get("duration"), int(row.get("attempts") or 0), int(row.get("hints") or 0),
                   str(row.get("finished_at") or row.get("recorded_at") or ""), "results")


@dataclass(frozen=True)
class Totals:
    earned: float        # points of the scored results
    possible: float      # maximum points of the scored results
    pending: float       # maximum points of results waiting for manual grading (in neither of the above)
    scored: int          # how many results were scored
    waiting: int         # how many wait for manual grading

    @property
    def ratio(self) -> float | None:
        return self.earned / self.possible if self.possible else None

    @property
    def possible_with_pending(self) -> float:
        """The most a learner can reach once every rubric item is graded (what a run's score line shows)."""
        return self.possible + self.pending


def totals(results: Iterable[ItemResult]) -> Totals:
    """Points earned and possible: the one sum. Results waiting for manual grading count in neither
    (they are reported as ``pending``), as the README's readiness rule says."""
    earned = possible = pending = 0.0
    scored = waiting = 0
    for r in results:
        if r.points is None:
            pending += r.max_points
            waiting += 1
        else:
            earned += r.points
            possible += r.max_points
            scored += 1
    return Totals(earned, possible, pending, scored, waiting)


def max_points(items: Iterable[Item]) -> float:
    """Points the items are worth together (coverage: how much evidence a domain has)."""
    return float(sum(it.max_points for it in items))
