"""The web app: its handler functions called directly, then the launched app through gradio_client.

Tiny local models (random weights): outputs are gibberish, so only structure is checked.
"""

from __future__ import annotations

import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from summarizer import render
from summarizer import web as webapp
from summarizer.engines.base import SUMMARY_DECODING, TRANSLATION_DECODING
from summarizer.pipeline import Result
from summarizer.result import SentencePair
from summarizer.web.handlers import Outputs, status_markdown, write_exports
from summarizer.web.page import after_summary, summary_notes
from tests.sample_documents import as_upload

FAST = {
    "summary_decoding": SUMMARY_DECODING.but(num_beams=1, max_new_tokens=12),
    "translation_decoding": TRANSLATION_DECODING.but(num_beams=1, max_new_tokens=8),
}


@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    # allow_private_urls: the tests' web pages are served on 127.0.0.1
    return webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"),
                           allow_private_urls=True, **FAST)


@pytest.fixture(scope="module")
def seed_output(state, seed_texts) -> Outputs:
    return webapp.summarize(state, seed_texts[1], "abstractive", "lead")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def launched(state: webapp.AppState, *, concurrency: int = 1, max_queue: int = 16):
    """The real app (app.py's page) served on a free port in a background thread; yields its URL."""
    from summarizer.web.server import build_demo

    demo = build_demo(state, concurrency=concurrency, max_queue=max_queue)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True,
                **webapp.launch_style())
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


# -- the handler, called directly --------------------------------------------------------
def test_seed_article_gives_every_output(seed_output, state):
    out = seed_output
    result = out.result
    assert out.summary_ar and out.summary_ar == result["summary_ar"]
    assert out.summary_en and out.summary_en == result["summary_en"]
    lines = out.translation.split("\n")
    assert len(lines) == len(result["sentences"]) == len(result["translation"]) > 3
    assert lines == [p["en"] for p in result["translation"]]
    assert all(lines)
    assert out.aligned.count("<tr") == len(result["sentences"]) + 1  # + the header row
    assert out.aligned.count('data-i="') >= 2 * len(result["sentences"])  # both sides, for highlighting
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["summary_method"] == "abstractive-lead"


def test_status_names_models_method_timings_and_warnings(seed_output, state, tiny_mt5, tiny_marian):
    status = seed_output.status
    assert status.startswith("✔ **Done**") and "Abstractive (mT5), from the first 512 tokens" in status
    # models by name, not by the folder's path (a developer's detail)
    assert "summary: tiny-mt5 (CTranslate2)" in status and "translation: tiny-marian (CTranslate2)" in status
    assert str(tiny_mt5.parent) not in status
    for stage in ("cleaning", "splitting", "summarising", "translating sentence", "translating the summary"):
        assert stage in status.lower()
    assert "total" in status
    # seed 001 is longer than mT5's 512 tokens: the cut is reported, in the page's words
    assert any("512 tokens" in w for w in seed_output.result["warnings"])
    for notice in seed_output.typed.article_notices:
        assert render.md_text(notice.message("page")) in status
    assert "long_input=" not in status and "The whole article, in parts" in status


def test_cleaning_artifacts_are_reported(state, seed_texts):
    out = webapp.summarize(state, seed_texts[2], "extractive", None)
    assert out.result["removed"]
    assert "Cleaning removed" in out.status
    assert out.result["summary_method"] == "extractive-lexrank"


