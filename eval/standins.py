"""Shape-true stand-ins of the default models and of the translation choices, for speed measurements
without the hub.

The real checkpoints (Helsinki-NLP/opus-mt-ar-en, csebuetnlp/mT5_multilingual_XLSum, and the
translation choices Helsinki-NLP/opus-mt-tc-big-ar-en and facebook/nllb-200-distilled-600M) cannot be
downloaded here. A stand-in has exactly the published architecture (../shared/reference/models.md):
every dimension, the vocabulary size, the tied (Marian) or untied (mT5) output layer, so the
arithmetic per token is the real one; only the weights are random.

The real vocabularies cannot be downloaded either. Each stand-in gets a sentencepiece model trained
on the seed articles plus the Arabic and English sides of NTREX-128 dev (read from the data root,
:func:`eval.data.data_root`, never copied), padded with dummy pieces up to the published vocabulary size, so
that every id a random model emits decodes to text. Dummy pieces are letter strings with a score of
-1000: sentencepiece never picks them for real text, so the padding does not change how the seeds are
tokenized.

Their scripts matter for one thing: a vocabulary restriction by script (summarizer/engines/vocabulary.py)
keeps the pieces of the output language, so the stand-ins' padding imitates the script mix of the real
vocabularies (:data:`MARIAN_PADDING`, :data:`MT5_PADDING`; the layout is part of the folder name):

* Opus-MT's vocab.json joins a source (Arabic) and a target (English) sentencepiece model of similar
  size, so Marian's padding is half Arabic, half Latin.
* mT5's 250,112 pieces cover 101 languages. ASSUMED here (the real vocabulary cannot be read on these
  machines): 7% Arabic-script pieces (Arabic, Persian, Urdu, Pashto, Sindhi write in it), 1.7% short
  Latin pieces of 3 letters, half long Latin pieces and the rest other scripts (Cyrillic stands for
  all of them). ``python -m eval.vocab_coverage --summary-model FOLDER`` counts what the restriction
  keeps of any real vocabulary.

NLLB's stand-in tokenizer is an NllbTokenizer over a BPE sentencepiece model padded to NLLB's
256,000 pieces, with all 202 language codes and <mask> (256,204 ids); its model has NLLB's 256,206
embedding rows, as the real one does.

The building itself (sentencepiece training and padding, tokenizer files, model, decoding defaults)
is :mod:`eval.models`, shared with the tiny test models; this module adds the published sizes, the
checks against the published counts, and the cache. A finished stand-in folder holds
``standin.json`` (parameter count, vocabulary, tokenizer facts), written last: a folder without it
is an interrupted build and is rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from eval.data import NTREX_DEV, add_data_root_option, data_path
from eval.models import (
    ARABIC,
    CYRILLIC,
    LATIN,
    MARIAN_VOCAB,
    MT5_VOCAB,
    NLLB_SPM_PIECES,
    NLLB_VOCAB,
    SEEDS,
    TC_BIG_EOS,
    TC_BIG_VOCAB,
    build_marian,
    build_mt5,
    build_nllb,
    count_parameters,
    marian_config,
    mt5_config,
    new_marian,
    new_mt5,
    new_nllb,
    nllb_config,
    seed_texts,
    tc_big_config,
    train_sentencepiece,
)

__all__ = [
    "ARABIC", "LATIN", "MARIAN_PARAMETERS", "MARIAN_VOCAB", "MT5_PARAMETERS", "MT5_VOCAB", "NLLB_PARAMETERS",
    "SEEDS", "TC_BIG_PARAMETERS", "build_marian_standin", "build_mt5_standin", "build_nllb_standin",
    "build_tc_big_standin", "ensure_choice_standins", "ensure_standins", "is_built", "marian_config",
    "meta_parameter_count", "mt5_config", "new_marian", "new_mt5", "nllb_config", "read_info", "tc_big_config",
    "tokenizer_corpus", "tokens_per_word",
]

DEFAULT_CACHE = Path("~/.cache/arabic-news-summarizer/standins")
STANDIN_INFO = "standin.json"

# Published shapes (models.md); the configurations are eval.models.marian_config / mt5_config.
MARIAN_PARAMETERS = 76_833_792
MT5_PARAMETERS = 582_401_280
TC_BIG_PARAMETERS = 241_030_144  # Helsinki-NLP/opus-mt-tc-big-ar-en (tied embeddings)
NLLB_PARAMETERS = 615_073_792  # facebook/nllb-200-distilled-600M ("600M"; tied embeddings, 256,206 rows)
# quickmt/quickmt-ar-en (CTranslate2-native): its own eole-config.yaml could not be read here, so the shape
# is its siblings' as published: transformer-big (d_model 1024, 16 heads, 4096 FFN, ReLU), 8 encoder and 2
# decoder layers ("185M parameters", quickmt-en-es's card), 20,000-piece vocabularies (quickmt-en-ar's
# eole-model/config.json). Built as a Marian of that shape with one shared 20,000-row embedding (the real
# model has one per side: the same arithmetic per token, fewer parameters here), then converted to int8
# and laid out as quickmt ships it (:func:`quickmt_layout`).
QUICKMT_VOCAB = 20_000
QUICKMT_LAYERS = (8, 2)
QUICKMT_PARAMETERS = 156_940_288

# Padding layouts (eval.models.PaddingLayout): (alphabet, share of the dummy pieces, shortest dummy).
MARIAN_PADDING = ((ARABIC, 0.5, 3), (LATIN, 0.5, 3))
MT5_PADDING = ((ARABIC, 0.07, 3), (LATIN, 0.017, 3), (LATIN, 0.5, 4), (CYRILLIC, 0.413, 3))
PADDING_LAYOUT = "scripts1"  # in the stand-ins' folder names: a new layout never reuses an old build
SPM_TARGET_PIECES = 16_000  # asked of the trainer; the corpus yields fewer (about 9,600), the rest is padding
SPM_PREFIX = "trained"


def meta_parameter_count(kind: str) -> int:
    """Parameters of the stand-in ``kind`` ("marian" or "mt5"), built on the meta device (no memory)."""
    import torch

    config, new = {"marian": (marian_config, new_marian), "mt5": (mt5_config, new_mt5),
                   "tc-big": (tc_big_config, new_marian), "nllb": (nllb_config, new_nllb)}[kind]
    with torch.device("meta"):
        return count_parameters(new(config()))


# -- tokenizers ----------------------------------------------------------------------------
def _ntrex(data_root: str | Path | None) -> Path:
    return data_path(NTREX_DEV, data_root)


def tokenizer_corpus(data_root: str | Path | None = None) -> list[str]:
    """Seed articles, plus NTREX-128 dev's Arabic and English sentences when the data is there
    (under :func:`eval.data.data_root` ``(data_root)``)."""
    lines = seed_texts()
    ntrex = _ntrex(data_root)
    if ntrex.is_file():
        for line in ntrex.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            lines += [s.strip() for s in document.get("ar", []) + document.get("en", [])]
    return [line for line in lines if line.strip()]


def _spm_options() -> dict:
    """How the stand-ins' sentencepiece models are trained (a soft limit: the corpus gives fewer pieces)."""
    return {"spm_prefix": SPM_PREFIX, "hard_vocab_limit": False, "spm_threads": min(os.cpu_count() or 1, 4)}


