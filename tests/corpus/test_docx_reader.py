"""The .docx reader on real Word files written with python-docx: headings and numbering,
tables, real footnotes, headers/footers, tracked changes and comments, old .doc files."""

from __future__ import annotations

import zipfile

import pytest
from accounting import passage_problems, uncovered_or_doubled
from office_reports import (
    COMMENT,
    DELETED,
    PLAN,
    PLAN_NOTE,
    ROUND_TRIP,
    RUNNING_HEADER,
    passage,
    passage_key,
)
from wordgen import Note, WordWriter

from baocao.corpus.errors import ReportError
from baocao.corpus.loader import load_reports
from baocao.corpus.readers import read_report
from baocao.corpus.readers.decode import read_report_file
from baocao.corpus.readers.text import parse_text
from baocao.corpus.readers.word import read_docx_file

ONE, ONE_1, ONE_2 = (
    "I. KẾT QUẢ ĐẠT ĐƯỢC",
    "1. Công tác đối thoại với Nhân dân",
    "2. Công tác dân vận chính quyền",
)
A = "a) Cải cách hành chính được đẩy mạnh, 100% thủ tục được công khai"
B = "b) Tiếp công dân định kỳ được duy trì ở cả ba cấp"
NOTABLE, II = "Kết quả nổi bật", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021"

# What the reader extracts: one paragraph a line, numbering as printed, reference marks as
# superscripts, one line a table row, then the footnotes, then the running header/footer.
EXTRACTED = [
    "TỈNH ỦY KON TUM",
    "*",
    "Số 16-BC/TU",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Kon Tum, ngày 11 tháng 11 năm 2020",
    "BÁO CÁO",
    "kết quả công tác dân vận năm 2020",
    "-----",
    "Thực hiện Kế hoạch số 26-KH/BDVTW của Ban Dân vận Trung ương¹, Ban Thường vụ Tỉnh ủy báo "
    "cáo kết quả công tác dân vận năm 2020 như sau:",
    ONE,
    ONE_1,
    "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại² với 3.500 lượt người tham gia; "
    "giải quyết dứt điểm 45 kiến nghị.³",
    "Năm; Số cuộc đối thoại; Lượt người tham gia",
    "Năm: 2019; Số cuộc đối thoại: 673; Lượt người tham gia: 40.000",
    "Năm: 2020; Số cuộc đối thoại: 120⁴; Lượt người tham gia: 3.500",
    ONE_2,
    A,
    B,
    NOTABLE,
    "• Mô hình “Dân vận khéo” được nhân rộng ở 102 xã.",
    "• Đồng bào các dân tộc thiểu số tin tưởng vào Đảng.",
    "Tỷ lệ hộ nghèo giảm còn 14,3% theo kết quả rà soát.",
    II,
    PLAN[0],
    PLAN[1] + "⁵; chú trọng biểu dương người tốt, việc tốt.",
    PLAN[2],
    PLAN[3],
    "Nơi nhận:",
    "- Ban Dân vận Trung ương,",
    "- Lưu Văn phòng Tỉnh ủy.",
    "T/M BAN THƯỜNG VỤ",
    "PHÓ BÍ THƯ",
    "Nguyễn Văn Hòa",
    "",
    "¹ Kế hoạch số 26-KH/BDVTW, ngày 11-8-2020.",
    "² Trong đó, cấp huyện 20 cuộc, cấp xã 100 cuộc.",
    "³ Các kiến nghị chủ yếu về đất đai, chính sách hỗ trợ.",
    "⁴ Số liệu đến ngày 31-10-2020.",
    f"⁵ {PLAN_NOTE}",
    "",
    RUNNING_HEADER,
    "Trang 1",
]


@pytest.fixture(scope="module")
def structured(word_files):
    return read_docx_file(word_files.structured, "structured.docx", "bc")


def test_extracted_text_is_one_paragraph_a_line(structured):
    assert structured.text.split("\n") == EXTRACTED
    assert structured.encoding == "docx"


def test_metadata_from_the_header_table_and_the_signature_table(structured):
    (doc,) = structured.documents
    d = doc.document
    assert (d.kind, d.title, d.number, d.place, d.date) == (
        "báo cáo",
        "Báo cáo kết quả công tác dân vận năm 2020",
        "16-BC/TU",
        "Kon Tum",
        "2020-11-11",
    )
    assert (d.issuer, d.signatory, d.signatory_title) == (
        "TỈNH ỦY KON TUM",
        "Nguyễn Văn Hòa",
        "PHÓ BÍ THƯ",
    )


