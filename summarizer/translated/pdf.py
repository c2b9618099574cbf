"""A PDF's text, translated, written as a Word file (.docx, the default) or a web page (.html).

A PDF is not written back as a PDF: its text is read in reading order by the project's PDF reader
(``summarizer.inputs.documents``, in its cage), its lines joined into paragraphs (a line that does not end
a sentence runs on into the next), and the English paragraphs written under the document's title. Its
layout, images and fonts are not kept, and the result says so. A PDF with no text layer (a scan) is
refused by the reader: run text recognition (OCR) on it first.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO

from ..errors import DOCUMENT_UNREADABLE, DocumentRefused, InputError
from ..inputs.documents import read_bytes
from .base import DocumentNote, Draft, Slot, Unit, check_pieces, register_writer

_ENDS_SENTENCE = re.compile(r"[.!?؟…:]['\"»”)\]]*$")


def paragraphs(text: str) -> list[str]:
    """The reader's lines joined into paragraphs: a paragraph ends with a line that ends a sentence."""
    found, current = [], []
    for line in (line.strip() for line in text.splitlines()):
        if line:
            current.append(line)
        if current and (not line or _ENDS_SENTENCE.search(line)):
            found.append(" ".join(current))
            current = []
    if current:
        found.append(" ".join(current))
    return found


def _slot(texts: list[str], index: int) -> Slot:
    def put(text: str) -> None:
        texts[index] = text

    return Slot(texts[index], put)


def _docx(title: str, texts: list[str], stream: BinaryIO) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = "en-US"
    if title:
        document.add_heading(title, level=1)
    for text in texts:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    stream.write(buffer.getvalue())


def _html(title: str, texts: list[str], stream: BinaryIO) -> None:
    import lxml.html
    from lxml.html import builder as E

    body = [E.H1(title)] if title else []
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(title)), E.BODY(*body, *(E.P(t) for t in texts)),
                  lang="en", dir="ltr")
    stream.write(lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", method="html"))


@register_writer(suffixes=(".pdf",), kind="pdf", label="PDF", outputs=(".docx", ".html", ".htm"))
def open_pdf(data: bytes, name: str, out_suffix: str) -> Draft:
    try:
        read = read_bytes(data, name)
    except InputError as exc:  # no text layer, a password, a damaged file: the reader's words, with a code
        raise DocumentRefused(str(exc), code=exc.code or DOCUMENT_UNREADABLE) from None
    title = [read.title]
    texts = paragraphs(read.text)
    check_pieces(len(texts), name, "paragraphs")
    units = [Unit("title", [_slot(title, 0)])] if read.title else []
    units += [Unit(f"paragraph {n}", [_slot(texts, n - 1)]) for n in range(1, len(texts) + 1)]
    kind = "Word file" if out_suffix == ".docx" else "web page"

    def write(stream: BinaryIO) -> None:
        (_docx if out_suffix == ".docx" else _html)(title[0], texts, stream)

    note = DocumentNote("pdf-as-text", f"{name} is a PDF: its text, in reading order, is written as a {kind} "
                                       f"({out_suffix}); its layout, images and fonts are not kept.")
    return Draft(units, write, [note])
