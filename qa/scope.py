"""The scope a question asks about, and how well a fact's scope fits it.

"Năm 2019 tổ chức bao nhiêu cuộc đối thoại?" asks for one year: a figure for 2019 fits, a
yearly average over 2015–2020 or a count "từ năm 2014 đến nay" does not (they are shown beside
the answer, with their scope, but never given as "the 2019 figure"). A year, province or level
that no report covers gets no answer, and a note saying what the reports do cover.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from baocao.corpus.facts import (
    LEVEL_RE,
    LEVEL_WORDS,
    NAME_NUMBER,
    NOT_A_VILLAGE,
    PLACE_WORDS,
    Coverage,
    Scope,
    part_of_year,
)
from baocao.corpus.metadata import PROVINCES
from baocao.corpus.vietnamese import NAME_WORD, canonical, fold_diacritics
from baocao.index.analyzer import is_unaccented

# how a question writes a province whose name alone means something else ("tư tưởng Hồ Chí Minh")
_PROVINCE_WRITTEN = {"Thành phố Hồ Chí Minh": r"(?:thành phố|tp\.?)\s*hồ chí minh|tp\.?\s?hcm"}
_YEAR = r"((?:19|20)\d\d)"
_PERIOD_RE = re.compile(rf"{_YEAR}\s?[-–]\s?{_YEAR}|{_YEAR}\s+(?:đến|tới)\s+(?:năm\s+)?{_YEAR}")
_SINCE_YEAR_RE = re.compile(rf"từ\s+(?:năm\s+)?{_YEAR}\s+(?:đến|tới)\s+nay")
_YEAR_RE = re.compile(rf"(?<![\d/.,-]){_YEAR}(?![\d/])")
# "chia theo từng cấp", "theo các cấp", "mỗi cấp bao nhiêu": the figure of each level asked
_BY_LEVEL_RE = re.compile(
    r"(?:theo|chia|tách|mỗi|từng) (?:từng |các |mỗi )?cấp(?! (?:tỉnh|huyện|xã|cơ sở|thôn)\b)"
)
_YEARLY_RE = re.compile(r"(?:hằng|hàng|mỗi|một) năm|(?:bình quân|trung bình) (?:mỗi )?năm")
_TARGET_RE = re.compile(r"mục tiêu|phấn đấu|chỉ tiêu|kế hoạch đến|dự kiến|định hướng")
_SINCE_RE = re.compile(r"đến nay|tổng (?:cộng|số)|cả nhiệm kỳ|lũy kế|từ năm|trong nhiệm kỳ|"
                       r"nhiệm kỳ|giai đoạn|trong \d+ năm|mấy năm")  # fmt: skip
_UNTIL_RE = re.compile(r"(?:tính )?đến (?:cuối |hết )?năm \d{4}")
_PLACE_RE = re.compile(
    rf"(?<!\w){NOT_A_VILLAGE}((?i:{'|'.join(w for w in PLACE_WORDS if w != 'tỉnh')}))\s+"
    rf"({NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}{NAME_NUMBER}?)"
)


@dataclass(frozen=True)
class Asked:
    """What scope a question asks about; empty fields ask nothing."""

    years: frozenset[int] = frozenset()  # "năm 2019" -> {2019}; "2015-2020" -> the five years
    period: bool = False  # a stretch of years ("giai đoạn 2015-2020", "từ 2016 đến 2019")
    since: bool = False  # "từ năm 2014 đến nay": years holds the first year
    yearly: bool = False  # "hằng năm", "mỗi năm", "bình quân"
    target: bool = False  # "mục tiêu", "phấn đấu", "đến năm 2025"
    total: bool = False  # "đến nay", "tổng cộng", "cả nhiệm kỳ"
    until: bool = False  # "đến năm 2020", "tính đến cuối năm 2020": what was reached by then
    part: str = ""  # a part of the year: "9 tháng", "6 tháng cuối", "quý 1" (part_of_year)
    provinces: frozenset[str] = frozenset()  # any province named
    # a province named as a territory ("tỉnh Hà Tĩnh xây dựng …"), not only in the title of
    # one of its bodies ("Bí thư Tỉnh ủy Kiên Giang"): its total is asked, not a district's
    territory: bool = False
    places: tuple[str, ...] = ()  # districts, communes named: "huyện Hòn Đất"
    level: str = ""  # "tỉnh", "huyện", "xã", "thôn"
    by_level: bool = False  # "chia theo từng cấp", "tách theo cấp huyện và cấp xã": each level

    @property
    def asks(self) -> bool:
        return bool(
            self.years or self.part or self.yearly or self.provinces or self.places or self.level
        )


# A year or term right after the name of a report identifies the report, not the figure's time:
# "Báo cáo dân vận 2020 của Tỉnh ủy …", "theo báo cáo nhiệm kỳ 2015-2020, bao nhiêu …".
_REPORT_YEAR_RE = re.compile(
    rf"(?:báo cáo|chuyên đề|bài báo|công văn|văn bản|16-bc/tu)[^,;?]{{0,40}}?"
    rf"(?:(?:nhiệm kỳ|giai đoạn|năm)\s+)?{_YEAR}(?:\s?[-–]\s?{_YEAR})?",
    re.IGNORECASE,
)


def read_scope(
    question: str, known_places: Iterable[str] = (), covered_places: Iterable[str] = ()
) -> Asked:
    """The scope constraints written in a question, with or without diacritics; a year that
    only names the report ("báo cáo dân vận 2020") constrains nothing. Typed without
    diacritics, a place is one of ``known_places`` ("huyen dak ha" -> "huyện Đăk Hà"); a place
    a document is about (``covered_places``: "huyện Trần Đề") is read by its bare name too
    ("ở Trần Đề", "tran de")."""
    text = canonical(question)
    folded = is_unaccented(text)
    report = fold_diacritics(_REPORT_YEAR_RE.pattern) if folded else _REPORT_YEAR_RE.pattern
    text = re.sub(report, " ", text, flags=re.IGNORECASE)
    lower = text.lower()
    period = _PERIOD_RE.search(lower)
    years: set[int] = set()
    if period:
        a, b = [int(y) for y in period.groups() if y]
        years = set(range(min(a, b), max(a, b) + 1))
    else:
        years = {int(y) for y in _YEAR_RE.findall(lower)}
    since = re.search(fold_diacritics(_SINCE_YEAR_RE.pattern) if folded else _SINCE_YEAR_RE,
                      lower)  # fmt: skip
    if since:
        years = {int(since.group(1))}
    by_level = _says(_BY_LEVEL_RE, lower, folded) or len(_levels(lower, folded)) > 1
    return Asked(
        years=frozenset(years),
        period=bool(period),
        since=bool(since),
        yearly=_says(_YEARLY_RE, lower, folded),
        target=_says(_TARGET_RE, lower, folded),
        total=_says(_SINCE_RE, lower, folded),
        until=_says(_UNTIL_RE, lower, folded),
        part=part_of_year(lower),
        provinces=frozenset(_provinces(text, folded)),
        territory=any(not title for _, title in _province_mentions(text, folded)),
        places=_places(text, folded, known_places, covered_places),
        level="" if by_level else _level(lower, folded),
        by_level=by_level,
    )


def _places(
    text: str, folded: bool, known: Iterable[str], covered: Iterable[str]
) -> tuple[str, ...]:
    key = f" {fold_diacritics(text).lower()} " if folded else text
    if folded:
        places = [p for p in known if f" {fold_diacritics(p).lower()} " in key]
    else:
        places = [f"{m.group(1).lower()} {m.group(2)}" for m in _PLACE_RE.finditer(text)]
    for place in covered:  # "ở Trần Đề": the district a report is about, without its level
        name = place_name(place)
        if name != place and len(name.split()) > 1 and _bare_name(name, key, folded):
            places.append(place)
    if folded:  # "huong khe" typed bare: a district the reports name, not a province's name
        provinces = {fold_diacritics(p).lower() for p in PROVINCES}
        for place in known:
            name = place_name(place)
            bare = fold_diacritics(name).lower()
            if (name != place and place.lower().startswith(("huyện", "thị xã"))
                    and len(name.split()) > 1 and bare not in provinces
                    and _bare_name(name, key, folded)):  # fmt: skip
                places.append(place)
    return tuple(dict.fromkeys(places))


_NON_WORD_RE = re.compile(r"\W+")


def _bare_name(name: str, text: str, folded: bool) -> bool:
    """Whether ``text`` writes ``name`` as a name: capitalised (any case typed without
    diacritics), whole words."""
    if folded:
        words = _NON_WORD_RE.sub(" ", text)
        return f" {fold_diacritics(name).lower()} " in f" {words} "
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def is_target(text: str) -> bool:
    """Whether ``text`` states a target or plan: "Phấn đấu …", "chỉ tiêu …"."""
    return _TARGET_RE.search(text.lower()) is not None


def _says(pattern: re.Pattern[str], lower: str, folded: bool) -> bool:
    if folded:
        return re.search(fold_diacritics(pattern.pattern), lower) is not None
    return pattern.search(lower) is not None


def _provinces(text: str, folded: bool) -> list[str]:
    return list(dict.fromkeys(province for province, _ in _province_mentions(text, folded)))


# a body whose title a province ends: "Tỉnh ủy Kiên Giang", "UBND tỉnh Kon Tum"
_BODY_BEFORE_RE = re.compile(
    r"(?:tỉnh ủy|tỉnh uỷ|ubnd tỉnh|ủy ban nhân dân tỉnh|uỷ ban nhân dân tỉnh|hđnd tỉnh"
    r"|mặt trận tổ quốc tỉnh|công an tỉnh)\s*$"
)


def _province_mentions(text: str, folded: bool) -> Iterator[tuple[str, bool]]:
    """Each province named, and whether it is named in a body's title."""
    key = fold_diacritics(text).lower() if folded else text.lower()
    body = re.compile(fold_diacritics(_BODY_BEFORE_RE.pattern)) if folded else _BODY_BEFORE_RE
    for province in PROVINCES:
        name = _PROVINCE_WRITTEN.get(province, re.escape(province.lower()))
        pattern = rf"(?<!\w)(?:{fold_diacritics(name) if folded else name})(?!\w)"
        for match in re.finditer(pattern, key):
            yield province, body.search(key, 0, match.start()) is not None


