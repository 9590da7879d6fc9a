"""Facts in the embedded index: one line a document in facts.jsonl (its coverage, facts and
places), copied verbatim into the next build while the document's file is unchanged, parsed only
when a search process reads the book; a stale, old-layout, place-less or damaged facts.jsonl is
handled."""

from __future__ import annotations

import json
import shutil

import pytest

from baocao.corpus import facts as corpus_facts
from baocao.corpus.facts import FactBook, document_lines, is_current, line_head
from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.index import build as build_module
from baocao.index import store
from baocao.index.build import index_reports
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import FACTS_FILE, HybridIndex, read_fact_lines
from baocao.qa.factbook import fact_book, known_places

NEWS = "004_68f44c56ba93236f.txt"
LETTER = "002_6cf038721f193c12.txt"


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in (LETTER, NEWS):
        shutil.copy(sample_corpus_dir() / name, folder / name)
    return folder


def _index(corpus, index_dir, encoder):
    return index_reports([corpus], index_dir, encoder, cache=default_embedding_cache(),
                         progress=False)  # fmt: skip


def _lines(build) -> dict[str, str]:
    return {line_head(line)[0]: line for line in store.read_lines(build / FACTS_FILE)}


def _extracted(folder) -> FactBook:
    parsed = load_reports([folder], progress=False)
    return FactBook.extract([d.document for d in parsed.documents], parsed.passages)


def _no_extraction(monkeypatch):
    def refuse(*_):
        raise AssertionError("facts extracted again")

    monkeypatch.setattr(build_module, "extract_lines", refuse)


def _scanned(index) -> tuple[str, ...]:
    """The places the index's passages name, as known_places found them before they were
    stored: every passage's text scanned."""
    found = {f"{m.group(1)} {m.group(2)}" for p in index.passages
             for m in corpus_facts.PLACE_RE.finditer(p.text)}  # fmt: skip
    return tuple(sorted(place for place in found if not place.startswith("tỉnh")))


def _without_places(build) -> None:
    """Rewrite a build's facts.jsonl as written before places were stored, and reseal it."""
    book = HybridIndex.load(build.parent.parent, None).facts
    assert book is not None
    lines = document_lines(book.all_facts(), book.coverages)  # no places
    store.write_lines(build / FACTS_FILE, lines.values())
    store._seal(build)


def test_each_document_is_one_line_its_id_and_version_first(corpus, tmp_path, encoder):
    run = _index(corpus, tmp_path / "index", encoder)
    lines = store.read_lines(run.build / FACTS_FILE)
    heads = [line_head(line) for line in lines]
    assert [version for _, version in heads] == [corpus_facts.FACTS_VERSION] * 2
    assert all(is_current(line) for line in lines)
    assert [list(json.loads(line))[:3] for line in lines] == [["doc_id", "version", "places"]] * 2
    assert {doc_id for doc_id, _ in heads} == {"002_6cf038721f193c12", "004_68f44c56ba93236f"}
    assert all(
        json.loads(line)["doc_id"] == doc_id for line, (doc_id, _) in zip(lines, heads, strict=True)
    )
    assert run.seconds["facts"] > 0


def test_a_warm_rebuild_copies_the_lines_of_unchanged_files(corpus, tmp_path, encoder, monkeypatch):
    first = _index(corpus, tmp_path / "index", encoder)
    _no_extraction(monkeypatch)
    monkeypatch.setattr(corpus_facts, "read_document_line", None)  # and nothing is parsed
    second = _index(corpus, tmp_path / "index", encoder)
    assert {f.status for f in second.files} == {"unchanged"}
    written = (second.build / FACTS_FILE).read_bytes()
    assert written == (first.build / FACTS_FILE).read_bytes()


def test_a_changed_file_gets_a_new_line_the_others_are_kept(corpus, tmp_path, encoder):
    first = _index(corpus, tmp_path / "index", encoder)
    news = corpus / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("2.343", "2.344"), encoding="utf-8")
    second = _index(corpus, tmp_path / "index", encoder)
    before, after = _lines(first.build), _lines(second.build)
    assert after["002_6cf038721f193c12"] == before["002_6cf038721f193c12"]
    assert "2.344 cuộc" in after["004_68f44c56ba93236f"]
    assert "2.343 cuộc" not in after["004_68f44c56ba93236f"]
    (corpus / LETTER).unlink()
    third = _index(corpus, tmp_path / "index", encoder)
    assert list(_lines(third.build)) == ["004_68f44c56ba93236f"]


def test_a_search_process_parses_the_facts_on_first_use(corpus, tmp_path, encoder):
    _index(corpus, tmp_path / "index", encoder)
    index = HybridIndex.load(tmp_path / "index", encoder)
    assert index.fact_lines is not None and index._facts is None
    book = fact_book(index)
    assert book is index.facts
    assert book == _extracted(corpus)


