"""Throughput of ``Pipeline.batch`` over many articles, per engine, on a GPU or the CPU.

    python -m eval.throughput --device cuda --articles 512            # stand-ins, on one GPU
    python -m eval.throughput --tiny --articles 8                      # the tests' tiny models (CI)

What a newsroom running ``summarizer batch`` on one GPU gets: articles per second for the whole
pipeline (summary with the published 4 beams, every sentence translated, the English summary), for
the transformers engine in half precision (bfloat16 for mT5, which overflows float16; float16 for
Opus-MT) and for CTranslate2 with its GPU compute types (``options.GPU_COMPUTE_TYPES``), with the
device's batch limits (``options.BATCH_LIMITS``). The models are the shape-true stand-ins
(``eval.standins``: random weights, published shapes), so output lengths are forced as in
``eval.speed`` (84 summary tokens, 36 per sentence) for every engine to do the same work.

The report names the device (GPU name and memory) and the peak GPU memory PyTorch saw. The articles
are the seeds, repeated (``--articles N``). Measured figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eval.data import add_data_root_option
from eval.report import markdown_table, write_report
from eval.speed import SEEDS, prepare_models
from eval.standins import DEFAULT_CACHE
from summarizer.choices import DEVICES, GPU_COMPUTE_TYPES, GROUP_SIZES, int_range

REPORT_NAME = "throughput"
ENGINES = ("transformers", "ctranslate2")


def device_facts(device: str) -> dict:
    """The device's name and memory (a GPU's, from PyTorch), or the CPU's core count."""
    if device == "cuda":
        import torch

        props = torch.cuda.get_device_properties(0)
        return {"device": "cuda", "name": props.name, "memory_gb": round(props.total_memory / 1e9, 1),
                "count": torch.cuda.device_count()}
    import os

    return {"device": "cpu", "name": "CPU", "cores": len(os.sched_getaffinity(0))}


def build_pipeline(engine: str, models: dict, device: str, decoding: dict):
    """The pipeline a user gets on ``device`` with ``engine``, over the stand-ins (or tiny models)."""
    from summarizer.choices import BATCH_LIMITS
    from summarizer.engines.loader import load_engine
    from summarizer.engines.transformers_engine import TransformersEngine
    from summarizer.pipeline import Pipeline
    from summarizer.stages.abstractive import AbstractiveSummarizer
    from summarizer.stages.translate import Translator

    engines = {}
    for role, kind in (("summary", "mt5"), ("translation", "marian")):
        if engine == "transformers":
            loaded = TransformersEngine.load(str(models[kind]["hf"]), device=device)
            if device == "cuda":  # half precision, as CTranslate2's GPU compute types
                import torch

                loaded.model.to(torch.bfloat16 if role == "summary" else torch.float16)
        else:
            loaded = load_engine(str(models[kind]["hf"]), role=role, engine="ctranslate2", device=device)
        engines[role] = loaded
    (summary_size, summary_tokens), (translation_size, translation_tokens) = (
        BATCH_LIMITS[device]["summary"], BATCH_LIMITS[device]["translation"])
    return Pipeline.from_stages(
        AbstractiveSummarizer(engines["summary"], decoding=decoding["summary"], batch_size=summary_size,
                              max_batch_tokens=summary_tokens),
        Translator(engines["translation"], decoding=decoding["translation"], batch_size=translation_size,
                   max_batch_tokens=translation_tokens),
        device=device,
    )


