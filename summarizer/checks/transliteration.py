"""A transliteration skeleton: how a name sounds, written the same way from Arabic and from English.

Names cross between the two scripts by sound: لافروف is Lavrov, واشنطن Washington. Both sides are
reduced to their consonants, each mapped to a class that the other script writes for it (ق ك ج غ خ and
k, q, g, j, hard c are all ``K``; ف and f, v, ph are ``F``; ب and b, p are ``B``...), vowels and long
vowels dropped, the same class twice in a row written once. The Arabic word is read without its
article and clitics first (:func:`arabic_forms`), the English word without an adjective or plural ending
(:func:`english_forms`).

Two skeletons *match* when they are equal after at most a small number of single-class deletions on
either side (one for three or four classes, two from five on; none for one or two): a
substitution is one deletion on each side. :class:`SkeletonIndex` finds the matches of a skeleton by
looking up its deletion variants in a dictionary (the "symmetric delete" method), so matching a text
costs what the text costs, never the product of two long lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.arabic import normalize_arabic

# Arabic letters (after normalize_arabic: alefs folded, ى -> ي, ة -> ه) to their class; "" is dropped.
_ARABIC_CLASS = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "T", "ج": "K", "چ": "X", "ح": "H", "خ": "K",
    "د": "D", "ذ": "D", "ض": "D", "ظ": "D", "ر": "R", "ز": "S", "س": "S", "ص": "S", "ش": "X",
    "ع": "", "غ": "K", "ف": "F", "ڤ": "F", "ق": "K", "ك": "K", "گ": "K", "ل": "L", "م": "M", "ن": "N",
    "ه": "H", "ا": "", "ء": "", "ئ": "", "ؤ": "",
}
# English letter groups to their class, longest first.
_ENGLISH_GROUPS = (
    ("sch", "X"), ("tch", "X"), ("sh", "X"), ("ch", "X"), ("ph", "F"), ("th", "T"), ("kh", "K"), ("gh", "K"),
    ("dh", "D"), ("ck", "K"), ("qu", "K"), ("x", "KS"), ("q", "K"), ("k", "K"), ("g", "K"), ("j", "K"),
    ("z", "S"), ("s", "S"), ("v", "F"), ("f", "F"), ("p", "B"), ("b", "B"), ("t", "T"), ("d", "D"),
    ("l", "L"), ("m", "M"), ("n", "N"), ("r", "R"), ("h", "H"),
)
_ENGLISH_RE = re.compile("|".join(g for g, _ in _ENGLISH_GROUPS) + "|[aeiouy]|w|c|.")
_ENGLISH_CLASS = dict(_ENGLISH_GROUPS)
_VOWELS = frozenset("aeiouy")
# Letters English reads two ways: ch as in Michael, c as in Recep (Turkish), th as in Merriweather (ز),
# sh as in Welsh (ويلزي), p as in Singapore (سنغافورة), a silent gh as in Kavanaugh (كافانو) and one read
# f as in Bough (بوف), Pinyin's zh and q as in Guizhou (قويتشو) and Qinghai (تشينغهاي); "^" marks a
# reading at the start of a word only: a German st as in Steinem (شتاينم); -ssi- read sh as in Mission (ميشن).
_READINGS = (("ch", "k"), ("c", "j"), ("th", "z"), ("sh", "s"), ("p", "f"), ("gh", ""), ("gh", "f"),
             ("zh", "ch"), ("q", "ch"), ("^st", "sht"), ("ic$", "ich"), ("^x", "sh"), ("ssi", "shi"))
# Classes a writer adds or drops between the scripts (h, w, y as vowel carriers).
SOFT_CLASSES = str.maketrans("", "", "HWY")
# A skeleton longer than this is looked up whole only (no deletion variants): no name is that long.
MAX_FUZZY = 16

# The article and one-letter clitics an Arabic word may carry before a name, and the endings of a
# nisba adjective or a plural (روسي، الروسية، السوريون) that a name takes.
ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PREFIXES = ("و", "ف", "ب", "ل", "ك")
_NISBA = ("يون", "يين", "يه", "ي")
# English endings of adjectives and plurals made from names (Syrian, Iraqi, Lebanese, Britons).
_ENGLISH_ENDINGS = ("'s", "’s", "ians", "ian", "ans", "an", "ese", "ish", "is", "i", "s")


def arabic_skeleton(word: str) -> str:
    """The skeleton of one Arabic word as written (no clitic removed): ``لافروف`` -> ``LFRF``."""
    word = normalize_arabic(word).replace("تش", "چ")
    out = []
    for i, ch in enumerate(word):
        if ch == "و":
            out.append("W" if i == 0 else "")
        elif ch == "ي":
            out.append("Y" if i == 0 else "")
        elif ch == "ه" and i == len(word) - 1 and i > 0:
            out.append("")  # ta marbuta or a final -ah: a vowel
        else:
            out.append(_ARABIC_CLASS.get(ch, ""))
    return _collapse("".join(out))


def english_skeletons(word: str) -> set[str]:
    """The skeletons of one English word, read each way of :data:`_READINGS` too: ``ch`` both as in
    Charles (``X``) and as in Michael (``K``)."""
    low = word.lower()
    readings = {low}
    for written, read in _READINGS:
        if written.startswith("^"):
            readings |= {read + r[len(written) - 1:] for r in readings if r.startswith(written[1:])}
        elif written.endswith("$"):
            readings |= {r[:1 - len(written)] + read for r in readings if r.endswith(written[:-1])}
        else:
            readings |= {r.replace(written, read) for r in readings if written in r}
    return {s for s in map(english_skeleton, readings) if s}


def english_skeleton(word: str) -> str:
    """The skeleton of one English word: ``Lavrov`` -> ``LFRF``, ``Washington`` -> ``WXNKTN``."""
    word = word.lower()
    out = []
    pieces = _ENGLISH_RE.findall(word)
    for i, piece in enumerate(pieces):
        after = pieces[i + 1] if i + 1 < len(pieces) else ""
        if piece in _VOWELS:
            out.append("Y" if piece == "y" and i == 0 and after[:1] in _VOWELS else "")
        elif piece == "w":
            out.append("W" if after[:1] in _VOWELS else "")
        elif piece == "c":
            out.append("S" if after[:1] in ("e", "i", "y") else "K")
        else:
            out.append(_ENGLISH_CLASS.get(piece, ""))
    return _collapse("".join(out))


def _collapse(skeleton: str) -> str:
    """The same class twice in a row once: a doubled letter, or two letters of one class."""
    out = []
    for ch in skeleton:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def arabic_forms(word: str, *, nisba: bool = True) -> set[str]:
    """The normalised word and what it may be without its article, a clitic, or (with ``nisba``) a
    nisba ending."""
    word = normalize_arabic(word)
    forms = {word}
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            forms.add(word[len(article):])
            break
    for form in list(forms):
        if form[:1] in _PREFIXES and len(form) >= 4:
            forms.add(form[1:])
    for form in list(forms) if nisba else ():
        for ending in _NISBA:
            if form.endswith(ending) and len(form) - len(ending) >= 3:
                forms.add(form[: -len(ending)])
                break
    return forms


def english_forms(word: str) -> set[str]:
    """The word and what it may be without a possessive, an adjective ending or a plural."""
    low = word.lower()
    forms = {low}
    for ending in _ENGLISH_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            forms.add(low[: -len(ending)])
    return forms


def budget(length: int) -> int:
    """How many single-class deletions (both sides together) two skeletons of ``length`` may differ by."""
    return 0 if length <= 2 else 1 if length <= 4 else 2


def keys(skeleton: str) -> Iterator[tuple[str, int]]:
    """The lookup keys of a skeleton, each with the deletions it took: the skeleton, the skeleton
    without h/w/y (free: they are vowel carriers), and each one-deletion variant."""
    yield skeleton, 0
    soft = skeleton.translate(SOFT_CLASSES)
    if soft and soft != skeleton:
        yield soft, 0
    if 3 <= len(skeleton) <= MAX_FUZZY:
        for base in {skeleton, soft} - {""}:
            for i in range(len(base)):
                yield base[:i] + base[i + 1:], 1


@dataclass
class SkeletonIndex:
    """Skeletons of one side, each with the item it stands for, looked up by their deletion keys."""

    table: dict[str, dict[object, int]] = field(default_factory=dict)

    def add(self, skeleton: str, item: object) -> None:
        if not skeleton:
            return
        for key, cost in keys(skeleton):
            held = self.table.setdefault(key, {})
            if cost < held.get(item, 9):
                held[item] = cost

    def find(self, skeleton: str, *, allowed: int | None = None) -> set[object]:
        """The items whose skeleton matches ``skeleton`` (within :func:`budget` of its length)."""
        if not skeleton:
            return set()
        limit = budget(len(skeleton)) if allowed is None else allowed
        out: set[object] = set()
        for key, cost in keys(skeleton):
            if cost > limit:
                continue
            for item, other in self.table.get(key, {}).items():
                if cost + other <= limit and (cost + other == 0 or len(key) >= 2):
                    out.add(item)
        return out


@dataclass
class GluedIndex:
    """Skeletons of words run together (a text that lost its spaces: تعهدبهاترامبفيسنغافورة), looked up by
    substring: every piece of :data:`PIECE_MIN` to :data:`PIECE_MAX` classes is held, so a lookup costs
    one set probe or two, whatever the text's length."""

    pieces: set[str] = field(default_factory=set)

    def add(self, skeleton: str) -> None:
        for size in range(PIECE_MIN, PIECE_MAX + 1):
            self.pieces.update(skeleton[i:i + size] for i in range(len(skeleton) - size + 1))

    def holds(self, skeleton: str) -> bool:
        """Whether ``skeleton`` (of :data:`PIECE_MIN` classes or more) is inside a held skeleton (for a
        longer one than :data:`PIECE_MAX`: its first and its last pieces are)."""
        if len(skeleton) < PIECE_MIN:
            return False
        if len(skeleton) <= PIECE_MAX:
            return skeleton in self.pieces
        return skeleton[:PIECE_MAX] in self.pieces and skeleton[-PIECE_MAX:] in self.pieces


