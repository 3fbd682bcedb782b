"""`govai run`: execute a learner's graded notebooks with papermill and record the results.

For every track of the learner's route (``catalog.route(X).tracks``, plus the route's optional
tracks when the learner has them in the work folder) and every master notebook in
``source/<track>/``, the runner takes the learner's copy at ``WORKDIR/<track>/<name>.ipynb`` and runs
it with papermill's ``govai`` engine (:mod:`govai.grading.papermill_engine`), which executes it
exactly as `govai grade` does:

    papermill.execute_notebook(learner_nb, engine_name="govai", master=…) → engine.score

The engine composes the notebook with its master, runs the learner's cells in the grader's sandbox
(one pre-forked zygote per worker thread) and the master's tests in the judge, outside it; the
scores are nbgrader's ``determine_grade`` on the judge's verdicts, as in `govai grade`. Parameters
(``learner_id``, ``route``, ``run_id``) are injected through the master's ``parameters`` cell, and
papermill records its own run metadata in ``nb.metadata.papermill``. Failing cells are allowed
(papermill raises ``PapermillExecutionError`` after writing the output; the runner reads the written
notebook and scores it). A notebook that cannot be executed at all (unreadable file, no sandbox) is
recorded as ``failed`` with its error and every item at 0 points; the rest of the run goes on.
Attempts and hints come from the learner's progress store. The whole run is then written to the
results database in one transaction (see ``govai.records.results``).

``--engine nbclient`` runs papermill's default engine instead: the composed notebook in an ordinary
Jupyter kernel, hidden tests included, **without any sandbox** — the learner's code can read and
defeat the tests there. It exists to compare the two (``bench/run_bench.py``) and to run notebooks
whose authors are trusted; results meant for readiness come from the ``govai`` engine.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.course.items import ItemResult, totals
from govai.course.masters import items_of, master_paths
from govai.records.results import UNSANDBOXED_ENGINES, NotebookOutcome, ResultsDB, RunRecord, now_iso

# Seconds one cell of a learner's notebook may run under `govai run` (its --timeout); lessons and
# assignments are written to finish each cell well inside it.
CELL_TIMEOUT = 60
# Seconds a kernel (or the govai engine's sandbox) may take to start before the notebook fails.
KERNEL_START_TIMEOUT = 60

INJECTABLE = ("learner_id", "route", "run_id")
SANDBOXED = "govai"          # papermill engine name of govai.grading.papermill_engine
UNSANDBOXED = UNSANDBOXED_ENGINES[0]  # papermill's default engine: its results are recorded, never evidence
ENGINES = (SANDBOXED, UNSANDBOXED)


@dataclass
class NotebookTask:
    """One notebook to execute and score: picklable, so it can run in a worker process."""

    learner: str
    route: str
    run_id: str
    track: str
    master_path: Path
    learner_path: Path | None
    out_path: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    cell_timeout: int = CELL_TIMEOUT
    engine: str = SANDBOXED
    preload: tuple[str, ...] = ()     # the zygote's imports: one list for the whole run (one zygote per worker)
    hide: tuple[str, ...] = ()        # never visible inside the sandbox (the masters' folder)

    @property
    def notebook(self) -> str:
        return f"{self.track}/{self.master_path.name}"


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def route_tracks(route: str, workdir: Path, cat: catalog_mod.Catalog | None = None) -> list[str]:
    """The route's tracks, then its optional tracks that the learner has in the work folder."""
    cat = cat or catalog_mod.default()
    r = cat.route(route)
    tracks = list(r.tracks)
    for step in r.optional:
        if step.track not in tracks and (Path(workdir) / step.track).is_dir():
            tracks.append(step.track)
    return tracks


