"""eval.name_shape: the name-shape model is learnt, deterministically, from the even-numbered sentences."""

from __future__ import annotations

import json

import pytest

from eval.checks import Pair
from eval.name_shape import THRESHOLDS, choose_threshold, false_alarm_rate, fit, labelled_words, main
from summarizer.checks.name_shape import (
    MODEL_FILE,
    ShapeModel,
    shape_features,
    shipped_model,
    without_article,
)
from tests.conftest import NO_DATA, SHARED_DATA


def test_the_shipped_model_says_what_it_learnt_from():
    model = shipped_model()
    assert "even-numbered sentences" in model.learnt_from and 0.5 <= model.threshold < 1 and model.weights
    assert ShapeModel.from_dict(json.loads(json.dumps(model.to_dict()))) == model


def test_features_drop_the_article_and_keep_a_one_letter_clitic():
    assert without_article("والحكومه") == ("وال", "حكومه")
    assert without_article("لافروف") == ("", "لافروف")  # not ل + افروف
    features = shape_features("الحكومه")
    assert {"1:^", "2:^ح", "2:ه$", "article:ال", "len:5"} <= set(features)
    assert "article:" in shape_features("لافروف")


def test_fitting_is_deterministic_and_learns_a_spelling():
    names = [f"{stem}وف" for stem in ("سيمين", "لافر", "ايفان", "بتر", "كوزل", "مولوت")]
    words = [(w, 1) for w in names] + [(w, 0) for w in ("كتاب", "مدرسه", "حكومه", "سياسه", "اقتصاد", "مجلس")]
    first, again = fit(words, epochs=30), fit(words, epochs=30)
    assert first == again
    assert first.likelihood(shape_features("رومانوف")) > 0.5 > first.likelihood(shape_features("وزاره"))


def test_the_words_learnt_from_are_those_the_check_reads_each_labelled_by_its_english():
    pairs = [Pair("x", 0, "أسس سيمينوف الشركة في الحكومة.", "The company was founded by Siminoff in government.")]
    labels = dict(labelled_words(pairs))
    assert labels.get("سيمينوف") == 1 and "الحكومه" not in labels  # a common word is never read


def test_false_alarms_and_the_threshold_are_measured_on_pairs():
    rendered = Pair("x", 0, "أسس سيمينوف الشركة.", "Siminoff founded the company.")
    dropped = Pair("x", 2, "أسس سيمينوف الشركة.", "The company was founded.")
    assert false_alarm_rate([rendered], shipped_model()) == 0.0
    assert false_alarm_rate([rendered, dropped], shipped_model()) == 0.5
    threshold, rates = choose_threshold([rendered, dropped, *[Pair("x", i, rendered.arabic, rendered.english)
                                                              for i in (4, 6)]], 0.01)
    assert threshold in THRESHOLDS and set(rates) == set(THRESHOLDS)


def test_missing_data_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--data", str(tmp_path), "--out", str(tmp_path / "model.json")])
    assert stop.value.code == 2 and "data file(s) not found" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DATA / "flores101-systems" / "devtest").exists()
                    or not (SHARED_DATA / "ntrex128" / "dev.jsonl").exists(), reason=NO_DATA)
def test_the_shipped_model_is_what_the_script_learns(tmp_path):
    out = tmp_path / "name_shape.json"
    assert main(["--data", str(SHARED_DATA), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == MODEL_FILE.read_text(encoding="utf-8")
