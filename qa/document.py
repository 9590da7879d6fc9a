"""A whole report as a person reads it, and its original file.

``document_text``: the title block, the heading tree, paragraphs of passages in order with
their footnote markers, and the footnotes with the passage and marker each annotates — what
the page's document view shows and links (``/?doc=ID#p=PASSAGE``).

``original_file``: the file a document was indexed from, found from the document id alone
(its file name as indexed under the folders the index was built from — never a path from a
request), and only while its bytes still have the sha256 recorded at indexing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from baocao.corpus.model import Document, Passage
from baocao.qa.citation import cite_document, section_label

CHANGED = "tệp đã thay đổi sau khi lập chỉ mục — chạy lại baocao index"


class FileUnavailable(Exception):
    """The original file cannot be given; ``status`` 410 (gone, or never recorded) or 409
    (changed since indexing); the message says why and what to do, in Vietnamese."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Heading:
    section_id: str  # "s3": stable within one build of the document
    title: str
    label: str  # "mục III.1"
    depth: int  # 1 for the top level
    passage_id: str | None  # the first passage under it


@dataclass(frozen=True)
class Block:
    """One passage in reading order: ``paragraph`` numbers the paragraph it belongs to
    (sentences of one source paragraph share it), ``section`` the innermost heading."""

    passage: Passage
    paragraph: int
    section: str | None
    footnotes: tuple[tuple[int, int, str | None], ...]  # (number, offset, footnote passage id)


@dataclass(frozen=True)
class DocumentText:
    document: Document
    citation: str
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]  # body and captions in order
    footnotes: tuple[Passage, ...]  # in the order of their numbers
    file_available: bool


def document_text(
    document: Document, passages: Sequence[Passage], file_available: bool = False
) -> DocumentText:
    """The reading order of ``passages`` (all of one document, in corpus order)."""
    body = [p for p in passages if p.kind != "footnote"]
    notes = [p for p in passages if p.kind == "footnote"]
    by_anchor = {(n.anchor_id, n.footnote): n.passage_id for n in notes if n.anchor_id}
    by_number: dict[int, str] = {}
    for note in notes:
        if note.footnote is not None:
            by_number.setdefault(note.footnote, note.passage_id)
    headings: list[Heading] = []
    known: dict[tuple[str, ...], str] = {}
    blocks: list[Block] = []
    paragraph, previous = 0, None
    for passage in body:
        path = passage.section_path
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in known:
                known[prefix] = f"s{len(known) + 1}"
                label = section_label(prefix)
                headings.append(Heading(known[prefix], prefix[-1], label, depth,
                                        passage.passage_id))  # fmt: skip
        same = (
            previous is not None
            and previous.section_path == path
            and passage.line_start <= previous.line_end
            and passage.kind == previous.kind
        )
        paragraph += 0 if same else 1
        markers = tuple(
            (n, offset, by_anchor.get((passage.passage_id, n)) or by_number.get(n))
            for n, offset in passage.markers
        )
        blocks.append(Block(passage, paragraph, known.get(path), markers))
        previous = passage
    notes.sort(key=lambda n: (n.footnote is None, n.footnote or 0))
    return DocumentText(document, cite_document(document), tuple(headings), tuple(blocks),
                        tuple(notes), file_available)  # fmt: skip


def file_candidates(document: Document, roots: Sequence[str]) -> list[tuple[Path, Path]]:
    """(root, path) pairs where ``document``'s file was read from, as ``corpus.loader`` names
    files: relative to a folder given, the folder's own name first when two folders held the
    same relative name, or the name of a file given directly."""
    name = document.source_file
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        return []
    found = []
    for text in roots:
        root = Path(text)
        if root.is_file() or not root.exists():
            if root.name == name:
                found.append((root.parent, root))
            continue
        found.append((root, root / name))
        first, _, rest = name.partition("/")
        if rest and first == root.name:
            found.append((root, root / rest))
    return found


def original_file(document: Document, roots: Sequence[str]) -> tuple[Path, BinaryIO]:
    """The path and an open handle (at its start) of ``document``'s file as indexed;
    FileUnavailable when it is gone, outside the indexed folders, or changed."""
    changed = False
    for root, path in file_candidates(document, roots):
        try:
            real, inside = path.resolve(strict=True), root.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if not real.is_file() or not (real == inside or real.is_relative_to(inside)):
            continue  # a link out of the folder is never followed (as when indexing)
        try:
            handle = open(real, "rb")  # noqa: SIM115 (handed to the caller)
        except OSError:
            continue
        digest = hashlib.sha256()
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        if digest.hexdigest() == document.sha256:
            handle.seek(0)
            return real, handle
        handle.close()
        changed = True
    if changed:
        raise FileUnavailable(f"{document.source_file}: {CHANGED}", 409)
    if not roots:
        raise FileUnavailable(
            f"{document.source_file}: chỉ mục này không ghi thư mục báo cáo gốc (dựng từ dữ "
            "liệu trong bộ nhớ) — chạy lại baocao index với thư mục báo cáo",
            410,
        )
    raise FileUnavailable(
        f"{document.source_file}: không còn tệp này trong thư mục đã lập chỉ mục — đặt lại "
        "tệp vào chỗ cũ hoặc chạy lại baocao index",
        410,
    )


def has_original(document: Document, roots: Sequence[str]) -> bool:
    """Whether a file that may be ``document``'s exists (not checked against its sha256)."""
    return any(path.is_file() for _, path in file_candidates(document, roots))
