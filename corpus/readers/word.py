"""The .docx reader: Word documents read with python-docx and, where it does not reach
(footnotes, numbering labels, tracked changes, text boxes), from the document XML.

The extracted text (``ParsedFile.text``) holds one paragraph a line: the body in document
order (numbering labels as Word prints them, footnote reference marks as superscript digits,
a data table as one line a row: "Năm: 2019; Số cuộc: 673"), then the footnotes ("¹ …"), then
the running headers and footers. ``layout`` turns it into documents, sections and passages.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import metadata as md
from ..chunking import DEFAULT_TOKEN_BUDGET
from ..errors import ReportError
from ..layout import Layout, LineInfo, superscript
from ..model import ParsedFile
from ..tables import Cell, joined, shifted, table_lines
from . import limits
from .extracted import parse_layout, read_bytes

logger = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
CONVERT_DOC = "convert it with `libreoffice --headless --convert-to docx FILE`"

_SKIPPED = {  # subtrees whose text is not printed (or printed elsewhere)
    f"{{{W}}}pPr", f"{{{W}}}rPr", f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}instrText",
    f"{{{W}}}delText", f"{{{W}}}txbxContent", f"{{{_MC}}}Fallback", f"{{{W}}}commentReference",
}  # fmt: skip
_SPACES = {f"{{{W}}}tab": "\t", f"{{{W}}}ptab": "\t", f"{{{W}}}cr": " "}
_BULLET = "•"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _val(element, name: str) -> str | None:
    child = element.find(_w(name)) if element is not None else None
    return None if child is None else child.get(_w("val"), "true")


def _on(value: str | None) -> bool:
    return value is not None and value not in ("0", "false", "off")


def read_docx_file(
    path: Path, source_file: str, doc_id: str, budget: int = DEFAULT_TOKEN_BUDGET
) -> ParsedFile:
    data = read_bytes(path, source_file)
    layout, notes = _Extractor(_open(path, data, source_file)).extract()
    return parse_layout(layout, data, "docx", source_file, doc_id, budget, notes)


def _open(path: Path, data: bytes, source_file: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(OLE_MAGIC):
        raise ReportError(
            source_file,
            f"an old Word .doc (or a password-protected .docx), not a .docx: {CONVERT_DOC}"
            " (remove the password first)",
        )
    try:
        _check_sizes(data, source_file)
        return docx.Document(io.BytesIO(data))  # the bytes checked, not the path again
    except ReportError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReportError(
            source_file,
            f"not a valid .docx file ({type(exc).__name__}: {exc}); save it again from Word or "
            f"{CONVERT_DOC}",
        ) from exc


def _check_sizes(data: bytes, source_file: str) -> None:
    """Refuse a .docx whose parts are too big uncompressed (a zip bomb) before python-docx
    inflates them: first by the sizes the zip directory states, then by inflating each part
    in bounded chunks (a zip can state sizes that are not true)."""
    caps = limits.current()
    part_cap, total_cap = int(caps.docx_part_mb * limits.MB), int(caps.docx_total_mb * limits.MB)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = package.infolist()
        stated = [(part.filename, part.file_size) for part in parts]
        _check_parts(stated, part_cap, total_cap, source_file)
        inflated = [(part.filename, _inflated_size(package, part, part_cap)) for part in parts]
        _check_parts(inflated, part_cap, total_cap, source_file, measured=False)


def _check_parts(sizes, part_cap: int, total_cap: int, source_file: str, measured=True) -> None:
    for name, size in sizes:
        if size > part_cap:
            what = f"the part {name} of this .docx, uncompressed,"
            shown = limits.mb(size) if measured else None  # inflated only up to the cap
            raise limits.refuse(source_file, what, shown, "docx_part_mb", limits.mb(part_cap))
    total = sum(size for _, size in sizes)
    if total > total_cap:
        what = "this .docx uncompressed"
        raise limits.refuse(
            source_file, what, limits.mb(total), "docx_total_mb", limits.mb(total_cap)
        )


def _inflated_size(package: zipfile.ZipFile, part: zipfile.ZipInfo, cap: int) -> int:
    """Bytes the part inflates to, reading at most ``cap + 1`` of them, a chunk at a time."""
    size = 0
    with package.open(part) as stream:
        while size <= cap and (chunk := stream.read(1 << 20)):
            size += len(chunk)
    return size


# --- styles and numbering -------------------------------------------------------------------


class _Styles:
    """Paragraph style facts through the basedOn chain: outline level, numbering, caps."""

    def __init__(self, root):
        self.by_id = {}
        self.default = None
        for style in root.iter(_w("style")) if root is not None else ():
            if style.get(_w("type")) == "paragraph":
                self.by_id[style.get(_w("styleId"))] = style
                if _on(style.get(_w("default"))):
                    self.default = style.get(_w("styleId"))

    def chain(self, style_id: str | None) -> Iterator:
        seen = set()
        style_id = style_id or self.default
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = _val(style, "basedOn")

    def heading_level(self, style_id: str | None, ppr) -> int | None:
        """Word's outline level 1–9 of a heading paragraph (None for body text)."""
        level = _val(ppr, "outlineLvl")
        if level is None:
            for style in self.chain(style_id):
                name = (_val(style, "name") or "").lower()
                if name.startswith("heading ") and name[8:].isdigit():
                    return int(name[8:])
                level = _val(style.find(_w("pPr")), "outlineLvl")
                if level is not None:
                    break
        return int(level) + 1 if level is not None and level.isdigit() and int(level) < 9 else None

    def numbering(self, style_id: str | None) -> tuple[str, str | None] | None:
        for style in self.chain(style_id):
            numpr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if numpr is not None:
                return _val(numpr, "numId") or "0", _val(numpr, "ilvl")
        return None

    def is_contents(self, style_id: str | None) -> bool:
        """Table-of-contents entries ("toc 1", "TOC Heading") repeat the headings."""
        return any(
            (_val(style, "name") or "").lower().startswith("toc ") for style in self.chain(style_id)
        )

    def caps(self, style_id: str | None) -> bool:
        for style in self.chain(style_id):
            value = _val(style.find(_w("rPr")), "caps")
            if value is not None:
                return _on(value)
        return False


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False
    suffix: str = " "


