"""Extractive answers to questions about the reports: a number, a date or a sentence, cited.

``ask`` searches the index and ``extract_answer`` reads the hits: for "how many" questions it
picks the number (with its unit as written) whose surroundings best match the question, for
"when" questions a date, for the rest the best-matching sentence. The answer keeps the passage,
the character span, the sentence and the footnote <-> body context, and says whether it is
confident; when it is not, ``text`` is None and the sentence is only the best evidence.

No model here: overlap between the question's terms and the text around a candidate, the
retrieval rank, and whether a number carries the unit asked about. Weights and threshold were
chosen on the gold questions (eval/ask_eval.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from baocao.corpus.model import Passage
from baocao.corpus.sentences import split_sentences
from baocao.corpus.vietnamese import canonical, fold_diacritics
from baocao.index.analyzer import analyze, canonical_number, is_unaccented
from baocao.index.backends import SearchIndex
from baocao.index.hit import Hit
from baocao.qa.search import (
    MAX_QUERY_TOKENS,
    Filters,
    check_k,
    check_query,
    check_tokens,
    passage_filter,
)

QUESTION_KINDS = ("quantity", "when", "who", "which", "what", "list", "other")
CONFIDENCE_THRESHOLD = 0.65

# -- question words -------------------------------------------------------------------------
# Accented patterns, tried in this order; a question typed without diacritics is matched
# against their folded forms ("bao nhieu", "khi nao").
_KIND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("when", ("khi nào", "bao giờ", "lúc nào", "ngày nào", "tháng nào", "năm nào",
              "thời gian nào", "thời điểm nào")),
    ("quantity", ("bao nhiêu", "mấy", "số lượng", "tỷ lệ", "tỉ lệ", "bao lâu", "phần trăm",
                  "tỷ trọng", "^số")),
    ("other", ("thế nào", "ra sao")),
    ("list", ("những .*nào", "các .*nào", "gồm những", "gồm .*gì", "những gì")),
    ("who", ("ai", "người nào")),
    ("which", ("nào", "đâu")),
    ("what", ("gì",)),
)  # fmt: skip
_PERCENT_WORDS = ("tỷ lệ", "tỉ lệ", "phần trăm", "tỷ trọng", "chiếm")  # ... and "%"
_ASKED_RE = "(?:bao nhiêu|mấy|^số)"  # what follows names what is counted
# Date grain a "when" question wants: "ngày nào" a day, "năm nào" a year.
_GRAINS = (("ngày nào", "day"), ("tháng nào", "month"), ("năm nào", "year"))
# Question words and function words: they say nothing about where the answer is.
_STOP_WORDS = frozenset((
    "bao", "nhiêu", "mấy", "nào", "gì", "ai", "khi", "giờ", "lúc", "đâu", "thế", "sao", "là",
    "của", "có", "được", "đã", "đang", "sẽ", "theo", "về", "trong", "cho", "với", "và", "các",
    "những", "mình", "tôi", "cần", "tìm", "giúp", "câu", "đoạn", "nói", "viết", "nguyên", "văn",
    "ra", "đó", "này", "ở", "tại", "từ", "nay", "hiện", "thì", "lại", "bị", "vào", "năm", "số",
    "lượng", "tỷ", "tỉ", "lệ", "phần", "trăm", "lâu", "như", "hay", "hoặc", "còn", "mà", "nêu",
    "ghi", "chỉ", "riêng", "tính",
))  # fmt: skip

# Ways of saying the same thing; the question is read with the reports' usual wording.
_SAME_AS = (
    (re.compile(r"\b(?:mỗi|hàng) năm\b", re.IGNORECASE), "hằng năm"),
    (re.compile(r"\b(?:mỗi|hàng) tháng\b", re.IGNORECASE), "hằng tháng"),
    (re.compile(r"\b(?:mỗi|hàng) quý\b", re.IGNORECASE), "hằng quý"),
)


def reports_wording(question: str) -> str:
    """The question with "mỗi năm"/"hàng năm" written "hằng năm" (and so on), as the reports
    write them; tone-mark placement is unified first."""
    question = canonical(question)
    for pattern, wording in _SAME_AS:
        question = pattern.sub(wording, question)
    return question


# -- numbers, units, dates --------------------------------------------------------------------
_NUM = r"\d+(?:[.,]\d+)*(?:,\s\d{1,2}(?=\s+(?:tỷ|triệu|nghìn|ngàn)))?"  # + "94, 3 tỷ" (a typo)
_QUANTITY_RE = re.compile(
    rf"(?<![\w.,/-])(?:(?:hơn|trên|gần|khoảng|dưới|ít nhất)\s+)?"
    rf"(?P<number>{_NUM}(?:\s?[-–]\s?{_NUM}|/{_NUM})?)(?![\w/])(?P<percent>\s?%)?",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"(?:lần |vị trí )?(?:thứ|loại) (?:[IVX]+\b|\d+(?:/\d+)?)")
_DATE_RE = re.compile(
    r"(?P<day>(?:ngày\s+)?\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{4}"  # 19-8-2016, 22/7/2019
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"  # ngày 25 tháng 6 năm 2019
    r"|(?P<month>tháng\s+\d{1,2}\s?[-/]\s?\d{4}|tháng\s+\d{1,2}\s+năm\s+\d{4})"  # tháng 8-1991
    r"|(?P<year>năm\s+\d{4})(?![-–/]\d)",
    re.IGNORECASE,
)
# Numbers that are no quantity: document numbers ("16-BC/TU", "02/2015/QĐ-UBND"), periods.
_DOC_NUMBER_RE = re.compile(r"\d+(?:/\d+)*[-/][A-ZĐ][\w&]*(?:[-/][\w&]+)*")
_PERIOD_RE = re.compile(r"\b(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d\b")
_WORD_RE = re.compile(r"[^\W\d_]+[23]?(?!\w)")  # a syllable, or "km2", "m3"
# Units and measure words as written after a number; where one starts another, longest first.
_UNITS = (
    "tỷ đồng", "triệu đồng", "nghìn đồng", "ngàn đồng", "triệu USD", "USD", "đồng", "km2", "km",
    "m2", "m3", "ha", "tấn", "kg", "lượt người", "lượt", "người", "hộ", "cuộc", "đảng viên",
    "hội viên", "công dân", "cán bộ", "suất quà", "suất", "con", "xã", "thôn", "lớp",
    "ngày công", "trường hợp", "đơn", "căn", "bị cáo", "đầu mối", "tháng", "lần", "mô hình",
    "doanh nghiệp", "dự án",
)  # fmt: skip
# Words that end a unit: "673 cuộc đối thoại | với 2.035 tổ chức".
_UNIT_STOP = frozenset((
    "với", "và", "của", "trên", "đạt", "chiếm", "được", "đã", "so", "trong", "tại", "ở", "là",
    "thuộc", "có", "cho", "từ",
))  # fmt: skip
_MONEY_WORDS = ("tiền", "vốn", "kinh phí")
_MONEY_UNITS = ("đồng", "usd")
_MAX_UNIT_WORDS = 4
_CLAUSE_BREAK_RE = re.compile(r"[;:]")
_SEGMENT_BREAK_RE = re.compile(r"[;:,()]")
_BRACKETED_YEAR_RE = re.compile(r"[^()\d]{0,30}\((?:năm )?((?:19|20)\d\d)\)")
_NEAR_WORDS = 8  # words each side of a candidate that count as "near" it
_BREAK_DISTANCE = 3  # a comma or bracket between a word and a candidate: as far as 3 words


@dataclass(frozen=True)
class Answer:
    question: str
    text: str | None  # the answer as written in the report; None when not confident enough
    confident: bool
    passage: Passage | None  # the passage the answer (or the best evidence) comes from
    span: tuple[int, int] | None  # the answer's character offsets in passage.text
    sentence: str | None  # the sentence of passage.text holding the answer
    sentence_span: tuple[int, int] | None
    context: str | None  # footnote -> the sentence it annotates; body -> cited footnote(s)
    context_passage_id: str | None
    hits: tuple[Hit, ...]  # the hits looked at, best first
    score: float  # the confidence score that ``confident`` thresholds


# -- the question -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    text: str  # canonical, lower-cased; folded when typed without diacritics
    kind: str
    folded: bool
    weights: dict[str, float]  # content term -> weight
    bigrams: frozenset[str]  # of content terms
    numbers: frozenset[str]  # canonical numbers written in the question
    pins: frozenset[str]  # those outside periods ("năm 2019", not "2015-2020"): they pin a fact
    names: frozenset[str]  # capitalised words after the first: "Kon", "Tum", "DTTS"
    unit: tuple[str, ...]  # what is counted: the words after "bao nhiêu"/"mấy"
    percent: bool  # asks for a share
    grain: str | None  # "day", "month", "year": the date a "when" question wants


@dataclass(frozen=True)
class _Terms:
    words: frozenset[str]
    bigrams: frozenset[str]


def _normal(text: str, folded: bool) -> str:
    text = canonical(text).lower()
    return fold_diacritics(text) if folded else text


def _pattern(words: str, folded: bool) -> re.Pattern[str]:
    words = fold_diacritics(words) if folded else words
    return re.compile(words if words.startswith("^") else rf"(?<!\w){words}(?!\w)")


def _has(text: str, words: str, folded: bool) -> bool:
    return _pattern(words, folded).search(text) is not None


def question_kind(question: str) -> str:
    """What the question asks for: one of QUESTION_KINDS."""
    return _asked_kind(question) or "other"


def is_question(text: str) -> bool:
    """A question (a question word, or a final "?") rather than keywords or a phrase. Typed
    without diacritics only two-word question words count: "dau" is "đâu" but also "đầu"."""
    if text.rstrip().endswith("?"):
        return True
    return _asked_kind(text, two_words_only=is_unaccented(text)) is not None


def _asked_kind(question: str, two_words_only: bool = False) -> str | None:
    folded = is_unaccented(question)
    text = _normal(question, folded)
    for kind, patterns in _KIND_PATTERNS:
        patterns = [p for p in patterns if " " in p] if two_words_only else patterns
        if any(_has(text, p, folded) for p in patterns):
            return kind
    return None


def _asked_unit(text: str, folded: bool) -> tuple[str, ...]:
    """Up to three words right after "bao nhiêu"/"mấy": ("cuộc", "đối", "thoại")."""
    match = _pattern(_ASKED_RE, folded).search(text)
    if not match:
        return ()
    stop = _fold_all(_UNIT_STOP) if folded else _UNIT_STOP
    words: list[str] = []
    end = match.end()
    for word in _WORD_RE.finditer(text, end):
        if len(words) == 3 or text[end : word.start()].strip() or word.group() in stop:
            break
        words.append(word.group())
        end = word.end()
    return tuple(words)


def _fold_all(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold_diacritics(w) for w in words)


def _terms(text: str, folded: bool) -> _Terms:
    analysed = analyze(text)
    words, bigrams = analysed.words, analysed.bigrams
    if folded:
        words, bigrams = [fold_diacritics(w) for w in words], [fold_diacritics(b) for b in bigrams]
    return _Terms(frozenset(words), frozenset(bigrams))


def _parse_question(question: str) -> _Question:
    folded = is_unaccented(question)
    text = _normal(question, folded)
    stop = _fold_all(_STOP_WORDS) if folded else _STOP_WORDS
    terms = _terms(question, folded)
    names = frozenset() if folded else _names(question)
    keys = {_normal(name, folded) for name in names}
    weights = {t: 2.0 if t[0].isdigit() or t in keys else 1.0 for t in terms.words}
    weights = {t: w for t, w in weights.items() if t not in stop}
    grains = [grain for words, grain in _GRAINS if _has(text, words, folded)]
    return _Question(
        text=text,
        kind=question_kind(question),
        folded=folded,
        weights=weights,
        bigrams=frozenset(b for b in terms.bigrams if not set(b.split("_")) & stop),
        numbers=frozenset(t for t in terms.words if t[0].isdigit()),
        pins=frozenset(_numbers(_PERIOD_RE.sub(" ", question))),
        names=names,
        unit=_asked_unit(text, folded),
        percent="%" in text or any(_has(text, w, folded) for w in _PERCENT_WORDS),
        grain=grains[0] if grains else None,
    )


def _names(question: str) -> frozenset[str]:
    """Capitalised syllables after the first word: "Kon", "Tum", "Nhôh", "DTTS"."""
    return frozenset(w for w in _WORD_RE.findall(canonical(question))[1:] if w[0].isupper())


def _numbers(text: str) -> list[str]:
    return [w for w in analyze(text).words if w[0].isdigit()]


def _coverage(question: _Question, text: _Terms, context: _Terms | None = None) -> float:
    """Weighted share of the question's content terms and bigrams found in ``text`` (fully)
    or only in ``context`` (half)."""
    total = sum(question.weights.values()) + len(question.bigrams)
    if not total:
        return 0.0
    context = context or _Terms(frozenset(), frozenset())
    found = 0.0
    for term, weight in question.weights.items():
        found += weight if term in text.words else weight / 2 if term in context.words else 0
    for bigram in question.bigrams:
        found += 1 if bigram in text.bigrams else 0.5 if bigram in context.bigrams else 0
    return found / total


# -- candidates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    cover: float  # question terms in the sentence (found only around it: half)
    near: float  # question terms in the words around the candidate, within its clause
    unit: float  # a number: its unit is what is counted; a date: of the grain asked
    fit: float  # 1 for a number or date answering a quantity or "when" question, else 0
    prior: float  # 1 / the hit's position in the results
    place: float  # 0 when the question names a place the document is not about, else 1
    pin: float  # 1 when the candidate's clause repeats a number of the question (see _pin)
    named: float  # share of the question's names found in the sentence or document header


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    sentence_span: tuple[int, int]
    span: tuple[int, int]
    evidence: _Evidence


def _header(passage: Passage, index: SearchIndex) -> str:
    """The passage's headings and its document's kind, title, place, issuer and number."""
    document = index.documents.get(passage.doc_id)
    parts = list(passage.section_path)
    if document is not None:
        parts += [document.kind, document.title, document.place or "", document.issuer or ""]
        parts.append(document.number or "")
    return canonical(" ".join(parts))


def _surroundings(passage: Passage, header: str, index: SearchIndex) -> str:
    """All that places a sentence: the passage, its header, the document's date and years,
    and for a footnote the sentence it annotates."""
    document = index.documents.get(passage.doc_id)
    parts = [header, passage.anchor_text or "", passage.text]
    if document is not None:
        parts += [document.date or "", *map(str, document.years)]
    return " ".join(parts)


def _named(question: _Question, sentence: str, header: str) -> float:
    """Share of the question's names written as in the question in the sentence or the header
    (or in capitals in the header): 1 when the question names nothing."""
    if not question.names:
        return 1.0
    sentence = canonical(sentence)
    found = [
        _has(sentence, re.escape(name), False)
        or _has(header.upper(), re.escape(name.upper()), False)
        for name in question.names
    ]
    return sum(found) / len(found)


def _asked_places(question: _Question, index: SearchIndex) -> frozenset[str]:
    """The places documents are about ("Kon Tum", "Kiên Giang") that the question names."""
    places = {d.place for d in index.documents.values() if d.place}
    return frozenset(
        p for p in places if _has(question.text, _normal(p, question.folded), question.folded)
    )


def _place_score(places: frozenset[str], passage: Passage, index: SearchIndex) -> float:
    """0 when the question names places and the passage's document is about none of them."""
    document = index.documents.get(passage.doc_id)
    return 0.0 if places and (document is None or document.place not in places) else 1.0


