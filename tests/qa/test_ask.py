"""Extractive answers: question kinds, numbers with their units, dates, footnote context, and
the gold questions over the bundled reports with the real index."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from report_texts import WEB_ARTICLE_AND_NOTICE

from baocao.corpus.loader import load_reports
from baocao.corpus.model import Passage
from baocao.eval.ask_eval import answer_correct, verdict
from baocao.eval.goldset import GOLD_DIR, GoldQuestion
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import load_encoder
from baocao.index.hit import Hit
from baocao.index.hybrid import HybridIndex
from baocao.qa.ask import (
    _CALLED_RE,
    DEFAULT_SETTINGS,
    Answer,
    _asked_document_kinds,
    _asked_own_kind,
    _asks_document,
    _Candidate,
    _caption_unit,
    _item_number,
    _label_of,
    _lead_time,
    _other_role,
    _parse_question,
    _pin,
    _row_names,
    _thing_words,
    _unit_score,
    _with_share,
    ask,
    extract_answer,
    is_question,
    question_kind,
    reports_wording,
)
from baocao.qa.scope import read_scope
from baocao.qa.search import Filters

# One report with a footnote (its marker after "Nhân dân"), a percentage, a decimal with its
# unit, a fraction and a dated resolution.
REPORT = """TỈNH ỦY KIÊN GIANG
Số 05-BC/TU
Kiên Giang, ngày 10 tháng 01 năm 2020
BÁO CÁO
tổng kết công tác dân vận năm 2019
-----
I. KẾT QUẢ
1. Đối thoại với Nhân dân
Năm 2019, cấp ủy các cấp đã tổ chức 673 cuộc đối thoại với Nhân dân⁽¹⁾. Đã tiếp nhận và giải quyết được 340/436 đơn khiếu nại, tố cáo đạt 77,98%.
2. Tình hình chung
Diện tích tự nhiên là 9.690,46 km2; dân số toàn tỉnh hơn 540.000 người.
Ban Thường vụ Tỉnh ủy ban hành Nghị quyết số 04-NQ/TU, ngày 19-8-2016 về xây dựng các xã đặc biệt khó khăn.
II. HẠN CHẾ
Một số nơi chưa quan tâm công tác dân vận chính quyền.

¹ Trong đó, cấp huyện 20 cuộc, cấp xã 653 cuộc.
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> HybridIndex:
    folder = tmp_path_factory.mktemp("reports")
    (folder / "bc.txt").write_text(REPORT, encoding="utf-8")
    result = load_reports([folder])
    cache = EmbeddingCache(tmp_path_factory.mktemp("cache") / "vectors.sqlite")
    documents = [d.document for d in result.documents]
    return HybridIndex.build(result.passages, documents, load_encoder(), cache=cache)


def hits(index: HybridIndex, *passage_ids: str) -> list[Hit]:
    """The given passages as search results, best first."""
    found = []
    for rank, pid in enumerate(passage_ids, start=1):
        passage = index.passage(pid)
        assert passage is not None, pid
        found.append(Hit(passage, rank, 1.0 / rank))
    return found


def answer_from(index: HybridIndex, question: str, *passage_ids: str) -> Answer:
    return extract_answer(question, hits(index, *passage_ids), index)


# -- question kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", "quantity"),
        ("Kon Tum có mấy xã biên giới?", "quantity"),
        ("Tỷ lệ hộ nghèo cuối năm 2019 là bao nhiêu?", "quantity"),
        ("dien tich tu nhien cua tinh kon tum la bao nhieu km2", "quantity"),
        ("ty le ho ngheo kien giang cuoi nam 2019", "quantity"),
        ("hoa giai thanh dat may phan tram", "quantity"),
        ("Nghị quyết 04-NQ/TU ban hành ngày nào?", "when"),
        ("tinh duoc tai lap tu khi nao", "when"),
        ("cac doi tuong bi bat vao thoi gian nao", "when"),
        ("Ai làm tỉnh trưởng Đê Ga?", "who"),
        ("ai lam tinh truong de ga", "who"),
        ("Huyện nào đạt chuẩn nông thôn mới?", "which"),
        ("Chủ đề công tác năm 2020 là gì?", "what"),
        ("kon tum giap voi nhung tinh nao", "list"),
        ("07 dân tộc thiểu số tại chỗ gồm những dân tộc nào?", "list"),
        ("câu đó viết nguyên văn thế nào", "other"),
        ("Tìm câu về dồn điền đổi thửa", "other"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


# -- numbers, dates, context ------------------------------------------------------------------


def test_a_count_comes_with_its_unit_and_not_the_year_asked_about(index):
    answer = answer_from(index, "Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", "bc:p0001")
    assert answer.confident
    assert answer.text == "673 cuộc"
    assert answer.passage.text[answer.span[0] : answer.span[1]] == "673 cuộc"
    assert answer.sentence == "Năm 2019, cấp ủy các cấp đã tổ chức 673 cuộc đối thoại với Nhân dân."
    start, end = answer.sentence_span
    assert answer.passage.text[start:end] == answer.sentence


def test_typed_without_diacritics(index):
    answer = answer_from(index, "nam 2019 to chuc bao nhieu cuoc doi thoai", "bc:p0001")
    assert answer.text == "673 cuộc"


@pytest.mark.parametrize(
    "question",
    ["Huyện 2 tổ chức bao nhiêu cuộc đối thoại?", "huyen 2 to chuc bao nhieu cuoc doi thoai"],
)
def test_the_number_of_a_place_asked_about_is_not_part_of_the_answer(tmp_path, question):
    numbered = small_index(tmp_path, {
        f"huyen-{district}.txt": f"Năm 2019 tổ chức {670 + district} cuộc đối thoại với Nhân dân "
                                 f"huyện {district}."
        for district in (1, 2)
    })  # fmt: skip
    answer = ask(numbered, question)
    assert answer.text == "672 cuộc"


def small_index(folder, bodies: dict[str, str]) -> HybridIndex:
    """An index of one-section reports, one file per body."""
    for name, body in bodies.items():
        (folder / name).write_text(
            f"BÁO CÁO\ncông tác dân vận\n-----\nI. KẾT QUẢ\n{body}\n", encoding="utf-8"
        )
    result = load_reports([folder])
    return HybridIndex.build(
        result.passages, [d.document for d in result.documents], load_encoder()
    )


RESULTS = (
    "Dịch bệnh xảy ra tại 712/957 ấp, thuộc địa bàn 128/145 xã, phường.\n"
    "Đã cung cấp 32 dịch vụ công trực tuyến mức độ 3, đạt 88,6% dịch vụ công của tỉnh.\n"
    "Giải quyết được 10/14 đơn tố cáo, đạt 71,43%.\n"
    "Quân và dân các dân tộc tỉnh đã đạt được kết quả khá toàn diện trên các lĩnh vực."
)


def one_report_index(name: str, text: str):
    """A module fixture called ``name``: an index of one one-section report holding ``text``."""

    @pytest.fixture(scope="module", name=name)
    def build(tmp_path_factory) -> HybridIndex:
        return small_index(tmp_path_factory.mktemp(name), {"bc.txt": text})

    return build


results_index = one_report_index("results_index", RESULTS)


elided_index = one_report_index(
    "elided_index",
    "Từ năm 2020 đến nay, các cơ quan hành chính của huyện Hải Hà tiếp 3.417 lượt công dân. "
    "Riêng năm 2022 tiếp 612 lượt; năm 2023 tiếp 684 lượt/598 người.\n"
    "Năm 2022 Hội Nông dân huyện vận động 215 lượt hội viên tham gia hiến đất làm đường.",
)


def test_a_bare_unit_counts_what_the_sentence_before_counted(elided_index):
    # "Riêng năm 2022 tiếp 612 lượt" goes on counting the "lượt công dân" of the sentence
    # before: the asked unit, as sure as if it were written out
    answer = ask(elided_index, "Năm 2022 tiếp bao nhiêu lượt công dân?")
    assert (answer.text, answer.confident) == ("612 lượt", True)


def test_a_share_of_a_total_is_one_value_not_two(results_index):
    answer = ask(results_index, "Dịch bệnh xảy ra tại bao nhiêu ấp, thuộc bao nhiêu xã?")
    assert answer.text == "712/957 ấp, thuộc địa bàn 128/145 xã"


def test_a_count_with_its_share_answers_both(results_index):
    answer = ask(results_index, "Giải quyết được bao nhiêu đơn tố cáo, đạt bao nhiêu %?")
    assert answer.confident and answer.text == "10/14 đơn tố cáo, đạt 71,43%"


def test_a_percentage_does_not_count_things(results_index):
    answer = ask(results_index, "Có bao nhiêu dịch vụ công trực tuyến mức độ 3?")
    assert answer.text.startswith("32 dịch vụ công")


@pytest.mark.parametrize(
    "question", ["Có bao nhiêu dân tộc?", "Kế hoạch nào về dân vận?", "Khu vực đó tên là gì?"]
)
def test_a_sentence_is_never_the_confident_answer_to_a_number_or_a_name(results_index, question):
    answer = ask(results_index, question)
    assert not (answer.confident and answer.text == answer.sentence)


@pytest.mark.parametrize(
    ("question", "passage_id", "expected"),
    [
        # a rate comes with the count written before it
        (
            "Tỷ lệ giải quyết đơn khiếu nại, tố cáo đạt bao nhiêu?",
            "bc:p0001",
            "340/436 đơn khiếu nại, tố cáo đạt 77,98%",
        ),
        ("Đã giải quyết được bao nhiêu đơn khiếu nại, tố cáo?", "bc:p0001", "340/436 đơn"),
        ("Diện tích tự nhiên là bao nhiêu km2?", "bc:p0002", "9.690,46 km2"),
        ("Dân số toàn tỉnh là bao nhiêu người?", "bc:p0002", "hơn 540.000 người"),
    ],
)
def test_numbers_as_written(index, question, passage_id, expected):
    answer = answer_from(index, question, passage_id)
    assert answer.text == expected


def test_a_date_for_when(index):
    answer = answer_from(index, "Nghị quyết 04-NQ/TU ban hành ngày nào?", "bc:p0002")
    assert answer.text == "ngày 19-8-2016"
    assert answer.sentence.startswith("Ban Thường vụ Tỉnh ủy ban hành Nghị quyết số 04-NQ/TU")


def test_a_footnote_answer_carries_the_sentence_it_annotates(index):
    answer = answer_from(index, "Trong đó cấp xã tổ chức bao nhiêu cuộc?", "bc:fn1")
    assert answer.text == "653 cuộc"
    assert answer.passage.kind == "footnote"
    assert answer.context_passage_id == "bc:p0001"
    assert answer.context == index.passage("bc:fn1").anchor_text
    assert "673 cuộc đối thoại" in answer.context


def test_a_body_answer_carries_the_footnote_it_cites(index):
    answer = answer_from(index, "Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", "bc:p0001")
    assert answer.context_passage_id == "bc:fn1"
    assert answer.context == "Trong đó, cấp huyện 20 cuộc, cấp xã 653 cuộc."
    # the second sentence cites nothing
    other = answer_from(index, "Tỷ lệ giải quyết đơn khiếu nại đạt bao nhiêu?", "bc:p0001")
    assert other.text.endswith("77,98%")
    assert other.context is None and other.context_passage_id is None


def test_the_best_sentence_for_other_questions(index):
    answer = answer_from(index, "Tìm câu về hạn chế công tác dân vận chính quyền", "bc:p0003")
    assert (
        answer.text == answer.sentence == "Một số nơi chưa quan tâm công tác dân vận chính quyền."
    )


def test_not_confident_means_no_text_but_evidence(index):
    answer = ask(index, "Giá vàng hôm nay bao nhiêu?")
    assert not answer.confident
    assert answer.text is None and answer.span is None
    assert answer.passage is not None and answer.sentence
    assert answer.hits and answer.score < DEFAULT_SETTINGS.threshold


def test_no_hits_no_answer(index):
    answer = extract_answer("Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", [], index)
    assert (answer.text, answer.passage, answer.confident, answer.hits) == (None, None, False, ())


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_refused(index, question):
    with pytest.raises(ValueError, match="question"):
        ask(index, question)
    with pytest.raises(ValueError, match="question"):
        extract_answer(question, [], index)


@pytest.mark.parametrize("question", ["?", "bao nhiêu", "12345", "Что такое демократия?"])
def test_odd_questions_do_not_raise(index, question):
    assert not ask(index, question).confident


# -- judging answers --------------------------------------------------------------------------


def gold(
    answer: str | None,
    question: str = "bao nhiêu cuộc?",
    kind: str = "numeric",
    parts: tuple[str, ...] = (),
    question_class: str = "other",
) -> GoldQuestion:
    return GoldQuestion("q", question, kind, answer, "f.txt", answer, False, question_class, parts)


def given(text: str | None, question: str = "bao nhiêu cuộc?") -> Answer:
    return Answer(question, text, text is not None, None, None, None, None, None, None, (), 1.0)


def test_numeric_answers_compare_canonical_numbers_and_percent():
    assert answer_correct(given("2343 cuộc"), gold("2.343 cuộc đối thoại"))
    assert answer_correct(given("đạt 77,98%"), gold("77,98%"))
    assert not answer_correct(given("77,98"), gold("77,98%"))
    assert not answer_correct(given("673 người"), gold("673 cuộc"))
    assert not answer_correct(given(None), gold("673 cuộc"))
    # a number the question gives is no answer
    question = "xếp thứ mấy trong 63 tỉnh?"
    assert not answer_correct(given("58/63", question), gold("42/63", question))


def test_an_answer_quoted_from_unaccented_text_is_compared_without_diacritics():
    fine = gold("7,5 triệu đồng", parts=("7,5 triệu",))
    assert answer_correct(given("7,5 trieu dong"), fine)
    assert not answer_correct(given("7,5 ty dong"), fine)
    assert answer_correct(given("ong Vang A Chu"), gold("Vàng A Chu", "ai", "fact"))
    # an accented answer keeps its diacritics: "Tả Sìn" is not "Tà Sìn"
    assert not answer_correct(given("xã Tà Sìn Thàng"), gold("Tả Sìn Thàng", "xã nào", "fact"))


def test_text_answers_need_the_whole_gold_text():
    fact = gold("tháng 8-1991", "từ khi nào", "fact")
    assert answer_correct(given("được thành lập lại vào Tháng 8-1991"), fact)
    wording = gold("trọng dân, gần dân, hiểu dân, học dân", "câu nào", "wording")
    assert answer_correct(given("theo hướng trọng dân, gần dân, hiểu dân, học dân"), wording)
    assert not answer_correct(given("theo hướng trọng dân, gần dân, hiểu dân"), wording)
    # whole words: the eleventh congress is not the twelfth
    congress = gold("lần thứ XI", "đại hội lần thứ mấy", "fact")
    assert answer_correct(given("Đại hội lần thứ XI (2019)"), congress)
    assert not answer_correct(given("Đại hội lần thứ XII"), congress)


def test_half_a_compound_answer_is_wrong():
    visits = gold("907 lượt/948 người", parts=("907 lượt", "948 người"))
    assert answer_correct(given("907 lượt/948 người"), visits)
    assert not answer_correct(given("907 lượt"), visits)
    both = gold("13 cuộc; 151 cuộc", parts=("13 cuộc", "151 cuộc"))
    assert answer_correct(given("13 cuộc (cấp huyện); 151 cuộc (cấp xã)"), both)
    assert not answer_correct(given("151 cuộc"), both)


def test_a_short_span_answer_must_be_short():
    name = gold("Ngọc Linh Xanh", "tên mô hình là gì", "fact", question_class="short_span")
    assert answer_correct(given("Ngọc Linh Xanh"), name)
    sentence = "Mô hình “Ngọc Linh Xanh” của Hội Liên hiệp thanh niên " + "được nhân rộng " * 8
    assert not answer_correct(given(sentence), name)


def test_a_question_no_report_answers_is_right_only_without_a_confident_answer():
    nothing = gold(None, "Năm 2024 tổ chức bao nhiêu cuộc?", question_class="unanswerable")
    assert verdict(given(None), nothing) == "right"
    assert verdict(given("673 cuộc"), nothing) == "confident but wrong"
    assert verdict(given(None), gold("673 cuộc")) == "abstained"
    assert verdict(given("674 cuộc"), gold("673 cuộc")) == "confident but wrong"


# -- the gold questions over the bundled reports ----------------------------------------------


def test_gold_footnote_answer_with_its_anchor(either_index):
    answer = ask(
        either_index, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?"
    )
    assert answer.confident and answer.text == "673 cuộc"
    assert answer.passage.kind == "footnote"
    assert answer.context == answer.passage.anchor_text
    assert answer.context_passage_id == answer.passage.anchor_id


def test_a_year_gets_that_years_figures_with_the_other_scopes_beside_them(either_index):
    question = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    chosen = ask(either_index, question, settings=NUMBERS_UNDOUBTED)
    assert chosen.confident and chosen.text == "13 cuộc (cấp huyện); 151 cuộc (cấp xã)"
    assert chosen.scope == "năm 2019 (kỳ báo cáo), tỉnh Kiên Giang"  # both levels answered
    # no province asked, one report of 2019: not sure enough to give a number outright, but
    # the figures of that year come first, with their scope, beside the other scopes
    answer = ask(either_index, question)
    assert not answer.confident and answer.text is None
    assert answer.score == pytest.approx(chosen.score - DEFAULT_SETTINGS.quantity_doubt)
    assert answer.passage.passage_id == "001_f0ce601e5f83c249:fn6"
    matching = [f.fact.value for f in answer.facts if f.matches]
    assert matching[:2] == ["13 cuộc", "151 cuộc"]
    assert all(f.fact.scope.years == (2019,) for f in answer.facts if f.matches)
    assert answer.facts[0].scope == "năm 2019 (kỳ báo cáo), cấp huyện, tỉnh Kiên Giang"


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Năm 2024 tổ chức bao nhiêu cuộc đối thoại với dân?", "năm 2024"),
        ("Tỉnh Gia Lai tổ chức bao nhiêu cuộc đối thoại với dân?", "tỉnh Gia Lai"),
        ("nam 2010 to chuc bao nhieu cuoc doi thoai", "năm 2010"),
    ],
)
def test_a_year_or_province_no_report_covers_gets_no_answer_and_a_note(
    either_index, question, missing
):
    answer = ask(either_index, question)
    assert not answer.confident and answer.text is None
    assert answer.scope_note.startswith("Các báo cáo có số liệu giai đoạn 2015–2020 (Kon Tum)")
    assert answer.scope_note.endswith(f"không có số liệu {missing}.")
    assert answer.facts and not any(f.matches for f in answer.facts)


