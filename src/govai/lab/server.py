"""`govai lab`: JupyterLab on the workbook, in Traditional Chinese, with or without instructor tools.

Everything the launch needs lives in a project state folder (``var/lab/<learner|instructor>/`` by
default), never in the user's ``~/.jupyter``:

* ``settings/overrides.json`` — JupyterLab's *default* settings: locale ``zh_TW`` (the pack built
  by ``govai.lab.langpack``), and no calls to the Jupyter news feed or update check (no internet in
  class rooms, and no English pop-up on first start);
* ``settings/page_config.json`` — lab extensions (front-end plugins) switched off: nbgrader's
  instructor panels for learners;
* ``config/jupyter_server_config.json`` — server extensions on/off: nbgrader's formgrader and
  course list for instructors only (the sys-prefix config turns them all on);
* ``user-settings/`` — the user's settings, first holding the locale (see ``prepare_state``);
* ``workspaces/``, ``runtime/`` — what JupyterLab writes while it runs.

``lab_command`` and ``lab_environment`` are public so the browser tests start exactly the server
that ``make lab`` starts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from govai.paths import repo_root, var_dir

LOCALE = "zh_TW"
DEFAULT_PORT = 8888

#: nbgrader's front-end plugins only instructors may see. The ``menu`` plugin is in the list
#: because its "Nbgrader" menu offers Formgrader and Course List.
INSTRUCTOR_LAB_PLUGINS: tuple[str, ...] = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:menu",
)
#: nbgrader's server extensions behind those panels (grading database, course listing).
INSTRUCTOR_SERVER_EXTENSIONS: tuple[str, ...] = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)

#: Default settings for both modes (users may still change them; their choice is kept in
#: ``user-settings/``).
SETTINGS_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/translation-extension:plugin": {"locale": LOCALE},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def state_dir_for(instructor: bool) -> Path:
    """The project's state folder of one mode (learner and instructor never share settings)."""
    return var_dir() / "lab" / ("instructor" if instructor else "learner")


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write atomically, so parallel test workers sharing a folder never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def prepare_state(state_dir: Path, instructor: bool) -> None:
    """Create the state folder and write the settings and extension configuration of one mode."""
    for sub in ("settings", "config", "user-settings", "workspaces", "runtime"):
        (state_dir / sub).mkdir(parents=True, exist_ok=True)
    _write_json(state_dir / "settings" / "overrides.json", SETTINGS_OVERRIDES)
    _write_json(
        state_dir / "settings" / "page_config.json",
        {"disabledExtensions": [] if instructor else list(INSTRUCTOR_LAB_PLUGINS)},
    )
    # The server translates menu labels and settings schemas only for a locale found in the *user*
    # settings (jupyterlab_server's get_current_locale ignores overrides.json), so the choice is
    # written there too — once: a language the user later picks in Settings › Language is kept.
    user_locale = state_dir / "user-settings" / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    if not user_locale.exists():
        _write_json(user_locale, {"locale": LOCALE})
    _write_json(
        state_dir / "config" / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": {name: instructor for name in INSTRUCTOR_SERVER_EXTENSIONS}}},
    )


def lab_environment(state_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for the server: Jupyter's config, settings and runtime paths in ``state_dir``.

    JUPYTER_CONFIG_DIR replaces ``~/.jupyter`` (a user's own config or language choice must not
    change what the class sees); the sys-prefix config of the venv still applies.
    """
    env = dict(os.environ if base is None else base)
    env.update({
        "JUPYTER_CONFIG_DIR": str(state_dir / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(state_dir / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state_dir / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(state_dir / "runtime"),
    })
    # A user-wide JUPYTER_CONFIG_PATH could re-enable what learner mode turns off.
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


def lab_command(
    port: int = DEFAULT_PORT,
    token: str | None = None,
    instructor: bool = False,
    root: Path | None = None,
    *,
    state_dir: Path | None = None,
    open_browser: bool = False,
    port_retries: int = 0,
) -> list[str]:
    """The ``jupyter lab`` command line of `govai lab`, after preparing ``state_dir``.

    ``token=None`` lets Jupyter make one up and print the login URL; tests pass their own.
    ``port_retries=0`` fails rather than silently moving to another port (tests need the port
    they asked for); the CLI allows a few retries.
    Run it with ``env=lab_environment(state_dir)``.
    """
    root = (root or repo_root()).resolve()
    state_dir = (state_dir or state_dir_for(instructor)).resolve()
    prepare_state(state_dir, instructor)
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.port_retries={port_retries}",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.app_settings_dir={state_dir / 'settings'}",
        f"--LabApp.user_settings_dir={state_dir / 'user-settings'}",
        f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        # No request to the Jupyter news/update sites (offline class rooms, privacy).
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI run as root; Jupyter refuses that unless told, and it only listens
        # on the loopback interface here.
        argv.append("--allow-root")
    return argv


def langpack_ready() -> bool:
    """Whether govai's zh_TW language pack is installed (else the menus stay partly English)."""
    try:
        from govai.lab.langpack import installed_pack_dir
    except ImportError:
        return False
    return installed_pack_dir() is not None


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `govai lab`'s options."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"連接埠（預設 {DEFAULT_PORT}，被占用時改用下一個） / port (default {DEFAULT_PORT}; "
                             "the next free one if taken)")
    parser.add_argument("--no-browser", action="store_true",
                        help="不要自動開啟瀏覽器 / do not open a web browser")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="設定與執行狀態資料夾（預設 var/lab/<模式>） / settings and runtime folder "
                             "(default var/lab/<mode>)")
    parser.add_argument("--instructor", action="store_true",
                        help="教師模式：顯示 nbgrader 的建立作業、評分與課程清單 / instructor mode: "
                             "show nbgrader's Create Assignment, Formgrader and Course List")


def run(args: argparse.Namespace) -> int:
    """Start JupyterLab and wait for it; returns its exit status."""
    if not langpack_ready():
        print("提醒：尚未安裝 govai 的繁體中文語言套件，請先執行 make install / note: govai's zh_TW "
              "language pack is not installed; run `make install` (or `python -m govai.lab.langpack install`)",
              file=sys.stderr)
    from govai import proc

    state_dir = args.state_dir or state_dir_for(args.instructor)
    argv = lab_command(args.port, None, args.instructor, state_dir=state_dir,
                       open_browser=not args.no_browser, port_retries=10)
    mode = "教師模式 / instructor mode" if args.instructor else "學員模式 / learner mode"
    print(f"JupyterLab（{mode}）：{repo_root()}  設定 / settings: {state_dir}", file=sys.stderr)
    print("按一次 Ctrl+C 即可關閉 / press Ctrl+C once to stop", file=sys.stderr)
    # The server runs in its own session: Ctrl+C reaches only us and becomes one clean SIGTERM
    # (Jupyter then stops its kernels, without asking), and it dies with us even on SIGKILL.
    proc.bind_to_parent()      # `make lab` (or a launcher) killed: stop the lab as if asked
    server = proc.spawn(argv, env=lab_environment(state_dir))
    return proc.supervise(server)
