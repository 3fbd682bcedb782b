"""模組 7 領創新（設計思考／公共創新與實驗）的練習題。Exercise set for module 7 (route A).

Bind in a notebook: ``from govai.exercises import module7 as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module7/`` (synthetic, 合成資料).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from govai.exercises.core import Mismatch, Problem, ValueProblem, expect_type

if TYPE_CHECKING:
    import pandas as pd

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


def sample_size_table(baseline: float, targets: Iterable[float], powers: Iterable[float] = (0.8, 0.9),
                      alphas: Iterable[float] = (0.05, 0.10)) -> pd.DataFrame:
    """A provided calculator's output: per-group n for each target, power and two-sided alpha."""
    import pandas as pd

    rows = [{"基準比例": baseline, "目標比例": t, "雙尾顯著水準 α": a, "檢定力": pw,
             "每組所需人數": sample_size(baseline, t, a, pw)}
            for t in targets for a in alphas for pw in powers]
    return pd.DataFrame(rows)


def z_table(results: pd.DataFrame) -> pd.DataFrame:
    """A provided tool's output: each outcome's rates and pooled z (試辦組減對照組), rounded to 2 decimals."""
    import pandas as pd

    rows = []
    for r in results.to_dict("records"):
        z = two_proportion_z(int(r["對照組事件數"]), int(r["對照組人數"]), int(r["試辦組事件數"]), int(r["試辦組人數"]))
        rows.append({"指標": r["指標"], "類型": r["類型"], "方向": r["方向"],
                     "對照組比例": round(r["對照組事件數"] / r["對照組人數"], 3),
                     "試辦組比例": round(r["試辦組事件數"] / r["試辦組人數"], 3), "z（試辦減對照）": round(z, 2)})
    return pd.DataFrame(rows)


class LowestStage(Problem):
    id = "module7.lowest_stage"
    title = "服務旅程中最痛的階段"
    objective = "能從服務旅程地圖的滿意度與痛點資料，找出最需要改善的接觸階段。"
    competencies = ("策略制定", "評估導入")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P1", "ipas-planner-basic/L12")
    _var = ("worst_stage", "longest_stage")
    _hints = (
        "看 `journey` 表格的「滿意度」欄，找出數字最小的那一列，填它的「階段」名稱。",
        "耗時最長看「平均耗時天數」欄最大的那一列。（進階選做：也可以用 `idxmin()`／`idxmax()`。）",
    )
    _solution = ('```python\nworst_stage = "補件"    # 滿意度最低\n'
                 'longest_stage = "審查"  # 平均耗時天數最長\n```')
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


class SampleSize(ValueProblem):
    id = "module7.sample_size"
    title = "試辦需要多少人？"
    objective = "能設定樣本數計算工具、讀出每組所需人數，並依預期流失無條件進位調整招募數。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = ("n_per_group", "recruit_per_group")
    _kinds = ("count", "count")
    _whats = ("每組所需人數（n_per_group）", "考慮流失後每組應招募的人數（recruit_per_group）")
    _feedback = "　先在計算表找到「目標比例、α、檢定力」都相符的那一列，再把人數 ÷ 完成率後無條件進位。"
    _hints = ("計算表每一列是一種設定：找基準 0.30、目標 0.40、雙尾 α = 0.05、檢定力 0.8 的那一列。",
              "招募數 = 所需人數 ÷ 0.9，**無條件進位**（不是四捨五入）：例如 100.2 要進位成 101。")
    _solution = "```python\nn_per_group = 356\nrecruit_per_group = 396   # 356 ÷ 0.9 = 395.6，無條件進位\n```"
    _correct = (356, 396)
    _wrong = (356, 395)
    _blank = (None, None)


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
    objective = "能檢核創新實驗（沙盒）計畫是否具備範圍、期間、法律依據與主管機關、參與者保護、風險控管、退場與報告等要素。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = "sandbox_missing"
    _expected = frozenset({"期間", "退場機制", "參與者保護", "法律依據與主管機關"})
    _hints = ("本課的要素清單：範圍、期間、法律依據與主管機關、參與者保護、風險控管、退場機制、定期報告。"
              "逐項對照計畫書摘要，看哪些沒有寫到。",
              "計畫寫了「暫停適用」某項規定，卻沒寫依據哪一部法律、由哪個主管機關核准，這也是缺漏。")
    _solution = '```python\nsandbox_missing = {"期間", "退場機制", "參與者保護", "法律依據與主管機關"}\n```'
    _correct = {"期間", "退場機制", "參與者保護", "法律依據與主管機關"}
    _wrong = {"期間", "退場機制", "參與者保護"}

    def _check(self, missing: Any) -> None:
        expect_type(missing, set, "sandbox_missing")
        if any(type(x) is not str for x in missing):
            raise Mismatch("集合裡放要素名稱字串。")
        if set(missing) != set(self._expected):
            raise Mismatch("還不對：把計畫書摘要的每一句對應到要素清單，沒有被對應到的要素就是缺漏。")


