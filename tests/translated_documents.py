"""Arabic documents for the translated-document tests, built on the spot (python-docx, and lxml for what it
cannot make: a footnotes part, a text box, a hyperlink, right-to-left flags), and a stand-in translator.

``make_arabic_docx(path)`` writes a right-to-left Word file with a header, a footer, a footnote, a table
with a nested table, a hyperlink, a text box, a picture and a sentence split over three runs (the middle
one bold); ``Recorder`` translates each sentence to a fixed English text and records every call.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

ARABIC = re.compile(r"[\u0621-\u064A]")
THREE_RUNS = ("قال الوزير ", "إن المحادثات", " ستستأنف الأسبوع المقبل.")
HEADER, FOOTER, FOOTNOTE = "نشرة الأخبار اليومية", "صفحة من التقرير", "المصدر وكالة الأنباء الرسمية."
LINK = "اقرأ التقرير الكامل على الموقع."
TEXT_BOX = "ملاحظة مهمة في مربع النص."
CELLS = [["الدولة", "العاصمة"], ["مصر", "القاهرة"]]
NESTED = [["جدول داخلي", "خلية ثانية"]]
BODY = ["وأضاف أن الوفد وصل إلى العاصمة مساء أمس. وقال مسؤول إن الاجتماع كان مثمرا.",
        "وتأتي الزيارة في إطار جهود دبلوماسية متواصلة."]
_V = "urn:schemas-microsoft-com:vml"


class Recorder:
    """A translator that writes "The English of sentence N." for the Nth different sentence of a call (so
    the output holds no Arabic), and records each call's sentences in ``calls``."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, sentences: list[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [f"The English of sentence number {i + 1} here." for i in range(len(sentences))]


def _rtl(paragraph, *, bidi: bool = True) -> None:
    """Right to left as Word writes it (``w:bidi``, each run ``w:rtl`` and Arabic ``w:lang``), or, with
    ``bidi=False``, as a python-docx user does: the paragraph aligned right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    if bidi:
        paragraph._p.get_or_add_pPr().append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in paragraph.runs:
        _rtl_run(run)


def _rtl_run(run) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rpr = run._r.get_or_add_rPr()
    rpr.append(parse_xml(f"<w:rtl {nsdecls('w')}/>"))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="ar-SA" w:bidi="ar-SA"/>'))


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _footnotes_part(document, text: str) -> None:
    """A footnotes part (python-docx makes none) with footnote 1, referenced from the last body paragraph."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    xml = (f'<w:footnotes {nsdecls("w")}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           '</w:footnote><w:footnote w:id="1"><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr>'
           f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    paragraph = document.paragraphs[-1]
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  '<w:footnoteReference w:id="1"/></w:r>'))


def _hyperlink(document, paragraph, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rid = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:rtl/>'
                                  f'<w:u w:val="single"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'))


def _text_box(paragraph, text: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="{_V}"><w:pict><v:shape style="width:200pt;height:40pt" stroked="t">'
        f'<v:textbox><w:txbxContent><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t>{text}</w:t>'
        '</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))


def make_arabic_docx(path: Path, body: list[str] = BODY) -> Path:
    """The right-to-left Word file of the module docstring."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Inches

    document = docx.Document()
    section = document.sections[0]
    section._sectPr.append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))
    for paragraph, text in ((section.header.paragraphs[0], HEADER), (section.footer.paragraphs[0], FOOTER)):
        paragraph.add_run(text)
        _rtl(paragraph)
    document.add_heading("تقرير عن المحادثات", level=1)
    three = document.add_paragraph()
    for i, text in enumerate(THREE_RUNS):
        run = three.add_run(text)
        run.bold = True if i == 1 else None
    _rtl(three)
    for i, part in enumerate(three.runs):
        if i == 1:  # bold for Arabic, as Word writes it: w:b and w:bCs
            part._r.rPr.append(parse_xml(f"<w:bCs {nsdecls('w')}/>"))
    for i, text in enumerate(body):
        _rtl(document.add_paragraph(text), bidi=i % 2 == 0)
    table = document.add_table(rows=len(CELLS), cols=len(CELLS[0]))
    table._tbl.tblPr.append(parse_xml(f"<w:bidiVisual {nsdecls('w')}/>"))
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            table.cell(r, c).paragraphs[0].add_run(text)
            _rtl(table.cell(r, c).paragraphs[0])
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    for c, text in enumerate(NESTED[0]):
        inner.cell(0, c).paragraphs[0].add_run(text)
    linked = document.add_paragraph()
    _hyperlink(document, linked, LINK, "https://example.org/report")
    _rtl(linked)
    boxed = document.add_paragraph()
    _text_box(boxed, TEXT_BOX)
    document.add_picture(io.BytesIO(_png()), width=Inches(0.5))
    _rtl(document.add_paragraph("انتهى التقرير."))
    _footnotes_part(document, FOOTNOTE)
    document.save(str(path))
    return path


def part_texts(path: Path) -> dict[str, str]:
    """Every text part of a Word file (body, headers, footers, notes) -> its ``w:t`` text, joined."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as package:
        return {name: "".join(t.text or "" for t in etree.fromstring(package.read(name)).iter(w + "t"))
                for name in package.namelist()
                if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name)}
