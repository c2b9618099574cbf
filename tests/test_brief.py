"""The bilingual brief (summarizer.brief): a real Result of the tiny pipeline over a seed article, written as
.docx (read back with python-docx and lxml), .html (parsed with lxml) and .md; LibreOffice converts the .docx
to PDF; refusals, and the temporary name renamed into place (a kill mid-write leaves no part)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html

from summarizer import Pipeline
from summarizer.brief import BRIEF_FORMATS, brief_filename, build_brief, safe_name, write_brief
from summarizer.brief.content import model_lines
from summarizer.brief.to_docx import ARABIC_LANG, COMMENT_AUTHOR
from summarizer.cli import main
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.errors import CLI, OutputExists, OutputFormatUnknown, OutputNotWritable
from summarizer.render import finding_text, is_unsure

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[1]
DOCS_IMAGE = ROOT / "docs" / "images" / "bilingual-brief-page1.png"
TITLE = "لافروف يستقبل دي ميستورا في موسكو"


@pytest.fixture(scope="module")
def pipeline(tiny_mt5, tiny_marian):
    return Pipeline(str(tiny_mt5), str(tiny_marian),
                    summary_decoding=SUMMARY_DECODING.but(num_beams=1, max_new_tokens=12),
                    translation_decoding=TRANSLATION_DECODING.but(num_beams=1, max_new_tokens=8))


@pytest.fixture(scope="module")
def result(pipeline):
    """The tiny pipeline's result for a seed article; its first sentence's findings cleared, so that the brief
    has sentences with and without findings (the tiny models' English has some on every sentence)."""
    made = copy.deepcopy(pipeline(SEED.read_text(encoding="utf-8")))
    made.id = SEED.name
    made.translation[0].findings = []
    assert any(p.findings for p in made.translation) and any(is_unsure(p) for p in made.translation)
    assert not all(is_unsure(p) for p in made.translation)
    return made


@pytest.fixture(scope="module")
def docx_brief(result, tmp_path_factory) -> Path:
    return write_brief(result, tmp_path_factory.mktemp("brief") / "brief.docx", title=TITLE, source=SEED.name)


def english_comment_texts(document, cell) -> list[str]:
    """The texts of the Word comments anchored in a table cell (by the w:commentRangeStart ids in it)."""
    ids = [int(mark.get(qn("w:id"))) for mark in cell._tc.iter(qn("w:commentRangeStart"))]
    return [document.comments.get(i).text for i in ids]


# -- .docx ------------------------------------------------------------------------------------------
def test_docx_table_has_a_row_per_sentence_and_two_columns(docx_brief, result):
    document = docx.Document(str(docx_brief))
    (table,) = document.tables
    header, *rows = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # the header row, repeated on each page
    assert len(rows) == len(result.translation) == len(result.sentences)
    assert all(len(row.cells) == 2 for row in table.rows)
    for row, pair in zip(rows, result.translation, strict=True):
        assert row.cells[0].text == pair.ar
        assert row.cells[1].paragraphs[0].text.startswith(pair.en)


def test_docx_arabic_cells_are_right_to_left_and_tagged_arabic(docx_brief):
    document = docx.Document(str(docx_brief))
    for row in document.tables[0].rows[1:]:
        (paragraph,) = row.cells[0].paragraphs
        assert paragraph._p.pPr.find(qn("w:bidi")) is not None
        for run in paragraph.runs:
            assert run._r.rPr.find(qn("w:rtl")) is not None
            assert run._r.rPr.find(qn("w:lang")).get(qn("w:bidi")) == ARABIC_LANG
        english = row.cells[1].paragraphs[0]
        assert english._p.pPr is None or english._p.pPr.find(qn("w:bidi")) is None


def test_docx_findings_are_word_comments_on_the_english_cell(docx_brief, result):
    document = docx.Document(str(docx_brief))
    rows = document.tables[0].rows[1:]
    for row, pair in zip(rows, result.translation, strict=True):
        assert english_comment_texts(document, row.cells[1]) == [f.message for f in pair.findings]
        assert english_comment_texts(document, row.cells[0]) == []
    assert {c.author for c in document.comments} == {COMMENT_AUTHOR}
    flagged = sum(len(p.findings) for p in result.translation)
    summaries = len(result.summary.findings) + len(result.summary.english_findings)
    assert len(document.comments) == flagged + summaries


def test_docx_marks_low_confidence_sentences_in_words(docx_brief, result):
    document = docx.Document(str(docx_brief))
    for row, pair in zip(document.tables[0].rows[1:], result.translation, strict=True):
        marked = "Unsure translation" in row.cells[1].text
        assert marked == is_unsure(pair)
        if marked:
            assert f"score {pair.score:.2f}" in row.cells[1].text


def test_docx_heads_with_title_source_summaries_and_ends_with_models(docx_brief, result):
    document = docx.Document(str(docx_brief))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE and document.paragraphs[0]._p.pPr.find(qn("w:bidi")) is not None
    assert f"Source: {SEED.name}" in texts
    assert result.summary_ar.strip() in texts and result.summary_en.strip() in texts
    lines = model_lines(result)
    assert texts[-len(lines) - 1:] == ["Models and licences", *lines]
    assert all("licence" in line for line in lines) and not any(str(ROOT) in t or "/tmp" in t for t in texts)
    assert document.core_properties.title == TITLE


def test_docx_sets_no_colour_of_its_own(docx_brief):
    """No page colour, shading or text colour: Word's and LibreOffice's dark modes show it as any document."""
    document = docx.Document(str(docx_brief))
    body = document.element
    assert body.find(qn("w:background")) is None
    assert not list(body.iter(qn("w:shd"))) and not list(body.iter(qn("w:highlight")))
    assert {c.get(qn("w:val")) for c in body.iter(qn("w:color"))} <= {"auto"}


# -- .html ------------------------------------------------------------------------------------------
def html_brief(result, tmp_path, **known) -> html.HtmlElement:
    return html.fromstring(write_brief(result, tmp_path / "brief.html", **known).read_bytes())


def test_html_directions_languages_and_colour_scheme(result, tmp_path):
    page = html_brief(result, tmp_path, title=TITLE)
    assert page.get("lang") == "en" and page.get("dir") == "ltr"
    assert page.xpath('//meta[@name="color-scheme"]/@content') == ["light dark"]
    style = page.xpath("//style")[0].text
    assert "color-scheme: light dark" in style and "background" not in style and "#" not in style
    assert page.xpath("//h1")[0].get("dir") == "rtl"
    rows = page.xpath("//table/tbody/tr")
    assert len(rows) == len(result.translation)
    for row, pair in zip(rows, result.translation, strict=True):
        arabic, english = row.xpath("./td")
        assert (arabic.get("dir"), arabic.get("lang"), arabic.text_content()) == ("rtl", "ar", pair.ar)
        assert english.get("lang") == "en" and english.xpath('./p[@class="en"]')[0].text_content() == pair.en


def test_html_notes_under_flagged_sentences_and_unsure_marks(result, tmp_path):
    page = html_brief(result, tmp_path)
    for row, pair in zip(page.xpath("//table/tbody/tr"), result.translation, strict=True):
        english = row.xpath("./td")[1]
        notes = [p.text_content() for p in english.xpath('./p[@class="note"]')]
        assert notes == [f"⚑ To check: {finding_text(f)}" for f in pair.findings]
        assert all(p.get("role") == "note" for p in english.xpath('./p[@class="note"]'))
        assert bool(english.xpath('./p[@class="unsure"]')) == is_unsure(pair)
    assert page.xpath("//h2")[-1].text == "Models and licences"
    assert [li.text for li in page.xpath("//h2[last()]/following-sibling::ul[1]/li")] == model_lines(result)


def test_html_shows_markup_in_the_article_as_text(result, tmp_path):
    hostile = copy.deepcopy(result)
    hostile.translation[0].ar = '<script>alert("ar")</script> قال الوزير'
    hostile.translation[0].en = '<img src=x onerror=alert(1)> the minister said'
    page = html_brief(hostile, tmp_path, title="<b>title</b>", source='"><script>alert(2)</script>')
    assert page.xpath("//script") == [] and page.xpath("//img") == [] and page.xpath("//body//b") == []
    first = page.xpath("//table/tbody/tr")[0]
    assert first.xpath("./td")[0].text_content() == hostile.translation[0].ar
    assert first.xpath("./td")[1].xpath("./p")[0].text_content() == hostile.translation[0].en
    assert page.xpath("//h1")[0].text_content() == "<b>title</b>"


# -- .md --------------------------------------------------------------------------------------------
def test_markdown_brief(result, tmp_path):
    hostile = copy.deepcopy(result)
    hostile.translation[0].ar = "<script>alert(1)</script> قال"
    written = write_brief(hostile, tmp_path / "brief.md", title=TITLE, source=SEED.name)
    text = written.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == f"# {TITLE}" and f"- Source: {SEED.name}" in lines
    assert '<div dir="rtl" lang="ar">' in lines
    start = lines.index("| العربية (Arabic) | English |")
    rows = lines[start + 2:start + 2 + len(result.translation)]
    assert all(row.startswith("| ") and row.endswith(" |") for row in rows)
    assert "<script>" not in text and "&lt;script&gt;" in rows[0]
    for row, pair in zip(rows, hostile.translation, strict=True):
        assert row.count("⚑ To check") == len(pair.findings)
        assert ("Unsure translation" in row) == is_unsure(pair)
    assert lines[-3:] == ["## Models and licences", "", *[f"- {m}" for m in model_lines(result)]][-3:]


def test_translation_only_result_has_no_summary_section(pipeline, tmp_path):
    translated = pipeline.translate("قال الوزير إن 300 شخص حضروا الاجتماع. وأضاف أن الحكومة ستعمل على ذلك.")
    text = write_brief(translated, tmp_path / "t.md").read_text(encoding="utf-8")
    assert "## Summary" not in text and text.count("\n| ") >= 2
    assert text.startswith("# قال الوزير إن 300 شخص")  # no title given: the first words of the article


# -- writing: formats, names, refusals, never half a file ---------------------------------------------
def test_formats_by_suffix():
    assert set(BRIEF_FORMATS) == {".docx", ".html", ".md"}


def test_existing_file_needs_overwrite(result, tmp_path):
    target = tmp_path / "brief.html"
    target.write_text("edited by hand")
    with pytest.raises(OutputExists) as refused:
        write_brief(result, target)
    assert refused.value.code == "output-exists" and "overwrite=True" in str(refused.value)
    assert "--overwrite" in refused.value.message(CLI)
    assert target.read_text() == "edited by hand" and os.listdir(tmp_path) == ["brief.html"]
    write_brief(result, target, overwrite=True)
    assert html.fromstring(target.read_bytes()).xpath("//table")


def test_unknown_suffix_and_missing_folder_are_refused(result, tmp_path):
    with pytest.raises(OutputFormatUnknown) as unknown:
        write_brief(result, tmp_path / "brief.pdf")
    assert unknown.value.code == "output-format" and unknown.value.suffixes == [".docx", ".html", ".md"]
    with pytest.raises(OutputNotWritable) as missing:
        write_brief(result, tmp_path / "no-such-folder" / "brief.md")
    assert missing.value.code == "output-not-writable"
    assert os.listdir(tmp_path) == []


def test_a_folder_gets_a_file_named_after_the_title(result, tmp_path):
    written = write_brief(result, tmp_path, title="وزير الخارجيّة: لقاءٌ/جنيف ـ 2024")
    assert written == tmp_path / "وزير-الخارجية-لقاء-جنيف-2024.docx" and written.is_file()
    assert brief_filename(result).endswith(".docx") and "/" not in brief_filename(result)


@pytest.mark.parametrize(("title", "name"), [
    ("../../etc/passwd", "etc-passwd"),
    ("con", "con-brief"),
    ("", "brief"),
    ("  \u202e\u0000 ", "brief"),
    ("العربيةُ لغةٌ", "العربية-لغة"),
    ("a" * 200, "a" * 80),
])
def test_safe_names(title, name):
    assert safe_name(title) == name


def test_a_failed_write_leaves_nothing(result, tmp_path, monkeypatch):
    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputNotWritable) as failed:
        write_brief(result, tmp_path / "brief.docx")
    assert "No space left" in str(failed.value)
    assert os.listdir(tmp_path) == []  # neither the brief nor its temporary file


