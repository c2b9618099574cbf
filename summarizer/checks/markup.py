"""Markup in a text pair: what the checks read instead of the raw string.

Machine translation services return HTML-escaped text (``don&#39;t``, ``&quot;``), and scraped
articles keep stray tags. Both are read as the text they stand for before any check runs:
entities are unescaped (``&#39;`` -> ``'``; otherwise the 39 in ``&#39;`` is a number the source
never states) and tags (``<b>``, ``</span>``, ``<br/>``) are removed. The text shown to a reader is
never changed; evidence quotes the cleaned text.
"""

from __future__ import annotations

import html
import re

# A tag: < then a letter or / and a letter, up to the next >, with no < inside ("a < b" stays).
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_SPACE_RE = re.compile(r"\s+")


def clean_markup(text: str) -> str:
    """``text`` with HTML entities unescaped (twice, for ``&amp;#39;``), tags removed and
    whitespace collapsed."""
    text = html.unescape(html.unescape(text))
    text = _TAG_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()
