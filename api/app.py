"""The HTTP API: thin routes over ``qa``; one app per loaded index.

create_app(index)                      an app over an index already in memory
create_app_from_dir(index_dir, enc)    `baocao serve`: load the index once (build it from
                                       the bundled reports first when there is none)
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from baocao import __version__
from baocao.api.schemas import (
    ACCEPTED,
    AskRequest,
    AskResponse,
    DocumentDetail,
    DocumentOut,
    Health,
    PassageOut,
    SearchRequest,
    SearchResponse,
    SimilarRequest,
    ask_response,
    document_detail,
    document_out,
    passage_out,
    search_response,
)
from baocao.corpus.model import Passage
from baocao.index.build import open_index
from baocao.index.encoders import Encoder
from baocao.index.hybrid import HybridIndex
from baocao.qa.ask import ask
from baocao.qa.search import Filters, Searcher, cite

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"  # the web page: plain HTML/CSS/JS, no CDN
DESCRIPTION = """Semantic search and cited question answering over Vietnamese government
reports. Every hit carries its citation: report, section, footnote, file and lines."""
_NOT_UNICODE = "text: valid Unicode text (a lone surrogate such as \\ud800 is not a character)"


class Catalog:
    """Documents and passages of one index, arranged for browsing (built once per app)."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index
        self.searcher = Searcher(index)
        by_doc: dict[str, list[Passage]] = defaultdict(list)
        self.footnote_of: dict[tuple[str, int], Passage] = {}
        for passage in index.passages:
            by_doc[passage.doc_id].append(passage)
            if passage.kind == "footnote" and passage.footnote is not None:
                self.footnote_of.setdefault((passage.doc_id, passage.footnote), passage)
        self.by_doc = dict(by_doc)
        self.position = {
            p.passage_id: i for passages in self.by_doc.values() for i, p in enumerate(passages)
        }

    def documents(self) -> list[DocumentOut]:
        return [
            document_out(d, len(self.by_doc.get(d.doc_id, ())))
            for d in self.index.documents.values()
        ]

    def document(self, doc_id: str) -> DocumentDetail:
        document = self.index.documents.get(doc_id)
        if document is None:
            raise HTTPException(404, f"unknown document {doc_id!r}: GET /documents lists the ids")
        return document_detail(document, [p.passage_id for p in self.by_doc.get(doc_id, ())])

    def passage(self, passage_id: str) -> PassageOut:
        passage = self.index.passage(passage_id)
        if passage is None:
            raise HTTPException(
                404, f"unknown passage {passage_id!r}: ids come from /search hits or "
                "GET /documents/{doc_id}",
            )  # fmt: skip
        siblings, at = self.by_doc[passage.doc_id], self.position[passage_id]
        neighbours = (
            siblings[at - 1].passage_id if at > 0 else None,
            siblings[at + 1].passage_id if at + 1 < len(siblings) else None,
        )
        cited = [self.footnote_of.get((passage.doc_id, n)) for n in passage.cites]
        anchor = self.index.passage(passage.anchor_id) if passage.anchor_id else None
        citation = cite(passage, self.index.documents.get(passage.doc_id))
        return passage_out(passage, citation, neighbours, [p for p in cited if p], anchor)


def _catalog(request: Request) -> Catalog:
    return request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(_catalog)]
router = APIRouter()


@router.post("/search", response_model=SearchResponse, tags=["search"])
def search(body: SearchRequest, catalog: CatalogDep) -> SearchResponse:
    """Passages matching a query, best first, with highlights and citations."""
    started = time.perf_counter()
    filters = Filters.from_dict(body.filters, catalog.index.documents)
    results = catalog.searcher.search(body.query, body.k, body.mode, filters)
    return search_response(body.query, results, started)


@router.post("/ask", response_model=AskResponse, tags=["search"])
def ask_question(body: AskRequest, catalog: CatalogDep) -> AskResponse:
    """An answer extracted from the reports with its evidence, or confident=false."""
    started = time.perf_counter()
    filters = Filters.from_dict(body.filters, catalog.index.documents)
    answer = ask(catalog.index, body.question, k=body.k, filters=filters)
    return ask_response(answer, catalog.index.documents, started)


@router.post("/similar", response_model=SearchResponse, tags=["search"])
def similar(body: SimilarRequest, catalog: CatalogDep) -> SearchResponse:
    """Passages worded most like a pasted sentence or paragraph."""
    started = time.perf_counter()
    return search_response(body.text, catalog.searcher.similar(body.text, body.k), started)


@router.get("/documents", response_model=list[DocumentOut], tags=["browse"])
def documents(catalog: CatalogDep) -> list[DocumentOut]:
    return catalog.documents()


@router.get("/documents/{doc_id}", response_model=DocumentDetail, tags=["browse"])
def document(doc_id: str, catalog: CatalogDep) -> DocumentDetail:
    return catalog.document(doc_id)


@router.get("/passages/{passage_id}", response_model=PassageOut, tags=["browse"])
def passage(passage_id: str, catalog: CatalogDep) -> PassageOut:
    """A passage, its citation, its neighbours and its footnote links."""
    return catalog.passage(passage_id)


@router.get("/health", response_model=Health, tags=["browse"])
def health(catalog: CatalogDep) -> Health:
    index = catalog.index
    return Health(status="ok", passages=len(index.passages), documents=len(index.documents),
                  encoder=index.encoder.name)  # fmt: skip


@router.get("/", include_in_schema=False)
def page() -> FileResponse:
    """The web page for staff."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


def create_app(index: HybridIndex) -> FastAPI:
    # FastAPIOffline: /docs and /redoc with their scripts served from the package, not a CDN
    app = FastAPIOffline(title="baocao", description=DESCRIPTION, version=__version__)
    app.state.catalog = Catalog(index)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(ValueError, _bad_value)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


def create_app_from_dir(
    index_dir: Path | None = None, encoder_spec: str | Encoder | None = None
) -> FastAPI:
    """The app over the index in ``index_dir`` (default: ``default_index_dir()``), loaded once.

    ``encoder_spec`` None: the encoder the index was built with. No index yet: one is built
    from the bundled reports first (with progress on a terminal).
    """
    return create_app(open_index(index_dir, encoder_spec))


# -- errors: 4xx that say what is accepted, never a stack trace --------------------------------


def _bad_value(request: Request, error: ValueError) -> JSONResponse:
    """qa's ValueError names the field and what it accepts."""
    if isinstance(error, UnicodeError):  # a JSON "\ud800" escape: a lone surrogate
        return JSONResponse({"detail": _NOT_UNICODE}, status_code=422)
    return JSONResponse({"detail": str(error)}, status_code=422)


def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [_problem(e) for e in error.errors()]
    return JSONResponse({"detail": "; ".join(problems)}, status_code=422)


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
        return f"unknown field {field!r}: see /docs for the accepted fields"
    if kind == "missing":
        return f"{field}: required ({ACCEPTED.get(field, 'see /docs')})"
    got = repr(error.get("input"))
    got = got if len(got) <= 60 else got[:57] + "..."
    accepted = ACCEPTED.get(field, "see /docs")
    return f"{'.'.join(loc)}: {error.get('msg')}, got {got}; accepted: {accepted}"
