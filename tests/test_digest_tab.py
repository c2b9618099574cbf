"""The page's "Several articles" tab (``summarizer.web.digest_tab``): its handler called directly, its views
(escaped, Arabic right to left), its downloads and the file boundary; then a tiny page holding only the tab,
served and called through ``gradio_client``.

Tiny local models (random weights): the English is gibberish, so only structure is checked."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from summarizer import web as webapp
from summarizer.digest import make_digest
from summarizer.digest.render import html_body, to_html, to_markdown
from summarizer.web.digest_tab import DOWNLOADS, build_digest_tab, pasted_articles, run_digest
from summarizer.web.rest import MAX_DIGEST_ARTICLES
from summarizer.web.uploads import NOT_AN_UPLOAD
from tests.conftest import SEEDS
from tests.sample_documents import as_upload, make_docx
from tests.test_app import FAST

# Markup an article may hold that survives cleaning (a Markdown link) or not (tags), and an id a client chose.
MARKUP = ("قال المتحدث <img src=x onerror=alert(1)> إن [الاجتماع](javascript:alert(1)) سيعقد في موسكو مع "
          "<script>alert(2)</script> لافروف يوم الثلاثاء المقبل في www.example.com أو https://example.com/x.")


def seed(n: int) -> str:
    return SEEDS[n].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def marked_digest():
    """Two seeds, one with markup in its text and in its id, one with a figure changed."""
    return make_digest([{"id": "a<b>[x](javascript:y)", "text": MARKUP + "\n" + seed(0)},
                        {"id": "b", "text": seed(0).replace("270 ألف", "280 ألف")}])


def test_the_digest_markdown_makes_article_text_and_ids_inert(marked_digest):
    md = to_markdown(marked_digest)
    assert "](javascript:" not in md and "[x]" not in md and "<b>" not in md
    assert "https://" not in md and "www.example" not in md  # no autolink either
    assert "&#91;الاجتماع&#93;" in md  # the words are still there, only inert
    assert "Articles: a&lt;b&gt;" in md


def test_the_digest_html_escapes_article_text_and_is_right_to_left(marked_digest):
    page, body = to_html(marked_digest), html_body(marked_digest)
    assert body in page and "<body>" not in body and "<html" not in body
    for view in (page, body):
        assert "<script" not in view and "onerror=" not in view.replace("onerror=alert(1)&gt;", "")
        assert "a&lt;b&gt;" in view and "<b>" not in view
    story = marked_digest.stories[0]
    assert '<h2 lang="ar" dir="rtl">' in body and story.title_ar.split()[0] in body
    assert body.count('dir="rtl"') >= 1 + len(story.summary)


# -- the handler, called directly ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    return webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)


def test_pasted_articles_are_split_at_lines_of_dashes_only():
    text = "الأول.\n\nفقرته الثانية.\n---\nالثاني.\n  -----  \n\n---\nالثالث - و -- ليس فاصلا."
    assert pasted_articles(text) == [{"id": "pasted-1", "text": "الأول.\n\nفقرته الثانية."},
                                     {"id": "pasted-2", "text": "الثاني."},
                                     {"id": "pasted-3", "text": "الثالث - و -- ليس فاصلا."}]
    assert pasted_articles("") == pasted_articles(None) == pasted_articles("---\n---") == []


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> list[Path]:
    """Seeds 2 and 3 as uploads (a .txt and a .docx), and a file no reader takes."""
    folder = tmp_path_factory.mktemp("files")
    (folder / "002.txt").write_text(seed(2), encoding="utf-8")
    make_docx(folder / "003.docx", seed(3).splitlines())
    (folder / "notes.odt").write_bytes(b"PK\x03\x04 not a document this page reads")
    return [as_upload(folder / name) for name in ("002.txt", "003.docx", "notes.odt")]


@pytest.fixture(scope="module")
def done(state, uploads):
    changed = seed(0).replace("270 ألف", "280 ألف")
    return run_digest(state, f"{seed(0)}\n---\n{changed}\n---\n{seed(1)}", [str(p) for p in uploads], 33)


def test_pasted_and_uploaded_articles_are_digested_with_downloads(done, state):
    assert done.status.startswith("✔ **Done:**"), done.status
    (story,) = done.typed.stories
    assert sorted(story.articles) == ["002", "003", "pasted-1", "pasted-2", "pasted-3"]
    assert [(s.article, s.code) for s in done.typed.skipped] == [("notes", "unreadable")]
    assert "notes.odt" in done.typed.skipped[0].reason  # the reader's own words
    assert any(d.kind == "number" and {"pasted-1", "pasted-2"} <= set(d.articles) for d in story.disagreements)
    assert done.record == done.typed.to_dict() and done.record["threshold"] == 0.33
    paths = [Path(p) for p in done.downloads]
    assert [p.suffix for p in paths] == list(DOWNLOADS) and len({p.parent for p in paths}) == 1
    assert paths[0].parent.parent == Path(state.export_dir) and paths[0].parent.name.startswith("summary-")
    assert json.loads(paths[1].read_text(encoding="utf-8")) == done.record
    assert paths[0].read_text(encoding="utf-8").startswith("# Digest: 1 stories from 6 articles")
    from docx import Document

    assert Document(str(paths[2])).paragraphs
    assert done.view.count('dir="rtl"') >= 1 + len(story.summary) and "<body>" not in done.view


def test_markup_in_an_article_is_shown_inert_on_the_page_and_in_the_downloads(state):
    out = run_digest(state, f"{MARKUP}\n{seed(0)}\n---\n{seed(0).replace('270 ألف', '280 ألف')}", None, 33)
    assert out.status.startswith("✔"), out.status
    assert any("الاجتماع" in s for a in out.typed.stories[0].adds for s in a.sentences)  # the sentence is there
    assert "&#91;الاجتماع&#93;" in Path(out.downloads[0]).read_text(encoding="utf-8")
    markdown = Path(out.downloads[0]).read_text(encoding="utf-8")
    for view in (out.view, markdown):  # tags escaped (the cleaning took these out already)
        assert "<script" not in view and "<img" not in view
    assert "](javascript:" not in markdown  # a Markdown link, inert (in HTML it is text)
    assert "<a " not in out.view and "[الاجتماع](javascript:alert(1))" in out.view


def test_the_threshold_is_the_tabs_choice(state):
    out = run_digest(state, "\n---\n".join(seed(n) for n in range(5)), None, 99)
    assert len(out.typed.stories) == 5 and out.record["threshold"] == 0.99


@pytest.mark.parametrize("path", ["/etc/passwd", "__file__", "../../etc/hostname"])
def test_only_this_requests_uploads_are_read(state, path):
    path = __file__ if path == "__file__" else path  # a file that exists, outside the upload folder
    out = run_digest(state, seed(0), [path], 33)
    assert out.status.startswith("✘ **Error:**") and NOT_AN_UPLOAD.split(":")[0] in out.status
    assert out.record == {"error": NOT_AN_UPLOAD} and out.downloads is None


@pytest.mark.parametrize(("pasted", "threshold", "words"), [
    ("", 33, "Paste several articles"),
    ("---\n---", 33, "Paste several articles"),
    ("نص\n---\n" * (MAX_DIGEST_ARTICLES + 1), 33, f"at most {MAX_DIGEST_ARTICLES}"),
    ("نص", 0, "digest_threshold"),
    ("نص", 100, "digest_threshold"),
])
def test_bad_input_gives_the_pages_error_not_an_exception(state, pasted, threshold, words):
    out = run_digest(state, pasted, None, threshold)
    assert out.status.startswith("✘ **Error:**") and words in out.status, out.status
    assert out.record == {"error": out.record["error"]} and out.downloads is None and "Traceback" not in out.status


def test_an_article_over_the_limit_is_left_out_and_the_others_digested(state):
    long = "ا" * (state.service.max_chars + 1)
    out = run_digest(state, f"{seed(0)}\n---\n{long}\n---\n{seed(1)}", None, 33)
    assert out.status.startswith("✔"), out.status
    assert [(s.article, s.code) for s in out.typed.skipped] == [("pasted-2", "too-long")]
    assert sorted(out.typed.stories[0].articles) == ["pasted-1", "pasted-3"]


def test_articles_left_out_are_said_in_the_view(state):
    out = run_digest(state, f"{seed(0)}\n---\nThe minister said the talks would resume.\n---\n{seed(0)}", None, 33)
    assert {s.code for s in out.typed.skipped} == {"not-arabic", "duplicate"}
    assert "Left out" in out.view and "pasted-2" in out.view and "pasted-3" in out.view


# -- the tab in a page, through gradio_client -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # a live server
def test_the_tab_in_a_page_answers_its_api(state, uploads):
    import gradio as gr
    from gradio_client import Client, handle_file

    with gr.Blocks() as demo, gr.Tab("Several articles"):
        build_digest_tab(state)
    port = _free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        assert list(endpoints) == ["/digest"]
        assert [p["parameter_name"] for p in endpoints["/digest"]["parameters"]][:2] == ["pasted", "files"]
        view, status, downloads, record = client.predict(f"{seed(0)}\n---\n{seed(1)}", [handle_file(str(uploads[0]))],
                                                         33, api_name="/digest")
        assert status.startswith("✔"), status
        assert sorted(record["stories"][0]["articles"]) == ["002", "pasted-1", "pasted-2"]
        assert [Path(p).suffix for p in downloads] == list(DOWNLOADS)
        assert json.loads(Path(downloads[1]).read_text(encoding="utf-8")) == record
        assert 'dir="rtl"' in view
        refused = client.predict("", None, 33, api_name="/digest")
        assert refused[1].startswith("✘ **Error:**") and refused[3] == {"error": refused[3]["error"]}
    finally:
        demo.close()
