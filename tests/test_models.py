"""Model loading: real loading code on local folders, once per process, clear errors."""

from __future__ import annotations

import pytest

from summarizer.engines.loader import clear_cache, load_engine
from summarizer.engines.locate import is_ctranslate2_folder
from summarizer.errors import ModelLoadError


def test_local_folder_loads_once(tiny_marian):
    clear_cache()
    first = load_engine(str(tiny_marian), role="translation", engine="transformers")
    assert load_engine(str(tiny_marian), role="translation", engine="transformers") is first
    assert first.engine == "transformers" and first.model_id == str(tiny_marian)
    assert not is_ctranslate2_folder(tiny_marian)


def test_auto_engine_is_ctranslate2_int8(tiny_marian):
    """The default chosen from the speed benchmark: a HF folder is converted once, to int8."""
    engine = load_engine(str(tiny_marian), role="translation")
    assert engine.engine == "ctranslate2"
    assert engine.translator.compute_type.startswith("int8")  # int8 weights (int8_float32 on this CPU)
    assert load_engine(str(tiny_marian), role="translation") is engine


def test_missing_folder_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelLoadError) as info:
        load_engine(str(missing), role="translation")
    message = str(info.value)
    assert str(missing) in message and "does not exist" in message and "--translation-model" in message
    assert "hf download Helsinki-NLP/opus-mt-tc-big-ar-en" in message  # the default translation model


def test_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelLoadError, match=r"no config\.json"):
        load_engine(str(tmp_path), role="summary")


def test_hub_id_offline_not_cached_fails_fast_and_says_why(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelLoadError) as info:
        load_engine("Helsinki-NLP/opus-mt-ar-en", role="translation")
    message = str(info.value)
    assert "Helsinki-NLP/opus-mt-ar-en" in message and "HF_HUB_OFFLINE" in message
    assert "hf download" in message


def test_hub_id_without_network_fails_fast(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr("summarizer.engines.locate.hub_reachable", lambda timeout=3.0: False)
    with pytest.raises(ModelLoadError, match="cannot be reached"):
        load_engine("csebuetnlp/mT5_multilingual_XLSum", role="summary")


def test_unknown_engine_and_device(tiny_marian):
    with pytest.raises(ValueError, match="engine"):
        load_engine(str(tiny_marian), role="translation", engine="onnx")
    with pytest.raises(ValueError, match="device"):
        load_engine(str(tiny_marian), role="translation", device="tpu")
