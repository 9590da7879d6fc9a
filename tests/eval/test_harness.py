"""`baocao eval` pieces on the real bundled index, and the regression gate."""

import csv
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from baocao.benchmarks import tune
from baocao.benchmarks.tune import THRESHOLDS, threshold_table
from baocao.eval.ask_eval import net_right
from baocao.eval.beir import load_beir
from baocao.eval.goldset import (
    BLIND10_FILE,
    BLIND11_FILE,
    BLIND12_FILE,
    BLIND13_FILE,
    BLIND14_FILE,
    BLIND15_FILE,
    BLIND16_FILE,
    BLIND17_FILE,
    BLIND18_FILE,
    BLIND19_FILE,
    BLIND20_FILE,
    BLIND21_FILE,
    BLIND22_FILE,
    load_split,
    own_report_sets,
    reports_of,
)
from baocao.eval.harness import (
    MissingExtra,
    evaluate_answers,
    evaluate_index,
    gold_set,
    published_results,
    pyplot,
    render,
    write_outputs,
)
from baocao.eval.metrics import evaluate
from baocao.eval.trec import export_beir, read_run
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex
from baocao.qa.ask import AskSettings

# The gate runs on the test split, never on the questions ask's settings were tuned on: the
# gold test 40% about the bundled reports (73 questions) and blind22, 100 questions about five
# documents written for the evaluation (its own folder, indexed alone). Set at their first
# look (gold test 50f8e30; blind22 dbe6b92, run at stop 37's final code), a little under the
# values then. Raise them as the system improves, never lower them to make a change pass —
# once only, on purpose: quantity_doubt (a14e9f2) trades right numbers for fewer confidently
# wrong ones (the gold test's accuracy floor went from .50 to .38, its wrong ceiling from 5 to
# 3). Retrieval, gold test: adaptive recall@5 .986, mrr@10 .929; hybrid .986 / .929; bm25
# .986 / .922; dense recall@5 .726. blind22: adaptive 1.0 / .905; hybrid 1.0 / .905; bm25
# .974 / .882; dense .877.
FLOORS = {
    "adaptive": {"recall@5": 0.96, "mrr@10": 0.89},
    "hybrid": {"recall@5": 0.96, "mrr@10": 0.89},
    "bm25": {"recall@5": 0.96, "mrr@10": 0.89},
    "dense": {"recall@5": 0.70},
}
UNSEEN_FLOORS = {
    "adaptive": {"recall@5": 0.97, "mrr@10": 0.88},
    "hybrid": {"recall@5": 0.97, "mrr@10": 0.88},
    "bm25": {"recall@5": 0.95, "mrr@10": 0.86},
    "dense": {"recall@5": 0.85},
}
# ask, gold test: 73 questions, 33 confident, 30 right (.411, confident .909), 3 confidently
# wrong, numeric .289. blind22: 100 questions, 34 confident, 48 right (.480, confident .824),
# 6 confidently wrong (6%), numeric .494, unanswerable 20/20 (at the round's start: 42 right,
# 28 confident, the same 6 wrong). Far from the accuracy target (.85) and from the 2% of
# confidently wrong on both.
ASK_FLOORS = {"accuracy": 0.38, "confident_accuracy": 0.88, "numeric accuracy": 0.27}
ASK_MOST_CONFIDENT_WRONG = 3
UNSEEN_ASK_FLOORS = {"accuracy": 0.45, "confident_accuracy": 0.80, "numeric accuracy": 0.46}
UNSEEN_MOST_CONFIDENT_WRONG = 6
ASK_NET_FLOOR = 10.0  # right − 5 × confidently wrong, gold test (measured 15; blind22 18)
UNSEEN_NET_FLOOR = 15.0
UNANSWERABLE_FLOOR = 0.90  # blind22 1.0
HEADLINE = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"


# `slow`: the tests of the whole gold set (every mode, and ask on every question) — minutes.
@pytest.fixture(scope="module")
def results(bundled_index, gold_eval_set):
    return evaluate_index(bundled_index, gold_eval_set)


@pytest.mark.slow
@pytest.mark.parametrize("mode", FLOORS)
def test_regression_gate(results, mode):
    for metric, floor in FLOORS[mode].items():
        assert results[mode].metrics[metric] >= floor, (mode, metric, results[mode].metrics)


@pytest.fixture(scope="module")
def answers(bundled_index, gold_eval_set):
    return evaluate_answers(bundled_index, gold_eval_set)


@pytest.mark.slow
def test_regression_gate_for_answers(answers, gold_eval_set):
    assert_ask_floors(answers, ASK_FLOORS, ASK_MOST_CONFIDENT_WRONG, ASK_NET_FLOOR)
    assert answers["questions"] == len(gold_eval_set.answers)


