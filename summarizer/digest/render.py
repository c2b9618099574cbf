"""A digest as a reader takes it away: Markdown, HTML (Arabic right-to-left) or Word (.docx), and JSON.

``write_digest(digest, path)`` picks the form from the suffix (``FORMATS``) and writes the file whole or not at
all (:mod:`summarizer.output_file`).
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputFormatUnknown
from ..markdown_text import md_text
from ..output_file import check_output, write_atomically, xml_safe
from .record import Digest, Disagreement, Story

FORMATS = (".md", ".html", ".json", ".docx")


def _reports(d: Disagreement) -> str:
    return " / ".join(f"{r.text} ({', '.join(r.articles)})" for r in d.reports)


def to_markdown(digest: Digest) -> str:
    """The digest as Markdown: a section per story, then the articles left out. Everything from an article or a
    client (texts, ids, reasons) is inert (``md_text``): an article's markup or link is shown, never followed."""
    m = md_text
    lines = [f"# Digest: {len(digest.stories)} stories from {digest.articles_read} articles", ""]
    for story in digest.stories:
        lines += _story_markdown(story)
    if digest.skipped:
        lines += ["## Left out", ""] + [f"- {m(s.article)}: {m(s.code)}: {m(s.reason)}" for s in digest.skipped] + [""]
    return "\n".join(lines)


def _story_markdown(story: Story) -> list[str]:
    m = md_text
    lines = [f"## {m(story.title_ar)}", ""]
    if story.title_en:
        lines += [f"*{m(story.title_en)}*", ""]
    lines += [f"Articles: {m(', '.join(story.articles))}", ""]
    if story.abstract_ar:
        lines += ["### Abstract", "", m(story.abstract_ar), ""] + ([m(story.abstract_en), ""] if story.abstract_en else [])
    lines += ["### Summary", ""]
    for sentence in story.summary:
        lines.append(f"- {m(sentence.ar)} [{m(', '.join(sentence.articles))}]"
                     + (f"  \n  {m(sentence.en)}" if sentence.en else ""))
    lines.append("")
    if story.adds:
        lines += ["### What each source adds", ""]
        for addition in story.adds:
            lines += [f"**{m(addition.article)}**", ""] + [f"- {m(s)}" for s in addition.sentences] + [""]
    if story.disagreements:
        lines += ["### Where the sources disagree", ""]
        lines += [f"- {d.kind}: {m(_reports(d))}" for d in story.disagreements] + [""]
    return lines


