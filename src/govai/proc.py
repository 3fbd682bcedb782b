"""Servers the project starts never outlive what started them.

A learner's desktop, a service manager or a closing terminal stops a program with SIGTERM, SIGHUP
or SIGINT, and sometimes kills it outright (SIGKILL). Every long-running child govai starts
(JupyterLab for `govai lab`, PostgreSQL for the tests, local model servers) goes through
:func:`spawn` and :func:`supervise`:

* the child runs in its own session, so a terminal's Ctrl-C reaches only govai, which turns it
  into one clean stop (no "Shutdown this Jupyter server (y/[n])?" prompt);
* SIGTERM, SIGINT and SIGHUP received by govai are forwarded to the child as its stop signal, and
  govai waits for it; a second signal, or a child that ignores the first for ``grace`` seconds,
  gets SIGKILL;
* the child holds a parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG)``), so when govai itself
  is killed with SIGKILL the kernel sends the child its stop signal; a child whose parent died
  before it could set that exits at once;
* :func:`bind_to_parent` gives govai itself the same tie to whatever started it (``make lab``, a
  desktop launcher), so killing that stops the whole chain;
* whatever is left of the child's process group afterwards is killed. Jupyter kernels run in
  sessions of their own and are shut down by the server on its stop signal (and stop by
  themselves when the server is gone: ipykernel polls its parent).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from types import FrameType
from typing import Any

PR_SET_PDEATHSIG = 1
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

# Seconds a server govai starts (PostgreSQL, JupyterHub, the local LRS) has to answer before the
# start counts as failed: JupyterHub's first start, with its database and proxy, takes the longest.
SERVER_START_TIMEOUT = 120.0


def _set_parent_death_signal(sig: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def bind_to_parent(stop_signal: int = signal.SIGTERM) -> None:
    """Let this process receive ``stop_signal`` when its own parent dies (``make lab`` killed, say)."""
    parent = os.getppid()
    _set_parent_death_signal(stop_signal)
    if os.getppid() != parent:
        os.kill(os.getpid(), stop_signal)


def child_setup(stop_signal: int = signal.SIGTERM, parent: int | None = None,
                before: Callable[[], None] | None = None) -> Callable[[], None]:
    """A ``preexec_fn``: optional ``before`` (e.g. dropping privileges), then the parent-death signal.

    The signal is set *after* ``before`` because Linux clears it when the process's credentials
    change.
    """
    parent_pid = os.getpid() if parent is None else parent

    def setup() -> None:
        if before is not None:
            before()
        _set_parent_death_signal(stop_signal)
        if os.getppid() != parent_pid:      # the parent died before the signal was armed
            os._exit(1)

    return setup


def spawn(argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None,
          stop_signal: int = signal.SIGTERM, before: Callable[[], None] | None = None,
          **popen: Any) -> subprocess.Popen[Any]:
    """Start ``argv`` in a session of its own, bound to this process's life (see the module docstring)."""
    return subprocess.Popen(list(argv), env=dict(env) if env is not None else None, cwd=cwd,
                            start_new_session=True, preexec_fn=child_setup(stop_signal, before=before),
                            **popen)


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL whatever is left of the child's process group (its session leader is the child)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def stop(proc: subprocess.Popen[Any], stop_signal: int = signal.SIGTERM, grace: float = 15.0) -> int:
    """Send the stop signal, wait up to ``grace`` seconds, then SIGKILL; returns the exit status."""
    if proc.poll() is None:
        try:
            proc.send_signal(stop_signal)
        except ProcessLookupError:
            pass
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    kill_group(proc)
    return proc.returncode


def supervise(proc: subprocess.Popen[Any], stop_signal: int = signal.SIGTERM, grace: float = 15.0) -> int:
    """Wait for ``proc``, forwarding SIGTERM/SIGINT/SIGHUP to it as ``stop_signal``; returns its status."""
    received: list[int] = []
    deadline: list[float] = []

    def forward(sig: int, _frame: FrameType | None) -> None:
        received.append(sig)
        if len(received) == 1:
            deadline.append(time.monotonic() + grace)
            try:
                proc.send_signal(stop_signal)
            except ProcessLookupError:
                pass
        else:                                  # asked twice: stop now
            proc.kill()

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        while True:
            try:
                code = proc.wait(0.5)
                break
            except subprocess.TimeoutExpired:
                if deadline and time.monotonic() > deadline[0]:
                    proc.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        kill_group(proc)
    return code
