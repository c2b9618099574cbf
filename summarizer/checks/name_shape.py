"""How much an Arabic word looks like a name spelled from another language.

Arabic has no capitals, so outside a title (الرئيس ترامب) or a known name nothing marks a name. But a
name spelled from another language (سيمينوف، إيواساكي، دالهوزي، غوتيريش) strings its letters as Arabic
words seldom do: long vowels where a root pattern has none, ending in -وف or -ي after a long vowel,
letters run as no pattern runs them. A logistic regression over the letters of the word (without its
article) says how likely the word is such a name.

The weights (``name_shape.json`` beside this module) are learnt by ``python -m eval.name_shape`` from
the even-numbered sentences of FLORES-200 devtest and NTREX-128 dev: there an Arabic word is a name when
a capitalised English name of its own pair renders it by skeleton. The odd-numbered sentences are held
out: ``python -m eval.checks`` reports the check on both halves. The file says what it learnt from.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from .transliteration import ARTICLES

MODEL_FILE = Path(__file__).with_name("name_shape.json")
# Letter n-grams of these lengths, over the word with its start (^) and end ($) marked.
NGRAMS = (1, 2, 3, 4)
# Lengths of the bare word are told apart up to this many letters.
LONGEST = 10


def without_article(token: str) -> tuple[str, str]:
    """A normalised word split into its article (with a clitic before it: وال، بال، لل) and the rest.
    A one-letter clitic alone stays on the word: لافروف is not ل + افروف."""
    for article in ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 2:
            return article, token[len(article):]
    return "", token


def shape_features(token: str) -> list[str]:
    """The features of one normalised Arabic word: the letter n-grams of the word without its article,
    its length, and its article (a spelled foreign name seldom takes one; a place sometimes does)."""
    article, form = without_article(token)
    marked = f"^{form}$"
    out = [f"{n}:{marked[i:i + n]}" for n in NGRAMS for i in range(len(marked) - n + 1)]
    out.append(f"len:{min(len(form), LONGEST)}")
    out.append(f"article:{article}")
    return out


@dataclass(frozen=True)
class ShapeModel:
    """Feature weights and a bias (a logistic regression), the likelihood from which a word is read as
    a name, and what the weights were learnt from."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    learnt_from: str = ""

    def likelihood(self, features: Iterable[str]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def to_dict(self) -> dict:
        return {"learnt_from": self.learnt_from, "threshold": self.threshold, "bias": self.bias,
                "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_dict(cls, data: Mapping) -> ShapeModel:
        return cls(MappingProxyType(dict(data["weights"])), float(data["bias"]), float(data["threshold"]),
                   str(data.get("learnt_from", "")))


@lru_cache(maxsize=1)
def shipped_model() -> ShapeModel:
    """The model that ships with the package (read once: the deliberate cache of this module)."""
    return ShapeModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=50_000)
def name_likelihood(token: str) -> float:
    """How likely a normalised Arabic word is a name spelled from another language (0 to 1)."""
    return shipped_model().likelihood(shape_features(token))
