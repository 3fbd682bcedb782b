"""模組 1 學AI（AI 素養）的練習題。Exercise set for module 1 (common core).

Bind in a notebook: ``from govai.exercises import module1 as ex``; then ``ex.q1.check()``.
Lessons: 01_what_is_ai uses q1, q3, q4, q5; 02_how_genai_writes q6, q7, q8; 03_risks_and_ethics q2, q9, q10, q11;
04_ai_basic_act q12, q13, q14. Every answer is a value (module 1 promises no code); the tools the lessons
run (``simple_phone_mask``, ``keyword_rule``) are provided, never written by learners.
"""

from __future__ import annotations

from typing import Any

from govai.exercises.compare import check_bool, check_labels, check_number
from govai.exercises.core import RISK_SOURCES, SEVEN_PRINCIPLES, Mismatch, Problem, expect_type

# 框架草案原文的名稱（後兩種來源）→ 課程簡稱
RISK_SOURCE_ALIASES = dict(zip(("部署、操作及人機互動", "社會結構與環境衝擊"), RISK_SOURCES[1:], strict=True))


def _starter_dict(value: Any) -> bool:
    """The lesson's starter: None, or a dict whose every answer is still None (「尚未作答」)."""
    return value is None or (type(value) is dict and all(v is None for v in value.values()))


