"""Polarity: a sentence negated on one side only (``لم يوافق`` rendered "agreed"); no model needed.

Each side's *polarity cues* are read from two small tables, one per language:

* **strong** cues negate a clause: ``لا لم لن ليس`` (and its forms), ``بلا بدون من دون لئلا ألا`` with
  the clitics written on them (``ولم``, ``فلن``, ``وليست``); in English "not", "n't", "cannot", "no",
  "never", "none", "nothing", "nobody", "no one", "nowhere", "neither", "nor", "without", "fail(ed) to",
  "no longer";
* **weak** cues say "not" inside a word or a lexical verb: ``غير`` (non-, un-), ``عدم`` (lack, failure,
  non-), ``دون`` (without, or "below"), ``رفض`` (refuse), ``نفى`` (deny), ``امتنع``, ``فشل``, ``غياب``,
  ``انعدام``; in English un-, non-, dis-, in-/im-/il-/ir- words of a list, -less words, "lack",
  "absence", "refuse", "deny", "reject", "unable", "failure", "prevent", "ban", "hardly".

A sentence is *negated on one side only* when that side has a strong cue and the other side has no
cue at all, strong or weak. Weak cues only serve as counterparts (as soft numbers do in the number
check): a translator renders ``غير رسمي`` "unofficial", ``عدم الاستقرار`` "instability", ``لم يقبل``
"refused"; counting polarity by presence rather than by number keeps "not ... nor" against ``لا ... ولا``
from mattering.

What only looks like a negation is not read as one (:data:`_AR_NOT_AFTER_LA`, :data:`_EN_NOT_AFTER`):
``لا يزال`` / ``لم يزل`` (still), ``لا سيما`` (especially), ``لا بد`` (must), ``لا شك`` (no doubt),
``لا يقل عن`` / ``لا يزيد عن`` (at least, at most), ``ما لم`` (unless), a negation closed by ``إلا`` or
``سوى`` (``لم يبق إلا`` = only ... remained) or by ``فقط`` / ``فحسب`` (not only), ``إلا أن`` / ``غير أن``
(however), ``ما`` (mostly "what", never read as a negation); "not only", "not just", "not least",
"not until", "no doubt", "no matter", "no sooner", "no more than", "no less than", "nothing but",
"none other than", "nonetheless", "nevertheless", "No. 5".

Registered (:mod:`.registry`) as the check ``negation`` of each sentence pair (code
``negation-mismatch``) and as ``summary-negation`` of the English summary against the Arabic one.
Reading is one pass over each side's words: its cost grows with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.arabic import normalize_arabic

from .findings import Finding
from .markup import clean_markup
from .registry import PAIR, SUMMARY_TRANSLATION, FindingCode, register_check

# How many cues a finding's evidence quotes per side (a text of 20,000 negations needs no more).
MAX_QUOTED = 5
# How many words after a negation an exceptive (إلا, سوى) or "only" (فقط) may close it.
_CLOSING_SPAN = 12
_ONLY_SPAN = 3

# ------------------------------------------------------------------ Arabic (normalised spelling)

_AR_STRONG = frozenset({
    "لا", "لم", "لن", "ليس", "ليست", "ليسا", "ليستا", "ليسوا", "لست", "لسنا", "لستم", "لستما",
    "بلا", "بدون", "لئلا", "لكيلا", "عدم", "بعدم", "لعدم",
})
_AR_WEAK = frozenset({
    "غير", "بغير", "لغير", "دون", "انعدام", "غياب", "بغياب", "لغياب",
    "رفض", "رفضت", "رفضوا", "يرفض", "ترفض", "يرفضون", "الرفض", "برفض", "لرفض",
    "نفي", "نفت", "نفوا", "ينفي", "تنفي", "ينفون",
    "امتنع", "امتنعت", "يمتنع", "تمتنع", "الامتناع", "بالامتناع",
    "فشل", "فشلت", "فشلوا", "يفشل", "تفشل", "الفشل", "بالفشل",
    "منع", "منعت", "يمنع", "تمنع", "بمنع", "لمنع", "المنع",
    "مستحيل", "المستحيل", "مستحيله", "يستحيل", "استحاله", "كلا",
})
_CONJUNCTIONS = ("و", "ف")
# Words after a negation that make it "still": لا يزال, لم يزل, ما زال (no polarity at all).
_AR_STILL = frozenset({
    "يزال", "تزال", "يزالون", "تزالان", "يزالان", "نزال", "ازال", "زال", "زالت", "زالوا", "زلت", "زلنا", "زالا",
    "يزل", "تزل", "يلبث", "تلبث", "شمل", "شمله", "شملها", "شملهم",  # لم شمل: reunite (the verb لمّ)
})
# Words after a negation that make it an idiom a translator renders without "not": especially, must,
# no doubt, at least / at most, don't hesitate (feel free), (Doctors) Without Borders. Weak cues.
_AR_IDIOM_AFTER = frozenset({
    "سيما", "بد", "شك", "ريب", "باس", "يقل", "تقل", "يقلون", "يزيد", "تزيد", "يتجاوز", "تتجاوز", "يتعدي",
    "تتعدي", "تتردد", "يتردد", "تترددوا", "تترددي", "حدود",
})
_AR_EXCEPTIVE = frozenset({"الا", "سوي"})  # إلا, سوى: a negation they close says "only"
_AR_ONLY = frozenset({"فقط", "فحسب"})
_AR_THAT = frozenset({"ان", "انه", "انها", "انهم", "انهما", "انما"})  # إلا أن, غير أن: "however"
_CLAUSE_BREAK_RE = re.compile(r"[،,.؛;:!?؟]")
_AR_WORD_RE = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670\u0640]+")

# ------------------------------------------------------------------ English (lower case)

_EN_STRONG = frozenset({
    "not", "cannot", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "without", "no-one",
})
# Words after a strong cue that make it no negation: "not only", "no doubt", "nothing but".
_EN_NOT_AFTER = {
    "not": frozenset({"only", "just", "merely", "least", "until", "till", "long"}),
    "n't": frozenset({"only", "just", "until", "till"}),
    "no": frozenset({"doubt", "matter", "sooner", "wonder"}),
    "nothing": frozenset({"but", "else"}),
    "none": frozenset({"other"}),
}
_EN_COMPARATIVE = frozenset({"more", "less", "fewer", "later", "earlier"})  # no more than, not less than
_EN_COORDINATION = frozenset({"and", "or", "but"})
_EN_WEAK_PAIRS = frozenset({("yet", "to"), ("rather", "than")})
_EN_FAIL = frozenset({"fail", "fails", "failed", "failing"})
_EN_WEAK = frozenset({
    "lack", "lacks", "lacked", "lacking", "absence", "absent", "refuse", "refuses", "refused", "refusing",
    "refusal", "deny", "denies", "denied", "denial", "reject", "rejects", "rejected", "rejecting", "rejection",
    "unable", "failure", "failures", "fail", "fails", "failed", "failing", "prevent", "prevents", "prevented",
    "nor", "instead", "mistrust", "distrust", "anonymity", "anonymous", "anonymously", "ban", "bans", "banned", "hardly", "barely", "scarcely", "avoid", "avoided",
    "impossible", "illegal", "illegally", "illegitimate", "irregular", "irrelevant", "irresponsible",
    "inability", "incapable", "incomplete", "incorrect", "incorrectly", "indirect", "indirectly", "informal",
    "informally", "insufficient", "instability", "insecurity", "insecure", "invalid", "inaccurate", "inadequate",
    "inappropriate", "inconsistent", "ineffective", "inequality", "imbalance", "impartial", "improper",
    "dislike", "disagree", "disagreed", "disagreement", "disapprove", "dishonest", "disabled", "disability",
    "disadvantage", "disorder", "disobey", "discontinued", "disqualified",
})
# un-words that are no negation (under, unit, union ...): their first letters.
_EN_UN_EXCEPT = ("under", "until", "unit", "union", "unique", "univers", "unanim", "uncle", "unless", "unto",
                  "unfortunat", "unveil", "unleash", "unrest")
_EN_LESS_EXCEPT = frozenset({"unless", "bless", "nevertheless", "nonetheless", "less"})
_EN_WORD_RE = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+|-[A-Za-z]+)*")


@dataclass
class Polarity:
    """What one side says about negation: its strong cues as written (the cue and the word after
    it) and how many weak cues it has."""

    strong: list[str] = field(default_factory=list)
    weak: int = 0

    @property
    def negated(self) -> bool:
        return bool(self.strong)

    @property
    def any(self) -> bool:
        return bool(self.strong) or self.weak > 0

    def outweighs(self, other: Polarity) -> bool:
        """Whether this side negates more than the other can account for: more strong cues than the
        other has cues of any kind (a negation with nothing on the other side that could render it)."""
        return len(self.strong) > len(other.strong) + other.weak


@dataclass
class _Word:
    text: str
    start: int
    end: int
    norm: str
    stem: str = ""  # Arabic: the normalised word without a conjunction written on it
    cue: str = ""  # Arabic: "strong", "weak" or "" as the word alone reads (:func:`_read_arabic_word`)


@lru_cache(maxsize=8192)
def _read_arabic_word(text: str) -> tuple[str, str, str]:
    """An Arabic word's normalised form, its stem (no conjunction و/ف written on it) and its cue alone:
    ``"strong"``, ``"weak"`` or ``""``. Cached: news repeats its words, and so do hostile inputs."""
    norm = normalize_arabic(text)
    stem = norm[1:] if norm[:1] in _CONJUNCTIONS and len(norm) > 2 else norm
    if normalize_arabic(text, alef=False) in ("ألا", "وألا") or norm in _AR_STRONG or stem in _AR_STRONG:
        return norm, stem, "strong"  # ألا = أن لا; the bare الا is إلا (except)
    return norm, stem, "weak" if norm in _AR_WEAK or stem in _AR_WEAK else ""


def _arabic_words(text: str) -> list[_Word]:
    return [_Word(m.group(), m.start(), m.end(), *_read_arabic_word(m.group())) for m in _AR_WORD_RE.finditer(text)]


def _stem(word: _Word) -> str:
    """The word without a conjunction written on it."""
    return word.stem


def _arabic_closes(text: str, words: list[_Word], i: int, negation: int) -> bool:
    """Whether the word at ``i`` closes the negation at word ``negation`` into "only" (لم يبق إلا, لا
    يملك إلا أن): إلا or سوى within :data:`_CLOSING_SPAN` words; إلا أن after a clause break is
    "however" (لم يوافق، إلا أنه) and closes nothing."""
    if _stem(words[i]) not in _AR_EXCEPTIVE or words[i].text.startswith("أ") or i - negation > _CLOSING_SPAN:
        return False
    if i + 1 < len(words) and words[i + 1].norm in _AR_THAT:
        return not _CLAUSE_BREAK_RE.search(text, words[negation].end, words[i].start)
    return True


def _arabic_negation(words: list[_Word], i: int) -> str:
    """What the strong cue at ``i`` is: ``"strong"``, ``"weak"`` for an idiom or a restriction (لا سيما,
    لا بد, ما لم, ليس ... فقط) or ``""`` for "still" (لا يزال)."""
    nxt = words[i + 1].norm if i + 1 < len(words) else ""
    if nxt in _AR_STILL:
        return ""
    before = words[i - 1].norm if i else ""
    if nxt in _AR_IDIOM_AFTER or (_stem(words[i]) == "لم" and before in ("ما", "ان")):  # ما لم: unless; إن لم: if not
        return "weak"
    if _stem(words[i]) == "لا" and before in ("ام", "او"):
        return "weak"  # أم لا: or not
    if _stem(words[i]) == "عدم" and before == "او":
        return "weak"  # وجود أو عدم وجود: whether or not
    return "weak" if any(w.norm in _AR_ONLY for w in words[i + 1 : i + 1 + _ONLY_SPAN]) else "strong"


def arabic_polarity(text: str) -> Polarity:
    """The polarity cues of an Arabic text (see the module docstring)."""
    words = _arabic_words(text)
    polarity = Polarity()
    open_negations: list[tuple[int, str]] = []  # (word index, quoted cue) not yet closed by إلا
    for i, word in enumerate(words):
        if open_negations and _arabic_closes(text, words, i, open_negations[-1][0]):
            open_negations.pop()
            polarity.weak += 1  # a restriction ("only") is still a counterpart of "nothing but", "until"
            continue
        cue = word.cue
        if cue == "weak" and _stem(word) == "دون" and i and words[i - 1].norm in ("من", "ومن"):
            cue = "strong"  # من دون: without (دون alone is also "below")
        if cue == "strong":
            cue = _arabic_negation(words, i)
        if cue == "strong" and word.norm == "ولا" and open_negations and i - open_negations[-1][0] <= _CLOSING_SPAN:
            cue = "weak"  # لا ... ولا: one negation of two things, as "neither ... nor"
        if cue == "weak":
            polarity.weak += 1
        elif cue == "strong":
            end = words[i + 1].end if i + 1 < len(words) else word.end
            open_negations.append((i, text[word.start : end]))
    polarity.strong = [quoted for _, quoted in open_negations]
    return polarity


def _english_weak(low: str) -> bool:
    if low in _EN_WEAK:
        return True
    if low.startswith("non") and len(low) > 5 and not low.startswith(("nonetheless", "none")):
        return True  # non-binding, nonprofit
    if low.startswith("un") and len(low) > 5 and not low.startswith(_EN_UN_EXCEPT):
        return True  # unofficial, unprecedented
    if low.endswith("-free") or low.startswith("no-"):
        return True  # duty-free: بدون ضرائب; a no-deal Brexit: عدم التوصل إلى اتفاق
    if low.startswith(("in", "im", "il", "ir")) and low.endswith(("able", "ible")) and len(low) > 8:
        return True  # impenetrable, inevitable, invisible: لا يمكن اختراقه, لا مفر منه
    return low.endswith("less") and len(low) > 6 and low not in _EN_LESS_EXCEPT  # homeless, useless


def _english_looks_alike(words: list[_Word], i: int) -> bool:
    """Whether the strong cue at ``i`` only looks like a negation ("not only", "no more than")."""
    low = words[i].norm
    nxt = words[i + 1].norm if i + 1 < len(words) else ""
    if nxt in _EN_NOT_AFTER.get("n't" if low.endswith(("n't", "n\u2019t")) else low, ()):
        return True
    if low in ("not", "without") and i and words[i - 1].norm in _EN_COORDINATION:
        return True  # whether or not, with or without; not tomorrow and not in November
    comparative = nxt in _EN_COMPARATIVE and i + 3 < len(words) and "than" in (words[i + 2].norm, words[i + 3].norm)
    return low in ("no", "not", "never") and comparative  # no more than, never more so than


def _english_cue(words: list[_Word], i: int, text: str) -> str:
    low = words[i].norm
    after = text[words[i].end : words[i].end + 1]
    if low == "no" and after in (".", ","):
        return "" if words[i].text == "No" and after == "." else "weak"  # No. 5; "No, ..." answers
    if low in _EN_STRONG or low.endswith(("n't", "n\u2019t")):
        return "weak" if _english_looks_alike(words, i) else "strong"  # "not only" is a restriction
    if (low, words[i + 1].norm if i + 1 < len(words) else "") in _EN_WEAK_PAIRS:
        return "weak"  # has yet to, rather than
    if low in _EN_FAIL and i + 1 < len(words) and words[i + 1].norm == "to":
        return "strong"  # failed to agree
    if low == "longer" and i and words[i - 1].norm == "no":
        return ""  # "no longer": its "no" is the cue
    return "weak" if _english_weak(low) else ""


def english_polarity(text: str) -> Polarity:
    """The polarity cues of an English text (see the module docstring)."""
    words = [_Word(m.group(), m.start(), m.end(), m.group().lower()) for m in _EN_WORD_RE.finditer(text)]
    polarity = Polarity()
    for i, word in enumerate(words):
        cue = _english_cue(words, i, text)
        if cue == "strong":
            start = words[i - 1].start if i and word.norm in ("not", "never") else word.start  # did not agree
            end = words[i + 1].end if i + 1 < len(words) else word.end
            polarity.strong.append(text[start:end])
        elif cue == "weak":
            polarity.weak += 1
    return polarity


def _quoted(cues: list[str]) -> str:
    shown = ", ".join(cues[:MAX_QUOTED])
    return shown + (", ..." if len(cues) > MAX_QUOTED else "")


def compare_polarity(arabic: str, english: str, *, arabic_name: str = "the Arabic",
                     english_name: str = "the English") -> list[Finding]:
    """A ``negation-mismatch`` when one side has a strong negation and the other no polarity cue at all."""
    arabic, english = clean_markup(arabic), clean_markup(english)
    if not arabic.strip() or not english.strip():
        return []
    ar, en = arabic_polarity(arabic), english_polarity(english)
    if ar.outweighs(en):
        negated, plain, cues, other = arabic_name, english_name, ar.strong, en
    elif en.outweighs(ar):
        negated, plain, cues, other = english_name, arabic_name, en.strong, ar
    else:
        return []
    if other.any:  # negated on both sides, more often on one: "not ... not" against one لم
        message = (f"{negated[:1].upper()}{negated[1:]} has {len(cues)} negations ({_quoted(cues)}); "
                   f"{plain} has fewer.")
    else:
        message = f"{negated[:1].upper()}{negated[1:]} is negated ({_quoted(cues)}); {plain} is not."
    return [
        Finding(
            "negation-mismatch",
            message,
            evidence={
                "negated": "arabic" if negated == arabic_name else "english",
                "arabic": ar.strong[:MAX_QUOTED], "english": en.strong[:MAX_QUOTED],
                "arabic_cues": len(ar.strong), "english_cues": len(en.strong),
                "arabic_weak_cues": ar.weak, "english_weak_cues": en.weak,
            },
        )
    ]


@register_check("negation", looks_at=PAIR, codes={
    "negation-mismatch": FindingCode(
        "error", "One side is negated and the other is not: the translation may say the opposite of the source."),
})
def check_negation(arabic: str, english: str) -> list[Finding]:
    """A ``negation-mismatch`` on a sentence pair negated on one side only (any text pair)."""
    return compare_polarity(arabic, english)


@register_check("summary-negation", looks_at=SUMMARY_TRANSLATION, reuses=("negation-mismatch",))
def check_summary_negation(arabic_summary: str, english_summary: str) -> list[Finding]:
    """A ``negation-mismatch`` when the English summary is negated where the Arabic summary is not, or
    the other way round."""
    return compare_polarity(arabic_summary, english_summary, arabic_name="the Arabic summary",
                            english_name="the English summary")
