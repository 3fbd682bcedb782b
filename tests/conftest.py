"""Shared fixtures: a real PostgreSQL server (initdb + postgres) for gradebook and results tests."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    port: int
    process: subprocess.Popen[bytes]
    base: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://govai@127.0.0.1:{self.port}"

    def stop(self) -> None:
        from govai import proc

        proc.stop(self.process, signal.SIGINT, grace=30)   # SIGINT: PostgreSQL's fast shutdown
        shutil.rmtree(self.base, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """Start a throw-away PostgreSQL server on loopback, bound to this process's life.

    The postmaster is our own child (not daemonised by pg_ctl), started through :mod:`govai.proc`:
    if the test run is killed, even with SIGKILL, the kernel stops the server (fast shutdown).
    PostgreSQL refuses to run as root, so when the tests run as root the cluster is owned by the
    unprivileged user `postgres` that Debian's package creates.
    """
    from govai import proc

    initdb, postgres = _pg_bin("initdb"), _pg_bin("postgres")
    if not (initdb and postgres):
        pytest.fail("PostgreSQL is not installed: run `make install` (it installs Debian's postgresql)")
    base = Path(tempfile.mkdtemp(prefix="govai-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    port = _free_port()
    run_as: list[str] = []
    drop: Any = None
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam("postgres")  # Debian's postgresql package creates this user
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        base.chmod(0o755)
        run_as = ["runuser", "-u", "postgres", "--"]

        def drop() -> None:
            os.setgid(user.pw_gid)
            os.setgroups([])
            os.setuid(user.pw_uid)

    subprocess.run([*run_as, initdb, "-D", str(data), "-U", "govai", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True)
    log = open(base / "log", "wb")  # noqa: SIM115 - the server writes it for its whole life
    server = proc.spawn([postgres, "-D", str(data), "-c", "listen_addresses=127.0.0.1", "-p", str(port),
                         "-k", str(sock), "-c", "fsync=off", "-c", "max_connections=200"],
                        stop_signal=signal.SIGINT, before=drop, stdout=log, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL)
    log.close()
    import psycopg

    deadline = time.monotonic() + 60
    while True:   # ready when it accepts a connection ("the database system is starting up" before)
        try:
            psycopg.connect(f"postgresql://govai@127.0.0.1:{port}/postgres", connect_timeout=2).close()
            break
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: "
                                   f"{(base / 'log').read_text(errors='replace')[-2000:]}") from None
            time.sleep(0.1)
    return PostgresServer(port, server, base)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server for the session; yields a base URL without database name."""
    server = start_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture()
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server for one test."""
    import psycopg

    name = f"t{int(time.time() * 1e6)}_{os.getpid()}"
    dsn = postgres_server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return f"{postgres_server}/{name}"
