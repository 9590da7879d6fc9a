"""qa.search on the real bundled index: filters, understanding, highlights, citations."""

import pytest

from baocao.corpus.vietnamese import canonical
from baocao.qa.search import (
    MAX_QUERY_CHARS,
    Citation,
    Filters,
    Searcher,
    highlights,
    shared_wording,
)

QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
KON_TUM = "000_9c3704398cac95ef"
KIEN_GIANG = "001_f0ce601e5f83c249"


@pytest.fixture(scope="module")
def searcher(either_index):
    return Searcher(either_index)


def test_results_carry_citation_and_highlights(searcher):
    results = searcher.search("Kon Tum tổ chức bao nhiêu cuộc đối thoại với Nhân dân mỗi năm", k=5)
    assert any("673" in r.passage.text for r in results)
    first = results[0]
    cited = first.citation.full()
    assert first.citation.file in cited and first.citation.file not in first.citation.text()
    assert f"dòng {first.passage.line_start}" in cited
    marked = [first.passage.text[s:e].lower() for s, e in first.highlights]
    assert "đối thoại" in marked
    assert "của" not in marked


def test_footnote_citation_names_the_footnote(searcher):
    filters = Filters(kinds=("footnote",))
    result = searcher.search("tiếp nhận hồ sơ thủ tục hành chính cấp tỉnh", k=1, filters=filters)[0]
    assert result.passage.kind == "footnote"
    assert f"chú thích {result.passage.footnote}" in result.citation.text()


def test_filters_are_hard(searcher, either_index):
    documents = either_index.documents
    by_doc = searcher.search(
        QUESTION, k=10, filters=Filters.from_dict({"doc_id": KIEN_GIANG}, documents)
    )
    assert {r.passage.doc_id for r in by_doc} == {KIEN_GIANG}
    footnotes = searcher.search(
        QUESTION, k=10, filters=Filters.from_dict({"kind": "footnote"}, documents)
    )
    assert footnotes and {r.passage.kind for r in footnotes} == {"footnote"}
    section = Filters.from_dict({"section": "ii. cong tac lanh dao"}, documents)
    in_section = searcher.search("dân vận", k=10, filters=section)
    assert in_section
    assert all(r.passage.section_path[0].startswith("II. CÔNG TÁC LÃNH ĐẠO") for r in in_section)
    years = Filters.from_dict({"year_from": 2019, "year_to": 2019}, documents)
    for r in searcher.search(QUESTION, k=10, filters=years):
        assert 2019 in (documents[r.passage.doc_id].years or ())


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"province": "Kon Tum"}, "unknown filter 'province': accepted doc_id, year"),
        ({"doc_id": "nope"}, "unknown document 'nope'"),
        ({"kind": "table"}, "accepted body, footnote, caption"),
        ({"year": "2019"}, "a year between 1900 and 2100"),
        ({"doc_id": 5}, "a string or a list of strings"),
    ],
)
def test_bad_filters_say_what_is_accepted(either_index, filters, message):
    with pytest.raises(ValueError, match=message):
        Filters.from_dict(filters, either_index.documents)


def test_a_year_in_the_question_prefers_documents_about_that_year(searcher, either_index):
    results = searcher.search("tình hình công tác dân vận năm 2019", k=5)
    years = [either_index.documents[r.passage.doc_id].years for r in results[:3]]
    assert all(2019 in y for y in years), years


def test_quoted_text_is_an_exact_phrase(searcher):
    results = searcher.search('"dân vận khéo" mô hình', k=10)
    assert results
    assert all("dân vận khéo" in r.passage.text.lower() for r in results)


def test_a_quoted_phrase_keeps_its_diacritics_unless_typed_without(searcher):
    # "dân vận" is everywhere, "dẫn vận" nowhere: diacritics count when the phrase has them
    assert searcher.search('"dẫn vận"', k=5) == []
    unaccented = searcher.search('"dan van kheo"', k=10)
    assert unaccented and all("dân vận khéo" in r.passage.text.lower() for r in unaccented)
    old_style = searcher.search('"Tỉnh uỷ"', k=3)  # old tone-mark placement, same phrase
    assert old_style and all("tỉnh ủy" in canonical(r.passage.text).lower() for r in old_style)


