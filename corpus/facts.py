"""Facts: every quantity and date a report states, with what it counts and its scope.

A fact is a value as written ("907 lượt/948 người", "từ 10 đến 14 tiêu chí", "673 cuộc"),
the unit and the counted thing, the words that qualify it (level, change, "trong đó"), and its
scope: the time it is about (a year in its clause, "hằng năm" over the report's period, "từ năm
2014 đến nay", a term, a target "đến năm 2025", or the report's own period, marked inherited)
and the place (the report's province, narrowed by a huyện/xã named in the clause).

Reading rules, not a model: a scope word applies from where it is written to the next one of
its kind in the same sentence ("cấp huyện … 13 cuộc; cấp xã … 151 cuộc"); what a sentence does
not say is inherited from the section ("Phương hướng … 2020-2025": targets) and the document.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from .metadata import PROVINCES, most_mentioned_province
from .model import Document, Passage

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
from .sentences import split_sentences
from .vietnamese import NAME_WORD, canonical, canonical_number, fold_diacritics

FACT_KINDS = ("quantity", "date", "reference")
# Raised whenever extraction changes: stored facts of another version are extracted again.
FACTS_VERSION = 36
TIME_KINDS = ("year", "part", "yearly", "since", "period", "target", "inherited", "none")
_STATED_TIMES = ("year", "part")  # a figure's own year in its sentence: "cuối năm 2022, …"
LEVELS = ("tỉnh", "huyện", "xã", "thôn")

# -- values -----------------------------------------------------------------------------------
_NUM = r"\d+(?:[.,]\d+)*"
_QUALIFIER = r"(?:(?:hơn|trên|gần|khoảng|dưới|ít nhất|tối thiểu|tối đa)\s+)"
# "907 lượt/948 người", "53 người/37 hộ", "02 cuộc/10 người": two counts of one event.
_PAIR_RE = re.compile(
    rf"(?<![\w.,/-])(?P<a>{_NUM})\s?(?P<ua>[^\W\d_]+(?: [^\W\d_]+)?)/(?P<b>{_NUM})\s?"
    rf"(?P<ub>[^\W\d_]+)"
)
# "1 tỷ 421 triệu đồng": one amount written in two units.
MONEY_SUM = rf"{_NUM}\s+t[ỷỉ]\s+{_NUM}\s+triệu"
_MONEY_SUM_RE = re.compile(rf"(?<![\w.,/-]){_QUALIFIER}?(?P<number>{MONEY_SUM})(?:\s+đồng)?", re.I)
_PER_YEAR = "/năm"  # "tăng trưởng bình quân 9,13%/năm"
# "từ 10 đến 14 tiêu chí", "từ 10 - 14": a range kept whole.
_RANGE_RE = re.compile(  # "từ trang 6 đến trang 7" whole
    rf"(?<![\w.,/-])từ\s+(?:(?P<w>[^\W\d_]+)\s+)?(?P<a>{_NUM})\s*(?:đến|tới|-|–)\s*"
    rf"(?:(?P=w)\s+)?(?P<b>{_NUM})",
    re.I,
)
_QUANTITY_RE = re.compile(
    rf"(?<![\w.,/-]){_QUALIFIER}?(?P<number>{_NUM}(?:\s?[-–]\s?{_NUM}|/{_NUM})?)"
    rf"(?![\w/])(?P<percent>\s?%)?",
    re.IGNORECASE,
)
# A unit glued to a number: "32.231m2", "15km", "100ha".
_GLUED_RE = re.compile(rf"(?<![\w.,/-])(?P<number>{_NUM})(?P<unit>m2|m3|km2|km|ha|kg|tấn)(?!\w)")
DATE_RE = re.compile(
    r"(?P<day>(?:ngày\s+)?\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{4}"  # 19-8-2016, 22/7/2019
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"  # ngày 25 tháng 6 năm 2019
    r"|(?P<month>tháng\s+\d{1,2}\s?[-/]\s?\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4})"  # tháng 8-1991
    r"|(?P<year>năm\s+\d{4})(?![-–/]\d)",
    re.IGNORECASE,
)
# Numbers that are no quantity: document numbers ("16-BC/TU", "02/2015/QĐ-UBND"), periods.
# "16-BC/TU", "15/2020/NĐ-CP", "6888/VPCP-V.I" (a dotted part only in capitals: not a full stop)
DOC_NUMBER_RE = re.compile(r"\d+(?:/\d+)*[-/][A-ZĐ][\w&]*(?:[-/][\w&]+|\.[A-ZĐ]+\b)*")
PERIOD_RE = re.compile(r"\b((?:19|20)\d\d)\s?[-–]\s?((?:19|20)\d\d)\b")
# A document cited by kind and number, with its date when given.
REFERENCE_RE = re.compile(
    r"(?P<kind>(?:Kế hoạch|Quyết định|Nghị quyết|Chỉ thị|Kết luận|Quy định|Chương trình|"
    r"Thông báo(?: kết luận)?|Công văn|Văn bản|Tờ trình|Hướng dẫn|Nghị định|Thông tư|Luật|"
    r"Pháp lệnh|Đề án|Báo cáo|Thông tri|Quy chế)(?:\s+liên tịch)?)\s+(?:số\s+)?"
    rf"(?P<number>{DOC_NUMBER_RE.pattern})"
    r"(?:,?\s+ngày\s+(?P<date>\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{4}"
    r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?"
)
_WORD_RE = re.compile(r"[^\W\d_]+[23]?(?!\w)")
# Units and measure words as written after a number; where one starts another, longest first.
UNITS = (
    "tỷ đồng", "tỉ đồng", "triệu đồng", "nghìn đồng", "ngàn đồng", "triệu USD", "USD",
    "đồng chí", "đồng", "km2", "km",
    "m2", "m3", "ha", "tấn", "kg", "lượt người", "lượt", "người", "hộ", "cuộc", "đảng viên",
    "hội viên", "đoàn viên", "công dân", "cán bộ", "suất quà", "suất", "con", "xã", "thôn",
    "lớp", "ngày công", "trường hợp", "đơn", "căn", "bị cáo", "đầu mối", "tháng", "lần",
    "mô hình", "doanh nghiệp", "dự án", "buổi", "tổ chức", "cá nhân", "sản phẩm", "tiêu chí",
    "phòng", "học sinh", "sinh viên", "giảng viên", "học viên", "đề tài", "bài báo", "vụ",
    "biên chế",
    "đợt", "hội nghị", "chi bộ", "đảng bộ", "tổ", "nhà", "km đường", "công trình",
)  # fmt: skip
# Words that end the counted thing: "673 cuộc đối thoại | với 2.035 tổ chức".
UNIT_STOP = frozenset((
    "với", "và", "của", "trên", "đạt", "chiếm", "được", "đã", "so", "trong", "tại", "ở", "là",
    "thuộc", "có", "cho", "từ", "tham", "gồm", "về", "theo", "để", "nhằm", "do", "bằng",
    "tăng", "giảm", "còn", "này", "đó",
))  # fmt: skip
_MAX_THING_WORDS = 5
_MAX_LABEL_WORDS = 5
_SEGMENT_BREAK_RE = re.compile(r"[;:,()]")
_LABEL_BREAK_RE = re.compile(r"[;,()\n]")

# -- scope words ------------------------------------------------------------------------------
_YEAR = r"((?:19|20)\d\d)"
_TIME_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("since", re.compile(rf"(?:từ|kể từ)\s+(?:năm\s+)?{_YEAR}\s+(?:đến|tới)\s+(?:nay|(?:năm\s+)?"
                         rf"{_YEAR})|từ đầu nhiệm kỳ(?: đến nay)?|(?<!\w)lũy kế", re.I)),
    ("target", re.compile(rf"(?:phấn đấu|mục tiêu|chỉ tiêu|kế hoạch|dự kiến|định hướng)"
                          rf"[^.;]{{0,40}}?(?:đến|tới)\s+năm\s+{_YEAR}"
                          rf"|(?:đến|tới)\s+năm\s+{_YEAR}\s*,?\s*(?:phấn đấu|có|đạt)"
                          rf"|(?:chỉ tiêu|mục tiêu)\s+(?:năm\s+)?{_YEAR}", re.I)),
    ("period", re.compile(rf"(?:nhiệm kỳ|giai đoạn|thời kỳ)\s+(?:\(?\s*){_YEAR}\s?[-–]\s?"
                          rf"{_YEAR}|(?<![\d/])\b{_YEAR}\s?[-–]\s?{_YEAR}\b|(?:sau|trong)\s+"
                          r"(?:\d+|năm)\s+năm(?:\s+thực hiện)?", re.I)),
    ("yearly", re.compile(r"(?:hằng|hàng|mỗi)\s+năm|bình quân (?:mỗi )?năm|trung bình "
                          r"(?:mỗi )?năm", re.I)),
    ("part", re.compile(rf"(?:\d{{1,2}}\s+tháng(?:\s+(?:đầu|cuối))?\s+năm|quý\s+"
                        rf"(?:IV|I{{1,3}}|[1-4])(?:\s*/\s*|\s+năm\s+)?)\s*{_YEAR}?"
                        r"|(?<!\w)trong\s+\d{1,2}\s+tháng(?:\s+qua)?(?=\s*,)", re.I)),
    ("year", re.compile(rf"(?:năm|cuối năm|đầu năm|trong năm)\s+{_YEAR}(?![-–/]\d)|\((?:năm\s+)?"
                        rf"{_YEAR}\)|(?:^|(?<=;))\s*năm:\s*{_YEAR}(?=\s*;)", re.I)),  # a row's
    # "Năm: 2019; Lượt tiếp: 396; …" (a table over year rows, as the readers write it)
)  # fmt: skip
# the time a figure is compared with: "tăng 8.000 ha so với năm 2015"
COMPARED_YEAR_RE = re.compile(
    rf"so với\s+(?:cùng kỳ\s+)?(?:(?:cuối|đầu)\s+)?(?:năm\s+)?{_YEAR}", re.I
)
# "cấp xã", "toàn tỉnh"; "UBND các xã, thị trấn": the communes' People's Committees
LEVEL_RE = re.compile(r"(?:cấp|ở cấp|(?:UBND|[UỦ]ỷ ban nhân dân|Ủy ban nhân dân) các)\s+"
                       r"(tỉnh|huyện|xã|cơ sở|thôn)|(toàn tỉnh)", re.I)  # fmt: skip
# … and, for a figure, the body of one level that gives it: "UBND huyện tiếp 214 lượt",
# "Ban Tiếp công dân huyện tiếp 152 lượt" (not for a question: "Kế hoạch của UBND tỉnh …" asks
# no level)
_FACT_LEVEL_RE = re.compile(
    rf"{LEVEL_RE.pattern}|(?:UBND|[UỦ]ỷ ban nhân dân|Ủy ban nhân dân|Ban tiếp công dân)\s+"
    r"(tỉnh|huyện|xã)\b", re.I)  # fmt: skip
# "toàn tỉnh": the province's total over its levels, not what "cấp tỉnh" did
LEVEL_WORDS = {"tỉnh": "tỉnh", "toàn tỉnh": "toàn tỉnh", "huyện": "huyện", "xã": "xã",
                "cơ sở": "xã", "thôn": "thôn"}  # fmt: skip
_CLAUSE_BREAK_RE = re.compile(r";")
_LEVEL_AFTER_CHARS = 40
# a number ending a name: "xã Đại Ân 2", "bản Na 2" — not a count after it ("huyện Đăk Hà 12
# cuộc"): the number is followed by a break or a verb, not by what it counts
NAME_NUMBER = r"(?:\s+\d{1,2}(?=\s*(?:[,;.:)]|$)|\s+(?:đạt|được|là|và|có|đã|xã|huyện)\b))"
# a village, as regions call it: "thôn" (most), "bản" (the north-west), "ấp" (the south),
# "buôn"/"bon"/"plei" (the Central Highlands), "khóm" (the Mekong towns)
VILLAGE_WORDS = ("thôn", "làng", "bản", "ấp", "buôn", "bon", "plei", "khóm")
# "bản" also writes a document ("văn bản Hướng dẫn", "bản Quy ước"): a village only when its
# name is not such a document's
_DOCUMENT_NAMES = (
    "Hướng|Hương|Quy|Cam|Kế|Báo|Thỏa|Thoả|Nghị|Tin|Đồ|Sao|Tóm|Đề|Danh|Hợp|Điều|Chính|Hiến|Tự|"
    "Kiểm|Tường"
)
NOT_A_VILLAGE = rf"(?<![Vv]ăn )(?<![Pp]hiên )(?![Bb]ản\s+(?:{_DOCUMENT_NAMES})\b)"
PLACE_WORDS = ("huyện", "xã", "thị xã", "thành phố", "thị trấn", "phường", *VILLAGE_WORDS, "tỉnh")
# a level abbreviated before a name, as tables write it: "TP. Vị Thanh", "TX. Long Mỹ", "H. Long
# Mỹ", "TT. Tri Tôn"
_LEVEL_ABBREVIATIONS = {
    "TP": "thành phố",
    "TX": "thị xã",
    "TT": "thị trấn",
    "H": "huyện",
    "Q": "quận",
}
_ABBREVIATED_LEVEL_RE = re.compile(rf"(?<!\w)(TP|TX|TT|H|Q)\.\s*(?={NAME_WORD})")


def spelled_levels(text: str) -> str:
    """``text`` with abbreviated levels written out: "TX. Long Mỹ" -> "thị xã Long Mỹ"."""
    return _ABBREVIATED_LEVEL_RE.sub(lambda m: _LEVEL_ABBREVIATIONS[m.group(1)] + " ", text)


PLACE_RE = re.compile(  # on one line: "Huyện: Bắc Sơn\nTỉnh: …" names no "Bắc Sơn Tỉnh"
    rf"(?<!\w){NOT_A_VILLAGE}({'|'.join(PLACE_WORDS)})[ \t]+"
    rf"({NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,3}}{NAME_NUMBER}?)"
)
_CHANGE_RE = re.compile(
    r"(tăng|giảm|còn|vượt|đạt|chiếm|tăng thêm|giảm còn|tăng lên|giảm xuống)\s*(?:thêm\s+)?$",
    re.IGNORECASE,
)
_PART_RE = re.compile(r"trong đó\b[^;.]*$", re.IGNORECASE)
_PLAN_WORDS_RE = re.compile(
    r"mục tiêu|nhiệm vụ|phương hướng|giải pháp|phấn đấu|kế hoạch|định hướng|chiến lược",
    re.IGNORECASE,
)
# a heading that opens with the targets it sets: "III. CHỈ TIÊU NĂM 2025", "PHỤ LỤC 01. CHỈ
# TIÊU CHỦ YẾU …" — targets even for the year the plan covers (not "Kết quả thực hiện các chỉ
# tiêu năm 2019")
_TARGET_HEADING_RE = re.compile(
    r"\W*(?:[IVX]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|phụ lục\s*\w*\.?)?\s*(?:chỉ tiêu|mục tiêu)",
    re.IGNORECASE,
)
_TARGET_SECTION_RE = re.compile(
    r"phương hướng|mục tiêu|nhiệm vụ(?:,| và)? giải pháp|chương trình chỉ đạo|kế hoạch"
    r"|chỉ tiêu|định hướng|dự báo",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scope:
    """What a fact is about: when, where, at which level."""

    years: tuple[int, ...]  # the years the value is about: (2019,), 2015..2020 for a term
    time: str  # one of TIME_KINDS
    period: str  # the words that set it: "năm 2019", "hằng năm", "từ năm 2014 đến nay"
    inherited: bool  # the sentence says nothing: the section's or the report's period
    place: str  # "Kon Tum", "huyện Hòn Đất, Kiên Giang"
    province: str  # the province alone ("" when unknown)
    level: str  # one of LEVELS or ""

    def to_dict(self) -> dict:
        return _shallow(self)


@dataclass(frozen=True)
class Fact:
    fact_id: str  # "<passage_id>#<n>"
    passage_id: str
    doc_id: str
    kind: str  # one of FACT_KINDS
    value: str  # as written, compound values whole: "907 lượt/948 người"
    numbers: tuple[str, ...]  # canonical numbers in the value ("907", "948")
    unit: str  # "lượt", "%", "" when none
    thing: str  # the counted thing: "cuộc đối thoại"; for a date, the event before it
    label: str  # the words before the value in its clause: "đối thoại", "tiếp đón định kỳ"
    change: str  # "tăng", "giảm", "còn", "đạt", ... or ""
    part: bool  # inside "trong đó …": a part of a larger count
    span: tuple[int, int]  # the value (and unit) in the passage text
    sentence_span: tuple[int, int]
    scope: Scope

    def to_dict(self) -> dict:
        return {**_shallow(self), "scope": _shallow(self.scope)}

    @classmethod
    def from_dict(cls, data: dict) -> Fact:
        data = dict(data)
        scope = dict(data.pop("scope"))
        scope["years"] = tuple(scope.get("years", ()))
        data["numbers"] = tuple(data.get("numbers", ()))
        data["span"] = tuple(data["span"])
        data["sentence_span"] = tuple(data["sentence_span"])
        return cls(**data, scope=Scope(**scope))


@dataclass(frozen=True)
class Coverage:
    """What a document has figures for: its province (and the district or commune within it
    that a district's or commune's report is about) and the years it reports on."""

    doc_id: str
    province: str
    years: tuple[int, ...]  # the reported period (targets excluded)
    period: str  # as the title or text writes it: "nhiệm kỳ 2015-2020", "năm 2019"
    place: str = ""  # "huyện Hướng Hóa": a place within the province, else ""

    @property
    def where(self) -> str:
        """ "huyện Hướng Hóa, Quảng Trị", or the province alone."""
        return ", ".join(p for p in (self.place, self.province) if p)

    def to_dict(self) -> dict:
        return _shallow(self)

    @classmethod
    def from_dict(cls, data: dict) -> Coverage:
        return cls(**{**data, "years": tuple(data.get("years", ()))})


def _shallow(record: DataclassInstance) -> dict:
    """A dataclass's fields as a dict, without ``asdict``'s deep copy (tuples stay tuples:
    JSON writes them as lists); a thousand facts a second faster to save."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


