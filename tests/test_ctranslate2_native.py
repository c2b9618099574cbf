"""CTranslate2-native models (a CTranslate2 folder with SentencePiece models, no transformers checkpoint):
quickmt's layout, Argos Translate packages (unpacked and zipped) and a hub id, loaded through the family
registry and run like any other translation model.

The native models are built here from the tiny MarianMT (tests/tiny_models.py): converted with
CTranslate2's converter, the transformers files dropped, the SentencePiece models copied as quickmt ships
them (``src.spm.model`` / ``tgt.spm.model``, ``source_`` / ``target_vocabulary.json``) or as an Argos package
(``model/``, ``sentencepiece.model``, ``metadata.json``). The config asks CTranslate2 to end each source with
``</s>``, as Marian's own tokenizer does, so the native engine must match the exported Marian exactly.
"""

from __future__ import annotations

import json
import math
import shutil
import zipfile
from pathlib import Path

import pytest

from eval.standins import quickmt_layout
from summarizer import Pipeline
from summarizer.choices import TRANSLATION_MODELS, translation_model_id
from summarizer.engines import loader
from summarizer.engines.base import DecodeSettings
from summarizer.engines.ctranslate2_engine import CTranslate2Engine
from summarizer.engines.ctranslate2_native import VMAP, NativeEngine
from summarizer.engines.export import convert_model
from summarizer.engines.family import CT2_NATIVE
from summarizer.engines.locate import CT2_FOLDER, HF_FOLDER, NATIVE, ModelSource
from summarizer.engines.vocabulary import piece_allowed
from summarizer.errors import IncompleteModel, ModelLoadError
from summarizer.stages.translate import Translator
from tests.test_ctranslate2 import _inside_allowed_set
from tests.test_families import SENTENCES

GREEDY = DecodeSettings(num_beams=1, max_new_tokens=16)
BEAM = DecodeSettings(num_beams=4, max_new_tokens=16)
HUB_ID = "quickmt/quickmt-ar-en"
ARGOS_META = {"package_version": "1.0", "argos_version": "1.9", "from_code": "ar", "from_name": "Arabic",
              "to_code": "en", "to_name": "English"}


