"""Translation model families (Marian, Marian tc-big-shaped, NLLB) on both engines, and per-sentence scores.

Tiny random models built by the tests (eval/models.py): outputs are gibberish, so the tests check
structure and equivalences: the family read from the config, NLLB's language codes (source prepended,
target forced and never in the output), 1:1 alignment, scores present, finite and equal across engines
and batchings, named choices, licences, and the views that mark the least sure sentences.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest

from summarizer import Pipeline
from summarizer.choices import LOW_CONFIDENCE_SCORE, TRANSLATION_MODELS, translation_model_id
from summarizer.engines import loader
from summarizer.engines.base import DecodeSettings
from summarizer.engines.ctranslate2_engine import CTranslate2Engine
from summarizer.engines.export import convert_model
from summarizer.engines.family import NLLB_SOURCE, NLLB_TARGET, family_of
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.errors import OptionError
from summarizer.stages.translate import Translator
from tests.conftest import SEEDS

GREEDY = DecodeSettings(num_beams=1, max_new_tokens=16)
BEAM = DecodeSettings(num_beams=4, max_new_tokens=16)
FAMILIES = ("nllb", "marian_big", "marian")
EOS_BIAS = {"nllb": 3.8, "marian_big": 2.0}  # some outputs stop at once, others run to the limit


def _sentences(limit: int = 10) -> list[str]:
    sentences = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!؟?])\s+|\n+", text) if len(s.strip()) > 1]
    return sentences[:: max(len(sentences) // limit, 1)][:limit]


SENTENCES = _sentences()


@pytest.fixture(scope="module")
def folders(tiny_nllb, tiny_marian_big, tiny_marian, tmp_path_factory) -> dict[str, Path]:
    """Each family in Hugging Face format, EOS-biased variants, and their float32 / int8 CTranslate2 exports."""
    from tests.tiny_models import build_tiny_marian_big, build_tiny_nllb

    root = tmp_path_factory.mktemp("families")
    sources = {
        "nllb": tiny_nllb, "marian_big": tiny_marian_big, "marian": tiny_marian,
        "nllb_eos": build_tiny_nllb(root / "nllb-eos", eos_bias=EOS_BIAS["nllb"]),
        "marian_big_eos": build_tiny_marian_big(root / "marian-big-eos", eos_bias=EOS_BIAS["marian_big"]),
    }
    out = {}
    for name, source in sources.items():
        out[f"{name}/hf"] = source
        out[f"{name}/float32"] = convert_model(str(source), root / f"{name}-float32", quantization="float32")
    for name in ("nllb", "marian_big"):
        out[f"{name}/int8"] = convert_model(str(sources[name]), root / f"{name}-int8", quantization="int8")
    return out


class _Engines(dict):
    def __init__(self, folders):
        super().__init__()
        self.folders = folders

    def __missing__(self, key):
        folder = str(self.folders[key])
        self[key] = TransformersEngine.load(folder) if key.endswith("/hf") else CTranslate2Engine.load(folder)
        return self[key]


@pytest.fixture(scope="module")
def engines(folders) -> _Engines:
    return _Engines(folders)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    loader.clear_cache()
    yield
    loader.clear_cache()


def _finite(hypotheses) -> bool:
    return all(h.score is not None and math.isfinite(h.score) and h.score <= 0 for h in hypotheses)


# -- the family comes from the config ---------------------------------------------------------
def test_tiny_models_have_their_family_shapes(folders):
    from transformers import AutoConfig, AutoTokenizer

    nllb = AutoConfig.from_pretrained(folders["nllb/hf"])
    assert (nllb.model_type, nllb.activation_function, nllb.decoder_start_token_id, nllb.eos_token_id) == (
        "m2m_100", "relu", 2, 2)
    tokenizer = AutoTokenizer.from_pretrained(folders["nllb/hf"])
    assert type(tokenizer).__name__ == "NllbTokenizer"
    assert tokenizer.convert_tokens_to_ids(["<s>", "<pad>", "</s>", "<unk>"]) == [0, 1, 2, 3]
    assert {NLLB_SOURCE, NLLB_TARGET} <= set(tokenizer.all_special_tokens)
    big = AutoConfig.from_pretrained(folders["marian_big/hf"])
    assert (big.model_type, big.activation_function, big.max_position_embeddings) == ("marian", "relu", 1024)
    assert big.eos_token_id not in (0, big.pad_token_id) and big.pad_token_id == big.vocab_size - 1
    assert AutoTokenizer.from_pretrained(folders["marian_big/hf"]).eos_token_id == big.eos_token_id


@pytest.mark.parametrize("key", ["nllb/hf", "nllb/float32", "marian_big/hf", "marian_big/float32"])
def test_family_is_read_from_the_config_not_the_name(folders, tmp_path, key):
    """A folder named like another model family is still run as what its config says."""
    misleading = tmp_path / ("opus-mt-ar-en" if key.startswith("nllb") else "nllb-200-distilled-600M")
    shutil.copytree(folders[key], misleading)
    engine = TransformersEngine.load(str(misleading)) if key.endswith("/hf") else CTranslate2Engine.load(misleading)
    assert engine.family.name == ("nllb" if key.startswith("nllb") else "marian")


def test_an_m2m100_without_nllb_codes_is_refused_clearly():
    class Plain:
        def get_vocab(self):
            return {"__ar__": 5, "__en__": 6}

    with pytest.raises(ValueError, match="arb_Arab"):
        family_of("m2m_100", Plain())


@pytest.mark.parametrize("key", ["nllb/hf", "nllb/float32"])
def test_nllb_source_starts_with_arb_arab_and_ends_with_eos(engines, key):
    tokenizer = engines[key].tokenizer
    ids = tokenizer(SENTENCES[0])["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids[:1]) == [NLLB_SOURCE] and ids[-1] == tokenizer.eos_token_id
    assert engines[key].count_tokens([""]) == [2]  # the language code and </s>


class _Recorded:
    """Stands in for a CTranslate2 translator: records each translate_batch call and its results."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def translate_batch(self, *args, **kwargs):
        results = self.inner.translate_batch(*args, **kwargs)
        self.calls.append((args, kwargs, results))
        return results


