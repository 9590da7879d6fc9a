"""Turn the raw bytes of a plain-text report into text, refusing anything that is not text.

Accepted: UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM, UTF-16 without BOM (detected
from its NUL-byte pattern) and Windows-1258. Only the Windows-1258 result is NFC-normalised
(that code page spells tone marks as combining characters); every other result is returned
exactly as decoded, so offsets into it match the file.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass

from baocao.corpus.errors import ReportError
from baocao.corpus.readers.limits import MB, current, mb, refuse

ACCEPTED = "accepted: UTF-8, UTF-16 or Windows-1258 plain text"
EMPTY = "empty file: no text to index"
BINARY = f"binary file, not text ({ACCEPTED})"
UNDECODABLE = "not valid UTF-8, UTF-16 or Windows-1258 text"

# Non-text formats recognised by their first bytes: (magic, what it is, what to do).
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (
        b"%PDF",
        "PDF file",
        "PDF reports are not read from .txt; give the .pdf file its .pdf extension",
    ),
    (
        b"PK\x03\x04",
        "looks like a Word .docx/ZIP file",
        "Word documents are read from .docx files; give it its .docx extension",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "old Word .doc format",
        "convert it with `libreoffice --headless --convert-to docx FILE`",
    ),
    (b"\x89PNG\r\n\x1a\n", "image file", "PNG image; supply the report as text"),
    (b"\xff\xd8\xff", "image file", "JPEG image; supply the report as text"),
    (b"GIF87a", "image file", "GIF image; supply the report as text"),
    (b"GIF89a", "image file", "GIF image; supply the report as text"),
)

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_TEXT_CONTROLS = frozenset("\t\n\r\f")
_MAX_BAD_RATIO = 0.1  # "mostly printable" = at most this share of non-printable characters
_UTF16_MIN_NUL_RATIO = 0.5  # share of NULs in the high-byte positions of ASCII-heavy UTF-16
_UTF16_MAX_OTHER_NUL_RATIO = 0.05
# Letters and combining tone marks that only Vietnamese text produces under Windows-1258.
_VIETNAMESE = frozenset("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
_MIN_VIETNAMESE = 3


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name: "utf-8", "utf-8-sig", "utf-16", "utf-16-le", ...
    sha256: str  # hex digest of the raw bytes


def decode_report_bytes(data: bytes, source: str) -> Decoded:
    """Decode a report's bytes, or raise ReportError saying why it is not usable text."""
    if not data:
        raise ReportError(source, EMPTY)
    for magic, what, advice in _MAGIC:
        if data.startswith(magic):
            reason = f"{what}, not text ({ACCEPTED})"
            raise ReportError(source, f"{reason}: {advice}" if advice else reason)
    decoded = _decode(data)
    if decoded is None:
        raise ReportError(source, BINARY if _looks_binary(data) else UNDECODABLE)
    text, encoding = decoded
    if not text.strip():
        raise ReportError(source, EMPTY)
    return Decoded(text, encoding, hashlib.sha256(data).hexdigest())


def read_report_file(path: str | os.PathLike, source: str | None = None) -> Decoded:
    """Read and decode a report file; OS errors become ReportError naming the path."""
    name = str(path) if source is None else source
    cap = int(current().text_mb * MB)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(cap + 1) if size <= cap else b""  # bounded: a file may grow
    except OSError as exc:
        reason = f"cannot read file: {exc.strerror or exc}"
        if name != str(path):
            reason += f" ({os.fspath(path)})"
        raise ReportError(name, reason) from exc
    if size > cap or len(data) > cap:
        raise refuse(name, "this text file", mb(max(size, len(data))), "text_mb", mb(cap))
    return decode_report_bytes(data, name)


def _decode(data: bytes) -> tuple[str, str] | None:
    """(text, codec) for the first encoding that fits, or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _try(data, codec)
            return (text, codec) if text is not None and _is_plain(text) else None
    for codec in ("utf-8", _utf16_order(data)):
        text = _try(data, codec) if codec else None
        if codec and text is not None and _is_plain(text):
            return text, codec
    text = _try(data, "cp1258")
    if text is not None and _is_vietnamese(text):
        return unicodedata.normalize("NFC", text), "cp1258"
    return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _utf16_order(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where its NUL bytes fall (ASCII chars have a NUL high byte)."""
    if len(data) < 2 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0) / half, data[1::2].count(0) / half
    if odd >= _UTF16_MIN_NUL_RATIO and even <= _UTF16_MAX_OTHER_NUL_RATIO:
        return "utf-16-le"
    if even >= _UTF16_MIN_NUL_RATIO and odd <= _UTF16_MAX_OTHER_NUL_RATIO:
        return "utf-16-be"
    return None


def _is_bad_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return (category == "Cc" and ch not in _TEXT_CONTROLS) or category in ("Cn", "Cs")


def _is_plain(text: str) -> bool:
    """No NULs and mostly printable characters."""
    if "\x00" in text:
        return False
    bad = sum(1 for ch in text if _is_bad_char(ch))
    return bad <= _MAX_BAD_RATIO * len(text)


def _is_vietnamese(text: str) -> bool:
    """Windows-1258 decodes almost any bytes; accept it only for control-free Vietnamese."""
    if any(ch < " " and ch not in _TEXT_CONTROLS for ch in text):
        return False
    return sum(1 for ch in text if ch in _VIETNAMESE) >= _MIN_VIETNAMESE


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or too many C0 control bytes for any text encoding."""
    if b"\x00" in data:
        return True
    controls = sum(1 for b in data if (b < 0x20 and chr(b) not in _TEXT_CONTROLS) or b == 0x7F)
    return controls > _MAX_BAD_RATIO * len(data)