def test_progress_goes_through_every_stage(state, seed_texts):
    calls: list[tuple[float, str]] = []
    webapp.summarize(state, seed_texts[0], "abstractive", "lead",
                     progress=lambda fraction, desc=None: calls.append((fraction, desc)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] == 1.0
    descriptions = " ".join(d for _, d in calls)
    for label in ("Cleaning", "Summarising in Arabic", "Translating sentence by sentence", "Translating the summary"):
        assert label in descriptions


def test_progress_never_moves_back_when_summary_and_translation_report_in_turns():
    from summarizer.web.handlers import stage_progress

    calls: list[float] = []
    hook = stage_progress(lambda fraction, desc=None: calls.append(fraction))
    for stage, done, total in [("clean", 1, 1), ("split", 1, 1), ("summarize", 0, 1), ("translate", 5, 20),
                               ("translate", 20, 20), ("summarize", 1, 1), ("summary_en", 0, 2),
                               ("summary_en", 2, 2)]:
        hook(stage, done, total)
    assert calls == sorted(calls) and calls[-1] == 1.0
    assert calls[4] < calls[5]  # the summary's end still moves the bar after the translation's


@pytest.mark.parametrize(
    "text,method,expected",
    [
        ("", "abstractive", "empty"),
        ("   \n  ", "extractive", "empty"),
        (None, "extractive", "empty"),
        ("This is an English news article about the weather in London today.", "extractive", "does not look Arabic"),
        ("خبر " * 30_000, "lead", "this page takes at most 100,000"),
        ("قال الوزير إن المحادثات ستستأنف.", "summarize-it", "Unknown summary method"),
    ],
)
def test_bad_input_gives_a_clear_message_not_an_exception(state, text, method, expected, recwarn):
    out = webapp.summarize(state, text, method, "lead")
    assert not recwarn.list  # no toast titled "Warning" beside a page that says "Error"
    assert expected in out.status and out.status.startswith("✘ **Error:**")
    assert "--max-chars" not in out.status and "max_chars" not in out.status
    assert "Traceback" not in out.status
    assert out.result == {"error": out.result["error"]} and expected in out.result["error"]
    assert out.summary_ar == out.translation == out.aligned == ""
    assert out.json_file is None and out.markdown_file is None


def test_file_upload_utf8_and_bom(state, tmp_path, seed_texts):
    path = tmp_path / "article.txt"
    path.write_text(seed_texts[0], encoding="utf-8")
    text, status, *_ = webapp.read_upload(state, as_upload(path))[0]
    assert text == seed_texts[0] and "article.txt" in status
    path.write_bytes(b"\xef\xbb\xbf" + seed_texts[0].encode("utf-8"))
    assert webapp.read_upload(state, as_upload(path))[0][0] == seed_texts[0]
    assert webapp.read_upload(state, None)[0][0] == {"__type__": "update"}  # the text in the box stays


def test_file_upload_not_utf8_names_the_file_and_keeps_the_text(state, tmp_path):
    path = tmp_path / "cp1256-article.txt"
    path.write_bytes("قال الوزير إن المحادثات ستستأنف.".encode("cp1256"))
    uploaded = as_upload(path)
    text, status, *_ = webapp.read_upload(state, uploaded)[0]
    assert text == {"__type__": "update"}  # the text already in the box stays
    assert "cp1256-article.txt" in status and "not UTF-8" in status
    assert str(uploaded.parent) not in status  # the upload's temp folder is not shown


def test_exports_json_and_markdown(seed_output):
    data = json.loads(Path(seed_output.json_file).read_text(encoding="utf-8"))
    assert data == seed_output.result
    md = Path(seed_output.markdown_file).read_text(encoding="utf-8")
    assert md.startswith("# Arabic news summary")
    for heading in ("## Arabic summary", "## English summary", "## English translation", "## Sentence by sentence",
                    "## Warnings"):
        assert heading in md
    assert render.md_text(data["summary_ar"]) in md
    assert "abstractive-lead" in md
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| # |")]
    assert len(table_rows) == len(data["translation"])


def test_exports_do_not_overwrite_each_other(tmp_path):
    result = Result(sentences=["أ."], summary_ar="أ.", translation=[SentencePair("أ.", "A.")])
    first, second = write_exports(result, tmp_path), write_exports(result, tmp_path)
    assert first[0] != second[0] and first[1] != second[1]


def test_aligned_view_escapes_html_and_is_rtl():
    pairs = [SentencePair("قال <script>alert(1)</script> الوزير", "He said <b>&</b> \"hi\""), SentencePair("ثم.", "")]
    view = render.aligned_html(pairs)
    assert "<script>" not in view and "&lt;script&gt;alert(1)&lt;/script&gt;" in view
    assert "<b>" not in view and "&lt;b&gt;&amp;&lt;/b&gt;" in view
    assert view.count('dir="rtl"') == 3  # the header and both Arabic cells
    assert view.count('lang="ar"') == 3
    assert 'class="aligned-empty"' in view  # a missing translation says so
    md = render.to_markdown(Result(sentences=["x"], summary_ar="<script>x</script>", translation=pairs))
    assert "<script>" not in md


def test_examples_are_the_seed_articles_labelled_by_headline_or_first_sentence_and_source(seed_texts):
    found = webapp.examples()
    assert [text for _, text in found] == seed_texts
    labels = [label for label, _ in found]
    assert all(len(label) <= 60 for label in labels)  # Gradio cuts a label after 60 characters
    assert not labels[0].startswith("وأضاف")  # seed 000 opens with a quotation's second half
    assert labels[0].startswith("ووجه المبعوث الأممي")  # ...its first news sentence instead
    assert labels[1].endswith(" · موقع روسيا اليوم")  # the source the article names
    assert labels[3] == "دي ميستورا في موسكو لإنقاذ الهدنة في سوريا"  # the headline


def test_summary_sources_are_exact_for_extractive_and_by_overlap_for_abstractive(state, seed_texts):
    extractive = state.service.pipeline(seed_texts[1], summary_method="extractive")
    sources = render.summary_sources(extractive)
    assert sources.exact and len(sources.used) == 3
    assert " ".join(extractive.sentences[i] for i in sources.used) == extractive.summary_ar
    view = render.aligned_html(extractive.translation, sources)
    assert view.count('class="pair in-summary"') == 3
    for i in sources.used:
        assert f'href="#sentence-{i + 1}" data-i="{i + 1}"' in view

    made_up = Result(sentences=extractive.sentences,  # built by hand: no record of the summary's sources
                     summary_ar=f"{extractive.sentences[4]} جملة لا علاقة لها بالمقال إطلاقا.")
    overlap = render.summary_sources(made_up)
    assert not overlap.exact and [indices for _, indices in overlap.sentences] == [[4], []]


def test_startup_without_summary_model_falls_back_to_extractive(tiny_marian, tmp_path, seed_texts):
    state = webapp.load_app(str(tmp_path / "missing-mt5"), str(tiny_marian), **FAST)
    notice = webapp.notice_markdown(state)
    assert "missing-mt5" in notice and "does not exist" in notice and "extractive" in notice.lower()
    headline, _, details = notice.partition("<details>")
    assert "missing-mt5" not in headline and "hf download" not in headline  # commands are folded away
    assert "hf download" in details
    assert state.service.methods == ["extractive", "lead", "none"] and state.service.default_method == "extractive"
    choices = {value: label for label, value in webapp.method_choices(state)}
    assert list(choices) == ["abstractive", "extractive", "lead", "none"] and "not loaded" in choices["abstractive"]
    out = webapp.summarize(state, seed_texts[0], "abstractive", "lead")  # e.g. an API call
    assert out.result["summary_method"] == "extractive-lexrank" and out.summary_ar
    assert any("Falling back to the extractive summary" in w for w in out.result["warnings"])
    assert "Falling back" not in out.status  # the notice at the top says it once, not every status
    note, _ = summary_notes(state, out.typed, "abstractive")  # ...and beside the summary
    assert "Extractive" in note and "mT5, which is not loaded" in note


def test_startup_without_translation_model_still_summarises(tiny_mt5, tmp_path, seed_texts):
    state = webapp.load_app(str(tiny_mt5), str(tmp_path / "missing-marian"), **FAST)
    assert not state.service.translation_available
    notice = webapp.notice_markdown(state)
    assert "No English translation" in notice and "missing-marian" in notice
    assert "hf download Helsinki-NLP/opus-mt-tc-big-ar-en" in notice and "--translation-model" in notice
    out = webapp.summarize(state, seed_texts[0], "lead", None)
    assert out.summary_ar and out.translation == "" and out.summary_en == ""
    assert "translation: none" in out.status and "Translation is off" not in out.status  # in the notice
    assert len(out.result["translation"]) == len(out.result["sentences"])


def test_translation_choices_offer_the_loaded_model_and_the_loadable_named_ones(
        tiny_mt5, tiny_marian, tiny_nllb, fake_hub, tmp_path, seed_texts):
    """A named choice found in the local cache is offered and loaded on first use; the others say why not."""
    fake_hub({"facebook/nllb-200-distilled-600M": tiny_nllb})
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path / "exports", **FAST)
    assert list(state.translations) == ["tiny-marian", "nllb-600m"]  # a folder by its name, not its path
    assert "loaded on first use" in state.translations["nllb-600m"] and "CC-BY-NC-4.0" in state.translations["nllb-600m"]
    assert set(state.service.unavailable) == {"fast", "best", "quickmt"}
    assert "Not available here: fast" in webapp.translation_info(state)
    assert webapp.translation_choices(state)[0] == (state.translations["tiny-marian"], "tiny-marian")
    calls = []
    out = webapp.summarize(state, seed_texts[0], "lead", "lead", translation="nllb-600m",
                           progress=lambda fraction, desc=None: calls.append(desc))
    assert "first use" in calls[0]
    assert out.result["models"]["translation"]["choice"] == "nllb-600m"
    assert "choice `nllb-600m`" in out.status and "non-commercial" in out.status
    assert all("eng_Latn" not in p["en"] and isinstance(p["score"], float) for p in out.result["translation"])
    assert state.service.pipeline_for("nllb-600m") is state.service.pipeline_for("nllb-600m")  # loaded once
    default = webapp.summarize(state, seed_texts[0], "lead", "lead")
    assert default.result["models"]["translation"]["id"] == "tiny-marian"
    bad = webapp.summarize(state, seed_texts[0], "lead", "lead", translation="best")  # shown beside the button
    assert "Unknown translation model" in bad.status and bad.result == {"error": bad.result["error"]}
    assert "fast" not in bad.status.split("choose one of")[1] and "nllb-600m" in bad.status


