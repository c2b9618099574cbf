"""The REST API on the page's server: ``/api/v1/summarize``, ``/translate``, ``/translate_file``, ``/digest``,
``/models``, ``/health``.

JSON in, JSON out, one request per article: what a newsroom's script, a CMS plug-in or ``curl`` can
call without Gradio's event protocol. The OpenAPI description is served at ``/openapi.json`` and
read at ``/docs``; docs/api.md is the reference.

It shares the page's policy, through the same ``Service``: the size limit (``max_chars``), the fetch
policy of ``url`` (no private networks unless allowed, one deadline, the fetch queue), the work gate
(``--concurrency`` articles at once, ``--max-queue`` more waiting; beyond that 429 with ``Retry-After``),
the budget of one request (``Service.check_budget``, before any work: 413 over it, 422 too many beams),
and a client that leaves stops its article's work at the next model batch. An error is
``{"error": message, "code": code}`` with a 4xx status (5xx for the server's own failures), in the
page's words.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .. import __version__
from ..choices import TRANSLATION_MODELS
from ..digest.articles import parse_date
from ..errors import API
from ..inputs.documents import MAX_DOCUMENT_BYTES
from ..options import CALL, DIGEST, REST, SUMMARY, Option, options_of
from ..result import translation_record
from ..service import MAX_BEAMS
from ..stages.methods import METHODS
from ..translated import writer_suffixes
from .httpapi import (
    ApiConfig,
    ApiError,
    code_of,
    headers_of,
    message_of,
    raise_failure,
    read_json_object,
    require_translation,
    status_of,
)
from .schemas import (
    DigestAnswer,
    HealthAnswer,
    ModelsAnswer,
    SummarizeAnswer,
    TranslateAnswer,
    TranslateFileAnswer,
    ok,
)
from .translated_files import MEDIA_TYPES, read_document_upload, translate_upload

PREFIX = "/api/v1"


class _Request(BaseModel):
    # strict: a number where text belongs is an error, not text; an unknown field is an error, not ignored
    model_config = ConfigDict(extra="forbid", strict=True)

    text: str | None = Field(None, description="The Arabic article (give `text` or `url`).")
    url: str | None = Field(None, description="An http(s) address to read the article from, instead of `text`.")
    id: str | None = Field(None, description="Copied into the answer's `id`.")
    translation: str | None = Field(None, description="A translation choice of GET /api/v1/models (default: the "
                                                      "one loaded at start-up; another is loaded on first use).")

    def options(self) -> dict[str, Any]:
        """The run options this request sets (the others: the server's defaults)."""
        return {name: getattr(self, name) for name in options_of(CALL, REST) if name in type(self).model_fields}


def _option_field(option: Option) -> tuple[Any, Any]:
    """A request field for a run option of the table: its choices and range in the schema (so ``/docs``
    shows them), the server's default when left out. Fixed choices are checked here (``bad-field``); a
    registry's names (the summary methods) by the table when the request runs (``bad-option``)."""
    allowed = option.allowed()
    words = option.help or ""
    extra: dict[str, Any] = {}
    annotation: Any = option.type
    if allowed is not None:
        words = "; ".join(w for w in (words, "; ".join(f"`{k}`: {v}" for k, v in allowed.items())) if w)
        if callable(option.choices):
            extra["json_schema_extra"] = {"enum": list(allowed)}
        else:
            annotation = Literal[tuple(allowed)]
    if option.name == "num_beams":  # beyond MAX_BEAMS the budget refuses it, in its own words
        words += f" At most {MAX_BEAMS} here: each beam multiplies the request's cost."
        extra["ge"] = 1
    elif option.type is int:
        extra.update(ge=option.minimum, le=option.maximum)
    default = "" if option.default is None else f" Default: the server's (`{option.default}` unless it says otherwise)."
    return (annotation | None, Field(None, description=(words + default).strip(), **extra))


def _request_model(name: str, doc: str, *, summary: bool, base: type[BaseModel] = _Request) -> type[Any]:
    """A request model with the option table's run options shown on the REST API (``summary=False``:
    without the summary's, for ``/translate`` and ``/translate_file``)."""
    fields = {option.name: _option_field(option) for option in options_of(CALL, REST).values()
              if summary or option.concerns != SUMMARY}
    return create_model(name, __base__=base, __doc__=doc, **fields)


class _FileForm(BaseModel):
    # A form's values are all text: "2" is read as the number 2 here; an unknown field is still an error.
    model_config = ConfigDict(extra="forbid")

    translation: str | None = Field(None, description="A translation choice of GET /api/v1/models (default: the "
                                                      "one loaded at start-up).")
    def options(self) -> dict[str, Any]:
        """The run options this form sets (the others: the server's defaults)."""
        return _Request.options(self)  # type: ignore[arg-type]


def file_form_model() -> type[_FileForm]:
    """The form fields of ``/translate_file`` beside its ``file``: the run options that do not concern the
    summary, as for ``/translate``."""
    return _request_model("TranslateFileForm", "A document's translation options (any left out: the server's "
                                               "default).", summary=False, base=_FileForm)


def _upload_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that takes a document as the multipart field ``file`` beside ``model``'s
    fields (read by the route itself, within the upload limit)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema["properties"] = {"file": {"type": "string", "format": "binary", "description": "The document: "
                                     + ", ".join(writer_suffixes()) + f" (at most {MAX_DOCUMENT_BYTES // 2**20} MB)."},
                            **schema.get("properties", {})}
    schema["required"] = ["file"]
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}


