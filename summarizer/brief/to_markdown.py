"""The brief as Markdown: the same sections as the .docx and .html briefs, every text escaped as the
Markdown download escapes it (``render.md_text``: nothing from an article becomes a link, an image or a tag).
Arabic is wrapped in ``<div dir="rtl" lang="ar">`` where a block can be; a table cell cannot carry a
direction in Markdown, and a renderer lays an Arabic cell out by its letters."""

from __future__ import annotations

from ..render import finding_text, md_cell, md_text
from .content import Brief, Row
from .formats import register_brief_format


@register_brief_format(".md", label="Markdown")
def to_markdown(brief: Brief) -> bytes:
    """The whole brief as the bytes of a UTF-8 Markdown file."""
    out = [f"# {md_text(brief.title)}", ""]
    known = (("Source", brief.source), ("Date", brief.date))
    out += [f"- {label}: {md_text(value)}" for label, value in known if value]
    out += _summaries(brief)
    out += ["", "## The article, sentence by sentence", "", "| العربية (Arabic) | English |", "|---|---|"]
    out += [f"| {md_cell(row.ar)} | {_english_cell(row)} |" for row in brief.rows]
    if brief.notes or brief.warnings:
        out += ["", "## Notes", ""] + [f"- {md_text(text)}" for text in [*brief.notes, *brief.warnings]]
    out += ["", "## Models and licences", ""] + [f"- {md_text(line)}" for line in brief.models]
    return ("\n".join(out) + "\n").encode("utf-8")


def _summaries(brief: Brief) -> list[str]:
    if not (brief.summary_ar or brief.summary_en):
        return []
    out = ["", "## Summary", ""]
    out += [f"*Arabic summary: {md_text(brief.method)}.*", ""] if brief.method else []
    if brief.summary_ar:
        out += ["### العربية (Arabic)", "", '<div dir="rtl" lang="ar">', "", md_text(brief.summary_ar), "",
                "</div>", "", *_notes(brief.summary_ar_findings)]
    if brief.summary_en:
        out += ["### English", "", md_text(brief.summary_en), "", *_notes(brief.summary_en_findings)]
    return out


def _notes(findings: list) -> list[str]:
    return [f"- ⚑ To check: {md_text(finding_text(f))}" for f in findings] + ([""] if findings else [])


def _english_cell(row: Row) -> str:
    """The English, then the unsure mark and each finding on lines of their own within the cell."""
    lines = [md_cell(row.en or "(no translation)")]
    lines += [f"*{md_cell(row.unsure)}*"] if row.unsure else []
    lines += [f"⚑ To check: {md_cell(finding_text(f))}" for f in row.findings]
    return "<br>".join(lines)
