"""The HTTP API: thin routes over ``qa``, the web page, and what guards them.

create_app(index)                      an app over an index already in memory
create_app_from_dir(index_dir, enc)    `baocao serve`: load the index once (build it from
                                       the bundled reports first when there is none) and
                                       follow newer builds published in index_dir
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from baocao import __version__
from baocao.api.guard import ACCESS, ANONYMOUS, TOKEN_GIVEN, Guard, GuardSettings
from baocao.api.live import LiveIndex
from baocao.api.schemas import (
    ACCEPTED,
    AskRequest,
    AskResponse,
    DocumentDetail,
    DocumentOut,
    DocumentTextOut,
    ErrorOut,
    FactsRequest,
    FactsResponse,
    Health,
    PassageOut,
    Reloaded,
    SearchRequest,
    SearchResponse,
    SimilarRequest,
    ask_response,
    document_detail,
    document_out,
    document_text_out,
    errors,
    facts_response,
    passage_out,
    search_response,
)
from baocao.index.backends import Backend, FolderBuilds, IndexSource, SearchIndex
from baocao.index.build import open_index
from baocao.index.encoders import Encoder, load_encoder
from baocao.index.query_cache import QueryCacheSettings, with_query_cache
from baocao.index.store import default_index_dir
from baocao.qa.ask import ASK_MODE, ask, facts_about, reports_wording
from baocao.qa.document import FileUnavailable, document_text, has_original, original_file
from baocao.qa.factbook import load_facts
from baocao.qa.paging import total
from baocao.qa.search import MAX_K, Filters, InvalidQuery, Searcher, UnknownId, cite

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"  # the web page: plain HTML/CSS/JS, no CDN
DESCRIPTION = """Semantic search and cited question answering over Vietnamese government
reports. Every hit carries its citation: report, section, footnote, file and lines."""
_UNREADABLE_BODY = "body: a JSON object in UTF-8 is accepted; this body could not be decoded"
# A fault of the server's own: the client learns only that, the log gets the traceback.
_SERVER_FAULT = "lỗi máy chủ: yêu cầu chưa xử lý được, xin thử lại sau (internal server error)"
_NOT_JSON = ("the request body: a JSON object sent with 'Content-Type: application/json' is "
             "accepted, got Content-Type {!r}; e.g. {{\"query\": \"...\", \"k\": 10}}")  # fmt: skip


class Catalog:
    """One index as the routes read it: its searcher, and its documents and passages read by
    id, per request (built once per app and per build it loads, before it serves them)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.searcher = Searcher(index)
        # read now, not by the first question: the facts and places (at 11,540 passages
        # ≈ 0.6 s embedded, ≈ 0.8 s from Milvus) and the words to mark (≈ 1.4 s)
        load_facts(index)
        self.searcher.vocabulary  # noqa: B018
        self._counts: dict[str, int] | None = None

    def documents(self) -> list[DocumentOut]:
        counts = self._passage_counts()
        return [document_out(d, counts.get(d.doc_id, 0)) for d in self.index.documents.values()]

    def _passage_counts(self) -> dict[str, int]:
        """Passages per document, counted by the index once per build."""
        if self._counts is None:
            self._counts = {
                doc_id: self.index.count(Filters(doc_ids=(doc_id,)))
                for doc_id in self.index.documents
            }
        return self._counts

    def document(self, doc_id: str) -> DocumentDetail:
        document = self._document(doc_id)
        passages = self.index.passages_of(doc_id)
        return document_detail(document, [p.passage_id for p in passages])

    def _document(self, doc_id: str):
        document = self.index.documents.get(doc_id)
        if document is None:
            raise HTTPException(404, f"unknown document {doc_id!r}: GET /documents lists the ids")
        return document

    def text(self, doc_id: str) -> DocumentTextOut:
        document = self._document(doc_id)
        available = has_original(document, self.roots)
        view = document_text(document, self.index.passages_of(doc_id), available)
        return document_text_out(view)

    def original(self, doc_id: str):
        return original_file(self._document(doc_id), self.roots)

    @property
    def roots(self) -> list[str]:
        return list(getattr(self.index, "corpus_roots", None) or ())

    def passage(self, passage_id: str) -> PassageOut:
        passage = self.index.passage(passage_id)
        if passage is None:
            raise HTTPException(
                404, f"unknown passage {passage_id!r}: ids come from /search hits or "
                "GET /documents/{doc_id}",
            )  # fmt: skip
        siblings = [p.passage_id for p in self.index.passages_of(passage.doc_id)]
        at = siblings.index(passage_id)
        neighbours = (
            siblings[at - 1] if at > 0 else None,
            siblings[at + 1] if at + 1 < len(siblings) else None,
        )
        cited = [self.index.footnote(passage.doc_id, n) for n in passage.cites]
        anchor = self.index.passage(passage.anchor_id) if passage.anchor_id else None
        citation = cite(passage, self.index.documents.get(passage.doc_id))
        return passage_out(passage, citation, neighbours, [p for p in cited if p], anchor)


