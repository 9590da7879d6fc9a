"""Document metadata from Vietnamese administrative headers, signatures and bylines."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from .lines import is_terminated, is_upper_text, words
from .vietnamese import canonical

DOC_TYPES = (
    "BÁO CÁO", "CHUYÊN ĐỀ", "KẾ HOẠCH", "TỜ TRÌNH", "THÔNG BÁO", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH",
    "NGHỊ QUYẾT", "CHỈ THỊ", "HƯỚNG DẪN", "ĐỀ ÁN", "KẾT LUẬN", "QUY CHẾ", "QUY ĐỊNH", "BIÊN BẢN",
    "THAM LUẬN", "BÀI PHÁT BIỂU", "DIỄN VĂN",
)  # fmt: skip
NATIONAL_LINES = ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP")
NUMBER = re.compile(r"^Số\s*:?\s*(\S*[\d/]\S*)\s*$")  # "Số 16-BC/TU", "Số: /UBND-KGVX"
PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,]{2,40}?),\s*(?:ngày\s*(?P<day>\d{1,2})?\s*)?tháng\s*(?P<month>\d{1,2})?"
    r"\s*năm\s*(?P<year>\d{4})?\s*$",
    re.IGNORECASE,
)
SIGNING_FOR = re.compile(r"^(?:T/M|TM\.?|KT\.?|TL\.?|TUQ\.?|Q\.)\s+(\S.*)$")
SUBJECT = re.compile(r"^V/v\s*:?\s*(.*)$")  # "V/v nâng cao hiệu quả …": the subject of a letter
RECIPIENTS = re.compile(r"^Kính\s+gửi\s*:?\s*(.*)$", re.IGNORECASE)
DISTRIBUTION = re.compile(r"^N[ơo]i\s+nh[ậa]n\s*:?", re.IGNORECASE)  # typed without diacritics too
SOURCE_LINE = re.compile(r"^\(\s*Nguồn\s*:.*\)$")
# "(Ban hành kèm theo Quyết định số 1245/QĐ-UBND ngày …)": a regulation and the act enacting it
ENACTED_BY = re.compile(
    r"^\(?\s*(?:Ban\s+hành\s+)?kèm\s+theo\s+(?:Quyết\s+định|Nghị\s+quyết|Nghị\s+định|"
    r"Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch)\s+số\s*:?\s*(?P<number>[^\s,;)]*\d[^\s,;)]*).*\)?$",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"(?<!tháng )(?<!tháng \d )(?<!tháng \d\d )"
    r"\b(?:năm|giai đoạn|nhiệm kỳ|thời kỳ|từ năm)\s+(\d{4})(?:\s*[-–]\s*(\d{4}))?",
    re.IGNORECASE,
)

# The 63 provinces and cities, to place a report that does not say where it was issued.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên",
    "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
    "Thành phố Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip


# The first words of an issuing body's name: "ỦY BAN NHÂN DÂN TỈNH …", "TỈNH ỦY …", "BAN DÂN VẬN
# …", "TRƯỜNG ĐẠI HỌC …", "BỘ …", "SỞ …". Under its superior ("BỘ GIÁO DỤC VÀ ĐÀO TẠO" /
# "TRƯỜNG ĐẠI HỌC …") the second name is the issuer; a line without one continues the name.
ISSUER_STARTS = (
    "ỦY BAN", "UBND", "HĐND", "HỘI ĐỒNG", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "QUẬN ỦY", "THỊ ỦY",
    "ĐẢNG ỦY", "ĐẢNG BỘ", "ĐẢNG ĐOÀN", "BAN", "BỘ", "SỞ", "TRƯỜNG", "ĐẠI HỌC", "HỌC VIỆN", "VIỆN",
    "TỔNG CỤC", "CỤC", "CHI CỤC", "VĂN PHÒNG", "PHÒNG", "THANH TRA", "CÔNG AN", "MẶT TRẬN",
    "HỘI", "LIÊN ĐOÀN", "ĐOÀN", "TÒA ÁN", "KHO BẠC", "TRUNG TÂM", "CHÍNH PHỦ", "QUỐC HỘI",
    "THỦ TƯỚNG", "KHOA", "CÔNG TY", "TẬP ĐOÀN", "NGÂN HÀNG", "BỆNH VIỆN", "BỘ CHỈ HUY",
)  # fmt: skip


def starts_issuer_name(text: str) -> bool:
    """'SỞ KẾ HOẠCH VÀ ĐẦU TƯ' starts a body's name; 'TỈNH KON TUM' (its second line) does not."""
    line = " ".join(canonical(strip_emphasis(text)).upper().split())
    return any(line == s or line.startswith(s + " ") for s in _CANONICAL_STARTS)


