"""模組 6 快優化（路線 B MLOps／AIOps）的練習題。Exercise set for module 6, route B.

Bind in a notebook: ``from govai.exercises import module6_b as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from govai.exercises.compare import check_labels, check_number
from govai.exercises.core import Mismatch, Problem, expect_type, same
from govai.exercises.module2_b import FunctionProblem


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Sha256Text(FunctionProblem):
    id = "module6_b.sha256_text"
    title = "以雜湊值標記資料版本"
    objective = "能用 SHA-256 雜湊值辨識資料或模型檔的版本：內容只要改一個字，雜湊值就不同。"
    competencies = ("優化服務", "模型訓練")
    domains = ("gcp-pmle/S2", "nvidia-nca-genm/D1")
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
    domains = ("gcp-pmle/S6", "nvidia-nca-genl/D4")
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
    domains = ("gcp-pmle/S6", "gcp-pmle/S4")
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



class NoiseFloor(Problem):
    id = "module6_b.noise_floor"
    title = "本課資料的 PSI 雜訊底線"
    objective = "能以 (1/n + 1/m) × χ² 第 95 百分位估計 PSI 的雜訊底線，判斷「注意」門檻 0.1 在每週 200 筆時是否有意義。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S6", "nvidia-nca-genl/D3")
    _var = "noise_floor"
    _hints = ("n = 每週筆數 200、m = 參考樣本 1000 筆、箱數 10（自由度 9）。",
              "`chi2.ppf(0.95, 9) * (1 / 200 + 1 / 1000)`，四捨五入到小數第 4 位。")
    _solution = "```python\nfrom scipy.stats import chi2\nnoise_floor = round(chi2.ppf(0.95, 9) * (1 / 200 + 1 / 1000), 4)\n```"
    _correct = 0.1015
    _wrong = 0.054

    def _check(self, value: Any) -> None:
        if isinstance(value, float) and abs(value - 0.054) < 1e-3:
            raise Mismatch("這是 χ² 的平均（自由度 9）乘上 (1/n + 1/m)：一半沒有漂移的週會超過它。要用第 95 百分位。")
        check_number(value, self._correct, what="PSI 雜訊底線（第 95 百分位）", abs_tol=2.5e-4)


class DecayWeeks(Problem):
    id = "module6_b.decay_weeks"
    title = "效能衰退的週次"
    objective = "能以上線頭 4 週的正確率為基準，找出正確率低於基準 5 個百分點的週次。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S6",)
    _var = "decay_weeks"
    _hints = ("`acc = (log['predicted'] == log['actual']).groupby(log['week']).mean() * 100`。",
              "`baseline = acc.loc[1:4].mean()`；`acc[acc < baseline - 5].index.tolist()`。")
    _solution = "```python\ndecay_weeks = acc[acc < acc.loc[1:4].mean() - 5].index.tolist()\n```"
    _correct = [9, 10, 11, 12]
    _wrong = [8, 9, 10, 11, 12]

    def _check(self, value: Any) -> None:
        check_labels(value, self._correct, what="效能衰退的週次", ordered=True, allow=(list, tuple))


class ReproducibleRun(Problem):
    id = "module6_b.reproducible_run"
    title = "一次可重現的訓練要記下什麼？"
    objective = "能說出重現一次訓練所需的紀錄：參數、資料雜湊值、程式版本與亂數種子。"
    competencies = ("模型訓練", "優化服務")
    domains = ("nvidia-nca-genm/D1", "gcp-pmle/S5")
    _var = "must_log"
    _hints = ("問自己：少了這一項，一年後還能不能訓練出一模一樣的模型？", "開始時間與執行者是稽核資訊，但不影響重現結果。")
    _solution = "```python\nmust_log = {'A', 'B', 'C', 'E'}\n```"
    _correct = {"A", "B", "C", "E"}
    _wrong = {"A", "B", "D"}

    def _check(self, value: Any) -> None:
        check_labels(value, sorted(self._correct), what="重現訓練必須記錄的項目")


def _passes_gate(accuracy: float, baseline: float, groups: dict[str, tuple[int, int]], p95_ms: float) -> bool:
    if accuracy < baseline - 0.01 or p95_ms > 300:
        return False
    for correct, n in groups.values():
        p = correct / n
        if p - 1.96 * (p * (1 - p) / n) ** 0.5 < 0.70:
            return False
    return True


class CiGate(FunctionProblem):
    id = "module6_b.ci_gate"
    title = "模型的 CI 閘門"
    objective = "能把上線前的閘門寫成函式：正確率不低於基準 1 個百分點以上、每個群組正確率的 95% 下界 ≥ 0.70、p95 ≤ 300 毫秒。"
    competencies = ("優化服務", "模型訓練")
    domains = ("gcp-pmle/S5", "nvidia-nca-genl/D5")
    _var = "passes_gate"
    _fname = "passes_gate"
    _probe = (0.9, 0.9, {"網站": (90, 100)}, 100.0)
    _hints = ("三個條件都要成立才回傳 True；群組條件要檢查每一個群組。",
              "群組下界 = p − 1.96 × √(p(1−p)/n)，p = 正確筆數 ÷ n。")
    _solution = (
        "```python\ndef passes_gate(accuracy, baseline, groups, p95_ms):\n    if accuracy < baseline - 0.01 or p95_ms > 300:\n"
        "        return False\n    for correct, n in groups.values():\n        p = correct / n\n"
        "        if p - 1.96 * (p * (1 - p) / n) ** 0.5 < 0.70:\n            return False\n    return True\n```"
    )
    _cases = (
        ((0.805, 0.762, {"網站": (251, 323), "電話": (156, 194), "臨櫃": (76, 83)}, 12.0), True),
        ((0.733, 0.762, {"網站": (245, 323), "電話": (145, 194), "臨櫃": (50, 83)}, 12.0), False),
        ((0.80, 0.79, {"網站": (400, 500), "臨櫃": (16, 20)}, 120.0), False),
        ((0.85, 0.80, {"網站": (850, 1000)}, 300.0), True),
        ((0.85, 0.80, {"網站": (850, 1000)}, 300.1), False),
    )
    _correct = staticmethod(_passes_gate)

    @staticmethod
    def _wrong(accuracy: float, baseline: float, groups: dict[str, tuple[int, int]], p95_ms: float) -> bool:
        return accuracy >= baseline - 0.01 and p95_ms <= 300   # forgets the per-group check


class RegistryPromote(Problem):
    id = "module6_b.registry_promote"
    title = "champion 別名指向哪一版？"
    objective = "能依閘門結果決定模型登錄庫的 champion 別名該指向哪一個版本。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S2", "gcp-pmle/S5")
    _var = "champion_version"
    _hints = ("看上面「閘門結果」表：只有全部通過的版本可以推廣。", "版本號是整數（登錄時的流水號）。")
    _solution = "```python\nchampion_version = 3\n```"
    _correct = 3
    _wrong = 2

    def _check(self, value: Any) -> None:
        check_number(value, self._correct, what="champion 別名應指向的版本號", integer=True)


def _canary(stable_err: int, stable_n: int, canary_err: int, canary_n: int, p95: float) -> str:
    if p95 > 300:
        return "rollback"
    limit = stable_err / stable_n + 0.02
    p = canary_err / canary_n
    half = 1.96 * (p * (1 - p) / canary_n) ** 0.5
    if p - half > limit:
        return "rollback"
    if p + half <= limit:
        return "promote"
    return "continue"


class CanaryDecision(FunctionProblem):
    id = "module6_b.canary_decision"
    title = "金絲雀：推廣、回復或繼續觀察"
    objective = "能以錯誤率信賴區間與延遲 SLO 寫出金絲雀發布的三種決定。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S4", "nvidia-nca-genl/D3")
    _var = "canary"
    _fname = "canary"
    _probe = (50, 1000, 5, 200, 100.0)
    _hints = ("先看延遲：p95 > 300 直接回復。", "再比區間：下界 > 穩定版 + 0.02 回復；上界 ≤ 穩定版 + 0.02 推廣；其他繼續觀察。")
    _solution = (
        "```python\ndef canary(stable_err, stable_n, canary_err, canary_n, p95):\n    if p95 > 300:\n        return 'rollback'\n"
        "    limit = stable_err / stable_n + 0.02\n    p = canary_err / canary_n\n    half = 1.96 * (p * (1 - p) / canary_n) ** 0.5\n"
        "    if p - half > limit:\n        return 'rollback'\n    if p + half <= limit:\n        return 'promote'\n    return 'continue'\n```"
    )
    _cases = (((50, 1000, 4, 500, 180.0), "promote"), ((50, 1000, 60, 500, 180.0), "rollback"),
              ((50, 1000, 18, 300, 180.0), "continue"), ((50, 1000, 4, 500, 333.6), "rollback"))
    _correct = staticmethod(_canary)

    @staticmethod
    def _wrong(stable_err: int, stable_n: int, canary_err: int, canary_n: int, p95: float) -> str:
        return "promote" if canary_err / canary_n <= stable_err / stable_n + 0.02 else "rollback"


class LlmCost(Problem):
    id = "module6_b.llm_cost"
    title = "LLM 服務 3 天的成本與幻覺率"
    objective = "能由 LLM 呼叫紀錄計算 token 成本，並以人工抽查數為分母計算幻覺率。"
    competencies = ("優化服務",)
    domains = ("ms-ai-102/D1", "nvidia-nca-genl/D5")
    _var = ("cost_ntd", "halluc_rate")
    _hints = ("成本 = 輸入 tokens ÷ 1000 × 0.05 + 輸出 tokens ÷ 1000 × 0.2。", "幻覺率的分母是 `human_checked == 1` 的筆數，不是全部呼叫。")
    _solution = (
        "```python\ncost_ntd = calls['prompt_tokens'].sum() / 1000 * 0.05 + calls['completion_tokens'].sum() / 1000 * 0.2\n"
        "halluc_rate = calls.loc[calls['human_checked'] == 1, 'hallucinated'].mean()\n```"
    )
    _correct = (22.71, 0.1)
    _wrong = (22.71, 0.0167)
    _blank = (None, None)

    def _check(self, cost: Any, rate: Any) -> None:
        check_number(cost, 22.71, what="3 天總成本（新臺幣元）", abs_tol=0.01)
        if isinstance(rate, float) and abs(rate - 0.0167) < 1e-3:
            raise Mismatch("幻覺率的分母用了全部呼叫：沒有抽查的呼叫不代表沒有幻覺。")
        check_number(rate, 0.1, what="幻覺率（以抽查筆數為分母）", abs_tol=1e-4)


class RobustAnomaly(Problem):
    id = "module6_b.robust_anomaly"
    title = "錯誤率的異常時段"
    objective = "能以中位數與 MAD 的穩健分數找出錯誤率異常的 5 分鐘時段。"
    competencies = ("優化服務",)
    domains = ("gcp-pmle/S6", "nvidia-nca-genl/D4")
    _var = "anomalous_windows"
    _hints = ("分數 = (錯誤率 − 中位數) ÷ MAD；本課門檻 8。", "`metrics.loc[score >= 8, 'window'].tolist()`。")
    _solution = "```python\nanomalous_windows = metrics.loc[score >= 8, 'window'].tolist()\n```"
    _correct = ["14:05", "14:10", "14:15", "14:20", "14:25"]
    _wrong = ["00:35", "14:05", "14:10", "14:15", "14:20", "14:25", "23:45"]

    def _check(self, value: Any) -> None:
        if isinstance(value, list) and "00:35" in value:
            raise Mismatch("門檻太低：深夜請求少，錯誤率本來就跳得厲害，這些是雜訊。用本課的門檻 8。")
        check_labels(value, self._correct, what="錯誤率異常的時段")

q1 = Sha256Text()
q2 = Psi()
q3 = AlertLevel()
q4 = P95()
q5 = PostmortemOrder()
q6 = NoiseFloor()
q7 = DecayWeeks()
q8 = ReproducibleRun()
q9 = CiGate()
q10 = RegistryPromote()
q11 = CanaryDecision()
q12 = LlmCost()
q13 = RobustAnomaly()
