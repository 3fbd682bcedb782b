"""The runner: papermill with the govai engine (grade's sandbox and judge), rows in SQLite and PostgreSQL,
failures, history, and what the unsandboxed default engine lets a cheat do."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from govai.records import demo
from govai.records import runner as run
from govai.records.results import ResultsDB

REPO = Path(__file__).resolve().parents[1]
TRACK = "module1_literacy"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A source/ with module 1 and, as route A's optional track, a copy named module4_governance."""
    root = tmp_path_factory.mktemp("course")
    src, rel = root / "source", root / "release"
    for name in (TRACK, "module4_governance"):
        shutil.copytree(REPO / "source" / TRACK, src / name)
        (src / name / f"{TRACK}.ipynb").rename(src / name / f"{name}.ipynb")
        shutil.copytree(REPO / "release" / TRACK, rel / name)
        (rel / name / f"{TRACK}.ipynb").rename(rel / name / f"{name}.ipynb")
    strong = demo.SyntheticLearner("t-strong", "合成 甲", "A", "熟練", "合成機關甲", optional=True)
    weak = demo.SyntheticLearner("t-weak", "合成 乙", "A", "初學", "合成機關乙", optional=True)
    folders = demo.build_workdirs([strong, weak], root / "out", src, rel)
    progress_db = root / "progress.sqlite"
    demo.write_progress([strong, weak], progress_db, src)
    return {"root": root, "src": src, "strong": folders["t-strong"], "weak": folders["t-weak"],
            "progress": progress_db}


@pytest.fixture(scope="module")
def first_run(course: dict[str, Path]) -> tuple[run.RunRecord, Path]:
    db = course["root"] / "results.sqlite"
    record = run.run_learner("t-strong", "A", course["strong"], db=str(db), src=course["src"], workers=2,
                             out_dir=course["root"] / "runs", progress_path=course["progress"], unit="合成機關甲")
    return record, db


def test_run_records_one_row_per_exercise(first_run: tuple[run.RunRecord, Path]) -> None:
    record, db_path = first_run
    db = ResultsDB(db_path)
    rows = db.run_rows(record.run_id)
    assert len(rows) == 18                                     # 9 graded cells × 2 notebooks
    assert {r["notebook"] for r in rows} == {f"{TRACK}/{TRACK}.ipynb",
                                             "module4_governance/module4_governance.ipynb"}
    assert all(r["learner"] == "t-strong" and r["route"] == "A" for r in rows)
    assert all(len(r["notebook_hash"]) == 64 and r["package_versions"]["papermill"].startswith("2.") for r in rows)
    assert all(r["recorded_at"] and r["duration"] is not None for r in rows)
    # the strong learner answers most items right; passed ⇔ full points
    assert sum(r["passed"] for r in rows) >= 12
    assert all(bool(r["passed"]) == (r["points"] == r["max_points"]) for r in rows)
    failed = [r for r in rows if not r["passed"]]
    assert all(r["error"] for r in failed)
    assert [x["status"] for x in db.runs("t-strong")] == ["complete"]


def test_papermill_metadata_and_parameters(first_run: tuple[run.RunRecord, Path]) -> None:
    record, _ = first_run
    out = Path(record.notebooks[0].output_path or "")
    nb = nbformat.read(str(out), as_version=4)
    pm = nb.metadata["papermill"]
    assert pm["parameters"] == {"learner_id": "t-strong", "route": "A"}
    assert nb.metadata["govai"]["run_id"] == record.run_id
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "t-strong" in injected[0].source


