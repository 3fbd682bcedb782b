"""The results database: one row per exercise per run, written atomically through SQLAlchemy.

SQLite file by default (``var/results.sqlite``, or ``$GOVAI_RESULTS_DB``), PostgreSQL by URL
(``postgresql://…`` or ``postgresql+psycopg://…``). Three tables:

- ``runs``: one row per run (run id, learner, route, unit, times, package versions, status, and the
  papermill engine that executed it);
- ``notebook_runs``: one row per notebook of a run (executed, failed with its error, or missing);
- ``results``: one row per graded exercise per run (points, max points, passed, error, duration,
  attempts and hints from the progress store, notebook hash, package versions, timestamp, tags).

A run is written in **one transaction**: the run row is inserted as ``running``, every notebook and
result row follows, and the run row is marked ``complete`` last. A crash or a kill before the
commit leaves the database as it was, so the last complete run stays intact; readers only ever
look at complete runs. Re-running adds a new run and keeps the history.

Evidence is what readiness, reports and the cohort read: complete runs executed by a sandboxed
engine. A run by papermill's own engine (``govai run --engine nbclient``: hidden tests in the
learner's kernel, for trusted notebooks) is recorded with its engine and never counts; a run
recorded before the engine column existed counts as it did then.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    event,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)

from govai.course.items import ItemResult

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("run_id", String(64), primary_key=True),
    Column("learner", String(200), nullable=False, index=True),
    Column("route", String(8), nullable=False),
    Column("unit", String(200)),
    Column("status", String(16), nullable=False),          # running → complete
    Column("started_at", String(40), nullable=False),       # ISO 8601, UTC
    Column("finished_at", String(40)),
    Column("package_versions", Text, nullable=False),      # JSON
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("engine", String(16)),                           # papermill engine; None: recorded before it was
)

notebook_runs = Table(
    "notebook_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("notebook", String(400), nullable=False),        # <track>/<name>.ipynb
    Column("track", String(200), nullable=False),
    Column("status", String(16), nullable=False),           # ok | failed | missing
    Column("error", Text),
    Column("duration", Float),
    Column("notebook_hash", String(64)),
    Column("output_path", Text),
)

results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("learner", String(200), nullable=False, index=True),
    Column("route", String(8), nullable=False),
    Column("notebook", String(400), nullable=False),
    Column("track", String(200), nullable=False),
    Column("exercise", String(200), nullable=False),
    Column("grade_id", String(200), nullable=False),
    Column("points", Float),                                # None: needs manual grading
    Column("max_points", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("needs_manual", Boolean, nullable=False, default=False),
    Column("error", Text),
    Column("duration", Float),
    Column("attempts", Integer, nullable=False, default=0),
    Column("hints", Integer, nullable=False, default=0),
    Column("notebook_hash", String(64)),
    Column("package_versions", Text, nullable=False),
    Column("competencies", Text, nullable=False),          # JSON list
    Column("domains", Text, nullable=False),               # JSON list
    Column("recorded_at", String(40), nullable=False),
)

# Test hook: called after each notebook's rows are inserted, inside the open transaction.
_after_notebook_rows: Callable[[int], None] | None = None


# papermill engines whose results are recorded but are not evidence: tests ran in the learner's kernel
UNSANDBOXED_ENGINES = ("nbclient",)


def _evidence() -> ColumnElement[bool]:
    """The runs that count (see the module docstring)."""
    return and_(runs.c.status == "complete",
                or_(runs.c.engine.is_(None), runs.c.engine.not_in(UNSANDBOXED_ENGINES)))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def package_versions() -> dict[str, str]:
    """Versions that change how a notebook runs or is scored."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("govai", "papermill", "nbclient", "nbgrader", "nbformat", "ipykernel"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    return found


def default_url() -> str:
    env = os.environ.get("GOVAI_RESULTS_DB")
    if env:
        return normalise_url(env)
    from govai.paths import var_dir

    return f"sqlite:///{var_dir() / 'results.sqlite'}"


# Seconds a SQLite connection waits for another writer (parallel runner workers, a report reading)
# before failing with "database is locked".
SQLITE_BUSY_TIMEOUT = 30


