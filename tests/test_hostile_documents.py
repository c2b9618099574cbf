"""Documents out, attacked: a hostile or careless user's inputs and outputs for ``summarizer translate``, the
bilingual brief, the digest and the batch's per-item files, and the same documents sent to a live server.

Each test is a hole that was open: a Word part that escaped the bomb limits by its name, a part with a DTD
(external entities, billion laughs) written into a broken file, a web page libxml2 cut silently at its limits,
20 MB of blank lines or tags costing gigabytes before any budget, a Markdown line that took hours to scan, a
control character that crashed a Word or HTML writer after the work, an output name the system refuses (a
traceback) or one it takes that the temporary file did not fit, and two batch items writing one file.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from summarizer.errors import (
    DOCUMENT_DAMAGED,
    DOCUMENT_TOO_BIG,
    DocumentRefused,
    OutputNotWritable,
)
from summarizer.translated import translate_document
from tests.translated_documents import Recorder, make_arabic_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PARAGRAPH = "<w:p><w:r><w:t>قال الوزير إن المحادثات ستستأنف.</w:t></w:r></w:p>"
SMALL_LIMIT = 12_000
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"


def _part(body: str, dtd: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}<w:document {W}><w:body>{body}'
            "</w:body></w:document>").encode()


def _docx(base: bytes, change, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """``base`` with each entry passed through ``change(name, data)`` (None: dropped) and ``extra`` added."""
    source, buffer = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in extra:
            out.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> bytes:
    return make_arabic_docx(tmp_path_factory.mktemp("docs") / "base.docx").read_bytes()


def _hidden_part(base: bytes, paragraphs: int) -> bytes:
    """The document part renamed ``word/document.bin`` (typed by an Override, as OOXML allows): no ``.xml``."""
    def change(name: str, data: bytes) -> bytes | None:
        if name == "word/document.xml":
            return None
        if name in ("[Content_Types].xml", "_rels/.rels"):
            return data.replace(b"word/document.xml", b"word/document.bin")
        return data

    return _docx(base, change, [("word/document.bin", _part(PARAGRAPH * paragraphs))])


def _refused(source: Path, out: Path) -> DocumentRefused:
    with pytest.raises(DocumentRefused) as caught:
        translate_document(source, out, Recorder())
    assert not out.exists()
    return caught.value


@pytest.fixture
def small_limit(monkeypatch):
    """The element limit at 12,000 (every kind of document is held to it), so that the tests stay small: over
    the test Word file's largest part (its styles: about 9,000 elements), and over all it translates."""
    import summarizer.inputs.documents as documents

    monkeypatch.setattr(documents, "MAX_DOCX_ELEMENTS", SMALL_LIMIT)
    return SMALL_LIMIT


