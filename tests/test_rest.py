"""The REST API (``/api/v1/...``) on a live server, called with httpx as any HTTP client would.

Tiny local models (random weights): outputs are gibberish, so only structure, equivalences with the
Python API and the page, statuses and limits are checked.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from summarizer import web as webapp
from summarizer.errors import PAGE, InputError
from summarizer.result import Result
from tests.test_app import FAST

ARTICLE = ("قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في العاصمة. وأضاف أن الوفدين اتفقا على جدول "
           "الأعمال. وأشار إلى أن الاجتماع سيبحث ملف المياه والحدود.")


@pytest.fixture(scope="module")
def state(tiny_mt5, tiny_marian, tmp_path_factory) -> webapp.AppState:
    # allow_private_urls: the tests' web pages are served on 127.0.0.1 (one test turns it off)
    return webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"),
                           allow_private_urls=True, **FAST)


@contextmanager
def api_server(state: webapp.AppState, *, concurrency: int = 1, max_queue: int = 16, keys=()):
    """The server ``summarizer serve`` runs (page, REST, LibreTranslate) on a free port; yields its URL."""
    from summarizer.web.server import build_app, build_demo, running

    demo = build_demo(state, concurrency=concurrency, max_queue=max_queue)
    app = build_app(state, demo, concurrency=concurrency, max_queue=max_queue, keys=keys)
    with running(app) as url:
        yield url


@pytest.fixture(scope="module")
def url(state):
    with api_server(state, concurrency=2) as url:
        yield url


@pytest.fixture
def http(url):
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client


class Held:
    """A pipeline whose runs wait until ``release`` is set (``entered`` counts the runs that started)."""

    def __init__(self, pipeline):
        self._pipeline = pipeline
        self.release = threading.Event()
        self.entered = 0

    def __getattr__(self, name):
        return getattr(self._pipeline, name)

    def _hold(self) -> None:
        self.entered += 1
        assert self.release.wait(60), "never released"

    def __call__(self, *args, **kwargs):
        self._hold()
        return self._pipeline(*args, **kwargs)

    def batch(self, *args, **kwargs):
        self._hold()
        return self._pipeline.batch(*args, **kwargs)


# -- the routes ------------------------------------------------------------------------------------
def test_summarize_answers_the_run_json_record(http, state):
    r = http.post("api/v1/summarize", json={"text": ARTICLE, "id": "a1"})
    assert r.status_code == 200, r.text
    record = r.json()
    assert set(record) == set(Result().to_dict())  # the record of `summarizer run --json`
    expected = state.service.run(ARTICLE)
    assert record["sentences"] == expected.sentences and record["id"] == "a1"
    assert record["summary_method"] == expected.summary_method == "abstractive-lead"
    assert [p["ar"] for p in record["translation"]] == expected.sentences
    assert record["translation"] == expected.to_dict()["translation"]  # the same scores and findings


def test_summarize_takes_the_per_article_options(http, state):
    r = http.post("api/v1/summarize", json={"text": ARTICLE, "summary_method": "lead", "summary_sentences": 2,
                                            "checks": "off", "num_beams": 1})
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["summary_method"] == "lead-2"
    assert record["summary_ar"] == " ".join(record["sentences"][:2])
    assert all(p["findings"] == [] for p in record["translation"])  # checks off


def test_translate_answers_sentence_pairs_with_scores_and_findings_without_a_summary(http, state):
    r = http.post("api/v1/translate", json={"text": ARTICLE})
    assert r.status_code == 200, r.text
    record = r.json()
    assert "summary_ar" not in record and "summary_en" not in record
    full = state.service.run(ARTICLE, options=state.service.options.but(summary_method="lead"))
    assert [p["ar"] for p in record["translation"]] == full.sentences == record["sentences"]
    assert [p["en"] for p in record["translation"]] == [p.en for p in full.translation]
    for pair in record["translation"]:
        assert set(pair) == {"ar", "en", "score", "findings", "repair"} and isinstance(pair["score"], float)
    assert record["translation_text"] == " ".join(p["en"] for p in record["translation"] if p["en"])
    assert "summarize" not in record["timings"] or record["timings"]["summarize"] < 1


def test_models_lists_what_is_loaded_the_choices_and_licences(http, state):
    r = http.get("api/v1/models")
    assert r.status_code == 200
    info = r.json()
    assert info["models"]["translation"]["id"] == state.service.pipeline.models["translation"]["id"]
    methods = {m["name"]: m for m in info["summary_methods"]}
    assert set(methods) >= {"abstractive", "extractive", "lead", "none"}
    assert methods["none"]["writes_summary"] is False and methods["abstractive"]["available"] is True
    assert info["max_chars"] == state.service.max_chars and info["default_summary_method"] == "abstractive"
    for choice in info["translations"]:
        assert {"name", "status", "model", "licence"} <= set(choice)


def test_health_and_the_openapi_page(http):
    r = http.get("api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["queue"]["concurrency"] == 2 and r.json()["queue"]["max_queue"] == 16
    spec = http.get("openapi.json").json()
    assert {"/api/v1/summarize", "/api/v1/translate", "/api/v1/models", "/api/v1/health", "/translate",
            "/languages", "/detect"} <= set(spec["paths"])
    body = spec["paths"]["/api/v1/summarize"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"text", "url", "summary_method", "long_input", "summary_sentences", "num_beams", "checks",
            "translation"} <= set(body["properties"])
    assert "429" in spec["paths"]["/api/v1/summarize"]["post"]["responses"]
    docs = http.get("docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_the_page_is_served_beside_the_api(url, seed_texts):
    from gradio_client import Client

    assert "Arabic news summariser" in httpx.get(url, timeout=60).text
    out = Client(url, verbose=False).predict(seed_texts[0], "extractive", "lead", api_name="/summarize")
    assert out[7]["summary_method"] == "extractive-lexrank"


# -- bad requests ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body,status,code,words",
    [
        (b"{bad json", 400, "bad-json", "not valid JSON"),
        (b"[1, 2]", 400, "bad-json", "JSON object, not a JSON array"),
        (b"", 400, "bad-json", "no body"),
        (b"\xff\xfe{}", 400, "bad-json", "not UTF-8"),
        (b'{"text": 123}', 422, "bad-field", "text: Input should be a valid string"),
        (b'{"text": "\\u062e\\u0628\\u0631", "summary_sentences": "3"}', 422, "bad-field", "summary_sentences"),
        (b'{"text": "\\u062e\\u0628\\u0631", "summary_sentences": 0}', 422, "bad-field", "summary_sentences"),
        (b'{"text": "\\u062e\\u0628\\u0631", "colour": "red"}', 422, "bad-field", "colour: not a field"),
        (b'{"text": "\\u062e\\u0628\\u0631", "long_input": "all"}', 422, "bad-field", "long_input"),
        (b'{}', 422, "bad-field", "`text` or as `url`"),
        (b'{"text": "\\u062e\\u0628\\u0631", "url": "https://example.com/"}', 422, "bad-field", "one of them"),
        (b'{"text": "\\u062e\\u0628\\u0631", "summary_method": "poem"}', 422, "bad-option", "summary_method"),
        (b'{"text": "\\u062e\\u0628\\u0631", "translation": "babel"}', 422, "unknown-translation", "babel"),
    ],
)
def test_bad_requests_get_a_json_error_with_a_4xx_status(http, body, status, code, words):
    r = http.post("api/v1/summarize", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json() == {"error": r.json()["error"], "code": code}
    assert words in r.json()["error"] and "Traceback" not in r.text


@pytest.mark.parametrize(
    "text", ["", "   \n ", "This is an English news article about the weather in London today."])
def test_bad_articles_get_the_message_the_page_shows(http, state, text):
    page = webapp.summarize(state, text, "extractive", "lead").result["error"]
    for route in ("api/v1/summarize", "api/v1/translate"):
        r = http.post(route, json={"text": text})
        assert r.status_code == 422 and r.json()["error"] == page


def test_a_too_long_article_is_refused_in_the_servers_words(http, state):
    r = http.post("api/v1/summarize", json={"text": "خبر " * 30_000})
    assert r.status_code == 422 and r.json()["code"] == "too-long"
    assert "this server takes at most 100,000" in r.json()["error"] and "max_chars" not in r.json()["error"]


def test_a_50_mb_body_is_refused_early_with_413(http, url):
    started = time.perf_counter()
    r = http.post("api/v1/summarize", content=b"x" * 50_000_000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body-too-large"
    assert time.perf_counter() - started < 20

    def chunks():  # no Content-Length: refused as it arrives, at the limit
        for _ in range(50):
            yield b"x" * 1_000_000

    r = http.post("api/v1/translate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body-too-large"
    assert http.get("api/v1/health").status_code == 200  # and the server goes on


def test_a_url_is_read_with_the_pages_private_address_policy(http, state, local_site):
    page_url = local_site.url("article.html")
    r = http.post("api/v1/translate", json={"url": page_url})
    assert r.status_code == 200 and len(r.json()["sentences"]) > 10
    state.service.allow_private_urls = False
    try:
        with pytest.raises(InputError) as refused:
            state.service.read_url(page_url)
        r = http.post("api/v1/summarize", json={"url": page_url})
        assert r.status_code == 422 and r.json()["error"] == refused.value.message(PAGE)
    finally:
        state.service.allow_private_urls = True
    r = http.post("api/v1/summarize", json={"url": "file:///etc/passwd"})
    assert r.status_code == 422 and r.json()["code"] != "internal"  # a file of the server is never read


# -- keys, the queue ------------------------------------------------------------------------------
def test_api_keys_when_set(state, monkeypatch):
    import hmac

    from summarizer.web import httpapi

    compared, real = [], hmac.compare_digest
    monkeypatch.setattr(httpapi.hmac, "compare_digest", lambda a, b: compared.append(b) or real(a, b))
    with api_server(state, keys=("k-one", "k-two")) as url, httpx.Client(base_url=url, timeout=120) as http:
        assert http.get("api/v1/health").status_code == 200  # a load balancer's check needs no key
        missing = http.get("api/v1/models")
        assert missing.status_code == 401 and missing.json()["code"] == "bad-key"
        assert missing.headers["www-authenticate"] == "Bearer"
        assert http.post("api/v1/translate", json={"text": ARTICLE},
                         headers={"authorization": "Bearer k-one x"}).status_code == 401
        assert http.get("api/v1/models", headers={"authorization": "Bearer k-two"}).status_code == 200
        compared.clear()
        r = http.post("api/v1/translate", json={"text": ARTICLE}, headers={"x-api-key": "k-one"})
        assert r.status_code == 200
        assert compared == [b"k-one", b"k-two"]  # every key compared, in constant time, whichever matches


def test_keys_come_from_the_option_and_the_environment():
    from summarizer.web.flags import api_keys
    from summarizer.web.server import parse_args

    args = parse_args(["--api-key", "a", "--api-key", "b"])
    assert api_keys(args, {"SUMMARIZER_API_KEYS": " c, ,d "}) == ["a", "b", "c", "d"]
    assert api_keys(parse_args([]), {}) == []  # off by default


def test_40_concurrent_clients_are_bounded_and_the_page_shares_the_gate(state, seed_texts):
    """1 article in work, 4 waiting: the 35 others are refused at once with 429 and Retry-After, the
    server keeps answering while its queue is full, and the page's runs wait for the same slot."""
    held = Held(state.service.pipeline)
    with api_server(state, concurrency=1, max_queue=4) as url:
        gate = state.service.gate
        state.service.pipeline = held
        try:
            with ThreadPoolExecutor(40) as pool, httpx.Client(base_url=url, timeout=120) as http:
                def call(i: int) -> httpx.Response:
                    with httpx.Client(base_url=url, timeout=120) as own:
                        return own.post("api/v1/translate", json={"text": ARTICLE, "id": str(i)})

                futures = [pool.submit(call, i) for i in range(40)]
                deadline = time.monotonic() + 90
                while sum(f.done() for f in futures) < 35 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert sum(f.done() for f in futures) == 35 and held.entered == 1
                started = time.perf_counter()
                health = http.get("api/v1/health")
                assert health.status_code == 200 and time.perf_counter() - started < 5  # the event loop is free
                assert health.json()["queue"] == {"working": 1, "waiting": 4, "admitted": 5, "concurrency": 1,
                                                  "max_queue": 4}
                page = pool.submit(webapp.summarize, state, seed_texts[0], "extractive", None)
                while gate.load()["waiting"] < 5 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert gate.load()["waiting"] == 5 and held.entered == 1 and not page.done()
                held.release.set()
                answers = [f.result(timeout=120) for f in futures]
                assert page.result(timeout=120).result["summary_method"] == "extractive-lexrank"
        finally:
            held.release.set()
            state.service.pipeline = held._pipeline
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] * 5 + [429] * 35
    for r in answers:
        if r.status_code == 429:
            assert r.json()["code"] == "busy" and int(r.headers["retry-after"]) >= 1
    assert gate.load() == {"working": 0, "waiting": 0, "admitted": 0, "concurrency": 1, "max_queue": 4}
