"""papermill's ``govai`` engine: found by name, parameters and papermill's records, failures, grade's scores."""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from govai.grading import engine, worker
from govai.grading.papermill_engine import GovaiEngine
from govai.records import runner as run

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

REPO = Path(__file__).resolve().parents[1]
M1 = "module1_literacy"
MASTER = REPO / "source" / M1 / f"{M1}.ipynb"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _close_sandboxes():
    yield
    worker.close_all()


def _gid(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _learner_folder(tmp: Path, nb: nbformat.NotebookNode) -> Path:
    """``tmp/<assignment>/<assignment>.ipynb`` beside the assignment's files, as a learner has it."""
    folder = tmp / "work" / M1
    shutil.copytree(REPO / "release" / M1, folder)
    nbformat.write(nb, folder / f"{M1}.ipynb")
    return folder / f"{M1}.ipynb"


def _execute(path: Path, out: Path, **kwargs: object) -> nbformat.NotebookNode:
    """papermill with the govai engine; the output notebook as papermill wrote it."""
    try:
        papermill.execute_notebook(str(path), str(out), engine_name="govai", progress_bar=False,
                                   master=str(MASTER), preload=list(run.sandbox_settings()[0]), **kwargs)
    except PapermillExecutionError:
        pass
    return nbformat.read(out, as_version=4)


def test_engine_is_found_through_papermills_registry() -> None:
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine("govai") is GovaiEngine
    found = {ep.name: ep.value for ep in entry_points(group="papermill.engine")}
    assert found.get("govai") == "govai.grading.papermill_engine:GovaiEngine"


def test_parameters_are_injected_after_the_masters_parameters_cell(tmp_path: Path) -> None:
    """papermill injects the run's values; they win over the defaults even when the learner untagged
    their parameters cell (papermill then injects at the top), and papermill's metadata is there."""
    nb = samples.submission(nbformat.read(MASTER, as_version=4))
    params_cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params_cell.metadata["tags"].remove("parameters")
    nb.cells.append(nbformat.v4.new_code_cell('print("學員", learner_id, "路線", route)'))
    out = _execute(_learner_folder(tmp_path, nb), tmp_path / "out.ipynb",
                   parameters={"learner_id": "T-77", "route": "B"})

    pm = out.metadata["papermill"]
    assert pm["parameters"] == {"learner_id": "T-77", "route": "B"}
    assert pm["input_path"].endswith(f"{M1}/{M1}.ipynb") and pm["output_path"] == str(tmp_path / "out.ipynb")
    assert pm["start_time"] and pm["end_time"] and pm["duration"] >= 0 and pm["exception"] is None
    tags = [c.metadata.get("tags", []) for c in out.cells]
    injected = [i for i, t in enumerate(tags) if "injected-parameters" in t]
    assert len(injected) == 1 and "parameters" in tags[injected[0] - 1]
    assert 'learner_id = "T-77"' in out.cells[injected[0]].source
    printed = "".join(o.get("text", "") for c in out.cells if c.cell_type == "code" for o in c.outputs)
    assert "學員 T-77 路線 B" in printed
    assert out.metadata["govai"]["engine"] == "govai" and out.metadata["govai"]["sandboxed"] is True
    assert all(c.metadata.papermill["status"] == "completed" for c in out.cells)


def test_a_failing_cell_is_recorded_as_papermill_records_it(tmp_path: Path) -> None:
    """papermill raises after writing the output, marks the failing cells and the notebook, and every
    later cell still runs (each graded item is scored on its own)."""
    nb = samples.submission(nbformat.read(MASTER, as_version=4), {"q4_allowed": "wrong"})
    path = _learner_folder(tmp_path, nb)
    out_path = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError) as raised:
        papermill.execute_notebook(str(path), str(out_path), engine_name="govai", progress_bar=False,
                                   master=str(MASTER), parameters={"learner_id": "T-1"})
    assert raised.value.ename == "Mismatch"
    out = nbformat.read(out_path, as_version=4)
    assert out.metadata.papermill["exception"] is True
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in out.cells)
    cells = [c for c in out.cells if "papermill" in c.metadata]
    failed = [c for c in cells if c.metadata.papermill["status"] == "failed"]
    assert [_gid(c) for c in failed] == ["q4_allowed_test"]
    assert failed[0].metadata.papermill["exception"] is True
    assert failed[0].outputs[-1]["ename"] == "Mismatch"
    for cell in cells:
        pm = cell.metadata.papermill
        assert pm["start_time"] <= pm["end_time"] and pm["duration"] >= 0
    last_test = next(c for c in cells if _gid(c) == "q9_eu_tier_test")
    assert last_test.metadata.papermill["status"] == "completed" and last_test.execution_count


def test_unknown_engine_options_are_refused(tmp_path: Path) -> None:
    path = _learner_folder(tmp_path, samples.submission(nbformat.read(MASTER, as_version=4)))
    with pytest.raises(TypeError, match="mastr"):
        papermill.execute_notebook(str(path), str(tmp_path / "o.ipynb"), engine_name="govai",
                                   progress_bar=False, mastr=str(MASTER))


def test_the_master_is_found_from_the_assignment_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govai.course import masters

    src = tmp_path / "source"
    shutil.copytree(REPO / "source" / M1, src / M1)
    monkeypatch.setattr(masters, "source_dir", lambda: src)
    path = _learner_folder(tmp_path, samples.submission(nbformat.read(MASTER, as_version=4)))
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(path), str(out), engine_name="govai", progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    scored = engine.score(executed, nbformat.read(MASTER, as_version=4))
    assert scored and all(s.points == s.max_points for s in scored)
    (src / M1 / f"{M1}.ipynb").unlink()
    with pytest.raises(Exception, match="找不到作業「module1_literacy」的教師版"):
        papermill.execute_notebook(str(path), str(out), engine_name="govai", progress_bar=False)


def test_scores_equal_govai_grade_for_the_same_submission(tmp_path: Path) -> None:
    """One submission with right, wrong and unanswered items and a cheating cell, graded by
    `govai grade` and run by `govai run`: the same points, item by item."""
    course = tmp_path / "course"
    master = h.course(course)
    cheat = (Path(__file__).parent / "fixtures" / "grade" / "cheats" / "patch_ipython.py").read_text(encoding="utf-8")
    nb = h.with_extra_cell(master, cheat, after="q1_is_ai",
                           answers={"q2_principles": "wrong", "q4_allowed": "wrong", "q6_softmax": None,
                                    "q9_eu_tier": "wrong"})
    submitted = samples.write_submission(course, "same-1", M1, nb)
    graded = h.grade(course, timeout=20)
    assert graded["same-1"].status == "graded", graded["same-1"].reason
    by_grade = {cell: score for (student, cell), (score, _m) in h.scores(h.sqlite(course), M1).items()
                if student == "same-1"}

    task = run.NotebookTask(learner="same-1", route="C", run_id="r1", track=M1,
                            master_path=course / "source" / M1 / f"{M1}.ipynb", learner_path=submitted,
                            out_path=tmp_path / "runs" / f"{M1}.ipynb",
                            parameters={"learner_id": "same-1", "route": "C"}, cell_timeout=20)
    outcome = run.execute_task(task)
    assert outcome.status == "ok", outcome.error
    by_run = {it.grade_id: it.points for it in outcome.items}
    assert by_run == by_grade
    assert by_run["q2_principles_test"] == by_run["q4_allowed_test"] == by_run["q9_eu_tier_test"] == 0
    assert by_run["q6_softmax_test"] == 0 and by_run["q1_is_ai_test"] == 2
