"""What one request may cost, work that stops when its client leaves, and the bounded fetch queue.

The budget (``service.Budget``) is one function every front end calls before any work: the REST API,
LibreTranslate (each translatable line or piece of ``q`` is a text) and the page's Summarise (the
Gradio ``/summarize`` API is the same handler). A client that disconnects stops its work at the next
model batch (``Pipeline``'s ``cancelled``), and fetching web addresses has a queue of its own, bounded
server-wide and per client, shared by every surface through ``Service.read_url``.

Tiny local models: structure, statuses and counts (of batches, of places) are checked, never time.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from summarizer import service as service_module
from summarizer import web as webapp
from summarizer.choices import DEFAULT_BEAMS, DEFAULT_MAX_CHARS
from summarizer.errors import (
    PAGE,
    ArticleTooLong,
    Cancelled,
    FetchBusy,
    InputError,
    OverBudget,
    ServerBusy,
    TooManyBeams,
)
from summarizer.inputs.documents import Document
from summarizer.service import MAX_BEAMS, MIN_MEAN_SENTENCE_CHARS, SENTENCE_OVERHEAD_CHARS, Budget, FetchQueue
from tests.test_rest import ARTICLE, Held, api_server, state  # noqa: F401  (the module's state fixture)

LINE = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل."


def _until(condition, seconds: float = 60) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (a safety net, never what a test asserts)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(scope="module")
def url(state):  # noqa: F811
    with api_server(state) as url:
        yield url


@pytest.fixture
def http(url):
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client


@pytest.fixture
def held(state):  # noqa: F811
    """The service's pipeline, counting the runs that start (released at once: nothing waits)."""
    held = Held(state.service.pipeline)
    held.release.set()
    state.service.pipeline = held
    yield held
    state.service.pipeline = held._pipeline


@pytest.fixture
def batches(state, monkeypatch):  # noqa: F811
    """The translator's calls, counted (one per group of lines: a model batch each, here)."""
    translator = state.service.pipeline.translator
    real = translator.start  # what every translation of the pipeline goes through
    calls: list[int] = []

    def counted(sentences, progress=None, decoding=None, **kwargs):
        calls.append(len(sentences))
        return real(sentences, progress, decoding, **kwargs)

    monkeypatch.setattr(translator, "start", counted)
    return calls


