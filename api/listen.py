"""Listening sockets for `baocao serve --workers N`, one per worker on the same port.

Its own module, with nothing heavy to import: a worker unpickles ``SocketPerWorker`` before
uvicorn's health check can answer, and a worker that does not answer in time is killed.
"""

from __future__ import annotations

import socket


class SocketPerWorker:
    """Stands for the listening socket in the list uvicorn hands each worker it starts: sent to
    a worker (pickled), it becomes a socket of that worker's own on the same port
    (SO_REUSEPORT), so the kernel spreads new connections over the workers evenly. With one
    shared socket the worker that woke first accepted a whole burst: 50 clients connecting at
    once were held 48 / 2 and 43 / 7 by two workers (benchmarks/bench_load.py)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self):
        return reuse_port_socket, (self.host, self.port)


def claim_port(host: str, port: int) -> socket.socket:
    """The supervisor's socket on host:port, bound (never listening) while the workers run; an
    OSError when the port is taken. A plain bind is tried first, so that a second server
    started on the port fails as it always did instead of sharing it."""
    _bound(host, port, reuse_port=False).close()
    return _bound(host, port, reuse_port=True)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other sockets of this user may bind too."""
    return _bound(host, port, reuse_port=True)


def _bound(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
