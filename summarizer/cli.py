"""Command line: ``summarizer split | run | batch | convert``. Errors are one clear line, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from .errors import InputError, ModelLoadError, SummarizerError
from .inputs import DEFAULT_MAX_CHARS, read_text_file
from .models import DEFAULT_SUMMARY_MODEL, DEFAULT_TRANSLATION_MODEL, ENGINES

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _read_source(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("standard input is not UTF-8 text.") from None
    return read_text_file(name)


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("models")
    group.add_argument("--summary-method", choices=("abstractive", "extractive", "lead"), default="abstractive",
                       help="abstractive: mT5 (falls back to extractive if it cannot be loaded); "
                            "extractive: LexRank over the sentences; lead: the first sentences")
    group.add_argument("--long-input", choices=("lead", "chunked"), default="lead",
                       help="abstractive summary of articles over 512 tokens: first 512 tokens on a sentence "
                            "boundary (lead), or summarise chunks then their summaries (chunked)")
    group.add_argument("--summary-sentences", type=int, default=3, help="sentences in an extractive/lead summary")
    group.add_argument("--summary-model", default=DEFAULT_SUMMARY_MODEL, help="hub id or local folder")
    group.add_argument("--translation-model", default=DEFAULT_TRANSLATION_MODEL, help="hub id or local folder")
    group.add_argument("--no-translate", action="store_true", help="skip the English translation")
    group.add_argument("--engine", choices=ENGINES, default="auto",
                       help="auto (default): CTranslate2, converting a Hugging Face model once into the cache "
                            "(int8 unless --quantization says otherwise), or PyTorch on a GPU CTranslate2 "
                            "cannot use; transformers: PyTorch")
    group.add_argument("--quantization", default=None,
                       help="CTranslate2 weights/compute type (default int8; float32, int8_float32...)")
    group.add_argument("--beams", type=int, default=4,
                       help="beam size of both models (4: their published setting; 1: greedy, fastest)")
    group.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    group.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longest article accepted")


def build_pipeline(args: argparse.Namespace):
    from .engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
    from .pipeline import Pipeline

    if args.beams < 1:
        raise ValueError("--beams must be at least 1")
    return Pipeline(
        summary_model=args.summary_model,
        translation_model=None if args.no_translate else args.translation_model,
        summary_method=args.summary_method,
        long_input=args.long_input,
        summary_sentences=args.summary_sentences,
        engine=args.engine,
        device=args.device,
        quantization=args.quantization,
        max_chars=args.max_chars,
        summary_decoding=SUMMARY_DECODING.but(num_beams=args.beams),
        translation_decoding=TRANSLATION_DECODING.but(num_beams=args.beams),
    )


def cmd_split(args: argparse.Namespace) -> int:
    from .clean import clean_article
    from .split import split_sentences

    text = _read_source(args.file)
    source = text if args.raw else clean_article(text).text
    for sentence in split_sentences(source):
        print(sentence)
    return EXIT_OK


def format_result(name: str, result) -> str:
    """A plain-text view of a result: summaries first, then the aligned translation."""
    lines = [f"=== {name}", f"Arabic summary ({result.summary_method}):", result.summary_ar, ""]
    if result.summary_en:
        lines += ["English summary:", result.summary_en, ""]
    lines.append(f"Sentences ({len(result.translation)}):")
    for n, pair in enumerate(result.translation, 1):
        lines.append(f"{n:>3}. {pair['ar']}")
        if pair["en"]:
            lines.append(f"     {pair['en']}")
    timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
    lines += ["", f"Timings: {timings}"]
    lines += [f"Warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    pipeline = build_pipeline(args)
    status = EXIT_OK
    for name in args.files:
        try:
            result = pipeline(_read_source(name), progress=None)
        except InputError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            if args.json:
                print(json.dumps({"id": name, "error": str(exc)}, ensure_ascii=False))
            status = EXIT_SOME_FAILED
            continue
        result.id = name
        print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else format_result(name, result))
    return status


def cmd_batch(args: argparse.Namespace) -> int:
    from .batchfile import ResultWriter, check_unique, done_ids, read_records

    records = list(read_records(args.input))
    check_unique(records)
    skip = done_ids(args.output) if args.resume else set()
    todo = [r for r in records if r.id not in skip]
    if skip:
        print(f"resume: {len(records) - len(todo)} of {len(records)} already in {args.output}", file=sys.stderr)
    pipeline = build_pipeline(args)
    failed = 0
    readable = [r for r in todo if r.error is None]
    with ResultWriter(args.output, append=args.resume) as writer:
        for record in todo:  # records that could not be read are written first, never dropped
            if record.error is not None:
                writer.write({"id": record.id, "error": record.error})
                failed += 1
        items = ({"id": r.id, "text": r.text} for r in readable)
        for result in pipeline.batch(items, total=len(readable), group_size=args.group_size, progress=not args.quiet):
            writer.write(result.to_dict())
            failed += result.error is not None
    print(f"done: {len(todo) - failed} ok, {failed} failed -> {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Arabic news: clean, split, summarise (Arabic and English), translate sentence by sentence.",
    )
    parser.add_argument("--verbose", action="store_true", help="show library warnings and tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    split = sub.add_parser("split", help="print one sentence a line")
    split.add_argument("file", help="a UTF-8 text file, or - for standard input")
    split.add_argument("--raw", action="store_true", help="split the text as is, without cleaning it first")
    split.set_defaults(func=cmd_split)

    run = sub.add_parser("run", help="summarise and translate articles")
    run.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files, or - for standard input")
    run.add_argument("--json", action="store_true", help="one JSON object per article, one per line (JSONL)")
    _add_model_options(run)
    run.set_defaults(func=cmd_run)

    batch = sub.add_parser("batch", help="many articles: JSONL (id, text) or a folder of .txt -> JSONL")
    batch.add_argument("input", help="a JSONL file with 'id' and 'text' per line, or a folder of .txt files")
    batch.add_argument("output", help="results, one JSON object per line, appended as each is done")
    batch.add_argument("--resume", action="store_true", help="skip the ids already in OUTPUT and append")
    batch.add_argument("--group-size", type=int, default=8, help="articles that share model batches")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_model_options(batch)
    batch.set_defaults(func=cmd_batch)

    from .convert import add_convert_command

    add_convert_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verbose:
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="summarizer: %(message)s")
    for noisy in ("httpx", "urllib3", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except (SummarizerError, ValueError) as exc:
        if args.verbose:
            raise
        kind = "model error" if isinstance(exc, ModelLoadError) else "error"
        print(f"{kind}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
