"""Word files (.docx, .docm) written back in English, over their own OOXML parts (lxml).

Every paragraph of the parts that show text is translated: the body (tables, nested tables and text
boxes included: they are paragraphs inside it), the headers, footers, footnotes and endnotes; a
hyperlink's text is a run of its paragraph. Only the text of ``w:t`` elements changes: images, fields'
codes, bookmarks, comments and every part that holds no text are copied byte for byte.

Right to left becomes left to right, in those parts and in the styles and numbering: ``w:bidi`` (paragraphs,
sections), ``w:bidiVisual`` (tables), ``w:rtl`` and ``w:cs`` (runs) are removed; a right alignment of a
paragraph that was right to left (or Arabic) is removed, as it only came from the direction (centred
and justified paragraphs keep theirs); the language becomes English (``w:lang``: ``w:val="en-US"``, the
Arabic ``w:bidi`` / ``w:eastAsia`` tags dropped); a run's bold, italic and size given for Arabic only
(``w:bCs``, ``w:iCs``, ``w:szCs``) are given for English too, so a bold run stays bold.

A macro-enabled .docm is written as a .docx without its macros (the user is told). An encrypted file
(an OLE2 container under a .docx name), a damaged one and one over the size limits of a Word file
(``summarizer.inputs.documents``: unpacked size, XML size, elements) are refused before any work.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import DOCUMENT_DAMAGED, DOCUMENT_ENCRYPTED, DOCUMENT_TOO_BIG, DocumentRefused
from ..inputs import documents
from .base import DocumentNote, Draft, Slot, Unit, check_pieces, max_pieces, register_writer
from .layout import arabic_letters

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = "http://www.w3.org/XML/1998/namespace"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted Word file, or an old .doc
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOCX_MAIN = _WML + "document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
# The parts whose paragraphs are shown: translated, and scanned for what was left.
TEXT_TYPES = {DOCX_MAIN: "body", DOCM_MAIN: "body", _WML + "header+xml": "header", _WML + "footer+xml": "footer",
              _WML + "footnotes+xml": "footnotes", _WML + "endnotes+xml": "endnotes"}
# The parts whose direction is flipped as well (a paragraph style's w:bidi makes its paragraphs RTL).
STYLE_TYPES = (_WML + "styles+xml", _WML + "numbering+xml")
_VBA_TYPES = ("application/vnd.ms-office.vbaProject", "application/vnd.ms-word.vbaData+xml")
_VBA_RELATION = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
# Complex-script formatting -> the plain one it stands for, for English text.
_CS_TWINS = (("bCs", "b"), ("iCs", "i"), ("szCs", "sz"))
MAX_ENTRIES = 10_000  # files in a Word package: a document of a thousand pictures has about a thousand
_DROPPED = ("bidi", "bidiVisual", "rtl", "cs", "rtlGutter")  # direction elements (not w:lang's attribute)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


# -- the package -----------------------------------------------------------------------------------
class _Package:
    """A Word package read: its zip entries, the content type of each part, and the parsed parts."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        if data[:8] == OLE2_MAGIC:
            raise DocumentRefused(
                f"{name} is encrypted or password-protected (Word keeps such a file in a sealed container): open "
                "it in Word, remove the password (File > Info > Protect Document > Encrypt with Password), save "
                "it, and translate that copy.", code=DOCUMENT_ENCRYPTED)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zip.infolist()
            _check_unpacked(self.infos, name)
            self.xml_bytes = self.elements = 0  # of the parts parsed so far, held to the limits (``parse``)
            self.types = self._content_types()
        except DocumentRefused:
            raise
        except Exception:  # BadZipFile, a bad CRC, lxml's syntax errors: all "not a Word file"
            raise DocumentRefused(f"{name} is not a Word .docx file, or a damaged one.", code=DOCUMENT_DAMAGED) from None
        if not any(t in (DOCX_MAIN, DOCM_MAIN) for t in self.types.values()):
            raise DocumentRefused(f"{name} is not a Word document (its package has no document part).",
                                  code=DOCUMENT_DAMAGED)
        self.trees: dict[str, object] = {}
        self.replaced: dict[str, bytes] = {}
        self.dropped: set[str] = set()

    def _content_types(self) -> dict[str, str]:
        """Part name (as in the zip, no leading slash) -> its content type."""
        root = self.parse("[Content_Types].xml")
        defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{{{_CT}}}Default")}
        types = {info.filename: defaults.get(info.filename.rsplit(".", 1)[-1].lower(), "") for info in self.infos}
        for override in root.iter(f"{{{_CT}}}Override"):
            types[override.get("PartName", "").lstrip("/")] = override.get("ContentType", "")
        return types

    def parts(self, types) -> list[str]:
        return [info.filename for info in self.infos if self.types.get(info.filename) in types]

    def tree(self, part: str):
        if part not in self.trees:
            try:
                self.trees[part] = self.parse(part)
            except DocumentRefused:
                raise
            except Exception:
                raise DocumentRefused(f"{self.name} is damaged (its part {part} cannot be read).",
                                      code=DOCUMENT_DAMAGED) from None
        return self.trees[part]

    def parse(self, part: str):
        """The part's XML tree. Every part parsed comes here, whatever its name: the XML and elements of all
        of them together are held to the Word reader's limits (``_check_part``) before it is parsed, and a
        part that declares a DTD (entities: a billion laughs, an external file) is refused, as OOXML has none."""
        from lxml import etree

        info = self.zip.getinfo(part)
        self.xml_bytes, self.elements = _check_part(self.zip, info, self.name, self.xml_bytes, self.elements)
        root = etree.fromstring(self.zip.read(info), _parser())
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise DocumentRefused(f"{self.name} is not a Word file as Word writes them: its part {part} declares a "
                                  "DTD (entities), which Word files never hold.", code=DOCUMENT_DAMAGED)
        return root

    def write(self, stream: BinaryIO) -> None:
        """Every entry as it was (same order, same compression), but the parts changed or dropped."""
        from lxml import etree

        changed = {part: etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
                   for part, tree in self.trees.items()}
        changed.update(self.replaced)
        with zipfile.ZipFile(stream, "w") as out:
            for info in self.infos:
                if info.filename not in self.dropped:
                    out.writestr(info, changed.get(info.filename) or self.zip.read(info))


