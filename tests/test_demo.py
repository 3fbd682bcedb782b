"""`govai demo`: a small deterministic synthetic cohort through runner, database and reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govai.records import demo
from govai.records.results import ResultsDB

REPO = Path(__file__).resolve().parents[1]


def test_filling_is_deterministic_and_uses_wrong_answers() -> None:
    from govai.grading import engine

    master = engine.read_notebook(REPO / "source/module1_literacy/module1_literacy.ipynb")
    rel = engine.read_notebook(REPO / "release/module1_literacy/module1_literacy.ipynb")
    weak = demo.SyntheticLearner("d-1", "合成", "C", "初學", "合成機關甲", False)
    nb1, choices1 = demo.fill_notebook(master, rel, weak)
    nb2, choices2 = demo.fill_notebook(master, rel, weak)
    assert choices1 == choices2 and set(choices1.values()) <= {"right", "wrong", "skip"}
    from govai.course.mutations import first_wrong_answers

    wrong = first_wrong_answers(master)
    by_gid = {engine.grade_id(c): c for c in nb1.cells if engine.grade_id(c)}
    for gid, choice in choices1.items():
        src = by_gid[gid].source
        if choice == "wrong":
            assert src == wrong[gid]
        elif choice == "skip":
            assert "NotImplementedError" in src
        else:
            assert "BEGIN SOLUTION" not in src and "NotImplementedError" not in src
    assert "mutations" not in str(nb1.cells[4].metadata)
    people = demo.cohort(9)
    assert [p.route for p in people[:3]] == ["A", "B", "C"] and people == demo.cohort(9)
    assert {p.skill for p in people} == set(demo.SKILLS)


def test_student_version_without_release_matches_generated_release() -> None:
    """The demo's fallback student version (no release/ for a track) is what `govai release` wrote."""
    from govai.course import solutions
    from govai.grading import engine

    master = engine.read_notebook(REPO / "source/module1_literacy/module1_literacy.ipynb")
    rel = engine.read_notebook(REPO / "release/module1_literacy/module1_literacy.ipynb")
    built = solutions.student_version(master)
    assert [c.source for c in built.cells] == [c.source for c in rel.cells]
    weak = demo.SyntheticLearner("d-2", "合成", "C", "初學", "合成機關甲", False)
    assert demo.fill_notebook(master, None, weak)[1] == demo.fill_notebook(master, rel, weak)[1]


@pytest.mark.slow
def test_small_demo_end_to_end(tmp_path: Path) -> None:
    src, rel = tmp_path / "source", tmp_path / "release"
    shutil.copytree(REPO / "source/module1_literacy", src / "module1_literacy")
    shutil.copytree(REPO / "release/module1_literacy", rel / "module1_literacy")
    lines: list[str] = []
    out = demo.run_demo(3, tmp_path / "demo", workers=2, src=src, release=rel, progress_bar=False,
                        echo=lines.append)
    db = ResultsDB(tmp_path / "demo" / "results.sqlite")
    assert [r["learner"] for r in db.runs()] == ["synth-01", "synth-02", "synth-03"]
    assert all(r["synthetic"] for r in db.runs())
    assert db.count() == 27
    assert len(out["paths"]["learner_reports"]) == 3
    assert all(Path(p).exists() for p in out["paths"]["learner_reports"])
    assert Path(out["paths"]["cohort_report"]).exists()
    text = "\n".join(lines)
    assert "合成學員 01（合成）" in text and "module1_literacy.q1" in text and "results.sqlite" in text
