"""Lines of a decoded report and the small tests the parser asks of them.

Everything here looks at one line at a time; the structure is recovered in ``text_report``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_VALUE = {ch: str(i) for i, ch in enumerate(SUPERSCRIPT_DIGITS)}
LOST_MARKER_GLYPH = "\ufffd"  # what a Word footnote reference became in a text export

# "¹ Xảy ra tại ..." / "⁽¹²⁾ ..." at the start of a line: a footnote body from a PDF export
PDF_FOOTNOTE_START = re.compile(rf"^[ \t]*(⁽?([{SUPERSCRIPT_DIGITS}]+)⁾?)[ \t]+(?=\S)")
# the same with the number in plain digits, before a capital ("1 Kế hoạch số …")
# or in brackets, before anything ("(1) Số liệu …", "[2] Chậm nhất …", "(3) 02 kỳ …")
PLAIN_NOTE_START = re.compile(
    r"^[ \t]*(?:(\d{1,2}) +(?=[A-ZÀ-ỸĐ])|\((\d{1,2})\)[ \t]*(?=\S)|\[(\d{1,2})\][ \t]*(?=\S))"
)  # not a tab after a bare number: a table row


def plain_note_number(match: re.Match[str]) -> int:
    """The note number of a ``PLAIN_NOTE_START`` match, bare or in brackets."""
    return int(next(group for group in match.groups() if group))


# "…nghiêm trọng⁽¹⁾." or "…19-NQ/TW⁴;" inside body text
BODY_MARKER = re.compile(rf"⁽([{SUPERSCRIPT_DIGITS}]+)⁾|(?<=\S)([{SUPERSCRIPT_DIGITS}]+)")
# ² and ³ right after a unit are exponents (km², m³), not footnote markers
UNIT_BEFORE_EXPONENT = re.compile(r"(?:^|[^a-zA-Z])(?:k|c|d|m)?m$")
# Markdown-style emphasis left by some converters: **bold**, *italic*
EMPHASIS = re.compile(r"(?<![*\w])(\*{1,2})(?=\S)(.+?)(?<=\S)\1(?![*\w])")

# "-----", "*", and a rule under each column of a two-column header: "-------\t\t---------"
RULE = re.compile(r"^[ \t]*(?:[-_=*.…]{3,}(?:[ \t]+[-_=*.…]{3,})*|\*)[ \t]*$")
TERMINAL = ".!?…:"
CLOSERS = "”\"'’)]»*"
SENTENCE_OPENERS = '“"([-+–•'


@dataclass(frozen=True)
class Line:
    no: int  # 1-based
    start: int  # offset of the first character in the source text
    text: str  # without the line break (and without a trailing "\r")

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def content_span(self) -> tuple[int, int]:
        """Offsets of the line without its leading and trailing whitespace."""
        lead = len(self.text) - len(self.text.lstrip())
        return self.start + lead, self.start + len(self.text.rstrip())


# A header laid out as two columns (a table exported as text): "ỦY BAN NHÂN DÂN      CỘNG HÒA
# XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HUYỆN TRẦN ĐỀ      Độc lập - Tự do - Hạnh phúc": the right
# column starts after a wide gap with the motto, the Party's name, the place and date, or the
# rule under the motto ("Số: 27/BB-UBND          ---------------")
_RIGHT_COLUMN = re.compile(
    r"(?<=\S)(?:[ \t]{4,}|\t+)(?=(?:CỘNG H(?:ÒA|OÀ)|Cộng h(?:òa|oà)|Độc lập|ĐỘC LẬP|ĐẢNG CỘNG SẢN|"
    r"[^\W\d_][^,\d]{1,40}, ngày\b|[-_=]{3,}[ \t]*$))"  # or the rule under the motto
)


def split_lines(text: str) -> list[Line]:
    """The lines of ``text``; a line of a two-column header is two lines (the same number,
    each with its own offset)."""
    lines, offset = [], 0
    for no, raw in enumerate(text.split("\n"), start=1):
        body = raw[:-1] if raw.endswith("\r") else raw
        gap = _RIGHT_COLUMN.search(body)
        if gap is None:
            lines.append(Line(no, offset, body))
        else:
            right = len(body) - len(body[gap.end() :])
            lines += [Line(no, offset, body[: gap.start()]), Line(no, offset + right, body[right:])]
        offset += len(raw) + 1
    return lines


# a page's number printed alone on its line: "Trang 2/4", "Page 3", "- 3 -", "2/4", "12"
_PAGE_NUMBER = re.compile(
    r"^(?:(?:trang|page)\s*\d+(?:\s*/\s*\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d{1,3})$", re.I
)
# a page number that says so, safe to drop wherever it stands
_LABELLED_PAGE_NUMBER = re.compile(r"^(?:trang|page)\s*\d+(?:\s*/\s*\d+)?$", re.I)
FORM_FEED = "\f"


def page_furniture(lines: list[Line]) -> frozenset[int]:
    """Indexes of the running headers and footers of a text printed from a PDF.

    Where pages are split by form feeds or "Trang 2"/"Page 2" lines, a page's first (last)
    line is furniture when it is a page number or, digits aside, repeats at the top (bottom) of
    at least half the other pages and is no sentence nor list item; the first page's top (the
    header) and the last page's foot (the signature) never are. A line of a two-column layout
    counts as one. A "Trang 2/4" line is furniture wherever it stands."""
    furniture = {i for i, line in enumerate(lines) if _LABELLED_PAGE_NUMBER.match(line.stripped)}
    pages = _pages(lines)
    if len(pages) < 2:
        return frozenset(furniture)
    for end, kept in ((0, slice(1, None)), (-1, slice(None, -1))):  # page tops, then feet
        edges = [_edge(lines, page, end) for page in pages]
        shapes = [_shape(lines, edge) for edge in edges]
        repeats = shapes[kept]  # not the first page's header, not the last page's signature
        for n, edge in enumerate(edges):
            text = " ".join(lines[i].stripped for i in edge)
            number = len(edge) == 1 and _PAGE_NUMBER.match(text)
            running = (
                n in range(len(pages))[kept]
                and repeats.count(shapes[n]) >= max(2, len(repeats) / 2)
                and not (is_terminated(text) or text.startswith(("-", "+", "•")))
            )
            if edge and (number or running):
                furniture.update(edge)
    return frozenset(furniture)


def _pages(lines: list[Line]) -> list[list[int]]:
    """Line indexes per page. A form feed starts a page (at its line when nothing precedes it
    there, after its line when text does); a "Trang 2/4" line ends one."""
    pages: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        feed = line.text.find(FORM_FEED)
        opens = feed >= 0 and not line.text[:feed].strip()
        if opens and pages[-1] and lines[pages[-1][-1]].no != line.no:
            pages.append([])
        pages[-1].append(i)
        if (feed >= 0 and line.text[:feed].strip()) or _LABELLED_PAGE_NUMBER.match(line.stripped):
            pages.append([])
    return [page for page in pages if any(not lines[i].blank for i in page)]


def _edge(lines: list[Line], page: list[int], end: int) -> list[int]:
    """The indexes of a page's first (``end`` 0) or last (-1) non-blank line, both columns."""
    filled = [i for i in page if not lines[i].blank]
    if not filled:
        return []
    no = lines[filled[end]].no
    return [i for i in filled if lines[i].no == no]


