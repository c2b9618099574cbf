"""The web page's logic, as plain functions; ``server`` lays out the page (``app.py`` at the top of a
checkout starts it).

- ``state``: ``load_app`` loads the models once with the same policy as ``Pipeline`` (a model that
  cannot be loaded leaves its stage out and a plain notice for the page, never a crash), and lists
  the named translation choices that can be loaded on first use.
- ``handlers``: ``summarize`` behind the button and the ``/summarize`` API (never raises), the
  downloads and the status line.
- ``page``: around a summary: loading an article (example, file, web address) clears the old
  results, the character counter, the busy button, the notes beside the summary.
- ``api``: the ``/read_url`` and ``/read_file`` endpoints (an article from a web address or a file).
- ``uploads``: the file boundary: the only server files a request can have read are its own uploads;
  the upload folder's size cap.
- ``examples``: the seed articles, shipped inside the package, labelled by headline and source.
- ``style.css``, ``page.js``: the page's look and its behaviour in the browser (``launch_style``).

The names below are those ``server`` reads through the package; everything else is read from the module
that owns it (``summarizer.web.handlers.write_exports``...).
"""

from .examples import examples
from .handlers import summarize, text_digest
from .page import (
    LENGTH_INFO,
    MARK_STALE_JS,
    RUN_LABEL,
    SUMMARY_AR_LABEL,
    article_loaded_js,
    busy,
    clear_all,
    counter_html,
    counter_js,
    length_choices,
    load_example,
    load_failed_js,
    load_link,
    long_input_update,
    more_page_options,
    on_page_load_js,
    read_upload,
    read_url,
    ready,
    restore_run,
    settle,
)
from .state import (
    AppState,
    load_app,
    long_input_choices,
    method_choices,
    models_markdown,
    notice_markdown,
    translation_choices,
    translation_info,
)
from .style import launch_style

__all__ = [
    "LENGTH_INFO",
    "MARK_STALE_JS",
    "RUN_LABEL",
    "SUMMARY_AR_LABEL",
    "AppState",
    "article_loaded_js",
    "busy",
    "clear_all",
    "counter_html",
    "counter_js",
    "examples",
    "launch_style",
    "length_choices",
    "load_app",
    "load_example",
    "load_failed_js",
    "load_link",
    "long_input_choices",
    "long_input_update",
    "method_choices",
    "models_markdown",
    "more_page_options",
    "notice_markdown",
    "on_page_load_js",
    "read_upload",
    "read_url",
    "ready",
    "restore_run",
    "settle",
    "summarize",
    "text_digest",
    "translation_choices",
    "translation_info",
]
