"""One graded-item type and one sum of points; nbgrader metadata, masters and solution regions read once."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from govai.course import masters, nbmeta, solutions
from govai.course.items import Item, ItemResult, totals
from govai.records.results import NotebookOutcome, ResultsDB, RunRecord

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "govai"
ITEMS = SRC / "course" / "items.py"
POINT_NAMES = {"points", "max_points"}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in sorted(SRC.rglob("*.py"))]


def _record_fields(cls: ast.ClassDef) -> set[str]:
    """Annotated fields of a dataclass, TypedDict or NamedTuple (empty for any other class)."""
    marks = {ast.unparse(d).split("(")[0].rsplit(".", 1)[-1] for d in cls.decorator_list}
    bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in cls.bases}
    if not ({"dataclass"} & marks or {"TypedDict", "NamedTuple"} & bases):
        return set()
    return {s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}


def _mentions_points(node: ast.AST) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in POINT_NAMES:
            return True
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and n.slice.value in POINT_NAMES:
            return True
    return False


def test_scanner_finds_what_it_forbids() -> None:
    """The two scans below are only worth something if they catch the shapes they forbid."""
    planted = ast.parse("@dataclass\nclass Row:\n    grade_id: str\n    points: float\n"
                        "t = sum(r.points for r in rows)\nu = sum(r['max_points'] for r in rows)\nv += it.points\n")
    cls = next(n for n in planted.body if isinstance(n, ast.ClassDef))
    assert {"grade_id", "points"} <= _record_fields(cls)
    sums = [n for n in ast.walk(planted) if isinstance(n, ast.Call) and ast.unparse(n.func) == "sum"]
    assert len(sums) == 2 and all(_mentions_points(s) for s in sums)
    assert any(isinstance(n, ast.AugAssign) and _mentions_points(n.value) for n in ast.walk(planted))


def test_one_graded_item_type_in_src() -> None:
    """A record with a grade id and points anywhere but course/items.py is a second item type."""
    found = []
    for path, tree in _modules():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            fields = _record_fields(cls)
            if "grade_id" in fields and fields & POINT_NAMES and path != ITEMS:
                found.append(f"{path.relative_to(REPO)}:{cls.lineno} {cls.name}")
    assert not found, f"second graded-item type(s): {found}; use govai.course.items.Item / ItemResult"


def test_points_are_added_up_only_in_items_module() -> None:
    """``sum(…points…)`` or ``+= …points`` outside course/items.py is a second totals computation."""
    found = []
    for path, tree in _modules():
        if path == ITEMS:
            continue
        for n in ast.walk(tree):
            summed = isinstance(n, ast.Call) and ast.unparse(n.func) in ("sum", "math.fsum", "np.sum") \
                and any(_mentions_points(a) for a in n.args)
            added = isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add) and _mentions_points(n.value)
            if summed or added:
                found.append(f"{path.relative_to(REPO)}:{n.lineno} {ast.unparse(n)[:60]}")
    assert not found, f"points added up outside govai.course.items.totals: {found}"


def test_nbgrader_metadata_and_solution_delimiters_are_read_in_one_module_each() -> None:
    """Reading ``metadata["nbgrader"]`` belongs to course/nbmeta.py, nbgrader's delimiters to course/solutions.py.

    grading/autograde.py and grading/worker.py rewrite nbgrader's metadata in place (checksums, flags
    restored from the gradebook) as nbgrader's own preprocessors do, and course/authoring.py writes
    it: writers, not readers.
    """
    exempt = {SRC / "grading" / "autograde.py", SRC / "grading" / "worker.py", SRC / "course" / "authoring.py",
              SRC / "course" / "nbmeta.py", SRC / "course" / "solutions.py"}
    found = []
    for path, tree in _modules():
        if path in exempt:
            continue
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for n in ast.walk(tree):
            read = (isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)
                    and isinstance(n.slice, ast.Constant) and n.slice.value == "nbgrader") or (
                isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get"
                and n.args and isinstance(n.args[0], ast.Constant) and n.args[0].value == "nbgrader")
            delimiter = (isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
                         and ("BEGIN SOLUTION" in n.value or "HIDDEN TESTS" in n.value))
            if read or delimiter:
                found.append(f"{path.relative_to(REPO)}:{n.lineno} {ast.unparse(n)[:50]}")
    assert not found, f"nbgrader metadata or solution regions read outside nbmeta/solutions: {found}"


# -- the type at its two boundaries ----------------------------------------------------------------


def _item(**kw: object) -> Item:
    base: dict[str, object] = dict(track="t", notebook="t/t.ipynb", grade_id="q1_test", exercise="t.q1",
                                   max_points=3.0, objective="判斷門檻", competencies=("風險辨識",),
                                   domains=("gov-ai-core/C1",), practised_by=("module1.x",))
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


def test_wire_round_trip_keeps_every_field() -> None:
    r = ItemResult(_item(), 2.0, "AssertionError: 門檻", 0.25, attempts=3, hints=1, at="2026-01-01T00:00:00")
    back = ItemResult.from_dict(r.to_dict())
    assert back == r and back.item == r.item and not back.passed and not back.needs_manual
    pending = ItemResult(_item(manual=True), None)
    assert ItemResult.from_dict(pending.to_dict()).needs_manual


def test_database_round_trip_through_a_real_results_db(tmp_path: Path) -> None:
    db = ResultsDB(tmp_path / "r.sqlite")
    written = [ItemResult(_item(), 3.0, seconds=0.5, attempts=2, hints=1),
               ItemResult(_item(grade_id="memo", exercise="t.memo", max_points=4.0, manual=True), None)]
    db.write_run(RunRecord("run1", "L1", "C", "2026-11-26T00:00:00+00:00",
                           notebooks=[NotebookOutcome("t/t.ipynb", "t", "ok", items=written)]))
    rows = db.run_rows("run1")
    assert [bool(r["passed"]) for r in rows] == [True, False] and rows[1]["needs_manual"]
    back = [ItemResult.from_row(r) for r in rows]
    assert [(b.grade_id, b.points, b.max_points, b.seconds, b.attempts, b.hints, b.domains) for b in back] == \
        [(w.grade_id, w.points, w.max_points, w.seconds, w.attempts, w.hints, w.domains) for w in written]
    retagged = ItemResult.from_row(rows[0], tags=_item(domains=("gov-ai-core/C2",), max_points=99.0))
    assert retagged.domains == ("gov-ai-core/C2",) and retagged.max_points == 3.0   # points: what was scored


def test_totals_leave_pending_rubric_items_out() -> None:
    got = totals([ItemResult(_item(), 3.0), ItemResult(_item(grade_id="b"), 1.0),
                  ItemResult(_item(grade_id="m", max_points=5.0, manual=True), None)])
    assert (got.earned, got.possible, got.pending, got.scored, got.waiting) == (4.0, 6.0, 5.0, 2, 1)
    assert got.possible_with_pending == 11.0 and got.ratio == pytest.approx(4 / 6)
    assert totals([]).ratio is None


# -- metadata, masters, solutions --------------------------------------------------------------------


def test_metadata_readers_tolerate_what_tools_leave_behind() -> None:
    cell = nbformat.v4.new_code_cell("x = 1")
    for junk in (None, "text", [], {"grade": None}):
        cell.metadata["nbgrader"] = junk
        assert nbmeta.grade_id(cell) is None and not nbmeta.is_graded(cell) and nbmeta.points(cell) == 0.0
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "q1_test", "points": "2"}
    cell.metadata["govai"] = {"domains": "not-a-list"}
    assert nbmeta.is_autograded(cell) and not nbmeta.is_manual(cell) and nbmeta.points(cell) == 2.0
    assert nbmeta.domains(cell) == () and nbmeta.exercise(cell, "t") == "t.q1_test"
    cell.metadata["nbgrader"]["solution"] = True
    assert nbmeta.is_manual(cell)


def test_masters_define_the_items_coverage_readiness_and_runner_use() -> None:
    found = masters.masters(REPO / "source")
    assert {m.track for m in found} == {t for t, _p in masters.master_paths(REPO / "source")}
    m1 = next(m for m in found if m.track == "module1_literacy")
    nb = nbformat.read(m1.path, as_version=4)
    graded = [c for c in nb.cells if nbmeta.is_graded(c)]
    assert [it.grade_id for it in m1.items] == [nbmeta.grade_id(c) for c in graded]
    assert all(it.notebook == "module1_literacy/module1_literacy.ipynb" for it in m1.items)
    assert sum(1 for it in m1.items if it.manual) == sum(1 for c in graded if not nbmeta.is_autograded(c))


def test_one_stub_the_course_config_and_release_agree_on() -> None:
    """The stub is nbgrader_config.py's; every released solution cell carries it, and so does a
    composed notebook whose learner deleted an answer."""
    from govai.grading import engine

    stub = solutions.code_stub()
    assert stub in (REPO / "nbgrader_config.py").read_text(encoding="utf-8")
    src = "def f(x):\n    # 請在此作答\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert solutions.stub(src) == f"def f(x):\n    # 請在此作答\n    {stub}\n"
    assert solutions.answer(src) == "def f(x):\n    # 請在此作答\n    return x\n"
    assert solutions.regions(src) == "    return x"
    assert solutions.stub("只有文字", "markdown") == solutions.text_stub()
    test = "assert f(1) == 1, '一'\n### BEGIN HIDDEN TESTS\nassert f(2) == 2, '二'\n### END HIDDEN TESTS\n_ok = 1"
    assert solutions.without_hidden_tests(test) == "assert f(1) == 1, '一'\n_ok = 1"
    assert solutions.hidden_tests(test) == "assert f(2) == 2, '二'"

    master = engine.read_notebook(REPO / "source/module1_literacy/module1_literacy.ipynb")
    release = engine.read_notebook(REPO / "release/module1_literacy/module1_literacy.ipynb")
    answers = [c for c in release.cells if nbmeta.is_solution(c) and c.cell_type == "code"]
    assert answers and all(stub in c.source for c in answers)
    gid = nbmeta.grade_id(answers[0])
    learner = solutions.answered(release, master, {})
    learner.cells = [c for c in learner.cells if nbmeta.grade_id(c) != gid]
    composed = engine.compose(learner, master)
    assert next(c.source for c in composed.cells if nbmeta.grade_id(c) == gid) == answers[0].source
