"""Readiness: mastery from the latest results, weighted domains, bands, retired certifications, gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govai.course import catalog
from govai.course.items import ItemResult
from govai.course.masters import all_items
from govai.records import readiness
from govai.records.results import NotebookOutcome, ResultsDB, RunRecord

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "source"


def _db_with(tmp_path: Path, passed: set[str], route: str = "C", learner: str = "L1") -> ResultsDB:
    """A run over module 1's real graded items; items in ``passed`` get full points."""
    items = [it for it in all_items(SRC) if it.track == "module1_literacy"]
    db = ResultsDB(tmp_path / "r.sqlite")
    rows = [ItemResult(it, it.max_points if it.grade_id in passed else 0.0) for it in items]
    db.write_run(RunRecord("run1", learner, route, "2026-11-26T00:00:00+00:00",
                           notebooks=[NotebookOutcome("module1_literacy/module1_literacy.ipynb", "module1_literacy",
                                                      "ok", items=rows)]))
    return db


def test_bands_follow_the_documented_thresholds() -> None:
    assert readiness.band(0.8) == "準備就緒" and readiness.band(0.79) == "接近"
    assert readiness.band(0.6) == "接近" and readiness.band(0.599) == "尚需加強"
    assert "0.8" in (readiness.__doc__ or "").replace("0.80", "0.8") and "0.60" in (readiness.__doc__ or "")


def test_mastery_and_readiness_follow_the_formula(tmp_path: Path) -> None:
    items = [it for it in all_items(SRC) if it.track == "module1_literacy"]
    passed = {items[0].grade_id, items[1].grade_id}
    db = _db_with(tmp_path, passed)
    rep = readiness.compute("L1", db=db)
    assert rep["route"] == "C" and set(rep["competencies"]) == {c.id for c in catalog.default().competencies}
    for comp in ("風險辨識", "倫理判斷", "公共價值"):
        tagged = [it for it in items if comp in it.competencies]
        expected = sum(it.max_points for it in tagged if it.grade_id in passed) / sum(it.max_points for it in tagged)
        assert rep["competencies"][comp] == pytest.approx(expected, abs=1e-4)
    assert rep["competencies"]["模型訓練"] == 0.0 and rep["evidence"]["模型訓練"] == 0.0
    cat = catalog.default()
    names = [c["name"] for c in rep["certifications"]]
    assert names == [c.name for c in cat.certifications_for_route("C")]
    for entry in rep["certifications"]:
        cert = cat.certification(entry["id"])
        w = cert.normalised_weights()
        expected = 0.0
        for d in cert.domains:
            tagged = [it for it in items if f"{cert.id}/{d.id}" in it.domains]
            if tagged:   # weighed by points over the items that evidence the domain
                m = sum(it.max_points for it in tagged if it.grade_id in passed) / sum(it.max_points for it in tagged)
            else:        # no item: the mean mastery of the domain's competencies
                m = sum(rep["competencies"][c] for c in d.competencies) / len(d.competencies)
            expected += w[d.id] * m
            got = next(x for x in entry["domains"] if x["id"] == d.id)
            assert got["basis"] == ("items" if tagged else "competencies")
        assert entry["readiness"] == pytest.approx(expected, abs=1e-3)
        assert entry["estimated"] == cert.estimated
        assert 0.0 <= entry["readiness"] <= 1.0


def test_retired_certifications_are_never_targets(tmp_path: Path) -> None:
    db = _db_with(tmp_path, {it.grade_id for it in all_items(SRC) if it.track == "module1_literacy"})
    rep = readiness.compute("L1", db=db)
    ai900 = next(c for c in rep["certifications"] if c["id"] == "ms-ai-900")
    assert ai900["status"] == "retired" and ai900["successor"] == "AI-901"
    assert ai900["recommended"] is False and ai900["band"] == "已退役" and ai900["gaps"] == []
    assert all(t["recommended"] for t in readiness.targets(rep))
    core = next(c for c in rep["certifications"] if c["id"] == "gov-ai-core")
    assert core["band"] == "準備就緒" and core["readiness"] == pytest.approx(1.0)


def test_gaps_name_modules_lessons_and_exercises(tmp_path: Path) -> None:
    db = _db_with(tmp_path, set())
    rep = readiness.compute("L1", db=db)
    core = next(c for c in rep["certifications"] if c["id"] == "gov-ai-core")
    assert core["band"] == "尚需加強" and 1 <= len(core["gaps"]) <= readiness.MAX_GAPS
    gap = core["gaps"][0]
    assert gap["modules"] and gap["modules"][0]["track"] == "module1_literacy"
    assert any(lesson.startswith("notebooks/module1_literacy/") for lesson in gap["lessons"])
    assert gap["exercises"] and all(e["status"] == "未通過" for e in gap["exercises"]
                                    if e["notebook"].startswith("module1_literacy"))