def test_a_yearly_question_gets_the_yearly_figure(either_index):
    answer = ask(
        either_index, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?"
    )
    assert answer.confident and answer.text == "673 cuộc"
    assert answer.facts[0].scope == "hằng năm, giai đoạn 2015–2020, tỉnh Kon Tum"


def test_a_plan_number_is_answered_with_the_reference_not_the_sentence(index):
    answer = ask(index, "Nghị quyết số mấy về xây dựng các xã đặc biệt khó khăn?")
    assert answer.confident and answer.text == "Nghị quyết số 04-NQ/TU, ngày 19-8-2016"


@pytest.mark.parametrize(
    "question", ["Giá vàng hôm nay bao nhiêu?", "What is the capital of France?"]
)
def test_unrelated_questions_are_not_confident(either_index, question):
    answer = ask(either_index, question)
    assert not answer.confident and answer.text is None


@pytest.mark.parametrize("k", [0, 101, -1, True, 2.5])
def test_k_outside_1_to_100_is_refused(index, k):
    with pytest.raises(ValueError, match="k: a whole number from 1 to 100"):
        ask(index, "Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", k)


def test_an_overlong_question_is_refused(index):
    with pytest.raises(ValueError, match="question: at most 2000 characters"):
        ask(index, "bao nhiêu " * 300)


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("Mỗi năm tổ chức bao nhiêu cuộc?", "hằng năm tổ chức bao nhiêu cuộc?"),
        (
            "Kon Tum hàng năm có mấy lần, hàng tháng mấy lần?",
            "Kon Tum hằng năm có mấy lần, hằng tháng mấy lần?",
        ),
        ("Tỉnh uỷ mỗi quý họp mấy lần?", "Tỉnh ủy hằng quý họp mấy lần?"),
        ("năm 2019 mỗi người", "năm 2019 mỗi người"),
    ],
)
def test_questions_are_read_in_the_reports_wording(question, read):
    assert reports_wording(question) == read


def test_the_answer_keeps_the_question_as_asked(index):
    question = "Mỗi năm tổ chức bao nhiêu cuộc đối thoại?"
    assert ask(index, question).question == question


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?", True),
        ("Quyết định 1408-QĐ/TU ban hành khi nào", True),
        ("ai ký báo cáo 16-BC/TU", True),
        ("nam 2019 to chuc bao nhieu cuoc doi thoai", True),
        ("dân vận khéo", False),
        ("đối thoại với dân năm 2019", False),
        ("dau tu cong", False),  # "đầu tư công", not "đâu"
        ('"dân vận khéo"', False),
        ("dân vận khéo?", True),
    ],
)
def test_is_question(text, expected):
    assert is_question(text) is expected


def test_ask_within_filters(either_index):
    """Over the eight bundled reports a filter changes which report answers: unfiltered, Kon
    Tum's yearly figure; within the news article, its own count since 2014."""
    article, question = "004_68f44c56ba93236f", "Tổ chức bao nhiêu cuộc đối thoại với Nhân dân?"
    everywhere = ask(either_index, question)
    assert everywhere.passage.doc_id != article
    assert any(hit.passage.doc_id != article for hit in everywhere.hits)
    within = ask(either_index, question, filters=Filters(doc_ids=(article,)))
    assert within.hits and {hit.passage.doc_id for hit in within.hits} == {article}
    assert within.passage.doc_id == article
    assert within.text == "2.343 cuộc" != everywhere.text


@pytest.mark.parametrize("question", ["\u0005\u0007", "\u200b", "\x1d \ufeff"])
def test_a_question_of_control_or_invisible_characters_is_refused(index, question):
    with pytest.raises(ValueError, match="question: a non-empty text"):
        ask(index, question)


# -- answers of several values (compound questions) -------------------------------------------

ANY_CONFIDENCE = replace(DEFAULT_SETTINGS, threshold=-5.0)
# the value chosen, without the extra doubt every number carries (``quantity_doubt``)
NUMBERS_UNDOUBTED = replace(DEFAULT_SETTINGS, quantity_doubt=0.0)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        # two counts joined by "và" around one "bao nhiêu"
        ("Các cuộc đối thoại hằng năm ở Kon Tum có bao nhiêu tổ chức và cá nhân tham gia?",
         ("2.035 tổ chức", "27.276 cá nhân")),
        ("Trong nhiệm kỳ, công an Kon Tum phát hiện và khởi tố bao nhiêu vụ phạm pháp hình sự?",
         ("3.216 vụ", "1.832 vụ")),
        # two "bao nhiêu", one of them money
        ("Mặt trận Kon Tum hỗ trợ xây mới, sửa chữa bao nhiêu căn nhà đại đoàn kết và hết bao "
         "nhiêu tiền?", ("1.360 căn", "38,5 tỷ đồng")),
        # both ends of a change
        ("GRDP bình quân đầu người Kon Tum tăng từ bao nhiêu lên bao nhiêu trong nhiệm kỳ "
         "2015-2020?", ("1.406 USD", "2.025 USD")),
        ("Tỷ trọng công nghiệp - xây dựng trong cơ cấu kinh tế Kon Tum thay đổi ra sao từ 2015 "
         "đến 2020?", ("23,19%", "27,6%")),
        # a change opening its sentence: "Từ 30 ban … giảm xuống còn 22 ban"
        ("Sau sắp xếp, số ban của Mặt trận và các đoàn thể cấp tỉnh Kon Tum giảm từ bao nhiêu "
         "xuống bao nhiêu?", ("30 ban", "22")),
        # a count out of a total keeps its share
        ("Tỷ lệ giải quyết đơn khiếu nại ở Kiên Giang năm 2019?", ("291/417", "69,84%")),
        # a document asked with its date
        ("Kế hoạch của UBND tỉnh Kon Tum triển khai Đề án Văn hóa công vụ là kế hoạch số mấy, "
         "ngày nào?", ("1526/KH-UBND", "18-6-2019")),
    ],
)  # fmt: skip
def test_a_compound_question_gets_every_value_it_asks(bundled_index, question, parts):
    # how sure ask is depends on tuned settings; what it extracts does not: with no threshold
    # only a half answer (held back whatever the threshold) is not given
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert answer.confident, answer.sentence
    assert all(part in answer.text for part in parts), answer.text
    start, end = answer.span
    assert answer.passage.text[start:end] == answer.text  # a span of the passage, to mark


def test_the_second_value_asked_may_be_in_the_next_sentence(bundled_index):
    # the sentence has the count received (1.438 đơn) but the "530 đơn" beside it are those
    # within competence, not those settled: "đã giải quyết 500 đơn" opens the next sentence
    answer = ask(
        bundled_index,
        "Các cấp các ngành ở Kon Tum tiếp nhận bao nhiêu đơn khiếu nại, tố cáo, đã giải quyết "
        "bao nhiêu đơn?",
        settings=ANY_CONFIDENCE,
    )
    assert answer.confident, answer.sentence
    assert answer.text.startswith("1.438 đơn") and answer.text.endswith("đã giải quyết 500 đơn")
    start, end = answer.span
    assert answer.passage.text[start:end] == answer.text
    assert answer.sentence == answer.passage.text[slice(*answer.sentence_span)]
    assert answer.sentence.count(".") >= 1 and "500 đơn" in answer.sentence  # both sentences


def test_half_an_answer_is_not_given_as_the_answer(bundled_index):
    # "bao nhiêu xã … bao nhiêu hộ" of a sentence that has only the count of households
    answer = ask(
        bundled_index,
        "Kon Tum phát triển được bao nhiêu ha dược liệu, trong đó sâm Ngọc Linh bao nhiêu ha, "
        "giúp bao nhiêu hộ thoát nghèo?",
        settings=ANY_CONFIDENCE,
    )
    assert not answer.confident or "hộ" in answer.text, answer.text


