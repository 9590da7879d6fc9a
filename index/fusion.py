"""Fusion of ranked lists: small pure functions over {key: score} maps.

Keys are whatever the caller ranks (row numbers inside index/, passage ids outside).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

FUSION_METHODS = ("weighted", "rrf")


@dataclass(frozen=True)
class FusionSettings:
    """How hybrid search merges BM25 and dense results (chosen by benchmarks/bench_index.py)."""

    # Chosen on MLQA-vi dev and the gold questions together (docs/benchmarks.md, "Choosing the
    # defaults"); kept when `python -m baocao.benchmarks.tune fusion` re-examined it on tune splits
    # only (no candidate beat it beyond noise).
    method: str = "weighted"
    weights: dict[str, float] = field(default_factory=lambda: {"bm25": 0.6, "dense": 0.4})
    # Typed without diacritics, Vietnamese defeats the encoder (MLQA-vi dense nDCG@10 .26):
    # such queries rank by the folded BM25 fields alone.
    unaccented_weights: dict[str, float] = field(
        default_factory=lambda: {"bm25": 1.0, "dense": 0.0}
    )
    rrf_k: int = 60
    depth: int = 50  # candidates taken from each retriever

    def __post_init__(self) -> None:
        if self.method not in FUSION_METHODS:
            raise ValueError(f"fusion method {self.method!r}: expected one of {FUSION_METHODS}")
        if self.depth < 1 or self.rrf_k < 0:
            raise ValueError("fusion depth must be >= 1 and rrf_k >= 0")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> FusionSettings:
        return cls(**data)


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[Key]], k: int = 60, weights: Mapping[str, float] | None = None
) -> dict[Key, float]:
    """RRF (Cormack et al. 2009): score(d) = sum_r w_r / (k + rank_r(d)), ranks from 1."""
    fused: dict[Key, float] = {}
    for name, ranking in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 0.0)
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def min_max_normalize(scores: Mapping[Key, float]) -> dict[Key, float]:
    """(s - min) / (max - min); every score 1.0 when they are all equal."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    return {key: (s - low) / (high - low) for key, s in scores.items()}


def weighted_sum(
    scores: Mapping[str, Mapping[Key, float]], weights: Mapping[str, float]
) -> dict[Key, float]:
    """Convex combination of min-max normalised scores: sum_r w_r * norm_r(d).

    A key missing from one retriever's map gets nothing from it.
    """
    fused: dict[Key, float] = {}
    for name, by_key in scores.items():
        weight = weights.get(name, 0.0)
        for key, value in min_max_normalize(by_key).items():
            fused[key] = fused.get(key, 0.0) + weight * value
    return fused


def rank_keys(scores: Mapping[Key, float], k: int | None = None) -> list[Key]:
    """Keys by descending score; ties keep first-seen order."""
    ordered = sorted(scores, key=scores.__getitem__, reverse=True)
    return ordered if k is None else ordered[:k]
