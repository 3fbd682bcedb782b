"""Browser-test fixtures: the JupyterLab server `govai lab` starts, and headless Debian Chromium.

Reuse them in new tests in this folder::

    pytestmark = pytest.mark.browser

    def test_something(lab_page, screenshot) -> None:
        lab_page.get_by_text("notebooks").dblclick()
        screenshot(lab_page, "something")

* ``lab_server`` / ``instructor_lab_server`` (session): JupyterLab on the repository root, learner
  or instructor mode, on a free loopback port with a random token — one per xdist worker;
* ``course_lab`` (session; ``course_lab(course_dir)``): an instructor JupyterLab whose root *and*
  working directory are ``course_dir``, so nbgrader's formgrader reads that course's
  ``nbgrader_config.py`` (``CourseDirectory.root = "."``) and gradebook;
* ``notebook`` (``notebook.open(page, server, "notebooks/…ipynb")``, ``notebook.run_all(page, path)``):
  open a notebook with its kernel ready, run every cell from the Run menu and wait until the last
  code cell has run;
* ``lab_url``: the learner server's ``/lab`` URL, token included;
* ``page``: a blank page in a fresh Chromium profile (closed after the test, screenshot kept on
  failure); ``lab_page``: the same, with the learner's JupyterLab loaded;
* ``open_lab`` (fixture returning ``open_lab(page, server, path="lab")``): load JupyterLab of any
  server and wait until its menu bar and file browser are up;
* ``screenshot`` (fixture returning ``screenshot(page, name)``): save
  ``test-artifacts/browser/<name>.png``.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from govai import proc
from govai.lab.server import lab_command, lab_environment

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts" / "browser"
#: Chromium flags: no sandbox (containers, root), and no traffic of its own (offline test runs).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
#: Loading JupyterLab on a busy two-worker test run can take a while.
STARTUP_TIMEOUT_S = 120
PAGE_TIMEOUT_MS = 60_000
MENU_BAR_LABELS = "#jp-menu-panel .lm-MenuBar-itemLabel"
#: Running every cell of a lesson (tiny models, sklearn) on a busy two-worker run.
RUN_ALL_TIMEOUT_MS = 240_000
KERNEL_NAME = "Python 3 (ipykernel)"
# Assertions wait as long as actions do: kernels answer slowly while nbval runs on the other worker.
expect.set_options(timeout=PAGE_TIMEOUT_MS)


@dataclass
class LabServer:
    """A running JupyterLab started with govai.lab.server's command line."""

    base_url: str
    token: str
    instructor: bool
    state_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str = "lab") -> str:
        """``base_url/path`` with the login token (the browser keeps the cookie afterwards)."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def get(self, path: str) -> int:
        """HTTP status of a GET with the token in the header (server-side checks, no browser).

        0 when nothing answers (the server is still starting, or gone).
        """
        request = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}",  # noqa: S310 - the test's own http server
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own http server
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:  # URLError is an OSError: connection refused, reset, timeout
            return 0

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server log, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_test_state(state_dir: Path) -> None:
    """Test-only user settings on top of what `govai lab` writes.

    Autosave off: tests run lessons in the repository's own notebooks, and their outputs must never
    be written back (lessons are committed without outputs, and others work in the same tree).
    """
    autosave = state_dir / "user-settings" / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    autosave.parent.mkdir(parents=True, exist_ok=True)
    autosave.write_text('{"autosave": false}\n', encoding="utf-8")


def _start(state_dir: Path, instructor: bool, root: Path = REPO, cwd: Path | None = None) -> LabServer:
    """Start JupyterLab as `govai lab` does and wait until its API answers.

    Two test-only differences: checkpoints go to ``state_dir`` (opening a lesson must leave no
    ``.ipynb_checkpoints/`` in the repository) and so does learners' progress (``GOVAI_HOME``).
    """
    token = secrets.token_hex(16)
    _prepare_test_state(state_dir)
    env = lab_environment(state_dir)
    env["GOVAI_HOME"] = str(state_dir / "govai-home")
    # Each xdist worker picks its own free port; if another process grabs it before Jupyter binds
    # (port_retries=0 makes Jupyter exit then), try again with a new one.
    for _attempt in range(3):
        port = _free_port()
        argv = lab_command(port, token, instructor, root, state_dir=state_dir)
        argv.append(f"--FileCheckpoints.checkpoint_dir={state_dir / 'checkpoints'}")
        log_path = state_dir / f"server-{port}.log"
        with log_path.open("w", encoding="utf-8") as log:
            # Bound to the test run's life: a killed pytest leaves no server behind.
            process = proc.spawn(argv, env=env, stdout=log, cwd=cwd, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        server = LabServer(f"http://127.0.0.1:{port}", token, instructor, state_dir, log_path, process)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if server.get("api/status") == 200:
                return server
            time.sleep(0.5)
        if process.poll() is None:
            _stop(server)
            pytest.fail(f"JupyterLab did not answer within {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}")
        if not any(m in server.log_tail() for m in ("already in use", "no available port")):
            pytest.fail(f"JupyterLab exited with status {process.returncode}:\n{server.log_tail()}")
    pytest.fail(f"no free port for JupyterLab:\n{server.log_tail()}")


def _stop(server: LabServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()  # SIGTERM: Jupyter shuts kernels down and exits
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab in learner mode (no nbgrader instructor panels), for the whole test session."""
    server = _start(tmp_path_factory.mktemp("lab-learner"), instructor=False)
    yield server
    _stop(server)


