"""模組 6 快優化（路線 C：流程改善／服務升級）的練習題。Exercise set for module 6, route C.

Bind in a notebook: ``from govai.exercises import module6_c as ex``; then ``ex.q1.check()``.
Lessons: ``notebooks/module6_optimization/c_01_process_measure.ipynb`` (q1–q3) and
``notebooks/module6_optimization/c_02_benefit_verification.ipynb`` (q4–q7). The data in
``data/module6_c/`` is synthetic (合成資料).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type, same

_EXPERIMENT = ("nvidia-nca-genl/D3", "nvidia-nca-genm/D1")
_PERF = "nvidia-nca-genm/D6"
_PLAN = "ipas-planner-intermediate/L21"
_STATS = "ipas-planner-intermediate/L22"
_FLOW = "iii-genai-office/N2"

# 回復人民陳情的流程（分鐘／件），導入 AI 草擬前後；示意數字，非實測。
STEPS_BEFORE = {"收文登錄": 5, "閱讀來函": 8, "查詢法規與前案": 20, "草擬回文": 25, "主管核稿": 10, "發文": 4}
STEPS_AFTER = {"收文登錄": 2, "閱讀來函": 8, "查詢法規與前案": 12, "草擬回文": 10, "核對 AI 草稿": 8,
               "主管核稿": 10, "發文": 4}

# 95% 雙尾 t 臨界值（自由度 7），由 scipy.stats.t.ppf(0.975, 7) 計算。
_T_975_DF7 = 2.364624251592784


def _returns_none(func: Any, *args: Any) -> bool:
    try:
        return func(*args) is None
    except Exception:
        return False


class ProcessMap(Problem):
    id = "module6_c.process_map"
    title = "流程圖：導入前後省下多少、瓶頸在哪"
    objective = "能比較導入 AI 前後的流程步驟，算出每件節省的分鐘數，並找出導入後的瓶頸步驟。"
    competencies = ("流程自動", "文書產製")
    domains = (_PLAN, _FLOW, _PERF)
    _var = ("saved_minutes", "bottleneck_after")
    _hints = (
        "`sum(ex.STEPS_BEFORE.values()) - sum(ex.STEPS_AFTER.values())`。",
        "瓶頸是導入後花最久的步驟：`max(ex.STEPS_AFTER, key=ex.STEPS_AFTER.get)`。別忘了新增的「核對 AI 草稿」也算時間。",
    )
    _solution = (
        "```python\nsaved_minutes = sum(ex.STEPS_BEFORE.values()) - sum(ex.STEPS_AFTER.values())   # 18\n"
        "bottleneck_after = max(ex.STEPS_AFTER, key=ex.STEPS_AFTER.get)   # '查詢法規與前案'\n```"
    )
    _correct = (18, "查詢法規與前案")
    _wrong = (26, "查詢法規與前案")   # forgot the new checking step
    _blank = (None, None)

    def _check(self, saved_minutes: Any, bottleneck_after: Any) -> None:
        expect_type(saved_minutes, int, "saved_minutes")
        expect_type(bottleneck_after, str, "bottleneck_after")
        if saved_minutes == 26:
            raise Mismatch("saved_minutes 不對：導入後多了一個「核對 AI 草稿」步驟，它的時間也要算進去。")
        same(saved_minutes, 18, what="saved_minutes")
        if not str.__eq__(bottleneck_after, "查詢法規與前案"):
            raise Mismatch("bottleneck_after 不對：找導入後「分鐘數最大」的步驟。")


class ErrorRate(Problem):
    id = "module6_c.error_rate"
    title = "錯誤率"
    objective = "能以錯誤件數 ÷ 總件數計算錯誤率（百分比），比較導入前後的品質。"
    competencies = ("流程自動",)
    domains = (_FLOW, _PERF)
    _var = "error_rate"
    _hints = ("錯誤率（%）= 錯誤件數 ÷ 總件數 × 100。", "四捨五入到小數第 1 位：`round(x, 1)`；件數為 0 時回傳 0.0。")
    _solution = (
        "```python\ndef error_rate(errors, items):\n    if items == 0:\n        return 0.0\n"
        "    return round(errors / items * 100, 1)\n```"
    )
    _cases = (((5, 50), 10.0), ((105, 983), 10.7), ((0, 40), 0.0), ((0, 0), 0.0))

    @staticmethod
    def _correct(errors: int, items: int) -> float:
        return 0.0 if items == 0 else round(errors / items * 100, 1)

    @staticmethod
    def _wrong(errors: int, items: int) -> float:
        return 0.0 if items == 0 else round(errors / items, 3)

    @staticmethod
    def _blank(errors: int, items: int) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 5, 50))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "error_rate")


class PctSaved(Problem):
    id = "module6_c.pct_saved"
    title = "時間節省百分比"
    objective = "能計算導入前後平均處理時間的節省百分比。"
    competencies = ("流程自動",)
    domains = (_FLOW, _PERF)
    _var = "pct_saved"
    _hints = ("節省百分比 = (導入前 − 導入後) ÷ 導入前 × 100。", "四捨五入到小數第 1 位。除數是「導入前」。")
    _solution = "```python\ndef pct_saved(before, after):\n    return round((before - after) / before * 100, 1)\n```"
    _cases = (((60, 45), 25.0), ((60.795, 52.63), 13.4), ((40, 44), -10.0))

    @staticmethod
    def _correct(before: float, after: float) -> float:
        return round((before - after) / before * 100, 1)

    @staticmethod
    def _wrong(before: float, after: float) -> float:
        return round((before - after) / after * 100, 1)

    @staticmethod
    def _blank(before: float, after: float) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 60, 45))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "pct_saved")


_B = [52, 61, 47, 70, 58, 66, 49, 73]
_A = [45, 50, 46, 60, 57, 55, 44, 62]


def _dz(before: Sequence[float], after: Sequence[float]) -> float:
    d = [b - a for b, a in zip(before, after, strict=True)]
    return round(statistics.mean(d) / statistics.stdev(d), 2)


class EffectSize(Problem):
    id = "module6_c.effect_size"
    title = "效果量（成對資料的 Cohen's d）"
    objective = "能計算成對資料的效果量 d_z = 差值平均 ÷ 差值標準差，說明節省的幅度而不只是「顯著」。"
    competencies = ("流程自動", "文書產製")
    domains = (*_EXPERIMENT, _STATS)
    _var = "cohens_dz"
    _hints = (
        "先算每位同仁的差值 d = 導入前 − 導入後，再算 d 的平均數與樣本標準差（`statistics.stdev`，除以 n − 1）。",
        "d_z = mean(d) / stdev(d)，四捨五入到小數第 2 位。",
    )
    _solution = (
        "```python\nimport statistics\n\ndef cohens_dz(before, after):\n"
        "    d = [b - a for b, a in zip(before, after)]\n"
        "    return round(statistics.mean(d) / statistics.stdev(d), 2)\n```"
    )
    _cases = (((_B, _A), 1.64), (([10, 12, 14], [8, 9, 13]), 2.0))

    @staticmethod
    def _correct(before: Sequence[float], after: Sequence[float]) -> float:
        return _dz(before, after)

    @staticmethod
    def _wrong(before: Sequence[float], after: Sequence[float]) -> float:
        # Divides by the spread of the "before" times instead of the spread of the differences.
        return round((statistics.mean(before) - statistics.mean(after)) / statistics.stdev(before), 2)

    @staticmethod
    def _blank(before: Sequence[float], after: Sequence[float]) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, _B, _A))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "cohens_dz")


class MeanDiffCI(Problem):
    id = "module6_c.mean_diff_ci"
    title = "平均節省時間的 95% 信賴區間"
    objective = "能以 t 分布計算成對差值平均數的 95% 信賴區間，向主管報告「大約省多少、可能的範圍」。"
    competencies = ("流程自動", "文書產製")
    domains = (*_EXPERIMENT, _STATS)
    _var = ("ci_low", "ci_high")
    _hints = (
        "用上面 8 位同仁的資料（`ex.SAMPLE_BEFORE`、`ex.SAMPLE_AFTER`）算差值 d；標準誤 se = stdev(d) / √n。",
        "臨界值 `scipy.stats.t.ppf(0.975, n - 1)`；區間 = mean(d) ± 臨界值 × se，各四捨五入到小數第 2 位。",
    )
    _solution = (
        "```python\nimport statistics\nfrom scipy import stats\n\n"
        "d = [b - a for b, a in zip(ex.SAMPLE_BEFORE, ex.SAMPLE_AFTER)]\n"
        "se = statistics.stdev(d) / len(d) ** 0.5\ncrit = stats.t.ppf(0.975, len(d) - 1)\n"
        "ci_low = round(statistics.mean(d) - crit * se, 2)   # 3.48\n"
        "ci_high = round(statistics.mean(d) + crit * se, 2)  # 10.77\n```"
    )
    _correct = (3.48, 10.77)
    _wrong = (4.11, 10.14)   # used 1.96 (normal) instead of the t critical value with 7 degrees of freedom
    _blank = (None, None)

    def _check(self, ci_low: Any, ci_high: Any) -> None:
        for name, value in (("ci_low", ci_low), ("ci_high", ci_high)):
            if type(value) not in (int, float):
                raise Mismatch(f"{name} 應該是數字，目前是 {type(value).__name__}。")
        d = [b - a for b, a in zip(_B, _A, strict=True)]
        se = statistics.stdev(d) / math.sqrt(len(d))
        low = statistics.mean(d) - _T_975_DF7 * se
        high = statistics.mean(d) + _T_975_DF7 * se
        if abs(ci_low - low) > 0.011 or abs(ci_high - high) > 0.011:
            if abs(ci_low - (statistics.mean(d) - 1.96 * se)) < 0.02:
                raise Mismatch("樣本只有 8 人，臨界值要用 t 分布（自由度 n − 1），不是常態分布的 1.96。")
            raise Mismatch("區間不對：確認差值方向（導入前 − 導入後）、樣本標準差（n − 1）與標準誤 √n。")


SAMPLE_BEFORE = tuple(_B)
SAMPLE_AFTER = tuple(_A)

TESTS = ("成對 t 檢定", "Wilcoxon 符號等級檢定", "獨立樣本 t 檢定")


class ChooseTest(Problem):
    id = "module6_c.choose_test"
    title = "選對統計檢定"
    objective = "能依資料設計（同一批人前後測或兩組不同的人）與差值分布，選擇成對 t 檢定、Wilcoxon 符號等級檢定或獨立樣本 t 檢定。"
    competencies = ("流程自動",)
    domains = (*_EXPERIMENT, _STATS)
    _var = "test_for"
    _hints = (
        "同一批人導入前後各量一次 → 成對資料；兩個不同科室各量一次 → 獨立樣本。",
        "成對資料但樣本小、差值分布明顯偏斜或有極端值 → Wilcoxon 符號等級檢定（無母數）。",
    )
    _expected = {
        "同 20 位承辦人導入前後的平均處理分鐘，差值分布大致對稱": "成對 t 檢定",
        "同 8 位承辦人導入前後的處理分鐘，其中 1 人差值極端": "Wilcoxon 符號等級檢定",
        "A 科 15 人使用 AI、B 科 15 人未使用，比較兩科處理分鐘": "獨立樣本 t 檢定",
    }
    _solution = "```python\ntest_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {k: "獨立樣本 t 檢定" for k in _expected}

    def _check(self, test_for: Any) -> None:
        expect_type(test_for, dict, "test_for")
        missing = [k for k in self._expected if k not in test_for]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        if any(type(v) is not str or v not in TESTS for v in test_for.values()):
            raise Mismatch(f"只能填 {'、'.join(TESTS)} 之一。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(test_for[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 項不對。先問：是不是同一批人量兩次？差值有沒有極端值？")


class HonestClaims(Problem):
    id = "module6_c.honest_claims"
    title = "效益驗證報告：哪些說法站得住？"
    objective = "能依檢定結果、效果量與信賴區間，判斷效益驗證報告中哪些說法有數據支持、哪些言過其實。"
    competencies = ("文書產製", "流程自動")
    domains = (*_EXPERIMENT, _PLAN)
    _var = "supported"
    _hints = (
        "p < 0.05 表示：如果導入前後其實沒有差異，很難觀察到這麼大的差異；信賴區間告訴你節省幅度的可能範圍。",
        "試辦只有一個單位、一種業務，不能推論到全機關；「完全沒有錯誤」「一定」這類說法要特別小心。",
    )
    _claims = {
        "A": "試辦的 20 位承辦人每件平均節省的時間，95% 信賴區間約為 4.4 到 11.9 分鐘。",
        "B": "導入 AI 後公文將完全沒有錯誤。",
        "C": "差異在統計上顯著（成對 t 檢定 p < 0.05），且效果量大（d_z 約 1.0）。",
        "D": "試辦結果證明全機關所有業務都能節省 20% 以上時間。",
    }
    _solution = "```python\nsupported = {'A', 'C'}\n```"
    _correct = {"A", "C"}
    _wrong = {"A", "C", "D"}

    def _check(self, supported: Any) -> None:
        expect_type(supported, set, "supported")
        if any(type(x) is not str or x not in self._claims for x in supported):
            raise Mismatch("只能放 A、B、C、D。")
        if sorted(supported) != ["A", "C"]:
            raise Mismatch("還不對。留意：絕對的說法、超出試辦範圍的推論。")


q1 = ProcessMap()
q2 = ErrorRate()
q3 = PctSaved()
q4 = EffectSize()
q5 = MeanDiffCI()
q6 = ChooseTest()
q7 = HonestClaims()
