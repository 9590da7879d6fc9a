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
