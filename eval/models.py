"""Random-weight MarianMT, MT5 and NLLB (M2M100) folders built from scratch: one builder for every size.

Two users, one code path:

* the shape-true stand-ins of the default models (:mod:`eval.standins`: the published
  configurations, sentencepiece vocabularies padded to the published sizes), for speed runs;
* the tiny models of the tests and of ``python -m eval.speed --tiny`` (:func:`build_tiny_marian`,
  :func:`build_tiny_mt5`: the same architectures at toy sizes, a 400-piece vocabulary).

A build trains a sentencepiece model on a corpus (the seed articles, plus more text for the
stand-ins), optionally pads it with dummy pieces, writes the Hugging Face tokenizer files, builds the
model from its configuration with ``torch.manual_seed(seed)``, sets the published decoding defaults
(4 beams; Marian: 512 tokens, <pad> banned; mT5: 84 tokens, length penalty 0.6, no repeated
bigram) and saves everything. Weights are random: outputs are gibberish, so users measure speed,
structure and equivalences, never text. The same arguments give the same files, byte for byte.

Architectures: Marian with swish, scaled and tied embeddings (Opus-MT); Marian with ReLU and the
transformer-big fields (Opus-MT tc-big: positions up to 1024, </s> in the middle of the vocabulary,
renormalised logits); MT5 with gated-GELU and an untied output layer (mT5_multilingual_XLSum); M2M100
with ReLU, pre-norm layers and an NLLB tokenizer (a sentencepiece BPE model, the fairseq id layout,
language codes such as ``arb_Arab`` / ``eng_Latn`` as added special tokens: NLLB-200).
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

# Published vocabulary sizes (Helsinki-NLP/opus-mt-ar-en, csebuetnlp/mT5_multilingual_XLSum,
# Helsinki-NLP/opus-mt-tc-big-ar-en, facebook/nllb-200-distilled-600M).
MARIAN_VOCAB = 62_834
MT5_VOCAB = 250_112
TC_BIG_VOCAB = 61_109
TC_BIG_EOS = 25_894  # </s> sits here in tc-big's vocab.json (its config's eos_token_id); <pad> is last
NLLB_VOCAB = 256_206
NLLB_SPM_PIECES = 256_000  # NLLB's sentencepiece model; the tokenizer adds 202 language codes and <mask>
NLLB_SOURCE, NLLB_TARGET = "arb_Arab", "eng_Latn"

# Dummy pieces that pad a trained vocabulary: letter strings, never chosen for real text.
DUMMY_SCORE = -1000.0
LATIN = "abcdefghijklmnopqrstuvwxyz"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюя"  # stands for the scripts neither output language writes
SPIECE_UNDERLINE = "▁"

# A padding layout: (alphabet, share of the dummy pieces, shortest dummy in letters), the last one
# taking the rest. One alphabet of 3+ letters is the plain padding.
PaddingLayout = Sequence[tuple[str, float, int]]

# Special ids of the two sentencepiece layouts: Opus-MT (</s> = 1 in the spm model; vocab.json then
# puts </s> first and <pad> last) and mT5 (<pad> 0, </s> 1, <unk> 2).
MARIAN_SPM_IDS = {"pad_id": -1, "bos_id": -1, "eos_id": 1, "unk_id": 2}
MT5_SPM_IDS = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}
# NLLB's (fairseq) sentencepiece layout: <unk> 0, <s> 1, </s> 2; the tokenizer then puts <s> <pad> </s> <unk>
# first and every other piece one id up.
NLLB_SPM_IDS = {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1}

# The tiny test models: toy sizes of the same architectures.
TINY_PIECES = 400
TINY_MARIAN = {"d_model": 32, "layers": 2, "attention_heads": 2, "ffn_dim": 64, "init_std": 0.2}
TINY_MT5 = {"d_model": 32, "d_ff": 64, "d_kv": 8, "num_heads": 2, "num_layers": 2, "initializer_factor": 4.0}
TINY_NLLB = {"d_model": 32, "layers": 2, "attention_heads": 2, "ffn_dim": 64, "init_std": 0.2}
TINY_MARIAN_BIG_EOS = 150  # </s> mid-vocabulary, as in tc-big (never id 0)
TINY_ENGLISH = """The minister said the talks in Geneva would resume in the coming days.
Russia and the United States agreed to extend the ceasefire in Syria.
The envoy called on all parties to respect the truce and return to negotiations.
Fighting continued around Aleppo, where dozens of civilians were killed this week.
Officials met on Tuesday to discuss a new monitoring centre for the ceasefire."""


@dataclass
class Built:
    """What a build produced, besides the files in its folder."""

    folder: Path
    tokenizer: object
    model: object
    trained_pieces: int  # pieces sentencepiece learned
    dummy_pieces: int  # pieces added to reach the requested vocabulary size


def seed_texts() -> list[str]:
    """The seed articles, one string each."""
    return [p.read_text(encoding="utf-8") for p in SEEDS]


# -- configurations ------------------------------------------------------------------------
def marian_config(
    vocab_size: int = MARIAN_VOCAB, *, d_model: int = 512, layers: int = 6, attention_heads: int = 8,
    ffn_dim: int = 2048, max_positions: int = 512, activation: str = "swish", eos: int = 0, **extra,
):
    """A MarianConfig; the defaults are Helsinki-NLP/opus-mt-ar-en's config.json, field by field
    (MarianConfig's own defaults differ). <pad> is the last id and starts decoding; </s> is ``eos``."""
    from transformers import MarianConfig

    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=d_model, encoder_layers=layers,
        decoder_layers=layers, encoder_attention_heads=attention_heads, decoder_attention_heads=attention_heads,
        encoder_ffn_dim=ffn_dim, decoder_ffn_dim=ffn_dim, max_position_embeddings=max_positions,
        activation_function=activation, scale_embedding=True, pad_token_id=pad, decoder_start_token_id=pad,
        eos_token_id=eos, forced_eos_token_id=eos, share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
        **extra,
    )