# -- the budget itself -----------------------------------------------------------------------------
def test_cost_is_characters_plus_a_sentences_overhead_times_beams():
    budget = Budget.for_article(DEFAULT_MAX_CHARS)
    assert budget.cost(["ab", "c"], 2) == 2 * (2 + SENTENCE_OVERHEAD_CHARS + 1 + SENTENCE_OVERHEAD_CHARS)
    assert budget.cost(["ab"]) == DEFAULT_BEAMS * (2 + SENTENCE_OVERHEAD_CHARS)  # no beams named: the default
    assert budget.cost(["قال. قال. قال."]) == DEFAULT_BEAMS * (14 + 3 * SENTENCE_OVERHEAD_CHARS)  # per sentence
    assert budget.max_cost == DEFAULT_BEAMS * (DEFAULT_MAX_CHARS + SENTENCE_OVERHEAD_CHARS * DEFAULT_MAX_CHARS
                                               // MIN_MEAN_SENTENCE_CHARS)
    # the biggest legal article passes when its sentences are as long as MIN_MEAN_SENTENCE_CHARS
    sentence = "خ" * (MIN_MEAN_SENTENCE_CHARS - 2) + ". "
    assert budget.check([sentence * (DEFAULT_MAX_CHARS // MIN_MEAN_SENTENCE_CHARS)]) <= budget.max_cost
    with pytest.raises(ArticleTooLong):  # one character more: the page's own message, not a budget's
        budget.check(["خ" * (DEFAULT_MAX_CHARS + 1)])
    with pytest.raises(TooManyBeams) as beams:
        budget.check([LINE], MAX_BEAMS + 1)
    assert beams.value.code == "too-many-beams" and isinstance(beams.value, InputError)
    with pytest.raises(OverBudget) as over:  # 10,000 one-character lines cost their overhead
        budget.check(["خ"] * 10_000)
    assert over.value.code == "over-budget" and over.value.limit == budget.max_cost
    with pytest.raises(OverBudget):  # ...and so do 4,000 tiny sentences on one line
        budget.check([" ".join(["قال."] * 4_000)])
    with pytest.raises(OverBudget):  # the biggest article at twice the beams costs twice as much
        budget.check([sentence * (DEFAULT_MAX_CHARS // MIN_MEAN_SENTENCE_CHARS)], 2 * DEFAULT_BEAMS)


def test_the_service_budget_follows_its_max_chars(state):  # noqa: F811
    assert state.service.budget.max_chars == state.service.max_chars
    assert state.service.budget.max_cost == DEFAULT_BEAMS * (state.service.max_chars + SENTENCE_OVERHEAD_CHARS
                                                             * (state.service.max_chars // MIN_MEAN_SENTENCE_CHARS))


# -- every surface refuses before any work ---------------------------------------------------------
def test_rest_refuses_too_many_beams_and_an_over_budget_request_before_any_work(http, held):
    r = http.post("api/v1/summarize", json={"text": ARTICLE, "num_beams": 64})
    assert r.status_code == 422 and r.json() == {"error": r.json()["error"], "code": "too-many-beams"}
    assert str(MAX_BEAMS) in r.json()["error"]
    r = http.post("api/v1/translate", json={"text": "خبر. " * 15_000, "num_beams": MAX_BEAMS})
    assert r.status_code == 413 and r.json() == {"error": r.json()["error"], "code": "over-budget"}
    assert "num_beams" in r.json()["error"]
    assert held.entered == 0
    r = http.post("api/v1/translate", json={"text": ARTICLE, "num_beams": MAX_BEAMS})
    assert r.status_code == 200 and held.entered == 1  # within the budget: as before


def test_libretranslate_counts_each_line_as_a_text(url, held, batches):
    many = "\n".join(["خبر"] * 4_000)  # 16 KB, well within the body limit and max_chars
    r = httpx.post(url + "translate", json={"q": many, "source": "ar", "target": "en"}, timeout=120)
    assert r.status_code == 413 and set(r.json()) == {"error"} and "4,000 texts" in r.json()["error"]
    r = httpx.post(url + "translate", json={"q": ["\n".join(["خبر"] * 500)] * 10, "source": "ar", "target": "en"},
                   timeout=120)
    assert r.status_code == 413 and "5,000 texts" in r.json()["error"]  # lines across the q items
    assert held.entered == 0 and batches == []


def test_the_page_checks_the_budget_before_loading_or_running(state, held, monkeypatch):  # noqa: F811
    monkeypatch.setattr(state.service, "budget", Budget(max_chars=state.service.max_chars, max_cost=100))
    asked = []
    real = state.service.pipeline_for
    monkeypatch.setattr(state.service, "pipeline_for", lambda *a, **k: asked.append(a) or real(*a, **k))
    with pytest.raises(OverBudget) as over:
        state.service.budget.check([ARTICLE])
    out = webapp.summarize(state, ARTICLE, "extractive", "lead")
    assert out.result == {"error": over.value.message(PAGE)}
    assert held.entered == 0 and asked == []  # no translation choice loaded, no run


# -- work stops when its client leaves -------------------------------------------------------------
def test_a_cancelled_batch_stops_at_the_next_batch(state, batches):  # noqa: F811
    lines = [LINE] * 40  # 5 groups of 8 on the CPU
    with pytest.raises(Cancelled) as stopped:
        list(state.service.pipeline.batch(lines, grow=False, progress=False, summary_method="none",
                                  cancelled=lambda: len(batches) >= 1))
    assert stopped.value.code == "cancelled" and batches == [8]
    batches.clear()
    with pytest.raises(Cancelled):
        state.service.pipeline(ARTICLE, summary_method="lead", cancelled=lambda: True)
    assert batches == []  # cancelled before its first batch: no model work
    assert len(list(state.service.pipeline.batch(lines[:8], progress=False, summary_method="none",
                                         cancelled=lambda: False))) == 8


def _post_and_leave(url: str, path: str, payload: dict, leave: threading.Event) -> None:
    """Send a request, then close the connection without reading the answer once ``leave`` is set."""
    body = json.dumps(payload).encode()
    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        assert leave.wait(60), "the work never started"


def test_libretranslate_work_stops_when_its_client_leaves(url, state, batches, monkeypatch):  # noqa: F811
    """400 lines (50 groups of 8): the client leaves during the first; the slot is free after it."""
    seen: dict = {}
    real_translate = state.service.translate

    def translate(texts, **kwargs):
        seen["cancelled"] = kwargs.get("cancelled")
        return real_translate(texts, **kwargs)

    monkeypatch.setattr(state.service, "translate", translate)
    translator = state.service.pipeline.translator
    counted = translator.start
    started = threading.Event()

    def first_waits_for_the_client_to_leave(sentences, progress=None, decoding=None, **kwargs):
        if not batches:
            started.set()
            _until(lambda: seen.get("cancelled") is not None and seen["cancelled"](), 20)
        return counted(sentences, progress, decoding, **kwargs)

    monkeypatch.setattr(translator, "start", first_waits_for_the_client_to_leave)
    _post_and_leave(url, "/translate", {"q": "\n".join([LINE] * 400), "source": "ar", "target": "en"}, started)
    gate = state.service.gate
    assert _until(lambda: gate.load()["admitted"] == 0)
    assert gate.load()["working"] == 0 and batches == [8]  # 1 of the 50 groups was translated


# -- the fetch queue -------------------------------------------------------------------------------
def _working_and_waiting(queue: FetchQueue) -> tuple[int, int]:
    load = queue.load()
    return load["working"], load["waiting"]


@pytest.fixture
def slow_fetch(monkeypatch):
    """``Service.read_url``'s fetch, held until ``release`` is set (``started`` counts the fetches begun)."""

    class Slow:
        release = threading.Event()
        started = 0

        def __call__(self, url, **kwargs):
            Slow.started += 1
            assert Slow.release.wait(60), "never released"
            return Document(LINE, source_kind="url", source=url)

    slow = Slow()
    monkeypatch.setattr(service_module, "read_url", slow)
    yield slow
    slow.release.set()


def test_the_fetch_queue_refuses_at_once_beyond_its_places(state, slow_fetch, monkeypatch):  # noqa: F811
    service = state.service
    monkeypatch.setattr(service, "fetches", FetchQueue(1, 1, per_client=2))
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(service.read_url, "https://example.com/1", client="a")
        second = pool.submit(service.read_url, "https://example.com/2", client="b")
        assert _until(lambda: _working_and_waiting(service.fetches) == (1, 1))
        assert service.fetches.load() == {"working": 1, "waiting": 1, "admitted": 2, "concurrency": 1,
                                          "max_queue": 1, "per_client": 2}
        with pytest.raises(FetchBusy) as busy:
            service.read_url("https://example.com/3", client="c")
        assert busy.value.code == "fetch-busy" and busy.value.retry_after >= 1
        assert isinstance(busy.value, ServerBusy) and isinstance(busy.value, InputError)  # the page shows it
        slow_fetch.release.set()
        assert first.result(60).text == second.result(60).text == LINE
    assert service.fetches.load()["admitted"] == 0


def test_one_client_holds_at_most_its_share_of_the_fetches(state, slow_fetch, monkeypatch):  # noqa: F811
    service = state.service
    monkeypatch.setattr(service, "fetches", FetchQueue(4, 4, per_client=1))
    with ThreadPoolExecutor(2) as pool:
        mine = pool.submit(service.read_url, "https://example.com/1", client="a")
        assert _until(lambda: slow_fetch.started == 1)
        with pytest.raises(FetchBusy) as busy:
            service.read_url("https://example.com/2", client="a")
        assert busy.value.client_limit == 1
        other = pool.submit(service.read_url, "https://example.com/3", client="b")  # another client: fetched
        assert _until(lambda: slow_fetch.started == 2)
        slow_fetch.release.set()
        assert mine.result(60).text == other.result(60).text == LINE


def test_rest_fetches_are_queued_per_client_and_shown_in_health(state, slow_fetch, monkeypatch):  # noqa: F811
    monkeypatch.setattr(state.service, "fetches", FetchQueue(1, 1, per_client=3))
    with api_server(state) as url, ThreadPoolExecutor(2) as pool:
        def fetch(n: int) -> httpx.Response:
            return httpx.post(url + "api/v1/translate", json={"url": f"https://example.com/{n}"}, timeout=120)

        held = [pool.submit(fetch, n) for n in range(2)]
        assert _until(lambda: _working_and_waiting(state.service.fetches) == (1, 1))
        r = fetch(3)
        assert r.status_code == 429 and r.json() == {"error": r.json()["error"], "code": "fetch-busy"}
        assert int(r.headers["retry-after"]) >= 1
        health = httpx.get(url + "api/v1/health", timeout=60).json()
        assert health["fetch_queue"] == {"working": 1, "waiting": 1, "admitted": 2, "concurrency": 1,
                                         "max_queue": 1, "per_client": 3}
        slow_fetch.release.set()
        assert [f.result(120).status_code for f in held] == [200, 200]
    monkeypatch.setattr(state.service, "fetches", FetchQueue(4, 4, per_client=1))
    slow_fetch.release.clear()
    with api_server(state) as url, ThreadPoolExecutor(1) as pool:
        first = pool.submit(httpx.post, url + "api/v1/translate", json={"url": "https://example.com/1"}, timeout=120)
        assert _until(lambda: slow_fetch.started == 3)
        r = httpx.post(url + "api/v1/translate", json={"url": "https://example.com/2"}, timeout=120)
        assert r.status_code == 429 and r.json()["code"] == "fetch-busy"  # the same client's second
        slow_fetch.release.set()
        assert first.result(120).status_code == 200


def test_the_pages_fetches_count_against_their_clients_share(state, slow_fetch, monkeypatch):  # noqa: F811
    """The page's Fetch button and its /read_url API go through the same queue, by the client's address."""
    import json

    monkeypatch.setattr(state.service, "fetches", FetchQueue(4, 4, per_client=1))
    with api_server(state) as url, ThreadPoolExecutor(1) as pool:
        def read_url(n: int) -> dict:
            event = httpx.post(url + "gradio_api/call/read_url", json={"data": [f"https://example.com/{n}"]},
                               timeout=60).json()["event_id"]
            answer = httpx.get(url + f"gradio_api/call/read_url/{event}", timeout=120).text
            return json.loads(answer.split("data:", 1)[1])[0]

        first = pool.submit(read_url, 1)
        assert _until(lambda: slow_fetch.started == 1)
        second = read_url(2)  # the same client, while its first fetch runs: refused, in the page's words
        assert set(second) == {"error"} and slow_fetch.started == 1
        slow_fetch.release.set()
        assert first.result(120)["text"] == LINE
        assert read_url(3)["text"] == LINE  # its share back once the first is done
