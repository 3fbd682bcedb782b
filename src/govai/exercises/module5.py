"""模組 5 訂策略（藍圖／政策規劃評估）的練習題。Exercise set for module 5 (route A).

Bind in a notebook: ``from govai.exercises import module5 as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module5/`` (synthetic, 合成資料).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from govai.exercises.compare import check_bool, check_labels, check_number
from govai.exercises.core import (
    Mismatch,
    Problem,
    check_function_cases,
    expect_type,
    is_starter_function,
    same,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_WEIGHTS: dict[str, float] = {"價值": 0.3, "資料準備度": 0.25, "風險可控度": 0.2, "成本可負擔度": 0.15,
                                     "組織準備度": 0.1}


def weighted_score(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ score × weight over the weights' criteria, rounded to 2 decimals (the lesson's rule)."""
    return round(sum(float(scores[k]) * float(w) for k, w in weights.items()), 2)


def npv(rate: float, cashflows: Sequence[float]) -> float:
    """Net present value; cashflows[0] is year 0 (not discounted)."""
    return sum(cf / (1 + rate) ** t for t, cf in enumerate(cashflows))


def payback_year(cashflows: Sequence[float]) -> int | None:
    """First year whose cumulative (undiscounted) cash flow is ≥ 0; None if never within the horizon."""
    total = 0.0
    for year, cf in enumerate(cashflows):
        total += cf
        if total >= 0:
            return year
    return None


def rank_use_cases(rows: Sequence[Mapping[str, Any]], weights: Mapping[str, float]) -> list[tuple[str, float]]:
    """(name, score) sorted high to low; weights are normalised so the sliders need not sum to 1."""
    total = sum(weights.values()) or 1.0
    norm = {k: v / total for k, v in weights.items()}
    ranked = [(str(r["案件"]), weighted_score(r, norm)) for r in rows]
    return sorted(ranked, key=lambda kv: -kv[1])


def scoring_matrix(table: pd.DataFrame) -> Any:
    """Five weight sliders over a use-case table (a pandas DataFrame); the ranking updates as they move."""
    import ipywidgets as w
    from IPython.display import display

    rows = table.to_dict("records")
    sliders = {k: w.FloatSlider(value=v, min=0.0, max=1.0, step=0.05, description=k, continuous_update=False,
                                style={"description_width": "100px"}) for k, v in DEFAULT_WEIGHTS.items()}
    out = w.HTML()

    def update(_: Any = None) -> None:
        weights = {k: s.value for k, s in sliders.items()}
        if sum(weights.values()) == 0:
            out.value = "<p>⚠️ 權重總和為 0，請至少調高一項。</p>"
            return
        body = "".join(f"<tr><td>{i}</td><td>{name}</td><td>{score:.2f}</td></tr>"
                       for i, (name, score) in enumerate(rank_use_cases(rows, weights), 1))
        out.value = ("<p>權重會自動換算成總和 1。</p><table><tr><th>名次</th><th>案件</th><th>加權分數</th></tr>"
                     f"{body}</table>")

    for s in sliders.values():
        s.observe(update, names="value")
    update()
    ui = w.VBox([w.HTML("<b>調整各準則的權重</b>"), *sliders.values(), out])
    display(ui)
    return ui


def npv_explorer(cashflows: Sequence[float]) -> Any:
    """A discount-rate slider showing NPV and payback year of one cash-flow series."""
    from govai.exercises.widgets import Explorer

    def render(rate_percent: float) -> str:
        value = npv(rate_percent / 100, cashflows)
        pb = payback_year(cashflows)
        verdict = "✅ 淨現值為正：效益折現後大於成本" if value > 0 else "❌ 淨現值為負：以此折現率計不划算"
        return (f"<p>折現率 {rate_percent:.1f}% → 淨現值 <b>{value:,.1f}</b> 萬元　{verdict}</p>"
                f"<p>回收年（未折現）：第 {pb} 年</p>" if pb is not None else
                f"<p>折現率 {rate_percent:.1f}% → 淨現值 <b>{value:,.1f}</b> 萬元　{verdict}</p><p>期間內無法回收</p>")

    return Explorer("折現率（%）", render, 0.0, 15.0, 0.5, 3.0).show()