def test_heading_styles_and_numbering_give_the_section_tree(structured):
    (doc,) = structured.documents
    assert [(s.title, s.level, s.path) for s in doc.sections] == [
        (ONE, 2, (ONE,)),
        (ONE_1, 3, (ONE, ONE_1)),
        (ONE_2, 3, (ONE, ONE_2)),
        (A, 7, (ONE, ONE_2, A)),
        (B, 7, (ONE, ONE_2, B)),
        (NOTABLE, 3, (ONE, NOTABLE)),  # a Heading 2 without numbering: a heading by its style
        (II, 2, (II,)),
    ]
    assert [s.line for s in doc.sections] == [10, 11, 16, 17, 18, 19, 23]


def test_body_passages_by_section(structured):
    body = [(p.passage_id, p.section_path, p.text) for p in structured.passages if p.kind == "body"]
    assert body == [
        ("bc:p0001", (), "Thực hiện Kế hoạch số 26-KH/BDVTW của Ban Dân vận Trung ương, Ban "
         "Thường vụ Tỉnh ủy báo cáo kết quả công tác dân vận năm 2020 như sau:"),
        ("bc:p0002", (ONE, ONE_1), "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại với 3.500 "
         "lượt người tham gia; giải quyết dứt điểm 45 kiến nghị."),
        ("bc:p0003", (ONE, ONE_1), "Năm: 2019; Số cuộc đối thoại: 673; Lượt người tham gia: 40.000\n"
         "Năm: 2020; Số cuộc đối thoại: 120; Lượt người tham gia: 3.500"),
        ("bc:p0004", (ONE, ONE_2, A), A),
        ("bc:p0005", (ONE, ONE_2, B), B),
        ("bc:p0006", (ONE, NOTABLE), "• Mô hình “Dân vận khéo” được nhân rộng ở 102 xã.\n"
         "• Đồng bào các dân tộc thiểu số tin tưởng vào Đảng.\n"
         "Tỷ lệ hộ nghèo giảm còn 14,3% theo kết quả rà soát."),
        ("bc:p0007", (II,), PLAN[0]),
        ("bc:p0008", (II,), PLAN[1] + "; chú trọng biểu dương người tốt, việc tốt."),
        ("bc:p0009", (II,), PLAN[2]),
        ("bc:p0010", (II,), PLAN[3]),
    ]  # fmt: skip
    assert all(p.page is None and p.page_end is None for p in structured.passages)


def test_table_rows_keep_their_header_and_the_header_row_is_not_a_passage(structured):
    rows = passage(structured, "bc:p0003").text.split("\n")
    assert rows[0] == "Năm: 2019; Số cuộc đối thoại: 673; Lượt người tham gia: 40.000"
    header = "Năm; Số cuộc đối thoại; Lượt người tham gia"
    assert not any(header in p.text for p in structured.passages)
    start = structured.text.index(header)
    assert any(s.start == start and s.role == "heading" for s in structured.spans)


@pytest.mark.parametrize(
    ("number", "text", "anchor", "before_marker"),
    [
        (1, "Kế hoạch số 26-KH/BDVTW, ngày 11-8-2020.", "bc:p0001", "của Ban Dân vận Trung ương"),
        (2, "Trong đó, cấp huyện 20 cuộc, cấp xã 100 cuộc.", "bc:p0002", "120 cuộc đối thoại"),
        (3, "Các kiến nghị chủ yếu về đất đai, chính sách hỗ trợ.", "bc:p0002",
         "giải quyết dứt điểm 45 kiến nghị."),
        (4, "Số liệu đến ngày 31-10-2020.", "bc:p0003", "Số cuộc đối thoại: 120"),
        (5, PLAN_NOTE, "bc:p0008", "trong năm 2021 và những năm tiếp theo"),
    ],
)  # fmt: skip
def test_real_footnotes_link_to_their_reference_marks(
    structured, number, text, anchor, before_marker
):
    footnote = passage(structured, f"bc:fn{number}")
    assert (footnote.kind, footnote.footnote, footnote.text, footnote.anchor_id) == (
        "footnote", number, text, anchor,
    )  # fmt: skip
    body = passage(structured, anchor)
    offset = dict(body.markers)[number]
    assert body.text[:offset].endswith(before_marker)
    assert number in body.cites
    assert footnote.anchor_text in body.text.split("\n")[body.text.count("\n", 0, offset)]
    assert footnote.section_path == body.section_path


def test_marker_offsets_exactly(structured):
    assert passage(structured, "bc:p0002").markers == ((2, 54), (3, 119))
    assert passage(structured, "bc:p0003").markers == ((4, 96),)


def test_a_footnote_in_a_table_row_annotates_that_row(structured):
    assert passage(structured, "bc:fn4").anchor_text == (
        "Năm: 2020; Số cuộc đối thoại: 120; Lượt người tham gia: 3.500"
    )


