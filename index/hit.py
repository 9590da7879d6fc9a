"""What a search returns: a passage with its score breakdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from baocao.corpus.model import Passage

SEARCH_MODES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class Hit:
    """One result. ``scores``/``ranks`` keys: "bm25", "dense", "fused" — only those computed.

    ``ranks`` start at 1 and are the passage's place in that retriever's own ranking; a
    retriever that did not return the passage among its candidates has no rank for it.
    """

    passage: Passage
    rank: int
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)


class InvalidQuery(ValueError):
    """A query, ``k``, mode or filter that a search does not accept: the caller's fault, and the
    message names the field and what it accepts (the API answers 422 with it). Any other
    ``ValueError`` raised while searching is the server's own fault."""


def check_mode(mode: str) -> str:
    if mode not in SEARCH_MODES:
        raise InvalidQuery(f"search mode {mode!r}: expected one of {', '.join(SEARCH_MODES)}")
    return mode
