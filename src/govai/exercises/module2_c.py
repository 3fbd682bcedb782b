"""模組 2 會數據（路線 C：資料治理／作業）的練習題與現成工具。Exercise set and provided tools for module 2, route C.

Bind in a notebook: ``from govai.exercises import module2_c as ex``; then ``ex.q1.check()``.
Route C promises answers without code: every self-check takes values (labels, numbers, sets of
codes) and the data work is done by the provided tools below, which learners run and judge.

Lessons: ``c_01_classification_deid`` (q1–q5), ``c_02_charts_decisions`` (q6–q8),
``c_03_personal_data_law`` (q9–q11), ``c_04_checking_masking`` (q12–q14). The data they use
(``data/module2_c/``) is synthetic (合成資料) and follows the 臺北市陳情系統 schema.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from govai.exercises.compare import check_bool, check_labels, check_number
from govai.exercises.core import Mismatch, Problem, expect_type

if TYPE_CHECKING:
    import pandas as pd

# 教學用的四級分類（簡化示意，非法定分級）；處理規則依行政院及所屬機關（構）使用生成式AI參考指引（112.10.03）。
LEVELS = ("公開", "內部", "個資", "機密")
# 本課程的「一條規則」（與模組 8 一致）：可以用哪一種 AI 工具。
TOOL_USES = ("可用一般服務", "限核准的地端模型", "不得使用")

# 區分 route-C 工具類認證的領域鍵（reference/certifications.yaml）
_DATA = "ipas-planner-intermediate/L22"
_TRUST = ("nvidia-nca-genl/D5", "nvidia-nca-genm/D7")
_VIZ = ("nvidia-nca-genl/D4", "nvidia-nca-genm/D5")


# -- provided tools (learners run and judge them; they never write them) --------------------------


def mask_id_number(text: str) -> str:
    """舊版示範工具：保留身分證字號前 3 碼與後 3 碼。

    It uses ``\\b`` word boundaries, so an ID glued to Chinese characters (「陳情人C287654321住」) is
    NOT masked: Chinese characters count as word characters. Lesson c_04 shows the failure.
    """
    return re.sub(r"\b([A-Z][12]\d)\d{4}(\d{3})\b", r"\1****\2", text)


_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z][12]\d)\d{4}(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+886[-\s]?|0)9\d{2}[-\s]?\d{3}[-\s]?\d{3}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mask_personal_data(text: str) -> str:
    """課程的遮罩工具：遮蔽身分證字號（保留前 3 後 3 碼）、手機號碼與電子郵件。

    It also works when an ID touches Chinese characters (no ``\\b``). It does NOT recognise names,
    addresses, health or other special-category data, or other identity numbers (for example the
    new-format 統一證號 of foreign residents, whose second character is 8 or 9): a person must check
    what it leaves.
    """
    text = _EMAIL.sub("[電子郵件]", text)
    text = _ID.sub(r"\1****\2", text)
    return _MOBILE.sub("[手機]", text)


def k_anonymity(rows: pd.DataFrame | Iterable[Mapping[str, Any]], keys: Sequence[str]) -> int:
    """k of a table for the quasi-identifiers ``keys``: the size of the smallest group (k-匿名檢查工具)."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    groups = Counter(tuple(r[k] for k in keys) for r in records)
    return min(groups.values())


def age_band(age: int, width: int = 10, top: int | None = None) -> str:
    """Generalise an age into a band of ``width`` years (37 → "30-39"); ``top`` caps it ("80+")."""
    if top is not None and age >= top:
        return f"{top}+"
    low = age // width * width
    return f"{low}-{low + width - 1}"


def k_table(people: pd.DataFrame, settings: Mapping[str, tuple[int, Sequence[str]]]) -> pd.DataFrame:
    """k per setting: ``{code: (age band width, other quasi-identifier columns)}`` → a DataFrame."""
    import pandas as pd

    rows = []
    for code, (width, cols) in settings.items():
        table = people.assign(年齡層=[age_band(int(a), width) if width else "" for a in people["年齡"]])
        keys = [*cols, "年齡層"] if width else list(cols)
        rows.append({"設定": code, "準識別欄位": "＋".join(keys), "年齡分組（歲）": width or "不保留",
                     "k 值": k_anonymity(table, keys)})
    return pd.DataFrame(rows).set_index("設定")


