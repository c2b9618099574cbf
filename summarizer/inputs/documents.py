"""Articles from elsewhere than a text box: a web address, a saved web page, a Word or a PDF file.

``read_url(address)`` fetches a web address, ``read_file(path)`` reads a file; each returns a
``Document`` (the article's text, its title and date when they are known, and what kind of source it was).
``read_document(source)`` takes either, for the command line, whose user may read their own files;
the web app calls ``read_url`` for addresses and reads files only through an upload. The reading is done by
well-kept libraries, never by hand-written parsers: trafilatura finds the article in a web page
(and drops menus, related links, footers), python-docx reads ``.docx``, pypdf reads ``.pdf``.

Every failure is an ``InputError`` whose message says what is wrong in words a user understands:
an address that cannot be reached, a page with no article, a scanned PDF with no text, a file
that is too big, or too costly to parse: every reader but the plain-text one parses in a worker
process with limits of its own (``summarizer.inputs.cage``), so that no file costs the reading process
its memory. A web address on a private or local network is refused unless the caller allows
it (the web app serves other people, so it does not fetch its own network for them; the command
line runs for its user and does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .cage import Cage, target_of
from .fetch import check_address, fetch, reason
from .text import decode_utf8

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a news page or a report; a bigger file is not one article
FETCH_TIMEOUT_S = 20.0  # per network operation
FETCH_DEADLINE_S = 30.0  # for a whole fetch, redirects included: a server sending a byte at a time holds no one
USER_AGENT = "arabic-news-summarizer/0.1 (reads one article for a summary)"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIN_ARTICLE_CHARS = 150  # less than a two-sentence news brief is not an article
MIN_LONGEST_PARAGRAPH_WORDS = 8  # a list of headlines or menu items has no sentence this long
# Every reader but the plain-text one parses in the cage (summarizer/inputs/cage.py): a file made to exhaust a
# parser (in any part of a Word file, in any stream of a PDF, anywhere in a page) costs a worker process
# its memory and time, within limits, and ends as an InputError coded "document-too-costly"; the reading
# process keeps its memory. Off only for a test that replaces a reader's insides, which a worker never sees.
READ_IN_CAGE = True


@dataclass(frozen=True)
class Document:
    """What was read: the article's text, its title and date ("" when unknown), and where it came from."""

    text: str
    title: str = ""
    source_kind: str = "text"  # "url", or the kind of the reader that read it (see READERS)
    source: str = ""  # the URL, or the file's name
    # YYYY-MM-DD: a web page's own metadata, a Word file's or a PDF's creation date ("" when unknown)
    date: str = ""

    @property
    def label(self) -> str:
        """How to name it to a user: the title when there is one, else the file name or address."""
        return self.title or self.source

    @property
    def kind_label(self) -> str:
        """What it was, in words ("the Word file", "the article at"), for a sentence that names it."""
        return READERS[self.source_kind].describe if self.source_kind in READERS else _KIND_LABELS[self.source_kind]


# -- the registry of file readers ------------------------------------------------------------
@dataclass(frozen=True)
class Reader:
    """How one kind of file is read: by its name's suffix (or, at a web address, its MIME type).

    ``read(data, name)`` turns the file's bytes into a ``Document`` (or its text) and raises an
    ``InputError`` naming ``name`` for what it cannot read; the size limit is checked before it is
    called. ``describe`` names the kind in a sentence ("the Word file"). ``plain``: the file is plain
    UTF-8 text, which needs no reader beyond a text read (``is_document_path`` is false for it).
    Every other reader runs in the cage (``READ_IN_CAGE``), if a worker process can find it by its
    name: define a reader at a module's top level (one defined inside a function runs here).
    """

    kind: str
    suffixes: tuple[str, ...]
    mime: tuple[str, ...]
    describe: str
    read: Callable[[bytes, str], Document | str]
    plain: bool = False


READERS: dict[str, Reader] = {}  # kind -> its reader, in the order they were registered
_KIND_LABELS = {"url": "the article at"}  # kinds that no file reader makes


