"""/search in adaptive mode (the default) says whether the encoder ran, and /ask encodes its
question once; over the real bundled index on both backends."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from baocao.api.app import create_app
from baocao.index.query_cache import CachedQueries
from baocao.index.routing import REASONS

CLEAR = "tiếp xúc cử tri"  # BM25's first hit stands out: no encoding
UNSURE = "quốc phòng an ninh"  # BM25 is unsure: fused with dense, as hybrid


class Counted:
    """The index's encoder, counting the queries that reach it (behind the app's cache)."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.queries: list[str] = []

    def __getattr__(self, name):
        return getattr(self.encoder, name)

    def encode_queries(self, texts):
        self.queries += list(texts)
        return self.encoder.encode_queries(texts)


@pytest.fixture
def counted(either_index):
    """An app over a copy of the index whose encoder counts (the shared index is untouched)."""
    index = copy.copy(either_index)
    index.encoder = Counted(either_index.encoder)
    return TestClient(create_app(index)), index.encoder


def post(client, path, **body):
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_mode_defaults_to_adaptive_and_the_answer_says_whether_dense_ran(counted):
    client, encoder = counted
    clear = post(client, "/search", query=CLEAR, k=5)
    assert (clear["dense_used"], clear["route"]) == (False, "clear_winner")
    assert clear["hits"] and all(set(hit["scores"]) == {"bm25"} for hit in clear["hits"])
    assert encoder.queries == []
    unsure = post(client, "/search", query=UNSURE, k=5)
    assert (unsure["dense_used"], unsure["route"]) == (True, "unsure")
    assert all(set(hit["scores"]) == {"bm25", "dense", "fused"} for hit in unsure["hits"])
    assert encoder.queries == [UNSURE]
    hybrid = post(client, "/search", query=UNSURE, k=5, mode="hybrid")
    assert (hybrid["dense_used"], hybrid["route"]) == (True, "hybrid")
    assert [h["passage_id"] for h in hybrid["hits"]] == [h["passage_id"] for h in unsure["hits"]]
    assert encoder.queries == [UNSURE]  # the second time from the query cache
    assert post(client, "/search", query=UNSURE, mode="bm25")["dense_used"] is False
    assert post(client, "/similar", text=UNSURE, k=3)["dense_used"] is True


def test_unaccented_quoted_and_document_number_queries_skip_the_encoder(counted):
    client, encoder = counted
    for query, reason in (("tiep xuc cu tri", "unaccented"), ('"dân vận khéo"', "quoted"),
                          ("Báo cáo số 16-BC/TU", "document_number")):  # fmt: skip
        found = post(client, "/search", query=query)
        assert (found["dense_used"], found["route"]) == (False, reason), query
    assert encoder.queries == []


def test_pages_of_an_adaptive_search_follow_on(counted):
    client, _ = counted
    for query in (CLEAR, UNSURE):
        whole = [h["passage_id"] for h in post(client, "/search", query=query, k=10)["hits"]]
        second = post(client, "/search", query=query, k=5, offset=5)["hits"]
        assert [h["passage_id"] for h in second] == whole[5:]


@pytest.mark.parametrize("listed", [0, 10, 100])
def test_ask_encodes_its_question_once(counted, listed):
    client, encoder = counted
    question = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    answer = post(client, "/ask", question=question, hits=listed)
    assert len(answer["hits"]) == listed
    assert len(encoder.queries) == 1, encoder.queries


def test_the_app_keeps_query_vectors(counted):
    client, encoder = counted
    app_index = client.app.state.catalog.index
    assert isinstance(app_index.encoder, CachedQueries)
    post(client, "/search", query=UNSURE, mode="dense")
    post(client, "/search", query=f"  {UNSURE} ", mode="dense")
    assert encoder.queries == [UNSURE]


def test_the_openapi_schema_documents_the_mode_and_dense_used(either_index):
    schemas = TestClient(create_app(either_index)).get("/openapi.json").json()
    schemas = schemas["components"]["schemas"]
    mode = schemas["SearchRequest"]["properties"]["mode"]
    assert mode["default"] == "adaptive"
    assert mode["enum"] == ["adaptive", "hybrid", "bm25", "dense"]
    assert "BM25 first" in mode["description"]
    said = schemas["SearchResponse"]["properties"]
    assert said["dense_used"]["type"] == "boolean"
    assert "encoder ran" in said["dense_used"]["description"]
    assert all(reason in said["route"]["description"] for reason in REASONS)
