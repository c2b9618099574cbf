"""summarizer.html_reader: the one HTML reader (lxml) behind cleaning, the checks and LibreTranslate's format=html.

Hostile HTML first (unclosed tags, comments, CDATA, script/style content, entities, deep nesting, a
megabyte page), then the fragment's pieces that LibreTranslate translates and writes back, then the
three callers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.html_reader import Markup, Piece, Text, decode_entities, looks_like_html, pieces, to_text

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


def _kept(text: str) -> int:
    """Characters of the source kept as text: ``to_text``'s line ends are its own."""
    return len(text.replace("\n", ""))


# --- the text of a page ---------------------------------------------------------------------------


def test_blocks_end_lines_inline_tags_join_and_source_line_breaks_are_spaces():
    read = to_text("<h1>عنوان</h1><p>قال <b>الوزير</b>\nإن المحادثات<br>مستمرة.</p>")
    assert [line for line in read.text.split("\n") if line] == ["عنوان", "قال الوزير إن المحادثات", "مستمرة."]
    assert read.markup == Markup(elements=4, characters=len("<h1></h1><p><b></b><br></p>"))
    assert to_text("a<b>b</b>c", tag_break=" ").text == "a b c"


def test_a_text_without_markup_is_not_parsed_but_its_entities_are_decoded():
    read = to_text("5 &lt; 7 &amp; 3 > 2\nسطر")
    assert read == Text("5 < 7 & 3 > 2 سطر")


# Each hostile source, the text read out of it, and its markup (elements, blocks, comments); its
# characters are checked to add up separately. What the old hand-written reader (html.parser) did
# differently is said in the comment.
HOSTILE = [
    ("<p>قال <b>الوزير", "قال الوزير", (2, 0, 0)),  # unclosed tags
    ("أ<!-- تعليق -->ب", "أب", (0, 0, 1)),
    ("<p>أ</p><!-- ب ج", "أ", (1, 0, 1)),  # an unterminated comment runs to the end (the old reader kept "<!-- ب ج")
    ("<p>أ<!>ب<!-->ج<? php ?>د</p>", "أبجد", (1, 0, 3)),  # bogus comments (the old reader kept "<!-->")
    ("<p>أ<![CDATA[x<y>z]]>ب</p>", "أب", (1, 0, 1)),  # CDATA goes to its "]]>", not to HTML5's first ">"
    ("<p>أ</p><script>if (a < b && c) { x = '</p>'; }</script><p>ب</p>", "أب", (3, 1, 0)),
    ("<style>p { color: red }</style><p>أ</p>", "أ", (2, 1, 0)),
    ("أ<noscript>ب <span>ج</span></noscript>د<template>هـ</template>و", "أدو", (2, 2, 0)),
    ("أ<script>ب <b>ج</b>", "أب ج", (2, 0, 0)),  # an unclosed script is not a block: what follows is read
    ("أ<noscript>ب <span>ج</span>", "أب ج", (2, 0, 0)),
    ("<p>أ<textarea>ب <i>ج</i></textarea>د</p>", "أب جد", (3, 0, 0)),  # raw-text content is read as HTML
    ("<html><body><p>أ</p></body></html>\n<p>بعد</p>", "أ بعد", (4, 0, 0)),  # after </html>: kept
    ("أ</p>ب</div>ج</span>د", "أبجد", (0, 0, 0)),  # stray end tags: no element, but they end lines
    ("<p>أ</p>ب <a href=\"x", "أب", (2, 0, 0)),  # a tag cut off at the end (the old reader kept it as text)
    ("<!DOCTYPE html><P>أ</P><SCRIPT>x</SCRIPT><BR>ب", "أب", (3, 1, 1)),
    ("<p>أ<svg><![CDATA[x]]></svg>ب</p>", "أب", (2, 0, 1)),
]


@pytest.mark.parametrize(("source", "text", "counts"), HOSTILE)
def test_hostile_html(source, text, counts):
    read = to_text(source)
    assert read.text.replace("\n", "").replace(" ", "") == text.replace(" ", "")
    assert (read.markup.elements, read.markup.blocks, read.markup.comments) == counts
    assert read.markup.characters == len(source) - _kept(read.text)  # what disappeared, no more, no less
    assert "<!--" not in read.text and "<a" not in read.text


def test_stray_end_tags_still_end_lines():
    assert to_text("فقرة أولى.</p>فقرة ثانية.</div>فقرة ثالثة.</b>تكملة").text.split("\n") == [
        "فقرة أولى.", "فقرة ثانية.", "فقرة ثالثة.تكملة"]