def titled_doc_type(text: str) -> str | None:
    """'BÁO CÁO TỰ ĐÁNH GIÁ' -> 'báo cáo': an upper-case line that opens with a document type."""
    line = " ".join(strip_emphasis(text).split())
    if not is_upper_text(line):
        return None
    return next((t.lower() for t in DOC_TYPES if line.upper().startswith(t + " ")), None)


@dataclass
class Metadata:
    """Mutable while a header/trailer is read; frozen into ``Document`` afterwards."""

    kind: str = ""
    title_parts: list[str] = field(default_factory=list)
    number: str | None = None
    place: str | None = None
    date: str | None = None
    issuer: str | None = None
    province: str | None = None  # named by a line of the issuer's ("ĐẢNG BỘ TỈNH BÌNH PHƯỚC")
    signatory: str | None = None
    signatory_titles: list[str] = field(default_factory=list)
    enacted_by: str | None = None  # number of the act a regulation is attached to

    @property
    def title(self) -> str:
        return " ".join(" ".join(self.title_parts).split())


_CANONICAL_STARTS = tuple(canonical(s) for s in ISSUER_STARTS)


def strip_emphasis(text: str) -> str:
    return text.replace("**", "").strip()


def doc_type(text: str) -> str | None:
    """'BÁO CÁO' -> 'báo cáo' when the line is only a document type."""
    line = " ".join(strip_emphasis(text).split()).upper()
    return line.lower() if line in DOC_TYPES else None


def is_national_line(text: str) -> bool:
    """The country's or the Party's name, or the motto ("CỘNG HOÀ …" in either tone place)."""
    return canonical(strip_emphasis(text)).upper().startswith(NATIONAL_LINES)


def read_place_date(text: str, meta: Metadata) -> bool:
    m = PLACE_DATE.match(strip_emphasis(text))
    if not m:
        return False
    meta.place = " ".join(m.group("place").split())
    if m.group("day") and m.group("month") and m.group("year"):
        try:
            day = datetime.date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            meta.date = day.isoformat()
        except ValueError:
            meta.date = None  # "ngày 31 tháng 2": not a date
    return True


# "Báo Ninh Thuận điện tử - Thứ Bảy, 16/11/2024": the newspaper and date above an article
DATELINE = re.compile(
    r"^(?:Báo|Tạp chí|Cổng thông tin)\s.{2,60}?\s[-–,]\s*(?:(?:Thứ\s+\w+|Chủ\s+nhật),?\s*)?"
    r"(\d{1,2})/(\d{1,2})/(\d{4})\s*$"
)


def read_dateline(text: str, meta: Metadata) -> bool:
    """An article's dateline: the document is a news article ("bài báo") of that date."""
    m = DATELINE.match(strip_emphasis(text).strip())
    if not m:
        return False
    meta.kind = meta.kind or "bài báo"
    meta.date = _iso_date(*m.group(1, 2, 3))
    return True


def _iso_date(day: str, month: str, year: str) -> str | None:
    """ "2024-11-14", or None for no date ("31/2")."""
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


