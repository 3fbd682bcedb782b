"""`govai coverage`: which graded exercises evidence each certification exam domain.

The evidence comes from the nbgrader masters in ``source/<track>/*.ipynb``: every graded test
cell carries ``metadata.govai.domains`` (``"<certification-id>/<domain-id>"``). A domain that no
exercise covers is flagged, and one evidenced by fewer than ``THIN_POINTS`` points is flagged thin
(readiness for it rests on too little); ``--fail-uncovered`` makes CI fail when an active certification of the
chosen route has one. The masters and their items come from :mod:`govai.course.masters`, as for
every other command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.course.items import Item, max_points
from govai.course.masters import all_items

THIN_POINTS = 3.0


# -- coverage -------------------------------------------------------------------------------------


def coverage(route: str | None = None, src: Path | None = None,
             cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    cat = cat or catalog_mod.default()
    items = all_items(src)
    by_domain: dict[str, list[Item]] = {}
    for it in items:
        for key in it.domains:
            by_domain.setdefault(key, []).append(it)
    certs = cat.certifications_for_route(route) if route else cat.certifications
    out = []
    for cert in certs:
        weights = cert.normalised_weights()
        domains = []
        for d in cert.domains:
            evid = by_domain.get(f"{cert.id}/{d.id}", [])
            points = max_points(evid)
            domains.append({
                "id": d.id, "name": d.name, "weight": round(weights[d.id], 4),
                "competencies": d.competencies, "covered": bool(evid),
                "points": points, "thin": bool(evid) and points < THIN_POINTS,
                "items": [{"exercise": it.exercise, "grade_id": it.grade_id, "notebook": it.notebook,
                           "points": it.max_points} for it in evid],
            })
        out.append({"id": cert.id, "name": cert.name, "status": cert.status, "estimated": cert.estimated,
                    "routes": cert.routes, "domains": domains,
                    "uncovered": [d["id"] for d in domains if not d["covered"]],
                    "thin": [d["id"] for d in domains if d["thin"]]})
    known = cat.domain_keys()
    unknown = sorted({k for it in items for k in it.domains if k not in known})
    return {"route": route, "tracks": sorted({it.track for it in items}), "items": len(items),
            "certifications": out, "unknown_domain_tags": unknown}


def failing(report: dict[str, Any]) -> list[str]:
    """``cert/domain`` keys of active certifications that no exercise covers."""
    return [f"{c['id']}/{d}" for c in report["certifications"] if c["status"] == "active" for d in c["uncovered"]]


def format_table(report: dict[str, Any]) -> str:
    lines = [f"評分題目 graded items: {report['items']}（課程軌 tracks: {', '.join(report['tracks']) or '—'}）"]
    for c in report["certifications"]:
        status = {"active": "", "planned": "（規劃中）", "retired": "（已退役）", "closed": "（已停辦）"}[c["status"]]
        lines.append(f"\n■ {c['name']}{status}  [{c['id']}]")
        for d in c["domains"]:
            mark = ("△ 佐證偏少 / thin" if d["thin"] else "✓") if d["covered"] else "✗ 尚無題目佐證 / uncovered"
            lines.append(f"  {d['id']:<5} {d['name'][:40]:<40} {len(d['items']):>3} 題 {d['points']:>5g} 分  {mark}")
            for it in d["items"][:6]:
                lines.append(f"        · {it['exercise']} ({it['points']:g} 分)")
            if len(d["items"]) > 6:
                lines.append(f"        · …另 {len(d['items']) - 6} 題")
    if report["unknown_domain_tags"]:
        lines.append("\n警告：教師版中有目錄沒有的領域標籤 / unknown domain tags: "
                     + ", ".join(report["unknown_domain_tags"]))
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--route", choices=["A", "B", "C"],
                        help="只列此路線（含共同必修）的認證 / only certifications of this route (and the common core)")
    parser.add_argument("--format", choices=["table", "json"], default="table",
                        help="輸出格式 / output format (default: table)")
    parser.add_argument("--fail-uncovered", action="store_true",
                        help="有效認證有未佐證的領域時結束碼為 1 / exit 1 when an active certification has an uncovered domain")
    parser.add_argument("--source", type=Path, default=None,
                        help="教師版資料夾（預設 source/） / masters folder (default: source/)")


def run(args: argparse.Namespace) -> int:
    report = coverage(args.route, args.source)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_table(report))
    bad = failing(report)
    if args.fail_uncovered and bad:
        print(f"\n未佐證的領域 / uncovered domains ({len(bad)}): {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0
