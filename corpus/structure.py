"""Raw blocks → Document, Section tree and Passages (with footnote links both ways)."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from . import metadata as md
from .assembly import Block
from .chunking import DEFAULT_TOKEN_BUDGET, plan_passages
from .headings import (
    FORMS,
    ITEM_LEVEL,
    MAX_HEADING_WORDS,
    PART_LEVEL,
    RELATIVE_KINDS,
    ROMAN_LEVEL,
    HeadingMatch,
    is_unnumbered_heading,
    match_heading,
    reads_as_sentence,
    section_title,
)
from .lines import is_terminated, words
from .model import Document, ParsedDocument, ParsedFile, Passage, Section, Span, footnote_id
from .sentences import sentence_at
from .text_report import RawDocument, RawFile, is_field_line

_ROLE_OF_BLOCK = {
    "body": "body",
    "caption": "caption",
    "footnote": "footnote",
    "heading": "heading",
}


@dataclass(frozen=True)
class FileInfo:
    source_file: str
    sha256: str
    encoding: str
    doc_id: str  # base id; documents of a multi-document file get "-1", "-2", ...
    line_starts: list[int]  # offset of each line, for offset → line number
    line_pages: tuple[int | None, ...] = ()  # page of each line (PDF); empty: no pages


def build_file(
    raw: RawFile,
    text: str,
    info: FileInfo,
    budget: int = DEFAULT_TOKEN_BUDGET,
    notes: Iterable[str] = (),
) -> ParsedFile:
    """Every document of a file; a file holding several gets ids "<doc_id>~1", "~2", ..."""
    several = len(raw.documents) > 1
    documents, spans = [], []
    for k, raw_doc in enumerate(raw.documents, start=1):
        parsed, doc_spans = build_document(
            raw_doc, f"{info.doc_id}~{k}" if several else info.doc_id, info, budget
        )
        documents.append(parsed)
        spans += doc_spans
    return ParsedFile(
        source_file=info.source_file, sha256=info.sha256, encoding=info.encoding, text=text,
        documents=tuple(documents), spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))),
        notes=(*notes, *raw.notes),
    )  # fmt: skip


def build_document(
    raw: RawDocument, doc_id: str, info: FileInfo, budget: int = DEFAULT_TOKEN_BUDGET
) -> tuple[ParsedDocument, list[Span]]:
    blocks = _merge_captions(raw.blocks)
    _take_article_title(blocks, raw)
    sections, placed = _sections(blocks, doc_id)
    passages = _passages(placed, doc_id, info, budget)
    footnotes, notes = _footnote_passages(raw.footnotes, passages, placed, doc_id, info)
    document = _document(raw, doc_id, info, sections, placed)
    spans = _coverage(raw, blocks)
    return ParsedDocument(
        document, tuple(sections), tuple(passages + footnotes), tuple(notes)
    ), spans


# --- paragraphs: captions, article title, headings ----------------------------------------


def _merge_captions(blocks: list[Block]) -> list[Block]:
    """A photo caption followed by '(Nguồn: …)' becomes one caption block."""
    merged: list[Block] = []
    for block in blocks:
        if merged and md.SOURCE_LINE.match(block.fragment().text) and merged[-1].role == "body":
            caption = merged[-1]
            caption.role = "caption"
            caption.raw += " "
            caption.source.append(-1)
            shift = len(caption.raw)
            caption.raw += block.raw
            caption.source += block.source
            caption.markers += [(n, o + shift) for n, o in block.markers]
            caption.removed += block.removed
            caption.line_end = block.line_end
            continue
        merged.append(block)
    return merged


def _take_article_title(blocks: list[Block], raw: RawDocument) -> None:
    """A document without a header (a news article) is titled by its short first line."""
    meta = raw.meta
    if meta.title or not blocks:
        return
    if len(blocks) > 1 and md.read_dateline(blocks[0].fragment().text, meta):
        blocks[0].role = "title"  # "Báo … - Thứ Bảy, 16/11/2024": the headline follows
        blocks = blocks[1:]
    web = bool(meta.issuer and md.is_masthead(meta.issuer))  # read as the issuer
    while len(blocks) > 1 and _web_furniture(blocks[0], meta, web):
        blocks[0].role = "title"  # "Chuyên mục: … Cập nhật: 14/11/2024 08:35" above the headline
        blocks, web = blocks[1:], True
    first = blocks[0].fragment().text
    if len(words(first)) <= 25 and not is_terminated(first) and match_heading(first) is None:
        blocks[0].role = "title"
        meta.title_parts.append(first)
        if any(b.role == "caption" for b in blocks):
            meta.kind = meta.kind or "bài báo"
        # "Cập nhật: 08:15 Thứ Ba, 16/11/2021" under the headline, a sharing bar
        for block in blocks[1:]:
            if not _web_furniture(block, meta, web):
                break
            block.role, web = "title", True


def _web_furniture(block: Block, meta: md.Metadata, web: bool) -> bool:
    """A web page's line around its headline; on a page known to be one, also its menu,
    search box and sharing bar."""
    text = block.fragment().text
    return md.read_web_furniture(text, meta) or (web and md.is_web_menu(text))


@dataclass
class _Placed:
    block: Block
    path: tuple[str, ...]


@dataclass
class _Open:
    """A section that later paragraphs still fall into."""

    rank: float  # headings of this rank or higher (a smaller number) close it
    level: int
    title: str
    index: int  # into the sections list
    kind: str
    bare: bool  # its heading line is only a label ("Chương II"): the next upper-case line titles it


# Sections that the line right after their bare label titles: "Chương II" / "TIẾP CÔNG DÂN",
# "TIÊU CHUẨN 10" / "TỰ ĐÁNH GIÁ …", "Tiêu chí 9.1." / "Cấu trúc, vai trò …", "Mục 1" / "…",
# "PHỤ LỤC" / "CƠ SỞ DỮ LIỆU …"
_TITLED_BY_NEXT_LINE = ("chapter", "standard", "criterion", "section", "appendix")


def _sections(blocks: list[Block], doc_id: str) -> tuple[list[Section], list[_Placed]]:
    """Walk the paragraphs: headings open sections, everything else is placed in one."""
    texts = [b.fragment().text for b in blocks]
    numbered = any(
        (m := match_heading(text))
        and m.kind not in RELATIVE_KINDS
        and PART_LEVEL < m.level < ITEM_LEVEL
        for text in texts
    )
    stack: list[_Open] = []
    sections: list[Section] = []
    placed: list[_Placed] = []
    for i, block in enumerate(blocks):
        if block.role != "body":
            placed.append(_Placed(block, tuple(o.title for o in stack)))
            continue
        text = texts[i]
        heading = _stated_heading(block, match_heading(text), text)
        if heading is None and _extends_title(stack, sections, placed, text):
            block.role = "heading"
            placed.append(_Placed(block, tuple(o.title for o in stack)))
            continue
        if heading is None and is_unnumbered_heading(text, _next(texts, i), not numbered):
            heading = HeadingMatch("", ROMAN_LEVEL, text, True)
        if heading is None and _quotes_a_target(text, _next(texts, i)):
            heading = HeadingMatch("", ITEM_LEVEL, text, False, "quoted")
        if heading is not None:
            rank, level = _place(heading, stack)
            while stack and stack[-1].rank >= rank:
                stack.pop()
            title = (
                _quoted_title(text) if heading.kind == "quoted" else section_title(heading, text)
            )
            bare = heading.kind == "part" or (
                heading.kind in _TITLED_BY_NEXT_LINE and not heading.rest
            )
            stack.append(_Open(rank, level, title, len(sections), heading.kind, bare))
            sections.append(
                Section(
                    f"{doc_id}:s{len(sections) + 1:03d}",
                    doc_id,
                    title,
                    heading.label,
                    level,
                    tuple(o.title for o in stack),
                    block.line_start,
                )  # fmt: skip
            )
            if heading.whole_line:
                block.role = "heading"
        placed.append(_Placed(block, tuple(o.title for o in stack)))
    _keep_empty_headings_as_text(placed)
    return sections, placed


def _place(heading: HeadingMatch, stack: list[_Open]) -> tuple[float, int]:
    """Rank and level of a heading. "Mở đầu"/"Kết luận" open or close the document, or (as
    siblings of its criteria) the standard they stand in; "Mô tả", "Điểm mạnh", … are
    siblings of each other and children of the section they follow (a criterion)."""
    if heading.kind == "frame":
        standard = next((o for o in reversed(stack) if o.kind == "standard"), None)
        if standard is None:
            return heading.rank, heading.level
        return FORMS["criterion"][1], min(standard.level + 1, ITEM_LEVEL)
    if heading.kind == "subpart":
        sibling = next((o for o in reversed(stack) if o.kind == "subpart"), None)
        if sibling is not None:
            return sibling.rank, sibling.level
        if stack:
            return stack[-1].rank + 0.05, min(stack[-1].level + 1, ITEM_LEVEL)
    return heading.rank, heading.level


def _stated_heading(block: Block, found: HeadingMatch | None, text: str) -> HeadingMatch | None:
    """A paragraph in a Word heading style is a whole heading; its numbering, when it has
    one, decides the level as in text reports, else the style does."""
    if block.heading_level is None:
        return found
    if found is None:
        return HeadingMatch("", block.heading_level, text.strip(), True)
    return replace(found, whole_line=True)


def _keep_empty_headings_as_text(placed: list[_Placed]) -> None:
    """A heading with nothing under it ('1. Mục tiêu tổng quát “…”') is also its own text."""
    for i, item in enumerate(placed):
        if item.block.role != "heading" or len(item.path) == 0:
            continue
        following = placed[i + 1].path if i + 1 < len(placed) else ()
        if following[: len(item.path)] != item.path:  # nothing inside this section
            item.block.role = "body"


# "“… tuyển chọn, gọi công dân nhập ngũ đạt 100% chỉ tiêu”" on its own line, then "- Năm
# 2015: 400 công dân; …": a resolution's target quoted, and the bullets that report on it
_QUOTED_TARGET_RE = re.compile(r"\s*[“\"][^\n]{20,}[”\"][.:]?\s*")
_BULLET_RE = re.compile(r"\s*[-+–]\s")
_MAX_TARGET_WORDS = 80


def _quotes_a_target(text: str, following: str | None) -> bool:
    """Whether a paragraph is only a quoted statement and the next one is a bullet: the
    quote titles the bullets."""
    return (
        following is not None
        and _BULLET_RE.match(following) is not None
        and _QUOTED_TARGET_RE.fullmatch(text) is not None
    )


def _quoted_title(text: str) -> str:
    """A quoted target as a section title: whole, or its first _MAX_TARGET_WORDS words."""
    found = list(re.finditer(r"\S+", text))
    if len(found) <= _MAX_TARGET_WORDS:
        return text.strip()
    return text[found[0].start() : found[_MAX_TARGET_WORDS - 1].end()] + "…"


def _next(texts: list[str], i: int) -> str | None:
    return texts[i + 1] if i + 1 < len(texts) else None


def _extends_title(stack: list[_Open], sections, placed, text: str) -> bool:
    """'Phần thứ nhất' followed by its upper-case title lines, before any content (likewise a
    bare 'Chương II', 'TIÊU CHUẨN 10', 'Mục 1', 'PHỤ LỤC', whose title may also be one short
    line in sentence case: 'Chương I' / 'Quy định chung')."""
    if not stack or not stack[-1].bare:
        return False
    if placed and placed[-1].block.role not in ("heading",):
        return False
    top = stack[-1]
    part = sections[top.index]
    upper_title = is_unnumbered_heading(text, None, title_case=False)  # short, upper case
    plain_title = (
        top.kind in _TITLED_BY_NEXT_LINE
        and part.title.rstrip(".:-– ") == part.label
        and 0 < len(words(text)) <= MAX_HEADING_WORDS
        and not is_terminated(text)
        and not reads_as_sentence(text)
        and not is_field_line(text)
        and text.strip()[:1].isupper()
    )
    if not (upper_title or plain_title):
        return False
    title = f"{part.title}. {text}" if part.title == part.label else f"{part.title} {text}"
    sections[top.index] = Section(
        part.section_id, part.doc_id, title, part.label, part.level,
        (*part.path[:-1], title), part.line,
    )  # fmt: skip
    old, top.title = part.title, title
    for p in placed:  # the heading itself was placed under the short title
        if p.path and p.path[-1] == old:
            p.path = (*p.path[:-1], title)
    return True


# --- passages -----------------------------------------------------------------------------


def _passages(placed: list[_Placed], doc_id: str, info: FileInfo, budget: int) -> list[Passage]:
    passages: list[Passage] = []
    run: list[Block] = []
    path: tuple[str, ...] | None = None

    def add(pieces, kind, where) -> None:
        passage = _passage(pieces, kind, where, doc_id, len(passages), info)
        if passage.text:  # a paragraph of only control characters has no text to index
            passages.append(passage)

    def flush() -> None:
        for pieces in plan_passages(run, budget):
            add(pieces, "body", path or ())
        run.clear()

    for item in placed:
        if item.block.role == "body":
            if item.path != path:
                flush()
                path = item.path
            run.append(item.block)
        elif item.block.role == "caption":
            flush()
            add([(item.block, 0, len(item.block.raw))], "caption", item.path)
        else:
            flush()
    flush()
    return passages


def _passage(pieces, kind, path, doc_id, index, info: FileInfo) -> Passage:
    texts: list[str] = []
    markers, spans = [], []
    offset = 0
    for block, a, b in pieces:
        fragment = block.fragment(a, b, last=b == len(block.raw))
        if not fragment.text:
            continue
        if texts:
            offset += 1  # the "\n" between paragraphs
        markers += [(n, o + offset) for n, o in fragment.markers]
        spans += fragment.spans
        texts.append(fragment.text)
        offset += len(fragment.text)
    return _make_passage(
        f"{doc_id}:p{index + 1:04d}", doc_id, "\n".join(texts), kind, path, None,
        tuple(markers), tuple(spans), info,
    )  # fmt: skip


def _make_passage(pid, doc_id, text, kind, path, number, markers, spans, info, **extra) -> Passage:
    start = min((a for a, _ in spans), default=0)
    end = max((b for _, b in spans), default=0)
    line_start, line_end = _line_of(info, start), _line_of(info, max(start, end - 1))
    if info.line_pages:
        pages = info.line_pages
        extra |= {"page": pages[line_start - 1], "page_end": pages[line_end - 1]}
    return Passage(
        passage_id=pid, doc_id=doc_id, text=text, kind=kind, section_path=tuple(path),
        footnote=number, cites=tuple(n for n, _ in markers),
        line_start=line_start, line_end=line_end,
        char_start=start, char_end=end, spans=_merge(spans), markers=tuple(markers),
        source_file=info.source_file, **extra,
    )  # fmt: skip


def _merge(spans) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


def _line_of(info: FileInfo, offset: int) -> int:
    return bisect.bisect_right(info.line_starts, offset)


def _footnote_passages(
    footnotes, passages, placed, doc_id, info
) -> tuple[list[Passage], list[str]]:
    """One passage per footnote, linked to the body passage (and sentence) that cites it.

    Numbers can repeat (PDFs that restart numbering on each page): the k-th footnote numbered
    n goes with the k-th marker n."""
    citing: dict[int, list[tuple[Passage, int]]] = {}
    for p in passages:
        for n, o in p.markers:
            citing.setdefault(n, []).append((p, o))
    in_headings = {
        n: item.block.fragment().text
        for item in placed
        if item.block.role == "heading"
        for n, _ in item.block.markers
    }
    result, notes = [], []
    seen: Counter[int | None] = Counter()
    for block in sorted(footnotes, key=lambda b: b.number or 0):
        number, k = block.number, seen[block.number]
        seen[number] += 1
        pid = footnote_id(doc_id, number, k)
        anchor_id, anchor_text, path = None, in_headings.get(number), ()
        if k < len(citing.get(number, ())):
            passage, offset = citing[number][k]
            anchor_id, path = passage.passage_id, passage.section_path
            anchor_text = _sentence_before(passage.text, offset)
        elif anchor_text is None:
            notes.append(f"footnote {number}: no marker for it was found in the body")
        fragment = block.fragment()
        if not fragment.text:
            continue
        result.append(
            _make_passage(
                pid,
                doc_id,
                fragment.text,
                "footnote",
                path,
                number,
                (),
                fragment.spans,
                info,
                anchor_text=anchor_text,
                anchor_id=anchor_id,
            )  # fmt: skip
        )
    return result, notes


def _sentence_before(text: str, offset: int) -> str:
    """The sentence a marker at ``offset`` ends or stands in, within its paragraph (a table
    row or a heading without final punctuation ends where its line ends)."""
    at = max(offset - 1, 0)
    first = text.rfind("\n", 0, at) + 1
    last = text.find("\n", at)
    paragraph = text[first : len(text) if last < 0 else last]
    start, end = sentence_at(paragraph, at - first)
    return paragraph[start:end]


# --- document and accounting ----------------------------------------------------------------


def _issuers_province(meta: md.Metadata) -> str | None:
    """The province a document that writes no place is issued in, by its issuer's name ("ỦY BAN
    NHÂN DÂN TỈNH LONG AN", inherited by the plan its decision issues): surer than the province
    its text names most."""
    return md.province_named(meta.issuer) if meta.issuer else None


def _document(raw: RawDocument, doc_id, info: FileInfo, sections, placed) -> Document:
    meta = raw.meta
    body = [p.block.fragment().text for p in placed if p.block.role == "body"]
    heading_titles = [s.title for s in sections]
    years = md.years_covered(meta.title) or md.years_covered(*heading_titles, *body[:1])
    return Document(
        doc_id=doc_id, title=_display_title(meta) or _opening_heading(sections, placed),
        source_file=info.source_file,
        sha256=info.sha256, kind=meta.kind, number=meta.number,
        place=meta.place or _issuers_province(meta) or md.most_mentioned_province(" ".join(body)),
        date=meta.date,
        issuer=meta.issuer, province=meta.province, signatory=meta.signatory,
        signatory_title="; ".join(meta.signatory_titles) or None, years=years,
        encoding=info.encoding, line_start=raw.line_start, line_end=raw.line_end,
    )  # fmt: skip


def _opening_heading(sections: list[Section], placed: list[_Placed]) -> str:
    """A document without a header that opens with a heading (a chapter saved on its own:
    'CHƯƠNG 2. …', 'TIÊU CHUẨN 1 …') is titled by it."""
    first = next((p for p in placed if p.block.role in ("heading", "body")), None)
    if first is None or first.block.role != "heading" or not sections:
        return ""
    return sections[0].title if sections[0].line == first.block.line_start else ""


def _display_title(meta: md.Metadata) -> str:
    """'BÁO CÁO' + 'kết quả thực hiện …' -> 'Báo cáo kết quả thực hiện …'."""
    title = meta.title
    if meta.kind.upper() in md.DOC_TYPES and not title.lower().startswith(meta.kind):
        title = f"{meta.kind.capitalize()} {title}".strip()
    return title


def _coverage(raw: RawDocument, blocks: list[Block]) -> list[Span]:
    spans = [Span(a, b, role) for a, b, role in raw.roles]
    for block in [*blocks, *raw.footnotes]:
        role = _ROLE_OF_BLOCK.get(block.role, "metadata")
        spans += [Span(a, b, role) for a, b in block.source_spans()]
        spans += [Span(a, b, "marker") for a, b in block.removed]
    return spans
