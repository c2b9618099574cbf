"""Grouping inputs for an engine: token budgets and length-sorted batches.

Shared by the summary and translation stages so that both cut and batch the same way.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from .base import DecodeSettings, Hypothesis, Seq2SeqEngine

ProgressHook = Callable[[int, int], None]
SAFETY_TOKENS = 4  # sentencepiece counts are nearly, not exactly, additive across a join


def pack(units: list[str], counts: list[int], limit: int, overhead: int) -> list[list[str]]:
    """Group consecutive units so that each group, joined with spaces, fits in ``limit`` tokens.

    ``counts`` include ``overhead`` special tokens each; a group costs the sum of its units'
    bare counts plus one overhead. A unit over the limit on its own makes its own group.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for unit, count in zip(units, counts, strict=True):
        bare = count - overhead
        if current and used + bare + overhead + SAFETY_TOKENS > limit:
            groups.append(current)
            current, used = [], 0
        current.append(unit)
        used += bare
    if current:
        groups.append(current)
    return groups


def longest_fitting_prefix(engine: Seq2SeqEngine, text: str, limit: int) -> int:
    """Length in characters (at least 1) of the longest prefix of ``text`` within ``limit`` tokens."""
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if engine.count_tokens([text[:mid]])[0] <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def scored_generate(engine: Seq2SeqEngine) -> Callable[[list[str], DecodeSettings], list[Hypothesis]]:
    """``engine.generate_scored``; for an engine without it (a wrapper that only has ``generate``),
    its texts with no score."""
    scored = getattr(engine, "generate_scored", None)
    if scored is not None:
        return scored
    return lambda texts, settings: [Hypothesis(text) for text in engine.generate(texts, settings)]


def generate_batched(
    engine: Seq2SeqEngine,
    texts: list[str],
    settings: DecodeSettings,
    batch_size: int,
    progress: ProgressHook | None = None,
    *,
    call: Callable[[list[str], DecodeSettings], list] | None = None,
    max_tokens: int | None = None,
    threads: int = 1,
) -> list:
    """Run ``texts`` through ``engine`` in batches of similar length (padding is wasted work).

    ``call`` runs one batch (default ``engine.generate``: texts; ``scored_generate(engine)``: hypotheses).
    ``max_tokens``: a batch also ends before its padded size (longest input x texts) passes this
    many tokens, so that on a GPU many short sentences share a batch and long inputs do not overflow it.
    ``threads``: how many threads take the batches in turn (``BatchQueue.work_in``; the engine's workers).
    """
    queue = BatchQueue(engine, texts, settings, batch_size, progress, call=call, max_tokens=max_tokens)
    queue.work_in(threads)
    return queue.outputs


class BatchQueue:
    """The batches of one ``generate_batched`` call, which more than one thread may work through.

    Each ``work()`` takes the next batch nobody has taken until none is left, so a thread whose own stage
    is done can help with this one: the pipeline's summary thread joins the article's translation once
    the summary is written (docs/speed.md). The batches are fixed when the queue is made, so the outputs
    are the same whichever thread, and whichever of the engine's workers, runs each batch. A batch that
    raises ends the queue for every thread (no batch is started after it) and raises in the thread that
    ran it; ``outputs`` is complete once every ``work()`` has returned without raising.
    """

    def __init__(self, engine: Seq2SeqEngine, texts: list[str], settings: DecodeSettings, batch_size: int,
                 progress: ProgressHook | None = None, *,
                 call: Callable[[list[str], DecodeSettings], list] | None = None, max_tokens: int | None = None):
        self._call = call or engine.generate
        self._texts = texts
        self._settings = settings
        self._progress = progress
        self._batches = plan_batches(texts, batch_size, engine.count_tokens(texts) if max_tokens else None,
                                     max_tokens)
        self._next = 0
        self._done = 0
        self._lock = threading.Lock()
        self.outputs: list = [""] * len(texts)

    def work(self) -> None:
        """Run batches until none is left to take (returns at once when others have taken them all)."""
        while (batch := self._take()) is not None:
            try:
                outputs = self._call([self._texts[i] for i in batch], self._settings)
                with self._lock:
                    for i, out in zip(batch, outputs, strict=True):
                        self.outputs[i] = out
                    self._done += len(batch)
                    if self._progress:  # one thread at a time: a progress bar is not made for two
                        self._progress(self._done, len(self._texts))
            except BaseException:
                with self._lock:
                    self._next = len(self._batches)
                raise

    def work_in(self, threads: int) -> None:
        """``work()`` in this thread and in ``threads - 1`` more, each in the caller's context (a progress
        hook may rely on context variables: the web page's does); returns when every batch is done, and
        raises the first error of this thread, else of the others."""
        if threads <= 1 or len(self._batches) <= 1:
            self.work()
            return
        with ThreadPoolExecutor(threads - 1, thread_name_prefix="summarizer-batch") as pool:
            helpers = [pool.submit(contextvars.copy_context().run, self.work) for _ in range(threads - 1)]
            try:
                self.work()
            finally:
                wait(helpers)
        for helper in helpers:
            helper.result()

    def _take(self) -> list[int] | None:
        with self._lock:
            if self._next >= len(self._batches):
                return None
            self._next += 1
            return self._batches[self._next - 1]


def plan_batches(texts: list[str], batch_size: int, token_counts: list[int] | None = None,
                 max_tokens: int | None = None) -> list[list[int]]:
    """Indices of ``texts`` in batches, longest first: at most ``batch_size`` texts, and with
    ``max_tokens``, at most that many padded tokens (the batch's longest count x its size)."""
    lengths = token_counts if token_counts is not None else [len(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        full = len(current) >= batch_size or (
            max_tokens is not None and current and lengths[current[0]] * (len(current) + 1) > max_tokens
        )
        if full:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


class BatchedStage:
    """What a stage that drives an engine in batches holds: the engine, its decoding settings, the batch
    limits, and the longest input it takes (the engine's own unless given); shared by the summary and
    the translation stages."""

    def __init__(self, engine: Seq2SeqEngine, *, decoding: DecodeSettings, batch_size: int,
                 max_batch_tokens: int | None = None, max_input_tokens: int | None = None):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.engine = engine
        self.decoding = decoding
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens or engine.max_input_tokens
        self._overhead = engine.count_tokens([""])[0]  # the special tokens every input carries
