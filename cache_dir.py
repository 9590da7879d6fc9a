"""Where baocao keeps caches that survive index rebuilds (embeddings, tiktoken files)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "BAOCAO_CACHE_DIR"


def cache_dir(*parts: str) -> Path:
    """``$BAOCAO_CACHE_DIR`` (default ``~/.cache/baocao``) joined with ``parts``, created."""
    root = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "baocao")
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