def register_reader(*, suffixes: tuple[str, ...], mime: tuple[str, ...] = (), kind: str, label: str,
                    plain: bool = False):
    """Register the decorated ``read(data: bytes, name: str) -> Document | str`` for files named ``*suffix``.

    Every surface then reads that kind: ``read_file`` (the page's upload), ``read_document`` and
    ``summarizer run FILE``, and both batches' folder inputs. A suffix or kind registered again is
    taken over by the newer reader.
    """
    suffixes = tuple(s.lower() for s in suffixes)

    def add(read: Callable[[bytes, str], Document | str]):
        for other in list(READERS.values()):
            if other.kind != kind and set(other.suffixes) & set(suffixes):
                READERS[other.kind] = Reader(other.kind, tuple(s for s in other.suffixes if s not in suffixes),
                                             other.mime, other.describe, other.read, other.plain)
        READERS[kind] = Reader(kind, suffixes, tuple(mime), label, read, plain)
        return read

    return add


def unregister_reader(kind: str) -> None:
    """Remove a reader (a test's, or one a plug-in replaces)."""
    READERS.pop(kind, None)


def document_suffixes() -> tuple[str, ...]:
    """Every suffix a reader is registered for, in registration order (what ``read_file`` reads)."""
    return tuple(suffix for reader in READERS.values() for suffix in reader.suffixes)


def reader_for(name: str | Path) -> Reader | None:
    """The reader of a file called ``name`` (by its suffix, in any case), or None."""
    suffix = Path(str(name)).suffix.lower()
    return next((r for r in READERS.values() if suffix and suffix in r.suffixes), None)


def __getattr__(name: str):
    if name == "DOCUMENT_SUFFIXES":  # derived from the registry each time: a reader added later counts
        return document_suffixes()
    if name == "SOURCE_KINDS":
        return ("text", "url", *(kind for kind in READERS if kind != "text"))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_url(source: object) -> bool:
    """True for an ``http://`` or ``https://`` address (what ``read_document`` fetches)."""
    if not isinstance(source, str):
        return False
    text = source.strip()
    return text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text)


def is_document_path(name: str | Path) -> bool:
    """A file that needs more than a UTF-8 read: a web page, a Word or a PDF file, any registered kind."""
    reader = reader_for(name)
    return reader is not None and not reader.plain


def read_document(
    source: str | Path,
    *,
    allow_private: bool = True,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    timeout: float = FETCH_TIMEOUT_S,
) -> Document:
    """A URL or a file (``.txt``, ``.html``, ``.docx``, ``.pdf``, any registered kind) -> its article.

    For a caller that may read this machine's files (the command line, run by its user): anything
    that is not an address is read as a file. A service for other people calls ``read_url`` for
    addresses and ``read_file`` only for what was uploaded to it.

    ``allow_private=False`` refuses addresses on loopback, private and link-local networks (also
    after a redirect).
    """
    if is_url(source):
        return read_url(str(source).strip(), allow_private=allow_private, max_bytes=max_bytes, timeout=timeout)
    if isinstance(source, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source.strip()):
        check_address(source.strip(), allow_private)  # ftp://, file://...: says which schemes are fetched
    return read_file(source, max_bytes=max_bytes)


# -- files -----------------------------------------------------------------------------------
def read_file(path: str | Path, *, max_bytes: int = MAX_DOCUMENT_BYTES, name: str | None = None) -> Document:
    """Read a file by its suffix, through its reader (``READERS``); ``name`` is how messages call it
    (an upload's own name). Its size is checked before a byte is read."""
    p = Path(path)
    shown = name or p.name
    reader = reader_for(shown) or reader_for(p)
    if reader is None:
        suffix = Path(shown).suffix.lower() or p.suffix.lower()
        raise InputError(
            f"{shown}: cannot read {suffix or 'a file without an extension'}; "
            f"give a {', '.join(document_suffixes())} file or a web address."
        )
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file.") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror}).") from None
    if size > max_bytes:
        raise InputError(f"{shown} is too big ({_size(size)}; at most {_size(max_bytes)}).")
    if p.is_dir():
        raise InputError(f"{shown}: is a folder, not a file.")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror}).") from None
    return read_bytes(data, shown, reader)


