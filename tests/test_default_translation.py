"""The default translation is `best` (Opus-MT tc-big) on every surface: the option table, the command
line, `summarizer serve` and the Space (app.py), the REST API, the page and the Python API.

The real tc-big cannot be downloaded here: the tests' tiny Marian stands in for its hub id (``fake_hub``),
so what is checked is which model each surface asks for and names, not its output.
"""

from __future__ import annotations

import inspect

import httpx
import pytest

from summarizer import web as webapp
from summarizer.choices import DEFAULT_TRANSLATION_CHOICE, DEFAULT_TRANSLATION_MODEL, TRANSLATION_MODELS
from summarizer.cli import build_parser
from summarizer.errors import DEFAULT_MODELS
from summarizer.options import OPTIONS
from summarizer.pipeline import Pipeline
from tests.test_app import FAST
from tests.test_rest import api_server

TC_BIG = "Helsinki-NLP/opus-mt-tc-big-ar-en"


def test_the_option_table_says_best():
    assert DEFAULT_TRANSLATION_CHOICE == "best" and DEFAULT_TRANSLATION_MODEL == TC_BIG
    assert OPTIONS["translation_model"].default == "best"
    assert "the default" in TRANSLATION_MODELS["best"].label and "the default" not in TRANSLATION_MODELS["fast"].label
    assert DEFAULT_MODELS["translation"] == TC_BIG  # what the load errors' advice names


def test_the_command_line_and_the_space_default_to_best(capsys):
    from summarizer.web.server import parse_args

    assert build_parser().parse_args(["run", "article.txt"]).translation_model == "best"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    assert "(default best)" in " ".join(capsys.readouterr().out.split())
    assert parse_args([]).translation_model == "best"  # `summarizer serve` and app.py (the Space)


def test_the_python_api_defaults_to_tc_big():
    assert inspect.signature(Pipeline).parameters["translation_model"].default == TC_BIG
    assert inspect.signature(webapp.load_app).parameters["translation_model"].default == TC_BIG


def test_the_page_and_the_rest_api_offer_best_first(fake_hub, tiny_mt5, tiny_marian, tmp_path):
    """A server started with the defaults loads tc-big (here a tiny Marian under its hub id) and offers it as
    `best`, first on the page and as the REST API's default choice."""
    fake_hub({TC_BIG: tiny_marian})
    state = webapp.load_app(str(tiny_mt5), export_dir=tmp_path / "exports", **FAST)
    assert next(iter(state.translations)) == "best"
    assert webapp.translation_choices(state)[0][1] == "best"
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as http:
        models = http.get("api/v1/models").json()
        answer = http.post("api/v1/translate", json={"text": "قال الوزير إن المحادثات ستستأنف."})
    assert models["default_translation"] == "best"
    assert models["models"]["translation"]["choice"] == "best"
    assert answer.status_code == 200 and answer.json()["models"]["translation"]["choice"] == "best"


def test_the_page_says_how_to_get_the_default_when_it_is_missing(tiny_mt5, tmp_path):
    state = webapp.load_app(str(tiny_mt5), str(tmp_path / "missing-marian"), **FAST)
    assert f"hf download {TC_BIG}" in webapp.notice_markdown(state)
