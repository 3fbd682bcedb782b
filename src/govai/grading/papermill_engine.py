"""papermill's ``govai`` engine: a parameterised notebook executed the way `govai grade` executes it.

Registered under papermill's ``papermill.engine`` entry point, so any papermill caller can use it::

    papermill.execute_notebook(learner_nb, "out.ipynb", parameters={"learner_id": "A001"},
                               engine_name="govai", master="source/module1_literacy/module1_literacy.ipynb")

papermill does what it always does: loads the notebook, injects the ``parameters`` (the
``injected-parameters`` cell), records ``nb.metadata.papermill``, writes the output notebook and raises
:class:`~papermill.exceptions.PapermillExecutionError` after writing it when a cell failed. The engine
replaces only the execution, with the steps of :func:`govai.grading.worker.grade_payload`:

1. :func:`govai.grading.engine.compose` rebuilds the notebook from the instructor's master (tests,
   hidden parts and nbgrader metadata from the master; the learner contributes answers and extra code
   cells). The injected parameters go right after the master's ``parameters`` cell, whatever the
   learner did to theirs, so the run's values always win over the defaults.
2. Learner cells run in a sandboxed learner kernel forked from this thread's pre-loaded zygote
   (:func:`govai.grading.worker.sandbox_for`, :class:`govai.grading.judge.LearnerKernel`) and the
   master's tests run outside it (:func:`govai.grading.judge.execute`), with the learner's files in
   the kernel's working directory and in the tests' one. Nothing the learner's code does (patching
   ``AssertionError``, IPython's hooks, ``govai.exercises.compare``, reading ``In``) reaches the
   tests, exactly as under `govai grade`.
3. The executed notebook becomes papermill's notebook: outputs, execution counts and, per cell,
   ``metadata.papermill`` (start and end times and duration from the judge's timings; ``status`` and
   ``exception`` as papermill's own manager records them).

Unlike papermill's default engine, a failing cell does not stop the notebook: each graded item is
scored on its own (nbgrader's semantics), so every cell runs and every failing cell is marked failed.
Cell progress is recorded when the notebook has run, not while it runs (the judge executes the whole
notebook in one call). ``kernel_name`` is not used: learner cells always run in govai's Python inside
the sandbox, as under `govai grade`.

Engine keyword arguments (papermill passes unknown ``execute_notebook`` keywords to the engine):
``master`` (notebook or path; default ``source/<assignment>/<name>.ipynb`` found from the input
path's folder, the assignment), ``workdir`` (the learner's folder whose files the notebook reads;
default the input notebook's folder, else papermill's ``cwd``), ``execution_timeout`` (seconds per
cell), ``preload`` (modules the zygote imports once; default: what the master imports),
``hide`` (folders never visible in the sandbox; default the master's ``source/``) and
``run_metadata`` (merged into ``nb.metadata.govai``).

papermill's registry imports this module while ``papermill.engines`` is loading, so govai code reaches
the engine through the registry (``papermill_engines.get_engine("govai")``) rather than importing it
before papermill: imported first, this module's own ``import papermill.engines`` would ask the
registry for a class that is not defined yet.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from papermill.engines import Engine, NotebookExecutionManager

from govai.errors import SubmissionError
from govai.grading.judge import CELL_TIMEOUT  # as `govai grade` without --timeout

ENGINE_NAME = "govai"
INJECTED_TAG = "injected-parameters"      # papermill's tag on the cell it injects
PARAMETERS_TAG = "parameters"
# Imported by the masters' provided cells only indirectly (pandas' ``.plot``): loaded once in the zygote
# rather than once per learner kernel.
INDIRECT_PRELOAD = ("matplotlib.pyplot",)
# papermill/nbclient options that mean nothing here: errors are always allowed and a cell that runs
# too long is always interrupted; the sandbox needs no kernel start-up time.
_NBCLIENT_OPTIONS = frozenset({"start_timeout", "startup_timeout", "timeout", "allow_errors",
                               "interrupt_on_timeout", "record_timing", "raise_on_iopub_timeout"})


def find_master(input_path: str | os.PathLike[str], src: Path | None = None) -> Path:
    """The master of a learner's ``<assignment>/<name>.ipynb``: ``source/<assignment>/<name>.ipynb``."""
    from govai.course.masters import source_dir

    path = Path(input_path)
    master = (Path(src) if src else source_dir()) / path.parent.name / path.name
    if not master.is_file():
        raise SubmissionError(path, None, f"找不到作業「{path.parent.name}」的教師版 {master}，無法評分 / "
                                          "no master notebook for this assignment")
    return master


