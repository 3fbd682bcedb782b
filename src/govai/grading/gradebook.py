"""nbgrader's gradebook, written the way `nbgrader autograde` writes it, one transaction per submission.

* :func:`ensure_assignment` registers an assignment that the gradebook does not know yet by running
  nbgrader's own ``generate_assignment`` on a throw-away copy of ``source/`` (so the checksums and
  cell records are exactly nbgrader's), then copying its rows into the real gradebook in a single
  transaction.
* :func:`record` writes one submission's student, submission, notebook, grade and comment rows and
  govai's ``govai_graded`` marker (the digest of what was graded) in one transaction: killed at any
  moment, the gradebook holds either the old state or the new one, never half of it.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Float, MetaData, String, Table, select

from govai.errors import GovaiError

_meta = MetaData()
graded_table = Table(
    "govai_graded", _meta,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("digest", String(128), nullable=False),   # "pending:" + sha256 hex is 72 characters
    Column("graded_at", DateTime(), nullable=False),
    Column("seconds", Float()),
)


def ensure_path() -> None:
    """nbgrader runs `alembic` as a subprocess: make this interpreter's bin/ reachable on PATH."""
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + path


_head: str | None = None


def _alembic_head() -> str:
    """nbgrader's schema version, read in-process (nbgrader itself runs `alembic heads` in a subprocess)."""
    global _head
    if _head is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from nbgrader.dbutil import ALEMBIC_DIR

        cfg = Config()
        cfg.set_main_option("script_location", ALEMBIC_DIR)
        _head = str(ScriptDirectory.from_config(cfg).get_current_head())
    return _head


@contextmanager
def open_gradebook(db_url: str, course_id: str | None = None) -> Iterator[Any]:
    import nbgrader.api
    from nbgrader.api import Gradebook

    ensure_path()
    try:
        head = _alembic_head()
        nbgrader.api.get_alembic_version = lambda: head
    except Exception:  # noqa: BLE001 - fall back to nbgrader's subprocess (PATH is set above)
        pass
    gb = Gradebook(db_url, course_id=course_id) if course_id is not None else Gradebook(db_url)
    try:
        _meta.create_all(gb.engine, checkfirst=True)
        yield gb
    finally:
        gb.close()
        gb.engine.dispose()


@dataclass
class AssignmentInfo:
    name: str
    course_id: str
    checksums: dict[str, dict[str, str]] = field(default_factory=dict)   # notebook -> cell name -> checksum


def _load_info(gb: Any, name: str) -> AssignmentInfo | None:
    from nbgrader.api import Assignment

    a = gb.db.query(Assignment).filter(Assignment.name == name).one_or_none()
    if a is None or not a.notebooks:
        return None
    info = AssignmentInfo(name, a.course_id)
    for nb in a.notebooks:
        info.checksums[nb.name] = {c.name: c.checksum for c in nb.source_cells if c.checksum}
    return info


