"""模組 7 領創新（設計思考／公共創新與實驗）的練習題。Exercise set for module 7 (route A).

Bind in a notebook: ``from govai.exercises import module7 as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module7/`` (synthetic, 合成資料).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type

_Z = NormalDist()


def sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Per-group n to detect p1 vs p2 with a two-sided two-proportion z-test (pooled variance under H0)."""
    z_a = _Z.inv_cdf(1 - alpha / 2)
    z_b = _Z.inv_cdf(power)
    p_bar = (p1 + p2) / 2
    num = (z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return math.ceil(num / (p1 - p2) ** 2)


def power_of(p1: float, p2: float, n: int, alpha: float = 0.05) -> float:
    """Approximate power of that test with n per group (the same formula solved for power)."""
    z_a = _Z.inv_cdf(1 - alpha / 2)
    p_bar = (p1 + p2) / 2
    z = (abs(p1 - p2) * math.sqrt(n) - z_a * math.sqrt(2 * p_bar * (1 - p_bar))) / math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2))
    return _Z.cdf(z)


def power_explorer(p1: float = 0.30, p2: float = 0.40) -> Any:
    """A slider over the per-group sample size: power and the verdict update as it moves."""
    from govai.exercises.widgets import Explorer

    need = sample_size(p1, p2)

    def render(n: float) -> str:
        pw = power_of(p1, p2, int(n))
        verdict = "✅ 達到 80% 檢定力" if pw >= 0.8 else "❌ 檢定力不足：就算真的有效，也很可能看不出來"
        return (f"<p>每組 {int(n)} 人 → 檢定力約 <b>{pw:.1%}</b>　{verdict}</p>"
                f"<p>（要偵測 {p1:.0%} → {p2:.0%} 的差異，公式算出每組至少需要 {need} 人）</p>")

    return Explorer("每組人數", render, 50, 800, 10, 100).show()


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pooled two-proportion z statistic of group 2 minus group 1 (試辦組減對照組)."""
    pooled = (x1 + x2) / (n1 + n2)
    return (x2 / n2 - x1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def sample_size_table(baseline: float, targets: Any, powers: Any = (0.8, 0.9), alphas: Any = (0.05, 0.10)) -> Any:
    """A provided calculator's output: per-group n for each target, power and two-sided alpha."""
    import pandas as pd

    rows = [{"基準比例": baseline, "目標比例": t, "雙尾顯著水準 α": a, "檢定力": pw,
             "每組所需人數": sample_size(baseline, t, a, pw)}
            for t in targets for a in alphas for pw in powers]
    return pd.DataFrame(rows)


def z_table(results: Any) -> Any:
    """A provided tool's output: each outcome's rates and pooled z (試辦組減對照組), rounded to 2 decimals."""
    import pandas as pd

    rows = []
    for r in results.to_dict("records"):
        z = two_proportion_z(int(r["對照組事件數"]), int(r["對照組人數"]), int(r["試辦組事件數"]), int(r["試辦組人數"]))
        rows.append({"指標": r["指標"], "類型": r["類型"], "方向": r["方向"],
                     "對照組比例": round(r["對照組事件數"] / r["對照組人數"], 3),
                     "試辦組比例": round(r["試辦組事件數"] / r["試辦組人數"], 3), "z（試辦減對照）": round(z, 2)})
    return pd.DataFrame(rows)


def _returns_none(func: Any, *args: Any) -> bool:
    try:
        return func(*args) is None
    except Exception:
        return False


class LowestStage(Problem):
    id = "module7.lowest_stage"
    title = "服務旅程中最痛的階段"
    objective = "能從服務旅程地圖的滿意度與痛點資料，找出最需要改善的接觸階段。"
    competencies = ("策略制定", "評估導入")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P1", "ipas-planner-basic/L12")
    _var = ("worst_stage", "longest_stage")
    _hints = (
        "`journey.loc[journey['滿意度'].idxmin(), '階段']` 取得滿意度最低的階段。",
        "耗時最長用 `idxmax()` 對「平均耗時天數」。",
    )
    _solution = ("```python\nworst_stage = journey.loc[journey['滿意度'].idxmin(), '階段']\n"
                 "longest_stage = journey.loc[journey['平均耗時天數'].idxmax(), '階段']\n```")
    _correct = ("補件", "審查")
    _wrong = ("審查", "審查")
    _blank = (None, None)

    def _check(self, worst: Any, longest: Any) -> None:
        expect_type(worst, str, "worst_stage")
        expect_type(longest, str, "longest_stage")
        if not str.__eq__(worst, "補件"):
            raise Mismatch("worst_stage 不對：看「滿意度」最低的是哪一列，而不是耗時最長的。")
        if not str.__eq__(longest, "審查"):
            raise Mismatch("longest_stage 不對：看「平均耗時天數」最大的是哪一列。")


class GoodHmw(Problem):
    id = "module7.good_hmw"
    title = "好的「我們可以如何」問句"
    objective = "能把痛點改寫成以使用者為中心、不預設解決方案、範圍適中的「我們可以如何（HMW）」問句。"
    competencies = ("策略制定",)
    domains = ("gov-ai-planning/P2", "ipas-planner-basic/L12")
    _var = "good_hmw"
    _expected = frozenset({"B", "D"})
    _hints = ("避開三種陷阱：預設了解決方案（例如「導入 AI 聊天機器人」）、範圍太大（「讓市民都滿意」）、"
              "以機關而非使用者為中心（「減少承辦人接電話」）。",)
    _solution = '```python\ngood_hmw = {"B", "D"}\n```'
    _correct = {"B", "D"}
    _wrong = {"A", "B", "D"}

    def _check(self, good: Any) -> None:
        expect_type(good, set, "good_hmw")
        if any(type(x) is not str for x in good):
            raise Mismatch("集合裡放選項代號字串，例如 \"A\"。")
        if set(good) != set(self._expected):
            raise Mismatch("還不對。逐一檢查：有沒有預設解決方案？範圍會不會太大？是以申請人為中心嗎？")