def closing_days(cases: pd.DataFrame) -> pd.Series:
    """Days from 受理日期 to 結案日期 for each case (a pandas Series)."""
    import pandas as pd

    return (pd.to_datetime(cases["結案日期"]) - pd.to_datetime(cases["受理日期"])).dt.days


def section_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """件數、平均數、中位數與最大值 of the closing days per 受理科室 (the course's summary tool)."""
    days = cases.assign(天數=closing_days(cases))
    out = days.groupby("受理科室")["天數"].agg(["count", "mean", "median", "max"]).round(1)
    return out.rename(columns={"count": "件數", "mean": "平均天數", "median": "中位數天數", "max": "最長天數"})


def days_table(cases: pd.DataFrame) -> pd.DataFrame:
    """How many cases closed after each number of days (a frequency table, 天數 → 件數)."""
    counts = closing_days(cases).value_counts().sort_index()
    return counts.rename_axis("結案天數").rename("件數").to_frame()


# -- checks shared by the value problems ----------------------------------------------------------


def _check_mapping(value: Any, expected: Mapping[str, Any], name: str, *, allowed: Iterable[Any] | None = None,
                   kind: str = "label", hint: str = "") -> None:
    """A dict of item → answer: every item answered, answers of the allowed kind, count of wrong ones."""
    expect_type(value, dict, name)
    missing = [k for k in expected if k not in value]
    if missing:
        raise Mismatch(f"還缺少：{'、'.join(map(str, missing))}。")
    wrong = 0
    for key, want in expected.items():
        got = dict.__getitem__(value, key)
        if kind == "bool":
            if type(got) is not bool and type(got).__name__ != "bool_":
                raise Mismatch(f"「{key}」的答案要是 True 或 False。")
            try:
                check_bool(got, want, what=f"「{key}」")
            except Mismatch:
                wrong += 1
        elif kind == "int":
            try:
                check_number(got, want, what=f"「{key}」", integer=True)
            except Mismatch:
                wrong += 1
        else:
            if type(got) is not str or (allowed is not None and got not in tuple(allowed)):
                raise Mismatch(f"「{key}」的答案只能是：{'、'.join(map(str, allowed or ()))}。")
            wrong += not str.__eq__(got, want)
    if wrong:
        raise Mismatch(f"有 {wrong} 項不對。{hint}")


def _starter_dict(value: Any) -> bool:
    """The lesson's starter: None, or a dict whose every answer is still None (「尚未作答」)."""
    return value is None or (type(value) is dict and all(v is None for v in value.values()))


class ClassifyData(Problem):
    id = "module2_c.classify_data"
    title = "資料分級：公開、內部、個資、機密"
    objective = "能把機關常見資料分成公開、內部、個資、機密四級，作為是否可交給 AI 工具處理的第一步。"
    competencies = ("風險辨識", "文書產製")
    domains = (_DATA, *_TRUST)
    _var = "level_of"
    _hints = (
        "先問：這份資料已經依程序對外公開了嗎？公開了就是「公開」。",
        "能直接或間接認出特定個人的（姓名、電話、身分證字號）是「個資」；依法應保密的（例如決標前的採購底價）是「機密」；"
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

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, level_of: Any) -> None:
        _check_mapping(level_of, self._expected, "level_of", allowed=LEVELS,
                       hint="想想：已公開了嗎？認得出個人嗎？依法要保密嗎？")


class AllowedLevels(Problem):
    id = "module2_c.allowed_levels"
    title = "哪幾級資料可以交給一般生成式 AI 服務？"
    objective = "依行政院生成式AI參考指引第 4 點，判斷哪些分級的資料可以輸入一般（非封閉式地端部署）的生成式 AI 服務。"
    competencies = ("風險辨識",)
    domains = (_DATA, *_TRUST)
    _var = "allowed"
    _hints = (
        "指引第 4 點：不得提供涉及公務應保密、個人及未經機關（構）同意公開之資訊。",
        "「內部」資料尚未經機關同意公開，也不可以。",
    )
    _solution = "```python\nallowed = {'公開'}\n```"
    _correct = {"公開"}
    _wrong = {"公開", "內部"}

    def _check(self, allowed: Any) -> None:
        expect_type(allowed, (set, list, tuple), "allowed")
        if any(type(x) is not str or x not in LEVELS for x in allowed):
            raise Mismatch(f"集合裡只能放 {'、'.join(LEVELS)}。")
        if "個資" in allowed or "機密" in allowed:
            raise Mismatch("個資與機密不可以輸入一般生成式 AI 服務。")
        check_labels(allowed, ["公開"], what="可以輸入一般生成式 AI 服務的分級")


