"""模組 8 用AI（場景導入、提示設計、內容產製）的練習題。Exercise set for module 8 (route C).

Bind in a notebook: ``from govai.exercises import module8 as ex``; then ``ex.q1.check()``.
Lessons: ``notebooks/module8_adoption/01_scenarios_prompts.ipynb`` (q1–q2) and
``notebooks/module8_adoption/02_documents_media_batch.ipynb`` (q3–q7).

``prompt_rubric`` grades a prompt written as a structure (role, task, context, format,
constraints, examples) with criteria a learner can read; ``send_prompt`` sends a prompt to
an OpenAI-compatible endpoint when ``GOVAI_LLM_URL`` is set, and otherwise returns None:
grading never depends on a live model.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from govai.exercises.core import Mismatch, Problem, check_function_cases, expect_type

_PLAN = "ipas-planner-intermediate/L21"
_OFFICE = ("iii-genai-office/N1", "iii-genai-office/N2")
_ART = ("iii-genai-art/N1", "iii-genai-art/N2")
_ASSIST = ("iii-llm-assistant/N1", "iii-llm-assistant/N2")

# -- prompt design ------------------------------------------------------------------------------

PROMPT_FIELDS = {
    "role": "角色",
    "task": "任務",
    "context": "背景",
    "format": "格式",
    "constraints": "限制",
    "examples": "範例",
}
# Patterns of personal data that must never be put in a prompt (行政院生成式AI參考指引).
_PERSONAL = (
    re.compile(r"[A-Z][12]\d{8}"),            # 身分證字號
    re.compile(r"09\d{2}-?\d{3}-?\d{3}"),     # 手機號碼
    re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),  # 電子郵件
)
_ANTI_FABRICATION = ("不確定", "編造", "查證", "不知道", "無法確認")


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "\n".join(v for v in value if isinstance(v, str))
    return ""


def prompt_rubric(prompt: Mapping[str, Any]) -> list[tuple[str, bool, str]]:
    """Grade a structured prompt: a list of (criterion, passed, advice), one per criterion.

    The criteria, in order:
    1. 角色: ``role`` is a string of at least 2 characters.
    2. 任務: ``task`` is a string of at least 6 characters.
    3. 背景: ``context`` is a string of at least 10 characters.
    4. 格式: ``format`` is a string of at least 4 characters.
    5. 限制: ``constraints`` is a non-empty list of strings.
    6. 範例: ``examples`` is a non-empty list of strings.
    7. 不含個資: no field contains an ID number, mobile number or e-mail address.
    8. 防止編造: a constraint asks the model to say when it is unsure or not to make things up.
    """
    def text(key: str) -> str:
        value = prompt.get(key) if isinstance(prompt, Mapping) else None
        return value if type(value) is str else ""

    def items(key: str) -> list[str]:
        value = prompt.get(key) if isinstance(prompt, Mapping) else None
        if type(value) is not list:
            return []
        return [v for v in value if type(v) is str and v.strip()]

    everything = "\n".join(_text_of(prompt.get(k)) for k in PROMPT_FIELDS) if isinstance(prompt, Mapping) else ""
    constraints = items("constraints")
    return [
        ("角色", len(text("role").strip()) >= 2, "指明 AI 扮演誰，例如「區公所社會課的承辦人」。"),
        ("任務", len(text("task").strip()) >= 6, "用一句完整的話寫出要它做什麼（動詞＋對象）。"),
        ("背景", len(text("context").strip()) >= 10, "補上讀者是誰、用在哪裡、依據哪些公開資料。"),
        ("格式", len(text("format").strip()) >= 4, "說明輸出格式：字數、段落、條列或表格。"),
        ("限制", len(constraints) >= 1, "constraints 要是字串串列，至少一條限制（語氣、字數、不可寫的內容）。"),
        ("範例", len(items("examples")) >= 1, "examples 要是字串串列，至少給一個範例，讓 AI 模仿。"),
        ("不含個資", not any(p.search(everything) for p in _PERSONAL),
         "提示詞中不可出現身分證字號、手機號碼或電子郵件：先去識別化。"),
        ("防止編造", any(w in c for c in constraints for w in _ANTI_FABRICATION),
         "加一條限制，要求資料不足或不確定時直接說明、不得編造。"),
    ]


def prompt_to_text(prompt: Mapping[str, Any]) -> str:
    """The structured prompt as the plain text one would paste into a chat tool."""
    lines = []
    for key, label in PROMPT_FIELDS.items():
        value = prompt.get(key)
        if isinstance(value, list):
            body = "\n".join(f"- {v}" for v in value)
            lines.append(f"【{label}】\n{body}")
        elif value:
            lines.append(f"【{label}】{value}")
    return "\n".join(lines)


def llm_configured() -> bool:
    return bool(os.environ.get("GOVAI_LLM_URL"))


def send_prompt(text: str) -> str | None:
    """Send ``text`` to the configured model; None when no endpoint is configured or the call fails.

    The lesson goes on offline whatever went wrong; graders never call this.
    """
    from govai import llm

    try:
        return llm.chat([{"role": "user", "content": text}])
    except llm.LLMUnavailable:
        return None


# -- exercises ----------------------------------------------------------------------------------

USES = ("可以使用", "去識別化後才可", "不得使用")


def _returns_none(func: Any, *args: Any) -> bool:
    try:
        return func(*args) is None
    except Exception:
        return False


class TaskSuitability(Problem):
    id = "module8.task_suitability"
    title = "哪些工作適合交給生成式 AI？"
    objective = "依行政院生成式AI參考指引，判斷公務工作可以使用、去識別化後才可使用、或不得使用生成式 AI。"
    competencies = ("風險辨識", "文書產製")
    domains = (_PLAN, "iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "use_of"
    _hints = (
        "機密文書應由承辦人親自撰寫；AI 產出不得作為行政行為的唯一依據。",
        "含個資的資料先去識別化（內容若未公開，還要經機關同意）；已公開的內容可以直接使用（產出仍要查核）。",
    )
    _expected = {
        "把已公告的新聞稿改寫成長者易讀版": "可以使用",
        "摘要含陳情人姓名與電話的陳情信": "去識別化後才可",
        "撰寫列為機密的公文": "不得使用",
        "以 AI 判斷結果作為駁回補助申請的唯一依據": "不得使用",
        "為公開活動發想宣傳標語": "可以使用",
    }
    _solution = "```python\nuse_of = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "撰寫列為機密的公文": "去識別化後才可"}

    def _check(self, use_of: Any) -> None:
        expect_type(use_of, dict, "use_of")
        missing = [k for k in self._expected if k not in use_of]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        if any(type(v) is not str or v not in USES for v in use_of.values()):
            raise Mismatch(f"只能填 {'、'.join(USES)} 之一。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(use_of[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 項判斷不對。回想指引：機密、個資、唯一依據。")


class PromptDesign(Problem):
    id = "module8.prompt_design"
    title = "結構化提示詞"
    objective = "能把提示詞寫成角色、任務、背景、格式、限制、範例六個部分，不含個資並要求不得編造，通過評分規則。"
    competencies = ("文書產製", "流程自動")
    domains = ("iii-genai-office/N1", "iii-genai-art/N2", "iii-llm-assistant/N1")
    _var = "my_prompt"
    _hints = (
        "先執行 `ex.prompt_rubric(my_prompt)`，看哪一條沒過，每條都附有建議。",
        "constraints 和 examples 要是字串串列，例如 `[\"300 字以內\", \"不確定時請註明，不得編造\"]`。",
    )
    _correct = {
        "role": "區公所社會課的承辦人",
        "task": "把補助說明改寫成長者易讀的宣導短文",
        "context": "讀者是 65 歲以上的里民，內容依據已公告的補助要點",
        "format": "三段、每段不超過 60 字",
        "constraints": ["用語親切、避免法律術語", "資料不足或不確定時請註明，不得編造"],
        "examples": ["例：「您家裡有 65 歲以上的長輩嗎？」"],
    }
    _solution = "```python\nmy_prompt = " + json.dumps(_correct, ensure_ascii=False, indent=4) + "\n```"
    _wrong = {**_correct, "constraints": ["用語親切、避免法律術語"]}

    def _check(self, my_prompt: Any) -> None:
        expect_type(my_prompt, dict, "my_prompt")
        failed = [(name, advice) for name, ok, advice in prompt_rubric(my_prompt) if not ok]
        if failed:
            raise Mismatch("未通過：" + "；".join(f"{n}（{a}）" for n, a in failed))


def _missing_fields(template: str, fields: Mapping[str, Any]) -> list[str]:
    names = []
    for name in re.findall(r"\{([^{}]+)\}", template):
        if name not in fields and name not in names:
            names.append(name)
    return names


_TEMPLATE = "主旨：{主旨}\n說明：\n一、依據{依據}辦理。\n二、請於{期限}前回復，聯絡人{聯絡人}。"


class MissingFields(Problem):
    id = "module8.missing_fields"
    title = "公文範本還缺哪些欄位？"
    objective = "能檢查公文範本的 {欄位} 是否都已提供，避免把未填的欄位送出。"
    competencies = ("文書產製", "流程自動")
    domains = ("iii-genai-office/N1", "iii-genai-office/N2")
    _var = "missing_fields"
    _hints = (
        "`re.findall(r'\\{([^{}]+)\\}', template)` 找出所有欄位名稱。",
        "依出現順序回傳不在 fields 裡的名稱，重複的只列一次。",
    )
    _solution = (
        "```python\nimport re\n\ndef missing_fields(template, fields):\n    names = []\n"
        "    for name in re.findall(r'\\{([^{}]+)\\}', template):\n"
        "        if name not in fields and name not in names:\n            names.append(name)\n"
        "    return names\n```"
    )
    _cases = (
        ((_TEMPLATE, {"主旨": "x", "依據": "y"}), ["期限", "聯絡人"]),
        ((_TEMPLATE, {"主旨": "x", "依據": "y", "期限": "z", "聯絡人": "w"}), []),
        (("{姓名}您好，{姓名}的案件{案號}", {}), ["姓名", "案號"]),
    )

    @staticmethod
    def _correct(template: str, fields: Mapping[str, Any]) -> list[str]:
        return _missing_fields(template, fields)

    @staticmethod
    def _wrong(template: str, fields: Mapping[str, Any]) -> list[str]:
        return [n for n in re.findall(r"\{([^{}]+)\}", template) if n not in fields]

    @staticmethod
    def _blank(template: str, fields: Mapping[str, Any]) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, _TEMPLATE, {}))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "missing_fields")


class VerifyDraft(Problem):
    id = "module8.verify_draft"
    title = "依查核清單核對 AI 草稿"
    objective = "能依查核清單（事實、數字、名稱、日期、語氣、AI 使用揭露）逐項核對 AI 產出的新聞稿草稿。"
    competencies = ("文書產製", "風險辨識")
    domains = ("iii-genai-office/N1", "iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "failed_checks"
    _hints = (
        "把草稿的每個日期、數字、名稱都拿去和「事實表」比對。",
        "也看語氣是否合宜，以及有沒有依指引揭露 AI 的使用。",
    )
    _solution = "```python\nfailed_checks = {'日期', '數字', '揭露'}\n```"
    _correct = {"日期", "數字", "揭露"}
    _wrong = {"日期", "數字"}

    def _check(self, failed_checks: Any) -> None:
        expect_type(failed_checks, set, "failed_checks")
        allowed = {"事實", "數字", "名稱", "日期", "語氣", "揭露"}
        if any(type(x) is not str or x not in allowed for x in failed_checks):
            raise Mismatch(f"只能放這些查核項目：{'、'.join(sorted(allowed))}。")
        if sorted(failed_checks) != sorted(self._correct):
            n = len(failed_checks ^ self._correct)
            raise Mismatch(f"有 {n} 個查核項目判斷不對。逐句對照事實表，也別忘了最後一段。")


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


class SrtTime(Problem):
    id = "module8.srt_time"
    title = "字幕時間碼（SRT）"
    objective = "能把秒數轉成 SRT 字幕的時間碼格式 HH:MM:SS,mmm（毫秒四捨五入），為宣導影片加上字幕。"
    competencies = ("影音圖文", "流程自動")
    domains = ("iii-genai-art/N1", "nvidia-nca-genm/D3", "nvidia-nca-genm/D4")
    _var = "srt_time"
    _hints = (
        "先把秒數換成整數毫秒：`ms = round(seconds * 1000)`，再用 `divmod` 依序拆出時、分、秒。",
        "SRT 用逗號分隔毫秒：`f'{h:02d}:{m:02d}:{s:02d},{ms:03d}'`。",
    )
    _solution = (
        "```python\ndef srt_time(seconds):\n    ms = round(seconds * 1000)\n    h, ms = divmod(ms, 3_600_000)\n"
        "    m, ms = divmod(ms, 60_000)\n    s, ms = divmod(ms, 1000)\n"
        "    return f'{h:02d}:{m:02d}:{s:02d},{ms:03d}'\n```"
    )
    _cases = (((0,), "00:00:00,000"), ((62.5,), "00:01:02,500"), ((3723.04,), "01:02:03,040"), ((1.2,), "00:00:01,200"))

    @staticmethod
    def _correct(seconds: float) -> str:
        return _srt_time(seconds)

    @staticmethod
    def _wrong(seconds: float) -> str:
        return _srt_time(seconds).replace(",", ".")

    @staticmethod
    def _blank(seconds: float) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, 1.0))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "srt_time")


class MediaRights(Problem):
    id = "module8.media_rights"
    title = "圖片與影片的著作權、肖像權"
    objective = "能判斷宣導素材是否需要取得授權或當事人同意（著作權、肖像權），並知道 AI 生成圖像也要檢查。"
    competencies = ("影音圖文", "風險辨識")
    domains = (*_ART, "nvidia-nca-genm/D7")
    _var = "rights"
    _hints = (
        "機關自己拍攝、承辦人職務上完成的素材，機關可以使用；別人的作品要授權。",
        "可辨識的個人（例如活動中的民眾特寫）要取得本人同意；AI 生成「像某位名人」的圖也涉及肖像與人格權。",
    )
    _expected = {
        "機關同仁職務上拍攝的廳舍外觀照片": "可直接使用",
        "從網路搜尋下載的插畫": "需授權或同意",
        "活動中可清楚辨識的民眾特寫": "需授權或同意",
        "以生成式 AI 產生、外貌酷似某位藝人的代言圖": "需授權或同意",
    }
    _solution = "```python\nrights = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "從網路搜尋下載的插畫": "可直接使用"}

    def _check(self, rights: Any) -> None:
        expect_type(rights, dict, "rights")
        missing = [k for k in self._expected if k not in rights]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        if any(type(v) is not str or v not in ("可直接使用", "需授權或同意") for v in rights.values()):
            raise Mismatch("只能填「可直接使用」或「需授權或同意」。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(rights[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 項判斷不對。想想：誰是著作人？畫面中的人能被認出來嗎？")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _row_problems(row: Mapping[str, str]) -> list[str]:
    problems = []
    if not row.get("姓名", "").strip():
        problems.append("姓名空白")
    if not _EMAIL.match(row.get("電子郵件", "")):
        problems.append("電子郵件格式不對")
    if not row.get("核定金額", "").isdigit() or int(row["核定金額"]) <= 0:
        problems.append("核定金額不是正整數")
    try:
        dt.date.fromisoformat(row.get("補件期限", ""))
    except ValueError:
        problems.append("補件期限不是 YYYY-MM-DD 日期")
    return problems


def _invalid_rows(rows: Sequence[Mapping[str, str]]) -> list[str]:
    return [r["編號"] for r in rows if _row_problems(r)]


_ROWS = [
    {"編號": "N01", "姓名": "陳志明", "電子郵件": "chen@example.org", "補助項目": "租屋補助", "核定金額": "3600",
     "補件期限": "2026-12-15"},
    {"編號": "N02", "姓名": "", "電子郵件": "lin@example.org", "補助項目": "租屋補助", "核定金額": "3600",
     "補件期限": "2026-12-15"},
    {"編號": "N03", "姓名": "黃家豪", "電子郵件": "huang.example.org", "補助項目": "育兒津貼", "核定金額": "5000",
     "補件期限": "2026-12-15"},
    {"編號": "N04", "姓名": "張美玲", "電子郵件": "chang@example.org", "補助項目": "育兒津貼", "核定金額": "-5000",
     "補件期限": "2026-12-15"},
    {"編號": "N05", "姓名": "李冠宇", "電子郵件": "lee@example.org", "補助項目": "租屋補助", "核定金額": "3600",
     "補件期限": "2026-02-30"},
]


class InvalidRows(Problem):
    id = "module8.invalid_rows"
    title = "批次通知寄送前的資料驗證"
    objective = "能在以試算表批次產生個人化通知前，先找出資料有問題的列（姓名、電子郵件、金額、日期）。"
    competencies = ("流程自動", "文書產製")
    domains = ("iii-genai-office/N2", "iii-llm-assistant/N1", "nvidia-nca-genl/D2", "nvidia-nca-genm/D4")
    _var = "invalid_rows"
    _hints = (
        "四條規則：姓名不可空白；電子郵件要像 a@b.c；核定金額是正整數字串（`str.isdigit()`）；補件期限是真實存在的日期。",
        "`datetime.date.fromisoformat('2026-02-30')` 會丟出 ValueError：用 try/except 判斷。",
    )
    _solution = (
        "```python\nimport datetime as dt\nimport re\n\nEMAIL = re.compile(r'^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')\n\n"
        "def invalid_rows(rows):\n    bad = []\n    for r in rows:\n        ok = bool(r['姓名'].strip()) and bool(EMAIL.match(r['電子郵件']))\n"
        "        ok = ok and r['核定金額'].isdigit() and int(r['核定金額']) > 0\n        try:\n"
        "            dt.date.fromisoformat(r['補件期限'])\n        except ValueError:\n            ok = False\n"
        "        if not ok:\n            bad.append(r['編號'])\n    return bad\n```"
    )
    _cases = (((_ROWS,), ["N02", "N03", "N04", "N05"]), ((_ROWS[:1],), []))

    @staticmethod
    def _correct(rows: Sequence[Mapping[str, str]]) -> list[str]:
        return _invalid_rows(rows)

    @staticmethod
    def _wrong(rows: Sequence[Mapping[str, str]]) -> list[str]:
        # Checks only for blanks: misses the malformed e-mail, the negative amount and the impossible date.
        return [r["編號"] for r in rows if not all(str(v).strip() for v in r.values())]

    @staticmethod
    def _blank(rows: Sequence[Mapping[str, str]]) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, _ROWS))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "invalid_rows")


def row_problems(row: Mapping[str, str]) -> list[str]:
    """The lesson's demo validator: what is wrong with one row of the notice table."""
    return _row_problems(row)


q1 = TaskSuitability()
q2 = PromptDesign()
q3 = MissingFields()
q4 = VerifyDraft()
q5 = SrtTime()
q6 = MediaRights()
q7 = InvalidRows()
