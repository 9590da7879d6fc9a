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

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from baocao.corpus.facts import (
    COMPARED_YEAR_RE,
    DATE_RE,
    DOC_NUMBER_RE,
    LEVEL_RE,
    MONEY_SUM,
    NAME_NUMBER,
    PERIOD_RE,
    PLACE_RE,
    PLACE_WORDS,
    UNIT_STOP,
    UNITS,
    Fact,
    FactBook,
    Scope,
    describe,
    is_year,
    past_share,
    sentence_spans,
    spelled_levels,
    words_after,
)
from baocao.corpus.lines import is_table_row
from baocao.corpus.model import Document, Passage
from baocao.corpus.tables import TIME_COLUMN
from baocao.corpus.vietnamese import (
    CAPITAL,
    NAME_WORD,
    canonical,
    canonical_number,
    fold_diacritics,
)
from baocao.index.analyzer import acronym_words, analyze, canonical_doc_id, is_unaccented
from baocao.index.backends import SearchIndex
from baocao.index.hit import Hit
from baocao.qa.citation import header_date
from baocao.qa.factbook import fact_book, known_places
from baocao.qa.scope import (
    Asked,
    asked_words,
    coverage_note,
    is_target,
    place_name,
    read_scope,
    scope_fit,
    time_fit,
    uncovered,
)
from baocao.qa.search import Filters, Searcher, check_k, check_query, searcher_of

QUESTION_KINDS = ("quantity", "when", "who", "which", "what", "list", "other")

# -- question words -------------------------------------------------------------------------
# Accented patterns, tried in this order; a question typed without diacritics is matched
# against their folded forms ("bao nhieu", "khi nao").
_KIND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("when", ("khi nào", "bao giờ", "lúc nào", "ngày nào", "tháng nào", "năm nào",
              "thời gian nào", "thời điểm nào", "ngày ban hành", "ngày ký")),
    ("quantity", ("bao nhiêu", "mấy", "số lượng", "tỷ lệ", "tỉ lệ", "bao lâu", "phần trăm",
                  "tỷ trọng", "^số")),
    ("other", ("thế nào", "ra sao")),
    ("list", ("những .*nào", "các .*nào", "gồm những", "gồm .*gì", "những gì")),
    ("who", ("ai", "người nào", "họ (?:và )?tên",  # and a title's name: "Phó Bí thư … tên là gì"
             r"^(?:phó |nguyên )?(?:bí thư|chủ tịch|giám đốc|hiệu trưởng|trưởng (?:ban|phòng|đoàn))"
             r"\b.*\btên (?:là )?gì")),
    ("which", ("nào", "đâu")),
    ("what", ("gì", "^(?:chủ đề|phương châm|khẩu hiệu|tên gọi)")),  # "chủ đề công tác năm 2020"
)  # fmt: skip
_RATE_WORDS = ("tỷ lệ", "tỉ lệ", "phần trăm")  # a rate asked anywhere in the question
_PERCENT_WORDS = (*_RATE_WORDS, "tỷ trọng", "chiếm")  # a slot a percentage fills ... and "%"
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
    "ghi", "chỉ", "riêng", "tính", "đến",
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
_ORDINAL_RE = re.compile(r"(?:lần |vị trí )?(?:thứ|loại) (?:[IVX]+\b|\d+(?:/\d+)?)")
_WORD_RE = re.compile(r"[^\W\d_]+[23]?(?!\w)")  # a syllable, or "km2", "m3"
_MONEY_WORDS = ("tiền", "vốn", "kinh phí")
_MONEY_UNITS = ("đồng", "usd")
# what is counted in money when the question names no unit: "kim ngạch xuất khẩu … là bao nhiêu"
_MONEY_THINGS = ("ngân sách", "kim ngạch", "viện trợ", "kinh phí", "vốn", "tiền", "thu nhập",
                 "grdp bình quân đầu người", "dư nợ")  # fmt: skip
_MAX_UNIT_WORDS = 4
_CLAUSE_BREAK_RE = re.compile(r"[;:]")
_SEGMENT_BREAK_RE = re.compile(r"[;:,()]")
_NUMBERED_PLACE_RE = re.compile(  # matched on the question without diacritics
    r"(?<!\w)(?i:huyen|xa|phuong|quan|thon|to|khu pho|khu|ap|ban|khom|tieu khu|lang)\s+(\d+)\b"
)
_BRACKETED_YEAR_RE = re.compile(r"[^()\d]{0,30}\((?:năm )?((?:19|20)\d\d)\)")
_FULL_DATE_RE = re.compile(r"\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{4}")  # "27-4-2020"
_NEAR_WORDS = 8  # words each side of a candidate that count as "near" it
# A time that opens a sentence and holds for all its clauses: "Cuối năm 2022, …; …"
_LEAD_TIME_RE = re.compile(
    r"\s*(?:[-+•]\s*)?((?:(?:tính )?(?:đến|cuối|đầu|trong|sau|hết)\s+)?"
    r"(?:năm|tháng|quý|nhiệm kỳ|giai đoạn)\s[^,;:]{1,30}),", re.IGNORECASE)  # fmt: skip
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
    # the facts that answer what was asked, each with its scope; the best match first
    facts: tuple[FactMatch, ...] = ()
    # what the reports cover, when the question asks for a year, place or level they do not
    scope_note: str | None = None
    scope: str | None = None  # the answer's scope in words: "năm 2019, tỉnh Kiên Giang"
    scope_asked: str | None = None  # the scope the question names: "năm 2019"; None: none


@dataclass(frozen=True)
class FactMatch:
    """A fact that answers the question's "what", and whether its scope is the one asked."""

    fact: Fact
    passage: Passage
    matches: bool  # its time, place and level are those the question asks for
    scope: str  # its scope in words: "hằng năm, giai đoạn 2015–2020, tỉnh Kon Tum"


@dataclass(frozen=True)
class AskSettings:
    """Every weight and threshold of ``ask``, chosen on the tune split of the gold questions
    by ``python -m baocao.benchmarks.tune ask`` (never on the test split)."""

    cover: float = 0.5
    near: float = 1.0
    unit: float = 1.0
    fit: float = 1.0
    prior: float = 0.2
    place: float = 1.0
    pin: float = 1.0
    named: float = 1.0
    scope: float = 0.5  # how much a fact whose scope fits counts when picking
    threshold: float = 0.7  # confidence below this: no answer, only evidence
    # a number is what gets copied into a new report: a quantity needs this much more (chosen
    # on the first looks at new folders, where numbers scoring 0.7-0.9 were wrong 15 of 36)
    quantity_doubt: float = 0.2
    # a whole sentence given for a question that asks a number, date, name or list: less sure
    sentence_doubt: float = 0.4
    # another figure of the same unit in the sentence answers within rival_margin: less sure
    rival: float = 1.0
    rival_margin: float = 0.15
    # another value of the unit and scope scoring within led_margin is written after more of
    # the question's words before "bao nhiêu" (by led_gap: who acted): less sure
    led: float = 1.0
    led_margin: float = 0.5
    led_gap: float = 0.2
    # another value of the unit and scope scoring within covered_margin is written among
    # more of the question's words (by covered_gap): less sure
    covered: float = 1.0
    covered_margin: float = 0.3
    covered_gap: float = 0.05
    # a name of the question ("Bộ đội Biên phòng") not in the sentence nor its header: less sure
    unnamed: float = 0.6
    # every value a compound question asks found together ("bao nhiêu lượt, bao nhiêu người"):
    # surer
    whole: float = 0.2
    # … found only as one list that holds as many figures ("hiến 38.640m2 đất, đóng góp
    # 6.275,8 triệu đồng và 21.400 ngày công"): less sure
    list_doubt: float = 0.4
    # how surely a question names a document of the index ("Báo cáo của Tỉnh ủy Kon Tum …
    # số hiệu gì") for its header to answer rather than a passage
    named_document: float = 0.7
    facts_shown: int = 5  # facts listed beside the answer
    facts_margin: float = 0.5  # listed: facts whose "what" score is this close to the best

    def weights(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in _EVIDENCE}


DEFAULT_SETTINGS = AskSettings()
# How ask searches: adaptive answers as well as hybrid on the tune split (253 right / 36
# confidently wrong against 252 / 36) and skips the encoder where BM25 alone is sure.
ASK_MODE = "adaptive"


# -- the question -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    raw: str  # canonical, as typed (document numbers keep their capitals)
    text: str  # canonical, lower-cased; folded when typed without diacritics
    kind: str
    folded: bool
    weights: dict[str, float]  # content term -> weight
    bigrams: frozenset[str]  # of content terms
    numbers: frozenset[str]  # canonical numbers written in the question
    pins: frozenset[str]  # those outside periods ("năm 2019", not "2015-2020"): they pin a fact
    counts: dict[str, str | None]  # what each number counts, the word after it: "9" -> "tháng"
    # years asked for: pins but those inside a date that names an event ("xét xử ngày 27-4-2020")
    years: frozenset[str]
    names: frozenset[str]  # capitalised words after the first: "Kon", "Tum", "DTTS"
    unit: tuple[str, ...]  # what is counted: the words after "bao nhiêu"/"mấy"
    percent: bool  # asks for a share
    grain: str | None  # "day", "month", "year": the date a "when" question wants
    slots: tuple[tuple[str, ...], ...]  # per value asked ("bao nhiêu lượt, bao nhiêu người"):
    # the words around its question word; two or more ask for a compound answer
    paired: str | None  # "xây mới và sửa chữa bao nhiêu căn": "mới và sửa", maybe one value
    from_to: bool  # "tăng từ bao nhiêu lên bao nhiêu", "thay đổi ra sao": both ends asked
    item: int | None  # "bài học thứ sáu": the sixth of an enumeration ("Sáu là, …")
    # the content words before the first "bao nhiêu": who did it ("UBND các huyện … đã tiếp")
    lead: frozenset[str]
    # question words ("do ai … và bằng sự kiện gì": 2); 1 when typed without diacritics
    asked_count: int
    parallel: bool  # one value asked of two subjects: "giáp Lào và giáp Campuchia … bao nhiêu"
    items: int | None  # "Hai huyện nào …": 2


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


_ASKED_UNIT_STOP = frozenset(("lên", "xuống", "đến", "mỗi", "hằng", "ạ", "vậy", "nhỉ", "nhé"))


def _asked_unit(text: str, folded: bool) -> tuple[str, ...]:
    """Up to three words right after "bao nhiêu"/"mấy": ("cuộc", "đối", "thoại")."""
    match = _pattern(_ASKED_RE, folded).search(text)
    if not match:
        return ()
    stop = UNIT_STOP | _ASKED_UNIT_STOP  # "tăng từ bao nhiêu lên bao nhiêu": no unit
    stop = _fold_all(stop) if folded else stop
    words: list[str] = []
    end = match.end()
    for word in _WORD_RE.finditer(text, end):
        if len(words) == 3 or text[end : word.start()].strip() or word.group() in stop:
            break
        words.append(word.group())
        end = word.end()
    return tuple(words)


# Each value a question asks: "bao nhiêu", "mấy", "ngày nào", "nhiệm kỳ nào", "số mấy".
_SLOT_RE = r"(?:bao nhiêu|mấy|(?:ngày|tháng|nhiệm kỳ|năm) nào)"
# Every question word, a phrase counted once ("như thế nào", "khi nào", "ngày nào"): matched on
# accented text only, since folded "đầu" reads as "đâu" and "toàn" as "nào".
_QUESTION_WORD_RE = re.compile(
    r"(?<!\w)(?:(?:như )?thế nào|ra sao|(?:khi|lúc|ngày|tháng|năm|nhiệm kỳ) nào|bao giờ|bao lâu"
    r"|bao nhiêu|ai|gì|nào|mấy|đâu|tăng hay giảm|giảm hay tăng)(?!\w)"
)
_FROM_TO_ASKED = (
    r"(?:từ (?:\w+ ){0,2}(?:bao nhiêu|mấy) (?:lên|xuống|đến|còn)"
    r"|(?:tăng|giảm|thay đổi|chuyển dịch|biến động)[^?]{0,30}(?:ra sao|thế nào))"
)


def _slots(text: str, folded: bool) -> tuple[tuple[str, ...], ...]:
    """The words around each value asked (two before its question word, three after):
    ("tiếp", "bao nhiêu", "lượt"), ("trị", "giá", "bao nhiêu")."""
    slots = []
    both = _fold_all(frozenset({"và"})) if folded else frozenset({"và"})
    matches = list(_pattern(_SLOT_RE, folded).finditer(text))
    for i, match in enumerate(matches):
        start = matches[i - 1].end() if i else 0
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        before = _WORD_RE.findall(re.split(r"[,;]", text[start : match.start()])[-1])[-4:]
        after = _WORD_RE.findall(re.split(r"[,;?]", text[match.end() : end])[0])
        alone = len(matches) == 1  # "X và Y" around the only question word asks two values
        if not alone and i + 1 < len(matches):  # "diện tích bao nhiêu và sản lượng … bao nhiêu"
            after = after[: next((k for k, w in enumerate(after) if w in both), len(after))]
        joined = [i for i, w in enumerate(before) if w in both]
        if joined and alone:  # "phát hiện và khởi tố bao nhiêu vụ": two values of one unit
            slots.append((*before[: joined[-1]][-2:], match.group(), *after[:3]))
            before = before[joined[-1] + 1 :]
        slots.append((*before[-2:], match.group(), *after[:3]))
        joined = [i for i, w in enumerate(after) if w in both]
        # "bao nhiêu tổ chức và cá nhân": the second value counted by its own word
        # … but not "bao nhiêu đơn vị thuộc Sở Giáo dục và Đào tạo"; "thoát nghèo và thoát
        # cận nghèo" repeats its verb
        parallel = (
            joined and joined[0] + 1 < len(after) and after[joined[0] + 1] in after[: joined[0]]
        )
        if joined and alone and (joined[0] <= 3 or parallel) and joined[0] + 1 < len(after):
            rest = after[joined[0] + 1 :][:2]
            slots.append((*before[-2:], match.group(), *rest, *after[:1]))
    return tuple(slots)


_TOKEN_RE = re.compile(r"[^\W_]+")  # a word or a number
_COUNT_WORDS = ("hai", "ba", "bốn")
# "Hai huyện nào …": how many things a which-question asks for, in words (accented text only:
# folded "nam nao" is also "năm nào"; "năm" and digits count years: "tổng kết 20 năm chỉ thị nào")
_COUNTED_ASKED_RE = re.compile(
    rf"(?<!\w)({'|'.join(_COUNT_WORDS)})\s+(?:[^\W\d_]+\s+){{1,3}}?nào(?!\w)"
)
_ITEM_BREAK_RE = re.compile(r"\s*(?:[,;]|\svà\s)\s*")


def _items_asked(text: str, folded: bool) -> int | None:
    match = None if folded else _COUNTED_ASKED_RE.search(text)
    if match is None:
        return None
    return _COUNT_WORDS.index(match.group(1)) + 2


_PARALLEL_WINDOW = 12  # words before "và" where the first of two parallel subjects opens


def _parallel(raw: str) -> bool:
    """Whether the question asks one value of two parallel subjects, the second opening like
    the first: "Đại hội Công đoàn và Đại hội Hội Nông dân … lần thứ mấy", "giáp Lào và giáp
    Campuchia", "năm 2015 và năm 2020" — the same two words, or one word and then a name or
    a number both times (not "Ban Dân vận và Ban cán sự", "tổng kết Nghị quyết … và Kết luận")."""
    words = _TOKEN_RE.findall(raw)
    for i, word in enumerate(words[:-2]):
        if word.lower() not in ("và", "va"):
            continue
        head, second = words[i + 1].lower(), words[i + 2]
        before = words[max(0, i - _PARALLEL_WINDOW) : i]
        for j, opening in enumerate(before[:-1]):
            follows = before[j + 1]
            if opening.lower() == head and (
                follows.lower() == second.lower() or (_is_named(follows) and _is_named(second))
            ):
                return True
    return False


def _is_named(word: str) -> bool:
    return word[0].isdigit() or word[0].isupper()


def _paired(text: str, folded: bool) -> str | None:
    """The "X và Y" right before the only question word: "mới và sửa" in "xây mới và sửa
    chữa được bao nhiêu căn" — two values, or one the report writes for both."""
    matches = list(_pattern(_SLOT_RE, folded).finditer(text))
    if len(matches) != 1:
        return None
    before = _WORD_RE.findall(re.split(r"[,;]", text[: matches[0].start()])[-1])[-6:]
    both = "va" if folded else "và"
    joined = [i for i, w in enumerate(before) if w == both and 0 < i < len(before) - 1]
    return " ".join(before[joined[-1] - 1 : joined[-1] + 2]) if joined else None


def _fold_all(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold_diacritics(w) for w in words)


