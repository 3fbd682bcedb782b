"""The assessment standard (CONTRIBUTING.md) on every graded master in source/.

Static parts (messages, tags, suite sizes, no-code tracks, independence from lessons) run on the
notebooks' text; the mutation suites run through the grader's own execution path.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import pytest

from govai.course import catalog, mutations, nbmeta, solutions, standard
from govai.course.release import assignments
from govai.grading import engine

REPO = Path(__file__).resolve().parents[1]
NAMES = assignments(REPO)
MASTERS = [nb for name in NAMES for nb in sorted((REPO / "source" / name).glob("*.ipynb"))]
IDS = [p.parent.name for p in MASTERS]


def _tests(nb: Any) -> list[Any]:
    return [c for c in nb.cells if nbmeta.is_autograded(c)]


# -- 6. feedback that teaches -------------------------------------------------------------------


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_every_assert_explains_itself_in_chinese(path: Path) -> None:
    nb = engine.read_notebook(path)
    bare = {engine.grade_id(c): standard.assert_problems(c.source) for c in _tests(nb)}
    bare = {k: v for k, v in bare.items() if v}
    assert not bare, f"asserts without a Traditional Chinese message: {bare}"


def test_bare_assert_is_detected() -> None:
    assert standard.assert_problems("assert x == 1") == ["line 1: assert x == 1"]
    assert standard.assert_problems("assert x == 1, 'wrong'")          # a message, but not Chinese
    assert not standard.assert_problems("assert x == 1, '遮罩後仍看得到完整手機號碼'")
    assert not standard.assert_problems("assert x == 1, f'第 {i} 筆不應判定為達標'")


# -- 7. mutation suites -------------------------------------------------------------------------


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_every_item_has_a_full_mutation_suite(path: Path) -> None:
    short = mutations.shortfalls(engine.read_notebook(path))
    assert not short, short


@pytest.mark.slow
@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_wrong_answers_score_zero_and_alternatives_full_through_the_grader(path: Path) -> None:
    results = mutations.run_master(path, workers=1)
    assert results, "no mutations ran"
    tally = mutations.tally(path.parent.name, results)
    assert not tally.failures, mutations.report([tally])


def test_release_carries_no_mutation_or_wrong_answer() -> None:
    for path in MASTERS:
        text = (REPO / "release" / path.parent.name / path.name).read_text(encoding="utf-8")
        assert '"mutations"' not in text and "wrong_answer" not in text, path


def test_mutation_runner_catches_a_wrong_answer_that_scores(tmp_path: Path) -> None:
    """The runner itself can fail: a 'wrong' answer that is actually right is reported."""
    import shutil

    import nbformat

    src = REPO / "source" / "module1_literacy"
    course = tmp_path / "source" / "module1_literacy"
    shutil.copytree(src, course)
    path = course / "module1_literacy.ipynb"
    nb = nbformat.read(path, as_version=4)
    test = _tests(nb)[0]
    solution = next(c for c in nb.cells if engine.grade_id(c) == mutations.suites(nb)[0].solutions[0])
    test.metadata["govai"]["mutations"] = {
        "wrong": [{"why": "其實是正解", "source": solution.source}],
        "right": [{"why": "其實是錯的", "source": "raise NotImplementedError()"}]}
    for cell in _tests(nb)[1:]:
        cell.metadata["govai"]["mutations"] = {"wrong": [], "right": []}
    nbformat.write(nb, path)
    first = engine.grade_id(test)
    results = [r for r in mutations.run_master(path, workers=1) if r.grade_id == first]
    tally = mutations.tally("module1_literacy", results)
    # the master's own solution is accepted; the two planted mistakes are both reported
    assert (tally.wrong_rejected, tally.wrong_total, tally.right_accepted, tally.right_total) == (0, 1, 1, 2)
    assert {f.mutation.why for f in tally.failures} == {"其實是正解", "其實是錯的"}
    # each scored item names its track and notebook, as the results of `govai run` do
    assert {(r.result.track, r.result.notebook) for r in results} == {
        ("module1_literacy", "module1_literacy/module1_literacy.ipynb")}


# -- 8. honest tags -----------------------------------------------------------------------------


def _retired_without_successor_domain(cat: catalog.Catalog) -> set[str]:
    return {f"{c.id}/{d.id}" for c in cat.certifications if c.status in ("retired", "closed")
            for d in c.domains if not d.successor_keeps}


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_tags_are_few_reasoned_and_current(path: Path) -> None:
    cat = catalog.default()
    retired = _retired_without_successor_domain(cat)
    problems = [p for c in _tests(engine.read_notebook(path))
                for p in standard.tag_problems(c, cat.domain_keys(), retired)]
    assert not problems, problems


# -- 9. no code where the route promises none ---------------------------------------------------


def test_code_detector() -> None:
    assert not standard.needs_code("### BEGIN SOLUTION\nx = {'A', 'B'}\ny = 12 * 3.5\nz = -1\n### END SOLUTION")
    assert not standard.needs_code("### BEGIN SOLUTION\nmemo = '''說明'''\nok = True\n### END SOLUTION")
    for code in ("x = sorted({'A'})", "x = df['a'].sum()", "def f(s):\n    return s", "x = [i for i in y]",
                 "x = y", "import re", "x = 1 > 0", "for i in range(3):\n    pass"):
        assert standard.needs_code(f"### BEGIN SOLUTION\n{code}\n### END SOLUTION"), code


def test_no_code_tracks_have_no_code_requiring_points() -> None:
    counts = {}
    for path in MASTERS:
        if path.parent.name in standard.NO_CODE_TRACKS:
            cp = standard.code_requiring(engine.read_notebook(path), path.parent.name)
            counts[cp.track] = (cp.code_points, cp.points, cp.items)
    print("\ncode-requiring points per no-code track:", counts)
    assert all(code == 0 for code, _total, _items in counts.values()), {k: v for k, v in counts.items() if v[0]}


# -- 2. independence from lessons ---------------------------------------------------------------

_MIN_TEXT = 12


def _literals(source: str) -> list[Any]:
    """Long strings, non-trivial containers and non-round floats written in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out: list[Any] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.strip()) >= _MIN_TEXT:
            out.append(node.value.strip())
        elif isinstance(node, ast.Constant) and type(node.value) is float and round(node.value, 2) != node.value:
            out.append(node.value)
        elif isinstance(node, (ast.Set, ast.List, ast.Dict)):
            try:
                value = ast.literal_eval(node)
            except (ValueError, SyntaxError, TypeError):
                continue
            if len(value) >= 2:
                out.append(_canon(value))
    return out


