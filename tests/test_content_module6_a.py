"""Every quantitative claim of the module 6 route A lessons (and the master's decisive inputs) holds on the data."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from govai.exercises import module6_a as ex

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "module6_a"
SRC = REPO / "source" / "module6_optimize_a"


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#")


def _last4() -> pd.Series:
    w = _csv(DATA / "pilot_weekly.csv")
    return w[w["週"] >= 9].mean()


def _targets() -> pd.DataFrame:
    return _csv(DATA / "pilot_targets.csv").set_index("KPI")


def _met() -> dict[str, bool]:
    last4, t = _last4(), _targets()
    return {k: ex.met(float(last4[k]), float(t.loc[k, "目標"]), t.loc[k, "方向"]) for k in t.index}


# -- lesson 1 -------------------------------------------------------------------------------------

def test_lesson1_last4_means_and_changes() -> None:
    last4, t = _last4(), _targets()
    assert (last4["平均等候秒數"], last4["AI自助解決率"], last4["平均處理分鐘"]) == (27.5, 36.0, 4.9)
    assert round(last4["民眾滿意度"], 3) == 3.875 and round(last4["錯誤回覆率"], 3) == 1.7
    assert ex.q1._correct == {k: ex.pct_change(float(t.loc[k, "基準"]), float(last4[k]))
                              for k in ("平均等候秒數", "平均處理分鐘", "民眾滿意度")}
    assert t.loc["AI自助解決率", "基準"] == 0, "基準為 0 的 KPI 不算變化率"
    assert (t.loc["平均等候秒數", "基準"], t.loc["平均等候秒數", "目標"]) == (45, 25)   # chart lines
    assert t.loc["錯誤回覆率", "目標"] > t.loc["錯誤回覆率", "基準"], "錯誤回覆率的上限比人工基準寬"
    all12 = _csv(DATA / "pilot_weekly.csv")["平均等候秒數"].mean()
    assert round(all12, 1) == 32.7 and all12 > 25 and last4["平均等候秒數"] > 25   # 判定期間示範


def test_lesson1_kpi_met_and_decisions() -> None:
    assert _met() == ex.q2._correct
    table = {"AI 客服": (2, 4, True), "公文摘要": (4, 5, True), "違停影像辨識": (1, 4, True), "補助初審": (5, 6, False)}
    assert {k: ex.decide(m / n, ok) for k, (m, n, ok) in table.items()} == ex.q3._correct


# -- lesson 2 -------------------------------------------------------------------------------------

def _sla() -> pd.DataFrame:
    s = _csv(DATA / "vendor_sla.csv")
    s["可用率"] = 1 - s["停機分鐘"] / (s["天數"] * 1440)
    return s


def _rate(a: float) -> float:
    return 0.0 if a >= 0.995 else 0.03 if a >= 0.99 else 0.05 if a >= 0.98 else 0.10


def test_lesson2_availability_claims() -> None:
    assert 30 * 1440 * 0.005 == 216
    s = _sla()
    assert list(s.loc[s["可用率"] < 0.995, "月份"]) == ex.q4._correct
    feb = s.set_index("月份").loc["2026-02"]
    assert feb["天數"] * 1440 == 40320 and f"{feb['可用率']:.2%}" == "99.23%"
    assert 400_000 * _rate(feb["可用率"]) == 12_000


def test_lesson2_penalty_tiers() -> None:
    rates, total = ex.q6._correct
    assert {k: _rate(float(k.rstrip("%")) / 100) for k in rates} == rates
    assert round(sum(400_000 * _rate(a) for a in _sla()["可用率"])) == total
    assert ex.availability(30, 216) >= 0.995 and ex.availability(30, 432) >= 0.99   # the challenge


def test_lesson2_p95_and_monthly_quality() -> None:
    values = [1.2, 0.9, 1.5, 2.2, 1.1, 0.8, 6.5, 1.3, 1.0, 1.4, 1.2, 0.9, 1.6, 1.1, 7.8, 1.0, 1.3, 1.2, 0.9, 1.1]
    assert sum(values) / len(values) < 2 and sorted(values)[math.ceil(0.95 * len(values)) - 1] == 6.5
    assert math.ceil(0.95 * 24) == 23 and ex.q7._correct == (3.4, False)
    s = _sla().set_index("月份")
    apr = s.loc["2026-04"]
    assert apr["P95回應秒數"] > 3 and apr["抽查正確件數"] / apr["抽查件數"] < 0.9 and apr["最慢通報小時"] > 1
    assert (s["抽查件數"] == 100).all(), "上表每月都抽 100 件"
    table = {"2026-07": (50, 44), "2026-08": (120, 108), "2026-09": (80, 73), "2026-10": (150, 131)}
    assert [m for m, (n, ok) in table.items() if ok / n < 0.9] == ex.q8._correct
    assert 108 / 120 == 0.9


def test_lesson2_incidents() -> None:
    rows = {"I1": ("重大", "2026-04-03 09:00", "2026-04-03 09:45"), "I2": ("重大", "2026-04-05 16:30", "2026-04-05 17:30"),
            "I3": ("一般", "2026-04-08 10:00", "2026-04-09 11:00"), "I4": ("重大", "2026-04-20 22:50", "2026-04-21 00:10")}
    limit = {"重大": pd.Timedelta(hours=1), "一般": pd.Timedelta(hours=24)}
    late = {k for k, (lv, a, b) in rows.items() if pd.Timestamp(b) - pd.Timestamp(a) > limit[lv]}
    assert late == ex.q9._correct
    assert pd.Timestamp(rows["I4"][2]) - pd.Timestamp(rows["I4"][1]) == pd.Timedelta(minutes=80)


# -- lesson 3 -------------------------------------------------------------------------------------

def test_lesson3_automation_bias_rule_and_demo() -> None:
    o = _csv(DATA / "oversight_weekly.csv").set_index("週")
    override = o["修改或推翻件數"] / o["AI建議件數"]
    error = o["抽查錯誤件數"] / o["抽查件數"]
    assert list(o.index[(override < 0.02) & (error >= 0.05)]) == ex.q11._correct
    assert f"{override[3]:.1%}" == "1.6%" and error[3] == 0.04
    assert override[6] == 0.02 and f"{error[6]:.1%}" == "6.7%"


# -- lesson 4 -------------------------------------------------------------------------------------

def test_lesson4_decision_and_memo_numbers() -> None:
    met = _met()
    general = [k for k in met if k != "錯誤回覆率"]
    share = sum(met[k] for k in general) / len(general)
    assert (share, met["錯誤回覆率"], ex.decide(share, met["錯誤回覆率"])) == ex.q12._correct
    assert [k for k in general if met[k]] == ["平均處理分鐘", "民眾滿意度"]
    s = _sla().set_index("月份")
    assert list(s.index[s["可用率"] < 0.995]) == ["2026-02", "2026-05"]
    assert list(s.index[(s["重大事件數"] > 0) & (s["最慢通報小時"] > 1)]) == ["2026-04"]


# -- the master's decisive inputs -----------------------------------------------------------------

def test_master_inputs_decide_its_items() -> None:
    k = _csv(SRC / "pilot_kpis.csv").set_index("KPI")
    at_target = k.index[k["試辦結果"] == k["目標"]]
    assert set(at_target) == {"平均等候秒數", "民眾滿意度"}, "two KPIs exactly at their targets"
    perf = k[k["類型"] == "成效"]
    met = [(r["試辦結果"] >= r["目標"]) if r["方向"] == "越高越好" else (r["試辦結果"] <= r["目標"]) for _, r in perf.iterrows()]
    assert sum(met) / len(met) == 0.8
    s = _csv(SRC / "sla_log.csv")
    a = 1 - s["停機分鐘"] / (s["天數"] * 1440)
    assert (a == 0.995).any() and (a == 0.99).any() and (a == 0.98).any(), "months exactly at each tier boundary"
    feb = s["月份"] == "2027-02"
    assert float(a[feb].iloc[0]) < 0.995 <= 1 - float(s.loc[feb, "停機分鐘"].iloc[0]) / (30 * 1440)
    assert round(350_000 * sum(_rate(x) for x in a)) == 91_000
    acc = s["抽查正確件數"] / s["抽查件數"]
    assert (acc == 0.9).any() and ((acc < 0.9) & (s["抽查正確件數"] >= 90)).any()
    inc = _csv(SRC / "incidents.csv")
    gap = pd.to_datetime(inc["通報時間"]) - pd.to_datetime(inc["發生時間"])
    assert (gap == pd.Timedelta(hours=1)).any() and (gap == pd.Timedelta(hours=24)).any(), "notices exactly at each deadline"
    r = sorted(_csv(SRC / "response_sample.csv")["回應秒數"])
    assert r[math.ceil(0.95 * len(r)) - 1] == 3.0 != r[math.floor(0.95 * len(r)) - 1]


def test_lesson1_challenge_boundary_week_values_still_give_revise() -> None:
    """Challenge: weeks 9–12 waiting 26, 25, 25, 24 → mean exactly 25 meets the target, yet 3/4 < 0.8."""
    mean = (26 + 25 + 25 + 24) / 4
    t = _targets()
    assert mean == 25.0 and ex.met(mean, float(t.loc["平均等候秒數", "目標"]), t.loc["平均等候秒數", "方向"])
    met = dict(_met(), 平均等候秒數=True)
    general = [k for k in met if k != "錯誤回覆率"]
    share = sum(met[k] for k in general) / len(general)
    assert share == 0.75 and ex.decide(share, met["錯誤回覆率"]) == "修正"


def test_lesson2_challenge_exact_boundaries() -> None:
    assert ex.availability(30, 216) == 0.995 and _rate(ex.availability(30, 216)) == 0.0
    assert ex.availability(30, 432) == 0.99 and _rate(ex.availability(30, 432)) == 0.03
