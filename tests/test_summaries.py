"""Summary methods: abstractive (lead / chunked) on a tiny mT5, extractive LexRank, lead-N."""

from __future__ import annotations

import pytest

from summarizer.engines.base import SUMMARY_DECODING
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.stages.abstractive import AbstractiveSummarizer
from summarizer.stages.extractive import (
    content_terms,
    extractive_summary,
    lead_prior,
    lead_summary,
    rank_sentences,
)
from summarizer.stages.split import split_sentences

FAST = SUMMARY_DECODING.but(num_beams=2, max_new_tokens=16)


@pytest.fixture(scope="module")
def mt5(tiny_mt5):
    return TransformersEngine.load(str(tiny_mt5))


@pytest.fixture(scope="module")
def seed_sentences(seed_texts):
    return [split_sentences(t) for t in seed_texts]


def test_lead_input_cuts_on_a_sentence_boundary(mt5, seed_sentences):
    summarizer = AbstractiveSummarizer(mt5, decoding=FAST, max_input_tokens=128)
    sentences = seed_sentences[4]
    text, note = summarizer.lead_input(sentences)
    assert mt5.count_tokens([text])[0] <= 128
    k = next(i for i in range(len(sentences) + 1) if " ".join(sentences[:i]) == text)
    assert 0 < k < len(sentences)
    assert note and f"first {k} of {len(sentences)}" in str(note)


def test_short_article_is_read_whole(mt5):
    summarizer = AbstractiveSummarizer(mt5, decoding=FAST)
    assert summarizer.lead_input(["قال لافروف.", "وأضاف كيري."]) == ("قال لافروف. وأضاف كيري.", None)


def test_overlong_first_sentence_is_cut_inside_with_a_note(mt5):
    summarizer = AbstractiveSummarizer(mt5, decoding=FAST, max_input_tokens=20)
    text, note = summarizer.lead_input(["كلمة " * 50, "ثانية."])
    assert mt5.count_tokens([text])[0] <= 20 and "first sentence" in str(note)


def test_lead_and_chunked_summaries(mt5, seed_sentences):
    summarizer = AbstractiveSummarizer(mt5, decoding=FAST.but(num_beams=1, max_new_tokens=8), max_input_tokens=128)
    lead = summarizer.summarize(seed_sentences, "lead")
    chunked = summarizer.summarize(seed_sentences, "chunked")
    assert [s.method for s in lead] == ["abstractive-lead"] * 5
    assert [s.method for s in chunked] == ["abstractive-chunked"] * 5
    assert all(s.text for s in lead + chunked)
    assert any("chunks" in w for s in chunked for w in s.warnings)


def test_chunks_cover_every_sentence_in_order(mt5, seed_sentences):
    summarizer = AbstractiveSummarizer(mt5, max_input_tokens=100)
    sentences = seed_sentences[0]
    chunks = summarizer.chunks(sentences)
    assert len(chunks) > 1
    assert " ".join(chunks) == " ".join(sentences)


def test_summaries_batched_equal_one_by_one(mt5, seed_sentences):
    greedy = FAST.but(num_beams=1)
    batched = AbstractiveSummarizer(mt5, decoding=greedy, batch_size=5).summarize(seed_sentences)
    single = [AbstractiveSummarizer(mt5, decoding=greedy, batch_size=1).summarize([s])[0] for s in seed_sentences]
    assert [s.text for s in batched] == [s.text for s in single]


def test_unknown_long_input_mode(mt5):
    with pytest.raises(ValueError, match="long_input"):
        AbstractiveSummarizer(mt5).summarize([["نص."]], "middle")


def test_extractive_picks_central_sentences_in_article_order(seed_sentences):
    sentences = seed_sentences[0]
    picked = extractive_summary(sentences, 3)
    assert len(picked) == 3 and picked == sorted(picked)
    scores = rank_sentences(sentences, prior=lead_prior(len(sentences)))
    assert abs(sum(scores) - 1.0) < 1e-6
    candidates = [i for i, s in enumerate(sentences) if len(s.split()) >= 4]
    assert min(scores[i] for i in picked) >= sorted((scores[i] for i in candidates), reverse=True)[2] - 1e-12


def test_extractive_prefers_the_repeated_topic():
    sentences = [
        "أعلن وزير الخارجية الروسي عن محادثات جديدة حول وقف إطلاق النار في سوريا.",
        "ارتفعت أسعار القهوة في الأسواق العالمية هذا الأسبوع بشكل كبير.",
        "وقال الوزير إن محادثات وقف إطلاق النار في سوريا ستبدأ قريبا.",
        "وأكد أن وقف إطلاق النار في سوريا هو أولوية المحادثات.",
    ]
    assert 1 not in extractive_summary(sentences, 2)


def test_lead_prior_lifts_the_first_sentences(seed_sentences):
    for sentences in seed_sentences:
        plain, biased = rank_sentences(sentences), rank_sentences(sentences, prior=lead_prior(len(sentences)))
        assert abs(sum(biased) - 1.0) < 1e-6
        assert biased[0] > plain[0] and biased[-1] < plain[-1]


def test_a_central_topic_still_beats_an_off_topic_first_sentence():
    sentences = [
        "ارتفعت أسعار القهوة في الأسواق العالمية هذا الأسبوع بشكل كبير.",
        "أعلن وزير الخارجية الروسي عن محادثات جديدة حول وقف إطلاق النار في سوريا.",
        "وقال الوزير إن محادثات وقف إطلاق النار في سوريا ستبدأ قريبا.",
        "وأكد أن وقف إطلاق النار في سوريا هو أولوية المحادثات.",
    ]
    assert extractive_summary(sentences, 1) != [0]


def test_extractive_handles_tiny_inputs():
    assert extractive_summary([], 3) == []
    assert extractive_summary(["خبر"], 3) == [0]
    assert lead_summary(["أ.", "ب.", "ج.", "د."], 2) == [0, 1]


def test_content_terms_normalise_and_stem():
    assert content_terms("المفاوضات") == content_terms("مفاوضات") == content_terms("والمفاوضات")  # ISRI stems
    assert "في" not in content_terms("في سوريا")
    assert content_terms("إطلاق") == content_terms("اطلاق")