class WeightedScore(Problem):
    id = "module5.weighted_score"
    title = "可行性評分矩陣的加權分數"
    objective = "能以價值、資料準備度、風險、成本、組織準備度五項準則的加權平均評估 AI 使用情境的可行性。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1", "ipas-planner-basic/L12", "ipas-planner-intermediate/L21")
    _var = "score_of"
    _hints = (
        "對 `weights` 的每一個準則 k，把 `scores[k] * weights[k]` 加總。",
        "最後用 `round(總和, 2)` 四捨五入到小數第 2 位。",
    )
    _solution = ("```python\ndef score_of(scores, weights):\n"
                 "    return round(sum(scores[k] * w for k, w in weights.items()), 2)\n```")
    _cases = (
        (({"價值": 4, "資料準備度": 4, "風險可控度": 4, "成本可負擔度": 3, "組織準備度": 4}, DEFAULT_WEIGHTS), 3.85),
        (({"價值": 5, "資料準備度": 2, "風險可控度": 3, "成本可負擔度": 4, "組織準備度": 4}, DEFAULT_WEIGHTS), 3.6),
        (({"價值": 3, "資料準備度": 1}, {"價值": 0.5, "資料準備度": 0.5}), 2.0),
    )
    _correct = staticmethod(weighted_score)

    @staticmethod
    def _wrong(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
        # An unweighted mean: ignores the weights the planning team agreed on.
        return round(sum(scores[k] for k in weights) / len(weights), 2)

    @staticmethod
    def _blank(scores: Any, weights: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return is_starter_function(func, {"價值": 1}, {"價值": 1.0})

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "score_of")


class Shortlist(Problem):
    id = "module5.shortlist"
    title = "先過門檻、再排名次"
    objective = "能先以資料與組織準備度門檻排除尚不可行的案件，再依加權分數選出優先試辦的 AI 使用情境。"
    competencies = ("評估導入", "策略制定")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P2", "ipas-planner-intermediate/L21")
    _var = "shortlist"
    # data/module5/use_cases.csv with DEFAULT_WEIGHTS; gate: 資料準備度 ≥ 3 and 組織準備度 ≥ 3.
    _expected = ["公文摘要助理", "陳情自動分案", "淹水預警"]
    _hints = (
        "先排除「資料準備度」或「組織準備度」低於 3 分的案件，它們要先補強基礎，不能直接試辦。",
        "再看 `ex.score_table(cases)` 的「加權分數」欄：在通過門檻的案件中取分數最高的 3 件，由高到低排。",
    )
    _solution = '```python\nshortlist = ["公文摘要助理", "陳情自動分案", "淹水預警"]  # 通過兩個門檻者，依加權分數由高到低\n```'
    _correct = ["公文摘要助理", "陳情自動分案", "淹水預警"]
    _wrong = ["公文摘要助理", "陳情自動分案", "補助申請初審"]

    def _check(self, shortlist: Any) -> None:
        expect_type(shortlist, list, "shortlist")
        if len(shortlist) != 3:
            raise Mismatch("請選出 3 件。")
        if any(type(x) is not str for x in shortlist):
            raise Mismatch("串列裡放案件名稱字串。")
        if sorted(shortlist) != sorted(self._expected):
            raise Mismatch("選出的案件不對。有沒有先排除資料或組織準備度不足的案件？")
        same(shortlist, self._expected, what="排序")


class BuildBuyPartner(Problem):
    id = "module5.build_buy_partner"
    title = "自建、採購或合作"
    objective = "能依需求通用性、資料機敏性、機關技術能量與市場成熟度，判斷 AI 方案應自建、採購或合作。"
    competencies = ("策略制定", "評估導入")
    domains = ("gov-ai-planning/P2", "ipas-planner-intermediate/L21", "ipas-planner-basic/L12")
    _var = "sourcing"
    _expected = {
        "市面已有成熟的會議紀錄摘要服務，需求通用，機關沒有 AI 工程人力": "採購",
        "處理機密等級資料、必須在機關內部運行，資訊處已有機器學習團隊": "自建",
        "需要大學研究團隊的水文模型結合市府感測資料，市場上沒有現成產品": "合作",
    }
    _hints = ("採購：需求通用、市場成熟、自己沒有技術人力；自建：資料高度機敏或需長期掌握、機關有能力；"
              "合作：市場沒有現成解決方案，需要結合外部研究能量與機關資料。",)
    _solution = "```python\nsourcing = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {k: "採購" for k in _expected}

    def _check(self, sourcing: Any) -> None:
        expect_type(sourcing, dict, "sourcing")
        missing = [k for k in self._expected if k not in sourcing]
        if missing:
            raise Mismatch(f"還缺 {len(missing)} 個情境。")
        if any(type(v) is not str or v not in ("自建", "採購", "合作") for v in sourcing.values()):
            raise Mismatch("每個值要是「自建」「採購」「合作」之一。")
        wrong = [k for k, v in self._expected.items() if sourcing[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個情境判斷不對：想想資料機敏性、機關人力與市場上有沒有現成產品。")


class NetPresentValue(Problem):
    id = "module5.npv"
    title = "淨現值"
    objective = "能以淨現值（NPV）比較 AI 專案多年期的成本與效益。"
    competencies = ("評估導入", "策略制定")
    domains = ("gov-ai-planning/P1", "ipas-planner-basic/L12")
    _var = "my_npv"
    _hints = (
        "第 t 年的現金流量要除以 (1 + 折現率) 的 t 次方，第 0 年不折現。",
        "`sum(cf / (1 + rate) ** t for t, cf in enumerate(cashflows))`",
    )
    _solution = ("```python\ndef my_npv(rate, cashflows):\n"
                 "    return sum(cf / (1 + rate) ** t for t, cf in enumerate(cashflows))\n```")
    _cases = (
        ((0.03, [-500, 120, 180, 180, 180, 180]), npv(0.03, [-500, 120, 180, 180, 180, 180])),
        ((0.0, [-100, 50, 50]), 0.0),
        ((0.1, [-100, 110]), 0.0),
    )
    _correct = staticmethod(npv)

    @staticmethod
    def _wrong(rate: float, cashflows: Sequence[float]) -> float:
        # Discounts year 0 as well: an off-by-one year.
        return sum(cf / (1 + rate) ** (t + 1) for t, cf in enumerate(cashflows))

    @staticmethod
    def _blank(rate: Any, cashflows: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return is_starter_function(func, 0.03, [-1, 1])

    def _check(self, func: Any) -> None:
        if not callable(func):
            raise Mismatch("my_npv 應該是一個函式。")
        for args, expected in self._cases:
            from govai.exercises.core import call_safely

            got = call_safely(func, *args)
            same(got, expected, rel_tol=1e-6, abs_tol=1e-6, what=f"折現率 {args[0]} 時的淨現值")


class Payback(Problem):
    id = "module5.payback"
    title = "回收年"
    objective = "能計算 AI 專案累積現金流量轉正的回收年，並處理期間內無法回收的情形。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1", "ipas-planner-basic/L12")
    _var = "my_payback"
    _hints = (
        "從第 0 年開始累加現金流量，第一次累計 ≥ 0 的那一年就是回收年。",
        "迴圈結束都沒有轉正就回傳 `None`。",
    )
    _solution = ("```python\ndef my_payback(cashflows):\n    total = 0\n"
                 "    for year, cf in enumerate(cashflows):\n        total += cf\n"
                 "        if total >= 0:\n            return year\n    return None\n```")
    _cases = (
        (([-500, 120, 180, 180, 180, 180],), 4),
        (([-600, 60, 120, 120, 120, 120],), None),
        (([-100, 100],), 1),
    )
    _correct = staticmethod(payback_year)

    @staticmethod
    def _wrong(cashflows: Sequence[float]) -> int | None:
        total = 0.0
        for year, cf in enumerate(cashflows):
            total += cf
            if total > 0:
                return year
        return len(cashflows)

    @staticmethod
    def _blank(cashflows: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        # A blank function returns None, which is also a legal answer: probe with a series that does pay back.
        return is_starter_function(func, [-1, 2])

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "my_payback")


class SmartKpis(Problem):
    id = "module5.smart_kpis"
    title = "可衡量的 KPI"
    objective = "能分辨具體、可衡量、有目標值與期限的 KPI，與無法驗證的口號。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P3", "ipas-planner-basic/L12")
    _var = "good_kpis"
    _expected = frozenset({2, 4, 6})
    _hints = ("好的 KPI 要說清楚：量什麼、目標值多少、什麼時候之前達成；有現況資料時也寫出基準（從多少到多少）。",)
    _solution = "```python\ngood_kpis = {2, 4, 6}\n```"
    _correct = {2, 4, 6}
    _wrong = {1, 2, 4, 6}

    def _check(self, good: Any) -> None:
        expect_type(good, set, "good_kpis")
        if any(type(x) is not int for x in good):
            raise Mismatch("集合裡放題號整數，例如 {1, 2}。")
        if set(good) != set(self._expected):
            raise Mismatch("還不對：每一項都檢查是否說清楚量什麼、目標值與期限。")


q1 = WeightedScore()
q2 = Shortlist()
q3 = BuildBuyPartner()
q4 = NetPresentValue()
q5 = Payback()
q6 = SmartKpis()


# -- 提供的工具（課程與評分作業共用）：學習者執行、閱讀、判斷，不必自己寫程式 ------------------------


def score_table(table: pd.DataFrame, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """Each use case's weighted score (Σ score × weight, 2 decimals) beside its criteria, in file order.

    The tool does the arithmetic; thresholds and the shortlist are the learner's judgement.
    """
    out = table.copy()
    out["加權分數"] = [weighted_score(row, weights) for row in table.to_dict("records")]
    return out


def discount_table(rate: float, cashflows: Sequence[float]) -> Any:
    """Per year: cash flow, discount factor 1/(1+r)^t and present value (4 and 2 decimals).

    It shows the pieces of an NPV, not their sum: adding them up and judging is the learner's part.
    """
    import pandas as pd

    rows = [{"年": t, "現金流量": cf, "折現因子": round(1 / (1 + rate) ** t, 4), "現值": round(cf / (1 + rate) ** t, 2)}
            for t, cf in enumerate(cashflows)]
    return pd.DataFrame(rows).set_index("年")


def scenario_npvs(rate: float, scenarios: Mapping[str, Sequence[float]]) -> Any:
    """NPV of each scenario's cash flows (1 decimal); weighting them by probability is the learner's part."""
    import pandas as pd

    return pd.DataFrame([{"情境": k, "淨現值": round(npv(rate, f), 1)} for k, f in scenarios.items()]).set_index("情境")


# -- 第 3 課：投資決策 -------------------------------------------------------------------------

# 本課程的推動規則（第 3 課與評分作業相同）：淨現值 > 0，且回收年不超過第 4 年。
GO_MAX_PAYBACK_YEAR = 4


def go_decision(npv_value: float, payback: int | None) -> bool:
    """The course's go rule: NPV > 0 and payback year (first cumulative ≥ 0) no later than year 4."""
    return npv_value > 0 and payback is not None and payback <= GO_MAX_PAYBACK_YEAR


class GoRule(Problem):
    id = "module5.go_rule"
    title = "淨現值、回收年與推動規則"
    objective = "能由折現表算出淨現值、由累計現金流量找出回收年，並依推動規則做出決定。"
    competencies = ("評估導入", "策略制定")
    domains = ("gov-ai-planning/P1",)
    _var = ("lesson_npv", "lesson_payback", "lesson_go")
    _hints = (
        "淨現值：把折現表的「現值」欄全部加總（第 0 年的建置成本是負數，也要加）。",
        "回收年：把「現金流量」欄由第 0 年往下累加，第一次 ≥ 0 的那一年。推動要同時滿足兩個條件。",
    )
    _solution = ("```python\nlesson_npv = -420 + 77.67 + 94.26 + 91.51 + 88.85 + 86.26  # 約 18.55\n"
                 "lesson_payback = 5\nlesson_go = False  # 淨現值為正，但回收年晚於第 4 年\n```")
    _correct = (18.55, 5, False)
    _wrong = (18.55, 5, True)
    _blank = (None, None, None)

    def _check(self, npv_value: Any, payback: Any, go: Any) -> None:
        check_number(npv_value, 18.55, abs_tol=0.1, what="淨現值（現值欄的總和）")
        check_number(payback, 5, integer=True, what="回收年（未折現累計值第一次不為負的年份）")
        check_bool(go, False, what="是否推動（淨現值 > 0 且回收年不超過第 4 年）")


class ExpectedNpv(Problem):
    id = "module5.expected_npv"
    title = "期望淨現值"
    objective = "能以情境機率加權各情境的淨現值，算出期望淨現值。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1",)
    _var = "lesson_expected"
    _hints = ("期望淨現值 = 悲觀機率 × 悲觀淨現值 + 基準機率 × 基準淨現值 + 樂觀機率 × 樂觀淨現值。",
              "悲觀情境的淨現值是負數，別漏了負號。")
    _solution = "```python\nlesson_expected = 0.2 * -108.7 + 0.6 * 266.1 + 0.2 * 499.3  # 237.78\n```"
    _correct = 237.78
    _wrong = 218.9

    def _check(self, value: Any) -> None:
        check_number(value, 237.78, abs_tol=0.1, what="期望淨現值（機率加權後的情境淨現值總和）")


class GoDecisions(Problem):
    id = "module5.go_decisions"
    title = "哪些案子推動"
    objective = "能對多個案子一致地套用推動規則，包括回收年恰為門檻的情形。"
    competencies = ("評估導入", "策略制定")
    domains = ("gov-ai-planning/P1", "gov-ai-planning/P2")
    _var = "go_projects"
    _expected = frozenset({"甲", "丁"})
    _hints = ("兩個條件都要滿足：淨現值大於 0，回收年**不超過**第 4 年（第 4 年也可以）。",)
    _solution = '```python\ngo_projects = {"甲", "丁"}\n```'
    _correct = {"甲", "丁"}
    _wrong = {"甲"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="符合推動規則的案子")


# -- 第 4 課：成效指標、停損與藍圖 ------------------------------------------------------------

# 本課程的停損規則（第 4 課與評分作業相同）：任一週抽查錯誤回覆比例達 5% 以上，或任何一件個資外洩。
STOP_ERROR_RATE = 0.05


def must_stop(error_rate: float, leaks: int) -> bool:
    """The course's harm-stop rule: pause when the sampled error rate is at least 5% or any leak occurred."""
    return error_rate >= STOP_ERROR_RATE or leaks > 0


class RoadmapOrder(Problem):
    id = "module5.roadmap_order"
    title = "排出推動藍圖"
    objective = "能依施政目標與前置條件，把候選案件排成推動順序。"
    competencies = ("策略制定",)
    domains = ("gov-ai-planning/P2",)
    _var = "lesson_roadmap"
    _expected = ("會議摘要", "資料盤點", "分案建議", "分案儀表板")
    _hints = ("先刪掉不對齊施政目標的案件；每一步只在「前置條件都已排入」的案件中挑分數最高的。",)
    _solution = '```python\nlesson_roadmap = ["會議摘要", "資料盤點", "分案建議", "分案儀表板"]\n```'
    _correct = ["會議摘要", "資料盤點", "分案建議", "分案儀表板"]
    _wrong = ["數位看板", "分案建議", "會議摘要", "分案儀表板", "資料盤點"]

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, ordered=True, allow=(list, tuple), what="推動順序")


class AdoptionNotSuccess(Problem):
    id = "module5.adoption_not_success"
    title = "使用量不等於成效"
    objective = "能分辨衡量民眾成果的成效指標與只衡量 AI 使用量的指標，避免鼓勵自動化偏誤。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P2", "gov-ai-planning/P3")
    _var = "outcome_metrics"
    _expected = frozenset({2, 4, 5})
    _hints = ("問自己：這個數字變好，民眾是不是真的得到更好的服務？還是只代表 AI 被用得更多？",
              "採納率高可能代表同仁不再核對 AI（自動化偏誤），不是成效。")
    _solution = "```python\noutcome_metrics = {2, 4, 5}\n```"
    _correct = {2, 4, 5}
    _wrong = {1, 2, 4, 5}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="衡量成效（而非使用量）的指標編號")


