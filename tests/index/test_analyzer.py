import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baocao.index.analyzer import (
    acronym_words,
    analyze,
    canonical_doc_id,
    canonical_number,
    fold,
    is_unaccented,
)


def terms(text: str) -> list[str]:
    return analyze(text, expand=False).words


def test_syllables_lowercased_and_bigrams_of_adjacent_syllables():
    analysed = analyze("Đối thoại với Nhân dân")
    assert analysed.words == ["đối", "thoại", "với", "nhân", "dân"]
    assert analysed.bigrams == ["đối_thoại", "thoại_với", "với_nhân", "nhân_dân"]


def test_bigrams_do_not_cross_punctuation_or_numbers():
    assert analyze("dân, vận 2019 năm học").bigrams == ["năm_học"]


def test_one_letter_syllables_are_kept():
    analysed = analyze("đối thoại ở cơ sở, y tế xã")
    assert "ở" in analysed.words
    assert "y" in analysed.words
    assert "y_tế" in analysed.bigrams


def test_nfd_input_gives_the_same_terms_as_nfc():
    text = "Tỉnh ủy chỉ đạo tổ chức đối thoại ở cơ sở"
    assert terms(unicodedata.normalize("NFD", text)) == terms(text)


@pytest.mark.parametrize(
    ("old", "new"), [("Tỉnh uỷ", "Tỉnh ủy"), ("cụ thể hoá", "cụ thể hóa"), ("hoà giải", "hòa giải")]
)
def test_old_and_new_tone_mark_placement_give_the_same_terms(old, new):
    assert terms(old) == terms(new)


def test_folded_field_drops_diacritics_and_maps_d_bar():
    analysed = analyze("Đối thoại đường")
    assert fold(analysed.words) == ["doi", "thoai", "duong"]
    assert fold(analysed.bigrams) == ["doi_thoai", "thoai_duong"]


@pytest.mark.parametrize("typed", ["2.343", "2343", "2,343"])
def test_thousands_typed_three_ways_are_one_term(typed):
    assert terms(f"có {typed} người") == ["có", "2343", "người"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9.690,46", "9690,46"),  # Vietnamese: dot groups thousands, comma marks decimals
        ("9,690.46", "9690,46"),  # the same number typed the English way
        ("77,98", "77,98"),
        ("2.5", "2,5"),
        ("1.234.567", "1234567"),
        ("02", "2"),
        ("0", "0"),
        ("0,5", "0,5"),
        ("0,125", "0,125"),  # a leading 0 never starts a thousands group
        ("0.125", "0,125"),
        ("2.2.1", "2.2.1"),  # a section number stays as written
        ("10.000", "10000"),
        ("100", "100"),
    ],
)
def test_canonical_number(raw, expected):
    assert canonical_number(raw) == expected


def test_decimal_number_and_percent_stay_one_term():
    assert terms("tổng 9.690,46 triệu đồng, đạt 77,98%") == [
        "tổng", "9690,46", "triệu", "đồng", "đạt", "77,98",
    ]  # fmt: skip


@given(st.integers(min_value=1000, max_value=10**12))
def test_any_grouped_integer_matches_its_plain_digits(n):
    dotted = f"{n:,}".replace(",", ".")
    commas = f"{n:,}"
    assert canonical_number(dotted) == canonical_number(commas) == str(n)


@pytest.mark.parametrize(
    "typed",
    ["16-BC/TU", "16 - BC/TU", "16-BC / TU", "16 -BC/ TU", "16-bc/tu", "16 - bc / tu", "016-BC/TU"],
)
def test_document_number_is_one_term_however_spaced(typed):
    assert terms(f"số {typed} của")[:3] == ["số", "16-bc/tu", "của"]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Nghị định 15/2020/NĐ-CP", "15/2020/nđ-cp"),
        ("Kế hoạch 98-KH/TU", "98-kh/tu"),
        ("Quyết định 1234/QĐ-TTg", "1234/qđ-ttg"),
        ("Chỉ thị 49-CT/TW", "49-ct/tw"),
        ("Quyết định số 123/QĐ-UBND", "123/qđ-ubnd"),
        ("Luật số 37/2012/QH13", "37/2012/qh13"),
        ("Pháp lệnh 34/2007/PL-UBTVQH11", "34/2007/pl-ubtvqh11"),
        ("Báo cáo 16-BC/TƯ", "16-bc/tư"),
        ("Công văn 123/BC-SNN&PTNT", "123/bc-snn&ptnt"),
        ("Kế hoạch số 98-KH của", "98-kh"),
    ],
)
def test_legal_document_ids(text, term):
    found = terms(text)
    assert term in found
    assert re.split("[-/]", term)[0] not in found  # not split into pieces


def test_folded_document_id_matches_without_d_bar():
    assert "15/2020/nd-cp" in fold(terms("15/2020/NĐ-CP"))


def test_year_ranges_dates_and_ordinary_dashes_are_not_document_ids():
    assert terms("giai đoạn 2016-2020") == ["giai", "đoạn", "2016", "2020"]
    assert terms("ngày 02/3/2021") == ["ngày", "2", "3", "2021"]
    assert terms("năm 2019 - Nhân dân") == ["năm", "2019", "nhân", "dân"]
    assert terms("Mục 3 - Y tế") == ["mục", "3", "y", "tế"]
    assert terms("năm 2020 - HĐND tỉnh") == ["năm", "2020", "hđnd", "tỉnh"]


def test_an_acronym_is_followed_by_the_words_it_stands_for():
    expanded = analyze("năm 2015: HTXSNV 11,66%, UBND tỉnh")
    assert expanded.words == ["năm", "2015", "htxsnv", "hoàn", "thành", "xuất", "sắc", "nhiệm",
                              "vụ", "11,66", "ubnd", "ủy", "ban", "nhân", "dân", "tỉnh"]  # fmt: skip
    assert {"xuất_sắc", "nhiệm_vụ", "ủy_ban", "dân_tỉnh"} <= set(expanded.bigrams)
    assert "vụ_11,66" not in expanded.bigrams  # no bigram across a number


def test_only_acronyms_written_in_capitals_are_spelled_out():
    assert analyze("Tỉnh đoàn, tsvm, Bhyt").words == ["tỉnh", "đoàn", "tsvm", "bhyt"]
    assert analyze("TSVM", expand=False).words == ["tsvm"]
    assert acronym_words("tsvm") == ("trong", "sạch", "vững", "mạnh")
    assert acronym_words("tỉnh") == ()


def test_a_question_spelling_out_an_acronym_finds_the_table_that_writes_it():
    table = set(analyze("năm 2016: HTXSNV 11,08%, HTTNV 76,75%").words)
    asked = set(analyze("tỷ lệ đảng viên hoàn thành tốt nhiệm vụ năm 2016").words)
    assert {"hoàn", "thành", "tốt", "nhiệm", "vụ", "2016"} <= table & asked


def test_canonical_doc_id_removes_spaces_and_leading_zeros():
    assert canonical_doc_id("01 - CT / TW") == "1-ct/tw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nam 2019 to chuc bao nhieu cuoc doi thoai", True),
        ("Năm 2019 tổ chức", False),
        ("dan van do", True),
        ("đan", False),
        ("2019", False),
        ("", False),
    ],
)
def test_is_unaccented(text, expected):
    assert is_unaccented(text) is expected