@dataclass(frozen=True)
class FactBook:
    """The facts of a set of documents, by passage, what each document covers and the places
    it names."""

    by_passage: dict[str, tuple[Fact, ...]]
    coverages: tuple[Coverage, ...]
    stated_years: frozenset[int]  # years a count is stated for ("cuối năm 2022, 6.115 hộ")
    # doc_id -> the places its passages name (``places_of``), for the documents stored with
    # them (a line written before places were stored has none)
    places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def facts(self, passage_id: str) -> tuple[Fact, ...]:
        return self.by_passage.get(passage_id, ())

    def all_facts(self) -> list[Fact]:
        return [fact for facts in self.by_passage.values() for fact in facts]

    def coverage(self, doc_id: str) -> Coverage | None:
        return next((c for c in self.coverages if c.doc_id == doc_id), None)

    @cached_property
    def known_places(self) -> tuple[str, ...] | None:
        """Every place the documents name, sorted; None when a document's places were not
        stored with its facts (the passages must be read for them then)."""
        if any(c.doc_id not in self.places for c in self.coverages):
            return None
        return tuple(sorted({place for c in self.coverages for place in self.places[c.doc_id]}))

    @classmethod
    def of(
        cls,
        facts: Iterable[Fact],
        coverages: Iterable[Coverage],
        places: Mapping[str, tuple[str, ...]] | None = None,
    ) -> FactBook:
        grouped: dict[str, list[Fact]] = defaultdict(list)
        years: set[int] = set()
        for fact in facts:
            grouped[fact.passage_id].append(fact)
            if fact.kind == "quantity" and fact.scope.time in _STATED_TIMES:
                years.update(fact.scope.years)
        return cls({k: tuple(v) for k, v in grouped.items()}, tuple(coverages), frozenset(years),
                   dict(places or {}))  # fmt: skip

    @classmethod
    def extract(cls, documents: Iterable[Document], passages: Sequence[Passage]) -> FactBook:
        """The book of documents given with their passages, extracted here."""
        documents = list(documents)
        return cls.of(*facts_of(documents, passages), places_of(documents, passages))

    def to_records(self) -> list[dict]:
        """One JSON record a line: the extractor's version, coverages, then facts
        (``facts.jsonl``)."""
        return [{"version": FACTS_VERSION}, *({"coverage": c.to_dict()} for c in self.coverages),
                *({"fact": f.to_dict()} for f in self.all_facts())]  # fmt: skip

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> FactBook | None:
        """The stored book; None when another version of the extractor wrote it."""
        facts, coverages, version = [], [], None
        for record in records:
            if "version" in record:
                version = record["version"]
            elif "coverage" in record:
                coverages.append(Coverage.from_dict(record["coverage"]))
            else:
                facts.append(Fact.from_dict(record["fact"]))
        return cls.of(facts, coverages) if version == FACTS_VERSION else None

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> FactBook | None:
        """The book of documents stored one a line (``document_line``); None when a line was
        written by another version of the extractor (its document's facts are extracted
        again)."""
        facts: list[Fact] = []
        coverages: list[Coverage] = []
        places: dict[str, tuple[str, ...]] = {}
        for line in lines:
            read = read_document_line(line)
            if read is None:
                return None
            coverages.append(read.coverage)
            facts += read.facts
            if read.places is not None:
                places[read.coverage.doc_id] = read.places
        return cls.of(facts, coverages, places)

    def lines(self) -> list[str]:
        """Each document's coverage, facts and places as one line (``document_line``)."""
        by_doc: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.all_facts():
            by_doc[fact.doc_id].append(fact)
        return [document_line(c, by_doc.get(c.doc_id, ()), self.places.get(c.doc_id))
                for c in self.coverages]  # fmt: skip