@dataclass
class _List:
    key: str  # lists that share counters
    levels: dict[int, _Level] = field(default_factory=dict)
    styles: dict[str, int] = field(default_factory=dict)  # style id -> level


class _Numbering:
    """Numbering labels as Word prints them: "I.", "1.", "1.2.", "a)", "•"."""

    def __init__(self, root):
        self.lists: dict[str, _List] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract = {a.get(_w("abstractNumId")): a for a in root.iter(_w("abstractNum"))}
        for num in root.iter(_w("num")):
            num_id, abstract_id = num.get(_w("numId")), _val(num, "abstractNumId")
            definition = abstract.get(abstract_id)
            overrides = {
                int(o.get(_w("ilvl"), "0")): o for o in num.iter(_w("lvlOverride"))
            }  # fmt: skip
            listing = _List(num_id if overrides else f"a{abstract_id}")
            for lvl in definition.iter(_w("lvl")) if definition is not None else ():
                ilvl = int(lvl.get(_w("ilvl"), "0"))
                listing.levels[ilvl] = self._level(lvl)
                if style := _val(lvl, "pStyle"):
                    listing.styles[style] = ilvl
            for ilvl, override in overrides.items():
                if (lvl := override.find(_w("lvl"))) is not None:
                    listing.levels[ilvl] = self._level(lvl)
                if (start := _val(override, "startOverride")) is not None:
                    listing.levels.setdefault(ilvl, _Level()).start = int(start)
            self.lists[num_id] = listing

    @staticmethod
    def _level(lvl) -> _Level:
        suffix = {"tab": " ", "space": " ", "nothing": ""}.get(_val(lvl, "suff") or "tab", " ")
        start = _val(lvl, "start")
        return _Level(
            fmt=_val(lvl, "numFmt") or "decimal", text=_val(lvl, "lvlText") or "",
            start=int(start) if start and start.lstrip("-").isdigit() else 1,
            legal=_on(_val(lvl, "isLgl")), suffix=suffix,
        )  # fmt: skip

    def label(self, num_id: str, ilvl: str | None, style_id: str | None) -> str:
        listing = self.lists.get(num_id)
        if listing is None or num_id == "0":
            return ""
        level = int(ilvl) if ilvl is not None else listing.styles.get(style_id or "", 0)
        counters = self.counters.setdefault(listing.key, {})
        spec = listing.levels.get(level, _Level())
        counters[level] = counters.get(level, spec.start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = spec.text
        for k in range(level, -1, -1):
            shown = listing.levels.get(k, _Level())
            value = counters.get(k, shown.start)
            fmt = "decimal" if spec.legal and k < level else shown.fmt
            text = text.replace(f"%{k + 1}", _format_number(value, fmt))
        if spec.fmt == "bullet":
            text = _BULLET if not text or any("\ue000" <= ch <= "\uf8ff" for ch in text) else text
        if spec.fmt == "none" or not text:
            return ""
        return text + spec.suffix


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = ""
    for amount, numeral in numerals:
        while value >= amount:
            out, value = out + numeral, value - amount
    return out


# --- paragraphs ---------------------------------------------------------------------------


@dataclass
class _Para:
    """One paragraph's printed text, its reference marks and what its style says."""

    text: str = ""
    marks: list[tuple[str, int, int, int]] = field(default_factory=list)  # (kind, id, start, end)
    heading_level: int | None = None
    contents: bool = False  # a table-of-contents entry (style "TOC n"): not report text
    boxes: list = field(default_factory=list)  # text boxes anchored here: their paragraphs


class _Extractor:
    def __init__(self, document):
        self.document = document
        parts = {
            rel.reltype.rsplit("/", 1)[-1]: rel.target_part
            for rel in document.part.rels.values()
            if not rel.is_external
        }
        self.styles = _Styles(self._xml(parts.get("styles")))
        self.numbering = _Numbering(self._xml(parts.get("numbering")))
        self.notes_xml = {kind: self._notes(parts.get(f"{kind}s"), kind) for kind in _NOTE_KINDS}
        self.numbers: dict[tuple[str, str], int] = {}  # (kind, id) -> number printed
        self.layout = Layout()
        self.findings: list[str] = []

    @staticmethod
    def _xml(part):
        if part is None:
            return None
        element = getattr(part, "element", None)
        return element if element is not None else etree.fromstring(part.blob)

    def _notes(self, part, kind: str) -> dict[str, object]:
        root = self._xml(part)
        if root is None:
            return {}
        return {
            note.get(_w("id")): note
            for note in root.iter(_w(kind))
            if note.get(_w("type"), "normal") == "normal"
        }

    def extract(self) -> tuple[Layout, list[str]]:
        body = self.document.element.body
        self._blocks(body)
        self._footnotes()
        self._furniture()
        return self.layout, self.findings

    # body
    def _blocks(self, container, role: str = "body") -> None:
        for child in container:
            if child.tag == _w("p"):
                self._paragraph(self._read(child), role)
            elif child.tag == _w("tbl"):
                self._table(child, role)
            elif child.tag in (_w("sdt"), _w("customXml")):
                content = child.find(_w("sdtContent"))
                self._blocks(content if content is not None else child, role)

    def _paragraph(self, para: _Para, role: str) -> None:
        if para.contents:
            self._line(para.text, [], "furniture")
            return
        for text, marks in _split_columns(para):
            self._line(text, marks, role, para.heading_level)
        for box in para.boxes:
            self._blocks(box, role)

    def _line(self, text, marks, role, heading_level=None) -> None:
        if not text.strip():
            return
        markers = tuple((self._number(kind, ident), a, b) for kind, ident, a, b in marks)
        level = None if heading_level is None else heading_level + 1  # level 1 is "Phần"
        self.layout.add(text, LineInfo(role=role, heading_level=level, markers=markers))

    def _number(self, kind: str, ident: int) -> int:
        key = (kind, str(ident))
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        return self.numbers[key]

    def _read(self, p) -> _Para:
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr, "pStyle")
        para = _Para(
            heading_level=self.styles.heading_level(style_id, ppr),
            contents=self.styles.is_contents(style_id),
        )
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        if numpr is not None:
            numbering = (_val(numpr, "numId") or "0", _val(numpr, "ilvl"))
        else:
            numbering = self.styles.numbering(style_id)
        if numbering is not None:
            para.text = self.numbering.label(*numbering, style_id)
        self._runs(p, para, self.styles.caps(style_id))
        return para

    def _runs(self, element, para: _Para, caps: bool) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED:
                if tag == _w("txbxContent"):
                    para.boxes.append(child)
                continue
            if tag == _w("r"):
                rpr = child.find(_w("rPr"))
                if _on(_val(rpr, "vanish")):
                    continue
                run_caps = caps if _val(rpr, "caps") is None else _on(_val(rpr, "caps"))
                self._run(child, para, run_caps)
            else:
                self._runs(child, para, caps)

    def _run(self, run, para: _Para, caps: bool) -> None:
        for child in run:
            tag = child.tag
            if tag == _w("t"):
                para.text += child.text.upper() if caps and child.text else child.text or ""
            elif tag in _SPACES:
                para.text += _SPACES[tag]
            elif tag == _w("br"):
                para.text += " "
            elif tag == _w("noBreakHyphen"):
                para.text += "-"
            elif tag == _w("sym"):
                code = int(child.get(_w("char"), "2022"), 16)
                para.text += _BULLET if 0xF000 <= code <= 0xF0FF else chr(code)
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                ident = int(child.get(_w("id"), "0"))
                mark = superscript(self._number(kind, ident))
                start = len(para.text)
                para.text += mark
                para.marks.append((kind, ident, start, len(para.text)))
            elif tag in (_w("footnoteRef"), _w("endnoteRef")):
                pass  # a footnote's own number: written from the reference order
            elif tag not in (_w("rPr"), _w("delText"), _w("instrText")):
                self._runs(child, para, caps)  # drawings: their text boxes

    # tables
    def _table(self, tbl, role: str) -> None:
        trs = _rows_of(tbl)
        rows = [self._row(tr) for tr in trs]
        paragraphs = [para for row in rows for _, _, paras in row for para in paras]
        columns = max((column + span for row in rows for column, span, _ in row), default=0)
        if role != "body" or len(rows) < 2 or columns < 2 or _is_layout(paragraphs):
            for para in paragraphs:
                self._paragraph(para, role)
            return
        header_rows = [
            i for i, tr in enumerate(trs) if _on(_val(tr.find(_w("trPr")), "tblHeader"))
        ] or [0]
        cells = [[_cell(column, span, paras) for column, span, paras in row] for row in rows]
        for text, marks, line_role in table_lines(cells, header_rows)[0]:
            self._line(text, marks, line_role)

    def _row(self, tr) -> list[tuple[int, int, list[_Para]]]:
        cells, column = [], 0
        for tc in tr:
            if tc.tag != _w("tc"):
                continue
            tcpr = tc.find(_w("tcPr"))
            span = int(_val(tcpr, "gridSpan") or "1")
            merge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            continued = merge is not None and merge.get(_w("val"), "continue") == "continue"
            paragraphs = [] if continued else [self._read(p) for p in _paragraphs_in(tc)]
            cells.append((column, span, paragraphs))
            column += span
        return cells

    # footnotes and running headers/footers
    def _footnotes(self) -> None:
        read = set()
        self.layout.blank()
        for (kind, ident), number in sorted(self.numbers.items(), key=lambda item: item[1]):
            note = self.notes_xml[kind].get(ident)
            if note is None:
                self.findings.append(f"{kind} {number}: referenced but missing from the file")
                continue
            read.add((kind, ident))
            first = True
            for p in _paragraphs_in(note):
                para = self._read(p)
                text = para.text.strip()
                if first:
                    mark = superscript(number)
                    self.layout.add(
                        f"{mark} {text}",
                        LineInfo(role="footnote", footnote=number, label=len(mark)),
                    )
                    first = False
                elif text:
                    self.layout.add(text, LineInfo(role="footnote"))
        for kind, notes in self.notes_xml.items():
            unread = [ident for ident in notes if (kind, ident) not in read]
            if unread:
                self.findings.append(f"{len(unread)} {kind}(s) not referenced in the text")
        if any(kind == "endnote" for kind, _ in self.numbers):
            self.findings.append("endnotes are numbered after the footnotes, in reading order")

    def _furniture(self) -> None:
        seen: set[str] = set()
        self.layout.blank()
        for section in self.document.sections:
            for part in (
                section.header, section.first_page_header, section.even_page_header,
                section.footer, section.first_page_footer, section.even_page_footer,
            ):  # fmt: skip
                if part.is_linked_to_previous:
                    continue
                for p in _paragraphs_in(part.part.element):
                    text = self._read(p).text.strip()
                    if text and text not in seen:
                        seen.add(text)
                        self.layout.add(text, LineInfo(role="furniture"))


