"""`govai grade` is nbgrader's ``autograde`` with govai executing the notebooks.

What is nbgrader's, unchanged
-----------------------------
:class:`GovaiAutogradeApp` is nbgrader's ``AutogradeApp`` and :class:`GovaiAutograde` its
``Autograde`` converter, so everything nbgrader decides is decided by nbgrader's own code and
configuration: ``nbgrader_config.py`` and ``--Foo.bar=…`` options (``Autograde.create_student``,
``Autograde.exclude_overwriting``, ``CourseDirectory.ignore`` / ``student_id_exclude`` /
``groupshared``, ``AutogradeApp.permissions``, ``Execute.timeout``, ``LateSubmissionPlugin``,
``AssignLatePenalties.plugin_class``, ``ClearMetadataPreprocessor`` …), ``--notebook``, ``--student``,
``--force``/``-f``, ``--no-execute``; which submissions are (re)graded (``init_destination``), student
creation, timestamps, files copied from ``source/`` and from the submission, notebooks unknown to
the gradebook, missing notebooks scored 0, the sanitizing preprocessors (``ClearOutput``,
``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells`` — the tests, with their hidden parts and
``### AUTOTEST`` lines already expanded, come from the gradebook — ``CheckCellMetadata``), the
autograding ones after execution (``IgnorePattern``, ``LimitOutput``, ``SaveAutoGrades``,
``AssignLatePenalties``), permissions, failure handling and exit codes.

What govai replaces
-------------------
Only the ``Execute`` preprocessor (by :class:`JudgeExecute`) and the loop over submissions:

* Execution: each sanitized notebook runs in a sandboxed, pre-forked learner kernel with the hidden
  tests judged outside it (:mod:`govai.grading.judge`, :mod:`govai.grading.sandbox`): the learner's code
  cannot read or change the tests' verdict. A test still sees the learner's namespace as in
  nbgrader: names are read from the learner kernel when used, and assignments and deletions it
  makes happen there too before any learner code runs again (``del squares`` then calling
  ``sum_of_squares`` raises ``NameError`` as nbgrader's documentation expects). The test runs with
  the submission's working directory (files shipped with the assignment and files the learner's
  code wrote), ``NBGRADER_EXECUTION=autograde``, and IPython syntax (``%time``, ``!cmd``). Files the
  notebook writes are kept in ``autograded/`` as nbgrader keeps them.
* Scheduling: nbgrader's per-submission steps before execution (destination, files, sanitizing)
  run in this process in order; executions, with their judges, run in parallel in worker processes
  (:class:`~govai.grading.worker.ProcessPool`, one sandbox each; or a Dask cluster), so they do not
  compete with nbgrader's steps for this process's interpreter lock; the steps after execution
  (scores, late penalties, permissions) run here again in order as executions finish. The CLI starts
  the worker processes before it imports nbgrader (:func:`~govai.grading.worker.prestart`); they
  start their sandboxes while the first submissions are prepared and stop once the queue is empty. This process is the single writer of the gradebook: one session,
  committed when the next few submissions are recorded as pending (before any of their files is
  written) and after the last executions, not after every step. nbgrader's preprocessors still
  decide everything; they get a cached view of what is the same for every submission (the master's
  cells, once per run) and a submitted notebook's grade and comment rows in one query instead of
  one per cell; ``SaveAutoGrades``' per-cell commits are one flush per notebook
  (:class:`SaveAutoGradesOnce`, same rows); a commit keeps the master's notebooks and cells loaded;
  nbconvert validates each notebook once per pass (its ``optimistic_validation``, and no second and
  third validation when reading and writing: :class:`OnceValidatedNotebookExporter`) and does not
  deep-copy a notebook govai has just parsed for it (:class:`OwnedNotebook`). The workers run at a
  lower CPU priority (:data:`~govai.grading.worker.WORKER_NICENESS`): this process is the serial
  stage. Measured at 100 module-1 submissions on 2 cores: about 44 ms of this process's CPU per
  submission, about 13 ms in the workers and their sandboxes (the judge compiles each test once and
  gets the visible part of each test from :meth:`GovaiAutograde._visible_tests`), plus about 1.6 s and
  1.25 s of start-up; see README for the throughput.
  Resumable: a submission whose grading started but did not finish (the grader was killed) or whose
  files changed since govai graded it is graded again; an unchanged graded one is skipped as
  nbgrader skips it (``--force`` regrades).

Deliberate differences from nbgrader are listed in :data:`DIFFERENCES` (and docs/nbgrader-differences.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nbconvert.exporters import NotebookExporter
from nbformat import NotebookNode
from nbgrader.apps.autogradeapp import AutogradeApp
from nbgrader.converters.autograde import Autograde
from nbgrader.converters.base import BaseConverter, NbGraderException
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells, SaveAutoGrades
from traitlets import Bool, Integer, List, Unicode, default

from govai.course.items import ItemResult

# The nbgrader behaviours govai deliberately does not reproduce (each with the nbgrader test that
# shows it, if any). None of them changes a score on honest work.
DIFFERENCES: list[dict[str, str]] = [
    {"behaviour": "A submission whose graded cells' nbgrader metadata was edited (points, grade flag) fails "
                  "(\"Inconsistent checksums\")",
     "govai": "The flags and points come back from the gradebook and the submission is graded with the "
              "instructor's cells",
     "why": "The instructor gets a grade instead of a failure to look into; the edit earns nothing.",
     "test": ""},
    {"behaviour": "A submission with a duplicated graded cell stops the whole run (DeduplicateIds leaves "
                  "empty metadata that CheckCellMetadata rejects as schema version 0)",
     "govai": "The duplicate becomes an ordinary cell and the submission is graded",
     "why": "One learner's copy-pasted cell should not stop the grading of the class.",
     "test": ""},
    {"behaviour": "A notebook naming any Python kernelspec runs in that kernel's environment",
     "govai": "Python notebooks run in govai's own Python environment (inside the sandbox); other "
              "languages run through their kernelspec inside the sandbox, with tests in the same kernel",
     "why": "The judge needs the learner kernel and the tests in the same Python to exchange data.",
     "test": ""},
    {"behaviour": "Learner code runs in the same kernel as the hidden tests",
     "govai": "Learner code runs in a sandbox; tests run in a separate judge and only see the learner's "
              "namespace through data copies and proxies",
     "why": "In nbgrader a submission can read the hidden tests (`In`, hooks) or patch `showtraceback`, "
            "`AssertionError`, builtins or numpy's checkers to pass them; in govai it cannot change a verdict.",
     "test": ""},
    {"behaviour": "A test's builtins (`len`, `sorted`, `print` …) are whatever the learner's namespace holds",
     "govai": "A test always uses the judge's own builtins, even if the learner defined a name like `sorted`",
     "why": "A learner-defined `sorted` or `print` could otherwise decide the verdict.",
     "test": ""},
    {"behaviour": "The working directory holds the sanitized notebooks (with hidden tests)",
     "govai": "The learner kernel's working directory holds the assignment's other files only",
     "why": "The sanitized notebook contains the hidden tests.",
     "test": ""},
    {"behaviour": "Submitted notebooks and files that are symbolic links are followed",
     "govai": "Symbolic links in a submission are ignored",
     "why": "A link can point at the master notebook, the gradebook or another learner's work.",
     "test": ""},
    {"behaviour": "A file a test cell writes is visible to learner code run afterwards",
     "govai": "Files written by learner code are visible to tests and kept in autograded/; files a test writes "
              "stay on the judge's side",
     "why": "The learner kernel's folder is inside the sandbox; only the learner's own files cross back.",
     "test": ""},
    {"behaviour": "An assignment missing from the gradebook is an error (exit 1), even if source/ has it",
     "govai": "It is registered from source/ by nbgrader's own generate_assignment, then graded "
              "(still exit 1 when source/ lacks it too)",
     "why": "A fresh course needs no separate registration step.",
     "test": ""},
    {"behaviour": "`--course ID` sets CourseDirectory.course_id",
     "govai": "`--course PATH` is the course root; use `--CourseDirectory.course_id=ID` for the id",
     "why": "govai's command line named the course folder before it took nbgrader's options.",
     "test": ""},
    {"behaviour": "A test reads the learner's objects themselves",
     "govai": "A test reads copies of learner data (learner functions and other objects are proxies): `is` "
              "between a test's value and the learner's differs; in-place changes to learner data are sent back "
              "before learner code runs, for data up to 64 KB",
     "why": "Only data crosses from the sandbox to the judge; calls on learner objects still run in the sandbox.",
     "test": ""},
]

# Seconds to reach the Dask scheduler given by --scheduler before the run fails.
DASK_CONNECT_TIMEOUT = 60

SKIPPED_TESTS: dict[str, str] = {}   # nbgrader test -> reason (none today)


class JudgeExecute(Execute):
    """nbgrader's ``Execute`` preprocessor whose execution govai did beforehand (see module docstring)."""

    def preprocess(self, nb: Any, resources: Any, km: Any = None) -> tuple[Any, Any]:
        done = (resources.get("govai") or {}).get("executed")
        if isinstance(done, BaseException):
            raise done
        if done is None:
            raise RuntimeError("govai: 這本筆記本沒有被執行 / notebook was not executed")
        return done, resources


