"""模組 4 管AI（資安／隱私／法遵）的練習題。Exercise set for module 4 (route A, optional on route B).

Bind in a notebook: ``from govai.exercises import module4 as ex``; then ``ex.q1.check()``.
The lesson data sit in ``data/module4/`` (synthetic, 合成資料).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govai.exercises.compare import check_labels, check_number
from govai.exercises.core import (
    RISK_SOURCES,
    Mismatch,
    Problem,
    check_code_set,
    check_function_cases,
    expect_type,
    is_starter_function,
    same,
)

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
        return is_starter_function(func, "A123456789")

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
        return is_starter_function(func, "0912-345-678")

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
        check_code_set(ids, self._expected, "injection_ids", "M003",
                       "有 {n} 則留言只是一般詢問或含個資，不是提示注入。個資是另一種風險。",
                       "還漏了 {n} 則。提示：指令也可能藏在請 AI 處理（例如翻譯）的文字裡。")


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
        "看上面 `clauses` 表格的「草案已列入」欄，逐列找出寫著「否」的條款，把它們的條款代號寫進集合。",
        "一共有 5 條。（進階選做：想用程式篩選的學員可以寫 `set(clauses.loc[clauses['草案已列入'] == '否', '條款代號'])`。）",
    )
    _solution = '```python\nmissing = {"C01", "C03", "C05", "C07", "C10"}  # 「草案已列入」為「否」的 5 條\n```'
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


# -- 第 3 課：AI 服務採購與驗收 ------------------------------------------------------------------
# Imports stay inside the functions below: this part is appended to the module, and an import
# placed after code would break the import-at-top convention (ruff E402).

# 驗收項目的比較方式：量測值與門檻的比較方向（門檻本身是教學假設，寫在 data/module4/acceptance_report.csv）。
ACCEPTANCE_OPERATORS = ("≥", "≤")


def z_value(level: float = 0.95) -> float:
    """Two-sided critical value of the standard normal: z = NormalDist().inv_cdf(1 − (1 − level)/2)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def ci_half_width(p: float, n: int, level: float = 0.95) -> float:
    """Half-width of the normal-approximation (Wald) interval of a proportion: z·√(p(1−p)/n)."""
    import math

    return z_value(level) * math.sqrt(p * (1 - p) / n)


