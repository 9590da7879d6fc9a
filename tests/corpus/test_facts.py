"""Facts on real sentences of every bundled report: values whole, units and things, and the
time, place and level each is about."""

from __future__ import annotations

import pytest

from baocao.corpus.facts import (
    DOC_NUMBER_RE,
    FACTS_VERSION,
    PLACE_RE,
    REFERENCE_RE,
    Coverage,
    Fact,
    FactBook,
    describe,
    document_coverage,
    extract_facts,
    facts_of,
    spelled_levels,
)
from baocao.corpus.loader import load_reports
from baocao.corpus.model import Document, Passage


@pytest.fixture(scope="module")
def seed_facts(seed_files) -> dict[str, list[Fact]]:
    """{"000": [facts of the file's documents], ...}"""
    found = {}
    for short, parsed in seed_files.items():
        found[short] = [
            fact for d in parsed.documents for fact in extract_facts(d.document, d.passages)
        ]
    return found


def fact(facts: list[Fact], value: str, *, passage_end: str = "") -> Fact:
    """The one fact written ``value`` (in a passage whose id ends with ``passage_end``)."""
    matches = [f for f in facts if f.value == value and f.passage_id.endswith(passage_end)]
    assert len(matches) == 1, [(f.value, f.passage_id) for f in matches]
    return matches[0]


def text_facts(text: str, period: str = "", place: str | None = None) -> list[Fact]:
    """The facts of one passage holding ``text``, in a report "Báo cáo <period>"."""
    document = Document("d", f"Báo cáo {period}".strip(), "d.txt", "0" * 64, "báo cáo", place=place)
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    return extract_facts(document, [passage])


def coverages(seed_files) -> dict[str, Coverage]:
    return {
        d.document.doc_id: document_coverage(d.document, d.passages)
        for parsed in seed_files.values()
        for d in parsed.documents
    }


# -- what each report covers ------------------------------------------------------------------


def test_a_report_covers_the_period_its_title_names(seed_files):
    found = coverages(seed_files)
    assert found["000_9c3704398cac95ef"].years == tuple(range(2015, 2021))  # nhiệm kỳ 2015-2020
    assert found["001_f0ce601e5f83c249"].years == (2019,)  # "năm 2019 và chương trình … 2020"
    assert found["001_f0ce601e5f83c249"].province == "Kiên Giang"


def test_a_report_without_title_years_covers_the_period_its_text_reports_on(seed_files):
    found = coverages(seed_files)
    # 003's chuyên đề review 2015-2020 and plan 2020-2025: the plan is not covered
    assert found["003_29c47c2db6e3739b~1"].years == tuple(range(2015, 2021))
    assert 2024 not in found["003_29c47c2db6e3739b~2"].years


def test_an_undated_article_covers_no_inherited_years(seed_files):
    assert coverages(seed_files)["004_68f44c56ba93236f"].years == ()


# -- values -----------------------------------------------------------------------------------


def test_two_counts_of_one_event_stay_one_value(seed_facts):
    visits = fact(seed_facts["000"], "907 lượt/948 người")
    assert visits.numbers == ("907", "948") and visits.unit == "lượt"
    assert fact(seed_facts["003"], "53 người/37 hộ").numbers == ("53", "37")


def test_a_range_stays_one_value(seed_facts):
    assert fact(seed_facts["003"], "từ 15 đến 18 tiêu chí").numbers == ("15", "18")


def test_numbers_are_canonical_and_years_are_no_count(seed_facts):
    article = seed_facts["004"]
    assert fact(article, "2.343 cuộc").numbers == ("2343",)
    assert not [f for f in article if f.kind == "quantity" and f.value in ("2014", "năm 2014")]


def test_a_percentage_has_the_percent_unit(seed_facts):
    assert fact(seed_facts["000"], "98,5%").unit == "%"


def test_a_cited_document_is_a_fact_with_its_date(seed_facts):
    plan = fact(seed_facts["002"], "Kế hoạch số 1138/KH-UBND ngày 14/5/2019")
    assert plan.kind == "reference"
    date = fact(seed_facts["002"], "ngày 14/5/2019")
    assert date.kind == "date" and date.numbers == ("14", "5", "2019")


# -- scope ------------------------------------------------------------------------------------


