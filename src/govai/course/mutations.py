"""Mutation suites of graded items: plausible wrong answers must score 0, alternative right answers full.

Every graded test cell of a master carries ``metadata.govai.mutations``::

    {"wrong": [{"why": "…", "source": "<new source of the solution cell>"}, …],   # at least 3
     "right": [{"why": "…", "source": "…"}, …]}                                  # at least 2

``source`` replaces the item's solution cell (``metadata.govai.solution`` names its grade id; by
default the nearest solution cell above the test); a dict ``{grade_id: source}`` replaces several.

Each mutation becomes one submission that is executed and scored by exactly the path ``govai grade``
uses (:func:`govai.grading.worker.grade_payload`: the sandboxed learner kernel, the judge that runs
the master's tests outside it, nbgrader's ``determine_grade``), on the assignment's files as a
learner receives them. Only the cells up to the item's test are executed: later cells cannot change
that item's score, and a run of several hundred mutations stays within a few minutes.
"""

from __future__ import annotations

import argparse
import copy
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.course import masters, nbmeta
from govai.course.items import Item, ItemResult
from govai.grading import engine
from govai.grading.judge import CELL_TIMEOUT

MIN_WRONG = 3
MIN_RIGHT = 2


@dataclass(frozen=True)
class Mutation:
    kind: str                        # "wrong" | "right"
    why: str
    replacements: dict[str, str]     # solution grade_id -> new source


@dataclass
class ItemSuite:
    item: Item                       # the graded item (its test cell)
    solutions: list[str]             # grade ids of the solution cells it depends on by default
    wrong: list[Mutation] = field(default_factory=list)
    right: list[Mutation] = field(default_factory=list)

    @property
    def grade_id(self) -> str:
        return self.item.grade_id

    @property
    def manual(self) -> bool:
        """Graded by hand (rubric): no mutations."""
        return self.item.manual


@dataclass
class MutationResult:
    notebook: str
    mutation: Mutation
    result: ItemResult               # the item's result for this mutated submission

    @property
    def grade_id(self) -> str:
        return self.result.grade_id

    @property
    def ok(self) -> bool:
        if self.mutation.kind == "wrong":
            return self.result.points == 0
        return self.result.passed


def _nearest_solution_above(cells: list[NotebookNode], index: int) -> str | None:
    for cell in reversed(cells[:index]):
        if nbmeta.is_solution(cell) and nbmeta.grade_id(cell):
            return nbmeta.grade_id(cell)
    return None


def suites(master: NotebookNode, notebook: str = "") -> list[ItemSuite]:
    """The mutation suite of every graded item of ``master``, in notebook order."""
    track = notebook.split("/", 1)[0] if "/" in notebook else ""
    out: list[ItemSuite] = []
    for index, cell in enumerate(master.cells):
        if not nbmeta.is_graded(cell):
            continue
        item = masters.item_of(cell, track, notebook)
        if not item.grade_id:
            item = replace(item, grade_id=f"cell{index}")
        if item.manual:
            out.append(ItemSuite(item, []))
            continue
        default = nbmeta.solution_ref(cell) or _nearest_solution_above(master.cells, index)
        suite = ItemSuite(item, [default] if default else [])
        gid = item.grade_id
        for kind, entries in nbmeta.mutations(cell).items():
            for entry in entries:
                source = entry.get("source")
                if isinstance(source, str):
                    if not default:
                        raise ValueError(f"{gid}: mutation without a solution cell to replace")
                    repl = {default: source}
                elif isinstance(source, dict):
                    repl = {str(k): str(v) for k, v in source.items()}
                else:
                    raise ValueError(f"{gid}: mutation source must be a string or a dict")
                getattr(suite, kind).append(Mutation(kind, str(entry.get("why", "")), repl))
        out.append(suite)
    return out


def first_wrong_answers(master: NotebookNode) -> dict[str, str]:
    """Solution grade id -> the first wrong answer any item lists for it (the demo's weak learners)."""
    out: dict[str, str] = {}
    for suite in suites(master):
        for mutation in suite.wrong:
            for gid, source in mutation.replacements.items():
                out.setdefault(gid, source)
    return out


def mutated_submission(master: NotebookNode, mutation: Mutation) -> NotebookNode:
    """The honest submission (the master's solutions) with the mutation's cells replaced."""
    nb = copy.deepcopy(master)
    seen: set[str] = set()
    for cell in nb.cells:
        gid = nbmeta.grade_id(cell)
        if gid in mutation.replacements and nbmeta.is_solution(cell):
            cell.source = mutation.replacements[gid]
            seen.add(gid)
    missing = set(mutation.replacements) - seen
    if missing:
        raise ValueError(f"mutation names unknown solution cells {sorted(missing)}")
    return nb


def _truncated(master: NotebookNode, item: str) -> NotebookNode:
    nb = copy.deepcopy(master)
    for index, cell in enumerate(nb.cells):
        if nbmeta.grade_id(cell) == item and nbmeta.is_graded(cell):
            nb.cells = nb.cells[: index + 1]
            break
    return nb


def assignment_files(folder: Path) -> dict[str, bytes]:
    """The files a learner receives with the assignment (everything beside the notebooks)."""
    from govai.grading.command import _files_under

    return {k: v for k, v in _files_under(folder).items() if not k.endswith(".ipynb")}


