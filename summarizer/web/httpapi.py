"""What the HTTP APIs (``rest``: ``/api/v1/...``; ``libretranslate``: ``/translate``...) share: reading a
request body within a size limit, API keys, and running model work off the event loop, within the
server's gate.

A body is read as it arrives and refused (413) as soon as it passes the limit, unread beyond it: a
50 MB upload costs the server no more than the limit. Model work runs in worker threads of the API's
own (``CapacityLimiter``, as many as the gate admits), never in the event loop, which stays free to
answer the page, ``/api/v1/health`` and the refusals of a full queue. Keys are compared in constant
time (``hmac.compare_digest``), each against every configured key.

A request whose client disconnects stops its work: ``work`` watches the connection while the model
works, and the pipeline stops at its next batch (``Cancelled``), freeing the slot for the next request.
A web address is fetched within the service's fetch queue (``Service.read_url``), per client address.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import anyio
import orjson
from starlette.requests import Request

from ..errors import (
    API,
    DOCUMENT_TOO_BIG,
    Cancelled,
    DocumentRefused,
    InputError,
    ModelLoadError,
    OptionError,
    OverBudget,
    ProcessingError,
    ServerBusy,
    SummarizerError,
)
from ..service import Service, WorkGate

log = logging.getLogger(__name__)
T = TypeVar("T")

# Every request body holds at most one article of ``max_chars`` characters, or a few of them: an Arabic
# character is 2 bytes in UTF-8 and 6 as a JSON escape (\u0627); the rest is room for the other fields.
BODY_BYTES_PER_CHAR = 6
BODY_SLACK_BYTES = 256 * 1024
# The headers of a translated document's answer that say what its record says (a browser client of another
# site reads them only when CORS exposes them: boundary.install does).
DOCUMENT_HEADERS = {"X-Translated-Sentences": "sentences", "X-Translated-Segments": "segments",
                    "X-Arabic-Left": "arabic_left", "X-Document-Notes": "notes"}
CLIENT_CLOSED_REQUEST = 499  # the status of work stopped because its client left (no one reads it; logs do)


class ApiError(SummarizerError):
    """A request the API refuses before any work: ``status`` is its HTTP status, ``code`` its name."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.headers = status, code, dict(headers or {})


