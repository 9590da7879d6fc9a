"""An index directory on disk: builds written aside, published by one atomic rename.

    <index_dir>/CURRENT            the id of the live build (replaced atomically)
    <index_dir>/builds/<id>/       manifest.json, documents.jsonl, passages.jsonl,
                                   bm25_*.npz + bm25_*.vocab.json, dense.faiss

A build is written into ``builds/<id>.partial`` and renamed when complete; ``CURRENT`` is
then replaced with ``os.replace``. A crash at any moment leaves the previous build live, and
a reader never sees half an index. The previous build is kept for readers still using it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from baocao import __version__

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
BUILDS = "builds"
PARTIAL = ".partial"
KEEP_BUILDS = 2
INDEX_DIR_ENV = "BAOCAO_INDEX_DIR"


class IndexUnusable(Exception):
    """An index that cannot be used as it is; the message says how to rebuild it."""


def default_index_dir() -> Path:
    """``$BAOCAO_INDEX_DIR`` or ``~/.local/share/baocao/index``."""
    env = os.environ.get(INDEX_DIR_ENV)
    return Path(env) if env else Path.home() / ".local" / "share" / "baocao" / "index"


def rebuild_hint(index_dir: Path, encoder: str | None = None) -> str:
    command = f"baocao index --index-dir {index_dir}"
    return command + (f" --encoder {encoder}" if encoder else "")


def current_build(index_dir: Path) -> Path:
    """The live build's folder; IndexUnusable when there is none."""
    pointer = Path(index_dir) / CURRENT
    try:
        build_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexUnusable(
            f"no index in {index_dir}: build one with `{rebuild_hint(index_dir)}`"
        ) from None
    build = Path(index_dir) / BUILDS / build_id
    if not build_id or "/" in build_id or not build.is_dir():
        raise IndexUnusable(
            f"{pointer} names build {build_id!r}, which is missing: "
            f"rebuild with `{rebuild_hint(index_dir)}`"
        )
    return build


def write_build(index_dir: Path, write_files: Callable[[Path], None]) -> Path:
    """Run ``write_files(folder)`` in a fresh partial folder, then publish it atomically."""
    builds = Path(index_dir) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
    partial = builds / (build_id + PARTIAL)
    partial.mkdir()
    try:
        write_files(partial)
        _fsync_folder(partial)
        final = builds / build_id
        os.replace(partial, final)
        _fsync_path(builds)  # the rename must reach the disk before CURRENT names the build
        _publish(Path(index_dir), build_id)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _remove_old_builds(builds, keep=build_id)
    return final


def _publish(index_dir: Path, build_id: str) -> None:
    pointer_tmp = index_dir / f"{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
    with open(pointer_tmp, "w", encoding="utf-8") as handle:
        handle.write(build_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, index_dir / CURRENT)
    _fsync_path(index_dir)


def _fsync_folder(folder: Path) -> None:
    for path in folder.iterdir():
        _fsync_path(path)
    _fsync_path(folder)


def _fsync_path(path: Path) -> None:
    """Flush a file's data, or a folder's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_old_builds(builds: Path, keep: str) -> None:
    """Keep the newest KEEP_BUILDS complete builds; drop partial leftovers of crashed runs."""
    complete = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL))
    stale = [p for p in complete[:-KEEP_BUILDS] if p.name != keep]
    stale += [p for p in builds.iterdir() if p.name.endswith(PARTIAL) and _older_than(p, 3600)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _older_than(path: Path, seconds: float) -> bool:
    return time.time() - path.stat().st_mtime > seconds


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def new_manifest(**sections: object) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **sections,
    }


def read_manifest(build: Path, index_dir: Path) -> dict:
    """The manifest, checked for format version; IndexUnusable naming the problem otherwise."""
    path = build / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexUnusable(
            f"{path} is missing: rebuild with `{rebuild_hint(index_dir)}`"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise IndexUnusable(
            f"{path} is not valid JSON ({error}): rebuild with `{rebuild_hint(index_dir)}`"
        ) from None
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if version != FORMAT_VERSION:
        raise IndexUnusable(
            f"{index_dir} holds index format {version!r}; this baocao {__version__} reads "
            f"format {FORMAT_VERSION}: rebuild with `{rebuild_hint(index_dir)}`"
        )
    return manifest
