"""Every quantitative claim the module 3 lessons make is true on their own data.

`make test` already runs every lesson top to bottom under nbval, so this file does not re-execute
the notebooks. It recomputes each claim directly — from the lesson's data files, with the same
models and parameters the lesson uses and the exercise module's reference functions — asserts the
computed value, and asserts that the lesson's TEXT states that very number (``_says``). A change
to the data, to a parameter or to the text that makes a sentence untrue fails here in seconds.

Lesson 4 is the exception: its claims are about the pipeline the lesson itself defines (prompts,
wrapping, filters, the regression suite against the local stub server), which takes well under a
second to run, so its code cells are executed in-process and the claims read from its variables.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest

from govai.exercises import module3 as ex

REPO = Path(__file__).resolve().parents[1]
LESSONS = REPO / "notebooks" / "module3_dev"
DATA = REPO / "data" / "module3"


def _r(x: float) -> float:
    return round(float(x), 3)


@cache
def _markdown(name: str) -> str:
    nb = nbformat.read(LESSONS / name, as_version=4)
    return "\n".join(c.source for c in nb.cells)   # Markdown and the quiz questions in code cells


def _says(name: str, *phrases: str) -> None:
    """The lesson's text (Markdown, quiz questions) states each phrase (a number as printed, or a short sentence part)."""
    text = _markdown(name)
    missing = [p for p in phrases if p not in text]
    assert not missing, f"{name} no longer states {missing}"


def _f3(x: float) -> str:
    return f"{float(x):.3f}"


L1, L2, L3, L4, L5 = ("01_spec_to_classifier.ipynb", "02_retrieval_vision_acceptance.ipynb", "03_law_retrieval.ipynb",
                      "04_grounded_generation_safety.ipynb", "05_training_adaptation.ipynb")


# -- lesson 1 -------------------------------------------------------------------------------------

HEALTH = "臺北市政府衛生局"
POLICE = "臺北市政府警察局"


@pytest.fixture(scope="module")
def petitions() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = pd.read_csv(DATA / "petitions_text.csv", dtype=str)
    return p[p["資料集"] == "train"], p[p["資料集"] == "test"]


def _fit_predict(train: pd.DataFrame, test: pd.DataFrame, vectorizer: Any, class_weight: str | None = "balanced"):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    m = make_pipeline(vectorizer, LogisticRegression(max_iter=1000, class_weight=class_weight))
    m.fit(train["陳情內容"], train["受理機關"])
    return m.predict(test["陳情內容"])


@pytest.fixture(scope="module")
def lesson1(petitions: tuple[pd.DataFrame, pd.DataFrame]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, test = petitions
    y = test["受理機關"].to_numpy()
    health = y == HEALTH
    out: dict[str, Any] = {"y": y}

    def score(pred: np.ndarray) -> tuple[float, float]:
        return float((pred == y).mean()), float((pred[health] == HEALTH).mean())

    out["word"] = score(_fit_predict(train, test, TfidfVectorizer()))
    out["unbalanced"] = score(_fit_predict(train, test, TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), None))
    preds = {n: _fit_predict(train, test, TfidfVectorizer(analyzer="char", ngram_range=(1, n))) for n in (1, 2, 3)}
    out["ngrams"] = {n: score(p) for n, p in preds.items()}
    out["pred"] = preds[2]                      # the lesson's model: char 1–2-gram, balanced
    return out


def test_lesson1_character_ngrams_beat_the_word_analyzer_and_balancing_trades_accuracy(lesson1: dict, petitions) -> None:
    word_acc, _ = lesson1["word"]
    char_acc, char_rec = lesson1["ngrams"][2]
    unb_acc, unb_rec = lesson1["unbalanced"]
    majority = petitions[1]["受理機關"].value_counts(normalize=True).iloc[0]
    assert _r(word_acc) == 0.237 and word_acc < majority         # "worse than always guessing the largest class"
    assert (_r(char_acc), _r(char_rec)) == (0.828, 0.528)
    assert (_r(unb_acc), _r(unb_rec)) == (0.846, 0.389)
    _says(L1, "正確率只有 0.237（比全猜最多的類別還差），字元 1～2-gram 是 0.828",
          "衛生局召回率從 0.389 升到 0.528", "整體正確率從 0.846 降到 0.828")


