"""The .txt reader: Word and PDF exports saved as plain text."""

from __future__ import annotations

from pathlib import Path

from ..chunking import DEFAULT_TOKEN_BUDGET
from ..lines import split_lines
from ..model import ParsedFile
from ..structure import FileInfo, build_document
from ..text_report import read_text_report
from .decode import Decoded, read_report_file


def read_text_file(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    return parse_text(read_report_file(path, source_file), source_file, doc_id, budget)


def parse_text(
    decoded: Decoded, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    raw = read_text_report(decoded.text)
    info = FileInfo(
        source_file,
        decoded.sha256,
        decoded.encoding,
        doc_id,
        [line.start for line in split_lines(decoded.text)],
    )
    several = len(raw.documents) > 1
    documents, spans = [], []
    for k, raw_doc in enumerate(raw.documents, start=1):
        parsed, doc_spans = build_document(
            raw_doc, f"{doc_id}~{k}" if several else doc_id, info, budget
        )
        documents.append(parsed)
        spans += doc_spans
    return ParsedFile(
        source_file=source_file, sha256=decoded.sha256, encoding=decoded.encoding,
        text=decoded.text, documents=tuple(documents),
        spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))), notes=tuple(raw.notes),
    )  # fmt: skip
