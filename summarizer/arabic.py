"""Arabic script facts shared by the stages and the metrics: letter classes and normalisation.

Normalisation here is for *matching* (similarity, ROUGE, stemming); the pipeline never
changes the text it shows to a user with it.
"""

from __future__ import annotations

import re

# Arabic letters proper (hamza forms, letters, alef wasla, Persian/Urdu extensions), not digits or marks.
ARABIC_LETTER = r"\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FC\u06FF"
ARABIC_DIGIT = r"\u0660-\u0669\u06F0-\u06F9"
DIACRITICS_RE = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
TATWEEL = "\u0640"
_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
_ANY_LETTER_RE = re.compile(r"[^\W\d_]")

_ALEF_RE = re.compile("[\u0622\u0623\u0625\u0671]")  # آ أ إ ٱ -> ا


def arabic_share(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic (0.0 when it has no letters)."""
    letters = _ANY_LETTER_RE.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _ARABIC_LETTER_RE.match(ch)) / len(letters)


def normalize_arabic(
    text: str,
    *,
    diacritics: bool = True,
    tatweel: bool = True,
    alef: bool = True,
    ya: bool = True,
    ta_marbuta: bool = True,
) -> str:
    """Fold the spelling variants that Arabic writers use interchangeably.

    Each switch removes one source of spurious mismatch: short vowels and other marks,
    the kashida (tatweel), hamza-carrying alefs, alef maqsura vs ya, ta marbuta vs ha.
    """
    if diacritics:
        text = DIACRITICS_RE.sub("", text)
    if tatweel:
        text = text.replace(TATWEEL, "")
    if alef:
        text = _ALEF_RE.sub("\u0627", text)
    if ya:
        text = text.replace("\u0649", "\u064A")  # ى -> ي
    if ta_marbuta:
        text = text.replace("\u0629", "\u0647")  # ة -> ه
    return text


WORD_RE = re.compile(rf"[{ARABIC_LETTER}{ARABIC_DIGIT}\u0640\u064B-\u065F\u0670]+|[A-Za-z0-9]+")


def words(text: str) -> list[str]:
    """Word tokens: runs of Arabic letters (with their marks) or Latin letters/digits."""
    return WORD_RE.findall(text)