def _catalog(request: Request) -> Catalog:
    """The catalog of the live build, read once per request: one request, one build."""
    live: LiveIndex[Catalog] | None = request.app.state.live
    return live.current.value if live else request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(_catalog)]
# Every route can meet the guard (400, 401, 429) and a 422 that says what is accepted.
router = APIRouter(responses=errors(400, 401, 422, 429))


@router.post(
    "/search", response_model=SearchResponse, tags=["search"], responses=errors(404, 408, 413)
)
def search(body: SearchRequest, catalog: CatalogDep) -> SearchResponse:
    """Passages matching a query, best first, with highlights and citations."""
    started = time.perf_counter()
    filters = Filters.from_dict(body.filters.to_dict(), catalog.index.documents)
    depth = min(body.offset + body.k, MAX_K)  # hits beyond the 100th are never given
    ranked = catalog.searcher.ranked(body.query, depth, body.mode, filters)
    results = catalog.searcher.results(ranked, body.query)
    count = total(catalog.searcher, body.query, filters)
    return search_response(body.query, results[body.offset :], started, body.offset, count,
                           ranked)  # fmt: skip


@router.post("/ask", response_model=AskResponse, tags=["search"], responses=errors(404, 408, 413))
def ask_question(body: AskRequest, catalog: CatalogDep) -> AskResponse:
    """An answer extracted from the reports with its evidence, or confident=false."""
    started = time.perf_counter()
    filters = Filters.from_dict(body.filters.to_dict(), catalog.index.documents)
    index = OneSearch(catalog.index)  # the hits listed and the answer share one search
    searcher = catalog.searcher.over(index)
    listed, count = [], None
    if body.hits:
        read = reports_wording(body.question)
        if read.strip():
            hits = searcher.hits(read, body.hits, ASK_MODE, filters, field="question")
            listed = [catalog.searcher.result(hit, rank, body.question)
                      for rank, hit in enumerate(hits, start=1)]  # fmt: skip
        count = total(catalog.searcher, body.question, filters)
    answer = ask(index, body.question, k=body.k, filters=filters, searcher=searcher)
    common = catalog.searcher.vocabulary.common
    return ask_response(answer, catalog.index.documents, started, common, listed, count)


@router.post(
    "/facts", response_model=FactsResponse, tags=["search"], responses=errors(404, 408, 413)
)
def facts(body: FactsRequest, catalog: CatalogDep) -> FactsResponse:
    """Every figure the reports give about a thing ("cuộc đối thoại", "hộ thoát nghèo"),
    across reports, each with its scope (year, place, level) and citation, by year or place."""
    started = time.perf_counter()
    filters = Filters.from_dict(body.filters.to_dict(), catalog.index.documents)
    found = facts_about(catalog.index, body.query, body.k, body.by, filters)
    return facts_response(body.query, found, catalog.index.documents, started)


@router.post("/similar", response_model=SearchResponse, tags=["search"], responses=errors(408, 413))
def similar(body: SimilarRequest, catalog: CatalogDep) -> SearchResponse:
    """Passages worded most like a pasted sentence or paragraph."""
    started = time.perf_counter()
    return search_response(body.text, catalog.searcher.similar(body.text, body.k), started)


