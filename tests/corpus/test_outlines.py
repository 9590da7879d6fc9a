"""Outlines other than the five bundled reports' (issue 16): a university self-assessment
report (TIÊU CHUẨN / Tiêu chí / Mô tả … Tự đánh giá, an appendix of "label: value" lines), a
decision with its regulation (Chương / Mục / Điều / khoản / điểm) and a provincial report
(Phần / A. / I. / 1.1.1. / Mục, Đặt vấn đề, Kết luận, Phụ lục after the signature). The
fixtures in ``outlines/`` were written for these tests; every passage's section is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from accounting import passage_problems, uncovered_or_doubled
from office_reports import passage_key, report_as_docx

from baocao.corpus.lines import split_lines
from baocao.corpus.loader import load_reports
from baocao.corpus.text_report import _is_hard_wrapped

OUTLINES = Path(__file__).parent / "outlines"
FIXTURES = sorted(p.name for p in OUTLINES.glob("*.txt"))


def parse(name: str):
    result = load_reports([OUTLINES / name])
    assert not result.errors, result.errors
    return result.files[0]


def body(doc) -> list[tuple[tuple[str, ...], str]]:
    """(section path, text) of every body passage, in order."""
    return [(p.section_path, p.text) for p in doc.passages if p.kind == "body"]


def assert_passages(doc, expected: list[tuple[tuple[str, ...], str]]) -> None:
    """Each body passage in its section, starting with the words given."""
    found = body(doc)
    assert [path for path, _ in found] == [path for path, _ in expected]
    for (_, text), (path, start) in zip(found, expected, strict=True):
        assert text.startswith(start), (path, text[:60])


def meta(doc) -> tuple:
    d = doc.document
    return (d.kind, d.title, d.number, d.date, d.issuer, d.signatory)


@pytest.mark.parametrize("name", FIXTURES)
def test_nothing_is_lost(name):
    parsed = parse(name)
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []


@pytest.mark.parametrize("name", FIXTURES)
def test_the_same_report_as_a_word_file_reads_the_same(tmp_path, name):
    """Each fixture's parsed paragraphs written as Word paragraphs: the .docx reader finds the
    same documents, sections and passages."""
    text = parse(name)
    word = load_reports([report_as_docx(text.text, tmp_path / f"{Path(name).stem}.docx")])
    (got,) = word.files
    assert [passage_key(p) for p in got.passages] == [passage_key(p) for p in text.passages]
    fields = ("title", "kind", "number", "place", "date", "issuer", "signatory", "years")
    for have, want in zip(got.documents, text.documents, strict=True):
        assert [getattr(have.document, f) for f in fields] == [
            getattr(want.document, f) for f in fields
        ]
        assert [s.path for s in have.sections] == [s.path for s in want.sections]
    assert uncovered_or_doubled(got) == [] and passage_problems(got) == []


# --- the self-assessment report ------------------------------------------------------------

PART_III = "PHẦN III. TỰ ĐÁNH GIÁ THEO CÁC TIÊU CHUẨN, TIÊU CHÍ"
STANDARD_9 = "TIÊU CHUẨN 9: HỆ THỐNG ĐẢM BẢO CHẤT LƯỢNG BÊN TRONG"
C_9_1 = (
    "Tiêu chí 9.1. Cấu trúc, vai trò, trách nhiệm và trách nhiệm giải trình của hệ thống đảm "
    "bảo chất lượng bên trong được thiết lập để đáp ứng các mục tiêu chiến lược"
)
C_9_2 = "Tiêu chí 9.2: Nhà trường thiết lập kế hoạch chiến lược về đảm bảo chất lượng"
STANDARD_10 = "TIÊU CHUẨN 10. TỰ ĐÁNH GIÁ VÀ ĐÁNH GIÁ NGOÀI"
C_10_1 = "Tiêu chí 10.1: Nhà trường thiết lập kế hoạch tự đánh giá và chuẩn bị cho đánh giá ngoài"
APPENDIX = "PHỤ LỤC. CƠ SỞ DỮ LIỆU KIỂM ĐỊNH CHẤT LƯỢNG CƠ SỞ GIÁO DỤC"


def test_self_assessment_sections():
    (doc,) = parse("tu_danh_gia_phan_3.txt").documents
    s9, s10 = (PART_III, STANDARD_9), (PART_III, STANDARD_10)
    assert_passages(doc, [
        (("PHẦN I. KHÁI QUÁT",), "1. Báo cáo này bao gồm 03 phần"),
        (("PHẦN I. KHÁI QUÁT", "2. Hội đồng tự đánh giá được thành lập theo Quyết…"),
         "2. Hội đồng tự đánh giá được th"),
        ((*s9, "Mở đầu"), "Nhà trường xác định đảm bảo ch"),
        ((*s9, C_9_1, "1. Mô tả"), "Năm 2016, Nhà trường thành lập"),
        ((*s9, C_9_1, "2. Điểm mạnh"), "Hệ thống đảm bảo chất lượng bê"),
        ((*s9, C_9_1, "3. Tồn tại"), "Đội ngũ cán bộ làm công tác đả"),
        ((*s9, C_9_1, "4. Kế hoạch hành động"), "Từ năm học 2021 - 2022, Phòng "),
        ((*s9, C_9_1, "5. Tự đánh giá: Mức 4/7"), "5. Tự đánh giá: Mức 4/7"),
        ((*s9, C_9_2, "Mô tả"), "Kế hoạch chiến lược về đảm bảo"),
        ((*s9, C_9_2, "Điểm mạnh"), "Kế hoạch chiến lược có lộ trìn"),
        ((*s9, C_9_2, "Tồn tại"), "Một số chỉ tiêu về lấy ý kiến "),
        ((*s9, C_9_2, "Kế hoạch hành động"), "Năm 2022, Nhà trường điều chỉn"),
        ((*s9, C_9_2, "Tự đánh giá"), "Mức 4/7."),
        ((*s9, "Kết luận về Tiêu chuẩn 9"), "Nhà trường đã xây dựng được hệ"),
        ((*s10, C_10_1, "1. Mô tả"), "Hội đồng tự đánh giá đã xây dựn"),
        ((*s10, C_10_1, "2. Tự đánh giá: Mức 4/7"), "2. Tự đánh giá: Mức 4/7"),
        ((APPENDIX, "1. Thông tin chung về cơ sở giáo dục"), "Tên cơ sở giáo dục: Trường Đại"),
        ((APPENDIX, "2. Người học"), "Số sinh viên nhập học năm 2019:"),
        ((APPENDIX, "3. Cơ sở vật chất"), "Tổng diện tích đất: 32.231m2\nS"),
    ])  # fmt: skip
    levels = {s.title: s.level for s in doc.sections}
    assert [levels[t] for t in (PART_III, STANDARD_9, C_9_1, "1. Mô tả", APPENDIX)] == [
        1,
        2,
        3,
        3,
        1,
    ]
    assert levels["Mô tả"] == 4  # a part of its criterion


def test_self_assessment_metadata():
    (doc,) = parse("tu_danh_gia_phan_3.txt").documents
    assert meta(doc) == (
        "báo cáo",
        "BÁO CÁO TỰ ĐÁNH GIÁ CƠ SỞ GIÁO DỤC ĐẠI HỌC Giai đoạn đánh giá 2016 - 2020",
        None,
        "2021-06-15",
        "TRƯỜNG ĐẠI HỌC KỸ THUẬT VÀ CÔNG NGHỆ MIỀN TRUNG",  # not its ministry, the line above
        None,
    )


def test_a_sentence_is_not_a_heading():
    """'Báo cáo này bao gồm 03 phần chính', numbered or not, leads into a list: body text."""
    for name in ("tu_danh_gia_phan_3.txt", "tu_danh_gia_tieu_chuan_1.txt"):
        (doc,) = parse(name).documents
        assert not [s.title for s in doc.sections if "Báo cáo này" in s.title]
        (passage,) = [p for p in doc.passages if "Báo cáo này bao gồm 03 phần chính" in p.text]
        assert passage.kind == "body"
        assert not any("Báo cáo này" in title for title in passage.section_path)
    (doc,) = parse("tu_danh_gia_phan_3.txt").documents
    intro = next(p for p in doc.passages if "Báo cáo này" in p.text)
    assert intro.text.split("\n")[:2] == [
        "1. Báo cáo này bao gồm 03 phần chính:",
        "- Phần I: Khái quát về cơ sở giáo dục và quá trình tự đánh giá;",
    ]


def test_chapter_file_without_header():
    """A chapter saved on its own: its headings are sections, never the issuer."""
    (doc,) = parse("tu_danh_gia_tieu_chuan_1.txt").documents
    chapter = ("CHƯƠNG 2. TỰ ĐÁNH GIÁ THEO CÁC TIÊU CHUẨN",)
    s1 = (*chapter, "TIÊU CHUẨN 1. TẦM NHÌN, SỨ MẠNG VÀ VĂN HÓA")
    c11 = (*s1, "Tiêu chí 1.1: Tầm nhìn, sứ mạng của cơ sở giáo dục được xác định rõ ràng")
    c12 = (*s1, "Tiêu chí 1.2. Lãnh đạo cơ sở giáo dục thể hiện sự quyết tâm và cam kết")
    assert_passages(
        doc,
        [
            (chapter, "Báo cáo này bao gồm 03 phần ch"),
            (s1, "Nhà trường ban hành tuyên bố t"),
            ((*c11, "Mô tả"), "Tầm nhìn và sứ mạng được Hội đ"),
            ((*c11, "Điểm mạnh"), "Tầm nhìn, sứ mạng được phổ biế"),
            ((*c11, "Tự đánh giá: Mức 5/7"), "Tự đánh giá: Mức 5/7"),
            ((*c12, "Mô tả"), "Đảng ủy, Hội đồng trường và Ba"),
            ((*c12, "Tự đánh giá: Mức 4/7"), "Tự đánh giá: Mức 4/7"),
        ],
    )
    assert meta(doc) == ("", chapter[0], None, None, None, None)


APPENDIX_LINES = [
    "Tổng diện tích đất: 32.231m2", "Tổng diện tích sàn xây dựng: 41.870m2", "Số phòng học: 131",
    "Số phòng thí nghiệm, thực hành: 46", "Số chỗ ngồi trong thư viện: 620",
    "Số đầu sách trong thư viện: 23.540", "Số máy tính phục vụ học tập: 1.105",
    "Số sinh viên nhập học năm 2018: 1.096", "Số sinh viên nhập học năm 2019: 1.187",
    "Số sinh viên nhập học năm 2020: 1.250", "Tổng số sinh viên chính quy đang học: 5.412",
    "Số sinh viên tốt nghiệp năm 2020: 1.034", "Tỷ lệ sinh viên có việc làm sau 12 tháng: 91,6%",
    "Số giảng viên cơ hữu: 312", "Trong đó, tiến sĩ: 87", "Thạc sĩ: 201", "Đại học: 24",
]  # fmt: skip


def test_label_value_lines_stay_lines_in_wrapped_text():
    """A hard-wrapped export re-joins its prose lines, but not the lines of a data sheet."""
    (doc,) = parse("tu_danh_gia_wrapped.txt").documents
    sheet = [p for p in doc.passages if p.section_path[-1].startswith("PHỤ LỤC 2.")]
    lines = [line for p in sheet for line in p.text.split("\n")]
    assert lines == APPENDIX_LINES
    assert len(sheet) == 2 and all(p.line_end - p.line_start + 1 == p.text.count("\n") + 1
                                   for p in sheet)  # fmt: skip
    prose = next(p for p in doc.passages if p.text.startswith("Hằng năm, Phòng Đào tạo"))
    first = prose.text.split("\n")[0]  # five printed lines, one paragraph again
    assert first.endswith("cao hơn mục tiêu đề ra trong kế hoạch chiến lược.")


def test_one_line_paragraphs_between_short_lines_are_not_wrapped_text():
    """Short lines (a list of names, a menu) give a text of one-line paragraphs a wrapped
    text's median length; its long lines say it was never wrapped (its paragraphs end at their
    lines). The wrapped export's lines are never that long."""
    short = [f"- Ông Nguyễn Văn {name}, Trưởng thôn {n}, xã Quảng Minh, huyện Hải Hà"
             for n, name in enumerate(("An", "Bình", "Cường", "Dũng", "Hùng", "Khánh"), 1)]  # fmt: skip
    long = (
        "Năm 2023, Ủy ban nhân dân xã tổ chức 9 cuộc đối thoại với Nhân dân, tiếp nhận 64 ý "
        "kiến, kiến nghị; đến nay đã giải quyết dứt điểm 58 ý kiến, 6 ý kiến đang được xem xét "
        "giải quyết theo thẩm quyền và sẽ trả lời bằng văn bản trước ngày 30/9/2023."
    )
    assert not _is_hard_wrapped(split_lines("\n".join([*short, long, long, *short])))
    assert _is_hard_wrapped(split_lines("\n".join([*short, *short])))  # short lines only
    wrapped = (OUTLINES / "tu_danh_gia_wrapped.txt").read_text(encoding="utf-8")
    assert _is_hard_wrapped(split_lines(wrapped))