def to_html(digest: Digest) -> str:
    """The digest as one HTML page (Arabic right-to-left, English left-to-right)."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Digest</title></head><body>\n'
            + html_body(digest) + "\n</body></html>\n")


def html_body(digest: Digest) -> str:
    """What ``to_html``'s page holds, without the page around it (a web page shows it in one of its own): every
    text from an article or a client escaped, Arabic right-to-left."""
    e = html.escape
    body = [f"<h1>Digest: {len(digest.stories)} stories from {digest.articles_read} articles</h1>"]
    for story in digest.stories:
        body.append(f'<section><h2 lang="ar" dir="rtl">{e(story.title_ar)}</h2>')
        if story.title_en:
            body.append(f'<p lang="en"><em>{e(story.title_en)}</em></p>')
        body.append(f"<p>Articles: {e(', '.join(story.articles))}</p>")
        if story.abstract_ar:
            body.append(f'<h3>Abstract</h3><p lang="ar" dir="rtl">{e(story.abstract_ar)}</p>'
                        + (f'<p lang="en">{e(story.abstract_en)}</p>' if story.abstract_en else ""))
        body.append("<h3>Summary</h3><ul>")
        body += [f'<li><span lang="ar" dir="rtl">{e(s.ar)}</span> [{e(", ".join(s.articles))}]'
                 + (f'<br><span lang="en">{e(s.en)}</span>' if s.en else "") + "</li>" for s in story.summary]
        body.append("</ul>")
        if story.adds:
            body.append("<h3>What each source adds</h3>")
            for addition in story.adds:
                body.append(f"<h4>{e(addition.article)}</h4><ul>"
                            + "".join(f'<li lang="ar" dir="rtl">{e(s)}</li>' for s in addition.sentences) + "</ul>")
        if story.disagreements:
            body.append("<h3>Where the sources disagree</h3><table><tr><th>kind</th><th>values</th></tr>")
            body += [f"<tr><td>{e(d.kind)}</td><td dir=\"rtl\">{e(_reports(d))}</td></tr>" for d in story.disagreements]
            body.append("</table>")
        body.append("</section>")
    if digest.skipped:
        body.append("<h2>Left out</h2><ul>" + "".join(f"<li>{e(s.article)}: {e(s.code)}: {e(s.reason)}</li>"
                                                      for s in digest.skipped) + "</ul>")
    return "\n".join(body)


def to_json(digest: Digest) -> str:
    return json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _write_docx(digest: Digest, stream: BinaryIO) -> None:
    """A simple Word document: a heading per story, its summary, additions and a table of disagreements."""
    from docx import Document

    document = Document()
    document.add_heading(f"Digest: {len(digest.stories)} stories from {digest.articles_read} articles", 0)
    for story in digest.stories:
        document.add_heading(story.title_ar, 1)
        if story.title_en:
            document.add_paragraph(story.title_en)
        document.add_paragraph(f"Articles: {', '.join(story.articles)}")
        if story.abstract_ar:
            document.add_heading("Abstract", 2)
            document.add_paragraph(story.abstract_ar)
            if story.abstract_en:
                document.add_paragraph(story.abstract_en)
        document.add_heading("Summary", 2)
        for sentence in story.summary:
            document.add_paragraph(f"{sentence.ar} [{', '.join(sentence.articles)}]", style="List Bullet")
            if sentence.en:
                document.add_paragraph(sentence.en)
        for addition in story.adds:
            document.add_heading(f"What {addition.article} adds", 2)
            for text in addition.sentences:
                document.add_paragraph(text, style="List Bullet")
        if story.disagreements:
            document.add_heading("Where the sources disagree", 2)
            table = document.add_table(rows=1, cols=3)
            for cell, text in zip(table.rows[0].cells, ("kind", "value", "articles"), strict=True):
                cell.text = text
            for d in story.disagreements:
                for report in d.reports:
                    row = table.add_row().cells
                    row[0].text, row[1].text, row[2].text = d.kind, report.text, ", ".join(report.articles)
    if digest.skipped:
        document.add_heading("Left out", 1)
        for s in digest.skipped:
            document.add_paragraph(f"{s.article}: {s.code}: {s.reason}", style="List Bullet")
    document.save(stream)


_TEXT_WRITERS: dict[str, Callable[[Digest], str]] = {".md": to_markdown, ".html": to_html, ".json": to_json}


def check_digest_path(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """``path`` as a ``Path``, or the coded error that says why the digest cannot be written there: asked
    before any article is read (``summarizer digest -o``), and again when the digest is written."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise OutputFormatUnknown(str(path), "digest", list(FORMATS))
    return check_output(target, overwrite=overwrite)


def write_digest(digest: Digest, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``digest`` to ``path`` in the form its suffix names (``FORMATS``), whole or not at all
    (:mod:`summarizer.output_file`); an existing file is replaced only with ``overwrite``."""
    target = check_digest_path(path, overwrite=overwrite)
    suffix = target.suffix.lower()
    if suffix == ".docx":
        return write_atomically(target, lambda stream: _write_docx(xml_safe(digest), stream), overwrite=overwrite)
    text = _TEXT_WRITERS[suffix](digest).encode("utf-8")
    return write_atomically(target, lambda stream: stream.write(text), overwrite=overwrite)
