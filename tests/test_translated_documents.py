"""A document translated into a document of its own kind (summarizer.translated): Word files with their
parts, formatting and direction, web pages with their tags, text and Markdown line for line, a PDF's text
as a Word file; the nothing-left-behind count; every refusal coded, with nothing written.

The documents are built here (tests/translated_documents.py); a stand-in translator (``Recorder``) gives
English without Arabic and counts the calls; the tiny Marian, LibreOffice and pdftoppm are the real
components of the slow tests."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from summarizer.errors import (
    DOCUMENT_DAMAGED,
    DOCUMENT_ENCRYPTED,
    DOCUMENT_FORMAT,
    DOCUMENT_OLD_FORMAT,
    DOCUMENT_TOO_BIG,
    DOCUMENT_UNREADABLE,
    SummarizerError,
)
from summarizer.translated import default_output, translate_document
from summarizer.translated.layout import share_words
from tests.sample_documents import ARTICLE_LINES, make_docx, make_pdf
from tests.translated_documents import (
    ARABIC,
    CELLS,
    FOOTNOTE,
    HEADER,
    LINK,
    NESTED,
    THREE_RUNS,
    Recorder,
    make_arabic_docx,
    part_texts,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def rich(tmp_path) -> Path:
    return make_arabic_docx(tmp_path / "report.docx")


@pytest.fixture
def translated(rich, tmp_path):
    recorder = Recorder()
    out = tmp_path / "report.en.docx"
    return rich, out, translate_document(rich, out, recorder), recorder


def _xml(path: Path, part: str = "word/document.xml"):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def _count(tree, tag: str) -> int:
    return sum(1 for _ in tree.iter(W + tag))


# -- Word ------------------------------------------------------------------------------------------
def test_every_part_of_a_word_file_is_translated_and_its_structure_kept(translated):
    import docx

    source, out, result, recorder = translated
    before, after = docx.Document(str(source)), docx.Document(str(out))
    assert len(after.paragraphs) == len(before.paragraphs) and len(after.tables) == len(before.tables) == 1
    old, new = _xml(source), _xml(out)
    for tag in ("p", "tbl", "tc", "r", "hyperlink", "txbxContent", "drawing", "footnoteReference"):
        assert _count(new, tag) == _count(old, tag) > 0, tag
    assert len(after.tables[0].cell(1, 1).tables) == 1  # the nested table
    assert len(after.sections) == len(before.sections) and after.sections[0].header.paragraphs[0].text
    texts = part_texts(out)
    assert set(texts) == {"word/document.xml", "word/header1.xml", "word/footer1.xml", "word/footnotes.xml"}
    assert not any(ARABIC.search(text) for text in texts.values())
    assert result.arabic_left == 0 and result.left_in == () and result.format == result.source_format == "docx"
    sent = recorder.calls[0]
    for arabic in (HEADER, FOOTNOTE, LINK, CELLS[1][1], NESTED[0][0]):
        assert arabic in sent  # the header, the footnote, the hyperlink, a cell, a nested cell
    assert len(recorder.calls) == 1 and result.unique_sentences == len(sent) and result.sentences >= len(sent)
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:  # the picture and the link, as they were
        media = [n for n in a.namelist() if n.startswith("word/media/")]
        assert media and all(a.read(n) == b.read(n) for n in media)
        assert a.read("word/_rels/document.xml.rels") == b.read("word/_rels/document.xml.rels")


def test_a_sentence_over_three_runs_is_translated_whole_and_its_bold_run_stays_bold(translated):
    import docx

    _, out, _, recorder = translated
    whole = "".join(THREE_RUNS).strip()
    assert whole in recorder.calls[0]
    assert not any(fragment.strip() in recorder.calls[0] for fragment in THREE_RUNS)
    paragraph = next(p for p in docx.Document(str(out)).paragraphs if "sentence number 2 " in p.text)
    runs = paragraph.runs
    assert len(runs) == 3 and [r.bold for r in runs] == [None, True, None]
    assert all(r.text.strip() for r in runs)  # the English laid over the three runs, the bold one in the middle
    assert paragraph.text == "The English of sentence number 2 here."


def test_right_to_left_becomes_left_to_right(translated):
    source, out, _, _ = translated
    for part in ("word/document.xml", "word/header1.xml", "word/footnotes.xml"):
        old, new = _xml(source, part), _xml(out, part)
        assert _count(old, "bidi") + _count(old, "rtl") > 0
        assert _count(new, "bidi") == _count(new, "rtl") == _count(new, "bidiVisual") == 0
    new = _xml(out)
    assert not [jc for jc in new.iter(W + "jc") if jc.get(W + "val") == "right"]
    langs = list(new.iter(W + "lang"))
    assert langs and all(lang.get(W + "val") == "en-US" and W + "bidi" not in lang.attrib for lang in langs)
    assert _count(_xml(source), "bidiVisual") == 1


def test_what_the_model_leaves_in_arabic_is_counted_and_placed(rich, tmp_path):
    def keeps_the_footnote(sentences):
        return ["" if s == FOOTNOTE else "Some English." for s in sentences]

    result = translate_document(rich, tmp_path / "out.docx", keeps_the_footnote)
    letters = len(ARABIC.findall(FOOTNOTE))
    assert result.arabic_left == letters == sum(len(ARABIC.findall(t)) for t in part_texts(tmp_path / "out.docx").values())
    (place,) = result.left_in
    assert place.where.startswith("footnotes paragraph") and place.letters == letters
    assert result.to_dict()["left_in"] == [place.to_dict()]


def test_a_macro_enabled_file_is_written_as_a_docx_without_its_macros(tmp_path):
    import docx

    path = _docm(make_docx(tmp_path / "plain.docx", ARTICLE_LINES), tmp_path / "macros.docm")
    result = translate_document(path, tmp_path / "out.docx", Recorder())
    assert [n.code for n in result.notes] == ["macros-dropped"] and result.note
    with zipfile.ZipFile(tmp_path / "out.docx") as package:
        names = package.namelist()
        assert not [n for n in names if "vba" in n.lower()]
        assert b"macroEnabled" not in package.read("[Content_Types].xml")
        assert b"vbaProject" not in package.read("word/_rels/document.xml.rels")
    assert len(docx.Document(str(tmp_path / "out.docx")).paragraphs) == len(ARTICLE_LINES)


def _docm(docx_path: Path, out: Path) -> Path:
    """``docx_path`` made macro-enabled: a VBA project part, its relationship and content types."""
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                                 b'vbaProject"/></Types>')
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.'
                                    b'com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            target.writestr(info, data)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a VBA project")
    return out


# -- web pages, text, Markdown, PDF ----------------------------------------------------------------
PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تقرير المحادثات</title>
<style>p::after { content: "عربي"; }</style><script>var label = "نص في برنامج";</script></head>
<body><p class="lead">قال <a href="/minister" title="الوزير">الوزير</a> إن <b>المحادثات</b> ستستأنف. وأضاف أن الوفد وصل.</p>
<ul><li>البند الأول</li><li dir="rtl">البند <em>الثاني</em></li></ul><pre>رمز لا يترجم</pre></body></html>
"""


