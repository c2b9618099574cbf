"""The example articles: the project's seed articles, shipped as package data (``examples/``).

In a checkout ``examples`` is a link to ``seeds/``; a wheel holds copies, so an installed
package offers them too.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..inputs import read_text_file


def examples_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("examples")))


def example_label(text: str, words: int = 7) -> str:
    """An example's label: its first words."""
    first = text.split()
    label = " ".join(first[:words])
    return label + (" …" if len(first) > words else "")


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
