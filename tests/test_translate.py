"""Translation: alignment, long sentences cut (never truncated), batching equivalence."""

from __future__ import annotations

import pytest

from summarizer.engines.base import DecodeSettings
from summarizer.engines.batching import pack
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.stages.translate import Translator

GREEDY = DecodeSettings(num_beams=1, max_new_tokens=12)


class RecordingEngine:
    """Wraps an engine to see exactly what reaches the model."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.model_id, self.engine, self.max_input_tokens = inner.model_id, "recording", inner.max_input_tokens

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def generate(self, texts, settings):
        self.calls.append(list(texts))
        return self.inner.generate(texts, settings)

    def generate_scored(self, texts, settings):
        self.calls.append(list(texts))
        return self.inner.generate_scored(texts, settings)


@pytest.fixture(scope="module")
def marian(tiny_marian):
    return TransformersEngine.load(str(tiny_marian))


def test_one_output_per_sentence_in_order(marian, seed_texts):
    sentences = [line for line in seed_texts[0].splitlines() if line.strip()]
    out = Translator(marian, decoding=GREEDY, batch_size=4).translate(sentences)
    assert len(out) == len(sentences)
    assert all(isinstance(t, str) and t for t in out)


def test_batched_equals_one_by_one_greedy(marian, seed_texts):
    sentences = [line for text in seed_texts[:2] for line in text.splitlines() if line.strip()][:12]
    batched = Translator(marian, decoding=GREEDY, batch_size=8).translate(sentences)
    single = [Translator(marian, decoding=GREEDY, batch_size=1).translate([s])[0] for s in sentences]
    assert batched == single


def test_batches_are_bounded_and_sorted_by_length(marian, seed_texts):
    engine = RecordingEngine(marian)
    sentences = [line for line in seed_texts[4].splitlines() if line.strip()]
    Translator(engine, decoding=GREEDY, batch_size=5).translate(sentences)
    assert all(len(call) <= 5 for call in engine.calls)
    lengths = [len(t) for call in engine.calls for t in call]
    assert lengths == sorted(lengths, reverse=True)
    assert sum(len(call) for call in engine.calls) == len(sentences)


def test_long_sentence_is_cut_at_clause_marks_not_truncated(marian):
    clause = "قال وزير الخارجية الروسي سيرغي لافروف إن المحادثات مستمرة"
    sentence = "، ".join([clause] * 6) + "."
    engine = RecordingEngine(marian)
    translator = Translator(engine, decoding=GREEDY, max_input_tokens=40)
    assert marian.count_tokens([sentence])[0] > 40
    out = translator.translate(["جملة قصيرة.", sentence, "نعم."])
    assert len(out) == 3 and all(out)
    pieces = [t for call in engine.calls for t in call if t not in ("جملة قصيرة.", "نعم.")]
    assert len(pieces) >= 2
    assert all(marian.count_tokens([p])[0] <= 40 for p in pieces)
    # nothing lost: the pieces put together are the sentence
    assert sorted("".join(pieces).replace(" ", "")) == sorted(sentence.replace(" ", ""))
    assert all(p.rstrip().endswith(("،", ".")) for p in pieces)


def test_sentence_without_punctuation_or_spaces_is_cut_on_tokens(marian):
    monster = "ا" * 300 + "لافروف" * 40
    engine = RecordingEngine(marian)
    out = Translator(engine, decoding=GREEDY, max_input_tokens=30).translate([monster])
    assert len(out) == 1 and out[0]
    pieces = [t for call in engine.calls for t in call]
    assert "".join(sorted(pieces, key=monster.index)) == monster
    assert all(marian.count_tokens([p])[0] <= 30 for p in pieces)


def test_5000_characters_without_punctuation(marian):
    words = ("المبعوث الأممي يصل إلى موسكو لإجراء مباحثات حول سبل استئناف وقف إطلاق النار " * 80).split()
    sentence = " ".join(words)[:5000]
    out = Translator(marian, decoding=GREEDY, max_input_tokens=512).translate([sentence])
    assert len(out) == 1 and out[0]


def test_empty_sentences_keep_their_slot(marian):
    assert Translator(marian, decoding=GREEDY).translate(["", "قال لافروف."])[0] == ""
    assert Translator(marian, decoding=GREEDY).translate([]) == []


def test_pack_respects_limit_and_keeps_order():
    units = ["a", "b", "c", "d"]
    groups = pack(units, [5, 5, 5, 5], limit=14, overhead=1)
    assert [u for g in groups for u in g] == units
    assert all(sum(4 for _ in g) + 1 + 4 <= 14 or len(g) == 1 for g in groups)


def test_counting_a_text_over_the_limit_prints_no_tokenizer_warning(tiny_marian):
    """Counting is how over-long input gets cut to fit, so "will result in indexing errors" is false."""
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # transformers' logger does not propagate to pytest's caplog
    library = logging.getLogger("transformers")
    library.addHandler(handler)
    try:
        fresh = TransformersEngine.load(str(tiny_marian))  # the tokenizer warns once per instance
        long_text = " ".join(["المبعوث الأممي يصل إلى موسكو لإجراء مباحثات"] * 200)
        assert fresh.count_tokens([long_text])[0] > fresh.max_input_tokens
        after_counting = [r.getMessage() for r in records]
        fresh.tokenizer([long_text])  # the same text through the tokenizer as is: it does warn
    finally:
        library.removeHandler(handler)
    assert not any("sequence length is longer" in m for m in after_counting), after_counting
    assert any("sequence length is longer" in r.getMessage() for r in records)


def test_a_job_worked_by_two_threads_equals_one_thread(marian, seed_texts):
    """``Translator.start``: batches fixed before they run, taken by whichever thread is free; every batch
    runs once and the outputs (texts and scores) are those of ``translate_scored``."""
    import threading

    engine = RecordingEngine(marian)
    sentences = [line for line in seed_texts[2].splitlines() if line.strip()]
    translator = Translator(engine, decoding=GREEDY, batch_size=2)
    job = translator.start(sentences)
    helper = threading.Thread(target=job.work)
    helper.start()
    job.work()
    helper.join()
    shared = job.result()
    assert sum(len(call) for call in engine.calls) == len(sentences)  # no batch ran twice
    engine.calls.clear()
    assert shared == translator.translate_scored(sentences)


def test_a_failing_batch_ends_the_job_for_every_thread(marian, seed_texts):
    """The thread whose batch raised sees the error; no batch starts after it (a cancelled page, a broken
    model: the other thread stops at its next batch instead of translating the rest for nothing)."""
    from summarizer.engines.batching import BatchQueue

    calls = []

    def call(texts, settings):
        calls.append(texts)
        if len(calls) == 2:
            raise RuntimeError("model broke")
        return list(texts)

    queue = BatchQueue(marian, [f"s{i}" for i in range(10)], GREEDY, 2, call=call)
    with pytest.raises(RuntimeError, match="model broke"):
        queue.work()
    queue.work()  # another thread arriving later finds nothing left to take
    assert len(calls) == 2


def _echo_queue(marian, texts, batch_size, calls, *, fail_on=None):
    from summarizer.engines.batching import BatchQueue

    def call(batch, settings):
        calls.append(list(batch))
        if fail_on is not None and len(calls) == fail_on:
            raise RuntimeError("model broke")
        return [t.upper() for t in batch]

    return BatchQueue(marian, texts, GREEDY, batch_size, call=call)


def test_sentences_that_join_later_share_the_held_last_batch_when_they_fit(marian):
    """The summary's sentence goes into the article's last batch (one batch fewer); the batches depend on
    the texts only, never on which thread got where first."""
    calls: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc", "d", "e"], 2, calls)
    queue.hold_last()
    assert queue.batch_count == 3
    where = queue.join(["summary"])
    queue.work()
    assert calls == [["aaaa", "bbb"], ["cc", "d"], ["e", "summary"]]
    assert [queue.outputs[i] for i in where] == ["SUMMARY"] and queue.outputs[:5] == ["AAAA", "BBB", "CC", "D", "E"]


def test_what_does_not_fit_in_the_held_batch_gets_batches_of_its_own_after_it(marian):
    """As many of the joined texts as fit go into the held batch, longest first; the others follow."""
    calls: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc"], 2, calls)
    queue.hold_last()
    queue.join(["x", "yy", "zzz"])  # "cc" has room for one
    queue.work()
    assert calls == [["aaaa", "bbb"], ["cc", "zzz"], ["yy", "x"]]
    released: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc"], 2, released)
    queue.hold_last()
    queue.release()  # nothing joins: the held batch runs as it is
    queue.release()  # and once is enough
    queue.work()
    assert released == [["aaaa", "bbb"], ["cc"]] and queue.outputs == ["AAAA", "BBB", "CC"]
    full: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc", "d"], 2, full)
    queue.hold_last()  # a full last batch could share with nothing: it is not held
    queue.work()  # so this returns without a join
    assert full == [["aaaa", "bbb"], ["cc", "d"]]


def test_a_thread_that_finds_only_the_held_batch_waits_for_the_join(marian):
    import threading

    calls: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc"], 2, calls)
    queue.hold_last()
    helper = threading.Thread(target=queue.work)
    helper.start()
    helper.join(timeout=0.5)
    assert helper.is_alive() and calls == [["aaaa", "bbb"]]  # waiting: the held batch is not its to run yet
    queue.join(["s"])
    helper.join(timeout=10)
    assert not helper.is_alive() and calls == [["aaaa", "bbb"], ["cc", "s"]]


def test_a_failing_batch_wakes_a_thread_waiting_for_the_held_batch(marian):
    import threading

    calls: list[list[str]] = []
    queue = _echo_queue(marian, ["aaaa", "bbb", "cc", "d", "e"], 2, calls, fail_on=1)
    queue.hold_last()
    with pytest.raises(RuntimeError, match="model broke"):
        queue.work()
    helper = threading.Thread(target=queue.work)
    helper.start()
    helper.join(timeout=10)
    assert not helper.is_alive() and len(calls) == 1
    queue.join(["s"])  # a join after the end starts nothing
    queue.work()
    assert len(calls) == 1


def test_each_part_of_a_queue_reports_its_own_progress(marian):
    calls: list[list[str]] = []
    article: list[tuple[int, int]] = []
    summary: list[tuple[int, int]] = []
    from summarizer.engines.batching import BatchQueue

    queue = BatchQueue(marian, ["aaaa", "bbb", "cc"], GREEDY, 2, lambda d, t: article.append((d, t)),
                       call=lambda batch, settings: calls.append(batch) or list(batch))
    queue.hold_last()
    queue.join(["s"], lambda d, t: summary.append((d, t)))
    queue.work()
    assert article == [(2, 3), (3, 3)] and summary == [(1, 1)]


def test_a_translation_job_translates_the_joined_sentences_as_translate_scored_would(marian, seed_texts):
    engine = RecordingEngine(marian)
    sentences = [line for line in seed_texts[2].splitlines() if line.strip()]
    sentences = sentences[: len(sentences) // 2 * 2 - 1]  # an odd number: the last batch has room for one
    translator = Translator(engine, decoding=GREEDY, batch_size=2)
    job = translator.start(sentences, more_to_come=True)  # more batches than the engine's one worker: held
    joined = job.join(["قال المتحدث إن الاجتماع انتهى."])
    job.work()
    assert len(engine.calls) == (len(sentences) + 1) // 2  # the summary's sentence cost no batch of its own
    assert engine.calls[-1][-1] == "قال المتحدث إن الاجتماع انتهى." and len(engine.calls[-1]) == 2
    article, summary = job.result(), job.joined_result(joined)
    assert len(article) == len(sentences) and all(t.text for t in article) and len(summary) == 1 and summary[0].text
