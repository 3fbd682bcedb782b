"""The package's import rules, read statically (``ast``, nothing is imported):

(a) the code that runs inside the grading sandbox imports only the standard library, itself and the
    learner kernel's own libraries — never the grader (judge, engine, gradebook), whose hidden tests
    and scores the learner's process must not be able to reach;
(b) ``govai.exercises`` (imported by learners' notebooks) never imports ``govai.grading``,
    ``govai.records`` or ``govai.lab``;
(c) govai's modules import each other without cycles;
(d) nothing under ``src/`` imports from ``tests/``.

Each rule is a function over an :class:`ImportGraph`, and each is shown failing on a small
synthetic package that breaks it.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
TESTS = REPO / "tests"

# The sandboxed child is `python -m govai.grading.sandbox --zygote FD` (Sandbox._command): its
# zygote imports govai.grading.kernel (zygote_main, _kernel_init), which imports govai.grading.wire.
# The judge, which imports sandbox and wire, runs in the grader and is not part of the child.
SANDBOX_ENTRY = "govai.grading.sandbox"
SANDBOX_MODULES = frozenset({"govai.grading.sandbox", "govai.grading.kernel", "govai.grading.wire"})
# What the learner kernel itself is made of, imported inside functions only (so importing the
# sandbox side on the grader's side stays cheap) or under `if TYPE_CHECKING:`: the IPython shell
# (IPython, traitlets), notebooks for non-Python kernels (nbformat, nbclient) and the data types the
# wire codec carries (numpy, pandas).
LEARNER_KERNEL_LIBRARIES = frozenset({"IPython", "traitlets", "nbformat", "nbclient", "numpy", "pandas"})

EXERCISES = "govai.exercises"
# Learners' notebooks import govai.exercises; the grader, the records and the lab servers stay out of
# a learner's kernel. govai.course is allowed: module1 reads the catalog.
EXERCISES_MUST_NOT_IMPORT = ("govai.grading", "govai.records", "govai.lab")

# Imports inside a function that close a cycle, each a known back edge waiting for its owner to move
# the shared code: (importer, imported). Every other import, deferred or not, must keep the graph
# acyclic, so a new cycle fails even when a function-level import keeps it from breaking at run time.
DEFERRED_BACK_EDGES = frozenset({
    # autograde takes importable() and preload_modules() from command, which imports autograde.Outcome.
    ("govai.grading.autograde", "govai.grading.command"),
})


@dataclass(frozen=True)
class Import:
    importer: str
    target: str          # absolute dotted name; a govai module when it names one
    line: int
    deferred: bool       # inside a function: runs when the function is called, not at import
    type_only: bool = False   # under `if TYPE_CHECKING:`: read by the type checker, never run


@dataclass
class ImportGraph:
    root: str                        # the top-level package, "govai"
    modules: dict[str, Path]         # dotted name -> file
    imports: list[Import]

    def of(self, module: str) -> list[Import]:
        return [i for i in self.imports if i.importer == module]

    def internal(self, imp: Import) -> bool:
        return imp.target == self.root or imp.target.startswith(self.root + ".")


def _module_name(src: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports_in(name: str, is_package: bool, path: Path, modules: set[str]) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, deferred: bool, type_only: bool = False) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                visit(ast.Module(body=child.body, type_ignores=[]), deferred, True)
                visit(ast.Module(body=child.orelse, type_ignores=[]), deferred, type_only)
            elif isinstance(child, ast.Import):
                found.extend(Import(name, alias.name, child.lineno, deferred, type_only) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - child.level + 1]
                    base = ".".join([*package, *([child.module] if child.module else [])])
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    found.append(Import(name, sub if sub in modules else base, child.lineno, deferred, type_only))
            else:
                visit(child, deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
                      type_only)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return found


def import_graph(src: Path, root: str = "govai") -> ImportGraph:
    files = {}
    packages = set()
    for path in sorted((src / root).rglob("*.py")):
        name, is_package = _module_name(src, path)
        files[name] = path
        if is_package:
            packages.add(name)
    imports = [imp for name, path in files.items()
               for imp in _imports_in(name, name in packages, path, set(files))]
    return ImportGraph(root, files, imports)


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def sandbox_violations(graph: ImportGraph, entry: str, sandbox_modules: frozenset[str],
                       libraries: frozenset[str]) -> list[str]:
    """Imports of the sandboxed child's modules (``entry``, what it imports from the package, and
    the packages Python runs on the way) that are not the standard library, the child's own modules
    or, inside a function, the learner kernel's libraries."""
    problems = []
    reached, todo = set(), [entry]
    while todo:
        module = todo.pop()
        if module in reached or module not in graph.modules:
            continue
        reached.add(module)
        todo.extend(_parents(module))
        todo.extend(i.target for i in graph.of(module) if graph.internal(i))
    own = sandbox_modules | {p for m in sandbox_modules for p in _parents(m)}
    for module in sorted(reached - own):
        problems.append(f"{module} is imported by the sandboxed child but is not one of {sorted(sandbox_modules)}")
    for module in sorted(reached & own):
        for imp in graph.of(module):
            top = imp.target.split(".")[0]
            if graph.internal(imp):
                if imp.target not in own:
                    problems.append(f"{module}:{imp.line} imports {imp.target} (grader side)")
            elif top in sys.stdlib_module_names:
                continue
            elif top in libraries and (imp.deferred or imp.type_only):
                continue
            else:
                where = "a library outside the learner kernel's" if top not in libraries else "at module level"
                problems.append(f"{module}:{imp.line} imports {imp.target} ({where})")
    return problems


