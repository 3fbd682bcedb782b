"""Depth the route issues promise: lessons per track, each lesson's parts, and learner-hours per route.

The hours are the catalog's estimates (``reference/modules``); the parts are what a lesson of about
45–60 minutes needs: objectives, an explanation with a worked example, at least three self-checks,
a challenge, a summary and its sources.
"""

from __future__ import annotations

import re

import pytest

from govai.course import catalog
from govai.grading import engine

CAT = catalog.default()
TRACKS = CAT.all_tracks()
LESSONS = [(t.id, lesson.path) for t in TRACKS for lesson in t.lessons]
PARTS = {
    "學習目標": r"學習目標",
    "範例": r"範例|例題|示範|實例|走一遍|逐步",
    "挑戰": r"挑戰",
    "小結": r"小結|重點整理|總結|摘要|回顧|本課重點",
    "來源": r"來源|出處|參考資料|依據|參考文獻",
}
SELF_CHECK = re.compile(r"\bex\.(q\d+)\.check\(|\b(quiz|classify)\(")


@pytest.mark.parametrize("track", TRACKS, ids=[t.id for t in TRACKS])
def test_every_track_has_four_lessons(track: catalog.Track) -> None:
    assert len(track.lessons) >= 4, f"{track.id}: {len(track.lessons)} lessons"


@pytest.mark.parametrize("track_id,path", LESSONS, ids=[p.split("/")[-1] for _t, p in LESSONS])
def test_lesson_has_every_part_and_three_self_checks(track_id: str, path: str) -> None:
    nb = engine.read_notebook(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    missing = [name for name, pattern in PARTS.items() if not re.search(pattern, markdown)]
    assert not missing, f"{path}: missing {missing}"
    found = list(SELF_CHECK.finditer(code))
    # a problem checked twice is one self-check; every quiz or classification widget is one
    n = len({m.group(1) for m in found if m.group(1)}) + sum(1 for m in found if m.group(2))
    assert n >= 3, f"{path}: {n} self-checks"


def _route_hours(route: str) -> float:
    tracks = set(CAT.route(route).tracks)
    return sum(t.hours for t in TRACKS if t.id in tracks)


def test_hours_the_issues_promise() -> None:
    by_id = {t.id: t for t in TRACKS}
    assert by_id["module1_literacy"].hours >= 4
    assert _route_hours("A") >= 12
    assert _route_hours("B") >= 16
    assert sum(by_id[t].hours for t in ("module2_data_c", "module8_adoption", "module6_optimize_c")) >= 12
