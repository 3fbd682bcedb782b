"""The tiny character language model of lesson 02_how_genai_writes: a proper, reproducible distribution."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from govai.exercises import tinylm

CORPUS = Path(__file__).resolve().parents[1] / "data" / "module1" / "corpus.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return tinylm.load_corpus(CORPUS)


@pytest.fixture(scope="module")
def model(text: str) -> tinylm.CharNGramModel:
    return tinylm.train(text, order=2)


def test_corpus_is_labelled_and_comments_are_dropped(text: str) -> None:
    raw = CORPUS.read_text(encoding="utf-8")
    assert "自編教材文字" in raw.splitlines()[0]
    assert "#" not in text and "自編教材文字" not in text
    assert 2_000 <= len(raw.encode("utf-8")) <= 20_000   # "a few KB"


def test_trains_fast(text: str) -> None:
    start = time.perf_counter()
    tinylm.train(text, order=3)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("context", ["", "本市", "承辦人", "本市育兒津貼自", "完全沒看過的字串ㄅ"])
@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5])
def test_probabilities_sum_to_one(model: tinylm.CharNGramModel, context: str, temperature: float) -> None:
    dist = model.distribution(context, temperature)
    assert dist, "back-off should always find a distribution"
    assert math.isclose(sum(dist.values()), 1.0, rel_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in dist.values())
    assert list(dist.values()) == sorted(dist.values(), reverse=True)


def _entropy(dist: dict[str, float]) -> float:
    return -sum(p * math.log(p) for p in dist.values() if p > 0)


def test_temperature_flattens_the_distribution(model: tinylm.CharNGramModel) -> None:
    cold, base, hot = (model.distribution("本市", t) for t in (0.5, 1.0, 2.0))
    top = next(iter(base))
    assert cold[top] > base[top] > hot[top]
    assert _entropy(cold) < _entropy(base) < _entropy(hot)


def test_zero_temperature_is_greedy(model: tinylm.CharNGramModel) -> None:
    dist = model.distribution("本市", 0)
    assert max(dist.values()) == 1.0 and sum(dist.values()) == 1.0


def test_apply_temperature_matches_softmax_of_log_probabilities() -> None:
    probs = {"局": 0.6, "府": 0.3, "會": 0.1}
    got = tinylm.apply_temperature(probs, 2.0)
    expected = tinylm.softmax_with_temperature([math.log(p) for p in probs.values()], 2.0)
    assert [round(v, 12) for v in got.values()] == [round(v, 12) for v in expected]
    assert tinylm.apply_temperature(probs, 1.0) == pytest.approx(probs)


def test_softmax_with_temperature_known_values() -> None:
    assert [round(p, 3) for p in tinylm.softmax_with_temperature([2.0, 1.0, 0.0], 1.0)] == [0.665, 0.245, 0.09]
    with pytest.raises(ValueError):
        tinylm.softmax_with_temperature([1.0], 0)


def test_generation_is_deterministic_with_seed(text: str) -> None:
    a = tinylm.train(text, order=2).generate("本市育兒津貼自", 60, temperature=1.0, seed=7)
    b = tinylm.train(text, order=2).generate("本市育兒津貼自", 60, temperature=1.0, seed=7)
    assert a == b and a.startswith("本市育兒津貼自")
    outputs = {tinylm.train(text).generate("本市", 60, seed=s) for s in range(10)}
    assert len(outputs) > 1, "different seeds should give different samples"


def test_fluent_but_false_sentences_exist(model: tinylm.CharNGramModel, text: str) -> None:
    """The lesson's point: samples recombine true fragments into sentences the corpus never states."""
    lines = set(text.splitlines())
    samples = [model.generate("本市育兒津貼自", 60, seed=s) for s in range(30)]
    assert any(s.endswith("。") and s not in lines for s in samples)


def test_probability_of_a_sequence(model: tinylm.CharNGramModel) -> None:
    assert model.probability("") == 1.0
    assert 0.0 < model.probability("本案", prompt="說明：") <= 1.0
    assert model.probability("ㄅ", prompt="本市") == 0.0


def test_bar_table_html_escapes_and_lists(model: tinylm.CharNGramModel) -> None:
    html = tinylm.bar_table_html({"<": 0.5, "\n": 0.3, "a": 0.2}, top=2)
    assert "&lt;" in html and "（句子結束）" in html and "另有 1 個" in html
    assert "%" in tinylm.bar_table_html(model.distribution("本市"))


def test_lesson_exercise_sentences_come_from_the_model(model: tinylm.CharNGramModel, text: str) -> None:
    """module1.q8 shows sentences 'the model produced': each must have non-zero probability under it."""
    from govai.exercises import module1

    lines = set(text.splitlines())
    prompt = "本市"
    for i, sentence in enumerate(module1.q8.sentences, start=1):
        assert model.probability(sentence[len(prompt):], prompt=prompt) > 0, sentence
        # The false ones (the exercise's answer) are exactly those the corpus never states.
        assert (sentence not in lines) == (i in module1.q8._correct), sentence
