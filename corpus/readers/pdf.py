"""The .pdf reader: characters with their positions and sizes (pdfplumber, on pdfminer.six),
laid out into paragraphs, tables and footnotes page by page.

What the page shows decides everything:
- running headers and footers are the lines at a page's top or bottom that repeat at the same
  height on most pages (page numbers counted as the same), or a lone page number; they
  become metadata;
- footnotes are the lines under the short rule at a page bottom (or, without a rule, the
  smaller lines at the bottom starting with the next footnote number); a footnote's first line
  starts with its number, a first line without one continues the footnote of the page before;
- a footnote reference is a run of digits printed smaller and raised (not an exponent after a
  unit such as km²) whose number is one of the footnotes;
- visual lines are joined into paragraphs when the line before is full (the next line's first
  word would not have fitted on it, or the next line cannot open a paragraph: "lực lãnh đạo"),
  of the same size and weight, no further below than the usual line spacing, and the new
  line does not start a list item or an indented paragraph after a finished sentence; the
  same test joins the last line of a page to the first of the next, so a paragraph continued
  overleaf is one paragraph (its passage gets both pages);
- a short bold line that is not a sentence is a heading, at the level of numbered headings
  printed alike; a short line set off to the right keeps its indent (an author block);
- a ruled table (pdfplumber's table finder) becomes one line a row, as for Word tables;
- a line with a wide gap (the two columns of an official header or a signature block) is
  read as separate pieces.
The extracted text (``ParsedFile.text``) holds one paragraph a line, pages separated by a form
feed line; every line knows its page.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..chunking import DEFAULT_TOKEN_BUDGET
from ..errors import ReportError
from ..headings import ARABIC_LEVEL, PART_LEVEL, ROMAN_LEVEL, match_heading
from ..layout import Layout, LineInfo, superscript
from ..lines import (
    UNIT_BEFORE_EXPONENT,
    is_terminated,
    is_upper_text,
    starts_mid_sentence,
)
from ..model import ParsedFile
from ..tables import Cell, joined, shifted, table_lines
from . import limits
from .extracted import parse_layout, read_bytes

logger = logging.getLogger(__name__)

OCR_ADVICE = (
    "run OCR on it first (for example `ocrmypdf -l vie FILE out.pdf`) or supply the original "
    ".docx (a .doc converts with `libreoffice --headless --convert-to docx FILE`)"
)
_COLUMN_GAP = 3.0  # a gap wider than this many font sizes separates two columns of text
_SPACE_GAP = 0.15  # a gap wider than this share of the font size is a space
_SUPERSCRIPT_SIZE = 0.8  # superscript digits are at most this share of the line's size ...
_SUPERSCRIPT_RAISE = 0.15  # ... and raised by at least this share of it
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.I)
_LIST_OPENERS = ("-", "+", "•", "–", "*")
_MIN_TEXT_CHARS = 20  # a page with fewer characters than this and an image is scanned
_BULLET = "•"  # what a symbol-font bullet glyph is written as
_SET_OFF = "\t\t"  # how a line set off to the right starts (as text exports indent it)


def read_pdf_file(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    data = read_bytes(path, source_file)
    if b"%PDF" not in data[:1024]:
        raise ReportError(source_file, "not a PDF file (no %PDF header); accepted: .pdf with text")
    pages = _read_pages(path, source_file)
    notes = _refuse_scans(pages, source_file)
    assembler = _Assembler(pages)
    layout = assembler.layout()
    notes += assembler.findings
    return parse_layout(layout, data, "pdf", source_file, doc_id, budget, notes)


# --- characters, lines, pages ---------------------------------------------------------------


@dataclass(frozen=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class _Line:
    """One visual line (or one column of it) on a page."""

    chars: list[_Char]
    page: int
    text: str = ""
    marks: list[tuple[int, int, int]] = field(default_factory=list)  # (number, start, end)

    def __post_init__(self) -> None:
        sizes = Counter(round(c.size, 1) for c in self.chars if not c.text.isspace())
        self.size = sizes.most_common(1)[0][0] if sizes else self.chars[0].size
        body = [c for c in self.chars if abs(c.size - self.size) < 0.5] or self.chars
        self.top = min(c.top for c in body)
        self.bottom = max(c.bottom for c in body)
        self.x0 = min(c.x0 for c in self.chars if not c.text.isspace())
        self.x1 = max(c.x1 for c in self.chars if not c.text.isspace())
        letters = [c for c in body if c.text.isalpha()]
        self.bold = bool(letters) and sum(c.bold for c in letters) > len(letters) / 2
        self.text, self.marks = _render(self.chars, self.size, self.bottom)

    def first_word_width(self) -> float:
        end = next((c.x0 for c in self.chars if c.text.isspace() and c.x0 > self.x0), self.x1)
        return end - self.x0


@dataclass
class _Table:
    top: float
    bottom: float
    rows: list[list[Cell]]


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line]  # outside tables, top to bottom
    tables: list[_Table]
    rules: list[tuple[float, float, float]]  # short horizontal rules: (x0, x1, y)
    images: int
    chars: int
    rotated: int  # characters not upright (stamps, margin notes): not read


def _read_pages(path: Path, source_file: str) -> list[_Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        _check_page_count(path, source_file)  # before pdfplumber lists (and closes) every page
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            _check_page_count(path, source_file, len(pages))  # the page tree may state less
            return [_read_page(page, source_file) for page in pages]
    except (PdfminerException, PDFSyntaxError, PSException, PDFEncryptionError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            reason = "password-protected PDF: save a copy without the password"
        else:
            reason = f"not a readable PDF file ({cause}); accepted: .pdf with a text layer"
        raise ReportError(source_file, reason) from exc


def _check_page_count(path: Path, source_file: str, count: int | None = None) -> None:
    """Refuse a PDF with more pages than the cap: by the count its page tree states (read
    with pdfminer alone, no page listed), or by the ``count`` of pages found."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    cap = int(limits.current().pdf_pages)
    if count is None:
        with open(path, "rb") as handle:
            tree = resolve1(PDFDocument(PDFParser(handle)).catalog.get("Pages"))
            count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    if isinstance(count, int) and count > cap:
        raise limits.refuse(source_file, "this PDF", f"{count:,} pages", "pdf_pages", f"{cap:,}")


