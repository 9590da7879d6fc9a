"""An index directory on disk: builds written aside, published by one atomic rename.

    <index_dir>/CURRENT            the id of the live build (replaced atomically)
    <index_dir>/PREVIOUS           the id of the build kept beside it
    <index_dir>/builds/<id>/       manifest.json, manifest.sha256, documents.jsonl,
                                   passages.jsonl, bm25_*.{indptr,indices,data}.npy (memory-mapped
                                   on load) + bm25_*.vocab.json + bm25_*.meta.json, dense.faiss,
                                   facts.jsonl
    <index_dir>/.lock              held (flock) by the one run writing a build

A build is written into ``builds/<id>.partial``, sealed (the manifest records every file's
size and sha256; ``manifest.sha256`` records the manifest's), flushed to disk and renamed
when complete; ``CURRENT`` is then replaced with ``os.replace``. A crash at any moment leaves
the previous build live, and a reader never sees half an index. The previous build is kept
for readers still loading it (``PREVIOUS`` names it) — the last intact one: a live build found
damaged is dropped, not kept in place of the good one before it; the next run removes what a
killed run left behind.

Loading checks the seal, so a truncated, missing or edited file is refused with the command
that rebuilds the index instead of being read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from baocao import __version__

if sys.platform != "win32":  # Windows: no advisory locks; partial folders are left for an hour
    import fcntl

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: the manifest lists each file's size and sha256; manifest.sha256
MANIFEST = "manifest.json"
SEAL = "manifest.sha256"
CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"  # the build kept beside the live one: the last intact one before it
BUILDS = "builds"
PARTIAL = ".partial"
LOCK = ".lock"
KEEP_BUILDS = 2  # the live build and the one before it
INDEX_DIR_ENV = "BAOCAO_INDEX_DIR"
# For the crash-safety tests only (tests/index/test_crash_safety.py): when set to one of the
# steps of write_build below, the process sleeps there so that a test can kill it.
PAUSE_ENV = "BAOCAO_TEST_PAUSE_AT"
PAUSE_POINTS = (
    "partial-created",  # an empty partial folder
    "files-written",  # every file written, not yet sealed
    "sealed",  # sealed and flushed, not yet renamed
    "renamed",  # a complete build that CURRENT does not name yet
    "pointer-written",  # CURRENT.<random>.tmp written, not yet renamed to CURRENT
    "published",  # CURRENT names the new build; older builds not yet removed
)
_BUILD_NAME = re.compile(r"[0-9A-Za-z_-]+")


class IndexUnusable(Exception):
    """An index that cannot be used as it is; the message says how to rebuild it."""


def default_index_dir() -> Path:
    """``$BAOCAO_INDEX_DIR`` or ``~/.local/share/baocao/index``."""
    env = os.environ.get(INDEX_DIR_ENV)
    return Path(env) if env else Path.home() / ".local" / "share" / "baocao" / "index"


def rebuild_hint(index_dir: Path, encoder: str | None = None) -> str:
    command = f"baocao index --index-dir {index_dir}"
    return command + (f" --encoder {encoder}" if encoder else "")


def damaged(index_dir: Path, problem: str, encoder: str | None = None) -> IndexUnusable:
    """The error for a build whose files are not what was written."""
    return IndexUnusable(
        f"index in {index_dir} is damaged: {problem}: "
        f"rebuild with `{rebuild_hint(index_dir, encoder)}`"
    )


def current_build(index_dir: Path) -> Path:
    """The live build's folder; IndexUnusable when there is none."""
    pointer = Path(index_dir) / CURRENT
    try:
        build_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexUnusable(
            f"no index in {index_dir}: build one with `{rebuild_hint(index_dir)}`"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise damaged(index_dir, f"{pointer} cannot be read ({error})") from None
    build = Path(index_dir) / BUILDS / build_id
    if build_id.endswith(PARTIAL):
        raise damaged(
            index_dir, f"{pointer} names {build_id!r}, an unfinished build (a run that stopped)"
        )
    if not _BUILD_NAME.fullmatch(build_id):
        raise damaged(index_dir, f"{pointer} holds {build_id[:80]!r}, not a build name")
    if not build.is_dir():
        raise IndexUnusable(
            f"{pointer} names build {build_id!r}, which is missing: "
            f"rebuild with `{rebuild_hint(index_dir)}`"
        )
    return build


def write_build(index_dir: Path, write_files: Callable[[Path], None]) -> Path:
    """Run ``write_files(folder)`` in a fresh partial folder, seal the files it wrote (it must
    write the manifest), then publish the folder atomically."""
    index_dir = Path(index_dir)
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    with _writer_lock(index_dir) as exclusive:
        _remove_leftovers(index_dir, all_partial=exclusive)
        build_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        partial = builds / (build_id + PARTIAL)
        partial.mkdir()
        try:
            _pause("partial-created")
            write_files(partial)
            _pause("files-written")
            _seal(partial)
            _fsync_folder(partial)
            _pause("sealed")
            previous = _build_to_keep(index_dir)
            final = builds / build_id
            os.replace(partial, final)
            _fsync_path(builds)  # the rename must reach the disk before CURRENT names the build
            _pause("renamed")
            _publish(index_dir, build_id)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _pause("published")
        _write_pointer(index_dir, PREVIOUS, previous)
        _remove_old_builds(builds, keep={build_id, previous})
    return final


def _publish(index_dir: Path, build_id: str) -> None:
    _write_pointer(index_dir, CURRENT, build_id, pause_at="pointer-written")


def _write_pointer(
    index_dir: Path, name: str, build_id: str | None, pause_at: str | None = None
) -> None:
    """Replace ``<index_dir>/<name>`` atomically with ``build_id`` (remove it for None)."""
    if build_id is None:
        (index_dir / name).unlink(missing_ok=True)
        return
    pointer_tmp = index_dir / f"{name}.{uuid.uuid4().hex[:8]}.tmp"
    with open(pointer_tmp, "w", encoding="utf-8") as handle:
        handle.write(build_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    if pause_at:
        _pause(pause_at)
    os.replace(pointer_tmp, index_dir / name)
    _fsync_path(index_dir)


def _current_id(index_dir: Path, pointer: str = CURRENT) -> str | None:
    try:
        return (index_dir / pointer).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _build_to_keep(index_dir: Path) -> str | None:
    """The build kept beside a new one: the live build if it is intact; if it is damaged,
    the build kept last time (the last one that was live and intact) if it still is, else the
    newest intact one. A damaged build is never kept in place of a good one."""
    candidates = [_current_id(index_dir), _current_id(index_dir, PREVIOUS)]
    builds = index_dir / BUILDS
    candidates += sorted(
        (p.name for p in builds.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL)),
        reverse=True,  # ids start with the UTC time they were written
    )
    for build_id in dict.fromkeys(c for c in candidates if c):
        problem = _build_problem(index_dir, build_id)
        if problem is None:
            return build_id
        logger.warning("not keeping build %s: %s", build_id, problem)
    return None


def _build_problem(index_dir: Path, build_id: str) -> str | None:
    """Why the build ``build_id`` could not be loaded (None when it is intact)."""
    build = index_dir / BUILDS / build_id
    if not _BUILD_NAME.fullmatch(build_id) or not build.is_dir():
        return "no such build"
    try:
        check_seal(build, index_dir)
        check_contents(build, read_manifest(build, index_dir), index_dir)
    except IndexUnusable as error:
        return str(error)
    return None


@contextlib.contextmanager
def _writer_lock(index_dir: Path) -> Iterator[bool]:
    """Hold ``<index_dir>/.lock`` while writing a build; yields whether the lock is exclusive
    (then every partial folder left in builds/ belongs to a run that died). The kernel
    releases the lock when its holder dies, even by SIGKILL."""
    if sys.platform == "win32":
        yield False
        return
    with open(index_dir / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("waiting for another `baocao index` writing to %s", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError as error:  # a file system without locks
            logger.warning("cannot lock %s (%s); writing without a lock", handle.name, error)
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(index_dir: Path, all_partial: bool) -> None:
    """Partial folders and pointer files of runs that were killed (with the lock held, all of
    them; without it, those older than an hour)."""
    builds = index_dir / BUILDS
    leftovers = [p for p in builds.iterdir() if p.name.endswith(PARTIAL)]
    leftovers += [*index_dir.glob(f"{CURRENT}.*.tmp"), *index_dir.glob(f"{PREVIOUS}.*.tmp")]
    for path in leftovers:
        if all_partial or _older_than(path, 3600):
            logger.info("removing %s, left by a run that did not finish", path)
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _remove_old_builds(builds: Path, keep: set[str | None]) -> None:
    """Keep the new build and the one it replaced; drop older ones, and complete builds that
    were never published (a run killed between the rename and the switch of CURRENT)."""
    for path in builds.iterdir():
        if path.is_dir() and not path.name.endswith(PARTIAL) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False


def _pause(point: str) -> None:
    """Test hook: sleep at ``point`` when $BAOCAO_TEST_PAUSE_AT names it (see PAUSE_ENV)."""
    if os.environ.get(PAUSE_ENV) == point:
        logger.warning("paused at %s (%s is set: for tests only)", point, PAUSE_ENV)
        time.sleep(3600)


# -- sealing and checking ---------------------------------------------------------------------


def _seal(folder: Path) -> None:
    """Record each file's size and sha256 in the manifest, and the manifest's in SEAL."""
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    files = sorted(p for p in folder.iterdir() if p.name not in (MANIFEST, SEAL))
    manifest["contents"] = {
        p.name: {"bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in files
    }
    write_json(path, manifest)
    (folder / SEAL).write_text(f"{file_sha256(path)}  {MANIFEST}\n", encoding="utf-8")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_contents(
    build: Path,
    manifest: dict,
    index_dir: Path,
    names: Iterable[str] | None = None,
    encoder: str | None = None,
) -> None:
    """Every file the manifest lists (or ``names``) is there with its recorded size and
    sha256; IndexUnusable naming the first that is not."""
    contents = manifest.get("contents")
    if not isinstance(contents, dict) or not contents:
        raise damaged(index_dir, f"{build / MANIFEST} lists no files and checksums", encoder)
    for name in contents if names is None else names:
        entry = contents.get(name)
        if not isinstance(entry, dict) or Path(name).name != name or name in ("", ".", ".."):
            raise damaged(index_dir, f"{build / MANIFEST} has no valid entry for {name}", encoder)
        problem = _file_problem(build / name, entry)
        if problem:
            raise damaged(index_dir, f"{build / name} {problem}", encoder)


def _file_problem(path: Path, entry: dict) -> str | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    expected = entry.get("bytes")
    if size != expected:
        if isinstance(expected, int) and size < expected:
            return f"is truncated or was edited: {size} bytes, the build wrote {expected}"
        return f"has grown or was replaced: {size} bytes, the build wrote {expected}"
    try:
        digest = file_sha256(path)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if digest != entry.get("sha256"):
        return f"was changed after the build: its sha256 is not the one in {MANIFEST}"
    return None


def check_seal(build: Path, index_dir: Path, encoder: str | None = None) -> None:
    """The manifest is byte for byte the one the build wrote (its sha256 is in SEAL)."""
    try:
        recorded = (build / SEAL).read_text(encoding="utf-8").split()
    except FileNotFoundError:
        raise damaged(index_dir, f"{build / SEAL} is missing", encoder) from None
    except (OSError, UnicodeDecodeError) as error:
        raise damaged(index_dir, f"{build / SEAL} cannot be read ({error})", encoder) from None
    try:
        actual = file_sha256(build / MANIFEST)
    except OSError as error:
        raise damaged(index_dir, f"{build / MANIFEST} cannot be read ({error})", encoder) from None
    if not recorded or recorded[0] != actual:
        raise damaged(
            index_dir,
            f"{build / MANIFEST} was edited after the build (its sha256 is not in {SEAL})",
            encoder,
        )


# -- files ------------------------------------------------------------------------------------


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


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_lines(path: Path, lines: Iterable[str]) -> None:
    """Lines already serialised (one JSON record each, no line break inside), as they are."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")


def read_lines(path: Path) -> list[str]:
    """The non-empty lines of a file, unparsed (split at line feeds only: a JSON string
    written with ``ensure_ascii=False`` may hold U+2028 or U+0085, which ``str.splitlines``
    would split at)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [line for line in handle.read().split("\n") if line.strip()]


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


def read_manifest(build: Path, index_dir: Path, *, any_format: bool = False) -> dict:
    """The manifest, checked for format version (unless ``any_format``); IndexUnusable naming
    the problem otherwise."""
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
    if not isinstance(manifest, dict):
        raise damaged(index_dir, f"{path} holds a JSON {type(manifest).__name__}, not an object")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION and not any_format:
        raise IndexUnusable(
            f"{index_dir} holds index format {version!r}; this baocao {__version__} reads "
            f"format {FORMAT_VERSION}: rebuild with `{rebuild_hint(index_dir)}`"
        )
    return manifest