@functools.lru_cache(maxsize=1 << 14)
def _terms(text: str, folded: bool) -> _Terms:
    """The words and bigrams of ``text`` (acronyms spelled out), folded for an unaccented
    question; cached: a passage's sentences are read again for each question."""
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
    names = _acronyms(question) if folded else _names(question)
    keys = {_normal(name, folded) for name in names}
    weights = {t: 2.0 if t[0].isdigit() or t in keys else 1.0 for t in terms.words}
    weights = {t: w for t, w in weights.items() if t not in stop}
    grains = [grain for words, grain in _GRAINS if _has(text, words, folded)]
    outside_periods = PERIOD_RE.sub(" ", question)
    slots = _slots(text, folded)
    return _Question(
        raw=canonical(question),
        text=text,
        kind=question_kind(question),
        folded=folded,
        weights=weights,
        bigrams=frozenset(b for b in terms.bigrams if not set(b.split("_")) & stop),
        numbers=frozenset(t for t in terms.words if t[0].isdigit()),
        pins=frozenset(_numbers(outside_periods)),
        counts=_counted(text, folded),
        years=frozenset(filter(is_year, _numbers(_FULL_DATE_RE.sub(" ", outside_periods)))),
        names=names,
        unit=_asked_unit(text, folded),
        percent="%" in text or any(_has(text, w, folded) for w in _PERCENT_WORDS),
        grain=grains[0] if grains else None,
        slots=slots,
        paired=_paired(text, folded),
        from_to=_has(text, _FROM_TO_ASKED, folded),
        item=_ordinal(_ASKED_ITEM_RE.search(fold_diacritics(text))),
        lead=_lead_words(question, folded, weights),
        asked_count=1 if folded else len(_QUESTION_WORD_RE.findall(text)),
        parallel=len(slots) < 2 and _parallel(canonical(question)),
        items=_items_asked(text, folded),
    )


def _lead_words(question: str, folded: bool, weights: dict[str, float]) -> frozenset[str]:
    """The question's content words (not its numbers) written before its first "bao nhiêu"
    or "mấy"."""
    asked = _pattern(_ASKED_RE, folded).search(_normal(question, folded))
    if asked is None:
        return frozenset()
    before = _terms(_normal(question, folded)[: asked.start()], folded).words
    return frozenset(w for w in before if w in weights and not w[0].isdigit())


# Enumerated points: "Một là, …", "Hai là, …" or "Thứ nhất, …", asked as "bài học thứ hai"
_ORDINALS = (("mot", "nhat"), ("hai",), ("ba",), ("bon", "tu"), ("nam",), ("sau",), ("bay",),
             ("tam",), ("chin",), ("muoi",))  # fmt: skip
_ORDINAL_WORDS = "|".join(w for words in _ORDINALS for w in words)
_ASKED_ITEM_RE = re.compile(rf"\bthu ({_ORDINAL_WORDS}|\d{{1,2}})\b")  # matched folded
_ITEM_MARK_RE = re.compile(rf"^\W*(?:({_ORDINAL_WORDS}) la|thu ({_ORDINAL_WORDS}))\s*,", re.I)


def _ordinal(match: re.Match[str] | None) -> int | None:
    """1 for "nhất"/"một", 2 for "hai", …, or the number written."""
    word = next((g for g in match.groups() if g), None) if match else None
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    return next(i for i, words in enumerate(_ORDINALS, start=1) if word.lower() in words)


def _item_number(sentence: str) -> int | None:
    """The point a sentence opens ("Sáu là, tăng cường …" -> 6), else None."""
    return _ordinal(_ITEM_MARK_RE.match(fold_diacritics(sentence)))


# capitalised out of respect, not names: "Nhân dân", "Nhà nước"
_HONORIFIC = frozenset(("Nhân", "Nhà"))


def _names(question: str) -> frozenset[str]:
    """Capitalised syllables after the first word: "Kon", "Tum", "Nhôh", "DTTS"."""
    words = _WORD_RE.findall(canonical(question))[1:]
    return frozenset(w for w in words if w[0].isupper() and w not in _HONORIFIC)


def _acronyms(question: str) -> frozenset[str]:
    """A question typed without diacritics names only its acronyms, "PAPI", "DTTS" (and none
    when it is typed in capitals)."""
    words = _WORD_RE.findall(canonical(question))
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    return frozenset(capitals) if 2 * len(capitals) < len(words) else frozenset()


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
    scope: float  # a fact: how well its time, place and level fit those asked (qa.scope)


_EVIDENCE = ("cover", "near", "unit", "fit", "prior", "place", "pin", "named", "scope")


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    sentence_span: tuple[int, int]
    span: tuple[int, int]
    evidence: _Evidence
    fact: Fact | None = None


def _header(passage: Passage, index: SearchIndex) -> str:
    """The passage's headings and its document's kind, title, place, issuer and number."""
    document = index.documents.get(passage.doc_id)
    parts = list(passage.section_path)
    if document is not None:
        parts += [document.kind, document.title, document.place or "", document.issuer or ""]
        parts.append(document.number or "")
    return canonical(" ".join(parts))


def _document_header(document: Document) -> str:
    """A document's kind, title, place, issuer and number."""
    parts = (document.kind, document.title, document.place, document.issuer, document.number)
    return canonical(" ".join(part or "" for part in parts))


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
        or _spelled_in(name, sentence)
        for name in question.names
    ]
    return sum(found) / len(found)


_INDEX_NAME_RE = re.compile(r"[A-ZĐ]{4,}")  # "PAPI", "SIPAS": what one clause is about


def _clause_named(question: _Question, sentence: str, span: tuple[int, int], header: str) -> float:
    """Share of the question's capitalised names ("PAPI", not a report acronym) that the
    sentence writes (and its header does not) found in the value's own clause: "Chỉ số PAPI
    … 42/63 (năm 2018) …; Chỉ số SIPAS … 17/63" — a SIPAS question is not answered from the
    PAPI clause."""
    header = canonical(header)
    names = [n for n in question.names if _INDEX_NAME_RE.fullmatch(n) and not acronym_words(n)
             and not _has(header, re.escape(n), False)
             and _has(canonical(sentence), re.escape(n), False)]  # fmt: skip
    if not names:
        return 1.0
    start, end = _span_between(_CLAUSE_BREAK_RE, sentence, *span)
    clause = canonical(sentence[start:end])
    return sum(_has(clause, re.escape(n), False) for n in names) / len(names)


def _spelled_in(name: str, sentence: str) -> bool:
    """Whether an acronym of the question ("THCS") is written out in the sentence."""
    words = acronym_words(name) if name.isupper() else ()
    return bool(words) and _has(sentence.lower(), re.escape(" ".join(words)), False)


def _sentences(passage: Passage) -> list[tuple[int, int]]:
    return sentence_spans(passage.text)


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
    for term, _ in _placed_terms(question, _lead_time(sentence, clause_start), False):
        closest[term] = 1.0
    total = sum(question.weights.values()) + len(question.bigrams)
    found = sum(w * closest.get(t, 0.0) for t, w in question.weights.items())
    found += sum(closest.get(b, 0.0) for b in question.bigrams)
    return found / total if total else 0.0


def _lead(question: _Question, candidate: _Candidate) -> float:
    """Share of the question's words before its "bao nhiêu" written before the value in its
    clause: "UBND các huyện, thành phố tiếp 1.018 lượt" answers "UBND các huyện … đã tiếp bao
    nhiêu lượt", "Các cơ quan, đơn vị … đã tiếp 2.563 lượt" less."""
    if not question.lead:
        return 0.0
    text, (start, _) = candidate.hit.passage.text, candidate.span
    sentence = text[candidate.sentence_span[0] : start]
    clause_start = _span_between(_CLAUSE_BREAK_RE, sentence, len(sentence), len(sentence))[0]
    found = set(_words(question, f"{_lead_time(sentence, clause_start)} {sentence[clause_start:]}"))
    weights = [question.weights[w] for w in question.lead]
    return sum(question.weights[w] for w in question.lead if w in found) / sum(weights)


def _lead_time(sentence: str, clause_start: int) -> str:
    """The time that opens the sentence when it holds for a later clause too: "Năm 2020, có
    99,3% hộ … điện; trên 89% hộ … nước" — 2020 is the time of both."""
    lead = _LEAD_TIME_RE.match(sentence)
    return lead.group(1) if lead and 0 < lead.end() <= clause_start else ""


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
            for spelled in _spelled_out(question, word):  # "HTXSNV" stands where it is
                yield spelled, distance + i + 1
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
    asks_year = bool(question.years)
    # the year a figure is compared with is not its year: "giảm 1,45% so với năm 2018", "tăng
    # 17% so với cùng kỳ (cùng kỳ năm 2024: 35 mô hình)"
    for compared in (COMPARED_YEAR_RE, _SAME_PERIOD_RE):
        sentence = compared.sub(lambda m: " " * len(m.group()), sentence)
    segment = _years(sentence, *_span_between(_SEGMENT_BREAK_RE, sentence, start, end))
    bracket = _BRACKETED_YEAR_RE.match(sentence, end)
    for years in (segment, {bracket.group(1)} if bracket else set()):
        if asks_year and years:
            return 1.0 if years & question.years else 0.0
    clause_start, clause_end = _span_between(_CLAUSE_BREAK_RE, sentence, start, end)
    around = f"{_lead_time(sentence, clause_start)} {sentence[clause_start:start]} "
    counted = _counted(around + sentence[end:clause_end], question.folded)
    if any(n in question.pins and _same_count(question, question.counts.get(n), word)
           for n, word in counted.items()):  # fmt: skip
        return 1.0
    return 0.0 if asks_year and any(map(is_year, counted)) else 0.5


_SAME_PERIOD_RE = re.compile(r"cùng kỳ(?:\s+năm)?\s+(?:19|20)\d\d", re.IGNORECASE)
_TIME_UNITS = ("tháng", "ngày", "quý", "tuần")


def _same_count(question: _Question, asked: str | None, written: str | None) -> bool:
    """Whether a number written before ``written`` counts what the question's before
    ``asked`` does: "9 tháng" pins "9 tháng", not "09 đơn" (two count words that differ)."""
    units = _count_units(question.folded)
    return asked == written or asked not in units or written not in units


@functools.cache
def _count_units(folded: bool) -> frozenset[str]:
    return _count_nouns(folded) | {_normal(unit, folded) for unit in _TIME_UNITS}


def _counted(text: str, folded: bool) -> dict[str, str | None]:
    """Each number of ``text`` and the word written after it ("9" -> "tháng"); None for a year
    or one that ends the text."""
    words = _written_words(text, folded)
    return {w: None if is_year(w) or i + 1 == len(words) else words[i + 1]
            for i, w in enumerate(words) if w[0].isdigit()}  # fmt: skip


def _years(sentence: str, start: int, end: int) -> set[str]:
    return {n for n in _numbers(sentence[start:end]) if is_year(n)}


def _nearness(distance: int) -> float:
    """1 for the three closest words, then falling: 0.5 six words away, 0 past eight."""
    return 0.0 if distance > _NEAR_WORDS else min(1.0, 3 / (distance + 1))


def _spelled_out(question: _Question, term: str) -> list[str]:
    """The words and bigrams an acronym term stands for, folded like the question."""
    words = (
        [fold_diacritics(w) for w in acronym_words(term)]
        if question.folded
        else list(acronym_words(term))
    )
    return words + ["_".join(pair) for pair in zip(words, words[1:], strict=False)]


def _words(question: _Question, text: str) -> list[str]:
    return list(_written_words(text, question.folded))


@functools.lru_cache(maxsize=1 << 16)
def _written_words(text: str, folded: bool) -> tuple[str, ...]:
    words = analyze(text, expand=False).words
    return tuple(fold_diacritics(w) for w in words) if folded else tuple(words)


def _with_footnotes(hits: Sequence[Hit], index: SearchIndex) -> Iterator[tuple[int, Hit]]:
    """Each hit at its position, followed by the footnotes its passage cites that are not
    hits themselves: a footnote often holds the number its anchor sentence only mentions
    ("Tết Quân-Dân" … ¹⁵ "… số tiền trên 7,2 tỷ đồng")."""
    seen = {hit.passage.passage_id for hit in hits}
    for position, hit in enumerate(hits, start=1):
        yield position, hit
        passage = hit.passage
        for number, _ in passage.markers:
            note = index.passage(f"{passage.doc_id}:fn{number}")
            if note is not None and note.kind == "footnote" and note.passage_id not in seen:
                seen.add(note.passage_id)
                yield position, replace(hit, passage=note)


def _hit_candidates(
    question: _Question, asked: Asked, hit: Hit, position: int, index: SearchIndex, book: FactBook
) -> Iterator[_Candidate]:
    """The sentences of the hit's passage, and the facts (numbers, dates, cited documents) or
    names in them that could answer."""
    passage = hit.passage
    coverage = book.coverage(passage.doc_id)  # a district's report: the district's province
    # where the document reports on names it, though only "Đà Lạt, ngày …" may be written
    header = f"{_header(passage, index)} {coverage.where if coverage else ''}"
    context = _terms(_surroundings(passage, header, index), question.folded)
    document = index.documents.get(passage.doc_id)
    province = coverage.province if coverage else document.place if document else None
    elsewhere = asked.provinces and province not in asked.provinces
    place = 0.0 if elsewhere else 1.0
    facts = book.facts(passage.passage_id)
    document_scope = _document_scope(book, passage.doc_id)
    preceding = ""
    for start, end in _sentences(passage):
        sentence = passage.text[start:end]
        cover = _coverage(question, _terms(sentence, question.folded), context)
        named = _named(question, sentence, f"{header} {passage.anchor_text or ''}")
        fit = scope_fit(asked, document_scope) if document_scope is not None else 1.0
        evidence = _Evidence(cover, cover, 0.0, 0.0, 1 / position, place, 0.5, named, fit)
        if question.item is not None and (number := _item_number(sentence)) is not None:
            # the point asked answers as a number answers "bao nhiêu"; another point does not
            asked_point = float(number == question.item)
            evidence = replace(evidence, unit=asked_point, fit=asked_point, pin=asked_point)
        yield _Candidate(hit, (start, end), (start, end), evidence)
        in_sentence = [f for f in facts if f.sentence_span == (start, end)]
        elided = preceding if _GOES_ON_RE.match(sentence) else ""
        spans = _answer_spans(question, sentence, start, in_sentence, elided)
        preceding = sentence
        for a, b, unit, fact in spans:
            view = _item_view(sentence, start, fact, in_sentence) if fact else sentence
            near = _near(question, view, a, past_share(view, b))  # "68/117 xã (58,1%) đạt …"
            if fact is not None and fact.kind == "reference":  # "Kế hoạch số … về <what>"
                near = max(near, _coverage(question, _terms(_item(view, a, b), question.folded)))
            label = _label_of(sentence, a, b, named=fact is None)
            if label is not None:  # "Số phòng học: 131": the label says what is counted
                near = max(near, _coverage(question, _terms(label, question.folded)))
                near *= 0.5 + 0.5 * _label_precision(question, label)
                unit = max(
                    unit, _label_unit(question, label), _caption_unit(question, hit, sentence)
                )
                if _RATE_LABEL_RE.search(label) and not question.percent:
                    unit = 0.0  # "Tỷ lệ học sinh … (%): 99,1" counts no "học sinh"
            pin = _pin(question, view, a, b)
            if pin < 1.0 and _states_time_asked(asked, fact):
                pin = 1.0
            fit = _fit(asked, fact, sentence, (a, b), evidence.scope, document_scope)
            named = min(evidence.named, _clause_named(question, sentence, (a, b), header))
            found = replace(evidence, near=near, unit=unit, fit=1.0, pin=pin, scope=fit,
                            named=named)  # fmt: skip
            yield _Candidate(hit, (start, end), (start + a, start + b), found, fact)


# a sentence that goes on counting what the one before counted: "… tiếp 3.417 lượt công dân.
# Riêng năm 2022 tiếp 612 lượt"
_GOES_ON_RE = re.compile(r"\W*(?:riêng|rieng|trong (?:số )?đó|trong (?:so )?do|cụ thể|cu the)\b",
                         re.IGNORECASE)  # fmt: skip


def _states_time_asked(asked: Asked, fact: Fact | None) -> bool:
    """Whether the fact's sentence (not only its report) writes the year asked for it: a
    place's figure after the year its sentence opens with ("năm 2024 … xây mới 312 nhà; trong
    đó xã Sín Chải xây mới 36 nhà") is as much of that year as the total is."""
    return (
        fact is not None
        and bool(asked.years)
        and not fact.scope.inherited
        and set(fact.scope.years) <= asked.years
        and time_fit(asked, fact.scope) >= 1.0
    )


_PLANNED_FIT = 0.3  # a name in a plan's sentence, for a question that asks no plan
_OPENING_RE = re.compile(r"\W*(?:\d+\.\s*)?(?:\w+\s+){0,2}")  # "3. Phấn đấu giảm"


