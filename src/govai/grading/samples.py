"""Synthetic course folders with honest submissions (for the grading tests and bench/grade_bench.py).

Submissions are built from an nbgrader master the way a learner produces them: the student version
(solutions replaced by the course's stub, hidden tests removed) with answers typed into the
solution cells. The "honest" answer is the master's own solution; a submission may also give the
master's known-wrong answer (the first wrong answer of its mutation suite) or leave a cell unanswered.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.paths import repo_root

CODE_STUB = "raise NotImplementedError()  # 請刪除這一行，在此作答"
TEXT_STUB = "請在此作答（雙擊這個儲存格開始編輯）。"
TIMESTAMP = "2025-06-01 09:00:00.000000 UTC"


def _meta(cell: NotebookNode) -> dict[str, Any]:
    m = cell.get("metadata", {}).get("nbgrader")
    return m if isinstance(m, dict) else {}


def honest(source: str) -> str:
    """The master's solution as a learner would type it: delimiters gone, stubs before them kept."""
    return "\n".join(ln for ln in source.splitlines() if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln)


def student_version(master: NotebookNode) -> NotebookNode:
    """What nbgrader's generate_assignment gives learners (without checksums)."""
    from govai.grading.judge import strip_hidden

    nb = copy.deepcopy(master)
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution"):
            lines, inside, out = cell.source.splitlines(), False, []
            for ln in lines:
                if "BEGIN SOLUTION" in ln:
                    inside = True
                    indent = ln[: len(ln) - len(ln.lstrip())]
                    out.append(indent + (CODE_STUB if cell.cell_type == "code" else TEXT_STUB))
                    continue
                if "END SOLUTION" in ln:
                    inside = False
                    continue
                if not inside:
                    out.append(ln)
            cell.source = "\n".join(out) if any("BEGIN SOLUTION" in ln for ln in lines) else (
                CODE_STUB if cell.cell_type == "code" else TEXT_STUB)
        elif meta.get("grade") and cell.cell_type == "code":
            cell.source = strip_hidden(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("govai", None)
    return nb


def submission(master: NotebookNode, answers: dict[str, str | None] | None = None,
               default: str = "honest") -> NotebookNode:
    """A learner's notebook: ``answers[grade_id]`` is source, ``None`` (unanswered) or 'honest'/'wrong'."""
    answers = answers or {}
    nb = student_version(master)
    from govai.mutations import first_wrong_answers

    by_gid = {_meta(c).get("grade_id"): c for c in master.cells if _meta(c).get("solution")}
    wrong_answers = first_wrong_answers(master)
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid not in by_gid:
            continue
        choice = answers.get(gid, default)
        if choice is None:
            continue
        if choice == "honest":
            cell.source = honest(by_gid[gid].source)
        elif choice == "wrong":
            wrong = wrong_answers.get(gid)
            cell.source = wrong if wrong is not None else honest(by_gid[gid].source)
        else:
            cell.source = choice
    return nb


def write_submission(course: Path, student: str, assignment: str, nb: NotebookNode | bytes | str,
                     name: str | None = None, timestamp: str | None = TIMESTAMP) -> Path:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or assignment}.ipynb"
    if isinstance(nb, bytes):
        path.write_bytes(nb)
    elif isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        path.write_text(nbformat.writes(nb, version=4), encoding="utf-8")
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return path


def new_course(course: Path, assignment: str, source_dir: Path | None = None,
               config: Path | None = None) -> NotebookNode:
    """A fresh course folder holding ``source/<assignment>/`` and the course's nbgrader config."""
    src = source_dir or repo_root() / "source" / assignment
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, course / "source" / assignment, dirs_exist_ok=True)
    cfg = config or repo_root() / "nbgrader_config.py"
    if cfg.exists():
        shutil.copy(cfg, course / "nbgrader_config.py")
    return nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def varied_answers(master: NotebookNode, i: int) -> dict[str, str | None]:
    """Honest submission number ``i``: all right, some known-wrong answers, or some unanswered."""
    gids = [_meta(c)["grade_id"] for c in master.cells if _meta(c).get("solution")]
    if i % 4 == 1:
        return {g: "wrong" for g in gids[1::3]}
    if i % 4 == 2:
        return {g: None for g in gids[::4]}
    return {}


def make_batch(course: Path, assignment: str, n: int, source_dir: Path | None = None) -> list[str]:
    """``n`` honest submissions of ``assignment`` in a fresh course folder; returns the student ids."""
    master = new_course(course, assignment, source_dir)
    students = [f"learner{i:04d}" for i in range(n)]
    for i, student in enumerate(students):
        write_submission(course, student, assignment, submission(master, varied_answers(master, i)))
    return students


def dumps(nb: NotebookNode) -> str:
    return json.dumps(nb, ensure_ascii=False)
