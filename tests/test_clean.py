"""Cleaning: each artefact of the seed articles, Unicode care, HTML, and complete reporting."""

from __future__ import annotations

import json
import re

import pytest

from summarizer.stages.clean import CleanedArticle, Removal, clean_article


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def _kinds(article: CleanedArticle) -> dict[str, list[int | None]]:
    out: dict[str, list[int | None]] = {}
    for removal in article.removed:
        out.setdefault(removal.kind, []).append(removal.line)
    return out


def _assert_everything_reported(raw: str, article: CleanedArticle) -> None:
    """Every non-blank input line is kept, or reported removed, whole or in part (by its line number)."""
    kept = article.text.split("\n")
    by_line = {removal.line: removal for removal in article.removed if removal.line is not None}
    for number, line in enumerate(raw.splitlines(), start=1):
        normalised = " ".join(line.split())
        if not normalised:
            continue
        removal = by_line.get(number)
        if removal is None:
            assert normalised in kept, f"line {number} vanished without a report"
        elif removal.kind == "trailing-ampersand":
            assert normalised.removesuffix(removal.text).rstrip() in kept
        else:
            assert removal.text == normalised
            if removal.kind != "duplicate":
                assert normalised not in kept


# --- seed artefacts ------------------------------------------------------------------------------


def test_seed_000_is_left_alone(seed_texts):
    """A clean article: nothing removed, and "ذلك...كلنا" inside a paragraph is no teaser."""
    article = clean_article(seed_texts[0])
    assert article.removed == []
    assert article.text == "\n".join(_lines(seed_texts[0]))


def test_seed_001_source_line_is_boilerplate(seed_texts):
    article = clean_article(seed_texts[1])
    assert [(r.kind, r.text, r.line) for r in article.removed] == [
        ("boilerplate", "المصدر: موقع روسيا اليوم", 12)
    ]
    assert article.text.endswith("سيجري زيارة إلى الرياض وطهران بعد موسكو.")


def test_seed_002_separators_and_trailing_ampersands(seed_texts):
    article = clean_article(seed_texts[2])
    kinds = _kinds(article)
    assert kinds["separator"] == [n for n in range(2, 33, 2)]
    assert kinds["trailing-ampersand"] == [23, 25]
    assert all(r.text == "&" for r in article.removed)
    assert "&" not in article.text
    lines = article.text.split("\n")
    assert "تهدئة" in lines  # the short line that carried the "&" stays
    assert "كيري وميستورا" in lines  # a caption in the middle stays
    assert any(line.endswith("وآفاق العملية التفاوضية.") for line in lines)
    assert len(lines) == 17


def test_seed_003_teaser_and_trailing_boilerplate(seed_texts):
    raw = seed_texts[3]
    article = clean_article(raw)
    raw_lines = raw.splitlines()
    assert [(r.kind, r.line) for r in article.removed] == [
        ("teaser", 3),
        ("boilerplate", 32),
        ("boilerplate", 33),
        ("boilerplate", 35),
    ]
    assert article.removed[0].text == raw_lines[2]
    assert article.removed[0].text.endswith("تتسبب...")
    lines = article.text.split("\n")
    assert lines[0] == "دي ميستورا في موسكو لإنقاذ الهدنة في سوريا"  # the headline stays
    assert lines[1] == "استيفان دي ميستورا"  # so does the caption between teaser and paragraph
    assert lines[2] == raw_lines[5]  # the full paragraph
    assert lines[-1].endswith("الأمر الذي طلبته واشنطن.")
    assert not {"أقسام", "أخبار", "أخبار متعلقة"} & set(lines)


def test_seed_003_nbsp_becomes_a_space(seed_texts):
    article = clean_article(seed_texts[3])
    assert "\u00a0" not in article.text
    assert "وتابع: “لذا، فإن روسيا" in article.text


def test_seed_004_glued_teaser(seed_texts):
    raw_lines = seed_texts[4].splitlines()
    article = clean_article(seed_texts[4])
    assert [(r.kind, r.line) for r in article.removed] == [("teaser", 1)]
    assert article.removed[0].text == raw_lines[0]
    lines = article.text.split("\n")
    assert lines[0] == raw_lines[1]
    assert lines[1] == raw_lines[2]


@pytest.mark.parametrize("index", range(5))
def test_everything_removed_from_a_seed_is_reported(seed_texts, index):
    _assert_everything_reported(seed_texts[index], clean_article(seed_texts[index]))


# --- duplicates ----------------------------------------------------------------------------------


