"""Benchmark report folders: every figure as JSON, a Markdown table, and PNG charts.

One writer for every benchmark, so each report records the same facts about how it was made
(library versions, machine, settings) next to its numbers.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

_LIBRARIES = ("torch", "transformers", "ctranslate2", "sentencepiece", "sacrebleu", "rouge-score", "nltk", "pysbd")


def environment() -> dict:
    """Versions and machine facts that a reader needs to compare two reports."""
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    memory_gib = None
    with contextlib.suppress(ValueError, OSError, AttributeError):  # not every OS has these
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_gib": memory_gib,
        "libraries": versions,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def cli_error(prog: str, message: object) -> int:
    """Print ``prog: error: message`` on one line (as argparse does) and return exit status 2."""
    print(f"{prog}: error: {' '.join(str(message).split())}", file=sys.stderr)
    return 2


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table; floats are printed with 2 decimals."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def bar_chart(path: Path, title: str, labels: Sequence[str], series: dict[str, Sequence[float]], ylabel: str) -> Path:
    """A grouped bar chart, one group per label and one bar per series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(min(12, max(6, 0.9 * len(labels) * max(1, len(series)))), 4.5))
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        xs = [x + i * width for x in range(len(labels))]
        bars = ax.bar(xs, values, width=width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    ax.set_xticklabels(labels, rotation=15, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(out_dir: str | Path, name: str, payload: dict, markdown: str) -> Path:
    """Write ``NAME.json`` (payload + environment) and ``NAME.md``; returns the folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    payload = {**payload, "environment": environment()}
    (out / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / f"{name}.md").write_text(markdown.rstrip() + "\n", encoding="utf-8")
    return out
