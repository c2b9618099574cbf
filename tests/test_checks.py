"""summarizer.checks: quantities in both languages, every finding code, the public API, markup."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from summarizer.checks.findings import Finding
from summarizer.checks.numbers_ar import extract_arabic
from summarizer.checks.numbers_en import extract_english
from summarizer.checks.registry import CATALOGUE
from summarizer.checks.summary import check_summary, check_summary_translation
from summarizer.checks.translation import check_pairs, check_translation
from tests.conftest import ROOT


def values(quantities) -> list[float]:
    return [q.value for q in quantities]


def hard_values(quantities) -> list[float]:
    return [q.value for q in quantities if q.hard]


def codes(findings) -> set[str]:
    return {f.code for f in findings}


# ---------------------------------------------------------------- Arabic forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل 270 شخصا", 270),  # Western digits
        ("قتل ٢٧٠ شخصا", 270),  # Arabic-Indic digits
        ("قتل ۲۷۰ شخصا", 270),  # Persian digits
        ("بلغ النمو ٣٫٥ نقطة", 3.5),  # Arabic decimal separator
        ("وصل ١٬٢٠٠ جندي", 1200),  # Arabic thousands separator
        ("عبر أكثر من 30،000 شخص", 30000),  # Arabic comma between digits
        ("قتل 270 ألف شخص", 270_000),  # digit + scale
        ("خسر 4 ملايين دولار", 4_000_000),  # digit + plural scale
        ("ربح 1.5 مليار دولار", 1_500_000_000),
        ("صرف 4ر314 مليون دينار", 314_400_000),  # Tunisian agency decimals
    ],
)
def test_arabic_digits(text, expected):
    assert expected in values(extract_arabic(text))
    assert expected in hard_values(extract_arabic(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("جاء واحد فقط", 1),
        ("رأيت ثلاثة رجال", 3),  # masculine
        ("رأيت ثلاث نساء", 3),  # feminine / construct
        ("حضر عشرة أشخاص", 10),
        ("حضر عشرة", 10),
        ("حضر خمسة عشر لاعبا", 15),  # teen
        ("حضر عشرون لاعبا", 20),
        ("حضر عشرين لاعبا", 20),
        ("حضر خمسة وعشرون لاعبا", 25),
        ("مئة عام", 100),
        ("مائة عام", 100),
        ("مئتين من الجنود", 200),  # dual
        ("ثلاثمائة رجل", 300),
        ("ثلاث مئة رجل", 300),
        ("ألف عام", 1000),
        ("ثلاثة آلاف جندي", 3000),  # plural scale
        ("عام ألفين", 2000),  # dual scale
        ("عشرين ألفاً", 20_000),  # accusative
        ("مليون شخص", 1_000_000),
        ("ثلاثة ملايين شخص", 3_000_000),
        ("مليوني دولار", 2_000_000),  # dual construct
        ("مليار دولار", 1_000_000_000),
        ("مليون و200 ألف", 1_200_000),  # compound joined by و
    ],
)
def test_arabic_number_words(text, expected):
    assert expected in values(extract_arabic(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وثلاثة أطفال", 3),  # و
        ("بثلاثة أهداف", 3),  # ب
        ("للعشرين", 20),  # لل
        ("الثلاثة", 3),  # ال
        ("وبالثلاثة", 3),  # و + ب + ال
        ("فالخمسة", 5),  # ف + ال
    ],
)
def test_arabic_clitics(text, expected):
    assert expected in values(extract_arabic(text))


def test_arabic_fractions():
    assert values(extract_arabic("نصف السكان")) == [0.5]
    assert values(extract_arabic("ربع السكان")) == [0.25]
    assert values(extract_arabic("ثلث السكان")) == pytest.approx([1 / 3])
    assert values(extract_arabic("نصف مليون")) == [500_000]
    assert values(extract_arabic("مليون ونصف")) == [1_500_000]
    assert not extract_arabic("نصف السكان")[0].hard  # soft: a counterpart only


def test_arabic_ordinals():
    assert values(extract_arabic("الفصل الأول")) == [1]
    assert values(extract_arabic("المرة الثانية")) == [2]
    assert values(extract_arabic("القرن الحادي عشر"))[0] == 11
    q = extract_arabic("القرن الحادي والعشرين")[0]
    assert q.value == 21 and q.hard and 2000 in q.values  # the 21st century is the 2000s
    assert not extract_arabic("الفصل الأول")[0].hard
    assert extract_arabic("في الخامس من آب")[0].hard  # a date


def test_arabic_decades():
    q = extract_arabic("في ستينيات القرن الماضي")[0]
    assert q.kind == "decade" and q.values == {1960} and q.hard
    assert 1980 in extract_arabic("في الثمانينات")[0].values
    assert extract_arabic("خمسينيات القرن التاسع عشر")[0].values == {1850}


@pytest.mark.parametrize("text", ["50%", "50 ٪", "50 بالمئة", "50 بالمائة", "50 في المئة", "50 في المائة"])
def test_arabic_percent(text):
    q = extract_arabic(f"ارتفع بنسبة {text}")
    assert [(x.value, x.kind) for x in q] == [(50, "percent")]


def test_arabic_hijri_and_time():
    hijri = extract_arabic("عام 1440 هـ")[0]
    assert hijri.kind == "year-hijri" and {1440, 2018, 2019} <= hijri.values
    clock = extract_arabic("الساعة 11:35 مساء")[0]
    assert clock.kind == "time" and 11 not in clock.values and any(abs(v - 23 - 35 / 60) < 1e-9 for v in clock.values)


def test_arabic_vague_plurals_and_names():
    assert extract_arabic("آلاف الأشخاص") == []  # "thousands"
    assert not extract_arabic("إيما ستون")[0].hard  # Stone
    assert values(extract_arabic("الأربع واثنين")) == [4, 2]  # two numbers, not 6


# ---------------------------------------------------------------- English forms


@pytest.mark.parametrize(
    ("text", "expected", "hard"),
    [
        ("1,500,000 people", 1_500_000, True),
        ("1500000 people", 1_500_000, True),
        ("2.5 points", 2.5, True),
        ("1.5 million", 1_500_000, True),
        ("270 thousand", 270_000, True),
        ("£2.8bn market", 2_800_000_000, True),
        ("twenty-five", 25, True),
        ("two hundred and fifty thousand", 250_000, True),
        ("three million", 3_000_000, True),
        ("a million", 1_000_000, True),
        ("one of them", 1, False),
        ("two sides", 2, False),
        ("1st", 1, True),
        ("21st", 21, True),
        ("first", 1, False),
        ("twenty-first", 21, False),
        ("1960s", 1960, True),
        ("the '60s", 1960, True),
        ("the sixties", 1960, True),
        ("half", 0.5, False),
        ("two-thirds", 2 / 3, False),
        ("50%", 50, True),
        ("20 percent", 20, True),
        ("12 per cent", 12, True),
        ("Louis XVI", 16, False),
    ],
)
def test_english_forms(text, expected, hard):
    found = extract_english(text)
    assert found, text
    assert found[0].value == pytest.approx(expected) and found[0].hard is hard


def test_english_ranges_times_and_groups():
    assert 2012 in extract_english("2010-12")[1].values
    assert 1135 in extract_english("at 11:35")[0].values
    assert 17.5 in extract_english("at 5.30pm")[0].values
    assert 116123 in extract_english("call 116 123")[0].values
    assert extract_english("hundreds of people and thousands") == []


# ---------------------------------------------------------------- numbers inside Latin names


@pytest.mark.parametrize(
    ("text", "name_number"),
    [
        ("The S&P 500 rose", 500), ("an Airbus A320 landed", 320), ("two F-16 jets", 16), ("COVID-19 cases", 19),
        ("the G20 summit", 20), ("a Boeing 737 crashed", 737), ("flight MH17", 17), ("on Windows 11", 11),
        ("a PS5 console", 5), ("the new iPhone 15", 15), ("5G networks", 5), ("a Mi-8 helicopter", 8),
        ("Nord Stream 2", 2), ("a Boeing 737-800", 800),
    ],
)
def test_english_numbers_inside_latin_names_are_not_quantities(text, name_number):
    assert name_number not in hard_values(extract_english(text)), text
    assert name_number in values(extract_english(text))  # still a counterpart of the same number on the other side


@pytest.mark.parametrize(
    ("text", "name_number"),
    [
        ("ارتفع مؤشر S&P 500 أمس", 500), ("مقاتلتان إف-16", 16), ("إصابات كوفيد-19 في البلاد", 19),
        ("طائرة بوينغ 737 سقطت", 737), ("منظومة إس-400 الروسية", 400), ("شبكات 5G الجديدة", 5),
    ],
)
def test_arabic_numbers_inside_latin_names_are_not_quantities(text, name_number):
    assert name_number not in hard_values(extract_arabic(text)), text


def test_a_code_the_arabic_copies_in_latin_letters_must_match():
    """The Arabic writes HER2 or A320 as the English does: a changed or dropped code is a finding."""
    assert "number-mismatch" in codes(check_translation("بروتين يسمى HER2 في الخلايا", "a protein called HER8 in cells"))
    assert "number-mismatch" in codes(check_translation("هبطت طائرة A320 بسلام", "An Airbus landed safely"))
    assert not codes(check_translation("هبطت طائرة A320 بسلام", "An A320 plane landed safely"))


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("500 people were killed", 500), ("It costs $172.50 now", 172.5), ("in mid-2019", 2019),
        ("on March 5", 5), ("Article 5 of the treaty", 5), ("a 5km run", 5), ("Resolution 2254", 2254),
    ],
)
def test_quantities_next_to_latin_words_stay_quantities(english, expected):
    assert expected in hard_values(extract_english(english))


def test_a_name_with_a_number_is_no_number_mismatch():
    """An article with "S&P 500" and "172.50": the index's 500 is a name, the price is a quantity."""
    arabic = "ارتفع مؤشر S&P 500 بنسبة 2 بالمئة ليغلق عند 172.50 نقطة"
    for english in ("The S&P rose 2 percent to close at 172.50 points",
                    "The Standard & Poor's index rose 2 percent to close at 172.50 points"):
        assert not codes(check_translation(arabic, english)) & {"number-mismatch", "number-unsupported"}
    assert not codes(check_translation("ارتفع مؤشر ستاندرد آند بورز إلى 172.50 نقطة",
                                       "The S&P 500 rose to 172.50 points"))
    changed = check_translation(arabic, "The S&P 500 rose 2 percent to close at 127.50 points")
    assert [f.code for f in changed] == ["number-mismatch"] and "172.50" in json.dumps(changed[0].to_dict())


