"""The index a server answers from, replaced whole when a newer build is published.

`baocao index` writes a new build beside the live one and switches ``CURRENT`` atomically
(index/store.py). ``LiveIndex`` notices the switch (a watcher thread polling ``CURRENT``, a
SIGHUP, or ``POST /reload``), loads the new build in the background while the old one keeps
answering, then swaps one reference. A request reads that reference once, so it is answered
wholly from one build — never a mix. A build that fails to load is logged and reported in
/health; the previous one keeps serving.

A Milvus collection has no builds: ingestion writes into it while it is searched. Its version
is a digest of the stored reports (ids and file hashes); when that changes the server reopens
the collection, so its list of reports and its cached passages follow within ``--watch``
seconds (searches see new passages at once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from baocao.index import store
from baocao.index.backends import IndexSource, SearchIndex

logger = logging.getLogger(__name__)

T = TypeVar("T")  # what is served: an index, or what the app builds from one


@dataclass(frozen=True)
class Loaded(Generic[T]):
    value: T
    build_id: str
    loaded_at: float  # time.time()


class LiveIndex(Generic[T]):
    """The served value (``wrap(index)``) for the current version of ``source``."""

    def __init__(
        self, source: IndexSource, index: SearchIndex, wrap: Callable[[SearchIndex], T]
    ) -> None:
        self.source = source
        self._wrap = wrap
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self.last_error: str | None = None
        self._failed_id = ""  # a version that would not load: not retried until it changes
        self.current = Loaded(wrap(index), source.version(), time.time())

    def reload(self, force: bool = False) -> bool:
        """Load the current version if it is not the one served (or ``force``); True if
        swapped."""
        with self._reload_lock:
            build_id = self.source.version()
            if not force and build_id in (self.current.build_id, self._failed_id):
                return False
            try:
                index = self.source.load()
            except (store.IndexUnusable, RuntimeError) as error:  # MilvusUnusable too
                self.last_error, self._failed_id = str(error), build_id
                logger.error("kept serving build %s: %s", self.current.build_id, error)
                return False
            loaded_id = self.source.version()
            if loaded_id != build_id:  # switched again while loading: load that one next time
                logger.info("build %s replaced while loading; will load %s", build_id, loaded_id)
                return False
            self.current = Loaded(self._wrap(index), build_id, time.time())
            self.last_error = None
            logger.info("now serving build %s (%d passages)", build_id, index.size)
            return True

    def watch(self, every_seconds: float) -> threading.Thread:
        """Poll ``CURRENT`` in a daemon thread and reload when it names another build."""

        def loop() -> None:
            while not self._stop.wait(every_seconds):
                try:
                    self.reload()
                except Exception:  # never let the watcher die with the server still up
                    logger.exception("reload failed")

        thread = threading.Thread(target=loop, name="baocao-index-watch", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