def _check_unpacked(infos: list[zipfile.ZipInfo], name: str) -> None:
    """The unpacked size of the whole package (the Word reader's limit, ``summarizer.inputs.documents``), and
    its number of entries (each is copied into the English file and read back)."""
    if len(infos) > MAX_ENTRIES:
        raise DocumentRefused(f"{name} is too complex: {len(infos):,} files in its package (at most {MAX_ENTRIES:,}).",
                              code=DOCUMENT_TOO_BIG)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > documents.MAX_UNPACKED_BYTES:
        raise DocumentRefused(f"{name} is too big once unpacked ({unpacked:,} bytes; at most "
                              f"{documents.MAX_UNPACKED_BYTES:,}).", code=DOCUMENT_TOO_BIG)


def _check_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, xml_bytes: int,
                elements: int) -> tuple[int, int]:
    """The XML bytes and elements of the parts parsed so far and ``info``'s, checked before it is parsed
    (its elements counted without being kept): at most ``MAX_DOCX_XML_BYTES`` and ``max_pieces()`` in all."""
    xml_bytes += info.file_size
    if xml_bytes > documents.MAX_DOCX_XML_BYTES:
        raise DocumentRefused(f"{name} holds too much text once unpacked (more than "
                              f"{documents.MAX_DOCX_XML_BYTES:,} bytes of XML in the parts it translates).",
                              code=DOCUMENT_TOO_BIG)
    with package.open(info) as stream:
        elements += documents._count_elements(stream, max_pieces() - elements + 1)
    check_pieces(elements, name, f"elements in the parts it translates ({info.filename})")
    return xml_bytes, elements


# -- paragraphs and their text ---------------------------------------------------------------------
def _paragraph_of(element):
    parent = element.getparent()
    while parent is not None and parent.tag != w("p"):
        parent = parent.getparent()
    return parent


def _paragraph_texts(paragraph) -> list:
    """The paragraph's own ``w:t`` elements (in runs, hyperlinks, fields' results), not those of a text box
    or a footnote's paragraphs nested in it."""
    return [t for t in paragraph.iter(w("t")) if t.getparent().tag == w("r") and _paragraph_of(t) is paragraph]


def _text_slot(element) -> Slot:
    def put(text: str) -> None:
        element.text = text
        element.set(f"{{{_XML}}}space", "preserve")

    return Slot(element.text or "", put)


def units_of(package_trees: Iterator[tuple[str, str, object]]) -> list[Unit]:
    """One unit per paragraph of each text part, named "body paragraph 3", "header1 paragraph 1"..."""
    units = []
    for part, role, tree in package_trees:
        label = role if role == "body" else part.rsplit("/", 1)[-1].removesuffix(".xml")
        for n, paragraph in enumerate(tree.iter(w("p")), 1):
            slots = [_text_slot(t) for t in _paragraph_texts(paragraph)]
            if slots:
                units.append(Unit(f"{label} paragraph {n}", slots))
    return units


