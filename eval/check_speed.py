"""How the output checks' cost grows with the numbers in a text: seconds for 1,000 to 8,000 a side.

    python -m eval.check_speed                              # 1k, 2k, 4k and 8k numbers a side
    python -m eval.check_speed --sizes 500 1000 --repeats 1  # a quick run

The checks read what a user sends, inside the server's work slot, so their cost must grow with the
text, not with its square. Each size checks generated texts (:func:`numbers_pair`: an Arabic text
and an English one with N numbers each, in the forms each language writes them):

* ``translation``: :func:`summarizer.checks.check_translation` on a faithful pair (the same values
  in another order, one in ten changed: a finding each);
* ``disjoint``: the same on the sides of two unrelated pairs (few values shared: the most findings,
  the number check's worst case);
* ``summary``: :func:`summarizer.checks.check_summary` of an article of N numbers (one a sentence)
  against a summary of N other numbers (one a sentence).

Each check is timed in processor seconds (this process's CPU time: on a machine shared with other
processes, wall-clock time also counts the waits for a core) and in wall-clock seconds, the best of
``--repeats`` runs. The ratio per doubling is the CPU seconds at N over those at N/2 (for other steps,
normalised to one doubling): about 2 when the cost grows linearly, 4 when it grows with the square.
Measured figures only: nothing here asserts a speed.

Writes ``check_speed.json`` (every figure, the machine, library versions) and ``check_speed.md``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from eval.report import markdown_table, write_report
from summarizer.checks import check_summary, check_translation
from summarizer.choices import int_range

REPORT_NAME = "check_speed"
DEFAULT_SIZES = (1000, 2000, 4000, 8000)
CASES = ("translation", "disjoint", "summary")
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def numbers_pair(count: int, seed: int = 0) -> tuple[str, str]:
    """An Arabic text and its English with ``count`` numbers each, seeded.

    The number ``i`` is written, in turn: in digits (grouped with commas in the English), in
    Arabic-Indic digits, as a percent (``بالمئة``, ``percent``), with a thousand scale (``ألف``,
    ``thousand``) and as a decimal. One in ten English values is changed (by one); the English states
    its numbers in another order. Each number sits in a short clause, the clauses joined by commas.
    """
    rng = random.Random(seed)
    arabic, english = [], []
    for i in range(count):
        value = rng.randrange(1, 10_000_000)
        stated = value if i % 10 else value + 1
        form = i % 5
        if form == 0:
            ar, en = str(value), f"{stated:,}"
        elif form == 1:
            ar, en = str(value).translate(_INDIC), str(stated)
        elif form == 2:
            ar, en = f"{value % 100} بالمئة", f"{stated % 100} percent"
        elif form == 3:
            ar, en = f"{value % 1000} ألف", f"{stated % 1000} thousand"
        else:
            ar, en = f"{value / 100:.2f}", f"{stated / 100:.2f}"
        arabic.append(f"قال التقرير إن {ar} شخصا")
        english.append(f"the report said {en} people")
    rng.shuffle(english)
    return "، ".join(arabic) + ".", ", ".join(english) + "."


def clauses(arabic: str) -> list[str]:
    """The clauses of a generated Arabic text (:func:`numbers_pair`), one number each, as sentences."""
    return [clause + "." for clause in arabic.rstrip(".").split("، ")]


def case_inputs(case: str, count: int, seed: int = 0) -> tuple[Callable[[], list], int]:
    """The check to time for ``case`` at ``count`` numbers a side (a call with no arguments), and the
    quantities it compares (both sides)."""
    if case == "translation":
        arabic, english = numbers_pair(count, seed)
        return lambda: check_translation(arabic, english), 2 * count
    if case == "disjoint":
        arabic, _ = numbers_pair(count, seed + 1)
        _, english = numbers_pair(count, seed + 2)
        return lambda: check_translation(arabic, english), 2 * count
    if case == "summary":
        article, _ = numbers_pair(count, seed + 1)
        other, _ = numbers_pair(count, seed + 2)
        sentences, summary = clauses(article), " ".join(clauses(other))
        return lambda: check_summary(sentences, summary), 2 * count
    raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")


def best_seconds(check: Callable[[], list], repeats: int) -> tuple[float, float, int]:
    """The fastest of ``repeats`` runs of ``check``: its processor seconds (this process's CPU time,
    which other processes on a shared machine barely change), its wall-clock seconds, and the findings
    it returned."""
    cpu = wall = math.inf
    findings = 0
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        findings = len(check())
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return cpu, wall, findings


def per_doubling(seconds: float, previous_seconds: float, size: int, previous_size: int) -> float | None:
    """How many times the cost grows when the size doubles, between two measured sizes."""
    if size <= previous_size or previous_seconds <= 0:
        return None
    return (seconds / previous_seconds) ** (1 / math.log2(size / previous_size))


def run(sizes: Sequence[int], repeats: int, cases: Sequence[str] = CASES, log=None) -> dict:
    """Seconds, findings and the ratio per doubling of each case at each size."""
    rows = []
    previous: dict[str, tuple[int, float]] = {}
    for size in sorted(set(sizes)):
        row: dict = {"numbers_a_side": size}
        for case in cases:
            check, quantities = case_inputs(case, size)
            cpu, wall, findings = best_seconds(check, repeats)
            ratio = per_doubling(cpu, previous[case][1], size, previous[case][0]) if case in previous else None
            row[case] = {"cpu_seconds": cpu, "wall_seconds": wall, "findings": findings, "quantities": quantities,
                         "per_doubling": ratio}
            previous[case] = (size, cpu)
            if log:
                log(f"{case} at {size:,} numbers a side: {cpu:.3f} s CPU, {wall:.3f} s wall, {findings} findings")
        rows.append(row)
    return {"repeats": repeats, "cases": list(cases), "sizes": rows}


def render_markdown(payload: dict, command: str) -> str:
    cases = payload["cases"]
    headers = ["numbers a side"] + [h for case in cases for h in (f"{case} CPU s", "wall s", "x per doubling")]
    rows = []
    for row in payload["sizes"]:
        cells: list[object] = [f"{row['numbers_a_side']:,}"]
        for case in cases:
            ratio = row[case]["per_doubling"]
            cells += [f"{row[case]['cpu_seconds']:.3f}", f"{row[case]['wall_seconds']:.3f}",
                      "-" if ratio is None else f"{ratio:.2f}"]
        rows.append(cells)
    return (f"# Cost of the output checks by numbers a side\n\n`{command}`\n\nBest of {payload['repeats']} runs; "
            "CPU s: this process's processor time (wall s also counts waiting for a core that other processes "
            "hold); x per doubling, of the CPU time: about 2 for a linear cost, 4 for a quadratic one.\n\n"
            f"{markdown_table(headers, rows)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.check_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_range(1, 1_000_000), nargs="+", default=list(DEFAULT_SIZES),
                        metavar="N", help="numbers a side (default: 1000 2000 4000 8000)")
    parser.add_argument("--repeats", type=int_range(1, 100), default=3, help="runs per figure, the best kept (default 3)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES), help="which checks (default: all)")
    parser.add_argument("--out", default=str(Path("reports") / REPORT_NAME), help="report folder (default reports/check_speed)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = "python -m eval.check_speed " + " ".join(argv if argv is not None else sys.argv[1:])

    def log(message: str) -> None:
        print(f"[check_speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    payload = run(args.sizes, args.repeats, args.cases, log)
    payload["command"] = command.strip()
    markdown = render_markdown(payload, command.strip())
    write_report(Path(args.out), REPORT_NAME, payload, markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
