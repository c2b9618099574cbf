"""A document translated into a document of its own kind: Word, web page, text, Markdown (a PDF: Word or HTML).

``translate_document(source, out, translate)`` reads ``source``, translates its Arabic sentences with
``translate`` (sentences in, one English text each out: the pipeline's translator, see
``Pipeline.translate_document``), writes ``out`` in the kind its suffix names, then reads ``out`` back and
counts the Arabic letters left in it (the nothing-left-behind check). It returns a ``TranslatedDocument``.

Every refusal comes before anything is written, as a coded error: ``OutputExists``, ``OutputIsInput``,
``OutputNotWritable``, ``OutputFormatUnknown`` (summarizer.errors), or ``DocumentRefused`` with a
``DOCUMENT_*`` code (encrypted, old .doc, too big, damaged, unreadable such as a scanned PDF). The file
is written under a temporary name beside ``out`` and renamed over it.

One module per kind registers its writer (``register_writer``): ``docx.py``, ``html.py``, ``text.py``
(.txt and .md), ``pdf.py``. This package sits beside the stages, checks and readers: it never imports the
pipeline, which hands it its ``translate``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..inputs import documents
from ..output_file import write_atomically
from . import docx, html, pdf, text  # noqa: F401  (each registers its writer)
from .base import (
    WRITERS,
    DocumentNote,
    Draft,
    Leftover,
    Slot,
    Translate,
    TranslatedDocument,
    Unit,
    Writer,
    check_target,
    output_suffix,
    read_source,
    register_writer,
    scanner_for,
    unregister_writer,
    writer_for,
    writer_suffixes,
)
from .layout import leftovers, translate_units

__all__ = ["WRITERS", "DocumentNote", "Draft", "Leftover", "Slot", "Translate", "TranslatedDocument", "Unit",
           "Writer", "default_output", "register_writer", "translate_document", "unregister_writer",
           "writer_for", "writer_suffixes"]


def default_output(source: str | Path) -> Path:
    """Where the English of ``source`` goes when no name is given: beside it, ``NAME.en.SUFFIX`` in the
    kind it is written as by default (``report.docx`` -> ``report.en.docx``, ``scan.pdf`` -> ``scan.en.docx``)."""
    source = Path(source)
    return source.with_name(f"{source.stem}.en{writer_for(source).outputs[0]}")


def translate_document(source: str | Path, out: str | Path, translate: Translate, *, overwrite: bool = False,
                       check: Callable[[list[str]], object] | None = None) -> TranslatedDocument:
    """Translate the document ``source`` into ``out`` (module docstring).

    ``translate(sentences) -> english``: called once, with every different Arabic sentence of the document;
    ``overwrite``: replace an ``out`` that exists; ``check(sentences)``: called before ``translate`` (a
    server's budget: raise to refuse). Nothing is written when anything raises.
    """
    source, out = Path(source), Path(out)
    writer = writer_for(source)
    suffix = output_suffix(writer, source, out)
    check_target(source, out, overwrite=overwrite)
    draft = writer.open(read_source(source, documents.MAX_DOCUMENT_BYTES), source.name, suffix)
    outcome = translate_units(draft.units, translate, check)
    write_atomically(out, draft.write, overwrite=overwrite)
    left = leftovers(scanner_for(suffix)(out.read_bytes()))
    return TranslatedDocument(
        path=str(out), source=str(source), format=writer_for(out).kind, source_format=writer.kind,
        segments=outcome.segments, sentences=outcome.sentences, unique_sentences=outcome.unique_sentences,
        arabic_left=sum(place.letters for place in left), left_in=tuple(left), notes=tuple(draft.notes),
    )