def _fit(
    asked: Asked, fact: Fact | None, sentence: str, span: tuple[int, int], sentence_fit: float,
    document_scope: Scope | None = None,
) -> float:  # fmt: skip
    """How well a value's scope fits the one asked: its fact's scope, with a place the
    question names written in its clause ("… ở thôn Plei Sar, xã Ia Chim"); a value with no
    fact fits as its sentence does."""
    start, end = _span_between(_CLAUSE_BREAK_RE, sentence, *span)
    clause = sentence[start:end].lower()
    written = [p for p in asked.places if p.lower() in clause]
    if is_table_row(sentence):  # "Xã: Sơn Liên; …; Tỷ lệ (%): 46,26": the row's name
        written += [p for p in asked.places if _row_names(sentence, p)]
    if fact is None:  # "Phấn đấu … có thêm 02 xã (Thuận, Hướng Tân) đạt chuẩn": a plan
        opening = _OPENING_RE.match(sentence)  # always matches: it may match nothing
        planned = not asked.target and (
            is_target(sentence[start : span[0]]) or bool(opening and is_target(opening.group()))
        )
        if planned:
            return min(sentence_fit, _PLANNED_FIT)
        if written and document_scope is not None:  # "… cột mốc" ở xã Thanh": the place asked
            named = replace(document_scope, place=f"{written[0]}, {document_scope.place}")
            return max(sentence_fit, scope_fit(asked, named))
        return sentence_fit
    if fact.kind == "reference":  # "năm 2020 … tổng kết chỉ thị nào": issued then, or cited then
        return max(scope_fit(asked, fact.scope), sentence_fit)
    scope = fact.scope
    if written and not any(p.lower() in scope.place.lower() for p in asked.places):
        scope = replace(scope, place=f"{written[0]}, {scope.place}")
    return scope_fit(asked, scope)


def _row_names(row: str, place: str) -> bool:
    """Whether a table row names ``place``: bare ("Xã: Sơn Liên" for "xã Sơn Liên") or with its
    level ("TX. Long Mỹ" for "thị xã Long Mỹ", not "H. Long Mỹ")."""
    name = re.escape(place_name(place))
    levels = "|".join(PLACE_WORDS)
    written = re.search(rf"(?<!\w)(?:({levels})\s+)?{name}(?!\w)", spelled_levels(row), re.I)
    level = place.lower()[: -len(place_name(place))].strip()
    return written is not None and (not level or written.group(1) in (None, level))


def _item(view: str, start: int, end: int) -> str:
    """A cited document and what the text says of it, up to the next document of the list."""
    clause_end = _span_between(_CLAUSE_BREAK_RE, view, start, end)[1]
    following = re.search(r"\s{3}", view[end:clause_end])  # a blanked item
    return view[start : end + following.start() if following else clause_end]


def _item_view(sentence: str, offset: int, fact: Fact, in_sentence: Sequence[Fact]) -> str:
    """The sentence as one document of an enumeration sees it: "Kế hoạch số 739 … triển khai
    Chương trình số 51 …; và Kế hoạch số 740 … triển khai Chương trình số 53 …" is cut into
    items at each document of the kind that opens the list (here Kế hoạch); the other items
    are blanked (same length), so only the words of the document's own item and of the shared
    opening count as near it."""
    if fact.kind != "reference":
        return sentence
    start = fact.span[0] - offset
    clause = _span_between(_CLAUSE_BREAK_RE, sentence, start, fact.span[1] - offset)
    starts = {f.span[0] - offset: f for f in in_sentence if f.kind == "reference"}
    cited = [starts[a] for a in sorted(starts) if clause[0] <= a < clause[1]]
    opening = _document_kind(cited[0])
    heads = [f.span[0] - offset for f in cited if _document_kind(f) == opening]
    if len(heads) < 2:
        return sentence
    ends = [*heads[1:], clause[1]]
    own = max((i for i, head in enumerate(heads) if head <= start), default=0)
    view = list(sentence)
    for i, (a, b) in enumerate(zip(heads, ends, strict=True)):
        if i != own:
            view[a:b] = " " * (b - a)
    return "".join(view)


# "Số phòng học: 131", "Tổng diện tích đất: 32.231m2", "Năm: 2019; Số cuộc: 673" (a table row):
# an appendix or table line whose value comes after its label.
_LABEL_RE = re.compile(r"(?:^|[;\n])\s*([^;:\n]{2,80}?)\s*:\s*$")
_VALUE_END_RE = re.compile(r"\s*(?:[^\W\d_]{1,4}\d?)?\s*(?:[;.\n]|$)")
_NAME_END_RE = re.compile(r"\s*(?:[-–,(;.\n]|$)")  # a name's title or place after it


def _label_of(sentence: str, start: int, end: int, named: bool = False) -> str | None:
    """The label of a "label: value" entry whose value is [start, end), else None; for an
    entry of a list by year, the list's head: "Số cuộc đối thoại theo năm" in "Số cuộc đối
    thoại theo năm: năm 2020: 15 cuộc; năm 2021: 12 cuộc", or the total a bracketed list by
    year breaks down: "Số vụ việc tố cáo thuộc thẩm quyền 23 vụ" in "… 23 vụ (năm 2019: 10 vụ;
    năm 2020: 08 vụ)"."""
    label = _LABEL_RE.search(sentence, 0, start)
    ends = _NAME_END_RE if named else _VALUE_END_RE  # "Thư ký: Bà Võ Thị Ngọc Hân - công chức"
    if label is None or label.end() != start or not ends.match(sentence, end):
        return None
    if not _YEAR_ENTRY_RE.fullmatch(label.group(1)):
        return label.group(1)
    head = _YEAR_LIST_RE.match(sentence)
    return head.group(1) if head is not None else _bracket_head(sentence, start) or label.group(1)


def _bracket_head(sentence: str, start: int) -> str | None:
    """The words before the bracket of year entries that ``start`` is in."""
    opening = sentence.rfind("(", 0, start)
    if opening == -1 or ")" in sentence[opening:start]:
        return None
    if not _YEAR_ENTRY_RE.match(sentence, opening + 1):
        return None
    head = re.split(r"[;:\n]", sentence[:opening])[-1].strip(" -–+")
    return head or None


# a label whose values are rates: "Tỷ lệ học sinh hoàn thành chương trình (%)"
_RATE_LABEL_RE = re.compile(r"\(%\)|^\W*t[ỷỉyi]\s*l[ệe]\b", re.IGNORECASE)
# a list of figures by year: "<head>: năm 2020: 15 cuộc; năm 2021: 12 cuộc"
_YEAR_ENTRY_RE = re.compile(r"(?:năm\s+)?(?:19|20)\d\d", re.IGNORECASE)
_YEAR_LIST_RE = re.compile(r"\W*([^;:\n]{2,80}?)\s*:\s*(?:năm\s+)?(?:19|20)\d\d\s*:", re.IGNORECASE)


def _caption_unit(question: _Question, hit: Hit, sentence: str) -> float:
    """For a table row's value, whose column says no unit ("Chỉ tiêu năm 2025: 125"): whether
    the table's caption, the heading it is filed under, names what the question counts ("Kết quả
    công nhận mô hình "Dân vận khéo" …")."""
    path = hit.passage.section_path
    return _label_unit(question, path[-1]) if path and is_table_row(sentence) else 0.0


_LABEL_TIME_RE = re.compile(rf"\s*(?:{TIME_COLUMN.pattern})\s*$", re.IGNORECASE)
_TOTAL_WORDS = frozenset({"số", "tổng", "lượng", "so", "tong", "luong"})  # "Tổng số …"


def _label_precision(question: _Question, label: str) -> float:
    """Share of a label's words that the question says, its year left out: for "bao nhiêu học
    sinh", 1 for "Số học sinh năm học 2021-2022", 1/3 for "Trong đó học sinh dân tộc thiểu
    số" (a part the question does not ask)."""
    stop = _fold_all(_STOP_WORDS) if question.folded else _STOP_WORDS
    words = _terms(_LABEL_TIME_RE.sub("", label), question.folded).words - _TOTAL_WORDS - stop
    if not words:
        return 1.0
    return len(words & question.weights.keys()) / len(words)


def _label_unit(question: _Question, label: str) -> float:
    """1 when the label names what the question counts ("bao nhiêu phòng học" / "Số phòng
    học"), 0.5 when it names its first word, else 0."""
    asked = question.unit
    if not asked:
        return 0.0
    words = {_normal(w, question.folded) for w in _WORD_RE.findall(label)}
    if all(word in words for word in asked):
        return 1.0
    return 0.5 if asked[0] in words else 0.0


def _document_scope(book: FactBook, doc_id: str) -> Scope | None:
    coverage = book.coverage(doc_id)
    if coverage is None:
        return None
    return Scope(coverage.years, "inherited", coverage.period, True, coverage.where,
                 coverage.province, "")  # fmt: skip


def _answer_spans(
    question: _Question, sentence: str, offset: int, facts: Sequence[Fact], preceding: str = ""
) -> Iterator[tuple[int, int, float, Fact | None]]:
    """(start, end, unit score, fact) in ``sentence`` of what could answer the question;
    ``preceding``: the sentence before it, which may name what a bare unit counts."""
    if question.kind == "quantity":
        yield from _quantities(question, sentence, offset, facts, preceding)
        if _has(question.text, "(?:thứ|loại) mấy", question.folded):
            for match in _ORDINAL_RE.finditer(sentence):
                at = next((f for f in facts if f.span[0] - offset < match.end()
                           and match.start() < f.span[1] - offset), None)  # fmt: skip
                yield _named_start(question, sentence, match.start()), match.end(), 1.0, at
    elif question.kind == "when":
        # "Số hiệu và ngày ký của kế hoạch …": the reference, its number with its date
        number_too = 0.5 if _asks_document(question) else 1.0
        for start, end, fits, fact in _dates(question, sentence, offset, facts):
            yield start, end, fits * number_too, fact
    if _asks_document(question):
        given = {canonical_doc_id(m.group()) for m in DOC_NUMBER_RE.finditer(question.raw)}
        asked_kinds = _asked_document_kinds(question)
        for fact in facts:
            number = DOC_NUMBER_RE.search(fact.value)
            named = number is not None and canonical_doc_id(number.group()) in given
            if fact.kind == "reference" and not named:  # not the document the question names
                a, b = fact.span[0] - offset, fact.span[1] - offset
                asked_kind = _of_kind(question, fact, asked_kinds)
                yield a, b, 1.0 if asked_kind else 0.5 if not asked_kinds else 0.2, fact
    elif _has(question.text, _WHERE, question.folded):
        yield from _place_spans(question, sentence)
    elif question.kind in ("who", "which", "what", "list"):
        yield from _name_spans(question, sentence)


# -- numbers, dates, documents, names ---------------------------------------------------------

_DOCUMENT_WORDS = (
    "kế hoạch", "quyết định", "nghị quyết", "chỉ thị", "kết luận", "quy định", "chương trình",
    "thông báo kết luận", "thông báo", "công văn", "hướng dẫn", "nghị định", "thông tư",
    "văn bản", "đề án", "số hiệu",
)  # fmt: skip
# a capitalised word of a name, or of a title named in place of a person ("đồng chí Phó Bí thư
# Thường trực Tỉnh ủy", whose lower-case halves would cut it short)
_NAME_WORD = (rf"(?:Bí thư|Chủ tịch|Thường trực|Giám đốc|(?:Tỉnh|Huyện|Thành|Đảng) [ủu][ỷy]|"
              rf"{CAPITAL}[\w’'-]*)")  # fmt: skip
_TITLE_FIRST_RE = re.compile(r"(?:Phó |Trưởng |Thường trực |Bí thư|Chủ tịch|Giám đốc)")
_PERSON_RE = re.compile(
    r"(?:[đĐ]ồng chí|[ôÔ]ng|[bB]à|anh|chị|Bí thư|Chủ tịch|Phó Chủ tịch|Giám đốc|Trưởng ban)\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})"
)
_QUOTED_RE = re.compile(r"[“\"«]([^”\"»]{2,80})[”\"»]")


# "Chương trình của Ban Thường vụ … thực hiện Nghị quyết 30-NQ/TW?": a question that opens
# with a kind of document and asks nothing else asks for that document
_OPENING_DOCUMENT = rf"^({'|'.join(_DOCUMENT_WORDS)})\s+(?:của|do)\b"


def _asked_document_kinds(question: _Question) -> set[str]:
    """The kinds of document asked for: "kế hoạch" in "bằng kế hoạch nào", "kế hoạch số mấy"."""
    words = "|".join(_DOCUMENT_WORDS)
    asked = rf"({words})\s+(?:số\s+)?(?:mấy|nào|gì|bao nhiêu)"
    if question.kind == "other":
        asked += f"|{_OPENING_DOCUMENT}"
    pattern = re.compile(fold_diacritics(asked) if question.folded else asked)
    kinds = {m.group(1) or m.group(2) for m in pattern.finditer(question.text)}
    generic = _generic_kinds(question)
    kinds_written = fold_diacritics(words) if question.folded else words
    opening = re.match(rf"({kinds_written})\s", question.text)
    if kinds and kinds <= generic and opening and opening.group(1) not in generic:
        kinds.add(opening.group(1))  # "Kế hoạch thực hiện … năm 2025 là văn bản nào?"
    own = _asked_own_kind(question)  # "số hiệu … của báo cáo …": a báo cáo, not a kế hoạch
    return kinds | {own} if own else kinds


def _generic_kinds(question: _Question) -> set[str]:
    """The words that ask for a document of any kind ("văn bản nào", "số hiệu"), as the
    question is written."""
    return {_normal(word, question.folded) for word in ("văn bản", "số hiệu")}


def _asks_document(question: _Question) -> bool:
    """ "Kế hoạch số mấy", "văn bản nào", "theo quyết định nào", "Chương trình của … ?"."""
    if question.kind not in ("which", "what", "quantity", "other", "when", "list"):
        return False
    words = "|".join(_DOCUMENT_WORDS)
    asked = rf"(?:{words})\s+(?:số\s+)?(?:mấy|nào|gì|bao nhiêu)|(?:số hiệu|ký hiệu)"
    if question.kind == "other":
        asked += f"|{_OPENING_DOCUMENT}"
    return _has(question.text, asked, question.folded)


# "ai ký", "người ký", "do ai viết", "ai trình bày": who signed or wrote a document — its
# signature or byline, which is metadata, not a passage
_SIGNER_RE = (r"(?:ai|người nào|những ai)\s+(?:đã\s+)?(?:ký|viết|trình bày|soạn)|người ký|"
              r"ký bởi|tác giả|ký tên|"
              # an article's authors: "Bài viết về … do ai thực hiện?"
              r"(?:bài viết|bài báo|tin bài)\b.*\bdo ai\s+(?:thực hiện|đưa tin)")  # fmt: skip

_SIGNER_TITLE_RE = r"chức danh|chức vụ|cương vị"


def _asks_signer(question: _Question) -> bool:
    return question.kind in ("who", "which", "what", "other") and _has(
        question.text, _SIGNER_RE, question.folded
    )


# "Báo cáo của Tỉnh ủy … mang số hiệu gì": the number of a document the question opens with,
# which its header gives (metadata, not a passage); "(và) ký ngày nào" asks its date too
_OWN_NUMBER_RE = r"số hiệu|số mấy|mang số|có số|số bao nhiêu|số là gì"
_OWN_DATE_RE = r"ngày nào|ngày ký|ngày ban hành|khi nào|bao giờ"
_ISSUED_KINDS = ("báo cáo", "công văn", "tờ trình", "chuyên đề", "thông báo", "văn bản")


def _asked_own_kind(question: _Question, indexed: Iterable[str] = ()) -> str | None:
    """The kind of document whose own number the question asks ("báo cáo"; any kind of
    ``indexed`` documents: "Kế hoạch triển khai … mang số nào"), if it asks one without writing
    a number itself."""
    if DOC_NUMBER_RE.search(question.raw) or not _has(
        question.text, _OWN_NUMBER_RE, question.folded
    ):
        return None
    known = dict.fromkeys([*_ISSUED_KINDS, *(kind for kind in indexed if kind)])
    kinds = sorted({_normal(kind, question.folded) for kind in known}, key=len, reverse=True)
    opening = next((kind for kind in kinds if question.text.startswith(kind + " ")), None)
    # "Số hiệu và ngày ký của báo cáo …": the number asked first, then whose it is
    pattern = rf"(?:{_OWN_NUMBER_RE})\b.{{0,30}}?\bcủa ({'|'.join(kinds)}) "
    of_kind = re.match(fold_diacritics(pattern) if question.folded else pattern, question.text)
    return opening or (of_kind.group(1) if of_kind else None)


