"""The checks cost what the text costs: the number check compares each quantity with its nearest
readings on the other side (not with every one), the summary check reads the article once, and
both give exactly the findings of the all-pairs comparison they replace. No test here times anything:
they count comparisons and characters read, and compare findings with a reference."""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Sequence

import hypothesis
import hypothesis.strategies as st
import pytest

from eval.check_speed import clauses, numbers_pair
from summarizer.checks import check_summary, check_translation, number_check
from summarizer.checks import summary as summary_checks
from summarizer.checks.quantity import Quantity, same_value
from summarizer.stages.split import split_sentences
from tests.conftest import NO_DATA, SEEDS, SHARED_DATA

pytestmark = pytest.mark.slow  # thousands of generated quantities, the shared data and the all-pairs reference

# ---------------------------------------------------------------- the reference: every pair compared


def reference_matches(quantity: Quantity, others) -> bool:
    """The all-pairs comparison the index replaces: any reading of ``quantity`` equal to any of another's."""
    return any(same_value(a, b) for other in others for a in quantity.values for b in other.values)


def reference_unmatched(side: Sequence[Quantity], other: Sequence[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    for quantity in side:
        if quantity.hard and not reference_matches(quantity, other) and not reference_matches(quantity, out):
            out.append(quantity)
    return out


@pytest.fixture
def reference(monkeypatch):
    """Run the checks with the all-pairs number matcher (the findings they gave before the index)."""

    def findings(check, *args):
        with monkeypatch.context() as patch:
            patch.setattr(number_check, "_unmatched", lambda side, stated: reference_unmatched(side, stated.quantities))
            return [f.to_dict() for f in check(*args)]

    return findings


def same_findings(reference, check, *args) -> None:
    # json: NaN in evidence (a value too large for a float, then made a clock time) equals itself there
    expected = json.dumps(reference(check, *args), sort_keys=True)
    assert json.dumps([f.to_dict() for f in check(*args)], sort_keys=True) == expected


# ---------------------------------------------------------------- counting


def counting_comparisons(monkeypatch) -> list[int]:
    """Count every call of ``same_value``, in whichever checks module calls it."""
    calls = [0]

    def counted(a: float, b: float) -> bool:
        calls[0] += 1
        return same_value(a, b)

    for name, module in list(sys.modules.items()):
        if name.startswith("summarizer.checks") and hasattr(module, "same_value"):
            monkeypatch.setattr(module, "same_value", counted)
    return calls


def comparisons(monkeypatch, check, *args) -> int:
    calls = counting_comparisons(monkeypatch)
    check(*args)
    return calls[0]


@pytest.mark.parametrize("disjoint", [False, True], ids=["faithful", "disjoint"])
def test_number_comparisons_grow_linearly(monkeypatch, disjoint):
    def pair(count):
        if not disjoint:
            return numbers_pair(count, 0)
        return numbers_pair(count, 1)[0], numbers_pair(count, 2)[1]

    small, large = (comparisons(monkeypatch, check_translation, *pair(n)) for n in (400, 800))
    assert small > 0
    assert large < 3 * small + 100, (small, large)  # an all-pairs comparison makes 4x


def summary_inputs(count: int) -> tuple[list[str], str]:
    """An article of ``count`` numbers, one a sentence, and a summary of ``count`` others, one a sentence."""
    return clauses(numbers_pair(count, 1)[0]), " ".join(clauses(numbers_pair(count, 2)[0]))


def test_summary_comparisons_and_reading_grow_linearly(monkeypatch):
    read = [0]
    extract = summary_checks.extract_arabic

    def counted_extract(text: str):
        read[0] += len(text)
        return extract(text)

    monkeypatch.setattr(summary_checks, "extract_arabic", counted_extract)
    figures = []
    for count in (40, 80):
        read[0] = 0
        calls = comparisons(monkeypatch, check_summary, *summary_inputs(count))
        figures.append((calls, read[0]))
    (calls_small, read_small), (calls_large, read_large) = figures
    assert calls_small > 0 and read_small > 0
    assert calls_large < 3 * calls_small + 100, figures  # each summary sentence against the whole article: 4x
    assert read_large < 3 * read_small, figures  # the article read again for each summary sentence: 4x


def test_new_words_compares_each_word_a_bounded_number_of_times(monkeypatch):
    """A summary sentence of many words the article never uses: each is kept once without comparing
    it with every word kept before it."""
    eq_calls = [0]

    class CountedWord(str):
        __hash__ = str.__hash__

        def __eq__(self, other):
            eq_calls[0] += 1
            return str.__eq__(self, other)

    words = summary_checks.words
    monkeypatch.setattr(summary_checks, "words", lambda text: [CountedWord(w) for w in words(text)])
    letters = "بتثجحخدذرزسشصضطظعغفقكمن"

    def sentence(count: int) -> str:
        return " ".join(letters[i % 23] + letters[i // 23 % 23] + letters[i // 529 % 23] + "ي" for i in range(count))

    for count in (300, 600):
        eq_calls[0] = 0
        assert len(summary_checks.new_words(sentence(count), set(), set())) == count
        assert eq_calls[0] <= 3 * count, (count, eq_calls[0])  # every word with every other: count**2 / 2


# ---------------------------------------------------------------- the same findings as the all-pairs comparison

# Values around the tolerance of same_value (relative and absolute 1e-9): exactly on it, just inside
# and just outside, around several magnitudes, with zero, infinity and NaN.
_BASES = (1e9, 123456789.0, 3.7, 1.0, 0.5, 1e-9, 2e-9, 1e-10, 1e15, 1e18, 2010.0, 1 / 3)
_OFFSETS = (0.0, 1e-10, 5e-10, 9.99e-10, 1e-9, 1.0000001e-9, 1.5e-9, 2e-9, 3e-9, 1e-6)
_SPECIAL = (0.0, -0.0, math.inf, -math.inf, math.nan)
near_values = st.one_of(
    st.builds(lambda b, o, s: b * (1 + s * o), st.sampled_from(_BASES), st.sampled_from(_OFFSETS),
              st.sampled_from((-1, 1))),
    st.builds(lambda b, o, s: b + s * o, st.sampled_from(_BASES), st.sampled_from(_OFFSETS),
              st.sampled_from((-1, 1))),
    st.builds(lambda b, u: b + u * math.ulp(b * 1e-9) * 2**29, st.sampled_from(_BASES), st.integers(-3, 3)),
    st.sampled_from(_SPECIAL),
    st.floats(allow_nan=True, allow_infinity=True),
)
quantities = st.builds(
    lambda values, hard: Quantity(values[0], frozenset(values), "x", hard),
    st.lists(near_values, min_size=1, max_size=3),
    st.booleans(),
)


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(side=st.lists(quantities, max_size=30), other=st.lists(quantities, max_size=30))
def test_unmatched_is_the_all_pairs_comparison(side, other):
    from summarizer.checks.value_index import ValueIndex

    got = number_check._unmatched(side, ValueIndex(other))
    assert [id(q) for q in got] == [id(q) for q in reference_unmatched(side, other)]


def test_tolerance_edges_one_value_at_a_time():
    """Each value against each other one, singly and all together: the index says what same_value says."""
    from summarizer.checks.value_index import ValueIndex

    values = sorted({b * (1 + s * o) for b in _BASES for o in _OFFSETS for s in (-1, 1)} | {0.0, math.inf})
    every = ValueIndex([Quantity(v, frozenset({v}), "x", True) for v in values])
    for a in values:
        query = Quantity(a, frozenset({a}), "x", True)
        assert every.states(query)
        for b in values:
            assert ValueIndex([Quantity(b, frozenset({b}), "x", True)]).states(query) == same_value(a, b), (a, b)
    assert not every.states(Quantity(math.nan, frozenset({math.nan}), "x", True))


@pytest.mark.parametrize("disjoint", [False, True], ids=["faithful", "disjoint"])
def test_generated_pairs_with_thousands_of_numbers(reference, disjoint):
    arabic, english = numbers_pair(1500, 3)
    if disjoint:
        english = numbers_pair(1500, 4)[1]
    same_findings(reference, check_translation, arabic, english)
    summary = numbers_pair(200, 4 if disjoint else 3)[0]  # the article's first 200 values, or others
    same_findings(reference, check_summary, clauses(arabic), " ".join(clauses(summary)))


def test_seeds(reference):
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    assert texts
    for a in texts:
        for b in texts:
            same_findings(reference, check_translation, a, b)
            same_findings(reference, check_summary, split_sentences(a), b)


needs_data = pytest.mark.skipif(
    not (SHARED_DATA / "flores101-systems" / "devtest" / "source.ar").exists()
    or not (SHARED_DATA / "ntrex128" / "dev.jsonl").exists()
    or not (SHARED_DATA / "ant-headlines" / "dev.jsonl").exists(),
    reason=NO_DATA,
)


@needs_data
def test_shared_data(reference):
    devtest = SHARED_DATA / "flores101-systems" / "devtest"
    source = (devtest / "source.ar").read_text(encoding="utf-8").splitlines()
    for name in ("reference", "opusmt"):
        english = (devtest / f"{name}.en").read_text(encoding="utf-8").splitlines()
        for arabic, output in zip(source, english, strict=True):
            same_findings(reference, check_translation, arabic, output)
    for line in (SHARED_DATA / "ntrex128" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        for arabic, english in zip(document["ar"], document["en"], strict=False):
            same_findings(reference, check_translation, arabic, english)
        same_findings(reference, check_translation, " ".join(document["ar"]), " ".join(document["en"]))
    lines = (SHARED_DATA / "ant-headlines" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for article, other in itertools.pairwise(json.loads(line) for line in lines[:151]):
        sentences = split_sentences(article["text"])
        same_findings(reference, check_summary, sentences, article["title"])
        same_findings(reference, check_summary, sentences, other["title"])


def test_clitic_prefixes_are_those_a_word_starts_with():
    """Every word of an Arabic text has its clitic prefixes looked up by length: the same prefixes, in
    the same order, as trying each one."""
    from summarizer.arabic import normalize_arabic, words
    from summarizer.checks.numbers_ar import _PREFIXES, LEXICON, _clitic_prefixes

    forms = {prefix + form for prefix in _PREFIXES for form in [*LEXICON, "ستينيات", "x", ""]}
    forms |= {normalize_arabic(w) for p in SEEDS for w in words(p.read_text(encoding="utf-8"))}
    for form in forms:
        assert _clitic_prefixes(form) == [p for p in _PREFIXES if form.startswith(p)], form
