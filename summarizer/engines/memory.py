"""Keeping the resident memory of a CTranslate2 process down to what it uses.

Two things kept memory that nothing used any more (measured on the mT5-base stand-in, 2 cores):

* glibc keeps freed heap memory for reuse, and its dynamic mmap threshold grows with every large
  buffer freed, so the work buffers of one generate call (encoder states, beam caches, logits: about
  130 MB for a summary and one translation batch) stayed resident and the next call's buffers came on
  top. ``malloc_trim(0)`` after each call hands them back: the peak becomes the largest call's, not the
  sum. (Fixing the mmap threshold instead halved the speed: every buffer became a fresh mapping.)
* transformers 5's T5 tokenizer keeps the (piece, score) list it was built from, 250,112 tuples, and
  the JSON it parsed leaves a heap that only a trim returns: about 130 MB of a 280 MB tokenizer.

Both are no-ops where they do not apply (other C libraries, other tokenizers).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys

_TRIM = None


def _malloc_trim():
    global _TRIM
    if _TRIM is None:
        _TRIM = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                _TRIM = libc.malloc_trim if hasattr(libc, "malloc_trim") else False  # glibc only (not musl)
            except OSError:  # pragma: no cover - no C library by that name
                _TRIM = False
    return _TRIM


def release_free_memory() -> None:
    """Return the C heap's free memory to the system (glibc ``malloc_trim``; a no-op elsewhere)."""
    trim = _malloc_trim()
    if trim:
        trim(0)


def drop_construction_data(tokenizer) -> None:
    """Forget what a tokenizer only needed while it was built, then return the freed memory.

    ``_vocab_scores``: transformers 5's T5 tokenizer (mT5) keeps the list it built its Unigram model
    from; nothing reads it afterwards except ``save_pretrained``, which an engine never calls.
    """
    if tokenizer.__dict__.pop("_vocab_scores", None) is not None:
        gc.collect()
    release_free_memory()
