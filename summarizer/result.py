"""What the pipeline produces, as types, in two parts (as faster-whisper gives segments beside one
``TranscriptionInfo``): each article's ``Result`` (sentence pairs, the summary, its notices), and the
run's facts, ``RunInfo`` (models, licences, load notices), given once by ``Pipeline.info`` and shared by
every result of the run (``result.run``).

``Result.to_dict()`` is the JSON record that ``run --json``, ``batch``, the page's download and the
Ray part files write; its keys (``RECORD_KEYS``) only ever grow, and each record still holds the run's
facts (``models``, the run's notices and warnings) for the scripts that read one record alone. The typed
fields (``SentencePair``, ``SummaryInfo``, ``Notice``) are what code reads: the page and the views never
re-derive from text what the pipeline knew (which article sentences an extractive summary is made of,
which warning is which). What is derived is a property of what it derives from, never stored twice.
"""

from __future__ import annotations

import functools
import math
import types
from dataclasses import dataclass, field, fields
from typing import Any

from .checks import Finding
from .errors import API, CLI, PAGE, PYTHON
from .notices import RUN, Notice
from .stages.clean import Removal


@dataclass
class Repair:
    """What the repair step did with a sentence whose first English had a repairable finding
    (``summarizer.repair``): it translated the sentence again into ``candidates`` candidates, and
    ``repaired``: one of them, without the finding, replaced the first English. ``codes``: the first
    English's repairable finding codes; ``first_en`` and ``first_score``: that first English and its
    score, kept whether or not it was replaced."""

    codes: list[str] = field(default_factory=list)
    candidates: int = 0
    repaired: bool = False
    first_en: str = ""
    first_score: float | None = None


@dataclass
class SentencePair:
    """One article sentence and its English.

    ``score``: the translation model's mean log-probability per token (0 = certain; ``None``: not
    translated, or an engine without scores). ``findings``: what the checks found in this pair.
    ``repair``: what the repair step did, when it translated the sentence again (``None``: it did not).
    """

    ar: str
    en: str = ""
    score: float | None = None
    findings: list[Finding] = field(default_factory=list)
    repair: Repair | None = None

    @property
    def repaired(self) -> bool:
        """Whether ``en`` is the repair step's candidate rather than the first English (``repair.first_en``)."""
        return self.repair is not None and self.repair.repaired


@dataclass
class SummaryInfo:
    """How the Arabic summary was made.

    ``sources``: per summary sentence, the article sentences (0-based) it draws on; ``exact``: the
    summary is made of those very sentences (extractive, lead), else they are the closest by shared
    words (abstractive). ``read_fraction``: the share of the article's characters the summary model
    read (1.0 for a method that reads everything). ``findings``: what the checks found in it.
    """

    method: str = ""
    model: str | None = None
    exact: bool = True
    sources: list[list[int]] = field(default_factory=list)
    read_fraction: float | None = None
    findings: list[Finding] = field(default_factory=list)
    english_findings: list[Finding] = field(default_factory=list)  # the English summary against the Arabic

    @property
    def used(self) -> list[int]:
        """Every article sentence the summary draws on, in article order."""
        return sorted({i for group in self.sources for i in group})


ModelFacts = dict[str, dict[str, str | None] | None]  # per role: id, engine, choice, licence...; None when off


@dataclass(frozen=True)
class RunInfo:
    """What holds for every article of one run: given once (``Pipeline.info``) and shared by each of its
    results (``result.run``), as faster-whisper gives one ``TranscriptionInfo`` beside its segments.

    ``models``: per role ("summary", "translation"), the model's ``id``, ``engine``, ``choice``,
    ``licence`` (None: unknown here), ``vocab_restriction`` and ``target_vocabulary``; None when the role
    is off. ``notices``: the run's own (scope "run": a model that could not be loaded, translation off,
    an engine substituted). One object for the whole run: read it, never change it in place.
    """

    models: ModelFacts = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)

    @property
    def licences(self) -> dict[str, str | None]:
        """Per role, its model's licence (None: the role is off, or the licence is unknown here)."""
        return {role: model.get("licence") if model else None for role, model in self.models.items()}

    @property
    def warnings(self) -> list[str]:
        """The run notices' words (the Python surface's)."""
        return [n.message() for n in self.notices]

    def to_dict(self) -> dict:
        """JSON-ready: ``models``, ``licences``, ``notices`` (as in a record) and ``warnings``."""
        return {"models": _plain(self.models), "licences": self.licences,
                "notices": [n.to_dict() for n in self.notices], "warnings": self.warnings}


