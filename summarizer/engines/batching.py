"""Grouping inputs for an engine: token budgets and length-sorted batches.

Shared by the summary and translation stages so that both cut and batch the same way.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

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


@dataclass
class _Part:
    """Texts of a queue that report their progress to one hook: the queue's own, or texts that joined it."""

    indices: range
    progress: ProgressHook | None
    done: int = 0
    seconds: float = 0.0  # the time of the batches that held any of its texts


class BatchQueue:
    """The batches of one ``generate_batched`` call, which more than one thread may work through.

    Each ``work()`` takes the next batch nobody has taken until none is left, so a thread whose own stage
    is done can help with this one: the pipeline's summary thread joins the article's translation once
    the summary is written (docs/speed.md). The batches are fixed before they run, so the outputs are the
    same whichever thread, and whichever of the engine's workers, runs each batch. A batch that raises
    ends the queue for every thread (no batch is started after it) and raises in the thread that ran it;
    ``outputs`` is complete once every ``work()`` has returned without raising.

    Texts known later (the summary's sentences, written while the article is translated) ``join`` the
    queue. The last batch may be held for them (``hold_last``): as many as fit go into it, so that a
    one-sentence summary does not cost a batch of its own (a batch costs nearly as much for one sentence
    as for eight: every decoding step reads the whole model). Which batches there are then depends only on
    the texts, never on which thread got where first: a thread that finds only the held batch waits for
    ``join`` (or ``release``), which whoever holds it must call.
    """

    def __init__(self, engine: Seq2SeqEngine, texts: list[str], settings: DecodeSettings, batch_size: int,
                 progress: ProgressHook | None = None, *,
                 call: Callable[[list[str], DecodeSettings], list] | None = None, max_tokens: int | None = None):
        self._engine = engine
        self._call = call or engine.generate
        self._texts = list(texts)
        self._settings = settings
        self._batch_size = batch_size
        self._max_tokens = max_tokens
        self._lengths = self._lengths_of(self._texts)
        self._batches = plan_batches(self._texts, batch_size, self._lengths, max_tokens)
        self._parts = [_Part(range(len(self._texts)), progress)]
        self._held: list[int] | None = None
        self._next = 0
        self._stopped = False
        self._ready = threading.Condition()
        self.outputs: list = [""] * len(self._texts)

    @property
    def batch_count(self) -> int:
        return len(self._batches) + (self._held is not None)

    def hold_last(self) -> None:
        """Hold the last batch (before any ``work()``) until :meth:`join` or :meth:`release`, when it has
        room for more texts (a full one could share with nothing: it runs when its turn comes)."""
        with self._ready:
            if self._held is None and self._next < len(self._batches) and len(self._batches[-1]) < self._batch_size:
                self._held = self._batches.pop()

    def join(self, texts: list[str], progress: ProgressHook | None = None) -> range:
        """Add ``texts`` to the queue, reporting to ``progress``: into the held batch as many as fit there
        (longest first), the others in batches of their own after it. Releases the held batch. Returns
        where their outputs are in ``outputs``."""
        with self._ready:
            start = len(self._texts)
            if not texts and self._held is None:
                return range(start, start)
            self._texts += texts
            self._lengths += self._lengths_of(texts)
            self.outputs += [""] * len(texts)
            self._parts.append(_Part(range(start, start + len(texts)), progress))
            held, self._held = self._held, None
            rest = list(range(start, start + len(texts)))
            if held is not None:  # the held batch takes what fits of them, longest first (as batches are made)
                for i in sorted(rest, key=lambda i: self._lengths[i], reverse=True):
                    if self._fits([*held, i]):
                        held.append(i)
                rest = [i for i in rest if i not in held]
                self._batches.append(held)
            planned = plan_batches([self._texts[i] for i in rest], self._batch_size, [self._lengths[i] for i in rest],
                                   self._max_tokens)
            self._batches += [[rest[k] for k in batch] for batch in planned]
            self._ready.notify_all()
            return range(start, start + len(texts))

    def release(self) -> None:
        """Let the held batch run as it is (nothing joins it; a no-op once joined)."""
        self.join([])

    def stop(self) -> None:
        """Start no batch after those running (the work is no longer wanted: its article failed)."""
        with self._ready:
            self._stopped = True
            self._ready.notify_all()

    def work(self) -> None:
        """Run batches until none is left to take (returns at once when others have taken them all)."""
        while (taken := self._take()) is not None:
            batch, texts = taken
            try:
                started = time.perf_counter()
                outputs = self._call(texts, self._settings)
                with self._ready:
                    for i, out in zip(batch, outputs, strict=True):
                        self.outputs[i] = out
                    self._report(batch, time.perf_counter() - started)
            except BaseException:
                self.stop()
                raise

    def work_in(self, threads: int) -> None:
        """``work()`` in this thread and in ``threads - 1`` more, each in the caller's context (a progress
        hook may rely on context variables: the web page's does); returns when every batch is done, and
        raises the first error of this thread, else of the others."""
        if threads <= 1 or self.batch_count <= 1:
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

    def busy_seconds(self, indices: range) -> float:
        """The time of the batches that held any of the texts that joined at ``indices`` (a shared batch
        counts whole)."""
        with self._ready:
            return sum(part.seconds for part in self._parts if part.indices == indices)

    def _take(self) -> tuple[list[int], list[str]] | None:
        with self._ready:
            while not self._stopped and self._next >= len(self._batches) and self._held is not None:
                self._ready.wait()
            if self._stopped or self._next >= len(self._batches):
                return None
            self._next += 1
            batch = self._batches[self._next - 1]
            return batch, [self._texts[i] for i in batch]

    def _report(self, batch: list[int], seconds: float) -> None:
        """Each part's progress and time (called with the lock held: one thread at a time, as a progress
        bar needs)."""
        for part in self._parts:
            done = sum(i in part.indices for i in batch)
            if done:
                part.done += done
                part.seconds += seconds
                if part.progress:
                    part.progress(part.done, len(part.indices))

    def _lengths_of(self, texts: list[str]) -> list[int]:
        return self._engine.count_tokens(texts) if self._max_tokens and texts else [len(t) for t in texts]

    def _fits(self, batch: list[int]) -> bool:
        return len(batch) <= self._batch_size and (
            self._max_tokens is None or max(self._lengths[i] for i in batch) * len(batch) <= self._max_tokens)


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
