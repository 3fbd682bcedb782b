"""The one engine behind `govai grade` and `govai run`: compose, execute, score.

1. ``compose``: rebuild the notebook to grade from the instructor's master (``source/``):
   test cells, read-only cells and nbgrader metadata always come from the master, so an
   edited, deleted, duplicated or re-typed test cell changes nothing (what nbgrader's
   checksums intend); the learner contributes only the answers in solution cells (matched by
   ``grade_id``, then by cell id when metadata was stripped) and any extra code cells.
2. execute: there is one way, :func:`govai.grading.judge.execute` — learner cells in a sandboxed,
   pre-forked kernel and the master's tests outside it, errors allowed and per-cell timeouts that
   interrupt, so one failing cell costs only its own points. `govai grade` reaches it through
   :mod:`govai.grading.autograde`, `govai validate --mutations` through
   :func:`govai.grading.worker.grade_payload` and `govai run` through papermill's ``govai`` engine
   (:mod:`govai.grading.papermill_engine`).
3. ``score``: nbgrader's own ``determine_grade`` on every graded cell, with the govai tags
   (exercise, objective, competencies, certification domains) carried from the master.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.course import masters, nbmeta, solutions
from govai.course.items import ItemResult
from govai.course.nbmeta import grade_id, is_graded, is_solution
from govai.errors import SubmissionError

GRADED_TAG = "raises-exception"   # lets nbclient/papermill continue past a failing cell


# -- loading ------------------------------------------------------------------------------------


def read_notebook(path: Path) -> NotebookNode:
    """Read a learner's notebook, or raise SubmissionError naming the file in Traditional Chinese."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubmissionError(path, None, f"無法讀取檔案：{exc.strerror or exc}") from exc
    return parse_notebook(raw, path)


def parse_notebook(raw: bytes, path: Path | str) -> NotebookNode:
    """Parse a learner's notebook from its bytes; errors name ``path`` (as the learner knows it)."""
    path = Path(path)
    if not raw.strip():
        raise SubmissionError(path, None, "檔案是空的，請重新存檔後再繳交。")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SubmissionError(path, None, "檔案不是 UTF-8 編碼的筆記本（.ipynb）。") from exc
    except json.JSONDecodeError as exc:
        raise SubmissionError(path, None, f"檔案不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 欄），可能在存檔時損毀。") from exc
    except RecursionError as exc:
        raise SubmissionError(path, None, "檔案的 JSON 巢狀層數過多，無法讀取。") from exc
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise SubmissionError(path, None, "檔案不是 Jupyter 筆記本（缺少 cells）。")
    try:
        major = int(data.get("nbformat", 4))
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as exc:  # nbformat raises several kinds for old or odd versions
        raise SubmissionError(path, None, f"無法讀取筆記本格式（nbformat {data.get('nbformat')}）：{exc}") from exc
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) and "cell_type" in c
                                                        and isinstance(c.get("source", ""), str)
                                                        for c in nb.cells):
        raise SubmissionError(path, None, "筆記本的儲存格格式錯誤，無法讀取。")
    if major < 4:
        nb.metadata.setdefault("govai", {})["converted_from"] = major
    return nb


# -- composing ----------------------------------------------------------------------------------


