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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.records.coverage import GradedItem, all_items

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


@dataclass
class Evidence:
    """One graded cell's latest result for the learner."""

    notebook: str
    grade_id: str
    exercise: str
    points: float
    max_points: float
    competencies: list[str]
    domains: list[str]
    at: str = ""
    source: str = "results"


# -- evidence -----------------------------------------------------------------------------------


def evidence_from_results(learner: str, db: Any, items: list[GradedItem] | None = None
                          ) -> tuple[list[Evidence], str | None]:
    """Latest rows of complete runs; also returns the learner's route (from the newest run).

    Tags come from the masters as they are now (an item's tags are what it evidences); a row of an
    item that no master has any more is not evidence.
    """
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    rows = database.latest_items(learner)
    latest = database.latest_run(learner)
    by_key = {(it.notebook, it.grade_id): it for it in (items if items is not None else all_items())}
    ev = [Evidence(r["notebook"], r["grade_id"], r["exercise"], float(r["points"] or 0.0), float(r["max_points"]),
                   list(it.competencies), list(it.domains), r.get("finished_at") or "", "results")
          for r in rows if not r.get("needs_manual") and (it := by_key.get((r["notebook"], r["grade_id"])))]
    return ev, (latest or {}).get("route")


def pending_from_results(learner: str, db: Any) -> list[str]:
    """Exercises of the latest results that wait for manual grading."""
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    return [r["exercise"] for r in database.latest_items(learner) if r.get("needs_manual")]


def evidence_from_gradebook(learner: str, url: str, items: list[GradedItem] | None = None) -> list[Evidence]:
    """Grades per grade cell from an nbgrader gradebook; tags from the masters in source/."""
    import os

    from nbgrader.api import Gradebook, MissingEntry

    # nbgrader runs `alembic` as a subprocess: this interpreter's bin/ must be on PATH.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    by_key = {(it.track, it.notebook.split("/", 1)[1].removesuffix(".ipynb"), it.grade_id): it
              for it in (items if items is not None else all_items())}
    out: list[Evidence] = []
    with Gradebook(url) as gb:
        try:
            student = gb.find_student(learner)
        except MissingEntry:
            return []
        for sub in student.submissions:
            at = sub.timestamp.isoformat() if sub.timestamp else ""
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.max_score is None or grade.max_score <= 0:
                        continue
                    if grade.auto_score is None and grade.manual_score is None:
                        continue   # waiting for manual grading: neither earned nor possible yet
                    it = by_key.get((sub.assignment.name, nb.name, grade.name))
                    score = grade.score if grade.score is not None else 0.0
                    out.append(Evidence(
                        notebook=f"{sub.assignment.name}/{nb.name}.ipynb", grade_id=grade.name,
                        exercise=it.exercise if it else f"{sub.assignment.name}.{grade.name}",
                        points=float(score), max_points=float(grade.max_score),
                        competencies=list(it.competencies) if it else [],
                        domains=list(it.domains) if it else [], at=at, source="gradebook"))
    return out


def merge(*sources: list[Evidence]) -> list[Evidence]:
    """One result per (notebook, grade cell): the newest wins."""
    best: dict[tuple[str, str], Evidence] = {}
    for ev_list in sources:
        for ev in ev_list:
            key = (ev.notebook, ev.grade_id)
            if key not in best or ev.at >= best[key].at:
                best[key] = ev
    return list(best.values())


# -- computation ---------------------------------------------------------------------------------


def mastery(evidence: list[Evidence], cat: catalog_mod.Catalog) -> tuple[dict[str, float], dict[str, float]]:
    """Mastery 0..1 per competency, and the points possible behind each (0: no evidence)."""
    earned = {c.id: 0.0 for c in cat.competencies}
    possible = {c.id: 0.0 for c in cat.competencies}
    for ev in evidence:
        for comp in ev.competencies:
            if comp in earned:
                earned[comp] += ev.points
                possible[comp] += ev.max_points
    return ({c: round(earned[c] / possible[c], 4) if possible[c] else 0.0 for c in earned}, possible)


def _domain_mastery(key: str, competencies: list[str], comp: dict[str, float],
                    evidence: list[Evidence]) -> tuple[float, str, float]:
    """(mastery, basis, points possible): by points over items tagged with the domain, else competencies."""
    earned = possible = 0.0
    for ev in evidence:
        if key in ev.domains:
            earned += ev.points
            possible += ev.max_points
    if possible > 0:
        return earned / possible, "items", possible
    vals = [comp.get(c, 0.0) for c in competencies]
    return (sum(vals) / len(vals) if vals else 0.0), "competencies", 0.0


def _study(domain_key: str, competencies: list[str], route: str | None, items: list[GradedItem],
           evidence: dict[tuple[str, str], Evidence], cat: catalog_mod.Catalog) -> dict[str, Any]:
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
    exercises = []
    for it in items:
        if domain_key in it.domains:
            ev = evidence.get((it.notebook, it.grade_id))
            status = "未作答" if ev is None else ("已通過" if ev.points >= ev.max_points else "未通過")
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
    sources: list[list[Evidence]] = []
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