def test_a_date_is_the_one_of_the_event_asked(bundled_index):
    answer = ask(
        bundled_index,
        "Vụ án chống người thi hành công vụ ở Kon Tum có 09 bị cáo được đưa ra xét xử sơ thẩm "
        "vào ngày nào?",
    )
    assert answer.text is None or "24-7-2019" not in answer.text  # the incident, not the trial


def test_a_document_the_question_names_is_not_its_answer(bundled_index):
    answer = ask(
        bundled_index,
        "UBND tỉnh Kon Tum triển khai Chương trình 51-CTr/TU về thực hiện Nghị quyết 18-NQ/TW "
        "bằng kế hoạch nào?",
    )
    assert answer.text is None or "51-CTr/TU" not in answer.text
    assert answer.text is None or "Chương trình" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "huyen dak ha moi nam to chuc bao nhieu cuoc doi thoai voi dan",  # a district, unaccented
        "Huyện Sa Thầy có bao nhiêu người có uy tín được công nhận năm 2018?",  # capital "Huyện"
    ],
)
def test_a_district_no_figure_is_scoped_to_gets_no_confident_province_figure(
    bundled_index, question
):
    answer = ask(bundled_index, question)
    assert not answer.confident and answer.text is None


# -- "label: value" lines (an appendix, a table row) ------------------------------------------

OUTLINES = Path(__file__).parents[1] / "corpus" / "outlines"


@pytest.fixture(scope="module")
def self_assessment(tmp_path_factory) -> HybridIndex:
    """A university self-assessment chapter whose appendix is "label: value" lines."""
    result = load_reports([OUTLINES / "tu_danh_gia_phan_3.txt"])
    cache = EmbeddingCache(tmp_path_factory.mktemp("cache") / "vectors.sqlite")
    documents = [d.document for d in result.documents]
    return HybridIndex.build(result.passages, documents, load_encoder(), cache=cache)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Trường có bao nhiêu phòng học?", "131"),  # "Số phòng học: 131", not "06 viên chức"
        ("Năm 2019 có bao nhiêu sinh viên nhập học?", "1.187"),  # not 2020's 1.250
        ("Số sinh viên nhập học năm 2020 là bao nhiêu?", "1.250"),
        ("Tỷ lệ sinh viên tốt nghiệp có việc làm sau 12 tháng?", "91,6%"),
        ("Tổng diện tích đất của trường là bao nhiêu?", "32.231m2"),  # the unit glued on
    ],
)
def test_the_label_of_a_label_value_line_says_what_is_counted(self_assessment, question, expected):
    answer = ask(self_assessment, question)
    assert answer.confident and answer.text == expected, (answer.text, answer.sentence)


def test_a_year_no_label_line_gives_is_not_answered(self_assessment):
    answer = ask(self_assessment, "Năm 2021 có bao nhiêu sinh viên nhập học?")
    assert not answer.confident, answer.text


# -- who signed or wrote a document (its metadata, not a passage) -----------------------------


@pytest.mark.parametrize(
    ("question", "signer"),
    [
        ("ai ký báo cáo tổng kết dân vận 2019 của KG?", "Đặng Tuyết Em"),
        ("Ai ký công văn của UBND tỉnh Kon Tum về dân vận chính quyền?", "Nguyễn Văn Hòa"),
        ("Chuyên đề về quốc phòng, an ninh và đối ngoại do ai trình bày?", "U Huấn"),
        ("Bài báo Huy động cả hệ thống chính trị thực hiện công tác dân vận do ai viết?",
         "Đặng Thị Vân"),  # a byline
    ],
)  # fmt: skip
def test_who_signed_a_document_is_read_from_its_signature(either_index, question, signer):
    answer = ask(either_index, question)
    assert answer.confident and answer.text == signer, answer.sentence
    assert either_index.documents[answer.passage.doc_id].signatory == signer  # cited there
    assert signer in answer.sentence  # the evidence: "Người ký: … — <title>"


@pytest.mark.parametrize(
    "question",
    [
        "Ai ký báo cáo?",  # four reports: which one?
        "Ai ký quyết định của UBND tỉnh Gia Lai về giá đất năm 2023?",  # no such document
    ],
)
def test_a_signer_of_no_one_document_is_not_guessed(bundled_index, question):
    assert not ask(bundled_index, question).confident


# -- which places (a level asked, never the question's own place) -----------------------------


@pytest.mark.parametrize(
    ("question", "places"),
    [
        # the names a level lists in brackets: "03 huyện nghèo (Kon Plông, Tu Mơ Rông, …)"
        ("3 huyện nghèo của tỉnh kon tum là những huyện nào", ("Kon Plông", "Tu Mơ Rông")),
        ("3 huyen ngheo cua kon tum la nhung huyen nao", ("Kon Plông", "Ia H'Drai")),
        # a huyện, not the village named beside it
        ("Ngoài Hội Liên hiệp Phụ nữ tỉnh, Bí thư Tỉnh uỷ Kon Tum còn đối thoại với nhân dân "
         "huyện nào?", ("Đăk Glei",)),
    ],
)  # fmt: skip
def test_a_place_question_gets_places_of_the_level_asked(bundled_index, question, places):
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert all(place in answer.text for place in places), answer.text
    assert answer.text.strip() != "tỉnh Kon Tum"  # the question's own province


@pytest.mark.parametrize(
    "question",
    [
        "Đến năm 2020 Kon Tum có bao nhiêu huyện đạt chuẩn nông thôn mới?",  # 28 xã: not huyện
        "den nam 2020 kon tum co bao nhieu huyen dat chuan nong thon moi",
    ],
)
def test_a_count_of_something_else_is_not_the_answer(bundled_index, question):
    answer = ask(bundled_index, question)
    assert not (answer.confident and "xã" in answer.text), answer.text


@pytest.mark.parametrize(
    ("question", "expected", "other"),
    [
        # a time that opens the sentence holds for its later clauses too: "Cuối năm 2022, có
        # 6.115 hộ … thoát nghèo; 2.149 hộ … thoát cận nghèo"
        ("Cuối năm 2022 có bao nhiêu hộ đồng bào DTTS ở Kon Tum thoát cận nghèo?",
         "2.149 hộ", "6.115"),
        ("Năm 2020 bao nhiêu phần trăm hộ gia đình nông thôn ở Kon Tum được dùng nước sinh hoạt "
         "hợp vệ sinh?", "89%", "99,3%"),
    ],
)  # fmt: skip
def test_a_time_opening_the_sentence_holds_for_its_later_clauses(
    bundled_index, question, expected, other
):
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert expected in answer.text and other not in answer.text, answer.text


def test_a_guess_between_parallel_figures_is_not_confident(bundled_index):
    # "Trụ sở Tiếp công dân tỉnh tiếp 907 lượt/948 người; UBND các huyện, thành phố tiếp 1.018
    # lượt/1.379 người; …": nothing tells the clauses apart well enough, so no answer is given
    question = "Các huyện, thành phố ở Kon Tum tiếp bao nhiêu lượt công dân?"
    weighed = replace(ANY_CONFIDENCE, unit=0.5)  # the unit's weight that picks a rival figure
    unsure = ask(bundled_index, question, settings=replace(weighed, rival=1.0))
    unchecked = ask(bundled_index, question, settings=replace(weighed, rival=0.0))
    assert unsure.score == pytest.approx(unchecked.score - 1.0)
    assert not ask(bundled_index, question).confident
    # "UBND các huyện" names the district level: its figure fits, the others are no rivals
    leveled = "UBND các huyện, thành phố ở Kon Tum tiếp bao nhiêu lượt công dân?"
    picked = ask(bundled_index, leveled, settings=replace(weighed, rival=1.0))
    assert picked.text == "1.018 lượt/1.379 người", picked.text
    assert picked.score == pytest.approx(
        ask(bundled_index, leveled, settings=replace(weighed, rival=0.0)).score
    )


contribution_index = one_report_index(
    "contribution_index",
    "Năm 2022, Nhân dân huyện Lai Vung đã bàn và quyết định đầu tư 67 công trình giao thông "
    "nông thôn, thuỷ lợi nội đồng với tổng kinh phí 18.235,7 triệu đồng, trong đó Nhân dân đóng "
    "góp 9.690,46 "
    "triệu đồng (chiếm 53,14%), so với cùng kỳ năm 2021 tăng 1.215,3 triệu đồng.",
)


def test_a_figure_written_after_fewer_of_the_askers_words_is_no_rival(contribution_index):
    # "Nhân dân … đóng góp bao nhiêu tiền": "Nhân dân đóng góp 9.690,46 triệu đồng" answers;
    # the total cost and the increase, in the same sentence, are not a guess between figures
    question = "Năm 2022 Nhân dân đóng góp bao nhiêu tiền làm các công trình giao thông, thủy lợi?"
    checked = ask(contribution_index, question, settings=replace(ANY_CONFIDENCE, rival=1.0))
    unchecked = ask(contribution_index, question, settings=replace(ANY_CONFIDENCE, rival=0.0))
    assert checked.text == "9.690,46 triệu đồng"
    assert checked.score == unchecked.score


def test_levels_answered_together_are_not_rivals(bundled_index):
    # "cấp huyện … đối thoại 13 cuộc; cấp xã … đối thoại 151 cuộc" are joined into one answer
    question = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    checked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=1.0))
    unchecked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=0.0))
    assert checked.score == unchecked.score
    assert "13 cuộc" in checked.text and "151 cuộc" in checked.text


@pytest.mark.parametrize(
    ("sentence", "clause", "lead"),
    [
        ("Năm 2020, có 99,3% hộ dùng điện; trên 89% hộ dùng nước sạch.", 1, "Năm 2020"),
        ("- Đến tháng 06/2020, có 660 tổ chức; 1.845 chi bộ.", 1, "Đến tháng 06/2020"),
        ("Năm 2020, có 99,3% hộ dùng điện; trên 89% hộ dùng nước sạch.", 0, ""),  # its own
        ("Kon Tum là tỉnh miền núi, có 10 huyện; 102 xã.", 1, ""),  # no time opens it
    ],
)
def test_the_time_opening_a_sentence(sentence, clause, lead):
    starts = [0] + [i + 1 for i, c in enumerate(sentence) if c == ";"]
    assert _lead_time(sentence, starts[clause]) == lead


def test_a_document_of_a_list_is_the_one_its_item_describes(bundled_index):
    # "… Kế hoạch số 739/KH-UBND … triển khai Chương trình số 51-CTr/TU … Nghị quyết số
    # 18-NQ/TW và Kế hoạch số 740/KH-UBND … triển khai Chương trình số 53-CTr/TU …": each plan
    # goes with the programme written in its own item, whichever side the question names
    plan = ask(bundled_index, "UBND tỉnh Kon Tum triển khai Chương trình 51-CTr/TU về thực "
                              "hiện Nghị quyết 18-NQ/TW bằng kế hoạch nào?")  # fmt: skip
    programme = ask(bundled_index, "Kế hoạch 740/KH-UBND của UBND tỉnh Kon Tum triển khai "
                                   "chương trình nào của Tỉnh ủy?")  # fmt: skip
    assert plan.confident and "739/KH-UBND" in plan.text
    assert programme.confident and "53-CTr/TU" in programme.text


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Chương trình của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết 33-NQ/TW?", True),
        ("Công văn của Tỉnh ủy Kiên Giang về lãnh đạo Đại hội các dân tộc thiểu số?", True),
        ("Kế hoạch số mấy triển khai Đề án Văn hóa công vụ?", True),
        ("Chương trình 135 hỗ trợ bao nhiêu hộ?", False),  # a count, not a document
        ("Kế hoạch nhỏ của xã có hiệu quả ra sao?", False),
    ],
)
def test_a_question_opening_with_a_kind_of_document_asks_for_one(question, asks):
    assert _asks_document(_parse_question(question)) is asks


def test_a_document_asked_without_a_question_word_is_answered_with_its_number(bundled_index):
    answer = ask(bundled_index, "Chương trình của Ban Thường vụ Tỉnh ủy Kon Tum thực hiện Nghị "
                                "quyết 33-NQ/TW về Chiến lược bảo vệ biên giới quốc gia?")  # fmt: skip
    assert answer.confident and "87-CTr/TU" in answer.text and len(answer.text) < 60


@pytest.mark.parametrize(
    ("sentence", "point"),
    [
        ("Sáu là, tăng cường công tác kiểm tra, giám sát.", 6),
        ("- Một là, phải xác định công tác dân vận là trách nhiệm của cả hệ thống.", 1),
        ("Thứ tư, đẩy mạnh cải cách hành chính.", 4),
        ("Hai là việc xây dựng chương trình", None),  # no comma: not an enumerated point
        ("Năm 2019, tổ chức 13 cuộc đối thoại.", None),  # a year, not "Năm là,"
    ],
)
def test_the_point_a_sentence_opens(sentence, point):
    assert _item_number(sentence) == point


def test_the_point_asked_of_an_enumeration(bundled_index):
    # the lessons are "Một là, …", "Hai là, …": the third is asked, not the sentence that
    # introduces them ("… tỉnh Kon Tum rút ra một số kinh nghiệm sau:")
    question = ("Bài học kinh nghiệm thứ ba của Kon Tum sau 10 năm thực hiện Nghị quyết 25 về "
                "công tác dân vận là gì?")  # fmt: skip
    assert _parse_question(question).item == 3
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert answer.text.startswith("Ba là")


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Vụ án mà Tòa án xét xử ngày 27-4-2020 xảy ra ngày nào?", set()),  # names the trial
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", {"2019"}),
        ("Ngày 22/7/2019 và năm 2020 có bao nhiêu cuộc?", {"2020"}),
    ],
)
def test_a_date_the_question_gives_is_no_year_asked(question, years):
    assert _parse_question(question).years == frozenset(years)


