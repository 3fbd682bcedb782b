"""The engine rebuilds the graded notebook from the master, whatever the learner did to it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from govai.errors import SubmissionError
from govai.grading import engine

REPO = Path(__file__).resolve().parents[1]
MASTER_PATH = REPO / "source" / "module1_literacy" / "module1_literacy.ipynb"
RELEASE_PATH = REPO / "release" / "module1_literacy" / "module1_literacy.ipynb"


@pytest.fixture(scope="module")
def master() -> nbformat.NotebookNode:
    return engine.read_notebook(MASTER_PATH)


@pytest.fixture()
def honest(master: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A learner's copy of the release with the master's answers typed in."""
    nb = engine.read_notebook(RELEASE_PATH)
    answers = {engine.grade_id(c): c.source for c in master.cells if engine.is_solution(c)}
    for cell in nb.cells:
        if engine.is_solution(cell):
            cell.source = answers[engine.grade_id(cell)]
    return nb


def _cell(nb: nbformat.NotebookNode, gid: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if engine.grade_id(c) == gid)


def _tests_of(nb: nbformat.NotebookNode) -> list[str]:
    return [engine.grade_id(c) or "" for c in nb.cells if engine.is_graded(c)]


def test_composed_notebook_runs_master_tests_with_hidden_parts(master, honest) -> None:
    composed = engine.compose(honest, master)
    test = _cell(composed, "q1_is_ai_test")
    assert "BEGIN HIDDEN TESTS" in test.source
    assert _tests_of(composed) == _tests_of(master)


def test_edited_test_cell_is_replaced_by_the_original(master, honest) -> None:
    _cell(honest, "q5_mask_phone_test").source = "pass  # 測試被我改掉了"
    composed = engine.compose(honest, master)
    assert _cell(composed, "q5_mask_phone_test").source == _cell(master, "q5_mask_phone_test").source


def test_deleted_test_cell_comes_back(master, honest) -> None:
    honest.cells = [c for c in honest.cells if engine.grade_id(c) != "q2_principles_test"]
    composed = engine.compose(honest, master)
    assert "q2_principles_test" in _tests_of(composed)


def test_duplicated_and_retyped_cells_do_not_shadow_the_answer(master, honest) -> None:
    answer = _cell(honest, "q9_eu_tier")
    fake = copy.deepcopy(answer)
    fake.source = 'eu_tier = "最小風險"'
    fake.id = "dup-cell"
    honest.cells.insert(honest.cells.index(answer) + 1, fake)   # a duplicate after the real one
    test = _cell(honest, "q9_eu_tier_test")
    test.cell_type = "markdown"                                  # re-typed test cell
    test.pop("outputs", None)
    test.pop("execution_count", None)
    composed = engine.compose(honest, master)
    assert _cell(composed, "q9_eu_tier").source == answer.source
    assert _cell(composed, "q9_eu_tier_test").cell_type == "code"


def test_changed_points_and_flags_are_ignored(master, honest) -> None:
    meta = _cell(honest, "q6_softmax_test").metadata.nbgrader
    meta["points"] = 100
    meta["grade"] = False
    composed = engine.compose(honest, master)
    assert _cell(composed, "q6_softmax_test").metadata.nbgrader["points"] == 3


def test_stripped_metadata_answers_are_matched_by_cell_id(master, honest) -> None:
    cell = _cell(honest, "q4_allowed")
    cell.metadata = {}
    composed = engine.compose(honest, master)
    assert '{"A", "D"}' in _cell(composed, "q4_allowed").source


def test_missing_answer_becomes_a_failing_stub(master, honest) -> None:
    honest.cells = [c for c in honest.cells if engine.grade_id(c) != "q7_verify"]
    composed = engine.compose(honest, master)
    assert "NotImplementedError" in _cell(composed, "q7_verify").source


@pytest.mark.slow
def test_tampered_submission_scores_like_master(master, honest, tmp_path: Path) -> None:
    """Edited tests and points earn nothing on the path `govai grade` and `govai run` share: papermill's
    govai engine composes with the master, runs the answers in the sandbox and the tests in the judge."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from govai.course.mutations import first_wrong_answers
    from govai.grading import worker

    wrong = first_wrong_answers(master)
    for gid in ("q1_is_ai", "q4_allowed"):
        _cell(honest, gid).source = wrong[gid]
    for gid in ("q1_is_ai_test", "q4_allowed_test"):
        _cell(honest, gid).source = "pass"
        _cell(honest, gid).metadata.nbgrader["points"] = 50
    path = tmp_path / "module1_literacy" / "module1_literacy.ipynb"
    path.parent.mkdir()
    nbformat.write(honest, path)
    try:
        with pytest.raises(PapermillExecutionError):
            papermill.execute_notebook(str(path), str(tmp_path / "out.ipynb"), engine_name="govai",
                                       progress_bar=False, master=str(MASTER_PATH))
    finally:
        worker.close_all()
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    items = {i.grade_id: i for i in engine.score(executed, master)}
    assert items["q1_is_ai_test"].points == 0 and items["q4_allowed_test"].points == 0
    assert items["q2_principles_test"].points == 3
    assert sum(i.points or 0.0 for i in items.values()) == 18.0
    assert sum(i.max_points for i in items.values()) == 23.0
    assert list(items["q4_allowed_test"].competencies) == ["風險辨識", "公共價值"]


@pytest.mark.parametrize(
    "content,needle",
    [(b"", "空的"), (b"{not json", "JSON"), (b'{"a": 1}', "cells"), (b"\xff\xfe\x00", "UTF-8")],
)
def test_unreadable_submission_names_the_file_in_chinese(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "作業.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError) as err:
        engine.read_notebook(path)
    assert str(path) in str(err.value) and needle in str(err.value)


def test_old_nbformat_is_upgraded(tmp_path: Path) -> None:
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1", "language": "python",
                                     "outputs": [], "metadata": {}}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    nb = engine.read_notebook(path)
    assert nb.nbformat == 4 and nb.cells[0].source == "x = 1"


def test_notebook_hash_ignores_outputs(honest) -> None:
    before = engine.notebook_hash(honest)
    copy_ = copy.deepcopy(honest)
    copy_.cells[2].outputs = [nbformat.v4.new_output("stream", text="hi")]
    assert engine.notebook_hash(copy_) == before
    copy_.cells[2].source += "\n# 改了"
    assert engine.notebook_hash(copy_) != before


def test_test_cells_that_never_ran_score_zero(master, honest) -> None:
    composed = engine.compose(honest, master)   # composed but never executed, as after a dead kernel
    items = engine.score(composed, master)
    assert items and all(i.points == 0 and not i.passed and "未執行" in (i.error or "") for i in items)
