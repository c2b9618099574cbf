"""Sentence-splitting benchmark: our splitter against a plain regex and pySBD, on gold sentences.

NTREX-128 and FLORES-200 give Arabic documents as lists of human-made sentences. Each document is
joined back into an article the way news is laid out (paragraphs of 1-4 sentences, a sentence
without a final stop, like a headline, on its own line), then every splitter cuts it up again and
the cuts are compared with the gold ones. The ``--glued`` variant removes the space after a share of
the stops, as scrapers do ("لافروف.ونقلت"), which is where naive splitters fail.

Scores (micro-averaged over the documents of a data set):

* boundary precision / recall / F1: a boundary is a character offset between two sentences in the
  document's text with all whitespace removed (so spacing never counts), per document;
* exact-sentence rate: the share of gold sentences that a splitter returns exactly (whitespace aside);
* false cuts in merged segments: false boundaries that fall inside a gold "sentence" whose English
  side pySBD's English segmenter splits into two or more sentences. The Arabic is a translation and
  the translators kept the English segmentation, so such a cut is usually a real sentence boundary
  that the gold lacks; this column says how much of a splitter's precision loss is the gold's.

Ours is then compared with each baseline, pair by pair: the F1 difference with a paired bootstrap
95% interval (documents resampled, the same resample for both splitters), and the boundaries where
the two disagree, counted by which of the two the gold agrees with, with a two-sided sign test.

Run ``python -m eval.split --help``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from math import comb
from pathlib import Path

import numpy as np

from eval.data import FLORES200_DEVTEST, NTREX_DEV, add_data_root_option, data_path
from eval.report import bar_chart, environment, markdown_table, write_report
from summarizer.stages.split import split_sentences

DEFAULT_DATA = (NTREX_DEV, FLORES200_DEVTEST)  # relative to the data root (eval.data.data_root)
DEFAULT_GLUED = (0.0, 0.3)
DEFAULT_OUT = Path("reports") / "split"
REPORT_NAME = "split"

Splitter = Callable[[str], list[str]]

_WHITESPACE_RE = re.compile(r"\s+")
# A sentence ends with a stop when its last stop is followed only by closing quotes and brackets.
_FINAL_STOP_RE = re.compile(r"[.!?؟…][\"”»)\]’']*$")
# The baseline's rule: a boundary after . ! ? ؟ when whitespace follows.
_NAIVE_RE = re.compile(r"(?<=[.!?؟])\s+")
_PARAGRAPH_SIZES = (1, 4)
_OPENING_QUOTES, _CLOSING_QUOTES, _STRAIGHT_QUOTE = "«“", "»”", '"'
DEFAULT_RESAMPLES = 1000


@dataclass(frozen=True)
class Document:
    """One gold document: its id, its Arabic sentences (stripped, non-empty) and their English.

    ``english`` is aligned with ``sentences`` when the file gives one English segment per Arabic
    one, and empty otherwise.
    """

    id: str
    sentences: tuple[str, ...]
    english: tuple[str, ...] = ()


@dataclass
class Counts:
    """Boundary and sentence counts, summed over documents; the scores derive from them."""

    documents: int = 0
    gold_sentences: int = 0
    predicted_sentences: int = 0
    exact_sentences: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    # False boundaries inside a gold segment whose English side has several sentences.
    false_positives_in_merged: int = 0
    # The same, leaving out the boundaries at line breaks, which every splitter gets for free.
    inline_true_positives: int = 0
    inline_false_positives: int = 0
    inline_false_negatives: int = 0
    # Predicted boundaries inside a quotation that closes later on the same line, and how many of
    # them the gold has: gold sets differ on whether a quotation of several sentences is cut.
    quoted_cuts: int = 0
    quoted_true_positives: int = 0
    seconds: float = 0.0

    def add(self, other: Counts) -> None:
        """Accumulate ``other`` into these counts (micro-averaging)."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def inline_f1(self) -> float:
        """Boundary F1 inside paragraphs only: where splitters actually differ."""
        tp, fp, fn = self.inline_true_positives, self.inline_false_positives, self.inline_false_negatives
        return _f1(_ratio(tp, tp + fp), _ratio(tp, tp + fn))

    @property
    def exact_rate(self) -> float:
        return self.exact_sentences / self.gold_sentences if self.gold_sentences else 1.0

    def to_dict(self) -> dict:
        """Counts and the scores computed from them."""
        return {
            **asdict(self),
            "seconds": round(self.seconds, 4),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "inline_f1": self.inline_f1,
            "exact_rate": self.exact_rate,
        }


