"""What the page does around a summary: load an article (example, file, web address), count its
characters, clear the results of the previous article, and explain a result next to it.

These functions return what the page's components show, in the order ``app.py`` wires them;
``gr.update`` changes a component's other properties (a label's note, a button's state).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..arabic import arabic_share
from ..documents import DOCUMENT_SUFFIXES, Document, read_file
from ..errors import InputError
from ..methods import get_method, method_of
from ..pipeline import Result
from ..render import aligned_html, describe_method, finding_text, md_text, summary_sources
from .examples import examples
from .handlers import Outputs, error_markdown
from .state import AppState

RUN_LABEL, BUSY_LABEL = "Summarise", "Summarising…"
UPLOAD_TYPES = list(DOCUMENT_SUFFIXES)
SUMMARY_AR_LABEL = "Arabic summary · الملخص"


# -- the character counter --------------------------------------------------------------------
def counter_html(count: int, limit: int) -> str:
    """``1,234 / 100,000 characters``; over the limit it says so, and what to do."""
    if count > limit:
        return (f'<p class="char-count over">{count:,} / {limit:,} characters: too long for this page. '
                "Shorten the article, or summarise it in parts.</p>")
    return f'<p class="char-count">{count:,} / {limit:,} characters</p>'


def counter_js(limit: int) -> str:
    """The same counter in the browser, updated as the text changes (no round trip to the server)."""
    return (
        "(text) => { const n = (text || '').length, limit = " + str(int(limit)) + ";"
        " const f = (x) => x.toLocaleString('en-US');"
        " return n > limit"
        " ? `<p class=\"char-count over\">${f(n)} / ${f(limit)} characters: too long for this page. "
        "Shorten the article, or summarise it in parts.</p>`"
        " : `<p class=\"char-count\">${f(n)} / ${f(limit)} characters</p>`; }"
    )


# -- a new article: an example, a file, a web address ----------------------------------------
def cleared() -> list[Any]:
    """The results emptied (a new article came in): the ``Outputs``, as updates."""
    import gradio as gr

    return list(Outputs(
        summary_ar=gr.update(value="", info=None, label=SUMMARY_AR_LABEL),
        translation="",
        summary_en=gr.update(value="", info=None),
        aligned=aligned_html([]),
        status="",
        json_file=gr.update(value=None, interactive=False),
        markdown_file=gr.update(value=None, interactive=False),
        result=None,
        typed=None,
    ))


def _loaded(state: AppState, text: str, what: str) -> list[Any]:
    """(article, message under the inputs, *cleared results)."""
    note = f"Loaded {what} ({len(text):,} characters). Press **{RUN_LABEL}**."
    if len(text) > state.max_chars:
        note = (f"Loaded {what}, but it has {len(text):,} characters, over this page's limit of "
                f"{state.max_chars:,}: shorten it before pressing **{RUN_LABEL}**.")
    return [text, note, *cleared()]


def _not_loaded(message: str) -> list[Any]:
    """The article and the results stay as they are; the message says why nothing was loaded."""
    import gradio as gr

    return [gr.update(), error_markdown(message), *[gr.update() for _ in Outputs._fields]]


def load_example(state: AppState, index: int | None) -> list[Any]:
    found = examples()
    if index is None or not 0 <= int(index) < len(found):
        return _not_loaded("That example is not available.")
    label, text = found[int(index)]
    return _loaded(state, text, f"the example {isolate(label)}")


def load_upload(state: AppState, path: str | Path | None) -> list[Any]:
    """An uploaded .txt, .html, .docx or .pdf file -> the article box (the results cleared)."""
    if not path:
        return _not_loaded("No file was received.")
    name = Path(path).name  # the upload keeps the user's file name inside a temporary folder
    try:
        document = read_file(path, name=name)
    except InputError as exc:
        return _not_loaded(str(exc))
    return _loaded(state, document.text, _describe(document))


def load_url(state: AppState, url: str | None) -> list[Any]:
    """A web address -> the article found on it (the results cleared)."""
    url = (url or "").strip()
    if not url:
        return _not_loaded("Type or paste a web address (https://…) first.")
    if "://" not in url:
        url = "https://" + url
    try:
        document = state.read_url(url)
    except InputError as exc:
        return _not_loaded(str(exc))
    return _loaded(state, document.text, _describe(document))


def _describe(document: Document) -> str:
    what = {"url": "the article at", "html": "the web page", "docx": "the Word file", "pdf": "the PDF",
            "text": "the file"}[document.source_kind]
    shown = f"<strong>{isolate(document.source)}</strong>"
    if document.title and document.title != document.source:
        return f"{what} {shown}, titled {isolate(document.title)}"
    return f"{what} {shown}"


def isolate(text: str) -> str:
    """Text from an article inside an English sentence: its own direction (and language when Arabic),
    so that an Arabic title does not scramble the sentence around it."""
    lang = ' lang="ar"' if arabic_share(text) > 0.5 else ""
    return f'<span dir="auto"{lang}>{md_text(text)}</span>'


# -- after a summary --------------------------------------------------------------------------
def busy() -> Any:
    import gradio as gr

    return gr.update(value=BUSY_LABEL, interactive=False)


def after_summary(state: AppState, result: Result | None, requested: str | None = None) -> list[Any]:
    """(run button, Arabic summary's note, English summary's note, JSON download, Markdown download)."""
    import gradio as gr

    ok = result is not None and result.ok
    notes = summary_notes(state, result, requested) if ok and result else (None, None)
    return [
        gr.update(value=RUN_LABEL, interactive=True),
        gr.update(info=notes[0]),
        gr.update(info=notes[1]),
        gr.update(interactive=ok),
        gr.update(interactive=ok),
    ]


def summary_notes(state: AppState, result: Result, requested: str | None = None) -> tuple[str, str]:
    """What the summary is and where it comes from, said beside it (not only in the warnings)."""
    res = result
    method = describe_method(res.summary_method)
    made_by = method_of(res.summary_method)
    if made_by is not None and not made_by.writes_summary:  # translation only, as asked
        return method, "No summary was asked for: the translation is below, sentence by sentence."
    asked = get_method(requested or state.default_method)
    if asked.needs_model and state.pipeline.summarizer is None:
        method += f" instead of {asked.model_label or asked.name}, which is not loaded (see the notice at the top)"
    elif any(n.code == "summary-empty" for n in res.notices):
        method += " (the summary model returned an empty summary)"
    if res.summary.findings:
        method += " ⚑ To check: " + "; ".join(finding_text(f) for f in res.summary.findings) + "."
    sources = summary_sources(res)
    numbers = ", ".join(str(i + 1) for i in sources.used)
    if numbers:
        how = "made of" if sources.exact else "drawn mostly from"
        method += f". {how.capitalize()} article sentences {numbers} (marked Σ below)."
    english = ("The translations of the same sentences." if sources.exact
               else "The Arabic summary, translated sentence by sentence.")
    if not res.summary_en:
        english = "No English: the translation model is not loaded."
    elif res.summary.english_findings:
        english += " ⚑ To check: " + "; ".join(finding_text(f) for f in res.summary.english_findings) + "."
    return method, english


def clear_all() -> list[Any]:
    """The Clear button: (article, web address, message under the inputs, *the results emptied)."""
    return ["", "", "", *cleared()]


def long_input_update(state: AppState, method: str | None) -> Any:
    """The long-article choice only matters to mT5: shown only when the abstractive summary is chosen."""
    import gradio as gr

    return gr.update(visible=method == "abstractive" and state.pipeline.summarizer is not None)
