"""Every quantitative claim of the module 7 lessons (and the master's decisive inputs) holds on the shipped data."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import pandas as pd
import pytest

from govai.exercises import module7 as ex

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "module7"
SRC = REPO / "source" / "module7_innovation"


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#")


# -- lesson 1: permit journey ------------------------------------------------------------------

def test_lesson1_longest_stage_is_not_the_least_satisfied() -> None:
    j = _csv(DATA / "permit_journey.csv")
    worst = j.loc[j["滿意度"].idxmin(), "階段"]
    longest = j.loc[j["平均耗時天數"].idxmax(), "階段"]
    assert (worst, longest) == ex.q1._correct
    assert worst != longest


# -- lesson 2: sample size, power, stop rule -----------------------------------------------------

def test_lesson2_sample_size_and_recruitment() -> None:
    n = ex.sample_size(0.30, 0.40)
    assert n == 356
    assert ex.q3._correct == (n, math.ceil(n / 0.9))
    assert math.floor(n / 0.9) != math.ceil(n / 0.9) and f"{n / 0.9:.1f}" == "395.6"   # the solution note
    table = ex.sample_size_table(0.30, [0.35, 0.40, 0.45])
    row = table[(table["目標比例"] == 0.40) & (table["雙尾顯著水準 α"] == 0.05) & (table["檢定力"] == 0.8)]
    assert int(row["每組所需人數"].iloc[0]) == n


def test_lesson2_power_with_100_per_group_is_far_below_80_percent() -> None:
    # Quiz: 100 per group, 31% vs 38% observed, 30% → 40% planned.
    assert ex.power_of(0.30, 0.40, 100) < 0.5
    assert ex.power_of(0.30, 0.40, ex.sample_size(0.30, 0.40)) >= 0.8


def test_haybittle_peto_boundary_is_about_p_0001() -> None:
    p = 2 * (1 - NormalDist().cdf(3.29))
    assert 0.0009 < p < 0.0011


def _rule(zb: float, zs: float, final: bool) -> str:
    if zs >= 2.0 or zb <= -2.0:
        return "停止：傷害"
    if not final:
        return "提前停止：有效" if zb >= 3.29 else "繼續"
    return "結束：有效" if zb >= 1.96 else "結束：未證實有效"


def test_lesson2_stop_rule_exercise_follows_the_stated_rule() -> None:
    rows = {"情境A": (2.10, 0.30, False), "情境B": (3.50, 2.40, False), "情境C": (2.05, 1.20, True),
            "情境D": (3.40, -0.20, False)}
    assert {k: _rule(*v) for k, v in rows.items()} == ex.q6._correct


def test_lesson2_demo_rows() -> None:
    # 「第一列 z_效益 = 2.5 … 繼續」「第三列…安全優先，立即停止」
    assert _rule(2.5, 0.4, False) == "繼續"
    assert _rule(3.5, 0.2, False) == "提前停止：有效"
    assert _rule(3.1, 2.3, False) == "停止：傷害"
    assert _rule(2.1, 0.9, True) == "結束：有效"


# -- lesson 3: 1999 repair journey ---------------------------------------------------------------

def test_lesson3_journey_claims() -> None:
    j = _csv(DATA / "hotline_repair_journey.csv").set_index("階段")
    assert j["平均耗時小時"].idxmax() == "等待修復" and j.loc["等待修復", "平均耗時小時"] == 52.0
    worst = j["滿意度"].idxmin()
    assert worst == "描述地點" and j.loc[worst, "平均耗時小時"] * 60 < 10, "最不滿意的一段只花幾分鐘"
    assert j.loc["撥打1999", "平均耗時小時"] * 60 == pytest.approx(3.0)
    assert (j.loc["撥打1999", "滿意度"], j.loc["撥打1999", "痛點數"]) == (3.3, 2)
    assert j["痛點數"].idxmax() == "描述地點"
    assert (worst, set(j.index[j["痛點數"] >= 4])) == ex.q7._correct
    assert "14 位受訪者" in (DATA / "hotline_repair_journey.csv").read_text(encoding="utf-8").splitlines()[0]


# -- lesson 4: pilot design -----------------------------------------------------------------------

def test_lesson4_power_budget() -> None:
    need = ex.sample_size(0.20, 0.30)
    assert need == 294   # the model design note says 每組至少 294 通
    plans = {"A": (300, 300), "B": (588 / 2, 588 / 2), "C": (350, 250), "D": (290, 290)}
    assert {k for k, (a, b) in plans.items() if min(a, b) >= need} == ex.q10._correct


def test_lesson4_z_table() -> None:
    t = ex.z_table(_csv(DATA / "night_pilot_outcomes.csv")).set_index("指標")
    z = t["z（試辦減對照）"]
    better = {k for k in t.index if (t.loc[k, "方向"] == "越高越好" and z[k] >= 1.96)
              or (t.loc[k, "方向"] == "越低越好" and z[k] <= -1.96)}
    harm = bool(((t["類型"] == "安全") & (z >= 2.0)).any())
    assert (better, harm) == ex.q11._correct
    assert 0 < z["一次解決率"] < 1.96, "主要指標提高了但未達 1.96"


# -- the master's decisive inputs ------------------------------------------------------------------

def test_master_inputs_decide_its_items() -> None:
    j = _csv(SRC / "hotline_journey.csv").set_index("階段")
    assert j["滿意度"].idxmin() == "等候接通" != j["平均耗時分鐘"].idxmax() != j["痛點數"].idxmax()
    assert (j["痛點數"] == 4).any(), "a stage exactly at the 'at least 4' boundary"
    assert ex.sample_size(0.45, 0.55) == 392 and math.ceil(392 / 0.85) == 462 != round(392 / 0.85)
    assert ex.sample_size(0.45, 0.60) == 173 == 346 / 2
    t = ex.z_table(_csv(SRC / "pilot_outcomes.csv")).set_index("指標")["z（試辦減對照）"]
    assert t["7日內再來電率"] == -1.96, "a displayed z exactly at the boundary"
    assert t["一次解決率"] >= 1.96 and abs(t["回訪滿意比例"]) < 1.96
    assert t["錯誤回覆率"] == 2.0, "the safety z sits exactly at the harm-stop boundary"
    raw = _csv(SRC / "pilot_outcomes.csv").set_index("指標").loc["錯誤回覆率"]
    assert ex.two_proportion_z(*map(int, raw[["對照組事件數", "對照組人數", "試辦組事件數", "試辦組人數"]])) >= 2.0
