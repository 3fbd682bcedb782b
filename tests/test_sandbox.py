"""The learner sandbox: what a submission's code can reach, and that nothing outlives its grading."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from govai.grading.sandbox import Sandbox, SandboxLimits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def secret_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    (course / "source" / "a").mkdir(parents=True)
    (course / "source" / "a" / "a.ipynb").write_text("HIDDEN-TEST-SECRET")
    (course / "submitted" / "other" / "a").mkdir(parents=True)
    (course / "submitted" / "other" / "a" / "a.ipynb").write_text("OTHER-STUDENT")
    (course / "gradebook.db").write_text("GRADEBOOK")
    return course


@pytest.fixture(scope="module")
def sandbox(secret_course: Path) -> Iterator[Sandbox]:
    limits = SandboxLimits(memory_bytes=1 << 30, processes=32, output_bytes=64 << 10, scratch_bytes=32 << 20)
    with Sandbox(limits, preload=["numpy"], hide=[secret_course]) as sb:
        yield sb


def run(sandbox: Sandbox, code: str, files: dict[str, bytes] | None = None, timeout: float = 30) -> dict:
    job = sandbox.job(files or {})
    try:
        reply = job.request({"op": "run", "code": code}, timeout)
        values = job.request({"op": "fetch", "names": ["result"]}, timeout)
    finally:
        job.kill()
    reply["result"] = dict(values["value"]["d"]).get("result") if "value" in values else None
    return reply


def test_course_files_are_out_of_reach(sandbox: Sandbox, secret_course: Path) -> None:
    paths = [secret_course / "source" / "a" / "a.ipynb", secret_course / "submitted" / "other" / "a" / "a.ipynb",
             secret_course / "gradebook.db", Path("/etc/shadow"), Path("/root/.bash_history")]
    code = ("result = []\nfor p in %r:\n    try:\n        result.append(open(p).read()[:40])\n"
            "    except Exception as e:\n        result.append(type(e).__name__)\n") % [str(p) for p in paths]
    reply = run(sandbox, code)
    got = reply["result"]["l"]
    assert len(got) == len(paths)
    assert all(g in ("FileNotFoundError", "PermissionError") for g in got), got
    assert secret_course.joinpath("gradebook.db").read_text() == "GRADEBOOK"


def test_only_its_own_scratch_is_writable(sandbox: Sandbox) -> None:
    import govai

    targets = ["/usr/pwned", "/etc/pwned", str(Path(govai.__file__).parent / "pwned.py"), "/pwned",
               str(Path(os.__file__).parent / "pwned.py")]
    code = (f"result = []\nfor p in {targets!r}:\n    try:\n        open(p, 'w').write('x')\n        result.append('WROTE')\n"
            "    except Exception as e:\n        result.append(type(e).__name__)\n"
            "open('mine.txt', 'w').write('ok')\nresult.append(open('mine.txt').read() + open('given.txt').read())\n"
            )
    reply = run(sandbox, code, files={"given.txt": b"!"})
    got = reply["result"]["l"]
    assert "WROTE" not in got[:-1], got
    assert got[-1] == "ok!"
    for t in targets:
        assert not Path(t).exists()


def test_no_network(sandbox: Sandbox) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    # The host's loopback server must be out of reach, and the namespace must have no interface but
    # its own loopback (no packet is ever aimed at an outside address, even if isolation broke).
    code = (f"import socket\nresult = []\ns = socket.socket()\ns.settimeout(2)\ntry:\n"
            f"    s.connect(('127.0.0.1', {port}))\n    result.append('CONNECTED')\n"
            "except OSError as e:\n    result.append(type(e).__name__)\n"
            "result.append(','.join(sorted(name for _, name in socket.if_nameindex())))\n")
    try:
        got = run(sandbox, code)["result"]["l"]
    finally:
        server.close()
    assert got[0] != "CONNECTED" and got[1] == "lo", got


def test_unprivileged_and_limited(sandbox: Sandbox) -> None:
    code = ("import os, resource\nresult = [os.getuid(), os.geteuid(), "
            "open('/proc/self/status').read().split('CapEff:')[1].split()[0], "
            "resource.getrlimit(resource.RLIMIT_NPROC)[0], resource.getrlimit(resource.RLIMIT_AS)[0]]\n"
            "try:\n    big = bytearray(2 << 30)\n    result.append('ALLOCATED')\nexcept MemoryError:\n"
            "    result.append('MemoryError')\n")
    uid, euid, caps, nproc, mem, alloc = run(sandbox, code)["result"]["l"]
    assert uid != 0 and euid != 0
    assert int(caps, 16) == 0
    assert nproc == 32 and mem == 1 << 30
    assert alloc == "MemoryError"


def test_fork_bomb_is_contained(sandbox: Sandbox) -> None:
    code = ("import os\nresult = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n"
            "            import time; time.sleep(60); os._exit(0)\n        result += 1\nexcept OSError:\n    pass\n")
    got = run(sandbox, code)["result"]
    assert 0 < got < 32


def test_no_process_outlives_its_job(sandbox: Sandbox) -> None:
    marker = "31415926"
    job = sandbox.job({})
    reply = job.request({"op": "run", "code": (
        "import subprocess\nfor _ in range(3):\n"
        f"    subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
        f"subprocess.Popen(['sh', '-c', 'nohup sleep {marker} >/dev/null 2>&1 &'])\n")}, 30)
    assert reply["ok"], reply

    def sleepers() -> list[int]:
        found = []
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit() and marker in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(pid))
            except OSError:
                continue
        return found

    import time

    # a wait, not a timing limit: under a loaded CI machine the detached shell's sleep can take seconds
    deadline = time.monotonic() + 30
    while len(sleepers()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sleepers()) >= 4
    job.kill()
    deadline = time.monotonic() + 30
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers() == []


def test_each_job_starts_clean(sandbox: Sandbox) -> None:
    first = run(sandbox, "open('/tmp/leak', 'w').write('a')\nopen('/dev/shm/leak', 'w').write('a')\n"
                         "open('note', 'w').write('a')\nresult = 1")
    assert first["result"] == 1
    second = run(sandbox, "import os\nresult = [os.path.exists(p) for p in ('/tmp/leak', '/dev/shm/leak', 'note')]")
    assert second["result"] == {"l": [False, False, False]}


def test_output_flood_is_capped(sandbox: Sandbox) -> None:
    reply = run(sandbox, "import os\nos.write(1, b'x' * 10_000_000)\nprint('y' * 10_000_000)\nresult = 'done'")
    assert reply["result"] == "done"
    size = sum(len(o.get("text", "")) for o in reply["outputs"])
    assert size < 100_000
    assert any("截斷" in o.get("text", "") for o in reply["outputs"])


def test_cpu_limit_kills_the_job() -> None:
    with Sandbox(SandboxLimits(cpu_seconds=1)) as sb:
        job = sb.job({})
        with pytest.raises(EOFError):
            job.request({"op": "run", "code": "while True:\n    pass"}, 30)
        job.kill()