def _level(lower: str, folded: bool) -> str:
    """The level a question names: "cấp xã", "UBND các xã" (not "toàn tỉnh": a total)."""
    return next(iter(_levels(lower, folded)), "")


def _levels(lower: str, folded: bool) -> list[str]:
    """The levels a question names, in order, each once."""
    pattern = re.compile(fold_diacritics(LEVEL_RE.pattern), re.I) if folded else LEVEL_RE
    levels = {fold_diacritics(k): v for k, v in LEVEL_WORDS.items()} if folded else LEVEL_WORDS
    named = (levels.get(m.group(1).lower(), "") for m in pattern.finditer(lower) if m.group(1))
    return list(dict.fromkeys(level for level in named if level))


# -- fit --------------------------------------------------------------------------------------


def time_fit(asked: Asked, scope: Scope) -> float:
    """1 when the fact is about the time asked; a partial score when it only overlaps (a
    yearly average, a total over a term that holds the year asked); 0 when it is another."""
    years = set(scope.years)
    if scope.time == "target" and not asked.target:
        return 0.0 if asked.years else 0.3
    if asked.target and scope.time != "target":
        return 0.3 if not asked.years or asked.years & years else 0.0
    # "9 tháng đầu năm 2024" asked: not the year's total, nor 6 months; the year asked: not a
    # part of it its sentence writes ("(6 tháng đầu năm 2024 tiếp 198 lượt)"); a report of a
    # part ("Báo cáo quý III …") answers for that part, and for a question that names none
    part = part_of_year(scope.period) if scope.time in ("part", "inherited") else ""
    if (asked.part or scope.time == "part") and part != asked.part:
        return 0.0 if (part and asked.part) or (asked.years and not asked.years & years) else 0.3
    if not asked.years:
        if asked.yearly:
            return 1.0 if scope.time == "yearly" else 0.5
        if asked.total:
            return 1.0 if scope.time in ("since", "period", "inherited") else 0.5
        return 1.0
    if not years:
        return 0.3
    if (
        asked.until
        and scope.time in ("inherited", "period", "since")
        and max(years) == max(asked.years)
    ):
        return 1.0  # "đến năm 2020 … bao nhiêu ha": the count of a term ending in 2020
    if asked.since:  # "từ năm 2014 đến nay": a count since that year, not one year's
        if scope.time in ("since", "period") and min(years) == min(asked.years):
            return 1.0
        return 0.4 if asked.years & years else 0.0
    if not asked.years & years:
        return 0.0
    if asked.period:
        if asked.yearly:
            return 1.0 if scope.time == "yearly" else 0.4
        return 1.0 if years >= asked.years and scope.time != "yearly" else 0.4
    if scope.time in ("year", "target") or years == set(asked.years):
        return 1.0
    return 0.4 if scope.time == "yearly" else 0.3