def test_startup_with_every_model_shows_no_notice(state):
    assert webapp.notice_markdown(state) == ""
    assert state.service.methods == ["abstractive", "extractive", "lead", "none"]


# -- around a summary: loading an article, the counter, the notes ----------------------------
def _article_and_message(loaded: list) -> tuple:
    article, message, *results = loaded
    assert len(results) == len(Outputs._fields)
    return article, message, results


def test_a_new_article_clears_the_previous_results(state, seed_texts, tmp_path, local_site):
    from tests.sample_documents import ARTICLE_LINES, make_docx

    for loaded in (
        webapp.load_example(state, 3),
        webapp.read_upload(state, as_upload(make_docx(tmp_path / "story.docx", ARTICLE_LINES)))[0],
        webapp.read_url(state, local_site.url("article.html"))[0],
    ):
        article, message, results = _article_and_message(loaded)
        assert article and message.startswith("Loaded ") and "Press **Summarise**" in message
        summary_ar, translation, summary_en, aligned, status, json_file, md_file, result, typed = results
        assert summary_ar["value"] == summary_en["value"] == "" and summary_ar["info"] is None
        assert translation == "" and status == "" and result is None and typed is None and "aligned-empty" in aligned
        assert json_file == md_file == {"value": None, "interactive": False, "__type__": "update"}
    assert webapp.load_example(state, 3)[0] == seed_texts[3]
    assert "story.docx" in webapp.read_upload(state, as_upload(tmp_path / "story.docx"))[0][1]


