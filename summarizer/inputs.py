"""Checks on what a user hands in, each failing with a message that says what is wrong."""

from __future__ import annotations

from pathlib import Path

from .arabic import arabic_share
from .errors import InputError
from .options import DEFAULT_MAX_CHARS

MIN_ARABIC_SHARE = 0.5


def check_text(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Reject what no stage can handle, before any work is done."""
    if not isinstance(text, str):
        raise InputError(f"The article must be text, not {type(text).__name__}.")
    if not text.strip():
        raise InputError("The article is empty: paste or load an Arabic news article.")
    if len(text) > max_chars:
        raise InputError(
            f"The article has {len(text):,} characters, over the limit of {max_chars:,}. "
            "Split it, or raise the limit (max_chars= / --max-chars)."
        )
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


def read_text_file(path: str | Path) -> str:
    """Read a UTF-8 text file (a BOM is allowed); other encodings are named in the error."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file.") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a folder, not a text file.") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at position {exc.start}). "
            "Convert it first, e.g. `iconv -f WINDOWS-1256 -t UTF-8`."
        ) from None
