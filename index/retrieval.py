"""One search, whatever the backend: the mode switch, the fusion and the ``Hit``s.

A backend gives its retrievers (``Retrievers``): which passages ``Filters`` leave (as it
evaluates them: a row mask, an expression), BM25's ranking, the dense ranking, dense scores of
given passages and the passages of given keys. ``search`` does the rest, the same way for all.
Keys are whatever a backend ranks (row numbers, passage ids); they never leave index/.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from baocao.corpus.model import Passage
from baocao.corpus.vietnamese import canonical
from baocao.index.analyzer import is_unaccented
from baocao.index.encoders import Encoder
from baocao.index.filters import Filters
from baocao.index.fusion import FusionSettings, rank_keys, reciprocal_rank_fusion, weighted_sum
from baocao.index.hit import Hit, InvalidQuery, check_mode

K = TypeVar("K", bound=Hashable)
S = TypeVar("S")  # a backend's form of a filter (a row mask, an expression)


class NothingPasses:
    """What ``Retrievers.selection`` returns when it knows no passage passes the filters."""


NOTHING = NothingPasses()


@dataclass(frozen=True)
class KeywordRanking(Generic[K]):
    """BM25's best keys, best first, and the BM25 scores of any keys (0 where no term occurs):
    fusion needs them for the dense candidates too."""

    order: list[K]
    scores: Callable[[Sequence[K]], Mapping[K, float]]


class Retrievers(Protocol[K, S]):
    encoder: Encoder

    def selection(self, filters: Filters) -> S | None | NothingPasses:
        """The backend's form of ``filters``: None when every passage passes."""
        ...

    def keyword_ranking(self, query: str, k: int, selection: S | None) -> KeywordRanking[K]: ...

    def dense_ranking(
        self, vector: np.ndarray, k: int, selection: S | None
    ) -> list[tuple[K, float]]: ...

    def dense_scores(self, vector: np.ndarray, keys: Sequence[K]) -> Mapping[K, float]: ...

    def passages_at(self, keys: Sequence[K]) -> Mapping[K, Passage]: ...


def search(
    retrievers: Retrievers,
    fusion: FusionSettings,
    query: str,
    k: int = 10,
    mode: str = "hybrid",
    filters: Filters | None = None,
) -> list[Hit]:
    """The k best passages for ``query`` by ``mode`` ("hybrid", "bm25" or "dense") among
    those ``filters`` accept."""
    check_mode(mode)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidQuery(f"k must be at least 1, got {k!r}")
    query = canonical(query)
    if not query.strip():
        return []
    selection = retrievers.selection(filters or Filters())
    if selection is NOTHING:
        return []
    depth = max(k, fusion.depth)
    if mode == "bm25":
        ranking = retrievers.keyword_ranking(query, k, selection)
        scores = ranking.scores(ranking.order[:k])
        pairs = [(key, scores[key]) for key in ranking.order[:k]]
        return single_list_hits("bm25", pairs, retrievers.passages_at)
    vector = retrievers.encoder.encode_queries([query])[0]
    dense = retrievers.dense_ranking(vector, depth, selection)
    if mode == "dense":
        return single_list_hits("dense", dense[:k], retrievers.passages_at)
    ranking = retrievers.keyword_ranking(query, depth, selection)
    weights = fusion.unaccented_weights if is_unaccented(query) else fusion.weights
    dense_scores = dict(dense)
    missing = [key for key in ranking.order if key not in dense_scores]
    dense_scores.update(retrievers.dense_scores(vector, missing))
    return fused_hits(ranking, dense, dense_scores, k, weights, fusion, retrievers.passages_at)


def single_list_hits(
    name: str,
    pairs: Sequence[tuple[K, float]],
    passages_at: Callable[[Sequence[K]], Mapping[K, Passage]],
) -> list[Hit]:
    passages = passages_at([key for key, _ in pairs])
    return [
        Hit(passages[key], rank, float(score), {name: float(score)}, {name: rank})
        for rank, (key, score) in enumerate(pairs, start=1)
    ]


def fused_hits(
    keyword: KeywordRanking[K],
    dense: Sequence[tuple[K, float]],
    dense_scores: Mapping[K, float],
    k: int,
    weights: Mapping[str, float],
    fusion: FusionSettings,
    passages_at: Callable[[Sequence[K]], Mapping[K, Passage]],
) -> list[Hit]:
    """BM25's and the dense ranking fused (``fusion.method``) into the k best hits;
    ``dense_scores`` holds the dense score of every candidate of both rankings."""
    dense_order = [key for key, _ in dense]
    candidates = list(dict.fromkeys([*keyword.order, *dense_order]))
    keyword_scores = {key: float(score) for key, score in keyword.scores(candidates).items()}
    if fusion.method == "rrf":
        rankings = {"bm25": keyword.order, "dense": dense_order}
        fused = reciprocal_rank_fusion(rankings, fusion.rrf_k, weights)
    else:
        fused = weighted_sum({"bm25": keyword_scores, "dense": dense_scores}, weights)
    bm25_rank = {key: rank for rank, key in enumerate(keyword.order, start=1)}
    dense_rank = {key: rank for rank, key in enumerate(dense_order, start=1)}
    top = rank_keys(fused, k)
    passages = passages_at(top)
    hits = []
    for rank, key in enumerate(top, start=1):
        ranks = {"fused": rank}
        if key in bm25_rank:
            ranks["bm25"] = bm25_rank[key]
        if key in dense_rank:
            ranks["dense"] = dense_rank[key]
        scores = {
            "bm25": keyword_scores[key],
            "dense": float(dense_scores[key]),
            "fused": float(fused[key]),
        }
        hits.append(Hit(passages[key], rank, float(fused[key]), scores, ranks))
    return hits