def from_evidence(learner: str, evidence: list[Evidence], *, route: str | None = None,
                  pending: list[str] | None = None, items: list[GradedItem] | None = None,
                  cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    """The readiness report computed from an evidence list (one latest result per graded cell).

    :func:`compute` gathers the evidence from the results database and/or a gradebook and calls
    this; other record keepers (xAPI statements read back from a learning record store) call it
    with evidence of their own.
    """
    cat = cat or catalog_mod.default()
    items = items if items is not None else all_items()
    pending = list(pending or [])
    comp, possible = mastery(evidence, cat)
    ev_by_key = {(e.notebook, e.grade_id): e for e in evidence}
    certs = []
    for cert in (cat.certifications_for_route(route) if route else cat.certifications):
        weights = cert.normalised_weights()
        domains = []
        readiness = 0.0
        for d in cert.domains:
            m, basis, points = _domain_mastery(f"{cert.id}/{d.id}", d.competencies, comp, evidence)
            readiness += weights[d.id] * m
            evidenced = points > 0 or any(possible.get(c, 0) > 0 for c in d.competencies)
            domains.append({"id": d.id, "name": d.name, "weight": round(weights[d.id], 4),
                            "mastery": round(m, 4), "competencies": d.competencies, "evidence": evidenced,
                            "basis": basis, "points": points})
        readiness = round(readiness, 4)
        target = cert.recommendable
        entry: dict[str, Any] = {
            "id": cert.id, "name": cert.name, "issuer": cert.issuer, "readiness": readiness,
            "band": band(readiness) if target else STATUS_ZH[cert.status],
            "estimated": cert.estimated, "status": cert.status, "status_zh": STATUS_ZH[cert.status],
            "successor": cert.successor, "status_date": cert.status_date, "recommended": target,
            "capability": cert.listings[0].capability, "domains": domains, "gaps": [],
        }
        if target:
            weakest = sorted(domains, key=lambda d: (d["mastery"], -d["weight"]))
            for d in [d for d in weakest if d["mastery"] < READY][:MAX_GAPS]:
                key = f"{cert.id}/{d['id']}"
                entry["gaps"].append({"domain": d["id"], "name": d["name"], "mastery": d["mastery"],
                                      "weight": d["weight"], "competencies": d["competencies"],
                                      **_study(key, d["competencies"], route, items, ev_by_key, cat)})
        certs.append(entry)
    earned_all = sum(e.points for e in evidence)
    possible_all = sum(e.max_points for e in evidence)
    return {
        "learner": learner, "route": route, "competencies": comp,
        "evidence": {c: possible[c] for c in comp},
        "score": {"earned": earned_all, "possible": possible_all,
                  "ratio": round(earned_all / possible_all, 4) if possible_all else None},
        "has_results": bool(evidence),
        "pending": pending,
        "thresholds": {BAND_READY: READY, BAND_CLOSE: CLOSE},
        "certifications": certs,
    }


# -- a whole cohort at once ------------------------------------------------------------------------


@dataclass
class CohortReadiness:
    """Readiness of every learner for every certification, computed set-wise (same formula as
    :func:`compute`): ``readiness[i, k]`` for learner ``learners[i]`` and ``certifications[k]``,
    NaN where the certification is not listed for the learner's route."""

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
           cat: catalog_mod.Catalog | None = None) -> CohortReadiness:
    """Readiness of every learner with a complete run (optionally of one unit), in a few queries.

    The latest auto-graded scores are streamed once from the database into a learners × items
    matrix; items' tags (from the masters, read once) become items × competencies and items ×
    domains matrices, so mastery and domain evidence are two matrix products for everyone.
    """
    import numpy as np
    import pandas as pd

    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    items = all_items(src)
    people = [r for r in database.learners() if unit is None or r.get("unit") == unit]
    learners = [r["learner"] for r in people]
    learner_index = pd.Index(learners)
    item_index = pd.Index([f"{it.notebook}|{it.grade_id}" for it in items])
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
    earned = np.zeros((len(learners), len(items)), dtype=np.float64)
    possible = np.zeros_like(earned)
    for rows in database.latest_scores(unit):
        block = np.array(rows, dtype=object)          # one C-level pass; no Python loop per row
        r = learner_index.get_indexer(block[:, 0])
        c = item_index.get_indexer(block[:, 1])
        keep = (r >= 0) & (c >= 0)       # learners of another unit, items no master has any more
        earned[r[keep], c[keep]] = block[keep, 2].astype(np.float64)
        possible[r[keep], c[keep]] = block[keep, 3].astype(np.float64)
    comp_possible = possible @ tag_c
    with np.errstate(invalid="ignore", divide="ignore"):
        mastery = np.where(comp_possible > 0, (earned @ tag_c) / comp_possible, 0.0).round(4)
        dom_possible = possible @ tag_d
        dom_mastery = np.where(dom_possible > 0, (earned @ tag_d) / dom_possible, np.nan)
    certs = list(cat.certifications)
    table = np.full((len(learners), len(certs)), np.nan)
    routes = [r["route"] for r in people]
    for k, cert in enumerate(certs):
        on_route = np.array([cert in cat.certifications_for_route(r) for r in sorted(set(routes))])
        listed = dict(zip(sorted(set(routes)), on_route, strict=True))
        mask = np.array([listed[r] for r in routes], dtype=bool) if routes else np.zeros(0, dtype=bool)
        weights = cert.normalised_weights()
        total = np.zeros(len(learners))
        for d in cert.domains:
            ci = [comp_of[c] for c in d.competencies if c in comp_of]
            fallback = mastery[:, ci].mean(axis=1) if ci else np.zeros(len(learners))
            direct = dom_mastery[:, key_of[f"{cert.id}/{d.id}"]]
            total += weights[d.id] * np.where(np.isnan(direct), fallback, direct)
        table[mask, k] = total[mask].round(4)
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
