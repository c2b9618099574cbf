"""ROUGE-1/2/L/Lsum for Arabic, equal to XL-Sum's multilingual ROUGE, with confidence intervals.

From Python::

    from summarizer.rouge import score_pairs
    result = score_pairs(summaries, references, stem="snowball", normalize=True)
    result.scores["rouge1"].fmeasure, result.scores["rouge1"].fmeasure_ci, result.signature

From the shell: ``python -m eval.rouge --hyp FILE --ref FILE`` (one text a line).

Requirements: ``rouge-score`` comes with the ``eval`` extra
(``pip install "arabic-news-summarizer[eval]"``), not with the base package; numpy and nltk (the
stemmers) are base dependencies. Importing this module without ``rouge-score`` raises ImportError.

Why not plain ``rouge_score``: Google's default tokenizer keeps only ``[a-z0-9]``, so every Arabic
word is deleted and every Arabic pair scores 0. We keep its scoring code (``RougeScorer``: n-gram
overlap, LCS, summary-level LCS) and hand it an Arabic-aware tokenizer object.

Tokenisation (default: no normalisation, no stemming) reproduces XL-Sum's scorer, the
``multilingual-rouge`` package with ``lang="arabic"``, token for token, so our numbers can be put
next to published XL-Sum / mT5 Arabic ROUGE figures:

1. lowercase (only Latin letters change);
2. BERT's BasicTokenizer: delete NUL, U+FFFD and control/format characters (Unicode C*, e.g.
   ZWNJ, RLM, soft hyphen: they glue their neighbours together), turn every punctuation character
   (Unicode P*, which includes the Arabic comma/semicolon/question mark, and all ASCII
   non-alphanumerics such as ``$ % + < = > ^ ` | ~``) into a split point, split on whitespace;
3. for ROUGE-1/2/L only, OpenNMT's "aggressive" split of each word: a token is a run of letters
   (L*, tatweel included) or a run of numbers (N*); any other character (a symbol such as ``€``,
   ``°``, ``©``) is a token of its own; combining marks (M*: harakat, shadda, superscript alef)
   stay on the character before them (a mark that opens a word other than the first becomes
   ``％0020`` + mark, an OpenNMT escape we copy); ``2016م`` -> ``2016``, ``م``; CJK ideographs are
   split one a token. So symbols survive as tokens, not only letters and digits: that is what
   XL-Sum does, and equality with it matters more than tidiness.
4. ROUGE-Lsum splits each text on ``"\\n"`` (empty lines dropped) and tokenises each sentence with
   step 1-2 only, *without* step 3: a quirk of XL-Sum's scorer (its Lsum path calls ``tokenize()``
   without the language tokenizer) that we reproduce, so ``2016م`` stays one token in Lsum. A
   one-line text is a one-sentence summary, so its Lsum equals its ROUGE-L up to that quirk.

Diacritics are kept in step 1-3, so ``كَتَبَ`` and ``كتب`` are different tokens, exactly as in XL-Sum.

Options (they change scores, and the signature says so). Order: XL-Sum tokens -> stem -> normalise.

* ``normalize=True``: ``summarizer.arabic.normalize_arabic`` on every token (drop harakat and
  tatweel, fold آ/أ/إ/ٱ -> ا, ى -> ي, ة -> ه; a token left empty is dropped). It is a map on
  tokens, so it can only merge spelling variants that writers use interchangeably: it adds
  matches and practically never removes one. It runs *after* stemming because the stemmers'
  suffix rules expect the real spelling (normalising first turns ة into ه and costs Snowball
  0.6 ROUGE-1 points on the sample below).
* ``stem="snowball"`` (NLTK's Arabic Snowball stemmer, ``ignore_stopwords=False``) or
  ``stem="isri"`` (NLTK's ISRI root stemmer): like XL-Sum and rouge-score, only tokens longer
  than 3 characters are stemmed; a stem of ``""`` drops the token. Both stemmers strip harakat and
  clitics (al-, wa-, bi-, suffix pronouns), so ``والرئيس`` and ``الرئيس`` match. ISRI reduces to
  roots and over-merges unrelated words (``مدرسة`` and ``المدارس`` -> ``درس``, ``تونس`` -> ``ونس``),
  so part of its gain is spurious; Snowball is the milder choice and what a bare ``--stem`` means.

Effect on 200 ANT pairs (headline vs first sentence of the article, F1 x100, R1/R2/RL):
none 22.58/10.41/20.52; normalize 23.24/10.93/21.01; snowball 28.23/12.48/24.46;
snowball+normalize 28.29/12.48/24.52; isri 30.19/13.13/25.51; isri+normalize 30.35/13.17/25.61.
Normalisation adds about half a point; stemming adds 6-8 ROUGE-1 points but only 2-3 ROUGE-2
points, since a stemmed bigram still needs both words to match. Compare only scores with the same
signature.

XL-Sum's own stemming option cannot be used here: ``multilingual-rouge`` builds
``SnowballStemmer("arabic", ignore_stopwords=True)``, which loads NLTK's ``stopwords`` corpus and
raises ``LookupError`` without that data download. Our Snowball stemming (``ignore_stopwords=False``)
also stems stop words, so it is not the same configuration as XL-Sum's ``use_stemmer=True``
(it equals XL-Sum's scorer given ``callable_stemmer=SnowballStemmer("arabic").stem``; tested).

Corpus score = mean over pairs of the per-pair precision/recall/F1 (what XL-Sum and rouge-score
report as ``mid``, but exact rather than the median of bootstrap means); the 95% interval is a
seeded percentile bootstrap over pairs, so it is reproducible run to run.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata

import numpy as np
from rouge_score import rouge_scorer
from rouge_score import tokenizers as rs_tokenizers

from summarizer.arabic import normalize_arabic

VERSION = "1.0"
DEFAULT_METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
STEMMERS = ("none", "snowball", "isri")
DEFAULT_SEED = 12345

# OpenNMT's tokenizer replaces its own reserved markers by look-alikes before splitting.
_ONMT_SUBSTITUTES = {"\u2581": "_", "\uffed": "\u25a0", "\uffe8": "\u2502"}


def _is_punctuation(ch: str) -> bool:
    """BERT's rule: every ASCII non-alphanumeric and every Unicode P* character."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_deleted(ch: str) -> bool:
    """BERT's clean-up: NUL, U+FFFD and control/format/unassigned characters except tab, LF, CR."""
    if ch in "\t\n\r":
        return False
    return ch == "\x00" or ch == "\ufffd" or unicodedata.category(ch).startswith("C")


