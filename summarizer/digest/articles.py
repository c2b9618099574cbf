"""The digest's articles, as given: each is read once, checked, cleaned and split, or left out with a reason.

An item is a text (its id ``article-N``, N its 1-based position) or a mapping with ``text`` and, optionally,
``id`` and ``date`` (ISO 8601, ``2016-10-18`` or with a time: it orders a story's articles); a mapping with an
``error`` (and an ``error_code`` of ``record.SKIP_CODES``) is an article a reader could not read. What is kept
of an article is what the digest needs (its sentences and date), never the item itself, so a stream of
articles is read in one pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ..arabic import normalize_arabic
from ..errors import InputError
from ..inputs.text import check_arabic, check_text
from ..stages.clean import clean_article
from ..stages.split import split_sentences
from .record import Skipped

_SPACE_RE = re.compile(r"\s+")


@dataclass
class Article:
    """One article the digest groups: its id, sentences (cleaned, split) and date (``None``: unknown)."""

    id: str
    sentences: list[str]
    date: str | None = None
    position: int = 0  # its place in the input, the order of articles without a date


def read_articles(items: Iterable[str | Mapping], *, max_chars: int,
                  skipped: list[Skipped]) -> Iterator[Article]:
    """The readable articles of ``items``, in order; each one that is not is appended to ``skipped``."""
    seen_ids: set[str] = set()
    seen_texts: dict[bytes, str] = {}  # a digest of each text -> the first article's id: 16 bytes an article
    for n, item in enumerate(items, 1):
        article_id, text, when = _fields(item, n)
        if article_id in seen_ids:
            skipped.append(Skipped(article_id, "duplicate-id", f"The id {article_id!r} was given before: "
                                                               "only the first article with it is read."))
            continue
        seen_ids.add(article_id)
        if isinstance(item, Mapping) and item.get("error"):  # a reader could not read it: said as the reader says
            skipped.append(Skipped(article_id, str(item.get("error_code") or "unreadable"), str(item["error"])))
            continue
        article = _article(article_id, text, when, n, max_chars, skipped)
        if article is None:
            continue
        key = _text_key(article.sentences)
        if key in seen_texts:
            skipped.append(Skipped(article_id, "duplicate", f"The same text as {seen_texts[key]!r}: read once.",
                                   same_as=seen_texts[key]))
            continue
        seen_texts[key] = article_id
        yield article


def _fields(item: str | Mapping, n: int) -> tuple[str, object, str | None]:
    if isinstance(item, Mapping):
        given = item.get("id")
        return (str(given) if given is not None else f"article-{n}", item.get("text"),
                parse_date(item.get("date")))
    return f"article-{n}", item, None


def _article(article_id: str, text: object, when: str | None, position: int, max_chars: int,
             skipped: list[Skipped]) -> Article | None:
    """The article, or ``None`` after adding why it cannot be read to ``skipped``."""
    try:
        check_text(text, max_chars=max_chars)  # the pipeline's own checks, with their messages
        kept = clean_article(text).text  # type: ignore[arg-type]
        if kept.strip():
            check_arabic(kept)
    except InputError as exc:
        skipped.append(Skipped(article_id, _skip_code(text, max_chars), str(exc)))
        return None
    if not kept.strip():
        skipped.append(Skipped(article_id, "empty", "Nothing is left of the article after cleaning (it held only "
                                                    "markup or separators)."))
        return None
    return Article(article_id, split_sentences(kept), when, position)


def _skip_code(text: object, max_chars: int) -> str:
    """Which input check ``text`` failed, told from the text itself (never from the error's words)."""
    if not isinstance(text, str):
        return "not-text"
    if not text.strip():
        return "empty"
    return "too-long" if len(text) > max_chars else "not-arabic"


def _text_key(sentences: list[str]) -> bytes:
    """The same text twice, whatever its spacing, diacritics or hamza forms: one key."""
    folded = _SPACE_RE.sub(" ", normalize_arabic(" ".join(sentences))).strip()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=16).digest()


def parse_date(value: object) -> str | None:
    """An article's date as ISO 8601 text (``2016-10-18`` or ``2016-10-18T09:30:00``), or ``None`` when it is
    missing or not a date (an article without a date keeps its place in the input)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None
