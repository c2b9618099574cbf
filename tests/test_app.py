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

FAST = {
    "summary_decoding": SUMMARY_DECODING.but(num_beams=1, max_new_tokens=12),
    "translation_decoding": TRANSLATION_DECODING.but(num_beams=1, max_new_tokens=8),
}


@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    return webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)


@pytest.fixture(scope="module")
def seed_output(state, seed_texts) -> webapp.Outputs:
    return webapp.summarize(state, seed_texts[1], "abstractive", "lead")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def launched(state: webapp.AppState, *, concurrency: int = 1, max_queue: int = 16):
    """The real app (app.py's page) served on a free port in a background thread; yields its URL."""
    import app

    demo = app.build_demo(state, concurrency=concurrency, max_queue=max_queue)
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
    assert out.aligned.count("<tr>") == len(result["sentences"]) + 1  # + the header row
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert result["summary_method"] == "abstractive-lead"


def test_status_names_models_method_timings_and_warnings(seed_output, state, tiny_mt5, tiny_marian):
    status = seed_output.status
    assert "abstractive-lead" in status
    assert str(tiny_mt5) in status and str(tiny_marian) in status and "(ctranslate2)" in status
    for stage in ("cleaning", "splitting", "summarising", "translating sentence", "translating the summary"):
        assert stage in status.lower()
    assert "total" in status
    # seed 001 is longer than mT5's 512 tokens: the cut is reported
    assert any("512 tokens" in w for w in seed_output.result["warnings"])
    for warning in seed_output.result["warnings"]:
        assert render.md_text(warning) in status


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


@pytest.mark.parametrize(
    "text,method,expected",
    [
        ("", "abstractive", "empty"),
        ("   \n  ", "extractive", "empty"),
        (None, "extractive", "empty"),
        ("This is an English news article about the weather in London today.", "extractive", "does not look Arabic"),
        ("خبر " * 30_000, "lead", "over the limit"),
        ("قال الوزير إن المحادثات ستستأنف.", "summarize-it", "Unknown summary method"),
    ],
)
def test_bad_input_gives_a_clear_message_not_an_exception(state, text, method, expected):
    with pytest.warns(UserWarning, match=expected):  # gr.Warning: a toast in the page
        out = webapp.summarize(state, text, method, "lead")
    assert expected in out.status and "Error" in out.status
    assert "Traceback" not in out.status
    assert out.result == {"error": out.result["error"]} and expected in out.result["error"]
    assert out.summary_ar == out.translation == out.aligned == ""
    assert out.json_file is None and out.markdown_file is None


def test_file_upload_utf8_and_bom(tmp_path, seed_texts):
    path = tmp_path / "article.txt"
    path.write_text(seed_texts[0], encoding="utf-8")
    text, status = webapp.load_file(str(path), "old text")
    assert text == seed_texts[0] and "article.txt" in status
    path.write_bytes(b"\xef\xbb\xbf" + seed_texts[0].encode("utf-8"))
    assert webapp.load_file(path)[0] == seed_texts[0]
    assert webapp.load_file(None, "kept") == ("kept", "")


def test_file_upload_not_utf8_names_the_file_and_keeps_the_text(tmp_path):
    path = tmp_path / "cp1256-article.txt"
    path.write_bytes("قال الوزير إن المحادثات ستستأنف.".encode("cp1256"))
    with pytest.warns(UserWarning, match="not UTF-8"):
        text, status = webapp.load_file(str(path), "the text already in the box")
    assert text == "the text already in the box"
    assert "cp1256-article.txt" in status and "not UTF-8" in status
    assert str(tmp_path) not in status  # the upload's temp folder is not shown


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
    result = Result(sentences=["أ."], summary_ar="أ.", translation=[{"ar": "أ.", "en": "A."}])
    first, second = webapp.write_exports(result, tmp_path), webapp.write_exports(result, tmp_path)
    assert first[0] != second[0] and first[1] != second[1]


def test_aligned_view_escapes_html_and_is_rtl():
    pairs = [{"ar": "قال <script>alert(1)</script> الوزير", "en": "He said <b>&</b> \"hi\""}, {"ar": "ثم.", "en": ""}]
    view = render.aligned_html(pairs)
    assert "<script>" not in view and "&lt;script&gt;alert(1)&lt;/script&gt;" in view
    assert "<b>" not in view and "&lt;b&gt;&amp;&lt;/b&gt;" in view
    assert view.count('dir="rtl"') == 3  # the header and both Arabic cells
    assert 'class="aligned-empty"' in view  # a missing translation is shown as a dash
    md = render.to_markdown(Result(sentences=["x"], summary_ar="<script>x</script>", translation=pairs))
    assert "<script>" not in md


def test_examples_are_the_seed_articles_labelled_by_their_first_words(seed_texts):
    found = webapp.examples()
    assert [text for _, text in found] == seed_texts
    for label, text in found:
        assert label.rstrip(" …") == " ".join(text.split()[:7])


