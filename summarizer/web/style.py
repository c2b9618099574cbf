"""The look and behaviour of the page: ``style.css`` and ``page.js`` beside this file, and a theme
(no web fonts are fetched)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def css() -> str:
    return resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")


@cache
def js() -> str:
    """Run once when the page loads: languages, live regions, sentence highlighting, stale results."""
    import json

    from ..inputs.documents import DOCUMENT_SUFFIXES, MAX_DOCUMENT_BYTES

    text = resources.files(__package__).joinpath("page.js").read_text(encoding="utf-8")
    from .page import OVER_LIMIT

    return (text.replace("__UPLOAD_TYPES__", json.dumps(",".join(DOCUMENT_SUFFIXES)))
            .replace("__OVER_LIMIT__", json.dumps(OVER_LIMIT))
            .replace("__MAX_UPLOAD_BYTES__", str(MAX_DOCUMENT_BYTES // 2**20 * 2**20)))  # the server's max_file_size


def launch_style() -> dict[str, Any]:
    """For ``demo.launch(**launch_style(), ...)`` (Gradio 6 takes css, js and theme in ``launch``)."""
    import gradio as gr

    theme = gr.themes.Default(
        primary_hue="teal", secondary_hue="amber", font=["system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    ).set(
        # Gradio's teal-500 button with white text is 2.5:1; teal-700 is 5.5:1 (WCAG AA).
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        # ...and in dark mode too (Gradio's dark teal-600 with white text is 3.7:1).
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color_dark="white",
        # The subdued text (labels' info, placeholders) on white: gray-600 instead of gray-400.
        body_text_color_subdued="*neutral_600",
    )
    return {"css": css(), "js": js(), "theme": theme}
