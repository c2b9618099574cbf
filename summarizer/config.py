"""One options object for every surface: built from keyword arguments, argparse or the environment.

``LoadOptions`` say which models to load and how (fixed for a pipeline's life); ``RunOptions`` say
how to treat one article, and every one of them can be overridden per call
(``pipeline(text, summary_method="lead", num_beams=1)``). The CLI, the page and the benchmarks
build their argparse options with ``add_model_arguments`` and read them back with ``Options.from_args``;
``Options.from_env`` reads ``SUMMARIZER_<NAME>`` variables (a server's configuration).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .methods import SUMMARY_LENGTHS, SUMMARY_METHODS, get_method
from .options import (
    CHECKS_MODES,
    DEFAULT_BEAMS,
    DEFAULT_MAX_CHARS,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_SENTENCES,
    DEFAULT_TRANSLATION_CHOICE,
    DEFAULT_VOCAB_RESTRICTION,
    DEVICES,
    ENGINES,
    LONG_INPUT_MODES,
    MAX_CHARS_CEILING,
    QUANTIZATIONS,
    TRANSLATION_MODELS,
    VOCAB_RESTRICTIONS,
    check_choice,
    check_int,
    int_range,
)


@dataclass(frozen=True)
class RunOptions:
    """How one article is treated; checked when built. ``num_beams=None``: each model's own setting."""

    summary_method: str = "abstractive"
    long_input: str = "lead"
    summary_sentences: int = DEFAULT_SUMMARY_SENTENCES
    num_beams: int | None = None
    checks: str = "on"
    summary_length: str | None = None  # short / standard / longer (methods.SUMMARY_LENGTHS); None: summary_sentences

    def __post_init__(self) -> None:
        get_method(self.summary_method)
        check_choice("long_input", self.long_input, LONG_INPUT_MODES)
        check_int("summary_sentences", self.summary_sentences, 1)
        if self.num_beams is not None:
            check_int("num_beams", self.num_beams, 1)
        check_choice("checks", self.checks, CHECKS_MODES)
        if self.summary_length is not None:
            check_choice("summary_length", self.summary_length, SUMMARY_LENGTHS)

    def but(self, **changes: Any) -> RunOptions:
        """These options with ``changes`` applied; a change of ``None`` keeps the current value."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


RUN_OPTION_NAMES = tuple(f.name for f in fields(RunOptions))  # what a call may override


@dataclass(frozen=True)
class LoadOptions:
    """Which models a pipeline loads, and how (see ``Pipeline``'s arguments)."""

    summary_model: str | None = DEFAULT_SUMMARY_MODEL
    translation_model: str | None = DEFAULT_TRANSLATION_CHOICE
    engine: str = "auto"
    device: str = "cpu"
    quantization: str | None = None
    vocab_restriction: str = DEFAULT_VOCAB_RESTRICTION
    max_chars: int = DEFAULT_MAX_CHARS

    def __post_init__(self) -> None:
        check_choice("engine", self.engine, ENGINES)
        check_choice("device", self.device, DEVICES)
        if self.quantization is not None:
            check_choice("quantization", self.quantization, QUANTIZATIONS)
        check_choice("vocab_restriction", self.vocab_restriction, VOCAB_RESTRICTIONS)
        check_int("max_chars", self.max_chars, 1, MAX_CHARS_CEILING)


@dataclass(frozen=True)
class Options:
    load: LoadOptions = LoadOptions()
    run: RunOptions = RunOptions()

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """``Options.from_kwargs(summary_method="lead", device="cuda")``: each name goes where it belongs."""
        load_names = {f.name for f in fields(LoadOptions)}
        run_names = {f.name for f in fields(RunOptions)}
        unknown = set(kwargs) - load_names - run_names
        if unknown:
            raise TypeError(f"unknown options: {', '.join(sorted(unknown))}")
        return cls(LoadOptions(**{k: v for k, v in kwargs.items() if k in load_names}),
                   RunOptions(**{k: v for k, v in kwargs.items() if k in run_names}))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        """The options ``add_model_arguments`` added to a parser, as parsed."""
        given = {name: getattr(args, name) for name in _ARG_NAMES if hasattr(args, name)}
        if getattr(args, "no_translate", False):
            given["translation_model"] = None
        if "beams" in given:
            given["num_beams"] = given.pop("beams")
        return cls.from_kwargs(**given)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, prefix: str = "SUMMARIZER_") -> Options:
        """``SUMMARIZER_SUMMARY_METHOD=lead``, ``SUMMARIZER_NUM_BEAMS=1``...: the options a server is started with."""
        environ = os.environ if environ is None else environ
        given: dict[str, Any] = {}
        for f in (*fields(LoadOptions), *fields(RunOptions)):
            raw = environ.get(prefix + f.name.upper())
            if raw is None:
                continue
            given[f.name] = int_range(1)(raw) if f.name in _INT_NAMES else raw
        return cls.from_kwargs(**given)

    def pipeline_kwargs(self) -> dict[str, Any]:
        """The ``Pipeline`` keyword arguments these options stand for."""
        return {**{f.name: getattr(self.load, f.name) for f in fields(LoadOptions)},
                **{f.name: getattr(self.run, f.name) for f in fields(RunOptions) if f.name not in PER_CALL_ONLY}}