def test_wrapped_headings_and_parts():
    (doc,) = parse("tu_danh_gia_wrapped.txt").documents
    standard = "TIÊU CHUẨN 11: KẾT QUẢ ĐÀO TẠO VÀ CƠ SỞ VẬT CHẤT"
    c1 = (
        "Tiêu chí 11.1: Tỷ lệ người học tốt nghiệp và thời gian tốt nghiệp trung bình được xác "
        "lập, giám sát và đối sánh để cải tiến chất lượng"
    )  # printed over two lines
    c2 = (
        "Tiêu chí 11.2: Tỷ lệ thôi học, tỷ lệ người học có việc làm sau khi tốt nghiệp được xác "
        "lập, giám sát và đối sánh"
    )
    assert [path for path, _ in body(doc)] == [
        (standard, c1, "Mô tả"), (standard, c1, "Điểm mạnh"), (standard, c1, "Tồn tại"),
        (standard, c1, "Kế hoạch hành động"), (standard, c1, "Tự đánh giá: Mức 4/7"),
        (standard, c2, "Mô tả"), (standard, c2, "Mô tả"), (standard, c2, "Tự đánh giá: Mức 5/7"),
        ("PHỤ LỤC 2. SỐ LIỆU CƠ SỞ VẬT CHẤT VÀ NGƯỜI HỌC",),
        ("PHỤ LỤC 2. SỐ LIỆU CƠ SỞ VẬT CHẤT VÀ NGƯỜI HỌC",),
    ]  # fmt: skip
    assert doc.document.issuer == "TRƯỜNG ĐẠI HỌC KỸ THUẬT VÀ CÔNG NGHỆ MIỀN TRUNG"
    assert doc.document.title == standard


