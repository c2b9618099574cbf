"""Model families: what differs between the seq2seq models behind the one engine interface.

The family is read from the model's configuration (``model_type``, the ``architectures`` of
config.json, or what an export recorded), never from the model's name. Each family is registered
(``register_family``) with what its models need: the config types and architectures that name it,
how many input tokens it reads, its default decoding, the compute type it runs with on a GPU, and
the language codes it drives:

* ``marian`` (MarianMT: opus-mt-ar-en, opus-mt-tc-big-ar-en, any Opus-MT ar->en): the tokenizer
  ends the source with </s>; decoding starts from <pad>; nothing is forced.
* ``nllb`` (the M2M100 architecture with NLLB's language codes: nllb-200-*): the tokenizer prepends
  the source language code ``arb_Arab``; the target code ``eng_Latn`` is forced as the first
  generated token (CTranslate2 ``target_prefix``, transformers ``forced_bos_token_id``) and removed
  from the output before it is decoded, so it never reaches a translation.
* ``ct2-native`` (a CTranslate2 folder with SentencePiece models: quickmt, Argos Translate packages;
  engines/ctranslate2_native.py): nothing forced; CTranslate2 adds the source's special tokens itself.
* ``t5`` (mT5): nothing forced; its published summary decoding; bfloat16 on a GPU (float16
  overflows in T5's feed-forward layers).

Any other architecture is run as is (no language codes). A leaf of the engine layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .decoding import DecodeSettings

# NLLB-200 (FLORES-200) codes of the one direction this project translates.
NLLB_SOURCE, NLLB_TARGET = "arb_Arab", "eng_Latn"
DEFAULT_MAX_INPUT_TOKENS = 512  # what the default models were trained on; a family may say otherwise
TRANSLATION_DEFAULTS = DecodeSettings(num_beams=4, max_new_tokens=512)  # Opus-MT's published settings


@dataclass(frozen=True)
class Family:
    """How a family of models is driven.

    ``source_language``: the code the tokenizer prepends to every input (``tokenizer.src_lang``);
    ``target_prefix``: the tokens forced at the start of every output, never part of a translation.
    """

    name: str
    source_language: str | None = None
    target_prefix: tuple[str, ...] = ()
    model_types: tuple[str, ...] = ()  # config.json's model_type values that name it
    architectures: Mapping[str, str] = field(default_factory=dict)  # config.json architecture -> model_type
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS  # the longest input its models read (EOS included)
    decoding: DecodeSettings | None = None  # its models' published decoding (None: the role's default)
    gpu_compute_type: str | None = None  # CTranslate2's compute type on a GPU (None: the role's default)
    label: str = ""  # how a person calls it ("mT5")
    check: Callable | None = field(default=None, compare=False)  # (tokenizer) -> None, raises ValueError

    def input_cap(self, max_positions: int | None) -> int:
        """The input tokens an engine gives a model of this family whose config allows ``max_positions``."""
        return min(int(max_positions or self.max_input_tokens), self.max_input_tokens)

    def prepare(self, tokenizer) -> None:
        """Set the tokenizer up for this family (NLLB: its source language, which it prepends)."""
        if self.source_language is not None:
            tokenizer.src_lang = self.source_language

    def prefix_ids(self, tokenizer) -> list[int]:
        """The ids of ``target_prefix`` in ``tokenizer``."""
        return [int(i) for i in tokenizer.convert_tokens_to_ids(list(self.target_prefix))]


FAMILIES: dict[str, Family] = {}  # name -> family, in the order they were registered


def register_family(name: str, *, model_types: tuple[str, ...], architectures: Mapping[str, str] | None = None,
                    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS, decoding: DecodeSettings | None = None,
                    gpu_compute_type: str | None = None, label: str = "", source_language: str | None = None,
                    target_prefix: tuple[str, ...] = (), check: Callable | None = None) -> Family:
    """Register (or replace) a model family; ``family_of`` then gives it to every model of its types.

    ``architectures`` maps config.json's ``architectures`` names to a model type, for a config that
    has none; ``check(tokenizer)`` raises ``ValueError`` for a model of these types that the family
    cannot drive.
    """
    family = Family(name, source_language, tuple(target_prefix), tuple(model_types), dict(architectures or {}),
                    max_input_tokens, decoding, gpu_compute_type, label or name, check)
    FAMILIES[name] = family
    return family


def unregister_family(name: str) -> None:
    FAMILIES.pop(name, None)


def _check_nllb_codes(tokenizer) -> None:
    if not has_nllb_codes(tokenizer):
        raise ValueError(
            f"this M2M100 model's tokenizer has no {NLLB_SOURCE} / {NLLB_TARGET} language codes; only NLLB-200 "
            "models (facebook/nllb-200-*) are supported in that architecture"
        )


MARIAN = register_family("marian", model_types=("marian",), architectures={"MarianMTModel": "marian"},
                         decoding=TRANSLATION_DEFAULTS, gpu_compute_type="int8_float16", label="Opus-MT")
T5 = register_family(
    "t5", model_types=("t5", "mt5", "umt5"),
    architectures={"MT5ForConditionalGeneration": "mt5", "T5ForConditionalGeneration": "t5"},
    # mT5 XL-Sum's published summary decoding (../shared/reference/models.md)
    decoding=DecodeSettings(num_beams=4, max_new_tokens=84, length_penalty=0.6, no_repeat_ngram_size=2),
    gpu_compute_type="bfloat16", label="mT5",
)
NLLB = register_family("nllb", model_types=("m2m_100",), architectures={"M2M100ForConditionalGeneration": "m2m_100"},
                       decoding=TRANSLATION_DEFAULTS, gpu_compute_type="int8_float16", label="NLLB-200",
                       source_language=NLLB_SOURCE, target_prefix=(NLLB_TARGET,), check=_check_nllb_codes)

# A CTranslate2 model shipped with SentencePiece models and no transformers config (quickmt, Argos
# Translate; engines/ctranslate2_native.py): nothing forced, the translation role's published decoding.
CT2_NATIVE = register_family("ct2-native", model_types=("ct2-native",), decoding=TRANSLATION_DEFAULTS,
                             gpu_compute_type="int8_float16", label="CTranslate2 + SentencePiece")


def family_named(model_type: str | None) -> Family | None:
    """The registered family of ``model_type`` (no tokenizer check), or None."""
    return next((f for f in FAMILIES.values() if model_type and model_type in f.model_types), None)


def is_t5_type(model_type: str | None) -> bool:
    """Whether ``model_type`` is of the T5 family (whose export needs its output scaling fixed)."""
    family = family_named(model_type)
    return family is not None and family.name == T5.name


def gpu_compute_type(source) -> str | None:
    """The GPU compute type of the family of ``source`` (a ``ModelSource``), when its config says which
    family it is: a folder's config.json or export record, a hub id's cached config.json (else None)."""
    try:
        if source.path is not None:
            names = ("summarizer_export.json", "config.json")
            files = [Path(source.path) / name for name in names if (Path(source.path) / name).is_file()]
        else:
            from huggingface_hub import try_to_load_from_cache

            cached = try_to_load_from_cache(source.name, "config.json")
            files = [Path(cached)] if isinstance(cached, str) else []
        for file in files:
            config = json.loads(file.read_text(encoding="utf-8"))
            family = family_named(model_type_of(config)) if isinstance(config, dict) else None
            if family is not None:
                return family.gpu_compute_type
    except (OSError, ValueError):
        return None
    return None


def model_type_of(config) -> str | None:
    """``model_type`` of a transformers config (or of a plain config.json dict), else from its architectures."""
    get = config.get if isinstance(config, dict) else lambda key, default=None: getattr(config, key, default)
    model_type = get("model_type")
    if model_type:
        return str(model_type)
    for architecture in get("architectures") or []:
        for family in FAMILIES.values():
            if architecture in family.architectures:
                return family.architectures[architecture]
    return None


def has_nllb_codes(tokenizer) -> bool:
    vocabulary = tokenizer.get_vocab()
    return NLLB_SOURCE in vocabulary and NLLB_TARGET in vocabulary


def family_of(model_type: str | None, tokenizer) -> Family:
    """The family of a model whose config says ``model_type`` (``None``: a CTranslate2 folder exported by
    another tool, where only the tokenizer can tell NLLB apart).

    Raises ``ValueError`` for a model its family cannot drive: an M2M100 model whose tokenizer lacks
    NLLB's ``arb_Arab`` / ``eng_Latn`` (facebook/m2m100_* use other codes, which this project does not drive).
    """
    family = family_named(model_type)
    if family is not None:
        if family.check is not None:
            family.check(tokenizer)
        return family
    if model_type is None and has_nllb_codes(tokenizer):
        return NLLB
    return Family(model_type or "seq2seq")