# -- Word files ---------------------------------------------------------------------------------------------
def test_a_word_part_is_held_to_the_limits_whatever_its_name(base, tmp_path, small_limit):
    source = tmp_path / "hidden.docx"
    source.write_bytes(_hidden_part(base, paragraphs=small_limit // 3))  # 3 elements a paragraph: 1 part over
    assert _refused(source, tmp_path / "out.docx").code == DOCUMENT_TOO_BIG


def test_the_parts_of_a_word_file_are_held_to_the_limits_together(base, tmp_path, small_limit):
    """Headers each well under the limit, together over it: the writer parses them all."""
    header = _part(PARAGRAPH * (small_limit // 12)).replace(b"w:document", b"w:hdr").replace(b"<w:body>", b"")
    header = header.replace(b"</w:body>", b"")
    names = [f"word/header{n}.xml" for n in range(10, 14)]
    overrides = "".join(f'<Override PartName="/{n}" ContentType="{HEADER_TYPE}"/>' for n in names).encode()

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</Types>", overrides + b"</Types>") if name == "[Content_Types].xml" else data

    source = tmp_path / "headers.docx"
    source.write_bytes(_docx(base, change, [(n, header) for n in names]))
    assert _refused(source, tmp_path / "out.docx").code == DOCUMENT_TOO_BIG


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE w:document [<!ENTITY a "ءءءء"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_a_word_part_with_a_dtd_is_refused_before_anything_is_written(base, tmp_path, dtd):
    entity = "&x;" if "SYSTEM" in dtd else "&b;"
    source = tmp_path / "entities.docx"
    source.write_bytes(_docx(base, lambda name, data: _part(PARAGRAPH.replace("ستستأنف", entity), dtd)
                             if name == "word/document.xml" else data))
    assert _refused(source, tmp_path / "out.docx").code == DOCUMENT_DAMAGED


@pytest.mark.parametrize("name", ["report.html", "report.xhtml"])
def test_a_word_file_named_as_a_page_is_refused_not_written_as_one(base, tmp_path, name):
    source = tmp_path / name
    source.write_bytes(base)
    assert _refused(source, tmp_path / f"out{source.suffix}").code == DOCUMENT_DAMAGED


def test_a_word_package_of_too_many_files_is_refused(base, tmp_path):
    source = tmp_path / "entries.docx"
    source.write_bytes(_docx(base, lambda name, data: data, [(f"x/{n}", b"") for n in range(10_001)]))
    assert _refused(source, tmp_path / "out.docx").code == DOCUMENT_TOO_BIG


# -- web pages, text, Markdown ------------------------------------------------------------------------------
@pytest.mark.parametrize("page", [
    "<html><body>" + "<div>" * 300 + "<p>قال الوزير.</p>" + "</div>" * 300 + "</body></html>",
    "<html><body><p>" + "قال " * 2_700_000 + "</p><p>وأضاف الوزير.</p></body></html>",  # a text over 10 MB
])
def test_a_page_the_reader_would_cut_is_refused_not_translated_in_part(tmp_path, page):
    source = tmp_path / "page.html"
    source.write_text(page, encoding="utf-8")
    assert _refused(source, tmp_path / "out.html").code == DOCUMENT_TOO_BIG


@pytest.mark.parametrize("name,text", [
    ("blank.txt", "\n" * (SMALL_LIMIT + 1)),  # no sentence at all: no budget would ever see it
    ("separators.txt", "\x1c" * (SMALL_LIMIT + 1)),  # other line separators count as lines
    ("tags.html", "<html><body>" + "<p>م</p>" * (SMALL_LIMIT + 1) + "</body></html>"),
    ("syntax.md", "قال *الوزير* " * (SMALL_LIMIT + 1)),  # one line, a piece of text between each emphasis mark
])
def test_a_document_of_more_pieces_than_the_limit_is_refused(tmp_path, small_limit, name, text):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    assert _refused(source, tmp_path / f"out{source.suffix}").code == DOCUMENT_TOO_BIG


def test_the_document_limit_leaves_a_document_under_it_alone(tmp_path, small_limit):
    source = tmp_path / "lines.txt"
    source.write_text("قال الوزير.\n" * (small_limit - 1), encoding="utf-8")
    done = translate_document(source, tmp_path / "out.txt", Recorder())
    assert done.sentences == small_limit - 1 and done.arabic_left == 0


@pytest.mark.slow  # a subprocess, killed if the scan does not end
@pytest.mark.parametrize("syntax", ["](", "<a", "![", "]["])
def test_a_markdown_line_of_unclosed_syntax_is_scanned_in_one_pass(tmp_path, syntax):
    """A try that fails never runs past the next opening character: one line of 1,000,000 of them (2 MB) is
    scanned in one pass, where each try ran to the line's end (hours). It is one unit, or over the limit of
    pieces (each ``[`` is syntax), refused."""
    source = tmp_path / "line.md"
    source.write_text("قال الوزير " + syntax * 1_000_000, encoding="utf-8")
    code = ("import sys; from summarizer.translated import writer_for; from summarizer.errors import DocumentRefused\n"
            "try: print(len(writer_for('x.md').open(open(sys.argv[1], 'rb').read(), 'x.md', '.md').units))\n"
            "except DocumentRefused as exc: print(exc.code)")
    done = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parents[1])
    assert done.returncode == 0 and done.stdout.strip() in ("1", DOCUMENT_TOO_BIG), done.stderr[-500:]


# -- what is written: briefs, digests, names ----------------------------------------------------------------
ODD = ["\x00", "\x1f", "\ufffe", "\x0b"]  # characters XML 1.0 cannot hold


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_a_brief_holds_characters_xml_cannot(tmp_path, suffix):
    from summarizer.brief import write_brief
    from summarizer.result import Result, SentencePair

    pair = SentencePair("قال الوزير" + "".join(ODD) + " إن المحادثات ستستأنف.", "The minister" + "".join(ODD) + " said.")
    result = Result(sentences=[pair.ar], translation=[pair], id="wire\x00/7")
    path = write_brief(result, tmp_path / f"brief{suffix}", title="عنوان\x1fالخبر", source="in\x00put.txt")
    text = _text_of(path)
    assert "The minister" in text and "said." in text and not any(ch in text for ch in ODD)


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md", ".json"])
def test_a_digest_holds_ids_and_texts_with_characters_xml_cannot(tmp_path, seed_texts, suffix):
    from summarizer.digest import make_digest
    from summarizer.digest.render import write_digest

    digest = make_digest([{"id": "a\x00<b>", "text": seed_texts[0].replace(" ", " \ufffe", 5)},
                          {"id": "c\x1fd", "text": seed_texts[1]}])
    path = write_digest(digest, tmp_path / f"digest{suffix}")
    assert path.stat().st_size > 0 and "c" in _text_of(path)


def _text_of(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return path.read_text(encoding="utf-8")


def test_an_output_name_the_system_refuses_is_a_coded_error(tmp_path):
    from summarizer.output_file import check_output

    with pytest.raises(OutputNotWritable):
        check_output(tmp_path / ("y" * 300 + ".docx"))


@pytest.mark.parametrize("stem", ["z" * 245, "ت" * 120])  # 250 and 245 bytes: names the system takes
def test_an_output_name_the_system_takes_is_written(tmp_path, stem):
    from summarizer.output_file import check_output, write_atomically

    target = check_output(tmp_path / f"{stem}.docx")
    write_atomically(target, lambda stream: stream.write(b"done"))
    assert target.read_bytes() == b"done" and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_batch_items_whose_names_collide_get_files_of_their_own(tmp_path):
    from summarizer.batch.item_files import ItemFiles
    from summarizer.result import Result, SentencePair

    files = ItemFiles(briefs=tmp_path)
    ids = ["a b", "a-b", "!!!", "???", "Wire", "wire"]
    for n, item in enumerate(ids):
        pair = SentencePair(f"قال الوزير {n}.", f"The minister said {n}.")
        files.add_brief(Result(sentences=[pair.ar], translation=[pair], id=item))
    assert files.written["briefs"] == len(ids) and files.skipped["briefs"] == 0
    assert len({p.name.lower() for p in tmp_path.iterdir()}) == len(ids)


# -- a live server ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def http(tiny_mt5, tiny_marian, tmp_path_factory):
    from summarizer import web as webapp
    from tests.test_app import FAST
    from tests.test_rest import api_server

    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)
    with api_server(state, concurrency=2) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


@pytest.mark.slow  # a live server
def test_a_server_refuses_documents_over_the_limits_with_their_code(http, base, monkeypatch):
    import summarizer.inputs.documents as documents

    monkeypatch.setattr(documents, "MAX_DOCX_ELEMENTS", SMALL_LIMIT)  # the server runs in this process
    deep = ("<html><body>" + "<div>" * 300 + "<p>قال الوزير.</p>" + "</div>" * 300 + "</body></html>").encode()
    for path, name, data, status in (("api/v1/translate_file", "hidden.docx", _hidden_part(base, SMALL_LIMIT // 3), 413),
                                     ("translate_file", "deep.html", deep, 413),
                                     ("api/v1/translate_file", "blank.txt", b"\n" * (SMALL_LIMIT + 1), 413)):
        fields = {"source": "ar", "target": "en"} if path == "translate_file" else {}  # LibreTranslate's pair
        r = http.post(path, files={"file": (name, data)}, data=fields)
        assert r.status_code == status, (name, r.text)
    r = http.post("api/v1/translate_file", files={"file": ("line.md", ("قال " + "](" * 1_000_000).encode())})
    assert (r.status_code, r.json()["code"]) == (422, "too-long")  # scanned in one pass, then held to the budget
