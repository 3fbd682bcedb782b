"""The instructor's view: nbgrader's formgrader in the instructor JupyterLab, after `govai grade`.

A throw-away course (the repository's nbgrader_config.py and module 1's master, two submissions:
the untouched student version and the solved master) is graded, then an instructor JupyterLab is
started on it; formgrader must list ``module1_literacy`` with both submissions and their scores.
Screenshots: ``test-artifacts/browser/formgrader-*.png``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "module1_literacy"
#: student → notebook submitted: the release as handed out (nothing answered), the solved master.
SUBMISSIONS = {
    "S001": REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
    "S002": REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
}
MENU_BAR_LABELS = "#jp-menu-panel .lm-MenuBar-itemLabel"


def _grade_commands(course: Path) -> list[list[str]]:
    """`govai grade` (nbgrader-compatible); nbgrader's own commands where govai has no grader yet."""
    if importlib.util.find_spec("govai.grading.command") is not None:
        return [[sys.executable, "-m", "govai.cli", "grade", ASSIGNMENT, "--course", str(course),
                 "--no-progress", "--workers", "2"]]
    nbgrader = [sys.executable, "-m", "nbgrader"]
    return [[*nbgrader, "generate_assignment", ASSIGNMENT, "--force"],
            [*nbgrader, "autograde", ASSIGNMENT, "--create", "--force"]]


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    for student, notebook in SUBMISSIONS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{ASSIGNMENT}.ipynb")
    # nbgrader runs `alembic` from PATH: the venv's scripts first.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    for command in _grade_commands(course):
        done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (course / "gradebook.db").exists()
    return course


def test_formgrader_lists_the_graded_assignment(page, graded_course, course_lab, open_lab, screenshot) -> None:
    server = course_lab(graded_course)
    open_lab(page, server)
    page.locator(MENU_BAR_LABELS, has_text="Nbgrader").click()
    page.locator(".lm-Menu").first.get_by_text("Formgrader", exact=True).click()
    frame = page.frame_locator("iframe").first
    row = frame.locator("tbody tr", has_text=ASSIGNMENT)
    expect(row).to_have_count(1)
    headers = [h.strip() for h in frame.locator("thead th").all_inner_texts()]
    column = next(i for i, h in enumerate(headers) if "Submissions" in h)
    count = row.locator("td").nth(column)
    expect(count).to_have_text(str(len(SUBMISSIONS)))
    screenshot(page, "formgrader-01-assignments")

    # Its submissions, with the scores `govai grade` wrote to the gradebook.
    count.locator("a").click()
    expect(frame.locator("thead th", has_text="Score")).to_have_count(1)
    headers = [h.strip() for h in frame.locator("thead th").all_inner_texts()]
    score_column = headers.index("Score")
    scores = {}
    for student in SUBMISSIONS:
        row = frame.locator("tbody tr", has_text=student)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("graded")
        scores[student] = row.locator("td").nth(score_column)
    expect(scores["S001"]).to_have_text(re.compile(r"^\s*0 / [1-9]\d*\s*$"))  # nothing answered
    expect(scores["S002"]).to_have_text(re.compile(r"^\s*([1-9]\d*) / \1\s*$"))  # full marks
    screenshot(page, "formgrader-02-submissions")
