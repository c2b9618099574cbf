"""The server's edge (``summarizer.web.boundary``): attacks on every route, the page's Gradio API included,
each held by a test that failed before the edge was there.

A live server on 127.0.0.1 (tiny local models), called as an attacker would: raw JSON bytes, raw sockets
for slow and oversized bodies, forged ``Host`` and ``Origin`` headers. The body timeout is 1 s here so
that a stalled body is answered at once; the sockets' own timeouts only bound a test that would
otherwise wait forever, nothing is asserted about time.
"""

from __future__ import annotations

import re
import socket
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from summarizer import web as webapp
from summarizer.inputs.documents import MAX_DOCUMENT_BYTES
from tests.test_app import FAST

pytestmark = pytest.mark.slow  # a live server called as an attacker would, stalled bodies waited out to their deadlines

ARTICLE = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في العاصمة."
JSON = {"content-type": "application/json"}
PUBLIC = "news.example"  # the public name of the module's server
SURROGATE = b'"\\ud800"'  # a lone surrogate, as a JSON escape
DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b"1" + b"0" * 5000
MB = 1_000_000
LIBRETRANSLATE = ("/translate", "/languages", "/detect")  # errors in LibreTranslate's shape: no code


@pytest.fixture(scope="module")
def state(tiny_marian, tmp_path_factory) -> webapp.AppState:
    return webapp.load_app(None, str(tiny_marian), summary_method="extractive",
                           export_dir=tmp_path_factory.mktemp("exports"), **FAST)


@contextmanager
def serving(state: webapp.AppState, keys=(), **policy):
    """The app ``summarizer serve`` runs, with a boundary policy of ``policy``; yields its URL."""
    from summarizer.web.boundary import Policy
    from summarizer.web.server import build_app, build_demo, running

    demo = build_demo(state)
    app = build_app(state, demo, keys=keys, policy=Policy(**{"body_timeout_s": 1.0, **policy}))
    with running(app) as url:
        yield url


@pytest.fixture(scope="module")
def url(state):
    with serving(state, public_hosts=(PUBLIC,)) as url:
        yield url


