"""`baocao eval`: run every search mode over a question set and report what it finds.

A question set is the gold set about the bundled reports (relevance by evidence coverage) or a
BEIR benchmark folder (with the published numbers from its README beside ours).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np
from tqdm import tqdm

from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.corpus.model import Document, Passage
from baocao.eval.ask_eval import evaluate_ask, write_question_report
from baocao.eval.beir import load_beir
from baocao.eval.goldset import (
    GOLD_FILE,
    GoldQuestion,
    gold_qrels,
    load_gold,
    load_split,
    reports_of,
)
from baocao.eval.metrics import MEASURES, Run, per_query, run_from_rankings
from baocao.eval.trec import write_qrels, write_run
from baocao.index.analyzer import is_unaccented
from baocao.index.backends import SearchIndex
from baocao.index.store import write_json
from baocao.progress import draws_bars
from baocao.qa.search import SEARCH_MODES, Searcher

logger = logging.getLogger(__name__)
METRICS = tuple(MEASURES)  # recall@1, recall@5, recall@10, mrr@10, ndcg@10
K = 10
PLOT_EXTRA = "plot"  # the pyproject extra that brings matplotlib


@dataclass(frozen=True)
class EvalSet:
    name: str
    passages: list[Passage]
    documents: list[Document]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    subsets: dict[str, list[str]] = field(default_factory=dict)  # name -> query ids
    published: dict[str, dict[str, float]] = field(default_factory=dict)  # system -> metrics
    answers: list[GoldQuestion] = field(default_factory=list)  # questions with gold answers


@dataclass
class ModeResult:
    metrics: dict[str, float]
    subsets: dict[str, dict[str, float]]
    latency_ms: dict[str, float]
    run: Run
    first_relevant: dict[str, int | None]  # query id -> rank of the first relevant hit


def gold_set(
    path: Path | None = None, corpus_dir: Path | None = None, split: str | None = None
) -> EvalSet:
    """Gold questions over the reports in ``corpus_dir`` (default: the bundled ones): the file
    ``path`` whole, or one ``split`` ("tune", "test", "all") of the project's gold files."""
    corpus_dir = corpus_dir or (reports_of(path) if path is not None else sample_corpus_dir())
    if path is not None:
        questions = load_gold(path)
        name = "gold" if Path(path) == GOLD_FILE else f"gold ({Path(path).name})"
    else:
        split = split or "test"
        questions = load_split(split)
        name = f"gold-{split}"
    result = load_reports([corpus_dir])
    subsets: dict[str, list[str]] = {}
    answerable = [q for q in questions if q.evidence is not None]
    qrels = gold_qrels(answerable, result.passages, corpus_dir)
    answerable = [q for q in answerable if q.id in qrels]  # retrieval: the judged ones
    for q in answerable:
        subsets.setdefault(f"type: {q.type}", []).append(q.id)
        if q.in_footnote:
            subsets.setdefault("answer in a footnote", []).append(q.id)
        if is_unaccented(q.question):
            subsets.setdefault("typed without diacritics", []).append(q.id)
    return EvalSet(
        name=name,
        passages=result.passages,
        documents=[d.document for d in result.documents],
        queries={q.id: q.question for q in answerable},
        qrels=qrels,
        subsets=dict(sorted(subsets.items())),
        answers=questions,
    )


def benchmark_set(folder: Path) -> EvalSet:
    benchmark = load_beir(folder)
    readme = Path(folder) / "README.md"
    published = published_results(readme.read_text(encoding="utf-8")) if readme.is_file() else {}
    return EvalSet(
        benchmark.name,
        benchmark.passages,
        benchmark.documents,
        benchmark.queries,
        benchmark.qrels,
        published=published,
    )


_HEADER_TO_METRIC = {"ndcg@10": "ndcg@10", "r@1": "recall@1", "r@5": "recall@5",
                     "r@10": "recall@10", "mrr@10": "mrr@10"}  # fmt: skip


def published_results(readme: str) -> dict[str, dict[str, float]]:
    """Rows of the first markdown table whose header names nDCG@10: system -> metrics."""
    lines = readme.splitlines()
    for start, line in enumerate(lines):
        cells = _cells(line)
        if cells and any(c.lower() == "ndcg@10" for c in cells):
            metrics = [_HEADER_TO_METRIC.get(c.lower()) for c in cells]
            results = {}
            for row in lines[start + 2 :]:
                values = _cells(row)
                if not values:
                    break
                results[values[0]] = {
                    m: float(v) for m, v in zip(metrics, values, strict=False) if m and _is_num(v)
                }
            return results
    return {}


