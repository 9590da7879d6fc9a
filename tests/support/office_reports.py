"""The reports the .docx/.pdf tests read: a hand-written one whose structure every test checks
exactly, and the bundled report 000 rewritten as a real Word document with real footnotes."""

from __future__ import annotations

import re
from pathlib import Path

from wordgen import HEADING_NUM_ID, Note, WordWriter

from baocao.corpus.text_report import read_text_report

RUNNING_HEADER = "Tỉnh ủy Kon Tum – Báo cáo công tác dân vận năm 2020"
COMMENT = "Cần kiểm tra lại số liệu này"
DELETED = "15,2%"

# Section II: long enough to run onto page 2; its second paragraph crosses the page break.
PLAN = [
    "Tiếp tục quán triệt, triển khai thực hiện nghiêm túc các chủ trương, nghị quyết của Đảng về "
    "công tác dân vận; nâng cao nhận thức, trách nhiệm của cấp ủy, chính quyền, Mặt trận Tổ quốc "
    "và các đoàn thể chính trị - xã hội đối với công tác dân vận trong tình hình mới; phát huy "
    "vai trò của người đứng đầu cấp ủy, chính quyền trong việc tiếp xúc, đối thoại trực tiếp với "
    "Nhân dân, lắng nghe và giải quyết kịp thời những kiến nghị chính đáng của Nhân dân.",
    "Đẩy mạnh phong trào thi đua “Dân vận khéo” gắn với việc học tập và làm theo tư tưởng, đạo "
    "đức, phong cách Hồ Chí Minh; xây dựng và nhân rộng các mô hình, điển hình dân vận khéo "
    "trên các lĩnh vực kinh tế, văn hóa, xã hội, quốc phòng, an ninh; chú trọng các mô hình "
    "giúp đồng bào dân tộc thiểu số phát triển sản xuất, giảm nghèo bền vững, giữ gìn bản sắc "
    "văn hóa truyền thống; kịp thời biểu dương, khen thưởng các tập thể, cá nhân có thành tích "
    "tiêu biểu trong phong trào thi đua “Dân vận khéo” ở cơ sở, nhất là ở các thôn, làng vùng "
    "sâu, vùng xa, vùng biên giới của tỉnh trong năm 2021 và những năm tiếp theo",
    "Nâng cao chất lượng hoạt động của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội; đổi "
    "mới nội dung, phương thức hoạt động theo hướng hướng mạnh về cơ sở, địa bàn dân cư; thực "
    "hiện tốt vai trò giám sát và phản biện xã hội, tham gia góp ý xây dựng Đảng, xây dựng chính "
    "quyền trong sạch, vững mạnh; chăm lo lợi ích chính đáng, hợp pháp của đoàn viên, hội viên "
    "và Nhân dân; tập hợp, vận động các tầng lớp Nhân dân tích cực tham gia các phong trào thi "
    "đua yêu nước, cuộc vận động do Trung ương và tỉnh phát động.",
    "Tăng cường công tác kiểm tra, giám sát việc thực hiện công tác dân vận của các cơ quan nhà "
    "nước, cán bộ, công chức, viên chức; thực hiện nghiêm Quy chế dân chủ ở cơ sở; đẩy mạnh cải "
    "cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp; kịp thời chấn chỉnh, "
    "xử lý nghiêm các trường hợp sách nhiễu, gây phiền hà cho Nhân dân theo quy định.",
]
PLAN_NOTE = "Kế hoạch số 45-KH/TU, ngày 15-01-2021 của Ban Thường vụ Tỉnh ủy."
# Bundled reports whose every footnote is linked, so a Word copy can carry them all as real
# footnotes (003 has five it cannot place).
ROUND_TRIP = ("000", "001", "002", "004")


def passage(parsed, passage_id: str):
    return next(p for p in parsed.passages if p.passage_id == passage_id)


def printed_key(p) -> tuple:
    """``passage_key`` as a PDF can give it back: a line ending in a hyphen cannot say whether a
    space followed it ("kinh tế- xã hội"), so hyphen and space count as a hyphen; footnote
    marks are compared in place in the text."""
    text = p.text
    for number, offset in sorted(p.markers, key=lambda m: m[1], reverse=True):
        text = f"{text[:offset]}[{number}]{text[offset:]}"

    def squeeze(t):
        return re.sub(r"-\s+", "-", t) if t else t

    return (p.passage_id, p.kind, p.section_path, squeeze(text), p.footnote, p.cites,
            p.anchor_id, squeeze(p.anchor_text))  # fmt: skip


def passage_key(p) -> tuple:
    """What two readers of the same report must agree on (not lines: their texts differ)."""
    return (p.passage_id, p.kind, p.section_path, p.text, p.footnote, p.cites, p.markers,
            p.anchor_id, p.anchor_text)  # fmt: skip