def tc_big_config(vocab_size: int = TC_BIG_VOCAB, *, eos: int = TC_BIG_EOS, **sizes):
    """Helsinki-NLP/opus-mt-tc-big-ar-en's MarianConfig: transformer-big (d_model 1024, 16 heads, 4096 FFN,
    6+6 layers), ReLU, positions up to 1024, </s> at ``eos``, <pad> last. ``sizes`` override dimensions."""
    shape = {"d_model": 1024, "layers": 6, "attention_heads": 16, "ffn_dim": 4096, "max_positions": 1024, **sizes}
    return marian_config(vocab_size, activation="relu", eos=eos, **shape)


def nllb_config(
    vocab_size: int = NLLB_VOCAB, *, d_model: int = 1024, layers: int = 12, attention_heads: int = 16,
    ffn_dim: int = 4096, max_positions: int = 1024, **extra,
):
    """An M2M100Config; the defaults are facebook/nllb-200-distilled-600M's config.json (ReLU, scaled
    embeddings, <s> 0, <pad> 1, </s> 2 = the decoder start)."""
    from transformers import M2M100Config

    return M2M100Config(
        vocab_size=vocab_size, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=attention_heads, decoder_attention_heads=attention_heads,
        encoder_ffn_dim=ffn_dim, decoder_ffn_dim=ffn_dim, max_position_embeddings=max_positions,
        activation_function="relu", scale_embedding=True, bos_token_id=0, pad_token_id=1, eos_token_id=2,
        decoder_start_token_id=2, tokenizer_class="NllbTokenizer", **extra,
    )


def mt5_config(
    vocab_size: int = MT5_VOCAB, *, d_model: int = 768, d_ff: int = 2048, d_kv: int = 64, num_heads: int = 12,
    num_layers: int = 12, **extra,
):
    """An MT5Config; the defaults are csebuetnlp/mT5_multilingual_XLSum's config.json (mT5-base with an
    untied output layer)."""
    from transformers import MT5Config

    return MT5Config(
        vocab_size=vocab_size, d_model=d_model, d_ff=d_ff, d_kv=d_kv, num_heads=num_heads, num_layers=num_layers,
        num_decoder_layers=num_layers, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
        relative_attention_num_buckets=32, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, **extra,
    )


# -- models --------------------------------------------------------------------------------
def new_marian(config, *, eos_bias: float = 0.0):
    """A MarianMTModel of ``config`` (random weights from torch's current seed).

    A random model rarely emits EOS, so it decodes to the length limit; ``eos_bias`` (added to the
    EOS logit) makes it stop after a few tokens like a trained model.
    """
    from transformers import MarianMTModel

    model = MarianMTModel(config)
    if eos_bias:
        model.final_logits_bias[0, config.eos_token_id] = eos_bias
    return model