# A child that writes a brief and is killed mid-write (its fsync, after the bytes, before the rename).
KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from summarizer.brief import write_brief
    from summarizer.result import Result, SentencePair

    def stall(fd):
        Path(sys.argv[2]).write_text("writing")
        time.sleep(120)

    os.fsync = stall
    pair = SentencePair("قال الوزير.", "The minister said.")
    result = Result(sentences=[pair.ar], translation=[pair])
    write_brief(result, sys.argv[1], overwrite=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("before", [None, b"the brief from before"])
def test_a_kill_mid_write_leaves_no_partial_file(tmp_path, before):
    out = tmp_path / "out"
    out.mkdir()
    target, ready = out / "brief.docx", tmp_path / "ready"
    if before is not None:
        target.write_bytes(before)
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target), str(ready)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the child never reached the write"
        (temporary,) = [p for p in out.iterdir() if p != target]
        assert temporary.name.startswith(".brief.docx.") and temporary.stat().st_size > 0  # bytes written
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    if before is None:
        assert not target.exists()
    else:
        assert target.read_bytes() == before
    visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    assert visible == ([] if before is None else ["brief.docx"])


# -- the command line ---------------------------------------------------------------------------------
def test_cli_refuses_an_existing_brief_before_loading_models(tmp_path, capsys):
    target = tmp_path / "brief.docx"
    target.write_bytes(b"kept")
    # Models that do not exist: the refusal comes first, or the run would fail on them instead.
    code = main(["run", str(SEED), "-o", str(target), "--summary-model", str(tmp_path / "none"),
                 "--translation-model", str(tmp_path / "none")])
    assert code == 2 and "--overwrite" in capsys.readouterr().err and target.read_bytes() == b"kept"
    assert main(["run", str(SEED), "-o", str(tmp_path / "brief.odt")]) == 2
    assert ".docx, .html, .md" in capsys.readouterr().err
    assert main(["run", str(SEED), str(SEED), "-o", str(tmp_path / "b.md")]) == 2
    assert main(["run", str(target), "-o", str(target), "--overwrite"]) == 2
    assert "input itself" in capsys.readouterr().err and target.read_bytes() == b"kept"


