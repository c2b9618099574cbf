"""The registry of document writers, the record of a translated document, and the safe write of a file.

A writer takes one kind of document (by its suffix) and gives back a ``Draft``: the document's text as
``Unit``s (a paragraph, a block, a line, each made of the ``Slot``s that hold its text: runs, text nodes)
and how to write the document once every slot holds its English. The translation itself is the
caller's (``summarizer.translated.layout``); the file is written under a temporary name beside its
target and renamed over it, so that a process killed midway never leaves half a document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import (
    DOCUMENT_FORMAT,
    DOCUMENT_OLD_FORMAT,
    DOCUMENT_TOO_BIG,
    DOCUMENT_UNREADABLE,
    DocumentRefused,
    OutputFormatUnknown,
)
from ..inputs import documents
from ..output_file import check_output

# Sentences in, their English out: one string per sentence, in order (the pipeline's translator).
Translate = Callable[[list[str]], list[str]]


@dataclass
class Slot:
    """One place that holds text in a document (a Word run's text, an HTML text node, a piece of a line):
    its text as read, and ``put(text)``, which writes new text there."""

    text: str
    put: Callable[[str], None]


@dataclass
class Unit:
    """Text read as one flow (a paragraph, a block with its inline tags, a line): its slots in reading
    order, and ``where`` it is, in words ("body paragraph 3"), for the report of what was left."""

    where: str
    slots: list[Slot]

    @property
    def text(self) -> str:
        return "".join(slot.text for slot in self.slots)


@dataclass(frozen=True)
class DocumentNote:
    """Something the user should know about the written document (``code`` for code, ``message`` for people)."""

    code: str
    message: str


@dataclass
class Draft:
    """A document read and ready to be translated: its ``units``, and ``write(stream)``, which writes the
    document with whatever text its slots hold then. ``notes``: what was changed beyond the text."""

    units: list[Unit]
    write: Callable[[BinaryIO], None]
    notes: list[DocumentNote] = field(default_factory=list)


@dataclass(frozen=True)
class Leftover:
    """A place of the written document that still holds Arabic letters (``letters`` of them)."""

    where: str
    letters: int
    text: str  # the start of the place's text, for a reader to find it

    def to_dict(self) -> dict:
        return {"where": self.where, "letters": self.letters, "text": self.text}


@dataclass(frozen=True)
class TranslatedDocument:
    """What ``translate_document`` wrote.

    ``path``: the file written; ``source``: the file read; ``format`` / ``source_format``: their kinds
    ("docx", "html", "text", "markdown", "pdf"); ``segments``: the paragraphs, blocks or lines that held
    Arabic; ``sentences``: the Arabic sentences translated (``unique_sentences`` of them different, each
    sent to the model once); ``arabic_left``: the Arabic letters the written file still holds, read back
    from it (0: nothing was left behind), ``left_in`` where; ``notes``: what else the user should know
    (a PDF written as a Word file, macros dropped).
    """

    path: str
    source: str
    format: str
    source_format: str
    segments: int
    sentences: int
    unique_sentences: int
    arabic_left: int
    left_in: tuple[Leftover, ...] = ()
    notes: tuple[DocumentNote, ...] = ()

    @property
    def note(self) -> str:
        """The notes as one text ("" when there are none)."""
        return " ".join(n.message for n in self.notes)

    def to_dict(self) -> dict:
        return {"path": self.path, "source": self.source, "format": self.format,
                "source_format": self.source_format, "segments": self.segments, "sentences": self.sentences,
                "unique_sentences": self.unique_sentences, "arabic_left": self.arabic_left,
                "left_in": [left.to_dict() for left in self.left_in],
                "notes": [{"code": n.code, "message": n.message} for n in self.notes], "note": self.note}


# -- the registry --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Writer:
    """How one kind of document is read and written back translated.

    ``open(data, name, out_suffix)`` reads the document's bytes into a ``Draft`` that writes ``out_suffix``
    (one of ``outputs``: the first is the default, the input's own kind where it can be written);
    ``scan(data)`` reads a written file of this kind back into its units (for what was left behind), or
    None when this kind is never written.
    """

    kind: str
    suffixes: tuple[str, ...]
    outputs: tuple[str, ...]
    describe: str
    open: Callable[[bytes, str, str], Draft]
    scan: Callable[[bytes], list[Unit]] | None = None


WRITERS: dict[str, Writer] = {}  # kind -> its writer, in the order they were registered
# Kinds that are known and refused, with what to do instead.
_REFUSED = {
    ".doc": (DOCUMENT_OLD_FORMAT,
             "{name} is an old binary Word file (.doc), which is not translated as a document: convert it to "
             ".docx first (`soffice --headless --convert-to docx {name}`, or Save As .docx in Word)."),
}


def register_writer(*, suffixes: tuple[str, ...], kind: str, label: str, outputs: tuple[str, ...] | None = None,
                    scan: Callable[[bytes], list[Unit]] | None = None):
    """Register the decorated ``open(data: bytes, name: str, out_suffix: str) -> Draft`` for documents named
    ``*suffix``; ``outputs``: the suffixes it writes (default: ``suffixes``); ``scan``: reads such a written
    file back into units. A suffix registered again is taken over by the newer writer."""
    suffixes = tuple(s.lower() for s in suffixes)

    def add(open_: Callable[[bytes, str, str], Draft]):
        for other in list(WRITERS.values()):
            if other.kind != kind and set(other.suffixes) & set(suffixes):
                WRITERS[other.kind] = Writer(other.kind, tuple(s for s in other.suffixes if s not in suffixes),
                                             other.outputs, other.describe, other.open, other.scan)
        WRITERS[kind] = Writer(kind, suffixes, tuple(outputs or suffixes), label, open_, scan)
        return open_

    return add


def unregister_writer(kind: str) -> None:
    """Remove a writer (a test's, or one a plug-in replaces)."""
    WRITERS.pop(kind, None)


def writer_suffixes() -> tuple[str, ...]:
    """Every suffix a document can be translated from."""
    return tuple(suffix for writer in WRITERS.values() for suffix in writer.suffixes)


def writer_for(name: str | Path) -> Writer:
    """The writer of a document called ``name`` (by its suffix, in any case), or ``DocumentRefused``."""
    shown = Path(str(name)).name
    suffix = Path(shown).suffix.lower()
    found = next((w for w in WRITERS.values() if suffix and suffix in w.suffixes), None)
    if found is not None:
        return found
    if suffix in _REFUSED:
        code, words = _REFUSED[suffix]
        raise DocumentRefused(words.format(name=shown), code=code)
    raise DocumentRefused(f"{shown}: cannot translate {suffix or 'a file without an extension'} as a document; "
                          f"give a {', '.join(writer_suffixes())} file.", code=DOCUMENT_FORMAT)


def scanner_for(suffix: str) -> Callable[[bytes], list[Unit]]:
    """How a written file of ``suffix`` is read back (every output suffix has a writer that scans it)."""
    return next(w.scan for w in WRITERS.values() if suffix in w.suffixes and w.scan is not None)


def output_suffix(writer: Writer, source: Path, out: Path) -> str:
    """The kind to write: ``out``'s suffix, which must be one the writer writes."""
    suffix = out.suffix.lower()
    if suffix not in writer.outputs:
        raise OutputFormatUnknown(str(out), f"translated {writer.describe} ({source.suffix.lower()})",
                                  list(writer.outputs))
    return suffix


# -- reading the source, checking the target -------------------------------------------------------
def read_source(source: Path, max_bytes: int) -> bytes:
    """The document's bytes, its size checked before a byte is read; a missing or unreadable file is a
    ``DocumentRefused``."""
    try:
        size = source.stat().st_size
        if source.is_dir():
            raise DocumentRefused(f"{source.name}: is a folder, not a document.", code=DOCUMENT_UNREADABLE)
        if size > max_bytes:
            raise DocumentRefused(f"{source.name} is too big ({_megabytes(size)}; at most {_megabytes(max_bytes)}).",
                                  code=DOCUMENT_TOO_BIG)
        return source.read_bytes()
    except FileNotFoundError:
        raise DocumentRefused(f"{source.name}: no such file.", code=DOCUMENT_UNREADABLE) from None
    except OSError as exc:
        raise DocumentRefused(f"{source.name}: cannot be read ({exc.strerror}).", code=DOCUMENT_UNREADABLE) from None


def max_pieces() -> int:
    """The most pieces a document may have, whatever its kind (lines, tags, XML elements in all the parts read,
    pieces of text): the Word reader's element limit (``documents.MAX_DOCX_ELEMENTS``, read when asked)."""
    return documents.MAX_DOCX_ELEMENTS


def check_pieces(count: int, name: str, what: str) -> None:
    """Refuse (``DOCUMENT_TOO_BIG``) a document of more than ``max_pieces()`` ``what`` (lines, tags, XML
    elements, pieces of text): each costs a few hundred bytes and its share of the work, spent before a
    server's budget sees a sentence (20 MB of blank lines or of one repeated tag would take gigabytes)."""
    if count > max_pieces():
        raise DocumentRefused(f"{name} is too complex to translate as a document: more than {max_pieces():,} {what}. "
                              "Split it.", code=DOCUMENT_TOO_BIG)


def check_target(source: Path, out: Path, *, overwrite: bool) -> None:
    """Refuse, before any work, an output that is the input, exists (unless ``overwrite``), or cannot be
    written: a folder, in a folder that is missing or read-only (:func:`summarizer.output_file.check_output`)."""
    check_output(out, overwrite=overwrite, source=source)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