def test_a_web_page_keeps_its_tags_and_turns_left_to_right(tmp_path):
    import lxml.html

    source = tmp_path / "page.html"
    source.write_text(PAGE, encoding="utf-8")
    recorder = Recorder()
    result = translate_document(source, tmp_path / "page.en.html", recorder)
    assert "قال الوزير إن المحادثات ستستأنف." in recorder.calls[0]  # inline tags do not cut the sentence
    root = lxml.html.fromstring((tmp_path / "page.en.html").read_bytes())
    assert root.get("lang") == "en" and root.get("dir") == "ltr" and root.find(".//li[@dir]").get("dir") == "ltr"
    paragraph = root.find(".//p")
    assert paragraph.get("class") == "lead" and [c.tag for c in paragraph] == ["a", "b"]
    link = paragraph.find("a")
    assert link.get("href") == "/minister" and link.get("title") == "الوزير" and link.text.strip()
    assert root.find(".//script").text == 'var label = "نص في برنامج";'
    assert root.find(".//style").text == 'p::after { content: "عربي"; }'
    assert root.find(".//pre").text == "رمز لا يترجم"  # code and preformatted text are not prose
    assert not ARABIC.search(root.find(".//title").text + root.find(".//body/p").text_content())
    assert result.arabic_left == len(ARABIC.findall("رمز لا يترجم"))  # the <pre> is shown: it is counted