def _cells(line: str) -> list[str]:
    line = line.strip()
    return [c.strip() for c in line.strip("|").split("|")] if line.startswith("|") else []


def _is_num(text: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)?", text) is not None


def evaluate_index(
    index: SearchIndex, eval_set: EvalSet, modes: Sequence[str] = SEARCH_MODES
) -> dict[str, ModeResult]:
    """Each mode as users get it: ``qa.Searcher`` (the index plus query understanding)."""
    searcher = Searcher(index)
    results = {}
    bars = draws_bars()
    for number, mode in enumerate(modes, start=1):
        rankings, seconds = {}, []
        questions = eval_set.queries.items()
        what = f"{mode} ({number}/{len(modes)})"
        logger.info("searching %d questions in mode %s", len(questions), what)
        for query_id, text in tqdm(questions, desc=what, unit="q", disable=not bars):
            started = time.perf_counter()
            found = searcher.search(text, K, mode)
            seconds.append(time.perf_counter() - started)
            rankings[query_id] = [r.passage.passage_id for r in found]
        results[mode] = _score(eval_set, rankings, seconds)
        logger.info("%s: recall@5 %.3f, MRR@10 %.3f in %.1f s", mode,
                    results[mode].metrics["recall@5"], results[mode].metrics["mrr@10"],
                    sum(seconds))  # fmt: skip
    return results


def evaluate_answers(index: SearchIndex, eval_set: EvalSet) -> dict | None:
    """``qa.ask`` over the set's questions with gold answers (None when it has none)."""
    if not eval_set.answers:
        return None
    relevant = {qid: set(passages) for qid, passages in eval_set.qrels.items()}
    logger.info("asking %d questions (ask)", len(eval_set.answers))
    started = time.perf_counter()
    answers = evaluate_ask(index, eval_set.answers, relevant=relevant)
    logger.info("ask: done in %.1f s", time.perf_counter() - started)
    return answers


def _score(eval_set: EvalSet, rankings: dict[str, list[str]], seconds: list[float]) -> ModeResult:
    run = run_from_rankings(rankings)
    by_query = per_query(run, eval_set.qrels, METRICS)
    ms = np.array(seconds) * 1000
    return ModeResult(
        metrics=_mean(by_query, list(eval_set.qrels)),
        subsets={name: _mean(by_query, ids) for name, ids in eval_set.subsets.items()},
        latency_ms={"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))},
        run=run,
        first_relevant={
            qid: next((r for r, pid in enumerate(rankings[qid], 1) if pid in relevant), None)
            for qid, relevant in eval_set.qrels.items()
        },
    )


def _mean(by_query: dict[str, dict[str, float]], query_ids: list[str]) -> dict[str, float]:
    return {m: float(np.mean([by_query[q][m] for q in query_ids])) for m in METRICS}


# -- output -----------------------------------------------------------------------------------


def report(eval_set: EvalSet, results: dict[str, ModeResult], answers: dict | None = None) -> dict:
    return {
        "dataset": eval_set.name,
        "passages": len(eval_set.passages),
        "queries": len(eval_set.queries),
        "modes": {mode: _mode_summary(r) for mode, r in results.items()},
        "subsets": {
            name: {"queries": len(ids), **{m: r.subsets[name] for m, r in results.items()}}
            for name, ids in eval_set.subsets.items()
        },
        "published": eval_set.published,
        "misses": _misses(eval_set, results),
        "ask": answers,
    }


def _mode_summary(result: ModeResult) -> dict[str, float]:
    latency = {f"latency_{p}_ms": v for p, v in result.latency_ms.items()}
    return {**result.metrics, **latency}


def _misses(eval_set: EvalSet, results: dict[str, ModeResult]) -> list[dict]:
    """Questions whose first relevant passage is not in the top 5 of hybrid (or the first mode)."""
    judged = "hybrid" if "hybrid" in results else next(iter(results))
    missed = []
    for qid, rank in results[judged].first_relevant.items():
        if rank is None or rank > 5:
            ranks = {mode: r.first_relevant[qid] for mode, r in results.items()}
            missed.append({"id": qid, "question": eval_set.queries[qid], "rank": ranks})
    return missed


def render(summary: dict) -> list[str]:
    head = f"{summary['dataset']}: {summary['queries']} questions, {summary['passages']} passages"
    lines = [head, "", _row(["mode", *METRICS, "p50 ms", "p95 ms"]), _rule(len(METRICS) + 3)]
    for mode, values in summary["modes"].items():
        cells = [f"{values[m]:.4f}" for m in METRICS]
        cells += [f"{values['latency_p50_ms']:.1f}", f"{values['latency_p95_ms']:.1f}"]
        lines.append(_row([mode, *cells]))
    for system, values in summary["published"].items():
        cells = [f"{values[m]:.4f}" if m in values else "" for m in METRICS]
        lines.append(_row([f"published: {system}", *cells, "", ""]))
    if summary["subsets"]:
        modes = list(summary["modes"])
        header = ["subset", "n", *(f"{m} recall@5" for m in modes), *(f"{m} mrr@10" for m in modes)]
        lines += ["", _row(header), _rule(len(header))]
        for name, values in summary["subsets"].items():
            cells = [f"{values[m]['recall@5']:.3f}" for m in modes]
            cells += [f"{values[m]['mrr@10']:.3f}" for m in modes]
            lines.append(_row([name, str(values["queries"]), *cells]))
    if summary.get("ask"):
        lines += ["", *_render_ask(summary["ask"])]
    return lines


_ASK_COLUMNS = ("questions", "confident", "right", "accuracy", "confident accuracy",
                "confident but wrong")  # fmt: skip


def _render_ask(answers: dict) -> list[str]:
    """The ask table: all questions, then one row per question class and per type."""
    lines = [_row(["ask", *_ASK_COLUMNS]), _rule(len(_ASK_COLUMNS) + 1)]
    rows = [("all", answers), *((f"class: {c}", v) for c, v in answers["by_class"].items()),
            *((f"type: {t}", v) for t, v in answers["by_type"].items())]  # fmt: skip
    for name, values in rows:
        cells = [str(values["questions"]), str(values["confident"]), str(values["right"]),
                 f"{values['accuracy']:.3f}", f"{values['confident_accuracy']:.3f}",
                 str(values["confident_wrong"])]  # fmt: skip
        lines.append(_row([name, *cells]))
    latency = answers["latency_ms"]
    lines.append(f"\nask latency (in-process): p50 {latency['p50']:.1f} ms, "
                 f"p95 {latency['p95']:.1f} ms")  # fmt: skip
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: int) -> str:
    return "|---" + "|---:" * (columns - 1) + "|"