def test_an_article_that_cannot_be_loaded_keeps_the_page_as_it_is(state, tmp_path, local_site):
    scanned = tmp_path / "scan.pdf"
    from tests.sample_documents import make_pdf

    make_pdf(scanned, [])
    for loaded, expected in (
        (webapp.read_upload(state, as_upload(scanned))[0], "scan.pdf has no text to read"),
        (webapp.read_url(state, local_site.url("section-index.html"))[0], "No article found"),
        (webapp.read_url(state, "")[0], "Type or paste a web address"),
    ):
        article, message, results = _article_and_message(loaded)
        assert message.startswith("✘ **Error:**") and expected in message
        assert article == {"__type__": "update"} and all(r == {"__type__": "update"} for r in results)


def test_the_page_does_not_fetch_local_addresses_unless_allowed(tiny_marian, local_site):
    closed = webapp.load_app(None, str(tiny_marian), summary_method="extractive", **FAST)
    assert not closed.service.allow_private_urls
    _, message, _ = _article_and_message(webapp.read_url(closed, local_site.url("article.html"))[0])
    assert "local or private network" in message


def test_counter_and_loading_an_article_over_the_limit(state):
    assert webapp.counter_html(1234, 100_000) == '<p class="char-count">1,234 / 100,000 characters</p>'
    over = webapp.counter_html(150_000, 100_000)
    assert "over" in over and "150,000 / 100,000" in over and "too long" in over
    assert "100000" in webapp.counter_js(100_000)  # the browser counts against the same limit
    big = Path(state.export_dir) / "long-article.txt"
    big.write_text("قال الوزير إن المحادثات ستستأنف. " * 4_000, encoding="utf-8")  # 132,000 characters
    article, message, _ = _article_and_message(webapp.read_upload(state, as_upload(big))[0])
    assert len(article) > 100_000 and "over this page's limit of 100,000" in message and "max" not in message


def test_after_a_summary_the_button_returns_and_the_notes_say_what_the_summary_is(state, seed_texts):
    out = webapp.summarize(state, seed_texts[1], "extractive", None)
    button, note_ar, note_en, json_button, md_button = after_summary(state, out.typed, "extractive")
    assert button == {"value": "Summarise", "interactive": True, "__type__": "update"}
    assert note_ar["info"].startswith("Extractive (LexRank)") and "Made of article sentences" in note_ar["info"]
    assert "translations of the same sentences" in note_en["info"]
    assert json_button["interactive"] and md_button["interactive"]
    failed = webapp.summarize(state, "", "extractive", None)
    _, note_ar, _, json_button, _ = after_summary(state, failed.typed, "extractive")
    assert note_ar["info"] is None and not json_button["interactive"]
    assert webapp.long_input_update(state, "lead")["visible"] is False
    assert webapp.long_input_update(state, "abstractive")["visible"] is True


# -- the launched app, through its API ----------------------------------------------------
@pytest.fixture(scope="module")
def server(state):
    with launched(state, concurrency=2) as url:
        yield url


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_api_summarize_a_seed_article(client, seed_texts):
    out = client.predict(seed_texts[3], "abstractive", "lead", api_name="/summarize")
    summary_ar, translation, summary_en, aligned, status, json_file, md_file, result = out
    assert summary_ar and summary_en
    assert len(translation.split("\n")) == len(result["sentences"]) > 1
    assert result["summary_method"] == "abstractive-lead"
    assert "Abstractive (mT5)" in status and "translating" in status.lower()
    assert json.loads(Path(json_file).read_text(encoding="utf-8"))["sentences"] == result["sentences"]
    assert Path(md_file).read_text(encoding="utf-8").startswith("# Arabic news summary")
    assert aligned.count('class="ar"') == len(result["sentences"]) + 1


def test_api_bad_input_returns_a_clear_message(client):
    out = client.predict("", "extractive", "lead", api_name="/summarize")
    status, result = out[4], out[7]
    assert "empty" in status and result == {"error": result["error"]}
    assert "Traceback" not in status


