"""How well `qa.ask` answers gold questions, judged strictly.

- A question no report answers (gold answer None) is right when ``ask`` gives no confident
  answer; a confident answer to it is confidently wrong.
- Otherwise the answer is right when it is confident and holds **every** part of the gold
  answer (both halves of "907 lượt/948 người"): a number part by its canonical number ("2.343" ==
  "2343") with its "%" and unit word, a text part as written (canonical, lower-cased). An answer
  quoted from a passage typed without diacritics is compared without them ("7,5 trieu" holds
  "7,5 triệu"). Questions
  without listed parts use the gold answer whole, or every number in it.
- A short-span answer (a name, a plan number) must also be short: not a whole sentence.

Every question gets a row (``records``) for the per-question report an evaluator opens without
Python: ``write_question_report`` writes ``questions.csv`` and a self-contained ``questions.html``.
"""

from __future__ import annotations

import csv
import html
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from baocao.corpus.vietnamese import canonical, canonical_number, fold_diacritics
from baocao.eval.goldset import GoldQuestion
from baocao.index.backends import SearchIndex
from baocao.qa.ask import DEFAULT_SETTINGS, Answer, AskSettings, ask

VERDICTS = ("right", "abstained", "wrong", "confident but wrong")
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)(\s?%)?(?:\s*([^\W\d_]+))?")
_SHORT_SPAN_CHARS = 80  # a short-span answer longer than this and 3x the gold is a sentence


def _normal(text: str) -> str:
    return " ".join(canonical(text).lower().replace("*", "").split())


def _unaccented(text: str) -> bool:
    return fold_diacritics(text) == text


def _numbers(text: str) -> list[tuple[str, bool, str]]:
    """(canonical number, followed by %, the word after it) for each number in ``text``."""
    return [
        (canonical_number(m.group(1)), bool(m.group(2)), (m.group(3) or "").lower())
        for m in _NUMBER_RE.finditer(canonical(text))
    ]


def _number_found(number: str, percent: bool, unit: str, found: list) -> bool:
    return any(
        got == number
        and got_percent == percent
        and (not got_unit or not unit or fold_diacritics(got_unit) == fold_diacritics(unit))
        for got, got_percent, got_unit in found
    )


def _part_found(part: str, answer: str, question: str) -> bool:
    """A part is in the answer: as written (whole words: "khóa XI" is not in "khóa XII"), or
    (a number) canonical with its % and unit."""
    wanted_text, answer_text = _normal(part), _normal(answer)
    if _unaccented(answer_text):
        wanted_text = fold_diacritics(wanted_text)
    if re.search(rf"(?<![\w.,]){re.escape(wanted_text)}(?!\w|[.,]\d)", answer_text):
        return True
    wanted = [n for n in _numbers(part) if n[0] not in {g for g, _, _ in _numbers(question)}]
    found = _numbers(answer)
    return bool(wanted) and all(_number_found(*n, found) for n in wanted)


def gold_parts(gold: GoldQuestion) -> tuple[str, ...]:
    """What a right answer must hold: the listed parts, else the gold answer whole."""
    if gold.parts:
        return gold.parts
    return (gold.answer,) if gold.answer else ()


def answer_correct(answer: Answer, gold: GoldQuestion) -> bool:
    """True when the answer's text holds every part of the gold answer (and, for a short
    span, is short)."""
    if answer.text is None or gold.answer is None:
        return False
    if gold.kind == "short_span" and len(answer.text) > max(
        _SHORT_SPAN_CHARS, 3 * len(gold.answer)
    ):
        return False
    return all(_part_found(part, answer.text, gold.question) for part in gold_parts(gold))


# A confidently wrong number copied into a new report is the worst outcome: it costs as much
# as five right answers (the target is at most 2% confidently wrong). `tune ask` chooses
# AskSettings by right − WRONG_COST × confidently wrong; the regression gate holds it too.
WRONG_COST = 5.0


def net_right(right: float, confident_wrong: float) -> float:
    """Right answers (or their share) less WRONG_COST for each confidently wrong one."""
    return right - WRONG_COST * confident_wrong


def verdict(answer: Answer, gold: GoldQuestion) -> str:
    """right | abstained (no confident answer to an answerable question) | wrong (a confident
    answer that misses) — "confident but wrong" — for any confident answer that is not right."""
    if not gold.answerable:
        return "confident but wrong" if answer.confident else "right"
    if not answer.confident:
        return "abstained"
    return "right" if answer_correct(answer, gold) else "confident but wrong"


@dataclass(frozen=True)
class Judged:
    gold: GoldQuestion
    answer: Answer
    verdict: str
    milliseconds: float
    evidence_rank: int | None  # rank of the first hit holding the gold evidence


def _summary(judged: Sequence[Judged]) -> dict:
    n = len(judged)
    right = sum(j.verdict == "right" for j in judged)
    confident = sum(j.answer.confident for j in judged)
    wrong = sum(j.verdict == "confident but wrong" for j in judged)
    return {
        "questions": n,
        "confident": confident,
        "right": right,
        "accuracy": right / n if n else 0.0,
        "confident_accuracy": (confident - wrong) / confident if confident else 0.0,
        "confident_wrong": wrong,
        "confident_wrong_share": wrong / n if n else 0.0,
    }


