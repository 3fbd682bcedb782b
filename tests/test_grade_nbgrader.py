"""Same scores as `nbgrader autograde` for honest work: partial credit, manual grading, no response."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = pytest.mark.slow


def test_scores_match_nbgrader_autograde(tmp_path: Path) -> None:
    nbg = tmp_path / "nbgrader"
    master = samples.new_course(nbg, h.FX, h.FIXTURE_SOURCE)
    samples.write_submission(nbg, "full", h.FX, samples.submission(master, {"essay": "我的理由。"}))
    samples.write_submission(nbg, "partial", h.FX, samples.submission(
        master, {"values": "wrong", "square": "wrong", "essay": None, "explain": None, "frame": "wrong"}))
    samples.write_submission(nbg, "blank", h.FX, samples.submission(master, answers={
        g: None for g in ("square", "values", "answer", "total", "arr", "frame", "essay", "explain")}))
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    for cmd in (["generate_assignment", h.FX, "--force"], ["autograde", h.FX]):
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *cmd, "--log-level=WARN"], cwd=nbg, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
    gov = tmp_path / "govai"
    shutil.copytree(nbg / "source", gov / "source")
    shutil.copytree(nbg / "submitted", gov / "submitted")
    shutil.copy(nbg / "nbgrader_config.py", gov / "nbgrader_config.py")

    out = h.grade(gov, h.FX)           # fresh course: govai registers the assignment itself
    assert {o.status for o in out.values()} == {"graded"}
    ours, theirs = h.scores(h.sqlite(gov), h.FX), h.scores(h.sqlite(nbg), h.FX)
    assert len(theirs) == 3 * 8
    assert ours == theirs
    # the cases this compares are really there
    assert theirs[("partial", "values_test")] == (1.0, False)         # partial credit
    assert theirs[("full", "essay")] == (None, True)                  # needs manual grading
    assert theirs[("partial", "essay")] == (0.0, False)               # no response
    assert theirs[("full", "total_test")] == (2.0, False)             # data file beside the notebook


def test_differences_table_is_current() -> None:
    """docs/nbgrader-differences.md is generated from the exception list in govai.grading.autograde."""
    from govai.grading.autograde import DIFFERENCES, SKIPPED_TESTS, differences_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "nbgrader-differences.md"
    assert doc.read_text(encoding="utf-8") == differences_markdown(), (
        "請重新產生 docs/nbgrader-differences.md：python -c 'from govai.grading.autograde import "
        "differences_markdown as d; open(\"docs/nbgrader-differences.md\", \"w\").write(d())'")
    assert all(d["behaviour"] and d["govai"] and d["why"] for d in DIFFERENCES)
    assert all(reason for reason in SKIPPED_TESTS.values())