def _recording(engine, run):
    inner = engine.translator
    engine.translator = _Recorded(inner)
    try:
        return run(), engine.translator.calls
    finally:
        engine.translator = inner


def test_nllb_target_language_is_forced_and_not_in_the_output(engines):
    """CTranslate2 gets eng_Latn as target prefix and returns it first; transformers forces it as the first
    generated token; neither output text holds it."""
    import torch

    fast, reference = engines["nllb/float32"], engines["nllb/hf"]
    texts, [(_, kwargs, results)] = _recording(fast, lambda: fast.generate(SENTENCES[:3], GREEDY))
    assert kwargs["target_prefix"] == [[NLLB_TARGET]] * 3
    assert [r.hypotheses[0][0] for r in results] == [NLLB_TARGET] * 3

    inputs = reference.tokenizer(SENTENCES[:3], return_tensors="pt", padding=True)
    with torch.inference_mode():
        sequences = reference.model.generate(**inputs, generation_config=reference._generation_config(GREEDY))
    assert sequences[:, 1].tolist() == [reference.tokenizer.convert_tokens_to_ids(NLLB_TARGET)] * 3
    for text in [*texts, *reference.generate(SENTENCES[:3], GREEDY)]:
        assert text and NLLB_TARGET not in text and NLLB_SOURCE not in text


def test_marian_gets_no_target_prefix(engines):
    _, [(_, kwargs, _)] = _recording(engines["marian_big/float32"],
                                     lambda: engines["marian_big/float32"].generate(SENTENCES[:2], GREEDY))
    assert kwargs["target_prefix"] is None