def test_a_date_the_question_gives_finds_its_sentence(bundled_index):
    # "Ngày 27-4-2020, Tòa án … xét xử … vụ án … xảy ra ngày 24-7-2019": 2020 names the trial;
    # the incident of the other trial ("Ngày 11-5-2020 …") is not the answer
    answer = ask(bundled_index, "Vụ án “Chống người thi hành công vụ” mà Tòa án TP Kon Tum xét "
                                "xử ngày 27-4-2020 xảy ra ngày nào?")  # fmt: skip
    assert answer.confident and "24-7-2019" in answer.text


@pytest.mark.parametrize(
    ("sentence", "number", "words"),
    [
        ("làm mới 188 km, tu sửa 425 km đường giao thông nông thôn", "188",
         "km đường giao thông"),  # the thing written after the last figure
        ("cuốn trôi 07 căn nhà, đổ sập 92 căn, tốc mái 161 căn", "161",
         "căn nhà"),  # after the first
        ("tiếp đón định kỳ 67 cuộc, đột xuất 09 cuộc", "67", "cuộc"),  # no thing written
        ("đã giải quyết 30 đơn, còn 12 vụ việc tồn đọng", "30", "đơn"),  # another unit
    ],
)  # fmt: skip
def test_parallel_figures_share_the_thing_written_once(sentence, number, words):
    start = sentence.index(f" {number} ") + 1
    found = _thing_words(sentence, start + len(number), start)
    assert " ".join(w.group() for w in found).startswith(words)


def test_a_number_the_question_gives_must_be_in_the_answers_sentence(bundled_index):
    # the reports count OCOP products, never by their stars
    question = "Kon Tum có bao nhiêu sản phẩm OCOP đạt 5 sao?"
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert answer.score <= ANY_CONFIDENCE.threshold - 0.5
    assert not ask(bundled_index, question).confident


def test_a_name_the_sentence_does_not_write_lowers_confidence(bundled_index):
    question = "Bộ đội Biên phòng tỉnh Kon Tum đóng góp bao nhiêu ngày công giúp dân?"
    checked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, unnamed=0.6))
    unchecked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, unnamed=0.0))
    assert checked.score <= unchecked.score - 0.15  # "Biên phòng" unwritten: 0.6 × 1/3


def test_a_guess_between_documents_of_a_list_is_not_confident(bundled_index):
    # three decisions of one sentence, each "ban hành Quy định về … cán bộ": which one is meant
    # is a guess
    question = (
        "Quy định về luân chuyển cán bộ của Tỉnh ủy Kon Tum được ban hành bằng quyết định số mấy?"
    )
    unsure = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=1.0))
    unchecked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=0.0))
    assert unsure.score == pytest.approx(unchecked.score - 1.0)


@pytest.mark.parametrize(
    ("question", "paired", "slots"),
    [
        # "X và Y" before the only question word: one value the report may write for both
        ("Năm 2019 Kiên Giang xây mới và sửa chữa được bao nhiêu căn nhà?", "mới và sửa", 2),
        # the words after it name one thing, not two values
        ("Kiên Giang duy trì cơ chế một cửa tại bao nhiêu đơn vị sự nghiệp thuộc Sở Giáo dục "
         "và Đào tạo?", None, 1),
        # … unless the verb repeats: two values
        ("cuoi nam 2022 bao nhieu ho dtts kon tum thoat ngheo va thoat can ngheo", None, 2),
        ("bao nhiêu lượt, bao nhiêu người?", None, 2),
    ],
)  # fmt: skip
def test_the_values_a_question_asks(question, paired, slots):
    parsed = _parse_question(question)
    assert parsed.paired == paired
    assert len(parsed.slots) == slots


def test_a_value_the_report_writes_for_both_verbs_is_a_whole_answer(bundled_index):
    # "tài trợ cát mới và sửa chữa 1.560 căn nhà tình nghĩa …": one figure for both
    answer = ask(bundled_index, "Năm 2019 Kiên Giang xây mới và sửa chữa được bao nhiêu căn nhà "
                                "tình nghĩa, nhà đại đoàn kết?")  # fmt: skip
    assert answer.confident and "1.560 căn" in answer.text


def test_the_footnotes_a_hit_cites_can_answer(either_index):
    # the body says "Phối hợp … tổ chức thành công “Tết Quân-Dân” …¹⁵"; only footnote 15
    # gives the money: "… với số tiền trên 7,2 tỷ đồng"
    question = "“Tết Quân-Dân” điểm năm 2019 của Kiên Giang huy động được bao nhiêu tiền?"
    body = next(p for doc_id in either_index.documents for p in either_index.passages_of(doc_id)
                if "“Tết Quân-Dân” điểm" in p.text and p.kind == "body")  # fmt: skip
    answer = extract_answer(question, [Hit(body, 1, 1.0)], either_index, ANY_CONFIDENCE)
    assert "7,2 tỷ đồng" in answer.text
    assert answer.passage.kind == "footnote"


@pytest.mark.parametrize(
    "question",
    ["ty le ho ngheo kien giang nam 2019", "Năm 2019 tỷ lệ hộ nghèo ở Kiên Giang còn bao nhiêu?"],
)
def test_the_year_a_figure_is_compared_with_is_not_its_year(bundled_index, question):
    # "tỷ lệ hộ nghèo còn 2,69%, giảm 1,45%, cận nghèo 4,59%, giảm 0,09% so với năm 2018"
    answer = ask(bundled_index, question, settings=NUMBERS_UNDOUBTED)
    assert answer.confident and answer.text == "2,69%"


def test_a_document_is_given_with_the_date_that_opens_its_sentence(bundled_index):
    # "Ngày 09-9-2019, Ban Thường vụ Tỉnh ủy ban hành Quyết định số 1451-QĐ/TU thành lập …"
    answer = ask(
        bundled_index, "Ban Chỉ đạo 35 của tỉnh Kon Tum được thành lập theo quyết định nào?"
    )
    assert answer.confident
    assert "1451-QĐ/TU" in answer.text and "09-9-2019" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "năm 2015: HTXSNV 11,66%, HTTNV 75,60%, …; năm 2016: HTXSNV 11,08%, HTTNV 76,75%, …":
        # the acronym spelled out in the question, the year that labels the row
        ("ty le dang vien hoan thanh xuat sac nhiem vu nam 2015 o kon tum", "11,66%"),
        ("Năm 2016 tỷ lệ đảng viên Kon Tum hoàn thành tốt nhiệm vụ là bao nhiêu?", "76,75%"),
        ("Năm 2017 tỷ lệ tổ chức cơ sở đảng trong sạch vững mạnh là bao nhiêu?", "54,18%"),
    ],
)
def test_a_table_row_of_acronyms_answers_the_words_they_stand_for(
    bundled_index, question, expected
):
    answer = ask(bundled_index, question)
    assert answer.confident and answer.text == expected


def test_a_figure_whose_own_words_say_less_is_no_rival(bundled_index):
    # "…; 06 đơn vị sự nghiệp thuộc Sở Giáo dục và Đào tạo; 03 đơn vị sự nghiệp thuộc Sở Y tế"
    question = ("Kiên Giang duy trì cơ chế một cửa tại bao nhiêu đơn vị sự nghiệp thuộc Sở Giáo "
                "dục và Đào tạo?")  # fmt: skip
    checked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=1.0))
    unchecked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, rival=0.0))
    assert checked.score == unchecked.score
    assert checked.text.startswith("06 đơn")


def test_a_value_led_by_fewer_of_the_questions_words_is_a_guess(bundled_index):
    # "Các cơ quan, đơn vị … đã tiếp 2.563 lượt/2.964 người …; UBND các xã, phường, thị trấn
    # tiếp 859 lượt/864 người": the question's bodies lead the part, not the total
    question = "cac xa phuong o kon tum tiep bao nhieu luot, bao nhieu nguoi den khieu nai to cao"
    checked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, led=1.0))
    unchecked = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, led=0.0))
    assert "2.563" in unchecked.text
    assert checked.score == pytest.approx(unchecked.score - 1.0)
    assert not ask(bundled_index, question).confident


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a dated document's year is its own, whatever section it is cited in
        ("Quyết định 1826-QĐ/TU của Ban Thường vụ Tỉnh ủy Kiên Giang về phát huy vai trò của "
         "nhân dân trong đấu tranh ngăn chặn suy thoái ban hành ngày nào?", "03-5-2019"),
        # "Văn bản số …" is a document too
        ("Văn bản của UBND tỉnh Kon Tum về phối hợp thực hiện Kế hoạch năm Dân vận chính quyền "
         "2019 theo Công văn 6888/VPCP-V.I là văn bản số mấy?", "2052/UBND-TD"),
    ],
)  # fmt: skip
def test_dated_documents_and_their_kinds(bundled_index, question, expected):
    answer = ask(bundled_index, question)
    assert answer.confident and expected in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # no unit asked, but money is: "kim ngạch", "viện trợ", "thu ngân sách"
        ("Thu ngân sách nhà nước trên địa bàn Kon Tum năm 2020 đạt bao nhiêu?", "3.505 tỷ đồng"),
        ("Viện trợ phi chính phủ nước ngoài vào Kon Tum năm 2019 được bao nhiêu?", "816.748 USD"),
        # "tăng từ bao nhiêu lên bao nhiêu" asks no unit "lên"
        ("GRDP bình quân đầu người Kon Tum tăng từ bao nhiêu lên bao nhiêu (2015-2020)?",
         "2.025 USD"),
        # the label before a number says what it counts: "già làng 282 người"
        ("Trong nhiệm kỳ, Kon Tum bồi dưỡng kiến thức quốc phòng, an ninh cho bao nhiêu già "
         "làng?", "282 người"),
        # "DTTS", "BTV" of the question are written out in the report
        ("Cán bộ lãnh đạo cấp huyện là người DTTS (diện BTV Tỉnh ủy quản lý) ở Kon Tum chiếm tỷ "
         "lệ bao nhiêu?", "39/127"),
    ],
)  # fmt: skip
def test_what_a_number_counts_when_the_question_does_not_say_it_alike(
    bundled_index, question, expected
):
    answer = ask(bundled_index, question, settings=NUMBERS_UNDOUBTED)
    assert answer.confident and expected in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "Thông báo kết luận số 1823-TB/TU" is the "thông báo số mấy" asked, not the
        # "Chương trình số 12-CTr/TU" of the same sentence
        ("Thông báo kết luận của BTV Tỉnh ủy Kiên Giang về kết quả giám sát thực hiện Kết luận "
         "114-KL/TW là thông báo số mấy, ngày nào?", "1823-TB/TU"),
        # "Quy định 101-QĐ/TW" (no "số") is a quy định like the others of its sentence
        ("Quy định của BTV Tỉnh ủy Kon Tum về trách nhiệm nêu gương của cán bộ, đảng viên là quy "
         "định số mấy, ngày nào?", "11-QĐi/TU"),
    ],
)  # fmt: skip
def test_the_kind_of_document_asked(bundled_index, question, expected):
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert expected in answer.text
    assert not answer.text.startswith(("Chương trình", "Quy định 101"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "cuốn trôi 07 căn nhà, đổ sập 92 căn, tốc mái 161 căn": the two values asked are one
        # answer, not rivals of each other
        ("Mưa bão, triều cường năm 2019 cuốn trôi bao nhiêu căn nhà và làm đổ sập bao nhiêu "
         "căn?", ("07 căn", "92 căn")),
        # "… 06 xã đạt từ 15-18 tiêu chí; 43 xã đạt từ 10-14 tiêu chí": the numbers the
        # question gives tell the clauses apart ("đến" is no word of the thing)
        ("Bao nhiêu xã của Kon Tum đạt từ 10 đến 14 tiêu chí nông thôn mới?", ("43 xã",)),
        # "1.080 đoạn đường do phụ nữ tự quản, 115 “Làng 5 không, 3 sạch”": the second value's
        # thing is quoted after it
        ("Hội Phụ nữ Kon Tum lập được bao nhiêu đoạn đường do phụ nữ tự quản và bao nhiêu “Làng "
         "5 không, 3 sạch”?", ("1.080 đoạn đường", "115")),
        # "đến năm 2020": what the 2015-2020 term reached
        ("Đến năm 2020 Kon Tum đã phát triển được bao nhiêu ha sâm Ngọc Linh?", ("630 ha",)),
        # a place the question names, written in the value's clause
        ("Vụ bắt giữ người trái pháp luật ở thôn Plei Sar, xã Ia Chim xảy ra ngày nào?",
         ("11-5-2019",)),
    ],
)  # fmt: skip
def test_scope_and_compound_answers_given_confidently(either_index, question, expected):
    answer = ask(either_index, question)
    assert answer.confident and all(part in answer.text for part in expected), answer.text


