"""Countries and territories in English and in Arabic, from the Unicode CLDR (babel's locale data).

Arabic has no capitals, so the name check knows an Arabic word for a name only where something says so
(:mod:`.names`). The CLDR names every country and territory in both languages, as the people who
localise software write them (فرنسا France, بابوا غينيا الجديدة Papua New Guinea): a list kept by
others. Typed here, by region code (CLDR display names change between versions: Turkey is Türkiye
since 2022), only what news writes besides: the English adjectives that are not the name plus an
ending (France: French), the capital that stands for its government (Ankara for تركيا), the other
Arabic spellings and short names (الدنمارك، السعودية، الإمارات), and the names whose CLDR form carries
a qualifier (Congo - Kinshasa, Hong Kong SAR China).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

# CLDR regions that are not places a sentence names (the world, continents as numbers, the UN, the
# euro area, pseudo-locales, the unknown region).
_NOT_PLACES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
# Arabic names of countries that are also common Arabic words: مالي (financial, my money), بنين (sons).
_ALSO_WORDS = frozenset({"مالي", "بنين"})

# Region code: English forms news writes besides the CLDR's name (lower case; in capitals: that case only).
_OTHER_ENGLISH = {
    "AE": ("UAE", "U.A.E.", "emirati", "emiratis", "emirates"),
    "AF": ("afghan", "afghans"),
    "AR": ("argentine", "argentinian", "argentinians"),
    "AU": ("aussie",),
    "BA": ("bosnia and herzegovina", "bosnia", "bosnian", "bosnians"),
    "BE": ("belgian", "belgians"),
    "BH": ("bahraini", "bahrainis"),
    "CD": ("democratic republic of the congo", "democratic republic of congo", "dr congo", "DRC"),
    "CI": ("ivory coast", "ivorian", "ivorians"),
    "CL": ("chilean", "chileans"),
    "CZ": ("czech", "czechs", "czech republic"),
    "DK": ("danish", "dane", "danes"),
    "ES": ("spanish", "spaniard", "spaniards"),
    "FI": ("finnish", "finn", "finns"),
    "FR": ("french", "frenchman", "frenchmen"),
    "HK": ("hong kong",),
    "IE": ("irish",),
    "IS": ("icelandic", "icelander", "icelanders"),
    "MG": ("malagasy",),
    "MM": ("myanmar", "burma", "burmese"),
    "MO": ("macau", "macao"),
    "MX": ("mexican", "mexicans"),
    "NO": ("norwegian", "norwegians"),
    "NZ": ("kiwi", "kiwis"),
    "OM": ("omani", "omanis"),
    "PE": ("peruvian", "peruvians"),
    "PG": ("PNG",),
    "PH": ("filipino", "filipinos", "philippine"),
    "PL": ("polish",),
    "PT": ("portuguese",),
    "SA": ("saudi", "saudis"),
    "SE": ("swedish", "swede", "swedes"),
    "SO": ("somali", "somalis"),
    "TH": ("thai", "thais"),
    "TR": ("turkey", "turkish", "turk", "turks"),
    "UA": ("ukrainian", "ukrainians"),
}

# Region code: the capital (or seat) that news names for the country's government (Ankara for تركيا).
_CAPITALS = {
    "AE": ("abu dhabi",),
    "AF": ("kabul",),
    "AR": ("buenos aires",),
    "AU": ("canberra",),
    "BA": ("sarajevo",),
    "BE": ("brussels",),
    "BH": ("manama",),
    "BR": ("brasilia",),
    "CA": ("ottawa",),
    "CD": ("kinshasa",),
    "CI": ("abidjan",),
    "CL": ("santiago",),
    "CU": ("havana",),
    "CZ": ("prague",),
    "DK": ("copenhagen",),
    "ES": ("madrid",),
    "FI": ("helsinki",),
    "FR": ("paris",),
    "IE": ("dublin",),
    "IQ": ("baghdad",),
    "IR": ("tehran",),
    "IS": ("reykjavik",),
    "IT": ("rome",),
    "KE": ("nairobi",),
    "KP": ("pyongyang",),
    "KR": ("seoul",),
    "LY": ("tripoli",),
    "MX": ("mexico city",),
    "NO": ("oslo",),
    "NZ": ("wellington",),
    "OM": ("muscat",),
    "PE": ("lima",),
    "PH": ("manila",),
    "PK": ("islamabad",),
    "PL": ("warsaw",),
    "PT": ("lisbon",),
    "QA": ("doha",),
    "RU": ("moscow", "kremlin"),
    "SA": ("riyadh",),
    "SD": ("khartoum",),
    "SE": ("stockholm",),
    "SO": ("mogadishu",),
    "SY": ("damascus",),
    "TH": ("bangkok",),
    "TN": ("tunis",),
    "TR": ("ankara",),
    "UA": ("kyiv", "kiev"),
    "VE": ("caracas",),
    "YE": ("sanaa",),
    "ZA": ("pretoria",),
}
# Region code: Arabic names news writes besides the CLDR's (their adjectives are made from them:
# الإمارات -> إماراتي، السعودية -> سعودي).
_OTHER_ARABIC = {
    "AE": ("الإمارات",),
    "BA": ("البوسنة والهرسك", "البوسنة"),
    "CD": ("الكونغو الديمقراطية",),
    "CI": ("كوت ديفوار",),
    "CL": ("شيلي",),
    "DK": ("الدنمارك", "الدانمارك"),
    "ES": ("أسبانيا", "الإسبان"),
    "HK": ("هونغ كونغ", "هونج كونج"),
    "MM": ("ميانمار", "بورما"),
    "MO": ("ماكاو",),
    "PL": ("بولونيا",),
    "SA": ("السعودية",),
    "TH": ("تايلند",),
    "TR": ("تركيا",),
}


class Country(NamedTuple):
    """A country or territory: its English forms (the first is its name) and its Arabic forms (the
    first is its name as the CLDR writes it)."""

    english: tuple[str, ...]
    arabic: tuple[str, ...]


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country and territory a sentence names, sorted by region code. A CLDR name with a qualifier
    (St. Lucia, Cocos (Keeling) Islands) is left out unless the forms above give the country otherwise."""
    from babel import Locale

    arabic, english = Locale("ar").territories, Locale("en").territories
    out = []
    for code, name in sorted(english.items()):
        ar = arabic.get(code, "")
        if code.isdigit() or code in _NOT_PLACES or not ar or ar in _ALSO_WORDS:
            continue
        plain = not (any(mark in name for mark in "()&.-") or "SAR" in name
                     or any(m in ar for m in "()،-") or len(ar.split()) > 3)
        names_en = ((name.lower(),) if plain else ()) + _OTHER_ENGLISH.get(code, ()) + _CAPITALS.get(code, ())
        names_ar = ((ar,) if plain else ()) + _OTHER_ARABIC.get(code, ())
        if names_en and names_ar:
            out.append(Country(names_en, names_ar))
    return tuple(out)