# Run options a pipeline is not built with: given per call only (``pipeline(text, summary_length="short")``).
PER_CALL_ONLY = ("summary_length",)
_ARG_NAMES = ("summary_model", "translation_model", "engine", "device", "quantization", "vocab_restriction",
              "max_chars", "summary_method", "long_input", "summary_sentences", "beams", "checks")
_INT_NAMES = ("max_chars", "summary_sentences", "num_beams")


def _help(choices: Mapping[str, str]) -> str:
    return "; ".join(f"{name}: {text}" for name, text in choices.items())


def _translation_help() -> str:
    names = "; ".join(f"{name}: {c.model} ({c.licence}, {c.bleu})" for name, c in TRANSLATION_MODELS.items())
    return f"a named choice ({names}), or any hub id or local folder (default {DEFAULT_TRANSLATION_CHOICE})"


def add_model_arguments(parser: argparse.ArgumentParser, *, batch: bool = True) -> argparse._ArgumentGroup:
    """The model and summary options shared by ``summarizer run|batch``, the app and the benchmarks.

    ``batch=False`` leaves out the options that only a command-line run has (``--no-translate``,
    ``--summary-sentences``, ``--beams``, ``--max-chars``). The summary methods are the registry's
    (``summarizer.methods``), read when the parser is built.
    """
    group = parser.add_argument_group("models and summary")
    group.add_argument("--summary-method", choices=list(SUMMARY_METHODS), default="abstractive",
                       help=_help(SUMMARY_METHODS))
    group.add_argument("--long-input", choices=list(LONG_INPUT_MODES), default="lead",
                       help="abstractive summary of articles over 512 tokens: " + _help(LONG_INPUT_MODES))
    group.add_argument("--summary-model", default=DEFAULT_SUMMARY_MODEL, help="hub id or local folder")
    group.add_argument("--translation-model", default=DEFAULT_TRANSLATION_CHOICE, help=_translation_help())
    group.add_argument("--engine", choices=list(ENGINES), default="auto", help=_help(ENGINES))
    group.add_argument("--quantization", choices=QUANTIZATIONS, default=None,
                       help="CTranslate2 weights/compute type (default: int8 on the CPU)")
    group.add_argument("--device", choices=DEVICES, default="cpu")
    group.add_argument("--vocab-restriction", choices=list(VOCAB_RESTRICTIONS), default=DEFAULT_VOCAB_RESTRICTION,
                       help=_help(VOCAB_RESTRICTIONS))
    group.add_argument("--checks", choices=list(CHECKS_MODES), default="on", help=_help(CHECKS_MODES))
    if batch:
        group.add_argument("--no-translate", action="store_true", help="skip the English translation")
        group.add_argument("--summary-sentences", type=int_range(1, 100), default=DEFAULT_SUMMARY_SENTENCES,
                           help="sentences in an extractive/lead summary (1-100)")
        group.add_argument("--beams", type=int_range(1, 64), default=DEFAULT_BEAMS,
                           help="beam size of both models (4: their published setting; 1: greedy, fastest)")
        group.add_argument("--max-chars", type=int_range(1, MAX_CHARS_CEILING), default=DEFAULT_MAX_CHARS,
                           help=f"longest article accepted (default {DEFAULT_MAX_CHARS:,})")
    return group


def pipeline_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Pipeline`` keyword arguments that ``add_model_arguments`` options stand for."""
    return Options.from_args(args).pipeline_kwargs()
