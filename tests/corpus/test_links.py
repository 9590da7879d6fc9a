"""Symbolic links in a report folder, with real links on disk: a file is read only when its
real path is inside the folder given (or it is named on the command line), each file once;
links out, broken links, links to folders outside and link loops are reported by name with
the reason, never opened, and never stop the other files — in `baocao inspect` and
`baocao index`, where a link out also takes out what an earlier build read through it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from baocao.corpus.loader import find_reports, load_reports

BAOCAO = Path(sys.executable).with_name("baocao")
SECRET = "root:x:0:0:bí mật ngoài thư mục"
OUTSIDE_REPORT = (
    f"BÁO CÁO\nKết quả ngoài thư mục\nI. KẾT QUẢ\nDòng này nằm ngoài thư mục báo cáo: {SECRET}.\n"
)


@pytest.fixture
def tree(tmp_path: Path, tiny_report_path: Path) -> Path:
    """reports/ with a real report, and links of every kind; outside/ beside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE_REPORT, encoding="utf-8")
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    (root / "tiny.txt").write_text(tiny_report_path.read_text(encoding="utf-8"), "utf-8")
    (root / "passwd.txt").symlink_to(outside / "secret.txt")  # a link out (absolute)
    (root / "sub" / "relative.txt").symlink_to("../../outside/secret.txt")  # out, relative
    (root / "same.txt").symlink_to("tiny.txt")  # a link inside: the same file again
    (root / "sub" / "again.txt").symlink_to("../tiny.txt")
    (root / "dangling.txt").symlink_to(tmp_path / "không có.txt")
    (root / "outdir").symlink_to(outside, target_is_directory=True)  # a folder out
    (root / "sub" / "loop").symlink_to("..", target_is_directory=True)  # a loop, inside
    (root / "sub" / "up").symlink_to("../..", target_is_directory=True)  # a loop, outside
    return root


def test_only_the_real_file_inside_is_read_and_every_link_is_reported(tree):
    result = load_reports([tree])
    assert [f.source_file for f in result.files] == ["tiny.txt"]
    assert all(SECRET not in p.text for p in result.passages)
    reasons = {e.source: e.reason for e in result.errors}
    assert sorted(reasons) == [
        "dangling.txt", "outdir", "passwd.txt", "same.txt", "sub/again.txt", "sub/relative.txt",
        "sub/up",
    ]  # fmt: skip
    outside = tree.parent / "outside"
    assert reasons["passwd.txt"].startswith(
        f"a link to {outside / 'secret.txt'}, outside the folder {tree}: not read"
    )
    assert reasons["sub/relative.txt"].startswith(
        f"a link to ../../outside/secret.txt, outside the folder {tree}: not read"
    )
    assert reasons["same.txt"] == "a link to tiny.txt, which is read already: not read twice"
    assert reasons["sub/again.txt"] == reasons["same.txt"]
    assert reasons["dangling.txt"] == (
        f"a broken link (to {tree.parent / 'không có.txt'}): nothing to read"
    )
    assert reasons["outdir"] == f"a link to a folder outside {tree} ({outside}): not followed"
    assert reasons["sub/up"] == f"a link to a folder outside {tree} (../..): not followed"


def test_a_link_to_a_file_inside_the_folder_is_read(tmp_path, tiny_report_path):
    root = tmp_path / "reports"
    (root / ".store").mkdir(parents=True)  # hidden: not walked, reached only by the link
    (root / ".store" / "real.txt").write_text(tiny_report_path.read_text("utf-8"), "utf-8")
    (root / "link.txt").symlink_to(".store/real.txt")
    (root / "kept").mkdir()
    (root / "kept" / "b.txt").write_text(tiny_report_path.read_text("utf-8"), "utf-8")
    (root / "a.txt").symlink_to("kept/b.txt")  # sorts first, but the real file is kept
    names = [r.source_file for r in find_reports([root], [], refused=[])]
    assert names == ["kept/b.txt", "link.txt"]


def test_a_file_or_folder_named_on_the_command_line_is_read_where_it_lies(tree):
    outside = tree.parent / "outside"
    (named,) = load_reports([tree / "passwd.txt"]).files  # named itself: read
    assert any(SECRET in p.text for p in named.passages)
    linked_root = tree.parent / "reports-link"
    linked_root.symlink_to(tree, target_is_directory=True)
    result = load_reports([linked_root])  # the folder given is itself a link
    assert [f.source_file for f in result.files] == ["tiny.txt"]
    assert "passwd.txt" in {e.source for e in result.errors}
    assert [f.source_file for f in load_reports([outside]).files] == ["secret.txt"]


def test_the_same_folder_given_twice_is_read_once(tree):
    result = load_reports([tree, tree / "sub", tree])
    assert [f.source_file for f in result.files] == ["tiny.txt"]


def test_without_a_list_the_refused_links_are_logged_not_read(tree, caplog):
    skipped: list[str] = []
    assert [r.source_file for r in find_reports([tree], skipped)] == ["tiny.txt"]
    assert "passwd.txt: a link to" in caplog.text
    assert skipped == []


def test_a_pipe_named_like_a_report_is_refused_not_waited_on(tmp_path, tiny_report_path):
    root = tmp_path / "reports"
    root.mkdir()
    (root / "tiny.txt").write_text(tiny_report_path.read_text("utf-8"), "utf-8")
    os.mkfifo(root / "pipe.txt")
    result = load_reports([root])
    assert [f.source_file for f in result.files] == ["tiny.txt"]
    assert [str(e) for e in result.errors] == [
        "pipe.txt: not a regular file (a pipe, device or folder): not read"
    ]


def baocao(*args) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [str(BAOCAO), *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )


def test_inspect_names_the_refused_links(tree):
    run = baocao("inspect", tree, "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert [f["source_file"] for f in payload["files"]] == ["tiny.txt"]
    assert "passwd.txt" in {e["file"] for e in payload["errors"]}
    assert SECRET not in run.stdout
    assert "error: passwd.txt: a link to" in baocao("inspect", tree).stderr


def test_index_refuses_a_link_out_and_drops_what_an_earlier_build_read_through_it(tree, tmp_path):
    index_dir = tmp_path / "index"
    leaked = tmp_path / "leaked"  # what today's code did: the link read as a report
    leaked.mkdir()
    (leaked / "passwd.txt").write_text(OUTSIDE_REPORT, encoding="utf-8")
    (leaked / "tiny.txt").write_bytes((tree / "tiny.txt").read_bytes())
    first = baocao("index", leaked, "--index-dir", index_dir, "--json")
    assert first.returncode == 0, first.stderr
    assert SECRET in _indexed_text(index_dir)
    os.replace(tree / "passwd.txt", leaked / "passwd.txt")  # now a link out of leaked/
    run = baocao("index", leaked, "--index-dir", index_dir, "--json")
    outcome = {f["source_file"]: f for f in json.loads(run.stdout)["files"]}
    assert outcome["passwd.txt"]["status"] == "refused, previous removed"
    assert outcome["passwd.txt"]["error"].startswith("a link to ")
    assert outcome["tiny.txt"]["status"] == "unchanged"
    assert SECRET not in _indexed_text(index_dir)
    assert run.returncode == 1  # a refused file is reported like a failed one
    table = baocao("index", leaked, "--index-dir", index_dir).stdout
    assert "passwd.txt" in table and "refused" in table and "outside the folder" in table


def _indexed_text(index_dir: Path) -> str:
    build = index_dir / "builds" / (index_dir / "CURRENT").read_text().strip()
    return (build / "passages.jsonl").read_text(encoding="utf-8")
