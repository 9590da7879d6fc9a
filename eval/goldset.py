"""The gold question set (eval/gold/questions.jsonl) and its relevance judgements.

A passage is relevant to a question when its source spans cover most of the question's
evidence (an exact substring of the report file), so re-chunking never invalidates the set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.model import Passage
from baocao.corpus.readers.decode import read_report_file

GOLD_FILE = Path(__file__).parent / "gold" / "questions.jsonl"
QUESTION_TYPES = ("numeric", "fact", "wording", "list")
MIN_COVERAGE = 0.5  # share of the evidence a passage must contain to count as relevant


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    type: str
    answer: str
    file: str
    evidence: str
    in_footnote: bool


def load_gold(path: Path = GOLD_FILE) -> list[GoldQuestion]:
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    questions.append(GoldQuestion(**json.loads(line)))
                except (TypeError, json.JSONDecodeError) as error:
                    raise ValueError(f"{path}:{number}: not a gold question ({error})") from None
    return questions


def evidence_range(question: GoldQuestion, corpus_dir: Path | None = None) -> tuple[int, int]:
    """Character offsets of the evidence in the decoded report file."""
    path = (corpus_dir or sample_corpus_dir()) / question.file
    text = read_report_file(path, question.file).text
    start = text.find(question.evidence)
    if start < 0:
        raise ValueError(f"{question.id}: evidence not found in {question.file}")
    return start, start + len(question.evidence)


def coverage(passage: Passage, start: int, end: int) -> float:
    """Share of [start, end) that the passage's source spans cover."""
    covered = sum(max(0, min(e, end) - max(s, start)) for s, e in passage.spans)
    return covered / max(1, end - start)


def gold_qrels(
    questions: Iterable[GoldQuestion], passages: Sequence[Passage], corpus_dir: Path | None = None
) -> dict[str, dict[str, int]]:
    """question id -> {passage_id: 1} for the passages holding most of its evidence.

    When no passage holds half of it (evidence split across passages), the one holding the
    largest share is relevant.
    """
    by_file: dict[str, list[Passage]] = {}
    for passage in passages:
        by_file.setdefault(passage.source_file, []).append(passage)
    qrels = {}
    for question in questions:
        start, end = evidence_range(question, corpus_dir)
        shares = {p.passage_id: coverage(p, start, end) for p in by_file.get(question.file, [])}
        relevant = [pid for pid, share in shares.items() if share >= MIN_COVERAGE]
        if not relevant and shares and max(shares.values()) > 0:
            relevant = [max(shares, key=shares.__getitem__)]
        qrels[question.id] = dict.fromkeys(relevant, 1)
    return qrels
