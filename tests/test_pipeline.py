"""The whole pipeline on tiny local models: result structure, alignment, batch, bad input."""

from __future__ import annotations

import json

import pytest

from summarizer import InputError, Pipeline, Result
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.stages.split import split_sentences

FAST_SUMMARY = SUMMARY_DECODING.but(num_beams=1, max_new_tokens=12)
FAST_TRANSLATION = TRANSLATION_DECODING.but(num_beams=1, max_new_tokens=8)


@pytest.fixture(scope="module")
def pipeline(tiny_mt5, tiny_marian):
    return Pipeline(str(tiny_mt5), str(tiny_marian), summary_decoding=FAST_SUMMARY,
                    translation_decoding=FAST_TRANSLATION)


def test_result_has_every_field(pipeline, seed_texts):
    result = pipeline(seed_texts[1])
    assert isinstance(result, Result) and result.ok
    assert result.sentences and result.summary_ar and result.summary_en and result.translation_text
    assert result.summary_method == "abstractive-lead"
    assert [p.ar for p in result.translation] == result.sentences
    assert all(p.en for p in result.translation)
    assert result.models["summary"]["engine"] == "ctranslate2"  # the default engine
    assert set(result.timings) == {"clean", "split", "summarize", "translate", "repair", "summary_en",
                                   "checks"}  # checks and repair: on by default
    assert all(t >= 0 for t in result.timings.values())
    data = result.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert {"sentences", "removed", "summary_ar", "summary_method", "translation", "translation_text",
            "summary_en", "models", "timings", "warnings"} <= set(data)


def test_cleaning_is_reported(pipeline, seed_texts):
    result = pipeline(seed_texts[2])  # separator lines "&"
    assert result.removed and any("Cleaning removed" in w for w in result.warnings)
    assert not any(s.strip() == "&" for s in result.sentences)


@pytest.mark.parametrize("method,expected", [("extractive", "extractive-lexrank"), ("lead", "lead-3")])
def test_extractive_methods_reuse_aligned_translation(pipeline, seed_texts, method, expected):
    result = pipeline(seed_texts[0], summary_method=method)
    assert result.summary_method == expected
    by_sentence = {p.ar: p.en for p in result.translation}
    picked = [s for s in result.sentences if s in result.summary_ar]
    assert result.summary_en == " ".join(by_sentence[s] for s in picked)


def test_batch_equals_one_by_one_and_keeps_order(pipeline, seed_texts):
    items = [{"id": f"a{i}", "text": t} for i, t in enumerate(seed_texts)]
    batched = list(pipeline.batch(items, group_size=3, progress=False))
    assert [r.id for r in batched] == ["a0", "a1", "a2", "a3", "a4"]
    for result, text in zip(batched, seed_texts, strict=True):
        single = pipeline(text)
        assert result.sentences == single.sentences
        assert [(p.ar, p.en) for p in result.translation] == [(p.ar, p.en) for p in single.translation]
        # scores: equal but for float noise (a batch pads its inputs)
        assert [p.score for p in result.translation] == pytest.approx([p.score for p in single.translation],
                                                                  abs=1e-3)
        assert result.summary_ar == single.summary_ar and result.summary_en == single.summary_en


def test_batch_records_bad_items_without_stopping(pipeline, seed_texts):
    items = ["", seed_texts[1], "Hello world, this is English.", {"id": "x", "text": None}]
    results = list(pipeline.batch(items, progress=False))
    assert len(results) == 4
    assert results[0].error and "empty" in results[0].error
    assert results[1].ok and results[1].summary_ar
    assert results[2].error and "Arabic" in results[2].error
    assert results[3].id == "x" and results[3].error


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("The minister said the talks would resume.", "0% of its letters are Arabic"),
        ("<div><script>var a = 1;</script></div>", "Nothing is left"),
    ],
)
def test_bad_input_gets_a_clear_error(pipeline, text, message):
    with pytest.raises(InputError, match=message):
        pipeline(text)


def test_too_long_input(tiny_marian):
    small = Pipeline(None, str(tiny_marian), summary_method="lead", max_chars=1000,
                     translation_decoding=FAST_TRANSLATION)
    with pytest.raises(InputError, match="over the limit of 1,000"):
        small("قال لافروف. " * 200)


def test_html_is_stripped_and_text_kept(pipeline):
    html = "<html><body><h1>دي ميستورا في موسكو</h1><p>قال لافروف إن المحادثات مستمرة.</p>" \
           "<p>وأضاف أن <b>موسكو</b> تدعم الحل.</p></body></html>"
    result = pipeline(html, summary_method="lead")
    assert not any("<" in s for s in result.sentences)
    assert "قال لافروف إن المحادثات مستمرة." in result.sentences
    assert any(r.kind == "html" for r in result.removed)


