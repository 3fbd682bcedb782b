"""產生模組 2-B 評分作業的合成資料（與課程資料不同的新案例）。Synthetic data for the module 2-B master.

執行：``python data/module2_b/make_assignment_data.py``（固定亂數種子，輸出到 source/module2_data_b/）。
欄位仿臺北市陳情系統開放資料與內政部戶政司 ODRP014（見 data/module2_b/README.md）；內容全為虛構。
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "source" / "module2_data_b"
DISTRICTS = ["松山區", "信義區", "大安區", "中山區", "中正區", "大同區", "萬華區", "文山區", "南港區", "內湖區",
             "士林區", "北投區"]
# 正式名稱、簡稱、科室、主類別與次類別、處理天數的中位數水準
AGENCIES = [
    ("臺北市政府教育局", "北市教育局", "學前教育科", ("教育", ["幼兒園", "補習班", "校園安全"]), 6),
    ("臺北市政府產業發展局", "北市產業局", "商業管理科", ("產業", ["市場攤販", "商業登記"]), 9),
    ("臺北市政府都市發展局", "北市都發局", "建築管理科", ("都市發展", ["違章建築", "社會住宅"]), 14),
    ("臺北市政府文化局", "北市文化局", "文化資產科", ("文化", ["古蹟", "展演場地"]), 4),
    ("臺北市政府民政局", "北市民政局", "區政科", ("民政", ["里鄰事務", "殯葬"]), 5),
    ("臺北市政府捷運工程局", "北市捷運局", "土木科", ("交通", ["捷運施工", "施工噪音"]), 11),
]
WEIGHTS = [0.22, 0.18, 0.2, 0.1, 0.16, 0.14]


def roc(d: date, style: str) -> str:
    y = d.year - 1911
    if style == "slash":
        return f"{y}/{d.month:02d}/{d.day:02d}"
    if style == "compact":
        return f"{y:03d}{d.month:02d}{d.day:02d}"
    if style == "dot":
        return f"{y}.{d.month}.{d.day}"
    return f"{y}年{d.month}月{d.day}日"


def petitions(rng: np.random.Generator) -> list[list[str]]:
    rows = []
    start = date(2025, 1, 2)
    for i in range(720):
        a = rng.choice(len(AGENCIES), p=WEIGHTS)
        name, short, unit, (main, subs), level = AGENCIES[a]
        received = start + timedelta(days=int(rng.integers(0, 360)))
        days = int(rng.poisson(level)) if rng.random() > 0.08 else 0   # 當天結案（0 天）的案件
        style = rng.choice(["slash", "compact", "dot", "zh"], p=[0.62, 0.14, 0.12, 0.12])
        spelled = rng.choice([name, name.replace("臺", "台"), short, f" {name}", f"{name} "],
                             p=[0.6, 0.15, 0.13, 0.06, 0.06])
        closed = received + timedelta(days=days)
        close_text = roc(closed, "slash")
        r = rng.random()
        if r < 0.06:
            close_text = ""            # 未結案
        elif r < 0.08:
            close_text = " "           # 未結案，但欄位只有一個空白
        elif r < (0.3 if a == 3 else 0.1):   # 文化局的登打錯誤特別多
            close_text = roc(received - timedelta(days=int(rng.integers(1, 20))), "slash")   # 登打錯誤
        served = roc(received + timedelta(days=int(rng.integers(0, 3))), "slash")
        sub = subs[int(rng.integers(0, len(subs)))] if rng.random() > 0.03 else ""
        case_id = f"114{received.month:02d}{received.day:02d}{i:05d}"
        rows.append([case_id, main, sub, spelled, unit, roc(received, style), served, close_text,
                     DISTRICTS[int(rng.integers(0, len(DISTRICTS)))]])
    for j in rng.choice(len(rows), size=14, replace=False):   # 重複送件（完全相同的列）
        rows.insert(int(rng.integers(0, len(rows))), list(rows[int(j)]))
    return rows


def villages(rng: np.random.Generator) -> list[list[str]]:
    rows = []
    # 三種村里：人口多、每戶人數少（套房林立）；人口中等、每戶人數多（老社區、三代同堂）；人口少、每戶人數中等
    kinds = [(9000, 1800, 2.05, 0.12), (5200, 900, 3.15, 0.12), (2500, 900, 2.55, 0.12)]
    code = 63000010
    for d_i, district in enumerate(DISTRICTS):
        for v in range(8):
            mean_people, sd_people, pph, sd_pph = kinds[int(rng.choice(3, p=[0.3, 0.42, 0.28]))]
            people = max(800, int(rng.normal(mean_people, sd_people)))
            per = max(1.5, rng.normal(pph, sd_pph))
            households = int(round(people / per))
            male = int(people * rng.uniform(0.47, 0.5))
            rows.append(["11409", str(code + d_i * 10), f"臺北市{district}", f"{district[:1]}{'東西南北中仁義禮'[v]}里",
                         f"{households:,}", str(people), str(male), str(people - male)])
    return rows


def main() -> None:
    rng = np.random.default_rng(20250918)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "petitions_2025.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["案件編號", "案件主類別", "案件次類別", "受理機關", "受理科室", "受理日期", "送達日期", "結案日期", "行政區"])
        w.writerows(petitions(rng))
    with open(OUT / "village_households_11409.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["statistic_yyymm", "district_code", "site_id", "village", "household_no", "people_total",
                    "people_total_m", "people_total_f"])
        w.writerows(villages(rng))


if __name__ == "__main__":
    main()
