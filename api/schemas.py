"""What goes over the wire: request and response schemas, and the one place that turns
``qa`` results into them (the HTTP routes and ``baocao … --json`` both call these)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from baocao.corpus.model import Document, Passage
from baocao.index.hit import Hit
from baocao.index.routing import REASONS
from baocao.qa.ask import is_question
from baocao.qa.citation import cite_document
from baocao.qa.document import DocumentText
from baocao.qa.highlight import highlights
from baocao.qa.search import (
    DEFAULT_MODE,
    FILTER_KEYS,
    MAX_K,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    MAX_TEXT_TOKENS,
    PASSAGE_KINDS,
    SEARCH_MODES,
    VISIBLE_CHARACTER,
    Citation,
    Ranked,
    Result,
    cite,
)

QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"

# What each request field accepts; shown in /docs and in every 422 about that field.
ACCEPTED = {
    "query": f"a non-empty text of at most {MAX_QUERY_CHARS} characters, and in adaptive, "
    f"hybrid and dense modes of at most {MAX_QUERY_TOKENS} tokens of the encoder",
    "question": f"a non-empty text of at most {MAX_QUERY_CHARS} characters and "
    f"{MAX_QUERY_TOKENS} tokens of the encoder",
    "text": f"a non-empty text of at most {MAX_QUERY_CHARS} characters and {MAX_TEXT_TOKENS} "
    "tokens of the encoder",
    "k": f"a whole number from 1 to {MAX_K}",
    "offset": f"a whole number from 0 to {MAX_K - 1}; hits beyond the {MAX_K}th are not given",
    "hits": f"a whole number from 0 to {MAX_K}",
    "mode": f"one of {', '.join(SEARCH_MODES)}",
    "filters": (
        f"an object with any of the keys {', '.join(FILTER_KEYS)}: doc_id (an id or a list, "
        f"GET /documents), year / year_from / year_to (1900-2100), kind ({', '.join(PASSAGE_KINDS)}"
        ", or a list), section (a prefix of the section path)"
    ),
}
MODES_SAID = (
    f"{ACCEPTED['mode']} (default {DEFAULT_MODE}). adaptive: BM25 first; the query is encoded "
    "and fused with BM25 as in hybrid only where BM25 alone is unsure (dense_used in the "
    "answer says which); hybrid: always fused; bm25: the words as typed; dense: closeness in "
    "meaning alone"
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _number_not_text(value: Any) -> Any:
    """Whole numbers as JSON Schema reads "integer": 5 and 5.0, but neither true nor "5"."""
    if isinstance(value, bool | str):
        raise ValueError("expected a whole number")
    return value


WholeK = Annotated[int, Field(ge=1, le=MAX_K), BeforeValidator(_number_not_text)]
Offset = Annotated[int, Field(ge=0, le=MAX_K - 1), BeforeValidator(_number_not_text)]
HitCount = Annotated[int, Field(ge=0, le=MAX_K), BeforeValidator(_number_not_text)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS, pattern=VISIBLE_CHARACTER)]
Year = Annotated[int, Field(ge=1900, le=2100), BeforeValidator(_number_not_text)]
# The accepted values come from the one tuple each (an enum in the OpenAPI schema); a checker
# sees the str they are.
if TYPE_CHECKING:
    Kind: TypeAlias = str
    SearchMode: TypeAlias = str
else:
    Kind = Literal[PASSAGE_KINDS]
    SearchMode = Literal[SEARCH_MODES]


class SearchFilters(_Request):
    """Hard filters; every one optional. A year range with year_from after year_to is empty."""

    doc_id: str | list[str] | None = Field(
        None,
        description="a document id or a list of them (GET /documents); an unknown id gives 404",
    )
    year: Year | None = Field(None, description="the year a report covers")
    year_from: Year | None = None
    year_to: Year | None = None
    kind: Kind | list[Kind] | None = Field(None, description="passage kind(s)")
    section: str | None = Field(None, max_length=MAX_QUERY_CHARS,
                                description="a prefix of the section path")  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ErrorOut(BaseModel):
    detail: str = Field(description="what was wrong and what is accepted")


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route can give."""
    said = {
        400: "the Host header names a host this server is not served as (--allowed-host)",
        401: "an API token is required (server started with --token)",
        404: "unknown id",
        408: "the request body did not arrive in time (--body-timeout)",
        409: "not possible on this server",
        413: "the request body is too large",
        422: "a field is missing or wrong; the message says what is accepted",
        429: "too many requests at once; retry after a second",
    }
    return {status: {"model": ErrorOut, "description": said[status]} for status in statuses}