# -- both engines, both families: texts and scores ----------------------------------------------
@pytest.mark.parametrize("name", FAMILIES)
@pytest.mark.parametrize("settings", [GREEDY, BEAM], ids=["greedy", "beam4"])
def test_engines_agree_on_texts_and_scores(engines, name, settings):
    reference, fast = engines[f"{name}/hf"], engines[f"{name}/float32"]
    expected, got = reference.generate_scored(SENTENCES, settings), fast.generate_scored(SENTENCES, settings)
    assert [h.text for h in got] == [h.text for h in expected]
    assert [h.tokens for h in got] == [h.tokens for h in expected]
    assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-4)
    assert _finite(got) and _finite(expected)
    assert [h.text for h in got] == fast.generate(SENTENCES, settings)  # generate = generate_scored's texts
    assert [h.text for h in expected] == reference.generate(SENTENCES, settings)


@pytest.mark.parametrize(("name", "beams"), [("nllb_eos", 1), ("marian_big_eos", 1), ("marian_big_eos", 4)])
@pytest.mark.parametrize("min_new", [0, 6])
def test_scores_agree_when_outputs_end_early(engines, name, min_new, beams):
    """Outputs that end with </s> (the end token counts) and outputs cut at the limit (a forced end does not).

    Not NLLB with beams: after a target prefix CTranslate2 keeps the end token out of all but the best beam
    at the first free step, transformers does not, so an EOS-biased model's beam outputs differ there
    (documented in ctranslate2_engine.py; the unbiased model's agree, test_engines_agree_on_texts_and_scores).
    """
    settings = DecodeSettings(num_beams=beams, max_new_tokens=24, min_new_tokens=min_new)
    reference, fast = engines[f"{name}/hf"], engines[f"{name}/float32"]
    expected, got = reference.generate_scored(SENTENCES, settings), fast.generate_scored(SENTENCES, settings)
    assert [h.text for h in got] == [h.text for h in expected]
    assert [h.tokens for h in got] == [h.tokens for h in expected]
    assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-4)
    if min_new == 0:
        assert len({h.tokens for h in got}) >= 2, "some outputs should end early, others at the limit"


@pytest.mark.parametrize("name", ["nllb", "marian_big", "nllb_eos", "marian_big_eos"])
@pytest.mark.parametrize("length_penalty", [0.6, 1.0])
def test_score_is_the_mean_log_probability_of_the_chosen_tokens(engines, name, length_penalty):
    """CTranslate2's normalised beam score, undone: the mean of score_batch's per-token log-probabilities
    of the hypothesis it returned (the forced language code left out; the end token in, when reached)."""
    fast = engines[f"{name}/float32"]
    settings = BEAM.but(length_penalty=length_penalty)
    hypotheses, [(args, _, results)] = _recording(fast, lambda: fast.generate_scored(SENTENCES, settings))
    limit = settings.max_new_tokens - int(fast.rules.forced_eos)
    prefix = len(fast.family.target_prefix)
    ended = 0
    for source, result, hypothesis in zip(args[0], results, hypotheses, strict=True):
        target = result.hypotheses[0]
        [scored] = fast.translator.score_batch([source], [target])
        log_probs = scored.log_probs[prefix:]  # the forced code is not the model's choice
        if len(target) == limit:
            log_probs = log_probs[:-1]  # score_batch adds an end token the output never reached
        else:
            ended += 1
        assert hypothesis.tokens == len(log_probs)
        assert hypothesis.score == pytest.approx(sum(log_probs) / len(log_probs), abs=1e-4)
    # both cases seen: outputs that reached their end token (EOS-biased models), outputs cut at the limit
    assert (ended > 0) if name.endswith("_eos") else (ended < len(SENTENCES))


@pytest.mark.parametrize("key", ["nllb/hf", "nllb/float32", "nllb/int8", "marian_big/hf", "marian_big/int8"])
def test_batched_equals_one_by_one(engines, key):
    translator = Translator(engines[key], decoding=GREEDY, batch_size=4)
    batched = translator.translate_scored(SENTENCES)
    single = [Translator(engines[key], decoding=GREEDY, batch_size=1).translate_scored([s])[0] for s in SENTENCES]
    assert [t.text for t in batched] == [t.text for t in single]
    assert [t.score for t in batched] == pytest.approx([t.score for t in single], abs=1e-3)
    assert len(batched) == len(SENTENCES) and all(t.text for t in batched)