def test_hang_nam_is_yearly_over_the_report_period(seed_facts):
    dialogues = fact(seed_facts["000"], "673 cuộc")
    assert dialogues.scope.time == "yearly"
    assert dialogues.scope.years == tuple(range(2015, 2021))
    assert dialogues.thing.startswith("cuộc đối thoại")
    assert describe(dialogues.scope) == "hằng năm, giai đoạn 2015–2020, tỉnh Kon Tum"


def test_levels_apply_until_the_next_level_and_the_year_is_inherited(seed_facts):
    kien_giang = seed_facts["001"]
    district, commune = fact(kien_giang, "13 cuộc"), fact(kien_giang, "151 cuộc")
    assert (district.scope.level, commune.scope.level) == ("huyện", "xã")
    assert district.label == commune.label == "đối thoại"
    for found in (district, commune):
        assert found.scope.years == (2019,) and found.scope.inherited
        assert found.scope.province == "Kiên Giang"


def test_tu_nam_den_nay_is_a_count_since_that_year(seed_facts):
    since = fact(seed_facts["004"], "2.343 cuộc")
    assert since.scope.time == "since" and since.scope.years[0] == 2014
    assert not since.scope.inherited


def test_a_year_in_the_clause_scopes_each_figure(seed_facts):
    years = {
        f.value: f.scope.years
        for f in seed_facts["003"]
        if f.value in ("715/772", "679/739", "723/783")
    }
    assert years == {"715/772": (2015,), "679/739": (2016,), "723/783": (2019,)}


def test_a_target_for_a_later_year_is_marked_as_target(seed_facts):
    targets = [f for f in seed_facts["003"] if f.value == "khoảng 34.100 ha"]
    assert targets and all(f.scope.time == "target" for f in targets)
    assert all(f.scope.years[-1] == 2025 for f in targets)


def test_a_year_reached_within_the_report_period_is_no_target(seed_facts):
    exports = fact(seed_facts["003"], "150 triệu USD")
    assert exports.scope.time == "year" and exports.scope.years == (2020,)


def test_trong_do_marks_a_part_of_a_count(seed_facts):
    assert fact(seed_facts["004"], "587 mô hình").part


def test_a_place_named_in_the_clause_narrows_the_province(seed_facts):
    found = fact(seed_facts["001"], "325 lượt người")
    assert found.scope.province == "Kiên Giang"
    assert "huyện Hòn Đất" in found.scope.place or "xã Bình Giang" in found.scope.place


def test_the_places_a_count_of_places_lists_are_not_its_scope(seed_facts):
    # "Diễn tập khu vực phòng thủ 08 huyện, thành phố đạt kết quả Tốt (Thành phố Kon Tum, các
    # huyện Ngọc Hồi, …)": the province's districts, not Ngọc Hồi's figure
    found = next(f for f in seed_facts["003"] if f.value == "08" and f.scope.level == "huyện")
    assert found.label.endswith("khu vực phòng thủ")
    assert found.scope.place == "Kon Tum"


PLAN_2025 = (
    "KẾ HOẠCH\nCông tác dân vận năm 2025\n\nI. KẾT QUẢ CÔNG TÁC DÂN VẬN NĂM 2024\n\n"
    "Toàn tỉnh xây dựng 1.126 mô hình Dân vận khéo, vượt chỉ tiêu.\n\n"
    "II. CHỈ TIÊU NĂM 2025\n\nXây dựng mới ít nhất 1.150 mô hình Dân vận khéo.\n"
)


def test_a_plans_sections_give_their_own_year_and_its_targets(tmp_path):
    # a 2025 plan restates 2024's results under a heading naming 2024, and sets 2025's targets
    path = tmp_path / "kh.txt"
    path.write_text(PLAN_2025, encoding="utf-8")
    parsed = load_reports([path]).files[0]
    facts, _ = facts_of([d.document for d in parsed.documents], parsed.passages)
    done, planned = fact(facts, "1.126 mô hình"), fact(facts, "ít nhất 1.150 mô hình")
    assert (done.scope.years, done.scope.time) == ((2024,), "inherited")
    assert (planned.scope.years, planned.scope.time) == ((2025,), "target")


# -- storage ----------------------------------------------------------------------------------


