"""Text from an article or a model made inert inside Markdown: a leaf, so that every Markdown view (one
article's, ``render``; the brief's; the digest's, ``summarizer.digest.render``) escapes it one way.

An article's text and a model's output are data: in Markdown, ``<img onerror=...>`` would be a tag,
``[x](javascript:...)`` a link, ``![x](http://tracker/x.png)`` an image fetched on opening, ``https://...``,
``www.`` and ``a@b.org`` links of their own. HTML is escaped; the brackets, ``@``, the ``:`` of ``://`` and the
``.`` of ``www.`` become character references: they read the same, and nothing links.
"""

from __future__ import annotations

import html
import re

_MD_INERT = str.maketrans({"[": "&#91;", "]": "&#93;", "@": "&#64;"})
_AUTOLINK_RE = re.compile(r"(?i)(?<=[a-z0-9+.-]):(?=//)|(?<=www)\.")


def md_text(text: str) -> str:
    """Text shown inside Markdown: HTML-escaped, and unable to form a link or an image."""
    escaped = html.escape(text or "", quote=False).translate(_MD_INERT)
    return _AUTOLINK_RE.sub(lambda m: "&#58;" if m.group() == ":" else "&#46;", escaped)