class SampleSize(Problem):
    id = "module7.sample_size"
    title = "試辦需要多少人？"
    objective = "能以兩比例檢定的樣本數公式，估算試辦實驗每組所需的人數。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = "n_per_group"
    _hints = (
        "`z_a = NormalDist().inv_cdf(1 - alpha / 2)`、`z_b = NormalDist().inv_cdf(power)`、`p_bar = (p1 + p2) / 2`。",
        "n = (z_a·√(2·p̄·(1−p̄)) + z_b·√(p1(1−p1)+p2(1−p2)))² ÷ (p1−p2)²，最後用 `math.ceil` 無條件進位。",
    )
    _solution = (
        "```python\ndef n_per_group(p1, p2, alpha=0.05, power=0.8):\n"
        "    z_a = NormalDist().inv_cdf(1 - alpha / 2)\n    z_b = NormalDist().inv_cdf(power)\n"
        "    p_bar = (p1 + p2) / 2\n"
        "    num = (z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2\n"
        "    return math.ceil(num / (p1 - p2) ** 2)\n```"
    )
    _cases = (
        ((0.30, 0.40), sample_size(0.30, 0.40)),
        ((0.10, 0.15), sample_size(0.10, 0.15)),
        ((0.50, 0.60, 0.05, 0.9), sample_size(0.50, 0.60, 0.05, 0.9)),
    )
    _correct = staticmethod(sample_size)

    @staticmethod
    def _wrong(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
        # One-sided alpha: too few people for the two-sided test the pilot plan promises.
        z_a = _Z.inv_cdf(1 - alpha)
        z_b = _Z.inv_cdf(power)
        p_bar = (p1 + p2) / 2
        num = (z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
        return math.ceil(num / (p1 - p2) ** 2)

    @staticmethod
    def _blank(p1: Any, p2: Any, alpha: Any = 0.05, power: Any = 0.8) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 0.3, 0.4))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "n_per_group")


class ExperimentEthics(Problem):
    id = "module7.experiment_ethics"
    title = "公共服務實驗的倫理"
    objective = "能判斷公共服務試辦實驗的設計是否侵害民眾權益，並指出需要修改的設計。"
    competencies = ("倫理判斷", "評估導入")
    domains = ("aws-aif-c01/D4", "gov-ai-core/C2", "gov-ai-planning/P1")
    _var = "ethics"
    _expected = {
        "對照組維持現行臨櫃服務，試辦組另外提供 AI 預審，兩組都可隨時要求真人協助": "可以進行",
        "為了看出差異，對照組的補助申請暫停受理三個月": "需修改設計",
        "試辦組民眾不知道回覆來自 AI，也沒有申訴管道": "需修改設計",
        "先在兩個區公所試辦，預先訂好錯誤率超過門檻就暫停的規則": "可以進行",
    }
    _hints = ("對照組應得到「現行服務」，不能比現在更差；法定權益（例如受理申請）不能因實驗被剝奪；"
              "AI 的使用要讓民眾知道（行政院生成式AI參考指引：適當揭露），並保留真人與申訴管道。",)
    _solution = "```python\nethics = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {k: "可以進行" for k in _expected}

    def _check(self, ethics: Any) -> None:
        expect_type(ethics, dict, "ethics")
        missing = [k for k in self._expected if k not in ethics]
        if missing:
            raise Mismatch(f"還缺 {len(missing)} 個設計的判斷。")
        if any(type(v) is not str or v not in ("可以進行", "需修改設計") for v in ethics.values()):
            raise Mismatch("每個值要是「可以進行」或「需修改設計」。")
        wrong = [k for k, v in self._expected.items() if ethics[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個判斷不對：對照組是否比現況更差？民眾是否知情並可求助？")


class SandboxElements(Problem):
    id = "module7.sandbox_elements"
    title = "監理沙盒計畫缺了什麼？"
    objective = "能檢核監理沙盒（創新實驗）計畫是否具備範圍、期間、豁免、參與者保護、退場與報告等要素。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = "sandbox_missing"
    _expected = frozenset({"期間", "退場機制", "參與者保護"})
    _hints = ("本課的沙盒要素清單：範圍、期間、豁免法規、參與者保護、風險控管、退場機制、定期報告。"
              "逐項對照計畫書摘要，看哪些沒有寫到。",)
    _solution = '```python\nsandbox_missing = {"期間", "退場機制", "參與者保護"}\n```'
    _correct = {"期間", "退場機制", "參與者保護"}
    _wrong = {"期間", "退場機制"}

    def _check(self, missing: Any) -> None:
        expect_type(missing, set, "sandbox_missing")
        if any(type(x) is not str for x in missing):
            raise Mismatch("集合裡放要素名稱字串。")
        if set(missing) != set(self._expected):
            raise Mismatch("還不對：把計畫書摘要的每一句對應到要素清單，沒有被對應到的要素就是缺漏。")


q1 = LowestStage()
q2 = GoodHmw()
q3 = SampleSize()
q4 = ExperimentEthics()
q5 = SandboxElements()
