"""Checks on every output against its source: can a reader trust this sentence?

Model-free and fast (regular expressions and word lists; no torch): :func:`check_translation` holds
an English sentence to its Arabic (numbers, dates and percentages; loops; runaway length;
untranslated or copied-through text), :func:`check_summary` a summary to its article (unsupported
sentences, words the article never uses, numbers, how much of the article the model read, articles
too short to summarise). Each returns :class:`Finding` objects; :data:`CATALOGUE` lists their codes.
"""

from .findings import CATALOGUE, SEVERITIES, Finding
from .markup import clean_markup
from .summary import check_summary, check_summary_translation
from .translation import check_pairs, check_translation

__all__ = [
    "CATALOGUE",
    "SEVERITIES",
    "Finding",
    "check_pairs",
    "check_summary",
    "check_summary_translation",
    "check_translation",
    "clean_markup",
]