def assert_ask_floors(
    answers: dict, floors: dict[str, float], most_wrong: int, net_floor: float
) -> None:
    measured = {**answers, "numeric accuracy": answers["by_type"]["numeric"]["accuracy"]}
    for metric, floor in floors.items():
        assert measured[metric] >= floor, (metric, measured[metric])
    assert answers["confident_wrong"] <= most_wrong, answers["confident_wrong"]
    assert net_right(answers["right"], answers["confident_wrong"]) >= net_floor, answers


# blind22: documents nobody tuned on, in the shapes users index (issue 16's "beyond the five
# reports"), each question about its own folder
@pytest.fixture(scope="module")
def unseen_eval_set():
    return gold_set(BLIND22_FILE)


@pytest.fixture(scope="module")
def unseen_index(unseen_eval_set):
    return HybridIndex.build(unseen_eval_set.passages, unseen_eval_set.documents, load_encoder(),
                             cache=default_embedding_cache(), progress=False)  # fmt: skip


@pytest.mark.slow
def test_regression_gate_on_documents_nobody_tuned_on(unseen_index, unseen_eval_set):
    own = reports_of(BLIND22_FILE)
    assert unseen_eval_set.qrels and all(
        (own / q.file).is_file() for q in unseen_eval_set.answers if q.file
    )  # its own reports, not the bundled ones
    results = evaluate_index(unseen_index, unseen_eval_set)
    for mode, floors in UNSEEN_FLOORS.items():
        for metric, floor in floors.items():
            assert results[mode].metrics[metric] >= floor, (mode, metric, results[mode].metrics)
    answers = evaluate_answers(unseen_index, unseen_eval_set)
    assert_ask_floors(answers, UNSEEN_ASK_FLOORS, UNSEEN_MOST_CONFIDENT_WRONG, UNSEEN_NET_FLOOR)
    unanswerable = answers["by_class"]["unanswerable"]
    assert unanswerable["accuracy"] >= UNANSWERABLE_FLOOR, unanswerable  # no confident answer


@pytest.mark.slow
def test_subsets_cover_types_footnotes_and_unaccented_questions(gold_eval_set, results):
    subsets = gold_eval_set.subsets
    assert {"type: numeric", "type: fact", "type: wording", "type: list"} <= set(subsets)
    # a fifth at least (blind9's writer put 33 of its 124 answerable questions in footnotes)
    assert len(subsets["answer in a footnote"]) >= len(gold_eval_set.queries) // 5
    assert len(subsets["typed without diacritics"]) >= len(gold_eval_set.queries) // 10
    unaccented = results["hybrid"].subsets["typed without diacritics"]["recall@5"]
    assert unaccented >= 0.85