def test_failed_notebook_is_recorded_and_the_run_goes_on(course: dict[str, Path], tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(course["weak"], work)
    (work / TRACK / f"{TRACK}.ipynb").write_text("{ not json", encoding="utf-8")
    shutil.copytree(course["weak"] / TRACK, work / "module9_unrelated")   # outside the route: ignored
    db = ResultsDB(tmp_path / "r.sqlite")
    record = run.run_learner("t-weak", "A", work, db=db, src=course["src"], workers=1, out_dir=tmp_path / "runs")
    by_nb = {n["notebook"]: n for n in db.notebook_rows(record.run_id)}
    assert set(by_nb) == {f"{TRACK}/{TRACK}.ipynb", "module4_governance/module4_governance.ipynb"}
    bad = by_nb[f"{TRACK}/{TRACK}.ipynb"]
    assert bad["status"] == "failed" and "JSON" in bad["error"]
    assert by_nb["module4_governance/module4_governance.ipynb"]["status"] == "ok"
    rows = db.run_rows(record.run_id)
    bad_rows = [r for r in rows if r["track"] == TRACK]
    assert len(bad_rows) == 9 and all(r["points"] == 0 and "JSON" in r["error"] for r in bad_rows)


def test_missing_notebook_and_rerun_keep_history(first_run: tuple[run.RunRecord, Path], course: dict[str, Path],
                                                 tmp_path: Path) -> None:
    record, db_path = first_run
    copy_db = tmp_path / "copy.sqlite"
    shutil.copy(db_path, copy_db)
    work = tmp_path / "w"
    shutil.copytree(course["strong"] / TRACK, work / TRACK)      # module4 (optional) not in workdir
    db = ResultsDB(copy_db)
    second = run.run_learner("t-strong", "A", work, db=db, src=course["src"], out_dir=tmp_path / "runs")
    assert [r["run_id"] for r in db.runs("t-strong")] == [record.run_id, second.run_id]
    assert len(db.run_rows(record.run_id)) == 18 and len(db.run_rows(second.run_id)) == 9
    latest = db.latest_items("t-strong")
    assert len(latest) == 18   # module4 rows still come from the first run
    assert {r["run_id"] for r in latest if r["track"] == TRACK} == {second.run_id}


def test_same_run_in_postgresql_and_sqlite(first_run: tuple[run.RunRecord, Path], postgres_url: str,
                                           tmp_path: Path) -> None:
    record, _ = first_run
    lite, pg = ResultsDB(tmp_path / "same.sqlite"), ResultsDB(postgres_url)
    assert pg.url.startswith("postgresql+psycopg://")
    for db in (lite, pg):
        db.write_run(record)

    def canon(db: ResultsDB) -> list[tuple]:
        return sorted((r["notebook"], r["grade_id"], r["points"], r["max_points"], bool(r["passed"]), r["error"],
                       r["attempts"], r["hints"], r["notebook_hash"], json.dumps(r["competencies"]))
                      for r in db.run_rows(record.run_id))

    assert canon(lite) == canon(pg) and len(canon(pg)) == 18
    assert lite.runs()[0]["package_versions"] == pg.runs()[0]["package_versions"]
    pg.close()


def test_cli_run_prints_results_and_writes_rows(course: dict[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from govai import cli
    from govai.course import masters

    monkeypatch.setattr(masters, "source_dir", lambda: course["src"])
    work = tmp_path / "w"
    shutil.copytree(course["strong"] / TRACK, work / TRACK)
    db = tmp_path / "cli.sqlite"
    code = cli.main(["run", "--learner", "cli-1", "--route", "C", "--workdir", str(work), "--db", str(db),
                     "--workers", "1", "--out-dir", str(tmp_path / "runs")])
    out = capsys.readouterr().out
    assert code == 0
    assert "module1_literacy.q1" in out and "得分" in out
    assert ResultsDB(db).count() == 9


CHEATS = Path(__file__).parent / "fixtures" / "grade" / "cheats"
# What a learner can do to the tests when they run in the learner's own kernel: failing tests leave
# no error output, the assertion error is replaced, the compare helpers check nothing. (The grading
# tests' patch_ipython.py also replaces builtins.type, which hangs an ordinary kernel.)
CHEAT = """# 讓測試失敗時不留下錯誤輸出、換掉斷言錯誤、讓比較函式什麼都不檢查
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
import govai.exercises.compare as _compare
_compare.check_labels = lambda *a, **k: None
_compare.check_number = lambda *a, **k: None
_compare.same = lambda *a, **k: None"""


def test_cheats_earn_nothing_under_govai_but_do_under_papermills_default_engine(
        course: dict[str, Path], tmp_path: Path) -> None:
    """Wrong answers plus a cell that patches IPython, ``AssertionError`` and the compare helpers, and one
    that reads ``In``:
    0 points and nothing seen through the govai engine (as under `govai grade`); with papermill's
    default engine the same notebook earns the points and sees the hidden tests."""
    sys.path.insert(0, str(CHEATS.parent))
    import samples

    master = nbformat.read(course["src"] / TRACK / f"{TRACK}.ipynb", as_version=4)
    wrong = {"q1_is_ai": "wrong", "q4_allowed": "wrong", "q7_verify": "wrong", "q9_eu_tier": "wrong"}
    nb = samples.submission(master, wrong)
    after_params = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(after_params, nbformat.v4.new_code_cell(CHEAT))
    nb.cells.append(nbformat.v4.new_code_cell((CHEATS / "look_for_hidden_tests.py").read_text()))
    work = tmp_path / "work"
    shutil.copytree(REPO / "release" / TRACK, work / TRACK)
    nbformat.write(nb, work / TRACK / f"{TRACK}.ipynb")

    points, printed = {}, {}
    for engine_name in run.ENGINES:
        record = run.run_learner("cheat-1", "C", work, db=tmp_path / f"{engine_name}.sqlite", src=course["src"],
                                 out_dir=tmp_path / engine_name, engine=engine_name)
        (outcome,) = record.notebooks
        assert outcome.status == "ok", outcome.error
        points[engine_name] = {it.grade_id: it.points for it in outcome.items if it.grade_id[:-5] in wrong}
        out = nbformat.read(outcome.output_path or "", as_version=4)
        assert out.metadata["govai"]["engine"] == engine_name
        printed[engine_name] = "".join(o.get("text", "") for c in out.cells if c.cell_type == "code"
                                       for o in c.outputs)
    assert set(points["govai"].values()) == {0.0}, points["govai"]
    assert "HIDDEN-SEEN" not in printed["govai"] and "clean" in printed["govai"]
    assert all(v > 0 for v in points["nbclient"].values()), points["nbclient"]   # the cheat works unsandboxed
    assert "HIDDEN-SEEN" in printed["nbclient"]
    # both runs are recorded with their engine; only the sandboxed one is evidence for readiness
    for engine_name in run.ENGINES:
        db = ResultsDB(tmp_path / f"{engine_name}.sqlite")
        [row] = db.runs(complete_only=False)
        assert row["engine"] == engine_name and row["status"] == "complete"
        evidence = db.latest_items("cheat-1")
        assert (len(evidence) > 0) == (engine_name == run.SANDBOXED), (engine_name, len(evidence))
        assert bool(db.runs()) == (engine_name == run.SANDBOXED)


def test_run_help_is_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    from govai import cli

    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = capsys.readouterr().out
    assert "學員代號" in text and "learner id" in text and "--workers" in text
    assert "--engine" in text and "沒有沙箱" in text and "UNSANDBOXED" in text


def test_self_checks_in_lessons_reach_the_graded_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real learner flow: self-checks and a hint in a lesson, then `govai run`; nothing written by the demo."""
    from govai.exercises import module1 as ex

    src, rel = tmp_path / "source", tmp_path / "release"
    shutil.copytree(REPO / "source" / TRACK, src / TRACK)
    shutil.copytree(REPO / "release" / TRACK, rel / TRACK)
    master_path = src / TRACK / f"{TRACK}.ipynb"
    master = nbformat.read(master_path, as_version=4)
    tests = [c for c in master.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
             and not c.metadata["nbgrader"].get("solution")]
    problem = ex.q1
    tests[0].metadata["govai"]["practised_by"] = [problem.id]
    for cell in tests[1:]:
        cell.metadata["govai"].pop("practised_by", None)
    nbformat.write(master, master_path)
    store = tmp_path / "progress.sqlite"
    monkeypatch.setenv("GOVAI_PROGRESS_DB", str(store))
    monkeypatch.setenv("GOVAI_LEARNER", "flow-1")
    answer = dict(zip(problem.var_names, problem._as_tuple(problem._wrong), strict=True))
    problem.check(answer)                               # wrong first
    problem.hint()
    problem.check(dict(zip(problem.var_names, problem._as_tuple(problem._correct), strict=True)))
    person = demo.SyntheticLearner("flow-1", "合成 丙", "C", "中等", "合成機關丙", optional=False)
    folders = demo.build_workdirs([person], tmp_path / "out", src, rel)
    db = tmp_path / "results.sqlite"
    record = run.run_learner("flow-1", "C", folders["flow-1"], db=str(db), src=src, progress_path=store)
    rows = {r["grade_id"]: r for r in ResultsDB(db).run_rows(record.run_id)}
    first = rows[tests[0].metadata["nbgrader"]["grade_id"]]
    assert (first["attempts"], first["hints"]) == (2, 1)
    assert all(r["attempts"] == 0 and r["hints"] == 0 for gid, r in rows.items() if r is not first)
