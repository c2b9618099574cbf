"""Where a batch writes: checked before any model loads, and held by one job at a time.

* ``check_output_file`` / ``check_output_folder``: OUTPUT is refused in one line when it is the
  input itself (also through a symlink or a hard link), a folder where a file is wanted (or the
  reverse), not writable, or (for a file) already holds results and neither ``--resume`` nor
  ``--overwrite`` was given.
* ``JobLock``: an exclusive ``fcntl.flock`` on a lock file beside OUTPUT (``.NAME.lock``), which
  holds the running job's pid and start time. The kernel drops a flock when its holder dies, even
  by kill -9, so a lock file left behind by a killed job never blocks the next one: only a live
  holder does, and the second job is told which one it is.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from pathlib import Path

from ..errors import OutputBusy, OutputError

try:  # POSIX; on Windows there is no flock and jobs are not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when both paths name one file or folder (same device and inode: symlinks and hard links too)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_output_file(output: str | os.PathLike, *, input: str | os.PathLike | None, resume: bool,
                      overwrite: bool) -> None:
    """Refuse an OUTPUT file the one-machine batch must not write (see the module docstring)."""
    path = Path(output)
    if resume and overwrite:
        raise OutputError("--resume and --overwrite contradict each other: --resume keeps OUTPUT's results, "
                          "--overwrite replaces them.")
    if input is not None and str(input) != "-" and same_file(input, path):
        raise OutputError(f"{output}: is the input itself: write the results to another file.")
    if path.is_dir():
        raise OutputError(f"{output}: is a folder; batch writes one JSONL file (name a file, or use --ray, "
                          "which writes a folder of part files).")
    if path.exists() and not path.is_file():
        raise OutputError(f"{output}: is not a regular file; batch writes one JSONL file.")
    if path.is_file() and path.stat().st_size and not (resume or overwrite):
        raise OutputError(f"{output}: already holds results: add --resume to go on with them, --overwrite "
                          "to replace them, or name another file.")
    _check_writable(path)


def _check_writable(path: Path) -> None:
    """Open OUTPUT for appending (creating its folder) to learn now, not after the models load, that it fails."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("ab"):
                pass
        else:  # a probe beside it: creating OUTPUT itself would leave an empty file behind on a later error
            probe = path.parent / f".{path.name}.{os.getpid()}.probe"
            with probe.open("xb"):
                pass
            probe.unlink()
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({_reason(exc)}).") from None


def check_output_folder(output: str, *, input: str | None) -> None:
    """Refuse a local OUTPUT folder of the Ray batch that is the input folder (its part files would be read
    as input by the next run)."""
    if "://" in output or input is None or "://" in input:
        return
    if same_file(input, output):
        raise OutputError(f"{output}: is the input folder itself: write the part files to another folder.")


def lock_path(output: str | os.PathLike) -> Path:
    path = Path(os.path.abspath(output))
    return path.parent / f".{path.name}.lock"


class JobLock:
    """An exclusive lock on OUTPUT for one job (a context manager); see the module docstring."""

    def __init__(self, output: str | os.PathLike):
        self.output = str(output)
        self.path = lock_path(output)
        self._fd: int | None = None

    def acquire(self) -> JobLock:
        if fcntl is None:  # pragma: no cover
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.output}: cannot be written ({_reason(exc)}).") from None
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise OutputError(f"{self.output}: cannot take its lock file {self.path} ({_reason(exc)}).") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_holder(fd)
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputBusy(f"{self.output}: another batch is writing it now ({holder}; lock file "
                                     f"{self.path}): wait for it to end, or stop it first.") from None
                raise OutputError(f"{self.output}: cannot lock {self.path} ({_reason(exc)}).") from None
            # The file may have been removed (by the holder releasing it) between open and flock: a lock
            # on a removed file locks nothing, so try again on the one now at the path.
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                os.close(fd)
                continue
            mine = os.fstat(fd)
            if (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
                os.close(fd)
                continue
            break
        self._fd = fd
        started = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime())
        info = json.dumps({"pid": os.getpid(), "started": started}).encode("ascii")
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, info, 0)
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # removed while still held: nobody can lock the removed file
            self.path.unlink()
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    def __enter__(self) -> JobLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    """"pid 123, started ..." from the lock file, as far as it can be read."""
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "a process that has not written its pid yet"
    return f"pid {info['pid']}, started {info.get('started', '?')}"