@dataclass
class ApiConfig:
    """One server's API: its service (and the service's gate), keys and body limit."""

    service: Service
    keys: Sequence[str] = ()
    max_body_bytes: int | None = None  # None: from the service's max_chars
    _work: anyio.CapacityLimiter | None = field(default=None, repr=False)
    _fetch: anyio.CapacityLimiter | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.service.gate is None:
            self.service.gate = WorkGate()
        if self.max_body_bytes is None:
            self.max_body_bytes = self.service.max_chars * BODY_BYTES_PER_CHAR + BODY_SLACK_BYTES

    @property
    def gate(self) -> WorkGate:
        assert self.service.gate is not None
        return self.service.gate

    def key_ok(self, given: object) -> bool:
        """Whether ``given`` is one of the keys (always, when there are none), in constant time."""
        if not self.keys:
            return True
        candidate = (given if isinstance(given, str) else "").encode()
        matched = False
        for key in self.keys:  # every key is compared, whichever matches
            matched |= hmac.compare_digest(candidate, key.encode())
        return matched

    async def work(self, fn: Callable[..., T], *args: Any, request: Request | None = None, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker thread, within a place of the gate (``ServerBusy`` when full).

        With ``request``, ``fn`` is also given ``cancelled``, which turns true as soon as the request's
        client disconnects: the service's pipeline then stops at its next batch (``Cancelled``).
        """
        if self._work is None:  # made in the event loop that uses it
            self._work = anyio.CapacityLimiter(self.gate.capacity)
        with self.gate.admitted():
            if request is None:
                return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=self._work)
            left = threading.Event()
            async with anyio.create_task_group() as watching:
                watching.start_soon(_note_disconnect, request, left)
                result, failure = await anyio.to_thread.run_sync(
                    _caught, partial(fn, *args, cancelled=left.is_set, **kwargs), limiter=self._work)
                watching.cancel_scope.cancel()
            if failure is not None:  # raised here, as itself: inside the task group it would be an exception group
                raise failure
            return result

    async def fetch(self, url: object, client: str | None = None):
        """The article at ``url`` under the service's policy (private networks, deadline) and within its
        fetch queue (``FetchBusy`` at once when full, or when ``client`` has its share), in a thread."""
        if self._fetch is None:
            # Never where a request waits: the queue admits at most its capacity and refuses the rest
            # at once, so a thread beyond that only ever holds a refusal, for a moment.
            self._fetch = anyio.CapacityLimiter(self.service.fetches.capacity + self.service.fetches.concurrency)
        return await anyio.to_thread.run_sync(partial(self.service.read_url, url, client=client),
                                              limiter=self._fetch)


def _caught(call: Callable[[], T]) -> tuple[T | None, Exception | None]:
    """``call()``'s result, or the exception it raised, as a value."""
    try:
        return call(), None
    except Exception as exc:
        return None, exc


async def _note_disconnect(request: Request, left: threading.Event) -> None:
    """Set ``left`` when the client disconnects: the body is read, so the next ASGI message is the
    disconnect (``http.disconnect``), which arrives as soon as the connection closes."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    left.set()


# Strict JSON and forms (``parse_json``, ``parse_form``; the server's boundary holds every body to them).
MAX_JSON_DEPTH = 64  # arrays and objects in one another; a real request uses 3 or 4
MAX_FORM_FIELDS = 1024  # fields of a urlencoded form (LibreTranslate's q takes up to 128 texts)


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, refused (413) as soon as it passes ``limit`` bytes, by its header or as it comes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(413, "body-too-large",
                    f"The request body is too large ({size:,} bytes or more): this server reads at most {limit:,}.")


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object (400 for anything else: not JSON, not UTF-8, an array...)."""
    return _json_object(await read_body(request, limit))


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise ApiError(400, "bad-json", "The request has no body: send a JSON object (Content-Type: application/json).")
    data = parse_json(body)
    if not isinstance(data, dict):
        raise ApiError(400, "bad-json", f"The request body must be a JSON object, not a JSON {_json_kind(data)}.")
    return data


def parse_json(body: bytes) -> Any:
    """``body`` as strict JSON (RFC 8259), else 400 ``bad-json``: UTF-8 text (a BOM allowed), no lone
    surrogate (``"\\ud800"``), no ``NaN``, no number beyond a double, at most ``MAX_JSON_DEPTH`` arrays and
    objects deep. Python's parser takes all of these, and the routes then fail on them (a surrogate cannot
    be written back out, a 5,000-digit integer cannot be printed, 100,000 levels overflow its stack)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "bad-json", "The request body is not UTF-8 text.") from None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "bad-json", f"The request body is not valid JSON ({exc.msg} at line {exc.lineno}, "
                                        f"column {exc.colno}).") from None
    if _deeper_than(data, MAX_JSON_DEPTH):
        raise ApiError(400, "bad-json", f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} "
                                        "levels deep.")
    return data


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` holds arrays and objects more than ``limit`` levels deep (no recursion: no limit of its own)."""
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body, else 400 ``bad-form``: UTF-8 text whose
    percent-escapes are UTF-8 too (never a lone surrogate), at most ``MAX_FORM_FIELDS`` fields."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict",
                         max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise ApiError(400, "bad-form", "The form is not UTF-8 text (or one of its %-escapes is not).") from None
    except ValueError:  # parse_qsl: more fields than max_num_fields
        raise ApiError(400, "bad-form", f"The form has more than {MAX_FORM_FIELDS:,} fields.") from None


async def read_params(request: Request, limit: int) -> dict[str, Any]:
    """A JSON object, or the fields of a form (``application/x-www-form-urlencoded`` or multipart), as a dict.

    A field given several times in a form (``q=...&q=...``) is a list, as in a JSON array.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return await read_json_object(request, limit)
    body = await read_body(request, limit)
    if kind == "multipart/form-data":
        return await _multipart(request, body)
    if not kind and body.lstrip().startswith(b"{"):  # JSON without its Content-Type (curl -d '{...}')
        return _json_object(body)
    return _fields(parse_form(body))


async def _multipart(request: Request, body: bytes) -> dict[str, Any]:
    return (await _multipart_with_files(request, body))[0]


async def read_upload(request: Request, limit: int) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """A multipart form within ``limit`` bytes: its fields (as ``read_params`` gives them) and its files, by
    field: (the name its client gave it, its bytes). A field with two files is refused (400 ``bad-form``)."""
    return await _multipart_with_files(request, await read_body(request, limit))


async def _multipart_with_files(request: Request, body: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    replayed = _replay(request, body)
    try:
        form = await replayed.form()
    except Exception as exc:  # the multipart parser's own errors: a malformed form
        raise ApiError(400, "bad-form", f"The form cannot be read ({type(exc).__name__}).") from None
    try:
        files: dict[str, tuple[str, bytes]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                continue
            if key in files:
                raise ApiError(400, "bad-form", f"The form holds more than one file as `{key}`: send one.")
            files[key] = (value.filename or "", await value.read())
        return _fields((k, v) for k, v in form.multi_items() if isinstance(v, str)), files
    finally:
        await form.close()  # the parser's spooled copies of the files go now


def _replay(request: Request, body: bytes) -> Request:
    """The same request, its body (already read) given again to a parser."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _fields(pairs) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
        else:
            out[key] = value
    return out


def _json_kind(value: object) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def require_translation(service: Service) -> None:
    """503 when the server runs without a translation model (the page then shows the Arabic summary only)."""
    if not service.translation_available:
        raise ApiError(503, "no-translation", "This server has no translation model loaded, so it cannot translate "
                                              "(GET /api/v1/models says why).")


def raise_failure(result) -> None:
    """Raise what made a batch's ``result`` fail, as ``Pipeline.__call__`` does for one article."""
    if result.error is None:
        return
    if isinstance(result.failure, InputError):
        raise result.failure
    raise ProcessingError(result.error, code=result.error_code)


def status_of(exc: BaseException) -> int:
    """The HTTP status of an error the service raised (the REST API's; LibreTranslate maps 422 to 400)."""
    if isinstance(exc, ApiError):
        return exc.status
    if isinstance(exc, ServerBusy):  # FetchBusy too: the fetch queue is full
        return 429
    if isinstance(exc, OverBudget) or (isinstance(exc, DocumentRefused) and exc.code == DOCUMENT_TOO_BIG):
        return 413
    if isinstance(exc, Cancelled):
        return CLIENT_CLOSED_REQUEST
    if isinstance(exc, ProcessingError):  # the article passed the checks; a stage failed on it
        return 500
    if isinstance(exc, (InputError, OptionError)):
        return 422
    if isinstance(exc, ModelLoadError):
        return 503
    return 500


def headers_of(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ApiError):
        return exc.headers
    if isinstance(exc, ServerBusy):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def message_of(exc: BaseException) -> str:
    """The words of an error for an API caller: the page's (``API`` surface), or one line for a bug."""
    if isinstance(exc, SummarizerError):
        return exc.message(API)
    log.error("API request failed", exc_info=exc)
    return f"Something went wrong while processing the request ({type(exc).__name__})."


def code_of(exc: BaseException) -> str:
    if isinstance(exc, SummarizerError) and exc.code:
        return exc.code
    if isinstance(exc, ProcessingError):
        return "processing-failed"
    if isinstance(exc, ModelLoadError):
        return "model-load"
    if isinstance(exc, OptionError):
        return "bad-option"
    if isinstance(exc, InputError):
        return "bad-input"
    return "internal"
