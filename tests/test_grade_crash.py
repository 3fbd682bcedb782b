"""Nothing lost: SIGKILL the grader mid-batch, run it again, every submission is graded exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = pytest.mark.slow


def _start(course: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PATH="/usr/bin:/bin")
    return subprocess.Popen([str(Path(sys.executable).parent / "govai"), "grade", h.M1, "--course", str(course),
                             "--workers", "1", "--no-progress"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _graded_dirs(course: Path) -> int:
    root = course / "autograded"
    return sum(1 for p in root.glob(f"*/{h.M1}") if p.is_dir()) if root.exists() else 0


@pytest.mark.parametrize("kill_after", [1, 3])
def test_sigkill_then_rerun_grades_each_submission_once(tmp_path: Path, kill_after: int) -> None:
    course = tmp_path / "course"
    h.course(course)
    master = samples.new_course(course, h.M1)
    students = [f"k{i}" for i in range(6)]
    for i, s in enumerate(students):
        samples.write_submission(course, s, h.M1, samples.submission(master, samples.varied_answers(master, i)))

    proc = _start(course)
    deadline = time.monotonic() + 300
    while _graded_dirs(course) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()

    proc = _start(course)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr[-3000:]
    graded_now = {ln.split()[0] for ln in stdout.splitlines() if "已評分 graded" in ln}
    skipped = {ln.split()[0] for ln in stdout.splitlines() if "略過 skipped" in ln}
    assert graded_now | skipped == set(students) and not graded_now & skipped

    db = h.sqlite(course)
    counts = h.row_counts(db)
    assert counts["submitted_assignment"] == 6 and counts["submitted_notebook"] == 6
    assert counts["grade"] == 6 * 9 and counts["govai_graded"] == 6 and counts["student"] == 6
    expected = {s: t for s, t in zip(students, (23.0, 15.0, 16.0, 23.0, 23.0, 15.0), strict=True)}
    assert h.totals(db, h.M1) == expected
    assert not list(course.glob("autograded/*/.*govai*"))      # no half-written folders left behind
