"""Each name has one owner: typed results read as attributes (never as the dicts they replaced), no
old-name or pass-through attributes, no re-exports that only tests read. A caller reads the object or
the module that owns a name, and a test patches that module."""

from __future__ import annotations

import importlib.util
import inspect
import re
from dataclasses import fields
from pathlib import Path

import pytest

from summarizer import render
from summarizer.pipeline import Pipeline
from summarizer.result import Result, SentencePair
from summarizer.stages.clean import Removal

ROOT = Path(__file__).resolve().parents[1]


def test_typed_pairs_and_removals_read_as_attributes_only():
    assert importlib.util.find_spec("summarizer.dictlike") is None
    for typed, key in ((SentencePair("أ.", "A.", -0.5), "en"), (Removal("html", "<b>", 1), "text")):
        assert not hasattr(typed, "get") and not hasattr(typed, "keys")
        with pytest.raises(TypeError):
            typed[key]  # a dataclass is no dict


def test_the_views_read_typed_pairs_and_a_record_comes_in_through_from_dict():
    pairs = [SentencePair("أ.", "Sure.", -0.2), SentencePair("ب.", "Unsure.", -2.5), SentencePair("ج.")]
    record = Result(sentences=["أ.", "ب.", "ج."], summary_ar="أ.", translation=pairs).to_dict()
    typed = Result.from_dict(record).translation
    assert typed == pairs and render.aligned_html(typed) == render.aligned_html(pairs)
    assert [render.is_unsure(p) for p in typed] == [False, True, False]


@pytest.mark.parametrize("old_name", ["summary_method", "long_input", "summary_sentences", "load_warnings"])
def test_pipeline_has_no_old_names(old_name):
    """``pipeline.options.summary_method``, ``[n.message() for n in pipeline.load_notices]``."""
    assert not hasattr(Pipeline, old_name)


def test_the_page_state_holds_the_page_side_only():
    """Models, choices and fetching are the service's: ``state.service.pipeline``, ``.default_method``..."""
    from summarizer.web.state import AppState

    own = {f.name for f in fields(AppState)} | {n for n in vars(AppState) if not n.startswith("_")}
    assert own == {"service", "notices", "export_dir", "runs", "translations", "close"}  # runs: the page's Stop


def test_app_py_names_only_the_entry_it_starts():
    spec = importlib.util.spec_from_file_location("app_entry", ROOT / "app.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    assert {n for n in vars(app) if not n.startswith("_")} == {"main"}


def test_the_web_package_re_exports_only_what_the_package_reads_through_it():
    from summarizer import web

    read: set[str] = set()
    for path in [*(ROOT / "summarizer").rglob("*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        for alias in re.findall(r"from (?:\.\.|summarizer) import web as (\w+)", text):
            read |= set(re.findall(rf"\b{alias}\.(\w+)", text))
        for names in re.findall(r"from (?:summarizer|\.\.?)\.web import \(?([\w ,\n]+)\)?", text):
            read |= {n.strip() for n in names.split(",") if n.strip()}
    read = {n for n in read if not inspect.ismodule(getattr(web, n, None))}
    assert set(web.__all__) == read