def _shape(lines: list[Line], edge: list[int]) -> str:
    return re.sub(r"\d+", "#", " ".join(lines[i].stripped for i in edge))


def superscript_number(marker: str) -> int:
    return int("".join(_SUPERSCRIPT_VALUE[ch] for ch in marker if ch in _SUPERSCRIPT_VALUE))


def words(text: str) -> list[str]:
    return text.split()


def is_terminated(text: str) -> bool:
    """Does the text end a sentence (ignoring closing quotes, brackets and footnote markers)?"""
    core = BODY_MARKER.sub("", text).rstrip().rstrip(CLOSERS).rstrip()
    return bool(core) and (core[-1] in TERMINAL or core.endswith("./."))


def is_upper_text(text: str) -> bool:
    """All letters upper case (and at least three of them): 'CÔNG TÁC DÂN VẬN'."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def starts_lowercase(text: str) -> bool:
    first = text.lstrip()[:1]
    return first.isalpha() and first.islower()


def starts_mid_sentence(text: str) -> bool:
    """A line that cannot open a paragraph: lower-case word or continuing punctuation."""
    first = text.lstrip()[:1]
    return starts_lowercase(text) or (first != "" and first in ".,;:)”’]…")


# "Đơn vị: Sơn Bua; Số lượt công dân: 35; …": a table's row as the readers write it (each
# value after its column's name; ``tables.table_lines``, ``text_report.text_tables``)
_TABLE_ROW = re.compile(r"^[^:;\n]{1,80}: [^;\n]+(?:; [^:;\n]{1,80}: [^;\n]+){2,}$")


def is_table_row(text: str) -> bool:
    return _TABLE_ROW.match(text.strip()) is not None


def is_rule(text: str) -> bool:
    return bool(RULE.match(text))