@router.get("/documents", response_model=list[DocumentOut], tags=["browse"])
def documents(catalog: CatalogDep) -> list[DocumentOut]:
    return catalog.documents()


@router.get(
    "/documents/{doc_id}", response_model=DocumentDetail, tags=["browse"], responses=errors(404)
)
def document(doc_id: str, catalog: CatalogDep) -> DocumentDetail:
    return catalog.document(doc_id)


_MEDIA = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_CHARSETS = {"utf-8-sig": "utf-8", "windows-1258": "windows-1258"}


@router.get(
    "/documents/{doc_id}/text",
    response_model=DocumentTextOut,
    tags=["browse"],
    responses=errors(404),
)
def document_text_route(doc_id: str, catalog: CatalogDep) -> DocumentTextOut:
    """The whole report in reading order: title block, heading tree, paragraphs of passages
    with their footnote markers, and the footnotes with what each annotates."""
    return catalog.text(doc_id)


@router.get(
    "/documents/{doc_id}/file",
    tags=["browse"],
    responses={**errors(404, 409), 410: {"model": ErrorOut, "description": "file gone"},
               200: {"content": {media: {} for media in ("text/plain", "application/pdf",
                                     _MEDIA[".docx"], "application/octet-stream")},
                     "description": "the original file, as indexed"}},
)  # fmt: skip
def document_file(doc_id: str, catalog: CatalogDep) -> Response:
    """The original file the document was indexed from, found by the document id alone; 409
    when its bytes changed since indexing, 410 when it is gone."""
    try:
        path, handle = catalog.original(doc_id)
    except FileUnavailable as error:
        return JSONResponse({"detail": str(error)}, status_code=error.status)
    media = _MEDIA.get(path.suffix.lower(), "application/octet-stream")
    if media == "text/plain":
        document = catalog.index.documents[doc_id]
        media += f"; charset={_CHARSETS.get(document.encoding, document.encoding)}"
    name = Path(catalog.index.documents[doc_id].source_file).name
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(name)}"

    def chunks():
        with handle:
            while chunk := handle.read(1 << 16):
                yield chunk

    return StreamingResponse(chunks(), media_type=media,
                             headers={"Content-Disposition": disposition,
                                      "Content-Length": str(path.stat().st_size),
                                      "X-Content-Type-Options": "nosniff"})  # fmt: skip


class OneSearch:
    """An index for one request whose searches with the same arguments run once: /ask lists
    the question's hits and answers from the same search, encoding the question once."""

    def __init__(self, index) -> None:
        self._index = index
        self._done: dict[tuple, list] = {}

    def __getattr__(self, name: str):
        return getattr(self._index, name)

    def search(self, query, k=10, mode="hybrid", filters=None):
        key = (query, k, mode, filters)
        if key not in self._done:
            self._done[key] = self._index.search(query, k, mode, filters)
        return list(self._done[key])


@router.get(
    "/passages/{passage_id}", response_model=PassageOut, tags=["browse"], responses=errors(404)
)
def passage(passage_id: str, catalog: CatalogDep) -> PassageOut:
    """A passage, its citation, its neighbours and its footnote links."""
    return catalog.passage(passage_id)


@router.get("/health", response_model=Health, response_model_exclude_none=True, tags=["browse"])
async def health(request: Request) -> Health:
    """ok, or degraded (the newest build would not load; the previous one still answers). The
    counts, encoder, build and process are shown with the token, or by a server without one."""
    live: LiveIndex[Catalog] | None = request.app.state.live
    error = live.last_error if live else None
    status: Literal["ok", "degraded"] = "degraded" if error else "ok"
    access = request.scope.get(ACCESS, ANONYMOUS)
    if access == ANONYMOUS:
        return Health(status=status)
    index = _catalog(request).index
    return Health(status=status, passages=index.size, documents=len(index.documents),
                  encoder=index.encoder.name, build=live.current.build_id if live else None,
                  reload_error=error if access == TOKEN_GIVEN else _without_folders(error),
                  process=os.getpid())  # fmt: skip


