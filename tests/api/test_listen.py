"""`baocao serve --workers N`: each worker listens on a socket of its own on the one port, and a
second server on a taken port still fails (real sockets on 127.0.0.1)."""

from __future__ import annotations

import pickle
import socket

import pytest
from server import free_port

from baocao.api.listen import SocketPerWorker, claim_port


def test_each_worker_gets_its_own_listening_socket_on_the_port():
    port = free_port()
    with claim_port("127.0.0.1", port):
        first = pickle.loads(pickle.dumps([SocketPerWorker("127.0.0.1", port)]))[0]
        second = pickle.loads(pickle.dumps([SocketPerWorker("127.0.0.1", port)]))[0]
        with first, second:
            first.listen()
            second.listen()
            assert first.fileno() != second.fileno()
            assert first.getsockname() == second.getsockname() == ("127.0.0.1", port)
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass  # one of them accepts it (the kernel's choice)


def test_a_taken_port_is_refused_as_before():
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError):
            claim_port("127.0.0.1", other.getsockname()[1])


def test_a_second_server_cannot_join_the_workers_of_the_first():
    port = free_port()
    with claim_port("127.0.0.1", port):
        worker = pickle.loads(pickle.dumps(SocketPerWorker("127.0.0.1", port)))
        with worker:
            worker.listen()
            with pytest.raises(OSError):
                claim_port("127.0.0.1", port)
