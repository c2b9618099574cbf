"""The polarity check: a sentence negated on one side only is flagged; what only looks like a negation,
or is negated on both sides in other words, is not."""

from __future__ import annotations

import pytest

from summarizer.checks import CATALOGUE
from summarizer.checks.negation import MAX_QUOTED, arabic_polarity, check_negation, english_polarity
from summarizer.checks.numbers_en import name_number_starts
from summarizer.checks.registry import CHECKS, PAIR, SEVERITY_OF, SUMMARY_TRANSLATION, run_checks


def flagged(arabic: str, english: str) -> str | None:
    """Which side the check says is negated ("arabic", "english"), or None."""
    findings = check_negation(arabic, english)
    assert len(findings) <= 1
    return findings[0].evidence["negated"] if findings else None


# Negation lost, added or flipped: (Arabic, English, the side that is negated).
TRUE_POSITIVES = [
    ("لم يوافق الوزير على الاقتراح", "The minister agreed to the proposal", "arabic"),
    ("لا بديل عن الحل السياسي", "There is an alternative to the political solution", "arabic"),
    ("لن تشارك الحكومة في المؤتمر", "The government will take part in the conference", "arabic"),
    ("ليس هناك أي دليل على ذلك", "There is evidence of that", "arabic"),
    ("وليست هذه المرة الأولى", "And this is the first time", "arabic"),
    ("فلم يتمكن الفريق من الفوز", "So the team managed to win", "arabic"),
    ("سافر الوفد بدون تأشيرات", "The delegation travelled with visas", "arabic"),
    ("قرر عدم الترشح للانتخابات", "He decided to run in the elections", "arabic"),
    ("وافق الوزير على الاقتراح", "The minister did not agree to the proposal", "english"),
    ("وقعت الحكومة الاتفاق أمس", "The government didn't sign the agreement yesterday", "english"),
    ("يمكن للمواطنين التصويت", "Citizens cannot vote", "english"),
    ("حضر الرئيس الاجتماع", "The president never attended the meeting", "english"),
    ("وجد المحققون أدلة", "The investigators found no evidence", "english"),
    ("نجح الفريق في الوصول إلى النهائي", "The team failed to reach the final", "english"),
    ("غادر الوفد مع المترجمين", "The delegation left without the interpreters", "english"),
    ("قال إنه يعرف الحقيقة", "He said nobody knows the truth", "english"),
]


@pytest.mark.parametrize(("arabic", "english", "side"), TRUE_POSITIVES)
def test_a_sentence_negated_on_one_side_only_is_flagged(arabic, english, side):
    assert flagged(arabic, english) == side


# Negated on both sides (in other words), or only looking like a negation: no finding.
FAITHFUL = [
    ("لم يوافق الوزير على الاقتراح", "The minister did not agree to the proposal"),
    ("لم يوافق الوزير على الاقتراح", "The minister refused the proposal"),  # a lexical negation
    ("لا بديل عن الحل السياسي", "There is no alternative to the political solution"),
    ("قرار غير رسمي", "An unofficial decision"),  # غير as un-
    ("منظمة غير حكومية", "A non-governmental organisation"),
    ("يعاني البلد من عدم الاستقرار", "The country suffers from instability"),
    ("رفض الوزير الاقتراح", "The minister did not accept the proposal"),
    ("لا يزال الوضع صعبا", "The situation is still difficult"),  # still
    ("ما زال الوضع صعبا", "The situation is still difficult"),
    ("ارتفعت الأسعار لا سيما في المدن", "Prices rose, especially in the cities"),  # especially
    ("لا بد من الحوار", "Dialogue is a must"),
    ("لم يبق إلا ثلاثة أيام", "Only three days remain"),  # negation + إلا: only
    ("ليس فقط في مصر", "Not only in Egypt"),
    ("قال ما يعرفه عن الحادث", "He said what he knows about the accident"),  # ما: what
    ("كما قال الوزير عندما وصل", "As the minister said when he arrived"),
    ("لا يقل عن عشرة أشخاص", "At least ten people"),  # at least
    ("ستبدأ الحرب ما لم يتدخل المجتمع الدولي", "War will start unless the international community intervenes"),
    ("أعلن أنه لم يعد رئيسا للحزب", "He announced that he is no longer the party leader"),
    ("لا أعلم إن كان سيأتي أم لا", "I don't know whether he will come or not"),
    ("أطباء بلا حدود", "Doctors Without Borders"),
    ("لا تتردد في السؤال", "Feel free to ask"),
    ("يعاني الاقتصاد من مشاكل", "The economy has not only problems but opportunities"),  # not only
    ("لا شك أن الوضع خطير", "No doubt the situation is serious"),
    ("بلغ عدد الضحايا 5 أشخاص", "The death toll reached No. 5"),
    ("وصل خمسة أشخاص على الأقل", "No fewer than five people arrived"),
    ("ومع ذلك وافق البرلمان", "Nonetheless, parliament agreed"),
    ("وقع الاتفاق", "The agreement was signed"),
]