@router.head("/health", include_in_schema=False)
async def health_probe(request: Request) -> Health:
    """HEAD /health for monitoring probes: the status of GET, no body (the server drops it)."""
    return await health(request)


@router.post("/reload", response_model=Reloaded, tags=["admin"], responses=errors(409))
def reload(request: Request) -> Reloaded:
    """Serve the newest build in the index folder now (the server also notices by itself)."""
    live: LiveIndex[Catalog] | None = request.app.state.live
    if live is None:
        raise HTTPException(409, "this server was given an index in memory, not an index folder")
    swapped = live.reload()
    error = live.last_error
    if request.scope.get(ACCESS, ANONYMOUS) != TOKEN_GIVEN:  # a server without a token
        error = _without_folders(error)
    return Reloaded(reloaded=swapped, build=live.current.build_id, error=error)


@router.get("/", include_in_schema=False)
@router.head("/", include_in_schema=False)
def page() -> FileResponse:
    """The web page for staff."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


def create_app(
    index: SearchIndex,
    index_dir: Path | None = None,
    guard: GuardSettings | None = None,
    cors_origins: Sequence[str] = (),
    watch_seconds: float = 0,
    source: IndexSource | None = None,
    query_cache: QueryCacheSettings | None = None,
) -> FastAPI:
    """The app over ``index``. With ``index_dir`` (where ``index`` was loaded from) or another
    ``source`` it follows newer versions: ``POST /reload``, and every ``watch_seconds`` when
    that is above 0. The index's encoder gets a query-vector cache (``query_cache``; a new
    build loaded from ``index_dir`` shares it)."""
    index.encoder = with_query_cache(index.encoder, query_cache)
    if source is None and index_dir is not None:
        source = FolderBuilds(index_dir, index.encoder)
    live = LiveIndex(source, index, Catalog) if source else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if live and watch_seconds > 0:
            live.watch(watch_seconds)
        yield
        if live:
            live.stop()

    # FastAPIOffline: /docs and /redoc with their scripts served from the package, not a CDN
    app = FastAPIOffline(
        title="baocao", description=DESCRIPTION, version=__version__, lifespan=lifespan
    )
    app.state.live = live
    app.state.catalog = None if live else Catalog(index)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(Guard, settings=guard or GuardSettings())
    if cors_origins:  # outside the guard, so browsers' preflight requests get their answer
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])  # fmt: skip
    handlers: dict[type[Exception], Callable[..., Any]] = {
        InvalidQuery: _invalid_query,
        UnknownId: _unknown_id,
        ValueError: _server_fault,
        RequestValidationError: _invalid_request,
        StarletteHTTPException: _unreadable_body,
    }
    for error, handler in handlers.items():
        app.add_exception_handler(error, handler)
    return app


def create_app_from_dir(
    index_dir: Path | None = None,
    encoder_spec: str | Encoder | None = None,
    guard: GuardSettings | None = None,
    cors_origins: Sequence[str] = (),
    watch_seconds: float = 2.0,
    query_cache: QueryCacheSettings | None = None,
) -> FastAPI:
    """The app over the index in ``index_dir`` (default: ``default_index_dir()``), loaded once
    and replaced when a newer build is published there.

    ``encoder_spec`` None: the encoder the index was built with. No index yet: one is built
    from the bundled reports first (with progress on a terminal).
    """
    index_dir = Path(index_dir or default_index_dir())
    index = open_index(index_dir, encoder_spec)
    return create_app(index, index_dir, guard, cors_origins, watch_seconds,
                      query_cache=query_cache)  # fmt: skip


def create_app_for(
    backend: Backend,
    encoder_spec: str | Encoder | None = None,
    guard: GuardSettings | None = None,
    cors_origins: Sequence[str] = (),
    watch_seconds: float = 2.0,
    query_cache: QueryCacheSettings | None = None,
) -> FastAPI:
    """The app over ``backend``'s index, following its newer versions (an embedded folder's
    newer builds; a Milvus collection's reports, reopened when they change)."""
    encoder = load_encoder(encoder_spec) if isinstance(encoder_spec, str) else encoder_spec
    index = backend.store.open(encoder)
    index.encoder = with_query_cache(index.encoder, query_cache)  # reopened ones share it
    source = backend.store.live_source(index.encoder)
    return create_app(index, None, guard, cors_origins, watch_seconds, source, query_cache)