def _ratio(part: int, whole: int) -> float:
    """``part / whole``, 1.0 for nothing out of nothing (no boundary to find, none wrongly found)."""
    return part / whole if whole else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class DocumentScore:
    """One document split by one splitter: its counts, and its predicted and gold boundaries."""

    counts: Counts
    predicted: frozenset[int]
    gold: frozenset[int]


@dataclass
class Result:
    """The scores of one splitter on one data set in one variant (``counts`` sums ``documents``)."""

    dataset: str
    variant: str
    glued: float
    splitter: str
    counts: Counts = field(default_factory=Counts)
    documents: list[DocumentScore] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "variant": self.variant,
            "glued": self.glued,
            "splitter": self.splitter,
            **self.counts.to_dict(),
        }


@dataclass(frozen=True)
class Comparison:
    """Ours against one baseline on the same documents: is the difference more than chance?

    ``ours_right`` / ``baseline_right`` count the boundaries where exactly one of the two cuts,
    by which one the gold agrees with; ``sign_test_p`` is the two-sided sign test on them.
    """

    dataset: str
    variant: str
    baseline: str
    f1_ours: float
    f1_baseline: float
    ci_low: float
    ci_high: float
    ours_right: int
    baseline_right: int
    sign_test_p: float

    @property
    def difference(self) -> float:
        return self.f1_ours - self.f1_baseline

    def to_dict(self) -> dict:
        return {**asdict(self), "difference": self.difference}


# ---------------------------------------------------------------------------------------------
# Data


def load_documents(path: str | Path, limit: int | None = None) -> list[Document]:
    """Read ``{"id", "ar": [...]}`` lines; sentences are stripped (NTREX ends each with "\\r")."""
    documents = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            arabic, english = record["ar"], record.get("en") or []
            if len(english) != len(arabic):  # not aligned: nothing is known of merged segments
                english = [""] * len(arabic)
            kept = [(ar.strip(), en.strip()) for ar, en in zip(arabic, english, strict=True) if ar.strip()]
            sentences = tuple(ar for ar, _ in kept)
            english = tuple(en for _, en in kept) if any(en for _, en in kept) else ()
            if sentences:
                documents.append(Document(str(record["id"]), sentences, english))
            if limit is not None and len(documents) >= limit:
                break
    return documents


def dataset_name(path: str | Path) -> str:
    """A short name for a data file: its folder and stem ("ntrex128/dev")."""
    path = Path(path)
    return f"{path.parent.name}/{path.stem}"


def build_article(sentences: Sequence[str], seed: int | str, glued: float = 0.0) -> str:
    """Join gold sentences into a news-like article, deterministically for a given ``seed``.

    Paragraphs hold 1-4 sentences; a sentence without a final stop (a headline, a caption) gets a
    line of its own, since nothing but the line break could mark its end. With ``glued`` > 0, that
    share of the spaces after a stop inside a paragraph is removed. The layout and the glue draw from
    separate generators, so the glued variant has the same paragraphs as the normal one.
    """
    layout = random.Random(f"layout:{seed}")
    glue = random.Random(f"glue:{seed}")
    paragraphs: list[str] = []
    current = ""
    left = layout.randint(*_PARAGRAPH_SIZES)
    for sentence in sentences:
        if not _FINAL_STOP_RE.search(sentence):
            if current:
                paragraphs.append(current)
            paragraphs.append(sentence)
            current, left = "", layout.randint(*_PARAGRAPH_SIZES)
            continue
        if current:
            current += ("" if glue.random() < glued else " ") + sentence
        else:
            current = sentence
        left -= 1
        if left == 0:
            paragraphs.append(current)
            current, left = "", layout.randint(*_PARAGRAPH_SIZES)
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


