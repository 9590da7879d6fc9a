"""Paragraphs and footnotes built from pieces of source lines, keeping every source offset.

A ``Block`` is a paragraph (or footnote) being assembled: its raw text, the source offset of
every raw character (``-1`` for the spaces it inserts between joined lines), the footnote
markers found in it and the source spans removed from its text (markers, emphasis asterisks).
``fragment(a, b)`` turns a stretch of raw text into normalised text with its markers and the
exact source spans it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .lines import BODY_MARKER, EMPHASIS, UNIT_BEFORE_EXPONENT, is_terminated, superscript_number
from .vietnamese import clean

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Fragment:
    text: str
    markers: tuple[tuple[int, int], ...]  # (footnote, offset in text)
    spans: tuple[tuple[int, int], ...]  # source spans, in order


@dataclass(eq=False)
class Block:
    role: str  # body | footnote | caption | heading | title
    line_start: int
    line_end: int
    raw: str = ""
    source: list[int] = field(default_factory=list)
    markers: list[tuple[int, int]] = field(default_factory=list)  # (footnote, offset in raw)
    removed: list[tuple[int, int]] = field(default_factory=list)
    number: int | None = None  # footnote number
    heading_level: int | None = None  # a heading level the source states (a Word heading style)

    def append(
        self,
        text: str,
        start: int,
        line_no: int,
        joiner: str,
        footnotes: set[int],
        cuts: list[tuple[int, int, int | None]] | None = None,
        glued: frozenset[int] = frozenset(),
    ) -> None:
        """Add ``text`` (found at source offset ``start``) after ``joiner``.

        Footnote markers and emphasis stars are found in the text (markers only for numbers
        in ``footnotes``; ``glued``: numbers of a note list that a Word export wrote as plain
        digits glued to a word, "đối thoại3") unless the source states them: ``cuts`` are then
        the exact stretches [a, b) of ``text`` to remove, with the footnote number of the marker
        there (or None)."""
        if self.raw and joiner:
            self.raw += joiner
            self.source += [-1] * len(joiner)
        self.line_end = max(self.line_end, line_no)
        pieces = _pieces(text, footnotes, glued) if cuts is None else _kept_and_cut(text, cuts)
        for a, b, number, kept in pieces:
            if kept:
                self.raw += text[a:b]
                self.source += range(start + a, start + b)
                continue
            self.removed.append((start + a, start + b))
            if number is not None:
                self.markers.append((number, len(self.raw)))

    def remove(self, start: int, end: int) -> None:
        """Account for source text that is structure, not content (a footnote's number)."""
        self.removed.append((start, end))

    def source_spans(self) -> tuple[tuple[int, int], ...]:
        """The contiguous source spans of everything kept in the raw text."""
        return _runs(self.source)

    @property
    def open(self) -> bool:
        return not is_terminated(self.raw)

    def fragment(self, a: int = 0, b: int | None = None, last: bool = True) -> Fragment:
        """Text of raw[a:b]; markers at b belong here only when this is the ``last`` stretch."""
        b = len(self.raw) if b is None else b
        inside = [(n, o - a) for n, o in self.markers if a <= o < b or (last and o == b)]
        text, markers = normalise_with_offsets(self.raw[a:b], inside)
        return Fragment(text, markers, _runs(self.source[a:b]))


# "đối thoại3," "96,3%4." — a note number glued to the end of a word, a share or a closing
# quote (not "m2", "km2", "H2", nor the '4' of '"4 xin, 4 luôn"')
BRACKETED_MARKER = re.compile(r"(?<=\S)(?:\[(\d{1,3})\]|\((\d{1,3})\))")  # "vận[1]", "học(1)"
GLUED_MARKER = re.compile(
    r"(?:(?<=[^\W\d_A-Z]{2})|(?<=%)|(?<=[^\W\d_][”\"]))(\d{1,2})(?=[\s,.;:)”\"]|$)"
)


def _pieces(
    text: str, footnotes: set[int], glued: frozenset[int] = frozenset()
) -> Iterator[tuple[int, int, int | None, bool]]:
    """Split text into kept stretches and removed ones (footnote markers, emphasis stars)."""
    cuts: list[tuple[int, int, int | None]] = []
    for m in GLUED_MARKER.finditer(text) if glued else ():
        unit = re.search(r"[^\W\d_]+$", text[: m.start()])
        exponent = unit is not None and unit.group() in ("m", "km", "cm", "dm")  # "32.231m2"
        if int(m.group(1)) in glued and not exponent:
            cuts.append((m.start(), m.end(), int(m.group(1))))
    for m in BRACKETED_MARKER.finditer(text) if glued else ():  # "dân vận[1];"
        number = int(m.group(1) or m.group(2))
        if number in glued:
            cuts.append((m.start(), m.end(), number))
    for m in BODY_MARKER.finditer(text):
        number = superscript_number(m.group(0))
        exponent = m.group(2) is not None and UNIT_BEFORE_EXPONENT.search(text[: m.start()])
        if number in footnotes and not exponent:
            cuts.append((m.start(), m.end(), number))
    for m in EMPHASIS.finditer(text):
        stars = len(m.group(1))
        cuts += [(m.start(), m.start() + stars, None), (m.end() - stars, m.end(), None)]
    return _kept_and_cut(text, cuts)


def _kept_and_cut(
    text: str, cuts: list[tuple[int, int, int | None]]
) -> Iterator[tuple[int, int, int | None, bool]]:
    position = 0
    for a, b, number in sorted(cuts):
        if a < position:
            continue
        if a > position:
            yield position, a, None, True
        yield a, b, number, False
        position = b
    if position < len(text):
        yield position, len(text), None, True


def _runs(offsets: list[int]) -> tuple[tuple[int, int], ...]:
    runs: list[list[int]] = []
    for offset in offsets:
        if offset < 0:
            continue
        if runs and runs[-1][1] == offset:
            runs[-1][1] = offset + 1
        else:
            runs.append([offset, offset + 1])
    return tuple((a, b) for a, b in runs)


def normalise_with_offsets(
    raw: str, markers: list[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Clean (NFC, odd spaces) and collapse whitespace, carrying marker offsets along."""
    cuts = sorted({offset for _, offset in markers} | {0, len(raw)})
    text, position_of = "", {}
    for a, b in zip(cuts, cuts[1:], strict=False):
        position_of[a] = len(text)
        segment = _SPACES.sub(" ", clean(raw[a:b]))
        if text.endswith(" ") and segment.startswith(" "):
            segment = segment[1:]
        text += segment
    position_of[len(raw)] = len(text)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    moved = tuple(
        (number, min(max(position_of[offset] - lead, 0), len(stripped)))
        for number, offset in markers
    )
    return stripped, moved
