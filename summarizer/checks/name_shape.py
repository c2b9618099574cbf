"""How a name spelt from another language looks in Arabic letters.

Arabic has no capitals, so the name check (:mod:`.names`) knows an Arabic word for a name only where
something marks it: a title before it, a known name's table, another sentence of the article. Most
names in news follow no title (ترامب قال ...), and a translation that drops one went unseen. Their
letters still tell: a name spelt from another language keeps that language's sounds (أمستردام،
سانتوروم، بيتسبرغ), sequences that the language's own words, built on roots and patterns, seldom put
together. Two letter models tell the two looks apart:

* the *foreign* model learns from the Arabic-script names of places outside the Arab world
  (GeoNames, ``place_words.txt`` beside this module, built by ``python -m eval.place_words``);
* the *native* model learns from the Arabic words that ``wordfreq`` finds frequent (Zipf
  :data:`NATIVE_ZIPF` or more), the language's own words, with the few names that news repeats
  enough to be frequent; a word of the place list is left out of it.

A word's :func:`shape_score` is how much likelier the foreign model makes it than the native one, per
letter (the log of the ratio, over the word's letters and its end). It is evidence, not a verdict: the
name check asks for it only of a word that passes its guards (no article or clitic on a word of the
language, not frequent, not inflected) and that no English word renders.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

from summarizer.arabic import normalize_arabic

# Letters of context each model looks back on (a 4-gram model): three letters say as much of a word's
# look as a longer context, with a few thousand words to learn from.
ORDER = 4
# The absolute discount of the interpolated models: the count taken from each seen letter and given to
# the shorter contexts' estimate (Ney, Essen and Kneser's 0.75).
DISCOUNT = 0.75
# A word of the native model is at least this frequent in Arabic (Zipf, wordfreq's large list): below
# it the lists hold as many names and typing errors as words of the language.
NATIVE_ZIPF = 3.0
# A word looks foreign when the foreign model makes it at least e**1.0 times likelier per letter.
# Chosen on the even-numbered sentences of FLORES-101 devtest and NTREX dev (docs/checks.md).
FOREIGN_SHAPE = 1.0

_START, _END = "^", "$"
_ARABIC_LETTERS_RE = re.compile("[\u0621-\u064a]+")
# How many grams' log probabilities a model remembers (about 30 MB at most).
REMEMBERED = 200_000
# The file of place words: one normalised Arabic word a line; "#" starts a comment.
PLACE_WORDS = "place_words.txt"


class LetterModel:
    """A letter n-gram model with interpolated absolute discounting: each context's estimate is its
    discounted counts plus the mass taken from them spread by the next shorter context's estimate,
    down to a uniform one over the letters seen and one unseen letter."""

    def __init__(self, words: Iterable[str], order: int = ORDER, discount: float = DISCOUNT) -> None:
        self.order, self.discount = order, discount
        padded = [_START * (order - 1) + word + _END for word in words]
        grams: Counter[str] = Counter()
        for n in range(order):
            grams.update(p[i - n:i + 1] for p in padded for i in range(order - 1, len(p)))
        self.counts: dict[str, dict[str, int]] = {}
        for gram, count in grams.items():
            self.counts.setdefault(gram[:-1], {})[gram[-1]] = count
        self.totals = {context: sum(seen.values()) for context, seen in self.counts.items()}
        self.letters = frozenset(self.counts.get("", {}))
        self._uniform = 1.0 / (len(self.letters) + 1)  # one more for a letter never seen
        self._logs: dict[str, float] = {}  # context + letter to its log probability, as asked

    def probability(self, context: str, letter: str) -> float:
        """P(``letter`` | the last ``order - 1`` letters of ``context``)."""
        p = self._uniform
        for n in range(self.order):
            tail = context[len(context) - n:]  # n = 0: ""
            seen = self.counts.get(tail)
            if seen is None:
                break
            total = self.totals[tail]
            p = max(seen.get(letter, 0) - self.discount, 0) / total + self.discount * len(seen) / total * p
        return p

    def log_probability(self, word: str) -> float:
        """The natural log of the word's probability, its end included."""
        padded = _START * (self.order - 1) + word + _END
        return sum(self._log(padded[i - self.order + 1:i + 1]) for i in range(self.order - 1, len(padded)))

    def _log(self, gram: str) -> float:
        """The log probability of a gram's last letter after the others, remembered: words share their
        grams. Forgotten all at once past :data:`REMEMBERED` grams, so made-up letters cost no memory."""
        log = self._logs.get(gram)
        if log is None:
            if len(self._logs) >= REMEMBERED:
                self._logs.clear()
            log = self._logs[gram] = math.log(self.probability(gram[:-1], gram[-1]))
        return log


def place_words() -> list[str]:
    """The foreign model's words, as shipped (see :mod:`eval.place_words`)."""
    text = files(__package__).joinpath(PLACE_WORDS).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def native_words(exclude: frozenset[str] = frozenset()) -> list[str]:
    """The native model's words: Arabic words of three letters or more at :data:`NATIVE_ZIPF` or more,
    normalised, less ``exclude`` (the Arabic list holds some English words too: about, android)."""
    from wordfreq import get_frequency_dict

    least = 10 ** (NATIVE_ZIPF - 9)  # Zipf is log10 of the frequency per billion words
    out = {normalize_arabic(w) for w, f in get_frequency_dict("ar", wordlist="large").items() if f >= least}
    return sorted(w for w in out if len(w) >= 3 and _ARABIC_LETTERS_RE.fullmatch(w) and w not in exclude)


@lru_cache(maxsize=1)
def _models() -> tuple[LetterModel, LetterModel]:
    """The two models, built once a process (about a second): the deliberate model cache."""
    foreign = place_words()
    return LetterModel(foreign), LetterModel(native_words(frozenset(foreign)))


@lru_cache(maxsize=65_536)
def shape_score(word: str) -> float:
    """How much likelier a name of another language makes the Arabic ``word`` (normalised) than a word
    of the language: the log of the ratio per letter, 0 when neither is likelier."""
    foreign, native = _models()
    return (foreign.log_probability(word) - native.log_probability(word)) / (len(word) + 1)


def looks_foreign(word: str) -> bool:
    """Whether an Arabic word (normalised) has the look of a name spelt from another language."""
    return shape_score(word) >= FOREIGN_SHAPE
