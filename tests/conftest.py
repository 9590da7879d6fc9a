"""Shared fixtures: the bundled seed reports, parsed once, and a tiny hand-checkable corpus."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from baocao.corpus.loader import sample_corpus_dir
from baocao.corpus.readers.decode import read_report_file
from baocao.corpus.readers.text import parse_text

SEED_STEMS = {
    "000": "000_9c3704398cac95ef",
    "001": "001_f0ce601e5f83c249",
    "002": "002_6cf038721f193c12",
    "003": "003_29c47c2db6e3739b",
    "004": "004_68f44c56ba93236f",
}

# The marks `make test-fast` leaves out (registered in pyproject.toml) follow the fixtures that
# need what they name, however deep in a test's fixtures they sit: Chromium, LibreOffice (the
# PDF fixtures), milvus-lite. Tests that start those another way carry the mark themselves.
MARKED_FIXTURES = {"browser": "browser", "pdf_files": "office", "milvus_bundled_index": "milvus"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, mark in MARKED_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(mark)


# A report small enough to check by hand: a Word-style footnote list (lost markers), the
# one-letter syllables "ở" and "y", and "Tỉnh ủy" written in NFC and in NFD.
TINY_REPORT = (
    "TỈNH ỦY KON TUM\n"
    "Số 01-BC/TU\n"
    "Kon Tum, ngày 02 tháng 3 năm 2021\n"
    "BÁO CÁO\n"
    "tình hình công tác dân vận năm 2020\n"
    "-----\n"
    "I. KẾT QUẢ\n"
    "1. Đối thoại với Nhân dân\n"
    "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại ở cơ sở\n"
    ", với 3.500 lượt người tham gia. Y tế xã được củng cố.\n"
    f"{unicodedata.normalize('NFD', 'Tỉnh ủy')} chỉ đạo sát sao.\n"
    "\n"
    "Nơi nhận:\n"
    "- Lưu VP.\n"
    "T/M BAN THƯỜNG VỤ\n"
    "BÍ THƯ\n"
    "Nguyễn Văn An\n"
    "\n"
    "\ufffd Trong đó, cấp huyện 20 cuộc, cấp xã 100 cuộc.\n"
)


@pytest.fixture(scope="session")
def seed_files():
    """{"000": ParsedFile, ...} for the five bundled reports."""
    parsed = {}
    for short, stem in SEED_STEMS.items():
        path = sample_corpus_dir() / f"{stem}.txt"
        parsed[short] = parse_text(read_report_file(path, path.name), path.name, stem)
    return parsed


@pytest.fixture
def tiny_report_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY_REPORT, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def gold_eval_set():
    """The gold questions over the bundled reports, with relevance judgements."""
    from baocao.eval.harness import gold_set

    return gold_set()


@pytest.fixture(scope="session")
def bundled_index(gold_eval_set):
    """A hybrid index of the bundled reports with the real encoder (the embedding cache in
    ~/.cache/baocao or $BAOCAO_CACHE_DIR makes later sessions fast; a cold build takes ~1 min)."""
    from baocao.index.embedding_cache import default_embedding_cache
    from baocao.index.encoders import load_encoder
    from baocao.index.hybrid import HybridIndex

    return HybridIndex.build(
        gold_eval_set.passages,
        gold_eval_set.documents,
        load_encoder(),
        cache=default_embedding_cache(),
        progress=False,
    )


@pytest.fixture(scope="session")
def milvus_bundled_index(gold_eval_set, tmp_path_factory):
    """The same passages in a milvus-lite collection (the Milvus backend)."""
    from baocao.index.backends import MILVUS, Backend
    from baocao.index.embedding_cache import default_embedding_cache
    from baocao.index.encoders import load_encoder

    backend = Backend(MILVUS, milvus_uri=str(tmp_path_factory.mktemp("milvus") / "bundled.db"))
    index = backend.store.from_passages(gold_eval_set.passages, gold_eval_set.documents,
                                  load_encoder(), default_embedding_cache())  # fmt: skip
    yield index
    index.close()


@pytest.fixture(
    scope="session", params=["embedded", pytest.param("milvus", marks=pytest.mark.milvus)]
)
def either_index(request):
    """The bundled reports in each backend: qa and API tests run on both."""
    return request.getfixturevalue(
        "bundled_index" if request.param == "embedded" else "milvus_bundled_index"
    )
