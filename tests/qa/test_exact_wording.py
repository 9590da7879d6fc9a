"""Exact wording first (issue 17 §4): a sentence pasted from a report finds that passage first,
in every mode, in /similar and on both backends — checked on all 60 footnotes of the bundled
reports and a sample of body sentences of each report (real index, real encoder)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from baocao.corpus.sentences import split_sentences
from baocao.corpus.vietnamese import canonical
from baocao.qa.search import QueryTooLong, Searcher, wording_first, wording_test

MODES = ("bm25", "dense", "hybrid", "similar")
FIRST_WORDS = 14  # as the issue measured: the first 14 words of each footnote
SENTENCES_PER_DOCUMENT = 6


def _key(text: str) -> str:
    """The test's own notion of "holds verbatim": canonical, lower case, spaces collapsed."""
    return " ".join(canonical(text).lower().split())


def holds(text: str, query: str) -> bool:
    return _key(query) in _key(text)


def footnote_queries(passages) -> list[tuple[str, str]]:
    """(passage id, its first 14 words) for every footnote."""
    return [
        (p.passage_id, " ".join(p.text.split()[:FIRST_WORDS]))
        for p in passages
        if p.kind == "footnote"
    ]


def body_sentence_queries(passages) -> list[tuple[str, str]]:
    """(passage id, one of its sentences): a fixed sample of each report's body sentences of 8
    words or more."""
    by_document: dict[str, list[tuple[str, str]]] = {}
    for p in passages:
        if p.kind != "body":
            continue
        for start, end in split_sentences(p.text):
            sentence = p.text[start:end].strip()
            if len(sentence.split()) >= 8:
                by_document.setdefault(p.doc_id, []).append((p.passage_id, sentence))
    rng = random.Random(17)
    sample = []
    for doc_id in sorted(by_document):
        sentences = by_document[doc_id]
        sample += rng.sample(sentences, min(SENTENCES_PER_DOCUMENT, len(sentences)))
    return sample


def ranked_ids(searcher: Searcher, query: str, mode: str, k: int = 10) -> list[str] | None:
    """Passage ids in rank order; None when the query is longer than the encoder may read."""
    try:
        if mode == "similar":
            return [r.passage.passage_id for r in searcher.similar(query, k)]
        return [h.passage.passage_id for h in searcher.hits(query, k, mode)]
    except QueryTooLong:
        return None


def every_passage(index) -> list:
    """Every passage of any SearchIndex, document by document."""
    return [p for doc_id in index.documents for p in index.passages_of(doc_id)]


def misplaced(searcher: Searcher, queries, mode: str, strict: bool = False) -> list[str]:
    """Queries whose own passage is not first. Not strict: first among the passages that hold
    the query verbatim (another report may quote the same words: 003 quotes 000's footnotes)."""
    passages = {p.passage_id: p for p in every_passage(searcher.index)}
    wrong = []
    for passage_id, query in queries:
        ids = ranked_ids(searcher, query, mode)
        if ids is None:
            continue
        holding = [i for i in ids if holds(passages[i].text, query)]
        ahead = ids[: ids.index(passage_id)] if passage_id in ids else ids
        if passage_id not in ids or any(i not in holding for i in ahead) or (strict and ahead):
            where = ids.index(passage_id) + 1 if passage_id in ids else "not in top 10"
            wrong.append(f"{passage_id} ({where}; first {ids[0]}): {query[:60]}")
    return wrong


@pytest.fixture(scope="module")
def searcher(bundled_index):
    return Searcher(bundled_index)


@pytest.fixture(scope="module")
def milvus_searcher(milvus_bundled_index):
    return Searcher(milvus_bundled_index)


@pytest.mark.parametrize("mode", MODES)
def test_the_first_words_of_every_footnote_find_it_first(searcher, mode):
    queries = footnote_queries(searcher.index.passages)
    assert len(queries) == 60
    assert misplaced(searcher, queries, mode) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_whole_footnote_finds_itself_first(searcher, mode):
    # Whole footnotes are each held by one passage only: their own is first, no tie.
    queries = [(p.passage_id, p.text) for p in searcher.index.passages if p.kind == "footnote"]
    assert misplaced(searcher, queries, mode, strict=True) == []


