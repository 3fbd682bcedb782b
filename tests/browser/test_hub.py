"""A class on one server: JupyterHub with local accounts and the nbgrader exchange, for real.

`govai hub setup` makes two learner accounts and one instructor (real Unix accounts, PAM
passwords, homes 0700) in a throw-away hub folder; `govai hub start` runs PostgreSQL (gradebook
and results) and JupyterHub with configurable-http-proxy on loopback. Then, in Chromium:

1. learner 1 logs in, gets the Traditional Chinese JupyterLab (learner profile: no formgrader),
   opens the Assignments tab, fetches module 1, answers it (the contents API the editor saves
   through) and submits it from the Assignments tab;
2. the instructor's steps run as on the server: ``govai hub collect``, ``govai hub grade``
   (`govai grade` in its sandbox, into the PostgreSQL gradebook), ``govai hub feedback``;
3. learner 1 fetches the feedback in the Assignments tab and sees the score, and opens the
   readiness report written into their home;
4. learner 2 can read none of learner 1's files, submissions or progress (file system and hub);
5. the instructor gets formgrader on the hub's course; the cohort report covers the class;
6. the hub stops and every process it started is gone.

Needs root (accounts, PAM), Debian's PostgreSQL and Chromium, and .node/'s configurable-http-proxy
(`make install`); it fails, never skips, when one is missing. Timings: test-artifacts/hub-timings.json.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from govai import proc
from govai.lab import hub as hubmod

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "module1_literacy"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
MENU_BAR_LABELS = "#jp-menu-panel .lm-MenuBar-itemLabel"
SPAWN_TIMEOUT_MS = 180_000
PAGE_TIMEOUT_MS = 60_000
#: As in conftest.py: no sandbox (root), no traffic of Chromium's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@dataclass
class Hub:
    base: Path
    state: Path
    url: str
    learners: list[str]
    instructor: str
    passwords: dict[str, str]
    hub: subprocess.Popen
    pg: subprocess.Popen
    timings: dict[str, float] = field(default_factory=dict)
    stopped: bool = False
    release_job: threading.Thread | None = None
    release_error: Exception | None = None

    def home(self, user: str) -> Path:
        import pwd

        return Path(pwd.getpwnam(user).pw_dir)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(h: Hub) -> None:
    if not h.stopped:
        proc.stop(h.hub, grace=30)
        proc.stop(h.pg, signal.SIGINT, grace=30)
        h.stopped = True


def _hub_processes(h: Hub) -> list[str]:
    """Live processes started by the hub: owned by its users, or holding its GOVAI_HUB_STATE."""
    import pwd

    uids = {pwd.getpwnam(u).pw_uid for u in [*h.learners, h.instructor]}
    marker = f"GOVAI_HUB_STATE={h.state}".encode()
    found = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            st = os.stat(d)
            with open(f"{d}/environ", "rb") as fh:
                env = fh.read().split(b"\0")
            with open(f"{d}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"{d}/stat") as fh:
                zombie = fh.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            continue
        if zombie or int(d.rsplit("/", 1)[1]) == os.getpid():
            continue
        if st.st_uid in uids or marker in env:
            found.append(f"{d.rsplit('/', 1)[1]} uid={st.st_uid}: {cmd[:120]}")
    for p in (h.hub, h.pg):
        if p.poll() is None:
            found.append(f"{p.pid}: {p.args[:3]}")
    return found


def _timed_release(h: Hub) -> None:
    t0 = time.monotonic()
    try:
        hubmod.release(h.state, ASSIGNMENT)
    except Exception as exc:  # noqa: BLE001 - any failure is reported by the test that waits for it
        h.release_error = exc
    h.timings["instructor_release_s"] = round(time.monotonic() - t0, 1)


def _prelogin(h: Hub, user: str) -> None:
    """Log in over plain HTTP (the hub then spawns the user's server) — no browser needed."""
    import requests

    with contextlib.suppress(Exception):
        s = requests.Session()
        s.get(f"{h.url}/hub/login", timeout=30)
        s.post(f"{h.url}/hub/login?next=", data={"username": user, "password": h.passwords[user],
                                                  "_xsrf": s.cookies.get("_xsrf", "")}, timeout=180)


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.fail("the hub test needs root: it creates local accounts (useradd) and logs in through PAM")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium missing at {CHROMIUM}: run `make install`")
    if not hubmod.find_proxy():
        pytest.fail("configurable-http-proxy missing (.node/): run `make install`")
    tag = secrets.token_hex(2)
    prefix = f"gv{tag}-"
    base = Path(tempfile.mkdtemp(prefix="govai-hub-"))
    base.chmod(0o755)                         # learners traverse it to their homes and the exchange
    roster = base / "學員名冊.csv"
    roster.write_text("id,name,unit,route\nL1,測試學員甲,人事室,C\nL2,測試學員乙,資訊處,B\n", encoding="utf-8")
    instructor = f"{prefix}t"
    learners = [f"{prefix}l1", f"{prefix}l2"]
    state = base / "state"
    t0 = time.monotonic()
    try:
        hubmod.setup(state, roster, [instructor], home_base=base / "home", port=_free_port(), prefix=prefix)
        passwords = {u: secrets.token_urlsafe(12) for u in [*learners, instructor]}
        for user, pw in passwords.items():
            hubmod.set_password(user, pw)
        t1 = time.monotonic()
        hub_p, pg_p = hubmod.start(state, print_help=False)
        settings = hubmod.load_settings(state)
        h = Hub(base, state, f"http://127.0.0.1:{settings['port']}", learners, instructor, passwords, hub_p, pg_p)
        h.timings["setup_s"] = round(t1 - t0, 1)
        h.timings["start_s"] = round(time.monotonic() - t1, 1)
        # While learner 1 works in the browser: the instructor releases module 1, and learner 2's and
        # the instructor's servers start (a plain HTTP login spawns them), as in a class.
        h.release_job = threading.Thread(target=_timed_release, args=(h,), daemon=True)
        h.release_job.start()
        for user in (learners[1], instructor):
            threading.Thread(target=_prelogin, args=(h, user), daemon=True).start()
        yield h
    finally:
        with contextlib.suppress(NameError):
            _stop(h)
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(NameError):
            (ARTIFACTS / "hub-timings.json").write_text(json.dumps(h.timings, indent=2) + "\n")
            log = state / "hub" / "jupyterhub.log"
            if log.exists():
                shutil.copy(log, ARTIFACTS / "hub-jupyterhub.log")
        for user in [f"{prefix}l1", f"{prefix}l2", f"{prefix}l3", instructor]:
            hubmod.remove_account(user)
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def _browser(playwright_chromium, name: str):
    """A fresh Chromium profile (one per user: hub cookies must not be shared)."""
    with tempfile.TemporaryDirectory(prefix="govai-chromium-") as profile:
        context = playwright_chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 850}, locale="zh-TW", timezone_id="Asia/Taipei")
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page
        except BaseException:
            with contextlib.suppress(Exception):
                ARTIFACTS.joinpath("browser").mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "browser" / f"FAILED-hub-{name}.png"))
            raise
        finally:
            context.close()


