"""A document's text translated sentence by sentence and laid back over the places that held it.

A unit's text (a paragraph's runs joined) is split with the project's splitter (``sentence_spans``), so a
sentence split over several runs or inline tags is translated as one sentence. Its English is then laid
back over the slots that carried its Arabic, in proportion to the letters each one held, cut at word
boundaries: a bold word in the middle of a sentence gives its run a middle share of the English, and no
slot is added or removed (a run keeps its formatting, a tag its attributes). Text between sentences
(spaces, a tab's neighbours) stays in its slot; a sentence without an Arabic letter is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..arabic import ARABIC_LETTER
from ..stages.split import sentence_spans
from .base import Leftover, Translate, Unit

_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
SNIPPET_CHARS = 60  # of a place left in Arabic, shown to the user


@dataclass(frozen=True)
class _Sentence:
    unit: int  # index of its unit
    start: int  # offsets in the unit's text
    end: int
    text: str


def arabic_letters(text: str) -> int:
    return len(_ARABIC_LETTER_RE.findall(text))


def sentences_of(units: list[Unit]) -> list[_Sentence]:
    """Every sentence of the units that holds an Arabic letter, in reading order."""
    found = []
    for i, unit in enumerate(units):
        text = unit.text
        if not _ARABIC_LETTER_RE.search(text):
            continue
        found.extend(_Sentence(i, start, end, text[start:end]) for start, end in sentence_spans(text)
                     if _ARABIC_LETTER_RE.search(text[start:end]))
    return found


@dataclass(frozen=True)
class Outcome:
    """What translating the units did: units and sentences translated, different sentences sent."""

    segments: int
    sentences: int
    unique_sentences: int


def translate_units(units: list[Unit], translate: Translate,
                    check: Callable[[list[str]], object] | None = None) -> Outcome:
    """Translate every Arabic sentence of ``units`` in one call of ``translate`` (each different sentence
    once) and lay the English back over their slots. ``check(sentences)``: called before the call (a
    server's budget), may raise. A sentence the model returns nothing for keeps its Arabic (and is
    then reported as left behind)."""
    sentences = sentences_of(units)
    unique = list(dict.fromkeys(s.text for s in sentences))
    if check is not None:
        check(unique)
    english = translate(unique) if unique else []
    if len(english) != len(unique):
        raise RuntimeError(f"the translator gave {len(english)} translations for {len(unique)} sentences")
    by_text = dict(zip(unique, english, strict=True))
    by_unit: dict[int, list[tuple[_Sentence, str]]] = {}
    for sentence in sentences:
        by_unit.setdefault(sentence.unit, []).append((sentence, by_text[sentence.text].strip()))
    for index, done in by_unit.items():
        lay_back(units[index], [(s.start, s.end, e) for s, e in done if e])
    return Outcome(len(by_unit), len(sentences), len(unique))


def lay_back(unit: Unit, replacements: list[tuple[int, int, str]]) -> None:
    """Replace the unit's text at each ``(start, end)`` with its English, over the slots that held it."""
    bounds = []  # each slot's (start, end) in the unit's text
    position = 0
    for slot in unit.slots:
        bounds.append((position, position + len(slot.text)))
        position += len(slot.text)
    pieces: list[list[str]] = [[] for _ in unit.slots]
    cursor = 0
    for start, end, english in [*replacements, (position, position, None)]:
        _keep(unit, bounds, pieces, cursor, start)
        if english is not None:
            _spread(unit, bounds, pieces, start, end, english)
        cursor = end
    for slot, piece in zip(unit.slots, pieces, strict=True):
        new = "".join(piece)
        if new != slot.text:
            slot.put(new)
            slot.text = new


def _keep(unit: Unit, bounds, pieces, start: int, end: int) -> None:
    """The original text of ``[start, end)`` stays in the slots it was in."""
    for j, (a, b) in enumerate(bounds):
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            pieces[j].append(unit.slots[j].text[lo - a : hi - a])


def _spread(unit: Unit, bounds, pieces, start: int, end: int, english: str) -> None:
    """The English of ``[start, end)`` over the slots that held its letters, in proportion to them."""
    overlapping = [j for j, (a, b) in enumerate(bounds) if max(a, start) < min(b, end)]
    weights = [_letters_in(unit.slots[j].text, bounds[j], start, end) for j in overlapping]
    shares = share_words(english, weights)
    for j, share in zip(overlapping, shares, strict=True):
        pieces[j].append(share)


def _letters_in(text: str, bound: tuple[int, int], start: int, end: int) -> int:
    a = bound[0]
    return sum(1 for ch in text[max(start - a, 0) : min(end - a, len(text))] if not ch.isspace())


def share_words(english: str, weights: list[int]) -> list[str]:
    """``english`` cut at spaces into ``len(weights)`` consecutive pieces, each about its weight's share of
    the characters; each slot of a positive weight gets a word at least while there are words enough (a
    short bold word keeps some English), a slot of weight 0 none. A piece followed by a non-empty one ends
    with the space between them."""
    words = english.split()
    if not weights:
        return []
    if not any(weights):
        weights = [1] + [0] * (len(weights) - 1)
    cuts = _cuts([len(word) for word in words], weights)
    pieces, begin = [], 0
    for cut in cuts:
        pieces.append(" ".join(words[begin:cut]))
        begin = cut
    last = max((j for j, piece in enumerate(pieces) if piece), default=-1)
    return [piece + " " if piece and j < last else piece for j, piece in enumerate(pieces)]


def _cuts(lengths: list[int], weights: list[int]) -> list[int]:
    """Where each slot's words end (word indices): a word goes to the slot whose share of the characters
    holds its middle; then each weighted slot is given a word where it got none and words are left."""
    total, characters = sum(weights), sum(n + 1 for n in lengths) or 1
    middles, position = [], 0
    for n in lengths:
        middles.append((position + n / 2) / characters)
        position += n + 1
    cuts, running = [], 0
    for weight in weights:
        running += weight
        cuts.append(sum(1 for middle in middles if middle <= running / total))
    weighted = [j for j, weight in enumerate(weights) if weight]
    previous = 0
    for rank, j in enumerate(weighted):
        rest = len(weighted) - rank - 1  # weighted slots after this one, each owed a word
        low, high = min(previous + 1, len(lengths)), max(len(lengths) - rest, previous)
        cuts[j] = len(lengths) if rest == 0 else min(max(cuts[j], low), high)
        previous = cuts[j]
    for j in range(len(cuts)):  # a slot of weight 0 takes nothing: it ends where the one before it does
        if not weights[j]:
            cuts[j] = cuts[j - 1] if j else 0
    return cuts


def leftovers(units: list[Unit]) -> list[Leftover]:
    """The units of a written document that still hold Arabic letters (the nothing-left-behind scan)."""
    found = []
    for unit in units:
        text = unit.text
        letters = arabic_letters(text)
        if letters:
            snippet = " ".join(text.split())
            found.append(Leftover(unit.where, letters, snippet[:SNIPPET_CHARS] + ("…" if len(snippet) > SNIPPET_CHARS
                                                                                  else "")))
    return found
