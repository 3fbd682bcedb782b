"""模組 1 學AI（AI 素養）的練習題。Exercise set for module 1 (common core).

Bind in a notebook: ``from govai.exercises import module1 as ex``; then ``ex.q1.check()``.
Lessons: 01_what_is_ai uses q1, q3, q4, q5; 02_how_genai_writes q6, q7, q8; 03_risks_and_ethics q2, q9, q10, q11.
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
        # Only 09-prefixed mobile numbers: landlines and case numbers stay as they are.
        (("市話 02-2720-8889，案號 1130012345",), "市話 02-2720-8889，案號 1130012345"),
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


def _returns_none(func: Any, *probe: Any) -> bool:
    """True for the starter's placeholder function (its body returns None), so check() says 尚未作答."""
    try:
        return func(*(probe or ("測試 0912-345-678",))) is None
    except Exception:
        return False


# -- 課程 01_what_is_ai ---------------------------------------------------------------------------


class RuleRouter(Problem):
    id = "module1.rule_router"
    title = "人寫的規則：依關鍵字分派陳情案件"
    objective = "能寫出一個「人寫規則」的分派程式，並體會規則只認得寫進去的關鍵字（與從資料學習的模型對照）。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D1", "gov-ai-core/C1")
    _var = "route_case"
    _hints = (
        "依序檢查：文字中有「垃圾」或「噪音」→ `'環保'`；有「紅綠燈」「公車」或「停車」→ `'交通'`；"
        "有「補助」「長照」或「津貼」→ `'社福'`。",
        "都沒有命中時要回傳 `'其他'`，不是 None，也不是猜一個類別。`any(k in text for k in [...])` 很好用。",
    )
    _solution = (
        "```python\ndef route_case(text):\n"
        "    if any(k in text for k in ['垃圾', '噪音']):\n        return '環保'\n"
        "    if any(k in text for k in ['紅綠燈', '公車', '停車']):\n        return '交通'\n"
        "    if any(k in text for k in ['補助', '長照', '津貼']):\n        return '社福'\n"
        "    return '其他'\n```"
    )
    _cases = (
        (("巷口的垃圾好幾天沒人清",), "環保"),
        (("隔壁工廠半夜噪音很大",), "環保"),
        (("公車班次太少",), "交通"),
        (("路口紅綠燈秒數太短",), "交通"),
        (("學校前違規停車很多",), "交通"),
        (("想申請長照服務",), "社福"),
        (("育兒津貼何時撥款",), "社福"),
        (("路燈不亮很危險",), "其他"),
        (("想申請房屋修繕補助",), "社福"),
        # 依序判斷: a text with keywords of two categories goes to the first rule that matches.
        (("公車站旁的垃圾沒人清",), "環保"),
    )

    @staticmethod
    def _correct(text: str) -> str:
        if any(k in text for k in ("垃圾", "噪音")):
            return "環保"
        if any(k in text for k in ("紅綠燈", "公車", "停車")):
            return "交通"
        if any(k in text for k in ("補助", "長照", "津貼")):
            return "社福"
        return "其他"

    @staticmethod
    def _wrong(text: str) -> str:
        # A typical slip: no fall-back, so an unknown case is silently filed under 交通.
        if any(k in text for k in ("垃圾", "噪音")):
            return "環保"
        if any(k in text for k in ("補助", "長照", "津貼")):
            return "社福"
        return "交通"

    @staticmethod
    def _blank(text: str) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, "公車班次太少"))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "route_case")