def _signer_answer(
    question: str, parsed: _Question, hits: Sequence[Hit], index: SearchIndex,
    settings: AskSettings,
) -> Answer:  # fmt: skip
    """The signatory (or author) of the document the question names."""
    signed = [d for d in index.documents.values() if d.signatory]
    document, score = _named_document(parsed, hits, signed)
    if document is None or not document.signatory:
        return Answer(question, None, False, None, None, None, None, None, None, tuple(hits), 0.0)
    title = f" ({document.signatory_title})" if document.signatory_title else ""
    said = f"Người ký: {document.signatory}{title} — {document.title}"
    text = document.signatory
    if _has(parsed.text, _SIGNER_TITLE_RE, parsed.folded):  # "do ai ký, với chức danh gì"
        text = f"{text}{title}" if title else None  # half an answer is none
    return _metadata_answer(
        question, document, text, said, score, hits, index, settings, last=True
    )  # the end of the document: the signature


def _own_number_answer(
    question: str, parsed: _Question, kind: str, hits: Sequence[Hit], index: SearchIndex,
    settings: AskSettings,
) -> Answer:  # fmt: skip
    """The number (and, when asked, the date) a document of ``kind`` the question names is
    issued under; none when its header writes no number ("Số: /UBND-KGVX", a draft)."""
    of_kind = [d for d in index.documents.values() if _normal(d.kind, parsed.folded) == kind]
    document, score = _named_document(parsed, hits, of_kind)
    if document is None:
        return Answer(question, None, False, None, None, None, None, None, None, tuple(hits), 0.0)
    numbered = bool(document.number and document.number[0].isdigit())
    text = f"Số {document.number}" if numbered else None
    if text and document.date and _has(parsed.text, _OWN_DATE_RE, parsed.folded):
        text += f", {header_date(document.date)}"
    said = f"{text or 'Không ghi số hiệu'} — {document.title}"
    return _metadata_answer(question, document, text, said, score, hits, index, settings)


_AGREEING_HITS = 5  # the first hits that say which document the search finds asked about


def _named_document(
    parsed: _Question, hits: Sequence[Hit], documents: Sequence[Document]
) -> tuple[Document | None, float]:
    """Of ``documents``, the one whose kind, title, place, issuer and number hold most of the
    question's words (the hits' order breaks ties), and how sure that is: enough of them, and
    no other document as many."""
    rank: dict[str, int] = {}
    for hit in hits:
        rank.setdefault(hit.passage.doc_id, hit.rank)
    scored = sorted(
        ((_coverage(parsed, _terms(_document_header(document), parsed.folded)),
          -rank.get(document.doc_id, len(hits) + 1), document.doc_id, document)
         for document in documents),
        reverse=True, key=lambda row: row[:3],
    )  # fmt: skip
    if not scored:
        return None, 0.0
    cover, document = scored[0][0], scored[0][3]
    runner_up = max((row[0] for row in scored[1:]), default=0.0)
    # the search agrees: an article's title says less than what the question tells of it
    found = [hit.passage.doc_id == document.doc_id for hit in hits[:_AGREEING_HITS]]
    agrees = bool(found) and found[0] and 2 * sum(found) > len(found)
    return document, cover + 0.1 * min(cover - runner_up, 1.0) + 0.2 * agrees - (
        0.5 if cover <= runner_up else 0.0
    )


def _metadata_answer(
    question: str, document: Document, text: str | None, said: str, score: float,
    hits: Sequence[Hit], index: SearchIndex, settings: AskSettings, last: bool = False,
) -> Answer:  # fmt: skip
    """An answer read from a document's header or signature; its evidence is the document's
    first (``last``: last) body passage."""
    confident = text is not None and score >= settings.threshold
    passages = list(index.passages_of(document.doc_id))
    body = [p for p in passages if p.kind == "body"] or passages
    hit = next((h for h in hits if h.passage.doc_id == document.doc_id), None)
    passage = (body[-1] if last else body[0]) if body else (hit.passage if hit else None)
    return Answer(
        question=question,
        text=text if confident else None,
        confident=confident,
        passage=passage,
        span=None,
        sentence=said,
        sentence_span=None,
        context=None,
        context_passage_id=None,
        hits=tuple(hits),
        score=round(score, 4),
    )


_NAME_WORDS = r"tên (?:là )?gì|tên là|có tên"


def _asks_name(question: _Question) -> bool:
    """A person ("ai"), a document ("kế hoạch nào") or a name ("tên là gì"): asked for a
    span, never answered by the whole sentence around it."""
    named = _has(question.text, _NAME_WORDS, question.folded)
    return question.kind == "who" or named or _asks_document(question)


# A quoted name answers a question that asks a name, a motto, a theme or a movement.
_NAME_ASKED = (r"(?:tên|gì|chủ đề|phương châm|khẩu hiệu|mô hình|phong trào|cuộc vận động|"
               r"chương trình|diễn đàn|trang|tội)")  # fmt: skip


# a name written unquoted after the words that introduce it: "với tên gọi Ngọc Linh Xanh"
_CALLED_RE = re.compile(
    r"(?:tên gọi|mang tên|có tên|tên là|gọi là)\s+(?:là\s+)?"
    rf"({NAME_WORD}(?:\s+{NAME_WORD}){{0,5}})"
)


def _name_spans(question: _Question, sentence: str) -> Iterator[tuple[int, int, float, None]]:
    """Names a who/which/what question may ask for: a titled person, a quoted name."""
    if question.kind == "who":
        for match in _PERSON_RE.finditer(sentence):
            titled = _TITLE_FIRST_RE.match(match.group(1))  # "đồng chí Phó Bí thư …": no name
            yield match.start(), match.end(), 0.5 if titled else 1.0, None
    thing = next((w for w in _NAMED_THINGS if _has(question.text, f"{w} nào", question.folded)),
                 None)  # fmt: skip
    if thing is not None:  # "chùa nào": "chùa Trà Tim", not a quoted model's name
        pattern = rf"(?<!\w)(?i:{thing})\s+{NAME_WORD}(?:\s+{NAME_WORD}){{0,4}}{NAME_NUMBER}?"
        for match in re.finditer(pattern, sentence):
            if _normal(match.group().lower(), question.folded) not in question.text:
                yield match.start(), match.end(), 1.0, None
    if not _has(question.text, _NAME_ASKED, question.folded):
        return
    for match in _CALLED_RE.finditer(sentence):  # "với tên gọi Ngọc Linh Xanh"
        yield match.start(1), match.end(1), 1.0, None
    quoted = [m for m in _QUOTED_RE.finditer(sentence)
              if _normal(m.group(1), question.folded) not in question.text]  # fmt: skip
    if question.kind == "list" and quoted:  # "“A”, “B” và “C”": all of them
        yield quoted[0].start(), quoted[-1].end(), 0.8, None
    for match in quoted:
        yield match.start(1), match.end(1), 0.8 if thing is None else 0.3, None


# what is named after its kind by a proper name ("chùa Trà Tim", "ấp Trà Canh A"): "chùa nào"
# asks its name (not "trung tâm nào": "Trung tâm Phục vụ hành chính công" runs on in lower case)
_NAMED_THINGS = ("chùa", "ấp", "bản", "buôn", "phum", "sóc", "khóm")


_WHERE = r"(?:ở|tại) đâu|nơi nào|địa bàn nào|(?:xã|huyện|thôn|làng|thị trấn|phường|tỉnh) nào"
# "xã Phong Đông, huyện Vĩnh Thuận"; "thôn Nông Kon (xã Đăk Dục, huyện Ngọc Hồi, Kon Tum)"
_PLACE_CHAIN_RE = re.compile(rf"{PLACE_RE.pattern}(?:(?:,\s*|\s+\(\s*){PLACE_RE.pattern})*")


_LEVELS_ASKED = ("xã", "huyện", "thôn", "làng", "thị trấn", "phường", "tỉnh")
# "03 huyện nghèo (Kon Plông, Tu Mơ Rông, Ia H'Drai)": the places of a level, listed in brackets
_BRACKETED_PLACES_RE = re.compile(
    r"(?<!\w)(huyện|xã|tỉnh|thôn|làng|phường)\b[^()\d;.]{0,40}\("
    rf"((?:{CAPITAL}[^()]{{1,120}}))\)"
)


def _place_spans(question: _Question, sentence: str) -> Iterator[tuple[int, int, float, None]]:
    """ "xã Phong Đông, huyện Vĩnh Thuận": a place and the places it lies in; for "những …
    nào", the whole list ("thôn Plei Sar và Lâm Tùng"), or the places a level lists in brackets.
    Never a place the question itself names ("… của tỉnh Kon Tum là những huyện nào"); a place
    of another level than the one asked ("huyện nào") scores low."""
    level = next((w for w in _LEVELS_ASKED if _has(question.text, f"{w} nào", question.folded)),
                 None)  # fmt: skip
    named = _normal(question.raw, True)
    for match in _PLACE_CHAIN_RE.finditer(sentence):
        places = list(PLACE_RE.finditer(match.group()))
        if all(_normal(p.group(2), True) in named for p in places):
            continue  # the question's own place
        end = _list_end(sentence, match.end()) if question.kind == "list" else match.end()
        if match.group().count("(") > match.group().count(")"):  # through the bracket's end
            closing = sentence.find(")", end, end + 40)
            end = closing + 1 if closing >= 0 else end
        fits = level is None or places[0].group(1).lower() == level
        yield match.start(), end, 1.0 if fits else 0.2, None
    for match in _BRACKETED_PLACES_RE.finditer(sentence):
        if level is not None and match.group(1).lower() == level:
            yield match.start(2), match.end(2), 1.0, None
    for match in _LISTED_PLACES_RE.finditer(sentence):
        if level is not None and match.group(1).lower() == level:
            yield match.start(2), _list_end(sentence, match.end(2)), 1.0, None


# "Các xã đạt chuẩn nông thôn mới gồm: Tân Hợp, Tân Liên và Tân Thành": the names a level lists
_LISTED_PLACES_RE = re.compile(
    r"(?<!\w)(?:[Cc]ác|[Nn]hững)\s+(huyện|xã|thôn|làng|phường)\b[^()\d;.:]{0,60}?(?:gồm|là)"
    rf"\s*:?\s*({NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})"
)
_MORE_NAMES_RE = re.compile(
    rf"(?:,\s*|\s+và\s+)(?:[^\W\d_]+\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}"
)


def _list_end(sentence: str, end: int) -> int:
    """Where a list of names that starts before ``end`` ends: ", B và C"."""
    while match := _MORE_NAMES_RE.match(sentence, end):
        end = match.end()
    return end


def _quantities(
    question: _Question, sentence: str, offset: int, facts: Sequence[Fact], preceding: str = ""
) -> Iterator[tuple[int, int, float, Fact]]:
    """(start, end, unit score, fact) of each quantity in ``sentence`` the question does not
    give; a plain number's span grows over the words the question counts."""
    change = _asked_change(question)
    for fact in facts:
        if fact.kind != "quantity" or _given(question, fact):
            continue
        a, b = fact.span[0] - offset, fact.span[1] - offset
        number = _FIRST_NUMBER_RE.search(sentence, a, b)
        number_end = number.end() if number else b
        percent = fact.unit == "%"
        if not percent and b == number_end:
            b = _unit_end(question, sentence, b)
        unit = _unit_score(question, sentence, a, number_end, percent, preceding)
        if change and fact.change not in change:  # "giảm bao nhiêu" is not the total
            unit -= 0.5
        if _RANK_BEFORE_RE.search(sentence[max(0, a - 12) : a]) and not _asks_rank(question):
            unit -= 0.5  # "lên thứ 17/63" is a rank, not what "đạt bao nhiêu" asks
        yield a, b, unit, fact


_RANK_BEFORE_RE = re.compile(r"(?:thứ|hạng)\s*$", re.I)


def _asks_rank(question: _Question) -> bool:
    return _has(question.text, r"thứ mấy|thứ bao nhiêu|hạng|vị trí|xếp", question.folded)


def _given(question: _Question, fact: Fact) -> bool:
    """Whether the question itself gives the fact's number — of the same thing: "ngoài giảm
    35 đầu mối, … giảm bao nhiêu trưởng phòng" does not give "35 trưởng phòng"."""
    if not set(fact.numbers) <= question.numbers:
        return False
    unit = _normal(fact.unit or fact.thing, question.folded).split()[:1]
    counted = {canonical_number(m.group(1)): m.group(2)
               for m in _COUNTED_RE.finditer(question.text)}  # fmt: skip
    people = _normal("người", question.folded)
    return not unit or any(
        counted.get(n) in (None, unit[0]) or (counted[n] == people and _counts_people(fact.unit))
        for n in fact.numbers
    )


# a whole number only (no start inside one): linear on a 2,000-digit question, not 90 ms
_COUNTED_RE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)\s+([^\W\d_]+)")
_CHANGES = {"tăng": ("tăng", "tăng thêm", "tăng lên"), "giảm": ("giảm", "giảm còn", "giảm xuống")}


def _asked_change(question: _Question) -> tuple[str, ...]:
    """The change words a "tăng/giảm bao nhiêu" question accepts; () when it asks no change."""
    for word, accepted in _CHANGES.items():
        if _has(question.text, rf"{word}(?: thêm| lên| xuống| được)? (?:bao nhiêu|mấy)",
                question.folded):  # fmt: skip
            return accepted
    return ()


# the number a unit follows: "673", "28/86" (of 86), "10-14", "98,5%"
_FIRST_NUMBER_RE = re.compile(
    rf"{MONEY_SUM}|\d+(?:[.,]\d+)*(?:\s?[-–/]\s?\d+(?:[.,]\d+)*)?(?:\s?%)?"
)


def _words_after(sentence: str, start: int) -> list[re.Match[str]]:
    """What could name the unit after ``start``: ``corpus.facts.words_after``, as many words
    as a unit holds."""
    return words_after(sentence, start, _MAX_UNIT_WORDS)


_PARALLEL_RE = re.compile(rf",\s*(?:[^\W\d_]+\s+){{1,3}}{_NUM}\s*")


def _thing_words(sentence: str, start: int, number_start: int) -> list[re.Match[str]]:
    """The words after a number, and when only its unit is written there, the thing of a
    parallel figure of that unit: "làm mới 188 km, tu sửa 425 km đường giao thông" and
    "cuốn trôi 07 căn nhà, đổ sập 92 căn, tốc mái 161 căn" — each counts the same thing."""
    words = _words_after(sentence, start)
    if len(words) != 1:
        return words
    unit = words[0].group().lower()
    parallel = _PARALLEL_RE.match(sentence, words[0].end())
    later = _words_after(sentence, parallel.end()) if parallel else []
    if len(later) > 1 and later[0].group().lower() == unit:
        return later
    chain = re.compile(rf"({_NUM})\s+{re.escape(unit)}(?:\s+[^\W\d_]+)+"
                       rf"(?:,\s*(?:[^\W\d_]+\s+){{1,3}}{_NUM}\s+{re.escape(unit)})*"
                       rf",\s*(?:[^\W\d_]+\s+){{1,3}}$", re.IGNORECASE)  # fmt: skip
    clause = _span_between(_CLAUSE_BREAK_RE, sentence, number_start, start)[0]
    earlier = chain.search(sentence[:number_start], clause)
    return words if earlier is None else _words_after(sentence, earlier.end(1))


def _unit_end(question: _Question, sentence: str, start: int) -> int:
    """Where the unit after a number ends: a known unit ("cuộc", "tỷ đồng"), else the words
    the question counts, else the words before a function word."""
    words = _words_after(sentence, start)
    written = " ".join(w.group() for w in words).lower()
    for unit in UNITS:
        if f"{written} ".startswith(f"{unit.lower()} "):
            return words[unit.count(" ")].end()
    keys = [_normal(w.group(), question.folded) for w in words]
    size = _common_prefix(keys, question.unit)
    if not size:
        size = next((i for i, key in enumerate(keys) if key in UNIT_STOP), len(keys))
    return words[size - 1].end() if size else start


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


# Words that name what is counted, of which one never counts another: a number followed by
# one of them does not answer a question that asks for another.
_COUNT_NOUNS = ("tỉnh", "huyện", "xã", "thôn", "làng", "ấp", "phường", "người", "hộ", "cuộc",
                "lượt", "đơn", "vụ", "ha", "km", "tấn", "ban", "trường")  # fmt: skip


@functools.cache
def _count_nouns(folded: bool) -> frozenset[str]:
    return frozenset(_normal(noun, folded) for noun in _COUNT_NOUNS)


# a yearly rate asked with no unit: "tăng trưởng kinh tế bình quân đạt bao nhiêu mỗi năm"
_RATE_ASKED = r"tăng trưởng|bình quân.*(?:mỗi|hằng|hàng) năm|(?:mỗi|hằng|hàng) năm.*bình quân"


