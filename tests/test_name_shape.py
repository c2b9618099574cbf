"""The name-shape model: letter models that are distributions, the shipped place words, the look they learn."""

from __future__ import annotations

import math

import pytest

from summarizer.arabic import normalize_arabic
from summarizer.checks import name_shape
from summarizer.checks.name_shape import LetterModel, looks_foreign, place_words, shape_score


def test_a_letter_model_gives_each_context_a_distribution():
    model = LetterModel(["كتاب", "كاتب", "مكتب", "لندن", "باريس"])
    for context in ("^^^", "^^ك", "كتا", "زيد"):  # seen, and never seen
        # every letter seen, plus the one mass left for a letter never seen
        total = sum(model.probability(context, letter) for letter in model.letters) + model.probability(context, "ظ")
        assert math.isclose(total, 1.0, rel_tol=1e-9), context


def test_a_letter_model_prefers_the_words_it_learnt():
    model = LetterModel(["لندن", "باريس", "برلين"])
    assert model.log_probability("لندن") > model.log_probability("نندل")
    assert model.log_probability("لندن") < 0


def test_the_shipped_place_words_are_normalised_arabic_words():
    words = place_words()
    assert len(words) > 10_000 and words == sorted(set(words))
    assert all(w == normalize_arabic(w) and len(w) >= 3 and not w.startswith("ال") for w in words)
    assert "أمستردام" not in words and {"امستردام", "بيتسبرغ"} <= set(words)  # alefs folded


@pytest.mark.parametrize("word", ["بيتسبرغ", "ميلر", "سانتوروم", "ستولتنبرغ", "روستنبرج"])
def test_names_spelt_from_other_languages_look_foreign(word):
    assert looks_foreign(normalize_arabic(word)), shape_score(normalize_arabic(word))


@pytest.mark.parametrize("word", ["كتاب", "مدرسة", "سيارة", "مستشفى", "اجتماع", "حكومة", "انتخابات", "يستقبل"])
def test_the_languages_own_words_do_not(word):
    assert not looks_foreign(normalize_arabic(word)), shape_score(normalize_arabic(word))


def test_the_score_is_a_log_ratio_per_letter():
    foreign, native = name_shape._models()
    word = normalize_arabic("بيتسبرغ")
    expected = (foreign.log_probability(word) - native.log_probability(word)) / (len(word) + 1)
    assert math.isclose(shape_score(word), expected)


def test_the_native_words_leave_out_the_place_words_short_words_and_latin_ones():
    native = name_shape.native_words(frozenset({"ترامب"}))
    assert "ترامب" not in native and "حكومه" in native and "about" not in native
    assert all(len(w) >= 3 and min(w) >= "\u0621" and max(w) <= "\u064a" for w in native)


def test_a_model_remembers_a_bounded_number_of_grams(monkeypatch):
    model = LetterModel(["لندن", "باريس"])
    monkeypatch.setattr(name_shape, "REMEMBERED", 5)
    before = model.log_probability("لندن")
    for word in ("باريس", "برلين", "مدريد"):
        model.log_probability(word)
        assert len(model._logs) <= 5
    assert model.log_probability("لندن") == before