def read_bytes(data: bytes, name: str, reader: Reader | None = None) -> Document:
    """A file's bytes (already read, within the size limit) -> its ``Document``, through the reader of
    ``name``'s suffix (or ``reader``)."""
    reader = reader or reader_for(name)
    if reader is None:
        raise InputError(f"{name}: cannot read {Path(name).suffix.lower() or 'a file without an extension'}; "
                         f"give a {', '.join(document_suffixes())} file or a web address.")
    read = reader.read(data, name) if reader.plain else _parse(reader.read, name, (data, name))
    return read if isinstance(read, Document) else Document(read, "", reader.kind, name)


# A deliberate cache: warm worker processes with the readers' libraries imported, reused document after
# document (starting one costs more than reading a page).
_CAGE = Cage(preload=("summarizer.inputs.documents", "trafilatura", "trafilatura.utils", "docx", "pypdf"))


def _parse(read: Callable[..., Document | str], name: str, args: tuple, kwargs: dict | None = None
           ) -> Document | str:
    """``read(*args, **kwargs)`` for the file (or address) ``name``: in the cage, unless ``READ_IN_CAGE``
    is off or ``read`` cannot be found by name in a worker (then here, as it is)."""
    if not READ_IN_CAGE or target_of(read) is None:
        return read(*args, **(kwargs or {}))
    value = _CAGE.run(read, args, kwargs, name=name)
    if isinstance(value, dict):  # a Document, as the dict of its fields
        return Document(**{f.name: str(value.get(f.name, "")) for f in dataclasses.fields(Document)})
    return str(value)


# -- web addresses ---------------------------------------------------------------------------
def read_url(url: str, *, allow_private: bool = True, max_bytes: int = MAX_DOCUMENT_BYTES,
             timeout: float = FETCH_TIMEOUT_S, deadline: float = FETCH_DEADLINE_S) -> Document:
    """Fetch a web page (or a PDF / Word file at an address) and return its article.

    Only ``http://`` and ``https://`` addresses: anything else (a file path, ``file://``) is refused
    with the same message whatever it names, so that this never reads, nor tells apart, the files of
    the machine it runs on. ``timeout`` is per network operation, ``deadline`` for the whole fetch.
    """
    url = str(url).strip()
    fetched = fetch(url, allow_private=allow_private, max_bytes=max_bytes, timeout=timeout, deadline=deadline,
                    headers=_REQUEST_HEADERS, size_text=_size)
    data, content_type = fetched.data, fetched.content_type
    path = urllib.parse.urlparse(fetched.final_url).path.lower()
    readers = [r for r in READERS.values() if r.kind not in _URL_OWN_KINDS]  # a PDF, a Word file...
    reader = (next((r for r in readers if content_type in r.mime), None)  # by its type, else its address
              or next((r for r in readers if r.suffixes and path.endswith(r.suffixes)), None))
    if reader is not None:
        return _with_kind(read_bytes(data, url, reader), "url")
    if content_type == "text/plain":
        try:
            return Document(data.decode(fetched.charset or "utf-8-sig"), "", "url", url)
        except (UnicodeDecodeError, LookupError):
            raise InputError(f"{url} is a text file that is not UTF-8.") from None
    if content_type not in ("text/html", "application/xhtml+xml") and not data.lstrip()[:1] == b"<":
        raise InputError(f"{url} is not a web page, a PDF or a Word file (it is {content_type}).")
    return _parse(_html, url, (data, url), {"kind": "url", "url": fetched.final_url})


_URL_OWN_KINDS = ("text", "html")  # read_url reads these itself: a text's charset, a page's address

_REQUEST_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5",
    "Accept-Language": "ar,en;q=0.5",
}


# -- the built-in formats --------------------------------------------------------------------
@register_reader(suffixes=(".txt",), mime=("text/plain",), kind="text", label="the file", plain=True)
def _text(data: bytes, name: str) -> Document:
    return Document(decode_utf8(data, name), "", "text", name)


@register_reader(suffixes=HTML_SUFFIXES, mime=("text/html", "application/xhtml+xml"), kind="html",
                 label="the web page")
def _html_file(data: bytes, name: str) -> Document:
    return _html(data, name, kind="html")


