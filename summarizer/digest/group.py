"""Articles grouped into stories: each article joins the story whose centroid it is most similar to, when that
similarity reaches the threshold, else it starts a story of its own.

This is single-pass clustering against story centroids (average link to the story so far), in time order:
each article is compared only with the stories that share one of its terms (an inverted index of the
centroids' terms), and a centroid keeps its ``MAX_TERMS`` heaviest terms, so the memory and the work per
article stay bounded however many articles come (10,000 unrelated articles are 10,000 small centroids, never
a 10,000 x 10,000 matrix). A last pass merges two stories whose centroids reach the threshold (an article
that came before the one linking them).

``DEFAULT_THRESHOLD`` was fitted on data (``python -m eval.digest --fit``): the middle of the thresholds of best
pairwise F1 on the five seed articles (one story) mixed with the FLORES-200 devtest documents (grouped by source
URL, each its own story); NTREX-128 dev, held out, measures it (docs/digest.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .terms import MAX_TERMS, Vector, cosine, unit

DEFAULT_THRESHOLD = 0.33  # fitted: the middle of 0.29-0.37, the best F1 (1.0) on seeds + FLORES-200 devtest
INDEX_TERMS = 24  # an article meets the stories that share one of its heaviest terms with their heaviest ones


class _Story:
    """A story being formed: its members and the running sum of their unit vectors."""

    __slots__ = ("centroid", "members", "total")

    def __init__(self) -> None:
        self.members: list[int] = []
        self.total: dict[str, float] = defaultdict(float)
        self.centroid: Vector = {}

    def add(self, index: int, vector: Vector) -> None:
        self.members.append(index)
        for term, weight in vector.items():
            self.total[term] += weight
        kept = unit(self.total, MAX_TERMS * 2)
        self.total = defaultdict(float, {t: self.total[t] for t in kept})  # bounded: the heaviest terms only
        self.centroid = unit(kept, MAX_TERMS)


class _Index:
    """Which stories hold a term in their centroid: the candidates an article is compared with."""

    def __init__(self) -> None:
        self.stories: dict[str, set[int]] = defaultdict(set)
        self.terms_of: dict[int, set[str]] = {}

    def update(self, story: int, centroid: Vector) -> None:
        heaviest = set(_heaviest(centroid))
        for term in self.terms_of.get(story, set()) - heaviest:
            self.stories[term].discard(story)
        for term in heaviest:
            self.stories[term].add(story)
        self.terms_of[story] = heaviest

    def candidates(self, vector: Vector) -> set[int]:
        return set().union(*(self.stories.get(t, ()) for t in _heaviest(vector))) if vector else set()


def _heaviest(vector: Vector) -> list[str]:
    return sorted(vector, key=lambda t: (-vector[t], t))[:INDEX_TERMS]


def group(vectors: Sequence[Vector], threshold: float = DEFAULT_THRESHOLD,
          progress: Callable[[int, int], None] | None = None) -> list[list[int]]:
    """Indices of ``vectors`` grouped into stories (each in the order given; stories by their first member)."""
    stories: list[_Story] = []
    index = _Index()
    for i, vector in enumerate(vectors):
        best, similarity = _closest(vector, index.candidates(vector), stories)
        if best is None or similarity < threshold:
            best = len(stories)
            stories.append(_Story())
        stories[best].add(i, vector)
        index.update(best, stories[best].centroid)
        if progress is not None:
            progress(i + 1, len(vectors))
    return _merged(stories, index, threshold)


def _closest(vector: Vector, candidates: set[int], stories: list[_Story]) -> tuple[int | None, float]:
    best, similarity = None, -1.0
    for story in sorted(candidates):
        value = cosine(vector, stories[story].centroid)
        if value > similarity:
            best, similarity = story, value
    return best, similarity


def _merged(stories: list[_Story], index: _Index, threshold: float) -> list[list[int]]:
    """The stories, with each pair whose centroids reach ``threshold`` joined (the earlier one takes the later)."""
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, story in enumerate(stories):
        for j in index.candidates(story.centroid):
            if j > i and root(i) != root(j) and cosine(story.centroid, stories[j].centroid) >= threshold:
                parent[root(j)] = root(i)
    joined: dict[int, list[int]] = defaultdict(list)
    for i, story in enumerate(stories):
        joined[root(i)].extend(story.members)
    return [sorted(members) for _, members in sorted(joined.items())]