def test_headers_footers_comments_and_deleted_text_are_not_searchable(structured):
    texts = "\n".join(p.text for p in structured.passages)
    for hidden in (RUNNING_HEADER, "Trang 1", "Nơi nhận", "ĐẢNG CỘNG SẢN", "T/M BAN"):
        assert hidden not in texts
    assert COMMENT not in structured.text and DELETED not in structured.text
    assert "14,3%" in texts  # the tracked insertion is kept
    header = structured.text.index(RUNNING_HEADER)
    assert any(s.start == header and s.role == "metadata" for s in structured.spans)


def test_every_character_of_the_extracted_text_is_accounted_for(structured):
    assert uncovered_or_doubled(structured) == []
    assert passage_problems(structured) == []


@pytest.mark.parametrize("stem", ROUND_TRIP)
def test_bundled_report_rewritten_as_docx_gives_the_same_passages(word_files, stem):
    """A bundled report's parsed paragraphs written as Word paragraphs with real footnotes
    (23 in 000, 23 in 001): the .docx reader recovers what the text parser recovers."""
    expected = parse_text(read_report_file(word_files.texts[stem]), f"{stem}.txt", stem)
    got = read_docx_file(word_files.bundled[stem], f"{stem}.docx", stem)
    assert [passage_key(p) for p in got.passages] == [passage_key(p) for p in expected.passages]
    fields = ("title", "kind", "number", "place", "date", "issuer", "signatory", "years")
    (want,), (have,) = expected.documents, got.documents
    assert [getattr(have.document, f) for f in fields] == [
        getattr(want.document, f) for f in fields
    ]
    assert [s.path for s in have.sections] == [s.path for s in want.sections]
    assert uncovered_or_doubled(got) == [] and passage_problems(got) == []


def test_footnotes_go_to_the_document_that_cites_them(tmp_path):
    w = WordWriter()
    w.paragraph("BÁO CÁO")
    w.paragraph("công tác dân vận năm 2020")
    w.paragraph("I. KẾT QUẢ")
    w.paragraph("Tổ chức 120 cuộc đối thoại", Note("Cấp xã 100 cuộc."), " với Nhân dân.")
    w.paragraph("Kết thúc báo cáo thứ nhất với nhiều nội dung được trình bày ở trên.")
    w.paragraph("CHUYÊN ĐỀ")
    w.paragraph("công tác dân tộc năm 2020")
    w.paragraph("I. KẾT QUẢ")
    w.paragraph(
        "Hỗ trợ 200 hộ nghèo", Note("Trong đó 50 hộ người Xơ Đăng."), " phát triển sản xuất."
    )
    parsed = read_docx_file(w.save(tmp_path / "two.docx"), "two.docx", "two")
    first, second = parsed.documents
    assert [(p.passage_id, p.text) for p in first.passages if p.kind == "footnote"] == [
        ("two~1:fn1", "Cấp xã 100 cuộc.")
    ]
    assert [(p.passage_id, p.anchor_id) for p in second.passages if p.kind == "footnote"] == [
        ("two~2:fn2", "two~2:p0001")
    ]


# --- files that are not .docx -----------------------------------------------------------------


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def test_an_old_doc_is_refused_with_how_to_convert_it(tmp_path):
    doc = tmp_path / "báo cáo.doc"
    doc.write_bytes(OLE_HEADER)
    with pytest.raises(ReportError) as info:
        read_report(doc, "báo cáo.doc", "bc")
    message = str(info.value)
    assert message.startswith("báo cáo.doc: old Word .doc format, which is not read")
    assert "libreoffice --headless --convert-to docx FILE" in message


def test_a_doc_in_a_folder_is_an_error_by_name_not_skipped(tmp_path, word_files):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "cu.doc").write_bytes(OLE_HEADER)
    (folder / "moi.doc").write_bytes(word_files.structured.read_bytes())  # a .docx named .doc
    result = load_reports([folder])
    assert result.skipped == []
    assert [e.source for e in result.errors] == ["cu.doc"]
    assert "--convert-to docx" in result.errors[0].reason
    assert [f.source_file for f in result.files] == ["moi.doc"]


def test_a_doc_named_docx_is_refused_with_how_to_convert_it(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(OLE_HEADER)
    with pytest.raises(ReportError, match=r"old Word \.doc .*--convert-to docx"):
        read_docx_file(path, "a.docx", "a")


def test_a_broken_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(ReportError, match=r"^broken\.docx: not a valid \.docx file"):
        read_docx_file(path, "broken.docx", "b")
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ReportError, match=r"not a valid \.docx file"):
        read_docx_file(path, "broken.docx", "b")
