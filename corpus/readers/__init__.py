"""Report readers by file type. Each turns one file into a ``ParsedFile``.

``READERS`` are the types read; ``REFUSED`` are types recognised only to say how to convert
them (an old Word .doc is common), so they are reported by name instead of skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..chunking import DEFAULT_TOKEN_BUDGET
from ..errors import ReportError
from ..model import ParsedFile
from .pdf import read_pdf_file
from .text import read_text_file
from .word import CONVERT_DOC, read_docx_file

Reader = Callable[[Path, str, str, int], ParsedFile]  # (path, source_file, doc_id, budget)


def read_doc_file(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    """An old binary Word .doc is refused with how to convert it (a .docx named .doc is read)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ReportError(source_file, f"cannot read file: {exc.strerror or exc}") from exc
    if head.startswith(b"PK\x03\x04"):
        return read_docx_file(path, source_file, doc_id, budget)
    raise ReportError(
        source_file,
        f"old Word .doc format, which is not read: {CONVERT_DOC} and index the .docx "
        f"(accepted: {', '.join(SUPPORTED_SUFFIXES)})",
    )


READERS: dict[str, Reader] = {
    ".docx": read_docx_file,
    ".pdf": read_pdf_file,
    ".txt": read_text_file,
}
SUPPORTED_SUFFIXES = tuple(sorted(READERS))
REFUSED: dict[str, Reader] = {".doc": read_doc_file}
RECOGNISED_SUFFIXES = tuple(sorted([*READERS, *REFUSED]))


def read_report(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    suffix = path.suffix.lower()
    reader = READERS.get(suffix) or REFUSED.get(suffix)
    if reader is None:
        accepted = ", ".join(SUPPORTED_SUFFIXES)
        raise ReportError(
            source_file, f"unsupported file type {path.suffix or '(none)'!r} (accepted: {accepted})"
        )
    return reader(path, source_file, doc_id, budget)
