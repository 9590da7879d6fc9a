"""A persistent passage-vector cache (SQLite), keyed by encoder fingerprint and text hash.

Rebuilding an index re-encodes only texts the cache has not seen with the same encoder. The
cache is an optimisation: if its file is corrupt or unreadable, indexing goes on without it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from tqdm import tqdm

from ..cache_dir import cache_dir
from ..progress import draws_bars
from .embed_worker import EncoderWorker, WorkerCrashed, WorkerUnavailable
from .encoders import Encoder

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 10.0  # without a progress bar, a line with the time left this often

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    fingerprint TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (fingerprint, text_sha256)
) WITHOUT ROWID
"""
_VECTOR_DTYPE = np.dtype("<f4")  # little-endian float32 bytes in the BLOB
_CHUNK = 500  # keys per SELECT (SQLite limits bound parameters)
_TIMEOUT_S = 60.0  # wait this long for another process's write lock


def text_key(text: str) -> str:
    """sha256 hex of the UTF-8 text: the cache key of a passage."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_embedding_cache() -> EmbeddingCache:
    """The shared cache under ``$BAOCAO_CACHE_DIR`` (default ``~/.cache/baocao``)."""
    return EmbeddingCache(cache_dir("embeddings") / "vectors.sqlite")


class EmbeddingCache:
    """Vectors by (encoder fingerprint, text sha256); safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = self._open()

    @property
    def enabled(self) -> bool:
        """False once the cache file proved unusable (every lookup then misses)."""
        return self._conn is not None

    def get_many(self, fingerprint: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes`` (absent keys are simply missing)."""
        found: dict[str, np.ndarray] = {}
        hashes = list(dict.fromkeys(hashes))
        for start in range(0, len(hashes), _CHUNK):
            for key, blob in self._select(fingerprint, hashes[start : start + _CHUNK]):
                found[key] = np.frombuffer(blob, dtype=_VECTOR_DTYPE).astype(np.float32)
        return found

    def _select(self, fingerprint: str, keys: list[str]) -> list[tuple[str, bytes]]:
        marks = ",".join("?" * len(keys))
        sql = (
            "SELECT text_sha256, vector FROM vectors "
            f"WHERE fingerprint = ? AND text_sha256 IN ({marks})"
        )
        return self._run(lambda conn: conn.execute(sql, (fingerprint, *keys)).fetchall()) or []

    def put_many(self, fingerprint: str, items: Mapping[str, np.ndarray]) -> None:
        rows = [(fingerprint, key, _to_blob(vector)) for key, vector in items.items()]
        if not rows:
            return
        sql = "INSERT OR REPLACE INTO vectors (fingerprint, text_sha256, vector) VALUES (?, ?, ?)"

        def write(conn: sqlite3.Connection) -> None:
            with conn:  # one transaction
                conn.executemany(sql, rows)

        self._run(write)

    def count(self, fingerprint: str | None = None) -> int:
        """Vectors stored for ``fingerprint`` (all fingerprints when None)."""
        if fingerprint is None:
            result = self._run(lambda c: c.execute("SELECT COUNT(*) FROM vectors").fetchone())
        else:
            sql = "SELECT COUNT(*) FROM vectors WHERE fingerprint = ?"
            result = self._run(lambda c: c.execute(sql, (fingerprint,)).fetchone())
        return int(result[0]) if result else 0

    def __len__(self) -> int:
        return self.count()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r}, enabled={self.enabled})"

    # --- internals -----------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        try:
            return _connect(self.path)
        except (OSError, sqlite3.OperationalError) as error:  # unreadable, locked, read-only
            logger.warning(
                "embedding cache %s is unusable (%s); going on without it", self.path, error
            )
            return None
        except sqlite3.DatabaseError as error:  # not a database, malformed
            return self._replace_corrupt(error)

    def _replace_corrupt(self, error: Exception) -> sqlite3.Connection | None:
        """Move a corrupt file aside (kept, not deleted) and start an empty cache."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        logger.warning(
            "embedding cache %s is corrupt (%s): moved to %s, starting an empty cache",
            self.path,
            error,
            aside,
        )
        try:
            for suffix in ("", "-wal", "-shm"):
                source = self.path.with_name(self.path.name + suffix)
                if source.exists():
                    source.replace(aside.with_name(aside.name + suffix))
            return _connect(self.path)
        except (OSError, sqlite3.Error) as second:
            logger.warning("embedding cache %s: %s; going on without it", self.path, second)
            return None

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T | None:
        """Run ``operation(conn)``; on an SQLite error, warn and miss rather than fail."""
        with self._lock:
            if self._conn is None:
                return None
            try:
                return operation(self._conn)
            except sqlite3.OperationalError as error:  # e.g. locked past the timeout, disk full
                logger.warning("embedding cache %s: %s; continuing", self.path, error)
            except sqlite3.DatabaseError as error:  # corrupted while in use
                logger.warning("embedding cache %s is corrupt (%s); disabled", self.path, error)
                self._conn.close()
                self._conn = None
            return None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=_TIMEOUT_S, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        with conn:
            conn.execute(_SCHEMA)
        conn.execute("SELECT fingerprint, text_sha256, vector FROM vectors LIMIT 1").fetchall()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _to_blob(vector: np.ndarray) -> bytes:
    array = np.asarray(vector, dtype=_VECTOR_DTYPE)
    if array.ndim != 1:
        raise ValueError(f"cache vectors must be 1-D, got shape {array.shape}")
    return array.tobytes()


