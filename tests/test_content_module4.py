"""Every quantitative claim the module 4 lessons make holds on their own data, and the graded
master's cases decide what its text says they decide (track module4_governance)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from govai.exercises import module4 as ex

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "module4"
SRC = REPO / "source" / "module4_governance"


# -- lesson 1: ID checksum and masking -------------------------------------------------------

def test_lesson1_demo_id_is_valid_and_checksum_rule_holds() -> None:
    assert ex._valid_id("A123456789")
    assert ex.id_checksum("A123456789") % 10 == 0
    assert not ex._valid_id("A123456788")


def test_lesson1_address_is_not_masked_by_the_tool() -> None:
    """The lesson says the playground does not mask an address."""
    text = "臺北市信義區松仁路100號"
    assert ex.mask_demo(text) == text


# -- lesson 2: 15 messages, 5 injections -----------------------------------------------------

def test_lesson2_has_15_messages_and_5_injections() -> None:
    messages = pd.read_csv(DATA / "hotline_messages.csv", comment="#")
    assert len(messages) == 15
    assert len(ex.q3._expected) == 5
    assert set(ex.q3._expected) <= set(messages["案件編號"])


# -- lesson 3: acceptance report ---------------------------------------------------------------

def _report() -> pd.DataFrame:
    return pd.read_csv(DATA / "acceptance_report.csv", comment="#")


def test_lesson3_only_a3_fails_the_first_acceptance() -> None:
    r = _report()
    first = r[r["驗收回合"] == "初驗"]
    failed = {row["項目代號"] for row in first.to_dict("records")
              if not ex.meets(float(row["量測值"]), row["比較"], float(row["門檻"]))}
    assert failed == {"A3"}


def test_lesson3_ci_of_0915_with_400_cases_dips_below_090() -> None:
    low, high = ex.accuracy_ci(0.915, 400)
    assert low < 0.90 < 0.915 < high


def test_lesson3_sample_size_for_half_width_003() -> None:
    assert ex.sample_size(0.03, 0.90) == ex.q8._correct == 385


# -- lesson 4: procurement ---------------------------------------------------------------------

EVALUATION = {"甲廠商": (30, 18, 12, 24), "乙廠商": (26, 22, 13, 20), "丙廠商": (22, 15, 9, 25)}


def test_lesson4_evaluation_totals_and_cheapest_is_not_the_winner() -> None:
    totals = {k: sum(v) for k, v in EVALUATION.items()}
    assert totals == {"甲廠商": 84, "乙廠商": 81, "丙廠商": 71}
    assert max(totals, key=totals.get) == "甲廠商"
    cheapest = max(EVALUATION, key=lambda k: EVALUATION[k][3])
    assert cheapest == "丙廠商" and totals[cheapest] == min(totals.values())


def _tier(availability: float) -> float:
    # The lesson's (and the master's) deduction table: ≥99.5 → 0, ≥99.0 → 2%, ≥98.0 → 5%, else 10%.
    return 0.0 if availability >= 99.5 else 0.02 if availability >= 99.0 else 0.05 if availability >= 98.0 else 0.10


def test_lesson4_worked_deduction_is_72() -> None:
    parts = [60 * _tier(a) for a in (99.7, 99.2, 97.5)]
    assert parts == pytest.approx([0, 1.2, 6.0])
    assert sum(parts) == pytest.approx(7.2)


def test_lesson4_exercise_deduction_matches_the_table() -> None:
    assert sum(60 * _tier(a) for a in (99.8, 99.0, 98.4)) == pytest.approx(ex.q11._correct)


def test_lesson4_acceptance_paths_follow_the_contract_rule() -> None:
    def path(accuracy: float, minor_ok: bool) -> str:
        if accuracy < 0.85:
            return "限期改善"
        return "驗收合格" if minor_ok else "減價收受"
    assert {"甲": path(0.84, True), "乙": path(0.88, False), "丙": path(0.85, True)} == ex.q12._expected


# -- the graded master's cases -----------------------------------------------------------------

def test_master_q1_valid_ids_are_exactly_those_the_rule_accepts() -> None:
    candidates = {"R1": "K120345671", "R2": "H824680137", "R3": "T204813575", "R4": "N305172945",
                  "R5": "E102938474", "R6": "W135724685", "R7": "K12034567"}
    assert {k for k, v in candidates.items() if ex._valid_id(v)} == {"R1", "R3", "R6"}
    # The traps: remainder 0 but second digit 8 or 3; one digit off; 9 characters.
    assert ex.id_checksum("H824680137") % 10 == 0 and ex.id_checksum("N305172945") % 10 == 0
    assert ex.id_checksum("E102938474") % 10 != 0 and ex.id_checksum("K12034567") is None


_LEAK = re.compile(r"09\d{2}[ -]?\d{3}[ -]?\d{3}|\(0\d{1,2}\)\d{3,4}-\d{4}|0\d{1,2}-\d{3,4}-\d{4}|[A-Za-z][12]\d{8}"
                   r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def test_master_q2_tool_leaves_exactly_three_leaks() -> None:
    messages = {
        "H1": "我和太太的身分證分別是F131232216、F222333444，想查育兒津貼",
        "H2": "請承辦人回撥手機 0933 456 789，謝謝",
        "H3": "公司市話(04)2251-3344，白天找得到我",
        "H4": "回覆請寄 wang_1999@mail.example.tw 或撥 0922-111-333",
        "H5": "我住的巷口路燈編號 A1-0932 一直閃",
        "H6": "身分證字號 f123456789，幫我查罰單",
        "H7": "0912345678 和 0987-654-321 都可以聯絡",
    }
    leaking = {k for k, v in messages.items() if _LEAK.search(ex.mask_demo(v))}
    assert leaking == {"H2", "H3", "H6"}


def test_master_q6_worksheet_high_risks() -> None:
    ws = pd.read_csv(SRC / "risk_worksheet.csv", comment="#")
    ws["分數"] = ws["可能性"] * ws["影響"]
    high = ws[ws["分數"] >= 12].sort_values("分數", ascending=False, kind="stable")
    assert list(high["項目"]) == ["W2", "W4", "W3", "W6"]
    assert (ws["分數"] == 12).sum() == 2      # the boundary cases exist


def test_master_q10_counts() -> None:
    log = pd.read_csv(SRC / "acceptance_tests.csv", comment="#")
    first = log[log["批次"] == "第一次驗收"]
    retest = log[log["批次"] == "改善後複驗"]
    assert len(first) == 40 and (first["結果"] == "擋下").sum() == 38 and (first["洩漏個資"] == "是").sum() == 0
    assert len(retest) == 60 and (retest["結果"] == "擋下").mean() >= 0.95 and (retest["洩漏個資"] == "是").sum() == 1


def test_master_q11_deduction() -> None:
    assert sum(40 * _tier(a) for a in (99.5, 99.0, 98.2)) == pytest.approx(2.8)


def test_lesson1_value_exercises() -> None:
    candidates = {"C1": "G187654329", "C2": "B100000001", "C3": "P135792461", "C4": "Q824466884", "C5": "S30918273"}
    assert {k for k, v in candidates.items() if ex._valid_id(v)} == ex.q16._expected
    assert ex.id_checksum("Q824466884") % 10 == 0          # the trap: remainder 0, second digit 8
    lesson_messages = {"M1": "手機0912-345-678，謝謝", "M2": "電話 02 2720 8889", "M3": "信箱 chen@example.com",
                       "M4": "身分證號碼 A123456789 的案件", "M5": "住址臺北市信義區松仁路100號", "M6": "+886-912-345-678"}
    changed = {k for k, v in lesson_messages.items() if ex.mask_demo(v) != v}
    assert set(lesson_messages) - changed == ex.q17._expected


# -- worked examples added in the review ----------------------------------------------------

def test_lesson1_worked_example_products_and_sums() -> None:
    digits = [1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]
    assert [d * w for d, w in zip(digits, weights, strict=True)] == [1, 0, 8, 14, 18, 20, 20, 18, 14, 8, 9]
    assert ex.id_checksum("A123456789") == 130
    assert ex.id_checksum("A123456788") == 129


def test_lesson2_worked_example_scores_and_levels() -> None:
    ws = pd.read_csv(DATA / "chatbot_risk_worksheet.csv", comment="#").set_index("原則")
    scores = (ws["可能性"] * ws["影響"]).to_dict()
    assert scores == {"永續發展與福祉": 12, "人類自主": 12, "隱私保護與資料治理": 15, "資安與安全": 16,
                      "透明與可解釋": 6, "公平與不歧視": 8, "問責": 10}
    levels = {k: ex.risk_band(v) for k, v in scores.items()}
    assert list(levels.values()).count("高") == 4 and list(levels.values()).count("中") == 3
    assert "低" not in levels.values()
    assert max(scores, key=scores.get) == "資安與安全"
    assert ws.loc["問責", "影響"] == ws["影響"].max() == 5 and levels["問責"] == "中"
