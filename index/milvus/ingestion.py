"""Filling a collection: report files by shard, or already parsed passages; their facts."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from baocao.corpus.errors import ReportError
from baocao.corpus.facts import FACTS_VERSION, PLACES_KEY, extract_lines
from baocao.corpus.loader import find_reports, load_report, parser_fingerprint
from baocao.corpus.model import Document, Passage
from baocao.index.backends import DEFAULT_COLLECTION
from baocao.index.embedding_cache import EmbeddingCache, embed_passages
from baocao.index.encoders import Encoder
from baocao.index.hybrid import IndexSettings
from baocao.index.keyword import FIELDS
from baocao.index.milvus import stats
from baocao.index.milvus.schema import (
    BATCH,
    MAX_TEXT_BYTES,
    _check_meta,
    _create,
    _in_list,
    _like_prefix,
    _load,
    _meta_record,
    _names,
    _passage_row,
    _query_all,
    _read_meta,
    _Row,
    _string,
    open_client,
    settings_digest,
)

logger = logging.getLogger("baocao.index.milvus")

# -- ingestion ------------------------------------------------------------------------------------


def shard_of(source_file: str, shards: int) -> int:
    """The shard a file belongs to: stable across processes and machines."""
    return int(hashlib.sha256(source_file.encode("utf-8")).hexdigest()[:12], 16) % shards


@dataclass
class IngestRun:
    """What one ``ingest`` call did."""

    shard: tuple[int, int]
    writer: str = ""  # whose BM25 statistics rows it updates (stats.py)
    files: dict[str, str] = field(default_factory=dict)  # source file -> what happened
    upserted: int = 0  # passages written (new or changed)
    unchanged: int = 0  # passages found stored with the same content hash
    deleted: int = 0  # passages of changed or removed files that are gone
    facts_extracted: int = 0  # documents whose facts were extracted and stored
    embedding: dict = field(default_factory=dict)
    seconds: float = 0.0
    facts_seconds: float = 0.0  # extracting, checking and writing facts
    where: str = ""  # the collection and its URI

    @property
    def failed(self) -> bool:
        return any(status.startswith("failed") for status in self.files.values())

    def to_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """A line per file, then what was written and what it took."""
        shard, embedding = self.shard, self.embedding
        return [
            *(f"{name[:60]:<60} {status}" for name, status in sorted(self.files.items())),
            f"\nshard {shard[0] + 1}/{shard[1]}: {self.upserted} passages written, "
            f"{self.unchanged} unchanged, {self.deleted} deleted in {self.seconds:.1f} s "
            f"into {self.where}",
            f"embedded {embedding.get('encoded', 0)} new, {embedding.get('cached', 0)} from "
            f"cache; facts extracted for {self.facts_extracted} documents",
            f"facts {self.facts_seconds:.2f}s  total {self.seconds:.2f}s",
        ]


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
    run = IngestRun(shard=(index, count), writer=f"{index + 1}/{count}")
    client = open_client(uri)
    try:
        names = _names(collection)
        meta = _open_collection(client, collection, encoder, settings, uri)
        if meta is not None:  # an existing collection keeps the settings it was built with
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
                run.deleted += _delete_file(client, names, source_file, run.writer)
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
                _delete_passages(client, names, gone, run.writer)
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
            _write_passages(client, names, pending, encoder, cache, progress, run, flush=True,
                            stored=existing.keys())  # fmt: skip
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
        _seal(client, names, settings)
    finally:
        client.close()
    run.seconds = time.perf_counter() - started
    return run


def _seal(client, names: dict, settings: IndexSettings) -> None:
    """Store the mean idf (stats.py) and flush what this run wrote into sealed, indexed
    segments. Until then milvus-lite scans the rows one by one: on the 577 bundled passages a
    BM25 field search takes ≈ 250 ms unsealed and ≈ 10 ms sealed, a dense one ≈ 50 ms and
    ≈ 6 ms (benchmarks/bench_milvus_depth.py)."""
    client.flush(names["terms"])
    stats.store_mean_idf(client, names, settings.keyword.bm25)
    for name in names.values():
        if client.has_collection(name):
            client.flush(name)


# rows written between flushes (benchmarks/bench_milvus_depth.py --generated 10000, ingestion: 185 s
# looking up every row and upserting unsealed, 85 s looking up only rows known stored, 54 s
# inserting new rows and sealing every 8192; 100k unsealed passed 6 GB of memory)
SEAL_ROWS = 8192


def _write_passages(
    client,
    names: dict,
    pending: list[_Row],
    encoder: Encoder,
    cache: EmbeddingCache | None,
    progress: bool | None,
    run: IngestRun,
    flush: bool,
    stored: Collection[str],
    elsewhere: bool = True,
) -> None:
    """Embed and write pending rows, in batches; everything when ``flush``; then count them
    in the BM25 statistics, uncounting the rows stored under their ids (of ``stored``: a
    lookup per batch in a large unsealed collection costs more than the batch). Rows not in
    ``stored`` are inserted, not upserted, unless they may be stored ``elsewhere`` (under
    another file); every ``SEAL_ROWS`` rows are flushed (sealed) as they are written."""
    change = stats.Counts()
    while pending and (flush or len(pending) >= BATCH):
        batch, pending[:] = pending[:BATCH], pending[BATCH:]
        vectors, embedded = embed_passages(
            encoder, [r.dense_text for r in batch], cache, progress=progress
        )
        for key in ("total", "cached", "encoded"):
            run.embedding[key] = run.embedding.get(key, 0) + getattr(embedded, key)
        ids = [r.row["passage_id"] for r in batch if r.row["passage_id"] in stored]
        if ids:
            change.add(client.query(names["passages"], ids=ids, output_fields=list(FIELDS)), -1)
        change.add(r.row for r in batch)
        rows = [{**r.row, "dense": v.tolist()} for r, v in zip(batch, vectors, strict=True)]
        new = [row for row in rows if not elsewhere and row["passage_id"] not in stored]
        if new:
            client.insert(names["passages"], new)
        if len(new) < len(rows):
            new_ids = {row["passage_id"] for row in new}
            client.upsert(names["passages"], [r for r in rows if r["passage_id"] not in new_ids])
        if (run.upserted + len(batch)) // SEAL_ROWS > run.upserted // SEAL_ROWS:
            client.flush(names["passages"])
        run.upserted += len(batch)
    stats.record(client, names, run.writer, change)


def _stored_ids(client, names: dict, ids: list[str]) -> set[str]:
    """Those of ``ids`` stored (none in a new collection: not looked up then)."""
    if (
        not ids
        or not client.query(names["passages"], filter="", output_fields=["count(*)"])[0]["count(*)"]
    ):
        return set()
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        rows = client.query(names["passages"], ids=ids[start : start + BATCH],
                            output_fields=["passage_id"])  # fmt: skip
        found.update(row["passage_id"] for row in rows)
    return found


def _delete_passages(client, names: dict, ids: list[str], writer: str) -> None:
    """Delete passages by id, uncounting them from the BM25 statistics."""
    change = stats.Counts()
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        change.add(client.query(names["passages"], ids=part, output_fields=list(FIELDS)), -1)
        client.delete(names["passages"], ids=part)
    stats.record(client, names, writer, change)


def _delete_file(client, names: dict, source_file: str, writer: str) -> int:
    expr = f"source_file == {_string(source_file)}"
    ids = [r["passage_id"] for r in _query_all(client, names["passages"], expr, ["passage_id"])]
    if ids:
        _delete_passages(client, names, ids, writer)
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
    run = IngestRun(shard=(0, 1), writer="passages")
    started = time.perf_counter()
    client = open_client(uri)
    try:
        names = _names(collection)
        _open_collection(client, collection, encoder, settings, uri)
        digest = settings_digest(settings, encoder)
        by_id = {d.doc_id: d for d in documents}
        rows = [
            _passage_row(p, by_id.get(p.doc_id), settings, digest, "", i)
            for i, p in enumerate(passages)
        ]
        stored = _stored_ids(client, names, [r.row["passage_id"] for r in rows])
        _write_passages(client, names, rows, encoder, cache, progress, run, flush=True,
                        stored=stored, elsewhere=False)  # fmt: skip
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
        _seal(client, names, settings)
    finally:
        client.close()
    run.seconds = time.perf_counter() - started
    return run


def _open_collection(client, collection: str, encoder: Encoder, settings: IndexSettings, uri: str):
    """Create and load the collection; write its manifest when new, else check the stored one
    against ``encoder`` and return it (None for a new collection)."""
    _create(client, collection, encoder.dim, settings, server="://" in uri)
    _load(client, collection)
    meta = _read_meta(client, collection)
    if meta is None:
        record = json.dumps(_meta_record(encoder, settings))
        row = {"key": "manifest", "source_file": "", "file_hash": "", "record": record,
               "unused": [0.0, 0.0]}  # fmt: skip
        client.upsert(_names(collection)["meta"], [row])
    else:
        _check_meta(meta, encoder, uri, collection)
    return meta