# --- embedding with the cache ------------------------------------------------------------------


@dataclass(frozen=True)
class EmbedStats:
    total: int  # texts asked for (duplicates included)
    unique: int  # distinct texts; unique == cached + encoded + failed
    cached: int  # distinct texts found in the cache (or given as known)
    encoded: int  # distinct texts run through the encoder
    seconds: float  # wall time of the whole call
    passages_per_second: float  # encoded / seconds (0.0 when nothing was encoded)
    failed: int = 0  # distinct texts the encoder crashed on (only with a worker)
    worker_starts: int = 0  # encoder processes started (1 + one per crash; 0 in-process)


class EmbeddingFailed(ValueError):
    """The encoder process died on some texts; every other text was embedded (and cached).

    ``failures`` maps each failed row to how the process died; ``vectors`` holds the other
    rows' vectors (NaN in failed rows), ``stats`` what was done."""

    def __init__(self, failures: dict[int, str], vectors: np.ndarray, stats: EmbedStats) -> None:
        first = min(failures)
        super().__init__(
            f"the encoder crashed on {stats.failed} of {stats.unique} texts "
            f"(first: row {first}, {failures[first]})"
        )
        self.failures = failures
        self.vectors = vectors
        self.stats = stats


def embed_passages(
    encoder: Encoder,
    texts: Sequence[str],
    cache: EmbeddingCache | None,
    *,
    batch_size: int = 16,
    progress: bool | None = None,
    worker: EncoderWorker | None = None,
    known: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, EmbedStats]:
    """Passage vectors for ``texts`` in input order, encoding only what ``known`` (vectors by
    ``text_key``) and ``cache`` lack.

    With a ``worker`` the encoder runs in a child process: when it dies on a batch, the batch
    is split until the text that kills it is found, the others are embedded, and
    ``EmbeddingFailed`` names the failed rows at the end."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    start = time.perf_counter()
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"texts[{i}] must be a str, not {type(text).__name__}")
    keys = [text_key(text) for text in texts]
    by_key = dict(zip(keys, texts, strict=True))  # first occurrence of each distinct text
    vectors = {key: known[key] for key in by_key if known is not None and key in known}
    vectors.update(_cached_vectors(encoder, cache, [k for k in by_key if k not in vectors]))
    missing = [key for key in by_key if key not in vectors]
    failed: dict[str, str] = {}
    starts = worker.starts if worker is not None else 0
    disable = not progress if progress is not None else not draws_bars()
    if missing:
        logger.info(
            "embedding %d passages with %s (%d found in the embedding cache%s)",
            len(missing), encoder.name, len(by_key) - len(missing),
            f" {cache.path}" if cache is not None else "",
        )  # fmt: skip
    told = _ProgressLines(len(missing), "embedding") if disable else None
    with tqdm(total=len(missing), desc="embedding", unit="passage", disable=disable) as bar:
        for batch in _batches(missing, batch_size):
            new = _encode_batch(encoder, worker, [by_key[key] for key in batch], batch, failed)
            vectors.update(new)
            if cache is not None:
                cache.put_many(encoder.fingerprint, new)  # an interrupted run keeps its progress
            bar.update(len(batch))
            if told is not None:
                told.update(len(batch))
    out = np.full((len(keys), encoder.dim), np.nan, dtype=np.float32)
    for row, key in enumerate(keys):
        if key in vectors:
            out[row] = vectors[key]
    seconds = time.perf_counter() - start
    encoded = len(missing) - len(failed)
    stats = EmbedStats(
        total=len(keys),
        unique=len(by_key),
        cached=len(by_key) - len(missing),
        encoded=encoded,
        seconds=seconds,
        passages_per_second=encoded / seconds if encoded and seconds > 0 else 0.0,
        failed=len(failed),
        worker_starts=worker.starts - starts if worker is not None else 0,
    )
    logger.debug("embedded passages: %s", stats)
    if failed:
        rows = {row: failed[key] for row, key in enumerate(keys) if key in failed}
        raise EmbeddingFailed(rows, out, stats)
    return out, stats


class _ProgressLines:
    """Where no progress bar is drawn (stderr not a terminal: a log file, a service), a line
    at most every ``every`` seconds with the count done and the time left."""

    def __init__(self, total: int, what: str, every: float | None = None) -> None:
        self.total, self.what = total, what
        self.every = PROGRESS_SECONDS if every is None else every
        self.done = 0
        self.started = self.told = time.monotonic()

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.told < self.every or self.done >= self.total:
            return
        self.told = now
        left = (now - self.started) / self.done * (self.total - self.done)
        logger.info("%s: %d of %d passages, about %.0f s left", self.what, self.done,
                    self.total, left)  # fmt: skip


def _cached_vectors(
    encoder: Encoder, cache: EmbeddingCache | None, keys: list[str]
) -> dict[str, np.ndarray]:
    if cache is None or not keys:
        return {}
    found = cache.get_many(encoder.fingerprint, keys)
    wrong = [key for key, vector in found.items() if vector.shape != (encoder.dim,)]
    if wrong:  # cannot happen unless the file was edited: re-encode those texts
        logger.warning("embedding cache: %d vectors have the wrong size; re-encoding", len(wrong))
        for key in wrong:
            del found[key]
    return found


def _encode_batch(
    encoder: Encoder,
    worker: EncoderWorker | None,
    texts: list[str],
    keys: list[str],
    failed: dict[str, str],
) -> dict[str, np.ndarray]:
    """Vectors by key; with a worker, a batch it dies on is halved until the text that kills
    it is alone (that key goes into ``failed`` with the reason)."""
    if worker is not None and worker.unavailable is None:
        try:
            vectors = worker.encode(texts)
        except WorkerUnavailable as error:  # encode here, as without a worker
            logger.warning("no encoder worker process (%s): encoding in this one", error)
            return _encode_batch(encoder, worker, texts, keys, failed)
        except WorkerCrashed as crash:
            if len(texts) == 1:
                logger.warning("the encoder crashed on a passage (%s)", crash.reason)
                failed[keys[0]] = crash.reason
                return {}
            half = len(texts) // 2
            found = _encode_batch(encoder, worker, texts[:half], keys[:half], failed)
            found.update(_encode_batch(encoder, worker, texts[half:], keys[half:], failed))
            return found
    else:
        vectors = np.asarray(encoder.encode_passages(texts), dtype=np.float32)
    if vectors.shape != (len(texts), encoder.dim):
        raise ValueError(
            f"encoder {encoder.name!r} returned shape {vectors.shape} for {len(texts)} texts, "
            f"expected ({len(texts)}, {encoder.dim})"
        )
    return dict(zip(keys, vectors, strict=True))


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
