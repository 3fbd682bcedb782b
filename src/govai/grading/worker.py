"""Execute one submission: runs in a `govai grade` worker process (:class:`ProcessPool`), a Dask worker
or the caller's thread; no database access.

:func:`execute_submission` (what `govai grade` schedules) takes plain data — notebooks already
sanitized by nbgrader's preprocessors, the submission's files — and returns plain data: executed
notebooks and the files the learner's code wrote. :func:`grade_payload` (used by
`govai validate --mutations`) composes a submission with its master and scores it as well. Each
thread keeps its own pre-started :class:`~govai.grading.sandbox.Sandbox`.
"""

from __future__ import annotations

import atexit
import copy
import threading
import time
from typing import TYPE_CHECKING, Any

from govai.errors import SubmissionError
from govai.grading.sandbox import Sandbox, SandboxLimits

if TYPE_CHECKING:
    import nbformat

# nbformat, the engine and the judge are imported where they are used: `govai grade` imports this
# module to start its worker processes before its own (slower) imports; a worker imports them
# while it waits for its first submission (``serve``)

# How much lower a worker process's CPU priority is than the grader's (``nice``). The grader's own
# process is the pipeline's one serial stage (nbgrader's steps before and after every execution); a
# worker yields the CPU to it, so on a machine with as many cores as workers the grader is not the
# one waiting (100 module-1 submissions on 2 cores: 6.8 s against 7.45 s, the mean of 5 runs each).
# On a shared server, grading also yields to learners' interactive kernels.
WORKER_NICENESS = 5

_local = threading.local()
_all: list[Sandbox] = []
_all_lock = threading.Lock()


def sandbox_for(config: dict[str, Any]) -> Sandbox:
    """This thread's sandbox (started on first use, replaced if it died)."""
    key = (tuple(config.get("preload", [])), tuple(sorted(config.get("limits", {}).items())),
           tuple(config.get("hide", [])))
    sb: Sandbox | None = getattr(_local, "sandbox", None)
    if sb is not None and (getattr(_local, "key", None) != key or not sb.alive):
        sb.close()
        sb = None
    if sb is None:
        sb = Sandbox(SandboxLimits(**config.get("limits", {})), config.get("preload", []),
                     hide=config.get("hide", [])).start()
        _local.sandbox, _local.key = sb, key
        with _all_lock:
            _all.append(sb)
    return sb


def close_all() -> None:
    with _all_lock:
        for sb in _all:
            sb.close()
        _all.clear()


atexit.register(close_all)


def with_checksums(master: nbformat.NotebookNode, checksums: dict[str, str]) -> nbformat.NotebookNode:
    """The master with nbgrader's release checksums in its cells' metadata (as students received them)."""
    from govai.course import nbmeta

    nb = copy.deepcopy(master)
    for cell in nb.cells:
        gid = nbmeta.grade_id(cell)
        if gid in checksums:
            nbmeta.nbgrader(cell)["checksum"] = checksums[gid]
    return nb


def _comments(executed: nbformat.NotebookNode) -> dict[str, str | None]:
    from nbgrader.utils import compute_checksum

    from govai.course import nbmeta

    out: dict[str, str | None] = {}
    for cell in executed.cells:
        gid = nbmeta.grade_id(cell)
        if not gid or gid in out or not (nbmeta.is_solution(cell) or nbmeta.is_task(cell)):
            continue
        checksum = nbmeta.nbgrader(cell).get("checksum")
        unchanged = checksum is not None and checksum == compute_checksum(cell)
        out[gid] = "No response." if unchanged and not nbmeta.is_task(cell) else None
    return out


def grade_payload(payload: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Grade every notebook of one submission in its own fresh learner kernel.

    ``payload``: ``student``, ``notebooks`` and ``paths`` (by notebook name: the raw notebook, or None
    when missing, and the path its errors name), ``files``, and optionally ``notebook_ids``
    (``<track>/<name>.ipynb``, which names the scored items' track and notebook)."""
    import nbformat

    from govai.grading import engine, judge

    started = time.monotonic()
    result: dict[str, Any] = {"student": payload["student"], "notebooks": {}, "error": None}
    limits = judge.JudgeLimits(cell_timeout=float(config.get("timeout", judge.CELL_TIMEOUT)))
    try:
        sandbox = sandbox_for(config)
        parsed: dict[str, nbformat.NotebookNode | None] = {}
        for name, raw in payload["notebooks"].items():
            parsed[name] = None if raw is None else engine.parse_notebook(raw, payload["paths"][name])
        for name, sub in parsed.items():
            master = nbformat.reads(config["masters"][name], as_version=4)
            master = with_checksums(master, config["checksums"].get(name, {}))
            if sub is None:
                result["notebooks"][name] = {"missing": True}
                continue
            composed = engine.compose(sub, master)
            kernel = judge.LearnerKernel(sandbox, payload["files"], {}, limits)
            try:
                executed = judge.execute(composed, kernel, name)
            finally:
                kernel.close()
            items = engine.score(executed, master, payload.get("notebook_ids", {}).get(name, ""))
            result["notebooks"][name] = {
                "missing": False,
                "executed": nbformat.writes(executed, version=4),
                "items": [i.to_dict() for i in items],
                "comments": _comments(executed),
                "restarts": kernel.restarts,
            }
    except SubmissionError as exc:
        result["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - reported per submission; the batch goes on
        result["error"] = f"評分時發生錯誤 / grading failed: {type(exc).__name__}: {exc}"
    result["seconds"] = time.monotonic() - started
    return result


# -- nbgrader's autograde with govai's execution ------------------------------------------------


def _read_tree(root: str) -> dict[str, bytes]:
    import os

    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root).replace(os.sep, "/")] = fh.read()
    return out


def _write_tree(root: str, files: dict[str, bytes]) -> None:
    import os

    from govai.grading import judge

    for rel, data in files.items():
        if not judge.safe_relpath(rel):
            continue
        path = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)


