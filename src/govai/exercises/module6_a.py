"""模組 6 快優化，路線 A（導入與效能迭代）的練習題。Exercise set for module 6, route A track.

Bind in a notebook: ``from govai.exercises import module6_a as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module6_a/`` (synthetic, 合成資料).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govai.exercises.compare import check_number
from govai.exercises.core import Mismatch, Problem, ValueProblem, expect_type

if TYPE_CHECKING:
    import pandas as pd

DECISIONS = ("擴大", "修正", "停止")


def pct_change(baseline: float, current: float) -> float:
    """Change relative to the baseline, in percent, rounded to 1 decimal."""
    return round((current - baseline) / baseline * 100, 1)


def met(result: float, target: float, direction: str) -> bool:
    """Whether a KPI meets its target, honouring 越高越好 / 越低越好."""
    return result >= target if direction == "越高越好" else result <= target


def decide(met_share: float, safety_ok: bool) -> str:
    """The course's decision rule: safety first, then the share of KPIs met (≥ 0.8 擴大, ≥ 0.5 修正)."""
    if not safety_ok:
        return "停止"
    if met_share >= 0.8:
        return "擴大"
    return "修正" if met_share >= 0.5 else "停止"


def availability(days: int, downtime_minutes: float) -> float:
    """Monthly availability: 1 − downtime ÷ minutes in the month."""
    return 1 - downtime_minutes / (days * 24 * 60)


def kpi_dashboard(weekly: pd.DataFrame, targets: pd.DataFrame) -> Any:
    """A week slider: KPI values of the chosen week against baseline and target, met or not."""
    from govai.exercises.widgets import Explorer

    rows = targets.to_dict("records")

    def render(week: float) -> str:
        w = weekly[weekly["週"] == int(week)].iloc[0]
        body = ""
        for r in rows:
            value = float(w[r["KPI"]])
            ok = met(value, float(r["目標"]), r["方向"])
            mark = "✅ 達標" if ok else "❌ 未達標"
            body += (f"<tr><td>{r['KPI']}</td><td>{r['基準']}</td><td>{r['目標']}（{r['方向']}）</td>"
                     f"<td>{value:g}</td><td>{mark}</td></tr>")
        return ("<table><tr><th>KPI</th><th>基準</th><th>目標</th><th>本週</th><th>判定</th></tr>"
                f"{body}</table>")

    return Explorer("第幾週", render, 1, int(weekly["週"].max()), 1, 1).show()


class PctChange(ValueProblem):
    id = "module6_a.pct_change"
    title = "與基準比較的變化率"
    objective = "能計算試辦 KPI 相對於導入前基準的變化百分比（以基準為分母，不是百分點差）。"
    competencies = ("行政監理", "評估導入")
    domains = ("gov-ai-planning/P3", "gov-ai-planning/P1")
    _var = "change"
    _kinds = ("same",)
    _whats = ("各 KPI 相對基準的變化率（%）",)
    _feedback = "　變化率 = (最後 4 週平均 − 基準) ÷ 基準 × 100，四捨五入到小數第 1 位；分母是基準。"
    _hints = ("例：基準 10、目前 12 → (12 − 10) ÷ 10 × 100 = 20.0。可以在答案裡直接寫算式（例如 `(12 - 10) / 10 * 100`），"
              "或先算好、四捨五入到小數第 1 位再填；兩種寫法差距在 0.05 以內都算對。",
              "「越低越好」的 KPI 進步時，變化率是負的。")
    _correct = {"平均等候秒數": -38.9, "平均處理分鐘": -24.6, "民眾滿意度": 7.6}
    _solution = "```python\nchange = " + repr(_correct) + "\n```"
    _wrong = {"平均等候秒數": -63.6, "平均處理分鐘": -32.7, "民眾滿意度": 7.1}

    def _check(self, change: Any) -> None:
        # Values or arithmetic on the table's numbers (route A writes no code): within 0.05 of the
        # 1-decimal answer, so (27.5 - 45) / 45 * 100 counts as well as -38.9.
        expect_type(change, dict, "change")
        missing = [k for k in self._correct if k not in change]
        if missing:
            raise Mismatch(f"還缺這些 KPI 的變化率：{'、'.join(missing)}。")
        for k, want in self._correct.items():
            try:
                check_number(change[k], want, abs_tol=0.05, what=f"「{k}」相對基準的變化率（%）")
            except Mismatch as exc:
                raise Mismatch(f"{exc}{self._feedback}") from None


