"""What guards the API: token, body size, concurrency, CORS, query log, ids never reaching
the file system."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from fastapi.testclient import TestClient
from server import BAOCAO, serving

from baocao.api.app import create_app
from baocao.api.guard import GuardSettings
from baocao.corpus.loader import sample_corpus_dir

QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def guarded(bundled_index):
    return TestClient(create_app(bundled_index, guard=GuardSettings(token=TOKEN)))


@pytest.fixture(scope="module")
def open_client(bundled_index):
    return TestClient(create_app(bundled_index))


# -- token -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/search"), ("POST", "/ask"), ("POST", "/similar"), ("GET", "/documents"),
     ("GET", "/passages/000_9c3704398cac95ef:fn6"), ("POST", "/reload")],
)  # fmt: skip
def test_without_the_token_every_data_endpoint_is_401(guarded, headers, method, path):
    body = {"query": QUESTION, "question": QUESTION, "text": QUESTION}
    name = {"/search": "query", "/ask": "question", "/similar": "text"}.get(path)
    response = guarded.request(method, path, headers=headers,
                               json={name: body[name]} if name else None)  # fmt: skip
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_with_the_token_it_answers(guarded):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = guarded.post("/search", json={"query": QUESTION}, headers=headers)
    assert response.status_code == 200 and response.json()["hits"]
    assert (
        guarded.get("/documents", headers={"authorization": f"bearer {TOKEN}"}).status_code == 200
    )


@pytest.mark.parametrize("path", ["/health", "/", "/static/app.js", "/docs", "/openapi.json"])
def test_health_and_the_page_shell_need_no_token(guarded, path):
    assert guarded.get(path).status_code == 200


# -- sizes and ids -----------------------------------------------------------------------------


def test_a_large_body_is_413(open_client):
    response = open_client.post("/search", json={"query": "x" * 70_000})
    assert response.status_code == 413
    assert response.json()["detail"] == "the request body is over 65536 bytes"


def test_a_large_body_without_a_length_is_413(open_client):
    def chunks():
        for _ in range(20):
            yield b"x" * 4096

    response = open_client.post("/search", content=chunks(),
                                headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/passages/..%2F..%2F..%2Fetc%2Fpasswd",
        "/passages/%2Fetc%2Fpasswd",
        "/documents/..%2Fmanifest.json",
        "/documents/%2e%2e%2f%2e%2e%2fCURRENT",
        "/static/..%2Fapp.py",
        "/static/%2e%2e/app.py",
        "/static/../api/app.py",
        "/passages/000_9c3704398cac95ef:p9999",
    ],
)
def test_ids_and_paths_never_reach_the_file_system(open_client, path):
    response = open_client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text


# -- CORS --------------------------------------------------------------------------------------


def test_no_cors_unless_configured(open_client, bundled_index):
    preflight = {"Origin": "http://intranet.example", "Access-Control-Request-Method": "POST"}
    response = open_client.options("/search", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    allowed = TestClient(create_app(bundled_index, cors_origins=["http://intranet.example"]))
    response = allowed.options("/search", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "http://intranet.example"
    other = allowed.options("/search", headers={**preflight, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# -- query log ---------------------------------------------------------------------------------


def test_the_query_log_is_written_only_when_asked(bundled_index, tmp_path):
    log = tmp_path / "queries.jsonl"
    client = TestClient(create_app(bundled_index, guard=GuardSettings(query_log=log)))
    client.post("/ask", json={"question": QUESTION})
    client.get("/documents")
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(x["path"], x["status"], x["request"]) for x in lines] == [
        ("/ask", 200, {"question": QUESTION})
    ]


@pytest.fixture(scope="module")
def bundled_index_dir(bundled_index, tmp_path_factory):
    """The bundled reports indexed on disk (the embedding cache is warm from bundled_index)."""
    index_dir = tmp_path_factory.mktemp("guard") / "index"
    built = subprocess.run(
        [str(BAOCAO), "index", str(sample_corpus_dir()), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env={**os.environ, "PYTHONUTF8": "1"}, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    return index_dir


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_by_default_a_served_query_is_logged_nowhere(bundled_index_dir, tmp_path):
    marker = "dấu hiệu riêng 7319"
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONUTF8": "1"}
    with serving(bundled_index_dir, env, log=log) as base:
        urllib.request.urlopen(f"{base}/?q={urllib.parse.quote(marker)}", timeout=30).read()
        assert _post(f"{base}/search", {"query": marker})[0] == 200
    printed = log.read_text(encoding="utf-8")
    assert "Uvicorn running" in printed  # the log is captured ...
    assert "7319" not in printed and "riêng" not in printed  # ... and holds no query


def test_beyond_the_concurrency_limit_requests_get_429_not_500(bundled_index_dir):
    env = {**os.environ, "PYTHONUTF8": "1"}
    statuses: list[int] = []
    with serving(bundled_index_dir, env, "--max-in-flight", "2") as base:

        def client() -> None:
            for _ in range(5):
                status, body = _post(f"{base}/similar", {"text": QUESTION * 20, "k": 100})
                statuses.append(status)
                if status == 429:
                    assert "at most 2 requests at a time" in body["detail"]

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert set(statuses) <= {200, 429}, statuses
    assert 429 in statuses and 200 in statuses, statuses


def test_serve_binds_to_this_machine_only_by_default():
    from baocao.api.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.token in (None, os.environ.get("BAOCAO_API_TOKEN"))
    assert args.query_log is None and args.cors_origin == [] and args.access_log is False
