"""What the page does around a summary: load an article (example, file, web address), count its
characters, clear the results of the previous article, and explain a result next to it.

These functions return what the page's components show, in the order ``app.py`` wires them;
``gr.update`` changes a component's other properties (a label's note, a button's state).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, NamedTuple

from ..arabic import arabic_share
from ..errors import InputError, SummarizerError
from ..inputs.documents import DOCUMENT_SUFFIXES, Document, read_file
from ..options import CALL, PAGE, Option, options_of
from ..pipeline import Result
from ..redact import without_paths
from ..render import aligned_html, describe_method, md_text, reasons_text, summary_sources
from ..stages.methods import METHODS, get_method, method_of
from .examples import examples
from .handlers import (
    ERROR_MARK,
    LENGTH_LABELS,
    Outputs,
    error_markdown,
    length_words,
    status_markdown,
    text_digest,
    write_brief_export,
    write_exports,
    write_translated_export,
)
from .state import AppState
from .uploads import uploaded_file

log = logging.getLogger(__name__)

RUN_LABEL, BUSY_LABEL, STOP_LABEL = "Summarise", "Summarising…", "Stop"
UPLOAD_TYPES = list(DOCUMENT_SUFFIXES)
SUMMARY_AR_LABEL = "Arabic summary · الملخص"


LENGTH_INFO = "Extractive and lead: 2, 3 or 5 sentences; mT5: up to 48, 84 (its published limit) or 120 tokens"


# The run options the page lays out itself; any other the option table shows on the page gets a choice
# of its own (more_page_options).
LAID_OUT = ("summary_method", "summary_length", "long_input")


def more_page_options() -> list[Option]:
    """The option table's run options shown on the page that it does not lay out itself, in table order."""
    return [option for name, option in options_of(CALL, PAGE).items() if name not in LAID_OUT]


def length_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for the summary-length selector."""
    return [(label, value) for value, label in LENGTH_LABELS.items()]


# -- the character counter --------------------------------------------------------------------
OVER_LIMIT = "too long for this page. Shorten the article to the part you want summarised."


def counter_html(count: int, limit: int) -> str:
    """``1,234 / 100,000 characters``; over the limit it says so, and what to do."""
    if count > limit:
        return f'<p class="char-count over">{count:,} / {limit:,} characters: {OVER_LIMIT}</p>'
    return f'<p class="char-count">{count:,} / {limit:,} characters</p>'


def counter_js(limit: int) -> str:
    """The counter in the browser (page.js counts, a moment after the typing or the paste stops, with
    no round trip to the server): called with the article's text whenever Gradio sets it."""
    return f"(text) => {{ window.summarizerPage?.count(text, {int(limit)}); }}"


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
    """(article, message under the inputs, *cleared results); a source with no text is not loaded."""
    if not text.strip():
        return _not_loaded(f"Nothing was loaded: {what} holds no text.")
    note = f"Loaded {what} ({len(text):,} characters). Press **{RUN_LABEL}**."
    if len(text) > state.service.max_chars:
        note = (f"Loaded {what}, but it has {len(text):,} characters, over this page's limit of "
                f"{state.service.max_chars:,}: shorten it before pressing **{RUN_LABEL}**.")
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


def read_upload(state: AppState, path: str | Path | None) -> tuple[list[Any], Any]:
    """An uploaded .txt, .html, .docx or .pdf file -> (the article box, its message, the results cleared),
    and the ``ArticleSource`` the page keeps for the article (``gr.skip()`` when nothing was loaded: the
    article on screen keeps its own)."""
    import gradio as gr

    try:
        # Only this page's uploads: any other path (a server file, a link out of the upload folder)
        # is refused in the same words as a missing one. The upload keeps the user's file name.
        real, name = uploaded_file(path)
        document = read_file(real, name=name)
    except InputError as exc:
        return _not_loaded(str(exc)), gr.skip()
    loaded = _loaded(state, document.text, _describe(document))
    return loaded, _source_of(document, loaded, path=str(real), name=name)


def client_of(request: Any) -> str | None:
    """The address of the client behind a Gradio request (``gr.Request``), for the per-client fetch limit."""
    client = getattr(request, "client", None)
    host = getattr(client, "host", None)
    return host if isinstance(host, str) else None