@pytest.mark.parametrize(("arabic", "english"), FAITHFUL)
def test_faithful_pairs_and_look_alikes_are_not_flagged(arabic, english):
    assert flagged(arabic, english) is None


def test_the_message_is_one_plain_sentence_with_the_cues_as_evidence():
    finding = check_negation("لم يوافق الوزير على الاقتراح", "The minister agreed to the proposal")[0]
    assert finding.code == "negation-mismatch" and finding.severity == "error"
    assert finding.message == "The Arabic is negated (لم يوافق); the English is not."
    assert finding.evidence["arabic"] == ["لم يوافق"] and finding.evidence["english"] == []
    english = check_negation("وافق الوزير على الاقتراح", "The minister did not agree to the proposal")[0]
    assert english.message == "The English is negated (did not agree); the Arabic is not."
    for f in (finding, english):
        assert f.message.count(".") == 1 and f.message.endswith(".") and "negation-mismatch" not in f.message


def test_more_negations_on_one_side_than_the_other_can_account_for():
    """Negated twice in the Arabic, once in the English: one "not" was lost."""
    arabic = "لم يوافق الوزير على الاقتراح ولن يوقع الاتفاق"
    assert flagged(arabic, "The minister did not agree to the proposal and will sign the agreement") == "arabic"
    assert flagged(arabic, "The minister did not agree to the proposal and will not sign the agreement") is None
    finding = check_negation(arabic, "The minister did not agree to the proposal and will sign the agreement")[0]
    assert finding.message.endswith("the English has fewer.") and finding.message.count(".") == 1


def test_the_tables_read_clitics_and_forms():
    assert arabic_polarity("ولم يأت فلن يعود وليسوا هنا").strong == ["ولم يأت", "فلن يعود", "وليسوا هنا"]
    assert arabic_polarity("قال ألا يعود").strong == ["ألا يعود"]  # ألا = أن لا
    assert arabic_polarity("إلا أن الوزير وافق").strong == []  # إلا أن: however
    assert arabic_polarity("لم يوافق، إلا أنه وعد بالدراسة").strong == ["لم يوافق"]  # however: still negated
    assert len(english_polarity("He won't, can't and shouldn't; they cannot").strong) == 4
    assert english_polarity("unprecedented, non-binding, homeless, illegal").weak == 4
    assert english_polarity("under the united university").weak == 0


def test_registered_for_pairs_and_summaries_with_one_code():
    assert CHECKS["negation"].looks_at == PAIR and CHECKS["negation"].codes == ("negation-mismatch",)
    assert CHECKS["summary-negation"].looks_at == SUMMARY_TRANSLATION
    assert CHECKS["summary-negation"].codes == ("negation-mismatch",)
    assert "negation-mismatch" in CATALOGUE and SEVERITY_OF["negation-mismatch"] == "error"
    pair = run_checks(PAIR, "لم يوافق الوزير على الاقتراح", "The minister agreed to the proposal")
    assert "negation-mismatch" in {f.code for f in pair}
    summary = [f for f in run_checks(SUMMARY_TRANSLATION, "وافق الوزير على الاقتراح. ووقع الاتفاق.",
                                     "The minister agreed to the proposal. He did not sign the agreement.")
               if f.code == "negation-mismatch"]
    assert summary and summary[0].message.startswith("The English summary is negated (did not sign)")


def test_any_text_pair_gives_a_list():
    assert check_negation("", "not") == [] and check_negation("لم", "") == []
    assert check_negation("لم يوافق", "didn&#39;t agree") == []  # markup read as text


BAD_INPUTS = {
    "digits": ("٣" * 50_000 + "7" * 50_000, "0123456789" * 10_000),
    "particles": ("لا " * 20_000, "no " * 20_000),
    "mixed scripts": ("لم S&P500 لا-not " * 6_000, "n't لا not-لم 5G " * 6_000),
    "one long word": ("ل" * 100_000, "n" * 100_000),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_long_strange_input_is_read_with_bounded_evidence(name):
    """Pathological pairs (timed in ``python -m eval.checks``, not here) give at most one finding whose
    evidence quotes a bounded number of cues."""
    arabic, english = BAD_INPUTS[name]
    findings = check_negation(arabic, english)
    assert len(findings) <= 1
    for f in findings:
        assert len(f.evidence["arabic"]) <= MAX_QUOTED and len(f.evidence["english"]) <= MAX_QUOTED
        assert len(f.message) < 400
    assert isinstance(name_number_starts(arabic + english), set)