def execute_submission(payload: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Execute one submission's sanitized notebooks (nbgrader's order, one fresh kernel each).

    ``payload``: ``student``, ``notebooks`` (list of ``{"name", "source", "visible"}``: notebook JSON
    after nbgrader's sanitizing preprocessors, and its test cells as learners saw them where hidden
    tests were removed, by cell index; see :func:`govai.grading.judge.execute`), ``files`` (the submission's working directory, notebooks
    excluded). Returns the executed notebooks and the files the learner's code wrote, changed or
    removed (nbgrader keeps what a notebook writes in the autograded folder).
    """
    import os
    import shutil
    import tempfile

    import nbformat

    from govai.grading import judge

    if config.get("own_process"):           # a worker process (govai's or Dask's): the judge runs here
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    started = time.monotonic()
    result: dict[str, Any] = {"student": payload["student"], "notebooks": {}, "files": {}, "removed": [],
                              "error": None}
    timeout = config.get("timeout")
    cell_timeout = float(timeout) if timeout not in (None, 0, -1) and float(timeout) > 0 else 24 * 3600.0
    limits = judge.JudgeLimits(cell_timeout=cell_timeout)
    inputs: dict[str, bytes] = dict(payload.get("files", {}))
    workdir = tempfile.mkdtemp(prefix="govai-judge-")
    try:
        _write_tree(workdir, inputs)
        sandbox = sandbox_for(config)
        for item in payload["notebooks"]:
            name = item["name"]
            try:
                # written by nbconvert in the grader after validating it: parsed without validating again
                nb = nbformat.convert(nbformat.reader.reads(item["source"]), 4)
                kernel = judge.LearnerKernel(sandbox, _read_tree(workdir), dict(config.get("env", {})), limits)
                try:
                    if item.get("kernel"):          # not Python: nbgrader's way, inside the sandbox
                        text = kernel.op({"op": "notebook", "source": item["source"], "kernel": item["kernel"],
                                          "spec": item.get("spec"), "timeout": timeout}, timeout=kernel.budget())
                        judge.sync_files(kernel, workdir)
                        executed = judge.with_outputs(nb, text)
                    else:
                        executed = judge.execute(nb, kernel, name, cwd=workdir, visible=item.get("visible"))
                finally:
                    kernel.close()
                # validated by nbconvert in the grader after the autograding preprocessors
                result["notebooks"][name] = {"executed": nbformat.v4.writes(executed),
                                             "restarts": kernel.restarts}
            except Exception as exc:  # noqa: BLE001 - this notebook fails, as in nbgrader
                result["notebooks"][name] = {"error": f"{type(exc).__name__}: {exc}"}
        after = _read_tree(workdir)
        result["files"] = {k: v for k, v in after.items() if inputs.get(k) != v}
        result["removed"] = sorted(set(inputs) - set(after))
    except Exception as exc:  # noqa: BLE001 - reported per submission; the batch goes on
        result["error"] = f"評分時發生錯誤 / grading failed: {type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["seconds"] = time.monotonic() - started
    return result


# -- worker processes ---------------------------------------------------------------------------


def serve(fd: int) -> None:
    """A worker process (``python -c 'from govai.grading.worker import serve; serve(FD)'``): executes
    the submissions sent over the socket ``fd`` until told to stop or the grader is gone.

    Messages: ``("warm", config)`` starts the sandbox ahead of the first submission (no reply);
    ``("execute", payload, config)`` is answered with :func:`execute_submission`'s result.
    """
    import os
    from multiprocessing.connection import Connection

    os.nice(WORKER_NICENESS)
    import nbformat  # noqa: F401 - loaded before the first submission (see the imports above)

    from govai.grading import engine, judge  # noqa: F401

    conn = Connection(fd)
    try:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            if not msg:
                break
            if msg[0] == "warm":
                try:
                    sandbox_for(msg[1])
                except Exception:  # noqa: BLE001 - the first submission reports why the sandbox fails
                    pass
            elif msg[0] == "execute":
                conn.send(execute_submission(msg[1], msg[2]))
    finally:
        close_all()


def _spawn(env: dict[str, str] | None = None) -> tuple[Any, Any]:
    """A new worker process running :func:`serve`, and the grader's end of its socket."""
    import socket
    import subprocess
    import sys
    from multiprocessing.connection import Connection

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    proc = subprocess.Popen([sys.executable, "-c", f"from govai.grading.worker import serve; serve({theirs.fileno()})"],
                            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
    theirs.close()
    return proc, Connection(ours.detach())


_prestarted: list[tuple[Any, Any, str]] = []      # process, connection, the directory it started in
_prestarted_lock = threading.Lock()


def prestart(workers: int) -> None:
    """Start ``workers`` worker processes now for the next :class:`ProcessPool`: their interpreters start
    and import while `govai grade` itself starts (nbgrader's imports, the gradebook, the submissions
    first prepared), instead of after. They wait for their sandbox configuration and get the
    environment ``govai grade`` gives its workers (``NBGRADER_EXECUTION=autograde``). They belong to
    the run that started them: a pool in another working directory starts its own, and the caller
    stops the unused ones when its run ends (:func:`stop_prestarted`; also at exit)."""
    import os

    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
    with _prestarted_lock:
        for _ in range(max(0, workers - len(_prestarted))):
            _prestarted.append((*_spawn(env), os.getcwd()))


def _take_prestarted() -> tuple[Any, Any] | None:
    import os

    with _prestarted_lock:
        while _prestarted:
            proc, conn, cwd = _prestarted[0]
            if cwd != os.getcwd():
                return None
            _prestarted.pop(0)
            if proc.poll() is None:
                return proc, conn
            conn.close()
    return None


def stop_prestarted() -> None:
    """Stop the prestarted worker processes no pool took."""
    import subprocess

    with _prestarted_lock:
        left = list(_prestarted)
        _prestarted.clear()
    for _proc, conn, _cwd in left:
        try:
            conn.send(None)
        except OSError:
            pass
        conn.close()
    for proc, _conn, _cwd in left:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


atexit.register(stop_prestarted)


class ProcessPool:
    """``workers`` processes, each executing one submission at a time in its own sandbox.

    The judge runs a submission's tests in the process that executes it: in worker processes it does
    not compete for the grader's interpreter lock with nbgrader's steps before and after execution,
    which the grader runs meanwhile. Workers are separate interpreters started from the command line
    (not forked from the grader's threads, not importing the caller's ``__main__``). A worker that
    dies fails only the submission it was executing and is replaced.
    """

    def __init__(self, workers: int, warm: dict[str, Any] | None = None) -> None:
        import queue

        self._queue: queue.Queue[Any] = queue.Queue()
        self._warm = warm
        self._procs: dict[int, Any] = {}          # slot -> its current worker process
        self._threads = [threading.Thread(target=self._slot, daemon=True, name=f"govai-worker-{i}")
                         for i in range(max(1, workers))]
        for t in self._threads:
            t.start()

    def submit(self, payload: dict[str, Any], config: dict[str, Any]) -> Any:
        from concurrent.futures import Future

        future: Future[dict[str, Any]] = Future()
        self._queue.put((future, payload, config))
        return future

    def pids(self) -> list[int]:
        """The worker processes running now."""
        return [p.pid for p in list(self._procs.values()) if p.poll() is None]

    def _start(self) -> tuple[Any, Any]:
        proc, conn = _take_prestarted() or _spawn()
        if self._warm is not None:
            conn.send(("warm", self._warm))
        return proc, conn

    def _slot(self) -> None:
        import subprocess

        slot = threading.get_ident()
        proc, conn = self._start() if self._warm is not None else (None, None)
        if proc is not None:
            self._procs[slot] = proc
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                future, payload, config = item
                if not future.set_running_or_notify_cancel():
                    continue
                if proc is None or conn is None or proc.poll() is not None:
                    if conn is not None:
                        conn.close()
                    proc, conn = self._start()
                    self._procs[slot] = proc
                try:
                    conn.send(("execute", payload, config))
                    result = conn.recv()
                except (EOFError, OSError) as exc:
                    conn.close()
                    code = proc.wait()
                    proc = conn = None
                    result = {"student": payload.get("student"), "notebooks": {}, "files": {}, "removed": [],
                              "error": f"評分程序意外結束（結束碼 {code}）/ worker process died ({code}): {exc}"}
                future.set_result(result)
        finally:
            if conn is not None:
                try:
                    conn.send(None)
                except OSError:
                    pass
                conn.close()
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def close(self) -> None:
        """No more submissions: each worker process stops once the queue is empty, so the workers exit
        while the grader records the last submissions instead of after it (:meth:`shutdown` still waits)."""
        for _ in self._threads:
            self._queue.put(None)

    def shutdown(self) -> None:
        """Cancel what has not started, let running submissions finish, stop the processes."""
        import queue

        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()
