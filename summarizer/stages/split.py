"""Arabic-aware sentence splitting: rules and regular expressions, no model.

Sentences feed both the summariser (which picks and orders them) and the translator (which works
sentence by sentence), so a wrong boundary costs twice: a cut sentence is translated without its
verb, a missed one makes the translator drop half of a long input. The rules follow how Arabic
news is actually written and scraped:

* stops are ``. ! ? ؟ …`` and their runs (``...``, ``?!``), optionally followed by closing quotes or
  brackets; the Arabic comma ``،`` and semicolon ``؛`` never end a sentence;
* scraped text often glues the next sentence to the stop (``لافروف.ونقلت``), so a stop between two
  words with no space is still a boundary when a letter or an opening quote follows it;
* a dot is *not* a stop in numbers (``2.5``, ``3.14``), abbreviations and initials (``د.`` = doctor,
  ``أ.د.``, ``U.S.``, ``Mr.``), URLs, e-mail addresses, bare domains (``aljazeera.net``), list numbers
  at the start of a line (``1.``), and an ellipsis that marks an omission inside brackets (``(...)``);
* a line break always ends a sentence: headlines and captions carry no final stop;
* so does a list bullet inside a line (``البرنامج التالي : *العرض الأول ... *العرض الثاني``): a
  ``• ● ▪ ■ ◦ ‣`` after whitespace, or a ``*`` after whitespace and glued to the next word (scraped
  lists whose line breaks were lost; ``5 * 3`` and ``الدولار*`` are not bullets).

Every character that is not whitespace ends up in exactly one sentence, in order, so callers can map
sentences back to the text (:func:`sentence_spans` gives the offsets). Each rule looks at a bounded
neighbourhood of a stop, so splitting is linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from summarizer.arabic import ARABIC_DIGIT, ARABIC_LETTER

# Characters ending a sentence; runs of them ("...", "?!", "؟!") count as one stop.
_STOP_RUN_RE = re.compile(r"[.!?؟…]+")
# A line: text between two of the line breaks that str.splitlines() knows.
_LINE_RE = re.compile(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_NOT_SPACE_RE = re.compile(r"\S")
# A list bullet inside a line starts a new item: see the module docstring.
_BULLET_RE = re.compile(r"(?<=\s)(?:\*(?=[^\s*])|[•●▪■◦‣](?=\s*\S))")
_WORD_CHAR_RE = re.compile(r"[^\W_]")

# Closing marks that may follow a stop and still belong to its sentence.
_CLOSERS = frozenset("”»)’]")
# Marks that open the next sentence when glued to a stop (`."وقال`, `.“وقال`, `.(وقال`).
_OPENERS = frozenset("\"'“«‘([")
# After these the sentence goes on: `"جيد."، وأضاف`, `(؟)`, `إلخ.، و`.
_CONTINUERS = frozenset("،,؛;:)]}")
# Marks that may stand before a word and are not part of it (for finding the word a dot ends).
_WORD_OPENERS = frozenset("(\"'“«‘[")

_LETTER_RE = re.compile(rf"[{ARABIC_LETTER}A-Za-z\u00C0-\u024F]")
_LATIN_OR_DIGIT_RE = re.compile(rf"[A-Za-z0-9{ARABIC_DIGIT}\u00C0-\u024F]")
_DIGIT_RE = re.compile(rf"[0-9{ARABIC_DIGIT}]")

# Single letters joined by dots: "د", "أ.د", "U.S", "e.g", "ق.م" (a tatweel may follow: "هـ").
_INITIALS_RE = re.compile(r"[^\W\d_]\u0640?(?:\.[^\W\d_]\u0640?)*")
# Latin letters as spelled in Arabic script ("دي. كي. أريا" = D. K. Arya; "سي إن إن" = CNN).
_LETTER_NAMES = frozenset(
    "إيه أيه ايه بي سي دي إي إف اف جي إتش اتش آي جيه جاي كيه كي إل ال إم ام إن ان أو او كيو آر ار إس اس"
    " تي يو في دبليو إكس اكس واي زد زي".split()
)
# Latin abbreviations that are followed by a name or a number, not by the end of a sentence.
_LATIN_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr rev gen col lt sgt capt cmdr gov sen rep pres mt ft
    inc ltd co corp bros dept univ assn est approx vs etc al fig eq ca cf
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Abbreviations only when a number follows ("No. 5"); "no." alone may well end a sentence.
_NUMBER_ABBREVIATIONS = frozenset("no nos vol vols p pp art ch sec ed".split())
# Longest word worth checking for an abbreviation; bounds the look-behind so splitting stays linear.
_MAX_ABBREVIATION = 12
# Longest list number at the start of a line ("1." .. "999.").
_MAX_LIST_NUMBER = 3

# URLs, e-mail addresses and bare domains. Each alternative may only start where a token starts
# (the look-behinds), so a long unbroken string is scanned once, not once per character.
_URL_RE = re.compile(
    r"(?<![\w.])(?:https?://|ftp://|www\.)[^\s<>\"“”«»]+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w.-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|gov|edu|int|info|biz|io"
    r"|co|tv|me|news|online|uk|us|ru|fr|de|sa|eg|ae|qa|ma|tn|dz|jo|lb|sy|iq|kw|bh|om|ye|ly|sd|ps|tr|ir)"
    r"(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# Punctuation that ends the sentence rather than the URL ("... aljazeera.net/news.").
_URL_TRAILING = frozenset(".,!?؟…،؛;:)]}'\"’”»")


@dataclass(frozen=True)
class _Line:
    """One line of the text: where it is, where its first word starts, which ranges are URLs."""

    text: str
    start: int
    end: int
    content_start: int
    protected: tuple[tuple[int, int], ...]

    def char(self, index: int) -> str:
        """The character at ``index``, or "" outside the line."""
        return self.text[index] if self.start <= index < self.end else ""


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into stripped, non-empty sentences (see the module docstring for the rules)."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets ``(start, end)`` of each sentence; ``text[start:end]`` is stripped, non-empty."""
    spans: list[tuple[int, int]] = []
    for match in _LINE_RE.finditer(text):
        first = _NOT_SPACE_RE.search(text, match.start(), match.end())
        if first is None:
            continue
        line = _Line(text, match.start(), match.end(), first.start(), _protected_ranges(text, *match.span()))
        start = line.content_start
        for cut in sorted(set(_boundaries(line)) | set(_bullet_cuts(line))):
            spans.extend(_stripped(text, start, cut))
            start = cut
        spans.extend(_stripped(text, start, line.end))
    return spans


