"""`govai readiness`: certification readiness of a learner, from graded evidence.

1. **Mastery** of each of the twelve competencies = points earned ÷ points possible over the latest
   result of every graded exercise tagged with it (tags: the master's ``metadata.govai``). Evidence
   comes from the runner's results database and/or an nbgrader gradebook (grades per grade cell;
   tags from the masters in ``source/``). A competency without evidence has mastery 0.
2. **Readiness** for a certification = Σ over its exam domains of (normalised domain weight ×
   domain mastery). A domain's mastery is weighed by points: points earned ÷ points possible over
   the graded items tagged with that domain (``basis: "items"``); only a domain no item evidences
   falls back to the mean mastery of the competencies it maps to (``basis: "competencies"``).
   Manually graded items (rubric tasks) count once an instructor has graded them; before that
   they are listed as ``pending`` and count neither as earned nor as possible.
   ``estimated`` is true where the weights are not all published (see ``Certification.estimated``).
3. **Bands** (documented thresholds, also in the README):

   ====================  =====================
   準備就緒 (ready)         readiness ≥ 0.80
   接近 (close)             0.60 ≤ readiness < 0.80
   尚需加強 (needs work)    readiness < 0.60
   ====================  =====================

   Retired (已退役) and closed (已停辦) certifications are listed as such, with their successor,
   and never recommended as a target.
4. **Gaps**: the weakest domains, each with the modules and lessons (``reference/modules``, tracks'
   ``lessons``) and the graded exercises (tagged with that domain) to study next.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.course.items import Item, ItemResult, totals
from govai.course.masters import all_items, notebook_key

READY = 0.8
CLOSE = 0.6
BAND_READY, BAND_CLOSE, BAND_WORK = "準備就緒", "接近", "尚需加強"
STATUS_ZH = {"active": "開放報考", "planned": "規劃中", "retired": "已退役", "closed": "已停辦"}
MAX_GAPS = 3


def band(readiness: float) -> str:
    """準備就緒 ≥ 0.8, 接近 ≥ 0.6, 尚需加強 below."""
    if readiness >= READY:
        return BAND_READY
    if readiness >= CLOSE:
        return BAND_CLOSE
    return BAND_WORK


# -- evidence: one ItemResult per graded cell, tags from the masters ---------------------------------


def evidence_from_results(learner: str, db: Any, items: list[Item] | None = None
                          ) -> tuple[list[ItemResult], str | None]:
    """Latest rows of complete runs; also returns the learner's route (from the newest run).

    Tags come from the masters as they are now (an item's tags are what it evidences); a row of an
    item that no master has any more is not evidence.
    """
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    rows = database.latest_items(learner)
    latest = database.latest_run(learner)
    by_key = {it.key: it for it in (items if items is not None else all_items())}
    ev = [ItemResult.from_row(r, tags=it)
          for r in rows if not r.get("needs_manual") and (it := by_key.get((r["notebook"], r["grade_id"])))]
    return ev, (latest or {}).get("route")


def pending_from_results(learner: str, db: Any) -> list[str]:
    """Exercises of the latest results that wait for manual grading."""
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    return [r["exercise"] for r in database.latest_items(learner) if r.get("needs_manual")]


def evidence_from_gradebook(learner: str, url: str, items: list[Item] | None = None) -> list[ItemResult]:
    """Grades per grade cell from an nbgrader gradebook; tags from the masters in source/."""
    import os

    from nbgrader.api import Gradebook, MissingEntry

    # nbgrader runs `alembic` as a subprocess: this interpreter's bin/ must be on PATH.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    by_key = {it.key: it for it in (items if items is not None else all_items())}
    out: list[ItemResult] = []
    with Gradebook(url) as gb:
        try:
            student = gb.find_student(learner)
        except MissingEntry:
            return []
        for sub in student.submissions:
            at = sub.timestamp.isoformat() if sub.timestamp else ""
            track = sub.assignment.name
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.max_score is None or grade.max_score <= 0:
                        continue
                    if grade.auto_score is None and grade.manual_score is None:
                        continue   # waiting for manual grading: neither earned nor possible yet
                    notebook = notebook_key(track, f"{nb.name}.ipynb")
                    known = by_key.get((notebook, grade.name))
                    item = replace(known, max_points=float(grade.max_score)) if known else Item(
                        track=track, notebook=notebook, grade_id=grade.name, exercise=f"{track}.{grade.name}",
                        max_points=float(grade.max_score))
                    score = grade.score if grade.score is not None else 0.0
                    out.append(ItemResult(item, float(score), at=at, source="gradebook"))
    return out


def merge(*sources: list[ItemResult]) -> list[ItemResult]:
    """One result per (notebook, grade cell): the newest wins."""
    best: dict[tuple[str, str], ItemResult] = {}
    for ev_list in sources:
        for ev in ev_list:
            if ev.key not in best or ev.at >= best[ev.key].at:
                best[ev.key] = ev
    return list(best.values())


# -- the formula, set-wise: learners × items in, mastery and readiness out ----------------------------


@dataclass
class Mastery:
    """Mastery of ``n`` learners computed from their points on ``items`` (learners × items matrices).

    The only implementation of the formula: :func:`cohort` feeds it every learner's latest scores,
    :func:`from_evidence` one learner's evidence, so the two cannot disagree.
    """

    competencies: list[str]
    domain_keys: list[str]
    mastery: Any              # learners × competencies, 0..1 rounded to 4 places (0: no evidence)
    comp_possible: Any        # learners × competencies: points possible behind each mastery
    domain_mastery: Any       # learners × domain keys: points-weighted, NaN where no item evidences it
    domain_possible: Any      # learners × domain keys

    def domain(self, cert: catalog_mod.Certification, domain: catalog_mod.Domain) -> tuple[Any, Any]:
        """(mastery per learner, True where it is by items) of one exam domain: by points over the items
        tagged with it, else the mean mastery of its competencies."""
        import numpy as np

        ci = [self.competencies.index(c) for c in domain.competencies if c in self.competencies]
        fallback = self.mastery[:, ci].mean(axis=1) if ci else np.zeros(self.mastery.shape[0])
        direct = self.domain_mastery[:, self.domain_keys.index(f"{cert.id}/{domain.id}")]
        by_items = ~np.isnan(direct)
        return np.where(by_items, direct, fallback), by_items

    def readiness(self, cert: catalog_mod.Certification) -> Any:
        """Σ normalised domain weight × domain mastery, per learner, rounded to 4 places."""
        import numpy as np

        weights = cert.normalised_weights()
        total = np.zeros(self.mastery.shape[0])
        for d in cert.domains:
            total += weights[d.id] * self.domain(cert, d)[0]
        return total.round(4)


def mastery_of(earned: Any, possible: Any, items: list[Item], cat: catalog_mod.Catalog) -> Mastery:
    """Two matrix products: items' tags become items × competencies and items × domains matrices."""
    import numpy as np

    comps = [c.id for c in cat.competencies]
    keys = sorted(cat.domain_keys())
    comp_of = {c: i for i, c in enumerate(comps)}
    key_of = {k: i for i, k in enumerate(keys)}
    tag_c = np.zeros((len(items), len(comps)), dtype=np.float64)
    tag_d = np.zeros((len(items), len(keys)), dtype=np.float64)
    for j, it in enumerate(items):
        for c in it.competencies:
            if c in comp_of:
                tag_c[j, comp_of[c]] = 1.0
        for k in it.domains:
            if k in key_of:
                tag_d[j, key_of[k]] = 1.0
    comp_possible = possible @ tag_c
    dom_possible = possible @ tag_d
    with np.errstate(invalid="ignore", divide="ignore"):
        mastery = np.where(comp_possible > 0, (earned @ tag_c) / comp_possible, 0.0).round(4)
        dom_mastery = np.where(dom_possible > 0, (earned @ tag_d) / dom_possible, np.nan)
    return Mastery(comps, keys, mastery, comp_possible, dom_mastery, dom_possible)


# -- one learner ------------------------------------------------------------------------------------


def _study(domain_key: str, competencies: list[str], route: str | None, items: list[Item],
           evidence: dict[tuple[str, str], ItemResult], cat: catalog_mod.Catalog) -> dict[str, Any]:
    on_route: list[str] = [cat.common_core.step.track]
    if route:
        r = cat.route(route)
        on_route += [s.track for s in r.path + r.optional]
    tracks = [t for t in cat.all_tracks() if set(t.competencies) & set(competencies)]
    preferred = [t for t in tracks if t.id in on_route] or tracks
    modules = []
    for t in preferred:
        m = cat.module_of_track(t.id)
        modules.append({"module": m.number, "name": f"模組 {m.number} {m.name_zh}", "track": t.id,
                        "title": t.title, "on_route": t.id in on_route})
    lessons = [lesson.path for t in preferred for lesson in t.lessons]
    exercises: list[dict[str, Any]] = []
    for it in items:
        if domain_key in it.domains:
            ev = evidence.get(it.key)
            status = "未作答" if ev is None else ("已通過" if ev.passed else "未通過")
            exercises.append({"exercise": it.exercise, "notebook": it.notebook, "objective": it.objective,
                              "status": status})
    exercises.sort(key=lambda e: {"未通過": 0, "未作答": 1, "已通過": 2}[e["status"]])
    return {"modules": modules, "lessons": lessons, "exercises": exercises}


def compute(learner: str, *, db: Any = None, gradebook: str | None = None, route: str | None = None,
            use_results: bool = True, src: Path | None = None,
            cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    """The readiness report as JSON-ready data."""
    cat = cat or catalog_mod.default()
    items = all_items(src)
    sources: list[list[ItemResult]] = []
    found_route = None
    pending: list[str] = []
    if use_results:
        ev, found_route = evidence_from_results(learner, db, items)
        sources.append(ev)
        pending = pending_from_results(learner, db)
    if gradebook:
        sources.append(evidence_from_gradebook(learner, gradebook, items))
    return from_evidence(learner, merge(*sources), route=route or found_route, pending=pending,
                         items=items, cat=cat)


def from_evidence(learner: str, evidence: list[ItemResult], *, route: str | None = None,
                  pending: list[str] | None = None, items: list[Item] | None = None,
                  cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    """The readiness report computed from an evidence list (one latest result per graded cell).

    :func:`compute` gathers the evidence from the results database and/or a gradebook and calls
    this; other record keepers (xAPI statements read back from a learning record store) call it
    with evidence of their own. The numbers come from :func:`mastery_of`, the cohort's own code,
    with this learner as a one-row matrix; results waiting for manual grading are pending.
    """
    import numpy as np

    cat = cat or catalog_mod.default()
    items = items if items is not None else all_items()
    pending = list(pending or []) + [e.exercise for e in evidence if e.needs_manual]
    evidence = [e for e in evidence if not e.needs_manual]
    earned = np.array([[e.points or 0.0 for e in evidence]], dtype=np.float64).reshape(1, len(evidence))
    possible = np.array([[e.max_points for e in evidence]], dtype=np.float64).reshape(1, len(evidence))
    m = mastery_of(earned, possible, [e.item for e in evidence], cat)
    comp = {c: float(m.mastery[0, j]) for j, c in enumerate(m.competencies)}
    comp_possible = {c: float(m.comp_possible[0, j]) for j, c in enumerate(m.competencies)}
    ev_by_key = {e.key: e for e in evidence}
    certs = []
    for cert in (cat.certifications_for_route(route) if route else cat.certifications):
        weights = cert.normalised_weights()
        domains: list[dict[str, Any]] = []
        for d in cert.domains:
            value, by_items = m.domain(cert, d)
            points = float(m.domain_possible[0, m.domain_keys.index(f"{cert.id}/{d.id}")])
            evidenced = points > 0 or any(comp_possible.get(c, 0) > 0 for c in d.competencies)
            domains.append({"id": d.id, "name": d.name, "weight": round(weights[d.id], 4),
                            "mastery": round(float(value[0]), 4), "competencies": d.competencies,
                            "evidence": evidenced, "basis": "items" if by_items[0] else "competencies",
                            "points": points})
        readiness = float(m.readiness(cert)[0])
        target = cert.recommendable
        entry: dict[str, Any] = {
            "id": cert.id, "name": cert.name, "issuer": cert.issuer, "readiness": readiness,
            "band": band(readiness) if target else STATUS_ZH[cert.status],
            "estimated": cert.estimated, "status": cert.status, "status_zh": STATUS_ZH[cert.status],
            "successor": cert.successor, "status_date": cert.status_date, "recommended": target,
            "capability": cert.listings[0].capability, "domains": domains, "gaps": [],
        }
        if target:
            weakest = sorted(domains, key=lambda g: (g["mastery"], -g["weight"]))
            for g in [g for g in weakest if g["mastery"] < READY][:MAX_GAPS]:
                key = f"{cert.id}/{g['id']}"
                entry["gaps"].append({"domain": g["id"], "name": g["name"], "mastery": g["mastery"],
                                      "weight": g["weight"], "competencies": g["competencies"],
                                      **_study(key, g["competencies"], route, items, ev_by_key, cat)})
        certs.append(entry)
    score = totals(evidence)
    return {
        "learner": learner, "route": route, "competencies": comp,
        "evidence": comp_possible,
        "score": {"earned": score.earned, "possible": score.possible,
                  "ratio": None if score.ratio is None else round(score.ratio, 4)},
        "has_results": bool(evidence),
        "pending": pending,
        "thresholds": {BAND_READY: READY, BAND_CLOSE: CLOSE},
        "certifications": certs,
    }


# -- a whole cohort at once ------------------------------------------------------------------------


@dataclass
class CohortReadiness:
    """Readiness of every learner for every certification, computed set-wise (the same
    :class:`Mastery` as :func:`compute`): ``readiness[i, k]`` for learner ``learners[i]`` and
    ``certifications[k]``, NaN where the certification is not listed for the learner's route."""

    learners: list[str]
    routes: list[str]
    certifications: list[catalog_mod.Certification]
    readiness: Any            # numpy array, learners × certifications

    def band_counts(self) -> dict[str, dict[str, int]]:
        """Per recommendable certification (by name): how many learners are in each band."""
        import numpy as np

        out: dict[str, dict[str, int]] = {}
        for k, cert in enumerate(self.certifications):
            if not cert.recommendable:
                continue
            col = self.readiness[:, k]
            col = col[~np.isnan(col)]
            if col.size == 0:
                continue
            ready = int((col >= READY).sum())
            close = int(((col >= CLOSE) & (col < READY)).sum())
            out[cert.name] = {BAND_READY: ready, BAND_CLOSE: close, BAND_WORK: int(col.size) - ready - close}
        return out

    def any_ready(self) -> int:
        """Learners ready for at least one recommendable certification of their route."""
        import numpy as np

        cols = [k for k, c in enumerate(self.certifications) if c.recommendable]
        if not cols:
            return 0
        sub = np.nan_to_num(self.readiness[:, cols], nan=-1.0)
        return int((sub >= READY).any(axis=1).sum())


def cohort(db: Any = None, *, unit: str | None = None, src: Path | None = None,
           cat: catalog_mod.Catalog | None = None, people: list[dict[str, Any]] | None = None,
           on_rows: Callable[[dict[str, Any]], None] | None = None) -> CohortReadiness:
    """Readiness of every learner with a complete run (optionally of one unit: the learners whose newest
    run is of that unit, with all their results, as :func:`compute` gives each of them), in a few queries.

    The latest auto-graded scores are streamed once from the database into a learners × items
    matrix (items' tags from the masters, read once); :func:`mastery_of` does the rest for everyone.
    ``people`` are the learners (``ResultsDB.learners()`` rows) when the caller has read them already;
    ``on_rows`` receives each chunk of that one read as columns (``ResultsDB.LATEST_COLUMNS`` → numpy
    object array, manually graded rows included), so the cohort report's item analysis needs no read
    of its own.
    """
    import numpy as np
    import pandas as pd

    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    items = all_items(src)
    if people is None:
        people = [r for r in database.learners() if unit is None or r.get("unit") == unit]
    learners = [r["learner"] for r in people]
    learner_index = pd.Index(learners)
    item_index = pd.Index([f"{it.notebook}|{it.grade_id}" for it in items])
    earned = np.zeros((len(learners), len(items)), dtype=np.float64)
    possible = np.zeros_like(earned)
    for rows in database.latest_rows(learners if unit is not None else None):
        block = np.array(rows, dtype=object)          # one C-level pass; no Python loop per row
        columns = {name: block[:, j] for j, name in enumerate(database.LATEST_COLUMNS)}
        if on_rows is not None:
            on_rows(columns)
        r = learner_index.get_indexer(columns["learner"])
        c = item_index.get_indexer(columns["item"])
        # Learners of another unit, items no master has any more, and rows waiting for manual grading
        # are not evidence.
        keep = (r >= 0) & (c >= 0) & ~columns["needs_manual"].astype(bool)
        earned[r[keep], c[keep]] = columns["points"][keep].astype(np.float64)
        possible[r[keep], c[keep]] = columns["max_points"][keep].astype(np.float64)
    m = mastery_of(earned, possible, items, cat)
    certs = list(cat.certifications)
    table = np.full((len(learners), len(certs)), np.nan)
    routes = [r["route"] for r in people]
    for k, cert in enumerate(certs):
        listed = {r: cert in cat.certifications_for_route(r) for r in set(routes)}
        mask = np.array([listed[r] for r in routes], dtype=bool)
        table[mask, k] = m.readiness(cert)[mask]
    return CohortReadiness(learners, routes, certs, table)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Recommendable certifications, best readiness first (never retired or closed ones)."""
    return sorted((c for c in report["certifications"] if c["recommended"]), key=lambda c: -c["readiness"])


def format_table(report: dict[str, Any]) -> str:
    lines = [f"學員 learner {report['learner']}　路線 route {report['route'] or '—'}"]
    if not report["has_results"]:
        lines.append("尚無評分紀錄：請先執行 govai run / no results yet: run `govai run` first")
    lines.append("\n職能掌握度 competency mastery")
    for name, value in report["competencies"].items():
        bar = "█" * round(value * 20)
        note = "" if report["evidence"][name] else "（尚無佐證 / no evidence）"
        lines.append(f"  {name:<6}{value * 100:5.0f}% {bar}{note}")
    lines.append(f"\n認證準備度 certification readiness（{BAND_READY} ≥ {READY:.0%}、{BAND_CLOSE} ≥ {CLOSE:.0%}）")
    for c in report["certifications"]:
        est = "（估計）" if c["estimated"] else ""
        if c["recommended"]:
            lines.append(f"  {c['readiness'] * 100:5.0f}%  {c['band']:<5} {c['name']}{est}")
        else:
            succ = f"，後繼：{c['successor']}" if c["successor"] else ""
            lines.append(f"     —   {c['band']:<5} {c['name']}（{c['status_date']}{succ}；不建議作為目標）")
        for g in c["gaps"][:2]:
            mods = "、".join(m["name"] for m in g["modules"][:2]) or "—"
            lines.append(f"          待加強 {g['domain']} {g['name'][:24]}（{g['mastery'] * 100:.0f}%）→ {mods}")
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learner", required=True, help="學員代號 / learner id")
    parser.add_argument("--db", default=None, help="結果資料庫（預設 var/results.sqlite） / results database URL or path")
    parser.add_argument("--gradebook", default=None,
                        help="nbgrader 成績簿網址，例如 sqlite:///gradebook.db / nbgrader gradebook URL")
    parser.add_argument("--route", choices=["A", "B", "C"], default=None,
                        help="學習路線（預設取最近一次執行） / route (default: that of the latest run)")
    parser.add_argument("--format", choices=["table", "json"], default="table", help="輸出格式 / output format")


def run(args: argparse.Namespace) -> int:
    use_results = args.db is not None or args.gradebook is None
    report = compute(args.learner, db=args.db, gradebook=args.gradebook, route=args.route, use_results=use_results)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_table(report))
    if not report["has_results"]:
        print("提醒：沒有找到這位學員的評分結果 / no results found for this learner", file=sys.stderr)
    return 0