# ---------------------------------------------------------------------------------------------
# Splitters


def naive_split(text: str) -> list[str]:
    """Baseline 1: each line, cut after any of . ! ? ؟ that whitespace follows."""
    return [piece.strip() for line in text.splitlines() for piece in _NAIVE_RE.split(line) if piece.strip()]


def pysbd_splitter() -> Splitter:
    """Baseline 2: pySBD's rule-based Arabic segmenter, applied line by line like the others."""
    import pysbd

    segmenter = pysbd.Segmenter(language="ar", clean=False)

    def split(text: str) -> list[str]:
        return [
            s.strip()
            for line in text.splitlines()
            if line.strip()
            for s in segmenter.segment(line)
            if s.strip()
        ]

    return split


def splitters() -> dict[str, Splitter]:
    """The splitters compared, ours first."""
    return {"ours": split_sentences, "regex": naive_split, "pysbd": pysbd_splitter()}


# ---------------------------------------------------------------------------------------------
# Scoring


def _spans(sentences: Iterable[str], text_length: int | None = None) -> list[tuple[int, int]]:
    """Offsets of each sentence in the whitespace-free concatenation of ``sentences``."""
    spans, position = [], 0
    for sentence in sentences:
        length = len(_WHITESPACE_RE.sub("", sentence))
        if length:
            spans.append((position, position + length))
            position += length
    return spans


def boundaries(sentences: Iterable[str]) -> set[int]:
    """Offsets between sentences in the whitespace-free text (neither 0 nor the end)."""
    return {end for _, end in _spans(sentences)[:-1]}


def quoted_offsets(article: str) -> set[int]:
    """Offsets in the whitespace-free ``article`` that lie inside a quotation closed on the same line.

    A straight quote opens or closes by parity; « “ open and » ” close. A quotation left open at
    the end of its line (common in scraped news) is not counted, since nothing says where it ends.
    """
    inside: set[int] = set()
    position = 0
    for line in article.splitlines():
        text = _WHITESPACE_RE.sub("", line)
        open_at: list[int] = []  # start offsets of the quotations open at this point
        straight_open: int | None = None
        for i, char in enumerate(text):
            if char == _STRAIGHT_QUOTE:
                if straight_open is None:
                    straight_open = i + 1
                else:
                    inside.update(range(position + straight_open, position + i + 1))
                    straight_open = None
            elif char in _OPENING_QUOTES:
                open_at.append(i + 1)
            elif char in _CLOSING_QUOTES and open_at:
                inside.update(range(position + open_at.pop(), position + i + 1))
        position += len(text)
    return inside


def score_document(
    gold: Sequence[str],
    predicted: Sequence[str],
    article: str | None = None,
    merged: Iterable[int] = (),
) -> Counts:
    """Compare one document's predicted sentences with the gold ones.

    Both must cover the same characters once whitespace is removed; a splitter that drops or adds
    text cannot be scored fairly, so that is an error rather than a silent mismatch. With the
    ``article``, the "inline" counts leave out the boundaries at its line breaks. ``merged`` are
    the indices of gold sentences known to hold several sentences (see ``merged_segments``).
    """
    gold_text = _WHITESPACE_RE.sub("", "".join(gold))
    predicted_text = _WHITESPACE_RE.sub("", "".join(predicted))
    if gold_text != predicted_text:
        raise ValueError("the predicted sentences do not cover the gold text exactly")
    gold_spans, predicted_spans = _spans(gold), _spans(predicted)
    gold_cuts, predicted_cuts = boundaries(gold), boundaries(predicted)
    line_cuts = boundaries(article.splitlines()) if article is not None else set()
    inline_gold, inline_predicted = gold_cuts - line_cuts, predicted_cuts - line_cuts
    merged_spans = [gold_spans[i] for i in merged]
    false_cuts = predicted_cuts - gold_cuts
    quoted = predicted_cuts & quoted_offsets(article) if article is not None else set()
    return Counts(
        documents=1,
        gold_sentences=len(gold_spans),
        predicted_sentences=len(predicted_spans),
        exact_sentences=len(set(gold_spans) & set(predicted_spans)),
        true_positives=len(gold_cuts & predicted_cuts),
        false_positives=len(false_cuts),
        false_negatives=len(gold_cuts - predicted_cuts),
        false_positives_in_merged=sum(any(a < cut < b for a, b in merged_spans) for cut in false_cuts),
        inline_true_positives=len(inline_gold & inline_predicted),
        inline_false_positives=len(inline_predicted - inline_gold),
        inline_false_negatives=len(inline_gold - inline_predicted),
        quoted_cuts=len(quoted),
        quoted_true_positives=len(quoted & gold_cuts),
    )


