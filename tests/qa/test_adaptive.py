"""Adaptive search on the bundled reports, on both backends: BM25's ranking where BM25 is sure,
hybrid's where it is not, and the encoder run only then."""

import pytest

from baocao.index.routing import (
    CLEAR_WINNER,
    DOCUMENT_NUMBER,
    NO_KEYWORD_MATCH,
    QUOTED,
    UNACCENTED,
    UNSURE,
    RouteSettings,
)
from baocao.qa.search import (
    ADAPTIVE,
    DEFAULT_MODE,
    MAX_QUERY_TOKENS,
    SEARCH_MODES,
    Filters,
    InvalidQuery,
    QueryTooLong,
    Searcher,
)

KIEN_GIANG = "001_f0ce601e5f83c249"


class Counted:
    """The index's own encoder, counting the queries it is asked to encode."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.queries: list[str] = []

    def __getattr__(self, name):
        return getattr(self.encoder, name)

    def encode_queries(self, texts):
        self.queries += list(texts)
        return self.encoder.encode_queries(texts)


@pytest.fixture
def counted(either_index, monkeypatch):
    encoder = Counted(either_index.encoder)
    monkeypatch.setattr(either_index, "encoder", encoder)
    return encoder


@pytest.fixture(scope="module")
def searcher(either_index):
    return Searcher(either_index)


def ids(hits):
    return [hit.passage.passage_id for hit in hits]


def test_adaptive_is_the_default_of_the_api_cli_and_page_not_of_the_library():
    assert DEFAULT_MODE == ADAPTIVE and SEARCH_MODES == ("adaptive", "hybrid", "bm25", "dense")


@pytest.mark.parametrize(
    "query", ["tiếp xúc cử tri", "tiếp nhận hồ sơ thủ tục hành chính cấp tỉnh"]
)
def test_a_clear_bm25_winner_is_bm25s_ranking_without_encoding(searcher, counted, query):
    ranked = searcher.ranked(query, 10, ADAPTIVE)
    assert (ranked.dense_used, ranked.route.reason) == (False, CLEAR_WINNER)
    assert counted.queries == []
    assert ids(ranked.hits) == ids(searcher.hits(query, 10, "bm25"))
    assert all(set(hit.scores) == {"bm25"} for hit in ranked.hits)


def test_an_unsure_query_is_hybrids_ranking_encoded_once(searcher, counted):
    query = "quốc phòng an ninh"
    ranked = searcher.ranked(query, 10, ADAPTIVE)
    assert (ranked.dense_used, ranked.route.reason) == (True, UNSURE)
    assert len(counted.queries) == 1
    assert ids(ranked.hits) == ids(searcher.hits(query, 10, "hybrid"))
    assert all(set(hit.scores) == {"bm25", "dense", "fused"} for hit in ranked.hits)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("doi thoai voi nhan dan", UNACCENTED),
        ("Báo cáo số 16-BC/TU", DOCUMENT_NUMBER),
        ('"dân vận khéo"', QUOTED),
    ],
)
def test_queries_the_encoder_cannot_help_are_not_encoded(searcher, counted, query, reason):
    ranked = searcher.ranked(query, 10, ADAPTIVE)
    assert (ranked.dense_used, ranked.route.reason) == (False, reason)
    assert counted.queries == [] and ranked.hits
    assert ids(ranked.hits) == ids(searcher.hits(query, 10, "bm25"))


def test_when_bm25_finds_nothing_the_encoder_does(searcher, counted):
    ranked = searcher.ranked("zyxwvu qqqq", 5, ADAPTIVE)
    assert (ranked.dense_used, ranked.route.reason) == (True, NO_KEYWORD_MATCH)
    assert len(ranked.hits) == 5 and len(counted.queries) == 1


def test_filters_hold_and_the_route_is_read_among_the_passages_they_accept(searcher, either_index):
    filters = Filters.from_dict({"doc_id": KIEN_GIANG}, either_index.documents)
    for query in ("tiếp xúc cử tri", "quốc phòng an ninh"):
        ranked = searcher.ranked(query, 10, ADAPTIVE, filters)
        assert ranked.hits and {h.passage.doc_id for h in ranked.hits} == {KIEN_GIANG}
        mode = "hybrid" if ranked.dense_used else "bm25"
        assert ids(ranked.hits) == ids(searcher.hits(query, 10, mode, filters))


def test_pages_of_one_search_agree(searcher):
    for query in ("tiếp xúc cử tri", "quốc phòng an ninh"):
        whole = ids(searcher.hits(query, 20, ADAPTIVE))
        assert ids(searcher.hits(query, 10, ADAPTIVE)) == whole[:10]


def test_other_modes_say_what_they_ran(searcher, counted):
    assert searcher.ranked("tiếp xúc cử tri", 3, "bm25").dense_used is False
    assert searcher.ranked("tiếp xúc cử tri", 3, "hybrid").dense_used is True
    assert searcher.ranked("tiếp xúc cử tri", 3, "dense").route.reason == "dense"
    assert len(counted.queries) == 2


def test_settings_decide(either_index, counted):
    always = Searcher(either_index, RouteSettings(min_margin=1.01))  # no margin reaches it
    assert always.ranked("tiếp xúc cử tri", 5, ADAPTIVE).route.reason == UNSURE
    assert len(counted.queries) == 1


def test_adaptive_may_encode_so_it_has_the_encoders_limit(searcher):
    with pytest.raises(QueryTooLong, match=f"tối đa {MAX_QUERY_TOKENS} tokens"):
        searcher.ranked('"' * 1999, 5, ADAPTIVE)
    with pytest.raises(InvalidQuery, match="expected one of adaptive, hybrid, bm25, dense"):
        searcher.ranked("x", 5, "fuzzy")
