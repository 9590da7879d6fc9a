"""The text each retriever sees for a passage: its words plus optional context.

Headings are not part of passage text, and a footnote alone often lacks its subject
("100% huyện ủy … đã xây dựng Chương trình"); the body sentence it annotates supplies it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical


@dataclass(frozen=True)
class ContextSettings:
    """What is prepended to a passage's text before analysing or embedding it."""

    title: bool = False
    sections: int = 0  # how many innermost section headings
    footnote_anchor: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ContextSettings:
        return cls(**data)


def passage_text(passage: Passage, document: Document | None, context: ContextSettings) -> str:
    """Context lines (title, headings, annotated sentence) then the passage text, in the
    canonical form (NFC, new-style tone marks) that queries are brought to as well."""
    parts: list[str] = []
    if context.title and document is not None and document.title:
        parts.append(document.title)
    if context.sections and passage.section_path:
        parts.extend(passage.section_path[-context.sections :])
    if context.footnote_anchor and passage.kind == "footnote" and passage.anchor_text:
        parts.append(passage.anchor_text)
    parts.append(passage.text)
    return canonical("\n".join(parts))
