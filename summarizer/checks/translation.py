"""Checks of one Arabic sentence against its English translation; no model needed.

:func:`check_translation` runs, on the pair with its markup cleaned (:mod:`.markup`):

* numbers, dates and percentages (:mod:`.number_check`): ``number-mismatch``, ``number-unsupported``;
* a decoding loop in the English (:mod:`.repetition`): ``repetition-loop``;
* an English length outside the band of human translations (:mod:`.length`): ``length-ratio``;
* Arabic script in the English: ``copy-through`` when the English is the source copied (most of
  its words are the source's), ``untranslated`` when only some Arabic words are left.

A loop or copy-through makes the length check redundant, so it is reported only without them. It is
registered (:mod:`.registry`) as the check ``translation`` of each sentence pair, with these codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from summarizer.arabic import ARABIC_LETTER, arabic_share, normalize_arabic

from .findings import Finding
from .length import check_length
from .markup import clean_markup
from .number_check import compare_numbers
from .numbers_ar import extract_arabic
from .numbers_en import extract_english
from .registry import PAIR, FindingCode, register_check
from .repetition import find_loop

_ARABIC_WORD_RE = re.compile(rf"[{ARABIC_LETTER}\u0640\u064B-\u065F\u0670]{{2,}}")
# The English is the source copied through when this share of its Arabic words are source words.
COPY_SHARE = 0.8


def _script_findings(arabic: str, english: str) -> list[Finding]:
    left = _ARABIC_WORD_RE.findall(english)
    if not left or not _ARABIC_WORD_RE.search(arabic):
        return []
    source_words = {normalize_arabic(w) for w in _ARABIC_WORD_RE.findall(arabic)}
    copied = sum(1 for w in left if normalize_arabic(w) in source_words) / len(left)
    share = arabic_share(english)
    if share >= 0.5 and copied >= COPY_SHARE:
        return [
            Finding(
                "copy-through",
                "The English is the Arabic copied through, not a translation.",
                evidence={"arabic_share": round(share, 3), "copied_share": round(copied, 3)},
            )
        ]
    shown = " ".join(left[:6])
    return [
        Finding(
            "untranslated",
            f"The English leaves {len(left)} Arabic word{'s' if len(left) > 1 else ''} untranslated ({shown}).",
            evidence={"words": left, "arabic_share": round(share, 3)},
        )
    ]


@register_check("translation", looks_at=PAIR, codes={
    "number-mismatch": FindingCode(
        "error", "A number, date or percentage in the source is missing from the output or stated differently."),
    "number-unsupported": FindingCode(
        "error", "The output states a number, date or percentage that the source never states."),
    "repetition-loop": FindingCode("warning", "The output repeats the same words over and over (a decoding loop)."),
    "length-ratio": FindingCode(
        "warning", "The output is far longer or shorter than human translations of a source this long."),
    "untranslated": FindingCode(
        "warning", "The output contains Arabic script: part of the sentence was not translated."),
    "copy-through": FindingCode("error", "The output is the source copied through, not a translation."),
})
def check_translation(arabic: str, english: str) -> list[Finding]:
    """Findings on ``english`` as a translation of the Arabic sentence ``arabic`` (any text pair).

    The findings carry ``sentence=None``; :func:`check_pairs` numbers them.
    """
    arabic, english = clean_markup(arabic), clean_markup(english)
    if not arabic.strip() or not english.strip():
        return []
    findings = compare_numbers(extract_arabic(arabic), extract_english(english))
    script = _script_findings(arabic, english)
    findings += script
    loop = find_loop(english)
    if loop is not None:
        findings.append(
            Finding(
                "repetition-loop",
                f'"{loop.phrase}" is repeated {loop.copies} times in a row.',
                evidence={"phrase": loop.phrase, "copies": loop.copies, "word": loop.start},
            )
        )
    if loop is None and not any(f.code == "copy-through" for f in script):
        length = check_length(arabic, english)
        if length is not None and (length.too_short or length.too_long):
            how = "shorter" if length.too_short else "longer"
            findings.append(
                Finding(
                    "length-ratio",
                    f"The English is {length.ratio:.1f}x the length a human translation of this sentence "
                    f"usually has: much {how} than expected.",
                    evidence={
                        "arabic_chars": length.source_chars,
                        "english_chars": length.output_chars,
                        "expected_chars": round(length.expected_chars, 1),
                        "log_residual": round(length.residual, 3),
                    },
                )
            )
    return findings


def check_pairs(pairs: Iterable[tuple[str, str]]) -> list[list[Finding]]:
    """:func:`check_translation` on each (Arabic, English) sentence pair, findings numbered by pair."""
    return [[f.at(i) for f in check_translation(ar, en)] for i, (ar, en) in enumerate(pairs)]