# The keys of a ``to_dict()`` record, in their order: they only ever grow (users' scripts read them).
RECORD_KEYS = ("id", "sentences", "removed", "summary_ar", "summary_method", "translation", "translation_text",
               "summary_en", "models", "timings", "warnings", "error", "summary", "error_code", "notices")


@dataclass
class Result:
    """Everything the pipeline produced for one article (``to_dict`` is what the CLI writes); the run's
    facts are ``run``, one ``RunInfo`` shared by every result of the run.

    What is derived is read through a property of its source: ``summary_method`` (``summary.method``),
    ``translation_text`` (the pairs' English), ``models`` (``run.models``), ``notices`` (the run's, then
    ``article_notices``) and ``warnings`` (each notice's words).
    """

    id: str | None = None
    sentences: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    summary_ar: str = ""
    # one per sentence, in order (see SentencePair)
    translation: list[SentencePair] = field(default_factory=list)
    summary_en: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    error: str | None = None
    summary: SummaryInfo = field(default_factory=SummaryInfo)
    error_code: str | None = None
    # The notices about this article alone (a page shows the run's once, not with every result).
    article_notices: list[Notice] = field(default_factory=list)
    run: RunInfo = field(default_factory=RunInfo)
    # The exception behind ``error`` (``Pipeline.__call__`` raises it, or a ProcessingError from it); not in to_dict.
    failure: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def summary_method(self) -> str:
        """The method that made the summary, with its detail (``abstractive-lead``, ``lead-3``...)."""
        return self.summary.method

    @property
    def translation_text(self) -> str:
        """The whole English text: each sentence's English in order, joined by spaces (empty ones left out)."""
        return " ".join(p.en for p in self.translation if p.en)

    @property
    def models(self) -> ModelFacts:
        """The run's models (``run.models``: the same object for every result of the run)."""
        return self.run.models

    @property
    def notices(self) -> list[Notice]:
        """The run's notices (scope "run") first, then the article's."""
        return [*self.run.notices, *self.article_notices]

    @property
    def warnings(self) -> list[str]:
        """Every notice's words (the Python surface's), in the order of ``notices``."""
        return [n.message() for n in self.notices]

    def add_notice(self, notice: Notice) -> None:
        self.article_notices.append(notice)

    def to_dict(self) -> dict:
        """The record: every key of ``RECORD_KEYS``, JSON-ready; the run's facts written into it."""
        return {key: _plain(getattr(self, key)) for key in RECORD_KEYS}

    @classmethod
    def from_dict(cls, record: dict) -> Result:
        """The typed Result back from a ``to_dict()`` record (a ``run --json`` output, a batch line, a
        Parquet row through ``from_row``), so that code reading saved results gets the same types as
        code calling the pipeline. Keys it does not know are ignored; a value of the wrong shape, or a
        notice or finding code that is not in its catalogue, raises ``ValueError`` naming the key.

        A value must fit its key's type exactly (``record_types``, see ``_typed``), so that every view
        and writer of the Result (``to_dict``, JSON, Markdown, the page's table, a Parquet row) takes it:
        a record from a browser or a file is data, and what is made of it never fails on it.

        The record's ``models`` and its notices of scope "run" become the result's ``run``. A derived key
        (``summary_method``, ``translation_text``, ``warnings``) is held to its shape and then read from
        its source; a record without ``summary`` takes the summary's method from ``summary_method``."""
        record = _expect(record, dict, "record")
        values = {key: _typed(hint, record[key], f"record.{key}", any_string=key in _ANY_STRING)
                  for key, hint in record_types().items() if key in record}
        notices = values.pop("notices", [])
        run = RunInfo(values.pop("models", {}), [n for n in notices if n.scope == RUN])
        method = values.pop("summary_method", "")
        values.setdefault("summary", SummaryInfo(method))
        for derived in ("translation_text", "warnings"):
            values.pop(derived, None)
        try:
            return cls(**values, article_notices=[n for n in notices if n.scope != RUN], run=run)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"record: {exc}") from None


