"""Learning-hour export: per learner and completed module (track), the hours (catalog lesson hours +
assignment hours), the completion date and the score, as CSV and Excel, through a column template.

No official upload format is public, so nothing here imitates one: the template (YAML; the default
is ``hours_template.yaml`` beside this module) maps each output column's header to one of
:data:`FIELDS`, in the order the training officer needs for the system they upload to.

A roster (CSV with a ``learner`` column and optional ``national_id``, ``name``, ``agency``) adds
personal columns. National IDs are hashed (HMAC-SHA256, :func:`govai.records.learning.keys.hash_national_id`)
as the roster is read; the clear ID is never written anywhere. Exports go to
``$GOVAI_HOME/records/exports/`` unless told otherwise, and a manifest notes which learners each file
holds so that :mod:`govai.records.learning.forget` can delete those files.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from govai.course import catalog as catalog_mod
from govai.records.learning import completion, keys, records_dir

if TYPE_CHECKING:
    from govai.records.results import ResultsDB

FIELDS: dict[str, str] = {
    "learner": "學員代號（結果資料庫中的 learner）",
    "national_id_hash": "身分證字號的 HMAC-SHA256（十六進位；名冊有 national_id 時）",
    "name": "姓名（名冊）",
    "agency": "服務機關（名冊）",
    "route": "學習路線 A/B/C",
    "module": "模組編號 1–8",
    "module_name": "模組名稱",
    "track": "課程軌代號（nbgrader 作業名稱）",
    "track_title": "課程軌名稱",
    "lesson_hours": "課程（課堂筆記本）時數",
    "assignment_hours": "評分作業時數",
    "hours": "學習時數＝課程＋作業（目錄 reference/modules 所列）",
    "completed_on": "完成日期（臺灣時間）",
    "score": "成績（自動評分題得分率 × 100）",
    "badge_id": "完成徽章編號（已簽發時）",
    "course": "課程名稱（govai）",
}
DEFAULT_TEMPLATE = Path(__file__).with_name("hours_template.yaml")


@dataclass
class Template:
    sheet: str
    date_format: str
    columns: list[tuple[str, str]]      # (header, field)


def load_template(path: Path | None = None) -> Template:
    p = Path(path) if path else DEFAULT_TEMPLATE
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    cols = []
    for n, c in enumerate(data.get("columns") or []):
        field = c.get("field")
        if field not in FIELDS:
            raise ValueError(f"{p}: columns[{n}].field {field!r} 不是可用欄位 / unknown field; 可用 / known: "
                             + ", ".join(FIELDS))
        cols.append((str(c.get("header") or field), field))
    if not cols:
        raise ValueError(f"{p}: 沒有 columns / no columns")
    return Template(str(data.get("sheet") or "hours")[:31], str(data.get("date_format") or "%Y-%m-%d"), cols)


def read_roster(path: Path, key: bytes | None = None) -> dict[str, dict[str, str]]:
    """learner → {name, agency, national_id_hash}; national IDs are hashed here and dropped."""
    out: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            learner = (row.get("learner") or "").strip()
            if not learner:
                continue
            nid = row.pop("national_id", None) or ""
            out[learner] = {"name": (row.get("name") or "").strip(), "agency": (row.get("agency") or "").strip(),
                            "national_id_hash": keys.hash_national_id(nid, key) if nid.strip() else ""}
    return out


def _date(iso: str | None, fmt: str) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    if fmt == "roc":
        return f"{d.year - 1911}/{d.month:02d}/{d.day:02d}"
    return d.strftime(fmt)


def rows(db: ResultsDB | str | None = None, *, learners: list[str] | None = None, roster: dict[str, dict[str, str]] | None = None,
         cat: catalog_mod.Catalog | None = None, ratio: float | None = None) -> list[dict[str, Any]]:
    """One dict per learner and completed track, with every field of :data:`FIELDS`."""
    from govai.records.learning import badges
    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    who = learners if learners is not None else [r["learner"] for r in database.learners()]
    out = []
    for learner in who:
        person = (roster or {}).get(learner, {})
        badge_of = {b.achievement: b.jti for b in badges.issued(learner) if not badges.is_revoked(b.jti)}
        for t in completion.track_completions(database, learner, cat=cat, ratio=ratio):
            if not t.completed:
                continue
            out.append({
                "learner": learner, "national_id_hash": person.get("national_id_hash", ""),
                "name": person.get("name", ""), "agency": person.get("agency", ""), "route": t.route or "",
                "module": t.module, "module_name": f"模組 {t.module} {t.module_name}", "track": t.track,
                "track_title": t.title, "lesson_hours": t.lesson_hours, "assignment_hours": t.assignment_hours,
                "hours": t.hours, "completed_on": t.completed_on or "", "score": t.score,
                "badge_id": badge_of.get(f"urn:govai:achievement:track:{t.track}", ""), "course": "govai",
            })
    return out


def exports_dir() -> Path:
    path = records_dir() / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _manifest_path(out_dir: Path) -> Path:
    return out_dir / "manifest.json"


def _note(out_dir: Path, files: list[Path], learners: list[str]) -> None:
    p = _manifest_path(out_dir)
    data = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    for f in files:
        data[f.name] = sorted(set(learners))
    p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    known = _known_dirs()
    if str(out_dir.resolve()) not in known:
        (records_dir() / "export-dirs.json").write_text(
            json.dumps(known + [str(out_dir.resolve())], ensure_ascii=False, indent=1), encoding="utf-8")


def _known_dirs() -> list[str]:
    p = records_dir() / "export-dirs.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else []


def export(db: ResultsDB | str | None = None, *, out: Path | None = None, learners: list[str] | None = None,
           roster: Path | None = None, template: Path | None = None, formats: tuple[str, ...] = ("csv", "xlsx"),
           stem: str = "learning-hours", ratio: float | None = None) -> list[Path]:
    """Write the export (CSV with a BOM so Excel opens it as UTF-8, and/or .xlsx); returns the files."""
    tpl = load_template(template)
    people = read_roster(roster) if roster else None
    found = rows(db, learners=learners, roster=people, ratio=ratio)
    out_dir = Path(out) if out else exports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    table = [[_date(r[f], tpl.date_format) if f == "completed_on" else r[f] for _, f in tpl.columns] for r in found]
    headers = [h for h, _ in tpl.columns]
    files = []
    if "csv" in formats:
        p = out_dir / f"{stem}.csv"
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            w.writerows(["" if v is None else v for v in row] for row in table)
        files.append(p)
    if "xlsx" in formats:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = tpl.sheet
        ws.append(headers)
        for row in table:
            ws.append(row)
        p = out_dir / f"{stem}.xlsx"
        wb.save(p)
        files.append(p)
    _note(out_dir, files, [r["learner"] for r in found])
    return files


def forget(learner: str, out_dirs: list[Path] | None = None) -> list[Path]:
    """Delete every export that holds the learner (in every folder an export was written to)."""
    removed = []
    for d in out_dirs or [exports_dir(), *(Path(k) for k in _known_dirs())]:
        p = _manifest_path(d)
        if not p.exists():
            continue
        data = json.loads(p.read_text(encoding="utf-8"))
        for name in [n for n, who in data.items() if learner in who]:
            (d / name).unlink(missing_ok=True)
            removed.append(d / name)
            del data[name]
        p.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return removed
