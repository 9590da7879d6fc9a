"""Relevance by evidence coverage: the gold set survives re-chunking."""

import json
import re

import pytest

from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.corpus.model import Passage
from baocao.corpus.vietnamese import canonical
from baocao.eval.goldset import coverage, gold_qrels, load_gold


def words_only(text):
    """Letters and digits: passage text drops markup such as *emphasis* and odd spaces."""
    return re.sub(r"\W+", "", canonical(text))


def passage(pid, spans):
    return Passage(pid, "d", "text", "body", (), None, (), 1, 1, 0, 0, spans=spans)


def test_coverage_is_the_share_of_the_evidence_inside_the_spans():
    assert coverage(passage("p", ((0, 50), (60, 80))), 40, 70) == pytest.approx(20 / 30)
    assert coverage(passage("p", ((100, 200),)), 40, 70) == 0.0


def test_every_gold_question_has_a_relevant_passage_under_two_chunkings():
    questions = load_gold()
    for budget in (256, 96):  # smaller passages: the judgements follow the evidence
        passages = load_reports([sample_corpus_dir()], budget=budget).passages
        qrels = gold_qrels(questions, passages)
        assert all(qrels[q.id] for q in questions)
        by_id = {p.passage_id: p for p in passages}
        for q in questions:
            relevant = [by_id[pid] for pid in qrels[q.id]]
            assert all(p.source_file == q.file for p in relevant)
            if budget == 256:  # smaller passages may split a long answer
                text = words_only(" ".join(p.text for p in relevant))
                assert words_only(q.answer) in text, q.id


def test_load_gold_names_the_bad_line(tmp_path):
    bad = tmp_path / "questions.jsonl"
    bad.write_text('{"id": "q1"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="questions.jsonl:1: not a gold question"):
        load_gold(bad)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"answer": ""}, "'answer' is empty: null"),  # "" would be in every answer: judged right
        ({"type": "date"}, "'type' 'date': accepted numeric, fact"),
        ({"class": "name"}, "'class' 'name': accepted scope"),
    ],
)
def test_load_gold_refuses_what_it_would_misjudge(tmp_path, change, said):
    question = {"id": "v1", "question": "Năm 2024 huyện Đà Bắc có bao nhiêu mô hình?",
                "type": "numeric", "class": "unanswerable", "answer": None, "file": None,
                "evidence": None, "in_footnote": False, **change}  # fmt: skip
    bad = tmp_path / "blind.jsonl"
    bad.write_text(json.dumps(question, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"blind.jsonl:1: not a gold question.*{said}"):
        load_gold(bad)