class StopRule(ValueProblem):
    id = "module7.stop_rule"
    title = "套用停止規則"
    objective = "能把事先訂定的停止規則（傷害優先、期中 3.29、最後 1.96）一致地套用到每一次分析。"
    competencies = ("評估導入", "倫理判斷")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P3", "aws-aif-c01/D4")
    _var = "stop_calls"
    _kinds = ("same",)
    _whats = ("每個情境的決定",)
    _feedback = "　每一次分析都先檢查傷害，再看是期中還是最後一次。"
    _hints = ("順序：① 傷害（z_安全 ≥ 2.0 或 z_效益 ≤ −2.0）→「停止：傷害」；② 期中 z_效益 ≥ 3.29 →「提前停止：有效」，否則「繼續」；"
              "③ 最後一次 z_效益 ≥ 1.96 →「結束：有效」，否則「結束：未證實有效」。",)
    _correct = {"情境A": "繼續", "情境B": "停止：傷害", "情境C": "結束：有效", "情境D": "提前停止：有效"}
    _solution = "```python\nstop_calls = " + repr(_correct) + "\n```"
    _wrong = {"情境A": "提前停止：有效", "情境B": "提前停止：有效", "情境C": "結束：有效", "情境D": "提前停止：有效"}


class HotlinePain(ValueProblem):
    id = "module7.hotline_pain"
    title = "1999 報修旅程的痛點"
    objective = "能從 1999 報修服務旅程找出滿意度最低與痛點集中的階段。"
    competencies = ("策略制定", "評估導入")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P1")
    _var = ("worst_stage", "pain_stages")
    _kinds = ("same", "labels")
    _whats = ("worst_stage：滿意度最低的階段", "pain_stages：痛點數至少 4 的階段")
    _feedback = "　看「滿意度」與「痛點數」兩欄，不是耗時；「至少 4」包含 4。"
    _hints = ("滿意度最低：在表格「滿意度」欄找最小值那一列的階段名稱。",
              "痛點數「至少 4」＝ 4 以上（含 4），可以有好幾個階段。")
    _correct = ("描述地點", {"描述地點", "等待修復", "完工通知"})
    _solution = '```python\nworst_stage = "描述地點"\npain_stages = {"描述地點", "等待修復", "完工通知"}\n```'
    _wrong = ("等待修復", {"描述地點"})
    _blank = (None, None)


class HotlineHmw(ValueProblem):
    id = "module7.hotline_hmw"
    title = "1999 報修的 HMW"
    objective = "能選出以使用者為中心、不預設 AI 解法、範圍適中的 HMW 問句。"
    competencies = ("策略制定",)
    domains = ("gov-ai-planning/P2", "ipas-planner-basic/L12")
    _var = "repair_hmw"
    _kinds = ("labels",)
    _whats = ("好的 HMW 問句",)
    _feedback = "　逐一問：主詞是民眾的處境嗎？有沒有先寫死 AI？範圍會不會太大或太小？"
    _hints = ("「導入 AI 影像辨識」是解法，不是問題；「全市零坑洞」範圍太大；「話務員少講幾句」是機關的方便。",)
    _correct = {"A", "E"}
    _solution = '```python\nrepair_hmw = {"A", "E"}\n```'
    _wrong = {"A", "B", "E"}


