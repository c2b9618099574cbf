"""One table of options: each option is declared once, in ``OPTIONS``, and every surface is made from it.

An ``Option`` says its name, type, default, choices (each with what it does), range, whether it is fixed
when the models load (``LOAD``) or may change with every call (``CALL``), and which surfaces show it.
From the table come: the command-line flags (``add_option_arguments``), the ``SUMMARIZER_<NAME>``
variables that ``summarizer serve`` reads as its defaults (as LibreTranslate's ``LT_*``), the REST
request models (``summarizer.web.rest``), the page's choices (``summarizer.web.page``) and the keywords
of ``Pipeline`` and of its calls. The values travel as one object, ``Options`` (its ``load`` and ``run``
parts), checked once, when it is made.

A new option is one ``declare_option(Option(...))`` (or one entry of ``OPTIONS`` below); its value is
then read where it is used, as ``options.run.<name>`` or ``options.load.<name>``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from .choices import (
    CHECKS_MODES,
    DEFAULT_CHECKS,
    DEFAULT_LONG_INPUT,
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_METHOD,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_SENTENCES,
    DEFAULT_TRANSLATION_CHOICE,
    DEFAULT_VOCAB_RESTRICTION,
    DEVICES,
    ENGINES,
    LONG_INPUT_MODES,
    MAX_BEAMS_CLI,
    MAX_CHARS_CEILING,
    MAX_SUMMARY_SENTENCES,
    QUANTIZATIONS,
    TRANSLATION_MODELS,
    VOCAB_RESTRICTIONS,
    check_int,
    int_range,
)
from .digest.group import DEFAULT_THRESHOLD as DIGEST_THRESHOLD
from .errors import BadChoice, OptionError
from .stages.methods import SUMMARY_LENGTHS, SUMMARY_METHODS

# When an option's value is set: once, when the models load, or with every call (the pipeline's value
# is then the default of its calls).
LOAD, CALL = "load", "call"
# The surfaces an option can show on (the Python keywords show every option): the commands that run
# articles (``run``, ``translate``, ``batch``), ``summarizer serve`` with its ``SUMMARIZER_*`` variables,
# the REST API's requests and the page.
CLI, SERVE, REST, PAGE = "cli", "serve", "rest", "page"
EVERYWHERE = frozenset({CLI, SERVE, REST, PAGE})
DIGEST = "digest"  # ``summarizer digest`` (and the digest's own route and tab): the options of a digest
# What an option concerns: the summary (not offered where only a translation is made: ``summarizer
# translate``, ``POST /api/v1/translate``) or the whole run.
SUMMARY, RUN = "summary", "run"
ENV_PREFIX = "SUMMARIZER_"


@dataclass(frozen=True)
class Option:
    """One option, as every surface shows it.

    ``choices``: value -> what it does (a mapping, or a function giving one when a registry fills it:
    the summary methods); ``None``: any value of ``type`` within ``minimum``..``maximum``. A default of
    ``None`` (or ``nullable``) lets ``None`` stand for "not set" (each model's own beams...).
    """

    name: str
    default: Any
    help: str
    type: type = str
    choices: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None
    minimum: int | None = None
    maximum: int | None = None
    when: str = CALL
    surfaces: frozenset[str] = EVERYWHERE
    concerns: str = RUN
    nullable: bool = False
    flag: str | None = None  # the command line's name, when not --<name-with-dashes>
    label: str = ""  # the page's name for it (default: its name in words)

    @property
    def page_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def flag_name(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def allowed(self) -> dict[str, str] | None:
        """The choices with what each does (``None``: a free value)."""
        if self.choices is None:
            return None
        return dict(self.choices() if callable(self.choices) else self.choices)

    def check(self, value: Any) -> Any:
        """``value`` if this option takes it, else an ``OptionError`` that says what it takes."""
        if value is None and (self.nullable or self.default is None):
            return None
        allowed = self.allowed()
        if allowed is not None:
            if not isinstance(value, str) or value not in allowed:
                raise BadChoice(self.name, value, list(allowed))
            return value
        if self.type is int:
            return check_int(self.name, value, self.minimum if self.minimum is not None else 1, self.maximum)
        if not isinstance(value, self.type):
            raise OptionError(f"{self.name} must be {self.type.__name__}, not {value!r}")
        return value

    def parse(self, text: str) -> Any:
        """A value from text (a flag's argument, an environment variable), checked."""
        if self.type is int:
            return int_range(self.minimum if self.minimum is not None else 1, self.maximum)(text)
        return self.check(text)


def _summary_methods() -> dict[str, str]:
    return dict(SUMMARY_METHODS)


def _summary_lengths() -> dict[str, str]:
    return {name: length.describe() for name, length in SUMMARY_LENGTHS.items()}


def _translation_help() -> str:
    names = "; ".join(f"{name}: {c.model} ({c.licence}, {c.bleu})" for name, c in TRANSLATION_MODELS.items())
    return f"a named choice ({names}), or any hub id or local folder (default {DEFAULT_TRANSLATION_CHOICE})"


_DECLARED: dict[str, Option] = {}


def declare_option(option: Option) -> Option:
    """Add ``option`` to the table (a name declared twice is an error)."""
    if option.name in _DECLARED:
        raise ValueError(f"option {option.name!r} is declared twice")
    option.check(option.default)
    _DECLARED[option.name] = option
    return option


@contextmanager
def declared(option: Option) -> Iterator[Option]:
    """``option`` in the table for the ``with`` block only (a test's toy option, a plug-in's trial)."""
    declare_option(option)
    try:
        yield option
    finally:
        del _DECLARED[option.name]


OPTIONS: Mapping[str, Option] = MappingProxyType(_DECLARED)  # the table, read-only

for _option in (
    # -- which models load, and how: fixed for a pipeline's life ---------------------------------------
    Option("summary_model", DEFAULT_SUMMARY_MODEL, "hub id or local folder", when=LOAD,
           surfaces=frozenset({CLI, SERVE}), nullable=True, concerns=SUMMARY),
    Option("translation_model", DEFAULT_TRANSLATION_CHOICE, _translation_help(), when=LOAD,
           surfaces=frozenset({CLI, SERVE}), nullable=True),
    Option("engine", "auto", "", choices=ENGINES, when=LOAD, surfaces=frozenset({CLI, SERVE})),
    Option("quantization", None, "CTranslate2 weights/compute type (default: int8 on the CPU)",
           choices={name: name for name in QUANTIZATIONS}, when=LOAD, surfaces=frozenset({CLI, SERVE})),
    Option("device", "cpu", "", choices={name: name for name in DEVICES}, when=LOAD,
           surfaces=frozenset({CLI, SERVE})),
    Option("vocab_restriction", DEFAULT_VOCAB_RESTRICTION, "", choices=VOCAB_RESTRICTIONS, when=LOAD,
           surfaces=frozenset({CLI, SERVE})),
    Option("max_chars", DEFAULT_MAX_CHARS, f"longest article accepted (default {DEFAULT_MAX_CHARS:,})", type=int,
           minimum=1, maximum=MAX_CHARS_CEILING, when=LOAD, surfaces=frozenset({CLI, SERVE})),
    # -- how one article is treated: the pipeline's default, open to each call -------------------------
    Option("summary_method", DEFAULT_SUMMARY_METHOD, "", choices=_summary_methods, concerns=SUMMARY),
    Option("summary_length", None, "the summary's length (default: --summary-sentences and mT5's own limit)",
           choices=_summary_lengths(), concerns=SUMMARY),
    Option("long_input", DEFAULT_LONG_INPUT, "abstractive summary of articles over 512 tokens",
           choices=LONG_INPUT_MODES, concerns=SUMMARY),
    Option("summary_sentences", DEFAULT_SUMMARY_SENTENCES,
           f"sentences in an extractive/lead summary (1-{MAX_SUMMARY_SENTENCES})", type=int, minimum=1,
           maximum=MAX_SUMMARY_SENTENCES, concerns=SUMMARY, surfaces=frozenset({CLI, REST})),
    Option("num_beams", None, "beam size of both models (default: their published 4; 1: greedy, fastest)",
           type=int, minimum=1, maximum=MAX_BEAMS_CLI, surfaces=frozenset({CLI, REST}), flag="--beams"),
    Option("checks", DEFAULT_CHECKS, "", choices=CHECKS_MODES, surfaces=frozenset({CLI, SERVE, REST})),
    Option("repair", "on", "a second try at flagged sentences (needs checks on)", choices={
        "on": "a sentence whose English has a loop, copy-through, untranslated words or a number, negation or "
              "name finding is translated again (the model's best few candidates, loops penalised) and the best "
              "candidate with fewer such findings replaces it; the record keeps the first English",
        "off": "keep the first English"}, label="Repair flagged sentences"),
):
    declare_option(_option)

# A digest across articles (``summarizer digest``, ``Pipeline.digest``): its options show on that surface only.
declare_option(Option(
    "digest_threshold", round(DIGEST_THRESHOLD * 100),
    "the similarity (percent; cosine of TF-IDF terms) an article needs with a story to join it; lower: bigger "
    f"stories (default {round(DIGEST_THRESHOLD * 100)}, fitted on data: docs/digest.md)",
    type=int, minimum=1, maximum=99, surfaces=frozenset({DIGEST})))


def options_of(when: str | None = None, surface: str | None = None) -> dict[str, Option]:
    """The table's options set at ``when`` (``LOAD``/``CALL``), shown on ``surface``, in table order."""
    return {name: o for name, o in OPTIONS.items()
            if (when is None or o.when == when) and (surface is None or surface in o.surfaces)}


class OptionValues(Mapping[str, Any]):
    """The values of the options set at one time (``when``), each checked against the table when made;
    read as attributes (``run.summary_method``) or as a mapping. Immutable: ``but`` makes a changed copy."""

    when: ClassVar[str]
    __slots__ = ("_values",)

    def __init__(self, **given: Any):
        table = options_of(self.when)
        unknown = set(given) - set(table)
        if unknown:
            raise TypeError(f"unknown {self.when} options: {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(table)}")
        values = {name: option.check(given.get(name, option.default)) for name, option in table.items()}
        object.__setattr__(self, "_values", MappingProxyType(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use .but({name}=...)")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"

    def but(self, **changes: Any) -> OptionValues:
        """These values with ``changes`` applied; a change of ``None`` keeps the current value."""
        return type(self)(**{**self._values, **{k: v for k, v in changes.items() if v is not None}})

    def __reduce__(self):  # pickled by value (a Ray worker builds its pipeline from them)
        return (_values_of, (type(self), dict(self._values)))


def _values_of(kind: type[OptionValues], values: dict[str, Any]) -> OptionValues:
    return kind(**values)


class RunOptions(OptionValues):
    """How one article is treated (``summary_method``, ``long_input``, ``num_beams``...: ``options_of(CALL)``)."""

    when = CALL


class LoadOptions(OptionValues):
    """Which models load, and how (``summary_model``, ``engine``, ``max_chars``...: ``options_of(LOAD)``)."""

    when = LOAD


@dataclass(frozen=True)
class Options:
    """Every option's value: what loads (``load``) and how each article is treated (``run``)."""

    load: LoadOptions = field(default_factory=LoadOptions)
    run: RunOptions = field(default_factory=RunOptions)

    @classmethod
    def from_kwargs(cls, **given: Any) -> Options:
        """``Options.from_kwargs(summary_method="lead", device="cuda")``: each name goes where it belongs."""
        unknown = set(given) - set(OPTIONS)
        if unknown:
            raise TypeError(f"unknown options: {', '.join(sorted(unknown))}")
        return cls(LoadOptions(**{k: v for k, v in given.items() if OPTIONS[k].when == LOAD}),
                   RunOptions(**{k: v for k, v in given.items() if OPTIONS[k].when == CALL}))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        """The options ``add_option_arguments`` added to a parser, as parsed."""
        given = {name: getattr(args, name) for name in OPTIONS if hasattr(args, name)}
        if getattr(args, "no_translate", False):
            given["translation_model"] = None
        return cls.from_kwargs(**given)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Options:
        """``SUMMARIZER_SUMMARY_METHOD=lead``, ``SUMMARIZER_MAX_CHARS=50000``...: every option's variable."""
        return cls.from_kwargs(**env_values(environ))

    def to_dict(self) -> dict[str, Any]:
        """Every option's value by name: the ``Pipeline`` keywords these options stand for (JSON-ready)."""
        return {**self.load, **self.run}

    def but(self, **changes: Any) -> Options:
        """These options with ``changes`` (of either part) applied; ``None`` keeps a value."""
        unknown = set(changes) - set(OPTIONS)
        if unknown:
            raise TypeError(f"unknown options: {', '.join(sorted(unknown))}")
        return Options(self.load.but(**{k: v for k, v in changes.items() if OPTIONS[k].when == LOAD}),
                       self.run.but(**{k: v for k, v in changes.items() if OPTIONS[k].when == CALL}))


def env_values(environ: Mapping[str, str] | None = None, surface: str | None = None) -> dict[str, Any]:
    """The options set by ``SUMMARIZER_<NAME>`` variables (of ``surface``'s options), parsed and checked;
    a bad value is an ``OptionError`` naming the variable."""
    environ = os.environ if environ is None else environ
    given: dict[str, Any] = {}
    for name, option in options_of(surface=surface).items():
        raw = environ.get(option.env_name)
        if raw is None or raw == "":
            continue
        try:
            given[name] = option.parse(raw)
        except (OptionError, argparse.ArgumentTypeError) as exc:
            raise OptionError(f"${option.env_name}: {exc}") from None
    return given


def _help(choices: Mapping[str, str]) -> str:
    return "; ".join(f"{name}: {text}" for name, text in choices.items() if text != name)


def add_option_arguments(parser: argparse.ArgumentParser, surface: str = CLI, *, concerns: str | None = None,
                         environ: Mapping[str, str] | None = None) -> argparse._ArgumentGroup:
    """The flags of ``surface``'s options (``CLI``: ``summarizer run|batch``; ``SERVE``: ``summarizer
    serve``, whose defaults are its ``SUMMARIZER_*`` variables). ``concerns=RUN`` leaves out the summary's
    options (``summarizer translate``)."""
    values = env_values(environ, surface) if surface == SERVE else {}
    group = parser.add_argument_group("models and summary")
    for name, option in options_of(surface=surface).items():
        if concerns == RUN and option.concerns == SUMMARY:
            continue
        allowed = option.allowed()
        default = values.get(name, option.default)
        words = "; ".join(part for part in (option.help, _help(allowed) if allowed else "") if part)
        if surface == SERVE:
            words += f" (also ${option.env_name})"
        kwargs: dict[str, Any] = {"default": default, "dest": name, "help": words}
        if allowed is not None:
            kwargs["choices"] = list(allowed)
        elif option.type is int:
            kwargs["type"] = option.parse
        group.add_argument(option.flag_name, **kwargs)
    if surface == CLI:
        group.add_argument("--no-translate", action="store_true", help="skip the English translation")
    return group


def options_markdown() -> str:
    """The table as Markdown, for docs/options.md (``python -m summarizer.options > docs/options.md``; a
    test keeps that file in step with the table)."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["# Options", "",
             "Every option of the package, declared once in `summarizer/options.py` (`OPTIONS`). Made by "
             "`python -m summarizer.options > docs/options.md`.", "",
             "- **Set**: `load` options choose the models, once; `call` options are the defaults of each "
             "article, and every call or request may give its own.",
             "- **Command line**: `summarizer run`, `translate` and `batch`; **serve**: `summarizer serve`, whose "
             "defaults are the `SUMMARIZER_<NAME>` variables; **REST**: a field of `POST /api/v1/summarize` "
             "(and `/translate`, unless it concerns the summary); **page**: a choice on the page; every option "
             "is also a keyword of `Pipeline(...)`, of `pipeline(text, ...)` (a `call` option) and of "
             "`Service.load(...)`.", "",
             "| option | set | default | values | flag | variable | REST | page |",
             "|---|---|---|---|---|---|---|---|"]
    for option in OPTIONS.values():
        allowed = option.allowed()
        values = ("; ".join(f"`{k}`: {v}" if v != k else f"`{k}`" for k, v in allowed.items()) if allowed
                  else f"{option.type.__name__}" + (f", {option.minimum}-{option.maximum:,}"
                                                     if option.type is int and option.maximum else ""))
        if option.help:
            values = f"{option.help}. {values}" if allowed else f"{option.help} ({values})"
        shown = option.surfaces
        lines.append("| " + " | ".join(cell(part) for part in (
            f"`{option.name}`", option.when, f"`{option.default}`", values,
            f"`{option.flag_name}`" if shown & {CLI, SERVE, DIGEST} else "",
            f"`{option.env_name}`" if SERVE in shown else "",
            "yes" if REST in shown and option.when == CALL else "",
            "yes" if PAGE in shown and option.when == CALL else "")) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(options_markdown(), end="")
