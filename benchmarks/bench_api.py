"""HTTP latency of /search, /ask and /similar against a real `baocao serve` (prints a table).

    python -m baocao.benchmarks.bench_api [--index-dir DIR] [--requests 178] [--mode M] [--passes N]

Starts the server on a free 127.0.0.1 port (building the bundled index first if the folder
has none), sends the gold questions one at a time, and reports p50/p95 per endpoint.
``--mode`` sends /search that mode (default: the server's own, adaptive); ``--passes 2`` sends
the same questions again, as a page does for a shared link or "Xem thêm" (the server keeps
query vectors: ``baocao serve --query-cache``); ``--serve-args`` passes options to the server.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from baocao.benchmarks.served import served
from baocao.eval.goldset import load_gold

ENDPOINTS = {
    "/search": lambda q: {"query": q, "k": 10},
    "/ask": lambda q: {"question": q, "k": 5},
    "/similar": lambda q: {"text": q, "k": 10},
}


def _bodies(mode: str | None) -> dict:
    if mode is None:
        return ENDPOINTS
    return {**ENDPOINTS, "/search": lambda q: {"query": q, "k": 10, "mode": mode}}


def _post(url: str, body: dict) -> float:
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=178, help="questions per endpoint")
    parser.add_argument("--mode", default=None, help="/search mode (default: the server's)")
    parser.add_argument("--passes", type=int, default=1, help="times each question is sent")
    parser.add_argument("--serve-args", default="", help="options for baocao serve, one string")
    args = parser.parse_args(argv)
    questions = [q.question for q in load_gold()][: args.requests]
    index_dir = args.index_dir or Path(tempfile.mkdtemp()) / "index"
    with served(index_dir, *args.serve_args.split()) as base:
        lines = [f"HTTP latency, {len(questions)} sequential requests per endpoint (127.0.0.1)",
                 "| endpoint | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]  # fmt: skip
        for path, body in _bodies(args.mode).items():
            _post(base + path, body("khởi động"))  # warm-up, not one of the questions
            for number in range(1, args.passes + 1):
                ms = np.array([_post(base + path, body(q)) for q in questions]) * 1000
                p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
                name = f"POST {path}" + (f", pass {number}" if args.passes > 1 else "")
                lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {ms.max():.1f} |")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
