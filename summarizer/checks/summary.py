"""Checks of a summary against its article, and of the English summary against the Arabic one.

No model: the words compared are the normalised, ISRI-stemmed content words of
:func:`summarizer.stages.extractive.content_terms` (the extractive summariser's own), the numbers those
of :mod:`.numbers_ar`. :func:`check_summary` reports:

* ``summary-unsupported``: a summary sentence fewer than :data:`MIN_SUPPORT` of whose content words
  are in the article. On the 1,000 ANT dev articles, 1.7% of the editors' headlines fall below 30%,
  and 93.8% of headlines paired with another article's text do (``python -m eval.checks``): an
  unrelated "news-like" summary, the failure of the XL-Sum model on inputs it cannot use;
* ``summary-new-name``: a summary sentence with :data:`MIN_NEW_WORDS` or more words that the article
  never uses, in any inflection (names the model invented are such words; editors' paraphrases are
  too, so one new word alone is not a finding);
* ``number-unsupported``: a quantity in the summary that the article never states;
* ``summary-coverage`` (info): the share of the article the summary model read, when given;
* ``short-article``: an article under :data:`MIN_ARTICLE_WORDS` words. On ANT, in articles of 40-49
  words the first sentence is a median 53% of the article (46% at 50-59, 38% at 60-79, 14% from
  150): below 50 words an abstractive summary compresses little more than the lead sentence does,
  and the model writes up to 84 tokens, as long as the article itself; the lead sentence is the
  safer summary there.

Both are registered (:mod:`.registry`): ``summary`` (the summary against the article) and
``summary-translation`` (the English summary against the Arabic, with the translation check's codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from summarizer.arabic import normalize_arabic, words
from summarizer.stages.split import split_sentences

from .findings import Finding
from .markup import clean_markup
from .number_check import compare_numbers
from .numbers_ar import extract_arabic
from .registry import CHECKS, SUMMARY, SUMMARY_TRANSLATION, FindingCode, register_check
from .translation import check_translation
from .value_index import ValueIndex

MIN_SUPPORT = 0.3
MIN_NEW_WORDS = 2
MIN_ARTICLE_WORDS = 50
_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
# Days and months: headlines add them ("الثلاثاء") without the article naming them.
_CALENDAR = frozenset(
    normalize_arabic(w)
    for w in """السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة جانفي فيفري مارس أفريل ماي جوان
    جويلية أوت سبتمبر أكتوبر نوفمبر ديسمبر يناير فبراير أبريل مايو يونيو يوليو أغسطس""".split()
)


def _extractive():
    """summarizer.stages.extractive, imported on first use: it loads numpy and nltk (0.7 s), which
    ``check_translation`` never needs."""
    from summarizer.stages import extractive

    return extractive


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _extractive()._stem(word)


def content_terms(sentence: str) -> list[str]:
    """The extractive summariser's content words (normalised, stopwords dropped, ISRI-stemmed)."""
    return _extractive().content_terms(sentence)


def _forms(word: str) -> set[str]:
    """A normalised word and what is left of it without each clitic prefix."""
    out = {word}
    for prefix in _CLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            out.add(word[len(prefix) :])
    return out


def _vocabulary(text: str) -> tuple[set[str], set[str]]:
    surface: set[str] = set()
    for word in words(normalize_arabic(text)):
        surface |= _forms(word)
    return surface, {_stem(w) for w in surface if not w.isascii()} | {w.lower() for w in surface if w.isascii()}


def new_words(sentence: str, surface: set[str], stems: set[str]) -> list[str]:
    """Words of ``sentence`` that the article (given as its word forms and stems) never uses, each once
    (in a dict: a list's membership test would compare each word with every one kept before it)."""
    out: dict[str, None] = {}
    for word in words(normalize_arabic(sentence)):
        if word in _extractive().STOPWORDS or len(word) < 3 or any(ch.isdigit() for ch in word):
            continue
        forms = _forms(word)
        if forms & surface or forms & _CALENDAR:
            continue
        stem = word.lower() if word.isascii() else _stem(word)
        if stem in stems or any(_stem(f) in stems for f in forms if not f.isascii()):
            continue
        out.setdefault(word)
    return list(out)


