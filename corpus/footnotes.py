"""Recovering lost footnote anchors in Word-to-text exports.

The export drops every footnote reference and breaks the body line where it stood; the
footnote bodies are listed at the end of the file, each starting with U+FFFD. The i-th footnote
belongs to the i-th lost marker. When the counts agree that is the whole story. When they do
not (a marker at the very end of a paragraph leaves no trace), footnotes whose wording clearly
repeats the words just before one marker pin the alignment; between such anchors, a stretch
with as many markers as footnotes is linked in order and any other stretch is left unlinked
rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vietnamese import canonical

ANCHOR_MIN_WORDS = 3  # a shared run of this many words pins a footnote to a marker
_CONTEXT_WORDS = 25


@dataclass(frozen=True)
class LostMarker:
    doc_index: int
    block_id: int  # id() of the body Block holding the marker
    offset: int  # offset in that block's raw text
    line_no: int  # the line that ends where the marker stood
    context: str  # body text just before the marker


@dataclass(frozen=True)
class Alignment:
    marker_of: tuple[int | None, ...]  # per footnote: index into the markers, or None
    notes: tuple[str, ...]
    near: tuple[int | None, ...] = ()  # unlinked footnotes: a marker of their stretch, if any


def align(footnote_texts: list[str], markers: list[LostMarker]) -> Alignment:
    n, m = len(footnote_texts), len(markers)
    if n == m:
        return Alignment(tuple(range(n)), (), tuple(range(n)))
    anchors = _anchors(footnote_texts, markers)
    marker_of: list[int | None] = [None] * n
    near: list[int | None] = [None] * n
    notes: list[str] = [f"{n} footnotes but {m} lost markers found"]
    bounds = [(-1, -1), *anchors, (n, m)]
    for (f0, m0), (f1, m1) in zip(bounds, bounds[1:], strict=False):
        if 0 <= f0 < n:
            marker_of[f0] = m0
        footnotes, found = range(f0 + 1, f1), range(m0 + 1, m1)
        if len(footnotes) == len(found):
            for f, k in zip(footnotes, found, strict=True):
                marker_of[f] = k
        elif footnotes:
            for f in footnotes:
                near[f] = found[0] if found else (m0 if m0 >= 0 else None)
            numbers = ", ".join(str(f + 1) for f in footnotes)
            notes.append(
                f"footnotes {numbers} left unlinked: {len(footnotes)} footnotes but "
                f"{len(found)} lost markers between the neighbouring anchors"
            )
    for f, k in enumerate(marker_of):
        near[f] = k if k is not None else near[f]
    return Alignment(tuple(marker_of), tuple(notes), tuple(near))


def _anchors(footnote_texts: list[str], markers: list[LostMarker]) -> list[tuple[int, int]]:
    """(footnote, marker) pairs whose shared wording is long and unique, in increasing order."""
    contexts = [_words(mk.context)[-_CONTEXT_WORDS:] for mk in markers]
    pairs = []
    for f, text in enumerate(footnote_texts):
        head = _words(text)[:_CONTEXT_WORDS]
        scores = [_longest_common_run(head, ctx) for ctx in contexts]
        best = max(scores, default=0)
        if best >= ANCHOR_MIN_WORDS and scores.count(best) == 1:
            pairs.append((f, scores.index(best)))
    return _increasing(pairs)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing in both footnote and marker index."""
    best: list[list[tuple[int, int]]] = []
    for pair in pairs:
        chains = [c for c in best if c[-1][0] < pair[0] and c[-1][1] < pair[1]]
        best.append([*max(chains, key=len, default=[]), pair])
    return max(best, key=len, default=[])


def _words(text: str) -> list[str]:
    return [w.strip(".,;:()“”\"'") for w in canonical(text).lower().split() if w.strip(".,;:()")]


def _longest_common_run(a: list[str], b: list[str]) -> int:
    best, previous = 0, [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
