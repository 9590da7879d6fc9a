"""Citations as Vietnamese documents cite each other, and where to check them.

    Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon Tum (giai đoạn 2015–2020), mục III.1,
    chú thích 6                                       <- ``Citation.text()``, the citing form
    000_9c3704398cac95ef.txt, dòng 150                <- ``Citation.source()``, for checking

A report without number or date is cited by its title, so it is still recognisable
("Báo cáo tổng kết công tác dân vận năm 2019 … (Kiên Giang)"); a draft whose number and date
were left blank ("Số: /UBND-KGVX", "ngày tháng năm") says so ("công văn chưa ghi số, chưa ghi
ngày") instead of showing "/UBND-KGVX". The province and the period a report covers are named
in every citation unless its own words already name them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from baocao.corpus.headings import match_heading
from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical, fold_diacritics

_ROMAN = re.compile(r"^[IVXLC]+$")
# A Vietnamese syllable (folded, lower case): onset, vowels, coda. Upper-case words that are not
# one (UBND, HĐND, MTTQ, KGVX) are acronyms and keep their capitals.
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]+"
                       r"(ch|ng|nh|[cmnpt])?$")  # fmt: skip
_NUMERIC = ("roman", "")  # kinds of headings whose labels chain as "III.1"


def vietnamese_date(iso: str) -> str:
    """ "2020-11-11" -> "11/11/2020" (as dates are written in the reports' citations)."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def header_date(iso: str) -> str:
    """ "2020-11-11" -> "ngày 11 tháng 11 năm 2020" (as a report's header writes its date)."""
    year, month, day = iso.split("-")
    return f"ngày {day} tháng {month} năm {year}"


@dataclass(frozen=True)
class Citation:
    doc_id: str
    doc_title: str
    doc_number: str | None
    doc_date: str | None
    file: str
    section_path: tuple[str, ...]
    footnote: int | None
    line_start: int
    line_end: int
    page: int | None = None  # PDF: the page the passage starts on
    page_end: int | None = None
    doc_kind: str = ""  # "báo cáo", "công văn", ...
    issuer: str | None = None  # as printed: "TỈNH ỦY KON TUM"
    province: str | None = None  # "Kon Tum"
    years: tuple[int, ...] = ()  # the period the document covers

    def text(self) -> str:
        """The citing form: the document, then "mục III.1", then "chú thích 6"."""
        parts = [self.document(), section_label(self.section_path)]
        if self.footnote is not None:
            parts.append(f"chú thích {self.footnote}")
        return ", ".join(part for part in parts if part)

    def document(self) -> str:
        """The document as cited, with its province and period."""
        return document_citation(self.doc_title or self.doc_id, self.doc_kind, self.doc_number,
                                 self.doc_date, self.issuer, self.province, self.years)  # fmt: skip

    def source(self) -> str:
        """The file and where in it: "000_9c37….txt, dòng 150"."""
        return f"{self.file}, {self.place()}"

    def full(self) -> str:
        """The citing form and the file, for a terminal."""
        return f"{self.text()} — {self.source()}"

    def place(self) -> str:
        """Where in the file: "trang 3–4" in a PDF, "đoạn 12" in a Word file (its paragraphs,
        headings and table rows, counted), "dòng 8–9" in a text file."""
        if self.page is not None:
            return f"trang {_range(self.page, self.page_end or self.page)}"
        unit = "đoạn" if self.file.lower().endswith(".docx") else "dòng"
        return f"{unit} {_range(self.line_start, self.line_end)}"


def cite(passage: Passage, document: Document | None) -> Citation:
    return Citation(
        doc_id=passage.doc_id,
        doc_title=document.title if document else "",
        doc_number=document.number if document else None,
        doc_date=document.date if document else None,
        file=passage.source_file,
        section_path=passage.section_path,
        footnote=passage.footnote,
        line_start=passage.line_start,
        line_end=passage.line_end,
        page=passage.page,
        page_end=passage.page_end,
        doc_kind=document.kind if document else "",
        issuer=document.issuer if document else None,
        province=document.place if document else None,
        years=tuple(document.years) if document else (),
    )


def cite_document(document: Document) -> str:
    """A whole document as cited (the reports list, the document view)."""
    return document_citation(document.title or document.doc_id, document.kind, document.number,
                             document.date, document.issuer, document.place,
                             tuple(document.years))  # fmt: skip


# Cached: every hit shown cites its document and section again (≈ 0.1 ms a hit, most of a
# page's results), and an index has few documents and sections.
@functools.lru_cache(maxsize=4096)
def document_citation(
    title: str,
    kind: str,
    number: str | None,
    date: str | None,
    issuer: str | None,
    province: str | None,
    years: tuple[int, ...],
) -> str:
    kind_name = (kind or "văn bản").strip()
    numbered = bool(number) and any(c.isdigit() for c in number or "")
    keep = (province,) if province else ()
    if numbered or date:
        head = kind_name[:1].upper() + kind_name[1:]
        if numbered:
            head += f" số {number}"
        if date:
            head += f" ngày {vietnamese_date(date)}"
        if issuer:
            head += f" của {sentence_case(issuer, keep)}"
    else:
        head = _titled(sentence_case(title, keep), kind_name)
    notes = []
    if province and _key(province) not in _key(head):
        notes.append(province)
    period = period_text(years)
    if period and not all(str(y) in head for y in (years[0], years[-1])):
        notes.append(period)
    missing = []
    if number and not numbered:  # "Số: /UBND-KGVX": the number was left blank
        missing.append("chưa ghi số")
        if not date:
            missing.append("chưa ghi ngày")
    if missing:
        notes.append(f"{kind_name.lower()} {', '.join(missing)}")
    return f"{head} ({'; '.join(notes)})" if notes else head


def period_text(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    if years[0] == years[-1]:
        return f"năm {years[0]}"
    return f"giai đoạn {years[0]}–{years[-1]}"


def section_label(path: tuple[str, ...]) -> str:
    """ "mục III.1" for ("III. KẾT QUẢ", "1. Về …"); "Phần thứ nhất, mục I.2, điểm a";
    a heading without numbering by its words: "mục “Những bài học kinh nghiệm”"."""
    return _section_label(tuple(path))


# Cached: the same sections are cited hit after hit (see _document_citation).
@functools.lru_cache(maxsize=4096)
def _section_label(path: tuple[str, ...]) -> str:
    parts: list[str] = []
    chain: list[str] = []

    def close() -> None:
        if chain:
            parts.append("mục " + ".".join(chain))
            chain.clear()

    for title in path:
        found = match_heading(title)
        if found is None or not found.label:
            close()
            words = title.strip()
            parts.append(f"mục “{words if len(words) <= 60 else words[:57].rstrip() + '…'}”")
        elif found.kind in _NUMERIC and (found.label[:1].isdigit() or found.kind == "roman"):
            if chain and found.label.startswith(chain[-1] + "."):  # "1" then "1.1"
                chain[-1] = found.label
            else:
                chain.append(found.label)
        elif len(found.label) == 1 and found.label.islower():  # "a)"
            close()
            parts.append(f"điểm {found.label}")
        elif found.kind == "capital":
            chain.append(found.label)
        else:  # "Phần thứ nhất", "Chương II", "Một là", "Điều 5"
            close()
            parts.append(found.label)
    close()
    return ", ".join(parts)


def sentence_case(text: str, keep: tuple[str, ...] = ()) -> str:
    """Words printed in capitals as a sentence writes them ("TỈNH ỦY KON TUM" -> "Tỉnh ủy
    Kon Tum"): Roman numerals and acronyms keep their capitals, and so do the names in
    ``keep``."""
    words = text.split(" ")
    upper = [_is_upper_word(w) for w in words]
    out = []
    for i, word in enumerate(words):
        in_run = upper[i] and ((i > 0 and upper[i - 1]) or (i + 1 < len(words) and upper[i + 1]))
        if in_run and not _keeps_capitals(word):
            word = word.lower()
        out.append(word)
    result = " ".join(out)
    if result and result != text:
        result = result[0].upper() + result[1:]
        for name in keep:
            result = re.sub(re.escape(name), name, result, flags=re.IGNORECASE)
    return result


def _is_upper_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _keeps_capitals(word: str) -> bool:
    letters = "".join(c for c in word if c.isalpha())
    if _ROMAN.match(letters):
        return True
    return not _SYLLABLE.match(fold_diacritics(letters).lower().replace("đ", "d"))


def _titled(title: str, kind: str) -> str:
    """The title as cited: "Công văn về việc …" for a "V/v …" title; the kind before a title
    that does not start with it ("Bài báo “Huy động …”")."""
    if re.match(r"^v/v\b", title, re.IGNORECASE):
        return f"{kind[:1].upper()}{kind[1:]} về việc {title[3:].strip()}"
    if _key(title).startswith(_key(kind)):
        return title
    return f"{kind[:1].upper()}{kind[1:]} “{title}”"


def _key(text: str) -> str:
    return fold_diacritics(canonical(text)).lower()


def _range(start: int, end: int) -> str:
    return f"{start}" if start == end else f"{start}–{end}"