def _login(page, h: Hub, user: str) -> None:
    page.goto(f"{h.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", h.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{re.escape(user)}/lab"), timeout=SPAWN_TIMEOUT_MS)
    page.wait_for_selector(MENU_BAR_LABELS, timeout=SPAWN_TIMEOUT_MS)
    page.wait_for_selector(".jp-DirListing-item", timeout=SPAWN_TIMEOUT_MS)


def _open_assignments(page) -> None:
    page.locator(MENU_BAR_LABELS, has_text="Nbgrader").click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text="Assignment List").click()
    expect(page.locator("#nbgrader-assignment-list")).to_be_visible()


_API_JS = """async ([method, path, body]) => {
  const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
  const base = document.querySelector('body').dataset.baseUrl
            || JSON.parse(document.getElementById('jupyter-config-data').textContent).baseUrl;
  const r = await fetch(base + 'api/contents/' + path, {method, headers: {'X-XSRFToken': xsrf,
      'Content-Type': 'application/json'}, body: body ? JSON.stringify(body) : undefined});
  return {status: r.status, json: r.status < 300 ? await r.json() : null};
}"""


def _answered(fetched: dict) -> dict:
    """The fetched notebook with every solution cell answered as in the master."""
    master = json.loads((REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8"))
    answers = {}
    for cell in master["cells"]:
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        if nbg.get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            answers[nbg["grade_id"]] = "\n".join(line for line in src.splitlines()
                                                 if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
    n = 0
    for cell in fetched["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers and cell["metadata"]["nbgrader"].get("solution"):
            cell["source"] = answers[gid]
            n += 1
    assert n >= 8, f"only {n} answer cells found in the fetched notebook"
    return fetched


def test_learner_fetches_submits_and_sees_feedback(hub: Hub, playwright_chromium) -> None:
    t = hub.timings
    learner = hub.learners[0]
    with _browser(playwright_chromium, "learner1") as page:
        start = time.monotonic()
        _login(page, hub, learner)
        t["learner_login_to_lab_s"] = round(time.monotonic() - start, 1)
        hub.release_job.join(timeout=300)
        if hub.release_error is not None:
            raise hub.release_error
        _learner_flow(hub, page, learner, start)


def _learner_flow(hub: Hub, page, learner: str, start: float) -> None:
    t = hub.timings
    released = (hub.state / "exchange" / "govai" / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "mutations" not in released and "BEGIN HIDDEN TESTS" not in released, "學員版洩漏了教師資料"

    labels = page.locator(MENU_BAR_LABELS).all_inner_texts()
    assert "檔案" in labels, f"JupyterLab is not in Traditional Chinese: {labels}"
    page.locator(MENU_BAR_LABELS, has_text="Nbgrader").click()
    menu = page.locator(".lm-Menu").last
    expect(menu).to_contain_text("Assignment List")
    assert "Formgrader" not in menu.inner_text() and "Course List" not in menu.inner_text(), \
        "learners must not see instructor panels"
    page.keyboard.press("Escape")
    assert page.evaluate("fetch('formgrader').then(r => r.status)") == 404, "formgrader answers a learner"

    _open_assignments(page)
    released_list = page.locator("#released_assignments_list")
    row = released_list.locator(".list_item", has_text=ASSIGNMENT)
    expect(row).to_have_count(1, timeout=60_000)
    row.get_by_role("button", name="Fetch").click()
    fetched_row = page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT)
    expect(fetched_row.first).to_be_visible(timeout=60_000)

    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    got = page.evaluate(_API_JS, ["GET", path, None])
    assert got["status"] == 200, got
    put = page.evaluate(_API_JS, ["PUT", path, {"type": "notebook", "format": "json",
                                                "content": _answered(got["json"]["content"])}])
    assert put["status"] in (200, 201), put

    fetched_row.first.get_by_role("button", name="Submit").click()
    expect(page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first).to_be_visible(
        timeout=60_000)
    t["learner_login_to_submitted_s"] = round(time.monotonic() - start, 1)
    page.screenshot(path=str(ARTIFACTS / "browser" / "hub-01-submitted.png"))

    t1 = time.monotonic()
    hubmod.collect(hub.state, ASSIGNMENT)
    t["instructor_collect_s"] = round(time.monotonic() - t1, 1)
    t1 = time.monotonic()
    summary = hubmod.grade(hub.state, ASSIGNMENT, workers=1)
    t["instructor_grade_s"] = round(time.monotonic() - t1, 1)
    assert learner in summary, summary
    t1 = time.monotonic()
    reports = hubmod.feedback(hub.state, ASSIGNMENT)
    t["instructor_feedback_and_reports_s"] = round(time.monotonic() - t1, 1)
    assert [p.parent.parent.name for p in reports] == [learner], reports

    # The learner fetches the feedback in the Assignments tab and reads the score.
    page.reload()
    page.wait_for_selector(MENU_BAR_LABELS)
    _open_assignments(page)
    button = page.locator("#submitted_assignments_list").get_by_role("button", name="Fetch Feedback")
    expect(button.first).to_be_enabled(timeout=60_000)
    button.first.click()
    feedback = sorted(hub.home(learner).glob(f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"))
    deadline = time.monotonic() + 60
    while not feedback and time.monotonic() < deadline:
        time.sleep(0.5)
        feedback = sorted(hub.home(learner).glob(f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"))
    assert feedback, "feedback did not reach the learner's home"
    rel = feedback[-1].relative_to(hub.home(learner))
    page.goto(f"{hub.url}/user/{learner}/files/{rel}")
    total = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", page.content())
    assert total, "no score in the feedback page"
    assert float(total.group(1)) == float(total.group(2)) > 0, f"expected full marks: {total.group(0)}"
    t["learner_login_to_feedback_s"] = round(time.monotonic() - start, 1)
    page.screenshot(path=str(ARTIFACTS / "browser" / "hub-02-feedback.png"))

    page.goto(f"{hub.url}/user/{learner}/files/govai-報告/report.html")
    expect(page.locator("body")).to_contain_text("測試學員甲")
    page.screenshot(path=str(ARTIFACTS / "browser" / "hub-03-readiness.png"))


def _as(user: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True, text=True, timeout=60)


def test_second_learner_cannot_read_the_first(hub: Hub, playwright_chromium) -> None:
    one, two = hub.learners
    home = hub.home(one)
    inbound = hub.state / "exchange" / "govai" / "inbound"
    submissions = sorted(inbound.glob(f"{one}+{ASSIGNMENT}+*"))
    assert submissions, "learner 1 has no submission in the exchange (run the flow test first)"
    (home / ".govai").joinpath("progress.sqlite").touch()
    private = [home, home / ".govai", home / ".govai" / "progress.sqlite", home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
               home / "govai-報告" / "report.html", hub.state / "course" / "source" / ASSIGNMENT,
               hub.state / "course" / "submitted", REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
               hub.state / "secrets" / "pg_password"]
    for path in private:
        done = _as(two, "cat" if path.is_file() else "ls", str(path))
        assert done.returncode != 0 and "Permission denied" in done.stderr, f"learner 2 can read {path}"
    listing = _as(two, "ls", str(inbound))
    assert listing.returncode != 0 and "Permission denied" in listing.stderr, "learner 2 can list the inbound"
    # Sanity: the same account reads what is meant for everyone (so the denials above are real).
    assert _as(two, "ls", str(hub.state / "exchange" / "govai" / "outbound" / ASSIGNMENT)).returncode == 0

    with _browser(playwright_chromium, "learner2") as page:
        _login(page, hub, two)
        status = page.evaluate(f"fetch('/user/{one}/api/contents/').then(r => r.status)")
        assert status in (302, 403, 404) or status >= 400, f"learner 2 reached learner 1's server: {status}"
        page.goto(f"{hub.url}/user/{one}/lab")
        assert f"/user/{one}/lab" not in page.url or "403" in page.content() or "Forbidden" in page.content()


def test_instructor_has_formgrader_on_the_course(hub: Hub, playwright_chromium) -> None:
    with _browser(playwright_chromium, "instructor") as page:
        _login(page, hub, hub.instructor)
        page.locator(MENU_BAR_LABELS, has_text="Nbgrader").click()
        page.locator(".lm-Menu .lm-Menu-itemLabel", has_text="Formgrader").first.click()
        frame = page.frame_locator("iframe").first
        row = frame.locator("tbody tr", has_text=ASSIGNMENT)
        expect(row).to_have_count(1, timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "browser" / "hub-04-formgrader.png"))


def test_cohort_report_covers_the_class(hub: Hub) -> None:
    t0 = time.monotonic()
    path = hubmod.cohort(hub.state)
    hub.timings["cohort_report_s"] = round(time.monotonic() - t0, 1)
    assert path.exists()
    text = "".join(f.read_text(encoding="utf-8", errors="replace") for f in path.parent.glob("*.csv")) + \
        path.read_text(encoding="utf-8")
    assert hub.learners[0] in text or "人事室" in text, "the cohort report does not cover the graded learner"


def test_learner_added_while_running_can_log_in(hub: Hub) -> None:
    import requests

    roster = hub.base / "新學員.csv"
    roster.write_text("id,name,unit,route\nL3,測試學員丙,秘書室,A\n", encoding="utf-8")
    new = hubmod.add_learners(hub.state, hubmod.read_roster(roster, hub.learners[0].rsplit("-", 1)[0] + "-"))
    (user, password), = new.items()
    hub.learners.append(user)
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=30)
    r = s.post(f"{hub.url}/hub/login?next=", allow_redirects=False, timeout=60,
               data={"username": user, "password": password, "_xsrf": s.cookies.get("_xsrf", "")})
    assert r.status_code == 302 and "/hub/login" not in r.headers.get("Location", ""), \
        f"a learner added while the hub runs cannot log in: {r.status_code}"


def test_hub_stops_and_leaves_no_process(hub: Hub) -> None:
    assert _hub_processes(hub), "nothing of the hub was running before the stop (check the tests above)"
    t0 = time.monotonic()
    _stop(hub)
    deadline = time.monotonic() + 20
    while (left := _hub_processes(hub)) and time.monotonic() < deadline:
        time.sleep(0.5)
    hub.timings["stop_s"] = round(time.monotonic() - t0, 1)
    assert not left, "processes left after the hub stopped:\n" + "\n".join(left)
