"""Articles from web addresses, saved pages, Word and PDF files (summarizer.inputs.documents), and the CLI's
``summarizer run URL|FILE``. Every web page comes from a local server on 127.0.0.1 (tests/sample_documents.py).
"""

from __future__ import annotations

import json
import shutil

import pytest

from summarizer import cli
from summarizer.errors import InputError
from summarizer.inputs.documents import is_document_path, is_url, read_document, read_file
from tests.sample_documents import ARTICLE_LINES, ARTICLE_TITLE, PAGES, make_docx, make_pdf
from tests.test_app import free_port

BOILERPLATE = ("سياسة الخصوصية", "أخبار متعلقة", "اتصل بنا", "جميع الحقوق محفوظة", "فيسبوك")


def _no_boilerplate(text: str) -> None:
    for piece in BOILERPLATE:
        assert piece not in text, piece


def test_saved_page_gives_the_article_without_menus_or_footer(seed_texts):
    doc = read_document(PAGES / "article.html")
    assert doc.source_kind == "html" and doc.title == ARTICLE_TITLE and doc.source == "article.html"
    article = seed_texts[1].strip().splitlines()
    lines = doc.text.splitlines()
    assert lines[0] == article[0]  # starts with the article, not the headline or the menu
    assert "\n".join(article[:-1]) in doc.text
    _no_boilerplate(doc.text)


def test_url_fetches_and_extracts_the_article(local_site, seed_texts):
    doc = read_document(local_site.url("article.html"))
    assert doc.source_kind == "url" and doc.title == ARTICLE_TITLE
    assert doc.text.splitlines()[0] == seed_texts[1].splitlines()[0]
    _no_boilerplate(doc.text)
    assert read_document(local_site.url("moved")).text == doc.text  # redirects are followed


def test_url_to_a_pdf_or_docx_reads_that_format(local_site):
    assert read_document(local_site.url("article.pdf")).text.splitlines() == ARTICLE_LINES
    assert read_document(local_site.url("article.docx")).text.splitlines() == ARTICLE_LINES


@pytest.mark.parametrize(("name", "expected"), [
    ("section-index.html", "No article found"),
    ("missing.html", "answered 404"),
    ("scanned.pdf", "scanned PDF"),
])
def test_bad_urls_say_what_is_wrong(local_site, name, expected):
    with pytest.raises(InputError, match=expected) as caught:
        read_document(local_site.url(name))
    assert local_site.url(name) in str(caught.value)


def test_unreachable_address_and_too_big_page(local_site):
    closed = f"http://127.0.0.1:{free_port()}/article.html"  # nothing listens there
    with pytest.raises(InputError, match=r"not reachable \(the connection was refused\)"):
        read_document(closed)
    with pytest.raises(InputError, match="too big"):
        read_document(local_site.url("article.html"), max_bytes=2_000)


def test_private_addresses_are_refused_when_asked(local_site):
    with pytest.raises(InputError, match="local or private network"):
        read_document(local_site.url("article.html"), allow_private=False)
    with pytest.raises(InputError, match="only http:// and https://"):
        read_document("ftp://127.0.0.1/article.html", allow_private=False)


def test_docx_reads_paragraphs_and_tables_in_order(tmp_path):
    path = make_docx(tmp_path / "story.docx", ARTICLE_LINES[:2], title="عنوان", table=[["خلية أولى", "خلية ثانية"]])
    doc = read_file(path)
    assert doc.source_kind == "docx" and doc.title == "عنوان"
    assert doc.text.splitlines() == [*ARTICLE_LINES[:2], "خلية أولى", "خلية ثانية"]


def test_pdf_text_comes_out_in_reading_order(tmp_path):
    doc = read_file(make_pdf(tmp_path / "story.pdf", ARTICLE_LINES, title=ARTICLE_TITLE))
    assert doc.source_kind == "pdf" and doc.title == ARTICLE_TITLE
    assert doc.text.splitlines() == ARTICLE_LINES


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("scan.pdf", None, "scanned PDF"),
    ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
    ("old.docx", b"\xd0\xcf\x11\xe0 an old binary .doc", "not a Word .docx file"),
    ("empty.docx", "docx", "holds no text"),
    ("notes.odt", b"x", "cannot read .odt"),
])
def test_bad_files_say_what_is_wrong(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:
        make_pdf(path, [])
    elif content == "docx":
        make_docx(path, [])
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=expected) as caught:
        read_file(path)
    assert name in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_a_docx_that_unpacks_to_something_huge_is_refused(tmp_path, monkeypatch):
    import summarizer.inputs.documents as documents

    path = make_docx(tmp_path / "bomb.docx", ARTICLE_LINES)
    monkeypatch.setattr(documents, "READ_IN_CAGE", False)  # the limit set here: a worker of the cage keeps its own
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1_000)  # a real bomb would take the test's memory
    with pytest.raises(InputError, match=r"bomb\.docx is too big once unpacked"):
        read_file(path)


def test_too_big_file_and_upload_names(tmp_path):
    path = tmp_path / "gradio-temp-name.html"
    shutil.copy(PAGES / "article.html", path)
    with pytest.raises(InputError, match=r"my page\.html is too big"):
        read_file(path, max_bytes=1_000, name="my page.html")
    txt = tmp_path / "x.txt"
    txt.write_bytes("قال".encode("cp1256"))
    with pytest.raises(InputError, match=r"^upload\.txt: is not UTF-8"):
        read_file(txt, name="upload.txt")


def test_what_counts_as_a_url_or_a_document():
    assert is_url("https://example.org/a?b=1") and is_url(" http://x/ ")
    assert not is_url("قال https://x.org") and not is_url("file:///etc/passwd") and not is_url(None)
    assert is_document_path("a.PDF") and is_document_path("b.docx") and is_document_path("c.htm")
    assert not is_document_path("d.txt")


# -- the command line: summarizer run URL|FILE ---------------------------------------------
def test_cli_run_reads_a_url_a_docx_and_a_pdf(local_site, tmp_path, capsys):
    pdf = make_pdf(tmp_path / "story.pdf", ARTICLE_LINES)
    sources = [local_site.url("article.html"), str(make_docx(tmp_path / "story.docx", ARTICLE_LINES)), str(pdf)]
    status = cli.main(["run", *sources, "--json", "--summary-method", "lead", "--no-translate"])
    out = capsys.readouterr().out
    assert status == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == sources
    assert records[1]["sentences"] == records[2]["sentences"] == ARTICLE_LINES
    assert len(records[0]["sentences"]) > 10 and records[0]["summary_ar"]


def test_cli_run_says_why_a_page_has_no_article(local_site, capsys):
    url = local_site.url("section-index.html")
    status = cli.main(["run", url, "--summary-method", "lead", "--no-translate"])
    err = capsys.readouterr().err
    assert status == 1 and "No article found" in err and "Traceback" not in err
