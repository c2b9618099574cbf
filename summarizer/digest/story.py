"""One story from its articles: their order, its title, its summary, what each adds and where they disagree.

The story's sentences are compared with one another on TF-IDF-weighted stems (``terms.sentence_similarities``).
A sentence is central to a story when the story's other articles say it too: its score is its similarity to the
sentences of the other articles (plus a small prior for the first sentences of its article, where news puts its
essentials). The title is the most central sentence; the summary, the most central sentences, each once: a
sentence as similar as ``NEAR_DUPLICATE`` to one already taken is the same sentence from another outlet, merged
into it (its article added to those that carry it). A story of one article is summarised by the extractive
summary's lead-biased LexRank (``stages.extractive``).

Only a story's ``MAX_ARTICLES`` most central articles are read sentence by sentence (and ``MAX_SENTENCES`` of
each), so a story of thousands of articles costs what one of ``MAX_ARTICLES`` does; its other articles are
listed in it all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..arabic import words
from ..stages.extractive import extractive_summary, lead_prior
from .adds import additions
from .articles import Article
from .disagree import Said, find_disagreements
from .facts import sentence_facts
from .record import Story, StorySentence
from .terms import DocumentFrequencies, Vector, cosine, sentence_similarities

NEAR_DUPLICATE = 0.6  # two sentences this similar are one sentence in two outlets' words
MAX_ARTICLES = 48
MAX_SENTENCES = 40
TITLE_WORDS = (5, 45)  # a title is a sentence of this many words, when the story has one
LEAD_WEIGHT = 0.2


@dataclass
class StoryInput:
    """A group of articles with their vectors: what :func:`build_story` needs."""

    articles: list[Article]
    vectors: list[Vector]


def build_story(story_id: str, given: StoryInput, frequencies: DocumentFrequencies, sentences: int) -> Story:
    """The story of ``given``'s articles, with a summary of ``sentences`` sentences (no English, no abstract:
    the caller adds them when it has the models)."""
    ordered = sorted(given.articles, key=lambda a: (a.date is None, a.date or "", a.position))
    centroid = _centroid(given.vectors)
    closeness = {a.id: cosine(v, centroid) for a, v in zip(given.articles, given.vectors, strict=True)}
    read = sorted(given.articles, key=lambda a: (-closeness[a.id], a.position))[:MAX_ARTICLES]
    said = [Said(a.id, s) for a in sorted(read, key=lambda a: a.position) for s in a.sentences[:MAX_SENTENCES]]
    similarity = sentence_similarities([s.sentence for s in said], frequencies)
    summary = _summary(said, similarity, sentences) if len(read) > 1 else _single(read[0], sentences)
    names = {n for s in said for n in sentence_facts(s.sentence).names}
    return Story(
        id=story_id,
        articles=[a.id for a in ordered],
        dates={a.id: a.date for a in ordered if a.date},
        title_ar=_title(said, similarity, len(read) > 1),
        summary=summary,
        lead=read[0].id,
        adds=additions(said, similarity, [a.id for a in ordered if a in read]),
        disagreements=find_disagreements(said, similarity, names) if len(read) > 1 else [],
    )


def _centroid(vectors: Sequence[Vector]) -> Vector:
    total: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    norm = sum(w * w for w in total.values()) ** 0.5
    return {t: w / norm for t, w in total.items()} if norm else {}


def _scores(said: Sequence[Said], similarity: np.ndarray) -> np.ndarray:
    """Each sentence's centrality: its similarity to the other articles' sentences, plus its lead prior."""
    owners = np.array([s.article for s in said], dtype=object)
    other = owners[:, None] != owners[None, :]
    positions = np.zeros(len(said))
    for article in dict.fromkeys(owners.tolist()):
        mine = np.flatnonzero(owners == article)
        positions[mine] = lead_prior(len(mine))
    short = np.array([len(words(s.sentence)) < TITLE_WORDS[0] for s in said])
    return np.where(short, -1.0, (similarity * other).sum(axis=1) + LEAD_WEIGHT * positions)


def _summary(said: Sequence[Said], similarity: np.ndarray, count: int) -> list[StorySentence]:
    scores = _scores(said, similarity)
    owners = [s.article for s in said]
    taken: list[int] = []
    for i in sorted(range(len(said)), key=lambda i: (-scores[i], i)):
        if len(taken) == count:
            break
        if all(similarity[i, j] < NEAR_DUPLICATE for j in taken):
            taken.append(i)
    out = []
    for i in taken:
        carriers = [owners[j] for j in np.flatnonzero(similarity[i] >= NEAR_DUPLICATE).tolist()]
        out.append(StorySentence(said[i].sentence, list(dict.fromkeys([owners[i], *carriers]))))
    return out


def _single(article: Article, count: int) -> list[StorySentence]:
    return [StorySentence(article.sentences[i], [article.id]) for i in extractive_summary(article.sentences, count)]


def _title(said: Sequence[Said], similarity: np.ndarray, several: bool) -> str:
    """The most central sentence of a fitting length (the first sentence of a story of one article whose
    sentences are all too short or too long)."""
    if not said:
        return ""
    scores = _scores(said, similarity) if several else similarity.sum(axis=1)
    fitting = [i for i, s in enumerate(said) if TITLE_WORDS[0] <= len(words(s.sentence)) <= TITLE_WORDS[1]]
    best = max(fitting or range(len(said)), key=lambda i: (scores[i], -i))
    return said[best].sentence