def test_lesson1_the_ngram_slider_changes_the_result(lesson1: dict) -> None:
    res = {n: (_r(a), _r(r)) for n, (a, r) in lesson1["ngrams"].items()}
    assert res == {1: (0.811, 0.528), 2: (0.828, 0.528), 3: (0.858, 0.556)}
    _says(L1, "正確率 0.811 → 0.828 → 0.858，衛生局召回率 0.528 → 0.528 → 0.556")


def test_lesson1_worked_example_reads_the_confusion_matrix(lesson1: dict) -> None:
    from sklearn.metrics import confusion_matrix, precision_score, recall_score

    y, pred = lesson1["y"], lesson1["pred"]
    labels = sorted(set(y))
    cm = confusion_matrix(y, pred, labels=labels)
    h, p = labels.index(HEALTH), labels.index(POLICE)
    assert list(cm[h]) == [6, 1, 4, 19, 6] and list(cm[:, h]) == [6, 3, 3, 19, 5]
    assert list(cm[p]) == [4, 9, 4, 5, 83] and list(cm[:, p]) == [4, 8, 9, 6, 83]
    assert (cm[h].sum(), cm[:, h].sum(), cm[p].sum(), cm[:, p].sum()) == (36, 36, 105, 110)
    for label, prec, rec in ((HEALTH, 0.528, 0.528), (POLICE, 0.755, 0.790)):
        assert _r(precision_score(y, pred, labels=[label], average="micro")) == prec
        assert _r(recall_score(y, pred, labels=[label], average="micro")) == rec
        assert ex._precision_recall(list(y), list(pred), label) == (prec, rec)
    _says(L1, "6 + 1 + 4 + 19 + 6 = 36", "19 ÷ 36 = 0.528", "6 + 3 + 3 + 19 + 5 = 36",
          "列和 4 + 9 + 4 + 5 + 83 = 105", "欄和 4 + 8 + 9 + 6 + 83 = 110", "83 ÷ 105 = 0.790", "83 ÷ 110 = 0.755",
          "衛生局 0.528、警察局 0.790 都不通過", "整體正確率 0.828 也未達 0.90")


def test_lesson1_no_district_is_clearly_lower(lesson1: dict, petitions) -> None:
    test = petitions[1]
    hit = pd.Series(lesson1["pred"] == lesson1["y"], index=test.index)
    overall = hit.mean()
    d = hit.groupby(test["行政區"]).agg(答對="sum", 件數="size", 正確率="mean")
    upper = {k: ex._wilson(int(r["答對"]), int(r["件數"]))[1] for k, r in d.iterrows()}
    assert _r(overall) == 0.828
    assert (d["正確率"].idxmin(), _r(d["正確率"].min())) == ("松山區", 0.75)
    assert (d["正確率"].idxmax(), _r(d["正確率"].max())) == ("內湖區", 0.893)
    assert _r(upper["松山區"]) == 0.854
    assert all(u >= overall for u in upper.values())
    assert (d["件數"].min(), d["件數"].max()) == (40, 62)
    _says(L1, "從 0.750（松山區）到 0.893（內湖區）", "沒有任何一區的 95% 信賴區間上界低於整體正確率 0.828",
          "每區 40～62 件", "上界 0.854 高於整體 0.828")


def test_lesson1_label_noise_is_described_as_generated() -> None:
    source = (DATA / "make_data.py").read_text(encoding="utf-8")
    assert "label = agency if rng.random() > 0.03 else rng.choice(agencies)" in source   # may redraw the same agency
    _says(L1, "每件有 3% 的機率隨機重抽受理機關，可能抽回原機關，所以實際標錯的略少於 3%")

# -- lesson 2 -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vendor() -> tuple[pd.DataFrame, pd.Series]:
    v = pd.read_csv(DATA / "vendor_predictions.csv", dtype=str)
    return v, v["受理機關"] == v["廠商預測"]