# ---------------------------------------------------------------- translation checks


def test_number_mismatch_message():
    found = check_translation("قتل 300 شخص في الهجوم على القرية", "30 people were killed in the attack on the village")
    assert [f.code for f in found] == ["number-mismatch"]
    assert found[0].message == "The Arabic says 300; the English says 30."
    assert found[0].evidence["source"]["value"] == 300 and found[0].evidence["output"]["value"] == 30


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        ("قتل 270 ألف شخص في الحرب الطويلة", "270,000 people were killed in the long war"),
        ("خسرت الشركة 4 ملايين دولار هذا العام", "The company lost four million dollars this year"),
        ("قتل ثلاثة أشخاص في الهجوم على القرية", "3 people were killed in the attack on the village"),
        ("ارتفعت الأسعار بنسبة 50 بالمئة هذا العام", "Prices rose by 50% this year"),
        ("عمل مستشارا للرئيس في ستينيات القرن الماضي", "He worked as an adviser to the president in the 1960s"),
        ("ولد في القرن الحادي والعشرين في مدينة صغيرة", "He was born in the 21st century in a small town"),
        ("وصل ١٬٥٠٠ جندي إلى المدينة يوم الأحد", "1.5 thousand soldiers reached the city on Sunday"),
        ("انطلق السباق عند الساعة 15:00 بالتوقيت المحلي", "The race started at 3 p.m. local time"),
        ("أحد اللاعبين أصيب في المباراة الأولى", "A player was injured in the match"),
    ],
)
def test_equivalent_forms_are_no_finding(arabic, english):
    assert not codes(check_translation(arabic, english)) & {"number-mismatch", "number-unsupported"}


