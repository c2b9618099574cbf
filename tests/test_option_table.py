"""The option table: an option declared once (``options.OPTIONS``) is found on every surface — the command
line, ``summarizer serve`` and its ``SUMMARIZER_*`` variables, the REST requests (with their schema in
``/openapi.json``), the page, and the ``Pipeline`` keywords — and checked once, in one place."""

from __future__ import annotations

import argparse

import httpx
import pytest

from summarizer import web as webapp
from summarizer.errors import OptionError
from summarizer.options import (
    CALL,
    EVERYWHERE,
    OPTIONS,
    Option,
    Options,
    RunOptions,
    add_option_arguments,
    declare_option,
    declared,
)
from summarizer.pipeline import Pipeline
from tests.test_app import FAST
from tests.test_rest import ARTICLE, api_server

TOY = Option("toy_level", "low", "how much of a toy this run is", choices={"low": "a little", "high": "a lot"},
             surfaces=EVERYWHERE, label="Toy level")


@pytest.fixture
def toy():
    with declared(TOY) as option:
        yield option
    assert "toy_level" not in OPTIONS  # gone with the test: no state leaks into the next one


@pytest.fixture
def state(tiny_marian):
    return webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False, **FAST)


class Seen:
    """The run options each pipeline call was given (what reached the pipeline from a surface)."""

    def __init__(self, monkeypatch):
        self.options: list[RunOptions] = []
        called = Pipeline.__call__

        def spy(pipeline, text, *, options=None, **kwargs):
            self.options.append((options if options is not None else pipeline.options).but(**{
                k: v for k, v in kwargs.items() if k in OPTIONS}))
            return called(pipeline, text, options=options, **kwargs)

        monkeypatch.setattr(Pipeline, "__call__", spy)


def test_the_command_line_has_a_flag_for_it(toy):
    from summarizer.cli import build_parser

    args = build_parser().parse_args(["run", "a.txt", "--toy-level", "high"])
    assert Options.from_args(args).run.toy_level == "high"
    assert Options.from_args(build_parser().parse_args(["run", "a.txt"])).run.toy_level == "low"
    with pytest.raises(SystemExit):  # argparse names the choices
        build_parser().parse_args(["run", "a.txt", "--toy-level", "medium"])
    assert "high: a lot" in " ".join(build_parser()._subparsers._group_actions[0].choices["run"].format_help().split())


def test_serve_reads_its_variable_and_its_flag_wins(toy, monkeypatch):
    from summarizer.web.server import parse_args

    monkeypatch.setenv("SUMMARIZER_TOY_LEVEL", "high")
    assert Options.from_args(parse_args([])).run.toy_level == "high"
    assert Options.from_args(parse_args(["--toy-level", "low"])).run.toy_level == "low"
    assert Options.from_env().run.toy_level == "high"
    monkeypatch.setenv("SUMMARIZER_TOY_LEVEL", "medium")
    with pytest.raises(OptionError) as bad:
        parse_args([])
    assert bad.value.code is None and "SUMMARIZER_TOY_LEVEL" in str(bad.value)


