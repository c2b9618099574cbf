"""A brief written to a file: the format from the file's suffix, an existing file replaced only when asked,
and never half a file (:mod:`summarizer.output_file`)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..errors import OutputFormatUnknown
from ..output_file import check_output, write_atomically, xml_safe
from ..result import Result
from .content import article_title, build_brief
from .formats import BRIEF_FORMATS, BriefFormat, brief_format

DEFAULT_SUFFIX = ".docx"
NAME_CHARS = 80  # a file name's letters at most (an Arabic letter is 2 bytes: well under 255 bytes)
_WORD_RE = re.compile(r"[^\W_]+")  # letters and digits of any script
_TATWEEL = "\u0640"
# Names Windows keeps for devices, whatever the suffix: a brief named after a title "con" gets "-brief".
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def write_brief(result: Result, path: str | os.PathLike, *, overwrite: bool = False, title: str | None = None,
                source: str | None = None, date: str | None = None) -> Path:
    """Write ``result`` as a bilingual brief to ``path`` (``.docx``, ``.html`` or ``.md``, by its suffix; a
    folder: a ``.docx`` in it named after the title, ``brief_filename``) and return the path written.

    ``title``, ``source``, ``date``: what is known of the article (a document's title, the file or address it
    was read from); without a title, the article's first words. An existing file is replaced only with
    ``overwrite=True`` (``OutputExists`` otherwise); an unknown suffix is ``OutputFormatUnknown``."""
    target = Path(path)
    if target.is_dir():
        target = target / brief_filename(result, title=title)
    kind = check_brief_path(target, overwrite=overwrite)
    data = kind.write(xml_safe(build_brief(result, title=title, source=source, date=date)))
    write_atomically(target, lambda stream: stream.write(data), overwrite=overwrite)
    return target


def check_brief_path(path: str | os.PathLike, *, overwrite: bool = False) -> BriefFormat:
    """The format ``path`` is written in, or the coded error that says why it cannot be written: asked before
    any model loads (``summarizer run -o``), and again when the brief is written."""
    target = Path(path)
    kind = brief_format(target.suffix)
    if kind is None:
        raise OutputFormatUnknown(str(path), "brief", sorted(BRIEF_FORMATS))
    check_output(target, overwrite=overwrite)
    return kind


def brief_filename(result: Result | None = None, *, title: str | None = None,
                   suffix: str = DEFAULT_SUFFIX) -> str:
    """A file name for the brief, from ``title`` (else the article's first words): its letters and digits in
    any script (Arabic stays Arabic, without diacritics or tatweel) joined by ``-``, at most ``NAME_CHARS``
    of them; "brief" when nothing is left."""
    text = (title or "").strip() or (article_title(result) if result is not None else "")
    return safe_name(text) + suffix


def safe_name(text: str) -> str:
    """``text`` as a name every filesystem takes: no separator, control, dot or space, no device name."""
    letters = "".join(ch for ch in unicodedata.normalize("NFC", text)
                      if not unicodedata.category(ch).startswith("M") and ch != _TATWEEL)
    name = ""
    for word in _WORD_RE.findall(letters):
        longer = f"{name}-{word}" if name else word
        if len(longer) > NAME_CHARS:
            name = name or word[:NAME_CHARS]
            break
        name = longer
    if name.lower() in _RESERVED:
        name += "-brief"
    return name or "brief"
