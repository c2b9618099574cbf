"""Shape-true stand-ins of the default models, for speed measurements without the hub.

The real checkpoints (Helsinki-NLP/opus-mt-ar-en, csebuetnlp/mT5_multilingual_XLSum) cannot be
downloaded here. A stand-in has exactly the published architecture (../shared/reference/models.md):
every dimension, the vocabulary size, the tied (Marian) or untied (mT5) output layer, so the
arithmetic per token is the real one; only the weights are random.

The real vocabularies cannot be downloaded either. Each stand-in gets a sentencepiece model trained
on the seed articles plus the Arabic and English sides of NTREX-128 dev (read from
``../shared/data``, never copied), padded with dummy pieces up to the published vocabulary size, so
that every id a random model emits decodes to text. Dummy pieces are letter strings (Latin for
Marian's shared vocabulary, whose outputs are English; Arabic for mT5, whose outputs are Arabic)
with a score of -1000: sentencepiece never picks them for real text, so the padding does not change
how the seeds are tokenized.

A finished stand-in folder holds ``standin.json`` (parameter count, vocabulary, tokenizer facts),
written last: a folder without it is an interrupted build and is rebuilt.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
NTREX = ROOT.parent / "shared" / "data" / "ntrex128" / "dev.jsonl"
DEFAULT_CACHE = Path("~/.cache/arabic-news-summarizer/standins")
STANDIN_INFO = "standin.json"

# Published shapes (models.md).
MARIAN_PARAMETERS = 76_833_792
MARIAN_VOCAB = 62_834
MT5_PARAMETERS = 582_401_280
MT5_VOCAB = 250_112

SPM_TARGET_PIECES = 16_000  # asked of the trainer; the corpus yields fewer (about 9,600), the rest is padding
DUMMY_SCORE = -1000.0
LATIN = "abcdefghijklmnopqrstuvwxyz"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
SPIECE_UNDERLINE = "▁"


# -- configurations ------------------------------------------------------------------------
def marian_config():
    """Helsinki-NLP/opus-mt-ar-en's config.json, field by field (MarianConfig's defaults differ)."""
    from transformers import MarianConfig

    pad = MARIAN_VOCAB - 1
    return MarianConfig(
        vocab_size=MARIAN_VOCAB, decoder_vocab_size=MARIAN_VOCAB, d_model=512, encoder_layers=6,
        decoder_layers=6, encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048,
        decoder_ffn_dim=2048, max_position_embeddings=512, activation_function="swish", scale_embedding=True,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
    )


def mt5_config():
    """csebuetnlp/mT5_multilingual_XLSum's config.json (mT5-base with an untied output layer)."""
    from transformers import MT5Config

    return MT5Config(
        vocab_size=MT5_VOCAB, d_model=768, d_ff=2048, d_kv=64, num_heads=12, num_layers=12,
        num_decoder_layers=12, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
        relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )


def new_marian(config):
    from transformers import MarianMTModel

    return MarianMTModel(config)


def new_mt5(config):
    """An MT5 model with its own output layer (transformers ties it on a fresh model: untie it)."""
    import torch
    from torch import nn
    from transformers import MT5ForConditionalGeneration

    model = MT5ForConditionalGeneration(config)
    if model.lm_head.weight is model.shared.weight:
        # Values of its own, as in the real checkpoint: transformers 5 re-ties an output layer whose
        # saved values equal the embeddings' on loading, which would drop 192M parameters.
        model.lm_head.weight = nn.Parameter(torch.empty_like(model.shared.weight).normal_(0.0, 1.0))
    model.config.tie_word_embeddings = False
    return model


def count_parameters(model) -> int:
    """Distinct parameters (a tied weight counts once), as the published figures count them."""
    return sum(p.numel() for p in model.parameters())


def meta_parameter_count(kind: str) -> int:
    """Parameters of the stand-in ``kind`` ("marian" or "mt5"), built on the meta device (no memory)."""
    import torch

    config, new = {"marian": (marian_config, new_marian), "mt5": (mt5_config, new_mt5)}[kind]
    with torch.device("meta"):
        return count_parameters(new(config()))


