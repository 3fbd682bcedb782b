"""Learning records end to end on synthetic learners: xAPI statements, completion, learning-hour
export, Open Badges 3.0 issue → verify (from the QR on the learner report) → revoke, and erasing a
learner everywhere. Real libraries throughout (ralph's models, openbadgeslib, segno, zxing-cpp)."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import re
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "records"))

import learners

from govai.course import catalog
from govai.records import readiness
from govai.records.learning import badges, completion, forget, hours, keys, xapi

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> learners.World:
    monkeypatch.setenv("GOVAI_HOME", str(tmp_path / "home"))
    for var in ("GOVAI_RECORDS_DIR", "GOVAI_ID_HMAC_KEY", "GOVAI_BADGE_KEY_FILE", "GOVAI_LRS_URL",
                "GOVAI_PASS_RATIO", "GOVAI_PROGRESS_DB"):
        monkeypatch.delenv(var, raising=False)
    return learners.build(tmp_path)


def _verb(s: dict) -> str:
    return s["verb"]["id"].rsplit("/", 1)[1]


def test_statements_are_valid_xapi_and_rebuilt_identically(world: learners.World) -> None:
    first = xapi.build("rec-1", world.db, progress_path=world.progress, items=world.items)
    again = xapi.build("rec-1", world.db, progress_path=world.progress, items=world.items)
    assert first == again, "同樣的資料庫應重建出完全相同的敘述（含 id）"
    assert len({s["id"] for s in first}) == len(first), "敘述 id 不可重複"
    for s in first:
        xapi.validate(s)
        assert s["version"] == "1.0.3"
        assert s["actor"]["account"]["name"] == "rec-1"
    kinds = {(_verb(s), s["object"]["definition"]["type"].rsplit("/", 1)[1]) for s in first}
    for expected in [("initialized", "lesson"), ("completed", "lesson"), ("attempted", "question"),
                     ("passed", "question"), ("viewed", "question"), ("scored", "assessment"),
                     ("attempted", "assessment"), ("completed", "module"), ("completed", "course"),
                     ("progressed", "objective")]:
        assert expected in kinds, f"缺少 {expected} 敘述"
    lessons_done = [s["object"]["id"] for s in first if s in first and _verb(s) == "completed"
                    and s["object"]["definition"]["type"].endswith("lesson")]
    assert lessons_done == [xapi.activity_id("lessons", "notebooks/module1_literacy/01_what_is_ai.ipynb")], \
        "只有四題自我檢核都答對的第 1 課算完成"
    started = [s["object"]["id"] for s in first if _verb(s) == "initialized"]
    assert len(started) == 2, "第 1、2 課都有作答紀錄，應各有一筆開始"
    viewed = sorted(s["context"]["extensions"][xapi.ext("viewed")] for s in first if _verb(s) == "viewed")
    assert viewed == ["hint", "solution"]
    passed = next(s for s in first if _verb(s) == "passed")
    assert passed["context"]["extensions"][xapi.ext("competencies")], "自我檢核敘述應帶職能"
    scored = [s for s in first if _verb(s) == "scored"]
    runs = {s["context"]["extensions"][xapi.ext("run-id")] for s in scored}
    assert runs == {"rec-1-a", "rec-1-b"}, "每次完整執行的評分都有敘述（歷程）"
    assert all(isinstance(s["result"]["score"]["raw"], int | float) for s in scored), "分數須為數字"


def test_readiness_from_statements_equals_the_results_database(world: learners.World) -> None:
    statements = xapi.build("rec-1", world.db, progress_path=world.progress, items=world.items)
    got = xapi.readiness_from_statements("rec-1", statements, items=world.items)
    want = readiness.compute("rec-1", db=world.db, src=learners.SRC)
    assert got["certifications"] == want["certifications"]
    assert got["competencies"] == want["competencies"]
    assert got["score"] == pytest.approx(want["score"]), "總分只差浮點加總順序"
    assert got["route"] == want["route"] and sorted(got["pending"]) == sorted(want["pending"])


def test_completion_rule_at_the_pass_ratio(world: learners.World) -> None:
    done = {t.track: t for t in completion.track_completions(world.db, "rec-1", items=world.items)}
    assert done["module6_optimize_c"].completed, "得分率恰為 60% 應算完成"
    assert not done["module5_strategy"].completed, "得分率 59% 不算完成"
    assert done["module1_literacy"].score == 100.0, "第二次執行（較新）才算數"
    assert done["module1_literacy"].completed_on == "2026-11-20"
    cat = catalog.default()
    for t in done.values():
        assert t.hours == pytest.approx(cat.track(t.track).hours), "時數＝目錄的課程時數＋作業時數"
    route = completion.route_completion("rec-1", "C", list(done.values()))
    assert route is not None and route.completed and route.tracks == list(learners.ROUTE_C)


def test_learning_hour_export(world: learners.World, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,national_id,name,agency\nrec-1,Ａ123456789,王小明,示範機關\n", encoding="utf-8")
    files = hours.export(world.db, roster=roster)
    csv_path = next(f for f in files if f.suffix == ".csv")
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "123456789" not in text, "身分證字號不可以明碼出現在匯出檔"
    table = list(csv.DictReader(text.splitlines()))
    mine = [r for r in table if r["學員代號"] == "rec-1"]
    assert sorted(r["課程軌"] for r in mine) == sorted(catalog.default().track(t).title for t in learners.ROUTE_C)
    key_file = Path(tmp_path / "home" / "records" / "id-hmac.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "金鑰檔權限須為 0600"
    assert REPO not in key_file.resolve().parents, "金鑰不可放在程式庫內"
    expected = hmac.new(key_file.read_bytes(), b"A123456789", hashlib.sha256).hexdigest()
    assert {r["身分證字號雜湊"] for r in mine} == {expected}, "全形英數字先正規化再以 HMAC-SHA256 雜湊"
    assert [r["學員代號"] for r in table].count("rec-2") == 1 and \
        next(r for r in table if r["學員代號"] == "rec-2")["身分證字號雜湊"] == "", "名冊沒有的學員不填雜湊"
    from openpyxl import load_workbook

    ws = load_workbook(next(f for f in files if f.suffix == ".xlsx")).active
    assert ws.title == "學習時數" and [c.value for c in ws[1]] == list(table[0].keys())
    assert ws.max_row == len(table) + 1
    # A training officer's own template: other headers, another order, ROC dates.
    tpl = tmp_path / "portal.yaml"
    tpl.write_text("sheet: upload\ndate_format: roc\ncolumns:\n  - {header: 完訓日期, field: completed_on}\n"
                   "  - {header: 時數, field: hours}\n  - {header: ID, field: national_id_hash}\n", encoding="utf-8")
    out = hours.export(world.db, learners=["rec-1"], roster=roster, template=tpl, out=tmp_path / "x",
                       formats=("csv",))
    rows = list(csv.reader(out[0].read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["完訓日期", "時數", "ID"] and {r[0] for r in rows[1:]} == {"115/11/20"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  - {header: 身分證, field: national_id}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="national_id"):
        hours.load_template(bad)
    assert keys.hash_national_id("a123456789 ") == expected


def _report_qr_tokens(html: str) -> dict[str, str]:
    """Decode every badge QR of the learner report, as a verifier's camera would."""
    import numpy as np
    import png
    import zxingcpp

    found = {}
    for b64, jti in re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="完成徽章[^"]*" data-badge="([^"]+)"',
                               html):
        w, h, rows, _ = png.Reader(bytes=base64.b64decode(b64)).asRGB8()
        pixels = np.vstack([np.frombuffer(bytes(r), dtype=np.uint8) for r in rows]).reshape(h, w, 3)
        decoded = zxingcpp.read_barcodes(pixels)
        assert decoded, "QR code 應可被掃描"
        found[jti] = decoded[0].text
    return found


def test_badges_issue_verify_from_the_report_qr_and_revoke(world: learners.World, tmp_path: Path) -> None:
    from openbadgeslib.ob3 import OB3VerificationError

    from govai.records import report

    issued = badges.issue("rec-1", world.db)
    names = {b.achievement for b in issued}
    assert names == {*(f"urn:govai:achievement:track:{t}" for t in learners.ROUTE_C), "urn:govai:achievement:route:C"}
    assert all(b.issued_now for b in issued)
    assert not any(b.issued_now for b in badges.issue("rec-1", world.db)), "重複簽發不產生新徽章"
    html = report.write_learner_report("rec-1", tmp_path / "report", db=world.db).read_text(encoding="utf-8")
    tokens = _report_qr_tokens(html)
    assert set(tokens) == {b.jti for b in issued}, "報告顯示每個有效徽章的 QR code"
    status = badges.status_list_path().read_bytes()
    for b in issued:
        cred = badges.verify(tokens[b.jti], status)          # offline: did:key + the signed list
        assert cred.id == b.jti
        assert "非任何外部認證" in cred.achievement.description, "徽章須說明只證明完成本課程"
        assert cred.issuer.id.startswith("did:key:")
    module1 = next(b for b in issued if b.achievement.endswith("module1_literacy"))
    head, payload, sig = module1.token.split(".")
    forged = f"{head}.{payload[:-4]}{'AAAA' if payload[-4:] != 'AAAA' else 'BBBB'}.{sig}"
    with pytest.raises(OB3VerificationError):
        badges.verify(forged, status)
    badges.revoke(module1.jti, "測試撤銷")
    with pytest.raises(OB3VerificationError, match="revocation"):
        badges.verify(tokens[module1.jti])
    assert badges.verify(tokens[next(b.jti for b in issued if b is not module1)]).id, "其他徽章不受影響"
    assert module1.jti not in {b["jti"] for b in report.learner_badges("rec-1")}, "已撤銷的徽章不再顯示"
    again = [b for b in badges.issue("rec-1", world.db) if b.issued_now]
    assert [b.achievement for b in again] == [module1.achievement], "撤銷後可重新簽發"
    assert badges.issue("rec-2", world.db) and all(b.achievement.endswith("module1_literacy")
                                                    for b in badges.issue("rec-2", world.db))


def test_forget_removes_a_learner_everywhere(world: learners.World, tmp_path: Path) -> None:
    from openbadgeslib.ob3 import OB3VerificationError

    for who in ("rec-1", "rec-2"):
        xapi.write_file(who, xapi.build(who, world.db, progress_path=world.progress, items=world.items))
        badges.issue(who, world.db)
    token = badges.issued("rec-1")[0].token
    exports = hours.export(world.db, out=tmp_path / "exports")
    only_rec2 = hours.export(world.db, learners=["rec-2"], out=tmp_path / "exports", stem="rec2")
    done = forget.forget("rec-1", world.db, progress_path=world.progress)
    assert done["results"] > 0 and done["progress_events"] == len(learners.EVENTS)
    assert world.db.runs("rec-1") == [] and world.db.latest_items("rec-1") == []
    assert world.db.latest_notebooks("rec-1") == []
    assert xapi.progress_events("rec-1", world.progress) == []
    assert xapi.read_file(learner="rec-1") == [] and xapi.read_file(learner="rec-2"), "只刪這位學員"
    assert badges.issued("rec-1") == []
    with pytest.raises(OB3VerificationError):
        badges.verify(token)                                  # a copy the learner kept no longer verifies
    registry = (badges.badges_dir() / "registry.json").read_text(encoding="utf-8")
    assert badges.recipient("rec-1") not in registry
    assert all(not p.exists() for p in exports) and all(p.exists() for p in only_rec2)
    assert xapi.build("rec-1", world.db, progress_path=world.progress, items=world.items) == []
    assert world.db.runs("rec-2") and xapi.progress_events("rec-2", world.progress), "其他學員的紀錄保留"
    assert badges.issued("rec-2")


def test_cli(world: learners.World, capsys: pytest.CaptureFixture[str]) -> None:
    from govai.cli import main

    db = str(world.db.url)
    assert main(["records", "xapi", "--learner", "rec-1", "--db", db, "--progress", str(world.progress)]) == 0
    assert len(xapi.read_file(learner="rec-1")) == len(xapi.build("rec-1", world.db, progress_path=world.progress,
                                                                  items=world.items))
    assert main(["records", "hours", "--db", db, "--format", "csv"]) == 0
    assert main(["records", "badges", "issue", "--learner", "rec-2", "--db", db]) == 0
    token_file = badges.issued("rec-2")[0].path
    token = token_file.read_text(encoding="utf-8")
    assert main(["records", "badges", "verify", str(token_file)]) == 0
    assert main(["records", "badges", "verify", "not-a-token"]) == 1
    assert main(["records", "forget", "--learner", "rec-2", "--db", db]) == 2, "未加 --yes 不刪除"
    assert world.db.runs("rec-2")
    assert main(["records", "forget", "--learner", "rec-2", "--db", db, "--progress", str(world.progress),
                 "--yes"]) == 0
    assert world.db.runs("rec-2") == [] and not token_file.exists()
    assert main(["records", "badges", "verify", "--status-list", str(badges.status_list_path()), token]) == 1, \
        "刪除學員後其徽章已撤銷"
    out = capsys.readouterr().out
    assert "✓ 有效" in out and "✗ 驗證失敗" in out


def test_badge_verification_needs_no_network(world: learners.World, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    issued = badges.issue("rec-2", world.db)

    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("驗證徽章不可連網（did:key、已簽署的撤銷清單、內建的 JSON-LD context）")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    for b in issued:
        assert badges.verify(b.token).id == b.jti