def new_mt5(config, *, output_scale: float | None = None, mute: bool = False):
    """An MT5 model with its own output layer (random weights from torch's current seed).

    transformers ties the output layer to the embeddings on a fresh model. By default it gets values
    of its own, N(0, 1), as in the real checkpoint (transformers 5 re-ties an output layer whose saved
    values equal the embeddings' on loading, which would drop 192M parameters). ``output_scale``
    (the tiny models): the embeddings times ``output_scale`` instead, with the pad/eos/unk rows
    zeroed, which keeps a random model from stopping at once or emitting nothing.

    ``mute``: the decoder's final norm is zeroed, so every logit is 0 and greedy search takes the
    lowest ids, <pad> then </s>: the model only emits special tokens, which decode to nothing.
    """
    import torch
    from torch import nn
    from transformers import MT5ForConditionalGeneration

    model = MT5ForConditionalGeneration(config)
    if output_scale is not None:
        output_layer = model.shared.weight.detach().clone() * output_scale
        output_layer[:3] = 0.0
        model.lm_head.weight = nn.Parameter(output_layer)
    elif model.lm_head.weight is model.shared.weight:
        model.lm_head.weight = nn.Parameter(torch.empty_like(model.shared.weight).normal_(0.0, 1.0))
    model.config.tie_word_embeddings = False
    if mute:
        with torch.no_grad():
            model.decoder.final_layer_norm.weight.zero_()
    return model


def new_nllb(config, *, eos_bias: float = 0.0):
    """An M2M100ForConditionalGeneration of ``config`` (random weights from torch's current seed), its output
    layer tied to the embeddings as in NLLB.

    ``eos_bias`` as in :func:`new_marian`. M2M100 has no logits bias, so the decoder's final layer norm gets
    a bias vector b and the EOS row of the (tied) embeddings gets ``eos_bias * b / |b|^2`` added: the EOS
    logit rises by about ``eos_bias`` at every step (the row is also </s>'s input embedding: harmless here).
    """
    import torch
    from transformers import M2M100ForConditionalGeneration

    model = M2M100ForConditionalGeneration(config)
    if eos_bias:
        with torch.no_grad():
            bias = torch.randn(config.d_model)
            model.model.decoder.layer_norm.bias.copy_(bias)
            model.model.shared.weight[config.eos_token_id] += eos_bias * bias / bias.dot(bias)
    return model


def count_parameters(model) -> int:
    """Distinct parameters (a tied weight counts once), as the published figures count them."""
    return sum(p.numel() for p in model.parameters())


def set_marian_generation(model, *, renormalize: bool = False) -> None:
    """Opus-MT's decoding defaults: 4 beams, 512 tokens, <pad> never generated (tc-big: logits renormalised)."""
    pad = model.config.pad_token_id
    generation = model.generation_config
    generation.num_beams, generation.max_length, generation.bad_words_ids = 4, 512, [[pad]]
    if renormalize:
        generation.renormalize_logits = True
    generation.forced_eos_token_id = generation.eos_token_id = model.config.eos_token_id
    generation.pad_token_id = generation.decoder_start_token_id = pad


def set_nllb_generation(model) -> None:
    """facebook/nllb-200-distilled-600M's decoding defaults (its generation_config.json: 200 tokens; the
    target language is forced by the caller, per request)."""
    config, generation = model.config, model.generation_config
    generation.max_length = 200
    generation.bos_token_id, generation.pad_token_id = config.bos_token_id, config.pad_token_id
    generation.eos_token_id = generation.decoder_start_token_id = config.eos_token_id


def set_mt5_generation(model) -> None:
    """mT5_multilingual_XLSum's decoding defaults: 4 beams, 84 tokens, length penalty 0.6, no repeated bigram."""
    generation = model.generation_config
    generation.num_beams, generation.max_length = 4, 84
    generation.length_penalty, generation.no_repeat_ngram_size = 0.6, 2
    generation.pad_token_id = generation.decoder_start_token_id = model.config.pad_token_id
    generation.eos_token_id = model.config.eos_token_id