def _html(data: bytes, name: str, *, kind: str, url: str | None = None) -> Document:
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        found = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
            # the date only from the page's own metadata (article:published_time and other meta tags,
            # JSON-LD's datePublished, <time datetime>, a fetched page's address): no guessing one from the
            # text, whose first try compiles dateparser's patterns for every language (4 s, in each new
            # worker of the cage)
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:  # lxml's and trafilatura's own errors on a broken page: one message, no traceback
        raise InputError(f"{name} could not be read as a web page (its HTML is broken).") from None
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    title = ((getattr(found, "title", None) or "") if found is not None else "").strip()
    date = _iso_date(getattr(found, "date", None) if found is not None else None)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and lines[0] == title:  # the headline: kept as the title, not as a sentence
        lines = lines[1:]
    text = "\n".join(lines)
    # A line that is the whole text of a link is a headline of another page, not this page's article:
    # a page of links (a section's index) is refused even when one of its headlines is long.
    links = _link_texts(data)
    if not _looks_like_an_article([line for line in lines if _squeezed(line) not in links]):
        raise InputError(
            f"No article found in {name}: the page holds no paragraph of running text (an index or a "
            "list of links, or a page that shows its text only with JavaScript). Copy the article's text "
            "and paste it instead."
        )
    return Document(text, title, kind, name, date)


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _link_texts(data: bytes) -> set[str]:
    """The text of every link of a page (whitespace squeezed); none when the page cannot be parsed."""
    from trafilatura.utils import load_html  # the page decoded as trafilatura decodes it

    try:
        tree = load_html(data)
    except Exception:  # trafilatura read it; a page it cannot parse again simply has no links here
        return set()
    if tree is None:
        return set()
    return {text for a in tree.iter("a") if (text := _squeezed(a.text_content()))}


def _looks_like_an_article(lines: list[str]) -> bool:
    return (sum(len(line) for line in lines) >= MIN_ARTICLE_CHARS
            and max((len(line.split()) for line in lines), default=0) >= MIN_LONGEST_PARAGRAPH_WORDS)


MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a .docx is a zip: its parts (photos too), unpacked, are read into memory
# The text part is parsed into a tree of Python-reachable nodes, some hundred bytes each: 190 MB of
# empty paragraphs took 4 GB. A long report has some tens of thousands of elements there.
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024
MAX_DOCX_ELEMENTS = 200_000  # at the limit: about 40 MB and 4 s for python-docx
_DOCX_BODY = "word/document.xml"


@register_reader(suffixes=(".docx",), mime=(DOCX_TYPE,), kind="docx", label="the Word file")
def _docx(data: bytes, name: str) -> Document:
    import docx

    _check_docx_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text.strip() for p in _docx_paragraphs(document)]
        title = (document.core_properties.title or "").strip()
        created = document.core_properties.created
    except Exception:  # PackageNotFoundError, BadZipFile, KeyError, lxml's errors: all "not a .docx"
        raise InputError(
            f"{name} is not a Word .docx file (or a damaged one). An old .doc file: open it in Word or "
            "LibreOffice and save it as .docx first."
        ) from None
    text = "\n".join(p for p in paragraphs if p)
    if not text:
        raise InputError(f"{name} holds no text.")
    return Document(text, title, "docx", name, _docx_date(created))


def _docx_date(created: object) -> str:
    """A Word file's creation date, unless it is python-docx's template's.

    python-docx makes a new file from a template of its own, whose creation date (2013-12-23 23:15 UTC)
    stays unless the script sets one: a file made that way carries it whatever it holds. That one value is
    dropped, and only it: Word and LibreOffice set the date when they create a file, and a script that sets
    it means it. The template's author ("python-docx") would not do instead: a script that sets the date
    often leaves the author as it is. The value is read from the installed template, not written here.
    """
    if created is None or created == _python_docx_template_created():
        return ""
    return _iso_date(created)


@functools.cache
def _python_docx_template_created() -> dt.datetime | None:
    """The creation date that python-docx's template gives every file made from it (read once a process)."""
    import docx

    try:
        return docx.Document().core_properties.created
    except Exception:  # a python-docx without its template: no file of it to recognise
        return None