def _check_page_size(page, source_file: str) -> None:
    """Refuse a page whose drawing instructions inflate beyond the cap, before pdfminer
    interprets them (FlateDecode streams are inflated in bounded chunks to measure them)."""
    from pdfminer.pdftypes import resolve1

    cap = int(limits.current().pdf_page_mb * limits.MB)
    size = 0
    for stream in page.page_obj.contents:
        stream = resolve1(stream)
        size += _stream_size(stream, cap - size)
        if size > cap:
            what = f"page {page.page_number} of this PDF (its drawing instructions)"
            raise limits.refuse(source_file, what, None, "pdf_page_mb", limits.mb(cap))


def _stream_size(stream, cap: int) -> int:
    data = getattr(stream, "data", None)
    if data is not None:
        return len(data)
    raw = getattr(stream, "rawdata", None) or b""
    filters = [str(getattr(f, "name", f)) for f, _ in stream.get_filters()]
    if filters in (["FlateDecode"], ["Fl"]):
        return limits.bounded_inflate(raw, cap)
    return len(raw)  # unfiltered, or filters pdfminer decodes itself (counted compressed)


def _read_page(page, source_file: str = "") -> _Page:
    _check_page_size(page, source_file)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    chars, rotated = [], 0
    for c in page.chars:
        if not c.get("upright", True):
            rotated += 1
            continue
        chars.append(
            _Char(
                c["text"],
                c["x0"],
                c["x1"],
                c["top"],
                c["bottom"],
                c["size"],
                "bold" in c.get("fontname", "").lower(),
            )  # fmt: skip
        )
    inside = [c for c in chars if _in_any(c, boxes)]
    lines = [
        _Line(seg, page.page_number)
        for line in _cluster(c for c in chars if not _in_any(c, boxes))
        for seg in _columns(line)
    ]
    return _Page(
        page.page_number, page.height, lines,
        [_table(t, inside) for t in tables], _rules(page), len(page.images), len(chars) + rotated,
        rotated,
    )  # fmt: skip