def basic_tokens(text: str) -> list[str]:
    """Steps 1-2 of the module docstring: lowercase, delete controls, split on punctuation and space."""
    out = []
    for ch in text.lower():
        if _is_deleted(ch):
            continue
        out.append(" " if _is_punctuation(ch) else ch)
    return "".join(out).split()


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def split_letters_numbers(word: str, *, first: bool = True) -> list[str]:
    """Step 3: OpenNMT "aggressive" segmentation of one word (no spaces, no punctuation in it).

    ``first``: the word opens the text. OpenNMT glues a combining mark that follows a space to
    that space and writes the pair as ``％0020`` + mark, so a word that starts with a mark (say a
    stray shadda after a comma) gets that prefix everywhere but at the start of the text.
    Checked against ``pyonmttok.Tokenizer("aggressive")`` on every code point and on random strings.
    """
    pieces: list[str] = []
    cur = ""
    state = ""  # "" = start of word, "L" letters, "N" numbers, "O" a symbol (always alone)
    for ch in word:
        cat = unicodedata.category(ch)[0]
        ch = _ONMT_SUBSTITUTES.get(ch, ch)
        if cat == "M":  # a combining mark stays with what precedes it; alone at the start
            if state:
                cur += ch
            else:
                cur, state = (ch if first else "\uff050020" + ch), "O"
            continue
        kind = "L" if cat == "L" else "N" if cat == "N" else "O"
        if kind == "O" or state == "O" or (state and kind != state):
            if cur:
                pieces.append(cur)
            cur = ch
        else:
            cur += ch
        state = kind
    if cur:
        pieces.append(cur)
    # XL-Sum then puts spaces around each CJK ideograph.
    out: list[str] = []
    for piece in pieces:
        if any(_is_cjk(c) for c in piece):
            out += "".join(f" {c} " if _is_cjk(c) else c for c in piece).split()
        else:
            out.append(piece)
    return out


def make_stemmer(name: str | None) -> Callable[[str], str] | None:
    """``None``/``"none"``, ``"snowball"`` (Arabic Snowball, no stop-word list) or ``"isri"``."""
    if name in (None, "none"):
        return None
    if name == "snowball":
        from nltk.stem.snowball import SnowballStemmer

        return SnowballStemmer("arabic", ignore_stopwords=False).stem
    if name == "isri":
        from nltk.stem.isri import ISRIStemmer

        return ISRIStemmer().stem
    raise ValueError(f"unknown stemmer {name!r}; choose one of {', '.join(STEMMERS)}")


class ArabicTokenizer(rs_tokenizers.Tokenizer):
    """A ``rouge_score`` tokenizer object: XL-Sum tokens, optionally normalised and stemmed.

    ``split_numbers=False`` gives the tokens XL-Sum uses for ROUGE-Lsum (no letter/number split).
    """

    def __init__(self, *, normalize: bool = False, stem: str | None = None, split_numbers: bool = True):
        self.normalize = normalize
        self.split_numbers = split_numbers
        self._stem = make_stemmer(stem)

    def tokenize(self, text: str) -> list[str]:
        """XL-Sum tokens, then stems, then normalised tokens; empty tokens are dropped."""
        tokens = basic_tokens(text)
        if self.split_numbers:
            tokens = [
                piece
                for i, token in enumerate(tokens)
                for piece in split_letters_numbers(token, first=i == 0)
            ]
        if self._stem is not None:
            # Stem only tokens longer than 3 characters, as XL-Sum and rouge-score do.
            tokens = [self._stem(t) if len(t) > 3 else t for t in tokens]
        if self.normalize:
            # After stemming: the stemmers' suffix rules expect the real spelling (ة, ى).
            tokens = [normalize_arabic(t) for t in tokens]
        return [t for t in tokens if t]


