"""Terms and their weights: what the digest compares articles and sentences on.

An article's terms are its content words, normalised (``arabic.normalize_arabic``) and ISRI-stemmed
(``stages.extractive.content_terms``, the extractive summary's own), plus the facts the checks read: each
stated quantity (``#270000``) and each name (``@لافروف``), which tell two stories on the same subject apart.
Terms are weighted by TF-IDF over the articles of the digest; an article keeps only its ``MAX_TERMS``
heaviest terms, so its vector has a bounded size whatever its length. Vectors are plain sparse dicts (no
scikit-learn): a cosine costs the smaller vector's size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from ..stages.extractive import content_terms
from .facts import sentence_facts

MAX_TERMS = 120  # terms kept of an article's vector (and of a story's centroid)
BACKGROUND_DOCUMENTS = 50  # virtual articles without any of the terms: a few articles are still a sample
FACT_WEIGHT = 2.0  # a name or a figure counts as this many words: it is what tells two events apart

Vector = dict[str, float]


def article_terms(sentences: list[str]) -> Counter[str]:
    """Term counts of an article: stemmed content words, and its quantities and names as terms."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(content_terms(sentence))
        facts = sentence_facts(sentence)
        for quantity in facts.quantities:
            counts[f"#{quantity.value}"] += FACT_WEIGHT
        for name in facts.names:
            counts[f"@{name}"] += FACT_WEIGHT
    return counts


class DocumentFrequencies:
    """In how many articles each term occurs: the IDF of the digest's articles (read once, counted)."""

    def __init__(self) -> None:
        self.documents = 0
        self.counts: Counter[str] = Counter()

    def add(self, terms: Iterable[str]) -> None:
        self.documents += 1
        self.counts.update(set(terms))

    def idf(self, term: str) -> float:
        """Smoothed IDF, over the articles and ``BACKGROUND_DOCUMENTS`` that hold none of their terms: among
        five articles of one story, the words all five share must not weigh nothing."""
        return math.log((1 + self.documents + BACKGROUND_DOCUMENTS) / (1 + self.counts.get(term, 0))) + 1.0


def unit(weights: Mapping[str, float], keep: int = MAX_TERMS) -> Vector:
    """The ``keep`` heaviest entries of ``weights``, scaled to length 1 (empty stays empty)."""
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in top))
    return {t: w / norm for t, w in top} if norm > 0 else {}


def tfidf(counts: Mapping[str, float], frequencies: DocumentFrequencies, keep: int = MAX_TERMS) -> Vector:
    """An article's unit TF-IDF vector (sublinear term frequency: a word said ten times is not ten times
    the topic)."""
    return unit({t: (1.0 + math.log(c)) * frequencies.idf(t) for t, c in counts.items() if c > 0}, keep)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def sentence_similarities(sentences: list[str], frequencies: DocumentFrequencies) -> np.ndarray:
    """Cosine similarities of every pair of ``sentences`` on their TF-IDF-weighted stems (an n x n matrix:
    the callers bound n)."""
    bags = [Counter(content_terms(s)) for s in sentences]
    vocabulary = {t: i for i, t in enumerate(dict.fromkeys(t for bag in bags for t in bag))}
    matrix = np.zeros((len(bags), max(1, len(vocabulary))))
    for row, bag in enumerate(bags):
        for term, count in bag.items():
            matrix[row, vocabulary[term]] = count * frequencies.idf(term)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return matrix @ matrix.T