class SearchRequest(_Request):
    query: Text = Field(description=ACCEPTED["query"])
    k: WholeK = Field(10, description=ACCEPTED["k"])
    offset: Offset = Field(
        0, description="skip this many hits first (the page's 'Xem thêm'); " + ACCEPTED["offset"]
    )
    mode: SearchMode = Field(DEFAULT_MODE, description=MODES_SAID)
    filters: SearchFilters = Field(default_factory=SearchFilters, description=ACCEPTED["filters"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"query": QUESTION, "k": 5, "mode": DEFAULT_MODE, "filters": {}},
                {"query": "tiếp xúc cử tri", "filters": {"year_from": 2019, "kind": "body"}},
                {"query": '"dân vận khéo"', "filters": {"section": "II. KẾT QUẢ"}},
            ]
        }
    )


class AskRequest(_Request):
    question: Text = Field(description=ACCEPTED["question"])
    k: WholeK = Field(5, description=ACCEPTED["k"])
    hits: HitCount = Field(
        0,
        description="also return this many hits of the question as /search finds them "
        "(hybrid), with the total: one request for the page's answer and its list; "
        + ACCEPTED["hits"],
    )
    filters: SearchFilters = Field(default_factory=SearchFilters, description=ACCEPTED["filters"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": QUESTION, "k": 5, "hits": 10},
                {"question": "Tỉnh Kon Tum có bao nhiêu đơn vị hành chính cấp xã?"},
                {
                    "question": "Tỷ lệ giải quyết đơn khiếu nại là bao nhiêu?",
                    "filters": {"year": 2019},
                },
            ]
        }
    )


class SimilarRequest(_Request):
    text: Text = Field(description=ACCEPTED["text"])
    k: WholeK = Field(10, description=ACCEPTED["k"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "Cấp ủy, chính quyền các cấp đã tổ chức các cuộc đối thoại với "
                    "Nhân dân, kịp thời giải quyết tâm tư, nguyện vọng chính đáng.",
                    "k": 5,
                }
            ]
        }
    )


class HitOut(BaseModel):
    passage_id: str
    doc_id: str
    doc_title: str
    doc_number: str | None
    doc_date: str | None = Field(description="ISO date of the report")
    file: str
    section_path: list[str]
    kind: str
    footnote: int | None
    anchor_text: str | None = Field(description="footnote: the body sentence it annotates")
    text: str
    highlights: list[tuple[int, int]] = Field(description="[start, end) offsets in text")
    line_start: int
    line_end: int
    page: int | None = Field(None, description="PDF: the page the passage starts on")
    page_end: int | None = Field(None, description="PDF: the page it ends on")
    score: float
    scores: dict[str, float] = Field(description="bm25 / dense / fused: those computed")
    citation: str = Field(
        description="as documents cite: 'Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon "
        "Tum (giai đoạn 2015–2020), mục III.1, chú thích 6'"
    )
    source: str = Field(description="the file and where in it, for checking: 'f.txt, dòng 8–9'")


class SearchResponse(BaseModel):
    query: str
    took_ms: float
    hits: list[HitOut]
    offset: int = Field(0, description="hits skipped before these")
    total: int | None = Field(
        None,
        description="passages holding a word of the query (the phrase, when quoted) "
        "among those the filters accept; the ranking may add others where the encoder ran",
    )
    dense_used: bool = Field(
        True,
        description="whether the query encoder ran for this search: hybrid, dense and /similar "
        "always, adaptive only where BM25 alone was unsure, bm25 never",
    )
    route: str = Field(
        "hybrid",
        description="why: the mode for hybrid, bm25, dense (and hybrid for /similar); for "
        f"adaptive one of {', '.join(REASONS)} — no_keyword_match (BM25 found nothing), "
        "unaccented (typed without diacritics: hybrid ranks those by BM25 alone), quoted, "
        "document_number (a lookup by number), clear_winner (BM25's first hit stands out and "
        "holds most of the query), unsure (fused)",
    )


class ScopeOut(BaseModel):
    years: list[int] = Field(description="the years the figure is about")
    period: str = Field(description="the words that set the time: 'hằng năm', 'năm 2019'")
    time: str = Field(
        description="year | yearly (hằng năm over the period) | since (từ … đến nay) | period "
        "| target (phấn đấu đến …) | inherited (the report's own period) | none"
    )
    inherited: bool = Field(description="the sentence names no time: the report's period")
    place: str
    level: str = Field(description="tỉnh | huyện | xã | thôn, or '' when not named")