def test_number_dropped_and_added():
    dropped = check_translation("قتل 12 شخصا في عام 2019 في الهجوم", "12 people were killed in the attack")
    assert [f.code for f in dropped] == ["number-mismatch"] and "2019" in dropped[0].message
    added = check_translation("قتل أشخاص في الهجوم على القرية", "7 people were killed in the attack on the village")
    assert [f.code for f in added] == ["number-unsupported"]


def test_thousand_million_swap_is_a_finding():
    assert "number-mismatch" in codes(check_translation("قتل 270 ألف شخص في الحرب", "270 million people died in the war"))


def test_hijri_is_not_gregorian():
    assert not codes(check_translation("ولد عام 1440 هـ في مكة", "He was born in 2019 in Mecca"))
    assert "number-mismatch" in codes(check_translation("ولد عام 1440 هـ في مكة", "He was born in 1990 in Mecca"))


def test_a_hijri_year_too_large_for_a_float_is_a_finding_not_a_crash():
    huge = "1" * 400  # float("1" * 400) is infinity, which has no Gregorian year
    assert "number-mismatch" in codes(check_translation(f"قتل 5 أشخاص عام {huge} هـ", "5 people were killed"))
    assert "number-unsupported" in codes(check_translation("قتل 5 أشخاص", f"5 people were killed in {huge} AH"))