def _canon(value: Any) -> str:
    if isinstance(value, dict):
        return "dict:" + json.dumps(sorted((repr(k), repr(v)) for k, v in value.items()), ensure_ascii=False)
    return "coll:" + json.dumps(sorted(map(repr, value)), ensure_ascii=False)


def _lesson_corpus() -> set[Any]:
    found: set[Any] = set()
    import govai.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("module"):
            module = importlib.import_module(f"govai.exercises.{info.name}")
            found.update(_literals(Path(module.__file__ or "").read_text(encoding="utf-8")))
            for problem in vars(module).values():
                correct = getattr(problem, "_correct", None)
                if isinstance(correct, (set, frozenset, list, dict)) and len(correct) >= 2:
                    try:
                        found.add(_canon(correct))
                    except TypeError:
                        pass
    for nb_path in (REPO / "notebooks").rglob("*.ipynb"):
        for cell in engine.read_notebook(nb_path).cells:
            if cell.cell_type == "code":
                found.update(_literals(cell.source))
    return found


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_graded_answers_and_inputs_are_not_in_any_lesson(path: Path) -> None:
    corpus = _lesson_corpus()
    nb = engine.read_notebook(path)
    shared = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not (nbmeta.is_solution(cell) or nbmeta.is_autograded(cell)):
            continue
        source = solutions.regions(cell.source) if nbmeta.is_solution(cell) else \
            solutions.hidden_tests(cell.source)
        shared += [(engine.grade_id(cell), v) for v in _literals(source) if v in corpus]
    assert not shared, f"graded values or inputs copied from a lesson self-check: {shared[:5]}"


def _result_texts(nb: Any) -> dict[str, list[str]]:
    """Per solution cell: the strings and numbers its answer consists of (what could be copied)."""
    out: dict[str, list[str]] = {}
    for cell in nb.cells:
        # Value answers only: a computed answer's result is not in its source.
        if engine.is_solution(cell) and cell.cell_type == "code" and not standard.needs_code(cell.source):
            region = solutions.regions(cell.source)
            try:
                tree = ast.parse(region)
            except SyntaxError:
                continue
            vals = []
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and type(node.value) is float and round(node.value, 1) != node.value:
                    vals.append(repr(node.value))
                elif isinstance(node, ast.Constant) and type(node.value) is str and len(node.value) >= 8:
                    vals.append(node.value)
            out[engine.grade_id(cell) or ""] = vals
    return out


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_no_item_text_gives_away_another_items_result(path: Path) -> None:
    nb = engine.read_notebook(path)
    results = _result_texts(nb)
    # An item's Markdown (heading, options, tables) comes before its solution cell.
    leaks = []
    pending: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            pending.append(cell.source)
        elif engine.is_solution(cell):
            owner = engine.grade_id(cell)
            for gid, values in results.items():
                if gid != owner:
                    leaks += [(gid, v) for text in pending for v in values if v in text]
            pending = []
    assert not leaks, f"an item's result appears in another item's text: {leaks[:5]}"