class FactOut(BaseModel):
    value: str = Field(description="as written, compound values whole: '907 lượt/948 người'")
    unit: str
    thing: str = Field(description="what is counted: 'cuộc đối thoại'")
    label: str = Field(description="the words before the value: 'đối thoại'")
    scope: ScopeOut
    scope_text: str = Field(description="the scope in words: 'hằng năm, giai đoạn 2015–2020, …'")
    matches: bool = Field(description="its time, place and level are those asked")
    passage_id: str
    span: tuple[int, int] = Field(description="[start, end) of the value in the passage text")
    sentence: str
    citation: str
    source: str = Field(description="the file and where in it, for checking: 'f.txt, dòng 8–9'")


class AskResponse(BaseModel):
    question: str
    is_question: bool = Field(description="a question rather than keywords or a phrase")
    answer: str | None
    confident: bool
    span: tuple[int, int] | None = Field(description="[start, end) of the answer in citations[0]")
    sentence: str | None
    context: str | None
    scope: str | None = Field(
        None, description="the scope of the answer's figure: 'năm 2019, tỉnh Kiên Giang'"
    )
    facts: list[FactOut] = Field(
        description="the figures that answer what was asked, each with its scope; the best "
        "match first (several when levels, reports or periods differ)"
    )
    scope_asked: str | None = Field(
        None,
        description="the scope the question names ('năm 2019, cấp xã'), which a fact's "
        "'matches' is about; null when it names none (every fact then matches)",
    )
    scope_note: str | None = Field(
        description="what the reports cover, when the question asks a year, place or level "
        "they do not (or no figure has the scope asked)"
    )
    citations: list[HitOut] = Field(description="the answer's passage first, then other hits")
    hits: list[HitOut] = Field(
        default_factory=list,
        description="with 'hits' in the request: the question's hits "
        "as /search gives them (hybrid), best first",
    )
    total: int | None = Field(None, description="with 'hits': as in /search")
    took_ms: float


class FactsRequest(_Request):
    query: Text = Field(description=ACCEPTED["query"])
    k: WholeK = Field(50, description="at most this many facts, 1 to 100")
    by: Literal["year", "place"] = Field("year", description="order: by year or by place")
    filters: SearchFilters = Field(default_factory=SearchFilters, description=ACCEPTED["filters"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"query": "cuộc đối thoại với dân", "by": "year"},
                {"query": "hộ thoát nghèo", "by": "place", "k": 20},
            ]
        }
    )


class FactsResponse(BaseModel):
    query: str
    took_ms: float
    facts: list[FactOut]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    number: str | None
    date: str | None
    kind: str
    place: str | None
    source_file: str
    passages: int
    years: list[int] = Field(description="the years the document covers")
    citation: str = Field(description="the document as cited, with its province and period")


class DocumentDetail(DocumentOut):
    issuer: str | None
    signatory: str | None
    signatory_title: str | None
    line_start: int
    line_end: int
    passage_ids: list[str]


class PassageLink(BaseModel):
    passage_id: str
    footnote: int | None
    text: str
    section_path: list[str] = Field(default_factory=list)


class PassageOut(BaseModel):
    passage_id: str
    doc_id: str
    doc_title: str
    file: str
    section_path: list[str]
    kind: str
    footnote: int | None
    cites: list[int]
    text: str
    line_start: int
    line_end: int
    page: int | None = None
    page_end: int | None = None
    citation: str
    source: str = Field(description="the file and where in it")
    previous: str | None = Field(description="the passage before, in the same document")
    next: str | None = Field(description="the passage after, in the same document")
    footnotes: list[PassageLink] = Field(description="body: the footnotes it cites")
    anchor: PassageLink | None = Field(description="footnote: the body passage citing it")
    anchor_text: str | None = Field(description="footnote: the sentence it annotates")


class HeadingOut(BaseModel):
    section_id: str
    title: str
    label: str = Field(description="as cited: 'mục III.1'")
    depth: int = Field(description="1 for the top level")
    passage_id: str | None = Field(description="the first passage under the heading")


class MarkerOut(BaseModel):
    footnote: int = Field(description="the footnote number printed at the marker")
    offset: int = Field(description="where in the passage text the marker stood (code points)")
    footnote_id: str | None = Field(description="the footnote passage it refers to")


class BlockOut(BaseModel):
    passage_id: str
    kind: str
    text: str
    paragraph: int = Field(description="blocks with the same number form one paragraph")
    section_id: str | None
    markers: list[MarkerOut]
    line_start: int
    line_end: int
    page: int | None = None


