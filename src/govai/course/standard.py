"""Static checks of the assessment standard (CONTRIBUTING.md) that need no execution.

- :func:`assert_problems`: every ``assert`` in a test cell carries a Traditional Chinese message.
- :func:`needs_code`: whether a solution region asks the learner to write code (anything beyond
  values: literals, containers of literals, arithmetic on literals) — routes A and C and module 1
  promise answers without code.
- :func:`tag_problems`: at most 3 domains per item, each with a reason, retired certifications only
  where the successor keeps the domain.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nbformat import NotebookNode

from govai.course import nbmeta, solutions
from govai.course.items import max_points

MAX_DOMAINS = 3
_CJK = re.compile(r"[\u3400-\u9fff]")

# Tracks whose learners answer with values only (module 1, routes A and C).
NO_CODE_TRACKS = ("module1_literacy", "module4_governance", "module5_strategy", "module7_innovation",
                  "module6_optimize_a", "module2_data_c", "module8_adoption", "module6_optimize_c")


def _message_is_chinese(node: ast.expr | None) -> bool:
    if node is None:
        return False
    texts = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return any(_CJK.search(t) for t in texts)


def assert_problems(source: str) -> list[str]:
    """Lines of ``source`` whose ``assert`` has no message, or a message without Chinese text."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [f"syntax error: {exc}"]
    return [f"line {n.lineno}: {ast.unparse(n)[:80]}" for n in ast.walk(tree)
            if isinstance(n, ast.Assert) and not _message_is_chinese(n.msg)]


_VALUE_NODES = (ast.Module, ast.Assign, ast.AnnAssign, ast.Expr, ast.Constant, ast.Name, ast.Store, ast.Load,
                ast.List, ast.Tuple, ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop,
                ast.Pass)


def needs_code(source: str) -> bool:
    """True when the solution region is more than values assigned to names.

    Allowed: ``name = <literal>`` where the literal may be a number, string, bool, None, a list,
    tuple, set or dict of literals, or arithmetic on numbers (``12 * 3.5``). Anything else — a call,
    a name on the right, a comparison, a loop, a function, an import, an attribute — is code.
    """
    region = re.sub(r"^\s*#.*$", "", solutions.regions(source), flags=re.M)
    try:
        tree = ast.parse(region)
    except SyntaxError:
        return True
    for node in ast.walk(tree):
        if not isinstance(node, _VALUE_NODES):
            return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in ("True", "False", "None"):
            return True
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            return True
    return False


@dataclass(frozen=True)
class CodePoints:
    track: str
    points: float
    code_points: float
    items: tuple[str, ...]       # grade ids of items whose solution needs code


def code_requiring(master: NotebookNode, track: str) -> CodePoints:
    """Points of ``master`` whose solution cells need learner-written code."""
    from govai.course.mutations import suites

    answers = {nbmeta.grade_id(c): c.source for c in master.cells if nbmeta.is_solution(c)}
    every = suites(master)
    coded = [s.item for s in every
             if not s.manual and any(needs_code(answers.get(gid, "")) for gid in s.solutions)]
    return CodePoints(track, max_points(s.item for s in every), max_points(coded),
                      tuple(it.grade_id for it in coded))


def tag_problems(cell: NotebookNode, domain_keys: set[str], retired_without_domain: set[str]) -> list[str]:
    """Problems with a test cell's certification tags (empty: honest)."""
    gid = nbmeta.grade_id(cell)
    domains = list(nbmeta.domains(cell))
    reasons = nbmeta.domain_reasons(cell)
    out = []
    if len(domains) > MAX_DOMAINS:
        out.append(f"{gid}: {len(domains)} domains (at most {MAX_DOMAINS})")
    for d in domains:
        if d not in domain_keys:
            out.append(f"{gid}: unknown domain {d}")
        if not str(reasons.get(d, "")).strip():
            out.append(f"{gid}: no reason for domain {d}")
        if d in retired_without_domain:
            out.append(f"{gid}: {d} belongs to a retired certification whose successor lacks the domain")
    return out
