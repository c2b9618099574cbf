"""The choices and defaults of every option, defined once.

The CLI, the web app and the benchmarks take their argparse choices from here (``add_model_arguments``),
the pipeline and the loader validate with the same checks, so adding a summary method or an engine
is one edit here plus the code that implements it. A leaf module: it imports nothing of the package
but its errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from .errors import OptionError

DEFAULT_SUMMARY_MODEL = "csebuetnlp/mT5_multilingual_XLSum"
DEFAULT_TRANSLATION_MODEL = "Helsinki-NLP/opus-mt-ar-en"

# value -> what it does (the CLI's help, the page's labels)
SUMMARY_METHODS: dict[str, str] = {
    "abstractive": "mT5 writes a new summary (falls back to extractive if the model cannot be loaded)",
    "extractive": "LexRank picks the most central sentences, biased towards the lead",
    "lead": "the first sentences",
}
LONG_INPUT_MODES: dict[str, str] = {
    "lead": "the first 512 tokens, cut on a sentence boundary (as mT5 was trained)",
    "chunked": "summarise 512-token chunks, then their summaries (reads all of the article)",
}
ENGINES: dict[str, str] = {
    "auto": "CTranslate2, converting a Hugging Face model once into the cache (int8 unless --quantization "
            "says otherwise); PyTorch on a GPU that CTranslate2 cannot use",
    "transformers": "PyTorch, the reference implementation",
    "ctranslate2": "CTranslate2 only (an error if it cannot run)",
}
DEVICES = ("cpu", "cuda")
# CTranslate2 compute types; the first six are also the weight types `summarizer convert` writes.
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
EXPORT_QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "float16", "bfloat16", "float32")
DEFAULT_EXPORT_QUANTIZATION = "int8"

VOCAB_RESTRICTIONS: dict[str, str] = {
    "on": "CTranslate2 decoders keep only the pieces of their output language (Arabic summary, English "
          "translation): faster and smaller, input tokenized as before",
    "off": "the whole vocabulary",
}
DEFAULT_VOCAB_RESTRICTION = "on"
VOCAB_LANGUAGES = ("ar", "en")  # what `summarizer convert --vocab-restriction` can trim to
OUTPUT_LANGUAGE = {"summary": "ar", "translation": "en"}  # by role

DEFAULT_SUMMARY_SENTENCES = 3
DEFAULT_BEAMS = 4
DEFAULT_MAX_CHARS = 100_000
MAX_CHARS_CEILING = 10_000_000  # a sane upper bound: beyond it the tokenizers' memory grows without use
ROLES = ("summary", "translation")


def check_choice(name: str, value: Any, choices: Sequence[str] | dict) -> str:
    """``value`` if it is one of ``choices``; else an OptionError that lists them."""
    allowed = list(choices)
    if value not in allowed:
        raise OptionError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """``value`` if it is an int within [minimum, maximum]; else an OptionError saying the range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(f"{name} must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum:,} and {maximum:,}" if maximum is not None else f"at least {minimum:,}"
        raise OptionError(f"{name} must be {bound}, not {value:,}")
    return value


def int_range(minimum: int, maximum: int | None = None):
    """An argparse ``type`` that accepts whole numbers in a range, with a one-line message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        try:
            return check_int("the value", value, minimum, maximum)
        except OptionError as exc:
            raise argparse.ArgumentTypeError(str(exc).replace("the value must", "must")) from None

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def _help(choices: dict[str, str]) -> str:
    return "; ".join(f"{name}: {text}" for name, text in choices.items())


def add_model_arguments(parser: argparse.ArgumentParser, *, batch: bool = True) -> argparse._ArgumentGroup:
    """The model and summary options shared by ``summarizer run|batch``, the app and the benchmarks.

    ``batch=False`` leaves out the options that only a command-line run has (``--no-translate``,
    ``--summary-sentences``, ``--beams``, ``--max-chars``).
    """
    group = parser.add_argument_group("models and summary")
    group.add_argument("--summary-method", choices=list(SUMMARY_METHODS), default="abstractive",
                       help=_help(SUMMARY_METHODS))
    group.add_argument("--long-input", choices=list(LONG_INPUT_MODES), default="lead",
                       help="abstractive summary of articles over 512 tokens: " + _help(LONG_INPUT_MODES))
    group.add_argument("--summary-model", default=DEFAULT_SUMMARY_MODEL, help="hub id or local folder")
    group.add_argument("--translation-model", default=DEFAULT_TRANSLATION_MODEL, help="hub id or local folder")
    group.add_argument("--engine", choices=list(ENGINES), default="auto", help=_help(ENGINES))
    group.add_argument("--quantization", choices=QUANTIZATIONS, default=None,
                       help="CTranslate2 weights/compute type (default: int8 on the CPU)")
    group.add_argument("--device", choices=DEVICES, default="cpu")
    group.add_argument("--vocab-restriction", choices=list(VOCAB_RESTRICTIONS), default=DEFAULT_VOCAB_RESTRICTION,
                       help=_help(VOCAB_RESTRICTIONS))
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
    kwargs: dict[str, Any] = {
        "summary_model": args.summary_model,
        "translation_model": None if getattr(args, "no_translate", False) else args.translation_model,
        "summary_method": args.summary_method,
        "long_input": args.long_input,
        "engine": args.engine,
        "device": args.device,
        "quantization": args.quantization,
        "vocab_restriction": getattr(args, "vocab_restriction", DEFAULT_VOCAB_RESTRICTION),
    }
    for name in ("summary_sentences", "max_chars"):
        if hasattr(args, name):
            kwargs[name] = getattr(args, name)
    if hasattr(args, "beams"):
        kwargs["num_beams"] = args.beams
    return kwargs
