"""What each source adds: per article, the sentences that no other article of its story carries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arabic import words
from .disagree import Said
from .record import Addition

CARRIED = 0.35  # a sentence this similar to one of another article says what that one says
MIN_WORDS = 5  # shorter lines (datelines, captions, bylines) add nothing to report


def additions(said: Sequence[Said], similarity: np.ndarray, articles: Sequence[str]) -> list[Addition]:
    """For each of ``articles`` (in that order) with anything of its own, its sentences no other article carries
    (none for a story of one article: there is nothing to compare it with)."""
    if len(articles) < 2:
        return []
    owners = np.array([s.article for s in said], dtype=object)
    out = []
    for article in articles:
        mine = np.flatnonzero(owners == article)
        others = np.flatnonzero(owners != article)
        if not len(mine) or not len(others):
            continue
        closest = similarity[np.ix_(mine, others)].max(axis=1)
        own = [said[i].sentence for i, best in zip(mine.tolist(), closest.tolist(), strict=True)
               if best < CARRIED and len(words(said[i].sentence)) >= MIN_WORDS]
        if own:
            out.append(Addition(article, own))
    return out