def _in_any(c: _Char, boxes) -> bool:
    x, y = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _cluster(chars) -> list[list[_Char]]:
    """Characters into visual lines: vertical overlap of at least half the smaller height
    (a raised footnote mark stays in its line)."""
    lines: list[list] = []  # [top, bottom, chars]
    for c in sorted(chars, key=lambda c: (c.top, c.x0)):
        height = c.bottom - c.top
        for line in reversed(lines[-4:]):
            overlap = min(line[1], c.bottom) - max(line[0], c.top)
            if overlap >= 0.5 * min(height, line[1] - line[0]):
                line[2].append(c)
                line[0], line[1] = min(line[0], c.top), max(line[1], c.bottom)
                break
        else:
            lines.append([c.top, c.bottom, [c]])
    return [sorted(line[2], key=lambda c: c.x0) for line in lines if _has_text(line[2])]


def _has_text(chars: list[_Char]) -> bool:
    return any(not c.text.isspace() for c in chars)


def _columns(chars: list[_Char]) -> list[list[_Char]]:
    """Split a visual line at gaps wide enough to separate columns."""
    pieces: list[list[_Char]] = [[]]
    last_end = None
    for c in chars:
        if c.text.isspace():
            pieces[-1].append(c)
            continue
        if last_end is not None and c.x0 - last_end > _COLUMN_GAP * c.size:
            pieces.append([])
        pieces[-1].append(c)
        last_end = c.x1
    return [p for p in pieces if _has_text(p)]


def _render(chars: list[_Char], size: float, bottom: float) -> tuple[str, list]:
    """Text of a line with spaces where the gaps are, raised small digits as superscripts
    (each run a candidate footnote mark: (number, start, end))."""
    text, marks = "", []
    previous: _Char | None = None
    run_start = None
    for c in chars:
        if c.text.isspace():
            if text and not text.endswith(" "):
                text += " "
            previous = c
            continue
        gap = c.x0 - previous.x1 if previous is not None else 0.0
        if (
            previous is not None
            and not text.endswith(" ")
            and gap > _SPACE_GAP * min(c.size, previous.size)
        ):
            text += " "
        raised = (
            c.text.isdigit()
            and c.size <= _SUPERSCRIPT_SIZE * size
            and c.bottom <= bottom - _SUPERSCRIPT_RAISE * size
        )
        if raised:
            if run_start is None:
                run_start = len(text)
            text += superscript(int(c.text)) if c.text in "0123456789" else c.text
        else:
            if run_start is not None:
                marks.append(_mark(text, run_start))
                run_start = None
            text += _BULLET if _is_private(c.text) else c.text
        previous = c
    if run_start is not None:
        marks.append(_mark(text, run_start))
    stripped = text.rstrip()
    return stripped, [m for m in marks if m[2] <= len(stripped)]


def _is_private(text: str) -> bool:
    """A symbol-font glyph (a list bullet) without a Unicode meaning."""
    return len(text) == 1 and "\ue000" <= text <= "\uf8ff"


def _mark(text: str, start: int) -> tuple[int, int, int]:
    digits = text[start:].rstrip()
    number = int("".join(str("⁰¹²³⁴⁵⁶⁷⁸⁹".index(ch)) for ch in digits))
    return number, start, start + len(digits)