def normalise_url(url: str | os.PathLike[str]) -> str:
    """A path becomes a SQLite URL; ``postgresql://`` uses psycopg 3."""
    text = str(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


@dataclass
class NotebookOutcome:
    notebook: str                 # <track>/<name>.ipynb
    track: str
    status: str                   # ok | failed | missing
    error: str | None = None
    duration: float | None = None
    notebook_hash: str | None = None
    output_path: str | None = None
    items: list[ItemResult] = field(default_factory=list)


@dataclass
class RunRecord:
    run_id: str
    learner: str
    route: str
    started_at: str
    finished_at: str | None = None
    unit: str | None = None
    synthetic: bool = False
    package_versions: dict[str, str] = field(default_factory=package_versions)
    notebooks: list[NotebookOutcome] = field(default_factory=list)
    engine: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ResultsDB:
    """The results database at ``url`` (SQLite path or URL, PostgreSQL URL); tables are created on open."""

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = normalise_url(url) if url else default_url()
        kwargs: dict[str, Any] = {"future": True}
        if self.url.startswith("sqlite"):
            path = self.url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._add_new_columns()

    def _add_new_columns(self) -> None:
        """Columns added since a database was created (``create_all`` only adds missing tables)."""
        def has_engine() -> bool:
            return "engine" in {c["name"] for c in inspect(self.engine).get_columns("runs")}

        if has_engine():
            return
        try:
            with self.engine.begin() as con:
                con.execute(text("ALTER TABLE runs ADD COLUMN engine VARCHAR(16)"))
        except Exception:
            if not has_engine():                # else another process opening the database added it first
                raise

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ------------------------------------------------------------------------------
    def write_run(self, run: RunRecord) -> None:
        """Write the whole run in one transaction; the run row is marked complete last."""
        versions = json.dumps(run.package_versions, sort_keys=True)
        stamp = now_iso()
        with self.engine.begin() as con:
            con.execute(insert(runs).values(
                run_id=run.run_id, learner=run.learner, route=run.route, unit=run.unit, status="running",
                started_at=run.started_at, finished_at=None, package_versions=versions,
                synthetic=run.synthetic, engine=run.engine,
            ))
            for n, nb in enumerate(run.notebooks):
                con.execute(insert(notebook_runs).values(
                    run_id=run.run_id, notebook=nb.notebook, track=nb.track, status=nb.status, error=nb.error,
                    duration=nb.duration, notebook_hash=nb.notebook_hash, output_path=nb.output_path,
                ))
                # The notebook outcome names where the row belongs, whatever the grader called the item.
                rows = [{**it.to_row(), "run_id": run.run_id, "learner": run.learner, "route": run.route,
                         "notebook": nb.notebook, "track": nb.track, "notebook_hash": nb.notebook_hash,
                         "package_versions": versions, "recorded_at": stamp} for it in nb.items]
                if rows:
                    con.execute(insert(results), rows)
                if _after_notebook_rows is not None:
                    _after_notebook_rows(n)
            con.execute(update(runs).where(runs.c.run_id == run.run_id)
                        .values(status="complete", finished_at=run.finished_at or now_iso()))

    # -- reading ------------------------------------------------------------------------------
    def runs(self, learner: str | None = None, complete_only: bool = True) -> list[dict[str, Any]]:
        q = select(runs)
        if learner is not None:
            q = q.where(runs.c.learner == learner)
        if complete_only:
            q = q.where(_evidence())
        q = q.order_by(runs.c.finished_at, runs.c.started_at)
        with self.engine.connect() as con:
            return [_run_dict(r._mapping) for r in con.execute(q)]

    def run_rows(self, run_id: str) -> list[dict[str, Any]]:
        q = select(results).where(results.c.run_id == run_id).order_by(results.c.id)
        with self.engine.connect() as con:
            return [_row_dict(r._mapping) for r in con.execute(q)]

    def notebook_rows(self, run_id: str) -> list[dict[str, Any]]:
        q = select(notebook_runs).where(notebook_runs.c.run_id == run_id).order_by(notebook_runs.c.id)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(q)]

    def latest_run(self, learner: str) -> dict[str, Any] | None:
        found = self.runs(learner)
        return found[-1] if found else None

    def learners(self) -> list[dict[str, Any]]:
        """Every learner with a complete run: id, route and unit of their latest run."""
        latest: dict[str, dict[str, Any]] = {}
        for run in self.runs():
            latest[run["learner"]] = run
        return sorted(latest.values(), key=lambda r: r["learner"])

    def latest_items(self, learner: str | None = None) -> list[dict[str, Any]]:
        """Per learner, notebook and graded cell, the row of the newest complete run that has it."""
        q = (select(results, runs.c.finished_at, runs.c.unit, runs.c.synthetic)
             .join(runs, runs.c.run_id == results.c.run_id)
             .where(_evidence()))
        if learner is not None:
            q = q.where(results.c.learner == learner)
        q = q.order_by(runs.c.finished_at, results.c.id)
        latest: dict[tuple[str, str, str], dict[str, Any]] = {}
        with self.engine.connect() as con:
            for r in con.execute(q):
                row = _row_dict(r._mapping)
                latest[(row["learner"], row["notebook"], row["grade_id"])] = row
        return list(latest.values())

    # -- set-wise reads (a whole cohort in a few queries; see readiness.cohort) -------------------
    def _latest_results(self, unit: str | None = None, learners: Any = None) -> Any:
        """Subquery: every learner's newest complete row per notebook and graded cell (``rn = 1``)."""
        from sqlalchemy import func

        rn = func.row_number().over(
            partition_by=(results.c.learner, results.c.notebook, results.c.grade_id),
            order_by=(runs.c.finished_at.desc(), results.c.id.desc())).label("rn")
        q = (select(results.c.learner, results.c.notebook, results.c.track, results.c.exercise,
                    results.c.grade_id, results.c.points, results.c.max_points, results.c.passed,
                    results.c.needs_manual, results.c.duration, results.c.attempts, results.c.hints, rn)
             .join(runs, runs.c.run_id == results.c.run_id).where(_evidence()))
        if unit is not None:
            q = q.where(runs.c.unit == unit)
        if learners is not None:
            q = q.where(results.c.learner.in_(learners))
        return q.subquery()

    #: The columns of every row :meth:`latest_rows` yields, in order.
    LATEST_COLUMNS = ("learner", "item", "track", "exercise", "points", "max_points", "passed", "needs_manual",
                      "duration", "attempts", "hints")

    def latest_rows(self, learners: Sequence[str] | None = None, chunk: int = 100_000
                    ) -> Iterable[Sequence[Any]]:
        """Chunks of every learner's latest row per graded cell, as tuples of :attr:`LATEST_COLUMNS`.

        Only ``learners``' rows when given (a unit's cohort: its learners' rows from every run, as each
        learner's own readiness has them). ``item`` is ``notebook|grade_id``; rows waiting for manual
        grading are included (``needs_manual``) with points 0, so one read serves readiness (auto-graded
        rows) and the item analysis (all rows). Most learners have one complete run, whose rows are
        simply all theirs: those are read by a plain scan, and only learners with several runs go
        through the window that picks the newest row per graded cell (sorting millions of rows is what
        would make a national cohort slow). Read through the driver's own cursor (no ORM rows).
        """
        from sqlalchemy import func, literal

        def columns(cols: Any) -> list[Any]:
            return [cols.learner, cols.notebook + literal("|") + cols.grade_id, cols.track, cols.exercise,
                    func.coalesce(cols.points, 0.0), cols.max_points, cols.passed, cols.needs_manual,
                    cols.duration, cols.attempts, cols.hints]

        several = (select(runs.c.learner).where(_evidence())
                   .group_by(runs.c.learner).having(func.count() > 1))
        single = (select(*columns(results.c)).join(runs, runs.c.run_id == results.c.run_id)
                  .where(_evidence(), results.c.learner.not_in(several)))
        if learners is not None:
            several = several.where(runs.c.learner.in_(list(learners)))
            single = single.where(results.c.learner.in_(list(learners)))
        sub = self._latest_results(None, learners=several)
        multi = select(*columns(sub.c)).where(sub.c.rn == 1)
        yield from self._stream(single, multi, chunk=chunk)

    def _stream(self, *queries: Any, chunk: int = 100_000) -> Iterable[Sequence[Any]]:
        """Chunks of plain tuples of each query in turn, through the driver's own cursor (no ORM rows)."""
        with self.engine.connect() as con:
            raw = con.connection.dbapi_connection
            assert raw is not None
            for n, q in enumerate(queries):
                sql = str(q.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
                # PostgreSQL streams through a named (server-side) cursor; SQLite's cursor is lazy anyway.
                cursor = raw.cursor(name=f"govai_stream_{n}") if self.engine.dialect.name == "postgresql" \
                    else raw.cursor()
                try:
                    cursor.execute(sql)
                    while rows := cursor.fetchmany(chunk):
                        yield rows
                finally:
                    cursor.close()

    def cohort_learners(self, unit: str | None = None) -> list[dict[str, Any]]:
        """Every learner with a complete run (of ``unit``, judged by the newest run), sorted by id: learner,
        route, unit and finished_at of the newest complete run — :meth:`learners` without the columns a
        cohort does not show, read as plain tuples."""
        q = (select(runs.c.learner, runs.c.route, runs.c.unit, runs.c.finished_at)
             .where(_evidence()).order_by(runs.c.finished_at, runs.c.started_at))
        latest: dict[str, tuple[Any, ...]] = {}
        for rows in self._stream(q):
            latest.update((row[0], row) for row in rows)      # the newest run comes last
        return [{"learner": a, "route": b, "unit": c, "finished_at": d} for a, b, c, d in
                (latest[k] for k in sorted(latest)) if unit is None or c == unit]

    def item_stats(self, unit: str | None = None) -> list[dict[str, Any]]:
        """Per exercise over the latest rows: n, passes, mean hints, attempts and seconds, points."""
        from sqlalchemy import Integer as _Int
        from sqlalchemy import cast, func

        sub = self._latest_results(unit)
        q = (select(sub.c.exercise, func.min(sub.c.track).label("track"), func.count().label("n"),
                    func.sum(cast(sub.c.passed, _Int)).label("passed"),
                    func.avg(sub.c.hints).label("mean_hints"), func.avg(sub.c.attempts).label("mean_attempts"),
                    func.avg(sub.c.duration).label("mean_seconds"),
                    func.sum(func.coalesce(sub.c.points, 0.0)).label("earned"),
                    func.sum(sub.c.max_points).label("possible"))
             .where(sub.c.rn == 1).group_by(sub.c.exercise).order_by(sub.c.exercise))
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(q)]

    def track_scores(self, unit: str | None = None) -> dict[str, tuple[float, float]]:
        """Per track: points earned and possible over the latest rows."""
        from sqlalchemy import func

        sub = self._latest_results(unit)
        q = (select(sub.c.track, func.sum(func.coalesce(sub.c.points, 0.0)), func.sum(sub.c.max_points))
             .where(sub.c.rn == 1).group_by(sub.c.track))
        with self.engine.connect() as con:
            return {track: (float(e or 0), float(p or 0)) for track, e, p in con.execute(q)}

    def latest_notebook_status(self, unit: str | None = None, learners: Sequence[str] | None = None
                               ) -> list[tuple[str, str, str]]:
        """(learner, track, status) of every learner's newest complete run of each notebook (only runs of
        ``unit``, only ``learners``, when given)."""
        from sqlalchemy import func

        rn = func.row_number().over(partition_by=(runs.c.learner, notebook_runs.c.notebook),
                                    order_by=(runs.c.finished_at.desc(), notebook_runs.c.id.desc())).label("rn")
        q = (select(runs.c.learner, notebook_runs.c.track, notebook_runs.c.status, rn)
             .join(runs, runs.c.run_id == notebook_runs.c.run_id).where(_evidence()))
        if unit is not None:
            q = q.where(runs.c.unit == unit)
        if learners is not None:
            q = q.where(runs.c.learner.in_(list(learners)))
        sub = q.subquery()
        return [row for rows in self._stream(select(sub.c.learner, sub.c.track, sub.c.status).where(sub.c.rn == 1))
                for row in rows]

    def latest_notebooks(self, learner: str | None = None) -> list[dict[str, Any]]:
        """Per learner and notebook, the outcome in the newest complete run that has it."""
        q = (select(notebook_runs, runs.c.learner, runs.c.route, runs.c.unit, runs.c.finished_at)
             .join(runs, runs.c.run_id == notebook_runs.c.run_id)
             .where(_evidence()))
        if learner is not None:
            q = q.where(runs.c.learner == learner)
        q = q.order_by(runs.c.finished_at, notebook_runs.c.id)
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        with self.engine.connect() as con:
            for r in con.execute(q):
                row = dict(r._mapping)
                latest[(row["learner"], row["notebook"])] = row
        return list(latest.values())

    def count(self, table: str = "results") -> int:
        from sqlalchemy import func

        tbl = metadata.tables[table]
        with self.engine.connect() as con:
            return int(con.execute(select(func.count()).select_from(tbl)).scalar_one())


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _run_dict(m: Any) -> dict[str, Any]:
    d = dict(m)
    d["package_versions"] = json.loads(d["package_versions"] or "{}")
    return d


def _row_dict(m: Any) -> dict[str, Any]:
    d = dict(m)
    for key in ("competencies", "domains"):
        if isinstance(d.get(key), str):
            d[key] = json.loads(d[key])
    if isinstance(d.get("package_versions"), str):
        d["package_versions"] = json.loads(d["package_versions"])
    return d


def open_db(url: str | os.PathLike[str] | None = None) -> ResultsDB:
    return ResultsDB(url)