@pytest.mark.parametrize(
    ("question", "parts", "absent"),
    [
        # "bao nhiêu người" is answered in "đồng chí", and the count asked is in the next
        # sentence: "… 610 đồng chí. Trong đó, Tín nhiệm cao 483 đồng chí"
        ("Nhiệm kỳ 2015-2020 Kon Tum lấy phiếu tín nhiệm bao nhiêu đồng chí, bao nhiêu người "
         "đạt tín nhiệm cao?", ("610 đồng chí", "483 đồng chí"), ()),
        # what is counted is the label before each value: "cấp trưởng 47 đồng chí, cấp phó 111"
        ("Trong 158 lượt cán bộ diện BTV Tỉnh ủy Kon Tum được điều động, bổ nhiệm có bao nhiêu "
         "cấp trưởng, bao nhiêu cấp phó?", ("47 đồng chí", "111 đồng chí"), ()),
        # of the sums of money in the sentence, the one in the gifts' own clause
        ("MTTQ các cấp ở Kon Tum trao tặng bao nhiêu suất quà dịp lễ tết, tổng số tiền bao "
         "nhiêu?", ("119.913 suất quà", "44,2 tỷ đồng"), ("949 triệu",)),
        # a count of a total with its rate written after it: "(đạt tỷ lệ 91,6%)"
        ("Công đoàn Kon Tum tập hợp được bao nhiêu đoàn viên trên tổng số CNVCLĐ, đạt tỷ lệ bao "
         "nhiêu?", ("25.466 đoàn viên/27.772 CNVCLĐ", "91,6%"), ()),
        # two slots fit "04 vụ": it fills the one whose verb is written before it
        ("Kiên Giang có bao nhiêu vụ việc phức tạp, đông người, kéo dài và đã kiểm tra rà soát "
         "xong bao nhiêu vụ?", ("12 vụ", "rà soát xong 04 vụ"), ("kế hoạch",)),
        # an amount written in two units is one value
        ("Tết Nguyên đán 2019, Kiên Giang chi bao nhiêu tiền hỗ trợ và cho bao nhiêu hộ đồng "
         "bào DTTS?", ("1 tỷ 421 triệu đồng", "4.738 hộ"), ()),
    ],
)  # fmt: skip
def test_every_value_a_compound_question_asks(either_index, question, parts, absent):
    answer = ask(either_index, question, settings=ANY_CONFIDENCE)
    assert answer.confident, answer.sentence
    assert all(part in answer.text for part in parts), answer.text
    assert not any(word in answer.text for word in absent), answer.text
    start, end = answer.span
    assert answer.passage.text[start:end] == answer.text


def test_a_whole_compound_answer_is_surer(bundled_index):
    question = ("Các cơ quan kết nghĩa với xã đặc biệt khó khăn ở Kon Tum hằng năm huy động bao "
                "nhiêu tiền, giúp bao nhiêu hộ nghèo?")  # fmt: skip
    whole = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert "7 tỉ đồng" in whole.text and "200 hộ" in whole.text
    unrewarded = ask(bundled_index, question, settings=replace(ANY_CONFIDENCE, whole=0.0))
    assert whole.score == pytest.approx(unrewarded.score + ANY_CONFIDENCE.whole)


def test_a_value_asked_before_another_is_asked_alone():
    # "diện tích bao nhiêu và sản lượng mủ bao nhiêu": "và sản lượng" is the next value's
    parsed = _parse_question("Mục tiêu cây cao su của Kon Tum đến năm 2025: diện tích bao nhiêu "
                             "và sản lượng mủ bao nhiêu?")  # fmt: skip
    assert parsed.slots == (("diện", "tích", "bao nhiêu"), ("lượng", "mủ", "bao nhiêu"))


def test_a_name_written_after_ten_goi_is_the_answer(bundled_index):
    # "(Đã thành lập diễn đàn đấu tranh trên mạng xã hội với tên gọi Ngọc Linh Xanh; …"
    answer = ask(bundled_index, "dien dan dau tranh tren mang xa hoi cua kon tum ten la gi",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "Ngọc Linh Xanh"


def test_a_theme_asked_without_a_question_word_is_a_span(bundled_index):
    # "Chủ đề công tác năm 2020: “Năm Dân vận khéo”, …": the quoted theme, not the sentence
    answer = ask(bundled_index, "chu de cong tac dan van nam 2020 cua kien giang",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "Năm Dân vận khéo"


@pytest.mark.parametrize(
    ("question", "rank"),
    [
        # "tăng từ vị trí thứ 58/63 tỉnh, thành phố (năm 2015) lên vị trí thứ 42/63 … (năm
        # 2018) …; Chỉ số SIPAS tăng từ thứ 63/63 … (năm 2017) lên thứ 17/63 … (năm 2019)"
        ("Năm 2015 chỉ số PAPI của tỉnh Kon Tum xếp thứ mấy?", "58/63"),
        ("chi so SIPAS cua kon tum nam 2017 dung thu may", "63/63"),
        ("Chỉ số SIPAS của Kon Tum năm 2019 đứng thứ mấy?", "17/63"),
    ],
)
def test_a_rank_is_of_the_year_in_brackets_after_it(bundled_index, question, rank):
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert rank in answer.text and answer.facts[0].matches, answer.text


@pytest.mark.parametrize(
    "question",
    [
        # the 2019 rank written is SIPAS's, in its own clause; no PAPI rank for 2019
        "Năm 2019 Kon Tum xếp hạng PAPI thứ mấy?",
        # … and the 2018 one is PAPI's
        "Chỉ số SIPAS của Kon Tum năm 2018 đứng thứ mấy?",
    ],
)
def test_a_value_answers_for_the_index_its_clause_names(bundled_index, question):
    answer = ask(bundled_index, question)
    assert not answer.confident, answer.text


def test_a_rank_does_not_answer_what_an_index_reached(bundled_index):
    # "… lên thứ 17/63 tỉnh, thành phố (năm 2019) đạt 86,94%": "đạt bao nhiêu" is the score
    answer = ask(bundled_index, "Chỉ số SIPAS của Kon Tum năm 2019 đạt bao nhiêu?",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "86,94%"


@pytest.mark.parametrize(
    ("question", "count"),
    [
        # "Đến nay toàn tỉnh có 68/117 xã (58,1%) đạt chuẩn nông thôn mới, có 40/70 (57,1%) xã
        # có đồng bào dân tộc thiểu số": the words after the bracketed share are the count's
        ("Đến cuối năm 2019 Kiên Giang có bao nhiêu xã đạt chuẩn nông thôn mới?", "68/117 xã"),
        ("Kiên Giang có bao nhiêu xã có đồng bào dân tộc thiểu số đạt chuẩn nông thôn mới?",
         "40/70 (57,1%) xã"),
    ],
)  # fmt: skip
def test_a_count_with_its_share_in_brackets(bundled_index, question, count):
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert answer.text.startswith(count), answer.text


@pytest.mark.parametrize(
    ("sentence", "rate", "answer"),
    [
        ("đã giải quyết 302/318 đơn, đạt 94,97%", "94,97%", "302/318 đơn, đạt 94,97%"),
        ("Tỷ lệ hộ nghèo đến tháng 9/2023 còn 4,21% (1.812 hộ)", "4,21%", "4,21%"),  # a month
    ],
)
def test_a_share_comes_with_the_count_out_of_a_total_before_it(sentence, rate, answer):
    start = sentence.index(rate)
    a, b = _with_share(sentence, (0, len(sentence)), (start, start + len(rate)))
    assert sentence[a:b] == answer


@pytest.mark.parametrize(
    ("question", "rate"),
    [
        # a growth rate asked without a unit is a percentage, of each year of the period
        ("Giai đoạn 2016-2020, tăng trưởng kinh tế bình quân của tỉnh Kon Tum đạt bao nhiêu mỗi "
         "năm?", "9,13%/năm"),
        ("tang truong kinh te kien giang nam 2019 dat bao nhieu", "7,3%"),
    ],
)  # fmt: skip
def test_a_growth_rate_is_a_percentage(bundled_index, question, rate):
    answer = ask(bundled_index, question)
    assert answer.confident and answer.text == rate, (answer.text, answer.score)


def test_a_number_the_question_gives_of_another_thing_can_answer(bundled_index):
    # "Đã giảm được 35 đầu mối …, giảm 35 trưởng phòng và 06 biên chế": the 35 the question
    # gives counts đầu mối, the 35 asked counts trưởng phòng
    answer = ask(bundled_index, "Ngoài giảm 35 đầu mối, việc sắp xếp bộ máy các cơ quan cấp tỉnh "
                 "của Kon Tum còn giảm được bao nhiêu trưởng phòng và bao nhiêu biên chế?",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "35 trưởng phòng và 06 biên chế"


def test_a_name_after_ten_goi_may_open_with_a_toned_capital():
    sentence = "Xây dựng mô hình với tên gọi Ấp Văn Hóa Mới; kết quả tốt"
    assert _CALLED_RE.search(sentence).group(1) == "Ấp Văn Hóa Mới"


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("Tà đạo Hà Mòn do ai dựng lên và bằng sự kiện gì?", 2),
        ("Kết luận 07-KL/TW là về tiếp tục thực hiện chỉ thị nào, về công tác gì?", 2),
        ("Quy hoạch tỉnh là cho thời kỳ nào, tầm nhìn tới năm nào?", 2),
        ("Tà đạo Hà Mòn phát sinh khi nào?", 1),  # "khi nào" is one question word
        ("Công tác phản biện được nêu như thế nào?", 1),
        ("Năm 2019 tổ chức bao nhiêu cuộc đối thoại?", 1),
        ("Đầu năm 2020 toàn tỉnh làm gì?", 1),  # "đầu" is not "đâu", "toàn" not "nào"
        ("ta dao ha mon do ai dung len va bang su kien gi", 1),  # folded: not counted
    ],
)
def test_the_question_words_a_question_asks(question, count):
    assert _parse_question(question).asked_count == count


def test_two_questions_answered_by_one_span_are_not_confident(bundled_index):
    both = ask(bundled_index, "Tà đạo Hà Mòn do ai dựng lên và bằng sự kiện gì?")
    assert not both.confident and "Đức mẹ hiện hình" in both.sentence  # the evidence stays
    one = ask(bundled_index, "Tà đạo Hà Mòn được dựng lên bằng sự kiện gì?")
    assert one.confident and "Đức mẹ hiện hình" in one.text


def test_a_value_among_fewer_of_the_questions_words_is_a_guess(bundled_index):
    # the footnote on party members ranks first; the one on "TCCSĐ" (tổ chức cơ sở đảng)
    # holds more of the question's words: 11,32% is a guess, 7,15% the answer
    question = (
        "Năm 2016, tỷ lệ tổ chức cơ sở đảng ở Kon Tum được xếp loại hoàn thành nhiệm vụ (HTNV) "
        "là bao nhiêu?"
    )
    unchecked = ask(bundled_index, question, settings=replace(NUMBERS_UNDOUBTED, covered=0.0))
    assert unchecked.confident and unchecked.text == "11,32%"
    checked = ask(bundled_index, question, settings=NUMBERS_UNDOUBTED)
    assert not checked.confident
    assert checked.score == pytest.approx(unchecked.score - DEFAULT_SETTINGS.covered)


def test_a_subject_written_after_another_document_is_not_the_named_ones(bundled_index):
    # a footnote lists "… Quyết định 290-QĐ/TW … “về ban hành Quy chế công tác dân vận …”":
    # that subject is 290-QĐ/TW's, not the Kết luận asked about
    answer = ask(bundled_index, "Kết luận 08-KL/TW ngày 02-8-2011 của Ban Bí thư về vấn đề gì?")
    assert not answer.confident or "cốt cán" in answer.text
    assert "Quy chế công tác dân vận" not in (answer.text or "")
    # a count the named document's work gives is still answered
    counted = ask(
        bundled_index,
        "Kiên Giang năm 2019 tổ chức bao nhiêu cuộc giám sát theo Quyết định 217-QĐ/TW?",
    )
    assert counted.confident and "571 cuộc" in counted.text


@pytest.mark.parametrize(
    ("question", "parallel"),
    [
        ("Đại hội Mặt trận Tổ quốc tỉnh và Đại hội Đoàn tỉnh là lần thứ mấy?", True),
        ("ty le tang dan so tu nhien nam 2015 va nam 2020", True),
        ("Đại hội Công đoàn tỉnh và Đại hội Hội Nông dân tỉnh là lần thứ mấy?", True),
        ("Kiên Giang tổng kết Nghị quyết 25-NQ/TW và Kết luận 62-KL/TW khi nào?", False),
        ("Kế hoạch giữa Ban Dân vận Tỉnh ủy và Ban cán sự đảng UBND tỉnh số mấy?", False),
        ("Kon Tum có bao nhiêu tổ chức hành nghề luật sư và bao nhiêu luật sư?", False),  # 2 slots
    ],
)
def test_one_value_asked_of_two_parallel_subjects(question, parallel):
    assert _parse_question(question).parallel is parallel


def test_one_value_for_two_parallel_subjects_is_half_an_answer(bundled_index):
    answer = ask(
        bundled_index,
        "Đại hội Công đoàn tỉnh và Đại hội Hội Nông dân tỉnh Kon Tum trong nhiệm kỳ 2015-2020 "
        "là lần thứ mấy?",
    )
    assert not answer.confident or (
        "VIII" in answer.text and "X" in answer.text.replace("VIII", "")
    )
    assert "lần thứ VIII" in answer.sentence and "lần thứ X" in answer.sentence  # the evidence


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("Hai huyện nào của Kon Tum diễn tập khu vực phòng thủ chỉ đạt loại Khá?", 2),
        ("Ba tỉnh nào giáp Kon Tum?", 3),
        ("Năm nào Kon Tum được thành lập lại?", None),  # "năm nào": which year
        ("Kiên Giang tổng kết 20 năm chỉ thị nào của Bộ Chính trị?", None),
        ("hai huyen nao dat loai kha", None),  # folded "nam nao" would read as a count too
    ],
)
def test_how_many_things_a_which_question_asks_for(question, items):
    assert _parse_question(question).items == items


