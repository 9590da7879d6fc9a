"""Clients that trickle their request body, against a real `baocao serve` over real sockets: they
hold no slot (others are answered, /health always) and are cut off with 408."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import threading
import time

import pytest
from server import serving

from baocao.api.guard import GuardSettings

TRICKLERS = 70  # more than the default --max-in-flight (64)
TRICKLE_SECONDS = 10
BODY_TIMEOUT = 3


def _request(port: int, raw: bytes, timeout: float = 60) -> tuple[bytes, float]:
    """What the server answers to ``raw`` (read until it closes), and the seconds it took."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer, time.perf_counter() - started


def _get(port: int, path: str, method: str = "GET") -> bytes:
    return _request(port, f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    "Connection: close\r\n\r\n".encode())[0]  # fmt: skip


def _post(port: int, path: str, body: dict) -> tuple[bytes, float]:
    data = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n")  # fmt: skip
    return _request(port, head.encode() + data)


@pytest.fixture(scope="module")
def served(bundled_index_dir):
    env = {**os.environ, "PYTHONUTF8": "1"}
    with serving(bundled_index_dir, env, "--body-timeout", str(BODY_TIMEOUT)) as base:
        port = int(base.rsplit(":", 1)[1])
        assert _post(port, "/search", {"query": "dân vận"})[0].startswith(b"HTTP/1.1 200")
        yield port  # the encoder is warm


def test_clients_trickling_their_bodies_lock_no_one_out(served):
    port = served
    tricklers = []
    for _ in range(TRICKLERS):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(f"POST /search HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: "
                     "application/json\r\nContent-Length: 200\r\n\r\n{".encode())  # fmt: skip
        tricklers.append(sock)
    stop = time.monotonic() + TRICKLE_SECONDS

    def trickle() -> None:  # one byte a second on every socket, as long as it stays open
        while time.monotonic() < stop:
            for sock in tricklers:
                with contextlib.suppress(OSError):
                    sock.send(b" ")
            time.sleep(1)

    thread = threading.Thread(target=trickle)
    thread.start()
    health, searches = [], []
    try:
        time.sleep(0.5)
        while time.monotonic() < stop:
            started = time.perf_counter()
            health.append((_get(port, "/health")[:12], time.perf_counter() - started))
            if len(health) % 6 == 0:
                answer, seconds = _post(port, "/search", {"query": "đối thoại với dân"})
                searches.append((answer[:12], seconds))
            time.sleep(0.2)
    finally:
        thread.join()
    answer, search_seconds = _post(port, "/search", {"query": "đối thoại với dân năm 2019"})
    cut_off = []
    for sock in tricklers:
        sock.settimeout(5)
        try:
            cut_off.append(sock.recv(65536))
        except OSError as error:
            cut_off.append(repr(error).encode())
        sock.close()
    ms = [seconds * 1000 for _, seconds in health]
    print(
        f"\n{TRICKLERS} tricklers for {TRICKLE_SECONDS} s: /health {len(health)} answers, "
        f"p50 {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms; /search during: "
        f"{[round(s * 1000) for _, s in searches]} ms; after: {search_seconds * 1000:.0f} ms"
    )
    assert {status for status, _ in health} == {b"HTTP/1.1 200"}
    assert searches and {status for status, _ in searches} == {b"HTTP/1.1 200"}
    assert answer.startswith(b"HTTP/1.1 200") and b'"hits":[{' in answer
    assert search_seconds < 30  # generous: the point is that it is answered at all
    # every trickler was cut off with a 408 saying why, and its connection closed
    assert all(b.startswith(b"HTTP/1.1 408") for b in cut_off), {b[:40] for b in cut_off}
    assert f"did not arrive within {BODY_TIMEOUT} s".encode() in cut_off[0]
    assert all(b"connection: close" in b.lower() for b in cut_off)


def test_a_body_sent_at_once_is_answered_and_a_late_one_gets_408(served):
    port = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST /search HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: "
                     "application/json\r\nContent-Length: 20\r\n\r\n".encode())  # fmt: skip
        started = time.monotonic()
        answer = sock.recv(65536)
        waited = time.monotonic() - started
        while chunk := sock.recv(65536):  # the rest of the 408; a socket left open times out
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408")  # and the server closed the connection
    assert BODY_TIMEOUT - 0.5 < waited < BODY_TIMEOUT + 20  # generous upper bound


@pytest.mark.parametrize("path", ["/", "/health"])
def test_head_answers_200_without_a_body(served, path):
    answer = _get(served, path, "HEAD")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and body == b""


def test_the_default_body_timeout_is_a_few_seconds():
    assert 1 <= GuardSettings().body_timeout <= 10
