"""The Milvus backend as ``index.backends`` chooses it: open, fill and follow a collection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.model import Document, Passage
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import Encoder


@dataclass(frozen=True)
class MilvusStore:
    """A collection at ``uri`` (a milvus-lite file, or ``http://host:19530``)."""

    uri: str
    collection: str

    @property
    def where(self) -> str:
        return f"Milvus collection {self.collection!r} at {self.uri}"

    def open(self, encoder: Encoder | None = None):
        from baocao.index.milvus.search import MilvusIndex

        return MilvusIndex.load(self.uri, encoder, self.collection)

    def ensure(self, encoder: Encoder | None = None) -> None:
        self.open(encoder).close()

    def ingest(
        self,
        paths: Sequence[Path],
        encoder: Encoder,
        shard: tuple[int, int] = (0, 1),
        cache: EmbeddingCache | None = None,
    ):
        """Fill the collection with this shard's share of the files (``IngestRun``)."""
        from baocao.index.milvus.ingestion import ingest

        run = ingest(paths, self.uri, encoder, shard, collection=self.collection, cache=cache)
        run.where = self.where
        return run

    def default_paths(self) -> list[Path]:
        """What ``baocao index`` with no folder fills the collection with: the bundled reports."""
        return [sample_corpus_dir()]

    def from_passages(
        self,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        encoder: Encoder,
        cache: EmbeddingCache | None = None,
    ):
        """A fresh collection of already parsed passages (an eval set)."""
        from baocao.index.milvus.ingestion import ingest_passages
        from baocao.index.milvus.schema import drop_collection

        drop_collection(self.uri, self.collection)
        ingest_passages(passages, documents, self.uri, encoder, collection=self.collection,
                        cache=cache)  # fmt: skip
        return self.open(encoder)

    def live_source(self, encoder: Encoder) -> MilvusCollection:
        return MilvusCollection(self, encoder)


class MilvusCollection:
    """A collection's versions: a digest of the reports stored in it (ingestion writes into
    a collection while it is searched; a server reopens it when the digest changes)."""

    def __init__(self, store: MilvusStore, encoder: Encoder) -> None:
        from baocao.index.milvus.schema import open_client

        self.store, self.encoder = store, encoder
        self._client = open_client(store.uri)  # one for the polling, kept open

    def version(self) -> str:
        from baocao.index.milvus.schema import collection_version

        return collection_version(self._client, self.store.collection)

    def load(self):
        return self.store.open(self.encoder)
