"""`govai grade`: nbgrader's ``autograde``, executed safely, in parallel and resumably.

`govai grade ASSIGNMENT` takes everything ``nbgrader autograde`` takes (``nbgrader_config.py``,
``--Autograde.*``, ``--Execute.timeout``, ``--notebook``, ``--student``, ``--force``/``-f``,
``--no-execute``, ``--db`` …) and gives nbgrader's results: it *is* nbgrader's ``AutogradeApp`` and
``Autograde`` converter with two parts replaced — how a notebook is executed and how submissions
are scheduled (:mod:`govai.grading.autograde`). Layout and records are nbgrader's, so
``nbgrader formgrader``, ``generate_feedback`` and ``export`` work on the results. govai adds:
an assignment missing from the gradebook is registered from ``source/`` by nbgrader's own
``generate_assignment``; ``--course`` (course root), ``--workers``, ``--executor dask --scheduler``,
``--timeout`` (= ``Execute.timeout``), several ``--student`` ids, ``--no-progress`` and a summary table.

Design: tests never run in the learner's process
------------------------------------------------
In ``nbgrader autograde`` the hidden tests run in the same kernel as the learner's code, so that code
can read them (``In``, event hooks, input transformers) and make them pass without earning it:
patching ``showtraceback``, the kernel's reply, ``AssertionError``, ``builtins.sorted``, numpy's or
pandas' testing helpers, or returning an object whose ``__eq__`` is always true.

govai splits execution in two (:mod:`govai.grading.judge`):

1. **Learner kernel** (:mod:`govai.grading.sandbox`, :mod:`govai.grading.kernel`): the learner's answers, extra
   cells and the master's read-only cells run in an IPython shell inside a per-submission sandbox
   (bubblewrap; own PID/IPC/mount namespaces, no network, no course files, unprivileged uid,
   rlimits). Hidden tests are never sent there.
2. **Judge**: each test cell (from the gradebook, as nbgrader's ``OverwriteCells`` restores it, hidden
   tests and ``### AUTOTEST`` expansions included) runs in the grader, with the judge's own builtins,
   modules, IPython syntax (``%time``), ``NBGRADER_EXECUTION=autograde`` and the submission's working
   directory. Its namespace *is* the learner's as far as the test can tell: a name it reads is fetched
   from the learner kernel when used (data is copied: exact builtin types, numpy arrays, pandas
   frames, decoded strictly by :mod:`govai.grading.wire`; learner functions and other objects become
   proxies whose calls run in the sandbox), and a name it assigns or deletes is assigned or deleted in
   the learner kernel before any learner code runs again, so ``del squares`` followed by a call of
   ``sum_of_squares`` raises ``NameError`` exactly as in nbgrader. A proxy equals only itself, so an
   always-equal object compares unequal; patched helpers, hooks and transformers live in a process
   the tests never touch. Whatever the learner kernel answers is at most a different *answer*, which
   the learner could have written directly; only the tests decide. Functions, classes and imports a
   test defines are also defined in the learner kernel for later cells, as in Jupyter.

Scores, comments, late penalties and permissions come from nbgrader's own preprocessors
(``SaveAutoGrades``, ``AssignLatePenalties`` …) on the executed notebook.

Nothing lost: before a submission is prepared govai records ``pending`` for it (table
``govai_graded``), and the digest of what was graded when it is done. Killed at any moment and run
again, an unfinished submission is graded again and a finished one skipped (nbgrader's own rule);
a submission changed since govai graded it is graded again; ``--force`` regrades all.

Speed: each worker process owns a sandbox whose zygote has IPython and the modules the masters import
(full dotted names) loaded and forks one kernel per submission, the next one started ahead of need;
nbgrader's steps before and after execution run in the grader's main thread while workers execute.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govai.errors import GovaiError

if TYPE_CHECKING:
    from govai.grading.autograde import Outcome

__all__ = ["DEFAULT_PRELOAD", "Grader", "Outcome", "configure", "run", "summary_table"]
DEFAULT_PRELOAD = ("numpy", "pandas")



def __getattr__(name: str) -> Any:
    # ``Outcome`` is imported on use: `govai grade` starts its workers before importing nbgrader
    if name == "Outcome":
        from govai.grading.autograde import Outcome

        return Outcome
    raise AttributeError(name)


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


def preload_modules(master_texts: dict[str, str], default: tuple[str, ...] = DEFAULT_PRELOAD) -> list[str]:
    """Modules the masters import (and ``default``), if installed: loaded once per worker.

    The full dotted names are kept (``govai.records.dashboard``, not only ``govai``): a submodule
    left out is imported again in every forked kernel, which cost 150 ms per module 1 submission."""
    names: list[str] = list(default)
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
                    names += [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.append(node.module)
    out = []
    for n in dict.fromkeys(names):
        try:
            if importlib.util.find_spec(n) is not None:
                out.append(n)
        except (ImportError, ValueError):
            continue
    return out


def importable(names: list[str]) -> list[str]:
    out = []
    for n in dict.fromkeys(names):
        try:
            if importlib.util.find_spec(n) is not None:
                out.append(n)
        except (ImportError, ValueError):
            continue
    return out


class Grader:
    """In-process `govai grade` (what the CLI runs), for tests and tools."""

    def __init__(self, course: Path, assignment: str, db_url: str, workers: int, timeout: float | None,
                 executor: str = "local", scheduler: str | None = None, students: list[str] | None = None,
                 force: bool = False, progress: bool = True, extra: list[str] | None = None) -> None:
        self.course, self.assignment, self.db_url = course.resolve(), assignment, db_url
        self.workers, self.timeout, self.executor, self.scheduler = max(1, workers), timeout, executor, scheduler
        self.students, self.force, self.progress, self.extra = students, force, progress, list(extra or [])
        self.exit_code = 0

    def argv(self) -> list[str]:
        argv = [self.assignment, f"--CourseDirectory.root={self.course}", f"--CourseDirectory.db_url={self.db_url}",
                f"--GovaiAutograde.workers={self.workers}", f"--GovaiAutograde.executor={self.executor}",
                f"--GovaiAutograde.progress={self.progress}"]
        if self.timeout is not None:
            argv.append(f"--Execute.timeout={int(self.timeout) if float(self.timeout).is_integer() else self.timeout}")
        if self.scheduler:
            argv.append(f"--GovaiAutograde.scheduler={self.scheduler}")
        if self.students:
            if len(self.students) == 1:
                argv.append(f"--CourseDirectory.student_id={self.students[0]}")
            else:
                argv.append("--GovaiAutograde.students=" + json.dumps(self.students))
        if self.force:
            argv.append("--force")
        return argv + self.extra

    def run(self) -> list[Outcome]:
        from govai.grading.autograde import run_app

        self.exit_code, outcomes = run_app(self.argv(), root=str(self.course))
        if self.exit_code and not outcomes:
            raise GovaiError(f"評分失敗（結束碼 {self.exit_code}）/ grading failed with exit code {self.exit_code}")
        return outcomes


# -- CLI ----------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", nargs="?", default=None, help="作業名稱（nbgrader assignment） / assignment name")
    parser.add_argument("--course", type=Path, default=None,
                        help="課程根目錄（含 source/ 與 submitted/；預設目前目錄或本專案） / course root")
    parser.add_argument("--db", default=None,
                        help="成績簿資料庫 URL（預設 sqlite:///<課程>/gradebook.db；可用 PostgreSQL） / gradebook URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="同時評分的份數（預設 CPU 核心數） / submissions graded in parallel")
    parser.add_argument("--timeout", type=float, default=None,
                        help="每個儲存格的時間上限（秒；即 nbgrader 的 Execute.timeout） / per-cell time limit")
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="local：本機執行緒；dask：分散到 Dask 叢集 / run locally or on a Dask cluster")
    parser.add_argument("--scheduler", default=None, help="Dask 排程器位址 / Dask scheduler address")
    parser.add_argument("--student", nargs="+", default=None, metavar="ID",
                        help="只評這些學員 / only these students")
    parser.add_argument("--force", action="store_true",
                        help="重新評分已評過且未變更的作業 / regrade unchanged submissions")
    parser.add_argument("--no-progress", action="store_true", help="不顯示進度列 / no progress bar")
    parser.epilog = ("其他選項照 nbgrader autograde（例如 --notebook、--no-execute、-f、--Autograde.create_student=False、"
                     "--Execute.timeout=30） / any other option is nbgrader autograde's")
    known = parser.parse_known_args

    def parse_args(args: Any = None, namespace: Any = None) -> argparse.Namespace:
        ns, extra = known(args, namespace)
        ns.nbgrader_args = extra
        return ns

    parser.parse_args = parse_args  # type: ignore[method-assign,assignment]


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
    """Exit codes as nbgrader's: 0 all graded, 1 a submission failed or the assignment is unknown."""
    from govai.grading.gradebook import ensure_path

    ensure_path()
    extra = list(getattr(args, "nbgrader_args", []) or [])
    if any(a in ("--help-all", "-h", "--help") for a in extra):
        from govai.grading.autograde import run_app

        return run_app(extra)[0]
    if args.course is not None:
        course = args.course.resolve()
    elif args.db is None and not (Path.cwd() / "nbgrader_config.py").exists() and not (Path.cwd() / "source").is_dir():
        course = default_course()
    else:
        course = None
    started = time.monotonic()
    from govai.grading import worker

    if args.executor == "local" and "--no-execute" not in extra:
        # the workers' interpreters start and import while nbgrader is imported and the run set up here
        worker.prestart(max(1, args.workers))
    argv = ([args.assignment] if args.assignment else []) + extra
    if course is not None:
        argv.append(f"--CourseDirectory.root={course}")
    if args.db:
        argv.append(f"--CourseDirectory.db_url={args.db}")
    argv += [f"--GovaiAutograde.workers={max(1, args.workers)}", f"--GovaiAutograde.executor={args.executor}",
             f"--GovaiAutograde.progress={not args.no_progress}"]
    if args.timeout is not None:
        argv.append(f"--Execute.timeout={int(args.timeout) if args.timeout.is_integer() else args.timeout}")
    if args.scheduler:
        argv.append(f"--GovaiAutograde.scheduler={args.scheduler}")
    if args.student:
        argv.append(f"--CourseDirectory.student_id={args.student[0]}" if len(args.student) == 1
                    else "--GovaiAutograde.students=" + json.dumps(args.student))
    if args.force:
        argv.append("--force")
    from govai.grading.autograde import run_app

    try:
        code, outcomes = run_app(argv, root=str(course) if course is not None else None)
    finally:
        worker.stop_prestarted()       # those this run did not use (nothing to grade, an early error)
    if outcomes:
        print(summary_table(outcomes, time.monotonic() - started))
    if code == 0 and any(o.status == "failed" for o in outcomes):
        code = 1
    return code
