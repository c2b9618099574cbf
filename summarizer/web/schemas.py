"""The REST answers' shapes, as pydantic models: FastAPI writes them into ``/openapi.json``, read at ``/docs``.

The routes (``rest``) still write their answers themselves (``Result.to_dict()``, ``translation_record``...);
these models say what those answers hold, so that a client can generate its types from the OpenAPI
description. The article records are derived from ``Result``'s own types (``result.record_types``): a key
added to the record is in the schema at once, with the pairs, the summary and the removals described by
their dataclasses. The tests validate a real answer of each route against its schema.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ..notices import Notice
from ..result import RECORD_KEYS, TRANSLATION_KEYS, ModelFacts, record_types
from ..service import LOADED, ON_FIRST_USE


class NoticeAnswer(BaseModel):
    """A notice about the run or the article, as a record holds it."""

    code: str = Field(description="What it is about, for code (`summary-model-missing`, `translation-empty`...).")
    severity: str = Field(description="`info` or `warning`.")
    params: dict[str, Any] = Field(description="The values its words are made from.")
    message: str = Field(description="Its words.")


class ModelAnswer(BaseModel):
    """One loaded model."""

    id: str = Field(description="Its hub id, or a local folder's name (never a path of the server).")
    engine: str = Field(description="What runs it: `ctranslate2` or `transformers`.")
    choice: str | None = Field(description="Its named choice (`fast`, `best`, `nllb-600m`), if it is one.")
    licence: str | None = Field(description="Its licence (`-NC`: non-commercial use only); null when unknown here.")
    vocab_restriction: Literal["on", "off"] = Field(description="Whether its decoder is restricted to the "
                                                                "output language's vocabulary.")
    target_vocabulary: str = Field(description="What its decoder's vocabulary holds.")


MODELS = dict[str, ModelAnswer | None]
MODELS_HELP = ("Per role (`summary`, `translation`): the model that ran, null when the role is off. The same for "
               "every article of the run.")

# What each key of an article's record says (the keys and their types come from ``Result``).
RECORD_HELP = {
    "id": "The request's `id`, copied (null when none was given).",
    "sentences": "The cleaned article, split into sentences.",
    "removed": "What cleaning took out of the article (markup, separators, teasers...), and from which line.",
    "summary_ar": "The Arabic summary.",
    "summary_method": "The method that made the summary, with its detail (`abstractive-lead`, `lead-3`...); "
                      "the same as `summary.method`.",
    "translation": "One pair per sentence, in order: the Arabic, its English, the model's score and what the "
                   "checks found.",
    "translation_text": "The whole English text: each sentence's English, joined by spaces.",
    "summary_en": "The English summary.",
    "models": MODELS_HELP,
    "timings": "Seconds per stage.",
    "warnings": "Every notice's words, in the order of `notices`.",
    "error": "Why the article could not be processed; null when it was.",
    "summary": "How the summary was made: its method and model, the article sentences each summary sentence "
               "draws on, the share of the article read, what the checks found.",
    "error_code": "The error's code; null when there is none.",
    "notices": "The run's notices (a model that could not be loaded...), then the article's.",
}


def _answer_type(hint: Any) -> Any:
    """A record's type as JSON holds it: a notice as its dict, a model as ``ModelAnswer``, a dataclass
    as a model of its fields (``_dataclass_answer``), lists, dicts and unions of these."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Notice:
        return NoticeAnswer
    if hint == ModelFacts:
        return MODELS
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_answer(hint)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, (_answer_type(a) for a in args))  # X | Y | ...
    if origin is list:
        return list[_answer_type(args[0])]
    if origin is dict:
        return dict[args[0], _answer_type(args[1])]
    return hint


