"""The question sets written blind (eval/gold/scope_questions.jsonl, ids "s…",
eval/gold/blind_questions.jsonl, ids "b…", and eval/gold/blind2_questions.jsonl, ids "c…", and
eval/gold/blind3_questions.jsonl, ids "d…", eval/gold/blind4_questions.jsonl, ids "e…", now tune;
eval/gold/blind5_questions.jsonl, ids "f…", test) are well formed and agree with the corpus.

All were written from the report texts alone, before looking at any system answer. It tests
whether an answer keeps to the scope the question asks for (year, level, province, term average
vs one year, actual vs target) and whether the system declines questions no report answers.
Evidence strings are copied from the files as they are (003 keeps its NFD syllables and
no-break spaces); comparisons of answers and parts are made after NFC.
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

GOLD = Path(__file__).parents[2] / "eval/gold"
# name -> (file, id pattern, the whole answer is quoted from the evidence)
SETS = {
    "scope": (GOLD / "scope_questions.jsonl", r"s\d{3,}", True),
    "blind": (GOLD / "blind_questions.jsonl", r"b\d{3,}", False),  # parts are quoted
    "blind2": (GOLD / "blind2_questions.jsonl", r"c\d{3,}", False),
    "blind3": (GOLD / "blind3_questions.jsonl", r"d\d{3,}", False),
    "blind4": (GOLD / "blind4_questions.jsonl", r"e\d{3,}", False),
    "blind5": (GOLD / "blind5_questions.jsonl", r"f\d{3,}", False),
}
# A part may lie just past its evidence: a page's footnotes can split a document number from
# its date ("Quyết định số 1018/QĐ-UBND" … "ngày 03-5-2019").
PART_REACH = 1500
each_set = pytest.mark.parametrize("name", SETS)
FIELDS = {
    "id",
    "question",
    "class",
    "type",
    "answer",
    "parts",
    "scope",
    "file",
    "evidence",
    "in_footnote",
}
OPTIONAL = {"traps", "why"}
TYPES = {"numeric", "fact", "wording", "list"}
MIN_PER_CLASS = {"scope": 28, "unanswerable": 22, "compound": 16, "short_span": 16, "other": 8}
MIN_QUESTIONS = 90
MIN_IN_FOOTNOTE = 15
MIN_NO_DIACRITICS_SHARE = 0.08
HEADLINE = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@cache
def records(name: str) -> tuple[dict, ...]:
    path = SETS[name][0]
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(json.loads(line) for line in lines)


def answerable(name: str) -> list[dict]:
    return [q for q in records(name) if q["class"] != "unanswerable"]


def parsed_files(name: str) -> dict:
    return parsed_reports(tuple(sorted({q["file"] for q in answerable(name)})))


@each_set
def test_every_line_parses_and_has_the_fields(name):
    assert records(name), f"{SETS[name][0]} is empty"
    sample_files = {p.name for p in sample_corpus_dir().glob("*.txt")}
    for q in records(name):
        assert isinstance(q, dict)
        assert FIELDS <= set(q) <= FIELDS | OPTIONAL, f"{q.get('id')}: fields {sorted(q)}"
        assert re.fullmatch(SETS[name][1], q["id"]), q["id"]
        assert q["class"] in MIN_PER_CLASS, f"{q['id']}: class {q['class']!r}"
        assert q["type"] in TYPES, f"{q['id']}: type {q['type']!r}"
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["parts"], list), q["id"]
        assert isinstance(q["in_footnote"], bool), q["id"]
        if q["class"] != "unanswerable":
            assert q["file"] in sample_files, f"{q['id']}: no sample file {q['file']}"
            for key in ("answer", "evidence", "scope"):
                assert isinstance(q[key], str) and q[key].strip(), f"{q['id']}: empty {key}"
            assert q["parts"], f"{q['id']}: no parts"
            assert all(isinstance(p, str) and p.strip() for p in q["parts"]), q["id"]


@each_set
def test_ids_and_questions_are_unique(name):
    ids = Counter(q["id"] for q in records(name))
    assert not [i for i, n in ids.items() if n > 1], ids.most_common(3)
    texts = Counter(q["question"] for q in records(name))
    assert not [t for t, n in texts.items() if n > 1], texts.most_common(3)


@each_set
def test_class_counts_and_mix(name):
    counts = Counter(q["class"] for q in records(name))
    for kind, minimum in MIN_PER_CLASS.items():
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} < {minimum}"
    assert len(records(name)) >= MIN_QUESTIONS
    in_footnote = sum(q["in_footnote"] for q in answerable(name))
    assert in_footnote >= MIN_IN_FOOTNOTE, f"{in_footnote} questions answered in footnotes"
    files = {q["file"] for q in answerable(name)}
    assert files == {p.name for p in sample_corpus_dir().glob("*.txt")}, sorted(files)
    plain = sum(not has_vietnamese_marks(q["question"]) for q in records(name))
    assert plain >= MIN_NO_DIACRITICS_SHARE * len(records(name)), f"{plain} without diacritics"


def test_headline_question_has_both_levels():
    [headline] = [q for q in records("scope") if q["question"] == HEADLINE]
    assert headline["class"] == "scope"
    assert headline["file"].startswith("001_")
    assert set(headline["parts"]) == {"13 cuộc", "151 cuộc"}


@each_set
def test_evidence_occurs_exactly_once_in_its_file(name):
    problems = []
    for q in answerable(name):
        text, evidence = raw_text(q["file"]), q["evidence"]
        raw_count = len(occurrences(text, evidence))
        nfc_count = len(occurrences(nfc(text), nfc(evidence)))
        if raw_count != 1 or nfc_count != 1:
            problems.append(f"{q['id']}: found {raw_count}x raw, {nfc_count}x after NFC")
        if "\n" in evidence or len(evidence) > 320:
            problems.append(f"{q['id']}: evidence spans lines or is {len(evidence)} chars")
    assert not problems, "\n".join(problems)


@each_set
def test_answer_and_parts_are_in_the_evidence_or_just_past_it(name):
    problems = []
    for q in answerable(name):
        text = nfc(raw_text(q["file"]))
        start = text.find(nfc(q["evidence"]))
        reach = text[start : start + len(q["evidence"]) + PART_REACH]
        quoted = (q["answer"],) if SETS[name][2] else ()
        for piece in (*quoted, *q["parts"]):
            if nfc(piece) not in nfc(q["evidence"]) and (quoted or nfc(piece) not in reach):
                problems.append(f"{q['id']}: {piece!r} not in its evidence")
    assert not problems, "\n".join(problems)


@each_set
def test_unanswerable_questions_have_no_gold_fact(name):
    for q in records(name):
        if q["class"] == "unanswerable":
            assert q["answer"] is None and q["parts"] == [], q["id"]
            assert q["file"] is None and q["evidence"] is None, q["id"]
            assert q["in_footnote"] is False, q["id"]
            assert isinstance(q.get("why"), str) and q["why"].strip(), f"{q['id']}: no why"
        else:
            assert not q.get("why"), f"{q['id']}: answerable question with a why"


@each_set
def test_in_footnote_agrees_with_the_parser(name):
    files = parsed_files(name)
    problems = footnote_mismatches(answerable(name), files, raw_text)
    assert not problems, "\n".join(problems)
