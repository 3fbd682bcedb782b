"""模組 6 快優化（路線 B MLOps／AIOps）的練習題。Exercise set for module 6, route B.

Bind in a notebook: ``from govai.exercises import module6_b as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from govai.exercises.core import Mismatch, Problem, expect_type, same
from govai.exercises.module2_b import FunctionProblem


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Sha256Text(FunctionProblem):
    id = "module6_b.sha256_text"
    title = "以雜湊值標記資料版本"
    objective = "能用 SHA-256 雜湊值辨識資料或模型檔的版本：內容只要改一個字，雜湊值就不同。"
    competencies = ("優化服務", "模型訓練")
    domains = ("gcp-pmle/S2", "aws-mla-c01/D3", "nvidia-nca-genm/D1")
    _var = "sha256_text"
    _fname = "sha256_text"
    _probe = ("abc",)
    _hints = (
        "`hashlib.sha256(...)` 要的是位元組：先 `.encode('utf-8')`。",
        "回傳 `.hexdigest()`（64 個十六進位字元的字串）。",
    )
    _solution = "```python\nimport hashlib\n\ndef sha256_text(text):\n    return hashlib.sha256(text.encode('utf-8')).hexdigest()\n```"
    _cases = (
        (("abc",), _sha256_text("abc")),
        (("陳情案件",), _sha256_text("陳情案件")),
        (("",), _sha256_text("")),
    )
    _correct = staticmethod(_sha256_text)

    @staticmethod
    def _wrong(text: str) -> str:
        return hashlib.md5(text.encode("utf-8")).hexdigest()


def _psi(expected: list[float], actual: list[float]) -> float:
    eps = 1e-4
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, eps), max(a, eps)
        total += (a - e) * math.log(a / e)
    return round(total, 4)


class Psi(FunctionProblem):
    id = "module6_b.psi"
    title = "母體穩定度指標 PSI"
    objective = "能由參考期與線上期各分箱的比例計算 PSI，用來偵測資料漂移。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S6", "aws-mla-c01/D4", "nvidia-nca-genm/D6")
    _var = "psi"
    _fname = "psi"
    _probe = ([0.5, 0.5], [0.5, 0.5])
    _hints = (
        "PSI = Σ (實際比例 − 參考比例) × ln(實際比例 ÷ 參考比例)。",
        "比例為 0 時 ln 會出錯：先把每個比例設下限 0.0001（`max(p, 1e-4)`），最後 `round(x, 4)`。",
    )
    _solution = (
        "```python\nimport math\n\ndef psi(expected, actual):\n    total = 0.0\n    for e, a in zip(expected, actual):\n"
        "        e, a = max(e, 1e-4), max(a, 1e-4)\n        total += (a - e) * math.log(a / e)\n    return round(total, 4)\n```"
    )
    _cases = (
        (([0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]), 0.0),
        (([0.5, 0.5], [0.7, 0.3]), _psi([0.5, 0.5], [0.7, 0.3])),
        (([0.3, 0.4, 0.3], [0.1, 0.3, 0.6]), _psi([0.3, 0.4, 0.3], [0.1, 0.3, 0.6])),
        (([0.5, 0.5, 0.0], [0.4, 0.4, 0.2]), _psi([0.5, 0.5, 0.0], [0.4, 0.4, 0.2])),
    )
    _correct = staticmethod(_psi)

    @staticmethod
    def _wrong(expected: list[float], actual: list[float]) -> float:
        return round(sum(abs(a - e) for e, a in zip(expected, actual, strict=True)), 4)


def _alert_level(psi: float) -> str:
    if psi < 0.1:
        return "穩定"
    if psi < 0.25:
        return "注意"
    return "警示"


class AlertLevel(FunctionProblem):
    id = "module6_b.alert_level"
    title = "PSI 警示門檻"
    objective = "能把監控指標轉成分級警示（PSI < 0.1 穩定、0.1～0.25 注意、≥ 0.25 警示，業界常用經驗門檻）。"
    competencies = ("優化服務", "風險辨識")
    domains = ("gcp-pmle/S6", "ms-ai-102/D1")
    _var = "alert_level"
    _fname = "alert_level"
    _probe = (0.05,)
    _hints = ("注意邊界：0.1 屬「注意」，0.25 屬「警示」。", "用 `if psi < 0.1: ... elif psi < 0.25: ... else: ...`。")
    _solution = (
        "```python\ndef alert_level(psi):\n    if psi < 0.1:\n        return '穩定'\n    if psi < 0.25:\n"
        "        return '注意'\n    return '警示'\n```"
    )
    _cases = (((0.02,), "穩定"), ((0.1,), "注意"), ((0.2,), "注意"), ((0.25,), "警示"), ((0.9,), "警示"))
    _correct = staticmethod(_alert_level)

    @staticmethod
    def _wrong(psi: float) -> str:
        return "穩定" if psi <= 0.1 else ("注意" if psi <= 0.25 else "警示")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    rank = math.ceil(0.95 * len(ordered))
    return float(ordered[rank - 1])


class P95(FunctionProblem):
    id = "module6_b.p95"
    title = "第 95 百分位延遲（最近序位法）"
    objective = "能計算延遲的第 95 百分位數，理解為何服務水準（SLO）看 p95 而不是平均。"
    competencies = ("優化服務",)
    domains = ("nvidia-nca-genm/D6", "gcp-pmle/S4")
    _var = "p95"
    _fname = "p95"
    _probe = ([1.0, 2.0],)
    _hints = ("先排序；最近序位法的序位是 ⌈0.95 × n⌉（從 1 起算）。", "`math.ceil(0.95 * len(v))`，取 `sorted(v)[rank - 1]`，回傳 float。")
    _solution = (
        "```python\nimport math\n\ndef p95(values):\n    ordered = sorted(values)\n"
        "    rank = math.ceil(0.95 * len(ordered))\n    return float(ordered[rank - 1])\n```"
    )
    _cases = (
        ((list(range(1, 21)),), 19.0),
        (([120.0, 80.0, 95.0, 3000.0, 88.0, 90.0, 85.0, 99.0, 101.0, 87.0],), 3000.0),
        (([50.0] * 99 + [900.0],), 50.0),
    )
    _correct = staticmethod(_p95)

    @staticmethod
    def _wrong(values: list[float]) -> float:
        return float(sum(values) / len(values))   # the mean hides the slow tail


class PostmortemOrder(Problem):
    id = "module6_b.postmortem_order"
    title = "事故處理的順序"
    objective = "能排出模型事故的處理順序：先止血（回復上一版）再查根因，最後寫不究責的事後檢討。"
    competencies = ("優化服務", "風險辨識")
    domains = ("aws-mla-c01/D4", "gcp-pmle/S4")
    _var = "order"
    _hints = (
        "民眾正受影響時，第一件事是降低影響，不是找出誰做錯。",
        "順序：偵測告警 → 回復到上一個穩定版本 → 分析根因 → 撰寫事後檢討並追蹤改善事項。",
    )
    _solution = "```python\norder = ['B', 'D', 'A', 'C']\n```"
    _correct = ["B", "D", "A", "C"]
    _wrong = ["B", "A", "D", "C"]

    def _check(self, order: Any) -> None:
        expect_type(order, list, "order")
        if sorted(x for x in order if type(x) is str) != ["A", "B", "C", "D"] or len(order) != 4:
            raise Mismatch("請把 A、B、C、D 四個代號各用一次排成串列。")
        if order.index("A") < order.index("D"):
            raise Mismatch("民眾仍受影響時就先查根因，影響會持續擴大：哪一步能最快止血？")
        same(order, self._correct, what="處理順序")


q1 = Sha256Text()
q2 = Psi()
q3 = AlertLevel()
q4 = P95()
q5 = PostmortemOrder()