def test_appendix_lines_in_unwrapped_text():
    (doc,) = parse("tu_danh_gia_phan_3.txt").documents
    people = next(p for p in doc.passages if p.section_path[-1] == "2. Người học")
    assert people.text.split("\n") == [
        "Số sinh viên nhập học năm 2019: 1.187",
        "Số sinh viên nhập học năm 2020: 1.250",
        "Tổng số sinh viên chính quy đang học: 5.412",
        "Tỷ lệ sinh viên tốt nghiệp có việc làm sau 12 tháng: 91,6%",
    ]


# --- the decision and its regulation -------------------------------------------------------


def test_decision_and_regulation_are_two_documents():
    decision, regulation = parse("quyet_dinh_quy_che.txt").documents
    assert meta(decision) == (
        "quyết định",
        "Quyết định Ban hành Quy chế tiếp công dân, xử lý đơn kiến nghị, phản ánh trên địa bàn "
        "tỉnh",
        "1245/QĐ-UBND",
        "2022-09-08",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "Đặng Văn Minh",
    )
    assert decision.document.signatory_title == "CHỦ TỊCH"
    assert_passages(
        decision,
        [
            ((), "Căn cứ Luật Tổ chức chính quyề"),
            (("Điều 1",), "Điều 1. Ban hành kèm theo Quyế"),
            (("Điều 2",), "Điều 2. Quyết định này có hiệu"),
            (("Điều 3",), "Điều 3. Chánh Văn phòng Ủy ban"),
        ],
    )
    text = " ".join(p.text for p in decision.passages)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN" not in text and "Nơi nhận" not in text
    assert regulation.document.kind == "quy chế"
    # "(Ban hành kèm theo Quyết định số 1245/QĐ-UBND …)": header, and the decision's issuer
    assert regulation.document.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert not [p for p in regulation.passages if "kèm theo" in p.text]
    assert regulation.document.title == (
        "Quy chế Tiếp công dân, xử lý đơn kiến nghị, phản ánh trên địa bàn tỉnh Quảng Ngãi"
    )


