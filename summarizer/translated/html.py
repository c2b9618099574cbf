"""Web pages (.html, .htm, .xhtml) written back in English: the same page, its tags and attributes kept.

Each block (a paragraph, a heading, a list item, a cell...) is read with its inline tags (``<a>``, ``<b>``,
``<span>``...) as one flow of text, so a sentence with a link in its middle is translated whole; its English
is laid back over the block's text nodes (``summarizer.translated.layout``), every tag staying where it was.
Scripts, styles, code and preformatted text are left as they are, and so is every attribute but the
direction: the page becomes ``<html lang="en" dir="ltr">``, and an element's ``dir="rtl"`` or Arabic
``lang`` becomes ``ltr`` / ``en``.
"""

from __future__ import annotations

from typing import BinaryIO

from ..errors import DOCUMENT_DAMAGED, DOCUMENT_TOO_BIG, DocumentRefused
from ..inputs.documents import HTML_SUFFIXES
from .base import Draft, Slot, Unit, check_pieces, register_writer

# Tags inside a sentence: their text is part of the block's flow.
INLINE = frozenset("a abbr b bdi bdo br cite data del dfn em font i img ins label mark q s small span strong "
                   "sub sup time u wbr".split())
# Tags whose content is never translated (nor read as the block's text): a code sample is not prose.
OPAQUE = frozenset("script style code pre kbd samp var textarea noscript template svg math".split())
# Tags whose content a reader never sees: what the nothing-left-behind scan leaves out.
HIDDEN = frozenset("script style noscript template".split())


def _slot(element, attribute: str) -> Slot:
    def put(text: str) -> None:
        setattr(element, attribute, text)

    return Slot(getattr(element, attribute) or "", put)


class _Blocks:
    """The units of a page: each block's flow of text, split where a block tag starts inside it."""

    def __init__(self, skip: frozenset[str] = OPAQUE):
        self.units: list[Unit] = []
        self.skip = skip  # tags whose content is not read

    def block(self, element) -> None:
        flow: list[Slot] = []
        if element.text:
            flow.append(_slot(element, "text"))
        for child in element:
            if isinstance(child.tag, str) and child.tag.lower() not in INLINE | self.skip:
                self._flush(element, flow)
                flow = []
                self.block(child)
            elif isinstance(child.tag, str) and child.tag.lower() in INLINE:
                flow.extend(self.inline(child))
            if child.tail:
                flow.append(_slot(child, "tail"))
        self._flush(element, flow)

    def inline(self, element) -> list[Slot]:
        """An inline element's text, its children's (a block inside an inline tag is read inline too)."""
        flow = [_slot(element, "text")] if element.text else []
        for child in element:
            if isinstance(child.tag, str) and child.tag.lower() not in self.skip:
                flow.extend(self.inline(child))
            if child.tail:
                flow.append(_slot(child, "tail"))
        return flow

    def _flush(self, element, flow: list[Slot]) -> None:
        if any(slot.text.strip() for slot in flow):
            self.units.append(Unit(f"<{element.tag}> block {len(self.units) + 1}", flow))


def _parse(data: bytes, name: str):
    """The page's tree. libxml2 reads a page over its limits (tags nested more than 256 deep, a text of more
    than 10 MB) only up to them and drops the rest without failing: such a page is refused, never translated
    in part; so is one of more than ``max_pieces()`` elements."""
    import lxml.html
    from lxml.etree import ErrorTypes

    if b"\x00" in data and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # no page but UTF-16/32 holds a zero byte
        raise DocumentRefused(f"{name} is not a web page: it holds binary data (a Word file, a PDF or a picture "
                              "named .html?).", code=DOCUMENT_DAMAGED)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # another encoding: libxml2 reads the page's own <meta charset>
        text = None
    parser = lxml.html.HTMLParser(encoding="utf-8" if text is not None else None)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8") if text is not None else data, parser=parser)
    except Exception:  # lxml's ParserError on an empty or broken page: one message, no traceback
        raise DocumentRefused(f"{name} could not be read as a web page (it is empty or broken).",
                              code=DOCUMENT_DAMAGED) from None
    if any(error.type == ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):
        raise DocumentRefused(f"{name} is over the limits of the web page reader (tags nested more than 256 deep, or "
                              "a text of more than 10 MB without a tag): it would be translated only in part.",
                              code=DOCUMENT_TOO_BIG)
    check_pieces(sum(1 for _ in root.iter()), name, "tags")
    return root


def units_of(root, skip: frozenset[str] = OPAQUE) -> list[Unit]:
    """The page's blocks, without the content of the ``skip`` tags."""
    blocks = _Blocks(skip)
    try:
        blocks.block(root)
    except RecursionError:
        raise DocumentRefused("the page nests its tags too deeply to be translated.", code=DOCUMENT_TOO_BIG) from None
    return blocks.units


def left_to_right(root) -> None:
    root.set("lang", "en")
    root.set("dir", "ltr")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("dir", "").lower() == "rtl":
            element.set("dir", "ltr")
        if element.get("lang", "").lower().startswith("ar"):
            element.set("lang", "en")


def scan(data: bytes) -> list[Unit]:
    """A written page read back into its blocks (for what was left in Arabic): all the text a reader sees,
    code and preformatted text too, never a script or a style."""
    return units_of(_parse(data, "the written page"), HIDDEN)


@register_writer(suffixes=HTML_SUFFIXES, kind="html", label="web page", scan=scan)
def open_html(data: bytes, name: str, out_suffix: str) -> Draft:
    root = _parse(data, name)
    units = units_of(root)
    left_to_right(root)
    tree = root.getroottree()
    encoding = tree.docinfo.encoding or "utf-8"

    def write(stream: BinaryIO) -> None:
        import lxml.html

        stream.write(lxml.html.tostring(tree, doctype=tree.docinfo.doctype or "<!DOCTYPE html>",
                                        encoding=encoding, method="html"))

    return Draft(units, write)