class DefinitionElements(Problem):
    id = "module1.definition_elements"
    title = "人工智慧基本法對 AI 的定義"
    objective = "能指出人工智慧基本法定義 AI 系統的要素，分辨哪些系統屬於 AI。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "ms-ai-900/D1")
    _var = "is_ai"
    _hints = (
        "第 3 條的關鍵：具自主運行能力，透過輸入或感測，「經由機器學習及演算法」產生預測、內容、建議或決策等產出。",
        "固定公式計算（例如依級距表算規費）沒有從資料學習，不屬於定義中的 AI 系統。",
    )
    _solution = "```python\nis_ai = {'規費級距計算表': False, '陳情案件自動分類模型': True, '生成式AI聊天機器人': True, '門禁刷卡系統': False}\n```"
    _expected = {"規費級距計算表": False, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": False}
    _correct = dict(_expected)
    _wrong = {"規費級距計算表": True, "陳情案件自動分類模型": True, "生成式AI聊天機器人": True, "門禁刷卡系統": False}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

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
    title = "輸入生成式 AI 前先遮蔽個人資料：核對遮罩工具"
    objective = "能執行現成的手機遮罩工具，找出它漏遮的手機號碼寫法，說明為什麼自動遮罩要由人核對。"
    competencies = ("風險辨識", "公共價值")
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D5")
    _var = "still_there"
    text = "A 請回電 0912-345-678；B 或 0911 222 333；C 家裡 0987654321；D 簡訊 ０９３３１２３４５６。"
    _hints = (
        "先執行提供的儲存格，比較遮罩前後：哪幾個號碼在遮罩後還是完整的？",
        "這個工具只認得半形數字、寫成 0912-345-678 或 0912345678 的號碼；用空格分隔或全形數字都會漏掉。",
    )
    _solution = "```python\nstill_there = {'B', 'D'}\n```\n\nB 用空格分隔、D 用全形數字，工具都沒有認出來。"
    _correct = {"B", "D"}
    _wrong = {"B"}

    def _check(self, still_there: Any) -> None:
        check_labels(still_there, ["B", "D"], what="遮罩後還看得到的手機號碼代號")


# -- 課程 01_what_is_ai ---------------------------------------------------------------------------


RULES = {"交通": ["紅綠燈", "號誌", "車"], "環保": ["垃圾", "臭", "吵"], "社福": ["補助", "申請"]}


def keyword_rule(text: str) -> str:
    """The lesson's hand-written rule: check the categories in order, the first keyword found wins."""
    for category, words in RULES.items():
        if any(word in text for word in words):
            return category
    return "無法判斷"


class RuleRouter(Problem):
    id = "module1.rule_router"
    title = "人寫的規則：預測規則會怎麼分"
    objective = "能依「人寫的規則」（依序比對關鍵字）推出每件陳情會被分到哪一類，體會規則只認得寫進去的字、而且順序會影響結果。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D1", "gov-ai-core/C1")
    _var = "rule_says"
    texts = {"A": "垃圾車半夜很吵", "B": "想申請停車位", "C": "路燈不亮", "D": "公園有臭味", "E": "長照補助怎麼辦"}
    _hints = (
        "規則依序檢查：先看交通的關鍵字（紅綠燈、號誌、車），再看環保（垃圾、臭、吵），最後看社福（補助、申請）。",
        "第一個命中的類別就是答案，後面的不再看；全部沒命中是「無法判斷」。「停車」裡有「車」。",
    )
    _expected = {k: keyword_rule(v) for k, v in texts.items()}
    _solution = "```python\nrule_says = " + repr(_expected) + "\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "A": "環保", "B": "社福"}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, rule_says: Any) -> None:
        expect_type(rule_says, dict, "rule_says")
        missing = [k for k in self._expected if k not in rule_says]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        allowed = (*RULES, "無法判斷")
        if not all(type(rule_says[k]) is str and rule_says[k] in allowed for k in self._expected):
            raise Mismatch("每個答案都要是 " + "、".join(allowed) + " 之一。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(rule_says[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 件分得和規則不一樣。規則是「依序、第一個命中就停」，不是依意思判斷。")


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

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

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
        from govai.course import catalog

        return list(catalog.default().route("C").modules)

    def _check(self, path: Any) -> None:
        expect_type(path, (list, tuple), "route_c_path")
        path = list(path)
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
    objective = "能從訓練文字的「接在後面的次數」算出語言模型下一個字的機率分布（機率＝次數 ÷ 總次數）。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D2", "iii-genai/D1")
    _var = "next_probs"
    counts = {"局": 6, "府": 3, "會": 1}
    _hints = (
        "機率 = 這個字出現的次數 ÷ 所有次數的總和；所有機率加起來是 1。",
        "總次數是 6 + 3 + 1 = 10；可以直接寫算式，例如 `{\"局\": 6 / 10, ...}`。",
    )
    _solution = "```python\nnext_probs = {'局': 0.6, '府': 0.3, '會': 0.1}\n```"
    _correct = {"局": 0.6, "府": 0.3, "會": 0.1}
    _wrong = {"局": 1.0, "府": 0.5, "會": 1 / 6}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, next_probs: Any) -> None:
        expect_type(next_probs, dict, "next_probs")
        missing = [k for k in self._correct if k not in next_probs]
        if missing:
            raise Mismatch(f"還缺少這些字的機率：{'、'.join(missing)}。")
        try:
            for ch, p in self._correct.items():
                check_number(next_probs[ch], p, what=f"「{ch}」的機率", abs_tol=0.01)
        except Mismatch as exc:
            total = sum(float(v) for v in next_probs.values() if isinstance(v, (int, float)))
            if abs(total - 1) > 0.01:
                raise Mismatch(f"{exc}（提示：你的機率加起來是 {total:.2f}，應該是 1。）") from None
            raise