# The keys of a translation-only record (``summarizer translate --json``, ``POST /api/v1/translate``): the
# ``to_dict()`` record without the summaries, which a translation-only run does not make.
TRANSLATION_KEYS = ("id", "sentences", "removed", "translation", "translation_text", "models", "timings", "warnings",
                    "error", "error_code", "notices")


def translation_record(result: Result) -> dict:
    """A translation-only run's record: its sentence pairs (``ar``, ``en``, ``score``, ``findings``) and the
    facts of the run, with the same values as in ``result.to_dict()``."""
    record = result.to_dict()
    return {key: record[key] for key in TRANSLATION_KEYS}


def _plain(value: Any) -> Any:
    """A value that may hold dataclasses, as plain JSON-ready values (a fresh copy of every dict and list)."""
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return value.to_dict()
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# -- a record read back as its types (Result.from_dict) ----------------------------------------------
MAX_INDEX = 2**63 - 1  # an index (a sentence, a line): an Arrow int64 in the Parquet part files
# The strings that may hold a lone surrogate: a file name that is not UTF-8 gives one to an id (and to the
# error that names the file); the writers escape them, and no view shows them. Any other text is written as
# UTF-8 (the Markdown and JSON downloads, the page), which a lone surrogate cannot be.
_ANY_STRING = ("id", "error")


def _typed(hint: Any, value: Any, where: str, *, any_string: bool = False) -> Any:
    """``value`` (JSON-shaped) as ``hint`` says, or a ``ValueError`` naming ``where``: a dataclass from its
    fields, a Notice through its catalogue, lists and dicts item by item. What fits exactly: a ``str``
    without lone surrogates (unless ``any_string``), an ``int`` that is an index (0 to ``MAX_INDEX``, never
    a bool), a finite ``float`` (an int is taken as one), and for ``Any`` a JSON value (``_json_value``)."""
    import typing

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (hint,) = [a for a in args if a is not type(None)]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Notice:
        return _notice(value, where)
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        value = _expect(value, dict, where)
        hints = typing.get_type_hints(hint)
        kwargs = {f.name: _typed(hints[f.name], value[f.name], f"{where}.{f.name}")
                  for f in fields(hint) if f.init and f.name in value}
        try:
            return hint(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from None
    if origin is list or hint is list:
        item = args[0] if args else Any
        return [_typed(item, v, f"{where}[{i}]") for i, v in enumerate(_expect(value, list, where))]
    if origin is dict or hint is dict:
        key, item = args or (str, Any)
        return {_typed(key, k, f"{where} (a key)"): _typed(item, v, f"{where}[{k!r}]")
                for k, v in _expect(value, dict, where).items()}
    if hint is float:
        return _finite(_expect(value, (int, float), where), where)
    if hint is int:
        if not 0 <= _expect(value, int, where) <= MAX_INDEX:
            raise ValueError(f"{where}: expected an index from 0 to 2**63 - 1, got a number outside it")
        return value
    if hint is str:
        return _expect(value, str, where) if any_string else _text(_expect(value, str, where), where)
    if hint is bool:
        return _expect(value, bool, where)
    if hint is Any:  # free-form: the only place where a record can nest as deep as it likes
        try:
            return _json_value(value, where)
        except RecursionError:
            raise ValueError(f"{where}: nested too deeply") from None
    raise TypeError(f"{where}: Result.from_dict reads no field typed {hint!r}")  # a new field's type: add it above


def _notice(value: Any, where: str) -> Notice:
    """A notice from its code and parameters, refused unless its words come out on every surface (the
    page's words may need parameters the Python words do not)."""
    value = _expect(value, dict, where)
    code = _typed(str, value.get("code"), f"{where}.code")
    params = _typed(dict[str, Any], value.get("params", {}), f"{where}.params")
    try:
        made = Notice(code, params)
        for surface in (PYTHON, CLI, PAGE, API):
            made.message(surface)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"{where}: not a notice this version knows ({exc})") from None
    return made


