"""Where the outlets of a story disagree: the same quantity, date or name reported differently.

Two sentences of different articles are compared when they say much the same thing (their similarity reaches
``ALIGNED``). Then:

* **numbers**: a figure of one that the other does not state, against a figure of the other that the first
  does not state, counting the same thing (a stem in common right around them: ``270 ألف شخص`` /
  ``280 ألف شخص``);
* **dates**: the same, for a day and month (with its year when both give one) or a weekday;
* **names**: in two near-identical sentences (``SAME_WORDING``), a word put in the place of another where
  either is a name the story uses (``لافروف``/``شويغو``), not an inflection of it; and, anywhere in two
  articles, one name spelt two ways (``ستيفان``/``ستافان``).

The same pair of values found in several sentence pairs is one disagreement, with every article that gives
each value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from ..arabic import normalize_arabic, words
from ..stages.extractive import STOPWORDS, content_terms
from .facts import Fact, sentence_facts
from .record import Disagreement, Report

ALIGNED = 0.3  # sentences this similar may state the same figure or date
SAME_WORDING = 0.5  # sentences this similar are one sentence with words changed: a name swapped is a finding
MIN_SPELLING, SPELLING_RATIO = 5, 0.8  # a name spelt two ways: see _spellings
MAX_SWAP_WORDS = 3  # the longest run of words put in the place of another that is read as a name


@dataclass(frozen=True)
class Said:
    """A sentence of a story and the article it is in."""

    article: str
    sentence: str


def find_disagreements(said: Sequence[Said], similarity: np.ndarray, names: set[str]) -> list[Disagreement]:
    """Every disagreement between sentences of different articles (``similarity``: their n x n matrix;
    ``names``: the names the story's articles use, normalised)."""
    found: dict[tuple[str, frozenset[str]], dict[str, Report]] = {}
    rows, cols = np.nonzero(np.triu(similarity >= ALIGNED, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = said[i], said[j]
        if a.article == b.article:
            continue
        facts_a, facts_b = sentence_facts(a.sentence), sentence_facts(b.sentence)
        pairs = [*_differing(facts_a.numbers, facts_b.numbers), *_differing(facts_a.dates, facts_b.dates)]
        if similarity[i, j] >= SAME_WORDING:
            pairs.extend(_swapped_names(a.sentence, b.sentence, names))
        for fact_a, fact_b in pairs:
            _add(found, fact_a, a, fact_b, b)
    _spellings(said, found)
    return [Disagreement(kind, tuple(reports.values())) for (kind, _), reports in found.items()]


def _spellings(said: Sequence[Said], found: dict) -> None:
    """One name spelt two ways by two articles (``ستيفان``/``ستافان``), wherever each writes it: names of at
    least ``MIN_SPELLING`` letters, of the same length give or take one, that differ inside the word (not only in
    its ending, where inflection and ة/ا differ) and are ``SPELLING_RATIO`` alike."""
    first: dict[str, dict[str, Said]] = {}  # article -> name -> where it first writes it
    for s in said:
        for name in sentence_facts(s.sentence).names:
            first.setdefault(s.article, {}).setdefault(name, s)
    articles = list(first)
    for k, article_a in enumerate(articles):
        for article_b in articles[k + 1:]:
            only_a = first[article_a].keys() - first[article_b].keys()
            only_b = first[article_b].keys() - first[article_a].keys()
            for x in sorted(only_a):
                for y in sorted(only_b):
                    if _spelt_apart(x, y):
                        _add(found, Fact("name", x, x, frozenset()), first[article_a][x],
                             Fact("name", y, y, frozenset()), first[article_b][y])


def _spelt_apart(x: str, y: str) -> bool:
    if min(len(x), len(y)) < MIN_SPELLING or abs(len(x) - len(y)) > 1 or x[:-1] == y[:-1]:
        return False
    return SequenceMatcher(None, x, y).ratio() >= SPELLING_RATIO


def _differing(side_a: Sequence[Fact], side_b: Sequence[Fact]) -> list[tuple[Fact, Fact]]:
    """Facts of one side the other does not state, paired with one of the other's about the same thing."""
    values_a, values_b = {f.value for f in side_a}, {f.value for f in side_b}
    only_a = [f for f in side_a if f.value not in values_b]
    only_b = [f for f in side_b if f.value not in values_a]
    pairs = []
    for fact_a in only_a:
        for fact_b in only_b:
            if _comparable(fact_a, fact_b) and fact_a.context & fact_b.context:
                pairs.append((fact_a, fact_b))
                break
    return pairs


def _comparable(a: Fact, b: Fact) -> bool:
    """Two dates compare when they have the same parts (a weekday with a weekday, day-month with day-month)."""
    if a.kind != b.kind:
        return False
    if a.kind != "date":
        return True
    return a.value[:1].isdigit() == b.value[:1].isdigit() and a.value.count("-") == b.value.count("-")


def _swapped_names(sentence_a: str, sentence_b: str, names: set[str]) -> list[tuple[Fact, Fact]]:
    """Words of one sentence put in the place of the other's, where either is a name."""
    tokens_a = [normalize_arabic(w) for w in words(sentence_a)]
    tokens_b = [normalize_arabic(w) for w in words(sentence_b)]
    pairs = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, tokens_a, tokens_b, autojunk=False).get_opcodes():
        if tag != "replace" or max(i2 - i1, j2 - j1) > MAX_SWAP_WORDS:
            continue
        old, new = tokens_a[i1:i2], tokens_b[j1:j2]
        if not (set(old) | set(new)) & names or _inflected(old, new) or _common_noun(old) or _common_noun(new):
            continue
        text_a, text_b = " ".join(words(sentence_a)[i1:i2]), " ".join(words(sentence_b)[j1:j2])
        pairs.append((Fact("name", text_a, text_a, frozenset()), Fact("name", text_b, text_b, frozenset())))
    return pairs


def _inflected(old: list[str], new: list[str]) -> bool:
    """The same words in another form (a clitic, a case ending), a digit, or function words only."""
    stems_old, stems_new = content_terms(" ".join(old)), content_terms(" ".join(new))
    if not stems_old or not stems_new or stems_old == stems_new:
        return True
    return any(t.isdigit() or t in STOPWORDS for t in (*old, *new))


def _common_noun(tokens: list[str]) -> bool:
    """Words with the article (``الوزيرين``): a name's place taken by a common noun is rewording, not a name."""
    return any(t.startswith(("ال", "وال")) for t in tokens)


def _add(found: dict, fact_a: Fact, a: Said, fact_b: Fact, b: Said) -> None:
    key = (fact_a.kind, frozenset({fact_a.value, fact_b.value}))
    reports = found.setdefault(key, {})
    for fact, said in ((fact_a, a), (fact_b, b)):
        known = reports.get(fact.value)
        if known is None:
            reports[fact.value] = Report(fact.value, fact.text, said.sentence, (said.article,))
        elif said.article not in known.articles:
            reports[fact.value] = Report(known.value, known.text, known.sentence, (*known.articles, said.article))
