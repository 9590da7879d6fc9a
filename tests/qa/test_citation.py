"""Citations as Vietnamese documents cite: the bundled reports, each as a person would check it."""

from __future__ import annotations

import pytest

from baocao.qa.citation import (
    cite,
    cite_document,
    header_date,
    section_label,
    sentence_case,
    vietnamese_date,
)

KON_TUM = "000_9c3704398cac95ef"


@pytest.fixture(scope="module")
def documents(seed_files):
    return {d.document.doc_id: d for parsed in seed_files.values() for d in parsed.documents}


def test_a_numbered_dated_report_is_cited_by_number_date_and_issuer(documents):
    parsed = documents[KON_TUM]
    note = next(p for p in parsed.passages if p.footnote == 6)
    citation = cite(note, parsed.document)
    assert citation.text() == (
        "Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon Tum (giai đoạn 2015–2020), "
        "mục III.1, chú thích 6"
    )
    assert citation.source() == f"{KON_TUM}.txt, dòng {note.line_start}"
    assert ".txt" not in citation.text()


def test_a_report_without_number_or_date_is_cited_by_title_and_province(documents):
    document = documents["001_f0ce601e5f83c249"].document
    assert cite_document(document) == (
        "Báo cáo tổng kết công tác dân vận năm 2019 và chương trình chỉ đạo năm 2020 (Kiên Giang)"
    )


def test_an_unnumbered_undated_draft_says_so(documents):
    document = documents["002_6cf038721f193c12"].document
    assert document.number == "/UBND-KGVX"
    cited = cite_document(document)
    assert "/UBND-KGVX" not in cited
    assert cited == (
        "Công văn về việc nâng cao hiệu quả hoạt động công tác dân vận chính quyền các cấp "
        "(Kon Tum; công văn chưa ghi số, chưa ghi ngày)"
    )


def test_province_and_period_are_in_every_citation(documents):
    for doc_id, parsed in documents.items():
        document = parsed.document
        cited = cite_document(document)
        assert document.place in cited, doc_id
        if document.years:
            assert str(document.years[0]) in cited and str(document.years[-1]) in cited, doc_id


@pytest.mark.parametrize(
    ("path", "label"),
    [
        (("III. KẾT QUẢ ĐẠT ĐƯỢC", "1. Về lãnh đạo"), "mục III.1"),
        (("Phần thứ nhất. ĐÁNH GIÁ", "I. THÀNH QUẢ", "1. Kinh tế", "1.1. Đã triển khai"),
         "Phần thứ nhất, mục I.1.1"),
        (("II- NHIỆM VỤ", "3. Nâng cao", "a) Tổ chức tốt"), "mục II.3, điểm a"),
        (("Những bài học kinh nghiệm", "Một là, phải xác định"), "mục “Những bài học kinh nghiệm”, Một là"),
        ((), ""),
    ],
)  # fmt: skip
def test_section_labels(path, label):
    assert section_label(path) == label


def test_capitals_read_as_a_sentence_but_acronyms_and_numerals_stay():
    assert sentence_case("TỈNH ỦY KON TUM", ("Kon Tum",)) == "Tỉnh ủy Kon Tum"
    assert sentence_case("Chuyên đề VỀ NGHỊ QUYẾT KHÓA XII CỦA UBND") == (
        "Chuyên đề về nghị quyết khóa XII của UBND"
    )
    assert sentence_case("Báo cáo tổng kết") == "Báo cáo tổng kết"


def test_a_document_date_as_citations_and_headers_write_it():
    assert vietnamese_date("2020-01-07") == "07/01/2020"
    assert header_date("2020-01-07") == "ngày 07 tháng 01 năm 2020"