@pytest.fixture(scope="session")
def instructor_lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab in instructor mode (`govai lab --instructor`), started only if a test asks."""
    server = _start(tmp_path_factory.mktemp("lab-instructor"), instructor=True)
    yield server
    _stop(server)


@pytest.fixture(scope="session")
def course_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], LabServer]]:
    """``course_lab(course_dir)``: instructor JupyterLab on another nbgrader course than the repository.

    The server's root and working directory are ``course_dir``: formgrader loads
    ``nbgrader_config.py`` from the working directory, and ``CourseDirectory.root = "."`` there
    means that folder (its ``source/``, ``submitted/``, ``autograded/`` and ``gradebook.db``).
    Servers stop at the end of the session.
    """
    started: list[LabServer] = []

    def start(course_dir: Path) -> LabServer:
        course_dir = Path(course_dir).resolve()
        server = _start(tmp_path_factory.mktemp("lab-course"), instructor=True, root=course_dir, cwd=course_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        _stop(server)


@pytest.fixture(scope="session")
def lab_url(lab_server: LabServer) -> str:
    """The learner JupyterLab's /lab URL, token included."""
    return lab_server.url("lab")


@pytest.fixture(scope="session")
def playwright_chromium():
    """Playwright's Chromium driver, set to launch Debian's /usr/bin/chromium (nothing downloaded)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian Chromium not found at {CHROMIUM}: run `sudo bash scripts/install-system-deps.sh`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright.chromium


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so ``page`` can screenshot failures."""
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


