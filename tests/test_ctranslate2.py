"""CTranslate2 export and engine: same tokens in, same tokens out as the transformers engine.

The tiny models are random, so they rarely choose EOS: the ``*_eos`` variants raise the EOS
logit so that outputs also end early, which exercises min/max length and forced-EOS handling.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import build_parser
from summarizer.engines import export, loader
from summarizer.engines.base import DecodeSettings
from summarizer.engines.ctranslate2_engine import CTranslate2Engine, load_tokenizer
from summarizer.engines.export import EXPORT_INFO, _scales_decoder_output, convert_model, export_cache_dir
from summarizer.engines.locate import is_ctranslate2_folder
from summarizer.engines.transformers_engine import TransformersEngine
from summarizer.errors import ConversionError, ModelLoadError
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow  # converts models and decodes with both engines side by side

GREEDY = DecodeSettings(num_beams=1, max_new_tokens=40)
BEAM = DecodeSettings(num_beams=4, max_new_tokens=30, length_penalty=0.6, no_repeat_ngram_size=2)


def _sentences(limit: int = 14) -> list[str]:
    """Seed sentences of every length, plus a whole article (cut at 512 tokens by both engines)."""
    sentences = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!؟?])\s+|\n+", text) if len(s.strip()) > 1]
    picked = sentences[:: max(len(sentences) // limit, 1)][:limit]
    return [*picked, SEEDS[0].read_text(encoding="utf-8")]


SENTENCES = _sentences()


def _with_eos_bias(source: Path, out: Path) -> Path:
    """A copy of a tiny model whose EOS logit is raised, so that greedy outputs have varied lengths."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    shutil.copytree(source, out)
    model = AutoModelForSeq2SeqLM.from_pretrained(source)
    eos = model.config.eos_token_id
    with torch.no_grad():
        if getattr(model, "final_logits_bias", None) is not None:  # MarianMT
            model.final_logits_bias[0, eos] = 4.0
        else:  # MT5: its output layer is untied from the embeddings
            model.lm_head.weight[eos] = model.lm_head.weight[5] * 1.5
    model.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def exports(tiny_marian, tiny_mt5, tmp_path_factory) -> dict[str, Path]:
    """Every model the tests compare, in Hugging Face format and exported in float32 and int8."""
    root = tmp_path_factory.mktemp("ct2")
    sources = {
        "marian": tiny_marian,
        "mt5": tiny_mt5,
        "marian_eos": _with_eos_bias(tiny_marian, root / "marian_eos"),
        "mt5_eos": _with_eos_bias(tiny_mt5, root / "mt5_eos"),
    }
    folders: dict[str, Path] = {}
    for name, source in sources.items():
        folders[f"{name}/hf"] = source
        folders[f"{name}/float32"] = convert_model(str(source), root / f"{name}-float32", quantization="float32")
    for name in ("marian", "mt5"):
        folders[f"{name}/int8"] = convert_model(str(sources[name]), root / f"{name}-int8", quantization="int8")
    return folders


class _Engines(dict):
    """Engines loaded on first use: each test loads only what it compares."""

    def __init__(self, exports: dict[str, Path]):
        super().__init__()
        self.exports = exports

    def __missing__(self, key: str):
        folder = str(self.exports[key])
        self[key] = TransformersEngine.load(folder) if key.endswith("/hf") else CTranslate2Engine.load(folder)
        return self[key]


@pytest.fixture(scope="module")
def engines(exports) -> _Engines:
    return _Engines(exports)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    loader.clear_cache()
    yield
    loader.clear_cache()


def test_export_is_self_contained(exports):
    for key in ("marian/float32", "mt5/float32", "marian/int8"):
        folder = exports[key]
        assert is_ctranslate2_folder(folder)
        assert (folder / "tokenizer_config.json").is_file()
        assert (folder / "generation_config.json").is_file()
        assert not list(folder.glob("*.safetensors"))
        info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
        assert info["quantization"] == key.split("/")[1]
        assert info["source_model"] == str(exports[key.split("/")[0] + "/hf"].resolve())
        assert info["ctranslate2_version"] and info["transformers_version"]
    assert (exports["marian/float32"] / "source.spm").is_file()
    assert (exports["mt5/float32"] / "spiece.model").is_file() or (exports["mt5/float32"] / "tokenizer.json").is_file()


