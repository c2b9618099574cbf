"""What a reader is told about a finding: plain sentences, the values as written, no internal codes, no
".;" joins; the low-confidence mark said in words, not only in a tooltip a phone cannot show. The codes
stay in the JSON, for programs."""

from __future__ import annotations

import re

from summarizer.checks import Finding, check_translation
from summarizer.render import aligned_html, reasons_text, to_markdown, to_text
from summarizer.result import Result, SentencePair


def test_a_changed_number_is_said_as_the_reader_finds_it_on_each_side():
    (found,) = check_translation("ارتفع المؤشر إلى 172.50 نقطة.", "The index rose to 2 points.")
    assert found.code == "number-mismatch"
    assert found.message == "The Arabic says 172.50; the English says 2."


def test_a_dropped_and_an_added_number_say_which_side_lacks_them():
    dropped = check_translation("قتل 300 شخص.", "People were killed.")
    added = check_translation("اندلعت الحرب.", "The war broke out in 2011.")
    assert [f.message for f in dropped] == ["The Arabic says 300; the English does not."]
    assert [f.message for f in added] == ["The English says 2011; the Arabic does not."]


def test_a_number_in_words_is_shown_with_the_words_that_state_it():
    (found,) = check_translation("قتل ثلاثمائة شخص.", "30 people were killed.")
    assert found.message == "The Arabic says 300 (ثلاثمائة); the English says 30."


def _flagged_result() -> Result:
    findings = [Finding("number-mismatch", "The Arabic says 300; the English says 30.", sentence=0),
                Finding("untranslated", "The English leaves 1 Arabic word untranslated (موسكو).", sentence=0)]
    pair = SentencePair(ar="قتل 300 شخص في موسكو.", en="30 people were killed in موسكو.", score=-3.5,
                        findings=findings)
    return Result(sentences=[pair.ar], translation=[pair])


def test_several_reasons_read_as_sentences_one_after_the_other():
    result = _flagged_result()
    joined = reasons_text(result.translation[0].findings)
    assert joined == "The Arabic says 300; the English says 30. The English leaves 1 Arabic word untranslated (موسكو)."
    assert ".;" not in joined


def test_no_surface_shows_a_code_to_a_reader_and_the_json_keeps_them():
    result = _flagged_result()
    shown = [to_markdown(result), to_text(result, "article"), aligned_html(result.translation)]
    for text in shown:
        assert ".;" not in text
        for finding in result.translation[0].findings:
            assert finding.message in text and f"{finding.code}: " not in text
    assert [f["code"] for f in result.to_dict()["translation"][0]["findings"]] == ["number-mismatch", "untranslated"]


def test_the_low_confidence_mark_is_said_in_words_in_the_cell_not_only_in_a_tooltip():
    html = aligned_html(_flagged_result().translation)
    cell = re.search(r'<td class="en unsure".*?</td>', html, re.DOTALL).group(0)
    visible = re.sub(r'title="[^"]*"|aria-label="[^"]*"', "", cell)
    assert 'class="unsure-text"' in visible and "Low confidence" in visible and "-3.50" in visible