def _argos_package(quickmt: Path, out: Path, meta: dict = ARGOS_META) -> Path:
    """An unpacked Argos Translate package: metadata.json, one shared sentencepiece.model, model/."""
    (out / "model").mkdir(parents=True)
    for name in ("model.bin", "config.json"):
        shutil.copy2(quickmt / name, out / "model" / name)
    shutil.copy2(quickmt / "source_vocabulary.json", out / "model" / "shared_vocabulary.json")
    shutil.copy2(quickmt / "src.spm.model", out / "sentencepiece.model")
    (out / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return out


def _zipped(package: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for file in sorted(package.rglob("*")):
            archive.write(file, Path(package.name) / file.relative_to(package))
    return out


@pytest.fixture(scope="module")
def models(tiny_marian, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("native")
    inside = _inside_allowed_set(tiny_marian, root / "marian-inside", "en")
    out = {"hf": tiny_marian}
    for name, hf in (("marian", tiny_marian), ("inside", inside)):
        out[f"{name}/export"] = convert_model(str(hf), root / f"{name}-export", quantization="float32")
        out[f"{name}/quickmt"] = quickmt_layout(hf, out[f"{name}/export"], root / f"{name}-quickmt")
    out["argos"] = _argos_package(out["marian/quickmt"], root / "translate-ar_en-1_0")
    out["argos.zip"] = _zipped(out["argos"], root / "translate-ar_en-1_0.argosmodel")
    return out


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """Unpacked packages and vocabulary maps go to this test's cache; no engine is shared between tests."""
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    loader.clear_cache()
    yield
    loader.clear_cache()


def _load(model: str, **kwargs) -> NativeEngine:
    engine = loader.load_engine(model, role="translation", **{"vocab_restriction": "off", **kwargs})
    assert isinstance(engine, NativeEngine)
    return engine


# -- found by its files ----------------------------------------------------------------------
def test_a_native_model_is_recognised_by_its_files(models):
    for key in ("marian/quickmt", "argos", "argos.zip"):
        assert ModelSource.resolve(str(models[key])).kind == NATIVE, key
        assert ModelSource.resolve(str(models[key])).is_exported  # nothing to convert
    assert ModelSource.resolve(str(models["marian/export"])).kind == CT2_FOLDER
    assert ModelSource.resolve(str(models["hf"])).kind == HF_FOLDER


@pytest.mark.parametrize("key", ["marian/quickmt", "argos", "argos.zip"])
def test_loads_through_the_family_registry(models, key):
    engine = _load(str(models[key]))
    assert engine.family is CT2_NATIVE and engine.engine == "ctranslate2"
    assert engine.model_id == str(models[key]) and engine.vocab_restriction is None
    assert all(engine.generate(SENTENCES[:3], GREEDY))


def test_the_named_choice_loads_its_hub_model_and_says_its_licence(models, fake_hub, seed_texts):
    assert translation_model_id("quickmt") == HUB_ID == TRANSLATION_MODELS["quickmt"].model
    fake_hub({HUB_ID: models["marian/quickmt"]})
    result = Pipeline(None, "quickmt", summary_method="lead", translation_decoding=GREEDY,
                      vocab_restriction="off")(seed_texts[1])
    assert result.models["translation"] == {
        "id": HUB_ID, "engine": "ctranslate2", "choice": "quickmt", "licence": "CC-BY-4.0",
        "vocab_restriction": "off", "target_vocabulary": "whole vocabulary"}
    assert result.ok and all(p.en for p in result.translation)


def test_loads_a_hub_id_from_the_local_cache_offline(models, fake_hub):
    fake_hub({HUB_ID: models["marian/quickmt"]})
    engine = _load(HUB_ID)
    assert engine.model_id == HUB_ID and engine.family is CT2_NATIVE
    expected = _load(str(models["marian/quickmt"])).generate(SENTENCES, GREEDY)
    assert engine.generate(SENTENCES, GREEDY) == expected


# -- the same decoding as the exported model -------------------------------------------------
@pytest.mark.parametrize("settings", [GREEDY, BEAM], ids=["greedy", "beam"])
@pytest.mark.parametrize("key", ["marian/quickmt", "argos.zip"])
def test_equals_the_exported_model_texts_scores_and_counts(models, key, settings):
    """Same weights, same pieces in (the config's </s> added by CTranslate2, counted), same texts and scores out.

    The export keeps Marian's forced end token (generation_config.json), which spends the last of
    ``max_new_tokens``; a native model has no such rule, so the export is given one token more."""
    native = _load(str(models[key]))
    exported = CTranslate2Engine.load(models["marian/export"])
    assert native.count_tokens(SENTENCES) == exported.count_tokens(SENTENCES)
    longer = settings.but(max_new_tokens=settings.max_new_tokens + 1)
    ours, theirs = native.generate_scored(SENTENCES, settings), exported.generate_scored(SENTENCES, longer)
    assert [h.text for h in ours] == [h.text for h in theirs] and any(h.text for h in ours)
    assert [h.score for h in ours] == pytest.approx([h.score for h in theirs], abs=1e-4)
    assert [h.tokens for h in ours] == [h.tokens for h in theirs]


def test_batched_equals_one_by_one(models):
    engine = _load(str(models["marian/quickmt"]))
    batched = Translator(engine, decoding=BEAM, batch_size=16).translate_scored(SENTENCES)
    single = [Translator(engine, decoding=BEAM, batch_size=1).translate_scored([s])[0] for s in SENTENCES]
    assert [t.text for t in batched] == [t.text for t in single]
    assert [t.score for t in batched] == pytest.approx([t.score for t in single], abs=1e-3)


def test_a_long_sentence_is_cut_to_the_limit_the_model_reads(models):
    engine = _load(str(models["marian/quickmt"]))
    long = " ".join(SENTENCES) * 6
    assert engine.count_tokens([long])[0] > engine.max_input_tokens
    [translated] = Translator(engine, decoding=GREEDY).translate_scored([long])
    assert translated.text and math.isfinite(translated.score)


# -- the pipeline and the service --------------------------------------------------------------
def test_pipeline_translates_with_scores_and_checks(models, seed_texts):
    result = Pipeline(None, str(models["argos.zip"]), summary_method="lead", translation_decoding=GREEDY,
                      vocab_restriction="off")(seed_texts[0])
    assert result.ok and [p.ar for p in result.translation] == result.sentences
    assert all(p.en for p in result.translation)
    assert all(isinstance(p.score, float) and math.isfinite(p.score) and p.score <= 0 for p in result.translation)
    assert "checks" in result.timings  # the checks ran on every pair
    assert result.models["translation"]["engine"] == "ctranslate2"
    assert json.loads(json.dumps(result.to_dict(), ensure_ascii=False)) == result.to_dict()


def test_service_translates_like_any_model(models, seed_texts):
    from summarizer.service import Service

    service = Service.load(None, str(models["marian/quickmt"]), translation_decoding=GREEDY, vocab_restriction="off")
    assert not service.load_errors
    [result] = service.translate([seed_texts[1]])
    assert result.ok and result.translation and all(isinstance(p.score, float) for p in result.translation)


# -- the vocabulary restriction: CTranslate2's vocabulary map --------------------------------
@pytest.mark.parametrize("settings", [GREEDY, BEAM], ids=["greedy", "beam"])
def test_restricted_equals_unrestricted_when_every_choice_is_allowed(models, settings):
    folder = str(models["inside/quickmt"])
    off, on = _load(folder), _load(folder, vocab_restriction="on")
    assert on.vocab_restriction["method"] == "vmap" and on.vocab_restriction["language"] == "en"
    assert 0 < on.vocab_restriction["kept"] < on.vocab_restriction["full"] == 400
    expected = off.generate_scored(SENTENCES, settings)
    assert any(h.text for h in expected)
    got = on.generate_scored(SENTENCES, settings)
    assert [h.text for h in got] == [h.text for h in expected]
    assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-3)


def test_restriction_keeps_the_output_in_its_language_and_the_folder_untouched(models):
    folder = models["marian/quickmt"]
    on = _load(str(folder), vocab_restriction="on")
    assert on.folder != folder and (on.folder / VMAP).is_file() and not (folder / VMAP).exists()
    results = on.translator.translate_batch(
        [on.tokenizer.convert_ids_to_tokens(ids) for ids in on.tokenizer(SENTENCES)["input_ids"]],
        beam_size=1, max_decoding_length=16)
    chosen = [t for r in results for t in r.hypotheses[0]]
    allowed = set(on.tokenizer.all_special_tokens)
    assert chosen and all(t in allowed or piece_allowed(t, "en") for t in chosen)
    assert loader.load_engine(str(folder), role="translation") is on  # cached by setting


# -- what is missing, said with a code --------------------------------------------------------
@pytest.mark.parametrize(("removed", "missing"), [("model.bin", "model"), ("tgt.spm.model", "sentencepiece")])
def test_a_folder_missing_a_part_fails_with_a_code(models, tmp_path, removed, missing):
    folder = shutil.copytree(models["marian/quickmt"], tmp_path / "partial")
    (folder / removed).unlink()
    with pytest.raises(IncompleteModel) as raised:
        loader.load_engine(str(folder), role="translation")
    assert raised.value.code == "model-incomplete" and raised.value.missing == missing
    assert raised.value.advice_code == "check-native" and "Traceback" not in str(raised.value)


def test_a_package_of_another_direction_or_a_broken_zip_is_refused(models, tmp_path):
    other = _argos_package(models["marian/quickmt"], tmp_path / "en-ar", {**ARGOS_META, "from_code": "en",
                                                                         "to_code": "ar"})
    with pytest.raises(ModelLoadError) as raised:
        loader.load_engine(str(other), role="translation")
    assert raised.value.code == "model-load" and raised.value.advice_code == "check-native"
    broken = tmp_path / "broken.argosmodel"
    broken.write_bytes(b"not a zip")
    with pytest.raises(IncompleteModel) as raised:
        loader.load_engine(str(broken), role="translation")
    assert raised.value.missing == "package"