def test_repetition_loop():
    found = check_translation("قال الرئيس إن المدينة ستبني جسرا جديدا", "The president said the city of the city of the city of the city")
    assert "repetition-loop" in codes(found)
    assert not codes(check_translation("قال: لا، لا", "He said: no, no."))


def test_length_ratio():
    arabic = "قال الرئيس إن الحكومة ستبني جسرا جديدا فوق النهر في العام المقبل لتخفيف الازدحام في وسط المدينة"
    assert "length-ratio" in codes(check_translation(arabic, "The president said."))
    assert not codes(check_translation(arabic, "The president said the government would build a new bridge over the "
                                               "river next year to ease congestion in the city centre."))


def test_untranslated_and_copy_through():
    arabic = "قال الرئيس إن الحكومة ستبني جسرا جديدا فوق النهر"
    assert codes(check_translation(arabic, arabic)) == {"copy-through"}
    assert "untranslated" in codes(check_translation(arabic, "The president said the government would build a جسرا over the river"))
    # a Latin source copied through (a URL, a quotation) is no finding
    assert not codes(check_translation("www.example.com", "www.example.com"))


def test_markup_is_read_as_text():
    # &#39; is not the number 39, and tags are no words
    assert not check_translation("إنهم لا يريدون ذلك الآن في المدينة", "They don&#39;t want it <b>now</b> in the city")
    assert not check_translation("قتل 5 أشخاص في المدينة", "5 people were killed in the city&amp;#39;s centre")


def test_pairs_are_numbered_and_any_text_works():
    found = check_pairs([("قتل 3 أشخاص في الهجوم", "3 people were killed in the attack"), ("قتل 4 أشخاص", "5 people died")])
    assert found[0] == [] and [f.sentence for f in found[1]] == [1]
    for arabic, english in [("", ""), ("abc", ""), ("٣", "3"), ("...", "!!!"), ("x" * 5000, "y"), ("١٢٣", "")]:
        assert isinstance(check_translation(arabic, english), list)


# ---------------------------------------------------------------- summaries