def read_url(state: AppState, url: str | None, request: Any = None) -> tuple[list[Any], Any]:
    """A web address -> (the article found on it, its message, the results cleared), and the
    ``ArticleSource`` the page keeps (as ``read_upload``). ``request``: Gradio's, whose client address
    counts against the fetch queue's share of one client."""
    import gradio as gr

    url = (url or "").strip()
    if not url:
        return _not_loaded("Type or paste a web address (https://…) first."), gr.skip()
    if "://" not in url:
        if not _looks_like_an_address(url):
            return (_not_loaded(f"“{url}” is not a web address: give one such as "
                                "https://example.com/news/story.html."), gr.skip())
        # A site's name alone is read over https; a machine's own address (a port) is most often served
        # over plain http, where https fails with a cryptic TLS error.
        url = ("http://" if _HOST_WITH_PORT.match(url) else "https://") + url
    try:
        document = state.service.read_url(url, client=client_of(request))
    except InputError as exc:
        return _not_loaded(str(exc)), gr.skip()
    loaded = _loaded(state, document.text, _describe(document))
    return loaded, _source_of(document, loaded)


class ArticleSource(NamedTuple):
    """Where the article on screen came from, kept server side (a ``gr.State``) beside it: what its brief
    says at the top (title, source, date) and, for an upload, the document to give back translated."""

    digest: str  # text_digest of the article it gave: it applies while that text is on screen
    title: str = ""
    source: str = ""  # the file's name (its user's) or the web address
    date: str = ""
    path: str = ""  # an upload's file, in this page's upload folder (checked again before it is read)
    name: str = ""  # its user's name for it, for its kind (report.docx)


def _source_of(document: Document, loaded: list[Any], *, path: str = "", name: str = "") -> ArticleSource | None:
    text = loaded[0]
    if not isinstance(text, str):  # nothing loaded
        return None
    return ArticleSource(text_digest(text), document.title, document.source, document.date, path, name)


_HOST_WITH_PORT = re.compile(r"^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|[\w.-]+):\d+(/|$)")
_ADDRESS = re.compile(r"^[^\s/?#]+(\.[^\s/?#.]+|:\d+)([/?#]\S*)?$")


def _looks_like_an_address(text: str) -> bool:
    """``example.com/news``, ``127.0.0.1:8000/a.html``: a host (with a dot or a port), no spaces."""
    return bool(_ADDRESS.match(text))


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
    method = describe_method(result.summary_method)
    made_by = method_of(result.summary_method)
    if made_by is not None and not made_by.writes_summary:  # translation only, as asked
        return method, "No summary was asked for: the translation is below, sentence by sentence."
    asked = get_method(requested or state.service.default_method)
    if asked.needs_model and state.service.pipeline.summarizer is None:
        where = ("(see the notice at the top)" if "summary" in state.service.load_errors
                 else "on this server")
        method += f" instead of {asked.model_label or asked.name}, which is not loaded {where}"
    elif any(n.code == "summary-empty" for n in result.notices):
        method += " (the summary model returned an empty summary)"
    if result.summary.findings:
        method += " ⚑ To check: " + reasons_text(result.summary.findings)
    sources = summary_sources(result)
    numbers = ", ".join(str(i + 1) for i in sources.used)
    if numbers:
        how = "made of" if sources.exact else "drawn mostly from"
        method += f". {how.capitalize()} article sentences {numbers} (marked Σ below)."
    english = ("The translations of the same sentences." if sources.exact
               else "The Arabic summary, translated sentence by sentence.")
    if not result.summary_en:
        english = NO_ENGLISH
    elif result.summary.english_findings:
        english += " ⚑ To check: " + reasons_text(result.summary.english_findings)
    return method, english


NO_ENGLISH = "No English: no translation model is loaded on this server (see the notice at the top)."


def clear_all() -> list[Any]:
    """The Clear button: (article, web address, message under the inputs, *the results emptied)."""
    return ["", "", "", *cleared()]


def long_input_applies(state: AppState, method: str | None) -> bool:
    """The long-article choice only matters to mT5: when the abstractive summary is chosen and loaded."""
    return method == "abstractive" and state.service.pipeline.summarizer is not None


def long_input_update(state: AppState, method: str | None) -> Any:
    """The long-article choice, shown only when it applies (``long_input_applies``)."""
    import gradio as gr

    return gr.update(visible=long_input_applies(state, method))


# -- Stop ---------------------------------------------------------------------------------------
STOPPED = (f"■ **Stopped.** The summary was cancelled and nothing was changed: press **{RUN_LABEL}** to "
           "start again.")


def stopped() -> list[Any]:
    """The Stop button (its event cancels the run in the browser at once): (run button, status, progress)."""
    return [ready(), STOPPED, ""]


