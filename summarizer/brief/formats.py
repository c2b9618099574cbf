"""The registry of brief formats, by the suffix of the file they write: ``.docx``, ``.html`` and ``.md`` are
built in (``to_docx``, ``to_html``, ``to_markdown``); another is one decorated function::

    @register_brief_format(".txt", label="plain text")
    def to_txt(brief: Brief) -> bytes: ...

``write_brief`` and ``summarizer run -o`` pick the writer from the output's suffix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .content import Brief

BriefWriter = Callable[[Brief], bytes]


@dataclass(frozen=True)
class BriefFormat:
    """A brief format: its files' suffix, its name in words and its writer (the whole file, as bytes)."""

    suffix: str
    label: str
    write: BriefWriter


BRIEF_FORMATS: dict[str, BriefFormat] = {}  # suffix -> format; filled by register_brief_format


def register_brief_format(suffix: str, *, label: str) -> Callable[[BriefWriter], BriefWriter]:
    """Register the decorated ``writer(brief) -> bytes`` for files named ``*<suffix>``."""

    def add(writer: BriefWriter) -> BriefWriter:
        BRIEF_FORMATS[suffix.lower()] = BriefFormat(suffix.lower(), label, writer)
        return writer

    return add


def brief_format(suffix: str) -> BriefFormat | None:
    """The format that writes files named ``*<suffix>`` (any case), or None."""
    return BRIEF_FORMATS.get(suffix.lower())
