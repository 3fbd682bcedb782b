"""Module 2-B lessons: every quantitative claim the text makes is true on the shipped data."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import confusion_matrix
from sklearn.preprocessing import StandardScaler

from govai.exercises import module2_b as ex

DATA = Path(__file__).resolve().parents[1] / "data" / "module2_b"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(DATA / "petitions_2024.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def clean(raw: pd.DataFrame) -> pd.DataFrame:
    c = raw.drop_duplicates().copy()
    c["受理機關"] = c["受理機關"].map(ex._clean_agency)
    c["受理日期"] = c["受理日期"].map(ex._roc_to_iso)
    c["結案日期"] = c["結案日期"].map(ex._roc_to_iso)
    c["days"] = (pd.to_datetime(c["結案日期"]) - pd.to_datetime(c["受理日期"])).dt.days
    return c


def test_lesson1_date_formats_and_lesson2_parser_drops_nothing(raw: pd.DataFrame, clean: pd.DataFrame) -> None:
    shapes = raw["受理日期"].map(lambda s: "slash" if "/" in s else ("dot" if "." in s else "compact"))
    share_other = float((shapes != "slash").mean())
    assert 0.15 <= share_other <= 0.25, share_other          # 「約占兩成」
    assert clean["受理日期"].isna().sum() == 0                  # 轉換失敗 0 筆
    assert len(clean) == 900 and len(raw) - len(clean) == 18


def test_lesson2_self_check_answers(raw: pd.DataFrame, clean: pd.DataFrame) -> None:
    received = raw["受理日期"].map(ex._roc_to_iso)
    closed = raw["結案日期"].map(ex._roc_to_iso)
    report = {"duplicate_rows": int(raw.duplicated().sum()), "blank_close": int(closed.isna().sum()),
              "closed_early": int((received.notna() & closed.notna() & (closed < received)).sum())}
    assert report == ex.q6._correct
    villages = pd.read_csv(DATA / "village_households_11406.csv")
    villages["households"] = villages["household_no"].str.replace(",", "").astype(int)
    hh = villages.groupby(villages["site_id"].str.replace("臺北市", ""))["households"].sum()
    rate = clean.groupby("行政區").size() / hh * 1000
    assert rate.idxmax() == ex.q7._correct
    assert int((clean["受理日期"] < "2024-10-01").sum()) == ex.q8._correct


def _overdue(clean: pd.DataFrame, by: str) -> pd.DataFrame:
    ok = clean["days"].notna() & (clean["days"] >= 0)
    t = (clean.loc[ok, "days"] > 7).groupby(clean.loc[ok, by]).agg(["sum", "count"])
    t["p"] = t["sum"] / t["count"]
    half = 1.96 * np.sqrt(t["p"] * (1 - t["p"]) / t["count"])
    t["lo"], t["hi"] = t["p"] - half, t["p"] + half
    return t


def test_lesson3_median_claims(clean: pd.DataFrame) -> None:
    ok = clean["days"].notna() & (clean["days"] >= 0)
    g = clean.loc[ok, "days"].groupby(clean.loc[ok, "受理機關"])
    assert (g.mean() >= g.median()).all()                       # 每個機關的平均數都不小於中位數
    assert g.median()["臺北市政府工務局"] == ex.q9._correct


def test_lesson3_interval_claims(clean: pd.DataFrame) -> None:
    d = _overdue(clean, "行政區")
    assert d["p"].idxmin() == "士林區" and d["p"].idxmax() == "大同區"
    lo, hi = d.loc["士林區"], d.loc["大同區"]
    assert 0.18 <= hi["p"] - lo["p"] <= 0.22                      # 相差約 20 個百分點
    assert lo["hi"] >= hi["lo"]                                  # 兩個區間重疊
    assert d["count"].between(59, 80).all() and {int(lo["count"]), int(hi["count"])} <= set(range(70, 81))
    se = math.sqrt(lo["p"] * (1 - lo["p"]) / lo["count"] + hi["p"] * (1 - hi["p"]) / hi["count"])
    assert round((hi["p"] - lo["p"]) / se, 1) == 2.6              # z 檢定約為 2.6
    a = _overdue(clean, "受理機關")

    def separate(x: str, y: str, t: pd.DataFrame) -> bool:
        return bool(t.loc[x, "hi"] < t.loc[y, "lo"] or t.loc[y, "hi"] < t.loc[x, "lo"])

    pairs = {"A": separate("士林區", "大同區", d), "B": separate("臺北市政府警察局", "臺北市政府環境保護局", a),
             "C": separate("臺北市政府交通局", "臺北市政府衛生局", a), "D": separate("臺北市政府工務局", "臺北市政府環境保護局", a)}
    assert {k for k, v in pairs.items() if v} == ex.q11._correct
    for k, n in [(45, 150), (8, 40)]:
        p = k / n
        assert ex._ci95(k, n)[1] - ex._ci95(k, n)[0] == pytest.approx(2 * 1.96 * math.sqrt(p * (1 - p) / n), abs=2e-4)
    # 挑戰 1 的前提：區間寬度讓 10 天、14 天門檻下仍無任何一對行政區不重疊
    for threshold in (10, 14):
        ok = clean["days"].notna() & (clean["days"] >= 0)
        t = (clean.loc[ok, "days"] > threshold).groupby(clean.loc[ok, "行政區"]).agg(["sum", "count"])
        p = t["sum"] / t["count"]
        half = 1.96 * np.sqrt(p * (1 - p) / t["count"])
        assert (p + half).min() >= (p - half).max()


def test_lesson4_scaling_changes_the_clusters() -> None:
    villages = pd.read_csv(DATA / "village_households_11406.csv")
    villages["households"] = villages["household_no"].str.replace(",", "").astype(int)
    f = pd.DataFrame({"pph": villages["people_total"] / villages["households"], "people": villages["people_total"]})
    assert 1.6 <= f["pph"].min() and f["pph"].max() <= 3.35 and f["people"].std() > 1000
    raw_l = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(f)
    sc_l = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(f))
    assert sorted(np.bincount(raw_l).tolist()) == ex.q14._correct
    assert sorted(np.bincount(sc_l).tolist()) == ex.q13._correct
    table = confusion_matrix(sc_l, raw_l)
    r, c = linear_sum_assignment(-table)
    changed = len(f) - int(table[r, c].sum())
    assert changed == 35 and changed / len(f) > 1 / 3              # 三分之一以上的村里換了群
    means = f.groupby(sc_l).mean().sort_values("pph")
    assert means["pph"].round(1).tolist() == [1.9, 2.6, 3.2]
    assert 7500 <= means.loc[means["pph"].round(1) == 2.6, "people"].iloc[0] <= 8500
    spread = f.groupby(raw_l)["pph"].agg(lambda g: g.max() - g.min())
    assert (spread > 1.5).sum() == 2                                # 未標準化：人口少與中等兩群的每戶人數 1.7～3.3 都有
    low_mid = f.groupby(raw_l)["people"].mean().sort_values().index[:2]
    assert all(f.loc[raw_l == k, "pph"].min() < 1.75 and f.loc[raw_l == k, "pph"].max() > 3.25 for k in low_mid)


def test_date_parser_of_lesson2_matches_exercise() -> None:
    def to_iso(s: str) -> str | None:
        s = str(s).strip()
        m = re.fullmatch(r"(\d{2,3})[/.\-](\d{1,2})[/.\-](\d{1,2})", s) or re.fullmatch(r"(\d{3})(\d{2})(\d{2})", s)
        if m is None:
            return None
        y, mo, d = (int(g) for g in m.groups())
        return f"{y + 1911:04d}-{mo:02d}-{d:02d}"

    for s in ["113/03/05", "1130305", "113.3.5", "", " 113/1/2 "]:
        assert to_iso(s) == ex._roc_to_iso(s)


def test_lesson1_worked_example_environment_bureau(raw: pd.DataFrame) -> None:
    env = raw.loc[raw["受理機關"].str.contains("環"), "受理機關"]
    assert env.nunique() == 4                                             # 「四種寫法」
    assert int((env == "臺北市政府環境保護局").sum()) == 240               # 「會回答 240 件」
    cleaned = env.str.strip().str.replace("台", "臺").replace({"北市環保局": "臺北市政府環境保護局"})
    assert int((cleaned == "臺北市政府環境保護局").sum()) == 276 == len(env)  # 「清理後是 276 件」
    assert cleaned.nunique() == 1
    assert round(36 / 276, 2) == 0.13                                    # 「少算了 36 件（約 13%）」
    assert (raw["受理機關"].map(ex._clean_agency) == "臺北市政府環境保護局").sum() == 276
    assert "臺北市政府環境保護局 " in set(env)                              # 結尾有一個空白


def test_lesson1_dates_have_no_fourth_form_and_keys_duplicate_only_fully(raw: pd.DataFrame) -> None:
    ok = raw["受理日期"].str.fullmatch(r"\d{3}/\d{2}/\d{2}|\d{7}|\d{3}\.\d{1,2}\.\d{1,2}")
    assert ok.all()
    assert sorted(["113.12.31", "113.3.5"])[0] == "113.12.31"             # 未補零時 12 月排在 3 月前
    assert ex._roc_to_iso("113.7.5") == "2024-07-05" and ex._roc_to_iso("1130321") == "2024-03-21"
    assert raw.duplicated(subset=["案件編號"]).sum() == raw.duplicated().sum()


def test_lesson2_worked_example_rates_reverse_the_ranking() -> None:
    petitions = pd.read_csv(DATA / "petitions_2024.csv", dtype=str, keep_default_na=False).drop_duplicates()
    villages = pd.read_csv(DATA / "village_households_11406.csv", dtype={"district_code": str})
    villages["households"] = villages["household_no"].str.replace(",", "").astype(int)
    villages["行政區"] = villages["site_id"].str.replace("臺北市", "")
    counts = petitions.groupby("行政區").size().rename("n").reset_index()
    hh = villages.groupby("行政區")["households"].sum().rename("h").reset_index()
    merged = pd.merge(counts, hh, on="行政區", how="outer", validate="one_to_one", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == 12
    m = merged.set_index("行政區")
    assert (m.loc["士林區", "n"], m.loc["中山區", "n"]) == (83, 72)
    assert (m.loc["士林區", "h"], m.loc["中山區", "h"]) == (19242, 16069)
    assert round(19242 / 16069 - 1, 1) == 0.2                                   # 「大了約兩成」
    assert round(83 / 19242 * 1000, 2) == 4.31 and round(72 / 16069 * 1000, 2) == 4.48
    assert m["h"].min() > 15000                                                 # 「各區都有一萬五千戶以上」


def test_lesson2_worked_example_natural_frequencies() -> None:
    tp, fp = 10000 * 0.05 * 0.9, 10000 * 0.95 * 0.1
    assert (round(tp), round(fp), round(tp + fp)) == (450, 950, 1400)
    assert round(tp / (tp + fp), 3) == 0.321
    assert ex._posterior(0.05, 0.9, 0.9) == round(tp / (tp + fp), 4)


def test_lesson3_worked_example_interval_and_wilson(clean: pd.DataFrame) -> None:
    from scipy.stats import binomtest

    x = [2, 3, 3, 4, 5, 6, 40]
    assert np.mean(x) == 9 and np.median(x) == 4 and sum(v < 9 for v in x) == 6
    assert round((sum(x) - 40 + 400) / 7) == 60 and np.median(x[:-1] + [400]) == 4
    d = _overdue(clean, "行政區")
    assert (int(d.loc["中正區", "sum"]), int(d.loc["中正區", "count"])) == (30, 65)
    p = 30 / 65
    se = math.sqrt(p * (1 - p) / 65)
    assert (round(p, 4), round(se, 4), round(1.96 * se, 4)) == (0.4615, 0.0618, 0.1212)
    assert (round(p - 1.96 * se, 3), round(p + 1.96 * se, 3)) == (0.340, 0.583)
    assert round(2 * 1.96 * se, 2) == 0.24                                   # 「寬達 24 個百分點」
    w = binomtest(2, 40).proportion_ci(confidence_level=0.95, method="wilson")
    assert (round(w.low, 3), round(w.high, 3)) == (0.014, 0.165)
    assert round(0.05 - 1.96 * math.sqrt(0.05 * 0.95 / 40), 3) == -0.018
    w2 = binomtest(30, 65).proportion_ci(method="wilson")
    assert abs(w2.low - (p - 1.96 * se)) < 0.01 and abs(w2.high - (p + 1.96 * se)) < 0.01   # 幾乎一樣


def test_lesson4_worked_example_distances_and_choice_of_k() -> None:
    from sklearn.metrics import silhouette_score

    v = pd.read_csv(DATA / "village_households_11406.csv")
    v["households"] = v["household_no"].str.replace(",", "").astype(int)
    f = pd.DataFrame({"pph": v["people_total"] / v["households"], "pop": v["people_total"]})
    assert [v.loc[i, "site_id"] + v.loc[i, "village"] for i in (0, 10, 7)] == ["臺北市松山區文華里", "臺北市信義區東光里", "臺北市松山區仁愛里"]
    assert [round(f.loc[i, "pph"], 2) for i in (0, 10, 7)] == [3.29, 1.83, 1.92]
    assert [int(f.loc[i, "pop"]) for i in (0, 10, 7)] == [4644, 4802, 5768]
    z = (f - f.mean()) / f.std(ddof=0)

    def dist(t: pd.DataFrame, a: int, b: int) -> float:
        return float(np.sqrt(((t.loc[a] - t.loc[b]) ** 2).sum()))

    assert round(dist(f, 0, 10)) == 158 and round(dist(f, 10, 7)) == 966
    assert round(dist(z, 0, 10), 2) == 2.87 and round(dist(z, 10, 7), 2) == 0.44
    assert round(abs(f.loc[0, "pph"] - f.loc[10, "pph"]), 2) == 1.47
    assert round(abs(f.loc[0, "pph"] - f.loc[10, "pph"]) / f["pph"].std(ddof=0), 1) == 2.9
    assert round(158 / f["pop"].std(ddof=0), 2) == 0.06
    assert 2300 <= f["pop"].std(ddof=0) <= 2500 and round(f["pph"].std(ddof=0), 1) == 0.5   # 「約 2,400」「約 0.5」
    assert f["pph"].min() >= 1.6 and f["pph"].max() <= 3.3
    scaled = StandardScaler().fit_transform(f)
    inertia, sil = {}, {}
    for k in range(2, 7):
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(scaled)
        inertia[k], sil[k] = km.inertia_, silhouette_score(scaled, km.labels_)
    assert max(sil, key=sil.get) == 3 and round(sil[3], 2) == 0.66
    assert inertia[2] - inertia[3] > 4 * max(inertia[3] - inertia[4], inertia[4] - inertia[5])   # k = 3 之後下降變緩
