"""`baocao index`: report files -> a saved hybrid index, redoing only what changed.

A file whose bytes (sha256) and parser are unchanged since the live build keeps its parsed
passages; its vectors come from the embedding cache. A file that fails to parse keeps its
previous passages (nothing already indexed is lost) and never stops the other files; so does
a file with a passage that crashes the encoder (it embeds in a worker process, see
index/embed_worker.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from baocao.corpus.chunking import DEFAULT_TOKEN_BUDGET
from baocao.corpus.errors import ReportError
from baocao.corpus.facts import extract_lines, is_current, line_head
from baocao.corpus.loader import (
    ReportFile,
    find_reports,
    load_report,
    parser_fingerprint,
    sample_corpus_dir,
)
from baocao.corpus.model import Document, Passage
from baocao.index import store
from baocao.index.embed_worker import worker_for
from baocao.index.embedding_cache import (
    EmbeddingCache,
    EmbeddingFailed,
    EmbedStats,
    default_embedding_cache,
    embed_passages,
    text_key,
)
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.hybrid import (
    FACTS_FILE,
    HybridIndex,
    IndexSettings,
    dense_texts,
    read_fact_lines,
    read_records,
)
from baocao.progress import draws_bars

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    source_file: str
    status: str  # new | changed | unchanged | removed | failed | failed, previous kept | refused
    documents: int = 0
    passages: int = 0
    parse_seconds: float = 0.0
    error: str = ""


@dataclass
class IndexRun:
    """What one `baocao index` run did, for the table it prints."""

    index_dir: Path
    build: Path | None = None
    files: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    embedding: dict = field(default_factory=dict)
    passages: int = 0
    documents: int = 0

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files)

    def to_dict(self) -> dict:
        return {
            "index_dir": str(self.index_dir),
            "build": str(self.build) if self.build else None,
            "documents": self.documents,
            "passages": self.passages,
            "files": [asdict(f) for f in self.files],
            "skipped": self.skipped,
            "embedding": self.embedding,
            "seconds": {step: round(s, 3) for step, s in self.seconds.items()},
        }

    def lines(self) -> list[str]:
        """A per-file table, then what each step took."""
        lines = [f"{'file':<40} {'status':<22} {'docs':>4} {'passages':>8} {'parse s':>7}"]
        for f in self.files:
            lines.append(
                f"{f.source_file[:40]:<40} {f.status:<22} {f.documents:>4} {f.passages:>8} "
                f"{f.parse_seconds:>7.2f}"
            )
            if f.error:
                lines.append(f"    {f.error}")
        lines += [f"skipped {name}: not a report file" for name in self.skipped]
        embedding = self.embedding
        lines.append(
            f"\n{self.documents} documents, {self.passages} passages; embedded "
            f"{embedding.get('encoded', 0)} new, {embedding.get('cached', 0)} from cache "
            f"({embedding.get('passages_per_second', 0):.1f} passages/s)"
        )
        lines.append("  ".join(f"{step} {s:.2f}s" for step, s in self.seconds.items()))
        lines.append(f"index: {self.build}")
        return lines


@dataclass
class _Corpus:
    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)  # manifest "corpus.files"
    # each document's coverage, facts and places as one JSON line (corpus.facts.document_line):
    # an unchanged file's lines are copied from the previous build unparsed
    facts: dict[str, str] = field(default_factory=dict)  # by doc_id
    facts_seconds: float = 0.0  # reading, extracting and writing facts

    def add_facts(self, documents: list[Document], passages: Sequence[Passage]) -> None:
        started = time.perf_counter()
        self.facts.update(extract_lines(documents, passages))
        self.facts_seconds += time.perf_counter() - started

    def fact_lines(self) -> list[str]:
        """The facts of the documents still in the corpus (a file can fail after parsing)."""
        return [self.facts[d.doc_id] for d in self.documents if d.doc_id in self.facts]


def index_reports(
    paths: list[Path],
    index_dir: Path,
    encoder: Encoder,
    settings: IndexSettings | None = None,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
) -> IndexRun:
    """Parse (what changed), embed (what is not cached), build and publish a new index."""
    started = time.perf_counter()
    run = IndexRun(index_dir=Path(index_dir))
    run.index_dir.mkdir(parents=True, exist_ok=True)  # fail now, not after embedding
    previous = _previous_corpus(run.index_dir)
    keep_ids = {name: entry["doc_id"] for name, entry in previous.files.items()}
    refused: list[ReportError] = []  # links out of the folder, second copies: never read
    reports = find_reports(paths, run.skipped, keep_ids, refused)
    corpus = _Corpus()
    show = progress if progress is not None else draws_bars() and len(reports) > 3
    logger.info("reading %d report files from %s", len(reports), ", ".join(map(str, paths)))
    for report in tqdm(reports, desc="reading", unit="file", disable=not show):
        run.files.append(_add_file(corpus, report, previous))
    for error in refused:  # what an earlier build read from them leaves the index
        gone = ", previous removed" if error.source in previous.files else ""
        run.files.append(FileOutcome(error.source, f"refused{gone}", error=error.reason))
    seen = {r.source_file for r in reports} | {e.source for e in refused}
    run.files += [FileOutcome(name, "removed") for name in previous.files if name not in seen]
    run.seconds["parse"] = time.perf_counter() - started
    logger.info("read in %.1f s: %d documents, %d passages", run.seconds["parse"],
                len(corpus.documents), len(corpus.passages))  # fmt: skip
    if not corpus.passages:
        raise ReportError(", ".join(map(str, paths)), "no passages to index (no readable report)")
    settings = settings or IndexSettings()
    cache = cache if cache is not None else default_embedding_cache()
    embedded = _embed(run, corpus, previous, encoder, settings, cache, progress)
    if not corpus.passages:
        raise ReportError(", ".join(map(str, paths)), "no passages to index (every file failed)")
    logger.info("building the BM25 and FAISS indexes")
    index = HybridIndex.build(
        corpus.passages,
        corpus.documents,
        encoder,
        settings,
        cache=cache,
        progress=progress,
        embedded=embedded,
    )
    index.corpus_files = corpus.files
    index.corpus_roots = [str(Path(p).resolve()) for p in paths]
    index.fact_lines = corpus.fact_lines()
    saving = time.perf_counter()
    logger.info("saving the index to %s", run.index_dir)
    run.build = index.save(run.index_dir)
    facts_seconds = corpus.facts_seconds + index.build_stats.get("facts_write_seconds", 0.0)
    run.seconds.update(
        bm25=index.build_stats["bm25_seconds"],
        embed=index.build_stats["embedding"]["seconds"],
        faiss=index.build_stats["faiss_seconds"],
        save=time.perf_counter() - saving,
        facts=previous.facts_seconds + facts_seconds,
        total=time.perf_counter() - started,
    )
    run.embedding = index.build_stats["embedding"]
    run.passages, run.documents = len(corpus.passages), len(corpus.documents)
    logger.info("index ready in %.0f s", run.seconds["total"])
    return run


def _embed(
    run: IndexRun,
    corpus: _Corpus,
    previous: _Corpus,
    encoder: Encoder,
    settings: IndexSettings,
    cache: EmbeddingCache,
    progress: bool | None,
) -> tuple[np.ndarray, EmbedStats]:
    """Vectors of the corpus's passages, encoded in a worker process. When the encoder dies
    on a passage, that passage's file is reported failed (its previous passages kept, as for a
    file that cannot be parsed) and everything else is indexed."""
    started = time.perf_counter()
    known: dict[str, np.ndarray] = {}  # vectors of earlier attempts
    encoded = failed = starts = 0
    failed_files: set[str] = set()
    worker = worker_for(encoder)
    try:
        vectors = None
        while vectors is None:
            texts = dense_texts(corpus.passages, corpus.documents, settings)
            try:
                vectors, stats = embed_passages(
                    encoder, texts, cache, progress=progress, worker=worker, known=known
                )
            except EmbeddingFailed as error:
                stats = error.stats
                for row, vector in enumerate(error.vectors):
                    if row not in error.failures:
                        known[text_key(texts[row])] = vector
                _fail_files(run, corpus, previous, error.failures, failed_files)
            encoded += stats.encoded
            failed += stats.failed
            starts += stats.worker_starts
    finally:
        if worker is not None:
            worker.close()
    seconds = time.perf_counter() - started
    return vectors, replace(
        stats,
        cached=max(stats.unique - encoded, 0),
        encoded=encoded,
        seconds=seconds,
        passages_per_second=encoded / seconds if encoded and seconds > 0 else 0.0,
        failed=failed,
        worker_starts=starts,
    )


def _fail_files(
    run: IndexRun,
    corpus: _Corpus,
    previous: _Corpus,
    failures: dict[int, str],
    failed_files: set[str],
) -> None:
    """Take out the files of the passages the encoder died on; keep their previous passages
    the first time (not if those fail too)."""
    reasons: dict[str, str] = {}
    for row, reason in sorted(failures.items()):
        passage = corpus.passages[row]
        reasons.setdefault(
            passage.source_file,
            f"the encoder crashed on passage {passage.passage_id} (lines "
            f"{passage.line_start}-{passage.line_end}): {reason}",
        )
    for name, reason in reasons.items():
        corpus.documents = [d for d in corpus.documents if d.source_file != name]
        corpus.passages = [p for p in corpus.passages if p.source_file != name]
        corpus.files.pop(name, None)
        if name in failed_files:  # its previous passages failed as well
            outcome = FileOutcome(name, "failed", error=reason)
        else:
            outcome = _keep_previous(corpus, previous, name, reason)
        failed_files.add(name)
        for i, old in enumerate(run.files):
            if old.source_file == name:
                run.files[i] = replace(outcome, parse_seconds=old.parse_seconds)


def _add_file(corpus: _Corpus, report: ReportFile, previous: _Corpus) -> FileOutcome:
    name = report.source_file
    try:
        with open(report.path, "rb") as handle:  # in chunks: the file may be over a size cap
            sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        return _keep_previous(corpus, previous, name, f"cannot read: {error.strerror}")
    entry = {
        "sha256": sha256,
        "parser": parser_fingerprint(),
        "budget": DEFAULT_TOKEN_BUDGET,
        "doc_id": report.doc_id,
    }
    old = previous.files.get(name)
    if old is not None and all(old.get(key) == value for key, value in entry.items()):
        return _reuse(corpus, previous, name, old)
    started = time.perf_counter()
    try:
        parsed = load_report(report)
    except ReportError as error:
        return _keep_previous(corpus, previous, name, error.reason)
    seconds = time.perf_counter() - started
    documents = [d.document for d in parsed.documents]
    corpus.documents += documents
    corpus.passages += parsed.passages
    corpus.add_facts(documents, parsed.passages)
    corpus.files[name] = {**entry, "documents": [d.doc_id for d in documents]}
    status = "new" if old is None else "changed"
    return FileOutcome(name, status, len(documents), len(parsed.passages), seconds)


def _reuse(corpus: _Corpus, previous: _Corpus, name: str, entry: dict) -> FileOutcome:
    documents = [d for d in previous.documents if d.source_file == name]
    passages = [p for p in previous.passages if p.source_file == name]
    corpus.documents += documents
    corpus.passages += passages
    if all(d.doc_id in previous.facts for d in documents):
        corpus.facts.update({d.doc_id: previous.facts[d.doc_id] for d in documents})
    else:  # a build from before facts were stored
        corpus.add_facts(documents, passages)
    corpus.files[name] = entry
    return FileOutcome(name, "unchanged", len(documents), len(passages))


def _keep_previous(corpus: _Corpus, previous: _Corpus, name: str, reason: str) -> FileOutcome:
    logger.warning("%s: %s", name, reason)
    if name not in previous.files:
        return FileOutcome(name, "failed", error=reason)
    kept = _reuse(corpus, previous, name, previous.files[name])
    return FileOutcome(name, "failed, previous kept", kept.documents, kept.passages, error=reason)


def _previous_corpus(index_dir: Path) -> _Corpus:
    """Documents, passages and file entries of the live build (empty if none is usable)."""
    try:
        build = store.current_build(index_dir)
        manifest = store.read_manifest(build, index_dir)
        # A damaged file (e.g. passages.jsonl cut at a line end) must not be reused as is.
        store.check_contents(build, manifest, index_dir, ("documents.jsonl", "passages.jsonl"))
        documents, passages = read_records(build)
        files = manifest["corpus"]["files"]
        started = time.perf_counter()
        facts = _previous_facts(build, manifest, index_dir)
    except store.IndexUnusable as error:  # none, another format, or damaged: parse all
        if (index_dir / store.CURRENT).exists():
            logger.warning("previous index in %s not reused: %s", index_dir, error)
        return _Corpus()
    except Exception as error:  # a damaged previous build only costs re-parsing
        logger.warning("previous index in %s not reused: %s", index_dir, error)
        return _Corpus()
    return _Corpus(documents, passages, files, facts, time.perf_counter() - started)


def _previous_facts(build: Path, manifest: dict, index_dir: Path) -> dict[str, str]:
    """The previous build's fact lines by doc_id, unparsed, of this version of the extractor
    and holding their places only (a document without one gets its facts extracted again).
    They are copied into the new build as they are, so they are checked against the build's
    seal first."""
    if FACTS_FILE in manifest.get("contents", {}):
        store.check_contents(build, manifest, index_dir, (FACTS_FILE,))
    facts = {}
    for line in read_fact_lines(build) or ():
        if is_current(line):
            facts[line_head(line)[0]] = line
    return facts


def indexed_roots(index_dir: Path) -> list[Path]:
    """The folders and files the live index was built from ([] when there is none)."""
    try:
        build = store.current_build(index_dir)
        # any format: a rebuild after an upgrade indexes the same folders
        manifest = store.read_manifest(build, index_dir, any_format=True)
        return [Path(root) for root in manifest["corpus"].get("roots", [])]
    except (store.IndexUnusable, KeyError, TypeError):
        return []


def open_index(
    index_dir: Path | None = None, encoder_spec: str | Encoder | None = None
) -> HybridIndex:
    """The index in ``index_dir``, built from the bundled reports first when there is none."""
    index_dir = Path(index_dir or store.default_index_dir())
    encoder = load_encoder(encoder_spec) if isinstance(encoder_spec, str) else encoder_spec
    ensure_index(index_dir, encoder)
    return HybridIndex.load(index_dir, encoder)


def ensure_index(index_dir: Path, encoder: Encoder | None = None) -> None:
    """Build the index from the bundled reports when ``index_dir`` has none; IndexUnusable
    when its files are not the ones its build sealed."""
    index_dir = Path(index_dir)
    if not (index_dir / store.CURRENT).exists():
        logger.warning(
            "no index in %s yet: building it from the bundled reports (the first time takes "
            "a minute or two)",
            index_dir,
        )
        index_reports([sample_corpus_dir()], index_dir, encoder or load_encoder())
    build = store.current_build(index_dir)
    store.check_seal(build, index_dir)
    store.check_contents(build, store.read_manifest(build, index_dir), index_dir)
