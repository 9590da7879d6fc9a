"""Real .docx files for the reader tests, written with python-docx, plus the XML python-docx
does not write: footnotes (word/footnotes.xml with its relationship and content type), heading
numbering, fields, tracked changes. PDFs are made from them by LibreOffice (``to_pdf``)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm, Mm, Pt

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEADING_NUM_ID = 100  # I. / 1. / a) numbering for Heading 1 / Heading 2 / list items


@dataclass(frozen=True)
class Note:
    """A footnote reference at this point of a paragraph, with the footnote's text."""

    text: str


Cell = str | tuple[str, Note]  # a table cell: text, or text with a footnote


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WordWriter:
    """``official``: the layout of Decree 30/2020 (14 pt, justified, first-line indent, no
    spacing between paragraphs), where only the indent shows where a paragraph starts."""

    def __init__(self, font: str = "Times New Roman", size: float = 13, official: bool = False):
        self.doc = docx.Document()
        self.footnotes: list[str] = []
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = font, Pt(14 if official else size)
        normal.paragraph_format.space_after = Pt(0 if official else 6)
        if official:
            normal.paragraph_format.space_before = Pt(0)
            normal.paragraph_format.first_line_indent = Cm(1.27)
            normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for name in ("Heading 1", "Heading 2", "Heading 3"):
            self.doc.styles[name].font.name = font
        section = self.doc.sections[0]
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(20)
        self._add_heading_numbering()

    # content
    def paragraph(self, *parts: str | Note, style: str | None = None, bold: bool = False,
                  center: bool = False, numbering: tuple[int, int] | None = None):  # fmt: skip
        p = self.doc.add_paragraph(style=style)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if numbering is not None:
            num_id, level = numbering
            p._p.get_or_add_pPr().append(
                parse_xml(  # type: ignore[arg-type]  # lxml appends any element
                    f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
                    "</w:numPr>"
                )
            )
        for part in parts:
            if isinstance(part, Note):
                self._reference(p, part.text)
            else:
                p.add_run(part).bold = bold or None
        return p

    def heading(self, text: str, level: int, numbered: bool = True):
        numbering = (HEADING_NUM_ID, level - 1) if numbered else None
        return self.paragraph(text, style=f"Heading {level}", numbering=numbering)

    def table(self, rows: list[list[Cell | list[Cell]]], grid: bool = True,
              header_repeats: bool = False):  # fmt: skip
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        if grid:
            table.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = table.cell(i, j)
                lines = value if isinstance(value, list) else [value]
                for k, line in enumerate(lines):
                    p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                    if isinstance(line, tuple):
                        p.add_run(line[0])
                        self._reference(p, line[1].text)
                    else:
                        p.add_run(line)
        if header_repeats:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(parse_xml(f"<w:tblHeader {W_NS}/>"))
        return table

    def tracked_change(self, kept: str, deleted: str, inserted: str, rest: str):
        """A paragraph with a tracked deletion and insertion (the reader shows the result)."""
        p = self.doc.add_paragraph(kept)
        change = 'w:id="{}" w:author="A" w:date="2020-11-01T00:00:00Z"'
        p._p.append(
            parse_xml(  # type: ignore[arg-type]  # lxml appends any element
                f'<w:del {W_NS} {change.format(901)}><w:r><w:delText xml:space="preserve">'
                f"{_escape(deleted)}</w:delText></w:r></w:del>"
            )
        )
        p._p.append(
            parse_xml(  # type: ignore[arg-type]  # lxml appends any element
                f'<w:ins {W_NS} {change.format(902)}><w:r><w:t xml:space="preserve">'
                f"{_escape(inserted)}</w:t></w:r></w:ins>"
            )
        )
        p.add_run(rest)
        return p

    def comment(self, paragraph, text: str) -> None:
        self.doc.add_comment(paragraph.runs, text=text, author="Người góp ý")

    def running_header(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].text = text

    def page_number_footer(self, prefix: str = "Trang ") -> None:
        p = self.doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(prefix)
        p._p.append(
            parse_xml(f'<w:fldSimple {W_NS} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        )

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: Path) -> Path:
        self._write_footnotes()
        self.doc.save(str(path))
        return path

    # XML python-docx does not write
    def _reference(self, p, text: str) -> None:
        self.footnotes.append(text)
        run = p.add_run()
        run._r.append(
            parse_xml(
                f'<w:rPr {W_NS}><w:rStyle w:val="FootnoteReference"/>'
                '<w:vertAlign w:val="superscript"/></w:rPr>'
            )
        )
        run._r.append(parse_xml(f'<w:footnoteReference {W_NS} w:id="{len(self.footnotes)}"/>'))

    def _write_footnotes(self) -> None:
        if not self.footnotes:
            return
        notes = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>",
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote>",
        ]
        for i, text in enumerate(self.footnotes, start=1):
            paragraphs = "".join(
                f'<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>{ref}<w:r><w:rPr><w:sz w:val="20"/>'
                f'</w:rPr><w:t xml:space="preserve">{" " if ref else ""}{_escape(line)}</w:t>'
                "</w:r></w:p>"
                for line, ref in zip(
                    text.split("\n"),
                    [
                        '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="20"/></w:rPr>'
                        "<w:footnoteRef/></w:r>"
                    ]
                    + [""] * text.count("\n"),
                    strict=True,
                )  # fmt: skip
            )
            notes.append(f'<w:footnote w:id="{i}">{paragraphs}</w:footnote>')
        xml = f"<w:footnotes {W_NS}>{''.join(notes)}</w:footnotes>"
        part = Part(
            PackURI("/word/footnotes.xml"),
            CONTENT_TYPE.WML_FOOTNOTES,
            xml.encode("utf-8"),
            self.doc.part.package,
        )
        self.doc.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)

    def _add_heading_numbering(self) -> None:
        numbering = self.doc.part.numbering_part.element
        levels = [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)")]
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        abstract = parse_xml(
            f'<w:abstractNum {W_NS} w:abstractNumId="{HEADING_NUM_ID}">'
            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
        )
        first_num = numbering.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num"
        )
        first_num.addprevious(abstract)  # abstractNum elements come before num elements
        numbering.append(
            parse_xml(
                f'<w:num {W_NS} w:numId="{HEADING_NUM_ID}">'
                f'<w:abstractNumId w:val="{HEADING_NUM_ID}"/></w:num>'
            )
        )


def soffice() -> str:
    """The LibreOffice binary; the tests that need it fail (not skip) without it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise RuntimeError(
            "LibreOffice is needed to make the PDF fixtures: apt-get install libreoffice-writer"
        )
    return found


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    """Convert several .docx files to PDF in one LibreOffice start (seconds per start)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdfs = [outdir / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return pdfs