class DiscriminativeOrGenerative(Problem):
    id = "module1.discriminative_or_generative"
    title = "鑑別式 AI 還是生成式 AI？"
    objective = "能分辨鑑別式 AI（判斷、分類、預測）與生成式 AI（產生新的文字、圖像、影音等內容）。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D2", "gov-ai-core/C1")
    _var = "kind"
    _expected = {
        "判斷一封電子郵件是不是釣魚郵件": "鑑別式",
        "把公文草稿改寫成淺白易懂的版本": "生成式",
        "預測颱風期間各區的淹水風險": "鑑別式",
        "依政策重點產生宣導短影片腳本": "生成式",
        "辨識掃描表單上的手寫數字": "鑑別式",
    }
    _hints = (
        "問自己：輸出是「從既有選項中挑一個答案或一個數值」，還是「一段原本不存在的新內容」？",
        "預測一個風險等級、判斷是否為釣魚郵件，都是在既有類別或數值中做判斷。",
    )
    _solution = "```python\nkind = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {k: "生成式" for k in _expected}

    def _check(self, kind: Any) -> None:
        expect_type(kind, dict, "kind")
        missing = [k for k in self._expected if k not in kind]
        if missing:
            raise Mismatch(f"還缺少這些應用的判斷：{'、'.join(missing)}。")
        bad = [k for k in self._expected if type(kind[k]) is not str or kind[k] not in ("鑑別式", "生成式")]
        if bad:
            raise Mismatch("每個值都要是字串 '鑑別式' 或 '生成式'。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(kind[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個應用判斷不對。想想輸出是「判斷結果」還是「新內容」。")


class RoutePath(Problem):
    id = "module1.route_path"
    title = "路線 C 的學習路徑"
    objective = "能說出《AI公務人才認定指引》附錄學習路徑中，AI 應用人才（路線 C）依序修讀的模組。"
    competencies = ("公共價值",)
    domains = ("gov-ai-core/C3", "aiacademy-literacy/N1")
    _var = "route_c_path"
    _hints = (
        "看課程中的路徑表：路線 C 從共同必修的模組 1 開始，最後一站是實作的「快優化」。",
        "答案是四個整數的串列（list），順序是入門 → 進階 → 進階 → 實作。",
    )
    _solution = "```python\nroute_c_path = [1, 2, 8, 6]\n```\n\n學AI（模組1）→ 會數據（模組2）→ 用AI（模組8）→ 快優化（模組6）。"
    _correct = [1, 2, 8, 6]
    _wrong = [1, 2, 6, 8]

    @staticmethod
    def _expected() -> list[int]:
        # Read from the catalog, so the exercise follows reference/routes.yaml (the guide's appendix).
        from govai import catalog

        return list(catalog.default().route("C").modules)

    def _check(self, path: Any) -> None:
        expect_type(path, list, "route_c_path")
        if not all(type(m) is int for m in path):
            raise Mismatch("串列裡每一項都要是整數（模組編號），例如 1。")
        expected = self._expected()
        if len(path) != len(expected):
            raise Mismatch(f"路線 C 的路徑有 {len(expected)} 站，你的串列有 {len(path)} 項。")
        if path == expected:
            return
        if sorted(path) == sorted(expected):
            raise Mismatch("模組都對了，但順序不對：路徑是入門 → 進階 → 實作。")
        raise Mismatch("有模組不在路線 C 的路徑上，請再對照路徑表。")


# -- 課程 02_how_genai_writes ---------------------------------------------------------------------


class NextCharProbabilities(Problem):
    id = "module1.next_char_probabilities"
    title = "從次數算出下一個字的機率"
    objective = "理解語言模型如何從訓練文字的「接在後面的次數」得到下一個字的機率分布。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D2", "iii-genai/D1")
    _var = "next_probs"
    _hints = (
        "機率 = 這個字出現的次數 ÷ 所有次數的總和；所有機率加起來是 1。",
        "先 `total = sum(counts.values())`，再用字典生成式 `{ch: n / total for ch, n in counts.items()}`。",
    )
    _solution = (
        "```python\ndef next_probs(counts):\n    total = sum(counts.values())\n"
        "    return {ch: n / total for ch, n in counts.items()}\n```"
    )
    _cases = (
        (({"局": 6, "府": 3, "會": 1},), {"局": 0.6, "府": 0.3, "會": 0.1}),
        (({"元": 1},), {"元": 1.0}),
        (({"年": 2, "月": 2, "日": 4},), {"年": 0.25, "月": 0.25, "日": 0.5}),
    )

    @staticmethod
    def _correct(counts: dict[str, int]) -> dict[str, float]:
        total = sum(counts.values())
        return {ch: n / total for ch, n in counts.items()}

    @staticmethod
    def _wrong(counts: dict[str, int]) -> dict[str, float]:
        # Dividing by the largest count gives 1.0 to the top character: not a distribution.
        top = max(counts.values())
        return {ch: n / top for ch, n in counts.items()}

    @staticmethod
    def _blank(counts: dict[str, int]) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, {"局": 1}))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "next_probs")


