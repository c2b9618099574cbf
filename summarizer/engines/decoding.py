"""How an engine decodes: the settings every engine shares. A leaf of the engine layer (the model
families carry their own defaults in these terms)."""

from __future__ import annotations

from dataclasses import dataclass, replace


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
class NBest:
    """Several candidates per input instead of one: what an engine's ``generate_nbest`` is asked for
    (the repair step's second try at a sentence whose first output a check flagged).

    ``candidates``: hypotheses returned per input, best first (the beam is widened to at least this
    many: beam search keeps its ``candidates`` best finished hypotheses, CTranslate2's
    ``num_hypotheses``, transformers' ``num_return_sequences``). ``repetition_penalty``: over the
    model's own (``None``: the model's; above 1 penalises tokens already generated, which breaks the
    loops a first output fell into).
    """

    candidates: int = 4
    repetition_penalty: float | None = None

    def beams(self, settings: DecodeSettings) -> int:
        """The beam size that returns ``candidates`` hypotheses: the settings' own, or wider."""
        return max(settings.num_beams, self.candidates)
