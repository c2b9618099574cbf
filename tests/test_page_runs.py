"""Stop on the server: each page session's running summary has a switch that Stop (or a new article)
throws, and the pipeline stops at its next model batch, giving its place in the work gate back."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import web as webapp
from summarizer.service import WorkGate
from summarizer.web.state import PageRuns
from tests.sample_documents import as_upload, make_pdf
from tests.test_app import FAST
from tests.translated_documents import make_arabic_docx

ARTICLE = ["قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف.", "وأضاف أن الوفدين سيلتقيان صباح الاثنين."]


def test_stop_throws_the_switch_of_that_session_only():
    runs = PageRuns()
    with runs.running("a") as a_cancelled, runs.running("b") as b_cancelled:
        assert not a_cancelled() and not b_cancelled() and len(runs) == 2
        assert runs.stop("a") == 1
        assert a_cancelled() and not b_cancelled()
        assert runs.stop("a") == 0  # once
    assert len(runs) == 0  # a finished run leaves nothing behind
    assert runs.stop("b") == 0


def test_runs_of_one_session_overlap_and_stop_together():
    """An API client's calls share one session and may overlap: one run never stops another; Stop stops all."""
    runs = PageRuns()
    with runs.running("a") as first, runs.running("a") as second:
        assert not first() and not second() and len(runs) == 1
        assert runs.stop("a") == 2
        assert first() and second()
    assert len(runs) == 0


def test_a_run_without_a_session_cannot_be_stopped_from_elsewhere():
    runs = PageRuns()
    with runs.running(None) as cancelled:
        assert runs.stop(None) == 0 and not cancelled() and len(runs) == 0


@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)
    state.service.gate = WorkGate(1, 4)  # as a server has
    return state


def test_a_stopped_run_ends_with_the_pages_words_and_writes_nothing(state, seed_texts):
    before = set(state.export_dir.iterdir())
    out = webapp.summarize(state, seed_texts[0], "abstractive", "lead", cancelled=lambda: True)
    assert out.typed is None and out.json_file is None and "stopped" in out.result["error"].lower()
    assert "Traceback" not in out.status
    assert set(state.export_dir.iterdir()) == before


def test_stop_during_a_run_ends_it_at_the_next_batch(state, seed_texts):
    """The switch is thrown while the pipeline works (from its progress, as a Stop arriving then would):
    the run ends with the stopped message instead of a result, and the gate is free again."""
    runs = PageRuns()
    calls = []

    def progress(fraction, desc=""):
        calls.append(desc)
        if len(calls) == 3:
            runs.stop("page")

    with runs.running("page") as cancelled:
        out = webapp.summarize(state, seed_texts[2], "abstractive", "chunked", progress=progress, cancelled=cancelled)
    assert out.typed is None and "stopped" in out.result["error"].lower()
    assert 3 <= len(calls) < 12  # it ended at the next batch, not at the end
    assert state.service.gate.load()["working"] == 0  # its place is free
    assert webapp.summarize(state, seed_texts[2], "abstractive", "lead").typed is not None  # the next run goes


# -- the translated document's download ----------------------------------------------------------
def _uploaded_and_summarised(state, path):
    from summarizer.web.page import read_upload

    loaded, document = read_upload(state, as_upload(path))
    out = webapp.summarize(state, loaded[0], "extractive", "lead")
    return loaded[0], document, out


def test_an_uploaded_docx_comes_back_translated_in_its_own_format(state, tmp_path):
    import docx

    from summarizer.web.page import translated_download

    text, document, out = _uploaded_and_summarised(state, make_arabic_docx(tmp_path / "تقرير.docx"))
    update = translated_download(state, out.typed, webapp.text_digest(text), text, document)
    assert update["visible"] and update["interactive"]
    path = Path(update["value"])
    assert path.suffix == ".docx" and path.name.endswith(".en.docx") and path.is_relative_to(state.export_dir)
    assert update["label"].startswith("Translated document (.docx)")
    english = {p.ar: p.en for p in out.typed.translation}
    body = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert any(en and en in body for en in english.values())  # the English shown is the English written


def test_a_pdf_comes_back_as_a_word_file(state, tmp_path):
    from summarizer.web.page import translated_download

    text, document, out = _uploaded_and_summarised(state, make_pdf(tmp_path / "story.pdf", ARTICLE))
    update = translated_download(state, out.typed, webapp.text_digest(text), text, document)
    assert update["visible"] and Path(update["value"]).suffix == ".docx"