def test_later_copies_of_a_paragraph_are_duplicates(seed_texts):
    lines = seed_texts[0].splitlines()
    raw = "\n".join([*lines[:5], "  " + lines[3].replace(" ", "   ", 2) + " ", *lines[5:], lines[3]])
    article = clean_article(raw)
    assert [(r.kind, r.line) for r in article.removed] == [("duplicate", 6), ("duplicate", len(lines) + 2)]
    assert article.removed[0].text == lines[3]
    assert article.text.split("\n").count(lines[3]) == 1
    assert article.text == "\n".join(_lines(seed_texts[0]))


def test_a_headline_that_begins_the_lead_is_no_teaser():
    raw = "دي ميستورا في موسكو لإنقاذ الهدنة في سوريا\nدي ميستورا في موسكو لإنقاذ الهدنة في سوريا اليوم بعد أسبوع من القتال."
    assert clean_article(raw).removed == []


def test_a_short_repeated_prefix_is_no_teaser():
    raw = "قال الوزير...\nقال الوزير إن المحادثات مستمرة."
    assert clean_article(raw).removed == []


def test_a_repeated_lead_sentence_is_a_teaser():
    lead = "أعلن وزير الخارجية الروسي أن المحادثات مع المبعوث الأممي ستبدأ غدا."
    raw = f"{lead}\n{lead} وأضاف أن الهدنة صامدة حتى الآن."
    article = clean_article(raw)
    assert [(r.kind, r.line) for r in article.removed] == [("teaser", 1)]


# --- trailing boilerplate ------------------------------------------------------------------------

BODY = "قال الوزير إن المحادثات مستمرة.\nوأضاف أن الهدنة صامدة."


@pytest.mark.parametrize(
    "tail",
    [
        ["اقرأ أيضا", "لافروف يلتقي دي ميستورا في موسكو اليوم", "كيري يزور جنيف لبحث الهدنة"],
        ["اقرأ أيضاً:"],
        ["مواضيع ذات صلة"],
        ["شارك", "تويتر", "فيسبوك"],
        ["شارك هذا المقال"],
        ["تابعونا على فيسبوك"],
        ["الوسوم: سوريا، روسيا"],
        ["كلمات مفتاحية: سوريا"],
        ["المصدر: وكالات"],
        ["المصدر : الجزيرة + وكالات"],
        ["سوريا", "الوسوم"],
    ],
)
def test_trailing_boilerplate(tail):
    article = clean_article(BODY + "\n" + "\n".join(tail))
    assert article.text == BODY
    assert [r.kind for r in article.removed] == ["boilerplate"] * len(tail)
    assert [r.text for r in article.removed] == tail
    assert [r.line for r in article.removed] == list(range(3, 3 + len(tail)))


def test_boilerplate_words_inside_the_article_stay():
    raw = "أخبار\nالمصدر: مسؤول روسي طلب عدم ذكر اسمه.\n" + BODY
    assert clean_article(raw).removed == []


def test_a_short_last_line_without_boilerplate_stays():
    raw = BODY + "\nدي ميستورا يزور موسكو"
    assert clean_article(raw).removed == []


def test_the_first_line_is_never_boilerplate():
    assert clean_article("أخبار").text == "أخبار"


# --- characters ----------------------------------------------------------------------------------


def test_diacritics_and_tatweel_are_kept():
    raw = "قَالَ الوَزِيرُ إِنَّ المُحَادَثَاتِ مُسْتَمِرَّةٌ فِي جـــنيف."
    article = clean_article(raw)
    assert article.text == raw
    assert article.removed == []


def test_invisible_characters_are_removed_and_reported_once():
    raw = "\ufeffقال\u200b الوزير\u200f إن\u200e المحادثات\u00ad مستمرة\u202b.\u2066"
    article = clean_article(raw)
    assert article.text == "قال الوزير إن المحادثات مستمرة."
    assert len(article.removed) == 1
    removal = article.removed[0]
    assert removal.kind == "invisible"
    assert removal.line is None
    assert removal.text.startswith("7 invisible characters")


def test_nul_bytes_are_named_as_such_not_as_bidi_marks():
    article = clean_article("قال\x00 الوزير\x00 إن المحادثات مستمرة.")
    assert article.text == "قال الوزير إن المحادثات مستمرة."
    (removal,) = article.removed
    assert removal.text == "2 invisible characters (2 NUL (zero byte))"
    assert "bidi" not in removal.text