def structured_report(path: Path, revisions: bool = True) -> Path:
    """Header and signature in layout tables, numbered Heading 1/2, an unnumbered heading, a
    lettered list, bullets, a data table with a footnote in a cell, five footnotes, a running
    header and page numbers; two pages once printed. With ``revisions`` also a tracked change
    and a comment (LibreOffice prints both, so the PDF is made without them)."""
    w = WordWriter()
    w.table(
        [[["TỈNH ỦY KON TUM", "*", "Số 16-BC/TU"],
          ["ĐẢNG CỘNG SẢN VIỆT NAM", "Kon Tum, ngày 11 tháng 11 năm 2020"]]],
        grid=False,
    )  # fmt: skip
    w.paragraph("BÁO CÁO", bold=True, center=True)
    w.paragraph("kết quả công tác dân vận năm 2020", bold=True, center=True)
    w.paragraph("-----", center=True)
    w.paragraph(
        "Thực hiện Kế hoạch số 26-KH/BDVTW của Ban Dân vận Trung ương",
        Note("Kế hoạch số 26-KH/BDVTW, ngày 11-8-2020."),
        ", Ban Thường vụ Tỉnh ủy báo cáo kết quả công tác dân vận năm 2020 như sau:",
    )
    w.heading("KẾT QUẢ ĐẠT ĐƯỢC", 1)
    w.heading("Công tác đối thoại với Nhân dân", 2)
    w.paragraph(
        "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại",
        Note("Trong đó, cấp huyện 20 cuộc, cấp xã 100 cuộc."),
        " với 3.500 lượt người tham gia; giải quyết dứt điểm 45 kiến nghị.",
        Note("Các kiến nghị chủ yếu về đất đai, chính sách hỗ trợ."),
    )
    w.table(
        [["Năm", "Số cuộc đối thoại", "Lượt người tham gia"],
         ["2019", "673", "40.000"],
         ["2020", ("120", Note("Số liệu đến ngày 31-10-2020.")), "3.500"]],
    )  # fmt: skip
    w.heading("Công tác dân vận chính quyền", 2)
    w.paragraph(
        "Cải cách hành chính được đẩy mạnh, 100% thủ tục được công khai",
        numbering=(HEADING_NUM_ID, 2),
    )
    commented = w.paragraph(
        "Tiếp công dân định kỳ được duy trì ở cả ba cấp", numbering=(HEADING_NUM_ID, 2)
    )
    if revisions:
        w.comment(commented, COMMENT)
    w.heading("Kết quả nổi bật", 2, numbered=False)
    w.paragraph("Mô hình “Dân vận khéo” được nhân rộng ở 102 xã.", style="List Bullet")
    w.paragraph("Đồng bào các dân tộc thiểu số tin tưởng vào Đảng.", style="List Bullet")
    if revisions:
        w.tracked_change("Tỷ lệ hộ nghèo giảm còn ", DELETED, "14,3%", " theo kết quả rà soát.")
    else:
        w.paragraph("Tỷ lệ hộ nghèo giảm còn 14,3% theo kết quả rà soát.")
    w.heading("PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021", 1)
    w.paragraph(PLAN[0])
    w.paragraph(PLAN[1], Note(PLAN_NOTE), "; chú trọng biểu dương người tốt, việc tốt.")
    w.paragraph(PLAN[2])
    w.paragraph(PLAN[3])
    w.table(
        [[["Nơi nhận:", "- Ban Dân vận Trung ương,", "- Lưu Văn phòng Tỉnh ủy."],
          ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Hòa"]]],
        grid=False,
    )  # fmt: skip
    w.running_header(RUNNING_HEADER)
    w.page_number_footer()
    return w.save(path)


def report_as_docx(text: str, path: Path, official: bool = False) -> Path:
    """A text report rewritten as a Word document: its metadata lines, its paragraphs as
    parsed (one Word paragraph each) with a real footnote reference where each linked marker
    stood, and its footnotes in the footnotes part (``official``: see ``WordWriter``)."""
    raw = read_text_report(text)
    w = WordWriter(official=official)
    for doc in raw.documents:
        first = min(b.fragment().spans[0][0] for b in doc.blocks)
        header = [(a, b) for a, b, _ in doc.roles if a < first]
        trailer = [(a, b) for a, b, _ in doc.roles if a >= first]
        notes = {f.number: f.fragment().text for f in doc.footnotes}
        for a, b in header:  # from the line start: an indented author block stays indented
            w.paragraph(text[text.rfind("\n", 0, a) + 1 : b])
        for block in doc.blocks:
            fragment = block.fragment()
            parts: list[str | Note] = []
            position = 0
            for number, offset in fragment.markers:
                parts += [fragment.text[position:offset], Note(notes[number])]
                position = offset
            parts.append(fragment.text[position:])
            w.paragraph(*[p for p in parts if p != ""])
        for a, b in trailer:
            w.paragraph(text[a:b])
    return w.save(path)


LONG_NOTE = " ".join(
    f"Năm {2000 + i}, toàn tỉnh tổ chức {100 + i} cuộc đối thoại với Nhân dân tại "
    f"{20 + i} xã, phường, thị trấn; tiếp nhận và giải quyết {300 + i} kiến nghị."
    for i in range(30)
)


def long_note_report(path: Path) -> Path:
    """A report whose last footnote, cited near a page bottom, is too long for what is left of
    that page: it is printed on two pages. Its sentences differ only in their numbers, as
    page-bottom lines that must not be taken for a running footer."""
    w = WordWriter()
    w.paragraph("BÁO CÁO", bold=True, center=True)
    w.paragraph("kết quả đối thoại với Nhân dân", bold=True, center=True)
    w.paragraph("-----", center=True)
    w.heading("KẾT QUẢ ĐẠT ĐƯỢC", 1)
    for paragraph in PLAN * 2:
        w.paragraph(paragraph)
    w.paragraph("Kết quả đối thoại qua các năm được tổng hợp", Note(LONG_NOTE), ".")
    return w.save(path)