def run(args) -> dict:
    from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from summarizer.engines.loader import clear_cache

    def log(message: str) -> None:
        print(f"[throughput {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    models = prepare_models(Path(args.cache).expanduser(), args.tiny, log, args.data_root)
    decoding = {
        "summary": SUMMARY_DECODING.but(num_beams=args.beams, min_new_tokens=args.summary_tokens,
                                        max_new_tokens=args.summary_tokens),
        "translation": TRANSLATION_DECODING.but(num_beams=args.beams, min_new_tokens=args.translation_tokens,
                                                max_new_tokens=args.translation_tokens),
    }
    seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
    articles = [{"id": str(i), "text": seeds[i % len(seeds)]} for i in range(args.articles)]
    results: dict[str, dict] = {}
    for engine in args.engines:
        clear_cache()
        log(f"{engine} on {args.device}: loading...")
        pipeline = build_pipeline(engine, models, args.device, decoding)
        list(pipeline.batch(articles[: min(2, len(articles))], progress=False))  # warm-up (CUDA kernels, caches)
        peak = _reset_gpu_peak(args.device)
        log(f"{engine}: {len(articles)} articles, groups of {GROUP_SIZES[args.device]}...")
        started = time.perf_counter()
        done = list(pipeline.batch(articles, progress=False))
        seconds = time.perf_counter() - started
        failed = sum(r.error is not None for r in done)
        sentences = sum(len(r.sentences) for r in done)
        results[engine] = {
            "articles": len(done), "failed": failed, "seconds": seconds, "articles_per_second": len(done) / seconds,
            "sentences_per_second": sentences / seconds,
            "peak_gpu_memory_gb": peak() if peak else None,
            "compute_types": GPU_COMPUTE_TYPES if engine == "ctranslate2" and args.device == "cuda" else None,
        }
    if {"transformers", "ctranslate2"} <= set(results):
        results["ctranslate2"]["vs_transformers"] = (
            results["ctranslate2"]["articles_per_second"] / results["transformers"]["articles_per_second"])
    return {"device": device_facts(args.device), "tiny": args.tiny, "beams": args.beams,
            "forced_tokens": {"summary": args.summary_tokens, "translation_per_sentence": args.translation_tokens},
            "group_size": GROUP_SIZES[args.device], "engines": results}


def _reset_gpu_peak(device: str):
    if device != "cuda":
        return None
    import torch

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    return lambda: round(torch.cuda.max_memory_allocated() / 1e9, 2)


def render_markdown(payload: dict, command: str) -> str:
    device = payload["device"]
    where = (f"{device['name']}, {device['memory_gb']} GB" if device["device"] == "cuda"
             else f"CPU, {device['cores']} cores")
    rows = [[engine, e["articles"], e["failed"], f"{e['seconds']:.1f}", f"{e['articles_per_second']:.2f}",
             f"{e['sentences_per_second']:.1f}", e["peak_gpu_memory_gb"] if e["peak_gpu_memory_gb"] is not None else "-",
             f"{e['vs_transformers']:.2f}x" if "vs_transformers" in e else "-"]
            for engine, e in payload["engines"].items()]
    table = markdown_table(["engine", "articles", "failed", "seconds", "articles/s", "sentences/s",
                            "peak GPU GB (PyTorch)", "vs transformers"], rows)
    models = "the tests' tiny models" if payload["tiny"] else "shape-true stand-ins (random weights)"
    return (f"# Pipeline.batch throughput on {where}\n\n`{command}`\n\nModels: {models}; {payload['beams']} beams; "
            f"output lengths forced ({payload['forced_tokens']['summary']} summary tokens, "
            f"{payload['forced_tokens']['translation_per_sentence']} per sentence); articles in groups of "
            f"{payload['group_size']}.\n\n{table}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=DEVICES, default="cuda")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--articles", type=int_range(1, 100_000), default=512, help="seed articles, repeated")
    parser.add_argument("--beams", type=int_range(1, 16), default=4)
    parser.add_argument("--summary-tokens", type=int_range(1, 512), default=84)
    parser.add_argument("--translation-tokens", type=int_range(1, 512), default=36)
    parser.add_argument("--tiny", action="store_true", help="the tiny test models instead of the stand-ins")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help=f"stand-ins and exports (default {DEFAULT_CACHE})")
    parser.add_argument("--out", default=str(Path("reports") / REPORT_NAME))
    add_data_root_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            print("python -m eval.throughput: error: --device cuda, but PyTorch sees no CUDA GPU "
                  "(use --device cpu)", file=sys.stderr)
            return 2
    command = "python -m eval.throughput " + " ".join(argv if argv is not None else sys.argv[1:])
    payload = run(args)
    markdown = render_markdown(payload, command.strip())
    write_report(Path(args.out), REPORT_NAME, payload, markdown)
    print(markdown)
    print(json.dumps(payload["engines"], indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