@pytest.mark.parametrize("key", ["nllb/hf", "nllb/float32"])
def test_a_sentence_cut_into_parts_gets_their_token_weighted_mean(engines, key):
    engine = engines[key]
    clause = "قال وزير الخارجية الروسي سيرغي لافروف إن المحادثات مستمرة"
    sentence = "، ".join([clause] * 5) + "."
    translator = Translator(engine, decoding=GREEDY, max_input_tokens=30)
    [translation] = translator.translate_scored([sentence])
    parts = engine.generate_scored(translator.split_long(sentence), GREEDY)
    assert len(parts) >= 2
    tokens = sum(p.tokens for p in parts)
    assert translation.tokens == tokens
    assert translation.score == pytest.approx(sum(p.score * p.tokens for p in parts) / tokens, abs=1e-6)
    assert NLLB_TARGET not in translation.text


def test_an_engine_without_scores_still_translates(engines):
    class TextsOnly:  # a wrapper with only generate(): scores are None, never invented
        def __init__(self, inner):
            self.inner, self.model_id, self.engine = inner, inner.model_id, "wrapper"
            self.max_input_tokens = inner.max_input_tokens

        def count_tokens(self, texts):
            return self.inner.count_tokens(texts)

        def generate(self, texts, settings):
            return self.inner.generate(texts, settings)

    out = Translator(TextsOnly(engines["nllb/float32"]), decoding=GREEDY).translate_scored(SENTENCES[:2])
    assert [t.score for t in out] == [None, None] and all(t.text for t in out)


# -- the pipeline, end to end -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["nllb", "marian_big"])
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_pipeline_end_to_end(folders, seed_texts, name, engine):
    # The whole vocabulary: a random model restricted to the few Latin pieces of a tiny vocabulary may
    # stop at once (an empty sentence), which says nothing about the family; the restriction is below.
    pipeline = Pipeline(None, str(folders[f"{name}/hf"]), summary_method="lead", engine=engine,
                        translation_decoding=GREEDY, vocab_restriction="off")
    result = pipeline(seed_texts[0])
    assert result.ok and [p.ar for p in result.translation] == result.sentences
    assert all(p.en and NLLB_TARGET not in p.en for p in result.translation)
    assert all(isinstance(p.score, float) and math.isfinite(p.score) for p in result.translation)
    assert result.models["translation"]["engine"] == engine
    assert json.loads(json.dumps(result.to_dict(), ensure_ascii=False)) == result.to_dict()
    batched = list(pipeline.batch(seed_texts[:3], group_size=3, progress=False))
    assert [p.en for p in batched[0].translation] == [p.en for p in result.translation]
    assert [p.score for p in batched[0].translation] == pytest.approx(
        [p.score for p in result.translation], abs=1e-3)
    # Restricted (the default): the target language is still forced (its code is kept), never shown.
    restricted = Pipeline(None, str(folders[f"{name}/hf"]), summary_method="lead", engine=engine,
                          translation_decoding=GREEDY)(seed_texts[0])
    assert [p.ar for p in restricted.translation] == restricted.sentences
    assert not any(NLLB_TARGET in p.en for p in restricted.translation)


# -- named choices, licences -------------------------------------------------------------------
def test_named_choices_resolve_and_a_bad_name_lists_the_valid_ones(tmp_path):
    assert translation_model_id("best") == "Helsinki-NLP/opus-mt-tc-big-ar-en"
    assert translation_model_id("fast") == "Helsinki-NLP/opus-mt-ar-en"
    assert translation_model_id("nllb-600m") == "facebook/nllb-200-distilled-600M"
    assert translation_model_id("someone/some-model") == "someone/some-model"
    assert translation_model_id(str(tmp_path)) == str(tmp_path)
    with pytest.raises(OptionError, match="fast, best, nllb-600m") as raised:
        translation_model_id("bestt")
    assert "'bestt'" in str(raised.value)
    with pytest.raises(OptionError, match="fast, best, nllb-600m"):
        Pipeline(None, "nllb600m", summary_method="lead")


