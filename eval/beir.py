"""BEIR-format benchmarks (corpus.jsonl, queries.jsonl, qrels.tsv) as passages and qrels."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from baocao.corpus.model import Document, Passage
from baocao.index.store import read_jsonl

Qrels = dict[str, dict[str, int]]  # query_id -> {passage_id: relevance}


@dataclass(frozen=True)
class Benchmark:
    name: str
    documents: list[Document]
    passages: list[Passage]
    queries: dict[str, str]  # query_id -> text
    qrels: Qrels


def load_beir(folder: Path) -> Benchmark:
    """Read a BEIR folder as text only: published baselines for these sets ignore titles."""
    folder = Path(folder)
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        if not (folder / name).is_file():
            raise ValueError(f"{folder}: no {name}; a BEIR folder has corpus.jsonl, "
                             "queries.jsonl and qrels.tsv")  # fmt: skip
    documents, passages = [], []
    for row in read_jsonl(folder / "corpus.jsonl"):
        passage_id, text = str(row["_id"] if "_id" in row else row["id"]), row["text"]
        documents.append(Document(passage_id, "", folder.name, "", ""))
        passages.append(
            Passage(passage_id, passage_id, text, "body", (), None, (), 1, 1, 0, len(text),
                    source_file=folder.name)
        )  # fmt: skip
    queries = {
        str(row["_id"] if "_id" in row else row["id"]): row["text"]
        for row in read_jsonl(folder / "queries.jsonl")
    }
    return Benchmark(folder.name, documents, passages, queries, _qrels(folder / "qrels.tsv"))


def _qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    return qrels
