"""`govai lab` in a real browser: Traditional Chinese menu bar; nbgrader's instructor tools only
for instructors."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from govai.lab.server import INSTRUCTOR_LAB_PLUGINS, INSTRUCTOR_SERVER_EXTENSIONS, lab_command, prepare_state

pytestmark = pytest.mark.browser

MENU_BAR = ["檔案", "編輯", "檢視", "執行", "核心", "分頁", "設定", "說明"]
MENU_BAR_LABELS = "#jp-menu-panel .lm-MenuBar-itemLabel"
#: What nbgrader shows instructors: a main menu, a right-sidebar panel and the grading pages.
INSTRUCTOR_TEXTS = ("Nbgrader", "Formgrader", "Create Assignment", "Course List")


# --- the command line and configuration `govai lab` writes (no server needed) ---------------------

def test_learner_configuration_disables_instructor_tools(tmp_path) -> None:
    prepare_state(tmp_path, instructor=False)
    page_config = json.loads((tmp_path / "settings" / "page_config.json").read_text())
    assert set(INSTRUCTOR_LAB_PLUGINS) <= set(page_config["disabledExtensions"])
    server = json.loads((tmp_path / "config" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)
    overrides = json.loads((tmp_path / "settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_TW"


def test_instructor_configuration_enables_them(tmp_path) -> None:
    prepare_state(tmp_path, instructor=True)
    assert json.loads((tmp_path / "settings" / "page_config.json").read_text())["disabledExtensions"] == []
    server = json.loads((tmp_path / "config" / "jupyter_server_config.json").read_text())
    assert all(server["ServerApp"]["jpserver_extensions"].values())


def test_a_language_chosen_by_the_user_is_kept(tmp_path) -> None:
    prepare_state(tmp_path, instructor=False)
    choice = tmp_path / "user-settings" / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    choice.write_text('{"locale": "en"}')
    prepare_state(tmp_path, instructor=False)
    assert json.loads(choice.read_text()) == {"locale": "en"}


def test_command_runs_on_the_workbook_root_with_project_settings(tmp_path) -> None:
    argv = lab_command(9999, "secret", False, tmp_path / "root", state_dir=tmp_path / "state")
    assert "--ServerApp.port=9999" in argv and "--IdentityProvider.token=secret" in argv
    assert f"--ServerApp.root_dir={(tmp_path / 'root').resolve()}" in argv
    assert f"--LabApp.app_settings_dir={(tmp_path / 'state' / 'settings').resolve()}" in argv
    assert "--ServerApp.ip=127.0.0.1" in argv


# --- the running server ---------------------------------------------------------------------------

def test_server_translates_menus_and_hides_formgrader_from_learners(lab_server) -> None:
    assert lab_server.get("lab/api/translations/zh_TW") == 200
    assert lab_server.get("formgrader") == 404  # nbgrader's grading server extension is off


def test_instructor_server_has_formgrader(instructor_lab_server) -> None:
    assert instructor_lab_server.get("formgrader") != 404


# --- what people see ------------------------------------------------------------------------------

def test_learner_sees_traditional_chinese_menu_bar_and_no_instructor_tools(lab_page, screenshot) -> None:
    expect(lab_page.locator(MENU_BAR_LABELS)).to_have_text(MENU_BAR)
    lab_page.locator(MENU_BAR_LABELS, has_text="檔案").click()
    expect(lab_page.locator(".lm-Menu").first).to_be_visible()
    screenshot(lab_page, "learner-file-menu")
    lab_page.keyboard.press("Escape")
    for text in INSTRUCTOR_TEXTS:
        expect(lab_page.get_by_text(text, exact=True)).to_have_count(0)
    # The command palette lists every command; none of nbgrader's instructor ones.
    lab_page.keyboard.press("Control+Shift+C")
    palette = lab_page.locator(".lm-CommandPalette-input")
    expect(palette).to_be_visible()
    palette.fill("formgrader")
    expect(lab_page.locator(".lm-CommandPalette-item")).to_have_count(0)
    screenshot(lab_page, "learner-lab")


def test_instructor_sees_nbgrader_tools(page, instructor_lab_server, open_lab, screenshot) -> None:
    open_lab(page, instructor_lab_server)
    expect(page.locator(MENU_BAR_LABELS)).to_have_text(
        MENU_BAR[:5] + ["Nbgrader"] + MENU_BAR[5:]
    )
    page.locator(MENU_BAR_LABELS, has_text="Nbgrader").click()
    menu = page.locator(".lm-Menu").first
    expect(menu.get_by_text("Formgrader", exact=True)).to_be_visible()
    expect(menu.get_by_text("Course List", exact=True)).to_be_visible()
    screenshot(page, "instructor-nbgrader-menu")
    page.keyboard.press("Escape")
    expect(page.get_by_title("Create Assignment")).to_have_count(1)