# -- direction -------------------------------------------------------------------------------------
def left_to_right(tree) -> None:
    """Flip a part's right-to-left settings to left-to-right (module docstring)."""
    for ppr in list(tree.iter(w("pPr"))):
        _unalign(ppr)
    for tag in _DROPPED:
        for element in list(tree.iter(w(tag))):
            element.getparent().remove(element)
    for rpr in tree.iter(w("rPr")):
        _plain_formatting(rpr)
    for lang in tree.iter(w("lang")):
        lang.set(w("val"), "en-US")
        for attribute in ("bidi", "eastAsia"):
            if lang.get(w(attribute), "").lower().startswith("ar"):
                del lang.attrib[w(attribute)]
        if w("bidi") in lang.attrib:
            del lang.attrib[w("bidi")]


def _unalign(ppr) -> None:
    """Remove a right alignment that came from the direction: the paragraph (or style) was right to left, or
    its text is Arabic."""
    jc = ppr.find(w("jc"))
    if jc is None or jc.get(w("val")) != "right":
        return
    paragraph = ppr.getparent()
    arabic = paragraph.tag == w("p") and arabic_letters("".join(t.text or "" for t in _paragraph_texts(paragraph)))
    if ppr.find(w("bidi")) is not None or arabic:
        ppr.remove(jc)


def _plain_formatting(rpr) -> None:
    """Give English the bold, italic and size given to Arabic only (``w:bCs`` without ``w:b``...)."""
    import copy

    for complex_tag, plain_tag in _CS_TWINS:
        complex_ = rpr.find(w(complex_tag))
        if complex_ is not None and rpr.find(w(plain_tag)) is None:
            twin = copy.deepcopy(complex_)
            twin.tag = w(plain_tag)
            complex_.addprevious(twin)  # the schema's order: b before bCs, i before iCs, sz before szCs


# -- macros ----------------------------------------------------------------------------------------
def drop_macros(package: _Package) -> bool:
    """Make a macro-enabled package a plain .docx: its VBA parts, their relationships and content types
    removed, its main part typed as a document's. True when there were macros."""
    from lxml import etree

    main = next((p for p, t in package.types.items() if t == DOCM_MAIN), None)
    if main is None:
        return False
    package.dropped |= {p for p, t in package.types.items() if t in _VBA_TYPES}
    package.dropped |= {f"{p.rsplit('/', 1)[0]}/_rels/{p.rsplit('/', 1)[1]}.rels" for p in set(package.dropped)}
    rels_part = f"{main.rsplit('/', 1)[0]}/_rels/{main.rsplit('/', 1)[1]}.rels"
    if rels_part in package.types:
        rels = package.tree(rels_part)
        for relation in list(rels.iter(f"{{{_RELS}}}Relationship")):
            if relation.get("Type") == _VBA_RELATION:
                rels.remove(relation)
    types = package.parse("[Content_Types].xml")
    for entry in list(types):
        if entry.get("ContentType") in _VBA_TYPES:
            types.remove(entry)
        elif entry.get("ContentType") == DOCM_MAIN:
            entry.set("ContentType", DOCX_MAIN)
    package.replaced["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                             standalone=True)
    return True


# -- the writer ------------------------------------------------------------------------------------
def _text_parts(package: _Package) -> Iterator[tuple[str, str, object]]:
    for part in package.parts(TEXT_TYPES):
        yield part, TEXT_TYPES[package.types[part]], package.tree(part)


def scan(data: bytes) -> list[Unit]:
    """A written Word file read back into its paragraphs (for what was left in Arabic)."""
    return units_of(_text_parts(_Package(data, "the written file")))


@register_writer(suffixes=(".docx", ".docm"), kind="docx", label="Word file", outputs=(".docx",), scan=scan)
def open_docx(data: bytes, name: str, out_suffix: str) -> Draft:
    package = _Package(data, name)
    notes = []
    if drop_macros(package):
        notes.append(DocumentNote("macros-dropped", f"{name} holds macros: the English document is a .docx "
                                                    "without them (Word runs no macros from a .docx)."))
    parts = list(_text_parts(package))
    units = units_of(iter(parts))  # read before the direction changes: it looks at the Arabic text
    for part in [p for p, _, _ in parts] + package.parts(STYLE_TYPES):
        left_to_right(package.tree(part))
    return Draft(units, package.write, notes)
