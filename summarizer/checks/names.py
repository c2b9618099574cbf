"""Names held across the translation: every person or place one side names, the other names too.

No model, no name list of people: a name crosses between the scripts by sound, so the two sides are
compared by transliteration skeleton (:mod:`.transliteration`: لافروف and Lavrov are both ``LFRF``).
Word frequencies (``wordfreq``) tell a common word from a name: a capitalised English word that is
frequent in English only (Literature, Engineers) is translated, not spelled, and a frequent Arabic word
after a title (قائلة، يشير) is the sentence going on, not a name.

* ``name-unsupported``: a proper name in the English (a capitalised word that the sentence start, a
  title, a month, a day or a common English word does not explain) whose skeleton matches no Arabic word or pair
  of words, and that is not the English of an Arabic name in :data:`EXONYMS` (Aleppo is حلب, not a
  transliteration). A sentence written in capitals or title case (a headline) has no such finding:
  there every word is capitalised.
* ``name-missing``: a name in the Arabic that no English word renders. Arabic has no capitals, so a
  word counts as a name only where the text says so: a known name of :data:`EXONYMS` (countries,
  capitals, organisations); the words after a title (الرئيس، وزير الخارجية الروسي، السيد ...), after the
  particles of foreign names (دي ميستورا، فون); or, where no English word at all renders it and the
  English has no personal pronoun, a word whose letters have the look of a name spelt from another
  language (:mod:`.name_shape`: بيتسبرغ، سانتوروم). Other names in the Arabic are not seen (a name
  written like the language's own words, or frequent enough to be one: ترامب): this side is built for
  few false alarms, not for recall.

* On a whole article (:func:`check_article_names`), ``name-missing`` also holds the names the article
  teaches: an Arabic word that an English name renders by skeleton in one pair (ترامب for Trump) is a
  name in every pair, and a pair whose English renders it by no word of that name (nor, for a name of
  several words, by a pronoun) misses it. ``eval.checks`` measures it on the FLORES and NTREX documents.

Registered (:mod:`.registry`) on each sentence pair, on the summary's translation, and on the Arabic
summary against its article (a name in the summary that the article never mentions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import pairwise
from types import MappingProxyType

from summarizer.arabic import normalize_arabic, words

from .findings import Finding
from .markup import clean_markup
from .name_shape import looks_foreign
from .place_names import countries
from .registry import ARTICLE, PAIR, SUMMARY, SUMMARY_TRANSLATION, FindingCode, register_check
from .transliteration import (
    ARTICLES,
    PIECE_MIN,
    SOFT_CLASSES,
    GluedIndex,
    SkeletonIndex,
    arabic_forms,
    arabic_skeleton,
    arabic_skeletons,
    english_word_skeletons,
    keys,
)

# A text longer than this many words on a side is checked on its first words only: no sentence or
# summary is that long, and the bound keeps any input's cost flat.
MAX_WORDS = 5000
# A whole article's English is read up to this many words for the names it gives anywhere
# (:func:`named_nowhere`): a long document (a 20-page report is about 10,000 words) to its end.
ARTICLE_WORDS = 20 * MAX_WORDS
# ... and for its first this many distinct English names (and Arabic words read by their look): an article
# names a few hundred at most, and a text of thousands of made-up names costs what these cost.
MAX_NAMES = 1000
# An Arabic "word" longer than this is words run together (a text that lost its spaces): no Arabic word
# is this long (والاستثمارات has 12 letters).
GLUED = 13
GLUED_PART = 7  # in such a text, a word this long may be two run together (مجلسالأمن)
# In a text with its spaces, a word this long may still be two run together (فريقهارتس), searched for
# skeletons of GLUED_LONE_CLASSES classes or more (a shorter one is inside some long word by chance).
GLUED_LONE, GLUED_LONE_CLASSES = 9, 4
# Words run together are read for their first GLUED_LETTERS letters each, until GLUED_PIECES pieces
# are held: a sentence is far shorter, and the bound keeps a text of one huge word cheap.
GLUED_LETTERS, GLUED_PIECES = 2000, 50_000
# A known name is looked for inside words run together when it has this many letters or more (a
# country of the CLDR: GLUED_COUNTRY, for نيوي, Niue, is inside بنيويورك).
GLUED_KNOWN, GLUED_COUNTRY = 4, 5

# Names whose English is not a transliteration of the Arabic (or not only), with the capital that
# stands for a country's government (Berlin for ألمانيا): English forms, comma
# separated (lower case: any case; with capitals: an acronym, that case only; each may take a plural or
# adjective ending) | Arabic forms (normalised on reading; "_" joins the words of one name); a third field
# "| optional" marks what a translation need not give, and the known names written inside it (الهند in جوز
# الهند, coconut; أطباء بلا حدود, which a translator may give in French or as an acronym).
_EXONYM_ROWS = """
aleppo | حلب
damascus | دمشق
egypt, egyptian, cairo | مصر مصري مصريه المصري المصريه المصريين المصريون
germany, german, berlin | المانيا الماني الالماني الالمانيه الالمان
jordan, jordanian, amman | الاردن اردني الاردني الاردنيه
lebanon, lebanese, beirut | لبنان لبناني اللبناني اللبنانيه
UN, U.N., united nations, security council | الامم_المتحده الاممي الامميه مجلس_الامن
champions league | دوري_ابطال_اوروبا
US, U.S., USA, U.S.A., united states, america, american, washington | الولايات_المتحده امريكا اميركا الامريكي الاميركي الامريكيه الاميركيه
UK, U.K., britain, british, briton, united kingdom, england, english, london | بريطانيا المملكه_المتحده البريطاني البريطانيه انجلترا انكلترا
EU, E.U., european union, europe, european | الاتحاد_الاوروبي اوروبا الاوروبي الاوروبيه الاوروبيين
NATO | الناتو حلف_شمال_الاطلسي
china, chinese, beijing | الصين الصيني الصينيه الصينيين
japan, japanese, tokyo | اليابان الياباني اليابانيه
greece, greek, athens | اليونان اليوناني اليونانيه
morocco, moroccan, rabat | المغرب المغربي المغربيه
algeria, algerian, algiers | الجزائر الجزائري الجزائريه
hungary, hungarian, budapest | المجر المجري المجريه
austria, austrian, vienna | النمسا النمساوي النمساويه
switzerland, swiss, bern, berne | سويسرا السويسري السويسريه
netherlands, dutch, holland, amsterdam, the hague | هولندا الهولندي الهولنديه
cyprus, cypriot, nicosia | قبرص القبرصي القبرصيه
ethiopia, ethiopian, addis ababa | اثيوبيا الاثيوبي الاثيوبيه
india, indian, new delhi | الهند الهندي الهنديه
jerusalem | القدس
mecca | مكه
cairo | القاهره
gaza | غزه
west bank | الضفه_الغربيه
jew, jewish | اليهود اليهودي اليهوديه
christian, christianity | المسيحيين المسيحيون المسيحي المسيحيه
muslim, islam, islamic | الاسلام الاسلامي الاسلاميه المسلمين المسلمون
arab, arabic | العرب العربي العربيه
palestine, palestinian | فلسطين الفلسطيني الفلسطينيه الفلسطينيين
korea, korean | كوريا الكوري الكوريه
mediterranean | البحر_المتوسط المتوسطي المتوسطيه
house of commons, commons, lower house | مجلس_العموم
doctors without borders, medecins sans frontieres, MSF | اطباء_بلا_حدود | optional
gospel, gospels, bible, biblical, scripture, scriptures | الانجيل الاناجيل الكتاب_المقدس
mary, marian, virgin mary, virgin | مريم المريمي المريميه
virgin mary, virgin, mary, our lady | العذراء السيده_العذراء | optional
sagittarius | مجره_القوس برج_القوس مجره_الرامي برج_الرامي
coconut, coconuts | جوز_الهند جوزه_الهند | optional
casablanca | الدار_البيضاء
hebron | الخليل
mediterranean | البحر_الابيض_المتوسط
pacific | المحيط_الهادي المحيط_الهادئ
atlantic | المحيط_الاطلسي
brexit | بريكست البريكست خروج_بريطانيا انسحاب_بريطانيا انسحاب_المملكه_المتحده
scotland, scottish, scot | اسكتلندا سكوتلندا الاسكتلندي الاسكتلنديه
jesus, christ | يسوع المسيح
constantinople | القسطنطينيه
arctic, antarctic, antarctica | القطب القطبي القطبيه
sphinx | ابو_الهول
eurozone, euro zone, euro area | منطقه_اليورو
levant | بلاد_الشام
fed, federal reserve, us central bank | الاحتياطي_الفيدرالي الاحتياطي_الاتحادي الفيدرالي المركزي_الامريكي البنك_المركزي_الامريكي
pentagon, defense department, department of defense, us defense ministry | البنتاغون البنتاجون وزاره_الدفاع_الامريكيه وزاره_الدفاع_الاميركيه
elysee, french presidency | الاليزيه الرئاسه_الفرنسيه
knesset, israeli parliament | الكنيست البرلمان_الاسرائيلي
duma, russian parliament | مجلس_الدوما مجلس_النواب_الروسي
rada, ukrainian parliament | الرادا البرلمان_الاوكراني
serie a, scudetto, italian league | الدوري_الايطالي
la liga, liga, spanish league | الليغا الليجا الدوري_الاسباني
ligue 1, french league | الدوري_الفرنسي
ballon d'or, golden ball | الكره_الذهبيه
islamic state, isis, isil, daesh | داعش تنظيم_الدوله_الاسلاميه
shiite, shiites, shia, shias, shi'ite | الشيعه الشيعي الشيعيه
alawite, alawites | العلويين العلويون العلوي العلويه
berber, berbers, amazigh | الامازيغ الامازيغي الامازيغيه
nineveh | نينوى
tigris | دجله
hurghada | الغردقه
heliopolis | مصر_الجديده
bundestag, german parliament | البوندستاغ البرلمان_الالماني
bundesliga, german league | البوندسليغا الدوري_الالماني
bundesbank, german central bank | البوندسبنك البنك_المركزي_الالماني
politburo | المكتب_السياسي
the hague, hague | لاهاي
GMT, UTC, greenwich, greenwich mean time | توقيت_غرينتش توقيت_جرينتش غرينتش جرينتش | optional
"""
# An adjective of a known name (الأمريكية، البريطاني) is often folded into another word in English (USOC,
# BST): only the names themselves are missed.
_NISBA_ENDINGS = ("ي", "يه", "يين", "يون")


# Endings an English form may take (a plural, a possessive, an adjective: Syrians, UN's, Iraqi).
_ENDINGS = ("'s", "s", "n", "ns", "ian", "ians", "ese", "i", "is")


# Accented Latin letters (Payaguá in an Arabic text), folded on the Arabic side without touching its
# Arabic letters (whose hamza a fold would take off).
_LATIN_ACCENTED_RE = re.compile(r"[\u00C0-\u024F\u1E00-\u1EFF]+")


def fold_latin(text: str) -> str:
    """Latin letters without their accents (Chişinău -> Chisinau), so that a name is one word."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Exonym:
    """One name of :data:`EXONYMS`: its English forms (lower case: any case; ``acronyms``: that case
    only; accents folded, one apostrophe) and its Arabic forms (normalised, without the article)."""

    english: tuple[str, ...]
    acronyms: tuple[str, ...]
    arabic: tuple[str, ...]
    names: tuple[str, ...]  # the Arabic forms that are names, not adjectives: what a translation may miss
    country: bool = False  # from the CLDR's list, not the table


