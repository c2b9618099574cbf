"""Files the project writes for a user (a bilingual brief, a translated document, a digest): checked before
any work, and never left half-written.

``check_output`` refuses, with a coded error, an output that cannot be right: the input itself, a folder,
an existing file without ``overwrite``, a missing or read-only folder. It runs before any model loads (a
command line that would fail at the end fails at once), and again when the file is written.

``write_atomically`` writes to a new temporary file beside the target, flushes it to disk, then puts it in
place in one step: renamed over the target (``overwrite``), or linked to its name, which fails if a file
appeared there since the check (a rename could not tell). A process killed mid-write leaves the old file,
or none, never a part; no temporary file is left behind on failure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import OutputExists, OutputIsInput, OutputNotWritable

# What XML 1.0 cannot hold (a Word file, a page lxml writes): control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TEMPORARY_NAME_BYTES = 64  # of the target's name, in the temporary file's
# A filesystem without hard links (FAT, some network shares) answers a link with one of these.
_NO_LINK = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK)


def check_output(out: str | os.PathLike, *, overwrite: bool = False, source: str | os.PathLike | None = None) -> Path:
    """``out`` as a ``Path``, or the coded error that says why it cannot be written (a name the system refuses,
    too long or under a folder that cannot be searched, too)."""
    target = Path(out)
    try:
        return _checked_output(target, overwrite=overwrite, source=source)
    except OSError as exc:  # ENAMETOOLONG, EACCES, ELOOP... from looking at the name: said, never a traceback
        raise OutputNotWritable(str(target), exc.strerror or type(exc).__name__) from None


def _checked_output(target: Path, *, overwrite: bool, source: str | os.PathLike | None) -> Path:
    if source is not None and _same_file(Path(source), target):
        raise OutputIsInput(str(target))
    if target.exists() or target.is_symlink():
        if not target.is_file():
            raise OutputNotWritable(str(target), "it is a folder" if target.is_dir() else "it is not a regular file")
        if not overwrite:
            raise OutputExists(str(target))
    folder = target.parent
    if not folder.is_dir():
        raise OutputNotWritable(str(target), f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritable(str(target), f"no permission to write in {folder}")
    return target


def write_atomically(out: str | os.PathLike, write: Callable[[BinaryIO], None], *, overwrite: bool = False) -> Path:
    """``write(stream)`` into a new file beside ``out``, synced, then put in place (see the module's
    docstring). The file gets the permissions a new file gets here (the umask's). A full disk or a folder
    gone read-only is an ``OutputNotWritable``; a file that appeared at ``out`` meanwhile, without
    ``overwrite``, an ``OutputExists``."""
    target = Path(out)
    # The start of the name only: a name of up to 255 bytes, which the system takes, keeps a temporary one it takes.
    start = target.name.encode("utf-8", "surrogateescape")[:TEMPORARY_NAME_BYTES].decode("utf-8", "ignore")
    temporary = target.with_name(f".{start}.{secrets.token_hex(4)}.part")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputNotWritable(str(target), exc.strerror or type(exc).__name__) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        _put_in_place(temporary, target, overwrite=overwrite)
    except OSError as exc:
        raise OutputNotWritable(str(target), exc.strerror or type(exc).__name__) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return target


def _put_in_place(temporary: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # atomic, and never over another file
    except FileExistsError:
        raise OutputExists(str(target)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        if target.exists():
            raise OutputExists(str(target)) from None
        os.replace(temporary, target)


def xml_safe(value):
    """``value`` with each string in it (through dataclasses, lists, tuples and dicts) rid of what XML cannot
    hold, each such character a space: an id, a file name or a text with a control character in it still makes
    a Word file or a page, never a ``ValueError`` from lxml after the work is done."""
    if isinstance(value, str):
        return _NOT_XML.sub(" ", value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: xml_safe(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {xml_safe(key): xml_safe(item) for key, item in value.items()}
    return value


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False
