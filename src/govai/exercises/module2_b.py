"""模組 2 會數據（路線 B 資料基礎）的練習題。Exercise set for module 2, route B (data foundations).

Bind in a notebook: ``from govai.exercises import module2_b as ex``; then ``ex.q1.check()``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from govai.exercises.compare import check_labels, check_number, check_numbers
from govai.exercises.core import (
    Mismatch,
    Problem,
    call_safely,
    check_function_cases,
    expect_type,
    is_starter_function,
    same,
)


class FunctionProblem(Problem):
    """A problem whose answer is a function; the starter defines it with a body returning None."""

    _cases: ClassVar[Sequence[tuple[tuple[Any, ...], Any]]]
    _probe: ClassVar[tuple[Any, ...]]
    _fname: ClassVar[str]

    @staticmethod
    def _blank(*args: Any) -> None:
        return None

    def _is_blank(self, func: Any) -> bool:
        return is_starter_function(func, *self._probe)

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
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genl/D4")
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
    domains = ("ipas-planner-intermediate/L22", "gcp-pmle/S2")
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
    domains = ("ipas-planner-intermediate/L23", "nvidia-nca-genm/D2")
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



class QualityCounts(Problem):
    id = "module2_b.quality_counts"
    title = "資料品質檢查：數對每一項"
    objective = "能以程式正確計算重複列（刪掉後少幾列）、空白結案日期與結案早於受理的列數。"
    competencies = ("AI輔助開發",)
    domains = ("ipas-planner-intermediate/L22", "gcp-pmle/S2")
    _var = "report"
    _hints = (
        "重複列用 `raw.duplicated().sum()`（第一次出現的不算）；空白用轉換後的 `isna()`。",
        "結案早於受理：兩個日期都轉成 ISO 字串後才能比大小，而且兩者都要有值。",
    )
    _solution = (
        "```python\nreceived = raw['受理日期'].map(roc_to_iso)\nclosed = raw['結案日期'].map(roc_to_iso)\n"
        "report = {'duplicate_rows': int(raw.duplicated().sum()), 'blank_close': int(closed.isna().sum()),\n"
        "          'closed_early': int((received.notna() & closed.notna() & (closed < received)).sum())}\n```"
    )
    _correct = {"duplicate_rows": 18, "blank_close": 52, "closed_early": 5}
    _wrong = {"duplicate_rows": 36, "blank_close": 52, "closed_early": 5}

    def _check(self, report: Any) -> None:
        expect_type(report, dict, "report")
        check_labels(list(report), list(self._correct), what="report 的三個鍵")
        if report["duplicate_rows"] == 36:
            raise Mismatch("重複列數把每組的兩筆都算進去了：要算的是「刪掉後會少幾列」。")
        for key, want in self._correct.items():
            check_number(report[key], want, what=f"report[{key!r}]", integer=True)


class TopRateDistrict(Problem):
    id = "module2_b.rate_per_1000"
    title = "每千戶陳情件數最高的行政區"
    objective = "能合併陳情與戶數資料、換算每千戶件數，並找出比率最高的行政區。"
    competencies = ("AI輔助開發",)
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genm/D5")
    _var = "top_district"
    _hints = ("看上面 `by_district` 表的「每千戶件數」欄。", "`by_district['每千戶件數'].idxmax()`。")
    _solution = "```python\ntop_district = by_district['每千戶件數'].idxmax()\n```"
    _correct = "大同區"
    _wrong = "萬華區"

    def _check(self, value: Any) -> None:
        expect_type(value, str, "top_district")
        if value == "萬華區":
            raise Mismatch("萬華區的「件數」可能多，但要比的是每千戶件數。")
        same(value, self._correct, what="每千戶件數最高的行政區")


class TrainCount(Problem):
    id = "module2_b.time_split"
    title = "依時間切分：訓練集有幾筆？"
    objective = "能依受理日期切分訓練與測試資料（切分日當天歸測試集）並算出訓練集筆數。"
    competencies = ("模型訓練",)
    domains = ("ipas-planner-intermediate/L23",)
    _var = "n_train"
    _hints = ("受理日期要先轉成 ISO 字串（所有寫法都要轉）。", "`int((iso < '2024-10-01').sum())`。")
    _solution = "```python\nn_train = int((iso < '2024-10-01').sum())\n```"
    _correct = 676
    _wrong = 540

    def _check(self, value: Any) -> None:
        check_number(value, self._correct, what="訓練集筆數（受理日期早於 2024-10-01）", integer=True)


class MedianDays(Problem):
    id = "module2_b.median_days"
    title = "工務局處理天數的中位數"
    objective = "能排除未結案與登打錯誤的列後，計算一個機關處理天數的中位數。"
    competencies = ("AI輔助開發", "模型訓練")
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genl/D4")
    _var = "works_median"
    _hints = ("只留 `days >= 0` 的列（未結案的 days 是 NaN）。", "`days[ok][clean['受理機關'] == '臺北市政府工務局'].median()`。")
    _solution = "```python\nworks_median = days[ok & (clean['受理機關'] == '臺北市政府工務局')].median()\n```"
    _correct = 11.0
    _wrong = 13.59

    def _check(self, value: Any) -> None:
        if isinstance(value, float) and abs(value - 13.59) < 0.01:
            raise Mismatch("這是平均數：少數拖很久的案件把它拉高了。題目要的是中位數。")
        check_number(value, self._correct, what="工務局處理天數的中位數", abs_tol=1e-9)


def _ci95(k: int, n: int) -> tuple[float, float]:
    p = k / n
    half = 1.96 * (p * (1 - p) / n) ** 0.5
    return (round(p - half, 4), round(p + half, 4))


class Ci95(FunctionProblem):
    id = "module2_b.ci95"
    title = "比例的 95% 信賴區間（Wald）"
    objective = "能以常態近似計算比例的 95% 信賴區間，並看出樣本越小區間越寬。"
    competencies = ("模型訓練",)
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genl/D3")
    _var = "ci95"
    _fname = "ci95"
    _probe = (45, 150)
    _hints = ("標準誤 = √(p(1−p)/n)；半寬 = 1.96 × 標準誤。", "回傳 `(round(p - half, 4), round(p + half, 4))`。")
    _solution = (
        "```python\nimport math\n\ndef ci95(k, n):\n    p = k / n\n    half = 1.96 * math.sqrt(p * (1 - p) / n)\n"
        "    return (round(p - half, 4), round(p + half, 4))\n```"
    )
    _cases = (((45, 150), _ci95(45, 150)), ((8, 40), _ci95(8, 40)), ((87, 175), _ci95(87, 175)))
    _correct = staticmethod(_ci95)

    @staticmethod
    def _wrong(k: int, n: int) -> tuple[float, float]:
        p = k / n
        half = 1.96 * (p * (1 - p)) ** 0.5
        return (round(p - half, 4), round(p + half, 4))

    def _check(self, func: Any) -> None:
        if not callable(func):
            raise Mismatch("ci95 應該是一個函式（def …）。")
        for args, want in self._cases:
            check_numbers(call_safely(func, *args), want, what=f"ci95{args}", abs_tol=2.5e-4)


class CiOverlap(Problem):
    id = "module2_b.ci_overlap"
    title = "哪幾組可以說「不同」？"
    objective = "能以兩個比例的 95% 信賴區間是否重疊，判斷差異是否可能只是抽樣誤差。"
    competencies = ("模型訓練",)
    domains = ("ipas-planner-intermediate/L22", "nvidia-nca-genl/D3")
    _var = "different_pairs"
    _hints = ("看上面表格每組的下界（lo）與上界（hi）：一組的上界低於另一組的下界，才是不重疊。",
              "點估計差很多不代表區間不重疊：樣本小的組，區間很寬。")
    _solution = "```python\ndifferent_pairs = {'B', 'D'}\n```"
    _correct = {"B", "D"}
    _wrong = {"A", "B", "D"}

    def _check(self, value: Any) -> None:
        if isinstance(value, set) and "A" in value:
            raise Mismatch("士林區與大同區的點估計差了 20 個百分點，但兩個區間重疊：不能只憑點估計說「明顯較低」。")
        check_labels(value, sorted(self._correct), what="區間不重疊的組別")


def _zscore(values: list[float]) -> list[float]:
    n = len(values)
    mean = sum(values) / n
    sd = (sum((x - mean) ** 2 for x in values) / n) ** 0.5
    return [round((x - mean) / sd, 4) for x in values]


class ZScore(FunctionProblem):
    id = "module2_b.zscore"
    title = "自己寫標準化（z 分數）"
    objective = "能把一個特徵標準化成平均 0、標準差 1（母體標準差，與 StandardScaler 相同）。"
    competencies = ("模型訓練",)
    domains = ("tqc-plus-ml/K1", "ipas-planner-intermediate/L23")
    _var = "zscore"
    _fname = "zscore"
    _probe = ([1.0, 2.0, 3.0],)
    _hints = ("z = (x − 平均) ÷ 標準差；標準差用除以 n 的母體標準差（ddof=0）。", "最後每個值 `round(z, 4)`，回傳串列。")
    _solution = (
        "```python\ndef zscore(values):\n    n = len(values)\n    mean = sum(values) / n\n"
        "    sd = (sum((x - mean) ** 2 for x in values) / n) ** 0.5\n    return [round((x - mean) / sd, 4) for x in values]\n```"
    )
    _cases = ((([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],), _zscore([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])),
              (([1200.0, 3400.0, 8100.0],), _zscore([1200.0, 3400.0, 8100.0])))
    _correct = staticmethod(_zscore)

    @staticmethod
    def _wrong(values: list[float]) -> list[float]:
        lo, hi = min(values), max(values)
        return [round((x - lo) / (hi - lo), 4) for x in values]

    def _check(self, func: Any) -> None:
        if not callable(func):
            raise Mismatch("zscore 應該是一個函式（def …）。")
        for args, want in self._cases:
            check_numbers(call_safely(func, *args), want, what="z 分數", abs_tol=2.5e-4)


class ClusterSizes(Problem):
    id = "module2_b.scale_then_cluster"
    title = "標準化後的各群大小"
    objective = "能在 k-means 分群前標準化特徵，並讀出各群的村里數。"
    competencies = ("模型訓練", "AI輔助開發")
    domains = ("tqc-plus-ml/K1", "ipas-planner-intermediate/L23")
    _var = "scaled_sizes"
    _hints = ("先 `StandardScaler().fit_transform(features)` 再分群。", "`sorted(int(c) for c in np.bincount(labels_scaled))`。")
    _solution = "```python\nscaled_sizes = sorted(int(c) for c in np.bincount(labels_scaled))\n```"
    _correct = [20, 34, 42]
    _wrong = [24, 35, 37]

    def _check(self, value: Any) -> None:
        if isinstance(value, list) and value == [24, 35, 37]:
            raise Mismatch("這是沒有標準化時的結果：人口數主導了距離。")
        check_numbers(value, self._correct, what="標準化後各群村里數（由小到大）", integer=True)


class UnscaledSizes(Problem):
    id = "module2_b.unscaled_sizes"
    title = "不標準化的各群大小"
    objective = "能看出不標準化時 k-means 幾乎只依數值大的特徵分群。"
    competencies = ("模型訓練",)
    domains = ("tqc-plus-ml/K1",)
    _var = "unscaled_sizes"
    _hints = ("直接把 `features`（未標準化）交給 KMeans。", "`sorted(int(c) for c in np.bincount(labels_raw))`。")
    _solution = "```python\nunscaled_sizes = sorted(int(c) for c in np.bincount(labels_raw))\n```"
    _correct = [24, 35, 37]
    _wrong = [20, 34, 42]

    def _check(self, value: Any) -> None:
        check_numbers(value, self._correct, what="未標準化時各群村里數（由小到大）", integer=True)

q1 = RocToIso()
q2 = CleanAgency()
q3 = CountDuplicates()
q4 = LeakyColumns()
q5 = Posterior()
q6 = QualityCounts()
q7 = TopRateDistrict()
q8 = TrainCount()
q9 = MedianDays()
q10 = Ci95()
q11 = CiOverlap()
q12 = ZScore()
q13 = ClusterSizes()
q14 = UnscaledSizes()

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14",
           "CANONICAL_AGENCIES", "FunctionProblem"]