def write_outputs(
    out_dir: Path,
    eval_set: EvalSet,
    results: dict[str, ModeResult],
    answers: dict | None = None,
    plot: bool = False,
) -> dict:
    """runs/<mode>.trec, qrels.trec, report.json (and with ``plot``, recall.png) under
    ``out_dir``."""
    runs = out_dir / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    for mode, result in results.items():
        write_run(runs / f"{mode}.trec", result.run, f"baocao-{mode}")
    write_qrels(out_dir / "qrels.trec", eval_set.qrels)
    summary = report(eval_set, results, answers)
    write_json(out_dir / "report.json", summary)
    if answers:
        write_question_report(out_dir, answers["records"], f"baocao ask — {eval_set.name}")
    if plot:
        plot_recall(out_dir / "recall.png", eval_set, results)
    return summary


class MissingExtra(ImportError):
    """An optional feature whose dependencies are not installed; names the extra to install."""


def pyplot() -> ModuleType:
    """matplotlib's pyplot drawing to files only, or MissingExtra naming the `plot` extra."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra(
            "the recall plot needs matplotlib, which is not installed: "
            f"pip install 'baocao[{PLOT_EXTRA}]'"
        ) from None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def plot_recall(path: Path, eval_set: EvalSet, results: dict[str, ModeResult]) -> None:
    """Recall@k for k = 1..10, one line per mode."""
    plt = pyplot()
    ks = range(1, K + 1)
    figure, axes = plt.subplots(figsize=(6, 4))
    for mode, result in results.items():
        ranks = list(result.first_relevant.values())
        axes.plot(ks, [np.mean([r is not None and r <= k for r in ranks]) for k in ks],
                  marker="o", label=mode)  # fmt: skip
    axes.set(xlabel="k", ylabel="recall@k (first relevant passage)", ylim=(0, 1.02),
             title=f"{eval_set.name}: {len(eval_set.queries)} questions")  # fmt: skip
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def summary_json(summary: dict) -> str:
    """What ``--json`` prints: {mode: {metric: value}}, and "ask" when answers were judged."""
    printed = dict(summary["modes"])
    if summary.get("ask"):
        printed["ask"] = {k: v for k, v in summary["ask"].items() if k not in ("misses", "records")}
    return json.dumps(printed, ensure_ascii=False, indent=1)
