"""Checks that a parse lost nothing: every source character accounted for once, passages
that partition the text. Used by the tests and the parser fuzzer (benchmarks/fuzz_parser.py)."""

from __future__ import annotations

import unicodedata

from .model import ParsedFile
from .vietnamese import clean

TEXT_ROLES = {"body", "caption", "footnote"}


def uncovered_or_doubled(parsed: ParsedFile) -> list[str]:
    """Every non-space source character lies in exactly one classified span."""
    count = [0] * len(parsed.text)
    for span in parsed.spans:
        for i in range(span.start, span.end):
            count[i] += 1
    problems = []
    for i, ch in enumerate(parsed.text):
        if not ch.isspace() and count[i] != 1:
            line = parsed.text.count("\n", 0, i) + 1
            problems.append(f"char {i} {ch!r} (line {line}) covered {count[i]} times")
    return problems


def passage_problems(parsed: ParsedFile) -> list[str]:
    """Passages partition the body/caption/footnote text and say what their spans hold."""
    problems = []
    owner: dict[int, str] = {}
    for p in parsed.passages:
        for a, b in p.spans:
            for i in range(a, b):
                if i in owner and not parsed.text[i].isspace():
                    problems.append(f"char {i} in {owner[i]} and {p.passage_id}")
                owner[i] = p.passage_id
        source = "".join(parsed.text[a:b] for a, b in p.spans)
        if _squash(clean(source)) != _squash(p.text):
            problems.append(f"{p.passage_id}: text differs from its source spans")
        if p.char_start != min(a for a, _ in p.spans) or p.char_end != max(b for _, b in p.spans):
            problems.append(f"{p.passage_id}: char range does not match spans")
    for span in parsed.spans:
        if span.role in TEXT_ROLES:
            for i in range(span.start, span.end):
                if _is_text(parsed.text[i]) and i not in owner:
                    problems.append(f"{span.role} char {i} {parsed.text[i]!r} is in no passage")
    return problems


def _is_text(ch: str) -> bool:
    """Characters that carry text: not spaces, not the control characters cleaning drops."""
    return not ch.isspace() and clean(ch) != ""


def _squash(text: str) -> str:
    """Without whitespace, then NFC: a combining mark that starts a line composes with the
    letter before it once the line break is gone (found by hypothesis)."""
    return unicodedata.normalize("NFC", "".join(text.split()))