def english_segmenter() -> Callable[[str], int]:
    """Count the sentences of an English segment with pySBD's English rules (independent of ours)."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: sum(1 for s in segmenter.segment(text) if s.strip())


def merged_segments(document: Document, count_english: Callable[[str], int]) -> frozenset[int]:
    """Indices of the gold sentences whose English side has two or more sentences."""
    return frozenset(i for i, english in enumerate(document.english) if count_english(english) >= 2)


def evaluate(
    documents: Sequence[Document],
    splitter: Splitter,
    glued: float,
    seed: int,
    merged: Sequence[frozenset[int]] | None = None,
) -> list[DocumentScore]:
    """Split every document's article with ``splitter`` and score each one."""
    scores = []
    for i, document in enumerate(documents):
        article = build_article(document.sentences, f"{seed}:{document.id}", glued)
        started = time.perf_counter()
        predicted = splitter(article)
        elapsed = time.perf_counter() - started
        counts = score_document(document.sentences, predicted, article, merged[i] if merged else ())
        counts.seconds = elapsed
        scores.append(
            DocumentScore(counts, frozenset(boundaries(predicted)), frozenset(boundaries(document.sentences)))
        )
    return scores


def variant_name(glued: float) -> str:
    """The variant's label: "normal" or "glued 30%"."""
    return "normal" if glued == 0 else f"glued {glued:.0%}"


def default_data(root: str | Path | None = None) -> list[Path]:
    """NTREX-128 dev and FLORES-200 devtest under :func:`eval.data.data_root` ``(root)``."""
    return [data_path(relative, root) for relative in DEFAULT_DATA]


def run_benchmark(
    data: Sequence[str | Path] | None = None,
    glued: Sequence[float] = DEFAULT_GLUED,
    limit: int | None = None,
    seed: int = 0,
    chosen: dict[str, Splitter] | None = None,
) -> list[Result]:
    """Every splitter on every data set (default: :func:`default_data`) in every variant."""
    data = data if data is not None else default_data()
    chosen = chosen if chosen is not None else splitters()
    count_english = english_segmenter()
    results = []
    for path in data:
        documents = load_documents(path, limit)
        merged = [merged_segments(document, count_english) for document in documents]
        for share in glued:
            for name, splitter in chosen.items():
                scores = evaluate(documents, splitter, share, seed, merged)
                result = Result(dataset_name(path), variant_name(share), share, name, documents=scores)
                for score in scores:
                    result.counts.add(score.counts)
                results.append(result)
    return results


def _f1_from_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """Boundary F1 from summed counts, elementwise, with the same conventions as ``Counts``."""
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 1.0)
    recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 1.0)
    total = precision + recall
    return np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact sign test: how likely a split this uneven is if either side were as good."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(comb(n, k) for k in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2 * tail)


