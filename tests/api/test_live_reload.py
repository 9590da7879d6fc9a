"""Re-indexing while serving: the server switches to the new build whole, with no failed
request and no answer mixing two builds; a damaged new build is refused and the old one kept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server import BAOCAO, serving

from baocao.api.app import create_app
from baocao.index import store
from baocao.index.hybrid import HybridIndex

VERSIONS = ("phiên bản một", "phiên bản hai")


def write_reports(folder: Path, version: str, count: int) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(count):
        (folder / f"r{i}.txt").write_text(
            f"BÁO CÁO\ncông tác dân vận số {i}\n-----\nI. KẾT QUẢ\n"
            f"Năm 2019 tổ chức {10 + i} cuộc đối thoại với dân, {version}.\n"
            f"II. NHIỆM VỤ\nTiếp tục đối thoại với dân theo {version} của báo cáo {i}.\n",
            encoding="utf-8",
        )


def index(folder: Path, index_dir: Path, env: dict) -> None:
    built = subprocess.run([str(BAOCAO), "index", str(folder), "--index-dir", str(index_dir)],
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert built.returncode == 0, built.stderr


def search(base: str) -> tuple[int, set[str]]:
    body = json.dumps({"query": "đối thoại với dân phiên bản", "k": 20}).encode()
    request = urllib.request.Request(f"{base}/search", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        hits = json.load(response)["hits"]
        return response.status, {v for hit in hits for v in VERSIONS if v in hit["text"]}


def health(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/health", timeout=30) as response:
        return json.load(response)


def test_rebuilding_while_serving_switches_whole_builds(tmp_path):
    reports, index_dir = tmp_path / "reports", tmp_path / "index"
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    write_reports(reports, VERSIONS[0], 3)
    index(reports, index_dir, env)
    answers: dict[int, list[tuple[int, set[str]]]] = {0: [], 1: [], 2: []}  # by client
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking(base: str, client: int) -> None:
        while not stop.is_set():
            try:
                answers[client].append(search(base))
            except Exception as error:  # a failed request is what this test looks for
                failures.append(repr(error))

    with serving(index_dir, env, "--watch", "0.2") as base:
        first_build = health(base)["build"]
        clients = [threading.Thread(target=keep_asking, args=(base, i)) for i in answers]
        for client in clients:
            client.start()
        write_reports(reports, VERSIONS[1], 4)
        index(reports, index_dir, env)
        deadline = time.monotonic() + 60
        while health(base)["build"] == first_build and time.monotonic() < deadline:
            time.sleep(0.1)
        switched = health(base)
        time.sleep(1)
        stop.set()
        for client in clients:
            client.join()
    assert not failures, failures[:3]
    assert switched["build"] != first_build and switched["passages"] == 8
    everything = [answer for mine in answers.values() for answer in mine]
    assert {status for status, _ in everything} == {200}
    assert all(len(seen) == 1 for _, seen in everything), "an answer mixed two builds"
    # each client asks one question after another: once it sees the new build, only that
    for mine in answers.values():
        order = [next(iter(seen)) for _, seen in mine]
        assert order[0] == VERSIONS[0] and order[-1] == VERSIONS[1]
        switch = order.index(VERSIONS[1])
        assert set(order[switch:]) == {VERSIONS[1]}, "went back to the old build"


@pytest.fixture
def served_dir(tmp_path):
    reports, index_dir = tmp_path / "reports", tmp_path / "index"
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    write_reports(reports, VERSIONS[0], 2)
    index(reports, index_dir, env)
    return index_dir


def test_a_damaged_new_build_is_refused_and_the_old_one_kept(served_dir):
    client = TestClient(create_app(HybridIndex.load(served_dir), served_dir))
    before = client.get("/health").json()
    live = store.current_build(served_dir)
    damaged = live.with_name("29990101T000000Z-damaged")
    shutil.copytree(live, damaged)
    faiss_file = damaged / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    (served_dir / store.CURRENT).write_text(damaged.name, encoding="utf-8")
    reloaded = client.post("/reload").json()
    assert reloaded["reloaded"] is False and reloaded["build"] == before["build"]
    assert "dense.faiss" in reloaded["error"] and "baocao index" in reloaded["error"]
    after = client.get("/health").json()
    assert after["build"] == before["build"] and after["passages"] == before["passages"]
    assert after["reload_error"] == reloaded["error"]
    response = client.post("/search", json={"query": "đối thoại với dân"})
    assert response.status_code == 200 and response.json()["hits"]


def test_reload_without_a_new_build_changes_nothing(served_dir):
    client = TestClient(create_app(HybridIndex.load(served_dir), served_dir))
    build = client.get("/health").json()["build"]
    assert client.post("/reload").json() == {"reloaded": False, "build": build, "error": None}


def test_an_app_over_an_index_in_memory_cannot_reload(bundled_index):
    response = TestClient(create_app(bundled_index)).post("/reload")
    assert response.status_code == 409 and "not an index folder" in response.json()["detail"]


def test_workers_share_the_port_and_each_follows_new_builds(tmp_path):
    reports, index_dir = tmp_path / "reports", tmp_path / "index"
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    write_reports(reports, VERSIONS[0], 3)
    index(reports, index_dir, env)
    failures: list[str] = []
    with serving(index_dir, env, "--workers", "2", "--watch", "0.2") as base:
        # a new connection each: spread over the workers once both are up (the second may
        # still be loading the index when the first answers; /health answers in microseconds)
        started, first = time.monotonic(), []
        while len({h["process"] for h in first}) < 2 and time.monotonic() < started + 60:
            first = [health(base) for _ in range(40)]
        assert len({h["process"] for h in first}) == 2
        assert {h["build"] for h in first} == {first[0]["build"]}
        write_reports(reports, VERSIONS[1], 4)
        index(reports, index_dir, env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                builds = {health(base)["build"] for _ in range(20)}
            except Exception as error:  # a failed request during the switch
                failures.append(repr(error))
                break
            if builds != {first[0]["build"]} and len(builds) == 1:
                break
            time.sleep(0.1)
        after = [search(base) for _ in range(20)]
    assert not failures, failures
    assert len(builds) == 1 and builds != {first[0]["build"]}, "a worker kept the old build"
    assert {status for status, _ in after} == {200}
    assert all(seen == {VERSIONS[1]} for _, seen in after)


def test_workers_refuse_a_damaged_index_before_starting(served_dir):
    index_dir = served_dir
    faiss_file = store.current_build(index_dir) / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    served = subprocess.run(
        [str(BAOCAO), "serve", "--workers", "2", "--index-dir", str(index_dir), "--port", "1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert served.returncode != 0
    assert "dense.faiss" in served.stderr and "baocao index" in served.stderr
