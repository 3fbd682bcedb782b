"""`govai grade`: nbgrader-compatible batch grading that is fast, isolated and loses nothing.

Layout and records are nbgrader's: submissions are read from ``submitted/<student>/<assignment>/``,
executed notebooks are written to ``autograded/`` and scores to nbgrader's gradebook through
``nbgrader.api`` models, so ``nbgrader formgrader``, ``generate_feedback`` and ``export`` work on
the results. An assignment missing from the gradebook is registered from ``source/`` by nbgrader's
own ``generate_assignment`` (same checksums); unknown students are created.

Design: tests never run in the learner's process
------------------------------------------------
In ``nbgrader autograde`` the hidden tests run in the same kernel as the learner's code, so that code
can read them (``In``, event hooks, input transformers) and make them pass without earning it:
patching ``showtraceback``, the kernel's reply, ``AssertionError``, ``builtins.sorted``, numpy's or
pandas' testing helpers, or returning an object whose ``__eq__`` is always true. A nonce check
appended to the tests does not help while the learner's code can rewrite the cell before it runs.

govai splits execution in two (:mod:`govai.grading.judge`):

1. **Learner kernel** (:mod:`govai.sandbox`, :mod:`govai.grading.kernel`): the learner's answers, extra
   cells and the master's read-only cells run in an IPython shell inside a per-submission sandbox
   (bubblewrap; own PID/IPC/mount namespaces, no network, no course files, unprivileged uid,
   rlimits). Hidden tests are never sent there.
2. **Judge**: each test cell from the master runs in the grader in a namespace built for it, with the
   judge's own builtins and modules. The names it uses are fetched from the learner kernel as
   *data* (exact builtin types, numpy arrays, pandas frames; :mod:`govai.grading.wire` decodes them
   strictly). Learner functions and other objects become proxies: calling one runs the learner's
   function in the sandbox and brings back data. A proxy equals only itself, so an always-equal
   object compares unequal; patched helpers, hooks and transformers live in a process the tests
   never touch. Whatever the learner kernel answers is at most a different *answer*, which the
   learner could have written directly; only the tests decide. Afterwards the test's visible part
   also runs in the learner kernel so names it defines are there for later cells, as in Jupyter.

Scores then come from nbgrader's own ``determine_grade`` (:func:`govai.engine.score`), so partial
credit and cells needing manual grading follow nbgrader's rules.

Nothing lost: every submission is written in one database transaction together with a digest of
what was graded (table ``govai_graded``); executed notebooks are written to a temporary folder and
renamed into ``autograded/`` before that commit. Killed at any moment and run again, every
submission is graded exactly once; an unchanged submission graded before is skipped (``--force``
regrades).

Speed: each worker thread owns a sandbox whose zygote has IPython and the course's imports loaded
and forks one kernel per submission, the next one started ahead of need.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govai.errors import GovaiError

DEFAULT_PRELOAD = ("numpy", "pandas")


@dataclass
class Submission:
    student: str
    path: Path
    notebooks: dict[str, bytes | None]
    files: dict[str, bytes]
    timestamp: _dt.datetime | None
    digest: str


@dataclass
class Outcome:
    student: str
    status: str                      # graded / skipped / failed
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    reason: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)


# -- discovery ----------------------------------------------------------------------------------


def default_course() -> Path:
    cwd = Path.cwd()
    if (cwd / "source").is_dir() or (cwd / "nbgrader_config.py").exists():
        return cwd
    from govai.paths import repo_root

    return repo_root()


def _files_under(root: Path) -> dict[str, bytes]:
    """Regular files under ``root``; symbolic links are never followed (a submission could point one at
    the master notebook, the gradebook or another learner's work, which the grader can read)."""
    out: dict[str, bytes] = {}
    if not root.is_dir() or root.is_symlink():
        return out
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__"
                             and not (here / d).is_symlink())
        for name in sorted(filenames):
            p = here / name
            if name.startswith(".") or p.is_symlink() or not p.is_file():
                continue
            if real_root not in p.resolve().parents:
                continue
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def masters(course: Path, assignment: str) -> dict[str, str]:
    src = course / "source" / assignment
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(src.glob("*.ipynb"))}