def test_similar_finds_near_duplicate_wording(searcher, bundled_index):
    passage = bundled_index.passages[40]  # the same in either index
    pasted = passage.text[: min(len(passage.text), 300)]
    assert searcher.similar(pasted, k=3)[0].passage == passage


def test_other_languages_and_scripts_do_not_fail(searcher):
    assert isinstance(searcher.search("What is the population of Kon Tum?", k=3), list)
    assert isinstance(searcher.search("人口是多少", k=3), list)


@pytest.mark.parametrize(
    ("query", "k", "message"),
    [
        ("   ", 10, "query: a non-empty text"),
        ("x" * (MAX_QUERY_CHARS + 1), 10, "at most 2000 characters"),
        ("dân vận", 0, "k: a whole number from 1 to 100"),
        ("dân vận", 101, "k: a whole number from 1 to 100"),
    ],
)
def test_bad_queries(searcher, query, k, message):
    with pytest.raises(ValueError, match=message):
        searcher.search(query, k=k)


def test_highlights_ignore_diacritics_and_tone_mark_style():
    text = "Tỉnh uỷ chỉ đạo cụ thể hoá nghị quyết."
    spans = highlights(text, "tinh uy cu the hoa")
    assert [text[s:e] for s, e in spans] == ["Tỉnh uỷ", "cụ thể hoá"]  # adjacent words one mark


def test_shared_wording_marks_runs_of_two_or_more_words():
    text = "Hằng năm, cấp ủy đã tổ chức 673 cuộc đối thoại với dân; dân vận khéo."
    pasted = "các cấp uỷ tổ chức đối thoại với Nhân dân"
    spans = shared_wording(text, pasted)
    assert [text[s:e] for s, e in spans] == ["cấp ủy", "tổ chức", "đối thoại với"]
    assert shared_wording(text, "dân") == ()


def test_similar_marks_the_shared_wording(searcher, bundled_index):
    passage = bundled_index.passages[40]
    pasted = passage.text[:120]
    best = searcher.similar(pasted, k=1)[0]
    (start, end), *_ = best.highlights
    assert start == 0 and end >= 100


@pytest.mark.parametrize(
    ("file", "lines", "pages", "place"),
    [
        ("r.txt", (8, 9), (None, None), "r.txt, dòng 8–9"),
        ("r.txt", (8, 8), (None, None), "r.txt, dòng 8"),
        ("r.docx", (12, 12), (None, None), "r.docx, đoạn 12"),
        ("r.pdf", (30, 33), (3, 4), "r.pdf, trang 3–4"),
        ("r.pdf", (30, 31), (3, 3), "r.pdf, trang 3"),
    ],
)
def test_a_citation_says_where_in_the_file(file, lines, pages, place):
    citation = Citation("d", "Báo cáo X", "16-BC/TU", "2020-11-11", file, ("I. KẾT QUẢ",), 6,
                        *lines, *pages, doc_kind="báo cáo")  # fmt: skip
    assert citation.text() == "Báo cáo số 16-BC/TU ngày 11/11/2020, mục I, chú thích 6"
    assert citation.source() == place
    assert citation.full() == f"{citation.text()} — {place}"


def test_the_words_of_an_index_are_read_once_per_index_not_per_question(bundled_index):
    """ask() and facts_about() search through one kept searcher per index, and a request's view
    of the index (the API's OneSearch) shares its vocabulary instead of reading every passage."""
    from baocao.qa.search import searcher_of

    kept = searcher_of(bundled_index)
    assert searcher_of(bundled_index) is kept
    view = kept.over(object())  # any view of the index
    assert view.vocabulary is kept.vocabulary
    assert view.index is not kept.index and kept.index is bundled_index
