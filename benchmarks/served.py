"""A real `baocao serve` for the HTTP benchmarks: a free 127.0.0.1 port, up and answering."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served(
    index_dir: Path, *args: str, env: Mapping[str, str] | None = None, wait_seconds: float = 600
) -> Iterator[str]:
    """`baocao serve` over ``index_dir`` (built from the bundled reports if empty) until the
    block ends; yields the base URL."""
    port = free_port()
    baocao = Path(sys.executable).with_name("baocao")
    command = [str(baocao), "serve", "--port", str(port), "--index-dir", str(index_dir), *args]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **(env or {})})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, wait_seconds)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float) -> None:
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