def _document_answers() -> dict[int | str, dict[str, Any]]:
    """``/translate_file``'s 200: the document itself (its media types), or with ``Accept: application/json``
    its record (``TranslateFileAnswer``)."""
    types = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in dict.fromkeys(MEDIA_TYPES.values())}
    return {200: {"model": TranslateFileAnswer, "content": types,
                  "description": "The translated document as an attachment (the headers `X-Translated-Sentences`, "
                                 "`X-Translated-Segments`, `X-Arabic-Left`, `X-Document-Notes` say what the record "
                                 "says); with `Accept: application/json`, the record with the document in base64"}}


def _wants_json(request: Request) -> bool:
    """Whether the client asked for the record rather than the document (``Accept: application/json``)."""
    return "application/json" in request.headers.get("accept", "").lower()


def request_models() -> tuple[type[_Request], type[_Request]]:
    """(summarize, translate) request models, made from the option table as it is now."""
    return (_request_model("SummarizeRequest", "One article and the options of this run (any option left out: "
                                               "the server's default).", summary=True),
            _request_model("TranslateRequest", "One article to translate sentence by sentence, without a summary.",
                           summary=False))


# -- POST /api/v1/digest: several articles grouped by story --------------------------------------------------
# A digest request holds at most MAX_DIGEST_ARTICLES articles (413 ``too-many-articles``), each within the
# server's ``max_chars`` (422 ``too-long``) and all of them together within the budget of one request
# (``Service.check_budget``: 413 ``over-budget``), refused before any work; its body is read within the REST
# API's body limit (413 ``body-too-large``). Grouping 1,000 articles takes about 18 s (docs/digest.md).
MAX_DIGEST_ARTICLES = 200
MAX_ARTICLE_ID_CHARS = 256  # an id is repeated through the answer: kept short


