"""Corpus BLEU, chrF and chrF++ with sacrebleu, each printed with its signature.

Why a wrapper at all: a BLEU figure is only comparable with another one computed the same way
(tokenisation, smoothing, casing, number of references). sacrebleu fixes those choices and names
them in a signature; we keep its defaults (13a tokenisation, exponential smoothing, mixed case,
chrF with character 6-grams and beta 2, chrF++ = chrF plus word bigrams) and never print a score
without its signature. With these defaults ``python -m eval.bleu`` reproduces the published BLEU
of the FLORES-101 ar-en systems in ``flores101-systems/devtest`` under the data root (eval/data.py)
to 0.1 (see the tests).

References follow sacrebleu's layout: ``refs`` is a list of reference *streams*, each aligned
with ``hyps`` (``refs[k][i]`` is the k-th reference of segment i), not a list per segment.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sacrebleu.metrics import BLEU, CHRF

from eval.report import cli_error


@dataclass(frozen=True)
class BleuResult:
    """sacrebleu scores (0..100) and the signature of each; BLEU details for reports."""

    bleu: float
    chrf: float
    chrf_pp: float
    bleu_signature: str
    chrf_signature: str
    chrf_pp_signature: str
    n_segments: int
    n_refs: int
    bleu_precisions: tuple[float, ...] = ()
    bleu_bp: float = 1.0
    sys_len: int = 0
    ref_len: int = 0

    def to_dict(self) -> dict:
        """JSON-ready copy; the precisions become a list."""
        out = asdict(self)
        out["bleu_precisions"] = list(self.bleu_precisions)
        return out


def score_corpus(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> BleuResult:
    """BLEU, chrF and chrF++ of ``hyps`` against one or more reference streams."""
    hyps = list(hyps)
    refs = [list(stream) for stream in refs]
    if not refs:
        raise ValueError("at least one reference stream is needed")
    for k, stream in enumerate(refs):
        if len(stream) != len(hyps):
            raise ValueError(f"reference stream {k + 1} has {len(stream)} segments, hypotheses {len(hyps)}")
    if not hyps:
        raise ValueError("no segments to score")

    bleu_metric = BLEU()
    chrf_metric = CHRF()
    chrf_pp_metric = CHRF(word_order=2)
    bleu = bleu_metric.corpus_score(hyps, refs)
    chrf = chrf_metric.corpus_score(hyps, refs)
    chrf_pp = chrf_pp_metric.corpus_score(hyps, refs)
    return BleuResult(
        bleu=float(bleu.score),
        chrf=float(chrf.score),
        chrf_pp=float(chrf_pp.score),
        bleu_signature=str(bleu_metric.get_signature()),
        chrf_signature=str(chrf_metric.get_signature()),
        chrf_pp_signature=str(chrf_pp_metric.get_signature()),
        n_segments=len(hyps),
        n_refs=len(refs),
        bleu_precisions=tuple(float(p) for p in bleu.precisions),
        bleu_bp=float(bleu.bp),
        sys_len=int(bleu.sys_len),
        ref_len=int(bleu.ref_len),
    )


# ---------------------------------------------------------------- CLI


def read_lines(path: str) -> list[str]:
    """One segment a line, read as the sacrebleu CLI does (split on LF, trailing blanks removed)."""
    with open(path, encoding="utf-8", newline="\n") as handle:
        return [line.rstrip() for line in handle]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bleu",
        description="Corpus BLEU, chrF and chrF++ (sacrebleu defaults), each with its signature. "
        "Files hold one segment a line.",
    )
    parser.add_argument("--hyp", required=True, help="system output, one segment a line")
    parser.add_argument(
        "--ref", required=True, action="append", help="reference file, aligned with --hyp; repeat for more"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    prog = parser.prog

    try:
        hyps = read_lines(args.hyp)
        refs = [read_lines(path) for path in args.ref]
    except FileNotFoundError as exc:
        return cli_error(prog, f"file not found: {exc.filename}")
    except (OSError, UnicodeDecodeError) as exc:
        return cli_error(prog, f"cannot read input: {exc}")
    for path, stream in zip(args.ref, refs, strict=True):
        if len(stream) != len(hyps):
            return cli_error(prog, f"line counts differ: {args.hyp} has {len(hyps)}, {path} has {len(stream)}")
    try:
        result = score_corpus(hyps, refs)
    except ValueError as exc:
        return cli_error(prog, str(exc))

    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"BLEU   {result.bleu:6.2f}  {result.bleu_signature}")
    print(f"chrF   {result.chrf:6.2f}  {result.chrf_signature}")
    print(f"chrF++ {result.chrf_pp:6.2f}  {result.chrf_pp_signature}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
