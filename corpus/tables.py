"""Tables as lines: the row format every reader writes a data table in (Word, PDF and tables
typed as text), so a row found alone says what each of its values is."""

from __future__ import annotations

from dataclasses import dataclass, field

Mark = tuple  # (..., start, end): a reference mark, its offsets last


@dataclass
class Cell:
    column: int  # first grid column
    span: int  # grid columns covered
    text: str  # stripped; ``marks`` index into it
    marks: list[Mark] = field(default_factory=list)


def shifted(marks: list[Mark], by: int) -> list[Mark]:
    return [(*mark[:-2], mark[-2] + by, mark[-1] + by) for mark in marks]


def joined(pieces: list[tuple[str, list[Mark]]], separator: str) -> tuple[str, list[Mark]]:
    text, marks = "", []
    for piece, piece_marks in pieces:
        if text:
            text += separator
        marks += shifted(piece_marks, len(text))
        text += piece
    return text, marks


def table_lines(
    rows: list[list[Cell]], header_rows: list[int], names: dict[int, str] | None = None
) -> tuple[list[tuple[str, list[Mark], str]], dict[int, str]]:
    """A data table as lines: the header row ("Năm; Số cuộc") as a "table-header" line, then
    one body line a row with each value after its column's name ("Năm: 2019; Số cuộc: 673"),
    so a row found alone still says what its numbers are. ``names`` carries the header of a
    table continued from the page before; the column names are returned for the next page."""
    names = dict(names or {})
    if header_rows:
        names = {}
    for i in header_rows:
        for cell in rows[i]:
            for column in range(cell.column, cell.column + cell.span):
                names[column] = " ".join(filter(None, [names.get(column), cell.text]))
    lines = []
    for i in header_rows:
        text, marks = joined([(c.text, c.marks) for c in rows[i] if c.text], "; ")
        lines.append((text, marks, "table-header"))
    for i, row in enumerate(rows):
        if i in header_rows:
            continue
        pieces = []
        for cell in row:
            value = cell.text
            if not value:
                continue
            name = names.get(cell.column, "")
            prefix = f"{name}: " if name and name != value else ""
            pieces.append((prefix + value, shifted(cell.marks, len(prefix))))
        text, marks = joined(pieces, "; ")
        lines.append((text, marks, "body"))
    return lines, names