@pytest.mark.parametrize("mode", MODES)
def test_body_sentences_of_each_report_find_their_passage_first(searcher, mode):
    queries = body_sentence_queries(searcher.index.passages)
    assert len({searcher.index.passage(i).doc_id for i, _ in queries}) == 8  # 003 holds four
    assert misplaced(searcher, queries, mode) == []


# Milvus answers a query in 0.2–1.4 s here (a BM25 query makes four 1,000-candidate fetches):
# every footnote in bm25, where issue 17 found six misplaced, and those six in the other modes.
ISSUE_FOOTNOTES = ("000_9c3704398cac95ef:fn3", "000_9c3704398cac95ef:fn9",
                   "000_9c3704398cac95ef:fn17", "000_9c3704398cac95ef:fn20",
                   "002_6cf038721f193c12:fn3", "002_6cf038721f193c12:fn4")  # fmt: skip


@pytest.mark.parametrize("mode", MODES)
def test_milvus_puts_the_same_wording_first(milvus_searcher, mode):
    queries = footnote_queries(every_passage(milvus_searcher.index))
    if mode != "bm25":
        queries = [(i, q) for i, q in queries if i in ISSUE_FOOTNOTES]
        assert len(queries) == len(ISSUE_FOOTNOTES)
    assert misplaced(milvus_searcher, queries, mode) == []


def test_before_the_rule_bm25_ranked_body_passages_above_footnotes(bundled_index):
    # What issue 17 found: the candidates as the index ranks them put a body passage first for
    # some footnotes; the rule is what moves them (so the tests above can fail).
    queries = footnote_queries(bundled_index.passages)
    moved = 0
    for passage_id, query in queries:
        hits = bundled_index.search(query, 50, "bm25")
        if hits[0].passage.passage_id != passage_id and not holds(hits[0].passage.text, query):
            moved += 1
            assert wording_first(hits, query)[0].passage.passage_id == passage_id
    assert moved >= 4


def test_holders_come_first_and_keep_their_order(searcher):
    query = "đối thoại với Nhân dân"
    hits = searcher.hits(query, 50, "dense")
    flags = [holds(h.passage.text, query) for h in hits]
    assert any(flags) and not all(flags)
    assert flags == sorted(flags, reverse=True)  # every holder before every other hit
    before = searcher.index.search(query, 50, "dense")
    holders = [h.passage.passage_id for h in before if holds(h.passage.text, query)]
    assert [h.passage.passage_id for h in hits[: len(holders)]] == holders


def test_similar_numbers_its_results_in_the_new_order(searcher):
    footnote = next(p for p in searcher.index.passages if p.kind == "footnote")
    results = searcher.similar(" ".join(footnote.text.split()[:FIRST_WORDS]), k=5)
    assert [r.hit.rank for r in results] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Tỉnh ủy chỉ đạo", "Ban Thường vụ Tỉnh uỷ chỉ đạo sát sao", True),  # tone-mark style
        (unicodedata.normalize("NFD", "Tỉnh ủy chỉ đạo"), "TỈNH ỦY CHỈ ĐẠO", True),  # NFD, case
        ("tinh uy chi dao", "Tỉnh ủy chỉ đạo sát sao", True),  # typed without diacritics
        ("tỉnh ủy chi đạo", "Tỉnh ủy chỉ đạo sát sao", False),  # diacritics count when typed
        ("đối thoại\n với dân", "đối thoại  với dân", True),  # line breaks, runs of spaces
        ("đối thoại với dâ", "đối thoại với dân", False),  # whole words only
        ("16-BC/TU ngày", "Báo cáo số 16-BC/TU ngày 11/11/2020", True),
        ("2.343 cuộc", "tổ chức 12.343 cuộc", False),
        ("với dân.", "trực tiếp với dân.", True),
    ],
)
def test_wording_is_compared_after_normalisation(query, text, expected):
    assert wording_test(query)(text) is expected


def test_a_query_without_words_tests_nothing():
    assert wording_test(" ... ") is None