class MaskNames(Problem):
    id = "module2_c.mask_name"
    title = "姓名遮蔽規則"
    objective = "能依姓名遮蔽規則（保留第一字與最後一字，中間每字換成 ○；兩字姓名遮蔽第二字）寫出遮蔽結果。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "masked_names"
    _hints = (
        "三個字：王小明 → 王○明；四個字：頭尾保留，中間每個字一個 ○。",
        "兩個字只保留第一個字：例如 陳一 → 陳○。",
    )
    _expected = {"張美玲": "張○玲", "李四": "李○", "歐陽小明": "歐○○明"}
    _solution = "```python\nmasked_names = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {"張美玲": "張○玲", "李四": "李○", "歐陽小明": "歐○明"}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, masked_names: Any) -> None:
        expect_type(masked_names, dict, "masked_names")
        # 「○」不好打：國字「〇」與大圓「◯」看起來一樣，也算對。
        same_circle = {k: v.replace("〇", "○").replace("◯", "○") if type(v) is str else v
                       for k, v in dict.items(masked_names)}
        _check_mapping(same_circle, self._expected, "masked_names",
                       allowed=None, hint="中間每一個字都要換成一個 ○（用「○」這個符號）。")


class AgeBands(Problem):
    id = "module2_c.age_band"
    title = "年齡概括化"
    objective = "能依概括化規則（十歲一組，80 歲以上合為「80+」）把年齡換成年齡層，注意剛好在邊界的年齡。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "bands"
    _hints = (
        "十歲一組：30–39 歲都寫成 \"30-39\"；個位數年齡是 \"0-9\"。",
        "剛好 80 歲已經是「80 歲以上」，寫 \"80+\"；79 歲還在 \"70-79\"。",
    )
    ages = (37, 80, 9, 79)
    _solution = "```python\nbands = ['30-39', '80+', '0-9', '70-79']\n```"
    _correct = ["30-39", "80+", "0-9", "70-79"]
    _wrong = ["30-39", "80-89", "0-9", "70-79"]

    def _check(self, bands: Any) -> None:
        expect_type(bands, (list, tuple), "bands")
        if len(bands) != len(self.ages):
            raise Mismatch(f"要依序寫出 {len(self.ages)} 個年齡層。")
        if any(type(b) is not str for b in bands):
            raise Mismatch("每個年齡層都是字串，例如 \"30-39\"。")
        wrong = sum(not str.__eq__(b, e) for b, e in zip(bands, self._correct, strict=True))
        if wrong:
            raise Mismatch(f"有 {wrong} 個年齡層不對。注意剛好 80 歲的人。")


_K_ROWS = [
    {"性別": "女", "年齡層": "30-39", "里別": "和平里"},
    {"性別": "女", "年齡層": "30-39", "里別": "和平里"},
    {"性別": "男", "年齡層": "40-49", "里別": "和平里"},
    {"性別": "男", "年齡層": "40-49", "里別": "仁愛里"},
    {"性別": "男", "年齡層": "30-39", "里別": "仁愛里"},
    {"性別": "女", "年齡層": "40-49", "里別": "仁愛里"},
]


class KByHand(Problem):
    id = "module2_c.k_anonymity"
    title = "數一數 k 值"
    objective = "能對一張小表數出指定準識別欄位的 k 值（同一組合最少有幾筆），理解欄位越多 k 越小。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "k_values"
    rows = _K_ROWS
    _hints = (
        "k 是「最少的那一組」有幾筆，不是有幾組。",
        "「性別＋年齡層」要兩個欄位都相同才算同一組：例如「男、30-39」只有 1 筆。",
    )
    _expected = {"性別": 3, "里別": 3, "性別+年齡層": 1}
    _solution = "```python\nk_values = {'性別': 3, '里別': 3, '性別+年齡層': 1}\n```"
    _correct = dict(_expected)
    _wrong = {"性別": 2, "里別": 2, "性別+年齡層": 4}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, k_values: Any) -> None:
        _check_mapping(k_values, self._expected, "k_values", kind="int",
                       hint="k 是每種組合中筆數最少的那一組的筆數。")


