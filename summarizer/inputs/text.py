"""Checks on what a user hands in, each failing with a message that says what is wrong."""

from __future__ import annotations

from pathlib import Path

from ..arabic import arabic_share
from ..choices import DEFAULT_MAX_CHARS
from ..errors import ArticleTooLong, InputError

MIN_ARABIC_SHARE = 0.5


def check_text(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Reject what no stage can handle, before any work is done."""
    if not isinstance(text, str):
        raise InputError(f"The article must be text, not {type(text).__name__}.")
    if not text.strip():
        raise InputError("The article is empty: paste or load an Arabic news article.")
    if len(text) > max_chars:
        raise ArticleTooLong(len(text), max_chars)
    return text


def check_arabic(text: str, *, min_share: float = MIN_ARABIC_SHARE) -> float:
    """The models are Arabic-to-English: a mostly non-Arabic text would give nonsense."""
    share = arabic_share(text)
    if share < min_share:
        raise InputError(
            f"The text does not look Arabic: {share:.0%} of its letters are Arabic "
            f"(at least {min_share:.0%} needed)."
        )
    return share


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def read_text_file(path: str | Path, *, name: str | None = None) -> str:
    """Read a UTF-8 text file (a BOM is allowed); other encodings are named in the error.

    ``name``: how the errors name the file (an upload's own name, not its temporary path)."""
    p = Path(path)
    shown = name or str(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file.") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a folder, not a text file.") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot be read ({exc.strerror}).") from None
    return decode_utf8(data, shown)


def decode_utf8(data: bytes, name: str) -> str:
    """``data`` as UTF-8 (a BOM is allowed), or an ``InputError`` that says what it probably is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: is not UTF-8 text ({_what_it_is(data, exc)}).") from None


def _what_it_is(data: bytes, exc: UnicodeDecodeError) -> str:
    """A guess at the encoding, with the command that converts it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return (f"it starts with a {encoding} byte-order mark: it is {encoding} text. "
                    f"Convert it first, e.g. `iconv -f {encoding} -t UTF-8`")
    where = f"invalid byte 0x{data[exc.start]:02x} at position {exc.start}"
    if data.count(b"\x00") > len(data) // 4:
        return f"{where}; many zero bytes: probably UTF-16 without a byte-order mark. Convert it first, " \
               "e.g. `iconv -f UTF-16LE -t UTF-8`"
    high = [b for b in data if b >= 0x80]
    # Windows-1256 puts Arabic letters at 0xC1-0xFE; Latin-1 / Windows-1252 puts accented Latin letters
    # there too, so look at what the bytes become in Windows-1256: mostly Arabic letters means Arabic.
    arabic = sum(1 for ch in data.decode("cp1256", errors="replace") if "\u0600" <= ch <= "\u06ff")
    if high and arabic >= 0.6 * len(high):
        guess, source = "probably Windows-1256 (Arabic)", "WINDOWS-1256"
    else:
        guess, source = "probably Latin-1 / Windows-1252 (Western European)", "WINDOWS-1252"
    return f"{where}; {guess}. Convert it first, e.g. `iconv -f {source} -t UTF-8`"
