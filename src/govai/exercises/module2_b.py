"""模組 2 會數據（路線 B 資料基礎）的練習題。Exercise set for module 2, route B (data foundations).

Bind in a notebook: ``from govai.exercises import module2_b as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type, same


class FunctionProblem(Problem):
    """A problem whose answer is a function; the starter defines it with a body returning None."""

    _cases: ClassVar[Sequence[tuple[tuple[Any, ...], Any]]]
    _probe: ClassVar[tuple[Any, ...]]
    _fname: ClassVar[str]

    @staticmethod
    def _blank(*args: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        if func is None:
            return True
        if not callable(func):
            return False
        try:
            # The starter's body is `return None` (or `pass`): treat that as not attempted yet.
            return func(*self._probe) is None
        except Exception:
            return False

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, self._fname)


def _roc_to_iso(text: str | None) -> str | None:
    if text is None or str(text).strip() == "":
        return None
    s = str(text).strip()
    m = re.fullmatch(r"(\d{2,3})[/.\-](\d{1,2})[/.\-](\d{1,2})", s) or re.fullmatch(r"(\d{3})(\d{2})(\d{2})", s)
    if m is None:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y + 1911:04d}-{mo:02d}-{d:02d}"


class RocToIso(FunctionProblem):
    id = "module2_b.roc_to_iso"
    title = "民國年日期轉成 ISO 8601"
    objective = "能把開放資料常見的三種民國年寫法（113/03/05、1130305、113.3.5）轉成西元 ISO 日期字串，空白回傳 None。"
    competencies = ("AI輔助開發", "模型訓練")
    domains = ("ipas-planner-intermediate/L22", "aws-mla-c01/D1", "nvidia-nca-genl/D4")
    _var = "roc_to_iso"
    _fname = "roc_to_iso"
    _probe = ("113/03/05",)
    _hints = (
        "民國年加 1911 就是西元年；先用正規表示式拆出年、月、日三段。",
        "`re.fullmatch(r'(\\d{2,3})[/.](\\d{1,2})[/.](\\d{1,2})', s)` 處理有分隔符號的寫法；"
        "沒有分隔符號時是「3 碼年 + 2 碼月 + 2 碼日」。輸出用 `f'{y:04d}-{m:02d}-{d:02d}'`。",
    )
    _solution = (
        "```python\nimport re\n\ndef roc_to_iso(text):\n    if text is None or str(text).strip() == '':\n        return None\n"
        "    s = str(text).strip()\n    m = re.fullmatch(r'(\\d{2,3})[/.\\-](\\d{1,2})[/.\\-](\\d{1,2})', s) "
        "or re.fullmatch(r'(\\d{3})(\\d{2})(\\d{2})', s)\n    if m is None:\n        return None\n"
        "    y, mo, d = (int(g) for g in m.groups())\n    return f'{y + 1911:04d}-{mo:02d}-{d:02d}'\n```"
    )
    _cases = (
        (("113/03/05",), "2024-03-05"),
        (("1130305",), "2024-03-05"),
        (("113.3.5",), "2024-03-05"),
        (("99/12/31",), "2010-12-31"),
        (("",), None),
    )
    _correct = staticmethod(_roc_to_iso)

    @staticmethod
    def _wrong(text: str | None) -> str | None:
        # Forgets the compact form and the empty cell: a typical first attempt.
        if not text:
            return ""
        y, mo, d = str(text).replace(".", "/").split("/")
        return f"{int(y) + 1911}-{int(mo):02d}-{int(d):02d}"


CANONICAL_AGENCIES = ("臺北市政府環境保護局", "臺北市政府交通局", "臺北市政府警察局", "臺北市政府工務局",
                      "臺北市政府社會局", "臺北市政府衛生局")
_SHORT = {"北市環保局": "臺北市政府環境保護局", "北市交通局": "臺北市政府交通局", "北市警察局": "臺北市政府警察局",
          "北市工務局": "臺北市政府工務局", "北市社會局": "臺北市政府社會局", "北市衛生局": "臺北市政府衛生局"}


def _clean_agency(name: str) -> str:
    s = name.strip().replace("台", "臺")
    return _SHORT.get(s, s)


class CleanAgency(FunctionProblem):
    id = "module2_b.clean_agency"
    title = "統一不一致的機關名稱"
    objective = "能把同一機關的不同寫法（臺／台、簡稱、前後空白）統一成正式名稱，讓分組統計不會把一個機關拆成好幾個。"
    competencies = ("AI輔助開發",)
    domains = ("ipas-planner-intermediate/L22", "aws-mla-c01/D1", "gcp-pmle/S2")
    _var = "clean_agency"
    _fname = "clean_agency"
    _probe = ("台北市政府交通局",)
    _hints = (
        "三個步驟：去掉前後空白（`.strip()`）、把「台」換成「臺」、再查一張簡稱對照表。",
        "對照表是一個字典，例如 `{'北市環保局': '臺北市政府環境保護局', ...}`，查不到就原樣回傳：`table.get(s, s)`。",
    )
    _solution = (
        "```python\nSHORT = {'北市環保局': '臺北市政府環境保護局', '北市交通局': '臺北市政府交通局',\n"
        "         '北市警察局': '臺北市政府警察局', '北市工務局': '臺北市政府工務局',\n"
        "         '北市社會局': '臺北市政府社會局', '北市衛生局': '臺北市政府衛生局'}\n\n"
        "def clean_agency(name):\n    s = name.strip().replace('台', '臺')\n    return SHORT.get(s, s)\n```"
    )
    _cases = (
        (("台北市政府交通局",), "臺北市政府交通局"),
        ((" 臺北市政府警察局",), "臺北市政府警察局"),
        (("北市環保局",), "臺北市政府環境保護局"),
        (("臺北市政府環境保護局 ",), "臺北市政府環境保護局"),
        (("臺北市政府衛生局",), "臺北市政府衛生局"),
    )
    _correct = staticmethod(_clean_agency)

    @staticmethod
    def _wrong(name: str) -> str:
        return name.replace("台", "臺")   # forgets whitespace and abbreviations


class CountDuplicates(Problem):
    id = "module2_b.count_duplicates"
    title = "找出完全重複的列"
    objective = "能用 pandas 找出完全重複的資料列並說明去除前後的筆數。"
    competencies = ("AI輔助開發", "模型訓練")
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genl/D4")
    _var = "n_duplicates"
    _hints = (
        "`df.duplicated()` 對每一列回傳 True／False（第一次出現的列為 False）。",
        "把它加總：`int(df.duplicated().sum())`。",
    )
    _solution = "```python\nn_duplicates = int(raw.duplicated().sum())\n```"
    _correct = 18
    _wrong = 36   # counts both copies (keep=False)

    def _check(self, n: Any) -> None:
        expect_type(n, int, "n_duplicates")
        if n == 36:
            raise Mismatch("你把每組重複的兩筆都算進去了；要算的是「刪掉後會少幾筆」。")
        same(n, self._correct, what="重複列數")


class LeakyColumns(Problem):
    id = "module2_b.leaky_columns"
    title = "哪些欄位會造成資料洩漏？"
    objective = "能判斷哪些欄位在預測當下還不存在（資料洩漏），不得拿來當特徵。"
    competencies = ("模型訓練", "風險辨識")
    domains = ("ipas-planner-intermediate/L23", "nvidia-nca-genm/D2", "aws-mla-c01/D1")
    _var = "leaky"
    _hints = (
        "情境：案件「剛受理」時就要預測它會不會逾期。問自己：這個欄位在受理當天看得到嗎？",
        "結案之後才知道的資訊（結案日期、由結案日期算出的處理天數）都屬洩漏。",
    )
    _solution = "```python\nleaky = {'結案日期', '處理天數'}\n```"
    _options = frozenset({"案件主類別", "受理機關", "受理日期", "結案日期", "處理天數", "行政區"})
    _correct = {"結案日期", "處理天數"}
    _wrong = {"結案日期"}

    def _check(self, leaky: Any) -> None:
        expect_type(leaky, set, "leaky")
        extra = [x for x in leaky if x not in self._options]
        if extra:
            raise Mismatch(f"這些不是題目列出的欄位：{'、'.join(map(str, extra))}。")
        same(leaky, self._correct, what="洩漏欄位")


def _posterior(prevalence: float, sensitivity: float, specificity: float) -> float:
    tp = prevalence * sensitivity
    fp = (1 - prevalence) * (1 - specificity)
    return round(tp / (tp + fp), 4)


class Posterior(FunctionProblem):
    id = "module2_b.posterior"
    title = "貝氏定理：被標記的案件真的是急件嗎？"
    objective = "能用貝氏定理由盛行率、敏感度與特異度算出陽性預測值，理解罕見事件的誤報。"
    competencies = ("模型訓練",)
    domains = ("ipas-planner-intermediate/L22", "ipas-planner-intermediate/L23", "nvidia-nca-genl/D1")
    _var = "posterior"
    _fname = "posterior"
    _probe = (0.05, 0.9, 0.9)
    _hints = (
        "P(急件｜被標記) = P(被標記｜急件)·P(急件) / P(被標記)。",
        "分母 = 真陽性 + 偽陽性 = prevalence·sensitivity + (1−prevalence)·(1−specificity)。最後 `round(x, 4)`。",
    )
    _solution = (
        "```python\ndef posterior(prevalence, sensitivity, specificity):\n    tp = prevalence * sensitivity\n"
        "    fp = (1 - prevalence) * (1 - specificity)\n    return round(tp / (tp + fp), 4)\n```"
    )
    _cases = (((0.05, 0.9, 0.9), 0.3214), ((0.5, 0.8, 0.8), 0.8), ((0.01, 0.99, 0.95), 0.1667))
    _correct = staticmethod(_posterior)

    @staticmethod
    def _wrong(prevalence: float, sensitivity: float, specificity: float) -> float:
        return round(sensitivity, 4)   # confuses P(flag | urgent) with P(urgent | flag)


q1 = RocToIso()
q2 = CleanAgency()
q3 = CountDuplicates()
q4 = LeakyColumns()
q5 = Posterior()

__all__ = ["q1", "q2", "q3", "q4", "q5", "CANONICAL_AGENCIES", "FunctionProblem"]
