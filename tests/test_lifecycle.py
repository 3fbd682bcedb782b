"""Servers stop with what started them: `govai lab` (with its kernels) and the tests' PostgreSQL.

Each case starts the real program, stops it the way a desktop, a service manager or a closing
terminal would (SIGTERM, SIGINT, SIGHUP) or kills the parent outright (SIGKILL), and checks that no
process of its tree is left and that its port is free again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from govai import proc

pytestmark = pytest.mark.slow
GOVAI = [str(Path(sys.executable).parent / "govai")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _pids_with(fragment: str) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if fragment in cmd and _alive(int(entry.name)):
                found.add(int(entry.name))
    return found


def _port_free(port: int) -> bool:
    """Nobody listens there, and a new server can bind it (as servers do, with SO_REUSEADDR:
    connections of the old one may sit in TIME_WAIT)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait(cond: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _start_lab(tmp_path: Path, via_shell: bool = False) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = _free_port()
    state = tmp_path / "lab-state"
    env = dict(os.environ, GOVAI_HOME=str(tmp_path / "home"))
    argv = [*GOVAI, "lab", "--no-browser", "--port", str(port), "--state-dir", str(state)]
    if via_shell:   # like `make lab`: a parent that only waits for govai
        argv = ["bash", "-c", " ".join(argv) + "; true"]
    # A new session, as a desktop launcher or a service manager gives it: our signals are the only ones.
    parent = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    runtime = state / "runtime"
    _wait(lambda: any(runtime.glob("jpserver-*.json")) or parent.poll() is not None, 120, "JupyterLab to start")
    assert parent.poll() is None, "govai lab exited at start"
    info: dict[str, str] = {}

    def server_info() -> bool:   # the file appears before Jupyter has finished writing it
        try:
            info.update(json.loads(next(runtime.glob("jpserver-*.json")).read_text()))
        except (ValueError, StopIteration, OSError):
            return False
        return "token" in info

    _wait(server_info, 60, "the server's runtime file")
    base = f"http://127.0.0.1:{port}"
    _wait(lambda: _get(f"{base}/api/status", info["token"]) is not None, 60, "the server to answer")
    req = urllib.request.Request(f"{base}/api/kernels", data=b"{}", method="POST",  # noqa: S310 - loopback http
                                 headers={"Authorization": f"token {info['token']}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback http
        assert resp.status == 201
    _wait(lambda: bool(_pids_with(str(runtime / "kernel-"))), 60, "the kernel process")
    return parent, port, state


def _get(url: str, token: str) -> bytes | None:
    try:
        req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})  # noqa: S310 - loopback http
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback http
            return bytes(resp.read())
    except OSError:
        return None


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"])
def test_govai_lab_leaves_nothing_behind(how: str, tmp_path: Path) -> None:
    parent, port, state = _start_lab(tmp_path)
    server = _pids_with(f"--LabApp.app_settings_dir={state / 'settings'}")
    kernels = _pids_with(str(state / "runtime" / "kernel-"))
    assert server and kernels
    try:
        parent.send_signal(getattr(signal, how))
        if how != "SIGKILL":
            assert parent.wait(60) is not None        # the parent waits for its server, then exits
        tree = server | kernels | {parent.pid}
        _wait(lambda: not any(_alive(p) for p in tree), 30, f"every process of the tree to exit after {how}")
        _wait(lambda: _port_free(port), 10, "the port to be free")
    finally:
        for pid in _pids_with(str(state)):
            os.kill(pid, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_killing_what_started_govai_lab_stops_it(tmp_path: Path) -> None:
    """`make lab` killed outright (SIGKILL): govai lab, its server and its kernel stop too."""
    shell, port, state = _start_lab(tmp_path, via_shell=True)
    tree = _pids_with(str(state)) | _pids_with(f"--state-dir {state}")
    try:
        shell.kill()
        shell.wait()
        _wait(lambda: not any(_alive(p) for p in tree), 30, "govai lab and its server to exit")
        _wait(lambda: _port_free(port), 10, "the port to be free")
    finally:
        for pid in _pids_with(str(state)):
            os.kill(pid, signal.SIGKILL)


# The parent starts with the signals as a terminal session has them: a test run in the background or
# under nohup passes SIGINT or SIGHUP on ignored, and the signal may arrive before supervise() installs
# its handlers (the parent would then wait for ever)
_CHILD = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGHUP, signal.SIG_DFL)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
from govai import proc
child = proc.spawn([sys.executable, "-c", "import time; time.sleep(600)"])
print(child.pid, flush=True)
proc.supervise(child)
"""


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"])
def test_spawned_child_dies_with_its_parent(how: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(getattr(signal, how))
    parent.wait(30)
    _wait(lambda: not _alive(child), 10, f"the child to exit after its parent got {how}")


def test_a_child_that_ignores_the_stop_signal_is_killed_after_the_grace_period() -> None:
    child = proc.spawn([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                        "print('ready', flush=True); time.sleep(600)"], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    assert proc.stop(child, grace=0.5) == -signal.SIGKILL
    assert not _alive(child.pid)


def test_postgres_for_tests_dies_with_its_parent(tmp_path: Path) -> None:
    """The tests' PostgreSQL is started through the same helper: killing the test process stops it."""
    script = tmp_path / "pg.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import conftest\n"
        "server = conftest.start_postgres()\n"
        "print(server.port, server.process.pid, flush=True)\n"
        "import time\n"
        "time.sleep(600)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    assert parent.stdout is not None
    port, pid = map(int, parent.stdout.readline().split())
    assert _alive(pid) and not _port_free(port)
    parent.kill()
    parent.wait()
    _wait(lambda: not _alive(pid), 30, "PostgreSQL to exit after its parent was killed")
    _wait(lambda: _port_free(port), 10, "PostgreSQL's port to be free")