def test_long_sentence_without_punctuation_is_translated_whole(pipeline):
    sentence = " ".join(["المبعوث الأممي يصل إلى موسكو لإجراء مباحثات حول سبل استئناف وقف إطلاق النار"] * 60)
    sentence = sentence[:5000]
    result = pipeline(sentence, summary_method="lead")
    assert len(result.translation) == 1 and result.translation[0].en


def test_summary_model_that_cannot_load_falls_back_with_a_warning(tmp_path, tiny_marian, seed_texts):
    pipe = Pipeline(str(tmp_path / "missing-mt5"), str(tiny_marian), translation_decoding=FAST_TRANSLATION)
    result = pipe(seed_texts[1])
    assert result.summary_method == "extractive-lexrank"
    assert any("missing-mt5" in w and "extractive" in w for w in result.warnings)
    assert result.models["summary"] is None
    assert pipe.load_errors["summary"].model == str(tmp_path / "missing-mt5")


@pytest.fixture(scope="module")
def mute_models(tmp_path_factory):
    """Models that only emit special tokens, so every output decodes to an empty string."""
    from tests.tiny_models import build_tiny_marian, build_tiny_mt5

    root = tmp_path_factory.mktemp("mute")
    return build_tiny_mt5(root / "mt5", mute=True), build_tiny_marian(root / "marian", eos_bias=1e4)


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_empty_model_outputs_are_never_shown_silently(mute_models, tiny_marian, seed_texts, engine):
    """An empty summary falls back to the extractive one; empty translations are counted."""
    mute_mt5, mute_marian = mute_models
    pipe = Pipeline(str(mute_mt5), str(tiny_marian), engine=engine, summary_decoding=FAST_SUMMARY,
                    translation_decoding=FAST_TRANSLATION)
    result = pipe(seed_texts[1])
    assert pipe.summarizer.summarize([result.sentences])[0].text == ""  # the model really says nothing
    assert result.summary_method == "extractive-lexrank" and result.summary_ar
    assert any("empty summary" in w for w in result.warnings)
    by_sentence = {p.ar: p.en for p in result.translation}
    assert result.summary_en == " ".join(by_sentence[s] for s in result.sentences if s in result.summary_ar)

    pipe = Pipeline(None, str(mute_marian), engine=engine, summary_method="lead",
                    translation_decoding=FAST_TRANSLATION)
    result = pipe(seed_texts[1])
    assert [p.ar for p in result.translation] == result.sentences
    assert all(p.en == "" for p in result.translation)
    n = len(result.sentences)
    assert any(f"nothing for {n} of {n} sentences" in w for w in result.warnings), result.warnings


def test_no_translation_model(tiny_mt5, seed_texts):
    pipe = Pipeline(str(tiny_mt5), None, summary_decoding=FAST_SUMMARY)
    result = pipe(seed_texts[1])
    assert result.summary_ar and not result.summary_en
    assert all(p.en == "" for p in result.translation)
    assert any("Translation is off" in w for w in result.warnings)


def test_chunked_long_input(tiny_mt5, tiny_marian, seed_texts):
    pipe = Pipeline(str(tiny_mt5), str(tiny_marian), long_input="chunked", summary_decoding=FAST_SUMMARY,
                    translation_decoding=FAST_TRANSLATION)
    pipe.summarizer.max_input_tokens = 128
    result = pipe(seed_texts[4])
    assert result.summary_method == "abstractive-chunked" and result.summary_ar


def test_progress_hook_sees_every_model_stage(pipeline, seed_texts):
    seen = []
    pipeline(seed_texts[1], progress=lambda stage, done, total: seen.append(stage))
    assert {"summarize", "translate", "summary_en"} <= set(seen)


def test_progress_reports_the_stages_in_the_order_they_run(pipeline, seed_texts, monkeypatch):
    """One after the other, the translation is announced after the summary, not when its batches are made."""
    monkeypatch.setattr(pipeline.summarizer.engine, "shares_cores", False)
    seen = []
    pipeline(seed_texts[1], progress=lambda stage, done, total: seen.append(stage))
    assert seen.index("translate") > max(i for i, stage in enumerate(seen) if stage == "summarize")


def test_bad_options():
    with pytest.raises(ValueError, match="summary_method"):
        Pipeline(None, None, summary_method="magic")
    with pytest.raises(ValueError, match="long_input"):
        Pipeline(None, None, long_input="middle")


def test_ctranslate2_engines_on_the_cpu_share_the_cores(pipeline):
    """The default CTranslate2 engines are loaded to run side by side (half the cores each)."""
    assert pipeline.summarizer.engine.shares_cores and pipeline.translator.engine.shares_cores
    assert pipeline._stages_share_cores()