@functools.cache
def _dataclass_answer(cls: type) -> type[BaseModel]:
    """A dataclass (``SentencePair``, ``Finding``...) as its answer holds it: every field, always there
    (a field with a default is written all the same), described by the dataclass's docstring."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: (_answer_type(hints[f.name]), ...) for f in dataclasses.fields(cls)}
    return create_model(cls.__name__, __doc__=cls.__doc__, **fields)


def _record_model(name: str, keys: tuple[str, ...], doc: str) -> type[BaseModel]:
    hints = record_types()
    fields = {key: (_answer_type(hints[key]), Field(description=RECORD_HELP[key])) for key in keys}
    return create_model(name, __doc__=doc, **fields)


SummarizeAnswer = _record_model(
    "SummarizeAnswer", RECORD_KEYS,
    "One article's record, the same as `summarizer run --json` writes (`Result.to_dict()`).")
TranslateAnswer = _record_model(
    "TranslateAnswer", TRANSLATION_KEYS,
    "One article translated sentence by sentence, the same as `summarizer translate --json` writes.")


class MethodAnswer(BaseModel):
    name: str = Field(description="The value of `summary_method`.")
    label: str = Field(description="Its name on the page.")
    available: bool = Field(description="Whether this server can run it (a method that needs the summary model "
                                        "cannot run without it).")
    needs_model: bool = Field(description="Whether it runs the summary model.")
    writes_summary: bool = Field(description="Whether it makes a summary (`none`: translation only).")


class TranslationChoiceAnswer(BaseModel):
    name: str = Field(description="The value of `translation`.")
    status: Literal[LOADED, ON_FIRST_USE] = Field(description="Loaded, or loaded on its first request.")
    model: str = Field(description="The model it runs.")
    label: str = Field(description="Its name on the page.")
    licence: str | None = Field(description="Its licence; null when unknown here.")


class LimitsAnswer(BaseModel):
    """The budget of one request: cost = beams x (characters + `sentence_overhead` a sentence)."""

    max_chars: int = Field(description="The longest article taken, in characters.")
    max_cost: int = Field(description="The most a request may cost.")
    max_beams: int = Field(description="The largest `num_beams`.")
    default_beams: int = Field(description="The beams of a request that gives none.")
    sentence_overhead: int = Field(description="What each sentence costs beyond its characters.")


class ModelsAnswer(BaseModel):
    """What this server runs and offers."""

    models: MODELS = Field(description=MODELS_HELP)
    summary_methods: list[MethodAnswer] = Field(description="Every registered summary method.")
    default_summary_method: str = Field(description="The method of a request that names none.")
    translations: list[TranslationChoiceAnswer] = Field(description="The translation choices offered here.")
    default_translation: str | None = Field(description="The choice of a request that names none; null when "
                                                        "no translation model is loaded.")
    unavailable_translations: dict[str, str] = Field(description="The named choices that cannot be loaded "
                                                                 "here, and why.")
    load_errors: dict[str, str] = Field(description="Per role, why its model could not be loaded.")
    max_chars: int = Field(description="The longest article taken, in characters.")
    limits: LimitsAnswer | None = Field(description="The budget of one request.")


class QueueAnswer(BaseModel):
    working: int = Field(description="Requests at work now.")
    waiting: int = Field(description="Requests waiting for a slot.")
    admitted: int = Field(description="Requests of the HTTP API holding a place now, at work or waiting.")
    concurrency: int = Field(description="Requests at work at once, at most.")
    max_queue: int = Field(description="Requests waiting, at most; beyond that: 429.")


class FetchQueueAnswer(QueueAnswer):
    per_client: int = Field(description="Fetches in flight for one client address, at most.")


class HealthAnswer(BaseModel):
    """The server is up: what it can run, and its queues."""

    status: Literal["ok"]
    version: str = Field(description="The package's version.")
    summary_model: bool = Field(description="Whether the summary model is loaded.")
    translation_model: bool = Field(description="Whether a translation model is loaded.")
    queue: QueueAnswer = Field(description="The work gate: articles at work and waiting.")
    fetch_queue: FetchQueueAnswer = Field(description="The queue of web addresses to fetch.")


def ok(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses`` entry for its answer (status 200): its schema in the OpenAPI description."""
    return {200: {"model": model, "description": description}}
