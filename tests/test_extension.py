"""Extending the tool: a summary method registered in a few lines is offered everywhere.

The method below is the whole extension (one module, no other file edited): the pipeline runs it,
``--summary-method`` accepts it, the page's selector lists it, and its summary's sources are known
exactly, so the English summary reuses the aligned translation.
"""

from __future__ import annotations

import argparse

import pytest

from summarizer import Pipeline
from summarizer.options import add_option_arguments
from summarizer.stages import methods
from summarizer.stages.methods import MethodSummary, register_method
from tests.conftest import SEEDS


@pytest.fixture
def toy_method():
    @register_method("last", help="the last sentence", label="Last: the article's last sentence")
    def last(documents, context):
        return [MethodSummary(doc[-1], "last", sources=[len(doc) - 1]) for doc in documents]

    yield "last"
    methods.METHODS.pop("last")


def test_the_pipeline_runs_a_registered_method(toy_method, tiny_marian_eos):
    pipe = Pipeline(None, str(tiny_marian_eos), summary_method="lead", num_beams=1)
    text = SEEDS[1].read_text(encoding="utf-8")
    result = pipe(text, summary_method=toy_method)
    assert result.summary_method == "last" and result.summary_ar == result.sentences[-1]
    assert result.summary.exact and result.summary.used == [len(result.sentences) - 1]
    assert result.summary_en == result.translation[-1].en  # reused: its source is known exactly
    assert [r.summary_ar for r in pipe.batch([text, text], summary_method=toy_method, progress=False)] == \
        [result.summary_ar] * 2


def test_the_command_line_offers_a_registered_method(toy_method):
    parser = argparse.ArgumentParser()
    add_option_arguments(parser)
    assert parser.parse_args(["--summary-method", toy_method]).summary_method == toy_method
    assert "last: the last sentence" in " ".join(parser.format_help().split())


def test_the_page_offers_a_registered_method(toy_method, tiny_marian):
    from summarizer import web

    state = web.load_app(None, str(tiny_marian), summary_method="lead")
    assert ("Last: the article's last sentence", toy_method) in web.method_choices(state)
    out = web.summarize(state, SEEDS[1].read_text(encoding="utf-8"), toy_method, None)
    assert out.result["summary_method"] == "last" and out.typed.summary.used


def test_an_unknown_method_is_an_option_error():
    from summarizer.errors import OptionError

    with pytest.raises(OptionError, match="summary_method must be one of"):
        methods.get_method("no-such-method")