def test_a_list_of_another_length_than_asked_is_not_the_answer(bundled_index):
    question = "Hai huyện nào của Kon Tum diễn tập khu vực phòng thủ chỉ đạt loại Khá?"
    answer = ask(bundled_index, question)
    assert not answer.confident or answer.text.count(",") == 1
    assert "Đăk Hà, Sa Thầy" in answer.sentence


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("chi so PAPI nam 2019 cua kon tum xep thu may", {"PAPI"}),
        ("ty le dong bao DTTS o kon tum", {"DTTS"}),
        ("KON TUM CO BAO NHIEU DAN TOC", set()),  # typed in capitals: no names
    ],
)
def test_a_question_typed_without_diacritics_names_its_acronyms(question, names):
    assert _parse_question(question).names == names


def test_an_index_typed_without_diacritics_is_read_from_its_own_clause(bundled_index):
    # "Chỉ số PAPI … thứ 42/63 (năm 2018); Chỉ số SIPAS … thứ 17/63 (năm 2019)": no PAPI 2019
    answer = ask(bundled_index, "chi so PAPI nam 2019 cua kon tum xep thu may")
    assert not answer.confident or "17/63" not in answer.text


def test_the_number_of_a_report_is_read_from_its_header(either_index):
    answer = ask(
        either_index,
        "Báo cáo của Tỉnh ủy Kon Tum về kết quả thực hiện Nghị quyết Đại hội XV về công tác dân "
        "vận mang số hiệu gì và ký ngày nào?",
    )
    assert answer.confident and answer.text == "Số 16-BC/TU, ngày 11 tháng 11 năm 2020"
    assert answer.sentence.startswith(answer.text + " — Báo cáo")  # the number said once
    assert answer.passage.doc_id.startswith("000_")  # cited: the report itself


def test_a_draft_without_a_number_gets_no_number(bundled_index):
    # the công văn is a draft: "Số: /UBND-KGVX"; the numbers in its text are of other documents
    answer = ask(
        bundled_index,
        "Công văn của UBND tỉnh Kon Tum về nâng cao hiệu quả hoạt động công tác dân vận chính "
        "quyền các cấp mang số mấy?",
    )
    assert not answer.confident and answer.sentence.startswith("Không ghi số hiệu")


def test_a_document_a_report_cites_is_not_the_reports_own(either_index):
    answer = ask(
        either_index,
        "Công văn của UBND tỉnh Kon Tum năm 2016 về tăng cường công tác dân vận trong cơ quan "
        "hành chính nhà nước, chính quyền các cấp là công văn số mấy?",
    )
    assert answer.confident and "1276/UBND-KGVX" in answer.text


# -- document numbers, signers' titles, titled people, places in brackets ----------------------


def test_a_number_and_date_asked_together_get_the_reference_whole(bundled_index):
    question = ("Số hiệu và ngày ban hành của kế hoạch điều động, luân chuyển cán bộ do BTV "
                "Tỉnh ủy Kon Tum ban hành?")  # fmt: skip
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert "61-KH/TU" in answer.text and "13-6-2018" in answer.text, answer.text


def test_a_reports_own_number_asked_first_is_not_a_plan_it_cites(bundled_index):
    # "Số hiệu … của báo cáo …": the report's number — the Kế hoạch 26-KH/BDVTW its first
    # sentence cites is a document of another kind
    question = ("Số hiệu và ngày ký của báo cáo tổng kết nhiệm kỳ 2015-2020 về công tác dân vận "
                "do Ban Thường vụ Tỉnh ủy Kon Tum ban hành?")  # fmt: skip
    assert _asked_own_kind(_parse_question(question)) == "báo cáo"
    answer = ask(bundled_index, question)
    assert not answer.confident or "16-BC/TU" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Chuyên đề xây dựng Đảng, hệ thống chính trị gắn với Nghị quyết Trung ương 4 khóa XII "
         "do ai trình bày và người đó giữ chức vụ gì?", ("Huỳnh Tấn Phục", "Trưởng Ban Tổ chức")),
        ("Công văn UBND tỉnh Kon Tum về dân vận chính quyền do ai ký, với chức danh gì?",
         ("Nguyễn Văn Hòa", "CHỦ TỊCH")),
    ],
)  # fmt: skip
def test_a_signer_asked_with_a_title_is_answered_with_both(bundled_index, question, parts):
    answer = ask(bundled_index, question)
    assert answer.confident and all(part in answer.text for part in parts), answer.text


def test_a_title_named_in_place_of_a_person_is_read_whole(bundled_index):
    question = ("Ai làm Chủ tịch Hội đồng tuyển dụng cán bộ, công chức, viên chức khối Đảng, "
                "đoàn thể ở Kon Tum?")  # fmt: skip
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert "Phó Bí thư Thường trực Tỉnh ủy" in answer.text, answer.text


def test_a_place_narrowed_in_brackets_is_one_answer(bundled_index):
    question = "Ảnh bộ đội giao lưu với đồng bào Gié Triêng trong bài báo được chụp ở thôn, xã nào?"
    answer = ask(bundled_index, question, settings=ANY_CONFIDENCE)
    assert answer.text.startswith("thôn Nông Kon (xã Đăk Dục") and answer.text.endswith(")")


# -- shapes of other folders: a decision's effect, a list after "gồm:", a plan, a change -------

OTHER_SHAPES = (
    "Thực hiện Quyết định số 21/2024/QĐ-UBND ngày 05/3/2024 của UBND tỉnh ban hành Quy chế "
    "tiếp công dân, các huyện đã tổ chức quán triệt.\n"
    "Năm 2023, tiếp nhận 1.486 đơn, trong đó có 318 đơn thuộc thẩm quyền; đã giải quyết "
    "302/318 đơn, đạt 94,97%.\n"
    "Năm 2023, tội phạm về trật tự xã hội xảy ra 287 vụ, giảm 12 vụ so với năm 2022.\n"
    "Các xã đạt chuẩn nông thôn mới gồm: Tân Hợp, Tân Liên, Hướng Phùng và Tân Thành.\n"
    "Phấn đấu năm 2024 có thêm 02 xã (Thuận, Hướng Tân) đạt chuẩn nông thôn mới."
)


DECISION = """ỦY BAN NHÂN DÂN
TỈNH NINH THUẬN
Số: 21/2024/QĐ-UBND
Ninh Thuận, ngày 05 tháng 3 năm 2024
QUYẾT ĐỊNH
Ban hành Quy chế tiếp công dân tại trụ sở Ủy ban nhân dân tỉnh
Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp công dân tại trụ sở Ủy ban nhân dân tỉnh.
Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 3 năm 2024.
"""


@pytest.fixture(scope="module")
def shapes_index(tmp_path_factory) -> HybridIndex:
    folder = tmp_path_factory.mktemp("shapes")
    (folder / "qd.txt").write_text(DECISION, encoding="utf-8")
    return small_index(folder, {"bc.txt": OTHER_SHAPES})


def test_when_a_decision_takes_effect_is_not_when_it_was_signed(shapes_index):
    answer = ask(shapes_index, "Quyết định 21/2024/QĐ-UBND có hiệu lực từ ngày nào?",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert "15 tháng 3 năm 2024" in answer.text, answer.text


def test_a_count_and_its_rate_asked_together_include_the_rate(shapes_index):
    answer = ask(shapes_index, "Năm 2023 giải quyết được bao nhiêu đơn thuộc thẩm quyền, đạt "
                 "tỷ lệ bao nhiêu?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert "302/318" in answer.text and "94,97%" in answer.text, answer.text


def test_tang_hay_giam_is_a_second_question(shapes_index):
    question = "Năm 2023 tội phạm về trật tự xã hội xảy ra bao nhiêu vụ, tăng hay giảm?"
    assert _parse_question(question).asked_count == 2
    answer = ask(shapes_index, question)
    assert not answer.confident or "giảm 12 vụ" in answer.text, answer.text


def test_the_places_a_level_lists_after_gom_are_the_answer_not_a_plans(shapes_index):
    answer = ask(shapes_index, "Những xã nào đã đạt chuẩn nông thôn mới?", settings=ANY_CONFIDENCE)
    assert answer.text == "Tân Hợp, Tân Liên, Hướng Phùng và Tân Thành", answer.text


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("Thị trấn nào của huyện Kon Plông được thành lập trong nhiệm kỳ 2015-2020?", "Măng Đen"),
        ("Những thôn nào ở xã Ia Chim được Bí thư Tỉnh ủy và Chủ tịch UBND tỉnh Kon Tum đến "
         "đối thoại?", "Plei Sar"),
    ],
)  # fmt: skip
def test_a_name_whose_clause_writes_the_place_asked_fits_that_place(bundled_index, question, place):
    answer = ask(bundled_index, question)
    assert answer.confident and place in answer.text, (answer.text, answer.score)


def test_an_indexed_documents_own_number_is_asked_by_its_kind(shapes_index):
    # a decision of the folder (not only a "báo cáo"): its header's number and date
    question = ("Quyết định ban hành Quy chế tiếp công dân tại trụ sở Ủy ban nhân dân tỉnh Ninh "
                "Thuận mang số nào, ngày nào?")  # fmt: skip
    answer = ask(shapes_index, question)
    assert answer.confident and "21/2024/QĐ-UBND" in answer.text, answer.text
    assert "ngày 05 tháng 03 năm 2024" in answer.text, answer.text


# -- lists, levels, two units, a replaced act, a numbered part, a title's name ----------------

ROUND30 = (
    "Giai đoạn 2020 – 2024, Nhân dân trong huyện đã hiến 12.450m2 đất, đóng góp 3.120,5 triệu "
    "đồng và 8.300 ngày công để làm 21,4 km đường giao thông nông thôn.\n"
    "Từ năm 2020 đến năm 2024, toàn huyện đã công nhận 126 mô hình “Dân vận khéo” (cấp huyện "
    "24 mô hình, cấp xã 102 mô hình).\n"
    "Năm 2024, Chủ tịch UBND huyện tiếp đột xuất 04 lượt. Toàn huyện, UBND huyện tiếp 188 "
    "lượt/203 người; cấp xã tiếp 960 lượt/1.012 người.\n"
    "Năm 2024 có 54/61 xã, phường, thị trấn (88,5%) đạt loại tốt về thực hiện dân chủ.\n"
    "Trường có 38 phòng học, gồm 30 phòng lý thuyết và 08 phòng thực hành.\n"
    "Quyết định này thay thế Quyết định số 77/QĐ-UBND ngày 02/4/2018 của Ủy ban nhân dân xã.\n"
    "Ông Lê Văn Hòa, Phó Bí thư Thường trực Huyện ủy trao giấy khen cho các mô hình “Dân vận "
    "khéo” tiêu biểu năm 2024."
)


round30_index = one_report_index("round30_index", ROUND30)


def test_values_the_slots_cannot_tell_apart_are_answered_as_their_list(round30_index):
    answer = ask(round30_index, "Giai đoạn 2020–2024 người dân hiến bao nhiêu đất, góp bao nhiêu "
                 "tiền và ngày công?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "12.450m2 đất, đóng góp 3.120,5 triệu đồng và 8.300 ngày công", (
        answer.text
    )


def test_a_list_of_counts_does_not_answer_a_money_slot(round30_index):
    # "và tổng kinh phí bao nhiêu": the list of rooms holds no money
    answer = ask(round30_index, "Trường có bao nhiêu phòng học và tổng kinh phí đầu tư bao nhiêu?")
    assert not answer.confident, answer.text


def test_a_part_after_trong_do_is_not_answered_by_a_list(round30_index):
    answer = ask(round30_index, "Trường có tổng cộng bao nhiêu phòng học và trong đó có mấy "
                 "phòng thực hành tiền lâm sàng?")  # fmt: skip
    assert not answer.confident, answer.text


@pytest.mark.parametrize(
    "question",
    ["Từ 2020 đến 2024 huyện công nhận bao nhiêu mô hình Dân vận khéo, tách theo cấp huyện và "
     "cấp xã?", "Số mô hình Dân vận khéo được công nhận từ 2020 đến 2024, chia theo từng cấp?"],
)  # fmt: skip
def test_a_total_asked_by_level_comes_with_its_levels(round30_index, question):
    assert read_scope(question).by_level and not read_scope(question).level
    answer = ask(round30_index, question, settings=ANY_CONFIDENCE)
    assert all(part in answer.text for part in ("126", "24 mô hình", "102 mô hình")), answer.text


