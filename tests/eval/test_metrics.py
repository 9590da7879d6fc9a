"""Metrics through ir-measures, checked against values worked out by hand."""

import math

import pytest

from baocao.eval.metrics import evaluate, run_from_rankings

QRELS = {"q1": {"a": 1}, "q2": {"c": 1}}


def test_hand_computed_values():
    run = run_from_rankings({"q1": ["a", "b"], "q2": ["a", "b", "c"]})
    metrics = evaluate(run, QRELS)
    assert metrics["recall@1"] == pytest.approx(0.5)
    assert metrics["mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert metrics["ndcg@10"] == pytest.approx((1 + 1 / math.log2(4)) / 2)


def test_rankings_keep_their_order_not_the_ids_order():
    run = run_from_rankings({"q1": ["z", "a"]})
    assert evaluate(run, {"q1": {"a": 1}}, ["mrr@10"]) == {"mrr@10": pytest.approx(0.5)}


def test_a_query_missing_from_the_run_scores_zero():
    assert evaluate(run_from_rankings({"q1": ["a"]}), QRELS, ["recall@5"])["recall@5"] == 0.5


def test_unknown_metric_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown metrics.*ndcg@10"):
        evaluate({}, QRELS, ["ndcg@5"])
