"""Every quantitative claim of module 6 route C's lessons and graded master holds on its data.

Lessons: notebooks/module6_optimize/c_01…c_04; data: data/module6_c/ (lessons) and
source/module6_optimize_c/ (graded, different cases). All data is synthetic.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from govai.exercises import module6_c as ex

REPO = Path(__file__).resolve().parents[1]
LESSON_TIMING = REPO / "data" / "module6_c" / "timing.csv"
LESSON_ROUTING = REPO / "data" / "module6_c" / "routing.csv"
MASTER = REPO / "source" / "module6_optimize_c"


@pytest.fixture(scope="module")
def timing() -> pd.DataFrame:
    return pd.read_csv(LESSON_TIMING)


@pytest.fixture(scope="module")
def pilot() -> pd.DataFrame:
    return pd.read_csv(MASTER / "pilot_timing.csv")


# -- lesson 1 -----------------------------------------------------------------------------------


def test_lesson1_process_map_totals_and_bottleneck() -> None:
    assert sum(ex.STEPS_BEFORE.values()) == 72 and sum(ex.STEPS_AFTER.values()) == 54
    assert max(ex.STEPS_AFTER, key=ex.STEPS_AFTER.get) == "查詢法規與前案" == ex.q1._correct[1]
    assert ex.q1._correct[0] == 72 - 54
    # forgetting the new checking step gives the known wrong answer
    assert 72 - (54 - ex.STEPS_AFTER["核對 AI 草稿"]) == ex.q1._wrong[0]


def test_lesson1_adoption_slider_claims() -> None:
    # 草擬 10 + 核對 8 when adopted, 核對 8 + 重寫 25 when not; at 80% the saving is positive
    drafting = 0.8 * 18 + 0.2 * 33
    assert ex.STEPS_BEFORE["草擬回文"] - drafting > 0
    assert ex.STEPS_BEFORE["草擬回文"] - 33 < 0      # at 0% adoption it is slower
    before = ex.STEPS_BEFORE["草擬回文"]
    adopted = ex.STEPS_AFTER["草擬回文"] + ex.STEPS_AFTER["核對 AI 草稿"]
    assert (before, adopted, before - adopted) == (25, 18, 7)                  # "省 7 分鐘"
    assert round(drafting, 1) == 21.0 and round(before - drafting, 1) == 4.0   # 80%: saves 4.0
    assert abs(8 / 15 - 0.53) < 0.005 and (before - 33) + 15 * (8 / 15) == 0   # break-even 8 ÷ 15
    assert round(before - (0.5 * 18 + 0.5 * 33), 1) == -0.5                     # 50%: 0.5 min slower
    assert "<b>4.0</b>" in ex.adoption_html(0.8) and "21.0" in ex.adoption_html(0.8)   # the slider tool agrees
    assert "<b>-0.5</b>" in ex.adoption_html(0.5) and "反而更慢" in ex.adoption_html(0.5)
    assert "有節省" in ex.adoption_html(0.55)


def test_lesson1_twenty_officers_error_rate_and_weighted_saving(timing: pd.DataFrame) -> None:
    assert len(timing) == 20
    rate = timing["導入後錯誤件數"].sum() / timing["導入後件數"].sum() * 100
    assert round(rate, 1) == ex.q2._correct == 8.1
    assert (timing["導入後錯誤件數"].sum(), timing["導入後件數"].sum()) == (76, 939)
    mean_of_rates = (timing["導入後錯誤件數"] / timing["導入後件數"]).mean() * 100
    assert round(mean_of_rates, 1) == ex.q2._wrong == 8.2          # the self-check tells the two apart
    w = ex.time_summary(timing, weighted=True, before=("導入前件數", "導入前平均分鐘"),
                        after=("導入後件數", "導入後平均分鐘"), show=False)
    u = ex.time_summary(timing, weighted=False, before=("導入前件數", "導入前平均分鐘"),
                        after=("導入後件數", "導入後平均分鐘"), show=False)
    assert round(w["節省百分比"], 1) == ex.q3._correct == 12.4
    assert round(u["節省百分比"], 1) == ex.q3._wrong == 13.4


def test_lesson1_routing_quiz_numbers() -> None:
    routing = pd.read_csv(LESSON_ROUTING)
    assert len(routing) == 40
    c = ex.routing_counts(routing, "清潔科", show=False)
    # 「AI 分派到清潔科的 7 件中有 6 件正確，真正屬於清潔科的 10 件只抓到 6 件」
    assert c["分派正確"] + c["誤派進來"] == 7 and c["分派正確"] == 6
    assert c["分派正確"] + c["漏派出去"] == 10


# -- lesson 2 -----------------------------------------------------------------------------------


def test_lesson2_paired_results(timing: pd.DataFrame) -> None:
    r = ex.paired_comparison(timing["導入前平均分鐘"], timing["導入後平均分鐘"], show=False)
    assert round(r["d_z"], 2) == ex.q4._correct == 1.01
    assert round(r["信賴區間下限"], 1) == 4.4 and round(r["信賴區間上限"], 1) == 11.9   # q7 claim A
    assert r["p 值"] < 0.05                                                             # q7 claim C
    assert statistics.mean(timing["導入前平均分鐘"] - timing["導入後平均分鐘"]) == pytest.approx(r["平均差"])
    ind = ex.paired_comparison(timing["導入前平均分鐘"], timing["導入後平均分鐘"], method="獨立樣本 t 檢定", show=False)
    assert ind["信賴區間上限"] - ind["信賴區間下限"] > r["信賴區間上限"] - r["信賴區間下限"]   # "信賴區間很寬"
    assert stats.wilcoxon(timing["導入前平均分鐘"], timing["導入後平均分鐘"]).pvalue < 0.05


def test_lesson2_per_officer_versus_per_document_saving(timing: pd.DataFrame) -> None:
    """Section 4: the calculator's mean difference counts each officer once (≈ 8.2); weighted by documents ≈ 7.5."""
    r = ex.paired_comparison(timing["導入前平均分鐘"], timing["導入後平均分鐘"], show=False)
    w = ex.time_summary(timing, weighted=True, before=("導入前件數", "導入前平均分鐘"),
                        after=("導入後件數", "導入後平均分鐘"), show=False)
    per_doc = w["導入前平均分鐘"] - w["導入後平均分鐘"]
    assert round(r["平均差"], 1) == 8.2 and round(per_doc, 1) == 7.5 and per_doc < r["平均差"]
    assert r["信賴區間下限"] < per_doc < r["信賴區間上限"]   # the per-document saving lies in the reference range
    assert timing["導入前件數"].min() == 35 and timing["導入前件數"].max() == 59   # "只辦 35 件的人和辦 59 件的人"


