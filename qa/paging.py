"""What a search page shows beside its hits: how many passages hold the query's words."""

from __future__ import annotations

from baocao.qa.highlight import quoted_phrase
from baocao.qa.search import Filters, Searcher, passage_filter


def total(searcher: Searcher, query: str, filters: Filters | None = None) -> int:
    """Passages holding a word of ``query`` (other than a function word; with its diacritics
    when it has some), or the quoted phrase when there is one, among those ``filters`` accept.
    The ranking may show more in hybrid and dense modes: passages close in meaning."""
    filters = filters or Filters()
    index = searcher.index
    passages = index.passages
    phrase = quoted_phrase(query)
    if phrase:
        where = passage_filter(filters, index.documents, phrase)
        return sum(1 for p in passages if where is None or where(p))
    rows = searcher.vocabulary.rows(query)
    if filters.is_empty():
        return len(rows)
    documents = index.documents
    return sum(
        1 for row in rows if filters.accepts(passages[row], documents.get(passages[row].doc_id))
    )
