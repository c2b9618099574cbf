"""Documents for the reading tests, made on the spot: Word and PDF files, and a local web site.

The web pages are saved pages in ``tests/data/pages/`` (a news article inside a site's menus,
related links and footer; a section front that is only a list of headlines). ``LocalSite``
serves them, and anything the test writes beside them, on 127.0.0.1: no test needs the internet.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from typing import ClassVar

PAGES = Path(__file__).resolve().parent / "data" / "pages"

ARTICLE_TITLE = "لافروف يأمل أن تمهد زيارة دي ميستورا لمفاوضات جديدة في جنيف"
# Lines of an Arabic article without digits (a PDF stores a line's glyphs in visual order: digits
# would keep their own left-to-right order inside it, which this small writer does not do).
ARTICLE_LINES = [
    "أعرب وزير الخارجية الروسي سيرغي لافروف عن أمله في أن تصبح زيارة المبعوث الدولي إلى موسكو مرحلة هامة.",
    "وقال لافروف خلال لقائه المبعوث في العاصمة إن مخرجات الجولة الأخيرة من المفاوضات لم يرفضها أي طرف.",
    "ومن جانبه قال المبعوث إن العملية السياسية هي حجر الزاوية للعمل في سوريا.",
]


def as_upload(path: Path) -> Path:
    """A copy of ``path`` where Gradio puts an upload (its upload folder, a folder of its own, the same
    name): the only place the page reads a file from."""
    import uuid

    from summarizer.web.uploads import upload_folder

    folder = upload_folder() / f"test-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    return Path(shutil.copy(path, folder / Path(path).name))


def make_docx(path: Path, paragraphs: list[str], *, title: str = "", table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(str(path))
    return path


def make_pdf(path: Path, lines: list[str], *, title: str = "") -> Path:
    """A one-page PDF whose text layer holds ``lines`` (as a PDF writer stores Arabic: visual order).

    No font is embedded (the page would not render), but each code maps to its letter through a
    ToUnicode table, which is what text extraction reads. ``lines=[]`` gives a page with no text:
    a scanned page, as far as a text reader can tell.
    """
    chars = sorted({c for line in lines for c in line})
    code = {c: i + 1 for i, c in enumerate(chars)}
    entries = "\n".join(f"<{code[c]:02X}> <{ord(c):04X}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    ops = ["BT /F1 12 Tf 14 TL 40 800 Td"]
    ops += ["<" + "".join(f"{code[c]:02X}" for c in reversed(line)) + "> Tj T*" for line in lines]
    content = "\n".join([*ops, "ET"]).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> >>",
    ]
    path.write_bytes(pdf_file(objects, info=7))
    return path


def pdf_file(objects: list[bytes], info: int | None = None) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalogue), its cross-reference table and
    trailer (``info``: the number of the document-information object)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = b" /Info %d 0 R" % info if info else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info_ref)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files from one folder, plus /moved (a redirect to the article); no log lines."""

    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format, *args):
        pass


class LocalSite:
    """The saved pages served on 127.0.0.1 from a copy in ``root`` (tests may add files to it)."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(PAGES, root, dirs_exist_ok=True)
        handler = functools.partial(_Handler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