def compose(submission: NotebookNode, master: NotebookNode) -> NotebookNode:
    """The notebook to execute: master's cells, with the learner's answers and extra code cells."""
    by_grade_id: dict[str, NotebookNode] = {}
    by_cell_id: dict[str, NotebookNode] = {}
    for cell in submission.cells:
        gid = grade_id(cell)
        # The first cell with a grade id wins: a duplicated solution cell cannot shadow the real one.
        if gid and is_solution(cell) and gid not in by_grade_id:
            by_grade_id[gid] = cell
        if cell.get("id") and cell.id not in by_cell_id:
            by_cell_id[cell.id] = cell
    master_ids = {c.get("id") for c in master.cells if c.get("id")}
    master_gids = {grade_id(c) for c in master.cells if grade_id(c)}

    composed = copy.deepcopy(master)
    used: set[int] = set()
    # Metadata and cell ids both stripped (an old nbformat, a tool that rewrote the file): when the
    # learner's notebook still has the master's shape, its cells are matched by position.
    by_position = (not by_grade_id and not (master_ids & set(by_cell_id))
                   and [c.cell_type for c in submission.cells] == [c.cell_type for c in master.cells])
    for i, cell in enumerate(composed.cells):
        if not is_solution(cell):
            continue
        theirs = by_grade_id.get(grade_id(cell) or "")
        if theirs is None and cell.get("id") in by_cell_id and not nbmeta.has_nbgrader(by_cell_id[cell.id]):
            theirs = by_cell_id[cell.id]   # metadata stripped, cell id kept
        if theirs is None and by_position:
            theirs = submission.cells[i]
        if theirs is not None and theirs.cell_type == cell.cell_type:
            composed.cells[i].source = theirs.source
            used.add(id(theirs))
        else:
            # No answer: the cell as the learner received it (the course's stub), as if left untouched.
            composed.cells[i].source = solutions.stub(cell.source, cell.cell_type)

    # The learner's own extra code cells run too, after the master cell they followed.
    extras: dict[str | None, list[NotebookNode]] = {}
    anchor: str | None = None
    for cell in submission.cells:
        cid, gid = cell.get("id"), grade_id(cell)
        if by_position:
            break           # same shape as the master: no extra cells
        if cid in master_ids or (gid in master_gids):
            anchor = _anchor_of(cell, master)
            continue
        if cell.cell_type == "code" and id(cell) not in used and cell.source.strip():
            extra = nbformat.v4.new_code_cell(cell.source)
            extra.metadata["govai"] = {"learner_extra": True}
            extras.setdefault(anchor, []).append(extra)
    if extras:
        cells: list[NotebookNode] = list(extras.get(None, []))
        for cell in composed.cells:
            cells.append(cell)
            cells.extend(extras.get(cell.get("id"), []))
        composed.cells = cells

    for cell in composed.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            tags = cell.metadata.setdefault("tags", [])
            if GRADED_TAG not in tags:
                tags.append(GRADED_TAG)
    composed.metadata.setdefault("govai", {})["master_sha256"] = notebook_hash(master)
    return composed


def _anchor_of(cell: NotebookNode, master: NotebookNode) -> str | None:
    gid = grade_id(cell)
    for m in master.cells:
        if (gid and grade_id(m) == gid) or (cell.get("id") and m.get("id") == cell.get("id")):
            return m.get("id")
    return None


def notebook_hash(nb: NotebookNode) -> str:
    """Hash of the cells' sources and types: what the learner wrote, not when it ran."""
    h = hashlib.sha256()
    for cell in nb.cells:
        h.update(cell.cell_type.encode())
        h.update(b"\0")
        h.update(cell.source.encode("utf-8"))
        h.update(b"\1")
    return h.hexdigest()


# -- scoring ------------------------------------------------------------------------------------


def _error_text(cell: NotebookNode) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"[:500]
    return None


def _duration(cell: NotebookNode) -> float | None:
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    try:
        parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
        return max(0.0, (parse(end) - parse(start)).total_seconds())
    except ValueError:
        return None


def score(executed: NotebookNode, master: NotebookNode, notebook: str = "") -> list[ItemResult]:
    """Points per graded cell by nbgrader's rules; points and tags are read from the master.

    ``notebook`` (``<track>/<name>.ipynb``) names the items' track and notebook (empty: unnamed).
    """
    from nbgrader.utils import determine_grade

    class _QuietLog:
        def warning(self, *a: Any, **k: Any) -> None: ...
        def error(self, *a: Any, **k: Any) -> None: ...
        def info(self, *a: Any, **k: Any) -> None: ...
        def debug(self, *a: Any, **k: Any) -> None: ...

    executed_by_gid: dict[str, NotebookNode] = {}
    for cell in executed.cells:
        gid = grade_id(cell)
        if gid and gid not in executed_by_gid:
            executed_by_gid[gid] = cell
    track = notebook.split("/", 1)[0] if "/" in notebook else ""
    items = []
    for mcell in master.cells:
        if not is_graded(mcell):
            continue
        item = masters.item_of(mcell, track, notebook)
        cell = executed_by_gid.get(item.grade_id)
        if cell is None:
            items.append(ItemResult(item, 0.0, "評分儲存格未執行"))
            continue
        if cell.cell_type == "code" and cell.get("execution_count") is None and not cell.get("outputs"):
            # A test that never ran (the kernel died or timed out before it) must not count as passed,
            # though nbgrader would score a code cell without an error output as full marks.
            items.append(ItemResult(item, 0.0, "評分儲存格未執行（程式可能已中止） / test cell did not run"))
            continue
        # Points come from the master, whatever the executed copy's metadata says.
        graded = copy.deepcopy(cell)
        graded.metadata["nbgrader"] = copy.deepcopy(nbmeta.nbgrader(mcell))
        auto, _max = determine_grade(graded, _QuietLog())
        items.append(ItemResult(item, None if auto is None else float(auto), _error_text(cell),
                                _duration(cell)))
    return items
