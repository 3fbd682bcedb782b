"""Every graded assignment in source/: structure, tags, nbgrader validation, known-wrong answers fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govai.course import catalog, mutations
from govai.course.release import assignments
from govai.course.validate import validate_master, validate_release
from govai.grading import engine

REPO = Path(__file__).resolve().parents[1]
NAMES = assignments(REPO)
MASTERS = [nb for name in NAMES for nb in sorted((REPO / "source" / name).glob("*.ipynb"))]
IDS = [str(p.relative_to(REPO / "source")) for p in MASTERS]


def test_module1_assignment_exists() -> None:
    assert "module1_literacy" in NAMES


def test_every_track_with_a_master_is_in_the_catalog() -> None:
    tracks = {t.id for t in catalog.default().all_tracks()}
    assert set(NAMES) <= tracks


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_structure_and_tags(path: Path) -> None:
    cat = catalog.default()
    nb = engine.read_notebook(path)
    tests = [c for c in nb.cells if engine.is_graded(c) and not engine.is_solution(c)]
    solutions = [c for c in nb.cells if engine.is_solution(c)]
    assert len(tests) >= 8, "at least 8 auto-graded items"
    assert sum(c.metadata.nbgrader.points for c in tests) >= 20, "at least 20 points"
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), "papermill parameters cell"
    comps = {c.id for c in cat.competencies}
    for cell in tests:
        meta = cell.metadata.get("govai", {})
        gid = cell.metadata.nbgrader.grade_id
        assert meta.get("exercise") and meta.get("objective"), gid
        assert meta.get("competencies") and set(meta["competencies"]) <= comps, gid
        assert meta.get("domains") and set(meta["domains"]) <= cat.domain_keys(), (gid, meta.get("domains"))
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{gid}: hidden tests"
        assert cell.metadata.nbgrader.get("locked"), gid
    assert solutions, "solution cells"
    # Known wrong answers live in each item's mutation suite (CONTRIBUTING, assessment standard).
    assert not mutations.shortfalls(nb), mutations.shortfalls(nb)


@pytest.mark.slow
@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_nbgrader_validate_master_passes(path: Path) -> None:
    verdict = validate_master(path)
    assert verdict.ok, verdict.detail


@pytest.mark.slow
@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_nbgrader_validate_invert_release_stubs_fail(path: Path) -> None:
    release = REPO / "release" / path.parent.name / path.name
    assert release.exists(), "run `govai release`"
    verdict = validate_release(release)
    assert verdict.ok, verdict.detail


# Wrong answers scoring 0 and solutions scoring full, item by item, through the grader's own path:
# tests/test_assessment_standard.py (mutation suites). The untouched student version scores 0 on the
# same path (sandbox, judge, nbgrader's scoring), here through papermill's govai engine as `govai run`.


@pytest.fixture(scope="module")
def _sandboxes():
    from govai.grading import worker

    yield
    worker.close_all()


@pytest.mark.slow
@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_untouched_release_scores_zero_through_the_grader(path: Path, tmp_path: Path, _sandboxes: None) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from govai.records.runner import sandbox_settings

    release = REPO / "release" / path.parent.name / path.name
    preload, hide = sandbox_settings()
    with pytest.raises(PapermillExecutionError):     # the stubs fail, and papermill says so
        papermill.execute_notebook(str(release), str(tmp_path / "out.ipynb"), engine_name="govai",
                                   progress_bar=False, master=str(path), preload=list(preload), hide=list(hide))
    executed = engine.read_notebook(tmp_path / "out.ipynb")
    scored = engine.score(executed, engine.read_notebook(path))
    automatic = [s for s in scored if not s.needs_manual]
    assert automatic and all(s.points == 0 for s in automatic), \
        [(s.grade_id, s.points) for s in automatic if s.points]


def test_release_hides_solutions_hidden_tests_and_wrong_answers() -> None:
    for path in MASTERS:
        text = (REPO / "release" / path.parent.name / path.name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "wrong_answer" not in text


@pytest.mark.slow
def test_release_is_up_to_date() -> None:
    from govai.course.release import stale

    assert stale(REPO, NAMES) == []


def test_committed_notebooks_have_no_outputs() -> None:
    import subprocess

    files = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert files
    dirty = []
    for f in files:
        nb = json.loads((REPO / f).read_text(encoding="utf-8"))
        if any(c.get("outputs") or c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"):
            dirty.append(f)
    assert not dirty, f"notebooks committed with outputs: {dirty}"
