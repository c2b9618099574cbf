"""The batch's command-line parts that are not the one-machine batch's: the ``--ray`` options of
``summarizer batch``, and ``summarizer merge``. Argparse only: Ray is imported by ``--ray``'s run."""

from __future__ import annotations

import argparse
import sys

from ..choices import int_range
from ..errors import InputError
from ..options import Options
from . import job
from .item_files import refuse_with_ray
from .shards import DEFAULT_SHARD_SIZE, OUTPUT_FORMATS, merge


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 0 and 64, not {value}")
    return value


def add_ray_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--ray`` options of ``summarizer batch``."""
    group = parser.add_argument_group(
        "Ray (docs/distributed.md)",
        "With --ray, INPUT is a JSONL or Parquet file or a folder of .jsonl/.txt/.parquet files, and OUTPUT "
        "a folder of part files (read it with `summarizer merge`); both may be URIs (s3://, gs://).",
    )
    group.add_argument("--ray", action="store_true", help="run on Ray: this machine's cores, or --ray-address")
    group.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster (implies --ray)")
    group.add_argument("--workers", type=int_range(1, 100_000), default=None, metavar="N",
                       help="actors, each holding the models (default: as many as the cluster's CPUs allow)")
    group.add_argument("--cpus-per-worker", type=int_range(1, 1024), default=1, metavar="C",
                       help="CPU cores per worker (default 1; on 2 cores, 2 workers x 1 core were fastest)")
    group.add_argument("--gpus-per-worker", type=_positive_float, default=0, metavar="G",
                       help="GPUs per worker (0.5: two share one; with --device cuda)")
    group.add_argument("--shard-size", type=int_range(1, 100_000), default=DEFAULT_SHARD_SIZE, metavar="N",
                       help=f"records per part file: the unit of work and of retry (default {DEFAULT_SHARD_SIZE})")
    group.add_argument("--output-format", choices=OUTPUT_FORMATS, default="jsonl", help="part files' format")


def cmd_batch_ray(args: argparse.Namespace) -> int:
    """``summarizer batch ... --ray``: 0 when every record of OUTPUT succeeded, 1 when some failed."""
    refuse_with_ray(args)
    if getattr(args, "overwrite", False):
        raise InputError(f"{args.output}: --overwrite is for the one-machine batch: with --ray, name a new folder "
                         "(or remove this one) to start again, or add --resume to go on with it.")
    pipeline = Options.from_args(args).to_dict()  # JSON: the manifest's record, each worker's Pipeline(**)
    if args.gpus_per_worker and pipeline.get("device") == "cpu":  # GPUs asked for: use them
        pipeline["device"] = "cuda"
        print(f"--gpus-per-worker {args.gpus_per_worker:g}: the workers run the models on the GPU "
              "(--device cuda).", file=sys.stderr)
    summary = job.run(
        args.input, args.output, resume=args.resume, address=args.ray_address, workers=args.workers,
        cpus_per_worker=args.cpus_per_worker, gpus_per_worker=args.gpus_per_worker, shard_size=args.shard_size,
        group_size=args.group_size, output_format=args.output_format, pipeline=pipeline,
        progress=not args.quiet,
    )
    print(summary.line(args.output), file=sys.stderr)
    return 1 if summary.exit_failed else 0


def add_merge_command(sub) -> None:
    merge_parser = sub.add_parser(
        "merge", help="the part files of `batch --ray` as one JSONL file, each id once, in input order",
    )
    merge_parser.add_argument("output", metavar="OUTPUT", help="the folder `summarizer batch --ray` wrote")
    merge_parser.add_argument("file", metavar="FILE.jsonl", help="the JSONL file to write")
    merge_parser.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    """0 when OUTPUT is complete and every record succeeded; 1 when shards are missing or damaged, or
    records failed."""
    report = merge(args.output, args.file)
    print(f"merge: {report.records} records ({report.failed} failed) -> {args.file}", file=sys.stderr)
    if report.missing_shards:
        print(f"merge: {report.missing_shards} shard(s), {report.missing_records} records, are not done yet: "
              "run the batch again with --resume", file=sys.stderr)
    for damage in report.damaged:
        print(f"merge: {damage}: its records were left out; run the batch again with --resume to redo its shard",
              file=sys.stderr)
    if report.repeated:
        print(f"merge: {report.repeated} record(s) with an id already written were left out", file=sys.stderr)
    return 1 if report.missing_shards or report.damaged or report.failed else 0