ARTICLE = [
    "أعلنت وزارة الصحة التونسية اليوم عن افتتاح مستشفى جديد في مدينة صفاقس بتكلفة 50 مليون دينار.",
    "وقال وزير الصحة إن المستشفى سيضم 300 سرير وسيخدم سكان الجنوب التونسي.",
    "وأضاف الوزير أن الأشغال بدأت منذ ثلاث سنوات وأن المستشفى سيفتح أبوابه للمرضى الشهر المقبل.",
    "ويعاني سكان المنطقة من نقص في الخدمات الصحية منذ سنوات طويلة حسب تقارير المنظمات المحلية.",
]


def test_summary_supported_has_no_finding():
    assert check_summary(ARTICLE, "افتتاح مستشفى جديد في صفاقس بتكلفة 50 مليون دينار") == []


def test_summary_unsupported_new_words_and_numbers():
    found = check_summary(ARTICLE, "فوز الترجي الرياضي على النجم الساحلي في نهائي الكأس")
    assert "summary-unsupported" in codes(found) and "summary-new-name" in codes(found)
    assert [f.sentence for f in found if f.code == "summary-unsupported"] == [0]
    numbers = check_summary(ARTICLE, "افتتاح مستشفى جديد في صفاقس بتكلفة 70 مليون دينار")
    assert codes(numbers) == {"number-unsupported"}
    named = check_summary(ARTICLE, "وزير الصحة محمد الطرابلسي يفتتح مستشفى صفاقس")
    assert "summary-new-name" in codes(named)


def test_summary_coverage_and_short_article():
    found = check_summary(ARTICLE, "افتتاح مستشفى جديد في صفاقس", read_fraction=0.61)
    coverage = [f for f in found if f.code == "summary-coverage"]
    assert coverage[0].message.startswith("The summary read the first 61% of the article")
    assert coverage[0].severity == "info"
    assert "short-article" in codes(check_summary(ARTICLE[:1], "افتتاح مستشفى جديد في صفاقس"))
    assert "short-article" not in codes(found)


def test_summary_translation_numbers():
    found = check_summary_translation("افتتاح مستشفى بتكلفة 50 مليون دينار", "A hospital costing 15 million dinars opens")
    assert codes(found) == {"number-mismatch"}


def test_summary_any_text():
    for article, summary in [([], ""), ([""], "x"), (["abc"], "abc"), (ARTICLE, "!!!")]:
        assert isinstance(check_summary(article, summary), list)


# ---------------------------------------------------------------- findings and the import


def test_finding_catalogue_and_to_dict():
    finding = Finding("number-mismatch", "300 in the Arabic, 30 in the English.", evidence={"a": 1})
    assert finding.severity == "error" and finding.sentence is None
    assert json.loads(json.dumps(finding.to_dict())) == {
        "code": "number-mismatch", "message": "300 in the Arabic, 30 in the English.", "severity": "error",
        "sentence": None, "evidence": {"a": 1},
    }
    assert finding.at(3).sentence == 3
    assert set(CATALOGUE) == {
        "number-mismatch", "number-unsupported", "repetition-loop", "length-ratio", "untranslated", "copy-through",
        "summary-unsupported", "summary-new-name", "summary-coverage", "short-article", "negation-mismatch",
        "name-unsupported", "name-missing",
    }
    with pytest.raises(ValueError, match="unknown finding code"):
        Finding("no-such-code", "x")


def test_import_is_model_free():
    code = (
        "import sys; from summarizer.checks import check_translation, check_summary; "
        "check_translation('قتل 3', '3 killed'); check_summary(['قتل 3 أشخاص'], 'قتل 3'); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_number_too_large_for_a_float_gives_strict_json_evidence():
    """Hundreds of digits read as infinity: the finding still goes out as JSON (no Infinity, which a
    REST answer or a JSON line cannot carry)."""
    big = "9" * 400
    findings = check_translation(f"قال الوزير إن العدد بلغ {big} شخصا.", "The minister said the number reached 5 people.")
    record = [f.to_dict() for f in findings]
    assert json.loads(json.dumps(record, allow_nan=False)) == record
    assert any(f.code == "number-mismatch" for f in findings)