@pytest.fixture
def http(url):
    with httpx.Client(base_url=url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def summarize_index(url) -> int:
    """The page's ``/summarize`` event, as its queue knows it (``fn_index``)."""
    config = httpx.get(url + "config", timeout=30).json()
    return next(i for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "summarize")


def port_of(url: str) -> int:
    return urlsplit(url).port


def refused(r: httpx.Response, status: int, code: str) -> dict:
    """``r`` is the boundary's refusal: ``status``, JSON ``{"error": ..., "code": code}`` (LibreTranslate's
    routes: ``{"error": ...}``, as LibreTranslate answers)."""
    assert r.status_code == status, (r.status_code, r.headers.get("content-type"), r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    shape = {"error": body["error"]} if r.request.url.path in LIBRETRANSLATE else {"error": body["error"], "code": code}
    assert body == shape and body["error"] and "Traceback" not in body["error"]
    return body


def join(index: int, data: list) -> bytes:
    """A body for Gradio's ``/gradio_api/queue/join`` (``data`` given as JSON text pieces)."""
    return (b'{"data": [' + b", ".join(data) + b'], "event_data": null, "fn_index": ' + str(index).encode()
            + b', "trigger_id": 1, "session_hash": "attacker"}')


def raw(port: int, request: bytes, wait: float = 30) -> bytes:
    """Send ``request`` on a fresh connection and read until the server closes it (at most ``wait`` s)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(request)
        answer = b""
        while data := s.recv(65536):
            answer += data
    return answer


# -- 1. malformed bodies: a 400 in the documented shape, never a crash -------------------------------
def test_a_lone_surrogate_is_refused_on_every_route(http, summarize_index):
    text = '"' + "\\u0642\\u0627\\u0644 " * 5 + '"'
    rest = b'{"text": ' + text.encode() + b', "id": ' + SURROGATE + b"}"
    refused(http.post("api/v1/summarize", content=rest, headers=JSON), 400, "bad-json")
    line = b'{"q": "\\u062e\\u0628\\u0631\\n\\ud800", "source": "ar", "target": "en"}'
    refused(http.post("translate", content=line, headers=JSON), 400, "bad-json")
    key = b'{"q": "\\u062e\\u0628\\u0631", "source": "ar", "target": "en", "api_key": ' + SURROGATE + b"}"
    refused(http.post("translate", content=key, headers=JSON), 400, "bad-json")
    page = join(summarize_index, [SURROGATE, b'"extractive"', b'"lead"', b"null", b'"standard"'])
    refused(http.post("gradio_api/queue/join", content=page, headers=JSON), 400, "bad-json")
    refused(http.post("gradio_api/call/summarize", content=b'{"data": [' + SURROGATE + b"]}", headers=JSON),
            400, "bad-json")
    # in a form: a surrogate's UTF-8 bytes, percent-encoded
    form = {"content-type": "application/x-www-form-urlencoded"}
    refused(http.post("translate", content=b"q=%ED%A0%80&source=ar&target=en", headers=form), 400, "bad-form")


def test_a_lone_surrogate_key_is_refused_where_keys_are_required(state):
    with serving(state, keys=("lt-key",)) as url, httpx.Client(base_url=url, timeout=60) as http:
        key = b'{"q": "\\u062e\\u0628\\u0631", "source": "ar", "target": "en", "api_key": ' + SURROGATE + b"}"
        refused(http.post("translate", content=key, headers=JSON), 400, "bad-json")
        assert http.post("translate", json={"q": ARTICLE, "source": "ar", "target": "en", "api_key": "lt-key"}
                         ).status_code == 200


@pytest.mark.parametrize("value", [DEEP, HUGE_INT, b"NaN"], ids=["100000-deep", "5000-digits", "NaN"])
def test_deep_nesting_and_huge_numbers_are_refused_on_every_route(http, summarize_index, value):
    refused(http.post("api/v1/summarize", content=b'{"num_beams": ' + value + b"}", headers=JSON), 400, "bad-json")
    refused(http.post("translate", content=b'{"q": "x", "alternatives": ' + value + b"}", headers=JSON),
            400, "bad-json")
    refused(http.post("gradio_api/queue/join", content=join(summarize_index, [value]), headers=JSON),
            400, "bad-json")


def test_nesting_is_limited_below_what_the_routes_own_parsers_survive(http):
    from summarizer.web.httpapi import MAX_JSON_DEPTH

    def nested(depth: int) -> bytes:
        return b'{"text": "x", "id": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"

    refused(http.post("api/v1/summarize", content=nested(MAX_JSON_DEPTH + 1), headers=JSON), 400, "bad-json")
    # within the limit, the route reads it (and refuses the field's type in its own words)
    refused(http.post("api/v1/summarize", content=nested(MAX_JSON_DEPTH), headers=JSON), 422, "bad-field")


def test_a_failing_handler_answers_json_never_a_text_page():
    """A route that raises, in the app or in a mounted app (which answers its own text/plain 500)."""
    from fastapi import FastAPI
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from summarizer.web.boundary import Policy, install

    def boom(*request):
        raise RuntimeError("a bug")

    app = FastAPI()
    app.add_api_route("/boom", lambda: boom())
    app.mount("/mounted", Starlette(routes=[Route("/boom", boom)]))
    install(app, Policy(), max_chars=1000)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        for path in ("/boom", "/mounted/boom"):
            body = refused(client.get(path), 500, "internal")
            assert "a bug" not in body["error"]


# -- 2. sizes and time -----------------------------------------------------------------------------
def _memory(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(key)


def test_a_100_mb_body_to_gradios_queue_is_refused_unread(http, url, summarize_index):
    def chunks():  # streamed, never built: no Content-Length, so it is refused as it arrives
        yield b'{"fn_index": ' + str(summarize_index).encode() + b', "session_hash": "attacker", "data": ["'
        for _ in range(100):
            yield b"x" * MB

    Path("/proc/self/clear_refs").write_text("5")  # VmHWM (peak RSS) starts again from here
    before = _memory("VmRSS")
    r = http.post("gradio_api/queue/join", content=chunks(), headers=JSON)
    grown = _memory("VmHWM") - before
    refused(r, 413, "body-too-large")
    assert grown < 24 * MB, f"the server's memory grew by {grown:,} bytes"
    # declared: refused on its Content-Length, before a byte of the body is read
    answer = raw(port_of(url), b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"code":"body-too-large"' in answer
    assert http.get("api/v1/health").status_code == 200  # and the server goes on


def test_a_body_framed_two_ways_is_refused(url, summarize_index):
    """``Content-Length: 0`` beside ``Transfer-Encoding: chunked``: the parser reads the chunks, so a check
    that trusted the length would let any body through unread."""
    body = join(summarize_index, [SURROGATE])
    chunked = hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    answer = raw(port_of(url), b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 0\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 400 ") and b'"code":"bad-request"' in answer, answer[:300]
    # chunked alone is read and checked as any body
    answer = raw(port_of(url), b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 400 ") and b'"code":"bad-json"' in answer, answer[:300]


def test_the_http_apis_read_one_article_at_most(url, state):
    """The REST and LibreTranslate routes are refused on their own limit (one article), by the declared
    length, before a byte of the body is read; the page's API may take more (an article and its result)."""
    from summarizer.web.httpapi import BODY_BYTES_PER_CHAR, BODY_SLACK_BYTES

    api_limit = state.service.max_chars * BODY_BYTES_PER_CHAR + BODY_SLACK_BYTES
    for path in ("/api/v1/summarize", "/translate"):
        answer = raw(port_of(url), f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                   f"Content-Length: {api_limit + 1}\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 413 ") and f"at most {api_limit:,}".encode() in answer, answer[:300]
    answer = raw(port_of(url), f"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                               f"application/json\r\nContent-Length: {api_limit + 1}\r\n\r\n".encode(), wait=5)
    assert not answer.startswith(b"HTTP/1.1 413 ")  # waits for its body (then 408): the page's limit is higher


def _multipart(size: int, name: str = "article.txt"):
    """A multipart upload of a ``size``-byte file, streamed."""
    yield (b'--b0undary\r\nContent-Disposition: form-data; name="files"; filename="' + name.encode()
           + b'"\r\nContent-Type: text/plain\r\n\r\n')
    sent = 0
    while sent < size:
        part = min(MB, size - sent)
        yield b"x" * part
        sent += part
    yield b"\r\n--b0undary--\r\n"


def test_uploads_are_capped_at_the_document_limit(http, url):
    form = "multipart/form-data; boundary=b0undary"
    declared = MAX_DOCUMENT_BYTES + 4 * 2**20
    answer = raw(port_of(url), f"POST /gradio_api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {form}\r\n"
                               f"Content-Length: {declared}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"code":"body-too-large"' in answer
    # streamed: Gradio's own check of the file (20 MB) or the boundary's of the body, whichever comes first
    assert http.post("gradio_api/upload", content=_multipart(declared), headers={"content-type": form}
                     ).status_code == 413
    small = http.post("gradio_api/upload", content=_multipart(1000), headers={"content-type": form})
    assert small.status_code == 200 and len(small.json()) == 1  # the path of the uploaded file


@pytest.mark.parametrize("path,kind,start", [
    ("api/v1/translate", "application/json", b'{"te'),
    ("gradio_api/queue/join", "application/json", b'{"da'),
    ("translate", "application/x-www-form-urlencoded", b"q=%D8"),
    ("gradio_api/upload", "multipart/form-data; boundary=b0undary", next(_multipart(10)) + b"xx"),
])
def test_a_stalled_body_gets_408_and_the_connection_is_closed(url, path, kind, start):
    head = (f"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
            f"Content-Length: 1000\r\n\r\n").encode()
    answer = raw(port_of(url), head + start)  # ...and nothing more: the connection must be closed
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"connection: close" in answer.lower() and b'{"error":"' in answer
    assert (b'"code":"body-timeout"' in answer) == (f"/{path}" not in LIBRETRANSLATE)


def test_a_body_sent_a_byte_at_a_time_is_cut_at_its_deadline(url):
    """Never silent for long, but never done: the body's whole time runs out (1 s here).

    A byte the client sends after the server has answered and closed makes the client's kernel reset
    the connection, which may drop the answer unread: then the reset itself shows the cut."""
    reset = False
    with socket.create_connection(("127.0.0.1", port_of(url)), timeout=0.2) as s:
        s.sendall(b"POST /api/v1/summarize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n")
        answer = b""
        for _ in range(150):  # at most 30 s of drip
            try:
                s.sendall(b" ")
                answer += s.recv(65536)
                break
            except TimeoutError:
                continue
            except OSError:  # closed after its answer, which was read already or is still to read
                break
        s.settimeout(30)
        try:
            while data := s.recv(65536):
                answer += data
        except ConnectionResetError:
            reset = True
    assert (answer.startswith(b"HTTP/1.1 408 ") and b'"code":"body-timeout"' in answer) or (reset and not answer)


def test_many_slow_bodies_are_all_cut(url):
    port = port_of(url)
    head = b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" \
           b"Content-Length: 1000\r\n\r\n{"
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(40)]
    try:
        for s in sockets:
            s.sendall(head)
        answers = []
        for s in sockets:
            answer = b""
            while data := s.recv(65536):
                answer += data
            answers.append(answer)
    finally:
        for s in sockets:
            s.close()
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers)


# -- 3. /docs without a network ----------------------------------------------------------------------
def test_docs_load_everything_from_this_server(http):
    page = http.get("docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    urls += re.findall(r"""url\s*:\s*["']([^"']+)["']""", page.text)  # the OpenAPI document
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    answers = [http.get(u) for u in urls]
    assert all(a.status_code == 200 for a in answers), {u: a.status_code for u, a in zip(urls, answers, strict=True)}
    kinds = {a.headers["content-type"].split(";")[0] for a in answers}
    assert {"text/css", "application/json"} <= kinds and kinds & {"text/javascript", "application/javascript"}


# -- 4. hosts and origins --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["api/v1/health", "", "config", "gradio_api/info", "docs", "translate"])
def test_a_request_for_another_host_is_refused(http, url, path):
    refused(http.get(path, headers={"Host": "evil.example"}), 421, "unknown-host")
    refused(http.get(path, headers={"Host": f"evil.example:{port_of(url)}"}), 421, "unknown-host")


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}",
                                  "10.0.0.7:{port}", PUBLIC, f"{PUBLIC.upper()}:443"])
def test_this_machines_names_addresses_and_public_names_are_served(http, url, host):
    r = http.get("api/v1/health", headers={"Host": host.format(port=port_of(url))})
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert http.get("config", headers={"Host": host.format(port=port_of(url))}).status_code == 200


def test_host_names_and_wildcards():
    from summarizer.web.boundary import Policy

    policy = Policy(public_hosts=("news.example", "*.cdn.example"))
    for host in ["localhost", "LOCALHOST:7860", "app.localhost", "127.0.0.1", "[::1]:80", "192.168.1.5:7860",
                 "news.example", "news.example.:8080", "a.cdn.example", "b.a.cdn.example"]:
        assert policy.host_allowed(host), host
    for host in ["evil.example", "cdn.example", "news.example.evil.example", "localhost.evil.example",
                 "127.0.0.1.nip.io", "", "news.example:notaport", "localhost#.evil.example",
                 "localhost?.evil.example", "localhost..", "user@localhost", "local host", "[::1]x",
                 "[::1]:80x", "localhost:"]:
        assert not policy.host_allowed(host), host
    assert Policy(public_hosts=("*",)).host_allowed("anything.example")
    assert Policy().host_allowed(None)  # HTTP/1.0 without a Host: no browser sends it


def test_no_cross_origin_reader_by_default(http, url):
    """Neither the APIs nor Gradio's routes let another origin read them (Gradio allowed any localhost page,
    and any page at all once the server had a public name)."""
    for origin, host in [("http://localhost:3000", f"127.0.0.1:{port_of(url)}"), ("http://evil.example", PUBLIC),
                         ("null", f"127.0.0.1:{port_of(url)}")]:
        for path in ("config", "gradio_api/info", "api/v1/health", "languages", "docs"):
            r = http.get(path, headers={"Origin": origin, "Host": host})
            assert r.status_code == 200 and "access-control-allow-origin" not in r.headers, (origin, path)
        preflight = http.options("api/v1/summarize", headers={
            "Origin": origin, "Host": host, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        refused(preflight, 403, "cross-origin")
        assert "access-control-allow-origin" not in preflight.headers


def test_a_cross_site_form_cannot_start_work(http, url, summarize_index):
    form = {"q": ARTICLE, "source": "ar", "target": "en"}
    for headers in [{"Origin": "http://evil.example"}, {"Origin": "http://localhost:3000"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}]:
        refused(http.post("translate", data=form, headers=headers), 403, "cross-origin")
        refused(http.post("gradio_api/queue/join", headers={**headers, "content-type": "text/plain"},
                          content=join(summarize_index, [b'"x"'])), 403, "cross-origin")
        refused(http.post("gradio_api/upload", headers={**headers, "content-type": "multipart/form-data; "
                                                        "boundary=b0undary"}, content=_multipart(10)),
                403, "cross-origin")
    # the page's own requests, and clients that are not browsers (libretranslatepy: a form, no Origin)
    own = f"http://127.0.0.1:{port_of(url)}"
    assert http.post("translate", data=form, headers={"Origin": own}).status_code == 200
    assert http.post("translate", data=form, headers={"Sec-Fetch-Site": "same-origin",
                                                      "Origin": "https://proxy.example"}).status_code == 200
    assert LibreTranslateAPI(url).translate(ARTICLE, "ar", "en")


def test_cors_for_any_origin_or_for_the_ones_named(state):
    form = {"q": ARTICLE, "source": "ar", "target": "en"}
    with serving(state, cors=("*",)) as url, httpx.Client(base_url=url, timeout=60) as http:
        for path in ("config", "api/v1/health", "languages"):
            assert http.get(path, headers={"Origin": "https://any.example"}).headers[
                "access-control-allow-origin"] == "*"
        r = http.post("translate", data=form, headers={"Origin": "https://any.example"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
        # what a translated document's answer says in its headers, a browser client of another site can read
        exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"retry-after", "content-disposition", "x-translated-sentences", "x-arabic-left",
                "x-document-notes"} <= exposed
        preflight = http.options("api/v1/translate", headers={
            "Origin": "https://any.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization"})
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    with serving(state, cors=("https://cms.example",)) as url, httpx.Client(base_url=url, timeout=60) as http:
        r = http.post("translate", data=form, headers={"Origin": "https://cms.example"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://cms.example"
        refused(http.post("translate", data=form, headers={"Origin": "https://evil.example"}), 403, "cross-origin")
        assert "access-control-allow-origin" not in http.get("config", headers={
            "Origin": "https://evil.example"}).headers


# -- 5. the options ---------------------------------------------------------------------------------------
def test_the_options_and_their_environment():
    import argparse

    from summarizer.web.boundary import policy_of
    from summarizer.web.flags import add_server_arguments

    def policy(argv, environ=None):
        parser = argparse.ArgumentParser()
        add_server_arguments(parser, environ or {})
        return policy_of(parser.parse_args(argv), environ or {})

    plain = policy([])
    assert (plain.public_hosts, plain.cors) == ((), ()) and plain.body_timeout_s > 1
    given = policy(["--public-host", "a.example,b.example", "--public-host", "c.example", "--cors",
                    "--body-timeout", "5"])
    assert given.public_hosts == ("a.example", "b.example", "c.example") and given.cors == ("*",)
    assert given.body_timeout_s == 5
    assert policy(["--cors", "https://x.example/,https://y.example"]).cors == ("https://x.example",
                                                                              "https://y.example")
    env = policy([], {"SUMMARIZER_PUBLIC_HOSTS": "d.example", "SUMMARIZER_CORS": "*",
                      "SPACE_HOST": "me-app.hf.space"})
    assert env.public_hosts == ("d.example", "me-app.hf.space") and env.cors == ("*",)
    assert "*.gradio.live" in policy(["--share"]).public_hosts