def test_regulation_chapters_sections_articles():
    _, regulation = parse("quyet_dinh_quy_che.txt").documents
    ch1, ch2, ch3 = (
        "Chương I. QUY ĐỊNH CHUNG",
        "Chương II. TIẾP CÔNG DÂN",
        ("Chương III. ĐIỀU KHOẢN THI HÀNH"),
    )
    m1, m2 = "Mục 1. TỔ CHỨC TIẾP CÔNG DÂN", "Mục 2. XỬ LÝ ĐƠN KIẾN NGHỊ, PHẢN ÁNH"
    a2, a3, a4 = (
        "Điều 2. Đối tượng áp dụng",
        "Điều 3. Địa điểm tiếp công dân",
        ("Điều 4. Lịch tiếp công dân"),
    )
    k2 = "2. Thủ trưởng các sở, ban, ngành tiếp công dân định kỳ theo quy định sau đây"
    assert [path for path, _ in body(regulation)] == [
        (ch1, "Điều 1. Phạm vi điều chỉnh"),
        (ch1, a2, "1. Các sở, ban, ngành thuộc Ủy ban nhân dân tỉnh."),
        (ch1, a2, "2. Ủy ban nhân dân các huyện, thị xã, thành phố và Ủy ban nhân dân các xã, "
                  "phường, thị trấn."),
        (ch1, a2, "3. Cơ quan, tổ chức, cá nhân có liên quan."),
        (ch2, m1, a3, "1. Trụ sở tiếp công dân tỉnh đặt tại số 52 đường Hùng Vương, thành phố "
                      "Quảng Ngãi."),
        (ch2, m1, a3, "2. Ban tiếp công dân cấp huyện đặt tại trụ sở Ủy ban nhân dân cấp huyện."),
        (ch2, m1, a4, "1. Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ ít nhất 01 ngày "
                      "trong một tháng."),
        (ch2, m1, a4, k2, "a) Ít nhất 01 ngày trong một tháng tại trụ sở cơ quan;"),
        (ch2, m1, a4, k2, "b) Đột xuất khi có vụ việc phức tạp, đông người."),
        (ch2, m2, "Điều 5. Phân loại đơn"),
        (ch3, "Điều 6. Trách nhiệm thi hành"),
    ]  # fmt: skip