@dataclass(frozen=True)
class MetricScore:
    """Corpus means (0..1) of one ROUGE variant with their bootstrap confidence intervals."""

    precision: float
    recall: float
    fmeasure: float
    precision_ci: tuple[float, float]
    recall_ci: tuple[float, float]
    fmeasure_ci: tuple[float, float]


@dataclass(frozen=True)
class RougeResult:
    """What ``score_pairs`` measured, and the ``signature`` that says how."""

    scores: dict[str, MetricScore]
    n_pairs: int
    signature: str
    confidence: float = 0.95
    n_resamples: int = 1000
    per_pair_f1: dict[str, list[float]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """JSON-ready: scores in 0..1, CIs as ``[low, high]``; the per-pair F1 lists are left out."""
        return {
            "scores": {
                name: {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(s).items()}
                for name, s in self.scores.items()
            },
            "n_pairs": self.n_pairs,
            "confidence": self.confidence,
            "n_resamples": self.n_resamples,
            "signature": self.signature,
        }


def signature(
    *, stem: str | None, normalize: bool, n_resamples: int, seed: int, confidence: float = 0.95
) -> str:
    """sacrebleu-style description of every setting that changes the numbers."""
    ci = f"bootstrap-{n_resamples}" + ("" if confidence == 0.95 else f"-{confidence:g}")
    return (
        f"rouge|tok:arabic-xlsum|norm:{'yes' if normalize else 'no'}|stem:{stem or 'none'}"
        f"|lsum:newline|ci:{ci}|seed:{seed}|v:{VERSION}+rouge-score-{_version('rouge-score')}"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def bootstrap_ci(
    values: np.ndarray, *, n_resamples: int = 1000, confidence: float = 0.95, seed: int = DEFAULT_SEED
) -> np.ndarray:
    """Percentile bootstrap interval of the mean for each column of ``values`` (pairs x stats).

    Returns an array of shape (2, stats): low and high. Resampling the pairs (not the tokens)
    is what the original ROUGE perl script and rouge-score's BootstrapAggregator do.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    n = values.shape[0]
    rng = np.random.default_rng(seed)
    means = np.empty((n_resamples, values.shape[1]))
    chunk = max(1, 2_000_000 // max(n, 1))  # bound memory: at most ~2M indices at a time
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2 * 100
    return np.percentile(means, [alpha, 100 - alpha], axis=0)


def score_pairs(
    hyps: Sequence[str],
    refs: Sequence[str],
    *,
    stem: str | None = None,
    normalize: bool = False,
    metrics: Sequence[str] = DEFAULT_METRICS,
    n_resamples: int = 1000,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> RougeResult:
    """ROUGE of each hypothesis against its reference, averaged over the pairs, with 95% CIs.

    ``stem``: None/"none", "snowball" or "isri"; ``normalize``: fold Arabic spelling variants.
    Texts may hold several sentences separated by ``"\\n"`` for ROUGE-Lsum.
    """
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    if not hyps:
        raise ValueError("no pairs to score")
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    stem = None if stem == "none" else stem
    metrics = tuple(metrics)
    token_metrics = [m for m in metrics if m != "rougeLsum"]
    scorers = []
    if token_metrics:
        tok = ArabicTokenizer(normalize=normalize, stem=stem)
        scorers.append(rouge_scorer.RougeScorer(token_metrics, tokenizer=tok))
    if "rougeLsum" in metrics:
        tok = ArabicTokenizer(normalize=normalize, stem=stem, split_numbers=False)
        scorers.append(rouge_scorer.RougeScorer(["rougeLsum"], tokenizer=tok))

    table = {m: np.empty((len(hyps), 3)) for m in metrics}
    for i, (hyp, ref) in enumerate(zip(hyps, refs, strict=True)):
        for scorer in scorers:
            for name, s in scorer.score(ref, hyp).items():
                table[name][i] = (s.precision, s.recall, s.fmeasure)

    scores = {}
    for name in metrics:
        values = table[name]
        mean = values.mean(axis=0)
        low, high = bootstrap_ci(values, n_resamples=n_resamples, confidence=confidence, seed=seed)
        scores[name] = MetricScore(
            precision=float(mean[0]),
            recall=float(mean[1]),
            fmeasure=float(mean[2]),
            precision_ci=(float(low[0]), float(high[0])),
            recall_ci=(float(low[1]), float(high[1])),
            fmeasure_ci=(float(low[2]), float(high[2])),
        )
    return RougeResult(
        scores=scores,
        n_pairs=len(hyps),
        signature=signature(
            stem=stem, normalize=normalize, n_resamples=n_resamples, seed=seed, confidence=confidence
        ),
        confidence=confidence,
        n_resamples=n_resamples,
        per_pair_f1={m: table[m][:, 2].tolist() for m in metrics},
    )