def _english_form(text: str) -> str:
    """An English name as the tables hold it and look it up: one space, no accent, one apostrophe."""
    return fold_latin(" ".join(text.split())).replace("’", "'")


def _exonym(english: Sequence[str], arabic: Sequence[str], names: Sequence[str] | None = None, *,
            country: bool = False) -> Exonym:
    """A row of :data:`EXONYMS` from its English forms (as typed: lower case for any case), its Arabic
    forms (as written, "_" or a space joining the words of one name; one ending in ي, an adjective,
    brings its plurals الأمريكيين، الأمريكيون) and those of them that are names (by default the
    forms without a nisba ending)."""
    forms = [_english_form(f) for f in english if f.strip()]
    bare = [_bare(normalize_arabic(f).replace("_", " ")) for f in arabic]
    bare += [f + ending for f in bare if f.endswith("ي") for ending in ("ين", "ون")]
    named = ([f for f in bare if not f.endswith(_NISBA_ENDINGS)] if names is None
             else [_bare(normalize_arabic(f).replace("_", " ")) for f in names])
    return Exonym(tuple(f for f in forms if f == f.lower()), tuple(f for f in forms if f != f.lower()),
                  tuple(dict.fromkeys(bare)), tuple(dict.fromkeys(named)), country)


def _exonyms() -> tuple[Exonym, ...]:
    """The table above, then every country of the CLDR (:mod:`.place_names`) whose name the table
    does not hold."""
    out = [_exonym(en.split(","), ar.split(), [] if rest == ["optional"] else None)
           for en, ar, *rest in (_fields(row) for row in _EXONYM_ROWS.strip().splitlines())]
    held = {f for e in out for f in e.english}
    for country in countries():
        if _english_form(country.english[0]).lower() not in held:
            arabic = [a for name in country.arabic for a in (name, *_adjectives(name))]
            out.append(_exonym(country.english, arabic, country.arabic, country=True))
    return tuple(out)


def _fields(row: str) -> list[str]:
    """A row of :data:`_EXONYM_ROWS` cut into its fields: English | Arabic, and "optional" or nothing."""
    fields = [f.strip() for f in row.split("|")]
    if len(fields) not in (2, 3) or fields[2:] not in ([], ["optional"]):
        raise ValueError(f"a row of the known names is English | Arabic [| optional]: {row!r}")
    return fields


def _adjectives(country: str) -> list[str]:
    """The nisba adjectives of a country's Arabic name of one word (إسبانيا: إسباني، إسبانية، إسبانيون...;
    السعودية: سعودي)."""
    if " " in country:
        return []
    name = _bare(normalize_arabic(country))
    stem = name[:-2] if name.endswith(("يا", "يه")) else name[:-1] if name.endswith(("ا", "ه")) else name
    return [stem + ending for ending in _NISBA_ENDINGS]


def _bare(form: str) -> str:
    return form[2:] if form.startswith("ال") and len(form) > 4 else form


def _rows_of(exonyms: Sequence[Exonym]) -> tuple[Mapping[str, frozenset[int]], Mapping[str, frozenset[int]]]:
    """Each English form to the rows it is a form of: the forms of any case, and the acronyms."""
    tables: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
    for row, exonym in enumerate(exonyms):
        for table, forms in zip(tables, (exonym.english, exonym.acronyms), strict=True):
            for form in forms:
                table.setdefault(form, set()).add(row)
    any_case, acronyms = ({form: frozenset(rows) for form, rows in t.items()} for t in tables)
    return MappingProxyType(any_case), MappingProxyType(acronyms)


EXONYMS = _exonyms()
_ROWS_OF, _ACRONYM_ROWS_OF = _rows_of(EXONYMS)
_DOTTED_RE = re.compile(r"(?<![A-Za-z])(?:[A-Z]\.){2,}")
# The first words of the table's English names of two words or more (united nations, west bank).
_FIRST_WORDS = frozenset(f.split()[0].lower() for e in EXONYMS for f in (*e.english, *e.acronyms) if " " in f)
# The most words of an English name of the table (French Southern and Antarctic Lands).
_LONGEST = max(len(f.split()) for e in EXONYMS for f in (*e.english, *e.acronyms))


def english_rows(text: str) -> set[int]:
    """The rows of :data:`EXONYMS` that an English text (its first :data:`MAX_WORDS` words) names: by
    its words, its runs of words that start a name of the table, and its dotted acronyms."""
    tokens = _ENGLISH_TOKEN_RE.findall(text)[:MAX_WORDS]
    out: set[int] = set()
    for word in set(tokens):
        out |= word_rows(word)
    for i, word in enumerate(tokens):
        if word.lower() in _FIRST_WORDS:
            for n in range(2, _LONGEST + 1):
                out |= word_rows(" ".join(tokens[i:i + n]))
    for dotted in set(_DOTTED_RE.findall(text[:MAX_WORDS * 20])):
        out |= word_rows(dotted)
    return out


@lru_cache(maxsize=10_000)
def word_rows(word: str) -> frozenset[int]:
    """The rows of :data:`EXONYMS` that one English word (or run of words) is a form of: a form, or a
    form with one of :data:`_ENDINGS`."""
    text = _english_form(word)
    low = text.lower()
    out = _ROWS_OF.get(low, frozenset()) | _ACRONYM_ROWS_OF.get(text, frozenset())
    for ending in _ENDINGS:
        if low.endswith(ending) and len(low) > len(ending):
            out |= _ROWS_OF.get(low[: -len(ending)], frozenset())
            if text.endswith(ending):
                out |= _ACRONYM_ROWS_OF.get(text[: -len(ending)], frozenset())
    return out


# Capitalised English words that are not names: function words (a sentence or clause start), titles,
# months and days, and words that English capitalises without naming anyone.
_NOT_NAMES = frozenset("""
a an the this that these those there here it its he she his her him they them their we our us i you your my
me and but or nor so yet for of in on at to by from with without as if when while after before since until
during about over under into onto than then also not no yes all any some each every both many most more
such what which who whom whose where why how one two three four five six seven eight nine ten first second
third last next new old mr mrs ms miss dr prof sir madam lord lady st saint
president presidents presidential prime minister ministers ministry foreign interior defence defense
secretary general king queen prince princess sheikh emir sultan pope bishop imam senator governor mayor
chancellor ambassador envoy special deputy vice chief director chairman chair professor judge justice
council security department committee commission parliament assembly party army forces force court
supreme university church republic kingdom state states union national international democratic
republican government opposition coalition agency office army navy air police ministerial spokesman
spokeswoman leader captain colonel lieutenant major sergeant officer commander admiral marshal
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
monday tuesday wednesday thursday friday saturday sunday
god allah lord prophet christmas easter ramadan eid internet web earth sun moon north south east west
northern southern eastern western central middle bc ad am pm ok tv rev reverend sen rep gov gen col lt sgt capt
jr sr inc ltd co corp plc llc yesterday today tomorrow celsius fahrenheit centigrade
is are was were be been being has have had do does did will would can could should might must shall
very just only even still while although though because whether once again however yet both either
""".split())
# Words that English capitalises in the names of things (the Great Pyramid, the Pacific Ocean, the
# Revolutionary War) and that Arabic translates: in a run, they neither make a name nor are flagged.
_GENERIC = frozenset("""
war wars treaty age ages empire dynasty kingdom kingdoms great high early late ancient modern royal original
declaration revolution temple room house hall street road avenue square bridge tower palace castle cathedral
mosque museum park garden river lake sea ocean island islands mountain mountains valley desert bay gulf coast
cape peninsula plateau canal center centre league cup games olympics olympic championship award awards prize
festival day night week year century city town county province region district world global federal society
association organisation organization company corporation group bank fund foundation institute school college
academy hospital clinic system service program programme project plan act bill law code constitution agreement
accord accords convention conference summit forum senate congress front movement guard station airport port
hotel stadium channel news times post radio television press media network intelligence health education
science research art arts music film book library series show story history reserve power energy oil gas
water space hurricane storm cyclone typhoon tropical species blue blues red green white black golden silver
upper lower greater little big grand holy father mother brother sister uncle capital team club cross crescent
order independence liberty freedom peace human rights trade business industry economy market markets exchange
stock index star stars general officer members member party parties prime supreme strip horn pontiff
gendarmerie mount mt
""".split())
_MONTHS = frozenset({"may"})  # a month, and a name (Theresa May): a name only beside another name
_PARTICLES = frozenset("de del della di da van von der den al el bin ibn bint abu le la du dos das ben".split())
# Endings of English words that name things, not people or places (Subtropical, Audition, Olympics).
_COMMON_ENDINGS = ("tion", "sion", "ity", "ness", "ment", "ical", "ology", "ing", "ous", "ive", "ship", "ance",
                   "ence", "ics", "ism", "ist", "able", "ible", "ful", "less", "ward", "ary", "ory")