def _unit_score(
    question: _Question, sentence: str, start: int, end: int, percent: bool, preceding: str = ""
) -> float:
    """How well a number at [start, end) fits what the question counts: 1 for the asked unit
    (or a percentage when a share is asked); 0.5 for its first word, plus a share of 0.5 for
    the asked words found right before or after; 0.5 for a word of the question after it;
    -1 for another count noun ("28 xã" for "bao nhiêu huyện"). ``preceding``: the sentence
    before, where a bare unit's thing may be named ("tiếp 3.417 lượt công dân. Riêng năm 2022
    tiếp 612 lượt")."""
    keys = [_normal(w.group(), question.folded) for w in _thing_words(sentence, end, start)]
    asked = question.unit
    if question.percent and (not asked or asked[0] in ("%", "phần", "phan")):
        return 1.0 if percent else -1.0  # "300 ngàn đồng" is no "tỷ lệ"
    if not asked:  # "thu ngân sách … đạt bao nhiêu?": money, though no unit is asked
        if any(_has(question.text, w, question.folded) for w in _MONEY_THINGS):
            money = _normal(" ".join(_MONEY_UNITS), question.folded).split()
            return 1.0 if any(k in money for k in keys[:3]) else 0.5
        if _has(question.text, _RATE_ASKED, question.folded):  # "tăng trưởng … bao nhiêu"
            return 1.0 if percent else 0.5
        if percent != question.percent:
            return 0.0
        return 0.5
    if percent and not question.percent:  # "88,6% dịch vụ" does not count "bao nhiêu dịch vụ"
        return 0.0
    if asked[0] in _normal(" ".join(_MONEY_WORDS), question.folded).split():
        money = _normal(" ".join(_MONEY_UNITS), question.folded).split()
        return 1.0 if any(k in money for k in keys[:3]) else 0.0
    if keys and keys[0] != asked[0] and {keys[0], asked[0]} <= _count_nouns(question.folded):
        return -1.0  # "28 xã" counts something else than "bao nhiêu huyện"
    if keys and keys[0] == asked[0]:
        if len(asked) == 1:
            return 1.0
        before = re.split(r"[^\w\s]", sentence[max(0, start - 40) : start])[-1]
        # the thing asked named before the value: in its stretch ("Số đơn khiếu nại thuộc
        # thẩm quyền 42 đơn"), or anywhere before a bare unit ("168 cuộc đối thoại; năm 2024
        # tổ chức 276 cuộc": elided, also in the sentence before)
        named = f"{preceding} {sentence[:start]}" if len(keys) == 1 else before
        if _has(_normal(named, question.folded), re.escape(" ".join(asked)), question.folded):
            return 1.0
        around = {*keys[1:], *_words(question, before)[-3:]}
        return 0.5 + 0.5 * sum(w in around for w in asked[1:]) / (len(asked) - 1)
    label = _words(question, re.split(r"[^\w\s]", sentence[max(0, start - 40) : start])[-1])
    if label[-len(asked) :] == list(asked):  # "già làng 282 người" for "bao nhiêu già làng"
        return 1.0
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


_EFFECT_ASKED = r"hiệu lực|thi hành từ|áp dụng từ"
_EFFECT_BEFORE_RE = re.compile(r"(?:hiệu lực|thi hành|áp dụng)(?:\s+thi hành)?(?:\s+kể)?"
                               r"(?:\s+từ)?(?:\s+ngày)?\s*$")  # fmt: skip
# a deadline asked ("hạn chót … là ngày nào", "phải xong trước ngày nào"): the date written
# after "trước", "chậm nhất", "hạn", not the date of what was done so far
_DEADLINE_ASKED = (r"hạn chót|thời hạn|hạn cuối|chậm nhất|trước ngày nào|xong trước|hoàn thành "
                   r"trước|hạn hoàn thành|phải xong|phải hoàn thành|hạn chi trả")  # fmt: skip
_DEADLINE_BEFORE_RE = re.compile(r"(?:trước|chậm nhất|hạn|hết)(?:\s+ngày)?\s*$", re.IGNORECASE)


def _dates(
    question: _Question, sentence: str, offset: int, facts: Sequence[Fact]
) -> Iterator[tuple[int, int, float, Fact]]:
    """(start, end, grain score, fact) of each date in the sentence the question does not give;
    when the question names a document ("Chương trình 75-CTr/TU … ngày nào"), its date."""
    cited = [canonical_doc_id(m.group()) for m in DOC_NUMBER_RE.finditer(question.raw)]
    effect = _has(question.text, _EFFECT_ASKED, question.folded)
    deadline = _has(question.text, _DEADLINE_ASKED, question.folded)
    references = [f.span for f in facts if f.kind == "reference"]
    for fact in facts:
        if fact.kind != "date" or set(fact.numbers) <= question.numbers:
            continue
        match = DATE_RE.fullmatch(fact.value) or DATE_RE.search(fact.value)
        grain = match.lastgroup if match else None
        fits = 1.0 if question.grain is None or grain == question.grain else 0.0
        before = sentence[max(0, fact.span[0] - offset - 30) : fact.span[0] - offset]
        if effect:  # "có hiệu lực từ ngày nào": the date "hiệu lực kể từ" writes, not the issue's
            fits *= 1.0 if _EFFECT_BEFORE_RE.search(before) else 0.0
        elif cited:
            named = {canonical_doc_id(m.group()) for m in DOC_NUMBER_RE.finditer(before)}
            # the document the question names first is the one it asks about
            fits *= 1.0 if cited[0] in named else 0.6 if named & set(cited) else 0.3
        if deadline and not _DEADLINE_BEFORE_RE.search(before):
            fits *= 0.3  # "Đến ngày 20/9/2024 đã chi trả …" is no deadline
        if _other_event(question, sentence, fact.span[0] - offset):
            fits *= 0.5  # "… xảy ra ngày 24-7-2019" does not date the trial asked about
        elif not (effect or cited or deadline):
            fits *= 0.5 + 0.5 * _event_told(question, sentence, fact.span[0] - offset,
                                            fact.span[1] - offset)  # fmt: skip
        if not cited and any(a <= fact.span[0] and fact.span[1] <= b for a, b in references):
            fits *= 0.5  # "Công văn số 215-CV/BDVHU ngày 03/6/2024": a document's date, not asked
        yield fact.span[0] - offset, fact.span[1] - offset, fits, fact


_DATE_LEAD_WORDS = frozenset(("ngày", "vào", "từ", "đến", "tới", "trước", "sau", "năm", "tháng"))


# who and where, not what happened: "bà đã gửi đơn đến UBND xã" tells no "hòa giải" of "bà … xã"
_EVENT_GENERIC = (
    "ông", "bà", "anh", "chị", "em", "đồng", "chí", "hộ", "gia", "đình", "xã", "huyện", "tỉnh",
    "thôn", "bản", "ấp", "làng", "ubnd", "ủy", "ban", "nhân", "dân",
)  # fmt: skip


@functools.cache
def _event_generic(folded: bool) -> frozenset[str]:
    return frozenset(_normal(word, folded) for word in _EVENT_GENERIC)


def _event_told(question: _Question, sentence: str, start: int, end: int) -> float:
    """How well the words of a date's clause tell the event asked. A figure the question
    gives decides ("đạt 91,47% là vào năm nào": the year whose clause writes 91,47%); else 1
    when two of its event words ("bị sạt lở", "hòa giải": its content words but names) are
    there (or its only one), 0.5 for one, 0 for none. In minutes that date one household's
    landslide, its aid and its deadline, the name is beside all three."""
    opening, closing = _span_between(_CLAUSE_BREAK_RE, sentence, start, end)
    clause = set(_words(question, sentence[opening:closing]))
    figures = {w for w in question.weights if w[0].isdigit() and not is_year(w)}
    if figures:
        return 1.0 if figures & clause else 0.0
    names = {_normal(name, question.folded) for name in question.names}
    generic = _DATE_LEAD_WORDS | _event_generic(question.folded)
    event = {w for w in question.weights if not w[0].isdigit() and w not in names
             and w not in generic}  # fmt: skip
    if not event:
        return 1.0
    return min(len(event & clause), 2) / min(len(event), 2)


def _other_event(question: _Question, sentence: str, start: int) -> bool:
    """Whether the words right before a date name an event the question does not ask about."""
    segment = _SEGMENT_BREAK_RE.split(sentence[:start])[-1]
    words = [w for w in _words(question, segment)[-3:] if w not in _DATE_LEAD_WORDS]
    stop = _fold_all(_STOP_WORDS) if question.folded else _STOP_WORDS
    content = [w for w in words[-2:] if w not in stop]
    return bool(content) and not any(w in question.weights for w in content)


# -- choosing and answering -------------------------------------------------------------------


def _choice(candidate: _Candidate, settings: AskSettings, scope: bool = True) -> float:
    """How well a candidate answers: a weighted sum of its evidence (without the scope: how
    well it answers *what* was asked, whatever the time and place)."""
    weights = settings.weights()
    if not scope:
        weights["scope"] = 0.0
    return sum(w * getattr(candidate.evidence, name) for name, w in weights.items())


_SPAN_KINDS = ("quantity", "when", "who", "which", "list")  # they ask for less than a sentence


def _confidence(evidence: _Evidence, margin: float, strict_scope: bool, unnamed: float) -> float:
    """How sure the pick is: the question's terms around it; for a number or a date, how near
    they are and whether it has the asked unit; its lead over the runner-up; less for each name
    of the question not written in the sentence or its header (``unnamed``); and nothing when
    the document is about another place, or (``strict_scope``: the question names a time,
    place or level) the fact's scope is not the one asked."""
    score = evidence.cover + 0.1 * min(margin, 1.0) + 0.1 * (evidence.pin - 0.5)
    score -= unnamed * (1.0 - evidence.named)
    if evidence.fit:
        score += 0.4 * evidence.near - 0.5 * (1.0 - evidence.unit)
    if not evidence.place or (strict_scope and evidence.scope < 1.0):
        score -= 1.0
    return score


def _margin(best: _Candidate, candidates: Sequence[_Candidate], settings: AskSettings) -> float:
    """How far the best candidate leads the best one that answers something else."""
    text = _span_text(best)
    others = [_choice(c, settings) for c in candidates if _span_text(c) != text]
    return _choice(best, settings) - max(others, default=0.0)


_MAX_LABEL_WORDS = 4


def _own_label(candidate: _Candidate) -> str | None:
    """The few words, no number, that label a value within its stretch between commas:
    "HTTNV" in "năm 2016: HTXSNV 11,08%, HTTNV 76,75%"; "cấp xã" in "cấp xã 151 cuộc"."""
    text = candidate.hit.passage.text
    start = candidate.span[0]
    opening = _span_between(_SEGMENT_BREAK_RE, text[:start], start, start)[0]
    label = text[max(opening, candidate.sentence_span[0]) : start]
    words = _WORD_RE.findall(label)
    if not words or len(words) > _MAX_LABEL_WORDS or any(c.isdigit() for c in label):
        return None
    return label


def _label_match(question: _Question, label: str | None) -> float | None:
    """How much a value's own label says what the question asks: the Jaccard overlap of its
    words (an acronym spelled out) with the question's content words."""
    if label is None:
        return None
    stop = _fold_all(_STOP_WORDS) if question.folded else _STOP_WORDS
    words = {
        w for w in _terms(label, question.folded).words if w not in stop and not acronym_words(w)
    }
    asked = set(question.weights)
    return len(words & asked) / len(words | asked) if words else None


_PART_OF_RE = re.compile(r"[^\d();]{0,25}\([^()]*$")  # "226 người (dân tộc Mông 118 …"


def _part_of(candidate: _Candidate, total: _Candidate) -> bool:
    """Whether ``candidate`` is written in the bracket that follows ``total``."""
    text = candidate.hit.passage.text
    return (candidate.hit is total.hit and candidate.sentence_span == total.sentence_span
            and total.span[1] <= candidate.span[0]
            and _PART_OF_RE.match(text[total.span[1] : candidate.span[0]]) is not None)  # fmt: skip


def _label_names(question: _Question, candidate: _Candidate, others: Sequence[_Candidate]) -> set:
    """The question's names written before a value in its stretch ("huyện Kỳ Sơn 226 người"),
    and for a part of a total ("(dân tộc Mông 118 người") before the total too."""
    text, (start, _) = candidate.hit.passage.text, candidate.span
    opening = _span_between(_SEGMENT_BREAK_RE, text[:start], start, start)[0]
    label = canonical(text[max(opening, candidate.sentence_span[0]) : start])
    names = {n for n in question.names if _has(label, re.escape(n), False)}
    for total in others:
        if total is not candidate and total.fact is not None and _part_of(candidate, total):
            names |= _label_names(question, total, ())
    return names


def _named_part(
    question: _Question, best: _Candidate, candidates: Sequence[_Candidate], settings: AskSettings
) -> _Candidate:
    """A part of the best total that the question names ("người có uy tín là người Mông":
    "226 người (dân tộc Mông 118 người, …)"), else the best."""
    if best.fact is None or best.fact.kind != "quantity" or not question.names:
        return best
    own = _label_names(question, best, candidates)
    parts = [c for c in candidates if c.fact is not None and c.fact.unit == best.fact.unit
             and _part_of(c, best) and _label_names(question, c, candidates) > own]  # fmt: skip
    return max(parts, key=lambda c: _choice(c, settings), default=best)


_DIGIT_RE = re.compile(r"\d")


def _named_for_another(
    question: _Question, asked: Asked, best: _Candidate, others: Sequence[_Candidate],
    header: str,
) -> bool:  # fmt: skip
    """Whether a name of the question — not a place it asks about, nor one of the document's
    header — is the short label of another value of the best one's sentence and not written
    since the value before the best: "huyện Kỳ Sơn 226 người (… Thái 44 người), huyện Tương
    Dương 164 người" does not count Tương Dương's Thái."""
    if best.fact is None or best.fact.kind != "quantity":
        return False
    written = " ".join((_since_last_number(best), *asked.places, *asked.provinces))
    header = canonical(header).upper()
    own = _label_names(question, best, others)
    for other in others:
        if other is best or other.hit is not best.hit or other.fact is None:
            continue
        if other.sentence_span != best.sentence_span:
            continue
        # its short label ("HTTNV 76,75%"), or the part its stretch names ("trong đó Bí thư
        # Tỉnh ủy tiếp công dân định kỳ 12 kỳ" for "Bí thư Tỉnh ủy … bao nhiêu lượt")
        label = canonical(_own_label(other) or "")
        part = _PART_NAMED_RE.search(_since_last_number(other))
        if part is not None:
            label += " " + part.string[part.start() :]
        if any(_has(label, re.escape(n), False) and not _has(written, re.escape(n), False)
               and not _has(header, re.escape(n.upper()), False)
               for n in question.names - own):  # fmt: skip
            return True
    return False


_PART_NAMED_RE = re.compile(r"\btrong đó\b", re.IGNORECASE)


def _since_last_number(candidate: _Candidate) -> str:
    """What a value's clause writes before it since the number before it."""
    text, (start, _) = candidate.hit.passage.text, candidate.span
    opening = _span_between(_CLAUSE_BREAK_RE, text[:start], start, start)[0]
    since = max(
        [opening, candidate.sentence_span[0]]
        + [m.end() for m in _DIGIT_RE.finditer(text, opening, start)]
    )
    return canonical(text[since:start])


def _within(candidate: _Candidate, answer: _Candidate) -> bool:
    """Whether ``candidate`` is a value the answer holds (grown over both asked values)."""
    (start, end), (a, b) = candidate.span, answer.span
    return candidate.hit is answer.hit and a <= start and end <= b and (start, end) != (a, b)


def _has_rival(
    question: _Question, best: _Candidate, others: Sequence[_Candidate], settings: AskSettings
) -> bool:
    """Whether another figure of the same unit (or date, or document of the same kind) in the
    best one's sentence answers nearly as well: "907 lượt/948 người; UBND các huyện … 1.018
    lượt/1.379 người" — which body, level or year the question means is then a guess. A date
    of an event the question does not name is no rival, nor a value whose own label says
    less of the question than the best one's ("HTXSNV 11,08%, HTTNV 76,75%"), nor one without
    the act the best one is written after, and after fewer of the words the question puts
    before "bao nhiêu" (by ``led_gap``: "… với tổng kinh phí 18.235,7 triệu đồng, trong đó Nhân
    dân đóng góp 9.690,46 triệu đồng" for "Nhân dân … đóng góp bao nhiêu tiền")."""
    fact = best.fact
    if fact is None:
        return False
    floor, text = _choice(best, settings) - settings.rival_margin, _span_text(best)
    label = _label_match(question, _own_label(best))
    acted = fact.kind == "quantity" and _acted(question, best)
    led = _lead(question, best) - settings.led_gap if acted else 0.0
    return any(
        c.fact is not None and _same_sentence_figure(fact, c.fact)
        and _span_text(c) != text and _choice(c, settings) >= floor
        and c.evidence.scope >= best.evidence.scope  # "cấp xã 74" asked: "toàn huyện 112" is not
        and (fact.kind != "date" or c.evidence.unit >= best.evidence.unit)
        and not _labelled_less(question, c, label) and not _says_less(question, best, c)
        and (not acted or _acted(question, c) or _lead(question, c) > led)
        for c in others
    )  # fmt: skip