class FootnoteOut(BaseModel):
    passage_id: str
    footnote: int | None
    text: str
    anchor_id: str | None = Field(description="the body passage whose sentence it annotates")
    anchor_text: str | None = Field(description="the sentence it annotates")
    section_path: list[str]
    line_start: int
    line_end: int


class DocumentTextOut(BaseModel):
    doc_id: str
    title: str
    kind: str
    number: str | None
    date: str | None
    issuer: str | None
    place: str | None
    signatory: str | None
    signatory_title: str | None
    years: list[int]
    source_file: str
    citation: str
    file_available: bool = Field(description="GET /documents/{doc_id}/file may give the file")
    headings: list[HeadingOut] = Field(description="the heading tree, in order, with depths")
    blocks: list[BlockOut] = Field(description="body passages and captions in reading order")
    footnotes: list[FootnoteOut]


class Health(BaseModel):
    status: Literal["ok", "degraded"] = Field(
        description="ok; degraded: the newest build would not load, the previous one answers"
    )
    # The rest only with the API token, or from a server started without one (then
    # reload_error names files without their folders).
    passages: int | None = None
    documents: int | None = None
    encoder: str | None = None
    build: str | None = Field(None, description="the build served (index folder only)")
    reload_error: str | None = Field(None, description="why the newest build is not served")
    process: int | None = Field(
        None, description="id of the server process that answered (see --workers)"
    )


class Reloaded(BaseModel):
    reloaded: bool = Field(description="a newer build is now served")
    build: str
    error: str | None


# -- qa results -> responses -----------------------------------------------------------------