# -- storage: one JSON line a document ----------------------------------------------------------
# A document's coverage, facts and places are one line, its id and the extractor's version
# first, so a build can copy the line of an unchanged file verbatim (reading only its head) and
# parse it only when a search process reads the book. The places come next, in the head: a line
# written before they were stored has none (readers take it without them; a build or an ingest
# extracts it again, as a line of another version).
_LINE_HEAD_RE = re.compile(r'\{"doc_id": ("(?:[^"\\]|\\.)*"), "version": (-?\d+),( "places": \[)?')
PLACES_KEY = '"places": ['  # how a line holding its places writes them (only a key can)


def document_line(
    coverage: Coverage, facts: Iterable[Fact], places: Sequence[str] | None = None
) -> str:
    """One document's coverage, facts and places as one JSON line (no line break inside);
    ``places`` None: a line without them, as written before they were stored."""
    record: dict = {"doc_id": coverage.doc_id, "version": FACTS_VERSION}
    if places is not None:
        record["places"] = list(places)
    record["coverage"] = coverage.to_dict()
    record["facts"] = [fact.to_dict() for fact in facts]
    return json.dumps(record, ensure_ascii=False)


def document_lines(
    facts: Iterable[Fact],
    coverages: Iterable[Coverage],
    places: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """``document_line`` of each document, by doc_id (``facts_of``'s output, and
    ``places_of``'s)."""
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_doc[fact.doc_id].append(fact)
    places = places or {}
    return {c.doc_id: document_line(c, by_doc.get(c.doc_id, ()), places.get(c.doc_id))
            for c in coverages}  # fmt: skip


def extract_lines(documents: Iterable[Document], passages: Sequence[Passage]) -> dict[str, str]:
    """The line of each document given with its passages, by doc_id: what a build or an ingest
    stores (its coverage, facts and places, extracted here)."""
    documents = list(documents)
    return document_lines(*facts_of(documents, passages), places_of(documents, passages))


def line_head(line: str) -> tuple[str, int | None]:
    """The doc_id and extractor version of a ``document_line``, read without parsing the
    rest; ("", None) for a line of another shape."""
    match = _LINE_HEAD_RE.match(line)
    if match is None:
        return "", None
    return json.loads(match.group(1)), int(match.group(2))


def is_current(line: str) -> bool:
    """Whether a stored line is this version of the extractor's and holds its document's
    places, read from its head: a build copies such a line as it is, and extracts the document
    of any other again."""
    match = _LINE_HEAD_RE.match(line)
    return match is not None and int(match.group(2)) == FACTS_VERSION and bool(match.group(3))


@dataclass(frozen=True)
class DocumentFacts:
    """A document's stored line, read."""

    coverage: Coverage
    facts: list[Fact]
    places: tuple[str, ...] | None  # None: stored before places were


def read_document_line(line: str) -> DocumentFacts | None:
    """A document's coverage, facts and places from its line; None when another version of the
    extractor wrote it."""
    record = json.loads(line)
    if not isinstance(record, dict) or record.get("version") != FACTS_VERSION:
        return None
    facts = [Fact.from_dict(fact) for fact in record["facts"]]
    places = record.get("places")
    return DocumentFacts(Coverage.from_dict(record["coverage"]), facts,
                         None if places is None else tuple(places))  # fmt: skip


def places_named(texts: Iterable[str]) -> tuple[str, ...]:
    """The districts, communes, wards and villages ``texts`` name ("huyện Đăk Hà", "xã Ngọc
    Linh"), sorted; provinces left out (a report's province is in its coverage)."""
    found = {f"{m.group(1)} {m.group(2)}" for text in texts for m in PLACE_RE.finditer(text)}
    return tuple(sorted(place for place in found if not place.startswith("tỉnh")))


def places_of(
    documents: Iterable[Document], passages: Iterable[Passage]
) -> dict[str, tuple[str, ...]]:
    """doc_id -> the places its passages name (``places_named``), for every document given."""
    texts: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        texts[passage.doc_id].append(passage.text)
    return {d.doc_id: places_named(texts.get(d.doc_id, ())) for d in documents}


def facts_of(
    documents: Iterable[Document], passages: Iterable[Passage]
) -> tuple[list[Fact], list[Coverage]]:
    """The facts and coverages of documents given with their passages (in any order)."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_doc[passage.doc_id].append(passage)
    facts: list[Fact] = []
    coverages: list[Coverage] = []
    earlier: dict[str, Coverage] = {}  # the last document of each file
    for document in documents:
        coverage = document_coverage(document, by_doc.get(document.doc_id, []))
        before = earlier.get(document.source_file)
        if before is not None and not (coverage.province or coverage.place):
            # a file's next document that says no place is about where the one before it is
            coverage = replace(coverage, province=before.province, place=before.place)
        elif before is not None and not coverage.province:  # and in the province it is in
            coverage = replace(coverage, province=before.province)
        earlier[document.source_file] = coverage
        coverages.append(coverage)
        facts += extract_facts(document, by_doc.get(document.doc_id, []), coverage)
    return facts, coverages


# -- numbers ----------------------------------------------------------------------------------


def _numbers_in(text: str) -> tuple[str, ...]:
    return tuple(canonical_number(n) for n in re.findall(_NUM, text))


def is_year(number: str) -> bool:
    return number.isdigit() and len(number) == 4 and number[:2] in ("19", "20")


# -- document coverage ------------------------------------------------------------------------


def document_coverage(document: Document, passages: Sequence[Passage]) -> Coverage:
    """The period a document reports on: the title's ("nhiệm kỳ 2015-2020", "năm 2019"), else
    the period its text writes most often, else its years up to its date; and where."""
    province, place = _document_place(document, passages)
    title = canonical(document.title)
    for kind in ("part", "period", "year"):  # "Báo cáo … quý III năm 2024": of that quarter
        for match in _TIME_RES[_time_index(kind)][1].finditer(title):
            years = _years_of(match)
            if years:
                return Coverage(document.doc_id, province, years, match.group(), place)
    counts: dict[tuple[int, int], int] = {}
    for passage in passages:
        if passage.kind != "body" or _TARGET_SECTION_RE.search(" ".join(passage.section_path)):
            continue  # a plan ("Phương hướng … 2020-2025"), or a source cited in a footnote
        for match in PERIOD_RE.finditer(passage.text):
            a, b = int(match.group(1)), int(match.group(2))
            planned = _PLAN_WORDS_RE.search(passage.text, max(0, match.start() - 60), match.start())
            if a < b and not planned:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    counts = {period: n for period, n in counts.items() if n >= 2}  # once may be an aside
    dated = int(document.date[:4]) if document.date else None
    if dated:
        counts = {p: n for p, n in counts.items() if p[1] <= dated}
    if counts:
        (a, b) = max(counts, key=lambda p: (counts[p], -p[0]))
        return Coverage(document.doc_id, province, tuple(range(a, b + 1)), f"{a}-{b}", place)
    years = tuple(y for y in document.years if y <= dated) if dated else ()
    return Coverage(document.doc_id, province, years, "", place)


_DISTRICTS = ("huyện", "thị xã", "thành phố", "quận")
_COMMUNES = ("xã", "phường", "thị trấn")
LOCAL_LEVELS = _DISTRICTS + _COMMUNES
_LOCAL_ISSUER_RE = re.compile(rf"\b({'|'.join(level.upper() for level in LOCAL_LEVELS)})\s+\S")


def _document_place(document: Document, passages: Sequence[Passage]) -> tuple[str, str]:
    """(province, place within it): a district's report ("ỦY BAN NHÂN DÂN HUYỆN HƯỚNG HÓA",
    written at "Hướng Hóa") is about "huyện Hướng Hóa" in the province its text names most."""
    written = document.place or ""
    body = " ".join(p.text for p in passages if p.kind == "body")
    issuers = _issuers_place(document.issuer or "", body)
    if not written or written in PROVINCES:
        titled = _titled_places(document.title, body) or issuers
        return written or document.province or "", titled
    # the header's ("ĐẢNG BỘ TỈNH BÌNH PHƯỚC"), else the one the text names most (a commune's
    # text may name none)
    province = document.province or most_mentioned_province(body) or ""
    if issuers and canonical(_place_name(issuers.split(", ")[0])) != canonical(written):
        # "HUYỆN ỦY HÀM THUẬN BẮC" signs at "Ma Lâm", its seat: the district's
        return province, issuers
    local = _LOCAL_ISSUER_RE.search((document.issuer or "").upper())
    level = local.group(1).lower() if local else _level_written(written, body)
    if level:
        return province, _titled_commune(
            document.title, body, level, written
        ) + f"{level} {written}"
    # a place the text never names is only where the report was signed: "Đà Lạt, ngày …"
    # under "TỈNH ỦY LÂM ĐỒNG / BAN DÂN VẬN" reports on the province, not on the city
    named = re.search(rf"(?<!\w){re.escape(canonical(written))}(?!\w)", canonical(body))
    return province, written if named else ""


# the district or commune an issuer names: "UỶ BAN NHÂN DÂN XÃ BẢN HON", "HUYỆN ỦY HÀM THUẬN BẮC"
_ISSUERS_PLACE_RE = re.compile(
    rf"\b({'|'.join(sorted((level.upper() for level in LOCAL_LEVELS), key=len, reverse=True))})"
    r"(?:\s+[ỦU][ỶY])?\s+(?![ỦU][ỶY]$)(\S.*)$"
)


def _issuers_place(issuer: str, body: str) -> str:
    """The district or commune the issuer's name gives ("xã Bản Hon"), with its district when
    the body writes it right after ("xã Bản Hon, huyện Tam Đường"), spelled as the body spells
    the name ("Huyện ủy Hàm Thuận Bắc"), else as the issuer's words capitalised."""
    named = _ISSUERS_PLACE_RE.search(canonical(issuer).upper())
    if named is None:
        return ""
    level, name = named.group(1).lower(), named.group(2)
    text = canonical(body)
    for match in PLACE_RE.finditer(text):
        if match.group(1).lower() == level and name.startswith(match.group(2).upper()):
            joined = text.startswith(", ", match.end())  # "xã Bản Hon, huyện Tam Đường"
            after = PLACE_RE.match(text, match.end() + 2) if joined else None
            if level in _COMMUNES and after and after.group(1).lower() in _DISTRICTS:
                return f"{level} {match.group(2)}, {after.group(1).lower()} {after.group(2)}"
            return f"{level} {match.group(2)}"
    spelled = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    return f"{level} {spelled.group() if spelled else name.title()}"