class _DigestArticle(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(None, min_length=1, max_length=MAX_ARTICLE_ID_CHARS,
                           description="The article's id in the answer (default `article-N`, N its place from 1); "
                                       "each article's own.")
    text: str = Field(description="The article (Arabic). An empty, non-Arabic or repeated one is not an error: the "
                                  "answer's `skipped` says why it is in no story.")
    date: str | None = Field(None, description="When it was published, ISO 8601 (`2016-10-18`, "
                                               "`2016-10-18T09:30:00`): a story's articles are put in time order.")


class _DigestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    articles: list[_DigestArticle] = Field(description=f"The articles, 1 to {MAX_DIGEST_ARTICLES}.")
    translation: str | None = Field(None, description="A translation choice of GET /api/v1/models (default: the "
                                                      "one loaded at start-up).")

    def options(self) -> dict[str, Any]:
        """The run options this request sets (the others: the server's defaults)."""
        return {name: getattr(self, name) for name in _digest_options() if name in type(self).model_fields}


def _digest_options() -> dict[str, Option]:
    """A digest's options: the REST API's run options and the digest's own (``digest_threshold``)."""
    return {**options_of(CALL, REST), **options_of(CALL, DIGEST)}


def digest_request_model() -> type[_DigestRequest]:
    """The request model of ``/digest``, made from the option table as it is now."""
    fields = {option.name: _option_field(option) for option in _digest_options().values()}
    return create_model("DigestRequest", __base__=_DigestRequest, __doc__="Several articles and the options of "
                        "their digest (any option left out: the server's default).", **fields)


def digest_items(body: _DigestRequest) -> list[dict[str, str]]:
    """The request's articles as ``Pipeline.digest`` takes them (``{"id", "text", "date"}``), or the refusal of a
    request no digest can answer: no article (422 ``no-articles``), too many (413 ``too-many-articles``), an id
    given twice (422 ``duplicate-id``), a date that is not ISO 8601 (422 ``bad-date``)."""
    articles = body.articles
    if not articles:
        raise ApiError(422, "no-articles", "Give the articles to digest in `articles`: none was given.")
    if len(articles) > MAX_DIGEST_ARTICLES:
        raise ApiError(413, "too-many-articles", f"{len(articles):,} articles: a digest request takes at most "
                                                 f"{MAX_DIGEST_ARTICLES:,}. Send fewer per request.")
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for n, article in enumerate(articles, 1):
        article_id = article.id if article.id is not None else f"article-{n}"
        if article_id in seen:
            raise ApiError(422, "duplicate-id", f"articles.{n - 1}.id: {article_id!r} is given to two articles; "
                                                "each article needs an id of its own.")
        seen.add(article_id)
        if article.date is not None and parse_date(article.date) is None:
            raise ApiError(422, "bad-date", f"articles.{n - 1}.date: {article.date!r} is not an ISO 8601 date "
                                            "(2016-10-18 or 2016-10-18T09:30:00).")
        items.append({"id": article_id, "text": article.text, **({"date": article.date} if article.date else {})})
    return items


def _inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested models written in place (an ``openapi_extra`` body is not
    registered among the OpenAPI components, so a reference to one would point at nothing)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        return [inline(value) for value in node] if isinstance(node, list) else node

    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inline(schema)}}}}


class ErrorAnswer(BaseModel):
    error: str = Field(description="What is wrong, in the page's words.")
    code: str = Field(description="The error's name, for code that must tell errors apart (`too-long`, "
                                  "`bad-json`, `busy`...).")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorAnswer, "description": "Not a JSON object"},
    401: {"model": ErrorAnswer, "description": "API key missing or wrong (when the server has keys)"},
    413: {"model": ErrorAnswer, "description": "Request body over the server's limit, or a request over its budget "
                                               "(`over-budget`: characters times beams)"},
    422: {"model": ErrorAnswer, "description": "A field of the wrong type or value (`num_beams` over the limit: "
                                               "`too-many-beams`), or an article that cannot be processed (empty, "
                                               "not Arabic, too long, unreadable address)"},
    429: {"model": ErrorAnswer, "description": "The queue, or the queue of web addresses to fetch (`fetch-busy`), is "
                                               "full: try again after `Retry-After` seconds"},
    503: {"model": ErrorAnswer, "description": "A translation choice could not be loaded"},
}