def forbidden_imports(graph: ImportGraph, package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{i.importer}:{i.line} imports {i.target}" for i in graph.imports
            if (i.importer == package or i.importer.startswith(package + "."))
            and any(i.target == f or i.target.startswith(f + ".") for f in forbidden)]


def import_cycles(graph: ImportGraph, back_edges: frozenset[tuple[str, str]] = frozenset()) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), over every import between
    the package's modules that runs (not those under ``if TYPE_CHECKING:``) except ``back_edges``."""
    edges: dict[str, set[str]] = {m: set() for m in graph.modules}
    for imp in graph.imports:
        if imp.type_only:
            continue
        if imp.target in edges and imp.target != imp.importer and (imp.importer, imp.target) not in back_edges:
            edges[imp.importer].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(edges[node]):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return components


def imports_of_test_code(graph: ImportGraph, tests: Path) -> list[str]:
    """Imports of ``tests`` or of a module that lives only under ``tests/`` (fixtures put on sys.path)."""
    names = {"tests"} | {p.stem for p in tests.rglob("*.py")}
    names -= set(sys.stdlib_module_names) | {graph.root}
    return [f"{i.importer}:{i.line} imports {i.target}" for i in graph.imports
            if i.target.split(".")[0] in names]


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    return import_graph(SRC)


# --- the rules, on govai -----------------------------------------------------------------------

def test_sandbox_modules_are_what_the_sandbox_runs() -> None:
    """The child's command line names SANDBOX_ENTRY, so the rule below checks the real child."""
    tree = ast.parse((SRC / "govai/grading/sandbox.py").read_text(encoding="utf-8"))
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert SANDBOX_ENTRY in strings and "--zygote" in strings, "sandbox.py no longer starts its child with -m"


def test_sandboxed_child_imports_only_stdlib_and_its_own_modules(graph: ImportGraph) -> None:
    assert sandbox_violations(graph, SANDBOX_ENTRY, SANDBOX_MODULES, LEARNER_KERNEL_LIBRARIES) == []


def test_exercises_import_no_grader_records_or_lab(graph: ImportGraph) -> None:
    assert forbidden_imports(graph, EXERCISES, EXERCISES_MUST_NOT_IMPORT) == []


def test_no_import_cycles(graph: ImportGraph) -> None:
    assert import_cycles(graph, DEFERRED_BACK_EDGES) == []


def test_module_level_imports_alone_are_acyclic(graph: ImportGraph) -> None:
    """Without any deferred import the graph is acyclic: a deferred back edge is all that stands
    between the package and a circular import at start-up, never a module-level one."""
    module_level = ImportGraph(graph.root, graph.modules, [i for i in graph.imports if not i.deferred])
    assert import_cycles(module_level) == []


def test_deferred_back_edges_are_current(graph: ImportGraph) -> None:
    """Each allowed back edge is still a deferred import that closes a cycle; once the owner breaks
    the cycle, its entry goes too. (An entry for a module not yet in the tree waits for it.)"""
    for importer, target in sorted(DEFERRED_BACK_EDGES):
        if importer not in graph.modules or target not in graph.modules:
            continue
        found = [i for i in graph.of(importer) if i.target == target]
        assert found and all(i.deferred for i in found), f"{importer} → {target} is gone or not deferred"
        assert import_cycles(graph, DEFERRED_BACK_EDGES - {(importer, target)}), \
            f"{importer} → {target} no longer closes a cycle: remove it from DEFERRED_BACK_EDGES"


def test_src_imports_nothing_from_tests(graph: ImportGraph) -> None:
    assert imports_of_test_code(graph, TESTS) == []


# --- each rule fails on a package that breaks it -----------------------------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> ImportGraph:
    for name, source in files.items():
        path = tmp_path / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return import_graph(tmp_path / "src")