@pytest.mark.parametrize("name", ["marian", "mt5"])
def test_load_engine_detects_an_export(exports, name):
    engine = loader.load_engine(str(exports[f"{name}/float32"]), role="translation")
    assert isinstance(engine, CTranslate2Engine)
    assert engine.engine == "ctranslate2"
    assert engine.max_input_tokens == 512
    assert engine.count_tokens(SENTENCES[:3]) == TransformersEngine.load(str(exports[f"{name}/hf"])).count_tokens(
        SENTENCES[:3]
    )


@pytest.mark.parametrize("name", ["marian", "mt5"])
def test_export_tokenizer_is_the_one_autotokenizer_picks(exports, name):
    from transformers import AutoTokenizer

    folder = exports[f"{name}/int8"]
    ours, auto = load_tokenizer(folder), AutoTokenizer.from_pretrained(str(folder))
    assert type(ours) is type(auto)
    assert ours(SENTENCES)["input_ids"] == auto(SENTENCES)["input_ids"]


def test_ctranslate2_pipeline_runs_without_torch_and_without_warnings(exports):
    """A fresh process: both exports load and run, torch is never imported, stderr stays quiet.

    transformers 5 imports torch from its configuration code (about 300 MB), and warned that the
    mT5 tokenizer "will lead to incorrect tokenization" when it read CTranslate2's config.json.
    """
    script = (
        "import sys\n"
        "from summarizer.pipeline import Pipeline\n"
        f"p = Pipeline({str(exports['mt5/int8'])!r}, {str(exports['marian/int8'])!r}, engine='ctranslate2')\n"
        f"r = p({SEEDS[0].read_text(encoding='utf-8')!r})\n"
        "assert r.ok and len(r.translation) == len(r.sentences), r.warnings\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"
    assert "incorrect" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]


def test_mt5_logits_are_not_rescaled():
    """transformers 5 says tie_word_embeddings=True for every MT5, yet never rescales its logits."""
    from transformers import MT5Config, MT5ForConditionalGeneration

    config = MT5Config(vocab_size=50, d_model=16, d_ff=32, d_kv=8, num_heads=2, num_layers=1, decoder_start_token_id=0)
    assert _scales_decoder_output(MT5ForConditionalGeneration(config).eval()) is False