def test_a_named_choice_loads_its_hub_model_and_says_its_licence(folders, fake_hub, seed_texts):
    fake_hub({TRANSLATION_MODELS["nllb-600m"].model: folders["nllb/hf"]})
    result = Pipeline(None, "nllb-600m", summary_method="lead", translation_decoding=GREEDY,
                      vocab_restriction="off")(seed_texts[1])
    assert result.models["translation"] == {
        "id": "facebook/nllb-200-distilled-600M", "engine": "ctranslate2", "choice": "nllb-600m",
        "licence": "CC-BY-NC-4.0", "vocab_restriction": "off", "target_vocabulary": "whole vocabulary"}
    assert all(p.en and NLLB_TARGET not in p.en for p in result.translation)


def test_cli_takes_a_named_choice_and_rejects_a_bad_one(folders, fake_hub, tmp_path, capsys):
    from summarizer.cli import main

    # the EOS-biased model: the CLI decodes with the real 512-token limit
    fake_hub({TRANSLATION_MODELS["best"].model: folders["marian_big_eos/hf"]})
    article = tmp_path / "article.txt"
    article.write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    common = ["run", str(article), "--summary-method", "lead", "--beams", "1", "--json"]
    assert main([*common, "--translation-model", "bestt"]) == 2
    err = capsys.readouterr().err
    assert "fast, best, nllb-600m" in err and "'bestt'" in err and "Traceback" not in err
    assert main([*common, "--translation-model", "best"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["models"]["translation"]["choice"] == "best"
    assert result["models"]["translation"]["licence"] == "CC-BY-4.0"
    assert len(result["translation"]) == len(result["sentences"])
    assert all(isinstance(p["score"], float) for p in result["translation"])


def test_summary_model_licence_is_named():
    from summarizer.choices import DEFAULT_SUMMARY_MODEL, licence_of

    assert licence_of(DEFAULT_SUMMARY_MODEL) == "CC-BY-NC-SA-4.0"
    assert licence_of("someone/unknown") is None


# -- the views mark the least sure sentences ---------------------------------------------------
def test_views_show_scores_and_mark_the_least_sure():
    from summarizer import render
    from summarizer.pipeline import Result
    from summarizer.result import RunInfo, SentencePair

    pairs = [SentencePair("أ.", "Sure.", -0.2), SentencePair("ب.", "Unsure.", -2.5), SentencePair("ج.", "", None)]
    assert [render.is_unsure(p) for p in pairs] == [False, True, False]
    view = render.aligned_html(pairs)
    assert view.count("<tr") == 4 and view.count('class="en unsure"') == 1 and "-2.50" in view
    assert f"{LOW_CONFIDENCE_SCORE:g}" in view  # the threshold is explained under the table
    assert 'class="en unsure"' not in render.aligned_html(pairs[:1])
    result = Result(sentences=["أ.", "ب.", "ج."], summary_ar="أ.", translation=pairs,
                    run=RunInfo({"summary": None, "translation": {"id": "Helsinki-NLP/opus-mt-tc-big-ar-en",
                                                                  "engine": "ctranslate2", "choice": "best",
                                                                  "licence": "CC-BY-4.0"}}))
    md = render.to_markdown(result)
    assert "| # | Arabic | English | score |" in md and "| 2 | ب. | Unsure. | ⚠ -2.50 |" in md
    assert "| 1 | أ. | Sure. | -0.20 |" in md and "choice `best`, licence CC-BY-4.0" in md
    text = render.to_text(result, "x")
    assert "[unsure: score -2.50]" in text and text.count("unsure") == 1
    nc = render.describe_model("translation", {"id": "m", "engine": "ctranslate2", "licence": "CC-BY-NC-4.0"})
    assert "non-commercial" in nc