_SANDBOX = frozenset({"govai.grading.sandbox", "govai.grading.kernel"})
_LIBS = frozenset({"IPython"})


def test_sandbox_rule_fails_on_grader_imports_and_libraries(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "",
        "govai/grading/__init__.py": "",
        "govai/grading/sandbox.py": "import json\nfrom . import kernel\n",
        "govai/grading/kernel.py": ("import yaml\nimport IPython\n"
                                    "def run():\n    import IPython\n    from govai.grading.judge import x\n"
                                    "if TYPE_CHECKING:\n    import IPython\n    import sqlalchemy\n"),
        "govai/grading/judge.py": "x = 1\n",
    })
    problems = sandbox_violations(graph, "govai.grading.sandbox", _SANDBOX, _LIBS)
    assert problems == [
        "govai.grading.judge is imported by the sandboxed child but is not one of "
        "['govai.grading.kernel', 'govai.grading.sandbox']",
        "govai.grading.kernel:1 imports yaml (a library outside the learner kernel's)",
        "govai.grading.kernel:2 imports IPython (at module level)",
        "govai.grading.kernel:5 imports govai.grading.judge (grader side)",
        "govai.grading.kernel:8 imports sqlalchemy (a library outside the learner kernel's)",
    ]


def test_sandbox_rule_checks_the_packages_python_runs_first(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "from govai import records\n",
        "govai/records.py": "",
        "govai/grading/__init__.py": "",
        "govai/grading/sandbox.py": "import os\n",
        "govai/grading/kernel.py": "",
    })
    assert sandbox_violations(graph, "govai.grading.sandbox", _SANDBOX, _LIBS) == [
        "govai.records is imported by the sandboxed child but is not one of "
        "['govai.grading.kernel', 'govai.grading.sandbox']",
        "govai:1 imports govai.records (grader side)",
    ]


def test_exercises_rule_fails_on_each_forbidden_package(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "",
        "govai/exercises/__init__.py": "",
        "govai/exercises/m1.py": ("from govai.course import catalog\nimport govai.records.results\n"
                                  "def f():\n    from ..grading import judge\n"),
        "govai/exercises/m2.py": "from govai.lab.server import start\n",
        "govai/course/catalog.py": "", "govai/records/results.py": "", "govai/grading/judge.py": "",
        "govai/lab/server.py": "",
    })
    assert forbidden_imports(graph, "govai.exercises", EXERCISES_MUST_NOT_IMPORT) == [
        "govai.exercises.m1:2 imports govai.records.results",
        "govai.exercises.m1:4 imports govai.grading.judge",
        "govai.exercises.m2:1 imports govai.lab.server",
    ]


def test_cycle_rule_fails_on_module_level_and_deferred_cycles(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "",
        "govai/a.py": "from govai import b\n",
        "govai/b.py": "from . import c\n",
        "govai/c.py": "import govai.a\n",
        "govai/d.py": "from govai.e import f\n",
        "govai/e.py": "def f():\n    from govai import d\n",
    })
    assert import_cycles(graph) == [["govai.a", "govai.b", "govai.c"], ["govai.d", "govai.e"]]
    assert import_cycles(graph, frozenset({("govai.e", "govai.d")})) == [["govai.a", "govai.b", "govai.c"]]


def test_type_checking_imports_count_for_layers_not_cycles(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "",
        "govai/exercises/__init__.py": "",
        "govai/exercises/m.py": ("from typing import TYPE_CHECKING\nimport govai.records.db\n"
                                 "if TYPE_CHECKING:\n    from govai.records.db import DB\n"),
        "govai/records/__init__.py": "",
        "govai/records/db.py": "from govai.exercises import m\n",
    })
    assert import_cycles(graph) == [["govai.exercises.m", "govai.records.db"]]
    type_only = [i for i in graph.imports if i.type_only]
    assert [(i.importer, i.target, i.line) for i in type_only] == [("govai.exercises.m", "govai.records.db", 4)]
    assert forbidden_imports(graph, "govai.exercises", ("govai.records",)) == [
        "govai.exercises.m:2 imports govai.records.db", "govai.exercises.m:4 imports govai.records.db"]
    without_runtime = ImportGraph(graph.root, graph.modules, [i for i in graph.imports if i.line != 2])
    assert import_cycles(without_runtime) == []


def test_tests_rule_fails_on_fixture_imports(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "govai/__init__.py": "",
        "govai/demo.py": "import samples\nfrom tests.fixtures import helpers\nimport json\n",
    })
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "samples.py").write_text("", encoding="utf-8")
    assert imports_of_test_code(graph, tmp_path / "tests") == [
        "govai.demo:1 imports samples", "govai.demo:2 imports tests.fixtures"]
