"""The adaptive routing rule on hand-made signals, and the signals read from a query."""

import math

import pytest

from baocao.index.routing import (
    CLEAR_WINNER,
    DOCUMENT_NUMBER,
    NO_KEYWORD_MATCH,
    QUOTED,
    UNACCENTED,
    UNSURE,
    Route,
    RouteSettings,
    Signals,
    route,
    signals,
)

SETTINGS = RouteSettings(margin_depth=3, min_margin=0.3, min_coverage=0.5)
CLEAR = (20.0, 12.0, 10.0)  # (20 - 10) / 20 = 0.5 above the third: a clear winner
CLOSE = (20.0, 19.5, 19.0)  # 0.05


def sig(scores=CLEAR, coverage=0.9, unaccented=False, quoted=False, numbers=0, words=8):
    return Signals(tuple(scores), coverage, unaccented, quoted, numbers, words)


def test_a_clear_bm25_winner_is_not_encoded():
    assert route(sig(), SETTINGS) == Route(False, CLEAR_WINNER)


def test_close_scores_or_a_first_hit_missing_most_of_the_query_are_encoded():
    assert route(sig(scores=CLOSE), SETTINGS) == Route(True, UNSURE)
    assert route(sig(coverage=0.4), SETTINGS) == Route(True, UNSURE)


def test_the_thresholds_are_inclusive_and_the_margin_is_relative_to_the_first_score():
    assert sig(scores=(10.0, 9.0, 7.0)).margin(3) == pytest.approx(0.3)
    assert sig(scores=(10.0, 9.0, 7.0)).margin(2) == pytest.approx(0.1)
    assert route(sig(scores=(10.0, 9.0, 7.0), coverage=0.5), SETTINGS).dense is False
    assert route(sig(scores=(100.0, 90.0, 70.0)), SETTINGS).dense is False  # scale-free
    assert route(sig(scores=(10.0, 9.0, 7.0)), RouteSettings(margin_depth=2)).dense is True


def test_fewer_hits_than_the_margin_depth_leave_nothing_to_confuse():
    assert sig(scores=(3.0,)).margin(3) == 1.0
    assert route(sig(scores=(3.0, 2.9)), SETTINGS) == Route(False, CLEAR_WINNER)


def test_an_empty_bm25_result_is_always_encoded():
    for empty in (
        sig(scores=()),
        sig(scores=(), unaccented=True),
        sig(scores=(), quoted=True),
        sig(scores=(), numbers=1, words=0),
    ):
        assert route(empty, SETTINGS) == Route(True, NO_KEYWORD_MATCH)


def test_an_unaccented_query_is_not_encoded_hybrid_would_not_use_it():
    assert route(sig(scores=CLOSE, unaccented=True), SETTINGS) == Route(False, UNACCENTED)
    encode = RouteSettings(encode_unaccented=True)
    assert route(sig(scores=CLOSE, unaccented=True), encode) == Route(True, UNSURE)


def test_a_quoted_phrase_is_not_encoded():
    assert route(sig(scores=CLOSE, coverage=0.1, quoted=True), SETTINGS) == Route(False, QUOTED)
    assert route(sig(scores=CLOSE, quoted=True), RouteSettings(encode_quoted=True)).dense


def test_a_document_number_lookup_is_not_encoded_a_long_question_naming_one_may_be():
    lookup = sig(scores=CLOSE, coverage=0.2, numbers=1, words=6)
    assert route(lookup, SETTINGS) == Route(False, DOCUMENT_NUMBER)
    question = sig(scores=CLOSE, coverage=0.2, numbers=1, words=14)
    assert route(question, SETTINGS) == Route(True, UNSURE)


def test_settings_are_checked_and_round_trip():
    settings = RouteSettings(margin_depth=2, min_margin=0.25, min_coverage=0.6)
    assert RouteSettings.from_dict(settings.to_dict()) == settings
    for bad in ({"margin_depth": 1}, {"min_margin": -0.1}, {"min_coverage": 1.5},
                {"doc_number_words": -1}):  # fmt: skip
        with pytest.raises(ValueError, match="route"):
            RouteSettings(**bad)


# -- signals from a query, BM25's scores and its first hit -----------------------------------

PASSAGES = 100
FREQUENCY = {"đối": 20, "thoại": 20, "với": 60, "dân": 50, "năm": 30, "2019": 10}


def df(term: str) -> int:
    return FREQUENCY.get(term, 0)


def idf(term: str) -> float:
    n = df(term)
    return math.log(1 + (PASSAGES - n + 0.5) / (n + 0.5))


def test_coverage_is_the_share_of_the_query_idf_mass_in_the_first_hit():
    found = signals("đối thoại với dân năm 2019", [9.0, 4.0], "Năm 2019 đối thoại với 673 hộ",
                    df, PASSAGES)  # fmt: skip
    held = ["đối", "thoại", "với", "năm", "2019"]  # not "dân"
    every = [*held, "dân"]
    assert found.coverage == pytest.approx(sum(map(idf, held)) / sum(map(idf, every)))
    assert found.scores == (9.0, 4.0)
    assert (found.unaccented, found.quoted, found.doc_numbers, found.other_words) == (
        False, False, 0, 6,
    )  # fmt: skip


def test_a_word_no_passage_holds_weighs_the_most():
    found = signals("đối thoại trực tuyến", [5.0], "đối thoại", df, PASSAGES)
    unknown = math.log(1 + (PASSAGES + 0.5) / 0.5)
    held = idf("đối") + idf("thoại")
    assert found.coverage == pytest.approx(held / (held + 2 * unknown))


def test_the_shape_of_the_query():
    assert signals("doi thoai voi dan", [1.0], "x", df, PASSAGES).unaccented
    assert signals('"dân vận khéo"', [1.0], "x", df, PASSAGES, quoted=True).quoted
    lookup = signals("Kế hoạch số 1138/KH-UBND", [1.0], "x", df, PASSAGES)
    assert (lookup.doc_numbers, lookup.other_words) == (1, 3)
    spaced = signals("1138 / KH - UBND", [1.0], "x", df, PASSAGES)
    assert (spaced.doc_numbers, spaced.other_words) == (1, 0)
    nothing = signals("đối thoại", [], None, df, PASSAGES)
    assert nothing.scores == () and nothing.coverage == 0.0


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("1138/KH-UBND", DOCUMENT_NUMBER),
        ("Kế hoạch số 1138/KH-UBND của UBND tỉnh", DOCUMENT_NUMBER),
        ("ke hoach doi thoai voi dan", UNACCENTED),
        ('"đối thoại với Nhân dân"', QUOTED),
    ],
)
def test_queries_that_never_need_the_encoder(query, reason):
    found = signals(query, CLOSE, "không liên quan", df, PASSAGES, quoted=query.startswith('"'))
    assert route(found, SETTINGS) == Route(False, reason)
