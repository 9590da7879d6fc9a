"""Vietnamese report headings: "Phần thứ nhất", "II-", "1.", "1.1.", "a)", "Một là, …"."""

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
_VALID_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")

PART_LEVEL, ROMAN_LEVEL, ARABIC_LEVEL, ITEM_LEVEL = 1, 2, 3, 7
MAX_HEADING_WORDS = 40  # a numbered line longer than this is a numbered paragraph
MAX_LABEL_WORDS = 12  # "1. Mục tiêu: Phấn đấu …" -> the section is titled "1. Mục tiêu"


@dataclass(frozen=True)
class HeadingMatch:
    label: str  # "II", "1.1", "Phần thứ nhất", "a", "Một là"
    level: int
    rest: str  # the text after the numbering
    whole_line: bool  # True: the line is only a heading; False: a numbered paragraph


def match_heading(text: str) -> HeadingMatch | None:
    """Classify a paragraph that starts with report numbering; None for ordinary text."""
    text = text.strip()
    if (m := PART.match(text)) and len(words(m.group(2))) <= 25:
        return HeadingMatch(m.group(1), PART_LEVEL, m.group(2).strip(), True)
    if (m := ROMAN.match(text)) and _VALID_ROMAN.match(m.group(1)):
        return _numbered(m.group(1), ROMAN_LEVEL, m.group(2), roman=True)
    if m := ARABIC.match(text):
        level = ARABIC_LEVEL + m.group(1).count(".")
        return _numbered(m.group(1), level, m.group(2))
    if m := LETTER.match(text):
        return _numbered(m.group(1), ITEM_LEVEL, m.group(2))
    if m := ENUMERATION.match(text):
        return HeadingMatch(m.group(1), ITEM_LEVEL, m.group(2).strip(), False)
    return None


def _numbered(label: str, level: int, rest: str, roman: bool = False) -> HeadingMatch | None:
    rest = rest.strip()
    if roman and not (is_upper_text(rest) or len(words(rest)) <= 15):
        return None
    whole = len(words(rest)) <= MAX_HEADING_WORDS and not _has_inner_sentence(rest)
    return HeadingMatch(label, level, rest, whole)


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
    as news articles) also short lines without final punctuation before a longer paragraph."""
    text = text.strip()
    if not text or text[0] in '-+•(“"' or is_terminated(text):
        return False
    n = len(words(text))
    if is_upper_text(text):
        return n <= 25
    following = len(words(next_text or ""))
    return title_case and n <= 8 and following > 2 * n and text[0].isupper()
