"""The one-machine batch's OUTPUT: one JSON object a line, appended and made durable as each is done.

The output is the job's only state: every result is appended and flushed (and fsync'ed) the
moment it is done, and ``--resume`` skips the ids already there (``read_output``). A run killed at
any moment (even kill -9, mid-line) and resumed ends with every id exactly once. Without
``--resume``, a writer never destroys an earlier OUTPUT before it has something new to put there:
it writes to a hidden file beside OUTPUT and renames it over OUTPUT once its first record is
durable (see ``ResultWriter``).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError
from .records import Record
from .storage import fsync_folder


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
        fsync_folder(self.path.parent)  # the rename itself durable, where the OS allows

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
