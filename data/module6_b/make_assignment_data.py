"""產生模組 6-B 評分作業的合成資料（與課程資料不同的新案例）。Synthetic data for the module 6-B master.

執行：``python data/module6_b/make_assignment_data.py``（固定亂數種子，輸出到 source/module6_optimize_b/）。
情境：「1999 市民熱線通報自動分類」服務上線 10 週；服務水準（SLO）p95 延遲 ≤ 300 毫秒、正確率 ≥ 85%。
v2.0.0 符合 SLO；第 8 週換上 v2.1.0 後 p95 超過 300 毫秒。第 6 週起通報文字變長（資料漂移），正確率逐週下降。
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "source" / "module6_optimize_b"
CATEGORIES = ["道路坑洞", "路燈故障", "違規停車", "噪音", "環境髒亂", "公園設施"]
# 每週 200 筆；正確筆數（正確率 = 筆數 ÷ 2，以百分比表示恰為 0.5 的倍數）
CORRECT = [181, 179, 182, 178, 180, 176, 170, 169, 163, 158]


def service_log(rng: np.random.Generator) -> list[list[object]]:
    rows = []
    rid = 1
    for week, n_correct in enumerate(CORRECT, start=1):
        version = "v2.0.0" if week < 8 else "v2.1.0"
        ok = np.zeros(200, dtype=bool)
        ok[rng.choice(200, size=n_correct, replace=False)] = True
        for i in range(200):
            if week < 6:
                length = rng.normal(60, 15)
            else:
                length = rng.normal(60 + 6 * (week - 5), 16)
            length = int(max(8, round(length)))
            actual = CATEGORIES[int(rng.choice(6, p=[0.25, 0.15, 0.2, 0.15, 0.15, 0.1]))]
            predicted = actual if ok[i] else CATEGORIES[(CATEGORIES.index(actual) + int(rng.integers(1, 6))) % 6]
            if version == "v2.0.0":
                latency = rng.lognormal(np.log(125), 0.32)
            else:
                latency = rng.lognormal(np.log(205), 0.36)
            rows.append([f"H{rid:05d}", week, version, length, predicted, actual, round(float(latency), 1)])
            rid += 1
    return rows


def llm_calls(rng: np.random.Generator) -> list[list[object]]:
    """LLM 摘要服務 5 天的呼叫紀錄：token 數、首字延遲、拒答、人工抽查與幻覺。"""
    rows = []
    for i in range(1, 401):
        day = 1 + (i - 1) // 80
        prompt = int(rng.normal(900, 220))
        completion = int(rng.normal(260, 80))
        refused = int(rng.random() < 0.045)
        if refused:
            completion = int(rng.integers(20, 45))
        ttft = float(rng.lognormal(np.log(420), 0.35))
        total = ttft + completion * float(rng.uniform(18, 26))
        checked = int(i % 5 == 0)
        halluc = int(checked and not refused and rng.random() < 0.08)
        rows.append([f"L{i:04d}", day, prompt, completion, round(ttft, 1), round(total, 1), refused, checked, halluc])
    return rows


def main() -> None:
    rng = np.random.default_rng(20251203)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "service_log.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["request_id", "week", "model_version", "text_length", "predicted", "actual", "latency_ms"])
        w.writerows(service_log(rng))
    with open(OUT / "reference_text_length.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text_length"])
        w.writerows([[int(max(8, round(x)))] for x in rng.normal(60, 15, 1000)])
    with open(OUT / "llm_calls.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["call_id", "day", "prompt_tokens", "completion_tokens", "ttft_ms", "total_ms", "refused",
                    "human_checked", "hallucinated"])
        w.writerows(llm_calls(rng))
    # 模型成品（教學用的隨機位元組，約 100 KB，大於一個 64 KiB 讀取區塊）
    (OUT / "model_v2.1.0.bin").write_bytes(rng.bytes(100_000))


if __name__ == "__main__":
    main()