class LieFactor(Problem):
    id = "module2_c.lie_factor"
    title = "截斷座標軸會把差距放大幾倍？"
    objective = "能計算長條圖 y 軸不從 0 開始時的「說謊因子」（圖上的變化 ÷ 資料的變化），辨識誤導的圖表。"
    competencies = ("文書產製", "影音圖文")
    domains = (_DATA, *_VIZ)
    _var = "lie_factor"
    _hints = (
        "資料的變化 = 550 ÷ 500 − 1；圖上長條的高度是（值 − y 軸起點），圖上的變化 = (550 − 400) ÷ (500 − 400) − 1。",
        "說謊因子 = 圖上的變化 ÷ 資料的變化；可以直接寫算式，例如 `lie_factor = 0.3 / 0.1`。",
    )
    _solution = "```python\nlie_factor = ((550 - 400) / (500 - 400) - 1) / (550 / 500 - 1)   # 5.0\n```"
    _correct = 5.0
    _wrong = 1.5

    def _check(self, lie_factor: Any) -> None:
        try:
            check_number(lie_factor, 5.0, what="說謊因子", abs_tol=0.01)
        except Mismatch:
            if isinstance(lie_factor, (int, float)) and abs(float(lie_factor) - 1.5) < 0.01:
                raise Mismatch("1.5 是兩根長條高度的比，不是「變化」的比：兩邊都要先減 1。") from None
            raise


class SlowestSection(Problem):
    id = "module2_c.slowest_section"
    title = "用中位數找出最需要支援的科室"
    objective = "能從案件摘要表判讀各科室結案天數的中位數，避開極端值的誤導，做出資源調度的判斷。"
    competencies = ("流程自動", "文書產製")
    domains = (_DATA, *_VIZ)
    _var = "slowest"
    _hints = (
        "看 `ex.section_summary(cases)` 表的「中位數天數」欄，不是「平均天數」欄。",
        "平均數會被少數極端案件拉高；中位數描述典型案件。",
    )
    _solution = "```python\nslowest = '建築管理科'\n```"
    _correct = "建築管理科"
    _wrong = "清潔科"

    def _check(self, slowest: Any) -> None:
        expect_type(slowest, str, "slowest")
        slowest = str.strip(slowest)   # 多打的空白不算錯
        if str.__eq__(slowest, "清潔科"):
            raise Mismatch("這是用平均數得到的答案：清潔科有兩件極端久的案件把平均拉高了，改看中位數。")
        if not str.__eq__(slowest, self._correct):
            raise Mismatch("不是這個科室。請看摘要表的「中位數天數」欄。")


class WithinDays(Problem):
    id = "module2_c.within_days"
    title = "幾成案件在 7 天內結案？"
    objective = "能從結案天數次數表算出「7 天以內（含 7 天）結案」的百分比，正確處理剛好 7 天的案件。"
    competencies = ("流程自動", "文書產製")
    domains = (_DATA, *_VIZ)
    _var = "within7_pct"
    _hints = (
        "把次數表中結案天數 1～7（含 7）那幾列的件數加起來，再除以總件數、乘以 100。",
        "「7 天以內」包含剛好 7 天的案件；可以直接寫算式，例如 `(3 + 4) / 60 * 100`。",
    )
    _solution = "```python\nwithin7_pct = 29 / 60 * 100   # 約 48.3\n```"
    _correct = 29 / 60 * 100
    _wrong = 26 / 60 * 100

    def _check(self, within7_pct: Any) -> None:
        if isinstance(within7_pct, (int, float)) and not isinstance(within7_pct, bool) and within7_pct <= 1:
            raise Mismatch("題目要的是百分比（例如 52.4），不是 0 到 1 之間的比例。")
        check_number(within7_pct, self._correct, what="7 天以內結案的百分比", abs_tol=0.05)