def test_api_concurrent_calls_keep_their_own_results(client, state, seed_texts):
    texts = seed_texts[:4]
    expected = [state.service.pipeline(t, summary_method="extractive").sentences for t in texts]
    barrier = threading.Barrier(len(texts))

    def call(text: str):
        barrier.wait()
        return client.predict(text, "extractive", "lead", api_name="/summarize")

    with ThreadPoolExecutor(len(texts)) as pool:
        outputs = list(pool.map(call, texts))
    for out, sentences in zip(outputs, expected, strict=True):
        result = out[7]
        assert result["sentences"] == sentences
        assert [p["ar"] for p in result["translation"]] == sentences
        assert len(out[1].split("\n")) == len(sentences)
        rest = out[0]
        for sentence in sentences:  # an extractive summary is made of the article's own sentences
            rest = rest.replace(sentence, "")
        assert out[0] and not rest.strip()


def test_api_lists_summarize_and_the_readers(client):
    info = client.view_api(print_info=False, return_format="dict")
    endpoints = info["named_endpoints"]
    # the page's own events stay private
    assert sorted(endpoints) == ["/digest", "/read_file", "/read_url", "/summarize"]
    params = [p["parameter_name"] for p in endpoints["/summarize"]["parameters"]]
    # each extra option the page shows is a named parameter (the option table's name), never `param_5`
    more = [option.name for option in webapp.more_page_options()]
    assert more and params == ["text", "summary_method", "long_input", "translation_model", "summary_length", *more]
    assert [p["parameter_name"] for p in endpoints["/read_url"]["parameters"]] == ["url"]
    assert [p["parameter_name"] for p in endpoints["/read_file"]["parameters"]] == ["file"]


def test_api_reads_a_url_and_a_file_then_summarises(client, local_site, tmp_path, seed_texts):
    from gradio_client import handle_file

    from tests.sample_documents import ARTICLE_LINES, ARTICLE_TITLE, make_docx

    page = client.predict(local_site.url("article.html"), api_name="/read_url")
    assert page["source_kind"] == "url" and page["title"] == ARTICLE_TITLE
    assert page["text"].splitlines()[0] == seed_texts[1].splitlines()[0]
    out = client.predict(page["text"], "extractive", "lead", api_name="/summarize")
    assert len(out[7]["sentences"]) > 10

    docx = client.predict(handle_file(str(make_docx(tmp_path / "خبر.docx", ARTICLE_LINES))), api_name="/read_file")
    assert docx["source_kind"] == "docx" and docx["text"].splitlines() == ARTICLE_LINES
    assert docx["source"] == "خبر.docx"

    bad = client.predict(local_site.url("section-index.html"), api_name="/read_url")
    assert bad == {"error": bad["error"]} and "No article found" in bad["error"]


def test_options_and_bounded_queue(state):
    from summarizer.web.server import build_demo, parse_args

    args = parse_args([])
    assert (args.host, args.port, args.concurrency, args.max_queue, args.share) == ("127.0.0.1", 7860, 1, 16, False)
    args = parse_args(["--port", "8080", "--summary-method", "lead", "--concurrency", "3", "--max-queue", "7"])
    assert (args.port, args.summary_method, args.concurrency, args.max_queue) == (8080, "lead", 3, 7)
    demo = build_demo(state, concurrency=args.concurrency, max_queue=args.max_queue)
    assert demo._queue.max_size == 7 and demo._queue.default_concurrency_limit == 3
    assert [fn.api_name for fn in demo.fns.values() if fn.api_name == "summarize"] == ["summarize"]
    assert not parse_args([]).allow_private_urls  # the page does not fetch its own network by default


def test_startup_offline_with_a_hub_id_says_how_to_get_the_models(tiny_marian):
    state = webapp.load_app("no-such-org/no-such-mt5", "no-such-org/no-such-opus-mt", **FAST)  # HF_HUB_OFFLINE=1
    notice = webapp.notice_markdown(state)
    assert notice.count("HF_HUB_OFFLINE=1 is set") == 2 and notice.count("<details>") == 1
    assert "hf download csebuetnlp/mT5_multilingual_XLSum" in notice
    assert "python app.py --translation-model models/opus-mt-tc-big-ar-en" in notice
    assert state.service.methods == ["extractive", "lead", "none"] and not state.service.translation_available


# -- the page, second pass: results belong to their text, wording, length, links ----------------
def test_a_result_is_shown_only_under_the_text_it_was_made_from(state, seed_texts):
    """The guard behind the page's cancelling: a result whose text is no longer on screen is dropped."""
    out = webapp.summarize(state, seed_texts[1], "extractive", None)
    made_from = webapp.text_digest(seed_texts[1])
    shown = webapp.settle(state, out.typed, "extractive", made_from, seed_texts[1])
    assert shown[0]["interactive"] and "Made of article sentences" in shown[1]["info"]
    assert all(update == {"__type__": "update"} for update in shown[5:])  # the result stays as it came
    for on_screen in (seed_texts[4], ""):  # another example came in, or Clear was pressed
        button, summary_ar, summary_en, json_file, md_file, translation, aligned, status, result, typed = \
            webapp.settle(state, out.typed, "extractive", made_from, on_screen)
        assert button["interactive"] and summary_ar["value"] == summary_en["value"] == "" and summary_ar["info"] is None
        assert translation == "" and "aligned-empty" in aligned and result is None and typed is None
        assert json_file["interactive"] is False and md_file["interactive"] is False
        assert "changed while it was being summarised" in status and "msg-dropped" in status
    failed = webapp.summarize(state, "", "extractive", None)  # nothing was made: nothing to drop
    assert webapp.settle(state, failed.typed, "extractive", None, "")[7] == {"__type__": "update"}


