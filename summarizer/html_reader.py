"""HTML, read once for the whole package: the text of a page, and a fragment's texts between its tags.

Three readers use it: cleaning reads an article's text out of a scraped page (``to_text``), the checks
read a translation's markup as the text it stands for (``to_text`` too), and LibreTranslate's
``format=html`` translates the texts between tags and writes the markup back (``pieces``).

lxml tokenizes (libxml2's HTML parser, which follows HTML5's tokenizer: comments, raw-text elements
such as ``<script>``, unclosed tags). Its events are read through a parser target rather than as a
tree, because libxml2's tree builder drops what follows ``</html>`` and what is nested more than 2,048
elements deep, while its events keep both.

What is read as text and what is dropped:

- ``<script>``, ``<style>``, ``<noscript>`` and ``<template>`` blocks go with their content, but only
  when closed: an opening ``<script>`` that is never closed is not a block (an article about HTML may
  write one), so the text after it is read as HTML again. The content of the other elements that
  HTML5 reads as raw text (``<title>``, ``<textarea>``, ``<iframe>``, ``<xmp>``...) is read as HTML too,
  so that no tag in it becomes text.
- Entities are decoded (``&quot;`` -> ``"``), but markup written as entities (``&lt;img src=x
  onerror=...&gt;``) never becomes a tag: a tag that a decoded ``<`` or ``>`` would open or close is
  dropped and reported, while a lone ``&lt;`` (``5 &lt; 7``) becomes ``<``.
- The characters of the markup are counted from the source, so that they add up to what disappeared.

A leaf module: it imports nothing of the package.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from html import escape, unescape
from typing import NamedTuple

from lxml import etree

# ---------------------------------------------------------------------------------------------
# What a text looks like

# A page (or a pasted fragment) of HTML: a known tag or a comment. A plain text that writes "<3" or
# "<Reuters>" is not HTML: it keeps its angle brackets.
_HTML_TAG_RE = re.compile(
    r"<(?:!--|/?(?:p|br|div|span|a|b|i|u|em|strong|small|sup|sub|font|center|h[1-6]|ul|ol|li|dl|dt|dd"
    r"|table|thead|tbody|tr|td|th|section|article|header|footer|nav|aside|main|figure|figcaption|img"
    r"|picture|source|blockquote|pre|hr|html|head|body|meta|link|title|script|style|noscript|iframe"
    r"|time|button|form|input|label|select|option)\b[^<>]*>)",
    re.IGNORECASE,
)
# Anything a parser could take for markup: without one, a text is read without parsing it.
_MARKUP_START_RE = re.compile(r"<[A-Za-z/!?]")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML: it has a known tag (``<p>``, ``</div>``, ``<br/>``...) or a comment."""
    return _HTML_TAG_RE.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Markup:
    """What reading HTML left out: elements (each pair of tags once), closed script/style/noscript/template
    blocks, comments (and declarations), and all their characters in the source."""

    elements: int = 0
    blocks: int = 0
    comments: int = 0
    characters: int = 0


@dataclass(frozen=True)
class Text:
    """A text read out of HTML, or out of a plain text with entities, and what reading it took out.

    ``entities`` are the entities a plain text had decoded; ``escaped_tags`` the tags that decoded
    entities would have made (``<img src=x onerror=...>``), dropped.
    """

    text: str
    markup: Markup = Markup()
    entities: tuple[str, ...] = ()
    escaped_tags: tuple[str, ...] = ()


class Piece(NamedTuple):
    """A piece of an HTML fragment: ``"text"`` (decoded), ``"markup"`` or ``"raw"`` (a script's or a
    style's content), and whether it sits inside one of the elements ``pieces`` was asked to skip."""

    text: str
    kind: str
    skipped: bool = False

    @property
    def written(self) -> str:
        """The piece as HTML again: a text escaped, markup and raw content as they are."""
        return escape(self.text, quote=False) if self.kind == "text" else self.text


# ---------------------------------------------------------------------------------------------
# Elements

_BLOCK_TAGS = frozenset(
    """p br div h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tr td th section article header
    footer nav aside main figure figcaption blockquote pre hr title""".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
# The elements whose content HTML5 reads as text (raw text and RCDATA).
_RAW_TEXT_TAGS = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext", "title",
                            "textarea"})
