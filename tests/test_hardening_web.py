"""Attacks on the page and on what it reads and writes: each held by a test that failed before its fix.

Every server here listens on 127.0.0.1 only; every loop is bounded in count and in time. Public
addresses are simulated: ``socket.getaddrinfo`` answers what the test says, and ``connect`` to a
simulated public address either lands on a local server or is refused (nothing leaves the machine).
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from summarizer import web as webapp
from summarizer.errors import InputError
from summarizer.inputs.documents import read_file, read_url
from tests.sample_documents import ARTICLE_LINES, make_docx
from tests.test_app import FAST, free_port, launched

pytestmark = pytest.mark.slow  # live servers, slow peers cut at their deadlines, a killed app

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = "93.184.215.14"  # a global address: the simulated public site


@pytest.fixture(scope="module")
def state(tiny_marian, tmp_path_factory) -> webapp.AppState:
    # allow_private_urls: the sites of these tests are on 127.0.0.1 (the refusals ask for it off)
    return webapp.load_app(None, str(tiny_marian), summary_method="extractive",
                           export_dir=tmp_path_factory.mktemp("exports"), allow_private_urls=True, **FAST)


@pytest.fixture(scope="module")
def client(state):
    from gradio_client import Client

    with launched(state, concurrency=1) as url:
        yield Client(url, verbose=False)


# -- servers -----------------------------------------------------------------------------------
@contextmanager
def serving(handler_class):
    """A threaded HTTP server on 127.0.0.1 with ``handler_class``; yields (server, port)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    server.hits = []  # the paths asked for
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


ARTICLE_HTML = ("<html><head><title>خبر</title></head><body><article>"
                + "".join(f"<p>{line}</p>" for line in ARTICLE_LINES) + "</article></body></html>").encode()