# --- the provincial report -----------------------------------------------------------------


def test_report_parts_letters_deep_numbering_and_appendices():
    (doc,) = parse("bao_cao_phan_muc.txt").documents
    p1 = "PHẦN THỨ NHẤT. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH NĂM 2021"
    p2 = "PHẦN THỨ HAI. KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM 2022"
    a = (p1, "A. LĨNH VỰC KINH TẾ", "I. TĂNG TRƯỞNG KINH TẾ")
    gdp = (*a, "1. Tổng sản phẩm trên địa bàn")
    farm = (*gdp, "1.1. Khu vực nông, lâm nghiệp và thủy sản")
    b = (p1, "B. LĨNH VỰC VĂN HÓA - XÃ HỘI")
    assert_passages(doc, [
        (("Đặt vấn đề",), "Năm 2021 là năm đầu thực hiện "),
        ((*farm, "1.1.1. Trồng trọt"), "Tổng diện tích gieo trồng cây "),
        ((*farm, "1.1.2. Chăn nuôi"), "Tổng đàn bò 295.600 con, tăng "),
        ((*gdp, "1.2. Khu vực công nghiệp và xây dựng"), "Giá trị sản xuất công nghiệp ư"),
        ((*a, "2. Thu, chi ngân sách nhà nước"), "Tổng thu ngân sách trên địa bà"),
        ((*b, "Mục 1. Giáo dục và đào tạo"), "Tỷ lệ học sinh tốt nghiệp trun"),
        ((*b, "Mục 2. Y tế"), "Toàn tỉnh đã tiêm 1.820.000 li"),
        ((p2, "I. MỤC TIÊU TỔNG QUÁT"), "Tập trung phục hồi sản xuất, k"),
        ((p2, "II. CÁC CHỈ TIÊU CHỦ YẾU"), "Tốc độ tăng trưởng tổng sản ph"),
        (("Kết luận",), "Năm 2022, Sở Kế hoạch và Đầu t"),
        (("Phụ lục 1. MỘT SỐ CHỈ TIÊU KINH TẾ CHỦ YẾU NĂM 2021",), "Tốc độ tăng trưởng GRDP: 4,71%"),
        (("Phụ lục 2: Chỉ tiêu xã hội chủ yếu năm 2021",), "Tỷ lệ hộ nghèo: 2,12%\nSố lao "),
    ])  # fmt: skip


