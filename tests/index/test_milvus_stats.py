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


class _Refused(Exception):
    pass


def _flaky_pymilvus(refusals, message):
    """A stand-in for the pymilvus module whose client refuses ``refusals`` times."""
    calls = []

    class Client:
        def __init__(self, uri):
            calls.append(uri)
            if len(calls) <= refusals:
                raise _Refused(message)

    module = type("pymilvus", (), {"MilvusClient": Client, "MilvusException": _Refused})
    return module, calls


def test_a_refused_connection_is_retried(monkeypatch, tmp_path):
    from baocao.index.milvus import schema

    module, calls = _flaky_pymilvus(2, "Fail connecting to server on 127.0.0.1:41015")
    monkeypatch.setattr(schema, "_milvus", lambda: module)
    monkeypatch.setattr(schema.time, "sleep", lambda seconds: None)
    assert isinstance(schema.open_client(str(tmp_path / "x.db")), module.MilvusClient)
    assert len(calls) == 3


@pytest.mark.parametrize(("refusals", "message"), [(9, "Fail connecting"), (1, "bad schema")])
def test_other_errors_and_the_last_refusal_are_raised(monkeypatch, tmp_path, refusals, message):
    from baocao.index.milvus import schema

    module, calls = _flaky_pymilvus(refusals, message)
    monkeypatch.setattr(schema, "_milvus", lambda: module)
    monkeypatch.setattr(schema.time, "sleep", lambda seconds: None)
    with pytest.raises(_Refused, match=message):
        schema.open_client(str(tmp_path / "x.db"))
    assert len(calls) == (4 if refusals == 9 else 1)
