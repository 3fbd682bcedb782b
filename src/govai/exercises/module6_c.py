"""模組 6 快優化（路線 C：流程改善／服務升級）的練習題與計算工具。Exercise set and calculators for module 6, route C.

Bind in a notebook: ``from govai.exercises import module6_c as ex``; then ``ex.q1.check()``.
Lessons (``notebooks/module6_optimize/``): ``c_01_process_measure`` (q1–q3),
``c_02_benefit_verification`` (q4–q7), ``c_03_choose_comparison`` (q8–q10) and
``c_04_time_study_report`` (q11–q13); q14 in lesson 1, q15 in lesson 2. The data in ``data/module6_c/`` is synthetic (合成資料).

Route C promises answers without code: learners *configure* the provided calculators
(:func:`paired_comparison`, :func:`time_summary`, :func:`routing_counts`), read and judge their
output, and type values. Every self-check answer is a value (a number, a label, a set of codes).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from govai.exercises.compare import check_bool, check_label_map, check_labels, check_number
from govai.exercises.core import Mismatch, Problem, display_markdown, expect_type, same

if TYPE_CHECKING:
    import pandas as pd

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

# -- calculators (configured by the learner; they print, the learner reads and types values) ------

METHODS = ("成對 t 檢定", "符號等級檢定", "符號檢定", "獨立樣本 t 檢定")
# 符號等級檢定 = Wilcoxon signed-rank test; the long name is accepted too.
_ALIASES = {"Wilcoxon 符號等級檢定": "符號等級檢定", "Wilcoxon 檢定": "符號等級檢定"}


def _floats(values: Any) -> list[float]:
    return [float(v) for v in list(values)]


def paired_comparison(before: Sequence[float] | pd.Series, after: Sequence[float] | pd.Series, *, method: str = "成對 t 檢定", confidence: float = 0.95,
                      show: bool = True) -> dict[str, float]:
    """Compare times before and after with the chosen ``method`` (one of :data:`METHODS`).

    Differences are ``before − after`` (positive = faster after). Returns the figures it prints:
    - 成對 t 檢定: n, 平均差, 差值標準差, 信賴區間下限/上限 (t distribution, df n − 1), d_z, p 值;
    - 符號等級檢定 (Wilcoxon signed-rank): n, 差值中位數, p 值 (assumes the differences are symmetric);
    - 符號檢定: 變快人數, 變慢人數, 相同人數, p 值 (exact binomial test on the signs; no symmetry needed);
    - 獨立樣本 t 檢定: the two columns treated as two unrelated groups (Welch); 平均差, 信賴區間, p 值.
    """
    from scipy import stats

    method = _ALIASES.get(str(method).strip(), str(method).strip())
    if method not in METHODS:
        # A typo in a learner's setting must not stop the notebook (the grader runs every cell).
        display_markdown(f"⚠️ method 只能是 {'、'.join(METHODS)} 之一，目前是「{method}」。請修改設定後再執行。")
        return {}
    b, a = _floats(before), _floats(after)
    d = [x - y for x, y in zip(b, a, strict=True)]
    n = len(d)
    out: dict[str, float] = {"n": n}
    if method == "成對 t 檢定":
        m, s = statistics.mean(d), statistics.stdev(d)
        half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * s / math.sqrt(n)
        out.update({"平均差": m, "差值標準差": s, "信賴區間下限": m - half, "信賴區間上限": m + half,
                    "d_z": m / s, "p 值": float(stats.ttest_rel(b, a).pvalue)})
    elif method == "符號等級檢定":
        out.update({"差值中位數": statistics.median(d), "p 值": float(stats.wilcoxon(b, a).pvalue)})
    elif method == "符號檢定":
        up = sum(x > 0 for x in d)
        down = sum(x < 0 for x in d)
        out.update({"變快人數": up, "變慢人數": down, "相同人數": n - up - down,
                    "p 值": float(stats.binomtest(up, up + down, 0.5).pvalue)})
    else:
        res = stats.ttest_ind(b, a, equal_var=False)
        ci = res.confidence_interval(confidence)
        out.update({"平均差": statistics.mean(b) - statistics.mean(a), "信賴區間下限": float(ci.low),
                    "信賴區間上限": float(ci.high), "p 值": float(res.pvalue)})
    if show:
        lines = [f"**{method}**（差值＝導入前 − 導入後；信賴水準 {confidence:.0%}）", ""]
        lines += [f"- {k}：{v:.4f}" if isinstance(v, float) else f"- {k}：{v}" for k, v in out.items()]
        display_markdown("\n".join(lines))
    return out


def time_summary(table: pd.DataFrame, *, weighted: bool, before: tuple[str, str] = ("導入前件數", "導入前每件分鐘"),
                 after: tuple[str, str] = ("導入後件數", "導入後每件分鐘"), show: bool = True) -> dict[str, float]:
    """Mean minutes before and after, and the saving in percent.

    ``weighted=True``: per-document means (each officer's mean weighted by the documents they handled:
    total minutes ÷ total documents). ``weighted=False``: the plain mean of the officers' means (each
    officer counts once, however many documents).
    """
    def mean(counts_col: str, minutes_col: str) -> float:
        minutes = _floats(table[minutes_col])
        if not weighted:
            return statistics.mean(minutes)
        counts = _floats(table[counts_col])
        return sum(c * m for c, m in zip(counts, minutes, strict=True)) / sum(counts)

    mb, ma = mean(*before), mean(*after)
    out = {"導入前平均分鐘": mb, "導入後平均分鐘": ma, "節省百分比": (mb - ma) / mb * 100}
    if show:
        kind = "以件數加權（每件平均）" if weighted else "不加權（每位承辦人算一次）"
        display_markdown(f"**處理時間摘要：{kind}**\n\n" + "\n".join(f"- {k}：{v:.2f}" for k, v in out.items()))
    return out


def routing_counts(table: pd.DataFrame, label: str, *, truth: str = "正確科室", predicted: str = "AI分派科室",
                   show: bool = True) -> dict[str, int]:
    """Counts for one department: 分派正確 (both), 誤派進來 (AI said label, truth differs),
    漏派出去 (truth is label, AI said another), and 全部件數 / 全部分派正確件數 over all departments."""
    t, p = list(table[truth]), list(table[predicted])
    out = {
        "分派正確": sum(x == label and y == label for x, y in zip(t, p, strict=True)),
        "誤派進來": sum(x != label and y == label for x, y in zip(t, p, strict=True)),
        "漏派出去": sum(x == label and y != label for x, y in zip(t, p, strict=True)),
        "全部件數": len(t),
        "全部分派正確件數": sum(x == y for x, y in zip(t, p, strict=True)),
    }
    if show:
        display_markdown(f"**「{label}」的分派計數**\n\n" + "\n".join(f"- {k}：{v}" for k, v in out.items()))
    return out


# -- lesson 1: process map and measures ----------------------------------------------------------


class ProcessMap(Problem):
    id = "module6_c.process_map"
    title = "流程圖：導入前後省下多少、瓶頸在哪"
    objective = "能比較導入 AI 前後的流程步驟，算出每件節省的分鐘數，並找出導入後的瓶頸步驟。"
    competencies = ("流程自動", "文書產製")
    domains = (_PLAN, _FLOW, _PERF)
    _var = ("saved_minutes", "bottleneck_after")
    _hints = (
        "把表中「導入前」「導入後」兩欄各自加總，再相減。",
        "瓶頸是導入後花最久的步驟。別忘了新增的「核對 AI 草稿」也算時間。",
    )
    _solution = "```python\nsaved_minutes = 72 - 54   # 18\nbottleneck_after = \"查詢法規與前案\"\n```"
    _correct = (18, "查詢法規與前案")
    _wrong = (26, "查詢法規與前案")   # forgot the new checking step
    _blank = (None, None)

    def _check(self, saved_minutes: Any, bottleneck_after: Any) -> None:
        if saved_minutes == 26 and type(saved_minutes) is int:
            raise Mismatch("saved_minutes 不對：導入後多了一個「核對 AI 草稿」步驟，它的時間也要算進去。")
        check_number(saved_minutes, 18, what="每件節省的分鐘數", integer=True)
        expect_type(bottleneck_after, str, "bottleneck_after")
        if not str.__eq__(bottleneck_after.strip(), "查詢法規與前案"):
            raise Mismatch("bottleneck_after 不對：找導入後「分鐘數最大」的步驟。")


class ErrorRate(Problem):
    id = "module6_c.error_rate"
    title = "錯誤率：合計後再除"
    objective = "能以「錯誤件數合計 ÷ 件數合計」計算導入後的錯誤率（百分比），而不是把每人的錯誤率平均。"
    competencies = ("流程自動",)
    domains = (_FLOW, _PERF)
    _var = "error_rate_after"
    _hints = ("上面的表印出了導入後的錯誤件數合計與件數合計。", "錯誤率（%）= 錯誤件數合計 ÷ 件數合計 × 100，四捨五入到小數第 1 位。")
    _solution = "```python\nerror_rate_after = 76 / 939 * 100   # 約 8.1\n```"
    _correct = 8.1
    _wrong = 8.2   # the mean of the 20 officers' own error rates

    def _check(self, value: Any) -> None:
        if type(value) in (int, float) and 0 < value < 1:
            raise Mismatch("要用百分比（例如 12.3），不是比例（0.123）。")
        if is_close(value, 8.17, 0.04):
            raise Mismatch("這是把每人的錯誤率直接平均；要先把錯誤件數與件數各自合計，再相除。")
        check_number(value, 76 / 939 * 100, what="導入後錯誤率（%）", abs_tol=0.05)


class PctSaved(Problem):
    id = "module6_c.pct_saved"
    title = "每件平均節省百分比（以件數加權）"
    objective = "能設定處理時間計算工具為「以件數加權」，讀出每件平均處理時間並算出節省百分比。"
    competencies = ("流程自動",)
    domains = (_FLOW, _PERF)
    _var = "pct_saved"
    _hints = ("執行 `ex.time_summary(...)` 時把 `weighted` 設為 True：每件平均＝總分鐘 ÷ 總件數。",
              "節省百分比 = (導入前 − 導入後) ÷ 導入前 × 100，四捨五入到小數第 1 位；除數是「導入前」。")
    _solution = "```python\npct_saved = 12.4\n```"
    _correct = 12.4
    _wrong = 13.4   # the unweighted mean of the officers' means

    def _check(self, value: Any) -> None:
        if is_close(value, 13.4):
            raise Mismatch("這是「每位承辦人算一次」的不加權平均；題目問的是每件平均，要以件數加權。")
        if is_close(value, 14.2):
            raise Mismatch("除數要用「導入前」的時間。")
        check_number(value, 12.4, what="每件平均節省百分比", abs_tol=0.05)


def is_close(value: Any, target: float, tol: float = 0.05) -> bool:
    try:
        check_number(value, target, what="x", abs_tol=tol)
    except Mismatch:
        return False
    return True


# -- lesson 2: benefit verification -------------------------------------------------------------

_B = [52, 61, 47, 70, 58, 66, 49, 73]
_A = [45, 50, 46, 60, 57, 55, 44, 62]
SAMPLE_BEFORE = tuple(_B)
SAMPLE_AFTER = tuple(_A)


class EffectSize(Problem):
    id = "module6_c.effect_size"
    title = "效果量：讀出計算工具的 d_z"
    objective = "能把成對比較工具設定為成對 t 檢定，讀出效果量 d_z（差值平均 ÷ 差值標準差）並說明幅度。"
    competencies = ("流程自動", "文書產製")
    domains = (*_EXPERIMENT, _STATS)
    _var = "cohens_dz"
    _hints = (
        "`ex.paired_comparison(before, after, method=\"成對 t 檢定\")` 會列出 d_z。",
        "d_z = 差值平均 ÷ 差值的樣本標準差；四捨五入到小數第 2 位。",
    )
    _solution = "```python\ncohens_dz = 1.01   # 8.165 ÷ 8.066\n```"
    _correct = 1.01
    _wrong = 0.95   # divided by the spread of the "before" times

    def _check(self, value: Any) -> None:
        check_number(value, 1.01, what="效果量 d_z", abs_tol=0.006)


class MeanDiffCI(Problem):
    id = "module6_c.mean_diff_ci"
    title = "平均節省時間的 95% 信賴區間（小樣本）"
    objective = "能以 t 分布（自由度 n − 1）讀出成對差值平均數的 95% 信賴區間，向主管報告「大約省多少、可能的範圍」。"
    competencies = ("流程自動", "文書產製")
    domains = (*_EXPERIMENT, _STATS)
    _var = ("ci_low", "ci_high")
    _hints = (
        "把 `ex.SAMPLE_BEFORE`、`ex.SAMPLE_AFTER` 放進 `ex.paired_comparison(..., method=\"成對 t 檢定\")`。",
        "只有 8 人：區間用 t 分布的臨界值，不是常態分布的 1.96；各四捨五入到小數第 2 位。",
    )
    _solution = "```python\nci_low = 3.48\nci_high = 10.77\n```"
    _correct = (3.48, 10.77)
    _wrong = (4.11, 10.14)   # used 1.96 (normal) instead of the t critical value with 7 degrees of freedom
    _blank = (None, None)

    def _check(self, ci_low: Any, ci_high: Any) -> None:
        d = [b - a for b, a in zip(_B, _A, strict=True)]
        se = statistics.stdev(d) / math.sqrt(len(d))
        low = statistics.mean(d) - _T_975_DF7 * se
        high = statistics.mean(d) + _T_975_DF7 * se
        if is_close(ci_low, statistics.mean(d) - 1.96 * se, 0.02):
            raise Mismatch("樣本只有 8 人，臨界值要用 t 分布（自由度 n − 1），不是常態分布的 1.96。")
        check_number(ci_low, low, what="信賴區間下限", abs_tol=0.011)
        check_number(ci_high, high, what="信賴區間上限", abs_tol=0.011)


TESTS = METHODS


class ChooseTest(Problem):
    id = "module6_c.choose_test"
    title = "選對統計檢定"
    objective = "能依資料設計（同一批人前後測或兩組不同的人）與差值分布（對稱或偏斜），選擇成對 t 檢定、Wilcoxon 符號等級檢定、符號檢定或獨立樣本 t 檢定。"
    competencies = ("流程自動",)
    domains = (*_EXPERIMENT, _STATS)
    _var = "test_for"
    _hints = (
        "同一批人導入前後各量一次 → 成對資料；兩個不同科室各量一次 → 獨立樣本。",
        "符號等級檢定（Wilcoxon）假設差值分布對稱；差值明顯偏斜時改用只看正負號的符號檢定。",
    )
    _expected = {
        "同 20 位承辦人導入前後的平均處理分鐘，差值分布大致對稱": "成對 t 檢定",
        "同 8 位承辦人導入前後的處理分鐘，差值大致對稱，但兩端各有 1 人特別極端": "符號等級檢定",
        "同 12 位承辦人前後測，多數人只快 1～2 分鐘、少數人快 30 分鐘以上（差值嚴重右偏）": "符號檢定",
        "A 科 15 人使用 AI、B 科 15 人未使用，比較兩科處理分鐘": "獨立樣本 t 檢定",
    }
    _solution = "```python\ntest_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "同 12 位承辦人前後測，多數人只快 1～2 分鐘、少數人快 30 分鐘以上（差值嚴重右偏）":
              "符號等級檢定"}

    def _check(self, test_for: Any) -> None:
        check_label_map(test_for, self._expected, what="檢定方法", options=TESTS)


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
        "A": "以承辦人為單位（每人算一次），試辦的 20 位承辦人每件平均節省時間的 95% 信賴區間約為 4.4 到 11.9 分鐘。",
        "B": "導入 AI 後公文將完全沒有錯誤。",
        "C": "差異在統計上顯著（成對 t 檢定 p < 0.05），且效果量大（d_z 約 1.0）。",
        "D": "試辦結果證明全機關所有業務都能節省 20% 以上時間。",
    }
    _solution = "```python\nsupported = {'A', 'C'}\n```"
    _correct = {"A", "C"}
    _wrong = {"A", "C", "D"}

    def _check(self, supported: Any) -> None:
        check_labels(supported, ["A", "C"], what="有數據支持的說法")


# -- lesson 3: choosing the comparison, configuring the calculator --------------------------------

# 10 位同仁導入前後處理分鐘（合成資料）：多數只快一點，2 人大幅變快，1 人變慢 → 差值右偏。
SKEWED_BEFORE = (41, 38, 45, 50, 39, 44, 62, 71, 40, 43)
SKEWED_AFTER = (40, 36, 44, 48, 39.5, 42, 30, 35, 41, 42)


class SymmetryAssumption(Problem):
    id = "module6_c.symmetry_assumption"
    title = "Wilcoxon 符號等級檢定的前提"
    objective = "能說出 Wilcoxon 符號等級檢定假設成對差值的分布對稱，並在差值偏斜時改用符號檢定。"
    competencies = ("流程自動",)
    domains = (*_EXPERIMENT, _STATS)
    _var = "method_for_skewed"
    _hints = ("看差值的直方圖：大多數人集中在 −1～2 分鐘，少數人在 30 分鐘以上，是對稱嗎？",
              "符號檢定只看每個人「變快或變慢」，不需要差值對稱。")
    _solution = "```python\nmethod_for_skewed = \"符號檢定\"\n```"
    _correct = "符號檢定"
    _wrong = "符號等級檢定"

    def _check(self, value: Any) -> None:
        expect_type(value, str, "method_for_skewed")
        if value.strip() not in METHODS:
            raise Mismatch(f"只能填 {'、'.join(METHODS)} 之一。")
        if value.strip() == "符號等級檢定":
            raise Mismatch("符號等級檢定（Wilcoxon）假設差值分布對稱；這份差值明顯右偏。")
        if value.strip() != "符號檢定":
            raise Mismatch("差值明顯偏斜、樣本又小：t 檢定不適合；想想只看正負號的方法。")


class SignTestReading(Problem):
    id = "module6_c.sign_test_reading"
    title = "讀出符號檢定的結果"
    objective = "能把計算工具設定為符號檢定，讀出變快與變慢的人數，並判斷 p 值是否小於 0.05。"
    competencies = ("流程自動",)
    domains = (*_EXPERIMENT, _STATS)
    _var = ("faster", "slower", "significant")
    _hints = ("`ex.paired_comparison(ex.SKEWED_BEFORE, ex.SKEWED_AFTER, method=\"符號檢定\")`。",
              "差值為 0 的人不算變快也不算變慢；significant 是 True 或 False。")
    _solution = "```python\nfaster = 8\nslower = 2\nsignificant = False\n```"
    _correct = (8, 2, False)
    _wrong = (8, 2, True)
    _blank = (None, None, None)

    def _check(self, faster: Any, slower: Any, significant: Any) -> None:
        check_number(faster, 8, what="變快人數", integer=True)
        check_number(slower, 2, what="變慢人數", integer=True)
        check_bool(significant, False, what="符號檢定 p 值是否小於 0.05")


class SmallSampleClaim(Problem):
    id = "module6_c.small_sample_claim"
    title = "不顯著不等於沒效果"
    objective = "能依小樣本的檢定結果判斷可以與不可以宣稱的內容：p ≥ 0.05 不能說「證明沒有效果」，也不能說「證明有效」。"
    competencies = ("文書產製", "流程自動")
    domains = (*_EXPERIMENT, _PLAN)
    _var = "claimable"
    _hints = ("p ≥ 0.05 只表示證據不足，不表示「沒有差異」。", "10 人中 8 人變快是事實，可以照實寫；要不要擴大試辦是另一個問題。")
    _claims = {
        "A": "10 位同仁中有 8 位導入後變快、2 位變慢。",
        "B": "符號檢定 p ≥ 0.05，所以證明 AI 沒有效果。",
        "C": "樣本僅 10 人，目前證據不足以確認整體變快，建議擴大樣本再量測。",
        "D": "平均每人節省 7.55 分鐘，所以每位同仁都省了 7.55 分鐘。",
    }
    _solution = "```python\nclaimable = {'A', 'C'}\n```"
    _correct = {"A", "C"}
    _wrong = {"A", "B", "C"}

    def _check(self, claimable: Any) -> None:
        check_labels(claimable, ["A", "C"], what="可以宣稱的說法")


# -- lesson 4: time studies, weighted means, elapsed days vs workload -------------------------------

# 一週的時間研究（合成資料）：每位承辦人處理的件數與實際作業分鐘合計。
STUDY = {
    "承辦人": ["T1", "T2", "T3", "T4", "T5"],
    "件數": [40, 10, 25, 5, 20],
    "作業分鐘合計": [1200, 450, 875, 300, 700],
}


class WeightedMinutes(Problem):
    id = "module6_c.weighted_minutes"
    title = "每件平均作業分鐘：總分鐘 ÷ 總件數"
    objective = "能從時間研究表算出每件平均作業分鐘（總分鐘 ÷ 總件數），不把每人的平均再平均。"
    competencies = ("流程自動",)
    domains = (_FLOW, _PERF)
    _var = "minutes_per_doc"
    _hints = ("先加總「作業分鐘合計」，再加總「件數」。", "答案可以直接寫成算式，例如 `minutes_per_doc = 3525 / 100`。")
    _solution = "```python\nminutes_per_doc = 3525 / 100   # 35.25\n```"
    _correct = 35.25
    _wrong = 41.0   # mean of the five per-officer means

    def _check(self, value: Any) -> None:
        if is_close(value, 41.0, 0.01):
            raise Mismatch("這是五位承辦人平均的平均：件數少的人和件數多的人被算成一樣重。")
        check_number(value, 35.25, what="每件平均作業分鐘", abs_tol=0.01)


class ElapsedNotWorkload(Problem):
    id = "module6_c.elapsed_not_workload"
    title = "辦理天數不是工作量"
    objective = "能分辨「收文到結案的日曆天數」與「實際作業時間」：天數包含等待、會辦與假日，不能當成工作量或節省的工時。"
    competencies = ("流程自動", "文書產製")
    domains = (_FLOW, _PERF)
    _var = "workload_measure"
    _hints = ("哪一個數字只算承辦人實際動手處理的時間？", "日曆天數會因等待會辦、民眾補件、假日而變長，和工時無關。")
    _options = {
        "A": "平均辦理天數（收文日到結案日的日曆天）",
        "B": "每件實際作業分鐘（由工時紀錄或計時取得）",
        "C": "每月結案件數",
        "D": "公文會辦的單位數",
    }
    _solution = "```python\nworkload_measure = \"B\"\n```"
    _correct = "B"
    _wrong = "A"

    def _check(self, value: Any) -> None:
        expect_type(value, str, "workload_measure")
        if value.strip() == "A":
            raise Mismatch("日曆天數包含等待與假日，縮短了不代表工時減少。")
        same(value.strip(), "B", what="衡量工作量的指標")


class ReportFix(Problem):
    id = "module6_c.report_fix"
    title = "時間研究報告：哪些句子要改？"
    objective = "能找出時間研究報告中把辦理天數當工時、用不加權平均、或超出資料範圍推論的句子。"
    competencies = ("文書產製", "流程自動")
    domains = (_PLAN, _FLOW)
    _var = "to_fix"
    _hints = ("逐句問：這個數字是怎麼算的？它量的是工時還是等待？", "每件平均要以件數加權；五人一週的資料不能代表全年、全機關。")
    _sentences = {
        "1": "本週 5 位承辦人共處理 100 件，作業分鐘合計 3,525 分鐘。",
        "2": "每件平均作業 41.0 分鐘（五位承辦人平均的平均）。",
        "3": "平均辦理天數由 6 天縮短為 4 天，表示每位承辦人的工作量減少三分之一。",
        "4": "僅觀察一週、5 人，結果僅供規劃下一階段試辦參考。",
        "5": "因此全機關每年可節省 2 萬小時，建議裁減人力。",
    }
    _solution = "```python\nto_fix = {'2', '3', '5'}\n```"
    _correct = {"2", "3", "5"}
    _wrong = {"3", "5"}

    def _check(self, to_fix: Any) -> None:
        check_labels(to_fix, ["2", "3", "5"], what="需要修改的句子")


class RoutingRates(Problem):
    id = "module6_c.routing_rates"
    title = "某科室可以啟用自動分派嗎？"
    objective = "能由分派計數算出某科室的精確率與召回率，並依「都至少 0.75」的門檻判斷可否啟用自動分派。"
    competencies = ("流程自動", "優化服務")
    domains = ("ipas-planner-intermediate/L23", "iii-llm-assistant/N2")
    _var = ("precision_env", "recall_env", "enable_env")
    _hints = ("執行 `ex.routing_counts(routing, \"環境稽查科\")`：精確率＝分派正確 ÷（分派正確＋誤派進來）。",
              "召回率＝分派正確 ÷（分派正確＋漏派出去）；兩者都至少 0.75 才啟用（恰為 0.75 也算）。")
    _solution = "```python\nprecision_env = 8 / 11\nrecall_env = 8 / 10\nenable_env = False\n```"
    _correct = (8 / 11, 8 / 10, False)
    _wrong = (8 / 10, 8 / 11, True)   # precision and recall swapped
    _blank = (None, None, None)

    def _check(self, precision_env: Any, recall_env: Any, enable_env: Any) -> None:
        if is_close(precision_env, 0.8, 0.002) and is_close(recall_env, 8 / 11, 0.002):
            raise Mismatch("精確率與召回率弄反了：精確率的分母是「AI 分派到該科」的件數。")
        check_number(precision_env, 8 / 11, what="環境稽查科的精確率", abs_tol=0.002)
        check_number(recall_env, 0.8, what="環境稽查科的召回率", abs_tol=0.002)
        check_bool(enable_env, False, what="精確率與召回率是否都至少 0.75")


class AnnualRange(Problem):
    id = "module6_c.annual_range"
    title = "全年效益：用信賴區間給範圍"
    objective = "能把每件節省分鐘的 95% 信賴區間換算成全年節省工時的範圍（分鐘 × 件數 ÷ 60）。"
    competencies = ("文書產製", "流程自動")
    domains = (_PLAN, _PERF)
    _var = ("annual_low", "annual_high")
    _hints = ("20 位承辦人的 95% 信賴區間約 4.39～11.94 分鐘／件。", "假設全年 9,000 件：下限 × 9,000 ÷ 60、上限 × 9,000 ÷ 60（單位：小時）。")
    _solution = "```python\nannual_low = 4.39 * 9000 / 60    # 約 659 小時\nannual_high = 11.94 * 9000 / 60  # 約 1791 小時\n```"
    _correct = (4.39 * 9000 / 60, 11.94 * 9000 / 60)
    _wrong = (4.39 * 9000, 11.94 * 9000)   # minutes, not hours
    _blank = (None, None)

    def _check(self, annual_low: Any, annual_high: Any) -> None:
        if is_close(annual_low, 4.39 * 9000, 200):
            raise Mismatch("單位還是分鐘：要再除以 60 換成小時。")
        check_number(annual_low, 4.3901 * 150, what="全年節省小時的下限", abs_tol=3)
        check_number(annual_high, 11.9399 * 150, what="全年節省小時的上限", abs_tol=3)


q1 = ProcessMap()
q2 = ErrorRate()
q3 = PctSaved()
q4 = EffectSize()
q5 = MeanDiffCI()
q6 = ChooseTest()
q7 = HonestClaims()
q8 = SymmetryAssumption()
q9 = SignTestReading()
q10 = SmallSampleClaim()
q11 = WeightedMinutes()
q12 = ElapsedNotWorkload()
q13 = ReportFix()
q14 = RoutingRates()
q15 = AnnualRange()


# -- lesson sliders (provided tools: the learner moves the slider and reads the result) -----------


def adoption_html(rate: float) -> str:
    """Lesson 1: drafting + checking minutes per case when only ``rate`` of the AI drafts can be adopted.

    Adopted: 草擬 10 + 核對 8 minutes; not adopted: 核對 8 + 重寫 25 minutes (the lesson's table).
    """
    adopted = STEPS_AFTER["草擬回文"] + STEPS_AFTER["核對 AI 草稿"]
    rejected = STEPS_AFTER["核對 AI 草稿"] + STEPS_BEFORE["草擬回文"]
    drafting = rate * adopted + (1 - rate) * rejected
    before = STEPS_BEFORE["草擬回文"]
    saved = before - drafting
    note = "✅ 有節省" if saved > 0 else "⚠️ 反而更慢"
    return (f"<p>草稿採用率 {rate:.0%}：草擬＋核對平均 {drafting:.1f} 分鐘，"
            f"比導入前 {before} 分鐘節省 <b>{saved:.1f}</b> 分鐘　{note}</p>")


def adoption_explorer() -> None:
    from govai.exercises.widgets import Explorer

    Explorer("草稿採用率", adoption_html, minimum=0, maximum=1, step=0.05, value=0.8).show()


def ci_html(n: float, mean: float, sd: float) -> str:
    """Lesson 2: the 95% t interval of a mean difference for ``n`` officers with the same mean and SD."""
    from scipy import stats

    n = int(n)
    crit = float(stats.t.ppf(0.975, n - 1))
    half = crit * sd / math.sqrt(n)
    return f"<p>試辦 {n} 人：95% 信賴區間約 <b>{mean - half:.1f} ～ {mean + half:.1f}</b> 分鐘（t 臨界值 {crit:.3f}）</p>"


def ci_explorer(differences: Sequence[float]) -> None:
    from govai.exercises.widgets import Explorer

    d = _floats(differences)
    m, s = statistics.mean(d), statistics.stdev(d)
    Explorer("試辦人數", lambda n: ci_html(n, m, s), minimum=5, maximum=100, step=5, value=20).show()
