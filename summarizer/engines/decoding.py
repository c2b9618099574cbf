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
