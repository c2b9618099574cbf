"""The facts a sentence states that two outlets can report differently: quantities, dates and names.

Quantities come from the checks' Arabic extractor (``checks.numbers_ar.extract_arabic``: digits of every
script, number words, scales, percentages), dates are a day and a month (with its year when given) in any of
the three families of Arabic month names, or a weekday; names are read by :func:`name_words` (the words a title
or a verb of saying introduces), which a name check of ``summarizer.checks`` can replace in one place.
Each fact keeps the words around it (``context``): two figures are the same quantity when they count the
same thing (``270 ألف شخص`` / ``280 ألف شخص``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..arabic import ARABIC_LETTER, normalize_arabic
from ..checks.numbers_ar import extract_arabic
from ..checks.quantity import Quantity, format_value
from ..stages.extractive import STOPWORDS, content_terms

# Month names in normalised spelling (normalize_arabic), by month: the Egyptian/Gulf names, the Maghreb's and
# the Levant's (two-word ones are matched as two words).
_MONTHS = {
    1: "يناير جانفي", 2: "فبراير فيفري شباط", 3: "مارس اذار", 4: "ابريل افريل نيسان", 5: "مايو ماي ايار",
    6: "يونيو جوان حزيران", 7: "يوليو جويليه تموز", 8: "اغسطس اوت اب", 9: "سبتمبر ايلول", 10: "اكتوبر",
    11: "نوفمبر", 12: "ديسمبر",
}
_TWO_WORD_MONTHS = {"كانون الثاني": 1, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12}
_WEEKDAYS = "السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه".split()
_MONTH_OF = {name: month for month, names in _MONTHS.items() for name in names.split()}
_CLITIC = "(?:و|ف|ب|ل|وب|ول|فب)?"
_MONTH_NAME = "|".join(sorted([*_TWO_WORD_MONTHS, *_MONTH_OF], key=len, reverse=True))
# day? month year? - on normalised text with ASCII digits (the same length as the sentence: offsets hold).
_DATE_RE = re.compile(rf"(?:(?<!\d)(\d{{1,2}})\s*(?:من\s+)?)?(?<![{ARABIC_LETTER}]){_CLITIC}({_MONTH_NAME})"
                      rf"(?![{ARABIC_LETTER}])(?:\s*[/(]?\s*(?:{_MONTH_NAME})?\s*\)?)?(?:\s+(?:عام|سنه)?\s*(\d{{4}}))?")
_WEEKDAY_RE = re.compile(rf"(?<![{ARABIC_LETTER}]){_CLITIC}(?:يوم\s+)?({'|'.join(_WEEKDAYS)})(?![{ARABIC_LETTER}])")
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Words that introduce a name: titles and posts (a name follows them, after their adjectives: "وزير الخارجية
# الروسي سيرغي لافروف"), and verbs of saying ("وقال لافروف").
_TITLES = frozenset(normalize_arabic(w) for w in """
الرئيس رئيس الوزير وزير وزيره وزيرها نظيره نظيرها نظيريه المبعوث مبعوث المتحدث الناطق السيد السيده الامين
الملك الامير الشيخ الجنرال العقيد اللواء الدكتور النائب السفير المستشار المدير الزعيم القائد رئيسه المرشح
البابا الاميره الملكه المفوض المندوب الكاتب الصحفي المراسل الفنان المدرب اللاعب
""".split())
_SAYING = frozenset(normalize_arabic(w) for w in """
قال وقال قالت وقالت اكد واكد اكدت واكدت اعلن واعلن اعلنت واعلنت اضاف واضاف اوضح واوضح صرح وصرح ذكر وذكر
اعتبر واعتبر شدد وشدد دعا ودعا اشار واشار نفى ونفى حذر وحذر
""".split())
# Not names, though they may follow a title or a verb of saying.
_NOT_NAMES = frozenset(normalize_arabic(w) for w in """
ان انه انها وزاره مصادر مصدر وكاله مسؤول مسؤولون متحدث بيان اليوم امس الاسبوع خلال عن في على الي لدى
له لها ايضا كذلك مجلس حكومه جيش قوات الذي التي الذين مساء صباح يوم
""".split()) | STOPWORDS
_LETTERS_RE = re.compile(rf"[{ARABIC_LETTER}]+")
MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class Fact:
    """A quantity, date or name as one sentence states it: its ``kind``, its value (comparable across outlets),
    the words that state it, and the stems around it (what it is a fact about)."""

    kind: str
    value: str
    text: str
    context: frozenset[str]


@dataclass(frozen=True)
class SentenceFacts:
    quantities: tuple[Quantity, ...]
    dates: tuple[Fact, ...]
    names: tuple[str, ...]
    numbers: tuple[Fact, ...]


@lru_cache(maxsize=20_000)
def sentence_facts(sentence: str) -> SentenceFacts:
    """Every fact of ``sentence`` (cached: the grouping and the disagreements read each sentence)."""
    norm = normalize_arabic(sentence, diacritics=False, tatweel=False).translate(_TO_ASCII)
    dates, spans = _dates(norm)
    quantities = tuple(q for q in extract_arabic(sentence) if q.hard and not _inside(q.start, spans))
    numbers = tuple(Fact("number", format_value(q.value), q.text, _around(sentence, q.start, q.start + len(q.text)))
                    for q in quantities if q.kind in ("number", "percent"))
    return SentenceFacts(quantities, tuple(dates), tuple(name_words(sentence)), numbers)


def _dates(norm: str) -> tuple[list[Fact], list[tuple[int, int]]]:
    found: list[Fact] = []
    spans: list[tuple[int, int]] = []
    for match in _DATE_RE.finditer(norm):
        day, month_name, year = match.group(1), match.group(2), match.group(3)
        month = _TWO_WORD_MONTHS.get(month_name) or _MONTH_OF[month_name]
        if day is None and year is None:
            continue  # a bare month name ("مارس", "اب" as "father") is too weak to compare
        value = "-".join(part for part in (year, f"{month:02d}", f"{int(day):02d}" if day else None) if part)
        found.append(Fact("date", value, match.group(0).strip(), _around(norm, match.start(), match.end())))
        spans.append(match.span())
    for match in _WEEKDAY_RE.finditer(norm):
        if not _inside(match.start(), spans):
            found.append(Fact("date", match.group(1), match.group(0).strip(),
                              _around(norm, match.start(), match.end())))
    return found, spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _around(sentence: str, start: int, end: int, width: int = 2) -> frozenset[str]:
    """The stems of the content words just before and after ``sentence[start:end]``: what a fact is about."""
    before = content_terms(sentence[:start])[-1:]
    after = [t for t in content_terms(sentence[end:]) if not t[:1].isdigit()][:width]
    return frozenset(before + after)


def name_words(sentence: str) -> list[str]:
    """Names in ``sentence``, normalised, one per word ("دي", "ميستورا"): the words after a title (past its
    adjectives) or a verb of saying, up to ``MAX_NAME_WORDS``. A heuristic (Arabic has no capitals): it misses
    a name nothing introduces; the digest also treats a word as a name wherever its story names it so."""
    tokens = [_bare(t) for t in _LETTERS_RE.findall(normalize_arabic(sentence))]
    names: list[str] = []
    for i, token in enumerate(tokens):
        if token in _TITLES or token in _SAYING:
            names.extend(_name_after(tokens, i + 1, skip_adjectives=token in _TITLES))
    return list(dict.fromkeys(names))


def _name_after(tokens: list[str], i: int, *, skip_adjectives: bool) -> list[str]:
    while skip_adjectives and i < len(tokens) and tokens[i].startswith("ال") and tokens[i] not in _TITLES:
        i += 1  # الخارجية، الروسي، الأممي: the post, not the name
    taken: list[str] = []
    while i < len(tokens) and len(taken) < MAX_NAME_WORDS:
        token = tokens[i]
        if token in _NOT_NAMES or token in _TITLES or token in _SAYING or token.startswith("ال") or len(token) < 2:
            break
        taken.append(token)
        i += 1
    return taken


def _bare(token: str) -> str:
    """A word without the conjunction و glued to it (``ولافروف``), when what is left is still a long word."""
    return token[1:] if token.startswith("و") and len(token) > 4 else token
