"""產生課程用的村里戶數合成資料 village_households_11406.csv（仿內政部戶政司 ODRP014 欄位，內容虛構）。

執行：``python data/module2_b/make_lesson_villages.py``（固定亂數種子）。三種村里的人口數與每戶人數刻意「不同步」：
只看人口數（不標準化時的 k-means）與同時看兩個特徵（標準化後）會分出不同的群，課程第 4 課以此示範。
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "village_households_11406.csv"
DISTRICTS = ["松山區", "信義區", "大安區", "中山區", "中正區", "大同區", "萬華區", "文山區", "南港區", "內湖區",
             "士林區", "北投區"]
NAMES = "文華德安東光西湖福德中正民生仁愛復興和平"
# (人口平均, 人口標準差, 每戶人數平均, 每戶人數標準差)：大型住宅區、老社區（每戶人數多）、商辦套房區（每戶人數少）
KINDS = [(8000, 1500, 2.6, 0.1), (4200, 1300, 3.2, 0.1), (3800, 1300, 1.9, 0.1)]


def main() -> None:
    rng = np.random.default_rng(11406)
    rows = []
    for d_i, district in enumerate(DISTRICTS):
        for v in range(8):
            mean_people, sd_people, pph, sd_pph = KINDS[int(rng.choice(3, p=[0.3, 0.35, 0.35]))]
            people = max(600, int(rng.normal(mean_people, sd_people)))
            households = int(round(people / max(1.4, rng.normal(pph, sd_pph))))
            male = int(people * rng.uniform(0.46, 0.5))
            rows.append(["11406", str(63000010 + d_i * 10), f"臺北市{district}", f"{NAMES[v * 2:v * 2 + 2]}里",
                         f"{households:,}", str(people), str(male), str(people - male)])
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["statistic_yyymm", "district_code", "site_id", "village", "household_no", "people_total",
                    "people_total_m", "people_total_f"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
