"""How well `qa.ask` answers the gold questions: right, confident, confidently wrong.

An answer is right when its text holds the gold answer's key content: for numeric questions
the gold number (canonical, "2.343" == "2343") with "%" when the gold has it and the gold's
counted noun when the answer names one; for the rest the gold answer (canonical, lower-cased)
inside the answer text, or at least 60% of its distinct words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from baocao.corpus.vietnamese import canonical
from baocao.eval.goldset import GoldQuestion
from baocao.index.analyzer import canonical_number
from baocao.index.hybrid import HybridIndex
from baocao.qa.ask import Answer, ask

MIN_WORD_SHARE = 0.6
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)(\s?%)?(?:\s+([^\W\d_]+))?")
_WORD_RE = re.compile(r"[^\W_]+")


def _normal(text: str) -> str:
    return " ".join(canonical(text).lower().replace("*", "").split())


def _numbers(text: str) -> list[tuple[str, bool, str]]:
    """(canonical number, followed by %, the word after it) for each number in ``text``."""
    return [
        (canonical_number(m.group(1)), bool(m.group(2)), (m.group(3) or "").lower())
        for m in _NUMBER_RE.finditer(canonical(text))
    ]


def _numeric_match(answer: str, gold: str, question: str) -> bool:
    """A gold number that the question does not give is in the answer, with its "%" and, when
    both name one, its unit."""
    given = {number for number, _, _ in _numbers(question)}
    found = _numbers(answer)
    for number, percent, unit in _numbers(gold):
        if number in given:
            continue
        for got, got_percent, got_unit in found:
            same_unit = not got_unit or not unit or got_unit == unit
            if got == number and got_percent == percent and same_unit:
                return True
    return False


def _text_match(answer: str, gold: str) -> bool:
    answer, gold = _normal(answer), _normal(gold)
    if gold in answer:
        return True
    words = set(_WORD_RE.findall(gold))
    present = set(_WORD_RE.findall(answer))
    return bool(words) and len(words & present) / len(words) >= MIN_WORD_SHARE


def answer_correct(answer: Answer, gold: GoldQuestion) -> bool:
    """True when the answer's text holds the gold answer's key content."""
    if answer.text is None:
        return False
    if gold.type == "numeric" and _numbers(gold.answer):
        return _numeric_match(answer.text, gold.answer, gold.question)
    return _text_match(answer.text, gold.answer)


def _summary(results: Sequence[tuple[GoldQuestion, Answer, bool]]) -> dict:
    confident = [r for r in results if r[1].confident]
    right = sum(r[2] for r in confident)
    return {
        "questions": len(results),
        "answered": sum(r[1].passage is not None for r in results),  # an answer or evidence
        "confident": len(confident),
        "accuracy": right / len(results) if results else 0.0,
        "confident_accuracy": right / len(confident) if confident else 0.0,
        "confident_wrong": len(confident) - right,
    }


def evaluate_ask(index: HybridIndex, questions: Sequence[GoldQuestion], k: int = 5) -> dict:
    """Answer every question; overall and per-type counts and accuracies, and the misses.

    "accuracy" is the share of all questions answered confidently and right, "confident_accuracy"
    the share right among the confident answers; "answered" counts answers or best evidence.
    """
    results = []
    for gold in questions:
        answer = ask(index, gold.question, k)
        results.append((gold, answer, answer.confident and answer_correct(answer, gold)))
    types = sorted({gold.type for gold, _, _ in results})
    return {
        **_summary(results),
        "by_type": {t: _summary([r for r in results if r[0].type == t]) for t in types},
        "misses": [gold.id for gold, _, right in results if not right],
    }