# A web page's lines above an article's headline: "Chuyên mục: Gương điển hình", "Cập nhật:
# 14/11/2024 08:35", "Trang chủ > Tin tức"
_WEB_DATED = r"(?:Cập nhật|Ngày đăng|Đăng ngày|Ngày cập nhật)"
_WEEKDAY = r"(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+nhật),?\s*"
# also a breadcrumb ("Chính trị > Xây dựng Đảng") and the date under it ("Thứ Năm, 20/02/2025")
WEB_FURNITURE = re.compile(
    rf"^(?:(?:{_WEB_DATED}|Chuyên mục|Trang chủ)\s*[:>»›|]|[^\W\d][^>»›\n]{{0,40}}\s[>»›]\s*\w"
    rf"|{_WEEKDAY}\d{{1,2}}/\d{{1,2}}/\d{{4}})",
    re.IGNORECASE,
)
# "Cập nhật: 14/11/2024 08:35", "Cập nhật: 08:15 Thứ Ba, 16/11/2021", "Thứ Năm, 20/02/2025"
_WEB_DATE = re.compile(
    rf"(?:{_WEB_DATED}\s*:?\s*[^/\n]{{0,25}}?|{_WEEKDAY})(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})",
    re.IGNORECASE,
)
# a web page's masthead: "BÁO THÁI BÌNH ĐIỆN TỬ - Cơ quan của Đảng bộ …", "Báo Lào Cai điện tử"
_MASTHEAD = re.compile(
    r"^(?:BÁO|Báo|TẠP CHÍ|Tạp chí|CỔNG THÔNG TIN|Cổng thông tin)\s[^.\n]{2,60}?"
    r"\s(?:ĐIỆN TỬ|điện tử)\b"
)


# a web page's search box, login and sharing lines: "Tìm kiếm...", "Đăng nhập | Đăng ký",
# "Facebook   Zalo   Twitter", "▶ Nghe bài viết 00:00 / 05:12"
_WEB_TOOLS = re.compile(
    r"^(?:(?:Tìm kiếm|Đăng nhập|Đăng ký|Facebook|Zalo|Twitter|Chia sẻ|In bài|Cỡ chữ|"
    r"Nghe (?:đọc )?bài viết)\b|▶)",
    re.IGNORECASE,
)
_MENU_WORDS = 4


def is_web_menu(text: str) -> bool:
    """A line of a web page's menu ("THỜI SỰ", "E-PAPER": a few words in capitals), search box,
    login or sharing bar — looked for only on a page known to be one (``read_web_furniture``)."""
    text = strip_emphasis(text).strip()
    if _WEB_TOOLS.match(text):
        return True
    return text.isupper() and len(text.split()) <= _MENU_WORDS and not is_terminated(text)


def is_masthead(text: str) -> bool:
    """ "BÁO BÌNH THUẬN ĐIỆN TỬ": a web page's masthead (a header may read it as the issuer)."""
    return _MASTHEAD.match(strip_emphasis(text).strip()) is not None


def read_web_furniture(text: str, meta: Metadata) -> bool:
    """A web page's lines around an article's headline (its masthead, menu, "Chuyên mục",
    "Cập nhật"): the document is a news article ("bài báo"), dated by its "Cập nhật" date."""
    text = strip_emphasis(text).strip()
    if not (WEB_FURNITURE.match(text) or _MASTHEAD.match(text)):
        return False
    meta.kind = meta.kind or "bài báo"
    if (m := _WEB_DATE.search(text)) and meta.date is None:
        meta.date = _iso_date(*m.group(1, 2, 3))
    return True


def read_number(text: str, meta: Metadata) -> bool:
    """ "Số: 287/BC-UBND"; also with the place and date a PDF's columns ran into it on one line:
    "Số 318-BC/BDVTU Bắc Giang, ngày 20 tháng 6 năm 2025"."""
    text = strip_emphasis(text)
    m = NUMBER.match(text)
    if not m:
        joined = _NUMBER_AND_MORE.match(text)
        if joined is None or not read_place_date(joined.group(2), meta):
            return False
        m = NUMBER.match(joined.group(1))
        assert m is not None  # the same number pattern
    meta.number = m.group(1).strip()
    return True


def is_number_or_date_line(text: str) -> bool:
    """A header's "Số: 287/BC-UBND" or "Hải Hậu, ngày 15 tháng 12 năm 2023" line (or both)."""
    scratch = Metadata()
    return read_number(text, scratch) or read_place_date(text, scratch)


_NUMBER_AND_MORE = re.compile(r"^(Số\s*:?\s*\S*[\d/]\S*)\s+(\S.*)$")


def looks_like_name(text: str) -> bool:
    """'Nguyễn Văn Hòa', 'Y Ngọc': 2–5 capitalised words, no digits or punctuation; or an
    article's authors, 'Minh Tâm - Hải Đăng', "K'Thuần - Hoàng Yến" (a pen name may be one)."""
    authors = re.split(r"\s+[-–]\s+", strip_emphasis(text))
    if len(authors) > 1:
        return len(authors) <= 4 and all(_is_name(a, shortest=1) for a in authors)
    return _is_name(authors[0], shortest=2)


