"""Files a batch writes beside its OUTPUT, one an item, into a folder: ``--briefs DIR`` (each article's
bilingual brief: ``summarizer.brief``) and ``--documents DIR`` (each document of a folder INPUT back in
English, in its own format: ``summarizer.translated``).

DIR is checked before any model loads: a folder that can be written (made when missing), neither INPUT nor
OUTPUT. Each file is named after its item's id, in letters and digits (``brief.safe_name``): ``ID.docx`` (or
``--brief-format``) for a brief, ``ID.en.SUFFIX`` for a document. A file already there is never replaced
unless ``--overwrite``: that item's file is skipped, and said. A brief is written as its result comes (a
failed article has none); the documents are translated after the results, with a progress bar of their own.
Records of a JSONL or Parquet file have no document: only a folder's document files get one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..brief import BRIEF_FORMATS, safe_name, write_brief
from ..errors import InputError, OptionError, OutputError, OutputExists
from ..result import Result
from ..translated import writer_for, writer_suffixes
from .outputs import same_file
from .records import Record


def add_item_file_arguments(parser: argparse.ArgumentParser) -> None:
    """``summarizer batch``'s ``--briefs``, ``--brief-format`` and ``--documents``."""
    group = parser.add_argument_group("Files per item (docs/documents.md)")
    group.add_argument("--briefs", metavar="DIR", help="also write each article's bilingual brief into DIR, named "
                                                       "after its id (never over a file there unless --overwrite)")
    group.add_argument("--brief-format", choices=sorted(s.lstrip(".") for s in BRIEF_FORMATS), default="docx",
                       help="the briefs' format (default docx)")
    group.add_argument("--documents", metavar="DIR", help="also write each document of a folder INPUT (.docx, "
                                                          ".html, .txt, .md, .pdf) translated into DIR, in its own "
                                                          "format, as ID.en.SUFFIX")


@dataclass
class ItemFiles:
    """Where the briefs and the documents go (``None``: not asked), and what was written or skipped."""

    briefs: Path | None = None
    documents: Path | None = None
    brief_suffix: str = ".docx"
    overwrite: bool = False
    quiet: bool = False
    written: dict[str, int] = field(default_factory=lambda: {"briefs": 0, "documents": 0})
    skipped: dict[str, int] = field(default_factory=lambda: {"briefs": 0, "documents": 0})
    taken: dict[str, set[str]] = field(default_factory=lambda: {"briefs": set(), "documents": set()})

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ItemFiles:
        """The folders of ``args``, checked (``OutputError``) before any model loads."""
        found = cls(brief_suffix="." + getattr(args, "brief_format", "docx"),
                    overwrite=bool(getattr(args, "overwrite", False)), quiet=bool(getattr(args, "quiet", False)))
        for kind in ("briefs", "documents"):
            folder = getattr(args, kind, None)
            if folder:
                setattr(found, kind, checked_folder(folder, kind, input=args.input, output=args.output))
        return found

    @property
    def asked(self) -> bool:
        return self.briefs is not None or self.documents is not None

    def add_brief(self, result: Result, record: Record | None = None) -> None:
        """``result``'s brief into the briefs' folder (nothing for a failed article)."""
        if self.briefs is None or result.error is not None:
            return
        target = self.briefs / self._name("briefs", safe_name(str(result.id)), self.brief_suffix)
        source = record.where if record is not None and record.where else str(result.id)
        self._write("briefs", target, lambda: write_brief(result, target, overwrite=self.overwrite, source=source))

    def add_documents(self, pipeline, records: Iterable[Record]) -> None:
        """Each record read from a document file, translated into the documents' folder, with a progress bar."""
        if self.documents is None:
            return
        from tqdm.auto import tqdm

        documents = [(record, path) for record in records if (path := document_path(record)) is not None]
        for record, path in tqdm(documents, unit="document", desc="documents", disable=self.quiet):
            target = self.documents / self._name("documents", safe_name(record.id), f".en{writer_for(path).outputs[0]}")
            self._write("documents", target,
                        lambda path=path, target=target: pipeline.translate_document(path, target,
                                                                                     overwrite=self.overwrite))

    def _name(self, kind: str, stem: str, suffix: str) -> str:
        """``stem + suffix``, or ``stem-2 + suffix``... when an item of this batch already has that name: two ids
        of the same letters and digits (``a b`` and ``a-b``, ``!!!`` and ``???``) never share a file, whatever
        the case (some filesystems do not tell ``A`` from ``a``)."""
        taken = self.taken[kind]
        name, n = stem + suffix, 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        taken.add(name.lower())
        return name

    def _write(self, kind: str, target: Path, write) -> None:
        try:
            write()
        except OutputExists:
            self.skipped[kind] += 1
            print(f"warning: {target}: already exists, kept (--overwrite replaces it)", file=sys.stderr)
            return
        except (InputError, OutputError) as exc:  # a document that cannot be translated, a full disk...
            self.skipped[kind] += 1
            print(f"warning: {target.name}: not written: {exc}", file=sys.stderr)
            return
        self.written[kind] += 1

    def report(self) -> list[str]:
        """One line per folder asked for: how many files were written into it, how many were not."""
        lines = []
        for kind, folder in (("briefs", self.briefs), ("documents", self.documents)):
            if folder is not None:
                skipped = f", {self.skipped[kind]} not written (see above)" if self.skipped[kind] else ""
                lines.append(f"{kind}: {self.written[kind]} written{skipped} -> {folder}")
        return lines


def checked_folder(folder: str, kind: str, *, input: str, output: str) -> Path:
    """``folder`` made if missing, refused when it cannot hold the files: a file, not writable, INPUT itself
    (the next batch would read them as articles) or OUTPUT."""
    if "://" in folder:
        raise OptionError(f"--{kind} {folder}: write the {kind} into a local folder.")
    path = Path(folder)
    for other in (input, output):
        if other and other != "-" and path.exists() and same_file(path, other):
            raise OutputError(f"--{kind} {folder}: is the batch's INPUT or OUTPUT: name a folder of its own.")
    if path.exists() and not path.is_dir():
        raise OutputError(f"--{kind} {folder}: is not a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--{kind} {folder}: cannot be made ({exc.strerror or exc}).") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"--{kind} {folder}: cannot be written (no permission).")
    return path


def document_path(record: Record) -> Path | None:
    """The file a record was read from when it is a document a writer translates (a folder's .docx, .html,
    .txt, .md, .pdf...), else None (a JSONL line, a Parquet row, a failed read)."""
    if record.error is not None or not record.where:
        return None
    path = Path(record.where)
    if path.suffix.lower() not in writer_suffixes() or not path.is_file():
        return None
    return path


def refuse_with_ray(args: argparse.Namespace) -> None:
    """``--briefs`` and ``--documents`` are the one-machine batch's (a Ray batch writes part files)."""
    for kind in ("briefs", "documents"):
        if getattr(args, kind, None):
            raise OptionError(f"--{kind} is for the one-machine batch: run it without --ray.")