class ArticleFor(Problem):
    id = "module2_c.article_for"
    title = "個人資料保護法：哪一條管這件事？"
    objective = "能把公務情境對應到個人資料保護法的條文：§2 定義（直接或間接識別）、§6 特種個資、§15 蒐集處理、§16 利用、§18 安全維護。"
    competencies = ("風險辨識", "文書產製")
    domains = (_DATA, "aws-aif-c01/D5", "nvidia-nca-genl/D5")
    _var = "article_for"
    _hints = (
        "§2 定義個人資料（可直接或間接識別）；§6 是病歷、醫療、基因、性生活、健康檢查及犯罪前科；"
        "§15 是公務機關的蒐集與處理；§16 是利用（含特定目的外利用）；§18 是安全維護。",
        "「拿去做別的用途」是利用的問題（§16），不是蒐集（§15）。",
    )
    situations = {
        "A": "把為發放育兒津貼蒐集的家長資料，交給另一科辦理與津貼無關的抽獎活動",
        "B": "把身心障礙鑑定的健康檢查結果上傳雲端 AI 做摘要",
        "C": "一份只有「職稱、服務單位、到職日」的名單，是否算個人資料",
        "D": "保管申請人名冊的承辦人調職，機關指定接手的專人負責安全維護",
    }
    _expected = {"A": 16, "B": 6, "C": 2, "D": 18}
    _solution = "```python\narticle_for = {'A': 16, 'B': 6, 'C': 2, 'D': 18}\n```"
    _correct = dict(_expected)
    _wrong = {"A": 15, "B": 6, "C": 2, "D": 18}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, article_for: Any) -> None:
        _check_mapping(article_for, self._expected, "article_for", kind="int",
                       hint="答案是條號（整數），例如 5。對照課程的條文表。")


class ToolRule(Problem):
    id = "module2_c.tool_rule"
    title = "一條規則：可以用哪一種 AI 工具？"
    objective = "能依課程的一條規則（指引第 3、4 點與個資法 §2）判斷資料可用一般生成式 AI 服務、限用機關核准的封閉式地端模型，或不得使用生成式 AI。"
    competencies = ("風險辨識",)
    domains = (_DATA, *_TRUST)
    _var = "tool_for"
    _hints = (
        "已公開（或經機關同意公開）、不含個資 → 可用一般服務；機密文書 → 不得使用。",
        "去識別化後若尚未公開、也未經機關同意，仍不能進一般服務；以代號取代姓名但對照表還在，仍可間接識別。",
    )
    items = {
        "A": "已公告的垃圾清運時間表，請 AI 做成長者易讀版",
        "B": "去識別化、但尚未公開也未經機關同意的科內加班統計",
        "C": "列為密件的人事評議紀錄，請 AI 潤飾",
        "D": "保留身分證字號末 4 碼與住址的補助名冊，請 AI 整理格式",
    }
    _expected = {"A": "可用一般服務", "B": "限核准的地端模型", "C": "不得使用", "D": "限核准的地端模型"}
    _solution = "```python\ntool_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "B": "可用一般服務"}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, tool_for: Any) -> None:
        _check_mapping(tool_for, self._expected, "tool_for", allowed=TOOL_USES,
                       hint="先問：公開了嗎？還認得出人嗎？是機密文書嗎？")


class AmendmentFacts(Problem):
    id = "module2_c.amendment_2025"
    title = "2025 年個資法修正：是非題"
    objective = "能說出 2025 年個人資料保護法修正與公務機關有關的重點，並知道哪些細節仍以主管機關發布為準。"
    competencies = ("風險辨識",)
    domains = (_DATA, "aws-aif-c01/D5", "gov-ai-core/C1")
    _var = "amendment"
    _hints = (
        "2025-10-17 三讀、2025-11-11 公布；施行日期由行政院定之。",
        "公務機關要設個人資料保護長；外洩要通知當事人，達一定規模還要通報。確切時限以主管機關發布之辦法為準。",
    )
    statements = {
        "A": "修正條文於 2025-10-17 經立法院三讀通過",
        "B": "修正後，公務機關應設置個人資料保護長",
        "C": "修正條文已明定個資外洩後 24 小時內必須通報",
        "D": "修正條文的施行日期由立法院另行決議",
    }
    _expected = {"A": True, "B": True, "C": False, "D": False}
    _solution = "```python\namendment = {'A': True, 'B': True, 'C': False, 'D': False}\n```"
    _correct = dict(_expected)
    _wrong = {"A": True, "B": True, "C": True, "D": False}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, amendment: Any) -> None:
        _check_mapping(amendment, self._expected, "amendment", kind="bool",
                       hint="對照課程的修法重點表；沒有明文的時限不要自己補。")


