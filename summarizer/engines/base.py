"""The small interface every inference engine implements: texts in, texts out.

The pipeline stages (summary, translation) only talk to this interface, so an engine
(transformers/PyTorch, CTranslate2, ...) can be swapped without touching them. The translation
stage asks for scored outputs (``generate_scored``): each text with the model's confidence in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .decoding import DecodeSettings, NBest
from .family import MARIAN, T5


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


# The published settings of the default models (../shared/reference/models.md): their families' own.
SUMMARY_DECODING: DecodeSettings = T5.decoding  # type: ignore[assignment]
TRANSLATION_DECODING: DecodeSettings = MARIAN.decoding  # type: ignore[assignment]

__all__ = ["SUMMARY_DECODING", "TRANSLATION_DECODING", "DecodeSettings", "Hypothesis", "NBest", "NBestCall",
           "Seq2SeqEngine", "nbest_generate"]


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


# ``engine.generate_nbest(texts, settings, nbest)``: per input, up to ``nbest.candidates`` hypotheses, best
# first, each scored as ``generate_scored`` scores its one (the mean log-probability per chosen token).
NBestCall = Callable[[list[str], DecodeSettings, NBest], list[list[Hypothesis]]]


def nbest_generate(engine: Seq2SeqEngine) -> NBestCall | None:
    """The engine's n-best call (``generate_nbest``: both built-in engines have one), or ``None`` for an
    engine without it (a wrapper that only has ``generate``): then nothing asks it for candidates. Not part
    of ``Seq2SeqEngine``, so that every engine that decodes one output per input still is one."""
    return getattr(engine, "generate_nbest", None)
