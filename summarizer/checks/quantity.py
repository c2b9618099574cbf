"""A quantity found in a text, and when two quantities state the same value.

Both languages' extractors (:mod:`.numbers_ar`, :mod:`.numbers_en`) return these, so the checks
compare Arabic with English without knowing how either side wrote its numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Kinds of quantity; they shape the evidence a reader sees, the values decide the matching.
KINDS = ("number", "percent", "ordinal", "fraction", "decade", "year-hijri", "time")


@dataclass(frozen=True)
class Quantity:
    """A value as one side of a pair states it.

    ``values`` holds every reading of the text (``1.500`` is 1.5 or 1,500; ``5m`` is 5 or 5 million;
    ``2010-12`` ends in 12 or 2012): two quantities match when any readings agree; ``value`` is the
    main reading. ``hard`` marks a quantity whose absence on the other side is a finding: digits, and
    word numbers with a multiplied scale (``ثلاثة ملايين``, ``two million``). Soft ones (``one``,
    ``الأول``, ``half``) only serve as counterparts: translators drop and add small number words
    freely ("one of", "a", "first" for an article, "the two countries").
    """

    value: float
    values: frozenset[float]
    text: str
    hard: bool
    kind: str = "number"
    start: int = 0

    def to_dict(self) -> dict:
        """JSON-ready evidence: the text as written, its value, readings and kind."""
        return {
            "text": self.text,
            "value": plain(self.value) if math.isfinite(self.value) else None,
            # a number too large for a float (hundreds of digits) has no value JSON can carry: its text says it
            "values": sorted(plain(v) for v in self.values if math.isfinite(v)),
            "kind": self.kind,
        }


def plain(value: float) -> float | int:
    """An integral float as an int (for JSON and messages)."""
    return int(value) if float(value).is_integer() else round(value, 6)


def same_value(a: float, b: float) -> bool:
    """Equal up to float rounding (1.2 million computed as 1.2 * 10**6). Two quantities state the same
    value when any of their readings are: :class:`.value_index.ValueIndex` asks that of many at once."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def format_value(value: float) -> str:
    """A value for a reader: 300, 1,500,000, 2.5."""
    if not math.isfinite(value):
        return "a number too large to read"
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return f"{value:g}"


# A number written in digits (ASCII by now): 3, 2.5, 1,500,000, 1.500.000, 1,234.5, 1.234,5.
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
_GROUPS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def digit_readings(token: str) -> tuple[float, frozenset[float]]:
    """The value of a digit token and its other readings, whichever convention the writer used.

    Commas before groups of three are thousands separators (1,500,000); dots before several groups
    of three are too (1.500.000, the continental habit of some Arabic sites). One dot before three
    digits is ambiguous (1.500: 1.5 or 1,500) and keeps both readings; a lone comma before other
    than three digits is a decimal comma (2,5).
    """
    if _GROUPS_COMMA.fullmatch(token):
        value = float(token.replace(",", ""))
        return value, frozenset({value})
    if _GROUPS_DOT.fullmatch(token):
        whole = float(token.replace(".", "").replace(",", "."))
        if token.count(".") == 1 and "," not in token:
            decimal = float(token)
            return decimal, frozenset({decimal, whole})
        return whole, frozenset({whole})
    parts = re.split(r"[.,]", token)
    if len(parts) == 2:
        value = float(f"{parts[0]}.{parts[1]}")
        return value, frozenset({value})
    value = float(parts[0])  # 1.2.3 (a version, a date): its first part
    return value, frozenset({value})


def time_readings(hours: float, minutes: float) -> frozenset[float]:
    """A clock time H:MM matches H and a fraction (H alone for H:00), the same on the other half of
    the day and HHMM (the English "3 p.m." for the Arabic "15:00", "10:30" for "العاشرة والنصف")."""
    other = (hours + 12) % 24
    readings = {hours + minutes / 60, other + minutes / 60, hours * 100 + minutes}  # 12:00 is "1200 GMT"
    if minutes == 0:
        readings |= {hours, other}  # 10:00 is "10 a.m."
    return frozenset(readings)


def hijri_readings(year: float) -> frozenset[float]:
    """A Hijri year, and the Gregorian years it overlaps: a translator may convert (1440 AH is
    2018-2019), and that is no error; any other number is a different value. A year too large for a
    float (infinity) has no Gregorian year."""
    if not math.isfinite(year):
        return frozenset({year})
    gregorian = year * 0.970229 + 621.5643
    return frozenset({year, float(math.floor(gregorian)), float(math.floor(gregorian) + 1)})


_RANGE_DASH_RE = re.compile(r"\s*[-–—]\s*")


def expand_year_ranges(text: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    """``2010-12`` also reads as 2010-2012: a two-digit number right after a year and a dash gets
    the year's century as another reading."""
    out = list(quantities)
    for i in range(1, len(out)):
        before, q = out[i - 1], out[i]
        if not (1000 <= before.value <= 2999 and before.value.is_integer() and 0 <= q.value < 100):
            continue
        if not q.text.isdigit() or len(q.text) != 2:
            continue
        gap = text[before.start + len(before.text) : q.start]
        if _RANGE_DASH_RE.fullmatch(gap):
            century = before.value // 100 * 100
            out[i] = Quantity(q.value, q.values | {century + q.value}, q.text, q.hard, q.kind, q.start)
    return out


def expand_digit_groups(text: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    """``116 123`` (a phone number, a figure grouped with spaces) also reads as 116123: both parts get
    the joined value as another reading, so either way of writing it matches the other."""
    out = list(quantities)
    for i in range(1, len(out)):
        before, q = out[i - 1], out[i]
        if not (before.text.isdigit() and q.text.isdigit() and len(q.text) == 3):
            continue
        if text[before.start + len(before.text) : q.start] != " ":
            continue
        joined = float(before.text + q.text)
        out[i - 1] = Quantity(before.value, before.values | {joined}, before.text, before.hard, before.kind, before.start)
        out[i] = Quantity(q.value, q.values | {joined}, q.text, q.hard, q.kind, q.start)
    return out


def expand_all(text: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    """What every language's extraction ends with: year ranges, then digit groups, expanded."""
    return expand_digit_groups(text, expand_year_ranges(text, quantities))
