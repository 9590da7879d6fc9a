"""The facts of an index: stored with it at build time (``index.facts``: the embedded index's
facts.jsonl, a Milvus collection's facts rows), or extracted once when an index has none
stored (an older build, one of another extractor version, an evaluation set in memory)."""

from __future__ import annotations

import threading
import weakref

from baocao.corpus.facts import PLACE_RE, FactBook, facts_of
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
            book = FactBook.of(*facts_of(index.documents.values(), index.passages))
            _books[index] = book
        return book


_places: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def known_places(index: SearchIndex) -> tuple[str, ...]:
    """The districts, communes and villages the reports name ("huyện Đăk Hà"): how a question
    typed without diacritics ("huyen dak ha") is read as naming a place. Read once per index."""
    with _lock:
        places = _places.get(index)
        if places is None:
            found = {f"{m.group(1)} {m.group(2)}" for passage in index.passages
                     for m in PLACE_RE.finditer(passage.text)}  # fmt: skip
            places = tuple(sorted(p for p in found if not p.startswith("tỉnh")))
            _places[index] = places
        return places
