"""eval.levers: the overlap experiment (translation settings of the pipeline's article) on the tiny models."""

from __future__ import annotations

import pytest

from eval import levers
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.engines.ctranslate2_engine import CTranslate2Engine
from summarizer.engines.export import convert_model
from summarizer.stages.split import split_sentences


@pytest.fixture(scope="module")
def tiny_exports(tiny_marian, tiny_mt5, tmp_path_factory):
    root = tmp_path_factory.mktemp("levers")
    return (convert_model(str(tiny_mt5), root / "mt5-int8", quantization="int8"),
            convert_model(str(tiny_marian), root / "marian-int8", quantization="int8"))


def test_overlap_times_every_setting_against_the_pipelines_and_compares_outputs(tiny_exports, seed_texts):
    summary_folder, translation_folder = tiny_exports
    articles = [split_sentences(text)[:20] for text in seed_texts[:2]]
    leads = [" ".join(sentences[:3]) for sentences in articles]
    names = list(levers.OVERLAP_SETTINGS)
    engines = levers.overlap_engines(translation_folder, names)
    rows = []
    result = levers.run_overlap(
        CTranslate2Engine.load(summary_folder, threads=1), engines, articles, leads, 1,
        SUMMARY_DECODING.but(min_new_tokens=6, max_new_tokens=6),
        TRANSLATION_DECODING.but(min_new_tokens=5, max_new_tokens=5), log=rows.append)

    assert len(rows) == len(names) * len(articles)
    assert result["waits"]["median_ratio"] == 1.0
    for name in names:
        figures = result[name]
        assert figures["median_seconds"] > 0 and figures["median_translation"] > 0, name
        print(name, figures)
        # threads, workers and batches change how the work is cut, never the outputs
        assert figures["same_outputs"], name


def test_overlap_batches_follow_the_setting(tiny_exports, monkeypatch):
    _, translation_folder = tiny_exports
    engine = levers.overlap_engines(translation_folder, ["waits"])["waits"]
    sizes = []
    monkeypatch.setattr(engine, "generate_scored", lambda texts, settings: sizes.append(len(texts)) or
                        [type("H", (), {"text": "x", "score": 0.0, "tokens": 1})() for _ in texts])
    sentences = [f"جملة رقم {i}." for i in range(18)]
    for name, expected in (("waits", [16, 2]), ("even16", [9, 9]), ("batch32", [18])):
        sizes.clear()
        levers.overlap_translate(engine, levers.OVERLAP_SETTINGS[name], TRANSLATION_DECODING)(sentences)
        assert sizes == expected, name


def test_overlap_needs_the_pipelines_setting():
    with pytest.raises(ValueError, match="waits"):
        levers.run_overlap(None, {"threads2": None}, [], [], 1, None, None)


def test_settings_in_fresh_processes_take_turns_and_give_medians(monkeypatch, tmp_path):
    """The memory experiments run each setting in a process of its own, the order reversed every other
    round, and report each setting's median peak and seconds (the child processes faked here)."""
    import json
    import subprocess
    from types import SimpleNamespace

    from eval import levers

    order = []

    def fake_run(command, **kwargs):
        setting = command[command.index("--heap-child") + 1]
        order.append(setting)
        peak = {"a": [100, 300], "b": [200, 200]}[setting][sum(1 for s in order if s == setting) - 1]
        return SimpleNamespace(stdout=json.dumps({"seconds": [1.0, 3.0], "peak_mb": peak}) + "\n")

    monkeypatch.setattr(subprocess, "run", fake_run)
    out = levers._in_fresh_processes("heap", "--heap-child", ["a", "b"], tmp_path, 2, 1, "best")
    assert order == ["a", "b", "b", "a"]
    assert out["heap"] == {"a": {"peak_mb": 200, "median_seconds": 2.0}, "b": {"peak_mb": 200, "median_seconds": 2.0}}


@pytest.mark.parametrize("choice", ["best", "fast"])
def test_the_backend_experiment_times_the_chosen_translation_model(monkeypatch, tmp_path, choice):
    """Each backend's child process loads the stand-in of the translation choice asked for (it loaded
    the ``fast`` one whatever was asked)."""
    import json
    import subprocess
    from types import SimpleNamespace

    from summarizer.engines import ctranslate2_engine

    commands = []

    def fake_run(command, **kwargs):
        commands.append(command)
        return SimpleNamespace(stdout=json.dumps({"restricted_summary": 1.0, "restricted_translation": 2.0}) + "\n",
                               stderr="")

    monkeypatch.setattr(subprocess, "run", fake_run)
    levers.run_backends(tmp_path, ["default"], 1, 1, ["restricted"], choice)
    assert commands[0][commands[0].index("--translation-choice") + 1] == choice

    loaded = []

    def fake_load(folder, **kwargs):
        loaded.append(folder.name)
        if len(loaded) == 2:
            raise RuntimeError("stop")  # both folders are known: the timing itself is not the point here
        return object()

    monkeypatch.setattr(ctranslate2_engine.CTranslate2Engine, "load", staticmethod(fake_load))
    with pytest.raises(RuntimeError):
        levers.backend_child(tmp_path, 1, ["restricted"], choice)
    assert loaded == [f"mt5-{levers.PADDING_LAYOUT}-int8-vocab-ar",
                      f"{levers.TRANSLATION_EXPORTS[choice]}-int8-vocab-en"]
