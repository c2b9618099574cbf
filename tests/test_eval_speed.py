"""eval.speed, eval.standins, eval.models: the speed benchmark end to end (tiny models), stand-in shapes,
forced lengths."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eval import models, standins
from eval.speed import VARIANTS, expected_output_tokens, output_token_counts
from summarizer.engines.base import DecodeSettings
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow  # the speed benchmark end to end, its runs in subprocesses


def test_benchmark_runs_end_to_end_on_tiny_models(tmp_path):
    out = tmp_path / "report"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "TRANSFORMERS_VERBOSITY": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "eval.speed", "--tiny", "--articles", "2", "--limit-sentences", "8",
         "--out", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    for name in ("speed.json", "speed.md", "speed.png", "speed-seconds.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name

    payload = json.loads((out / "speed.json").read_text(encoding="utf-8"))
    assert list(payload["variants"]) == list(VARIANTS)
    settings = payload["settings"]
    assert settings["articles"] == 2 and settings["beams"] == 4
    for name, variant in payload["variants"].items():
        for stage, tokens in (("translation", settings["translation_tokens"]), ("summary", settings["summary_tokens"])):
            figures = variant[stage]
            assert figures["tokens_per_second"] > 0, (name, stage)
            assert figures["target_tokens"] == figures["inputs"] * tokens
        assert variant["per_article"]["median_seconds"] > 0
        assert variant["per_article"]["max_seconds"] >= variant["per_article"]["median_seconds"]
        assert variant["load_seconds"] >= 0
        for base in ("vs_naive", "vs_transformers"):
            ratios = variant["ratios"][base]
            assert ratios["translation_tokens_per_second"] > 0
            assert ratios["summary_tokens_per_second"] > 0
            assert ratios["article_seconds_speedup"] > 0
        assert all(check["ok"] for check in variant["forced_length_check"].values()), name
        assert variant["memory"]["peak_rss_mb"] >= variant["memory"]["loaded_rss_mb"] > 0
    assert payload["variants"]["naive"]["ratios"]["vs_naive"]["translation_tokens_per_second"] == pytest.approx(1.0)
    assert payload["variants"]["transformers"]["throughput"]["articles"] == 2
    assert "goals" not in payload and "recommendation" not in payload  # measurements, not targets or advice
    assert any("Restricted target vocabularies of (5)" in note for note in payload["notes"])
    assert payload["environment"]["libraries"]["ctranslate2"]

    markdown = (out / "speed.md").read_text(encoding="utf-8")
    assert "| variant | translation tok/s | summary tok/s |" in markdown
    assert "(4) pipeline, CTranslate2 int8" in markdown and "## Notes" in markdown
    for advice in ("## Goals", "## Recommendation", "goal", "Recommended", "MISSED"):
        assert advice not in markdown, advice
    assert "(5) pipeline, CTranslate2 int8 + vocabulary restriction" in markdown
    for kind in ("marian", "mt5"):
        restriction = payload["models"][kind]["vocab_restriction"]
        assert restriction["language"] == {"marian": "en", "mt5": "ar"}[kind]
        assert 0 < restriction["kept"] < restriction["full"]
    # Only what this run measured, plus fixed method: no figures or stories from other runs and machines.
    for stale in ("other test runs", "tried separately", "5-article", "about 35 tokens", "9,700", "small gains"):
        assert stale not in markdown, stale


@pytest.mark.parametrize(
    ("kind", "published"), [("marian", standins.MARIAN_PARAMETERS), ("mt5", standins.MT5_PARAMETERS)]
)
def test_standin_shapes_have_the_published_parameter_counts(kind, published):
    """Built on the meta device: the counts come from the real configs without allocating 2.3 GB."""
    assert standins.meta_parameter_count(kind) == published


def test_standin_configs_are_the_published_ones():
    import torch

    marian = standins.marian_config()
    assert (marian.vocab_size, marian.d_model, marian.encoder_layers, marian.decoder_layers) == (62834, 512, 6, 6)
    assert (marian.encoder_ffn_dim, marian.encoder_attention_heads, marian.activation_function) == (2048, 8, "swish")
    assert (marian.pad_token_id, marian.decoder_start_token_id, marian.eos_token_id) == (62833, 62833, 0)
    mt5 = standins.mt5_config()
    assert (mt5.vocab_size, mt5.d_model, mt5.d_ff, mt5.d_kv, mt5.num_heads) == (250112, 768, 2048, 64, 12)
    assert (mt5.num_layers, mt5.num_decoder_layers, mt5.feed_forward_proj) == (12, 12, "gated-gelu")
    with torch.device("meta"):
        model = standins.new_mt5(mt5)
    assert model.lm_head.weight is not model.shared.weight  # the output layer is untied, as published
    assert model.config.tie_word_embeddings is False


def test_padded_sentencepiece_keeps_real_tokenization_and_decodes_every_id(tmp_path):
    import sentencepiece as spm

    trained = standins._train_spm(tmp_path, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    total = 30_000
    padded, trained_pieces = models.pad_sentencepiece(trained, total, models.ARABIC, tmp_path / "padded.model")
    before = spm.SentencePieceProcessor(model_file=str(trained))
    after = spm.SentencePieceProcessor(model_file=str(padded))
    assert after.get_piece_size() == total and trained_pieces == before.get_piece_size()
    text = SEEDS[0].read_text(encoding="utf-8")
    assert after.encode(text) == before.encode(text)  # dummy pieces are never chosen for real text
    dummies = list(range(trained_pieces, total, 997))
    decoded = after.decode(dummies)
    assert decoded and "⁇" not in decoded
    assert len({after.id_to_piece(i) for i in range(total)}) == total


@pytest.fixture(scope="module")
def engine_pairs(tiny_marian, tiny_mt5, tmp_path_factory):
    from summarizer.engines.ctranslate2_engine import CTranslate2Engine
    from summarizer.engines.export import convert_model
    from summarizer.engines.transformers_engine import TransformersEngine

    out = tmp_path_factory.mktemp("speed-ct2")
    pairs = {}
    for name, folder in (("marian", tiny_marian), ("mt5", tiny_mt5)):
        engines = [TransformersEngine.load(str(folder))]
        for quantization in ("float32", "int8"):
            export = convert_model(str(folder), out / f"{name}-{quantization}", quantization=quantization)
            engines.append(CTranslate2Engine.load(str(export), quantization=quantization))
        pairs[name] = engines
    return pairs


@pytest.mark.parametrize("name", ["marian", "mt5"])
@pytest.mark.parametrize("beams", [1, 4])
def test_forced_lengths_give_equal_token_counts_across_engines(engine_pairs, name, beams):
    texts = [SEEDS[0].read_text(encoding="utf-8")[:300], "قال الوزير إن المحادثات ستستأنف.", "نعم."]
    n = 24
    settings = DecodeSettings(num_beams=beams, min_new_tokens=n, max_new_tokens=n,
                              no_repeat_ngram_size=2 if name == "mt5" else 0)
    expected = n - 1 if name == "marian" else n  # MarianMT spends the last token on its forced EOS
    for engine in engine_pairs[name]:
        assert expected_output_tokens(engine, settings) == expected
        assert output_token_counts(engine, texts, settings) == [expected] * len(texts), engine


def test_choices_benchmark_runs_end_to_end_on_tiny_models(tmp_path):
    """``--choices``: each named translation choice's family, CTranslate2 int8, scores on every article."""
    out = tmp_path / "report"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "TRANSFORMERS_VERBOSITY": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "eval.speed", "--choices", "fast", "best", "nllb-600m", "--tiny", "--articles", "2",
         "--limit-sentences", "4", "--out", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    payload = json.loads((out / "speed-choices.json").read_text(encoding="utf-8"))
    assert list(payload["choices"]) == ["fast", "best", "nllb-600m"]
    families = {choice: entry["family"] for choice, entry in payload["choices"].items()}
    assert families == {"fast": "marian", "best": "marian", "nllb-600m": "nllb"}
    for choice, entry in payload["choices"].items():
        assert entry["median_seconds"] > 0 and entry["tokens_per_second"] > 0, choice
        assert entry["forced_length_check"]["ok"], choice
        assert all(run["scores_finite"] for run in entry["per_article"]), choice
        assert len(entry["per_article"]) == 2 and entry["memory"]["peak_rss_mb"] > 0
    assert payload["choices"]["nllb-600m"]["licence"] == "CC-BY-NC-4.0"
    markdown = (out / "speed-choices.md").read_text(encoding="utf-8")
    assert "| choice | model |" in markdown and "`nllb-600m`" in markdown


