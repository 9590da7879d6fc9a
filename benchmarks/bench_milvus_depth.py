"""How deep the Milvus backend must fetch BM25 per keyword field (``MilvusIndex.score_depth``):
top-10 overlap with the embedded backend, nDCG@10 and latency against depth.

    python -m baocao.benchmarks.bench_milvus_depth [--mlqa ../shared/benchmarks/mlqa-vi-dev]
        [--generated 10000] [--depths 50,100,200,500,1000] [--modes hybrid,adaptive,bm25]
        [--modes hybrid,native-weighted,native-rrf]    # Milvus' own rankers too

Sets: the gold questions over the bundled reports, MLQA-vi dev, and ``--generated N`` passages
of benchmarks/bench_scale.py's generator (stand-in vectors; the gold questions as queries, no
relevance judgements, so overlap and latency only). Both backends are searched in one process
through ``qa.Searcher`` with the same query vectors, computed once (latency is retrieval alone);
overlap is |top-10 Milvus ∩ top-10 embedded| / 10, averaged over the queries.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from baocao.benchmarks.bench_milvus import QueryVectors, both_backends
from baocao.corpus.model import Document
from baocao.corpus.vietnamese import canonical
from baocao.eval.harness import benchmark_set, gold_set
from baocao.eval.metrics import per_query, run_from_rankings
from baocao.index.encoders import load_encoder
from baocao.qa.search import Searcher

K = 10


def _ranked(searcher: Searcher, queries: dict[str, str], mode: str) -> tuple[dict, list[float]]:
    rankings, seconds = {}, []
    for query_id, text in queries.items():
        started = time.perf_counter()
        hits = searcher.hits(text, K, mode)
        seconds.append(time.perf_counter() - started)
        rankings[query_id] = [h.passage.passage_id for h in hits]
    return rankings, seconds


def _ndcg(rankings: dict, qrels: dict | None) -> str:
    if not qrels:
        return ""
    by_query = per_query(run_from_rankings(rankings), qrels, ("ndcg@10",))
    return f"{np.mean([by_query[q]['ndcg@10'] for q in qrels]):.4f}"


def sweep(name, passages, documents, encoder, queries, qrels, depths, modes, workdir) -> list:
    embedded, milvus, seconds = both_backends(passages, documents, encoder, workdir, name)
    print(f"# {name}: {len(passages)} passages ingested in {seconds:.0f} s", flush=True)
    rows = []
    try:
        for mode in modes:
            if mode in NATIVE:
                rows.append(_native(name, mode, embedded, milvus, queries, qrels))
                print("| " + " | ".join(rows[-1]) + " |", flush=True)
                continue
            expected, seconds = _ranked(Searcher(embedded), queries, mode)
            rows.append([name, mode, "embedded", "", "1", _ndcg(expected, qrels),
                         f"{np.percentile(seconds, 50) * 1000:.1f}",
                         f"{np.percentile(seconds, 95) * 1000:.1f}"])  # fmt: skip
            print("| " + " | ".join(rows[-1]) + " |", flush=True)
            for depth in depths:
                milvus.score_depth = depth
                milvus._keyword_cache.clear()
                got, seconds = _ranked(Searcher(milvus), queries, mode)
                overlap = np.mean([len(set(got[q]) & set(expected[q])) / max(len(expected[q]), 1)
                                   for q in queries])  # fmt: skip
                rows.append([name, mode, "milvus", str(depth), f"{overlap:.3f}",
                             _ndcg(got, qrels), f"{np.percentile(seconds, 50) * 1000:.1f}",
                             f"{np.percentile(seconds, 95) * 1000:.1f}"])  # fmt: skip
                print("| " + " | ".join(rows[-1]) + " |", flush=True)
    finally:
        milvus.close()
    return rows


NATIVE = ("native-weighted", "native-rrf")  # Milvus' hybrid_search and its own rankers


def _native(name, mode, embedded, milvus, queries, qrels) -> list[str]:
    """Milvus' ``hybrid_search`` (words BM25 + dense, its ranker) against the embedded hybrid
    search (both without qa's re-ranking)."""
    ranker = mode.removeprefix("native-")
    got, expected, seconds = {}, {}, []
    for query_id, text in queries.items():
        expected[query_id] = [h.passage.passage_id for h in embedded.search(text, K, "hybrid")]
        started = time.perf_counter()
        hits = milvus.search_native(text, K, ranker)
        seconds.append(time.perf_counter() - started)
        got[query_id] = [h.passage.passage_id for h in hits]
    overlap = np.mean([len(set(got[q]) & set(expected[q])) / max(len(expected[q]), 1)
                       for q in queries])  # fmt: skip
    return [name, mode, "milvus", "", f"{overlap:.3f}", _ndcg(got, qrels),
            f"{np.percentile(seconds, 50) * 1000:.1f}",
            f"{np.percentile(seconds, 95) * 1000:.1f}"]  # fmt: skip


def generated(n: int):
    from baocao.benchmarks.bench_index import _queries, generated_corpus
    from baocao.benchmarks.bench_scale import StandInEncoder, _passage

    texts, vectors = generated_corpus(n)
    keep = {canonical(t): row for row, t in enumerate(texts)}  # one passage per distinct text
    rows = sorted(keep.values())
    texts, vectors = [texts[r] for r in rows], vectors[rows]
    queries = {f"q{i}": q for i, q in enumerate(_queries())}
    encoder = QueryVectors(StandInEncoder(texts, vectors), sorted(map(canonical, queries.values())))
    document = Document("gen", "generated", "generated.txt", "", "báo cáo")
    passages = [_passage(row, text) for row, text in enumerate(texts)]
    return passages, [document], encoder, queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlqa", type=Path, help="a BEIR folder such as mlqa-vi-dev")
    parser.add_argument("--generated", type=int, default=0, help="generated passages (0: none)")
    parser.add_argument("--gold", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--depths", default="50,100,200,500,1000")
    parser.add_argument("--modes", default="hybrid,adaptive,bm25")
    parser.add_argument("--queries", type=int, default=0, help="at most this many (0: all)")
    args = parser.parse_args(argv)
    depths = [int(d) for d in args.depths.split(",")]
    modes = args.modes.split(",")
    print("| set | mode | backend | BM25 depth | top-10 overlap | nDCG@10 | p50 ms | p95 ms |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    sets = []
    if args.gold:
        sets.append(gold_set())
    if args.mlqa:
        sets.append(benchmark_set(args.mlqa))
    with tempfile.TemporaryDirectory() as tmp:
        for eval_set in sets:
            queries = dict(list(eval_set.queries.items())[: args.queries or None])
            encoder = QueryVectors(load_encoder(), sorted({canonical(q) for q in queries.values()}))
            qrels = {q: eval_set.qrels[q] for q in queries if q in eval_set.qrels}
            sweep(eval_set.name, eval_set.passages, eval_set.documents, encoder, queries, qrels,
                  depths, modes, Path(tmp))  # fmt: skip
        if args.generated:
            passages, documents, encoder, queries = generated(args.generated)
            queries = dict(list(queries.items())[: args.queries or None])
            sweep(f"generated-{len(passages)}", passages, documents, encoder, queries, None,
                  depths, modes, Path(tmp))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
