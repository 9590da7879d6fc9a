"""The gold question set (eval/gold/questions.jsonl) is well formed and agrees with the corpus.

Every evidence is an exact, unique substring of its report as ``read_report_file`` decodes it
(for the bundled UTF-8 files that is byte-for-byte the file text: no BOM, no CR, nothing
normalised; the NFD syllables and no-break spaces in 003 are kept), and the parser's passages
covering it are footnotes exactly when the question says ``in_footnote``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from gold_checks import (
    footnote_mismatches,
    has_vietnamese_marks,
    occurrences,
    parsed_reports,
    raw_text,
)

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.readers.decode import read_report_file

GOLD = Path(__file__).parents[2] / "eval/gold/questions.jsonl"
FIELDS = {"id", "question", "type", "answer", "file", "evidence", "in_footnote"}
TYPES = {"numeric", "fact", "wording", "list"}
MIN_QUESTIONS = 120
MIN_FOOTNOTE_SHARE = 0.25
MIN_NO_DIACRITICS_SHARE = 0.10


@cache
def gold_lines() -> tuple[str, ...]:
    return tuple(line for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip())


@cache
def gold() -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in gold_lines())


@cache
def decoded_text(name: str) -> str:
    path = sample_corpus_dir() / name
    return read_report_file(path, path.name).text


def parsed_files() -> dict:
    return parsed_reports(tuple(sorted({q["file"] for q in gold()})))


def test_every_line_is_a_gold_question():
    assert gold_lines(), f"{GOLD} is empty"
    sample_files = {p.name for p in sample_corpus_dir().glob("*.txt")}
    for number, line in enumerate(gold_lines(), start=1):
        record = json.loads(line)
        assert isinstance(record, dict), f"line {number}: not an object"
        assert set(record) == FIELDS, f"line {number}: fields {sorted(record)}"
        assert re.fullmatch(r"q\d{3,}", record["id"]), f"line {number}: id {record['id']!r}"
        assert record["type"] in TYPES, f"{record['id']}: type {record['type']!r}"
        assert record["file"] in sample_files, f"{record['id']}: no sample file {record['file']}"
        assert isinstance(record["in_footnote"], bool), f"{record['id']}: in_footnote not bool"
        for key in ("question", "answer", "evidence"):
            value = record[key]
            assert isinstance(value, str) and value.strip(), f"{record['id']}: empty {key}"


def test_ids_are_unique():
    repeated = [i for i, n in Counter(q["id"] for q in gold()).items() if n > 1]
    assert not repeated, f"repeated ids: {repeated}"


def test_questions_are_unique():
    repeated = [t for t, n in Counter(q["question"] for q in gold()).items() if n > 1]
    assert not repeated, f"repeated questions: {repeated}"


def test_read_report_file_keeps_the_sample_text_as_is():
    # The evidence offsets below assume decoding changes nothing (no BOM, no newline rewrite).
    for name in sorted({q["file"] for q in gold()}):
        assert decoded_text(name) == raw_text(name), name


def test_evidence_occurs_exactly_once_in_its_file():
    problems = []
    for q in gold():
        for label, text in (("decoded", decoded_text(q["file"])), ("raw", raw_text(q["file"]))):
            count = len(occurrences(text, q["evidence"]))
            if count != 1:
                problems.append(f"{q['id']}: evidence found {count}x in {label} {q['file']}")
    assert not problems, "\n".join(problems)


def test_evidence_is_one_block_of_text():
    problems = [
        f"{q['id']}: evidence spans lines or is {len(q['evidence'])} chars"
        for q in gold()
        if "\n" in q["evidence"] or not 30 <= len(q["evidence"]) <= 400
    ]
    assert not problems, "\n".join(problems)


def test_answer_is_part_of_its_evidence():
    problems = [f"{q['id']}: {q['answer']!r}" for q in gold() if q["answer"] not in q["evidence"]]
    assert not problems, "\n".join(problems)


def test_size_and_mix():
    questions = gold()
    total = len(questions)
    assert total >= MIN_QUESTIONS
    assert set(Counter(q["type"] for q in questions)) == TYPES
    in_footnote = sum(q["in_footnote"] for q in questions)
    assert in_footnote >= MIN_FOOTNOTE_SHARE * total, f"{in_footnote}/{total} in footnotes"
    plain = sum(not has_vietnamese_marks(q["question"]) for q in questions)
    assert plain >= MIN_NO_DIACRITICS_SHARE * total, f"{plain}/{total} without diacritics"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("nam 2019 to chuc bao nhieu cuoc", False), ("năm 2019", True), ("dong Đảng", True)],
)
def test_diacritics_check(text, expected):
    assert has_vietnamese_marks(text) is expected
    assert has_vietnamese_marks(unicodedata.normalize("NFD", text)) is expected


def test_in_footnote_agrees_with_the_parser():
    files = parsed_files()
    problems = footnote_mismatches(gold(), files, decoded_text)
    assert not problems, "\n".join(problems)