def _titled_commune(title: str, body: str, level: str, district: str) -> str:
    """ "xã Mường Giôn, " when a district's document is about one of its communes, as its
    title says ("Biên bản Hội nghị đối thoại … với Nhân dân xã Mường Giôn"): its figures are
    the commune's, and the district's name stays in the place for questions about it (not
    "thị trấn Thạnh Phú" for a title that names the district "Thạnh Phú" of the same name)."""
    if level not in _DISTRICTS:
        return ""
    commune = _titled_commune_of(title, body, district)
    return f"{commune}, " if commune else ""


def _titled_commune_of(title: str, body: str, district: str) -> str:
    """The commune the title names (not the district it may also name), unless it is the
    district's namesake town ("thị trấn Thạnh Phú" in "huyện Thạnh Phú")."""
    commune = _titled_place(title, body, _COMMUNES)
    same = district and canonical(_place_name(commune)) == canonical(district)
    return "" if same else commune


def _level_written(name: str, body: str) -> str:
    """The level the body writes most before a place's name ("huyện Bảo Lâm"; in a text typed
    without diacritics "Huyen Bao Lam"): for an issuer named without it ("BAN DÂN VẬN" under
    "HUYỆN ỦY BẢO LÂM")."""
    for fold in (canonical, fold_diacritics):  # as written first: "phương" is not "phường"
        levels = {fold(level).lower(): level for level in LOCAL_LEVELS}
        alternatives = "|".join(sorted(map(re.escape, levels), key=len, reverse=True))
        pattern = rf"(?<!\w)({alternatives})\s+{re.escape(fold(name).lower())}(?!\w)"
        found = [levels[m.group(1)] for m in re.finditer(pattern, fold(body).lower())]
        if found:
            return max(set(found), key=found.count)
    return ""


