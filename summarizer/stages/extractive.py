"""Summaries that need no model weights: LexRank-style graph ranking, and lead-N.

This is what the tool falls back to when the mT5 model cannot be loaded, and a method in its
own right (fast, faithful: every sentence is the article's own). Sentences are compared on
normalised, ISRI-stemmed content words (nltk's ISRI stemmer needs no downloaded data).
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np
from nltk.stem.isri import ISRIStemmer

from ..arabic import normalize_arabic, words

# Function words that carry no topic: prepositions, conjunctions, pronouns, reporting verbs.
STOPWORDS = frozenset(normalize_arabic(w) for w in """
في من إلى الى على عن مع بين حول خلال بعد قبل منذ حتى عند لدى ضد نحو دون غير سوى عبر وفق
و أو ثم بل لكن لكنه لكنها أن إن أنه أنها إنه إنها كان كانت يكون تكون كانوا قد لقد لم لن لا ما
هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين اللتين هو هي هم هن نحن أنا أنت كما كل بعض أي
التى الى علي وقال قال قالت وقالت وأضاف أضاف وأضافت وأكد أكد وأشار أشار وتابع تابع وأوضح أوضح
يوم اليوم أمس أيضا أيضاً فقط حيث إذ إذا لو كي ليس هناك هنا ثمة عليه عليها فيه فيها منه منها له
لها به بها وفي ومن وعلى وإلى وهو وهي وكان وكانت وقد ولا وما بأن بأنه بأنها لأن كذلك وذلك ضمن
""".split())


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return ISRIStemmer().stem(word)


def content_terms(sentence: str) -> list[str]:
    """Normalised, stemmed words of a sentence, function words dropped."""
    terms = []
    for word in words(normalize_arabic(sentence)):
        if word in STOPWORDS or len(word) < 2:
            continue
        terms.append(_stem(word) if not word.isascii() else word.lower())
    return terms


def rank_sentences(
    sentences: list[str], damping: float = 0.85, iterations: int = 100, prior: list[float] | None = None
) -> list[float]:
    """LexRank scores: PageRank over the tf-idf cosine-similarity graph of the sentences.

    ``prior`` is where the random walk restarts (uniform when None): a lead-biased prior gives
    "biased LexRank" (Otterbacher et al., 2005), which keeps centrality but prefers, among central
    sentences, those where news puts its essentials.
    """
    bags = [Counter(content_terms(s)) for s in sentences]
    n = len(bags)
    if n == 0:
        return []
    df = Counter(term for bag in bags for term in bag)
    idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
    vocab = {term: i for i, term in enumerate(idf)}
    matrix = np.zeros((n, max(1, len(vocab))))
    for row, bag in enumerate(bags):
        for term, tf in bag.items():
            matrix[row, vocab[term]] = tf * idf[term]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, 0.0)
    weights = similarity.sum(axis=1, keepdims=True)
    transition = np.divide(similarity, weights, out=np.full_like(similarity, 1.0 / n), where=weights > 0)
    restart = np.full(n, 1.0 / n) if prior is None else np.asarray(prior, dtype=float) / np.sum(prior)
    scores = restart.copy()
    for _ in range(iterations):
        updated = (1 - damping) * restart + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-9:
            scores = updated
            break
        scores = updated
    return scores.tolist()


def lead_prior(n: int) -> list[float]:
    """Restart weights 1, 1/2, 1/3...: the first sentences of a news article carry its essentials."""
    return [1.0 / (i + 1) for i in range(n)]


def extractive_summary(sentences: list[str], n: int = 3, min_words: int = 4) -> list[int]:
    """Indices (in article order) of the ``n`` most central sentences, by lead-biased LexRank.

    The bias: on the 1,000 ANT articles (first half to choose, second half to confirm), plain
    LexRank's top sentence scored ROUGE-1 17.5 / 18.8 against the editors' headlines, the biased
    one 19.4 / 19.9 (lead-1: 23.3 / 23.3); it still picks a sentence other than the first in 28%
    of the articles. Lines shorter than ``min_words`` (headlines, captions, bylines) are not
    candidates unless nothing else is left; ties go to the earlier sentence.
    """
    if not sentences or n <= 0:
        return []
    scores = rank_sentences(sentences, prior=lead_prior(len(sentences)))
    candidates = [i for i, s in enumerate(sentences) if len(words(s)) >= min_words] or list(range(len(sentences)))
    best = sorted(candidates, key=lambda i: (-round(scores[i], 12), i))[:n]
    return sorted(best)


def lead_summary(sentences: list[str], n: int = 3) -> list[int]:
    """The first ``n`` sentences: the classic news baseline (news puts the essentials first)."""
    return list(range(min(n, len(sentences))))
