"""How fast ``summarizer batch --ray`` is on this machine, against the one-machine batch.

    python -m eval.ray_speed [--small 8] [--large 24] [--repeat 2] [--tiny] [--out reports/ray_speed]

Three configurations, each run in a fresh process and timed from outside, as a user running the
command would see it (interpreter start, imports, model loads, work, shutdown):

* one machine: what ``summarizer batch`` does (``Pipeline.batch``, groups of 8), all cores;
* Ray, 1 worker x all cores, and Ray, N workers x 1 core (N = the cores): ``summarizer.batch.job.run``
  on a local Ray (127.0.0.1), shards of ``--shard-size`` articles.

Each runs at two input sizes, ``--repeat`` rounds (the fastest counts: the machine may be shared). The straight line through the two points gives the configuration's
fixed cost (start-up, model loads) and its steady throughput; where Ray's line crosses the one-machine
line is the input size from which Ray pays off here. ``ray.init`` + ``ray.shutdown`` alone are timed
too (Ray's own start-up).

Models: the shape-true stand-ins of ``eval.standins`` (every dimension of Opus-MT and mT5-base,
random weights) as CTranslate2 int8 exports, decoding with output lengths forced as in ``eval.speed``
(4 beams, 36 tokens per translated sentence, 84 per summary), so the arithmetic per article is the
real models'. ``--tiny`` uses the tests' tiny models instead (a smoke test of the script, not a
measurement). Writes ``reports/ray_speed/ray_speed.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eval.report import cli_error, markdown_table, write_report
from eval.standins import DEFAULT_CACHE, SEEDS

ROOT = Path(__file__).resolve().parents[1]
REPORT_NAME = "ray_speed"


@dataclass(frozen=True)
class StandinPipeline:
    """Builds the benchmark's Pipeline in each worker (picklable: Ray sends it to the actors)."""

    summary_model: str
    translation_model: str
    beams: int = 4
    translation_tokens: int = 36
    summary_tokens: int = 84

    def __call__(self):
        from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
        from summarizer.pipeline import Pipeline

        return Pipeline(
            self.summary_model, self.translation_model, engine="ctranslate2",
            summary_decoding=SUMMARY_DECODING.but(num_beams=self.beams, min_new_tokens=self.summary_tokens,
                                                  max_new_tokens=self.summary_tokens),
            translation_decoding=TRANSLATION_DECODING.but(
                num_beams=self.beams, min_new_tokens=self.translation_tokens, max_new_tokens=self.translation_tokens),
        )


def line_through(small: tuple[int, float], large: tuple[int, float]) -> dict:
    """Seconds = fixed + articles / rate, through two (articles, seconds) points."""
    (n1, t1), (n2, t2) = small, large
    per_article = (t2 - t1) / (n2 - n1)
    return {"fixed_seconds": t1 - n1 * per_article, "seconds_per_article": per_article,
            "articles_per_second": 1 / per_article if per_article > 0 else None}  # None: noise beat the work


def break_even(one: dict, ray: dict) -> float | None:
    """Articles from which ``ray`` takes less time than ``one``; None when it never does (or a line is noise)."""
    if one["seconds_per_article"] <= 0 or ray["seconds_per_article"] <= 0:
        return None
    gain = one["seconds_per_article"] - ray["seconds_per_article"]
    if gain <= 0:
        return None
    return max(0.0, (ray["fixed_seconds"] - one["fixed_seconds"]) / gain)


def write_jobs(path: Path, n: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"a{i:04d}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")


# -- what each fresh process runs ----------------------------------------------------------------
def _child_one(factory: StandinPipeline, jobs: str, group_size: int) -> dict:
    from summarizer.batch.records import read_records

    started = time.perf_counter()
    pipeline = factory()
    loaded = time.perf_counter()
    items = [{"id": r.id, "text": r.text} for r in read_records(jobs)]
    results = list(pipeline.batch(items, group_size=group_size, progress=False))
    errors = [r.error for r in results if r.error]
    if errors:
        raise RuntimeError(f"an article failed: {errors[0]}")
    return {"load_seconds": loaded - started, "work_seconds": time.perf_counter() - loaded}