def place_fit(asked: Asked, scope: Scope) -> float:
    """1 for the place asked (or when none is asked), 0 for another."""
    if asked.provinces and scope.province not in asked.provinces:
        return 0.0
    if asked.places:  # by name: "huyện Hướng Hóa" asked, a district report's place "Hướng Hóa"
        return 1.0 if any(_names_place(p, scope) for p in asked.places) else 0.3
    if asked.territory and _within_province(scope):
        return 0.3  # "tỉnh Hà Tĩnh" asked: "huyện Kỳ Anh"'s figure is a part of it
    return 1.0


def _within_province(scope: Scope) -> bool:
    """Whether the scope is a district, commune or village of its province ("huyện Kỳ Anh, Hà
    Tĩnh"), not the province nor another one it borders ("tỉnh Rattanakiri")."""
    return scope.place != scope.province and not scope.place.lower().startswith("tỉnh")


def _names_place(asked: str, scope: Scope) -> bool:
    """Whether the place asked is the scope's: by name, but "thành phố Kon Tum" is not the
    province of a fact that names no place within it."""
    if scope.place == scope.province and scope.province in PROVINCES:
        return _spelled(asked) in _spelled(scope.place)
    return _spelled(place_name(asked)) in _spelled(scope.place)


@functools.lru_cache(maxsize=4096)  # asked of every fact a question is fitted to
def _spelled(place: str) -> str:
    """A place as compared: one tone placement ("Minh Hoá" is "Minh Hóa"), lower case."""
    return canonical(place).lower()


