"""The installed `baocao` console script, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample"
BAOCAO = Path(sys.executable).with_name("baocao")
FILE_001 = "corpus/sample/001_f0ce601e5f83c249.txt"
ALL_DOC_IDS = [
    "000_9c3704398cac95ef",
    "001_f0ce601e5f83c249",
    "002_6cf038721f193c12",
    "003_29c47c2db6e3739b~1",
    "003_29c47c2db6e3739b~2",
    "003_29c47c2db6e3739b~3",
    "003_29c47c2db6e3739b~4",
    "004_68f44c56ba93236f",
]


def baocao(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert BAOCAO.exists(), f"console script not installed at {BAOCAO}"
    return subprocess.run(
        [str(BAOCAO), *map(str, args)], cwd=ROOT, capture_output=True, text=True,
        encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"}, timeout=120,
    )  # fmt: skip


def table_rows(stdout: str) -> list[list[str]]:
    """Cells of the summary table's data rows (header and rule left out)."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


@pytest.fixture
def folder_with_bad_file(tmp_path: Path) -> Path:
    shutil.copy(SAMPLE / "002_6cf038721f193c12.txt", tmp_path / "cong_van.txt")
    shutil.copy(SAMPLE / "004_68f44c56ba93236f.txt", tmp_path / "bai_bao.txt")
    (tmp_path / "hong.txt").write_bytes(b"")
    return tmp_path


def test_inspect_without_paths_summarises_the_bundled_corpus():
    run = baocao("inspect")
    assert run.returncode == 0, run.stderr
    rows = table_rows(run.stdout)
    assert [row[1] for row in rows] == ALL_DOC_IDS
    assert rows[0][:8] == [
        "000_9c3704398cac95ef.txt",
        "000_9c3704398cac95ef",
        "16",
        "51",  # two sentences over 512 tokens are cut (issue 15, item 5)
        "0",
        "23",
        "23",
        "0",
    ]


def test_inspect_one_file_shows_metadata_and_footnotes():
    run = baocao("inspect", FILE_001)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("001_f0ce601e5f83c249.txt  (utf-8, sha256 ")
    assert "signed by: Đặng Tuyết Em" in run.stdout
    assert "   [23] lines 183–183 → 001_f0ce601e5f83c249:p" in run.stdout
    assert "23 footnotes (23 linked, 0 unlinked)" in run.stdout


def test_inspect_json_is_parseable_and_complete():
    run = baocao("inspect", FILE_001, "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert (payload["errors"], payload["skipped"]) == ([], [])
    (doc,) = payload["files"][0]["documents"]
    assert doc["document"]["signatory"] == "Đặng Tuyết Em"
    footnotes = [p["footnote"] for p in doc["passages"] if p["kind"] == "footnote"]
    assert footnotes == list(range(1, 24))
    assert all(p["doc_id"] == "001_f0ce601e5f83c249" for p in doc["passages"])


def test_folder_with_a_bad_file_reports_it_and_shows_the_good_ones(folder_with_bad_file):
    run = baocao("inspect", folder_with_bad_file)
    assert run.returncode == 0
    assert [row[0] for row in table_rows(run.stdout)] == ["bai_bao.txt", "cong_van.txt"]
    assert "error: hong.txt: empty file: no text to index" in run.stderr.splitlines()


def test_each_bad_file_is_reported_once(folder_with_bad_file):
    run = baocao("inspect", folder_with_bad_file)
    assert [line for line in run.stderr.splitlines() if "hong.txt" in line] == [
        "error: hong.txt: empty file: no text to index"
    ]


def test_json_lists_errors_and_skipped_files(folder_with_bad_file):
    (folder_with_bad_file / "ghi_chu.md").write_text("ghi chú", encoding="utf-8")
    payload = json.loads(baocao("inspect", folder_with_bad_file, "--json").stdout)
    assert [f["source_file"] for f in payload["files"]] == ["bai_bao.txt", "cong_van.txt"]
    assert payload["errors"] == [{"file": "hong.txt", "reason": "empty file: no text to index"}]
    assert payload["skipped"] == ["ghi_chu.md"]


def test_only_bad_files_exit_1(tmp_path):
    (tmp_path / "hong.txt").write_bytes(b"\x00\x01\x02\x03" * 32)
    run = baocao("inspect", tmp_path / "hong.txt")
    assert run.returncode == 1
    assert "error: hong.txt: binary file, not text" in run.stderr


def test_nonexistent_path_exits_2_naming_it(tmp_path):
    missing = tmp_path / "khong_co.txt"
    run = baocao("inspect", missing)
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {missing}: no such file or folder"
    assert run.stdout == ""


def test_eval_plot_without_matplotlib_says_which_extra_before_any_work(monkeypatch, capsys):
    from baocao.cli import main

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the `plot` extra were missing
    assert main(["eval", "--plot", "--gold", "/nonexistent.jsonl"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("error: the recall plot needs matplotlib") and "baocao[plot]" in said
