"""A real learner's flow, end to end: a lesson executed in a real kernel records self-checks and a hint,
the learner's assignment goes through `govai run`, and the attempts and hints reach the results rows,
the learner's readiness inputs and the cohort report's item analysis. Nothing is written by the demo:
the only progress is what the lesson's own `ex.q1.check()` and `ex.q1.hint()` recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from govai.course import nbmeta, solutions
from govai.course.masters import all_items
from govai.exercises import progress
from govai.records import report, runner
from govai.records.results import ResultsDB

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
LESSON = REPO / "notebooks" / "module1_literacy" / "01_what_is_ai.ipynb"
TRACK = "module1_literacy"
LEARNER = "flow-lesson-1"


def _lesson_with_answers() -> nbformat.NotebookNode:
    """The lesson as a learner works it: the starter check (「尚未作答」), a wrong answer, a hint, then the right one."""
    nb = nbformat.read(LESSON, as_version=4)
    starter = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "ex.q1.check()" in c.source)
    work = [
        'is_ai = {"規費級距計算表": True, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": True}\n'
        "ex.q1.check()\nex.q1.hint()",
        'is_ai = {"規費級距計算表": False, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": False}\n'
        "ex.q1.check()",
    ]
    for offset, source in enumerate(work, start=1):
        nb.cells.insert(starter + offset, nbformat.v4.new_code_cell(source))
    return nb


def test_lesson_self_checks_reach_results_and_the_cohort_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "progress.sqlite"
    monkeypatch.setenv("GOVAI_PROGRESS_DB", str(store))
    monkeypatch.setenv("GOVAI_LEARNER", LEARNER)

    # 1. The lesson, in a real kernel, from its own folder (it reads ../../data/module1).
    NotebookClient(_lesson_with_answers(), timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(LESSON.parent)}}).execute()
    practised = progress.summary(LEARNER, store, answered_only=True)
    assert practised, "the lesson recorded no progress"

    # 2. The learner's assignment: the released notebook answered correctly, run by `govai run`.
    master = nbformat.read(REPO / "source" / TRACK / f"{TRACK}.ipynb", as_version=4)
    work = tmp_path / "work" / TRACK
    shutil.copytree(REPO / "release" / TRACK, work)
    release = nbformat.read(work / f"{TRACK}.ipynb", as_version=4)
    gids = [nbmeta.grade_id(c) for c in master.cells if nbmeta.is_solution(c)]
    nbformat.write(solutions.answered(release, master, dict.fromkeys(gids, "right")), work / f"{TRACK}.ipynb")
    db = tmp_path / "results.sqlite"
    record = runner.run_learner(LEARNER, "C", tmp_path / "work", db=str(db), progress_path=store)

    # 3. Each graded item of the track carries the sums over the lesson problems that practise it.
    items = {it.exercise: it for it in all_items() if it.track == TRACK}
    rows = {r["exercise"]: r for r in ResultsDB(db).run_rows(record.run_id) if r["exercise"] in items}
    assert rows.keys() == items.keys()
    expected = {}
    for exercise, item in items.items():
        found = [practised[i] for i in dict.fromkeys((exercise, *item.practised_by)) if i in practised]
        expected[exercise] = (sum(p.attempts for p in found), sum(p.hints for p in found))
        assert (rows[exercise]["attempts"], rows[exercise]["hints"]) == expected[exercise], exercise
    # The flow above made two answered checks and one hint on the lesson's q1: some item must show them.
    assert any(a >= 2 and h >= 1 for a, h in expected.values()), expected

    # 4. The cohort report's item analysis shows the same means (one learner: the values themselves).
    analysis = {(i["exercise"], i["track"]): i for i in report.cohort_data(db=str(db))["items"]}
    for exercise, (attempts, hints) in expected.items():
        shown = analysis[(exercise, TRACK)]
        assert (shown["mean_attempts"], shown["mean_hints"]) == (attempts, hints), exercise
