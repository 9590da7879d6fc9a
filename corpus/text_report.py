"""Plain-text reports (Word and PDF exports) → blocks: metadata, paragraphs and footnotes.

The steps, each a function below:
1. the file-level footnote list of a Word export (lines starting with U+FFFD) is cut off;
2. the rest is split into documents at a lone document type ("CHUYÊN ĐỀ") after body text;
3. per document: header (number, place, date, title, author) and trailer (distribution list,
   signature, byline) become metadata;
4. the body lines are assembled into paragraphs: lines broken by a lost footnote marker are
   re-joined, PDF footnotes at page bottoms are taken out and each paragraph or footnote that
   a page break interrupted is re-joined;
5. lost markers are aligned with the footnote list (``footnotes.align``).
The result (``RawFile``) is turned into sections and passages by ``structure``.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeGuard

from . import metadata as md
from .assembly import Block
from .footnotes import Alignment, LostMarker, align
from .headings import match_heading, opens_item
from .lines import (
    FORM_FEED,
    LOST_MARKER_GLYPH,
    PDF_FOOTNOTE_START,
    PLAIN_NOTE_START,
    Line,
    is_rule,
    is_table_row,
    is_terminated,
    is_upper_text,
    page_furniture,
    plain_note_number,
    split_lines,
    starts_lowercase,
    starts_mid_sentence,
    superscript_number,
    words,
)
from .tables import TIME_COLUMN, Cell, table_lines
from .vietnamese import canonical

_INDENT = " " * 8
_PARAGRAPH_OPENERS = ("-", "+", "•", "(", "“", '"', "–")
# "Số phòng học: 131", "Tổng diện tích đất: 32.231m2": a line of an appendix or a data sheet
# "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …", "BỘ TRƯỞNG BỘ …", "HIỆU TRƯỞNG TRƯỜNG …"
_AUTHORITY = re.compile(
    r"^(?:CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|(?:TỔNG )?GIÁM ĐỐC|HIỆU TRƯỞNG|VIỆN TRƯỞNG|"
    r"(?:TỔNG )?CỤC TRƯỞNG|CHÁNH|TRƯỞNG BAN|BÍ THƯ)\b"
)
_FIELD = re.compile(r"^(?P<label>[^\s:][^:]{0,80}?)\s*:\s*(?P<value>\S[^:]*)$")


@dataclass
class RawDocument:
    meta: md.Metadata
    line_start: int
    line_end: int
    blocks: list[Block] = field(default_factory=list)  # paragraphs, in order
    footnotes: list[Block] = field(default_factory=list)  # footnotes that belong here
    roles: list[tuple[int, int, str]] = field(default_factory=list)  # metadata / rule spans


@dataclass
class RawFile:
    documents: list[RawDocument]
    notes: list[str]


def read_text_report(text: str) -> RawFile:
    lines = text_tables(split_lines(text))
    zone = _lost_footnote_zone(lines)
    numbered = zone == len(lines) and (zone := _numbered_note_zone(lines)) < len(lines)
    lost_footnotes = _read_lost_footnotes(lines[zone:], numbered)
    wrapped = _is_hard_wrapped(lines[:zone])
    furniture = page_furniture(lines)
    documents: list[RawDocument] = []
    markers: list[LostMarker] = []
    for index, (a, b) in enumerate(split_documents(lines, zone, furniture.__contains__)):
        doc = RawDocument(md.Metadata(), lines[a].no, lines[max(a, b - 1)].no)
        lost_style = bool(lost_footnotes) and not numbered
        reader = DocumentReader(lines, a, b, doc, index, lost_style, wrapped, markers, furniture)
        if numbered:  # "đối thoại3": the notes' references, glued to the words they follow
            reader.glued = frozenset(f.number for f in lost_footnotes if f.number is not None)
        reader.read()
        documents.append(doc)
    md.inherit_issuers([doc.meta for doc in documents])
    notes = _attach_lost_footnotes(documents, lost_footnotes, markers)
    return RawFile(documents, notes)


# --- 1. the footnote list of a Word export ------------------------------------------------


def _starts_with_glyph(line: Line) -> bool:
    return line.text.lstrip().startswith(LOST_MARKER_GLYPH)


def _lost_footnote_zone(lines: list[Line]) -> int:
    """Index of the first line of the trailing footnote list (len(lines) when there is none)."""
    zone = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _starts_with_glyph(line):
            zone = i
        elif not line.blank and not (
            i + 1 < len(lines) and not lines[i + 1].blank and i + 1 >= zone
        ):
            break
    return zone


# "3 Năm 2021: 1.204 cuộc; …": a note of a list printed after a rule at the end of the file
_NUMBERED_NOTE = re.compile(r"^[ \t]*\[?(\d{1,3})\]?[ \t]+(?=\S)")  # "1 Trong đó", "[1] Gồm"


def _numbered_note_zone(lines: list[Line]) -> int:
    """Index of the first line of a list of notes numbered 1, 2, 3 … after a rule line at the
    end of the file (a Word export whose note references became plain digits), else
    len(lines)."""
    content = [i for i, line in enumerate(lines) if not line.blank]
    rules = [i for i in content if is_rule(lines[i].text)]
    if not rules:
        return len(lines)
    notes = [i for i in content if i > rules[-1]]
    numbers = [int(m.group(1)) for i in notes if (m := _NUMBERED_NOTE.match(lines[i].text))]
    first = _NUMBERED_NOTE.match(lines[notes[0]].text) if notes else None
    if first is None or len(numbers) < 2 or numbers != list(range(1, len(numbers) + 1)):
        return len(lines)  # a note may run over lines; the notes count 1, 2, 3 …
    return notes[0]


def _read_lost_footnotes(lines: list[Line], numbered: bool = False) -> list[Block]:
    """The footnotes of a trailing list: lines opening with the lost-marker glyph, or
    (``numbered``) with their printed number."""
    footnotes: list[Block] = []
    for line in lines:
        if line.blank:
            continue
        start, end = line.content_span()
        note = _NUMBERED_NOTE.match(line.text) if numbered else None
        if note is not None:
            footnotes.append(Block("footnote", line.no, line.no, number=int(note.group(1))))
            text_start = line.start + note.end()
            footnotes[-1].remove(start, text_start)
            start = text_start
        elif _starts_with_glyph(line):
            block = Block("footnote", line.no, line.no, number=len(footnotes) + 1)
            glyph = line.text.index(LOST_MARKER_GLYPH)
            text_start = line.start + glyph + 1
            while text_start < end and line.text[text_start - line.start].isspace():
                text_start += 1
            block.remove(start, text_start)
            footnotes.append(block)
            start = text_start
        footnotes[-1].append(
            line.text[start - line.start : end - line.start], start, line.no, " ", set()
        )
    return footnotes


# --- 2. several documents in one file ------------------------------------------------------


def split_documents(
    lines: list[Line], end: int, outside_flow: Callable[[int], bool] = lambda i: False
) -> list[tuple[int, int]]:
    """Document ranges [a, b): a new one starts at a lone upper-case document type ("CHUYÊN
    ĐỀ", "QUY CHẾ") after body text or after the previous one's distribution list and signature,
    unless a sentence follows it (then it is a section heading: "KẾT LUẬN"). When a header
    block ("ỦY BAN NHÂN DÂN / TỈNH … / CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Số …") comes
    between, the new document starts there and keeps its own number, place and date."""
    starts, last_content, last_body, signed, header = [0], None, None, False, None
    ruled = False  # a rule line after the distribution list and signature
    for i in range(end):
        text = lines[i].text
        if signed and is_rule(text) and header is None:  # not the rule under a new header's issuer
            ruled = True
        if lines[i].blank or is_rule(text) or outside_flow(i):
            continue
        if ruled and (
            starts_mid_sentence(text) or PDF_FOOTNOTE_START.match(text) or _bracketed_note(text)
        ):
            ruled = False  # the report's notes ("¹ Trong đó …", "(5) Ngày …"), or one cut overleaf
        if ruled:  # "=====" then an article quoted after a signed report: its own document
            starts.append(i)
            signed = ruled = False
            last_content = last_body = None
            continue
        long_or_ended = last_content is not None and _long_or_ended(last_content)
        if (
            md.is_national_line(text)
            and header is None
            and (
                signed
                or (last_body is not None and _long_or_ended(last_body))
                or (  # not the rule under the issuer of this document's own header
                    last_body is not None
                    and _ruled_above(lines, _issuer_above(lines, i, starts[-1]), starts[-1])
                )
            )
        ):  # the issuer's upper-case lines stand between the body and this line
            header = _issuer_above(lines, i, starts[-1])
        if (
            (md.doc_type(text) or (header is not None and _titled_doc_type(text)))
            and (long_or_ended or signed or header is not None)
            and is_upper_text(text)
            and not _sentence_follows(lines, i, end, outside_flow)
        ):
            starts.append(i if header is None else header)
            signed, header = False, None
        elif header is not None and len(words(text)) > 12 and is_terminated(text):
            header = None  # a sentence: the national line was quoted in the body
        signed = signed or bool(md.DISTRIBUTION.match(md.strip_emphasis(text)))
        last_content = text
        # a header's lines stand between the body and the national line as its issuer's do
        last_body = last_body if is_upper_text(text) or md.is_number_or_date_line(text) else text
    return list(zip(starts, [*starts[1:], end], strict=True))


def _bracketed_note(text: str) -> bool:
    """A note numbered in brackets ("(5) Ngày …", "[2] Chậm nhất …")."""
    note = PLAIN_NOTE_START.match(text)
    return note is not None and note.group(1) is None


def _long_or_ended(text: str) -> bool:
    return len(words(text)) > 12 or is_terminated(text)


def _issuer_above(lines: list[Line], i: int, floor: int) -> int:
    """The first line of the header block a national line ``i`` belongs to: the upper-case
    issuer lines right above it ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ"), with the star under a
    Party body and its number ("HUYỆN ỦY YÊN MINH / * / Số 148-TB/HU")."""
    while i - 1 > floor and not lines[i - 1].blank and _in_header_block(lines[i - 1].text):
        i -= 1
    return i


def _in_header_block(text: str) -> bool:
    text = md.strip_emphasis(text)
    return is_upper_text(text) or text == "*" or md.is_number_or_date_line(text)


def _ruled_above(lines: list[Line], i: int, floor: int) -> bool:
    """Whether a rule ("-----") is the last line before line ``i`` but blanks: what comes
    after it is another document of the file (an article, then a notice with its header)."""
    j = i - 1
    while j > floor and lines[j].blank:
        j -= 1
    return j > floor and is_rule(lines[j].text)


def _sentence_follows(lines: list[Line], i: int, end: int, outside_flow) -> bool:
    for j in range(i + 1, end):
        if not lines[j].blank and not outside_flow(j):
            text = md.strip_emphasis(lines[j].text)
            return is_terminated(text) and len(words(text)) > 12
    return False


def _is_hard_wrapped(lines: list[Line]) -> bool:
    """Text wrapped at a fixed width: short lines, paragraphs separated by blank lines."""
    content = [line for line in lines if not line.blank]
    if len(content) < 8:
        return False
    followed = sum(1 for a, b in zip(lines, lines[1:], strict=False) if not a.blank and not b.blank)
    # a paragraph on one long line is not wrapped text: a web page's short menu lines and
    # bylines over one-line paragraphs have a wrapped text's median, but not its width
    unwrapped = [line for line in content if len(line.text) > _WRAP_WIDTH_MAX]
    unwrapped = [line for line in unwrapped if not is_table_row(line.text)]
    return (
        40 <= statistics.median(len(line.text) for line in content) <= 90
        and followed / len(content) > 0.5
        and len(unwrapped) <= _UNWRAPPED_SHARE * len(content)
    )


_WRAP_WIDTH_MAX = 200  # wrapped text seen: 70–155 characters a line
_UNWRAPPED_SHARE = 0.02  # a stray long line (a URL, a table) in wrapped text


# --- 3 & 4. one document -------------------------------------------------------------------


class DocumentReader:
    """One document's lines [a, b): header and signature into metadata, the body into blocks.
    ``layout.LaidOutReader`` reuses all but the body reading for .docx and .pdf files."""

    def __init__(
        self, lines, a, b, doc, index, lost_style, wrapped, markers, furniture=frozenset()
    ):
        self.lines, self.a, self.b, self.doc, self.index = lines, a, b, doc, index
        self.lost_style, self.wrapped, self.markers = lost_style, wrapped, markers
        self.furniture: frozenset[int] = furniture  # running headers and footers (indexes)
        self.plain_notes = _plain_digit_notes(lines, a, b, furniture)
        self.numbers = {
            superscript_number(m.group(2))
            for line in lines[a:b]
            if (m := PDF_FOOTNOTE_START.match(line.text))
        } | set(self.plain_notes.values())
        self.body: Block | None = None  # the paragraph being assembled
        self.footnote: Block | None = None  # the PDF footnote being assembled
        self.in_footnote_zone = False  # between the footnotes at a page bottom and the next page
        # note numbers written as plain digits glued to words ("đối thoại3")
        self.glued: frozenset[int] = frozenset(self.plain_notes.values())
        self.after_rule = False  # the last lines read were a rule (and blanks)

    def read(self) -> None:
        body_start = self._read_header()
        appendix = self._find_appendix(body_start)
        trailer_start = self._find_trailer(body_start, appendix)
        for i in range(body_start, self.b):
            line = self.lines[i]
            if trailer_start <= i < appendix and not self._outside_flow(i):
                if not self._overleaf_in_trailer(i):
                    self._role(line, "metadata")
            else:
                self._read_body_line(i)
        signature = [
            self.lines[i].text for i in range(trailer_start, appendix) if not self._outside_flow(i)
        ]
        md.read_signature(signature, self.doc.meta)

    # header / trailer
    def _role(self, line: Line, role: str) -> None:
        if not line.blank:
            start, end = line.content_span()
            self.doc.roles.append((start, end, "rule" if is_rule(line.text) else role))

    def _read_header(self) -> int:
        meta, mode, i, author = self.doc.meta, None, self.a, []
        while i < self.b:
            line = self.lines[i]
            text = md.strip_emphasis(line.text)
            if line.blank or is_rule(line.text):
                mode = None if is_rule(line.text) and mode == "title" else mode
            elif self._is_page_furniture(i):
                pass
            elif (kind := md.doc_type(text)) and not meta.kind:
                meta.kind, mode = kind, "title"
            elif not meta.kind and (kind := _titled_doc_type(text)):
                meta.kind, meta.title_parts, mode = kind, [text], "title"
            elif md.read_number(text, meta) or md.read_place_date(text, meta):
                mode = None
            elif m := md.SUBJECT.match(text):
                meta.kind, meta.title_parts, mode = (
                    meta.kind or "công văn",
                    [f"V/v {m.group(1)}"],
                    "title",
                )
            elif md.RECIPIENTS.match(text):
                mode = "recipients"  # a district reports to its province's body
                meta.province = meta.province or md.province_named(text)  # "Thanh tra tỉnh …"
            elif meta.kind and (m := md.ENACTED_BY.match(text)):
                meta.enacted_by = m.group("number").rstrip(".")
            elif mode == "recipients" and text.startswith(("-", "+")):
                pass
            elif mode == "title" and _names_the_enacting_authority(text, meta):
                mode = "authority"  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" above "Căn cứ …"
            elif mode == "title" and _continues_title(
                text, first=not meta.title_parts, centered=line.text.startswith(_CENTERED)
            ):
                meta.title_parts.append(text)
            elif md.is_national_line(text):
                pass
            elif _may_be_issuer(text) and not meta.kind and mode in (None, "issuer"):
                _read_issuer(text, meta, consecutive=mode == "issuer")  # indented or not
                mode = "issuer"
            elif line.text.startswith((_INDENT, "\t\t")) and len(words(text)) <= 12:
                author.append(text)
                mode = "author"
            else:
                break
            self._role(line, "metadata")
            i += 1
        md.read_author_block(author, meta)
        return i

    def _find_trailer(self, start: int, end: int) -> int:
        """The distribution list and signature that end the text (before any appendix)."""
        for i in range(start, end):
            if md.DISTRIBUTION.match(md.strip_emphasis(self.lines[i].text)):
                return i
        trailer = end
        for i in range(end - 1, start - 1, -1):
            line = self.lines[i]
            if line.blank or self._outside_flow(i) or is_rule(line.text):  # "-----" ends a file's
                continue  # article before the next document's header
            if not _is_signature_line(line.text):
                break
            trailer = i
        return trailer

    def _find_appendix(self, start: int) -> int:
        """An appendix printed after the distribution list or the signature ('Phụ lục 1',
        'PHỤ LỤC') is body text again; ``self.b`` when there is none."""
        signed = False
        previous = None
        for i in range(start, self.b):
            line = self.lines[i]
            if line.blank or self._outside_flow(i):
                continue
            text = md.strip_emphasis(line.text)
            heading = match_heading(text)
            after_signature = previous is not None and _is_signature_line(previous)
            if heading is not None and heading.kind == "appendix" and (signed or after_signature):
                return i
            signed = signed or bool(md.DISTRIBUTION.match(text))
            previous = text
        return self.b

    def _outside_flow(self, i: int) -> bool:
        """Is the line outside the text flow (a footnote at a page bottom, page furniture)?"""
        return self._note_start(i) is not None or self._is_page_furniture(i)

    def _is_page_furniture(self, i: int) -> bool:
        """A running header or footer (``lines.page_furniture``)."""
        return i in self.furniture

    # body
    def _read_body_line(self, i: int) -> None:
        """Each line joins what it continues, or starts a footnote or a paragraph."""
        line = self.lines[i]
        previous = self.lines[i - 1] if i > self.a and not self.lines[i - 1].blank else None
        if previous is not None and self._is_page_furniture(i - 1):
            previous = None  # a page break: what continues across it is joined below
        if self._is_page_furniture(i) or is_rule(line.text):
            self._role(line, "metadata")  # a rule over page-bottom footnotes is no paragraph
            self.after_rule = self.after_rule or is_rule(line.text)
            return
        after_rule, self.after_rule = self.after_rule, self.after_rule and line.blank
        if line.blank:
            if line.text and self.body is not None and self._lost_marker_at_end(previous):
                self._lost_marker(self.body, previous)  # a marker at the very end of a paragraph
            return
        if start := self._note_start(i):
            self._start_footnote(line, *start)
            return
        if after_rule and self._continues_footnote_overleaf(i):
            return
        joined = (
            self._continues_footnote_line(line, previous)
            or self._continues_after_lost_marker(line, previous)
            or self._continues_wrapped_line(line, previous)
            or self._continues_across_page(i, line.text)
        )
        if not joined:
            self.in_footnote_zone = False
            self.body = Block("body", line.no, line.no)
            self.doc.blocks.append(self.body)
            self._extend(self.body, line, "")

    def _lost_marker_at_end(self, previous: Line | None) -> TypeGuard[Line]:
        return bool(
            previous is not None
            and self.lost_style
            and self._body_continues(previous)
            and not is_terminated(previous.text)
        )

    def _continues_footnote_line(self, line: Line, previous: Line | None) -> bool:
        """A footnote printed over several lines at a page bottom."""
        if previous is None or not self.in_footnote_zone or self.footnote is None:
            return False
        return self._extend(self.footnote, line, " ")

    def _continues_footnote_overleaf(self, i: int) -> bool:
        """A footnote cut by a page break goes on under the next page's rule, before that
        page's own footnotes (or its foot, or the end)."""
        following = next((j for j in range(i + 1, self.b) if not self.lines[j].blank), None)
        if self.footnote is None or not self.footnote.open:
            return False  # a note that ended its sentence goes on nowhere
        if following is not None and not self._outside_flow(following):
            return False
        self.in_footnote_zone = True
        return self._extend(self.footnote, self.lines[i], " ")

    def _overleaf_in_trailer(self, i: int) -> bool:
        """Under the rule after the signature: a note cut by the last page break goes on."""
        line = self.lines[i]
        if is_rule(line.text):
            self.after_rule = True
            return False
        if line.blank:
            return False
        after_rule, self.after_rule = self.after_rule, False
        overleaf = after_rule and starts_mid_sentence(line.text)
        return overleaf and self._continues_footnote_overleaf(i)

    def _continues_after_lost_marker(self, line: Line, previous: Line | None) -> bool:
        """Word exports break the line where a footnote reference stood."""
        text, body = line.text, self.body
        if previous is None or body is None or not self.lost_style:
            return False
        if not self._body_continues(previous):
            return False
        if not _lost_marker_break(previous.text, text):
            return False
        if is_field_line(text) and is_field_line(previous.text):
            return False  # an indented row of a data sheet, not a lost marker's line break
        self._lost_marker(body, previous)
        glued = starts_mid_sentence(text) and not starts_lowercase(text)  # ". Ủy ban", "; làm"
        return self._extend(body, line, "" if glued else " ")

    def _continues_wrapped_line(self, line: Line, previous: Line | None) -> bool:
        """Plain text wrapped at a fixed width: a paragraph runs until a blank line."""
        body = self.body
        if previous is None or body is None or not self.wrapped:
            return False
        if not self._body_continues(previous):
            return False
        stripped = line.text.lstrip()
        if stripped.startswith(_PARAGRAPH_OPENERS) or opens_item(stripped):
            return False
        if is_upper_text(body.raw) or (
            match_heading(body.raw) is not None and not starts_lowercase(stripped)
        ):
            return False  # a heading line ends where it ends, unless a lower-case word follows
        if is_field_line(stripped) and (
            is_field_line(previous.text) or is_terminated(previous.text)
        ):
            return False  # "Số phòng học: 131" under "Tổng diện tích đất: 32.231m2"
        return self._extend(body, line, " ")

    def _body_continues(self, previous: Line) -> bool:
        """Is the last line read part of the open body paragraph?"""
        body = self.body
        return body is not None and body.line_end == previous.no and not self.in_footnote_zone

    def _lost_marker(self, body: Block, previous: Line) -> None:
        """Record a lost marker; its context is the text since the block's previous marker."""
        since = max((m.offset for m in self.markers if m.block_id == id(body)), default=0)
        context = body.raw[max(since, len(body.raw) - 300) :]
        self.markers.append(LostMarker(self.index, id(body), len(body.raw), previous.no, context))

    def _continues_across_page(self, i: int, text: str) -> bool:
        """Join text that a PDF page break (with its footnotes) separated from what it continues."""
        continuation = (
            starts_mid_sentence(text) or text.lstrip()[:1].isdigit()
        ) and not opens_item(text)  # "b) …" after "a) …;" is the next item
        body, footnote = self.body, self.footnote
        if continuation:
            if self.in_footnote_zone and body is not None:
                self.in_footnote_zone = False
                return self._extend(body, self.lines[i], " ")
            if self._footnote_follows(i) and footnote is not None and footnote.open:
                return self._extend(footnote, self.lines[i], " ")
            if body is not None and body.open:
                return self._extend(body, self.lines[i], " ")
        elif self.in_footnote_zone and body is not None and body.open and _mid_paragraph(text):
            self.in_footnote_zone = False
            return self._extend(body, self.lines[i], " ")
        return False

    def _footnote_follows(self, i: int) -> bool:
        for j in range(i + 1, self.b):
            if not self.lines[j].blank:
                return self._note_start(j) is not None
        return False

    def _note_start(self, i: int) -> tuple[int, int] | None:
        """A page-bottom footnote's first line: its number and where its label ends."""
        if m := PDF_FOOTNOTE_START.match(self.lines[i].text):
            return superscript_number(m.group(2)), m.end()
        if i in self.plain_notes:
            return self.plain_notes[i], PLAIN_NOTE_START.match(self.lines[i].text).end()  # type: ignore[union-attr]
        return None

    def _start_footnote(self, line: Line, number: int, label_end: int) -> None:
        start, _ = line.content_span()
        self.footnote = Block("footnote", line.no, line.no, number=number)
        self.footnote.remove(start, line.start + label_end)
        self.doc.footnotes.append(self.footnote)
        self.in_footnote_zone = True
        self._extend(self.footnote, line, "", skip=label_end)

    def _extend(self, block: Block, line: Line, joiner: str, skip: int = 0) -> bool:
        start, end = line.content_span()
        start = max(start, line.start + skip)
        body = block.role != "footnote"
        block.append(
            line.text[start - line.start : end - line.start], start, line.no, joiner,
            self.numbers if body else set(), glued=self.glued if body else frozenset(),
        )  # fmt: skip
        return True


def _plain_digit_notes(
    lines: list[Line], a: int, b: int, furniture: frozenset[int]
) -> dict[int, int]:
    """Page-bottom footnotes whose superscript numbers a PDF export made plain digits: under a
    rule line and before the page's end, "1 Kế hoạch số …" numbered on from the previous note
    (index -> number). At most one line (a note cut overleaf) may come between the rule and the
    first note, and after a blank line only a note goes on; anything else ends the notes."""
    notes: dict[int, int] = {}
    last = 0  # the last note's number, printed plain or superscript ("³ Trong đó …")
    under_rule, noted, loose, blank = False, False, 0, False
    for i in range(a, b):
        text = lines[i].text
        if is_rule(text):
            under_rule, noted, loose, blank = True, False, 0, False
        elif not under_rule:
            continue
        elif i in furniture or FORM_FEED in text:
            under_rule = False
        elif lines[i].blank:
            blank = True
        elif (m := PLAIN_NOTE_START.match(text)) and plain_note_number(m) == last + 1:
            notes[i] = last = last + 1
            noted, blank = True, False
        elif m := PDF_FOOTNOTE_START.match(text):
            last, noted, blank = superscript_number(m.group(2)), True, False
        else:
            loose += not noted
            under_rule = not blank and loose <= 1
    return notes


# --- tables typed as text -----------------------------------------------------------------

# a table's rule: "----+------", "|---|:---|", "=====+====="
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*[-=:]{3,}(?:[ \t]*[+|][ \t]*[-=:]{3,})*[ \t]*\|?[ \t]*$")
_NUMERIC_CELL = re.compile(r"[\d.,%/()+\- ]*\d[\d.,%/()+\- ]*")
_ROW_NUMBER_NAMES = frozenset({"stt", "tt", "số tt", "số thứ tự"})
_MIN_TABLE_ROWS = 2  # data rows under a header


def _cells(text: str) -> list[str] | None:
    """The cells of a table row typed with tabs or pipes ("4\tSơn Bua\t24", "| 4 | Sơn Bua |",
    "    | Cộng | 1.436"), empty ones kept in their column; None for a line of another kind."""
    body = text.rstrip()
    if "\t" in body.strip():
        cells = body.split("\t")
    elif body.count("|") >= 2:
        stripped = body.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            body = stripped[1:-1]  # "| 4 | Sơn Bua |": the outer pipes hold no cell
        cells = body.split("|")
    else:
        return None
    cells = [cell.strip() for cell in cells]
    return cells if sum(bool(c) for c in cells) >= 2 and len(cells) >= 3 else None


def _is_data_row(cells: list[str]) -> bool:
    """Two numbers or more; years ("Năm học | 2019-2020 | 2020-2021") name columns."""
    numbers = [c for c in cells if c and _NUMERIC_CELL.fullmatch(c)]
    return len(numbers) >= 2 and not all(TIME_COLUMN.fullmatch(c) for c in numbers)


def text_tables(lines: list[Line]) -> list[Line]:
    """Tables typed with tabs or pipes, each data row rewritten as the line a Word or PDF table
    becomes (``tables.table_lines``): each value after its column's name, "Đơn vị: Sơn Bua;
    Số lượt công dân: 35; …", so a row found alone says what its numbers are. The header rows
    and rules become blank lines; line numbers stay. A run of rows without a header above
    (no column names to give) is left as typed."""
    out = list(lines)
    i = 0
    while i < len(lines):
        end = i
        rows: list[tuple[int, list[str]]] = []
        while end < len(lines):
            if not _TABLE_RULE.match(lines[end].text):  # a rule goes on with the table
                cells = _cells(lines[end].text)
                if cells is None:
                    break
                rows.append((end, cells))
            end += 1
        headers = list(itertools.takewhile(lambda row: not _is_data_row(row[1]), rows))
        data = rows[len(headers) :]
        if headers and len(data) >= _MIN_TABLE_ROWS and all(len(c) > 1 for _, c in data):
            for at in range(i, end):
                out[at] = Line(lines[at].no, lines[at].start, "")
            for at, text in _table_rows(headers, data):
                out[at] = Line(lines[at].no, lines[at].start, text)
        i = max(end, i + 1)
    return out


def _table_rows(
    headers: list[tuple[int, list[str]]], data: list[tuple[int, list[str]]]
) -> list[tuple[int, str]]:
    """(line index, row text) for each data row: its cells after their column names, the row
    number's column left out."""
    grid = [[Cell(column, 1, cell) for column, cell in enumerate(cells)] for _, cells in headers]
    names = table_lines(grid, list(range(len(grid))))[1]
    numbered = {c for c, name in names.items() if name.lower() in _ROW_NUMBER_NAMES}
    body = [
        [Cell(column, 1, "" if column in numbered else cell) for column, cell in enumerate(cells)]
        for _, cells in data
    ]
    lines = table_lines(body, [], names)[0]
    return [(at, text + ".") for (at, _), (text, _, _) in zip(data, lines, strict=True)]


def is_field_line(text: str) -> bool:
    """'Số phòng học: 131', 'Tổng diện tích đất: 32.231m2', or a table row exported with tabs:
    a line of an appendix or data sheet, kept a paragraph of its own."""
    text = md.strip_emphasis(text)
    if "\t" in text or " | " in text or is_table_row(text):
        return True
    m = _FIELD.match(text)
    if m is None or not (m.group("label")[0].isupper() or m.group("label")[0].isdigit()):
        return False
    return len(words(m.group("label"))) <= 12 and len(words(m.group("value"))) <= 10


def _titled_doc_type(text: str) -> str | None:
    """'BÁO CÁO TỰ ĐÁNH GIÁ' opens a header as type and title at once."""
    return md.titled_doc_type(text) if match_heading(text) is None else None


# a Party committee named with its place, over the body that issues: "HUYỆN ỦY BÙ GIA MẬP"
_COMMITTEE_RE = re.compile(r"(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|ĐẢNG) [UỦ][ỶY] \S")
# a committee's own body, named without a place: "BAN DÂN VẬN", "BAN THƯỜNG VỤ", "VĂN PHÒNG"
_OWN_BODY_RE = re.compile(r"(?:BAN|VĂN PHÒNG|ỦY BAN KIỂM TRA)(?: [^\W\d_]+){0,3}")


def _may_be_issuer(text: str) -> bool:
    """An upper-case header line that is not a heading ('CHƯƠNG 1. …', 'TIÊU CHUẨN 1')."""
    return is_upper_text(text) and len(words(text)) <= 12 and match_heading(text) is None


def _read_issuer(text: str, meta: md.Metadata, consecutive: bool) -> None:
    """The issuing body is the last name of the header's first upper-case lines: a superior
    body may stand above it ('ỦY BAN NHÂN DÂN TỈNH …' / 'SỞ KẾ HOẠCH VÀ ĐẦU TƯ'), and a long
    name runs over two lines ('ỦY BAN NHÂN DÂN' / 'TỈNH KON TUM'). A body named without its
    place is the committee's above it: 'HUYỆN ỦY BÙ GIA MẬP' / 'BAN DÂN VẬN' is 'BAN DÂN VẬN
    HUYỆN ỦY BÙ GIA MẬP'."""
    meta.province = meta.province or md.province_named(text)
    if meta.issuer is None or (consecutive and md.starts_issuer_name(text)):
        committee = meta.issuer is not None and _COMMITTEE_RE.match(meta.issuer) is not None
        placeless = _OWN_BODY_RE.fullmatch(canonical(md.strip_emphasis(text)).strip()) is not None
        meta.issuer = f"{text} {meta.issuer}" if committee and placeless else text
    elif consecutive:
        meta.issuer = f"{meta.issuer} {text}"


def _names_the_enacting_authority(text: str, meta: md.Metadata) -> bool:
    """An upper-case line after a title that is written in lower case: the authority that
    enacts a decision ('CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI', 'BỘ TRƯỞNG …')."""
    return (
        is_upper_text(text)
        and len(words(text)) <= 15
        and any(not is_upper_text(part) for part in meta.title_parts)
        and match_heading(text) is None
        and (_AUTHORITY.match(md.strip_emphasis(text)) is not None or md.starts_issuer_name(text))
    )


_CENTERED = (" " * 4, "\t")  # a line typed centred under the document type


def _continues_title(text: str, first: bool = False, centered: bool = False) -> bool:
    """A line of the title under the document type; the first may be a longer subject in
    sentence case ('Ban hành Quy chế tiếp công dân, …') when it does not end a sentence, and
    so may a centred one ('Ủy ban MTTQ Việt Nam huyện trong công tác tiếp công dân, …')."""
    n = len(words(text))
    return (
        match_heading(text) is None
        and not md.RECIPIENTS.match(text)
        and n <= 40
        and (
            is_upper_text(text)
            or starts_lowercase(text)
            or n <= 15
            or ((first or centered) and n <= 30 and not is_terminated(text))
        )
    )


def _is_signature_line(text: str) -> bool:
    text = md.strip_emphasis(text)
    return bool(
        md.SIGNING_FOR.match(text)
        or md.looks_like_name(text)
        or (is_upper_text(text) and len(words(text)) <= 6 and match_heading(text) is None)
    )


def _lost_marker_break(previous: str, text: str) -> bool:
    """A line break where a Word footnote reference stood: mid-sentence, or a line that
    starts with continuing punctuation or a lower-case word."""
    if starts_mid_sentence(text):
        return True
    return text[:1].isspace() and not is_terminated(previous)


def _mid_paragraph(text: str) -> bool:
    stripped = text.lstrip()
    return not stripped.startswith(_PARAGRAPH_OPENERS) and not opens_item(stripped)


# --- 5. lost markers ↔ footnote list ------------------------------------------------------


def _attach_lost_footnotes(
    documents: list[RawDocument], footnotes: list[Block], markers: list[LostMarker]
) -> list[str]:
    if not footnotes:
        return [f"{len(markers)} mid-sentence line breaks but no footnote list"] if markers else []
    alignment: Alignment = align([f.raw for f in footnotes], markers)
    blocks = {id(b): b for doc in documents for b in doc.blocks}
    for footnote, k in zip(footnotes, alignment.marker_of, strict=True):
        if k is None:
            documents[_home_of_unlinked(footnote, footnotes, alignment, markers)].footnotes.append(
                footnote
            )
            continue
        marker = markers[k]
        block = blocks[marker.block_id]
        assert footnote.number is not None  # _read_lost_footnotes numbers every one it reads
        block.markers.append((footnote.number, marker.offset))
        block.markers.sort(key=lambda pair: pair[1])
        documents[marker.doc_index].footnotes.append(footnote)
    return list(alignment.notes)


def _home_of_unlinked(footnote, footnotes, alignment, markers) -> int:
    """An unlinked footnote belongs to the document of the markers around its stretch."""
    k = alignment.near[footnotes.index(footnote)]
    if k is not None:
        return markers[k].doc_index
    return markers[-1].doc_index if markers else 0
