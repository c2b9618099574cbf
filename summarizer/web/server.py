"""The web page's server: its options, its layout and events, the HTTP APIs beside it, and the launch.

    summarizer serve                    # http://127.0.0.1:7860 (python app.py in a checkout: the same)
    summarizer serve --port 8080 --translation-model models/opus-mt-ar-en --summary-method extractive
    summarizer serve --translation-model best   # Opus-MT tc-big; the page offers the other available choices

This module only parses options, lays out the page, wires events and serves them; what the page does
is in the rest of ``summarizer.web``, over a ``summarizer.service.Service``. Models are loaded once, at
start-up. One FastAPI app serves the page (mounted at ``/``), the REST API (``/api/v1/...``), the
LibreTranslate routes (``/translate``, ``/languages``, ``/detect``) and their OpenAPI page (``/docs``),
run by uvicorn; the page and the APIs share the service's work gate (``--concurrency``).
"""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial

import gradio as gr

from .. import __version__, render
from .. import web as webapp
from ..inputs.documents import MAX_DOCUMENT_BYTES
from ..options import Options
from ..service import Service, WorkGate
from .api import file_reader, url_reader
from .boundary import Policy, policy_of
from .boundary import install as install_boundary
from .components import handler_checks
from .digest_tab import build_digest_tab
from .flags import add_server_arguments, api_keys
from .page import (
    NO_ENGLISH,
    STOP_LABEL,
    brief_download,
    link_choices,
    long_input_applies,
    no_brief,
    no_translated,
    stopped,
    translated_download,
)
from .state import app_for
from .uploads import cache_sweeper, guard_uploads, own_upload_folder

log = logging.getLogger(__name__)
__all__ = ["add_server_arguments", "build_app", "build_demo", "main", "parse_args", "running", "serve"]


