"""Documents translated over HTTP: an upload in, the document in English out, in its own format (REST's
``POST /api/v1/translate_file``; LibreTranslate's ``POST /translate_file`` and ``GET /download_file/...``).

The file boundary holds here as everywhere (README, "What is refused, and why"): an upload is written into
a folder of its own request (``tempfile.mkdtemp``: a random name, readable by this user only), translated
there with the limits of ``summarizer translate`` (20 MB, the .docx bomb limits: ``summarizer.translated``),
its English read back into memory, and the folder removed whatever happened: a refusal, a model's failure,
a client that left. Of the name the client gave, only its suffix (which writer) and the letters and digits
of its stem (``brief.safe_name``) are kept: no part of it is ever a path. No other file is read.

LibreTranslate's clients fetch the file afterwards from a URL: ``Downloads`` keeps the translated files in
a private folder of its own, each under a random token (``secrets.token_urlsafe``) that is its only key
(the name in the URL is cosmetic); the oldest go past ``MAX_FILES`` files or ``MAX_BYTES``, and any after
``MAX_AGE_S``, so the disk it takes stays bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import mimetypes
import re
import secrets
import shutil
import tempfile
import threading
import time
from base64 import b64encode
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from starlette.requests import Request

from ..brief import safe_name
from ..errors import API, DOCUMENT_TOO_BIG, DocumentRefused, OutputError
from ..inputs.documents import DOCX_TYPE, MAX_DOCUMENT_BYTES
from ..options import RunOptions
from ..redact import without_paths
from ..service import Service
from ..translated import TranslatedDocument, writer_for
from .boundary import UPLOAD_SLACK_BYTES
from .httpapi import DOCUMENT_HEADERS, ApiConfig, ApiError, read_upload, require_translation

UPLOAD_BYTES = MAX_DOCUMENT_BYTES + UPLOAD_SLACK_BYTES  # the file and the form around it (the boundary's limit)
FILE_FIELD = "file"
MEDIA_TYPES = {".docx": DOCX_TYPE, ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
               ".xhtml": "application/xhtml+xml", ".txt": "text/plain; charset=utf-8",
               ".md": "text/markdown; charset=utf-8", ".markdown": "text/markdown; charset=utf-8"}
_WORD = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class TranslatedFile:
    """A translated document held in memory: its bytes, the name it is downloaded as, its media type, and
    its ``TranslatedDocument`` record with names in place of the server's paths (``path``: the download's
    name, ``source``: the upload's)."""

    data: bytes
    filename: str
    media_type: str
    record: dict[str, Any]

    def headers(self) -> dict[str, str]:
        """The document's answer's headers: an attachment with its name, and what the record says in numbers
        and note codes (``X-Document-Notes``: comma-separated, empty when there are none)."""
        headers = {"Content-Disposition": attachment(self.filename)}
        for name, key in DOCUMENT_HEADERS.items():  # ASCII: numbers, and the notes' codes
            value = self.record[key]
            headers[name] = ",".join(note["code"] for note in value) if key == "notes" else str(value)
        return headers

    def as_json(self) -> dict[str, Any]:
        """The JSON answer: the record, the file's name and media type, and the file itself in base64."""
        return {**self.record, "filename": self.filename, "media_type": self.media_type,
                "document": b64encode(self.data).decode("ascii")}


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` that makes a browser save the file as ``filename`` (RFC 6266: a name that is
    not plain ASCII goes as ``filename*``, with an ASCII stand-in for old clients)."""
    quoted = quote(filename)
    if quoted == filename:
        return f'attachment; filename="{filename}"'
    stand_in = "translated" + PurePosixPath(filename).suffix
    return f"attachment; filename=\"{stand_in}\"; filename*=UTF-8''{quoted}"


def media_type(filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def upload_names(given: str) -> tuple[str, str]:
    """(the name the upload is saved under, the name its English is downloaded as) from the name a client
    gave: its last component only, its stem cut to letters and digits (``report.en.docx`` for
    ``../../Report (final).docx``); a kind no writer takes is refused here (``DocumentRefused``)."""
    last = PurePosixPath(given.replace("\\", "/")).name
    stem, dot, suffix = last.rpartition(".")
    if not dot or not _WORD.search(suffix):
        stem, suffix = last, ""
    clean = safe_name(stem) if _WORD.search(stem) else "document"
    source = clean + (f".{suffix.lower()}" if suffix else "")
    writer = writer_for(source)  # DocumentRefused: .doc, .odt, no suffix...
    return source, f"{clean}.en{writer.outputs[0]}"


async def read_document_upload(request: Request) -> tuple[dict[str, Any], str, bytes]:
    """(the form's other fields, the file's name, its bytes) of a multipart upload of one document as
    ``file``; 415 for a body that is not a multipart form, 422 for one without its file."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise ApiError(415, "not-multipart", "Send the document as a multipart form, its file as `file` "
                                             "(curl -F file=@report.docx).")
    fields, files = await read_upload(request, UPLOAD_BYTES)
    if FILE_FIELD not in files or set(files) != {FILE_FIELD}:
        raise ApiError(422, "no-file", "Send one document, as the form's `file` (curl -F file=@report.docx).")
    name, data = files[FILE_FIELD]
    return fields, name, data


async def translate_upload(config: ApiConfig, request: Request, name: str, data: bytes, *,
                           options: RunOptions | None = None, translation: str | None = None) -> TranslatedFile:
    """The uploaded document ``data`` (called ``name`` by its client) translated by ``config``'s service
    within its gate and its budget, in a worker thread (``translate_privately``)."""
    require_translation(config.service)
    source_name, out_name = upload_names(name)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(f"{source_name} is too big ({len(data) / 2**20:.1f} MB; at most "
                              f"{MAX_DOCUMENT_BYTES / 2**20:.1f} MB).", code=DOCUMENT_TOO_BIG)
    return await config.work(translate_privately, config.service, data, source_name, out_name, options=options,
                             translation=translation, request=request)


def translate_privately(service: Service, data: bytes, source_name: str, out_name: str, *,
                        options: RunOptions | None = None, translation: str | None = None,
                        cancelled: Callable[[], bool] | None = None) -> TranslatedFile:
    """``data`` saved as ``source_name`` in a new private folder, translated there into ``out_name`` and read
    back; the folder is removed before this returns or raises."""
    folder = Path(tempfile.mkdtemp(prefix="summarizer-translate-"))
    try:
        source, out = folder / source_name, folder / out_name
        source.write_bytes(data)
        done = service.translate_document(source, out, options=options, translation=translation, cancelled=cancelled)
        return TranslatedFile(out.read_bytes(), out_name, media_type(out_name), public_record(done, source_name))
    except OutputError as exc:  # the private folder could not be written (a full disk): said without its path
        raise ApiError(500, exc.code or "output-error", without_paths(exc.message(API))) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def public_record(done: TranslatedDocument, source_name: str) -> dict[str, Any]:
    """``done.to_dict()`` with the file names in place of the paths of this server."""
    return {**done.to_dict(), "path": Path(done.path).name, "source": source_name}


# -- LibreTranslate's downloads ----------------------------------------------------------------------------
MAX_FILES = 64  # translated files kept for their clients to fetch; the oldest go first
MAX_BYTES = 512 * 1024**2
MAX_AGE_S = 30 * 60.0


@dataclass
class _Kept:
    path: Path
    filename: str
    media_type: str
    size: int
    since: float


@dataclass
class Downloads:
    """Translated files kept for a while, each under a random token (see the module's docstring).

    ``put(file) -> token``; ``get(token)``: the file, or None for a token this store never gave, or whose
    file has gone (expired, or pushed out by newer ones). The folder is made on the first file, readable by
    this user only, and removed by ``close()`` or at the process's exit.
    """

    max_files: int = field(default_factory=lambda: MAX_FILES)
    max_bytes: int = field(default_factory=lambda: MAX_BYTES)
    max_age_s: float = field(default_factory=lambda: MAX_AGE_S)
    clock: Callable[[], float] = time.monotonic
    _kept: OrderedDict[str, _Kept] = field(default_factory=OrderedDict, repr=False)
    _folder: Path | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def put(self, file: TranslatedFile) -> str:
        token = secrets.token_urlsafe(24)  # 192 bits: never guessed, never a path (letters, digits, - and _)
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="summarizer-downloads-"))
                atexit.register(shutil.rmtree, self._folder, ignore_errors=True)
            path = self._folder / token
            path.write_bytes(file.data)
            self._kept[token] = _Kept(path, file.filename, file.media_type, len(file.data), self.clock())
            self._prune()
        return token

    def get(self, token: str) -> TranslatedFile | None:
        with self._lock:
            self._prune()
            kept = self._kept.get(token)
            if kept is None:
                return None
            try:
                data = kept.path.read_bytes()
            except OSError:
                return None
        return TranslatedFile(data, kept.filename, kept.media_type, {})

    def __len__(self) -> int:
        return len(self._kept)

    def _prune(self) -> None:
        """The expired files go, then the oldest until at most ``max_files`` and ``max_bytes`` are kept."""
        now = self.clock()
        while self._kept:
            token, oldest = next(iter(self._kept.items()))
            total = sum(k.size for k in self._kept.values())
            if now - oldest.since < self.max_age_s and len(self._kept) <= self.max_files and total <= self.max_bytes:
                break
            del self._kept[token]
            oldest.path.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            self._kept.clear()
            if self._folder is not None:
                with contextlib.suppress(OSError):
                    shutil.rmtree(self._folder)
                self._folder = None
