"""BM25 scores against the reference: rank-bm25's BM25Okapi."""

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi
from scipy import sparse

from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.index.analyzer import analyze
from baocao.index.bm25 import BM25Builder, BM25Settings, SparseBM25, okapi_idf

TOKENS = st.lists(st.sampled_from(["ở", "y", "dân", "vận", "2343", "16-bc/tu", "đối", "thoại"]))


@pytest.fixture(scope="module")
def seed_documents():
    passages = load_reports([sample_corpus_dir()]).passages
    return [analyze(p.text).words + analyze(p.text).bigrams for p in passages]


QUERIES = [
    "năm 2019 tổ chức bao nhiêu cuộc đối thoại với nhân dân",
    "của và các",  # in more than half the passages: BM25Okapi's epsilon idf floor
    "dân vận dân vận khéo",  # repeated query terms count twice
    "không có trong kho từ vựng xyz",
    "16-BC/TU 2.343",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_bm25okapi_on_the_seed_reports(seed_documents, query):
    analysed = analyze(query)
    terms = analysed.words + analysed.bigrams
    expected = BM25Okapi(seed_documents).get_scores(terms)
    actual = SparseBM25.build(seed_documents).scores(terms)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    documents=st.lists(TOKENS.filter(bool), min_size=1, max_size=12),
    query=TOKENS,
    k1=st.floats(0.5, 2.0),
    b=st.floats(0.0, 1.0),
)
def test_scores_equal_bm25okapi_on_generated_corpora(documents, query, k1, b):
    expected = BM25Okapi(documents, k1=k1, b=b).get_scores(query)
    actual = SparseBM25.build(documents, BM25Settings(k1=k1, b=b)).scores(query)
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


def test_idf_floor_written_out():
    # df = [1, 3, 2] over N = 4: the term in 3 documents has a negative idf, floored to
    # epsilon * mean(idf) where the mean includes the negative value.
    idf = okapi_idf(np.array([1.0, 3.0, 2.0]), 4, epsilon=0.25)
    raw = [np.log(3.5 / 1.5), np.log(1.5 / 3.5), np.log(2.5 / 2.5)]
    assert idf[0] == pytest.approx(raw[0])
    assert idf[1] == pytest.approx(0.25 * np.mean(raw))
    assert idf[2] == pytest.approx(0.0)


def test_save_and_load_round_trip(tmp_path, seed_documents):
    index = SparseBM25.build(seed_documents)
    index.save(tmp_path, "field")
    loaded = SparseBM25.load(tmp_path, "field")
    terms = analyze(QUERIES[0]).words
    assert loaded.vocabulary == index.vocabulary
    np.testing.assert_array_equal(loaded.scores(terms), index.scores(terms))


def test_load_refuses_a_vocabulary_that_does_not_fit(tmp_path):
    SparseBM25.build([["a", "b"], ["b"]]).save(tmp_path, "field")
    (tmp_path / "field.vocab.json").write_text('["a"]', encoding="utf-8")
    with pytest.raises(ValueError, match="vocabulary has 1 terms"):
        SparseBM25.load(tmp_path, "field")


def test_empty_corpus_and_empty_query():
    assert SparseBM25.build([]).scores(["a"]).shape == (0,)
    assert SparseBM25.build([["a"], []]).scores([]).tolist() == [0.0, 0.0]


def test_a_build_in_many_chunks_writes_the_same_matrix(seed_documents):
    whole = SparseBM25.build(seed_documents)
    builder = BM25Builder(chunk_tokens=500)  # dozens of spilled chunks
    for tokens in seed_documents:
        builder.add(tokens)
    chunked = builder.finish()
    assert chunked.vocabulary == whole.vocabulary
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))


def test_weights_are_bit_for_bit_those_of_the_scipy_formula(seed_documents):
    # The former build: a (documents x terms) count matrix, then the formula on its entries.
    index = SparseBM25.build(seed_documents)
    rows = [r for r, doc in enumerate(seed_documents) for _ in doc]
    columns = [index.vocabulary[t] for doc in seed_documents for t in doc]
    tf = sparse.csc_matrix((np.ones(len(rows)), (rows, columns)), shape=index.weights.shape)
    tf.sum_duplicates()
    doc_len = np.array([len(doc) for doc in seed_documents], dtype=np.float64)
    idf = okapi_idf(np.diff(tf.indptr).astype(np.float64), len(doc_len), 0.25)
    coo = tf.tocoo()
    norm = 1.5 * (1 - 0.75 + 0.75 * doc_len[coo.row] / doc_len.mean())
    data = idf[coo.col] * coo.data * (1.5 + 1) / (coo.data + norm)
    expected = sparse.csc_matrix((data, (coo.row, coo.col)), shape=tf.shape)
    np.testing.assert_array_equal(index.indptr, expected.indptr)
    np.testing.assert_array_equal(index.indices, expected.indices)
    np.testing.assert_array_equal(index.data, expected.data)


@pytest.mark.parametrize("query", QUERIES)
def test_scores_are_bit_for_bit_the_column_product(seed_documents, query):
    index = SparseBM25.build(seed_documents)
    terms = analyze(query).words + analyze(query).bigrams
    counts = Counter(t for t in terms if t in index.vocabulary)
    product = index.weights[:, [index.vocabulary[t] for t in counts]] @ np.array(
        list(counts.values()), dtype=np.float64
    )
    np.testing.assert_array_equal(index.scores(terms), product)


def test_loads_memory_mapped(tmp_path, seed_documents):
    SparseBM25.build(seed_documents).save(tmp_path, "field")
    loaded = SparseBM25.load(tmp_path, "field")
    assert all(isinstance(a, np.memmap) for a in (loaded.indptr, loaded.indices, loaded.data))
    assert not loaded.data.flags.writeable


def test_an_index_saved_before_mmap_still_loads(tmp_path, seed_documents):
    # The former format: one .npz of the CSC arrays (int32 indptr and indices) and the vocabulary.
    index = SparseBM25.build(seed_documents)
    w = index.weights
    np.savez(tmp_path / "field.npz", data=w.data, indices=w.indices, indptr=w.indptr,
             shape=np.array(w.shape))  # fmt: skip
    terms = sorted(index.vocabulary, key=index.vocabulary.__getitem__)
    (tmp_path / "field.vocab.json").write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
    loaded = SparseBM25.load(tmp_path, "field")
    query = analyze(QUERIES[0]).words
    np.testing.assert_array_equal(loaded.scores(query), index.scores(query))
    assert loaded.positive == index.positive


def test_positive_says_whether_every_weight_is_above_zero(seed_documents):
    assert SparseBM25.build(seed_documents).positive
    assert not SparseBM25.build([["a"], ["b"]]).positive  # idf 0 for a term in 1 of 2