class KpiMet(Problem):
    id = "module6_a.kpi_met"
    title = "試辦 KPI 達標了嗎？"
    objective = "能依 KPI 的方向（越高越好／越低越好）判斷試辦最後 4 週的平均是否達到目標。"
    competencies = ("行政監理", "評估導入")
    domains = ("gov-ai-planning/P3", "gov-ai-planning/P1", "ipas-planner-intermediate/L21")
    _var = "kpi_met"
    _expected = {"平均等候秒數": False, "AI自助解決率": False, "平均處理分鐘": True, "民眾滿意度": True,
                 "錯誤回覆率": True}
    _hints = (
        "上面的表格已經算好第 9–12 週的「最後4週平均」，逐列和「目標」比較。",
        "「越低越好」的 KPI 要 平均 ≤ 目標 才算達標；「越高越好」則是 ≥。",
    )
    _solution = "```python\nkpi_met = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {"平均等候秒數": True, "AI自助解決率": False, "平均處理分鐘": False, "民眾滿意度": True,
              "錯誤回覆率": False}

    def _check(self, kpi_met: Any) -> None:
        expect_type(kpi_met, dict, "kpi_met")
        missing = [k for k in self._expected if k not in kpi_met]
        if missing:
            raise Mismatch(f"還缺這些 KPI：{'、'.join(missing)}。")
        if any(type(v) is not bool for v in kpi_met.values()):
            raise Mismatch("每個值要是 True 或 False（可用 bool(...) 轉型）。")
        wrong = [k for k, v in self._expected.items() if kpi_met[k] is not v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個 KPI 判斷不對。注意每個 KPI 的方向。")


class ScaleIterateStop(Problem):
    id = "module6_a.scale_iterate_stop"
    title = "擴大、修正或停止"
    objective = "能依事先訂定的決策規則（安全優先，再看 KPI 達標比例）決定試辦擴大、修正或停止。"
    competencies = ("評估導入", "行政監理")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P3", "ipas-planner-basic/L12")
    _var = "decisions"
    _expected = {"AI 客服": "修正", "公文摘要": "擴大", "違停影像辨識": "停止", "補助初審": "停止"}
    _hints = ("規則：安全指標未達標 → 停止；否則一般 KPI（安全類以外）的達標比例 ≥ 0.8 → 擴大；≥ 0.5 → 修正；其他 → 停止。",
              "「補助初審」達標比例很高，但安全指標沒過：安全優先。")
    _solution = "```python\ndecisions = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {"AI 客服": "修正", "公文摘要": "擴大", "違停影像辨識": "停止", "補助初審": "擴大"}

    def _check(self, decisions: Any) -> None:
        expect_type(decisions, dict, "decisions")
        missing = [k for k in self._expected if k not in decisions]
        if missing:
            raise Mismatch(f"還缺這些試辦：{'、'.join(missing)}。")
        if any(type(v) is not str or v not in DECISIONS for v in decisions.values()):
            raise Mismatch("每個值要是「擴大」「修正」「停止」之一。")
        wrong = [k for k, v in self._expected.items() if decisions[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個決定不對。先看安全指標，再看達標比例。")


class SlaBreaches(Problem):
    id = "module6_a.sla_breaches"
    title = "哪幾個月可用率未達 SLA？"
    objective = "能由停機時間計算每月可用率，找出未達契約服務水準的月份。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = "breach_months"
    _expected = ["2026-02", "2026-05"]
    _hints = ("可用率 = 1 − 停機分鐘 ÷ (天數 × 24 × 60)。契約要求每月至少 99.5%（0.995）。",
              "看上面表格已算好的「可用率」欄：低於 0.995 的月份就是未達標（恰為 0.995 算達標），依時間順序寫成串列。")
    _solution = '```python\nbreach_months = ["2026-02", "2026-05"]  # 可用率低於 0.995 的月份\n```'
    _correct = ["2026-02", "2026-05"]
    _wrong = ["2026-02"]

    def _check(self, months: Any) -> None:
        expect_type(months, list, "breach_months")
        if any(type(x) is not str for x in months):
            raise Mismatch("串列裡放月份字串，例如 \"2026-01\"。")
        if sorted(months) != self._expected:
            raise Mismatch("月份不對：記得每個月天數不同，要用各月的總分鐘數計算。")


class LeadershipBrief(Problem):
    id = "module6_a.leadership_brief"
    title = "向首長報告"
    objective = "能寫出以證據為本、說明不確定性並提出明確決策建議的試辦報告。"
    competencies = ("行政監理", "策略制定")
    domains = ("gov-ai-planning/P3", "gov-ai-planning/P2", "gov-ai-core/C3")
    _var = "good_lines"
    _expected = frozenset({"A", "C", "E"})
    _hints = ("好的報告句子：有數字與基準比較、說明限制與不確定性、提出可決策的建議與條件。"
              "避開：只有形容詞、把未達標的指標藏起來、把 AI 說成萬能。",)
    _solution = '```python\ngood_lines = {"A", "C", "E"}\n```'
    _correct = {"A", "C", "E"}
    _wrong = {"A", "B", "C", "E"}

    def _check(self, lines: Any) -> None:
        expect_type(lines, set, "good_lines")
        if any(type(x) is not str for x in lines):
            raise Mismatch("集合裡放句子代號字串，例如 \"A\"。")
        if set(lines) != set(self._expected):
            raise Mismatch("還不對：每一句都問自己，首長能不能依這句話做決定，且這句話有證據支持嗎？")


class PenaltyTiers(ValueProblem):
    id = "module6_a.penalty_tiers"
    title = "SLA 扣款級距"
    objective = "能依契約扣款級距判定扣款比例（級距下限恰為門檻時歸入較輕的級距），並算出合計扣款。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = ("rate_for", "sla_penalty_total")
    _kinds = ("same", "number")
    _tol = 0.5
    _whats = ("各可用率的扣款比例", "6 個月合計扣款（元）")
    _feedback = "　「99.0% 以上、未達 99.5%」包含 99.0%；恰為 99.5% 不扣款。"
    _hints = ("級距：≥ 99.5% 扣 0；99.0% 以上未達 99.5% 扣 0.03；98.0% 以上未達 99.0% 扣 0.05；未達 98.0% 扣 0.10。",
              "合計扣款：先找出未達 99.5% 的月份與各自級距，再乘上月費 400,000 元後相加。")
    _correct = ({"99.62%": 0, "99.50%": 0, "99.00%": 0.03, "98.75%": 0.05, "97.90%": 0.10}, 24000)
    _solution = "```python\nrate_for = " + repr(_correct[0]) + "\nsla_penalty_total = 24000   # 2 月、5 月各扣 3%\n```"
    _wrong = ({"99.62%": 0, "99.50%": 0.03, "99.00%": 0.05, "98.75%": 0.05, "97.90%": 0.10}, 24000)
    _blank = (None, None)


class P95Read(ValueProblem):
    id = "module6_a.p95_read"
    title = "讀出 P95"
    objective = "能用最近秩法從排序好的回應時間讀出 P95，並判斷是否符合「P95 不超過 3 秒」。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3", "ipas-planner-intermediate/L21")
    _var = ("p95_value", "p95_ok")
    _kinds = ("number", "bool")
    _tol = 0.01
    _whats = ("最近秩法的 P95（秒）", "是否符合 P95 ≤ 3 秒")
    _feedback = "　先算名次 ⌈0.95 × n⌉（無條件進位），再到排序表找那一個名次。"
    _hints = ("n = 24：0.95 × 24 = 22.8，無條件進位是第 23 名。",)
    _correct = (3.4, False)
    _solution = "```python\np95_value = 3.4   # 第 ⌈0.95 × 24⌉ = 23 名\np95_ok = False\n```"
    _wrong = (2.9, True)
    _blank = (None, None)


class AccuracyMonths(ValueProblem):
    id = "module6_a.accuracy_months"
    title = "抽查正確率未達標的月份"
    objective = "能以正確件數 ÷ 抽查件數判斷每月抽查正確率是否至少 0.90（恰為 0.90 算達標）。"
    competencies = ("行政監理", "評估導入")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = "low_months"
    _kinds = ("ordered",)
    _whats = ("抽查正確率未達 0.90 的月份（依時間順序）",)
    _feedback = "　每月抽查件數不同，要算比例，不能只看正確件數。"
    _hints = ("正確率 = 正確件數 ÷ 抽查件數；108 ÷ 120 = 0.90 恰好達標。",)
    _correct = ["2026-07", "2026-10"]
    _solution = '```python\nlow_months = ["2026-07", "2026-10"]\n```'
    _wrong = ["2026-07", "2026-08", "2026-10"]


class LateIncidents(ValueProblem):
    id = "module6_a.late_incidents"
    title = "事件通報逾時了嗎？"
    objective = "能依事件等級核對通報時限（重大 1 小時、一般 24 小時，恰好等於時限算準時），含跨日的事件。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5")
    _var = "late"
    _kinds = ("labels",)
    _whats = ("逾時通報的事件",)
    _feedback = "　先看等級決定時限，再算「通報時間 − 發生時間」；跨日要把日期算進去。"
    _hints = ("I4 在 22:50 發生、隔天 00:10 通報：相隔 80 分鐘。",)
    _correct = {"I3", "I4"}
    _solution = '```python\nlate = {"I3", "I4"}\n```'
    _wrong = {"I2", "I3", "I4"}


class IndicatorRole(ValueProblem):
    id = "module6_a.indicator_role"
    title = "成效、安全、監督還是活動？"
    objective = "能分辨成效、安全、監督與活動指標，不把 AI 使用量當成試辦成功。"
    competencies = ("評估導入", "行政監理")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P3", "aws-aif-c01/D4")
    _var = "role"
    _kinds = ("same",)
    _whats = ("每個指標的類型",)
    _feedback = "　問自己：它量的是民眾得到的結果、傷害、人有沒有在覆核，還是只是用了多少 AI？"
    _hints = ("「用了多少 AI」（次數、占比）是活動指標；「人改了多少 AI 的草稿」是監督指標。",)
    _correct = {"市民來電等候超過 60 秒的比例": "成效指標", "AI 每日對話次數": "活動指標",
                "錯誤資訊造成民眾權益受損的件數": "安全指標", "話務員覆核 AI 草稿時實際修改的比例": "監督指標",
                "AI 客服接手的來電占全部來電的比例": "活動指標"}
    _solution = "```python\nrole = " + repr(_correct) + "\n```"
    _wrong = {**_correct, "AI 客服接手的來電占全部來電的比例": "成效指標"}


class AutomationBias(ValueProblem):
    id = "module6_a.automation_bias"
    title = "自動化偏誤警訊"
    objective = "能依事先訂定的監督規則（推翻率低於 2% 且抽查錯誤率至少 5%）找出自動化偏誤警訊的週次。"
    competencies = ("行政監理", "倫理判斷")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D4")
    _var = "alert_weeks"
    _kinds = ("ordered",)
    _whats = ("出現自動化偏誤警訊的週次（由小到大）",)
    _feedback = "　兩個條件都要成立；「低於 2%」不含 2.0%，「至少 5%」包含 5.0%。"
    _hints = ("推翻率 = 修改或推翻件數 ÷ AI 建議件數；抽查錯誤率 = 抽查錯誤件數 ÷ 抽查件數。",)
    _correct = [4, 5, 8]
    _solution = "```python\nalert_weeks = [4, 5, 8]\n```"
    _wrong = [4, 5, 6, 8]


class FinalCall(ValueProblem):
    id = "module6_a.final_call"
    title = "1999 試辦的決定"
    objective = "能綜合一般 KPI 達標比例與安全指標，依事先規則做出擴大／修正／停止的決定。"
    competencies = ("評估導入", "行政監理")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P3")
    _var = ("met_share", "safety_ok", "final_decision")
    _kinds = ("number", "bool", "same")
    _tol = 0.01
    _whats = ("一般 KPI 的達標比例", "安全指標是否全部達標", "依規則的決定")
    _feedback = "　安全指標不計入達標比例；比例恰為 0.5 時也算達到「修正」的門檻。"
    _hints = ("第 1 課判定：一般 KPI 有 4 項（安全類的錯誤回覆率不算），數一數其中幾項達標。",)
    _correct = (0.5, True, "修正")
    _solution = '```python\nmet_share = 2 / 4\nsafety_ok = True\nfinal_decision = "修正"\n```'
    _wrong = (0.6, True, "修正")
    _blank = (None, None, None)


class MemoLines(ValueProblem):
    id = "module6_a.memo_lines"
    title = "簽的說明段"
    objective = "能選出附條件、交代限制且不誇大 AI 的簽稿句子。"
    competencies = ("行政監理", "策略制定")
    domains = ("gov-ai-planning/P3", "gov-ai-planning/P2", "gov-ai-core/C3")
    _var = "memo_lines"
    _kinds = ("labels",)
    _whats = ("適合寫進簽的句子",)
    _feedback = "　每一句都問：首長能依這句話做決定嗎？有證據嗎？有沒有把限制藏起來或把 AI 說得太神？"
    _hints = ("避開：只有形容詞、把未達標或比基準差的數字藏起來、把 AI 自助解決率說成可以裁減人力。",)
    _correct = {"B", "D", "F"}
    _solution = '```python\nmemo_lines = {"B", "D", "F"}\n```'
    _wrong = {"B", "D", "E", "F"}


q1 = PctChange()
q2 = KpiMet()
q3 = ScaleIterateStop()
q4 = SlaBreaches()
q5 = LeadershipBrief()
q6 = PenaltyTiers()
q7 = P95Read()
q8 = AccuracyMonths()
q9 = LateIncidents()
# lesson 3 (automation bias)
q10 = IndicatorRole()
q11 = AutomationBias()
# lesson 4 (go/no-go)
q12 = FinalCall()
q13 = MemoLines()
