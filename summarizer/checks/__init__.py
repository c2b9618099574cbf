"""Checks on every output against its source: can a reader trust this sentence?

Model-free and fast (regular expressions and word lists; no torch): :func:`check_translation` holds
an English sentence to its Arabic (numbers, dates and percentages; loops; runaway length;
untranslated or copied-through text), :func:`check_summary` a summary to its article (unsupported
sentences, words the article never uses, numbers, how much of the article the model read, articles
too short to summarise). Each returns :class:`Finding` objects. Each is a registered check
(:mod:`.registry`: ``register_check`` adds one); :data:`CATALOGUE` lists the codes they can give.
"""

from .findings import Finding
from .markup import clean_markup
from .registry import CATALOGUE, SEVERITIES

# Imported here so that the built-in checks are registered whenever the package is.
from .summary import check_summary, check_summary_translation
from .translation import check_pairs, check_translation

from . import negation  # noqa: F401  # isort: skip  (after them: the catalogue lists their codes first)
from . import names  # noqa: F401  # isort: skip  (registers the name checks)

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