# -- sentencepiece ---------------------------------------------------------------------------
def train_sentencepiece(
    workdir: Path, corpus: Sequence[str], *, prefix: str, vocab_size: int, hard_vocab_limit: bool = True,
    num_threads: int = 1, model_type: str = "unigram", **ids,
) -> Path:
    """Train a sentencepiece model (``model_type`` unigram, or bpe as NLLB's) on ``corpus`` (texts, written one
    after the other) in ``workdir``; returns ``workdir/<prefix>.model`` (the corpus file and ``.vocab`` are removed).

    ``ids``: the special ids (``pad_id``, ``bos_id``, ``eos_id``, ``unk_id``), e.g. :data:`MT5_SPM_IDS`.
    ``hard_vocab_limit=False`` lets a small corpus yield fewer pieces than ``vocab_size``.
    """
    import sentencepiece as spm

    workdir.mkdir(parents=True, exist_ok=True)
    corpus_file = workdir / "corpus.txt"
    corpus_file.write_text("\n".join(corpus) + "\n", encoding="utf-8")
    if not hard_vocab_limit:  # named only when off: the trainer writes its options into the model file
        ids = {**ids, "hard_vocab_limit": False}
    spm.SentencePieceTrainer.train(
        input=str(corpus_file), model_prefix=str(workdir / prefix), vocab_size=vocab_size, character_coverage=1.0,
        model_type=model_type, minloglevel=2, num_threads=num_threads, **ids,
    )
    corpus_file.unlink()
    (workdir / f"{prefix}.vocab").unlink()
    return workdir / f"{prefix}.model"


def _dummy_words(alphabet: str, taken: set[str], shortest: int = 3) -> Iterator[str]:
    """``▁`` + letter strings of length ``shortest``, ``shortest + 1``, ... that are not pieces already."""
    for length in itertools.count(shortest):
        for letters in itertools.product(alphabet, repeat=length):
            piece = SPIECE_UNDERLINE + "".join(letters)
            if piece not in taken:
                yield piece


def pad_sentencepiece(trained: Path, total: int, alphabet: str | PaddingLayout, out: Path) -> tuple[Path, int]:
    """Write ``trained`` with dummy pieces appended up to ``total`` pieces; returns (path, trained pieces).

    Dummy pieces are ``▁`` + strings of ``alphabet`` with a score of -1000: sentencepiece never picks
    them for real text, so the padding does not change how text is tokenized, and every id decodes.
    ``alphabet`` may be a :data:`PaddingLayout` instead, to give the padding the script mix of a
    multilingual vocabulary (what a vocabulary restriction by script keeps depends on it).
    """
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    proto.ParseFromString(trained.read_bytes())
    trained_pieces = len(proto.pieces)
    if trained_pieces > total:
        raise ValueError(f"the trained vocabulary ({trained_pieces}) is larger than the requested one ({total})")
    taken = {p.piece for p in proto.pieces}
    layout = [(alphabet, 1.0, 3)] if isinstance(alphabet, str) else list(alphabet)
    missing = total - trained_pieces
    counts = [round(share * missing) for _, share, _ in layout[:-1]]
    counts.append(missing - sum(counts))
    for (letters, _, shortest), count in zip(layout, counts, strict=True):
        words = _dummy_words(letters, taken, shortest)
        for _ in range(count):
            piece = proto.pieces.add()
            piece.piece = next(words)
            piece.score = DUMMY_SCORE
            piece.type = pb.ModelProto.SentencePiece.NORMAL
    out.write_bytes(proto.SerializeToString())
    return out, trained_pieces


def _spm_model(
    folder: Path, corpus: Sequence[str], target: Path, *, pieces: int, prefix: str, pad_to: int | None,
    alphabet: str | PaddingLayout, hard_vocab_limit: bool, num_threads: int, ids: dict, model_type: str = "unigram",
) -> tuple[int, int]:
    """Train (and pad) the sentencepiece model into ``target``; returns (trained pieces, dummy pieces)."""
    trained = train_sentencepiece(folder, corpus, prefix=prefix, vocab_size=pieces, hard_vocab_limit=hard_vocab_limit,
                                  num_threads=num_threads, model_type=model_type, **ids)
    if pad_to is not None:
        _, trained_pieces = pad_sentencepiece(trained, pad_to, alphabet, target)
    else:
        import sentencepiece as spm

        trained_pieces = spm.SentencePieceProcessor(model_file=str(trained)).get_piece_size()
        if trained != target:
            shutil.copy(trained, target)
    if trained != target:
        trained.unlink()
    return trained_pieces, (pad_to - trained_pieces if pad_to is not None else 0)


