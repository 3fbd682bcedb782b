"""When a track (one route's way through a module) and a route count as completed, from the results database.

The rule is this course's own (no official rule exists for it), and an agency may set its pass mark:

- a **track is completed** when the learner's latest complete runs hold a result for every
  auto-graded item of the track's master and points earned ÷ points possible over those items is
  at least the pass ratio (``$GOVAI_PASS_RATIO``, default :data:`PASS_RATIO`). Rubric (manually
  graded) items waiting for an instructor do not block completion; they are listed as pending.
  The completion date is that of the newest run among those results; the score is the ratio × 100.
- a **route is completed** when every track on its path (the common core included) is completed;
  its date is the latest of theirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from govai.course import catalog as catalog_mod
from govai.course.items import Item, ItemResult, totals
from govai.course.masters import all_items

if TYPE_CHECKING:
    from govai.records.results import ResultsDB

PASS_RATIO = 0.6
TAIPEI = ZoneInfo("Asia/Taipei")


def pass_ratio() -> float:
    value = float(os.environ.get("GOVAI_PASS_RATIO", PASS_RATIO))
    if not 0 < value <= 1:
        raise ValueError("GOVAI_PASS_RATIO 必須介於 0 與 1 之間 / must be in (0, 1]")
    return value


@dataclass
class TrackCompletion:
    learner: str
    route: str | None
    module: int
    module_name: str
    track: str
    title: str
    lesson_hours: float
    assignment_hours: float
    earned: float
    possible: float
    answered: int                 # auto-graded items with a result
    required: int                 # auto-graded items of the master
    completed: bool
    completed_at: str | None      # ISO 8601 UTC of the newest run among the results
    pending: list[str] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.lesson_hours + self.assignment_hours, 2)

    @property
    def score(self) -> float | None:
        return round(100 * self.earned / self.possible, 1) if self.possible else None

    @property
    def completed_on(self) -> str | None:
        """Completion date in Taiwan time (YYYY-MM-DD)."""
        if not self.completed_at:
            return None
        return datetime.fromisoformat(self.completed_at).astimezone(TAIPEI).date().isoformat()


@dataclass
class RouteCompletion:
    learner: str
    route: str
    name: str
    tracks: list[str]
    completed: bool
    completed_at: str | None
    hours: float


def track_completions(db: ResultsDB | str | None, learner: str, *, items: list[Item] | None = None,
                      cat: catalog_mod.Catalog | None = None, ratio: float | None = None) -> list[TrackCompletion]:
    """Every track the learner has results for, completed or not."""
    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    ratio = pass_ratio() if ratio is None else ratio
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    items = items if items is not None else all_items()
    rows = database.latest_items(learner)
    latest = database.latest_run(learner)
    route = (latest or {}).get("route")
    by_track: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_track.setdefault(r["track"], []).append(r)
    out = []
    for track_id, trows in sorted(by_track.items()):
        try:
            track, module = cat.track(track_id), cat.module_of_track(track_id)
        except KeyError:
            continue
        required = [it for it in items if it.track == track_id and not it.manual]
        results = {res.key: res for res in map(ItemResult.from_row, trows) if not res.needs_manual}
        answered = [results[it.key] for it in required if it.key in results]
        score = totals(answered)
        earned, possible = score.earned, score.possible
        done = bool(required) and len(answered) == len(required) and possible > 0 and earned / possible >= ratio - 1e-12
        stamps = [res.at for res in answered]
        out.append(TrackCompletion(
            learner=learner, route=route, module=module.number, module_name=module.name_zh, track=track_id,
            title=track.title, lesson_hours=round(sum(lesson.hours for lesson in track.lessons), 2),
            assignment_hours=track.assignment_hours, earned=earned, possible=possible, answered=len(answered),
            required=len(required), completed=done, completed_at=max(stamps) if done and stamps else None,
            pending=[r["exercise"] for r in trows if r.get("needs_manual")]))
    return out


def route_completion(learner: str, route: str | None, tracks: list[TrackCompletion],
                     cat: catalog_mod.Catalog | None = None) -> RouteCompletion | None:
    """The learner's route, completed when every track on its path is."""
    if not route:
        return None
    cat = cat or catalog_mod.default()
    r = cat.route(route)
    done = {t.track: t for t in tracks if t.completed}
    ids = [s.track for s in r.path]
    complete = all(t in done for t in ids)
    return RouteCompletion(learner=learner, route=route, name=r.name, tracks=ids, completed=complete,
                           completed_at=max(done[t].completed_at or "" for t in ids) if complete else None,
                           hours=round(sum(cat.track(t).hours for t in ids), 2))