def test_report_metadata_and_signature_before_the_appendix():
    (doc,) = parse("bao_cao_phan_muc.txt").documents
    assert meta(doc) == (
        "báo cáo",
        "Báo cáo Tình hình thực hiện kế hoạch phát triển kinh tế - xã hội năm 2021 và kế hoạch "
        "năm 2022",
        "215/BC-SKHĐT",
        "2021-12-20",
        "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",  # under its superior, ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH
        "Trần Thị Lan",
    )
    assert doc.document.signatory_title == "GIÁM ĐỐC"
    text = "\n".join(p.text for p in doc.passages)
    assert "Trần Thị Lan" not in text and "Nơi nhận" not in text
    assert "Kim ngạch xuất khẩu: 1.150 triệu USD" in text.split("\n")


def test_indented_data_lines_in_a_word_export_are_not_lost_marker_breaks(tmp_path):
    """In a Word export with lost footnote markers, an indented 'label: value' row after
    another is a line of its own, not a line broken where a footnote reference stood."""
    path = tmp_path / "tuyen_sinh.txt"
    path.write_text(
        "BÁO CÁO\nkết quả tuyển sinh năm 2020\n\nI. KẾT QUẢ\n"
        "Năm 2020, Nhà trường tuyển được 1.250 sinh viên\n , vượt 4% chỉ tiêu được giao.\n"
        "Số liệu cụ thể:\n\tSố sinh viên nhập học năm 2019: 1.187\n"
        "\tSố sinh viên nhập học năm 2020: 1.250\n\tSố phòng học: 131\n"
        "\tTổng diện tích đất: 32.231m2\nII. PHƯƠNG HƯỚNG\nTiếp tục đổi mới công tác tuyển sinh.\n"
        "\n\ufffd Trong đó có 312 sinh viên hệ chất lượng cao.\n",
        encoding="utf-8",
    )
    parsed = load_reports([path]).files[0]
    first = parsed.passages[0]
    assert first.text.split("\n") == [
        "Năm 2020, Nhà trường tuyển được 1.250 sinh viên, vượt 4% chỉ tiêu được giao.",
        "Số liệu cụ thể:",
        "Số sinh viên nhập học năm 2019: 1.187",
        "Số sinh viên nhập học năm 2020: 1.250",
        "Số phòng học: 131",
        "Tổng diện tích đất: 32.231m2",
    ]
    (note,) = [p for p in parsed.passages if p.kind == "footnote"]
    assert note.anchor_id == first.passage_id  # one lost marker, one footnote: linked
    assert first.text[: dict(first.markers)[1]].endswith("tuyển được 1.250 sinh viên")
    assert uncovered_or_doubled(parsed) == [] and passage_problems(parsed) == []