def _rules(page) -> list[tuple[float, float, float]]:
    rules = []
    for obj in [*page.lines, *page.rects, *page.curves]:
        if abs(obj["bottom"] - obj["top"]) <= 2 and obj["x1"] - obj["x0"] > 20:
            rules.append((obj["x0"], obj["x1"], (obj["top"] + obj["bottom"]) / 2))
    return rules


def _table(table, chars: list[_Char]) -> _Table:
    x0, top, x1, bottom = table.bbox
    rows = []
    edges = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell})
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell is None:
                continue
            inside = [c for c in chars if _in_any(c, [cell])]
            pieces = []
            for line in _cluster(inside):
                seg = _Line(line, 0)
                pieces.append((seg.text, seg.marks))
            text, marks = joined(pieces, " ")
            column = edges.index(round(cell[0], 1))
            span = sum(1 for e in edges if cell[0] - 0.5 <= e < cell[2] - 0.5)
            cells.append(Cell(column, max(span, 1), text, marks))
        rows.append(cells)
    return _Table(top, bottom, rows)


def _refuse_scans(pages: list[_Page], source_file: str) -> list[str]:
    scanned = [p.number for p in pages if p.images and p.chars < _MIN_TEXT_CHARS]
    if not pages or sum(p.chars for p in pages) < _MIN_TEXT_CHARS:
        what = "scanned PDF: its pages are images" if scanned else "PDF without text"
        raise ReportError(source_file, f"{what}, there is no text layer to read; {OCR_ADVICE}")
    if len(scanned) > len(pages) / 2:
        raise ReportError(
            source_file,
            f"scanned PDF: {len(scanned)} of {len(pages)} pages are images without text; "
            f"{OCR_ADVICE}",
        )
    return [f"page {n}: an image without text (scanned?), not read" for n in scanned]


# --- pages → paragraphs, footnotes, tables ----------------------------------------------------