# -- tokenizers ----------------------------------------------------------------------------
def tokenizer_corpus() -> list[str]:
    """Seed articles, plus NTREX-128 dev's Arabic and English sentences when the shared data is there."""
    lines = [p.read_text(encoding="utf-8") for p in SEEDS]
    if NTREX.is_file():
        for line in NTREX.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            lines += [s.strip() for s in document.get("ar", []) + document.get("en", [])]
    return [line for line in lines if line.strip()]


def _train_spm(workdir: Path, **ids) -> Path:
    import sentencepiece as spm

    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(tokenizer_corpus()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(workdir / "trained"), vocab_size=SPM_TARGET_PIECES,
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram", minloglevel=2,
        num_threads=min(os.cpu_count() or 1, 4), **ids,
    )
    corpus.unlink()
    (workdir / "trained.vocab").unlink()
    return workdir / "trained.model"


def _dummy_words(alphabet: str, taken: set[str]) -> Iterator[str]:
    """``▁`` + letter strings of length 3, 4, ... that are not pieces already."""
    for length in itertools.count(3):
        for letters in itertools.product(alphabet, repeat=length):
            piece = SPIECE_UNDERLINE + "".join(letters)
            if piece not in taken:
                yield piece


def _pad_spm(trained: Path, total: int, alphabet: str, out: Path) -> tuple[Path, int]:
    """Write ``trained`` with dummy pieces appended up to ``total`` pieces; returns (path, trained pieces)."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    proto.ParseFromString(trained.read_bytes())
    trained_pieces = len(proto.pieces)
    if trained_pieces > total:
        raise ValueError(f"the trained vocabulary ({trained_pieces}) is larger than the published one ({total})")
    words = _dummy_words(alphabet, {p.piece for p in proto.pieces})
    for _ in range(total - trained_pieces):
        piece = proto.pieces.add()
        piece.piece = next(words)
        piece.score = DUMMY_SCORE
        piece.type = pb.ModelProto.SentencePiece.NORMAL
    out.write_bytes(proto.SerializeToString())
    return out, trained_pieces


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
    out: str | Path, *, force: bool, shape_of: str, vocab_size: int, seed: int,
    fill: Callable[[Path], tuple[object, int, int, int]],
) -> Path:
    """Build a stand-in folder once: ``fill(staging)`` writes tokenizer and weights and returns
    (tokenizer, parameters, trained pieces, dummy pieces); the folder appears complete or not at all."""
    out = Path(out).expanduser()
    if is_built(out) and not force:
        return out
    started = time.perf_counter()
    staging = _staging(out)
    try:
        tokenizer, parameters, trained_pieces, dummy_pieces = fill(staging)
        info = {
            "shape_of": shape_of,
            "parameters": parameters,
            "vocab_size": vocab_size,
            "trained_pieces": trained_pieces,
            "dummy_pieces": dummy_pieces,
            "seed_tokens_per_word": round(tokens_per_word(tokenizer, [p.read_text(encoding="utf-8") for p in SEEDS]), 3),
            "tokenizer_corpus": "seeds + NTREX-128 dev ar/en" if NTREX.is_file() else "seeds",
            "weights": f"random (torch.manual_seed({seed}))",
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        return _finish(staging, out, info)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_marian_standin(out: str | Path, *, seed: int = 0, force: bool = False) -> Path:
    """A Helsinki-NLP/opus-mt-ar-en-shaped MarianMT folder (random weights, padded stand-in vocabulary)."""

    def fill(staging: Path) -> tuple[object, int, int, int]:
        import sentencepiece as spm
        import torch
        from transformers import MarianTokenizer

        trained = _train_spm(staging, pad_id=-1, bos_id=-1, eos_id=1, unk_id=2)
        # vocab.json = the spm pieces (</s> and <unk> first, as in Opus-MT) + <pad> last.
        padded, trained_pieces = _pad_spm(trained, MARIAN_VOCAB - 1, LATIN, staging / "source.spm")
        shutil.copy(padded, staging / "target.spm")
        trained.unlink()
        processor = spm.SentencePieceProcessor(model_file=str(padded))
        vocab = {"</s>": 0, "<unk>": 1}
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
        vocab["<pad>"] = len(vocab)
        if len(vocab) != MARIAN_VOCAB:
            raise AssertionError(f"Marian stand-in vocabulary has {len(vocab)} entries, not {MARIAN_VOCAB}")
        (staging / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        tokenizer = MarianTokenizer(
            source_spm=str(staging / "source.spm"), target_spm=str(staging / "target.spm"),
            vocab=str(staging / "vocab.json"),
        )
        tokenizer.save_pretrained(staging)

        torch.manual_seed(seed)
        model = new_marian(marian_config())
        parameters = count_parameters(model)
        if parameters != MARIAN_PARAMETERS:
            raise AssertionError(f"Marian stand-in has {parameters:,} parameters, not {MARIAN_PARAMETERS:,}")
        pad = MARIAN_VOCAB - 1
        generation = model.generation_config
        generation.num_beams, generation.max_length, generation.bad_words_ids = 4, 512, [[pad]]
        generation.forced_eos_token_id, generation.eos_token_id = 0, 0
        generation.pad_token_id = generation.decoder_start_token_id = pad
        model.save_pretrained(staging)
        return tokenizer, parameters, trained_pieces, MARIAN_VOCAB - 1 - trained_pieces  # <pad> is no piece

    return _build_standin(
        out, force=force, shape_of="Helsinki-NLP/opus-mt-ar-en", vocab_size=MARIAN_VOCAB, seed=seed, fill=fill
    )


def build_mt5_standin(out: str | Path, *, seed: int = 0, force: bool = False) -> Path:
    """A csebuetnlp/mT5_multilingual_XLSum-shaped MT5 folder (2.3 GB in float32: built once, then reused)."""

    def fill(staging: Path) -> tuple[object, int, int, int]:
        import sentencepiece as spm
        import torch
        from transformers import T5Tokenizer

        trained = _train_spm(staging, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
        padded, trained_pieces = _pad_spm(trained, MT5_VOCAB, ARABIC, staging / "spiece.model")
        trained.unlink()
        processor = spm.SentencePieceProcessor(model_file=str(padded))
        pieces = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
        tokenizer = T5Tokenizer(vocab=pieces, extra_ids=0)  # transformers 5 takes (piece, score) pairs
        if len(tokenizer) != MT5_VOCAB:
            raise AssertionError(f"mT5 stand-in tokenizer has {len(tokenizer)} ids, not {MT5_VOCAB}")
        tokenizer.save_pretrained(staging)

        torch.manual_seed(seed)
        model = new_mt5(mt5_config())
        parameters = count_parameters(model)
        if parameters != MT5_PARAMETERS:
            raise AssertionError(f"mT5 stand-in has {parameters:,} parameters, not {MT5_PARAMETERS:,}")
        generation = model.generation_config
        generation.num_beams, generation.max_length = 4, 84
        generation.length_penalty, generation.no_repeat_ngram_size = 0.6, 2
        generation.pad_token_id = generation.decoder_start_token_id = 0
        generation.eos_token_id = 1
        model.save_pretrained(staging)
        return tokenizer, parameters, trained_pieces, MT5_VOCAB - trained_pieces

    return _build_standin(
        out, force=force, shape_of="csebuetnlp/mT5_multilingual_XLSum", vocab_size=MT5_VOCAB, seed=seed, fill=fill
    )



def ensure_standins(cache: str | Path = DEFAULT_CACHE, *, log=print) -> dict[str, Path]:
    """Both stand-ins under ``cache`` (``marian/``, ``mt5/``), built if missing."""
    cache = Path(cache).expanduser()
    folders = {}
    for kind, build in (("marian", build_marian_standin), ("mt5", build_mt5_standin)):
        folder = cache / kind
        if not is_built(folder):
            log(f"building the {kind} stand-in in {folder} (once; later runs reuse it)...")
            build(folder)
        folders[kind] = folder
    return folders


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Build the shape-true stand-in models (random weights).")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help=f"folder to build in (default {DEFAULT_CACHE})")
    parser.add_argument("--count-only", action="store_true", help="print the parameter counts (meta device) and exit")
    args = parser.parse_args(argv)
    for kind, published in (("marian", MARIAN_PARAMETERS), ("mt5", MT5_PARAMETERS)):
        print(f"{kind}: {meta_parameter_count(kind):,} parameters (published {published:,})")
    if args.count_only:
        return 0
    for kind, folder in ensure_standins(args.cache).items():
        print(kind, folder, json.dumps(read_info(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