def parse_args(argv: Sequence[str] | None = None, prog: str | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Web app: Arabic news article -> Arabic summary + English.")
    add_server_arguments(parser)
    return parser.parse_args(argv)


# Gradio keeps a copy of every file it serves (2 downloads per summary): every minute, drop those
# older than 10 minutes, so the cache holds at most the last 10 minutes' downloads.
DELETE_CACHE = (60, 600)
# Fetching a web address waits on someone else's server (up to its deadline, documents.FETCH_DEADLINE_S):
# those requests have their own group, so that one slow site neither queues behind a summary nor holds
# the next user's fetch.
FETCH_CONCURRENCY = 8
FETCH = {"concurrency_id": "fetch", "concurrency_limit": FETCH_CONCURRENCY}
STOPS = {"concurrency_id": "stop", "concurrency_limit": None}  # Stop's server side: never waits for a slot
DOCS_ASSETS = "/docs-assets"  # Swagger UI's script, style sheet and icon, for /docs


def build_demo(state: webapp.AppState, *, concurrency: int = 1, max_queue: int = 16,
               delete_cache: tuple[int, int] = DELETE_CACHE) -> gr.Blocks:
    """The page. ``state`` holds the models, loaded once by ``webapp.load_app``."""
    seeds = webapp.examples()
    with gr.Blocks(title="Arabic news summariser", analytics_enabled=False, delete_cache=delete_cache) as demo:
        gr.Markdown(
            "# Arabic news summariser\n"
            "Paste an Arabic news article, upload a file or give a web address: get an Arabic summary, the "
            "article translated into English sentence by sentence, and an English summary.\n\n"
            f"<small>{webapp.models_markdown(state)}</small>",
            elem_classes="app-title",
        )
        notice = webapp.notice_markdown(state)
        gr.Markdown(notice, visible=bool(notice), elem_classes="notice", elem_id="notice")

        # A translator's desk: the article on one side and the English on the other (stacked on a phone:
        # the article, the action bar, the results, then the other ways in and the options), the
        # sentence-by-sentence view under both in the same two columns. #results holds all of it, so
        # that "out of date" marks the whole desk (page.js).
        with gr.Column(elem_id="results"):
            with gr.Row(equal_height=False, elem_id="desk"):
                with gr.Column(scale=1, min_width=320, elem_id="source-pane"):
                    gr.HTML('<h2 class="section">The article · <span lang="ar">المقال</span></h2>', js_on_load=None)
                    # Right to left for Arabic; page.js turns a text that starts in a left-to-right script
                    # (English pasted by mistake) left to right, as dir="auto" would. A fixed height (the
                    # text scrolls inside): the action bar stays where it is, and Gradio does not size the
                    # box to its text on every keystroke (two layouts of the whole text: slow when long).
                    article = gr.Textbox(
                        label="Arabic article", lines=12, max_lines=12, rtl=True, autoscroll=False,
                        placeholder="الصق نص المقال هنا…", elem_id="article", elem_classes="arabic",
                        html_attributes=gr.InputHTMLAttributes(lang="ar"),
                    )
                    # The action bar: right under the article, and kept in view (position: sticky) while the
                    # article grows or a summary runs: Summarise, Stop (shown while a run is on), Clear,
                    # the counter and the progress.
                    with gr.Column(elem_id="action-bar"):
                        with gr.Row(elem_id="run-row"):
                            run = gr.Button(webapp.RUN_LABEL, variant="primary", elem_id="summarize", scale=2,
                                            min_width=120)
                            stop = gr.Button(STOP_LABEL, variant="stop", elem_id="stop", scale=1, min_width=70)
                            clear = gr.Button("Clear", elem_id="clear", scale=1, min_width=70)
                        gr.HTML(webapp.counter_html(0, state.service.max_chars), elem_id="char-count",
                                js_on_load=None)
                        progress_slot = gr.HTML("", elem_id="progress", js_on_load=None)
                    status = gr.Markdown("", elem_id="status", elem_classes="status")
                with gr.Column(scale=1, min_width=320, elem_id="target-pane"):
                    gr.HTML('<h2 class="section" id="results-heading" tabindex="-1">The English · Results</h2>',
                            js_on_load=None)
                    gr.HTML("<p><strong>Out of date:</strong> these results were made from another text or with "
                            "other options, and their downloads are off. Press <strong>Summarise</strong> to "
                            "update them.</p>", elem_id="stale-hint", js_on_load=None)
                    summary_en = gr.Textbox(
                        label="English summary", lines=4, buttons=["copy"], interactive=False, elem_id="summary-en",
                        placeholder=None if state.service.translation_available else NO_ENGLISH,
                        elem_classes="result-box", min_width=300, html_attributes=gr.InputHTMLAttributes(lang="en"),
                    )
                    summary_ar = gr.Textbox(
                        label=webapp.SUMMARY_AR_LABEL, lines=3, rtl=True, buttons=["copy"], interactive=False,
                        elem_id="summary-ar", elem_classes=["arabic", "result-box"], min_width=300,
                        html_attributes=gr.InputHTMLAttributes(lang="ar"),
                    )
                    with gr.Row(elem_id="downloads"):
                        json_file = gr.DownloadButton("Download JSON", size="sm", interactive=False,
                                                      elem_id="download-json")
                        markdown_file = gr.DownloadButton("Download Markdown", size="sm", interactive=False,
                                                          elem_id="download-md")
                        brief_file = gr.DownloadButton("Bilingual brief (.docx)", size="sm", interactive=False,
                                                       elem_id="download-brief")
                        # An uploaded document, translated in its own format: shown after its summary.
                        translated_file = gr.DownloadButton("Translated document", size="sm", interactive=False,
                                                            visible=False, elem_id="download-translated")
            with gr.Row(equal_height=False, elem_id="inputs-and-options"):
                with gr.Column(scale=3, min_width=320, elem_id="other-inputs"):
                    # A Fetch or an upload says what came of it here, beside the address box and the button.
                    input_status = gr.Markdown("", elem_id="input-status", elem_classes="input-status")
                    with gr.Row(equal_height=True, elem_id="url-row"):
                        url = gr.Textbox(label="…or a web address", placeholder="https://…", max_lines=1, scale=4,
                                         min_width=180, elem_id="url")
                        fetch = gr.Button("Fetch", scale=1, min_width=80, elem_id="fetch")
                        # No file_types: Gradio would refuse another type in a corner toast, beside an older
                        # "Loaded ..." line; the handler refuses it in the page's words instead (page.js gives
                        # the file dialog its filter).
                        upload = gr.UploadButton("Upload a file", scale=1, min_width=150, elem_id="upload-button")
                    examples = gr.Dataset(
                        components=["textbox"], samples=[[label] for label, _ in seeds], type="index",
                        label="Example articles (click one to load it)", elem_id="examples", visible=bool(seeds),
                    )
                with gr.Column(scale=2, min_width=280, elem_id="options"):
                    gr.HTML('<h2 class="section">Options</h2>', js_on_load=None)
                    method = gr.Radio(webapp.method_choices(state), value=state.service.default_method,
                                      label="Summary", elem_id="method")
                    length = gr.Radio(webapp.length_choices(),
                                      value=state.service.options.summary_length or "standard",
                                      label="Summary length", info=webapp.LENGTH_INFO, elem_id="summary-length")
                    long_input = gr.Radio(
                        webapp.long_input_choices(), value=state.service.options.long_input, label="Long articles",
                        info="mT5 reads about 512 tokens (300-400 words) at a time", elem_id="long-input",
                        visible=long_input_applies(state, state.service.default_method),
                    )
                    translation_model = gr.Dropdown(
                        webapp.translation_choices(state), value=state.service.default_translation,
                        label="Translation model", info=webapp.translation_info(state),
                        visible=len(state.translations) > 1, elem_id="translation-model",
                    )
                    # Any other run option the table shows on the page: a choice of its own, its help as labels.
                    more = [gr.Radio([(f"{value}: {words}" if words != value else value, value)
                                      for value, words in (option.allowed() or {}).items()],
                                     value=state.service.options[option.name], label=option.page_label,
                                     info=option.help or None, elem_id=f"option-{option.name}")
                            for option in webapp.more_page_options()]
                    for choice in (method, long_input, translation_model, length, *more):
                        # A value the page does not offer (an API call) reaches the handler, which says so
                        # in the page's error status rather than in Gradio's words.
                        handler_checks(choice)

            gr.HTML('<h2 class="section">The article and its translation, sentence by sentence</h2>',
                    js_on_load=None)
            # Copies every English sentence, one per line (page.js says that it did).
            copy_english = gr.Button("Copy the whole English", size="sm", elem_id="copy-english")
            aligned = gr.HTML(render.aligned_html([]), elem_id="aligned", elem_classes="result-box", js_on_load=None)
            with gr.Accordion("The English translation as plain text", open=False):
                translation = gr.Textbox(
                    label="English translation (one line per Arabic sentence)", lines=10, max_lines=20,
                    buttons=["copy"], interactive=False, elem_id="translation",
                    placeholder=None if state.service.translation_available else "No translation model: see the notice above.",
                )
            with gr.Accordion("Full result (JSON)", open=False):
                result = gr.JSON(label="Result", elem_id="result-json")
        typed = gr.State(None)  # the same result, typed, for the page's own handlers (not part of the API)
        made_from = gr.State(None)  # the digest of the text the shown result was made from
        source_document = gr.State(None)  # where the article on screen came from (page.ArticleSource)

        outputs = [summary_ar, translation, summary_en, aligned, status, json_file, markdown_file, result, typed]
        loaded = [article, input_status, *outputs]
        settled = [run, summary_ar, summary_en, json_file, markdown_file, translation, aligned, status, result, typed]

        more_names = [option.name for option in webapp.more_page_options()]

        def on_summarize(request: gr.Request, text, summary_method, long_input, translation_model=None,
                         summary_length=None, *more_values, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
            """Summarise one Arabic article; returns the 8 outputs (the last one is the whole result as JSON).
            translation_model: a named choice (fast, best, nllb-600m) the app offers; default: the one loaded.
            summary_length: short, standard (default) or longer."""
            with state.runs.running(session_of(request)) as cancelled:  # the page's Stop stops it here too
                out = webapp.summarize(state, text, summary_method, long_input, progress=progress,
                                       translation=translation_model, summary_length=summary_length,
                                       more=dict(zip(more_names, more_values, strict=False)), cancelled=cancelled)
            return (*out, webapp.text_digest(text) if out.typed is not None else None)

        _name_extra_parameters(on_summarize, more_names)  # the API names them (`repair`), not `param_5`
        run_inputs = [article, method, long_input, translation_model, length, *more]
        # The button says it is busy, the progress shows under it, then the notes beside the summary;
        # a result reaches the page only under the text it was made from (settle).
        # "always_last": a press while the previous run's last steps are still pending (the translated
        # document, a cancelled step) runs once they end; Gradio's default would drop it, and the button
        # would seem dead. A press during a run cannot happen: busy disables the button.
        started = run.click(webapp.busy, None, [run], queue=False, api_visibility="private",
                            trigger_mode="always_last")
        done = started.then(on_summarize, run_inputs, [*outputs, made_from], api_name="summarize",
                            show_progress_on=[progress_slot])
        settle = partial(webapp.settle, state)
        brief = partial(brief_download, state)  # the brief of the result shown, or none
        settled_run = done.then(settle, [typed, method, made_from, article], settled, queue=False,
                                api_visibility="private")
        settled_run.then(brief, [typed, made_from, article, source_document], [brief_file], queue=False,
                         api_visibility="private")
        def translated_of_session(request: gr.Request, *inputs):  # Stop stops it too
            return translated_download(state, *inputs, session=session_of(request))

        # An uploaded document's own translation: the English shown is reused, the rest (headers, notes...)
        # is translated in the queue, like a summary.
        translated = settled_run.then(
            translated_of_session, [typed, made_from, article, source_document, translation_model],
            [translated_file], api_visibility="private", show_progress="hidden")

        # A link to a summary: /?url=https://... fetches that article and summarises it. Once the page is
        # ready, page.js presses this hidden button when its address has a url parameter (so that a
        # plain visit runs nothing, and shows no progress).
        link = gr.Button("Open the linked article", elem_id="link-go", elem_classes="link-go")
        link_pending = gr.State(False)
        def open_link(request: gr.Request):
            return webapp.load_link(state, request)

        # the link's method and length first (/?url=…&method=…&length=…: what its sender saw), then its article
        def choices_of_link(request: gr.Request):
            return link_choices(state, request)

        opened = link.click(choices_of_link, None, [method, length], queue=False,
                            api_visibility="private").then(
            open_link, None, [url, *loaded, link_pending, source_document], api_visibility="private",
            show_progress_on=[input_status], **FETCH)

        def on_link(request: gr.Request, pending, text, summary_method, long_input, translation_model=None,
                    summary_length=None, *more_values, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
            if not pending:
                return [gr.skip() for _ in range(len(outputs) + 1)]
            return on_summarize(request, text, summary_method, long_input, translation_model, summary_length,
                                *more_values, progress=progress)

        linked = opened.then(webapp.busy, None, [run], queue=False, api_visibility="private").then(
            on_link, [link_pending, *run_inputs], [*outputs, made_from], api_visibility="private",
            show_progress_on=[progress_slot])
        linked.then(settle, [typed, method, made_from, article], settled, queue=False,
                    api_visibility="private").then(brief, [typed, made_from, article, source_document],
                                                   [brief_file], queue=False, api_visibility="private")
        # Stop, and a new article, cancel the running summary (in the browser, at once: nothing it sends
        # afterwards is shown; settle's step then runs and readies the button). page.js presses Stop when
        # the article is edited while a summary runs.
        runs = [done, opened, linked, translated]  # a link's fetch and its summary too
        # (the progress too: a progress message already on its way when the run was cancelled would leave
        # Gradio's tracker pending)
        stop.click(stopped, None, [run, status, progress_slot], queue=False, cancels=runs, api_visibility="private",
                   show_progress="hidden")

        # ...and on the server: the pipeline stops at its next model batch, and its place in the work
        # gate goes to the next run (Gradio's cancels leave the handler's thread running to its end).
        # Queued, in a group of its own that nothing waits behind: only a queued event says which page
        # session sent it.
        def stop_on_server(request: gr.Request):
            state.runs.stop(session_of(request))

        for trigger in (stop.click, examples.click, upload.upload, fetch.click, url.submit, clear.click):
            trigger(stop_on_server, None, None, api_visibility="private", show_progress="hidden", **STOPS)
        # A new article clears the results of the previous one.
        def with_ready(load):
            def loader(*args):
                return [*load(*args), webapp.ready(), None, no_brief(), no_translated(), None]
            name = getattr(getattr(load, "func", load), "__name__", "load")
            loader.__name__ = loader.__qualname__ = f"{name}_then_ready"  # load_url_then_ready...
            return loader

        renewed = [*loaded, run, made_from, brief_file, translated_file, source_document]
        def reported(load, source: str) -> None:
            """The end of a load, told to the page: a Summarise pressed meanwhile is made or dropped."""
            load.then(None, [input_status], None, js=webapp.article_loaded_js(source), queue=False)
            load.failure(None, None, None, js=webapp.load_failed_js(source), queue=False)

        reported(examples.click(with_ready(partial(webapp.load_example, state)), [examples], renewed, cancels=runs,
                                api_visibility="private"), "example")

        def load_upload_then_ready(path):  # where the article came from is kept: its brief, its translation
            loaded_now, source = webapp.read_upload(state, path)
            return [*loaded_now, webapp.ready(), None, no_brief(), no_translated(), source]

        reported(upload.upload(load_upload_then_ready, [upload], renewed, cancels=runs,
                               api_visibility="private", show_progress_on=[input_status]), "upload")
        def load_url_then_ready(address, request: gr.Request):  # the request: its client's share of fetches
            loaded_now, source = webapp.read_url(state, address, request)
            return [*loaded_now, webapp.ready(), None, no_brief(), no_translated(), source]

        for trigger, source in ((fetch.click, "fetch"), (url.submit, "url")):
            reported(trigger(load_url_then_ready, [url], renewed, cancels=runs,
                             api_visibility="private", show_progress_on=[input_status], **FETCH), source)
        clear.click(lambda: [*webapp.clear_all(), webapp.ready(), None, no_brief(), no_translated(), None], None,
                    [article, url, input_status, *outputs, run, made_from, brief_file, translated_file,
                     source_document], queue=False, cancels=runs, api_visibility="private")
        # Counted in the browser, a moment after the typing stops (page.js); no round trip per keystroke.
        article.change(None, [article], None, js=webapp.counter_js(state.service.max_chars), queue=False)
        method.change(partial(webapp.long_input_update, state), [method], [long_input], queue=False,
                      api_visibility="private")
        for choice in (method, length, long_input, translation_model):  # the results no longer match them
            choice.change(None, None, None, js=webapp.MARK_STALE_JS, queue=False)

        demo.load(None, None, None, js=webapp.on_page_load_js(state.service.max_chars))
        # Gradio's "Runs -> Load run" puts back values only: the downloads and the notes come back here,
        # and what shows as HTML or Markdown is drawn again from the record (restore_run).
        # Then the counter of the restored text, the choices that apply to its method, and the brief.
        restored = demo.load(partial(webapp.restore_run, state), [result, method, article],
                             [json_file, markdown_file, summary_ar, summary_en, typed, made_from, aligned, status],
                             queue=False, show_progress="hidden", api_visibility="private")
        restored.then(None, [article], None, js=webapp.counter_js(state.service.max_chars), queue=False).then(
            partial(webapp.long_input_update, state), [method], [long_input], queue=False, show_progress="hidden",
            api_visibility="private").then(brief, [typed, made_from, article], [brief_file], queue=False,
                                           show_progress="hidden", api_visibility="private")
        copy_english.click(None, None, None, js="() => { window.summarizerPage?.copyEnglish(); }", queue=False)

        # Several articles at once: their digest across stories (summarizer/web/digest_tab.py), under the
        # one-article desk, folded until opened; its API is /digest.
        with gr.Accordion("Several articles: one digest, story by story", open=False, elem_id="digest-section"):
            build_digest_tab(state)

        # The new inputs through the API: an article from a web address or a file, ready for /summarize.
        gr.api(url_reader(state), api_name="read_url", **FETCH)
        gr.api(file_reader(state), api_name="read_file")
    demo.queue(default_concurrency_limit=concurrency, max_size=max_queue)
    return demo


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> None:
    serve(parse_args(argv, prog))


def session_of(request: gr.Request | None) -> str | None:
    """The page session a request comes from (Gradio's ``session_hash``): whose run Stop stops."""
    return getattr(request, "session_hash", None) or None


def _name_extra_parameters(fn: Callable, names: list[str]) -> None:
    """Give ``fn``'s ``*more_values`` the names of the options they carry, in its signature: Gradio's API
    (``view_api``, ``gradio_client``) lists a handler's parameters by name, and a ``*args`` has none."""
    signature = inspect.signature(fn)
    kept = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_POSITIONAL]
    positional = [p for p in kept if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    extra = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None) for name in names]
    keyword = [p for p in kept if p.kind is inspect.Parameter.KEYWORD_ONLY]
    fn.__signature__ = signature.replace(parameters=[*positional, *extra, *keyword])


def build_app(state: webapp.AppState, demo: gr.Blocks, *, concurrency: int = 1, max_queue: int = 16,
              keys: Sequence[str] = (), api: bool = True, policy: Policy | None = None):
    """The server's one app: the REST and LibreTranslate routes (unless ``api=False``) and their OpenAPI
    page at ``/docs``, then the page mounted at ``/``, all behind the boundary (``policy``: its defaults).
    The service's gate is sized as the page's queue."""
    from fastapi import FastAPI
    from fastapi_offline import FastAPIOffline  # /docs with Swagger UI's files from the package, no CDN

    state.service.gate = WorkGate(concurrency, max_queue)
    about = {"title": "Arabic news summariser", "version": __version__,
             "description": "Arabic news: summaries, sentence-by-sentence English translation, and "
                            "LibreTranslate-compatible routes. Reference: docs/api.md.",
             "lifespan": cache_sweeper()}  # Gradio's upload folder kept under a size cap (uploads.py)
    app = (FastAPIOffline(docs_url="/docs", redoc_url=None, static_url=DOCS_ASSETS, **about) if api
           else FastAPI(docs_url=None, openapi_url=None, redoc_url=None, **about))
    if api:
        from . import libretranslate, rest
        from .httpapi import ApiConfig

        config = ApiConfig(state.service, keys=tuple(keys))
        app.include_router(rest.build_router(config))
        lt_routes = libretranslate.build_router(config)
        app.include_router(lt_routes)
    # show_error=False: an exception's own text (a server path, a library's words) never reaches a
    # visitor; the page's handlers say what went wrong in their own words instead.
    mounted = gr.mount_gradio_app(app, demo, path="/", max_file_size=f"{MAX_DOCUMENT_BYTES // 2**20}mb",
                                  show_error=False, **webapp.launch_style())
    guard_uploads(demo)  # mounted, not launched: Gradio's own upload check must be turned on (uploads.py)
    install_boundary(mounted, policy or Policy(), max_chars=state.service.max_chars,  # LibreTranslate's errors
                     error_only=[route.path for route in lt_routes.routes] if api else ())
    return mounted


@contextmanager
def running(app, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread (``port=0``: a free one); yields its URL."""
    server = _server(app, host, port)
    thread = threading.Thread(target=server.run, name="summarizer-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}/"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _server(app, host: str, port: int):
    import uvicorn

    class Server(uvicorn.Server):
        on_stop: Callable[[], None] = staticmethod(lambda: None)  # run_until_stopped sets it

        def handle_exit(self, sig: int, frame) -> None:
            if not self.should_exit:  # the first stop signal: the process ends within HARD_STOP_S
                timer = threading.Timer(HARD_STOP_S, _hard_stop, args=(128 + sig, self.on_stop))
                timer.daemon = True
                timer.start()
            super().handle_exit(sig, frame)

        async def shutdown(self, sockets=None) -> None:
            # Gradio's page keeps a heartbeat stream open per session until its app's stop event is set
            # (demo.close() does it for a launched page): set it first, so that a stop waits for no one.
            for route in getattr(app, "routes", ()):
                stop = getattr(getattr(route, "app", None), "stop_event", None)
                if stop is not None:
                    stop.set()
            await super().shutdown(sockets)

    # proxy_headers=False: uvicorn would otherwise take X-Forwarded-For from a client on 127.0.0.1 as the
    # client's address, and one local client could then pass for many (the per-client fetch limit).
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5,
                            ws="none", proxy_headers=False)
    return Server(config)


def serve(args: argparse.Namespace) -> None:
    """Load the models, lay out the page and serve it with the APIs until stopped (Ctrl+C or SIGTERM)."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    uploads = own_upload_folder()  # before the page is built: Gradio reads it when it makes its blocks
    service = Service.from_options(Options.from_args(args), allow_private_urls=args.allow_private_urls)
    state = app_for(service)
    demo = build_demo(state, concurrency=args.concurrency, max_queue=args.max_queue)
    keys = api_keys(args)
    app = build_app(state, demo, concurrency=args.concurrency, max_queue=args.max_queue, keys=keys,
                    api=not args.no_api, policy=policy_of(args))
    server = _server(app, args.host, args.port)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"* Running on http://{shown}:{args.port}/" + ("" if args.no_api else
          f" (API reference: http://{shown}:{args.port}/docs{'; API keys required' if keys else ''})"), flush=True)
    if args.share:
        threading.Thread(target=_share, args=(server, args.host, args.port), daemon=True).start()
    def stop() -> None:
        state.close()
        if uploads is not None:
            shutil.rmtree(uploads, ignore_errors=True)

    run_until_stopped(server, on_stop=stop)


def run_until_stopped(server, on_stop: Callable[[], None]) -> None:
    """Serve until Ctrl+C or SIGTERM, then ``on_stop()`` (once) and end the process.

    uvicorn stops gracefully on SIGINT and SIGTERM (as a service manager stops it), then raises the
    signal again with the handlers it found: SIGTERM makes an ordinary exit (143), so that the export
    folder and Gradio's cache are removed as on Ctrl+C rather than left behind by a kill.
    """
    once = threading.Lock()

    def stop_once() -> None:
        if once.acquire(blocking=False):
            on_stop()

    server.on_stop = stop_once
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run()
    finally:
        stop_once()


# After a stop signal, requests in flight get uvicorn's graceful shutdown (5 s); a worker thread that is
# still busy then (a model call, a stuck read) is not waited for: the process ends HARD_STOP_S after the
# signal (cleaning up included, within 10 s). Results are written whole or not at all (exports are renamed into place), so nothing is left
# half-written.
HARD_STOP_S = 8.0


def _hard_stop(code: int, on_stop: Callable[[], None]) -> None:
    on_stop()
    log.warning("stopped while work was still running (it is dropped)")
    logging.shutdown()
    os._exit(code)


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _share(server, host: str, port: int) -> None:
    """A public gradio.live link to the running server (``--share``), once it has started."""
    import secrets

    from gradio import networking

    while not server.started and not server.should_exit:
        time.sleep(0.1)
    try:
        url = networking.setup_tunnel(local_host=host, local_port=port, share_token=secrets.token_urlsafe(32),
                                      share_server_address=None, share_server_tls_certificate=None)
        print(f"* Running on public URL: {url}", flush=True)
    except Exception as exc:  # no network, or Gradio's share server refused: the local server goes on
        log.warning("no public link: %s", exc)
