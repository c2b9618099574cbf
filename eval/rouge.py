"""``python -m eval.rouge``: Arabic ROUGE-1/2/L/Lsum of two files, one text a line.

The scorer is :mod:`summarizer.rouge` (tokenisation equal to XL-Sum's multilingual ROUGE, stemming and
normalisation options, bootstrap confidence intervals; its docstring says how and why). This module
is only the command line; the scorer's names are re-exported for existing ``eval.rouge`` imports.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from eval.report import cli_error
from summarizer.rouge import (
    DEFAULT_METRICS,
    DEFAULT_SEED,
    STEMMERS,
    VERSION,
    ArabicTokenizer,
    MetricScore,
    RougeResult,
    basic_tokens,
    bootstrap_ci,
    make_stemmer,
    score_pairs,
    signature,
    split_letters_numbers,
)

__all__ = [
    "DEFAULT_METRICS",
    "DEFAULT_SEED",
    "STEMMERS",
    "VERSION",
    "ArabicTokenizer",
    "MetricScore",
    "RougeResult",
    "basic_tokens",
    "bootstrap_ci",
    "main",
    "make_stemmer",
    "read_lines",
    "score_pairs",
    "signature",
    "split_letters_numbers",
]


def read_lines(path: str) -> list[str]:
    """One text a line (LF, CRLF or CR); a final newline does not make an extra empty text.

    Only line feeds split: ``str.splitlines`` would also split on U+2028, form feed, etc.
    """
    with open(path, encoding="utf-8", newline=None) as handle:
        lines = handle.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.rouge",
        description="ROUGE-1/2/L/Lsum for Arabic (XL-Sum multilingual ROUGE tokenisation), "
        "with bootstrap confidence intervals. Both files hold one text a line.",
    )
    parser.add_argument("--hyp", required=True, help="system outputs, one a line")
    parser.add_argument("--ref", required=True, help="references, one a line, aligned with --hyp")
    parser.add_argument(
        "--stem",
        nargs="?",
        const="snowball",
        default="none",
        choices=STEMMERS,
        help="stem tokens longer than 3 characters; bare --stem means snowball (default: none)",
    )
    parser.add_argument(
        "--normalize", action="store_true", help="fold alef/ya/ta marbuta, drop tatweel and diacritics"
    )
    parser.add_argument(
        "--metrics", default=",".join(DEFAULT_METRICS), help="comma-separated (default: %(default)s)"
    )
    parser.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples (default: 1000)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed (default: %(default)s)"
    )
    parser.add_argument(
        "--sentence-sep",
        default=None,
        metavar="STR",
        help="string inside a line that marks a sentence break for ROUGE-Lsum, e.g. '<n>'",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    prog = parser.prog

    texts = {}
    for role in ("hyp", "ref"):
        path = getattr(args, role)
        try:
            texts[role] = read_lines(path)
        except FileNotFoundError:
            return cli_error(prog, f"--{role} file not found: {path}")
        except (OSError, UnicodeDecodeError) as exc:
            return cli_error(prog, f"cannot read --{role} file {path}: {exc}")
    hyps, refs = texts["hyp"], texts["ref"]
    if len(hyps) != len(refs):
        return cli_error(prog, f"line counts differ: {args.hyp} has {len(hyps)}, {args.ref} has {len(refs)}")
    if not hyps:
        return cli_error(prog, "the files are empty")
    if args.sentence_sep:
        hyps = [h.replace(args.sentence_sep, "\n") for h in hyps]
        refs = [r.replace(args.sentence_sep, "\n") for r in refs]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    try:
        result = score_pairs(
            hyps,
            refs,
            stem=args.stem,
            normalize=args.normalize,
            metrics=metrics,
            n_resamples=args.n_resamples,
            seed=args.seed,
        )
    except ValueError as exc:
        return cli_error(prog, str(exc))

    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    pct = round(result.confidence * 100)
    for name, s in result.scores.items():
        lo, hi = s.fmeasure_ci
        print(
            f"{name:<9} F1 {100 * s.fmeasure:6.2f} [{100 * lo:6.2f}, {100 * hi:6.2f}]"
            f"  P {100 * s.precision:6.2f}  R {100 * s.recall:6.2f}"
        )
    print(f"pairs: {result.n_pairs}  ({pct}% bootstrap CI)")
    print(result.signature)
    return 0


if __name__ == "__main__":
    sys.exit(main())