class KrProgress(Problem):
    id = "module5.kr_progress"
    title = "關鍵結果進度"
    objective = "能計算越高越好與越低越好的關鍵結果進度，並處理低於 0 的情形。"
    competencies = ("策略制定", "行政監理")
    domains = ("gov-ai-planning/P3",)
    _var = ("kr_a", "kr_b")
    _hints = ("進度 = (目前值 − 基準) ÷ (目標 − 基準)，小於 0 記為 0、大於 1 記為 1。",
              "KR-B 的目前值比基準還差，算出來是負數。")
    _solution = "```python\nkr_a = (31 - 20) / (40 - 20)  # 0.55\nkr_b = 0  # (13 - 12) / (8 - 12) 為負，記為 0\n```"
    _correct = (0.55, 0)
    _wrong = (0.55, -0.25)
    _blank = (None, None)

    def _check(self, a: Any, b: Any) -> None:
        check_number(a, 0.55, abs_tol=0.01, what="KR-A 的進度")
        check_number(b, 0.0, abs_tol=0.01, what="KR-B 的進度（小於 0 記為 0）")


class StopRule(Problem):
    id = "module5.stop_rule"
    title = "停損規則"
    objective = "能依停損規則（錯誤回覆比例達 5% 以上或任何個資外洩）判斷哪幾週必須暫停 AI 服務。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3",)
    _var = "lesson_stop"
    _expected = frozenset({"W2", "W3", "W4"})
    _hints = ("兩個條件任一成立就停：錯誤比例「達 5% 以上」（5.0% 也算），或個資外洩件數大於 0。",)
    _solution = '```python\nlesson_stop = {"W2", "W3", "W4"}\n```'
    _correct = {"W2", "W3", "W4"}
    _wrong = {"W2", "W4"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="必須暫停的週次")