_START_RE = re.compile(r"[.!?:;\"“”«»(\[\u2014\u2013]|\s-\s")
# Words written with a full stop that ends no sentence: titles before a name (Dr. Ohio, Lt. Col. Vann).
_ABBREVIATIONS = frozenset("mr mrs ms dr prof st lt col gen sen rep gov capt sgt maj adm rev hon jr sr".split())


def _abbreviated(previous: str, gap: str) -> bool:
    """Whether the only sentence mark between two words is the full stop of an abbreviation or an
    initial (Dr. Smith, U.S. Senator, George W. Bush): the next word starts no sentence."""
    return gap.strip() == "." and (previous.lower() in _ABBREVIATIONS or (len(previous) == 1 and previous.isupper()))


_ENGLISH_TOKEN_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")

# Arabic titles and the particles of foreign names: the words after them are a name. A definite title
# (الرئيس) may stand right before the name; a title in the construct state (وزير الخارجية) only
# with its complement between.
_DEFINITE_TITLES = frozenset(normalize_arabic(w) for w in """
الرئيس الرئيسة السيد السيدة الملك الملكة الأمير الأميرة الشيخ المستشارة الدكتور البابا الجنرال العقيد
اللواء المبعوث المرشح المرشحة الزعيم
""".split())
_CONSTRUCT_TITLES = frozenset(normalize_arabic(w) for w in """
رئيس رئيسة وزير وزيرة مبعوث زعيم قائد نائب سفير أمين
""".split())
_TITLES = _DEFINITE_TITLES | _CONSTRUCT_TITLES
_FOREIGN_PARTICLES = frozenset(normalize_arabic(w) for w in "دي فون فان".split())
# The Arabic names of Latin letters (جورج دبليو بوش: George W. Bush): an initial, not a name to render.
_LETTER_NAMES = frozenset(normalize_arabic(w) for w in """
إيه بي سي دي إي إف جي إتش آي جيه كيه إل إم إن أو كيو آر إس تي يو في دبليو إكس واي زد
""".split())
# A word after a title that carries the article or a one-letter clitic (لشركة، وطلب، بصورة) is the
# sentence going on, not a name: a name after its title carries neither (:func:`_after_clitic`).
_TITLE_REACH = 3  # words (with the article: الخارجية الروسي) between a title and its name
_NAME_WORDS = 2  # words of a name after its title


def _stopwords() -> frozenset[str]:
    from summarizer.stages.extractive import STOPWORDS

    return STOPWORDS


# ---------------------------------------------------------------- the English side


@dataclass(frozen=True)
class EnglishName:
    """A run of capitalised English words: what it says, the words that make it a name (``strong``:
    none, and it is never flagged alone), the words that may match an Arabic name (``words``) and the
    word at a sentence start that reads as a name but for its place (``at_start``: see
    :func:`unsupported_at_start`)."""

    text: str
    strong: tuple[str, ...]
    words: tuple[str, ...]
    at_start: tuple[str, ...] = ()


def _is_heading(text: str, tokens: Sequence[str]) -> bool:
    """A headline: in capitals, or in title case (most of its longer words past the first capitalised,
    and no full stop at its end: a sentence full of names has one)."""
    long = [t for t in tokens[1:] if len(t) >= 4]
    if len(long) < 3:
        return False
    if all(t.isupper() for t in long):
        return True
    caps = sum(1 for t in long if t[0].isupper())
    return caps / len(long) >= 0.6 and not text.rstrip().endswith((".", "!", "?", '."', ".”", ".'"))


# What an apostrophe may glue to an English word: a possessive or a contraction (Ring's, I'm, don't).
# Any other tail is part of the name (Xi'an, O'Brien, Qur'an).
_CLITIC_TAILS = frozenset("s m re ve ll d t".split())


def _base(token: str) -> str:
    """A word without its possessive or contraction: Ring's -> Ring, I'm -> I; Xi'an stays Xi'an."""
    head, _, tail = token.replace("’", "'").partition("'")
    return head if tail.lower() in _CLITIC_TAILS else token


def _weak(word: str) -> bool:
    """A capitalised word that may be a name but is too likely something else to be flagged."""
    low = word.lower()
    singular = low[:-1] if low.endswith("s") else low
    return (low in _NOT_NAMES or singular in _NOT_NAMES or low in _GENERIC or singular in _GENERIC
            or low.endswith(_COMMON_ENDINGS) or _acronym(word) or len(word) < 2
            or (common_english(low) and not word_rows(word)) or not any(ch in "aeiouy" for ch in low))


# Languages whose word lists tell a common English word from a name: a name (Washington, Kim, Putin) is
# written the same in all of them and about as frequent, a common English word (Literature, Engineers,
# Heritage) is frequent in English only.
_OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "sv", "pl", "tr", "id")
# A word is a common English word when its Zipf frequency in English is at least COMMON_ZIPF and exceeds
# the median of the other languages' by ENGLISH_ONLY (fitted on half the human-translated sentences).
COMMON_ZIPF, ENGLISH_ONLY = 3.0, 1.2


