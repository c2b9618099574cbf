"""Where a batch reads and writes: a local path through the os module, a URI (s3://, gs://, file://...)
through a pyarrow filesystem, behind the few operations the batches need."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import uuid

from ..errors import InputError


class Store:
    """The few file operations the job needs, on a local folder or a pyarrow filesystem."""

    def __init__(self, location: str):
        self.location = location
        if "://" in location:
            from pyarrow import fs as pafs

            self.fs, self.root = pafs.FileSystem.from_uri(location)
            self.local = False
            # Object stores make an object visible whole when its upload completes: write in place.
            self.atomic_put = type(self.fs).__name__ in ("S3FileSystem", "GcsFileSystem", "AzureFileSystem")
        else:
            self.fs, self.root, self.local, self.atomic_put = None, os.path.abspath(location), True, False

    def join(self, *names: str) -> str:
        return "/".join([self.root.rstrip("/"), *names]) if not self.local else os.path.join(self.root, *names)

    def kind(self, path: str) -> str:
        """"file", "dir" or "missing" (also a FIFO, a device...); a loop of links is an ``InputError``."""
        if self.local:
            try:
                mode = os.stat(path).st_mode
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the name, as os.path.isdir says
                if getattr(exc, "errno", None) == errno.ELOOP:
                    raise _loop(path) from None
                return "missing"
            return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "missing"
        from pyarrow import fs as pafs

        info = self.fs.get_file_info(path)
        return {pafs.FileType.Directory: "dir", pafs.FileType.File: "file"}.get(info.type, "missing")

    def list(self, path: str) -> list[str]:
        """File names directly in ``path`` (none when it does not exist). A link is what it points to (a
        file elsewhere is listed, a folder is not); a loop of links is an ``InputError`` naming it."""
        if self.local:
            if not os.path.isdir(path):
                return []
            try:
                with os.scandir(path) as entries:
                    return sorted(entry.name for entry in entries if _is_file(entry))
            except OSError as exc:
                raise InputError(f"{path}: cannot be listed ({exc.strerror or exc}).") from None
        from pyarrow import fs as pafs

        infos = self.fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
        return sorted(i.base_name for i in infos if i.type == pafs.FileType.File)

    def size(self, path: str) -> int:
        if self.local:
            return os.path.getsize(path)
        return self.fs.get_file_info(path).size

    def open(self, path: str):
        """A binary file object, seekable (Parquet reads its footer first)."""
        return open(path, "rb") if self.local else self.fs.open_input_file(path)

    def lines(self, handle):
        """``handle`` (from ``open``) as a binary stream that splits into lines."""
        return handle if self.local else io.BufferedReader(_RawStream(handle), 1 << 20)

    def read(self, path: str, offset: int = 0, size: int | None = None) -> bytes:
        with self.open(path) as handle:
            handle.seek(offset)
            return handle.read() if size is None else handle.read(size)

    def makedirs(self, path: str) -> None:
        if self.local:
            os.makedirs(path, exist_ok=True)
        else:
            self.fs.create_dir(path, recursive=True)

    def write_atomic(self, path: str, data: bytes) -> None:
        """``path`` appears whole or not at all: written under a temporary name, then renamed."""
        folder, name = path.rsplit("/", 1) if not self.local else os.path.split(path)
        if self.atomic_put:
            with self.fs.open_output_stream(path) as out:
                out.write(data)
            return
        tmp = f"{folder}/.{name}.{uuid.uuid4().hex[:8]}.tmp"  # hidden: never listed as a part
        if self.local:
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)  # atomic on POSIX, replaces what a retried task wrote before
            fsync_folder(folder)
        else:
            with self.fs.open_output_stream(tmp) as out:
                out.write(data)
            self.fs.move(tmp, path)

    def remove(self, path: str) -> None:
        with contextlib.suppress(OSError, FileNotFoundError):
            os.remove(path) if self.local else self.fs.delete_file(path)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()  # through links: ELOOP for a link to itself, or links to each other
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _loop(entry.path) from None
        raise InputError(f"{entry.path}: cannot be looked at ({exc.strerror or exc}).") from None


def _loop(path: str) -> InputError:
    return InputError(f"{path}: a loop of symbolic links (it leads back to itself): remove it, or point it at a file.")


def fsync_folder(folder: str | os.PathLike) -> None:
    """Make a rename in ``folder`` durable, where the OS allows."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _RawStream(io.RawIOBase):
    """A pyarrow input file as a raw stream, so that io.BufferedReader can split it into lines."""

    def __init__(self, handle):
        self.handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def join(folder: str, name: str) -> str:
    """``folder/name`` in a store's own notation (``/`` on every filesystem pyarrow and POSIX know)."""
    return f"{folder.rstrip('/')}/{name}"


def absolute(location: str) -> str:
    """A local path made absolute (workers may run elsewhere); a URI as it is."""
    return location if "://" in location else os.path.abspath(location)