def _stripped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span ``text[start:end]`` without surrounding whitespace, if anything is left."""
    first = _NOT_SPACE_RE.search(text, start, end)
    if first is None:
        return []
    stop = end
    while text[stop - 1].isspace():
        stop -= 1
    return [(first.start(), stop)]


def _protected_ranges(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """URLs, e-mail addresses and bare domains in ``text[start:end]``, sorted and disjoint."""
    ranges = []
    for match in _URL_RE.finditer(text, start, end):
        stop = match.end()
        while stop > match.start() and text[stop - 1] in _URL_TRAILING:
            stop -= 1
        if stop > match.start():
            ranges.append((match.start(), stop))
    return tuple(ranges)


def _inside(ranges: tuple[tuple[int, int], ...], position: int) -> bool:
    """Whether ``position`` falls inside one of the sorted, disjoint ``ranges``."""
    index = bisect.bisect_right(ranges, (position, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= position < ranges[index][1]


def _bullet_cuts(line: _Line) -> Iterator[int]:
    """Offsets of the list bullets inside ``line`` (not the one opening it, nor inside a URL)."""
    for match in _BULLET_RE.finditer(line.text, line.content_start + 1, line.end):
        if not _inside(line.protected, match.start()):
            yield match.start()


def _boundaries(line: _Line) -> Iterator[int]:
    """Offsets inside ``line`` where a new sentence begins.

    Straight quotes are counted: a ``"`` glued to the word after a stop closes a quotation when the
    sentence so far holds an odd number of them (or the line does: a quotation may run over several
    sentences), else it opens the next sentence. A stop before any word (a line opening with "...")
    ends nothing.
    """
    text = line.text
    counted_to = line.content_start
    quotes = 0  # straight quotes in the sentence so far
    line_quotes = 0  # ... and in the line so far, for quotations that run over several sentences
    has_word = False
    for match in _STOP_RUN_RE.finditer(text, line.start, line.end):
        run_start, run_end = match.span()
        if _inside(line.protected, run_start) or not _is_stop(line, run_start, run_end):
            continue
        new_quotes = text.count('"', counted_to, run_end)
        quotes += new_quotes
        line_quotes += new_quotes
        has_word = has_word or _WORD_CHAR_RE.search(text, counted_to, run_start) is not None
        counted_to = run_end
        cut = _cut_after_stop(line, run_start, run_end, quotes % 2 == 1 or line_quotes % 2 == 1)
        if cut is None or not has_word:
            continue
        yield cut
        line_quotes += text.count('"', counted_to, cut)
        counted_to, quotes, has_word = cut, 0, False


def _cut_after_stop(line: _Line, run_start: int, position: int, quote_open: bool) -> int | None:
    """Where the sentence whose stop ``text[run_start:position]`` ends really ends, or None if it goes on.

    Closing quotes and brackets stay with the sentence; then whitespace or the end of the line is a
    boundary, and so is a glued letter or opening quote; a comma, a digit or a symbol is not.
    A straight quote glued to the next word closes only an open quotation (``quote_open``), else it
    opens the next sentence; one followed by a space or punctuation can only be closing.
    """
    text = line.text
    cut = position
    while cut < line.end:
        char = text[cut]
        if char in _CLOSERS:
            cut += 1
        elif char == '"' and (quote_open or not _opens_word(line, cut + 1)):
            quote_open = False
            cut += 1
        elif char == "'" and not _opens_word(line, cut + 1):
            cut += 1
        else:
            break
    if cut >= line.end:
        return line.end
    follower = text[cut]
    if follower.isspace():
        return _cut_before_next(line, cut, quote_open)
    if follower in _CONTINUERS:
        return None
    if follower not in _OPENERS and _LETTER_RE.match(follower) is None:
        return None
    if cut == position and _word_joined(line, run_start, position):
        return None
    return cut


def _cut_before_next(line: _Line, cut: int, quote_open: bool) -> int | None:
    """Boundary at whitespace after a stop, unless the next mark continues the sentence.

    A lone straight quote after the space (``جديد. "``) closes an open quotation when whitespace or
    the end of the line follows it, so it stays with the sentence it closes.
    """
    nxt = _NOT_SPACE_RE.search(line.text, cut, line.end)
    if nxt is None:
        return line.end
    char, index = nxt.group(), nxt.start()
    if char in _CONTINUERS:
        return None
    if char == '"' and quote_open and not _opens_word(line, index + 1):
        return index + 1
    return cut


def _opens_word(line: _Line, index: int) -> bool:
    """Whether a word (or an opening mark) starts at ``index``: what an opening quote is glued to."""
    char = line.char(index)
    return bool(char) and (char in _OPENERS or _WORD_CHAR_RE.match(char) is not None)


def _word_joined(line: _Line, run_start: int, run_end: int) -> bool:
    """A glued stop inside one Latin or number token (``U.S.A``, ``v2.0``) is not a boundary."""
    before, after = line.char(run_start - 1), line.char(run_end)
    return bool(before and after and _LATIN_OR_DIGIT_RE.match(before) and _LATIN_OR_DIGIT_RE.match(after))


def _is_stop(line: _Line, run_start: int, run_end: int) -> bool:
    """Whether the stop run ``text[run_start:run_end]`` can end a sentence at all."""
    before, after = line.char(run_start - 1), line.char(run_end)
    if before in ("(", "["):
        return False  # "(...)", "(!)", "[...]": an omission or an aside
    if run_end - run_start > 1 or line.text[run_start] != ".":
        return True
    if before and after and _DIGIT_RE.match(before) and _DIGIT_RE.match(after):
        return False  # 2.5, 3.14
    if _is_list_number(line, run_start):
        return False
    return not _is_abbreviation(line, run_start, run_end)


def _is_list_number(line: _Line, dot: int) -> bool:
    """``1.`` or ``12.`` opening a line numbers a list item; the item is the sentence."""
    prefix = line.text[line.content_start : dot]
    return 0 < len(prefix) <= _MAX_LIST_NUMBER and all(_DIGIT_RE.match(ch) for ch in prefix)


def _word_before(line: _Line, end: int) -> tuple[int, str]:
    """The word ending at ``end`` and where it starts (opening quotes/brackets excluded).

    Returns ``(end, "")`` for a word longer than any abbreviation, which keeps the look-behind short.
    """
    text = line.text
    floor = max(line.start, end - _MAX_ABBREVIATION - 1)
    begin = end
    while begin > floor and not text[begin - 1].isspace() and text[begin - 1] not in _WORD_OPENERS:
        begin -= 1
    if begin == floor and begin > line.start and not text[begin - 1].isspace():
        return end, ""
    return begin, text[begin:end]


def _previous_word(line: _Line, begin: int) -> str:
    """The word before the one starting at ``begin`` (only whitespace between them), or ""."""
    end = begin
    while end > line.start and line.text[end - 1].isspace():
        end -= 1
    if end == begin:
        return ""
    return _word_before(line, end)[1]


def _is_abbreviation(line: _Line, dot: int, run_end: int) -> bool:
    """Initials (``د.``, ``أ.د.``, ``U.S.``, ``دي. كي.``) and known Latin abbreviations (``Mr.``, ``No. 5``)."""
    begin, word = _word_before(line, dot)
    if not word:
        return False
    if _INITIALS_RE.fullmatch(word):
        return True
    if _is_letter_name_initial(line, begin, word):
        return True
    lowered = word.lower()
    if lowered in _LATIN_ABBREVIATIONS:
        return True
    if lowered in _NUMBER_ABBREVIATIONS:
        nxt = _NOT_SPACE_RE.search(line.text, run_end, line.end)
        return nxt is not None and _DIGIT_RE.match(nxt.group()) is not None
    return False


def _is_letter_name_initial(line: _Line, begin: int, word: str) -> bool:
    """A Latin letter spelled in Arabic script before a dot is an initial: ``دي. كي. أريا``, ``آر.إف.إم``.

    The same names spelled out as an acronym without dots (``سي إن إن.``) end with a real stop, so a
    name right after another bare letter name is the end of an acronym, not an initial.
    """
    parts = word.split(".")
    if not all(part in _LETTER_NAMES or _INITIALS_RE.fullmatch(part) for part in parts):
        return False
    if len(parts) > 1:
        return True
    return _previous_word(line, begin) not in _LETTER_NAMES