def test_lines_of_another_extractor_version_are_extracted_again(
    corpus, tmp_path, encoder, monkeypatch
):
    current = corpus_facts.FACTS_VERSION
    with monkeypatch.context() as patch:
        patch.setattr(corpus_facts, "FACTS_VERSION", current - 1)
        stale = _index(corpus, tmp_path / "index", encoder)
    assert {line_head(line)[1] for line in store.read_lines(stale.build / FACTS_FILE)} == {
        current - 1
    }
    index = HybridIndex.load(tmp_path / "index", encoder)
    assert index.facts is None  # qa extracts them
    assert fact_book(index) == _extracted(corpus)
    fresh = _index(corpus, tmp_path / "index", encoder)
    assert {f.status for f in fresh.files} == {"unchanged"}
    assert {line_head(line)[1] for line in store.read_lines(fresh.build / FACTS_FILE)} == {current}
    assert HybridIndex.load(tmp_path / "index", encoder).facts == _extracted(corpus)


def test_a_build_with_one_record_a_line_is_read_and_regrouped(
    corpus, tmp_path, encoder, monkeypatch
):
    """Builds before document lines stored a version line, then coverages, then facts (and
    no places: the next build extracts them again, as lines without places)."""
    run = _index(corpus, tmp_path / "index", encoder)
    book = _extracted(corpus)
    store.write_jsonl(run.build / FACTS_FILE, book.to_records())
    store._seal(run.build)
    without_places = FactBook.of(book.all_facts(), book.coverages)
    assert HybridIndex.load(tmp_path / "index", encoder).facts == without_places
    assert len(read_fact_lines(run.build)) == 2
    again = _index(corpus, tmp_path / "index", encoder)
    assert set(_lines(again.build)) == {"002_6cf038721f193c12", "004_68f44c56ba93236f"}
    assert HybridIndex.load(tmp_path / "index", encoder).facts == book


def test_an_edited_facts_file_is_not_copied(corpus, tmp_path, encoder, caplog):
    run = _index(corpus, tmp_path / "index", encoder)
    path = run.build / FACTS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("2.343", "9.999"), encoding="utf-8")
    again = _index(corpus, tmp_path / "index", encoder)
    assert "not reused" in caplog.text and FACTS_FILE in caplog.text
    assert {f.status for f in again.files} == {"new"}
    assert "9.999" not in (again.build / FACTS_FILE).read_text(encoding="utf-8")
    assert HybridIndex.load(tmp_path / "index", encoder).facts == _extracted(corpus)


def test_lines_split_at_line_feeds_only(tmp_path):
    lines = [json.dumps({"text": "a\u2028b\x85c\u2029d"}, ensure_ascii=False), '{"x": 1}']
    store.write_lines(tmp_path / "f.jsonl", lines)
    assert store.read_lines(tmp_path / "f.jsonl") == lines


def test_places_are_read_from_the_stored_lines_not_the_passages(corpus, tmp_path, encoder):
    _index(corpus, tmp_path / "index", encoder)
    index = HybridIndex.load(tmp_path / "index", encoder)
    book = fact_book(index)
    assert set(book.places) == set(index.documents)
    assert known_places(index) == book.known_places == _scanned(index)
    assert "xã Hơ Moong" in known_places(index)  # named in the news article
    assert not any(place.startswith("tỉnh") for place in known_places(index))


def test_a_build_stored_without_places_is_scanned_then_extracted_again(
    corpus, tmp_path, encoder, monkeypatch
):
    """Lines written before places were stored: read without them (known_places scans the
    passages, as it did), and extracted again by the next build."""
    run = _index(corpus, tmp_path / "index", encoder)
    _without_places(run.build)
    assert not any(is_current(line) for line in store.read_lines(run.build / FACTS_FILE))
    index = HybridIndex.load(tmp_path / "index", encoder)
    assert index.facts is not None and index.facts.known_places is None
    assert index.facts.by_passage == _extracted(corpus).by_passage
    assert known_places(index) == _scanned(index)
    again = _index(corpus, tmp_path / "index", encoder)
    assert {f.status for f in again.files} == {"unchanged"}
    assert all(is_current(line) for line in store.read_lines(again.build / FACTS_FILE))
    reloaded = HybridIndex.load(tmp_path / "index", encoder)
    assert reloaded.facts == _extracted(corpus)
    _no_extraction(monkeypatch)  # and the build after copies them
    _index(corpus, tmp_path / "index", encoder)


def test_a_line_with_places_is_read_by_a_reader_that_knows_none(corpus, tmp_path, encoder):
    """The places are one more key: a reader written before them reads the rest as it did."""
    run = _index(corpus, tmp_path / "index", encoder)
    for line in store.read_lines(run.build / FACTS_FILE):
        record = json.loads(line)
        assert record["version"] == corpus_facts.FACTS_VERSION and record["places"] == sorted(
            record["places"]
        )
        coverage = corpus_facts.Coverage.from_dict(record["coverage"])
        facts = [corpus_facts.Fact.from_dict(fact) for fact in record["facts"]]
        assert line_head(line) == (coverage.doc_id, corpus_facts.FACTS_VERSION)
        assert all(fact.doc_id == coverage.doc_id for fact in facts)
