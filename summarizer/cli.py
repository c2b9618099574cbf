"""Command line: ``summarizer split | run | translate | batch | merge | digest | convert | serve``. Errors are one
clear line, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from .choices import DEFAULT_EXPORT_QUANTIZATION, EXPORT_QUANTIZATIONS, VOCAB_LANGUAGES, int_range
from .errors import CLI, InputError, ModelLoadError, OptionError, OutputError, SummarizerError
from .inputs.text import decode_utf8, read_text_file
from .options import DIGEST, Options, add_option_arguments

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a program ended by SIGPIPE


def _read_source(name: str) -> str:
    """The text of FILE, or of standard input for ``-``; errors name the source."""
    return _read_document(name).text


def _read_document(name: str):
    """FILE (or standard input for ``-``) as a ``Document``: its text, and its title when it has one."""
    from .inputs.documents import Document, is_document_path, is_url, read_document

    if name == "-":
        return Document(decode_utf8(sys.stdin.buffer.read(), "standard input"), "", "text", "standard input")
    if is_url(name) or is_document_path(name):  # a web address, a saved web page, .docx or .pdf
        return read_document(name)
    return Document(read_text_file(name), "", "text", name)


def _stdout_takes_arabic() -> bool:
    """Whether standard output can write Arabic (not under PYTHONIOENCODING=ascii or a C locale)."""
    try:
        "عربي".encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _encoding_hint() -> str:
    return (f"standard output's encoding is {sys.stdout.encoding}, which cannot write Arabic text: "
            "set PYTHONIOENCODING=utf-8 (or a UTF-8 locale, e.g. LANG=C.UTF-8)")


def build_pipeline(args: argparse.Namespace):
    from .pipeline import Pipeline

    return Pipeline.from_options(Options.from_args(args))


def cmd_split(args: argparse.Namespace) -> int:
    from .stages.clean import clean_article, replace_lone_surrogates
    from .stages.split import split_sentences

    if not _stdout_takes_arabic():
        raise OutputError(_encoding_hint() + ".")
    text = _read_source(args.file)
    source = replace_lone_surrogates(text)[0] if args.raw else clean_article(text).text
    for sentence in split_sentences(source):
        print(sentence)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    if args.output:
        return _run_brief(args)
    return _each_article(args, lambda pipeline, text: pipeline(text, progress=None), lambda result: result.to_dict())


def _run_brief(args: argparse.Namespace) -> int:
    """``run FILE -o BRIEF``: FILE's brief written to BRIEF (.docx, .html or .md; a folder: a .docx named
    after the title), besides what ``run`` prints. BRIEF is checked before any model loads."""
    from .batch.outputs import same_file
    from .brief import check_brief_path, write_brief
    from .errors import OutputIsInput
    from .inputs.documents import is_url

    if len(args.files) != 1:
        raise OptionError(f"-o writes the brief of one article: give one FILE, not {len(args.files)}.")
    name = args.files[0]
    if name != "-" and not is_url(name) and same_file(name, args.output):
        raise OutputIsInput(args.output)
    if not os.path.isdir(args.output):
        check_brief_path(args.output, overwrite=args.overwrite)
    documents: list = []  # the document read: its title and source head the brief

    def read(source: str) -> str:
        documents.append(_read_document(source))
        return documents[-1].text

    def run(pipeline, text: str):
        result = pipeline(text, progress=None)
        result.id = name
        document = documents[-1]
        path = write_brief(result, args.output, overwrite=args.overwrite, title=document.title,
                           source=document.source or name, date=document.date)
        print(f"brief: {path}", file=sys.stderr)
        return result

    return _each_article(args, run, lambda result: result.to_dict(), read=read)


def cmd_translate(args: argparse.Namespace) -> int:
    """Each article translated sentence by sentence, without a summary (no summary model is loaded)."""
    from .result import translation_record
    from .stages.methods import NO_SUMMARY

    if args.no_translate:
        raise OptionError("summarizer translate needs a translation model: drop --no-translate.")
    args.summary_method = NO_SUMMARY
    if args.output:
        return _translate_document(args)
    return _each_article(args, lambda pipeline, text: pipeline.translate(text), translation_record)


def _translate_document(args: argparse.Namespace) -> int:
    """``translate FILE -o OUT``: FILE written translated into OUT, a document of the kind OUT's suffix
    names (docs/documents.md); says where, how many sentences, and the Arabic left in it."""
    from pathlib import Path

    from tqdm.auto import tqdm

    from .batch.writer import json_line
    from .inputs.documents import is_url
    from .translated import check_target, output_suffix, writer_for

    if len(args.files) != 1 or args.files[0] == "-" or is_url(args.files[0]):
        raise OptionError("-o writes one translated document: give one FILE (not - nor a web address).")
    source, out = Path(args.files[0]), Path(args.output)
    output_suffix(writer_for(source), source, out)  # refused before the model loads
    check_target(source, out, overwrite=args.overwrite)
    pipeline = build_pipeline(args)
    with tqdm(unit="piece", desc="translating", disable=args.quiet, leave=False) as bar:
        def progress(stage: str, done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        written = pipeline.translate_document(source, out, overwrite=args.overwrite, progress=progress)
    if args.json:
        print(json_line(written.to_dict(), ascii_only=not _stdout_takes_arabic()))
        return EXIT_OK
    print(f"wrote {written.path}: {written.sentences} sentences in {written.segments} paragraphs translated")
    if written.arabic_left:
        places = ", ".join(place.where for place in written.left_in[:5]) + (", ..." if len(written.left_in) > 5
                                                                            else "")
        print(f"left in Arabic: {written.arabic_left} letters in {len(written.left_in)} places ({places})")
    else:
        print("left in Arabic: nothing")
    for note in written.notes:
        print(f"note: {note.message}")
    return EXIT_OK


def _each_article(args: argparse.Namespace, run, record, read=_read_source) -> int:
    """``run(pipeline, text)`` for each of ``args.files`` (``read(name)``: its text): readable output or one
    JSON ``record(result)`` a line; an article that fails says why (and, with --json, is a line with its
    ``error``)."""
    from .batch.writer import json_line
    from .render import to_text

    ascii_json = not _stdout_takes_arabic()
    if ascii_json and not args.json:  # JSON can escape what the encoding lacks; the readable text cannot
        raise OutputError(_encoding_hint() + ", or use --json (which escapes it).")
    pipeline = build_pipeline(args)
    status = EXIT_OK
    for name in args.files:
        named = ""  # a reading error names the file itself; the pipeline's does not
        try:
            text = read(name)
            named = f"{name}: "
            result = run(pipeline, text)
        except InputError as exc:
            print(f"error: {named}{exc.message(CLI)}", file=sys.stderr)
            if args.json:
                print(json_line({"id": name, "error": f"{named}{exc}"}, ascii_only=ascii_json))
            status = EXIT_SOME_FAILED
            continue
        result.id = name
        print(json_line(record(result), ascii_only=ascii_json) if args.json else to_text(result, name))
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    """The web page, the REST API and the LibreTranslate routes, from the installed package."""
    from .web.server import serve

    serve(args)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    if args.ray or args.ray_address:  # a cluster, or this machine's cores, through Ray Data
        from .batch.commands import cmd_batch_ray

        return cmd_batch_ray(args)
    from .batch.outputs import JobLock, check_output_file
    from .batch.records import read_records, skipped_in_folder
    from .batch.writer import read_output

    # OUTPUT first (before INPUT is read, standard input included, and long before the models load).
    check_output_file(args.output, input=args.input, resume=args.resume, overwrite=args.overwrite)
    with JobLock(args.output):  # a second batch on the same OUTPUT is refused while this one runs
        records = read_records(args.input)
        skipped = skipped_in_folder(args.input)
        if skipped:
            print(f"warning: {skipped}", file=sys.stderr)
        before = read_output(args.output) if args.resume else None
        todo = [r for r in records if before is None or not before.is_done(r)]
        if before is not None and len(todo) < len(records):
            print(f"resume: {len(records) - len(todo)} of {len(records)} already in {args.output}", file=sys.stderr)
        _write_results(args, todo)
        # The status is the output's, not this run's: a resumed job with failures from before still failed.
        after = read_output(args.output)
    ids = {r.id for r in records if r.duplicate_of_line is None}
    failed = len(after.failed & ids) + sum(1 for r in records if r.duplicate_of_line is not None)
    earlier = len(records) - len(todo)
    print(f"done: {len(records) - failed} ok, {failed} failed ({len(todo)} processed now, {earlier} before) "
          f"-> {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _write_results(args: argparse.Namespace, todo: list) -> None:
    from .batch.item_files import ItemFiles
    from .batch.writer import ResultWriter

    files = ItemFiles.from_args(args)  # --briefs / --documents folders: checked before the models load
    pipeline = build_pipeline(args)
    readable = [r for r in todo if r.error is None]
    by_id = {r.id: r for r in readable}
    with ResultWriter(args.output, append=args.resume) as writer:
        for record in todo:  # records that cannot be processed are written first, never dropped
            if record.error is not None:
                writer.write(record.error_record())
        items = ({"id": r.id, "text": r.text} for r in readable)
        for result in pipeline.batch(items, total=len(readable), group_size=args.group_size, progress=not args.quiet):
            writer.write(result.to_dict())
            files.add_brief(result, by_id.get(result.id))
    files.add_documents(pipeline, readable)
    for line in files.report():
        print(line, file=sys.stderr)


def cmd_digest(args: argparse.Namespace) -> int:
    """Articles grouped by story, written to ``-o`` (its suffix names the form), whole or not at all."""
    from tqdm.auto import tqdm

    from .digest.render import check_digest_path, write_digest

    out = args.output
    check_digest_path(out, overwrite=args.overwrite)  # before any article is read
    pipeline = build_pipeline(args)
    with tqdm(unit="step", desc="digest", disable=args.quiet) as bar:
        shown = {"stage": ""}

        def progress(stage: str, done: int, total: int) -> None:
            if shown["stage"] != stage:  # a bar per stage: read, group, stories, abstracts, translate
                shown["stage"] = stage
                bar.set_description(stage)
                bar.reset(total=total or None)
            bar.update(done - bar.n)

        digest = pipeline.digest(_digest_items(args.inputs), options=Options.from_args(args).run, progress=progress)
    write_digest(digest, out, overwrite=args.overwrite)
    print(f"done: {len(digest.stories)} stories from {digest.articles_read} articles, {len(digest.skipped)} left out, "
          f"{len(digest.disagreements)} disagreements -> {out}", file=sys.stderr)
    return EXIT_OK


def _digest_items(sources: Sequence[str]):
    """Each article of ``sources`` as ``{"id", "text"}`` (or ``{"id", "error", "error_code"}``), one at a time:
    a web address or a document is one article (its id: the address, or the file's name without its suffix);
    a folder, a JSONL or Parquet file, or ``-`` holds records, read as ``summarizer batch`` reads them."""
    from .batch.records import document_id, read_records
    from .inputs.documents import is_url

    for name in sources:
        if is_url(name) or (name != "-" and os.path.isfile(name) and not name.lower().endswith((".jsonl", ".parquet"))):
            article_id = name if is_url(name) else document_id(name)
            try:
                yield {"id": article_id, "text": _read_source(name)}
            except InputError as exc:
                yield {"id": article_id, "error": exc.message(CLI), "error_code": "unreadable"}
            continue
        records = read_records(name)
        for i, record in enumerate(records):
            code = "duplicate-id" if record.duplicate_of_line is not None else "unreadable"
            yield ({"id": record.id, "error": record.error, "error_code": code} if record.error is not None
                   else {"id": record.id, "text": record.text})
            records[i] = None  # type: ignore[call-overload]  # its text is read: let it go


def build_parser() -> argparse.ArgumentParser:
    from .batch.commands import add_merge_command, add_ray_arguments  # argparse only: --ray imports Ray
    from .batch.item_files import add_item_file_arguments

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
    run.add_argument("files", nargs="+", metavar="FILE",
                     help="UTF-8 text files, web pages (.html), .docx or .pdf files, http(s):// addresses, or - for standard input")
    run.add_argument("--json", action="store_true", help="one JSON object per article, one per line (JSONL)")
    run.add_argument("-o", "--output", metavar="BRIEF", default=None,
                     help="also write FILE's bilingual brief (summaries, then the article as Arabic | English "
                          "with what to check): .docx, .html or .md by the suffix; a folder: a .docx in it "
                          "named after the article's title")
    run.add_argument("--overwrite", action="store_true", help="replace BRIEF if it exists")
    add_option_arguments(run)
    run.set_defaults(func=cmd_run)

    translate = sub.add_parser("translate", help="translate articles sentence by sentence, without a summary",
                               description="Translate each article sentence by sentence (Arabic and English "
                                           "aligned), without summarising it: no summary model is loaded.")
    translate.add_argument("files", nargs="+", metavar="FILE",
                           help="UTF-8 text files, web pages (.html), .docx or .pdf files, http(s):// addresses, "
                                "or - for standard input")
    translate.add_argument("--json", action="store_true",
                           help="one JSON object per article, one per line: its sentences' translations, scores "
                                "and checks' findings (with -o: what was written, as one JSON object)")
    translate.add_argument("-o", "--output", metavar="OUT", default=None,
                           help="write FILE translated as a document: .docx, .html, .txt or .md by OUT's suffix "
                                "(formatting kept, right to left turned left to right; a .pdf's text: .docx or "
                                ".html); see docs/documents.md")
    translate.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    translate.add_argument("--quiet", action="store_true", help="no progress bar (with -o)")
    add_option_arguments(translate)
    translate.set_defaults(func=cmd_translate)

    batch = sub.add_parser("batch", help="many articles: JSONL or Parquet (id, text), or a folder of files -> JSONL")
    batch.add_argument("input", help="a JSONL file with 'id' and 'text' per line (- for standard input), a Parquet "
                                     "file with 'id' and 'text' columns, or a folder of .jsonl, .parquet, .txt, "
                                     ".html, .docx and .pdf files (a document is one article, its id its name)")
    batch.add_argument("output", help="results, one JSON object per line, appended as each is done")
    batch.add_argument("--resume", action="store_true", help="skip the ids already in OUTPUT and append")
    batch.add_argument("--overwrite", action="store_true",
                       help="replace an OUTPUT that holds results (it is kept until this run's first record "
                            "is written, then replaced as a whole)")
    batch.add_argument("--group-size", type=int_range(1, 1024), default=None,
                       help="articles that share model batches (default: 8 on the CPU, 64 on a GPU)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    add_option_arguments(batch)
    # After --summary-method, whose default it must not replace (argparse sets a shared dest's default once).
    batch.add_argument("--no-summary", dest="summary_method", action="store_const", const="none",
                       default=argparse.SUPPRESS,
                       help="translate only (the same as --summary-method none): no summary model is loaded")
    add_item_file_arguments(batch)
    add_ray_arguments(batch)
    batch.set_defaults(func=cmd_batch)
    add_merge_command(sub)

    digest = sub.add_parser("digest", help="several articles grouped by story: summaries, what each source adds, "
                                           "where they disagree",
                            description="Group articles by story (no model needed) and write each story's title, "
                                        "summary, what each article adds and where the articles disagree; with the "
                                        "models, each story's abstract and the English.")
    digest.add_argument("inputs", nargs="+", metavar="IN",
                        help="articles: text files, web pages (.html), .docx or .pdf files, http(s):// addresses, "
                             "folders, JSONL or Parquet files of records (id, text), or - (JSONL on standard input)")
    digest.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="the digest: .md, .html, .json or .docx (written whole, under a temporary name first)")
    digest.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    digest.add_argument("--quiet", action="store_true", help="no progress bar")
    add_option_arguments(digest)
    add_option_arguments(digest, DIGEST)
    digest.set_defaults(func=cmd_digest)

    from .web.flags import add_server_arguments  # argparse only: Gradio is imported when serving

    serve = sub.add_parser("serve", help="serve the web page, the REST API and the LibreTranslate routes",
                           description="The web page (http://127.0.0.1:7860 by default), the REST API "
                                       "(/api/v1/..., described at /docs) and LibreTranslate-compatible routes "
                                       "(/translate, /languages, /detect) on one server.")
    add_server_arguments(serve)
    serve.set_defaults(func=cmd_serve)

    convert = sub.add_parser(
        "convert",
        help="export a Hugging Face model to a CTranslate2 folder (faster CPU inference)",
        description=(
            "Export a MarianMT, NLLB (M2M100) or MT5 model (hub id or Hugging Face folder) to a self-contained "
            "CTranslate2 folder, usable with --summary-model/--translation-model."
        ),
    )
    convert.add_argument("model", metavar="MODEL", help="hub id or folder in Hugging Face format")
    convert.add_argument("outdir", metavar="OUTDIR", help="folder to write (must not exist unless --force)")
    convert.add_argument("--quantization", choices=EXPORT_QUANTIZATIONS, default=DEFAULT_EXPORT_QUANTIZATION,
                         help="weight type of the export (default: int8, the fastest on CPU)")
    convert.add_argument("--vocab-restriction", choices=VOCAB_LANGUAGES, default=None,
                         help="keep only the target pieces of this output language (ar: an Arabic summary "
                              "model, en: an English translation model); default: the whole vocabulary")
    convert.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    convert.set_defaults(func=cmd_convert)
    return parser


def cmd_convert(args: argparse.Namespace) -> int:
    """0 on success (prints the folder), 2 with one line on stderr otherwise."""
    from .engines.export import convert_model, first_line

    try:
        out = convert_model(args.model, args.outdir, quantization=args.quantization, force=args.force,
                            vocab_restriction=args.vocab_restriction)
    except SummarizerError as exc:
        print(f"error: {exc.message(CLI)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the CLI promises one line, never a traceback
        print(f"error: converting {args.model!r} failed: {first_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    print(out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()  # `serve`'s defaults are $SUMMARIZER_<NAME>: a bad one is said here
    except OptionError as exc:
        print(f"error: {exc.message(CLI)}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not args.verbose:
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="summarizer: %(message)s")
    for noisy in ("httpx", "urllib3", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (`summarizer split FILE | head -5`): stop quietly, as cat or grep do.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (SummarizerError, ValueError) as exc:
        if args.verbose:
            raise
        kind = "model error" if isinstance(exc, ModelLoadError) else "error"
        print(f"{kind}: {exc.message(CLI) if isinstance(exc, SummarizerError) else exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UnicodeEncodeError:  # what the check before the work missed (an output that changed encoding)
        if args.verbose or _stdout_takes_arabic():
            raise
        print(f"error: {_encoding_hint()}.", file=sys.stderr)
        return EXIT_USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


if __name__ == "__main__":
    sys.exit(main())
