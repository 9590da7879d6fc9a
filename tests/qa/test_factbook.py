"""The places a question may name, on both backends: read from the fact book (each document's
places stored or extracted with its facts), the same as scanning every passage's text."""

from __future__ import annotations

from baocao.corpus.facts import PLACE_RE
from baocao.qa.factbook import fact_book, known_places, load_facts
from baocao.qa.scope import read_scope


def _scanned(index) -> tuple[str, ...]:
    """What known_places found before places were stored: every passage's text scanned."""
    found = {f"{m.group(1)} {m.group(2)}" for p in index.texts()
             for m in PLACE_RE.finditer(p.text)}  # fmt: skip
    return tuple(sorted(place for place in found if not place.startswith("tỉnh")))


def test_known_places_come_from_the_fact_book(either_index):
    book = fact_book(either_index)
    assert set(book.places) == set(either_index.documents)
    assert known_places(either_index) is book.known_places
    assert known_places(either_index) == _scanned(either_index)
    assert {"huyện Đăk Hà", "huyện Sa Thầy", "xã Hơ Moong"} <= set(book.known_places)
    assert not any(place.startswith("tỉnh") for place in book.known_places)


def test_an_unaccented_district_is_read_as_the_place_it_names(either_index):
    load_facts(either_index)
    asked = read_scope("huyen dak ha moi nam to chuc bao nhieu cuoc doi thoai",
                       known_places(either_index))  # fmt: skip
    assert "huyện Đăk Hà" in asked.places
