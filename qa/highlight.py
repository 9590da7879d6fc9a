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

import functools
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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
        for word in _keys(analyze(query, expand=False).words, exact):
            if word not in unmarked:
                found.update(self._postings.get(word if exact else "~" + word, ()))
        return found


def highlights(
    text: str, query: str, common: frozenset[str] = frozenset()
) -> tuple[tuple[int, int], ...]:
    """[start, end) spans of ``text`` to mark for ``query``, in order, not overlapping."""
    terms = _text_terms(text)
    if terms is None:  # offsets would not line up
        return ()
    return _query_marks(query, common).spans(terms)


@dataclass(frozen=True)
class _TextTerms:
    """A text's word-level terms as highlighting reads them (built once per text: the same
    passages come back query after query)."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spaced: tuple[bool, ...]  # only spaces between term i and term i + 1

    def keys(self, exact: bool) -> tuple[str, ...]:
        return self.exact if exact else self.folded


@functools.lru_cache(maxsize=4096)  # ≈ 2.5 KB a passage of 100 words (terms are interned)
def _text_terms(text: str) -> _TextTerms | None:
    if len(canonical(text)) != len(text):
        return None
    spans = term_spans(text)
    exact = tuple(sys.intern(term) for term, _, _ in spans)
    starts = tuple(start for _, start, _ in spans)
    ends = tuple(end for _, _, end in spans)
    spaced = tuple(text[end:start].isspace() for end, start in zip(ends, starts[1:], strict=False))
    return _TextTerms(exact, tuple(fold(list(exact))), starts, ends, spaced)


@dataclass(frozen=True)
class _QueryMarks:
    """What ``query`` asks to mark, worked out once per query: its quoted phrases, the words
    marked alone and the pairs marked together."""

    phrases: tuple[tuple[tuple[str, ...], bool], ...]  # (keys, compared with diacritics)
    exact: bool
    alone: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    def spans(self, terms: _TextTerms) -> tuple[tuple[int, int], ...]:
        starts, ends, spaced = terms.starts, terms.ends, terms.spaced
        marked: list[tuple[int, int]] = []
        taken: set[int] = set()  # term positions inside a marked phrase
        for wanted, exact in self.phrases:
            keys, n = terms.keys(exact), len(wanted)
            for i in range(len(keys) - n + 1) if n else ():
                if keys[i : i + n] == wanted and not taken.intersection(range(i, i + n)):
                    marked.append((starts[i], ends[i + n - 1]))
                    taken.update(range(i, i + n))
        keys = terms.keys(self.exact)
        alone, pairs = self.alone, self.pairs
        chosen = [key in alone for key in keys]
        for i in range(len(keys) - 1):
            paired = spaced[i] and (keys[i], keys[i + 1]) in pairs
            if paired and not (taken and taken.intersection((i, i + 1))):
                chosen[i] = chosen[i + 1] = True
        for i in taken:
            chosen[i] = False
        for i, on in enumerate(chosen):
            if not on:
                continue
            if i and chosen[i - 1] and spaced[i - 1]:
                marked[-1] = (marked[-1][0], ends[i])  # "dân vận" as one mark
            else:
                marked.append((starts[i], ends[i]))
        return tuple(sorted(marked))


@functools.lru_cache(maxsize=256)
def _query_marks(query: str, common: frozenset[str]) -> _QueryMarks:
    phrases = []
    for phrase in _QUOTED_RE.findall(query):
        exact = not is_unaccented(phrase)
        phrases.append((tuple(_keys([t for t, _, _ in term_spans(phrase)], exact)), exact))
    rest = _QUOTED_RE.sub(" ", query)
    exact = not is_unaccented(query)
    words = _keys(analyze(rest, expand=False).words, exact)
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
    return _QueryMarks(tuple(phrases), exact, frozenset(alone), frozenset(pairs))


_FOLDED = frozenset(fold(list(UNMARKED)))


def quoted_phrase(query: str) -> str | None:
    """The first quoted phrase of ``query`` ("…" or “…”), None without one."""
    match = _QUOTED_RE.search(query)
    return (match.group(1).strip() or None) if match else None


def _keys(terms: list[str], exact: bool) -> list[str]:
    return list(terms) if exact else fold(list(terms))
