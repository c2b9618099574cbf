"""The LibreTranslate-compatible routes on a live server, end to end with the ``libretranslatepy`` client
(form requests, as LibreTranslate's clients send them) and with JSON and multipart requests (httpx)."""

from __future__ import annotations

import json
import urllib.error

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from summarizer.web.libretranslate import LANGUAGES
from tests.test_rest import ARTICLE, api_server, state  # noqa: F401  (the module's state fixture)

LINES = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل.\nوأضاف أن الوفدين اتفقا على جدول الأعمال."


@pytest.fixture(scope="module")
def url(state):  # noqa: F811
    with api_server(state) as url:
        yield url


@pytest.fixture(scope="module")
def lt(url) -> LibreTranslateAPI:
    return LibreTranslateAPI(url)


def _english(state, text: str) -> str:  # noqa: F811
    (result,) = state.service.translate([text])
    return result.translation_text


def _refusal(call) -> tuple[int, dict]:
    with pytest.raises(urllib.error.HTTPError) as refused:
        call()
    return refused.value.code, json.loads(refused.value.read().decode())


def test_languages_and_detect_through_the_client(lt):
    assert lt.languages() == LANGUAGES
    assert lt.detect(ARTICLE)[0] == {"confidence": 100.0, "language": "ar"}
    assert lt.detect("The minister said the talks would resume.")[0]["language"] == "en"


def test_translate_through_the_client_keeps_the_lines(lt, state):  # noqa: F811
    assert lt.translate(ARTICLE, "ar", "en") == _english(state, ARTICLE)
    first, second = LINES.split("\n")
    assert lt.translate(LINES, "ar", "en") == _english(state, first) + "\n" + _english(state, second)
    assert lt.translate(ARTICLE, "auto", "en") == _english(state, ARTICLE)


def test_errors_through_the_client_have_libretranslates_shape_and_statuses(lt):
    status, body = _refusal(lambda: lt.translate(ARTICLE, "en", "es"))
    assert status == 400 and body == {"error": body["error"]} and "en is not supported" in body["error"]
    status, body = _refusal(lambda: lt.translate(ARTICLE, "ar", "fr"))
    assert status == 400 and "fr is not supported" in body["error"]
    status, body = _refusal(lambda: lt.translate("", "ar", "en"))
    assert (status, body) == (400, {"error": "Invalid request: missing q parameter"})
    status, body = _refusal(lambda: lt.translate("The minister said the talks would resume.", "auto", "en"))
    assert status == 400 and "en is not supported" in body["error"]
    status, body = _refusal(lambda: lt.translate("The minister said the talks would resume.", "ar", "en"))
    assert status == 400 and "does not look Arabic" in body["error"]  # the page's words
    status, body = _refusal(lambda: lt.translate("خبر " * 30_000, "ar", "en"))
    assert status == 400 and "this server takes at most 100,000" in body["error"]


def test_json_lists_html_and_multipart(url, state):  # noqa: F811
    with httpx.Client(base_url=url, timeout=120) as http:
        r = http.post("translate", json={"q": [ARTICLE, LINES.split("\n")[0]], "source": "auto", "target": "en"})
        assert r.status_code == 200, r.text
        assert r.json()["translatedText"] == [_english(state, ARTICLE), _english(state, LINES.split("\n")[0])]
        assert r.json()["detectedLanguage"] == [{"confidence": 100.0, "language": "ar"}] * 2

        html = f'<p class="lead">{LINES.split(chr(10))[0]}</p><script>var x = "خبر";</script><b>CNN</b>'
        r = http.post("translate", json={"q": html, "source": "ar", "target": "en", "format": "html"})
        english = _english(state, LINES.split("\n")[0]).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert r.json() == {"translatedText": f'<p class="lead">{english}</p><script>var x = "خبر";</script><b>CNN</b>'}

        r = http.post("translate", files={"q": (None, ARTICLE), "source": (None, "ar"), "target": (None, "en")})
        assert r.status_code == 200 and r.json() == {"translatedText": _english(state, ARTICLE)}

        r = http.post("translate", json={"q": ARTICLE, "source": "ar", "target": "en", "format": "pdf"})
        assert r.status_code == 400 and r.json() == {"error": "pdf format is not supported"}
        r = http.post("translate", content=b"{broken", headers={"content-type": "application/json"})
        assert r.status_code == 400 and set(r.json()) == {"error"}
        r = http.post("translate", json={"q": [1, 2], "source": "ar", "target": "en"})
        assert r.status_code == 400 and set(r.json()) == {"error"}
        r = http.post("translate", content=b"q=" + b"x" * 50_000_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413 and set(r.json()) == {"error"}


def test_keys_missing_wrong_and_right(state):  # noqa: F811
    with api_server(state, keys=("lt-key",)) as url:
        assert LibreTranslateAPI(url).languages() == LANGUAGES  # the list of languages needs no key
        status, body = _refusal(lambda: LibreTranslateAPI(url).translate(ARTICLE, "ar", "en"))
        assert status == 400 and "API key" in body["error"]
        status, body = _refusal(lambda: LibreTranslateAPI(url, api_key="wrong").translate(ARTICLE, "ar", "en"))
        assert (status, body) == (403, {"error": "Invalid API key"})
        status, body = _refusal(lambda: LibreTranslateAPI(url, api_key="wrong").detect(ARTICLE))
        assert status == 403
        assert LibreTranslateAPI(url, api_key="lt-key").translate(ARTICLE, "ar", "en") == _english(state, ARTICLE)


def test_a_full_queue_answers_429_with_retry_after(url, state, lt):  # noqa: F811
    gate = state.service.gate
    places = [gate.admitted() for _ in range(gate.capacity)]
    for place in places:
        place.__enter__()
    try:
        status, body = _refusal(lambda: lt.translate(ARTICLE, "ar", "en"))
        assert status == 429 and body["error"].startswith("Slowdown: ")
        r = httpx.post(url + "translate", json={"q": ARTICLE, "source": "ar", "target": "en"}, timeout=60)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    finally:
        for place in places:
            place.__exit__(None, None, None)
    assert lt.translate(ARTICLE, "ar", "en") == _english(state, ARTICLE)
