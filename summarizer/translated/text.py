"""Plain text (.txt) and Markdown (.md) written back in English, line for line.

Every line stays a line (its line break, indentation and blank lines kept), and each is translated on its
own. In Markdown what is syntax is not text: a heading's ``#``, a quote's ``>``, a list's bullet or number,
table pipes, emphasis marks, inline code and links' and images' addresses are kept where they were, and
fenced code blocks are left whole; the words between them are translated as one flow, so a sentence with
a link or a bold word in it is translated whole.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from ..errors import DOCUMENT_UNREADABLE, DocumentRefused, InputError
from ..inputs.text import decode_utf8
from .base import Draft, Slot, Unit, check_pieces, register_writer

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# What a Markdown line's start may hold before its text: quotes, a heading, a bullet or number, a task box.
_LINE_START = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")
# Inline syntax, kept as it is: code spans, images, a link's address part, its opening bracket, autolinks
# and inline HTML tags, bare addresses, emphasis marks, table pipes, a heading's closing hashes. A bracketed
# part never holds its own opening character, so a failed try stops at the next one: the scan of a line stays
# linear (a line of 100,000 "](" or "<a" would otherwise be tried to its end from each of them).
_INLINE_SYNTAX = re.compile(
    r"`+[^`]*`+|!\[[^\[\]]*\]\([^()]*\)|\]\([^()]*\)|\]\[[^\[\]]*\]|\[|<[^<>\s][^<>]*>|https?://\S+"
    r"|\*\*|\*|~~|(?<!\w)__?|__?(?!\w)|\||\s#+\s*$"
)


class _Lines:
    """The text as lines, each one's pieces (text to translate, syntax to keep) and its line break."""

    def __init__(self, text: str, name: str):
        lines = text.splitlines(True)
        check_pieces(len(lines), name, "lines")
        self.name = name
        self.lines = [[line.rstrip("\r\n"), line[len(line.rstrip("\r\n")):]] for line in lines]
        self._pieces: dict[int, dict[int, tuple[int, str]]] = {}  # line -> start -> (end, new text)

    def plain_units(self) -> list[Unit]:
        return [Unit(f"line {n}", [self._slot(n - 1, 0, len(line[0]))]) for n, line in enumerate(self.lines, 1)
                if line[0].strip()]

    def markdown_units(self) -> list[Unit]:
        units, fenced, pieces = [], False, 0
        for n, (line, _) in enumerate(self.lines, 1):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced or not line.strip():
                continue
            start = _LINE_START.match(line).end()
            slots = []
            for match in [*_INLINE_SYNTAX.finditer(line, start), None]:
                end = match.start() if match else len(line)
                if end > start:
                    slots.append(self._slot(n - 1, start, end))
                start = match.end() if match else start
            if slots:
                units.append(Unit(f"line {n}", slots))
                pieces += len(slots)
                check_pieces(pieces, self.name, "pieces of text between Markdown's syntax")
        return units

    def _slot(self, index: int, start: int, end: int) -> Slot:
        """The characters ``[start, end)`` of a line as read; written back into that place (pieces of a line
        are put from its end back, so the offsets before them still hold)."""
        line = self.lines[index]
        original = line[0][start:end]
        pieces = self._pieces.setdefault(index, {})

        def put(text: str) -> None:
            pieces[start] = (end, text)

        return Slot(original, put)

    def text(self) -> str:
        out = []
        for index, (line, ending) in enumerate(self.lines):
            for start, (end, new) in sorted(self._pieces.get(index, {}).items(), reverse=True):
                line = line[:start] + new + line[end:]
            out.append(line + ending)
        return "".join(out)


def _read(data: bytes, name: str) -> _Lines:
    try:
        text = decode_utf8(data, name)
    except InputError as exc:  # not UTF-8, or binary: the text reader's words, with a code
        raise DocumentRefused(str(exc), code=DOCUMENT_UNREADABLE) from None
    return _Lines(text, name)


def _draft(lines: _Lines, units: list[Unit]) -> Draft:
    def write(stream: BinaryIO) -> None:
        stream.write(lines.text().encode("utf-8"))

    return Draft(units, write)


def scan(data: bytes) -> list[Unit]:
    """A written text read back, every line (Markdown's code and addresses too: all the Arabic it holds)."""
    return _read(data, "the written file").plain_units()


@register_writer(suffixes=(".txt",), kind="text", label="text file", scan=scan)
def open_text(data: bytes, name: str, out_suffix: str) -> Draft:
    lines = _read(data, name)
    return _draft(lines, lines.plain_units())


@register_writer(suffixes=(".md", ".markdown"), kind="markdown", label="Markdown file", scan=scan)
def open_markdown(data: bytes, name: str, out_suffix: str) -> Draft:
    lines = _read(data, name)
    return _draft(lines, lines.markdown_units())