@lru_cache(maxsize=50_000)
def _others_median(word: str, wordlist: str) -> float:
    """The median Zipf frequency of a word in :data:`_OTHER_LANGUAGES`."""
    from wordfreq import zipf_frequency

    others = sorted(zipf_frequency(word, lang, wordlist=wordlist) for lang in _OTHER_LANGUAGES)
    return others[len(others) // 2]


def common_english(word: str) -> bool:
    """Whether a lower-case word is a common English word rather than a name: Arabic translates such a
    word (Literature الأدب), so when capitalised it is not flagged for lack of a transliteration.
    wordfreq folds case, so a name is told apart by being as frequent in the other languages."""
    from wordfreq import zipf_frequency

    english = zipf_frequency(word, "en", wordlist="small")
    if english < COMMON_ZIPF:
        return False
    return english - _others_median(word, "small") >= ENGLISH_ONLY


@lru_cache(maxsize=50_000)
def _name_like(word: str) -> bool:
    """Whether a lower-case word English uses rarely (Zipf under :data:`COMMON_ZIPF`) reads as a name
    by the test of :func:`common_english`: about as frequent in the other languages (Aerosmith), not a
    rare word of English's own (Civilizational, Endotoxin, Icefall), nor made the way new English words
    are (a plural or a participle: Rescuers)."""
    from wordfreq import zipf_frequency

    english = zipf_frequency(word, "en", wordlist="large")
    return (len(word) >= 3 and english < COMMON_ZIPF and not word.endswith(_NEW_WORD_ENDINGS)
            and english - _others_median(word, "best") < ENGLISH_ONLY)


def _acronym(word: str) -> bool:
    return sum(1 for ch in word if ch.isupper()) >= 2


# What after a word at a sentence start says it is a name: a possessive (Salvador's header) or an
# apposition, an age or a description (Noren, 20, has been...; Sergio, the chief executive, ...), unless
# the description is who says the sentence (Rescuers, the civil defence said, ...).
_NAMED_AT_START_RE = re.compile(r"['’]s\b|, (?:\d+,|the |a |an )")
_SAID_RE = re.compile(r", [^,.;]*\b(?:said|says|added|told|reported|announced)\b")
# A word this frequent in English (Gold's price, Football, the world's sport...) starts a sentence as a
# common word more often than as a name.
START_COMMON_ZIPF = 5.0


# A word under this Zipf frequency in English is not in wordfreq's large English list, which holds every
# word down to one in a hundred million: at a sentence start it is a name (Tsouvallaris, Lealofi).
START_UNKNOWN_ZIPF = 1.0
# ... unless it ends as an English plural or participle: a word too new for the lists (Megafires,
# Vaccinologists, Ultraprocessed) is made that way, a foreign name rarely is.
_NEW_WORD_ENDINGS = ("s", "ed")


# The prefixes English makes new words with; a longer first part is any word of the language.
_PREFIXES_EN = frozenset("un re co de in im ir il ex bi up".split())
# Both parts of a compound are words at least this frequent (Zipf, wordfreq's English).
COMPOUND_PART_ZIPF = 3.5
# A word longer than this is read as no compound (and is not split: splitting costs the square of its length).
COMPOUND_LONGEST = 24


@lru_cache(maxsize=50_000)
def _compound(word: str) -> bool:
    """Whether a lower-case word English does not list is made of two it does, as new words are
    (Unmodern, Icefall, Rainband): a prefix or a word, then a word of four letters or more (not Saipov,
    sai and pov)."""
    from wordfreq import zipf_frequency

    if len(word) > COMPOUND_LONGEST:
        return False
    return any((word[:k] in _PREFIXES_EN if k == 2 else zipf_frequency(word[:k], "en") >= COMPOUND_PART_ZIPF)
               and zipf_frequency(word[k:], "en") >= COMPOUND_PART_ZIPF for k in range(2, len(word) - 3))


def _named_at_start(english: str, end: int, word: str) -> bool:
    """Whether the word ending at ``end``, which starts a sentence, is read as a name there: a word English
    does not know, or one a possessive or an apposition follows (an adverb before a comma is none:
    Geopolitically, the move ...)."""
    from wordfreq import zipf_frequency

    if (word.isalpha() and not word.lower().endswith(_NEW_WORD_ENDINGS)
            and zipf_frequency(word.lower(), "en", wordlist="large") < START_UNKNOWN_ZIPF
            and not _compound(word.lower())):
        return True
    if not _NAMED_AT_START_RE.match(english, end) or _SAID_RE.match(english, end):
        return False
    if word.lower().endswith("ly") and english.startswith(",", end):
        return False

    return bool(word_rows(word)) or zipf_frequency(word.lower(), "en", wordlist="small") < START_COMMON_ZIPF


def english_names(english: str) -> list[EnglishName]:
    """The proper names of an English text: runs of capitalised words (particles inside a run kept),
    each with the words that make it a name. A word at a sentence start may match, but is never flagged."""
    english = fold_latin(english)
    matches = list(_ENGLISH_TOKEN_RE.finditer(english))[:MAX_WORDS]
    if _is_heading(english, [m.group() for m in matches]):
        return []
    runs: list[tuple[list[tuple[str, bool]], bool, bool]] = []  # (words, after "the", listed after the last)
    run: list[tuple[str, bool]] = []  # (word, at a sentence start)
    previous_end, previous, after_the, listed = -1, "", False, False
    between: str | None = ""  # what stands between the last run and the word read (None: too long for a separator)
    for m in matches:
        word = _base(m.group())
        gap = english[previous_end:m.start()] if previous_end >= 0 else "."
        starts = (bool(_START_RE.search(gap)) and not _abbreviated(previous, gap)
                  and not _named_at_start(english, m.start() + len(word), word))
        previous_end = m.end()
        joins = not starts and gap.strip(" -'’") == "" and (word[0].isupper() or (run and word in _PARTICLES))
        if run and not joins:
            runs.append((run, after_the, listed))
            run, between = [], ""
        if word[0].isupper() or (run and word in _PARTICLES):
            if not run:
                after_the = previous.lower() == "the" and not starts
                listed = bool(runs) and between is not None and _LIST_GAP_RE.fullmatch(between + gap) is not None
            run.append((word, starts))
        else:
            # a separator is short: what is longer is no separator, and is not kept
            between = None if between is None or len(between) + len(gap) + len(word) > _LIST_GAP_LONGEST \
                else between + gap + word
        previous = word
    if run:
        runs.append((run, after_the, listed))
    in_list = _title_case_lists([r for r, _, _ in runs], [listed for _, _, listed in runs])
    return [name for name in (_name(r, t, listing) for (r, t, _), listing in zip(runs, in_list, strict=True))
            if name.words]


# What separates the items of a list: a comma, "and", "or", "&".
_LIST_GAP_RE = re.compile(r"\s*(?:,\s*(?:(?:and|or|&)\s+)?|\s(?:and|or|&)\s+)")
_LIST_GAP_LONGEST = 12  # characters: a longer stretch between two runs is prose, no separator
# A list of at least this many capitalised items, two thirds of them with a common English word, is in
# title case.
TITLE_LIST_ITEMS = 4
# ... in which a word at least this frequent in English (Zipf) is read as a word.
LIST_WORD_ZIPF = 3.5


def _english_word(word: str) -> bool:
    """A word English uses often enough (Zipf at least :data:`LIST_WORD_ZIPF`) that its capital may be
    a heading's: Soundtrack, Fashion; not Lealofi, Carney."""
    from wordfreq import zipf_frequency

    return not word_rows(word) and (common_english(word.lower())
                                    or zipf_frequency(word.lower(), "en") >= LIST_WORD_ZIPF)


def _titled(word: str) -> bool:
    """A title or a particle, which stands before a name (President, bin)."""
    return word.lower() in _NOT_NAMES or word.lower() in _PARTICLES


def _title_case_lists(runs: Sequence[list[tuple[str, bool]]], listed: Sequence[bool]) -> list[bool]:
    """Which runs are items of a list written in title case (Best Picture, Director, Cinematography,
    Costume Design, Soundtrack and Original Screenplay: four items or more, two thirds of those without a
    title or a particle with a common English word), whose capitals say no more than a heading's. An item of English words there
    names no one (Soundtrack, which other languages borrow, so that it reads as a name elsewhere); one
    with a word English hardly uses is still a name (Ann Lealofi among Bill Gates, Mark Carney and Tom
    Price), and so is one with a title or a particle (President Joe Biden, Mohammed bin Salman), which
    counts for nothing either way. A list of names has few common English words (Goethe, Fichte and
    Schlegel; France, Italy and Spain)."""
    out = [False] * len(runs)
    start = 0
    for end in range(1, len(runs) + 1):
        if end < len(runs) and listed[end]:
            continue
        items = runs[start:end]
        titled = [any(_titled(w) for w, _ in run) for run in items]
        untitled = [run for run, has_title in zip(items, titled, strict=True) if not has_title]
        common = sum(1 for run in untitled if any(common_english(w.lower()) and not word_rows(w) for w, _ in run))
        if len(items) >= TITLE_LIST_ITEMS and untitled and common * 3 >= 2 * len(untitled):
            out[start:end] = [not has_title and all(_english_word(w) for w, _ in run)
                              for run, has_title in zip(items, titled, strict=True)]
        start = end
    return out


def _name(run: list[tuple[str, bool]], after_the: bool, in_title_case_list: bool = False) -> EnglishName:
    """A run of capitalised words as a name. A run that names a thing or a group (:func:`_names_a_thing`:
    the Allies, the Great Pyramid) may match an Arabic word, but is never flagged; one word after "the"
    that is no plural (the Kremlin, the Chelsea striker) is read as any other (a common English word
    among them, the Treasury, stays unflagged as everywhere)."""
    while run and run[-1][0] in _PARTICLES:
        run = run[:-1]
    if run and run[0][0].lower() == "the":
        run, after_the = run[1:], True
    named = [w for w, start in run if not start and not _weak(w) and w.lower() not in _MONTHS]
    thing = in_title_case_list or _names_a_thing([w for w, _ in run], after_the)
    strong = tuple(
        w for w, start in run if word_rows(w) or (not thing and not _weak(w) and w.lower() not in _PARTICLES
                                                  and not start
                                                  and (w.lower() not in _MONTHS or named)))
    usable = tuple(w for w, _ in run if word_rows(w) or (w.lower() not in _NOT_NAMES and w.lower() not in _PARTICLES
                                                          and len(w) > 1))
    at_start = () if thing else _at_start(run)
    return EnglishName(" ".join(w for w, _ in run), strong, usable, at_start)


def _at_start(run: list[tuple[str, bool]]) -> tuple[str, ...]:
    """The words of a run that start a sentence and would read as a name elsewhere (:func:`_name_like`)."""
    return tuple(w for w, start in run if start and not _weak(w) and w.lower() not in _PARTICLES
                 and w.lower() not in _MONTHS and _name_like(w.lower()))


# A word ending in -s is a plural when a singular of it is about as frequent in English as it is (Zipf,
# wordfreq, at most this much below): Rangers and ranger, Springboks, the Beatles and the Lakers (1.3 and
# 1.1 below), but not Massachusetts (massachusett 3.1 below) or Athens (2.3), names that merely end in -s.
SINGULAR_BELOW = 1.5


@lru_cache(maxsize=50_000)
def _plural(word: str) -> bool:
    """Whether a capitalised word reads as a plural (the Allies, the Democrats): an -s that no singular
    name ends in as often (Erectus, Paris, Texas, Carlos), after a singular that English uses about as often
    as the word (Massachusetts and Athens are names)."""
    from wordfreq import zipf_frequency

    lower = word.lower()
    if not lower.endswith("s") or lower.endswith(("ss", "us", "is", "as", "os")):
        return False
    singulars = {lower[:-1]} | ({lower[:-2]} if lower.endswith("es") else set()) | (
        {lower[:-3] + "y"} if lower.endswith("ies") else set())
    floor = zipf_frequency(lower, "en", wordlist="large") - SINGULAR_BELOW
    return any(zipf_frequency(s, "en", wordlist="large") >= floor for s in singulars)


def _names_a_thing(words: list[str], after_the: bool) -> bool:
    """Whether a run names a thing or a group (never flagged): a plural or several words after "the"
    (one word that is no plural is a name used as a place or an adjective), a word of :data:`_GENERIC`, or,
    in a run of several words, a common English word (Costume Design, Traffic Flow: Arabic translates
    it; a title, President or Yesterday, says nothing of the rest of the run)."""
    if after_the and not (len(words) == 1 and not _plural(words[0])):
        return True
    return any(w.lower() in _GENERIC or w.lower().rstrip("s") in _GENERIC
               or (len(words) > 1 and w.lower() not in _NOT_NAMES and common_english(w.lower()) and not word_rows(w))
               for w in words)


# ---------------------------------------------------------------- the Arabic side


@dataclass
class ArabicSide:
    """One Arabic text read once: its normalised Arabic words, their skeleton index (words and pairs of
    words), the Latin words it carries and the :data:`EXONYMS` rows it names."""

    tokens: list[str]
    common: list[bool]
    index: SkeletonIndex  # each word's skeletons
    latin: set[str]
    rows: dict[int, str]
    glued: GluedIndex
    glued_min: int  # the fewest classes a skeleton looked up in words run together has
    raw: tuple[str, ...] = ()  # the words as written (word lists know أفريقيا, not افريقيا)
    pairs: SkeletonIndex = field(default_factory=SkeletonIndex)  # two neighbours run together (بيونغ يانغ)

    @classmethod
    def read(cls, arabic: str) -> ArabicSide:
        all_tokens = words(arabic)[:MAX_WORDS]
        latin = {t.lower() for t in words(_LATIN_ACCENTED_RE.sub(lambda m: fold_latin(m.group()), arabic))
                 if t.isascii()}
        raw = [t for t in all_tokens if not t.isascii()]
        tokens = [normalize_arabic(t) for t in raw]
        index, pairs, glued = SkeletonIndex(), SkeletonIndex(), GluedIndex()
        skeleton_sets = [arabic_skeletons(t) if len(t) <= GLUED else frozenset() for t in tokens]
        spaceless = _spaceless(tokens)  # then any word may be words run together
        # else a long word may be two run together (فريقهارتس), looked up for longer skeletons only
        shortest = GLUED_PART if spaceless else GLUED_LONE
        for token in set(tokens):
            if len(token) >= shortest and len(glued.pieces) < GLUED_PIECES:
                glued.add(arabic_skeleton(token[:GLUED_LETTERS]))
        # each skeleton, and each of two neighbours run together, indexed once (a repeated word costs nothing)
        words_at = {s: i for i in reversed(range(len(tokens))) for s in skeleton_sets[i]}
        # and the first that is no function word: أن must not hide a later أوين from Owen (see _sounds)
        words_at_too = {s: i for i in reversed(range(len(tokens))) if not _function_word(tokens[i])
                        for s in skeleton_sets[i]}
        # the ة of a first word is a t before the second (هبة الله Hibatullah, رحمة الله Rahmatullah)
        pairs_at = {first + tied + second: i for i in reversed(range(len(tokens) - 1))
                    for first in skeleton_sets[i] for second in skeleton_sets[i + 1]
                    for tied in ({"", "T"} if raw[i].endswith("ة") else {""})}
        for skeleton, at in [*words_at.items(), *words_at_too.items()]:
            index.add(skeleton, at)
        for skeleton, at in pairs_at.items():
            pairs.add(skeleton, at)
        rows = _arabic_rows(tokens)
        rows.update(_glued_rows([t for t in tokens if spaceless and len(t) >= GLUED_PART], rows))
        return cls(tokens, [common_arabic(t) for t in raw], index, latin, rows, glued,
                   PIECE_MIN if spaceless else GLUED_LONE_CLASSES, tuple(raw), pairs)

    def find(self, skeleton: str, *, allowed: int | None = None) -> set[int]:
        """Where a word, or two neighbours run together, match ``skeleton`` (within ``allowed`` deletions;
        ``None``: the budget of its length)."""
        return self.index.find(skeleton, allowed=allowed) | self.pairs.find(skeleton, allowed=allowed)

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Each word and each of its forms without a clitic (:func:`_clitic_forms`) to where it stands."""
        out: dict[str, list[int]] = {}
        for i in range(len(self.tokens)):
            for form in self.forms_at(i):
                out.setdefault(form, []).append(i)
        return out

    @cached_property
    def soft_word(self) -> bool:
        """Whether the text has a word of vowels, h, w and y only that reads as a foreign name (هاواي، آيوا،
        أوهايو): what renders a name of those only (Hawaii, Iowa, Ohio), whose h, w and y a writer adds or
        drops as vowels. An Arabic word of such letters is no name when it has ع, a hamza off the alif or a
        ta marbuta (هواء، إيواء، وعي، هوية), or is a noun that takes the article (الهواء)."""
        from wordfreq import zipf_frequency

        stop = _stopwords()
        return any(len(t) >= 3 and not self.common[i] and t not in stop and not _ARABIC_WORD_MARKS.intersection(raw)
                   and not any(s.translate(SOFT_CLASSES) for s in arabic_skeletons(t))
                   and zipf_frequency("ال" + raw, "ar", wordlist="large") < ARTICLE_NOUN_ZIPF
                   for i, (t, raw) in enumerate(zip(self.tokens, self.raw, strict=True)))

    @cached_property
    def known_at(self) -> dict[int, set[int]]:
        """Where the words of the known names (:data:`EXONYMS`) it gives stand (الهندي, المحيط الهندي), each
        with the rows it stands for."""
        out: dict[int, set[int]] = {}
        for row, form in self.rows.items():
            for i in self.spelt_at(form):
                out.setdefault(i, set()).add(row)
        return out

    def spelt_at(self, form: str) -> set[int]:
        """Where the words of a known name's Arabic ``form`` stand, each with or without a clitic."""
        parts = [_bare(w) for w in form.split()]
        return {i + j for i in self.positions.get(parts[0], [])
                if all(w in self.forms_at(i + j) for j, w in enumerate(parts)) for j in range(len(parts))}

    def forms_at(self, i: int) -> frozenset[str]:
        """The word at ``i`` and its forms without a clitic; none past the end."""
        return _clitic_forms(self.tokens[i]) if i < len(self.tokens) else frozenset()

    def renders(self, word: str) -> bool:
        """Whether an Arabic word or pair of words (or a piece of words run together) sounds like the
        English ``word``. Two neighbours run together render a name only by their very sound (بيونغ يانغ
        Pyongyang, عبد الله Abdullah): within a deletion, some pair of a sentence's words matches a long
        name by chance (أكثر من and Tweezerman)."""
        if word.lower() in self.latin:
            return True
        skeletons = english_word_skeletons(word)
        if skeletons and self.soft_word and not any(s.translate(SOFT_CLASSES) for s in skeletons):
            return True
        rows = word_rows(word)
        return any(self._sounds(s, rows) or any(self._near(i, s, rows) for i in self.index.find(s))
                   or self._glued_holds(s) for s in skeletons)

    def _sounds(self, skeleton: str, rows: frozenset[int] = frozenset()) -> bool:
        """Whether a word, or two neighbours run together, has the sound ``skeleton`` with no deletion but
        of h, w and y. A function word (أن، وإن) has it only with its h, w and y too, as written: a writer
        adds or drops them in a name (Sarah سارة, Owen أوين), but every sentence has function words, and
        one of one or two consonants is some name less those by chance (Wayne, Noah and أن, Owen and إن,
        Yahya and فيها), while a name written as a function word keeps them (Hale هل, Lee لي and ولي, Vann
        فان, Fleiss فليس: a clitic on a function word is read both ways). A known name's word does not sound
        like another country's (Niger is not نيجيريا), though it may like a city's (Amman عمان, Oman's name)."""
        if self.pairs.find(skeleton, allowed=0):
            return True
        for i in self.index.find(skeleton, allowed=0):
            token = self.tokens[i]
            if _other_country(rows, self.known_at.get(i, set())):
                continue
            if not _function_word(token) or skeleton in {arabic_skeleton(token), arabic_skeleton(token[1:])
                                                         if token not in _stopwords() else ""}:
                return True
        return False

    def _near(self, i: int, skeleton: str, rows: frozenset[int] = frozenset()) -> bool:
        """Whether the word at ``i`` (or the pair it starts), whose skeleton is within a deletion of
        ``skeleton``, may render the name. A function word (في، بين، على، وأن) renders a name only by its
        very sound (Bean بين): Glen is not كان. Nor does a common word render a name of three classes or
        fewer within a deletion: among the words of a sentence some common one is that close by chance
        (Uppsala ``BSL`` and السلاح, Jean and كنا), while a name written as a common word is written
        exactly (روما Rome, كيم Kim). A word of a known name renders within a deletion only an English word
        of the same name (``rows``): الهندي is India's adjective, not Kennedy."""
        return (not _function_word(self.tokens[i]) and (i not in self.known_at or bool(rows & self.known_at[i]))
                and (len(skeleton) > SHORT_SKELETON or not self.common[i]))

    def _glued_holds(self, skeleton: str) -> bool:
        """Whether words run together hold the skeleton, or (five classes or more) the skeleton less
        one class: Washington ``WXNKTN`` in واشنطن ``WXNTN``."""
        if not self.glued.pieces or len(skeleton) < self.glued_min:
            return False
        if self.glued.holds(skeleton):
            return True
        return len(skeleton) >= 5 and any(self.glued.holds(key) for key, _ in keys(skeleton) if len(key) >= 4)


def _other_country(english_rows: frozenset[int], arabic_rows: set[int]) -> bool:
    """Whether an English word and an Arabic one name countries of the CLDR's list, and not the same one:
    two countries are never one word (Niger, نيجيريا), while a table's row may share a country's Arabic
    (Amman, the capital of Jordan's row, and عمان, Oman)."""
    return bool(english_rows and arabic_rows and not english_rows & arabic_rows
                and all(EXONYMS[r].country for r in english_rows | arabic_rows))


def _function_word(token: str) -> bool:
    """Whether a normalised Arabic word is a function word, or one with و or ف before it (وأن، فإن)."""
    stop = _stopwords()
    return token in stop or (token[:1] in "وف" and token[1:] in stop)


def _spaceless(tokens: Sequence[str]) -> bool:
    """Whether an Arabic text lost its spaces: two words too long for one word, or one far too long (a
    single long foreign name, بالاسوبرامانيان, is one word)."""
    long = [t for t in tokens if len(t) > GLUED]
    return len(long) >= 2 or any(len(t) > GLUED + 5 for t in long)


# Letters a name spelt from another language rarely has and an Arabic word of vowels, h, w and y often
# does (هواء، إيواء، وعي، هوية); and the frequency (Zipf) from which a word with the article is a noun (الهواء).
_ARABIC_WORD_MARKS = frozenset("عءئؤة")
ARTICLE_NOUN_ZIPF = 3.0

# An Arabic word at least this frequent (Zipf, wordfreq) is a common word (يشير، عقب، منطقة), not a name
# after a title: fitted on half the human-translated sentences.
ARABIC_COMMON_ZIPF = 4.5
# An English name of at most this many skeleton classes matches a common Arabic word only exactly.
SHORT_SKELETON = 3


@lru_cache(maxsize=50_000)
def common_arabic(word: str) -> bool:
    """Whether an Arabic word (as written) is a common word of the language."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "ar", wordlist="small") >= ARABIC_COMMON_ZIPF


def _glued_rows(glued: Sequence[str], found: dict[int, str]) -> dict[int, str]:
    """The rows of :data:`EXONYMS` named inside words run together (:data:`GLUED_KNOWN`)."""
    if not glued:
        return {}
    text = " ".join(glued)
    return {row: form for row, exonym in enumerate(EXONYMS) if row not in found
            for form in exonym.arabic[:1]
            if len(form) >= (GLUED_COUNTRY if exonym.country else GLUED_KNOWN) and form.replace(" ", "") in text}


@lru_cache(maxsize=50_000)
def _clitic_forms(token: str) -> frozenset[str]:
    """A word without its article or a clitic, and an adjective without the alif of its indefinite
    accusative (وفدا مصريا: مصري)."""
    forms = arabic_forms(token, nisba=False)
    return frozenset(forms | {f[:-1] for f in forms if f.endswith("يا") and len(f) >= 5})


def _arabic_rows(tokens: Sequence[str]) -> dict[int, str]:
    """The rows of :data:`EXONYMS` that the Arabic words name, each with the form they use."""
    forms = [_clitic_forms(t) for t in tokens]
    singles = {f for group in forms for f in group}
    pairs = {f"{a} {b}" for i in range(len(forms) - 1) for a in forms[i] for b in forms[i + 1]}
    triples = {f"{p} {c}" for i in range(len(forms) - 2) for p in
               {f"{a} {b}" for a in forms[i] for b in forms[i + 1]} for c in forms[i + 2]}
    out = {}
    for row, exonym in enumerate(EXONYMS):
        for form in exonym.arabic:
            if form in singles or form in pairs or form in triples:
                out[row] = form
                break
    # a country inside a longer name the text gives is part of that name (غينيا in بابوا غينيا الجديدة);
    # the table's own names stay (كوريا in كوريا الشمالية: an English Korean renders it)
    longer = {form for form in out.values() if " " in form}
    return {row: form for row, form in out.items()
            if not (EXONYMS[row].country and any(form != other and f" {form} " in f" {other} " for other in longer))}


# ---------------------------------------------------------------- the comparison


def _supported(name: EnglishName, side: ArabicSide) -> bool:
    """Whether some word of ``name`` (or the run read as one word) has an Arabic counterpart."""
    if word_rows(name.text) & set(side.rows):
        return True
    for word in name.words:
        if word_rows(word) & set(side.rows) or side.renders(word):
            return True
    # the run read as one word, with its common words too: New York is نيويورك, Los Angeles لوس أنجلوس
    joined = {"".join(name.words), "".join(name.text.split())} if len(name.text.split()) > 1 else set()
    return any(len(word) > 1 and side.renders(word) for word in joined)


def unsupported_names(english: str, names: Sequence[EnglishName], side: ArabicSide) -> list[EnglishName]:
    """The English names (``names``: :func:`english_names` of ``english``) none of whose words has an
    Arabic counterpart. A known name of several words that the Arabic gives supports each of its words,
    however the English run is cut (Cote in Cote d'Ivoire, whose d'Ivoire starts no run)."""
    unique = {(name.text, name.strong, name.words): name for name in names if name.strong}
    unique = dict(list(unique.items())[:MAX_NAMES])
    known = {word for row in english_rows(english) if row in side.rows
             for form in (*EXONYMS[row].english, *EXONYMS[row].acronyms) for word in form.lower().split()}
    return [name for name in unique.values()
            if not _supported(name, side) and not all(w.lower() in known for w in name.words)]


# An Arabic word rarer than this (Zipf; wordfreq's small list starts here) that no English word renders
# is a sign of a name the English does not give.
RARE_ARABIC_ZIPF = 3.0


def unsupported_at_start(names: Sequence[EnglishName], side: ArabicSide, english_side: EnglishSide) -> list[EnglishName]:
    """The names at a sentence start (:attr:`EnglishName.at_start`) that no Arabic word renders, when
    the Arabic has a rare word that no English word renders: a capital there says nothing, so it takes a
    name on each side that the other lacks (Dunlap will pay a visit..., where the Arabic says مارتيلي) to
    read the word as a name put in for another."""
    candidates = [name for name in names[:MAX_NAMES] if not name.strong and name.at_start]
    if not candidates:
        return []
    stop = _stopwords()
    if not any(len(token) >= 3 and token not in stop and _zipf_arabic(raw) < RARE_ARABIC_ZIPF
               and not inflected(raw) and not _after_clitic(raw) and not english_side.renders(token)
               for token, raw in zip(side.tokens, side.raw, strict=True)):
        return []
    return [name for name in candidates
            if not any(side.renders(w) or word_rows(w) & set(side.rows) for w in name.at_start)]


def arabic_name_words(side: ArabicSide) -> list[int]:
    """Indexes of the Arabic words that the text marks as names: the words after a title (past up to
    :data:`_TITLE_REACH` words with the article, but not a relative pronoun: وزير الأعمال التي سيتركها) or
    after a foreign particle (as written: فإن, "indeed", is not فان, "van"), up to :data:`_NAME_WORDS`."""
    tokens = side.tokens
    stop = _stopwords()
    out: list[int] = []
    for i, token in enumerate(tokens):
        base = token[1:] if token[:1] in "وف" and token[1:] in _TITLES else token
        j = i + 1
        while (base in _TITLES and j < len(tokens) and j - i <= _TITLE_REACH and tokens[j].startswith("ال")
               and tokens[j] not in stop):
            j += 1
        particle = base in _FOREIGN_PARTICLES and "إ" not in (side.raw[i] if i < len(side.raw) else "")
        if particle or base in _DEFINITE_TITLES or (base in _CONSTRUCT_TITLES and j > i + 1):
            out.extend(_name_after(side, j, stop))
    return sorted(set(out))


# What is left of a word after a one-letter clitic is a word of the language (Zipf, wordfreq) when at
# least this frequent: وطلب is و + طلب, while بشار, فلاديمير, كامالا are names.
CLITIC_REST_ZIPF = 3.0


def _after_clitic(raw: str) -> bool:
    """Whether an Arabic word (as written) is a clitic on a word of the language rather than a name that
    starts with the same letter: the article (الرئيس، للسياحة), a clitic on a frequent or inflected word
    (وطلب، ومنافسته، ولإهانته), not بشار or فلاديمير."""
    word = normalize_arabic(raw, alef=False, ya=False, ta_marbuta=False)  # as written, less marks and tatweel
    if word.startswith(("ال", "لل")):
        return True
    for _ in range(2):
        if word[:1] not in "وفبلك" or len(word) < 4:
            return False
        word = word[1:]
        if word.startswith("ال") or _zipf_arabic(word) >= CLITIC_REST_ZIPF or inflected(word):
            return True
    return False


def _name_after(side: ArabicSide, j: int, stop: frozenset[str]) -> list[int]:
    tokens, common = side.tokens, side.common
    out = []
    for k in range(j, min(j + _NAME_WORDS, len(tokens))):
        word = tokens[k]
        if (_after_clitic(side.raw[k] if k < len(side.raw) else word) or word in stop or len(word) < 3
                or word in _TITLES
                or word in _LETTER_NAMES or (k < len(common) and common[k])
                or (k < len(side.raw) and inflected(side.raw[k]))):
            break
        out.append(k)
    return out


# A form of an Arabic word (Zipf, wordfreq) at least this frequent is a word of the language: the
# word whose shape says it is inflected from it is that word, not a name.
INFLECTED_ZIPF = 3.5
_TANWEEN = frozenset("\u064b\u064c\u064d")  # ً ٌ ٍ: a noun's case ending, which a name does not take
_PRONOUNS_AR = ("هما", "هم", "ها", "ه")
_IMPERFECT = {"ي": "ت", "ت": "ي"}
# The past of derived verbs: istaf'ala (استقبل), ifta'ala (اجتمع، انتقد; اتخذ، اطلع) and infa'ala (انسحب).
_DERIVED_PAST = re.compile(r"است...|ا.ت..|ان...|ا[تط]..")


def inflected(raw: str) -> bool:
    """Whether an Arabic word (as written) is a verb or an inflected common word rather than a name, by
    its shape and the frequency of what it is inflected from: a case ending (اتصالاً، حظا: حظ), a
    pronoun ending (نظيره: نظير، ثقته: ثقة), the future (سيتلقى: يتلقى), the present of a verb whose
    other person is a word too (يستقبل and تستقبل; not يحيى, for تحيى is rare), the past of a feminine
    subject (تعودت: تعود), the past of a derived verb that is a word itself (استقبل، اجتمع، انتقد: forms
    X, VIII and VII, whose shapes names seldom take). What the title before it seems to announce
    (الرئيس يستقبل...) is then the sentence going on."""
    if _TANWEEN & set(raw):
        return True
    word = normalize_arabic(raw, alef=False, ya=False, ta_marbuta=False)  # as written, less marks and tatweel

    def known(form: str, zipf: float = INFLECTED_ZIPF) -> bool:
        return len(form) >= 2 and _zipf_arabic(form) >= zipf

    if word.endswith("ا") and known(word[:-1]):
        return True
    for pronoun in _PRONOUNS_AR:
        if word.endswith(pronoun) and len(word) - len(pronoun) >= 2:
            stem = word[: -len(pronoun)]
            if known(stem) or (stem.endswith("ت") and known(stem[:-1] + "ة")):
                return True
            break
    if word.startswith("س") and known(word[1:], 3.0):
        return True
    if word[:1] in _IMPERFECT and known(word) and known(_IMPERFECT[word[0]] + word[1:], 3.0):
        return True
    if _DERIVED_PAST.fullmatch(normalize_arabic(word)) and known(word, 3.0):
        return True
    return word.endswith("ت") and known(word[:-1], 4.0)


# What a translation may write for a person the Arabic names again (وأقر سايبوف ... "He has pleaded").
_PERSONAL_PRONOUNS = frozenset("he him his she her hers".split())
_PERSONAL_PRONOUN_RE = re.compile(r"\b(?:" + "|".join(sorted(_PERSONAL_PRONOUNS)) + r")\b", re.IGNORECASE)


def has_pronoun(english: str) -> bool:
    """Whether an English text has a personal pronoun (he's too), which may stand for any name."""
    return _PERSONAL_PRONOUN_RE.search(english) is not None


@dataclass
class EnglishSide:
    """One English text read once: its words' skeleton index and the :data:`EXONYMS` rows it names;
    for the Arabic words that only look like names (:func:`foreign_name_words`), whether a personal
    pronoun may stand for a name, and (read when first asked) every word's and two neighbours' skeletons."""

    index: SkeletonIndex
    rows: set[int]
    tokens: tuple[str, ...] = ()
    pronoun: bool = False

    @classmethod
    def read(cls, english: str, *, limit: int = MAX_WORDS) -> EnglishSide:
        index = SkeletonIndex()
        tokens = tuple(_base(token) for token in _ENGLISH_TOKEN_RE.findall(english)[:limit])
        for n, token in enumerate(tokens):
            if token.lower() in _NOT_NAMES:  # Minister is not ميستورا
                continue
            for skeleton in english_word_skeletons(token):
                index.add(skeleton, n)
        pronoun = has_pronoun(english)
        return cls(index, english_rows(english), tokens, pronoun)

    @cached_property
    def every(self) -> SkeletonIndex:
        """Every word's skeletons (Minister and North too), and those of two neighbours run together: an
        Arabic word may be an English name of two words (كوازولوناتال KwaZulu-Natal)."""
        return _word_index(self.tokens, names_only=False)

    @cached_property
    def every_word(self) -> SkeletonIndex:
        """Every word's skeletons, and two neighbours run together only where the second is capitalised
        (San Francisco for سانفرانسيسكو): what a whole article's English is read by (every pair of
        neighbours would cost five times as much)."""
        return _word_index(self.tokens, names_only=True)

    def renders(self, arabic: str, *, allowed: int | None = None) -> bool:
        """Whether an English word sounds like the Arabic word(s) ``arabic`` (within ``allowed`` deletions;
        the usual budget for the skeleton's length unless given)."""
        return any(self.index.find(s, allowed=allowed) for part in arabic.split() for s in arabic_skeletons(part))


def missing_names(side: ArabicSide, english: EnglishSide) -> list[str]:
    """The Arabic names (normalised: :func:`as_written` gives the text's own words) that no English word
    renders."""
    # a form inside a name the English gives (بريطانيا in خروج بريطانيا, Brexit) is rendered with it; a
    # known name is rendered by its English forms, or else by a word of exactly its sound: within the
    # usual deletion "virus" renders فرنسا (FRS, FRNS) and "urges" العراق
    covered = {word for row in english.rows if row in side.rows for word in side.rows[row].split()}
    inside_optional = _inside_optional(side)
    out = [form for row, form in side.rows.items()
           if row not in english.rows and form not in covered and form in EXONYMS[row].names
           and not (side.positions.get(form) and set(side.positions[form]) <= inside_optional)
           and not english.renders(form, allowed=0)]
    # a name inside another one missing is said with it (كوريا in كوريا الجنوبية)
    out = [form for form in out if not any(form != other and f" {form} " in f" {other} " for other in out)]
    marked = arabic_name_words(side)
    rendered = {k for k in marked if english.renders(side.tokens[k])}
    for k in marked:
        # the word after a name the English gives is the sentence going on (الرئيس ترامب تحقيقا), not
        # the rest of the name: a translation drops a whole name, not its second word
        if side.tokens[k] not in out and k not in rendered and k - 1 not in rendered:
            out.append(side.tokens[k])
    # Arabic repeats a person's name where English says "he": a pronoun may be any name
    if not english.pronoun:
        for k in foreign_name_words(side, skip=marked):
            if side.tokens[k] not in out and not _rendered_anyhow(side, k, english.every) and not _beside_a_name(
                    side, k, english):
                out.append(side.tokens[k])
    return out


def _beside_a_name(side: ArabicSide, k: int, english: EnglishSide) -> bool:
    """Whether a neighbour of the word at ``k`` is a rare word the English renders: the two are one name,
    which English often shortens to one of its words (بايرن ميونخ Bayern, داو جونز the Dow)."""
    return any(0 <= j < len(side.tokens) and not side.common[j] and not _function_word(side.tokens[j])
               and english.renders(side.tokens[j]) for j in (k - 1, k + 1))


def _word_index(tokens: Sequence[str], *, names_only: bool) -> SkeletonIndex:
    """Each word's skeletons, and those of two neighbours run together (``names_only``: where the second
    is capitalised)."""
    index = SkeletonIndex()
    for n, token in enumerate(tokens):
        for skeleton in english_word_skeletons(token):
            index.add(skeleton, n)
    for n, (first, second) in enumerate(pairwise(tokens)):
        if not names_only or second[:1].isupper():
            for skeleton in english_word_skeletons(first + second.lower()):
                index.add(skeleton, n)
    return index


def _rendered_anyhow(side: ArabicSide, k: int, every: SkeletonIndex) -> bool:
    """Whether any English word of ``every`` (Minister and North too: نورث، سنترال; and two English words
    run together, where it holds them) renders the Arabic word at ``k``, alone or run together with a
    neighbour (بيونج يانج Pyongyang)."""
    tokens = side.tokens
    forms = [tokens[k]]
    if k > 0:
        forms.append(tokens[k - 1] + tokens[k])
    if k + 1 < len(tokens):
        forms.append(tokens[k] + tokens[k + 1])
    return any(every.find(s) for form in forms for s in arabic_skeletons(form))


# An Arabic word must have this many letters to be read as a name by its look alone: a shorter one
# is some name's look by chance.
FOREIGN_MIN_LETTERS = 4


def foreign_name_words(side: ArabicSide, skip: Collection[int] = ()) -> list[int]:
    """Indexes of the Arabic words that no title marks but whose letters have the look of a name spelt
    from another language (:mod:`.name_shape`: بيتسبرغ، سانتوروم), among the words that pass the guards of a
    name after a title (no article or clitic on a word of the language, not frequent, not inflected)
    and are no known name (the table's own rule holds those), nor a word with ع, a hamza off the alif
    or a ta marbuta (وئام، هدوئه: the language's own letters). None in a text without its spaces, where
    a word is often two run together. ``skip``: the indexes already read as names. Only the first
    :data:`MAX_NAMES` distinct words that pass the guards are read, as on the English side."""
    if _spaceless(side.tokens):
        return []
    stop = _stopwords()
    out: list[int] = []
    read: set[str] = set()
    for k, (word, raw) in enumerate(zip(side.tokens, side.raw, strict=True)):
        if (k not in skip and FOREIGN_MIN_LETTERS <= len(word) <= GLUED and word.isalpha() and not side.common[k]
                and k not in side.known_at and word not in stop and word not in _TITLES
                and word not in _LETTER_NAMES and not _ARABIC_WORD_MARKS & set(raw)
                and not _after_clitic(raw) and not inflected(raw)):
            if word not in read and len(read) >= MAX_NAMES:
                break
            read.add(word)
            if looks_foreign(word):
                out.append(k)
    return out


def _inside_optional(side: ArabicSide) -> set[int]:
    """Where the words of an optional known name stand (جوز الهند: coconut): a known name written there is
    part of it, while the same name elsewhere in the text is still a name (الهند تصدر جوز الهند)."""
    return {i for row, form in side.rows.items() if not EXONYMS[row].names for i in side.spelt_at(form)}


def as_written(side: ArabicSide, name: str) -> str:
    """A name found in the Arabic (normalised, perhaps a table's form without its article) as the text
    writes it: ألبانيا, بابوا غينيا الجديدة, not بانيا, بابوا غينيا الجديده."""
    parts = name.split()
    if len(side.raw) != len(side.tokens):
        return name
    for i in side.positions.get(parts[0], ()):
        if all(part in side.forms_at(i + k) for k, part in enumerate(parts[1:], 1)):
            return " ".join(side.raw[i:i + len(parts)])
    return name


# A reason names this many names at most; the finding's evidence holds them all.
LISTED = 10


def _listed(items: Sequence[str]) -> str:
    if len(items) > LISTED:
        return ", ".join(items[:LISTED]) + f" and {len(items) - LISTED:,} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _skeletons_of_arabic(names: Iterable[str]) -> dict[str, list[str]]:
    return {m: sorted({s for part in m.split() for s in arabic_skeletons(part)}) for m in names}


def compare_names(arabic: str, english: str) -> list[Finding]:
    """``name-unsupported`` and ``name-missing`` findings of one text pair (any length)."""
    arabic, english = clean_markup(arabic), fold_latin(clean_markup(english))
    if not arabic.strip() or not english.strip():
        return []
    side = ArabicSide.read(arabic)
    findings = []
    names, english_side = english_names(english), EnglishSide.read(english)
    unsupported = list(dict.fromkeys(n.text for n in unsupported_names(english, names, side)))
    unsupported += [n.text for n in unsupported_at_start(names, side, english_side) if n.text not in unsupported]
    if unsupported:
        findings.append(Finding(
            "name-unsupported", f"The English names {_listed(unsupported)}; the Arabic does not.",
            evidence={"names": unsupported,
                      "skeletons": {n: sorted({s for w in n.split() for s in english_word_skeletons(w)})
                                    for n in unsupported}}))
    missing = [as_written(side, name) for name in missing_names(side, english_side)]
    if missing:
        findings.append(Finding(
            "name-missing", f"The Arabic names {_listed(missing)}; the English does not.",
            evidence={"names": missing, "skeletons": _skeletons_of_arabic(missing)}))
    return findings


@register_check("names", looks_at=PAIR, codes={
    "name-unsupported": FindingCode("warning", "The output names a person or place that the source never mentions."),
    "name-missing": FindingCode("warning", "The source names a person or place that the output leaves out."),
})
def check_names(arabic: str, english: str) -> list[Finding]:
    """Names of one sentence pair: each English name has an Arabic counterpart, each marked Arabic
    name an English rendering."""
    return compare_names(arabic, english)


@register_check("names-summary-translation", looks_at=SUMMARY_TRANSLATION,
                reuses=("name-unsupported", "name-missing"))
def check_summary_names(arabic_summary: str, english_summary: str) -> list[Finding]:
    """Names of the English summary against the Arabic summary it translates."""
    return compare_names(arabic_summary, english_summary)


@register_check("names-summary", looks_at=SUMMARY, reuses=("name-unsupported",))
def check_summary_names_in_article(article_sentences: Sequence[str], summary: str, *,
                                   read_fraction: float | None = None) -> list[Finding]:
    """A name that the Arabic summary marks (a known name, or the words after a title) and that the
    article never mentions: by skeleton, so another spelling of the same name is no finding."""
    del read_fraction  # how much the summary model read does not change which names it may use
    summary = clean_markup(summary)
    article = clean_markup(" ".join(article_sentences))
    if not summary.strip() or not article.strip():
        return []
    ours, theirs = ArabicSide.read(summary), ArabicSide.read(article)
    new = [form for row, form in ours.rows.items() if row not in theirs.rows and not _in_article(form, theirs)]
    new += [ours.tokens[k] for k in arabic_name_words(ours)
            if ours.tokens[k] not in new and not _in_article(ours.tokens[k], theirs)]
    if not new:
        return []
    return [Finding("name-unsupported", f"The summary names {_listed(new)}; the article does not.",
                    evidence={"names": new, "skeletons": _skeletons_of_arabic(new)})]


def _in_article(arabic: str, article: ArabicSide) -> bool:
    return any(article.find(s) for part in arabic.split() for s in arabic_skeletons(part))


# ---------------------------------------------------------------- names learnt from the article

# An Arabic word that the article's English renders by a name somewhere (ترامب for Trump) is a name of
# the article: learnt when its skeleton has this many classes or more (a shorter one matches some
# English word by chance) and it is not a common Arabic word (Zipf, wordfreq, of the word as written;
# fitted on the even-numbered FLORES devtest sentences).
LEARNT_MIN_CLASSES = 3
LEARNT_COMMON_ZIPF = 5.0
# A match that teaches a name is stricter than one that clears a name: no deletion for a skeleton of up
# to this many classes (France FRNS is not فيروس FRS), one beyond.
LEARNT_EXACT_UP_TO = 4
# An English pronoun renders a name of several words (he for Donald Trump) in a sentence after the first.
_PRONOUNS = _PERSONAL_PRONOUNS | frozenset("they them their theirs".split())


@lru_cache(maxsize=50_000)
def _zipf_arabic(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "ar", wordlist="small")


def _raw_forms(word: str) -> set[str]:
    """An Arabic word as written, without its article and without a one-letter clitic: the forms a word
    list holds (it knows أفريقيا and كنيسة, not the normalised افريقيا and كنيسه)."""
    forms = {word}
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            forms.add(word[len(article):])
            break
    forms |= {f[1:] for f in forms if f[:1] in "وفبلك" and len(f) >= 4}
    return forms


def _learnable(token: str, raw: str) -> frozenset[str]:
    """The forms (clitics off) by which an Arabic word matched by an English name is learnt: none when
    the word is short in classes, common in Arabic, or an adjective (the article and a nisba ending:
    الأولمبية, which English may render by another word, Paralympics)."""
    forms = {f for f in _clitic_forms(token) if len(arabic_skeleton(f)) >= LEARNT_MIN_CLASSES}
    if (not forms or max(_zipf_arabic(f) for f in _raw_forms(raw)) >= LEARNT_COMMON_ZIPF
            or any(f.startswith("ال") and f.endswith(_NISBA_ENDINGS) for f in _clitic_forms(token))):
        return frozenset()
    return frozenset(forms)


def _learnt_allowed(skeleton: str) -> int:
    """Deletions a match that teaches a name may take (:data:`LEARNT_EXACT_UP_TO`)."""
    return 0 if len(skeleton) <= LEARNT_EXACT_UP_TO else 1


def _learnt_cost(english: Iterable[str], token: str) -> int:
    """The fewest deletions by which one of the English skeletons matches the Arabic word (one of its
    forms) within what a teaching match may take; 9 for no match (Johnson is جونسون, not كنيسة)."""
    index = SkeletonIndex()
    for skeleton in arabic_skeletons(token):
        index.add(skeleton, 0)
    return min((allowed for s in english for allowed in range(_learnt_allowed(s) + 1)
                if index.find(s, allowed=allowed)), default=9)


def learn_names(sides: Sequence[ArabicSide], englishes: Sequence[str]) -> dict[str, frozenset[str]]:
    """The names an article teaches: each form of an Arabic word that an English name of the same pair
    renders by skeleton, with the words of that English name (lower case)."""
    learnt: dict[str, set[str]] = {}
    for side, english in zip(sides, englishes, strict=True):
        for name in english_names(english):
            group = {w.lower() for w in name.words}
            for word in name.words:
                if word_rows(word) or common_english(word.lower()):
                    continue  # a known name is held by the table; a common word (Liberal) is translated
                skeletons = [s for s in english_word_skeletons(word) if len(s) >= LEARNT_MIN_CLASSES]
                costs = {k: _learnt_cost(skeletons, side.tokens[k])
                         for k in {k for s in skeletons for k in side.find(s, allowed=_learnt_allowed(s))}}
                best = min(costs.values(), default=9)
                for k, cost in costs.items():
                    if cost != best or cost == 9:
                        continue  # another word matched better, or the pair of words at k matched, not the word
                    token = side.tokens[k]
                    raw = side.raw[k] if k < len(side.raw) else token
                    for form in _learnable(token, raw):
                        learnt.setdefault(form, set()).update(group)
    return {form: frozenset(group) for form, group in learnt.items()}


def learnt_missing(side: ArabicSide, english: str, learnt: dict[str, frozenset[str]]) -> list[str]:
    """The Arabic words of one pair that are names the article taught and that its English does not
    render (by skeleton, by another word of the same English name, or, for a name of several words, by
    a pronoun)."""
    if not learnt:
        return []
    english_side = EnglishSide.read(english)
    english_words = {w.lower() for w in _ENGLISH_TOKEN_RE.findall(english)[:MAX_WORDS]}
    out: list[str] = []
    tokens = side.tokens
    for i, token in enumerate(tokens):
        groups = [learnt[f] for f in _clitic_forms(token) if f in learnt]
        if not groups or token in out or english_side.renders(token):
            continue
        # a name written in two words (بيونج يانج) that the English writes as one (Pyongyang)
        joined = [tokens[j] + tokens[j + 1] for j in (i - 1, i) if j >= 0 and j + 1 < len(tokens)]
        if any(english_side.index.find(s) for w in joined for s in arabic_skeletons(w)):
            continue
        group = frozenset().union(*groups)
        if group & english_words or (len(group) > 1 and _PRONOUNS & english_words):
            continue
        out.append(token)
    return out


def check_article_names(pairs: Sequence[tuple[str, str]]) -> list[list[Finding]]:
    """:func:`check_names` on each sentence pair of one article, and ``name-missing`` for the names the
    article teaches (:func:`article_names`). Findings numbered by pair."""
    found = article_names(pairs, [compare_names(clean_markup(a), fold_latin(clean_markup(e))) for a, e in pairs])
    return [[f.at(i) for f in findings] for i, findings in enumerate(found)]


@register_check("article-names", looks_at=ARTICLE, reuses=("name-missing",))
def article_names(pairs: Sequence[tuple[str, str]], findings: Sequence[list[Finding]]) -> list[list[Finding]]:
    """An Arabic word that a name of one pair's English renders is a name wherever the article uses it
    (Arabic has no capitals: this is how most Arabic names are seen), so a pair whose English does not
    render it misses it: ``name-missing``, merged into the pair's own (``findings``)."""
    cleaned = [(clean_markup(a), fold_latin(clean_markup(e))) for a, e in pairs]
    sides = [ArabicSide.read(a) for a, _ in cleaned]
    learnt = learn_names(sides, [e for _, e in cleaned])
    whole = cache(lambda: EnglishSide.read(" ".join(e for _, e in cleaned), limit=ARTICLE_WORDS))  # when asked
    return [_with_missing(list(found), [as_written(side, w) for w in
                                        [*learnt_missing(side, english, learnt), *named_nowhere(side, english, whole)]])
            if arabic.strip() and english.strip()
            else list(found)
            for (arabic, english), side, found in zip(cleaned, sides, findings, strict=True)]


def named_nowhere(side: ArabicSide, english: str, whole: Callable[[], EnglishSide]) -> list[str]:
    """In a pair whose English has a personal pronoun (which turns the look of a name off for the pair,
    :func:`missing_names`), the Arabic words with the look of a name that no English sentence of the
    article renders: a pronoun stands for a name the translation gives somewhere, not for one it never
    gives. ``whole``: the article's English, read (once) when a pair needs it, by :attr:`EnglishSide.every_word`;
    the pair's own English is read as the pair check reads it (a very long article's whole may stop
    before it)."""
    if not has_pronoun(english):
        return []
    found = foreign_name_words(side, skip=arabic_name_words(side))
    if not found:
        return []
    own = EnglishSide.read(english)
    return list(dict.fromkeys(
        side.tokens[k] for k in found
        if not _rendered_anyhow(side, k, own.every) and not _beside_a_name(side, k, own)
        and not _rendered_anyhow(side, k, whole().every_word) and not _beside_a_name(side, k, whole())))


def _with_missing(findings: list[Finding], extra: Sequence[str]) -> list[Finding]:
    """``findings`` with the Arabic names ``extra`` added to their ``name-missing`` finding (made if none)."""
    held = next((f for f in findings if f.code == "name-missing"), None)
    names = list(held.evidence["names"]) if held else []
    held_names = {normalize_arabic(n) for n in names}
    new = [w for w in extra if normalize_arabic(w) not in held_names]
    if not new:
        return findings
    names += new
    missing = Finding("name-missing", f"The Arabic names {_listed(names)}; the English does not.",
                      evidence={"names": names, "skeletons": _skeletons_of_arabic(names)})
    return [f for f in findings if f.code != "name-missing"] + [missing]
