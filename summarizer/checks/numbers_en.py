"""Quantities in English text: digits, number words, ordinals, decades, scales and percent.

What is read: digits with or without thousands commas (``1,500,000``, ``1500000``), decimals
(``2.5``), a scale after a number (``1.5 million``, ``270 thousand``, ``£2.8bn``, ``5m`` = 5 or 5
million), number words and their compounds (``twenty-five``, ``two hundred and fifty thousand``, ``a
million``, ``a dozen``), ordinals (``1st``, ``21st``, ``first``, ``twenty-first``), fractions (``half``,
``a quarter``, ``two-thirds``), decades (``1960s``, ``the '60s``, ``the sixties``), percent (``%``,
``percent``, ``per cent``), Hijri years (``1440 AH``), clock times (``10:30``) and year ranges
(``2010-12``), Roman numerals (``Louis XVI``, soft). Digits, word numbers of 11 and more, scales and decades are hard quantities; small
number words, ordinals and fractions soft (see :class:`.quantity.Quantity` and :mod:`.numbers_ar`).
A number that is part of a name written in Latin letters (``S&P 500``, ``Airbus A320``, ``F-16``,
``COVID-19``, ``G20``, ``Boeing 737``, ``5G``: :func:`name_number_starts`) names a thing and is soft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .quantity import DIGITS_RE, Quantity, digit_readings, expand_all, hijri_readings, time_readings

_UNITS = {
    w: float(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: float(10 * (i + 2)) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ABBREVIATED_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_ORDINAL_UNITS = {
    w: float(i + 1)
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
    )
}
_ORDINAL_TENS = {w: float(10 * (i + 2)) for i, w in enumerate(
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split())}
_ORDINAL_SCALES = {"hundredth": 100.0, "thousandth": 1e3, "millionth": 1e6}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
# Nouns and adverbs that state a small count: soft counterparts ("a decade" for "10 سنوات").
_COUNT_NOUNS = {"dozen": 12.0, "decade": 10.0, "couple": 2.0, "pair": 2.0, "twice": 2.0, "both": 2.0}
_DECADE_WORDS = {w[:-1] + "ies": v for w, v in _TENS.items()}  # twenties ... nineties

_WORD = r"[A-Za-z]+(?:-[A-Za-z]+)*"
_TOKEN_RE = re.compile(
    rf"(?P<decade>'\d0s|\b\d{{3}}0s\b|\b\d0s\b)"
    rf"|(?P<ordinal>\b\d+(?:st|nd|rd|th)\b)"
    rf"|(?P<digits>{DIGITS_RE.pattern}(?::\d\d)?)(?P<abbr>(?:k|m|mn|bn|b|tn)\b)?"
    rf"|(?P<word>{_WORD})"
    r"|(?P<mark>%)"
    r"|(?P<other>\S)"
)
_CLOCK_DOT_RE = re.compile(r"\d{1,2}\.\d\d")
_MERIDIEM_RE = re.compile(r"\s*(?:[ap]\.?m\b\.?)", re.IGNORECASE)
_PERCENT_WORDS = ("percent", "per cent", "pct", "percentage points")
_HIJRI_RE = re.compile(r"\s*(?:AH\b|A\.H\.)|\s+[Hh]ijri\b")

# Numbers inside names written in Latin letters: a model or code glued to letters with a capital (A320,
# F-16, COVID-19, G20, MH17, PS5, Mi-8), a generation (5G, 3D), or a number after a name that takes one
# (S&P 500, Boeing 737-800, Windows 11, iPhone 15, Nord Stream 2). Linear: each alternative starts
# only where a letter run or a number starts.
_NAME_GLUED_RE = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z]*[A-Z])(?P<head>[A-Za-z]+)-?(?P<digits>\d+)(?![0-9])"
    r"|(?<![\w.,])(?P<lead>\d{1,2})[GD](?![A-Za-z0-9])"
)
_NAME_HEADS = (
    "S&P", "FTSE", "Nikkei", "DAX", "CAC", "Fortune", "Russell", "Boeing", "Airbus", "Embraer", "Windows",
    "iPhone", "iPad", "Galaxy", "PlayStation", "Xbox", "Pixel", "Formula", "Apollo", "Falcon", "Soyuz",
    "Artemis", "Stream", "Radio", "Channel", "Ligue", "Serie",
)
_NAME_HEAD_RE = re.compile(
    r"(?<![A-Za-z&])(?:" + "|".join(map(re.escape, _NAME_HEADS)) + r")\s+(?P<digits>\d+)(?:-(?P<more>\d+))?(?![0-9])"
)
# Glued prefixes that say when, not which: mid-2019, pre-2010, post-1945, over-50s.
_NOT_NAME_HEADS = frozenset({"mid", "pre", "post", "over", "under", "top", "anti", "non", "late", "early", "circa"})


def name_number_starts(text: str, *, glued: bool = True) -> set[int]:
    """Where each number that is part of a Latin-script name starts in ``text`` (any script around it).
    ``glued=False`` leaves out codes glued to letters (A320, HER2): an Arabic text copies those from the
    English it reports, so a translation states them as written, and a changed one is an error."""
    starts: set[int] = set()
    for m in _NAME_GLUED_RE.finditer(text):
        if m.group("lead") is not None:
            starts.add(m.start("lead"))
        elif glued and m.group("head").lower() not in _NOT_NAME_HEADS:
            starts.add(m.start("digits"))
    for m in _NAME_HEAD_RE.finditer(text):
        starts.update(m.start(g) for g in ("digits", "more") if m.group(g) is not None)
    return starts


def soften_names(quantities: Iterable[Quantity], starts: set[int]) -> list[Quantity]:
    """``quantities`` with those that start at a name's number (:func:`name_number_starts`) made soft:
    "Boeing 737" is no quantity a translation must state, but still a counterpart of a 737 on the other side."""
    return [replace(q, hard=False) if q.start in starts and q.hard else q for q in quantities]


_WORD_TABLES = (  # in this order: a word in two tables is read as the first one's kind
    ("unit", _UNITS), ("ten", _TENS), ("hundred", {"hundred": 100.0}), ("scale", _SCALES), ("unit", _COUNT_NOUNS),
    ("ordinal", _ORDINAL_UNITS), ("ordinal", _ORDINAL_TENS), ("ordinal", _ORDINAL_SCALES),
    ("fraction", _FRACTIONS), ("decade", _DECADE_WORDS),
)


def _word_value(word: str) -> tuple[str, float] | None:
    w = word.lower()
    for kind, table in _WORD_TABLES:
        if w in table:
            return kind, table[w]
    return None


def _compound(word: str) -> tuple[str, float] | None:
    """A hyphenated number word: twenty-five, twenty-first, two-thirds, three-quarters."""
    parts = word.lower().split("-")
    first = _word_value(parts[0])
    if first is None:
        return None
    second = _word_value(parts[1]) if len(parts) == 2 else None
    if second is None:
        return first if first[0] in ("unit", "ten", "hundred") else None  # five-year, hundred-run
    if first[0] == "ten" and second[0] in ("unit", "ordinal") and second[1] < 10:
        return second[0], first[1] + second[1]
    if first[0] == "unit" and second[0] in ("fraction", "ordinal") and parts[1].endswith("s"):
        return "fraction", first[1] * (_FRACTIONS.get(parts[1], 1 / second[1]))
    if first[0] == "unit" and second[0] == "hundred":
        return "unit", first[1] * 100  # one-hundred
    return None


def extract_english(text: str) -> list[Quantity]:
    """Every quantity stated in an English text, in order (see the module docstring)."""
    items = list(_TOKEN_RE.finditer(text))
    found: list[Quantity] = []
    i = 0
    while i < len(items):
        m = items[i]
        kind = m.lastgroup if m.lastgroup != "abbr" else "digits"
        if m.group("digits") is not None:
            kind = "digits"
        if kind == "decade":
            digits = re.sub(r"\D", "", m.group())
            value = float(digits) if len(digits) == 4 else 1900.0 + float(digits)
            values = {value} if len(digits) == 4 else {value, float(digits)}
            found.append(Quantity(value, frozenset(values), m.group(), True, "decade", m.start()))
            i += 1
            continue
        if kind == "ordinal":
            value = float(re.sub(r"\D", "", m.group()))
            found.append(Quantity(value, frozenset({value}), m.group(), True, "ordinal", m.start()))
            i += 1
            continue
        if kind == "digits":
            q, i = _digit_quantity(text, items, i)
            found.append(q)
            continue
        if kind == "word" and _ROMAN_RE.fullmatch(m.group()):
            value = _roman(m.group())
            if value:
                found.append(Quantity(value, frozenset({value}), m.group(), False, "ordinal", m.start()))
                i += 1
                continue
        if kind == "word":
            q, i = _word_quantity(text, items, i)
            if q is not None:
                found.append(q)
            continue
        i += 1
    return soften_names(expand_all(text, found), name_number_starts(text))


_ROMAN_RE = re.compile(r"[IVXL]{2,}")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(token: str) -> float | None:
    """The value of a Roman numeral of two letters or more (Louis XVI, World War II), None if malformed."""
    total = 0
    for k, ch in enumerate(token):
        v = _ROMAN_VALUES[ch]
        total += -v if k + 1 < len(token) and _ROMAN_VALUES[token[k + 1]] > v else v
    return float(total) if _to_roman(total) == token else None


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _percent_follows(text: str, end: int) -> int:
    """Characters of a percent mark or word right after ``end`` (0 if none)."""
    rest = text[end : end + 24]
    stripped = rest.lstrip()
    gap = len(rest) - len(stripped)
    if stripped.startswith("%"):
        return gap + 1
    for word in _PERCENT_WORDS:
        if stripped.lower().startswith(word) and not stripped[len(word) : len(word) + 1].isalpha():
            return gap + len(word)
    return 0


def _digit_quantity(text: str, items: list[re.Match[str]], i: int) -> tuple[Quantity, int]:
    m = items[i]
    token = m.group("digits")
    start, end = m.start(), m.end()
    if ":" not in token and _CLOCK_DOT_RE.fullmatch(token) and _MERIDIEM_RE.match(text, end):
        token = token.replace(".", ":")  # 5.30pm
    if ":" in token:
        hours, minutes = token.split(":")
        h_value, _ = digit_readings(hours)
        return Quantity(h_value, time_readings(h_value, float(minutes)), m.group(), True, "time", start), i + 1
    value, readings = digit_readings(token)
    kind = "number"
    abbr = m.group("abbr")
    if abbr:
        scale = _ABBREVIATED_SCALES[abbr]
        # "5m" is 5 million or 5 metres: both readings
        readings = readings | {r * scale for r in readings}
        return Quantity(value * scale, readings, m.group(), True, kind, start), i + 1
    j = i + 1
    if j < len(items) and items[j].lastgroup == "word" and items[j].group().lower() in _SCALES:
        scale = _SCALES[items[j].group().lower()]
        value, readings = value * scale, frozenset(r * scale for r in readings)
        end = items[j].end()
        j += 1
    if _percent_follows(text, end):
        kind = "percent"
    elif _HIJRI_RE.match(text, end):
        readings = readings | hijri_readings(value)
        kind = "year-hijri"
    return Quantity(value, readings, text[start:end], True, kind, start), j


# How one word acts on a run of number words being read (:func:`_word_quantity`).
_SKIP = "skip"  # read, adds nothing ("a" in "a million", "and" in "two hundred and five")
_TAKE = "take"  # read, part of the number
_LAST = "last"  # read, and the number ends with it (an ordinal)
_STOP = "stop"  # not read: the number ended before it


@dataclass
class _WordRun:
    """A run of number words read left to right: the value so far and what the words said of it."""

    total: float = 0.0  # the scaled part: "two hundred thousand" once "thousand" is read
    current: float | None = None  # the part under the next scale, None before any number word
    hard: bool = False
    kind: str = "number"
    multiplier_article: bool = False  # "a million": the article stands for one
    counted: bool = False  # a count noun ("a dozen") is never hard

    @property
    def empty(self) -> bool:
        return self.current is None and not self.total


def _next_word_value(items: list[re.Match[str]], j: int) -> tuple[str, float] | None:
    nxt = items[j + 1]
    return _word_value(nxt.group()) if nxt.lastgroup == "word" else None


def _article_multiplies(items: list[re.Match[str]], j: int) -> bool:
    """An article before a scale, "hundred", a fraction or "dozen" counts one: a million, a half, a dozen."""
    nxt = _next_word_value(items, j)
    if nxt and nxt[0] in ("scale", "hundred", "fraction"):
        return True
    return items[j].group().lower() == "a" and items[j + 1].group().lower() == "dozen"


def _and_joins(run: _WordRun, items: list[re.Match[str]], j: int) -> bool:
    """Whether "and" joins a unit or a ten to hundreds or a scale: two hundred and five, a thousand and one."""
    nxt = _next_word_value(items, j)
    return bool(nxt and nxt[0] in ("unit", "ten") and (run.current is None or run.current >= 100 or run.total))


def _add_unit(run: _WordRun, cls: str, value: float) -> str:
    current = run.current
    if cls == "unit" and current is not None and current % 100 != 0 and 1 <= current < 20:
        return _STOP  # "five six": two numbers
    run.current = (current or 0.0) + value
    return _TAKE


def _add_hundred(run: _WordRun, cls: str, value: float) -> str:
    run.current = (run.current or 1.0) * 100
    return _TAKE


def _add_scale(run: _WordRun, cls: str, value: float) -> str:
    if run.current is None:
        if not run.multiplier_article:
            return _STOP  # "million" alone is no number here ("a million" is)
        run.current = 1.0
    run.hard = run.hard or run.current >= 2 or run.kind == "fraction"
    run.total += run.current * value
    run.current = None
    return _TAKE


def _add_ordinal(run: _WordRun, cls: str, value: float) -> str:
    run.current = (run.current or 0.0) + value
    run.kind = "ordinal"
    return _LAST


def _add_fraction(run: _WordRun, cls: str, value: float) -> str:
    current = run.current
    if current not in (None, 0.0) and value < 1:
        run.current = current * value if current < 10 else current + value
    else:
        run.current = value
    run.kind = "fraction"
    return _TAKE


_ADD_WORD = {  # a number word's class -> how it changes the run
    "unit": _add_unit, "ten": _add_unit, "hundred": _add_hundred, "scale": _add_scale,
    "ordinal": _add_ordinal, "fraction": _add_fraction,
}


def _read_word(run: _WordRun, items: list[re.Match[str]], j: int) -> str | Quantity:
    """What the word at ``j`` does to ``run`` (one of the constants above), or a decade it alone states."""
    word = items[j].group()
    low = word.lower()
    if low in ("a", "an"):
        if not (run.empty and j + 1 < len(items) and _article_multiplies(items, j)):
            return _STOP
        run.multiplier_article = True
        return _SKIP
    if low == "and":
        return _SKIP if not run.empty and j + 1 < len(items) and _and_joins(run, items, j) else _STOP
    parsed = _compound(word) if "-" in word else _word_value(word)
    if parsed is None:
        return _STOP
    cls, value = parsed
    run.counted = run.counted or low in _COUNT_NOUNS
    if cls == "decade":  # the sixties; "twenty sixties" is no number
        if not run.empty:
            return _STOP
        return Quantity(1900.0 + value, frozenset({1900.0 + value}), word, True, "decade", items[j].start())
    return _ADD_WORD[cls](run, cls, value)


def _word_quantity(text: str, items: list[re.Match[str]], i: int) -> tuple[Quantity | None, int]:
    """A run of number words (with "and" and "a" inside it): two hundred and fifty thousand."""
    run = _WordRun()
    start = end = items[i].start()
    j = i
    while j < len(items) and items[j].lastgroup == "word":
        step = _read_word(run, items, j)
        if isinstance(step, Quantity):
            return step, j + 1
        if step == _STOP:
            break
        j += 1
        if step != _SKIP:
            end = items[j - 1].end()
        if step == _LAST:
            break
    if end == start:
        return None, max(j, i + 1)  # only articles and "and": no number
    return _finish_words(text, items, i, j, run, end), j


def _finish_words(text: str, items: list[re.Match[str]], i: int, j: int, run: _WordRun, end: int) -> Quantity:
    """The quantity of the number words ``items[i:j]`` (ending at ``end``) once read into ``run``."""
    start = items[i].start()
    value = run.total + (run.current or 0.0)
    values = {value}
    words_used = sum(1 for k in range(i, j) if items[k].lastgroup == "word" and _word_value(items[k].group().split("-")[0]))
    explicit = words_used >= 2 or "-" in text[start:end] or 11 <= value <= 19
    hard = run.hard
    if (value >= 11 and run.kind == "number" and explicit and not run.counted) or run.total:
        hard = True  # "twenty-five", "a thousand years": explicit enough to be kept (see numbers_ar)
    kind = run.kind
    if kind == "ordinal" and items[j - 1].group().lower() == "third":
        values.add(1 / 3)
    if _percent_follows(text, end):
        kind = "percent"
    return Quantity(value, frozenset(values), text[start:end], hard, kind, start)
