"""BM25 scores against the reference: rank-bm25's BM25Okapi."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.index.analyzer import analyze
from baocao.index.bm25 import BM25Settings, SparseBM25, okapi_idf

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
