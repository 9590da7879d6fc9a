"""Text printed from a PDF, page by page: running headers and page numbers are page furniture,
footnotes sit under a rule at each page bottom (with superscript or plain-digit numbers) and a
footnote or a paragraph cut by the page break goes on overleaf."""

from __future__ import annotations

from pathlib import Path

import pytest

from baocao.corpus.lines import page_furniture, split_lines
from baocao.corpus.loader import load_reports

RUNNING_HEADER = "UBND huyện Bát Xát - Báo cáo sơ kết 6 tháng đầu năm 2024          285/BC-UBND"
HEADER = (
    "ỦY BAN NHÂN DÂN\nHUYỆN BÁT XÁT\n\nSố: 285/BC-UBND\n\nBÁO CÁO\n"
    "Sơ kết công tác dân vận chính quyền 6 tháng đầu năm 2024\n\nI. KẾT QUẢ\n\n"
)


def pages(*bodies: str, number=lambda n, total: f"Trang {n}/{total}", feed: str = "\f") -> str:
    """Pages of a printed report, each ending with its number and the next opening with the
    running header."""
    total = len(bodies)
    printed = [f"{body}\n{' ' * 60}{number(n, total)}\n" for n, body in enumerate(bodies, 1)]
    return f"{feed}{RUNNING_HEADER}\n\n".join(printed)


def passages(text: str, tmp_path: Path, kind: str) -> list:
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = load_reports([path])
    assert not result.errors, result.errors
    return [p for d in result.files[0].documents for p in d.passages if p.kind == kind]


FIRST_PAGE = (
    HEADER + "Chủ tịch UBND huyện đối thoại với Nhân dân tại 04 xã¹ với 612 người tham dự; "
    "Chủ tịch UBND các xã tổ chức 37 cuộc đối thoại\n\n_____________________\n"
    "¹ Số người tham dự theo xã: Y Tý 210 người; A Mú Sung 140 người; Dền Sáng"
)
SECOND_PAGE = (
    "với 2.146 lượt người tham dự, chủ yếu về đất đai.\n\n_____________________\n"
    "160 người; Nậm Pung 102 người."
)
LAST_PAGE = "II. PHƯƠNG HƯỚNG\n\nTiếp tục đổi mới nội dung, phương thức đối thoại với Nhân dân."


@pytest.mark.parametrize("feed", ["\f", ""])  # with form feeds, and without
def test_page_numbers_and_running_headers_are_not_text(tmp_path: Path, feed):
    # a running header is known by its repeating (a header on one page top only stays text)
    text = pages(FIRST_PAGE, SECOND_PAGE, LAST_PAGE, feed=feed)
    body = passages(text, tmp_path, "body")
    everything = " ".join(p.text for p in body + passages(text, tmp_path, "footnote"))
    assert "Trang" not in everything and "Báo cáo sơ kết" not in everything
    # the paragraph cut by the page break is one passage again
    assert any("37 cuộc đối thoại với 2.146 lượt người" in p.text for p in body)


def test_a_footnote_cut_by_the_page_break_goes_on_under_the_next_rule(tmp_path: Path):
    (note,) = passages(pages(FIRST_PAGE, SECOND_PAGE, LAST_PAGE), tmp_path, "footnote")
    assert note.footnote == 1
    assert note.text.endswith("Dền Sáng 160 người; Nậm Pung 102 người.")


def test_plain_digit_footnotes_at_page_bottoms(tmp_path: Path):
    # superscripts that became plain digits: "người dân3" in the text, "3 Các …" under the rule
    first = (
        HEADER + "Năm 2024 Chủ tịch UBND huyện tổ chức 04 cuộc đối thoại với 312 lượt người dân1; "
        'cán bộ thực hiện "4 xin, 4 luôn".\n\n_______________\n'
        "1 Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND huyện; Kế hoạch số 71/KH-UBND ngày"
    )
    second = "25/6/2024 về đối thoại.\n2 Các đoàn đông người chủ yếu liên quan đến bồi thường."
    text = pages(
        first, "Toàn huyện tiếp 126 lượt công dân2.\n\n_______________\n" + second, LAST_PAGE
    )
    notes = {p.footnote: p.text for p in passages(text, tmp_path, "footnote")}
    assert notes == {
        1: "Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND huyện; Kế hoạch số 71/KH-UBND ngày "
        "25/6/2024 về đối thoại.",
        2: "Các đoàn đông người chủ yếu liên quan đến bồi thường.",
    }
    body = " ".join(p.text for p in passages(text, tmp_path, "body"))
    assert "312 lượt người dân;" in body and "126 lượt công dân." in body
    assert '"4 xin, 4 luôn"' in body  # a quote's first digit is no note reference


