"""HTTP latency of /search, /ask and /similar against a real `baocao serve` (prints a table).

    python -m baocao.eval.bench_api [--index-dir DIR] [--requests 178]

Starts the server on a free 127.0.0.1 port (building the bundled index first if the folder
has none), sends the gold questions one at a time, and reports p50/p95 per endpoint.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from baocao.eval.goldset import load_gold

ENDPOINTS = {
    "/search": lambda q: {"query": q, "k": 10},
    "/ask": lambda q: {"question": q, "k": 5},
    "/similar": lambda q: {"text": q, "k": 10},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(url: str, body: dict) -> float:
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before answering /health")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"no answer from {base}/health within {seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=178, help="questions per endpoint")
    args = parser.parse_args(argv)
    questions = [q.question for q in load_gold()][: args.requests]
    index_dir = args.index_dir or Path(tempfile.mkdtemp()) / "index"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    baocao = Path(sys.executable).with_name("baocao")
    command = [str(baocao), "serve", "--port", str(port), "--index-dir", str(index_dir)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(base, server)
        lines = [f"HTTP latency, {len(questions)} sequential requests per endpoint (127.0.0.1)",
                 "| endpoint | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]  # fmt: skip
        for path, body in ENDPOINTS.items():
            _post(base + path, body(questions[0]))  # warm-up
            ms = np.array([_post(base + path, body(q)) for q in questions]) * 1000
            p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
            lines.append(f"| POST {path} | {p50:.1f} | {p95:.1f} | {ms.max():.1f} |")
        print("\n".join(lines))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
