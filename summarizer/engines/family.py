"""Model families: what differs between the seq2seq models behind the one engine interface.

The family is read from the model's configuration (``model_type``, the ``architectures`` of
config.json, or what an export recorded), never from the model's name:

* ``marian`` (MarianMT: opus-mt-ar-en, opus-mt-tc-big-ar-en, any Opus-MT ar->en): the tokenizer
  ends the source with </s>; decoding starts from <pad>; nothing is forced.
* ``nllb`` (the M2M100 architecture with NLLB's language codes: nllb-200-*): the tokenizer prepends
  the source language code ``arb_Arab``; the target code ``eng_Latn`` is forced as the first
  generated token (CTranslate2 ``target_prefix``, transformers ``forced_bos_token_id``) and removed
  from the output before it is decoded, so it never reaches a translation.
* ``t5`` (mT5): nothing forced.

Any other architecture is run as is (no language codes). A leaf of the engine layer.
"""

from __future__ import annotations

from dataclasses import dataclass

# NLLB-200 (FLORES-200) codes of the one direction this project translates.
NLLB_SOURCE, NLLB_TARGET = "arb_Arab", "eng_Latn"
_T5_TYPES = ("t5", "mt5", "umt5")
_ARCHITECTURE_TYPES = {"MarianMTModel": "marian", "M2M100ForConditionalGeneration": "m2m_100",
                       "MT5ForConditionalGeneration": "mt5", "T5ForConditionalGeneration": "t5"}


@dataclass(frozen=True)
class Family:
    """How a family of models is driven.

    ``source_language``: the code the tokenizer prepends to every input (``tokenizer.src_lang``);
    ``target_prefix``: the tokens forced at the start of every output, never part of a translation.
    """

    name: str
    source_language: str | None = None
    target_prefix: tuple[str, ...] = ()

    def prepare(self, tokenizer) -> None:
        """Set the tokenizer up for this family (NLLB: its source language, which it prepends)."""
        if self.source_language is not None:
            tokenizer.src_lang = self.source_language

    def prefix_ids(self, tokenizer) -> list[int]:
        """The ids of ``target_prefix`` in ``tokenizer``."""
        return [int(i) for i in tokenizer.convert_tokens_to_ids(list(self.target_prefix))]


MARIAN = Family("marian")
T5 = Family("t5")
NLLB = Family("nllb", NLLB_SOURCE, (NLLB_TARGET,))


def model_type_of(config) -> str | None:
    """``model_type`` of a transformers config (or of a plain config.json dict), else from its architectures."""
    get = config.get if isinstance(config, dict) else lambda key, default=None: getattr(config, key, default)
    model_type = get("model_type")
    if model_type:
        return str(model_type)
    for architecture in get("architectures") or []:
        if architecture in _ARCHITECTURE_TYPES:
            return _ARCHITECTURE_TYPES[architecture]
    return None


def has_nllb_codes(tokenizer) -> bool:
    vocabulary = tokenizer.get_vocab()
    return NLLB_SOURCE in vocabulary and NLLB_TARGET in vocabulary


def family_of(model_type: str | None, tokenizer) -> Family:
    """The family of a model whose config says ``model_type`` (``None``: a CTranslate2 folder exported by
    another tool, where only the tokenizer can tell NLLB apart).

    Raises ``ValueError`` for an M2M100 model whose tokenizer lacks NLLB's ``arb_Arab`` / ``eng_Latn``
    (facebook/m2m100_* use other codes, which this project does not drive).
    """
    if model_type == "marian":
        return MARIAN
    if model_type in _T5_TYPES:
        return T5
    if model_type == "m2m_100":
        if not has_nllb_codes(tokenizer):
            raise ValueError(
                f"this M2M100 model's tokenizer has no {NLLB_SOURCE} / {NLLB_TARGET} language codes; only NLLB-200 "
                "models (facebook/nllb-200-*) are supported in that architecture"
            )
        return NLLB
    if model_type is None and has_nllb_codes(tokenizer):
        return NLLB
    return Family(model_type or "seq2seq")
