"""The look of the page: ``style.css`` beside this file, and a theme (no web fonts are fetched)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def css() -> str:
    return resources.files(__package__).joinpath("style.css").read_text(encoding="utf-8")


def launch_style() -> dict[str, Any]:
    """For ``demo.launch(**launch_style(), ...)`` (Gradio 6 takes css and theme in ``launch``)."""
    import gradio as gr

    return {"css": css(), "theme": gr.themes.Default(primary_hue="teal", secondary_hue="amber")}
