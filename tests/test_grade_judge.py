"""The judge: tests run outside the learner kernel, which never receives a hidden test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

from govai.grading import (
    engine,
    judge,
)
from govai.grading.sandbox import Sandbox

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(preload=["numpy", "pandas"]) as sb:
        yield sb


def test_learner_kernel_never_sees_hidden_tests(sandbox: Sandbox) -> None:
    master = nbformat.read(h.FIXTURE_SOURCE / "fixture_grading.ipynb", as_version=4)
    composed = engine.compose(samples.submission(master), master)
    kernel = judge.LearnerKernel(sandbox, {"data.csv": (h.FIXTURE_SOURCE / "data.csv").read_bytes()}, {},
                                 judge.JudgeLimits(cell_timeout=20))
    try:
        executed = judge.execute(composed, kernel, "fixture")
        history = kernel.fetch(["_ih"])["_ih"]
    finally:
        kernel.close()
    items = engine.score(executed, master)
    assert [i.points for i in items if not i.needs_manual] == [3.0, 4.0, 2.0, 2.0, 2.0, 2.0]
    assert any("values = [1, 2, 3]" in cell for cell in history)
    assert not any("HIDDEN" in cell or "square(-3)" in cell or "assert_frame_equal" in cell for cell in history)


def test_proxies_compare_by_identity_only(sandbox: Sandbox) -> None:
    kernel = judge.LearnerKernel(sandbox, {}, {}, judge.JudgeLimits(cell_timeout=20))
    try:
        kernel.run("class Eq:\n    def __eq__(self, o):\n        return True\ne = Eq()\ndef f(x):\n    return [x, e]")
        values = kernel.fetch(["e", "f"])
        e, f = values["e"], values["f"]
        assert isinstance(e, judge.LearnerObject) and not callable(e)
        assert e != 42 and not (e == "anything") and e == e
        got = f(3)
        assert got[0] == 3 and type(got[0]) is int and got[1] != 3
    finally:
        kernel.close()


def test_whole_notebook_time_budget(sandbox: Sandbox) -> None:
    kernel = judge.LearnerKernel(sandbox, {}, {}, judge.JudgeLimits(cell_timeout=5, submission_budget=2))
    try:
        outputs = [kernel.run("import time\ntime.sleep(0.8)\nx = 1")[1] for _ in range(4)]
        assert outputs[:2] == [True, True] and outputs[-1] is False
        out, ok = kernel.run("y = 2")
        assert not ok and "時間上限" in out[0]["evalue"]
    finally:
        kernel.close()


def test_a_working_directory_that_cannot_be_entered_fails_its_test_and_frees_the_turn(tmp_path: Path) -> None:
    import os

    here = os.getcwd()
    gone = tmp_path / "removed"
    with pytest.raises(FileNotFoundError):
        judge.WorkingDir(str(gone)).__enter__()
    assert os.getcwd() == here
    ok = tmp_path / "ok"
    ok.mkdir()
    guard = judge.WorkingDir(str(ok))
    with guard:                                      # the turn was given back: no deadlock
        assert os.getcwd() == str(ok)
        ok_later = tmp_path / "later"
        ok_later.mkdir()
        guard.path = str(ok_later)
        ok_later.rmdir()                             # removed while the test waited for the learner kernel
        with pytest.raises(FileNotFoundError), guard.released():
            pass
        assert not guard.held
    assert os.getcwd() == here
    assert judge.WorkingDir._lock.acquire(timeout=5)
    judge.WorkingDir._lock.release()
