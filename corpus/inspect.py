"""What the parser recovered, for a person checking it on their own reports."""

from __future__ import annotations

from collections.abc import Iterator

from .model import ParsedDocument, ParsedFile


def file_to_dict(parsed: ParsedFile) -> dict:
    return {
        "source_file": parsed.source_file,
        "sha256": parsed.sha256,
        "encoding": parsed.encoding,
        "notes": list(parsed.notes),
        "documents": [
            {
                "document": d.document.to_dict(),
                "sections": [s.to_dict() for s in d.sections],
                "passages": [p.to_dict() for p in d.passages],
                "notes": list(d.notes),
            }
            for d in parsed.documents
        ],
    }


def summary_row(doc: ParsedDocument) -> dict:
    footnotes = [p for p in doc.passages if p.kind == "footnote"]
    linked = sum(1 for p in footnotes if p.anchor_text)
    return {
        "doc_id": doc.document.doc_id,
        "sections": len(doc.sections),
        "body": sum(1 for p in doc.passages if p.kind == "body"),
        "captions": sum(1 for p in doc.passages if p.kind == "caption"),
        "footnotes": len(footnotes),
        "linked": linked,
        "unlinked": len(footnotes) - linked,
    }


def render_summary(files: list[ParsedFile]) -> Iterator[str]:
    columns = ("doc_id", "sections", "body", "captions", "footnotes", "linked", "unlinked")
    yield "| file | " + " | ".join(columns) + " | title |"
    yield "|---" * (len(columns) + 2) + "|"
    for parsed in files:
        for doc in parsed.documents:
            row = summary_row(doc)
            cells = " | ".join(str(row[c]) for c in columns)
            yield f"| {parsed.source_file} | {cells} | {doc.document.title[:60]} |"


def render_file(parsed: ParsedFile) -> Iterator[str]:
    yield f"{parsed.source_file}  ({parsed.encoding}, sha256 {parsed.sha256[:12]}…)"
    yield f"  {len(parsed.documents)} document(s)"
    for note in parsed.notes:
        yield f"  note: {note}"
    for doc in parsed.documents:
        yield from _render_document(doc)


def _render_document(doc: ParsedDocument) -> Iterator[str]:
    d = doc.document
    yield ""
    yield f"== {d.doc_id}: {d.title}"
    fields = {
        "kind": d.kind, "number": d.number, "place": d.place, "date": d.date,
        "issuer": d.issuer, "signed by": d.signatory, "as": d.signatory_title,
        "years": f"{d.years[0]}–{d.years[-1]}" if d.years else None,
        "lines": f"{d.line_start}–{d.line_end}",
        "pages": _pages(doc),
    }  # fmt: skip
    yield "   " + " | ".join(f"{k}: {v}" for k, v in fields.items() if v)
    row = summary_row(doc)
    yield (
        f"   passages: {row['body']} body, {row['captions']} captions, {row['footnotes']} "
        f"footnotes ({row['linked']} linked, {row['unlinked']} unlinked)"
    )
    yield "   sections:"
    for section in doc.sections:
        yield f"   {'  ' * section.level}{section.title}  (line {section.line})"
    footnotes = [p for p in doc.passages if p.kind == "footnote"]
    if footnotes:
        yield "   footnotes:"
    for p in footnotes:
        where = f"→ {p.anchor_id}" if p.anchor_id else "→ (anchor unknown)"
        page = f" page {_span(p.page, p.page_end)}" if p.page is not None else ""
        yield f"   [{p.footnote}] lines {p.line_start}–{p.line_end}{page} {where}"
        if p.anchor_text:
            yield f"       annotates: “{_clip(p.anchor_text)}”"
        yield f"       text: “{_clip(p.text)}”"
    for note in doc.notes:
        yield f"   note: {note}"


def _pages(doc: ParsedDocument) -> str | None:
    pages = [n for p in doc.passages for n in (p.page, p.page_end) if n is not None]
    return _span(min(pages), max(pages)) if pages else None


def _span(first: int | None, last: int | None) -> str:
    return f"{first}" if last in (None, first) else f"{first}–{last}"


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
