"""Reading the scope a question asks about, and fitting facts' scopes to it (pure logic)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from baocao.corpus.facts import Coverage, Scope
from baocao.qa.scope import (
    asked_words,
    coverage_note,
    level_fit,
    place_fit,
    read_scope,
    scope_fit,
    time_fit,
    uncovered,
)


def scope(years=(), time="inherited", province="Kon Tum", level="", place="") -> Scope:
    return Scope(tuple(years), time, "", time == "inherited", place or province, province, level)


@pytest.mark.parametrize(
    ("question", "years", "yearly", "provinces", "level"),
    [
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?", {2019}, False, set(), ""),
        ("nam 2019 to chuc bao nhieu cuoc doi thoai", {2019}, False, set(), ""),
        ("Hằng năm Kon Tum tổ chức bao nhiêu cuộc?", set(), True, {"Kon Tum"}, ""),
        ("mỗi năm gia lai tổ chức mấy cuộc", set(), True, {"Gia Lai"}, ""),
        ("Giai đoạn 2015-2020 cấp xã tiếp bao nhiêu lượt?", set(range(2015, 2021)), False,
         set(), "xã"),
        ("Cấp huyện ở Kiên Giang đối thoại bao nhiêu cuộc?", set(), False, {"Kiên Giang"},
         "huyện"),
        ("16-BC/TU nói gì về 2.343 cuộc?", set(), False, set(), ""),
    ],
)  # fmt: skip
def test_read_scope(question, years, yearly, provinces, level):
    asked = read_scope(question)
    assert set(asked.years) == years
    assert asked.yearly is yearly
    assert set(asked.provinces) == provinces
    assert asked.level == level


def test_a_period_is_read_as_a_period():
    asked = read_scope("từ 2016 đến 2019 có bao nhiêu cuộc")
    assert asked.period and set(asked.years) == {2016, 2017, 2018, 2019}


def test_a_year_asked_fits_only_a_figure_for_that_year():
    asked = read_scope("Năm 2019 có bao nhiêu cuộc?")
    assert time_fit(asked, scope([2019], "year")) == 1.0
    assert time_fit(asked, scope([2019])) == 1.0  # a 2019 report's own figure
    assert 0 < time_fit(asked, scope(range(2015, 2021), "yearly")) < 1.0  # an average
    assert 0 < time_fit(asked, scope(range(2014, 2021), "since")) < 1.0  # a running total
    assert 0 < time_fit(asked, scope(range(2015, 2021))) < 1.0  # a term's figure
    assert time_fit(asked, scope([2018], "year")) == 0.0
    assert time_fit(asked, scope([2025], "target")) == 0.0


def test_a_target_fits_only_when_a_target_is_asked():
    target = scope([2025], "target")
    assert time_fit(read_scope("Mục tiêu đến năm 2025 đạt bao nhiêu ha?"), target) == 1.0
    assert time_fit(read_scope("Năm 2025 đạt bao nhiêu ha?"), target) == 0.0
    assert time_fit(read_scope("Diện tích bao nhiêu ha?"), target) < 1.0


def test_yearly_asks_for_the_yearly_figure():
    asked = read_scope("Hằng năm tổ chức bao nhiêu cuộc?")
    assert time_fit(asked, scope(range(2015, 2021), "yearly")) == 1.0
    assert time_fit(asked, scope(range(2014, 2021), "since")) < 1.0


def test_place_and_level():
    asked = read_scope("Cấp xã ở Kiên Giang đối thoại bao nhiêu cuộc?")
    assert place_fit(asked, scope(province="Kiên Giang")) == 1.0
    assert place_fit(asked, scope(province="Kon Tum")) == 0.0
    assert level_fit(asked, scope(level="xã")) == 1.0
    assert level_fit(asked, scope(level="huyện")) == 0.0
    assert level_fit(asked, scope()) == 0.5
    assert scope_fit(asked, scope(province="Kiên Giang", level="huyện")) == 0.0


def test_nothing_asked_fits_everything_but_targets():
    asked = read_scope("Tổ chức bao nhiêu cuộc đối thoại?")
    assert scope_fit(asked, scope([2019], "year", level="xã")) == 1.0
    assert scope_fit(asked, scope([2025], "target")) < 1.0


COVERED = [
    Coverage("a", "Kon Tum", tuple(range(2015, 2021)), "nhiệm kỳ 2015-2020"),
    Coverage("b", "Kiên Giang", (2019,), "năm 2019"),
    Coverage("c", "Kon Tum", (), ""),
]


def test_what_no_report_covers():
    assert uncovered(read_scope("Năm 2024 có bao nhiêu cuộc?"), COVERED, ()) == ["năm 2024"]
    assert uncovered(read_scope("Năm 2022 có bao nhiêu hộ?"), COVERED, {2022}) == []
    assert uncovered(read_scope("Gia Lai có bao nhiêu cuộc?"), COVERED, ()) == ["tỉnh Gia Lai"]
    # a province named beside one the reports cover ("tách ra từ Gia Lai - Kon Tum")
    assert uncovered(read_scope("Kon Tum tách ra từ Gia Lai - Kon Tum khi nào?"), COVERED, ()) == []
    assert uncovered(read_scope("Năm 2019 có bao nhiêu cuộc?"), COVERED, ()) == []


def test_the_coverage_note_says_what_the_reports_cover():
    note = coverage_note(COVERED, ["năm 2024"])
    assert note == (
        "Các báo cáo có số liệu giai đoạn 2015–2020 (Kon Tum), năm 2019 (Kiên Giang); "
        "không có số liệu năm 2024."
    )


def test_since_a_year_asks_a_count_since_then_not_that_years():
    asked = read_scope("Từ năm 2014 đến nay Kon Tum tổ chức bao nhiêu buổi tiếp dân?")
    assert asked.since and set(asked.years) == {2014}
    assert time_fit(asked, scope(range(2014, 2021), "since")) == 1.0
    assert time_fit(asked, scope([2014], "year")) < 1.0
    assert uncovered(asked, [Coverage("a", "Kon Tum", (2019,), "năm 2019")], []) == []


def test_a_per_capita_average_is_not_a_yearly_question():
    assert not read_scope("GRDP bình quân đầu người Kon Tum là bao nhiêu?").yearly
    assert read_scope("Bình quân mỗi năm Kon Tum tổ chức bao nhiêu cuộc?").yearly


@pytest.mark.parametrize(
    ("question", "known", "places"),
    [
        ("Huyện Sa Thầy có bao nhiêu người có uy tín?", (), ("huyện Sa Thầy",)),
        ("huyen dak ha co bao nhieu cuoc doi thoai", ("huyện Đăk Hà", "xã Ia Chim"),
         ("huyện Đăk Hà",)),
        ("xa hoi hoa bao nhieu", ("xã Hòa Bình",), ()),  # "xã hội hóa" is no commune
        # a district typed bare without diacritics; not a commune, nor a province's name
        ("nam 2024 nguoi dan huong khe hien bao nhieu ha dat",
         ("huyện Hương Khê", "xã Hương Trạch"), ("huyện Hương Khê",)),
        ("binh giang co bao nhieu ho", ("xã Bình Giang",), ()),
        ("kon tum co bao nhieu huyen", ("thành phố Kon Tum", "huyện Kon Tum"), ()),
    ],
)  # fmt: skip
def test_places_with_capitals_and_without_diacritics(question, known, places):
    assert read_scope(question, known).places == places


@pytest.mark.parametrize(
    ("question", "provinces"),
    [
        ("Kiên Giang học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh thế nào?",
         {"Kiên Giang"}),  # the man, not the city
        ("Năm 2019 TP. Hồ Chí Minh tổ chức bao nhiêu cuộc?", {"Thành phố Hồ Chí Minh"}),
        ("tp hcm nam 2019 to chuc bao nhieu cuoc", {"Thành phố Hồ Chí Minh"}),
    ],
)  # fmt: skip
def test_a_city_is_asked_by_its_title_not_by_a_name_it_shares(question, provinces):
    assert read_scope(question).provinces == provinces


def test_a_place_asked_with_its_level_fits_a_district_report_by_name():
    asked = read_scope("Năm 2023 huyện Hướng Hóa có bao nhiêu người có uy tín?")
    district = scope(years=(2023,), province="Quảng Trị", place="huyện Hướng Hóa, Quảng Trị")
    written = scope(years=(2023,), province="Hướng Hóa", place="Hướng Hóa")  # level not written
    assert place_fit(asked, district) == 1.0 and place_fit(asked, written) == 1.0
    # "thành phố Kon Tum" is not any fact of the province of that name
    city = read_scope("Năm 2020 thành phố Kon Tum tinh giản bao nhiêu trường hợp?")
    assert place_fit(city, scope(years=(2020,))) < 1.0


def test_a_place_is_the_same_place_whatever_its_tone_marks_placement():
    # "huyện Minh Hóa" asked, a report written "Minh Hoá"; a commune's minutes by its district
    asked = read_scope("Năm 2024 toàn huyện Minh Hóa tiếp bao nhiêu lượt công dân?")
    assert place_fit(asked, scope(years=(2024,), place="huyện Minh Hoá, Quảng Bình")) == 1.0
    commune = "xã Mường Giôn, huyện Quỳnh Nhai, Sơn La"
    for question in ("Xã Mường Giôn có bao nhiêu hộ?", "Huyện Quỳnh Nhai có bao nhiêu hộ?"):
        assert place_fit(read_scope(question), scope(place=commune)) == 1.0
    assert place_fit(read_scope("Xã Chiềng Ơn có bao nhiêu hộ?"), scope(place=commune)) < 1.0


def test_the_provinces_total_is_not_what_its_province_level_did():
    # "toàn tỉnh có 1.284 mô hình" (every level) against "được cấp tỉnh công nhận" (96)
    asked = read_scope("Có bao nhiêu mô hình được cấp tỉnh công nhận năm 2022?")
    assert level_fit(asked, scope(level="tỉnh")) == 1.0
    assert level_fit(asked, scope(level="toàn tỉnh")) == 0.5
    assert level_fit(read_scope("Năm 2022 có bao nhiêu mô hình?"), scope(level="toàn tỉnh")) == 1


def test_the_communes_peoples_committees_are_the_commune_level():
    assert read_scope("UBND các xã, thị trấn tổ chức bao nhiêu cuộc đối thoại?").level == "xã"
    assert read_scope("ubnd cac xa to chuc bao nhieu cuoc doi thoai").level == "xã"
    assert read_scope("Các xã tổ chức bao nhiêu cuộc đối thoại?").level == ""  # no body named


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("Năm 2024 ở Trần Đề có bao nhiêu cuộc đối thoại?", ("huyện Trần Đề",)),
        ("nam 2024 tran de co bao nhieu cuoc doi thoai", ("huyện Trần Đề",)),
        ("Năm 2024 cả tỉnh có bao nhiêu cuộc đối thoại?", ()),
        ("Xã An Hiệp có mấy thôn?", ("xã An Hiệp",)),  # written with its level: as before
        ("Năm 2024 có bao nhiêu hộ nghèo trần đề xuất?", ()),  # not capitalised: not a name
    ],
)  # fmt: skip
def test_a_place_a_report_is_about_is_read_by_its_bare_name(question, places):
    covered = ("huyện Trần Đề", "thị xã Vĩnh Châu", "")
    assert read_scope(question, (), covered).places == places


@pytest.mark.parametrize(
    ("question", "known", "words"),
    [
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?", (), "năm 2019"),
        ("Hằng năm Kon Tum tổ chức bao nhiêu cuộc?", (), "hằng năm, tỉnh Kon Tum"),
        ("Giai đoạn 2015-2020 cấp xã tiếp bao nhiêu lượt?", (), "giai đoạn 2015–2020, cấp xã"),
        ("Từ năm 2014 đến nay tổ chức bao nhiêu cuộc?", (), "từ năm 2014 đến nay"),
        ("huyen dak ha co bao nhieu cuoc doi thoai", ("huyện Đăk Hà",), "huyện Đăk Hà"),
        ("Có bao nhiêu cuộc đối thoại?", (), ""),
    ],
)  # fmt: skip
def test_the_scope_asked_in_words(question, known, words):
    assert asked_words(read_scope(question, known)) == words


@pytest.mark.parametrize(
    ("question", "territory"),
    [
        ("Năm 2024 tỉnh Hà Tĩnh xây dựng được bao nhiêu mô hình?", True),
        ("Kon Tum có mấy huyện đạt chuẩn?", True),
        ("Năm 2019, Bí thư Tỉnh ủy Kiên Giang tiếp dân đột xuất mấy cuộc?", False),  # a body
        ("bi thu tinh uy kien giang tiep dan may cuoc", False),
        ("UBND tỉnh Kon Tum ban hành mấy kế hoạch?", False),
    ],
)  # fmt: skip
def test_a_province_named_as_a_territory_not_in_a_bodys_title(question, territory):
    assert read_scope(question).territory is territory


def test_a_province_asked_is_not_answered_by_a_district_of_it():
    asked = read_scope("Năm 2024 tỉnh Hà Tĩnh xây dựng được bao nhiêu mô hình?")
    district = scope(years=(2024,), time="year", province="Hà Tĩnh", place="huyện Kỳ Anh, Hà Tĩnh")
    province = scope(years=(2024,), time="year", province="Hà Tĩnh")
    bordering = scope(years=(2024,), time="year", province="Hà Tĩnh", place="tỉnh Bolikhamxay")
    assert place_fit(asked, province) == 1.0 and place_fit(asked, bordering) == 1.0
    assert place_fit(asked, district) < 1.0
    by_body = read_scope("Năm 2024 Tỉnh ủy Hà Tĩnh xây dựng được bao nhiêu mô hình?")
    assert place_fit(by_body, district) == 1.0  # the body's own work, wherever it was done


def test_a_part_of_the_year_asked_is_not_the_years_total_and_the_other_way_round():
    nine_months = read_scope("9 tháng đầu năm 2024 toàn tỉnh tiếp bao nhiêu lượt công dân?")
    year = read_scope("Năm 2024 toàn tỉnh tiếp bao nhiêu lượt công dân?")
    assert nine_months.part == "9 tháng" and year.part == ""
    total = scope(years=(2024,), time="year")
    part = replace(scope(years=(2024,), time="part"), period="9 tháng đầu năm 2024")
    half = replace(scope(years=(2024,), time="part"), period="6 tháng đầu năm 2024")
    assert time_fit(nine_months, part) == 1.0
    assert time_fit(nine_months, total) < 1.0 and time_fit(year, part) < 1.0
    assert time_fit(nine_months, half) == 0.0
    assert time_fit(read_scope("9 thang nam 2024 tiep bao nhieu luot"), part) == 1.0


def test_a_village_asked_is_read_as_its_place():
    assert read_scope("Năm 2024 bản Nả Háng Tủa có bao nhiêu hộ vay vốn?").places == (
        "bản Nả Háng Tủa",
    )
    assert read_scope("Ấp Ô Tà Sóc hiến bao nhiêu m2 đất?").places == ("ấp Ô Tà Sóc",)
    assert read_scope("Văn bản Hướng dẫn số mấy?").places == ()