def _titled_places(title: str, body: str) -> str:
    """The commune and the district the title names ("Biên bản hội nghị đối thoại … xã Na Mèo,
    huyện Quan Sơn"): the document is about the commune, in that district."""
    district = _titled_place(title, body, _DISTRICTS)
    commune = _titled_commune_of(title, body, _place_name(district))
    return f"{commune}, {district}" if commune and district else commune or district


def _place_name(place: str) -> str:
    """ "Thạnh Phú" of "thị trấn Thạnh Phú"."""
    level = max((w for w in PLACE_WORDS if place.startswith(f"{w} ")), key=len, default="")
    return place[len(level) :].strip()


def _titled_place(title: str, body: str, levels: Sequence[str] = ()) -> str:
    """A place within the province that the title names and the body writes with its level
    (one of ``levels``, if given): "Cam Lộ: “Dân vận khéo” …" and "huyện Cam Lộ" — an article
    about that district."""
    title = canonical(title)
    for match in PLACE_RE.finditer(canonical(body)):
        level, name = match.group(1).lower(), match.group(2)
        if level in ("tỉnh", *VILLAGE_WORDS) or (levels and level not in levels):
            continue
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title):
            return f"{level} {name}"
    return ""


def _time_index(kind: str) -> int:
    return next(i for i, (name, _) in enumerate(_TIME_RES) if name == kind)


def _years_of(match: re.Match[str]) -> tuple[int, ...]:
    years = [int(g) for g in match.groups() if g]
    if not years:
        return ()
    if len(years) >= 2 and years[0] < years[1]:
        return tuple(range(years[0], years[1] + 1))
    return (years[0],)


# -- extraction -------------------------------------------------------------------------------


def extract_facts(
    document: Document, passages: Sequence[Passage], coverage: Coverage | None = None
) -> list[Fact]:
    """Every quantity and date in the document's passages, with its scope."""
    coverage = coverage or document_coverage(document, passages)
    facts: list[Fact] = []
    for passage in passages:
        facts += passage_facts(passage, coverage)
    return facts


def passage_facts(passage: Passage, coverage: Coverage) -> list[Fact]:
    section = _section_scope(passage, coverage)
    facts: list[Fact] = []
    text = passage.text
    words = canonical(text)
    words = words if len(words) == len(text) else text  # offsets must stay those of ``text``
    context = canonical(passage.anchor_text or "") if passage.kind == "footnote" else ""
    context_marks = _Marks(context, 0, len(context))
    for start, end in sentence_spans(text):
        marks = _Marks(words, start, end)
        for kind, span, value_end in _values(text, start, end):
            scope = _scope(marks, span, section, coverage, context_marks)
            if kind in ("date", "reference"):
                scope = _own_date_scope(text[span[0] : span[1]], scope)
            elif text[span[0] : span[1]].endswith(_PER_YEAR) and scope.time not in (
                "year",
                "target",
            ):
                scope = replace(scope, time="yearly")  # "bình quân … đạt 9,13%/năm"
            fact = _fact(passage, scope, kind, span, value_end, (start, end))
            facts.append(replace(fact, fact_id=f"{passage.passage_id}#{len(facts)}"))
    return facts


_DAY_YEAR_RE = re.compile(
    r"\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?(\d{4})|tháng\s+\d{1,2}\s+năm\s+(\d{4})"
)


_YEAR_VALUE_RE = re.compile(r"năm\s+((?:19|20)\d\d)", re.IGNORECASE)


def _own_date_scope(value: str, scope: Scope) -> Scope:
    """A date, or a document cited with its date, is of its own year too — the period it
    stands in may be what it is about ("Kế hoạch … quy hoạch nhiệm kỳ 2015-2020"), and so may
    the year that cites it ("Quyết định số 1826-QĐ/TU, ngày 03-5-2019" carried on by the
    "Chương trình … năm 2020")."""
    if year_only := _YEAR_VALUE_RE.fullmatch(value.strip()):  # "năm 2019" is of 2019 alone
        year = int(year_only.group(1))
        return replace(scope, years=(year,), time="year", period=f"năm {year}", inherited=False)
    day = _DAY_YEAR_RE.search(value)
    if day is None:
        return scope
    year = int(day.group(1) or day.group(2))
    if not scope.years:
        return replace(scope, years=(year,), time="year", period=f"năm {year}", inherited=False)
    return replace(scope, years=tuple(sorted({*scope.years, year})), time="year")