def _acted(question: _Question, candidate: _Candidate) -> bool:
    """Whether the words right before the question's first "bao nhiêu" ("Nhân dân đóng góp bao
    nhiêu tiền") are written before the value in its clause ("trong đó Nhân dân đóng góp
    9.690,46 triệu đồng")."""
    if not question.slots:
        return False
    stop = _fold_all(_STOP_WORDS) if question.folded else _STOP_WORDS
    before, _, _ = _slot_words(question, question.slots[0])
    content = [w for w in before if w not in stop]
    text, (start, _) = candidate.hit.passage.text, candidate.span
    clause_start, _ = _span_between(_CLAUSE_BREAK_RE, text, start, start)
    written = _words(question, text[max(clause_start, candidate.sentence_span[0]) : start])
    return bool(content) and all(w in written for w in content)


def _rival_person(
    question: _Question, best: _Candidate, others: Sequence[_Candidate], settings: AskSettings
) -> bool:
    """Whether another person of the best one's sentence answers "ai" as well: "do đồng chí
    Hiệu trưởng làm Chủ tịch, đồng chí Hà Văn Khiêm … làm Phó Chủ tịch, đồng chí Lý Thị Hồng
    Nhung … làm thư ký" for "Ai là Chủ tịch Hội đồng trường" — which one is a guess."""
    if question.kind != "who" or best.fact is not None:
        return False
    floor, text = _choice(best, settings) - settings.rival_margin, _span_text(best)
    return any(
        c.fact is None and c.hit is best.hit and c.sentence_span == best.sentence_span
        and _span_text(c) != text and _choice(c, settings) >= floor
        for c in others
    )  # fmt: skip


def _says_less(question: _Question, best: _Candidate, other: _Candidate) -> bool:
    """Whether the question's words in ``other``'s own stretch — between commas, else between
    semicolons — are a strict part of those in the best one's: "06 đơn vị sự nghiệp thuộc
    Sở Giáo dục và Đào tạo; 03 đơn vị sự nghiệp thuộc Sở Y tế" for "… thuộc Sở Giáo dục"."""
    for breaks in (_SEGMENT_BREAK_RE, _CLAUSE_BREAK_RE):
        own, theirs = (_asked_words_around(question, c, breaks) for c in (best, other))
        if theirs < own:
            return True
    return False


def _asked_words_around(
    question: _Question, candidate: _Candidate, breaks: re.Pattern[str]
) -> set[str]:
    text, (start, end) = candidate.hit.passage.text, candidate.sentence_span
    a, b = _span_between(breaks, text[:end], candidate.span[0], candidate.span[1])
    words = _words(question, text[max(a, start) : b])
    return {
        w
        for w in words + [s for w in words for s in _spelled_out(question, w)]
        if w in question.weights
    }


def _labelled_less(question: _Question, other: _Candidate, label: float | None) -> bool:
    """Whether both values have their own labels and ``other``'s says less of the question."""
    if label is None:
        return False
    match = _label_match(question, _own_label(other))
    return match is not None and match < label


def _close_behind(
    best: _Candidate, others: Sequence[_Candidate], settings: AskSettings, margin: float
) -> list[_Candidate]:
    """The other values of the best one's unit, of its scope or a better one, scoring within
    ``margin`` of it (none when the best is not a quantity)."""
    fact = best.fact
    if fact is None or fact.kind != "quantity":
        return []
    floor = _choice(best, settings) - margin
    return [
        c for c in others
        if c.fact is not None and c.fact.kind == "quantity" and c.fact.unit == fact.unit
        and c.evidence.scope >= best.evidence.scope and _choice(c, settings) >= floor
    ]  # fmt: skip


def _better_led(
    question: _Question, best: _Candidate, others: Sequence[_Candidate], settings: AskSettings
) -> bool:
    """Whether another value of the best one's unit and scope, close behind, is written after
    more of the words the question puts before "bao nhiêu" — who acted: "UBND các huyện …
    tiếp bao nhiêu lượt" against "Các cơ quan, đơn vị … đã tiếp 2.563 lượt" (the total) and
    "UBND các huyện, thành phố tiếp 1.018 lượt" (its part)."""
    behind = _close_behind(best, others, settings, settings.led_margin) if question.lead else []
    lead = _lead(question, best) if behind else 0.0
    return any(_lead(question, c) >= lead + settings.led_gap for c in behind)


def _better_covered(best: _Candidate, others: Sequence[_Candidate], settings: AskSettings) -> bool:
    """Whether another value of the best one's unit, close behind, is written among more of
    the question's words: "tỷ lệ tổ chức cơ sở đảng … HTNV năm 2016" read from the footnote
    on party members (ranked first) while the one on "TCCSĐ" holds the words asked."""
    return any(
        c.evidence.fit and c.evidence.unit >= best.evidence.unit
        and c.evidence.cover >= best.evidence.cover + settings.covered_gap
        for c in _close_behind(best, others, settings, settings.covered_margin)
    )  # fmt: skip


def _same_sentence_figure(fact: Fact, other: Fact) -> bool:
    """Whether ``other`` is a value of ``fact``'s kind and unit (a document: of its kind, as
    "Quyết định") in its sentence (or ``fact`` itself)."""
    return (
        other.passage_id == fact.passage_id
        and other.sentence_span == fact.sentence_span
        and other.kind == fact.kind
        and other.unit == fact.unit
        and _document_kind(other) == _document_kind(fact)
    )


def _document_kind(fact: Fact) -> str:
    """ "kế hoạch" for "Kế hoạch số 739/KH-UBND …"; "" for a number or a date."""
    if fact.kind != "reference":
        return ""
    return re.split(r"\s+(?:số\s+)?\d", fact.value, maxsplit=1)[0].lower()  # "Quy định 101-QĐ/TW"


def _span_text(candidate: _Candidate) -> str:
    start, end = candidate.span
    return candidate.hit.passage.text[start:end]


# -- answers of several values --------------------------------------------------------------

_SHARE_AFTER_RE = re.compile(  # "(đạt 89,8%)" whole; "(đạt 89,8%, vượt …" up to the share
    r"[\s,]*(\()?(?:\s*(?:đạt|chiếm|bằng))?(?:\s*t[ỷỉ] lệ)?(?:\s*(?:khoảng|gần|trên|hơn))?"
    r"\s*\d+(?:,\d+)?\s?%(?(1)\)?)"
)
_FRACTION_BEFORE_RE = re.compile(  # not a month: "đến tháng 9/2023 còn 4,21%"
    r"(?<![\d/])(?!\d{1,2}/(?:19|20)\d\d\b)"
    r"\d+(?:\.\d+)*/\d+(?:\.\d+)*(?:,?\s+[^\W\d_]+){0,6}[\s,(]*(?:đạt|chiếm|bằng)?\s*$"
)
_FROM_TO_RE = re.compile(
    r"từ\s+(?:[^\W\d_]+\s+){0,3}\d[^;]{0,70}?\s(?:lên|xuống còn|xuống|còn)\s+"
    r"(?:[^\W\d_]+\s+){0,2}\d+(?:[.,/]\d+)*(?:\s?%)?"
    r"(?:\s+(?:tỷ đồng|triệu đồng|USD|đồng|người|hộ|điểm|lượt))?",
    re.IGNORECASE,  # "Từ 30 ban … giảm xuống còn 22 ban" opens a sentence
)
_TERM_AFTER_RE = re.compile(r"[^;.]{0,60}?(nhiệm kỳ\s+\d{4}\s?[-–]\s?\d{4})")
_MAX_ANSWER_CHARS = 200


def _share_unanswered(question: _Question, best: _Candidate) -> bool:
    """A rate asked ("tỷ lệ hộ nghèo là bao nhiêu", "bao nhiêu phần trăm") and no percentage
    given ("121 đơn"); "chiếm bao nhiêu ha" asks hectares, no rate."""
    text = best.hit.passage.text[best.span[0] : best.span[1]]
    asked = question.kind == "quantity" and any(
        _has(question.text, words, question.folded) for words in _RATE_WORDS
    )
    number = any(ch.isdigit() for ch in text)  # "Xã nào … tỷ lệ … cao nhất" asks a name
    return asked and number and "%" not in text and "phần trăm" not in text.lower()


def _asks_share(question: _Question, slot: tuple[str, ...]) -> bool:
    """ "đạt tỷ lệ bao nhiêu", "bao nhiêu phần trăm": a slot a percentage fills."""
    return any(_has(" ".join(slot), w, question.folded) for w in _PERCENT_WORDS)


def _whole_answer(
    question: _Question, best: _Candidate, candidates: Sequence[_Candidate]
) -> tuple[_Candidate, bool, bool]:
    """The best candidate grown to hold every value the question asks — both ends of "tăng
    từ … lên …", a count and its share ("291/417 đơn, đạt 69,84%"), "bao nhiêu lượt, bao
    nhiêu người" — whether it holds them all (a half answer is not confident), and whether
    it is a list the slots could not be told apart in (less sure)."""
    text = best.hit.passage.text
    if best.evidence.fit and question.kind == "quantity":
        best = replace(best, span=_with_share(text, best.sentence_span, best.span))
    if best.fact is not None and best.fact.kind == "reference":
        best = replace(best, span=_with_opening_date(text, best.sentence_span, best.span))
    if question.from_to:
        span = _from_to(text, best.sentence_span, best.span)
        return (replace(best, span=span), True, False) if span else (best, False, False)
    best = replace(best, span=_with_asked_numbers(question, text, best.sentence_span, best.span))
    slots = list(question.slots)
    row = is_table_row(text[best.sentence_span[0] : best.sentence_span[1]])
    same = [c for c in candidates if c.hit is best.hit and c.sentence_span == best.sentence_span
            and c.evidence.fit and c.span != best.span
            and not (row and c.evidence.scope < best.evidence.scope)]  # fmt: skip
    # a table row's other cells: not another year's ("Năm 2023: 16; Năm 2024: 20" for 2024)
    things = _things_listed(question)
    if len(slots) < 2 and things > 1 and best.evidence.fit:  # "bao nhiêu tiền, đất và ngày công"
        run = _value_run(question, best, same, [], things, exact=True)
        return (replace(best, span=run), True, True) if run else (best, False, False)
    if len(slots) < 2 or not best.evidence.fit or _written_paired(question, best):
        return best, True, False
    slots.remove(
        max(
            slots,
            key=lambda slot: (  # the slot the best value fills: ties go to
                _slot_match(question, slot, best),  # the one whose acting words precede it
                _acts_found(question, _slot_words(question, slot)[0], best)[1],
            ),
        )
    )
    spans = [best.span]
    held = _values_held(best) + _share_held(best)
    no_share = "%" not in _span_text(best)  # "302/318 đơn" holds two numbers, no "tỷ lệ"
    if no_share:
        slots.sort(key=lambda slot: _asks_share(question, slot))  # a share's slot stays open
    for _ in range(held - 1):
        if slots and not (no_share and _asks_share(question, slots[0])):
            slots.pop(0)
    beside = _beside(best, candidates) if len(question.slots) == 2 else []
    listed = False
    for slot in slots:
        span = _slot_span(question, slot, text, best, same, spans)
        if span is None:  # "… 610 đồng chí. Trong đó, tín nhiệm cao 483 đồng chí"
            span = _slot_span(question, slot, text, best, beside, spans, strict=True)
        if span is None:  # the values are written as one list: answer the list whole
            run = _value_run(question, best, same, slots, len(question.slots))
            if run is None:
                return best, False, False
            spans, listed = [run], True
            break
        spans.append(span)
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    if not listed and any(_normal("và", question.folded) in _slot_words(question, slot)[2]
                          for slot in question.slots):  # fmt: skip
        run = _value_run(question, best, same, [], len(question.slots))  # "tiền và ngày công"
        if run is not None and run[0] <= start and end < run[1]:
            (start, end), listed = run, True
    end = _with_share(text, best.sentence_span, (start, end))[1]  # "302/318 đơn, đạt 94,97%"
    if end - start > _MAX_ANSWER_CHARS:
        return best, False, False
    sentence = min(start, best.sentence_span[0]), max(end, best.sentence_span[1])
    if sentence != best.sentence_span:
        sentence = _sentence_around(best.hit.passage, sentence)
    return replace(best, span=(start, end), sentence_span=sentence), True, listed


# what may stand between two values of one list: "38.640m2 đất, đóng góp 6.275,8 triệu đồng và"
# — not a purpose or a comparison ("… ngày công để làm 46,2 km", "… so với kế hoạch 40 km")
_RUN_GAP_RE = re.compile(r"(?!.*\b(?:để|nhằm|so với|vượt)\b)[^;:.()“”\"]{0,40}")


# "bao nhiêu tiền, đất và ngày công": several things after one question word
_THINGS_RE = re.compile(
    r"\s*(\w+(?: \w+){0,2}(?:, \w+(?: \w+){0,2})*) và \w+(?: \w+){0,2}\s*\??\s*"
)


def _things_listed(question: _Question) -> int:
    """How many things the last question word asks, listed after it ("tiền, đất và ngày
    công": 3); 1 when it asks one."""
    asked = list(_pattern(_SLOT_RE, question.folded).finditer(question.text))
    if not asked:
        return 1
    last = asked[-1]
    listed = _THINGS_RE.fullmatch(question.text, last.end())
    return listed.group(1).count(",") + 2 if listed else 1


def _value_run(
    question: _Question, best: _Candidate, same: Sequence[_Candidate], open_slots: list,
    needed: int, exact: bool = False,
) -> tuple[int, int] | None:  # fmt: skip
    """The list of figures the best one is written in, when the question's slots could not be
    told apart in it: "hiến 38.640m2 đất, đóng góp 6.275,8 triệu đồng và 21.400 ngày công" —
    from its first figure to its last, when it holds ``needed`` figures (money where money is
    asked, a share where one is) and names each open slot's thing; ``exact``: the ``needed``
    figures from the best one on ("bao nhiêu tiền, đất và ngày công")."""
    text = best.hit.passage.text
    spans = sorted({best.span, *(c.span for c in same if c.fact is not None
                                 and c.fact.kind == "quantity")})  # fmt: skip
    at = spans.index(best.span)
    first = last = at
    while first > 0 and _RUN_GAP_RE.fullmatch(text, spans[first - 1][1], spans[first][0]):
        first -= 1
    while last + 1 < len(spans) and _RUN_GAP_RE.fullmatch(text, spans[last][1], spans[last + 1][0]):
        last += 1
    if last - first + 1 < needed:
        return None
    if exact:  # the things asked, in the order written from the best value on
        first = max(first, min(at, last - needed + 1))
        last = first + needed - 1
    listed = [text[a:b] for a, b in spans[first : last + 1]]
    money = [_is_money(question, _written_as(question, value)) for value in listed]
    if sum(money) < sum(_asks_money(question, slot) for slot in open_slots):
        return None  # "… và tổng kinh phí bao nhiêu": a list of counts does not answer it
    shares = sum("%" in value for value in listed)
    if shares < sum(_asks_share(question, slot) for slot in open_slots):
        return None  # "… chiếm tỷ lệ bao nhiêu": a list of counts does not answer it
    written = _normal(text[spans[first][0] : spans[last][1] + 20].lower(), question.folded)
    for slot in open_slots:  # "… giúp bao nhiêu hộ": a list of hectares does not say it
        thing = _slot_words(question, slot)[2][:1]
        if thing and thing[0] not in UNIT_STOP and not _has(written, thing[0], question.folded):
            return None
    if _has(question.text, "trong đó", question.folded) and not _has(
        written, "trong đó", question.folded
    ):
        return None  # "… trong đó có mấy …": the part written after "trong đó", not a list
    return spans[first][0], spans[last][1]