def _artifact_name(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return ARTIFACTS / f"{safe}.png"


def _screenshot(page, name: str) -> Path:
    path = _artifact_name(name)
    page.screenshot(path=str(path))
    return path


@pytest.fixture()
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, name)`` saves ``test-artifacts/browser/<name>.png`` and returns its path."""
    return _screenshot


@pytest.fixture()
def page(playwright_chromium, request: pytest.FixtureRequest):
    """A blank page in a fresh Chromium profile (its own ``--user-data-dir``), closed afterwards."""
    with tempfile.TemporaryDirectory(prefix="govai-chromium-") as profile:
        context = playwright_chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 850},
            locale="zh-TW",
            timezone_id="Asia/Taipei",
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
            report = getattr(request.node, "_report_call", None)
            if report is not None and report.failed:
                worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
                _screenshot(page, f"FAILED-{request.node.name}-{worker}")
        finally:
            context.close()


def _open_lab(page, server: LabServer, path: str = "lab") -> None:
    page.goto(server.url(path))
    page.wait_for_selector(MENU_BAR_LABELS)
    page.wait_for_selector(".jp-DirListing-item")


@pytest.fixture()
def open_lab() -> Callable[..., None]:
    """``open_lab(page, server, path="lab")`` loads JupyterLab and waits for its menu bar and files."""
    return _open_lab


class Notebooks:
    """Open notebooks in JupyterLab and run them as a learner does (menus, not APIs)."""

    @staticmethod
    def code_cells(path: Path) -> int:
        """Number of code cells of a notebook file (what "every cell has run" means)."""
        import json

        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return sum(c["cell_type"] == "code" for c in cells)

    @staticmethod
    def panel(page):
        """The notebook on screen (JupyterLab keeps other tabs' panels in the DOM, hidden)."""
        return page.locator(VISIBLE_NOTEBOOK)

    @staticmethod
    def open(page, server: LabServer, relpath: str) -> None:
        """Open ``relpath`` (relative to the server root) and wait until its kernel is idle."""
        # ?reset: a fresh workspace, so tabs a previous test left open on this server are not restored.
        page.goto(server.url(f"lab/tree/{relpath}?reset"))
        page.wait_for_selector(MENU_BAR_LABELS)
        panel = page.locator(VISIBLE_NOTEBOOK)
        expect(panel.locator(".jp-NotebookPanel-toolbar .jp-KernelName")).to_have_text(
            KERNEL_NAME, timeout=STARTUP_TIMEOUT_S * 1000)
        # The status bar shows the active notebook's kernel: "Python 3 (ipykernel) | 空閒" once it
        # has started and is idle ("No Kernel" or "正在初始化" before).
        expect(page.locator("#jp-main-statusbar")).to_contain_text(
            f"{KERNEL_NAME} | 空閒", timeout=STARTUP_TIMEOUT_S * 1000)

    @staticmethod
    def run_all(page, path: Path) -> None:
        """Run ▸ 執行所有儲存格, then wait until every code cell shows an execution count.

        Fails early, with the traceback, if a cell raises (JupyterLab then stops running the rest).
        """
        import re

        page.locator(MENU_BAR_LABELS, has_text="執行").click()
        page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(r"^執行所有儲存格$")).click()
        expected = Notebooks.code_cells(path)
        page.wait_for_function(_RUN_FINISHED_JS, arg=expected, timeout=RUN_ALL_TIMEOUT_MS)
        errors = page.locator(f"{VISIBLE_NOTEBOOK} {ERROR_OUTPUT}")
        assert errors.count() == 0, f"{path.name}: a cell failed:\n" + "\n".join(errors.all_text_contents())
        expect(page.locator(f"{VISIBLE_NOTEBOOK} .jp-CodeCell .jp-InputPrompt").filter(
            has_text=re.compile(r"\[\d+\]"))).to_have_count(expected)


#: The notebook panel on screen (JupyterLab keeps hidden ones in the DOM).
VISIBLE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: Tracebacks are rendered as stderr output whose text names the exception.
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']:has-text('Error')"
#: True once no cell is queued or running ("[*]:") and either every code cell has its count, or an
#: error output appeared (a failed cell stops "run all").
_RUN_FINISHED_JS = """(expected) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  if (prompts.some(t => t.includes('*'))) return false;
  const done = prompts.filter(t => /\\[\\d+\\]/.test(t)).length;
  const failed = [...panel.querySelectorAll(
      ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
    .some(o => /Error|Traceback/.test(o.textContent));
  return done === expected || failed;
}"""


@pytest.fixture()
def notebook() -> Notebooks:
    """Helpers to open a notebook and run all its cells: ``notebook.open(…)``, ``notebook.run_all(…)``."""
    return Notebooks()


@pytest.fixture()
def lab_page(page, lab_server: LabServer):
    """``page`` with the learner's JupyterLab loaded."""
    _open_lab(page, lab_server)
    return page