def test_lesson2_ci_slider_matches_the_calculator(timing: pd.DataFrame) -> None:
    d = list(timing["導入前平均分鐘"] - timing["導入後平均分鐘"])
    html = ex.ci_html(20, statistics.mean(d), statistics.stdev(d))
    assert "4.4 ～ 11.9" in html                                   # n = 20 gives the calculator's interval


def test_lesson2_small_sample_interval_uses_t() -> None:
    r = ex.paired_comparison(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER, show=False)
    assert (round(r["信賴區間下限"], 2), round(r["信賴區間上限"], 2)) == ex.q5._correct
    d = [b - a for b, a in zip(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER, strict=True)]
    half = 1.96 * statistics.stdev(d) / math.sqrt(len(d))
    assert (round(statistics.mean(d) - half, 2), round(statistics.mean(d) + half, 2)) == ex.q5._wrong
    assert stats.t.ppf(0.975, 7) == pytest.approx(2.364624251592784)


def test_lesson2_ci_narrows_with_more_officers(timing: pd.DataFrame) -> None:
    d = timing["導入前平均分鐘"] - timing["導入後平均分鐘"]
    widths = [stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n) for n in (5, 20, 100)]
    assert widths[0] > widths[1] > widths[2]


# -- lesson 3 -----------------------------------------------------------------------------------