def test_the_page_wording(state, tmp_path, local_site, seed_texts):
    """Each message in the page's words: what to do, no option names, no "(s)" plurals."""
    _, message, _ = _article_and_message(webapp.read_url(state, "not a url at all")[0])
    assert "is not a web address" in message and "extension" not in message
    host = local_site.url("article.html").removeprefix("http://")  # 127.0.0.1:PORT/article.html
    _, message, _ = _article_and_message(webapp.read_url(state, host)[0])
    assert message.startswith("Loaded the article at") and "SSL" not in message  # http:// for an address with a port
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    article, message, _ = _article_and_message(webapp.read_upload(state, as_upload(empty))[0])
    assert article == {"__type__": "update"} and "holds no text" in message and "0 characters" not in message
    assert "in parts" not in webapp.counter_html(150_000, 100_000)
    info = webapp.translation_info(state)
    assert "docs/models.md" not in info and "HF_HUB_OFFLINE" not in info
    one = webapp.summarize(state, "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف بحضور الوفدين.", "lead", None)
    assert "1 sentence." in one.status and "1 sentences" not in one.status
    out = webapp.summarize(state, "&\n" + seed_texts[1] + "\n---", "lead", None)
    assert "item(s)" not in out.status and "separator lines" in out.status and "separator," not in out.status
    markdown = Path(out.markdown_file).read_text(encoding="utf-8")
    assert "separator lines" in markdown and "long_input=" not in markdown  # the page's words, not the CLI's
    for status in (out.status, one.status):
        assert "✘" not in status


def test_errors_carry_their_own_mark_and_style(state):
    error = webapp.summarize(state, "", "lead", None).status
    assert error.startswith("✘ **Error:**") and 'class="msg-error"' in error  # a mark in words, and a style
    css = webapp.style.css()
    assert "#status:has(.msg-error)" in css and "border-inline-start: 6px" in css
    assert "msg-error" not in webapp.summarize(state, "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل.", "lead",
                                              None).status


def test_extractive_on_a_server_started_without_mt5_says_so_plainly(tiny_mt5, tiny_marian, seed_texts):
    """--summary-method extractive with a loadable mT5: no "summary: none", no notice that is not there."""
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), summary_method="extractive", **FAST)
    assert not state.notices and state.service.pipeline.summarizer is None
    out = webapp.summarize(state, seed_texts[1], "abstractive", None)
    assert "summary: none" not in out.status and "summary: no model (Extractive (LexRank)" in out.status
    note, _ = summary_notes(state, out.typed, "abstractive")
    assert "not loaded on this server" in note and "notice" not in note


def test_the_summary_length_choice(state, seed_texts, tiny_mt5):
    from summarizer.stages.methods import SUMMARY_LENGTHS, MethodContext

    for length, sentences in (("short", 2), ("standard", 3), ("longer", 5)):
        out = webapp.summarize(state, seed_texts[1], "extractive", None, summary_length=length)
        assert len(out.typed.summary.used) == sentences == SUMMARY_LENGTHS[length].sentences
        assert f"**Length:** {length} ({sentences} sentences)" in out.status
        assert out.result["summary_length"] == f"{length} ({sentences} sentences)"
        assert json.loads(Path(out.json_file).read_text(encoding="utf-8"))["summary_length"] == out.result["summary_length"]
        assert f"- Summary length: {length} ({sentences} sentences)" in Path(out.markdown_file).read_text(encoding="utf-8")
    lead = webapp.summarize(state, seed_texts[1], "lead", None, summary_length="longer")
    assert lead.result["summary_method"] == "lead-5"
    mt5 = webapp.summarize(state, seed_texts[1], "abstractive", None, summary_length="short")
    assert "mT5 writes up to 48 tokens" in mt5.status
    context = MethodContext(state.service.pipeline.summarizer, summary_length="short")
    assert context.abstractive_decoding().max_new_tokens == 48
    assert context.abstractive_decoding().num_beams == state.service.pipeline.summarizer.decoding.num_beams  # the rest kept
    assert MethodContext(state.service.pipeline.summarizer, summary_length="standard").abstractive_decoding() is None
    bad = webapp.summarize(state, seed_texts[1], "extractive", None, summary_length="huge")
    assert bad.status.startswith("✘ **Error:**") and "short, standard, longer" in bad.status
    assert webapp.summarize(state, seed_texts[1], "extractive", None).result.get("summary_length") is None