_CODE_TAGS = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"})
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta source track wbr basefont bgsound frame keygen param".split()
)
# libxml2 adds these when the source has none: they are not the source's markup.
_WRAPPER_RE = re.compile(r"<(html|head|body)[\s/>]", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# lxml's events

_HTML_SPACE = " \t\n\r\f"
_START, _END, _DATA, _COMMENT = "start", "end", "data", "comment"
_GAP = "gap"  # markup that lxml passed over without an event (a stray "</p>"), between two texts
# (kind, tag or text or written comment, attributes of a start tag)
_Event = tuple[str, str, dict[str, str] | None]
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_MARKUP_ONLY_RE = re.compile(r"(?:\s*<[^<>]*>)+\s*")
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")


def _unused(text: str, count: int) -> list[str]:
    """``count`` private-use characters that do not occur in ``text``, to stand in for others."""
    return list(itertools.islice((c for c in map(chr, range(0xE000, 0xF900)) if c not in text), count))


class _Masked:
    """A source as lxml is given it: ``&``, CR, NUL and a BOM masked, which libxml2 would decode,
    normalise or drop, so that every text it hands back is the source's own, character for character
    (and can be found there). Lone surrogates, which no encoder takes, are U+FFFD.

    ``spare`` are more unused characters, for the caller's own markers.
    """

    _CHARS = "&\r\x00\ufeff"

    def __init__(self, source: str, spare: int = 0) -> None:
        source = _SURROGATE_RE.sub("\ufffd", source)
        masks = _unused(source, len(self._CHARS) + spare)
        self.spare = masks[len(self._CHARS):]
        self._pairs = [(char, mask) for char, mask in zip(self._CHARS, masks, strict=False) if char in source]
        for char, mask in self._pairs:
            source = source.replace(char, mask)
        self.text = source

    def unmask(self, text: str) -> str:
        for char, mask in self._pairs:
            text = text.replace(mask, char)
        return text


class _Events:
    """An lxml parser target: the parse's events, in order."""

    def __init__(self) -> None:
        self.events: list[_Event] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events.append((_START, tag, dict(attrib)))

    def end(self, tag: str) -> None:
        self.events.append((_END, tag, None))

    def data(self, text: str) -> None:
        self.events.append((_DATA, text, None))

    def comment(self, text: str) -> None:
        self.events.append((_COMMENT, f"<!--{text}-->", None))

    def pi(self, target: str, data: str | None = None) -> None:
        self.events.append((_COMMENT, f"<?{target} {data or ''}>", None))

    def doctype(self, name: str | None, public_id: str | None, system_url: str | None) -> None:
        ids = f' PUBLIC "{public_id}"' if public_id else " SYSTEM" if system_url else ""
        ids += f' "{system_url}"' if system_url else ""
        self.events.append((_COMMENT, f"<!DOCTYPE {name or 'html'}{ids}>", None))

    def close(self) -> list[_Event]:
        events, self.events = self.events, []
        return events


# One parser per thread, reused: building one (lxml inspects its target) costs more than reading a sentence.
_PARSERS = threading.local()


def _lxml_events(text: str) -> list[_Event]:
    """lxml's events for ``text``, from this thread's parser."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(target=_Events(), huge_tree=True, no_network=True, default_doctype=False)
    _PARSERS.parser = None  # a parser that failed half-way is not used again
    parser.feed(text)
    events = parser.close()
    _PARSERS.parser = parser
    return events


class _Parse(NamedTuple):
    """lxml's events for a masked text, and the start events of the elements it never closed."""

    events: list[_Event]
    unclosed: frozenset[int]


def _parse(text: str, end: str = "") -> _Parse:
    """Parse ``text`` (masked) followed by ``end``, a sentinel: the elements still open where it is read
    were never closed in ``text``. Quotes and ">" before it end an unterminated tag or attribute.
    """
    sentinel = "'\">" + end if end else ""
    events: list[_Event] = []
    stack: list[int] = []  # the open elements' start events
    unclosed: frozenset[int] = frozenset()
    cursor = 0
    for kind, value, attrib in _lxml_events(text + sentinel):
        if end and kind in (_DATA, _COMMENT) and end in value:
            unclosed = frozenset(stack)
            value = value.removesuffix(sentinel).removesuffix(end) if kind == _DATA else value
        if kind == _DATA:
            cursor = _add_text(events, text, value, cursor)
            continue
        if kind == _START:
            stack.append(len(events))
        elif kind == _END:
            while stack and events[stack.pop()][1] != value:
                pass
        events.append((kind, value, attrib))
    return _Parse(events, unclosed)


def _add_text(events: list[_Event], text: str, value: str, cursor: int) -> int:
    """Add a text event, found in ``text`` after ``cursor`` (the previous text's end); returns its end.

    libxml2 hands a text over in parts (at a "<" that opens no tag, at each megabyte): parts that follow
    each other in ``text`` are joined. Two texts with markup between them and no event for it mean
    markup that libxml2 passed over (a stray ``</p>``): a gap event holds it.
    """
    if not value:
        return cursor
    at = text.find(value, cursor)
    at = cursor if at < 0 else at
    spaces = len(text[cursor:at]) - len(text[cursor:at].rstrip(_HTML_SPACE))
    if spaces and at - spaces > 0 and text[at - spaces - 1] == ">":  # spaces after a comment: libxml2 drops them
        at, value = at - spaces, text[at - spaces : at] + value
    if events and events[-1][0] == _DATA:
        if at == cursor:  # one text, in parts ("5 ", "<", " 7")
            events[-1] = (_DATA, events[-1][1] + value, None)
            return at + len(value)
        events.append((_GAP, text[cursor:at], None))
    events.append((_DATA, value, None))
    return at + len(value)


def _wrappers(source: str) -> Counter[str]:
    """How many ``<html>``, ``<head>`` and ``<body>`` tags the source writes (libxml2 adds the others)."""
    return Counter(match.group(1).lower() for match in _WRAPPER_RE.finditer(source))


def _in_source(tag: str, wrappers: Counter[str]) -> bool:
    """Whether a start tag is the source's: an ``<html>``, ``<head>`` or ``<body>`` is while the source
    has one left (``wrappers`` counts them down)."""
    if tag not in ("html", "head", "body"):
        return True
    if wrappers[tag] > 0:
        wrappers[tag] -= 1
        return True
    return False


def _pairs(events: list[_Event]) -> dict[int, int]:
    """Each start event's index -> its end event's index (libxml2 closes every element it opens)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, (kind, tag, _) in enumerate(events):
        if kind == _START:
            stack.append(index)
        elif kind == _END:
            while stack:
                start = stack.pop()
                pairs[start] = index
                if events[start][1] == tag:
                    break
    return pairs


def _texts_after(events: list[_Event], index: int) -> tuple[str, int]:
    """The texts right after event ``index`` (a raw-text element's content) and the index after them."""
    end = index + 1
    while end < len(events) and events[end][0] == _DATA:
        end += 1
    return "".join(value for _, value, _ in events[index + 1 : end]), end


# ---------------------------------------------------------------------------------------------
# The text of a page


class _TextReader:
    """Reads the text of an HTML source, event by event, and counts the markup it leaves out.

    Texts are the source's own (see ``_Masked``): the entities are decoded afterwards (``_decode_runs``)
    and the characters kept are counted exactly; the markup's are all the others.
    """

    def __init__(self, masked: _Masked, tag_break: str) -> None:
        self.masked = masked
        self.end, self.rename = masked.spare
        self.tag_break = tag_break
        self.runs: list[str] = []
        self.kept = self.elements = self.blocks = self.comments = 0

    def read(self, text: str) -> None:
        """Read a masked text; an unclosed raw-text element's content, the rest, is read next as HTML."""
        while text:
            body = text.lstrip(_HTML_SPACE)
            self._keep(text[: len(text) - len(body)])  # libxml2 drops the spaces that open a document
            text, unclosed = self._walk(_parse(body, self.end), _wrappers(body)) if body else ("", "")
            text = self._renamed(text, unclosed) if text else ""

    def _renamed(self, rest: str, tag: str) -> str:
        """The rest after an unclosed ``<script>`` has no ``</script>``, so that every ``<script>`` in it is
        unclosed too: renamed (its last letter masked), they are ordinary elements, and the rest is read
        once rather than once per ``<script>``."""
        name = re.compile(f"(<{re.escape(tag[:-1])}){re.escape(tag[-1])}(?=[{_HTML_SPACE}/>]|$)", re.IGNORECASE)
        return name.sub(lambda match: match.group(1) + self.rename, rest)

    def _walk(self, parse: _Parse, wrappers: Counter[str]) -> tuple[str, str]:
        """Keep the texts and count the markup of one parse. Returns the content of an unclosed raw-text
        element (the rest of the source, to read next) and its name, or ("", "")."""
        events = parse.events
        pairs = _pairs(events)
        index = 0
        while index < len(events):
            kind, value, _ = events[index]
            if kind == _DATA:
                self._keep(value)
            elif kind == _GAP:
                self._gap(value)
            elif kind == _COMMENT:
                self.comments += 1
                index = self._cdata(events, index)
            elif kind == _END:
                self._break(value, closing=True)
            elif _in_source(value, wrappers):
                self.elements += 1
                self._break(value)
                if value in _RAW_TEXT_TAGS and index in parse.unclosed:
                    return _texts_after(events, index)[0], value
                if value in _SKIPPED_TAGS and index not in parse.unclosed:
                    self.blocks += 1
                    index = pairs.get(index, len(events))
                elif value in _RAW_TEXT_TAGS:  # a title's or a textarea's content: HTML to this reader
                    content, index = _texts_after(events, index)
                    self.read(content)
                    index -= 1
            index += 1
        return "", ""

    def _cdata(self, events: list[_Event], index: int) -> int:
        """A CDATA section outside SVG or MathML, which HTML5 ends at its first ">", goes to its "]]>", as
        XHTML meant (the index of the event to go on from)."""
        comment = events[index][1]
        if not comment.startswith("<!--[CDATA[") or comment.endswith("]]-->"):
            return index
        for later in range(index + 1, len(events)):
            kind, value, _ = events[later]
            if kind == _DATA and "]]>" in value:
                self._keep(value.partition("]]>")[2])
                return later
        return index

    def _keep(self, text: str) -> None:
        if text:
            self.kept += len(text)
            self.runs.append(_LINE_BREAK_RE.sub(" ", self.masked.unmask(text)))  # source line breaks are spaces

    def _break(self, tag: str, closing: bool = False) -> None:
        if tag not in ("html", "head", "body") and not (closing and tag in _VOID_TAGS):
            self.runs.append("\n" if tag in _BLOCK_TAGS else self.tag_break)

    def _gap(self, markup: str) -> None:
        """A stray end tag (``</p>`` with no ``<p>``) still ends a line, as the old reader's did."""
        block = any(name.lower() in _BLOCK_TAGS for name in _TAG_NAME_RE.findall(markup))
        self.runs.append("\n" if block else self.tag_break)


_LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def to_text(source: str, tag_break: str = "") -> Text:
    """The text of an HTML source: block elements (``<p>``, ``<br>``, ``<li>``...) end lines, other tags
    become ``tag_break``, line breaks in the source are spaces, entities are decoded.

    A source with nothing a parser could take for markup is not parsed: its entities are decoded.
    """
    if not _MARKUP_START_RE.search(source):
        text = _LINE_BREAK_RE.sub(" ", source)
        if "&" not in text:
            return Text(text)
        decoded, dropped = _decode_runs([text])
        return Text(decoded, escaped_tags=dropped)
    masked = _Masked(source, spare=2)
    reader = _TextReader(masked, tag_break)
    reader.read(masked.text)
    markup = Markup(reader.elements, reader.blocks, reader.comments, len(source) - reader.kept)
    decoded, dropped = _decode_runs(reader.runs)
    return Text(decoded, markup, escaped_tags=dropped)


# ---------------------------------------------------------------------------------------------
# Entities

_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CHARREF_RE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # html.unescape's own


def _decode_runs(runs: list[str]) -> tuple[str, tuple[str, ...]]:
    """Decode the entities of each run of text (as ``html.unescape``), keeping escaped markup out.

    A ``<`` or ``>`` that an entity stood for is held as a marker while the text is decoded, and a tag
    that such a marker opens or closes is dropped.
    """
    lt, gt = _unused("".join(runs), 2)

    def one(match: re.Match[str]) -> str:
        return unescape(match.group()).replace("<", lt).replace(">", gt)

    decoded = "".join(_CHARREF_RE.sub(one, run) if "&" in run else run for run in runs)
    return _drop_escaped_tags(decoded, lt, gt)


def decode_entities(text: str) -> Text:
    """A plain text with its entities (``&quot;``, ``&#39;``: complete ones only) decoded, escaped
    markup kept out as above; the line breaks stay."""
    entities = tuple(entity for entity in _ENTITY_RE.findall(text) if unescape(entity) != entity)
    if not entities:
        return Text(text)
    lt, gt = _unused(text, 2)
    text = _ENTITY_RE.sub(lambda m: unescape(m.group()).replace("<", lt).replace(">", gt), text)
    text, dropped = _drop_escaped_tags(text, lt, gt)
    return Text(text, entities=entities, escaped_tags=dropped)


def _drop_escaped_tags(text: str, lt: str, gt: str) -> tuple[str, tuple[str, ...]]:
    """Drop every tag that a decoded ``<`` (``lt``) opens or a decoded ``>`` (``gt``) closes."""
    pattern = re.compile(f"{lt}(?=[A-Za-z/!?])[^<>{lt}{gt}]*[>{gt}]|<(?=[A-Za-z/!?])[^<>{lt}{gt}]*{gt}")
    found = tuple(tag.replace(lt, "<").replace(gt, ">") for tag in pattern.findall(text))
    return pattern.sub("", text).replace(lt, "<").replace(gt, ">"), found


# ---------------------------------------------------------------------------------------------
# A fragment's pieces, to write back


def pieces(source: str, skip: Collection[str] = ()) -> list[Piece]:
    """``source`` cut into markup and texts, to change the texts and write it back (``Piece.written``).

    Texts are decoded; markup is written as lxml read it (attribute values as the source wrote them,
    in double quotes; unclosed elements closed; a stray end tag as it was). Texts inside the ``skip``
    elements are marked ``skipped``.
    """
    masked = _Masked(source)
    body = masked.text.lstrip(_HTML_SPACE)
    lead = masked.text[: len(masked.text) - len(body)]
    out = [Piece(masked.unmask(lead), "text")] if lead else []  # libxml2 drops the spaces that open a document
    if body:
        out += _fragment_pieces(_parse(body).events, _wrappers(body), frozenset(skip), masked)
    return out


def _fragment_pieces(events: list[_Event], wrappers: Counter[str], skip: frozenset[str],
                     masked: _Masked) -> Iterator[Piece]:
    open_tags: list[tuple[str, bool]] = []  # (tag, written)
    skipping = 0
    for kind, value, attrib in events:
        if kind == _START:
            written = _in_source(value, wrappers)
            open_tags.append((value, written))
            skipping += value in skip
            if written:
                yield Piece(masked.unmask(_start_tag(value, attrib or {})), "markup")
        elif kind == _END:
            while open_tags:
                name, written = open_tags.pop()
                skipping -= name in skip
                if written and name not in _VOID_TAGS:
                    yield Piece(f"</{name}>", "markup")
                if name == value:
                    break
        elif kind == _DATA and open_tags and open_tags[-1][0] in _CODE_TAGS:
            yield Piece(masked.unmask(value), "raw")
        elif kind == _DATA:
            yield Piece(unescape(masked.unmask(value)), "text", skipping > 0)
        elif kind == _COMMENT or _MARKUP_ONLY_RE.fullmatch(value):  # a gap: written back if it is only tags
            yield Piece(masked.unmask(value), "markup")


def _start_tag(tag: str, attrib: dict[str, str]) -> str:
    """A start tag; attribute values as the source wrote them (entities and all), in double quotes."""
    attributes = "".join(f' {name}="{value.replace(chr(34), "&quot;")}"' for name, value in attrib.items())
    return f"<{tag}{attributes}>"
