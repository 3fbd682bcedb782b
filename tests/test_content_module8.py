"""Module 8 (用AI): every quantitative claim of the lessons and of the graded data holds, and the
recorded-output exercise runs offline and against a local OpenAI-compatible stub server.

The stub below is deterministic (it always answers with the same text) and listens on 127.0.0.1
only; it stands in for an agency's on-premise model behind ``GOVAI_LLM_URL``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import nbformat
import pytest

from govai.exercises import module8 as ex

REPO = Path(__file__).resolve().parents[1]
LESSONS = REPO / "notebooks" / "module8_adoption"
RECORDED = REPO / "data" / "module8" / "recorded_outputs.json"
MASTER_DIR = REPO / "source" / "module8_adoption"
WEEKDAYS = "一二三四五六日"


def _roc(text: str) -> list[tuple[dt.date, str | None]]:
    """Every 民國 date in ``text`` with the weekday written after it (if any)."""
    out = []
    for m in re.finditer(r"(\d{2,3})年(\d{1,2})月(\d{1,2})日(?:（星期([一二三四五六日])）)?", text):
        out.append((dt.date(int(m[1]) + 1911, int(m[2]), int(m[3])), m[4]))
    return out


def _weekday(d: dt.date) -> str:
    return WEEKDAYS[d.weekday()]


def _lesson_text(name: str) -> str:
    nb = nbformat.read(LESSONS / name, as_version=4)
    return "\n".join(c.source for c in nb.cells)


# -- lesson 3: the recorded outputs --------------------------------------------------------------


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return ex.load_outputs(RECORDED)


def test_recorded_outputs_are_labelled_course_examples(records: list[dict[str, Any]]) -> None:
    meta = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert "課程撰寫" in meta["說明"] and "不是任何模型的真實輸出" in meta["說明"]
    assert tuple(meta["error_types"]) == ex.ERROR_TYPES
    assert [r["id"] for r in records] == ["L1", "L2", "L3", "L4", "L5"]
    for r in records:
        assert set(r["errors"]) <= set(ex.ERROR_TYPES), r["id"]
        assert r["facts"] in r["prompt"] or r["id"] == "L4" or r["facts"].split("；")[0] in r["prompt"]
    # the lesson's self-check uses exactly the file's reference answers
    assert {r["id"]: r["errors"] for r in records} == ex.q8._expected
    assert sum(1 for r in records if not r["errors"]) == 1                      # one output has no error
    assert max(len(r["errors"]) for r in records) == 2                          # one has two


def test_planted_date_errors_and_weekdays(records: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in records}
    (fact_day, fact_wd), = _roc(by_id["L1"]["facts"])
    (out_day, out_wd), = _roc(by_id["L1"]["output"])
    assert _weekday(fact_day) == fact_wd == "六"                                 # 115年11月21日 is a Saturday
    assert out_day != fact_day and _weekday(out_day) == "四" != out_wd          # lesson: 11月12日 is a Thursday
    (l5_day, l5_wd), = _roc(by_id["L5"]["facts"])
    assert _weekday(l5_day) == l5_wd == "六" and "11/28（六）" in by_id["L5"]["output"]
    for r in records:                                                           # facts never contradict themselves
        for day, wd in _roc(r["facts"]):
            assert wd is None or _weekday(day) == wd, r["id"]


def test_planted_amount_law_personal_and_tone(records: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in records}
    assert "7,000" in by_id["L2"]["facts"] and "7,500" in by_id["L2"]["output"]
    assert "條例" not in by_id["L2"]["facts"] and "條例" in by_id["L2"]["output"]
    kinds = {k for k, _ in ex.highlight(by_id["L3"]["output"], show=False)}
    assert "可能的個資：手機號碼" in kinds
    assert not any(p.search(by_id["L3"]["facts"]) for _, p in ex._PERSONAL_HINTS[:1])
    assert "不要再拖延" in by_id["L4"]["output"]
    for r in records:                                                           # L4, L5: no factual error planted
        if r["id"] in ("L4", "L5"):
            for day, _wd in _roc(r["output"]):
                assert day in [d for d, _ in _roc(r["facts"])], r["id"]


def test_highlighter_lists_without_judging(records: list[dict[str, Any]]) -> None:
    found = ex.highlight(records[1]["output"], show=False)
    assert ("引用的法規", "《育兒津貼發放自治條例》第6條") in found
    assert ("金額或數量", "新臺幣7,500元") in found
    assert not any(k.startswith("語氣") for k, _ in found)                      # tone is never marked
    assert ex.highlight("請於2026-12-20前回復", show=False) == [("日期", "2026-12-20")]
    assert ("可能的個資：手機號碼", "0912 345 678") in ex.highlight("電話 0912 345 678", show=False)


# -- the same exercise through govai.exercises.llm ---------------------------------------------------------


class _Stub(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200
    REPLY = "某區公所社會課將於115年11月21日（星期六）上午9時舉辦長者健檢，依《長者健檢條例》第3條辦理。"

    def do_POST(self) -> None:  # http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        type(self).received.append(body)
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.end_headers()
            return
        data = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": self.REPLY}}]},
                          ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def stub() -> Iterator[str]:
    _Stub.received = []
    _Stub.status = 200
    httpd = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_recorded_exercise_runs_offline(records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVAI_LLM_URL", raising=False)
    text, source = ex.model_output(records[0])
    assert text == records[0]["output"] and "錄製範例" in source


def test_recorded_exercise_against_local_stub_server(records: list[dict[str, Any]], stub: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVAI_LLM_URL", stub)
    text, source = ex.model_output(records[0])
    assert text == _Stub.REPLY and "語言模型" in source
    sent = _Stub.received[-1]
    assert sent["messages"][-1]["content"] == records[0]["prompt"] and sent["temperature"] == 0.0
    # the checking step is the same whatever produced the text: the invented rule is listed for checking
    assert ("引用的法規", "《長者健檢條例》第3條") in ex.highlight(text, show=False)
    (day, wd), = _roc(text)
    assert _weekday(day) == wd
    # a failing server never breaks the lesson: it falls back to the recorded output
    _Stub.status = 500
    text, source = ex.model_output(records[0])
    assert text == records[0]["output"] and "錄製範例" in source


def test_lesson3_runs_against_the_stub(stub: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The lesson notebook itself, executed with the endpoint set, shows the model's output."""
    from nbclient import NotebookClient

    monkeypatch.setenv("GOVAI_LLM_URL", stub)
    monkeypatch.setenv("GOVAI_HOME", str(tmp_path))
    nb = nbformat.read(LESSONS / "03_output_checking.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(LESSONS)}}).execute()
    texts = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "產出來源： 語言模型" in texts and _Stub.REPLY in texts


# -- lessons 1, 2, 4 -----------------------------------------------------------------------------


def test_lesson2_dates_captions_rows_and_notices() -> None:
    text = _lesson_text("02_documents_media_batch.ipynb")
    assert _weekday(dt.date(2026, 12, 5)) == "六" and _weekday(dt.date(2026, 12, 6)) == "日"
    assert "115年12月5日（星期六）" in text and "115年12月6日是星期日" in text

    def seconds(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    bad, prev_end = [], 0.0
    for number, start, end, caption in ex.CAPTIONS:
        rate = len(caption) / (seconds(end) - seconds(start))
        if rate > 4 or seconds(start) < prev_end:
            bad.append(number)
        prev_end = seconds(end)
    assert bad == ex.q5._correct
    first = ex.CAPTIONS[0]
    assert len(first[3]) / (seconds(first[2]) - seconds(first[1])) == 4          # "恰好等於上限"
    assert [r["編號"] for r in ex.ROWS if ex.row_problems(r)] == ex.q7._correct
    with open(REPO / "data" / "module8" / "notices.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10 and sum(bool(ex.row_problems(r)) for r in rows) == 6  # README's claim
    bad = {r["編號"]: ex.row_problems(r) for r in rows if ex.row_problems(r)}
    assert any("一則通知只說一件事" in "".join(v) for v in bad.values())            # README: 核定的列又要求補件
    for r in rows:
        if ex.row_problems(r):
            continue
        text = ex.notice_text(r)
        assert ("已核定" in text) != ("補交" in text)          # one notice says one thing
        assert "2026" not in text and "電話" in text            # 民國 date, contact
        if r["審查結果"] == "待補件":
            assert ex.roc_date(r["補件期限"]) in text
    assert ex.roc_date("2026-12-20") == "115年12月20日"
    assert {r["審查結果"] for r in ex.ROWS} == {"核定", "待補件"}
    fields = {"主旨": "x", "依據": "y"}
    assert [n for n in re.findall(r"\{([^{}]+)\}", ex._TEMPLATE) if n not in fields] == ex.q3._correct


def test_lesson4_letter_checker_claims() -> None:
    notes = ex.check_letter(ex.LESSON_LETTER, show=False)
    assert any("西元" in n for n in notes) and any("辦法" in n for n in notes) and any("附件" in n for n in notes)
    assert len(notes) == 3
    # the worked example's conclusion C, D, E (tool) + G (deadline in 辦法, not in 主旨)
    subject = next(ln for ln in ex.LESSON_LETTER.splitlines() if ln.startswith("主旨"))
    plan = next(ln for ln in ex.LESSON_LETTER.splitlines() if ln.startswith("辦法"))
    assert "前" not in subject and "2026年11月30日前" in plan and "受文者：本區各里辦公處" in ex.LESSON_LETTER
    assert subject.endswith("請查照辦理。")  # 上級 → 下級: the usual pairing
    assert "承辦人" in ex.LESSON_LETTER and "電話" in ex.LESSON_LETTER
    for day, wd in _roc(ex.LESSON_LETTER):
        assert wd is None or _weekday(day) == wd
    ok = ex.LESSON_LETTER.replace("辦法：請於2026年11月30日前張貼完成，請查照辦理。", "") + "附件：宣導海報\n"
    assert ex.check_letter(ok, show=False) == []


def test_lesson4_practice_letter_claims() -> None:
    """Self-check 1: the tool finds only the attachment line; 期望語 and deadline are the learner's judgment."""
    letter = ex.PRACTICE_LETTER
    notes = ex.check_letter(letter, show=False)
    assert len(notes) == 1 and "附件" in notes[0]
    lines = letter.splitlines()
    subject = next(ln for ln in lines if ln.startswith("主旨"))
    plan = next(ln for ln in lines if ln.startswith("辦法"))
    assert "受文者：某市政府" in letter and "某區公所" in letter  # 下級 → 上級
    assert subject.endswith("請照辦。") and not any(e in subject for e in ("請鑒核", "請核示"))
    assert "115年12月10日前" in plan and "12月10日" not in subject  # deadline in 辦法 → G
    assert "如附件" in letter and "附件：" not in letter  # E
    assert "承辦人" in letter and "電話" in letter and "2026" not in letter  # no F, no C
    assert sorted(ex.q12._correct) == ["B", "E", "G"] and set(ex.q12._codes) == set("ABCDEFG")
    for day, wd in _roc(letter):
        assert wd is None or _weekday(day) == wd


def test_notices_and_disclosure_options() -> None:
    best = ex.q13._options[ex.q13._correct]
    assert "核准" in best and "補" not in best and re.search(r"\d{3}年", best) and "電話" in best
    assert "核定" in ex.q13._options[1] and "補正" in ex.q13._options[1]        # the conflicting notice
    assert "2026/" in ex.q13._options[3]


# -- graded master data (new cases) -------------------------------------------------------------


def test_master_outputs_and_dates() -> None:
    meta = json.loads((MASTER_DIR / "ai_outputs.json").read_text(encoding="utf-8"))
    assert "課程撰寫" in meta["說明"] and all("errors" not in r for r in meta["records"])   # no labels shipped
    by_id = {r["id"]: r for r in meta["records"]}
    for r in meta["records"]:
        for day, wd in _roc(r["facts"]):
            assert wd is None or _weekday(day) == wd, r["id"]
    (g2_day, g2_wd), = _roc(by_id["G2"]["output"])
    assert _weekday(g2_day) != g2_wd                                            # G2's date does not match its weekday
    (g5_day, g5_wd), = _roc(by_id["G5"]["output"])
    assert _weekday(g5_day) == g5_wd and "12,000" in by_id["G5"]["output"] and "1萬2,000" in by_id["G5"]["facts"]
    assert "408" in by_id["G1"]["output"] and "480" in by_id["G1"]["facts"]
    assert "3萬6,000" in by_id["G6"]["output"] and "3萬元" in by_id["G6"]["facts"]
    ids = {r["id"] for r in ex.load_outputs(RECORDED)}
    assert ids.isdisjoint(by_id)


def test_master_batch_rules_and_boundary() -> None:
    with open(MASTER_DIR / "notices_batch.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    issued = dt.date(2026, 12, 1)
    bad = []
    for r in rows:
        ok = bool(re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", r["電子郵件"]))
        if r["審查結果"] == "核定":
            ok = ok and r["核定金額"].isdigit() and int(r["核定金額"]) > 0 and not r["待補文件"]
        else:
            ok = ok and bool(r["待補文件"]) and (dt.date.fromisoformat(r["補件期限"]) - issued).days >= 14
        if not ok:
            bad.append(r["編號"])
    assert bad == ["B02", "B04", "B05", "B06", "B07"]
    b03 = next(r for r in rows if r["編號"] == "B03")
    assert (dt.date.fromisoformat(b03["補件期限"]) - issued).days == 14           # exactly at the boundary


def test_master_caption_table() -> None:
    nb = nbformat.read(MASTER_DIR / "module8_adoption.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    rows = re.findall(r"\| (\d) \| (\d\d:\d\d:\d\d[,.]\d{3}) \| (\d\d:\d\d:\d\d[,.]\d{3}) \| (\S+) \|", text)
    assert len(rows) == 6

    def sec(stamp: str) -> float:
        h, m, s = stamp.replace(",", ".").split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    bad, prev_end, rates = set(), 0.0, {}
    for n, start, end, caption in rows:
        rates[int(n)] = len(caption) / (sec(end) - sec(start))
        if rates[int(n)] > 5 or sec(start) < prev_end or "," not in start or "," not in end:
            bad.add(int(n))
        prev_end = sec(end)
    assert bad == {3, 4, 5}
    assert rates[2] == 5 and sec(rows[1][1]) == sec(rows[0][2])                 # both boundaries present
    assert len(re.sub(r"\d", "", rows[2][3])) / 2 <= 5 < rates[3]               # digits decide caption 3
