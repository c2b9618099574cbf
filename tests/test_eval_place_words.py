"""eval.place_words: the name-shape model's foreign words, built from GeoNames as the shipped file says."""

from __future__ import annotations

import pytest

from eval import place_words as builder
from summarizer.checks import name_shape

CITIES = [
    {"countrycode": "NL", "alternatenames": ["Amsterdam", "أمستردام", "آمستردام"]},
    {"countrycode": "IN", "alternatenames": ["Uttar Pradesh", "أوتار برديش", "اوتار پرادش"]},  # Persian letters
    {"countrycode": "US", "alternatenames": ["Winston-Salem", "وينستون-سالم", "نيو يورك"]},
    {"countrycode": "EG", "alternatenames": ["Mansoura", "المنصورة", "منصورة"]},  # the Arab world
    {"countrycode": "IR", "alternatenames": ["Zarand", "زرند"]},  # a language written in Arabic letters
    {"countrycode": "FR", "alternatenames": ["Le Havre", "الهافر", "لو هافر"]},  # the article; two letters
    {"countrycode": "JP", "alternatenames": None},
]


def test_the_arabic_words_of_places_outside_the_arab_world():
    assert builder.place_words(CITIES) == sorted(
        {"امستردام", "اوتار", "برديش", "وينستون", "سالم", "نيو", "يورك", "هافر"})


def test_the_shipped_file_reads_back_as_the_models_words(tmp_path, monkeypatch):
    """What the builder writes (its header and one word a line) is what the model reads, word for word."""
    (tmp_path / name_shape.PLACE_WORDS).write_text(builder.HEADER + "".join(w + "\n" for w in builder.place_words(CITIES)),
                                                   encoding="utf-8")
    monkeypatch.setattr(name_shape, "files", lambda package: tmp_path)  # the package's folder: this one
    assert name_shape.place_words() == builder.place_words(CITIES)
    assert builder.shipped_path().name == name_shape.PLACE_WORDS


@pytest.mark.slow
def test_the_shipped_file_is_what_a_fresh_build_gives(capsys):
    assert builder.main(["--check"]) == 0, capsys.readouterr().out