def took_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` value)."""
    return round((time.perf_counter() - started) * 1000, 1)


def hit_out(result: Result) -> HitOut:
    hit, citation = result.hit, result.citation
    return HitOut(
        passage_id=hit.passage.passage_id,
        doc_id=hit.passage.doc_id,
        doc_title=citation.doc_title,
        doc_number=citation.doc_number,
        doc_date=citation.doc_date,
        file=citation.file,
        section_path=list(hit.passage.section_path),
        kind=hit.passage.kind,
        footnote=hit.passage.footnote,
        anchor_text=hit.passage.anchor_text,
        text=hit.passage.text,
        highlights=[(start, end) for start, end in result.highlights],
        line_start=hit.passage.line_start,
        line_end=hit.passage.line_end,
        page=hit.passage.page,
        page_end=hit.passage.page_end,
        score=float(hit.score),
        scores={name: float(score) for name, score in hit.scores.items()},
        citation=citation.text(),
        source=citation.source(),
    )


def search_response(
    query: str,
    results: list[Result],
    started: float,
    offset: int = 0,
    total: int | None = None,
    ranked: Ranked | None = None,
) -> SearchResponse:
    """``ranked`` says whether the encoder ran (None: /similar, always hybrid)."""
    dense_used, route = (ranked.dense_used, ranked.route.reason) if ranked else (True, "hybrid")
    return SearchResponse(
        query=query, took_ms=took_ms(started), hits=list(map(hit_out, results)), offset=offset,
        total=total, dense_used=dense_used, route=route,
    )  # fmt: skip


def ask_response(
    answer: Any,
    documents: Mapping[str, Document],
    started: float,
    common: frozenset[str] = frozenset(),
    listed: list[Result] | None = None,
    total: int | None = None,
) -> AskResponse:
    """An ``qa.ask.Answer`` with its evidence: the answer's passage first, then the other hits."""
    hits = list(answer.hits)
    if answer.passage is not None:
        own = [h for h in hits if h.passage.passage_id == answer.passage.passage_id]
        first = own[0] if own else Hit(answer.passage, 0, float(answer.score or 0.0))
        hits = [first, *(h for h in hits if h.passage.passage_id != first.passage.passage_id)]
    results = [_result(hit, answer.question, documents, common) for hit in hits]
    return AskResponse(
        question=answer.question,
        is_question=is_question(answer.question),
        answer=answer.text,
        confident=answer.confident,
        span=tuple(answer.span) if answer.span is not None else None,
        sentence=answer.sentence,
        context=answer.context,
        scope=answer.scope,
        facts=[fact_out(found, documents) for found in answer.facts],
        scope_asked=answer.scope_asked,
        scope_note=answer.scope_note,
        citations=list(map(hit_out, results)),
        hits=list(map(hit_out, listed or [])),
        total=total,
        took_ms=took_ms(started),
    )


def fact_out(found: Any, documents: Mapping[str, Document]) -> FactOut:
    """A ``qa.ask.FactMatch`` with its citation."""
    fact, passage = found.fact, found.passage
    start, end = fact.sentence_span
    scope = fact.scope
    cited = cite(passage, documents.get(passage.doc_id))
    return FactOut(
        value=fact.value,
        unit=fact.unit,
        thing=fact.thing,
        label=fact.label,
        scope=ScopeOut(years=list(scope.years), period=scope.period, time=scope.time,
                       inherited=scope.inherited, place=scope.place, level=scope.level),
        scope_text=found.scope,
        matches=found.matches,
        passage_id=passage.passage_id,
        span=tuple(fact.span),
        sentence=passage.text[start:end],
        citation=cited.text(),
        source=cited.source(),
    )  # fmt: skip


def facts_response(query: str, found: list, documents: Mapping[str, Document], started: float):
    facts = [fact_out(f, documents) for f in found]
    return FactsResponse(query=query, took_ms=took_ms(started), facts=facts)


def _result(
    hit: Hit, query: str, documents: Mapping[str, Document], common: frozenset[str] = frozenset()
) -> Result:
    citation = cite(hit.passage, documents.get(hit.passage.doc_id))
    return Result(hit, citation, highlights(hit.passage.text, query, common))


def document_out(document: Document, passages: int) -> DocumentOut:
    return DocumentOut(passages=passages, citation=cite_document(document),
                       years=list(document.years), **_document_fields(document))  # fmt: skip


def document_detail(document: Document, passage_ids: list[str]) -> DocumentDetail:
    fields = _document_fields(document)
    return DocumentDetail(
        **fields,
        citation=cite_document(document),
        years=list(document.years),
        passages=len(passage_ids),
        issuer=document.issuer,
        signatory=document.signatory,
        signatory_title=document.signatory_title,
        line_start=document.line_start,
        line_end=document.line_end,
        passage_ids=passage_ids,
    )


def _document_fields(document: Document) -> dict:
    names = ("doc_id", "title", "number", "date", "kind", "place", "source_file")
    return {name: getattr(document, name) for name in names}


def passage_out(
    passage: Passage,
    citation: Citation,
    neighbours: tuple[str | None, str | None],
    footnotes: list[Passage],
    anchor: Passage | None,
) -> PassageOut:
    return PassageOut(
        passage_id=passage.passage_id,
        doc_id=passage.doc_id,
        doc_title=citation.doc_title,
        file=citation.file,
        section_path=list(passage.section_path),
        kind=passage.kind,
        footnote=passage.footnote,
        cites=list(passage.cites),
        text=passage.text,
        line_start=passage.line_start,
        line_end=passage.line_end,
        page=passage.page,
        page_end=passage.page_end,
        citation=citation.text(),
        source=citation.source(),
        previous=neighbours[0],
        next=neighbours[1],
        footnotes=list(map(_link, footnotes)),
        anchor=_link(anchor) if anchor else None,
        anchor_text=passage.anchor_text,
    )


def _link(passage: Passage) -> PassageLink:
    return PassageLink(passage_id=passage.passage_id, footnote=passage.footnote, text=passage.text,
                       section_path=list(passage.section_path))  # fmt: skip


def document_text_out(view: DocumentText) -> DocumentTextOut:
    document = view.document
    return DocumentTextOut(
        doc_id=document.doc_id,
        title=document.title,
        kind=document.kind,
        number=document.number,
        date=document.date,
        issuer=document.issuer,
        place=document.place,
        signatory=document.signatory,
        signatory_title=document.signatory_title,
        years=list(document.years),
        source_file=document.source_file,
        citation=view.citation,
        file_available=view.file_available,
        headings=[
            HeadingOut(section_id=h.section_id, title=h.title, label=h.label, depth=h.depth,
                       passage_id=h.passage_id)
            for h in view.headings
        ],
        blocks=[
            BlockOut(
                passage_id=b.passage.passage_id, kind=b.passage.kind, text=b.passage.text,
                paragraph=b.paragraph, section_id=b.section,
                markers=[MarkerOut(footnote=n, offset=o, footnote_id=f) for n, o, f in b.footnotes],
                line_start=b.passage.line_start, line_end=b.passage.line_end, page=b.passage.page,
            )
            for b in view.blocks
        ],
        footnotes=[
            FootnoteOut(
                passage_id=n.passage_id, footnote=n.footnote, text=n.text, anchor_id=n.anchor_id,
                anchor_text=n.anchor_text, section_path=list(n.section_path),
                line_start=n.line_start, line_end=n.line_end,
            )
            for n in view.footnotes
        ],
    )  # fmt: skip


def to_json(response: BaseModel) -> str:
    """A response as the API sends it, indented for a terminal (``baocao … --json``)."""
    return json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=1)