_OWN_YEAR_CHARS = 40  # "58/63 tỉnh, thành phố (năm 2015)": how far a value's own year may be
_BETWEEN_RE = re.compile(r"[;()]|\d\S*\s+\D*\d")  # … and no clause break nor other value between
# … nor is it the year of a figure of the bracket's own: "391 lượt (năm 2023 tiếp 412 lượt)"
_BRACKET_VALUE_RE = re.compile(r"[^();\d]*\d")
# "giảm từ 1,424% năm 2015 xuống còn 1,2% năm 2020": each value of a change has its own year,
# written right after it (a unit or "vào cuối" between), and the change's "xuống"/"lên" joins them
_ADJACENT_RE = re.compile(r"\s*(?:[^\W\d_]+\s+){0,3}?(?:vào\s+)?(?:cuối\s+|đầu\s+)?")
_TO_RE = re.compile(r"\s*,?\s*(?:(?:xuống|lên|đến|tới)(?:\s+còn)?|còn)\s+(?=\d)")
_AVERAGE_RE = re.compile(r"(?<!\w)(?:bình quân|trung bình)(?!\w)", re.I)
_TO_BEFORE_RE = re.compile(r"(?:xuống|lên|đến|tới|còn)\s*$")


class _Marks:
    """The scope words of one sentence with their offsets: time, level, place, clause ends."""

    def __init__(self, text: str, start: int, end: int) -> None:
        sentence = text[start:end]
        self.text, self.end = text, end
        self.times = [(start + a, start + b, kind, words, years)
                      for a, b, kind, words, years in _time_matches(sentence)]  # fmt: skip
        # a year in brackets: "(năm 2015)", "(cuối năm 2022)"
        self.bracketed = [
            t for t in self.times
            if t[2] == "year" and (t[3].startswith("(") or text[: t[0]].rstrip().endswith("("))
        ]  # fmt: skip
        self.levels = [(start + m.start(), m) for m in _FACT_LEVEL_RE.finditer(sentence)]
        self.places = [(start + m.start(), m) for m in PLACE_RE.finditer(sentence)]
        self.clauses = [start + m.end() for m in _CLAUSE_BREAK_RE.finditer(sentence)]
        self.segments = [start + m.start() for m in _SEGMENT_BREAK_RE.finditer(sentence)]

    def time_at(self, at: int, end: int | None = None) -> tuple[str, str, tuple[int, ...]] | None:
        """A year in brackets right after the value [at, end) ("vị trí thứ 58/63 tỉnh, thành
        phố (năm 2015)"), or right after it in a change ("từ 1,424% năm 2015 xuống …"), else
        the nearest time words before ``at`` (not another value's own year in a change), else
        the first after it in its segment."""
        own = [
            t
            for t in self.bracketed
            if at < t[0] <= at + _OWN_YEAR_CHARS
            and not _BETWEEN_RE.search(self.text, at, self._bracket_of(t))
            and (t[3].endswith(")") or not _BRACKET_VALUE_RE.match(self.text, t[1]))
        ]
        if own:
            return own[0][2:]
        if end is not None and (change := self._own_in_change(at, end)):
            return change[2:]
        before = [t for t in self.times if t[1] <= at and not self._closed_before(t, at)
                  and not (t[2] == "year" and _TO_RE.match(self.text, t[1]))]  # fmt: skip
        if before:
            return before[-1][2:]
        segment_end = next((s for s in self.segments if s >= at), self.end)
        after = [t for t in self.times if at <= t[0] < segment_end]
        return after[0][2:] if after else None

    def _closed_before(self, time: tuple, at: int) -> bool:
        """Whether ``time`` is written in a bracket with a figure of its own that closes before
        ``at``: "(năm 2021 là 1.152 mô hình); trong đó, lĩnh vực kinh tế 548 mô hình" — 548 is
        not of 2021 (but "42/63 tỉnh (năm 2018) với 43,21 điểm" is)."""
        opened = self._bracket_of(time)
        if opened == -1 or self.text.rfind(")", 0, time[0]) > opened:
            return False
        closed = self.text.find(")", time[0])
        if closed == -1 or closed >= at:
            return False
        rest = self.text[opened + 1 : max(opened + 1, time[0])] + self.text[time[1] : closed]
        return any(c.isdigit() for c in rest)

    def _bracket_of(self, time: tuple) -> int:
        """Where the bracket opens that holds a bracketed year ("(cuối năm 2022)")."""
        return self.text.rfind("(", 0, time[0] + 1)

    def yearly_before(self, at: int) -> bool:
        """Whether the period before the value is one it is a yearly average of: "Hằng năm,
        giai đoạn 2021-2023, …" or "giai đoạn 2019-2023, bình quân … 95 mô hình"."""
        before = [t for t in self.times if t[1] <= at]
        if not before or before[-1][2] != "period":
            return False
        start, end = before[-1][:2]
        yearly = any(t[2] == "yearly" and re.fullmatch(r"[\s,]*", self.text[t[1] : start])
                     for t in before[:-1])  # fmt: skip
        return yearly or _AVERAGE_RE.search(self.text, end, at) is not None

    def _own_in_change(self, at: int, end: int):
        """The year written right after a value that opens ("từ 1,424% năm 2015 xuống") or
        closes ("xuống còn 1,2% năm 2020") a change."""
        for time in self.times:
            gap = _ADJACENT_RE.match(self.text, end, time[0])
            if time[2] != "year" or time[0] < end or gap is None or gap.end() != time[0]:
                continue
            opens = _TO_RE.match(self.text, time[1]) is not None
            closes = _TO_BEFORE_RE.search(self.text, max(0, at - 12), at) is not None
            return time if opens or closes else None
        return None

    def level_named_after(self, at: int):
        """A level in what the value counts, before the next comma: "102/102 đơn vị hành
        chính cấp xã"."""
        segment_end = next((s for s in self.segments if s > at), self.end)
        after = [m for a, m in self.levels if at < a < min(segment_end, at + _LEVEL_AFTER_CHARS)]
        return after[0] if after else None

    def last_before(self, found: list, at: int, clause_only: bool = True):
        clause_start = max([c for c in self.clauses if c <= at], default=-1)
        before = [m for a, m in found if a < at and (not clause_only or a >= clause_start)]
        return before[-1] if before else None

    def first_after(self, found: list, at: int):
        """The first of ``found`` after ``at`` in its segment: "325 lượt người dân xã B" (not
        "12 hộ … đến địa bàn, tập trung ở xã Đắk Ơ 8 hộ": the commune's is the 8)."""
        segment_end = min([s for s in self.segments if s > at], default=self.end)
        after = [m for a, m in found if at < a < segment_end]
        return after[0] if after else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage; a line break always ends one ("label: value" lines, table
    rows), since in passage text it only ever separates paragraphs."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans += [(offset + a, offset + b) for a, b in split_sentences(line)]
        offset += len(line) + 1
    return spans or [(0, len(text))]


