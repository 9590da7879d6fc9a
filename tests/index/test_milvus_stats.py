"""The Milvus backend's BM25 re-scoring (index/milvus/stats.py) against the embedded BM25,
on a corpus small enough to check by hand: counts in, BM25Okapi's scores out."""

from __future__ import annotations

import numpy as np
import pytest

from baocao.index.bm25 import BM25Settings, SparseBM25
from baocao.index.keyword import FIELDS
from baocao.index.milvus.stats import Counts, QueryStats, field_scores, mean_idf

DOCUMENTS = [["ủy", "ban", "ủy"], ["ủy", "ở"], ["ủy", "y", "tế", "xã"], ["ban", "y"], ["ủy"]]


def _stats(documents, removed=()):
    counts = Counts()
    counts.add({name: " ".join(doc) for name in FIELDS} for doc in documents)
    counts.add(({name: " ".join(doc) for name in FIELDS} for doc in removed), -1)
    holding = {key: n for key, n in counts.holding.items() if n}
    vocabulary = [n for (name, _), n in holding.items() if name == "words"]
    return QueryStats(
        counts.passages,
        {name: counts.lengths[name] / counts.passages for name in FIELDS},
        holding,
        {"words": mean_idf(vocabulary, counts.passages)},
    )


@pytest.mark.parametrize("query", (["ủy"], ["ban", "y"], ["ủy", "ủy", "xã"], ["không"], []))
def test_scores_are_bm25okapi(query):
    """ "ủy" is in 4 of 5 documents: its idf is negative, floored at ε × the mean idf."""
    expected = SparseBM25.build(DOCUMENTS).scores(query)
    got = field_scores(query, DOCUMENTS, "words", _stats(DOCUMENTS), BM25Settings())
    np.testing.assert_array_equal(got, expected)


def test_uncounting_a_passage_leaves_the_others_statistics():
    gone = ["ban", "xã", "xã"]
    stats = _stats([*DOCUMENTS, gone], removed=[gone])
    assert stats == _stats(DOCUMENTS)
    query = ["ban", "xã"]
    np.testing.assert_array_equal(
        field_scores(query, DOCUMENTS, "words", stats, BM25Settings()),
        SparseBM25.build(DOCUMENTS).scores(query),
    )
