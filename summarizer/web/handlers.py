"""The handlers behind the page: ``summarize`` (the button and the ``/summarize`` API), file
uploads, the downloads and the status line. None of them raises: a bad input gives a clear message."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import PAGE, Cancelled, InputError, ModelLoadError, OptionError
from ..pipeline import STAGES, Result, StageProgress
from ..redact import without_paths
from ..render import (
    STAGE_LABELS,
    aligned_html,
    describe_method,
    md_text,
    summary_sources,
    timings_text,
    to_markdown,
    translation_lines,
)
from ..stages.methods import SUMMARY_LENGTHS, method_of
from .state import AppState, model_name

if TYPE_CHECKING:
    from ..service import Service
    from ..translated import TranslatedDocument

log = logging.getLogger(__name__)


class Outputs(NamedTuple):
    """What one click (or one ``/summarize`` API call) returns, in the page's output order."""

    summary_ar: str
    translation: str  # one English line per Arabic sentence
    summary_en: str
    aligned: str  # HTML table
    status: str  # Markdown
    json_file: str | None
    markdown_file: str | None
    result: dict  # the whole Result as a dict ({"error": ...} on bad input)
    typed: Result | None = None  # the same Result, typed: what the page's own handlers read (not in the API)


def text_digest(text: str | None) -> str:
    """A short digest of an article's text: what a result was made from (the page keeps it beside the
    result), compared with what is on screen before the result is shown."""
    return hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).hexdigest()[:16]


# The summary lengths, in the page's words (methods.SUMMARY_LENGTHS holds what each means per method).
LENGTH_LABELS = {"short": "Short", "standard": "Standard", "longer": "Longer"}


def length_words(summary_length: str | None, summary_method: str) -> str:
    """``short (2 sentences)`` or ``longer (mT5 writes up to 120 tokens)``: what the length meant for the
    method that ran (a result's ``summary_method``)."""
    if not summary_length:
        return ""
    length = SUMMARY_LENGTHS[summary_length]
    method = method_of(summary_method)
    if method is not None and method.needs_model:
        limit = length.max_new_tokens
        return f"{summary_length} (mT5 writes up to {limit} tokens)" if limit else f"{summary_length} (mT5's own limit)"
    return f"{summary_length} ({length.sentences} sentence{'s' if length.sentences != 1 else ''})"


