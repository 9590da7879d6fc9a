"""`baocao serve --workers N`: N server processes on one port, each with its own index copy and a
single-threaded encoder, and its own listening socket (``api/listen.py``: the kernel spreads
new connections over the workers).

Measured (benchmarks/bench_load.py, 2 cores, 50 clients): queries queue for the one encoder of a
process, and its two OpenMP threads lose time to the request threads beside them, so one
process answers 14 requests/s with two encoder threads and 17 with one; two processes with one
thread each answer 26. A second process costs a second copy of the index in memory.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fastapi import FastAPI

from ..index.backends import Backend
from ..index.encoders import load_encoder
from ..index.query_cache import QueryCacheSettings
from .app import create_app_for
from .guard import GuardSettings
from .listen import SocketPerWorker, claim_port

logger = logging.getLogger("uvicorn.error")  # where uvicorn says it is running
STARTUP_FAILURE = 3  # uvicorn's exit status for a server that could not start
SETTINGS_ENV = "BAOCAO_SERVE_SETTINGS"  # how the parent hands its options to the workers
# How long an idle keep-alive connection stays open. uvicorn's default (5 s) equals the idle
# expiry of httpx and Node clients: a client reusing a connection after 4.9-5 s idle raced the
# server's close and got a reset instead of an answer (benchmarks/bench_load.py --pause 4.9,5: 14 of
# 660 requests with 5 s, none with 75 s). 75 s outlasts them, aiohttp (15 s) and the 60 s of
# nginx's and cloud load balancers' upstream pools; an idle connection costs a socket, no thread.
KEEP_ALIVE_SECONDS = 75


@dataclass(frozen=True)
class WorkerSettings:
    backend: dict  # worker_backend(Backend)
    encoder: dict | None = None  # load_encoder's arguments; None: the index's own encoder
    guard: dict = field(default_factory=dict)
    cors_origins: tuple[str, ...] = ()
    watch_seconds: float = 2.0
    query_cache: int = QueryCacheSettings.size  # query vectors each worker keeps


def serve_workers(
    settings: WorkerSettings,
    workers: int,
    host: str,
    port: int,
    access_log: bool,
    keep_alive: int = KEEP_ALIVE_SECONDS,
) -> None:
    """Run ``workers`` processes under uvicorn's supervisor (it restarts a worker that dies;
    SIGHUP restarts them one by one, which also loads the newest build)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # read by OpenMP when a worker starts
    config = uvicorn.Config(f"{__name__}:app_from_environment", factory=True, workers=workers,
                            host=host, port=port, log_level="info", access_log=access_log,
                            timeout_keep_alive=keep_alive)  # fmt: skip
    try:
        held = claim_port(host, port)
    except OSError as error:
        logger.error("cannot listen on %s port %d: %s", host, port, error)
        raise SystemExit(STARTUP_FAILURE) from None
    with held:
        logger.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)",
                    f"[{host}]" if ":" in host else host, port)  # fmt: skip
        # uvicorn hints a list of sockets; it only pickles each to its workers, which is where
        # this one becomes a socket of their own
        Multiprocess(config, sockets=[SocketPerWorker(host, port)]).run()  # type: ignore[list-item]


def app_from_environment() -> FastAPI:
    """The app of one worker, from the settings the parent put in ``SETTINGS_ENV``."""
    settings = WorkerSettings(**json.loads(os.environ[SETTINGS_ENV]))
    guard = dict(settings.guard)
    if guard.get("query_log"):
        guard["query_log"] = Path(guard["query_log"])
    encoder = load_encoder(**settings.encoder) if settings.encoder else None
    backend = dict(settings.backend, index_dir=Path(settings.backend["index_dir"]))
    return create_app_for(Backend(**backend), encoder, GuardSettings(**guard),
                          settings.cors_origins, settings.watch_seconds,
                          QueryCacheSettings(settings.query_cache))  # fmt: skip


def worker_backend(backend: Backend) -> dict:
    return {**asdict(backend), "index_dir": str(backend.index_dir)}
