"""模組 8 用AI（場景導入、提示設計、內容產製）的練習題。Exercise set for module 8 (route C).

Bind in a notebook: ``from govai.exercises import module8 as ex``; then ``ex.q1.check()``.
Lessons (``notebooks/module8_adoption/``): ``01_scenarios_prompts`` (q1, q2, q11),
``02_documents_media_batch`` (q3–q7, q15, q16), ``03_output_checking`` (q8–q10) and
``04_gongwen_notices`` (q12–q14). Every self-check answer is a value (route C needs no code).

AI output checking is the core skill: ``load_outputs`` reads a shipped set of recorded outputs
(written for the course, with planted errors), ``model_output`` asks the configured model instead
when ``GOVAI_LLM_URL`` is set, and ``highlight`` lists what must be compared with the facts.
``check_letter`` checks a 函 draft for what a machine can see.

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

from govai.exercises.compare import check_label_map
from govai.exercises.core import Mismatch, Problem, expect_type

_PLAN = "ipas-planner-intermediate/L21"
_ART = ("iii-genai-art/N1", "iii-genai-art/N2")

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
    re.compile(r"09\d{2}[-\s]?\d{3}[-\s]?\d{3}"),     # 手機號碼
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
        ("限制", len(constraints) >= 1, "限制（constraints）的方括號裡至少寫一條有文字的限制（語氣、字數、不可寫的內容），每條用引號括起來。"),
        ("範例", len(items("examples")) >= 1, "範例（examples）的方括號裡至少寫一個有文字的範例，用引號括起來，讓 AI 模仿。"),
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
    from govai.exercises import llm

    try:
        return llm.chat([{"role": "user", "content": text}])
    except llm.LLMUnavailable:
        return None


# -- AI output checking: recorded outputs, a live model when configured, a highlighter --------------

ERROR_TYPES = ("日期錯誤", "金額錯誤", "編造法規", "洩漏個資", "語氣不當")


def load_outputs(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records of a recorded-outputs file (``data/module8/recorded_outputs.json`` and the like)."""
    with open(path, encoding="utf-8") as f:
        return list(json.load(f)["records"])


def model_output(record: Mapping[str, Any], *, live: bool | None = None) -> tuple[str, str]:
    """The output to check for ``record``: from the configured model, or the recorded one.

    ``live=None`` asks the model when ``GOVAI_LLM_URL`` is set. Returns (text, where it came from).
    A failing or absent endpoint falls back to the recorded output, so the lesson goes on offline.
    """
    use_model = llm_configured() if live is None else live
    if use_model and record.get("prompt"):
        reply = send_prompt(str(record["prompt"]))
        if reply is not None:
            return reply, "語言模型（機關設定的端點）"
    return str(record["output"]), "錄製範例（課程撰寫）"


