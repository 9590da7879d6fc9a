"""Where an index lives, chosen by configuration: the embedded files (BM25 + FAISS in one
folder, the default) or a Milvus collection (a milvus-lite file, or a Milvus server).

``qa``, the API and ``eval`` take any ``SearchIndex``; ``Backend`` names one, and its ``store``
(one small class per backend: ``EmbeddedStore`` here, ``index.milvus.MilvusStore``) opens,
fills and follows it. A third backend is one more folder and one more line in ``store``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.model import Document, Passage
from baocao.index import store
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import Encoder
from baocao.index.filters import Filters
from baocao.index.hit import Hit

EMBEDDED, MILVUS = "embedded", "milvus"
BACKENDS = (EMBEDDED, MILVUS)
BACKEND_ENV = "BAOCAO_BACKEND"
MILVUS_URI_ENV = "BAOCAO_MILVUS_URI"
DEFAULT_COLLECTION = "baocao"


class PassageText(Protocol):
    @property
    def passage_id(self) -> str: ...

    @property
    def text(self) -> str: ...


class SearchIndex(Protocol):
    """What qa, the API and eval use of an index (``HybridIndex``, ``MilvusIndex``): searches
    and reads by id, so a caller reads what one request needs and nothing more."""

    encoder: Encoder  # the API wraps it in a query-vector cache

    @property
    def documents(self) -> Mapping[str, Document]:
        """Every document, by id (one record a report: small)."""
        ...

    @property
    def corpus_roots(self) -> list[str]:
        """Where the reports were read from (GET /documents/{id}/file)."""
        ...

    @property
    def size(self) -> int:
        """How many passages are searched."""
        ...

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Hit]: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def passages_of(self, doc_id: str) -> list[Passage]:
        """A document's passages in reading order ([] for an unknown id)."""
        ...

    def footnote(self, doc_id: str, number: int) -> Passage | None:
        """Footnote ``number`` of a document."""
        ...

    def count(self, filters: Filters, among: Sequence[str] | None = None) -> int:
        """The passages ``filters`` accept (of the ids ``among``, when given)."""
        ...

    def texts(self) -> Iterable[PassageText]:
        """Every passage's id and text, in one pass (the highlighter's vocabulary)."""
        ...

    def close(self) -> None: ...


class IndexSource(Protocol):
    """Where a served index comes from: its current version, and a way to load it."""

    def version(self) -> str: ...

    def load(self) -> SearchIndex: ...


class Store(Protocol):
    """One backend: opens, fills and follows its index (``EmbeddedStore``, ``MilvusStore``)."""

    @property
    def where(self) -> str: ...

    def open(self, encoder: Encoder | None = None) -> SearchIndex: ...

    def ensure(self, encoder: Encoder | None = None) -> None:
        """Check the index can be opened (the embedded one is built when there is none)."""
        ...

    def ingest(
        self,
        paths: Sequence[Path],
        encoder: Encoder,
        shard: tuple[int, int] = (0, 1),
        cache: EmbeddingCache | None = None,
    ): ...

    def default_paths(self) -> list[Path]:
        """What ``baocao index`` with no folder indexes."""
        ...

    def from_passages(
        self,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        encoder: Encoder,
        cache: EmbeddingCache | None = None,
    ) -> SearchIndex: ...

    def live_source(self, encoder: Encoder) -> IndexSource: ...


@dataclass(frozen=True)
class Backend:
    """Which backend and where: ``name`` "embedded" (``index_dir``) or "milvus"
    (``milvus_uri`` and ``collection``). Plain data (the workers of `serve` get it as JSON);
    ``store`` is the backend's own class, chosen here and nowhere else, and what callers use
    (``backend.store.open(encoder)``)."""

    name: str = EMBEDDED
    index_dir: Path | None = None
    milvus_uri: str | None = None
    collection: str = DEFAULT_COLLECTION

    def __post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise ValueError(f"backend {self.name!r} is not one of: {', '.join(BACKENDS)}")

    @classmethod
    def configured(
        cls,
        name: str | None = None,
        index_dir: Path | None = None,
        milvus_uri: str | None = None,
        collection: str | None = None,
    ) -> Backend:
        """From options, falling back to $BAOCAO_BACKEND, $BAOCAO_INDEX_DIR and
        $BAOCAO_MILVUS_URI; Milvus defaults to a milvus-lite file beside the embedded index."""
        name = name or os.environ.get(BACKEND_ENV) or EMBEDDED
        index_dir = Path(index_dir or store.default_index_dir())
        uri = milvus_uri or os.environ.get(MILVUS_URI_ENV) or str(index_dir.parent / "milvus.db")
        return cls(name, index_dir, uri, collection or DEFAULT_COLLECTION)

    @property
    def store(self) -> Store:
        if self.name == MILVUS:
            from baocao.index.milvus import MilvusStore  # pymilvus only when chosen

            return MilvusStore(self.milvus_uri or "", self.collection)
        return EmbeddedStore(Path(self.index_dir or store.default_index_dir()))


@dataclass(frozen=True)
class EmbeddedStore:
    """The embedded index: BM25 + FAISS files in one folder, a new build per ``baocao index``."""

    index_dir: Path

    @property
    def where(self) -> str:
        return str(self.index_dir)

    def open(self, encoder: Encoder | None = None) -> SearchIndex:
        """The index (built from the bundled reports when there is none)."""
        from baocao.index.build import open_index

        return open_index(self.index_dir, encoder)

    def ensure(self, encoder: Encoder | None = None) -> None:
        from baocao.index.build import ensure_index

        ensure_index(self.index_dir, encoder)

    def ingest(self, paths, encoder, shard=(0, 1), cache=None):
        if shard != (0, 1):
            raise ValueError("--shard: only with --backend milvus (the embedded index is one "
                             "folder)")  # fmt: skip
        from baocao.index.build import index_reports

        return index_reports(paths, self.index_dir, encoder, cache=cache)

    def default_paths(self) -> list[Path]:
        """The folders already indexed here, else the bundled reports."""
        from baocao.index.build import indexed_roots

        return indexed_roots(self.index_dir) or [sample_corpus_dir()]

    def from_passages(self, passages, documents, encoder, cache=None) -> SearchIndex:
        from baocao.index.hybrid import HybridIndex

        return HybridIndex.build(passages, documents, encoder, cache=cache)

    def live_source(self, encoder: Encoder) -> IndexSource:
        return FolderBuilds(self.index_dir, encoder)


class FolderBuilds:
    """The embedded index's versions: the build ``CURRENT`` names in ``index_dir``."""

    def __init__(self, index_dir: Path, encoder: Encoder) -> None:
        self.index_dir, self.encoder = Path(index_dir), encoder

    def version(self) -> str:
        try:
            return store.current_build(self.index_dir).name
        except store.IndexUnusable:
            return ""

    def load(self) -> SearchIndex:
        from baocao.index.hybrid import HybridIndex

        return HybridIndex.load(self.index_dir, self.encoder)


def parse_shard(text: str) -> tuple[int, int]:
    """ "I/N" (1-based, as workers are counted: 1/4 … 4/4) as (i - 1, n)."""
    try:
        i, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text!r}: expected I/N, e.g. 1/4") from None
    if not 1 <= i <= n:
        raise ValueError(f"--shard {text!r}: I must be between 1 and N")
    return i - 1, n
