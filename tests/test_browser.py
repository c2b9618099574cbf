"""The page in a real browser: headless Chromium driven by Playwright (Debian's chromium, not Playwright's).

Runs in CI (the set-up script installs chromium); skipped only on a machine without chromium
and without the CI variable. Screenshots go to artifacts/browser/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from summarizer import web as webapp
from tests.test_app import FAST, launched

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
TIMEOUT_MS = 90_000


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (CI must run the browser test: bash scripts/setup.sh dev installs it)")
    pytest.skip("chromium is not installed (bash scripts/setup.sh dev installs it)")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if os.environ.get("CI"):
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def full_app(tiny_mt5, tiny_marian, tmp_path_factory):
    state = webapp.load_app(str(tiny_mt5), str(tiny_marian), export_dir=tmp_path_factory.mktemp("exports"), **FAST)
    with launched(state) as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh page at the size the screenshots are taken at, closed after the test."""
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield page
    finally:
        page.close()


def _direction(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).direction")


def _screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_summarize_a_seed_article_in_the_browser(page, full_app, seed_texts):
    page.goto(full_app, wait_until="domcontentloaded")
    article = page.locator("#article textarea")
    article.wait_for(state="visible")
    assert _direction(page, "#article textarea") == "rtl"
    assert page.locator("#notice").is_hidden()  # every model loaded: no notice

    article.fill(seed_texts[1])
    page.click("#summarize")
    page.wait_for_selector("#aligned table.aligned td.ar")
    page.wait_for_function(
        "() => document.querySelector('#translation textarea').value.length > 0"
        " && document.querySelector('#summary-ar textarea').value.length > 0"
    )
    page.wait_for_selector("#status :text('Summary method')")

    assert _direction(page, "#summary-ar textarea") == "rtl"
    assert _direction(page, "#aligned td.ar") == "rtl"
    assert _direction(page, "#translation textarea") == "ltr"
    assert _direction(page, "#aligned td.en") == "ltr"
    english = page.input_value("#translation textarea")
    arabic_cells = page.locator("#aligned td.ar")
    assert len(english.split("\n")) == arabic_cells.count() > 1
    assert page.input_value("#summary-en textarea")
    status = page.inner_text("#status")
    assert "abstractive-lead" in status and "ctranslate2" in status and "Time" in status
    assert page.locator("#summary-ar button[aria-label*='opy'], #summary-ar button[title*='opy']").count() >= 1
    _screenshot(page, "app-result.png")


def test_bad_input_shows_a_message_not_a_traceback(page, full_app):
    page.goto(full_app, wait_until="domcontentloaded")
    page.locator("#article textarea").fill("This is plainly an English text, not an Arabic article at all.")
    page.click("#summarize")
    page.wait_for_selector("#status :text('does not look Arabic')")
    assert "Traceback" not in page.content()


def test_examples_and_file_upload_fill_the_article(page, full_app, seed_texts, tmp_path):
    page.goto(full_app, wait_until="domcontentloaded")
    article = page.locator("#article textarea")
    article.wait_for(state="visible")
    page.get_by_text(webapp.examples()[2][0], exact=True).click()
    page.wait_for_function("() => document.querySelector('#article textarea').value.length > 100")
    assert article.input_value() == seed_texts[2]

    bad = tmp_path / "windows-1256.txt"
    bad.write_bytes("قال الوزير إن المحادثات ستستأنف.".encode("cp1256"))
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_selector("#status :text('is not UTF-8')")
    assert "windows-1256.txt" in page.inner_text("#status")
    assert article.input_value() == seed_texts[2]  # kept
    assert "Traceback" not in page.content()


def test_missing_translation_model_is_said_plainly(page, tiny_mt5, tmp_path):
    state = webapp.load_app(str(tiny_mt5), str(tmp_path / "no-such-opus-mt"), summary_method="extractive", **FAST)
    with launched(state) as url:
        page.goto(url, wait_until="domcontentloaded")
        notice = page.locator("#notice")
        notice.wait_for(state="visible")
        text = notice.inner_text()
        assert "No English translation" in text and "no-such-opus-mt" in text and "hf download" in text
        _screenshot(page, "app-no-translation-model.png")