def test_a_model_loaded_alone_keeps_every_core(tiny_mt5, tiny_marian):
    """Half the cores only for a model that will run beside the other one."""
    translation_only = Pipeline(str(tiny_mt5), str(tiny_marian), summary_method="extractive")
    summary_only = Pipeline(str(tiny_mt5), None)
    assert translation_only.summarizer is None and not translation_only.translator.engine.shares_cores
    assert not summary_only.summarizer.engine.shares_cores and not summary_only._stages_share_cores()
    from summarizer.loading import load_stages  # the page's second translation choice, beside its summary

    assert load_stages(None, str(tiny_marian), beside_summary=True).translator.engine.shares_cores


def test_summary_beside_translation_equals_one_after_the_other(pipeline, seed_texts, monkeypatch):
    """Running the summary while the article is translated, and the summary's thread then taking batches of
    the translation, changes no output, score, warning or order."""
    import threading
    import time

    engine = pipeline.translator.engine
    calls: list[tuple[str, int]] = []
    generate_scored = engine.generate_scored

    def recording(texts, settings):
        name = threading.current_thread().name
        calls.append((name, len(texts)))
        if name.startswith("summarizer-translate"):
            time.sleep(0.05)  # the translation thread is slow: the summary's thread, once done, has batches to take
        return generate_scored(texts, settings)

    monkeypatch.setattr(engine, "generate_scored", recording)
    monkeypatch.setattr(pipeline.translator, "batch_size", 2)
    items = [{"id": f"a{i}", "text": t} for i, t in enumerate(seed_texts)]
    beside = [r.to_dict() for r in pipeline.batch(items, group_size=2, progress=False)]
    names = {name for name, _ in calls}
    assert any(name.startswith("summarizer-translate") for name in names)  # the concurrent path ran
    assert threading.current_thread().name in names  # and the summary's thread translated too
    calls.clear()
    monkeypatch.setattr(pipeline.summarizer.engine, "shares_cores", False)
    after = [r.to_dict() for r in pipeline.batch(items, group_size=2, progress=False)]
    # one after the other: the translation's own two threads (this one and a helper), no side-by-side thread
    assert not any(name.startswith("summarizer-translate") for name, _ in calls)
    for a, b in zip(beside, after, strict=True):
        a.pop("timings"), b.pop("timings")
        assert a == b


def test_the_summary_shares_the_articles_last_batch_in_either_order(pipeline, seed_texts, monkeypatch):
    """The summary's sentences go into the article's last batch when they fit: one batch fewer, and the
    same batches whether the summary runs beside the translation or before it."""
    engine = pipeline.translator.engine
    calls: list[list[str]] = []
    generate_scored = engine.generate_scored

    def recording(texts, settings):
        calls.append(list(texts))
        return generate_scored(texts, settings)

    monkeypatch.setattr(engine, "generate_scored", recording)
    monkeypatch.setattr(pipeline.translator, "batch_size", 4)  # 18 sentences: 4, 4, 4, 4 and 2, with room
    beside = pipeline(seed_texts[2])
    summary = set(split_sentences(beside.summary_ar))
    batches = {tuple(sorted(c)) for c in calls}
    assert len(beside.sentences) == 18 and len(calls) == 5  # the summary's sentences cost no batch of their own
    assert any(summary & set(c) and set(c) - summary for c in calls)  # a batch of both
    calls.clear()
    monkeypatch.setattr(pipeline.summarizer.engine, "shares_cores", False)
    after = pipeline(seed_texts[2])
    assert {tuple(sorted(c)) for c in calls} == batches
    assert after.summary_en == beside.summary_en and after.translation == beside.translation


def test_the_summarys_english_is_timed_by_its_own_batches(pipeline, seed_texts):
    """A summary made of the article's sentences is not translated (0 s); a written one is timed by the
    batches that held its sentences, not by the whole translation."""
    assert pipeline(seed_texts[2], summary_method="lead").timings["summary_en"] == 0.0
    written = pipeline(seed_texts[2]).timings
    assert 0 < written["summary_en"] < written["translate"]


def test_a_summary_error_lets_the_waiting_translation_thread_go(pipeline, seed_texts, monkeypatch):
    """The translation thread waiting for the summary's sentences is let go when the summary fails, and
    starts no batch after the one it is running: the article fails, its translation is not wanted."""
    import threading

    monkeypatch.setattr(pipeline.translator, "batch_size", 2)  # 18 sentences: 9 batches, the last held
    engine = pipeline.translator.engine
    calls: list[int] = []
    generate_scored = engine.generate_scored
    first_done = threading.Event()

    def recording(texts, settings):
        calls.append(len(texts))
        out = generate_scored(texts, settings)
        first_done.set()
        return out

    def broken(*args, **kwargs):
        assert first_done.wait(30)  # the translation has started
        raise RuntimeError("summary model broke")

    monkeypatch.setattr(engine, "generate_scored", recording)
    monkeypatch.setattr(pipeline.summarizer, "summarize", broken)
    result = next(pipeline.batch([seed_texts[2]], progress=False))
    assert not result.ok and "summary model broke" in result.error
    assert len(calls) < 9  # stopped, not translated to the end