class _Intranet(_Quiet):
    """An intranet page (must never be fetched for the page's users) and a redirect to itself."""

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path.startswith("/to-local"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/secret")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(ARTICLE_HTML)))
        self.end_headers()
        self.wfile.write(ARTICLE_HTML)


STOP_SLOW = threading.Event()


class _Slow(_Quiet):
    """One byte every 0.2 s: a body (``/body``) or even the status line (``/head``), for at most 20 s."""

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path == "/head":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 100:
                if not self._drip(bytes([byte])):
                    return
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            if not self._drip(b"x"):
                return

    def _drip(self, data: bytes) -> bool:
        if STOP_SLOW.wait(0.2):
            return False
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        return True


# -- 1. the address box reads no file of the server ----------------------------------------
def _same_whatever_the_path(messages: dict[str, str]) -> set[str]:
    return {message.replace(path, "PATH") for path, message in messages.items()}


def test_read_url_refuses_every_local_path_with_one_message(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("كلمة السر: 1234", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("/etc/passwd")
    paths = ["/etc/passwd", str(secret), str(tmp_path / "link.txt"), str(tmp_path / "missing.txt"),
             f"{tmp_path}/../{tmp_path.name}/secret.txt", f"file://{secret}", "secret.txt"]
    messages = {}
    for path in paths:
        with pytest.raises(InputError, match=r"only http:// and https:// addresses") as caught:
            read_url(path, allow_private=True)
        messages[path] = str(caught.value)
    assert _same_whatever_the_path(messages) == {"PATH: only http:// and https:// addresses can be fetched."}


def test_the_read_url_api_and_the_address_box_never_read_a_server_file(client, state, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("قال الوزير إن كلمة السر هي 1234 وإن المحادثات ستستأنف غدا في العاصمة. " * 5, encoding="utf-8")
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    page = tmp_path / "page.html"
    page.write_bytes(ARTICLE_HTML)
    asked = ["/etc/passwd", str(secret), str(tmp_path / "passwd.txt"), str(page), str(tmp_path / "nothing.txt"),
             f"{tmp_path}/../{tmp_path.name}/secret.txt", f"file://{secret}"]
    api_messages, page_messages = {}, {}
    for path in asked:
        answer = client.predict(path, api_name="/read_url")
        assert set(answer) == {"error"}, path
        api_messages[path] = answer["error"]
        article, message, *_ = webapp.read_url(state, path)[0]
        assert article == {"__type__": "update"} and message.startswith("✘ **Error:**"), path
        page_messages[path] = message
    for messages in (api_messages, page_messages):
        shown = " ".join(messages.values())
        assert "1234" not in shown and "root:" not in shown and "no such file" not in shown
    assert len(_same_whatever_the_path(api_messages)) == 1  # nothing tells an existing file from a missing one
    assert len({m.replace(p, "PATH") for p, m in page_messages.items()}) <= 2  # "file://" vs a bare path


# -- 2. DNS rebinding: the connection goes to the address that was checked ------------------
@pytest.fixture
def fake_dns(monkeypatch):
    """``fake_dns({name: [address for the 1st look-up, for the 2nd, ...]}, land={public: local port})``.

    Connections to a simulated public address land on ``land``'s local port, or are refused;
    every connection's address is recorded in the returned list.
    """
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect
    connected: list[tuple] = []

    def install(answers: dict[str, list[str]], land: dict[str, int] | None = None) -> list[tuple]:
        calls: dict[str, int] = {}

        def getaddrinfo(host, port, *args, **kwargs):
            if host not in answers:
                return real_getaddrinfo(host, port, *args, **kwargs)
            n = calls[host] = calls.get(host, 0) + 1
            address = answers[host][min(n, len(answers[host])) - 1]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

        def connect(sock, address):
            connected.append(address)
            if isinstance(address, tuple) and address[0] == PUBLIC:
                if land and PUBLIC in land:
                    return real_connect(sock, ("127.0.0.1", land[PUBLIC]))
                raise ConnectionRefusedError(111, "Connection refused")
            return real_connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        return connected

    return install


def test_a_name_that_rebinds_to_localhost_after_the_check_is_never_fetched(fake_dns):
    with serving(_Intranet) as (server, port):
        connected = fake_dns({"news.example": [PUBLIC, "127.0.0.1"]})
        with pytest.raises(InputError, match="not reachable"):
            read_url(f"http://news.example:{port}/article", allow_private=False, timeout=2, deadline=4)
        assert server.hits == []  # the intranet page was never asked for
        assert connected and all(address[0] == PUBLIC for address in connected)


def test_a_name_that_resolves_to_public_and_local_addresses_is_refused(fake_dns):
    fake_dns({"mixed.example": [PUBLIC]})
    socket_getaddrinfo = socket.getaddrinfo

    def both(host, port, *args, **kwargs):
        if host == "mixed.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return socket_getaddrinfo(host, port, *args, **kwargs)

    socket.getaddrinfo = both  # restored by monkeypatch (fake_dns set it)
    with pytest.raises(InputError, match="local or private network address"):
        read_url("http://mixed.example/article", allow_private=False)


def test_every_redirect_hop_is_checked_and_pinned(fake_dns):
    with serving(_Intranet) as (server, port):
        # the public site (simulated: it lands on the local server) redirects to a local address
        fake_dns({"news.example": [PUBLIC]}, land={PUBLIC: port})
        with pytest.raises(InputError, match="local or private network address"):
            read_url(f"http://news.example:{port}/to-local", allow_private=False, timeout=2, deadline=4)
        assert server.hits == ["/to-local"]  # the redirect's target was refused before any connection
        # the same public site's own page is read: the simulated public address really serves
        document = read_url(f"http://news.example:{port}/article", allow_private=False, timeout=2, deadline=4)
        assert document.text.splitlines()[0] == ARTICLE_LINES[0]


# -- 3. a slow server holds no one ------------------------------------------------------------
@pytest.mark.parametrize("path", ["/body", "/head"])
def test_a_server_sending_a_byte_at_a_time_is_cut_at_the_deadline(path):
    STOP_SLOW.clear()
    with serving(_Slow) as (_, port):
        started = time.monotonic()
        with pytest.raises(InputError, match=r"took too long: no complete answer within 1\.5 s"):
            read_url(f"http://127.0.0.1:{port}{path}", allow_private=True, timeout=5, deadline=1.5)
        assert time.monotonic() - started < 4
        STOP_SLOW.set()


def test_one_slow_fetch_does_not_hold_the_next_users_fetch(client, state, local_site):
    from summarizer.web.server import FETCH_CONCURRENCY, build_demo

    demo = build_demo(state)
    fetching = [fn for fn in demo.fns.values() if fn.api_name == "read_url" or "load_url" in repr(fn.fn)]
    assert len(fetching) == 3 and {fn.concurrency_id for fn in fetching} == {"fetch"}  # the button, Enter, the API
    assert all(fn.concurrency_limit == FETCH_CONCURRENCY > 1 for fn in fetching)

    STOP_SLOW.clear()
    with serving(_Slow) as (_, port), ThreadPoolExecutor(2) as pool:
        slow = pool.submit(client.predict, f"http://127.0.0.1:{port}/body", api_name="/read_url")
        time.sleep(1.0)  # the slow fetch is running
        started = time.monotonic()
        fast = client.predict(local_site.url("article.html"), api_name="/read_url")
        waited = time.monotonic() - started
        assert not slow.done()
        STOP_SLOW.set()  # the slow server hangs up; its fetch ends
        assert "error" in slow.result(timeout=30)
    assert fast["source_kind"] == "url" and waited < 5


# -- 4. Word files: bounded memory, one message for any parser error -------------------------
def _docx_with_empty_paragraphs(path: Path, count: int) -> Path:
    base = make_docx(path.with_name("base.docx"), ARTICLE_LINES[:1])
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * count)
            out.writestr(info, data)
    return path


def test_a_docx_bomb_under_the_unpacked_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    import summarizer.inputs.documents as documents

    bomb = _docx_with_empty_paragraphs(tmp_path / "bomb.docx", 20_000)  # 120 KB of <w:p/> in 3 KB
    monkeypatch.setattr(documents, "READ_IN_CAGE", False)  # the limits set here: a worker of the cage keeps its own
    monkeypatch.setattr(documents, "MAX_DOCX_ELEMENTS", 5_000)  # the real limit, scaled to the bomb
    started = time.monotonic()
    with pytest.raises(InputError, match=r"bomb\.docx is too complex to read: more than 5,000 elements"):
        read_file(bomb)
    assert time.monotonic() - started < 5
    monkeypatch.setattr(documents, "MAX_DOCX_XML_BYTES", 50_000)
    with pytest.raises(InputError, match=r"bomb\.docx holds too much text once unpacked"):
        read_file(bomb)
    # under both limits the same kind of file is read as before
    monkeypatch.setattr(documents, "MAX_DOCX_ELEMENTS", 50_000)
    monkeypatch.setattr(documents, "MAX_DOCX_XML_BYTES", 1_000_000)
    assert read_file(bomb).text == ARTICLE_LINES[0]


def test_the_real_limits_keep_a_docx_small_in_memory():
    import summarizer.inputs.documents as documents

    assert documents.MAX_DOCX_XML_BYTES <= 20 * 2**20 and documents.MAX_DOCX_ELEMENTS <= 200_000


def test_any_parser_error_in_a_docx_is_one_clear_message(tmp_path, monkeypatch):
    import lxml.etree

    import summarizer.inputs.documents as documents

    path = make_docx(tmp_path / "odd.docx", ARTICLE_LINES)

    def failing(document):
        raise lxml.etree.XPathEvalError("XPath evaluation returned no result")
        yield

    monkeypatch.setattr(documents, "READ_IN_CAGE", False)  # a worker of the cage would not see the failing one
    monkeypatch.setattr(documents, "_docx_paragraphs", failing)
    with pytest.raises(InputError, match=r"^odd\.docx is not a Word \.docx file"):
        read_file(path)


# -- 16. the page: a bounded cache, no folder left behind, its own error for a bad choice ------
@pytest.mark.parametrize(("method", "long_input", "translation", "says"), [
    ("summarize-it", "lead", None, "Unknown summary method 'summarize-it'"),
    ("extractive", "everything", None, "Unknown long input 'everything'"),
    ("extractive", "lead", "no-such-model", "Unknown translation model 'no-such-model'"),
])
def test_api_choices_the_page_does_not_offer_get_the_error_status(client, seed_texts, method, long_input,
                                                                  translation, says):
    out = client.predict(seed_texts[0], method, long_input, translation, api_name="/summarize")
    status, result = out[4], out[7]
    assert status.startswith("✘ **Error:**") and says in status
    assert result == {"error": result["error"]} and "not in the list of choices" not in status


def test_the_offered_choices_still_work_through_the_api(client, seed_texts):
    out = client.predict(seed_texts[0], "lead", "lead", None, api_name="/summarize")
    assert out[4].startswith("✔ **Done**") and out[7]["summary_method"].startswith("lead")


def test_gradio_cache_keeps_minutes_not_hours():
    from summarizer.web.server import DELETE_CACHE

    frequency, age = DELETE_CACHE
    assert frequency <= 60 and age <= 600


def test_the_export_folder_is_removed_when_the_app_closes(tiny_marian):
    state = webapp.load_app(None, str(tiny_marian), summary_method="extractive", **FAST)
    folder = state.export_dir
    assert folder.is_dir() and folder.name.startswith("summarizer-app-")
    state.close()
    assert not folder.exists()
    given = webapp.load_app(None, str(tiny_marian), summary_method="extractive", export_dir=folder, **FAST)
    given.close()
    assert folder.is_dir()  # a folder the user gave is theirs: kept


def test_a_killed_app_leaves_no_export_folder(tiny_mt5, tiny_marian, tmp_path):
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False"}
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--summary-model", str(tiny_mt5),
         "--translation-model", str(tiny_marian), "--summary-method", "extractive"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and app.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            pytest.fail(f"the app did not start: {app.stderr.read().decode()[-2000:] if app.poll() is not None else ''}")
        assert list(tmp_path.glob("summarizer-app-*"))  # made at start-up
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert list(tmp_path.glob("summarizer-app-*")) == []


def test_choices_given_by_the_page_are_unchanged_in_the_browser(state):
    from summarizer.web.server import build_demo

    config = build_demo(state).get_config_file()
    types = {c["props"].get("label"): c["type"] for c in config["components"] if "label" in c.get("props", {})}
    assert types["Summary"] == types["Long articles"] == "radio" and types["Translation model"] == "dropdown"
    from gradio.components.state import default_delete_callback

    def gradios_own(value):  # gr.State's default callback, which Gradio's own encoder writes as text
        if value is default_delete_callback:
            return "default_delete_callback"
        raise TypeError(f"not JSON: {value!r}")

    json.dumps(config, default=gradios_own)  # still a plain config: nothing of the page's is a function


# -- 5. exports: no live link, image or markup from an article ---------------------------------
HOSTILE = ["[اضغط هنا](javascript:alert(1))", "![x](http://tracker.example/x.png)", "<img src=x onerror=alert(1)>",
           "[ref]: http://tracker.example/r", "https://tracker.example/page", "www.tracker.example", "<https://t.example>",
           "mail@tracker.example"]


def _rendered(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_markdown_export_has_no_live_link_image_or_markup():
    import html
    import re

    from summarizer.notices import notice
    from summarizer.pipeline import Result
    from summarizer.render import md_text, to_markdown
    from summarizer.result import RunInfo, SentencePair

    text = " ".join(HOSTILE)
    result = Result(sentences=[text], summary_ar=text, summary_en=text, translation=[SentencePair(text, text)],
                    run=RunInfo(notices=[notice("engine-substituted", note=text)]))  # a warning of these words
    markdown = to_markdown(result)
    page = _rendered(markdown)
    assert "<a " not in page and "<img" not in page and "<https" not in page
    assert "://" not in markdown and "www." not in markdown and "@" not in markdown  # no autolink (GFM) either
    visible = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert visible.count(HOSTILE[0]) >= 4 and visible.count(HOSTILE[1]) >= 4  # still readable, as text
    shown = _rendered(md_text(text))  # the page's own messages and titles: the same
    assert "<a " not in shown and "<img" not in shown


def test_entities_for_markup_never_become_a_tag_in_the_result(state, seed_texts):
    from summarizer.stages.clean import clean_article

    for written in ("&#60;img src=x onerror=alert(1)&#62;", "&lt;script&gt;alert(1)&lt;/script&gt;",
                    "&#x3C;svg onload=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"):
        article = clean_article(f"قال الوزير {written} إن المحادثات ستستأنف.")
        assert "<" not in article.text and ">" not in article.text, written
        assert any("written as HTML entities dropped" in r.text for r in article.removed), written
    assert clean_article("قال &lt; 5 &amp; 7 &gt; 3").text == "قال < 5 & 7 > 3"  # plain comparisons stay

    hostile = seed_texts[0].replace("\n", " &#60;img src=x onerror=alert(1)&#62;\n", 1)
    out = webapp.summarize(state, hostile, "lead", None)
    assert out.status.startswith("✔")
    dumped = json.dumps(out.result, ensure_ascii=False)
    assert "<img" not in dumped and "<img" not in out.summary_ar and "<img" not in out.translation
    assert any("entities dropped" in r["text"] for r in out.result["removed"])


# -- 12. an unclosed <script> or <style> keeps what follows; the report adds up ----------------
def _reported_characters(removed) -> int:
    import re

    return sum(int(n) for r in removed if r.kind == "html" for n in re.findall(r"\((\d+) characters\)", r.text))


@pytest.mark.parametrize("tag", ["script", "style", "noscript", "template"])
def test_an_unclosed_script_or_style_is_not_a_block(tag):
    from summarizer.stages.clean import clean_article

    before = "مقال عن صفحات الويب: يكتب المطور الوسم "
    after = (" في رأس الصفحة، ثم يضيف الفقرات والعناوين والصور. ويشرح المقال بعد ذلك كيف تقرأ المتصفحات هذا "
             "الوسم وكيف تعرض الصفحة <b>للقارئ</b> في النهاية.")
    article = clean_article(f"{before}<{tag}>{after}")
    assert article.text == (before + after.replace("<b>", "").replace("</b>", "")).replace("  ", " ").strip()
    assert _reported_characters(article.removed) == len(f"<{tag}>") + len("<b></b>")


def test_the_html_report_adds_up_to_what_disappeared():
    from summarizer.stages.clean import clean_article

    cases = [
        "أ<b>ب</b>ج<script>x = 1;</script>د<style>هـ<i>و</i>ز<script>ح",
        "<span>نص</span><!-- تعليق --><script></script><style>p {}</style><span>آخر</span><script>بلا نهاية",
        "<div><noscript>مخفي <span>تماما</span></noscript>ظاهر<template>قالب</template> وأكثر</div>",
        "<b>قبل</b><script>var a = '<b>x</b>';</script>بعد <STYLE>غير مغلق <em>مائل</em> نهاية",
    ]
    for raw in cases:
        article = clean_article(raw)
        kept = article.text.replace("\n", "")
        assert _reported_characters(article.removed) == len(raw) - len(kept), raw
    assert clean_article(cases[0]).text == "أبجدهـوزح"
    assert clean_article(cases[3]).text == "قبلبعد غير مغلق مائل نهاية"  # <b>, <em>: inline, no line break


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "64:ff9b::a00:1", "2002:7f00:1::", "2002:a00:1::",
                                     "::127.0.0.1", "::ffff:127.0.0.1", "192.0.0.8", "[::1]", "::ffff:0:7f00:1",
                                     "fec0::1", "5f00::7f00:1", "224.0.0.1", "ff02::1"])
def test_ipv6_forms_that_carry_a_private_ipv4_address_are_refused(address):
    """NAT64, 6to4, IPv4-compatible and IPv4-translated addresses reach the IPv4 address inside them;
    Python's ``is_global`` takes some of them (and 192.0.0.0/24, site-local and multicast addresses) for
    public. Refused before any connection."""
    host = address if address.startswith("[") or ("." in address and ":" not in address) else f"[{address}]"
    with pytest.raises(InputError) as caught:
        read_url(f"http://{host}:9/article", allow_private=False, timeout=1, deadline=2)
    assert "local or private network address" in str(caught.value)


def test_public_addresses_stay_public():
    import ipaddress

    from summarizer.inputs.fetch import is_public

    for address in ["93.184.215.14", "2606:4700::1111", "64:ff9b::5db8:d70e", "2002:5db8:d70e::"]:
        assert is_public(ipaddress.ip_address(address)), address
