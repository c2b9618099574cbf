"""The small interface every inference engine implements: texts in, texts out.

The pipeline stages (summary, translation) only talk to this interface, so an engine
(transformers/PyTorch, CTranslate2, ...) can be swapped without touching them. The translation
stage asks for scored outputs (``generate_scored``): each text with the model's confidence in it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class DecodeSettings:
    """Decoding settings shared by every engine, so that engines decode the same way.

    ``max_new_tokens`` counts generated tokens (the decoder start token excluded).
    ``min_new_tokens`` exists for speed measurements, where random models must decode
    a forced, equal number of tokens in every engine.
    """

    num_beams: int = 4
    max_new_tokens: int = 512
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    min_new_tokens: int = 0

    def but(self, **changes) -> DecodeSettings:
        return replace(self, **changes)


@dataclass(frozen=True)
class Hypothesis:
    """One output text with the model's own confidence in it.

    ``score``: the mean log-probability per token of the chosen hypothesis, over the tokens the model
    chose (the end-of-sentence token included when it chose it; tokens forced on it, such as NLLB's
    target language code or an end forced at the length limit, excluded). 0.0 is certainty; ``None``:
    the engine gives no scores. ``tokens``: how many tokens the mean is over, so that the parts of a
    sentence translated piece by piece combine into the sentence's mean (0: the model chose none).
    """

    text: str
    score: float | None = None
    tokens: int = 0


# The published settings of the default models (../shared/reference/models.md).
SUMMARY_DECODING = DecodeSettings(num_beams=4, max_new_tokens=84, length_penalty=0.6, no_repeat_ngram_size=2)
TRANSLATION_DECODING = DecodeSettings(num_beams=4, max_new_tokens=512)


@runtime_checkable
class Seq2SeqEngine(Protocol):
    """A loaded sequence-to-sequence model.

    Attributes:
        model_id: the hub id or folder the model was loaded from.
        engine: short engine name ("transformers", "ctranslate2").
        max_input_tokens: the longest input (in the model's tokens, EOS included) it accepts.
    """

    model_id: str
    engine: str
    max_input_tokens: int

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Number of input tokens of each text (special tokens included)."""
        ...

    def generate(self, texts: list[str], settings: DecodeSettings) -> list[str]:
        """Decode one batch: one output text per input text, in order."""
        ...

    def generate_scored(self, texts: list[str], settings: DecodeSettings) -> list[Hypothesis]:
        """``generate``, each output with its score (see ``Hypothesis``); the same texts as ``generate``."""
        ...
