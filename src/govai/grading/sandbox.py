"""Sandboxed, pre-forked learner kernels for `govai grade`.

One **worker sandbox** is a long-lived bubblewrap (`bwrap`) container holding a *zygote*: a Python
process that has already imported IPython and the course's libraries and built an interactive shell.
For every submission the zygote forks; the child enters fresh namespaces of its own and becomes the
learner kernel for that submission alone, so a submission pays for a ``fork()``, not for an
interpreter start-up and heavy imports.

What learner code sees and may do
---------------------------------
* Filesystem: only the system directories, the Python installation and the govai package, all
  read-only. The course folder (``source/``, hidden tests, other submissions, the gradebook) is
  never mounted. ``/home/learner`` (its working directory, holding a copy of its own submitted
  files), ``/tmp`` and ``/dev/shm`` are fresh size-limited tmpfs mounts per submission.
* No network: the worker has its own network namespace with only a loopback interface.
* Its own PID and IPC namespaces per submission: when the submission's grading ends its first
  process dies and the kernel kills every process it started; shared memory cannot outlive it.
* When the grader runs as root it drops to a per-submission unprivileged uid (no capabilities,
  ``no_new_privs``); otherwise unprivileged user namespaces do the same job.
* rlimits: CPU seconds, address space, processes, file size, open files, no core dumps;
  stdout/stderr file descriptors go to ``/dev/null`` and captured output is capped per cell.

The zygote protocol (over a ``SOCK_SEQPACKET`` pair, JSON messages, job sockets passed with
``SCM_RIGHTS``) is private to this module; :class:`Sandbox` and :class:`Job` are its API.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govai.grading import wire

# Seconds for the container to come up and its zygote to import IPython and the course's libraries.
START_TIMEOUT = 120.0

HOME = "/home/learner"
_UID_BASE = 1_900_000_000

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWIPC = 0x08000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_RDONLY = 0x1
MS_REMOUNT = 0x20
MS_BIND = 0x1000
# Fresh per-sandbox (/tmp, /home) and per-submission (/tmp, HOME) scratch mounts. The project itself
# may live below one of them (a CI clone in /tmp, a checkout in /home/…): such runtime paths are also
# bound at a stash under STASH and bound back, read-only, on top of every fresh scratch mount.
SANDBOX_SCRATCH = ("/tmp", "/home")
SUBMISSION_SCRATCH = ("/tmp", HOME)
STASH = "/run/govai-runtime"
RUNTIME_ENV = "GOVAI_SANDBOX_RUNTIME"
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


class SandboxError(RuntimeError):
    """The sandbox cannot be started on this machine (message in Traditional Chinese and English)."""


@dataclass
class SandboxLimits:
    cpu_seconds: int = 600               # RLIMIT_CPU per process
    memory_bytes: int = 3 << 30          # RLIMIT_AS per process
    processes: int = 64                  # RLIMIT_NPROC (per submission uid)
    file_bytes: int = 64 << 20           # RLIMIT_FSIZE
    open_files: int = 256                # RLIMIT_NOFILE
    scratch_bytes: int = 256 << 20       # size of /home/learner and /tmp (tmpfs)
    output_bytes: int = 256 << 10        # captured output per cell, then truncated

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _root_mode() -> bool:
    return os.geteuid() == 0


# -- host side ----------------------------------------------------------------------------------


@dataclass
class _JobState:
    exited: threading.Event = field(default_factory=threading.Event)
    status: int | None = None


class Job:
    """One submission's learner kernel: a framed-JSON socket plus signals through the zygote."""

    def __init__(self, sandbox: Sandbox, job_id: int, sock: socket.socket, state: _JobState) -> None:
        self.sandbox, self.id, self.sock, self._state = sandbox, job_id, sock, state
        self.closed = False

    @property
    def alive(self) -> bool:
        return not self.closed and not self._state.exited.is_set()

    def setup(self, files: dict[str, bytes], env: dict[str, str], limits: SandboxLimits) -> None:
        import base64

        wire.send(self.sock, {"files": {k: base64.b64encode(v).decode() for k, v in files.items()},
                              "env": env, "limits": limits.to_dict()})

    def request(self, msg: dict[str, Any], timeout: float | None) -> dict[str, Any]:
        """Send one request and wait for its reply; TimeoutError leaves the request in flight."""
        wire.send(self.sock, msg)
        return self.reply(timeout)

    def reply(self, timeout: float | None) -> dict[str, Any]:
        self.sock.settimeout(timeout)
        try:
            return wire.recv(self.sock)
        except TimeoutError:
            raise
        except (OSError, EOFError, wire.WireError) as exc:
            raise EOFError(str(exc)) from exc
        finally:
            if not self.closed:
                self.sock.settimeout(None)

    def interrupt(self) -> None:
        self.sandbox._control({"op": "signal", "job": self.id, "sig": int(signal.SIGINT)})

    def kill(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.sandbox._control({"op": "kill", "job": self.id})
        try:
            self.sock.close()
        except OSError:
            pass
        self._state.exited.wait(10)
        self.sandbox._jobs.pop(self.id, None)

    close = kill


class Sandbox:
    """A worker sandbox: bwrap container with a pre-loaded zygote that forks one kernel per job."""

    _uids = itertools.count()

    def __init__(self, limits: SandboxLimits | None = None, preload: list[str] | None = None,
                 hide: list[Path] | None = None) -> None:
        self.limits = limits or SandboxLimits()
        self.preload = list(preload or [])
        self.hide = [Path(p).resolve() for p in (hide or [])]
        self._proc: subprocess.Popen[bytes] | None = None
        self._ctl: socket.socket | None = None
        self._lock = threading.Lock()
        self._jobs: dict[int, _JobState] = {}
        self._ids = itertools.count(1)
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self._failed: str | None = None
        self._spare: Job | None = None

    # lifecycle

    def start(self, timeout: float = START_TIMEOUT) -> Sandbox:
        bwrap = bwrap_path()
        if not bwrap:
            raise SandboxError("找不到 bubblewrap（bwrap），請執行 `make install` / bubblewrap (bwrap) is not installed")
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [bwrap, *self._bwrap_args(), "--", *self._zygote_cmd(child.fileno())]
        self._proc = subprocess.Popen(cmd, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      start_new_session=True, umask=0o022)
        child.close()
        self._ctl = parent
        self._reader = threading.Thread(target=self._read_loop, daemon=True, name="govai-zygote")
        self._reader.start()
        if not self._ready.wait(timeout) or self._failed:
            err = b""
            if self._proc.poll() is not None and self._proc.stderr:
                err = self._proc.stderr.read()
            self.close()
            raise SandboxError(f"沙箱無法啟動 / sandbox failed to start: {self._failed or ''} "
                               f"{err.decode(errors='replace')[-2000:]}")
        return self

    def close(self) -> None:
        if self._spare is not None:
            self._spare.kill()
            self._spare = None
        for job_id in list(self._jobs):
            self._control({"op": "kill", "job": job_id})
        if self._ctl is not None:
            try:
                self._control({"op": "exit"})
                self._ctl.close()
            except OSError:
                pass
            self._ctl = None
        if self._proc is not None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
            if self._proc.stderr:
                self._proc.stderr.close()
            self._proc = None

    def __enter__(self) -> Sandbox:
        return self.start() if self._proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and self._failed is None

    # jobs

    def job(self, files: dict[str, bytes], env: dict[str, str] | None = None) -> Job:
        """A fresh learner kernel holding ``files`` in its working directory."""
        job = self._spare if (self._spare is not None and self._spare.alive) else self._fork()
        self._spare = None
        job.setup(files, dict(env or {}), self.limits)
        try:
            self._spare = self._fork()          # the next submission's kernel starts now
        except (OSError, SandboxError):
            self._spare = None
        return job

    def _fork(self) -> Job:
        if not self.alive:
            raise SandboxError(f"沙箱已停止 / sandbox is not running {self._failed or ''}")
        job_id = next(self._ids)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        state = _JobState()
        self._jobs[job_id] = state
        uid = _UID_BASE + (os.getpid() % 50_000) * 1000 + next(self._uids) % 1000
        with self._lock:
            assert self._ctl is not None
            socket.send_fds(self._ctl, [json.dumps({"op": "spawn", "job": job_id, "uid": uid}).encode()],
                            [theirs.fileno()])
        theirs.close()
        return Job(self, job_id, ours, state)

    def _control(self, msg: dict[str, Any]) -> None:
        if self._ctl is None:
            return
        with self._lock:
            try:
                self._ctl.send(json.dumps(msg).encode())
            except OSError:
                pass

    def _read_loop(self) -> None:
        ctl = self._ctl
        assert ctl is not None
        while True:
            try:
                data = ctl.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._failed = self._failed or "zygote exited"
                self._ready.set()
                for state in list(self._jobs.values()):
                    state.exited.set()
                return
            msg = json.loads(data)
            if msg.get("op") == "ready":
                self._ready.set()
            elif msg.get("op") == "error":
                self._failed = str(msg.get("message"))
                self._ready.set()
            elif msg.get("op") == "exited":
                exited = self._jobs.get(msg.get("job"))
                if exited is not None:
                    exited.status = msg.get("status")
                    exited.exited.set()

    # bwrap command

    def _bind_paths(self) -> list[Path]:
        import govai

        paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
                 Path(os.path.realpath(sys.executable)).parent.parent,
                 Path(govai.__file__).resolve().parent}
        for entry in sys.path:
            if entry and os.path.isdir(entry) and ("site-packages" in entry or "dist-packages" in entry):
                paths.add(Path(entry).resolve())
        # keep the shortest set: drop paths inside another bound path
        ordered = sorted({p.resolve() for p in paths if p.exists()}, key=lambda p: len(p.parts))
        kept: list[Path] = []
        for p in ordered:
            if not any(p == k or k in p.parents for k in kept):
                kept.append(p)
        return kept

    def _bwrap_args(self) -> list[str]:
        args = ["--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
                "--unshare-uts", "--unshare-cgroup-try", "--hostname", "govai-sandbox"]
        if _root_mode():
            args += ["--cap-add", "CAP_SYS_ADMIN,CAP_SETUID,CAP_SETGID,CAP_KILL,CAP_CHOWN,CAP_FOWNER,CAP_DAC_OVERRIDE"]
        else:
            args += ["--unshare-user"]
        for d in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"):
            if os.path.exists(d):
                args += ["--ro-bind", d, d] if not os.path.islink(d) else ["--symlink", os.readlink(d), d]
        # Scratch first, runtime on top: a runtime path below /tmp or /home must stay visible.
        args += ["--proc", "/proc", "--dev", "/dev"]
        for scratch in SANDBOX_SCRATCH:
            args += ["--tmpfs", scratch]
        args += ["--dir", HOME, "--dir", "/dev/shm", "--chdir", "/home"]
        bound = self._bind_paths()
        made: set[Path] = set()
        stashed: list[tuple[str, str]] = []
        for p in bound:
            for parent in reversed(p.parents):
                if parent != Path("/") and parent not in made and not os.path.islink(parent):
                    made.add(parent)
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", str(p), str(p)]
            if _below(p, SUBMISSION_SCRATCH):
                stash = f"{STASH}/{len(stashed)}"
                args += ["--ro-bind", str(p), stash]
                stashed.append((stash, str(p)))
        # Anything secret that happens to lie under a bound path is covered.
        for h in self.hide:
            if any(h == b or b in h.parents for b in bound):
                args += ["--tmpfs", str(h)]
        args += ["--clearenv", "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
                 "--setenv", "HOME", HOME, "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONNOUSERSITE", "1",
                 "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "MPLBACKEND", "Agg",
                 "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
                 "--setenv", "MKL_NUM_THREADS", "1", "--setenv", "NUMEXPR_MAX_THREADS", "1",
                 "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "IPYTHONDIR", "/tmp/ipython",
                 "--setenv", "NBGRADER_EXECUTION", "autograde",
                 "--setenv", RUNTIME_ENV, json.dumps(stashed)]
        return args

    def _zygote_cmd(self, fd: int) -> list[str]:
        return [sys.executable, "-s", "-B", "-m", "govai.grading.sandbox", "--zygote", str(fd),
                "--preload", ",".join(self.preload)]


