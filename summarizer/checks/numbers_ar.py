"""Quantities in Arabic text: digits of three scripts, number words with their clitics, and more.

What is read (each with its value):

* digits: Western (``270``), Arabic-Indic (``٢٧٠``) and Persian (``۲۷۰``), with the Arabic decimal
  and thousands separators (``٣٫٥``, ``١٬٠٠٠``) or Western ones (:func:`.quantity.digit_readings`);
* number words: ``واحد`` ... ``عشرة`` in both genders (``ثلاث``/``ثلاثة``), teens (``خمسة عشر``), tens
  (``عشرون``/``عشرين``), hundreds (``مئة``/``مائة``, ``مئتين``, ``ثلاثمائة``, ``ثلاث مئة``), scales
  (``ألف``/``آلاف``, ``مليون``/``ملايين``, ``مليار``), their duals and construct forms (``ألفين``,
  ``مليوني``), compounds joined by و (``مليون و200 ألف`` = 1,200,000), a digit with a scale
  (``270 ألف`` = 270,000, ``4 ملايين`` = 4 million);
* the clitics Arabic writes on a number (و ف ب ل ك, the article ال, and their combinations
  ``وبال``, ``لل``): ``وثلاثة``, ``بالألف``, ``للعشرين``;
* fractions (``نصف``, ``ربع``, ``ثلث``, ``ثلثي``; ``نصف مليون``, ``مليون ونصف``), ordinals (``الأول``,
  ``الثانية``, ``الحادي عشر``, ``الحادي والعشرين``), decades (``ستينيات القرن الماضي`` = the 1960s,
  ``الثمانينات``), percent (``%``, ``٪``, ``بالمئة``, ``في المائة``), Hijri years (``1440 هـ``) and
  clock times (``10:30``).

Small word numbers (up to 10), ordinals up to 10 and fractions are soft (:class:`.quantity.Quantity`):
translators write "the two sides" for ``الطرفين``, "one of" for ``أحد``, "the first" for an article,
and a finding on those would be noise. Word numbers of 11 and more, any scale word (``ألف عام``) and
decades are hard: a translation states them.
Bare plurals (``آلاف``, ``ملايين``, ``مئات``: "thousands") are vague and read as no number.
A number that is part of a name is soft too: after a name in Latin letters (``مؤشر S&P 500``,
``شبكات 5G``: :func:`.numbers_en.name_number_starts`) or in Arabic letters (``كوفيد-19``, ``إف-16``,
``إس-400``, ``بوينغ 737``). A code glued to Latin letters (``A320``, ``HER2``) stays hard: the English
copies it as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.arabic import ARABIC_LETTER, normalize_arabic

from .numbers_en import name_number_starts, soften_names
from .quantity import DIGITS_RE, Quantity, digit_readings, expand_all, hijri_readings, time_readings

# The Arabic comma between digits separates thousands or decimals as "," does (30،000, 15،00).
_DIGIT_COMMA_RE = re.compile(r"(?<=\d)،(?=\d)")
# The Tunisian news agency's decimals: the fraction first, then ر, then the whole part
# ("4ر314 مليون" is 314.4 million). Rewritten in place, padded to keep the offsets.
_RA_DECIMAL_RE = re.compile(r"\b(\d+)ر(\d+)\b")
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")

# The lexicon, in normalised spelling (summarizer.arabic.normalize_arabic: أ إ آ -> ا, ة -> ه, ى -> ي).
_UNITS = {
    1: "واحد واحده احد احدي",
    2: "اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي ثنتان ثنتين",
    3: "ثلاث ثلاثه", 4: "اربع اربعه", 5: "خمس خمسه", 6: "ست سته", 7: "سبع سبعه",
    8: "ثمان ثماني ثمانيه", 9: "تسع تسعه", 10: "عشر عشره",
}
_TENS = {
    20: "عشرون عشرين", 30: "ثلاثون ثلاثين", 40: "اربعون اربعين", 50: "خمسون خمسين",
    60: "ستون ستين", 70: "سبعون سبعين", 80: "ثمانون ثمانين", 90: "تسعون تسعين",
}
_HUNDRED_BASE = "مئه مائه"
_HUNDREDS = {200: "مئتان مئتين مئتا مئتي مائتان مائتين مائتا مائتي"}
for _n, _stem in ((3, "ثلاث"), (4, "اربع"), (5, "خمس"), (6, "ست"), (7, "سبع"), (8, "ثمان"), (9, "تسع")):
    _HUNDREDS[_n * 100] = f"{_stem}مئه {_stem}مائه"
_HUNDREDS[300] += " ثلثمائه ثلثمئه"
# Scales: singular (and accusative) forms multiply what precedes; plurals need a multiplier.
_SCALES = {1e3: "الف الفا", 1e6: "مليون مليونا", 1e9: "مليار مليارا بليون بليونا", 1e12: "تريليون تريليونا"}
_SCALE_PLURALS = {1e3: "الاف الوف", 1e6: "ملايين", 1e9: "مليارات بلايين", 1e12: "تريليونات"}
_DUALS = {2e3: "الفان الفين الفي", 2e6: "مليونان مليونين مليوني", 2e9: "ملياران مليارين ملياري"}
_FRACTIONS = {0.5: "نصف", 0.25: "ربع", 1 / 3: "ثلث", 2 / 3: "ثلثي ثلثا ثلثان ثلثين"}
_ORDINALS = {
    1: "اول اولي حادي حاديه", 2: "ثاني ثانيه ثان", 3: "ثالث ثالثه", 4: "رابع رابعه", 5: "خامس خامسه",
    6: "سادس سادسه", 7: "سابع سابعه", 8: "ثامن ثامنه", 9: "تاسع تاسعه", 10: "عاشر عاشره",
}


# Multiplicative adjectives and their plurals (ثنائي, سباعيات: "sevens"): soft counterparts.
_MULTIPLES = {
    2: "ثنائي", 3: "ثلاثي", 4: "رباعي", 5: "خماسي", 6: "سداسي", 7: "سباعي", 8: "ثماني", 9: "تساعي", 10: "عشاري",
}


def _lexicon() -> dict[str, tuple[str, float]]:
    table: dict[str, tuple[str, float]] = {}
    for cls, group in (("unit", _UNITS), ("ten", _TENS), ("hundred", _HUNDREDS), ("scale", _SCALES),
                       ("plural", _SCALE_PLURALS), ("dual", _DUALS), ("fraction", _FRACTIONS),
                       ("ordinal", _ORDINALS)):
        for value, forms in group.items():
            for form in forms.split():
                table[form] = (cls, float(value))
    for value, stem in _MULTIPLES.items():
        for form in (stem + "ه", stem + "ات", stem + "يات", stem + "يه"):
            table.setdefault(form, ("multiple", float(value)))
        table.setdefault(stem, ("multiple", float(value)))
    for form in _HUNDRED_BASE.split():
        table[form] = ("hundred-base", 100.0)
    return table


LEXICON = _lexicon()
_TENS_STEMS = {form: value for value, forms in _TENS.items() for form in forms.split() if form.endswith("ين")}
# Decades: the tens word with the plural -ات / -يات (ستينيات, الستينات, ثمانينيات).
_DECADE_RE = re.compile("(" + "|".join(_TENS_STEMS) + ")(?:يات|ات)")
# Clitic prefixes, longest first: conjunction (و ف), preposition (ب ل ك), article (ال, لل = ل + ال).
_PREFIXES = sorted(
    {c + p + a for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") for a in ("", "ال")} | {"لل", "ولل", "فلل"},
    key=len,
    reverse=True,
)
_PREFIX_SET = frozenset(_PREFIXES)
_PREFIX_LENGTHS = sorted({len(p) for p in _PREFIXES}, reverse=True)
_PERCENT_WORDS = frozenset({"بالمئه", "بالمائه", "%", "٪"})
_PERCENT_AFTER_FI = frozenset({"المئه", "المائه"})
_CLOCK_DOT_RE = re.compile(r"\d{1,2}\.\d\d")
_MERIDIEM_WORDS = frozenset({"صباحا", "صباح", "مساء", "مساءا", "ظهرا", "ص", "م", "فجرا", "ليلا"})
_NAME_LIKE = frozenset({"ستون"})  # 60, and Stone (Emma Stone) in a translation of English
_MONTHS = frozenset(
    normalize_arabic(w)
    for w in """يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر جانفي
    فيفري أفريل ماي جوان جويلية أوت كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين""".split()
)
_CENTURY_WORDS = frozenset({"القرن", "قرن", "للقرن", "بالقرن", "والقرن"})
_HIJRI_MARKS = frozenset({"ه", "هجري", "هجريه", "للهجره", "الهجري", "الهجريه", "هجريا"})

# Names written in Arabic letters that take a number: كوفيد-19, إف-16, سو-35, إس-400, ميغ-29, بوينغ 737.
_AR_NAME_HEADS = "كوفيد كورونا إف اف سو إس اس ميغ ميج بوينغ بوينج إيرباص ايرباص آيفون ايفون ويندوز بورز ستريم".split()
_AR_NAME_RE = re.compile(rf"(?<![{ARABIC_LETTER}])(?:{'|'.join(_AR_NAME_HEADS)})[\s\-–]?(?P<digits>\d+)(?![0-9])")
_TOKEN_RE = re.compile(rf"(?P<digits>{DIGITS_RE.pattern}(?::\d\d)?)|(?P<word>[{ARABIC_LETTER}\u0640\u064B-\u065F\u0670]+)|(?P<mark>[%٪])|(?P<other>\S)")


@dataclass
class _Token:
    kind: str  # digits | word | mark | other
    text: str
    start: int
    norm: str = ""  # the normalised word, clitics removed when that gives a number word
    cls: str = ""  # the lexicon class of a number word, "" for other words
    value: float = 0.0
    wa: bool = False  # written with the conjunction و (it may join a compound number)


def _clitic_prefixes(norm: str) -> list[str]:
    """The clitic prefixes (:data:`_PREFIXES`) that ``norm`` starts with, longest first, ``""`` last.

    Looked up by length (one candidate each), not tried one by one: every word of a text passes here.
    """
    return [norm[:n] for n in _PREFIX_LENGTHS if n <= len(norm) and norm[:n] in _PREFIX_SET]


def _word_token(token: _Token) -> None:
    norm = normalize_arabic(token.text)
    token.norm = norm
    if norm in LEXICON:
        token.cls, token.value = LEXICON[norm]
        return
    prefixes = _clitic_prefixes(norm)
    for prefix in prefixes:
        if prefix and norm[len(prefix):] in LEXICON:
            rest = norm[len(prefix):]
            if len(rest) < 3 and prefix not in ("و", "ال", "وال", "بال", "لل"):
                continue  # a short word after an unusual clitic is more likely another word
            token.cls, token.value = LEXICON[rest]
            token.norm = rest
            token.wa = prefix.startswith("و")
            return
    for prefix in prefixes:
        match = _DECADE_RE.fullmatch(norm[len(prefix):])
        if match:
            token.cls, token.value, token.norm = "decade", float(_TENS_STEMS[match.group(1)]), norm[len(prefix):]
            return
    token.wa = norm.startswith("و")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    conjunction = False
    for match in _TOKEN_RE.finditer(text):
        token = _Token(match.lastgroup or "other", match.group(), match.start())
        if token.kind == "word" and token.text == "و":
            conjunction = True  # "و200 ألف", "مليون و 200 ألف": the next token carries it
            continue
        if token.kind == "word":
            _word_token(token)
        token.wa = token.wa or conjunction
        conjunction = False
        tokens.append(token)
    return tokens


def _century(tokens: list[_Token], i: int) -> list[float]:
    """The century a decade word belongs to, read from the words after it (``القرن الماضي``)."""
    window = [t.norm for t in tokens[i + 1 : i + 6] if t.kind == "word"]
    if "القرن" not in window and "قرن" not in window:
        # no century named: the last one, or this one for the twenties (العشرينيات: 1920s or 2020s)
        return [1900.0, 2000.0] if tokens[i].value <= 20 else [1900.0]
    after = window[window.index("القرن" if "القرن" in window else "قرن") + 1 :]
    head = after[:3]
    if any(w in ("التاسع", "تاسع") for w in head) and any(w in ("عشر",) for w in head):
        return [1800.0]
    if any(w in ("الثامن", "ثامن") for w in head) and any(w in ("عشر",) for w in head):
        return [1700.0]
    if any(w in ("الحالي", "الحادي", "الواحد", "الجاري") for w in head):
        return [2000.0]
    return [1900.0]  # الماضي, العشرين


_NUMBER_CLASSES = frozenset({"multiple", "unit", "ten", "hundred", "hundred-base", "scale", "plural", "dual", "fraction", "ordinal"})


def _is_number(token: _Token) -> bool:
    return token.kind == "digits" or (token.kind == "word" and token.cls in _NUMBER_CLASSES)


@dataclass
class _Sum:
    """A run of number tokens added up left to right (:func:`_evaluate`)."""

    total: float = 0.0  # the scaled part: ثلاثة ملايين once ملايين is read
    current: float | None = None  # the part under the next scale, None before any
    last_scale: float = 1.0  # what a fraction after a scale is a fraction of (مليون ونصف)
    hard: bool = False
    kind: str = "number"
    vague: bool = False  # a bare plural (آلاف: "thousands") states no number


def _add_digits(s: _Sum, run: list[_Token], index: int) -> None:
    s.current = (s.current or 0.0) + run[index].value
    s.hard = True


def _add_word(s: _Sum, run: list[_Token], index: int) -> None:
    s.current = (s.current or 0.0) + run[index].value
    if run[index].cls == "ordinal":
        s.kind = "ordinal"


def _add_hundred_base(s: _Sum, run: list[_Token], index: int) -> None:
    prev = run[index - 1] if index else None
    if s.current and s.current < 10 and prev is not None and prev.cls == "unit" and not run[index].wa:
        s.current *= 100  # ثلاث مئة
    else:
        s.current = (s.current or 0.0) + 100


def _add_fraction(s: _Sum, run: list[_Token], index: int) -> None:
    token = run[index]
    if s.current is not None and token.wa and not s.total:
        s.current += token.value  # العاشرة والنصف: 10.5
    elif s.total and token.wa and s.current is None:
        s.total += token.value * s.last_scale  # مليون ونصف
        s.kind = "number"
    else:
        s.current = (s.current or 0.0) + token.value
        if index == 0:
            s.kind = "fraction"


def _add_scale(s: _Sum, run: list[_Token], index: int) -> None:
    v = run[index].value
    if s.current is None:
        s.total += v
    else:
        s.hard = s.hard or s.current >= 2 or s.kind == "fraction"
        s.total += s.current * v
        s.kind = "number"
    s.current, s.last_scale = None, v


def _add_plural(s: _Sum, run: list[_Token], index: int) -> None:
    v = run[index].value
    if s.current is None:
        s.vague = True  # آلاف alone: "thousands"
        return
    s.hard = True
    s.total += s.current * v
    s.current, s.last_scale = None, v


def _add_dual(s: _Sum, run: list[_Token], index: int) -> None:
    v = run[index].value
    s.total += v if s.current is None else s.current * v / 2  # ألفين alone: 2,000; after a number, its scale
    s.current, s.last_scale = None, v / 2


_ADD_TOKEN = {  # a token's class ("digits" for digits) -> how it changes the sum
    "digits": _add_digits, "unit": _add_word, "ten": _add_word, "hundred": _add_word, "ordinal": _add_word,
    "multiple": _add_word, "hundred-base": _add_hundred_base, "fraction": _add_fraction, "scale": _add_scale,
    "plural": _add_plural, "dual": _add_dual,
}


def _evaluate(run: list[_Token]) -> tuple[float | None, bool, str]:
    """The value of a run of number tokens, whether it is hard, and its kind."""
    s = _Sum()
    for index, token in enumerate(run):
        add = _ADD_TOKEN.get("digits" if token.kind == "digits" else token.cls)
        if add is not None:
            add(s, run, index)
        if s.vague:
            return None, False, s.kind
    value = s.total + (s.current or 0.0)
    return value, s.hard or _explicit(run, value, s.kind), s.kind


def _explicit(run: list[_Token], value: float, kind: str) -> bool:
    """Whether a word number is explicit enough that a translation keeps it: 11 and above
    (عشرين, خمسة وعشرون, مائة), compound ordinals (الحادي والعشرين), any scale (ألف عام, ألفين).
    Others stay soft: small numbers and ordinals, and ستون, which is also the name Stone."""
    name_like = len(run) == 1 and run[0].norm in _NAME_LIKE
    if value >= 11 and kind in ("number", "ordinal") and not name_like and (kind == "number" or len(run) >= 2):
        return True
    return any(t.cls in ("scale", "dual") for t in run)


def extract_arabic(text: str) -> list[Quantity]:
    """Every quantity stated in an Arabic text, in order (see the module docstring)."""
    text = _DIGIT_COMMA_RE.sub(",", text.translate(_TO_ASCII))
    text = _RA_DECIMAL_RE.sub(lambda m: f"{m.group(2)}.{m.group(1)}".ljust(len(m.group())), text)
    tokens = _tokens(text)
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "word" and token.cls == "decade":
            values = frozenset(c + token.value for c in _century(tokens, i))
            found.append(Quantity(min(values), values, token.text, True, "decade", token.start))
            i += 1
            continue
        if not _is_number(token):
            i += 1
            continue
        run = [token]
        j = i + 1
        while j < len(tokens) and _continues(run, tokens[j]):
            run.append(tokens[j])
            j += 1
        quantity = _quantity(text, run, tokens, j)
        if quantity is not None:
            found.append(quantity)
            if quantity.kind == "percent" and j < len(tokens) and _percent_at(tokens, j)[0]:
                j += _percent_at(tokens, j)[1]
        i = j
    names = name_number_starts(text, glued=False) | {m.start("digits") for m in _AR_NAME_RE.finditer(text)}
    return soften_names(expand_all(text, found), names)


def _continues(run: list[_Token], nxt: _Token) -> bool:
    """Whether ``nxt`` extends the compound number in ``run``."""
    if not _is_number(nxt):
        return False
    last = run[-1]
    if "multiple" in (last.cls, nxt.cls):
        return False
    if nxt.kind == "digits":
        # a digit after a scale with و: "مليون و200 ألف"; otherwise two numbers ("2010 و2012")
        return last.cls in ("scale", "dual", "plural") and nxt.wa
    if nxt.cls in ("scale", "plural", "dual"):
        return last.cls not in ("scale", "plural", "dual", "ordinal") or last.kind == "digits"
    if last.kind == "digits":
        return False  # "5 ثلاثة" is two numbers
    if last.cls == "unit" and nxt.cls == "unit":
        return not nxt.wa and nxt.norm.startswith("عشر")  # خمسة عشر; "أربع واثنين" is two numbers
    if last.cls == "unit" and nxt.cls == "ten":
        return nxt.wa  # خمسة وعشرون
    if last.cls == "ten" and nxt.cls in ("unit", "ten", "hundred", "hundred-base"):
        return False
    if nxt.cls == "fraction":
        # مليون ونصف; العاشرة والنصف (half past ten)
        return nxt.wa and last.cls in ("scale", "dual", "plural", "ordinal", "unit")
    if nxt.cls == "ordinal":
        return False
    if last.cls == "ordinal":
        return nxt.cls in ("unit", "ten") and (nxt.norm.startswith("عشر") or nxt.wa)  # الحادي عشر, الحادي والعشرين
    if last.cls in ("scale", "dual", "plural"):
        return nxt.wa
    return last.cls != "fraction"


def _percent_at(tokens: list[_Token], j: int) -> tuple[bool, int]:
    if j >= len(tokens):
        return False, 0
    t = tokens[j]
    if t.kind == "mark" or (t.kind == "word" and t.norm in _PERCENT_WORDS) or normalize_arabic(t.text) in _PERCENT_WORDS:
        return True, 1
    if (
        t.kind == "word"
        and normalize_arabic(t.text) == "في"
        and j + 1 < len(tokens)
        and normalize_arabic(tokens[j + 1].text) in _PERCENT_AFTER_FI
    ):
        return True, 2
    return False, 0


def _month_follows(tokens: list[_Token], j: int) -> bool:
    words_after = [t.norm for t in tokens[j : j + 2] if t.kind == "word"]
    return len(words_after) == 2 and words_after[0] == "من" and any(f in _MONTHS for f in _word_forms(words_after[1]))


def _decade_before(tokens: list[_Token], start: int) -> bool:
    return any(t.cls == "decade" for t in tokens[max(0, start - 4) : start])


def _word_forms(norm: str) -> set[str]:
    return {norm} | {norm[len(p) :] for p in _clitic_prefixes(norm) if p}


def _word_at(tokens: list[_Token], j: int, words: frozenset[str]) -> bool:
    """Whether the token at ``j`` is a word of ``words`` (in normalised spelling)."""
    return j < len(tokens) and tokens[j].kind == "word" and normalize_arabic(tokens[j].text) in words


def _digit_values(digit_tokens: list[_Token]) -> tuple[frozenset[float] | None, frozenset[float] | None]:
    """Give each digit token its value; for a run with one, its alternative readings and a clock time's.

    ``1.500`` reads 1.5 or 1,500 (:func:`.quantity.digit_readings`), and ``10:30`` counts as its hour.
    """
    if len(digit_tokens) != 1:
        for d in digit_tokens:
            d.value, _ = digit_readings(d.text.split(":")[0])
        return None, None
    d = digit_tokens[0]
    if ":" not in d.text:
        d.value, alternatives = digit_readings(d.text)
        return alternatives, None
    hours, minutes = d.text.split(":")
    d.value, _ = digit_readings(hours)
    return frozenset({d.value}), time_readings(d.value, float(minutes))


def _alternative_values(run: list[_Token], digit: _Token, alternatives: frozenset[float]) -> set[float]:
    """The run's value with each reading of its one digit token in turn (1.500 مليون: 1.5 or 1,500 million)."""
    values: set[float] = set()
    for alternative in alternatives:
        saved, digit.value = digit.value, alternative
        value, _, _ = _evaluate(run)
        digit.value = saved
        if value is not None:
            values.add(value)
    return values


