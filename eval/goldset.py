"""The gold question sets and their relevance judgements.

``questions.jsonl`` was written with the system in view: a fixed hash of each id splits it into
**tune** (60%: every weight, threshold and rule of ``ask`` is chosen on it) and **test** (40%).
The other sets were written from the reports alone by someone who never saw an answer; once
their answers are studied to change a rule, a set moves to tune and a new blind set is written.
``scope_questions.jsonl`` (ids "s…"), ``blind_questions.jsonl`` ("b…"),
``blind2_questions.jsonl`` ("c…"), ``blind3_questions.jsonl`` ("d…") and
``blind4_questions.jsonl`` ("e…", whose answers were read after two rounds),
``blind5_questions.jsonl`` ("f…"), ``blind6_questions.jsonl`` ("g…"),
``blind7_questions.jsonl`` ("h…"), ``blind8_questions.jsonl`` ("i…") and
``blind9_questions.jsonl`` ("j…", each read after one round) are tune now.

The five reports are exhausted as a source of unseen text, so the newest sets are about
documents written for the evaluation in the shapes users index (a Word export with lost
footnote markers, a PDF export, several documents in one file, a self-assessment report with
"TIÊU CHUẨN"/"Tiêu chí" and a "label: value" appendix, a decision with "Chương"/"Điều", a news
article, text-exported tables, two-column headers, minutes, resolutions), each set with its
own folder of reports, indexed alone: ``blind10`` ("k…"), ``blind11`` ("l…") and ``blind12``
("m…"), each read after one round, are tune; ``blind13`` ("n…", Thanh Hóa and Lào Cai, test)
was never tuned on. Quality figures are reported on the test split: the gold test 40% and
blind13.

A passage is relevant to a question when its source spans cover most of the question's
evidence (an exact substring of the report file), so re-chunking never invalidates the set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.model import Passage
from baocao.corpus.readers.decode import read_report_file

GOLD_DIR = Path(__file__).parent / "gold"
GOLD_FILE = GOLD_DIR / "questions.jsonl"
SCOPE_FILE = GOLD_DIR / "scope_questions.jsonl"  # written blind, answers studied: tune
BLIND_FILE = GOLD_DIR / "blind_questions.jsonl"  # written blind, answers studied: tune
BLIND2_FILE = GOLD_DIR / "blind2_questions.jsonl"  # written blind, answers studied: tune
BLIND3_FILE = GOLD_DIR / "blind3_questions.jsonl"  # written blind, answers studied: tune
BLIND4_FILE = GOLD_DIR / "blind4_questions.jsonl"  # written blind, answers read: tune
BLIND5_FILE = GOLD_DIR / "blind5_questions.jsonl"  # written blind, answers read: tune
BLIND6_FILE = GOLD_DIR / "blind6_questions.jsonl"  # written blind, answers read: tune
BLIND7_FILE = GOLD_DIR / "blind7_questions.jsonl"  # written blind, answers read: tune
BLIND8_FILE = GOLD_DIR / "blind8_questions.jsonl"  # written blind, answers read: tune
BLIND9_FILE = GOLD_DIR / "blind9_questions.jsonl"  # written blind, answers read: tune
BLIND10_FILE = GOLD_DIR / "blind10_questions.jsonl"  # own reports, answers read: tune
BLIND11_FILE = GOLD_DIR / "blind11_questions.jsonl"  # own reports, answers read: tune
BLIND12_FILE = GOLD_DIR / "blind12_questions.jsonl"  # own reports, answers read: tune
BLIND13_FILE = GOLD_DIR / "blind13_questions.jsonl"  # own reports, answers read: tune
BLIND14_FILE = GOLD_DIR / "blind14_questions.jsonl"  # own reports, answers read: tune
BLIND15_FILE = GOLD_DIR / "blind15_questions.jsonl"  # own reports, answers read: tune
BLIND16_FILE = GOLD_DIR / "blind16_questions.jsonl"  # own reports, answers read: tune
BLIND17_FILE = GOLD_DIR / "blind17_questions.jsonl"  # own reports, answers read: tune
BLIND18_FILE = GOLD_DIR / "blind18_questions.jsonl"  # own reports, answers read: tune
BLIND19_FILE = GOLD_DIR / "blind19_questions.jsonl"  # own reports, answers read: tune
BLIND20_FILE = GOLD_DIR / "blind20_questions.jsonl"  # own reports, answers read: tune
BLIND21_FILE = GOLD_DIR / "blind21_questions.jsonl"  # own reports, answers read: tune
BLIND22_FILE = GOLD_DIR / "blind22_questions.jsonl"  # own reports, never tuned on: test
# question sets about their own reports (not the bundled ones), and the folder of those reports
OWN_REPORTS = {
    BLIND10_FILE: GOLD_DIR / "blind10_reports",
    BLIND11_FILE: GOLD_DIR / "blind11_reports",
    BLIND12_FILE: GOLD_DIR / "blind12_reports",
    BLIND13_FILE: GOLD_DIR / "blind13_reports",
    BLIND14_FILE: GOLD_DIR / "blind14_reports",
    BLIND15_FILE: GOLD_DIR / "blind15_reports",
    BLIND16_FILE: GOLD_DIR / "blind16_reports",
    BLIND17_FILE: GOLD_DIR / "blind17_reports",
    BLIND18_FILE: GOLD_DIR / "blind18_reports",
    BLIND19_FILE: GOLD_DIR / "blind19_reports",
    BLIND20_FILE: GOLD_DIR / "blind20_reports",
    BLIND21_FILE: GOLD_DIR / "blind21_reports",
    BLIND22_FILE: GOLD_DIR / "blind22_reports",
}
GOLD_FILES = (
    GOLD_FILE, SCOPE_FILE, BLIND_FILE, BLIND2_FILE, BLIND3_FILE, BLIND4_FILE, BLIND5_FILE,
    BLIND6_FILE, BLIND7_FILE, BLIND8_FILE, BLIND9_FILE,
)  # fmt: skip
# the blind sets' id prefixes
_TUNE_SETS = (
    "s", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "r", "t",
    "u", "v", "w", "x",
)  # fmt: skip
_TEST_SETS = ("y",)
QUESTION_TYPES = ("numeric", "fact", "wording", "list")
QUESTION_CLASSES = ("scope", "unanswerable", "compound", "short_span", "other")
SPLITS = ("tune", "test", "all")
TUNE_SHARE = 0.6
MIN_COVERAGE = 0.5  # share of the evidence a passage must contain to count as relevant


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    type: str
    answer: str | None  # None: no report answers it (a confident answer is wrong)
    file: str | None
    evidence: str | None
    in_footnote: bool
    kind: str = "other"  # one of QUESTION_CLASSES ("class" in the file)
    parts: tuple[str, ...] = ()  # every string a right answer must hold ("907 lượt", "948 người")
    scope: str = ""  # the gold fact's scope in words
    why: str = ""  # unanswerable: what the reports cover instead
    traps: str = ""  # wrong facts nearby

    @property
    def answerable(self) -> bool:
        return self.answer is not None

    @property
    def split(self) -> str:
        """ "tune" or "test": fixed by a hash of the id for questions.jsonl; by the id's
        prefix for the blind sets (``_TUNE_SETS``, ``_TEST_SETS``)."""
        if self.id.startswith(_TUNE_SETS + _TEST_SETS):
            return "tune" if self.id.startswith(_TUNE_SETS) else "test"
        share = int(hashlib.sha256(self.id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        return "tune" if share < TUNE_SHARE else "test"


def load_gold(path: Path = GOLD_FILE) -> list[GoldQuestion]:
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    questions.append(_question(json.loads(line)))
                except (TypeError, json.JSONDecodeError) as error:
                    raise ValueError(f"{path}:{number}: not a gold question ({error})") from None
    return questions


def _question(data: dict) -> GoldQuestion:
    data = dict(data)
    if "class" in data:
        data["kind"] = data.pop("class")
    data["parts"] = tuple(data.get("parts") or ())
    if data.get("type") not in QUESTION_TYPES:
        raise TypeError(f"'type' {data.get('type')!r}: accepted {', '.join(QUESTION_TYPES)}")
    if data.get("kind", "other") not in QUESTION_CLASSES:
        raise TypeError(f"'class' {data['kind']!r}: accepted {', '.join(QUESTION_CLASSES)}")
    if data.get("answer") == "":  # "" would be held by any answer: judged right
        raise TypeError("'answer' is empty: null for a question no report answers")
    return GoldQuestion(**data)


def reports_of(path: Path) -> Path:
    """The folder of reports a gold file is about: its own (``OWN_REPORTS``) or the bundled."""
    own = {file.resolve(): folder for file, folder in OWN_REPORTS.items()}
    return own.get(Path(path).resolve(), sample_corpus_dir())


def own_report_sets(split: str) -> list[Path]:
    """The gold files about their own reports (``OWN_REPORTS``) whose questions are of
    ``split``: blind10 to blind21 for "tune", blind22 for "test"."""
    return [path for path in OWN_REPORTS
            if path.is_file() and any(q.split == split for q in load_gold(path))]  # fmt: skip


def load_split(split: str = "test") -> list[GoldQuestion]:
    """The questions of one split ("tune", "test" or "all") across the gold files about the
    bundled reports (the sets about their own reports are run with ``reports_of``)."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r}: accepted {', '.join(SPLITS)}")
    questions = [q for path in GOLD_FILES if path.is_file() for q in load_gold(path)]
    return [q for q in questions if split == "all" or q.split == split]


def evidence_range(question: GoldQuestion, corpus_dir: Path | None = None) -> tuple[int, int]:
    """Character offsets of the evidence in the decoded report file."""
    if question.file is None or question.evidence is None:
        raise ValueError(f"{question.id}: no evidence (a question the reports do not answer)")
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
        if question.evidence is None or question.file is None:
            continue  # no report answers it: nothing is relevant
        start, end = evidence_range(question, corpus_dir)
        shares = {p.passage_id: coverage(p, start, end) for p in by_file.get(question.file, [])}
        relevant = [pid for pid, share in shares.items() if share >= MIN_COVERAGE]
        if not relevant and shares and max(shares.values()) > 0:
            relevant = [max(shares, key=shares.__getitem__)]
        if relevant:  # a signer's name is in the title block, in no passage
            qrels[question.id] = dict.fromkeys(relevant, 1)
    return qrels