# An absolute path: its folders say where the server keeps its files, which no client needs.
_FOLDERS_RE = re.compile(r"(?<![\w.~-])/(?:[^\s/'\"]+/)+")


def _without_folders(text: str | None) -> str | None:
    """``text`` with every absolute path cut to its last part ("/srv/x/index/dense.faiss" ->
    "dense.faiss")."""
    return _FOLDERS_RE.sub("", text) if text else text


# -- errors: 4xx that say what is accepted, never a stack trace --------------------------------


def _invalid_query(request: Request, error: InvalidQuery) -> JSONResponse:
    """qa's InvalidQuery names the field and what it accepts."""
    return JSONResponse({"detail": str(error)}, status_code=422)


def _server_fault(request: Request, error: ValueError) -> JSONResponse:
    """Any other ValueError is the server's fault, not the request's: a 500 whose message says
    nothing of the inside (paths, values), and the traceback in the log."""
    logger.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": _SERVER_FAULT}, status_code=500)


def _unknown_id(request: Request, error: UnknownId) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=404)


async def _unreadable_body(request: Request, error: StarletteHTTPException) -> Response:
    """FastAPI answers 400 to a body it cannot decode (not UTF-8): a 422 that says what is
    accepted, like every other bad input (found by schemathesis' negative cases)."""
    if error.status_code == 400:
        return JSONResponse({"detail": _UNREADABLE_BODY}, status_code=422)
    return await http_exception_handler(request, error)


def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    sent_as = request.headers.get("content-type")
    if sent_as is not None and not _is_json(sent_as) and _about_the_body(error):
        # FastAPI hands a form or text body to the model as bytes: "not a valid dictionary"
        shown = sent_as if len(sent_as) <= 60 else sent_as[:57] + "..."
        return JSONResponse({"detail": _NOT_JSON.format(shown)}, status_code=422)
    problems = [_problem(e) for e in error.errors()]
    return JSONResponse({"detail": "; ".join(problems)}, status_code=422)


def _is_json(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))  # fmt: skip


def _about_the_body(error: RequestValidationError) -> bool:
    return any(tuple(e.get("loc", ()))[:1] == ("body",) for e in error.errors())


def _problem(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    kind = error.get("type", "")
    if kind == "json_invalid":
        return (f"the request body is not valid JSON ({error.get('ctx', {}).get('error', '')}): "
                "send a JSON object such as {\"query\": \"...\", \"k\": 10}")  # fmt: skip
    if not loc:
        return f"the request body: {error.get('msg')}; send a JSON object with the fields in /docs"
    field = loc[0]
    if kind == "extra_forbidden":
        where = ".".join(loc)
        accepted = ACCEPTED["filters"] if field == "filters" else "see /docs for the fields"
        return f"unknown field {where!r}; accepted: {accepted}"
    if kind == "missing":
        return f"{field}: required ({ACCEPTED.get(field, 'see /docs')})"
    got = repr(error.get("input"))
    got = got if len(got) <= 60 else got[:57] + "..."
    accepted = ACCEPTED.get(field, "see /docs")
    said = _PLAIN.get(kind, error.get("msg"))
    return f"{'.'.join(loc)}: {said}, got {got}; accepted: {accepted}"


# pydantic's wording where it is obscure to a person reading the answer
_PLAIN = {
    "string_too_short": "empty",
    "string_pattern_mismatch": "empty or only spaces and invisible characters",
    "string_unicode": "not valid Unicode text (a lone surrogate such as \\ud800 is no character)",
}