PIECE_MIN, PIECE_MAX = 2, 8


def match(a: str, b: str) -> bool:
    """Whether two skeletons match (the test of :meth:`SkeletonIndex.find`, for one pair)."""
    index = SkeletonIndex()
    index.add(b, 0)
    return bool(index.find(a, allowed=budget(min(len(a), len(b)) if a and b else 0)))


# Letters that spoken Arabic, and the English spellings taken from it, say as z and s: Hafez حافظ, Mahfouz
# محفوظ, Kazem كاظم, Osman عثمان. A word with them is read both ways.
_SPOKEN = str.maketrans({"ظ": "ز", "ذ": "ز", "ث": "س"})


@lru_cache(maxsize=50_000)
def arabic_skeletons(word: str) -> frozenset[str]:
    """The skeletons of an Arabic word's forms (:func:`arabic_forms`), each also as spoken (:data:`_SPOKEN`)."""
    return frozenset(s for form in arabic_forms(word) for s in {arabic_skeleton(form), arabic_skeleton(form.translate(_SPOKEN))}
                     if s)


@lru_cache(maxsize=50_000)
def english_word_skeletons(word: str) -> frozenset[str]:
    """The skeletons of an English word's forms (:func:`english_forms`)."""
    return frozenset(s for form in english_forms(word) for s in english_skeletons(form))
