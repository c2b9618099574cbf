"""Countries and territories in English and in Arabic, from the Unicode CLDR (babel's locale data).

Arabic has no capitals, so the name check knows an Arabic word for a name only where something says so
(:mod:`.names`). The CLDR names every country and territory in both languages, as the people who
localise software write them (فرنسا France, جمهورية أفريقيا الوسطى Central African Republic): a list
kept by others, so no name here is typed by hand but the adjectives that English does not make by
adding an ending (France: French) and the few Arabic names that are also common words.
"""

from __future__ import annotations

from functools import lru_cache

# CLDR regions that are not places a sentence names (the world, continents as numbers, the UN, the
# euro area, pseudo-locales, the unknown region).
_NOT_PLACES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
# Arabic names of countries that are also common Arabic words: مالي (financial, my money), بنين (sons).
_ALSO_WORDS = frozenset({"مالي", "بنين"})
# English adjectives and nouns of countries that are not the name plus an ending (Syria-n, Iraq-i,
# Sudan-ese are found by :mod:`.names` itself).
_OTHER_ENGLISH = {
    "France": ("french", "frenchman", "frenchmen"),
    "Spain": ("spanish", "spaniard", "spaniards"),
    "Sweden": ("swedish", "swede", "swedes"),
    "Denmark": ("danish", "dane", "danes"),
    "Finland": ("finnish", "finn", "finns"),
    "Poland": ("polish",),
    "Turkey": ("turkish", "turk", "turks", "türkiye", "turkiye"),
    "Ireland": ("irish",),
    "Portugal": ("portuguese",),
    "Thailand": ("thai", "thais"),
    "Philippines": ("filipino", "filipinos", "philippine"),
    "Afghanistan": ("afghan", "afghans"),
    "Mexico": ("mexican", "mexicans"),
    "Peru": ("peruvian", "peruvians"),
    "Chile": ("chilean", "chileans"),
    "Argentina": ("argentine", "argentinian", "argentinians"),
    "Norway": ("norwegian", "norwegians"),
    "Iceland": ("icelandic", "icelander", "icelanders"),
    "Saudi Arabia": ("saudi", "saudis"),
    "United Arab Emirates": ("UAE", "U.A.E.", "emirati", "emiratis", "emirates"),
    "Czechia": ("czech", "czechs", "czech republic"),
    "Ukraine": ("ukrainian", "ukrainians"),
    "Belgium": ("belgian", "belgians"),
    "Somalia": ("somali", "somalis"),
    "Madagascar": ("malagasy",),
    "New Zealand": ("kiwi", "kiwis"),
}


@lru_cache(maxsize=1)
def country_names() -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each country or territory: its English forms (the CLDR name, lower case unless written in
    capitals, and its other adjectives) and its Arabic name as the CLDR writes it. Names with a
    qualifier (Congo - Kinshasa, Myanmar (Burma), St. Lucia, Bosnia & Herzegovina) are left out: a
    sentence writes them otherwise."""
    from babel import Locale

    arabic, english = Locale("ar").territories, Locale("en").territories
    out = []
    for code, name in sorted(english.items()):
        ar = arabic.get(code, "")
        if (code.isdigit() or code in _NOT_PLACES or not ar or ar in _ALSO_WORDS
                or any(mark in name for mark in "()&.-") or "SAR" in name or any(m in ar for m in "()،-")
                or len(ar.split()) > 3):
            continue
        forms = (name.lower(), *_OTHER_ENGLISH.get(name, ()))
        out.append((forms, ar))
    return tuple(out)
