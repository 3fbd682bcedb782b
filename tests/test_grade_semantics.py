"""Tests see the learner's namespace and files as in nbgrader, while the learner still cannot change a verdict.

One course exercises what nbgrader's own suite does not: a test that deletes and restores a learner
name (nbgrader's documentation example), a learner function that changes a learner global, IPython
magics in a test, ``NBGRADER_EXECUTION``, a file shipped with the assignment, a file the learner's
code writes (kept in ``autograded/``), a notebook saved before cell ids existed, and a notebook whose
kernel is not Python (run through its kernelspec inside the sandbox).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h

pytestmark = pytest.mark.slow
A = "ps1"


def _meta(gid: str, *, grade: bool = False, solution: bool = False, points: float = 0.0,
          locked: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3,
                            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _test(gid: str, source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata=_meta(gid, grade=True, points=1.0, locked=True))


def _answer(gid: str, source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata=_meta(gid, solution=True))


MASTER_CELLS = [
    _answer("squares", "def squares(n):\n    ### BEGIN SOLUTION\n    return [i ** 2 for i in range(1, n + 1)]\n"
                       "    ### END SOLUTION"),
    _answer("sum_of_squares", "def sum_of_squares(n):\n    ### BEGIN SOLUTION\n    return sum(squares(n))\n"
                              "    ### END SOLUTION"),
    _test("uses_squares", '"""Check that sum_of_squares relies on squares."""\norig_squares = squares\ndel squares\n'
                          "try:\n    sum_of_squares(1)\nexcept NameError:\n    pass\nelse:\n"
                          '    raise AssertionError("sum_of_squares does not use squares")\nfinally:\n'
                          "    squares = orig_squares"),
    _test("still_there", "assert sum_of_squares(2) == 5"),
    _answer("counter", "count = 0\ndef bump():\n    global count\n    ### BEGIN SOLUTION\n    count += 1\n"
                       "    ### END SOLUTION"),
    _test("counter_test", "bump()\nbump()\nassert count == 2"),
    _test("magic", "%time total = sum_of_squares(3)\nassert total == 14"),
    _test("env", 'import os\nassert os.environ.get("NBGRADER_EXECUTION") == "autograde"'),
    _test("shipped", 'with open("data.txt") as fh:\n    assert fh.read().strip() == "42"'),
    _answer("writer", '### BEGIN SOLUTION\nwith open("out.txt", "w") as fh:\n    fh.write("hello")\n'
                      "### END SOLUTION"),
    _test("written", 'import os\nassert os.path.exists("out.txt")\nwith open("out.txt") as fh:\n'
                     '    assert fh.read() == "hello"'),
    _test("extra_once", "assert extra_runs == 1"),
    _answer("total", "data = [1, 2, 3]\ndef total():\n    ### BEGIN SOLUTION\n    return sum(data)\n"
                     "    ### END SOLUTION"),
    _test("in_place", "data.append(4)\nassert total() == 10\nassert data == [1, 2, 3, 4]"),
]


def _course(root: Path, cells: list[nbformat.NotebookNode], kernelspec: dict[str, str] | None = None) -> None:
    master = nbformat.v4.new_notebook(cells=cells)
    master.metadata["kernelspec"] = kernelspec or {"name": "python3", "display_name": "Python 3",
                                                   "language": "python"}
    (root / "source" / A).mkdir(parents=True)
    nbformat.write(master, root / "source" / A / "p1.ipynb")
    (root / "source" / A / "data.txt").write_text("42\n")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE', 'fakelang': '# YOUR CODE HERE'}\n")


def _submit(root: Path, student: str, nb: nbformat.NotebookNode | dict[str, Any]) -> None:
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True)
    text = json.dumps(nb) if isinstance(nb, dict) and not isinstance(nb, nbformat.NotebookNode) else nbformat.writes(nb)
    (folder / "p1.ipynb").write_text(text, encoding="utf-8")


def _honest(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(json.loads(json.dumps(c))) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_tests_see_the_learner_namespace_and_files_as_in_nbgrader(tmp_path: Path) -> None:
    course = tmp_path / "course"
    _course(course, MASTER_CELLS)
    honest = _honest(MASTER_CELLS)
    honest.cells.insert(2, nbformat.v4.new_code_cell("extra_runs = globals().get('extra_runs', 0) + 1"))
    _submit(course, "honest", honest)
    # saved before nbformat 4.5: no cell ids; the learner's extra cell must run once
    old = json.loads(nbformat.writes(honest))
    old["nbformat_minor"] = 4
    for cell in old["cells"]:
        cell.pop("id", None)
    _submit(course, "old_format", old)
    # wrong: sum_of_squares does not use squares; bump does nothing; no file written
    wrong = _honest(MASTER_CELLS)
    wrong.cells[1].source = "def sum_of_squares(n):\n    return sum(i * i for i in range(1, n + 1))"
    wrong.cells[4].source = "count = 0\ndef bump():\n    pass"
    wrong.cells[9].source = "pass"
    wrong.cells[12].source = "data = [1, 2, 3]\ndef total():\n    return 6"
    wrong.cells.insert(2, nbformat.v4.new_code_cell("extra_runs = 1"))
    _submit(course, "wrong", wrong)

    out = h.grade(course, A, workers=2)
    assert {s: o.status for s, o in out.items()} == {"honest": "graded", "old_format": "graded", "wrong": "graded"}
    s = h.scores(h.sqlite(course), A)
    for student in ("honest", "old_format"):
        assert {k[1]: v[0] for k, v in s.items() if k[0] == student} == {
            "uses_squares": 1.0, "still_there": 1.0, "counter_test": 1.0, "magic": 1.0, "env": 1.0,
            "shipped": 1.0, "written": 1.0, "extra_once": 1.0, "in_place": 1.0}, student
    assert {k[1]: v[0] for k, v in s.items() if k[0] == "wrong"} == {
        "uses_squares": 0.0, "still_there": 1.0, "counter_test": 0.0, "magic": 1.0, "env": 1.0,
        "shipped": 1.0, "written": 0.0, "extra_once": 1.0, "in_place": 0.0}
    # nbgrader keeps what the notebook wrote, read-only like the rest of autograded/
    kept = course / "autograded" / "honest" / A / "out.txt"
    assert kept.read_text() == "hello" and oct(kept.stat().st_mode)[-3:] == "444"
    assert not (course / "autograded" / "wrong" / A / "out.txt").exists()
    assert not (course / "submitted" / "honest" / A / "out.txt").exists()


def test_a_test_cannot_be_fooled_through_the_shared_namespace(tmp_path: Path) -> None:
    """Names a test assigns reach the learner kernel, but what the learner kernel does with them is an answer."""
    course = tmp_path / "course"
    cells = [
        _answer("f", "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        _test("f_test", "expected = 6\nassert f(3) == expected"),
    ]
    _course(course, cells)
    cheat = _honest(cells)
    # the learner's f rewrites the test's `expected` in its own namespace and returns an always-equal object
    cheat.cells[0].source = ("class Eq:\n    def __eq__(self, o):\n        return True\n"
                             "def f(x):\n    global expected\n    expected = Eq()\n    return Eq()")
    _submit(course, "cheat", cheat)
    _submit(course, "honest", _honest(cells))
    h.grade(course, A, workers=1)
    s = h.scores(h.sqlite(course), A)
    assert s[("honest", "f_test")][0] == 1.0
    assert s[("cheat", "f_test")][0] == 0.0


def test_hidden_tests_follow_the_courses_own_delimiters(tmp_path: Path) -> None:
    """A course that marks hidden tests its own way (``ClearHiddenTests`` in nbgrader_config.py): what the
    hidden part defines never reaches the learner kernel, what the visible part defines does."""
    course = tmp_path / "course"
    cells = [
        _answer("x", "### BEGIN SOLUTION\nx = 3\n### END SOLUTION"),
        _test("x_test", "def visible_helper():\n    return 1\n# >>> SECRET\ndef secret_helper():\n    return 2\n"
                        "assert x == 3\n# <<< SECRET"),
        _answer("probe", "### BEGIN SOLUTION\nleaked = 'secret_helper' in globals()\n"
                         "seen = 'visible_helper' in globals()\n### END SOLUTION"),
        _test("no_leak", "assert seen, '看不到測試公開部分定義的函式'\nassert not leaked, '隱藏測試的定義外洩到學員核心'"),
    ]
    _course(course, cells)
    with (course / "nbgrader_config.py").open("a") as fh:
        fh.write("c.ClearHiddenTests.begin_test_delimeter = '>>> SECRET'\n"
                 "c.ClearHiddenTests.end_test_delimeter = '<<< SECRET'\n")
    _submit(course, "honest", _honest(cells))
    out = h.grade(course, A, workers=1)
    assert out["honest"].status == "graded"
    s = h.scores(h.sqlite(course), A)
    assert s[("honest", "x_test")][0] == 1.0
    assert s[("honest", "no_leak")][0] == 1.0


def test_non_python_kernel_runs_through_its_kernelspec_in_the_sandbox(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    kernels = tmp_path / "jupyter" / "kernels" / "fakelang"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Fake language", "language": "fakelang"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    course = tmp_path / "course"
    cells = [_answer("x", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"),
             _test("x_is_1", "assert x == 1"), _test("x_is_2", "assert x == 2")]
    spec = {"name": "fakelang", "display_name": "Fake language", "language": "fakelang"}
    _course(course, cells, kernelspec=spec)
    nb = _honest(cells)
    nb.metadata["kernelspec"] = spec
    _submit(course, "k", nb)
    out = h.grade(course, A, workers=1)
    assert out["k"].status == "graded", out["k"].reason
    s = h.scores(h.sqlite(course), A)
    assert (s[("k", "x_is_1")][0], s[("k", "x_is_2")][0]) == (1.0, 0.0)
    executed = nbformat.read(course / "autograded" / "k" / A / "p1.ipynb", as_version=4)
    assert [o.ename for o in executed.cells[2].outputs if o.output_type == "error"] == ["AssertionError"]
