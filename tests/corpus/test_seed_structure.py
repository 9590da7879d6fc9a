"""The real structure of each bundled report, checked by hand against the source files."""

from __future__ import annotations

import unicodedata

import pytest
from accounting import passage_problems, uncovered_or_doubled


def footnotes(parsed):
    return {p.footnote: p for p in parsed.passages if p.kind == "footnote"}


def passage_with(parsed, needle):
    hits = [p for p in parsed.passages if needle in p.text]
    assert hits, f"no passage contains {needle!r}"
    return hits[0]


def marker_offset(passage, number):
    return dict(passage.markers)[number]


@pytest.mark.parametrize("short", ["000", "001", "002", "003", "004"])
def test_nothing_is_lost(seed_files, short):
    parsed = seed_files[short]
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []


@pytest.mark.parametrize("short", ["000", "001", "002", "003", "004"])
def test_text_is_clean_nfc(seed_files, short):
    for p in seed_files[short].passages:
        assert p.text == unicodedata.normalize("NFC", p.text)
        assert not any(unicodedata.combining(ch) for ch in p.text), p.passage_id
        assert "\xa0" not in p.text and "\ufffd" not in p.text and "⁽" not in p.text
        assert "**" not in p.text


def test_000_word_export_with_lost_markers(seed_files):
    parsed = seed_files["000"]
    (doc,) = parsed.documents
    d = doc.document
    assert (d.kind, d.number, d.place, d.date) == ("báo cáo", "16-BC/TU", "Kon Tum", "2020-11-11")
    assert d.issuer == "TỈNH ỦY KON TUM"
    assert d.signatory == "Nguyễn Văn Hòa" and "PHÓ BÍ THƯ" in d.signatory_title
    assert d.title.startswith("Báo cáo kết quả thực hiện Nghị quyết Đại hội XV Đảng bộ tỉnh")
    assert {2015, 2020} <= set(d.years)

    notes = footnotes(parsed)
    assert sorted(notes) == list(range(1, 24))
    assert all(n.anchor_id for n in notes.values())
    # broken lines are whole sentences again, and the marker sits where the break was
    fn1 = notes[1]
    assert fn1.text.startswith("Trong đó có 03 huyện nghèo (Kon Plông, Tu Mơ Rông, Ia H'Drai)")
    body = next(p for p in parsed.passages if p.passage_id == fn1.anchor_id)
    assert "102 đơn vị hành chính cấp xã với 756 thôn (làng), tổ dân phố." in body.text
    assert body.text[: marker_offset(body, 1)].endswith("102 đơn vị hành chính cấp xã")
    assert (
        notes[2].text.startswith("Gồm Xê đăng, Bahnar")
        and "gồm 07 DTTS tại chỗ." in notes[2].anchor_text
    )
    assert "673 cuộc đối thoại" in notes[6].text
    assert notes[6].anchor_text.startswith(
        "Đã thực hiện hiệu quả Quy chế tiếp xúc, đối thoại trực tiếp"
    )
    assert notes[6].section_path[-1].startswith("1. Về lãnh đạo thực hiện công tác dân vận")
    assert "2.382 lượt người có uy tín" in notes[22].text
    assert notes[23].text.startswith("Đến nay, 10/10 huyện, thành phố")
    assert notes[23].anchor_text.endswith("hoạt động hiệu lực, hiệu quả”.")
    assert fn1.line_start == 135 and body.line_start == 23 and body.line_end == 24
    # the header, distribution list and signature are metadata, not searchable body text
    body_text = " ".join(p.text for p in parsed.passages)
    for metadata in ("Nơi nhận", "Lưu Văn phòng Tỉnh ủy", "Nguyễn Văn Hòa", "ĐẢNG CỘNG SẢN"):
        assert metadata not in body_text
    titles = [s.title for s in doc.sections]
    assert titles[:2] == ["I. KHÁI QUÁT TÌNH HÌNH", "II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO"]
    section = next(s for s in doc.sections if s.title.startswith("1. Công tác lãnh đạo"))
    assert section.path[0] == "II. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO" and section.level == 3


