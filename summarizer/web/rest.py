"""The REST API on the page's server: ``/api/v1/summarize``, ``/translate``, ``/models``, ``/health``.

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
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .. import __version__
from ..choices import TRANSLATION_MODELS
from ..errors import API
from ..options import CALL, REST, SUMMARY, Option, options_of
from ..result import translation_record
from ..service import MAX_BEAMS
from ..stages.methods import METHODS
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
from .schemas import HealthAnswer, ModelsAnswer, SummarizeAnswer, TranslateAnswer, ok

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


def _request_model(name: str, doc: str, *, summary: bool) -> type[_Request]:
    """A request model with the option table's run options shown on the REST API (``summary=False``:
    without the summary's, for ``/translate``)."""
    fields = {option.name: _option_field(option) for option in options_of(CALL, REST).values()
              if summary or option.concerns != SUMMARY}
    return create_model(name, __base__=_Request, __doc__=doc, **fields)


def request_models() -> tuple[type[_Request], type[_Request]]:
    """(summarize, translate) request models, made from the option table as it is now."""
    return (_request_model("SummarizeRequest", "One article and the options of this run (any option left out: "
                                               "the server's default).", summary=True),
            _request_model("TranslateRequest", "One article to translate sentence by sentence, without a summary.",
                           summary=False))


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