def test_two_units_asked_together_are_answered_by_a_value_with_both(round30_index):
    answer = ask(round30_index, "Năm 2024 UBND huyện tiếp bao nhiêu lượt/người?",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "188 lượt/203 người", answer.text


def test_a_rate_comes_with_the_count_written_before_it(round30_index):
    answer = ask(round30_index, "Tỷ lệ xã, phường, thị trấn đạt loại tốt về thực hiện dân chủ "
                 "năm 2024 là bao nhiêu?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert "54/61" in answer.text and "88,5%" in answer.text, answer.text


def test_a_replaced_act_is_not_the_act_asked(round30_index):
    answer = ask(round30_index, "Quy chế được ban hành kèm theo quyết định nào?")
    assert not answer.confident, answer.text
    replaced = ask(
        round30_index, "Quyết định này thay thế quyết định nào?", settings=ANY_CONFIDENCE
    )
    assert "77/QĐ-UBND" in replaced.text, replaced.text


def test_a_numbered_part_the_passage_never_names_is_not_answered(round30_index):
    answer = ask(round30_index, "Cơ sở 2 của trường có bao nhiêu phòng học?")
    assert not answer.confident, answer.text
    assert ask(round30_index, "Trường có bao nhiêu phòng học?").confident


@pytest.mark.parametrize(
    "question",
    ["Phó Bí thư Thường trực Huyện ủy tên là gì?", "pho bi thu thuong truc huyen uy ten la gi"],
)
def test_a_titles_name_is_a_person(round30_index, question):
    assert _parse_question(question).kind == "who"
    answer = ask(round30_index, question, settings=ANY_CONFIDENCE)
    assert "Lê Văn Hòa" in answer.text, answer.text


ROUND31 = (
    "Năm 2024, Nhân dân đóng góp 5.120,4 triệu đồng, hiến 2,1 ha đất và 9.800 ngày công, tham "
    "gia làm mới 21,4 km đường giao thông nông thôn.\n"
    "Năm học 2023-2024, trường có 540 học sinh, trong đó học sinh dân tộc Khmer 466 em (chiếm "
    "86,3%).\n"
    "Quý III/2024, Ban Tiếp công dân huyện tiếp 74 lượt/81 người; toàn huyện tổ chức 31 cuộc "
    "đối thoại với 2.117 lượt người.\n"
    "Năm 2024, Ban Tiếp công dân huyện tiếp 152 lượt/168 người; cấp xã tiếp 1.034 lượt/1.107 "
    "người.\n"
    "Mô hình “Phum sóc không có hộ nghèo” do Ban Quản trị chùa Sóc Xoài (xã Viên An) thực hiện.\n"
    "Đến nay 06/06 xã đạt chuẩn nông thôn mới, trong đó 03 xã đạt chuẩn nông thôn mới nâng cao "
    "(Lạc Hòa, Vĩnh Hải, Hòa Đông).\n"
    "Chín tháng năm 2023, tiếp nhận 174 đơn, trong đó 121 đơn thuộc thẩm quyền; đã giải quyết "
    "109 đơn.\n"
    "Năm 2023, huyện tiếp 96 lượt công dân, đạt 88,5% kế hoạch."
)


round31_index = one_report_index("round31_index", ROUND31)


def test_things_listed_after_one_question_word_are_answered_together(round31_index):
    question = "Năm 2024 dân đóng góp bao nhiêu tiền, đất và ngày công?"
    assert _parse_question(question).slots and len(_parse_question(question).slots) == 1
    answer = ask(round31_index, question, settings=ANY_CONFIDENCE)
    assert answer.text == "5.120,4 triệu đồng, hiến 2,1 ha đất và 9.800 ngày công", answer.text


def test_a_share_slot_is_filled_by_a_percentage(round31_index):
    answer = ask(round31_index, "Năm học 2023-2024 trường có bao nhiêu học sinh Khmer, chiếm tỷ "
                 "lệ bao nhiêu?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert "466 em" in answer.text and "86,3%" in answer.text, answer.text


def test_two_slots_are_answered_by_one_value_holding_both(round31_index):
    answer = ask(round31_index, "Quý III/2024 Ban Tiếp công dân huyện tiếp bao nhiêu lượt, bao "
                 "nhiêu người?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "74 lượt/81 người", answer.text


def test_a_body_of_one_level_gives_its_figure_that_level(round31_index):
    # "Ban Tiếp công dân huyện" is the district's, not the communes'
    answer = ask(round31_index, "Năm 2024 cấp xã tiếp công dân bao nhiêu lượt và bao nhiêu người?",
                 settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "1.034 lượt/1.107 người", answer.text


def test_chua_nao_asks_a_pagodas_name_not_a_models(round31_index):
    answer = ask(round31_index, "Mô hình Phum sóc không có hộ nghèo do ban quản trị chùa nào thực "
                 "hiện?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "chùa Sóc Xoài", answer.text


def test_what_is_not_is_not_answered_by_what_is(round31_index):
    # "chưa đạt" asked, the sentence names the communes that "đạt"
    answer = ask(round31_index, "Xã nào là xã duy nhất chưa đạt chuẩn nông thôn mới nâng cao?")
    assert not answer.confident, answer.text
    assert ask(round31_index, "Những xã nào đạt chuẩn nông thôn mới nâng cao?").confident


def test_a_rate_asked_is_not_answered_by_a_count(round31_index):
    # no percentage written: "121 đơn" is no rate
    question = "Số đơn thuộc thẩm quyền đã giải quyết trong 9 tháng, tỷ lệ bao nhiêu?"
    answer = ask(round31_index, question, settings=ANY_CONFIDENCE)
    assert not answer.confident and answer.text is None
    rate = ask(round31_index, "Năm 2023 huyện tiếp công dân đạt tỷ lệ bao nhiêu so với kế hoạch?",
               settings=ANY_CONFIDENCE)  # fmt: skip
    assert rate.confident and rate.text.startswith("88,5%"), rate.text


# -- round 33 (blind15 read) -------------------------------------------------------------------

ROUND33 = (
    "Giai đoạn 2020-2024, người đứng đầu cấp ủy, chính quyền tổ chức 101 cuộc đối thoại trực "
    "tiếp với Nhân dân.\n"
    "Số cuộc đối thoại theo năm: năm 2020: 15 cuộc; năm 2021: 12 cuộc; năm 2022: 22 cuộc; năm "
    "2023: 24 cuộc; năm 2024: 28 cuộc.\n"
    "Ông Nguyễn Văn Tình, thôn Phú Lễ hỏi: Dự án đường liên xã còn bao nhiêu hộ chưa nhận "
    "tiền bồi thường?\n"
    "Đồng chí Bùi Văn Nghĩa - Phó Giám đốc Ban Quản lý dự án huyện trả lời: Đã chi trả cho 37 "
    "hộ; còn 05 hộ chưa nhận.\n"
    "Đến ngày 20/9/2024 đã chi trả tiền bồi thường cho 37 hộ; Ban Quản lý dự án cam kết chi trả "
    "xong cho các hộ còn lại trước ngày 15/11/2024.\n"
)


round33_index = one_report_index("round33_index", ROUND33)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Năm 2021 tổ chức bao nhiêu cuộc đối thoại với Nhân dân?", "12 cuộc"),
        ("nam 2023 to chuc may cuoc doi thoai", "24 cuộc"),
    ],
)
def test_an_entry_of_a_list_by_year_counts_what_the_lists_head_names(
    round33_index, question, expected
):
    # "năm 2021: 12 cuộc" is labelled by its year; the list's head says what is counted
    answer = ask(round33_index, question, settings=ANY_CONFIDENCE)
    assert answer.text == expected, answer.text


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Ai trả lời về tiền bồi thường dự án đường liên xã?", "Nguyễn Văn Tình"),
        ("Ai hỏi về tiền bồi thường dự án đường liên xã?", "Bùi Văn Nghĩa"),
    ],
)
def test_who_answered_is_not_who_asked(round33_index, question, name):
    # dialogue minutes: "<name> hỏi: …", then "<name> - <title> trả lời: …"
    answer = ask(round33_index, question, settings=ANY_CONFIDENCE)
    assert answer.text is None or name not in answer.text, answer.text
    (passage,) = [p for p in round33_index.passages if name in p.text]
    start = passage.text.index(name)
    other = _Candidate(Hit(passage, 1, 1.0), (0, len(passage.text)), (start, start + len(name)),
                       None)  # fmt: skip
    assert _other_role(_parse_question(question), other)


def test_a_deadline_asked_is_the_date_after_truoc(round33_index):
    # "Đến ngày 20/9/2024 đã chi trả …" dates what was done; the deadline is "trước ngày …"
    answer = ask(round33_index, "Hạn chót chi trả xong tiền bồi thường cho các hộ còn lại là "
                 "ngày nào?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert answer.text == "ngày 15/11/2024", answer.text


ROUND34 = (
    "Ý kiến 2: Bà Giàng Thị Mai, thôn Mã Pì Lèng, phản ánh: Nhà ở của gia đình bị sạt lở ngày "
    "18/7/2023 do mưa lớn kéo dài; đề nghị được hỗ trợ di dời.\n"
    "Trả lời: Ngày 22/7/2023, UBND xã đã hỗ trợ khẩn cấp cho hộ bà Mai 10 triệu đồng.\n"
    "Giao công chức địa chính hoàn thành bàn giao đất tái định cư cho hộ bà Giàng Thị Mai trước "
    "ngày 30/6/2024.\n"
    "Năm 2021 toàn huyện tổ chức được 168 cuộc đối thoại; năm 2024 tổ chức 276 cuộc, trong đó "
    "cấp huyện 58 cuộc, cấp xã 214 cuộc.\n"
    "Số đơn khiếu nại thuộc thẩm quyền 42 đơn, đã giải quyết 38 đơn, đạt 90,5%. Qua giải quyết, "
    "khiếu nại đúng 05 đơn, đúng một phần 09 đơn, sai 24 đơn.\n"
)
round34_index = one_report_index("round34_index", ROUND34)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the landslide, not the aid nor the deadline beside the same name
        ("Nhà bà Giàng Thị Mai bị sạt lở vào ngày nào?", "ngày 18/7/2023"),
        ("UBND xã hỗ trợ khẩn cấp cho hộ bà Mai vào ngày nào?", "Ngày 22/7/2023"),
    ],
)
def test_a_date_is_the_one_whose_clause_tells_the_event_asked(round34_index, question, expected):
    answer = ask(round34_index, question, settings=ANY_CONFIDENCE)
    assert answer.text == expected, answer.text


def test_a_bare_unit_counts_the_thing_its_sentence_wrote_before(round34_index):
    # "168 cuộc đối thoại; năm 2024 tổ chức 276 cuộc": the 2024 figure counts dialogues too
    question = _parse_question("Năm 2024 cấp xã tổ chức bao nhiêu cuộc đối thoại?")
    sentence = ROUND34.splitlines()[3]
    start = sentence.index("276 cuộc")
    assert _unit_score(question, sentence, start, start + 3, False) == 1.0
    cut = sentence[sentence.index("năm 2024") :]  # the thing not written before it
    assert _unit_score(question, cut, 17, 20, False) < 1.0, cut[17:20]


def test_a_value_counts_the_thing_its_stretch_names_before_it(round34_index):
    # "Số đơn khiếu nại thuộc thẩm quyền 42 đơn": "đơn khiếu nại" written five words before
    answer = ask(round34_index, "Có bao nhiêu đơn khiếu nại thuộc thẩm quyền và đã giải quyết "
                 "bao nhiêu đơn?", settings=ANY_CONFIDENCE)  # fmt: skip
    assert "42 đơn" in answer.text and "38 đơn" in answer.text, answer.text


@pytest.fixture(scope="module")
def article_index(tmp_path_factory) -> HybridIndex:
    folder = tmp_path_factory.mktemp("article")
    (folder / "tin.txt").write_text(WEB_ARTICLE_AND_NOTICE, encoding="utf-8")
    result = load_reports([folder])
    return HybridIndex.build(
        result.passages, [d.document for d in result.documents], load_encoder()
    )


def test_an_articles_author_is_its_byline_not_a_person_it_quotes(article_index):
    answer = ask(article_index, "Bài viết về đồng bào K'Ho ở Phi Tô vươn lên thoát nghèo do ai "
                 "thực hiện?")  # fmt: skip
    assert answer.text == "K'Thuần - Hoàng Yến", answer.text


def test_a_number_the_question_counts_with_pins_only_the_same_count():
    # "trong 9 tháng" pins a clause that writes "9 tháng", not one that writes "09 đơn"
    question = _parse_question("Đã giải quyết bao nhiêu đơn khiếu nại trong 9 tháng năm 2024?")
    other = "Qua giải quyết, khiếu nại đúng 05 đơn, đúng một phần 09 đơn, sai 24 đơn."
    same = "Trong 9 tháng, khiếu nại đúng 05 đơn."
    assert _pin(question, other, other.index("05"), other.index("05") + 2) == 0.5
    assert _pin(question, same, same.index("05"), same.index("05") + 2) == 1.0


PARTS = (
    "Toàn tỉnh có 1.287 người có uy tín. Trong đó huyện Kỳ Sơn 226 người (dân tộc Mông 118 "
    "người, Khơ Mú 64 người, Thái 44 người), huyện Tương Dương 164 người.\n"
)
parts_index = one_report_index("parts_index", PARTS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Kỳ Sơn có bao nhiêu người có uy tín là người Mông?", "118 người"),  # the part named
        ("Huyện Kỳ Sơn có bao nhiêu người có uy tín?", "226 người"),  # the total
    ],
)
def test_a_part_of_a_total_that_the_question_names_answers(parts_index, question, expected):
    answer = ask(parts_index, question, settings=ANY_CONFIDENCE)
    assert answer.text == expected, answer.text


