"""The page's "Several articles" tab: articles pasted or uploaded, grouped by story (``Service.digest``), each
story's summary, what each source adds and where they disagree, with downloads (.md, .json, .docx).

``build_digest_tab(state)`` lays the tab out inside the ``gr.Tab`` the page opens; ``run_digest`` is its handler
(the Digest button and the ``/digest`` API of the page), which never raises: a bad input gives the page's error
status. The tab holds the page's rules:

- files: only this request's uploads are read (``uploads.uploaded_file``: the file boundary), each through the
  document readers of the article upload (``inputs.documents.read_file``: its size limit, the cage); one that
  cannot be read is an article left out, with the reader's words, not an error of the whole digest;
- limits: at most ``rest.MAX_DIGEST_ARTICLES`` articles; one over the server's ``max_chars`` is left out
  (``too-long``); all of them together within the budget of one request (``Service.digest``), before any work;
- output: the digest's HTML (``digest.render.html_body``) escapes every text from an article, Arabic right to
  left; the downloads are written into the page's download folder, in a folder of this run's own, pruned with
  the page's other downloads (``handlers.prune_exports``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..batch.records import document_id
from ..digest.record import Digest
from ..digest.render import html_body, write_digest
from ..errors import PAGE, ArticleTooLong, InputError
from ..inputs.documents import document_suffixes, read_file
from ..options import CALL, DIGEST, Option, options_of
from .handlers import error_markdown, failure_message, prune_exports
from .rest import MAX_DIGEST_ARTICLES
from .state import AppState
from .uploads import uploaded_file

# Pasted articles are told apart by a line of three dashes or more (alone on its line): a blank line is not
# enough, since an article's paragraphs are separated by blank lines.
SEPARATOR_RE = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)
PASTED_LABEL = "Articles, one after another, with a line of three dashes (---) between two articles"
DOWNLOADS = (".md", ".json", ".docx")
EMPTY_VIEW = '<p class="digest-empty">The stories appear here.</p>'


class DigestOutputs(NamedTuple):
    """What one click of Digest (or one call of the page's ``/digest`` API) returns, in the tab's output order."""

    view: str  # HTML: the stories (escaped, Arabic right to left)
    status: str  # Markdown: done, or the error
    downloads: list[str] | None  # the .md, .json and .docx files
    record: dict  # Digest.to_dict(), or {"error": ...}
    typed: Digest | None = None  # the same digest, typed (not in the API)


def digest_options() -> dict[str, Option]:
    """The options the tab offers: the digest's own (``digest_threshold``); the others are the server's."""
    return options_of(CALL, DIGEST)


def pasted_articles(text: str | None) -> list[dict[str, str]]:
    """The articles of the pasted box (``pasted-1``, ``pasted-2``...), split at the separator lines; what is
    blank between two separators is no article."""
    parts = [part.strip() for part in SEPARATOR_RE.split(text or "")]
    return [{"id": f"pasted-{n}", "text": part} for n, part in enumerate(filter(None, parts), 1)]


def uploaded_articles(files: Iterable[object] | None) -> list[dict[str, str]]:
    """One article per uploaded file (its id: the file's name without its suffix), read by the reader of its
    kind; a file that cannot be read is an article with its ``error`` (the digest leaves it out, saying why).
    A path that is not this request's upload refuses the whole request (``InputError`` ``no-upload``)."""
    items = []
    for value in files or []:
        real, name = uploaded_file(value)  # the file boundary: before anything is read
        article_id = document_id(name)
        try:
            items.append({"id": article_id, "text": read_file(real, name=name).text})
        except InputError as exc:
            items.append({"id": article_id, "error": str(exc), "error_code": "unreadable"})
    return items


def _within_max_chars(items: list[dict[str, str]], max_chars: int) -> list[dict[str, str]]:
    """The items, each article over ``max_chars`` turned into one the digest leaves out (``too-long``), so that
    one long file does not refuse the others."""
    return [{"id": item["id"], "error": ArticleTooLong(len(item["text"]), max_chars).message(PAGE),
             "error_code": "too-long"} if len(item.get("text") or "") > max_chars else item for item in items]


def run_digest(state: AppState, pasted: str | None, files: Iterable[object] | None, *option_values: Any,
               progress: Callable[..., Any] | None = None) -> DigestOutputs:
    """The digest of the pasted articles and the uploaded files, with the tab's options (``option_values``, in
    the order of ``digest_options``); ``progress``: a ``gr.Progress()``. Never raises."""
    try:
        items = [*pasted_articles(pasted), *uploaded_articles(files)]
        if not items:
            raise InputError("Paste several articles (a line of --- between two) or upload their files first.",
                             code="no-articles")
        if len(items) > MAX_DIGEST_ARTICLES:
            raise InputError(f"{len(items):,} articles: a digest takes at most {MAX_DIGEST_ARTICLES:,} at once.",
                             code="too-many-articles")
        chosen = {name: value for name, value in zip(digest_options(), option_values, strict=False)
                  if value is not None}
        options = state.service.options.but(**chosen)  # checked once (an API call may send any value)
        digest = state.service.digest(_within_max_chars(items, state.service.max_chars), options=options,
                                      progress=_stage_progress(progress) if progress is not None else None)
        downloads = write_digest_exports(digest, state.export_dir)
    except Exception as exc:
        return error_outputs(failure_message(exc, "making the digest"))
    return DigestOutputs(html_body(digest), status_markdown(digest), [str(p) for p in downloads],
                         digest.to_dict(), digest)


def error_outputs(message: str) -> DigestOutputs:
    return DigestOutputs(EMPTY_VIEW, error_markdown(message), None, {"error": message})


def status_markdown(digest: Digest) -> str:
    """Done: how many stories, articles left out and disagreements (the view says which)."""
    several = sum(len(story.articles) > 1 for story in digest.stories)
    return (f"✔ **Done:** {len(digest.stories)} stories from {digest.articles_read} articles ({several} of several "
            f"articles), {len(digest.skipped)} left out, {len(digest.disagreements)} disagreements.")


def _stage_progress(progress: Callable[..., Any]) -> Callable[[str, int, int], None]:
    """The digest's ``progress(stage, done, total)`` as the page's bar: the stage's name and its share."""
    def hook(stage: str, done: int, total: int) -> None:
        progress(min(done / total, 1.0) if total else 0.0, desc=f"{stage.capitalize()} ({done}/{total})")

    return hook


def write_digest_exports(digest: Digest, directory: str | Path) -> list[Path]:
    """The digest as ``digest.md``, ``digest.json`` and ``digest.docx`` in a folder of this run's own under the
    page's download folder (pruned, as the page's other downloads, by ``prune_exports``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    prune_exports(directory)
    folder = directory / f"summary-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return [write_digest(digest, folder / f"digest{suffix}") for suffix in DOWNLOADS]


def _option_input(option: Option, value: Any):
    """A choice of the tab for a digest option of the table: a slider for a number, else a radio."""
    import gradio as gr

    from .components import handler_checks

    if option.type is int and option.allowed() is None:
        return gr.Slider(option.minimum or 1, option.maximum or 100, value=value, step=1, label=option.page_label,
                         info=option.help or None, elem_id=f"digest-option-{option.name}")
    return handler_checks(gr.Radio([(f"{k}: {words}" if words != k else k, k)
                                    for k, words in (option.allowed() or {}).items()],
                                   value=value, label=option.page_label, info=option.help or None,
                                   elem_id=f"digest-option-{option.name}"))


def build_digest_tab(state: AppState, *, api_name: str | None = "digest") -> None:
    """The tab's layout and events, inside the ``gr.Tab("Several articles")`` the page opens. ``api_name``: the
    Digest button's name in the page's API (``None``: not in it)."""
    import gradio as gr

    gr.Markdown("Paste several Arabic news articles or upload their files: they are grouped by story, and each "
                "story gets a summary across its articles, what each source adds and where the sources disagree "
                "(a figure, a date, a name).", elem_classes="digest-intro")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            pasted = gr.Textbox(label=PASTED_LABEL, lines=12, max_lines=30, rtl=True, autoscroll=False,
                                placeholder="المقال الأول…\n---\nالمقال الثاني…", elem_id="digest-articles",
                                elem_classes="arabic", html_attributes=gr.InputHTMLAttributes(lang="ar"))
            files = gr.File(label="…or upload several files (" + ", ".join(document_suffixes()) + ")",
                            file_count="multiple", type="filepath", elem_id="digest-files")
        with gr.Column(scale=2, min_width=280):
            choices = [_option_input(option, state.service.options[name])
                       for name, option in digest_options().items()]
            button = gr.Button("Digest", variant="primary", elem_id="digest-run")
            status = gr.Markdown("", elem_id="digest-status", elem_classes="status")
            downloads = gr.File(label="Downloads (.md, .json, .docx)", file_count="multiple", interactive=False,
                                elem_id="digest-downloads")
    view = gr.HTML(EMPTY_VIEW, elem_id="digest-view", elem_classes="result-box", js_on_load=None)
    with gr.Accordion("The digest's record (JSON)", open=False):
        record = gr.JSON(label="Digest", elem_id="digest-json")

    def on_digest(pasted, files, *option_values, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
        """Several Arabic articles grouped by story: pasted (a line of --- between two) and/or files. Returns the
        stories as HTML, the status, the downloads (.md, .json, .docx) and the digest's record."""
        return run_digest(state, pasted, files, *option_values, progress=progress)[:4]

    button.click(on_digest, [pasted, files, *choices], [view, status, downloads, record],
                 api_name=api_name, api_visibility="public" if api_name else "private",
                 show_progress_on=[status])