def judge(
    index: SearchIndex,
    questions: Sequence[GoldQuestion],
    k: int = 5,
    settings: AskSettings = DEFAULT_SETTINGS,
    relevant: dict[str, set[str]] | None = None,
) -> list[Judged]:
    """Ask every question; ``relevant`` (question id -> passage ids) gives evidence ranks."""
    judged = []
    for gold in questions:
        started = time.perf_counter()
        answer = ask(index, gold.question, k, settings=settings)
        ms = (time.perf_counter() - started) * 1000
        wanted = (relevant or {}).get(gold.id, set())
        ids = [hit.passage.passage_id for hit in answer.hits]
        rank = next((r for r, pid in enumerate(ids, 1) if pid in wanted), None)
        judged.append(Judged(gold, answer, verdict(answer, gold), ms, rank))
    return judged


def evaluate_ask(
    index: SearchIndex,
    questions: Sequence[GoldQuestion],
    k: int = 5,
    settings: AskSettings = DEFAULT_SETTINGS,
    relevant: dict[str, set[str]] | None = None,
) -> dict:
    """Overall, per question class and per type: accuracy (right / all), confident but wrong;
    the ask latency; and one record per question."""
    judged = judge(index, questions, k, settings, relevant)
    classes = sorted({j.gold.kind for j in judged})
    types = sorted({j.gold.type for j in judged})
    ms = [j.milliseconds for j in judged]
    return {
        **_summary(judged),
        "latency_ms": {
            "p50": statistics.median(ms) if ms else 0.0,
            "p95": _percentile(ms, 95),
        },  # fmt: skip
        "by_class": {c: _summary([j for j in judged if j.gold.kind == c]) for c in classes},
        "by_type": {t: _summary([j for j in judged if j.gold.type == t]) for t in types},
        "misses": [j.gold.id for j in judged if j.verdict != "right"],
        "records": [record(j) for j in judged],
    }


def _percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def record(judged: Judged) -> dict:
    """One row of the per-question report."""
    answer, gold = judged.answer, judged.gold
    first = answer.facts[0] if answer.facts else None
    passage = answer.passage
    return {
        "id": gold.id,
        "class": gold.kind,
        "type": gold.type,
        "question": gold.question,
        "gold": gold.answer if gold.answer is not None else "(không có trong báo cáo)",
        "gold_scope": gold.scope or gold.why,
        "answer": answer.text or "",
        "answer_scope": first.scope if first and answer.confident else "",
        "evidence": answer.sentence or "",
        "scope_note": answer.scope_note or "",
        "confident": answer.confident,
        "verdict": judged.verdict,
        "evidence_rank": judged.evidence_rank,
        "passage_id": passage.passage_id if passage else "",
        "link": f"/passages/{passage.passage_id}" if passage else "",
        "ms": round(judged.milliseconds, 1),
    }


# -- the per-question report ------------------------------------------------------------------

_COLUMNS = ("id", "class", "question", "gold", "gold_scope", "answer", "answer_scope",
            "confident", "verdict", "evidence_rank", "scope_note", "evidence", "link")  # fmt: skip


def write_question_report(folder: Path, records: Sequence[dict], title: str) -> None:
    """``questions.csv`` (UTF-8 with BOM, opens in Excel) and ``questions.html`` (one file, no
    script from outside: click a column to sort, verdicts coloured)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "questions.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    (folder / "questions.html").write_text(_html(records, title), encoding="utf-8")


def _html(records: Sequence[dict], title: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
    rows = []
    for r in records:
        cells = []
        for column in _COLUMNS:
            value = r.get(column)
            text = "" if value is None else str(value)
            if column == "link" and text:
                cells.append(f'<td><a href="{html.escape(text)}">{html.escape(text)}</a></td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        verdict_class = r["verdict"].replace(" ", "-")
        rows.append(f'<tr class="{verdict_class}">{"".join(cells)}</tr>')
    return _PAGE.format(title=html.escape(title), head=head, rows="\n".join(rows))


_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1em; }}
table {{ border-collapse: collapse; }}
th {{ cursor: pointer; background: #eee; position: sticky; top: 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px; vertical-align: top; max-width: 28em; }}
tr.right td {{ background: #eefaee; }}
tr.abstained td {{ background: #fffbe6; }}
tr.confident-but-wrong td {{ background: #fdecea; }}
</style></head><body>
<h1>{title}</h1>
<p>Bấm vào tiêu đề cột để sắp xếp (theo verdict: đúng / không trả lời / trả lời sai).</p>
<table id="q"><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table>
<script>
document.querySelectorAll("th").forEach((th, column) => th.addEventListener("click", () => {{
  const body = document.querySelector("#q tbody");
  const rows = [...body.rows];
  const up = th.dataset.up !== "1";
  th.dataset.up = up ? "1" : "0";
  rows.sort((a, b) => a.cells[column].textContent.localeCompare(
    b.cells[column].textContent, "vi", {{numeric: true}}) * (up ? 1 : -1));
  rows.forEach((row) => body.appendChild(row));
}}));
</script>
</body></html>
"""