def test_a_fact_book_round_trips_through_its_records(seed_files):
    parsed = seed_files["001"]
    facts, covered = facts_of([d.document for d in parsed.documents], parsed.passages)
    book = FactBook.of(facts, covered)
    again = FactBook.from_records(book.to_records())
    assert again == book
    assert 2019 in book.coverages[0].years


def test_facts_stored_by_another_extractor_version_are_not_read(seed_files):
    parsed = seed_files["001"]
    book = FactBook.of(*facts_of([d.document for d in parsed.documents], parsed.passages))
    records = book.to_records()
    assert records[0] == {"version": FACTS_VERSION}
    assert FactBook.from_records([{"version": FACTS_VERSION - 1}, *records[1:]]) is None
    assert FactBook.from_records(records[1:]) is None  # written before versions were stored


def test_a_reference_keeps_a_date_written_in_words():
    match = REFERENCE_RE.search(
        "Kế hoạch số 739/KH-UBND ngày 28 tháng 3 năm 2018 của Ủy ban nhân dân tỉnh"
    )
    assert match.group("date") == "28 tháng 3 năm 2018"


def test_no_passages_no_facts():
    document = Document("d", "Báo cáo", "d.txt", "0" * 64, "báo cáo")
    assert extract_facts(document, []) == []
    passage = Passage("d:p0001", "d", "", "body", (), None, (), 1, 1, 0, 0)
    assert extract_facts(document, [passage]) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("theo Văn bản số 2052/UBND-TD ngày 08/8/2019 của UBND tỉnh", "Văn bản"),
        ("ban hành Thông báo kết luận số 1823-TB/TU, ngày 05-11-2019 về", "Thông báo kết luận"),
        ("trình Tờ trình số 12/TTr-UBND ngày 02/3/2021", "Tờ trình"),
    ],
)
def test_more_kinds_of_documents_are_references(text, kind):
    assert REFERENCE_RE.search(text).group("kind") == kind


def test_a_dated_document_is_of_its_own_year_and_of_the_plan_citing_it(seed_facts):
    # Kiên Giang's "CHƯƠNG TRÌNH CÔNG TÁC DÂN VẬN NĂM 2020" carries on "Quyết định số
    # 1826-QĐ/TU, ngày 03-5-2019": issued in 2019, answering for 2020's programme too
    decision = next(f for f in seed_facts["001"] if f.kind == "reference"
                    and "1826-QĐ/TU" in f.value)  # fmt: skip
    assert decision.scope.time == "year" and decision.scope.years == (2019, 2020)


def test_a_dated_document_keeps_the_period_it_is_cited_in(seed_facts):
    # "Kế hoạch số 12-KH/TU, ngày 03-8-2016 … quy hoạch nhiệm kỳ 2015-2020": 2016 and the term
    plan = next(f for f in seed_facts["003"] if f.kind == "reference" and "12-KH/TU" in f.value)
    assert 2016 in plan.scope.years and len(plan.scope.years) > 1


def test_a_level_in_what_a_value_counts_is_its_level(seed_facts):
    # "… 102/102 đơn vị hành chính cấp xã": the level after the number, not one before it
    communes = [f for f in seed_facts["004"] if f.value.startswith("102/102")]
    assert [f.scope.level for f in communes] == ["xã"]


