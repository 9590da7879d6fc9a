"""Aligning a Word export's footnote list with the line breaks its lost markers left."""

from __future__ import annotations

from baocao.corpus.footnotes import LostMarker, align


def marker(context: str, k: int = 0) -> LostMarker:
    return LostMarker(doc_index=0, block_id=1, offset=10 * k, line_no=k + 1, context=context)


def markers(*contexts: str) -> list[LostMarker]:
    return [marker(c, k) for k, c in enumerate(contexts)]


def test_equal_counts_link_in_order():
    got = align(["Gồm 3 xã.", "Gồm 5 thôn.", "Gồm 7 tổ."], markers("một", "hai", "ba"))
    assert got.marker_of == (0, 1, 2)
    assert got.notes == ()


def test_equal_counts_ignore_wording():
    # the footnotes repeat the words before the *other* marker; order still wins
    got = align(
        ["đối thoại trực tiếp với nông dân", "xây dựng mô hình dân vận khéo"],
        markers("xây dựng mô hình dân vận khéo", "đối thoại trực tiếp với nông dân"),
    )
    assert got.marker_of == (0, 1)


def test_no_footnotes_no_markers():
    got = align([], [])
    assert (got.marker_of, got.notes) == ((), ())


def test_anchors_pin_footnotes_and_equal_stretches_link():
    footnotes = [
        "Gồm 3 xã.",  # before the first anchor: 1 footnote, 1 marker -> linked
        "Tổ chức đối thoại trực tiếp với nông dân: 12 cuộc.",  # anchor -> marker 1
        "Số liệu của Sở Nội vụ.",  # between the anchors: 2 footnotes, 1 marker -> unlinked
        "Số liệu của Sở Tài chính.",
        "Xây dựng mô hình dân vận khéo: 2.500 mô hình.",  # anchor -> marker 3
    ]
    found = markers(
        "Toàn tỉnh có nhiều xã",
        "cấp ủy đã tổ chức đối thoại trực tiếp với nông dân",
        "ngân sách được bảo đảm",
        "toàn tỉnh đã xây dựng mô hình dân vận khéo",
    )
    got = align(footnotes, found)
    assert got.marker_of == (0, 1, None, None, 3)
    assert got.notes == (
        "5 footnotes but 4 lost markers found",
        "footnotes 3, 4 left unlinked: 2 footnotes but 1 lost markers between the neighbouring anchors",
    )


def test_unlinked_footnotes_know_a_marker_of_their_stretch():
    footnotes = ["Gồm 3 xã.", "Tổ chức đối thoại trực tiếp với nông dân.", "A.", "B."]
    got = align(footnotes, markers("xã", "đã tổ chức đối thoại trực tiếp với nông dân", "C"))
    assert got.marker_of == (0, 1, None, None)
    assert got.near == (0, 1, 2, 2)


def test_stretch_before_the_first_anchor_can_be_the_mismatched_one():
    footnotes = ["A.", "B.", "Đối thoại trực tiếp với nông dân: 12 cuộc.", "C."]
    got = align(footnotes, markers("việc một", "đã đối thoại trực tiếp với nông dân", "việc ba"))
    assert got.marker_of == (None, None, 1, 2)
    assert got.notes[1].startswith("footnotes 1, 2 left unlinked")


def test_ambiguous_anchor_does_not_anchor():
    footnote = "Đối thoại trực tiếp với nông dân: 12 cuộc."
    unique = align([footnote, "B.", "C."], markers("đã đối thoại trực tiếp với nông dân", "khác"))
    assert unique.marker_of == (0, None, None)
    twice = align(
        [footnote, "B.", "C."],
        markers("đã đối thoại trực tiếp với nông dân", "lại đối thoại trực tiếp với nông dân"),
    )
    assert twice.marker_of == (None, None, None)
    assert twice.notes[1] == (
        "footnotes 1, 2, 3 left unlinked: 3 footnotes but 2 lost markers between the neighbouring anchors"
    )


def test_two_shared_words_are_not_an_anchor():
    got = align(["Nông dân: 12 cuộc.", "B.", "C."], markers("với nông dân", "khác"))
    assert got.marker_of == (None, None, None)


def test_anchor_matching_ignores_case_and_tone_mark_style():
    # old-style "hoá" in the footnote, new-style "hóa" before the marker, different case
    got = align(
        ["Văn Hoá Cơ Sở được nâng lên.", "B.", "C."], markers("xây dựng văn hóa cơ sở", "khác")
    )
    assert got.marker_of == (0, None, None)


def test_footnotes_without_any_marker_stay_unlinked():
    got = align(["Gồm 3 xã."], [])
    assert got.marker_of == (None,)
    assert got.near == (None,)
    assert got.notes[-1].startswith("footnotes 1 left unlinked: 1 footnotes but 0 lost markers")
