"""Keyword side as a user sees it: accents, numbers, document numbers, field weights."""

from collections import Counter

import numpy as np
import pytest

from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.corpus.vietnamese import fold_diacritics
from baocao.eval.goldset import load_gold
from baocao.index.analyzer import analyze
from baocao.index.keyword import (
    KeywordIndex,
    KeywordSettings,
    field_terms,
    top_positive,
    top_rows,
)

TEXTS = [
    "Sửa chữa đường giao thông nông thôn ở các xã",
    "Trồng cây dương liễu ven biển",
    "Năm 2019 tổ chức 2.343 cuộc đối thoại với Nhân dân",
    "Thực hiện Báo cáo số 16-BC/TU của Tỉnh uỷ về cụ thể hoá nghị quyết",
    "Chi 9.690,46 triệu đồng cho y tế xã",
]


@pytest.fixture(scope="module")
def index():
    return KeywordIndex.build(TEXTS)


def best(index, query, k=5):
    return index.search(query, k)[0]


def test_accented_query_prefers_the_exact_word(index):
    scores = index.scores("đường")
    assert best(index, "đường")[0] == 0
    assert scores[0] > scores[1] > 0  # "dương" still found, through the folded field, lower


def test_query_without_diacritics_finds_both_spellings_equally(index):
    scores = index.scores("duong")
    assert scores[0] > 0
    assert scores[1] > 0
    assert best(index, "doi thoai voi nhan dan")[0] == 2


@pytest.mark.parametrize("typed", ["2343 cuộc", "2.343 cuộc", "2,343 cuộc"])
def test_numbers_as_users_type_them(index, typed):
    assert best(index, typed)[0] == 2


def test_decimal_number_is_one_term(index):
    assert best(index, "9.690,46")[0] == 4
    assert best(index, "690") == []  # not split into pieces


@pytest.mark.parametrize("typed", ["16-BC/TU", "16 - BC/TU", "16-bc/tu", "16-BC / TU"])
def test_document_numbers_however_spaced(index, typed):
    assert best(index, typed) == [3]


def test_new_tone_marks_in_the_query_find_old_ones_in_the_text(index):
    assert best(index, "Tỉnh ủy cụ thể hóa")[0] == 3


def test_one_letter_syllable_is_searchable(index):
    assert best(index, "y tế")[0] == 4


def test_score_is_the_weighted_sum_of_fields(index):
    query = "đối thoại với nhân dân"
    terms = field_terms(analyze(query))
    f = {name: index.fields[name].scores(terms[name]) for name in index.fields}
    wb, wf = 0.2, 0.2
    expected = f["words"] + wb * f["bigrams"] + wf * (f["words_folded"] + wb * f["bigrams_folded"])
    np.testing.assert_allclose(index.scores(query), expected)
    unaccented = "doi thoai voi nhan dan"
    terms = field_terms(analyze(unaccented))
    expected = index.fields["words_folded"].scores(terms["words_folded"]) + wb * index.fields[
        "bigrams_folded"
    ].scores(terms["bigrams_folded"])
    np.testing.assert_allclose(index.scores(unaccented), expected)


def test_save_and_load_round_trip(tmp_path, index):
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path, KeywordSettings())
    for query in ["đường", "doi thoai", "16-BC/TU"]:
        np.testing.assert_array_equal(loaded.scores(query), index.scores(query))


def test_top_rows_orders_by_score_then_row():
    scores = np.array([0.0, 2.0, 1.0, 2.0, -1.0])
    assert top_rows(scores, np.arange(5), 10) == [1, 3, 2, 0, 4]
    assert top_rows(scores, np.array([0, 2, 3]), 2) == [3, 2]


def test_top_k_is_a_prefix_of_top_k_plus_more_even_with_ties():
    rng = np.random.default_rng(0)
    for _ in range(200):
        scores = rng.integers(0, 4, size=30).astype(float)
        rows = np.flatnonzero(rng.random(30) < 0.7)
        reference = sorted(rows.tolist(), key=lambda r: (-scores[r], r))
        for k in (1, 3, 5, 10):
            assert top_rows(scores, rows, k) == reference[:k]


def test_tiny_corpus_still_finds_passages_holding_the_terms():
    # Two passages: BM25Okapi's idf is 0 for a term in one of them, so scores are all zero.
    index = KeywordIndex.build(["673 cuộc đối thoại", "giá lúa tăng"])
    assert index.scores("673 cuộc đối thoại").tolist() == [0.0, 0.0]
    assert index.search("673 cuộc đối thoại", 5)[0] == [0]


def exhaustive_top(index, query, k, among=None):
    """The reference: each field's columns multiplied out (scipy), weighted and summed; the
    rows holding any query term, sorted by score then row."""
    terms = field_terms(analyze(query))
    scores, holding = np.zeros(index.size), set()
    for name, weight in index.field_weights(query).items():
        field = index.fields[name]
        counts = Counter(t for t in terms[name] if t in field.vocabulary)
        columns = field.weights[:, [field.vocabulary[t] for t in counts]]
        scores += weight * (columns @ np.array(list(counts.values()), dtype=np.float64))
        holding |= set(columns.indices.tolist())
    if among is not None:
        holding &= set(among.tolist())
    return sorted(holding, key=lambda row: (-scores[row], row))[:k], scores


@pytest.fixture(scope="module")
def bundled():
    passages = load_reports([sample_corpus_dir()]).passages
    return KeywordIndex.build(p.text for p in passages), passages


def test_search_equals_the_exhaustive_scorer_on_real_and_random_queries(bundled):
    index, passages = bundled
    rng = np.random.default_rng(7)
    words = [w for p in passages[::7] for w in p.text.split()]
    queries = [q.question for q in load_gold()[::3]]
    queries += [" ".join(rng.choice(words, rng.integers(1, 25))) for _ in range(60)]
    queries += [fold_diacritics(q) for q in queries[::4]]  # typed without diacritics
    assert all(field.positive for field in index.fields.values())
    for query in queries:
        for k in (1, 10, 50):
            among = np.flatnonzero(rng.random(index.size) < 0.3) if k == 50 else None
            rows, scores = index.search(query, k, among)
            expected_rows, expected_scores = exhaustive_top(index, query, k, among)
            assert rows == expected_rows, query
            np.testing.assert_array_equal(scores, expected_scores)


def test_top_positive_equals_top_rows_over_the_rows_above_zero():
    rng = np.random.default_rng(0)
    for size in (5, 700, 5_000):
        for _ in range(30):
            scores = rng.integers(0, 6, size=size).astype(float) * rng.random() * 3
            for k in (1, 3, 10, 50):
                assert top_positive(scores, k) == top_rows(scores, np.flatnonzero(scores > 0), k)