def test_the_year_a_figure_is_compared_with_is_not_its_time():
    from baocao.corpus.facts import _time_matches

    found = [words for *_, words, _ in _time_matches("diện tích cà phê 21.619 ha, tăng 8.000 ha "
                                                      "so với năm 2015; năm 2020 đạt 98%")]  # fmt: skip
    assert found == ["năm 2020"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        # an amount in two units is one value (not "421 triệu đồng")
        ("xuất ngân sách 1 tỷ 421 triệu đồng hỗ trợ 4.738 hộ", "1 tỷ 421 triệu đồng", "đồng"),
        # "đồng chí" counts people, it is no money
        ("lấy phiếu tín nhiệm đối với 610 đồng chí.", "610 đồng chí", "đồng chí"),
        # "tỉ" is the older spelling of "tỷ"
        ("huy động hơn 7 tỉ đồng giúp hơn 200 hộ nghèo", "hơn 7 tỉ đồng", "tỉ đồng"),
        ("được giao hiện nay là 1.077 biên chế (gồm", "1.077 biên chế", "biên chế"),
    ],
)
def test_amounts_and_measure_words(text, value, unit):
    document = Document("d", "Báo cáo", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    first = extract_facts(document, [passage])[0]
    assert (first.value, first.unit) == (value, unit)


def test_a_year_in_brackets_after_a_value_is_its_own(seed_facts):
    # "tăng từ vị trí thứ 58/63 tỉnh, thành phố (năm 2015) lên vị trí thứ 42/63 tỉnh, thành
    # phố (năm 2018)": each rank of its year, not of the bracket before it
    ranks = {f.value: f.scope for f in seed_facts["000"] + seed_facts["003"]
             if f.value in ("58/63", "42/63", "63/63")}  # fmt: skip
    assert ranks["58/63"].years == (2015,) and ranks["42/63"].years == (2018,)
    assert ranks["63/63"].years == (2017,)


def test_each_value_of_a_change_has_the_year_written_after_it(seed_facts):
    # "giảm từ 1,424% năm 2015 xuống còn 1,2% vào năm 2020", "giảm từ 23,7% năm 2015 xuống
    # 20,9% năm 2020": the year before "xuống" is the first value's, not the second's
    years = {f.value: f.scope.years for f in seed_facts["003"]
             if f.value in ("1,424%", "1,2%", "23,7%", "20,9%")}  # fmt: skip
    assert years == {"1,424%": (2015,), "1,2%": (2020,), "23,7%": (2015,), "20,9%": (2020,)}


def test_a_year_in_brackets_after_a_value_is_its_own_even_with_a_word_before_it():
    text = ("Tỷ lệ hộ nghèo của huyện Kỳ Sơn giảm từ 47,82% (cuối năm 2022) xuống còn 41,36% "
            "(cuối năm 2023).")  # fmt: skip
    document = Document("d", "Báo cáo năm 2023", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    years = {f.value: f.scope.years for f in extract_facts(document, [passage])}
    assert years["47,82%"] == (2022,) and years["41,36%"] == (2023,)


def test_a_bracketed_share_between_a_count_and_its_thing_stays_with_it():
    # "có 40/70 (57,1%) xã có đồng bào dân tộc thiểu số": 40/70 counts xã
    text = "Đến nay toàn tỉnh có 68/117 xã (58,1%) đạt chuẩn nông thôn mới, có 40/70 (57,1%) xã."
    document = Document("d", "Báo cáo", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    counts = {f.value: f.unit for f in extract_facts(document, [passage]) if f.unit != "%"}
    assert counts == {"68/117 xã": "xã", "40/70 (57,1%) xã": "xã"}


def test_a_rate_per_year_is_a_yearly_figure_of_its_period(seed_facts):
    # "Tăng trưởng kinh tế bình quân giai đoạn 2016-2020 đạt 9,13%/năm"
    rate = next(f for f in seed_facts["000"] if f.value.startswith("9,13%"))
    assert (rate.value, rate.unit) == ("9,13%/năm", "%")
    assert rate.scope.time == "yearly" and rate.scope.years == (2016, 2017, 2018, 2019, 2020)


def test_a_place_whose_name_opens_with_a_toned_capital_is_read_whole():
    # "xã Ia Chim" was read before; "xã Ô Lâm", "thôn Ấp Bắc" lost their names to [A-ZĐ]
    for text, name in (("tại xã Ô Lâm có 12 hộ", "Ô Lâm"), ("ở thôn Ấp Bắc, 5 hộ", "Ấp Bắc"),
                       ("huyện Ia H'Drai", "Ia H'Drai")):  # fmt: skip
        assert PLACE_RE.search(text).group(2) == name


def test_a_document_number_keeps_a_dotted_capital_part():
    # "Công văn số 6888/VPCP-V.I ngày 02/8/2019": "V.I" is part of the number, a full stop is not
    text = "thực hiện Công văn số 6888/VPCP-V.I ngày 02/8/2019; theo Báo cáo số 16-BC/TU. Tiếp"
    assert [m.group() for m in DOC_NUMBER_RE.finditer(text)] == ["6888/VPCP-V.I", "16-BC/TU"]
    reference = next(REFERENCE_RE.finditer(text))
    assert reference.group("number", "date") == ("6888/VPCP-V.I", "02/8/2019")


@pytest.mark.parametrize(
    ("place", "issuer", "province", "within"),
    [
        ("Hướng Hóa", "ỦY BAN NHÂN DÂN HUYỆN HƯỚNG HÓA", "Quảng Trị", "huyện Hướng Hóa"),
        ("Quảng Trị", "TỈNH ỦY QUẢNG TRỊ", "Quảng Trị", ""),  # a province's report
        ("Hướng Hóa", "HUYỆN ỦY", "Quảng Trị", "huyện Hướng Hóa"),  # the district's Party
        ("Hướng Hóa", "BAN DÂN VẬN", "Quảng Trị", "Hướng Hóa"),  # no level in the issuer
        # only where it was signed ("Đà Lạt, ngày …" under "TỈNH ỦY LÂM ĐỒNG / BAN DÂN VẬN"):
        # the text never names it, the report is the province's
        ("Đông Hà", "BAN DÂN VẬN", "Quảng Trị", ""),
    ],
)
def test_a_district_report_is_about_the_district_in_its_province(place, issuer, province, within):
    # written at "Hướng Hóa, ngày …" by a district: the province is the one its text names
    text = "Hướng Hóa là huyện miền núi, biên giới phía Tây của tỉnh Quảng Trị, có 21 xã."
    document = Document("d", "Báo cáo năm 2023", "d.txt", "0" * 64, "báo cáo", place=place,
                        issuer=issuer)  # fmt: skip
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    coverage = document_coverage(document, [passage])
    assert (coverage.province, coverage.place) == (province, within)
    assert coverage.where == ", ".join(p for p in (within, province) if p)
    assert extract_facts(document, [passage])[0].scope.place == coverage.where


def test_a_communes_act_that_names_no_province_is_about_the_commune():
    # "ỦY BAN NHÂN DÂN / XÃ AN HIỆP", written at "An Hiệp": not a province named An Hiệp
    text = "Quy chế này áp dụng đối với công dân cư trú trên địa bàn 06 thôn của xã."
    document = Document("d", "Quyết định ban hành Quy chế", "d.txt", "0" * 64, "quyết định",
                        place="An Hiệp", issuer="ỦY BAN NHÂN DÂN XÃ AN HIỆP")  # fmt: skip
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    coverage = document_coverage(document, [passage])
    assert (coverage.province, coverage.place, coverage.where) == ("", "xã An Hiệp", "xã An Hiệp")


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("Hằng năm, giai đoạn 2021-2023, bình quân cấp xã tổ chức 58 cuộc đối thoại.", "yearly"),
        ("Giai đoạn 2019-2023, bình quân toàn huyện công nhận 95 mô hình.", "yearly"),
        ("Hàng năm, Mặt trận giám sát thường xuyên (Trong 5 năm qua, đã tổ chức 1.517 cuộc).",
         "period"),  # the yearly words are not the bracket's
        ("Giai đoạn 2019-2023, toàn huyện công nhận 475 mô hình.", "period"),
    ],
)  # fmt: skip
def test_a_period_with_hang_nam_or_binh_quan_is_a_yearly_average(text, time):
    document = Document("d", "Báo cáo năm 2023", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    count = [f for f in extract_facts(document, [passage]) if f.kind == "quantity"][-1]
    assert count.scope.time == time, count


def test_an_article_titled_with_a_district_is_about_that_district():
    text = "Những năm qua, huyện Cam Lộ đẩy mạnh phong trào; riêng năm 2022 tổ chức 268 cuộc."
    document = Document("d", "Cam Lộ: “Dân vận khéo” góp sức xây dựng nông thôn mới", "d.txt",
                        "0" * 64, "bài báo", place="Quảng Trị")  # fmt: skip
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    coverage = document_coverage(document, [passage])
    assert (coverage.province, coverage.place) == ("Quảng Trị", "huyện Cam Lộ")


@pytest.mark.parametrize(
    ("title", "place"),
    [
        # a district's minutes of a dialogue held in one of its communes: the commune's, in
        # that district (the body names the district first: "Kế hoạch … của UBND huyện …")
        ("Biên bản Hội nghị đối thoại với Nhân dân xã Na Mèo, huyện Quan Sơn, năm 2024",
         "xã Na Mèo, huyện Quan Sơn"),
        ("Biên bản Hội nghị đối thoại với Nhân dân huyện Quan Sơn", "huyện Quan Sơn"),
        # a town of the district's name is the district's title, not a commune's
        ("Biên bản đối thoại với Nhân dân thị trấn Quan Sơn, huyện Quan Sơn", "huyện Quan Sơn"),
    ],
)  # fmt: skip
def test_a_title_naming_a_commune_and_its_district_is_about_the_commune(title, place):
    text = (
        "Thực hiện Kế hoạch số 86/KH-UBND của UBND huyện Quan Sơn, tại Hội trường UBND xã Na "
        "Mèo, thị trấn Quan Sơn, UBND huyện đối thoại với 146 người dân."
    )
    document = Document("d", title, "d.txt", "0" * 64, "biên bản", place="Thanh Hóa")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    coverage = document_coverage(document, [passage])
    assert (coverage.province, coverage.place) == ("Thanh Hóa", place)


def test_a_communes_minutes_without_a_place_line_are_about_the_issuing_commune():
    # "UỶ BAN NHÂN DÂN XÃ BẢN HON" and no "Bản Hon, ngày …" line (the province was read from
    # the text): the commune's, in the district the text writes after it
    text = ("Hồi 08 giờ 30 phút, ngày 12 tháng 9 năm 2024, tại Hội trường UBND xã Bản Hon, huyện "
            "Tam Đường, tỉnh Lai Châu, xã tổ chức Hội nghị đối thoại với 126 người dân.")  # fmt: skip
    document = Document("d", "Biên bản Hội nghị đối thoại", "d.txt", "0" * 64, "biên bản",
                        place="Lai Châu", issuer="UỶ BAN NHÂN DÂN XÃ BẢN HON")  # fmt: skip
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    coverage = document_coverage(document, [passage])
    assert (coverage.province, coverage.place) == ("Lai Châu", "xã Bản Hon, huyện Tam Đường")


def test_the_communes_peoples_committees_count_at_the_commune_level():
    text = "Chủ tịch UBND huyện tổ chức 04 cuộc; UBND các xã, thị trấn tổ chức 63 cuộc đối thoại."
    document = Document("d", "Báo cáo năm 2023", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    levels = {f.value: f.scope.level for f in extract_facts(document, [passage])}
    # the district chairman's at the district level: a body of one level gives its figure it
    assert levels["63 cuộc"] == "xã" and levels["04 cuộc"] == "huyện"


def test_a_files_next_document_that_names_no_place_is_where_the_one_before_is():
    # a district's report and, in the same file, a topic report with no header of its own
    first = Document("f~1", "Báo cáo năm 2023", "f.txt", "0" * 64, "báo cáo", place="Tuy An",
                     issuer="ỦY BAN NHÂN DÂN HUYỆN TUY AN")  # fmt: skip
    second = Document("f~2", "Chuyên đề dân tộc, tôn giáo", "f.txt", "0" * 64, "chuyên đề")
    other = Document("g", "Chuyên đề", "g.txt", "1" * 64, "chuyên đề")
    texts = {"f~1": "Tuy An là huyện của tỉnh Phú Yên.", "f~2": "Phật giáo 36.240 tín đồ.",
             "g": "Phật giáo 4.862 tín đồ."}  # fmt: skip
    passages = [Passage(f"{d}:p0001", d, t, "body", (), None, (), 1, 1, 0, len(t))
                for d, t in texts.items()]  # fmt: skip
    facts, coverages = facts_of([first, second, other], passages)
    places = {c.doc_id: c.where for c in coverages}
    assert places == {"f~1": "huyện Tuy An, Phú Yên", "f~2": "huyện Tuy An, Phú Yên", "g": ""}
    assert next(f for f in facts if f.doc_id == "f~2").scope.place == "huyện Tuy An, Phú Yên"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("xã Đại Ân 2 đạt chuẩn nông thôn mới kiểu mẫu.", ["Đại Ân 2"]),
        ("các xã Đại Ân 2, Lịch Hội Thượng và thị trấn Trần Đề.", ["Đại Ân 2", "Trần Đề"]),
        ("huyện Đăk Hà 12 cuộc, huyện Sa Thầy 9 cuộc.", ["Đăk Hà", "Sa Thầy"]),  # counts
    ],
)
def test_a_number_ending_a_place_name_is_part_of_it(text, names):
    assert [m.group(2) for m in PLACE_RE.finditer(text)] == names


def test_a_part_of_the_year_is_its_own_time():
    text = ("Tính chung toàn huyện năm 2024 tiếp 391 lượt công dân (năm 2023 tiếp 412 lượt; "
            "6 tháng đầu năm 2024 tiếp 198 lượt); quý III/2024 tiếp 95 lượt.")  # fmt: skip
    document = Document("d", "Báo cáo năm 2024", "d.txt", "0" * 64, "báo cáo")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    scopes = {f.value: f.scope for f in extract_facts(document, [passage])}
    assert (scopes["391 lượt"].time, scopes["391 lượt"].years) == ("year", (2024,))
    assert (scopes["198 lượt"].time, scopes["198 lượt"].years) == ("part", (2024,))
    assert describe(scopes["198 lượt"]).startswith("6 tháng đầu năm 2024")
    assert (scopes["95 lượt"].time, scopes["95 lượt"].years) == ("part", (2024,))
    assert scopes["412 lượt"].years == (2023,)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Riêng bản Nả Háng Tủa có 14 hộ được vay.", "bản Nả Háng Tủa"),
        ("Từ năm 2021 đến nay, ấp Ô Tà Sóc đã vận động 63 hộ hiến đất.", "ấp Ô Tà Sóc"),
        ("Tại buôn Ma Lé có 40 hộ tham gia.", "buôn Ma Lé"),
        ("Ban hành văn bản Hướng dẫn 12 nội dung.", None),  # a document, not a village
        ("Các thôn xây dựng bản Hương ước với 12 điều.", None),
    ],
)
def test_a_village_is_a_place_whatever_the_region_calls_it(text, place):
    assert [m.group() for m in PLACE_RE.finditer(text)] == ([place] if place else [])


