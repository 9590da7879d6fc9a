"""Dense retrieval: FAISS inner product over L2-normalised float32 vectors.

Small collections get exact (flat) search; from ``hnsw_threshold`` vectors on, an HNSW graph.
Rows are positions in the vectors given to ``build``; they never leave ``index/``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import faiss
import numpy as np

logger = logging.getLogger(__name__)

KINDS = ("flat", "hnsw")


@dataclass(frozen=True)
class DenseSettings:
    hnsw_threshold: int = 50_000  # exact search below this many vectors, HNSW at or above
    # Chosen by bench_scale's sweep at 1M stand-in vectors (docs/benchmarks.md "Scale"): recall@10
    # against exact .978 at p50 3.7 ms; M 32 / efC 80 / efSearch 256 gave .899 at 2.0 ms.
    hnsw_m: int = 48  # graph neighbours per node
    ef_construction: int = 120
    ef_search: int = 512

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"dense setting {item.name} must be a positive integer: {value!r}")

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DenseSettings:
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown dense settings {unknown}: expected some of {sorted(known)}")
        return cls(**data)


class DenseIndex:
    """A FAISS index over unit vectors; ``search`` returns inner products (cosines)."""

    def __init__(self, index: faiss.Index, settings: DenseSettings | None = None) -> None:
        self._owner = index  # a downcast wrapper does not own the C++ object: keep this alive
        self._index = faiss.downcast_index(index)
        if self._index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("dense index must use the inner-product metric (METRIC_INNER_PRODUCT)")
        if not isinstance(self._index, faiss.IndexFlatIP | faiss.IndexHNSWFlat):
            raise ValueError(
                f"dense index type {type(self._index).__name__} is not supported: expected "
                "IndexFlatIP (flat) or IndexHNSWFlat (hnsw)"
            )
        self.settings = settings or DenseSettings()
        if isinstance(self._index, faiss.IndexHNSWFlat):
            self._index.hnsw.efSearch = self.settings.ef_search

    @classmethod
    def build(cls, vectors: np.ndarray, settings: DenseSettings | None = None) -> DenseIndex:
        """Flat or HNSW (by ``settings.hnsw_threshold``) over the rows of ``vectors``."""
        settings = settings or DenseSettings()
        matrix = _check_matrix(vectors, "vectors")
        n, dim = matrix.shape
        _warn_if_not_unit(matrix)
        if n >= settings.hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = settings.ef_construction
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(matrix)
        logger.debug(
            "built a %s dense index: %d vectors of %d dimensions", cls._kind(index), n, dim
        )
        return cls(index, settings)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        return self._kind(self._index)

    @staticmethod
    def _kind(index: faiss.Index) -> str:
        return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"

    def search(
        self, query_vectors: np.ndarray, k: int, among: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows), each (n, k); missing results have row -1 and score -inf.

        ``among``: only these rows are searched (FAISS IDSelectorBatch, exact for flat).
        """
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        queries = np.atleast_2d(np.asarray(query_vectors))
        queries = _check_matrix(queries, "query_vectors", dim=self.dim)
        params = None if among is None else self._selection(among)
        if queries.shape[0] == 1:
            with _single_thread():
                scores, rows = self._index.search(queries, int(k), params=params)
        else:
            scores, rows = self._index.search(queries, int(k), params=params)
        scores[rows < 0] = -np.inf
        return scores, rows

    def _selection(self, among: np.ndarray) -> faiss.SearchParameters:
        selector = faiss.IDSelectorBatch(np.asarray(among, dtype=np.int64))
        if self.kind == "hnsw":
            # faiss' stubs lack SearchParametersHNSW and the keyword arguments its SWIG
            # constructors take
            return faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                sel=selector, efSearch=self.settings.ef_search
            )
        return faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]

    def search_one(
        self, vector: np.ndarray, k: int, among: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """[(row, score), ...] best first, at most ``k`` (fewer when the index is smaller)."""
        vector = np.asarray(vector)
        if vector.ndim != 1:
            raise ValueError(f"vector must be 1-D ({self.dim},), got shape {vector.shape}")
        scores, rows = self.search(vector, k, among)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def score_rows(self, vector: np.ndarray, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Inner products of ``vector`` with the stored vectors of ``rows`` (exact, any kind)."""
        if not len(rows):
            return np.empty(0, dtype=np.float32)
        stored = self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return stored @ np.asarray(vector, dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write the index with faiss.write_index (atomically: temporary file, then rename)."""
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        try:
            faiss.write_index(self._index, str(partial))
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)

    @classmethod
    def load(
        cls, path: Path, settings: DenseSettings | None = None, *, dim: int | None = None
    ) -> DenseIndex:
        """Read an index written by ``save``; ``dim``, when given, must match."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"dense index file {path} not found")
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as error:
            raise ValueError(f"dense index file {path} could not be read: {error}") from error
        loaded = cls(index, settings)
        if dim is not None and loaded.dim != dim:
            raise ValueError(
                f"dense index file {path} holds {loaded.dim}-dimensional vectors, expected {dim}: "
                "rebuild the index with the current encoder"
            )
        return loaded

    def __repr__(self) -> str:
        return f"DenseIndex(kind={self.kind!r}, size={self.size}, dim={self.dim})"


@contextmanager
def _single_thread() -> Iterator[None]:
    """One OpenMP thread for this block: a single query is ~2.5x slower with two (FACTS.md).

    omp_set_num_threads sets the *calling thread's* OpenMP setting (libgomp keeps it per thread;
    measured), so searches running in other threads are unaffected and no lock is needed.
    """
    previous = faiss.omp_get_max_threads()
    if previous == 1:
        yield
        return
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def _check_matrix(vectors: Any, field: str, dim: int | None = None) -> np.ndarray:
    try:
        matrix = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{field} must be a float32-castable array: {error}") from None
    if matrix.ndim != 2:
        raise ValueError(f"{field} must be 2-D (n, dim), got shape {matrix.shape}")
    if matrix.shape[1] == 0 or (dim is not None and matrix.shape[1] != dim):
        expected = dim if dim is not None else "> 0"
        raise ValueError(f"{field} have {matrix.shape[1]} dimensions, expected {expected}")
    bad = ~np.isfinite(matrix).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(f"{field} contain NaN or infinite values (rows {rows}, ...)")
    return np.ascontiguousarray(matrix)


def _warn_if_not_unit(matrix: np.ndarray) -> None:
    if not len(matrix):
        return
    norms = np.linalg.norm(matrix, axis=1)
    if np.abs(norms - 1.0).max() > 1e-3:
        logger.warning(
            "dense vectors are not L2-normalised (norms %.3g..%.3g): scores are inner products, "
            "not cosines",
            norms.min(),
            norms.max(),
        )
