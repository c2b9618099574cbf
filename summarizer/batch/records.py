"""The records of a batch's INPUT, read the same way by the one-machine batch and by the Ray batch.

INPUT is a JSONL file (``{"id", "text"}`` a line), a Parquet file (columns ``id`` and ``text``),
standard input (``-``) or a FIFO (JSONL, read once), or a folder of such files and of documents:
every file a registered reader reads (``summarizer.inputs.documents.READERS``: ``.txt``, ``.html``,
``.docx``, ``.pdf``...) is one record whose id is its name without the suffix. A folder's files are
read in name order; names starting with ``.`` or ``_`` are not inputs.

Every record gets a unique id (``assign_ids``): a record without a readable id gets a made-up one
(``line-N``, ``row-N``, prefixed by its file's name in a folder of several files) that never equals
a real id, and a repeated id makes the repeat an error of its own (the first one is processed).
Both batches use these functions, so that they give the same records, ids and messages.
"""

from __future__ import annotations

import contextlib
import json
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..inputs.documents import MAX_DOCUMENT_BYTES, document_suffixes, read_bytes, reader_for
from ..inputs.text import decode_utf8
from .storage import Store

STDIN = "-"
RECORD_SUFFIXES = (".jsonl", ".parquet")  # files of many records; a document is one record


@dataclass
class Record:
    """One input article; ``error`` is set when it cannot be processed as given."""

    id: str
    text: str | None = None
    error: str | None = None
    line: int | None = None  # 1-based line of a JSONL input (None in a folder: its position is used)
    fallback_id: bool = False  # the id was made up (the line had none we could read)
    duplicate_of_line: int | None = None
    where: str = ""  # where it is in INPUT, for messages ("in.jsonl, line 3")

    def error_record(self) -> dict:
        out: dict = {"id": self.id, "error": self.error}
        if self.duplicate_of_line is not None:
            out.update(duplicate_of_line=self.duplicate_of_line, line=self.line)
        return out


# -- a file that cannot be read ------------------------------------------------------------------
def reason_of(exc: BaseException) -> str:
    """An OS or Arrow error in a few words: the OS's words for its errno, else its message's first line."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200].rstrip(".")


@contextlib.contextmanager
def reading(shown: str, what: str = "cannot be read", *, arrow: bool = False) -> Iterator[None]:
    """What the OS (and, with ``arrow``, pyarrow) raises while reading the file ``shown`` becomes one
    ``InputError`` naming it, ``{shown}: {what} ({reason})``: both batches read INPUT's files before any
    model loads, so a file that cannot be read stops the batch at once, in one line, never as a traceback.
    """
    errors: tuple[type[BaseException], ...] = (OSError,)
    if arrow:
        import pyarrow as pa

        errors = (OSError, pa.ArrowException)
    try:
        yield
    except errors as exc:
        raise InputError(f"{shown}: {what} ({reason_of(exc)}).") from None


# -- JSONL -------------------------------------------------------------------------------------
def jsonl_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, int, int, bytes]]:
    """``(number, start, stop, raw)`` of each line of a binary stream that is not blank (1-based
    numbers, byte offsets of the line's start and of the next line's)."""
    offset = 0
    for number, raw in enumerate(stream, 1):
        start, offset = offset, offset + len(raw)
        if raw.strip():
            yield number, start, offset, raw


def parse_line(raw: bytes, number: int, where: str, fallback_prefix: str = "") -> Record:
    """One JSONL line (``number`` 1-based) of the file shown as ``where``.

    A line without a readable id gets ``{fallback_prefix}line-{number}`` (see ``assign_ids``).
    """
    fallback = f"{fallback_prefix}line-{number}"
    located = f"{where}, line {number}"

    def broken(message: str) -> Record:
        return Record(fallback, error=f"{located}: {message}", line=number, fallback_id=True, where=located)

    try:
        line = decode_utf8(raw, f"line {number}")
    except InputError:
        return broken("not UTF-8 text.")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return broken(f"not valid JSON ({exc.msg}).")
    except RecursionError:
        return broken("not valid JSON (nested too deeply).")
    if not isinstance(obj, dict):
        return broken(f"expected an object with 'id' and 'text', not {type(obj).__name__}.")
    if obj.get("id") is None:
        record = Record(fallback, line=number, fallback_id=True, where=located)
    else:
        record = Record(_id_text(obj["id"]), line=number, where=located)
    text = obj.get("text")
    if not isinstance(text, str):
        record.error = f"{located}: no 'text' string in the record."
    else:
        record.text = text
    return record


def _id_text(value: object) -> str:
    """A JSON id as the output writes it: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return str(value)


def read_jsonl(stream: Iterable[bytes], where: str, fallback_prefix: str = "") -> Iterator[Record]:
    for number, _, _, raw in jsonl_lines(stream):
        yield parse_line(raw, number, where, fallback_prefix)