def test_lesson2_vendor_acceptance_numbers(vendor) -> None:
    v, hit = vendor
    pc = hit.groupby(v["受理機關"]).agg(答對="sum", 件數="size", 召回率="mean")
    assert (int(hit.sum()), len(v), _r(hit.mean())) == (565, 604, 0.935)
    assert pc["件數"].min() == 36 and pc["件數"].idxmin() == HEALTH
    assert (pc.drop(HEALTH)["件數"] >= 100).all()
    assert (int(pc.loc[HEALTH, "答對"]), int(pc.loc[HEALTH, "件數"]), _r(pc.loc[HEALTH, "召回率"])) == (27, 36, 0.75)
    low, high = ex._wilson(27, 36)
    assert (_r(low), _r(high)) == (0.589, 0.862)
    recalls = {k.replace("臺北市政府", ""): _r(r) for k, r in pc["召回率"].items()}
    assert recalls == {"交通局": 0.925, "工務局": 0.943, "環境保護局": 0.966, "衛生局": 0.75, "警察局": 0.962}
    assert round(36 / 604, 2) == 0.06
    _says(L2, "整體正確率 0.935 達標", "衛生局 36 件只對 27 件，召回率 0.750，95% 信賴區間約 0.589～0.862",
          "件數最少的是衛生局 36 件，其餘機關都在 100 件以上", "565 ÷ 604 = 0.935 ≥ 0.90",
          "交通局 0.925、工務局 0.943、環境保護局 0.966、警察局 0.962", "27 ÷ 36 = 0.750 < 0.80",
          "36 ÷ 604 ≈ 6%", "衛生局召回率 0.750 的 95% 信賴區間上界 0.862")


def test_lesson2_the_challenge_lower_bound_rule_has_an_answer() -> None:
    # "每類召回率的 95% 信賴區間下界 ≥ 0.80": with 36 health cases at least 34 must be right
    assert [k for k in range(37) if ex._wilson(k, 36)[0] >= 0.80][0] == 34
    _says(L2, "信賴區間**下界** ≥ 0.80", "`_wilson(k, 36)`")


def test_lesson2_only_wanhua_is_clearly_lower(vendor) -> None:
    v, hit = vendor
    d = hit.groupby(v["行政區"]).agg(答對="sum", 件數="size", 正確率="mean")
    d["95%上界"] = [ex._wilson(int(k), int(n))[1] for k, n in zip(d["答對"], d["件數"], strict=True)]
    low = d[d["95%上界"] < hit.mean()]
    assert list(low.index) == ["萬華區"]
    assert (_r(low.loc["萬華區", "正確率"]), _r(low.loc["萬華區", "95%上界"]), int(low.loc["萬華區", "件數"])) == \
        (0.839, 0.913, 56)
    _says(L2, "萬華區 56 件的正確率 0.839，95% 信賴區間上界 0.913 仍低於整體 0.935")


def test_lesson2_mlp_is_robust_to_brightness_here() -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    net = MLPClassifier(hidden_layer_sizes=(64,), max_iter=600, random_state=0).fit(X_train / 16, y_train)
    scanned = X_test * 255 / 16
    good = (net.predict(scanned * 16 / 255 / 16) == y_test).mean()
    raw = (net.predict(scanned / 16) == y_test).mean()
    assert len(X) == 1797 and _r(good) == 0.973 and _r(raw) == 0.969
    assert ex._rescale([0, 255]) == [0.0, 16.0]
    _says(L2, "1,797 張 8×8", "小型神經網路對「整體變亮」還算穩健")


# -- lesson 3 (the lesson's pipeline: articles → chunks, jieba + BM25, TF-IDF + LSA, RRF) --------------

SHORT = {"人工智慧基本法": "AI", "個人資料保護法": "個資", "行政院及所屬機關（構）使用生成式AI參考指引": "指引",
         "資通安全管理法": "資安"}


def _articles() -> list[tuple[str, str]]:
    out, law = [], None
    for line in (DATA / "law_corpus.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if re.fullmatch(r"【(.+)】", line):
            law = line[1:-1]
            continue
        m = re.match(r"第(\d+)(條|點)\s*(.+)", line)
        out.append((f"{SHORT[law]}-{m.group(1)}", m.group(3)))
    return out


def _tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(text) if w.strip() and not re.fullmatch(r"[\W_]+", w)]


def _to_articles(order: Any, ids: list[str]) -> list[str]:
    seen: list[str] = []
    for i in order:
        if ids[i] not in seen:
            seen.append(ids[i])
    return seen


