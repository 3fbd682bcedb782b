"""A tiny character-level language model for the lesson 「生成式 AI 如何寫字」 (module 1).

The point of the lesson is not the model but what it shows: a generative model only
learns which character tends to follow which, and then samples. It strings together
plausible characters with no notion of truth, so a fluent sentence may state a wrong
date or amount. A character n-gram model shows that in a few lines, trains on the
few-KB corpus the project ships (``data/module1/corpus.txt``) in milliseconds, and is
deterministic for a given seed, so lesson outputs and tests are reproducible offline.

Pure Python (no numpy needed): the corpus is tiny and readability matters more than speed.
"""

from __future__ import annotations

import html
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CharNGramModel",
    "train",
    "load_corpus",
    "apply_temperature",
    "softmax_with_temperature",
    "bar_table_html",
]

# Generation stops after one of these: one sentence is what the lessons show.
SENTENCE_END = "。！？\n"


def load_corpus(path: str | Path) -> str:
    """Read a corpus file, dropping blank lines and ``#`` comment lines (the file's label and licence)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return "\n".join(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def apply_temperature(probs: Mapping[str, float], temperature: float) -> dict[str, float]:
    """Reshape a distribution: p_i^(1/T), renormalised. T<1 sharpens, T>1 flattens, T<=0 is greedy.

    Raising probabilities to 1/T is the same as dividing log-probabilities (the model's scores)
    by T before a softmax, which is how large language models apply temperature.
    """
    items = [(k, float(p)) for k, p in probs.items() if p > 0]
    if not items:
        return {}
    if temperature <= 0:
        # Greedy decoding: all mass on the most likely item (ties broken by the item, for determinism).
        best = min(items, key=lambda kv: (-kv[1], kv[0]))[0]
        return {k: (1.0 if k == best else 0.0) for k, _ in items}
    # Work in log space so very small temperatures do not underflow to all zeros.
    logs = [(k, math.log(p) / temperature) for k, p in items]
    top = max(v for _, v in logs)
    weights = [(k, math.exp(v - top)) for k, v in logs]
    total = sum(w for _, w in weights)
    return {k: w / total for k, w in weights}


def softmax_with_temperature(scores: Iterable[float], temperature: float) -> list[float]:
    """The textbook formula e^(s_i/T) / sum_j e^(s_j/T), for comparing with the graded exercise."""
    values = list(scores)
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    top = max(values)
    exps = [math.exp((s - top) / temperature) for s in values]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass
class CharNGramModel:
    """Counts of the next character after every context of up to ``order`` characters."""

    order: int
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def vocabulary(self) -> list[str]:
        return sorted(self.counts.get("", Counter()))

    def context_used(self, text: str) -> str:
        """The longest tail of ``text`` (at most ``order`` characters) seen in training: simple back-off."""
        for k in range(min(self.order, len(text)), 0, -1):
            tail = text[-k:]
            if tail in self.counts:
                return tail
        return ""

    def distribution(self, text: str, temperature: float = 1.0) -> dict[str, float]:
        """Probabilities of the next character after ``text``, most likely first."""
        counts = self.counts.get(self.context_used(text), Counter())
        total = sum(counts.values())
        if total == 0:
            return {}
        probs = apply_temperature({ch: n / total for ch, n in counts.items()}, temperature)
        return dict(sorted(probs.items(), key=lambda kv: (-kv[1], kv[0])))

    def generate(self, prompt: str, length: int = 40, temperature: float = 1.0, seed: int = 0,
                 stop: str = SENTENCE_END) -> str:
        """Continue ``prompt`` one sampled character at a time; the same seed gives the same text."""
        rng = random.Random(seed)
        out = prompt
        for _ in range(length):
            dist = self.distribution(out, temperature)
            if not dist:
                break
            ch = _sample(dist, rng)
            if ch == "\n":
                break
            out += ch
            if ch in stop:
                break
        return out

    def probability(self, text: str, prompt: str = "") -> float:
        """P(text | prompt) under the model: the product of each next-character probability."""
        p, context = 1.0, prompt
        for ch in text:
            p *= self.distribution(context).get(ch, 0.0)
            context += ch
        return p


def _sample(dist: Mapping[str, float], rng: random.Random) -> str:
    r = rng.random()
    acc = 0.0
    last = ""
    for ch, p in dist.items():
        acc += p
        last = ch
        if r < acc:
            return ch
    return last  # floating-point rounding left r just above the sum


def train(text: str, order: int = 2) -> CharNGramModel:
    """Count next characters after contexts of length 0…order, line by line (a line is one sentence)."""
    if order < 0:
        raise ValueError("order must be >= 0")
    counts: dict[str, Counter[str]] = {}
    for line in text.splitlines():
        if not line:
            continue
        # The line's end is a character too, so generation can learn where a sentence stops.
        chars = line + "\n"
        for i, ch in enumerate(chars):
            for k in range(0, min(order, i) + 1):
                counts.setdefault(chars[i - k:i], Counter())[ch] += 1
    return CharNGramModel(order=order, counts=counts)


def bar_table_html(dist: Mapping[str, float], top: int = 8, caption: str = "下一個字的機率") -> str:
    """An accessible HTML table: character, percentage as text, and a bar (the bar is only a second cue)."""
    shown = {"\n": "（句子結束）", " ": "（空白）"}
    rows = []
    for ch, p in list(dist.items())[:top]:
        label = html.escape(shown.get(ch, ch))
        width = max(1, round(p * 240))
        rows.append(
            f"<tr><td style='padding:2px 8px;font-size:1.2em'>{label}</td>"
            f"<td style='padding:2px 8px;text-align:right'>{p:.1%}</td>"
            f"<td style='padding:2px 8px'><div aria-hidden='true' style='background:#4a78b5;height:12px;"
            f"width:{width}px'></div></td></tr>"
        )
    rest = len(dist) - min(top, len(dist))
    more = f"<p style='margin:2px 0'>（另有 {rest} 個可能的字未列出）</p>" if rest > 0 else ""
    return (f"<table><caption style='text-align:left'><b>{html.escape(caption)}</b></caption>"
            "<tr><th>字</th><th>機率</th><th></th></tr>" + "".join(rows) + "</table>" + more)
