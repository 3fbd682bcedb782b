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