# -- builders --------------------------------------------------------------------------------
def build_marian(
    out: str | Path, corpus: Sequence[str], *, pieces: int, seed: int = 0, eos_bias: float = 0.0,
    pad_pieces_to: int | None = None, spm_prefix: str = "spm", hard_vocab_limit: bool = True,
    spm_threads: int = 1, eos_at: int = 0, big: bool = False, padding: str | PaddingLayout = LATIN, **sizes,
) -> Built:
    """A MarianMT folder in Hugging Face format (source.spm, target.spm, vocab.json, weights).

    The sentencepiece model (``pieces`` asked of the trainer, padded with dummy pieces of ``padding``,
    Latin by default, to ``pad_pieces_to`` if given) is shared by source and target, as in Opus-MT;
    vocab.json holds </s> and <unk> first, the pieces, then <pad> last; ``eos_at`` moves </s> to that
    id (tc-big's 25894). ``big``: the tc-big configuration (:func:`tc_big_config`: ReLU, 1024
    positions, renormalised logits) instead of opus-mt-ar-en's. ``sizes``: :func:`marian_config` keywords
    (dimensions; the default is the published shape).
    """
    import sentencepiece as spm
    from transformers import MarianTokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    source = out / "source.spm"
    trained_pieces, dummy_pieces = _spm_model(
        out, corpus, source, pieces=pieces, prefix=spm_prefix, pad_to=pad_pieces_to, alphabet=padding,
        hard_vocab_limit=hard_vocab_limit, num_threads=spm_threads, ids=MARIAN_SPM_IDS,
    )
    shutil.copy(source, out / "target.spm")
    processor = spm.SentencePieceProcessor(model_file=str(source))
    tokens = list(dict.fromkeys(["</s>", "<unk>", *map(processor.id_to_piece, range(processor.get_piece_size()))]))
    tokens.insert(eos_at, tokens.pop(0))
    vocab = {token: i for i, token in enumerate([*tokens, "<pad>"])}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(source), target_spm=str(out / "target.spm"),
                                vocab=str(out / "vocab.json"))
    tokenizer.save_pretrained(out)

    import torch

    torch.manual_seed(seed)
    config = tc_big_config(len(vocab), eos=eos_at, **sizes) if big else marian_config(len(vocab), eos=eos_at, **sizes)
    model = new_marian(config, eos_bias=eos_bias)
    set_marian_generation(model, renormalize=big)
    model.save_pretrained(out)
    return Built(out, tokenizer, model, trained_pieces, dummy_pieces)


def build_mt5(
    out: str | Path, corpus: Sequence[str], *, pieces: int, seed: int = 0, output_scale: float | None = None,
    mute: bool = False, pad_pieces_to: int | None = None, spm_prefix: str = "spiece", hard_vocab_limit: bool = True,
    spm_threads: int = 1, padding: str | PaddingLayout = ARABIC, **sizes,
) -> Built:
    """An MT5 folder in Hugging Face format (spiece.model, tokenizer files, weights), untied output layer.

    The sentencepiece model (``pieces`` asked of the trainer, padded with dummy pieces of ``padding``,
    Arabic by default, to ``pad_pieces_to`` if given) becomes a T5 tokenizer without extra ids. ``output_scale`` and
    ``mute``: see :func:`new_mt5`. ``sizes``: :func:`mt5_config` keywords (default: the published shape).
    """
    import sentencepiece as spm
    from transformers import T5Tokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "spiece.model"
    trained_pieces, dummy_pieces = _spm_model(
        out, corpus, target, pieces=pieces, prefix=spm_prefix, pad_to=pad_pieces_to, alphabet=padding,
        hard_vocab_limit=hard_vocab_limit, num_threads=spm_threads, ids=MT5_SPM_IDS,
    )
    processor = spm.SentencePieceProcessor(model_file=str(target))
    pieces_and_scores = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=pieces_and_scores, extra_ids=0)  # transformers 5 takes (piece, score) pairs
    tokenizer.save_pretrained(out)

    import torch

    torch.manual_seed(seed)
    model = new_mt5(mt5_config(len(tokenizer), **sizes), output_scale=output_scale, mute=mute)
    set_mt5_generation(model)
    model.save_pretrained(out)
    return Built(out, tokenizer, model, trained_pieces, dummy_pieces)


