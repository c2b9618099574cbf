"""Seconds per seed article: the quickmt stand-in (CTranslate2-native) against ``best``'s (Opus-MT tc-big).

``python -m eval.quickmt_speed`` builds (once, cached) the shape-true stand-ins of quickmt/quickmt-ar-en
(eval/standins.py: its siblings' published shape, laid out as quickmt ships it: model.bin and SentencePiece
models, no transformers files, int8) and of Helsinki-NLP/opus-mt-tc-big-ar-en (exported to CTranslate2
int8), then times, in ONE process, the pipeline's translation of each seed article (clean, split, every
sentence translated with 4 beams; no summary) with each model, the models taking turns article by article
(the order rotating), as ``python -m eval.speed --choices`` does for the other choices (and with its
timing code).

Random weights decode arbitrary lengths, so both are forced to the same number of output tokens per
sentence: tc-big spends the last of ``max_new_tokens`` on Marian's forced end token, which a native model
does not have, so quickmt gets one token less and both write ``--translation-tokens - 1`` real tokens.
Both are timed with the vocabulary restriction off and on (the default): tc-big's export trimmed to the
English pieces, quickmt's through CTranslate2's vocabulary map (engines/ctranslate2_native.py).

Prints a Markdown table and the load averages; ``--json PATH`` writes every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from eval.data import add_data_root_option
from eval.speed import (
    StageTimer,
    TimedEngine,
    _ct2_threads,
    _export,
    _median,
    _ratio,
    _rotated,
    article_sentences,
    cpu_facts,
    expected_output_tokens,
    output_token_counts,
    seed_articles,
)
from eval.standins import DEFAULT_CACHE, SEEDS, ensure_choice_standins, ensure_quickmt_native


def _log(message: str) -> None:
    print(f"[quickmt-speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prepare(cache: Path, data_root) -> dict[str, dict[str, str]]:
    """Per model and restriction, what ``load_engine`` is given: tc-big's int8 exports, quickmt's native folder."""
    best = ensure_choice_standins(["best"], cache, log=_log, data_root=data_root)["best"]
    native = ensure_quickmt_native(cache, log=_log, data_root=data_root)
    ct2 = cache / "ct2"
    return {
        "best": {"off": str(_export(best, "int8", ct2, _log)), "on": str(_export(best, "int8", ct2, _log, "en"))},
        "quickmt": {"off": str(native), "on": str(native)},
    }


def run(args) -> dict:
    from summarizer.engines.base import TRANSLATION_DECODING
    from summarizer.engines.loader import clear_cache, load_engine
    from summarizer.pipeline import Pipeline
    from summarizer.stages.translate import Translator

    load_start = os.getloadavg()
    models = prepare(Path(args.cache).expanduser(), args.data_root)
    texts = seed_articles(args.articles, args.limit_sentences)
    sentences = [article_sentences(t) for t in texts]
    base = TRANSLATION_DECODING.but(num_beams=args.beams)
    decodings = {"best": base.but(min_new_tokens=args.translation_tokens, max_new_tokens=args.translation_tokens),
                 "quickmt": base.but(min_new_tokens=args.translation_tokens - 1,
                                     max_new_tokens=args.translation_tokens - 1)}
    clear_cache()
    entries, pipelines, timers = {}, {}, {}
    for restriction in args.restriction:
        for model, folders in models.items():
            name = f"{model}/{restriction}"
            engine = load_engine(folders[restriction], role="translation", engine="ctranslate2", quantization="int8",
                                 vocab_restriction=restriction)
            timers[name] = StageTimer()
            pipelines[name] = Pipeline.from_stages(None, Translator(
                TimedEngine(engine, timers[name]), decoding=decodings[model], batch_size=args.translation_batch_size),
                summary_method="lead")
            counts = output_token_counts(engine, sentences[0][:2], decodings[model])
            entries[name] = {"engine": type(engine).__name__, "family": engine.family.name,
                             "vocab_restriction": engine.vocab_restriction,
                             "output_tokens": counts, "forced_length_ok": all(
                                 c == expected_output_tokens(engine, decodings[model]) for c in counts),
                             "per_article": []}
    names = list(entries)
    for i, text in enumerate(texts):
        for name in _rotated(names, i):
            timers[name].reset()
            started = time.perf_counter()
            result = pipelines[name](text)
            seconds = time.perf_counter() - started
            scores = [p.score for p in result.translation if p.score is not None]
            entries[name]["per_article"].append({"article": i, "seconds": seconds, **timers[name].snapshot(),
                                                 "scores_finite": all(map(math.isfinite, scores))})
            _log(f"article {i + 1}/{len(texts)}: {name} {seconds:.1f} s")
    for name, entry in entries.items():
        entry["median_seconds"] = _median([r["seconds"] for r in entry["per_article"]])
        best = entries.get(f"best/{name.split('/')[1]}")
        entry["vs_best"] = _ratio(entry["median_seconds"], best["median_seconds"] if best else None)
    settings = {"articles": [p.name for p in SEEDS[: args.articles]], "beams": args.beams,
                "translation_tokens": args.translation_tokens, "batch_size": args.translation_batch_size,
                "cpu": cpu_facts(), "ctranslate2_threads": _ct2_threads(),
                "load_average_start": load_start, "load_average_end": os.getloadavg()}
    return {"settings": settings, "models": entries}


def render(payload: dict) -> str:
    lines = ["| model / restriction | seconds per article (median) | vs best | output tokens forced |",
             "|---|---:|---:|---|"]
    for name, entry in payload["models"].items():
        ratio = entry["vs_best"]
        lines.append(f"| {name} | {entry['median_seconds']:.2f} | {ratio:.2f}x | "
                     f"{'ok' if entry['forced_length_ok'] else 'NOT HELD'} |")
    s = payload["settings"]
    lines.append("")
    lines.append(f"{len(s['articles'])} seed articles, {s['beams']} beams, {s['translation_tokens'] - 1} real output "
                 f"tokens per sentence, CTranslate2 int8, {s['ctranslate2_threads']} thread(s) per model; load "
                 f"average {s['load_average_start'][0]:.2f} at the start, {s['load_average_end'][0]:.2f} at the end.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.quickmt_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help=f"stand-ins' folder (default {DEFAULT_CACHE})")
    parser.add_argument("--articles", type=int, default=len(SEEDS), help="first N seed articles (default all)")
    parser.add_argument("--limit-sentences", type=int, default=None, help="first N sentences of each article")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--translation-tokens", type=int, default=36,
                        help="forced max_new_tokens for best (quickmt: one less; default 36, as eval.speed)")
    parser.add_argument("--translation-batch-size", type=int, default=16)
    parser.add_argument("--restriction", nargs="+", choices=("off", "on"), default=["off", "on"])
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    add_data_root_option(parser)
    args = parser.parse_args(argv)
    payload = run(args)
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(render(payload))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