def test_a_name_that_labels_another_value_is_not_answered_by_this_one(parts_index):
    # only Kỳ Sơn's figure is split by people: Tương Dương's Thái are not written
    answer = ask(parts_index, "Tương Dương có bao nhiêu người có uy tín là người Thái?")
    assert not answer.confident, answer.text


# -- round 35 (blind17 read) -------------------------------------------------------------------

ROUND35 = (
    "Năm 2024, toàn huyện tiếp 520 lượt công dân (năm 2023 tiếp 470 lượt; 6 tháng đầu năm 2024 "
    "tiếp 240 lượt).\n"
    "Năm 2024 đã hỗ trợ xây mới 205 nhà cho hộ nghèo; trong đó xã Pa Ham xây mới 27 nhà, xã "
    "Huổi Lèng xây mới 19 nhà.\n"
    "Ngân hàng Chính sách xã hội giải ngân cho 96 hộ vay; riêng bản Nậm Cang có 11 hộ được vay.\n"
)
round35_index = one_report_index("round35_index", ROUND35)


@pytest.mark.parametrize(
    ("question", "expected", "scope"),
    [
        # the year's total, not the half-year in the bracket after it, nor the year before
        ("Năm 2024 huyện tiếp bao nhiêu lượt công dân?", "520 lượt", "năm 2024"),
        ("6 tháng đầu năm 2024 huyện tiếp bao nhiêu lượt công dân?", "240 lượt",
         "6 tháng đầu năm 2024"),
        # the commune's share of the year the sentence opens with, not the district's total
        ("Năm 2024 xã Pa Ham được hỗ trợ xây mới bao nhiêu nhà?", "27 nhà", "xã Pa Ham"),
        # a village of the north-west ("bản") is a place
        ("Bản Nậm Cang có bao nhiêu hộ được vay vốn?", "11 hộ", "bản Nậm Cang"),
    ],
)  # fmt: skip
def test_a_part_of_the_year_and_a_place_within_a_sentence_decide_the_figure(
    round35_index, question, expected, scope
):
    answer = ask(round35_index, question)
    assert (answer.text, answer.confident) == (expected, True), answer
    assert scope in answer.scope, answer.scope


@pytest.mark.parametrize(
    ("place", "named"),
    [
        ("thị xã Long Mỹ", True),  # "TX. Long Mỹ"
        ("huyện Long Mỹ", False),  # another level of the same name
        ("Long Mỹ", True),
    ],
)
def test_a_table_row_names_its_place_with_or_without_its_level(place, named):
    row = "Đơn vị: TX. Long Mỹ; Kết quả công nhận năm 2024: 121; Chỉ tiêu năm 2025: 125."
    assert _row_names(row, place) is named
    assert _row_names("Xã: Sơn Liên; Tổng số hộ: 521; Hộ nghèo: 241", "xã Sơn Liên")


def test_a_table_rows_bare_value_counts_what_its_caption_names():
    row = "Đơn vị: TX. Long Mỹ; Kết quả công nhận năm 2024: 121; Chỉ tiêu năm 2025: 125."
    caption = 'PHỤ LỤC. Kết quả công nhận mô hình "Dân vận khéo" năm 2024'
    passage = Passage("d:p0009", "d", row, "body", (caption,), None, (), 1, 1, 0, len(row))
    question = _parse_question("Thị xã Long Mỹ được giao chỉ tiêu bao nhiêu mô hình?")
    assert _caption_unit(question, Hit(passage, 1, 1.0), row) == 1.0
    prose = "Năm 2024 công nhận 121 mô hình."  # not a row: its own words say what it counts
    assert _caption_unit(question, Hit(passage, 1, 1.0), prose) == 0.0
    asked_else = _parse_question("Thị xã Long Mỹ có bao nhiêu hộ nghèo?")
    assert _caption_unit(asked_else, Hit(passage, 1, 1.0), row) == 0.0


def titled_index(folder, title: str, body: str) -> HybridIndex:
    """An index of one report titled ``title`` (its period) holding ``body``."""
    (folder / "bc.txt").write_text(f"BÁO CÁO\n{title}\n-----\n{body}\n", encoding="utf-8")
    result = load_reports([folder])
    return HybridIndex.build(
        result.passages, [d.document for d in result.documents], load_encoder()
    )


@pytest.fixture(scope="module")
def plan_index(tmp_path_factory) -> HybridIndex:
    return titled_index(
        tmp_path_factory.mktemp("plan"), "sơ kết công tác dân vận năm 2025", PLAN_BODY
    )


PLAN_BODY = (
        "Thực hiện Công văn số 312-CV/BDVTU ngày 26/5/2025 của Ban Dân vận Tỉnh uỷ về báo cáo sơ "
        "kết công tác dân vận năm 2025, Ban Dân vận Huyện ủy Bù Gia Mập báo cáo như sau:\n"
        "I. KẾT QUẢ\n- Tham mưu Ban Thường vụ Huyện ủy ban hành 04 văn bản lãnh đạo, chỉ đạo về "
        "công tác dân vận, nổi bật là Kế hoạch số 186-KH/HU ngày 14/02/2025 về thực hiện công tác "
    "dân vận năm 2025; ban hành Hướng dẫn số 19-HD/BDVHU ngày 03/3/2025 về xây dựng mô hình."
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Kế hoạch thực hiện công tác dân vận năm 2025 là văn bản nào?", {"văn bản", "kế hoạch"}),
        ("Văn bản nào quy định việc tiếp công dân?", {"văn bản"}),
        ("Kế hoạch số mấy quy định việc tiếp công dân?", {"kế hoạch"}),
    ],
)
def test_the_kind_a_question_opens_with_is_asked_for(question, kinds):
    assert _asked_document_kinds(_parse_question(question)) == kinds


def test_a_question_opening_with_a_kind_of_document_asks_for_one_of_that_kind(plan_index):
    # "Kế hoạch … là văn bản nào": the Kế hoạch, not the Công văn that opens the report
    question = "Kế hoạch thực hiện công tác dân vận năm 2025 của Huyện ủy là văn bản nào?"
    answer = ask(plan_index, question)
    assert answer.confident and answer.text.startswith("Kế hoạch số 186-KH/HU")


@pytest.fixture(scope="module")
def school_index(tmp_path_factory) -> HybridIndex:
    """blind18's school self-assessment (a tune folder): its real sentences."""
    folder = tmp_path_factory.mktemp("school")
    shutil.copy(next((GOLD_DIR / "blind18_reports").glob("901_*.txt")), folder)
    result = load_reports([folder])
    return HybridIndex.build(
        result.passages, [d.document for d in result.documents], load_encoder()
    )


def test_a_guess_between_the_people_of_one_sentence_is_not_confident(school_index):
    # "đồng chí Hà Văn Khiêm … làm Phó Chủ tịch, đồng chí Lý Thị Hồng Nhung … làm thư ký":
    # which of the two is the one asked is a guess (it was "Hà Văn Khiêm", confident)
    answer = ask(school_index, "Ai là Chủ tịch Hội đồng trường THCS Khang Ninh?")
    assert not answer.confident or "Khiêm" not in answer.text


@pytest.fixture(scope="module")
def callers_index(tmp_path_factory) -> HybridIndex:
    return titled_index(tmp_path_factory.mktemp("callers"), "kết quả công tác dân vận năm 2024", (
        "I. KẾT QUẢ\nToàn tỉnh tiếp 1.498 lượt công dân (9 tháng đầu năm 2024 tiếp 1.126 lượt), "
        "trong đó Bí thư Tỉnh ủy tiếp công dân định kỳ 12 kỳ với 86 lượt công dân."
    ))  # fmt: skip


def test_a_value_of_the_whole_is_not_what_the_one_named_in_its_sentence_did(callers_index):
    # the Bí thư's 86 lượt are the year's; the 1.126 of 9 months are the province's
    answer = ask(callers_index, "9 tháng đầu năm 2024 Bí thư Tỉnh ủy tiếp bao nhiêu lượt công dân?")
    assert not answer.confident


# a school's self-assessment: figures in a table over school-year columns (blind19's shape)
ROUND36 = (
    "BÁO CÁO TỰ ĐÁNH GIÁ\nTrường Tiểu học Tân Tri\n\n1. Số lớp học và số học sinh\n"
    "Năm học\t2019-2020\t2020-2021\t2021-2022\t2022-2023\n"
    "Số lớp\t14\t14\t13\t14\nSố học sinh\t362\t355\t341\t358\n"
    "Học sinh khuyết tật học hòa nhập\t3\t2\t2\t4\n"
    "Tỷ lệ học sinh hoàn thành chương trình lớp học (%)\t98,6\t99,2\t100\t99,4\n"
    "Năm học 2021-2022 giảm 01 lớp do ghép lớp 4 và lớp 5 tại điểm lẻ Nà Lay.\n"
)
round36_index = one_report_index("round36_index", ROUND36)


def test_a_table_over_school_years_answers_for_the_year_asked(round36_index):
    answer = ask(round36_index, "Năm học 2021-2022 trường Tân Tri có mấy lớp?")
    best = answer.facts[0].fact  # the best match first: not "01 lớp", said of that year too
    assert (best.value, best.scope.years, best.label) == ("13", (2021, 2022), "Số lớp năm học")


def test_a_rate_row_counts_no_pupils(round36_index):
    # "Tỷ lệ học sinh … (%)": 100 is a share, not a number of pupils; the row that counts them
    # and says no more than asked ("Số học sinh") goes before "Học sinh khuyết tật …"
    answer = ask(round36_index, "Năm học 2021-2022 trường Tân Tri có bao nhiêu học sinh?")
    assert [m.fact.value for m in answer.facts[:2]] == ["341", "2"]


ROUND36_LIST = (
    "BÁO CÁO\nKết quả giải quyết khiếu nại, tố cáo giai đoạn 2019 - 2021\n\n"
    "4. Kết quả giải quyết khiếu nại\n- Theo từng năm: năm 2019 giải quyết 38/40 vụ (95,0%); năm "
    "2020 giải quyết 29/30 vụ (96,7%); năm 2021 giải quyết 24/26 vụ (92,3%).\n\n"
    "5. Kết quả giải quyết tố cáo\n- Số vụ việc tố cáo thuộc thẩm quyền 23 vụ (năm 2019: 10 vụ; "
    "năm 2020: 08 vụ; năm 2021: 05 vụ), đã giải quyết 22/23 vụ.\n"
)
round36_list_index = one_report_index("round36_list_index", ROUND36_LIST)


def test_a_year_in_a_bracketed_list_answers_for_the_total_before_it(round36_list_index):
    # "năm 2020: 08 vụ" breaks down "Số vụ việc tố cáo thuộc thẩm quyền 23 vụ": the words of
    # the total say what it counts (not the complaints' "29/30 vụ" of 2020)
    answer = ask(round36_list_index, "Năm 2020 có bao nhiêu vụ tố cáo thuộc thẩm quyền?")
    assert answer.facts[0].fact.value == "08 vụ"


ROUND36_NAMES = (
    'BÀI BÁO\nDân vận khéo ở khu phố\n\nTổ hòa giải "3 không" ở khu phố\n'
    'Ở khu phố 3, Tổ hòa giải "3 không" năm 2024 hòa giải thành 27/31 vụ việc. Bà Phan Thị '
    "Kim Loan, Tổ trưởng tổ hòa giải, là giáo viên nghỉ hưu.\n"
)
round36_names_index = one_report_index("round36_names_index", ROUND36_NAMES)


def test_a_movement_named_with_khong_asks_nothing_negated(round36_names_index):
    # "3 không" names a movement: "không ở" is not "not in" (the answer was refused)
    answer = ask(round36_names_index, "Ai làm tổ trưởng Tổ hòa giải 3 không ở khu phố 3?")
    assert answer.confident and answer.text == "Bà Phan Thị Kim Loan"


def test_a_name_after_its_title_is_labelled_by_it():
    # "5. Thư ký: <name> - công chức …": the title labels the name (a number's label must end
    # its entry: "Số phòng học: 131.")
    sentence = "5. Thư ký: Bà Võ Thị Ngọc Hân - công chức Văn phòng - Thống kê xã."
    start = sentence.index("Bà")
    end = start + len("Bà Võ Thị Ngọc Hân")
    assert _label_of(sentence, start, end, named=True) == "5. Thư ký"
    assert _label_of(sentence, start, end) is None


def test_a_memo_reads_the_candidates_once_and_changes_no_answer(results_index):
    # benchmarks.tune tries each setting on the same hits: the candidates are read once
    question = "Giải quyết được bao nhiêu đơn tố cáo, đạt bao nhiêu %?"
    hits = results_index.search(question, k=5)
    memo: dict = {}
    for settings in (DEFAULT_SETTINGS, replace(DEFAULT_SETTINGS, scope=1.5, unit=0.5, rival=0.4)):
        plain = extract_answer(question, hits, results_index, settings)
        kept = extract_answer(question, hits, results_index, settings, memo)
        assert (kept.text, kept.score, kept.facts) == (plain.text, plain.score, plain.facts)
    assert memo["candidates"]
