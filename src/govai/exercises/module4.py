"""模組 4 管AI（資安／隱私／法遵）的練習題。Exercise set for module 4 (route A, optional on route B).

Bind in a notebook: ``from govai.exercises import module4 as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module4/`` (synthetic, 合成資料).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type, same

# 人工智慧基本法 七大原則（出處：人工智慧基本法，2025-12-23 三讀）
SEVEN_PRINCIPLES = (
    "永續發展與福祉", "人類自主", "隱私保護與資料治理", "資安與安全", "透明與可解釋", "公平與不歧視", "問責",
)
# 數位發展部 AI 風險分類框架草案的三種風險來源
RISK_SOURCES = ("技術設計缺陷", "部署與人機互動", "社會結構衝擊")

# 身分證字號第一碼英文字母的對應數值（內政部編碼規則；I、O 排在最後，W 在 Y 之後）。
LETTER_CODES: dict[str, int] = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
ID_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)

_ID_PATTERN = re.compile(r"[A-Z][12]\d{8}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_MOBILE = re.compile(r"09\d{2}-?\d{3}-?\d{3}")
_LANDLINE = re.compile(r"0\d{1,2}-\d{3,4}-\d{4}")


def _valid_id(text: str) -> bool:
    """Reference check of a Taiwan national ID: format, then the weighted checksum mod 10."""
    if type(text) is not str or not _ID_PATTERN.fullmatch(text):
        return False
    code = LETTER_CODES[text[0]]
    digits = [code // 10, code % 10] + [int(c) for c in text[1:]]
    return sum(d * w for d, w in zip(digits, ID_WEIGHTS, strict=True)) % 10 == 0


def _mask(text: str) -> str:
    """Reference masking, in the order the lesson teaches: e-mail, ID, mobile, landline."""
    text = _EMAIL.sub("[電郵]", text)
    text = _ID_PATTERN.sub("[身分證]", text)
    text = _MOBILE.sub("[電話]", text)
    return _LANDLINE.sub("[電話]", text)


def mask_demo(text: str) -> str:
    """What the lesson's playground shows: the reference masking of ``text``."""
    return _mask(text)


def risk_scores(ratings: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """Risk score = likelihood × impact (1–5 each) per principle: the worksheet's rule."""
    return {name: int(lik) * int(imp) for name, (lik, imp) in ratings.items()}


def risk_band(score: int) -> str:
    """Bands used in the lessons: ≥ 12 高, 6–11 中, ≤ 5 低 (a course convention, not a legal rule)."""
    return "高" if score >= 12 else ("中" if score >= 6 else "低")


def pii_playground() -> Any:
    """A text box: type a message, see what would be sent to the model after masking."""
    import ipywidgets as w
    from IPython.display import display

    box = w.Textarea(value="我的手機 0912-345-678，身分證 A123456789，信箱 chen@example.com",
                     layout=w.Layout(width="600px", height="80px"), description="")
    out = w.HTML()

    def show(_: Any = None) -> None:
        # html-escape the learner's text: it is displayed, never executed.
        import html

        out.value = f"<p>送給模型的內容：</p><pre>{html.escape(_mask(box.value))}</pre>"

    box.observe(show, names="value")
    show()
    ui = w.VBox([w.HTML("<b>輸入一段留言，看看遮罩後的樣子</b>"), box, out])
    display(ui)
    return ui


def risk_worksheet(rows: Mapping[str, tuple[int, int]]) -> Any:
    """Two sliders per principle (可能性, 影響); the table of scores and bands updates as they move."""
    import ipywidgets as w
    from IPython.display import display

    sliders: dict[str, tuple[Any, Any]] = {}
    lines = []
    for name, (lik, imp) in rows.items():
        a = w.IntSlider(value=lik, min=1, max=5, description="可能性", continuous_update=False)
        b = w.IntSlider(value=imp, min=1, max=5, description="影響", continuous_update=False)
        sliders[name] = (a, b)
        lines.append(w.HBox([w.Label(name, layout=w.Layout(width="160px")), a, b]))
    out = w.HTML()

    def update(_: Any = None) -> None:
        scores = risk_scores({k: (a.value, b.value) for k, (a, b) in sliders.items()})
        body = "".join(f"<tr><td>{k}</td><td>{v}</td><td>{risk_band(v)}</td></tr>"
                       for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))
        out.value = f"<table><tr><th>原則</th><th>風險分數</th><th>等級</th></tr>{body}</table>"

    for a, b in sliders.values():
        a.observe(update, names="value")
        b.observe(update, names="value")
    update()
    ui = w.VBox([*lines, out])
    display(ui)
    return ui


