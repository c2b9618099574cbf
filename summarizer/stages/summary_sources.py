"""Which article sentences a summary written by a model draws on: the closest by shared content words.

An extractive or lead summary knows its sources exactly (its method returns them); a model's
summary does not, so each of its sentences is matched to the article sentences that hold the most
of its content words (normalised, ISRI-stemmed, function words dropped): an approximation, shown as one.
"""

from __future__ import annotations

from .extractive import content_terms

# A summary sentence draws on an article sentence that holds at least this share of its content
# words; the best one always counts, others only when nearly as close (at most MAX_SOURCES).
MIN_OVERLAP, NEAR_BEST, MAX_SOURCES = 0.3, 0.75, 3


def overlap_sources(article: list[str], summary_sentences: list[str]) -> list[list[int]]:
    """Per summary sentence, the article sentences (0-based, in order) it shares the most words with."""
    article_terms = [set(content_terms(s)) for s in article]
    out: list[list[int]] = []
    for sentence in summary_sentences:
        terms = set(content_terms(sentence))
        if not terms or not article_terms:
            out.append([])
            continue
        scores = [len(terms & a) / len(terms) for a in article_terms]
        best = max(scores)
        ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        chosen = [i for i in ranked[:MAX_SOURCES]
                  if scores[i] >= MIN_OVERLAP and (i == ranked[0] or scores[i] >= NEAR_BEST * best)]
        out.append(sorted(chosen))
    return out
