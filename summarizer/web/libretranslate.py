"""LibreTranslate's API on the page's server, for Arabic into English: ``POST /translate``,
``GET /languages``, ``POST /detect``, ``POST /translate_file`` with ``GET /download_file/...``, and
``GET /frontend/settings``.

The clients people already use with LibreTranslate (``libretranslatepy``, its JavaScript and PHP
clients, CMS plug-ins) can point at this server instead: the same routes, fields and answers, the same
error shape (``{"error": "..."}``) and statuses (400 bad input or another language pair, 403 a wrong
key, 429 a full queue, 500 a translation that failed). Requests are JSON, or forms (urlencoded, as
``libretranslatepy`` sends them, or multipart).

What differs, by design: the only pair is ``ar`` -> ``en`` (``source`` ``ar`` or ``auto``); language
detection tells Arabic from Latin script (no model); a text is translated line by line (its line
breaks kept), each line cleaned and split into sentences as an article is, so a line the cleaning
drops entirely (a lone "اقرأ أيضا", a share button's words) or that is not mostly Arabic is kept as it
was. With ``format=html`` the markup is kept and each text between tags is translated the same way.

Each of those lines (or texts between tags) is a text of the request's budget (``Service.check_budget``),
across all of ``q``: a request over it is refused (413) before any work, and a client that leaves stops
the translation at its next model batch.
"""

from __future__ import annotations

import html
import re
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..arabic import arabic_share
from ..errors import ArticleTooLong, InputError, ServerBusy, SummarizerError
from ..html_reader import Piece
from ..html_reader import pieces as html_pieces
from ..inputs.text import check_arabic
from ..translated import writer_suffixes
from .httpapi import (
    ApiConfig,
    ApiError,
    message_of,
    raise_failure,
    read_params,
    require_translation,
    status_of,
)
from .translated_files import Downloads, attachment, read_document_upload, translate_upload

