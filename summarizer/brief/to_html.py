"""The brief as one self-contained HTML page (lxml builds it: every text is a text node, so an article that
holds ``<script>`` shows it as text and runs nothing).

Arabic is ``dir="rtl" lang="ar"``; what the checks found is a note under the English it is about; a sentence
the model was unsure of says so in words. ``color-scheme: light dark`` and system colours only (no colour of
its own for text or background): a browser shows it light or dark as its reader prefers, and prints it.
"""

from __future__ import annotations

from lxml import html
from lxml.html import builder as E

from ..render import finding_text
from .content import Brief, Row, is_arabic
from .formats import register_brief_format

STYLE = """
:root { color-scheme: light dark; }
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 64rem; margin: 2rem auto;
       padding: 0 1rem; }
[lang="ar"] { font-size: 1.1em; }
.meta { margin: 0; }
table.aligned { border-collapse: collapse; width: 100%; }
table.aligned th, table.aligned td { border: 1px solid GrayText; padding: .4rem .6rem; vertical-align: top;
                                     width: 50%; }
table.aligned th { text-align: start; }
.unsure { font-style: italic; margin: .3rem 0 0; }
.note { margin: .3rem 0 0; padding-inline-start: .5rem; border-inline-start: 3px solid currentColor;
        font-size: .95em; }
@media print { body { max-width: none; margin: 0; } tr { break-inside: avoid; } }
"""


@register_brief_format(".html", label="web page")
def to_html(brief: Brief) -> bytes:
    """The whole brief as the bytes of a UTF-8 HTML page."""
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"),
               E.META(name="viewport", content="width=device-width, initial-scale=1"),
               E.META(name="color-scheme", content="light dark"), E.TITLE(brief.title),
               E.STYLE(STYLE)),
        E.BODY(*_header(brief), *_summaries(brief), *_article(brief), *_closing(brief)),
        lang="en", dir="ltr")
    return html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", method="html", pretty_print=True)


def _text(tag, text: str, **attributes):
    """An element holding ``text`` in Arabic's direction when it is Arabic (a title, a source's name)."""
    if is_arabic(text):
        attributes.update(dir="rtl", lang="ar")
    return tag(text, **attributes)


def _header(brief: Brief) -> list:
    parts = [_text(E.H1, brief.title)]
    for label, value in (("Source", brief.source), ("Date", brief.date)):
        if value:
            parts.append(E.P(E.STRONG(f"{label}: "), E.SPAN(value, dir="auto"), E.CLASS("meta")))
    return parts


def _summaries(brief: Brief) -> list:
    if not (brief.summary_ar or brief.summary_en):
        return []
    parts = [E.H2("Summary")] + ([E.P(E.EM(f"Arabic summary: {brief.method}."))] if brief.method else [])
    if brief.summary_ar:
        parts += [E.H3("العربية (Arabic)", dir="rtl", lang="ar"),
                  E.P(brief.summary_ar, E.CLASS("summary-ar"), dir="rtl", lang="ar"),
                  *_notes(brief.summary_ar_findings)]
    if brief.summary_en:
        parts += [E.H3("English"), E.P(brief.summary_en, E.CLASS("summary-en"), lang="en"),
                  *_notes(brief.summary_en_findings)]
    return parts


def _article(brief: Brief) -> list:
    head = E.TR(E.TH("العربية (Arabic)", scope="col", dir="rtl", lang="ar"), E.TH("English", scope="col"))
    rows = [E.TR(E.TD(row.ar, E.CLASS("ar"), dir="rtl", lang="ar"), _english_cell(row),
                 id=f"sentence-{row.number}") for row in brief.rows]
    return [E.H2("The article, sentence by sentence"),
            E.TABLE(E.CAPTION("Each Arabic sentence beside its English translation"), E.THEAD(head),
                    E.TBODY(*rows), E.CLASS("aligned"))]


def _english_cell(row: Row):
    parts = [E.P(row.en or "(no translation)", E.CLASS("en"))]
    if row.unsure:
        parts.append(E.P(row.unsure, E.CLASS("unsure")))
    return E.TD(*parts, *_notes(row.findings), lang="en", dir="ltr")


def _notes(findings: list) -> list:
    """One note per finding, under what it is about: its mark, code and words (never a colour alone)."""
    return [E.P(f"⚑ To check: {finding_text(finding)}", E.CLASS("note"), role="note") for finding in findings]


def _closing(brief: Brief) -> list:
    parts = []
    if brief.notes or brief.warnings:
        parts += [E.H2("Notes"), E.UL(*(E.LI(text) for text in [*brief.notes, *brief.warnings]))]
    return [*parts, E.H2("Models and licences"), E.UL(*(E.LI(line) for line in brief.models))]
