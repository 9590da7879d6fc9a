"""Reports whose files state their structure (.docx, .pdf) → the same raw blocks as text reports.

A reader of such a file writes the text it extracted one paragraph a line (``Layout``) and
says what each line is (``LineInfo``): body text, a table's header row, a footnote with its
number (a footnote line without one continues the footnote before), a running header or
footer; where footnote reference marks stand; which lines continue the paragraph before them
(a paragraph continued overleaf) and on which page a line was printed.
Nothing is guessed from the wording that the file states. Everything else — metadata from the
header and the signature, the split into several documents, headings from numbering —
is read by the text-report code (``text_report``), so every format gives the same result for
the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import metadata as md
from .assembly import Block
from .lines import SUPERSCRIPT_DIGITS, Line, split_lines
from .text_report import DocumentReader, RawDocument, RawFile, split_documents

LINE_ROLES = ("body", "table-header", "footnote", "furniture")


@dataclass(frozen=True)
class LineInfo:
    role: str = "body"  # one of LINE_ROLES; furniture: running header/footer, contents
    # a paragraph (or footnote) continued overleaf: joined to the one before with this (" ", "")
    joiner: str | None = None
    heading_level: int | None = None  # a heading style's level (Word "Heading 1" -> 2)
    footnote: int | None = None  # a footnote's first line: its number ...
    label: int = 0  # ... printed in the line's first ``label`` characters (after its indent)
    markers: tuple[tuple[int, int, int], ...] = ()  # (footnote, start, end) of reference marks
    page: int | None = None

    def __post_init__(self) -> None:
        if self.role not in LINE_ROLES:
            raise ValueError(f"line role {self.role!r} is unknown (valid: {', '.join(LINE_ROLES)})")


@dataclass
class Layout:
    """The extracted text, built a line at a time."""

    lines: list[str] = field(default_factory=list)
    infos: list[LineInfo] = field(default_factory=list)

    def add(self, text: str, info: LineInfo | None = None) -> None:
        if "\n" in text or "\r" in text:
            raise ValueError(f"a layout line holds no line break: {text!r}")
        self.lines.append(text)
        self.infos.append(info or LineInfo())

    def blank(self, page: int | None = None) -> None:
        if self.lines and self.lines[-1].strip():
            self.add("", LineInfo(page=page))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def pages(self) -> tuple[int | None, ...]:
        return tuple(info.page for info in self.infos)


def superscript(number: int) -> str:
    """How a footnote number is written into extracted text: 12 -> '¹²'."""
    return "".join(SUPERSCRIPT_DIGITS[int(d)] for d in str(number))


def read_laid_out_report(layout: Layout) -> RawFile:
    text, infos = layout.text, layout.infos
    lines = split_lines(text)
    outside = [info.role in ("footnote", "furniture") for info in infos]
    documents: list[RawDocument] = []
    for index, (a, b) in enumerate(split_documents(lines, len(lines), outside.__getitem__)):
        doc = RawDocument(md.Metadata(), lines[a].no, lines[max(a, b - 1)].no)
        LaidOutReader(lines, a, b, doc, index, infos).read()
        documents.append(doc)
    md.inherit_issuers([doc.meta for doc in documents])
    _move_footnotes_to_their_markers(documents)
    return RawFile(documents, [])


class LaidOutReader(DocumentReader):
    """Header and signature as in text reports; the body as the layout states it."""

    def __init__(self, lines: list[Line], a: int, b: int, doc, index: int, infos):
        super().__init__(lines, a, b, doc, index, False, False, [])
        self.infos: Sequence[LineInfo] = infos

    def _outside_flow(self, i: int) -> bool:
        return self.infos[i].role in ("footnote", "furniture")

    def _is_page_furniture(self, i: int) -> bool:
        return self.infos[i].role == "furniture"

    def _read_body_line(self, i: int) -> None:
        line, info = self.lines[i], self.infos[i]
        if line.blank:
            return
        if info.role == "furniture":
            self._role(line, "metadata")
        elif info.role == "footnote":
            if info.footnote is None and self.footnote is not None:
                self._add(self.footnote, line, info, " " if info.joiner is None else info.joiner)
            else:
                self.footnote = Block("footnote", line.no, line.no, number=info.footnote)
                self.doc.footnotes.append(self.footnote)
                self._add(self.footnote, line, info, "")
        else:
            role = "heading" if info.role == "table-header" else "body"
            body = self.body
            if info.joiner is not None and body is not None and body.role == role:
                self._add(body, line, info, info.joiner)
                return
            self.body = Block(role, line.no, line.no, heading_level=info.heading_level)
            self.doc.blocks.append(self.body)
            self._add(self.body, line, info, "")

    def _add(self, block: Block, line: Line, info: LineInfo, joiner: str) -> None:
        start, end = line.content_span()
        lead = start - line.start
        cuts: list[tuple[int, int, int | None]] = [
            (a - lead, b - lead, n) for n, a, b in info.markers
        ]
        if info.label:
            cuts.append((0, info.label, None))
        text = line.text[lead : end - line.start]
        block.append(text, start, line.no, joiner, set(), cuts=sorted(cuts, key=lambda c: c[:2]))


def _move_footnotes_to_their_markers(documents: list[RawDocument]) -> None:
    """A footnote belongs to the document whose text cites it (Word keeps every footnote at
    the end of the file): the k-th footnote numbered n goes with the k-th marker n."""
    if len(documents) < 2:
        return
    cited_in: dict[int | None, list[int]] = {}
    for index, doc in enumerate(documents):
        for block in doc.blocks:
            for number, _ in block.markers:
                cited_in.setdefault(number, []).append(index)
    seen: dict[int | None, int] = {}
    footnotes = [(index, f) for index, doc in enumerate(documents) for f in doc.footnotes]
    for doc in documents:
        doc.footnotes.clear()
    for index, footnote in footnotes:
        k = seen.get(footnote.number, 0)
        seen[footnote.number] = k + 1
        homes = cited_in.get(footnote.number, [])
        documents[homes[k] if k < len(homes) else index].footnotes.append(footnote)
