"""TREC and BEIR files, so other tools (trec_eval, ir-measures, ranx, BEIR) read our runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import ir_measures

from baocao.corpus.model import Passage
from baocao.eval.metrics import Run
from baocao.index.store import write_jsonl

Qrels = Mapping[str, Mapping[str, int]]


def write_run(path: Path, run: Run, tag: str) -> None:
    """``qid Q0 docid rank score tag`` lines, best first per query."""
    with open(path, "w", encoding="utf-8") as handle:
        for query_id, scores in run.items():
            ranked = sorted(scores.items(), key=lambda item: -item[1])
            for rank, (doc_id, score) in enumerate(ranked, start=1):
                handle.write(f"{query_id} Q0 {doc_id} {rank} {score:.6f} {tag}\n")


def read_run(path: Path) -> Run:
    run: Run = {}
    for scored in ir_measures.read_trec_run(str(path)):
        run.setdefault(scored.query_id, {})[scored.doc_id] = scored.score
    return run


def write_qrels(path: Path, qrels: Qrels) -> None:
    """``qid 0 docid relevance`` lines (TREC qrels)."""
    with open(path, "w", encoding="utf-8") as handle:
        for query_id, judged in qrels.items():
            for doc_id, relevance in judged.items():
                handle.write(f"{query_id} 0 {doc_id} {relevance}\n")


def export_beir(
    folder: Path, passages: Sequence[Passage], queries: Mapping[str, str], qrels: Qrels
) -> None:
    """corpus.jsonl, queries.jsonl, qrels.tsv (with header) — readable by ``eval.beir``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "corpus.jsonl", [{"_id": p.passage_id, "title": "", "text": p.text}
                                          for p in passages])  # fmt: skip
    write_jsonl(folder / "queries.jsonl", [{"_id": q, "text": t} for q, t in queries.items()])
    with open(folder / "qrels.tsv", "w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        for query_id, judged in qrels.items():
            for doc_id, relevance in judged.items():
                handle.write(f"{query_id}\t{doc_id}\t{relevance}\n")
