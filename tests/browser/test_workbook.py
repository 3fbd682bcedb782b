"""The workbook as a learner sees it: JupyterLab in Chromium, lessons run from the Run menu,
ipywidgets 8 rendering, a slider and a quiz answered by clicking.

Each step saves ``test-artifacts/browser/workbook-*.png``. The lessons are the repository's own
notebooks; the test server never saves them (see conftest), and the tests check the files are
unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
#: The notebook on screen (JupyterLab keeps other tabs' panels in the DOM, hidden).
VISIBLE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
START_HERE = REPO / "notebooks" / "00_start_here.ipynb"
LESSON1 = REPO / "notebooks" / "module1_literacy" / "01_what_is_ai.ipynb"
LESSON2 = REPO / "notebooks" / "module1_literacy" / "02_how_genai_writes.ipynb"
#: What ipywidgets' front end shows when it cannot render a widget (missing or mismatched
#: @jupyter-widgets/jupyterlab-manager, unknown model version).
WIDGET_ERRORS = ("Error displaying widget", "Failed to load model class", "Loading widget...")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _assert_widgets_rendered(page) -> None:
    """ipywidgets 8's front end loaded in JupyterLab: widget DOM present, no error placeholder."""
    nb = page.locator(VISIBLE_NOTEBOOK)
    expect(nb.locator(".jupyter-widgets").first).to_be_attached()
    for text in WIDGET_ERRORS:
        expect(nb.get_by_text(text)).to_have_count(0)


def _widget_box(page, has_text: str):
    """The outermost widget box (a quiz, a slider explorer) whose text contains ``has_text``."""
    return page.locator(f"{VISIBLE_NOTEBOOK} .jp-OutputArea-output > .widget-vbox").filter(has_text=has_text)


def start_notebook() -> Path:
    """The learner's first notebook: 00_start_here once it exists, module 1's first lesson until then."""
    return START_HERE if START_HERE.exists() else LESSON1


def test_learner_runs_the_first_notebook_from_the_run_menu(page, lab_server, notebook, screenshot) -> None:
    path = start_notebook()
    before = _digest(path)
    notebook.open(page, lab_server, _rel(path))
    screenshot(page, "workbook-01-start-opened")
    notebook.run_all(page, path)
    _assert_widgets_rendered(page)
    nb = page.locator(VISIBLE_NOTEBOOK)
    expect(nb.locator(".widget-radio-box").first).to_be_attached()
    if path == START_HERE:
        _answer_route_questionnaire(page, screenshot)
    else:
        # Module 1 lesson 1: the learning path of route C (the lesson's default) is computed and shown.
        path_table = nb.locator(".jp-OutputArea-output").filter(has_text="路線 C：")
        expect(path_table).to_have_count(1)
        path_table.scroll_into_view_if_needed()
        screenshot(page, "workbook-02-start-ran")
    assert _digest(path) == before, "the test server must not save the notebook"


def _answer_route_questionnaire(page, screenshot) -> None:
    """00_start_here: an IT officer who writes code is recommended route B, and the path follows."""
    boxes = _widget_box(page, "推薦路線")
    expect(boxes).to_have_count(1)   # shown once, not also as the cell's return value
    form = boxes.first
    form.scroll_into_view_if_needed()
    screenshot(page, "workbook-02-questionnaire")
    form.locator(".widget-radio-box label", has_text="資訊專業同仁").click()
    form.locator(".widget-select-multiple select").select_option(label="模型訓練優化")
    form.locator(".widget-radio-box label", has_text="Pro-code").click()
    form.get_by_role("button", name="推薦路線").click()
    advice = form.locator(".widget-output")
    expect(advice).to_contain_text("建議：路線B")
    expect(advice).to_contain_text("AI開發人才")
    expect(advice).to_contain_text("模型訓練優化")  # the reason quotes the learner's own task
    screenshot(page, "workbook-03-route-recommended")
    # The last cell turns the choice into the learning path: run it again (Ctrl+Enter, in place).
    cells = page.locator(f"{VISIBLE_NOTEBOOK} .jp-CodeCell")
    last = cells.nth(cells.count() - 1)
    last.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("Control+Enter")
    # the learning path is the cell's first output (the self-check table and the 評分我的作業 button follow)
    path_output = last.locator(".jp-OutputArea-output").first
    expect(path_output).to_contain_text("路線B 學習路徑")
    expect(path_output).to_contain_text("模組3 能開發")
    expect(last.get_by_role("button", name="評分我的作業")).to_be_visible()
    last.scroll_into_view_if_needed()
    screenshot(page, "workbook-04-learning-path")


def test_learner_moves_the_temperature_slider_and_answers_a_quiz(page, lab_server, notebook, screenshot) -> None:
    before = _digest(LESSON2)
    notebook.open(page, lab_server, _rel(LESSON2))
    notebook.run_all(page, LESSON2)
    _assert_widgets_rendered(page)
    nb = page.locator(VISIBLE_NOTEBOOK)
    expect(nb.locator(".widget-slider").first).to_be_attached()

    # -- the temperature explorer: one slider, shown once, its table follows the slider ---------
    explorer = _widget_box(page, "抽樣產生的句子")
    expect(explorer).to_have_count(1)
    slider = explorer.locator(".widget-slider")
    expect(slider.locator(".widget-label")).to_have_text("溫度")
    output = explorer.locator(".widget-html").last
    expect(output).to_contain_text("溫度 1.0")
    explorer.scroll_into_view_if_needed()
    first = output.inner_text()
    screenshot(page, "workbook-05-temperature-1.0")
    handle = slider.locator(".noUi-handle")
    expect(handle).to_have_attribute("aria-valuenow", "1.0")
    handle.focus()
    for _ in range(5):  # five steps of 0.1, as a keyboard user moves it
        page.keyboard.press("ArrowRight")
    expect(output).to_contain_text("溫度 1.5")
    assert output.inner_text() != first
    handle.focus()
    page.keyboard.press("End")  # the hottest setting flattens the distribution
    expect(output).to_contain_text("溫度 2.0")
    screenshot(page, "workbook-06-temperature-2.0")

    # -- a quiz: wrong, then right; the feedback says so in words and a symbol --------------------
    quiz = _widget_box(page, "溫度應該怎麼設？")
    expect(quiz).to_have_count(1)
    quiz.scroll_into_view_if_needed()
    feedback = quiz.locator(".widget-html").last
    quiz.locator("label", has_text="調高，例如 2").click()
    quiz.get_by_role("button", name="檢查答案").click()
    expect(feedback).to_contain_text("❌ 再想想")
    expect(feedback.locator("[role=status]")).to_have_count(1)
    screenshot(page, "workbook-07-quiz-wrong")
    quiz.locator("label", has_text="調低，例如 0.2").click()
    quiz.get_by_role("button", name="檢查答案").click()
    expect(feedback).to_contain_text("✅ 答對了")
    expect(feedback).not_to_contain_text("再想想")
    screenshot(page, "workbook-08-quiz-right")
    assert re.search(r"穩定", feedback.inner_text())  # the explanation of the pick, not just a mark
    assert _digest(LESSON2) == before, "the test server must not save the lesson"