@pytest.mark.slow
def test_outputs_are_readable_by_other_tools(tmp_path, gold_eval_set, results, answers):
    summary = write_outputs(tmp_path, gold_eval_set, results, answers, plot=True)
    for mode, result in results.items():
        run = read_run(tmp_path / "runs" / f"{mode}.trec")
        assert evaluate(run, gold_eval_set.qrels) == pytest.approx(result.metrics)
    assert json.loads((tmp_path / "report.json").read_text())["modes"] == summary["modes"]
    assert (tmp_path / "recall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "qrels.trec").read_text().count("\n") >= len(gold_eval_set.qrels)
    lines = render(summary)
    assert any(line.startswith("| hybrid |") for line in lines)
    unaccented = len(gold_eval_set.subsets["typed without diacritics"])
    assert any(line.startswith(f"| typed without diacritics | {unaccented} |") for line in lines)
    assert any(line.startswith("| class: ") for line in lines)  # a row per question class
    assert json.loads((tmp_path / "report.json").read_text())["ask"]["misses"] == answers["misses"]


@pytest.mark.slow
def test_the_per_question_report_opens_without_python(tmp_path, gold_eval_set, results, answers):
    write_outputs(tmp_path, gold_eval_set, results, answers)
    with open(tmp_path / "questions.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(gold_eval_set.answers)
    assert {r["verdict"] for r in rows} <= {"right", "abstained", "confident but wrong"}
    answered = [r for r in rows if r["gold"]]
    assert answered and all(r["link"].startswith("/passages/") for r in answered)
    page = (tmp_path / "questions.html").read_text(encoding="utf-8")
    assert page.count("<tr class=") == len(rows)
    assert "<script src" not in page and "http" not in page.split("<body>")[1]


def test_beir_export_round_trips(tmp_path, gold_eval_set):
    export_beir(tmp_path, gold_eval_set.passages, gold_eval_set.queries, gold_eval_set.qrels)
    loaded = load_beir(tmp_path)
    assert loaded.queries == gold_eval_set.queries
    assert loaded.qrels == gold_eval_set.qrels
    assert [p.text for p in loaded.passages] == [p.text for p in gold_eval_set.passages]


def test_published_numbers_are_read_from_a_benchmark_readme():
    readme = """# x

| model | nDCG@10 | R@1 | R@10 | MRR@10 |
|---|---:|---:|---:|---:|
| BM25 (bm25s) | 0.7992 | 0.6986 | 0.9002 | 0.7669 |
| e5-large (a) | 0.8407 | 0.7476 | 0.9315 | 0.8114 |

Text after the table | not a row.
"""
    assert published_results(readme) == {
        "BM25 (bm25s)": {
            "ndcg@10": 0.7992,
            "recall@1": 0.6986,
            "recall@10": 0.9002,
            "mrr@10": 0.7669,
        },
        "e5-large (a)": {
            "ndcg@10": 0.8407,
            "recall@1": 0.7476,
            "recall@10": 0.9315,
            "mrr@10": 0.8114,
        },
    }


@pytest.mark.slow
def test_cli_eval_json_is_keyed_by_mode_then_metric(tmp_path, bundled_index):
    baocao = Path(sys.executable).with_name("baocao")
    result = subprocess.run(
        [str(baocao), "eval", "--modes", "bm25,hybrid", "--json", "--out", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8", timeout=600,
        env={**os.environ, "PYTHONUTF8": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["bm25", "hybrid", "ask"]
    assert report["ask"]["accuracy"] >= ASK_FLOORS["accuracy"]
    assert report["hybrid"]["recall@5"] >= FLOORS["hybrid"]["recall@5"]
    assert {"recall@1", "recall@10", "mrr@10", "ndcg@10", "latency_p50_ms"} <= set(report["bm25"])
    assert (tmp_path / "runs" / "hybrid.trec").is_file()


def test_cli_eval_rejects_unknown_modes(tmp_path):
    baocao = Path(sys.executable).with_name("baocao")
    result = subprocess.run(
        [str(baocao), "eval", "--modes", "bm25,sparse", "--out", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8", timeout=600,
    )  # fmt: skip
    assert result.returncode == 2
    assert "expected a comma-separated subset of adaptive, hybrid, bm25, dense" in result.stderr


@pytest.mark.slow
def test_threshold_table_trades_right_for_safety(bundled_index):
    """`tune threshold`: a higher threshold never gives more confidently wrong answers than a
    lower one (the same answers, thresholded), and it changes what is answered."""
    rows = [
        line.split("|") for line in threshold_table(bundled_index) if line[:3] in ("| 0", "| 1")
    ]
    table = {float(r[1]): (int(r[2]), int(r[4])) for r in rows}
    assert sorted(table) == list(THRESHOLDS)
    ordered = [table[t] for t in THRESHOLDS]
    assert all(low[1] >= high[1] for low, high in itertools.pairwise(ordered))
    assert ordered[0] != ordered[-1]  # the threshold changes something


def test_without_matplotlib_the_plot_names_the_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import` meets when not installed
    with pytest.raises(MissingExtra, match=r"pip install 'baocao\[plot\]'"):
        pyplot()


def test_ask_grid_runs_over_every_tune_folder(bundled_index, unseen_index, unseen_eval_set,
                                             monkeypatch):  # fmt: skip
    """`tune ask`: one table over several folders, each question asked of its own index (here
    the bundled tune split beside the test set's index, the default settings alone)."""
    defaults = AskSettings()
    monkeypatch.setattr(tune, "ASK_GRID", {name: (getattr(defaults, name),)
                                           for name in tune.ASK_GRID})  # fmt: skip
    bundled = [q for q in load_split("tune") if q.question == tune.MISSION_QUESTION]
    unseen = [q for q in unseen_eval_set.answers if q.answer is not None][:10]
    lines = tune.ask_table([(bundled_index, bundled), (unseen_index, unseen)])
    assert f"tune sets (2 folders), {len(bundled) + len(unseen)} questions" in lines[0]
    assert lines[-1].startswith("\nchosen: AskSettings(threshold=")
    right = float(lines[3].split("|")[-3])
    assert 0.0 < right < 1.0  # some right, not every one


def test_the_sets_about_their_own_reports_are_split_too():
    tune = [BLIND10_FILE, BLIND11_FILE, BLIND12_FILE, BLIND13_FILE, BLIND14_FILE, BLIND15_FILE,
            BLIND16_FILE, BLIND17_FILE, BLIND18_FILE, BLIND19_FILE, BLIND20_FILE,
            BLIND21_FILE]  # fmt: skip
    assert own_report_sets("tune") == tune
    assert own_report_sets("test") == [BLIND22_FILE]
    assert reports_of(BLIND22_FILE).name == "blind22_reports"


def test_the_doubt_on_numbers_costs_right_answers_and_is_chosen_per_folder(bundled_index):
    """`tune doubt`: each quantity_doubt scored per folder; more doubt never adds a right answer
    to a question that has one."""
    numeric = [q for q in load_split("tune") if q.type == "numeric" and q.answer][:12]
    lines = tune.doubt_table([(bundled_index, numeric)])
    rows = [line for line in lines if line.startswith("| 0.")]
    assert len(rows) == len(tune.DOUBTS)
    rights = [int(row.split("|")[2].split("/")[0]) for row in rows]
    assert rights == sorted(rights, reverse=True) and rights[0] > rights[-1]
    assert lines[-1].startswith("\nchosen: quantity_doubt=")