def _marked_after(tokens: list[_Token], j: int, digits: bool, primary: float, values: set[float], kind: str) -> str:
    """The kind a mark after a run gives it: a percent (``%``, ``بالمئة``, ``في المائة``), or a Hijri year
    (``1440 هـ``: its Gregorian years join ``values``); ``kind`` unchanged without one."""
    if _percent_at(tokens, j)[0]:
        return "percent"
    if digits and _word_at(tokens, j, _HIJRI_MARKS):
        values |= hijri_readings(primary)
        return "year-hijri"
    return kind


def _after_century(tokens: list[_Token], start: int) -> bool:
    """Whether a century word (``القرن``) comes right before the run starting at ``start``."""
    before = [t for t in tokens[max(0, start - 3) : start] if t.kind == "word"]
    return bool(before) and before[-1].norm in _CENTURY_WORDS


def _quantity(text: str, run: list[_Token], tokens: list[_Token], j: int) -> Quantity | None:
    """The quantity a run of number tokens states, read with the words around it (``tokens[j]`` follows)."""
    if len(run) > 1 and normalize_arabic(run[-1].text) in _PERCENT_WORDS:
        run, j = run[:-1], j - 1  # "50 بالمئة" must not read مئة as a hundred
    digit_tokens = [t for t in run if t.kind == "digits"]
    if len(run) == 1 and digit_tokens and _CLOCK_DOT_RE.fullmatch(run[0].text) and _word_at(tokens, j, _MERIDIEM_WORDS):
        run[0].text = run[0].text.replace(".", ":")  # 7.55 صباحًا is a clock time
    alternatives, time_values = _digit_values(digit_tokens)
    primary, hard, kind = _evaluate(run)
    if primary is None:
        return None
    values = {primary}
    if alternatives is not None:
        values |= _alternative_values(run, digit_tokens[0], alternatives)
    if time_values is not None and len(run) == 1:
        values, kind = set(time_values), "time"  # 11:35 is not 11
    kind = _marked_after(tokens, j, bool(digit_tokens), primary, values, kind)
    if kind == "ordinal" and _month_follows(tokens, j):
        hard = True  # الخامس من آب: a date, August 5
    start = j - len(run)
    if _after_century(tokens, start):
        hard = hard and not _decade_before(tokens, start)  # خمسينيات القرن التاسع عشر: the decade (1850s) says it
        if not digit_tokens and 1 <= primary <= 30:
            values.add((primary - 1) * 100)  # القرن التاسع عشر: the 1800s
    return Quantity(primary, frozenset(values), _run_text(text, run), hard, kind, run[0].start)


def _run_text(text: str, run: list[_Token]) -> str:
    """The run as written (one token's text as rewritten: 7:55 for 7.55 before صباحًا)."""
    if len(run) == 1:
        return run[0].text
    return text[run[0].start : run[-1].start + len(run[-1].text)]