def preload_modules(master_texts: dict[str, str]) -> list[str]:
    """Top-level modules the masters import (and numpy/pandas), if installed: loaded once per worker."""
    names: list[str] = list(DEFAULT_PRELOAD)
    for text in master_texts.values():
        try:
            cells = json.loads(text).get("cells", [])
        except ValueError:
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            src = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else cell.get("source", "")
            try:
                tree = ast.parse(src)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names += [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.append(node.module.split(".")[0])
    out = []
    for n in dict.fromkeys(names):
        try:
            if importlib.util.find_spec(n) is not None:
                out.append(n)
        except (ImportError, ValueError):
            continue
    return out


def _timestamp(path: Path) -> _dt.datetime | None:
    ts = path / "timestamp.txt"
    if not ts.exists():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(ts.read_text(encoding="utf-8").strip())
    except Exception:  # noqa: BLE001 - nbgrader ignores unreadable timestamps too
        return None


def find_submissions(course: Path, assignment: str, master_names: list[str], master_digest: str,
                     students: list[str] | None) -> list[Submission]:
    subs = []
    root = course / "submitted"
    if not root.is_dir():
        return subs
    source_files = {k: v for k, v in _files_under(course / "source" / assignment).items()
                    if not k.endswith(".ipynb")}
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        student = student_dir.name
        if students and student not in students:
            continue
        path = student_dir / assignment
        if not path.is_dir():
            continue
        files = _files_under(path)
        notebooks = {name: files.get(f"{name}.ipynb") for name in master_names}
        extra = {k: v for k, v in files.items() if not k.endswith(".ipynb") and k != "timestamp.txt"}
        extra.update(source_files)           # nbgrader overwrites data files with the master versions
        h = hashlib.sha256(master_digest.encode())
        for rel in sorted(files):
            h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
        subs.append(Submission(student, path, notebooks, extra, _timestamp(path), h.hexdigest()))
    return subs


# -- writing ------------------------------------------------------------------------------------


def write_autograded(course: Path, assignment: str, sub: Submission, executed: dict[str, str]) -> None:
    """autograded/<student>/<assignment>/: submitted files, master data files, executed notebooks."""
    final = course / "autograded" / sub.student / assignment
    if final.parent.exists():             # left behind by a grader that was killed while writing
        for stale in final.parent.glob(f".{assignment}.govai-*"):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = final.parent / f".{assignment}.govai-{os.getpid()}"
    tmp.mkdir(parents=True)
    for rel, data in _files_under(sub.path).items():
        if not rel.endswith(".ipynb"):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
    for rel, data in sub.files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(data)
    for name, text in executed.items():
        (tmp / f"{name}.ipynb").write_text(text, encoding="utf-8")
    old = final.parent / f".{assignment}.govai-old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


# -- running ------------------------------------------------------------------------------------


def _summarise(result: dict[str, Any]) -> tuple[float, float]:
    got = total = 0.0
    for nb in result["notebooks"].values():
        for item in nb.get("items", []):
            got += item["points"] or 0.0
            total += item["max_points"]
    return got, total


class Grader:
    def __init__(self, course: Path, assignment: str, db_url: str, workers: int, timeout: float,
                 executor: str = "local", scheduler: str | None = None, students: list[str] | None = None,
                 force: bool = False, progress: bool = True) -> None:
        self.course, self.assignment, self.db_url = course.resolve(), assignment, db_url
        self.workers, self.timeout, self.executor, self.scheduler = max(1, workers), timeout, executor, scheduler
        self.students, self.force, self.progress = students, force, progress

    def config(self, master_texts: dict[str, str], checksums: dict[str, dict[str, str]]) -> dict[str, Any]:
        hide = [str(self.course)]
        if self.db_url.startswith("sqlite:///"):
            hide.append(str(Path(self.db_url[len("sqlite:///"):]).resolve().parent))
        return {"masters": master_texts, "checksums": checksums, "timeout": self.timeout,
                "preload": preload_modules(master_texts), "limits": {}, "hide": hide}

    def run(self) -> list[Outcome]:
        from govai.grading import gradebook

        src = self.course / "source" / self.assignment
        master_texts = masters(self.course, self.assignment)
        if not master_texts:
            raise GovaiError(f"找不到作業 {self.assignment} 的教師版筆記本：{src} / no master notebooks in {src}")
        info = gradebook.ensure_assignment(self.course, self.assignment, self.db_url)
        master_digest = hashlib.sha256(json.dumps([master_texts, info.checksums], sort_keys=True).encode()).hexdigest()
        subs = find_submissions(self.course, self.assignment, list(master_texts), master_digest, self.students)
        done = gradebook.graded_digests(self.db_url, self.assignment)
        outcomes: list[Outcome] = []
        todo: list[Submission] = []
        for sub in subs:
            if (not self.force and done.get(sub.student) == sub.digest
                    and (self.course / "autograded" / sub.student / self.assignment).is_dir()):
                outcomes.append(Outcome(sub.student, "skipped", reason="未變更，已評分 / unchanged"))
            else:
                todo.append(sub)
        if todo:
            outcomes += self._grade(todo, self.config(master_texts, info.checksums), info.course_id)
        return sorted(outcomes, key=lambda o: o.student)

    def _grade(self, todo: list[Submission], config: dict[str, Any], course_id: str) -> list[Outcome]:
        from tqdm import tqdm

        from govai.grading import gradebook

        outcomes: list[Outcome] = []
        bar = tqdm(total=len(todo), desc=f"評分 grading {self.assignment}", unit="份", disable=not self.progress,
                   file=sys.stderr, dynamic_ncols=True)
        payload = {s.student: {"student": s.student, "notebooks": s.notebooks, "files": s.files,
                               "paths": {n: str(s.path / f"{n}.ipynb") for n in s.notebooks}} for s in todo}
        by_student = {s.student: s for s in todo}
        with gradebook.open_gradebook(self.db_url, course_id=course_id) as gb:
            recorder = gradebook.Recorder(gb)

            def finish(result: dict[str, Any]) -> None:
                sub = by_student[result["student"]]
                outcomes.append(self._store(recorder, sub, result))
                bar.update(1)

            try:
                if self.executor == "dask":
                    self._run_dask(payload, config, finish)
                else:
                    self._run_local(payload, config, finish)
            finally:
                recorder.flush()
        bar.close()
        return outcomes

    def _run_local(self, payload: dict[str, dict[str, Any]], config: dict[str, Any], finish: Any) -> None:
        from concurrent.futures import as_completed

        from govai.grading import worker

        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="govai-grade") as pool:
                futures: list[Future[dict[str, Any]]] = [pool.submit(worker.grade_payload, p, config)
                                                         for p in payload.values()]
                for fut in as_completed(futures):
                    finish(fut.result())
        finally:
            worker.close_all()

    def _run_dask(self, payload: dict[str, dict[str, Any]], config: dict[str, Any], finish: Any) -> None:
        from dask.distributed import Client, as_completed

        from govai.grading import worker

        if not self.scheduler:
            raise GovaiError("--executor dask 需要 --scheduler 位址 / --executor dask needs --scheduler ADDRESS")
        with Client(self.scheduler, timeout=60) as client:
            [cfg] = client.scatter([config], broadcast=True)
            futures = {client.submit(worker.grade_payload, p, cfg, pure=False): s for s, p in payload.items()}
            for fut in as_completed(list(futures)):
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails that submission only
                    result = {"student": futures[fut], "notebooks": {}, "seconds": 0.0,
                              "error": f"Dask 工作失敗 / dask task failed: {exc}"}
                finish(result)

    def _store(self, recorder: Any, sub: Submission, result: dict[str, Any]) -> Outcome:
        from govai.grading import gradebook

        if result.get("error"):
            return Outcome(sub.student, "failed", seconds=result.get("seconds", 0.0), reason=result["error"])
        executed = {n: r["executed"] for n, r in result["notebooks"].items() if not r.get("missing")}
        grades = {}
        for name, r in result["notebooks"].items():
            if r.get("missing"):
                grades[name] = gradebook.NotebookGrades({}, {}, missing=True)
            else:
                grades[name] = gradebook.NotebookGrades({i["grade_id"]: i["points"] for i in r["items"]},
                                                        r["comments"])
        write_autograded(self.course, self.assignment, sub, executed)
        recorder.add(self.assignment, sub.student, sub.timestamp, grades, sub.digest, result.get("seconds", 0.0))
        got, total = _summarise(result)
        missing = [n for n, r in result["notebooks"].items() if r.get("missing")]
        items = [i for r in result["notebooks"].values() for i in r.get("items", [])]
        reason = f"缺少筆記本 missing: {', '.join(missing)}" if missing else ""
        return Outcome(sub.student, "graded", got, total, result.get("seconds", 0.0), reason, items)


