"""Vietnamese report headings: "Phần thứ nhất", "II-", "1.", "1.1.", "a)", "Một là, …", and
the outlines of other administrative documents: "Chương I", "Mục 1", "Điều 5." (legal texts),
"TIÊU CHUẨN 9", "Tiêu chí 9.1" with "Mô tả", "Điểm mạnh", … (self-assessment reports),
"A."/"B." sections, "Phụ lục 1", "Mở đầu", "Kết luận".

``level`` is the depth shown for a section (1 = Phần, 2 = Roman, 3 = "1.", …, 7 = "a)");
``rank`` orders forms for nesting when they mix: Phần/Phụ lục › Chương › TIÊU CHUẨN › A. ›
I. › Mục › Tiêu chí › Điều › 1. › 1.1. › … › a). Opening and closing parts ("Mở đầu",
"Kết luận") and the parts of a criterion ("Mô tả", "Tự đánh giá") take their place from the
sections around them (``structure``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import is_terminated, is_upper_text, words

_ORDINALS = "nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười"
PART = re.compile(rf"^(Phần\s+thứ\s+(?:{_ORDINALS})|Phần\s+[IVX]+)\b[\s:.\-–]*(.*)$", re.I)
ROMAN = re.compile(r"^([IVX]{1,5})\s*[.\-–)]\s*(\S.*)$")
ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))?\s+(?=\D)(\S.*)$")
LETTER = re.compile(r"^([a-zđ])\)\s+(\S.*)$")
ENUMERATION = re.compile(r"^((?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là)\s*[,:]\s*(\S.*)$")
CAPITAL = re.compile(r"^([A-HJ-UWYZĐ])\s*[.\-–)]\s+(\S.*)$")  # "A. LĨNH VỰC KINH TẾ"
_VALID_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_NUMBER = r"(?:\d{1,3}|[IVX]{1,6})"
_END = r"(?=$|[\s.:\-–])"
# "Chương I", "TIÊU CHUẨN 9", "Tiêu chí 9.1", "Mục 2", "Điều 5", "Phụ lục 1", "PHỤ LỤC": the
# label, then the end of the line, a separator and a title, or (without one) an upper-case title
_LABELLED = (
    ("chapter", re.compile(rf"^(Chương\s+{_NUMBER}){_END}", re.I)),
    ("standard", re.compile(rf"^(Tiêu\s+chuẩn\s+(?:số\s+)?\d{{1,2}}){_END}", re.I)),
    ("criterion", re.compile(rf"^(Tiêu\s+chí\s+(?:số\s+)?\d{{1,2}}(?:\.\d{{1,2}})?){_END}", re.I)),
    ("section", re.compile(rf"^(Mục\s+{_NUMBER}){_END}", re.I)),
    ("article", re.compile(rf"^(Điều\s+\d{{1,3}}){_END}", re.I)),
    ("appendix", re.compile(rf"^(Phụ\s+lục(?:\s+(?:số\s+)?(?:{_NUMBER}|[A-Z]))?){_END}", re.I)),
)  # fmt: skip
_SEPARATOR = re.compile(r"^\s*[.:\-–)]\s*")
# Parts that open or close a report or a standard, and the parts of a criterion's assessment
FRAME = re.compile(
    r"^(Mở\s+đầu|Lời\s+mở\s+đầu|Lời\s+nói\s+đầu|Đặt\s+vấn\s+đề|Kết\s+luận(?:\s+và\s+kiến\s+nghị)?"
    r"(?:\s+(?:về|của)\s+\S.{0,60})?|Kiến\s+nghị(?:,?\s+đề\s+xuất)?|Tài\s+liệu\s+tham\s+khảo)"
    r"\s*:?$",
    re.I,
)
SUBPART = re.compile(
    r"^(Mô\s+tả(?:\s+hiện\s+trạng)?|Điểm\s+mạnh|(?:Điểm\s+|Những\s+)?tồn\s+tại(?:,?\s+hạn\s+chế)?"
    r"|Điểm\s+cần\s+cải\s+tiến|Kế\s+hoạch\s+hành\s+động|Kế\s+hoạch\s+cải\s+tiến(?:\s+chất\s+lượng)?"
    r"|(?:Mức\s+|Điểm\s+)?tự\s+đánh\s+giá|Mức\s+đánh\s+giá)"
    r"\s*(?::\s*(?:\S.{0,30})?)?$",
    re.I,
)

PART_LEVEL, ROMAN_LEVEL, ARABIC_LEVEL, ITEM_LEVEL = 1, 2, 3, 7
MAX_HEADING_WORDS = 40  # a numbered line longer than this is a numbered paragraph
MAX_LABEL_WORDS = 12  # "1. Mục tiêu: Phấn đấu …" -> the section is titled "1. Mục tiêu"
# (level, rank) of each labelled form; "frame" and "subpart" are placed by ``structure``
FORMS = {
    "part": (PART_LEVEL, 1.0), "appendix": (PART_LEVEL, 1.0), "chapter": (ROMAN_LEVEL, 1.3),
    "standard": (ROMAN_LEVEL, 1.5), "capital": (ROMAN_LEVEL, 1.7), "roman": (ROMAN_LEVEL, 2.0),
    "section": (ARABIC_LEVEL, 2.3), "criterion": (ARABIC_LEVEL, 2.5),
    "article": (ARABIC_LEVEL, 2.7), "frame": (PART_LEVEL, 1.0), "subpart": (ARABIC_LEVEL, 2.9),
}  # fmt: skip
RELATIVE_KINDS = ("frame", "subpart")

_COUNT = r"(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
# "Báo cáo này bao gồm 03 phần chính:", "… được chia thành 3 nhóm", "Quy chế này …"
_SENTENCE_CUES = re.compile(
    rf"\b(?:bao\s+gồm|gồm(?:\s+có)?|chia\s+(?:làm|thành)|có\s+tất\s+cả)\s+{_COUNT}\s+\w.*:$"
    r"|\b(?:báo\s+cáo|quy\s+chế|quyết\s+định|kế\s+hoạch|văn\s+bản|chương\s+trình)\s+này\b",
    re.I,
)
# List numbering at the start of a line, whether or not the line is a heading
NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}[.)]|[IVX]{1,5}\s*[.\-–)]|[a-zđ]\))\s")


@dataclass(frozen=True)
class HeadingMatch:
    label: str  # "II", "1.1", "Phần thứ nhất", "a", "Một là", "Chương I", "Tiêu chí 9.1"
    level: int
    rest: str  # the text after the numbering
    whole_line: bool  # True: the line is only a heading; False: a numbered paragraph
    kind: str = ""  # a key of FORMS, or "" for arabic numbering, items and heading styles

    @property
    def rank(self) -> float:
        """Nesting order: a heading closes every open section of equal or higher rank."""
        return FORMS[self.kind][1] if self.kind in FORMS else float(self.level)


def match_heading(text: str) -> HeadingMatch | None:
    """Classify a paragraph that starts with report numbering; None for ordinary text."""
    text = text.strip()
    if (m := PART.match(text)) and len(words(m.group(2))) <= 25:
        return HeadingMatch(m.group(1), PART_LEVEL, m.group(2).strip(), True, "part")
    if (m := ROMAN.match(text)) and _VALID_ROMAN.match(m.group(1)):
        return _numbered(m.group(1), ROMAN_LEVEL, m.group(2), roman=True)
    if m := ARABIC.match(text):
        level = ARABIC_LEVEL + m.group(1).count(".")
        return _numbered(m.group(1), level, m.group(2))
    if m := LETTER.match(text):
        return _numbered(m.group(1), ITEM_LEVEL, m.group(2))
    if m := ENUMERATION.match(text):
        return HeadingMatch(m.group(1), ITEM_LEVEL, m.group(2).strip(), False)
    if (m := CAPITAL.match(text)) and _is_title(m.group(2)):
        return HeadingMatch(m.group(1), ROMAN_LEVEL, m.group(2).strip(), True, "capital")
    return _labelled(text)


def _numbered(label: str, level: int, rest: str, roman: bool = False) -> HeadingMatch | None:
    rest = rest.strip()
    if roman and not (is_upper_text(rest) or len(words(rest)) <= 15):
        return None
    if reads_as_sentence(rest):
        return None
    whole = len(words(rest)) <= MAX_HEADING_WORDS and not _has_inner_sentence(rest)
    kind = "roman" if roman else ""
    return HeadingMatch(label, level, rest, whole, kind)


def _labelled(text: str) -> HeadingMatch | None:
    """'Chương II', 'TIÊU CHUẨN 9: …', 'Tiêu chí 9.1. …', 'Điều 5. …', 'Phụ lục 2', 'Mô tả'
    (capitalised: 'điều 5 …' in a line is the rest of a sentence)."""
    if not text[:1].isupper():
        return None
    for kind, pattern in _LABELLED:
        if not (m := pattern.match(text)):
            continue
        after = text[m.end() :]
        separated = _SEPARATOR.match(after)
        rest = after[separated.end() :] if separated else after.strip()
        if rest and not separated and not is_upper_text(rest):
            return None  # "Chương trình …", "Điều 5 Luật …": a sentence that starts so
        if kind == "article":  # "Điều 2. Quyết định này có hiệu lực …": the article is its text
            whole = not (is_terminated(rest) and len(words(rest)) > 12)
        elif reads_as_sentence(rest):
            return None
        else:
            whole = len(words(rest)) <= MAX_HEADING_WORDS and not _has_inner_sentence(rest)
        level = FORMS[kind][0]
        return HeadingMatch(" ".join(m.group(1).split()), level, rest.strip(), whole, kind)
    for kind, pattern in (("frame", FRAME), ("subpart", SUBPART)):
        if m := pattern.match(text):
            label = " ".join(m.group(1).split())
            return HeadingMatch(label, FORMS[kind][0], text[m.end(1) :].strip(" :"), True, kind)
    return None


def _is_title(text: str) -> bool:
    """The title after 'A.': upper case, or a few words without final punctuation."""
    text = text.strip()
    if reads_as_sentence(text):
        return False
    return is_upper_text(text) or (len(words(text)) <= 12 and not is_terminated(text))


def reads_as_sentence(text: str) -> bool:
    """A line that numbering or capitals make look like a heading but that reads as a sentence:
    a lead-in to a list with a count ('… bao gồm 03 phần chính:') or 'Báo cáo này …'."""
    return bool(_SENTENCE_CUES.search(text.strip()))


def opens_item(text: str) -> bool:
    """Does the line start a heading or a numbered list item (even one that is a sentence)?"""
    text = text.strip()
    return bool(NUMBERING.match(text)) or match_heading(text) is not None


def _has_inner_sentence(text: str) -> bool:
    """'Mục tiêu: Phấn đấu … . Phát động …' has a label and more than one sentence."""
    body = text.rstrip(" .;:")
    return bool(re.search(r"[.!?]\s+[A-ZĐÀ-Ỹ“\"(]", body)) or _label_of(text) is not None


def _label_of(text: str) -> str | None:
    head, sep, tail = text.partition(":")
    if sep and tail.strip() and len(words(head)) <= MAX_LABEL_WORDS and len(words(tail)) > 8:
        return head.strip()
    return None


def section_title(match: HeadingMatch, full_text: str) -> str:
    """The title shown in section paths."""
    if match.whole_line:
        return full_text.strip().rstrip(":").strip()
    if match.kind == "article":
        return match.label
    label = _label_of(match.rest)
    if label:
        return f"{_prefix(match, full_text)}{label}"
    first = " ".join(words(match.rest)[:10])
    return f"{_prefix(match, full_text)}{first}…"


def _prefix(match: HeadingMatch, full_text: str) -> str:
    """The numbering exactly as written: "1. ", "II- ", "Một là, "."""
    stripped = full_text.strip()
    return stripped[: len(stripped) - len(match.rest)] if stripped.endswith(match.rest) else ""


def is_unnumbered_heading(text: str, next_text: str | None, title_case: bool) -> bool:
    """Short upper-case titles; with ``title_case`` (documents without numbered headings, such
    as news articles) also short lines without final punctuation before a longer paragraph.
    A line that reads as a sentence ('Báo cáo này bao gồm 03 phần chính') is never one."""
    text = text.strip()
    if not text or text[0] in '-+•(“"' or is_terminated(text) or reads_as_sentence(text):
        return False
    n = len(words(text))
    if is_upper_text(text):
        return n <= 25
    following = len(words(next_text or ""))
    return title_case and n <= 8 and following > 2 * n and text[0].isupper()
