"""Sentence splitting: each rule with Arabic examples, the seeds' artefacts, and the invariants."""

from __future__ import annotations

import random
import re

import pytest

from summarizer.stages.clean import clean_article
from summarizer.stages.split import sentence_spans, split_sentences


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check_invariant(text: str) -> list[str]:
    """The splitter's contract: all non-space text kept in order, sentences stripped and non-empty."""
    sentences = split_sentences(text)
    assert _squash("".join(sentences)) == _squash(text)
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)
    return sentences


# --- boundaries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل الوفد. بدأت المحادثات.", ["وصل الوفد.", "بدأت المحادثات."]),
        ("يا له من يوم! بدأت المحادثات.", ["يا له من يوم!", "بدأت المحادثات."]),
        ("هل وصل الوفد؟ نعم وصل.", ["هل وصل الوفد؟", "نعم وصل."]),
        ("Did they arrive? Yes.", ["Did they arrive?", "Yes."]),
        ("وانتظر الجميع… ثم وصل الوفد.", ["وانتظر الجميع…", "ثم وصل الوفد."]),
        ("وانتظر الجميع... ثم وصل الوفد.", ["وانتظر الجميع...", "ثم وصل الوفد."]),
        ("وانتظر الجميع.. ثم وصل الوفد.", ["وانتظر الجميع..", "ثم وصل الوفد."]),
        ("هل هذا معقول؟! لا أحد يصدق.", ["هل هذا معقول؟!", "لا أحد يصدق."]),
        ("هل هذا معقول?! لا أحد يصدق.", ["هل هذا معقول?!", "لا أحد يصدق."]),
        ("كفى!! لا أحد يصدق.", ["كفى!!", "لا أحد يصدق."]),
    ],
)
def test_stops_and_runs_of_stops_end_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('قال "انتهى الأمر." ثم غادر.', ['قال "انتهى الأمر."', "ثم غادر."]),
        ("قال “انتهى الأمر.” ثم غادر.", ["قال “انتهى الأمر.”", "ثم غادر."]),
        ("قال «انتهى الأمر.» ثم غادر.", ["قال «انتهى الأمر.»", "ثم غادر."]),
        ("(انتهى الأمر.) ثم غادر.", ["(انتهى الأمر.)", "ثم غادر."]),
        ("قال ‘انتهى الأمر.’ ثم غادر.", ["قال ‘انتهى الأمر.’", "ثم غادر."]),
        ("قال 'انتهى الأمر.' ثم غادر.", ["قال 'انتهى الأمر.'", "ثم غادر."]),
        ("[انتهى الأمر.] ثم غادر.", ["[انتهى الأمر.]", "ثم غادر."]),
    ],
)
def test_closing_quotes_and_brackets_stay_with_their_sentence(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ANT (Jawhara FM): a programme whose line breaks were lost in scraping
        (
            "حسب البرنامج التالي : *العرض الأول الساعة 11 صباحا (عرض للأطفال) *العرض الثاني على الساعة 15:00",
            ["حسب البرنامج التالي :", "*العرض الأول الساعة 11 صباحا (عرض للأطفال)", "*العرض الثاني على الساعة 15:00"],
        ),
        ("النقاط: • الأولى مهمة • الثانية أهم. وقال ذلك.", ["النقاط:", "• الأولى مهمة", "• الثانية أهم.", "وقال ذلك."]),
        ("* بند أول *بند ثان", ["* بند أول", "*بند ثان"]),
        ("انظر http://example.com/a*b *بند", ["انظر http://example.com/a*b", "*بند"]),
        # not bullets: arithmetic, a footnote mark, Markdown emphasis, a bullet ending the line
        ("5 * 3 = 15 دولار* تقريبا", ["5 * 3 = 15 دولار* تقريبا"]),
        ("كلمة **مهمة** هنا", ["كلمة **مهمة** هنا"]),
        ("سطر ينتهي بعلامة •", ["سطر ينتهي بعلامة •"]),
    ],
)
def test_a_list_bullet_inside_a_line_starts_a_new_item(text, expected):
    assert split_sentences(text) == expected


