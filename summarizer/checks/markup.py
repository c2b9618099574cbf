"""Markup in a text pair: what the checks read instead of the raw string.

Machine translation services return HTML-escaped text (``don&#39;t``, ``&quot;``), and scraped
articles keep stray tags. Both are read as the text they stand for before any check runs:
entities are unescaped (``&#39;`` -> ``'``; otherwise the 39 in ``&#39;`` is a number the source
never states) and tags (``<b>``, ``</span>``, ``<br/>``), comments and closed script/style blocks are
removed, read by ``summarizer.html_reader``. The text shown to a reader is never changed; evidence quotes the
cleaned text.
"""

from __future__ import annotations

import html
import re

from ..html_reader import to_text

_SPACE_RE = re.compile(r"\s+")


def clean_markup(text: str) -> str:
    """``text`` with HTML entities unescaped (twice, for ``&amp;#39;``), tags removed (each one a space)
    and whitespace collapsed."""
    text = to_text(html.unescape(text), tag_break=" ").text  # to_text decodes the second time
    return _SPACE_RE.sub(" ", text).strip()
