"""The facts of an index: stored with it at build time (``index.facts``: the embedded index's
facts.jsonl, a Milvus collection's facts rows), or extracted once when an index has none
stored (an older build, one of another extractor version, an evaluation set in memory).
Each document's places are stored with its facts; an index stored before they were has its
passages read for them, once."""

from __future__ import annotations

import threading
import weakref

from baocao.corpus.facts import FactBook, places_named
from baocao.corpus.model import Passage
from baocao.index.backends import SearchIndex

_books: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def fact_book(index: SearchIndex) -> FactBook:
    """The index's facts: its stored ones, else extracted once and kept for as long as the
    index object lives."""
    stored = getattr(index, "facts", None)
    if stored is not None:
        return stored
    with _lock:
        book = _books.get(index)
        if book is None:
            book = FactBook.extract(index.documents.values(), _passages(index))
            _books[index] = book
        return book


_places: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def known_places(index: SearchIndex) -> tuple[str, ...]:
    """The districts, communes and villages the reports name ("huyện Đăk Hà"): how a question
    typed without diacritics ("huyen dak ha") is read as naming a place. Read from the fact
    book; an index whose facts were stored without places has its passages scanned, once."""
    stored = fact_book(index).known_places
    if stored is not None:
        return stored
    with _lock:
        places = _places.get(index)
        if places is None:
            places = places_named(passage.text for passage in _passages(index))
            _places[index] = places
        return places


def _passages(index: SearchIndex) -> list[Passage]:
    return [p for doc_id in index.documents for p in index.passages_of(doc_id)]


def load_facts(index: SearchIndex) -> None:
    """Read the index's facts and places now (a server, before it answers), not on the first
    question."""
    known_places(index)