def place_name(place: str) -> str:
    """ "Hướng Hóa" of "huyện Hướng Hóa"."""
    named = _PLACE_RE.fullmatch(place)
    return named.group(2) if named else place


def level_fit(asked: Asked, scope: Scope) -> float:
    """1 for the level asked (or none asked), 0.5 when the fact names none or is the
    province's total ("toàn tỉnh" for "cấp tỉnh"), 0 for another."""
    if not asked.level:
        return 1.0
    if not scope.level or scope.level == f"toàn {asked.level}":
        return 0.5
    return 1.0 if scope.level == asked.level else 0.0


def scope_fit(asked: Asked, scope: Scope) -> float:
    return time_fit(asked, scope) * place_fit(asked, scope) * level_fit(asked, scope)


# -- what the reports cover -------------------------------------------------------------------


def uncovered(asked: Asked, coverages: Iterable[Coverage], fact_years: Iterable[int]) -> list[str]:
    """What the question asks that no report covers: "năm 2024", "tỉnh Gia Lai"."""
    coverages = list(coverages)
    missing = []
    provinces = {c.province for c in coverages if c.province}
    if asked.provinces and not asked.provinces & provinces:  # "tách ra từ Gia Lai - Kon Tum"
        missing += [f"tỉnh {province}" for province in sorted(asked.provinces)]
    covered = {y for c in coverages for y in c.years} | set(fact_years)
    if asked.years and not (asked.target or asked.since) and not asked.years & covered:
        missing.append(_years_words(sorted(asked.years)))
    return missing


def coverage_note(coverages: Sequence[Coverage], missing: Sequence[str]) -> str:
    """ "Các báo cáo có số liệu giai đoạn 2015–2020 (Kon Tum), năm 2019 (Kiên Giang); không có
    số liệu năm 2024." """
    by_place: dict[str, set[int]] = {}
    for coverage in coverages:
        if coverage.years:
            by_place.setdefault(coverage.province, set()).update(coverage.years)
    parts = [
        _years_words(sorted(years)) + (f" ({place})" if place else "")
        for place, years in by_place.items()
    ]
    note = f"Các báo cáo có số liệu {', '.join(parts)}" if parts else "Các báo cáo"
    if missing:
        note += f"; không có số liệu {', '.join(missing)}"
    return note + "."


def asked_words(asked: Asked) -> str:
    """The scope a question asks in words, as the answer card names it: "năm 2019, huyện Hòn
    Đất"; "" when it asks none."""
    parts = ["hằng năm"] if asked.yearly else []
    if asked.part:
        parts.append(asked.part)
    if asked.years:
        years = _years_words(sorted(asked.years))
        parts.append(f"từ {years} đến nay" if asked.since else years)
    if asked.target:
        parts.append("mục tiêu")
    elif asked.total and not (asked.since or asked.period):
        parts.append("tổng cộng")
    if asked.level:
        parts.append(f"cấp {asked.level}")
    parts += [f"tỉnh {province}" for province in sorted(asked.provinces)]
    parts += asked.places
    return ", ".join(parts)


def _years_words(years: Sequence[int]) -> str:
    if len(years) == 1:
        return f"năm {years[0]}"
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"giai đoạn {years[0]}–{years[-1]}"
    return "các năm " + ", ".join(map(str, years))