def _runs(size: int, overlap: int, questions: list[str]) -> dict[str, list[list[str]]]:
    import warnings

    from rank_bm25 import BM25Okapi
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids, texts = [], []
    for aid, text in _articles():
        for piece in ex._chunk(text, size, overlap):     # the reference chunker, as the lesson's split()
            ids.append(aid)
            texts.append(piece)
    bm25 = BM25Okapi([_tokens(t) for t in texts])
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    tfidf = vec.fit_transform(texts)
    svd = TruncatedSVD(n_components=min(32, tfidf.shape[0] - 1), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vectors = svd.fit_transform(tfidf)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def dense(q: str) -> np.ndarray:
        v = svd.transform(vec.transform([q]))[0]
        return vectors @ (v / np.linalg.norm(v))

    runs = {"BM25（jieba）": [_to_articles(np.argsort(-bm25.get_scores(_tokens(q)), kind="stable"), ids)
                             for q in questions],
            "向量（LSA）": [_to_articles(np.argsort(-dense(q), kind="stable"), ids) for q in questions]}
    runs["混合（RRF）"] = [ex._rrf([a, b]) for a, b in zip(runs["BM25（jieba）"], runs["向量（LSA）"], strict=True)]
    return runs


def _metrics(runs: dict[str, list[list[str]]], relevant: list[set[str]]) -> pd.DataFrame:
    def recall(rs: list[list[str]], k: int) -> float:
        return float(np.mean([ex._recall_at_k(r, s, k) for r, s in zip(rs, relevant, strict=True)]))

    return pd.DataFrame({name: {"recall@1": recall(rs, 1), "recall@3": recall(rs, 3), "MRR": ex._mrr(rs, relevant)}
                         for name, rs in runs.items()}).T.round(3)


@pytest.fixture(scope="module")
def lesson3() -> dict[str, Any]:
    q = pd.read_csv(DATA / "rag_questions.csv", dtype=str)
    questions, relevant = list(q["問題"]), [set(x.split(";")) for x in q["相關條文"]]
    runs = {size: _runs(size, size // 4, questions) for size in (40, 80, 160)}
    return {"questions": questions, "relevant": relevant, "runs": runs[80],
            "by_size": {size: _metrics(r, relevant) for size, r in runs.items()}}


def test_lesson3_the_reference_functions_match_the_lesson_helpers() -> None:
    # the lesson's own split()/fuse() are re-implementations of these; same behaviour on the lesson's cases
    assert ex._chunk("一二三四五六七八九十", 4, 1) == ["一二三四", "四五六七", "七八九十"]
    assert ex._rrf([["A", "B"], ["B", "A"]]) == ["A", "B"]            # a tie is broken by id


def test_lesson3_retrieval_metrics_as_stated(lesson3: dict) -> None:
    m = lesson3["by_size"][80]
    assert len(lesson3["questions"]) == 26 and len(_articles()) == 25
    assert (m["recall@3"] >= 0.92).all() and (m["recall@3"] * 26).round().min() == 24
    assert m["recall@1"].idxmax() == "向量（LSA）" and m.loc["向量（LSA）", "recall@1"] == 0.846
    assert m["recall@1"].idxmin() == "BM25（jieba）" and m.loc["BM25（jieba）", "recall@1"] == 0.654
    assert (m.loc["混合（RRF）", "MRR"], m.loc["向量（LSA）", "MRR"]) == (0.873, 0.899)
    assert m.loc["BM25（jieba）", "MRR"] < m.loc["混合（RRF）", "MRR"] < m.loc["向量（LSA）", "MRR"]
    assert _r(m.loc["向量（LSA）", "MRR"] - m.loc["混合（RRF）", "MRR"]) == 0.026
    _says(L3, "在 26 題標註問題上評估", "recall@3 都在 0.92 以上（26 題中最多漏 2 題）",
          "recall@1 是向量檢索最高（0.846），BM25 最低（0.654）", "混合排名的 MRR（0.873）", "勝過向量檢索（0.899）",
          "向量檢索的 MRR 比混合排名高 0.026")


def test_lesson3_the_definition_question_is_missed_by_both(lesson3: dict) -> None:
    i = lesson3["questions"].index("法律上怎麼定義人工智慧？")
    for name in ("BM25（jieba）", "向量（LSA）"):
        assert "AI-3" not in lesson3["runs"][name][i][:3]
    assert "定義" not in dict(_articles())["AI-3"]
    _says(L3, "「法律上怎麼定義人工智慧？」兩種方法都找不到前 3 名")


def test_lesson3_worked_example_one_question(lesson3: dict) -> None:
    i = lesson3["questions"].index("資料可以用在蒐集目的以外的用途嗎？")
    runs, rel = lesson3["runs"], lesson3["relevant"][i]
    bm, vec, hybrid = runs["BM25（jieba）"][i], runs["向量（LSA）"][i], runs["混合（RRF）"][i]
    assert rel == {"個資-16"}
    assert bm[:3] == ["個資-5", "個資-15", "個資-16"] and vec[:3] == ["個資-5", "個資-16", "個資-15"]
    assert hybrid[:3] == ["個資-5", "個資-15", "個資-16"]
    assert [ex._recall_at_k(r, rel, k) for r in (bm, vec) for k in (1, 3)] == [0.0, 1.0, 0.0, 1.0]
    assert (ex._mrr([bm], [rel]), ex._mrr([vec], [rel]), ex._mrr([hybrid], [rel])) == (1 / 3, 0.5, 1 / 3)
    assert round(2 / 61, 5) == 0.03279 and round(1 / 62 + 1 / 63, 5) == 0.03200
    assert round((0.5 - 1 / 3) / 26, 3) == 0.006
    _says(L3, "1/3 ≈ 0.333", "1/2 = 0.5", "(0.5 − 0.333) ÷ 26 ≈ 0.006", "1/61 + 1/61 ≈ 0.03279",
          "1/62 + 1/63 ≈ 0.03200", "`個資-16` 落到第 3 名")


def test_lesson3_chunk_size_changes_the_winner(lesson3: dict) -> None:
    small, large = lesson3["by_size"][40], lesson3["by_size"][160]
    assert small["MRR"].idxmax() == "混合（RRF）" and small["recall@1"].idxmax() == "混合（RRF）"
    assert (small.loc["混合（RRF）", "recall@1"], small.loc["混合（RRF）", "MRR"]) == (0.846, 0.897)
    assert small.drop("混合（RRF）")["MRR"].max() < 0.86
    assert large["MRR"].idxmax() == "向量（LSA）" and large["recall@1"].idxmax() == "向量（LSA）"
    _says(L3, "每片 40 字時，混合排名反而最好（recall@1 0.846、MRR 0.897，兩種單一方法的 MRR 都在 0.86 以下）",
          "每片 160 字時，向量檢索又回到第一")


def test_lesson3_wilson_interval_quoted() -> None:
    low, high = ex._wilson(22, 26)
    assert (round(low, 2), round(high, 2)) == (0.66, 0.94)
    assert math.isclose(1 / 26, 0.038, abs_tol=5e-4)
    _says(L3, "差 1 題就是 recall@1 差 0.038", "22/26 的 Wilson 95% 信賴區間約是 0.66～0.94")


# -- lesson 4 (its own pipeline against the local stub; runs in well under a second) -----------------

@pytest.fixture(scope="module")
def lesson4(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    nb = nbformat.read(LESSONS / L4, as_version=4)
    ns: dict[str, Any] = {"__name__": "__lesson__"}
    old_cwd, old_env = os.getcwd(), {k: os.environ.get(k) for k in ("GOVAI_HOME", "GOVAI_LLM_URL")}
    os.environ["GOVAI_HOME"] = str(tmp_path_factory.mktemp("govai-home"))
    os.chdir(LESSONS)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type == "code" and ".check()" not in cell.source:   # skip the learner's stubs
                    exec(compile(cell.source, L4, "exec"), ns)  # noqa: S102 - the project's own lesson
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return ns


def test_lesson4_injection_rates_as_stated(lesson4: dict) -> None:
    attacks = lesson4["tests_set"]["類型"] != "正常"
    assert attacks.sum() == 16 and (~attacks).sum() == 10
    rates = {p: ex._rates(lesson4["results"][p]) for p in "ABCD"}     # (擋下率, 洩漏率, 誤擋率)
    assert rates == {"A": (0.0, 1.0, 0.0), "B": (0.0, 0.75, 0.0), "C": (0.0, 0.5, 0.0), "D": (1.0, 0.0, 0.0)}
    kinds = list(lesson4["tests_set"]["類型"])
    leaked_c = {k for k, r in zip(kinds, lesson4["results"]["C"], strict=True) if r["leaked"]}
    assert leaked_c == {"直接注入"}                                   # C leaks only direct ones
    kinds_count = lesson4["tests_set"]["類型"].value_counts().to_dict()
    assert kinds_count == {"正常": 10, "直接注入": 8, "間接注入": 8}
    assert sum(r["leaked"] for r in lesson4["results"]["C"]) == 8 and round(8 / 26, 3) == 0.308
    _says(L4, "攻擊句 16 句（直接注入 8、間接注入 8），正常問題 10 題", "0 ÷ 16 = 0.000", "8 ÷ 16 = 0.500",
          "這 8 句全是直接注入", "0 ÷ 10 = 0.000", "8 ÷ 26 ≈ 0.308")
    assert len(lesson4["wrongly_blocked"]) == 2
    _says(L4, "16 句自編的注入測試句與 10 題正常問題", "洩漏率 1.000（16 句攻擊中 16 句讓系統提示外洩）",
          "B 降到 0.750", "C 是 0.500，剩下的全是直接注入", "D 擋下率 1.000、洩漏率 0.000、誤擋率 0.000",
          "誤擋 2 題正常問題（誤擋率 0.200）")


def test_lesson4_no_pii_reaches_the_server(lesson4: dict) -> None:
    assert len(lesson4["PII"].findall(lesson4["sent"])) == 0 and "1130922333444" in lesson4["sent"]


def test_lesson4_regression_suite_blocks_the_update(lesson4: dict) -> None:
    from govai.exercises import llm

    with llm.serve_stub() as stub:      # the lesson closes its own server in its last cell
        lesson4["stub"] = stub
        assert lesson4["regression"]("local-model") == (24, 24)
        assert lesson4["regression"]("local-model-v2") == (16, 24)
    _says(L4, "`local-model` 通過 24/24", "`local-model-v2` 只通過 16/24")


def test_lesson4_checks_pass_an_answer_that_does_not_answer(lesson4: dict) -> None:
    from govai.exercises import llm

    ask, retrieve, support = lesson4["ask"], lesson4["retrieve"], lesson4["support"]
    with llm.serve_stub() as stub:
        lesson4["stub"] = stub
        q = "資通安全長的任期多久？"
        a = ask(q)
        assert a.startswith("依據〔資安-12〕")
        assert ex._citations_ok(a, [p for p, _ in retrieve(q)]) and support(a, retrieve(q)) == 1.0
    _says(L4, "引用檢查通過、忠實度 1.0")


# -- lesson 5 -------------------------------------------------------------------------------------

def _text_model(C: float = 1.0) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LinearSVC(C=C, class_weight="balanced"))


@pytest.fixture(scope="module")
def lesson5() -> dict[str, Any]:
    general = pd.read_csv(DATA / "petitions_text.csv", dtype=str)
    general = general[general["資料集"] == "train"]
    agency = pd.read_csv(DATA / "agency_train.csv", dtype=str)
    return {"general": general, "general_y": general["受理機關"].str.replace("臺北市政府", ""),
            "agency": agency, "agency_y": agency["受理機關"].str.replace("基隆市政府", ""),
            "heldout": pd.read_csv(DATA / "agency_heldout.csv", dtype=str)}


def test_lesson5_regularisation_table(lesson5: dict) -> None:
    from sklearn.model_selection import StratifiedKFold, cross_validate

    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    rows = {}
    for C in (0.01, 0.1, 1.0, 10.0):
        r = cross_validate(_text_model(C), lesson5["general"]["陳情內容"], lesson5["general_y"], cv=folds,
                           return_train_score=True)
        rows[C] = (_r(r["train_score"].mean()), _r(r["test_score"].mean()))
    assert (rows[0.01][0], rows[10.0][0]) == (0.906, 1.0)
    assert max(rows, key=lambda c: rows[c][1]) == 1.0 and rows[1.0][1] == 0.853 and rows[10.0][1] == 0.848
    gaps = [rows[c][0] - rows[c][1] for c in (0.01, 0.1, 1.0, 10.0)]
    assert gaps == sorted(gaps)
    assert ex._pick_best([(c, s) for c, (_t, s) in rows.items()]) == 1.0
    _says(L5, "訓練分數從 0.906 升到 1.000", "交叉驗證分數卻在 C = 1 達到最高（0.853）後，C = 10 又降到 0.848")


def _adapted(lesson5: dict, weight: float, rows: Any) -> Any:
    g, a = lesson5["general"], lesson5["agency"]
    texts = pd.concat([g["陳情內容"], a["陳情內容"].iloc[rows]])
    labels = pd.concat([lesson5["general_y"], lesson5["agency_y"].iloc[rows]])
    weights = np.r_[np.ones(len(g)), np.full(len(rows), weight)]
    return _text_model(1.0).fit(texts, labels, linearsvc__sample_weight=weights)


def test_lesson5_weight_chosen_by_cross_validation_worked_example(lesson5: dict) -> None:
    from sklearn.model_selection import StratifiedKFold

    agency, y = lesson5["agency"], lesson5["agency_y"]
    folds = list(StratifiedKFold(n_splits=4, shuffle=True, random_state=0).split(agency, y))
    hits = {w: [int((_adapted(lesson5, w, tr).predict(agency["陳情內容"].iloc[va]) == y.iloc[va]).sum())
                for tr, va in folds] for w in (1, 3, 10)}
    assert [len(va) for _tr, va in folds] == [40, 40, 40, 40] and len(agency) == 160
    assert hits == {1: [36, 37, 39, 34], 3: [37, 37, 39, 36], 10: [37, 37, 39, 36]}
    assert (sum(hits[1]), sum(hits[3])) == (146, 149) and (146 / 160, 149 / 160) == (0.9125, 0.93125)
    assert {max(h) - min(h) for h in hits.values()} == {3, 5}
    assert ex._pick_best([(w, sum(h) / 160) for w, h in hits.items()]) == 3
    assert (y == "衛生局").sum() == 14
    _says(L5, "36 + 37 + 39 + 34 = 146 筆，146 ÷ 160 = 0.9125", "37 + 37 + 39 + 36 = 149 筆，149 ÷ 160 = 0.93125",
          "不同折之間就差了 3～5 筆", "衛生局只有 14 筆訓練資料", "權重 3：交叉驗證時權重 3 與 10 同分，選較小的")


def test_lesson5_adaptation_before_and_after(lesson5: dict) -> None:
    g, a, h = lesson5["general"], lesson5["agency"], lesson5["heldout"]
    assert "受理機關" not in h.columns and len(h) == 400
    before = ex.heldout_report(_text_model(1.0).fit(g["陳情內容"], lesson5["general_y"]).predict(h["陳情內容"]))
    agency_only = ex.heldout_report(_text_model(1.0).fit(a["陳情內容"], lesson5["agency_y"]).predict(h["陳情內容"]))
    after = ex.heldout_report(_adapted(lesson5, 3, np.arange(len(a))).predict(h["陳情內容"]))
    assert before["accuracy"] == 0.598
    assert agency_only["accuracy"] == 0.828 and agency_only["recall"]["衛生局"] == 0.522
    assert after["accuracy"] == 0.91 and after["recall"]["衛生局"] == 0.826
    _says(L5, "只用通用資料的正確率 0.598", "只用機關自己的 160 筆是 0.828", "召回率 0.522", "調適後 0.910，衛生局召回率 0.826")


def test_lesson5_digits_gamma() -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    X, y = load_digits(return_X_y=True)
    d = {}
    for gamma in (0.001, 0.01, 0.1):
        r = cross_validate(make_pipeline(StandardScaler(), SVC(gamma=gamma)), X, y,
                           cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0), return_train_score=True)
        d[gamma] = (_r(r["train_score"].mean()), _r(r["test_score"].mean()))
    assert d[0.1] == (1.0, 0.943)
    assert max(d, key=lambda g: d[g][1]) == 0.01 and d[0.01][1] == 0.983
    assert len(X) == 1797
    _says(L5, "gamma = 0.1 時訓練分數 1.000，交叉驗證分數卻只有 0.943", "gamma = 0.01 時交叉驗證分數最高（0.983）",
          "digits 1,797 張")


# -- data -----------------------------------------------------------------------------------------

def test_master_learner_files_carry_no_labels() -> None:
    import pandas as pd

    test = pd.read_csv(REPO / "release/module3_dev/petitions_test.csv", dtype=str)
    assert list(test.columns) == ["案件編號", "行政區", "陳情內容"]
    vendor = pd.read_csv(REPO / "release/module3_dev/vendor_predictions.csv", dtype=str)
    assert not set(vendor["案件編號"]) & set(test["案件編號"])       # the vendor file cannot be joined to the test set
    texts = set(pd.read_csv(REPO / "release/module3_dev/petitions_train.csv", dtype=str)["陳情內容"])
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