def _json_value(value: Any, where: str) -> Any:
    """A free-form value (a finding's evidence, a notice's parameter) as strict JSON holds it: null, a
    bool, text, a number that a JSON reader can read (finite; an int within a double's range), and lists
    and objects (string keys) of these."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value, where)
    if isinstance(value, (int, float)):
        _finite(value, where)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_json_value(v, f"{where}[{i}]") for i, v in enumerate(value))
    if isinstance(value, dict):
        return {_text(_expect(k, str, f"{where} (a key)"), f"{where} (a key)"): _json_value(v, f"{where}[{k!r}]")
                for k, v in value.items()}
    raise ValueError(f"{where}: expected a JSON value, got {type(value).__name__}")


def _finite(value: int | float, where: str) -> float:
    """``value`` as a finite float (an int of more than a double's range cannot be one)."""
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{where}: a number too large to read (more than 1.8e308)") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}: expected a finite number, got {number}")
    return number


def _text(value: str, where: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{where}: a lone surrogate at character {exc.start} (not text UTF-8 can write)") from None
    return value


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, (int, float))):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ValueError(f"{where}: expected {names}, got {type(value).__name__}")
    return value


@functools.cache
def record_types() -> dict[str, Any]:
    """Each key of a ``to_dict()`` record (``RECORD_KEYS``, in order) and the type its value has on a
    Result: a field's type, or a property's return type (``from_dict``, the Parquet schema and the REST
    API's schema are derived from them). Read it, never change it: it is made once."""
    import typing

    hints = typing.get_type_hints(Result)
    return {key: hints[key] if key in hints else typing.get_type_hints(getattr(Result, key).fget)["return"]
            for key in RECORD_KEYS}


__all__ = ["RECORD_KEYS", "TRANSLATION_KEYS", "Removal", "Repair", "Result", "RunInfo", "SentencePair", "SummaryInfo",
           "record_types", "translation_record"]


# -- the Parquet form of a record, derived from the types above ---------------------------------------
# A field typed with a dataclass becomes a struct, list[X] a list, dict[str, float] a map, str/int/float
# their Arrow types; a field whose contents are free-form (a bare dict or list: models, findings, a
# notice's parameters) is written as a JSON string and read back as the same value.
@dataclass(frozen=True)
class _Codec:
    arrow: Any
    encode: Any
    decode: Any


def _same(value: Any) -> Any:
    return value


def _codec(hint: Any) -> _Codec:
    import json
    import typing

    import pyarrow as pa

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return _codec(inner)
    scalars = {str: pa.string(), bool: pa.bool_(), int: pa.int64(), float: pa.float64()}
    if hint in scalars:
        return _Codec(scalars[hint], _same, _same)
    if origin is list and args:
        item = _codec(args[0])
        return _Codec(pa.list_(item.arrow), lambda v: [item.encode(x) for x in v],
                      lambda v: [item.decode(x) for x in v])
    if origin is dict and args == (str, float):
        return _Codec(pa.map_(pa.string(), pa.float64()), lambda v: list(v.items()), dict)
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__") and hint is not Notice:
        hints = typing.get_type_hints(hint)
        parts = {f.name: _codec(hints[f.name]) for f in fields(hint)}
        return _Codec(pa.struct([(name, c.arrow) for name, c in parts.items()]),
                      lambda v: {k: _maybe(c.encode, v.get(k)) for k, c in parts.items()},
                      lambda v: {k: _maybe(c.decode, v.get(k)) for k, c in parts.items()})
    return _Codec(pa.string(), lambda v: json.dumps(v, ensure_ascii=False), json.loads)  # free-form


def _maybe(fn: Any, value: Any) -> Any:
    return None if value is None else fn(value)


# The part files' columns: the record's keys, in the order Parquet part files have always had them.
_COLUMNS = (*(key for key in RECORD_KEYS if key != "error_code"), "error_code")


def _record_codecs() -> dict[str, _Codec]:
    hints = {**record_types(), "notices": list}  # Notice.to_dict(): code, severity, params, message
    return {key: _codec(hints[key]) for key in _COLUMNS}


def record_schema():
    """The Arrow schema of ``Result.to_dict()`` records (the Ray batch's Parquet part files)."""
    import pyarrow as pa

    return pa.schema([(name, codec.arrow) for name, codec in _record_codecs().items()])


def to_row(record: dict) -> dict:
    """A ``to_dict()`` record (or an ``{"id", "error"}`` one) as a row of ``record_schema()``."""
    return {name: _maybe(codec.encode, record.get(name)) for name, codec in _record_codecs().items()}


def from_row(row: dict) -> dict:
    """A row read back from Parquet as the record it was written from."""
    return {name: _maybe(codec.decode, row.get(name)) for name, codec in _record_codecs().items()}