def _temperature(probs: dict[str, float], temperature: float) -> dict[str, float]:
    weights = {k: p ** (1 / temperature) for k, p in probs.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


# Module level: a class-body comprehension cannot see class attributes.
_TEMP_BASE = {"局": 0.6, "府": 0.3, "會": 0.1}


class ApplyTemperature(Problem):
    id = "module1.apply_temperature"
    title = "溫度：讓分布變尖或變平"
    objective = "理解溫度如何改變生成式 AI 的取樣：溫度低時幾乎只選最可能的字，溫度高時冷門的字也常被選到。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D2", "iii-genai/D1")
    _var = "apply_temperature"
    _hints = (
        "把每個機率取 1/溫度 次方：`p ** (1 / temperature)`，再除以總和，讓它們加起來又是 1。",
        "溫度 = 1 時分布不變；溫度 = 2 時等於開根號後再正規化（變平）；溫度 = 0.5 時等於平方後再正規化（變尖）。",
    )
    _solution = (
        "```python\ndef apply_temperature(probs, temperature):\n"
        "    weights = {ch: p ** (1 / temperature) for ch, p in probs.items()}\n"
        "    total = sum(weights.values())\n"
        "    return {ch: w / total for ch, w in weights.items()}\n```"
    )
    _cases = tuple(((_TEMP_BASE, t), _temperature(_TEMP_BASE, t)) for t in (1.0, 2.0, 0.5)) + (
        (({"是": 0.5, "否": 0.5}, 3.0), {"是": 0.5, "否": 0.5}),
    )

    @staticmethod
    def _correct(probs: dict[str, float], temperature: float) -> dict[str, float]:
        return _temperature(probs, temperature)

    @staticmethod
    def _wrong(probs: dict[str, float], temperature: float) -> dict[str, float]:
        # Multiplying by T and renormalising changes nothing: the temperature has no effect.
        weights = {k: p * temperature for k, p in probs.items()}
        total = sum(weights.values())
        return {k: w / total for k, w in weights.items()}

    @staticmethod
    def _blank(probs: dict[str, float], temperature: float) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return func is None or (callable(func) and _returns_none(func, {"局": 1.0}, 1.0))

    def _check(self, func: Any) -> None:
        check_function_cases(func, self._cases, "apply_temperature")


class VerifyGenerated(Problem):
    id = "module1.verify_generated"
    title = "流暢不等於正確：核對模型產生的句子"
    objective = "能逐項核對生成式 AI 產出的日期、金額與對象，不把流暢的句子當成事實（行政院生成式AI參考指引：不可全信產出）。"
    competencies = ("風險辨識", "公共價值")
    domains = ("aws-aif-c01/D4", "gov-ai-core/C3", "iii-genai/D4")
    _var = "false_claims"
    # Sentences the lesson's tiny model produced (tests/test_tinylm.py proves it can produce each one).
    sentences = (
        "本市育兒津貼自113年8月1日起每趟最高補助70元。",
        "本市敬老卡自114年1月1日起每月加值480點。",
        "本市育兒津貼自116年3月31日起每月加值480點。",
        "本市營養午餐補助自112年9月1日起每餐補助70元。",
        "本市長照交通接送服務自114年7月1日起每趟最高補助240元。",
    )
    _hints = (
        "逐句對照課程中的「教材事實表」：措施名稱、起始日期、金額與單位都要一致。",
        "有兩句是把不同措施的片段接在一起：開頭是某項措施，後半卻是另一項措施的日期或金額。",
    )
    _solution = (
        "```python\nfalse_claims = {1, 3}\n```\n\n"
        "第 1 句把育兒津貼接上長照接送的「每趟最高補助」與午餐的「70元」；第 3 句把育兒津貼接上社會住宅的完工日"
        "與敬老卡的「加值480點」。其餘三句與教材事實表相符。"
    )
    _correct = {1, 3}
    _wrong = {1}

    def _check(self, claims: Any) -> None:
        expect_type(claims, set, "false_claims")
        if not all(type(c) is int and 1 <= c <= len(self.sentences) for c in claims):
            raise Mismatch(f"集合裡放句子編號（1 到 {len(self.sentences)} 的整數）。")
        extra = claims - self._correct
        missing = self._correct - claims
        if extra:
            raise Mismatch(f"你標記的句子中有 {len(extra)} 句其實與事實表相符。")
        if missing:
            raise Mismatch(f"還有 {len(missing)} 句與事實表不符沒有找出來：看起來通順，不代表內容正確。")