# -- inside the sandbox: zygote -----------------------------------------------------------------

_libc: Any = None


def _c() -> Any:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(_c().mount(src.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                      data.encode() if data else None), f"mount {target}")


def _below(path: Path, roots: tuple[str, ...]) -> bool:
    return any(path == Path(r) or Path(r) in path.parents for r in roots)


def _rebind_runtime() -> None:
    """Bind the stashed runtime paths back over the fresh scratch mounts, read-only.

    The read-only remount must succeed: a writable bind would let a submission change the
    grader's own interpreter and packages.
    """
    for stash, target in json.loads(os.environ.get(RUNTIME_ENV) or "[]"):
        os.makedirs(target, exist_ok=True)
        _mount(stash, target, None, MS_BIND | MS_REC, None)
        _mount("none", target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def zygote_main(fd: int, preload: list[str]) -> None:
    ctl = socket.socket(fileno=fd)
    try:
        from govai.grading import kernel

        kernel.preload(preload)
        shell = kernel.make_shell()
    except BaseException as exc:  # report anything to the host (re-raised)
        ctl.send(json.dumps({"op": "error", "message": f"{type(exc).__name__}: {exc}"}).encode())
        raise
    children: dict[int, int] = {}       # pid -> job id
    by_job: dict[int, int] = {}
    ctl.send(json.dumps({"op": "ready"}).encode())
    rfd, wfd = os.pipe()
    os.set_blocking(wfd, False)
    signal.set_wakeup_fd(wfd)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    import select

    while True:
        ready, _, _ = select.select([ctl.fileno(), rfd], [], [], 1.0)
        if rfd in ready:
            os.read(rfd, 4096)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            job = children.pop(pid, None)
            if job is not None:
                by_job.pop(job, None)
                ctl.send(json.dumps({"op": "exited", "job": job, "status": status}).encode())
        if ctl.fileno() not in ready:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(ctl, 65536, 4)
        except OSError:
            data, fds = b"", []
        if not data:
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            os._exit(0)
        msg = json.loads(data)
        op = msg.get("op")
        if op == "spawn":
            pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    os.close(rfd)
                    os.close(wfd)
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    _job_supervisor(fds[0], int(msg["uid"]), shell)
                finally:
                    os._exit(70)
            for f in fds:
                os.close(f)
            children[pid] = msg["job"]
            by_job[msg["job"]] = pid
        elif op in ("signal", "kill"):
            job_pid = by_job.get(msg.get("job"))
            if job_pid:
                try:
                    os.kill(job_pid, signal.SIGKILL if op == "kill" else int(msg.get("sig", signal.SIGINT)))
                except ProcessLookupError:
                    pass
        elif op == "exit":
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            os._exit(0)


def _job_supervisor(fd: int, uid: int, shell: Any) -> None:
    """Job process 1 (in the zygote's namespaces): new namespaces, then the kernel as their init."""
    root = _root_mode()
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (0 if root else CLONE_NEWUSER)
    my_uid, my_gid = os.getuid(), os.getgid()
    _check(_c().unshare(flags), "unshare")
    if not root:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{my_uid} {my_uid} 1")
        Path("/proc/self/gid_map").write_text(f"{my_gid} {my_gid} 1")
    child = os.fork()
    if child == 0:
        try:
            _kernel_init(fd, uid if root else None, shell)
        finally:
            os._exit(71)
    os.close(fd)
    signal.signal(signal.SIGINT, lambda *_: os.kill(child, signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGKILL))
    while True:
        try:
            _pid, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 0
            break
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF if status else 0)


