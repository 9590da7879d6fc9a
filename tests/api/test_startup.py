"""A server reads what its first question would otherwise wait for — the fact book, the places
and the words to mark — before it answers, on both backends."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from baocao.api.app import create_app_for
from baocao.corpus.loader import sample_corpus_dir
from baocao.index.backends import EMBEDDED, MILVUS, Backend
from baocao.index.build import index_reports
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder

NAMES = ("002_6cf038721f193c12.txt", "004_68f44c56ba93236f.txt")


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(sample_corpus_dir() / name, folder / name)
    return folder


@pytest.mark.parametrize("name", [EMBEDDED, pytest.param(MILVUS, marks=pytest.mark.milvus)])
def test_the_facts_are_read_before_the_first_question(tmp_path, reports, name):
    if name == MILVUS:
        pytest.importorskip("milvus_lite")
    backend = Backend(name, tmp_path / "index", str(tmp_path / "milvus.db"))
    encoder, cache = load_encoder(), default_embedding_cache()
    if name == MILVUS:
        backend.store.ingest([reports], encoder, (0, 1), cache)
    else:
        index_reports([reports], backend.index_dir, encoder, cache=cache, progress=False)
    app = create_app_for(backend, encoder, watch_seconds=0)
    catalog = app.state.live.current.value
    try:
        index = catalog.index
        assert index._facts is not None  # read from the stored lines, not on first use
        assert index.facts.known_places is not None and "xã Hơ Moong" in index.facts.known_places
        assert catalog.searcher._vocabulary is not None
        client = TestClient(app)
        answer = client.post("/ask", json={"question": "Từ năm 2014 đến nay bao nhiêu cuộc đối "
                                           "thoại được tổ chức?"})  # fmt: skip
        assert answer.status_code == 200 and "2.343" in (answer.json()["answer"] or "")
    finally:
        close = getattr(catalog.index, "close", None)
        if close:
            close()
