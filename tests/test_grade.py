"""`govai grade` end to end: a fresh course folder, nbgrader's gradebook and tools, skipping and --force."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = pytest.mark.slow
VENV_BIN = Path(sys.executable).parent


def _govai(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/govai` with no activated environment: the venv's bin/ is not on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    return subprocess.run([str(VENV_BIN / "govai"), "grade", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_fresh_course_cli_registers_grades_and_skips(tmp_path: Path) -> None:
    course = tmp_path / "course"
    master = samples.new_course(course, h.M1)
    samples.write_submission(course, "alice", h.M1, samples.submission(master))
    samples.write_submission(course, "bob", h.M1, samples.submission(master, samples.varied_answers(master, 1)))
    samples.write_submission(course, "carol", h.M1, samples.submission(master, samples.varied_answers(master, 2)))
    assert not (course / "gradebook.db").exists()

    proc = _govai(h.M1, "--course", str(course), "--workers", "2", "--timeout", "30", "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "已評分 graded" in proc.stdout and "alice" in proc.stdout

    db = h.sqlite(course)
    totals = h.totals(db, h.M1)
    assert totals["alice"] == 23.0
    # bob typed the known-wrong answers of q2, q5, q8; carol left q1, q5, q9 unanswered
    assert totals["bob"] == 23.0 - 3 - 3 - 2
    assert totals["carol"] == 23.0 - 2 - 3 - 2
    s = h.scores(db, h.M1)
    assert s[("bob", "q2_principles_test")] == (0.0, False)
    assert s[("alice", "q2_principles_test")] == (3.0, False)
    for student in ("alice", "bob", "carol"):
        assert (course / "autograded" / student / h.M1 / "timestamp.txt").exists()
    nb = nbformat.read(course / "autograded" / "bob" / h.M1 / f"{h.M1}.ipynb", as_version=4)
    failed = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q2_principles_test"]
    assert [o.get("ename") for o in failed[0].outputs if o.output_type == "error"] in (["AssertionError"], ["Mismatch"])
    assert "### BEGIN HIDDEN TESTS" in failed[0].source     # like nbgrader: the autograded copy has the tests

    # unchanged: skipped, nothing written twice
    before = h.row_counts(db)
    out = h.grade(course)
    assert {o.status for o in out.values()} == {"skipped"}
    assert h.row_counts(db) == before
    assert before["submitted_assignment"] == 3 and before["grade"] == 3 * 9 and before["govai_graded"] == 3

    # bob fixes his answers: only bob is graded again; --force regrades everyone
    samples.write_submission(course, "bob", h.M1, samples.submission(master))
    out = h.grade(course)
    assert out["bob"].status == "graded" and out["alice"].status == "skipped"
    assert h.totals(db, h.M1)["bob"] == 23.0
    out = h.grade(course, force=True, students=["carol"])
    assert set(out) == {"carol"} and out["carol"].status == "graded" and out["carol"].score == 16.0
    out = h.grade(course, force=True)
    assert {o.status for o in out.values()} == {"graded"}
    assert h.row_counts(db) == before


def test_nbgrader_tools_read_the_results(tmp_path: Path) -> None:
    course = tmp_path / "course"
    master = h.course(course)
    samples.write_submission(course, "dave", h.M1, samples.submission(master, samples.varied_answers(master, 1)))
    out = h.grade(course)
    assert out["dave"].status == "graded" and out["dave"].score == 15.0
    env = dict(os.environ, PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", h.M1, "--student", "dave",
                           "--force", "--log-level=WARN"], cwd=course, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    feedback = (course / "feedback" / "dave" / h.M1 / f"{h.M1}.html").read_text(encoding="utf-8")
    assert "15" in feedback and "23" in feedback
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(tmp_path / "grades.csv"),
                           "--log-level=WARN"], cwd=course, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    csv = (tmp_path / "grades.csv").read_text(encoding="utf-8")
    assert "dave" in csv and ",15.0," in csv


def test_unknown_assignment_exits_1_as_nbgrader(tmp_path: Path) -> None:
    from govai.cli import main

    (tmp_path / "source").mkdir()
    assert main(["grade", "no_such", "--course", str(tmp_path)]) == 1