def test_001_pdf_export_page_breaks(seed_files):
    parsed = seed_files["001"]
    (doc,) = parsed.documents
    d = doc.document
    assert d.title == "Báo cáo tổng kết công tác dân vận năm 2019 và chương trình chỉ đạo năm 2020"
    assert d.place == "Kiên Giang"  # not in the header: the province the body names
    assert d.signatory == "Đặng Tuyết Em" and d.years == (2019, 2020)
    assert d.number is None and d.date is None

    notes = footnotes(parsed)
    assert sorted(notes) == list(range(1, 24)) and all(n.anchor_id for n in notes.values())
    # a footnote continued after a page break, past the next page's body text
    assert "ngập cục bộ 12.378 căn; nhiều tuyến đường" in notes[2].text
    assert notes[2].text.endswith("ước tổng thiệt hại 184 tỷ đồng.")
    assert (notes[2].line_start, notes[2].line_end) == (19, 31)
    assert "của Ban Chấp hành Trung ương khóa XI về tăng cường" in notes[4].text
    assert (notes[4].line_start, notes[4].line_end) == (35, 47)
    # a body sentence continued on the next page, after that page's footnotes
    joined = passage_with(parsed, "Chỉ đạo thực hiện tốt quy chế dân chủ ở cơ sở")
    assert (joined.line_start, joined.line_end) == (29, 37) and len(joined.spans) >= 2
    decision = passage_with(parsed, "Quyết định số 1018/QĐ-UBND, ngày 03-5-2019 về việc thành lập")
    assert 8 in decision.cites
    assert (
        notes[7].text == "Đã tiếp nhận và giải quyết được 340/436 đơn khiếu nại, tố cáo đạt 77,98%."
    )
    assert notes[7].anchor_text.endswith("đúng quy trình xử lý.")
    assert notes[15].anchor_text.endswith("tại xã Phong Đông, huyện Vĩnh Thuận.")
    titles = [s.title for s in doc.sections]
    assert "Phần thứ nhất. BÁO CÁO TỔNG KẾT CÔNG TÁC DÂN VẬN NĂM 2019" in titles
    assert "Phần thứ hai CHƯƠNG TRÌNH CÔNG TÁC DÂN VẬN NĂM 2020" in titles
    assert "“Năm Dân vận khéo”" in passage_with(parsed, "Chủ đề công tác năm 2020").text


def test_002_official_letter(seed_files):
    parsed = seed_files["002"]
    (doc,) = parsed.documents
    d = doc.document
    assert d.kind == "công văn"
    assert d.title == "V/v nâng cao hiệu quả hoạt động công tác dân vận chính quyền các cấp"
    assert (d.number, d.place, d.date) == ("/UBND-KGVX", "Kon Tum", None)  # a draft: left blank
    assert (d.signatory, d.signatory_title) == ("Nguyễn Văn Hòa", "CHỦ TỊCH")
    notes = footnotes(parsed)
    assert sorted(notes) == [1, 2, 3, 4] and all(n.anchor_id for n in notes.values())
    assert notes[4].line_start == 70  # printed after the signature
    assert "Nghị quyết số 19-NQ/TW" in notes[4].anchor_text
    assert (
        "tổ chức tuyên truyền trên các phương tiện thông tin đại chúng"
        in passage_with(parsed, "tổ chức tuyên truyền trên các phương tiện").text
    )
    body_text = " ".join(p.text for p in parsed.passages)
    assert "Kính gửi" not in body_text and "KGVX₂" not in body_text


