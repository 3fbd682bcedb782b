"""Every quantitative claim module 2-C's lessons, graded assignment and data READMEs make is true on their data."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from govai.course import standard
from govai.exercises import module2_c as ex
from govai.grading import engine

REPO = Path(__file__).resolve().parents[1]
LESSONS = REPO / "notebooks" / "module2_data"
SRC = REPO / "source" / "module2_data_c"
MASTER = SRC / "module2_data_c.ipynb"
DATA = REPO / "data" / "module2_c"
_ID = re.compile(r"[A-Z][0-9]{9}")
_LETTERS = {c: v for c, v in zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True)}


def _text(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells)


def _master_cell(gid: str) -> str:
    return next(c.source for c in engine.read_notebook(MASTER).cells if engine.grade_id(c) == gid)


def _valid_id(s: str) -> bool:
    n = _LETTERS[s[0]]
    digits = [n // 10, n % 10] + [int(x) for x in s[1:]]
    return sum(d * w for d, w in zip(digits, [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1], strict=True)) % 10 == 0


def _residents() -> pd.DataFrame:
    people = pd.read_csv(DATA / "residents.csv", dtype=str)
    people["年齡"] = people["年齡"].astype(int)
    return people


# -- synthetic ID numbers never pass the checksum (READMEs promise it) ------------------------------

def test_every_synthetic_id_number_fails_the_checksum() -> None:
    texts = [_text(p) for p in sorted(LESSONS.glob("c_0*.ipynb"))] + [_text(MASTER)]
    texts.append(Path(ex.__file__).read_text(encoding="utf-8"))
    found = {m for t in texts for m in _ID.findall(t)}
    assert found
    assert not [s for s in found if _valid_id(s)]


# -- c_01 --------------------------------------------------------------------------------------

def test_c01_residents_and_small_table() -> None:
    assert len(_residents()) == 24
    small = pd.DataFrame(ex.q5.rows)
    assert {"性別": ex.k_anonymity(small, ["性別"]), "里別": ex.k_anonymity(small, ["里別"]),
            "性別+年齡層": ex.k_anonymity(small, ["性別", "年齡層"])} == ex.q5._correct
    assert [ex.age_band(a, 10, top=80) for a in ex.q4.ages] == ex.q4._correct


# -- c_02 --------------------------------------------------------------------------------------

def test_c02_truncated_axis_claims() -> None:
    text = _text(LESSONS / "c_02_charts_decisions.ipynb")
    assert "1 月 1,200 通、3 月 1,450 通，實際只多了約 21%" in text
    assert round((1450 / 1200 - 1) * 100) == 21
    assert (1450 - 1000) / (1200 - 1000) > 2          # 「看起來是 1 月的兩倍多」
    assert ((550 - 400) / (500 - 400) - 1) / (550 / 500 - 1) == pytest.approx(ex.q6._correct)


def test_c02_median_mean_and_within_seven_days() -> None:
    cases = pd.read_csv(DATA / "cases.csv")
    summary = ex.section_summary(cases)
    assert summary["中位數天數"].idxmax() == ex.q7._correct == "建築管理科"
    assert summary["平均天數"].idxmax() == ex.q7._wrong == "清潔科"
    days = ex.closing_days(cases)
    assert len(cases) == 60 and (days <= 7).sum() == 29 and (days < 7).sum() == 26
    assert ex.q8._correct == pytest.approx(29 / 60 * 100) and round(ex.q8._correct, 1) == 48.3
    assert sorted(days[cases["受理科室"] == "清潔科"].nlargest(2)) == [120, 150]   # data README


# -- c_03: the one rule, in the same words as module 8 --------------------------------------------

def test_c03_rule_and_amendment_dates() -> None:
    text = _text(LESSONS / "c_03_personal_data_law.ipynb")
    for fact in ("2025-10-17", "2025-11-11", "施行日期由行政院定之", "以主管機關發布之辦法為準", "發法字第1100017815號"):
        assert fact in text, fact
    assert "經機關同意" in text and "封閉式地端模型" in text and "不得使用生成式 AI" in text
    m8 = (REPO / "notebooks" / "module8_adoption" / "01_scenarios_prompts.ipynb").read_text(encoding="utf-8")
    assert "經機關同意" in m8 and "地端封閉模型" in m8    # module 8 states the same condition


# -- c_04: what the tools do and miss ---------------------------------------------------------------

def test_c04_old_tool_misses_only_the_id_glued_to_chinese() -> None:
    out = ex.mask_id_number(ex.q12.text)
    ids = _ID.findall(ex.q12.text)
    assert [i for i in ids if i in out] == ["C287654321"]     # item B
    assert not _ID.findall(ex.mask_personal_data(ex.q12.text))


def test_c04_new_tool_leaves_name_address_health() -> None:
    out = ex.mask_personal_data(ex.q13.text)
    assert "王大同" in out and "長榮路二段 5 號" in out and "氣喘" in out      # A, C, E
    assert "H123456785" not in out and "0912 345 678" not in out            # B, D
    challenge = "里長回報：住在中正路 12 巷的陳阿土先生（E112345670）最近剛出院，家屬電話 0922-333-444，已轉介長照中心。"
    masked = ex.mask_personal_data(challenge)
    assert "E112345670" not in masked and "0922-333-444" not in masked and "陳阿土" in masked
    assert challenge in _text(LESSONS / "c_04_checking_masking.ipynb")


def test_c04_k_table_and_threshold() -> None:
    k = ex.k_table(_residents(), ex.q14.settings)["k 值"].to_dict()
    assert {s for s, v in k.items() if v >= 4} == ex.q14._correct == {"S3", "S4"}
    assert k["S3"] == 4                                              # exactly the threshold
    assert {s for s, v in k.items() if v > 4} == ex.q14._wrong


# -- the graded assignment and its README -------------------------------------------------------

def test_master_readme_claims() -> None:
    cases = pd.read_csv(SRC / "cases.csv")
    days = ex.closing_days(cases)
    assert len(cases) == 60 and set(cases["受理科室"].value_counts()) == {12}
    noise = days[cases["受理科室"] == "噪音稽查科"]
    assert sorted(noise.nlargest(2)) == [90, 120]
    summary = ex.section_summary(cases)
    assert summary.loc["公園路燈科", "中位數天數"] == 10.0
    assert (days == 7).sum() == 6
    assert len(pd.read_csv(SRC / "applicants.csv")) == 40


def test_master_item_answers_follow_from_the_data() -> None:
    cases = pd.read_csv(SRC / "cases.csv")
    summary = ex.section_summary(cases)
    by_median = set(summary.index[summary["中位數天數"] > 10])
    assert by_median == {"違建查報科", "急難救助科"}
    means = cases.assign(d=ex.closing_days(cases)).groupby("受理科室")["d"].mean()
    assert set(means.index[means > 10]) == {"違建查報科", "急難救助科", "噪音稽查科", "公園路燈科"}
    days = ex.closing_days(cases)
    assert (days <= 7).sum() / 60 * 100 == pytest.approx(40.0) and (days < 7).sum() / 60 * 100 == pytest.approx(30.0)
    settings = {"K1": (20, ["里別"]), "K2": (5, ["性別", "里別"]), "K3": (10, ["性別"]), "K4": (20, ["性別", "里別"]),
                "K5": (10, ["性別", "里別"])}
    import ast

    shown = _master_cell("q5_tool").split("settings = ", 1)[1].split("\ntools.", 1)[0]
    assert ast.literal_eval(shown) == settings
    k = ex.k_table(pd.read_csv(SRC / "applicants.csv"), settings)["k 值"].to_dict()
    assert k == {"K1": 4, "K2": 1, "K3": 3, "K4": 1, "K5": 1}
    letter = re.search(r'letter = "(.*)"', _master_cell("q3_tool")).group(1)
    out = ex.mask_personal_data(letter)
    assert "F231845067" not in out and "0918-273-645" not in out and "example.com" not in out   # A, D, E
    assert "林淑芬" in out and "文化路一段88號" in out and "糖尿病" in out and "A800123456" in out   # B, C, F, G
    assert (92 / 80 - 1) * 100 == pytest.approx(15.0) and ((92 - 70) / (80 - 70) - 1) * 100 == pytest.approx(120.0)


def test_master_has_no_code_points_and_four_lessons() -> None:
    assert standard.code_requiring(engine.read_notebook(MASTER), "module2_data_c").code_points == 0
    assert len(list(LESSONS.glob("c_0*.ipynb"))) >= 4


# -- the worked examples added in review ----------------------------------------------------------

def test_c01_worked_example_k_values() -> None:
    text = _text(LESSONS / "c_01_classification_deid.ipynb")
    assert "### 🧪 範例：一步一步算出里民資料的 k 值" in text
    people = _residents()
    by_sex = people.groupby("性別").size().to_dict()
    assert by_sex == {"女": 12, "男": 12} and "女 12 筆、男 12 筆" in text and "k = 12" in text
    banded = people.assign(年齡層=[ex.age_band(a, 10) for a in people["年齡"]])
    groups = banded.groupby(["性別", "年齡層"]).size()
    assert groups.min() == 1 and groups[("女", "80-89")] == 1     # 「女性 80-89 歲只有 1 人」
    assert ex.k_anonymity(banded, ["性別", "年齡層"]) == 1


def test_c01_level_starter_lists_the_problems_items() -> None:
    code = "\n".join(c.source for c in nbformat.read(str(LESSONS / "c_01_classification_deid.ipynb"), 4).cells
                     if c.cell_type == "code")
    import ast

    starter = ast.literal_eval(re.search(r"^level_of = (\{.*?\n\})", code, re.S | re.M).group(1))
    assert set(starter) == set(ex.q1._expected) and ex.q1._is_blank(starter)
    assert "_expected" not in code                    # the lesson never reads a problem's private answer


def test_c02_worked_example_fastest_section() -> None:
    import numpy as np

    text = _text(LESSONS / "c_02_charts_decisions.ipynb")
    cases = pd.read_csv(DATA / "cases.csv")
    summary = ex.section_summary(cases)
    assert summary["平均天數"].idxmin() == "交通管理科" and summary.loc["交通管理科", "平均天數"] == 5.8
    assert summary["中位數天數"].idxmin() == "清潔科" and summary.loc["清潔科", "中位數天數"] == 4.0
    assert summary.loc["清潔科", "平均天數"] == 29.6 and summary.loc["清潔科", "最長天數"] == 150
    for claim in ("交通管理科（5.8 天）", "清潔科（4.0 天）", "29.6 天", "150 天", "（120 天與 150 天）"):
        assert claim in text, claim
    days = ex.closing_days(cases)[cases["受理科室"] == "清潔科"]
    assert (days <= 4).sum() >= len(days) / 2                       # 「一半的案件 4 天內就結案」
    q1, q3 = np.percentile(days, [25, 75])                           # matplotlib's boxplot whiskers
    assert sorted(days[days > q3 + 1.5 * (q3 - q1)]) == [120, 150]   # exactly two outliers
    assert "1～7（含 7）" in ex.q8._hints[0] and ex.days_table(cases).index.min() == 1


def test_c04_worked_example_masking() -> None:
    text = _text(LESSONS / "c_04_checking_masking.ipynb")
    note = re.search(r'note = "(.*)"', text).group(1)
    out = ex.mask_personal_data(note)
    assert "G22****556" in out and "[手機]" in out and "0933-111-222" not in out
    assert "黃美華" in out and "輕度失智" in out and "大同里 8 鄰" in out
    assert "`G22****556`" in text


def test_c01_name_mask_accepts_look_alike_circles() -> None:
    """「○」 is hard to type; the lesson promises 〇 counts too."""
    assert "打成國字「〇」也算對" in _text(LESSONS / "c_01_classification_deid.ipynb")
    ex.q3._check({"張美玲": "張〇玲", "李四": "李○", "歐陽小明": "歐◯◯明"})
    with pytest.raises(AssertionError):
        ex.q3._check({"張美玲": "張O玲", "李四": "李○", "歐陽小明": "歐○○明"})


def test_c02_slowest_section_ignores_surrounding_spaces() -> None:
    ex.q7._check(" 建築管理科 ")
    with pytest.raises(AssertionError):
        ex.q7._check("清潔科 ")