SOURCES, TARGETS = ("ar", "auto"), ("en",)
LANGUAGES = [{"code": "ar", "name": "Arabic", "targets": ["en"]}, {"code": "en", "name": "English", "targets": []}]
MAX_TEXTS = 128  # texts in one request's q list (LibreTranslate's --batch-limit)
FRONTEND_TIMEOUT_MS = 500  # LibreTranslate's default: how long its page waits after typing before it translates
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_LETTER = re.compile(r"[^\W\d_]")
_SKIPPED_TAGS = ("code", "pre")  # texts not translated (a script's or a style's content is never a text)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _error_of(exc: BaseException) -> JSONResponse:
    """An error in LibreTranslate's shape and statuses: the REST API's 422 (bad input) is its 400."""
    status = status_of(exc)
    if isinstance(exc, ServerBusy):
        return _error(429, f"Slowdown: {message_of(exc)}", {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, ApiError):
        return _error(exc.status if exc.status != 422 else 400, message_of(exc), exc.headers)
    return _error(400 if status == 422 else status, message_of(exc))


def detect(text: str) -> list[dict[str, Any]]:
    """The languages this server knows, most likely first: by the share of Arabic and of Latin letters."""
    letters = len(_LETTER.findall(text))
    arabic = arabic_share(text)
    latin = len(_LATIN_LETTER.findall(text)) / letters if letters else 0.0
    found = [{"confidence": round(100 * arabic, 1), "language": "ar"},
             {"confidence": round(100 * latin, 1), "language": "en"}]
    return sorted(found, key=lambda d: -d["confidence"])


# -- the texts to translate in a q, and putting their translations back ------------------------------
def _pieces(text: str, fmt: str) -> list[tuple[bool, str]]:
    """(translatable, piece): the lines of a text (their line breaks kept as pieces), or an HTML fragment's
    texts (decoded: translatable when Arabic and outside ``<code>``/``<pre>``) and the rest, as written."""
    if fmt == "html":
        return [_html_piece(piece) for piece in html_pieces(text, skip=_SKIPPED_TAGS)]
    return [(arabic_share(line) > 0, line) for line in re.split(r"(\r?\n)", text)]


def _html_piece(piece: Piece) -> tuple[bool, str]:
    """An Arabic text to translate (decoded), or a piece to write back as it is (markup, escaped text)."""
    if piece.kind == "text" and not piece.skipped and arabic_share(piece.text) > 0:
        return True, piece.text
    return False, piece.written


def _joined(pieces: list[tuple[bool, str]], english: dict[int, str], fmt: str) -> str:
    out = []
    for i, (translatable, piece) in enumerate(pieces):
        if i in english:
            lead = piece[: len(piece) - len(piece.lstrip())]  # the spaces around a text between tags stay
            trail = piece[len(piece.rstrip()):]
            done = english[i]
            out.append(lead + (html.escape(done, quote=False) if fmt == "html" else done) + trail)
        else:  # an HTML text left untranslated is written as HTML again; the rest is written already
            out.append(html.escape(piece, quote=False) if fmt == "html" and translatable else piece)
    return "".join(out)


def build_router(config: ApiConfig, downloads: Downloads | None = None) -> APIRouter:
    """LibreTranslate's routes over ``config.service``; ``downloads``: where translated files wait for their
    clients (default: a store of this router's own, in a private folder)."""
    router = APIRouter(tags=["LibreTranslate-compatible"])
    service = config.service
    downloads = downloads if downloads is not None else Downloads()

    async def params(request: Request) -> dict[str, Any]:
        data = await read_params(request, config.max_body_bytes)
        check_key(request, data)
        return data

    def check_key(request: Request, data: dict[str, Any]) -> None:
        key = data.get("api_key") or request.headers.get("x-api-key")
        if config.keys and not key:
            raise ApiError(400, "bad-key", "Please contact the server operator to get an API key "
                                           "(send it as api_key).")
        if not config.key_ok(key):
            raise ApiError(403, "bad-key", "Invalid API key")

    def texts_of(q: Any) -> list[str]:
        if q is None or q == "" or q == []:
            raise ApiError(400, "bad-request", "Invalid request: missing q parameter")
        texts = q if isinstance(q, list) else [q]
        if not all(isinstance(t, str) for t in texts):
            raise ApiError(400, "bad-request", "Invalid request: q must be a text or a list of texts")
        if len(texts) > MAX_TEXTS:
            raise ApiError(400, "bad-request", f"Invalid request: request ({len(texts)}) exceeds text limit ({MAX_TEXTS})")
        for t in texts:
            if len(t) > service.max_chars:
                raise ArticleTooLong(len(t), service.max_chars)
        return texts

    @router.get("/languages", summary="The languages (LibreTranslate)")
    async def languages() -> list[dict[str, Any]]:
        """Arabic, translated into English: `[{"code": "ar", "name": "Arabic", "targets": ["en"]}, ...]`."""
        return LANGUAGES

    @router.post("/detect", summary="Detect the language of a text (LibreTranslate)")
    async def detect_route(request: Request) -> JSONResponse:
        """Form or JSON `q` (and `api_key`): `[{"confidence": 97.0, "language": "ar"}, ...]`, most likely first."""
        try:
            data = await params(request)
            q = data.get("q")
            if not q or not isinstance(q, str):
                raise ApiError(400, "bad-request", "Invalid request: missing q parameter")
        except SummarizerError as exc:
            return _error_of(exc)
        return JSONResponse(detect(q))

    @router.post("/translate", summary="Translate Arabic into English (LibreTranslate)")
    async def translate(request: Request) -> JSONResponse:
        """Form or JSON: `q` (a text or a list of texts), `source` (`ar` or `auto`), `target` (`en`),
        `format` (`text` or `html`), `api_key`. Answers `{"translatedText": ...}` (a list for a list),
        with `detectedLanguage` for `source=auto`."""
        try:
            data = await params(request)
            texts, source, fmt = _checked(data, texts_of(data.get("q")))
            require_translation(service)
            pieces = [_pieces(t, fmt) for t in texts]
            detected = [detect("".join(piece for is_text, piece in ps if is_text or fmt == "text"))[0]
                        for ps in pieces]
            if source == "auto":
                _refuse_another_language(detected)
            wanted = [(n, i, piece) for n, ps in enumerate(pieces) for i, (ok, piece) in enumerate(ps) if ok]
            if not wanted:  # nothing Arabic to translate: say why, in the page's words
                check_arabic(" ".join(texts))
            lines = [piece for _, _, piece in wanted]
            service.check_budget(lines)  # every line is a text: 1,000 lines cost 1,000 texts' work
            results = await config.work(service.translate, lines, request=request)
            english = _english_by_piece(len(texts), wanted, results)
        except SummarizerError as exc:  # InputError and the API's own refusals
            return _error_of(exc)
        except Exception as exc:
            return _error(500, f"Cannot translate text: {message_of(exc)}")
        translated = [_joined(ps, en, fmt) for ps, en in zip(pieces, english, strict=True)]
        return JSONResponse(_answer(data, translated, detected, source))

    @router.post("/translate_file", summary="Translate a document (LibreTranslate)")
    async def translate_file(request: Request) -> JSONResponse:
        """Multipart: `file` (.docx, .html, .txt, .md, .pdf), `source` (`ar` or `auto`), `target` (`en`),
        `api_key`. Answers `{"translatedFileUrl": ".../download_file/TOKEN/NAME"}`: the document in English, in
        its own format, fetched once or more within 30 minutes."""
        try:
            data, name, upload = await _file_params(request)
            check_key(request, data)
            _check_pair(data)
            done = await translate_upload(config, request, name, upload)
        except SummarizerError as exc:
            return _error_of(exc)
        except Exception as exc:
            return _error(500, f"Cannot translate file: {message_of(exc)}")
        token = await anyio.to_thread.run_sync(downloads.put, done)  # a disk write: off the event loop
        url = request.url_for("download_file", token=token, name=done.filename)
        return JSONResponse({"translatedFileUrl": str(url)})

    @router.get("/download_file/{token}/{name}", summary="Download a translated document (LibreTranslate)")
    async def download_file(token: str, name: str) -> Response:
        """The document `/translate_file` translated, as an attachment; 404 once it has gone (after 30 minutes,
        or when newer ones push it out). Only the token names it: `name` is for people."""
        kept = await anyio.to_thread.run_sync(downloads.get, token)  # a disk read: off the event loop
        if kept is None:
            return _error(404, "This translated file does not exist or has expired: translate the file again.")
        return Response(kept.data, media_type=kept.media_type, headers={"Content-Disposition": attachment(kept.filename)})

    @router.get("/frontend/settings", summary="The settings LibreTranslate's clients read")
    async def frontend_settings() -> dict[str, Any]:
        """LibreTranslate's keys: `charLimit`, `frontendTimeout`, `apiKeys`, `keyRequired`, `suggestions`,
        `filesTranslation`, `supportedFilesFormat` (the suffixes documents are translated from) and `language`
        (`source`: Arabic, `target`: English)."""
        files = service.translation_available
        return {"charLimit": service.max_chars, "frontendTimeout": FRONTEND_TIMEOUT_MS, "apiKeys": bool(config.keys),
                "keyRequired": bool(config.keys), "suggestions": False, "filesTranslation": files,
                "supportedFilesFormat": list(writer_suffixes()) if files else [],
                "language": {"source": {"code": "ar", "name": "Arabic"}, "target": {"code": "en", "name": "English"}}}

    return router


async def _file_params(request: Request) -> tuple[dict[str, Any], str, bytes]:
    """The fields, the file's name and its bytes of a ``/translate_file`` form, or LibreTranslate's 400."""
    try:
        return await read_document_upload(request)
    except ApiError as exc:
        if exc.status in (413, 400):
            raise
        raise ApiError(400, "bad-request", "Invalid request: missing file parameter") from None


def _check_pair(data: dict[str, Any]) -> None:
    """``source`` and ``target`` of a file request, as ``_checked`` holds a text request's."""
    for name in ("source", "target"):
        if not data.get(name):
            raise ApiError(400, "bad-request", f"Invalid request: missing {name} parameter")
    _checked({**data, "format": "text"}, [])


def _checked(data: dict[str, Any], texts: list[str]) -> tuple[list[str], str, str]:
    """(texts, source, format) of a request, or the ``ApiError`` LibreTranslate gives for it."""
    source, target = data.get("source"), data.get("target")
    fmt = data.get("format") or "text"
    for name, value in (("source", source), ("target", target)):
        if not value:
            raise ApiError(400, "bad-request", f"Invalid request: missing {name} parameter")
    if source not in SOURCES:
        raise ApiError(400, "bad-language", f"{source} is not supported: this server translates Arabic (ar) "
                                            "into English (en)")
    if target not in TARGETS:
        raise ApiError(400, "bad-language", f"{target} is not supported: this server translates Arabic (ar) "
                                            "into English (en) only")
    if fmt not in ("text", "html"):
        raise ApiError(400, "bad-request", f"{fmt} format is not supported")
    return texts, source, fmt


def _refuse_another_language(detected: list[dict[str, Any]]) -> None:
    """``source=auto``: a text in another language than Arabic is refused, naming it."""
    other = next((d["language"] for d in detected if d["language"] != "ar"), None)
    if other is not None:
        raise ApiError(400, "bad-language", f"{other} is not supported: this server translates Arabic "
                                            "(ar) into English (en)")


def _english_by_piece(count: int, wanted: list[tuple[int, int, str]], results: list) -> list[dict[int, str]]:
    """Per text, its translated pieces by position; a piece whose content could not be translated is left
    as it was, a model's failure is raised."""
    english: list[dict[int, str]] = [{} for _ in range(count)]
    for (n, i, _), result in zip(wanted, results, strict=True):
        if result.ok:
            english[n][i] = result.translation_text
        elif not isinstance(result.failure, InputError):  # a model failed, not a line's content
            raise_failure(result)
    return english


def _answer(data: dict[str, Any], translated: list[str], detected: list[dict[str, Any]], source: str) -> dict:
    """LibreTranslate's answer: a list for a list of texts, else one; the detected language for ``auto``."""
    many = isinstance(data.get("q"), list)
    answer: dict[str, Any] = {"translatedText": translated if many else translated[0]}
    if source == "auto":
        found = [{"confidence": d["confidence"], "language": "ar"} for d in detected]
        answer["detectedLanguage"] = found if many else found[0]
    if _alternatives(data):
        answer["alternatives"] = [[] for _ in translated] if many else []
    return answer


def _alternatives(data: dict[str, Any]) -> bool:
    """Whether alternatives were asked for (this server has none to give: each answer's list is empty)."""
    value = data.get("alternatives", 0)
    try:
        return int(value) > 0
    except (TypeError, ValueError):
        return False
