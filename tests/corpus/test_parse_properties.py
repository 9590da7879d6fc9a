"""Property: on any report-like text the parser never crashes and never loses a character."""

from __future__ import annotations

import hashlib
import unicodedata

from accounting import passage_problems, uncovered_or_doubled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baocao.corpus.errors import ReportError
from baocao.corpus.readers.decode import Decoded, decode_report_bytes
from baocao.corpus.readers.text import parse_text

WORDS = [
    "công", "tác", "dân", "vận", "Tỉnh", "ủy", "uỷ", "hoá", "hóa", "ở", "y", "tế", "đối", "thoại",
    "Kon", "Tum", "2.343", "9.690,46", "77,98%", "16-BC/TU", "(làng)", "“Dân", "vận", "khéo”",
    unicodedata.normalize("NFD", "Kết quả"), "Tòa\u0300", "x\xa0y", "a\x07b", "**đậm**", "km²",
    "\x00", "\x1b[0m", "zero\u200bwidth", "\ufeffBOM", "line\u2028sep", "\x0c", "\u0301",
    "Hoà", "hòa", "Thuỷ", "thủy", "\ufffd",
]  # fmt: skip
SUPERSCRIPTS = ["⁽¹⁾", "²", "⁽³⁾", "⁴", "⁽¹²⁾"]

word = st.sampled_from(WORDS)
sentence = st.builds(
    lambda ws, end, marker: " ".join(ws) + marker + end,
    st.lists(word, min_size=1, max_size=14),
    st.sampled_from([".", ";", ",", "", ":", "./.", "…"]),
    st.sampled_from(["", "", "", *SUPERSCRIPTS]),
)
line = st.one_of(
    sentence,
    st.builds(lambda s: " ".join([s] * 30), sentence),  # a very long line
    st.builds(lambda s: " " + s, sentence),  # a lost marker's continuation
    st.builds(lambda p, s: p + s, st.sampled_from([". ", ", ", "; ", "đến "]), sentence),
    st.builds(lambda n, s: f"{n} {s}", st.sampled_from(["¹", "²", "³", "⁴", "¹²"]), sentence),
    st.builds(lambda s: f"\ufffd {s}", sentence),
    st.sampled_from(
        [
            "I. KẾT QUẢ ĐẠT ĐƯỢC",
            "II- NHIỆM VỤ",
            "1. Công tác lãnh đạo",
            "1.1. Đối thoại",
            "a) mục",
            "Phần thứ nhất",
            "Phần thứ hai **CHƯƠNG TRÌNH**",
            "CHUYÊN ĐỀ",
            "BÁO CÁO",
            "-----",
            "____",
            "Nơi nhận:",
            "- Lưu VT.",
            "T/M BAN THƯỜNG VỤ",
            "Nguyễn Văn Hòa",
            "Số 16-BC/TU",
            "Kon Tum, ngày 11 tháng 11 năm 2020",
            "(Nguồn: baodantoc.vn)",
            "Một là, phải làm tốt.",
            "V/v nâng cao",
            "Kính gửi:",
            "",
            "",
            " ",
            "\t",
            "                    Y Ngọc",
            "*",
        ]
    ),  # fmt: skip
)
report = st.builds(
    lambda lines, newline: newline.join(lines),
    st.lists(line, min_size=1, max_size=40),
    st.sampled_from(["\n", "\n", "\r\n"]),
)


def parse(text: str):
    decoded = Decoded(text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return parse_text(decoded, "generated.txt", "generated")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report)
def test_parser_never_crashes_and_loses_nothing(text):
    parsed = parse(text)
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []
    ids = [p.passage_id for p in parsed.passages]
    assert len(ids) == len(set(ids))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_unicode_text_is_accounted_for(text):
    parsed = parse(text)
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []


def test_a_very_long_line_loses_nothing():
    text = "I. KẾT QUẢ\n" + " ".join(["Tỉnh uỷ đã tổ chức 2.343 cuộc đối thoại⁽¹⁾."] * 2500)
    text += "\n¹ Trong đó cấp xã 1.291 cuộc.\n"
    parsed = parse(text)
    assert len(text) > 100_000
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []
    assert len(parsed.passages) > 100  # split by the token budget, never mid-sentence


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_are_refused_clearly_or_accounted_for(data):
    try:
        decoded = decode_report_bytes(data, "any.bin")
    except ReportError as error:
        assert "any.bin" in str(error)
        return
    parsed = parse_text(decoded, "any.bin", "any")
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []
