"""`govai hub`: a class on one server — JupyterHub, local accounts and the nbgrader exchange.

Everything lives in one *hub folder* (``--state``, default ``var/hub/``)::

    hub.json            settings the JupyterHub config (deploy/hub/jupyterhub_config.py) reads; no secrets
    secrets/            root only (0700): PostgreSQL password, learners' first passwords, cookie secret
    pg/                 PostgreSQL cluster (owned by ``postgres``): databases ``gradebook`` and ``results``
    course/             the nbgrader course (source/ masters, release/, submitted/, autograded/, feedback/):
                        owner the first instructor, group ``govai-instructors``, mode 2770 — no learner
                        can read the masters or anyone's work
    exchange/           nbgrader's exchange (1777; nbgrader's own modes below it: inbound 2733, so a
                        learner can drop a submission but never list or read others')
    hub/                JupyterHub's own database, logs and proxy pid file (root only)

Accounts are real local Unix accounts (``useradd``; JupyterHub's PAM authenticator checks their
passwords), one per learner of the roster (學員名冊: ``id,name,unit,route``) and one per instructor.
Homes are mode 0700: a learner's notebooks, submissions cache and progress store (``~/.govai``)
are readable by that learner only.

Commands (run as root — accounts, PAM and the grading sandbox need it)::

    govai hub setup --roster 名冊.csv --instructor teacher   accounts, course, exchange, databases
    govai hub start                                          PostgreSQL + JupyterHub; prints the URL
    govai hub add-learners 名冊.csv                           more learners (while the hub runs too)
    govai hub release module1_literacy                       govai release + nbgrader release_assignment
    govai hub collect module1_literacy                       nbgrader collect
    govai hub grade module1_literacy                         govai grade (sandboxed) into the PostgreSQL gradebook
    govai hub feedback module1_literacy                      generate_feedback + release_feedback, and each
                                                             learner's readiness report into their home
    govai hub cohort                                         the training officer's cohort report

``govai hub singleuser`` is what the spawner runs *as the user*: it prepares the user's JupyterLab
(learner or instructor profile, Traditional Chinese, in ``~/.govai-lab``) and execs
``jupyterhub-singleuser``.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from govai.paths import repo_root, var_dir

COURSE_ID = "govai"
INSTRUCTOR_GROUP = "govai-instructors"
LEARNER_GROUP = "govai-learners"
DEFAULT_PORT = 8000
HUB_CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "hub" / "jupyterhub_config.py"
#: Repository parts a learner must never read (masters with hidden tests, local grading output).
PRIVATE_REPO_PARTS = ("source", "submitted", "autograded", "feedback", "gradebook.db")
USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
#: Roster columns (English or Traditional Chinese headers).
ROSTER_COLUMNS = {"id": ("id", "代號", "學員代號"), "name": ("name", "姓名"), "unit": ("unit", "單位"),
                  "route": ("route", "路線")}


class HubError(RuntimeError):
    """A set-up or operation step that cannot go on; the message says what to do."""


@dataclass
class Learner:
    id: str
    user: str
    name: str = ""
    unit: str = ""
    route: str = ""


# -- roster ------------------------------------------------------------------------------------


def read_roster(path: Path, prefix: str = "") -> list[Learner]:
    """學員名冊 CSV (UTF-8, with or without BOM): id,name,unit,route → learners with Unix user names.

    The user name is ``prefix + id.lower()``; it must be a valid local account name.
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        headers = {h.strip(): h for h in (reader.fieldnames or [])}
        column = {}
        for key, names in ROSTER_COLUMNS.items():
            found = next((headers[n] for n in names if n in headers), None)
            if found is None and key == "id":
                raise HubError(f"學員名冊缺少「id／代號」欄 / roster {path} has no id column")
            column[key] = found
        learners = []
        for n, row in enumerate(reader, start=2):
            get = {k: (row.get(c) or "").strip() if c else "" for k, c in column.items()}
            if not get["id"]:
                continue
            user = prefix + get["id"].lower()
            if not USERNAME.match(user):
                raise HubError(f"名冊第 {n} 列：代號 {get['id']!r} 無法當作帳號名稱（限英數字、-、_）"
                               f" / roster line {n}: {get['id']!r} is not a valid account name")
            if get["route"] and get["route"] not in {"A", "B", "C"}:
                raise HubError(f"名冊第 {n} 列：路線須為 A、B 或 C / roster line {n}: route must be A, B or C")
            learners.append(Learner(get["id"], user, get["name"], get["unit"], get["route"]))
    users = [x.user for x in learners]
    if len(set(users)) != len(users):
        raise HubError(f"名冊中有重複的代號 / duplicate ids in roster {path}")
    return learners