def test_a_link_to_a_summary_fetches_with_the_servers_rules(state, tiny_marian, local_site):
    from types import SimpleNamespace

    nothing = webapp.load_link(state, SimpleNamespace(query_params={}))
    assert nothing[-2] is False and all(update == {"__type__": "update"} for update in nothing[:-2] + nothing[-1:])
    link = local_site.url("article.html")
    url, article, message, *results, pending, source = webapp.load_link(
        state, SimpleNamespace(query_params={"url": link}))
    assert url == link and article.startswith("أعرب وزير الخارجية الروسي") and pending is True
    assert message.startswith("Loaded the article at") and len(results) == len(Outputs._fields)
    assert source.source == link and source.digest == webapp.text_digest(article)  # what its brief will name
    closed = webapp.load_app(None, str(tiny_marian), summary_method="extractive", **FAST)  # private addresses refused
    refused = webapp.load_link(closed, SimpleNamespace(query_params={"url": link}))
    assert refused[-2] is False and "local or private network" in refused[2]


def test_a_page_of_links_is_not_an_article(state, local_site):
    _, message, _ = _article_and_message(webapp.read_url(state, local_site.url("links-only.html"))[0])
    assert "No article found" in message


def test_the_models_are_warmed_up_at_start_up(tiny_marian, monkeypatch):
    from summarizer.service import Service

    calls = []
    run = Service.run
    monkeypatch.setattr(Service, "run", lambda self, text, **kw: calls.append(text) or run(self, text, **kw))
    webapp.load_app(None, str(tiny_marian), summary_method="extractive", **FAST)
    assert calls == [webapp.state.WARM_UP_ARTICLE]
    webapp.load_app(None, str(tiny_marian), summary_method="extractive", warm=False, **FAST)
    assert len(calls) == 1

    def broken(self, text, **kw):
        raise RuntimeError("a model that fails on its first call")

    monkeypatch.setattr(Service, "run", broken)
    assert webapp.load_app(None, str(tiny_marian), summary_method="extractive", **FAST)  # the page still starts


def test_no_english_column_without_a_translation_model():
    view = render.aligned_html([SentencePair("جملة أولى."), SentencePair("جملة ثانية.")])
    assert "(no translation)" not in view and 'class="en"' not in view and "no-english" in view
    assert view.count('tabindex="0"') == 1  # one Tab stop for the whole table


UNCHANGED = {"__type__": "update"}  # gr.skip()


def _restored(state, record, on_screen):
    return webapp.restore_run(state, record, "lead", on_screen)


def _emptied():
    """What a restored record the page cannot read gives: the page's values as they were, except the
    sentence table (raw HTML), which Gradio put back from the browser's storage: emptied."""
    return [UNCHANGED] * 6 + [render.aligned_html([]), ""]


def test_a_restored_run_gets_its_downloads_notes_and_digest_back(state, seed_output, seed_texts):
    record = seed_output.result
    json_file, markdown_file, note_ar, note_en, typed, digest, table, status = _restored(state, record, seed_texts[1])
    assert json_file["interactive"] and markdown_file["interactive"]
    assert json.loads(Path(json_file["value"]).read_text(encoding="utf-8")) == record
    assert Path(markdown_file["value"]).suffix == ".md" and Path(markdown_file["value"]).is_file()
    assert (note_ar["info"], note_en["info"]) == summary_notes(state, typed, "lead")
    assert typed.to_dict() == record and digest == webapp.text_digest(seed_texts[1])
    # drawn again from the record read as data, never the HTML the browser's storage held
    assert table == render.aligned_html(typed.translation, render.summary_sources(typed)) == seed_output.aligned
    assert status == status_markdown(typed) and "Done" in status


def test_a_restored_run_renders_only_what_the_page_makes(state, seed_output, seed_texts):
    """Markup typed into a saved run's text fields is shown as text, never as HTML or Markdown."""
    record = json.loads(json.dumps(seed_output.result))
    record["translation"][0]["en"] = '<img src=x onerror="alert(1)"> [link](javascript:alert(1)) **bold**'
    record["sentences"][0] = record["translation"][0]["ar"] = "<script>alert(1)</script> قال الوزير."
    *_, table, status = _restored(state, record, seed_texts[1])
    assert "<img" not in table and "<script>" not in table and "&lt;img" in table and "&lt;script&gt;" in table
    assert status == status_markdown(Result.from_dict(record))  # the page's words, not the storage's


def test_a_plain_visit_changes_nothing(state, seed_texts):
    assert _restored(state, None, seed_texts[1]) == [UNCHANGED] * 8


@pytest.mark.parametrize("record", [
    {}, [], "text", {"sentences": "not a list"}, {"sentences": [1, 2]},
    {"ok": True, "notices": [{"code": "no-such-code"}]},
])
def test_a_restored_run_that_is_not_a_record_is_not_shown(state, seed_texts, record):
    """The record comes from the browser: whatever it holds, the page shows none of it as HTML."""
    assert _restored(state, record, seed_texts[1]) == ([UNCHANGED] * 8 if not record else _emptied())


def test_a_restored_run_longer_than_the_page_allows_is_not_shown(state, seed_output, seed_texts):
    record = dict(seed_output.result, sentences=["أ" * (state.service.max_chars + 1)])
    assert _restored(state, record, seed_texts[1]) == _emptied()


