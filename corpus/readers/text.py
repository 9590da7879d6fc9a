"""The .txt reader: Word and PDF exports saved as plain text."""

from __future__ import annotations

from pathlib import Path

from ..chunking import DEFAULT_TOKEN_BUDGET
from ..lines import split_lines
from ..model import ParsedFile
from ..structure import FileInfo, build_file
from ..text_report import read_text_report
from .decode import Decoded, read_report_file


def read_text_file(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    return parse_text(read_report_file(path, source_file), source_file, doc_id, budget)


def parse_text(
    decoded: Decoded, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    info = FileInfo(
        source_file,
        decoded.sha256,
        decoded.encoding,
        doc_id,
        [line.start for line in split_lines(decoded.text)],
    )
    return build_file(read_text_report(decoded.text), decoded.text, info, budget)
