"""`baocao index` as a function: incremental re-indexing, bad files, nothing lost."""

import shutil

import pytest

from baocao.corpus.errors import ReportError
from baocao.index.build import index_reports
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex

REPORT = """TỈNH ỦY KON TUM
Số {n}-BC/TU
BÁO CÁO
công tác dân vận năm {year}
-----
I. KẾT QUẢ
Năm {year}, cấp ủy các cấp đã tổ chức {count} cuộc đối thoại với Nhân dân ở cơ sở.
II. TỒN TẠI
Một số nơi chưa quan tâm đúng mức đến công tác dân vận năm {year}.
"""


def write_report(folder, year, count):
    path = folder / f"bc_{year}.txt"
    path.write_text(REPORT.format(n=year % 100, year=year, count=count), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture
def setup(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    write_report(reports, 2019, 673)
    write_report(reports, 2020, 512)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    return reports, tmp_path / "index", cache


def statuses(run):
    return {f.source_file: f.status for f in run.files}


def test_rerun_processes_only_what_changed(setup, encoder):
    reports, index_dir, cache = setup
    first = index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    assert statuses(first) == {"bc_2019.txt": "new", "bc_2020.txt": "new"}
    assert first.embedding["encoded"] == first.passages

    write_report(reports, 2021, 845)
    second = index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    assert statuses(second) == {
        "bc_2019.txt": "unchanged",
        "bc_2020.txt": "unchanged",
        "bc_2021.txt": "new",
    }
    new_passages = second.passages - first.passages
    assert second.embedding["encoded"] == new_passages
    assert second.embedding["cached"] == first.passages

    (reports / "bc_2020.txt").unlink()
    write_report(reports, 2019, 700)  # edited figure
    third = index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    assert statuses(third) == {
        "bc_2019.txt": "changed",
        "bc_2021.txt": "unchanged",
        "bc_2020.txt": "removed",
    }
    index = HybridIndex.load(index_dir, encoder)
    texts = " ".join(p.text for p in index.passages)
    assert "700 cuộc" in texts
    assert "673 cuộc" not in texts
    assert "512 cuộc" not in texts
    assert "845 cuộc" in index.search("năm 2021 bao nhiêu cuộc đối thoại", k=1)[0].passage.text
    assert any("unchanged" in line for line in third.lines())


def test_a_bad_file_never_stops_the_others_and_keeps_what_was_indexed(setup, encoder):
    reports, index_dir, cache = setup
    index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    (reports / "bc_2020.txt").write_bytes(b"\x00\x01\x02\x03 binary garbage \xff\xfe\x00")
    (reports / "new.txt").write_bytes(b"")
    write_report(reports, 2022, 901)
    run = index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    by_name = {f.source_file: f for f in run.files}
    assert by_name["bc_2020.txt"].status == "failed, previous kept"
    assert "binary file, not text (accepted: UTF-8" in by_name["bc_2020.txt"].error
    assert by_name["new.txt"].status == "failed"
    assert by_name["new.txt"].error == "empty file: no text to index"
    assert by_name["bc_2022.txt"].status == "new"
    texts = " ".join(p.text for p in HybridIndex.load(index_dir, encoder).passages)
    assert "512 cuộc" in texts  # the previous version of the damaged file
    assert "901 cuộc" in texts


def test_nothing_readable_is_an_error_naming_the_input(tmp_path, encoder):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(ReportError, match="no passages to index"):
        index_reports([empty], tmp_path / "index", encoder, progress=False)
    with pytest.raises(ReportError, match="no such file or folder"):
        index_reports([tmp_path / "missing"], tmp_path / "index", encoder, progress=False)


def test_a_changed_parser_reparses_every_file(setup, encoder, monkeypatch):
    reports, index_dir, cache = setup
    index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    monkeypatch.setattr("baocao.index.build.parser_fingerprint", lambda: "another parser")
    run = index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    assert set(statuses(run).values()) == {"changed"}
    assert run.embedding["encoded"] == 0  # same passage texts: vectors come from the cache


def test_indexing_a_copy_elsewhere_keeps_ids_stable(setup, encoder, tmp_path):
    reports, index_dir, cache = setup
    index_reports([reports], index_dir, encoder, cache=cache, progress=False)
    copy = tmp_path / "copy"
    shutil.copytree(reports, copy)
    index_reports([copy], tmp_path / "other", encoder, cache=cache, progress=False)
    ids = [p.passage_id for p in HybridIndex.load(index_dir, encoder).passages]
    assert ids == [p.passage_id for p in HybridIndex.load(tmp_path / "other", encoder).passages]


def test_same_file_name_in_two_folders_gets_two_names_and_ids(tmp_path, encoder):
    first, second = tmp_path / "kon_tum", tmp_path / "kien_giang"
    for folder, count in ((first, 111), (second, 222)):
        folder.mkdir()
        (folder / "bao_cao.txt").write_text(
            REPORT.format(n=1, year=2019, count=count), encoding="utf-8"
        )
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    run = index_reports([first, second], tmp_path / "index", encoder, cache=cache, progress=False)
    assert statuses(run) == {"bao_cao.txt": "new", "kien_giang/bao_cao.txt": "new"}
    again = index_reports([first, second], tmp_path / "index", encoder, cache=cache, progress=False)
    assert set(statuses(again).values()) == {"unchanged"}
    index = HybridIndex.load(tmp_path / "index", encoder)
    assert len(index.documents) == 2
    assert len({p.passage_id for p in index.passages}) == len(index.passages)


def test_a_new_file_whose_id_clashes_never_takes_an_indexed_files_id(tmp_path, encoder):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "bao_cao.txt").write_text(REPORT.format(n=1, year=2019, count=111), "utf-8")
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    index_reports([reports], tmp_path / "index", encoder, cache=cache, progress=False)
    before = HybridIndex.load(tmp_path / "index", encoder)
    # "bao cao.txt" folds to the same id and sorts first
    (reports / "bao cao.txt").write_text(REPORT.format(n=2, year=2020, count=222), "utf-8")
    index_reports([reports], tmp_path / "index", encoder, cache=cache, progress=False)
    after = HybridIndex.load(tmp_path / "index", encoder)
    assert len(after.documents) == 2
    assert set(before.documents) <= set(after.documents)
    old_id = next(iter(before.documents))
    assert after.documents[old_id].source_file == "bao_cao.txt"


def test_an_unwritable_index_folder_fails_before_any_work(setup, encoder):
    reports, index_dir, cache = setup
    index_dir.write_text("not a folder")
    with pytest.raises(OSError):
        index_reports([reports], index_dir, encoder, cache=cache, progress=False)