_DATE_PATTERNS = (
    re.compile(r"(?:中華民國)?\d{2,3}年\d{1,2}月\d{1,2}日(?:（星期[一二三四五六日]）)?"),
    re.compile(r"\d{1,2}/\d{1,2}(?:（[一二三四五六日]）)?"),
    re.compile(r"(?<!\d)(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"),
)
_AMOUNT = re.compile(r"新臺幣\s*[\d,萬千億]+元|[\d,]+\s*(?:元|點|人|盞|名)")
_LAW = re.compile(r"《[^》]{2,30}》(?:第\s*\d+\s*條)?|[\u4e00-\u9fff]{2,20}(?:法|條例|自治條例|辦法|要點)第\s*\d+\s*條")
_PERSONAL_HINTS = (
    ("手機號碼", re.compile(r"09\d{2}[-\s]?\d{3}[-\s]?\d{3}")),
    ("身分證字號", re.compile(r"[A-Z][12]\d{8}")),
    ("電子郵件", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")),
    ("地址", re.compile(r"住?[\u4e00-\u9fff]{1,6}(?:路|街)[\u4e00-\u9fff\d○]*(?:段|巷|弄|號)[\u4e00-\u9fff\d○]*")),
    ("稱謂與姓名", re.compile(r"[\u4e00-\u9fff]{2,3}(?:先生|小姐|女士)")),
)


def highlight(text: str, *, show: bool = True) -> list[tuple[str, str]]:
    """List what a checker must compare with the facts: dates, amounts, cited rules, personal-data patterns.

    The highlighter does not say what is wrong: a date may be right, a cited rule may exist, and tone
    is not marked at all. The person checking compares each item with the fact sheet (and looks a
    cited rule up in 全國法規資料庫) and decides.
    """
    found: list[tuple[str, str]] = []
    for pat in _DATE_PATTERNS:
        found += [("日期", m.group(0)) for m in pat.finditer(text)]
    found += [("金額或數量", m.group(0)) for m in _AMOUNT.finditer(text)]
    found += [("引用的法規", m.group(0)) for m in _LAW.finditer(text)]
    for name, pat in _PERSONAL_HINTS:
        found += [(f"可能的個資：{name}", m.group(0)) for m in pat.finditer(text)]
    if show:
        from govai.exercises.core import display_markdown

        rows = "\n".join(f"| {k} | {v} |" for k, v in found) or "| （沒有找到） | |"
        display_markdown("| 要核對的項目 | 產出中的文字 |\n|---|---|\n" + rows +
                         "\n\n⚠️ 標示工具只列出「要核對什麼」，不判斷對錯；語氣要自己讀。")
    return found


# -- 公文（函）: a mechanical checker for what a machine can see ---------------------------------------

_WESTERN_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
EXPECTATIONS = ("請鑒核", "請核示", "請查照", "請照辦", "請查照辦理", "請備查", "請辦理見復", "請轉行照辦")


def check_letter(text: str, *, show: bool = True) -> list[str]:
    """Mechanical checks of a 函 draft against 文書處理手冊 conventions that a program can see.

    Reports: 主旨 missing or split into items; a Western-calendar date; a 期望語 repeated in 辦法;
    an attachment mentioned without an 「附件」 line; no contact block (承辦人 and 電話).
    It cannot judge whether the 期望語 suits the recipient or whether the 主旨 states the purpose:
    that is the writer's judgment.
    """
    notes: list[str] = []
    lines = text.splitlines()
    subject = next((ln for ln in lines if ln.strip().startswith("主旨")), "")
    if not subject:
        notes.append("找不到「主旨」段。")
    elif re.search(r"主旨：\s*(?:一、|1\.|（一）)", text):
        notes.append("主旨分項書寫（主旨應為一段，不分項）。")
    if _WESTERN_DATE.search(text):
        notes.append("出現西元日期：公文應記明國曆（民國）年月日。")
    plan = text.split("辦法", 1)[1] if "辦法" in text else ""
    if plan and any(e in plan for e in EXPECTATIONS):
        notes.append("「辦法」段重複了期望語：概括之期望語列入主旨，不在辦法段內重複。")
    if "附件" in text.replace("附件：", "") and not re.search(r"^\s*附件：", text, re.M):
        notes.append("內文提到附件，但沒有「附件：」一行列出附件。")
    if not (re.search(r"承辦人", text) and re.search(r"電話", text)):
        notes.append("缺少聯絡資訊（承辦人、電話）。")
    if show:
        from govai.exercises.core import display_markdown

        display_markdown("**函稿機器檢查**（只檢查格式；期望語是否適合受文者、主旨是否說清楚目的，要自己判斷）\n\n"
                         + ("\n".join(f"- {n}" for n in notes) if notes else "- 機器檢查沒有發現格式問題。"))
    return notes


# -- helpers for value answers -----------------------------------------------------------------


def check_error_map(answer: Any, expected: Mapping[str, Sequence[str]], *, what: str) -> None:
    """A dict {output id: collection of error types}; an empty list (or set) means "no error"."""
    from govai.exercises.compare import check_labels

    if type(answer) is not dict:
        raise Mismatch(f"{what}：應該是字典（dict），目前是 {type(answer).__name__}。")
    missing = [k for k in expected if k not in answer]
    if missing:
        raise Mismatch(f"{what}：少了 {len(missing)} 筆產出沒有作答。")
    for k, want in expected.items():
        got = dict.__getitem__(answer, k)
        if got is None:
            raise Mismatch(f"{what}：{k} 尚未作答（沒有錯誤請填空串列 []）。")
        check_labels(got, list(want), what=f"{what}：{k} 的錯誤類型")
        for label in got:
            if label not in ERROR_TYPES:
                raise Mismatch(f"{what}：錯誤類型只能用 {'、'.join(ERROR_TYPES)}。")


def _option_number(value: Any, what: str) -> int:
    from govai.exercises.compare import is_real

    if type(value) is str and value.strip().isdigit():
        return int(value.strip())
    if is_real(value) and float(value).is_integer():
        return int(value)
    raise Mismatch(f"{what}：請填選項編號（整數）。")


def check_option(value: Any, expected: int, *, what: str) -> None:
    if _option_number(value, what) != expected:
        raise Mismatch(f"{what}：選的不是最適合的選項。")


# -- exercises ----------------------------------------------------------------------------------

USES = ("可以使用", "需去識別化並經機關同意", "不得使用")


class TaskSuitability(Problem):
    id = "module8.task_suitability"
    title = "哪些工作適合交給一般生成式 AI 服務？"
    objective = "依行政院生成式AI參考指引，判斷公務工作可以使用、需去識別化並經機關同意、或不得使用一般生成式 AI 服務。"
    competencies = ("風險辨識", "文書產製")
    domains = (_PLAN, "iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "use_of"
    _hints = (
        "機密文書應由承辦人親自撰寫；AI 產出不得作為行政行為的唯一依據。",
        "含個資先去識別化；去識別化後內容若仍未公開，還要經機關同意（或改用機關核准的地端封閉模型）。已公開的內容可以直接使用，產出仍要查核。",
    )
    _expected = {
        "把已公告的新聞稿改寫成長者易讀版": "可以使用",
        "摘要含陳情人姓名與電話的陳情信": "需去識別化並經機關同意",
        "撰寫列為機密的公文": "不得使用",
        "以 AI 判斷結果作為駁回補助申請的唯一依據": "不得使用",
        "為公開活動發想宣傳標語": "可以使用",
    }
    _solution = "```python\nuse_of = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "撰寫列為機密的公文": "需去識別化並經機關同意"}

    def _check(self, use_of: Any) -> None:
        check_label_map(use_of, self._expected, what="可否使用一般生成式 AI 服務", options=USES)


class PromptDesign(Problem):
    id = "module8.prompt_design"
    title = "結構化提示詞"
    objective = "能把提示詞寫成角色、任務、背景、格式、限制、範例六個部分，不含個資並要求不得編造，通過評分規則。"
    competencies = ("文書產製", "流程自動")
    domains = ("iii-genai-office/N1", "iii-genai-art/N2", "iii-llm-assistant/N1")
    _var = "my_prompt"
    _hints = (
        "先執行 `ex.prompt_rubric(my_prompt)`，看哪一條沒過，每條都附有建議。",
        "限制和範例寫在方括號裡，每一條用引號括起來、以逗號分開，例如 `[\"300 字以內\", \"不確定時請註明，不得編造\"]`。",
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


_TEMPLATE = "主旨：{主旨}，請於{期限}前回復，請查照。\n說明：\n一、依據{依據}辦理。\n二、聯絡人：{聯絡人}。"


class MissingFields(Problem):
    id = "module8.missing_fields"
    title = "公文範本還缺哪些欄位？"
    objective = "能讀出公文範本中的 {欄位}，找出資料還沒提供的欄位，避免把未填的範本送出。"
    competencies = ("文書產製", "流程自動")
    domains = ("iii-genai-office/N1", "iii-genai-office/N2")
    _var = "missing"
    _hints = (
        "範本中大括號裡的名稱就是欄位：主旨、依據、期限、聯絡人。",
        "`fields` 已經提供了哪些？其餘的就是缺少的欄位。",
    )
    _solution = "```python\nmissing = [\"期限\", \"聯絡人\"]\n```"
    _correct = ["期限", "聯絡人"]
    _wrong = ["聯絡人"]

    def _check(self, missing: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(missing, ["期限", "聯絡人"], what="還沒提供的欄位")


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
        from govai.exercises.compare import check_labels

        allowed = {"事實", "數字", "名稱", "日期", "語氣", "揭露"}
        if type(failed_checks) in (set, list, tuple) and any(x not in allowed for x in failed_checks):
            raise Mismatch(f"只能放這些查核項目：{'、'.join(sorted(allowed))}。")
        check_labels(failed_checks, ["日期", "數字", "揭露"], what="沒有通過的查核項目")


# 字幕規則：每則每秒不超過 4 個字（不含空白與標點）；開始時間不可早於上一則的結束時間；時間碼 HH:MM:SS,mmm。
CAPTIONS = (
    (1, "00:00:00,500", "00:00:02,500", "長者健檢開始報名"),
    (2, "00:00:02,500", "00:00:04,000", "六十五歲以上免費參加"),
    (3, "00:00:04,000", "00:00:06,000", "請攜帶健保卡"),
    (4, "00:00:05,800", "00:00:08,000", "名額有限請儘早報名"),
    (5, "00:00:08,000", "00:00:10,000", "洽詢請撥區公所社會課"),
)


class CaptionCheck(Problem):
    id = "module8.caption_check"
    title = "字幕檢查：閱讀速度、重疊與時間碼"
    objective = "能依字幕規則（閱讀速度、時間不重疊、SRT 時間碼格式）找出宣導影片字幕中要修改的則數。"
    competencies = ("影音圖文",)
    domains = ("iii-genai-art/N1", "nvidia-nca-genm/D3")
    _var = "bad_captions"
    _hints = (
        "每則的秒數＝結束 − 開始；字數 ÷ 秒數若超過 4 就太快。恰好 4 個字／秒可以。",
        "第 4 則的開始時間比第 3 則的結束時間早嗎？",
    )
    _solution = "```python\nbad_captions = [2, 4, 5]\n```"
    _correct = [2, 4, 5]
    _wrong = [2, 4]

    def _check(self, bad_captions: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(bad_captions, [2, 4, 5], what="需要修改的字幕則數")


LICENCE_LABELS = ("註明出處即可", "需另取得授權或同意")


class MediaRights(Problem):
    id = "module8.media_rights"
    title = "素材授權：開放授權、CC 授權與肖像"
    objective = "能依政府資料開放授權條款、Creative Commons 授權條件與肖像權，判斷宣導素材註明出處即可，或需另取得授權或同意。"
    competencies = ("影音圖文", "風險辨識")
    domains = (*_ART, "nvidia-nca-genm/D7")
    _var = "rights"
    _hints = (
        "政府資料開放授權條款與 CC BY 都允許利用（含改作），條件是標示出處（顯名）。",
        "ND＝禁止改作、NC＝非商業性；超出授權條件就要另取得授權。可辨識的個人要取得本人同意。",
    )
    _expected = {
        "以政府資料開放授權條款釋出的開放資料，製成宣導圖表": "註明出處即可",
        "以 CC BY 4.0 授權的照片，裁切後放入簡報": "註明出處即可",
        "以 CC BY-ND 4.0 授權的插圖，改色後做成海報": "需另取得授權或同意",
        "活動中可清楚辨識的民眾特寫": "需另取得授權或同意",
    }
    _solution = "```python\nrights = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "以 CC BY-ND 4.0 授權的插圖，改色後做成海報": "註明出處即可"}

    def _check(self, rights: Any) -> None:
        check_label_map(rights, self._expected, what="素材授權判斷", options=LICENCE_LABELS)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _row_problems(row: Mapping[str, str]) -> list[str]:
    """The lesson's batch rules: one notice says one thing (核定 xor 待補件)."""
    problems = []
    if not row.get("姓名", "").strip():
        problems.append("姓名空白")
    if not _EMAIL.match(row.get("電子郵件", "")):
        problems.append("電子郵件格式不對")
    result = row.get("審查結果", "").strip()
    amount = row.get("核定金額", "").strip()
    docs = row.get("待補文件", "").strip()
    deadline = row.get("補件期限", "").strip()
    if result == "核定":
        if not amount.isdigit() or int(amount) <= 0:
            problems.append("核定金額不是正整數")
        if docs or deadline:
            problems.append("核定的列又寫了待補文件或補件期限（一則通知只說一件事）")
    elif result == "待補件":
        if amount:
            problems.append("尚未核定，卻寫了核定金額")
        if not docs:
            problems.append("待補件的列沒有寫待補文件")
        try:
            dt.date.fromisoformat(deadline)
        except ValueError:
            problems.append("補件期限不是 YYYY-MM-DD 的真實日期")
    else:
        problems.append("審查結果只能是「核定」或「待補件」")
    return problems


_CONTACT = "有問題請洽某區公所社會課，電話（02）0000-1234。"


def roc_date(iso: str) -> str:
    """2026-12-20 → 115年12月20日 (公文程式條例第 6 條：國曆年月日，民國紀年)."""
    d = dt.date.fromisoformat(iso)
    return f"{d.year - 1911}年{d.month}月{d.day}日"


def notice_text(row: Mapping[str, str]) -> str:
    """The plain notice for one validated row: an approval OR a request for documents, never both."""
    if row["審查結果"] == "核定":
        return (f"{row['姓名']}君您好：您申請的{row['補助項目']}已核定，補助新臺幣{int(row['核定金額']):,}元，"
                f"將撥入您指定的帳戶。{_CONTACT}")
    return (f"{row['姓名']}君您好：您申請的{row['補助項目']}還缺「{row['待補文件']}」，"
            f"請在{roc_date(row['補件期限'])}前補交；補齊後我們才會審核。{_CONTACT}")


def _row(no: str, name: str, mail: str, item: str, result: str, amount: str, docs: str, deadline: str) -> dict[str, str]:
    return {"編號": no, "姓名": name, "電子郵件": mail, "補助項目": item, "審查結果": result,
            "核定金額": amount, "待補文件": docs, "補件期限": deadline}


ROWS = (
    _row("N01", "陳志明", "chen@example.org", "租屋補助", "核定", "3600", "", ""),
    _row("N02", "", "lin@example.org", "租屋補助", "核定", "3600", "", ""),
    _row("N03", "黃家豪", "huang@example.org", "育兒津貼", "核定", "5000", "戶口名簿影本", "2026-12-15"),
    _row("N04", "張美玲", "chang@example.org", "育兒津貼", "待補件", "", "", "2026-12-15"),
    _row("N05", "李冠宇", "lee@example.org", "租屋補助", "待補件", "", "租賃契約影本", "2026-02-30"),
)


class InvalidRows(Problem):
    id = "module8.invalid_rows"
    title = "批次通知寄送前的資料驗證"
    objective = "能在以試算表批次產生個人化通知前，依規則找出資料有問題的列（姓名、電子郵件、核定與補件不可並存、金額、日期）。"
    competencies = ("流程自動", "文書產製")
    domains = ("iii-genai-office/N2", "iii-llm-assistant/N1")
    _var = "invalid_rows"
    _hints = (
        "先看審查結果：核定的列只能有正整數金額，不可再寫待補文件或補件期限；待補件的列要寫缺什麼、期限是真實存在的日期。",
        "核定又要補件的列，民眾會不知道到底通過沒有。2 月有 30 日嗎？",
    )
    _solution = "```python\ninvalid_rows = [\"N02\", \"N03\", \"N04\", \"N05\"]\n```"
    _correct = ["N02", "N03", "N04", "N05"]
    _wrong = ["N02", "N04", "N05"]

    def _check(self, invalid_rows: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(invalid_rows, ["N02", "N03", "N04", "N05"], what="資料有問題的列")


def row_problems(row: Mapping[str, str]) -> list[str]:
    """The lesson's demo validator: what is wrong with one row of the notice table."""
    return _row_problems(row)


class OutputErrors(Problem):
    id = "module8.output_errors"
    title = "找出 AI 產出的錯誤並分類"
    objective = "能逐項比對事實表，找出 AI 產出中的日期錯誤、金額錯誤、編造法規、洩漏個資與語氣不當，並知道沒有錯誤時不要亂標。"
    competencies = ("文書產製", "風險辨識")
    domains = ("iii-genai-office/N1", "iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "errors_found"
    _hints = (
        "每筆都先執行 `ex.highlight(產出)`，把列出的日期、金額、法規、個資逐一和事實表比對。",
        "事實表沒有提到的法規就是編造；要公布的文字出現姓名電話就是洩漏；語氣要自己讀。沒有錯誤的填 []。",
    )
    _expected = {"L1": ["日期錯誤"], "L2": ["金額錯誤", "編造法規"], "L3": ["洩漏個資"], "L4": ["語氣不當"], "L5": []}
    _solution = "```python\nerrors_found = " + repr(_expected) + "\n```"
    _correct = {k: list(v) for k, v in _expected.items()}
    _wrong = {**_correct, "L2": ["金額錯誤"]}

    def _check(self, errors_found: Any) -> None:
        check_error_map(errors_found, self._expected, what="AI 產出的錯誤")


class PromptFix(Problem):
    id = "module8.prompt_fix"
    title = "修正提示詞：哪些修改能防止這些錯誤？"
    objective = "能針對 AI 產出的錯誤（編造法規、洩漏個資）選出有效的提示詞修改，並知道提示詞無法取代人工查核。"
    competencies = ("文書產製", "風險辨識")
    domains = ("iii-genai-office/N1", "iii-llm-assistant/N2")
    _var = "fixes"
    _hints = ("個資最好的防法是「根本不放進提示詞」；編造法規要求「只能引用事實表提供的內容」。",
              "「請確保百分之百正確」不會讓模型不出錯；查核仍由承辦人負責。")
    _options = {
        "A": "在限制加上：「只能使用事實表中的內容；事實表沒有的法規或數字不得自行加入，不確定就註明」",
        "B": "在提示詞最後加上：「請確保內容百分之百正確」",
        "C": "送出前先把陳情人姓名、電話從提示詞與附件中刪除，並在限制加上「不得寫出任何人的姓名或聯絡方式」",
        "D": "把溫度調高，讓回答更有創意",
        "E": "改寫完提示詞後就不必再核對產出",
    }
    _solution = "```python\nfixes = {'A', 'C'}\n```"
    _correct = {"A", "C"}
    _wrong = {"A", "B", "C"}

    def _check(self, fixes: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(fixes, ["A", "C"], what="有效的提示詞修改")


class LiveCheck(Problem):
    id = "module8.live_check"
    title = "接上語言模型之後：查核流程不變"
    objective = "能說明使用機關設定的語言模型時，產出仍要依事實表逐項查核，且提示詞只能放可提供給該工具的資料。"
    competencies = ("風險辨識", "文書產製")
    domains = ("iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "best_practice"
    _options = {
        1: "模型是機關的，所以產出可以直接發布",
        2: "把事實表放進提示詞、要求不確定時註明，再用 highlight 列出日期金額法規與個資，逐項比對後才採用",
        3: "同一個提示詞多問幾次，挑最長的回答",
        4: "把陳情人的完整資料都放進提示詞，讓模型寫得更精確",
    }
    _hints = ("指引要求：不可完全信任產出，由承辦人就風險做最終判斷。", "哪個選項同時做到「給事實、防編造、人工核對」？")
    _solution = "```python\nbest_practice = 2\n```"
    _correct = 2
    _wrong = 1

    def _check(self, best_practice: Any) -> None:
        check_option(best_practice, 2, what="使用語言模型時的做法")


TOOLS = ("一般生成式 AI 服務", "機關核准的地端封閉模型", "都不可以")


class DataRule(Problem):
    id = "module8.data_rule"
    title = "什麼資料可以放進哪一種 AI 工具？"
    objective = "依行政院生成式AI參考指引與模組 2-C 的分級，判斷資料可以輸入一般生成式 AI 服務、只能用機關核准的地端封閉模型，或都不可以。"
    competencies = ("風險辨識",)
    domains = ("iii-llm-assistant/N2", "nvidia-nca-genl/D5")
    _var = "tool_for"
    _hints = ("一般服務只放「已公開」的資訊；去識別化但尚未公開的內容仍需機關同意，課程的做法是改用機關核准的地端封閉模型。",
              "製作機密文書禁止使用生成式 AI（指引第 3 點），地端模型也不例外。")
    _expected = {
        "已在機關網站公告的受理時間": "一般生成式 AI 服務",
        "已去除姓名、尚未經機關同意公開的內部檢討紀錄": "機關核准的地端封閉模型",
        "列為機密的專案簽呈": "都不可以",
    }
    _solution = "```python\ntool_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "已去除姓名、尚未經機關同意公開的內部檢討紀錄": "一般生成式 AI 服務"}

    def _check(self, tool_for: Any) -> None:
        check_label_map(tool_for, self._expected, what="資料可以用的 AI 工具", options=TOOLS)


LESSON_LETTER = """檔　　號：
保存年限：
某市某區公所　函
地址：某市某區民生路1號
承辦人：社會課　黃小姐
電話：（02）0000-2468
受文者：本區各里辦公處
發文日期：中華民國115年11月16日
發文字號：某區社字第1150001234號
主旨：請協助於各里公布欄張貼115年度長者健檢宣導海報，請查照辦理。
說明：
一、依本所115年度長者健康促進計畫辦理。
二、宣導海報每里5張，已隨文寄送，如附件。
辦法：請於2026年11月30日前張貼完成，請查照辦理。
"""


PRACTICE_LETTER = """檔　　號：
保存年限：
某市某區公所　函
地址：某市某區民生路1號
承辦人：社會課　林先生
電話：（02）0000-3579
受文者：某市政府
發文日期：中華民國115年12月1日
發文字號：某區社字第1150002345號
主旨：本所擬於115年12月20日辦理歲末關懷長者活動，申請補助經費新臺幣3萬元，請照辦。
說明：
一、依本所115年度社會福利工作計畫辦理。
二、活動計畫及經費概算表如附件。
辦法：請於115年12月10日前核定，以利本所辦理採購。
"""

LETTER_CODES = {
    "A": "主旨沒有說明行文目的與期望",
    "B": "期望語不適合受文者（慣例：對上級「請鑒核」「請核示」；對平行「請查照」；對下級「請照辦」「請查照辦理」）",
    "C": "日期未用民國紀年",
    "D": "期望語在「辦法」段重複",
    "E": "提到附件，但沒有「附件：」一行",
    "F": "缺少承辦人與電話",
    "G": "辦理期限沒有寫在主旨（期限應列入主旨）",
}


class LetterProblems(Problem):
    id = "module8.letter_problems"
    title = "函稿檢查：格式、期望語與期限"
    objective = ("能依文書處理手冊的函稿規定，找出函稿的問題：機器看得到的格式（附件行等），"
                 "以及要自己判斷的期望語是否適合受文者、期限是否列入主旨。")
    competencies = ("文書產製",)
    domains = ("iii-genai-office/N1",)
    _var = "letter_issues"
    _codes = LETTER_CODES
    _hints = ("先執行 `ex.check_letter(ex.PRACTICE_LETTER)`：工具只找到格式問題。再自己看受文者是誰、主旨用了哪一個期望語、期限寫在哪一段。",
              "區公所是市政府的下級機關：對上級，「請照辦」合適嗎？")
    _solution = "```python\nletter_issues = {'B', 'E', 'G'}\n```"
    _correct = {"B", "E", "G"}
    _wrong = {"E"}

    def _check(self, letter_issues: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(letter_issues, ["B", "E", "G"], what="函稿的問題（工具找到的格式問題，加上期望語與期限位置的判斷）")


class PlainNotice(Problem):
    id = "module8.plain_notice"
    title = "給民眾的通知：白話、一致、可以照著做"
    objective = "能選出用白話寫成、結果一致（不同時寫核定與補件）、有民國日期與聯絡方式的民眾通知。"
    competencies = ("文書產製",)
    domains = ("iii-genai-office/N1",)
    _var = "best_notice"
    _options = {
        1: "臺端所請育兒津貼一案，業經核定在案，惟仍請於文到10日內檢齊相關證明文件補正，逾期不予受理。",
        2: "您申請的育兒津貼已經核准，每月新臺幣5,000元，自115年12月起撥入您指定的帳戶。有問題請洽社會課李先生，電話（02）0000-1357。",
        3: "您申請的育兒津貼已經核准，請在2026/12/10前補交戶口名簿影本。",
        4: "育兒津貼審查結果：通過。",
    }
    _hints = ("一則通知只說一件事：核准就不要同時要求補件。", "日期用民國紀年，並留下可以詢問的窗口。")
    _solution = "```python\nbest_notice = 2\n```"
    _correct = 2
    _wrong = 1

    def _check(self, best_notice: Any) -> None:
        check_option(best_notice, 2, what="最適合的民眾通知")


DISCLOSE = ("需揭露", "不需揭露")


class Disclosure(Problem):
    id = "module8.disclosure"
    title = "什麼時候要揭露 AI 的使用？"
    objective = "依行政院生成式AI參考指引第 6 點（作為執行業務或提供服務的輔助工具時應適當揭露），判斷哪些情況要揭露或標示 AI 的使用。"
    competencies = ("文書產製", "風險辨識")
    domains = ("iii-genai-art/N2", "nvidia-nca-genl/D5")
    _var = "disclose"
    _hints = ("用了生成式 AI 作為提供服務或產製內容的輔助工具 → 要揭露或標示。", "沒有用生成式 AI 的工作，不需要揭露。")
    _expected = {
        "機關網站上回答民眾問題的 AI 客服": "需揭露",
        "以生成式 AI 產生的宣導插圖": "需揭露",
        "承辦人手寫後打字的會議紀錄": "不需揭露",
    }
    _solution = "```python\ndisclose = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "以生成式 AI 產生的宣導插圖": "不需揭露"}

    def _check(self, disclose: Any) -> None:
        check_label_map(disclose, self._expected, what="是否揭露 AI 的使用", options=DISCLOSE)


class AltText(Problem):
    id = "module8.alt_text"
    title = "流程圖的替代文字"
    objective = "能為宣導圖片選出說出重點資訊、供螢幕報讀使用者理解的替代文字。"
    competencies = ("影音圖文",)
    domains = ("iii-genai-art/N1", "nvidia-nca-genm/D3")
    _var = "best_alt"
    _options = {
        1: "流程圖",
        2: "線上申請 4 步驟流程圖：登入、填寫表單、上傳文件、送出並取得案號。",
        3: "step_flow.png",
        4: "一張清楚易懂、設計專業的流程圖",
    }
    _hints = ("替代文字要讓看不到圖的人也得到同樣的資訊。", "哪一個選項說出了 4 個步驟？")
    _solution = "```python\nbest_alt = 2\n```"
    _correct = 2
    _wrong = 4

    def _check(self, best_alt: Any) -> None:
        check_option(best_alt, 2, what="最好的替代文字")


MEDIA_ISSUES = {
    "A": "內容錯誤（文字、數字、日期與事實不符）",
    "B": "肖像或人格權疑慮（像真實人物、模仿特定作品）",
    "C": "未標示 AI 生成",
    "D": "缺替代文字或字幕（無障礙）",
    "E": "素材授權不明或超出授權",
}


class AiMediaCheck(Problem):
    id = "module8.ai_media_check"
    title = "AI 生成的宣導圖與簡報：發布前查核"
    objective = "能從正確性、肖像與人格權、AI 生成標示、無障礙與授權五方面，查核 AI 生成的宣導圖與簡報。"
    competencies = ("影音圖文", "風險辨識")
    domains = ("iii-genai-art/N1", "iii-genai-art/N2", "nvidia-nca-genm/D7")
    _var = "media_issues"
    _case = ("垃圾分類宣導簡報的封面由生成式 AI 繪製：一隻卡通回收箱，旁邊寫著「資源回收日：星期八」；"
             "封面沒有任何「AI 生成」的標示；網頁版已附替代文字；背景音樂取自機關已購買授權的音樂庫。")
    _hints = ("逐項問：字對嗎？像不像真人或特定作品？有沒有標示？看不到圖的人怎麼辦？素材有授權嗎？", "卡通回收箱不像任何真人；音樂庫已購買授權。")
    _solution = "```python\nmedia_issues = {'A', 'C'}\n```"
    _correct = {"A", "C"}
    _wrong = {"A"}

    def _check(self, media_issues: Any) -> None:
        from govai.exercises.compare import check_labels

        check_labels(media_issues, ["A", "C"], what="發布前要修正的問題")


q1 = TaskSuitability()
q2 = PromptDesign()
q3 = MissingFields()
q4 = VerifyDraft()
q5 = CaptionCheck()
q6 = MediaRights()
q7 = InvalidRows()
q8 = OutputErrors()
q9 = PromptFix()
q10 = LiveCheck()
q11 = DataRule()
q12 = LetterProblems()
q13 = PlainNotice()
q14 = Disclosure()
q15 = AltText()
q16 = AiMediaCheck()
