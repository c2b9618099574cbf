"""Batch jobs on files: read articles, append results as JSONL, resume after a crash.

The output is the job's only state: every result is appended and flushed (and fsync'ed) the
moment it is done, and ``--resume`` skips the ids already there. A run killed at any moment
(even kill -9, mid-line) and resumed ends with every id exactly once.

Every input record ends in the output exactly once, as a result or with an ``error``: a line that
is not JSON, not UTF-8 or has no text (under a fallback id ``line-N`` that never collides with a
real id), and every repeat of an id (the first one wins; the repeat's error line carries
``"duplicate_of_line"`` and its own ``"line"``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
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


def read_records(source: str | Path) -> list[Record]:
    """Articles from a JSONL file (``{"id", "text"}`` per line) or a folder of ``.txt`` files,
    with unique ids (see the module docstring)."""
    return assign_ids(list(_read(Path(source))))


def _read(path: Path) -> Iterator[Record]:
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
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder.")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            yield parse_line(raw, number, str(path))


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


def done_ids(output: str | Path) -> set[str]:
    """Ids already written to ``output`` (see ``read_output``)."""
    return read_output(output).done


# Characters that Python's str.splitlines (and other readers) take for line ends, which JSON
# leaves unescaped: escaped here so that a JSONL line is one line for every reader.
_LINE_BREAKING = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(obj: dict) -> str:
    """One JSON line; text is kept readable (not \\u-escaped) unless it cannot be UTF-8 encoded."""
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an id, a file name): escape it, losslessly
        return json.dumps(obj, ensure_ascii=True)
    for char, escaped in _LINE_BREAKING.items():
        text = text.replace(char, escaped)
    return text


class ResultWriter:
    """Appends one JSON object per line, durable as soon as ``write`` returns."""

    def __init__(self, output: str | Path, *, append: bool):
        self.path = Path(output)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("a" if append else "w", encoding="utf-8")

    def write(self, obj: dict) -> None:
        self._handle.write(json_line(obj) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def write_all(self, objs: Iterable[dict]) -> None:
        for obj in objs:
            self.write(obj)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
