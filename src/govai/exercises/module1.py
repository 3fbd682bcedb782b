"""模組 1 學AI（AI 素養）的練習題。Exercise set for module 1 (common core).

Bind in a notebook: ``from govai.exercises import module1 as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type

# 人工智慧基本法 七大原則（出處：人工智慧基本法，2025-12-23 三讀）
SEVEN_PRINCIPLES = (
    "永續發展與福祉", "人類自主", "隱私保護與資料治理", "資安與安全", "透明與可解釋", "公平與不歧視", "問責",
)
# 數位發展部 AI 風險分類框架草案的三種風險來源
RISK_SOURCES = ("技術設計缺陷", "部署與人機互動", "社會結構衝擊")


class DefinitionElements(Problem):
    id = "module1.definition_elements"
    title = "人工智慧基本法對 AI 的定義"
    objective = "能指出人工智慧基本法定義 AI 系統的要素，分辨哪些系統屬於 AI。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "ms-ai-900/D1")
    _var = "is_ai"
    _hints = (
        "定義的關鍵是「透過機器學習與演算法」，從輸入或感知產生預測、內容、建議或決策，並具自主運行能力。",
        "固定公式計算（例如依級距表算規費）沒有從資料學習，不屬於定義中的 AI 系統。",
    )
    _solution = "```python\nis_ai = {'規費級距計算表': False, '陳情案件自動分類模型': True, '生成式AI聊天機器人': True, '門禁刷卡系統': False}\n```"
    _expected = {"規費級距計算表": False, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": False}
    _correct = dict(_expected)
    _wrong = {"規費級距計算表": True, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": False}

    def _check(self, is_ai: Any) -> None:
        expect_type(is_ai, dict, "is_ai")
        missing = [k for k in self._expected if k not in is_ai]
        if missing:
            raise Mismatch(f"還缺少這些系統的判斷：{'、'.join(missing)}。")
        wrong = [k for k, v in self._expected.items() if type(is_ai[k]) is not bool or is_ai[k] is not v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個系統判斷不對（答案要用 True／False）。回想定義：是否從資料學習？")


class RedactForPrompt(Problem):
    id = "module1.redact_for_prompt"
    title = "輸入生成式 AI 前先遮蔽個人資料"
    objective = "依行政院生成式AI參考指引，不把個人資料輸入生成式 AI：寫一個把手機號碼遮蔽的函式。"
    competencies = ("風險辨識", "公共價值")
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D5")
    _var = "mask_phone"
    _hints = (
        "臺灣手機號碼是 09 開頭、共 10 碼，常見寫法 0912-345-678 或 0912345678。",
        "可以用 `re.sub(r'09\\d{2}-?\\d{3}-?\\d{3}', '[手機]', text)`。",
    )
    _solution = (
        "```python\nimport re\n\ndef mask_phone(text):\n"
        "    return re.sub(r'09\\d{2}-?\\d{3}-?\\d{3}', '[手機]', text)\n```"
    )
    _cases = (
        (("請回電 0912-345-678 謝謝",), "請回電 [手機] 謝謝"),
        (("聯絡 0987654321 或 0911222333",), "聯絡 [手機] 或 [手機]"),
        (("本案無個資",), "本案無個資"),
    )

    @staticmethod
    def _correct(text: str) -> str:
        import re

        return re.sub(r"09\d{2}-?\d{3}-?\d{3}", "[手機]", text)

    @staticmethod
    def _wrong(text: str) -> str:
        return text.replace("0912-345-678", "[手機]")

    @staticmethod
    def _blank(text: str) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "mask_phone")


def _returns_none(func: Any) -> bool:
    try:
        return func("測試 0912-345-678") is None
    except Exception:
        return False


q1 = DefinitionElements()
q2 = RedactForPrompt()