def run_master(path: Path, workers: int = 2, timeout: float = CELL_TIMEOUT) -> list[MutationResult]:
    """Execute every mutation of the master at ``path`` through the grader's worker; one result each."""
    from govai.grading import worker
    from govai.grading.command import preload_modules

    master = engine.read_notebook(path)
    name = path.stem
    files = assignment_files(path.parent)
    preload = preload_modules({name: nbformat.writes(master)})
    jobs: list[tuple[Item, Mutation, dict[str, Any], dict[str, Any]]] = []
    for suite in suites(master, masters.notebook_key(path.parent.name, path.name)):
        if suite.manual:
            continue
        upto = _truncated(master, suite.grade_id)
        master_text = nbformat.writes(upto)
        config = {"masters": {name: master_text}, "checksums": {}, "timeout": timeout,
                  "preload": preload, "limits": {}, "hide": [str(path.parent.parent.resolve())]}
        # The master's own solution first: it must score full marks through the same path.
        honest = Mutation("right", "教師版解答 / the master's solution", {})
        for n, mutation in enumerate([honest, *suite.wrong, *suite.right]):
            sub = mutated_submission(upto, mutation)
            payload = {"student": f"{suite.grade_id}-{mutation.kind}{n}",
                       "notebooks": {name: nbformat.writes(sub).encode()},
                       "paths": {name: f"{path.parent.name}/{name}.ipynb（{mutation.kind}: {mutation.why}）"},
                       "notebook_ids": {name: f"{path.parent.name}/{name}.ipynb"},
                       "files": files}
            jobs.append((suite.item, mutation, payload, config))

    def one(job: tuple[Item, Mutation, dict[str, Any], dict[str, Any]]) -> MutationResult:
        item, mutation, payload, config = job
        result = worker.grade_payload(payload, config)
        nb_result = result["notebooks"].get(name) or {}
        scored = {r.grade_id: r for r in map(ItemResult.from_dict, nb_result.get("items", []))}
        got = scored.get(item.grade_id)
        if got is None:   # not scored at all: counts as neither rejected nor accepted
            got = ItemResult(item, None, result.get("error") or "not scored")
        return MutationResult(name, mutation, got)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="govai-mutations") as pool:
            return list(pool.map(one, jobs))
    finally:
        worker.close_all()


@dataclass
class Tally:
    assignment: str
    wrong_rejected: int = 0
    wrong_total: int = 0
    right_accepted: int = 0
    right_total: int = 0
    failures: list[MutationResult] = field(default_factory=list)

    def add(self, r: MutationResult) -> None:
        if r.mutation.kind == "wrong":
            self.wrong_total += 1
            self.wrong_rejected += r.ok
        else:
            self.right_total += 1
            self.right_accepted += r.ok
        if not r.ok:
            self.failures.append(r)

    def line(self) -> str:
        return (f"{self.assignment:<28} wrong rejected {self.wrong_rejected}/{self.wrong_total}, "
                f"right accepted {self.right_accepted}/{self.right_total}")


def tally(assignment: str, results: list[MutationResult]) -> Tally:
    t = Tally(assignment)
    for r in results:
        t.add(r)
    return t


def shortfalls(master: NotebookNode) -> list[str]:
    """Items whose suite is smaller than the standard asks (3 wrong, 2 right)."""
    out = []
    for suite in suites(master):
        if suite.manual:
            continue
        if len(suite.wrong) < MIN_WRONG or len(suite.right) < MIN_RIGHT:
            out.append(f"{suite.grade_id}: {len(suite.wrong)} wrong / {len(suite.right)} right "
                       f"(need ≥ {MIN_WRONG} / ≥ {MIN_RIGHT})")
    return out


def report(tallies: list[Tally]) -> str:
    lines = [t.line() for t in tallies]
    total = Tally("total")
    for t in tallies:
        total.wrong_rejected += t.wrong_rejected
        total.wrong_total += t.wrong_total
        total.right_accepted += t.right_accepted
        total.right_total += t.right_total
    lines.append(total.line())
    for t in tallies:
        for f in t.failures:
            verdict = "錯誤答案得分 / wrong answer scored" if f.mutation.kind == "wrong" else \
                "正確答案未得滿分 / right answer not accepted"
            lines.append(f"  ✗ {t.assignment} {f.grade_id}: {verdict} {f.result.points}/{f.result.max_points} — "
                         f"{f.mutation.why}" + (f"\n      {f.result.error}" if f.result.error else ""))
    return "\n".join(lines)


def run(args: argparse.Namespace, course: Path, names: list[str]) -> int:
    tallies = []
    for name in names:
        for path in sorted((course / "source" / name).glob("*.ipynb")):
            results = run_master(path, workers=args.workers)
            tallies.append(tally(name if path.stem == name else f"{name}/{path.stem}", results))
    print(report(tallies))
    return 0 if all(not t.failures for t in tallies) else 1


def as_json(tallies: list[Tally]) -> str:
    return json.dumps([{"assignment": t.assignment, "wrong_rejected": t.wrong_rejected, "wrong_total": t.wrong_total,
                        "right_accepted": t.right_accepted, "right_total": t.right_total} for t in tallies])
