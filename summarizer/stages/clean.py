"""Cleaning scraped Arabic news before it is split, summarised and translated.

Scrapers leave artefacts that a summariser takes for content: HTML, invisible bidi marks, separator
lines ("&", "---"), a truncated teaser repeated in full a few lines later, repeated paragraphs, and
the site's section/related-news links at the end. Each would end up in the summary or be translated
as if it were news. Cleaning removes them and *reports* every removal (kind, exact text, input line)
so that a user can see what the summary was not based on.

HTML (read by ``summarizer.html_reader``): tags, comments and closed ``<script>``/``<style>``/``<noscript>``/
``<template>`` blocks go; an opening ``<script>`` or ``<style>`` that is never closed is not a block (an
article about HTML may write one), so the text after it stays. The report counts each kind and the
characters they took, from the source, so that they add up to what disappeared. Entities are decoded
(``&quot;`` -> ``"``), but markup written as entities (``&lt;img src=x onerror=...&gt;``) never becomes
a real tag: it is dropped and reported, while a lone ``&lt;`` (``5 &lt; 7``) becomes ``<``.

The text itself is kept as written: Unicode is normalised to NFC, Arabic presentation forms are
mapped back to letters, odd spaces become plain spaces, but diacritics and tatweel stay (they are
the writer's choice and the summariser's models know them).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from summarizer.arabic import normalize_arabic

from ..html_reader import Markup, decode_entities, looks_like_html, to_text

# ---------------------------------------------------------------------------------------------
# Results


# Each kind of removal in a reader's words (the page's notice; the codes stay in the data).
REMOVAL_WORDS = {
    "invalid": "invalid characters", "html": "HTML markup", "invisible": "invisible characters",
    "separator": "separator lines", "trailing-ampersand": "stray “&” at line ends", "teaser": "teaser lines",
    "duplicate": "repeated lines", "boilerplate": "the site's text after the article",
}


def removal_words(kinds: list[str]) -> str:
    """``separator lines, repeated lines``: the kinds of ``Removal`` in words."""
    return ", ".join(REMOVAL_WORDS.get(kind, kind) for kind in kinds)


@dataclass
class Removal:
    """One thing that cleaning took out of the article.

    ``kind`` is one of "invalid" (lone surrogates), "html", "invisible", "separator", "trailing-ampersand", "teaser", "duplicate",
    "boilerplate"; ``text`` is exactly what was removed (a short description for "html" and
    "invisible", which are scattered through the text); ``line`` is the 1-based input line, or None.
    For HTML input, lines are those of the text once the markup is stripped.
    """

    kind: str
    text: str
    line: int | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class CleanedArticle:
    """The cleaned text (one paragraph per line, no blank lines) and what was removed from it."""

    text: str
    removed: list[Removal] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {"text": self.text, "removed": [removal.to_dict() for removal in self.removed]}


@dataclass(frozen=True)
class _Line:
    """A non-blank paragraph and the input line it came from."""

    number: int
    text: str


# ---------------------------------------------------------------------------------------------
# Character level

_INVISIBLE_NAMES = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\ufeff": "byte-order mark",
    "\u00ad": "soft hyphen",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "Arabic letter mark",
    **{chr(cp): "bidi embedding/override" for cp in range(0x202A, 0x202F)},
    **{chr(cp): "bidi isolate" for cp in range(0x2066, 0x206A)},
    "\x00": "NUL (zero byte)",
}
_LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Control characters that are neither line breaks nor tabs: invisible junk from copy and paste.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE_NAMES) + "]|" + _CONTROL_RE.pattern)
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_ODD_SPACE_RE = re.compile(r"[\t\x1f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN_RE = re.compile(r" {2,}")

# ---------------------------------------------------------------------------------------------
# HTML


def _strip_html(text: str) -> tuple[str, list[Removal]]:
    """Text of an HTML document (tags out, entities decoded); plain text only gets its entities decoded.

    The report says how many elements, blocks and comments went and how many characters of the source
    they took: with the tags written as entities, that adds up to everything not kept as text.
    """
    if looks_like_html(text):
        read = to_text(text)
        removed = [Removal("html", _markup_words(read.markup))]
    else:
        read = decode_entities(text)
        count = len(read.entities)
        shown = ", ".join(sorted(set(read.entities))[:5])
        removed = [Removal("html", f"{count} HTML entit{'y' if count == 1 else 'ies'} decoded: {shown}")] if count else []
    return read.text, removed + _escaped_tags_removed(read.escaped_tags)


def _markup_words(markup: Markup) -> str:
    """``HTML markup: 12 element(s), 1 script/style block(s) (1830 characters)``."""
    parts = [f"{markup.elements} element(s)"]
    if markup.blocks:
        parts.append(f"{markup.blocks} script/style block(s)")
    if markup.comments:
        parts.append(f"{markup.comments} comment(s)")
    return f"HTML markup: {', '.join(parts)} ({markup.characters} characters)"


def _escaped_tags_removed(found: tuple[str, ...]) -> list[Removal]:
    """The report of the tags that entities would have made, dropped (``&lt;img src=x onerror=...&gt;``)."""
    if not found:
        return []
    names = sorted({m.group(1).lower() for m in (re.match(r".[/!?]?([A-Za-z][A-Za-z0-9-]*)", f) for f in found)
                    if m} or {"?"})
    chars = sum(len(f) for f in found)
    return [Removal("html", f"{len(found)} tag(s) written as HTML entities dropped, so that they do not "
                            f"become markup: {', '.join(names[:5])} ({chars} characters)")]


# ---------------------------------------------------------------------------------------------
# Unicode and whitespace


def _remove_invisible(text: str) -> tuple[str, list[Removal]]:
    """Drop zero-width characters, BOMs, soft hyphens, bidi controls and stray control characters."""
    found = _INVISIBLE_RE.findall(text)
    if not found:
        return text, []
    counts: dict[str, int] = {}
    for char in found:
        name = _INVISIBLE_NAMES.get(char, "control character")
        counts[name] = counts.get(name, 0) + 1
    detail = ", ".join(f"{count} {name}" for name, count in sorted(counts.items(), key=lambda kv: -kv[1]))
    description = f"{len(found)} invisible character{'s' if len(found) > 1 else ''} ({detail})"
    return _INVISIBLE_RE.sub("", text), [Removal("invisible", description)]


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (U+D800-U+DFFF) become U+FFFD, the replacement character.

    A Python string can hold them (from JSON's ``"\\udc80"`` or bytes decoded with
    ``surrogateescape``), but they are not characters: no UTF-8 writer and no tokenizer accepts
    them. Replacing rather than refusing keeps the rest of an article usable, and the visible
    U+FFFD marks where its data was broken.
    """
    replaced, count = _SURROGATE_RE.subn("\ufffd", text)
    return replaced, count


