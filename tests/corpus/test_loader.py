"""Loading a folder of reports: good files parsed, bad ones reported by name, others skipped."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from baocao.corpus.errors import ReportError
from baocao.corpus.loader import doc_id_for, find_reports, load_reports, sample_corpus_dir
from baocao.corpus.readers import SUPPORTED_SUFFIXES, read_report

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
CP1258_TEXT = (
    "TỈNH ỦY KON TUM\n"
    "BÁO CÁO\n"
    "Kết quả công tác dân vận năm 2020\n"
    "I. KẾT QUẢ\n"
    "Cấp ủy các cấp đã tổ chức nhiều cuộc đối thoại với Nhân dân.\n"
)


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: composed base letter + tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += (base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258")
    return bytes(out)


@pytest.fixture
def tiny_text(tiny_report_path: Path) -> str:
    """TINY_REPORT from conftest, as the fixture writes it."""
    return tiny_report_path.read_text(encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path, tiny_text: str) -> Path:
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    seed = next(sample_corpus_dir().glob("000_*.txt"))
    shutil.copy(seed, root / seed.name)
    (root / "tiny.txt").write_text(tiny_text, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 64)
    (root / "utf16.txt").write_bytes(tiny_text.encode("utf-16"))
    (root / "vn1258.txt").write_bytes(encode_cp1258(unicodedata.normalize("NFD", CP1258_TEXT)))
    (root / "notes.md").write_text("# ghi chú\n", encoding="utf-8")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    (root / "sub" / "Báo cáo số 2.txt").write_text(tiny_text, encoding="utf-8")
    return root


def fresh_dir(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.mkdir()
    return path


GOOD = [
    "000_9c3704398cac95ef.txt",
    "sub/Báo cáo số 2.txt",
    "tiny.txt",
    "utf16.txt",
    "vn1258.txt",
]


def test_good_files_are_parsed_in_sorted_order(folder):
    result = load_reports([folder])
    assert [f.source_file for f in result.files] == GOOD
    assert [f.encoding for f in result.files] == ["utf-8", "utf-8", "utf-8", "utf-16", "cp1258"]


def test_utf16_file_parses_like_its_utf8_twin(folder):
    by_name = {f.source_file: f for f in load_reports([folder]).files}
    utf8, utf16 = by_name["tiny.txt"], by_name["utf16.txt"]
    assert [p.text for p in utf16.passages] == [p.text for p in utf8.passages]
    assert utf16.documents[0].document.number == "01-BC/TU"


def test_cp1258_file_comes_out_nfc(folder):
    parsed = next(f for f in load_reports([folder]).files if f.source_file == "vn1258.txt")
    doc = parsed.documents[0]
    assert doc.document.title == "Báo cáo Kết quả công tác dân vận năm 2020"
    body = [p.text for p in doc.passages]
    assert body == ["Cấp ủy các cấp đã tổ chức nhiều cuộc đối thoại với Nhân dân."]
    assert body[0] == unicodedata.normalize("NFC", body[0])


def test_errors_name_exactly_the_empty_and_binary_files(folder):
    errors = load_reports([folder]).errors
    assert [e.source for e in errors] == ["blob.txt", "empty.txt"]
    assert str(errors[0]).startswith("blob.txt: binary file, not text")
    assert str(errors[1]) == "empty.txt: empty file: no text to index"


def test_unsupported_type_is_skipped_and_hidden_file_ignored(folder):
    result = load_reports([folder])
    assert result.skipped == ["notes.md"]
    named = [f.source_file for f in result.files] + [e.source for e in result.errors]
    assert not any(".DS_Store" in name for name in named)


def test_hidden_folder_is_ignored(tmp_path, tiny_text):
    root = fresh_dir(tmp_path, "reports")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_text(tiny_text, encoding="utf-8")
    (root / "tiny.txt").write_text(tiny_text, encoding="utf-8")
    skipped: list[str] = []
    assert [r.source_file for r in find_reports([root], skipped)] == ["tiny.txt"]
    assert skipped == []


def test_order_and_ids_are_stable_across_runs(folder):
    first = [(r.source_file, r.doc_id) for r in find_reports([folder], [])]
    second = [(r.source_file, r.doc_id) for r in find_reports([folder], [])]
    assert first == second


def test_doc_ids_are_unique_ascii(folder):
    ids = [d.document.doc_id for d in load_reports([folder]).documents]
    assert ids == ["000_9c3704398cac95ef", "sub__Bao_cao_so_2", "tiny", "utf16", "vn1258"]
    assert all(i.isascii() for i in ids)


def test_doc_id_for_folds_diacritics_and_folders():
    assert doc_id_for("Báo cáo/2019 số 16.txt") == "Bao_cao__2019_so_16"
    assert doc_id_for("Đề án (mới).txt") == "De_an_moi"
    assert doc_id_for("???.txt") == "report"


def test_clashing_file_ids_get_a_suffix(tmp_path, tiny_text):
    root = fresh_dir(tmp_path, "reports")
    for name in ("a b.txt", "a_b.txt", "a-b.TXT"):
        (root / name).write_text(tiny_text, encoding="utf-8")
    ids = [r.doc_id for r in find_reports([root], [])]
    assert ids == ["a_b", "a-b", "a_b_2"]


def test_document_ids_stay_unique_next_to_a_multi_document_file(tmp_path, tiny_text):
    root = fresh_dir(tmp_path, "reports")
    shutil.copy(next(sample_corpus_dir().glob("003_*.txt")), root / "report.txt")
    (root / "report-1.txt").write_text(tiny_text, encoding="utf-8")
    ids = [d.document.doc_id for d in load_reports([root]).documents]
    assert len(ids) == 5
    assert len(set(ids)) == len(ids)


def test_nonexistent_path_raises_naming_it(tmp_path):
    missing = tmp_path / "không có" / "x.txt"
    with pytest.raises(ReportError) as info:
        load_reports([missing])
    assert str(info.value) == f"{missing}: no such file or folder"


def test_single_file_is_shown_by_its_name(tiny_report_path):
    (report,) = find_reports([tiny_report_path], [])
    assert (report.source_file, report.doc_id) == ("tiny.txt", "tiny")


def test_read_report_refuses_an_unknown_type_listing_accepted_types(tmp_path):
    odt = tmp_path / "report.odt"
    odt.write_bytes(b"PK\x03\x04")
    with pytest.raises(ReportError) as info:
        read_report(odt, "reports/report.odt", "report")
    assert SUPPORTED_SUFFIXES == (".docx", ".pdf", ".txt")
    assert str(info.value) == (
        "reports/report.odt: unsupported file type '.odt' (accepted: .docx, .pdf, .txt)"
    )


def test_a_broken_pdf_is_refused_by_name(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(ReportError) as info:
        read_report(pdf, "reports/report.pdf", "report")
    assert str(info.value).startswith("reports/report.pdf: not a readable PDF file (")


def test_sample_corpus_dir_holds_five_reports():
    assert len(sorted(sample_corpus_dir().glob("*.txt"))) == 5


# --- the tiny report, checked by hand -------------------------------------------------------


@pytest.fixture
def tiny(tiny_report_path):
    (parsed,) = load_reports([tiny_report_path]).files
    return parsed


def test_tiny_report_metadata(tiny):
    (doc,) = tiny.documents
    d = doc.document
    assert (d.number, d.date, d.place, d.signatory) == (
        "01-BC/TU",
        "2021-03-02",
        "Kon Tum",
        "Nguyễn Văn An",
    )
    assert d.title == "Báo cáo tình hình công tác dân vận năm 2020"


def test_tiny_footnote_links_to_the_passage_where_its_marker_was_lost(tiny):
    (footnote,) = [p for p in tiny.passages if p.kind == "footnote"]
    assert (footnote.footnote, footnote.text) == (
        1,
        "Trong đó, cấp huyện 20 cuộc, cấp xã 100 cuộc.",
    )
    body = next(p for p in tiny.passages if p.passage_id == footnote.anchor_id)
    assert "120 cuộc đối thoại ở cơ sở, với 3.500 lượt" in body.text
    assert body.cites == (1,)
    assert body.text[: dict(body.markers)[1]].endswith("120 cuộc đối thoại ở cơ sở")


def test_tiny_nfd_text_comes_out_nfc(tiny):
    text = " ".join(p.text for p in tiny.passages)
    assert "Tỉnh ủy chỉ đạo sát sao." in text
    assert unicodedata.normalize("NFD", "Tỉnh ủy") not in text


def test_tiny_heading_stays_a_heading(tiny):
    (doc,) = tiny.documents
    assert [s.title for s in doc.sections] == ["I. KẾT QUẢ", "1. Đối thoại với Nhân dân"]