def ensure_assignment(course: Path, name: str, db_url: str) -> AssignmentInfo:
    """The assignment's gradebook records, registering it from ``source/`` when missing."""
    with open_gradebook(db_url) as gb:
        info = _load_info(gb, name)
    if info is not None:
        return info
    with tempfile.TemporaryDirectory(prefix="govai-register-") as tmp:
        tmp_course = Path(tmp)
        shutil.copytree(course / "source" / name, tmp_course / "source" / name)
        if (course / "nbgrader_config.py").exists():
            shutil.copy(course / "nbgrader_config.py", tmp_course / "nbgrader_config.py")
        tmp_db = f"sqlite:///{tmp_course}/gradebook.db"
        ensure_path()
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
             f"--CourseDirectory.root={tmp_course}", f"--db={tmp_db}", "--log-level=WARN"],
            cwd=tmp_course, capture_output=True, text=True, env=dict(os.environ))
        if proc.returncode != 0:
            raise GovaiError(f"無法以 nbgrader 登錄作業 {name} / nbgrader generate_assignment failed:\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        with open_gradebook(tmp_db) as tmp_gb:
            _copy_assignment(tmp_gb, db_url, name)
    with open_gradebook(db_url) as gb:
        info = _load_info(gb, name)
    if info is None:
        raise GovaiError(f"作業 {name} 登錄後仍找不到 / assignment {name} missing after registration")
    return info


def _copy_assignment(src: Any, db_url: str, name: str) -> None:
    from nbgrader import api
    from sqlalchemy.exc import IntegrityError

    a = src.db.query(api.Assignment).filter(api.Assignment.name == name).one()
    with open_gradebook(db_url, course_id=a.course_id) as gb:
        s = gb.db
        if s.query(api.Assignment).filter(api.Assignment.name == name).one_or_none() is not None:
            return
        new_a = api.Assignment(name=a.name, duedate=a.duedate, course_id=a.course_id)
        s.add(new_a)
        for nb in a.notebooks:
            new_nb = api.Notebook(name=nb.name, assignment=new_a, kernelspec=nb.kernelspec)
            s.add(new_nb)
            for c in nb.grade_cells:
                s.add(api.GradeCell(name=c.name, max_score=c.max_score, cell_type=c.cell_type, notebook=new_nb))
            for c in nb.solution_cells:
                s.add(api.SolutionCell(name=c.name, notebook=new_nb))
            for c in nb.task_cells:
                s.add(api.TaskCell(name=c.name, max_score=c.max_score, cell_type=c.cell_type, notebook=new_nb))
            for c in nb.source_cells:
                s.add(api.SourceCell(name=c.name, cell_type=c.cell_type, locked=c.locked, source=c.source,
                                     checksum=c.checksum, notebook=new_nb))
        try:
            s.commit()
        except IntegrityError:           # registered concurrently by another grader
            s.rollback()


# -- per submission -----------------------------------------------------------------------------


def graded_digests(db_url: str, assignment: str) -> dict[str, str]:
    with open_gradebook(db_url) as gb:
        rows = gb.db.execute(select(graded_table.c.student, graded_table.c.digest)
                             .where(graded_table.c.assignment == assignment)).all()
    return {r[0]: r[1] for r in rows}


@dataclass
class NotebookGrades:
    scores: dict[str, float | None]          # grade cell name -> auto score (None: manual)
    comments: dict[str, str | None]          # solution/task cell name -> auto comment
    missing: bool = False


class Recorder:
    """Writes submissions in small batches, each batch one transaction (all of it or none of it)."""

    def __init__(self, gb: Any, batch: int = 16, interval: float = 1.0) -> None:
        self.gb, self.batch, self.interval = gb, batch, interval
        self.pending: list[tuple[str, str, _dt.datetime | None, dict[str, NotebookGrades], str, float]] = []
        self.first = 0.0

    def add(self, assignment: str, student: str, timestamp: _dt.datetime | None,
            notebooks: dict[str, NotebookGrades], digest: str, seconds: float) -> None:
        import time

        if not self.pending:
            self.first = time.monotonic()
        self.pending.append((assignment, student, timestamp, notebooks, digest, seconds))
        if len(self.pending) >= self.batch or time.monotonic() - self.first >= self.interval:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        from nbgrader import api
        from sqlalchemy.exc import IntegrityError, OperationalError

        for attempt in range(5):
            s = self.gb.db
            try:
                cache: dict[str, Any] = {}
                with s.no_autoflush:
                    for args in self.pending:
                        _record(s, api, *args, cache=cache)
                s.commit()
                self.pending.clear()
                return
            except (IntegrityError, OperationalError):
                s.rollback()
                if attempt == 4:
                    raise
                import time

                time.sleep(0.2 * (attempt + 1))


def record(gb: Any, assignment: str, student: str, timestamp: _dt.datetime | None,
           notebooks: dict[str, NotebookGrades], digest: str, seconds: float) -> None:
    """Write one submission's grades and the govai marker in a single transaction."""
    rec = Recorder(gb)
    rec.add(assignment, student, timestamp, notebooks, digest, seconds)
    rec.flush()


def _record(s: Any, api: Any, assignment: str, student: str, timestamp: _dt.datetime | None,
            notebooks: dict[str, NotebookGrades], digest: str, seconds: float,
            cache: dict[str, Any] | None = None) -> None:
    cache = {} if cache is None else cache
    stu = s.get(api.Student, student)
    if stu is None:
        stu = api.Student(id=student)
        s.add(stu)
    a = cache.get("assignment")
    if a is None or a.name != assignment:
        a = cache["assignment"] = s.query(api.Assignment).filter(api.Assignment.name == assignment).one()
    sub = s.query(api.SubmittedAssignment).filter(api.SubmittedAssignment.assignment_id == a.id,
                                                  api.SubmittedAssignment.student_id == student).one_or_none()
    if sub is None:
        sub = api.SubmittedAssignment(assignment=a, student=stu)
        s.add(sub)
        for nb in a.notebooks:
            snb = api.SubmittedNotebook(notebook=nb, assignment=sub)
            s.add(snb)
            for c in nb.grade_cells:
                s.add(api.Grade(cell=c, notebook=snb))
            for c in nb.solution_cells:
                s.add(api.Comment(cell=c, notebook=snb))
            for c in nb.task_cells:
                s.add(api.Comment(cell=c, notebook=snb))
                s.add(api.Grade(cell=c, notebook=snb))
    sub.timestamp = timestamp
    for snb in sub.notebooks:
        res = notebooks.get(snb.notebook.name)
        if res is None:
            continue
        for grade in snb.grades:
            if grade.cell.type == "TaskCell":
                continue
            if res.missing:
                grade.auto_score, grade.needs_manual_grade = 0.0, False
                continue
            if grade.cell.name not in res.scores:
                continue
            grade.auto_score = res.scores[grade.cell.name]
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        for comment in snb.comments:
            if comment.cell.name in res.comments:
                comment.auto_comment = res.comments[comment.cell.name]
    now = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    existing = s.execute(select(graded_table.c.digest).where(graded_table.c.assignment == assignment,
                                                             graded_table.c.student == student)).first()
    if existing is None:
        s.execute(graded_table.insert().values(assignment=assignment, student=student, digest=digest,
                                               graded_at=now, seconds=seconds))
    else:
        s.execute(graded_table.update().where(graded_table.c.assignment == assignment,
                                              graded_table.c.student == student)
                  .values(digest=digest, graded_at=now, seconds=seconds))


class Marks:
    """govai's record of what it graded (``govai_graded``): the digest of each graded submission, or
    ``pending:<digest>`` while its grading is under way, so a killed run is resumed and a changed
    submission regraded."""

    def __init__(self, db_url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(db_url)
        _meta.create_all(self.engine, checkfirst=True)

    def load(self, assignment: str) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(graded_table.c.student, graded_table.c.digest)
                                .where(graded_table.c.assignment == assignment)).all()
        return {r[0]: r[1] for r in rows}

    def mark(self, assignment: str, student: str, digest: str, seconds: float, session: Any = None) -> None:
        """Record ``digest`` for the submission: in ``session``'s transaction if given, else at once."""
        now = _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
        where = (graded_table.c.assignment == assignment) & (graded_table.c.student == student)
        ctx = self.engine.begin() if session is None else contextlib.nullcontext(session)
        with ctx as conn:
            if conn.execute(select(graded_table.c.digest).where(where)).first() is None:
                conn.execute(graded_table.insert().values(assignment=assignment, student=student, digest=digest,
                                                          graded_at=now, seconds=seconds))
            else:
                conn.execute(graded_table.update().where(where).values(digest=digest, graded_at=now,
                                                                       seconds=seconds))

    def close(self) -> None:
        self.engine.dispose()