def _sentences(passage: Passage) -> list[tuple[int, int]]:
    return split_sentences(passage.text) or [(0, len(passage.text))]


def _span_between(breaks: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of ``text`` around [start, end) between two ``breaks``."""
    before = [m.end() for m in breaks.finditer(text, 0, start)]
    after = breaks.search(text, end)
    return (before[-1] if before else 0, after.start() if after else len(text))


def _near(question: _Question, sentence: str, start: int, end: int) -> float:
    """Coverage of the question by the words around [start, end) in its clause, each counted
    less the further it is (a comma or bracket in between counts as a few words more); the
    numbers that pin a fact count fully anywhere in the clause."""
    clause_start, clause_end = _span_between(_CLAUSE_BREAK_RE, sentence, start, end)
    closest = dict.fromkeys(_words(question, sentence[start:end]), 1.0)
    for side, reverse in ((sentence[clause_start:start], True), (sentence[end:clause_end], False)):
        for term, distance in _placed_terms(question, side, reverse):
            nearness = 1.0 if term in question.pins else _nearness(distance)
            closest[term] = max(closest.get(term, 0.0), nearness)
    total = sum(question.weights.values()) + len(question.bigrams)
    found = sum(w * closest.get(t, 0.0) for t, w in question.weights.items())
    found += sum(closest.get(b, 0.0) for b in question.bigrams)
    return found / total if total else 0.0


def _placed_terms(question: _Question, text: str, reverse: bool) -> Iterator[tuple[str, int]]:
    """(word or bigram, distance) outwards from the candidate: from the end of ``text`` when
    it comes before the candidate (``reverse``), else from its start."""
    pieces = _SEGMENT_BREAK_RE.split(text)
    distance = 0
    for piece in reversed(pieces) if reverse else pieces:
        words = _words(question, piece)
        words = words[::-1] if reverse else words
        for i, word in enumerate(words):
            yield word, distance + i + 1
            if i:
                pair = (word, words[i - 1]) if reverse else (words[i - 1], word)
                yield "_".join(pair), distance + i
        distance += len(words) + _BREAK_DISTANCE


def _pin(question: _Question, sentence: str, start: int, end: int) -> float:
    """Whether the candidate at [start, end) is about the fact the question's numbers pin.

    When the question names a year, the years written closest to the candidate decide (1 if
    one is the question's, 0 if not): those in its stretch between commas or brackets, else a
    bracketed year right after it ("42/63 tỉnh (năm 2018)"). Otherwise 1 when its clause
    repeats a number of the question, 0 when it has only other years, and else 0.5.
    """
    asks_year = any(map(_is_year, question.pins))
    segment = _years(sentence, *_span_between(_SEGMENT_BREAK_RE, sentence, start, end))
    bracket = _BRACKETED_YEAR_RE.match(sentence, end)
    for years in (segment, {bracket.group(1)} if bracket else set()):
        if asks_year and years:
            return 1.0 if years & question.pins else 0.0
    clause_start, clause_end = _span_between(_CLAUSE_BREAK_RE, sentence, start, end)
    numbers = set(_numbers(sentence[clause_start:start] + " " + sentence[end:clause_end]))
    if numbers & question.pins:
        return 1.0
    return 0.0 if asks_year and any(map(_is_year, numbers)) else 0.5


def _years(sentence: str, start: int, end: int) -> set[str]:
    return {n for n in _numbers(sentence[start:end]) if _is_year(n)}


def _nearness(distance: int) -> float:
    """1 for the three closest words, then falling: 0.5 six words away, 0 past eight."""
    return 0.0 if distance > _NEAR_WORDS else min(1.0, 3 / (distance + 1))


def _words(question: _Question, text: str) -> list[str]:
    words = analyze(text).words
    return [fold_diacritics(w) for w in words] if question.folded else words


def _hit_candidates(
    question: _Question, places: frozenset[str], hit: Hit, position: int, index: SearchIndex
) -> Iterator[_Candidate]:
    """The sentences of the hit's passage, and the numbers or dates in them that could answer."""
    passage = hit.passage
    header = _header(passage, index)
    context = _terms(_surroundings(passage, header, index), question.folded)
    place = _place_score(places, passage, index)
    for start, end in _sentences(passage):
        sentence = passage.text[start:end]
        cover = _coverage(question, _terms(sentence, question.folded), context)
        named = _named(question, sentence, header)
        evidence = _Evidence(cover, cover, 0.0, 0.0, 1 / position, place, 0.5, named)
        yield _Candidate(hit, (start, end), (start, end), evidence)
        for a, b, unit in _answer_spans(question, sentence):
            near = _near(question, sentence, a, b)
            pin = _pin(question, sentence, a, b)
            found = replace(evidence, near=near, unit=unit, fit=1.0, pin=pin)
            yield _Candidate(hit, (start, end), (start + a, start + b), found)


def _answer_spans(question: _Question, sentence: str) -> Iterator[tuple[int, int, float]]:
    if question.kind == "quantity":
        yield from _quantities(question, sentence)
        if _has(question.text, "(?:thứ|loại) mấy", question.folded):
            for match in _ORDINAL_RE.finditer(sentence):
                yield _named_start(question, sentence, match.start()), match.end(), 1.0
    elif question.kind == "when":
        yield from _dates(question, sentence)


# -- numbers and dates ------------------------------------------------------------------------


def _quantities(question: _Question, sentence: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, unit score) of each quantity in ``sentence`` the question does not give."""
    patterns = (_DATE_RE, _DOC_NUMBER_RE, _PERIOD_RE)
    masked = [m.span() for p in patterns for m in p.finditer(sentence)]
    for match in _QUANTITY_RE.finditer(sentence):
        number = match.group("number")
        if _overlaps(match.span("number"), masked) or set(_parts(number)) <= question.numbers:
            continue
        percent = bool(match.group("percent"))
        end = match.end() if percent else _unit_end(question, sentence, match.end())
        unit = _unit_score(question, sentence, match.start("number"), match.end(), percent)
        if _is_year(number) and end == match.end():
            unit -= 1.0  # a bare year is seldom a count
        yield match.start(), end, unit


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _parts(number: str) -> list[str]:
    """The canonical numbers of "19/19", "32-33", "9.690,46"."""
    return [canonical_number(p) for p in re.split(r"\s?[-–/]\s?", number) if p]


def _is_year(number: str) -> bool:
    return number.isdigit() and len(number) == 4 and number[:2] in ("19", "20")


def _words_after(sentence: str, start: int) -> list[re.Match[str]]:
    """Up to four words right after ``start``, up to punctuation or a number."""
    words: list[re.Match[str]] = []
    end = start
    for word in _WORD_RE.finditer(sentence, start):
        if len(words) == _MAX_UNIT_WORDS or sentence[end : word.start()].strip():
            break
        words.append(word)
        end = word.end()
    return words


def _unit_end(question: _Question, sentence: str, start: int) -> int:
    """Where the unit after a number ends: a known unit ("cuộc", "tỷ đồng"), else the words
    the question counts, else the words before a function word."""
    words = _words_after(sentence, start)
    written = " ".join(w.group() for w in words).lower()
    for unit in _UNITS:
        if f"{written} ".startswith(f"{unit.lower()} "):
            return words[unit.count(" ")].end()
    keys = [_normal(w.group(), question.folded) for w in words]
    size = _common_prefix(keys, question.unit)
    if not size:
        size = next((i for i, key in enumerate(keys) if key in _UNIT_STOP), len(keys))
    return words[size - 1].end() if size else start


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def _unit_score(question: _Question, sentence: str, start: int, end: int, percent: bool) -> float:
    """How well a number at [start, end) fits what the question counts: 1 for the asked unit
    (or a percentage when a share is asked); 0.5 for its first word, plus a share of 0.5 for
    the asked words found right before or after; 0.5 for a word of the question after it."""
    keys = [_normal(w.group(), question.folded) for w in _words_after(sentence, end)]
    asked = question.unit
    if question.percent and (not asked or asked[0] in ("%", "phần", "phan")):
        return 1.0 if percent else 0.0
    if not asked:
        return 0.5 if percent == question.percent else 0.0
    if asked[0] in _normal(" ".join(_MONEY_WORDS), question.folded).split():
        money = _normal(" ".join(_MONEY_UNITS), question.folded).split()
        return 1.0 if any(k in money for k in keys[:3]) else 0.0
    if keys and keys[0] == asked[0]:
        if len(asked) == 1:
            return 1.0
        before = re.split(r"[^\w\s]", sentence[max(0, start - 40) : start])[-1]
        around = {*keys[1:], *_words(question, before)[-3:]}
        return 0.5 + 0.5 * sum(w in around for w in asked[1:]) / (len(asked) - 1)
    return 0.5 if any(k in question.weights for k in keys[:2]) else 0.0


def _named_start(question: _Question, sentence: str, start: int) -> int:
    """Move ``start`` back over up to two words that the question puts before the next one:
    "đô thị loại mấy" -> "đô thị| loại II"."""
    for _ in range(2):
        word = re.search(r"(\w+)\s+$", sentence[:start])
        following = re.match(r"\w+", sentence[start:])
        if not word or not following:
            break
        pair = _normal(f"{word.group(1)}_{following.group()}", question.folded)
        if pair not in question.bigrams:
            break
        start = word.start(1)
    return start


def _dates(question: _Question, sentence: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, grain score) of each date in ``sentence`` the question does not give."""
    for match in _DATE_RE.finditer(sentence):
        if {canonical_number(d) for d in re.findall(r"\d+", match.group())} <= question.numbers:
            continue
        grain = match.lastgroup
        fits = question.grain is None or grain == question.grain
        yield match.start(), match.end(), 1.0 if fits else 0.0


# -- choosing and answering -------------------------------------------------------------------

# How much each piece of evidence counts when picking the answer (best of a grid on the gold
# questions: 158 of 178 picked right; the plateau is wide).
_CHOICE_WEIGHTS = {
    "cover": 0.5, "near": 1.0, "unit": 1.0, "fit": 1.0, "prior": 0.2, "place": 1.0, "pin": 1.0,
    "named": 1.0,
}  # fmt: skip


def _choice(candidate: _Candidate) -> float:
    return sum(w * getattr(candidate.evidence, name) for name, w in _CHOICE_WEIGHTS.items())


def _confidence(evidence: _Evidence, margin: float) -> float:
    """How sure the pick is: the question's terms around it; for a number or a date, how near
    they are and whether it has the asked unit; its lead over the runner-up; and nothing when
    the document is about another place than the one asked about. Weights fitted on the gold
    questions (eval/ask_eval.py), rounded."""
    score = evidence.cover + 0.1 * min(margin, 1.0) + 0.1 * (evidence.pin - 0.5)
    if evidence.fit:
        score += 0.4 * evidence.near - 0.5 * (1.0 - evidence.unit)
    return score if evidence.place else score - 1.0


def _margin(best: _Candidate, candidates: Sequence[_Candidate]) -> float:
    """How far the best candidate leads the best one that answers something else."""
    text = _span_text(best)
    others = [_choice(c) for c in candidates if _span_text(c) != text]
    return _choice(best) - max(others, default=0.0)


def _span_text(candidate: _Candidate) -> str:
    start, end = candidate.span
    return candidate.hit.passage.text[start:end]


def extract_answer(question: str, hits: Sequence[Hit], index: SearchIndex) -> Answer:
    """The answer to ``question`` found in ``hits`` (best first); ``index`` only looks up
    documents and footnotes."""
    check_query(question, "question")
    parsed = _parse_question(question)
    places = _asked_places(parsed, index)
    hits = tuple(hits)
    candidates = [
        candidate
        for position, hit in enumerate(hits, start=1)
        for candidate in _hit_candidates(parsed, places, hit, position, index)
    ]
    if not candidates:
        return Answer(question, None, False, None, None, None, None, None, None, hits, 0.0)
    best = max(candidates, key=_choice)
    score = _confidence(best.evidence, _margin(best, candidates))
    return _answer(question, best, score, hits, index)


def _answer(
    question: str, best: _Candidate, score: float, hits: tuple[Hit, ...], index: SearchIndex
) -> Answer:
    passage = best.hit.passage
    confident = score >= CONFIDENCE_THRESHOLD
    context, context_id = _context(passage, best.sentence_span, index)
    start, end = best.sentence_span
    return Answer(
        question=question,
        text=passage.text[best.span[0] : best.span[1]] if confident else None,
        confident=confident,
        passage=passage,
        span=best.span if confident else None,
        sentence=passage.text[start:end],
        sentence_span=best.sentence_span,
        context=context,
        context_passage_id=context_id,
        hits=hits,
        score=round(score, 4),
    )


def _context(
    passage: Passage, sentence_span: tuple[int, int], index: SearchIndex
) -> tuple[str | None, str | None]:
    """A footnote's annotated sentence, or the footnotes cited in a body sentence."""
    if passage.kind == "footnote":
        return passage.anchor_text, passage.anchor_id
    start, end = sentence_span
    cited = [number for number, offset in passage.markers if start <= offset <= end + 1]
    notes = [index.passage(f"{passage.doc_id}:fn{number}") for number in cited]
    notes = [note for note in notes if note is not None and note.kind == "footnote"]
    if not notes:
        return None, None
    return "\n".join(note.text for note in notes), notes[0].passage_id


def ask(index: SearchIndex, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    """Search ``index`` for ``question`` (hybrid, among the passages ``filters`` accept) and
    extract the answer from the k best hits."""
    check_query(question, "question")
    check_k(k)
    read = reports_wording(question)
    if not read.strip():  # nothing left once control characters are cleaned away
        return Answer(question, None, False, None, None, None, None, None, None, (), 0.0)
    check_tokens(index, read, "question", MAX_QUERY_TOKENS)
    where = passage_filter(filters, index.documents) if filters else None
    answer = extract_answer(read, index.search(read, k, "hybrid", where), index)
    return replace(answer, question=question)