def _is_name(text: str, shortest: int) -> bool:
    parts = text.split()
    return shortest <= len(parts) <= 5 and all(_is_capitalised_word(p) for p in parts)


def _is_capitalised_word(word: str) -> bool:
    """'Hòa', "K'Thuần", "H'Hen": each part between apostrophes capitalised."""
    parts = word.split("'")
    return all(_capitalised(p) for p in parts[:1]) and all(
        p == "" or p.islower() or _capitalised(p) for p in parts[1:]
    )


def _capitalised(part: str) -> bool:
    rest = part[1:]
    return (
        part[:1].isupper()
        and part[0].isalpha()
        and (rest == "" or (rest.isalpha() and rest.islower()))
    )


# the trailer laid out as two columns: "- Lưu BDV.              Điểu Thị Hạnh"
_COLUMN_GAP = re.compile(r"(?<=\S)[ \t]{6,}(?=\S)")


def read_signature(lines: list[str], meta: Metadata) -> None:
    """'T/M BAN THƯỜNG VỤ' / 'PHÓ BÍ THƯ' / 'Nguyễn Văn Hòa' at the end of a report, also in
    the right column beside the distribution list."""
    for raw in (part for line in lines for part in _signature_columns(line)):
        text = strip_emphasis(raw)
        if not text or text.startswith(("-", "+")) or DISTRIBUTION.match(text):
            continue
        if m := SIGNING_FOR.match(text):
            meta.issuer = meta.issuer or m.group(1).strip()
        elif is_upper_text(text) and len(words(text)) <= 8:
            meta.signatory_titles.append(text)
        elif looks_like_name(text):
            meta.signatory = text


def _signature_columns(line: str) -> list[str]:
    """A trailer line's columns: the distribution list's and the signature's; none of a table
    row printed after the signature ("Thạch Thành      557      11,09%")."""
    columns = _COLUMN_GAP.split(line.strip())
    if len(columns) > 2 or (len(columns) == 2 and any(c.isdigit() for c in columns[1])):
        return []
    return columns


def read_author_block(lines: list[str], meta: Metadata) -> None:
    """The indented name and positions under a 'CHUYÊN ĐỀ' title."""
    for raw in lines:
        text = strip_emphasis(raw)
        if meta.signatory is None and looks_like_name(text):
            meta.signatory = text
        elif text:
            meta.signatory_titles.append(text)


def inherit_issuers(metas: list[Metadata]) -> None:
    """A regulation attached to a decision in the same file ('Ban hành kèm theo Quyết định số
    1245/QĐ-UBND') is issued by the body that issued the decision."""
    for k, meta in enumerate(metas):
        if meta.issuer is None and meta.enacted_by:
            act = next((m for m in metas[:k] if m.number == meta.enacted_by), None)
            if act is not None:
                meta.issuer = act.issuer


def years_covered(*texts: str) -> tuple[int, ...]:
    """Years a document covers from 'năm 2019', 'giai đoạn 2016-2020', 'nhiệm kỳ 2015 - 2020'."""
    years: set[int] = set()
    for text in texts:
        for m in _PERIOD.finditer(text):
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            if 1945 <= first <= last <= 2100 and last - first <= 30:
                years.update(range(first, last + 1))
    return tuple(sorted(years))


def province_named(text: str) -> str | None:
    """The province an issuer's line names: "ĐẢNG BỘ TỈNH BÌNH PHƯỚC" -> "Bình Phước"."""
    line = canonical(text).upper()
    named = (
        p for p in PROVINCES if re.search(rf"(?<!\w){re.escape(canonical(p).upper())}(?!\w)", line)
    )
    return next(named, None)


# regions named after a province they spread beyond: "vùng Đồng Tháp Mười" (Long An, Tiền Giang,
# Đồng Tháp)
_REGIONS = ("Đồng Tháp Mười",)


def most_mentioned_province(text: str) -> str | None:
    text = canonical(text)
    for region in _REGIONS:
        text = text.replace(region, "")
    counts = Counter({p: text.count(p) for p in PROVINCES})
    province, count = counts.most_common(1)[0]
    return province if count else None