def accuracy_ci(p: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """(lower, upper) of the Wald interval, clipped to [0, 1] because a proportion cannot leave it."""
    half = ci_half_width(p, n, level)
    return max(0.0, p - half), min(1.0, p + half)


def sample_size(half_width: float, p: float, level: float = 0.95) -> int:
    """Smallest n with z·√(p(1−p)/n) ≤ half_width, i.e. n = ⌈z²·p(1−p)/E²⌉."""
    import math

    return math.ceil(z_value(level) ** 2 * p * (1 - p) / half_width ** 2)


def meets(value: float, operator: str, threshold: float) -> bool:
    """Does a measured value satisfy its acceptance criterion (``≥`` or ``≤`` the threshold)?"""
    if operator == "≥":
        return value >= threshold
    if operator == "≤":
        return value <= threshold
    raise ValueError(f"比較方式只能是 {'、'.join(ACCEPTANCE_OPERATORS)}，收到 {operator!r}")


def ci_render(n: float, p: float = 0.90, target: float = 0.03) -> str:
    """What the lesson's slider shows: the 95% interval of a measured accuracy ``p`` on ``n`` cases."""
    n = int(n)
    half = ci_half_width(p, n)
    low, high = accuracy_ci(p, n)
    verdict = (f"✅ 半寬不超過 {target:.2f}" if half <= target
               else f"❌ 半寬超過 {target:.2f}，測試件數還不夠")
    return (f"<p>測試 {n} 件、量到正確率 {p:.2f}：95% 信賴區間約 <b>{low:.3f} ～ {high:.3f}</b>"
            f"（半寬 ±{half:.4f}）　{verdict}</p>"
            f"<p>公式：半寬 = z × √(p(1−p)/n)，z = NormalDist().inv_cdf(0.975) ≈ {z_value():.4f}"
            "（常態近似；件數很少或正確率接近 0 或 1 時不準）</p>")


class UnsuitableClauses(Problem):
    id = "module4.unsuitable_clauses"
    title = "廠商版契約草案中的不適當條款"
    objective = ("能依個人資料保護法第 4 條與施行細則第 8 條（委託機關監督）、資通安全管理法的委外監督規定"
                 "與行政院生成式AI參考指引，找出廠商版 AI 服務契約中損及機關監督權或違反規範的條款。")
    competencies = ("行政監理", "風險辨識")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5", "ipas-planner-basic/L12")
    _var = "unsuitable"
    _expected = frozenset({"V02", "V04", "V06", "V08", "V11"})
    _hints = (
        "逐條問：這一條是否讓廠商把資料用在委託目的以外、讓機關看不到或管不到（日誌、模型變更）、"
        "或讓契約結束後資料與成果留在廠商手上？",
        "別漏了成果的權利歸屬：如果機關在契約結束後不能再使用 AI 產出，就無法移轉給下一家廠商。一共有 5 條。",
    )
    _solution = '```python\nunsuitable = {"V02", "V04", "V06", "V08", "V11"}\n```'
    _correct = {"V02", "V04", "V06", "V08", "V11"}
    _wrong = {"V02", "V04", "V06", "V08"}

    def _check(self, unsuitable: Any) -> None:
        check_code_set(unsuitable, self._expected, "unsuitable", "V01",
                       "有 {n} 條其實是機關應該要求（或可以接受）的條款，不是不適當的條款。",
                       "還漏了 {n} 條。再看看模型更新、日誌查閱、契約結束後的資料與產出權利。")


class AcceptanceDecision(Problem):
    id = "module4.acceptance_decision"
    title = "依驗收測試報告判定通過與否"
    objective = "能依契約的量化驗收標準逐項比對測試報告，找出未達標的項目並作出通過或不通過的驗收判定。"
    competencies = ("行政監理", "風險辨識")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5", "ipas-planner-basic/L12")
    _var = ("failed_items", "accepted")
    _expected = frozenset({"A2", "A5"})
    _hints = (
        "只看「驗收回合」為「複驗」的 5 列，逐列比較「量測值」與「門檻」，注意「比較」欄是 ≥ 還是 ≤。",
        "每一列問同一個問題：「量測值依『比較』符號和門檻比，成立嗎？」例如 0.95 ≥ 0.90 成立、3.2 ≤ 3 不成立。"
        "件數本身也是驗收項目。任何一項未達標，驗收就不通過。",
    )
    _solution = (
        '```python\nfailed_items = {"A2", "A5"}  # A2：60 件未達 300 件；A5：3.6 秒超過 3 秒\n'
        "accepted = False               # 有項目未達標就不通過\n```"
    )
    _correct = ({"A2", "A5"}, False)
    # Reads only the measured rates and forgets that the test set itself was too small.
    _wrong = ({"A5"}, False)
    _blank = (None, None)

    def _check(self, failed_items: Any, accepted: Any) -> None:
        expect_type(accepted, bool, "accepted")
        check_code_set(failed_items, self._expected, "failed_items", "A1",
                       "有 {n} 項其實達標了：再確認比較方向（≥ 或 ≤）與是否看的是「複驗」那幾列。",
                       "還漏了 {n} 項未達標。正確率看起來夠高時，也要看它是用多少件測出來的。")
        if accepted is not False:
            raise Mismatch("有項目未達標時，驗收判定應該是什麼？驗收標準是每一項都要達標。")


class AcceptanceSampleSize(Problem):
    id = "module4.acceptance_sample_size"
    title = "驗收測試需要多少件"
    objective = ("能用信賴區間說明驗收測試件數與量測精確度的關係，"
                 "並計算達到指定精確度所需的最少測試件數，寫進驗收規格。")
    competencies = ("行政監理", "風險辨識")
    domains = ("gov-ai-planning/P3", "aws-aif-c01/D5", "ipas-planner-basic/L12")
    _var = "n_needed"
    _hints = (
        "公式：n = z² × p(1−p) ÷ E²，其中 z = NormalDist().inv_cdf(0.975)、p = 0.90、E = 0.03。",
        "件數必須是整數，而且要「至少」達到精確度：算出來有小數時要無條件進位（例如 120.2 件要寫 121 件）。"
        "也可以拖動上面的滑桿，找半寬第一次不超過 0.03 的件數。",
    )
    _solution = (
        "```python\nn_needed = 385  # 1.96² × 0.90 × 0.10 ÷ 0.03² ≈ 384.2，無條件進位\n```"
    )
    _correct = 385
    # Rounded down: 384 cases give a half-width just above 0.03.
    _wrong = 384

    def _check(self, n_needed: Any) -> None:
        if type(n_needed) is float and float(n_needed).is_integer():
            n_needed = int(n_needed)        # 385.0 件也是 385 件
        if type(n_needed) is float:
            raise Mismatch("件數要是整數：算出來有小數時，想一想要捨去、四捨五入還是無條件進位。")
        expect_type(n_needed, int, "n_needed")
        expected = sample_size(0.03, 0.90)
        if n_needed == expected - 1:
            raise Mismatch("很接近了，但這個件數的半寬還略大於 0.03：有小數時要無條件進位。")
        if n_needed > expected:
            raise Mismatch("這個件數夠用，但不是「最少」需要的件數；多測雖然更精確，也增加驗收成本。")
        same(n_needed, expected, what="最少測試件數")


class ClauseBasis(Problem):
    id = "module4.clause_basis"
    title = "契約要求的法令與指引依據"
    objective = "能說明 AI 服務契約的各項要求分別出自個人資料保護法、資通安全管理法或行政院生成式AI參考指引。"
    competencies = ("行政監理", "風險辨識")
    domains = ("gov-ai-planning/P3", "ipas-planner-basic/L12", "aws-aif-c01/D5")
    _var = "clause_basis"
    BASES = ("個人資料保護法", "資通安全管理法", "行政院生成式AI參考指引")
    _expected = {
        "受託廠商只能在機關指示的範圍內處理民眾個人資料，契約終止時返還並刪除": "個人資料保護法",
        "委外前評估廠商的資安專業能力，履約期間監督其資通安全維護情形": "資通安全管理法",
        "同仁不得把含個人資料的陳情內容輸入未經機關核可的生成式 AI 工具": "行政院生成式AI參考指引",
        "AI 分案結果只是建議，由承辦人確認並負最後判斷責任": "行政院生成式AI參考指引",
    }
    _hints = (
        "個人資料保護法管「個人資料的蒐集、處理、利用」（含委託他人時的監督）；"
        "資通安全管理法管「資通系統與資通服務的安全」（含委外的選任與監督）；"
        "行政院生成式AI參考指引管「公務人員怎麼使用生成式 AI」。",
    )
    _solution = "```python\nclause_basis = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "受託廠商只能在機關指示的範圍內處理民眾個人資料，契約終止時返還並刪除": "資通安全管理法"}

    def _check(self, clause_basis: Any) -> None:
        expect_type(clause_basis, dict, "clause_basis")
        missing = [k for k in self._expected if k not in clause_basis]
        if missing:
            raise Mismatch(f"還缺 {len(missing)} 項要求的依據。")
        for v in clause_basis.values():
            if type(v) is not str or v not in self.BASES:
                raise Mismatch("每個值都要是下列之一的完整名稱：" + "、".join(self.BASES))
        wrong = [k for k, v in self._expected.items() if clause_basis[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 項的依據不對。問問自己：這項要求保護的是個人資料、系統安全，還是同仁使用 AI 的方式？")


# Numbered in the order lesson 3 asks them: basis → clauses → sample size → decision.
q6 = ClauseBasis()
q7 = UnsuitableClauses()
q8 = AcceptanceSampleSize()
q9 = AcceptanceDecision()


# -- 提供的工具（課程與評分作業共用）：學習者執行、閱讀、判斷，不必自己寫程式 ------------------------


def id_checksum(text: str) -> int | None:
    """The weighted checksum sum of a letter + 9 digits (letter read case-insensitively); None otherwise.

    It does only the arithmetic: whether the string is a valid ID (format rule + sum divisible by 10)
    is the learner's judgement.
    """
    if type(text) is not str or len(text) != 10 or not text[1:].isdigit() or text[0].upper() not in LETTER_CODES:
        return None
    code = LETTER_CODES[text[0].upper()]
    digits = [code // 10, code % 10] + [int(c) for c in text[1:]]
    return sum(d * w for d, w in zip(digits, ID_WEIGHTS, strict=True))


def id_checksum_report(candidates: Mapping[str, str]) -> Any:
    """A table per candidate string: length, first two characters, weighted sum and its remainder mod 10."""
    import pandas as pd

    rows = []
    for key, text in candidates.items():
        total = id_checksum(text)
        rows.append({"代號": key, "候選字串": text, "長度": len(text), "第1碼": text[:1], "第2碼": text[1:2],
                     "加權總和": "—" if total is None else total,
                     "除以10的餘數": "—" if total is None else total % 10})
    return pd.DataFrame(rows).set_index("代號")


def mask_report(messages: Mapping[str, str]) -> None:
    """Print each message and what the provided masking tool would send to the model."""
    for key, text in messages.items():
        print(f"【{key}】原文　：{text}")
        print(f"　　　 遮罩後：{_mask(text)}")


# -- 第 4 課：AI 服務的政府採購 ------------------------------------------------------------------


class ProcurementRules(Problem):
    id = "module4.procurement_rules"
    title = "最有利標、評選委員會與保密"
    objective = "能正確說明政府採購法第 56 條最有利標、第 94 條評選委員會與第 34 條保密的規定。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3",)
    _var = "true_statements"
    _expected = frozenset({2, 3, 5})
    _hints = (
        "回到本課「最有利標」與「評選委員會與保密」兩節，逐句比對條文重點：評選的項目、次數、委員人數與組成、什麼要保密到什麼時候。",
        "有 3 句正確。注意「專家學者」的比例與身分限制，以及底價與投標文件各自保密到什麼時候。",
    )
    _solution = "```python\ntrue_statements = {2, 3, 5}\n```"
    _correct = {2, 3, 5}
    _wrong = {2, 3, 4, 5}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="正確敘述的編號")


class PerformanceDeduction(Problem):
    id = "module4.performance_deduction"
    title = "服務水準分級扣款"
    objective = "能依契約的服務水準分級扣款表計算 AI 服務未達標時的扣款金額。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3",)
    _var = "lesson_deduction"
    _hints = (
        "一個月一個月算：先看可用率落在哪一級（注意「以上」包含下限本身），再乘上月服務費。",
        "99.0% 恰好是「99.0% 以上、未達 99.5%」那一級的下限。",
    )
    _solution = "```python\nlesson_deduction = 0 + 60 * 0.02 + 60 * 0.05  # 4.2 萬元\n```"
    _correct = 4.2
    _wrong = 6.0

    def _check(self, value: Any) -> None:
        check_number(value, 4.2, abs_tol=0.01, what="三個月的扣款合計（萬元）")


class AcceptancePath(Problem):
    id = "module4.acceptance_path"
    title = "驗收不符時走哪一條路"
    objective = "能依政府採購法第 72 條與契約約定，判斷驗收結果應驗收合格、限期改善或減價收受。"
    competencies = ("行政監理",)
    domains = ("gov-ai-planning/P3",)
    _var = "paths"
    _expected = {"甲": "限期改善", "乙": "減價收受", "丙": "驗收合格"}
    CHOICES = ("驗收合格", "限期改善", "減價收受")
    _hints = (
        "先問：主要項目（影響安全或使用的）都達標了嗎？沒有 → 限期改善後複驗。",
        "只有次要項目不符，而且不妨礙安全及使用、不減少效用時，契約才讓機關選擇減價收受。",
    )
    _solution = '```python\npaths = {"甲": "限期改善", "乙": "減價收受", "丙": "驗收合格"}\n```'
    _correct = dict(_expected)
    _wrong = {"甲": "減價收受", "乙": "減價收受", "丙": "驗收合格"}

    def _check(self, value: Any) -> None:
        expect_type(value, dict, "paths")
        if set(value) != set(self._expected):
            raise Mismatch("請保留甲、乙、丙三個批次。")
        if any(v not in self.CHOICES for v in value.values()):
            raise Mismatch("每個值只能是「驗收合格」「限期改善」或「減價收受」。")
        wrong = [k for k, v in self._expected.items() if value[k] != v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個批次判斷不對：先看主要項目是否達標，再看次要項目是否妨礙安全及使用。")


# -- 第 5 課：現行法規 -------------------------------------------------------------------------


class AiActFacts(Problem):
    id = "module4.ai_act_facts"
    title = "人工智慧基本法的重點"
    objective = "能正確說明人工智慧基本法的公布施行日、定義、主管機關、第 5 條高風險標示與第 19 條機關義務。"
    competencies = ("風險辨識", "行政監理")
    domains = ("gov-ai-core/C1",)
    _var = "act_true"
    _expected = frozenset({"A", "C", "D"})
    _hints = (
        "回到本課第 1 節，逐句比對：公布施行日期、第 3 條定義的用字、誰認定高風險、第 19 條要求什麼。",
        "有 3 句正確。第 5 條的高風險是由誰認定、要先諮詢誰？",
    )
    _solution = '```python\nact_true = {"A", "C", "D"}\n```'
    _correct = {"A", "C", "D"}
    _wrong = {"A", "B", "C", "D"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="正確敘述的代號")


class PdpaOtherPurpose(Problem):
    id = "module4.pdpa_2025"
    title = "個資法：目的外利用與 2025 修正"
    objective = "能依個資法第 16 條判斷行政資料目的外利用的例外事由，並說明 2025 修正的個人資料保護長與事故通知。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("gov-ai-core/C1", "iii-genai/D4")
    _var = "exceptions"
    _expected = frozenset({"B", "D", "F"})
    _hints = (
        "第 16 條但書列了七款例外，回到本課第 2 節的表逐一比對。",
        "有 3 項是條文列出的例外。「機關覺得比較方便」或「廠商需要資料訓練模型」都不在其中。",
    )
    _solution = '```python\nexceptions = {"B", "D", "F"}\n```'
    _correct = {"B", "D", "F"}
    _wrong = {"B", "C", "D", "F"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="屬於個資法第 16 條但書例外事由的代號")


class ClassifiedDocs(Problem):
    id = "module4.classified_docs"
    title = "哪些工作可以用生成式 AI"
    objective = "能依生成式AI參考指引第 3、4 點判斷哪些公務工作可以使用生成式 AI，哪些禁止使用。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("gov-ai-core/C2",)
    _var = "allowed"
    _expected = frozenset({2, 4})
    _hints = (
        "第 3 點：機密文書（國家機密文書與一般公務機密文書）一律由承辦人親自撰寫，不論用哪一種生成式 AI。",
        "第 4 點：不得提供個人資料或未經同意公開的資訊；只有封閉式地端部署、確認環境安全後，才得依機密等級分級使用。",
    )
    _solution = "```python\nallowed = {2, 4}\n```"
    _correct = {2, 4}
    _wrong = {2, 4, 5}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="依指引可以使用生成式 AI 的工作編號")


q10 = ProcurementRules()
q11 = PerformanceDeduction()
q12 = AcceptancePath()
q13 = AiActFacts()
q14 = PdpaOtherPurpose()
q15 = ClassifiedDocs()


# -- 第 1 課的免寫程式練習：執行提供的工具，判讀結果 ------------------------------------------------


class ValidIdTable(Problem):
    id = "module4.valid_id_table"
    title = "由檢查碼表判斷有效身分證字號"
    objective = "能讀懂檢查碼工具的輸出，依格式規則與餘數判斷哪些字串是有效身分證字號。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "gov-ai-core/C1")
    _var = "valid_codes"
    _expected = frozenset({"C1", "C3"})
    _hints = ("兩個條件都要成立：共 10 碼且第 2 碼是 1 或 2；加權總和除以 10 的餘數是 0。",
              "有一個字串餘數是 0，但第 2 碼不是 1 或 2。")
    _solution = '```python\nvalid_codes = {"C1", "C3"}\n```'
    _correct = {"C1", "C3"}
    _wrong = {"C1", "C3", "C4"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="有效身分證字號的代號")


class MaskReview(Problem):
    id = "module4.mask_review"
    title = "遮罩工具漏了哪些"
    objective = "能比對遮罩工具的輸入與輸出，找出仍暴露個人資料的留言，作為要求改善的依據。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("aws-aif-c01/D5", "gov-ai-core/C1")
    _var = "leaky"
    _expected = frozenset({"M2", "M5", "M6"})
    _hints = ("逐則比對「原文」與「遮罩後」：遮罩後還看得到完整的電話、身分證字號、電子郵件或地址嗎？",
              "注意有空格的市話、加了國碼的手機，以及工具根本不處理的地址。")
    _solution = '```python\nleaky = {"M2", "M5", "M6"}\n```'
    _correct = {"M2", "M5", "M6"}
    _wrong = {"M2", "M6"}

    def _check(self, value: Any) -> None:
        check_labels(value, self._expected, what="遮罩後仍暴露個人資料的留言代號")


q16 = ValidIdTable()
q17 = MaskReview()