# -- Parquet -----------------------------------------------------------------------------------
def open_parquet(handle, shown: str):
    """A ``pyarrow.parquet.ParquetFile`` with one ``text`` column of strings (else an ``InputError``).

    A column of another type is refused as a whole, as a missing one is: no row of it could be read.
    (Nulls in a string column are records without a text, each an error of its own.)
    """
    import pyarrow.parquet as pq

    with reading(shown, "not a Parquet file, or a damaged one", arrow=True):
        parquet = pq.ParquetFile(handle)
        schema = parquet.schema_arrow
    texts = [f for f in schema if f.name == "text"]
    if not texts:
        raise InputError(f"{shown}: the Parquet file has no 'text' column (it has: {', '.join(schema.names)}).")
    if len(texts) > 1:
        raise InputError(f"{shown}: the Parquet file has {len(texts)} 'text' columns: which one to read is unclear.")
    if not _holds_text(texts[0].type):
        raise InputError(f"{shown}: the Parquet file's 'text' column holds {texts[0].type} values, not text.")
    return parquet


def _holds_text(kind) -> bool:
    """Whether an Arrow column of this type reads as Python strings (or as nothing but nulls)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _holds_text(kind.value_type)
    return any(holds(kind) for holds in (pa.types.is_null, pa.types.is_string, pa.types.is_large_string,
                                         pa.types.is_string_view))


def parquet_ids(parquet, group: int, shown: str) -> list:
    """The ``id`` values of a row group (None for each row when there is no ``id`` column)."""
    if "id" not in parquet.schema_arrow.names:
        return [None] * parquet.metadata.row_group(group).num_rows
    with reading(shown, f"row group {group + 1} cannot be read", arrow=True):
        return parquet.read_row_group(group, columns=["id"]).column(0).to_pylist()


def parquet_row_group(parquet, group: int, shown: str):
    """A row group's ``id`` and ``text`` columns, as a table."""
    wanted = [c for c in ("id", "text") if c in parquet.schema_arrow.names]
    with reading(shown, f"row group {group + 1} cannot be read", arrow=True):
        table = parquet.read_row_group(group, columns=wanted)
        table.validate(full=True)  # strings that are not UTF-8 fail here, not later as a traceback
    return table


def row_record(value: object, text: object, number: int, shown: str, fallback_prefix: str = "") -> Record:
    """Row ``number`` (1-based, in its file) of a Parquet file; without an id: ``{prefix}row-{number}``.
    (``text`` is None when only the ids were read.)"""
    located = f"{shown}, row {number}"
    if value is None:
        record = Record(f"{fallback_prefix}row-{number}", fallback_id=True, where=located)
    else:
        record = Record(str(value), where=located)
    if isinstance(text, str):
        record.text = text
    else:
        record.error = f"{located}: no 'text' string in the record."
    return record


def read_parquet(store: Store, path: str, shown: str, fallback_prefix: str = "") -> Iterator[Record]:
    with reading(shown), store.open(path) as handle:
        parquet = open_parquet(handle, shown)
        number = 0
        for group in range(parquet.num_row_groups):
            for row in parquet_row_group(parquet, group, shown).to_pylist():
                number += 1
                yield row_record(row.get("id"), row.get("text"), number, shown, fallback_prefix)


# -- documents: one record a file --------------------------------------------------------------
def document_id(name: str) -> str:
    """A document's id: its file name without the suffix."""
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def read_document_record(store: Store, path: str, shown: str) -> Record:
    """A document file as one record, read by the reader its suffix names (``documents.READERS``)."""
    record_id = document_id(shown)
    try:
        size = store.size(path)
        if size > MAX_DOCUMENT_BYTES:
            return Record(record_id, error=f"{shown} is too big ({size / 1024**2:.1f} MB; at most "
                                           f"{MAX_DOCUMENT_BYTES / 1024**2:.1f} MB).", where=shown)
        data = store.read(path)
    except OSError as exc:
        return Record(record_id, error=f"{shown}: cannot be read ({reason_of(exc)}).", where=shown)
    try:
        return Record(record_id, read_bytes(data, shown).text, where=shown)
    except InputError as exc:
        return Record(record_id, error=str(exc), where=shown)


# -- folders -----------------------------------------------------------------------------------
@dataclass
class FolderPart:
    """Consecutive files of a folder input read alike: a run of documents, or one JSONL / Parquet file."""

    kind: str  # "txt" (documents, one record a file), "jsonl" or "parquet"
    names: list[str]
    fallback_prefix: str = ""  # of the made-up ids of a record file's records ("a.jsonl:")


def is_record_file(name: str) -> bool:
    return name.lower().endswith(RECORD_SUFFIXES)


def is_input_name(name: str) -> bool:
    """A file name a folder input reads (a record file, or a document a reader reads)."""
    return not name.startswith((".", "_")) and (is_record_file(name) or reader_for(name) is not None)


def input_suffixes() -> tuple[str, ...]:
    return (*RECORD_SUFFIXES, *document_suffixes())