def _train_spm(workdir: Path, *, data_root: str | Path | None = None, **ids) -> Path:
    """The stand-ins' sentencepiece model, unpadded (``workdir/trained.model``)."""
    options = _spm_options()
    return train_sentencepiece(
        workdir, tokenizer_corpus(data_root), prefix=options["spm_prefix"], vocab_size=SPM_TARGET_PIECES,
        hard_vocab_limit=options["hard_vocab_limit"], num_threads=options["spm_threads"], **ids,
    )


def tokens_per_word(tokenizer, texts: list[str]) -> float:
    """Input tokens (special tokens excluded) per whitespace word."""
    ids = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
    return sum(len(i) for i in ids) / max(sum(len(t.split()) for t in texts), 1)


# -- building ------------------------------------------------------------------------------
def is_built(folder: str | Path) -> bool:
    return (Path(folder) / STANDIN_INFO).is_file()


def read_info(folder: str | Path) -> dict:
    return json.loads((Path(folder) / STANDIN_INFO).read_text(encoding="utf-8"))


def _staging(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))


def _finish(staging: Path, out: Path, info: dict) -> Path:
    (staging / STANDIN_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    os.replace(staging, out)
    return out


def _build_standin(
    out: str | Path, *, force: bool, shape_of: str, vocab_size: int, parameters: int, seed: int,
    data_root: str | Path | None, build: Callable[[Path, list[str]], object], tokenizer_size: int | None = None,
) -> Path:
    """Build a stand-in folder once: ``build(staging, corpus)`` (eval.models.build_marian, build_mt5 or
    build_nllb with the published shape) writes tokenizer and weights; the folder appears complete or not
    at all. ``tokenizer_size``: the tokenizer's length when it is not ``vocab_size`` (NLLB: 2 fewer)."""
    out = Path(out).expanduser()
    if is_built(out) and not force:
        return out
    started = time.perf_counter()
    staging = _staging(out)
    try:
        built = build(staging, tokenizer_corpus(data_root))
        vocab = len(built.tokenizer)
        if vocab != (tokenizer_size or vocab_size):
            raise AssertionError(f"{shape_of} stand-in tokenizer has {vocab} ids, not {tokenizer_size or vocab_size}")
        if built.model.config.vocab_size != vocab_size:
            raise AssertionError(f"{shape_of} stand-in has {built.model.config.vocab_size} rows, not {vocab_size}")
        counted = count_parameters(built.model)
        if counted != parameters:
            raise AssertionError(f"{shape_of} stand-in has {counted:,} parameters, not {parameters:,}")
        info = {
            "shape_of": shape_of,
            "parameters": counted,
            "vocab_size": vocab_size,
            "trained_pieces": built.trained_pieces,
            "dummy_pieces": built.dummy_pieces,
            "padding_layout": PADDING_LAYOUT,
            "seed_tokens_per_word": round(tokens_per_word(built.tokenizer, seed_texts()), 3),
            "tokenizer_corpus": "seeds + NTREX-128 dev ar/en" if _ntrex(data_root).is_file() else "seeds",
            "weights": f"random (torch.manual_seed({seed}))",
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        del built
        return _finish(staging, out, info)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_marian_standin(
    out: str | Path, *, seed: int = 0, force: bool = False, data_root: str | Path | None = None
) -> Path:
    """A Helsinki-NLP/opus-mt-ar-en-shaped MarianMT folder (random weights, padded stand-in vocabulary)."""

    def build(staging: Path, corpus: list[str]):
        # vocab.json = the spm pieces (</s> and <unk> first, as in Opus-MT) + <pad> last.
        return build_marian(staging, corpus, pieces=SPM_TARGET_PIECES, seed=seed, pad_pieces_to=MARIAN_VOCAB - 1,
                            padding=MARIAN_PADDING, **_spm_options())

    return _build_standin(
        out, force=force, shape_of="Helsinki-NLP/opus-mt-ar-en", vocab_size=MARIAN_VOCAB,
        parameters=MARIAN_PARAMETERS, seed=seed, data_root=data_root, build=build,
    )


def build_mt5_standin(
    out: str | Path, *, seed: int = 0, force: bool = False, data_root: str | Path | None = None
) -> Path:
    """A csebuetnlp/mT5_multilingual_XLSum-shaped MT5 folder (2.3 GB in float32: built once, then reused)."""

    def build(staging: Path, corpus: list[str]):
        return build_mt5(staging, corpus, pieces=SPM_TARGET_PIECES, seed=seed, pad_pieces_to=MT5_VOCAB,
                         padding=MT5_PADDING, **_spm_options())

    return _build_standin(
        out, force=force, shape_of="csebuetnlp/mT5_multilingual_XLSum", vocab_size=MT5_VOCAB,
        parameters=MT5_PARAMETERS, seed=seed, data_root=data_root, build=build,
    )


def build_tc_big_standin(
    out: str | Path, *, seed: int = 0, force: bool = False, data_root: str | Path | None = None
) -> Path:
    """A Helsinki-NLP/opus-mt-tc-big-ar-en-shaped MarianMT folder: transformer-big, ReLU, 1024 positions,
    </s> at id 25894 and <pad> last, as in its vocab.json (random weights, padded stand-in vocabulary). Its
    vocabulary, like opus-mt-ar-en's, joins an Arabic and an English SentencePiece model, so it is padded in
    the same script mix (``MARIAN_PADDING``: half Arabic, half Latin): the vocabulary restriction keeps about
    half of it, as it would of the real one."""

    def build(staging: Path, corpus: list[str]):
        return build_marian(staging, corpus, pieces=SPM_TARGET_PIECES, seed=seed, pad_pieces_to=TC_BIG_VOCAB - 1,
                            eos_at=TC_BIG_EOS, big=True, padding=MARIAN_PADDING, **_spm_options())

    return _build_standin(
        out, force=force, shape_of="Helsinki-NLP/opus-mt-tc-big-ar-en", vocab_size=TC_BIG_VOCAB,
        parameters=TC_BIG_PARAMETERS, seed=seed, data_root=data_root, build=build,
    )


def build_nllb_standin(
    out: str | Path, *, seed: int = 0, force: bool = False, data_root: str | Path | None = None
) -> Path:
    """A facebook/nllb-200-distilled-600M-shaped M2M100 folder with an NllbTokenizer (2.5 GB in float32)."""
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    def build(staging: Path, corpus: list[str]):
        return build_nllb(staging, corpus, pieces=SPM_TARGET_PIECES, seed=seed, pad_pieces_to=NLLB_SPM_PIECES,
                          language_codes=FAIRSEQ_LANGUAGE_CODES, vocab_size=NLLB_VOCAB, **_spm_options())

    # the tokenizer: <s> <pad> </s> <unk>, the 255,997 other pieces, <mask> and 202 language codes
    tokenizer_size = 4 + (NLLB_SPM_PIECES - 3) + 1 + len(FAIRSEQ_LANGUAGE_CODES)
    return _build_standin(
        out, force=force, shape_of="facebook/nllb-200-distilled-600M", vocab_size=NLLB_VOCAB,
        parameters=NLLB_PARAMETERS, seed=seed, data_root=data_root, build=build, tokenizer_size=tokenizer_size,
    )


def build_quickmt_standin(
    out: str | Path, *, seed: int = 0, force: bool = False, data_root: str | Path | None = None
) -> Path:
    """A quickmt/quickmt-ar-en-shaped model in Hugging Face format (see :data:`QUICKMT_PARAMETERS`); its
    CTranslate2-native folder is :func:`ensure_quickmt_native`'s."""
    import dataclasses

    encoder_layers, decoder_layers = QUICKMT_LAYERS

    def build(staging: Path, corpus: list[str]):
        built = build_marian(staging, corpus, pieces=SPM_TARGET_PIECES, seed=seed, pad_pieces_to=QUICKMT_VOCAB - 1,
                             big=True, layers=encoder_layers, **_spm_options())
        model = built.model  # marian_config gives both stacks one depth: keep the decoder's first layers
        model.model.decoder.layers = model.model.decoder.layers[:decoder_layers]
        model.config.decoder_layers = decoder_layers
        model.save_pretrained(staging)
        return dataclasses.replace(built, model=model)

    return _build_standin(
        out, force=force, shape_of="quickmt/quickmt-ar-en (its siblings' published shape)", vocab_size=QUICKMT_VOCAB,
        parameters=QUICKMT_PARAMETERS, seed=seed, data_root=data_root, build=build,
    )


def quickmt_layout(hf: str | Path, export: str | Path, out: str | Path) -> Path:
    """A CTranslate2 export of a Marian (``export``, from ``hf``) laid out as quickmt ships its models:
    model.bin, CTranslate2's config.json (asking CTranslate2 to end each source with </s>, as Marian's
    tokenizer does), source_ and target_vocabulary.json, src.spm.model and tgt.spm.model; nothing else."""
    hf, export, out = Path(hf), Path(export), Path(out)
    out.mkdir(parents=True)
    shutil.copy2(export / "model.bin", out / "model.bin")
    config = json.loads((export / "config.json").read_text(encoding="utf-8"))
    (out / "config.json").write_text(json.dumps({**config, "add_source_eos": True}), encoding="utf-8")
    vocabulary = (export / "shared_vocabulary.json").read_text(encoding="utf-8")
    for side in ("source", "target"):
        (out / f"{side}_vocabulary.json").write_text(vocabulary, encoding="utf-8")
    shutil.copy2(hf / "source.spm", out / "src.spm.model")
    shutil.copy2(hf / "target.spm", out / "tgt.spm.model")
    return out


def ensure_quickmt_native(cache: str | Path = DEFAULT_CACHE, *, log=print, data_root: str | Path | None = None) -> Path:
    """The quickmt stand-in as a CTranslate2-native int8 folder under ``cache`` (built once)."""
    from summarizer.engines.export import convert_model

    cache = Path(cache).expanduser()
    native = cache / "quickmt-native-int8"
    if (native / "tgt.spm.model").is_file():
        return native
    hf = cache / "quickmt"
    if not is_built(hf):
        log(f"building the quickmt stand-in in {hf} (once; later runs reuse it)...")
        build_quickmt_standin(hf, data_root=data_root)
    staging = _staging(native)
    try:
        export = convert_model(str(hf), staging / "export", quantization="int8")
        quickmt_layout(hf, export, staging / "native")
        os.replace(staging / "native", native)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return native


# translation choice (summarizer.choices.TRANSLATION_MODELS) -> (cache folder, builder)
CHOICE_STANDINS = {"fast": ("marian", build_marian_standin),
                   "best": (f"tc-big-{PADDING_LAYOUT}", build_tc_big_standin),
                   "nllb-600m": ("nllb", build_nllb_standin)}


def ensure_choice_standins(
    choices, cache: str | Path = DEFAULT_CACHE, *, log=print, data_root: str | Path | None = None
) -> dict[str, Path]:
    """The stand-ins of the named translation ``choices`` under ``cache``, built if missing."""
    cache = Path(cache).expanduser()
    folders = {}
    for choice in choices:
        kind, build = CHOICE_STANDINS[choice]
        folder = cache / kind
        if not is_built(folder):
            log(f"building the {kind} stand-in in {folder} (once; later runs reuse it)...")
            build(folder, data_root=data_root)
        folders[choice] = folder
    return folders


def ensure_standins(
    cache: str | Path = DEFAULT_CACHE, *, log=print, data_root: str | Path | None = None
) -> dict[str, Path]:
    """Both stand-ins under ``cache`` (``marian-<layout>/``, ``mt5-<layout>/``), built if missing (tokenizers trained on
    the seeds and, when present under ``data_root``, NTREX-128 dev; see :func:`eval.data.data_root`)."""
    cache = Path(cache).expanduser()
    folders = {}
    for kind, build in (("marian", build_marian_standin), ("mt5", build_mt5_standin)):
        folder = cache / f"{kind}-{PADDING_LAYOUT}"
        if not is_built(folder):
            log(f"building the {kind} stand-in in {folder} (once; later runs reuse it)...")
            build(folder, data_root=data_root)
        folders[kind] = folder
    return folders


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m eval.standins", description="Build the shape-true stand-in models (random weights).")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help=f"folder to build in (default {DEFAULT_CACHE})")
    parser.add_argument("--count-only", action="store_true", help="print the parameter counts (meta device) and exit")
    parser.add_argument("--choices", action="store_true",
                        help="also build the translation choices' stand-ins (tc-big 1 GB, NLLB-600M 2.5 GB)")
    add_data_root_option(parser)
    args = parser.parse_args(argv)
    for kind, published in (("marian", MARIAN_PARAMETERS), ("mt5", MT5_PARAMETERS), ("tc-big", TC_BIG_PARAMETERS),
                            ("nllb", NLLB_PARAMETERS)):
        print(f"{kind}: {meta_parameter_count(kind):,} parameters (published {published:,})")
    if args.count_only:
        return 0
    folders = ensure_standins(args.cache, data_root=args.data_root)
    if args.choices:
        folders.update(ensure_choice_standins(CHOICE_STANDINS, args.cache, data_root=args.data_root))
    for kind, folder in folders.items():
        print(kind, folder, json.dumps(read_info(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