@pytest.mark.parametrize(
    ("kind", "published"), [("tc-big", standins.TC_BIG_PARAMETERS), ("nllb", standins.NLLB_PARAMETERS)]
)
def test_choice_standins_have_the_published_parameter_counts(kind, published):
    assert standins.meta_parameter_count(kind) == published


def test_choice_standin_configs_are_the_published_ones():
    big = standins.tc_big_config()
    assert (big.vocab_size, big.d_model, big.encoder_layers, big.decoder_layers) == (61109, 1024, 6, 6)
    assert (big.encoder_ffn_dim, big.encoder_attention_heads, big.activation_function) == (4096, 16, "relu")
    assert (big.pad_token_id, big.decoder_start_token_id, big.eos_token_id, big.max_position_embeddings) == (
        61108, 61108, 25894, 1024)
    nllb = standins.nllb_config()
    assert (nllb.model_type, nllb.vocab_size, nllb.d_model, nllb.encoder_layers, nllb.decoder_layers) == (
        "m2m_100", 256206, 1024, 12, 12)
    assert (nllb.encoder_ffn_dim, nllb.encoder_attention_heads, nllb.activation_function) == (4096, 16, "relu")
    assert (nllb.bos_token_id, nllb.pad_token_id, nllb.eos_token_id, nllb.decoder_start_token_id) == (0, 1, 2, 2)
    assert nllb.scale_embedding and nllb.max_position_embeddings == 1024


def _child_peak_mb() -> float:
    """The peak that eval.speed's memory probe reports, read in a fresh child process."""
    script = "from eval.speed import peak_rss_bytes; print(peak_rss_bytes() / 1e6)"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    return float(done.stdout.strip())


def test_memory_probe_peak_is_the_childs_own_not_the_parents():
    """ru_maxrss carries the parent's resident size across fork+exec; VmHWM does not."""
    from eval.speed import peak_rss_bytes

    small = _child_peak_mb()
    ballast = bytearray(400 * 1024 * 1024)  # 400 MB, every page touched: resident in this (parent) process
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    try:
        assert peak_rss_bytes() / 1e6 >= 400  # the parent's own figure sees it
        large = _child_peak_mb()
    finally:
        del ballast
    assert abs(large - small) < 30, (small, large)
    assert large < 200


def test_levers_refuses_an_unknown_experiment(capsys):
    from eval import levers

    with pytest.raises(SystemExit) as stop:
        levers.main(["nope"])
    assert stop.value.code == 2
    assert "unknown experiment" in capsys.readouterr().err
