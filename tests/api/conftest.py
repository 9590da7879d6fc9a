"""Fixtures for the API tests that run a real `baocao serve`."""

from __future__ import annotations

import os
import subprocess

import pytest
from server import BAOCAO

from baocao.corpus.loader import sample_corpus_dir


@pytest.fixture(scope="session")
def bundled_index_dir(bundled_index, tmp_path_factory):
    """The bundled reports indexed on disk (the embedding cache is warm from bundled_index)."""
    index_dir = tmp_path_factory.mktemp("served") / "index"
    built = subprocess.run(
        [str(BAOCAO), "index", str(sample_corpus_dir()), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env={**os.environ, "PYTHONUTF8": "1"}, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    return index_dir