def test_gradebook_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))

    items = [it for it in all_items(SRC) if it.track == "module1_literacy"]
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("module1_literacy")
        gb.add_notebook("module1_literacy", "module1_literacy")
        for it in items:
            gb.add_grade_cell(it.grade_id, "module1_literacy", "module1_literacy", max_score=it.max_points,
                              cell_type="code")
        gb.add_student("gb-1")
        gb.add_submission("module1_literacy", "gb-1")
        for it in items:
            grade = gb.find_grade(it.grade_id, "module1_literacy", "module1_literacy", "gb-1")
            grade.auto_score = it.max_points if "風險辨識" in it.competencies else 0.0
        gb.db.commit()
    rep = readiness.compute("gb-1", gradebook=url, route="A", use_results=False)
    assert rep["has_results"] and rep["route"] == "A"
    assert rep["score"]["possible"] == sum(it.max_points for it in items)
    assert rep["competencies"]["風險辨識"] == pytest.approx(1.0)
    assert any(c["id"] == "gov-ai-planning" for c in rep["certifications"])


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govai import cli

    db = _db_with(tmp_path, set())
    assert cli.main(["readiness", "--learner", "L1", "--db", db.url, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"learner", "route", "competencies", "certifications"}
    assert all(set(c) >= {"name", "readiness", "band", "estimated", "status", "gaps"} for c in data["certifications"])
    assert cli.main(["readiness", "--learner", "nobody", "--db", db.url]) == 0
    assert "尚無評分紀錄" in capsys.readouterr().out


def test_manual_items_are_pending_until_graded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rubric task counts once graded; before, it is neither earned nor possible."""
    import os
    import sys

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    items = [it for it in all_items(SRC) if it.track == "module1_literacy"]
    with Gradebook(url) as gb:
        gb.add_assignment("module1_literacy")
        gb.add_notebook("module1_literacy", "module1_literacy")
        for it in items:
            gb.add_grade_cell(it.grade_id, "module1_literacy", "module1_literacy", max_score=it.max_points,
                              cell_type="code")
        gb.add_grade_cell("memo", "module1_literacy", "module1_literacy", max_score=4, cell_type="markdown")
        gb.add_student("m-1")
        gb.add_submission("module1_literacy", "m-1")
        for it in items:
            gb.find_grade(it.grade_id, "module1_literacy", "module1_literacy", "m-1").auto_score = it.max_points
        gb.db.commit()
    before = readiness.compute("m-1", gradebook=url, use_results=False)["score"]
    assert before["possible"] == sum(it.max_points for it in items) and before["ratio"] == 1.0
    with Gradebook(url) as gb:
        gb.find_grade("memo", "module1_literacy", "module1_literacy", "m-1").manual_score = 1.0
        gb.db.commit()
    after = readiness.compute("m-1", gradebook=url, use_results=False)["score"]
    assert after["possible"] == before["possible"] + 4 and after["earned"] == before["earned"] + 1


def test_cohort_readiness_equals_each_learners_readiness(tmp_path: Path) -> None:
    """The set-wise computation gives every learner exactly what `govai readiness` gives them alone."""
    import random

    import numpy as np

    items = all_items(SRC)
    db = ResultsDB(tmp_path / "cohort.sqlite")
    rng = random.Random(7)
    for n in range(12):
        route = "ABC"[n % 3]
        learner = f"c-{n}"
        for run_no in range(1 + n % 2):      # some learners ran twice: only the newest run counts
            by_nb: dict[tuple[str, str], list[ItemResult]] = {}
            for it in items:
                if rng.random() < 0.7:
                    by_nb.setdefault((it.notebook, it.track), []).append(ItemResult(
                        it, float(rng.choice([0, it.max_points, it.max_points / 2]))))
            nbs = [NotebookOutcome(nb, track, "ok", items=rows) for (nb, track), rows in by_nb.items()]
            db.write_run(RunRecord(f"run-{n}-{run_no}", learner, route, f"2026-11-2{run_no}T00:00:00+00:00",
                                   notebooks=nbs, finished_at=f"2026-11-2{run_no}T01:00:00+00:00"))
    everyone = readiness.cohort(db, src=SRC)
    assert sorted(everyone.learners) == sorted(f"c-{n}" for n in range(12))
    for i, learner in enumerate(everyone.learners):
        alone = {c["id"]: c["readiness"] for c in readiness.compute(learner, db=db, src=SRC)["certifications"]}
        for k, cert in enumerate(everyone.certifications):
            got = everyone.readiness[i, k]
            if cert.id in alone:
                assert got == pytest.approx(alone[cert.id], abs=1e-4), (learner, cert.id)
            else:
                assert np.isnan(got), (learner, cert.id)