MARKDOWN = """# تقرير المحادثات

قال الوزير إن [المحادثات](https://example.org/talks) ستستأنف، و**الوفد** وصل.
- البند الأول مع `code_sample`
1. البند الثاني

```
رمز لا يترجم
```
"""


def test_text_and_markdown_keep_their_lines_and_syntax(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    recorder = Recorder()
    result = translate_document(source, tmp_path / "notes.en.md", recorder)
    lines = (tmp_path / "notes.en.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(MARKDOWN.splitlines()) and lines[1] == ""
    assert lines[0].startswith("# ") and lines[3].startswith("- ") and lines[4].startswith("1. ")
    assert "](https://example.org/talks)" in lines[2] and "**" in lines[2] and lines[2].count("[") == 1
    assert "`code_sample`" in lines[3] and lines[5:] == ["", "```", "رمز لا يترجم", "```"]
    assert "قال الوزير إن المحادثات ستستأنف، والوفد وصل." in recorder.calls[0]
    assert result.arabic_left == len(ARABIC.findall("رمز لا يترجم")) and result.format == "markdown"

    text = tmp_path / "plain.txt"
    text.write_text("سطر أول.\n\n  سطر ثان بعد سطر فارغ.\r\nEnglish line\n", encoding="utf-8")
    translate_document(text, tmp_path / "plain.en.txt", Recorder())
    written = (tmp_path / "plain.en.txt").read_bytes().decode("utf-8")
    assert written.splitlines(True)[1:] == ["\n", "  The English of sentence number 2 here.\r\n", "English line\n"]


def test_a_pdf_becomes_a_word_file_or_a_page_and_says_so(tmp_path):
    import docx

    source = make_pdf(tmp_path / "article.pdf", ARTICLE_LINES, title="عنوان التقرير")
    assert default_output(source) == tmp_path / "article.en.docx"
    result = translate_document(source, default_output(source), Recorder())
    assert [n.code for n in result.notes] == ["pdf-as-text"] and "PDF" in result.note
    written = docx.Document(str(tmp_path / "article.en.docx"))
    texts = [p.text for p in written.paragraphs]
    assert len(texts) == len(ARTICLE_LINES) + 1 and not any(ARABIC.search(t) for t in texts)
    assert result.format == "docx" and result.source_format == "pdf" and result.arabic_left == 0
    page = translate_document(source, tmp_path / "article.en.html", Recorder())
    assert page.format == "html" and b'dir="ltr"' in (tmp_path / "article.en.html").read_bytes()


def test_english_is_shared_over_the_slots_at_word_boundaries():
    assert share_words("one two three four", [1, 1]) == ["one two ", "three four"]
    assert share_words("one two", [0, 5, 0]) == ["", "one two", ""]
    assert share_words("a b c d e f", [10, 1, 10])[1].strip()  # a short bold word still gets its word
    assert "".join(share_words("The English of it.", [3, 7, 2, 9])) == "The English of it."


# -- refusals: one coded error, nothing written ----------------------------------------------------
def _encrypted(tmp_path):
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return path, tmp_path / "out.docx"


def _old_doc(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return path, tmp_path / "out.docx"


def _scanned(tmp_path):
    return make_pdf(tmp_path / "scan.pdf", []), tmp_path / "out.docx"


def _damaged(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not a zip at all")
    return path, tmp_path / "out.docx"


def _unknown(tmp_path):
    path = tmp_path / "notes.odt"
    path.write_bytes(b"x")
    return path, tmp_path / "out.odt"


REFUSED = {
    "encrypted": (_encrypted, DOCUMENT_ENCRYPTED),
    "old .doc": (_old_doc, DOCUMENT_OLD_FORMAT),
    "scanned PDF": (_scanned, DOCUMENT_UNREADABLE),
    "damaged": (_damaged, DOCUMENT_DAMAGED),
    "unknown kind": (_unknown, DOCUMENT_FORMAT),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_document_that_cannot_be_translated_is_refused_with_its_code(tmp_path, case):
    make, code = REFUSED[case]
    source, out = make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(SummarizerError) as caught:
        translate_document(source, out, Recorder())
    assert caught.value.code == code and source.name in str(caught.value)
    assert str(tmp_path) not in str(caught.value)
    assert sorted(os.listdir(tmp_path)) == before  # nothing written, no temporary file


def test_the_old_format_says_how_to_convert_it(tmp_path):
    source, out = _old_doc(tmp_path)
    with pytest.raises(SummarizerError, match=r"soffice --headless --convert-to docx old\.doc"):
        translate_document(source, out, Recorder())


def test_documents_over_the_size_limits_are_refused(rich, tmp_path, monkeypatch):
    import summarizer.inputs.documents as documents

    for limit, value in (("MAX_UNPACKED_BYTES", 1_000), ("MAX_DOCX_XML_BYTES", 1_000), ("MAX_DOCX_ELEMENTS", 50),
                         ("MAX_DOCUMENT_BYTES", 1_000)):
        with monkeypatch.context() as patch:
            patch.setattr(documents, limit, value)
            with pytest.raises(SummarizerError) as caught:
                translate_document(rich, tmp_path / "out.docx", Recorder())
        assert caught.value.code == DOCUMENT_TOO_BIG, limit
    assert not (tmp_path / "out.docx").exists()


def test_bad_outputs_are_refused_before_any_work(rich, tmp_path):
    recorder = Recorder()
    existing = tmp_path / "exists.docx"
    existing.write_bytes(b"the user's own file")
    (tmp_path / "folder.docx").mkdir()
    cases = {
        existing: "output-exists",
        rich: "output-is-input",
        tmp_path / "no-such-folder" / "out.docx": "output-not-writable",
        tmp_path / "folder.docx": "output-not-writable",
        existing / "under-a-file.docx": "output-not-writable",
        tmp_path / "out.pdf": "output-format",
    }
    before = sorted(os.listdir(tmp_path))
    for out, code in cases.items():
        with pytest.raises(SummarizerError) as caught:
            translate_document(rich, out, recorder)
        assert caught.value.code == code, out
    assert recorder.calls == [] and sorted(os.listdir(tmp_path)) == before
    assert existing.read_bytes() == b"the user's own file"
    translate_document(rich, existing, recorder, overwrite=True)
    assert existing.read_bytes()[:2] == b"PK"


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_one(rich, tmp_path, monkeypatch):
    import summarizer.translated.docx as docx_writer

    out = tmp_path / "out.docx"
    out.write_bytes(b"before")

    def half_then_fail(self, stream):
        stream.write(b"PK half a document")
        raise KeyboardInterrupt  # as a kill would stop it midway

    monkeypatch.setattr(docx_writer._Package, "write", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        translate_document(rich, out, Recorder(), overwrite=True)
    assert out.read_bytes() == b"before" and sorted(os.listdir(tmp_path)) == ["out.docx", "report.docx"]

    def no_model(sentences):
        raise RuntimeError("the model failed")

    monkeypatch.undo()
    with pytest.raises(RuntimeError):
        translate_document(rich, tmp_path / "new.docx", no_model)
    assert not (tmp_path / "new.docx").exists() and len(os.listdir(tmp_path)) == 2


# -- the real components: a tiny model, the command line, LibreOffice ------------------------------
@pytest.fixture(scope="module")
def pipeline(tiny_marian):
    from summarizer import Pipeline

    return Pipeline("no-such-org/no-such-mt5", str(tiny_marian), summary_method="none", num_beams=1)


@pytest.mark.slow
def test_the_pipeline_translates_a_document_in_one_batched_call(pipeline, rich, tmp_path, monkeypatch):
    calls = []
    real = pipeline.translator.translate_scored

    def counted(sentences, *args, **kwargs):
        calls.append(list(sentences))
        return real(sentences, *args, **kwargs)

    monkeypatch.setattr(pipeline.translator, "translate_scored", counted)
    seen = []
    result = pipeline.translate_document(rich, tmp_path / "out.docx", progress=lambda *a: seen.append(a))
    assert len(calls) == 1 and "".join(THREE_RUNS).strip() in calls[0] and len(calls[0]) == result.unique_sentences
    assert seen and {stage for stage, _, _ in seen} == {"translate"}
    # the tiny model's gibberish may hold Arabic pieces: the count is what is really in the file
    left = sum(len(ARABIC.findall(t)) for t in part_texts(tmp_path / "out.docx").values())
    assert result.arabic_left == left and len(result.left_in) <= result.segments


@pytest.mark.slow
def test_sentences_whose_english_is_known_never_reach_the_model_nor_the_budget(pipeline, rich, tmp_path,
                                                                                 monkeypatch):
    """The page offers the document translated after its run: the English it made is reused as it is."""
    sent, checked = [], []
    real = pipeline.translator.translate_scored

    def counted(sentences, *args, **kwargs):
        sent.extend(sentences)
        return real(sentences, *args, **kwargs)

    monkeypatch.setattr(pipeline.translator, "translate_scored", counted)
    first = pipeline.translate_document(rich, tmp_path / "all.docx")
    known = {"".join(THREE_RUNS).strip(): "The minister said the talks would resume next week."}
    sent.clear()
    again = pipeline.translate_document(rich, tmp_path / "reused.docx", known=known, check=checked.extend)
    assert known.keys().isdisjoint(sent) and known.keys().isdisjoint(checked)
    assert len(sent) == first.unique_sentences - 1 == len(checked)
    assert "The minister said the talks" in "".join(part_texts(tmp_path / "reused.docx").values())
    assert again.unique_sentences == first.unique_sentences


@pytest.mark.slow
def test_the_command_line_writes_the_document_and_says_what_is_left(tiny_marian_eos, rich, tmp_path, capsys):
    from summarizer.cli import main

    out = tmp_path / "out.docx"
    args = ["translate", str(rich), "-o", str(out), "--translation-model", str(tiny_marian_eos), "--beams", "1",
            "--summary-model", "no-such-org/no-such-mt5", "--quiet"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and "left in Arabic:" in printed and out.exists()
    assert main(args) == 2 and "--overwrite" in capsys.readouterr().err
    assert main([*args, "--overwrite", "--json"]) == 0
    assert '"arabic_left"' in capsys.readouterr().out


def _to_pdf(docx_path: Path, folder: Path) -> Path:
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                           "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
                          capture_output=True, timeout=180)
    pdf = folder / (docx_path.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", done.stderr
    return pdf


def render_first_page(docx_path: Path, png: Path) -> Path:
    """Page 1 of a Word file as a PNG at 60 dpi (LibreOffice, then pdftoppm): what docs/documents.md shows."""
    pdf = _to_pdf(docx_path, png.parent)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, timeout=60)
    return png


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice and poppler-utils are installed by scripts/setup")
def test_libreoffice_opens_every_written_word_file_and_renders_its_first_page(rich, tmp_path):
    written = [tmp_path / "rich.en.docx", tmp_path / "article.en.docx", tmp_path / "macros.en.docx"]
    translate_document(rich, written[0], Recorder())
    translate_document(make_pdf(tmp_path / "article.pdf", ARTICLE_LINES), written[1], Recorder())
    docm = _docm(make_docx(tmp_path / "plain.docx", ARTICLE_LINES), tmp_path / "macros.docm")
    translate_document(docm, written[2], Recorder())
    converted = tmp_path / "pdf"
    converted.mkdir()
    for path in written[1:]:
        _to_pdf(path, converted)
    png = render_first_page(written[0], converted / "page1.png")
    from PIL import Image

    with Image.open(io.BytesIO(png.read_bytes())) as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 300