def parameter_names(master: Any) -> set[str]:
    """Names assigned in the master's ``parameters`` cell."""
    for cell in master.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return set()
            return {t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
    return set()


def plan(learner: str, route: str, workdir: Path, *, run_id: str | None = None, out_dir: Path | None = None,
         src: Path | None = None, cell_timeout: int = CELL_TIMEOUT, engine: str = SANDBOXED,
         cat: catalog_mod.Catalog | None = None) -> list[NotebookTask]:
    """The notebooks of one run; assignments outside the route are ignored."""
    if engine not in ENGINES:
        raise ValueError(f"未知的執行引擎 {engine!r}，可用：{', '.join(ENGINES)} / unknown engine")
    workdir = Path(workdir)
    run_id = run_id or new_run_id()
    from govai.paths import var_dir

    out_root = Path(out_dir) if out_dir else var_dir() / "runs"
    tracks = route_tracks(route, workdir, cat)
    by_track: dict[str, list[Path]] = {}
    for track, path in master_paths(src):
        by_track.setdefault(track, []).append(path)
    preload: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    if engine == SANDBOXED:
        preload, hide = sandbox_settings(src)
    tasks = []
    for track in tracks:
        for master_path in by_track.get(track, []):   # a track whose master is not written yet is skipped
            mine = workdir / track / master_path.name
            tasks.append(NotebookTask(
                learner=learner, route=route, run_id=run_id, track=track, master_path=master_path,
                learner_path=mine if mine.exists() else None,
                out_path=out_root / _safe(learner) / run_id / track / master_path.name,
                parameters={"learner_id": learner, "route": route, "run_id": run_id},
                cell_timeout=cell_timeout, engine=engine, preload=preload, hide=hide,
            ))
    return tasks


_settings: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def sandbox_settings(src: Path | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(preload, hide) for every master of ``src``: what the zygote imports, what it never sees."""
    from papermill.engines import papermill_engines

    paths = [p for _track, p in master_paths(src)]
    key = "\0".join(f"{p.resolve()}:{p.stat().st_mtime_ns}" for p in paths)
    if key not in _settings:
        preload = papermill_engines.get_engine(SANDBOXED).course_preload(p.read_text(encoding="utf-8") for p in paths)
        hide = sorted({str(p.resolve().parent.parent) for p in paths})     # the source/ folders
        _settings[key] = (tuple(preload), tuple(hide))
    return _settings[key]


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "learner"


@contextlib.contextmanager
def _kernel_stderr_to(path: Path) -> Iterator[None]:
    """Kernels inherit fd 2: send their start-up chatter to a log file, not the learner's terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _zero_items(master: Any, task: NotebookTask, error: str) -> list[ItemResult]:
    return [ItemResult(it, 0.0, error) for it in items_of(master, task.track, task.master_path.name)]


def execute_task(task: NotebookTask) -> NotebookOutcome:
    """papermill (govai engine: compose, sandbox, judge) → score for one notebook; never raises for a
    learner's mistake."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from govai.grading import engine

    started = time.monotonic()
    master = engine.read_notebook(task.master_path)
    if task.learner_path is None:
        return NotebookOutcome(task.notebook, task.track, "missing",
                               error="找不到學員的筆記本 / learner's notebook not found")
    nb_hash = None
    try:
        learner_nb = engine.read_notebook(task.learner_path)
        nb_hash = engine.notebook_hash(learner_nb)
        run_metadata = {"run_id": task.run_id, "learner": task.learner, "route": task.route,
                        "learner_sha256": nb_hash}
        names = parameter_names(master)
        params = {k: v for k, v in task.parameters.items() if k in names}
        task.out_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if task.engine == SANDBOXED:
                _run_sandboxed(task, params, run_metadata)
            else:
                _run_unsandboxed(task, learner_nb, master, params, run_metadata)
        except PapermillExecutionError:
            pass   # failing cells: papermill wrote the output first; it is scored below
        executed = nbformat.read(str(task.out_path), as_version=4)
        items = engine.score(executed, master, task.notebook)
    except Exception as exc:  # noqa: BLE001 - unreadable notebook, no sandbox, …: recorded, the run goes on
        message = f"筆記本無法執行 / notebook failed: {type(exc).__name__}: {exc}"[:1000]
        return NotebookOutcome(task.notebook, task.track, "failed", error=message,
                               duration=time.monotonic() - started, notebook_hash=nb_hash,
                               items=_zero_items(master, task, message))
    return NotebookOutcome(task.notebook, task.track, "ok", duration=time.monotonic() - started,
                           notebook_hash=nb_hash, output_path=str(task.out_path), items=items)


def _run_sandboxed(task: NotebookTask, params: dict[str, Any], run_metadata: dict[str, Any]) -> None:
    """The learner's file through papermill's govai engine (paths absolute: the judge changes the
    process's working directory while a test runs)."""
    import papermill

    assert task.learner_path is not None
    papermill.execute_notebook(
        str(task.learner_path.resolve()), str(task.out_path.resolve()), parameters=params, engine_name=SANDBOXED,
        kernel_name="python3", progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        master=str(task.master_path.resolve()), workdir=str(task.learner_path.parent.resolve()),
        execution_timeout=task.cell_timeout, preload=list(task.preload) or None, hide=list(task.hide) or None,
        run_metadata=run_metadata,
    )


def _run_unsandboxed(task: NotebookTask, learner_nb: Any, master: Any, params: dict[str, Any],
                     run_metadata: dict[str, Any]) -> None:
    """papermill's default engine on the composed notebook: tests in the learner's own kernel."""
    import papermill

    from govai.grading import engine

    assert task.learner_path is not None
    composed = engine.compose(learner_nb, master)
    composed.metadata.setdefault("govai", {}).update({**run_metadata, "engine": UNSANDBOXED, "sandboxed": False})
    with _kernel_stderr_to(task.out_path.parent / "kernel.log"):
        papermill.execute_notebook(
            composed, str(task.out_path), parameters=params, kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(task.learner_path.parent),
            request_save_on_cell_execute=False,
            start_timeout=KERNEL_START_TIMEOUT, execution_timeout=task.cell_timeout,
            allow_errors=True, interrupt_on_timeout=True,
        )


def execute_tasks(tasks: Sequence[NotebookTask], workers: int = 1,
                  on_done: Callable[[NotebookTask, NotebookOutcome], None] | None = None) -> list[NotebookOutcome]:
    """Execute tasks, ``workers`` at a time in separate processes; results in the tasks' order.

    With the govai engine each worker process keeps its own sandbox, whose zygote forks a fresh
    learner kernel per notebook, and runs the judge itself: one test at a time per process, so the
    tests' working directory (the process's) is never shared, and no worker waits for another's
    interpreter lock. With papermill's default engine each notebook starts its own Jupyter kernel,
    whose start-up chatter on file descriptor 2 goes to a log per notebook. Sandboxes this process
    started (``workers`` ≤ 1) are closed when all are done.
    """
    outcomes: list[NotebookOutcome | None] = [None] * len(tasks)

    def done(i: int, outcome: NotebookOutcome) -> None:
        outcomes[i] = outcome
        if on_done:
            on_done(tasks[i], outcome)

    def lost(i: int, exc: BaseException) -> NotebookOutcome:
        t = tasks[i]
        return NotebookOutcome(t.notebook, t.track, "failed", error=f"執行程序中斷 / worker failed: {exc}"[:1000])

    try:
        if workers <= 1 or len(tasks) <= 1:
            for i, task in enumerate(tasks):
                done(i, execute_task(task))
        else:
            import multiprocessing

            # Sandboxed workers are forked: they start with this process's imports (papermill, the
            # judge, nbgrader's scoring) instead of importing them again, and this process has no
            # sandbox, kernel or socket of its own to inherit. Unsandboxed ones are spawned afresh,
            # as Jupyter kernels and their clients prefer.
            method = "fork" if all(t.engine == SANDBOXED for t in tasks) else "spawn"
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))
            with pool:
                futures = {pool.submit(execute_task, t): i for i, t in enumerate(tasks)}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        done(i, fut.result())
                    except Exception as exc:  # noqa: BLE001 - a worker died: recorded, the rest goes on
                        done(i, lost(i, exc))
    finally:
        if any(t.engine == SANDBOXED for t in tasks):
            from govai.grading import worker

            worker.close_all()
    return outcomes  # type: ignore[return-value]


def attach_progress(outcomes: Sequence[NotebookOutcome], learner: str, progress_path: Path | None = None,
                    src: Path | None = None) -> None:
    """Attempts and hints behind each graded item, from the learner's progress store.

    Learners practise in lessons, whose self-checks record events under their own problem ids
    (``module4.mask_pii``); a graded item names those in ``metadata.govai.practised_by``, so its
    attempts and hints are the sums over them (and over its own id, for a check run on the item).
    """
    from govai.course.masters import all_items
    from govai.exercises import progress

    # A check of the untouched starter (「尚未作答」) is not an attempt at the item.
    summary = progress.summary(learner, progress_path, answered_only=True)
    if not summary:
        return
    practised = {it.exercise: it.practised_by for it in all_items(src)}
    for nb in outcomes:
        for it in nb.items:
            ids = (it.exercise, *practised.get(it.exercise, ()))
            found = [summary[i] for i in dict.fromkeys(ids) if i in summary]
            it.attempts = sum(p.attempts for p in found)
            it.hints = sum(p.hints for p in found)


def build_record(learner: str, route: str, run_id: str, started_at: str, outcomes: Sequence[NotebookOutcome],
                 unit: str | None = None, synthetic: bool = False,
                 progress_path: Path | None = None, src: Path | None = None,
                 engine: str | None = SANDBOXED) -> RunRecord:
    attach_progress(outcomes, learner, progress_path, src)
    return RunRecord(run_id=run_id, learner=learner, route=route, started_at=started_at, finished_at=now_iso(),
                     unit=unit, synthetic=synthetic, notebooks=list(outcomes), engine=engine)


def run_learner(learner: str, route: str, workdir: Path, *, db: ResultsDB | str | None = None,
                workers: int = 1, out_dir: Path | None = None, src: Path | None = None,
                progress_path: Path | None = None, unit: str | None = None, cell_timeout: int = CELL_TIMEOUT,
                synthetic: bool = False, engine: str = SANDBOXED) -> RunRecord:
    """Execute, score and record one learner's run; returns what was written."""
    started = now_iso()
    tasks = plan(learner, route, workdir, out_dir=out_dir, src=src, cell_timeout=cell_timeout, engine=engine)
    run_id = tasks[0].run_id if tasks else new_run_id()
    outcomes = execute_tasks(tasks, workers)
    record = build_record(learner, route, run_id, started, outcomes, unit, synthetic, progress_path, src, engine)
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    database.write_run(record)
    return record


# -- output ---------------------------------------------------------------------------------------


def format_record(record: RunRecord, width: int = 60) -> str:
    score = totals(it for nb in record.notebooks for it in nb.items)
    lines = [f"學員 learner {record.learner}　路線 route {record.route}　執行 run {record.run_id}",
             f"得分 score {score.earned:g} / {score.possible_with_pending:g}"]
    for nb in record.notebooks:
        status = {"ok": "已執行", "failed": "執行失敗", "missing": "未繳交"}[nb.status]
        lines.append(f"  ▸ {nb.notebook}　{status} / {nb.status}" + (f"：{nb.error[:width]}" if nb.error and
                                                                    nb.status != "ok" else ""))
        for it in nb.items:
            mark = "✓" if it.passed else ("…" if it.needs_manual else "✗")
            pts = "待人工評分" if it.points is None else f"{it.points:g}/{it.max_points:g}"
            err = f"  {it.error[:width]}" if it.error and not it.passed and nb.status == "ok" else ""
            lines.append(f"     {mark} {it.exercise:<28} {pts:>7}  嘗試 {it.attempts} 提示 {it.hints}{err}")
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learner", required=True, help="學員代號 / learner id")
    parser.add_argument("--route", required=True, choices=["A", "B", "C"], help="學習路線 / learning route")
    parser.add_argument("--workdir", type=Path, default=Path("."),
                        help="學員作業資料夾，結構同 release/：DIR/<作業>/<筆記本>.ipynb（預設目前資料夾） / "
                             "learner's folder laid out like release/ (default: current folder)")
    parser.add_argument("--db", default=None,
                        help="結果資料庫：SQLite 檔案路徑或 PostgreSQL 網址（預設 var/results.sqlite） / "
                             "results database: SQLite path or PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                        help="同時執行的筆記本數 / notebooks executed in parallel")
    parser.add_argument("--out-dir", type=Path, default=None,
                        help="執行後筆記本的存放處（預設 var/runs/） / where executed notebooks go")
    parser.add_argument("--progress-db", type=Path, default=None,
                        help="學習進度紀錄（預設 ~/.govai/progress.sqlite） / progress store")
    parser.add_argument("--unit", default=None, help="服務機關或單位（供班級報告篩選） / unit, for cohort reports")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="每個儲存格的時間上限（秒） / seconds per cell")
    parser.add_argument("--engine", choices=ENGINES, default=SANDBOXED,
                        help="govai（預設）：與 govai grade 相同的沙箱與評審程序；nbclient：papermill 的預設引擎，"
                             "沒有沙箱，隱藏測試在學員的核心中執行，學員程式可以讀取或破解，只用於可信任的筆記本 / "
                             "govai (default): govai grade's sandbox and judge; nbclient: papermill's default "
                             "engine, UNSANDBOXED (hidden tests run in the learner's kernel), trusted notebooks only")


def run(args: argparse.Namespace) -> int:
    if not Path(args.workdir).is_dir():
        print(f"找不到作業資料夾 {args.workdir} / work folder not found", file=sys.stderr)
        return 2
    tasks = plan(args.learner, args.route, args.workdir, cell_timeout=args.timeout, engine=args.engine)
    if not tasks:
        print(f"路線 {args.route} 目前沒有可評分的作業（source/ 中沒有對應的教師版） / "
              "no graded assignments for this route yet", file=sys.stderr)
        return 1
    db = ResultsDB(args.db)
    record = run_learner(args.learner, args.route, args.workdir, db=db, workers=args.workers,
                         out_dir=args.out_dir, progress_path=args.progress_db, unit=args.unit,
                         cell_timeout=args.timeout, engine=args.engine)
    print(format_record(record))
    print(f"\n已寫入結果資料庫 / recorded in {db.url}")
    failed = [nb.notebook for nb in record.notebooks if nb.status == "failed"]
    if failed:
        print(f"執行失敗的筆記本 / notebooks that failed: {', '.join(failed)}", file=sys.stderr)
    return 0