def _is_tagged(cell: NotebookNode, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def _with_parameters(submission: NotebookNode, master: NotebookNode) -> NotebookNode:
    """Composed from the master, with papermill's injected cells right after the master's parameters cell."""
    from govai.grading import engine

    injected = [c for c in submission.cells if _is_tagged(c, INJECTED_TAG)]
    answers = copy.copy(submission)
    answers.cells = [c for c in submission.cells if not _is_tagged(c, INJECTED_TAG)]
    composed = engine.compose(answers, master)
    if injected:
        at = next((i + 1 for i, c in enumerate(composed.cells) if c.cell_type == "code"
                   and _is_tagged(c, PARAMETERS_TAG)), 0)
        cells = []
        for cell in injected:
            cell = copy.deepcopy(cell)
            cell.outputs, cell.execution_count = [], None
            tags = cell.metadata.setdefault("tags", [])
            if engine.GRADED_TAG not in tags:
                tags.append(engine.GRADED_TAG)
            cells.append(cell)
        composed.cells[at:at] = cells
    return composed


def _read_master(master: Any, input_path: Any) -> tuple[NotebookNode, Path | None]:
    """The master notebook and, when it came from a file, that file's path."""
    from govai.grading import engine

    if master is None:
        if not isinstance(input_path, (str, os.PathLike)):
            raise SubmissionError("notebook", None, "未指定教師版（master），也無法由筆記本路徑找到作業 / "
                                                    "no master given and no input path to find it from")
        master = find_master(input_path)
    if isinstance(master, NotebookNode):
        return master, None
    path = Path(master)
    return engine.read_notebook(path), path


def _timestamp(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _record_cells(nb_man: NotebookExecutionManager, nb: NotebookNode, log_output: bool,
                  stdout_file: Any, stderr_file: Any) -> None:
    """Each cell's ``metadata.papermill`` as papermill's manager records it, from the judge's timings."""
    last = nb_man.start_time or nb_man.now()
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start = _timestamp(timing.get("iopub.execute_input")) or last
        end = _timestamp(timing.get("shell.execute_reply")) or start
        cell.metadata.papermill = {"start_time": start.isoformat(), "end_time": end.isoformat(),
                                   "duration": max(0.0, (end - start).total_seconds()),
                                   "status": NotebookExecutionManager.COMPLETED, "exception": False}
        last = end
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        if any(o.get("output_type") == "error" for o in outputs):
            nb_man.cell_exception(cell, cell_index=index)
        for out in outputs:
            if out.get("output_type") != "stream":
                continue
            target = stdout_file if out.get("name") == "stdout" else stderr_file
            if target is not None:
                target.write(out.get("text", ""))
                target.flush()
            if log_output:
                from papermill.log import logger

                logger.info(out.get("text", ""))


class GovaiEngine(Engine):
    """papermill engine: compose with the master, learner cells sandboxed, tests judged outside."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: NotebookExecutionManager, kernel_name: str, *,
                                 master: Any = None, workdir: str | os.PathLike[str] | None = None,
                                 execution_timeout: float | None = None, preload: list[str] | None = None,
                                 hide: list[str] | None = None, run_metadata: dict[str, Any] | None = None,
                                 input_path: Any = None, log_output: bool = False, stdout_file: Any = None,
                                 stderr_file: Any = None, **options: Any) -> NotebookNode:
        from govai.course.mutations import assignment_files
        from govai.grading import judge, worker

        unknown = set(options) - _NBCLIENT_OPTIONS
        if unknown:
            raise TypeError(f"govai 執行引擎不支援這些參數 / unknown engine options: {sorted(unknown)}")
        master_nb, master_path = _read_master(master, input_path)
        name = master_path.stem if master_path else "notebook"
        if workdir is None:
            workdir = Path(input_path).parent if isinstance(input_path, (str, os.PathLike)) else Path.cwd()
        files = assignment_files(Path(workdir))
        if preload is None:
            preload = cls.course_preload([nbformat.writes(master_nb)])
        if hide is None:
            hide = [str(master_path.resolve().parent.parent)] if master_path else []

        composed = _with_parameters(nb_man.nb, master_nb)
        composed.metadata["papermill"] = copy.deepcopy(nb_man.nb.metadata.get("papermill", {}))
        composed.metadata.setdefault("govai", {}).update({"engine": ENGINE_NAME, "sandboxed": True,
                                                          **(run_metadata or {})})
        nb_man.notebook_start(nb=composed)   # papermill's per-cell records, for the notebook that runs

        sandbox = worker.sandbox_for({"preload": list(preload), "limits": {}, "hide": list(hide)})
        timeout = float(execution_timeout) if execution_timeout and execution_timeout > 0 else CELL_TIMEOUT
        kernel = judge.LearnerKernel(sandbox, files, {}, judge.JudgeLimits(cell_timeout=timeout))
        try:
            with tempfile.TemporaryDirectory(prefix="govai-run-") as cwd:
                _write_files(Path(cwd), files)
                judge.execute(composed, kernel, name, cwd=cwd)
        finally:
            kernel.close()
        composed.metadata["govai"]["restarts"] = kernel.restarts
        _record_cells(nb_man, composed, log_output, stdout_file, stderr_file)
        return composed

    @staticmethod
    def course_preload(master_texts: Iterable[str]) -> list[str]:
        """Modules the masters import (dotted, e.g. ``sklearn.linear_model``), installed ones only.

        The zygote imports them once; every learner kernel forked from it then starts with them loaded.
        One list for a whole run keeps one zygote per worker (a different list starts another one).
        """
        from govai.grading.command import DEFAULT_PRELOAD

        names: list[str] = [*DEFAULT_PRELOAD, *INDIRECT_PRELOAD]
        for text in master_texts:
            nb = nbformat.reads(text, as_version=4)
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        names += [a.name for a in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        names.append(node.module)
        found = []
        for name in dict.fromkeys(names):
            try:
                if importlib.util.find_spec(name) is not None:
                    found.append(name)
            except (ImportError, ValueError):
                continue
        return found

    @classmethod
    def nb_kernel_name(cls, nb: NotebookNode, name: str | None = None) -> str:
        """Any name will do: learner cells run in govai's own Python inside the sandbox."""
        return name or nb.metadata.get("kernelspec", {}).get("name") or "python3"


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    """The learner's files, where the tests look for them (paths come from ``assignment_files``: no links)."""
    for rel, data in files.items():
        target = root.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
