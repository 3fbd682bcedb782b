"""A local learning record store: ralph-malph's LRS with its file-system backend, on loopback.

ralph's LRS pins FastAPI and uvicorn versions of its own, so it is installed in a separate virtual
environment by ``make install`` (``scripts/install-lrs.sh``: ``.venv-lrs/``, or ``$GOVAI_LRS_VENV``).
This module starts ralph's app through :func:`govai.proc.spawn` (it dies with its parent) with the
launcher :mod:`govai.records.learning.ralph_lrs` (run by the LRS venv's interpreter; see there why not
``ralph runserver``), an auth file in ``ralph auth``'s format and its statements stored under ``base``
(never in the repository). The tests
use it; an agency without an LRS can run one the same way (``govai records lrs``) or point
``GOVAI_LRS_URL`` at its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govai.paths import repo_root
from govai.proc import SERVER_START_TIMEOUT


def ralph_bin() -> Path:
    venv = Path(os.environ.get("GOVAI_LRS_VENV") or repo_root() / ".venv-lrs")
    return venv / "bin" / "ralph"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalLRS:
    endpoint: str                 # http://127.0.0.1:<port>/xAPI
    user: str
    password: str
    process: subprocess.Popen[Any]
    base: Path

    def stop(self) -> None:
        from govai import proc

        proc.stop(self.process, signal.SIGTERM, grace=10)

    def log(self) -> str:
        p = self.base / "lrs.log"
        return p.read_text(errors="replace") if p.exists() else ""


def _env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
    env.update({
        "RALPH_APP_DIR": str(base / "app"),
        "RALPH_AUTH_FILE": str(base / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(base / "statements"),
        "RALPH_SENTRY_DSN": "",
    })
    return env


def start(base: Path, *, user: str = "govai", password: str | None = None, port: int | None = None,
          timeout: float = SERVER_START_TIMEOUT) -> LocalLRS:
    """Start the LRS on 127.0.0.1 and wait until it answers an authenticated request."""
    from govai import proc

    exe = ralph_bin()
    if not exe.exists():
        raise FileNotFoundError(f"找不到 ralph LRS：{exe}；請執行 make install / ralph's LRS is not installed "
                                "(run `make install`, or bash scripts/install-lrs.sh)")
    base = Path(base)
    (base / "statements").mkdir(parents=True, exist_ok=True)
    password = password or os.urandom(12).hex()
    env = _env(base)
    port = port or free_port()
    launcher = Path(__file__).with_name("ralph_lrs.py")
    python = exe.parent / "python"
    log = open(base / "lrs.log", "wb")  # noqa: SIM115 - the server writes it for its whole life
    server = proc.spawn([str(python), str(launcher), "127.0.0.1", str(port), user, password],
                        env=env, cwd=base, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    lrs = LocalLRS(f"http://127.0.0.1:{port}/xAPI", user, password, server, base)
    deadline = time.monotonic() + timeout
    import base64

    auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    while True:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/whoami", headers={"Authorization": auth})
            with urllib.request.urlopen(req, timeout=2) as resp:   # noqa: S310 - loopback
                if resp.status == 200:
                    return lrs
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            lrs.stop()
            raise RuntimeError(f"ralph LRS 未能啟動 / did not start: {lrs.log()[-2000:]}")
        time.sleep(0.2)


def purge(base: Path, learner: str, voided_ids: set[str] | None = None) -> int:
    """Physically remove a learner's statements (and the statements voiding them) from the local LRS's
    file-system store — the operator's step after voiding, for the LRS this module runs. Returns the count."""
    import json
    import os

    store = Path(base) / "statements"
    removed = 0
    for path in store.rglob("*.jsonl"):
        kept, gone = [], set()
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in lines:
            if not line.strip():
                continue
            s = json.loads(line)
            if ((s.get("actor") or {}).get("account") or {}).get("name") == learner:
                gone.add(s.get("id"))
            else:
                kept.append((s, line))
        ids = gone | set(voided_ids or ())
        final = [line for s, line in kept
                 if not ((s.get("object") or {}).get("objectType") == "StatementRef"
                         and (s.get("object") or {}).get("id") in ids)]
        removed += len(lines) - len(final)
        if len(final) != len(lines):
            tmp = path.with_suffix(".tmp")
            tmp.write_text("".join(f"{line}\n" for line in final), encoding="utf-8")
            os.replace(tmp, path)
    return removed
