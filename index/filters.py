"""What a search is restricted to, as data every backend translates: the embedded index into
a row mask (``HybridIndex``), Milvus into a filter expression it evaluates itself.

The meaning lives here once: a year range matches a document covering any year in it, a
section is a prefix of the section path and a quoted phrase a substring of the text — both
compared without diacritics (the phrase with them when it was typed with them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from baocao.corpus.model import Document, Passage
from baocao.corpus.vietnamese import canonical, fold_diacritics
from baocao.index.analyzer import is_unaccented
from baocao.index.hit import InvalidQuery

FILTER_KEYS = ("doc_id", "year", "year_from", "year_to", "kind", "section")
PASSAGE_KINDS = ("body", "footnote", "caption")
SECTION_JOINER = " › "
MIN_YEAR, MAX_YEAR = 1900, 2100


class UnknownId(InvalidQuery):
    """A document or passage id that is not in the index (the API answers 404)."""


@dataclass(frozen=True)
class Filters:
    """Hard filters on a search; an empty Filters accepts every passage. ``phrase`` is a quoted
    phrase the passage must hold (qa sets it from the query, a request cannot)."""

    doc_ids: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kinds: tuple[str, ...] = ()
    section: str = ""  # a prefix of the section path, "I. KẾT QUẢ › 1. Đối thoại"
    phrase: str = ""

    @classmethod
    def from_dict(cls, data: Mapping, documents: Mapping[str, Document]) -> Filters:
        """Checked filters from a request; InvalidQuery names the bad key or value."""
        unknown = sorted(set(data) - set(FILTER_KEYS))
        if unknown:
            raise InvalidQuery(f"unknown filter {unknown[0]!r}: accepted {', '.join(FILTER_KEYS)}")
        doc_ids = _strings(data.get("doc_id"), "doc_id")
        missing = [d for d in doc_ids if d not in documents]
        if missing:
            raise UnknownId(f"filter doc_id: unknown document {missing[0]!r} (GET /documents)")
        kinds = _strings(data.get("kind"), "kind")
        if any(k not in PASSAGE_KINDS for k in kinds):
            raise InvalidQuery(f"filter kind: accepted {', '.join(PASSAGE_KINDS)}")
        year = _year(data.get("year"), "year")
        year_from = year or _year(data.get("year_from"), "year_from")
        year_to = year or _year(data.get("year_to"), "year_to")
        section = data.get("section") or ""
        if not isinstance(section, str):
            raise InvalidQuery("filter section: a section path prefix (text)")
        return cls(doc_ids, year_from, year_to, kinds, section)

    def is_empty(self) -> bool:
        return self == Filters()

    @property
    def years(self) -> tuple[int, int] | None:
        """The year range asked for, bounds included; None when there is none."""
        if self.year_from is None and self.year_to is None:
            return None
        return max(self.year_from or MIN_YEAR, MIN_YEAR), min(self.year_to or MAX_YEAR, MAX_YEAR)

    def accepts_document(self, document: Document | None, doc_id: str) -> bool:
        """What the document-level filters (ids, years) say of a document's passages."""
        if self.doc_ids and doc_id not in self.doc_ids:
            return False
        years = self.years
        return years is None or any(years[0] <= y <= years[1] for y in document_years(document))

    @property
    def filters_text(self) -> bool:
        """Whether a passage's own kind, section or text matter (not only its document)."""
        return bool(self.kinds or self.section or self.phrase)

    def text_test(self) -> Callable[[Passage], bool]:
        """What the passage-level filters (kind, section, phrase) say of a passage."""
        section = text_key(self.section)
        phrase = phrase_key(self.phrase, self.phrase) if self.phrase else ""

        def accepts(passage: Passage) -> bool:
            if self.kinds and passage.kind not in self.kinds:
                return False
            if section and not section_key(passage.section_path).startswith(section):
                return False
            return not phrase or phrase in phrase_key(self.phrase, passage.text)

        return accepts

    def accepts(self, passage: Passage, document: Document | None) -> bool:
        return self.accepts_document(document, passage.doc_id) and self.text_test()(passage)


def document_years(document: Document | None) -> tuple[int, ...]:
    """The years a document covers, else the year of its date."""
    if document is None:
        return ()
    if document.years:
        return tuple(document.years)
    return (int(document.date[:4]),) if document.date else ()


def text_key(text: str) -> str:
    """How sections (and phrases typed without diacritics) compare: canonical, no
    diacritics, lower case."""
    return fold_diacritics(canonical(text)).lower()


def section_key(section_path: tuple[str, ...]) -> str:
    return text_key(SECTION_JOINER.join(section_path))


def phrase_key(phrase: str, text: str) -> str:
    """``text`` as compared with a quoted ``phrase``: diacritics count unless the phrase was
    typed without any."""
    return text_key(text) if is_unaccented(phrase) else canonical(text).lower()


def _strings(value: object, name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise InvalidQuery(f"filter {name}: a string or a list of strings")
    return tuple(values)


def _year(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise InvalidQuery(f"filter {name}: a year between {MIN_YEAR} and {MAX_YEAR}")
    return value
