"""`govai hub` without starting anything: roster, JupyterHub config, user profiles, course config.

The real hub (accounts, PAM, PostgreSQL, proxy, browser) is tests/browser/test_hub.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config import Config

from govai.cli import main
from govai.lab import hub
from govai.lab import server as lab

REPO = Path(__file__).resolve().parents[1]


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "學員名冊.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_roster_english_and_chinese_headers(tmp_path: Path) -> None:
    en = hub.read_roster(_roster(tmp_path, "id,name,unit,route\nA001,王小明,人事室,C\n\n"))
    assert [(x.id, x.user, x.name, x.unit, x.route) for x in en] == [("A001", "a001", "王小明", "人事室", "C")]
    zh = hub.read_roster(_roster(tmp_path, "代號,姓名,單位,路線\nB7,林小華,資訊處,B\n"), prefix="c1-")
    assert [(x.user, x.route) for x in zh] == [("c1-b7", "B")]


@pytest.mark.parametrize("text, message", [
    ("name,unit\n王小明,人事室\n", "id"),
    ("id,name\n王 小明,x\n", "帳號名稱"),
    ("id,route\nA1,D\n", "路線"),
    ("id\nA1\na1\n", "重複"),
])
def test_roster_errors_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(hub.HubError, match=message):
        hub.read_roster(_roster(tmp_path, text))


def _settings(tmp_path: Path) -> dict:
    return {"state": str(tmp_path), "repo": str(REPO), "python": "/usr/bin/python3", "course": str(tmp_path / "course"),
            "exchange": str(tmp_path / "exchange"), "course_id": "govai", "home_base": "/home", "ip": "127.0.0.1",
            "port": 8123, "hub_port": 8124, "proxy_api_port": 8125, "pg_port": 5999, "instructors": ["teacher"],
            "learners": [{"id": "A1", "user": "a1", "name": "", "unit": "", "route": "C"}], "prefix": "",
            "proxy": "/opt/chp"}


def test_jupyterhub_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.save_settings(tmp_path, _settings(tmp_path))
    monkeypatch.setenv("GOVAI_HUB_STATE", str(tmp_path))
    c = Config()
    exec(compile(hub.HUB_CONFIG.read_text(encoding="utf-8"), str(hub.HUB_CONFIG), "exec"), {"get_config": lambda: c})  # noqa: S102 - as JupyterHub loads it
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.Authenticator.allowed_users == {"teacher", "a1"}
    assert c.PAMAuthenticator.allowed_groups == {hub.LEARNER_GROUP, hub.INSTRUCTOR_GROUP}
    assert c.Authenticator.admin_users == set(), "no admin may open another user's server"
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8123"
    assert c.Spawner.cmd == ["/usr/bin/python3", "-m", "govai.lab.hub", "singleuser"]
    assert c.JupyterHub.cleanup_servers is True

    class Spawner:
        def __init__(self, name: str) -> None:
            self.user = type("U", (), {"name": name})()
            self.environment: dict[str, str] = {}

    for name, role in (("teacher", "instructor"), ("a1", "learner")):
        sp = Spawner(name)
        c.Spawner.pre_spawn_hook(sp)
        assert sp.environment["GOVAI_HUB_ROLE"] == role


def test_learner_and_instructor_profiles(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    course = tmp_path / "course"
    course.mkdir()
    (course / "gradebook_url").write_text("postgresql+psycopg://govai:secret@127.0.0.1:5999/gradebook\n")
    homes = {}
    for role in ("learner", "instructor"):
        home = tmp_path / role
        home.mkdir()
        env = hub.prepare_user(home, settings, role == "instructor")
        homes[role] = home
        assert env["GOVAI_HOME"] == str(home / ".govai")
        assert (home / ".govai").stat().st_mode & 0o077 == 0 and home.stat().st_mode & 0o077 == 0
        state = hub.user_state(home)
        server = json.loads((state / "config" / "jupyter_server_config.json").read_text())
        ext = server["ServerApp"]["jpserver_extensions"]
        assert set(ext.values()) == {role == "instructor"}
        assert server["LabApp"]["app_settings_dir"] == str(state / "settings")
        disabled = json.loads((state / "settings" / "page_config.json").read_text())["disabledExtensions"]
        nbg = json.loads((state / "config" / "nbgrader_config.json").read_text())
        assert nbg["Exchange"]["root"] == settings["exchange"] and nbg["CourseDirectory"]["course_id"] == "govai"
        if role == "learner":
            assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:menu" not in disabled
            assert "root" not in nbg["CourseDirectory"] and "db_url" not in nbg["CourseDirectory"]
            assert (home / "govai-練習本" / "00_start_here.ipynb").exists()
        else:
            assert disabled == []
            # formgrader needs the course below the server root (the home): a link there
            assert nbg["CourseDirectory"]["root"] == str(home / "govai-course")
            assert nbg["CourseDirectory"]["db_url"].startswith("postgresql+psycopg://")
            assert (home / "govai-course").resolve() == course.resolve()
    assert set(lab.INSTRUCTOR_LAB_PLUGINS) - {"@jupyter/nbgrader:menu"} <= set(
        json.loads((hub.user_state(homes["learner"]) / "settings" / "page_config.json").read_text())["disabledExtensions"])


def test_course_config_applies_only_in_the_hub_course(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    text = hub._course_config(tmp_path, settings)
    for folder, expect_exchange in ((Path(settings["course"]), settings["exchange"]), (tmp_path / "scratch", None)):
        folder.mkdir(exist_ok=True)
        (folder / "gradebook_url").write_text("sqlite:///x.db\n")
        (folder / "nbgrader_config.py").write_text(text)
        c = Config()
        exec(compile(text, str(folder / "nbgrader_config.py"), "exec"),  # noqa: S102 - as nbgrader loads it
             {"get_config": lambda c=c: c, "__file__": str(folder / "nbgrader_config.py")})
        if expect_exchange:
            assert c.Exchange.root == expect_exchange and c.CourseDirectory.db_url == "sqlite:///x.db"
        else:
            assert "db_url" not in c.CourseDirectory, "govai release's scratch course must keep its own gradebook"


def test_cli_lists_the_hub_steps(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["hub", "--help"])
    out = capsys.readouterr().out
    for step in ("setup", "start", "add-learners", "release", "collect", "grade", "feedback", "cohort"):
        assert step in out


def test_make_hub_and_proxy_install() -> None:
    make = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\nhub: install\n" in make and "$(GOVAI) hub start" in make
    deps = (REPO / "scripts" / "install-system-deps.sh").read_text(encoding="utf-8")
    assert "npm install --prefix .node" in deps and "configurable-http-proxy@" in deps