def test_every_line_is_a_sentence_and_blank_lines_are_ignored():
    text = "دي ميستورا في موسكو\n\n   \nيصل المبعوث اليوم. ويلتقي لافروف\r\nكيري وميستورا\u2028نهاية"
    assert split_sentences(text) == [
        "دي ميستورا في موسكو",
        "يصل المبعوث اليوم.",
        "ويلتقي لافروف",
        "كيري وميستورا",
        "نهاية",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مع وزير الخارجية سيرغي لافروف.ونقلت وكالة", ["مع وزير الخارجية سيرغي لافروف.", "ونقلت وكالة"]),
        (
            "على الوضع المقلق على الأرض.ويتوسط دي ميستورا",
            ["على الوضع المقلق على الأرض.", "ويتوسط دي ميستورا"],
        ),
        ('قال "انتهى الأمر."وقال آخر', ['قال "انتهى الأمر."', "وقال آخر"]),
        ("انتهى الأمر.“وقال آخر”", ["انتهى الأمر.", "“وقال آخر”"]),
        ("هل انتهى الأمر؟وقال آخر", ["هل انتهى الأمر؟", "وقال آخر"]),
        ("انتهى الأمر!وقال آخر", ["انتهى الأمر!", "وقال آخر"]),
        ("في عام 2011.وقال آخر", ["في عام 2011.", "وقال آخر"]),
        ('مسارها".وقال آخر', ['مسارها".', "وقال آخر"]),
        ("ذلك...كلنا نأمل", ["ذلك...", "كلنا نأمل"]),
        ("انتهت Super-G.أنهى السباق", ["انتهت Super-G.", "أنهى السباق"]),
    ],
)
def test_a_stop_glued_to_the_next_word_is_a_boundary(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The sentence holds an odd number of straight quotes: the quote after the stop closes it.
        ('قال: "انتهى الأمر."وأضاف آخر', ['قال: "انتهى الأمر."', "وأضاف آخر"]),
        # An even number: the quote after the stop opens the next sentence.
        ('انتهى "الأمر" هنا."الجملة الثانية" هنا', ['انتهى "الأمر" هنا.', '"الجملة الثانية" هنا']),
        ('الجملة الأولى."الجملة الثانية."', ["الجملة الأولى.", '"الجملة الثانية."']),
        # A quotation running over two sentences closes after the second.
        ('قال "الأول. الثاني."وأضاف', ['قال "الأول.', 'الثاني."', "وأضاف"]),
        # A straight quote followed by a space or the end cannot open anything.
        ('قال "انتهى الأمر. " ثم غادر.', ['قال "انتهى الأمر. "', "ثم غادر."]),
        ('إذا تمكنا من ذلك سنعود."', ['إذا تمكنا من ذلك سنعود."']),
    ],
)
def test_straight_quotes_after_a_stop_close_or_open_by_parity(text, expected):
    assert split_sentences(text) == expected


# --- no boundary --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ارتفع النمو بنسبة 2.5 في المئة هذا العام",
        "قيمة π تساوي تقريبا 3.14 كما هو معروف",
        "وصل في الساعة ١٠:٠٨ مساء وبلغت النسبة ٢.٥ في المئة",
        "وصل في الساعة 7.55 صباحا",
        "قال د. أحمد إن الوضع مستقر",
        "أكد أ. محمود أن الاجتماع سيعقد غدا",
        "حاضر أ.د. سامي عبد الله في الجامعة",
        "في عام 1440 هـ. كان ذلك",
        "ص. ب. 1234 في الرياض",
        "رواية ج. ك. رولينغ الجديدة",
        "وقال نائب المفتش العام دي. كي. أريا إن الشرطة اعتقلت خمسة",
        "مستقبل روي في. واد في المحكمة",
        "Mr. Smith met Dr. Jones in the U.S. yesterday",
        "e.g. this and i.e. that",
        "the rule No. 5 applies",
        "Apples, pears etc. were sold",
        "J. K. Rowling wrote it",
        "زوروا الموقع http://www.example.com/news/2024.html للمزيد",
        "زوروا www.aljazeera.net للمزيد",
        "نشر الخبر على aljazeera.net وغيره",
        "وأخبر ستوريدج موقع LiverpoolFC.com بذلك",
        "راسلونا على info@example.org للمزيد",
        "وقال إن تفاؤل الوزير الذي أعلن تطويق الرقة (...) لا صلة له بالواقع",
        "وقال إن تطويق الرقة […] لا صلة له بالواقع",
        "أعلن الوزير، اليوم الثلاثاء، أن الاجتماع سيعقد؛ وأضاف أنه مهم",
        'قال: "هل أنت بخير؟"، ثم غادر',
        "انتهى الأمر.، ثم غادر",
        "وقال (!) إنه لم يسمع",
        "نسخة v2.0 من البرنامج",
    ],
)
def test_no_boundary_inside(text):
    assert split_sentences(text) == [text]


def test_list_numbers_at_line_start_are_not_sentences():
    text = "1. البند الأول\n2. البند الثاني\n10. البند العاشر. وفيه جملتان"
    assert split_sentences(text) == ["1. البند الأول", "2. البند الثاني", "10. البند العاشر.", "وفيه جملتان"]


def test_an_abbreviation_does_not_hide_a_following_boundary():
    assert split_sentences("التقى د. أحمد بالوزير. ثم غادر.") == ["التقى د. أحمد بالوزير.", "ثم غادر."]


