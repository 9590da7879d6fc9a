"""Fusion formulas written out by hand."""

import pytest

from baocao.index.fusion import (
    FusionSettings,
    min_max_normalize,
    rank_keys,
    reciprocal_rank_fusion,
    weighted_sum,
)


def test_reciprocal_rank_fusion_formula():
    fused = reciprocal_rank_fusion({"bm25": ["a", "b", "c"], "dense": ["c", "a"]}, k=60)
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert rank_keys(fused) == ["a", "c", "b"]


def test_reciprocal_rank_fusion_with_weights():
    fused = reciprocal_rank_fusion(
        {"bm25": ["a", "b"], "dense": ["b", "a"]}, k=10, weights={"bm25": 0.2, "dense": 0.8}
    )
    assert fused["a"] == pytest.approx(0.2 / 11 + 0.8 / 12)
    assert fused["b"] == pytest.approx(0.2 / 12 + 0.8 / 11)


def test_min_max_normalize():
    assert min_max_normalize({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert min_max_normalize({"a": 5.0, "b": 5.0}) == {"a": 1.0, "b": 1.0}
    assert min_max_normalize({}) == {}


def test_weighted_sum_formula():
    bm25 = {"a": 10.0, "b": 0.0, "c": 5.0}  # normalised: a 1, b 0, c 0.5
    dense = {"a": 0.80, "b": 0.90, "d": 0.70}  # normalised: a 0.5, b 1, d 0
    fused = weighted_sum({"bm25": bm25, "dense": dense}, {"bm25": 0.3, "dense": 0.7})
    assert fused["a"] == pytest.approx(0.3 * 1.0 + 0.7 * 0.5)
    assert fused["b"] == pytest.approx(0.3 * 0.0 + 0.7 * 1.0)
    assert fused["c"] == pytest.approx(0.3 * 0.5)
    assert fused["d"] == pytest.approx(0.0)
    assert rank_keys(fused, 2) == ["b", "a"]


def test_rank_keys_keeps_first_seen_order_on_ties():
    assert rank_keys({"x": 1.0, "y": 2.0, "z": 1.0}) == ["y", "x", "z"]


def test_settings_validate_and_round_trip():
    settings = FusionSettings(method="rrf", weights={"bm25": 1.0, "dense": 1.0}, depth=50)
    assert FusionSettings.from_dict(settings.to_dict()) == settings
    with pytest.raises(ValueError, match="expected one of"):
        FusionSettings(method="max")
