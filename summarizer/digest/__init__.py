"""Several articles, one story: a digest across articles, with what each source adds and where they disagree.

``make_digest(articles)`` groups Arabic news articles by story with no model (normalised, ISRI-stemmed terms
with TF-IDF, plus the figures, dates and names the checks read), and gives each story a title, a summary of its
most central sentences (each with the outlets that carry it), what each article adds and the disagreements
between outlets; ``Pipeline.digest`` adds each story's abstract and the English when its models are loaded.
The result is a :class:`Digest` (``to_dict()``: the ``.json`` of ``summarizer digest``); ``render`` writes it
as Markdown, HTML or Word.
"""

from .build import DigestProgress, make_digest
from .group import DEFAULT_THRESHOLD
from .record import (
    DISAGREEMENT_KINDS,
    SKIP_CODES,
    Addition,
    Digest,
    Disagreement,
    Report,
    Skipped,
    Story,
    StorySentence,
)

__all__ = ["DEFAULT_THRESHOLD", "DISAGREEMENT_KINDS", "SKIP_CODES", "Addition", "Digest", "DigestProgress",
           "Disagreement", "Report", "Skipped", "Story", "StorySentence", "make_digest"]