def summarize(
    state: AppState,
    text: str | None,
    summary_method: str | None = None,
    long_input: str | None = None,
    progress: Callable[..., Any] | None = None,
    translation: str | None = None,
    summary_length: str | None = None,
    more: dict[str, Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Outputs:
    """Run the pipeline on one article. Never raises: a bad input gives an error status instead.

    ``progress`` is a ``gr.Progress()`` (or any ``fn(fraction, desc=...)``). ``translation``: one of
    ``state.translations`` (None: the model loaded at start-up); another one is loaded on first use.
    ``summary_length``: short / standard / longer (None: the server's sentence count and mT5's limit).
    ``more``: the other run options the page shows (``more_page_options``), by name.
    ``cancelled``: true once the page's Stop was pressed (``PageRuns``): the run ends at its next batch.
    """
    started = time.perf_counter()
    try:
        # the page's choices over the server's defaults, checked once (an API call may send any value)
        options = state.service.options.but(summary_method=summary_method or None, long_input=long_input or None,
                                            summary_length=summary_length or None,
                                            **(more or {}))  # names: the page's own (more_page_options)
        state.service.check_budget([text])  # the same budget as the APIs', before any model loads or runs
        hook = stage_progress(progress) if progress is not None else None

        def on_load(choice: str) -> None:
            if progress is not None:
                progress(0.0, desc=f"Loading the translation model {choice} (first use, once)")

        state.service.pipeline_for(translation, on_load)  # a choice's model loads first, then the stages run
        if hook is not None:
            hook("clean", 0, 1)
        result = state.service.run(text, options=options, translation=translation, progress=hook, on_load=on_load,
                                   cancelled=cancelled)
    except Exception as exc:
        return error_outputs(failure_message(exc, "processing the article", translation))
    total = time.perf_counter() - started
    length = length_words(options.summary_length, result.summary_method)
    json_file, markdown_file = write_exports(result, state.export_dir, summary_length=length or None)
    if progress is not None:
        # The bar full, under no stage's name: the outcome is the status line's to say ("✔ Done in …"),
        # once (a last stage named "Done" was announced as well when the page caught it first).
        progress(1.0, desc="")
    return Outputs(
        summary_ar=result.summary_ar,
        translation=translation_lines(result),
        summary_en=result.summary_en,
        aligned=aligned_html(result.translation, summary_sources(result)),
        status=status_markdown(result, total_seconds=total, summary_length=length or None),
        json_file=str(json_file),
        markdown_file=str(markdown_file),
        result=_with_length(result.to_dict(), length),
        typed=result,
    )


def _with_length(record: dict, length: str) -> dict:
    """The result's record, with the summary length asked for when one was (a key added, none changed)."""
    return {**record, "summary_length": length} if length else record


def error_outputs(message: str) -> Outputs:
    """Empty outputs and a clear message (the page shows it beside the button, where the eye is)."""
    return Outputs("", "", "", "", error_markdown(message), None, None, {"error": message})


def failure_message(exc: Exception, doing: str, translation: str | None = None) -> str:
    """What the page says when a run fails: bad input or options in the page's words (no option names), a
    model that would not load, else one line for a bug or a model failure (logged here), without any path
    of this server."""
    if isinstance(exc, (InputError, OptionError, Cancelled)):
        return exc.message(PAGE)
    if isinstance(exc, ModelLoadError):
        log.warning("%s", exc)
        model = f"the translation model {translation}" if translation else "the translation model"
        return f"Could not load {model}: {exc.message(PAGE)}"
    log.exception("%s failed", doing)
    return f"Something went wrong while {doing} ({type(exc).__name__}: {without_paths(str(exc))})."


def stage_progress(progress: Callable[..., Any]) -> StageProgress:
    """Map the pipeline's ``progress(stage, done, total)`` to a 0..1 bar with the stage's name.

    The summary and the translation may report in turns (they run side by side on the CPU): the bar
    counts each stage's own share, so it never moves back, whichever stage spoke last.
    """
    shares: dict[str, float] = {}
    shown = [0.0]

    def hook(stage: str, done: int, total: int) -> None:
        stage = stage if stage in STAGES else STAGES[-1]
        shares[stage] = min(max(done / total, 0.0), 1.0) if total else 0.0
        first_running = min(STAGES.index(name) for name in shares)
        whole = sum(1.0 if i < first_running else shares.get(name, 0.0) for i, name in enumerate(STAGES))
        shown[0] = max(shown[0], whole / len(STAGES))
        label = STAGE_LABELS.get(stage, stage)
        desc = f"{label} ({done}/{total})" if total > 1 else label
        progress(shown[0], desc=desc)

    return hook


def status_markdown(result: Result, *, total_seconds: float | None = None, summary_length: str | None = None) -> str:
    """Done in how long, the summary method (and length) in words, the article's notices (in the page's
    words); then models and time per stage. The run's notices (a model that could not be loaded) are
    shown once, at the top of the page, not with every result."""
    total = total_seconds if total_seconds is not None else sum(result.timings.values())
    count = len(result.sentences)
    length = f" **Length:** {md_text(summary_length)}." if summary_length else ""
    blocks = [
        f"✔ **Done** in {total:.1f} s: {count} sentence{'s' if count != 1 else ''}. "
        f"**Summary:** {describe_method(result.summary_method)}.{length} "
        '<a href="#results" class="to-results">See the results ↓</a>'
    ]
    notes = [n.message("page") for n in shown_notices(result)]
    if notes:  # HTML, so that the page can give them a warning's look (their words are escaped as text)
        items = "".join(f"<li>⚠️ {md_text(n)}</li>" for n in notes)
        blocks.append(f'<div class="msg-warning"><p><strong>Notes:</strong></p><ul>{items}</ul></div>')
    models = result.models or {}
    summary_model = (model_name("summary", models["summary"]) if models.get("summary")
                     else f"summary: no model ({describe_method(result.summary_method)})")
    blocks.append(
        "<details><summary>Models and time per stage</summary>\n\n"
        f"**Models:** {summary_model} · "
        f"{model_name('translation', models.get('translation'))}\n\n"
        f"**Time:** {timings_text(result, labels=True)} (total {total:.2f} s)\n\n</details>"
    )
    return "\n\n".join(blocks)


# A notice that makes others beside it untrue: the summary model's empty summary was replaced by the
# extractive one, so what the model read (the first N sentences, chunks) no longer describes the summary.
SUPERSEDES = {"summary-empty": {"summary-read-lead", "summary-chunked", "summary-first-sentence-cut"}}


def shown_notices(result: Result) -> list:
    """The article's notices the page shows: none that another one beside it makes untrue (``SUPERSEDES``)."""
    codes = {n.code for n in result.article_notices}
    hidden = set().union(*(SUPERSEDES.get(code, set()) for code in codes))
    return [n for n in result.article_notices if n.code not in hidden]


ERROR_MARK = '<span class="msg-error" hidden></span>'  # gives the status an error's look (style.css)


def error_markdown(message: str) -> str:
    """An error for the page: its mark and words first (not colour alone), and a marker for its style."""
    return f"✘ **Error:** {md_text(message)}{ERROR_MARK}"


EXPORT_KEEP_SECONDS = 120  # Gradio copies a returned file into its own cache when the request ends
EXPORT_KEEP_FILES = 32


def write_exports(result: Result, directory: str | Path, *, summary_length: str | None = None) -> tuple[Path, Path]:
    """Write the result as JSON and as Markdown into ``directory``; unique names per call. The
    Markdown's warnings are in the page's words; ``summary_length``: the length asked for, in both.

    Older exports are removed first (see ``prune_exports``): the page's downloads are served
    from Gradio's cache, which ``app.py`` has Gradio clean (``delete_cache``).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    prune_exports(directory)
    stem = f"summary-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    record = _with_length(result.to_dict(), summary_length or "")
    _write_whole(json_path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    _write_whole(md_path, to_markdown(result, PAGE, summary_length=summary_length))
    return json_path, md_path


def write_brief_export(result: Result, directory: str | Path, *, title: str | None = None, source: str | None = None,
                       date: str | None = None) -> Path:
    """Write ``result`` as a bilingual brief (.docx, ``summarizer.brief``) for the page's download, named
    after the article's title (``brief_filename``: ``title``, else its first words); ``source`` and ``date``
    head it when known."""
    from ..brief import brief_filename, write_brief

    out = _export_folder(directory) / brief_filename(result, title=title)
    return write_brief(result, out, title=title, source=source, date=date)


def write_translated_export(result: Result, source: Path, source_name: str, service: Service, directory: str | Path,
                            *, translation: str | None = None,
                            cancelled: Callable[[], bool] | None = None) -> TranslatedDocument:
    """The uploaded document ``source`` (its user's name ``source_name``) translated into a document of its own
    kind (a PDF's text into a .docx) for the page's download, named after the article's title
    (``report.pdf`` -> ``<title>.en.docx``). The English of ``result`` (the page's run over the same
    document) is used as it is, so only what the article's text left out (headers, footers, notes...) is
    translated now, within the service's gate and budget; ``cancelled``: as for a summary (the page's Stop)."""
    from ..brief import brief_filename
    from ..translated import writer_for

    suffix = writer_for(source_name).outputs[0]
    out = _export_folder(directory) / brief_filename(result, suffix=f".en{suffix}")
    known = {pair.ar: pair.en for pair in result.translation}
    return service.translate_document(source, out, translation=translation, known=known, cancelled=cancelled)


def _export_folder(directory: str | Path) -> Path:
    """A new folder under ``directory`` for one download (pruned with the other exports), so that the file
    keeps the name made from the article's title and two runs of one article never meet."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    prune_exports(directory)
    folder = directory / f"summary-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return folder


def _write_whole(path: Path, text: str) -> None:
    """A download is there whole or not at all, even if the server is stopped while writing it."""
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def prune_exports(directory: Path, *, keep_seconds: float = EXPORT_KEEP_SECONDS,
                  keep_files: int = EXPORT_KEEP_FILES) -> int:
    """Remove exports older than ``keep_seconds`` and all but the newest ``keep_files``; how many went."""
    files = []
    for path in directory.glob("summary-*"):
        try:
            files.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # removed by a concurrent request
            continue
    files.sort(reverse=True)
    now = time.time()
    removed = 0
    for n, (mtime, path) in enumerate(files):
        if n >= keep_files or now - mtime > keep_seconds:
            if path.is_dir() and not path.is_symlink():  # a brief's own folder
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed
