"""What the results mark for a query: diacritics as typed, phrases whole, common words only
beside the other words of the query."""

from __future__ import annotations

import pytest

from baocao.qa.highlight import Vocabulary, highlights, quoted_phrase

TEXT = (
    "Năm 2019, cấp ủy nắm chắc tình hình dân vận, văn bản của Tổ chức; công tác dân vận khéo "
    "được tố cáo. Năm nay dân"
)


@pytest.fixture(scope="module")
def common(seed_files):
    passages = [p for parsed in seed_files.values() for p in parsed.passages]
    return Vocabulary(passages).common


def marked(query, common=frozenset(), text=TEXT):
    return [text[s:e] for s, e in highlights(text, query, common)]


def test_the_common_words_of_the_bundled_reports(common):
    assert {"năm", "dân", "các", "vận", "tổ"} <= common
    assert not {"đối", "thoại", "cuộc", "khéo"} & common
    assert "~nam" in common  # folded forms are counted apart


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("năm", ["Năm", "Năm"]),  # not "nắm"
        ("vận", ["vận", "vận"]),  # not "văn"
        ("tố", ["tố"]),  # not "Tổ"
        ("nam", ["Năm", "nắm", "Năm"]),  # typed without diacritics: every spelling
        ("van", ["vận", "văn", "vận"]),
    ],
)
def test_diacritics_as_typed(query, wanted):
    assert marked(query) == wanted


def test_a_quoted_phrase_is_one_mark_and_its_words_alone_are_not(common):
    assert marked('"dân vận khéo"', common) == ["dân vận khéo"]
    assert marked('"dân vận khéo" năm 2019', common) == ["Năm 2019", "dân vận khéo"]
    assert quoted_phrase("“dân vận khéo” 2019") == "dân vận khéo"


def test_common_words_only_beside_the_query_words(common):
    assert marked("dân vận khéo", common) == ["dân vận", "dân vận khéo"]
    assert marked("dân", common) == ["dân", "dân", "dân"]  # asked alone: that is what is wanted
    question = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    assert marked(question, common) == ["Năm 2019", "Tổ chức"]  # "Năm nay", "dân" alone: not


def test_rows_count_passages_with_a_word_of_the_query(seed_files):
    passages = [p for parsed in seed_files.values() for p in parsed.passages]
    vocabulary = Vocabulary(passages)
    rows = vocabulary.rows("khéo")
    assert rows == {i for i, p in enumerate(passages) if "khéo" in p.text.lower()}
    assert vocabulary.rows("của và các") == set()  # function words count for nothing
