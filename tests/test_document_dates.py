"""The article's date as each reader finds it: a web page's own metadata (never a guess from its text), a Word
file's and a PDF's creation date; "" when none is known, never an error. The brief of ``summarizer run FILE -o``
shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from summarizer.cli import main
from summarizer.inputs.documents import read_document, read_file
from tests.sample_documents import ARTICLE_LINES, make_docx, make_pdf

ARTICLE = "".join(f"<p>{line}</p>" for line in ARTICLE_LINES)


def page(head: str = "", before: str = "") -> bytes:
    """A saved news page: ``head`` in its <head>, ``before`` ahead of the article's paragraphs."""
    return (f'<html lang="ar"><head><meta charset="utf-8"><title>خبر</title>{head}</head>'
            f"<body><article>{before}{ARTICLE}</article></body></html>").encode()


JSON_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
           '"headline": "خبر", "datePublished": "2024-03-06T08:00:00+03:00"}</script>')


@pytest.mark.parametrize(("head", "before", "expected"), [
    ('<meta property="article:published_time" content="2024-03-05T10:00:00Z">', "", "2024-03-05"),
    (JSON_LD, "", "2024-03-06"),
    ("", '<time datetime="2024-03-07">٧ آذار</time>', "2024-03-07"),
    ("", "", ""),  # no metadata: no date
    ("", "<p>نشر في 5 آذار 2023</p>", ""),  # a date in the text alone is not guessed
    ('<meta property="article:published_time" content="2999-01-01T10:00:00Z">', "", ""),  # not yet
], ids=["meta-tag", "json-ld", "time-element", "none", "text-only", "future"])
def test_a_web_page_gives_its_own_metadata_date(tmp_path, head, before, expected):
    path = tmp_path / "story.html"
    path.write_bytes(page(head, before))
    document = read_file(path)
    assert document.text.splitlines()[-len(ARTICLE_LINES):] == ARTICLE_LINES
    assert document.date == expected


def test_a_fetched_page_gives_its_date(local_site):
    (local_site.root / "dated.html").write_bytes(
        page('<meta property="article:published_time" content="2024-03-05T10:00:00Z">'))
    document = read_document(local_site.url("dated.html"))
    assert document.source_kind == "url" and document.date == "2024-03-05"


def test_a_fetched_page_without_metadata_gives_the_date_in_its_address(local_site):
    folder = local_site.root / "2021" / "05" / "06"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.html").write_bytes(page())
    assert read_document(local_site.url("2021/05/06/story.html")).date == "2021-05-06"
    (local_site.root / "2021" / "story.html").write_bytes(page())
    assert read_document(local_site.url("2021/story.html")).date == ""  # a year alone is no date


def test_a_fetched_word_file_keeps_its_date(local_site):
    path = make_docx(local_site.root / "dated.docx", ARTICLE_LINES)
    word = docx.Document(str(path))
    word.core_properties.created = dt.datetime(2024, 3, 5, 9, 30)
    word.save(str(path))
    document = read_document(local_site.url("dated.docx"))
    assert document.source_kind == "url" and document.date == "2024-03-05"


def test_a_word_file_gives_its_creation_date(tmp_path):
    path = make_docx(tmp_path / "story.docx", ARTICLE_LINES)
    word = docx.Document(str(path))
    word.core_properties.created = dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.timezone.utc)
    word.save(str(path))
    document = read_file(path)
    assert document.text.splitlines() == ARTICLE_LINES and document.date == "2024-03-05"


def test_a_word_file_with_python_docx_s_template_date_gives_none(tmp_path):
    """python-docx's own template carries a creation date of its own (2013-12-23), kept in every file made
    from it that does not set one: that is not the article's date."""
    path = make_docx(tmp_path / "story.docx", ARTICLE_LINES)
    assert docx.Document(str(path)).core_properties.created is not None  # the template's, not ""
    assert read_file(path).date == ""


def with_info(path: Path, **info) -> Path:
    """``path``'s PDF again, with these entries in its document information (values as PDF objects)."""
    writer = PdfWriter(clone_from=PdfReader(str(path)))
    writer.add_metadata({f"/{key}": value for key, value in info.items()})
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_pdf_gives_its_creation_date(tmp_path):
    path = with_info(make_pdf(tmp_path / "story.pdf", ARTICLE_LINES), CreationDate="D:20240305100000+03'00'")
    document = read_file(path)
    assert document.text.splitlines() == ARTICLE_LINES and document.date == "2024-03-05"
    assert read_file(make_pdf(tmp_path / "undated.pdf", ARTICLE_LINES)).date == ""


@pytest.mark.parametrize("value", ["not a date", "D:20241345", "D:202403", "D:0000", NumberObject(42),
                                   NameObject("/X")],
                         ids=["words", "month-13", "no-day", "year-zero", "a-number", "a-name"])
def test_a_pdf_with_a_broken_creation_date_is_read_without_one(tmp_path, value):
    path = with_info(make_pdf(tmp_path / "story.pdf", ARTICLE_LINES), CreationDate=value)
    document = read_file(path)
    assert document.text.splitlines() == ARTICLE_LINES and document.date == ""


def test_a_text_file_has_no_date(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("\n".join(ARTICLE_LINES), encoding="utf-8")
    assert read_file(path).date == ""


def test_the_brief_of_a_dated_page_shows_its_date(tiny_marian_eos, tmp_path, capsys):
    source = tmp_path / "story.html"
    source.write_bytes(page('<meta property="article:published_time" content="2024-03-05T10:00:00Z">'))
    target = tmp_path / "brief.md"
    status = main(["run", str(source), "-o", str(target), "--summary-method", "lead",
                   "--translation-model", str(tiny_marian_eos), "--beams", "1"])
    assert status == 0, capsys.readouterr().err
    assert "- Date: 2024-03-05" in target.read_text(encoding="utf-8").splitlines()
