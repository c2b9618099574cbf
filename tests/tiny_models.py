"""Tiny MarianMT, MT5 and NLLB models built from scratch, for tests that need real loading code.

The builder is eval.models (shared with the shape-true stand-ins of eval.standins and with
``python -m eval.speed --tiny``): a 400-piece sentencepiece vocabulary trained on the seed articles
plus a few English lines, the real architectures (Marian: swish, scaled and tied embeddings; MT5:
gated-gelu, untied output layer) at toy sizes (eval.models.TINY_MARIAN, TINY_MT5). Weights are
random: outputs are gibberish, so tests assert structure, alignment and equivalences, never text.

``build_tiny_marian(out, *, seed=0, max_positions=512, eos_bias=0.0)``: ``eos_bias`` makes it stop
after a few tokens, for end-to-end tests that run with the real 512-token limit.
``build_tiny_mt5(out, *, seed=0, mute=False)``: ``mute`` makes it emit only special tokens.
``build_tiny_nllb(out, *, seed=0, eos_bias=0.0)``: M2M100 with an NllbTokenizer (a BPE sentencepiece
model trained on the same corpus, ``arb_Arab`` / ``eng_Latn`` as added special tokens).
``build_tiny_marian_big(out, *, seed=0, eos_bias=0.0)``: a Marian shaped like Opus-MT tc-big (ReLU,
1024 positions, </s> mid-vocabulary, renormalised logits).
"""

from __future__ import annotations

from eval.models import TINY_ENGLISH as ENGLISH
from eval.models import build_tiny_marian, build_tiny_marian_big, build_tiny_mt5, build_tiny_nllb

__all__ = ["ENGLISH", "build_tiny_marian", "build_tiny_marian_big", "build_tiny_mt5", "build_tiny_nllb"]