def test_a_target_named_with_its_year_is_a_target_even_of_the_period_reported_on():
    # a 2025 plan's table: "Chỉ tiêu năm 2025" is what is asked of 2025, not what 2025 reached
    text = "Đơn vị: H. Châu Thành A; Kết quả công nhận năm 2024: 233; Chỉ tiêu năm 2025: 210."
    document = Document("d", "Kế hoạch công tác dân vận năm 2025", "d.txt", "0" * 64, "kế hoạch")
    passage = Passage("d:p0001", "d", text, "body", (), None, (), 1, 1, 0, len(text))
    scopes = {f.value: f.scope for f in extract_facts(document, [passage])}
    assert (scopes["210"].time, scopes["210"].years) == ("target", (2025,))
    assert (scopes["233"].time, scopes["233"].years) == ("year", (2024,))


def test_abbreviated_levels_are_spelled_out():
    assert spelled_levels("TX. Long Mỹ; H. Long Mỹ; TP.Vị Thanh") == (
        "thị xã Long Mỹ; huyện Long Mỹ; thành phố Vị Thanh"
    )
    assert spelled_levels("Điều 5. Quy chế; ghi chú H.") == "Điều 5. Quy chế; ghi chú H."


def test_an_articles_figures_are_its_communes_but_the_whole_provinces_are_the_provinces(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "Chuyên mục: Xây dựng Đảng > Công tác dân vận\n\n"
        'Tiền Hải: "Dân vận khéo" trong dồn điền, đổi thửa ở Nam Thịnh\n\n'
        "(BTB) - Bằng cách đi từng ngõ, gõ từng nhà, xã Nam Thịnh (huyện Tiền Hải, tỉnh Thái Bình) "
        "đã hoàn thành dồn điền, đổi thửa trên diện tích 412ha.\n\n"
        "Theo Sở Nông nghiệp và PTNT, năm 2021 toàn tỉnh Thái Bình đã dồn điền, đổi thửa được "
        "khoảng 21.600ha. Mô hình của xã được chọn báo cáo tại Hội nghị biểu dương "
        '"Dân vận khéo" tỉnh Thái Bình ngày 28/11/2021.\n',
        encoding="utf-8",
    )
    (doc,) = load_reports([path]).files[0].documents
    places = {f.value: f.scope.place for f in extract_facts(doc.document, doc.passages)}
    # the title names the commune and its district: "(huyện Tiền Hải, tỉnh …)" qualifies
    assert places["412ha"] == "xã Nam Thịnh, huyện Tiền Hải, Thái Bình"
    assert places["21.600ha"] == places["ngày 28/11/2021"] == "Thái Bình"


