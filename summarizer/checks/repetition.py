"""Decoding loops: the same words, one after another, again and again.

Neural MT falls into loops ("the the the", "of the city of the city of the city") on inputs it
cannot handle. A loop is a run of consecutive copies of one n-gram: at least
:data:`MIN_COPIES_WORD` copies of one word, or :data:`MIN_COPIES_PHRASE` of a phrase of 2 to
:data:`MAX_N` words. Human translations have none of these (0 of the FLORES-101 devtest and NTREX dev
references, see ``python -m eval.checks``): "very, very" and "bye bye" stop at two copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_N = 8
MIN_COPIES_WORD = 4
MIN_COPIES_PHRASE = 3
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(frozen=True)
class Loop:
    """A run of ``copies`` consecutive copies of ``phrase`` starting at word ``start``."""

    phrase: str
    copies: int
    start: int


def find_loop(text: str) -> Loop | None:
    """The longest loop (most words covered) in ``text``, or None."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    best: Loop | None = None
    best_cover = 0
    for n in range(1, MAX_N + 1):
        need = MIN_COPIES_WORD if n == 1 else MIN_COPIES_PHRASE
        i = 0
        while i + n * need <= len(words):
            unit = words[i : i + n]
            copies = 1
            while words[i + copies * n : i + (copies + 1) * n] == unit:
                copies += 1
            if copies >= need and copies * n > best_cover:
                best, best_cover = Loop(" ".join(unit), copies, i), copies * n
            i += max(1, (copies - 1) * n) if copies > 1 else 1
    return best
