"""Report readers by file type. Each turns one file into a ``ParsedFile``; .docx and .pdf
readers slot in here by adding an entry to ``READERS``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..chunking import DEFAULT_TOKEN_BUDGET
from ..errors import ReportError
from ..model import ParsedFile
from .text import read_text_file

Reader = Callable[[Path, str, str, int], ParsedFile]  # (path, source_file, doc_id, budget)

READERS: dict[str, Reader] = {".txt": read_text_file}
SUPPORTED_SUFFIXES = tuple(sorted(READERS))


def read_report(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        accepted = ", ".join(SUPPORTED_SUFFIXES)
        raise ReportError(
            source_file, f"unsupported file type {path.suffix or '(none)'!r} (accepted: {accepted})"
        )
    return reader(path, source_file, doc_id, budget)
