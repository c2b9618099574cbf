"""The server's edge: one ASGI middleware in front of every route, so that a route added later inherits it.

``install(app, policy, max_chars=...)`` puts it in front of the whole app: the REST and LibreTranslate
routes, ``/docs``, and the page mounted at ``/`` with Gradio's own API (``/gradio_api/...``). Before any
route sees a request, it refuses, in the REST API's error shape (``{"error": message, "code": code}``),
with ``Connection: close``:

- a ``Host`` that is neither this machine's (``localhost``, ``*.localhost``), nor an IP address, nor a
  configured public name (421 ``unknown-host``). A DNS-rebinding page, served from the attacker's name
  that then resolves to 127.0.0.1, sends that name; an address cannot be rebound, so it is always taken.
- a request that may change something (any method but GET and HEAD: a form, an upload, a preflight) from
  a page of another origin, unless ``--cors`` allows that origin (403 ``cross-origin``). A form needs no
  preflight, so the browser's CORS checks never stop it; ``Sec-Fetch-Site`` says where a browser's
  request comes from, else ``Origin`` is compared with ``Host``. Clients that are not browsers send
  neither, and pass.
- a body over its limit (413 ``body-too-large``), by its ``Content-Length`` before a byte is read, else
  as it arrives: JSON and forms a few times the largest article (``max_chars``), multipart uploads the
  document limit. A body that does not arrive within ``body_timeout_s``, or stalls for ``IDLE_S`` (408
  ``body-timeout``); the closed connection frees its place.
- a JSON body that is not strict JSON (lone surrogates such as ``"\\ud800"``, ``NaN``, numbers beyond a
  double, nesting deeper than ``httpapi.MAX_JSON_DEPTH``), or a form that is not UTF-8 (400 ``bad-json``,
  ``bad-form``): Python's and Gradio's parsers take these and their routes fail on them later.

Cross-origin reading is off unless ``--cors``: Starlette's ``CORSMiddleware`` (its origins: none, the
named ones, or ``*``) stands in for the one Gradio installs, which lets any localhost page, and any page
at all once the server has a public name, read its API with the browser's credentials. Last, a route
that fails answers a JSON 500 (logged), never a text page nor a dropped connection.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..inputs.documents import MAX_DOCUMENT_BYTES
from .flags import CORS_ENV, DEFAULT_BODY_TIMEOUT_S, PUBLIC_HOSTS_ENV, SHARE_HOSTS, SPACE_HOST_ENV
from .httpapi import BODY_BYTES_PER_CHAR, BODY_SLACK_BYTES, DOCUMENT_HEADERS, ApiError, parse_form, parse_json

log = logging.getLogger(__name__)

# The page sends an article with its result (Gradio's "Load run" sends the result record back: the
# article's text about three times over): its JSON bodies get this many times the REST API's limit.
JSON_BODY_FACTOR = 4
UPLOAD_SLACK_BYTES = 1024 * 1024  # a multipart form's headers and boundaries around the file
IDLE_S = 15.0  # the longest pause between two parts of a body
SAFE_METHODS = ("GET", "HEAD")  # what a page of another origin may send without --cors
INTERNAL = "Something went wrong on the server while answering this request; it has been logged."


@dataclass(frozen=True)
class Policy:
    """What the server accepts from the network (``summarizer serve``'s options: ``policy_of``).

    ``public_hosts``: the names this server is reached by besides this machine's and IP addresses
    (``*.example.com``: its subdomains; ``*``: any name, rebinding included). ``cors``: the origins whose
    pages may call it from a browser (``*``: any). ``body_timeout_s``: the time a request body has.
    """

    public_hosts: tuple[str, ...] = ()
    cors: tuple[str, ...] = ()
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S

    def host_allowed(self, host: str | None) -> bool:
        """Whether a request with this ``Host`` header is for this server (any port)."""
        if host is None:  # HTTP/1.0 without a Host: no browser sends it
            return True
        name = _hostname(host)
        if name is None:
            return False
        if name == "localhost" or name.endswith(".localhost") or _is_address(name) or "*" in self.public_hosts:
            return True
        return any(name == h or (h.startswith("*.") and name.endswith(h[1:])) for h in self._names)

    def origin_allowed(self, origin: str) -> bool:
        return "*" in self.cors or origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in self.cors}

    @property
    def _names(self) -> set[str]:
        return {h.strip().rstrip(".").lower() for h in self.public_hosts}


def policy_of(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Policy:
    """The policy of ``summarizer serve``'s options (``options.add_server_arguments``) and of the environment:
    both add up, as for API keys."""
    environ = os.environ if environ is None else environ
    hosts = _listed([*(getattr(args, "public_hosts", None) or []), environ.get(PUBLIC_HOSTS_ENV, ""),
                     environ.get(SPACE_HOST_ENV, ""), SHARE_HOSTS if getattr(args, "share", False) else ""])
    cors = _listed([getattr(args, "cors", None) or "", environ.get(CORS_ENV, "")])
    return Policy(public_hosts=tuple(hosts), cors=tuple(o.rstrip("/") for o in cors),
                  body_timeout_s=getattr(args, "body_timeout", DEFAULT_BODY_TIMEOUT_S))


def _listed(values: list[str]) -> list[str]:
    """The comma-separated items of ``values``, blank ones dropped, each once, in order."""
    return list(dict.fromkeys(item.strip() for value in values for item in value.split(",") if item.strip()))


def install(app: Any, policy: Policy, *, max_chars: int, error_only: Collection[str] = ()) -> None:
    """Put the boundary in front of everything ``app`` (a Starlette or FastAPI app) serves, before it starts.

    ``error_only``: the paths whose clients expect LibreTranslate's errors, ``{"error": message}`` without a
    code. Starlette's CORSMiddleware is added even with no origin allowed: Gradio leaves CORS to an app that
    has one, and would otherwise install its own (see the module's docstring).
    """
    api_limit = max_chars * BODY_BYTES_PER_CHAR + BODY_SLACK_BYTES
    app.add_middleware(CORSMiddleware, allow_origins=list(policy.cors), allow_methods=["*"], allow_headers=["*"],
                       expose_headers=["Retry-After", "Content-Disposition", *DOCUMENT_HEADERS])
    app.add_middleware(Boundary, policy=policy, json_bytes=JSON_BODY_FACTOR * api_limit,  # added last: outermost
                       upload_bytes=MAX_DOCUMENT_BYTES + UPLOAD_SLACK_BYTES, error_only=frozenset(error_only),
                       api_bytes=api_limit)


class _Refusal(Exception):
    """A request the boundary answers itself: ``status``, ``code`` and a message for the client."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Gone(Exception):
    """The client disconnected before its body was complete: there is no one to answer."""


class Boundary:
    """The ASGI middleware (see the module's docstring); ``install`` sets it up."""

    def __init__(self, app: ASGIApp, policy: Policy, json_bytes: int, upload_bytes: int,
                 error_only: frozenset[str] = frozenset(), api_bytes: int | None = None) -> None:
        self.app, self.policy = app, policy
        self.json_bytes, self.upload_bytes, self.error_only = json_bytes, upload_bytes, error_only
        self.api_bytes = json_bytes if api_bytes is None else api_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = _Answer(send, coded=scope.get("path") not in self.error_only)
        try:
            await self._serve(scope, receive, answer)
        except _Refusal as refusal:
            await answer.refuse(refusal)
        except _Gone:
            return
        except Exception as exc:
            if answer.refused:  # the app failed on the end of a body the boundary refused: answered already
                return
            log.error("%s %s failed", scope.get("method"), scope.get("path"), exc_info=exc)
            if not answer.started:
                await answer.json(500, "internal", INTERNAL)
            elif not answer.complete:
                raise  # a streamed answer broke off: the server closes the connection

    async def _serve(self, scope: Scope, receive: Receive, answer: _Answer) -> None:
        headers = Headers(scope=scope)
        self._check_host(headers)
        self._check_origin(scope["method"], headers)
        declared = _content_length(headers)
        chunked = "transfer-encoding" in headers
        if chunked and "content-length" in headers:  # which one frames the body? (h11 reads the chunks)
            raise _Refusal(400, "bad-request", "The request gives both Content-Length and Transfer-Encoding: "
                                               "send one of them.")
        if not chunked and not declared:  # no body
            await self.app(scope, receive, answer.send)
            return
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "multipart/form-data":  # an upload: streamed to the app, metered on the way
            _check_declared(declared, self.upload_bytes)
            metered = _Metered(receive, self.upload_bytes, self.policy.body_timeout_s, answer)
            await self.app(scope, metered, answer.send)
            return
        # the HTTP APIs' own routes read at most one article's worth; the page's API more (module constants)
        limit = self.api_bytes if _is_api(scope.get("path", ""), self.error_only) else self.json_bytes
        _check_declared(declared, limit)
        body = await _read(receive, limit, self.policy.body_timeout_s)
        try:
            parse_form(body) if kind == "application/x-www-form-urlencoded" else parse_json(body)
        except ApiError as exc:
            raise _Refusal(exc.status, exc.code, str(exc)) from None
        await self.app(scope, _replay(body, receive), answer.send)

    def _check_host(self, headers: Headers) -> None:
        host = headers.get("host")
        if not self.policy.host_allowed(host):
            raise _Refusal(421, "unknown-host", f"This server does not answer to the name {host!r}: it answers to "
                                                "localhost, IP addresses and the names given with --public-host.")

    def _check_origin(self, method: str, headers: Headers) -> None:
        if method in SAFE_METHODS:
            return
        origin = _other_origin(headers)
        if origin is not None and not self.policy.origin_allowed(origin):
            raise _Refusal(403, "cross-origin", f"A page of another site ({origin}) cannot send requests to this "
                                                "server: start it with --cors ORIGIN to allow that site.")


class _Answer:
    """The response side of one request: what has been sent, the boundary's own answers, and a text/plain
    500 (Starlette's ``ServerErrorMiddleware``, in Gradio's app as in ours) turned into the JSON one."""

    def __init__(self, send: Send, coded: bool = True) -> None:
        self._send, self._coded = send, coded
        self.started = self.complete = self.refused = self._replacing = False

    async def send(self, message: Message) -> None:
        if self.refused:  # the boundary has answered: what the app says after that goes nowhere
            return
        if message["type"] == "http.response.start":
            if message["status"] == 500 and _is_text(message):
                self._replacing = True
                return
            self.started = True
        elif message["type"] == "http.response.body":
            if self._replacing:
                if not message.get("more_body", False):
                    self._replacing = False
                    await self.json(500, "internal", INTERNAL)
                return
            self.complete = not message.get("more_body", False)
        await self._send(message)

    async def refuse(self, refusal: _Refusal) -> None:
        """Answer ``refusal`` (unless a response has started) and close the connection after it."""
        if not self.started:
            await self.json(refusal.status, refusal.code, refusal.message, close=True)
        self.refused = True

    async def json(self, status: int, code: str, message: str, close: bool = False) -> None:
        said = {"error": message, "code": code} if self._coded else {"error": message}
        body = json.dumps(said, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if close:
            headers.append((b"connection", b"close"))
        self.started = True
        await self._send({"type": "http.response.start", "status": status, "headers": headers})
        await self._send({"type": "http.response.body", "body": body, "more_body": False})
        self.complete = True


class _Metered:
    """An app's ``receive`` for a streamed body: each part within the time left and the size limit. A body
    over either is answered here (413, 408) and the app is told the client left (``http.disconnect``)."""

    def __init__(self, receive: Receive, limit: int, timeout_s: float, answer: _Answer) -> None:
        self._receive, self._limit, self._answer = receive, limit, answer
        self._deadline = anyio.current_time() + timeout_s
        self._size, self._done = 0, False

    async def __call__(self) -> Message:
        if self._done:  # the body is complete: what follows is the disconnect an app may wait for
            return await self._receive()
        if self._answer.refused:
            return {"type": "http.disconnect"}
        try:
            message = await _next(self._receive, self._deadline)
            if message["type"] == "http.request":
                self._size += len(message.get("body", b""))
                _check_size(self._size, self._limit)
                self._done = not message.get("more_body", False)
        except _Refusal as refusal:
            await self._answer.refuse(refusal)
            return {"type": "http.disconnect"}
        return message


async def _read(receive: Receive, limit: int, timeout_s: float) -> bytes:
    """A whole request body, within ``limit`` bytes and ``timeout_s`` (``_Refusal``), or ``_Gone``."""
    deadline = anyio.current_time() + timeout_s
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await _next(receive, deadline)
        if message["type"] == "http.disconnect":
            raise _Gone
        chunk = message.get("body", b"")
        size += len(chunk)
        _check_size(size, limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _next(receive: Receive, deadline: float) -> Message:
    """The next part of a body, or a 408 refusal when it does not come in time."""
    wait = min(IDLE_S, deadline - anyio.current_time())
    with anyio.move_on_after(max(wait, 0)):
        return await receive()
    raise _Refusal(408, "body-timeout", "The request body did not arrive in time: send it whole, without pauses.")


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app: the body already read, then what the connection says (its disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise _Refusal(413, "body-too-large", f"The request body is too large ({size:,} bytes or more): this "
                                              f"server reads at most {limit:,} here.")


def _check_declared(declared: int | None, limit: int) -> None:
    if declared is not None:
        _check_size(declared, limit)


def _content_length(headers: Headers) -> int | None:
    """The declared length of the body (uvicorn's HTTP parser has refused a malformed one already)."""
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _is_text(message: Message) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"text/plain")
               for k, v in message.get("headers", []))


def _hostname(host: str) -> str | None:
    """The name in a ``Host`` header (lower case, no port, no trailing dot), or None if it is not one."""
    if not _HOST_HEADER.fullmatch(host.strip()):  # a name or a bracketed address, then a port: nothing else
        return None
    try:
        parts = urlsplit("//" + host.strip())
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return None
    if parts.username is not None or parts.path or parts.query or parts.fragment or "?" in host or "#" in host:
        return None
    name = parts.hostname or ""
    name = name[:-1] if name.endswith(".") else name  # one trailing dot: the same name, fully qualified
    return name if _HOST_NAME.fullmatch(name) or _is_address(name) else None


_HOST_HEADER = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")  # letters, digits, - and dots
API_PREFIX = "/api/"  # the REST API's routes (rest.PREFIX is under it)


def _is_api(path: str, error_only: frozenset[str]) -> bool:
    """Whether ``path`` is a route of the HTTP APIs (REST or LibreTranslate), not of the page."""
    return path.startswith(API_PREFIX) or path in error_only


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _other_origin(headers: Headers) -> str | None:
    """The origin of a browser's request from a page of another origin; None for the same origin, or a client
    that is not a browser (it sends neither ``Sec-Fetch-Site`` nor ``Origin``)."""
    origin = headers.get("origin")
    site = headers.get("sec-fetch-site")
    if site is not None:
        return None if site in ("same-origin", "none") else (origin or "null")
    if origin is None or _same_origin(origin, headers.get("host", "")):
        return None
    return origin


def _same_origin(origin: str, host: str) -> bool:
    """Whether ``origin`` (``scheme://name[:port]``) names the server of ``host`` (``name[:port]``)."""
    try:
        theirs, ours = urlsplit(origin), urlsplit("//" + host)
        default = {"http": 80, "https": 443}.get(theirs.scheme)
        same_port = (theirs.port or default) == (ours.port or default)  # no port: the scheme's own
    except ValueError:
        return False
    return theirs.hostname is not None and theirs.hostname == ours.hostname and same_port