def test_a_number_out_of_sequence_under_a_rule_stays_text(tmp_path: Path):
    text = (
        HEADER + "Toàn huyện có 2.684 hộ nghèo.\n\n_______________\n5 Xã đạt chuẩn nông thôn mới.\n"
    )
    assert not passages(text, tmp_path, "footnote")


FEET = ("Toàn huyện có 11 xã.", "Tăng 12% so với năm 2023.", "Hoàn thành 96 nhà.")


@pytest.mark.parametrize(
    ("number", "furniture"),
    [
        (lambda n, total: f"Trang {n}/{total}", True),
        (lambda n, total: f"- {n} -", True),
        (lambda n, total: str(n), True),
        (lambda n, total: FEET[n - 1], False),  # text, not a page number
    ],
)
def test_a_page_foot_is_furniture_when_it_is_a_page_number(number, furniture):
    lines = split_lines(pages("Đoạn một.", "Đoạn hai.", "Đoạn ba.", number=number))
    feet = {i for i, line in enumerate(lines) for n in (1, 2, 3) if line.stripped == number(n, 3)}
    headers = {i for i, line in enumerate(lines) if line.stripped.startswith("UBND huyện Bát")}
    found = page_furniture(lines)
    assert len(headers) == 2 and headers <= found  # repeated at the top of pages 2 and 3
    assert len(feet) == 3 and (feet <= found) is furniture
    assert not feet & found or furniture


def test_a_note_cut_by_the_last_page_break_goes_on_under_the_rule_after_the_signature(
    tmp_path: Path,
):
    text = (
        HEADER + "Toàn huyện chở nước ngọt cho 1.340 hộ¹.\n\n_______________\n"
        "¹ Tại các xã An Thuận, An Nhơn; tổng\n\nNơi nhận:\n- Lưu: VT.\n\nCHỦ TỊCH\n\n"
        "Phan Thị Ngọc Hạnh\n\n_______________\nkinh phí 1,96 tỷ đồng.\n"
    )
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    (doc,) = load_reports([path]).files[0].documents  # no article after the signature
    (note,) = [p for p in doc.passages if p.kind == "footnote"]
    assert note.text == "Tại các xã An Thuận, An Nhơn; tổng kinh phí 1,96 tỷ đồng."


def test_rows_of_a_table_under_a_rule_are_no_notes(tmp_path: Path):
    # the rule under the header, then text and a table whose rows open with their number
    text = (
        HEADER + "-----\n\nKết quả hỗ trợ nhà ở năm 2024 như sau.\n\nSố nhà theo xã là nhé2.\n\n"
        "1\tXã Quảng Sơn\t120 hộ\n2\tXã Y Tý\t98 hộ\n"
    )
    assert not passages(text, tmp_path, "footnote")
    assert "nhé2." in " ".join(p.text for p in passages(text, tmp_path, "body"))


def test_a_note_that_ended_its_sentence_takes_no_line_overleaf(tmp_path: Path):
    text = pages(
        HEADER + "Tổ chức 05 hội nghị¹.\n\n_______\n¹ Gồm 5 hội nghị cấp huyện.",
        "Nội dung trang sau.\n\n_______\nNguồn: Cổng thông tin điện tử huyện.",
        LAST_PAGE,
    )
    (note,) = passages(text, tmp_path, "footnote")
    assert note.text == "Gồm 5 hội nghị cấp huyện."


def test_what_repeats_on_two_of_many_page_tops_or_the_first_page_is_no_furniture():
    # two one-page reports of one issuer, and list items that open pages
    report = (
        "ỦY BAN NHÂN DÂN\nHUYỆN BA TRI\n\nBÁO CÁO\nKết quả năm 2024\n\nNội dung.\n\nNguyễn Văn A"
    )
    lines = split_lines(f"{report}\n\f{report}\n")
    assert not page_furniture(lines)
    items = [
        f"- Năm {year}: {n} cuộc đối thoại.\nNội dung." for year, n in ((2021, 15), (2022, 12))
    ]
    assert not page_furniture(split_lines("\f".join(["Mở đầu.", *items, "Kết thúc."])))