# -- the bilingual brief's download -------------------------------------------------------------
def brief_download(state: AppState, result: Result | None, made_from: str | None, on_screen: str | None,
                   source: ArticleSource | None = None) -> Any:
    """After a summary (or a restored run): the "Bilingual brief (.docx)" download, written from the result
    shown under the text on screen, headed by its title, source and date when ``source`` (where the article
    came from) knows them; off when there is none (an error, a dropped or cleared result)."""
    import gradio as gr

    if result is None or not result.ok or made_from is None or made_from != text_digest(on_screen):
        return no_brief()
    known = source if source is not None and source.digest == made_from else None
    try:
        path = write_brief_export(result, state.export_dir, title=known.title if known else None,
                                  source=known.source if known else None, date=known.date if known else None)
    except (OSError, ValueError) as exc:  # the JSON and Markdown downloads still hold the result
        log.warning("the bilingual brief was not written: %s", exc)
        return no_brief()
    return gr.update(value=str(path), interactive=True)


# -- the translated document's download ----------------------------------------------------------
def translated_download(state: AppState, result: Result | None, made_from: str | None, on_screen: str | None,
                        document: ArticleSource | None, translation: str | None = None, *,
                        session: str | None = None) -> Any:
    """After a summary of an uploaded document: the "Translated document" download, the document in its own
    format (a PDF's text as a .docx) with the English of the result shown, hidden when the article on
    screen is not that document's (pasted, edited, another source) or nothing could be written. Like a
    summary, it is one of the ``session``'s runs: Stop or a new article stops it at its next batch."""
    import gradio as gr

    if (document is None or not document.path or result is None or not result.ok or not result.translation
            or made_from is None or made_from != text_digest(on_screen) or made_from != document.digest):
        return no_translated()
    try:
        real, _ = uploaded_file(document.path)  # still this page's upload (swept after a while)
        with state.runs.running(session) as cancelled:
            done = write_translated_export(result, real, document.name, state.service, state.export_dir,
                                           translation=translation or None, cancelled=cancelled)
    except (SummarizerError, OSError) as exc:  # refused, stopped, or a full disk: the other downloads stay
        log.warning("the translated document was not written: %s", without_paths(str(exc)))
        return no_translated()
    except Exception:  # a bug: logged whole; the page keeps its other downloads
        log.exception("the translated document was not written")
        return no_translated()
    kind = Path(done.path).suffix
    label = f"Translated document ({kind})"
    if done.arabic_left:
        label += f" · {done.arabic_left:,} Arabic letters left"
    return gr.update(value=done.path, interactive=True, visible=True, label=label)


def no_translated() -> Any:
    """The translated document's download hidden: no uploaded document's result on screen."""
    import gradio as gr

    return gr.update(value=None, interactive=False, visible=False)


def no_brief() -> Any:
    """The brief's download off: a new article came in (or Clear), and it has no result yet."""
    import gradio as gr

    return gr.update(value=None, interactive=False)


# -- a result belongs to the text on screen ---------------------------------------------------
DROPPED = ("⚠ **The article changed while it was being summarised**, so those results were dropped: press "
           f"**{RUN_LABEL}** to summarise the text now in the box.<span class=\"msg-dropped\" hidden></span>")


def settle(state: AppState, result: Result | None, requested: str | None, made_from: str | None,
           on_screen: str | None) -> list[Any]:
    """After a summary: (run button, Arabic note, English note, JSON download, Markdown download,
    translation, table, status, JSON, typed result).

    A result is shown only under the text it was made from: when the article on screen is not that
    text any more (an example, a file or Clear came in while it ran), the results are dropped and the
    status says so. The page also cancels the run in those cases; this is the guard behind it.
    """
    import gradio as gr

    if result is not None and made_from is not None and made_from != text_digest(on_screen):
        empty = dict(zip(Outputs._fields, cleared(), strict=True))
        return [gr.update(value=RUN_LABEL, interactive=True), empty["summary_ar"], empty["summary_en"],
                empty["json_file"], empty["markdown_file"], empty["translation"], empty["aligned"], DROPPED,
                None, None]
    return [*after_summary(state, result, requested), *[gr.update() for _ in range(5)]]