def _returns_none(func: Any, *args: Any) -> bool:
    try:
        return func(*args) is None
    except Exception:
        return False


class ValidTaiwanId(Problem):
    id = "module4.valid_tw_id"
    title = "身分證字號檢查碼"
    objective = "能以身分證字號的檢查碼規則判斷一串文字是否為有效的身分證字號，減少個資偵測的誤判。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D5", "gov-ai-core/C1")
    _var = "is_valid_id"
    _hints = (
        "先檢查格式：1 個大寫英文字母、第二碼 1 或 2、再 8 個數字，共 10 碼（`re.fullmatch(r'[A-Z][12]\\d{8}', s)`）。",
        "英文字母換成兩位數對應數值（A=10、B=11…，表格在課文中），拆成十位與個位，和後面 9 個數字一起共 11 個數字。",
        "11 個數字分別乘上 1,9,8,7,6,5,4,3,2,1,1 後加總，總和能被 10 整除就是有效。",
    )
    _solution = (
        "```python\nimport re\nCODES = dict(zip('ABCDEFGHJKLMNPQRSTUVXYWZIO', range(10, 36)))\n\n"
        "def is_valid_id(s):\n    if not re.fullmatch(r'[A-Z][12]\\d{8}', s):\n        return False\n"
        "    n = CODES[s[0]]\n    digits = [n // 10, n % 10] + [int(c) for c in s[1:]]\n"
        "    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]\n"
        "    return sum(d * w for d, w in zip(digits, weights)) % 10 == 0\n```"
    )
    _cases = (
        (("A123456789",), True), (("F222333444",), True), (("Y246813578",), True), (("W100000001",), True),
        (("A123456788",), False), (("A323456789",), False), (("a123456789",), False), (("A12345678",), False),
        # I=34, O=35, W=32 are out of alphabetical order: an alphabetical table (I=18) rejects I100000003.
        (("I100000003",), True), (("I100000006",), False),
    )
    _correct = staticmethod(_valid_id)

    @staticmethod
    def _wrong(s: str) -> bool:
        # Format only, no checksum: exactly the false positives the checksum removes.
        return bool(_ID_PATTERN.fullmatch(s))

    @staticmethod
    def _blank(s: str) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, "A123456789"))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "is_valid_id")


class MaskPii(Problem):
    id = "module4.mask_pii"
    title = "送進模型前遮罩個人資料"
    objective = "依個人資料保護法與行政院生成式AI參考指引，在文字送進 AI 前遮罩電子郵件、身分證字號與電話。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D5", "gov-ai-core/C1")
    _var = "mask_pii"
    _hints = (
        "依序做三次 `re.sub`：先電子郵件，再身分證字號，最後電話（手機與市話）。",
        "電子郵件：`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}`；身分證：`[A-Z][12]\\d{8}`。",
        "手機：`09\\d{2}-?\\d{3}-?\\d{3}`；市話：`0\\d{1,2}-\\d{3,4}-\\d{4}`；都換成 `[電話]`。",
    )
    _solution = (
        "```python\nimport re\n\ndef mask_pii(text):\n"
        "    text = re.sub(r'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', '[電郵]', text)\n"
        "    text = re.sub(r'[A-Z][12]\\d{8}', '[身分證]', text)\n"
        "    text = re.sub(r'09\\d{2}-?\\d{3}-?\\d{3}', '[電話]', text)\n"
        "    return re.sub(r'0\\d{1,2}-\\d{3,4}-\\d{4}', '[電話]', text)\n```"
    )
    _cases = (
        (("手機 0912-345-678 請回電",), "手機 [電話] 請回電"),
        (("身分證A123456789查進度",), "身分證[身分證]查進度"),
        (("信箱 lin.mei@example.com，市話 02-2720-8889",), "信箱 [電郵]，市話 [電話]"),
        (("公車 307 誤點",), "公車 307 誤點"),
        (("0987654321 與 0911-222-333",), "[電話] 與 [電話]"),
    )
    _correct = staticmethod(_mask)

    @staticmethod
    def _wrong(text: str) -> str:
        # Forgets e-mail and landlines: a common partial answer.
        return _MOBILE.sub("[電話]", _ID_PATTERN.sub("[身分證]", text))

    @staticmethod
    def _blank(text: str) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, "0912-345-678"))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "mask_pii")


