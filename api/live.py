"""The index a server answers from, replaced whole when a newer build is published.

`baocao index` writes a new build beside the live one and switches ``CURRENT`` atomically
(index/store.py). ``LiveIndex`` notices the switch (a watcher thread polling ``CURRENT``, a
SIGHUP, or ``POST /reload``), loads the new build in the background while the old one keeps
answering, then swaps one reference. A request reads that reference once, so it is answered
wholly from one build — never a mix. A build that fails to load is logged and reported in
/health; the previous one keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from baocao.index import store
from baocao.index.encoders import Encoder
from baocao.index.hybrid import HybridIndex

logger = logging.getLogger(__name__)

T = TypeVar("T")  # what is served: an index, or what the app builds from one


@dataclass(frozen=True)
class Loaded(Generic[T]):
    value: T
    build_id: str
    loaded_at: float  # time.time()


class LiveIndex(Generic[T]):
    """The served value for the live build of ``index_dir`` (``wrap(index)`` of it)."""

    def __init__(
        self,
        index_dir: Path,
        index: HybridIndex,
        wrap: Callable[[HybridIndex], T],
        encoder: Encoder | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self._wrap = wrap
        self._encoder = encoder or index.encoder
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self.last_error: str | None = None
        self._failed_id = ""  # a build that would not load: not retried until it changes
        self.current = Loaded(wrap(index), _build_id(self.index_dir), time.time())

    def reload(self, force: bool = False) -> bool:
        """Load the live build if it is not the one served (or ``force``); True if swapped."""
        with self._reload_lock:
            build_id = _build_id(self.index_dir)
            if not force and build_id in (self.current.build_id, self._failed_id):
                return False
            try:
                index = HybridIndex.load(self.index_dir, self._encoder)
            except store.IndexUnusable as error:
                self.last_error, self._failed_id = str(error), build_id
                logger.error("kept serving build %s: %s", self.current.build_id, error)
                return False
            loaded_id = _build_id(self.index_dir)
            if loaded_id != build_id:  # switched again while loading: load that one next time
                logger.info("build %s replaced while loading; will load %s", build_id, loaded_id)
                return False
            self.current = Loaded(self._wrap(index), build_id, time.time())
            self.last_error = None
            logger.info("now serving build %s (%d passages)", build_id, len(index.passages))
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


def _build_id(index_dir: Path) -> str:
    try:
        return store.current_build(index_dir).name
    except store.IndexUnusable:
        return ""
