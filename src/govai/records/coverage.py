"""`govai coverage`: which graded exercises evidence each certification exam domain.

The evidence comes from the nbgrader masters in ``source/<track>/*.ipynb``: every graded test
cell carries ``metadata.govai.domains`` (``"<certification-id>/<domain-id>"``). A domain that no
exercise covers is flagged, and one evidenced by fewer than ``THIN_POINTS`` points is flagged thin
(readiness for it rests on too little); ``--fail-uncovered`` makes CI fail when an active certification of the
chosen route has one. This module also offers the helpers the runner, readiness and the demo use
to find the masters (``masters()``) and their graded items, so every command reads the same tags.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.paths import repo_root

THIN_POINTS = 3.0


@dataclass(frozen=True)
class GradedItem:
    track: str
    notebook: str            # <track>/<name>.ipynb
    grade_id: str
    exercise: str
    points: float
    objective: str | None = None
    competencies: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    practised_by: tuple[str, ...] = ()     # lesson self-check ids that practise the same skill

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["competencies"], d["domains"] = list(self.competencies), list(self.domains)
        d["practised_by"] = list(self.practised_by)
        return d


@dataclass
class Master:
    track: str
    path: Path
    items: list[GradedItem] = field(default_factory=list)

    @property
    def notebook(self) -> str:
        return f"{self.track}/{self.path.name}"


def source_dir() -> Path:
    return repo_root() / "source"


def master_paths(src: Path | None = None) -> list[tuple[str, Path]]:
    """(track, path) of every master notebook in ``source/`` (whatever tracks exist today)."""
    root = Path(src) if src else source_dir()
    if not root.exists():
        return []
    found = []
    for track_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for nb in sorted(track_dir.glob("*.ipynb")):
            if ".ipynb_checkpoints" not in nb.parts:
                found.append((track_dir.name, nb))
    return found


def graded_items_of(nb: Any, track: str, name: str) -> list[GradedItem]:
    items = []
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        grader = meta.get("nbgrader") or {}
        if not grader.get("grade"):
            continue
        tags = meta.get("govai") or {}
        gid = str(grader.get("grade_id", ""))
        items.append(GradedItem(
            track=track, notebook=f"{track}/{name}", grade_id=gid,
            exercise=str(tags.get("exercise") or f"{track}.{gid}"),
            points=float(grader.get("points", 0) or 0),
            objective=tags.get("objective"),
            competencies=tuple(tags.get("competencies") or ()),
            domains=tuple(tags.get("domains") or ()),
            practised_by=tuple(tags.get("practised_by") or ()),
        ))
    return items


def masters(src: Path | None = None) -> list[Master]:
    """Every master in source/ with its graded items; an unreadable master is skipped with a warning."""
    from govai.grading import engine

    found = []
    for track, path in master_paths(src):
        try:
            nb = engine.read_notebook(path)
        except Exception as exc:  # a master being written right now by someone else
            print(f"警告：無法讀取教師版 {path}：{exc} / warning: unreadable master", file=sys.stderr)
            continue
        found.append(Master(track, path, graded_items_of(nb, track, path.name)))
    return found


def all_items(src: Path | None = None) -> list[GradedItem]:
    return [it for m in masters(src) for it in m.items]


# -- coverage -------------------------------------------------------------------------------------


def coverage(route: str | None = None, src: Path | None = None,
             cat: catalog_mod.Catalog | None = None) -> dict[str, Any]:
    cat = cat or catalog_mod.default()
    items = all_items(src)
    by_domain: dict[str, list[GradedItem]] = {}
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
            points = sum(it.points for it in evid)
            domains.append({
                "id": d.id, "name": d.name, "weight": round(weights[d.id], 4),
                "competencies": d.competencies, "covered": bool(evid),
                "points": points, "thin": bool(evid) and points < THIN_POINTS,
                "items": [{"exercise": it.exercise, "grade_id": it.grade_id, "notebook": it.notebook,
                           "points": it.points} for it in evid],
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
