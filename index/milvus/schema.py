"""The collections of the Milvus backend: their schema, rows and filter expressions."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical
from baocao.index.analyzer import ANALYZER_VERSION, analyze, is_unaccented
from baocao.index.dense import DenseSettings
from baocao.index.encoders import Encoder
from baocao.index.filters import (
    Filters,
    document_years,
    phrase_key,
    section_key,
    text_key,
)
from baocao.index.hybrid import IndexSettings
from baocao.index.keyword import FIELDS, field_terms
from baocao.index.texts import passage_text

logger = logging.getLogger(__name__)
FORMAT_VERSION = 2  # 2: BM25 statistics (stats.py) in <collection>_terms
MAX_TEXT_BYTES = 65_535  # Milvus VARCHAR limit
MAX_ID_BYTES = 512
MAX_YEARS = 64
BATCH = 256
# BM25 candidates Milvus finds in the words field, re-scored exactly (stats.py).
# benchmarks/bench_milvus_depth.py, hybrid, gold test / MLQA-vi dev: top-10 overlap with the
# embedded backend 1.000 / .996 at 100 (.993 / .986 at 50); the other three fields searched
# too changed nothing at 100 and cost a search each.
DEFAULT_SCORE_DEPTH = 100
MAX_LIMIT = 16_384  # Milvus' largest topk
# The dense field on a Milvus server (milvus-lite: FLAT): the graph the embedded index's sweep
# chose (DenseSettings; FAISS HNSW recall@10 .978 against exact at 1M stand-in vectors, efSearch
# 512). Milvus' own HNSW was not measured here (no server); ef is at least the candidates asked.
HNSW_PARAMS = {"M": DenseSettings.hnsw_m, "efConstruction": DenseSettings.ef_construction}
HNSW_EF = DenseSettings.ef_search


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


def _string(value: str) -> str:
    """A Milvus expression string literal."""
    return json.dumps(value, ensure_ascii=False)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in_list(name: str, values: Iterable[str]) -> str:
    return f"{name} in [{', '.join(_string(v) for v in values)}]"


def filter_expression(filters: Filters | None) -> str | None:
    """``filters`` as a Milvus filter expression (``index.filters`` says what each means);
    None when every passage passes."""
    if filters is None:
        return None
    parts: list[str] = []
    if filters.doc_ids:
        parts.append(_in_list("doc_id", filters.doc_ids))
    if filters.kinds:
        parts.append(_in_list("kind", filters.kinds))
    if filters.section:
        parts.append(f"section_key like {_string(_like_prefix(text_key(filters.section)) + '%')}")
    if filters.years is not None:
        low, high = filters.years
        parts.append(f"array_contains_any(years, [{', '.join(map(str, range(low, high + 1)))}])")
    if filters.phrase:
        name = "text_folded" if is_unaccented(filters.phrase) else "text_lower"
        key = phrase_key(filters.phrase, filters.phrase)
        parts.append(f"{name} like {_string('%' + _like_prefix(key) + '%')}")
    return and_all(*parts)


def and_all(*expressions: str | None) -> str | None:
    present = [e for e in expressions if e]
    if not present:
        return None
    return present[0] if len(present) == 1 else " and ".join(f"({e})" for e in present)


# -- rows ----------------------------------------------------------------------------------------


def stored_years(document: Document | None) -> list[int]:
    """``index.filters.document_years``, as many as a row holds."""
    return list(document_years(document))[:MAX_YEARS]


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
            [digest, record, keyword_text, dense_text, json.dumps(stored_years(document))]
        ).encode("utf-8")
    ).hexdigest()
    row: dict[str, Any] = {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "source_file": passage.source_file,
        "file_hash": file_hash,
        "content_hash": content,
        "position": position,
        "kind": passage.kind,
        "years": stored_years(document),
        "section_key": section_key(passage.section_path),
        "text_lower": canonical(passage.text).lower(),
        "text_folded": text_key(passage.text),
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
        "terms": f"{collection}_terms",  # BM25 statistics (stats.py)
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
        if server:  # approximate: a server holds collections too large to scan
            index_params.add_index("dense", index_type="HNSW", metric_type="IP",
                                   params=HNSW_PARAMS)  # fmt: skip
        else:  # milvus-lite: exact, as FAISS flat below 50,000 passages
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
    if not client.has_collection(names["terms"]):
        from baocao.index.milvus.stats import KEY_BYTES

        schema = client.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, max_length=KEY_BYTES, is_primary=True)
        schema.add_field("count", DataType.INT64)
        schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)
        index_params = client.prepare_index_params()
        index_params.add_index("unused", index_type="FLAT", metric_type="L2")
        client.create_collection(
            names["terms"], schema=schema, index_params=index_params, consistency_level="Strong"
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


def open_client(uri: str, attempts: int = 4):
    """A client for ``uri`` (a milvus-lite file's folder is created if missing). gRPC shares
    one connection per address in a process; after an idle while milvus-lite may drop it
    ("too many pings"), and the next client's first call fails until it reconnects: retried."""
    if "://" not in uri:
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    pymilvus = _milvus()
    for attempt in range(attempts - 1):
        try:
            return pymilvus.MilvusClient(uri)
        except pymilvus.MilvusException as error:
            if "connect" not in str(error).lower():
                raise
            logger.info("Milvus at %s refused a connection (%s); retrying", uri, error)
            time.sleep(0.5 * 2**attempt)
    return pymilvus.MilvusClient(uri)
