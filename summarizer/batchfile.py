"""Batch jobs on files: read articles, append results as JSONL, resume after a crash.

The output is the job's only state: every result is appended and flushed (and fsync'ed) the
moment it is done, and ``--resume`` skips the ids already there. A run killed at any moment
(even kill -9, mid-line) and resumed ends with every id exactly once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .inputs import read_text_file


@dataclass
class Record:
    """One input article; ``error`` is set when it could not even be read."""

    id: str
    text: str | None = None
    error: str | None = None


def read_records(source: str | Path) -> Iterator[Record]:
    """Articles from a JSONL file (``{"id", "text"}`` per line) or a folder of ``.txt`` files."""
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
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder.")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            yield _parse_line(raw, number, path)


def _parse_line(raw: bytes, number: int, path: Path) -> Record:
    fallback_id = f"line-{number}"
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Record(fallback_id, error=f"{path}, line {number}: not UTF-8 text.")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Record(fallback_id, error=f"{path}, line {number}: not valid JSON ({exc.msg}).")
    if not isinstance(obj, dict):
        return Record(fallback_id, error=f"{path}, line {number}: expected an object with 'id' and 'text'.")
    record_id = str(obj["id"]) if obj.get("id") is not None else fallback_id
    text = obj.get("text")
    if not isinstance(text, str):
        return Record(record_id, error=f"{path}, line {number}: no 'text' string in the record.")
    return Record(record_id, text)


def check_unique(records: list[Record]) -> None:
    """Resuming relies on ids; two articles with one id would make the output ambiguous."""
    seen: set[str] = set()
    duplicates = sorted({r.id for r in records if r.id in seen or seen.add(r.id)})
    if duplicates:
        shown = ", ".join(duplicates[:5]) + (" ..." if len(duplicates) > 5 else "")
        raise InputError(f"The input repeats {len(duplicates)} id(s): {shown}. Ids must be unique.")


def done_ids(output: str | Path) -> set[str]:
    """Ids already written to ``output``; a torn last line (killed mid-write) is cut off first."""
    path = Path(output)
    if not path.exists():
        return set()
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with path.open("r+b") as handle:
            handle.truncate(len(complete))
    ids = set()
    for line in complete.splitlines():
        try:
            ids.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            continue  # a line that is not ours: keep it, do not count it
    return ids


class ResultWriter:
    """Appends one JSON object per line, durable as soon as ``write`` returns."""

    def __init__(self, output: str | Path, *, append: bool):
        self.path = Path(output)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("a" if append else "w", encoding="utf-8")

    def write(self, obj: dict) -> None:
        self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
