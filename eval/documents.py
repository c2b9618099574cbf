"""What translating a Word document costs beyond translating its text: ``python -m eval.documents``.

Builds a right-to-left Arabic .docx of about ``--pages`` pages from NTREX-128 dev articles (read from the
data root, eval/data.py: each article a heading and paragraphs of four sentences, ``w:bidi`` and ``w:rtl``
set as Word writes them), then, in ONE process, with the same pipeline (translation only, 1 beam by
default, the checks off so that both sides do the same work):

1. ``plain``: ``pipeline.translate(text)`` of the document's text (its paragraphs, a line each: what
   ``summarizer translate FILE`` reads from it);
2. ``document``: ``pipeline.translate_document(docx, out)``: read the package, split, translate every
   different sentence in one batched call, lay the English back over the runs, flip the direction, write
   the file (temporary name, renamed), read it back for the Arabic left.

The two take turns ``--repeats`` times (medians reported). The document machinery's own cost is the
document's time minus its model time (the translator's call, timed inside it), against the plain run's
time. Peak memory: the process's peak resident size (the model included) after each kind of run, and the
peak of Python allocations of the document machinery alone (tracemalloc, with a stand-in translator).

The model: the tiny Marian of the tests (``--tiny``, the default: built once into ``--cache``), whose
model time is small, which makes the machinery's share look as large as it can; or any model folder or
hub id (``--translation-model``, e.g. a stand-in of eval/standins.py). Pages are counted by LibreOffice
when it is installed (``soffice``), else estimated at 480 words a page.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from eval.data import NTREX_DEV, add_data_root_option, data_path

WORDS_PER_PAGE = 480  # Arabic news text in the default Word style (LibreOffice lays out about this many)


def articles(root: str | None) -> list[list[str]]:
    path = data_path(NTREX_DEV, root)
    if not path.exists():
        raise SystemExit(f"no NTREX-128 dev at {path}: set --data-root (see eval/data.py)")
    with path.open(encoding="utf-8") as lines:
        return [[s.strip() for s in json.loads(line)["ar"] if s.strip()] for line in lines if line.strip()]


def build_docx(path: Path, pages: int, root: str | None) -> dict:
    """The Arabic document: NTREX articles until about ``pages`` pages of words; returns its facts."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    words = paragraphs = 0
    for article in articles(root):
        if words >= pages * WORDS_PER_PAGE:
            break
        heading, body = article[0], article[1:]
        blocks = [document.add_heading(heading, level=2)]
        for i in range(0, len(body), 4):
            blocks.append(document.add_paragraph(" ".join(body[i : i + 4])))
        for block in blocks:
            block._p.get_or_add_pPr().append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))
            for run in block.runs:
                run._r.get_or_add_rPr().append(parse_xml(f"<w:rtl {nsdecls('w')}/>"))
        words += sum(len(s.split()) for s in article)
        paragraphs += len(blocks)
    document.save(str(path))
    return {"words": words, "paragraphs": paragraphs, "pages": _pages(path) or f"~{words // WORDS_PER_PAGE}"}


def _pages(path: Path) -> int | None:
    """Pages of the document as LibreOffice lays it out (None without LibreOffice)."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                            "--convert-to", "pdf", "--outdir", folder, str(path)], capture_output=True,
                           timeout=300, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return len(PdfReader(str(Path(folder) / (path.stem + ".pdf"))).pages)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_plain(pipeline, text: str) -> float:
    started = time.perf_counter()
    pipeline.translate(text, checks="off")
    return time.perf_counter() - started


def time_document(pipeline, source: Path, out: Path) -> tuple[float, float, int]:
    """Total seconds, seconds in the translator's call, sentences."""
    translator, model = pipeline.translator, []
    real = translator.translate_scored

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            model.append(time.perf_counter() - started)

    translator.translate_scored = timed
    try:
        started = time.perf_counter()
        result = pipeline.translate_document(source, out, overwrite=True)
        return time.perf_counter() - started, sum(model), result.sentences
    finally:
        del translator.translate_scored


def machinery_memory(source: Path, out: Path) -> float:
    """Peak Python allocations (MB) of the document machinery alone, with a translator that costs nothing."""
    from summarizer.translated import translate_document

    tracemalloc.start()
    try:
        translate_document(source, out, lambda sentences: ["An English sentence."] * len(sentences), overwrite=True)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.documents", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--translation-model", default=None, help="a model folder or hub id (default: --tiny)")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "summarizer-eval-documents"))
    add_data_root_option(parser)
    args = parser.parse_args(argv)
    from summarizer import Pipeline

    work = Path(args.cache)
    work.mkdir(parents=True, exist_ok=True)
    model = args.translation_model
    if model is None:
        from eval.models import build_tiny_marian

        model = work / "tiny-marian"
        if not (model / "config.json").exists():
            build_tiny_marian(model, eos_bias=3.6)  # stops after some tokens, as the tests' does
    source = work / "ntrex-20-pages.docx"
    facts = build_docx(source, args.pages, args.data_root)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(source)).paragraphs if p.text.strip())
    pipeline = Pipeline(None, str(model), summary_method="none", num_beams=args.beams, max_chars=len(text) + 1)
    time_plain(pipeline, text)  # warm-up: the first call pays for lazy set-ups
    plain, document, model_s, sentences = [], [], [], 0
    for _ in range(args.repeats):
        plain.append(time_plain(pipeline, text))
        total, inside, sentences = time_document(pipeline, source, work / "ntrex-20-pages.en.docx")
        document.append(total)
        model_s.append(inside)
    rss = peak_rss_mb()
    memory = machinery_memory(source, work / "stand-in.en.docx")
    p, d, m = statistics.median(plain), statistics.median(document), statistics.median(model_s)
    print(f"document: {facts['pages']} pages, {facts['paragraphs']} paragraphs, {facts['words']:,} words, "
          f"{sentences} sentences (NTREX-128 dev, {source.name})")
    print(f"model: {args.translation_model or 'tiny Marian (tests)'}, {args.beams} beam(s), "
          f"{pipeline.translator.engine.engine}; {args.repeats} runs each, medians")
    print(f"plain text   pipeline.translate(text)          {p:8.2f} s")
    print(f"document     pipeline.translate_document(docx) {d:8.2f} s  (model {m:.2f} s, the rest {d - m:.2f} s)")
    print(f"machinery: {d - m:.2f} s = {100 * (d - m) / p:.1f}% of the plain text's time; "
          f"document / plain = {d / p:.3f}")
    print(f"peak memory: process {rss:.0f} MB (model included); document machinery alone "
          f"{memory:.1f} MB of Python allocations (tracemalloc)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