def _child_ray(factory: StandinPipeline, jobs: str, output: str, workers: int, cpus: int, shard_size: int,
               group_size: int) -> dict:
    from summarizer.batch.job import run

    summary = run(jobs, output, workers=workers, cpus_per_worker=cpus, shard_size=shard_size,
                  group_size=group_size, pipeline_factory=factory, progress=False, log=lambda _: None)
    if summary.failed:
        raise RuntimeError(f"{summary.failed} article(s) failed")
    return {"startup_seconds": summary.startup_seconds, "ray_seconds": summary.seconds,
            "shards_per_worker_process": [n for _, _, n in summary.worker_pids]}


def _child_ray_start() -> dict:
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    import ray

    from summarizer.batch.job import LOCAL_OBJECT_STORE_BYTES

    started = time.perf_counter()
    ray.init(address="local", _node_ip_address="127.0.0.1", include_dashboard=False,
             object_store_memory=LOCAL_OBJECT_STORE_BYTES, logging_level="WARNING")
    ready = time.perf_counter()
    ray.shutdown()
    return {"init_seconds": ready - started, "shutdown_seconds": time.perf_counter() - ready}


def _timed(args: list[str], env: dict) -> dict:
    """Run ``python -m eval.ray_speed child ...`` and time it from outside."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "eval.ray_speed", "child", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=3600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return {"seconds": seconds, **json.loads(done.stdout.strip().splitlines()[-1])}


# -- the benchmark --------------------------------------------------------------------------------
def run_benchmark(args) -> dict:
    from eval.speed import prepare_models

    def log(message: str) -> None:
        print(f"[ray_speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    models = prepare_models(Path(args.cache).expanduser(), args.tiny, log)
    factory = StandinPipeline(str(models["mt5"]["int8"]), str(models["marian"]["int8"]))
    if args.tiny:
        factory = StandinPipeline(str(models["mt5"]["int8"]), str(models["marian"]["int8"]), beams=1,
                                  translation_tokens=8, summary_tokens=8)
    factory_arg = json.dumps(factory.__dict__)
    work = Path(tempfile.mkdtemp(prefix="ray_speed-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_TMPDIR": tempfile.mkdtemp(prefix="rs", dir="/tmp"),
           "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           # Ray runs its workers at niceness 15, the one-machine process runs at 0: on a shared machine
           # that alone would slow Ray down. Same priority for both, to compare the engines.
           "RAY_worker_niceness": "0"}
    env.pop("OMP_NUM_THREADS", None)
    try:
        return _measure(args, cores, factory, factory_arg, work, env, log)
    finally:  # the inputs, part files and Ray's logs of the runs
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(env["RAY_TMPDIR"], ignore_errors=True)


def _measure(args, cores: int, factory: StandinPipeline, factory_arg: str, work: Path, env: dict, log) -> dict:
    configs = {
        "one machine": ["one"],
        f"Ray, 1 worker x {cores} cores": ["ray", "1", str(cores)],
        f"Ray, {cores} workers x 1 core": ["ray", str(cores), "1"],
    }
    load = {"before": os.getloadavg()}
    every: dict[str, dict[int, list[dict]]] = {name: {args.small: [], args.large: []} for name in configs}
    ray_start = []
    for n in (args.small, args.large):
        write_jobs(work / f"jobs-{n}.jsonl", n)
    # Rounds of every configuration and size in turn; each figure is the fastest of its rounds, the
    # one least slowed by whatever else the machine ran meanwhile.
    for round_ in range(args.repeat):
        for n in (args.small, args.large):
            jobs = work / f"jobs-{n}.jsonl"
            for name, spec in configs.items():
                log(f"round {round_ + 1}/{args.repeat}, {name}: {n} articles...")
                if spec[0] == "one":
                    child = ["one", factory_arg, str(jobs), str(args.group_size)]
                else:
                    output = work / f"out-{round_}-{n}-{spec[1]}"
                    child = ["ray", factory_arg, str(jobs), str(output), spec[1], spec[2], str(args.shard_size),
                             str(args.group_size)]
                every[name][n].append({**_timed(child, env), "load_average": os.getloadavg()[0]})
                log(f"  {every[name][n][-1]['seconds']:.1f} s (load average {os.getloadavg()[0]:.2f})")
        ray_start.append(_timed(["ray-start"], env))
    load["after"] = os.getloadavg()
    runs = {name: {n: min(tries, key=lambda t: t["seconds"]) for n, tries in sizes.items()}
            for name, sizes in every.items()}
    lines = {name: line_through((args.small, r[args.small]["seconds"]), (args.large, r[args.large]["seconds"]))
             for name, r in runs.items()}
    one = lines["one machine"]
    for name, line in lines.items():
        line["break_even_articles"] = None if name == "one machine" else break_even(one, line)
    return {
        "cores": cores, "small": args.small, "large": args.large, "shard_size": args.shard_size,
        "group_size": args.group_size, "tiny": args.tiny, "models": factory.__dict__, "runs": runs,
        "lines": lines, "ray_start": ray_start, "load_average": load, "repeat": args.repeat, "every_run": every,
    }


def render(report: dict) -> str:
    small, large = report["small"], report["large"]
    rows = []
    for name, line in report["lines"].items():
        runs = report["runs"][name]
        even = line["break_even_articles"]
        noise = line["articles_per_second"] is None or report["lines"]["one machine"]["articles_per_second"] is None
        rows.append([
            name, runs[small]["seconds"], runs[large]["seconds"], line["fixed_seconds"],
            "n/a" if line["articles_per_second"] is None else line["articles_per_second"],
            line["seconds_per_article"],
            "-" if name == "one machine" else "n/a (noise: use more articles)" if noise
            else ("never" if even is None else f"{even:.0f}"),
        ])
    headers = ["configuration", f"{small} articles, s", f"{large} articles, s", "fixed cost, s", "articles/s",
               "s/article", "Ray pays off from (articles)"]
    starts = report["ray_start"]
    text = [
        f"# Ray speed ({'tiny models: a smoke test' if report['tiny'] else 'shape-true stand-ins, CTranslate2 int8'})",
        "",
        markdown_table(headers, rows),
        "",
        "`ray.init` (local, 127.0.0.1) " + ", ".join(f"{s['init_seconds']:.1f} s" for s in starts)
        + "; `ray.shutdown` " + ", ".join(f"{s['shutdown_seconds']:.1f} s" for s in starts) + ".",
        f"Cores: {report['cores']}; fastest of {report.get('repeat', 1)} round(s); "
        f"shards of {report['shard_size']}, groups of {report['group_size']}; "
        f"load average before {report['load_average']['before'][0]:.2f}, after {report['load_average']['after'][0]:.2f}.",
    ]
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        return _child(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m eval.ray_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=8, help="articles in the small run")
    parser.add_argument("--large", type=int, default=24, help="articles in the large run")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; each figure is the fastest of them")
    parser.add_argument("--shard-size", type=int, default=4)
    parser.add_argument("--group-size", type=int, default=8)
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny models (smoke test)")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))
    parser.add_argument("--out", default=str(ROOT / "reports" / REPORT_NAME))
    args = parser.parse_args(argv)
    if not 0 < args.small < args.large:
        return cli_error(parser.prog, "--small must be at least 1 and below --large")
    report = run_benchmark(args)
    markdown = render(report)
    write_report(args.out, REPORT_NAME, report, markdown)
    print(markdown)
    return 0


def _child(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "ray-start":
        result = _child_ray_start()
    else:
        factory = StandinPipeline(**json.loads(rest[0]))
        if kind == "one":
            result = _child_one(factory, rest[1], int(rest[2]))
        else:
            jobs, output, workers, cpus, shard_size, group_size = rest[1:]
            result = _child_ray(factory, jobs, output, int(workers), int(cpus), int(shard_size), int(group_size))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