class _Assembler:
    def __init__(self, pages: list[_Page]):
        self.pages = pages
        body = [ln for p in pages for ln in p.lines]
        self.left = min((ln.x0 for ln in body), default=0.0)
        self.right = max((ln.x1 for ln in body), default=0.0)
        self.furniture = _furniture(pages)
        self.footnote_lines = {id(ln) for p in pages for ln in self._footnote_zone(p)}
        self.pitch = _usual_pitch(pages, self.furniture | self.footnote_lines)
        self.indent = _first_line_indent(pages, self.furniture | self.footnote_lines, self.left)
        self.numbers = {
            found[0]
            for p in pages
            for ln in p.lines
            if id(ln) in self.footnote_lines and (found := _leading_number(ln.text))
        }
        aside = self.furniture | self.footnote_lines
        running = [ln for p in pages for ln in p.lines if id(ln) not in aside]
        self.body_size = statistics.median(ln.size for ln in running) if running else 0.0
        self.heading_sizes = [
            (ln.size, found.level)
            for ln in running
            if ln.bold and (found := match_heading(ln.text)) is not None
        ]
        self.last_footnote_line = ""
        self.unmatched = 0  # raised numbers that no footnote answers
        self.findings = [
            f"page {p.number}: {p.rotated} characters of rotated text not read"
            for p in pages
            if p.rotated
        ]
        self.out = Layout()

    # zones
    def _footnote_zone(self, page: _Page) -> list[_Line]:
        lines = [ln for ln in page.lines if id(ln) not in self.furniture]
        if not lines:
            return []
        width = self.right - self.left
        for x0, x1, y in sorted(page.rules, key=lambda r: -r[2]):
            short = 0.1 * width <= x1 - x0 <= 0.6 * width and abs(x0 - self.left) < 15
            below = [ln for ln in lines if ln.top >= y]
            if short and below and y > page.height / 3:
                return below
        body_size = statistics.median(ln.size for ln in lines)
        zone: list[_Line] = []
        for line in reversed(lines):  # without a rule: small lines at the bottom
            if line.size >= 0.9 * body_size:
                break
            zone.insert(0, line)
        return zone if zone and _leading_number(zone[0].text) is not None else []

    def layout(self) -> Layout:
        carry: _Line | None = None  # the open paragraph's last line, from the page before
        names: dict[int, str] | None = None  # column names of a table that may run on
        number = 0  # the last footnote number seen
        for page in self.pages:
            if page.number > 1:
                self.out.add("\f", LineInfo(page=page.number))
            edge = [ln for ln in page.lines if id(ln) in self.furniture]
            top = [ln for ln in edge if ln.top < page.height / 2]
            notes = [ln for ln in page.lines if id(ln) in self.footnote_lines]
            skip = {id(ln) for ln in edge + notes}
            body = [ln for ln in page.lines if id(ln) not in skip]
            for line in top:
                self._add(line, "furniture")
            carry, names = self._body(page, body, carry, names)
            number = self._footnotes(notes, number)
            for line in edge:
                if line not in top:
                    self._add(line, "furniture")
        if self.unmatched:
            self.findings.append(
                f"{self.unmatched} raised numbers look like footnote marks but no footnote at "
                "a page bottom has their number; they are kept as text (superscript digits)"
            )
        return self.out

    # body
    def _body(self, page: _Page, lines: list[_Line], carry, names):
        """Paragraphs and tables of a page in reading order; returns what may run on."""
        items: list[_Line | _Table] = sorted([*lines, *page.tables], key=lambda item: item.top)
        paragraph: list[_Line] = []
        continued: _Line | None = None  # the line overleaf this paragraph continues
        for k, item in enumerate(items):
            if isinstance(item, _Table):
                self._flush(paragraph, continued)
                paragraph, continued, carry = [], None, None
                names = self._table(item, page, names if k == 0 else None)
                continue
            previous = paragraph[-1] if paragraph else carry
            if previous is not None and self._joins(previous, item, overleaf=not paragraph):
                continued = continued or (None if paragraph else carry)
                paragraph.append(item)
            else:
                self._flush(paragraph, continued)
                paragraph, continued = [item], None
            carry = None
        self._flush(paragraph, continued)
        if items and isinstance(items[-1], _Table):
            return None, names
        last = paragraph[-1] if paragraph else None
        return (last if last is not None and self._single(last) else None), None

    def _single(self, line: _Line) -> bool:
        """A line of running text (not one column of a two-column line)."""
        return line.x0 - self.left < 0.5 * line.size or line.x1 > self.right - 2 * line.size

    def _joins(self, previous: _Line, line: _Line, overleaf: bool) -> bool:
        if abs(previous.size - line.size) > 0.6 or previous.bold != line.bold:
            return False
        pitch = self.pitch.get(line.size, 1.5 * line.size)
        if not overleaf and line.top - previous.top > 1.3 * pitch:
            return False
        if _case(previous.text) * _case(line.text) < 0:
            return False  # an upper-case heading line, then text
        if self.indent is not None and abs(line.x0 - self.left - self.indent) < 1.5:
            return False  # this document starts its paragraphs with this indent
        end = previous.x1 + 0.25 * line.size + line.first_word_width()
        fits = end < self.right - 0.2 * line.size  # then the line before ended by choice ...
        nearly_full = previous.x1 > self.right - 4 * line.size
        opens = _opens_item(line.text)
        if fits and (opens or not nearly_full or not starts_mid_sentence(line.text)):
            return False  # ... unless the new line cannot start a paragraph ("lực lãnh đạo")
        ended = is_terminated(previous.text)
        if opens and ended:
            return False
        return not (ended and line.x0 > previous.x0 + 0.5 * line.size)

    def _flush(self, paragraph: list[_Line], continued: _Line | None) -> None:
        if not paragraph:
            return
        text, marks = paragraph[0].text, list(paragraph[0].marks)
        for before, line in zip(paragraph, paragraph[1:], strict=False):
            text += _joiner(before.text)
            marks += shifted(line.marks, len(text))
            text += line.text
        level = self._heading_level(paragraph) if not continued else None
        joiner = _joiner(continued.text) if continued else None
        if self._set_off(paragraph):  # kept as a text export keeps it: indented
            text, marks = _SET_OFF + text, shifted(marks, len(_SET_OFF))
        self._emit(text, marks, paragraph[0].page, "body", joiner=joiner, level=level)

    def _set_off(self, paragraph: list[_Line]) -> bool:
        """A short line set off to the right, not centred (an author's name and positions
        under a CHUYÊN ĐỀ title, a signature)."""
        line = paragraph[0]
        indent, gap = line.x0 - self.left, self.right - line.x1
        width = self.right - self.left
        return len(paragraph) == 1 and indent > 0.3 * width and indent - gap > 4 * line.size

    def _heading_level(self, paragraph: list[_Line]) -> int | None:
        """A short bold line that is not a sentence is a heading (what a heading style prints);
        its level is that of numbered headings printed alike, else by size. Upper-case and
        numbered lines are left to the text rules, as in other formats."""
        line = paragraph[0]
        text = line.text.strip()
        if (
            len(paragraph) > 1
            or not line.bold
            or is_terminated(text)
            or len(text.split()) > 15
            or is_upper_text(text)
            or match_heading(text) is not None
        ):
            return None
        same = [level for size, level in self.heading_sizes if abs(size - line.size) < 0.6]
        if same:
            return min(same)
        return ROMAN_LEVEL if line.size > self.body_size + 0.5 else ARABIC_LEVEL

    def _table(self, table: _Table, page: _Page, names):
        columns = max((c.column + c.span for row in table.rows for c in row), default=0)
        if columns < 2 or (len(table.rows) < 2 and names is None):
            for row in table.rows:
                for cell in row:
                    self._emit(cell.text, cell.marks, page.number, "body")
            return None
        repeated = names is not None and [c.text for c in table.rows[0]] == [
            names.get(c.column, "") for c in table.rows[0]
        ]
        header_rows = [0] if names is None or repeated else []
        lines, names = table_lines(table.rows, header_rows, names)
        for text, marks, role in lines:
            self._emit(text, marks, page.number, role)
        return names

    # footnotes
    def _footnotes(self, lines: list[_Line], number: int) -> int:
        current: list[_Line] = []
        start = None
        for line in lines:
            found = _leading_number(line.text)
            if found is not None and (found[0] == number + 1 or (found[0] == 1 and not current)):
                self._footnote(current, start)
                current, start, number = [line], found, found[0]
            else:
                current.append(line)
        self._footnote(current, start)
        return number

    def _footnote(self, lines: list[_Line], start) -> None:
        if not lines:
            return
        text = lines[0].text
        for before, line in zip(lines, lines[1:], strict=False):
            text += _joiner(before.text) + line.text
        page = lines[0].page
        joiner, self.last_footnote_line = _joiner(self.last_footnote_line), lines[-1].text
        if start is None:  # continues the footnote of the page before
            self.out.add(text, LineInfo(role="footnote", joiner=joiner, page=page))
            return
        number, end = start
        mark = superscript(number)
        self.out.add(
            f"{mark} {text[end:].lstrip()}",
            LineInfo(role="footnote", footnote=number, label=len(mark), page=page),
        )

    # output
    def _add(self, line: _Line, role: str) -> None:
        self.out.add(line.text, LineInfo(role=role, page=line.page))

    def _emit(self, text: str, marks, page: int, role: str, joiner=None, level=None) -> None:
        if not text.strip():
            return
        candidates = [(n, a, b) for n, a, b in marks if not UNIT_BEFORE_EXPONENT.search(text[:a])]
        markers = tuple(mark for mark in candidates if mark[0] in self.numbers)
        self.unmatched += len(candidates) - len(markers)
        info = LineInfo(role=role, joiner=joiner, heading_level=level, markers=markers, page=page)
        self.out.add(text, info)