_NOTE_KINDS = ("footnote", "endnote")


def _cell(column: int, span: int, paragraphs: list[_Para]) -> Cell:
    """A table cell's paragraphs as one stripped text (nested tables included)."""
    pieces = []
    for p in paragraphs:
        stripped = p.text.strip()
        if stripped:
            lead = len(p.text) - len(p.text.lstrip())
            pieces.append((stripped, shifted(p.marks, -lead)))
    text, marks = joined(pieces, " ")
    return Cell(column, span, text, marks)


def _paragraphs_in(element) -> list:
    """Paragraphs inside ``element`` (nested tables included), not those of its text boxes,
    which their anchoring paragraph reads."""
    return [p for p in element.iter(_w("p")) if not _inside_box(p, element)]


def _inside_box(p, element) -> bool:
    for ancestor in p.iterancestors():
        if ancestor is element:
            return False
        if ancestor.tag == _w("txbxContent"):
            return True
    return False


def _rows_of(tbl) -> list:
    """The table's own rows (not those of tables nested in its cells)."""
    rows = []
    for tr in tbl.iter(_w("tr")):
        parent = tr.getparent()
        while parent is not None and parent.tag != _w("tbl"):
            parent = parent.getparent()
        if parent is tbl:
            rows.append(tr)
    return rows


