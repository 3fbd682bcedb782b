"""Solution regions, hidden-test regions and the answer stub: nbgrader's rules, read in one place.

A master's solution cell holds ``### BEGIN SOLUTION`` … ``### END SOLUTION``; a test cell may hold
``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS``. What learners get is what nbgrader's own
``ClearSolutions`` and ``ClearHiddenTests`` preprocessors make of them (``govai release`` runs
them), so this module runs those same preprocessors, configured from the course's
``nbgrader_config.py``: the stub a learner sees (``ClearSolutions.code_stub`` / ``text_stub``) is
written once, there, and the delimiters are nbgrader's (a line *containing* the delimiter marks it,
case-sensitive). Two views nbgrader has no function for use the same delimiters and line rule:

- :func:`answer` — the master's solution as a learner who got it right types it (delimiter lines gone);
- :func:`regions` — the text inside the solution regions (what the assessment standard inspects).

:func:`student_version` and :func:`answered` build synthetic learners' notebooks from a master
(the demo's cohort, the grading tests' submissions): one way to do it.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.course import nbmeta


@functools.cache
def _course_config(root: str) -> Any:
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    if not (Path(root) / "nbgrader_config.py").exists():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=root).load_config()


@functools.cache
def _preprocessors(root: str) -> tuple[Any, Any]:
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    config = _course_config(root)
    # Metadata is checked by `govai validate` and nbgrader itself; here a region is just text.
    return (ClearSolutions(config=config, enforce_metadata=False),
            ClearHiddenTests(config=config, enforce_metadata=False))


def _tools(root: Path | None) -> tuple[Any, Any]:
    from govai.paths import repo_root

    return _preprocessors(str(Path(root) if root else repo_root()))


def _delimiters(root: Path | None = None) -> tuple[str, str]:
    clear, _hidden = _tools(root)
    return clear.begin_solution_delimeter, clear.end_solution_delimeter


def code_stub(language: str = "python", root: Path | None = None) -> str:
    """The course's stub for a code answer (``ClearSolutions.code_stub``)."""
    return str(_tools(root)[0].code_stub[language])


def text_stub(root: Path | None = None) -> str:
    """The course's stub for a written answer (``ClearSolutions.text_stub``)."""
    return str(_tools(root)[0].text_stub)


def stub(source: str, cell_type: str = "code", language: str = "python", root: Path | None = None) -> str:
    """``source`` as learners receive it: each solution region replaced by the stub, indented as the
    region was; a solution cell without regions becomes the stub (nbgrader's ClearSolutions)."""
    clear, _hidden = _tools(root)
    cell = nbformat.v4.new_code_cell(source) if cell_type == "code" else nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "x", "locked": False}
    clear.preprocess_cell(cell, {"language": language}, 0)
    return str(cell.source)


@functools.lru_cache(maxsize=1024)
def without_hidden_tests(source: str, root: Path | None = None) -> str:
    """The test cell as learners see it: hidden-test regions removed with their delimiters (once per
    text: the judge asks for every test of every notebook it runs)."""
    _clear, hidden = _tools(root)
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "x", "locked": True}
    hidden.preprocess_cell(cell, {}, 0)
    return str(cell.source)


def has_solution(source: str, root: Path | None = None) -> bool:
    """Whether ``source`` holds a solution region."""
    return _delimiters(root)[0] in source


def has_hidden_tests(source: str, root: Path | None = None) -> bool:
    return _tools(root)[1].begin_test_delimeter in source


def hidden_tests(source: str, root: Path | None = None) -> str:
    """The text inside the hidden-test regions (joined by newlines)."""
    _clear, hidden = _tools(root)
    return _inside(source, hidden.begin_test_delimeter, hidden.end_test_delimeter)


def _inside(source: str, begin: str, end: str) -> str:
    out: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            out.append(line)
    return "\n".join(out)


def regions(source: str, root: Path | None = None) -> str:
    """The text inside the solution regions (joined by newlines); the whole source when it has none."""
    begin, end = _delimiters(root)
    return _inside(source, begin, end) if begin in source else source


def answer(source: str, root: Path | None = None) -> str:
    """The master's solution as a learner who got it right would type it: delimiter lines removed."""
    begin, end = _delimiters(root)
    return "\n".join(line for line in source.split("\n") if begin not in line and end not in line)


# -- synthetic learners' notebooks ---------------------------------------------------------------


def student_version(master: NotebookNode, language: str = "python", root: Path | None = None) -> NotebookNode:
    """What nbgrader's generate_assignment gives learners (solutions stubbed, hidden tests and
    instructor metadata removed, no outputs; without checksums). For a track whose release/ is not
    generated yet, and for tests that need a release of a master they wrote."""
    nb = copy.deepcopy(master)
    for cell in nb.cells:
        if nbmeta.is_solution(cell):
            cell.source = stub(cell.source, cell.cell_type, language, root)
        elif nbmeta.is_graded(cell) and cell.cell_type == "code":
            cell.source = without_hidden_tests(cell.source, root)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("govai", None)
    return nb


def answered(release: NotebookNode, master: NotebookNode, answers: dict[str, str | None]) -> NotebookNode:
    """A learner's copy of ``release``: ``answers[grade_id]`` is ``"right"`` (the master's solution),
    ``None`` (left as released) or the new source of that solution cell; cells not named stay as released."""
    solutions = {nbmeta.grade_id(c): c for c in master.cells if nbmeta.is_solution(c) and nbmeta.grade_id(c)}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = nbmeta.grade_id(cell)
        if not (gid and nbmeta.is_solution(cell)) or gid not in solutions or answers.get(gid) is None:
            continue
        given = answers[gid]
        cell.source = answer(solutions[gid].source) if given == "right" else str(given)
    return nb