def _opens_item(text: str) -> bool:
    """'- …', 'a) …', '2. …', 'II- …', 'Một là, …': a line that starts a list item or a
    heading (not '90 năm …', a number that merely starts a line)."""
    text = text.lstrip()
    if text.startswith(_LIST_OPENERS):
        return True
    heading = match_heading(text)
    if heading is None:
        return False
    after = text[len(heading.label) : len(heading.label) + 1]
    return heading.level == PART_LEVEL or after in (".", ")", "-", "–", ",", ":")


def _case(text: str) -> int:
    """1 for upper-case text, -1 for mixed case, 0 for too few letters to tell ('2020-2025')."""
    if sum(1 for ch in text if ch.isalpha()) < 3:
        return 0
    return 1 if is_upper_text(text) else -1


def _joiner(before: str) -> str:
    """Lines broken after a hyphen inside a word ("11-" / "QĐi/TW") join without a space."""
    return "" if re.search(r"\S-$", before) else " "


def _leading_number(text: str) -> tuple[int, int] | None:
    """'3 Trong đó…' / '³ Trong đó…' -> (3, 1): the footnote number and where it ends."""
    m = re.match(r"\s*([0-9]+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?=\s|[^\d⁰¹²³⁴⁵⁶⁷⁸⁹.,/%-])", text)
    if m is None or len(m.group(1)) > 3:
        return None
    digits = "".join(str("⁰¹²³⁴⁵⁶⁷⁸⁹".index(d)) if d in "⁰¹²³⁴⁵⁶⁷⁸⁹" else d for d in m.group(1))
    return int(digits), m.end()


