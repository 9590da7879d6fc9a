"""Where an index lives, chosen by configuration: the embedded files (BM25 + FAISS in one
folder, the default) or a Milvus collection (a milvus-lite file, or a Milvus server).

``qa``, the API and ``eval`` take any ``SearchIndex``; ``Backend`` opens and fills one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from baocao.corpus.model import Document, Passage
from baocao.index import store
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import Encoder
from baocao.index.hit import Hit

EMBEDDED, MILVUS = "embedded", "milvus"
BACKENDS = (EMBEDDED, MILVUS)
BACKEND_ENV = "BAOCAO_BACKEND"
MILVUS_URI_ENV = "BAOCAO_MILVUS_URI"
DEFAULT_COLLECTION = "baocao"


class SearchIndex(Protocol):
    """What qa, the API and eval use of an index (``HybridIndex``, ``MilvusIndex``)."""

    encoder: Encoder
    documents: dict[str, Document]

    @property
    def passages(self) -> list[Passage]: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        where: Callable[[Passage], bool] | None = None,
    ) -> list[Hit]: ...


@dataclass(frozen=True)
class Backend:
    """``name`` "embedded" (``index_dir``) or "milvus" (``milvus_uri`` and ``collection``)."""

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
    def where(self) -> str:
        if self.name == MILVUS:
            return f"Milvus collection {self.collection!r} at {self.milvus_uri}"
        return str(self.index_dir)

    def open(self, encoder: Encoder | None = None) -> SearchIndex:
        """The index (the embedded one is built from the bundled reports when there is none)."""
        if self.name == MILVUS:
            from baocao.index.milvus import MilvusIndex

            return MilvusIndex.load(self.milvus_uri, encoder, self.collection)
        from baocao.index.build import open_index

        return open_index(self.index_dir, encoder)

    def ingest(
        self,
        paths: Sequence[Path],
        encoder: Encoder,
        shard: tuple[int, int] = (0, 1),
        cache: EmbeddingCache | None = None,
    ):
        """Fill a Milvus collection with this shard's share of the files (``IngestRun``)."""
        if self.name != MILVUS:
            raise ValueError("only the milvus backend ingests by shard")
        from baocao.index.milvus import ingest

        return ingest(paths, self.milvus_uri, encoder, shard, collection=self.collection,
                      cache=cache)  # fmt: skip

    def from_passages(
        self,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        encoder: Encoder,
        cache: EmbeddingCache | None = None,
    ) -> SearchIndex:
        """An index of already parsed passages (an eval set): in memory for the embedded
        backend, a fresh collection for Milvus."""
        if self.name == MILVUS:
            from baocao.index.milvus import MilvusIndex, drop_collection, ingest_passages

            drop_collection(self.milvus_uri, self.collection)
            ingest_passages(passages, documents, self.milvus_uri, encoder,
                            collection=self.collection, cache=cache)  # fmt: skip
            return MilvusIndex.load(self.milvus_uri, encoder, self.collection)
        from baocao.index.hybrid import HybridIndex

        return HybridIndex.build(passages, documents, encoder, cache=cache)


def parse_shard(text: str) -> tuple[int, int]:
    """ "I/N" (1-based, as workers are counted: 1/4 … 4/4) as (i - 1, n)."""
    try:
        i, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text!r}: expected I/N, e.g. 1/4") from None
    if not 1 <= i <= n:
        raise ValueError(f"--shard {text!r}: I must be between 1 and N")
    return i - 1, n
