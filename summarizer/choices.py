"""The values options choose among, and their defaults: named models, engines, modes, limits.

The table of options itself (which surfaces show each, when it is set) is ``summarizer.options.OPTIONS``,
made from these. A leaf module: it imports nothing of the package but its errors.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DEFAULT_MODELS, OptionError


@dataclass(frozen=True)
class ModelChoice:
    """A model users can pick by name: its hub id, what it is, its licence (SPDX id) and its quality
    (FLORES-101 devtest ar->en BLEU; docs/models.md has the whole table and where each figure comes from)."""

    model: str
    label: str
    licence: str
    bleu: str = ""


DEFAULT_SUMMARY_MODEL = DEFAULT_MODELS["summary"]
# --translation-model NAME: the named choices (any hub id or folder works too). Their shapes and figures:
# ../shared/reference/models.md and docs/models.md.
TRANSLATION_MODELS: dict[str, ModelChoice] = {
    "fast": ModelChoice("Helsinki-NLP/opus-mt-ar-en", "Opus-MT ar-en (77M parameters; fastest)", "Apache-2.0",
                        "33.9 BLEU, FLORES-101"),
    "best": ModelChoice("Helsinki-NLP/opus-mt-tc-big-ar-en",
                        "Opus-MT tc-big ar-en (241M parameters; best quality, the default)", "CC-BY-4.0",
                        "42.6 BLEU, FLORES-101"),
    "nllb-600m": ModelChoice("facebook/nllb-200-distilled-600M",
                             "NLLB-200 distilled 600M (615M parameters; non-commercial use only)", "CC-BY-NC-4.0",
                             "36.5 BLEU, FLORES-101"),
    # CTranslate2-native (model.bin + SentencePiece, engines/ctranslate2_native.py); its authors' own figures.
    "quickmt": ModelChoice("quickmt/quickmt-ar-en",
                           "quickmt ar-en (CTranslate2-native, 8+2 layers; 2-3x as fast as best)", "CC-BY-4.0",
                           "42.88 BLEU, FLORES-200 (self-reported)"),
}
# The default: the best open Opus-MT model, 42.6 against 33.9 BLEU for `fast` (docs/models.md), at about the
# same time per article once the summary runs beside it (docs/speed.md).
DEFAULT_TRANSLATION_CHOICE = "best"
DEFAULT_TRANSLATION_MODEL = TRANSLATION_MODELS[DEFAULT_TRANSLATION_CHOICE].model
# Licences of the models this project names (SPDX ids); any other model: see its own card.
MODEL_LICENCES: dict[str, str] = {
    DEFAULT_SUMMARY_MODEL: "CC-BY-NC-SA-4.0",  # the checkpoint and its XL-Sum training data: non-commercial
    **{choice.model: choice.licence for choice in TRANSLATION_MODELS.values()},
}
# A translated sentence whose score (mean log-probability per token) is below this is marked as one the
# model was unsure of: its chosen tokens had a probability of e^-1 = 37% or less on average (docs/models.md).
LOW_CONFIDENCE_SCORE = -1.0

# value -> what it does (the CLI's help, the page's labels). The summary methods are a registry of
# their own (summarizer/stages/methods.py), with their functions.
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
# On a GPU, by role: half-precision activations suit tensor cores; mT5 overflows float16 (NaNs,
# a known mT5 trait), so the summary model runs in bfloat16. On the CPU: the export's int8.
# A GPU's compute type for a model whose family says none (summarizer.engines.family: each family
# carries its own; these are the default models' families', mT5 and Opus-MT).
GPU_COMPUTE_TYPES = {"summary": "bfloat16", "translation": "int8_float16"}


def default_quantization(role: str, device: str, quantization: str | None,
                         family_compute_type: str | None = None) -> str | None:
    """The compute type a model runs with when none is asked for (``None``: the export's own): on a
    GPU, its family's (``family_compute_type``), else the role's."""
    if quantization is not None or device != "cuda":
        return quantization
    return family_compute_type or GPU_COMPUTE_TYPES.get(role)

# Batches by device and role: (texts per batch, padded input tokens per batch or None). On the CPU,
# small fixed batches (eval.speed measured no gain beyond them on 2 cores); on a GPU, batches cut by
# tokens and large enough to keep it busy (the summary's 512-token inputs times 4 beams dominate).
BATCH_LIMITS: dict[str, dict[str, tuple[int, int | None]]] = {
    "cpu": {"summary": (8, None), "translation": (8, None)},
    "cuda": {"summary": (64, 16_384), "translation": (512, 16_384)},
}
# Articles that share model batches in Pipeline.batch (the CLI's --group-size), by device.
GROUP_SIZES = {"cpu": 8, "cuda": 64}

CHECKS_MODES: dict[str, str] = {
    "on": "check every translated sentence and the summaries against their source (numbers, loops, "
          "untranslated text, unsupported summary sentences; no model, milliseconds)",
    "off": "no checks",
}
VOCAB_RESTRICTIONS: dict[str, str] = {
    "on": "CTranslate2 decoders keep only the pieces of their output language (Arabic summary, English "
          "translation): faster and smaller, input tokenized as before",
    "off": "the whole vocabulary",
}
DEFAULT_VOCAB_RESTRICTION = "on"
VOCAB_LANGUAGES = ("ar", "en")  # what `summarizer convert --vocab-restriction` can trim to
OUTPUT_LANGUAGE = {"summary": "ar", "translation": "en"}  # by role

DEFAULT_SUMMARY_METHOD = "abstractive"
DEFAULT_LONG_INPUT = "lead"
DEFAULT_CHECKS = "on"
DEFAULT_SUMMARY_SENTENCES = 3
MAX_SUMMARY_SENTENCES = 100
DEFAULT_BEAMS = 4
MAX_BEAMS_CLI = 64  # the command line's limit; a server's requests have their own (service.MAX_BEAMS)
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
    problem = range_problem(value, minimum, maximum)
    if problem:
        raise OptionError(f"{name} {problem}")
    return value


def range_problem(value: int, minimum: int, maximum: int | None = None) -> str | None:
    """``must be between 1 and 64, not 0`` when ``value`` is out of range, else None."""
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum:,} and {maximum:,}" if maximum is not None else f"at least {minimum:,}"
        return f"must be {bound}, not {value:,}"
    return None


def int_range(minimum: int, maximum: int | None = None):
    """An argparse ``type`` that accepts whole numbers in a range, with a one-line message otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        problem = range_problem(value, minimum, maximum)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def translation_model_id(value: str) -> str:
    """The hub id of a named choice (``fast``, ``best``, ``nllb-600m``); a hub id (``owner/name``) or a
    folder is returned as given. Anything else raises ``OptionError`` listing the valid names."""
    name = str(value)
    if name in TRANSLATION_MODELS:
        return TRANSLATION_MODELS[name].model
    if "/" in name or os.sep in name or name.startswith((".", "~")) or Path(name).expanduser().exists():
        return name
    raise OptionError(
        f"translation model must be one of {', '.join(TRANSLATION_MODELS)}, a hub id (owner/name) or an "
        f"existing folder, not {name!r}"
    )


def choice_of(model_id: str | None) -> str | None:
    """The named choice whose hub id is ``model_id``, if any."""
    return next((name for name, choice in TRANSLATION_MODELS.items() if choice.model == model_id), None)


def licence_of(model_id: str | None) -> str | None:
    """The licence of a model this project names (``None``: unknown here, see the model's card)."""
    return MODEL_LICENCES.get(model_id) if model_id else None
