"""Every quantitative claim the module 3 lessons make is true on their own data.

Each lesson's code cells are executed in-process (as nbval runs them, without a kernel) and the
numbers the Markdown states are asserted against the lesson's own variables.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = REPO / "notebooks" / "module3_development"


def _run(name: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    nb = nbformat.read(LESSONS / name, as_version=4)
    ns: dict[str, Any] = {"__name__": "__lesson__"}
    old_cwd, old_home = os.getcwd(), os.environ.get("GOVAI_HOME")
    os.environ["GOVAI_HOME"] = str(tmp_path_factory.mktemp("govai-home"))
    os.chdir(LESSONS)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type == "code":
                    exec(compile(cell.source, f"{name}", "exec"), ns)  # noqa: S102 - the project's own lesson
    finally:
        os.chdir(old_cwd)
        if old_home is None:
            os.environ.pop("GOVAI_HOME", None)
        else:
            os.environ["GOVAI_HOME"] = old_home
    return ns


def _r(x: float) -> float:
    return round(float(x), 3)


@pytest.fixture(scope="module")
def lesson1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("01_spec_to_classifier.ipynb", tmp_path_factory)


@pytest.fixture(scope="module")
def lesson2(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("02_retrieval_vision_acceptance.ipynb", tmp_path_factory)


@pytest.fixture(scope="module")
def lesson3(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("03_law_retrieval.ipynb", tmp_path_factory)


@pytest.fixture(scope="module")
def lesson4(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("04_grounded_generation_safety.ipynb", tmp_path_factory)


@pytest.fixture(scope="module")
def lesson5(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("05_training_adaptation.ipynb", tmp_path_factory)


# -- lesson 1 -------------------------------------------------------------------------------------

def test_lesson1_character_ngrams_beat_the_word_analyzer_and_balancing_trades_accuracy(lesson1: dict) -> None:
    c = lesson1["compare"]
    word, char, unbalanced = (c["analyzer='word'（預設）"], c["字元 1～2-gram"], c["字元 1～2-gram、不平衡處理"])
    assert _r(word["正確率"]) == 0.237
    majority = lesson1["test"]["受理機關"].value_counts(normalize=True).iloc[0]
    assert word["正確率"] < majority                       # "worse than always guessing the largest class"
    assert (_r(char["正確率"]), _r(char["衛生局召回率"])) == (0.828, 0.528)
    assert (_r(unbalanced["正確率"]), _r(unbalanced["衛生局召回率"])) == (0.846, 0.389)
    assert char["衛生局召回率"] > unbalanced["衛生局召回率"] and char["正確率"] < unbalanced["正確率"]


def test_lesson1_the_ngram_slider_changes_the_result(lesson1: dict) -> None:
    res = {n: (_r(a), _r(r)) for n, (a, r) in lesson1["results"].items()}
    assert res == {1: (0.811, 0.528), 2: (0.828, 0.528), 3: (0.858, 0.556)}


def test_lesson1_no_district_is_clearly_lower(lesson1: dict) -> None:
    d = lesson1["by_district"]
    assert _r(lesson1["overall"]) == 0.828
    assert (d["正確率"].idxmin(), _r(d["正確率"].min())) == ("松山區", 0.75)
    assert (d["正確率"].idxmax(), _r(d["正確率"].max())) == ("內湖區", 0.893)
    assert _r(d.loc["松山區", "95%上界"]) == 0.854
    assert not d["明顯較低"].any()
    assert (d["件數"].min(), d["件數"].max()) == (40, 62)


# -- lesson 2 -------------------------------------------------------------------------------------

def test_lesson2_vendor_acceptance_numbers(lesson2: dict) -> None:
    pc = lesson2["per_class"]
    assert _r(lesson2["hit"].mean()) == 0.935
    assert (pc["件數"] >= 30).all()
    health = pc.loc["臺北市政府衛生局"]
    assert (int(health["答對"]), int(health["件數"]), _r(health["召回率"])) == (27, 36, 0.75)
    assert (_r(health["95%下界"]), _r(health["95%上界"])) == (0.589, 0.862)
    assert (pc.drop("臺北市政府衛生局")["召回率"] >= 0.80).all()


def test_lesson2_only_wanhua_is_clearly_lower(lesson2: dict) -> None:
    d = lesson2["by_district"]
    low = d[d["95%上界"] < lesson2["hit"].mean()]
    assert list(low.index) == ["萬華區"]
    assert (_r(low.loc["萬華區", "正確率"]), _r(low.loc["萬華區", "95%上界"]), int(low.loc["萬華區", "件數"])) == \
        (0.839, 0.913, 56)


def test_lesson2_mlp_is_robust_to_brightness_here(lesson2: dict) -> None:
    net, X_test, y_test = lesson2["net"], lesson2["X_test"], lesson2["y_test"]
    scanned = X_test * 255 / 16
    good = (net.predict(scanned * 16 / 255 / 16) == y_test).mean()
    raw = (net.predict(scanned / 16) == y_test).mean()
    assert _r(good) == 0.973 and _r(raw) == 0.969


# -- lesson 3 -------------------------------------------------------------------------------------

def test_lesson3_retrieval_metrics_as_stated(lesson3: dict) -> None:
    m = lesson3["metrics"]
    assert len(lesson3["questions"]) == 26 and len(lesson3["articles"]) == 25
    assert (m["recall@3"] >= 0.92).all()
    assert m["recall@1"].idxmax() == "向量（LSA）" and m.loc["向量（LSA）", "recall@1"] == 0.846
    assert m["recall@1"].idxmin() == "BM25（jieba）" and m.loc["BM25（jieba）", "recall@1"] == 0.654
    assert (m.loc["混合（RRF）", "MRR"], m.loc["向量（LSA）", "MRR"]) == (0.873, 0.899)
    assert m.loc["BM25（jieba）", "MRR"] < m.loc["混合（RRF）", "MRR"] < m.loc["向量（LSA）", "MRR"]
    assert _r(m.loc["向量（LSA）", "MRR"] - m.loc["混合（RRF）", "MRR"]) == 0.026


def test_lesson3_the_definition_question_is_missed_by_both(lesson3: dict) -> None:
    q = "法律上怎麼定義人工智慧？"
    i = list(lesson3["questions"]["問題"]).index(q)
    for name in ("BM25（jieba）", "向量（LSA）"):
        assert "AI-3" not in lesson3["runs"][name][i][:3]


def test_lesson3_chunk_size_changes_the_winner(lesson3: dict) -> None:
    small, large = lesson3["by_size"][40], lesson3["by_size"][160]
    assert small["MRR"].idxmax() == "混合（RRF）" and small["recall@1"].idxmax() == "混合（RRF）"
    assert (small.loc["混合（RRF）", "recall@1"], small.loc["混合（RRF）", "MRR"]) == (0.846, 0.897)
    assert small.drop("混合（RRF）")["MRR"].max() < 0.86
    assert large["MRR"].idxmax() == "向量（LSA）" and large["recall@1"].idxmax() == "向量（LSA）"


def test_lesson3_wilson_interval_quoted() -> None:
    from govai.exercises.module3 import _wilson

    low, high = _wilson(22, 26)
    assert (round(low, 2), round(high, 2)) == (0.66, 0.94)
    assert math.isclose(1 / 26, 0.038, abs_tol=5e-4)


# -- lesson 4 -------------------------------------------------------------------------------------

def test_lesson4_injection_rates_as_stated(lesson4: dict) -> None:
    t = lesson4["table"]
    attacks = lesson4["tests_set"]["類型"] != "正常"
    assert attacks.sum() == 16 and (~attacks).sum() == 10
    assert list(t["洩漏率"]) == [1.0, 0.75, 0.5, 0.0]
    assert list(t["擋下率"]) == [0.0, 0.0, 0.0, 1.0]
    assert list(t["誤擋率"]) == [0.0, 0.0, 0.0, 0.0]
    rows_c = lesson4["results"]["C"]
    kinds = list(lesson4["tests_set"]["類型"])
    assert {k for k, r in zip(kinds, rows_c, strict=True) if r["leaked"]} == {"直接注入"}   # C leaks only direct ones
    assert len(lesson4["wrongly_blocked"]) == 2


def test_lesson4_no_pii_reaches_the_server(lesson4: dict) -> None:
    pii = lesson4["PII"]
    assert len(pii.findall(lesson4["sent"])) == 0 and "1130922333444" in lesson4["sent"]


def test_lesson4_regression_suite_blocks_the_update(lesson4: dict) -> None:
    from govai import llm

    with llm.serve_stub() as stub:      # the lesson closes its own server in its last cell
        lesson4["stub"] = stub
        assert lesson4["regression"]("local-model") == (24, 24)
        assert lesson4["regression"]("local-model-v2") == (16, 24)


def test_lesson4_checks_pass_an_answer_that_does_not_answer(lesson4: dict) -> None:
    ask, retrieve, support = lesson4["ask"], lesson4["retrieve"], lesson4["support"]
    from govai import llm

    with llm.serve_stub() as stub:
        lesson4["stub"] = stub
        q = "資通安全長的任期多久？"
        a = ask(q)
        assert a.startswith("依據〔資安-12〕")
        assert lesson4["ex"]._citations_ok(a, [p for p, _ in retrieve(q)]) and support(a, retrieve(q)) == 1.0


# -- lesson 5 -------------------------------------------------------------------------------------

def test_lesson5_regularisation_table(lesson5: dict) -> None:
    s = lesson5["search"].set_index("C").round(3)
    assert (s.loc[0.01, "訓練分數"], s.loc[10.0, "訓練分數"]) == (0.906, 1.0)
    assert s["交叉驗證分數"].idxmax() == 1.0 and s.loc[1.0, "交叉驗證分數"] == 0.853
    assert s.loc[10.0, "交叉驗證分數"] == 0.848
    assert s["差距"].is_monotonic_increasing


def test_lesson5_adaptation_before_and_after(lesson5: dict) -> None:
    assert lesson5["before"]["accuracy"] == 0.598
    assert lesson5["agency_only"]["accuracy"] == 0.828 and lesson5["agency_only"]["recall"]["衛生局"] == 0.522
    assert lesson5["best_weight"] == 3 and lesson5["weight_cv"][3] == lesson5["weight_cv"][10]
    assert lesson5["after"]["accuracy"] == 0.91 and lesson5["after"]["recall"]["衛生局"] == 0.826
    assert (lesson5["agency_y"] == "衛生局").sum() == 14
    assert "受理機關" not in lesson5["heldout"].columns


def test_lesson5_digits_gamma(lesson5: dict) -> None:
    d = {g: (_r(a), _r(b)) for g, (a, b) in lesson5["digit_search"].items()}
    assert d[0.1][0] == 1.0 and d[0.1][1] == 0.943
    assert max(d, key=lambda g: d[g][1]) == 0.01 and d[0.01][1] == 0.983
    assert len(lesson5["X"]) == 1797


# -- data -----------------------------------------------------------------------------------------

def test_master_learner_files_carry_no_labels() -> None:
    import pandas as pd

    test = pd.read_csv(REPO / "release/module3_development/petitions_test.csv", dtype=str)
    assert list(test.columns) == ["案件編號", "行政區", "陳情內容"]
    vendor = pd.read_csv(REPO / "release/module3_development/vendor_predictions.csv", dtype=str)
    assert not set(vendor["案件編號"]) & set(test["案件編號"])       # the vendor file cannot be joined to the test set
    texts = set(pd.read_csv(REPO / "release/module3_development/petitions_train.csv", dtype=str)["陳情內容"])
    assert len(set(test["陳情內容"]) & texts) < 0.05 * len(test)    # few test texts have a labelled twin
    assert "受理機關" not in pd.read_csv(REPO / "data/module3/agency_heldout.csv", dtype=str).columns


def test_the_data_is_reproducible(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_data", REPO / "data/module3/make_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)   # type: ignore[union-attr]
    rows, _preds = mod.lesson_data()
    path = tmp_path / "p.csv"
    mod._write(path, rows, mod.LESSON_FIELDS)
    assert path.read_bytes() == (REPO / "data/module3/petitions_text.csv").read_bytes()
