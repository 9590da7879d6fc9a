"""Data types that flow out of the corpus room (frozen; serialisable to plain dicts).

Offsets (``char_start``/``char_end``/``spans``) index the *decoded* source text, before any
normalisation, so ``source_text[start:end]`` shows exactly what a passage came from; lines are
1-based and inclusive. For .docx and .pdf files the source text is the text the reader
extracted (``ParsedFile.text``: one paragraph a line), and PDF passages also carry pages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

PassageKind = Literal["body", "footnote", "caption"]
PASSAGE_KINDS: tuple[str, ...] = ("body", "footnote", "caption")


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    source_file: str
    sha256: str
    kind: str  # "báo cáo", "chuyên đề", "công văn", "bài báo", ... ("" when unknown)
    number: str | None = None  # "16-BC/TU" as written after "Số"
    place: str | None = None  # "Kon Tum"
    date: str | None = None  # ISO date "2020-11-11"
    issuer: str | None = None  # issuing body: "Tỉnh ủy Kon Tum"
    province: str | None = None  # the province a header line names ("ĐẢNG BỘ TỈNH BÌNH PHƯỚC")
    signatory: str | None = None  # signer or author: "Nguyễn Văn Hòa"
    signatory_title: str | None = None  # "Phó Bí thư", "Ủy viên Ban Thường vụ Tỉnh ủy; ..."
    years: tuple[int, ...] = ()  # years the document covers, ascending
    encoding: str = "utf-8"
    line_start: int = 1
    line_end: int = 1

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        return cls(**{**data, "years": tuple(data.get("years", ()))})


@dataclass(frozen=True)
class Section:
    section_id: str
    doc_id: str
    title: str  # "II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO"
    label: str  # numbering as written: "II", "1.1", "Phần thứ nhất", "Một là"
    level: int  # 1 = Phần, 2 = Roman, 3 = "1.", 4 = "1.1.", 5 = "1.1.1.", 7 = "a)"/"Một là"
    path: tuple[str, ...]  # titles from the top down to this section, inclusive
    line: int

    def to_dict(self) -> dict:
        return asdict(self)


def footnote_id(doc_id: str, number: int, repeat: int = 0) -> str:
    """The passage id of a document's footnote ``number`` (its ``repeat``-th further
    footnote of that number, when a report numbers two alike)."""
    return f"{doc_id}:fn{number}" if repeat == 0 else f"{doc_id}:fn{number}-{repeat + 1}"


@dataclass(frozen=True)
class Passage:
    passage_id: str  # "<doc_id>:p0007" for body/caption, "<doc_id>:fn12" for footnotes
    doc_id: str
    text: str  # NFC, whitespace-normalised, footnote markers removed
    kind: PassageKind
    section_path: tuple[str, ...]
    footnote: int | None  # footnote passages: their number as printed in the report
    cites: tuple[int, ...]  # body passages: footnote numbers referenced, in order
    line_start: int
    line_end: int
    char_start: int
    char_end: int
    # exact source pieces the text was built from (a paragraph split by a page break has two)
    spans: tuple[tuple[int, int], ...] = ()
    # body passages: (footnote number, offset in ``text`` where its marker stood)
    markers: tuple[tuple[int, int], ...] = ()
    # footnotes: the body sentence the footnote annotates (None when the anchor is unknown)
    anchor_id: str | None = None  # footnote -> the body passage citing it; body -> None
    anchor_text: str | None = None
    source_file: str = ""
    # PDF reports: the pages the passage was printed on ("trang N"); None for other files
    page: int | None = None  # first page
    page_end: int | None = None  # last page (page + 1 for a paragraph continued overleaf)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        data = dict(data)
        for key in ("section_path", "cites"):
            data[key] = tuple(data.get(key, ()))
        for key in ("spans", "markers"):
            data[key] = tuple(tuple(pair) for pair in data.get(key, ()))
        return cls(**data)


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    notes: tuple[str, ...] = ()  # parser findings a user should know (unlinked footnotes, ...)


@dataclass(frozen=True)
class Span:
    """A classified stretch of the source text; every non-space character lies in exactly one."""

    start: int
    end: int
    role: str  # body | footnote | caption | heading | metadata | marker | rule


@dataclass(frozen=True)
class ParsedFile:
    source_file: str
    sha256: str
    encoding: str
    text: str  # the decoded source text, offsets index into it
    documents: tuple[ParsedDocument, ...]
    spans: tuple[Span, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()

    @property
    def passages(self) -> tuple[Passage, ...]:
        return tuple(p for d in self.documents for p in d.passages)