def folder_parts(names: Iterable[str], shown: str) -> list[FolderPart]:
    """A folder's input files (``names``: every file in it), in name order, as parts.

    Made-up ids name their file when the folder holds more than one record file, or records files
    and documents both, so that ``line-3`` of two files never meet.
    """
    names = sorted(n for n in names if is_input_name(n))
    if not names:
        raise InputError(f"{shown}: the folder has no files to read ({', '.join(input_suffixes())}).")
    record_files = [n for n in names if is_record_file(n)]
    several = len(record_files) > 1 or (record_files and len(record_files) < len(names))
    parts: list[FolderPart] = []
    for name in names:
        if is_record_file(name):
            kind = "parquet" if name.lower().endswith(".parquet") else "jsonl"
            parts.append(FolderPart(kind, [name], f"{name}:" if several else ""))
        elif parts and parts[-1].kind == "txt":
            parts[-1].names.append(name)
        else:
            parts.append(FolderPart("txt", [name]))
    return parts


def entry_kind(entry: Path) -> str:
    """What a folder entry is, through its links: "file", "folder", "FIFO", "socket", "device" or
    "broken link". Only files are read: a FIFO would wait for a writer, a device never end."""
    try:
        mode = entry.stat().st_mode
    except OSError:  # a link to nothing (a loop of links is refused before: ``Store.list``)
        return "broken link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"


def skipped_in_folder(folder: str | Path) -> str | None:
    """What a folder input holds besides the files it reads, as one warning (or None)."""
    path = Path(folder)
    if str(folder) == STDIN or "://" in str(folder) or not path.is_dir():
        return None
    kinds: Counter[str] = Counter()
    for entry in path.iterdir():
        kind = entry_kind(entry)
        if not entry.name.startswith(".") and not (kind == "file" and is_input_name(entry.name)):
            kinds[(entry.suffix.lower() or "no extension") if kind == "file" else kind] += 1
    if not kinds:
        return None
    n = sum(kinds.values())
    listed = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"{path}: skipped {n} entr{'y' if n == 1 else 'ies'} that no reader reads ({listed}): a folder input "
            f"is read for its {', '.join(input_suffixes())} files.")


# -- the whole input, for the one-machine batch -------------------------------------------------
def read_records(source: str | Path) -> list[Record]:
    """Every record of INPUT (see the module docstring), with unique ids."""
    return assign_ids(list(_read(str(source))))


def _read(source: str) -> Iterator[Record]:
    if source == STDIN:
        yield from read_jsonl(sys.stdin.buffer, "standard input")
        return
    store = Store(source)
    shown = source if "://" in source else str(Path(source))
    kind = store.kind(store.root)
    if kind == "dir":
        shown_dir = shown.rstrip("/")
        for part in folder_parts(store.list(store.root), shown):
            if part.kind == "txt":
                for name in part.names:
                    yield _in_folder(read_document_record(store, store.join(name), f"{shown_dir}/{name}"))
                continue
            (name,) = part.names
            records = (read_parquet(store, store.join(name), f"{shown_dir}/{name}", part.fallback_prefix)
                       if part.kind == "parquet" else _read_stream(store, store.join(name), f"{shown_dir}/{name}",
                                                                   part.fallback_prefix))
            yield from (_in_folder(record) for record in records)
        return
    if kind == "missing" and not (store.local and Path(source).exists()):
        raise InputError(f"{shown}: no such file or folder.")
    if kind == "file" and source.lower().endswith(".parquet"):
        yield from read_parquet(store, store.root, shown)
        return
    yield from _read_stream(store, store.root, shown)  # a regular file, or a FIFO / /dev/stdin: read once


def _read_stream(store: Store, path: str, shown: str, fallback_prefix: str = "") -> Iterator[Record]:
    with reading(shown), store.open(path) as handle:  # opening it, or any read after (EIO...)
        yield from read_jsonl(store.lines(handle), shown, fallback_prefix)


def _in_folder(record: Record) -> Record:
    record.line = None  # line numbers of several files would meet: a record is known by its position
    return record


def assign_ids(records: list[Record]) -> list[Record]:
    """Made-up ids that never equal a real one; each repeat of an id becomes a per-record error."""
    real = {r.id for r in records if not r.fallback_id}
    for record in records:
        if record.fallback_id and record.id in real:
            n = 2
            while f"{record.id}~{n}" in real:
                n += 1
            record.id = f"{record.id}~{n}"
            real.add(record.id)
    first: dict[str, tuple[int, str]] = {}
    for number, record in enumerate(records, 1):
        line = record.line if record.line is not None else number
        if record.id not in first:
            first[record.id] = (line, record.where or f"record {number}")
            continue
        record.duplicate_of_line, where = first[record.id]
        record.line = line
        record.text, record.error = None, duplicate_error(record.id, record.where or f"record {number}", where)
    return records


def duplicate_error(record_id: str, where: str, first_where: str) -> str:
    return f"Duplicate id {record_id!r}: {where} repeats the id of {first_where}, which is the one processed."
