"""Reports: offline HTML with embedded PNGs and alt text, Chinese glyphs render, cohort CSV/Excel."""

from __future__ import annotations

import base64
import csv
import re
import warnings
from pathlib import Path

import pytest

from govai.course.items import ItemResult
from govai.course.masters import all_items
from govai.records import charts, report
from govai.records.results import NotebookOutcome, ResultsDB, RunRecord

REPO = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def db(tmp_path: Path) -> ResultsDB:
    items = [it for it in all_items(REPO / "source") if it.track == "module1_literacy"]
    database = ResultsDB(tmp_path / "r.sqlite")
    for n, (learner, route, unit, right) in enumerate([("p1", "A", "甲", 9), ("p2", "C", "甲", 4),
                                                       ("p3", "B", "乙", 0)]):
        rows = [ItemResult(it, it.max_points if (k < right or k == 0) else 0.0,
                           error=None if k < right else "AssertionError", seconds=0.01, attempts=2, hints=k % 3)
                for k, it in enumerate(items)]
        database.write_run(RunRecord(f"run{n}", learner, route, "2026-11-26T00:00:00+00:00", unit=unit,
                                     notebooks=[NotebookOutcome("module1_literacy/module1_literacy.ipynb",
                                                                "module1_literacy", "ok", items=rows)]))
    return database




def test_learner_report_is_self_contained_and_renders_chinese(db: ResultsDB, tmp_path: Path) -> None:
    if charts.find_cjk_font() is None:
        pytest.fail("Noto Sans CJK is required (apt-get install fonts-noto-cjk)")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font.*")
        html_path = report.write_learner_report("p1", tmp_path / "out", db=db, held=["aws-aif-c01"])
    html = html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?://""", html), "must open offline"
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 3 and all(base64.b64decode(b).startswith(PNG) and alt for b, alt in images)
    assert "十二項職能掌握度" in images[0][1] and "風險辨識 100%" in images[0][1]
    for name in ("competency_radar.png", "readiness.png", "learning_path.png"):
        assert (tmp_path / "out" / name).read_bytes().startswith(PNG)
    assert "WebHR 表51" in html and "AWS Certified AI Practitioner" in html and "已持有" in html
    assert "準備就緒" in html and "已退役" in html and "AI-901" in html
    assert 'lang="zh-Hant-TW"' in html


def test_learner_without_results_is_told_kindly(tmp_path: Path) -> None:
    html = report.write_learner_report("nobody", tmp_path / "o", db=ResultsDB(tmp_path / "e.sqlite"))
    assert "目前還沒有評分紀錄" in html.read_text(encoding="utf-8")