def test_a_bare_label_is_titled_by_the_line_after_it(tmp_path):
    """'Chương I' / 'Quy định chung', 'Tiêu chí 2.1.' / its criterion: one section title; a
    'label: value' line after 'PHỤ LỤC' is content, not its title."""
    path = tmp_path / "quy_che.txt"
    path.write_text(
        "QUY CHẾ\nLàm việc của Hội đồng trường\n\nChương I\nQuy định chung\n"
        "Điều 1. Phạm vi điều chỉnh\n"
        "Quy chế này quy định nguyên tắc, chế độ làm việc của Hội đồng trường.\n"
        "Chương II\nNhiệm vụ, quyền hạn\nMục 1\nCủa Hội đồng trường\nĐiều 2. Nhiệm vụ\n"
        "Hội đồng trường quyết định chiến lược, kế hoạch phát triển của Nhà trường.\n"
        "TIÊU CHUẨN 2\nQuản trị tổ chức\nTiêu chí 2.1.\n"
        "Hệ thống quản trị được thành lập theo quy định của pháp luật\nMô tả\n"
        "Hội đồng trường được công nhận theo Quyết định số 123/QĐ-BGDĐT.\n"
        "PHỤ LỤC\nThời gian: 8 giờ 00\nĐịa điểm: Phòng họp số 1\n",
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    criterion = "Tiêu chí 2.1. Hệ thống quản trị được thành lập theo quy định của pháp luật"
    assert_passages(
        doc,
        [
            (("Chương I. Quy định chung", "Điều 1. Phạm vi điều chỉnh"), "Quy chế này quy"),
            (("Chương II. Nhiệm vụ, quyền hạn", "Mục 1. Của Hội đồng trường", "Điều 2. Nhiệm vụ"),
             "Hội đồng trường quyết định"),
            (("Chương II. Nhiệm vụ, quyền hạn", "TIÊU CHUẨN 2. Quản trị tổ chức", criterion,
              "Mô tả"), "Hội đồng trường được"),
            (("PHỤ LỤC",), "Thời gian: 8 giờ 00\nĐịa điểm: Phòng họp số 1"),
        ],
    )  # fmt: skip


def test_a_header_block_starts_the_next_document_of_a_file():
    # a decision, its regulation and a plan, each under its own "ỦY BAN NHÂN DÂN / CỘNG HÒA …"
    # block, no signature between: three documents, the plan with its own number and date
    documents = parse("quyet_dinh_quy_che_ke_hoach.txt").documents
    assert [d.document.kind for d in documents] == ["quyết định", "quy chế", "kế hoạch"]
    plan = documents[2].document
    assert (plan.number, plan.date) == ("58/KH-UBND", "2024-03-12")
    assert all("ỦY BAN NHÂN DÂN" not in p.text for d in documents for p in d.passages)


def test_a_table_typed_with_tabs_or_pipes_gives_each_value_its_column_name(tmp_path):
    """A plain-text table (tabs, or pipes with a rule and a header over two lines): each data
    row becomes one line with every value after its column's name, as a Word table's row
    does; the row number column is dropped and no row is read as a heading."""
    path = tmp_path / "tiep_dan.txt"
    path.write_text(
        "BÁO CÁO\nkết quả tiếp công dân năm 2024\n\nI. KẾT QUẢ\n"
        "Bảng 1. Tiếp công dân ở cấp xã năm 2024\n"
        "STT\tĐơn vị\tSố buổi tiếp\tSố lượt công dân\n"
        "1\tPa Ham\t24\t62\n2\tHuổi Lèng\t24\t31\n"
        "II. CHỈ TIÊU\n"
        "STT | Đơn vị       | Kết quả    | Chỉ tiêu\n"
        "    |              | năm 2024   | năm 2025\n"
        "----+--------------+------------+---------\n"
        " 1  | TX. Mường Lay |    121     |   125\n"
        "    | Cấp tỉnh      |     46     |    50\n",
        encoding="utf-8",
    )
    parsed = load_reports([path]).files[0]
    lines = [line for p in parsed.passages for line in p.text.split("\n")]
    assert "Đơn vị: Huổi Lèng; Số buổi tiếp: 24; Số lượt công dân: 31." in lines
    assert "Đơn vị: TX. Mường Lay; Kết quả năm 2024: 121; Chỉ tiêu năm 2025: 125." in lines
    assert "Đơn vị: Cấp tỉnh; Kết quả năm 2024: 46; Chỉ tiêu năm 2025: 50." in lines
    assert [p.section_path for p in parsed.passages if "Huổi Lèng" in p.text] == [("I. KẾT QUẢ",)]
    assert not any("STT" in line for line in lines)


def test_a_table_over_year_columns_gives_each_value_its_row_and_year(tmp_path):
    """ "Năm học | 2019-2020 | 2020-2021": years name the columns (the header is no data row),
    and each value follows its row's label and its year, so a row found alone says what and
    when each number is ("Số lớp năm học 2021-2022: 13")."""
    path = tmp_path / "tu_danh_gia.txt"
    path.write_text(
        "BÁO CÁO\nTự đánh giá\n\n1. Số lớp học và số học sinh\n"
        "Năm học\t2019-2020\t2020-2021\t2021-2022\n"
        "Số lớp\t14\t14\t13\nSố học sinh\t362\t355\t341\n"
        "Tỷ lệ hoàn thành chương trình (%)\t98,6\t99,2\t99,1\n",
        encoding="utf-8",
    )
    parsed = load_reports([path]).files[0]
    lines = [line for p in parsed.passages for line in p.text.split("\n")]
    assert (
        "Số lớp năm học 2019-2020: 14; Số lớp năm học 2020-2021: 14; Số lớp năm học 2021-2022: 13."
        in lines
    )
    assert "Số học sinh năm học 2021-2022: 341." in " ".join(lines)
