"""What turning 10 hits into results costs: highlights and citations (prints a table).

    python -m baocao.benchmarks.bench_results [--index-dir DIR] [--k 10] [--repeats 5]

For every gold question (all splits: this times work, it scores nothing) the hits are searched
once in bm25 mode (no encoder: the hits are what matters here, not how they were found), then
timed: ``Searcher.results`` with the citations' text as a response carries them, and its two
halves apart (``highlights``; ``cite`` with ``Citation.text`` and ``source``). "warm": the
best of ``--repeats`` runs in a row (the passages' terms, the query's marks and the citations
cached, as in a server after its first queries); "cold": one run after those caches are
emptied (passages never shown before). p50/p95 over the questions.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from baocao.eval.goldset import load_split
from baocao.index.build import open_index
from baocao.qa import citation, highlight
from baocao.qa.highlight import highlights
from baocao.qa.search import Searcher, cite

# emptied before each cold run (older code without them has none to empty)
CACHES = [
    getattr(module, name)
    for module, name in ((highlight, "_text_terms"), (highlight, "_query_marks"),
                         (citation, "_document_citation"), (citation, "_section_label"))
    if hasattr(module, name)
]  # fmt: skip


def _cold_and_warm(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(cold, warm) seconds: a run with the highlighter's caches emptied, the best of
    ``repeats`` runs after it."""
    for cache in CACHES:
        cache.cache_clear()
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times[0], min(times[1:])


def _shown(searcher: Searcher, ranked, query: str) -> list:
    """What /search turns hits into: results, and their citations as text."""
    results = searcher.results(ranked, query)
    return [(result.citation.text(), result.citation.source()) for result in results]


def _highlights(hits: list, query: str, common: frozenset[str]) -> list:
    return [highlights(hit.passage.text, query, common) for hit in hits]


def _citations(hits: list, documents: Mapping) -> list:
    """Each hit's citation as a response carries it: the citing form and the file's place."""
    cited = [cite(hit.passage, documents.get(hit.passage.doc_id)) for hit in hits]
    return [(citation.text(), citation.source()) for citation in cited]


def measure(searcher: Searcher, questions: list[str], k: int, repeats: int) -> dict[str, tuple]:
    """step -> (cold ms per question, warm ms per question)."""
    documents = searcher.index.documents
    common = searcher.vocabulary.common
    names = ("results + citations' text", "highlights", "citations")
    steps: dict[str, tuple[list, list]] = {name: ([], []) for name in names}
    for question in questions:
        ranked = searcher.ranked(question, k, "bm25")
        hits = ranked.hits
        runs = {
            "results + citations' text": functools.partial(_shown, searcher, ranked, question),
            "highlights": functools.partial(_highlights, hits, question, common),
            "citations": functools.partial(_citations, hits, documents),
        }
        for name, run in runs.items():
            first, best = _cold_and_warm(run, repeats)
            steps[name][0].append(first * 1000)
            steps[name][1].append(best * 1000)
    return {name: (np.array(a), np.array(b)) for name, (a, b) in steps.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    searcher = Searcher(open_index(args.index_dir))
    questions = [q.question for q in load_split("all")]
    steps = measure(searcher, questions, args.k, args.repeats)
    lines = [f"{len(questions)} gold questions, {args.k} hits each (bm25), ms per question",
             "| step | warm p50 | warm p95 | cold p50 | cold p95 |",
             "|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, (cold, warm) in steps.items():
        p50, p95 = np.percentile(warm, [50, 95])
        f50, f95 = np.percentile(cold, [50, 95])
        lines.append(f"| {name} | {p50:.2f} | {p95:.2f} | {f50:.2f} | {f95:.2f} |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