class SaveAutoGradesOnce(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` with its per-cell commits (two per graded cell) flushed once when the
    notebook's rows are all set: the same rows and values. Between those commits it only looks rows up
    (already loaded, see :func:`_fast_gradebook`; a lookup that queries flushes first, the session
    autoflushes) and sets plain columns, so nothing it reads depended on the earlier flushes."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        shared = _SHARED.get(resources["nbgrader"]["db_url"])
        if shared is None:
            return super().preprocess(nb, resources)
        shared.deferred = True
        try:
            return super().preprocess(nb, resources)
        finally:
            shared.deferred = False
            shared.commit()


class OnceValidatedNotebookExporter(NotebookExporter):
    """nbconvert's notebook exporter validating each notebook once, not three times.

    nbconvert validates when reading the file, after the preprocessors (raising if the result is
    invalid: kept) and again when writing the result it has just validated. The read's validation is
    done by govai before the sanitizing pass (:func:`govai.grading.engine.parse_notebook`, the same
    nbformat check and log line); the file the autograding pass reads is the one the sanitizing pass
    wrote after validating it. Used only while ``exporter_class`` is nbconvert's default."""

    def from_file(self, file_stream: Any, resources: Any = None, **kw: Any) -> Any:
        import nbformat

        nb = nbformat.convert(nbformat.reader.reads(file_stream.read()), 4)
        return self.from_notebook_node(OwnedNotebook(nb), resources=resources, **kw)

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
        import nbformat

        # NotebookExporter.from_notebook_node without nbformat.writes' validation
        nb_copy, resources = super(NotebookExporter, self).from_notebook_node(nb, resources, **kw)
        resources["output_suffix"] = (f".v{self.nbformat_version}" if self.nbformat_version != nb_copy.nbformat
                                      else ".nbconvert")
        output = nbformat.versions[self.nbformat_version].writes_json(nbformat.convert(nb_copy, self.nbformat_version))
        return output if output.endswith("\n") else output + "\n", resources


class OwnedNotebook(NotebookNode):
    """A notebook parsed for one conversion and used by nothing else: nbconvert need not copy it.

    nbconvert deep-copies the notebook it converts four times a pass (before and while preprocessing,
    when normalizing and when writing) and the resources once (the autograding pass carries the
    executed notebook in them): copies that protect a caller's object from the preprocessors. A
    notebook govai has just parsed from a file has no other user, so its deep copy is itself; its
    cells are ordinary nodes (a preprocessor copying a cell still gets a copy)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> OwnedNotebook:
        return self


class RestoreCellMetadata(NbGraderPreprocessor):
    """Before nbgrader's ``OverwriteCells``: a cell whose ``grade_id`` the gradebook knows gets its
    nbgrader flags and points back from the gradebook (nbgrader fails such a submission with
    "Inconsistent checksums"; govai grades it with the instructor's cell)."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        view = _master_view(resources["nbgrader"]["db_url"], resources["nbgrader"]["notebook"],
                            resources["nbgrader"]["assignment"])
        if view is None:
            return nb, resources
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta == {}:                    # a duplicate DeduplicateIds stripped: an ordinary cell
                del cell.metadata["nbgrader"]
                continue
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if gid not in view.locked:
                continue
            meta["grade"] = gid in view.points
            meta["solution"] = gid in view.solutions
            meta["task"] = gid in view.tasks
            meta["locked"] = view.locked[gid]
            if gid in view.points:
                meta["points"] = view.points[gid]
            else:
                meta.pop("points", None)
        return nb, resources


@dataclass(frozen=True)
class _MasterView:
    """What the gradebook says about a master notebook's cells (the same for every submission)."""

    locked: dict[str, bool]          # source cell name -> locked
    points: dict[str, float]         # grade cell name -> max score
    solutions: frozenset[str]
    tasks: frozenset[str]


_MASTER_VIEWS: dict[tuple[str, str, str], _MasterView | None] = {}


def _master_view(db_url: str, notebook: str, assignment: str) -> _MasterView | None:
    """Read once per run while govai grades (:func:`_fast_gradebook` forgets it afterwards)."""
    from nbgrader.api import Gradebook, MissingEntry

    key = (db_url, notebook, assignment)
    if key not in _MASTER_VIEWS or not _SHARED:
        with Gradebook(db_url) as gb:
            try:
                nb = gb.find_notebook(notebook, assignment)
            except MissingEntry:
                view = None
            else:
                view = _MasterView({c.name: bool(c.locked) for c in nb.source_cells},
                                   {c.name: float(c.max_score) for c in nb.grade_cells},
                                   frozenset(c.name for c in nb.solution_cells),
                                   frozenset(c.name for c in nb.task_cells))
        if not _SHARED:
            return view
        _MASTER_VIEWS[key] = view
    return _MASTER_VIEWS[key]


@dataclass
class Outcome:
    student: str
    status: str                      # graded / skipped / failed
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    reason: str = ""
    items: list[ItemResult] = field(default_factory=list)


@dataclass
class _Job:
    assignment_id: str
    student_id: str
    path: str
    notebooks: list[str]
    digest: str = ""
    grade: bool = False
    payload: dict[str, Any] | None = None
    kernel_errors: dict[str, BaseException] = field(default_factory=dict)
    future: Any = None
    started: float = 0.0


class GovaiAutograde(Autograde):
    workers = Integer(os.cpu_count() or 2, help="Submissions executed in parallel.").tag(config=True)
    executor = Unicode("local", help="local (threads with one sandbox each) or dask").tag(config=True)
    scheduler = Unicode("", help="Dask scheduler address (executor=dask)").tag(config=True)
    progress = Bool(True, help="Show a progress bar.").tag(config=True)
    students = List(Unicode(), [], help="Only these students (any number).").tag(config=True)
    preload = List(Unicode(), [], help="Extra modules the sandbox imports once.").tag(config=True)
    lookahead = Integer(8, help="Submissions decided and recorded as pending per gradebook commit.").tag(config=True)

    assignments: dict[str, list[str]]

    @default("exporter_class")
    def _exporter_class_default(self) -> Any:
        return OnceValidatedNotebookExporter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool: Any = None             # worker.ProcessPool
        self._client: Any = None           # dask.distributed.Client
        self.outcomes: list[Outcome] = []
        self._executed: dict[tuple[str, str], Any] = {}
        self._sandbox_config: dict[str, Any] | None = None
        self._specs: dict[str, dict[str, Any]] = {}
        self._clear_hidden: Any = None                    # nbgrader's ClearHiddenTests, configured
        self._visible: dict[str, str] = {}                # test cell -> as learners saw it

    # -- nbgrader hooks ---------------------------------------------------------------------

    def _init_preprocessors(self) -> None:
        # nbconvert's own option: validate the notebook once after all preprocessors instead of after
        # each of them (12 full validations per submission); an invalid result is still refused
        self.exporter.optimistic_validation = True
        self.exporter._preprocessors = []
        for pp in (self.sanitize_preprocessors if self._sanitizing else self.autograde_preprocessors):
            if pp is OverwriteCells:
                self.exporter.register_preprocessor(RestoreCellMetadata)
            self.exporter.register_preprocessor({Execute: JudgeExecute, SaveAutoGrades: SaveAutoGradesOnce}.get(pp, pp))

    def init_notebooks(self) -> None:
        super().init_notebooks()
        root = os.path.realpath(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        kept: dict[str, list[str]] = {}
        for path, notebooks in self.assignments.items():
            if os.path.islink(path) or os.path.islink(os.path.dirname(path)) \
                    or not os.path.realpath(path).startswith(root + os.sep):
                self.log.warning("Skipping symbolic link: %s", path)
                continue
            if self.students and os.path.basename(os.path.dirname(path)) not in self.students:
                continue
            real = [nb for nb in notebooks if not os.path.islink(nb)]
            if real:
                kept[path] = real
        self.assignments = kept

    def init_single_notebook_resources(self, notebook_filename: str) -> dict[str, Any]:
        resources = super().init_single_notebook_resources(notebook_filename)
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
        resources["govai"] = {"executed": self._executed.pop(key, None)} if not self._sanitizing else {}
        return resources

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        with _no_symlinks():
            super().init_assignment(assignment_id, student_id)

    # -- the loop ---------------------------------------------------------------------------

    def convert_notebooks(self) -> None:
        from govai.grading import gradebook

        errors: list[tuple[str, str]] = []
        self._marks = gradebook.Marks(self.coursedir.db_url)
        done = self._marks.load(self.coursedir.assignment_id)
        self._master_digest = self._master()
        jobs: list[_Job] = []
        pending: list[_Job] = []
        bar = self._bar(len(self.assignments))
        submit = self._executor()
        if self.executor != "dask" and self._execute_enabled() and self.assignments:
            from govai.grading import worker

            # the workers start their sandboxes while the first submissions are prepared here
            self._pool = worker.ProcessPool(max(1, self.workers), warm=self.sandbox_config())
        order = sorted(self.assignments)
        try:
            step = max(1, self.lookahead)
            for first in range(0, len(order), step):
                # decide for the next few submissions and record them as pending in one commit
                # (before any of their files is written) instead of one commit each
                batch: list[_Job] = []
                for assignment in order[first:first + step]:
                    gd = self._parse(assignment)
                    job = _Job(gd["assignment_id"], gd["student_id"], assignment, sorted(self.assignments[assignment]))
                    job.started = time.monotonic()
                    if self._guard(job, errors, lambda j=job: self._decide(j, done)) and job.grade:
                        batch.append(job)
                    else:
                        bar.update(1)
                self._commit_pending()
                for job in batch:
                    ok = self._guard(job, errors, lambda j=job: self._prepare(j))
                    if not ok or job.payload is None:
                        bar.update(1)
                        continue
                    jobs.append(job)
                    job.future = submit(job.payload)
                    pending.append(job)
                    pending = self._drain(pending, errors, bar, block=False)
            if self._pool is not None:
                self._pool.close()
            while pending:
                pending = self._drain(pending, errors, bar, block=True)
        finally:
            bar.close()
            self._close_executor()
        if errors:
            for assignment_id, student_id in errors:
                self.log.error("There was an error processing assignment '%s' for student '%s'",
                               assignment_id, student_id)
            self.log.error("Please see the the above traceback for details on the specific "
                           "errors on the above failures.")
            raise NbGraderException("govai: some submissions failed")

    def _parse(self, assignment: str) -> dict[str, str]:
        import re

        regexp = self._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
        m = re.match(regexp, assignment)
        if m is None:
            msg = f"Could not match '{assignment}' with regexp '{regexp}'"
            self.log.error(msg)
            raise NbGraderException(msg)
        return m.groupdict()

    def _guard(self, job: _Job, errors: list[tuple[str, str]], step: Any, commit: bool = False) -> bool:
        """One step of one submission, with nbgrader's failure handling (``BaseConverter.convert_notebooks``).

        A step that succeeds is committed with ``commit``, or else by the next commit: the one that
        records the next submission as pending before any of its files is written, or the one after
        the last executions. Until then a killed grader finds this submission still pending and grades
        it again, so a deferred commit loses work but never records anything half done."""
        import sqlalchemy
        from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
        from nbgrader.preprocessors.execute import UnresponsiveKernelError

        self.notebooks = list(job.notebooks)
        try:
            try:
                step()
            except BaseException:
                commit_gradebook(self.coursedir.db_url)   # what nbgrader had committed by then
                raise
            if commit:
                commit_gradebook(self.coursedir.db_url)
            return True
        except UnresponsiveKernelError:
            self.log.error("While processing assignment %s, the kernel became unresponsive", job.path)
            reason = "學員核心沒有回應 / the kernel became unresponsive"
        except sqlalchemy.exc.OperationalError:
            self._handle_failure(job)
            self.log.error(traceback.format_exc())
            raise NbGraderException("There was an error accessing the nbgrader database.") from None
        except (SchemaTooOldError, SchemaTooNewError) as exc:
            self._handle_failure(job)
            self.log.error("One or more notebooks in the assignment use an unsupported nbgrader metadata version: %s", exc)
            raise NbGraderException(str(exc)) from None
        except KeyboardInterrupt:
            self._handle_failure(job)
            self.log.error("Canceled")
            raise
        except Exception as exc:  # noqa: BLE001 - nbgrader: this submission fails, the batch goes on
            self.log.error("There was an error processing assignment: %s", job.path)
            self.log.error(traceback.format_exc())
            reason = _reason(exc)
        errors.append((job.assignment_id, job.student_id))
        self._handle_failure(job)
        self.outcomes.append(Outcome(job.student_id, "failed", seconds=time.monotonic() - job.started,
                                     reason=reason))
        return False

    def _handle_failure(self, job: _Job) -> None:
        from nbgrader.utils import remove, rmtree

        dest = os.path.normpath(self._format_dest(job.assignment_id, job.student_id))
        if self.coursedir.notebook_id == "*":
            if os.path.exists(dest):
                self.log.warning("Removing failed assignment: %s", dest)
                rmtree(dest)
        else:
            for notebook in job.notebooks:
                path = os.path.join(dest, os.path.splitext(os.path.basename(notebook))[0] + ".ipynb")
                if os.path.exists(path):
                    self.log.warning("Removing failed notebook: %s", path)
                    remove(path)

    def _commit_pending(self) -> None:
        import sqlalchemy

        try:
            commit_gradebook(self.coursedir.db_url)
        except sqlalchemy.exc.OperationalError:
            self.log.error(traceback.format_exc())
            raise NbGraderException("There was an error accessing the nbgrader database.") from None

    def _decide(self, job: _Job, done: dict[str, str]) -> None:
        """Whether the submission is (re)graded (nbgrader's ``init_destination`` and govai's record);
        if so it is recorded as pending, committed by the caller before anything is written."""
        from nbgrader.utils import remove, rmtree

        aid, sid = job.assignment_id, job.student_id
        job.digest = self._digest(job)
        should = self.init_destination(aid, sid)
        excluded = bool(self.coursedir.student_id_exclude) and sid in self.coursedir.student_id_exclude.split(",")
        if not should and not excluded and done.get(sid) not in (None, job.digest):
            # govai's record says this grading never finished, or the submission changed since
            dest = os.path.normpath(self._format_dest(aid, sid))
            self.log.warning("Regrading changed or unfinished submission: %s", dest)
            if self.coursedir.notebook_id == "*":
                rmtree(dest)
            else:
                for notebook in self.notebooks:
                    path = os.path.join(dest, os.path.splitext(os.path.basename(notebook))[0] + ".ipynb")
                    if os.path.exists(path):
                        remove(path)
            should = True
        if not should:
            if not excluded:
                self.outcomes.append(Outcome(sid, "skipped", reason="未變更，已評分 / unchanged"))
            return
        self._marks.mark(aid, sid, "pending:" + job.digest, 0.0, shared_session(self.coursedir.db_url))
        job.grade = True

    def _prepare(self, job: _Job) -> None:
        """nbgrader's steps before execution, then what the executor needs."""
        from govai.grading import engine

        aid, sid = job.assignment_id, job.student_id
        self.run_pre_convert_hook()
        self.init_assignment(aid, sid)
        job.notebooks = list(self.notebooks)
        dest = self._format_dest(aid, sid)
        items = []
        for filename in job.notebooks:
            with open(filename, "rb") as fh:
                raw = fh.read()
            rel = os.path.relpath(filename, self.coursedir.root)
            engine.parse_notebook(raw, rel)           # a broken notebook fails with a message naming it
            self._sanitizing = True
            self._init_preprocessors()
            BaseConverter.convert_single_notebook(self, filename)
            name = os.path.splitext(os.path.basename(filename))[0]
            with open(os.path.join(dest, os.path.basename(filename)), encoding="utf-8") as fh:
                source = fh.read()
            sanitized = json.loads(source)
            kernel = self._kernel(sanitized)
            if isinstance(kernel, BaseException):
                job.kernel_errors[name] = kernel
                continue
            items.append({"name": name, "source": source, "kernel": kernel, "spec": self._specs.get(kernel),
                          "visible": self._visible_tests(sanitized)})
        files = {rel: data for rel, data in _tree(dest).items() if not rel.endswith(".ipynb")}
        if not self._execute_enabled():
            items = []
        job.payload = {"student": sid, "notebooks": items, "files": files}

    def _finish(self, job: _Job, result: dict[str, Any]) -> None:
        """nbgrader's steps after execution: the autograding preprocessors, permissions, hooks."""
        import nbformat

        aid, sid = job.assignment_id, job.student_id
        if result.get("error"):
            raise RuntimeError(result["error"])
        dest = self._format_dest(aid, sid)
        _apply_files(dest, result.get("files", {}), result.get("removed", []))
        for filename in job.notebooks:
            name = os.path.splitext(os.path.basename(filename))[0]
            if name in job.kernel_errors:
                self._executed[(sid, name)] = job.kernel_errors[name]
            elif self._execute_enabled():
                got = result.get("notebooks", {}).get(name) or {"error": "not executed"}
                # written by nbformat in the worker from a validated notebook: no second validation here
                # (nbconvert validates the result after the autograding preprocessors)
                self._executed[(sid, name)] = (OwnedNotebook(nbformat.v4.reads(got["executed"])) if "executed" in got
                                               else RuntimeError(got.get("error")))
            self._sanitizing = False
            self._init_preprocessors()
            try:
                with _execution_env():
                    BaseConverter.convert_single_notebook(self, os.path.join(dest, os.path.basename(filename)))
            finally:
                self._sanitizing = True
                self._executed.pop((sid, name), None)
        self.set_permissions(aid, sid)
        self.run_post_convert_hook()
        seconds = time.monotonic() - job.started
        self._marks.mark(aid, sid, job.digest, seconds, shared_session(self.coursedir.db_url))
        self.outcomes.append(Outcome(sid, "graded", seconds=seconds))

    def _drain(self, pending: list[_Job], errors: list[tuple[str, str]], bar: Any, block: bool) -> list[_Job]:
        while True:
            ready = [j for j in pending if j.future.done()]
            if ready or not block:
                break
            time.sleep(0.003)
        for job in ready:
            try:
                result = job.future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails that submission only
                result = {"error": f"執行失敗 / execution failed: {exc}"}
            self._guard(job, errors, lambda j=job, r=result: self._finish(j, r))
            bar.update(1)
        if block and ready:
            commit_gradebook(self.coursedir.db_url)   # nothing left to prepare: no later commit to wait for
        return [j for j in pending if j not in ready]

    # -- helpers ----------------------------------------------------------------------------

    def _execute_enabled(self) -> bool:
        if not hasattr(self, "_exec_enabled"):
            self._exec_enabled = bool(JudgeExecute(parent=self.exporter).enabled) and any(
                p is Execute for p in self.autograde_preprocessors)
        return self._exec_enabled

    def _timeout(self) -> float | None:
        t = JudgeExecute(parent=self.exporter).timeout
        return None if t is None or t <= 0 else float(t)

    def _kernel(self, nb: dict[str, Any]) -> str | BaseException:
        """"" for Python (the judge), a kernel name for others (run in the sandbox through its kernelspec),
        or the error nbgrader's execution would raise for a kernel that does not exist."""
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        if not self._execute_enabled():
            return ""
        meta = nb.get("metadata", {})
        name = (meta.get("kernelspec") or {}).get("name") or "python3"
        if name in ("python", "python3"):
            return ""
        try:
            spec = KernelSpecManager(parent=self).get_kernel_spec(name)
        except NoSuchKernel as exc:
            return exc
        if (spec.language or "").lower() == "python":
            return ""
        self._specs[name] = spec.to_dict()
        return name

    def _visible_tests(self, nb: dict[str, Any]) -> dict[int, str]:
        """The notebook's test cells as learners saw them, by index, where hidden tests were removed:
        nbgrader's ``ClearHiddenTests`` with this course's configuration (its delimiters), once per
        test text. The judge defines the visible part's names for later cells."""
        import nbformat
        from nbgrader.preprocessors import ClearHiddenTests

        from govai.course import nbmeta

        if self._clear_hidden is None:
            self._clear_hidden = ClearHiddenTests(config=self.config, enforce_metadata=False)
        visible: dict[int, str] = {}
        for index, cell in enumerate(nb.get("cells", [])):
            if not nbmeta.is_autograded(cell):
                continue
            source = "".join(cell["source"]) if isinstance(cell.get("source"), list) else str(cell.get("source", ""))
            if source not in self._visible:
                node = nbformat.from_dict({**cell, "source": source})
                self._clear_hidden.preprocess_cell(node, {}, index)
                self._visible[source] = node.source
            if self._visible[source] != source:
                visible[index] = self._visible[source]
        return visible

    def _digest(self, job: _Job) -> str:
        h = hashlib.sha256(self._master_digest.encode())
        for rel, data in sorted(_tree(job.path).items()):
            h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()

    def _master(self) -> str:
        from nbgrader.api import Gradebook, MissingEntry

        h = hashlib.sha256()
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                a = gb.find_assignment(self.coursedir.assignment_id)
            except MissingEntry:
                return ""
            for nb in sorted(a.notebooks, key=lambda n: n.name):
                for c in sorted(nb.source_cells, key=lambda c: c.name):
                    h.update(f"{nb.name}\0{c.name}\0{c.checksum}\0".encode())
        return h.hexdigest()

    def _bar(self, total: int) -> Any:
        from tqdm import tqdm

        return tqdm(total=total, desc=f"評分 grading {self.coursedir.assignment_id}", unit="份",
                    disable=not self.progress, file=sys.stderr, dynamic_ncols=True)

    def sandbox_config(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """The sandbox every worker starts: the modules the notebooks import are loaded once, before forking."""
        if self._sandbox_config is None:
            from govai.grading.command import importable, preload_modules

            hide = [os.path.realpath(self.coursedir.root)]
            url = self.coursedir.db_url
            if url.startswith("sqlite:///"):
                hide.append(os.path.dirname(os.path.realpath(url[len("sqlite:///"):])))
            # the instructor's masters decide what is preloaded (a submission's own imports do not)
            source = self.coursedir.format_path(self.coursedir.source_directory, ".", self.coursedir.assignment_id)
            sources = {}
            for name in sorted(os.listdir(source)) if os.path.isdir(source) else []:
                if name.endswith(".ipynb"):
                    with open(os.path.join(source, name), encoding="utf-8") as fh:
                        sources[name[:-6]] = fh.read()
            if not sources:
                sources = {n["name"]: n["source"] for n in (payload or {}).get("notebooks", [])}
            self._sandbox_config = {"timeout": self._timeout(), "limits": {}, "hide": hide,
                                    "preload": importable([*preload_modules(sources, default=()), *self.preload])}
        return self._sandbox_config

    def _executor(self) -> Any:
        """``submit(payload) -> future``: threads with one sandbox each, or a Dask cluster."""
        from govai.grading import worker

        def submit(payload: dict[str, Any]) -> Any:
            cfg = self.sandbox_config(payload)
            if self.executor == "dask":
                if getattr(self, "_client", None) is None:
                    from dask.distributed import Client

                    if not self.scheduler:
                        raise NbGraderException("--executor dask 需要 --scheduler 位址 / --executor dask needs --scheduler")
                    self._client = Client(self.scheduler, timeout=DASK_CONNECT_TIMEOUT)
                    [self._scattered] = self._client.scatter([{**cfg, "own_process": True}], broadcast=True)
                return self._client.submit(worker.execute_submission, payload, self._scattered, pure=False)
            if getattr(self, "_pool", None) is None:
                self._pool = worker.ProcessPool(max(1, self.workers), warm=cfg)
            return self._pool.submit(payload, {**cfg, "own_process": True})

        return submit

    def _close_executor(self) -> None:
        from govai.grading import worker

        if getattr(self, "_pool", None) is not None:
            self._pool.shutdown()
            self._pool = None
            worker.close_all()
        if getattr(self, "_client", None) is not None:
            self._client.close()
            self._client = None


def _reason(exc: BaseException) -> str:
    from govai.errors import SubmissionError

    if isinstance(exc, SubmissionError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:2000]


def _tree(root: str) -> dict[str, bytes]:
    from govai.grading.worker import _read_tree

    return _read_tree(root) if os.path.isdir(root) else {}


def _apply_files(dest: str, files: dict[str, bytes], removed: list[str]) -> None:
    """Files the learner's code wrote (relative paths checked by the judge), into the autograded folder."""
    from govai.grading import judge

    root = os.path.realpath(dest)
    for rel in removed:
        if judge.safe_relpath(rel):
            path = os.path.join(root, *rel.split("/"))
            if os.path.isfile(path) and not os.path.islink(path):
                os.remove(path)
    for rel, data in files.items():
        if not judge.safe_relpath(rel):
            continue
        path = os.path.join(root, *rel.split("/"))
        parent = os.path.dirname(path)
        os.makedirs(parent, exist_ok=True)
        if not os.path.realpath(parent).startswith(root) or os.path.islink(path) or os.path.isdir(path):
            continue
        if os.path.exists(path):
            os.remove(path)                  # may be read-only from an earlier run
        with open(path, "wb") as fh:
            fh.write(data)


@contextlib.contextmanager
def _no_symlinks() -> Iterator[None]:
    """While copying a submission's files, nbgrader's ``find_all_files`` skips symbolic links."""
    from nbgrader.converters import base

    original = base.find_all_files

    def find_all_files(path: str, exclude: list[str] | None = None) -> list[str]:
        return [f for f in original(path, exclude) if not os.path.islink(f)
                and os.path.realpath(f).startswith(os.path.realpath(path) + os.sep)]

    base.find_all_files = find_all_files
    try:
        yield
    finally:
        base.find_all_files = original


class GovaiAutogradeApp(AutogradeApp):
    name = "govai-grade"
    description = "nbgrader autograde, executed by govai (sandboxed, parallel, resumable)"

    @default("classes")
    def _classes_default(self) -> list[Any]:
        classes = super()._classes_default()
        classes.append(GovaiAutograde)
        return classes

    def start(self) -> None:
        super(AutogradeApp, self).start()
        if len(self.extra_args) > 1:
            self.fail("Only one argument (the assignment id) may be specified")
        elif len(self.extra_args) == 1 and self.coursedir.assignment_id != "":
            self.fail("The assignment cannot both be specified in config and as an argument")
        elif len(self.extra_args) == 0 and self.coursedir.assignment_id == "":
            self.fail("An assignment id must be specified, either as an argument or with --assignment")
        elif len(self.extra_args) == 1:
            self.coursedir.assignment_id = self.extra_args[0]
        _register_if_missing(self)
        self.converter = GovaiAutograde(coursedir=self.coursedir, parent=self)
        try:
            with _fast_gradebook():
                self.converter.start()
        except NbGraderException:
            sys.exit(1)


def _register_if_missing(app: Any) -> None:
    """govai: an assignment the gradebook does not know yet is registered from ``source/`` by nbgrader."""
    from pathlib import Path

    from nbgrader.api import Gradebook, MissingEntry

    from govai.grading import gradebook

    aid = app.coursedir.assignment_id
    source = Path(app.coursedir.format_path(app.coursedir.source_directory, ".", aid))
    if "*" in aid or not source.is_dir() or not any(source.glob("*.ipynb")):
        return
    with _fast_gradebook(), Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        try:
            if gb.find_assignment(aid).notebooks:
                return
        except MissingEntry:
            pass
    gradebook.ensure_assignment(Path(app.coursedir.root), aid, app.coursedir.db_url)


class _SharedSession:
    """The one session every gradebook nbgrader opens while govai grades: nbgrader's many commits per
    submission are flushes, and govai commits once per step of a submission (:func:`commit_gradebook`),
    so a submission's scores are written in one transaction together with govai's record."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy.orm import sessionmaker

        self.session = sessionmaker(autoflush=True, bind=engine, future=True)()
        self.deferred = False            # SaveAutoGradesOnce: nbgrader's commits wait for its single one
        # (notebook, assignment, student) -> a submitted notebook's Grade and Comment objects by cell name,
        # read in one query instead of one 7-table join per cell; valid until the objects leave the session
        self.submitted: dict[tuple[str, str, str], tuple[dict[str, Any], dict[str, Any]]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def commit(self) -> None:
        """nbgrader's commit: flushed here; loaded objects whose computed scores depend on other rows
        (submissions, notebooks, students, assignments) are expired, as a commit would expire them.
        Grades and comments are not: their own computed columns are expired by the flush itself
        (SQLAlchemy's ``expire_on_flush``), and reloading them after each of SaveAutoGrades' per-cell
        commits was a query per cell."""
        from nbgrader.api import BaseCell, Comment, Grade, SourceCell

        if self.deferred:
            return
        self.session.flush()
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, (Grade, Comment, BaseCell, SourceCell)):
                continue
            kept = _expired_on_commit(type(obj))
            if kept is None:
                self.session.expire(obj)
            else:
                self.session.expire(obj, kept)

    def remove(self) -> None:
        pass

    def close(self) -> None:
        pass

    def real_commit(self) -> None:
        self.submitted.clear()
        try:
            self.session.commit()
        except Exception:
            self.session.rollback()
            raise
        self.session.expunge_all()


_SHARED: dict[str, _SharedSession] = {}

# The relationships that hold an assignment's master structure (its notebooks and their cells): only
# ``generate_assignment`` changes them, never autograding, so a commit keeps them loaded instead of
# reloading every master notebook's cells for each submission. Everything else is expired.
_MASTER_STRUCTURE = {"Assignment": ("course", "notebooks"), "Notebook": ("assignment", "_base_cells", "source_cells")}
_EXPIRED: dict[type, list[str] | None] = {}


def _expired_on_commit(cls: type) -> list[str] | None:
    """The attributes of ``cls`` a commit expires (None: all of them)."""
    if cls not in _EXPIRED:
        import sqlalchemy

        kept = _MASTER_STRUCTURE.get(cls.__name__) if cls.__module__ == "nbgrader.api" else None
        keys: list[str] = list(sqlalchemy.inspect(cls).attrs.keys())
        _EXPIRED[cls] = None if kept is None else [k for k in keys if k not in kept]
    return _EXPIRED[cls]


def commit_gradebook(db_url: str) -> None:
    shared = _SHARED.get(db_url)
    if shared is not None:
        shared.real_commit()


def shared_session(db_url: str) -> Any:
    shared = _SHARED.get(db_url)
    return shared.session if shared is not None else None


@contextlib.contextmanager
def _fast_gradebook() -> Iterator[None]:
    """nbgrader opens the gradebook many times per submission, each time creating an engine, inspecting
    and creating all tables, asking a subprocess (``alembic heads``) for its schema version and
    committing after each cell. While govai grades, the first open of a database does all that; later
    ones share its engine and session (see :class:`_SharedSession`)."""
    import nbgrader.api

    from govai.grading import gradebook

    original_version = nbgrader.api.get_alembic_version
    original_init = nbgrader.api.Gradebook.__init__
    original_close = nbgrader.api.Gradebook.close
    engines: dict[str, Any] = {}
    courses: set[tuple[str, str]] = set()      # checked (created if missing) once per run

    def init(self: Any, db_url: str, course_id: str = "default_course", authenticator: Any = None) -> None:
        engine = engines.get(db_url)
        if engine is None:
            original_init(self, db_url, course_id, authenticator)
            self.db.remove()
            engine = engines[db_url] = self.engine
        self.engine = engine
        if db_url not in _SHARED:
            _SHARED[db_url] = _SharedSession(engine)
        self.db = _SHARED[db_url]
        if (db_url, course_id) not in courses:
            self.check_course(course_id=course_id)
            courses.add((db_url, course_id))
        self.course_id = course_id
        self.authenticator = authenticator

    def close(self: Any) -> None:
        pass

    try:
        head = gradebook._alembic_head()
        nbgrader.api.get_alembic_version = lambda: head
    except Exception:  # noqa: BLE001 - nbgrader's own way still works
        pass
    from nbgrader.nbgraderformat import v3

    original_validate = v3.MetadataValidatorV3.validate_cell
    valid: set[tuple[str, str]] = set()

    def validate_cell(self: Any, cell: Any) -> None:
        # the checks depend on the cell type and nbgrader metadata only: most cells repeat in every submission
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            return
        key = (cell.cell_type, json.dumps(meta, sort_keys=True, default=str))
        if key in valid:
            return
        original_validate(self, cell)
        valid.add(key)

    nbgrader.api.Gradebook.__init__ = init
    nbgrader.api.Gradebook.close = close
    v3.MetadataValidatorV3.validate_cell = validate_cell

    # OverwriteCells looks up every cell's master record (read-only) in every submission
    from types import SimpleNamespace

    original_source = nbgrader.api.Gradebook.find_source_cell
    original_graded = nbgrader.api.Gradebook.find_graded_cell
    masters: dict[tuple[Any, ...], Any] = {}

    def find_source_cell(self: Any, name: str, notebook: str, assignment: str) -> Any:
        key = ("source", str(self.engine.url), self.course_id, name, notebook, assignment)
        if key not in masters:
            c = original_source(self, name, notebook, assignment)
            masters[key] = SimpleNamespace(name=c.name, cell_type=c.cell_type, locked=c.locked, source=c.source,
                                           checksum=c.checksum)
        return masters[key]

    def find_graded_cell(self: Any, name: str, notebook: str, assignment: str) -> Any:
        key = ("graded", str(self.engine.url), self.course_id, name, notebook, assignment)
        if key not in masters:
            c = original_graded(self, name, notebook, assignment)
            masters[key] = SimpleNamespace(name=c.name, cell_type=c.cell_type, max_score=c.max_score)
        return masters[key]

    nbgrader.api.Gradebook.find_source_cell = find_source_cell
    nbgrader.api.Gradebook.find_graded_cell = find_graded_cell

    # SaveAutoGrades looks up each cell's Grade and Comment with its own query: read a submitted
    # notebook's rows once (the same session objects nbgrader's queries return); nbgrader's own
    # lookup still answers anything not found there (and raises MissingEntry as before)
    original_grade = nbgrader.api.Gradebook.find_grade
    original_comment = nbgrader.api.Gradebook.find_comment

    def submitted_cells(self: Any, notebook: str, assignment: str, student: str) -> Any:
        shared = self.db if isinstance(self.db, _SharedSession) else None
        if shared is None:
            return None
        key = (notebook, assignment, student)
        if key not in shared.submitted:
            shared.submitted[key] = _submitted_rows(shared.session, notebook, assignment, student)
        return shared.submitted[key]

    def find_grade(self: Any, grade_cell: str, notebook: str, assignment: str, student: str) -> Any:
        rows = submitted_cells(self, notebook, assignment, student)
        if rows is not None and grade_cell in rows[0]:
            return rows[0][grade_cell]
        return original_grade(self, grade_cell, notebook, assignment, student)

    def find_comment(self: Any, solution_cell: str, notebook: str, assignment: str, student: str) -> Any:
        rows = submitted_cells(self, notebook, assignment, student)
        if rows is not None and solution_cell in rows[1]:
            return rows[1][solution_cell]
        return original_comment(self, solution_cell, notebook, assignment, student)

    nbgrader.api.Gradebook.find_grade = find_grade
    nbgrader.api.Gradebook.find_comment = find_comment
    try:
        yield
    finally:
        _MASTER_VIEWS.clear()
        nbgrader.api.Gradebook.find_grade = original_grade
        nbgrader.api.Gradebook.find_comment = original_comment
        nbgrader.api.Gradebook.find_source_cell = original_source
        nbgrader.api.Gradebook.find_graded_cell = original_graded
        v3.MetadataValidatorV3.validate_cell = original_validate
        nbgrader.api.get_alembic_version = original_version
        nbgrader.api.Gradebook.__init__ = original_init
        nbgrader.api.Gradebook.close = original_close
        for url in list(_SHARED):
            shared = _SHARED.pop(url)
            try:
                shared.real_commit()
            finally:
                shared.session.close()
        for engine in engines.values():
            engine.dispose()


def _submitted_rows(session: Any, notebook: str, assignment: str,
                    student: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A submitted notebook's Grade objects by grade (else task) cell name and Comment objects by solution
    (else task) cell name: the rows nbgrader's ``find_grade`` and ``find_comment`` return."""
    from nbgrader.api import (
        Assignment,
        BaseCell,
        Comment,
        Grade,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    def rows(model: Any, preferred: str) -> dict[str, Any]:
        q = (session.query(model, BaseCell.name, BaseCell.type)
             .join(BaseCell, BaseCell.id == model.cell_id)
             .join(SubmittedNotebook, SubmittedNotebook.id == model.notebook_id)
             .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
             .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
             .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
             .filter(Notebook.name == notebook, Assignment.name == assignment,
                     SubmittedAssignment.student_id == student))
        out: dict[str, Any] = {}
        for obj, name, kind in q:
            if kind == preferred:
                out[name] = obj
            elif kind == "TaskCell":
                out.setdefault(name, obj)
        return out

    return rows(Grade, "GradeCell"), rows(Comment, "SolutionCell")


@contextlib.contextmanager
def _execution_env() -> Iterator[None]:
    """``NBGRADER_EXECUTION=autograde`` as nbgrader sets it while autograding (restored afterwards)."""
    previous = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = previous


def run_app(argv: list[str], root: str | None = None) -> tuple[int, list[Outcome]]:
    """Run `govai grade` as nbgrader runs `autograde`: returns the exit code and the outcomes."""
    from govai.grading.gradebook import ensure_path

    ensure_path()
    app = GovaiAutogradeApp()
    code = 0
    try:
        app.initialize(argv, root=root or "")
        with _execution_env():          # the judge runs tests in this process (worker threads)
            app.start()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    converter = getattr(app, "converter", None)
    outcomes = sorted(converter.outcomes, key=lambda o: o.student) if converter is not None else []
    if converter is not None and outcomes:
        _fill_scores(app, outcomes)
    try:
        app.deinit_logging()
    except Exception:  # noqa: BLE001
        pass
    app.clear_instance()
    return code, outcomes


def _fill_scores(app: Any, outcomes: list[Outcome]) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with _fast_gradebook(), Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        for o in outcomes:
            if o.status == "failed":
                continue
            try:
                sub = gb.find_submission(app.coursedir.assignment_id, o.student)
            except MissingEntry:
                continue
            o.score, o.max_score = float(sub.score), float(sub.max_score)
            missing = [nb.notebook.name for nb in sub.notebooks
                       if not os.path.exists(os.path.join(app.coursedir.format_path(
                           app.coursedir.submitted_directory, o.student, app.coursedir.assignment_id),
                           f"{nb.notebook.name}.ipynb"))]
            if missing and o.status == "graded":
                o.reason = f"缺少筆記本 missing: {', '.join(missing)}"



def differences_markdown() -> str:
    """docs/nbgrader-differences.md, generated from :data:`DIFFERENCES` and :data:`SKIPPED_TESTS`."""
    lines = ["# Differences from nbgrader autograde / 與 nbgrader autograde 的差異", "",
             "<!-- generated by govai.grading.autograde.differences_markdown(); "
             "tests/test_grade_nbgrader.py checks it is current -->", "",
             "`govai grade` is nbgrader's `autograde` with the notebook execution and the scheduling replaced "
             "(see `src/govai/grading/autograde.py`). nbgrader's own autograde test suite "
             "(`nbgrader/tests/apps/test_nbgrader_autograde.py`) runs in `make test` with `govai grade` in place of "
             "every `nbgrader autograde` (`tests/nbgrader_suite/`). These are the behaviours where govai deliberately "
             "differs; none changes a score on honest work.", "",
             "| nbgrader autograde | govai grade | why |", "|---|---|---|"]
    for d in DIFFERENCES:
        lines.append(f"| {d['behaviour']} | {d['govai']} | {d['why']} |")
    lines += ["", "nbgrader tests expected to fail with govai: "
              + (", ".join(f"`{k}` ({v})" for k, v in SKIPPED_TESTS.items()) if SKIPPED_TESTS else "none") + ".", ""]
    return "\n".join(lines)
