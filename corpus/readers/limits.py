"""Size caps on input files, so that one absurd file (a zip bomb named .docx, a 100 MB text
dump, a PDF of a million pages) is refused by name instead of taking the machine's memory
and hours of CPU.

The defaults are about ten times the largest real report (README, "Size limits"): a
500-page document (a Văn kiện Đại hội volume, a five-year provincial plan with appendices)
holds about 1.5 million characters (≈ 2 MB of UTF-8 text), ≈ 6 MB of Word XML and 500 PDF
pages. Each cap can be raised with an environment variable (``SETTINGS``) read by
``baocao index`` / ``baocao inspect`` at each file; ``configure`` sets them in a process.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import ReportError

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    text_mb: float = 20.0  # a .txt file, and the text extracted from a .docx or .pdf
    docx_part_mb: float = 64.0  # one part of a .docx (document.xml, an image), uncompressed
    docx_total_mb: float = 512.0  # all parts of a .docx together, uncompressed
    pdf_pages: int = 5000
    pdf_page_mb: float = 16.0  # the drawing instructions of one PDF page, uncompressed
    file_mb: float = 1000.0  # a .docx or .pdf file itself


# field -> the environment variable that sets it (in megabytes, or pages)
SETTINGS = {
    "text_mb": "BAOCAO_MAX_TEXT_MB",
    "docx_part_mb": "BAOCAO_MAX_DOCX_PART_MB",
    "docx_total_mb": "BAOCAO_MAX_DOCX_TOTAL_MB",
    "pdf_pages": "BAOCAO_MAX_PDF_PAGES",
    "pdf_page_mb": "BAOCAO_MAX_PDF_PAGE_MB",
    "file_mb": "BAOCAO_MAX_FILE_MB",
}
_configured: dict[str, float] = {}


def configure(**caps: float | None) -> None:
    """Set caps for this process (``None`` leaves a cap to the environment or default)."""
    for name, value in caps.items():
        if name not in SETTINGS:
            raise ValueError(f"unknown size limit {name!r} (accepted: {', '.join(SETTINGS)})")
        if value is not None:
            _configured[name] = _positive(value, name)


def current() -> Limits:
    """The caps in force: ``configure``d, else the environment, else the defaults."""
    changes: dict[str, Any] = {}
    for field in fields(Limits):
        env = SETTINGS[field.name]
        if field.name in _configured:
            changes[field.name] = _configured[field.name]
        elif os.environ.get(env, "").strip():
            changes[field.name] = _positive(os.environ[env], env)
    return replace(Limits(), **changes)


def _positive(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0:
        raise ValueError(f"{name}: {value!r} is not a positive number")
    return number


def refuse(source_file: str, what: str, size: str | None, field: str, limit: str) -> ReportError:
    """The error for a file over a cap: what, how big (None: not measured past the cap),
    the cap, and how to raise it."""
    how_big = f"is {size}, over" if size else "is over"
    return ReportError(
        source_file,
        f"{what} {how_big} the limit of {limit} for one report; if this really is one "
        f"report, raise the limit: {SETTINGS[field]}=<{_unit(field)}> baocao index …",
    )


def _unit(field: str) -> str:
    return "pages" if field == "pdf_pages" else "megabytes"


def mb(size: float) -> str:
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size / MB:,.0f} MB"


def check_text(text: str, source_file: str, kind: str) -> None:
    """The text extracted from a .docx or .pdf, within the text cap."""
    cap = current().text_mb * MB
    if len(text) > cap / 4 and len(text.encode("utf-8")) > cap:
        size = mb(len(text.encode("utf-8")))
        raise refuse(source_file, f"the text of this .{kind}", size, "text_mb", mb(cap))


def bounded_inflate(data: bytes, cap: int) -> int:
    """Uncompressed size of zlib data, counting at most ``cap + 1`` bytes (never more in
    memory than one chunk): a stream that claims to be small cannot inflate unseen."""
    inflater = zlib.decompressobj()
    size, chunk = 0, 1 << 20
    pending = data
    while pending and size <= cap:
        size += len(inflater.decompress(pending, chunk))
        pending = inflater.unconsumed_tail
    if size <= cap:
        size += len(inflater.flush())
    return size
