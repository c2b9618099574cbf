"""Notices and errors are data rendered in each surface's words: the command line names flags, the
page names what is on it, the Python API names keyword arguments."""

from __future__ import annotations

import pytest

from summarizer.errors import CLI, PAGE, PYTHON, ArticleTooLong, ModelLoadError
from summarizer.inputs.text import check_text
from summarizer.notices import CATALOGUE, Notice, notice


def test_a_notice_in_each_surface():
    cut = notice("summary-read-lead", tokens=512, kept=8, total=13)
    assert "long_input='lead'" in cut.message(PYTHON) and str(cut) == cut.message(PYTHON)
    assert "--long-input chunked" in cut.message(CLI) and "long_input=" not in cut.message(CLI)
    assert "The whole article, in parts" in cut.message(PAGE) and "--" not in cut.message(PAGE)
    assert cut.to_dict()["code"] == "summary-read-lead" and cut.to_dict()["params"]["kept"] == 8


def test_every_notice_renders_with_its_parameters_in_every_surface():
    params = {"error": "E", "note": "N", "count": 2, "kinds": "html", "items": "items", "tokens": 512, "kept": 1,
              "total": 3, "chunks": 2, "rounds": 2, "shown": "1, 2", "things": "2 sentences", "codes": "x",
              "what": "separator lines"}
    for code in CATALOGUE:
        for surface in (PYTHON, CLI, PAGE):
            assert Notice(code, params).message(surface)


def test_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown notice code"):
        Notice("no-such-code")


def test_a_too_long_article_in_each_surface():
    with pytest.raises(ArticleTooLong) as raised:
        check_text("ب" * 20, max_chars=10)
    error = raised.value
    assert error.code == "too-long" and (error.chars, error.limit) == (20, 10)
    assert "max_chars=" in str(error) and "--max-chars" in error.message(CLI)
    assert "this page takes at most 10" in error.message(PAGE) and "max" not in error.message(PAGE).replace("at most", "")


def test_model_advice_names_the_option_of_each_surface():
    error = ModelLoadError("summary", "org/model", "gone", "download-hub")
    assert error.advice_code == "download-hub" and "hf download org/model" in str(error)
    assert "--summary-model" in error.message(CLI) and "summary_model=" in error.message(PYTHON)
    words = ModelLoadError("translation", "m", "gone", "Ask the admin.")
    assert words.advice_code is None and words.message(CLI).endswith("Ask the admin.")