def test_cohort_report_exports_and_flags(db: ResultsDB, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font.*")
        html = report.write_cohort_report(tmp_path / "c", db=db)
    out = html.parent
    text = html.read_text(encoding="utf-8")
    assert "班級學習報告" in text and "data:image/png;base64," in text
    with (out / "items.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    q1 = next(r for r in rows if r["題目"] == "module1_literacy.q1")
    assert q1["通過率"] == "100%" and q1["標記"] == "太簡單"
    q9 = next(r for r in rows if r["題目"] == "module1_literacy.q9")
    assert q9["通過率"] == "33%" and q9["標記"] == ""
    with (out / "learners_per_route.csv").open(encoding="utf-8-sig") as fh:
        assert [r["人數"] for r in csv.DictReader(fh)] == ["1", "1", "1"]
    wb = load_workbook(out / "cohort.xlsx")
    assert "題目分析" in wb.sheetnames and wb["題目分析"].max_row == len(rows) + 1
    data = report.cohort_data(db, unit="乙")
    assert [x["learner"] for x in data["learners"]] == ["p3"]
    hard = [i for i in data["items"] if i["flag"] == "太難"]
    assert len(hard) == len(data["items"]) - 1        # p3 passed only the first item


def test_cli_report(db: ResultsDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govai import cli

    assert cli.main(["report", "--learner", "p2", "--db", db.url, "--out", str(tmp_path / "l")]) == 0
    assert (tmp_path / "l" / "report.html").exists()
    assert cli.main(["report", "--cohort", "--unit", "甲", "--db", db.url, "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "cohort.xlsx").exists()
    assert cli.main(["report", "--learner", "p2", "--held", "nope", "--db", db.url]) == 2


def _straightforward_cohort(db: ResultsDB, unit: str | None) -> dict:
    """The cohort report's numbers the slow, obvious way: every learner's own readiness and latest rows."""
    from govai.course import catalog
    from govai.records import readiness

    cat = catalog.default()
    learners = [r for r in db.learners() if unit is None or r.get("unit") == unit]
    route_of = {r["learner"]: r["route"] for r in learners}
    done: dict[str, set[str]] = {}
    for nb in db.latest_notebooks():
        if nb["status"] == "ok" and nb["learner"] in route_of:
            done.setdefault(nb["track"], set()).add(nb["learner"])
    rows = [r for r in db.latest_items() if r["learner"] in route_of]
    scores: dict[str, tuple[float, float]] = {}
    for r in rows:
        earned, possible = scores.get(r["track"], (0.0, 0.0))
        scores[r["track"]] = (earned + (r["points"] or 0.0), possible + r["max_points"])
    completion = []
    for module in cat.modules:
        for track in module.tracks:
            expected = {x for x, r in route_of.items() if track.id in cat.route(r).tracks}
            finished = done.get(track.id, set())
            earned, possible = scores.get(track.id, (0.0, 0.0))
            if expected or possible:
                completion.append({"module": module.number, "name": f"模組{module.number} {module.name_zh}",
                                   "track": track.id, "expected": len(expected),
                                   "submitted": len(finished & expected) if expected else len(finished),
                                   "rate": round(len(finished & expected) / len(expected), 3) if expected else None,
                                   "score": round(earned / possible, 3) if possible else None})
    bands: dict[str, dict[str, int]] = {}
    any_ready = 0
    for x in learners:
        alone = readiness.compute(x["learner"], db=db, src=REPO / "source")
        targets = [c for c in alone["certifications"] if c["recommended"]]
        any_ready += any(c["band"] == readiness.BAND_READY for c in targets)
        for c in targets:
            counts = bands.setdefault(c["name"], {readiness.BAND_READY: 0, readiness.BAND_CLOSE: 0,
                                                  readiness.BAND_WORK: 0})
            counts[c["band"]] += 1
    items = []
    for exercise in sorted({r["exercise"] for r in rows}):
        mine = [r for r in rows if r["exercise"] == exercise]
        rate = sum(r["passed"] for r in mine) / len(mine)
        timed = [r["duration"] for r in mine if r["duration"] is not None]
        items.append({"exercise": exercise, "track": min(r["track"] for r in mine), "n": len(mine),
                      "pass_rate": round(rate, 3), "mean_hints": round(sum(r["hints"] for r in mine) / len(mine), 2),
                      "mean_attempts": round(sum(r["attempts"] for r in mine) / len(mine), 2),
                      "mean_seconds": round(sum(timed) / len(timed), 3) if timed else None,
                      "flag": "太簡單" if rate > report.TOO_EASY else "太難" if rate < report.TOO_HARD else ""})
    earned = sum(e for e, _p in scores.values())
    possible = sum(p for _e, p in scores.values())
    return {"learners": [(x["learner"], x["route"], x["unit"], x["finished_at"]) for x in learners],
            "per_route": {r.id: sum(1 for v in route_of.values() if v == r.id) for r in cat.routes},
            "completion": completion, "readiness": bands, "items": items, "any_ready": any_ready,
            "score": round(earned / possible, 3) if possible else None}


def test_cohort_numbers_equal_the_straightforward_computation(tmp_path: Path) -> None:
    """One shared read and arrays give what per-learner readiness and the window queries give.

    The cohort has what makes the fast path different from the obvious one: learners with a second
    (newer) run, two units, a learner who moved unit, rubric items waiting for an instructor, rows
    without a duration, a row of an item no master has any more, and a notebook that failed.
    """
    import random

    from govai.course.items import Item

    items = all_items(REPO / "source")
    retired = Item("module1_literacy", "module1_literacy/module1_literacy.ipynb", "retired_q", "module1.retired", 2.0)
    db = ResultsDB(tmp_path / "cohort.sqlite")
    rng = random.Random(11)
    for n in range(18):
        learner, route = f"k-{n:02d}", "ABC"[n % 3]
        for run_no in range(1 + (n % 4 == 0)):
            unit = "乙" if (n % 5 == 0 and run_no == 1) or n % 3 == 1 else "甲"
            by_nb: dict[tuple[str, str], list[ItemResult]] = {}
            for it in [*items, retired]:
                if rng.random() < 0.8:
                    points = None if it.manual and rng.random() < 0.5 else \
                        float(rng.choice([0.0, it.max_points, it.max_points / 2]))
                    by_nb.setdefault((it.notebook, it.track), []).append(ItemResult(
                        it, points, seconds=None if rng.random() < 0.2 else rng.random(),
                        attempts=rng.randrange(4), hints=rng.randrange(3)))
            nbs = [NotebookOutcome(nb, track, "failed" if rng.random() < 0.15 else "ok", items=rows)
                   for (nb, track), rows in by_nb.items()]
            db.write_run(RunRecord(f"run-{n}-{run_no}", learner, route, f"2026-11-2{run_no}T00:00:00+00:00",
                                   unit=unit, notebooks=nbs, finished_at=f"2026-11-2{run_no}T01:00:00+00:00"))
    for only in (None, "甲", "乙"):
        fast = report.cohort_data(db, unit=only, src=REPO / "source")
        slow = _straightforward_cohort(db, only)
        assert [(x["learner"], x["route"], x["unit"], x["finished_at"]) for x in fast["learners"]] == slow["learners"]
        for key in ("per_route", "completion", "readiness", "items", "any_ready", "score"):
            assert fast[key] == slow[key], (only, key)
    assert any(i["exercise"] == "module1.retired" for i in fast["items"])   # kept in the item analysis
    assert any(i["mean_seconds"] is not None for i in fast["items"])