# A running header or footer is a short line; a full line of text that happens to repeat at
# a page bottom (a footnote listing "Năm 2019, … 120 cuộc" year by year) is text.
_FURNITURE_MAX_CHARS = 80


def _furniture(pages: list[_Page]) -> set[int]:
    """Short lines at a page's top or bottom that repeat at the same height on most pages
    (page numbers counted as the same), or lone page numbers."""

    def key(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", " ".join(line.text.split())), round(line.top / 4)

    edges = [{id(ln): ln for ln in p.lines[:2] + p.lines[-2:]}.values() for p in pages]
    counts = Counter(key(ln) for lines in edges for ln in lines)
    repeated = max(2, 0.4 * len(pages))  # on most pages (odd/even headers: on half of them)
    found: set[int] = set()
    for page in pages:
        for ordered in (page.lines, page.lines[::-1]):
            for line in ordered[:2]:
                short = len(line.text) <= _FURNITURE_MAX_CHARS
                if short and counts[key(line)] >= repeated or _PAGE_NUMBER.match(line.text):
                    found.add(id(line))
                else:
                    break
    return found


def _first_line_indent(pages: list[_Page], skip: set[int], left: float) -> float | None:
    """The indent that starts paragraphs, when the document uses one: the commonest offset
    from the margin, between half a line height and six, on a good share of the lines."""
    lines = [ln for p in pages for ln in p.lines if id(ln) not in skip]
    offsets = Counter(
        round(ln.x0 - left) for ln in lines if 0.5 * ln.size < ln.x0 - left < 6 * ln.size
    )
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    at_margin = sum(1 for ln in lines if ln.x0 - left < 0.5 * ln.size)
    return float(offset) if count >= 3 and count >= 0.1 * at_margin else None


def _usual_pitch(pages: list[_Page], skip: set[int]) -> dict[float, float]:
    """The usual distance between the tops of consecutive lines of a paragraph, by size."""
    pitches: dict[float, list[float]] = {}
    for page in pages:
        lines = [ln for ln in page.lines if id(ln) not in skip]
        for a, b in zip(lines, lines[1:], strict=False):
            gap = b.top - a.top
            if a.size == b.size and 0 < gap < 2 * a.size:
                pitches.setdefault(a.size, []).append(gap)
    return {size: min(values) for size, values in pitches.items()}
