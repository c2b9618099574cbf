"""The brief as a Word document (python-docx; lxml for the right-to-left flags python-docx has no API for).

Arabic paragraphs carry ``w:bidi`` and their runs ``w:rtl`` and an Arabic language tag, so that Word and
LibreOffice lay them out right to left and check them as Arabic. What the checks found is a real Word
comment on the English it is about, and a sentence the model was unsure of says so in words. No colour is
set anywhere (text, borders, page): Word's and LibreOffice's dark modes show it as they show any document.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..checks import Finding
from .content import Brief, Row, is_arabic
from .formats import register_brief_format

ARABIC_LANG = "ar-SA"  # Word's tag for Arabic; LibreOffice reads it as the paragraph's CTL language
COMMENT_AUTHOR, COMMENT_INITIALS = "Summarizer checks", "SC"
FINDING_MARK = "⚑ to check (see the comment)"
# What follows w:bidi in a w:pPr, and w:lang in a w:rPr (the schema's order: Word refuses another).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
               "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
               "w:pPrChange")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


@register_brief_format(".docx", label="Word document")
def to_docx(brief: Brief) -> bytes:
    """The whole brief as the bytes of a .docx file."""
    document = Document()
    document.core_properties.title = brief.title
    document.core_properties.subject = "Arabic article, its summaries and its English translation"
    document.core_properties.author = "arabic-news-summarizer"
    _heading(document, brief.title, 0)
    for label, value in (("Source", brief.source), ("Date", brief.date)):
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    _summaries(document, brief)
    _article(document, brief)
    _closing(document, brief)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _summaries(document: WordDocument, brief: Brief) -> None:
    if not (brief.summary_ar or brief.summary_en):
        return
    _heading(document, "Summary", 1)
    if brief.method:
        document.add_paragraph().add_run(f"Arabic summary: {brief.method}.").italic = True
    if brief.summary_ar:
        _heading(document, "العربية (Arabic)", 2)
        paragraph = document.add_paragraph(brief.summary_ar)
        right_to_left(paragraph)
        _comment(document, paragraph.runs, brief.summary_ar_findings)
    if brief.summary_en:
        _heading(document, "English", 2)
        paragraph = document.add_paragraph(brief.summary_en)
        _comment(document, paragraph.runs, brief.summary_en_findings)


def _article(document: WordDocument, brief: Brief) -> None:
    """The article as a two-column table: a header row (repeated on each page), then one row per sentence."""
    _heading(document, "The article, sentence by sentence", 1)
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    arabic_head, english_head = table.rows[0].cells
    right_to_left(_only_paragraph(arabic_head, "العربية (Arabic)", bold=True))
    _only_paragraph(english_head, "English", bold=True)
    _repeat_as_header(table.rows[0])
    for row in brief.rows:
        arabic, english = table.add_row().cells
        right_to_left(_only_paragraph(arabic, row.ar))
        _english_cell(document, english, row)
    width = _text_width(document) // 2
    for column in table.columns:
        for cell in column.cells:
            cell.width = width


def _english_cell(document: WordDocument, cell: _Cell, row: Row) -> None:
    """The English, the words that mark an unsure sentence, and a comment per finding on the English."""
    paragraph = _only_paragraph(cell, row.en or "(no translation)")
    runs = list(paragraph.runs)
    if row.unsure:
        cell.add_paragraph().add_run(row.unsure).italic = True
    if row.findings:
        paragraph.add_run(f"  {FINDING_MARK}").italic = True
        _comment(document, runs, row.findings)


def _closing(document: WordDocument, brief: Brief) -> None:
    """The notes that explain the marks, the run's warnings, then the models and their licences."""
    if brief.notes or brief.warnings:
        _heading(document, "Notes", 1)
        for text in [*brief.notes, *brief.warnings]:
            document.add_paragraph(text, style="List Bullet")
    _heading(document, "Models and licences", 1)
    for line in brief.models:
        document.add_paragraph(line, style="List Bullet")


def _comment(document: WordDocument, runs: list[Run], findings: list[Finding]) -> None:
    for finding in findings:
        document.add_comment(runs, text=finding.message, author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)


def _heading(document: WordDocument, text: str, level: int) -> Paragraph:
    paragraph = document.add_heading(text, level)
    if is_arabic(text):
        right_to_left(paragraph)
    return paragraph


def _only_paragraph(cell: _Cell, text: str, *, bold: bool = False) -> Paragraph:
    """A cell's one paragraph (a new cell has an empty one), holding ``text`` as one run."""
    paragraph = cell.paragraphs[0]
    paragraph.add_run(text).bold = bold or None
    return paragraph


def right_to_left(paragraph: Paragraph) -> None:
    """An Arabic paragraph: laid out right to left (``w:bidi``), each run right to left (``w:rtl``) and tagged
    Arabic (``w:lang``), so that a spelling checker and a screen reader take it as Arabic."""
    properties = paragraph._p.get_or_add_pPr()
    if properties.find(qn("w:bidi")) is None:
        properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in paragraph.runs:
        run_properties = run._r.get_or_add_rPr()
        run_properties.get_or_add_rtl()
        lang = OxmlElement("w:lang", {qn("w:val"): ARABIC_LANG, qn("w:bidi"): ARABIC_LANG})
        run_properties.insert_element_before(lang, *_AFTER_LANG)


def _repeat_as_header(row) -> None:
    """Mark a table row as its header: Word and LibreOffice repeat it at the top of every page."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _text_width(document: WordDocument) -> Emu:
    section = document.sections[-1]
    return Emu(section.page_width - section.left_margin - section.right_margin)