def _kernel_init(fd: int, uid: int | None, shell: Any) -> None:
    """PID 1 of the submission's namespace: mounts, files, privileges, limits, then serve."""
    import base64

    _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    sock = socket.socket(fileno=fd)
    setup = wire.recv(sock)
    lim = SandboxLimits(**{k: int(v) for k, v in setup.get("limits", {}).items()
                           if k in SandboxLimits.__dataclass_fields__})
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    if uid is not None:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV, None)
    else:
        _mount("tmpfs", "/proc", "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=555")
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    _mount("tmpfs", HOME, "tmpfs", MS_NOSUID | MS_NODEV, f"size={lim.scratch_bytes},mode=755{owner}")
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={lim.scratch_bytes},mode=1777")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
    _rebind_runtime()
    os.chdir(HOME)
    for rel, b64 in setup.get("files", {}).items():
        path = Path(HOME, rel).resolve()
        if not str(path).startswith(HOME + "/"):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(b64))
        if uid is not None:
            os.chown(path, uid, uid)
            for parent in path.parents:
                if str(parent) == HOME:
                    break
                os.chown(parent, uid, uid)
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    _c().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:
        pass
    for res, value in ((resource.RLIMIT_CPU, lim.cpu_seconds), (resource.RLIMIT_AS, lim.memory_bytes),
                       (resource.RLIMIT_NPROC, lim.processes), (resource.RLIMIT_FSIZE, lim.file_bytes),
                       (resource.RLIMIT_NOFILE, lim.open_files), (resource.RLIMIT_CORE, 0)):
        soft = value
        hard = value + 5 if res == resource.RLIMIT_CPU else value
        resource.setrlimit(res, (soft, hard))
    devnull = os.open("/dev/null", os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(devnull, target)
    os.close(devnull)
    os.environ.update({str(k): str(v) for k, v in setup.get("env", {}).items()})
    os.environ["HOME"] = HOME
    os.environ["TMPDIR"] = "/tmp"
    from govai.grading import kernel

    kernel.serve(sock, shell, lim.output_bytes)


def _main(argv: list[str]) -> None:
    if len(argv) >= 2 and argv[0] == "--zygote":
        preload = argv[3].split(",") if len(argv) >= 4 and argv[2] == "--preload" and argv[3] else []
        zygote_main(int(argv[1]), preload)
        return
    print("usage: python -m govai.grading.sandbox --zygote FD [--preload a,b]", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    _main(sys.argv[1:])