def test_a_place_named_after_a_comma_is_not_the_total_before_it():
    # "12 hộ … đến địa bàn, tập trung ở xã Đắk Ơ 8 hộ": the 8 are the commune's, not the 12
    text = ("6 tháng đầu năm phát sinh 12 hộ/47 khẩu di cư tự do đến địa bàn, tập trung ở xã Đắk Ơ "
            "8 hộ/31 khẩu và xã Bù Gia Mập 4 hộ/16 khẩu; 325 lượt người dân xã Phú Nghĩa dự họp.")  # fmt: skip
    places = {f.value: f.scope.place for f in text_facts(text, "năm 2025", place="Bù Gia Mập")}
    assert "Đắk Ơ" not in places["12 hộ/47 khẩu"] and "Đắk Ơ" in places["8 hộ/31 khẩu"]
    assert "Phú Nghĩa" in places["325 lượt người"]


def test_a_year_in_a_closed_bracket_is_not_the_year_of_what_follows_it():
    text = ('Năm 2022, toàn tỉnh có 1.284 mô hình "Dân vận khéo" được công nhận (năm 2021 là 1.152 '
            "mô hình); trong đó, lĩnh vực kinh tế 548 mô hình, văn hóa - xã hội 402 mô hình.")  # fmt: skip
    years = {f.value: f.scope.years for f in text_facts(text, "năm 2022")}
    assert years["1.152 mô hình"] == (2021,)
    assert years["1.284 mô hình"] == years["548 mô hình"] == years["402 mô hình"] == (2022,)
    # a bracket that only dates what it follows dates what follows it too
    text = "Chỉ số PAPI tăng lên vị trí thứ 42/63 tỉnh, thành phố (năm 2018) với 43,21 điểm."
    years = {f.value: f.scope.years for f in text_facts(text, "năm 2022")}
    assert years["43,21"] == (2018,)


