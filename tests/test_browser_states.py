"""Every state of the page through axe (axe-core, serious and critical violations), in light and dark, at a
laptop's size and a phone's: the first view, each error (an empty submit, an article over the limit, a
Fetch's, an upload's, a run that fails), a summary running (Stop shown), its result, a sentence flagged
by a check (its reason shown, its mark focused), and results out of date after an edit or another option.

One page per size and scheme walks through all the states; every violation is collected with its state's
name, and the list must be empty at the end. The browser, the app (tiny random models) and the helpers
are tests/test_browser.py's; so is the ``browser`` marker (slow, and Chromium needed).
"""

from __future__ import annotations

import time

import pytest

from tests.test_browser import (  # noqa: F401 (browser and app: fixtures, used by name)
    SCHEMES,
    SIZES,
    _axe_folded_and_open,
    _hold_and_run,
    _load_example,
    _serious_axe_violations,
    _settled,
    _summarize,
    app,
    browser,
    opened,
)

pytestmark = pytest.mark.browser

LEXRANK = "Extractive (LexRank): picks the key sentences"
DOWNLOADS = ("#download-json", "#download-md", "#download-brief")

SEEN_CONTRAST = """([sel, pseudo]) => {
  // A text's contrast as seen: its colour (of the element or of its ::before / ::after), faded by every
  // opacity above it, over the first opaque background (the pseudo-element's own first).
  const el = document.querySelector(sel);
  if (!el) return null;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const opaque = (c) => c.length === 3 || c[3] > 0.9;
  const own = getComputedStyle(el, pseudo || null);
  let opacity = pseudo ? Number(own.opacity) : 1, bg = null;
  if (pseudo && opaque(rgb(own.backgroundColor))) bg = rgb(own.backgroundColor).slice(0, 3);
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    opacity *= Number(s.opacity);
    const c = rgb(s.backgroundColor);
    if (!bg && opaque(c)) bg = c.slice(0, 3);
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(own.color).slice(0, 3).map((c, i) => c * opacity + bg[i] * (1 - opacity));
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return { text: pseudo ? own.content : el.innerText.slice(0, 40), opacity, ratio: (hi + 0.05) / (lo + 0.05) };
}"""

# What says "out of date" in the stale state: the hint above the results, the label over the sentences,
# and the note where the downloads were.
STALE_LABELS = (("#stale-hint p", None), ("#aligned", "::before"), ("#downloads", "::after"))


def _stale_problems(page, state: str) -> list[str]:
    """The out-of-date labels readable (4.5:1 as seen, opacity included); no download button usable."""
    found = []
    for selector, pseudo in STALE_LABELS:
        seen = page.evaluate(SEEN_CONTRAST, [selector, pseudo])
        if seen is None or seen["opacity"] < 0.99 or seen["ratio"] < 4.5:
            found.append(f"{state}: out-of-date label {selector}{pseudo or ''} hard to read: {seen}")
    if "Out of date" not in page.inner_text("#stale-hint"):
        found.append(f"{state}: no 'Out of date' hint")
    for selector in DOWNLOADS:
        button = page.locator(selector)
        if button.is_visible() and button.is_enabled():
            found.append(f"{state}: {selector} can still be used")
    return found


def _axe(page, state: str) -> list[str]:
    _settled(page)
    return [f"{state}: {v}" for v in _serious_axe_violations(page)]


def _error_in(page, where: str, words: str) -> None:
    page.wait_for_function("([where, words]) => { const e = document.querySelector(where);"
                           " return e && e.querySelector('.msg-error') && e.innerText.includes(words); }",
                           arg=[where, words])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_passes_axe(browser, app, size, scheme, tmp_path):  # noqa: F811 (the imported fixtures)
    started = time.perf_counter()
    found: list[str] = []
    with opened(browser, app.url, size, scheme) as page:
        article = page.locator("#article textarea")
        found += _axe_folded_and_open(page, "first view")

        # -- the errors, each where it is shown
        page.click("#summarize")  # nothing to summarise
        _error_in(page, "#status", "The article is empty")
        found += _axe(page, "error: empty submit")

        article.fill("خبر " * 37_500)  # 150,000 characters: the counter says so, the run refuses it
        page.wait_for_selector("#char-count .over")
        page.click("#summarize")
        _error_in(page, "#status", "at most 100,000")
        found += _axe(page, "error: over the character limit")

        article.fill("This is plainly an English text, not an Arabic article at all.")  # the run itself fails
        page.click("#summarize")
        _error_in(page, "#status", "does not look Arabic")
        found += _axe(page, "error: a run that fails")

        page.fill("#url input, #url textarea", "not a url at all")
        page.click("#fetch")
        _error_in(page, "#input-status", "")
        found += _axe(page, "error: Fetch")

        binary = tmp_path / "program.exe"
        binary.write_bytes(b"MZ\x00\x00")
        page.set_input_files("#url-row input[type=file]", str(binary))
        _error_in(page, "#input-status", "program.exe")
        found += _axe(page, "error: upload")

        # -- a summary: running (Stop shown), then its result
        _load_example(page, 1)
        page.get_by_label(LEXRANK).check()

        def running(page):
            page.locator("#stop").wait_for(state="visible")
            page.locator("#progress .progress-text, #progress .eta-bar, #progress .progress-level").first.wait_for()
            page.wait_for_timeout(500)
            found.extend(f"running: {v}" for v in _serious_axe_violations(page))  # not _settled: it is pending

        _hold_and_run(page, app, running)
        page.wait_for_selector("#aligned table.aligned td.ar")
        page.wait_for_function("() => !document.querySelector('#download-json').disabled")
        page.locator("#aligned a.src-link").first.hover()  # a lit-up pair too
        found += _axe_folded_and_open(page, "result")
        page.mouse.move(0, 0)

        # -- a finding: a sentence flagged by a check, its reason in words, its mark focused
        mark = page.locator("#aligned .finding-mark").first
        mark.wait_for(state="attached")
        mark.scroll_into_view_if_needed()
        mark.focus()
        assert mark.locator(".finding-text").is_visible()
        assert page.evaluate("() => document.activeElement.classList.contains('finding-mark')")
        found += _axe(page, "finding")

        # -- out of date: after an edit, then after another option
        article.press("End")
        page.keyboard.type(" تعديل")
        page.locator("#stale-hint").wait_for(state="visible")
        found += _stale_problems(page, "stale after an edit")
        found += _axe_folded_and_open(page, "stale after an edit")

        _summarize(page)
        assert page.locator("#stale-hint").is_hidden()
        page.get_by_label("Lead: the first sentences").check()
        page.locator("#stale-hint").wait_for(state="visible")
        found += _stale_problems(page, "stale after an option")
        found += _axe(page, "stale after an option")
    print(f"\n{size} {scheme}: every state in {time.perf_counter() - started:.1f} s")
    assert found == [], "\n".join(f"{size} {scheme}, {line}" for line in found)