def build_nllb(
    out: str | Path, corpus: Sequence[str], *, pieces: int, seed: int = 0, eos_bias: float = 0.0,
    pad_pieces_to: int | None = None, language_codes: Sequence[str] = (NLLB_SOURCE, NLLB_TARGET),
    vocab_size: int | None = None, spm_prefix: str = "sentencepiece.bpe", hard_vocab_limit: bool = True,
    spm_threads: int = 1, **sizes,
) -> Built:
    """An NLLB folder in Hugging Face format: an M2M100 model and an ``NllbTokenizer``.

    The tokenizer is built by transformers from a sentencepiece BPE model (``sentencepiece.bpe.model``,
    ``pieces`` asked of the trainer, padded with Latin dummy pieces to ``pad_pieces_to`` if given), with
    NLLB's id layout (<s> <pad> </s> <unk>, then the pieces) and ``language_codes`` as added special tokens
    (the source code ``arb_Arab`` is what the tokenizer prepends). ``vocab_size``: the model's (default: the
    tokenizer's length; NLLB-200's is 2 more). ``sizes``: :func:`nllb_config` keywords (default: the
    published shape).
    """
    from transformers import NllbTokenizer

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "sentencepiece.bpe.model"
    trained_pieces, dummy_pieces = _spm_model(
        out, corpus, target, pieces=pieces, prefix=spm_prefix + ".trained", pad_to=pad_pieces_to, alphabet=LATIN,
        hard_vocab_limit=hard_vocab_limit, num_threads=spm_threads, ids=NLLB_SPM_IDS, model_type="bpe",
    )
    tokenizer = NllbTokenizer.from_pretrained(
        str(out), src_lang=NLLB_SOURCE, tgt_lang=NLLB_TARGET, additional_special_tokens=list(language_codes),
    )
    tokenizer.save_pretrained(out)

    import torch

    torch.manual_seed(seed)
    model = new_nllb(nllb_config(vocab_size or len(tokenizer), **sizes), eos_bias=eos_bias)
    set_nllb_generation(model)
    model.save_pretrained(out)
    return Built(out, tokenizer, model, trained_pieces, dummy_pieces)


# -- the tiny models ---------------------------------------------------------------------------
def tiny_corpus() -> list[str]:
    """The tiny models' tokenizer corpus: the seed articles plus a few English lines."""
    return [*seed_texts(), TINY_ENGLISH]


def build_tiny_marian(out: str | Path, *, seed: int = 0, max_positions: int = 512, eos_bias: float = 0.0) -> Path:
    """A tiny MarianMT folder (400 pieces, d_model 32, 2+2 layers) for tests and ``eval.speed --tiny``.

    ``eos_bias`` makes it stop after a few tokens (for runs with the real 512-token limit); see
    :func:`new_marian`.
    """
    return build_marian(out, tiny_corpus(), pieces=TINY_PIECES, seed=seed, eos_bias=eos_bias,
                        max_positions=max_positions, **TINY_MARIAN).folder


def build_tiny_mt5(out: str | Path, *, seed: int = 0, mute: bool = False) -> Path:
    """A tiny MT5 folder (400 pieces, d_model 32, 2+2 layers) with an untied output layer, as in
    mT5_multilingual_XLSum; ``mute``: it only emits special tokens (see :func:`new_mt5`)."""
    return build_mt5(out, tiny_corpus(), pieces=TINY_PIECES, seed=seed, output_scale=0.5, mute=mute,
                     **TINY_MT5).folder


def build_tiny_marian_big(out: str | Path, *, seed: int = 0, eos_bias: float = 0.0) -> Path:
    """A tiny Marian of tc-big's kind (400 pieces, d_model 32, 2+2 layers): ReLU, positions up to 1024,
    </s> in the middle of the vocabulary (:data:`TINY_MARIAN_BIG_EOS`), renormalised logits."""
    sizes = {**TINY_MARIAN, "max_positions": 1024}
    return build_marian(out, tiny_corpus(), pieces=TINY_PIECES, seed=seed, eos_bias=eos_bias,
                        eos_at=TINY_MARIAN_BIG_EOS, big=True, **sizes).folder


def build_tiny_nllb(out: str | Path, *, seed: int = 0, eos_bias: float = 0.0) -> Path:
    """A tiny NLLB folder (M2M100, 400 BPE pieces + arb_Arab / eng_Latn, d_model 32, 2+2 layers)."""
    return build_nllb(out, tiny_corpus(), pieces=TINY_PIECES, seed=seed, eos_bias=eos_bias, **TINY_NLLB).folder
