"""Report numbering, checked on heading lines copied from the bundled reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from baocao.corpus.headings import is_unnumbered_heading, match_heading, section_title

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "corpus" / "sample"


def seed_line(stem: str, line_no: int) -> str:
    path = next(SAMPLE_DIR.glob(f"{stem}_*.txt"))
    return path.read_text(encoding="utf-8").splitlines()[line_no - 1]


@pytest.mark.parametrize(
    ("text", "label", "level", "title"),
    [
        ("Phần thứ nhất", "Phần thứ nhất", 1, "Phần thứ nhất"),
        (
            "Phần thứ nhất. BÁO CÁO TỔNG KẾT CÔNG TÁC DÂN VẬN NĂM 2019",
            "Phần thứ nhất",
            1,
            "Phần thứ nhất. BÁO CÁO TỔNG KẾT CÔNG TÁC DÂN VẬN NĂM 2019",
        ),
        ("I. KHÁI QUÁT TÌNH HÌNH ", "I", 2, "I. KHÁI QUÁT TÌNH HÌNH"),
        ("II- NHẬN XÉT CHUNG", "II", 2, "II- NHẬN XÉT CHUNG"),
        (
            "1. Công tác lãnh đạo, chỉ đạo, quán triệt thực hiện công tác dân vận trên địa bàn tỉnh",
            "1",
            3,
            "1. Công tác lãnh đạo, chỉ đạo, quán triệt thực hiện công tác dân vận trên địa bàn tỉnh",
        ),
        (
            "1.1. Đã triển khai đồng bộ nhiều giải pháp tái cơ cấu kinh tế, đổi mới mô hình tăng trưởng",
            "1.1",
            4,
            "1.1. Đã triển khai đồng bộ nhiều giải pháp tái cơ cấu kinh tế, đổi mới mô hình tăng trưởng",
        ),
        ("2.2.1. Công tác đánh giá cán bộ: ", "2.2.1", 5, "2.2.1. Công tác đánh giá cán bộ"),
        ("a) Công tác tuyên truyền, vận động", "a", 7, "a) Công tác tuyên truyền, vận động"),
    ],
    ids=[
        "part",
        "part-titled",
        "roman-dot",
        "roman-dash",
        "arabic",
        "arabic-2",
        "arabic-3",
        "letter",
    ],
)
def test_whole_line_headings(text, label, level, title):
    m = match_heading(text)
    assert m is not None
    assert (m.label, m.level, m.whole_line) == (label, level, True)
    assert section_title(m, text) == title


def test_seed_lines_are_the_headings_checked_above():
    assert seed_line("000", 21) == "I. KHÁI QUÁT TÌNH HÌNH "
    assert seed_line("001", 137) == "II- NHẬN XÉT CHUNG"
    assert seed_line("003", 302) == "2.2.1. Công tác đánh giá cán bộ: "


def test_part_with_emphasised_title():
    text = seed_line("001", 145)
    assert text == "Phần thứ hai **CHƯƠNG TRÌNH CÔNG TÁC DÂN VẬN NĂM 2020**"
    m = match_heading(text)
    assert (m.label, m.level, m.whole_line) == ("Phần thứ hai", 1, True)
    assert m.rest == "**CHƯƠNG TRÌNH CÔNG TÁC DÂN VẬN NĂM 2020**"


def test_items_sit_below_four_level_numbering():
    deepest = match_heading("1.2.3.4. Bốn cấp")
    assert (deepest.label, deepest.level) == ("1.2.3.4", 6)
    assert match_heading("a) Công tác tuyên truyền").level > deepest.level


def test_enumeration_is_a_numbered_paragraph():
    text = seed_line("004", 11)
    m = match_heading(text)
    assert (m.label, m.level, m.whole_line) == ("Một là", 7, False)
    assert m.rest.startswith("phải xác định công tác dân vận là trách nhiệm")
    assert section_title(m, text) == "Một là, phải xác định công tác dân vận là trách nhiệm…"


def test_labelled_long_paragraph_is_titled_by_its_label():
    text = seed_line("000", 102)
    assert text.startswith("1. Mục tiêu: Phấn đấu trên 76% quần chúng được tập hợp")
    m = match_heading(text)
    assert (m.label, m.level, m.whole_line) == ("1", 3, False)
    assert section_title(m, text) == "1. Mục tiêu"


@pytest.mark.parametrize(
    "text",
    [
        "12.378 căn; nhiều tuyến đường giao thông, khu dân cư, hoa màu bị ngập nước, hư hỏng...",
        "2.500 mô hình “Dân vận khéo”, trong đó tiêu biểu",
        "Năm 2019, là năm thứ tư thực hiện Nghị quyết Đại hội lần thứ XII của Đảng",
        "2019. Năm bản lề",
        "Phần lớn các xã đã hoàn thành",
        "Vì vậy, cần tăng cường",
        "",
    ],
    ids=["thousands", "thousands-2", "year-sentence", "year-dot", "phan-lon", "prose", "empty"],
)
def test_non_headings(text):
    assert match_heading(text) is None


def test_seed_continuation_lines_are_not_headings():
    assert seed_line("001", 31).startswith("12.378 căn; nhiều tuyến đường")
    assert match_heading(seed_line("001", 31)) is None
    assert match_heading(seed_line("001", 11)) is None


def test_roman_numeral_must_be_valid():
    assert match_heading("IIII. KẾT QUẢ") is None
    assert match_heading("IV. KẾT QUẢ").label == "IV"


def test_roman_lower_case_sentence_is_not_a_heading():
    long_prose = "I. " + " ".join(["việc"] * 16)
    assert match_heading(long_prose) is None


def test_arabic_heading_over_forty_words_is_a_paragraph():
    text = "2. " + " ".join(["công tác"] * 21)
    m = match_heading(text)
    assert (m.label, m.whole_line) == ("2", False)
    assert section_title(m, text) == "2. " + " ".join(["công", "tác"] * 5) + "…"


def test_upper_case_line_is_an_unnumbered_heading():
    assert is_unnumbered_heading("CÔNG TÁC DÂN VẬN", "Nội dung.", title_case=False)
    assert not is_unnumbered_heading("KẾT QUẢ ĐẠT ĐƯỢC.", None, title_case=False)
    assert not is_unnumbered_heading("- CÔNG TÁC DÂN VẬN", None, title_case=False)


def test_short_title_case_line_is_a_heading_only_in_title_case_documents():
    title = "Huy động cả hệ thống chính trị"
    after = (
        "Công tác dân vận là nhiệm vụ rất quan trọng của cả hệ thống chính trị nước ta hiện nay."
    )
    assert is_unnumbered_heading(title, after, title_case=True)
    assert not is_unnumbered_heading(title, after, title_case=False)
    assert not is_unnumbered_heading(title, "Ngắn.", title_case=True)


# --- outlines of other administrative documents (issue 16) --------------------------------


@pytest.mark.parametrize(
    ("text", "label", "kind", "title"),
    [
        ("Chương I", "Chương I", "chapter", "Chương I"),
        ("CHƯƠNG 2. TỰ ĐÁNH GIÁ", "CHƯƠNG 2", "chapter", "CHƯƠNG 2. TỰ ĐÁNH GIÁ"),
        ("Chương II QUY ĐỊNH CHUNG", "Chương II", "chapter", "Chương II QUY ĐỊNH CHUNG"),
        ("TIÊU CHUẨN 9", "TIÊU CHUẨN 9", "standard", "TIÊU CHUẨN 9"),
        ("Tiêu chuẩn 9: Hệ thống đảm bảo chất lượng", "Tiêu chuẩn 9", "standard",
         "Tiêu chuẩn 9: Hệ thống đảm bảo chất lượng"),
        ("Tiêu chí 9.1.", "Tiêu chí 9.1", "criterion", "Tiêu chí 9.1."),
        ("Tiêu chí 9.1: Cấu trúc được thiết lập", "Tiêu chí 9.1", "criterion",
         "Tiêu chí 9.1: Cấu trúc được thiết lập"),
        ("Mục 1", "Mục 1", "section", "Mục 1"),
        ("Điều 5. Phân loại đơn", "Điều 5", "article", "Điều 5. Phân loại đơn"),
        ("Phụ lục 1", "Phụ lục 1", "appendix", "Phụ lục 1"),
        ("PHỤ LỤC", "PHỤ LỤC", "appendix", "PHỤ LỤC"),
        ("Phụ lục 2: Chỉ tiêu xã hội", "Phụ lục 2", "appendix", "Phụ lục 2: Chỉ tiêu xã hội"),
        ("PHẦN THỨ HAI", "PHẦN THỨ HAI", "part", "PHẦN THỨ HAI"),
        ("A. LĨNH VỰC KINH TẾ", "A", "capital", "A. LĨNH VỰC KINH TẾ"),
        ("Mở đầu", "Mở đầu", "frame", "Mở đầu"),
        ("KẾT LUẬN", "KẾT LUẬN", "frame", "KẾT LUẬN"),
        ("Đặt vấn đề", "Đặt vấn đề", "frame", "Đặt vấn đề"),
        ("Kết luận về Tiêu chuẩn 9", "Kết luận về Tiêu chuẩn 9", "frame",
         "Kết luận về Tiêu chuẩn 9"),
        ("Mô tả:", "Mô tả", "subpart", "Mô tả"),
        ("Điểm mạnh", "Điểm mạnh", "subpart", "Điểm mạnh"),
        ("Tồn tại", "Tồn tại", "subpart", "Tồn tại"),
        ("Kế hoạch hành động", "Kế hoạch hành động", "subpart", "Kế hoạch hành động"),
        ("Tự đánh giá: Mức 4/7", "Tự đánh giá", "subpart", "Tự đánh giá: Mức 4/7"),
    ],
)  # fmt: skip
def test_outline_forms(text, label, kind, title):
    m = match_heading(text)
    assert m is not None
    assert (m.label, m.kind, m.whole_line) == (label, kind, True)
    assert section_title(m, text) == title


def test_outline_forms_nest_by_rank():
    """Chương › Mục › Điều › khoản › điểm; Phần › TIÊU CHUẨN › Tiêu chí › 1.; Phần › A. › I."""
    rank = {t: match_heading(t).rank for t in (
        "Phần I", "Phụ lục 1", "Chương I", "TIÊU CHUẨN 9", "A. KINH TẾ", "I. KẾT QUẢ", "Mục 1",
        "Tiêu chí 9.1", "Điều 5. Phạm vi", "1. Khoản", "1.1.1. Trồng trọt", "a) điểm",
    )}  # fmt: skip
    order = list(rank)
    assert rank["Phần I"] == rank["Phụ lục 1"]
    assert [rank[t] for t in order[1:]] == sorted(rank[t] for t in order[1:])
    assert len({rank[t] for t in order[1:]}) == len(order) - 1


def test_article_that_is_a_sentence_is_titled_by_its_number():
    text = (
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và thay thế Quyết định số 561."
    )
    m = match_heading(text)
    assert (m.label, m.kind, m.whole_line) == ("Điều 2", "article", False)
    assert section_title(m, text) == "Điều 2"


@pytest.mark.parametrize(
    "text",
    [
        "Chương trình công tác năm 2020",
        "Điều 5 Luật Tiếp công dân quy định rõ trách nhiệm",
        "Mục tiêu: Phấn đấu đến năm 2025",
        "Phụ lục kèm theo công văn này",
        "Tiêu chuẩn 9 được đánh giá đạt",
        "Mô tả chi tiết các hoạt động",
        "Kết luận: Nhà trường đã đạt được nhiều kết quả",
        "1. Báo cáo này bao gồm 03 phần chính:",
        "2. Hội đồng gồm 05 nhóm công tác:",
        "B. Quy chế này áp dụng cho các trường",
        "điều 5. Trách nhiệm thi hành",
        "tồn tại",
    ],
    ids=["chuong-trinh", "dieu-in-prose", "muc-tieu", "phu-luc-prose", "tieu-chuan-prose",
         "mo-ta-prose", "ket-luan-inline", "count-lead-in", "count-lead-in-2", "capital-sentence",
         "lower-case-article", "lower-case-part"],
)  # fmt: skip
def test_outline_words_in_sentences_are_not_headings(text):
    assert match_heading(text) is None


def test_a_sentence_is_never_an_unnumbered_heading():
    """The self-assessment report's 'Báo cáo này bao gồm 03 phần chính' before its list."""
    after = "Phần thứ nhất giới thiệu khái quát về Nhà trường, phần thứ hai tổng hợp kết quả."
    assert is_unnumbered_heading("Giới thiệu chung về Nhà trường", after, title_case=True)
    assert not is_unnumbered_heading("Báo cáo này bao gồm 03 phần chính", after, title_case=True)
    assert not is_unnumbered_heading("BÁO CÁO NÀY GỒM 03 PHẦN", after, title_case=False)