def test_lesson3_skewed_differences() -> None:
    d = [b - a for b, a in zip(ex.SKEWED_BEFORE, ex.SKEWED_AFTER, strict=True)]
    big = [x for x in d if x > 30]
    assert len(d) == 10 and len(big) == 2
    assert all(-1 <= x <= 2 for x in d if x not in big)
    assert stats.skew(d) > 1                                    # clearly right-skewed
    s = ex.paired_comparison(ex.SKEWED_BEFORE, ex.SKEWED_AFTER, method="符號檢定", show=False)
    assert (s["變快人數"], s["變慢人數"], s["相同人數"]) == (8, 2, 0) == (*ex.q9._correct[:2], 0)
    assert s["p 值"] >= 0.05 and ex.q9._correct[2] is False
    assert statistics.mean(d) == pytest.approx(7.55)            # claim D's number, which is not every officer's
    assert sum(x < statistics.mean(d) for x in d) == 8          # "平均 7.55 比 10 人中 8 人的差值都大"
    assert sorted(d)[:2] == [-1, -0.5] and sorted(d)[-2:] == [32, 36]
    # the table "同一份資料、三種設定": t ≈ 0.12, signed-rank ≈ 0.02 (misused), sign ≈ 0.11
    p = {m: ex.paired_comparison(ex.SKEWED_BEFORE, ex.SKEWED_AFTER, method=m, show=False)["p 值"]
         for m in ("成對 t 檢定", "符號等級檢定", "符號檢定")}
    assert round(p["成對 t 檢定"], 2) == 0.12 and round(p["符號等級檢定"], 2) == 0.02 and round(p["符號檢定"], 2) == 0.11
    assert p["符號等級檢定"] < 0.05 <= min(p["成對 t 檢定"], p["符號檢定"])


def test_methods_and_aliases() -> None:
    assert ex.METHODS == ("成對 t 檢定", "符號等級檢定", "符號檢定", "獨立樣本 t 檢定")
    a = ex.paired_comparison(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER, method="Wilcoxon 符號等級檢定", show=False)
    b = ex.paired_comparison(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER, method="符號等級檢定", show=False)
    assert a == b
    # a mistyped setting in the learner's calculator cell never stops the notebook
    assert ex.paired_comparison(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER, method="卡方檢定", show=False) == {}
    assert ex.routing_counts(pd.DataFrame({"正確科室": ["甲"], "AI分派科室": ["甲"]}), "不存在的科", show=False)["分派正確"] == 0


# -- lesson 4 -----------------------------------------------------------------------------------


def test_lesson4_time_study() -> None:
    s = pd.DataFrame(ex.STUDY)
    assert s["件數"].sum() == 100 and s["作業分鐘合計"].sum() == 3525           # report sentence 1
    assert s["作業分鐘合計"].sum() / s["件數"].sum() == ex.q11._correct == 35.25
    per = s["作業分鐘合計"] / s["件數"]
    assert per.mean() == ex.q11._wrong == 41.0                                  # report sentence 2's number
    assert "41.0" in ex.q13._sentences["2"]
    fewest = s.loc[s["件數"].idxmin()]
    assert fewest["承辦人"] == "T4" and per[s["件數"].idxmin()] == per.max()    # "件數少的人每件特別久"
    two = s.set_index("承辦人").loc[["T1", "T2"]]                                # worked example on T1 and T2
    assert list(two["件數"]) == [40, 10] and list(two["作業分鐘合計"]) == [1200, 450]
    assert (1200 / 40, 450 / 10) == (30, 45) and (30 + 45) / 2 == 37.5
    assert two["作業分鐘合計"].sum() / two["件數"].sum() == 33 and 37.5 - 33 == 4.5


