"""Sentence-by-sentence translation: one English text per Arabic sentence, never truncated.

preprocess (cut over-long sentences at clause marks) -> forward (length-sorted, bounded
batches through any ``Seq2SeqEngine``) -> postprocess (rejoin the parts of each sentence).

Each translated sentence carries the model's confidence: the mean log-probability per token of
the hypothesis it chose (``engines.base.Hypothesis``). A sentence translated in parts gets the
mean over all its parts' tokens: each part's mean weighted by its number of tokens, which is what
the sentence's score would be had it been one output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engines.base import TRANSLATION_DECODING, DecodeSettings, Hypothesis, Seq2SeqEngine
from ..engines.batching import (
    SAFETY_TOKENS,
    BatchedStage,
    BatchQueue,
    ProgressHook,
    longest_fitting_prefix,
    pack,
    scored_generate,
)

_CLAUSE_END = re.compile(r"(?<=[،؛:,;])\s+")


@dataclass
class _Piece:
    owner: int  # index of the sentence the piece belongs to
    text: str


@dataclass(frozen=True)
class Translation:
    """One sentence's English and the model's confidence in it.

    ``score``: mean log-probability per token (0.0 = certain; about -1 means the model gave its chosen
    tokens a probability of e^-1 = 37% on average), ``None`` when nothing was translated (an empty
    sentence) or the engine gives no scores. ``tokens``: how many tokens the mean is over.
    """

    text: str
    score: float | None = None
    tokens: int = 0


class Translator(BatchedStage):
    """Translates sentences with an engine, keeping the output aligned 1:1 with the input."""

    def __init__(self, engine: Seq2SeqEngine, *, decoding: DecodeSettings = TRANSLATION_DECODING,
                 batch_size: int = 16, max_batch_tokens: int | None = None, max_input_tokens: int | None = None):
        super().__init__(engine, decoding=decoding, batch_size=batch_size, max_batch_tokens=max_batch_tokens,
                         max_input_tokens=max_input_tokens)

    def translate(self, sentences: list[str], progress: ProgressHook | None = None,
                  decoding: DecodeSettings | None = None) -> list[str]:
        """One English text per sentence, in order."""
        return [t.text for t in self.translate_scored(sentences, progress, decoding)]

    def translate_scored(self, sentences: list[str], progress: ProgressHook | None = None,
                         decoding: DecodeSettings | None = None) -> list[Translation]:
        """One ``Translation`` (text and score) per sentence, in order; ``decoding``: this call's settings
        instead of the translator's own (a per-call beam size). Translated by as many threads as the engine
        has workers (two for CTranslate2 on the CPU: docs/speed.md)."""
        job = self.start(sentences, progress, decoding)
        job.work(threads=self.workers)
        return job.result()

    @property
    def workers(self) -> int:
        """How many calls the engine runs at the same time (CTranslate2's workers), so how many threads
        should take this translator's batches (an engine that does not say: one)."""
        return getattr(self.engine, "workers", 1)

    def start(self, sentences: list[str], progress: ProgressHook | None = None,
              decoding: DecodeSettings | None = None, *, more_to_come: bool = False) -> TranslationJob:
        """``translate_scored`` in steps, for more than one thread: the sentences cut and batched now,
        translated by every thread that calls the job's ``work()``, and read with ``result()`` once all
        have returned (the pipeline's translation thread, then its summary thread too).

        ``more_to_come``: sentences will ``join`` the job (the summary's, once it is written). When the job
        has more batches than the engine has workers, its last batch then waits for them, so that they
        share it (``BatchQueue.join``); the caller must ``join`` or ``release`` the job."""
        pieces = self.preprocess(sentences)
        queue = BatchQueue(self.engine, [p.text for p in pieces], decoding or self.decoding, self.batch_size,
                           progress, call=scored_generate(self.engine), max_tokens=self.max_batch_tokens)
        if more_to_come and queue.batch_count > self.workers:
            queue.hold_last()
        return TranslationJob(len(sentences), pieces, queue, self)

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
    def postprocess(n_sentences: int, pieces: list[_Piece], outputs: list[Hypothesis]) -> list[Translation]:
        """Rejoin each sentence's parts: texts joined with spaces, scores combined (module docstring)."""
        parts: list[list[Hypothesis]] = [[] for _ in range(n_sentences)]
        for piece, out in zip(pieces, outputs, strict=True):
            parts[piece.owner].append(out)
        return [_combine(hypotheses) for hypotheses in parts]


def _combine(parts: list[Hypothesis]) -> Translation:
    text = " ".join(part.text for part in parts if part.text)
    if not parts or any(part.score is None for part in parts):
        return Translation(text)
    tokens = sum(part.tokens for part in parts)
    if tokens == 0:
        return Translation(text, 0.0, 0)
    return Translation(text, sum(part.score * part.tokens for part in parts) / tokens, tokens)


@dataclass
class TranslationJob:
    """Sentences on their way through ``Translator.start``: ``work()`` from any number of threads, then
    ``result()``, one ``Translation`` per sentence in order; sentences that ``join`` it later, with
    ``joined_result``."""

    sentences: int
    pieces: list[_Piece]
    queue: BatchQueue
    translator: Translator

    def work(self, threads: int = 1) -> None:
        """Translate batches until none is left to take, in this thread (and ``threads - 1`` more)."""
        self.queue.work_in(threads)

    def result(self) -> list[Translation]:
        return Translator.postprocess(self.sentences, self.pieces, self.queue.outputs[: len(self.pieces)])

    def join(self, sentences: list[str], progress: ProgressHook | None = None) -> JoinedSentences:
        """Translate ``sentences`` with this job (into its held last batch when they fit there)."""
        pieces = self.translator.preprocess(sentences)
        where = self.queue.join([p.text for p in pieces], progress)
        return JoinedSentences(len(sentences), pieces, where)

    def release(self) -> None:
        """No sentences will join: the held last batch, if any, runs as it is."""
        self.queue.release()

    def stop(self) -> None:
        """No batch starts after those running (the caller failed: the translation is not wanted)."""
        self.queue.stop()

    def joined_seconds(self, joined: JoinedSentences) -> float:
        """The time of the batches that translated ``joined`` (a batch shared with the article's counts whole)."""
        return self.queue.busy_seconds(joined.where)

    def joined_result(self, joined: JoinedSentences) -> list[Translation]:
        return Translator.postprocess(joined.sentences, joined.pieces, self.queue.outputs[joined.where.start:
                                                                                          joined.where.stop])


@dataclass(frozen=True)
class JoinedSentences:
    """Sentences that joined a ``TranslationJob``: where their pieces' outputs are."""

    sentences: int
    pieces: list[_Piece]
    where: range