def test_003_four_reports_in_one_file(seed_files):
    parsed = seed_files["003"]
    docs = [d.document for d in parsed.documents]
    assert [d.title for d in docs] == [
        "Chuyên đề VỀ KINH TẾ VÀ VĂN HÓA, XÃ HỘI",
        "Chuyên đề VỀ QUỐC PHÒNG, AN NINH VÀ ĐỐI NGOẠI",
        "Chuyên đề XÂY DỰNG ĐẢNG, HỆ THỐNG CHÍNH TRỊ, GẮN VỚI VIỆC ĐÁNH GIÁ VIỆC THỰC HIỆN "
        "NGHỊ QUYẾT TRUNG ƯƠNG 4 KHÓA XII",
        "Chuyên đề VỀ HOẠT ĐỘNG CỦA MẶT TRẬN TỔ QUỐC VÀ CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI",
    ]
    assert [d.signatory for d in docs] == ["Y Ngọc", "U Huấn", "Huỳnh Tấn Phục", "Nguyễn Thanh Hà"]
    assert (
        docs[0].signatory_title
        == "Ủy viên Ban Thường vụ Tỉnh ủy; Phó chủ tịch Ủy ban nhân dân tỉnh"
    )
    assert [(d.line_start, d.line_end) for d in docs] == [
        (1, 129),
        (130, 257),
        (258, 396),
        (397, 594),
    ]
    assert len({d.doc_id for d in docs}) == 4
    # ten footnotes at the end of the file: each goes to the report that cites it
    notes = footnotes(parsed)
    assert sorted(notes) == list(range(1, 11))
    doc_of = {n: p.doc_id for n, p in notes.items()}
    assert {doc_of[n] for n in (6, 7, 8)} == {docs[2].doc_id}
    assert {doc_of[n] for n in (9, 10)} == {docs[3].doc_id}
    rating = next(p for p in parsed.passages if p.passage_id == notes[6].anchor_id)
    assert rating.text[: marker_offset(rating, 6)].endswith("Hằng năm tỉ lệ Đảng bộ cấp huyện")
    assert rating.text[: marker_offset(rating, 7)].endswith("Đối với TCCSĐ")
    assert rating.text[: marker_offset(rating, 8)].endswith("Đối với đảng viên")
    assert notes[9].anchor_text.endswith(
        "Ban Thường vụ Tỉnh đoàn để chỉ đạo, định hướng hoạt động nhằm phát huy vai trò lãnh đạo "
        "của các đảng đoàn trong công tác xây dựng tổ chức Mặt trận và các đoàn thể."
    )
    assert "Nghị quyết Đại hội XV Đảng bộ tỉnh đã đề ra" in notes[10].anchor_text
    # five "Văn kiện" page references but only three traceable markers: kept, not guessed
    assert {doc_of[n] for n in range(1, 6)} == {docs[1].doc_id}
    assert not any(notes[n].anchor_id for n in range(1, 6))
    assert any("left unlinked" in note for note in parsed.notes)
    first = parsed.documents[0].sections[0]
    assert (
        first.title == "Phần thứ nhất. ĐÁNH GIÁ 5 NĂM THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI XV ĐẢNG BỘ TỈNH"
    )
    assert "Tòa án nhân dân thành phố Kon Tum" in " ".join(p.text for p in parsed.passages)


def test_004_news_article(seed_files):
    parsed = seed_files["004"]
    (doc,) = parsed.documents
    d = doc.document
    assert (d.kind, d.title, d.signatory) == (
        "bài báo",
        "Huy động cả hệ thống chính trị thực hiện công tác dân vận",
        "Đặng Thị Vân",
    )
    captions = [p for p in parsed.passages if p.kind == "caption"]
    assert len(captions) == 3
    assert captions[0].text == (
        "Lực lượng vũ trang tỉnh giúp nhân dân làm đường giao thông nông thôn (Nguồn:danvan.vn)"
    )
    assert all("(Nguồn:" in c.text for c in captions)
    lessons = [s for s in doc.sections if s.level == 7]
    assert [s.label for s in lessons] == ["Một là", "Hai là", "Ba là", "Bốn là", "Năm là", "Sáu là"]
    assert all(s.path[0] == "Những bài học kinh nghiệm" for s in lessons)
    assert "2.343 cuộc đối thoại" in passage_with(parsed, "2.343 cuộc đối thoại").text


@pytest.mark.parametrize("short", ["000", "001", "002", "003", "004"])
def test_passages_are_sized_and_cited(seed_files, short):
    from baocao.corpus.tokens import count_tokens

    for p in seed_files[short].passages:
        assert p.text and p.source_file and p.line_start <= p.line_end
        if p.kind == "body" and len(p.text.split("\n")) > 1:
            assert count_tokens(p.text) <= 256 + 8, p.passage_id  # merged paragraphs fit the budget
        first_line = seed_files[short].text.split("\n")[p.line_start - 1]
        assert first_line.strip(), f"{p.passage_id} starts on a blank line"


def test_a_quoted_target_titles_the_bullets_that_report_on_it(seed_files):
    # 003's defence report quotes each target of the congress resolution on its own line, then
    # reports on it in "- " bullets: "- Năm 2015: 400 công dân; …" is the recruits of
    # "“… tuyển chọn, gọi công dân nhập ngũ đạt 100% chỉ tiêu”"
    parsed = seed_files["003"]
    series = passage_with(parsed, "năm 2018: 803 công dân")
    assert series.section_path[-1].startswith("“Chất lượng tổng hợp")
    assert series.section_path[-1].endswith("gọi công dân nhập ngũ đạt 100% chỉ tiêu”")
    # the next quoted target closes it: the trials fall under "“An ninh biên giới …"
    trial = passage_with(parsed, "Ngày 27-4-2020, Tòa án nhân dân thành phố Kon Tum")
    assert trial.section_path[-1].startswith("“An ninh biên giới được bảo đảm")
    assert trial.section_path[-1].endswith("…")  # longer than a title: cut after 80 words
    assert trial.section_path[:-1] == series.section_path[:-1]
    # the quote stays text of its section too
    assert passage_with(parsed, "“Chất lượng tổng hợp").kind == "body"