def test_a_restored_run_with_no_text_on_screen_is_not_shown(state, seed_output):
    assert _restored(state, seed_output.result, "") == _emptied()


@pytest.mark.parametrize("edit", [
    lambda r: r["summary"].update(sources=[[999]]),  # a sentence the article does not have
    lambda r: r["summary"].update(sources=[[-1]]),
    lambda r: r.update(translation=r["translation"][:1]),  # out of step with the sentences
    lambda r: r.update(sentences=[], translation=[]),
    lambda r: r.update(timings={"summary": "slow"}),  # free-form parts of the wrong kind
    lambda r: r.update(error="failed"),
], ids=["source-past-the-end", "source-negative", "pairs-out-of-step", "no-sentences", "timings-text", "failed"])
def test_a_restored_run_edited_out_of_shape_changes_nothing(state, seed_output, seed_texts, edit):
    record = json.loads(json.dumps(seed_output.result))
    edit(record)
    assert _restored(state, record, seed_texts[1]) == _emptied()


# -- the page as a translator's desk: the brief's download, Stop, links that carry the choices -------
def test_the_bilingual_brief_is_written_for_the_result_on_screen_in_a_folder_of_its_own(state, seed_output,
                                                                                       seed_texts):
    import zipfile

    from summarizer.brief import brief_filename
    from summarizer.web.page import brief_download

    made_from = webapp.text_digest(seed_texts[1])
    brief = brief_download(state, seed_output.typed, made_from, seed_texts[1])
    path = Path(brief["value"])
    assert brief["interactive"] and path.name == brief_filename(seed_output.typed) and path.suffix == ".docx"
    assert path.parent.parent == Path(state.export_dir) and path.parent.name.startswith("summary-")
    with zipfile.ZipFile(path) as docx:
        assert "word/document.xml" in docx.namelist()
    again = Path(brief_download(state, seed_output.typed, made_from, seed_texts[1])["value"])
    assert again.name == path.name and again != path  # two runs of one article never meet
    for shown, on_screen in ((seed_output.typed, seed_texts[4]), (None, seed_texts[1])):  # another text; no result
        assert brief_download(state, shown, made_from, on_screen) == {"__type__": "update", "value": None,
                                                                       "interactive": False}


def test_a_brief_folder_is_pruned_like_the_other_exports(tmp_path):
    import os
    import time

    from summarizer.web.handlers import prune_exports, write_brief_export

    result = Result(sentences=["قال الوزير."], summary_ar="قال الوزير.", translation=[SentencePair("قال الوزير.", "x")])
    path = write_brief_export(result, tmp_path)
    old = time.time() - 3600
    os.utime(path.parent, (old, old))
    assert prune_exports(tmp_path) == 1 and not path.parent.exists()


def test_stop_readies_the_button_and_says_so():
    from summarizer.web.page import stopped

    button, status, progress = stopped()
    assert button == {"value": "Summarise", "interactive": True, "__type__": "update"}
    assert "Stopped" in status and progress == ""


def test_a_link_carries_its_method_and_length(state):
    from types import SimpleNamespace

    from summarizer.web.page import link_choices

    method, length = link_choices(state, SimpleNamespace(query_params={"method": "lead", "length": "short"}))
    assert method["value"] == "lead" and length["value"] == "short"
    unchanged = link_choices(state, SimpleNamespace(query_params={"method": "<b>", "length": "huge"}))
    assert unchanged == [{"__type__": "update"}] * 2  # not a choice of this page: left as it is
    assert link_choices(state, SimpleNamespace(query_params={})) == [{"__type__": "update"}] * 2


def test_the_long_input_choice_applies_to_mt5_only(state):
    from summarizer.web.page import long_input_applies

    assert long_input_applies(state, "abstractive")
    assert not any(long_input_applies(state, m) for m in ("extractive", "lead", "none", None))


def test_without_a_translation_model_the_english_summary_says_why(tiny_mt5, tmp_path, seed_texts):
    state = webapp.load_app(str(tiny_mt5), str(tmp_path / "missing-marian"), **FAST)
    out = webapp.summarize(state, seed_texts[0], "lead", None)
    _, english = summary_notes(state, out.typed, "lead")
    assert out.summary_en == "" and "No English" in english and "notice at the top" in english


def test_the_notes_never_contradict_the_summary_shown():
    """mT5's summary came back empty and the extractive one is shown: what mT5 read is not said beside it."""
    from summarizer.notices import notice

    result = Result(sentences=["قال الوزير."], summary_ar="قال الوزير.", translation=[SentencePair("قال الوزير.", "x")])
    result.article_notices = [notice("summary-read-lead", tokens=512, kept=13, total=24), notice("summary-empty")]
    status = status_markdown(result)
    assert "extractive summary is shown instead" in status and "covers the first" not in status
    result.article_notices = result.article_notices[:1]  # mT5's own summary: what it read is said
    assert "covers the first 13 of 24 sentences" in status_markdown(result)
