"""The results database: atomic runs (a kill in the middle leaves the last complete run), URLs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from govai.course.items import Item, ItemResult
from govai.records.results import NotebookOutcome, ResultsDB, RunRecord, normalise_url

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from govai.records import results
    from govai.course.items import Item, ItemResult
    from govai.records.results import NotebookOutcome, ResultsDB, RunRecord

    url, marker = sys.argv[1], Path(sys.argv[2])

    def record(run_id, notebooks):
        return RunRecord(run_id=run_id, learner="k1", route="C", started_at=results.now_iso(), notebooks=[
            NotebookOutcome(f"t{n}/t{n}.ipynb", f"t{n}", "ok", notebook_hash="h" * 64, items=[
                ItemResult(Item(f"t{n}", f"t{n}/t{n}.ipynb", f"q{i}", f"t{n}.q{i}", 1.0, competencies=("風險辨識",)),
                           1.0) for i in range(5)])
            for n in range(notebooks)])

    db = ResultsDB(url)
    db.write_run(record("run-complete", 2))

    def hang(n):
        if n == 1:
            marker.write_text("inside")
            time.sleep(120)

    results._after_notebook_rows = hang
    db.write_run(record("run-killed", 4))
""")


def _record(run_id: str, learner: str = "u1", points: float = 1.0) -> RunRecord:
    return RunRecord(run_id=run_id, learner=learner, route="B", started_at="2026-11-26T00:00:00+00:00",
                     notebooks=[NotebookOutcome("m/m.ipynb", "m", "ok", notebook_hash="a" * 64, items=[
                         ItemResult(Item("m", "m/m.ipynb", "q1", "m.q1", 2.0, competencies=("模型訓練",),
                                         domains=("aws-mla-c01/D2",)), points)])])


def _kill_in_the_middle(url: str, tmp_path: Path) -> ResultsDB:
    marker = tmp_path / "inside"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), url, str(marker)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "writer exited early"
            assert time.monotonic() < deadline, "writer never reached the middle of the run"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)          # killed with rows of the second run written, uncommitted
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    return ResultsDB(url)


@pytest.mark.slow
def test_kill_in_the_middle_keeps_the_last_complete_run_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    db = _kill_in_the_middle(url, tmp_path)
    assert [r["run_id"] for r in db.runs(complete_only=False)] == ["run-complete"]
    assert db.count("results") == 10 and db.count("notebook_runs") == 2
    assert {r["run_id"] for r in db.latest_items("k1")} == {"run-complete"}
    with db.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    db.write_run(_record("after", "k1"))          # the database is still writable
    assert [r["run_id"] for r in db.runs("k1")] == ["run-complete", "after"]


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_in_the_middle_keeps_the_last_complete_run_postgresql(postgres_url: str, tmp_path: Path) -> None:
    db = _kill_in_the_middle(postgres_url, tmp_path)
    deadline = time.monotonic() + 20
    while len(db.runs(complete_only=False)) > 1 and time.monotonic() < deadline:
        time.sleep(0.2)   # the server notices the dead connection and rolls back
    assert [r["run_id"] for r in db.runs(complete_only=False)] == ["run-complete"]
    assert db.count("results") == 10
    db.write_run(_record("after", "k1"))
    assert [r["run_id"] for r in db.runs("k1")] == ["run-complete", "after"]
    db.close()


def test_history_and_latest_items(tmp_path: Path) -> None:
    db = ResultsDB(tmp_path / "h.sqlite")
    first, second = _record("r1", points=0.0), _record("r2", points=2.0)
    second.finished_at = "2099-01-01T00:00:00+00:00"
    db.write_run(first)
    db.write_run(second)
    assert [r["run_id"] for r in db.runs("u1")] == ["r1", "r2"]
    latest = db.latest_items("u1")
    assert len(latest) == 1 and latest[0]["run_id"] == "r2" and latest[0]["passed"]
    assert latest[0]["competencies"] == ["模型訓練"] and latest[0]["domains"] == ["aws-mla-c01/D2"]
    assert db.learners()[0]["learner"] == "u1"


def _database_without_engine_column(url: str) -> None:
    """A results database as written before runs had an engine column, holding one complete run."""
    from sqlalchemy import create_engine, text

    db = ResultsDB(url)
    db.write_run(_record("old-run", "o1"))
    db.close()
    old = create_engine(url)
    with old.begin() as con:
        con.execute(text("ALTER TABLE runs DROP COLUMN engine"))
    old.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_runs_record_their_engine_and_unsandboxed_ones_are_not_evidence(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'e.sqlite'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    _database_without_engine_column(url)
    db = ResultsDB(url)                            # an older database gains the column; its runs still count
    assert [(r["run_id"], r["engine"]) for r in db.runs("o1")] == [("old-run", None)]
    sandboxed, trusted = _record("govai-run", "e1"), _record("nbclient-run", "e2")
    sandboxed.engine, trusted.engine = "govai", "nbclient"
    db.write_run(sandboxed)
    db.write_run(trusted)
    assert [r["engine"] for r in db.runs("e2", complete_only=False)] == ["nbclient"]
    assert db.runs("e2") == [] and db.latest_items("e2") == []
    assert {row[0] for rows in db.latest_rows() for row in rows} == {"o1", "e1"}
    assert {r["learner"] for r in db.cohort_learners()} == {"o1", "e1"}
    db.close()


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    db = ResultsDB(tmp_path / "f.sqlite")
    db.write_run(_record("r1"))
    with pytest.raises(IntegrityError):
        db.write_run(_record("r1"))            # duplicate run id: the whole transaction rolls back
    assert db.count("results") == 1 and db.count("runs") == 1


def test_url_normalisation(tmp_path: Path) -> None:
    assert normalise_url(tmp_path / "x.sqlite") == f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///a.db") == "sqlite:///a.db"