def error_response(exc: BaseException) -> JSONResponse:
    return JSONResponse({"error": message_of(exc), "code": code_of(exc)}, status_code=status_of(exc),
                        headers=headers_of(exc))


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """An ``openapi_extra`` request body: the route reads its body itself (to limit its size and say
    what is wrong in its own words), so FastAPI is told the schema rather than asked to parse it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "bad-field", "; ".join(_field_problem(e) for e in exc.errors())) from None


def _field_problem(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())) or "body"
    if error.get("type") == "extra_forbidden":
        return f"{where}: not a field of this request"
    return f"{where}: {error.get('msg', 'invalid')}"


def build_router(config: ApiConfig) -> APIRouter:
    """The ``/api/v1`` routes over ``config.service``."""
    router = APIRouter(prefix=PREFIX, tags=["REST API"])
    service = config.service
    SummarizeRequest, TranslateRequest = request_models()

    def check_key(request: Request) -> None:
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else request.headers.get("x-api-key")
        if not config.key_ok(given):
            raise ApiError(401, "bad-key", "This server needs an API key: send it as `Authorization: Bearer KEY` "
                                           "or `X-API-Key: KEY`." if not given else "The API key is not valid.",
                           headers={"WWW-Authenticate": "Bearer"})

    async def article(request: Request, model: type[_Request]) -> tuple[Any, str]:
        """The request's fields and its article (fetched for a ``url``), within the budget: one text."""
        check_key(request)
        body = _validated(model, await read_json_object(request, config.max_body_bytes))
        if (body.text is None) == (body.url is None):
            raise ApiError(422, "bad-field", "Give the article as `text` or as `url` (one of them).")
        if body.text is None:  # too many beams are refused before the address is fetched
            service.check_budget([""], body.num_beams)
        client = request.client.host if request.client else None
        text = body.text if body.text is not None else (await config.fetch(body.url, client)).text
        service.check_budget([text], body.num_beams)
        return body, text

    @router.post("/summarize", openapi_extra=_body_schema(SummarizeRequest),
                 responses={**ok(SummarizeAnswer, "The article's record"), **ERRORS},
                 summary="Summarise and translate one article")
    async def summarize(request: Request) -> JSONResponse:
        """The same record as `summarizer run --json`: sentences, Arabic and English summaries, the
        sentence-by-sentence translation with scores and the checks' findings, models, timings, notices."""
        try:
            body, text = await article(request, SummarizeRequest)
            options = service.options.but(**body.options())  # checked once (OptionError: 422 bad-option)
            result = await config.work(service.run, text, options=options, translation=body.translation,
                                       request=request)
        except Exception as exc:
            return error_response(exc)
        result.id = body.id
        return JSONResponse(result.to_dict())

    @router.post("/translate", openapi_extra=_body_schema(TranslateRequest),
                 responses={**ok(TranslateAnswer, "The article's sentence pairs"), **ERRORS},
                 summary="Translate one article, sentence by sentence")
    async def translate(request: Request) -> JSONResponse:
        """No summary: the article's sentences (`translation`: `ar`, `en`, `score`, `findings` each), the
        whole English text (`translation_text`), models, timings and notices (`summarizer translate --json`)."""
        try:
            body, text = await article(request, TranslateRequest)
            require_translation(service)
            options = service.options.but(**body.options())
            (result,) = await config.work(service.translate, [text], options=options,
                                          translation=body.translation, request=request)
            raise_failure(result)
        except Exception as exc:
            return error_response(exc)
        result.id = body.id
        return JSONResponse(translation_record(result))

    FileForm = file_form_model()

    @router.post("/translate_file", openapi_extra=_upload_schema(FileForm),
                 responses={**_document_answers(), **ERRORS,
                            415: {"model": ErrorAnswer, "description": "Not a multipart form (`not-multipart`)"}},
                 summary="Translate a document into a document of its own kind")
    async def translate_file(request: Request) -> Response:
        """A .docx, .html, .txt, .md (or a .pdf's text) back in English, formatting kept, right to left turned
        left to right (`summarizer translate IN -o OUT`; docs/documents.md). Multipart: `file`, and the run
        options of `/translate`. Answers the document; `Accept: application/json`: its record."""
        try:
            check_key(request)
            fields, name, data = await read_document_upload(request)
            body = _validated(FileForm, fields)
            service.check_budget([""], body.num_beams)  # too many beams: refused before the document is read
            options = service.options.but(**body.options())
            done = await translate_upload(config, request, name, data, options=options, translation=body.translation)
        except Exception as exc:
            return error_response(exc)
        if _wants_json(request):
            return JSONResponse(done.as_json())
        return Response(done.data, media_type=done.media_type, headers=done.headers())

    DigestRequest = digest_request_model()

    @router.post("/digest", openapi_extra=_inline_schema(DigestRequest),
                 responses={**ok(DigestAnswer, "The digest's record"), **ERRORS},
                 summary="Several articles grouped by story: summaries, what each adds, where they disagree")
    async def digest(request: Request) -> JSONResponse:
        """The record of `summarizer digest -o digest.json` (docs/digest.md): `stories` (each with its `articles`,
        `summary_ar`, `summary_en`, `adds` and `disagreements`) and `skipped` (an empty, non-Arabic or repeated
        article, with its code: never an error). Its limits: the number of `articles`, each within `max_chars`, all
        of them together within the budget of one request (GET /api/v1/models, `limits`)."""
        try:
            check_key(request)
            body = _validated(DigestRequest, await read_json_object(request, config.max_body_bytes))
            items = digest_items(body)
            service.check_budget([item["text"] for item in items], body.num_beams)  # before any work
            options = service.options.but(**body.options())  # checked once (OptionError: 422 bad-option)
            done = await config.work(service.digest, items, options=options, translation=body.translation,
                                     request=request)  # a client that leaves stops it at its next article or batch
        except Exception as exc:
            return error_response(exc)
        return JSONResponse(done.to_dict())

    @router.get("/models", responses={**ok(ModelsAnswer, "What this server runs"), 401: ERRORS[401]},
                summary="The models loaded and the choices offered")
    async def models(request: Request) -> JSONResponse:
        """What this server runs: the loaded models (id, engine, licence), the summary methods and
        translation choices it offers, the ones it cannot offer and why, its size limit and the budget
        of one request (`limits`: cost = beams x (characters + `sentence_overhead` a sentence), at most `max_cost`)."""
        try:
            check_key(request)
        except ApiError as exc:
            return error_response(exc)
        available = service.methods
        return JSONResponse({
            "models": service.pipeline.models,
            "summary_methods": [{"name": name, "label": m.label, "available": name in available,
                                 "needs_model": m.needs_model, "writes_summary": m.writes_summary}
                                for name, m in METHODS.items()],
            "default_summary_method": service.default_method,
            "translations": [{"name": name, "status": status, **_choice(name)}
                             for name, status in service.translations.items()],
            "default_translation": service.default_translation,
            "unavailable_translations": service.unavailable,
            "load_errors": {role: exc.message(API) for role, exc in service.load_errors.items()},  # no path
            "max_chars": service.max_chars,
            "limits": service.budget.limits() if service.budget else None,
        })

    @router.get("/health", response_model=None, responses=ok(HealthAnswer, "The server is up"),
                summary="Whether the server is up, and its queues")
    async def health() -> dict[str, Any]:
        """Always 200 while the server runs (no key needed): which stages can run, the work gate's load and
        the fetch queue's (`fetch_queue`: `working`, `waiting`, `admitted`, `concurrency`, `max_queue`,
        `per_client`)."""
        return {"status": "ok", "version": __version__, "summary_model": service.pipeline.summarizer is not None,
                "translation_model": service.translation_available, "queue": config.gate.load(),
                "fetch_queue": service.fetches.load()}

    return router


def _choice(name: str) -> dict[str, Any]:
    choice = TRANSLATION_MODELS.get(name)
    if choice is None:
        return {"model": name, "label": name, "licence": None}
    return {"model": choice.model, "label": choice.label, "licence": choice.licence}