def test_lone_surrogates_are_replaced_and_reported():
    article = clean_article("قال الوزير\udc80 إن المحادثات\ud800 مستمرة.")
    assert article.text == "قال الوزير\ufffd إن المحادثات\ufffd مستمرة."
    article.text.encode("utf-8")  # writable as UTF-8 again
    (removal,) = article.removed
    assert removal.kind == "invalid" and "2 invalid characters" in removal.text and "U+FFFD" in removal.text


def test_presentation_forms_become_standard_letters():
    raw = "\ufefb\ufecb\ufe92 \ufdf2 \ufe8d\ufedf\ufee4\ufecc\ufee0\ufee2"  # ﻻﻋﺒ ﷲ ﺍﻟﻤﻌﻠﻢ
    assert clean_article(raw).text == "لاعب الله المعلم"


def test_isolated_harakat_forms_attach_to_their_letter():
    assert clean_article("كتب\ufe70").text == "كتب\u064b"


def test_nfc_and_spaces():
    raw = "  قال\u00a0الوزير\u2009 إن\t\tالمحادثات   مستمرة  \n\n\n\u3000\nوأضاف\u202fأنها  مهمة  "
    article = clean_article(raw)
    assert article.text == "قال الوزير إن المحادثات مستمرة\nوأضاف أنها مهمة"
    assert clean_article("e\u0301").text == "\u00e9"
    assert clean_article("ا\u0653").text == "\u0622"  # alef + madda -> آ


def test_a_clean_paragraph_is_unchanged():
    raw = "أعلن وزير الخارجية الأميركي جون كيري أن العمل جار لاستئناف نظام وقف إطلاق النار في حلب."
    article = clean_article(raw)
    assert article.text == raw
    assert article.removed == []


# --- HTML ----------------------------------------------------------------------------------------


def test_html_is_stripped_to_its_text():
    raw = (
        "<html><head><style>p {color: red}</style><script>var a = '<p>x</p>';</script></head><body>"
        "<h1>عنوان الخبر</h1><p>قال الوزير&nbsp;إن <a href='/x'>المحادثات</a> مستمرة.<br>"
        "وأضاف أن &quot;الهدنة&quot; صامدة.</p><!-- ad --><div>فقرة &amp; أخيرة.</div></body></html>"
    )
    article = clean_article(raw)
    assert (
        article.text
        == 'عنوان الخبر\nقال الوزير إن المحادثات مستمرة.\nوأضاف أن "الهدنة" صامدة.\nفقرة & أخيرة.'
    )
    html_removals = [r for r in article.removed if r.kind == "html"]
    assert len(html_removals) == 1
    assert "script/style" in html_removals[0].text
    assert "var a" not in article.text and "color" not in article.text


def test_html_paragraphs_and_source_line_breaks():
    raw = "<p>السطر الأول\nيكمل الفقرة.</p>\n<p>فقرة ثانية.</p>"
    assert clean_article(raw).text == "السطر الأول يكمل الفقرة.\nفقرة ثانية."


def test_plain_text_with_ampersands_is_not_html(seed_texts):
    assert "html" not in _kinds(clean_article(seed_texts[2]))


def test_entities_in_plain_text_are_decoded_and_reported():
    article = clean_article("قال &quot;نعم&quot; &amp; غادر")
    assert article.text == 'قال "نعم" & غادر'
    assert [r.kind for r in article.removed] == ["html"]


# --- results -------------------------------------------------------------------------------------


def test_results_serialise_to_json(seed_texts):
    article = clean_article(seed_texts[3])
    data = json.loads(json.dumps(article.to_dict(), ensure_ascii=False))
    assert data["text"] == article.text
    assert data["removed"][0] == {"kind": "teaser", "text": article.removed[0].text, "line": 3}
    assert Removal("invisible", "1 zero-width/bidi character", None).to_dict()["line"] is None


def test_output_has_no_blank_lines_and_stripped_lines(seed_texts):
    for raw in seed_texts:
        text = clean_article(raw).text
        assert "\n\n" not in text
        assert all(line == line.strip() and line for line in text.split("\n"))
        assert not re.search(r" {2,}", text)


def test_long_input(seed_texts):
    raw = "\n".join(seed_texts) * 8
    assert len(raw) > 100_000
    article = clean_article(raw)
    assert article.text
    assert any(r.kind == "duplicate" for r in article.removed)


def test_empty_input():
    assert clean_article("") == CleanedArticle("", [])
    assert clean_article(" \n & \n").text == ""