# -- 課程 03_risks_and_ethics ---------------------------------------------------------------------


class PrincipleFor(Problem):
    id = "module1.principle_for"
    title = "情境對應人工智慧基本法七大原則"
    objective = "能把公務情境對應到人工智慧基本法的七大原則（2025-12-23 三讀）。"
    competencies = ("倫理判斷", "公共價值")
    domains = ("gov-ai-core/C2", "aws-aif-c01/D4", "ipas-planner-basic/L11")
    _var = "principle_for"
    _expected = {
        "AI 自動駁回申請，承辦人無法介入修改結果": "人類自主",
        "把含姓名住址的陳情全文上傳到未經評估的雲端服務訓練模型": "隱私保護與資料治理",
        "聊天機器人被輸入惡意指令後，洩漏了內部系統設定": "資安與安全",
        "AI 語音客服只聽得懂華語，使用臺語、客語的長者常被轉錯單位": "公平與不歧視",
    }
    _hints = (
        "七大原則：" + "、".join(SEVEN_PRINCIPLES) + "。每個情境挑最直接相關的一個。",
        "誰能最後決定？資料怎麼被使用？系統會不會被攻擊？不同族群是否被同等對待？",
    )
    _solution = "```python\nprinciple_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "AI 自動駁回申請，承辦人無法介入修改結果": "透明與可解釋"}

    def _check(self, answer: Any) -> None:
        expect_type(answer, dict, "principle_for")
        missing = [k for k in self._expected if k not in answer]
        if missing:
            raise Mismatch(f"還缺少這些情境：{'、'.join(missing)}。")
        if not all(type(answer[k]) is str and answer[k] in SEVEN_PRINCIPLES for k in self._expected):
            raise Mismatch("請用七大原則的完整名稱字串，例如 '問責'。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(answer[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個情境對應的原則不是最直接的那一個。")


class GuidelineRules(Problem):
    id = "module1.guideline_rules"
    title = "行政院使用生成式AI參考指引：是非題"
    objective = "能判斷作法是否符合行政院及所屬機關(構)使用生成式AI參考指引（112.10.03）。"
    competencies = ("風險辨識", "倫理判斷")
    domains = ("gov-ai-core/C1", "iii-genai/D4", "aws-aif-c01/D5")
    _var = "follows_guideline"
    _expected = {
        "AI 產出的內容由承辦人做最終判斷": True,
        "機密文書先請生成式AI起草，再由承辦人修改": False,
        "AI 產出未經查證，不作為行政行為的唯一依據": True,
        "內部會議資料雖未經同意公開，仍可輸入生成式AI整理": False,
        "使用生成式AI輔助業務，適當揭露": True,
        "AI 產生的圖片可以直接使用，不必注意著作權": False,
    }
    _hints = (
        "指引的重點：承辦人最終判斷；機密文書親自撰寫；不輸入應保密、個資與未經同意公開的資訊；不可全信；適當揭露；"
        "遵守資通安全、個資與著作權規定。",
        "答案用 True（符合指引）或 False（不符合）。",
    )
    _solution = "```python\nfollows_guideline = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "機密文書先請生成式AI起草，再由承辦人修改": True}

    def _check(self, answer: Any) -> None:
        expect_type(answer, dict, "follows_guideline")
        missing = [k for k in self._expected if k not in answer]
        if missing:
            raise Mismatch(f"還缺少這些作法的判斷：{'、'.join(missing)}。")
        if not all(type(answer[k]) is bool for k in self._expected):
            raise Mismatch("每個值都要是 True 或 False。")
        wrong = [k for k, v in self._expected.items() if answer[k] is not v]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個作法判斷不對，請對照課程中的指引重點。")