@pytest.mark.parametrize("name", ["marian", "mt5"])
def test_scores_equal_transformers(exports, name):
    """Log-probabilities of a fixed target match: same weights, same logit scale, same start token."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    engine = CTranslate2Engine.load(str(exports[f"{name}/float32"]))
    model = AutoModelForSeq2SeqLM.from_pretrained(exports[f"{name}/hf"]).eval()
    tokenizer = engine.tokenizer
    source = tokenizer(SENTENCES[1])["input_ids"]
    target = tokenizer(SENTENCES[2])["input_ids"]  # ends with </s>
    [result] = engine.translator.score_batch(
        [tokenizer.convert_ids_to_tokens(source)], [tokenizer.convert_ids_to_tokens(target[:-1])]
    )
    decoder_input = [model.config.decoder_start_token_id, *target[:-1]]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([source]), decoder_input_ids=torch.tensor([decoder_input])).logits[0]
    if name == "marian":  # <pad> is not in CTranslate2's vocabulary: renormalise without it
        logits[:, model.config.pad_token_id] = float("-inf")
    expected = torch.log_softmax(logits, dim=-1)[torch.arange(len(target)), torch.tensor(target)]
    assert result.log_probs == pytest.approx(expected.tolist(), rel=2e-5, abs=1e-4)


@pytest.mark.parametrize("name", ["marian", "mt5", "marian_eos", "mt5_eos"])
@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "batched"])
def test_greedy_equals_transformers(engines, name, batched):
    reference, fast = engines[f"{name}/hf"], engines[f"{name}/float32"]
    # MT5's no_repeat_ngram_size=2 is its published setting (and the reference engine's
    # generation_config default); MarianMT has none.
    settings = GREEDY.but(no_repeat_ngram_size=2) if name.startswith("mt5") else GREEDY
    if batched:
        expected, got = reference.generate(SENTENCES, settings), fast.generate(SENTENCES, settings)
    else:
        expected = [reference.generate([s], settings)[0] for s in SENTENCES]
        got = [fast.generate([s], settings)[0] for s in SENTENCES]
    assert got == expected
    if name.endswith("_eos"):
        lengths = {len(text) for text in got}
        assert len(lengths) > 2, "the EOS-biased model should stop at different lengths"


@pytest.mark.parametrize("name", ["marian_eos", "mt5_eos"])
@pytest.mark.parametrize("min_new", [3, 8])
def test_min_and_max_length_match(engines, name, min_new):
    settings = GREEDY.but(max_new_tokens=12, min_new_tokens=min_new)
    if name.startswith("mt5"):
        settings = settings.but(no_repeat_ngram_size=2)
    assert engines[f"{name}/float32"].generate(SENTENCES, settings) == engines[f"{name}/hf"].generate(SENTENCES, settings)


def test_forced_eos_leaves_nothing_for_one_token(engines):
    """With forced EOS (MarianMT), max_new_tokens=1 leaves room for the EOS alone."""
    settings = GREEDY.but(max_new_tokens=1)
    assert engines["marian/float32"].generate(SENTENCES[:2], settings) == ["", ""]
    assert engines["marian/hf"].generate(SENTENCES[:2], settings) == ["", ""]


@pytest.mark.parametrize("name", ["marian_eos", "mt5_eos"])
@pytest.mark.parametrize("length_penalty", [0.6, 1.0])
def test_beam_search_equals_transformers_with_early_stopping(engines, name, length_penalty):
    """CTranslate2's beam search is transformers' with early_stopping=True (stop at num_beams finished).

    Only without n-gram blocking: CTranslate2 bans repeated n-grams before its softmax (the
    remaining tokens share the banned probability) and transformers after, so beam scores differ.
    """
    import torch

    reference, fast = engines[f"{name}/hf"], engines[f"{name}/float32"]
    settings = DecodeSettings(num_beams=4, max_new_tokens=30, length_penalty=length_penalty)
    config = reference._generation_config(settings)
    config.update(early_stopping=True, no_repeat_ngram_size=0)
    inputs = reference.tokenizer(SENTENCES, return_tensors="pt", padding=True, truncation=True, max_length=512)
    with torch.inference_mode():
        output = reference.model.generate(**inputs, generation_config=config)
    expected = [text.strip() for text in reference.tokenizer.batch_decode(output, skip_special_tokens=True)]
    assert fast.generate(SENTENCES, settings) == expected


def test_greedy_without_ngram_blocking_equals_transformers(engines):
    settings = GREEDY.but(no_repeat_ngram_size=0)
    assert engines["mt5/float32"].generate(SENTENCES[:4], settings) == engines["mt5/hf"].generate(SENTENCES[:4], settings)


@pytest.mark.parametrize("key", ["marian/float32", "mt5/float32", "marian/int8", "mt5/int8"])
def test_beam_search_and_int8_give_one_output_per_input(engines, key):
    outputs = engines[key].generate(SENTENCES, BEAM)
    assert len(outputs) == len(SENTENCES)
    assert all(isinstance(text, str) for text in outputs)
    assert any(outputs)
    assert engines[key].generate([], BEAM) == []


def test_int8_export_loads_as_int8(exports):
    engine = CTranslate2Engine.load(str(exports["marian/int8"]))
    assert engine.translator.compute_type.startswith("int8")
    engine = CTranslate2Engine.load(str(exports["marian/int8"]), quantization="float32")
    assert engine.translator.compute_type == "float32"


def test_hf_folder_is_converted_once_into_the_cache(tiny_marian, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    engine = loader.load_engine(str(tiny_marian), role="translation", engine="ctranslate2", quantization="float32")
    assert isinstance(engine, CTranslate2Engine)
    cached = export_cache_dir(str(tiny_marian), "float32", "en")  # the default: English-only target vocabulary
    assert engine.folder == cached and cached.is_relative_to(tmp_path / "cache" / "ct2")
    assert is_ctranslate2_folder(cached)
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no staging folder left behind

    def no_second_conversion(*args, **kwargs):
        raise AssertionError("the cached export should have been reused")

    monkeypatch.setattr(export, "convert_model", no_second_conversion)
    loader.clear_cache()
    again = loader.load_engine(str(tiny_marian), role="translation", engine="ctranslate2", quantization="float32")
    assert again is not engine and again.folder == cached
    assert again.generate(SENTENCES[:2], GREEDY) == engine.generate(SENTENCES[:2], GREEDY)


def test_hub_id_from_the_local_cache_offline(tiny_marian, tmp_path, monkeypatch):
    """A hub id in the Hugging Face cache converts offline, read from its snapshot folder."""
    import huggingface_hub.constants

    snapshot = tmp_path / "hub" / "models--tiny--marian" / "snapshots" / "0123abcd"
    shutil.copytree(tiny_marian, snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("0123abcd", encoding="utf-8")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))

    engine = loader.load_engine("tiny/marian", role="translation", engine="ctranslate2")
    assert engine.folder == tmp_path / "cache" / "ct2" / "tiny--marian-int8-vocab-en"
    info = json.loads((engine.folder / EXPORT_INFO).read_text(encoding="utf-8"))
    assert info["source_model"] == "tiny/marian" and info["quantization"] == "int8"
    assert len(engine.generate(SENTENCES[:3], GREEDY)) == 3


def _cli(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def test_cli_convert_bad_path_is_one_clear_line(tmp_path, capsys):
    code = _cli(["convert", str(tmp_path / "no-such-model"), str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "no-such-model" in err and "does not exist" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cli_convert_refuses_to_overwrite_without_force(tiny_marian, tmp_path, capsys):
    out = tmp_path / "out"
    assert _cli(["convert", str(tiny_marian), str(out), "--quantization", "float32"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert is_ctranslate2_folder(out)
    assert _cli(["convert", str(tiny_marian), str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert _cli(["convert", str(tiny_marian), str(out), "--force"]) == 0
    assert json.loads((out / EXPORT_INFO).read_text(encoding="utf-8"))["quantization"] == "int8"


def test_converting_an_export_or_an_unknown_hub_id_fails_clearly(exports, tmp_path):
    with pytest.raises(ConversionError, match="already a CTranslate2 export"):
        convert_model(str(exports["marian/float32"]), tmp_path / "again")
    with pytest.raises(ConversionError, match="holds the model"):
        convert_model(str(exports["marian/hf"]), exports["marian/hf"], force=True)
    assert (exports["marian/hf"] / "config.json").is_file()
    with pytest.raises(ModelLoadError, match="HF_HUB_OFFLINE"):
        convert_model("nobody/no-such-model", tmp_path / "hub")


# -- vocabulary restriction (engines/vocabulary.py) ----------------------------------------------
def _inside_allowed_set(source: Path, out: Path, language: str) -> Path:
    """A copy of a tiny Marian whose pieces outside ``language``'s allowed set get a -10,000 logit bias:
    every choice it makes (greedy or beam) lies inside the set, and the rest has probability 0."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from summarizer.engines.vocabulary import piece_allowed, special_tokens

    shutil.copytree(source, out)
    model = AutoModelForSeq2SeqLM.from_pretrained(source)
    tokenizer = AutoTokenizer.from_pretrained(source)
    specials = special_tokens(tokenizer)
    with torch.no_grad():
        for token, i in tokenizer.get_vocab().items():
            if token not in specials and not piece_allowed(token, language):
                model.final_logits_bias[0, i] = -10_000.0
    model.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def restricted(tiny_marian, tiny_mt5, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("vocab")
    inside = _inside_allowed_set(tiny_marian, root / "marian_inside", "en")
    folders = {"marian_inside/hf": inside}
    for name, source, language in (("marian", tiny_marian, "en"), ("mt5", tiny_mt5, "ar"),
                                   ("marian_inside", inside, "en")):
        for quantization in ("float32", "int8"):
            folders[f"{name}/{quantization}"] = convert_model(
                str(source), root / f"{name}-{quantization}", quantization=quantization)
            folders[f"{name}/{quantization}/{language}"] = convert_model(
                str(source), root / f"{name}-{quantization}-{language}", quantization=quantization,
                vocab_restriction=language)
    return folders


def _raw_outputs(engine: CTranslate2Engine, texts: list[str], settings: DecodeSettings) -> list[list[str]]:
    """The token strings CTranslate2 returned for ``texts`` (before decoding)."""
    tokens: list[list[str]] = []
    translate = engine.translator.translate_batch

    def record(*args, **kwargs):
        results = translate(*args, **kwargs)
        tokens.extend(result.hypotheses[0] for result in results)
        return results

    inner = engine.translator
    engine.translator = type("Proxy", (), {"translate_batch": staticmethod(record)})()
    try:
        engine.generate(texts, settings)
    finally:
        engine.translator = inner
    return tokens


@pytest.mark.parametrize(("name", "language"), [("marian", "en"), ("mt5", "ar")])
def test_restricted_export_trims_the_target_and_keeps_the_source(restricted, name, language):
    full, trimmed = restricted[f"{name}/int8"], restricted[f"{name}/int8/{language}"]
    info = json.loads((trimmed / EXPORT_INFO).read_text(encoding="utf-8"))["vocab_restriction"]
    assert info["language"] == language and info["full"] > info["kept"] > 0
    target = json.loads((trimmed / "target_vocabulary.json").read_text(encoding="utf-8"))
    assert len(target) == info["kept"]
    whole = json.loads(next(p for p in (full / "shared_vocabulary.json", full / "target_vocabulary.json")
                            if p.is_file()).read_text(encoding="utf-8"))
    source = json.loads((trimmed / "source_vocabulary.json").read_text(encoding="utf-8"))
    assert source == json.loads(next(p for p in (full / "shared_vocabulary.json", full / "source_vocabulary.json")
                                     if p.is_file()).read_text(encoding="utf-8"))
    assert len(whole) == info["full"] and set(target) < set(whole)
    # The input tokenizes exactly as before: same tokenizer files, same ids, same token strings.
    a, b = CTranslate2Engine.load(full), CTranslate2Engine.load(trimmed)
    assert b.vocab_restriction == info and a.vocab_restriction is None
    assert b.tokenizer(SENTENCES)["input_ids"] == a.tokenizer(SENTENCES)["input_ids"]
    assert b.count_tokens(SENTENCES) == a.count_tokens(SENTENCES)


def test_restriction_is_loaded_and_used(restricted):
    """A random tiny Marian picks Arabic pieces; restricted to English, every output piece is allowed."""
    from summarizer.engines.vocabulary import piece_allowed

    full = CTranslate2Engine.load(restricted["marian/float32"])
    trimmed = CTranslate2Engine.load(restricted["marian/float32/en"])
    kept = set(json.loads((trimmed.folder / "target_vocabulary.json").read_text(encoding="utf-8")))
    unrestricted = [t for tokens in _raw_outputs(full, SENTENCES, GREEDY) for t in tokens]
    assert any(not piece_allowed(t, "en") for t in unrestricted), "the random model should want Arabic pieces"
    for settings in (GREEDY, BEAM):
        tokens = [t for ts in _raw_outputs(trimmed, SENTENCES, settings) for t in ts]
        assert tokens and all(t in kept and piece_allowed(t, "en") for t in tokens)


def test_a_restricted_export_that_lost_its_vocabulary_fails_to_load(restricted, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(restricted["marian/float32/en"], broken)
    shutil.copy(restricted["marian/float32"] / "shared_vocabulary.json", broken / "target_vocabulary.json")
    with pytest.raises(ValueError, match="restricted"):
        CTranslate2Engine.load(broken)


@pytest.mark.parametrize("quantization", ["float32", "int8"])
@pytest.mark.parametrize("settings", [GREEDY, BEAM.but(no_repeat_ngram_size=0), BEAM], ids=["greedy", "beam", "beam-ngram"])
def test_restricted_equals_unrestricted_when_every_choice_is_allowed(restricted, quantization, settings):
    full = CTranslate2Engine.load(restricted[f"marian_inside/{quantization}"])
    trimmed = CTranslate2Engine.load(restricted[f"marian_inside/{quantization}/en"])
    expected = full.generate(SENTENCES, settings)
    assert any(expected)
    assert trimmed.generate(SENTENCES, settings) == expected


def test_restricted_mt5_greedy_equals_unrestricted(restricted):
    """Greedy search picks the same piece whenever the unrestricted choice is in the allowed set."""
    from summarizer.engines.vocabulary import piece_allowed

    settings = GREEDY.but(no_repeat_ngram_size=2)
    full = CTranslate2Engine.load(restricted["mt5/float32"])
    chosen = [t for ts in _raw_outputs(full, SENTENCES, settings) for t in ts]
    assert all(piece_allowed(t, "ar") for t in chosen)  # the tiny mT5's choices lie inside the Arabic set
    trimmed = CTranslate2Engine.load(restricted["mt5/float32/ar"])
    assert trimmed.generate(SENTENCES, settings) == full.generate(SENTENCES, settings)


def test_vocab_restriction_off_is_exactly_the_unrestricted_engine(tiny_marian, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    plain = CTranslate2Engine.load(convert_model(str(tiny_marian), tmp_path / "plain", quantization="int8"))
    off = loader.load_engine(str(tiny_marian), role="translation", engine="ctranslate2", vocab_restriction="off")
    on = loader.load_engine(str(tiny_marian), role="translation", engine="ctranslate2")  # the default
    assert off.vocab_restriction is None and on.vocab_restriction["language"] == "en"
    assert off.folder == export_cache_dir(str(tiny_marian), "int8") != on.folder
    assert on.folder == export_cache_dir(str(tiny_marian), "int8", "en")
    for settings in (GREEDY, BEAM):
        assert off.generate(SENTENCES, settings) == plain.generate(SENTENCES, settings)
    assert loader.load_engine(str(tiny_marian), role="translation", engine="ctranslate2") is on  # cached by setting


def test_pipeline_records_the_restriction(tiny_marian, tiny_mt5, tmp_path, monkeypatch):
    from summarizer.errors import OptionError
    from summarizer.options import Options, add_option_arguments
    from summarizer.pipeline import Pipeline

    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "cache"))
    text = SEEDS[0].read_text(encoding="utf-8")
    on = Pipeline(str(tiny_mt5), str(tiny_marian), engine="ctranslate2",
                  summary_decoding=GREEDY.but(max_new_tokens=8), translation_decoding=GREEDY.but(max_new_tokens=8))
    models = on(text).models
    assert models["summary"]["vocab_restriction"] == models["translation"]["vocab_restriction"] == "on"
    assert "of 400 pieces" in models["translation"]["target_vocabulary"]
    off = Pipeline(str(tiny_mt5), str(tiny_marian), engine="ctranslate2", vocab_restriction="off",
                   summary_decoding=GREEDY.but(max_new_tokens=8), translation_decoding=GREEDY.but(max_new_tokens=8))
    assert off.models["translation"]["vocab_restriction"] == "off"
    with pytest.raises(OptionError, match="vocab_restriction"):
        Pipeline(str(tiny_mt5), str(tiny_marian), vocab_restriction="maybe")
    import argparse

    parser = argparse.ArgumentParser()
    add_option_arguments(parser)
    assert Options.from_args(parser.parse_args([])).load.vocab_restriction == "on"
    assert Options.from_args(parser.parse_args(["--vocab-restriction", "off"])).load.vocab_restriction == "off"


def test_allowed_pieces_by_language():
    from summarizer.engines.vocabulary import char_allowed, piece_allowed

    for piece in ("▁قال", "ات", "▁2024", "،", "▁«", "▁UN", "▁ab", "%", "▁"):
        assert piece_allowed(piece, "ar"), piece
    for piece in ("▁Facebook", "▁Москва", "▁北京"):
        assert not piece_allowed(piece, "ar"), piece
    for piece in ("▁Facebook", "▁Erdoğan", "▁2024", "'s", "—", "▁"):
        assert piece_allowed(piece, "en"), piece
    for piece in ("▁قال", "▁Москва"):
        assert not piece_allowed(piece, "en"), piece
    assert char_allowed("ب", "ar") and not char_allowed("ب", "en") and char_allowed("é", "en")


def test_tokenizer_drops_what_it_only_needed_to_be_built(exports):
    """engines/memory.py: the mT5 tokenizer's (piece, score) list goes; tokenization is unchanged."""
    from transformers import AutoTokenizer

    from summarizer.engines.memory import release_free_memory

    ours = load_tokenizer(exports["mt5/int8"])
    assert "_vocab_scores" not in vars(ours)
    auto = AutoTokenizer.from_pretrained(str(exports["mt5/int8"]))
    assert ours(SENTENCES)["input_ids"] == auto(SENTENCES)["input_ids"]
    ids = auto(SENTENCES[:3])["input_ids"]
    assert ours.batch_decode(ids, skip_special_tokens=True) == auto.batch_decode(ids, skip_special_tokens=True)
    release_free_memory()  # callable any time, a no-op where glibc is missing


def test_cpu_engine_shares_the_cores_unless_given_threads(exports):
    """Default threads on the CPU: half the cores, marked for the pipeline to run both models at once."""
    assert CTranslate2Engine.load(str(exports["marian/int8"])).shares_cores
    assert not CTranslate2Engine.load(str(exports["marian/int8"]), threads=1).shares_cores


def test_loading_leaves_torch_threads_alone(exports):
    """CTranslate2 sets the loading thread's OpenMP threads; torch, already imported, must keep its own."""
    import torch

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        CTranslate2Engine.load(str(exports["marian/int8"]), threads=1)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)