def _values(text: str, start: int, end: int) -> Iterator[tuple[str, tuple[int, int], int]]:
    """(kind, (value start, value end), end of the number part) for each value in the
    sentence [start, end), compound values first; nothing inside a date or document number."""
    sentence = text[start:end]
    taken: list[tuple[int, int]] = [m.span() for m in DOC_NUMBER_RE.finditer(sentence)]
    taken += [m.span() for m in PERIOD_RE.finditer(sentence)]
    found: list[tuple[str, tuple[int, int], int]] = [
        ("reference", m.span(), m.end()) for m in REFERENCE_RE.finditer(sentence)
    ]  # a reference's date stays a date of its own too
    for match in DATE_RE.finditer(sentence):
        if not _overlaps(match.span(), taken):
            found.append(("date", match.span(), match.end()))
    taken += [s for k, s, _ in found if k == "date"]
    for match in _MONEY_SUM_RE.finditer(sentence):
        if not _overlaps(match.span(), taken):
            found.append(("quantity", match.span(), match.end("number")))
            taken.append(match.span())
    for match in _PAIR_RE.finditer(sentence):
        if not _overlaps(match.span(), taken) and _is_unit(match.group("ua").split()[0]):
            found.append(("quantity", match.span(), match.end()))
            taken.append(match.span())
    for match in _RANGE_RE.finditer(sentence):
        if not _overlaps(match.span(), taken):
            unit_end = _unit_end(sentence, match.end())
            found.append(("quantity", (match.start(), unit_end), match.end()))
            taken.append((match.start(), unit_end))
    for match in _GLUED_RE.finditer(sentence):
        if not _overlaps(match.span(), taken):
            found.append(("quantity", match.span(), match.end()))
            taken.append(match.span())
    for match in _QUANTITY_RE.finditer(sentence):
        span = match.span("number")
        if _overlaps(span, taken):
            continue
        number = match.group("number")
        unit_end = match.end() if match.group("percent") else _unit_end(sentence, match.end())
        if match.group("percent") and sentence.startswith(_PER_YEAR, unit_end):
            unit_end += len(_PER_YEAR)  # "9,13%/năm": a rate each year
        if is_year(canonical_number(number)) and unit_end == match.end():
            continue  # a bare year is a time, not a count
        found.append(("quantity", (match.start(), unit_end), match.end()))
        taken.append(span)
    for kind, (a, b), value_end in sorted(found, key=lambda f: f[1]):
        yield kind, (start + a, start + b), start + value_end


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _is_unit(word: str) -> bool:
    return any(unit.split()[0].lower() == word.lower() for unit in UNITS)


# "có 40/70 (57,1%) xã có đồng bào …": a share in brackets between a count and what it counts
_BRACKETED_SHARE_RE = re.compile(r"\s*\(\s*\d+(?:,\d+)?\s?%\s*\)")


def past_share(text: str, at: int) -> int:
    """Where the words after a count start: past a bracketed share right after it."""
    share = _BRACKETED_SHARE_RE.match(text, at)
    return share.end() if share else at


def words_after(text: str, start: int, limit: int) -> list[re.Match[str]]:
    """Up to ``limit`` words right after ``start`` (past a bracketed share), up to
    punctuation or a number."""
    words: list[re.Match[str]] = []
    start = end = past_share(text, start)
    for word in _WORD_RE.finditer(text, start):
        gap = text[end : word.start()]
        if len(words) == limit or gap.strip() or "\n" in gap:  # a line ends the thing
            break
        words.append(word)
        end = word.end()
    return words


def _unit_end(text: str, start: int) -> int:
    """Where a known unit after a number ends ("cuộc", "tỷ đồng"); ``start`` when none."""
    words = words_after(text, start, 3)
    written = " ".join(w.group() for w in words).lower()
    for unit in UNITS:
        if f"{written} ".startswith(f"{unit.lower()} "):
            return words[unit.count(" ")].end()
    return start


def _thing(text: str, value_end: int) -> str:
    """The counted thing: the unit and the words after it up to a function word."""
    words = words_after(text, value_end, _MAX_THING_WORDS + 2)
    kept: list[str] = []
    for word in words:
        if word.group().lower() in UNIT_STOP or len(kept) == _MAX_THING_WORDS:
            break
        kept.append(word.group())
    return " ".join(kept)


def _label(text: str, sentence_start: int, value_start: int) -> str:
    """The words before the value in its segment: "đối thoại" in "…, đối thoại 13 cuộc"."""
    before = text[sentence_start:value_start]
    segment = _LABEL_BREAK_RE.split(before)[-1]
    stripped = segment.rstrip()  # "Tổng diện tích đất: 32.231m2": the label before ":"
    segment = stripped[:-1] if stripped.endswith(":") else segment.split(":")[-1]
    words = _WORD_RE.findall(segment)
    return " ".join(words[-_MAX_LABEL_WORDS:])


def _fact(
    passage: Passage,
    scope: Scope,
    kind: str,
    span: tuple[int, int],
    value_end: int,
    sentence_span: tuple[int, int],
) -> Fact:
    text = passage.text
    value = text[span[0] : span[1]]
    number_part = text[span[0] : value_end]
    unit = (
        "%"
        if value.rstrip().removesuffix(_PER_YEAR).endswith("%")
        else _unit_of(value, number_part) or _labelled_unit(text, sentence_span[0], span[0])
    )
    before = canonical(text[sentence_span[0] : span[0]])
    change = _CHANGE_RE.search(before)
    if kind == "reference":
        thing = _thing(text, span[1])  # "về …": what the cited document is about
    elif kind == "date":
        thing = _label(text, sentence_span[0], span[0])
    else:
        thing = " ".join(p for p in (unit, _thing(text, span[1])) if p and p != "%")
    return Fact(
        fact_id="",
        passage_id=passage.passage_id,
        doc_id=passage.doc_id,
        kind=kind,
        value=value,
        numbers=_numbers_in(number_part) if kind != "date" else _numbers_in(value),
        unit=unit,
        thing=thing,
        label=_label(text, sentence_span[0], span[0]),
        change=change.group(1).lower() if change else "",
        part=bool(_PART_RE.search(before)),
        span=span,
        sentence_span=sentence_span,
        scope=scope,
    )


_LABEL_UNIT_RE = re.compile(rf"\((%|{'|'.join(map(re.escape, UNITS))})\)", re.IGNORECASE)


def _labelled_unit(text: str, sentence_start: int, value_start: int) -> str:
    """The unit a bare value's label gives in brackets: "Cấp xã (lượt): 248", "Diện tích
    (ha): 12,5"."""
    label = re.split(r"[;\n]", text[sentence_start:value_start])[-1].rstrip()
    if not label.endswith(":"):
        return ""
    units = _LABEL_UNIT_RE.findall(label)
    return units[-1] if units else ""


def _unit_of(value: str, number_part: str) -> str:
    glued = _GLUED_RE.fullmatch(value)
    if glued:
        return glued.group("unit")
    rest = value[len(number_part) :] if value.startswith(number_part) else ""
    rest = _BRACKETED_SHARE_RE.sub("", rest, count=1).strip()
    if rest:
        return rest
    pair = _PAIR_RE.fullmatch(value)
    return pair.group("ua") if pair else ""


# -- scope ------------------------------------------------------------------------------------


def _section_scope(passage: Passage, coverage: Coverage) -> Scope:
    """The scope a passage inherits: a target section's period, else the document's."""
    path = canonical(" › ".join(passage.section_path))
    target = _TARGET_SECTION_RE.search(path)
    periods = [m for m in PERIOD_RE.finditer(path)]
    years_in = [int(y) for y in re.findall(_YEAR, path)]
    if target and (periods or years_in):
        if periods:
            a, b = int(periods[-1].group(1)), int(periods[-1].group(2))
            years = tuple(range(a, b + 1))
        else:
            years = (years_in[-1],)
        named = any(_TARGET_HEADING_RE.match(h) for h in passage.section_path)
        if not coverage.years or max(years) > max(coverage.years) or named:
            return Scope(years, "target", path, True, coverage.where, coverage.province, "")
    own = _heading_years(passage.section_path)
    if not target and own and own != coverage.years:  # "I. KẾT QUẢ … NĂM 2024" in a 2025 plan
        period = f"năm {own[0]}" if len(own) == 1 else f"giai đoạn {own[0]}–{own[-1]}"
        return Scope(own, "inherited", period, True, coverage.where, coverage.province, "")
    return Scope(
        coverage.years,
        "inherited",
        coverage.period,
        True,
        coverage.where,
        coverage.province,
        "",
    )