def test_a_spelled_out_acronym_ends_a_sentence():
    assert split_sentences("بث ذلك على سي إن إن. وقال المذيع") == ["بث ذلك على سي إن إن.", "وقال المذيع"]


def test_a_url_keeps_its_dots_but_the_stop_after_it_counts():
    text = "راجع www.example.com/page.html. ثم عد إلينا."
    assert split_sentences(text) == ["راجع www.example.com/page.html.", "ثم عد إلينا."]


def test_a_line_opening_with_stops_is_not_a_sentence_of_its_own():
    assert split_sentences("... وتابع حديثه. ثم غادر") == ["... وتابع حديثه.", "ثم غادر"]


# --- seeds --------------------------------------------------------------------------------------


def test_seed_000_glued_stop(seed_texts):
    sentences = split_sentences(seed_texts[0])
    assert (
        "ووجه المبعوث الأممي، دعوة من موسكو، إلى إعادة العمل بوقف إطلاق النار في سورية، أثناء مباحثاته مع وزير الخارجية سيرغي لافروف."
        in sentences
    )
    assert any(s.startswith('ونقلت وكالة "فرانس برس"') for s in sentences)


def test_seed_000_opening_quote_closed_at_the_end_of_the_line(seed_texts):
    sentences = split_sentences(seed_texts[0].splitlines()[0])
    assert sentences[-1] == 'إذا تمكنا من فعل ذلك فسنعود إلى المسار الصحيح."'


def test_seed_004_glued_stop_and_bracketed_ellipsis(seed_texts):
    sentences = split_sentences(seed_texts[4])
    first = sentences[0]
    assert first.endswith("على الأرض.")
    assert sentences[1].startswith("ويتوسط دي ميستورا في جولة محادثات سياسية")
    bracketed = [s for s in sentences if "(...)" in s]
    assert len(bracketed) == 1
    assert bracketed[0].startswith("وقال المتحدث باسم الجيش الروسي")
    assert bracketed[0].endswith('لا صلة له بالواقع والوضع الميداني".')


def test_seed_001_quotes_after_colon_and_arabic_comma_stay_in_one_sentence(seed_texts):
    lines = seed_texts[1].splitlines()
    sentences = split_sentences(seed_texts[1])
    assert lines[1] in sentences  # ...:” ... طرف”، وأضاف ...:”روسيا ... المفاوضات”.
    assert sentences[-1] == "المصدر: موقع روسيا اليوم"


@pytest.mark.parametrize("index", range(5))
def test_invariant_on_seeds_raw_and_cleaned(seed_texts, index):
    _check_invariant(seed_texts[index])
    _check_invariant(clean_article(seed_texts[index]).text)


def test_arabic_comma_and_semicolon_never_split(seed_texts):
    for sentence in split_sentences(seed_texts[0]):
        assert not sentence.endswith(("،", "؛"))


# --- invariants and robustness ------------------------------------------------------------------

_ALPHABET = (
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى")
    + list("abcXYZ019١٢٣")
    + [" ", " ", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\u200b"]
    + list(".!?؟…،؛:\"'“”«»()[]-@/&ـًٌ")
    + ["...", "www.", "http://", ".com", "د.", "Mr.", "1. ", '."', ".“", "(...)"]
)


def test_invariant_on_random_strings():
    rng = random.Random(20240501)
    for _ in range(3000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 60)))
        _check_invariant(text)


def test_invariant_with_hypothesis():
    hypothesis = pytest.importorskip("hypothesis")
    strategies = pytest.importorskip("hypothesis.strategies")

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(strategies.text())
    def check(text: str) -> None:
        _check_invariant(text)

    check()


def test_spans_match_sentences():
    text = '  العنوان\n\nقال د. أحمد: انتهى الأمر.وقال آخر "لا".   ثم غادر؟ نعم!  '
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    assert all(a < b for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


def test_empty_and_blank_input():
    assert split_sentences("") == []
    assert split_sentences(" \n\t \u00a0\n") == []
    assert split_sentences("...") == ["..."]


def test_long_sentence_without_punctuation_is_one_sentence():
    text = " ".join(["كلمة"] * 1000)
    assert len(text) >= 4999
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "a." * 5000,
        "ب" * 5000,
        "x" * 5000 + ".",
        ("a" * 40 + "@") * 120,
        "www." + "a." * 2500,
        '"."' * 1700,
    ],
)
def test_pathological_inputs_keep_the_invariant(text):
    _check_invariant(text)


def test_long_article(seed_texts):
    text = "\n".join(seed_texts) * 8
    assert len(text) > 100_000
    sentences = _check_invariant(text)
    assert len(sentences) > 800
