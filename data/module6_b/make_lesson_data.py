"""產生模組 6-B 課程用的合成資料（固定亂數種子）。Synthetic data for the module 6-B lessons.

執行：``python data/module6_b/make_lesson_data.py``。情境：「陳情案件自動分派」模型上線 12 週，
服務水準（SLO）為 p95 延遲 ≤ 300 毫秒。v1.2.0（第 1～9 週）符合 SLO；第 10 週換上 v1.3.0 後 p95 超過 300 毫秒。
第 7 週起線上表單改版，陳情文字變長（資料漂移），正確率逐週下降。內容全為虛構。
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent
AGENCIES = ["臺北市政府環境保護局", "臺北市政府交通局", "臺北市政府警察局", "臺北市政府工務局", "臺北市政府社會局",
            "臺北市政府衛生局"]
CHANNELS = ["網站", "電話", "臨櫃"]
CORRECT = [180, 181, 178, 183, 179, 177, 176, 171, 165, 161, 163, 155]   # 每週 200 筆中的正確筆數


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def prediction_log(rng: np.random.Generator) -> list[list[object]]:
    rows, rid = [], 1
    for week, n_ok in enumerate(CORRECT, start=1):
        version = "v1.2.0" if week < 10 else "v1.3.0"
        ok = np.zeros(200, dtype=bool)
        ok[rng.choice(200, size=n_ok, replace=False)] = True
        for i in range(200):
            mean = 40 if week < 7 else 40 + 5 * (week - 6)
            length = int(max(5, round(rng.normal(mean, 12))))
            actual = AGENCIES[int(rng.choice(6, p=[0.3, 0.2, 0.15, 0.15, 0.1, 0.1]))]
            predicted = actual if ok[i] else AGENCIES[(AGENCIES.index(actual) + int(rng.integers(1, 6))) % 6]
            median = 95 if version == "v1.2.0" else 190
            latency = float(rng.lognormal(np.log(median), 0.33))
            channel = CHANNELS[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
            rows.append([f"R{rid:05d}", week, version, channel, length, predicted, actual, round(latency, 1)])
            rid += 1
    return rows


def training_set(rng: np.random.Generator) -> list[list[object]]:
    """急件判斷的訓練資料：臨櫃案件的急件主要由「重複陳情」決定，其他管道主要由關鍵字決定。"""
    rows = []
    for i in range(1, 2401):
        channel = CHANNELS[int(rng.choice(3, p=[0.55, 0.3, 0.15]))]
        keywords = int(rng.poisson(1.2))
        repeat = int(rng.random() < 0.3)
        length = int(max(5, rng.normal(45, 15)))
        if channel == "臨櫃":
            logit = -2.2 + 4.0 * repeat + 0.1 * keywords
        else:
            logit = -2.6 + 1.5 * keywords + 0.3 * repeat
        urgent = int(rng.random() < 1 / (1 + np.exp(-logit)))
        rows.append([f"T{i:05d}", channel, length, keywords, repeat, urgent])
    return rows


def llm_calls(rng: np.random.Generator) -> list[list[object]]:
    rows = []
    for i in range(1, 301):
        prompt = int(rng.normal(700, 150))
        completion = int(rng.normal(220, 60))
        refused = int(rng.random() < 0.06)
        if refused:
            completion = int(rng.integers(15, 40))
        ttft = float(rng.lognormal(np.log(380), 0.3))
        checked = int(i % 6 == 0)
        halluc = int(checked and not refused and rng.random() < 0.12)
        rows.append([f"C{i:04d}", 1 + (i - 1) // 100, prompt, completion, round(ttft, 1),
                     round(ttft + completion * float(rng.uniform(15, 22)), 1), refused, checked, halluc])
    return rows


def metrics_and_log(rng: np.random.Generator) -> tuple[list[list[object]], list[str]]:
    rows, lines = [], []
    for k in range(288):
        hh, mm = divmod(k * 5, 60)
        daytime = 8 <= hh < 20
        requests = int(rng.poisson(260 if daytime else 60))
        errors = int(rng.poisson(requests * 0.01))
        p95 = float(rng.normal(210 if daytime else 150, 15))
        if (14, 5) <= (hh, mm) <= (14, 25):            # 事故：上游模型服務逾時
            errors += int(rng.integers(25, 40))
            p95 += float(rng.uniform(250, 400))
        rows.append([f"{hh:02d}:{mm:02d}", requests, errors, round(p95, 1)])
        for _ in range(errors):
            kind = "upstream_timeout" if (14, 5) <= (hh, mm) <= (14, 25) and rng.random() < 0.85 else \
                str(rng.choice(["bad_request", "upstream_timeout", "rate_limited"], p=[0.6, 0.2, 0.2]))
            sec = int(rng.integers(0, 300))
            lines.append(f"2026-11-20T{hh:02d}:{mm + sec // 60:02d}:{sec % 60:02d}+08:00 ERROR model-gateway {kind} "
                         f"version={'v1.3.0' if hh >= 10 else 'v1.2.0'}")
    return rows, sorted(lines)


def main() -> None:
    rng = np.random.default_rng(20261120)
    _write("prediction_log.csv", ["request_id", "week", "model_version", "channel", "text_length", "predicted",
                                  "actual", "latency_ms"], prediction_log(rng))
    _write("reference_text_length.csv", ["text_length"], [[int(max(5, round(x)))] for x in rng.normal(40, 12, 1000)])
    _write("urgent_training.csv", ["case_id", "channel", "text_length", "keywords", "repeat_caller", "urgent"],
           training_set(rng))
    _write("llm_calls_lesson.csv", ["call_id", "day", "prompt_tokens", "completion_tokens", "ttft_ms", "total_ms",
                                    "refused", "human_checked", "hallucinated"], llm_calls(rng))
    metrics, lines = metrics_and_log(rng)
    _write("service_metrics.csv", ["window", "requests", "errors_5xx", "p95_ms"], metrics)
    (OUT / "model_gateway.log").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
