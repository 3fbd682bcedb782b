"""模組 6 快優化，路線 A（導入與效能迭代）的練習題。Exercise set for module 6, route A track.

Bind in a notebook: ``from govai.exercises import module6_a as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module6_a/`` (synthetic, 合成資料).
"""

from __future__ import annotations

from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type

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


def kpi_dashboard(weekly: Any, targets: Any) -> Any:
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


def _returns_none(func: Any, *args: Any) -> bool:
    try:
        return func(*args) is None
    except Exception:
        return False


class PctChange(Problem):
    id = "module6_a.pct_change"
    title = "與基準比較的變化率"
    objective = "能計算試辦 KPI 相對於導入前基準的變化百分比。"
    competencies = ("行政監理", "評估導入")
    domains = ("gov-ai-planning/P3", "gov-ai-planning/P1", "ipas-planner-basic/L12")
    _var = "change"
    _hints = ("變化率 = (目前值 − 基準) ÷ 基準 × 100，再 `round(…, 1)`。",)
    _solution = "```python\ndef change(baseline, current):\n    return round((current - baseline) / baseline * 100, 1)\n```"
    _cases = (((45, 27.5), -38.9), ((3.6, 3.875), 7.6), ((6.5, 4.9), -24.6))
    _correct = staticmethod(pct_change)

    @staticmethod
    def _wrong(baseline: float, current: float) -> float:
        # Divides by the current value instead of the baseline.
        return round((current - baseline) / current * 100, 1)

    @staticmethod
    def _blank(baseline: Any, current: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 10, 12))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "change")


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
        "先算第 9–12 週每個 KPI 的平均：`weekly[weekly['週'] >= 9].mean()`。",
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
              "`sla[1 - sla['停機分鐘'] / (sla['天數'] * 1440) < 0.995]['月份']`，再用 `list(...)`。")
    _solution = "```python\nbreach_months = list(sla.loc[1 - sla['停機分鐘'] / (sla['天數'] * 1440) < 0.995, '月份'])\n```"
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


q1 = PctChange()
q2 = KpiMet()
q3 = ScaleIterateStop()
q4 = SlaBreaches()
q5 = LeadershipBrief()