@pytest.mark.parametrize(("name", "body", "suffix"), [
    ("story.html", "<html lang='ar' dir='rtl'><head><title>خبر</title><script>var x = 'لا';</script></head><body>"
                   "<p>" + " ".join(ARTICLE * 3) + "</p><p>" + " ".join(ARTICLE[::-1] * 3) + "</p></body></html>",
     ".html"),
    ("story.txt", "\n\n".join(ARTICLE * 3), ".txt"),
])
def test_web_pages_and_text_files_come_back_in_their_own_format(state, tmp_path, name, body, suffix):
    from summarizer.web.page import translated_download

    source = tmp_path / name
    source.write_text(body, encoding="utf-8")
    text, document, out = _uploaded_and_summarised(state, source)
    update = translated_download(state, out.typed, webapp.text_digest(text), text, document)
    written = Path(update["value"])
    assert update["visible"] and written.name.endswith(".en" + suffix)
    if suffix == ".html":  # the page's script is left as it was, its direction turned
        html = written.read_text(encoding="utf-8")
        assert "var x = 'لا';" in html and 'dir="ltr"' in html


def test_no_translated_document_for_an_edited_or_pasted_article(state, tmp_path):
    from summarizer.web.page import translated_download

    text, document, out = _uploaded_and_summarised(state, make_arabic_docx(tmp_path / "a.docx"))
    edited = text + " خبر"
    hidden = {"value": None, "interactive": False, "visible": False}
    for result, made_from, on_screen, doc in [
        (out.typed, webapp.text_digest(text), edited, document),  # edited since: the result is not shown
        (out.typed, webapp.text_digest(text), text, None),  # pasted, no document
        (None, webapp.text_digest(text), text, document),  # no result (an error)
    ]:
        update = translated_download(state, result, made_from, on_screen, doc)
        assert {k: update[k] for k in hidden} == hidden


def test_a_document_outside_the_upload_folder_is_never_read(state, tmp_path):
    """The kept document is checked again before it is read: a path of the server is refused in silence."""
    from summarizer.web.page import translated_download

    text, document, out = _uploaded_and_summarised(state, make_arabic_docx(tmp_path / "a.docx"))
    outside = make_arabic_docx(tmp_path / "secret.docx")
    forged = document._replace(path=str(outside), name="secret.docx")
    update = translated_download(state, out.typed, webapp.text_digest(text), text, forged)
    assert update["visible"] is False and not list(state.export_dir.glob("**/*secret*"))


def test_a_refused_upload_keeps_the_document_before_it(state, tmp_path):
    import gradio as gr

    from summarizer.web.page import read_upload

    bad = tmp_path / "program.exe"
    bad.write_bytes(b"MZ\x00")
    assert read_upload(state, as_upload(bad))[1] == gr.skip()


def test_the_brief_of_an_uploaded_file_names_its_title_source_and_date(state, tmp_path):
    """The page's brief is headed by what the source says: a Word file's title and date, its name."""
    import datetime as dt

    import docx

    from summarizer.web.page import brief_download

    path = make_arabic_docx(tmp_path / "تقرير.docx")
    document = docx.Document(path)
    document.core_properties.title = "محادثات جنيف"
    document.core_properties.created = dt.datetime(2024, 3, 5, 10, 0)
    document.save(path)
    text, source, out = _uploaded_and_summarised(state, path)
    assert (source.title, source.source, source.date) == ("محادثات جنيف", "تقرير.docx", "2024-03-05")
    update = brief_download(state, out.typed, webapp.text_digest(text), text, source)
    brief = Path(update["value"])
    assert brief.name == "محادثات-جنيف.docx"
    written = "\n".join(p.text for p in docx.Document(brief).paragraphs)
    assert "2024-03-05" in written and "تقرير.docx" in written
    # the source of another text (the article was edited since) is not used
    other = brief_download(state, out.typed, webapp.text_digest(text), text, source._replace(digest="0" * 16))
    assert "2024-03-05" not in "\n".join(p.text for p in docx.Document(other["value"]).paragraphs)


def test_stop_stops_the_translated_document_too(state, tmp_path, monkeypatch):
    """The translated document is one of the page's runs: Stop (here thrown as its work starts) ends it at
    its next batch, and the download stays hidden."""
    from summarizer.web.page import translated_download

    text, document, out = _uploaded_and_summarised(state, make_arabic_docx(tmp_path / "a.docx"))
    translate = state.service.translate_document

    def stopped_at_once(*args, **kwargs):
        state.runs.stop("page")
        return translate(*args, **kwargs)

    monkeypatch.setattr(state.service, "translate_document", stopped_at_once)
    update = translated_download(state, out.typed, webapp.text_digest(text), text, document, session="page")
    assert update["visible"] is False and len(state.runs) == 0
