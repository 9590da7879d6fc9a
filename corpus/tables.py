"""Tables as lines: the row format every reader writes a data table in (Word, PDF and tables
typed as text), so a row found alone says what each of its values is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a column named by a year or school year ("2019", "Năm 2020", "2021-2022"): the row's label
# goes before each of its values ("Số lớp năm học 2021-2022: 13")
TIME_COLUMN = re.compile(
    r"(?:(?:năm(?: học)?|nhiệm kỳ|giai đoạn)\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?",
    re.IGNORECASE,
)
_TIME_HEADERS = ("năm", "năm học")  # the first column's name over year columns

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
    so a row found alone still says what its numbers are; under year columns each value after
    the row's label and its year ("Số lớp năm học 2021-2022: 13"). ``names`` carries the header
    of a table continued from the page before; the column names are returned for the next page."""
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
    timed = {column for column, name in names.items() if TIME_COLUMN.fullmatch(name)}
    for i, row in enumerate(rows):
        if i in header_rows:
            continue
        label = _row_label(row, timed)
        pieces = []
        for cell in row:
            value = cell.text
            if not value or (label is not None and cell is label):
                continue
            name = names.get(cell.column, "")
            if label is not None and cell.column in timed:
                name = _timed_name(label.text, names.get(label.column, ""), name)
            prefix = f"{name}: " if name and name != value else ""
            pieces.append((prefix + value, shifted(cell.marks, len(prefix))))
        text, marks = joined(pieces, "; ")
        lines.append((text, marks, "body"))
    return lines, names


def _row_label(row: list[Cell], timed: set[int]) -> Cell | None:
    """The cell of the row's words when its values stand under year columns: "Số lớp"."""
    if not timed:
        return None
    return next((c for c in row if c.column not in timed and _has_letters(c.text)), None)


def _timed_name(label: str, label_header: str, year: str) -> str:
    """ "Số lớp năm học 2021-2022": a value's row label and its year column; the label
    column's name ("Năm học") says the time word."""
    time_word = label_header.lower() if label_header.lower() in _TIME_HEADERS else ""
    if re.match(r"\d", year) is None:  # "Năm 2020": the column names its time word
        time_word = ""
    return " ".join(p for p in (label, time_word, year) if p)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
