"""A real `baocao serve` on a free 127.0.0.1 port, for tests that go through HTTP."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

BAOCAO = Path(sys.executable).with_name("baocao")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> dict:
    """The JSON at ``url`` once the server answers; fails the test if it exits or stays mute."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = server.stderr.read().decode() if server.stderr else "(see its log)"
            pytest.fail(f"server exited: {said}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"no answer from {url} within {seconds} s")


@contextlib.contextmanager
def serving(
    index_dir: Path,
    env: Mapping[str, str],
    *args: str,
    log: Path | None = None,
    ready_within: float = 60,
) -> Iterator[str]:
    """`baocao serve --index-dir index_dir` until the block ends; yields its base URL. With
    ``log``, what the server prints goes there; it must answer within ``ready_within`` s."""
    port = free_port()
    printed = open(log, "wb") if log else None  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(BAOCAO), "serve", "--port", str(port), "--index-dir", str(index_dir), *args],
        stdout=printed or subprocess.DEVNULL, stderr=subprocess.STDOUT if log else subprocess.PIPE, env=dict(env),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health", server, ready_within)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave a server behind
            server.kill()
            server.wait(timeout=30)
        if printed:
            printed.close()
