"""Crash safety: `baocao index` killed (SIGKILL) at any moment leaves the previous index intact
and loadable, and the next run recovers; a damaged index is refused at load with a message
naming the file, the problem and the rebuild command.

The kill tests run the real CLI as a child process; `-s` prints one table row per moment.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from crash_runs import (
    BAOCAO,
    CliRun,
    bulky_report,
    cli_env,
    copy_index,
    disk_state,
    fresh_report,
    report_text,
)

from baocao.corpus.loader import sample_corpus_dir
from baocao.index import store
from baocao.index.build import IndexRun, index_reports, indexed_roots
from baocao.index.embedding_cache import EmbeddingCache
from baocao.index.encoders import load_encoder
from baocao.index.hybrid import HybridIndex

pytestmark = pytest.mark.skipif(not BAOCAO.exists(), reason=f"{BAOCAO} is not installed")


@dataclass(frozen=True)
class World:
    corpus: Path  # the reports of the first build
    cache: Path  # $BAOCAO_CACHE_DIR for every run, warmed by the first build
    pristine: Path  # the index after the first build; each test works on a copy
    first_id: str  # its build id
    first: list[tuple[str, str]]  # its passages (id, text)


def records(index: HybridIndex) -> list[tuple[str, str]]:
    return [(p.passage_id, p.text) for p in index.passages]


def vectors_in(cache: Path) -> int:
    """How many vectors the embedding cache holds (read-only: the child may be writing)."""
    uri = f"file:{cache / 'embeddings' / 'vectors.sqlite'}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as connection:
        return connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


def index_again(world: World, corpus: Path, index_dir: Path, encoder) -> IndexRun:
    """`baocao index <corpus> --index-dir <index_dir>`, in this process."""
    with EmbeddingCache(world.cache / "embeddings" / "vectors.sqlite") as cache:
        return index_reports([corpus], index_dir, encoder, cache=cache, progress=False)


@pytest.fixture(scope="module")
def encoder():
    return load_encoder()


@pytest.fixture(scope="module")
def world(tmp_path_factory, encoder) -> World:
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "reports"
    corpus.mkdir()
    for prefix in ("002_", "004_"):
        (source,) = sample_corpus_dir().glob(f"{prefix}*.txt")
        shutil.copy(source, corpus / source.name)
    (corpus / "000_bulky.txt").write_text(bulky_report(), encoding="utf-8")
    sections = [("Đối thoại", "Năm 2020, cấp ủy đã tổ chức 120 cuộc đối thoại ở cơ sở.")]
    (corpus / "tiny.txt").write_text(report_text(1, "công tác dân vận", sections), "utf-8")
    cache, pristine = root / "cache", root / "index"
    run = CliRun(["index", str(corpus), "--index-dir", str(pristine)], cli_env(cache))
    code, _, stderr = run.finish()
    assert code == 0, stderr
    first = HybridIndex.load(pristine, encoder)
    return World(corpus, cache, pristine, store.current_build(pristine).name, records(first))


# (moment, how the test finds it); "pause:<point>" uses the test hook in store.write_build.
MOMENTS = [
    ("right after start", "start"),
    ("parsing", "reading bar"),
    ("embedding (a batch cached)", "cache grew"),
    ("writing (.partial appears)", "partial folder"),
    ("partial folder created", "pause:partial-created"),
    ("files written, not sealed", "pause:files-written"),
    ("sealed and fsynced, before rename", "pause:sealed"),
    ("renamed, before CURRENT", "pause:renamed"),
    ("CURRENT.tmp written, not renamed", "pause:pointer-written"),
    ("CURRENT replaced, before cleanup", "pause:published"),
]


@pytest.mark.parametrize(("moment", "trigger"), MOMENTS, ids=[m[1] for m in MOMENTS])
def test_a_killed_index_run_leaves_the_previous_index_loadable(
    moment, trigger, world, encoder, tmp_path
):
    index_dir, corpus = tmp_path / "index", tmp_path / "reports"
    copy_index(world.pristine, index_dir)
    shutil.copytree(world.corpus, corpus)
    new_passages = 20 if trigger == "cache grew" else 1  # embedded in batches of 16
    (corpus / "new.txt").write_text(fresh_report(trigger, new_passages), encoding="utf-8")
    if trigger == "reading bar":  # reparse the bulky report: ~0.2-0.5 s in the parser
        with open(corpus / "000_bulky.txt", "a", encoding="utf-8") as handle:
            handle.write("\n")
    vectors_before = vectors_in(world.cache)
    command = ["index", str(corpus), "--index-dir", str(index_dir)]
    pause = trigger.removeprefix("pause:") if trigger.startswith("pause:") else None
    run = CliRun(command, cli_env(world.cache, pause))
    builds = index_dir / store.BUILDS
    if trigger == "start":
        time.sleep(0.3)  # importing
    elif trigger == "reading bar":
        run.wait_until(lambda: "reading" in run.stderr, "reading progress bar")
    elif trigger == "cache grew":
        run.wait_until(lambda: vectors_in(world.cache) > vectors_before, "cached vectors", 0.01)
    elif trigger == "partial folder":
        run.wait_until(lambda: any(builds.glob("*" + store.PARTIAL)), "partial folder")
    else:
        run.wait_until(lambda: f"paused at {pause}" in run.stderr, f"pause at {pause}")
    run.kill()
    if trigger == "reading bar":
        assert "embedding" not in run.stderr  # killed before the parsing was over
    saved = vectors_in(world.cache) - vectors_before
    state = disk_state(index_dir, {world.first_id: "previous build"})

    after_kill = records(HybridIndex.load(index_dir, encoder))  # never raises

    previous_id = store.current_build(index_dir).name
    rerun = index_again(world, corpus, index_dir, encoder)  # in-process: saves ~1 s of imports
    recovered = HybridIndex.load(index_dir, encoder)
    assert sum(p.source_file == "new.txt" for p in recovered.passages) == new_passages
    published = trigger == "pause:published"
    assert after_kill == (records(recovered) if published else world.first)  # never a mix
    # the next run removed what the killed one left, and kept the build it replaced
    assert {p.name for p in builds.iterdir()} == {rerun.build.name, previous_id}
    assert not list(index_dir.glob(f"{store.CURRENT}.*.tmp"))
    if trigger == "cache grew":
        assert saved >= 16
        assert rerun.embedding["encoded"] == new_passages - saved  # progress was kept
    loaded = "yes, the new build" if published else "yes, the previous build"
    print(
        f"\n| {moment} | {state} | {loaded} | yes: {rerun.passages} passages, "
        f"{rerun.embedding['encoded']} embedded, {saved} vectors saved by the killed run |"
    )


# -- refused at load -----------------------------------------------------------------------


def _truncate(path: Path, keep: int) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 1
    path.write_bytes(bytes(data))


def _drop_last_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _edit_manifest(build: Path, change) -> None:
    path = build / store.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _set_k1(manifest: dict) -> None:
    manifest["settings"]["keyword"]["bm25"]["k1"] = 0.9


def _set_recorded_size(manifest: dict) -> None:
    manifest["contents"]["dense.faiss"]["bytes"] = 10


def _point_at_partial(build: Path) -> None:
    shutil.copytree(build, build.with_name(build.name + store.PARTIAL))
    (build.parent.parent / store.CURRENT).write_text(build.name + store.PARTIAL + "\n")


DAMAGE = {
    "truncated dense.faiss": (
        lambda b: _truncate(b / "dense.faiss", 1000),
        "dense.faiss is truncated or was edited: 1000 bytes, the build wrote",
    ),
    "empty dense.faiss": (
        lambda b: _truncate(b / "dense.faiss", 0),
        "dense.faiss is truncated or was edited: 0 bytes",
    ),
    "dense.faiss with a flipped bit": (
        lambda b: _flip_byte(b / "dense.faiss"),
        "dense.faiss was changed after the build: its sha256 is not the one in manifest.json",
    ),
    "passages.jsonl cut at a line end": (
        lambda b: _drop_last_line(b / "passages.jsonl"),
        "passages.jsonl is truncated or was edited",
    ),
    "passages.jsonl with an edited text": (
        lambda b: _flip_byte(b / "passages.jsonl"),
        "passages.jsonl was changed after the build",
    ),
    "truncated bm25 matrix": (
        lambda b: _truncate(b / "bm25_words.data.npy", 500),
        "bm25_words.data.npy is truncated or was edited: 500 bytes",
    ),
    "missing vocabulary": (
        lambda b: (b / "bm25_bigrams.vocab.json").unlink(),
        "bm25_bigrams.vocab.json is missing",
    ),
    "missing documents.jsonl": (
        lambda b: (b / "documents.jsonl").unlink(),
        "documents.jsonl is missing",
    ),
    "manifest with an edited setting": (
        lambda b: _edit_manifest(b, _set_k1),
        "manifest.json was edited after the build (its sha256 is not in manifest.sha256)",
    ),
    "manifest with an edited file size": (
        lambda b: _edit_manifest(b, _set_recorded_size),
        "manifest.json was edited after the build",
    ),
    "manifest with an edited passage count": (
        lambda b: _edit_manifest(b, lambda m: m["counts"].update(passages=3)),
        "is inconsistent: manifest says 3 passages",
    ),
    "missing manifest.sha256": (
        lambda b: (b / store.SEAL).unlink(),
        "manifest.sha256 is missing",
    ),
    "missing manifest": (
        lambda b: (b / store.MANIFEST).unlink(),
        "manifest.json is missing",
    ),
    "CURRENT naming a missing build": (
        lambda b: (b.parent.parent / store.CURRENT).write_text("20990101T000000Z-0badc0de\n"),
        "CURRENT names build '20990101T000000Z-0badc0de', which is missing",
    ),
    "CURRENT naming a partial build": (
        _point_at_partial,
        ".partial', an unfinished build",
    ),
    "CURRENT garbled": (
        lambda b: (b.parent.parent / store.CURRENT).write_bytes(b"\xff\xfe\x00"),
        "CURRENT cannot be read",
    ),
    "CURRENT naming a path": (
        lambda b: (b.parent.parent / store.CURRENT).write_text("../..\n"),
        "CURRENT holds '../..', not a build name",
    ),
    "an older index format": (
        lambda b: _edit_manifest(b, lambda m: m.update(format_version=1)),
        "holds index format 1; this baocao",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_index_is_refused_naming_the_file_and_the_rebuild(
    damage, world, encoder, tmp_path
):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    harm, problem = DAMAGE[damage]
    harm(store.current_build(index_dir))
    with pytest.raises(store.IndexUnusable) as error:
        HybridIndex.load(index_dir, encoder)
    message = str(error.value)
    assert problem in message
    assert f"rebuild with `{store.rebuild_hint(index_dir)}" in message


def test_the_cli_refuses_a_damaged_index_with_the_rebuild_command(world, tmp_path):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    faiss_file = store.current_build(index_dir) / "dense.faiss"
    _truncate(faiss_file, 4096)
    result = subprocess.run(
        [str(BAOCAO), "search", "đối thoại", "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        env=cli_env(world.cache),
        timeout=120,
    )
    assert result.returncode == 2
    assert f"{faiss_file} is truncated or was edited: 4096 bytes" in result.stderr
    assert f"rebuild with `baocao index --index-dir {index_dir}" in result.stderr


def test_the_next_run_rebuilds_a_damaged_index_without_reusing_it(world, encoder, tmp_path):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    _drop_last_line(store.current_build(index_dir) / "passages.jsonl")  # parses, one short
    run = index_again(world, world.corpus, index_dir, encoder)
    assert {f.status for f in run.files} == {"new"}  # nothing taken from the damaged build
    assert records(HybridIndex.load(index_dir, encoder)) == world.first


def test_an_index_of_an_older_format_is_rebuilt_from_the_same_folders(world, tmp_path):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    _edit_manifest(store.current_build(index_dir), lambda m: m.update(format_version=1))
    assert indexed_roots(index_dir) == [world.corpus.resolve()]


def test_leftovers_of_killed_runs_are_removed_by_the_next_save(world, encoder, tmp_path):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    builds = index_dir / store.BUILDS
    (builds / "20200101T000000Z-00000000.partial").mkdir()  # a killed run's folder
    shutil.copytree(builds / world.first_id, builds / "20990101T000000Z-00000000")  # unpublished
    (index_dir / "CURRENT.0000abcd.tmp").write_text("20990101T000000Z-00000000\n")
    index = HybridIndex.load(index_dir, encoder)
    new_build = index.save(index_dir)
    assert {p.name for p in builds.iterdir()} == {new_build.name, world.first_id}
    assert not list(index_dir.glob("CURRENT.*.tmp"))
    assert records(HybridIndex.load(index_dir, encoder)) == world.first


def test_a_second_writer_waits_for_the_first(world, encoder, tmp_path):
    index_dir = tmp_path / "index"
    copy_index(world.pristine, index_dir)
    index = HybridIndex.load(index_dir, encoder)
    saved = []
    with open(index_dir / store.LOCK, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a `baocao index` writing a build holds it
        writer = threading.Thread(target=lambda: saved.append(index.save(index_dir)))
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()
        assert not list((index_dir / store.BUILDS).glob("*" + store.PARTIAL))
        fcntl.flock(lock, fcntl.LOCK_UN)
    writer.join(timeout=30)
    assert store.current_build(index_dir) == saved[0]