def compare(
    ours: Result, baseline: Result, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> Comparison:
    """Ours against ``baseline`` on the same documents (same data set and variant).

    The interval is a paired percentile bootstrap over documents: each resample draws documents
    with replacement and scores both splitters on the same draw, so what the two share (the gold's
    own merges, easy documents) cancels out of the difference.
    """
    if (ours.dataset, ours.variant, len(ours.documents)) != (
        baseline.dataset,
        baseline.variant,
        len(baseline.documents),
    ):
        raise ValueError("a comparison needs two results on the same documents")
    ours_right = baseline_right = 0
    for a, b in zip(ours.documents, baseline.documents, strict=True):
        only_ours, only_baseline = a.predicted - b.predicted, b.predicted - a.predicted
        ours_right += len(only_ours & a.gold) + len(only_baseline - a.gold)
        baseline_right += len(only_baseline & a.gold) + len(only_ours - a.gold)

    def counts(result: Result) -> np.ndarray:
        return np.array(
            [
                (d.counts.true_positives, d.counts.false_positives, d.counts.false_negatives)
                for d in result.documents
            ],
            dtype=float,
        ).reshape(-1, 3)

    ours_counts, baseline_counts = counts(ours), counts(baseline)
    rng = np.random.default_rng(seed)
    n = len(ours.documents)
    differences = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // max(n, 1))  # bound memory: at most ~2M indices at a time
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n)) if n else np.zeros((stop - start, 0), dtype=int)
        a, b = ours_counts[idx].sum(axis=1), baseline_counts[idx].sum(axis=1)
        differences[start:stop] = _f1_from_counts(*a.T) - _f1_from_counts(*b.T)
    low, high = np.percentile(differences, [2.5, 97.5])
    return Comparison(
        dataset=ours.dataset,
        variant=ours.variant,
        baseline=baseline.splitter,
        f1_ours=ours.counts.f1,
        f1_baseline=baseline.counts.f1,
        ci_low=float(low),
        ci_high=float(high),
        ours_right=ours_right,
        baseline_right=baseline_right,
        sign_test_p=sign_test(ours_right, baseline_right),
    )