def support(sentence: str, article_terms: set[str]) -> tuple[int, int]:
    """(content words of ``sentence`` found in the article, content words of ``sentence``)."""
    terms = content_terms(sentence)
    return sum(1 for t in terms if t in article_terms), len(terms)


@register_check("summary", looks_at=SUMMARY, reuses=("number-unsupported",), codes={
    "summary-unsupported": FindingCode(
        "error", "Almost none of the content words of a summary sentence appear in the article."),
    "summary-new-name": FindingCode("warning", "The summary uses words (often names) that the article never uses."),
    "summary-coverage": FindingCode("info", "The summary model read only the beginning of the article."),
    "short-article": FindingCode("warning", "The article is too short for an abstractive summary to be reliable."),
})
def check_summary(
    article_sentences: Sequence[str], summary: str, *, read_fraction: float | None = None
) -> list[Finding]:
    """Findings on ``summary`` as a summary of the article made of ``article_sentences``.

    ``read_fraction`` is the share of the article the summary model read (its input window), when
    known. Findings about one summary sentence carry its index in the summary's sentences.
    """
    article_sentences = [clean_markup(s) for s in article_sentences]
    article = " ".join(s for s in article_sentences if s)
    summary = clean_markup(summary)
    findings: list[Finding] = []
    n_words = len(words(article))
    if n_words < MIN_ARTICLE_WORDS:
        findings.append(
            Finding(
                "short-article",
                f"The article has only {n_words} words (under {MIN_ARTICLE_WORDS}): an abstractive summary "
                "of so short a text is unreliable; its first sentence is the safer summary.",
                evidence={"words": n_words, "min_words": MIN_ARTICLE_WORDS},
            )
        )
    if read_fraction is not None and read_fraction < 1.0:
        percent = max(1, min(99, round(100 * read_fraction)))
        findings.append(
            Finding(
                "summary-coverage",
                f"The summary read the first {percent}% of the article; what comes later is not in it.",
                evidence={"read_fraction": round(read_fraction, 4)},
            )
        )
    if not summary:
        return findings
    article_terms = {t for s in article_sentences for t in content_terms(s)}
    surface, stems = _vocabulary(article)
    article_numbers = extract_arabic(article)  # read once, looked up by every summary sentence
    stated = ValueIndex(article_numbers)
    for index, sentence in enumerate(split_sentences(summary)):
        found, total = support(sentence, article_terms)
        if total and found / total < MIN_SUPPORT:
            findings.append(
                Finding(
                    "summary-unsupported",
                    f"Only {found} of the {total} content words of this summary sentence are in the article."
                    if found
                    else f"None of the {total} content words of this summary sentence are in the article.",
                    sentence=index,
                    evidence={"supported": found, "content_words": total, "min_support": MIN_SUPPORT},
                )
            )
        new = new_words(sentence, surface, stems)
        if len(new) >= MIN_NEW_WORDS:
            findings.append(
                Finding(
                    "summary-new-name",
                    f"The article never uses these words of the summary: {' '.join(new[:8])}.",
                    sentence=index,
                    evidence={"words": new},
                )
            )
        for finding in compare_numbers(
            article_numbers, extract_arabic(sentence),
            source_name="the article", output_name="the summary", both_ways=False, source_index=stated,
        ):
            findings.append(finding.at(index))
    return findings


@register_check("summary-translation", looks_at=SUMMARY_TRANSLATION, reuses=CHECKS["translation"].codes)
def check_summary_translation(arabic_summary: str, english_summary: str) -> list[Finding]:
    """Findings on the English summary as the translation of the Arabic summary (numbers both
    ways, loops, untranslated words, length): :func:`.translation.check_translation` on the pair."""
    return check_translation(arabic_summary, english_summary)