def test_a_bad_variable_is_one_line_and_exit_2(toy, monkeypatch, capsys):
    from summarizer.cli import EXIT_USAGE, main

    monkeypatch.setenv("SUMMARIZER_MAX_CHARS", "lots")
    assert main(["serve", "--help"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: $SUMMARIZER_MAX_CHARS") and "Traceback" not in err and err.count("\n") == 1


def test_the_rest_api_takes_it_and_shows_its_choices_in_openapi(toy, state, monkeypatch):
    seen = Seen(monkeypatch)
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as http:
        schemas = http.get("openapi.json").json()["paths"]
        for route in ("/api/v1/summarize", "/api/v1/translate"):
            body = schemas[route]["post"]["requestBody"]["content"]["application/json"]["schema"]
            field = body["properties"]["toy_level"]
            assert [v for branch in field["anyOf"] for v in branch.get("enum", [])] == ["low", "high"]
            assert "a lot" in field["description"]
        r = http.post("api/v1/summarize", json={"text": ARTICLE, "toy_level": "high"})
        assert r.status_code == 200, r.text
        assert seen.options[-1].toy_level == "high"
        r = http.post("api/v1/summarize", json={"text": ARTICLE})
        assert r.status_code == 200 and seen.options[-1].toy_level == "low"  # left out: the server's default
        r = http.post("api/v1/summarize", json={"text": ARTICLE, "toy_level": "medium"})
        assert r.status_code == 422 and r.json()["code"] == "bad-field"


def test_the_page_offers_it_and_passes_it_on(toy, state, monkeypatch):
    from summarizer.web.server import build_demo

    demo = build_demo(state)
    (radio,) = [c for c in demo.config["components"] if c.get("props", {}).get("elem_id") == "option-toy_level"]
    assert radio["props"]["label"] == "Toy level" and radio["props"]["value"] == "low"
    assert [value for _, value in radio["props"]["choices"]] == ["low", "high"]
    seen = Seen(monkeypatch)
    out = webapp.summarize(state, ARTICLE, more={"toy_level": "high"})
    assert out.typed is not None and seen.options[-1].toy_level == "high"
    out = webapp.summarize(state, ARTICLE, more={"toy_level": "medium"})  # an API call may send anything
    assert out.typed is None and "toy level" in out.status  # in the page's words


def test_the_pipeline_takes_it_as_a_keyword(toy, tiny_marian):
    pipeline = Pipeline(None, str(tiny_marian), summary_method="lead", toy_level="high", **FAST)
    assert pipeline.options.toy_level == "high"
    assert pipeline.options.but(toy_level="low").toy_level == "low"
    with pytest.raises(OptionError):
        pipeline(ARTICLE, toy_level="medium")
    with pytest.raises(TypeError):
        Pipeline(None, str(tiny_marian), toy_levl="high")  # a misspelt option is not silently dropped


def test_an_option_is_declared_once(toy):
    with pytest.raises(ValueError):
        declare_option(TOY)
    with pytest.raises(OptionError), declared(Option("bad_default", "x", "", choices={"a": "b"})):
        pass


def test_summary_length_reaches_the_command_line_and_the_rest_api(state, monkeypatch):
    from summarizer.cli import build_parser

    args = build_parser().parse_args(["run", "a.txt", "--summary-length", "short"])
    assert Options.from_args(args).run.summary_length == "short"
    seen = Seen(monkeypatch)
    with api_server(state) as url, httpx.Client(base_url=url, timeout=120) as http:
        r = http.post("api/v1/summarize", json={"text": ARTICLE, "summary_length": "short"})
        assert r.status_code == 200, r.text
        assert seen.options[-1].summary_length == "short" and len(r.json()["summary"]["sources"]) == 2
        r = http.post("api/v1/summarize", json={"text": ARTICLE, "summary_length": "huge"})
        assert r.status_code == 422 and r.json()["code"] == "bad-field"  # fixed choices: checked by the schema


def test_each_default_is_the_tables():
    """The defaults the surfaces show are the table's: the CLI's flags, the REST fields' "left out" and
    the pipeline's own options."""
    from summarizer.cli import build_parser

    run = vars(build_parser().parse_args(["run", "a.txt"]))
    for name, option in OPTIONS.items():
        if name in run:
            assert run[name] == option.default, name
    assert dict(RunOptions()) == {name: o.default for name, o in OPTIONS.items() if o.when == CALL}
    parser = argparse.ArgumentParser()
    add_option_arguments(parser)
    assert Options.from_args(parser.parse_args([])) == Options()


def test_the_options_reference_is_made_from_the_table():
    """docs/options.md is the table as Markdown (``python -m summarizer.options > docs/options.md``)."""
    from pathlib import Path

    from summarizer.options import options_markdown

    docs = Path(__file__).resolve().parent.parent / "docs" / "options.md"
    assert docs.read_text(encoding="utf-8") == options_markdown()