def test_entities_are_decoded_once_and_escaped_markup_is_dropped():
    read = to_text("<p>قال &quot;نعم&quot; &amp; &nbsp;غادر &#1575;&#x628; &amp;lt;b&amp;gt; "
                   "&lt;img src=x onerror=alert(1)&gt; 5 &lt; 7</p>")
    assert read.text == '\nقال "نعم" & \xa0غادر اب &lt;b&gt;  5 < 7\n'
    assert read.escaped_tags == ("<img src=x onerror=alert(1)>",)


def test_plain_text_entities_complete_ones_only():
    read = decode_entities("قال &quot;نعم&quot; AT&T &copy 2020\n&#60;script&#62;x")
    assert read.text == 'قال "نعم" AT&T &copy 2020\nx'
    assert read.entities == ("&quot;", "&quot;", "&#60;", "&#62;") and read.escaped_tags == ("<script>",)
    assert decode_entities("AT&T 5 < 7") == Text("AT&T 5 < 7")


def test_characters_later_stages_report_survive_the_parser():
    """NUL, CR, a BOM and control characters reach the invisible-character step as they were written;
    lone surrogates (which no encoder takes) do not stop the reader."""
    read = to_text("\ufeff<p>أ\x00ب\x01ج</p>\r\n<p>د</p>")
    assert read.text.split("\n") == ["\ufeff", "أ\x00ب\x01ج", " ", "د", ""]
    assert to_text("<p>أ\ud800ب</p>").text == "\nأ\ufffdب\n"
    assert [p.text for p in pieces("<b>أ\ud800</b>") if p.kind == "text"] == ["أ\ufffd"]


@pytest.mark.parametrize("tag", ["div", "b", "span"])
def test_deep_nesting_keeps_every_text(tag):
    """libxml2's tree stops at 2,048 elements deep (255 without huge_tree) and drops what is deeper;
    its events do not."""
    source = f"<{tag}>" * 10_000 + "عميق" + f"</{tag}>" * 10_000 + "<p>بعد</p>"
    read = to_text(source)
    assert read.text.replace("\n", "") == "عميقبعد"
    assert read.markup.elements == 10_001 and read.markup.characters == len(source) - len("عميقبعد")


def _page(paragraphs: int) -> tuple[str, list[str]]:
    """A scraped page of about ``paragraphs`` * 250 characters, and the lines of its text."""
    head = "<!DOCTYPE html><html><head><title>عنوان الصفحة</title><style>p { margin: 0 }</style></head><body>"
    body, lines = [], ["عنوان الصفحة"]
    for n in range(paragraphs):
        line = f"الفقرة رقم {n} من الخبر، قال فيها الوزير إن المحادثات مستمرة"
        body.append(f'<div class="c{n}"><!-- إعلان {n} --><p>{line} <a href="/x?id={n}&amp;r=1">'
                    f"رابط</a> &amp; تكملة.</p><script>var n = {n}; if (n < 3) {{ n++; }}</script></div>")
        lines.append(f"{line} رابط & تكملة.")
    return head + "".join(body) + "</body></html>", lines


def test_a_megabyte_page():
    source, lines = _page(5_000)
    assert len(source) > 1_000_000
    read = to_text(source)
    assert [line for line in read.text.split("\n") if line.strip()] == lines
    assert read.markup.blocks == 5_001 and read.markup.comments == 5_001
    # the entities are the only characters neither kept nor markup: "&amp;" kept as "&"
    assert read.markup.characters == len(source) - _kept(read.text) - 4 * 5_000


# Pieces of HTML an attacker or a broken page may put together.
_TOKENS = ["<p>", "</p>", "<b>", "</b>", "<br>", "</div>", "<script>", "</script>", "<style>", "</style>",
           "<noscript>", "</noscript>", "<title>", "</title>", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "'",
           '"', "<a href='", "<!DOCTYPE html>", "</html>", "<body>", "نص", " ", "\n", "x", "=", "/"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40))
def test_any_mix_of_markup_is_read_and_adds_up(tokens):
    source = "".join(tokens)
    read = to_text(source)
    if re.search(r"<[A-Za-z/!?]", source):
        assert read.markup.characters == len(source) - _kept(read.text)
    written = "".join(piece.written for piece in pieces(source))
    assert _texts(pieces(written)) == _texts(pieces(source))  # written back, its texts read the same


def _texts(parts: list[Piece]) -> str:
    return re.sub(r"\s", "", "".join(piece.text for piece in parts if piece.kind == "text"))


def test_looks_like_html_needs_a_known_tag():
    assert looks_like_html("<p>نص</p>") and looks_like_html("نص<br/>نص") and looks_like_html("أ<!-- x -->")
    assert not looks_like_html("5 < 7 > 3") and not looks_like_html("<Reuters> قال") and not looks_like_html("AT&T")


# --- a fragment's pieces ------------------------------------------------------------------------


