"""`govai grade`'s worker processes: a lost worker fails only the submission it was executing, and the
zygote preloads the modules the masters import under their full names."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import nbformat
import pytest

from govai.grading import worker
from govai.grading.command import preload_modules
from govai.grading.sandbox import bwrap_path

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap is not installed")

CONFIG = {"timeout": 60, "limits": {}, "hide": [], "preload": [], "own_process": True}


def _payload(student: str, *sources: str) -> dict[str, object]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in sources])
    return {"student": student, "notebooks": [{"name": "nb", "source": nbformat.writes(nb), "kernel": ""}],
            "files": {}}


def _outputs(result: dict[str, object]) -> list[str]:
    nb = json.loads(result["notebooks"]["nb"]["executed"])  # type: ignore[index]
    return ["".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", [])]


def test_a_killed_worker_fails_its_submission_only_and_is_replaced() -> None:
    pool = worker.ProcessPool(1)
    try:
        slow = pool.submit(_payload("slow", "import time\ntime.sleep(120)"), CONFIG)
        after = pool.submit(_payload("after", "print(6 * 7)"), CONFIG)
        deadline = time.monotonic() + 120
        while not (slow.running() and pool.pids()) and time.monotonic() < deadline:
            time.sleep(0.05)
        [pid] = pool.pids()
        time.sleep(1.0)                       # the sandbox is up and the slow cell is running
        os.kill(pid, signal.SIGKILL)
        lost = slow.result(timeout=120)
        assert "worker process died" in lost["error"] and lost["student"] == "slow"
        done = after.result(timeout=120)
        assert done["error"] is None and _outputs(done) == ["42\n"]
        assert pool.pids() and pool.pids() != [pid]
    finally:
        pool.shutdown()
    assert not pool.pids()


def test_worker_processes_yield_the_cpu_to_the_grader() -> None:
    pool = worker.ProcessPool(2, warm={k: v for k, v in CONFIG.items() if k != "own_process"})
    try:
        done = [pool.submit(_payload(s, "import os\nprint(os.nice(0))"), CONFIG) for s in ("a", "b")]
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        for future in done:
            assert _outputs(future.result(timeout=120)) == [f"{ours + worker.WORKER_NICENESS}\n"]
        assert pool.pids() and all(os.getpriority(os.PRIO_PROCESS, pid) == ours + worker.WORKER_NICENESS
                                   for pid in pool.pids())
    finally:
        pool.shutdown()


def test_preload_keeps_submodules_the_masters_import() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from govai.exercises.compare import same\nimport json.decoder"),
        nbformat.v4.new_code_cell("import no_such_module_here"),
    ])
    names = preload_modules({"m": nbformat.writes(nb)}, default=())
    assert names == ["govai.exercises.compare", "json.decoder"]


def test_prestarted_workers_are_the_pools_and_do_not_outlive_the_grader() -> None:
    worker.prestart(2)
    early = {p.pid for p, _conn, _cwd in worker._prestarted}
    assert len(early) == 2
    pool = worker.ProcessPool(1, warm={k: v for k, v in CONFIG.items() if k != "own_process"})
    try:
        done = pool.submit(_payload("a", "import os\nprint(os.environ.get('NBGRADER_EXECUTION'))"), CONFIG).result(timeout=120)
        assert done["error"] is None and _outputs(done) == ["autograde\n"]
        assert set(pool.pids()) < early               # a prestarted process executed it
    finally:
        pool.shutdown()
    [(left, _conn, _cwd)] = worker._prestarted         # the one the pool did not need
    worker.stop_prestarted()
    assert left.poll() is not None and not worker._prestarted


def test_prestarted_workers_serve_only_the_directory_they_started_in(tmp_path: Path) -> None:
    worker.prestart(1)
    [(early, _conn, _cwd)] = worker._prestarted
    previous = os.getcwd()
    os.chdir(tmp_path)                                  # another run (nbgrader's tests change directory)
    try:
        pool = worker.ProcessPool(1, warm={k: v for k, v in CONFIG.items() if k != "own_process"})
        try:
            done = pool.submit(_payload("a", "print(6 * 7)"), CONFIG).result(timeout=120)
            assert done["error"] is None and _outputs(done) == ["42\n"]
            assert pool.pids() and early.pid not in pool.pids()
        finally:
            pool.shutdown()
    finally:
        os.chdir(previous)
        worker.stop_prestarted()
    assert early.poll() is not None
