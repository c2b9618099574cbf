"""The web page's logic, as plain functions; ``app.py`` (at the top of the checkout) lays out the page.

- ``state``: ``load_app`` loads the models once with the same policy as ``Pipeline`` (a model that
  cannot be loaded leaves its stage out and a plain notice for the page, never a crash), and lists
  the named translation choices that can be loaded on first use.
- ``handlers``: ``summarize`` behind the button and the ``/summarize`` API (never raises), file
  uploads, the downloads and the status line.
- ``examples``: the seed articles, shipped inside the package.
- ``style.css``: the page's look (``launch_style``).
"""

from .examples import example_label, examples
from .handlers import (
    Outputs,
    error_markdown,
    error_outputs,
    load_file,
    stage_progress,
    status_markdown,
    summarize,
    write_exports,
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
    "AppState",
    "Outputs",
    "error_markdown",
    "error_outputs",
    "example_label",
    "examples",
    "launch_style",
    "load_app",
    "load_file",
    "long_input_choices",
    "method_choices",
    "models_markdown",
    "notice_markdown",
    "stage_progress",
    "status_markdown",
    "summarize",
    "translation_choices",
    "translation_info",
    "write_exports",
]