def test_startup_without_summary_model_falls_back_to_extractive(tiny_marian, tmp_path, seed_texts):
    state = webapp.load_app(str(tmp_path / "missing-mt5"), str(tiny_marian), **FAST)
    notice = webapp.notice_markdown(state)
    assert "missing-mt5" in notice and "does not exist" in notice and "extractive" in notice.lower()
    assert state.methods == ["extractive", "lead"] and state.default_method == "extractive"
    choices = {value: label for label, value in webapp.method_choices(state)}
    assert list(choices) == ["abstractive", "extractive", "lead"] and "not loaded" in choices["abstractive"]
    out = webapp.summarize(state, seed_texts[0], "abstractive", "lead")  # e.g. an API call
    assert out.result["summary_method"] == "extractive-lexrank" and out.summary_ar
    assert out.status.count("Falling back to the extractive summary") == 1  # said once, not twice
    assert out.status.count("extractive summary") == 1


def test_startup_without_translation_model_still_summarises(tiny_mt5, tmp_path, seed_texts):
    state = webapp.load_app(str(tiny_mt5), str(tmp_path / "missing-marian"), **FAST)
    assert not state.translation_available
    notice = webapp.notice_markdown(state)
    assert "No English translation" in notice and "missing-marian" in notice
    assert "hf download Helsinki-NLP/opus-mt-ar-en" in notice and "--translation-model" in notice
    out = webapp.summarize(state, seed_texts[0], "lead", None)
    assert out.summary_ar and out.translation == "" and out.summary_en == ""
    assert "translation: none (off)" in out.status and "Translation is off" in out.status
    assert len(out.result["translation"]) == len(out.result["sentences"])


def test_translation_choices_offer_the_loaded_model_and_the_loadable_named_ones(
        tiny_mt5, tiny_marian, tiny_nllb, fake_hub, tmp_path, seed_texts):
    """A named choice found in the local cache is offered and loaded on first use; the others say why not."""
    fake_hub({"facebook/nllb-200-distilled-600M": tiny_nllb})
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path / "exports", **FAST)
    assert list(state.translations) == [str(tiny_marian), "nllb-600m"]
    assert "loaded on first use" in state.translations["nllb-600m"] and "CC-BY-NC-4.0" in state.translations["nllb-600m"]
    assert set(state.unavailable) == {"fast", "best"}
    assert "Not available here: fast" in webapp.translation_info(state)
    assert webapp.translation_choices(state)[0] == (state.translations[str(tiny_marian)], str(tiny_marian))
    calls = []
    out = webapp.summarize(state, seed_texts[0], "lead", "lead", translation="nllb-600m",
                           progress=lambda fraction, desc=None: calls.append(desc))
    assert "first use" in calls[0]
    assert out.result["models"]["translation"]["choice"] == "nllb-600m"
    assert "choice `nllb-600m`" in out.status and "non-commercial" in out.status
    assert all("eng_Latn" not in p["en"] and isinstance(p["score"], float) for p in out.result["translation"])
    assert state.pipeline_for("nllb-600m") is state.pipeline_for("nllb-600m")  # loaded once
    default = webapp.summarize(state, seed_texts[0], "lead", "lead")
    assert default.result["models"]["translation"]["id"] == str(tiny_marian)
    with pytest.warns(UserWarning, match="Unknown translation model"):
        bad = webapp.summarize(state, seed_texts[0], "lead", "lead", translation="best")
    assert "fast" not in bad.status.split("choose one of")[1] and "nllb-600m" in bad.status


def test_startup_with_every_model_shows_no_notice(state):
    assert webapp.notice_markdown(state) == ""
    assert state.methods == ["abstractive", "extractive", "lead"]


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
    assert "abstractive-lead" in status and "translating" in status.lower()
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
    expected = [state.pipeline(t, summary_method="extractive").sentences for t in texts]
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


def test_api_lists_summarize(client):
    info = client.view_api(print_info=False, return_format="dict")
    assert list(info["named_endpoints"]) == ["/summarize"]
    params = [p["parameter_name"] for p in info["named_endpoints"]["/summarize"]["parameters"]]
    assert params == ["text", "summary_method", "long_input", "translation_model"]


def test_options_and_bounded_queue(state):
    import app

    args = app.parse_args([])
    assert (args.host, args.port, args.concurrency, args.max_queue, args.share) == ("127.0.0.1", 7860, 1, 16, False)
    args = app.parse_args(["--port", "8080", "--summary-method", "lead", "--concurrency", "3", "--max-queue", "7"])
    assert (args.port, args.summary_method, args.concurrency, args.max_queue) == (8080, "lead", 3, 7)
    demo = app.build_demo(state, concurrency=args.concurrency, max_queue=args.max_queue)
    assert demo._queue.max_size == 7 and demo._queue.default_concurrency_limit == 3
    assert [fn.api_name for fn in demo.fns.values() if fn.api_name == "summarize"] == ["summarize"]


def test_startup_offline_with_a_hub_id_says_how_to_get_the_models(tiny_marian):
    state = webapp.load_app("no-such-org/no-such-mt5", "no-such-org/no-such-opus-mt", **FAST)  # HF_HUB_OFFLINE=1
    notice = webapp.notice_markdown(state)
    assert notice.count("HF_HUB_OFFLINE=1 is set") == 2
    assert "hf download csebuetnlp/mT5_multilingual_XLSum" in notice
    assert "python app.py --translation-model models/opus-mt-ar-en" in notice
    assert state.methods == ["extractive", "lead"] and not state.translation_available
