"""Keyword retrieval: the Vietnamese analyzer over four BM25 fields.

    exact(d)  = bm25_words(d)        + wb * bm25_bigrams(d)
    folded(d) = bm25_words_folded(d) + wb * bm25_bigrams_folded(d)
    score(d)  = exact(d) + wf * folded(d)      query typed with diacritics
    score(d)  = folded(d)                      query typed without any

so "đường" keeps ranking above "dương" for a query with diacritics, while "duong" finds both.
Weights were chosen on MLQA-vi dev and the bundled-report questions (benchmarks/tune.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from baocao.index.analyzer import ANALYZER_VERSION, Terms, analyze, fold, is_unaccented
from baocao.index.bm25 import BM25Builder, BM25Settings, SparseBM25

FIELDS = ("words", "bigrams", "words_folded", "bigrams_folded")


@dataclass(frozen=True)
class KeywordSettings:
    bm25: BM25Settings = field(default_factory=BM25Settings)
    bigram_weight: float = 0.2
    folded_weight: float = 0.2  # for queries typed with diacritics
    analyzer_version: int = ANALYZER_VERSION

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> KeywordSettings:
        return cls(**{**data, "bm25": BM25Settings(**data["bm25"])})


def field_terms(terms: Terms) -> dict[str, list[str]]:
    return {
        "words": terms.words,
        "bigrams": terms.bigrams,
        "words_folded": fold(terms.words),
        "bigrams_folded": fold(terms.bigrams),
    }


def field_weights(query: str, settings: KeywordSettings) -> dict[str, float]:
    """Each field's weight in a query's score (the formula above), for every backend."""
    wb, wf = settings.bigram_weight, settings.folded_weight
    if is_unaccented(query):
        return {"words_folded": 1.0, "bigrams_folded": wb}
    return {"words": 1.0, "bigrams": wb, "words_folded": wf, "bigrams_folded": wf * wb}


class KeywordIndex:
    def __init__(self, fields: dict[str, SparseBM25], settings: KeywordSettings) -> None:
        self.fields = fields
        self.settings = settings

    @property
    def size(self) -> int:
        return self.fields["words"].size

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        settings: KeywordSettings | None = None,
        workdir: Path | None = None,
    ) -> KeywordIndex:
        """``workdir``: where the fields' build files go (default: the system's temp folder)."""
        return cls.build_from_terms((analyze(text) for text in texts), settings, workdir)

    @classmethod
    def build_from_terms(
        cls,
        analysed: Iterable[Terms],
        settings: KeywordSettings | None = None,
        workdir: Path | None = None,
    ) -> KeywordIndex:
        """``build`` from texts already analysed (``analyzer.analyze``)."""
        settings = settings or KeywordSettings()
        builders = {name: BM25Builder(workdir) for name in FIELDS}
        for terms in analysed:
            for name, tokens in field_terms(terms).items():
                builders[name].add(tokens)
        return cls({name: b.finish(settings.bm25) for name, b in builders.items()}, settings)

    def field_weights(self, query: str) -> dict[str, float]:
        return field_weights(query, self.settings)

    def scores(self, query: str) -> np.ndarray:
        """One score per indexed text (0 where no query term occurs)."""
        return self._score(query)[0]

    def search(
        self, query: str, k: int, among: np.ndarray | None = None
    ) -> tuple[list[int], np.ndarray]:
        """The k best rows among those holding a query term (and in ``among`` when given),
        and every row's score.

        Rows are chosen by holding a term, not by a positive score: in a corpus of one or two
        passages BM25Okapi's idf makes every weight zero or negative. Where every weight is
        positive (any larger corpus) the two are the same, and the rows come from the scores.
        """
        scores, rows = self._score(query)
        if rows is None:  # positive weights: a row holds a term exactly when its score is > 0
            if among is None:
                return top_positive(scores, k), scores
            rows = among[scores[among] > 0]
        elif among is not None:
            rows = np.intersect1d(rows, among, assume_unique=True)
        return top_rows(scores, rows, k), scores

    def _score(self, query: str) -> tuple[np.ndarray, np.ndarray | None]:
        """Every row's score, and the rows holding a query term — None when every weight of
        the fields searched is positive (then they are the rows scoring above 0)."""
        terms = field_terms(analyze(query))
        weighted = {name: w for name, w in self.field_weights(query).items() if w}
        scores = np.zeros(self.size)
        for name, weight in weighted.items():
            field_scores = np.zeros(self.size)
            if self.fields[name].add_scores(terms[name], field_scores):
                field_scores *= weight
                scores += field_scores
        if all(self.fields[name].positive for name in weighted):
            return scores, None
        matched = np.zeros(self.size, dtype=bool)
        for name in weighted:
            matched[self.fields[name].rows_holding(terms[name])] = True
        return scores, np.flatnonzero(matched)

    def save(self, directory: Path) -> None:
        for name, index in self.fields.items():
            index.save(directory, f"bm25_{name}")

    @classmethod
    def load(cls, directory: Path, settings: KeywordSettings) -> KeywordIndex:
        fields = {name: SparseBM25.load(directory, f"bm25_{name}") for name in FIELDS}
        sizes = {index.size for index in fields.values()}
        if len(sizes) != 1:
            raise ValueError(f"BM25 fields disagree on the number of passages: {sorted(sizes)}")
        return cls(fields, settings)


def top_positive(scores: np.ndarray, k: int) -> list[int]:
    """``top_rows`` over the rows scoring above 0, without sorting them all: the k-th best of
    the maxima of k or more blocks of rows is a floor for the k-th best score (each of those
    blocks holds a row at or above it), so only rows at or above it can be in the top k."""
    blocks = min(len(scores) // 64, 64 * k)
    floor = 0.0
    if blocks >= k:
        width = len(scores) // blocks
        maxima = scores[: blocks * width].reshape(blocks, width).max(axis=1)
        floor = max(floor, np.partition(maxima, blocks - k)[blocks - k])
    rows = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    return top_rows(scores, rows, k)


def top_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> list[int]:
    """The k of ``rows`` with the highest scores, best first; ties go to the lower row, so the
    top k is always a prefix of the top k + 1."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size > k > 0:
        kth_best = -np.partition(-scores[rows], k - 1)[k - 1]
        rows = rows[scores[rows] >= kth_best]  # everything tied with the k-th stays in the race
    order = np.lexsort((rows, -scores[rows]))
    return rows[order][:k].tolist()