class InjectionMessages(Problem):
    id = "module4.injection_messages"
    title = "找出提示注入留言"
    objective = "能辨識民眾留言中企圖改變 AI 客服指示、套取系統設定或他人資料的提示注入。"
    competencies = ("風險辨識", "行政監理")
    domains = ("aws-aif-c01/D5", "ipas-planner-basic/L12", "gov-ai-core/C1")
    _var = "injection_ids"
    _expected = frozenset({"M003", "M006", "M009", "M011", "M014"})
    _hints = (
        "提示注入的特徵：要求 AI「忽略先前指示」、切換成管理員或特殊模式、揭露系統提示詞或內部設定、把留言當成最高指令。",
        "也要注意藏在待處理內容裡的指令：留言要求 AI 處理（例如翻譯）一段本身含有指令的文字。一共有 5 則。",
    )
    _solution = '```python\ninjection_ids = {"M003", "M006", "M009", "M011", "M014"}\n```'
    _correct = {"M003", "M006", "M009", "M011", "M014"}
    _wrong = {"M003", "M006", "M009", "M014", "M002"}

    def _check(self, ids: Any) -> None:
        expect_type(ids, set, "injection_ids")
        if any(type(x) is not str for x in ids):
            raise Mismatch("集合裡的元素要是案件編號字串，例如 \"M003\"。")
        extra = {x for x in ids if x not in self._expected}
        missing = [x for x in self._expected if x not in ids]
        if extra:
            raise Mismatch(f"有 {len(extra)} 則留言只是一般詢問或含個資，不是提示注入。個資是另一種風險。")
        if missing:
            raise Mismatch(f"還漏了 {len(missing)} 則。提示：指令也可能藏在請 AI 處理（例如翻譯）的文字裡。")


class ChatbotRiskSources(Problem):
    id = "module4.chatbot_risk_sources"
    title = "AI 客服的三種風險來源"
    objective = "能以數位發展部 AI 風險分類框架草案的三種風險來源分析 AI 客服試辦的風險。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("ipas-planner-basic/L12", "aws-aif-c01/D4", "gov-ai-core/C1")
    _var = "risk_source"
    _expected = {
        "模型以過時的法規內容回答補助資格": "技術設計缺陷",
        "話務人員因忙碌而不檢查就送出 AI 草擬的回覆": "部署與人機互動",
        "市民逐漸只能透過 AI 客服聯繫機關，真人窗口被裁撤": "社會結構衝擊",
        "民眾誤以為 AI 客服的回答就是機關的正式處分": "部署與人機互動",
    }
    _hints = (
        "技術設計缺陷：問題出在模型或資料本身；部署與人機互動：系統本身可用，但人怎麼用、怎麼理解出了問題；社會結構衝擊：影響擴及整體社會或特定群體。",
    )
    _solution = "```python\nrisk_source = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "民眾誤以為 AI 客服的回答就是機關的正式處分": "技術設計缺陷"}
    _blank = None

    def _check(self, risk_source: Any) -> None:
        expect_type(risk_source, dict, "risk_source")
        missing = [k for k in self._expected if k not in risk_source]
        if missing:
            raise Mismatch(f"還缺 {len(missing)} 個情境的判斷。")
        for v in risk_source.values():
            if type(v) is not str or v not in RISK_SOURCES:
                raise Mismatch("每個值都要是三種風險來源之一的完整名稱：" + "、".join(RISK_SOURCES))
        wrong = [k for k, v in self._expected.items() if risk_source[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個情境判斷不對。問問自己：系統本身有缺陷，還是人使用它的方式出了問題？")


class MissingClauses(Problem):
    id = "module4.missing_clauses"
    title = "AI 採購契約缺了哪些資安與稽核條款"
    objective = "能檢核 AI 服務採購契約草案，找出缺漏的資料使用、稽核、變更管理與資安測試條款。"
    competencies = ("行政監理", "風險辨識")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5", "ipas-planner-basic/L12")
    _var = "missing"
    _hints = (
        "讀 `data/module4/contract_clauses.csv`，篩出「草案已列入」為「否」的列。",
        "`set(df.loc[df['草案已列入'] == '否', '條款代號'])`",
    )
    _solution = "```python\nmissing = set(clauses.loc[clauses['草案已列入'] == '否', '條款代號'])\n```"
    _expected = frozenset({"C01", "C03", "C05", "C07", "C10"})
    _correct = {"C01", "C03", "C05", "C07", "C10"}
    _wrong = {"C02", "C04", "C06", "C08", "C09"}

    def _check(self, missing: Any) -> None:
        expect_type(missing, set, "missing")
        same(missing, set(self._expected), what="缺漏條款")


q1 = ValidTaiwanId()
q2 = MaskPii()
q3 = InjectionMessages()
q4 = ChatbotRiskSources()
q5 = MissingClauses()
