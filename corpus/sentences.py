"""Rule-based sentence splitting for Vietnamese report text.

Spans are ``(start, end)`` offsets into the text given, with surrounding whitespace excluded;
every non-whitespace character lies in exactly one span.
"""

from __future__ import annotations

import bisect
import re

# Terminal punctuation (".", "!", "?", "...", "…", "./."), optional closers, then whitespace.
_TERMINAL_RE = re.compile(r"(?P<punct>(?:\./\.|\.\.\.|[.!?…])+)[”\"'’)\]»]*(?=\s+(?P<next>\S))")
# A paragraph break (blank line) before the next non-whitespace character.
_PARAGRAPH_RE = re.compile(r"\n[^\S\n]*\n\s*(?P<next>\S)")
# A line break before a list item: "- ", "+ ", "1. ", "1.2. ", "II. ", "II- ", "a) ".
_LIST_LINE_RE = re.compile(
    r"\n[^\S\n]*(?=(?:[-+–—•]|\d+(?:\.\d+)*[.)]|[IVXLCDM]+[.\-]|[a-zđ]\))[^\S\n])"
)
# A bare list marker before the terminal dot ("1", "1.2", "IV", "a"): not a sentence.
_MARKER_RE = re.compile(r"[(\[]?(?:\d+(?:\.\d+)*|[IVXLCDM]+|[A-Za-z])")

_OPENERS = '“"([‘«'
_LIST_DASHES = "-+–—•"
# Characters that continue a sentence across a blank line (PDF page/footnote breaks).
_CONTINUATIONS = ",;:.)]”’%"
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "TP", "Tp", "TT", "TX", "Tx", "TS", "Ts", "ThS", "Ths", "Th", "PGS", "Pgs", "GS", "Gs",
        "BS", "Bs", "KS", "TSKH", "NCS", "St", "Q", "P", "v.v", "Tr", "tr", "NXB", "Nxb",
        "TM", "KT", "TL", "TUQ",
    }
)  # fmt: skip


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _OPENERS or char in _LIST_DASHES


def _word_before(text: str, pos: int) -> str:
    """The whitespace-delimited token ending at ``pos``, without leading punctuation."""
    start = pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:pos]
    while word and not word[0].isalnum():
        word = word[1:]
    return word


def _is_abbreviation(word: str) -> bool:
    """Known abbreviation or a single capital initial ("Nguyễn V. An")."""
    return word in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _terminal_cut(text: str, m: re.Match[str], seg_start: int) -> bool:
    if not _starts_sentence(m.group("next")):
        return False
    if m.group("punct") != ".":
        return True
    dot = m.start("punct")
    if _is_abbreviation(_word_before(text, dot)):
        return False
    line_start = max(seg_start, text.rfind("\n", 0, dot) + 1)
    return _MARKER_RE.fullmatch(text[line_start:dot].strip()) is None


def _structural_cuts(text: str) -> set[int]:
    """Cuts at paragraph breaks and before list-item lines."""
    cuts = {m.start() for m in _LIST_LINE_RE.finditer(text)}
    for m in _PARAGRAPH_RE.finditer(text):
        nxt = m.group("next")
        if not (nxt.islower() or nxt in _CONTINUATIONS):
            cuts.add(m.start())
    return cuts


def _cuts(text: str) -> list[int]:
    """Sorted cut offsets; terminal cuts are vetted left to right (marker check needs order)."""
    events: list[tuple[int, re.Match[str] | None]] = [(p, None) for p in _structural_cuts(text)]
    events += [(m.end(), m) for m in _TERMINAL_RE.finditer(text)]
    cuts, seg_start = [], 0
    for pos, m in sorted(events, key=lambda e: e[0]):
        if m is None or _terminal_cut(text, m, seg_start):
            cuts.append(pos)
            seg_start = pos
    return cuts


def _trimmed_spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    bounds = [0, *cuts, len(text)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        end = len(seg.rstrip())
        if end > lead:
            spans.append((a + lead, a + end))
    return spans


def _merge_stray_punctuation(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue a letter-less span (e.g. '").' after '0,93%. ') to the span before it on its line."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        stray = not any(c.isalnum() for c in text[start:end])
        if merged and stray and "\n" not in text[merged[-1][1] : start]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in order, whitespace trimmed, covering all non-space."""
    return _merge_stray_punctuation(text, _trimmed_spans(text, _cuts(text)))


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The span containing ``offset``, else the nearest one before it (else the first).

    Returns ``(offset, offset)`` (clamped to the text) when the text has no sentence.
    """
    spans = split_sentences(text)
    if not spans:
        pos = min(max(offset, 0), len(text))
        return (pos, pos)
    i = bisect.bisect_right([s for s, _ in spans], offset) - 1
    return spans[max(i, 0)]