class ApplyTemperature(Problem):
    id = "module1.apply_temperature"
    title = "溫度：讓分布變尖或變平"
    objective = "能依溫度的規則（機率取 1/T 次方再除以總和）算出溫度 0.5 時的機率，說明溫度低時幾乎只選最可能的字。"
    competencies = ("風險辨識",)
    domains = ("ipas-planner-basic/L11", "aws-aif-c01/D2", "iii-genai/D1")
    _var = ("p_ju_cold", "p_hui_cold")
    base = {"局": 0.6, "府": 0.3, "會": 0.1}
    _hints = (
        "溫度 0.5 時，1/T = 2：每個機率先平方（0.36、0.09、0.01），再除以它們的總和。",
        "可以直接寫算式，例如 `p_ju_cold = 0.36 / (0.36 + 0.09 + 0.01)`。",
    )
    _solution = "```python\np_ju_cold = 0.36 / 0.46    # 約 0.783\np_hui_cold = 0.01 / 0.46   # 約 0.022\n```"
    _correct = (0.36 / 0.46, 0.01 / 0.46)
    _wrong = (0.36, 0.01)
    _blank = (None, None)

    def _check(self, p_ju_cold: Any, p_hui_cold: Any) -> None:
        if p_ju_cold is None or p_hui_cold is None:
            raise Mismatch("兩個機率都要填。")
        try:
            check_number(p_ju_cold, self._correct[0], what="溫度 0.5 時「局」的機率", abs_tol=0.01)
            check_number(p_hui_cold, self._correct[1], what="溫度 0.5 時「會」的機率", abs_tol=0.01)
        except Mismatch as exc:
            if isinstance(p_ju_cold, (int, float)) and abs(float(p_ju_cold) - 0.36) < 0.01:
                raise Mismatch("平方之後還要除以總和（0.36 + 0.09 + 0.01），機率才會加起來等於 1。") from None
            raise exc from None


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
        expect_type(claims, (set, frozenset, list, tuple), "false_claims")   # [1, 2] 寫成串列也可以
        if not all(type(c) is int and 1 <= c <= len(self.sentences) for c in claims):
            raise Mismatch(f"集合裡放句子編號（1 到 {len(self.sentences)} 的整數）。")
        claims = set(claims)
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

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

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

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

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

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, answer: Any) -> None:
        expect_type(answer, dict, "risk_source_for")
        missing = [k for k in self._expected if k not in answer]
        if missing:
            raise Mismatch(f"還缺少這些事件：{'、'.join(missing)}。")
        # 框架草案的完整名稱（課程表格括號裡的「框架原文」）也算對，與評分作業第 3 題一致。
        got = {k: RISK_SOURCE_ALIASES.get(v, v) if type(v) is str else v
               for k, v in dict.items(answer) if k in self._expected}
        if not all(type(got[k]) is str and got[k] in RISK_SOURCES for k in self._expected):
            raise Mismatch("請用三種風險來源的名稱字串。")
        wrong = [k for k, v in self._expected.items() if not str.__eq__(got[k], v)]
        if wrong:
            raise Mismatch(f"有 {len(wrong)} 個事件的風險來源不對。")


# -- 課程 04_ai_basic_act -------------------------------------------------------------------------


class ActArticles(Problem):
    id = "module1.act_articles"
    title = "人工智慧基本法：哪一條規定這件事？"
    objective = "能把人工智慧基本法的重點對應到條號：第 2 條主管機關、第 3 條定義、第 4 條七大原則、第 5 條高風險應用、第 19 條政府使用 AI。"
    competencies = ("風險辨識", "公共價值")
    domains = ("gov-ai-core/C1", "ipas-planner-basic/L11", "iii-genai/D4")
    _var = "article_of"
    items = {
        "A": "中央主管機關為國家科學及技術委員會",
        "B": "人工智慧是具自主運行能力、經由機器學習及演算法產生預測、內容、建議或決策等產出的系統",
        "C": "研發與應用應遵循永續發展與福祉、人類自主等七項原則",
        "D": "高風險應用由中央目的事業主管機關會商數位發展部後認定，並應明確標示注意事項或警語",
        "E": "政府使用人工智慧執行業務或提供服務，應進行風險評估並規劃風險因應措施",
    }
    _hints = (
        "課程第 1 節的條文表：第 2 條、第 3 條、第 4 條、第 5 條、第 19 條。",
        "「政府自己用 AI」是第 19 條；「避免侵害、高風險應用標示警語」是第 5 條。",
    )
    _expected = {"A": 2, "B": 3, "C": 4, "D": 5, "E": 19}
    _solution = "```python\narticle_of = {'A': 2, 'B': 3, 'C': 4, 'D': 5, 'E': 19}\n```"
    _correct = dict(_expected)
    _wrong = {"A": 2, "B": 3, "C": 4, "D": 16, "E": 19}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, article_of: Any) -> None:
        expect_type(article_of, dict, "article_of")
        missing = [k for k in self._expected if k not in article_of]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        wrong = 0
        for key, want in self._expected.items():
            try:
                check_number(article_of[key], want, what=key, integer=True)
            except Mismatch:
                wrong += 1
        if wrong:
            raise Mismatch(f"有 {wrong} 項條號不對（答案是整數條號，例如 7）。對照課程的條文表。")