def test_a_files_next_document_in_another_place_is_in_the_same_province():
    # a provincial paper's article (its province from the masthead, no place of its own),
    # then a district's notice that names no province: both in Tây Ninh
    article = Document("f~1", "Dương Minh Châu: Dân vận khéo", "f.txt", "0" * 64, "bài báo",
                       province="Tây Ninh")  # fmt: skip
    notice = Document("f~2", "Thông báo kết luận", "f.txt", "0" * 64, "thông báo",
                      place="Dương Minh Châu", issuer="HUYỆN UỶ DƯƠNG MINH CHÂU")  # fmt: skip
    texts = {"f~1": "Năm 2024, huyện Dương Minh Châu có 326 mô hình.",
             "f~2": "Toàn huyện Dương Minh Châu công nhận 95 mô hình."}  # fmt: skip
    passages = [Passage(f"{d}:p0001", d, t, "body", (), None, (), 1, 1, 0, len(t))
                for d, t in texts.items()]  # fmt: skip
    coverages = {c.doc_id: c for c in facts_of([article, notice], passages)[1]}
    assert coverages["f~1"].where == "huyện Dương Minh Châu, Tây Ninh"
    assert coverages["f~2"].where == "huyện Dương Minh Châu, Tây Ninh"


def test_a_place_name_ends_at_its_line():
    # "Huyện: Bắc Sơn" then "Tỉnh/thành phố: …": no place "Bắc Sơn Tỉnh"
    assert [m.group(2) for m in PLACE_RE.finditer("huyện Bắc Sơn\nTỉnh/thành phố: …")] == [
        "Bắc Sơn"
    ]


def test_a_row_of_a_table_over_year_rows_is_of_its_year_and_unit():
    # "Năm | Lượt tiếp | … | Cấp xã (lượt)" with a row a year, as the readers write a row: each
    # value of the row is of that year, and a bare value takes the unit its column names
    row = "Năm: 2019; Lượt tiếp: 396; Cấp huyện (lượt): 148; Cấp xã (lượt): 248; Tỷ lệ (%): 97,5."
    facts = {f.value: f for f in text_facts(row, "giai đoạn 2019 - 2021")}
    assert {v: f.scope.years for v, f in facts.items()} == {
        "396": (2019,), "148": (2019,), "248": (2019,), "97,5": (2019,)
    }  # fmt: skip
    assert (facts["248"].unit, facts["248"].scope.level) == ("lượt", "xã")
    assert (facts["396"].unit, facts["97,5"].unit) == ("", "%")
