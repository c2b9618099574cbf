"""The example articles: the project's seed articles, shipped as package data (``examples/``).

In a checkout ``examples`` is a link to ``seeds/``; a wheel holds copies, so an installed
package offers them too.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..inputs.text import read_text_file
from ..stages.split import split_sentences

LABEL_MAX_CHARS = 60  # Gradio cuts an example's label after 60 characters, whatever it says
HEADLINE_MAX_WORDS = 14
# A paragraph that goes on from one before it ("وأضاف: ...", a quotation) does not say what the
# article is about: a scraper that lost the article's start leaves one first.
_CONTINUES = re.compile(r"^\s*(?:[\"'“”«»]|(?:و|ف)(?:أضاف|اضاف|تابع|أكد|اكد|أشار|اشار|أوضح|اوضح|قال|ختم)\S*)")
_SOURCE_LINE = re.compile(r"^\s*(?:المصدر|المصادر)\s*[:：]\s*(?P<source>.+?)\s*$")
_SENTENCE_END = re.compile(r"[.!?؟…:\"'”»]\s*$")


def examples_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("examples")))


def example_label(text: str, max_chars: int = LABEL_MAX_CHARS) -> str:
    """An example's label: its headline, or else its first sentence, shortened on a word; then its
    source when the article names it.

    ``دي ميستورا في موسكو لإنقاذ الهدنة في سوريا`` (a headline), or
    ``أعرب وزير الخارجية الروسي، سيرغي لافروف … · موقع روسيا اليوم``.
    """
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    source = next((m.group("source") for line in reversed(paragraphs) if (m := _SOURCE_LINE.match(line))), "")
    body = [p for p in paragraphs if not _SOURCE_LINE.match(p)]
    lead = _headline(body) or _first_sentence(body)
    tail = f" · {source}" if source else ""
    return _shorten(lead.rstrip("."), max_chars - len(tail)) + tail


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        if len(kept) + len(word) + 3 > limit:  # room for " …"
            break
        kept = f"{kept} {word}" if kept else word
    return kept.rstrip("،,؛:") + " …"


def _headline(paragraphs: list[str]) -> str:
    """A short first line without a final stop, followed by the article."""
    if len(paragraphs) > 1 and len(paragraphs[0].split()) <= HEADLINE_MAX_WORDS \
            and not _SENTENCE_END.search(paragraphs[0]):
        return paragraphs[0]
    return ""


def _first_sentence(paragraphs: list[str]) -> str:
    """The first sentence of the first paragraph that does not go on from an earlier one."""
    for paragraph in paragraphs:
        if not _CONTINUES.match(paragraph):
            return (split_sentences(paragraph) or [paragraph])[0]
    return (split_sentences(paragraphs[0]) or [paragraphs[0]])[0] if paragraphs else ""


def examples(seed_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """(label, text) for each example article (none when the folder is missing)."""
    folder = Path(seed_dir) if seed_dir is not None else examples_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            text = read_text_file(path)
        except InputError:
            continue
        out.append((example_label(text), text))
    return out