class RiskSourceFor(Problem):
    id = "module1.risk_source_for"
    title = "三種風險來源"
    objective = "能以數位發展部 AI 風險分類框架草案的三種風險來源（技術設計缺陷、部署與人機互動、社會結構衝擊）分析事件。"
    competencies = ("風險辨識",)
    domains = ("gov-ai-core/C1", "ipas-planner-basic/L12", "aiacademy-literacy/N2")
    _var = "risk_source_for"
    _expected = {
        "影像辨識模型在夜間或雨天的辨識率大幅下降": "技術設計缺陷",
        "民眾以為 AI 客服的回答就是機關的正式承諾": "部署與人機互動",
        "深度偽造影片大量流傳，民眾對政府公告的信任下降": "社會結構衝擊",
        "系統沒有標示內容由 AI 產生，承辦人直接採用": "部署與人機互動",
    }
    _hints = (
        "三種來源：" + "、".join(RISK_SOURCES) + "。",
        "問題出在模型本身？出在人怎麼使用它、系統怎麼放進流程？還是出在對整個社會的影響？",
    )
    _solution = "```python\nrisk_source_for = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "民眾以為 AI 客服的回答就是機關的正式承諾": "技術設計缺陷"}

    def _check(self, answer: Any) -> None:
        expect_type(answer, dict, "risk_source_for")
        missing = [k for k in self._expected if k not in answer]
        if missing:
            raise Mismatch(f"還缺少這些事件：{'、'.join(missing)}。")
        if not all(type(answer[k]) is str and answer[k] in RISK_SOURCES for k in self._expected):
            raise Mismatch("請用三種風險來源的名稱字串。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(answer[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個事件的風險來源不對。")


# Lesson 01: q1, q3, q4, q5 · lesson 02: q6, q7, q8 · lesson 03: q2, q9, q10, q11.
q1 = DefinitionElements()
q2 = RedactForPrompt()
q3 = RuleRouter()
q4 = DiscriminativeOrGenerative()
q5 = RoutePath()
q6 = NextCharProbabilities()
q7 = ApplyTemperature()
q8 = VerifyGenerated()
q9 = PrincipleFor()
q10 = GuidelineRules()
q11 = RiskSourceFor()


# -- provided tools (run by learners, never written by them) -------------------------------------


def simple_phone_mask(text: str) -> str:
    """The course's deliberately simple phone-masking tool: ``09`` + 8 digits, optional dashes only.

    Learners run it and judge its output: it misses numbers written with spaces, with the +886
    country code or in full-width digits, which is why a person checks every automated masking.
    """
    import re

    return re.sub(r"09\d{2}-?\d{3}-?\d{3}", "[手機]", text)


def show_progress(prefixes: tuple[str, ...] | None = None) -> None:
    """Show the learner's own self-check progress per module (from ``govai.progress``), no terminal needed.

    ``prefixes`` limits the table to exercise ids starting with one of them (``("module1.",)``).
    Never raises: without any record yet it says so.
    """
    from govai import progress
    from govai.exercises.core import display_markdown

    try:
        rows = progress.summary()
    except Exception:  # noqa: BLE001 - a progress view must never break a notebook
        rows = {}
    if prefixes:
        rows = {k: v for k, v in rows.items() if k.startswith(tuple(prefixes))}
    if not rows:
        display_markdown("📊 目前還沒有自我檢核紀錄：在課程筆記本執行 `ex.qN.check()` 或互動題的「檢查答案」後，這裡會列出你的進度。")
        return
    per: dict[str, list[int]] = {}
    for ex_id, p in rows.items():
        module = ex_id.split(".", 1)[0]
        c = per.setdefault(module, [0, 0, 0, 0])
        c[0] += 1
        c[1] += int(p.solved)
        c[2] += p.hints
        c[3] += int(p.solution_viewed)
    lines = ["| 模組 | 做過的題目 | 已答對 | 看過的提示 | 看過參考解答 |", "|---|---|---|---|---|"]
    for module in sorted(per):
        n, ok, hints, seen = per[module]
        lines.append(f"| {module} | {n} | {ok} | {hints} | {seen} |")
    todo = sorted(k for k, v in rows.items() if not v.solved and v.attempts)
    text = "📊 **你的自我檢核進度**（只記錄在你自己的電腦，`govai.progress`）\n\n" + "\n".join(lines)
    if todo:
        text += "\n\n還沒答對、可以再試的題目：" + "、".join(f"`{t}`" for t in todo[:12])
    display_markdown(text)
