"""Vocabulary restriction: a CTranslate2 export whose decoder knows only the output language's pieces.

mT5's output layer scores 250,112 pieces at every decoding step, Opus-MT's 62,834 (Arabic and English),
for a summary written in Arabic and a translation written in English. At export time the target
vocabulary is *trimmed* (the approach of Ushio et al. 2023, "An Efficient Multilingual Language Model
Compression through Vocabulary Trimming"): the decoder's embedding rows and output-layer rows of the
other pieces are dropped, so each step computes fewer logits and the model is smaller in memory too.

* The allowed set is built from the model's own target vocabulary, piece by piece, from the characters
  the output language uses (:func:`piece_allowed`): for an Arabic summary, Arabic script, digits,
  punctuation and symbols, and Latin pieces of at most :data:`SHORT_LATIN` letters (names and acronyms
  are spelled from them; the long Latin pieces of mT5's European languages are dropped); for an English
  translation, Latin script, digits, punctuation and symbols. Special and added tokens (``</s>``, the
  decoder start, language codes) are always kept.
* The source vocabulary (the encoder's embeddings) is kept whole: the input is tokenized and encoded
  exactly as before. CTranslate2 takes and returns token strings, and the Hugging Face tokenizer
  decodes the output tokens exactly as before.
* Identity: every source piece made of the output language's characters is in the allowed set, so it
  can be copied (numbers, punctuation, Arabic words, English words in a translation); a long Latin
  piece in an Arabic article can still be written in the summary, spelled from shorter pieces. Pieces of
  other scripts (a Cyrillic or Chinese name) cannot be written: ``python -m eval.vocab_coverage``
  measures how much real output text needs them.

Why trimming rather than CTranslate2's vocabulary map (``vmap.txt`` + ``use_vmap``): a vmap restricts
the computation per batch but keeps every row in memory, while trimming drops them (the mT5
stand-in's int8 export shrinks from 610 to 461 MB at the same speed). See docs/speed.md for the
measurements.

A leaf of the engine layer: no package imports but options.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from ..choices import VOCAB_LANGUAGES

SPIECE_UNDERLINE = "▁"  # sentencepiece's word-start marker
SHORT_LATIN = 3  # Latin letters allowed in one piece of an Arabic summary
RULES = {
    "ar": f"Arabic script, digits, punctuation, symbols, Latin pieces of at most {SHORT_LATIN} letters",
    "en": "Latin script, digits, punctuation, symbols",
}
assert set(RULES) == set(VOCAB_LANGUAGES)


def char_class(ch: str) -> str:
    """``arabic``, ``latin``, ``common`` (digits, punctuation, symbols, spaces, joiners) or ``other``."""
    category = unicodedata.category(ch)
    if category[0] in "NPSZ" or ch in "\u200c\u200d\u200e\u200f":  # + ZWNJ, ZWJ, LRM, RLM
        return "common"
    name = unicodedata.name(ch, "")
    if name.startswith("ARABIC"):
        return "arabic"
    if name.startswith("LATIN") or (category == "Mn" and "\u0300" <= ch <= "\u036f"):  # accents of Latin
        return "latin"
    return "other"


def char_allowed(ch: str, language: str) -> bool:
    """Whether text in ``language`` may hold ``ch`` at all (the character-level rule)."""
    kind = char_class(ch)
    return kind == "common" or kind == "latin" or (kind == "arabic" and language == "ar")


def piece_allowed(piece: str, language: str) -> bool:
    """Whether the restricted vocabulary for ``language`` keeps ``piece`` (specials aside)."""
    if piece.startswith("<0x") and piece.endswith(">"):  # byte-fallback pieces spell anything
        return True
    latin = 0
    for ch in piece.replace(SPIECE_UNDERLINE, ""):
        if not char_allowed(ch, language):
            return False
        latin += char_class(ch) == "latin"
    return language != "ar" or latin <= SHORT_LATIN


def kept_indices(tokens: list[str], language: str, specials: Iterable[str] = ()) -> list[int]:
    """Indices of ``tokens`` (a target vocabulary, in order) that the restriction keeps."""
    if language not in RULES:
        raise ValueError(f"no vocabulary restriction for the output language {language!r}")
    always = set(specials)
    return [i for i, token in enumerate(tokens) if token in always or piece_allowed(token, language)]


def special_tokens(tokenizer, spec=None) -> set[str]:
    """Tokens the restriction always keeps: the tokenizer's special and added tokens (language codes
    included) and the start, end and unknown tokens of CTranslate2's model config."""
    found = set(getattr(tokenizer, "all_special_tokens", []) or [])
    found |= set((getattr(tokenizer, "get_added_vocab", dict)() or {}).keys())
    config = getattr(spec, "config", None)
    for name in ("unk_token", "bos_token", "eos_token", "decoder_start_token"):
        value = getattr(config, name, None)
        if isinstance(value, str):
            found.add(value)
    return found


def trim_target_vocabulary(spec, language: str, specials: Iterable[str]) -> dict:
    """Drop the decoder's rows (embeddings, output layer and its bias) of the pieces ``language`` does
    not use, in a CTranslate2 ``TransformerSpec`` loaded by a converter (before it is validated).

    The encoder's embeddings and the source vocabulary are untouched. Returns what was kept, for the
    export's ``summarizer_export.json``.
    """
    vocabularies = spec._vocabularies  # CTranslate2 keeps them here until spec.save() writes them
    [target] = vocabularies["target"]
    keep = kept_indices(target, language, specials)
    full = len(target)
    decoder = spec.decoder
    decoder.embeddings.weight = _rows(decoder.embeddings.weight, keep)
    decoder.projection.weight = _rows(decoder.projection.weight, keep)
    if decoder.projection.has_bias():
        decoder.projection.bias = _rows(decoder.projection.bias, keep)
    vocabularies["target"] = [[target[i] for i in keep]]
    return {"language": language, "kept": len(keep), "full": full, "rule": RULES[language]}


def _rows(value, keep: list[int]):
    """Rows ``keep`` of a weight (a torch tensor or a NumPy array, as converters leave them)."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return value[torch.tensor(keep, dtype=torch.long)].contiguous()
    except ImportError:  # pragma: no cover - converters always bring torch
        pass
    import numpy as np

    return np.ascontiguousarray(value[np.asarray(keep)])


def describe(info: dict | None) -> str:
    """One line for ``result.models``: what the decoder's vocabulary holds."""
    if not info:
        return "whole vocabulary"
    return f"{info['kept']:,} of {info['full']:,} pieces ({info['rule']})"


def check_loaded(folder, info: dict | None, read_vocabulary: Callable[[], list[str] | None]) -> None:
    """Raise ``ValueError`` unless the export's target vocabulary is the restricted one it says it is.

    (CTranslate2 silently ignores a missing vocabulary map; a trimmed export is checked instead.)
    """
    if not info:
        return
    vocabulary = read_vocabulary()
    if vocabulary is None or len(vocabulary) != info["kept"]:
        found = "no target vocabulary" if vocabulary is None else f"{len(vocabulary):,} target pieces"
        raise ValueError(f"the export {folder} says its vocabulary is restricted to {info['kept']:,} pieces "
                         f"but holds {found}; convert it again")
