"""Tiny MarianMT and MT5 models built from scratch, for tests that need real loading code.

The sentencepiece vocabulary is trained on the seed articles plus a few English lines, the
architectures are the real ones (Marian: swish, scaled and tied embeddings; MT5: gated-gelu,
untied output layer) at toy sizes. Weights are random: outputs are gibberish, so tests assert
structure, alignment and equivalences, never text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
ENGLISH = """The minister said the talks in Geneva would resume in the coming days.
Russia and the United States agreed to extend the ceasefire in Syria.
The envoy called on all parties to respect the truce and return to negotiations.
Fighting continued around Aleppo, where dozens of civilians were killed this week.
Officials met on Tuesday to discuss a new monitoring centre for the ceasefire."""


def _train_spm(workdir: Path, prefix: str, vocab_size: int, **ids) -> Path:
    import sentencepiece as spm

    corpus = workdir / "corpus.txt"
    corpus.write_text("\n".join(p.read_text(encoding="utf-8") for p in SEEDS) + "\n" + ENGLISH, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(workdir / prefix), vocab_size=vocab_size, character_coverage=1.0,
        model_type="unigram", minloglevel=2, num_threads=1, **ids,
    )
    return workdir / f"{prefix}.model"


def build_tiny_marian(out: Path, *, seed: int = 0, max_positions: int = 512, eos_bias: float = 0.0) -> Path:
    """A MarianMT folder in Hugging Face format (source.spm, target.spm, vocab.json, weights).

    A random model rarely emits EOS, so it decodes to the length limit; ``eos_bias`` (added to
    the EOS logit) makes it stop after a few tokens like a trained model, for end-to-end tests
    that run with the real 512-token limit.
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    model_file = _train_spm(out, "spm", 400, pad_id=-1, bos_id=-1, eos_id=1, unk_id=2)
    shutil.copy(model_file, out / "source.spm")
    shutil.copy(model_file, out / "target.spm")
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for leftover in ("spm.model", "spm.vocab", "corpus.txt"):
        (out / leftover).unlink()
    tokenizer = MarianTokenizer(source_spm=str(out / "source.spm"), target_spm=str(out / "target.spm"),
                                vocab=str(out / "vocab.json"))
    tokenizer.save_pretrained(out)
    size, pad = len(vocab), len(vocab) - 1
    config = MarianConfig(
        vocab_size=size, decoder_vocab_size=size, d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=max_positions, activation_function="swish", scale_embedding=True,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True, init_std=0.2,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.final_logits_bias[0, 0] = eos_bias
    model.generation_config.num_beams = 4
    model.generation_config.max_length = 512
    model.generation_config.bad_words_ids = [[pad]]
    model.save_pretrained(out)
    return out


def build_tiny_mt5(out: Path, *, seed: int = 0, mute: bool = False) -> Path:
    """An MT5 folder in Hugging Face format with an untied output layer, as in mT5_multilingual_XLSum.

    ``mute``: the decoder's final norm is zeroed, so every logit is 0 and greedy search takes the
    lowest ids, <pad> then </s>: the model only emits special tokens, which decode to nothing.
    """
    import torch
    from torch import nn
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    model_file = _train_spm(out, "spiece", 400, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    pieces = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=pieces, extra_ids=0)  # transformers 5 takes (piece, score) pairs
    tokenizer.save_pretrained(out)
    for leftover in ("spiece.vocab", "corpus.txt"):
        (out / leftover).unlink()
    config = MT5Config(
        vocab_size=len(tokenizer), d_model=32, d_ff=64, d_kv=8, num_heads=2, num_layers=2, num_decoder_layers=2,
        feed_forward_proj="gated-gelu", tie_word_embeddings=False, relative_attention_num_buckets=32,
        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, initializer_factor=4.0,
    )
    torch.manual_seed(seed)
    model = MT5ForConditionalGeneration(config)
    output_layer = model.shared.weight.detach().clone() * 0.5
    output_layer[:3] = 0.0  # pad/eos/unk: keep a random model from stopping at once or emitting nothing
    model.lm_head.weight = nn.Parameter(output_layer)
    model.config.tie_word_embeddings = False
    if mute:
        with torch.no_grad():
            model.decoder.final_layer_norm.weight.zero_()
    model.generation_config.num_beams = 4
    model.generation_config.max_length = 84
    model.generation_config.length_penalty = 0.6
    model.generation_config.no_repeat_ngram_size = 2
    model.save_pretrained(out)
    return out