# -- CLI ----------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="作業名稱（nbgrader assignment） / assignment name")
    parser.add_argument("--course", type=Path, default=None,
                        help="課程根目錄（含 source/ 與 submitted/；預設目前目錄或本專案） / course root")
    parser.add_argument("--db", default=None,
                        help="成績簿資料庫 URL（預設 sqlite:///<課程>/gradebook.db；可用 PostgreSQL） / gradebook URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="同時評分的份數（預設 CPU 核心數） / submissions graded in parallel")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="每個儲存格的時間上限（秒，預設 120） / per-cell time limit in seconds")
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="local：本機執行緒；dask：分散到 Dask 叢集 / run locally or on a Dask cluster")
    parser.add_argument("--scheduler", default=None, help="Dask 排程器位址 / Dask scheduler address")
    parser.add_argument("--student", nargs="+", default=None, metavar="ID",
                        help="只評這些學員 / only these students")
    parser.add_argument("--force", action="store_true",
                        help="重新評分已評過且未變更的作業 / regrade unchanged submissions")
    parser.add_argument("--no-progress", action="store_true", help="不顯示進度列 / no progress bar")


def summary_table(outcomes: list[Outcome], elapsed: float) -> str:
    status_zh = {"graded": "已評分 graded", "skipped": "略過 skipped", "failed": "失敗 failed"}
    rows = [("學員 student", "狀態 status", "分數 score", "秒 s", "原因 reason")]
    for o in outcomes:
        score = f"{o.score:g}/{o.max_score:g}" if o.score is not None and o.max_score is not None else "-"
        rows.append((o.student, status_zh.get(o.status, o.status), score, f"{o.seconds:.2f}",
                     o.reason.replace("\n", " ")[:200]))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(4)]
        lines.append("  ".join(cells + [r[4]]).rstrip())
    counts = {k: sum(o.status == k for o in outcomes) for k in ("graded", "skipped", "failed")}
    lines.append(f"共 {len(outcomes)} 份：已評分 {counts['graded']}、略過 {counts['skipped']}、失敗 {counts['failed']}；"
                 f"耗時 {elapsed:.1f} 秒 / total {len(outcomes)}: graded {counts['graded']}, "
                 f"skipped {counts['skipped']}, failed {counts['failed']} in {elapsed:.1f}s")
    return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def run(args: argparse.Namespace) -> int:
    from govai.grading.gradebook import ensure_path
    from govai.sandbox import SandboxError

    ensure_path()
    course = (args.course or default_course()).resolve()
    if not (course / "source" / args.assignment).is_dir():
        print(f"找不到 {course / 'source' / args.assignment} / no such assignment in source/", file=sys.stderr)
        return 2
    db_url = args.db or f"sqlite:///{course / 'gradebook.db'}"
    started = time.monotonic()
    grader = Grader(course, args.assignment, db_url, args.workers, args.timeout, args.executor, args.scheduler,
                    args.student, args.force, progress=not args.no_progress)
    try:
        outcomes = grader.run()
    except (GovaiError, SandboxError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(summary_table(outcomes, time.monotonic() - started))
    return 1 if any(o.status == "failed" for o in outcomes) else 0