# -- a run put back by Gradio's run history ("Runs", then "Load run") -------------------------
def restore_run(state: AppState, record: dict | None, requested: str | None, on_screen: str | None) -> list[Any]:
    """On page load: (JSON download, Markdown download, Arabic note, English note, typed result, digest,
    sentence table, status).

    Gradio's run history puts a saved run's inputs and outputs back into the page, values only: the
    downloads stay disabled and the notes beside the summaries empty (the step after a summary sets
    them, and the history does not replay it), and the files it names may have left the cache. So
    when the page opens with a result in its JSON viewer, the downloads are written anew from that
    record, and the notes, the typed result and the digest of the text it belongs to come back.

    The saved run lives in the browser's storage, where anyone can edit it: so what the page shows as
    HTML or Markdown (the sentence table, the status) is never shown as restored, but drawn again from
    the record read as data (``Result.from_dict``), or emptied when the record cannot be read or is not
    a result this page makes. A plain visit changes nothing.
    """
    import gradio as gr

    if not record:
        return [gr.skip() for _ in range(8)]
    emptied = [*(gr.skip() for _ in range(6)), aligned_html([]), ""]
    if not on_screen:
        return emptied
    try:
        result = Result.from_dict(record)
    except ValueError as exc:
        log.info("a restored run was not restored: %s", exc)
        return emptied
    if not _could_be_made_here(state, result):
        log.info("a restored run was not restored: not a result this page makes")
        return emptied
    # the length in the record's words, only when it is one this page writes for that method
    said = record.get("summary_length")
    length = next((w for name in LENGTH_LABELS if (w := length_words(name, result.summary_method)) == said), None)
    try:
        json_file, markdown_file = write_exports(result, state.export_dir, summary_length=length)
        notes = summary_notes(state, result, requested)
        table = aligned_html(result.translation, summary_sources(result))
        status = status_markdown(result, summary_length=length)
    except (ValueError, TypeError, KeyError, IndexError) as exc:  # free-form parts (timings, models) off
        log.info("a restored run was not restored: %s", exc)
        return emptied
    return [gr.update(value=str(json_file), interactive=True), gr.update(value=str(markdown_file), interactive=True),
            gr.update(info=notes[0]), gr.update(info=notes[1]), result, text_digest(on_screen), table, status]


def _could_be_made_here(state: AppState, result: Result) -> bool:
    """A finished run of a text this page accepts, its parts in step (one pair per sentence, sources
    among the sentences): a record edited in the browser is not dressed up as a result."""
    n = len(result.sentences)
    return (result.ok and 0 < sum(map(len, result.sentences)) <= state.service.max_chars
            and len(result.translation) in (0, n)
            and all(0 <= i < n for group in result.summary.sources for i in group))


def ready() -> Any:
    """The run button, ready again (an article came in while a summary ran: that run is cancelled)."""
    import gradio as gr

    return gr.update(value=RUN_LABEL, interactive=True)


# -- a link to a summary: /?url=https://... ---------------------------------------------------
def link_url(request: Any) -> str:
    """The ``url`` query parameter of the page's address (``""`` when there is none)."""
    params = getattr(request, "query_params", None) or {}
    value = params.get("url") if hasattr(params, "get") else None
    return value.strip() if isinstance(value, str) else ""


def load_link(state: AppState, request: Any) -> list[Any]:
    """On opening ``/?url=…``: (web address box, article, message, *cleared results, summarise next?,
    where the article came from).

    The address is fetched with the server's policy (``Service.read_url``: http(s) only, no private
    networks unless the server allows them), as if typed into the box and fetched. Without the
    parameter nothing changes.
    """
    import gradio as gr

    url = link_url(request)
    if not url:
        return [gr.skip() for _ in range(3 + len(Outputs._fields))] + [False, gr.skip()]
    loaded, source = read_url(state, url, request)
    return [url, *loaded, isinstance(source, ArticleSource), source]


def link_choices(state: AppState, request: Any) -> list[Any]:
    """On opening ``/?url=…&method=…&length=…``: (summary method, summary length) as the link says, when
    it names ones this page offers; otherwise as they are. A shared link shows what its sender saw."""
    import gradio as gr

    params = getattr(request, "query_params", None) or {}
    method = params.get("method") if hasattr(params, "get") else None
    length = params.get("length") if hasattr(params, "get") else None
    return [gr.update(value=method) if method in METHODS else gr.skip(),
            gr.update(value=length) if length in LENGTH_LABELS else gr.skip()]


MARK_STALE_JS = "() => { window.summarizerPage?.markStale(); }"


def article_loaded_js(source: str) -> str:
    """The last step of a load of an article from ``source`` (example, fetch, url, upload), given the
    message under the inputs: a Summarise pressed while it loaded is made now, on that article, or
    dropped when nothing was loaded (page.js, 6a)."""
    return (f"(message) => {{ window.summarizerPage?.articleLoaded({json.dumps(source)}, "
            f"!String(message ?? '').includes({json.dumps(ERROR_MARK)})); }}")


def load_failed_js(source: str) -> str:
    """The step after a load of an article that raised (a full queue): a press held for it is dropped."""
    return f"() => {{ window.summarizerPage?.articleLoaded({json.dumps(source)}, false); }}"


def on_page_load_js(limit: int) -> str:
    """Once the page is connected: the counter's limit, and a link's article opened (``/?url=…``)."""
    return f"() => {{ window.summarizerPage?.setLimit({int(limit)}); window.summarizerPage?.openLink(); }}"