class OldToolMisses(Problem):
    id = "module2_c.old_tool_misses"
    title = "舊版遮罩工具漏了哪些？"
    objective = "能執行遮罩工具並比對前後文字，找出身分證字號緊貼中文字時舊版工具漏遮的情形。"
    competencies = ("流程自動", "風險辨識")
    domains = (_DATA, *_TRUST)
    _var = "missed"
    _hints = (
        "逐一看輸出：哪一個號碼還是完整的 10 碼？",
        "舊版工具用 `\\b`（字的邊界）；中文字也算「字」，所以號碼緊貼中文字時找不到邊界。",
    )
    text = "A 申請人 B123456781 已補件；B 陳情人C287654321住和平里；C 代理人（D198765432）；D 電話：E212345678。"
    _solution = "```python\nmissed = {'B'}\n```"
    _correct = {"B"}
    _wrong = {"B", "C"}

    def _check(self, missed: Any) -> None:
        check_labels(missed, ["B"], what="舊版工具漏遮的號碼代號")


class StillVisible(Problem):
    id = "module2_c.still_visible"
    title = "遮罩後還看得到什麼？"
    objective = "能讀遮罩工具的輸出，找出工具不會處理、仍須由人遮蔽的個人資料（姓名、地址、健康資料、其他證號）。"
    competencies = ("風險辨識",)
    domains = (_DATA, *_TRUST)
    _var = "still_visible"
    _hints = (
        "工具只處理身分證字號、手機與電子郵件。其他能認出人的資料呢？",
        "病歷、醫療、健康檢查屬個資法 §6 的特種個資，遮罩工具看不懂它們。",
    )
    text = ("A 申請人王大同（B 身分證H123456785）住 C 臺南市東區長榮路二段 5 號，D 手機 0912 345 678，"
            "E 患有氣喘需定期回診。")
    _solution = "```python\nstill_visible = {'A', 'C', 'E'}\n```"
    _correct = {"A", "C", "E"}
    _wrong = {"A", "C"}

    def _check(self, still_visible: Any) -> None:
        check_labels(still_visible, ["A", "C", "E"], what="工具處理後仍須人工遮蔽的項目代號")


class KThreshold(Problem):
    id = "module2_c.k_threshold"
    title = "哪些設定達到 k ≥ 4？"
    objective = "能讀 k-匿名檢查工具的結果，依「k 至少為 4」的發布門檻判斷哪些概括化設定可以發布，門檻值本身也算達標。"
    competencies = ("風險辨識", "流程自動")
    domains = (_DATA, *_TRUST)
    _var = "publishable"
    _hints = (
        "「至少為 4」表示 k = 4 也可以。",
        "逐列看檢查工具表格的「k 值」欄。",
    )
    settings = {"S1": (10, ["性別", "里別"]), "S2": (30, ["性別"]), "S3": (0, ["性別", "里別"]), "S4": (0, ["里別"]),
                "S5": (20, ["性別"])}
    _solution = "```python\npublishable = {'S3', 'S4'}\n```"
    _correct = {"S3", "S4"}
    _wrong = {"S4"}

    def _check(self, publishable: Any) -> None:
        check_labels(publishable, ["S3", "S4"], what="k 至少為 4 的設定代號")


# Lesson c_01: q1–q5 · c_02: q6–q8 · c_03: q9–q11 · c_04: q12–q14.
q1 = ClassifyData()
q2 = AllowedLevels()
q3 = MaskNames()
q4 = AgeBands()
q5 = KByHand()
q6 = LieFactor()
q7 = SlowestSection()
q8 = WithinDays()
q9 = ArticleFor()
q10 = ToolRule()
q11 = AmendmentFacts()
q12 = OldToolMisses()
q13 = StillVisible()
q14 = KThreshold()