# -- settings ----------------------------------------------------------------------------------


def default_state() -> Path:
    return var_dir() / "hub"


def load_settings(state: Path) -> dict[str, Any]:
    path = Path(state) / "hub.json"
    if not path.exists():
        raise HubError(f"尚未設定：先執行 govai hub setup / {path} missing: run `govai hub setup` first")
    return json.loads(path.read_text(encoding="utf-8"))


def save_settings(state: Path, settings: dict[str, Any]) -> None:
    path = Path(state) / "hub.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def _require_root() -> None:
    if os.geteuid() != 0:
        raise HubError("govai hub 需以 root 執行（建立帳號、PAM 登入與評分沙箱都需要）/ govai hub must run as "
                       "root (local accounts, PAM login and the grading sandbox need it): sudo .venv/bin/govai hub …")


def _run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise HubError(f"{' '.join(argv[:6])} … failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def _python() -> str:
    return sys.executable


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# -- accounts ------------------------------------------------------------------------------------


def _ensure_group(name: str) -> None:
    if subprocess.run(["getent", "group", name], capture_output=True).returncode != 0:
        _run(["groupadd", name])


def ensure_account(user: str, home_base: Path, groups: list[str], password: str | None) -> bool:
    """Create the local account (home 0700) if missing; returns whether it was created."""
    created = False
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        home_base.mkdir(parents=True, exist_ok=True)
        _run(["useradd", "--create-home", "--base-dir", str(home_base), "--shell", "/bin/bash",
              "--groups", ",".join(groups), user])
        entry = pwd.getpwnam(user)
        created = True
        if password:
            _run(["chpasswd"], input=f"{user}:{password}\n")
    else:
        _run(["usermod", "--append", "--groups", ",".join(groups), user])
    Path(entry.pw_dir).chmod(0o700)
    return created


def remove_account(user: str) -> None:
    """Delete the account and its home (tests; a class that ends)."""
    subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
    subprocess.run(["userdel", "--remove", user], capture_output=True)


def add_learners(state: Path, learners: list[Learner], home_base: Path | None = None) -> dict[str, str]:
    """Accounts for roster learners (first passwords in secrets/passwords.csv); returns new passwords."""
    _require_root()
    settings = load_settings(state)
    home_base = Path(home_base or settings["home_base"])
    new: dict[str, str] = {}
    known = {x["user"]: x for x in settings["learners"]}
    for learner in learners:
        password = secrets.token_urlsafe(9)
        if ensure_account(learner.user, home_base, [LEARNER_GROUP], password):
            new[learner.user] = password
        known[learner.user] = asdict(learner)
    settings["learners"] = sorted(known.values(), key=lambda x: x["user"])
    save_settings(state, settings)
    if new:
        pw = Path(state) / "secrets" / "passwords.csv"
        exists = pw.exists()
        with pw.open("a", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            if not exists:
                w.writerow(["帳號 user", "初始密碼 first password"])
            for user, password in new.items():
                w.writerow([user, password])
        pw.chmod(0o600)
    _write_results_learners(state, settings)
    return new


def set_password(user: str, password: str) -> None:
    _run(["chpasswd"], input=f"{user}:{password}\n")


# -- PostgreSQL ---------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = shutil.which(name) or (installed[-1] if installed else None)
    if not found:
        raise HubError("找不到 PostgreSQL：請先執行 make install / PostgreSQL not installed: run `make install`")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_password(state: Path) -> str:
    return (Path(state) / "secrets" / "pg_password").read_text().strip()


def db_url(state: Path, database: str) -> str:
    settings = load_settings(state)
    return f"postgresql+psycopg://govai:{_db_password(state)}@127.0.0.1:{settings['pg_port']}/{database}"


def init_postgres(state: Path) -> None:
    """A PostgreSQL cluster in ``pg/`` owned by ``postgres``; TCP on loopback with a password (scram)."""
    state = Path(state)
    pg = state / "pg"
    if (pg / "data" / "PG_VERSION").exists():
        return
    pg.mkdir(parents=True, exist_ok=True)
    user = pwd.getpwnam("postgres")
    pwfile = pg / ".pwfile"
    pwfile.write_text(_db_password(state) + "\n")
    for path in (pg, pwfile):
        os.chown(path, user.pw_uid, user.pw_gid)
    pg.chmod(0o700)
    pwfile.chmod(0o600)
    try:
        _run(["runuser", "-u", "postgres", "--", _pg_bin("initdb"), "-D", str(pg / "data"), "-U", "govai",
              f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
    finally:
        pwfile.unlink(missing_ok=True)


def start_postgres(state: Path) -> subprocess.Popen[Any]:
    """Start the hub's PostgreSQL (bound to this process's life) and create its databases."""
    from govai import proc

    state = Path(state)
    settings = load_settings(state)
    user = pwd.getpwnam("postgres")
    sock = state / "pg" / "sock"
    sock.mkdir(exist_ok=True)
    os.chown(sock, user.pw_uid, user.pw_gid)

    def drop() -> None:
        os.setgid(user.pw_gid)
        os.setgroups([])
        os.setuid(user.pw_uid)

    log = open(state / "hub" / "postgres.log", "ab")  # noqa: SIM115 - the server writes it for its life
    server = proc.spawn([_pg_bin("postgres"), "-D", str(state / "pg" / "data"), "-c", "listen_addresses=127.0.0.1",
                         "-p", str(settings["pg_port"]), "-k", str(sock)],
                        stop_signal=signal.SIGINT, before=drop, stdout=log, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL)
    log.close()
    import psycopg

    dsn = f"postgresql://govai:{_db_password(state)}@127.0.0.1:{settings['pg_port']}/postgres"
    deadline = time.monotonic() + proc.SERVER_START_TIMEOUT
    while True:
        try:
            con = psycopg.connect(dsn, connect_timeout=2, autocommit=True)
            break
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                proc.stop(server, signal.SIGINT)
                raise HubError("PostgreSQL 無法啟動 / PostgreSQL did not start: see "
                               f"{state / 'hub' / 'postgres.log'}") from None
            time.sleep(0.2)
    with con:
        have = {r[0] for r in con.execute("SELECT datname FROM pg_database")}
        for name in ("gradebook", "results"):
            if name not in have:
                con.execute(f'CREATE DATABASE "{name}"')
    return server


# -- course and exchange ------------------------------------------------------------------------


def _course_config(state: Path, settings: dict[str, Any]) -> str:
    """The course's nbgrader_config.py: the repository's, then the hub's exchange and gradebook."""
    base = (repo_root() / "nbgrader_config.py").read_text(encoding="utf-8")
    # Only in the hub's course folder itself (`govai release` copies this file to a scratch course).
    return (base + "\n# --- govai hub (generated by `govai hub setup`) ---\n"
            f"if course_root == {settings['course']!r}:\n"
            f"    c.Exchange.root = {settings['exchange']!r}\n"
            "    c.Exchange.path_includes_course = False\n"
            "    with open(os.path.join(course_root, 'gradebook_url')) as _fh:\n"
            "        c.CourseDirectory.db_url = _fh.read().strip()\n")


def _share_course(settings: dict[str, Any]) -> None:
    """Course folder: first instructor's, group govai-instructors, 2770/0660 — nothing for others."""
    owner = pwd.getpwnam(settings["instructors"][0])
    gid = _gid(INSTRUCTOR_GROUP)
    course = Path(settings["course"])
    for dirpath, _dirnames, filenames in os.walk(course):
        os.chown(dirpath, owner.pw_uid, gid)
        os.chmod(dirpath, 0o2770)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chown(p, owner.pw_uid, gid)
                os.chmod(p, 0o660)


def _gid(group: str) -> int:
    import grp

    return grp.getgrnam(group).gr_gid


def protect_repo(root: Path | None = None) -> list[str]:
    """Learners run the project's Python from this checkout: its masters must not be readable by them."""
    root = root or repo_root()
    changed = []
    for part in PRIVATE_REPO_PARTS:
        p = root / part
        if p.exists() and p.stat().st_mode & 0o007:
            p.chmod(p.stat().st_mode & ~0o007)
            changed.append(str(p))
    return changed


def make_reachable(paths: list[Path]) -> list[str]:
    """Learners' servers run this checkout's Python: every folder above it needs o+x (traverse, not read).

    A Debian python3 needs nothing; an interpreter under ``/root/.pyenv`` needs ``/root`` traversable
    (its contents stay unlistable; only world-readable folders below it become reachable).
    """
    changed = []
    for path in paths:
        for parent in [*reversed(Path(path).resolve().parents)]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
                changed.append(f"{parent} (o+x)")
    return changed


def interpreter_paths() -> list[Path]:
    return [Path(sys.executable).resolve(), Path(sys.base_prefix) / "lib", Path(__file__).resolve()]


def setup(state: Path, roster: Path | None, instructors: list[str], *, home_base: Path = Path("/home"),
          port: int = DEFAULT_PORT, ip: str = "127.0.0.1", prefix: str = "",
          instructor_password: str | None = None) -> dict[str, Any]:
    """Accounts, course, exchange and databases of a class; safe to run again."""
    _require_root()
    if not instructors:
        raise HubError("至少需要一位教師帳號（--instructor）/ at least one --instructor is needed")
    for name in instructors:
        if not USERNAME.match(name):
            raise HubError(f"教師帳號名稱不合規則 / invalid instructor account name: {name!r}")
    state = Path(state).resolve()
    for sub, mode in (("", 0o755), ("secrets", 0o700), ("hub", 0o700)):
        (state / sub).mkdir(parents=True, exist_ok=True)
        (state / sub).chmod(mode)
    previous = json.loads((state / "hub.json").read_text()) if (state / "hub.json").exists() else {}
    settings: dict[str, Any] = {
        "state": str(state), "repo": str(repo_root()), "python": _python(),
        "course": str(state / "course"), "exchange": str(state / "exchange"), "course_id": COURSE_ID,
        "home_base": str(Path(home_base).resolve()), "ip": ip, "port": port,
        "hub_port": previous.get("hub_port") or _free_port(), "proxy_api_port": previous.get("proxy_api_port") or _free_port(),
        "pg_port": previous.get("pg_port") or _free_port(),
        "instructors": instructors, "learners": previous.get("learners", []), "prefix": prefix,
        "proxy": find_proxy(),
    }
    save_settings(state, settings)
    secret = state / "secrets" / "pg_password"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(24) + "\n")
        secret.chmod(0o600)
    for group in (INSTRUCTOR_GROUP, LEARNER_GROUP):
        _ensure_group(group)
    Path(home_base).mkdir(parents=True, exist_ok=True)
    for name in instructors:
        if ensure_account(name, Path(home_base), [INSTRUCTOR_GROUP], instructor_password) and not instructor_password:
            pw = secrets.token_urlsafe(9)
            set_password(name, pw)
            with (state / "secrets" / "passwords.csv").open("a", encoding="utf-8") as fh:
                fh.write(f"{name},{pw}\n")
            (state / "secrets" / "passwords.csv").chmod(0o600)
    # The course: masters from the repository (updated on every setup), the hub's own config.
    course = Path(settings["course"])
    course.mkdir(exist_ok=True)
    if (course / "source").exists():
        shutil.rmtree(course / "source")
    shutil.copytree(repo_root() / "source", course / "source")
    (course / "nbgrader_config.py").write_text(_course_config(state, settings), encoding="utf-8")
    (course / "gradebook_url").write_text(db_url(state, "gradebook") + "\n")
    _share_course(settings)
    exchange = Path(settings["exchange"])
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)    # nbgrader wants o+rwx; the sticky bit stops renaming others' folders
    init_postgres(state)
    changed = protect_repo() + make_reachable(interpreter_paths())
    if roster is not None:
        add_learners(state, read_roster(roster, prefix), home_base)
    settings = load_settings(state)
    settings["protected"] = changed
    return settings


def find_proxy() -> str | None:
    """configurable-http-proxy: the project's .node/ install (scripts/install-system-deps.sh), else PATH."""
    local = Path(__file__).resolve().parents[3] / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return str(local)
    return shutil.which("configurable-http-proxy")


# -- running the hub ----------------------------------------------------------------------------


def hub_command(state: Path) -> list[str]:
    return [_venv_bin("jupyterhub"), "-f", str(HUB_CONFIG)]


def hub_environment(state: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["GOVAI_HUB_STATE"] = str(Path(state).resolve())
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("LANG", "C.UTF-8")
    return env


def start(state: Path, *, print_help: bool = True) -> tuple[subprocess.Popen[Any], subprocess.Popen[Any]]:
    """PostgreSQL, then JupyterHub (which starts the proxy); both bound to this process."""
    from govai import proc

    _require_root()
    state = Path(state).resolve()
    settings = load_settings(state)
    if not settings.get("proxy"):
        raise HubError("找不到 configurable-http-proxy：請執行 make install（安裝到 .node/）/ configurable-http-proxy "
                       "missing: run `make install` (installs it into .node/)")
    pg = start_postgres(state)
    log = open(state / "hub" / "jupyterhub.log", "ab")  # noqa: SIM115
    hub = proc.spawn(hub_command(state), env=hub_environment(state), cwd=str(state / "hub"),
                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    url = f"http://{settings['ip']}:{settings['port']}"
    deadline = time.monotonic() + proc.SERVER_START_TIMEOUT
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(f"{url}/hub/health", timeout=5) as r:  # noqa: S310 - http:// built above
                if r.status == 200:
                    break
        except OSError:
            pass
        if hub.poll() is not None or time.monotonic() > deadline:
            proc.stop(hub)
            proc.stop(pg, signal.SIGINT)
            tail = (state / "hub" / "jupyterhub.log").read_text(errors="replace")[-3000:]
            raise HubError(f"JupyterHub 無法啟動 / JupyterHub did not start:\n{tail}")
        time.sleep(0.3)
    if print_help:
        print(usage_text(state, settings, url))
    return hub, pg


def usage_text(state: Path, settings: dict[str, Any], url: str) -> str:
    govai = _venv_bin("govai")
    return f"""
JupyterHub 已啟動 / is running: {url}
  學員與教師以本機帳號登入；初始密碼在 {state}/secrets/passwords.csv（僅 root 可讀）
  learners and instructors log in with their local account; first passwords: {state}/secrets/passwords.csv
  教師 instructors: {', '.join(settings['instructors'])}   學員 learners: {len(settings['learners'])}

新增學員（學員名冊 CSV，欄位 id,name,unit,route）/ add learners from a roster CSV (id,name,unit,route):
  sudo {govai} hub add-learners 學員名冊.csv --state {state}
發放、收回、評分、回饋 / release, collect, grade, feedback:
  sudo {govai} hub release module1_literacy --state {state}
  sudo {govai} hub collect module1_literacy --state {state}
  sudo {govai} hub grade module1_literacy --state {state}
  sudo {govai} hub feedback module1_literacy --state {state}
按一次 Ctrl+C 即可關閉 / press Ctrl+C once to stop
"""


# -- the instructor flow ------------------------------------------------------------------------


def _as_instructor(settings: dict[str, Any], argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader step as the first instructor, in the course folder (nbgrader checks ownership)."""
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
           "HOME": pwd.getpwnam(settings["instructors"][0]).pw_dir, "LANG": "C.UTF-8"}
    return _run(["runuser", "-u", settings["instructors"][0], "--", "env", *[f"{k}={v}" for k, v in env.items()],
                 *argv], cwd=settings["course"])


def release(state: Path, assignment: str) -> None:
    settings = load_settings(state)
    course = Path(settings["course"])
    _run([_python(), "-m", "govai.cli", "release", assignment, "--root", str(course)])
    _share_course(settings)
    # Not nbgrader's generate_assignment: it would rewrite release/ with the instructor-only metadata
    # (mutation answers) that `govai release` removes. `govai grade` registers the assignment.
    _as_instructor(settings, [_python(), "-m", "nbgrader", "release_assignment", assignment, "--force"])


def collect(state: Path, assignment: str) -> None:
    settings = load_settings(state)
    _as_instructor(settings, [_python(), "-m", "nbgrader", "collect", assignment, "--update"])


def grade(state: Path, assignment: str, workers: int = 2) -> str:
    """`govai grade` as root (its sandbox drops each submission to an unprivileged uid)."""
    settings = load_settings(state)
    done = _run([_python(), "-m", "govai.cli", "grade", assignment, "--course", settings["course"],
                 "--db", db_url(state, "gradebook"), "--workers", str(workers), "--no-progress"],
                cwd=settings["course"], env={**os.environ, "PATH": os.pathsep.join(
                    [str(Path(sys.executable).parent), os.environ.get("PATH", "")])})
    _share_course(settings)
    return done.stdout


def feedback(state: Path, assignment: str) -> list[Path]:
    """Feedback through the exchange, and each graded learner's readiness report in their home."""
    settings = load_settings(state)
    _as_instructor(settings, [_python(), "-m", "nbgrader", "generate_feedback", assignment, "--force"])
    _as_instructor(settings, [_python(), "-m", "nbgrader", "release_feedback", assignment])
    record_grades(state)
    return write_learner_reports(state)


def record_grades(state: Path) -> int:
    """The gradebook's grades as one run per learner in the results database (roster unit and route).

    Learner and cohort reports read the results database: this is how the class's graded work,
    with each learner's unit, reaches the training officer's cohort report.
    """
    from datetime import UTC, datetime

    from govai.records import readiness
    from govai.records.results import NotebookOutcome, ResultsDB, RunRecord

    settings = load_settings(state)
    gradebook = db_url(state, "gradebook")
    database = ResultsDB(db_url(state, "results"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    written = 0
    try:
        for learner in settings["learners"]:
            evidence = readiness.evidence_from_gradebook(learner["user"], gradebook)
            if not evidence:
                continue
            notebooks: dict[str, NotebookOutcome] = {}
            for ev in evidence:
                nb = notebooks.setdefault(ev.notebook, NotebookOutcome(
                    notebook=ev.notebook, track=ev.notebook.split("/", 1)[0], status="ok"))
                nb.items.append(ev)
            database.write_run(RunRecord(
                run_id=f"hub-{learner['user']}-{secrets.token_hex(4)}", learner=learner["user"],
                route=learner.get("route") or "C", started_at=now, finished_at=now,
                unit=learner.get("unit") or None, notebooks=list(notebooks.values())))
            written += 1
    finally:
        database.close()
    return written


def write_learner_reports(state: Path) -> list[Path]:
    """``~/govai-報告/report.html`` for every learner with grades: owned by the learner, mode 0600."""
    from govai.records import report

    settings = load_settings(state)
    course = Path(settings["course"])
    written = []
    for learner in settings["learners"]:
        user = learner["user"]
        if not (course / "autograded" / user).exists():
            continue
        entry = pwd.getpwnam(user)
        out = Path(entry.pw_dir) / "govai-報告"
        tmp = Path(settings["state"]) / "hub" / "reports" / user
        path = report.write_learner_report(user, tmp, db=db_url(state, "results"),
                                           route=learner.get("route") or None,
                                           display_name=learner.get("name") or user)
        out.mkdir(exist_ok=True)
        for f in path.parent.iterdir():
            shutil.copy(f, out / f.name)
        for p in [out, *out.iterdir()]:
            os.chown(p, entry.pw_uid, entry.pw_gid)
            p.chmod(0o700 if p.is_dir() else 0o600)
        written.append(out / path.name)
    return written


def _write_results_learners(state: Path, settings: dict[str, Any]) -> None:
    """A copy of the roster (names, units, routes) for the training officer: root only."""
    path = Path(state) / "secrets" / "roster.json"
    path.write_text(json.dumps(settings["learners"], ensure_ascii=False, indent=2), encoding="utf-8")
    path.chmod(0o600)


def cohort(state: Path, out: Path | None = None) -> Path:
    from govai.records import report

    out = out or Path(load_settings(state)["state"]) / "hub" / "reports" / "cohort"
    return report.write_cohort_report(out, db=db_url(state, "results"))


# -- the single-user server (runs as the user) --------------------------------------------------


def user_state(home: Path) -> Path:
    return home / ".govai-lab"


def prepare_user(home: Path, settings: dict[str, Any], instructor: bool) -> dict[str, str]:
    """The user's JupyterLab profile in ``~/.govai-lab``, progress in ``~/.govai``; returns the environment."""
    from govai.lab import server as lab

    home.chmod(0o700)
    state = user_state(home)
    lab.prepare_state(state, instructor)
    if not instructor:
        # On the hub learners keep nbgrader's menu: with the instructor plugins off it holds only
        # "Assignment List" (the Assignments tab: fetch, submit, fetch feedback).
        lab._write_json(state / "settings" / "page_config.json", {"disabledExtensions": [
            p for p in lab.INSTRUCTOR_LAB_PLUGINS if p != "@jupyter/nbgrader:menu"]})
    extensions = {name: instructor for name in lab.INSTRUCTOR_SERVER_EXTENSIONS}
    lab._write_json(state / "config" / "jupyter_server_config.json", {
        # jupyterhub-singleuser's default CSP (frame-ancestors 'none') blanks nbgrader's formgrader,
        # which JupyterLab shows in an iframe of the same server.
        "ServerApp": {"jpserver_extensions": extensions,
                      "tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}},
        "LabApp": {"app_settings_dir": str(state / "settings"), "user_settings_dir": str(state / "user-settings"),
                   "workspaces_dir": str(state / "workspaces"),
                   "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
    })
    nbgrader: dict[str, Any] = {"CourseDirectory": {"course_id": settings["course_id"]},
                                "Exchange": {"root": settings["exchange"], "path_includes_course": False}}
    if instructor:
        course = Path(settings["course"])
        # Formgrader works only on a course below the server's root (the home): through a link.
        link = home / "govai-course"
        if not link.is_symlink():
            link.symlink_to(course)
        nbgrader["CourseDirectory"]["root"] = str(link)
        nbgrader["CourseDirectory"]["db_url"] = (course / "gradebook_url").read_text().strip()
    lab._write_json(state / "config" / "nbgrader_config.json", nbgrader)
    progress = home / ".govai"
    progress.mkdir(mode=0o700, exist_ok=True)
    progress.chmod(0o700)
    workbook = home / "govai-練習本"
    if not instructor and not workbook.exists():
        shutil.copytree(Path(settings["repo"]) / "notebooks", workbook,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    env = lab.lab_environment(state)
    env["GOVAI_HOME"] = str(progress)
    env["GOVAI_ROOT"] = settings["repo"]
    return env


def singleuser(extra: list[str]) -> int:
    state = os.environ.get("GOVAI_HUB_STATE")
    if not state:
        raise HubError("GOVAI_HUB_STATE not set (the hub's spawner sets it)")
    settings = load_settings(Path(state))
    instructor = os.environ.get("GOVAI_HUB_ROLE") == "instructor"
    # What a learner's server writes is theirs alone; instructors share the course with their group.
    os.umask(0o007 if instructor else 0o077)
    try:
        home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:        # a uid given by the spawner only (Kubernetes pods): $HOME
        home = Path.home()
    env = prepare_user(home, settings, instructor)
    os.chdir(home)
    argv = [_venv_bin("jupyterhub-singleuser"), *extra]
    os.execve(argv[0], argv, env)
    return 0  # not reached


# -- CLI ----------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", type=Path, default=None, help="課程伺服器資料夾（預設 var/hub） / hub folder")
    sub = parser.add_subparsers(dest="hub_command", metavar="步驟 step", required=True)
    s = sub.add_parser("setup", help="建立帳號、課程、交換區與資料庫 / accounts, course, exchange, databases")
    s.add_argument("--roster", type=Path, default=None, help="學員名冊 CSV（id,name,unit,route）")
    s.add_argument("--instructor", action="append", default=[], help="教師帳號（可重複） / instructor account")
    s.add_argument("--home-base", type=Path, default=Path("/home"), help="家目錄所在（預設 /home）")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"連接埠（預設 {DEFAULT_PORT}）")
    s.add_argument("--ip", default="127.0.0.1", help="位址（預設只聽本機 127.0.0.1） / bind address")
    sub.add_parser("start", help="啟動 PostgreSQL 與 JupyterHub / start PostgreSQL and JupyterHub")
    a = sub.add_parser("add-learners", help="由學員名冊新增學員帳號 / add learners from a roster CSV")
    a.add_argument("roster", type=Path)
    for name, text in (("release", "發放作業"), ("collect", "收回作業"), ("grade", "評分"), ("feedback", "發回回饋與報告")):
        p = sub.add_parser(name, help=f"{text} / {name}")
        p.add_argument("assignment")
    sub.add_parser("cohort", help="班級報告 / cohort report")
    sub.add_parser("singleuser", help="（由 JupyterHub 以使用者身分執行） / run by the spawner as the user")


def run(args: argparse.Namespace, extra: list[str] | None = None) -> int:
    from govai import proc

    state = Path(args.state or default_state()).resolve()
    try:
        if args.hub_command == "singleuser":
            return singleuser(extra or [])
        _require_root()
        if args.hub_command == "setup":
            settings = setup(state, args.roster, args.instructor or [getpass.getuser() if os.geteuid() else "teacher"],
                             home_base=args.home_base, port=args.port, ip=args.ip)
            print(f"完成 / done: {state}  學員 learners: {len(settings['learners'])}  "
                  f"教師 instructors: {', '.join(settings['instructors'])}")
            for p in settings.get("protected", []):
                print(f"權限已調整 / permissions changed: {p}")
            print(f"初始密碼 / first passwords: {state / 'secrets' / 'passwords.csv'}")
        elif args.hub_command == "start":
            proc.bind_to_parent()
            hub, pg = start(state)
            try:
                return proc.supervise(hub)
            finally:
                proc.stop(pg, signal.SIGINT)
        elif args.hub_command == "add-learners":
            new = add_learners(state, read_roster(args.roster, load_settings(state).get("prefix", "")))
            print(f"新增 {len(new)} 個帳號 / {len(new)} new accounts; 初始密碼 / first passwords: "
                  f"{state / 'secrets' / 'passwords.csv'}")
        elif args.hub_command == "release":
            release(state, args.assignment)
        elif args.hub_command == "collect":
            collect(state, args.assignment)
        elif args.hub_command == "grade":
            print(grade(state, args.assignment))
        elif args.hub_command == "feedback":
            for path in feedback(state, args.assignment):
                print(f"學員報告 / learner report: {path}")
        elif args.hub_command == "cohort":
            print(f"班級報告 / cohort report: {cohort(state)}")
    except HubError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m govai.lab.hub singleuser [jupyterhub-singleuser args…]`` (what the spawner runs)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["singleuser"]:
        return singleuser(argv[1:])
    from govai.cli import main as cli_main

    return cli_main(["hub", *argv])


if __name__ == "__main__":
    sys.exit(main())