def comparisons(
    results: Sequence[Result], ours: str = "ours", n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> list[Comparison]:
    """``ours`` against every other splitter, per data set and variant."""
    mine = {(r.dataset, r.variant): r for r in results if r.splitter == ours}
    return [
        compare(mine[(r.dataset, r.variant)], r, n_resamples, seed)
        for r in results
        if r.splitter != ours and (r.dataset, r.variant) in mine
    ]


# ---------------------------------------------------------------------------------------------
# Report

_HEADERS = (
    "data set",
    "variant",
    "splitter",
    "precision",
    "recall",
    "F1",
    "F1 in paragraphs",
    "exact sentences",
    "sentences",
    "false cuts",
    "of them in merged segments",
    "cuts inside quotations: in gold / all",
)
_COMPARISON_HEADERS = (
    "data set",
    "variant",
    "ours vs",
    "F1 difference",
    "95% interval",
    "disagreements: ours right",
    "baseline right",
    "sign test p",
)


def table_rows(results: Sequence[Result]) -> list[list[object]]:
    """One row per result, in the order of ``_HEADERS``."""
    return [
        [
            r.dataset,
            r.variant,
            r.splitter,
            r.counts.precision,
            r.counts.recall,
            r.counts.f1,
            r.counts.inline_f1,
            r.counts.exact_rate,
            r.counts.gold_sentences,
            r.counts.false_positives,
            r.counts.false_positives_in_merged,
            f"{r.counts.quoted_true_positives} / {r.counts.quoted_cuts}",
        ]
        for r in results
    ]


def comparison_rows(found: Sequence[Comparison]) -> list[list[object]]:
    """One row per comparison, in the order of ``_COMPARISON_HEADERS``; differences to 3 decimals."""
    return [
        [
            c.dataset,
            c.variant,
            c.baseline,
            f"{c.difference:+.3f}",
            f"[{c.ci_low:+.3f}, {c.ci_high:+.3f}]",
            c.ours_right,
            c.baseline_right,
            f"{c.sign_test_p:.2g}",
        ]
        for c in found
    ]


def settings_dict(data: Sequence[str | Path], glued: Sequence[float], limit: int | None, seed: int) -> dict:
    return {
        "data": [str(path) for path in data],
        "glued": list(glued),
        "limit": limit,
        "seed": seed,
        "paragraph_sizes": list(_PARAGRAPH_SIZES),
        "bootstrap": {"resamples": DEFAULT_RESAMPLES, "unit": "document", "paired": True, "interval": 0.95},
        "merged_segments": "gold segments whose English side pysbd.Segmenter(language='en') splits in 2+",
        "baselines": {
            "regex": "per line, re.split(r'(?<=[.!?؟])\\s+', line)",
            "pysbd": "per line, pysbd.Segmenter(language='ar', clean=False)",
        },
    }


def write_split_report(
    out: str | Path, results: Sequence[Result], found: Sequence[Comparison], settings: dict
) -> Path:
    """JSON (every figure, settings, environment), Markdown tables and a PNG chart of F1."""
    out = Path(out)
    payload = {
        "settings": settings,
        "results": [r.to_dict() for r in results],
        "comparisons": [c.to_dict() for c in found],
    }
    chart_path = out / f"{REPORT_NAME}_f1.png"
    markdown = "\n\n".join(
        [
            "# Sentence splitting: boundary F1 and exact sentences",
            "Boundaries are offsets between sentences in the whitespace-free text, micro-averaged "
            "over documents. Articles are rebuilt from the gold sentences (paragraphs of 1-4 "
            "sentences, a sentence without a final stop on its own line); in the glued variant a "
            'share of the spaces after stops is removed. "F1 in paragraphs" leaves out the '
            "boundaries at line breaks, which every splitter finds. The gold sometimes keeps two "
            "sentences as one (the translators followed the English), so a perfect splitter scores "
            'a little under 1: "of them in merged segments" counts the false cuts inside a gold '
            "sentence whose English side pySBD's English rules split in two or more. The last column "
            "counts the cuts inside a quotation that closes on the same line, and how many of them "
            "the gold has: the gold sets differ on cutting quotations of several sentences.",
            markdown_table(_HEADERS, table_rows(results)),
            "## Ours against each baseline",
            "F1 difference (ours minus baseline) with a paired bootstrap 95% interval over documents; "
            "the boundaries where exactly one of the two cuts, by which one the gold agrees with, "
            "and the two-sided sign test on those counts.",
            markdown_table(_COMPARISON_HEADERS, comparison_rows(found)),
            f"![F1]({chart_path.name})",
        ]
    )
    write_report(out, REPORT_NAME, payload, markdown)
    labels = list(dict.fromkeys(f"{r.dataset} {r.variant}" for r in results))
    series: dict[str, list[float]] = {}
    for name in dict.fromkeys(r.splitter for r in results):
        by_label = {f"{r.dataset} {r.variant}": r.counts.f1 for r in results if r.splitter == name}
        series[name] = [by_label.get(label, 0.0) for label in labels]
    bar_chart(chart_path, "Sentence boundary F1", labels, series, "F1")
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m eval.split",
        description="Benchmark sentence splitting (ours vs a plain regex vs pySBD) on gold Arabic sentences.",
    )
    parser.add_argument(
        "--data",
        nargs="+",
        default=None,
        help="JSONL files of {id, ar: [sentences]} (default: NTREX-128 dev and FLORES-200 devtest under the "
        "data root)",
    )
    add_data_root_option(parser)
    parser.add_argument(
        "--glued",
        type=float,
        nargs="+",
        default=list(DEFAULT_GLUED),
        help="share(s) of the stops glued to the next word (default: 0.0 and 0.3)",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each file")
    parser.add_argument("--seed", type=int, default=0, help="seed for the paragraph layout and the glue")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="report folder (default: reports/split)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    args.data = args.data or [str(path) for path in default_data(args.data_root)]
    if any(not 0.0 <= share <= 1.0 for share in args.glued):
        parser.error("--glued takes shares between 0 and 1")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    missing = [path for path in args.data if not Path(path).is_file()]
    if missing:
        parser.error(f"data file(s) not found: {', '.join(missing)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run_benchmark(args.data, args.glued, args.limit, args.seed)
    found = comparisons(results, seed=args.seed)
    settings = settings_dict(args.data, args.glued, args.limit, args.seed)
    out = write_split_report(args.out, results, found, settings)
    if args.json:
        print(
            json.dumps(
                {
                    "settings": settings,
                    "results": [r.to_dict() for r in results],
                    "comparisons": [c.to_dict() for c in found],
                    "environment": environment(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(markdown_table(_HEADERS, table_rows(results)))
        print()
        print(markdown_table(_COMPARISON_HEADERS, comparison_rows(found)))
        print(f"\nreport: {out / (REPORT_NAME + '.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