def test_the_translation_model_has_two_workers_on_the_cpu(pipeline, tiny_mt5, tiny_marian):
    """Two CTranslate2 workers over one copy of the weights, each on half the cores, beside the summary
    or alone (two threads translate); the summary model has one."""
    assert pipeline.translator.engine.translator.num_translators == 2
    assert pipeline.summarizer.engine.translator.num_translators == 1
    alone = Pipeline(str(tiny_mt5), str(tiny_marian), summary_method="extractive")
    assert alone.translator.engine.translator.num_translators == 2 and alone.translator.engine.workers == 2
    from summarizer.engines.ctranslate2_engine import available_cores, cpu_threads

    half = max(available_cores() // 2, 1)
    assert cpu_threads("cpu", True, None, 2) == (True, half) and cpu_threads("cpu", False, None, 2) == (False, half)
    assert cpu_threads("cpu", False, None, 1) == (False, available_cores())  # the summary model alone: every core
    assert cpu_threads("cpu", True, 3, 2) == (False, 3)  # threads given: as given, not shared


def test_a_translation_alone_is_worked_by_two_threads_with_the_same_outputs(tiny_mt5, tiny_marian, seed_texts,
                                                                            monkeypatch):
    """``translate_scored`` with the engine's two workers: two threads take the batches; the outputs equal
    a one-thread run's, batch by batch (the batches are fixed before they run)."""
    import threading

    translator = Pipeline(str(tiny_mt5), str(tiny_marian), summary_method="extractive").translator
    engine = translator.engine
    names = []
    generate_scored = engine.generate_scored

    def recording(texts, settings):
        names.append(threading.current_thread().name)
        return generate_scored(texts, settings)

    monkeypatch.setattr(engine, "generate_scored", recording)
    monkeypatch.setattr(translator, "batch_size", 2)
    sentences = [s for text in seed_texts for s in text.splitlines() if s.strip()][:30]
    two = translator.translate_scored(sentences)
    assert any(name.startswith("summarizer-batch") for name in names)
    monkeypatch.setattr(engine, "workers", 1)
    names.clear()
    assert translator.translate_scored(sentences) == two
    assert set(names) == {threading.current_thread().name}


def test_a_summary_error_beside_the_translation_still_fails_the_article(pipeline, seed_texts, monkeypatch):
    assert pipeline._stages_share_cores()

    def broken(*args, **kwargs):
        raise RuntimeError("summary model broke")

    monkeypatch.setattr(pipeline.summarizer, "summarize", broken)
    result = pipeline.batch([seed_texts[1]], progress=False).__next__()
    assert not result.ok and "summary model broke" in result.error


def test_progress_hook_beside_the_summary_sees_the_callers_context(pipeline, seed_texts):
    """The translation's progress calls, made from the worker thread, run in the caller's context
    (the web page's progress bar is found through context variables)."""
    import contextvars

    marker = contextvars.ContextVar("marker", default=None)
    marker.set("caller")
    seen = {}
    pipeline(seed_texts[1], progress=lambda stage, done, total: seen.setdefault(stage, marker.get()))
    assert seen["translate"] == "caller" and seen["summarize"] == "caller"


def test_the_notes_of_an_empty_summary_never_describe_the_summary_that_was_dropped(mute_models, seed_texts):
    """A model summary that came back empty is replaced by the extractive one: what the model read (the
    first N of M sentences) is not said beside a summary that did not come from it."""
    mute_mt5, _ = mute_models
    pipe = Pipeline(str(mute_mt5), None, summary_decoding=FAST_SUMMARY)
    result = pipe("\n\n".join(seed_texts * 3))  # longer than the model reads: it reads the lead
    codes = [n.code for n in result.notices]
    assert "summary-empty" in codes and result.summary_method == "extractive-lexrank"
    assert "summary-read-lead" not in codes


def test_what_cleaning_removed_reads_right_for_one_item_and_for_several():
    from summarizer.errors import PAGE
    from summarizer.notices import notice

    one = notice("cleaning-removed", count=1, kinds="html", items="item", what="HTML markup").message(PAGE)
    two = notice("cleaning-removed", count=2, kinds="html", items="items", what="HTML markup").message(PAGE)
    assert one.startswith("Cleaning removed 1 item not part") and two.startswith("Cleaning removed 2 items not part")
