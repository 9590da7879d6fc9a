"""The Milvus backend: the same hybrid search, stored in Milvus (or a milvus-lite file).

``MilvusIndex`` (search.py) is a ``SearchIndex`` and returns the same ``Hit``s as the embedded
index; ``index.retrieval`` fuses for both. What differs is where the work happens:

- BM25 is Milvus' own BM25 function, fed by the Python Vietnamese analyzer: each of the four
  keyword fields (``index.keyword.FIELDS``) is a VARCHAR of analysed terms separated by spaces.
  milvus-lite 3.2.2 has no whitespace tokenizer (only "standard" and "jieba"), so a term the
  standard tokenizer would split ("16-bc/tu", "đối_thoại", "9690,46") is sent as ``0x`` + the
  hex of its UTF-8 bytes; analyzer terms never mix letters and digits, so no encoded term can
  collide with a plain one. Milvus' BM25 on the words field (folded for an unaccented query)
  finds 100 candidates (``score_depth``); they are scored with the embedded index's formula
  over the four fields and ``index.keyword.field_weights`` (stats.py: Milvus' BM25 uses
  Lucene's idf, ours BM25Okapi's), from their stored terms and the collection's statistics,
  which ingestion keeps in ``<collection>_terms``.
- Dense: a FLAT inner-product field in milvus-lite (exact, as FAISS flat), HNSW on a server.
- Filters (``index.filters.Filters``, the quoted phrase among them) become one Milvus filter
  expression (``schema.filter_expression``), evaluated by Milvus in every search.
- Passages are read by id or by document, as a request needs them; nothing reads them all but
  ``texts`` (the highlighter's vocabulary) and the facts of documents stored without any.

``ingest`` (ingest.py) parses, embeds and upserts report files; ``shard=(i, n)`` takes the
files whose name hashes to i, so n workers can fill one collection. A file whose bytes and
parser are unchanged is skipped; a changed file has only its changed passages re-embedded and
its vanished passages deleted; a file no longer under the paths leaves the collection.

Facts (``corpus.facts``): each document's coverage, facts and places are stored as its one
JSON line (``document_line``, as in the embedded index's ``facts.jsonl``), cut into rows of at
most 65,535 bytes in a facts collection, written with the file's passages and removed with
them. ``MilvusIndex.facts`` reads them on first use; a document without current ones (a
collection filled before facts were stored, or by another version of the extractor) gets its
facts extracted from its passages then, and ``ingest`` stores them on its next run. A line
stored before places were is read without them (``qa`` then finds the places in the passages)
and extracted again by the next ``ingest``.
"""

from __future__ import annotations

from baocao.index.milvus.backend import MilvusCollection, MilvusStore
from baocao.index.milvus.ingestion import (
    IngestRun,
    _upsert_facts,
    ingest,
    ingest_passages,
    line_pieces,
    shard_of,
)
from baocao.index.milvus.schema import (
    MilvusUnusable,
    _names,
    collection_version,
    drop_collection,
    encode_terms,
    filter_expression,
    open_client,
)
from baocao.index.milvus.search import MilvusIndex

__all__ = [
    "IngestRun",
    "MilvusCollection",
    "MilvusIndex",
    "MilvusStore",
    "MilvusUnusable",
    "_names",
    "_upsert_facts",
    "collection_version",
    "drop_collection",
    "encode_terms",
    "filter_expression",
    "ingest",
    "ingest_passages",
    "line_pieces",
    "open_client",
    "shard_of",
]
