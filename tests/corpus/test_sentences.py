from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baocao.corpus.sentences import sentence_at, split_sentences

SAMPLE = Path(__file__).resolve().parents[2] / "corpus/sample"


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Diện tích tự nhiên là 9.690,46 km2; dân số toàn tỉnh hơn 540.000 người. "
            "Trong nhiệm kỳ qua, kinh tế của tỉnh luôn duy trì mức tăng trưởng khá.",
            [
                "Diện tích tự nhiên là 9.690,46 km2; dân số toàn tỉnh hơn 540.000 người.",
                "Trong nhiệm kỳ qua, kinh tế của tỉnh luôn duy trì mức tăng trưởng khá.",
            ],
        ),
        (
            "Giải quyết 340/436 đơn khiếu nại, tố cáo đạt 77,98%. Tăng 2.343 hộ.",
            ["Giải quyết 340/436 đơn khiếu nại, tố cáo đạt 77,98%.", "Tăng 2.343 hộ."],
        ),
        (
            "Tổ chức hội nghị tại TP. Kon Tum và Tp. Hồ Chí Minh. Đã hoàn thành.",
            ["Tổ chức hội nghị tại TP. Kon Tum và Tp. Hồ Chí Minh.", "Đã hoàn thành."],
        ),
        (
            "Các huyện Ngọc Hồi, Sa Thầy). “Chất lượng” được nâng lên.",
            ["Các huyện Ngọc Hồi, Sa Thầy).", "“Chất lượng” được nâng lên."],
        ),
        (
            "Giao các cơ quan, đơn vị tổ chức thực hiện./.\nĐặng Thị Vân",
            ["Giao các cơ quan, đơn vị tổ chức thực hiện./.", "Đặng Thị Vân"],
        ),
        (
            "Hướng dẫn của PGS. Trần Văn B và ThS. Lê Thị C, TS. Ngô D. Kết quả tốt.",
            ["Hướng dẫn của PGS. Trần Văn B và ThS. Lê Thị C, TS. Ngô D. Kết quả tốt."],
        ),
        (
            "Do ông Nguyễn V. An ký. Tại P. Quyết Thắng, Q. 1. Xong.",
            ["Do ông Nguyễn V. An ký.", "Tại P. Quyết Thắng, Q. 1.", "Xong."],
        ),
        (
            "Các loại cây, con v.v. Đều phát triển tốt.",
            ["Các loại cây, con v.v. Đều phát triển tốt."],
        ),
        (
            "hư hỏng..., thiệt hại về tài sản. Tổng cộng 184 tỷ đồng.",
            ["hư hỏng..., thiệt hại về tài sản.", "Tổng cộng 184 tỷ đồng."],
        ),
        (
            "Quốc lộ 24, 14C, 40B... Hạ tầng lưới điện được đầu tư… Đến nay tốt!",
            ["Quốc lộ 24, 14C, 40B...", "Hạ tầng lưới điện được đầu tư…", "Đến nay tốt!"],
        ),
        (
            "Có mặt tại tỉnh... trên địa bàn Kon Tum; xây dựng... hơn 10 công trình.",
            ["Có mặt tại tỉnh... trên địa bàn Kon Tum; xây dựng... hơn 10 công trình."],
        ),
        (
            "Năm 2020 đạt 9,13%/năm. 2021 tăng tiếp? (Chưa rõ.) Được.",
            ["Năm 2020 đạt 9,13%/năm.", "2021 tăng tiếp?", "(Chưa rõ.)", "Được."],
        ),
        (
            "Nhiệm vụ gồm: - Một là ổn định. - Hai là phát triển. + Ba là bảo đảm.",
            ["Nhiệm vụ gồm: - Một là ổn định.", "- Hai là phát triển.", "+ Ba là bảo đảm."],
        ),
        (
            "Người dân nói: “Rất tốt.” Sau đó về nhà.",
            ["Người dân nói: “Rất tốt.”", "Sau đó về nhà."],
        ),
    ],
)
def test_hand_checked_splits(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_no_split_before_lowercase() -> None:
    text = "Lãnh đạo thực hiện tốt. công tác dân vận tiếp tục."
    assert sentences(text) == [text]


def test_list_marker_stays_with_its_heading() -> None:
    text = "tăng 45%.\n1.1. Đã triển khai đồng bộ nhiều giải pháp. II. HẠN CHẾ"
    assert sentences(text) == [
        "tăng 45%.",
        "1.1. Đã triển khai đồng bộ nhiều giải pháp.",
        "II. HẠN CHẾ",
    ]


def test_blank_line_splits_unless_the_text_continues_in_lowercase() -> None:
    text = "Phần thứ nhất\n\nĐÁNH GIÁ 5 NĂM\n\nnhiệm kỳ 2015-2020"
    assert sentences(text) == ["Phần thứ nhất", "ĐÁNH GIÁ 5 NĂM\n\nnhiệm kỳ 2015-2020"]


def test_list_lines_split_even_without_final_punctuation() -> None:
    text = "Nơi nhận:\n- Ban Dân vận Trung ương,\n- Thường trực Tỉnh ủy,\n- Lưu VP."
    assert sentences(text) == [
        "Nơi nhận:",
        "- Ban Dân vận Trung ương,",
        "- Thường trực Tỉnh ủy,",
        "- Lưu VP.",
    ]


def test_stray_punctuation_joins_previous_sentence() -> None:
    text = 'chiếm 0,93%. ").\nThực hiện lấy phiếu.'
    assert sentences(text) == ['chiếm 0,93%. ").', "Thực hiện lấy phiếu."]


def test_spans_exclude_surrounding_whitespace() -> None:
    text = "  \n Một câu.   Hai câu. \n"
    assert split_sentences(text) == [(4, 12), (15, 23)]
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_sentence_at() -> None:
    text = "Câu một.  Câu hai.\nCâu ba."
    spans = split_sentences(text)
    assert sentence_at(text, 0) == spans[0]
    assert sentence_at(text, text.index("hai")) == spans[1]
    assert sentence_at(text, text.index("  ") + 1) == spans[0]  # whitespace: nearest before
    assert sentence_at(text, len(text)) == spans[-1]
    assert sentence_at("   ", 2) == (2, 2)


def _check_cover(text: str, spans: list[tuple[int, int]]) -> None:
    prev_end = 0
    for start, end in spans:
        assert prev_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        prev_end = end
    covered = [False] * len(text)
    for start, end in spans:
        for i in range(start, end):
            covered[i] = True
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())


def test_seed_files_cover_every_character() -> None:
    for path in sorted(SAMPLE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = split_sentences(text)
        assert len(spans) > 10
        _check_cover(text, spans)


def test_seed_sentence_count_is_plausible() -> None:
    text = (SAMPLE / "003_29c47c2db6e3739b.txt").read_text(encoding="utf-8")
    got = sentences(text)
    assert "Nông nghiệp ngày càng phát triển theo chiều sâu." in got
    assert "Diện tích cây ăn quả lên khoảng 10.000 ha." in got


_ALPHABET = list("aăbĐđeÔôUủy09 \n\t.!?…/,;:()[]“”\"'-+–»") + ["./.", "...", "TP.", "V.", "v.v."]
text_strategy = st.lists(st.sampled_from(_ALPHABET), max_size=80).map("".join)


@given(text_strategy)
def test_spans_ordered_disjoint_and_covering(text: str) -> None:
    _check_cover(text, split_sentences(text))