# -- graded master data (new cases) -------------------------------------------------------------


def test_master_process_table_boundary() -> None:
    before = {"收件": 6, "資格檢核": 15, "補件通知": 12, "核定函草擬": 18, "主管核章": 5}
    after = {"收件": 4, "資格檢核": 14, "補件通知": 3, "核定函草擬": 6, "核對 AI 產出": 10, "主管核章": 3}
    assert sum(before.values()) - sum(after.values()) == 16
    total = sum(after.values())
    assert {k for k, v in after.items() if v / total >= 0.25} == {"資格檢核", "核對 AI 產出"}
    assert after["核對 AI 產出"] / total == 0.25                                   # exactly at the boundary


def test_master_pilot_timing(pilot: pd.DataFrame) -> None:
    assert len(pilot) == 24 and pilot["業務類別"].nunique() == 6                 # claim F
    w = ex.time_summary(pilot, weighted=True, show=False)
    u = ex.time_summary(pilot, weighted=False, show=False)
    assert round(w["導入前平均分鐘"], 2) == 42.51 and round(w["導入後平均分鐘"], 2) == 39.26
    assert round(w["節省百分比"], 1) == 7.6 and round(u["節省百分比"], 1) == 11.7
    assert w["節省百分比"] < u["節省百分比"]                                      # claim C
    assert round(pilot["導入前錯誤件數"].sum() / pilot["導入前件數"].sum() * 100, 1) == 12.8
    assert round(pilot["導入後錯誤件數"].sum() / pilot["導入後件數"].sum() * 100, 1) == 7.8
    r = ex.paired_comparison(pilot["導入前每件分鐘"], pilot["導入後每件分鐘"], show=False)
    assert (round(r["平均差"], 2), round(r["信賴區間下限"], 2), round(r["信賴區間上限"], 2)) == (5.21, 3.18, 7.24)
    assert r["信賴區間下限"] > 0 and round(r["d_z"], 2) == 1.08                   # claim A
    ind = ex.paired_comparison(pilot["導入前每件分鐘"], pilot["導入後每件分鐘"], method="獨立樣本 t 檢定", show=False)
    assert ind["信賴區間下限"] < 0 < ind["信賴區間上限"]                          # the default setting misleads
    d = pilot["導入前每件分鐘"] - pilot["導入後每件分鐘"]
    assert abs(stats.skew(d)) < 0.5                                              # "差值分布大致對稱"
    days_b, days_a = pilot["導入前平均辦理天數"].mean(), pilot["導入後平均辦理天數"].mean()
    assert round(days_b, 1) == 5.9 and round(days_a, 1) == 4.3                   # claim B's figures
    assert round((days_b - days_a) / days_b * 100) == 28


def test_master_routing_boundary() -> None:
    routing = pd.read_csv(MASTER / "pilot_routing.csv")
    assert len(routing) == 47
    c = ex.routing_counts(routing, "交通管理科", show=False)
    assert (c["分派正確"], c["誤派進來"], c["漏派出去"]) == (9, 2, 3)
    assert c["分派正確"] / (c["分派正確"] + c["漏派出去"]) == 0.75               # recall exactly at the boundary
    d = ex.routing_counts(routing, "清潔科", show=False)
    assert (d["分派正確"], d["誤派進來"], d["漏派出去"]) == (8, 3, 2)             # the calculator's default label
    assert c["全部分派正確件數"] == 38


def test_master_data_differs_from_lessons(pilot: pd.DataFrame) -> None:
    lesson = pd.read_csv(LESSON_TIMING)
    assert set(pilot["承辦人代號"]).isdisjoint(lesson["承辦人代號"])
    assert not (MASTER / "timing.csv").exists() and not (MASTER / "routing.csv").exists()
