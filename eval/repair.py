"""What the repair step changes and costs: findings before and after, sentences repaired, time per article.

    python -m eval.repair                         # tiny Marian and NLLB, both engines, the five seeds
    python -m eval.repair --engines ctranslate2 --repeats 1   # a quick run

Each seed article (``seeds/``) is translated sentence by sentence (``Pipeline.translate``, checks on)
twice in the same process, once with ``repair="off"`` and once with ``repair="on"``, by tiny models built
from scratch (``eval.models``: random weights, a 400-piece vocabulary). Their English is gibberish, so
their checks find a lot: loops, Arabic left untranslated (the transformers engine decodes with the whole
vocabulary; CTranslate2 with the English pieces only), numbers and negations that do not match. That is
what makes the measurement mean something: how many of those findings a second decoding removes, and
what it costs when many sentences are flagged. A real model has far fewer findings, so it pays less.

Per model and engine: the findings by code with repair off (before) and on (after), the sentences the
repair step decoded again and those it replaced, and the seconds per article off and on (the best of
``--repeats``, off and on in turn) with their ratio. Measured figures only: nothing here asserts a speed.

Writes ``repair.json`` (every figure, the machine, library versions) and ``repair.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from eval.models import build_tiny_marian, build_tiny_nllb
from eval.report import markdown_table, write_report
from summarizer.choices import int_range
from summarizer.engines.base import TRANSLATION_DECODING
from summarizer.result import Result

REPORT_NAME = "repair"
ROOT = Path(__file__).resolve().parent.parent
MODELS: dict[str, Callable[[Path], Path]] = {"tiny-marian": build_tiny_marian, "tiny-nllb": build_tiny_nllb}
ENGINES = ("ctranslate2", "transformers")


def seed_texts(folder: Path = ROOT / "seeds") -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]


def tally(results: list[Result]) -> dict:
    """Findings by code, the sentences decoded again and those replaced."""
    pairs = [pair for result in results for pair in result.translation]
    return {"sentences": len(pairs),
            "findings": dict(sorted(Counter(f.code for pair in pairs for f in pair.findings).items())),
            "flagged_sentences": sum(1 for pair in pairs if pair.findings),
            "decoded_again": sum(1 for pair in pairs if pair.repair is not None),
            "repaired": sum(1 for pair in pairs if pair.repaired)}


def measure(pipeline, texts: list[str], repeats: int) -> dict:
    """Both settings on the same pipeline, in turn, ``repeats`` times; the best seconds per article."""
    seconds: dict[str, list[float]] = {"off": [], "on": []}
    outcome: dict[str, list[Result]] = {}
    for _ in range(repeats):
        for repair in ("off", "on"):
            started = time.perf_counter()
            outcome[repair] = [pipeline.translate(text, repair=repair) for text in texts]
            seconds[repair].append((time.perf_counter() - started) / len(texts))
    off, on = min(seconds["off"]), min(seconds["on"])
    return {"before": tally(outcome["off"]), "after": tally(outcome["on"]),
            "seconds_per_article": {"off": round(off, 4), "on": round(on, 4)}, "ratio": round(on / off, 2)}


def run(models: list[str], engines: list[str], repeats: int, max_new_tokens: int, log) -> dict:
    from summarizer.pipeline import Pipeline

    texts = seed_texts()
    decoding = TRANSLATION_DECODING.but(max_new_tokens=max_new_tokens)
    rows = []
    with tempfile.TemporaryDirectory(prefix="eval-repair-") as tmp:
        for name in models:
            folder = MODELS[name](Path(tmp) / name)
            for engine in engines:
                log(f"{name} on {engine}")
                pipeline = Pipeline(None, str(folder), summary_method="none", engine=engine,
                                    translation_decoding=decoding)
                pipeline.translate(texts[0], repair="off")  # warm-up: loading and the first call, untimed
                rows.append({"model": name, "engine": engine, **measure(pipeline, texts, repeats)})
    return {"articles": len(texts), "repeats": repeats, "decoding": {"num_beams": decoding.num_beams,
                                                                      "max_new_tokens": max_new_tokens},
            "runs": rows}


def render_markdown(payload: dict, command: str) -> str:
    codes = sorted({code for row in payload["runs"] for part in ("before", "after") for code in row[part]["findings"]})
    headers = ["model", "engine", *[f"{code} before→after" for code in codes], "decoded again", "repaired",
               "s/article off", "s/article on", "on/off"]
    table = [[row["model"], row["engine"],
              *[f"{row['before']['findings'].get(c, 0)}→{row['after']['findings'].get(c, 0)}" for c in codes],
              f"{row['after']['decoded_again']} of {row['after']['sentences']}", row["after"]["repaired"],
              row["seconds_per_article"]["off"], row["seconds_per_article"]["on"], f"{row['ratio']}x"]
             for row in payload["runs"]]
    return (f"# The repair step on tiny random models\n\n`{command}`\n\n{payload['articles']} seed articles, "
            f"beam {payload['decoding']['num_beams']}, at most {payload['decoding']['max_new_tokens']} tokens; "
            f"best of {payload['repeats']} runs, repair off and on in turn in one process.\n\n"
            f"{markdown_table(headers, table)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.repair", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS),
                        help="tiny models (default: both)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="default: both")
    parser.add_argument("--repeats", type=int_range(1, 100), default=3, help="runs per figure, the best kept (default 3)")
    parser.add_argument("--max-new-tokens", type=int_range(1, 512), default=48,
                        help="tokens per sentence at most (default 48: random models rarely stop on their own)")
    parser.add_argument("--out", default=str(Path("reports") / REPORT_NAME), help="report folder (default reports/repair)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = ("python -m eval.repair " + " ".join(argv if argv is not None else sys.argv[1:])).strip()

    def log(message: str) -> None:
        print(f"[repair {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    payload = run(args.models, args.engines, args.repeats, args.max_new_tokens, log)
    payload["command"] = command
    markdown = render_markdown(payload, command)
    write_report(Path(args.out), REPORT_NAME, payload, markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
