"""模組 3 能開發（開發／開規格）的練習題。Exercise set for module 3 (build AI, route B).

Bind in a notebook: ``from govai.exercises import module3 as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

from typing import Any

from govai.exercises.core import Mismatch, Problem, expect_type, same
from govai.exercises.module2_b import FunctionProblem


class MeasurableCriteria(Problem):
    id = "module3.measurable_criteria"
    title = "哪些驗收條件可以量測？"
    objective = "能分辨可量測、可驗收的規格條文與無法驗收的模糊描述（需求→規格→驗收）。"
    competencies = ("AI輔助開發", "優化服務")
    domains = ("ipas-planner-intermediate/L21", "gcp-pmle/S1")
    _var = "measurable"
    _hints = (
        "可驗收的條件要寫明：量什麼、用哪一份資料量、門檻是多少。",
        "「準確率高」「回應快速」「使用者滿意」沒有門檻，無法判定通過與否。",
    )
    _solution = "```python\nmeasurable = {'B', 'C', 'E'}\n```"
    _options = frozenset("ABCDE")
    _correct = {"B", "C", "E"}
    _wrong = {"A", "B", "C", "E"}

    def _check(self, measurable: Any) -> None:
        expect_type(measurable, set, "measurable")
        if any(x not in self._options for x in measurable):
            raise Mismatch("請只用 A～E 的代號。")
        if "A" in measurable or "D" in measurable:
            raise Mismatch("有一項條件沒有門檻或量測方法：驗收時要怎麼判定通過？")
        same(measurable, self._correct, what="可量測的條件")


class CodeReview(Problem):
    id = "module3.code_review"
    title = "審查 AI 產生的程式碼"
    objective = "能在 AI 產生的程式碼中找出資安缺陷（寫死的金鑰、SQL 注入、eval 執行輸入、把個資寫進紀錄檔）。"
    competencies = ("AI輔助開發", "風險辨識")
    domains = ("nvidia-nca-genl/D2", "nvidia-nca-genm/D4", "ipas-planner-intermediate/L21")
    _var = "flawed_lines"
    _hints = (
        "逐行問：攻擊者能控制這個值嗎？這個值外洩會怎樣？",
        "看第 2、4、5、6 行：金鑰、字串拼接的 SQL、eval、紀錄檔內容。",
    )
    _solution = "```python\nflawed_lines = {2, 4, 5, 6}\n```"
    _correct = {2, 4, 5, 6}
    _wrong = {4, 5}

    def _check(self, lines: Any) -> None:
        expect_type(lines, set, "flawed_lines")
        if any(type(x) is not int or not 1 <= x <= 7 for x in lines):
            raise Mismatch("請填 1～7 的行號（整數）。")
        if len(lines) < 4:
            raise Mismatch("還有缺陷沒找到：逐行對照四類問題（寫死的金鑰、字串拼接的 SQL、eval 執行輸入、紀錄檔裡的個資）。")
        same(lines, self._correct, what="有缺陷的行號")


def _char_ngrams(text: str, n: int) -> list[str]:
    return [text[i:i + n] for i in range(len(text) - n + 1)]


class CharNgrams(FunctionProblem):
    id = "module3.char_ngrams"
    title = "中文字元 n-gram"
    objective = "能把中文文字切成字元 n-gram，理解不需斷詞也能做中文文字分類的原因。"
    competencies = ("模型訓練", "AI輔助開發")
    domains = ("ms-ai-102/D5", "ibm-ai-engineering/T1", "tqc-plus-ml/K2")
    _var = "char_ngrams"
    _fname = "char_ngrams"
    _probe = ("路燈不亮", 2)
    _hints = (
        "長度為 L 的字串有 L−n+1 個長度 n 的片段。",
        "`[text[i:i + n] for i in range(len(text) - n + 1)]`",
    )
    _solution = "```python\ndef char_ngrams(text, n):\n    return [text[i:i + n] for i in range(len(text) - n + 1)]\n```"
    _cases = (
        (("路燈不亮", 2), ["路燈", "燈不", "不亮"]),
        (("噪音", 1), ["噪", "音"]),
        (("公車", 3), []),
    )
    _correct = staticmethod(_char_ngrams)

    @staticmethod
    def _wrong(text: str, n: int) -> list[str]:
        return [text[i:i + n] for i in range(0, len(text), n)]   # non-overlapping chunks


def _precision_recall(y_true: list[str], y_pred: list[str], label: str) -> tuple[float, float]:
    tp = sum(t == label and p == label for t, p in zip(y_true, y_pred, strict=True))
    pred_pos = sum(p == label for p in y_pred)
    true_pos = sum(t == label for t in y_true)
    precision = tp / pred_pos if pred_pos else 0.0
    recall = tp / true_pos if true_pos else 0.0
    return (round(precision, 3), round(recall, 3))


class PrecisionRecall(FunctionProblem):
    id = "module3.precision_recall"
    title = "單一類別的精確率與召回率"
    objective = "能由真實標籤與預測計算某一類別的精確率與召回率，並知道分母為 0 時的處理方式。"
    competencies = ("模型訓練", "優化服務")
    domains = ("nvidia-nca-genl/D3", "tqc-plus-ml/K2", "aws-mla-c01/D2")
    _var = "precision_recall"
    _fname = "precision_recall"
    _probe = (["衛生局"], ["衛生局"], "衛生局")
    _hints = (
        "精確率 = 預測為該類且正確 ÷ 預測為該類；召回率 = 預測為該類且正確 ÷ 實際為該類。",
        "分母為 0 時回傳 0.0；回傳 `(round(p, 3), round(r, 3))` 這個 tuple。",
    )
    _solution = (
        "```python\ndef precision_recall(y_true, y_pred, label):\n"
        "    tp = sum(t == label and p == label for t, p in zip(y_true, y_pred))\n"
        "    pred_pos = sum(p == label for p in y_pred)\n    true_pos = sum(t == label for t in y_true)\n"
        "    precision = tp / pred_pos if pred_pos else 0.0\n    recall = tp / true_pos if true_pos else 0.0\n"
        "    return (round(precision, 3), round(recall, 3))\n```"
    )
    _cases = (
        ((["衛", "衛", "交", "交", "交"], ["衛", "交", "交", "衛", "交"], "衛"), (0.5, 0.5)),
        ((["衛", "交", "交", "交"], ["衛", "衛", "衛", "交"], "衛"), (0.333, 1.0)),
        ((["交", "交"], ["交", "交"], "衛"), (0.0, 0.0)),
    )
    _correct = staticmethod(_precision_recall)

    @staticmethod
    def _wrong(y_true: list[str], y_pred: list[str], label: str) -> tuple[float, float]:
        p, r = _precision_recall(y_true, y_pred, label)
        return (r, p)   # swaps the two


def _decide(scores: list[float], threshold: float) -> int | None:
    if not scores:
        return None
    best = max(range(len(scores)), key=lambda i: scores[i])
    return best if scores[best] >= threshold else None


class RefuseWhenIrrelevant(FunctionProblem):
    id = "module3.refuse_when_irrelevant"
    title = "檢索式問答：找不到就拒答"
    objective = "能依相似度門檻決定回答（並引用最相關的條文）或拒答，避免在沒有依據時編造答案。"
    competencies = ("優化服務", "風險辨識")
    domains = ("ibm-ai-engineering/T4", "ms-ai-102/D6", "nvidia-nca-genl/D5")
    _var = "decide"
    _fname = "decide"
    _probe = ([0.5, 0.1], 0.2)
    _hints = (
        "先找出分數最高的條文索引；最高分仍低於門檻時回傳 None（拒答）。",
        "空串列也要回傳 None。`best = max(range(len(scores)), key=lambda i: scores[i])`",
    )
    _solution = (
        "```python\ndef decide(scores, threshold):\n    if not scores:\n        return None\n"
        "    best = max(range(len(scores)), key=lambda i: scores[i])\n"
        "    return best if scores[best] >= threshold else None\n```"
    )
    _cases = (
        (([0.1, 0.62, 0.3], 0.2), 1),
        (([0.05, 0.12, 0.08], 0.2), None),
        (([], 0.2), None),
        (([0.2, 0.1], 0.2), 0),
    )
    _correct = staticmethod(_decide)

    @staticmethod
    def _wrong(scores: list[float], threshold: float) -> int | None:
        # Always answers: the behaviour that makes a chatbot invent citations.
        return max(range(len(scores)), key=lambda i: scores[i]) if scores else None


q1 = MeasurableCriteria()
q2 = CodeReview()
q3 = CharNgrams()
q4 = PrecisionRecall()
q5 = RefuseWhenIrrelevant()
