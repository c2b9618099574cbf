"""Model families as a registry: each family carries its config types, input cap, decoding and GPU
compute type; a toy family registered in a few lines is what family_of, the engines' caps and the
GPU compute type give its models."""

from __future__ import annotations

import json

import pytest

from summarizer.choices import default_quantization
from summarizer.engines import family as families
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.engines.decoding import DecodeSettings
from summarizer.engines.locate import ModelSource


@pytest.fixture
def toy_family():
    toy = families.register_family("toy", model_types=("toybart",), architectures={"ToyBartModel": "toybart"},
                                   max_input_tokens=1024, decoding=DecodeSettings(num_beams=2, max_new_tokens=60),
                                   gpu_compute_type="float16", label="ToyBART")
    yield toy
    families.unregister_family("toy")


def test_a_toy_family_is_given_to_its_models(toy_family, tmp_path):
    assert families.family_of("toybart", tokenizer=None) is toy_family
    assert families.model_type_of({"architectures": ["ToyBartModel"]}) == "toybart"
    assert toy_family.input_cap(4096) == 1024 and toy_family.input_cap(None) == 1024 and toy_family.input_cap(256) == 256
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "toybart"}), encoding="utf-8")
    source = ModelSource.resolve(str(tmp_path))
    assert default_quantization("summary", "cuda", None, families.gpu_compute_type(source)) == "float16"
    assert default_quantization("summary", "cpu", None, families.gpu_compute_type(source)) is None


def test_the_built_in_families_keep_their_settings(tmp_path):
    assert families.family_of("mt5", None) is families.T5 and families.family_of("umt5", None) is families.T5
    assert families.T5.label == "mT5" and families.T5.decoding is SUMMARY_DECODING
    assert DecodeSettings(num_beams=4, max_new_tokens=84, length_penalty=0.6, no_repeat_ngram_size=2) == SUMMARY_DECODING
    assert DecodeSettings(num_beams=4, max_new_tokens=512) == TRANSLATION_DECODING
    assert all(f.input_cap(None) == 512 for f in families.FAMILIES.values())
    assert families.is_t5_type("mt5") and not families.is_t5_type("marian")
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["MarianMTModel"]}), encoding="utf-8")
    assert families.gpu_compute_type(ModelSource.resolve(str(tmp_path))) == "int8_float16"
    assert families.family_of("bart", None).name == "bart"  # unknown: run as is