@pytest.mark.slow
def test_cli_run_writes_a_brief(tiny_mt5, tiny_marian_eos, tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    target = tmp_path / "brief.html"
    args = ["run", str(SEED), "-o", str(target), "--json", "--summary-model", str(tiny_mt5),
            "--translation-model", str(tiny_marian_eos), "--beams", "1"]
    out = subprocess.run([sys.executable, "-m", "summarizer", *args], capture_output=True, env=env, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stderr.decode()
    record = json.loads(out.stdout)  # what run printed before -o stays
    page = html.fromstring(target.read_bytes())
    assert len(page.xpath("//table/tbody/tr")) == len(record["translation"])
    assert f"brief: {target}" in out.stderr.decode()
    again = subprocess.run([sys.executable, "-m", "summarizer", *args], capture_output=True, env=env,
                           cwd=ROOT, timeout=300)
    assert again.returncode == 2 and "--overwrite" in again.stderr.decode()


# -- LibreOffice --------------------------------------------------------------------------------------
def libreoffice_pdf(document: Path, out: Path) -> Path:
    """``document`` converted to PDF by LibreOffice (a profile of its own: others may be converting)."""
    profile = out / "libreoffice-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(document)],
                          capture_output=True, timeout=240)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    pdf = out / (document.stem + ".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    return pdf


def page_one_png(pdf: Path, stem: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True, timeout=120)
    png = stem.with_suffix(".png")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    return png


needs_office = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                                  reason="LibreOffice and poppler are installed by scripts/setup.sh")


@pytest.mark.slow
@needs_office
def test_libreoffice_converts_the_docx_brief(docx_brief, result, tmp_path):
    pdf = libreoffice_pdf(docx_brief, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          timeout=120).stdout.decode()
    assert "The article, sentence by sentence" in text and "Models and licences" in text
    page_one_png(pdf, tmp_path / "page")


@pytest.mark.slow
@needs_office
def test_docs_picture_of_a_brief(pipeline, tmp_path):
    """The picture in docs/documents.md: the brief of an NTREX-128 news article (its headline as the title)
    made by the tiny pipeline (lead summary), whose English is noise: the article's human English stands in
    for it, so that the layout reads as it will with a real model; the scores that mark sentences unsure are
    the tiny model's. Needs the evaluation data."""
    from summarizer.checks.registry import PAIR, SUMMARY_TRANSLATION, run_checks
    from tests.conftest import NO_DATA, SHARED_DATA

    data = SHARED_DATA / "ntrex128" / "dev.jsonl"
    if not data.is_file():
        pytest.skip(NO_DATA)
    article = json.loads(data.read_text(encoding="utf-8").splitlines()[0])
    arabic = [line.strip() for line in article["ar"]]
    english = [line.strip() for line in article["en"]]
    made = pipeline("\n".join(arabic[1:7]), summary_method="lead")
    if [p.ar for p in made.translation] != arabic[1:7]:
        pytest.skip("the splitter did not keep NTREX's sentences one to one")
    for pair, human in zip(made.translation, english[1:7], strict=True):
        pair.en, pair.findings = human, run_checks(PAIR, pair.ar, human)  # the checks, on the human English
    made.summary_en = " ".join(english[1 + i] for i in made.summary.used)
    made.summary.english_findings = run_checks(SUMMARY_TRANSLATION, made.summary_ar, made.summary_en)
    brief = write_brief(made, tmp_path / "brief.docx", title=arabic[0], source=f"NTREX-128, {article['id']}")
    png = page_one_png(libreoffice_pdf(brief, tmp_path), tmp_path / "page")
    DOCS_IMAGE.parent.mkdir(exist_ok=True)
    shutil.copyfile(png, DOCS_IMAGE)


def test_brief_content_is_shared_by_every_format(result):
    brief = build_brief(result, title=TITLE)
    assert [row.ar for row in brief.rows] == result.sentences and brief.models == model_lines(result)
    assert brief.source == SEED.name and brief.title_is_arabic
