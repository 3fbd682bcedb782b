"""模組 2 會數據（路線 C：資料治理／作業）的練習題。Exercise set for module 2, route C.

Bind in a notebook: ``from govai.exercises import module2_c as ex``; then ``ex.q1.check()``.
Lessons: ``notebooks/module2_data/c_01_classification_deid.ipynb`` (q1–q5) and
``notebooks/module2_data/c_02_charts_decisions.ipynb`` (q6–q7). The data they use
(``data/module2_c/``) is synthetic (合成資料) and follows the 臺北市陳情系統 schema.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type

# 教學用的四級分類（簡化示意，非法定分級）；處理規則依行政院及所屬機關(構)使用生成式AI參考指引（112.10.03）。
LEVELS = ("公開", "內部", "個資", "機密")

# 區分 route-C 工具類認證的領域鍵（reference/certifications.yaml）
_DATA = "ipas-planner-intermediate/L22"
_TRUST = ("nvidia-nca-genl/D5", "nvidia-nca-genm/D7")
_VIZ = ("nvidia-nca-genl/D4", "nvidia-nca-genm/D5")


def _returns_none(func: Any, *args: Any) -> bool:
    """Starter functions return None: treat them as not attempted rather than wrong."""
    try:
        return func(*args) is None
    except Exception:
        return False


class ClassifyData(Problem):
    id = "module2_c.classify_data"
    title = "資料分級：公開、內部、個資、機密"
    objective = "能把機關常見資料分成公開、內部、個資、機密四級，作為是否可交給 AI 工具處理的第一步。"
    competencies = ("風險辨識", "文書產製")
    domains = (_DATA, *_TRUST)
    _var = "level_of"
    _hints = (
        "先問：這份資料已經依程序對外公開了嗎？公開了就是「公開」。",
        "能認出特定個人的（姓名、電話、身分證字號）是「個資」；依法應保密的（例如決標前的採購底價）是「機密」；"
        "沒公開、也不涉個人與機密的工作資料是「內部」。",
    )
    _expected = {
        "已公告在機關網站的活動新聞稿": "公開",
        "科室內部的工作分配表（未公開）": "內部",
        "陳情人姓名與手機號碼": "個資",
        "決標前的採購底價": "機密",
        "政府資料開放平臺上的統計表": "公開",
    }
    _solution = "```python\nlevel_of = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "決標前的採購底價": "內部"}

    def _check(self, level_of: Any) -> None:
        expect_type(level_of, dict, "level_of")
        missing = [k for k in self._expected if k not in level_of]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        bad = [k for k, v in level_of.items() if type(v) is not str or v not in LEVELS]
        if bad:
            raise Mismatch(f"分級只能用 {'、'.join(LEVELS)} 之一（字串）：{'、'.join(map(str, bad))}。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(level_of[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 項分級不對。想想：已公開了嗎？認得出個人嗎？依法要保密嗎？")


class AllowedLevels(Problem):
    id = "module2_c.allowed_levels"
    title = "哪幾級資料可以交給一般生成式 AI 服務？"
    objective = "依行政院生成式AI參考指引，判斷哪些分級的資料可以輸入一般（非地端封閉）的生成式 AI 服務。"
    competencies = ("風險辨識",)
    domains = (_DATA, *_TRUST)
    _var = "allowed"
    _hints = (
        "指引說：不得輸入應保密資訊、個人資料，以及未經機關同意公開的資訊。",
        "「內部」資料尚未經機關同意公開，也不可以。",
    )
    _solution = "```python\nallowed = {'公開'}\n```"
    _correct = {"公開"}
    _wrong = {"公開", "內部"}

    def _check(self, allowed: Any) -> None:
        expect_type(allowed, set, "allowed")
        if any(type(x) is not str or x not in LEVELS for x in allowed):
            raise Mismatch(f"集合裡只能放 {'、'.join(LEVELS)}。")
        if "個資" in allowed or "機密" in allowed:
            raise Mismatch("個資與機密絕對不可以輸入一般生成式 AI 服務。")
        if sorted(allowed) != ["公開"]:
            raise Mismatch("再想想「未經機關同意公開的資訊」包括哪一級。")


class MaskName(Problem):
    id = "module2_c.mask_name"
    title = "姓名遮蔽"
    objective = "能寫出姓名遮蔽規則：保留姓氏與最後一字，中間以 ○ 取代；兩個字的姓名遮蔽第二字。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "mask_name"
    _hints = (
        "三個字：王小明 → 王○明；四個字：歐陽小明 → 歐○○明（頭尾保留，中間每個字一個 ○）。",
        "兩個字：李四 → 李○。可以用 `len(name)` 分兩種情況。",
    )
    _solution = (
        "```python\ndef mask_name(name):\n    if len(name) <= 2:\n        return name[0] + '○' * (len(name) - 1)\n"
        "    return name[0] + '○' * (len(name) - 2) + name[-1]\n```"
    )
    _cases = ((("王小明",), "王○明"), (("李四",), "李○"), (("歐陽小明",), "歐○○明"))

    @staticmethod
    def _correct(name: str) -> str:
        if len(name) <= 2:
            return name[0] + "○" * (len(name) - 1)
        return name[0] + "○" * (len(name) - 2) + name[-1]

    @staticmethod
    def _wrong(name: str) -> str:
        return name[0] + "○" + name[-1]

    @staticmethod
    def _blank(name: str) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, "王小明"))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "mask_name")


class AgeBand(Problem):
    id = "module2_c.age_band"
    title = "年齡概括化"
    objective = "能把精確年齡概括成十歲一組（80 歲以上合為一組），降低被指認的風險。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "age_band"
    _hints = ("`age // 10 * 10` 得到該組下限，例如 37 → 30。", "回傳字串，例如 \"30-39\"；80 歲以上回傳 \"80+\"。")
    _solution = (
        "```python\ndef age_band(age):\n    if age >= 80:\n        return '80+'\n"
        "    low = age // 10 * 10\n    return f'{low}-{low + 9}'\n```"
    )
    _cases = (((37,), "30-39"), ((5,), "0-9"), ((80,), "80+"), ((94,), "80+"), ((40,), "40-49"))

    @staticmethod
    def _correct(age: int) -> str:
        if age >= 80:
            return "80+"
        low = age // 10 * 10
        return f"{low}-{low + 9}"

    @staticmethod
    def _wrong(age: int) -> str:
        low = age // 10 * 10
        return f"{low}-{low + 9}"

    @staticmethod
    def _blank(age: int) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 37))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "age_band")


def _k_of(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
    groups = Counter(tuple(r[k] for k in keys) for r in rows)
    return min(groups.values())


_K_ROWS = [
    {"性別": "女", "年齡層": "30-39", "里別": "和平里"},
    {"性別": "女", "年齡層": "30-39", "里別": "和平里"},
    {"性別": "男", "年齡層": "40-49", "里別": "和平里"},
    {"性別": "男", "年齡層": "40-49", "里別": "仁愛里"},
    {"性別": "男", "年齡層": "30-39", "里別": "仁愛里"},
    {"性別": "女", "年齡層": "40-49", "里別": "仁愛里"},
]


class KAnonymity(Problem):
    id = "module2_c.k_anonymity"
    title = "計算 k-匿名的 k 值"
    objective = "能計算一張表對指定準識別欄位的 k 值（同一組合最少有幾筆），判斷是否足以發布。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "k_value"
    _hints = (
        "把每一列在準識別欄位上的值組成 tuple，數每個組合出現幾次；k 是最小的那個次數。",
        "`collections.Counter(tuple(r[k] for k in keys) for r in rows)`，再取 `min(....values())`。",
    )
    _solution = (
        "```python\nfrom collections import Counter\n\ndef k_value(rows, keys):\n"
        "    groups = Counter(tuple(r[k] for k in keys) for r in rows)\n    return min(groups.values())\n```"
    )
    _cases = (
        ((_K_ROWS, ("性別",)), 3),
        ((_K_ROWS, ("里別",)), 3),
        ((_K_ROWS, ("性別", "年齡層")), 1),
        ((_K_ROWS[:2], ("性別", "年齡層", "里別")), 2),
    )

    @staticmethod
    def _correct(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
        return _k_of(rows, keys)

    @staticmethod
    def _wrong(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> int:
        # A common slip: counting the number of groups instead of the smallest group.
        return len({tuple(r[k] for k in keys) for r in rows})

    @staticmethod
    def _blank(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, _K_ROWS, ("性別",)))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "k_value")


class LieFactor(Problem):
    id = "module2_c.lie_factor"
    title = "截斷座標軸會把差距放大幾倍？"
    objective = "能計算長條圖 y 軸不從 0 開始時的「說謊因子」（圖上的變化 ÷ 資料的變化），辨識誤導的圖表。"
    competencies = ("文書產製", "影音圖文")
    domains = (_DATA, *_VIZ)
    _var = "lie_factor"
    _hints = (
        "資料的變化 = b / a − 1；圖上長條的高度是 (值 − ymin)，圖上的變化 = (b − ymin) / (a − ymin) − 1。",
        "說謊因子 = 圖上的變化 ÷ 資料的變化，四捨五入到小數第 2 位；y 軸從 0 開始時剛好是 1.0。",
    )
    _solution = (
        "```python\ndef lie_factor(a, b, ymin):\n    data_change = b / a - 1\n"
        "    shown_change = (b - ymin) / (a - ymin) - 1\n    return round(shown_change / data_change, 2)\n```"
    )
    _cases = (((100, 110, 0), 1.0), ((100, 110, 90), 10.0), ((1200, 1450, 1000), 6.0), ((50, 40, 30), 2.5))

    @staticmethod
    def _correct(a: float, b: float, ymin: float) -> float:
        return round(((b - ymin) / (a - ymin) - 1) / (b / a - 1), 2)

    @staticmethod
    def _wrong(a: float, b: float, ymin: float) -> float:
        return round((b - ymin) / (a - ymin), 2)

    @staticmethod
    def _blank(a: float, b: float, ymin: float) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 100, 110, 0))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "lie_factor")


class SlowestSection(Problem):
    id = "module2_c.slowest_section"
    title = "用中位數找出最需要支援的科室"
    objective = "能以機關自己的案件表計算各科室結案天數的中位數，避開極端值的誤導，做出資源調度的判斷。"
    competencies = ("流程自動", "文書產製")
    domains = (_DATA, *_VIZ)
    _var = "slowest"
    _hints = (
        "先算每案的結案天數：`(df['結案日期'] - df['受理日期']).dt.days`（日期欄要先 `pd.to_datetime`）。",
        "`groupby('受理科室')['天數'].median()`，再用 `.idxmax()` 取中位數最大的科室；比較一下平均數的結果為什麼不同。",
    )
    _solution = (
        "```python\ndf['天數'] = (df['結案日期'] - df['受理日期']).dt.days\n"
        "slowest = df.groupby('受理科室')['天數'].median().idxmax()   # '建築管理科'\n```"
    )
    _correct = "建築管理科"
    _wrong = "清潔科"

    def _check(self, slowest: Any) -> None:
        expect_type(slowest, str, "slowest")
        if str.__eq__(slowest, "清潔科"):
            raise Mismatch("這是用平均數得到的答案：清潔科有兩件極端久的案件把平均拉高了，改用中位數看看。")
        if not str.__eq__(slowest, self._correct):
            raise Mismatch("不是這個科室。請確認你算的是「結案日期 − 受理日期」的中位數。")


q1 = ClassifyData()
q2 = AllowedLevels()
q3 = MaskName()
q4 = AgeBand()
q5 = KAnonymity()
q6 = LieFactor()
q7 = SlowestSection()


def mask_id_number(text: str) -> str:
    """Demo used in the lesson: keep the first 3 and last 3 characters of a Taiwan ID number."""
    return re.sub(r"\b([A-Z][12]\d)\d{4}(\d{3})\b", r"\1****\2", text)