class WhoDecidesHighRisk(Problem):
    id = "module1.who_decides_high_risk"
    title = "誰認定高風險的 AI 應用？"
    objective = "能依人工智慧基本法第 5 條說出高風險 AI 應用由中央目的事業主管機關會商數位發展部後認定，而不是由數位發展部單獨決定。"
    competencies = ("風險辨識",)
    domains = ("gov-ai-core/C1", "iii-genai/D4")
    _var = "decider"
    options = {
        "A": "數位發展部單獨認定",
        "B": "中央目的事業主管機關會商數位發展部後認定",
        "C": "國家科學及技術委員會統一認定",
        "D": "使用 AI 的承辦人自行認定",
    }
    _hints = (
        "第 5 條第 2 項：認定的主體是各業務的「中央目的事業主管機關」。",
        "數位發展部在這裡的角色是被「會商」（諮詢）的機關，以及依第 16 條推動風險分類框架。",
    )
    _solution = "```python\ndecider = 'B'\n```"
    _correct = "B"
    _wrong = "A"

    def _check(self, decider: Any) -> None:
        expect_type(decider, str, "decider")
        decider = str.upper(str.strip(decider))   # "b" 與 " B" 也算寫對代號
        if str.__eq__(decider, "A"):
            raise Mismatch("數位發展部推動風險分類框架（第 16 條），但不單獨認定個別的高風險應用。")
        if not str.__eq__(decider, "B"):
            raise Mismatch("再看一次第 5 條第 2 項：由誰認定？要先和誰會商？")


class Article19Duties(Problem):
    id = "module1.article19_duties"
    title = "第 19 條：機關自己使用 AI 時的義務"
    objective = "能判斷機關使用 AI 的作法是否符合人工智慧基本法第 19 條（風險評估、因應措施、使用規範或內控機制）與指引第 5 點。"
    competencies = ("風險辨識", "公共價值")
    domains = ("gov-ai-core/C3", "aws-aif-c01/D5")
    _var = "duty_ok"
    statements = {
        "A": "機關用 AI 提供服務前，先做風險評估並規劃風險因應措施",
        "B": "只有被認定為高風險的應用才需要做風險評估",
        "C": "機關依業務性質訂定 AI 使用規範或內控管理機制",
        "D": "完成風險評估後，AI 的產出就可以直接作為行政處分的唯一依據",
        "E": "人工智慧基本法自公布之日起施行",
    }
    _hints = (
        "第 19 條沒有限定「高風險」：政府使用 AI 執行業務或提供服務，都要做風險評估。",
        "風險評估不會讓 AI 產出變成可以單獨依據的事實：指引第 5 點仍然要求查證。第 20 條：自公布之日起施行。",
    )
    _expected = {"A": True, "B": False, "C": True, "D": False, "E": True}
    _solution = "```python\nduty_ok = {'A': True, 'B': False, 'C': True, 'D': False, 'E': True}\n```"
    _correct = dict(_expected)
    _wrong = {**_expected, "B": True}

    def _is_blank(self, value: Any) -> bool:
        return _starter_dict(value)

    def _check(self, duty_ok: Any) -> None:
        expect_type(duty_ok, dict, "duty_ok")
        missing = [k for k in self._expected if k not in duty_ok]
        if missing:
            raise Mismatch(f"還缺少：{'、'.join(missing)}。")
        wrong = 0
        for key, want in self._expected.items():
            try:
                check_bool(duty_ok[key], want, what=key)
            except Mismatch:
                wrong += 1
        if wrong:
            raise Mismatch(f"有 {wrong} 項判斷不對（每項填 True 或 False）。")


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
# Lesson 04: q12–q14.
q12 = ActArticles()
q13 = WhoDecidesHighRisk()
q14 = Article19Duties()


# -- provided tools (run by learners, never written by them) -------------------------------------


def simple_phone_mask(text: str) -> str:
    """The course's deliberately simple phone-masking tool: ``09`` + 8 digits, optional dashes only.

    Learners run it and judge its output: it misses numbers written with spaces, with the +886
    country code or in full-width digits, which is why a person checks every automated masking.
    """
    import re

    return re.sub(r"09\d{2}-?\d{3}-?\d{3}", "[手機]", text)