def test_pieces_write_the_fragment_back():
    source = '<p class="lead">قال &amp; <b>الوزير</b></p><script>if (a < b) x = "خبر";</script><!-- c --><br>'
    parts = pieces(source)
    assert "".join(piece.written for piece in parts) == source
    assert [p.text for p in parts if p.kind == "text"] == ["قال & ", "الوزير"]
    assert Piece('if (a < b) x = "خبر";', "raw") in parts  # a script's content is never escaped


def test_pieces_mark_skipped_texts_and_keep_what_was_written():
    parts = pieces("  <code>شيفرة</code> نص <pre>مسبق <i>مائل</i></pre>", skip=("code", "pre"))
    assert [(p.text, p.skipped) for p in parts if p.kind == "text"] == [
        ("  ", False), ("شيفرة", True), (" نص ", False), ("مسبق ", True), ("مائل", True)]
    written = "".join(p.written for p in pieces("<a href='/x?a=1&amp;b=2' title='قال \"نعم\"'>رابط</a>"))
    assert written == '<a href="/x?a=1&amp;b=2" title="قال &quot;نعم&quot;">رابط</a>'
    # stray end tags are written back; unclosed elements are closed
    assert "".join(p.written for p in pieces("أ</p>ب<ul><li>ج<li>د")) == "أ</p>ب<ul><li>ج</li><li>د</li></ul>"
    assert [p.text for p in pieces("<p>5 < 7 نص</p>") if p.kind == "text"] == ["5 < 7 نص"]  # one text


# --- the three callers ----------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_one_html_reader_in_the_package():
    """Only summarizer/html_reader.py reads HTML; cleaning, the checks and LibreTranslate's routes use it."""
    for path in PACKAGE.rglob("*.py"):
        assert "html.parser" not in _imports(path), path
    assert "..html_reader" in _imports(PACKAGE / "stages" / "clean.py")
    assert "..html_reader" in _imports(PACKAGE / "checks" / "markup.py")
    assert "..html_reader" in _imports(PACKAGE / "web" / "libretranslate.py")
    assert not {name for name in _imports(PACKAGE / "html_reader.py") if name.startswith(("summarizer", "."))}


def test_cleaning_never_keeps_a_comment_or_a_cut_off_tag_as_text():
    from summarizer.stages.clean import clean_article

    for raw in ("<p>قال الوزير</p><!-- إعلان لم يغلق", "<p>قال<!-->الوزير</p>", "<p>قال الوزير</p> <a href=\"x"):
        article = clean_article(raw)
        assert article.text in ("قال الوزير", "قالالوزير"), raw
        assert [r.kind for r in article.removed] == ["html"]


def test_the_checks_read_comments_and_scripts_as_no_text():
    from summarizer.checks.markup import clean_markup

    assert clean_markup("<!-- 39 --> They don&#39;t want it <b>now</b>") == "They don't want it now"
    assert clean_markup("<script>var n = 39;</script>5 people <unk> died</s>") == "5 people died"
    assert clean_markup("a &amp;lt;i&amp;gt;b &lt; c") == "a b < c"


def test_libretranslate_writes_a_scripts_content_back_unescaped():
    from summarizer.web.libretranslate import _joined, _pieces

    source = '<p>قال الوزير</p><script>if (a < b) x = "خبر";</script>5 &lt; 7'
    parts = _pieces(source, "html")
    assert [piece for ok, piece in parts if ok] == ["قال الوزير"]
    assert _joined(parts, {1: "The minister said"}, "html") == (
        '<p>The minister said</p><script>if (a < b) x = "خبر";</script>5 &lt; 7')


def test_a_chain_of_unclosed_scripts_is_read_in_a_few_parses(monkeypatch):
    """After an unclosed ``<script>`` no ``</script>`` follows, so every later one is unclosed too: the
    rest is read once, not once per ``<script>`` (which made 100,000 characters of them quadratic)."""
    import summarizer.html_reader as module

    parses = []
    monkeypatch.setattr(module, "_parse", lambda *args, parse=module._parse: parses.append(1) or parse(*args))
    source = "<p>أ</p>" + "<script>ب <STYLE>ج " * 5_000
    read = to_text(source)
    assert read.text.replace("\n", "").replace(" ", "") == "أ" + "بج" * 5_000
    assert read.markup.elements == 10_001 and read.markup.characters == len(source) - _kept(read.text)
    assert len(parses) <= 3


def test_threads_read_alike():
    """Each thread reads with a parser of its own (lxml's parsers are reused, never shared)."""
    from concurrent.futures import ThreadPoolExecutor

    sources = [_page(n)[0] for n in range(1, 40)] + [HOSTILE[n % len(HOSTILE)][0] for n in range(40)]
    alone = [to_text(source) for source in sources]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(to_text, sources)) == alone
