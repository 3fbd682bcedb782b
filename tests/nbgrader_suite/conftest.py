"""nbgrader's own autograde test suite, with `govai grade` in place of every `nbgrader autograde`.

The tests are nbgrader's (``nbgrader/tests/apps/test_nbgrader_autograde.py``, installed with
nbgrader), unchanged; only ``run_nbgrader(["autograde", ...])`` is redirected to ``govai grade``
(through govai's command line, in-process, checking the exit code the test expects, as nbgrader's
helper does). Every other nbgrader subcommand still runs nbgrader. The tests govai deliberately
fails are listed, with the reason, in :data:`govai.grading.autograde.SKIPPED_TESTS`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from nbgrader.tests.apps import test_nbgrader_autograde as suite
from nbgrader.tests.apps.conftest import course_dir, db, temp_cwd  # noqa: F401  (nbgrader's fixtures)

try:
    from govai.grading.autograde import SKIPPED_TESTS
except ImportError:                     # measuring a govai from before this suite existed
    SKIPPED_TESTS = {}

_nbgrader_run = suite.run_nbgrader


def run_govai(args: list[str], retcode: int = 0, env: dict[str, str] | None = None, stdout: bool = False) -> str:
    if not args or args[0] != "autograde":
        return _nbgrader_run(args, retcode=retcode, env=env, stdout=stdout)
    from govai.cli import main

    old_env = os.environ.copy()
    if env:
        os.environ = env  # type: ignore[assignment]  # noqa: B003  (as nbgrader's run_nbgrader does)
    extra = []
    if os.environ.get("GOVAI_SUITE_PASS_COURSE"):
        # only for measuring a govai that ignored nbgrader_config.py: name the course root explicitly
        import re

        m = re.search(r'CourseDirectory.root = r"(.*)"', Path("nbgrader_config.py").read_text())
        extra = ["--course", m.group(1)] if m else []
    try:
        code = main(["grade", *args[1:], "--no-progress", "--workers", "1", *extra])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.environ = old_env  # type: ignore[assignment]  # noqa: B003
    if code != retcode:
        raise AssertionError(f"process returned an unexpected return code: {code}")
    return ""


@pytest.fixture(autouse=True)
def _govai_autograde(monkeypatch: pytest.MonkeyPatch) -> None:
    import nbgrader.api

    from govai.grading.gradebook import _alembic_head

    monkeypatch.setattr(suite, "run_nbgrader", run_govai)
    # Speed only: nbgrader asks a subprocess (`alembic heads`) for its schema version on every
    # gradebook open; the answer, read in-process, is the same.
    head = _alembic_head()
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", lambda: head)
    bindir = str(Path(sys.executable).parent)          # nbgrader runs `alembic` from PATH
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ.get("PATH", ""))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "nbgrader_suite" not in item.nodeid:
            continue
        item.add_marker(pytest.mark.slow)
        reason = SKIPPED_TESTS.get(item.name)
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