# the year or term a heading says its section reports on: "KẾT QUẢ … NĂM 2024", "… GIAI ĐOẠN
# 2020 - 2025" — not a cited document's year ("Chỉ thị số 05-CT/TW năm 2016")
_HEADING_YEARS_RE = re.compile(
    rf"(?:năm|giai đoạn|nhiệm kỳ)\s+{_YEAR}(?:\s?[-–]\s?{_YEAR})?", re.IGNORECASE
)
_CITED_RE = re.compile(r"nghị quyết|chỉ thị|kết luận|quyết định|kế hoạch số|số\s+\d", re.I)


def _heading_years(section_path: Sequence[str]) -> tuple[int, ...]:
    """The years the nearest heading naming one reports on, else ()."""
    for heading in reversed(section_path):
        found = _HEADING_YEARS_RE.findall(heading)
        if len(found) == 1 and not _CITED_RE.search(heading):
            first, last = int(found[0][0]), int(found[0][1] or found[0][0])
            return tuple(range(first, last + 1))
    return ()


def _scope(
    marks: _Marks, span: tuple[int, int], section: Scope, coverage: Coverage, context: _Marks
) -> Scope:
    """The scope of a value at ``span``: the scope words before it in its sentence (the
    nearest of each kind; level and place within its clause), else time words right after it
    in its segment, else those of the sentence a footnote annotates, else the section's."""
    at = span[0]
    time = marks.time_at(at, span[1]) or context.time_at(context.end)
    level = (
        marks.level_named_after(at)
        or marks.last_before(marks.levels, at)
        or context.last_before(context.levels, context.end, clause_only=False)
    )
    place = marks.last_before(marks.places, at)
    if place is None and not _counts_places(marks.text, span):
        place = marks.first_after(marks.places, at)  # not the members of "08 huyện, thành phố"
    years, kind, words, inherited = section.years, section.time, section.period, True
    if time is not None:
        kind, words, years = time
        inherited = False
        if kind == "since" and len(years) == 1:
            last = max(coverage.years) if coverage.years else years[0]
            years = tuple(range(years[0], max(years[0], last) + 1))
        if kind == "part" and not years:  # "6 tháng đầu năm": of the section's year
            years = section.years
        if kind == "yearly" or (kind in ("period", "since") and not years):
            years = section.years if section.time == "target" else coverage.years
        if kind == "period" and marks.yearly_before(at):
            kind = "yearly"  # "Hằng năm, giai đoạn 2021-2023, bình quân …": a yearly average
        if kind == "year" and coverage.years and years and years[0] > max(coverage.years):
            kind = "target"  # "năm 2025" in a 2015-2020 report: a plan
        elif (
            kind == "target"
            and coverage.years
            and years
            and years[-1] <= max(coverage.years)
            and not _TARGET_NAMED_RE.match(words)
        ):
            kind = "year"  # "đến năm 2020 đạt …" in a 2015-2020 report: what was reached
    level_word = ""
    if level is not None:
        level_word = LEVEL_WORDS.get(next(g for g in level.groups() if g).lower(), "")
    place_words = section.place
    if place is not None and place.group(2) != section.province:
        place_words = f"{place.group(1)} {place.group(2)}"
        if section.province:
            place_words += f", {section.province}"
    elif place is not None and not _OF_PLACE_RE.search(place.string, 0, place.start()):
        # "toàn tỉnh Thái Bình", "Hội nghị … tỉnh An Giang" in an article about a commune: the
        # province's (not "… huyện miền núi của tỉnh Quảng Trị, có 21 xã": a district's)
        place_words = section.province
    return Scope(years, kind, words, inherited, place_words, section.province, level_word)


# "… của tỉnh Quảng Trị", "xã Nam Thịnh (huyện Tiền Hải, tỉnh Thái Bình)": the province
# qualifies another place
_OF_PLACE_RE = re.compile(r"(?:(?:của|thuộc)\s*|[,(]\s*)$", re.IGNORECASE)


# "Chỉ tiêu năm 2025: 210", "mục tiêu năm 2024": a target, even of the period reported on
_TARGET_NAMED_RE = re.compile(r"(?:chỉ tiêu|mục tiêu)\s", re.I)


# a count of places: the places named after it are the ones counted, not its scope
_PLACE_UNIT_RE = re.compile(rf"\s*(?:{'|'.join(PLACE_WORDS)})(?!\w)", re.IGNORECASE)


def _counts_places(text: str, span: tuple[int, int]) -> bool:
    """Whether the value counts places ("08 huyện", "08" before "huyện"): the places named
    after it are the ones counted, not its scope."""
    unit = re.search(r"\s\S+$", text[span[0] : span[1]])
    return _PLACE_UNIT_RE.match(text, span[1]) is not None or (
        unit is not None and _PLACE_UNIT_RE.fullmatch(unit.group()) is not None
    )


def _time_matches(text: str) -> list[tuple[int, int, str, str, tuple[int, ...]]]:
    """(start, end, kind, words, years) of every time expression in ``text``; where two
    overlap, the first kind listed wins ("từ năm 2014 đến nay" is not "năm 2014")."""
    found: list[tuple[int, int, str, str, tuple[int, ...]]] = []
    compared = [m.span() for m in COMPARED_YEAR_RE.finditer(text)]  # no time of the figure
    for kind, pattern in _TIME_RES:
        for match in pattern.finditer(text):
            taken = [(a, b) for a, b, *_ in found] + compared
            if not _overlaps(match.span(), taken):
                found.append((match.start(), match.end(), kind, match.group(), _years_of(match)))
    return sorted(found)


_PART_OF_YEAR_RE = re.compile(
    r"(?<!\d)(1?\d)\s+thang(?:\s+(dau|cuoi))?(?:\s+nam|\s+(?:19|20)\d\d)"
    r"|(?<=trong )(1?\d)\s+thang(?=\s*(?:[,?.]|$))|quy\s+(iv|i{1,3}|[1-4])\b"
)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@functools.lru_cache(maxsize=4096)  # asked of every fact's period a question is fitted to
def part_of_year(text: str) -> str:
    """The part of a year ``text`` names, with or without diacritics: "6 tháng đầu năm 2024"
    -> "6 tháng", "9 thang nam 2024" -> "9 tháng" (the first months, said or not), "6 tháng
    cuối năm" -> "6 tháng cuối", "quý III/2024" -> "quý 3"; "" for none."""
    match = _PART_OF_YEAR_RE.search(fold_diacritics(text).lower())
    if match is None:
        return ""
    months, end, bare_months, quarter = match.groups()
    if quarter:
        return f"quý {_QUARTERS.get(quarter) or int(quarter)}"
    months = int(months or bare_months)
    if months >= 12:  # a whole year ("12 tháng năm 2024"), or a duration
        return ""
    return f"{months} tháng" + (" cuối" if end == "cuoi" else "")


def describe(scope: Scope) -> str:
    """The scope in words, as the answer card shows it: "hằng năm, nhiệm kỳ 2015–2020, tỉnh
    Kon Tum, cấp huyện"."""
    parts: list[str] = []
    years = scope.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    if scope.time == "yearly":
        parts += ["hằng năm", f"giai đoạn {span}" if span else ""]
    elif scope.time == "since":
        parts.append(scope.period or f"từ năm {years[0]}" if years else scope.period)
    elif scope.time == "target":
        parts.append(f"mục tiêu đến năm {years[-1]}" if years else "mục tiêu")
    elif scope.time == "part":
        parts.append(scope.period)
    elif scope.time in ("period", "inherited") and len(years) > 1:
        parts.append(f"giai đoạn {span}" + (" (kỳ báo cáo)" if scope.inherited else ""))
    elif span:
        parts.append(f"năm {span}" + (" (kỳ báo cáo)" if scope.inherited else ""))
    if scope.level:
        parts.append(scope.level if scope.level.startswith("toàn") else f"cấp {scope.level}")
    if scope.place:
        place = scope.place
        parts.append(place if " " in place and place.split()[0].islower() else f"tỉnh {place}")
    return ", ".join(p for p in parts if p)