q7 = GoRule()
q8 = ExpectedNpv()
q9 = GoDecisions()
q10 = RoadmapOrder()
q11 = AdoptionNotSuccess()
q12 = KrProgress()
q13 = StopRule()


# -- 第 1、2 課的免寫程式練習 -------------------------------------------------------------------


class WeightedScoreValue(Problem):
    id = "module5.weighted_score_value"
    title = "手算一個案件的加權分數"
    objective = "能把五項準則的分數乘上權重後加總，算出一個 AI 使用情境的加權分數。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1",)
    _var = "flood_score"
    _hints = ("加權分數 = 價值 × 0.3 + 資料準備度 × 0.25 + 風險可控度 × 0.2 + 成本可負擔度 × 0.15 + 組織準備度 × 0.1。",)
    _solution = "```python\nflood_score = 0.3 * 5 + 0.25 * 3 + 0.2 * 4 + 0.15 * 2 + 0.1 * 3  # 3.65\n```"
    _correct = 3.65
    _wrong = 3.4

    def _check(self, value: Any) -> None:
        check_number(value, 3.65, abs_tol=0.01, what="淹水預警的加權分數")


class NpvRead(Problem):
    id = "module5.npv_read"
    title = "由折現表讀出淨現值"
    objective = "能把折現表的現值加總成淨現值。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1",)
    _var = "optimistic_npv_5"
    _hints = ("把折現表「現值」欄的 6 個數字全部加起來（第 0 年是負數）。",)
    _solution = "```python\noptimistic_npv_5 = -450 + 152.38 + 199.55 + 190.04 + 180.99 + 172.38  # 約 445.3\n```"
    _correct = 445.34
    _wrong = 590.0

    def _check(self, value: Any) -> None:
        check_number(value, 445.34, abs_tol=0.1, what="折現率 5% 下樂觀情境的淨現值")


class PaybackRead(Problem):
    id = "module5.payback_read"
    title = "由累計現金流量讀出回收年"
    objective = "能由累計現金流量找出回收年，並判斷期間內是否回收。"
    competencies = ("評估導入",)
    domains = ("gov-ai-planning/P1",)
    _var = ("optimistic_payback", "pessimistic_recovers")
    _hints = ("回收年是累計值第一次 ≥ 0 的年份（第 0 年起算）。",
              "悲觀情境到第 5 年累計值還是負的嗎？")
    _solution = "```python\noptimistic_payback = 3\npessimistic_recovers = False\n```"
    _correct = (3, False)
    _wrong = (4, False)
    _blank = (None, None)

    def _check(self, year: Any, recovers: Any) -> None:
        check_number(year, 3, integer=True, what="樂觀情境的回收年")
        check_bool(recovers, False, what="悲觀情境能否在 5 年內回收")


q14 = NpvRead()
q15 = PaybackRead()
q16 = WeightedScoreValue()
