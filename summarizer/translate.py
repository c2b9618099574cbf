"""Sentence-by-sentence translation: one English text per Arabic sentence, never truncated.

preprocess (cut over-long sentences at clause marks) -> forward (length-sorted, bounded
batches through any ``Seq2SeqEngine``) -> postprocess (rejoin the parts of each sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .engines.base import TRANSLATION_DECODING, DecodeSettings, Seq2SeqEngine
from .engines.batching import SAFETY_TOKENS, ProgressHook, generate_batched, longest_fitting_prefix, pack

_CLAUSE_END = re.compile(r"(?<=[،؛:,;])\s+")


@dataclass
class _Piece:
    owner: int  # index of the sentence the piece belongs to
    text: str


class Translator:
    """Translates sentences with an engine, keeping the output aligned 1:1 with the input."""

    def __init__(
        self,
        engine: Seq2SeqEngine,
        *,
        decoding: DecodeSettings = TRANSLATION_DECODING,
        batch_size: int = 16,
        max_input_tokens: int | None = None,
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.engine = engine
        self.decoding = decoding
        self.batch_size = batch_size
        self.max_input_tokens = max_input_tokens or engine.max_input_tokens
        self._overhead = engine.count_tokens([""])[0]

    def translate(self, sentences: list[str], progress: ProgressHook | None = None) -> list[str]:
        pieces = self.preprocess(sentences)
        outputs = generate_batched(self.engine, [p.text for p in pieces], self.decoding, self.batch_size, progress)
        return self.postprocess(len(sentences), pieces, outputs)

    def preprocess(self, sentences: list[str]) -> list[_Piece]:
        counts = self.engine.count_tokens(sentences)
        pieces: list[_Piece] = []
        for i, (sentence, count) in enumerate(zip(sentences, counts, strict=True)):
            if not sentence.strip():
                continue
            parts = [sentence] if count <= self.max_input_tokens else self.split_long(sentence)
            pieces.extend(_Piece(i, part) for part in parts)
        return pieces

    def split_long(self, sentence: str) -> list[str]:
        """Cut a sentence over the model's limit at clause marks (، ؛ :), then at spaces if needed."""
        clauses = [c for c in _CLAUSE_END.split(sentence) if c]
        parts: list[str] = []
        for group in self._pack(clauses):
            if self.engine.count_tokens([group])[0] <= self.max_input_tokens:
                parts.append(group)
            else:
                parts.extend(self._split_words(group))
        return parts

    def _pack(self, units: list[str]) -> list[str]:
        groups = pack(units, self.engine.count_tokens(units), self.max_input_tokens, self._overhead)
        return [" ".join(group) for group in groups]

    def _split_words(self, text: str) -> list[str]:
        parts: list[str] = []
        for group in self._pack(text.split()):
            rest = group
            # A single "word" over the limit (no spaces at all): cut at the longest prefix that fits.
            while self.engine.count_tokens([rest])[0] > self.max_input_tokens:
                cut = longest_fitting_prefix(self.engine, rest, self.max_input_tokens - SAFETY_TOKENS)
                parts.append(rest[:cut])
                rest = rest[cut:]
            if rest.strip():
                parts.append(rest)
        return parts

    @staticmethod
    def postprocess(n_sentences: int, pieces: list[_Piece], outputs: list[str]) -> list[str]:
        joined: list[list[str]] = [[] for _ in range(n_sentences)]
        for piece, out in zip(pieces, outputs, strict=True):
            if out:
                joined[piece.owner].append(out)
        return [" ".join(parts) for parts in joined]
