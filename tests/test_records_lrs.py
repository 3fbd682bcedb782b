"""A real learning record store on loopback (ralph-malph's LRS, file-system backend, its own venv from
`make install`): send a learner's xAPI statements, read them back through the xAPI API, validate them
with ralph's models and compute readiness from them — it must equal readiness from the results database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "records"))

import learners

from govai.records import readiness
from govai.records.learning import forget, lrs_server, xapi


@pytest.fixture(scope="module")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lrs_server.LocalLRS]:
    if not lrs_server.ralph_bin().exists():
        pytest.fail("ralph 的 LRS 尚未安裝：請執行 make install（scripts/install-lrs.sh）")
    server = lrs_server.start(tmp_path_factory.mktemp("lrs"))
    try:
        yield server
    finally:
        server.stop()
    assert server.process.poll() is not None, "LRS 應隨測試結束而停止"


@pytest.fixture()
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> learners.World:
    monkeypatch.setenv("GOVAI_HOME", str(tmp_path / "home"))
    for var in ("GOVAI_RECORDS_DIR", "GOVAI_LRS_URL", "GOVAI_PASS_RATIO", "GOVAI_PROGRESS_DB"):
        monkeypatch.delenv(var, raising=False)
    return learners.build(tmp_path)


def test_lrs_round_trip_and_readiness(lrs: lrs_server.LocalLRS, world: learners.World) -> None:
    client = xapi.LRS(lrs.endpoint, lrs.user, lrs.password)
    mine = xapi.build("rec-1", world.db, progress_path=world.progress, items=world.items)
    other = xapi.build("rec-2", world.db, progress_path=world.progress, items=world.items)
    assert client.send(mine) == {"sent": len(mine), "skipped": 0}
    assert client.send(other)["sent"] == len(other), "第二批新敘述也要能寫入"
    client.send(mine[:5])                                  # a re-send (same ids) must not duplicate
    back = client.statements("rec-1", limit=25)            # several pages through `more`
    assert sorted(s["id"] for s in back) == sorted(s["id"] for s in mine), "依學員查回的應正是送出的敘述"
    for s in back:
        xapi.validate(s)
    got = xapi.readiness_from_statements("rec-1", back, items=world.items)
    want = readiness.compute("rec-1", db=world.db, src=learners.SRC)
    assert got["certifications"] == want["certifications"], "由 LRS 敘述算出的準備度應與結果資料庫一致"
    assert got["competencies"] == want["competencies"] and got["route"] == want["route"]
    assert sorted(got["pending"]) == sorted(want["pending"])

    with pytest.raises(xapi.LRSError):
        xapi.LRS(lrs.endpoint, lrs.user, "wrong-password").statements("rec-1")

    done = forget.forget("rec-1", world.db, progress_path=world.progress, lrs=client, lrs_store=lrs.base)
    assert done["lrs_voided"] == len(mine), "刪除學員時，LRS 中的敘述逐筆作廢（xAPI 沒有刪除）"
    assert done["lrs_purged"] == 2 * len(mine), "本機 LRS 的檔案也刪除其敘述與作廢敘述"
    assert client.statements("rec-1") == [], "LRS 查不到已刪除學員的敘述"
    left = client.statements(None, limit=500)
    assert sorted(s["id"] for s in left) == sorted(s["id"] for s in other), "其他學員的敘述保留"
