"""Which words of a passage to mark for a query, as a person reading the results expects.

- A query typed with diacritics marks only words written with the same diacritics ("năm"
  does not mark "nắm", "vận" not "văn", "tố" not "Tổ"); one typed without any marks every
  spelling ("doi thoai" marks "đối thoại").
- A quoted phrase is marked as the phrase, one mark over its words, wherever it occurs.
- Words found in a large share of the passages ("năm", "dân", "các") and function words are
  not marked on their own: only where they stand next to another word of the query, as in
  the query ("dân vận", "năm 2019").
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable

from baocao.corpus.vietnamese import canonical
from baocao.index.analyzer import analyze, fold, is_unaccented, term_spans
from baocao.index.backends import PassageText

# Function words, never marked on their own.
UNMARKED = frozenset(
    ("của", "và", "các", "là", "có", "được", "trong", "cho", "với", "những", "đã", "này", "để",
     "từ", "về", "theo", "tại")
)  # fmt: skip
# A word in at least this share of the passages is too common to mark on its own. In the
# bundled reports: "các" .68, "dân" .55, "tổ" .44, "năm" .23, "vận" .26; "đối" .17, "cuộc" .06.
COMMON_SHARE = 0.2
MIN_PASSAGES = 50  # below this the shares say nothing (a test corpus of a few passages)
_QUOTED_RE = re.compile(r"[\"“”](.+?)[\"“”]")


class Vocabulary:
    """The words of an index's passages: which are too common to mark, and how many passages
    hold a query's words (the total a search page shows). Built in one pass over the texts;
    terms are kept as the analyzer writes them and, with a leading "~", folded."""

    def __init__(self, passages: Iterable[PassageText]) -> None:
        self.passage_ids: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for row, passage in enumerate(passages):
            self.passage_ids.append(passage.passage_id)
            terms = {term for term, _, _ in term_spans(passage.text)}
            for term in terms | {"~" + term for term in fold(list(terms))}:
                postings[term].append(row)
        self._postings = {term: array("I", rows) for term, rows in postings.items()}
        count = len(self.passage_ids)
        cut = COMMON_SHARE * count
        self.common = frozenset(
            term
            for term, rows in self._postings.items()
            if count >= MIN_PASSAGES and len(rows) >= cut
        )

    def document_frequency(self, term: str) -> int:
        """Passages holding ``term`` (as the analyzer writes it; "~" + folded for any spelling)."""
        return len(self._postings.get(term, ()))

    def rows(self, query: str) -> set[int]:
        """Rows of the passages holding a word of ``query`` other than a function word (words
        with the query's diacritics, or any spelling when it has none)."""
        exact = not is_unaccented(query)
        unmarked = UNMARKED if exact else _FOLDED
        found: set[int] = set()
        for word in _keys(analyze(query).words, exact):
            if word not in unmarked:
                found.update(self._postings.get(word if exact else "~" + word, ()))
        return found


def highlights(
    text: str, query: str, common: frozenset[str] = frozenset()
) -> tuple[tuple[int, int], ...]:
    """[start, end) spans of ``text`` to mark for ``query``, in order, not overlapping."""
    if len(canonical(text)) != len(text):  # offsets would not line up
        return ()
    spans = term_spans(text)
    marked: list[tuple[int, int]] = []
    taken: set[int] = set()  # term positions inside a marked phrase
    for phrase in _QUOTED_RE.findall(query):
        wanted = _keys([t for t, _, _ in term_spans(phrase)], not is_unaccented(phrase))
        keys = _keys([t for t, _, _ in spans], not is_unaccented(phrase))
        n = len(wanted)
        for i in range(len(keys) - n + 1) if n else ():
            if keys[i : i + n] == wanted and not taken & set(range(i, i + n)):
                marked.append((spans[i][1], spans[i + n - 1][2]))
                taken |= set(range(i, i + n))
    rest = _QUOTED_RE.sub(" ", query)
    exact = not is_unaccented(query)
    words = _keys(analyze(rest).words, exact)
    keys = _keys([t for t, _, _ in spans], exact)
    unmarked = UNMARKED if exact else _FOLDED
    if exact:
        common = {term for term in common if not term.startswith("~")} | unmarked
    else:
        common = {term[1:] for term in common if term.startswith("~")} | unmarked
    alone = {w for w in words if w not in common}
    if not alone:  # only common words were asked for ("năm"): those are what is wanted
        alone = {w for w in words if w not in unmarked}
    pairs = {
        (a, b) for a, b in zip(words, words[1:], strict=False)
        if a not in unmarked and b not in unmarked
    }  # fmt: skip
    chosen = [i not in taken and keys[i] in alone for i in range(len(keys))]
    for i in range(len(keys) - 1):
        if i in taken or i + 1 in taken:
            continue
        if (keys[i], keys[i + 1]) in pairs and text[spans[i][2] : spans[i + 1][1]].isspace():
            chosen[i] = chosen[i + 1] = True
    for i, on in enumerate(chosen):
        if not on:
            continue
        start, end = spans[i][1], spans[i][2]
        if i and chosen[i - 1] and text[spans[i - 1][2] : start].isspace():
            marked[-1] = (marked[-1][0], end)  # "dân vận" as one mark
        else:
            marked.append((start, end))
    return tuple(sorted(marked))


_FOLDED = frozenset(fold(list(UNMARKED)))


def quoted_phrase(query: str) -> str | None:
    """The first quoted phrase of ``query`` ("…" or “…”), None without one."""
    match = _QUOTED_RE.search(query)
    return (match.group(1).strip() or None) if match else None


def _keys(terms: list[str], exact: bool) -> list[str]:
    return list(terms) if exact else fold(list(terms))