def _replace_surrogates(text: str) -> tuple[str, list[Removal]]:
    text, count = replace_lone_surrogates(text)
    if not count:
        return text, []
    return text, [Removal("invalid", f"{count} invalid character{'s' if count > 1 else ''} (lone surrogate"
                                     f"{'s' if count > 1 else ''}) replaced with U+FFFD")]


def _unfold_presentation_form(match: re.Match[str]) -> str:
    """NFKC on Arabic presentation forms only: ligatures and positional shapes back to letters.

    Isolated harakat (U+FE70..) decompose to a space plus the mark; the space is an artefact of the
    compatibility mapping, not of the text, so it is dropped to let the mark sit on its letter.
    """
    out = []
    for char in match.group():
        mapped = unicodedata.normalize("NFKC", char)
        if "\ufe70" <= char <= "\ufe7f":
            mapped = mapped.lstrip(" ")
        out.append(mapped)
    return "".join(out)


def _normalise_characters(text: str) -> str:
    """Presentation forms to letters, NFC, and every kind of space or line break to a plain one."""
    text = _PRESENTATION_RE.sub(_unfold_presentation_form, text)
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAK_RE.sub("\n", text)
    return _ODD_SPACE_RE.sub(" ", text)


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped, with runs of spaces collapsed, numbered as in the input."""
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _SPACE_RUN_RE.sub(" ", raw).strip()
        if line:
            lines.append(_Line(number, line))
    return lines


# ---------------------------------------------------------------------------------------------
# Line level

_WORD_CHAR_RE = re.compile(r"[^\W_\u0640]")
_TRAILING_AMPERSAND_RE = re.compile(r"\s*&+$")
_ELLIPSIS_END_RE = re.compile(r"\s*(?:\.{2,}|…)+$")
_LETTER_RE = re.compile(r"[^\W\d_]")
_FINAL_STOP_RE = re.compile(r"[.!?؟…]+[\"”»')\]’]*$")
_FINAL_PUNCTUATION_RE = re.compile(r"[.!?؟…:;؛،,\"”»)\]’]$")
_WHITESPACE_RE = re.compile(r"\s+")

# A teaser must be long enough that being a prefix of later text is no coincidence.
_TEASER_MIN_LETTERS = 20
# How many paragraphs later the full text may start (a caption or a photo credit may sit between).
_TEASER_LOOKAHEAD = 3


def _drop_separators(lines: Sequence[_Line]) -> tuple[list[_Line], list[Removal]]:
    """Lines of punctuation and symbols only ("&", "---", "***", "|", "•") separate nothing readable."""
    kept, removed = [], []
    for line in lines:
        if _WORD_CHAR_RE.search(line.text):
            kept.append(line)
        else:
            removed.append(Removal("separator", line.text, line.number))
    return kept, removed


def _drop_trailing_ampersands(lines: Sequence[_Line]) -> tuple[list[_Line], list[Removal]]:
    """An "&" glued to a line's end ("...التفاوضية.&") is a scraper's separator, not text."""
    kept, removed = [], []
    for line in lines:
        match = _TRAILING_AMPERSAND_RE.search(line.text)
        if match:
            removed.append(Removal("trailing-ampersand", match.group().strip(), line.number))
            line = _Line(line.number, line.text[: match.start()])
        kept.append(line)
    return kept, removed


def _compact(text: str) -> str:
    """The text with all whitespace removed, for comparisons that spacing must not disturb."""
    return _WHITESPACE_RE.sub("", text)


def _is_prefix_of_following(prefix: str, compacts: Sequence[str], start: int) -> bool:
    """Whether ``prefix`` begins the concatenation of ``compacts[start:]`` (linear in ``len(prefix)``)."""
    position = 0
    for index in range(start, len(compacts)):
        segment = compacts[index]
        needed = len(prefix) - position
        if needed <= len(segment):
            return segment[:needed] == prefix[position:]
        if prefix[position : position + len(segment)] != segment:
            return False
        position += len(segment)
    return False


def _word_aligned(words: Sequence[str], paragraphs: Sequence[str], start: int) -> bool:
    """Whether ``words`` are exactly the first words of ``paragraphs[start:]`` (a clean prefix)."""
    following = (
        word for paragraph in itertools.islice(paragraphs, start, None) for word in paragraph.split()
    )
    return all(word == next(following, None) for word in words)


def _teaser_target(paragraphs: Sequence[str], compacts: Sequence[str], index: int) -> int | None:
    """Index of the paragraph whose full text the paragraph at ``index`` announces, if it is a teaser.

    A teaser is a paragraph (its final "..." dropped) whose letters, spaces ignored, begin the text
    that starts 1-3 paragraphs later. It must also *look* cut: end with "...", stop mid-word, glue
    two paragraphs, or repeat whole sentences; a headline that merely matches the lead's first words
    is kept.
    """
    text = paragraphs[index]
    body = _ELLIPSIS_END_RE.sub("", text)
    had_ellipsis = body != text
    prefix = _compact(body)
    if len(_LETTER_RE.findall(body)) < _TEASER_MIN_LETTERS:
        return None
    for start in range(index + 1, min(index + 1 + _TEASER_LOOKAHEAD, len(paragraphs))):
        if not had_ellipsis and text == paragraphs[start]:
            return None  # an exact copy: the later one is the duplicate
        if not _is_prefix_of_following(prefix, compacts, start):
            continue
        clean_prefix = _word_aligned(body.split(), paragraphs, start) and len(prefix) <= len(compacts[start])
        if had_ellipsis or not clean_prefix or _FINAL_STOP_RE.search(body):
            return start
    return None


def _drop_teasers(lines: Sequence[_Line]) -> tuple[list[_Line], list[Removal]]:
    """Remove truncated teasers that the article repeats in full a little later."""
    paragraphs = [line.text for line in lines]
    compacts = [_compact(text) for text in paragraphs]
    kept, removed = [], []
    for index, line in enumerate(lines):
        if _teaser_target(paragraphs, compacts, index) is None:
            kept.append(line)
        else:
            removed.append(Removal("teaser", line.text, line.number))
    return kept, removed


def _drop_duplicates(lines: Sequence[_Line]) -> tuple[list[_Line], list[Removal]]:
    """Later exact copies of a paragraph (spacing aside) add nothing but weight in the summary."""
    seen: set[str] = set()
    kept, removed = [], []
    for line in lines:
        key = " ".join(line.text.split())
        if key in seen:
            removed.append(Removal("duplicate", line.text, line.number))
        else:
            seen.add(key)
            kept.append(line)
    return kept, removed


# ---------------------------------------------------------------------------------------------
# Trailing boilerplate


def _lexicon_key(text: str) -> str:
    """Spelling-, punctuation- and spacing-insensitive form for lexicon lookups."""
    folded = normalize_arabic(text).lower()
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


def _keys(entries: str) -> frozenset[str]:
    return frozenset(_lexicon_key(entry) for entry in entries.split("|"))


# Whole lines that news sites append after an article (section menus, share buttons, labels).
_BOILERPLATE = _keys(
    "أقسام|الأقسام|أخبار|الأخبار|أخبار متعلقة|أخبار ذات صلة|أخبار مشابهة|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا"
    "|اقرأ المزيد|المزيد|شاهد أيضا|شاهد أيضاً|مواضيع ذات صلة|مواضيع متعلقة|مقالات ذات صلة|مقالات متعلقة"
    "|الأكثر قراءة|الأكثر مشاهدة|شارك|شارك هذا المقال|شارك الخبر|شارك المقال|مشاركة|تابعونا|تابعنا"
    "|تابعونا على|المصدر|المصادر|وكالات|الوسوم|وسوم|كلمات مفتاحية|الكلمات المفتاحية|كلمات دلالية"
    "|تعليقات|التعليقات|أضف تعليق|أضف تعليقك|اترك تعليقا|طباعة|إرسال|الرئيسية|رابط مختصر|رابط الخبر"
)
# Labels that introduce a value on the same line: "المصدر: موقع روسيا اليوم", "الوسوم: سوريا".
_LABELS = _keys(
    "المصدر|المصادر|الوسوم|وسوم|كلمات مفتاحية|الكلمات المفتاحية|كلمات دلالية|اقرأ أيضا|شاهد أيضا"
    "|اقرأ المزيد|أخبار متعلقة|مواضيع ذات صلة|رابط مختصر|رابط الخبر|تابعونا|تابعونا على|تابعنا على"
)
# Labels after which a site lists links to other stories (one headline per line).
_LINK_LIST_LABELS = _keys(
    "أخبار متعلقة|أخبار ذات صلة|أخبار مشابهة|اقرأ أيضا|إقرأ أيضا|اقرأ المزيد|شاهد أيضا|مواضيع ذات صلة"
    "|مواضيع متعلقة|مقالات ذات صلة|مقالات متعلقة|الأكثر قراءة|الأكثر مشاهدة"
)
# Invitations to follow the site ("تابعونا على فيسبوك"): a short line opening with these words.
_FOLLOW_US = _keys("تابعونا|تابعنا|تابعوا")
_FOLLOW_US_WORDS = 6
_LABEL_SEPARATOR_RE = re.compile(r"\s*[:：\-–—|]\s*")
_SHORT_LINE_WORDS = 3
_HEADLINE_WORDS = 15


def _is_lexicon_line(text: str) -> bool:
    """A boilerplate line: a lexicon entry, a label with its value ("المصدر: ..."), "follow us on ..."."""
    key = _lexicon_key(text)
    if key in _BOILERPLATE:
        return True
    words = key.split()
    if words and words[0] in _FOLLOW_US and len(words) <= _FOLLOW_US_WORDS:
        return True
    head = _LABEL_SEPARATOR_RE.split(text.strip('()[]«»"“” '), maxsplit=1)
    return len(head) == 2 and _lexicon_key(head[0]) in _LABELS


def _is_short_line(text: str) -> bool:
    """A few words without final punctuation: a menu item or a tag, if it sits by boilerplate."""
    return len(text.split()) <= _SHORT_LINE_WORDS and not _FINAL_PUNCTUATION_RE.search(text)


def _is_headline_like(text: str) -> bool:
    """A line that could be a link to another story: no final stop and not too long."""
    return len(text.split()) <= _HEADLINE_WORDS and not _FINAL_STOP_RE.search(text)


def _walk_back(lines: Sequence[_Line], end: int, accept: Callable[[str], bool]) -> int:
    """First index of the run of lines before ``end`` that ``accept`` takes (never index 0)."""
    start = end
    while start > 1 and accept(lines[start - 1].text):
        start -= 1
    return start


def _link_list_cut(lines: Sequence[_Line], end: int) -> int | None:
    """Start of a "related stories" block: a link-list label followed only by headline-like lines."""
    start = _walk_back(lines, end, lambda text: _is_lexicon_line(text) or _is_headline_like(text))
    for index in range(start, end):
        if _lexicon_key(lines[index].text) in _LINK_LIST_LABELS:
            return index
    return None


def _lexicon_block_cut(lines: Sequence[_Line], end: int) -> int | None:
    """Start of the trailing boilerplate made of lexicon lines and the short lines next to them."""
    start = _walk_back(lines, end, lambda text: _is_lexicon_line(text) or _is_short_line(text))
    for index in range(start, end):
        if _is_lexicon_line(lines[index].text):
            return index - 1 if index - 1 >= start else index
    return None


def _drop_trailing_boilerplate(lines: Sequence[_Line]) -> tuple[list[_Line], list[Removal]]:
    """Remove the site's menus, labels, share buttons and related-story links after the article."""
    end = len(lines)
    while end > 1:
        cut = _link_list_cut(lines, end)
        if cut is None:
            cut = _lexicon_block_cut(lines, end)
        if cut is None or cut >= end:
            break
        end = cut
    removed = [Removal("boilerplate", line.text, line.number) for line in lines[end:]]
    return list(lines[:end]), removed


# ---------------------------------------------------------------------------------------------
# The whole article

_LINE_STEPS = (
    _drop_separators,
    _drop_trailing_ampersands,
    _drop_teasers,
    _drop_duplicates,
    _drop_trailing_boilerplate,
)


def clean_article(text: str) -> CleanedArticle:
    """Clean a scraped article and report everything removed (see the module docstring)."""
    text, removed = _replace_surrogates(text)
    text, html_removed = _strip_html(text)
    removed += html_removed
    text, invisible = _remove_invisible(text)
    removed += invisible
    lines = _lines(_normalise_characters(text))
    line_removals: list[Removal] = []
    for step in _LINE_STEPS:
        lines, step_removals = step(lines)
        line_removals += step_removals
    line_removals.sort(key=lambda removal: removal.line or 0)
    return CleanedArticle("\n".join(line.text for line in lines), removed + line_removals)
