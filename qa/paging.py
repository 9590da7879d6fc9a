"""What a search page shows beside its hits: how many passages hold the query's words."""

from __future__ import annotations

from dataclasses import replace

from baocao.qa.highlight import quoted_phrase
from baocao.qa.search import Filters, Searcher


def total(searcher: Searcher, query: str, filters: Filters | None = None) -> int:
    """Passages holding a word of ``query`` (other than a function word; with its diacritics
    when it has some), or the quoted phrase when there is one, among those ``filters`` accept.
    The ranking may show more in hybrid and dense modes: passages close in meaning."""
    filters = filters or Filters()
    index = searcher.index
    phrase = quoted_phrase(query)
    if phrase:
        return index.count(replace(filters, phrase=phrase))
    words = searcher.vocabulary
    rows = words.rows(query)
    if filters.is_empty():
        return len(rows)
    return index.count(filters, [words.passage_ids[row] for row in sorted(rows)])
