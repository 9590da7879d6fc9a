"""Adaptive search: BM25 first, and the query encoder only where it can change the answer.

``route`` is the decision, a small pure function of what BM25 already knows about a query
(``Signals``: its best scores, how much of the query's idf mass its first hit holds, the shape
of the query) and of thresholds in ``RouteSettings``. The thresholds are chosen by
``python -m baocao.benchmarks.tune route`` on tune splits only (gold tune, and the tune halves of
MLQA-vi and XQuAD-vi); the figures are in docs/benchmarks.md ("Adaptive search").

The mode itself lives once, above every backend (``qa.search.Searcher``): it asks the index
for BM25's ranking, and for the hybrid ranking only when ``route`` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

from baocao.index.analyzer import analyze, document_numbers, is_unaccented, term_spans

# Why a query was routed as it was (``Route.reason``; the API's ``route``).
NO_KEYWORD_MATCH = "no_keyword_match"  # BM25 found nothing: only the encoder can
DOCUMENT_NUMBER = "document_number"  # a lookup by number ("1138/KH-UBND"): no meaning to encode
UNACCENTED = "unaccented"  # hybrid gives dense no weight then: encoding changes nothing
QUOTED = "quoted"  # a quoted phrase: the passages holding it are what was asked for
CLEAR_WINNER = "clear_winner"  # BM25's first hit stands out and holds most of the query
UNSURE = "unsure"  # none of the above: fuse BM25 with dense, as hybrid does
REASONS = (NO_KEYWORD_MATCH, DOCUMENT_NUMBER, UNACCENTED, QUOTED, CLEAR_WINNER, UNSURE)


@dataclass(frozen=True)
class RouteSettings:
    """When adaptive search encodes the query (``python -m baocao.benchmarks.tune route``
    chooses the thresholds)."""

    # BM25's first hit is a clear winner when its score is at least ``min_margin`` above the
    # ``margin_depth``-th hit's, relative to its own: (s1 - s_n) / s1 ...
    # Chosen on the tune splits (gold tune, the own-folder sets blind10-14 pooled, MLQA-vi and
    # XQuAD-vi halves) as the setting closest to the quality target in test-sized resamples of
    # each (none meets it in 95% of every one; docs/benchmarks.md, "Adaptive search"): 54% of
    # the gold tune questions encoded, 67% of the own folders', 55% of MLQA-vi's, 26% of XQuAD's.
    margin_depth: int = 2
    min_margin: float = 0.3
    # ... and it holds at least this share of the query's idf mass (query words no passage
    # holds count in the whole: a word the reports never use hints at a paraphrase). 0: the
    # margin alone decides (0.5 skipped the encoder on blind13 questions it would have helped).
    min_coverage: float = 0.0
    # A document number with at most this many other words is a lookup by number:
    # "Kế hoạch số 1138/KH-UBND của UBND tỉnh" (6 other words).
    doc_number_words: int = 6
    # Hybrid ranks a query typed without diacritics by BM25 alone (FusionSettings
    # .unaccented_weights: dense 0), so encoding it changes nothing; nor is a quoted phrase a
    # question of meaning. True encodes them anyway.
    encode_unaccented: bool = False
    encode_quoted: bool = False

    def __post_init__(self) -> None:
        if self.margin_depth < 2:
            raise ValueError(f"route margin_depth must be at least 2, got {self.margin_depth}")
        if self.min_margin < 0 or not 0 <= self.min_coverage <= 1:
            raise ValueError("route min_margin must be >= 0 and min_coverage in [0, 1]")
        if self.doc_number_words < 0:
            raise ValueError("route doc_number_words must be >= 0")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> RouteSettings:
        return cls(**data)


@dataclass(frozen=True)
class Signals:
    """What BM25's ranking and the query's own shape say, before any encoding."""

    scores: tuple[float, ...]  # BM25's best scores, best first (empty: no passage matched)
    coverage: float  # share of the query's idf mass found in BM25's first hit (0..1)
    unaccented: bool  # typed without any diacritic
    quoted: bool  # holds a quoted phrase
    doc_numbers: int  # document numbers in the query ("16-BC/TU", "1138/KH-UBND")
    other_words: int  # the query's other words (numbers included)

    def margin(self, depth: int) -> float:
        """(s1 - s_depth) / s1: how far the first hit stands above the depth-th; 1.0 when
        fewer than ``depth`` passages matched (nothing to confuse it with)."""
        if len(self.scores) < depth:
            return 1.0
        first = self.scores[0]
        return (first - self.scores[depth - 1]) / first if first > 0 else 0.0


@dataclass(frozen=True)
class Route:
    dense: bool  # encode the query and fuse (as hybrid), or keep BM25's ranking
    reason: str  # one of REASONS


def route(signals: Signals, settings: RouteSettings | None = None) -> Route:
    """Whether adaptive search encodes the query, and why."""
    settings = settings or RouteSettings()
    if not signals.scores:
        return Route(True, NO_KEYWORD_MATCH)
    if signals.doc_numbers and signals.other_words <= settings.doc_number_words:
        return Route(False, DOCUMENT_NUMBER)
    if signals.unaccented and not settings.encode_unaccented:
        return Route(False, UNACCENTED)
    if signals.quoted and not settings.encode_quoted:
        return Route(False, QUOTED)
    clear = signals.margin(settings.margin_depth) >= settings.min_margin
    if clear and signals.coverage >= settings.min_coverage:
        return Route(False, CLEAR_WINNER)
    return Route(True, UNSURE)


def signals(
    query: str,
    scores: Sequence[float],
    first_text: str | None,
    document_frequency: Callable[[str], int],
    passages: int,
    quoted: bool = False,
) -> Signals:
    """The signals of ``query`` from BM25's ``scores`` (best first) and its first hit's text;
    ``document_frequency(term)`` counts the passages holding an analyzer term, of ``passages``.
    About 0.1 ms: the query's terms and the first hit's."""
    words = list(dict.fromkeys(analyze(query, expand=False).words))  # as written
    numbers = set(document_numbers(query))
    weight = {term: _idf(document_frequency(term), passages) for term in words}
    held = {term for term, _, _ in term_spans(first_text)} if first_text else set()
    mass = sum(weight.values())
    coverage = sum(w for term, w in weight.items() if term in held) / mass if mass else 0.0
    return Signals(
        scores=tuple(float(s) for s in scores),
        coverage=coverage,
        unaccented=is_unaccented(query),
        quoted=quoted,
        doc_numbers=len(numbers),
        other_words=sum(term not in numbers for term in words),
    )


def _idf(frequency: int, passages: int) -> float:
    """Lucene's BM25 idf (never negative): rare terms weigh most, unknown ones the most."""
    return math.log(1 + (passages - frequency + 0.5) / (frequency + 0.5))
