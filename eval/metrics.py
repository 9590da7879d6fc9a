"""Retrieval metrics via ir-measures, named as ranx/ir-measures write them ("ndcg@10")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import ir_measures
from ir_measures import RR, R, nDCG

Run = dict[str, dict[str, float]]  # query_id -> {passage_id: score}

MEASURES = {
    "recall@1": R @ 1,
    "recall@5": R @ 5,
    "recall@10": R @ 10,
    "mrr@10": RR @ 10,
    "ndcg@10": nDCG @ 10,
}


def run_from_rankings(rankings: Mapping[str, Sequence[str]]) -> Run:
    """Ranked passage ids -> scores that keep exactly that order (ties broken by us, not by id)."""
    return {
        query_id: {pid: float(len(ids) - i) for i, pid in enumerate(ids)}
        for query_id, ids in rankings.items()
    }


def evaluate(
    run: Run, qrels: Mapping[str, Mapping[str, int]], metrics: Iterable[str] = MEASURES
) -> dict[str, float]:
    """Mean of each metric over the queries in ``qrels`` (a query missing from the run scores 0)."""
    chosen = _measures(metrics)
    results = ir_measures.calc_aggregate(list(chosen.values()), dict(qrels), _full(run, qrels))
    return {name: float(results.get(measure, 0.0)) for name, measure in chosen.items()}


def per_query(
    run: Run, qrels: Mapping[str, Mapping[str, int]], metrics: Iterable[str] = MEASURES
) -> dict[str, dict[str, float]]:
    """query_id -> {metric: value}, for means over subsets of the questions."""
    chosen = _measures(metrics)
    names = {measure: name for name, measure in chosen.items()}
    values = {query_id: dict.fromkeys(chosen, 0.0) for query_id in qrels}
    for metric in ir_measures.iter_calc(list(chosen.values()), dict(qrels), _full(run, qrels)):
        values[metric.query_id][names[metric.measure]] = float(metric.value)
    return values


def _measures(metrics: Iterable[str]) -> dict:
    metrics = list(metrics)
    unknown = [name for name in metrics if name not in MEASURES]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}: expected some of {', '.join(MEASURES)}")
    return {name: MEASURES[name] for name in metrics}


def _full(run: Run, qrels: Mapping[str, Mapping[str, int]]) -> Run:
    # ir-measures leaves out queries the run lacks; a placeholder makes them count as misses
    return {query_id: run.get(query_id) or {"\0none": 0.0} for query_id in qrels}
