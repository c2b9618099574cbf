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

from ..digest.record import DISAGREEMENT_KINDS, SKIP_CODES
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


class LeftoverAnswer(BaseModel):
    where: str = Field(description="The place in the document, in words (`footnotes paragraph 3`, `line 12`).")
    letters: int = Field(description="The Arabic letters left there.")
    text: str = Field(description="The start of its text, to find it.")


class DocumentNoteAnswer(BaseModel):
    code: str = Field(description="What it is about, for code (`pdf-as-text`, `macros-dropped`...).")
    message: str = Field(description="Its words.")


class TranslateFileAnswer(BaseModel):
    """A translated document's record (``TranslatedDocument.to_dict()``, file names in place of paths), with the
    document itself in base64."""

    path: str = Field(description="The translated document's file name (the name it is downloaded as).")
    source: str = Field(description="The uploaded file's name, as this server kept it (letters and digits).")
    format: str = Field(description="The written document's kind: `docx`, `html`, `text`, `markdown`.")
    source_format: str = Field(description="The uploaded document's kind (`pdf` too).")
    segments: int = Field(description="The paragraphs, blocks or lines that held Arabic.")
    sentences: int = Field(description="The Arabic sentences translated.")
    unique_sentences: int = Field(description="How many of them were different (each went to the model once).")
    arabic_left: int = Field(description="The Arabic letters the written document still holds (0: none left).")
    left_in: list[LeftoverAnswer] = Field(description="Where they are.")
    notes: list[DocumentNoteAnswer] = Field(description="What else to know (a PDF written as Word, macros dropped).")
    note: str = Field(description="The notes' words as one text (empty when there are none).")
    filename: str = Field(description="The name to save the document as (the same as `path`).")
    media_type: str = Field(description="The document's media type.")
    document: str = Field(description="The translated document's bytes, in base64.")


def ok(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses`` entry for its answer (status 200): its schema in the OpenAPI description."""
    return {200: {"model": model, "description": description}}


# -- POST /api/v1/digest: ``Digest.to_dict()`` (docs/digest.md, "The record") --------------------------------
class DigestSentenceAnswer(BaseModel):
    """A sentence of a story's summary."""

    ar: str = Field(description="The Arabic, as the first article that carries it wrote it.")
    en: str = Field(description="Its English (empty without a translation model).")
    articles: list[str] = Field(description="Every article that carries it or a near-duplicate of it, the one "
                                            "quoted first.")


class DigestAdditionAnswer(BaseModel):
    """What one article adds to its story."""

    article: str = Field(description="The article's id.")
    sentences: list[str] = Field(description="Its sentences that no other article of the story carries.")
    sentences_en: list[str] = Field(description="Their English (empty without a translation model).")


class DisagreementReportAnswer(BaseModel):
    """One side of a disagreement."""

    value: str = Field(description="The value, normalised (`270,000`, `2016-02-27`, `02-27`, a name as written).")
    text: str = Field(description="The words that state it.")
    sentence: str = Field(description="The sentence that states it.")
    articles: list[str] = Field(description="The articles that report it so.")


class DisagreementAnswer(BaseModel):
    """The same quantity, date or name reported differently by two articles."""

    kind: Literal[DISAGREEMENT_KINDS] = Field(description="What it is about.")  # type: ignore[valid-type]
    values: list[str] = Field(description="The differing values, one per report.")
    articles: list[str] = Field(description="The articles that give any of them, each once.")
    reports: list[DisagreementReportAnswer] = Field(description="Per value: its words, sentence and articles.")


class DigestStoryAnswer(BaseModel):
    """Articles that report one story, and what the digest says of them."""

    id: str = Field(description="`story-1`, `story-2`...")
    articles: list[str] = Field(description="The ids of its articles, in time order when dates are known, else as "
                                            "given.")
    dates: dict[str, str] = Field(description="The dates given, by article (ISO 8601).")
    lead: str = Field(description="The article most central to the story (what the abstract summarises).")
    title_ar: str = Field(description="The story's most central sentence of 5-45 words.")
    title_en: str = Field(description="Its English (empty without a translation model).")
    summary_ar: str = Field(description="The summary, as text.")
    summary_en: str = Field(description="Its English (empty without a translation model).")
    summary: list[DigestSentenceAnswer] = Field(description="The summary's sentences, with the articles that "
                                                            "carry each.")
    abstract_ar: str = Field(description="The summary model's summary of the lead article (empty without it).")
    abstract_en: str = Field(description="Its English.")
    adds: list[DigestAdditionAnswer] = Field(description="Per article, what no other article of the story carries "
                                                         "(none for a story of one article).")
    disagreements: list[DisagreementAnswer] = Field(description="Where its articles differ on a figure, a date or "
                                                                "a name.")


class DigestSkippedAnswer(BaseModel):
    """An article left out of every story, with why (never grouped silently)."""

    article: str = Field(description="The article's id.")
    code: Literal[SKIP_CODES] = Field(description="Why, for code.")  # type: ignore[valid-type]
    reason: str = Field(description="Why, in words.")
    same_as: str = Field(None, description="The article it repeats (only with `duplicate`).")  # type: ignore[assignment]


class DigestAnswer(BaseModel):
    """Articles grouped by story: the record of `summarizer digest -o digest.json` (`Digest.to_dict()`)."""

    stories: list[DigestStoryAnswer] = Field(description="The stories, the largest first.")
    skipped: list[DigestSkippedAnswer] = Field(description="The articles in no story, with why.")
    threshold: float = Field(description="The similarity an article needed to join a story (0-1).")
    articles_read: int = Field(description="The articles given.")
    models: dict[str, str | None] = Field(description="Per role (`summary`, `translation`): the model that wrote "
                                                      "the abstracts or the English, null when none did.")