class RandomPlans(ValueProblem):
    id = "module7.random_plans"
    title = "可信的分組方式"
    objective = "能判斷試辦分組是否為可重現、可稽核、沒有選擇偏差的隨機分派。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = "good_plans"
    _kinds = ("labels",)
    _whats = ("可信、可稽核的分組方式",)
    _feedback = "　可信的分組：由事先固定、可重現的亂數決定，沒有人（承辦人或民眾）能挑選。"
    _hints = ("讓人挑（承辦人挑案件、民眾自選）會有選擇偏差；前後期比較會混入季節等因素；"
              "以區或里為單位抽籤也是隨機分派（群集隨機）。",)
    _correct = {"B", "F"}
    _solution = '```python\ngood_plans = {"B", "F"}\n```'
    _wrong = {"B", "D", "F"}


class PowerBudget(ValueProblem):
    id = "module7.power_budget"
    title = "哪些試辦規模足夠？"
    objective = "能依計算表的所需人數，判斷不同試辦規模是否每一組都達到要求的檢定力。"
    competencies = ("評估導入", "策略制定")
    domains = ("gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = "enough_plans"
    _kinds = ("labels",)
    _whats = ("每一組都至少達到所需人數的方案",)
    _feedback = "　每一組分開看；「至少」包含剛好等於。"
    _hints = ("先在計算表找 0.20 → 0.30、α = 0.05、檢定力 0.8 的所需人數。",
              "兩組合計要先除以 2；兩組人數不同時，看人數較少的那一組。")
    _correct = {"A", "B"}
    _solution = '```python\nenough_plans = {"A", "B"}\n```'
    _wrong = {"A"}


class ReadZ(ValueProblem):
    id = "module7.read_z"
    title = "讀懂 z 檢定表"
    objective = "能依指標方向解讀 z 值，分辨顯著改善、顯著變差與未達顯著，並判斷是否觸及傷害停止界線。"
    competencies = ("評估導入", "倫理判斷")
    domains = ("gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = ("improved", "harm_stop")
    _kinds = ("labels", "bool")
    _whats = ("顯著改善的指標", "是否觸及傷害停止界線")
    _feedback = "　「越低越好」的指標，z 為負才是變好；傷害只看安全指標的 z ≥ 2.0。"
    _hints = ("|z| ≥ 1.96 才顯著；再看方向：越高越好要 z ≥ 1.96，越低越好要 z ≤ −1.96。",)
    _correct = ({"等候超過60秒比例", "轉真人後重複說明比例"}, False)
    _solution = '```python\nimproved = {"等候超過60秒比例", "轉真人後重複說明比例"}\nharm_stop = False\n```'
    _wrong = ({"等候超過60秒比例", "轉真人後重複說明比例", "一次解決率"}, False)
    _blank = (None, None)


class ExemptionRoute(ValueProblem):
    id = "module7.exemption_route"
    title = "遇到規定限制時走哪一條路"
    objective = "能分辨試辦遇到的限制屬於哪一層規範，判斷是否需要及能否以創新實驗豁免。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P3", "gov-ai-core/C1")
    _var = "route_for"
    _kinds = ("same",)
    _whats = ("每個情境的處理方式",)
    _feedback = "　先問限制來自哪一層：機關自訂的規定、法律（或依法律授權的命令），還是根本沒有限制？"
    _hints = ("機關自己訂的作業要點，機關可依程序修訂；法律層級的限制，只有法律明定可實驗豁免時，"
              "才能向**該法所定的主管機關**申請；應由人作成的決定不能因為試辦就交給 AI。",)
    _correct = {"T1": "修訂機關自訂規定", "T2": "不需豁免", "T3": "需法律明定的實驗機制", "T4": "不得以試辦處理"}
    _solution = "```python\nroute_for = " + repr(_correct) + "\n```"
    _wrong = {"T1": "需法律明定的實驗機制", "T2": "不需豁免", "T3": "修訂機關自訂規定", "T4": "不得以試辦處理"}


q1 = LowestStage()
q2 = GoodHmw()
q3 = SampleSize()
q4 = ExperimentEthics()
q5 = SandboxElements()
q6 = StopRule()
# lesson 3 (1999 報修)
q7 = HotlinePain()
q8 = HotlineHmw()
# lesson 4 (試辦設計書)
q9 = RandomPlans()
q10 = PowerBudget()
q11 = ReadZ()
q12 = ExemptionRoute()
