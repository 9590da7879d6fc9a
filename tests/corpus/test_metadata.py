"""Metadata lines of Vietnamese administrative documents: number, place and date, type, names."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_texts import WEB_ARTICLE_AND_NOTICE

from baocao.corpus.facts import _level_written, document_coverage
from baocao.corpus.loader import load_reports
from baocao.corpus.metadata import (
    Metadata,
    doc_type,
    is_web_menu,
    looks_like_name,
    most_mentioned_province,
    read_number,
    read_place_date,
    starts_issuer_name,
    titled_doc_type,
    years_covered,
)


def place_date(text: str) -> tuple[bool, str | None, str | None]:
    meta = Metadata()
    found = read_place_date(text, meta)
    return found, meta.place, meta.date


def number(text: str) -> tuple[bool, str | None]:
    meta = Metadata()
    found = read_number(text, meta)
    return found, meta.number


# --- place and date ---------------------------------------------------------------------


def test_place_and_full_date():
    assert place_date("Kon Tum, ngày 11 tháng 11 năm 2020") == (True, "Kon Tum", "2020-11-11")


def test_single_digit_day_and_month_are_padded():
    assert place_date("Rạch Giá, ngày 5 tháng 1 năm 2020") == (True, "Rạch Giá", "2020-01-05")


def test_a_month_without_a_day_gives_the_place():
    # a self-assessment report's cover: "Quảng Trị, tháng 6 năm 2023" — not part of its title
    assert place_date("Quảng Trị, tháng 6 năm 2023") == (True, "Quảng Trị", None)


def test_blank_date_of_a_draft_gives_place_only():
    assert place_date("Kon Tum, ngày tháng năm") == (True, "Kon Tum", None)
    assert place_date("Kon Tum, ngày    tháng    năm 2020") == (True, "Kon Tum", None)


def test_bold_place_date_line():
    assert place_date("**Kon Tum, ngày 02 tháng 3 năm 2021**") == (True, "Kon Tum", "2021-03-02")


@pytest.mark.parametrize(
    "text",
    ["Kon Tum ngày 11 tháng 11 năm 2020", "Năm 2020, ngày hội", "Hà Nội, ngày 01/01/2020"],
    ids=["no-comma", "prose", "slashes"],
)
def test_not_a_place_date_line(text):
    assert place_date(text) == (False, None, None)


# --- number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số 16-BC/TU", "16-BC/TU"),
        ("Số: /UBND-KGVX", "/UBND-KGVX"),
        ("Số:16-BC/TU", "16-BC/TU"),
        ("**Số: 123/BC-UBND**", "123/BC-UBND"),
    ],
)
def test_document_number(text, expected):
    assert number(text) == (True, expected)


def test_bare_so_is_not_a_number():
    assert number("Số") == (False, None)


def test_word_starting_with_so_is_not_a_number():
    assert number("Số lượng đảng viên tăng 5%") == (False, None)


def test_title_line_starting_with_so_stays_in_the_title(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(
        "TỈNH ỦY KON TUM\nSố 02-BC/TU\nKon Tum, ngày 02 tháng 3 năm 2021\n\nBÁO CÁO\n"
        "Số lượng, chất lượng đảng viên năm 2020\n\nI. KẾT QUẢ\n\n"
        "Toàn tỉnh có 30.000 đảng viên, tăng 5% so với năm trước.\n\n"
        "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n\nNguyễn Văn An\n",
        encoding="utf-8",
    )
    d = load_reports([path]).files[0].documents[0].document
    assert d.number == "02-BC/TU"
    assert d.title == "Báo cáo Số lượng, chất lượng đảng viên năm 2020"


# --- document type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("BÁO CÁO", "báo cáo"),
        ("**BÁO CÁO**", "báo cáo"),
        ("  CHUYÊN  ĐỀ ", "chuyên đề"),
        ("Kế hoạch", "kế hoạch"),
        ("BÁO CÁO TỔNG KẾT", None),
        ("công văn", None),
    ],
)
def test_doc_type(text, kind):
    assert doc_type(text) == kind


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Nguyễn Văn Hòa", "Y Ngọc", "Đặng Tuyết Em", "**Nguyễn Văn An**", "Ksor Phước Hà"]
)
def test_looks_like_name(text):
    assert looks_like_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "PHÓ BÍ THƯ",
        "Lưu Văn phòng Tỉnh ủy.",
        "Nguyễn",
        "Nguyễn Thị Kim Ngân Hà Anh",
        "Nguyễn Văn 2",
    ],
    ids=["upper", "distribution", "one-word", "six-words", "digit"],
)
def test_does_not_look_like_name(text):
    assert not looks_like_name(text)


def test_lower_case_accented_word_is_not_capitalised():
    assert not looks_like_name("Tỉnh ủy Kon Tum")


# --- years ------------------------------------------------------------------------------


def test_years_of_a_term():
    assert years_covered("nhiệm kỳ 2015-2020") == (2015, 2016, 2017, 2018, 2019, 2020)


def test_years_of_a_period_with_spaced_dash():
    assert years_covered("giai đoạn 2016 - 2020") == (2016, 2017, 2018, 2019, 2020)


def test_a_date_contributes_no_year():
    assert years_covered("ngày 25 tháng 6 năm 2019") == ()
    assert years_covered("tháng 12 năm 2019") == ()


def test_single_year_and_several_texts_are_merged():
    assert years_covered("Năm 2020, tỉnh", "giai đoạn 2016 - 2017", "năm 2019") == (
        2016,
        2017,
        2019,
        2020,
    )


@pytest.mark.parametrize(
    "text",
    ["năm 1930", "giai đoạn 2000–2040", "nhiệm kỳ 2020 - 2015", "2019-2020"],
    ids=["too-old", "too-long", "backwards", "no-keyword"],
)
def test_implausible_or_unintroduced_periods_are_ignored(text):
    assert years_covered(text) == ()


# --- province -----------------------------------------------------------------------------


def test_most_mentioned_province():
    text = "Kiên Giang có 15 huyện. Tỉnh Kiên Giang giáp Cà Mau. Đoàn công tác tỉnh Kon Tum."
    assert most_mentioned_province(text) == "Kiên Giang"


def test_no_province_mentioned():
    assert most_mentioned_province("Công tác dân vận năm 2020.") is None


def test_province_with_a_spaced_hyphen_is_found():
    assert most_mentioned_province("tỉnh Bà Rịa - Vũng Tàu") == "Bà Rịa - Vũng Tàu"


# --- issuing body -------------------------------------------------------------------------


def parse_header(tmp_path: Path, header: str):
    path = tmp_path / "r.txt"
    body = "Năm 2021, Nhà trường tiếp tục đổi mới công tác quản trị đại học theo hướng tự chủ.\n"
    path.write_text(header + "\n\n" + body, encoding="utf-8")
    return load_reports([path]).files[0].documents[0]


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("TỈNH ỦY KON TUM\nSố 02-BC/TU", "TỈNH ỦY KON TUM"),
        ("BỘ GIÁO DỤC VÀ ĐÀO TẠO\nTRƯỜNG ĐẠI HỌC SƯ PHẠM", "TRƯỜNG ĐẠI HỌC SƯ PHẠM"),
        ("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"),
        ("HUYỆN ỦY ĐĂK HÀ\nBAN DÂN VẬN", "BAN DÂN VẬN HUYỆN ỦY ĐĂK HÀ"),  # a committee's body
        ("ỦY BAN NHÂN DÂN\nTỈNH KON TUM", "ỦY BAN NHÂN DÂN TỈNH KON TUM"),
        ("UỶ BAN NHÂN DÂN TỈNH KON TUM\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ Y TẾ", "SỞ Y TẾ"),
    ],
    ids=["one-line", "school-under-ministry", "department-under-province", "committee",
         "name-over-two-lines", "columns-interleaved"],
)  # fmt: skip
def test_issuer_is_the_issuing_body(tmp_path: Path, header, issuer):
    doc = parse_header(tmp_path, header + "\n\nBÁO CÁO\nkết quả năm 2021")
    assert doc.document.issuer == issuer


@pytest.mark.parametrize(
    "first",
    ["CHƯƠNG 1. GIỚI THIỆU CHUNG", "TIÊU CHUẨN 1", "PHỤ LỤC", "MỞ ĐẦU", "PHẦN I. KHÁI QUÁT"],
)
def test_a_chapter_heading_is_not_an_issuer(tmp_path: Path, first):
    doc = parse_header(tmp_path, first)
    assert doc.document.issuer is None
    assert doc.sections[0].title == first and doc.sections[0].line == 1


def test_issuer_words():
    assert starts_issuer_name("SỞ KẾ HOẠCH VÀ ĐẦU TƯ") and starts_issuer_name("TỈNH UỶ KON TUM")
    assert not starts_issuer_name("TỈNH KON TUM") and not starts_issuer_name("SỐ LIỆU")


def test_document_type_opening_a_title():
    assert titled_doc_type("BÁO CÁO TỰ ĐÁNH GIÁ") == "báo cáo"
    assert titled_doc_type("**QUY CHẾ TIẾP CÔNG DÂN**") == "quy chế"
    assert titled_doc_type("Báo cáo tự đánh giá") is None  # a sentence-case line is not a header
    assert titled_doc_type("BÁO CÁO") is None  # a lone type: ``doc_type``
    assert titled_doc_type("CHƯƠNG 2. TỰ ĐÁNH GIÁ") is None


def test_header_of_a_self_assessment_report(tmp_path: Path):
    doc = parse_header(
        tmp_path,
        "BỘ GIÁO DỤC VÀ ĐÀO TẠO\nTRƯỜNG ĐẠI HỌC SƯ PHẠM\n\nBÁO CÁO TỰ ĐÁNH GIÁ\n"
        "CHƯƠNG TRÌNH ĐÀO TẠO NGÀNH SƯ PHẠM TOÁN HỌC\n\nHuế, ngày 10 tháng 5 năm 2022",
    ).document
    assert (doc.kind, doc.title, doc.issuer, doc.place, doc.date) == (
        "báo cáo",
        "BÁO CÁO TỰ ĐÁNH GIÁ CHƯƠNG TRÌNH ĐÀO TẠO NGÀNH SƯ PHẠM TOÁN HỌC",
        "TRƯỜNG ĐẠI HỌC SƯ PHẠM",
        "Huế",
        "2022-05-10",
    )


def test_decision_title_and_enacting_authority(tmp_path: Path):
    doc = parse_header(
        tmp_path,
        "ỦY BAN NHÂN DÂN TỈNH KON TUM\nSố: 12/QĐ-UBND\n\nQUYẾT ĐỊNH\n"
        "Về việc ban hành Quy chế phối hợp trong công tác dân vận của chính quyền các cấp\n\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM",
    )
    d = doc.document
    assert d.title == (
        "Quyết định Về việc ban hành Quy chế phối hợp trong công tác dân vận của chính quyền các "
        "cấp"
    )
    assert (d.number, d.issuer) == ("12/QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH KON TUM")
    assert doc.sections == ()  # the authority line is header, not a section
    assert "CHỦ TỊCH" not in " ".join(p.text for p in doc.passages)


def test_upper_case_conclusion_after_a_report_is_a_section_not_a_document(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(
        "BÁO CÁO\nkết quả năm 2021\n\nI. KẾT QUẢ\n\nToàn tỉnh tổ chức 120 cuộc đối thoại.\n\n"
        "KẾT LUẬN\n\nNăm 2022, tỉnh tiếp tục đổi mới nội dung, phương thức công tác dân vận trong "
        "tình hình mới.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    assert [s.title for s in doc.sections] == ["I. KẾT QUẢ", "KẾT LUẬN"]
    assert doc.sections[1].path == ("KẾT LUẬN",)


@pytest.mark.parametrize("motto", ["CỘNG HÒA", "CỘNG HOÀ"])  # either tone place
def test_a_header_laid_out_in_two_columns_is_read_as_two(tmp_path: Path, motto):
    # a header table exported as text: the issuer left, the motto and the date right
    header = (
        f"ỦY BAN NHÂN DÂN          {motto} XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "HUYỆN TRẦN ĐỀ                  Độc lập - Tự do - Hạnh phúc\n"
        "Số: 412/BC-UBND\n"
        "                         Trần Đề, ngày 16 tháng 12 năm 2024\n\n"
        "BÁO CÁO\nKết quả thực hiện công tác dân vận chính quyền năm 2024"
    )
    d = parse_header(tmp_path, header).document
    assert (d.kind, d.number, d.date, d.place) == (
        "báo cáo",
        "412/BC-UBND",
        "2024-12-16",
        "Trần Đề",
    )
    assert d.issuer == "ỦY BAN NHÂN DÂN HUYỆN TRẦN ĐỀ"


def test_a_tham_luan_is_a_kind_of_document(tmp_path: Path):
    d = parse_header(tmp_path, "THỊ ỦY VĨNH CHÂU\nBAN DÂN VẬN\n\nTHAM LUẬN").document
    assert (d.kind, d.issuer) == ("tham luận", "BAN DÂN VẬN THỊ ỦY VĨNH CHÂU")  # the committee's


def test_a_committees_body_is_named_with_its_committee_and_a_superior_is_not(tmp_path: Path):
    # an indented issuer line under the province's Party body and its motto, then the body
    header = (
        "ĐẢNG BỘ TỈNH BÌNH PHƯỚC                         ĐẢNG CỘNG SẢN VIỆT NAM\n"
        " HUYỆN ỦY BÙ GIA MẬP\n"
        "    BAN DÂN VẬN                          Bù Gia Mập, ngày 12 tháng 6 năm 2025\n"
        "         *\n"
        "  Số 47-BC/BDVHU\n\n"
        "BÁO CÁO\nsơ kết công tác dân vận 6 tháng đầu năm 2025"
    )
    d = parse_header(tmp_path, header).document
    assert (d.issuer, d.number, d.date) == (
        "BAN DÂN VẬN HUYỆN ỦY BÙ GIA MẬP", "47-BC/BDVHU", "2025-06-12"
    )  # fmt: skip
    # the district committee, not its superior nor an author's line
    header = (
        "  BAN CHẤP HÀNH ĐẢNG BỘ TỈNH QUẢNG BÌNH              ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "         HUYỆN UỶ MINH HOÁ\n"
        "                 *                            Minh Hóa, ngày 14 tháng 3 năm 2023\n"
        "          Số 1245-QĐ/HU\n\n"
        "                                    QUY CHẾ\n"
        "       phối hợp giữa Thường trực Huyện ủy, Ủy ban nhân dân huyện và Ban Thường trực\n"
        "      Ủy ban MTTQ Việt Nam huyện trong công tác tiếp công dân, đối thoại với Nhân dân\n"
        "                       và giải quyết khiếu nại, tố cáo\n"
        "                                    -----"
    )
    d = parse_header(tmp_path, header).document
    assert d.issuer == "HUYỆN UỶ MINH HOÁ"
    assert d.title.endswith("Ủy ban MTTQ Việt Nam huyện trong công tác tiếp công dân, đối thoại "
                            "với Nhân dân và giải quyết khiếu nại, tố cáo")  # fmt: skip


def test_a_district_bodys_report_is_about_the_district_of_the_province_its_header_names(
    tmp_path: Path,
):
    # the text names its communes ("Xã Bù Gia Mập: …") more than the district, and no province
    path = tmp_path / "r.txt"
    path.write_text(
        "ĐẢNG BỘ TỈNH BÌNH PHƯỚC\nHUYỆN ỦY BÙ GIA MẬP\nBAN DÂN VẬN\n\nSố 47-BC/BDVHU\n"
        "Bù Gia Mập, ngày 12 tháng 6 năm 2025\n\nBÁO CÁO\nsơ kết công tác dân vận 6 tháng đầu năm "
        "2025\n\nHuyện Bù Gia Mập có 08 xã với 79 thôn, bon; toàn huyện công nhận 41 mô hình.\n\n"
        "- Xã Bù Gia Mập: 5 mô hình / 2 cuộc\n- Xã Đắk Ơ: 6 mô hình / 2 cuộc\n"
        "- Xã Phú Nghĩa: 4 mô hình; xã Bù Gia Mập tổ chức 2 cuộc đối thoại.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    coverage = document_coverage(doc.document, doc.passages)
    assert (coverage.province, coverage.place) == ("Bình Phước", "huyện Bù Gia Mập")


@pytest.mark.parametrize(
    ("commune", "place"),
    [
        ("xã Mường Giôn", "xã Mường Giôn, huyện Quỳnh Nhai"),
        ("thị trấn Mường Giàng", "thị trấn Mường Giàng, huyện Quỳnh Nhai"),
        ("thị trấn Quỳnh Nhai", "huyện Quỳnh Nhai"),  # the district's own name: the district's
    ],
)
def test_a_districts_minutes_of_a_communes_dialogue_are_about_the_commune(tmp_path, commune, place):
    path = tmp_path / "r.txt"
    path.write_text(
        "UBND HUYỆN QUỲNH NHAI\nSố: 27/BB-UBND\nQuỳnh Nhai, ngày 14 tháng 9 năm 2022\n\n"
        f"BIÊN BẢN\nHội nghị đối thoại giữa Chủ tịch UBND huyện với Nhân dân {commune}\n\n"
        f"Hồi 08 giờ 30 phút, ngày 14/9/2022, tại Nhà văn hoá trung tâm {commune}, huyện Quỳnh "
        f"Nhai, tỉnh Sơn La, UBND huyện tổ chức Hội nghị đối thoại với Nhân dân {commune}.\n\n"
        "Nuôi cá lồng: 87 hộ với 214 lồng; cả năm 2021 đạt 285 tấn.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    coverage = document_coverage(doc.document, doc.passages)
    assert (coverage.province, coverage.place) == ("Sơn La", place)


def test_the_rule_under_the_motto_beside_the_number_is_no_new_document(tmp_path: Path):
    header = (
        "UBND HUYỆN QUỲNH NHAI                     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "      -------                                  Độc lập - Tự do - Hạnh phúc\n"
        "Số: 27/BB-UBND                                     ---------------\n"
        "                                          Quỳnh Nhai, ngày 14 tháng 9 năm 2022\n\n"
        "                                    BIÊN BẢN\n"
        "      Hội nghị đối thoại giữa Chủ tịch UBND huyện với Nhân dân xã Mường Giôn"
    )
    path = tmp_path / "r.txt"
    body = ("Hồi 08 giờ 30 phút, ngày 14/9/2022, tại Nhà văn hoá trung tâm xã Mường Giôn, huyện "
            "Quỳnh Nhai, UBND huyện tổ chức Hội nghị đối thoại với Nhân dân xã Mường Giôn.\n")  # fmt: skip
    path.write_text(header + "\n\n" + body, encoding="utf-8")
    (doc,) = load_reports([path]).files[0].documents
    d = doc.document
    assert (d.kind, d.number, d.date, d.issuer) == (
        "biên bản", "27/BB-UBND", "2022-09-14", "UBND HUYỆN QUỲNH NHAI"
    )  # fmt: skip
    assert (
        d.title == "Biên bản Hội nghị đối thoại giữa Chủ tịch UBND huyện với Nhân dân xã Mường Giôn"
    )


SIGNED_REPORT = (
    "BÁO CÁO\nKết quả công tác dân vận năm 2024\n\nI. KẾT QUẢ\n\n"
    "Toàn tỉnh tổ chức 1.357 cuộc tiếp xúc, đối thoại với Nhân dân3, tăng so với năm 2023.\n\n"
    "Nơi nhận:\n- Lưu VP.\nTRƯỞNG BAN\n\n(Đã ký)\n\nThạch Thị Sô Phia\n\n"
)


def test_notes_numbered_after_a_rule_at_the_end_are_footnotes(tmp_path: Path):
    # a Word export whose note references became plain digits ("Nhân dân3")
    path = tmp_path / "r.txt"
    notes = "_______________\n1 Trong đó cấp xã 1.204 cuộc.\n2 Cấp huyện tiếp 9.476 lượt.\n"
    path.write_text(SIGNED_REPORT + notes, encoding="utf-8")
    (doc,) = load_reports([path]).files[0].documents
    footnotes = [(p.footnote, p.text) for p in doc.passages if p.kind == "footnote"]
    assert footnotes == [(1, "Trong đó cấp xã 1.204 cuộc."), (2, "Cấp huyện tiếp 9.476 lượt.")]


def test_superscript_notes_after_the_signature_and_a_rule_are_the_reports_own(tmp_path: Path):
    # blind15 601: the notes after "Nơi nhận", the signature and a rule became a document
    path = tmp_path / "r.txt"
    report = SIGNED_REPORT.replace("Nhân dân3", "Nhân dân¹")
    path.write_text(report + "-----------------\n¹ Trong đó cấp xã 1.204 cuộc.\n", encoding="utf-8")
    (doc,) = load_reports([path]).files[0].documents
    (note,) = [p for p in doc.passages if p.kind == "footnote"]
    assert (note.footnote, note.text) == (1, "Trong đó cấp xã 1.204 cuộc.")


def test_an_article_after_a_signed_report_and_a_rule_is_its_own_document(tmp_path: Path):
    path = tmp_path / "r.txt"
    article = ("==========\nBáo Ninh Thuận điện tử - Thứ Bảy, 16/11/2024\n\nSáng 15/11, ông Đàng Văn "
               "Phú, Chủ tịch UBND huyện chủ trì buổi đối thoại với Nhân dân xã Phước Hữu.\n")  # fmt: skip
    path.write_text(SIGNED_REPORT + article, encoding="utf-8")
    report, quoted = load_reports([path]).files[0].documents
    assert report.document.signatory == "Thạch Thị Sô Phia"
    assert any("Đàng Văn Phú" in p.text for p in quoted.passages)


def paragraph_and_notes(tmp_path: Path, body: str):
    """The one body paragraph of a report, and its footnotes by number."""
    path = tmp_path / "r.txt"
    path.write_text(f"BÁO CÁO\nKết quả năm 2024\n\nI. KẾT QUẢ\n\n{body}", encoding="utf-8")
    (doc,) = load_reports([path]).files[0].documents
    (paragraph,) = [p for p in doc.passages if p.kind == "body"]
    notes = [p for p in doc.passages if p.kind == "footnote"]
    assert {p.anchor_id for p in notes} == {paragraph.passage_id}
    return paragraph, {p.footnote: p.text for p in notes}


def test_note_numbers_glued_to_words_are_the_notes_references(tmp_path: Path):
    # "đối thoại1", "96,3%2": the references of the note list, cut from the text and linked;
    # "32.231m2" keeps its exponent
    paragraph, _ = paragraph_and_notes(tmp_path, (
        "Toàn tỉnh tổ chức 1.357 cuộc đối thoại1, giải quyết 9.012 đơn, đạt 96,3%2. Diện tích "
        "32.231m2 đất.\n\n_______________\n1 Trong đó cấp xã 1.204 cuộc.\n2 Cấp huyện 4.120 đơn.\n"
    ))  # fmt: skip
    assert (
        "thoại," in paragraph.text and "96,3%." in paragraph.text and "32.231m2" in paragraph.text
    )
    assert paragraph.cites == (1, 2)


def test_an_articles_dateline_gives_its_kind_and_date_and_the_headline_its_title(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(
        "Báo Ninh Thuận điện tử - Thứ Bảy, 16/11/2024\nCHỦ TỊCH UBND HUYỆN ĐỐI THOẠI VỚI NHÂN DÂN\n"
        "\nSáng 15/11, ông Đàng Văn Phú, Chủ tịch UBND huyện chủ trì buổi đối thoại với Nhân dân.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    d = doc.document
    assert (d.kind, d.date, d.title) == (
        "bài báo",
        "2024-11-16",
        "CHỦ TỊCH UBND HUYỆN ĐỐI THOẠI VỚI NHÂN DÂN",
    )
    assert [p.text[:9] for p in doc.passages] == ["Sáng 15/1"]


def test_a_notice_with_its_header_after_an_article_and_a_rule_is_its_own_document(
    tmp_path: Path,
):
    path = tmp_path / "r.txt"
    path.write_text(WEB_ARTICLE_AND_NOTICE, encoding="utf-8")
    article, notice = (doc.document for doc in load_reports([path]).files[0].documents)
    # the page's lines above the headline: a news article of the page's date
    assert (article.kind, article.date) == ("bài báo", "2024-11-14")
    assert article.title.startswith("LÂM HÀ:")
    assert article.signatory == "K'Thuần - Hoàng Yến"  # its authors, not the person quoted
    assert (notice.kind, notice.number, notice.date) == ("thông báo", "148-TB/HU", "2024-10-09")
    assert notice.issuer == "HUYỆN ỦY YÊN MINH"


@pytest.mark.parametrize(
    ("text", "name"),
    [("Minh Tâm - Hải Đăng", True), ("K'Thuần - Hoàng Yến", True), ("Đặng Thị Vân", True),
     ("K'Thuần", False), ("Bài liên quan", False), ("Hoàng Yến - xem thêm", False)],
)  # fmt: skip
def test_an_articles_authors_look_like_a_name(text, name):
    assert looks_like_name(text) is name


def test_notes_numbered_in_brackets_after_a_rule_are_footnotes(tmp_path: Path):
    paragraph, notes = paragraph_and_notes(tmp_path, (
        "Ban hành 07 văn bản chỉ đạo về công tác dân vận[1]; tổ chức 1.254 cuộc đối thoại[2]."
        "\n\n________\n[1] Gồm Kết luận số 45-KL/TU.\n[2] Trong đó cấp xã 1.080 cuộc.\n"
    ))  # fmt: skip
    assert "dân vận; tổ chức" in paragraph.text and paragraph.cites == (1, 2)
    assert notes == {1: "Gồm Kết luận số 45-KL/TU.", 2: "Trong đó cấp xã 1.080 cuộc."}


def test_notes_numbered_in_round_brackets_stay_the_signed_reports_footnotes(tmp_path: Path):
    # "(1)" glued to the words it notes; a page's notes under a rule, printed "(1)", "[2]" and
    # "³"; the last page's note after the signature and a rule: none starts a document
    path = tmp_path / "r.txt"
    path.write_text(
        "BÁO CÁO\nKết quả năm 2024\n\nI. KẾT QUẢ(1)\n\n"
        "Toàn huyện tiếp 412 lượt công dân, tiếp nhận 164 đơn, giải quyết 109 đơn.\n\n"
        "_______________________\n(1) Số liệu tính từ ngày 15/12/2023 đến ngày 30/11/2024.\n"
        "[2] Chậm nhất 07 ngày làm việc.\n³ Trong đó 02 đơn tố cáo.\n[4] Gồm 03 vụ việc.\n\n"
        "II. NHIỆM VỤ NĂM 2025\n\nPhấn đấu giải quyết trên 95% đơn thư thuộc thẩm quyền.\n\n"
        "Nơi nhận:                               TRƯỞNG BAN\n- Lưu VP.\n\n"
        "                                        Cao Thị Huyền\n_______________________\n"
        "(5) 02 kỳ tiếp công dân không tổ chức được do bão số 4.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    notes = {p.footnote: p.text for p in doc.passages if p.kind == "footnote"}
    assert notes == {
        1: "Số liệu tính từ ngày 15/12/2023 đến ngày 30/11/2024.",
        2: "Chậm nhất 07 ngày làm việc.",
        3: "Trong đó 02 đơn tố cáo.",
        4: "Gồm 03 vụ việc.",
        5: "02 kỳ tiếp công dân không tổ chức được do bão số 4.",
    }
    assert doc.document.signatory == "Cao Thị Huyền"
    assert [s.title for s in doc.sections][0] == "I. KẾT QUẢ"  # its reference cut out


def test_a_web_pages_masthead_and_update_line_frame_the_headline(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(
        "BÁO THÁI BÌNH ĐIỆN TỬ - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Thái Bình\n"
        "Trang chủ | Thời sự | Xây dựng Đảng\nChuyên mục: Xây dựng Đảng > Công tác dân vận\n\n"
        'Tiền Hải: "Dân vận khéo" trong dồn điền, đổi thửa ở Nam Thịnh\n\n'
        "Cập nhật: 08:15 Thứ Ba, 16/11/2021  |  Lượt xem: 1.284\n\n"
        "(BTB) - Bằng cách đi từng ngõ, gõ từng nhà, xã Nam Thịnh (huyện Tiền Hải) đã hoàn thành "
        "dồn điền, đổi thửa trên diện tích 412ha.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    d = doc.document
    assert (d.kind, d.date) == ("bài báo", "2021-11-16")
    assert d.title == 'Tiền Hải: "Dân vận khéo" trong dồn điền, đổi thửa ở Nam Thịnh'
    assert [p.text[:5] for p in doc.passages] == ["(BTB)"]


def test_a_report_typed_without_diacritics_ends_at_its_distribution_list(tmp_path: Path):
    # "Noi nhan:" closes the report: the article after the rule is its own document, and the
    # district the report is about is read from its text ("Huyen Bao Lam")
    path = tmp_path / "r.txt"
    path.write_text(
        "ĐẢNG BỘ TỈNH CAO BẰNG\nHUYỆN ỦY BẢO LÂM\nBAN DÂN VẬN\n\nSố 76-BC/BDVHU\n"
        "Bảo Lâm, ngày 05 tháng 12 năm 2022\n\nBÁO CÁO\nKết quả công tác dân vận năm 2022\n\n"
        "Huyen Bao Lam co 13 xa va 01 thi tran; nam 2022 to chuc 28 cuoc doi thoai.\n\n"
        "TRUONG BAN\nNoi nhan:\n- Luu.\n\nLuc Thi Minh Hang\n\n==========\n\n"
        "Báo Cao Bằng - Thứ Hai, 12/12/2022\nHà Quảng: Lan tỏa phong trào Dân vận khéo\n\n"
        "Năm 2021, toàn huyện Hà Quảng có 87 mô hình Dân vận khéo được công nhận.\n",
        encoding="utf-8",
    )
    report, article = load_reports([path]).files[0].documents
    assert (report.document.kind, article.document.kind) == ("báo cáo", "bài báo")
    places = [document_coverage(d.document, d.passages).place for d in (report, article)]
    assert places == ["huyện Bảo Lâm", "huyện Hà Quảng"]


def test_a_rule_under_each_column_of_a_header_is_a_rule(tmp_path: Path):
    header = (
        "ỦY BAN NHÂN DÂN\t\t\tCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "HUYỆN BA TRI\t\t\t\tĐộc lập - Tự do - Hạnh phúc\n-------\t\t\t\t---------------\n"
        "Số: 214/TTr-UBND\t\t\tBa Tri, ngày 25 tháng 11 năm 2024\n\nTỜ TRÌNH\n"
        "Về việc phân bổ kế hoạch vốn năm 2025"
    )
    d = parse_header(tmp_path, header).document
    assert (d.kind, d.number, d.title) == (
        "tờ trình",
        "214/TTr-UBND",
        "Tờ trình Về việc phân bổ kế hoạch vốn năm 2025",
    )


def test_a_quotes_first_digit_after_a_bracket_is_no_reference(tmp_path: Path):
    paragraph, _ = paragraph_and_notes(tmp_path, (
        'Thực hiện phong trào ("2 xin, 2 luôn") ở 4 xã1, giải quyết 12 đơn2.\n\n_______________\n'
        "1 Gồm xã A, xã B.\n2 Trong đó 10 đơn khiếu nại.\n"
    ))  # fmt: skip
    assert '("2 xin, 2 luôn") ở 4 xã, giải quyết 12 đơn.' in paragraph.text
    assert paragraph.cites == (1, 2)


@pytest.mark.parametrize(
    ("body", "level"),
    [
        ("Tại địa phương Bảo Lâm, huyện Bảo Lâm có 13 xã.", "huyện"),  # "phương" is no "phường"
        ("thị trấn Bảo Lâm, huyện Bảo Lâm, huyện Bảo Lâm", "huyện"),  # the level written most
        ("Huyen Bao Lam co 13 xa va 01 thi tran.", "huyện"),  # typed without diacritics
        ("Bảo Lâm có 13 xã.", ""),
    ],
)
def test_the_level_of_a_place_is_the_one_its_text_writes_most(body, level):
    assert _level_written("Bảo Lâm", body) == level


def test_the_signature_beside_the_distribution_list_is_read(tmp_path: Path):
    # the trailer typed as two columns; a table printed after it is no signature
    path = tmp_path / "r.txt"
    path.write_text(
        "BÁO CÁO\nKết quả công tác dân vận năm 2024\n\nI. KẾT QUẢ\n\n"
        "Toàn huyện công nhận 41 mô hình dân vận khéo, tăng 17% so với cùng kỳ năm 2023.\n\n"
        "Nơi nhận:                                                     TRƯỞNG BAN\n"
        "- Ban Dân vận Tỉnh uỷ (b/c);\n"
        "- Thường trực Huyện ủy (b/c);                                   (đã ký)\n"
        "- Lưu BDV.                                                     Điểu Thị Hạnh\n\n"
        "   Thạch Thành               557                   11,09%\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    assert (doc.document.signatory, doc.document.signatory_title) == ("Điểu Thị Hạnh", "TRƯỞNG BAN")


def test_a_breadcrumb_and_a_weekday_date_frame_an_articles_headline_and_a_notice_follows(
    tmp_path: Path,
):
    # "Chính trị > Xây dựng Đảng" and "Thứ Năm, 20/02/2025 - 08:15" are the page's, not the
    # title; after a rule, a Party notice whose type line goes on ("THÔNG BÁO KẾT LUẬN") under
    # its header block is a document of its own
    path = tmp_path / "r.txt"
    path.write_text(
        "BÁO TÂY NINH ĐIỆN TỬ\nChính trị > Xây dựng Đảng\nThứ Năm, 20/02/2025 - 08:15\n\n"
        'Dương Minh Châu: "Dân vận khéo" bắt đầu từ những việc gần dân\n\n'
        "(BTN) - Giai đoạn 2021 - 2024, huyện Dương Minh Châu có 326 mô hình được công nhận.\n\n"
        "-----------------------------------\n\n"
        " HUYỆN UỶ DƯƠNG MINH CHÂU                              ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "          *\n     Số 214-TB/HU                      Dương Minh Châu, ngày 26 tháng 02 "
        "năm 2025\n\n                              THÔNG BÁO KẾT LUẬN\n"
        "       của Ban Thường vụ Huyện ủy tại Hội nghị tổng kết\n\n"
        "Năm 2025, toàn huyện công nhận ít nhất 95 mô hình; mỗi xã có ít nhất 08 mô hình.\n",
        encoding="utf-8",
    )
    article, notice = (doc.document for doc in load_reports([path]).files[0].documents)
    assert (article.kind, article.date, article.province) == ("bài báo", "2025-02-20", "Tây Ninh")
    assert article.title.startswith("Dương Minh Châu:")
    assert (notice.kind, notice.number, notice.date) == ("thông báo", "214-TB/HU", "2025-02-26")
    assert notice.title.startswith("THÔNG BÁO KẾT LUẬN")


def test_a_district_report_sent_to_its_province_is_in_that_province(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(
        "UỶ BAN NHÂN DÂN\nHUYỆN ĐẠI LỘC\n\nSố: 486/BC-UBND\nĐại Lộc, ngày 06 tháng 12 năm 2021\n\n"
        "BÁO CÁO\nKết quả công tác tiếp công dân giai đoạn 2019 - 2021\n\n"
        "Kính gửi: Thanh tra tỉnh Quảng Nam.\n\n"
        "Huyện Đại Lộc có 18 xã, thị trấn; năm 2020 tiếp 212 lượt công dân.\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    assert doc.document.province == "Quảng Nam"
    coverage = document_coverage(doc.document, doc.passages)
    assert (coverage.province, coverage.place) == ("Quảng Nam", "huyện Đại Lộc")


def test_a_web_pages_menu_and_one_line_paragraphs_are_not_wrapped_text(tmp_path: Path):
    # a page copied from a browser: short menu lines, then paragraphs each on one long line
    # and no blank line between them; the menu is the page's, the headline titles the article,
    # and each paragraph stays one (no fixed-width wrapping joins them)
    menu = "\n".join(("TRANG CHỦ", "THỜI SỰ", "CHÍNH TRỊ", "KINH TẾ", "XÃ HỘI", "E-PAPER"))
    paragraph = (
        "Từ năm 2020 đến nay, người đứng đầu cấp ủy, chính quyền các cấp trên địa bàn huyện Hải "
        "Hà đã tổ chức 236 cuộc đối thoại với Nhân dân, trong đó cấp huyện 28 cuộc, cấp xã 208 "
        "cuộc; qua đó tiếp nhận, giải đáp 1.162 ý kiến, kiến nghị của người dân."
    )
    documents = file_documents(
        tmp_path,
        "Báo Quảng Ninh điện tử - Cơ quan của Đảng bộ tỉnh Quảng Ninh\n"
        "Thứ Ba, 26/11/2024 | Hạ Long 17°C - 23°C\n"
        f"{menu}\nTìm kiếm...\nĐăng nhập | Đăng ký\nTrang chủ › Chính trị › Xây dựng Đảng\n"
        'Hải Hà: Đối thoại thường xuyên, gỡ "nút thắt" từ cơ sở\n'
        "Cập nhật: 08:42, 26/11/2024 (GMT+7)\nFacebook   Zalo   Twitter   Email   In bài\n"
        f"{paragraph}\nCũng trong thời gian này, huyện tiếp 3.417 lượt công dân. Riêng năm 2022 "
        "tiếp 612 lượt; năm 2023 tiếp 684 lượt/598 người, trong đó có 42 đoàn đông người.\n"
        "Thời gian tới, huyện Hải Hà tiếp tục gắn đối thoại với thực hiện Luật Thực hiện dân "
        "chủ ở cơ sở, công khai kết quả giải quyết kiến nghị để người dân giám sát, đánh giá.\n",
    )
    (doc,) = documents
    assert doc.document.title == 'Hải Hà: Đối thoại thường xuyên, gỡ "nút thắt" từ cơ sở'
    assert (doc.document.kind, doc.document.date) == ("bài báo", "2024-11-26")
    assert not any("THỜI SỰ" in p.text or "Facebook" in p.text for p in doc.passages)
    assert any(p.text.startswith(f"{paragraph}\n") for p in doc.passages)  # its line ends it
    assert document_coverage(doc.document, doc.passages).place == "huyện Hải Hà"


@pytest.mark.parametrize(
    ("line", "menu"),
    [
        ("THỜI SỰ", True),
        ("E-PAPER", True),
        ("Tìm kiếm...", True),
        ("▶ Nghe bài viết 00:00 / 05:12", True),
        ("Thời sự", False),  # a menu item is in capitals
        ("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2024", False),  # more than a menu's few words
        ("KẾT QUẢ.", False),
    ],
)
def test_a_web_menu_line(line, menu):
    assert is_web_menu(line) is menu


def test_a_number_run_into_its_place_and_date_is_read_and_the_header_goes_on(tmp_path: Path):
    # a PDF's two header columns on one line: "Số 318-BC/BDVTU Bắc Giang, ngày …"; the header
    # still ends at the title, which gives the period reported on
    documents = file_documents(
        tmp_path,
        "TỈNH ỦY BẮC GIANG\nBAN DÂN VẬN\n*\nSố 318-BC/BDVTU Bắc Giang, ngày 20 tháng 6 năm 2025\n"
        "ĐẢNG CỘNG SẢN VIỆT NAM\n\nBÁO CÁO\ntổng kết công tác dân vận giai đoạn 2020 - 2025\n"
        "-----\nGiai đoạn 2020 - 2025, toàn tỉnh tổ chức 3.126 cuộc đối thoại với Nhân dân.\n",
    )
    (doc,) = documents
    d = doc.document
    assert (d.kind, d.number, d.place, d.date) == ("báo cáo", "318-BC/BDVTU", "Bắc Giang",
                                                   "2025-06-20")  # fmt: skip
    assert d.years == (2020, 2021, 2022, 2023, 2024, 2025)


def test_a_notice_whose_number_line_holds_its_date_starts_after_an_article(tmp_path: Path):
    # the page's masthead read as the article's issuer, its login bar, then after the page's
    # footer a Huyện ủy's notice: "HUYỆN ỦY … / * / Số 112-TB/HU Ma Lâm, ngày …" above the
    # national line — a document of its own, about the district that issues it (signed at its
    # seat, Ma Lâm)
    documents = file_documents(
        tmp_path,
        "BÁO BÌNH THUẬN ĐIỆN TỬ\nĐăng nhập | Đăng ký | RSS | English\n"
        "Trang chủ > Chính trị > Xây dựng Đảng\n"
        "Hàm Thuận Bắc: Bí thư Huyện ủy đối thoại với Nhân dân\nThứ Tư, 15/05/2024 - 14:20\n"
        "Cỡ chữ: A- A A+\n(BTO) - Sáng 14/5, Huyện ủy Hàm Thuận Bắc tổ chức hội nghị đối thoại "
        "với hơn 200 đại biểu.\n© Báo Bình Thuận điện tử. Ghi rõ nguồn khi phát hành lại.\n\n"
        "HUYỆN ỦY HÀM THUẬN BẮC\n*\nSố 112-TB/HU Ma Lâm, ngày 24 tháng 5 năm 2024\n"
        "ĐẢNG CỘNG SẢN VIỆT NAM\n\nTHÔNG BÁO KẾT LUẬN\ncủa đồng chí Bí thư Huyện ủy\n-----\n"
        "Dự hội nghị có 215 đại biểu, trong đó có 167 người dân của 3 xã và 1 thị trấn.\n",
    )
    article, notice = documents
    assert article.document.title == "Hàm Thuận Bắc: Bí thư Huyện ủy đối thoại với Nhân dân"
    assert article.document.date == "2024-05-15"
    n = notice.document
    assert (n.kind, n.number, n.date, n.issuer) == ("thông báo", "112-TB/HU", "2024-05-24",
                                                    "HUYỆN ỦY HÀM THUẬN BẮC")  # fmt: skip
    assert document_coverage(n, notice.passages).place == "huyện Hàm Thuận Bắc"


def test_a_plan_issued_by_a_decision_is_in_the_issuers_province(tmp_path: Path):
    # the plan writes no place line; its text names "vùng Đồng Tháp Mười" (a region, not the
    # province Đồng Tháp): it is Long An's, as the decision that issues it
    documents = file_documents(
        tmp_path,
        "ỦY BAN NHÂN DÂN\nTỈNH LONG AN\n\nSố: 1375/QĐ-UBND\nLong An, ngày 18 tháng 02 năm 2025\n\n"
        "QUYẾT ĐỊNH\nBan hành Kế hoạch dân vận chính quyền năm 2025\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch dân vận chính quyền năm 2025.\n\n"
        "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Út\n\n"
        "KẾ HOẠCH\nDân vận chính quyền năm 2025\n"
        "(Ban hành kèm theo Quyết định số 1375/QĐ-UBND ngày 18/02/2025 của Chủ tịch UBND tỉnh)\n\n"
        "Còn 15 xã chưa có mô hình, tập trung ở các huyện vùng Đồng Tháp Mười.\n",
    )
    decision, plan = (d.document for d in documents)
    assert (decision.place, plan.kind, plan.place) == ("Long An", "kế hoạch", "Long An")


def file_documents(tmp_path: Path, text: str):
    """The documents load_reports reads from one text file holding ``text``."""
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return load_reports([path]).files[0].documents