def _is_metadata(text: str) -> bool:
    text = " ".join(text.split())
    return bool(
        md.is_national_line(text)
        or md.NUMBER.match(text)
        or md.PLACE_DATE.match(text)
        or md.SIGNING_FOR.match(text)
        or md.DISTRIBUTION.match(text)
        or md.RECIPIENTS.match(text)
    )


def _is_layout(paragraphs: list[_Para]) -> bool:
    """The header or signature block laid out in a table: its cells are separate lines."""
    return any(_is_metadata(p.text) for p in paragraphs)


def _split_columns(para: _Para) -> list[tuple[str, list]]:
    """'TỈNH ỦY KON TUM<tab><tab>ĐẢNG CỘNG SẢN VIỆT NAM': header columns typed with tabs."""
    text = para.text
    inner = text.strip()
    if "\t" not in inner:
        return [(text, para.marks)]
    parts, position = [], 0
    for piece in text.split("\t"):
        if piece.strip():
            parts.append((position, position + len(piece)))
        position += len(piece) + 1
    if len(parts) < 2 or not any(_is_metadata(text[a:b]) for a, b in parts):
        return [(text, para.marks)]
    return [
        (text[a:b], [(k, n, x - a, y - a) for k, n, x, y in para.marks if a <= x < b])
        for a, b in parts
    ]
