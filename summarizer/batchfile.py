"""Batch jobs on files: read articles, append results as JSONL, resume after a crash.

The output is the job's only state: every result is appended and flushed (and fsync'ed) the
moment it is done, and ``--resume`` skips the ids already there. A run killed at any moment
(even kill -9, mid-line) and resumed ends with every id exactly once.

Every input record ends in the output exactly once, as a result or with an ``error``: a line that
is not JSON, not UTF-8 or has no text (under a fallback id ``line-N`` that never collides with a
real id), and every repeat of an id (the first one wins; the repeat's error line carries
``"duplicate_of_line"`` and its own ``"line"``).

INPUT may be ``-`` (standard input), a FIFO or ``/dev/stdin``: read once, as a stream of JSONL.
Without ``--resume``, a writer never destroys an earlier OUTPUT before it has something new to put
there: it writes to a hidden file beside OUTPUT and renames it over OUTPUT once its first record is
durable (see ``ResultWriter``).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, OutputError
from .inputs import decode_utf8, read_text_file


@dataclass
class Record:
    """One input article; ``error`` is set when it cannot be processed as given."""

    id: str
    text: str | None = None
    error: str | None = None
    line: int | None = None  # 1-based line of a JSONL input
    fallback_id: bool = False  # the id was made up (the line had none we could read)
    duplicate_of_line: int | None = None

    def error_record(self) -> dict:
        out: dict = {"id": self.id, "error": self.error}
        if self.duplicate_of_line is not None:
            out.update(duplicate_of_line=self.duplicate_of_line, line=self.line)
        return out


STDIN = "-"


def read_records(source: str | Path) -> list[Record]:
    """Articles from a JSONL file (``{"id", "text"}`` per line), standard input (``-``), a FIFO, or a
    folder of ``.txt`` files, with unique ids (see the module docstring)."""
    return assign_ids(list(_read(source)))


def skipped_in_folder(folder: str | Path) -> str | None:
    """What a folder input holds besides the ``.txt`` files it is read for, as one warning (or None)."""
    path = Path(folder)
    if str(folder) == STDIN or not path.is_dir():
        return None
    kinds = Counter(
        (entry.suffix.lower() or "no extension") if entry.is_file() else "folder"
        for entry in path.iterdir()
        if not entry.name.startswith(".") and not (entry.is_file() and entry.suffix == ".txt")
    )
    if not kinds:
        return None
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"{path}: skipped {sum(kinds.values())} entr{'y' if sum(kinds.values()) == 1 else 'ies'} that "
            f"are not .txt files ({listed}): a folder input is read for its .txt files only.")


def _read(source: str | Path) -> Iterator[Record]:
    if str(source) == STDIN:
        yield from _read_stream(sys.stdin.buffer, "standard input")
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise InputError(f"{path}: the folder has no .txt files.")
        for file in files:
            try:
                yield Record(file.stem, read_text_file(file))
            except InputError as exc:
                yield Record(file.stem, error=str(exc))
        return
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    try:  # a regular file, or a FIFO / /dev/stdin: a stream, read once
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    with handle:
        yield from _read_stream(handle, str(path))


def _read_stream(handle, where: str) -> Iterator[Record]:
    for number, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        yield parse_line(raw, number, where)


def parse_line(raw: bytes, number: int, where: str, fallback_prefix: str = "") -> Record:
    """One JSONL line (``number`` 1-based) of the file shown as ``where``; the Ray batch reads its
    shards with it too, so both batches give the same ids and messages.

    A line without a readable id gets ``{fallback_prefix}line-{number}`` (see ``assign_ids``).
    """
    fallback = f"{fallback_prefix}line-{number}"

    def broken(message: str) -> Record:
        return Record(fallback, error=f"{where}, line {number}: {message}", line=number, fallback_id=True)

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
        record = Record(fallback, line=number, fallback_id=True)
    else:
        record = Record(_id_text(obj["id"]), line=number)
    text = obj.get("text")
    if not isinstance(text, str):
        record.error = f"{where}, line {number}: no 'text' string in the record."
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
    first_line: dict[str, int | None] = {}
    for number, record in enumerate(records, 1):
        if record.id not in first_line:
            first_line[record.id] = record.line if record.line is not None else number
            continue
        record.duplicate_of_line = first_line[record.id]
        record.line = record.line if record.line is not None else number
        record.text, record.error = None, (
            f"duplicate id {record.id!r}: line {record.line} repeats the id of line {record.duplicate_of_line}, "
            "which is the one processed."
        )
    return records


@dataclass
class OutputState:
    """What an output file already holds: done ids, failed ids, and the duplicates already reported."""

    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    duplicate_lines: set[int] = field(default_factory=set)

    def is_done(self, record: Record) -> bool:
        if record.duplicate_of_line is not None:
            return record.line in self.duplicate_lines
        return record.id in self.done


def read_output(output: str | Path) -> OutputState:
    """Read what ``output`` holds; a torn last line (killed mid-write) is cut off first."""
    state = OutputState()
    path = Path(output)
    if not path.exists():
        return state
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with path.open("r+b") as handle:
            handle.truncate(len(complete))
    for line in complete.splitlines():
        try:
            obj = json.loads(line)
            record_id = str(obj["id"])
        except (ValueError, KeyError, TypeError):
            continue  # a line that is not ours: keep it, do not count it
        if obj.get("duplicate_of_line") is not None:
            state.duplicate_lines.add(obj.get("line"))
            continue
        state.done.add(record_id)
        if obj.get("error") is not None:
            state.failed.add(record_id)
    return state


# Characters that Python's str.splitlines (and other readers) take for line ends, which JSON
# leaves unescaped: escaped here so that a JSONL line is one line for every reader.
_LINE_BREAKING = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(obj: dict, *, ascii_only: bool = False) -> str:
    """One JSON line; text is kept readable (not \\u-escaped) unless it cannot be UTF-8 encoded, or
    ``ascii_only`` (for an output that can only write ASCII)."""
    if ascii_only:
        return json.dumps(obj, ensure_ascii=True)
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an id, a file name): escape it, losslessly
        return json.dumps(obj, ensure_ascii=True)
    for char, escaped in _LINE_BREAKING.items():
        text = text.replace(char, escaped)
    return text


class ResultWriter:
    """Appends one JSON object per line, durable as soon as ``write`` returns.

    ``append=True`` (``--resume``) appends to OUTPUT. Otherwise the records go to a hidden file
    beside OUTPUT, renamed over it (atomically) as soon as the first one is durable: an earlier
    OUTPUT is replaced only once the new run has a result to show for it, and from then on the
    records are appended to OUTPUT itself, so that a run killed at any moment resumes with
    ``--resume``. The caller holds OUTPUT's ``JobLock``; temporary files of killed runs are removed.

    A write that fails (the disk full...) raises an ``OutputError`` that says what OUTPUT holds.
    """

    def __init__(self, output: str | Path, *, append: bool):
        self.path = Path(output)
        self.append = append
        self.kept = 0  # complete records in OUTPUT
        self._replaced = append
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for stale in glob.glob(glob.escape(str(self.path.parent / f".{self.path.name}.")) + "*.tmp"):
                with contextlib.suppress(OSError):
                    os.remove(stale)
            if append:
                if self.path.exists():
                    self.kept = self.path.read_bytes().count(b"\n")
                self._target = self.path
            else:
                self._target = self.path.parent / f".{self.path.name}.{os.getpid()}.tmp"
            self._handle = self._target.open("ab", buffering=0)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot be written ({exc.strerror or exc}).") from None
        self._size = self._handle.seek(0, os.SEEK_END)

    def write(self, obj: dict) -> None:
        data = (json_line(obj) + "\n").encode("utf-8")
        try:
            view = memoryview(data)
            while view:
                view = view[self._handle.write(view):]
            os.fsync(self._handle.fileno())
        except OSError as exc:
            self._fail(exc)
        self._size += len(data)
        self.kept += 1
        if not self._replaced:
            self._replace()

    def _replace(self) -> None:
        try:
            os.replace(self._target, self.path)  # the open handle now writes to OUTPUT
        except OSError as exc:
            self._fail(exc)
        self._replaced = True
        with contextlib.suppress(OSError):  # the rename itself durable, where the OS allows
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _fail(self, exc: OSError) -> None:
        """Cut a half-written line off, and say what OUTPUT holds."""
        with contextlib.suppress(OSError, ValueError):
            os.ftruncate(self._handle.fileno(), self._size)
        reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
        if self._replaced:
            kept = (f"{self.kept} record(s) are safely in {self.path}; run the same batch again with --resume "
                    "(after freeing space) to go on from there")
        else:
            kept = f"{self.path} was left as it was (this run had not replaced it yet)"
        self._discard()
        raise OutputError(f"{self.path}: writing failed ({reason}): {kept}.") from None

    def _discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._handle.close()
        if not self._replaced:
            with contextlib.suppress(OSError):
                os.remove(self._target)

    def close(self) -> None:
        """Done: a run that wrote nothing still replaces OUTPUT (with an empty file), as asked."""
        if not self._handle.closed:
            if not self._replaced:
                self._replace()
            self._handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:  # interrupted: what is durable stays; a replacement with nothing in it yet is dropped
            self._discard()