def _beside(best: _Candidate, candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """The values of the sentences right before and after the best one's, in its passage."""
    spans = _sentences(best.hit.passage)
    at = spans.index(best.sentence_span) if best.sentence_span in spans else None
    if at is None:
        return []
    near = {spans[i] for i in (at - 1, at + 1) if 0 <= i < len(spans)}
    return [c for c in candidates if c.hit is best.hit and c.sentence_span in near
            and c.fact is not None and c.evidence.scope >= best.evidence.scope]  # fmt: skip


def _sentence_around(passage: Passage, span: tuple[int, int]) -> tuple[int, int]:
    """The sentences of ``passage`` that [start, end) touches, as one span."""
    touched = [(a, b) for a, b in _sentences(passage) if a < span[1] and span[0] < b]
    return (touched[0][0], touched[-1][1]) if touched else span


# "Ngày 09-9-2019, Ban Thường vụ Tỉnh ủy ban hành Quyết định số 1451-QĐ/TU …": the date that
# opens a sentence is the date of the document it issues
_OPENING_DATE_RE = re.compile(r"\W*(?:Ngày|ngày|Ngay|ngay)\s+" + _FULL_DATE_RE.pattern + r"\s*,")
_DATED_DOCUMENT_MAX_CHARS = 100


def _with_opening_date(
    text: str, sentence: tuple[int, int], span: tuple[int, int]
) -> tuple[int, int]:
    """A cited document without its own date, grown back to the date that opens its
    sentence — when it is the first document of the sentence and the whole stays short."""
    start, end = span
    if _FULL_DATE_RE.search(text, start, end) or end - sentence[0] > _DATED_DOCUMENT_MAX_CHARS:
        return span
    if not _OPENING_DATE_RE.match(text, sentence[0], start):
        return span
    return span if DOC_NUMBER_RE.search(text, sentence[0], start) else (sentence[0], end)


def _written_paired(question: _Question, best: _Candidate) -> bool:
    """Whether the sentence writes the question's "X và Y" before the value, as one value:
    "xây mới và sửa chữa 1.560 căn"."""
    if question.paired is None:
        return False
    before = best.hit.passage.text[best.sentence_span[0] : best.span[0]]
    return question.paired in _normal(before, question.folded)


def _with_share(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> tuple[int, int]:
    """A count out of a total with the share written beside it: "631/703 tin (đạt 89,8%"."""
    start, end = span
    value = text[start:end]
    if "/" in value and "%" not in value:
        share = _SHARE_AFTER_RE.match(text, end, sentence[1])
        return (start, share.end()) if share else span
    if value.rstrip().endswith("%") and "/" not in value:
        before = _FRACTION_BEFORE_RE.search(text, max(sentence[0], start - 60), start)
        return (before.start(), end) if before else span
    return span


def _with_asked_numbers(
    question: _Question, text: str, sentence: tuple[int, int], span: tuple[int, int]
) -> tuple[int, int]:
    """ "43 xã đạt từ 10-14 tiêu chí" for "bao nhiêu xã đạt từ 10 đến 14 tiêu chí": the
    numbers the question gives, written right after the value in its clause, stay with it —
    not a year, nor the number of a place ("huyện 2", "tổ 5")."""
    named = _NUMBERED_PLACE_RE.findall(fold_diacritics(question.raw))
    places = {canonical_number(n) for n in named}
    plain = question.numbers - places - {n for n in question.numbers if is_year(n)}
    if not plain:
        return span
    clause_end = _span_between(_SEGMENT_BREAK_RE, text[: sentence[1]], span[0], span[1])[1]
    end = span[1]
    for match in re.finditer(r"\d+(?:[.,]\d+)*", text[: min(clause_end, span[1] + 40)]):
        if match.start() >= span[1] and canonical_number(match.group()) in plain:
            end = match.end()
    if end == span[1]:
        return span
    unit = _words_after(text, end)
    return span[0], unit[0].end() if unit else end


def _from_to(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> tuple[int, int] | None:
    """ "từ 23,19% năm 2015 lên 27,6%": the change around the chosen value."""
    for match in _FROM_TO_RE.finditer(text, *sentence):
        if match.start() <= span[1] and span[0] <= match.end() + 1:
            return match.span()
    return None


def _values_held(candidate: _Candidate) -> int:
    """How many asked values one candidate gives: "907 lượt/948 người" two, a document with its
    date two; a share of a total ("712/957 ấp") one."""
    fact = candidate.fact
    if fact is None:
        return 1
    if fact.kind == "reference":
        return 2 if "ngày" in fact.value else 1
    two_units = "/" in fact.value and not _FRACTION_RE.match(fact.value)
    return 2 if fact.kind == "quantity" and two_units and fact.unit != "%" else 1


def _items_written(candidate: _Candidate) -> int:
    """The items a list answer names: "Đăk Hà, Sa Thầy" two."""
    text = candidate.hit.passage.text[slice(*candidate.span)]
    return len([item for item in _ITEM_BREAK_RE.split(text) if item.strip()])


_VALUE_RE = re.compile(rf"{_NUM}|(?<!\w)[IVX]+(?!\w)")


def _values_written(candidate: _Candidate) -> int:
    """The numbers and Roman ordinals a number or ordinal answer writes ("lần thứ XIII, XIV":
    two); any other answer counts as holding all it needs."""
    fact = candidate.fact
    if not candidate.evidence.fit or (fact is not None and fact.kind == "reference"):
        return 2
    text = DOC_NUMBER_RE.sub(" ", candidate.hit.passage.text[slice(*candidate.span)])
    return len(set(_VALUE_RE.findall(text)))


def _share_held(candidate: _Candidate) -> int:
    """1 when a count's answer carries its share too: "10/14 đơn, đạt 71,43%"."""
    fact = candidate.fact
    value = candidate.hit.passage.text[candidate.span[0] : candidate.span[1]]
    return int(fact is not None and fact.unit != "%" and "%" in value)


_FRACTION_RE = re.compile(r"\d+(?:[.,]\d+)*\s?/")


def _slot_words(question: _Question, slot: tuple[str, ...]) -> tuple[list[str], str, list[str]]:
    asked = next(i for i, w in enumerate(slot) if _has(w, _SLOT_RE, question.folded))
    return list(slot[:asked]), slot[asked], list(slot[asked + 1 :])


def _slot_match(question: _Question, slot: tuple[str, ...], candidate: _Candidate) -> float:
    """How well a candidate gives one asked value: a date for "ngày nào", a document for "số
    mấy", money for "bao nhiêu tiền", the unit asked ("bao nhiêu người" -> "948 người")."""
    fact = candidate.fact
    if fact is None:
        return 0.0
    before, asked, after = _slot_words(question, slot)
    if asked.endswith(("ngày nào", "ngay nao", "tháng nào", "thang nao", "năm nào", "nam nao")):
        return 1.0 if fact.kind == "date" else 0.0
    if before[-1:] in (["số"], ["so"]):
        return 1.0 if fact.kind == "reference" else 0.0
    if fact.kind != "quantity":
        return 0.0
    text = candidate.hit.passage.text
    value = text[candidate.span[0] : candidate.span[1]]
    words = _written_as(question, value)
    if not words and fact.unit == "":  # "115 “Làng 5 không, 3 sạch”": the thing follows, quoted
        following = text[
            candidate.span[1] : min(candidate.span[1] + 30, candidate.sentence_span[1])
        ]
        words = _written_as(question, following)[:3]
    if _asks_money(question, slot):
        return 1.0 if _is_money(question, words) else 0.0
    if _asks_share(question, slot) and "%" not in value:
        return 0.0  # "chiếm tỷ lệ bao nhiêu": not "612 học sinh"
    if not _acts_near(question, before, candidate):
        return 0.0
    if after and (after[0] in words or after[-1] in words):
        return 1.0
    if after[:1] == [_normal("người", question.folded)] and _counts_people(fact.unit):
        return 1.0  # "bao nhiêu người đạt tín nhiệm cao" -> "483 đồng chí"
    label = _own_label(candidate)
    if after and label and _words(question, label)[-len(after[:2]) :] == after[:2]:
        return 1.0  # "bao nhiêu cấp trưởng" -> "cấp trưởng 47 đồng chí"
    return 0.5 if not after or after[0] in UNIT_STOP else 0.0


def _asks_money(question: _Question, slot: tuple[str, ...]) -> bool:
    """ "bao nhiêu tiền", "kinh phí bao nhiêu": the slot asks an amount of money."""
    before, _, after = _slot_words(question, slot)
    money = {_normal(w, question.folded) for w in (*_MONEY_WORDS, "giá", "trị giá")}
    return bool(money & {*before, *after[:1]})


def _is_money(question: _Question, words: Sequence[str]) -> bool:
    """Whether a value's words (``_written_as``) name a currency: "triệu đồng", "USD"."""
    return bool({_normal(u, question.folded) for u in _MONEY_UNITS} & set(words))


def _written_as(question: _Question, text: str) -> list[str]:
    """The words of ``text`` as the question's are compared: folded when it is typed without
    diacritics."""
    return [_normal(w, question.folded) for w in _WORD_RE.findall(text)]


# units that count people: "bao nhiêu người" is answered by "483 đồng chí", "04 cán bộ"
_PEOPLE_UNITS = frozenset(("người", "lượt người", "đồng chí", "cán bộ", "công dân", "đảng viên",
                           "hội viên", "đoàn viên", "học sinh", "sinh viên", "học viên",
                           "giảng viên", "bị cáo", "cá nhân"))  # fmt: skip


def _counts_people(unit: str) -> bool:
    return unit.lower() in _PEOPLE_UNITS


def _acts_near(question: _Question, before: Sequence[str], candidate: _Candidate) -> bool:
    """Whether the words the question puts before its "bao nhiêu" ("đã giải quyết bao nhiêu
    đơn") are written around the value: "530 đơn thuộc thẩm quyền" does not answer it."""
    content, found = _acts_found(question, before, candidate)
    return not content or found > 0


def _acts_found(
    question: _Question, before: Sequence[str], candidate: _Candidate
) -> tuple[list[str], int]:
    """The content words of ``before`` and how many of them are written just before the
    value (within 60 characters of its sentence)."""
    stop = _fold_all(_STOP_WORDS) if question.folded else _STOP_WORDS
    names = {_normal(n, question.folded) for n in question.names}
    content = [w for w in before if w not in stop and w not in names]
    if not content:
        return content, 0
    text = candidate.hit.passage.text
    start = max(candidate.sentence_span[0], candidate.span[0] - 60)
    around = _words(question, text[start : candidate.span[1]])
    return content, sum(w in around for w in content)


def _slot_span(
    question: _Question,
    slot: tuple[str, ...],
    text: str,
    best: _Candidate,
    same: Sequence[_Candidate],
    taken: list[tuple[int, int]],
    strict: bool = False,
) -> tuple[int, int] | None:
    """Where the sentence gives one more asked value: the candidate that fits it best (the
    closest of equals; ``strict``: only one that fits it fully); "nhiệm kỳ nào" the term
    written after the answer."""
    words = " ".join(slot)
    if "nhiệm kỳ nào" in words or (slot[-1:] == ("nào",) and "nhiệm" in words):
        term = _TERM_AFTER_RE.match(text, best.span[1], best.sentence_span[1])
        if term:
            return term.span(1)
    free = [c for c in same if not any(c.span[0] < b and a < c.span[1] for a, b in taken)]
    clause = _span_between(_CLAUSE_BREAK_RE, text, *best.span)
    scored = [
        (_slot_match(question, slot, c), clause[0] <= c.span[0] < clause[1],
         -abs(c.span[0] - best.span[0]), c)
        for c in free
    ]  # fmt: skip
    scored = [s for s in scored if s[0] >= (1.0 if strict else 1e-9)]
    if not scored:
        return None
    return max(scored, key=lambda s: s[:3])[3].span


def extract_answer(
    question: str,
    hits: Sequence[Hit],
    index: SearchIndex,
    settings: AskSettings = DEFAULT_SETTINGS,
    memo: dict | None = None,
) -> Answer:
    """The answer to ``question`` found in ``hits`` (best first); ``index`` only looks up
    documents, footnotes and facts. ``memo``: a dict kept between calls with the same question
    and hits under other settings (``benchmarks.tune``): the candidates, which no setting
    changes, are read once."""
    check_query(question, "question")
    parsed = _parse_question(question)
    hits = tuple(hits)
    if _asks_signer(parsed):
        return _signer_answer(question, parsed, hits, index, settings)
    own_kind = _asked_own_kind(parsed, {d.kind for d in index.documents.values()})
    if own_kind is not None:  # a document of the index, if the question names one surely
        own = _own_number_answer(question, parsed, own_kind, hits, index, settings)
        if own.score >= settings.named_document:  # its header answers, or says it has no number
            return own
    book = fact_book(index)
    asked = read_scope(question, known_places(index), [c.place for c in book.coverages])
    candidates = memo.get("candidates") if memo is not None else None
    if candidates is None:
        candidates = [
            candidate
            for position, hit in _with_footnotes(hits, index)
            for candidate in _hit_candidates(parsed, asked, hit, position, index, book)
        ]
        if memo is not None:
            memo["candidates"] = candidates
    if parsed.kind == "who":  # "Phó Bí thư … tên là gì": the title asked is not its holder
        candidates = [
            c for c in candidates if not _asked_title(parsed, c) and not _other_role(parsed, c)
        ]
    missing = uncovered(asked, book.coverages, book.stated_years)
    note = coverage_note(book.coverages, missing) if missing else None
    if not candidates:
        empty = Answer(question, None, False, None, None, None, None, None, None, hits, 0.0)
        return replace(empty, scope_note=note, scope_asked=asked_words(asked) or None)
    pool = candidates
    if parsed.from_to:  # "tăng từ bao nhiêu lên bao nhiêu": a value inside "từ … lên …"
        inside = [c for c in candidates if c.evidence.fit
                  and _from_to(c.hit.passage.text, c.sentence_span, c.span)]  # fmt: skip
        pool = inside or candidates
    if _asks_two_units(parsed):  # "bao nhiêu lượt/người": a value written with both
        pool = [c for c in pool if _values_held(c) > 1] or pool
    elif len(parsed.slots) == 2:  # "bao nhiêu lượt, bao nhiêu người": "86 lượt/97 người"
        pool = [c for c in pool if _holds_both(parsed, c)] or pool
    if asked.by_level:  # "chia theo từng cấp": a total written with its levels
        pool = [c for c in pool if _level_breakdown(c) is not None] or pool
    best = max(pool, key=lambda c: _choice(c, settings))
    total, best = best, _named_part(parsed, best, candidates, settings)
    # a change "từ … năm 2015 lên … năm 2020" answers for the whole term it spans
    strict = (asked.asks or asked.target or asked.total) and not (parsed.from_to and asked.period)
    facts = _fact_matches(best, candidates, settings)
    joined = {id(f) for f in _levels_joined(best, facts, asked)}  # they answer together
    others = [c for c in candidates if c.fact is None or id(c.fact) not in joined]
    others = [c for c in others if c is not total]  # the total of the part named, if any
    rivals = others
    if strict and best.evidence.scope >= 1.0:  # a figure of another scope answers no rival
        rivals = [c for c in others if c.fact is None or c.evidence.scope >= 1.0]
    score = _confidence(best.evidence, _margin(best, rivals, settings), strict, settings.unnamed)
    grown, whole, listed = _whole_answer(parsed, best, candidates)
    if whole and len(parsed.slots) > 1 and best.evidence.fit:
        score += settings.whole - settings.list_doubt * listed
    if asked.by_level:  # "2.146 mô hình (cấp tỉnh 168, cấp huyện 524, cấp xã 1.454)"
        end = _level_breakdown(grown)
        whole = whole and end is not None
        grown = replace(grown, span=(grown.span[0], end)) if end is not None else grown
    apart = [c for c in others if not _within(c, grown)]  # "07 căn nhà, đổ sập 92 căn": one answer
    score -= settings.rival * (
        _has_rival(parsed, best, apart, settings) or _rival_person(parsed, best, apart, settings)
    )
    score -= settings.led * _better_led(parsed, best, apart, settings)
    score -= settings.covered * _better_covered(best, apart, settings)
    header = _header(best.hit.passage, index)
    if _named_for_another(parsed, asked, best, apart, header):  # "Tương Dương … người Thái"
        score -= settings.unnamed
    if not best.evidence.fit and (_asks_name(parsed) or parsed.kind in ("quantity", "when")
                                  or parsed.item is not None):  # fmt: skip
        # a sentence is not a name, a number or a date
        score = min(score, settings.threshold - 0.5)
    elif not best.evidence.fit and parsed.kind in _SPAN_KINDS:
        score -= settings.sentence_doubt
    if missing:
        score = min(score, settings.threshold - 1.0)
    if _number_unsaid(parsed, best):  # "sản phẩm OCOP đạt 5 sao": no "5" in the sentence
        score = min(score, settings.threshold - 0.5)
    if _of_another_document(parsed, best) or _of_another_kind(parsed, best):
        score = min(score, settings.threshold - 0.5)
    best = grown
    if len(parsed.slots) < 2 and parsed.asked_count > 1:
        whole = False  # "Nghị định nào … và Hướng dẫn nào": one span answers one of them
    if parsed.parallel and _values_written(grown) < 2:
        whole = False  # "năm 2015 và năm 2020": one value answers one of them
    if parsed.items and grown.evidence.fit and _items_written(grown) != parsed.items:
        whole = False  # "Hai huyện nào": seven names answer something else
    if _asks_two_units(parsed) and _values_held(best) < 2 and _values_written(best) < 2:
        whole = False  # "bao nhiêu lượt/người" answered "05 lượt"
    if _polarity_differs(parsed, best):
        score = min(score, settings.threshold - 0.5)  # "chưa đạt" asked, "đạt" written
    if _label_unwritten(parsed, best):
        score = min(score, settings.threshold - 0.5)  # "Cơ sở 2 … có mấy phòng": not said of it
    if _replaced(parsed, best):
        whole = False  # "thay thế Quyết định số 112/QĐ-UBND": not the act in force
    if _share_unanswered(parsed, best):
        whole = False  # "tỷ lệ bao nhiêu" answered "121 đơn"
    if not whole:  # half an answer is never given as the answer
        score = min(score, settings.threshold - 0.5)
    if parsed.kind == "quantity":
        score -= settings.quantity_doubt
    if note is None and strict and facts and not any(f.matches for f in facts):
        note = coverage_note(book.coverages, ["đúng phạm vi câu hỏi"])
    return _answer(question, best, score, hits, index, settings, facts, note, asked)


# the levels a total is split into, right after it: "(cấp tỉnh 168, cấp huyện 524, cấp xã
# 1.454)", ", trong đó cấp huyện 38 mô hình, cấp xã 176 mô hình"
_BREAKDOWN_RE = re.compile(r"[^().;]{0,60}?(?:\([^()]*\)|,?\s*(?:trong đó|gồm)[:,]?[^.;()]*)")


def _level_breakdown(candidate: _Candidate) -> int | None:
    """Where the levels written after a total end, when at least two are."""
    text = candidate.hit.passage.text
    match = _BREAKDOWN_RE.match(text, candidate.span[1], candidate.sentence_span[1])
    if match is None or len(set(LEVEL_RE.findall(match.group()))) < 2:
        return None
    return match.end()


# a part of a whole named by its number: "Cơ sở 2", "Tiêu chí 2.3", "khóa 12", "Tổ 3"
_NUMBERED_PART_RE = (r"(?<!\w)(cơ sở|tiêu chí|tiêu chuẩn|khóa|khoá|tổ|đội|khu|phân hiệu|"
                     r"điều|chương|mục|phụ lục|đợt|lớp)\s+(\d+(?:\.\d+)*)(?![\d.]*\d)")  # fmt: skip


# not a movement's name: "Tổ hòa giải "3 không" ở khu phố 3", "5 không, 3 sạch"
_NEGATED_RE = r"(?<!\d )(?<!\d)\b(?:chưa|không)(?: được)? (\w+)"


def _polarity_differs(question: _Question, best: _Candidate) -> bool:
    """Whether the question asks what is not ("xã duy nhất chưa đạt chuẩn") and the answer's
    clause writes the same verb without its negation ("03 xã đạt chuẩn … (Lạc Hòa, …)")."""
    if question.folded or question.kind not in _SPAN_KINDS:  # "sua chua" is no "chưa"
        return False
    text = best.hit.passage.text
    clause = text[slice(*_span_between(_CLAUSE_BREAK_RE, text, *best.sentence_span))].lower()
    for match in re.finditer(_NEGATED_RE, question.text):
        verb = match.group(1)
        negated = rf"\b(?:chưa|không)(?: \w+){{0,2}} {verb}\b"  # "chưa thật bền vững"
        if re.search(rf"\b{verb}\b", clause) and not re.search(negated, clause):
            return True
    return False


def _label_unwritten(question: _Question, best: _Candidate) -> bool:
    """Whether the question asks about a numbered part ("Cơ sở 2 của trường …") that neither
    the answer's passage nor its section heading names."""
    pattern = re.compile(_normal(_NUMBERED_PART_RE, question.folded), re.IGNORECASE)
    passage = best.hit.passage
    written = _normal(canonical(" ".join((*passage.section_path, passage.text))).lower(),
                      question.folded)  # fmt: skip
    for match in pattern.finditer(question.text):
        label, number = canonical(match.group(1)).lower(), match.group(2)
        if not re.search(rf"(?<!\w){re.escape(label)}\s+{re.escape(number)}(?![\d]|\.\d)", written):
            return True
    return False


# "bao nhiêu lượt/người"; the pairs reports write together: "khen thưởng bao nhiêu tập thể, cá
# nhân" ("23 tập thể và 31 cá nhân"), "bao nhiêu hộ, nhân khẩu"
_TWO_UNITS_RE = (r"(?:bao nhiêu|mấy) (?:\w+ ?/ ?\w+|tập thể,? (?:và )?cá nhân|"
                 r"hộ,? (?:và )?(?:nhân )?khẩu)")  # fmt: skip


def _asks_two_units(question: _Question) -> bool:
    """ "tiếp bao nhiêu lượt/người": one value written with both units is asked."""
    return question.kind == "quantity" and _has(question.text, _TWO_UNITS_RE, question.folded)


def _holds_both(question: _Question, candidate: _Candidate) -> bool:
    """Whether one value gives both things two slots ask: "86 lượt/97 người" for "bao nhiêu
    lượt, bao nhiêu người"."""
    evidence = candidate.evidence
    if candidate.fact is None or not evidence.fit or evidence.scope < 1.0 or not evidence.place:
        return False  # one of another year, place or level gives no pair
    if _values_held(candidate) < 2:
        return False
    value = _written_as(question, _span_text(candidate))
    things = [_slot_words(question, slot)[2][:1] for slot in question.slots]
    return all(thing and thing[0] in value for thing in things)


_REPLACING_WORDS = ("thay thế", "thay cho", "bãi bỏ")
_REPLACED_RE = re.compile(rf"(?:{'|'.join(_REPLACING_WORDS)})\s*$", re.IGNORECASE)


def _replaced(question: _Question, best: _Candidate) -> bool:
    """A document the sentence says is replaced ("… và thay thế Quyết định số 112/QĐ-UBND"),
    when the question does not ask what was replaced."""
    if best.fact is None or best.fact.kind != "reference":
        return False
    before = best.hit.passage.text[max(0, best.span[0] - 20) : best.span[0]]
    asked = any(_has(question.text, w, question.folded) for w in _REPLACING_WORDS)
    return not asked and _REPLACED_RE.search(before) is not None


def _asked_title(question: _Question, candidate: _Candidate) -> bool:
    """Whether the candidate is written in the question itself: the title it asks about."""
    return _normal(canonical(_span_text(candidate)).lower(), question.folded) in question.text


# minutes of a dialogue: "Ông A, thôn B hỏi: …", "Đồng chí C - Phó Chủ tịch UBND xã trả lời: …"
_ROLES = {"asked": ("hỏi", "kiến nghị", "phản ánh"), "answered": ("trả lời", "giải trình")}
_ROLE_END_RE = re.compile(r"[^:.;?!]{0,120}?\b(hỏi|kiến nghị|phản ánh|trả lời|giải trình)\s*:")


def _other_role(question: _Question, candidate: _Candidate) -> bool:
    """Whether a name asked as the one who answered (or asked) is the one who asked (or
    answered): the role written after the name, before its colon."""
    asked = [role for role, verbs in _ROLES.items()
             if any(_has(question.text, rf"\bai\s+(?:đã\s+)?{verb}", question.folded)
                    for verb in verbs)]  # fmt: skip
    if len(asked) != 1:
        return False
    written = _ROLE_END_RE.match(candidate.hit.passage.text, candidate.span[1])
    if written is None:
        return False
    return written.group(1) not in _ROLES[asked[0]]


def _of_another_kind(question: _Question, best: _Candidate) -> bool:
    """Whether the answer is a document of another kind than the one asked: "số hiệu … của
    báo cáo …" answered with a Kế hoạch the report cites."""
    asked = _asked_document_kinds(question) - _generic_kinds(question)
    if not asked or best.fact is None or best.fact.kind != "reference":
        return False
    return not _of_kind(question, best.fact, asked)


def _of_kind(question: _Question, reference: Fact, kinds: set[str]) -> bool:
    """Whether a cited document is of one of ``kinds``: "Thông báo kết luận số …" is the
    "thông báo số mấy" asked."""
    kind = _normal(_document_kind(reference), question.folded)
    return any(kind == k or kind.startswith(k + " ") for k in kinds)


def _of_another_document(question: _Question, best: _Candidate) -> bool:
    """Whether the question names a document ("Kết luận 08-KL/TW … về vấn đề gì") and the
    answer is written after another one in its clause: "… 290-QĐ/TW “về ban hành Quy chế …”"
    in a list of documents and their subjects. (A count or a date is the document's work:
    "bao nhiêu cuộc giám sát theo Quyết định 217-QĐ/TW" — "… 217-QĐ/TW, 218-QĐ/TW: 571 cuộc".)"""
    given = {canonical_doc_id(m.group()) for m in DOC_NUMBER_RE.finditer(question.raw)}
    if (
        not given
        or question.kind in ("quantity", "when")
        or (best.fact is not None and best.fact.kind == "reference")
    ):
        return False
    text = best.hit.passage.text
    start, _ = _span_between(_CLAUSE_BREAK_RE, text, *best.span)
    before = list(DOC_NUMBER_RE.finditer(text, max(start, best.sentence_span[0]), best.span[0]))
    return bool(before) and canonical_doc_id(before[-1].group()) not in given


# a number the question counts with ("đạt 5 sao"), folded: the word before it and the number
_GIVEN_COUNT_RE = re.compile(r"([a-z]+)\s+(\d+(?:[.,]\d+)*)\s+(?!nam\b|thang\b|ngay\b)[a-z]")
# the last syllable of what a number names rather than counts: "Nghị quyết 25", "Ban Chỉ đạo 35"
_NAMING_WORDS = frozenset(("quyet", "luan", "thi", "dinh", "trinh", "hoach", "van", "an", "dao",
                           "nq", "kl", "ct", "qd", "kh", "so", "khoa", "thu", "huyen", "xa",
                           "phuong", "to", "khu", "doi", "quan", "ap", "thon", "lang"))  # fmt: skip


def _number_unsaid(question: _Question, best: _Candidate) -> bool:
    """Whether the question gives a number ("đạt 5 sao", "từ 10 đến 14 tiêu chí") — not a
    year, a date, a document's number or a numbered place — that the answer's sentence does
    not write."""
    raw = _FULL_DATE_RE.sub(" ", DOC_NUMBER_RE.sub(" ", PERIOD_RE.sub(" ", question.raw)))
    places = {canonical_number(n) for n in _NUMBERED_PLACE_RE.findall(fold_diacritics(raw))}
    counts = [
        m
        for m in _GIVEN_COUNT_RE.finditer(fold_diacritics(raw).lower())
        if m.group(1) not in _NAMING_WORDS
    ]  # not "Nghị quyết 25", "Ban Chỉ đạo 35"
    given = {canonical_number(m.group(2)) for m in counts} - places
    given = {n for n in given if not is_year(n)}
    if not given:
        return False
    start, end = best.sentence_span
    return not given & set(_numbers(best.hit.passage.text[start:end]))


def _fact_matches(
    best: _Candidate, candidates: Sequence[_Candidate], settings: AskSettings
) -> tuple[FactMatch, ...]:
    """The facts that answer the question's "what" nearly as well as the best one, whatever
    their scope: the chosen one first, then the same figure at other levels, then the rest by
    how well they answer the "what"."""
    with_facts = [c for c in candidates if c.fact is not None and c.evidence.fit]
    if not with_facts:
        return ()
    what = {id(c): _choice(c, settings, scope=False) for c in with_facts}
    floor = max(what.values()) - settings.facts_margin
    ranked = sorted(
        (c for c in with_facts if what[id(c)] >= floor or c is best),
        key=lambda c: (c is not best, not _other_level(best.fact, c.fact), -what[id(c)]),
    )
    shown: dict[str, FactMatch] = {}
    for candidate in ranked:
        fact = candidate.fact
        if fact is None or fact.fact_id in shown:
            continue
        matches = candidate.evidence.scope >= 1.0
        shown[fact.fact_id] = FactMatch(fact, candidate.hit.passage, matches, describe(fact.scope))
        if len(shown) == settings.facts_shown:
            break
    return tuple(shown.values())


FACT_ORDERS = ("year", "place")


def facts_about(
    index: SearchIndex,
    query: str,
    k: int = 50,
    by: str = "year",
    filters: Filters | None = None,
    settings: AskSettings = DEFAULT_SETTINGS,
) -> list[FactMatch]:
    """Every figure the reports give about what ``query`` names ("cuộc đối thoại", "hộ thoát
    nghèo"), across reports, ordered by year (or place) — for "so với cùng kỳ" sentences.
    ``matches`` says whether a fact's scope fits a year, place or level the query names."""
    check_k(k)
    if by not in FACT_ORDERS:
        raise ValueError(f"by: accepted {', '.join(FACT_ORDERS)}")
    read = reports_wording(check_query(query))
    if not read.strip():
        return []
    if not is_question(read):  # "cuộc đối thoại" is read as "bao nhiêu cuộc đối thoại"
        read = f"bao nhiêu {read}"
    hits = searcher_of(index).hits(read, 20, "hybrid", filters)
    parsed, asked, book = _parse_question(read), read_scope(read), fact_book(index)
    candidates = [
        candidate
        for position, hit in enumerate(hits, start=1)
        for candidate in _hit_candidates(parsed, asked, hit, position, index, book)
        if candidate.fact is not None and candidate.fact.kind == "quantity"
    ]
    if not candidates:
        return []
    best = max(candidates, key=lambda c: _choice(c, settings, scope=False))
    wide = replace(settings, facts_shown=k, facts_margin=settings.facts_margin)
    found = list(_fact_matches(best, candidates, wide))
    order = (lambda f: (f.fact.scope.years[:1] or (9999,), f.fact.scope.province)) if by == "year" \
        else (lambda f: (f.fact.scope.province, f.fact.scope.years[:1] or (9999,)))  # fmt: skip
    return sorted(found, key=order)


def _other_level(fact: Fact | None, other: Fact | None) -> bool:
    """The same figure as ``fact`` for another (or the same) level, in the same sentence:
    "cấp huyện … đối thoại 13 cuộc; cấp xã … đối thoại 151 cuộc"."""
    if fact is None or other is None or not other.scope.level:
        return False
    return (
        _same_sentence_figure(fact, other)
        and _normal(other.label, False).split()[-2:] == _normal(fact.label, False).split()[-2:]
    )


def _levels_joined(best: _Candidate, facts: Sequence[FactMatch], asked: Asked) -> list[Fact]:
    """The same figure for several levels in the best fact's sentence ("cấp huyện … 13 cuộc;
    cấp xã … 151 cuộc"), in text order, when the question names no level; else []."""
    fact = best.fact
    if fact is None or asked.level or not fact.scope.level:
        return []
    same = [f.fact for f in facts if f.matches and _other_level(fact, f.fact)]
    if len({f.scope.level for f in same}) < 2:
        return []
    return sorted(same, key=lambda f: f.span)


def _answer_text(best: _Candidate, joined: Sequence[Fact]) -> str:
    """The answer as written, or each joined figure with its level: "13 cuộc (cấp huyện);
    151 cuộc (cấp xã)"."""
    if joined:
        return "; ".join(f"{f.value} (cấp {f.scope.level})" for f in joined)
    return best.hit.passage.text[best.span[0] : best.span[1]]


def _answer_scope(best: _Candidate, joined: Sequence[Fact]) -> str | None:
    """The scope of the answer's figure, without the level when it joins several levels."""
    if best.fact is None:
        return None
    scope = replace(best.fact.scope, level="") if joined else best.fact.scope
    return describe(scope)


def _answer(
    question: str,
    best: _Candidate,
    score: float,
    hits: tuple[Hit, ...],
    index: SearchIndex,
    settings: AskSettings,
    facts: tuple[FactMatch, ...],
    note: str | None,
    asked: Asked,
) -> Answer:
    passage = best.hit.passage
    confident = score >= settings.threshold
    context, context_id = _context(passage, best.sentence_span, index)
    start, end = best.sentence_span
    joined = _levels_joined(best, facts, asked)
    text = _answer_text(best, joined) if confident else None
    return Answer(
        question=question,
        text=text,
        confident=confident,
        passage=passage,
        span=best.span if confident else None,
        sentence=passage.text[start:end],
        sentence_span=best.sentence_span,
        context=context,
        context_passage_id=context_id,
        hits=hits,
        score=round(score, 4),
        facts=facts,
        scope_note=note,
        scope=_answer_scope(best, joined) if text and facts and facts[0].matches else None,
        scope_asked=asked_words(asked) or None,
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


def ask(
    index: SearchIndex,
    question: str,
    k: int = 5,
    filters: Filters | None = None,
    settings: AskSettings = DEFAULT_SETTINGS,
    searcher: Searcher | None = None,
) -> Answer:
    """Search ``index`` for ``question`` (``ASK_MODE``, among the passages ``filters`` accept) and
    extract the answer from the k best hits. ``searcher``: one over ``index`` to search with
    (default: the index's own, kept between questions)."""
    check_query(question, "question")
    check_k(k)
    read = reports_wording(question)
    if not read.strip():  # nothing left once control characters are cleaned away
        return Answer(question, None, False, None, None, None, None, None, None, (), 0.0)
    searcher = searcher or searcher_of(index)
    hits = searcher.hits(read, k, ASK_MODE, filters, field="question")
    answer = extract_answer(read, hits, index, settings)
    return replace(answer, question=question)