def _check_docx_size(data: bytes, name: str) -> None:
    """Refuse, before python-docx builds its tree, a package whose text part would cost too much memory.

    The sizes in a zip's directory are the ones its reader holds to (it stops there), so they bound
    what is unpacked; the elements are counted by a streaming parse that keeps no tree.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(f"{name} is too big once unpacked ({_size(unpacked)}; at most "
                                 f"{_size(MAX_UNPACKED_BYTES)}).")
            body = next((info for info in infos if info.filename == _DOCX_BODY), None)
            if body is None:
                return  # not a Word package: python-docx says so
            if body.file_size > MAX_DOCX_XML_BYTES:
                raise InputError(f"{name} holds too much text once unpacked ({_size(body.file_size)} of XML; "
                                 f"at most {_size(MAX_DOCX_XML_BYTES)}).")
            with package.open(body) as stream:
                elements = _count_elements(stream, MAX_DOCX_ELEMENTS + 1)
    except InputError:
        raise
    except Exception:  # BadZipFile, a bad CRC, lxml's XMLSyntaxError...: python-docx's turn to say it
        return
    if elements > MAX_DOCX_ELEMENTS:
        raise InputError(f"{name} is too complex to read: more than {MAX_DOCX_ELEMENTS:,} elements in its text "
                         "(a document this size is not one article).")


def _count_elements(stream, stop: int) -> int:
    """Elements of an XML stream, counted without keeping them (at most ``stop``)."""
    from lxml import etree

    count = 0
    for _, element in etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True,
                                      huge_tree=False):
        count += 1
        if count >= stop:
            break
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    return count


def _docx_paragraphs(document):
    """Body paragraphs in reading order, with the paragraphs inside tables where they stand."""
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        else:
            yield block


@register_reader(suffixes=(".pdf",), mime=("application/pdf",), kind="pdf", label="the PDF")
def _pdf(data: bytes, name: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name} is password-protected: remove the password first.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
        date = _pdf_date(reader)
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"{name} is not a readable PDF ({reason(exc)}).") from None
    except Exception:  # any other parser failure on a damaged file: the same one message, no traceback
        raise InputError(f"{name} is not a readable PDF (it is damaged).") from None
    text = "\n".join(_pdf_line(line) for page in pages for line in page.splitlines() if line.strip())
    if sum(ch.isalpha() for ch in text) < 20:
        raise InputError(
            f"{name} has no text to read: it looks like a scanned PDF (pictures of pages). "
            "Run text recognition (OCR) on it first, or paste the article's text."
        )
    return Document(text, title, "pdf", name, date)


def _pdf_date(reader) -> str:
    """The PDF's creation date (its document information's /CreationDate, ``D:YYYYMMDDHHmmSS+HH'mm'``); ""
    when it has none or one that cannot be read: a broken date never makes the PDF unreadable."""
    try:
        info = reader.metadata
        created = info.creation_date if info is not None else None
        if created is None:
            return ""
        # pypdf's reading is lenient: "D:20241345" comes back as 2024-01-03 04:05. Only a date whose year,
        # month and day are the first eight digits written is the one its writer meant.
        if not str(info.creation_date_raw).strip().removeprefix("D:").startswith(created.strftime("%Y%m%d")):
            return ""
        return _iso_date(created)
    except Exception:  # pypdf's ValueError for a date it cannot parse; a /CreationDate that is not a text
        return ""


_LEADING_STOP = re.compile(r"^([.!?؟:،؛…]+)\s*(?=[\u0600-\u06FF])")


def _pdf_line(line: str) -> str:
    """One extracted line, its final stop put back at its end.

    A PDF stores an Arabic line's glyphs in visual order, where the full stop is the leftmost
    glyph; pypdf turns the letters back into reading order but leaves that stop at the start
    (``.قال الوزير``). No Arabic line starts with a stop, so moving it is safe.
    """
    line = line.strip()
    match = _LEADING_STOP.match(line)
    if match and _ARABIC.search(line):
        line = line[match.end():].rstrip() + match.group(1)
    return line


_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _with_kind(document: Document, kind: str) -> Document:
    return dataclasses.replace(document, source_kind=kind)


EARLIEST_DATE = dt.date(1995, 1, 1)  # htmldate's own earliest; before it, a writer's default (1970, 1601)


def _iso_date(value: object) -> str:
    """A date (a ``date``, a ``datetime``, or an ISO text as trafilatura gives it) as YYYY-MM-DD; "" for
    none, or for one no article has: before ``EARLIEST_DATE``, or after tomorrow (time zones apart)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return ""
    if not EARLIEST_DATE <= value <= dt.date.today() + dt.timedelta(days=1):
        return ""
    return value.isoformat()


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
