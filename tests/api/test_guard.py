"""What guards the API: token, body size, concurrency, CORS, query log, ids never reaching
the file system."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from fastapi.testclient import TestClient
from server import serving

from baocao.api.app import create_app
from baocao.api.guard import LOGGED_CHARS, GuardSettings, QueryLog, default_hosts

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
    from baocao.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.token in (None, os.environ.get("BAOCAO_API_TOKEN"))
    assert args.query_log is None and args.cors_origin == [] and args.access_log is False


# -- /health: a status word without the token ----------------------------------------------


def test_health_without_the_token_is_a_status_word_and_with_it_the_details(guarded):
    assert guarded.get("/health").json() == {"status": "ok"}
    wrong = guarded.get("/health", headers={"Authorization": "Bearer wrong"})
    assert wrong.json() == {"status": "ok"}
    details = guarded.get("/health", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert details["status"] == "ok" and details["passages"] > 0
    assert details["process"] == os.getpid()


@pytest.fixture
def damaged(bundled_index_dir, tmp_path):
    """An index folder whose newest build will not load (the old one keeps serving)."""
    import shutil

    from baocao.index import store

    index_dir = tmp_path / "index"
    shutil.copytree(bundled_index_dir, index_dir)
    live = store.current_build(index_dir)
    bad = live.with_name("29990101T000000Z-damaged")
    shutil.copytree(live, bad)
    (bad / "dense.faiss").write_bytes(b"not faiss")
    return index_dir, bad


def test_health_never_shows_folders_to_a_client_without_the_token(damaged, bundled_index):
    from baocao.index import store

    index_dir, bad = damaged
    apps = {
        name: TestClient(create_app(bundled_index, index_dir, GuardSettings(token=token)))
        for name, token in (("open", None), ("guarded", TOKEN))
    }
    (index_dir / store.CURRENT).write_text(bad.name, encoding="utf-8")
    with_token = {"Authorization": f"Bearer {TOKEN}"}
    assert apps["guarded"].post("/reload", headers=with_token).json()["reloaded"] is False
    assert apps["guarded"].get("/health").json() == {"status": "degraded"}
    given = apps["guarded"].get("/health", headers=with_token).json()
    assert str(bad) in given["reload_error"]  # the operator sees where
    reloaded = apps["open"].post("/reload").json()
    opened = apps["open"].get("/health").json()
    assert opened["status"] == "degraded" and opened["passages"] > 0
    assert "dense.faiss" in opened["reload_error"] and "baocao index" in opened["reload_error"]
    assert "/" + index_dir.parts[1] + "/" not in opened["reload_error"]  # no absolute path
    assert reloaded["error"] == opened["reload_error"]


# -- Host header -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def host_checked(bundled_index):
    hosts = (*default_hosts("127.0.0.1", 8000), "intranet.example", "[fd00::5]:9000")
    return TestClient(create_app(bundled_index, guard=GuardSettings(allowed_hosts=hosts)))


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000", "[::1]:8000", "intranet.example",
     "intranet.example:443", "[fd00::5]:9000"],
)  # fmt: skip
def test_the_hosts_it_is_served_as_are_answered(host_checked, host):
    assert host_checked.get("/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example:8000", "evil.example", "127.0.0.1:9999", "localhost", "localhost.evil.example",
     "127.0.0.1.nip.io:8000", "[fd00::5]:9001", "intranet.example.evil:80", ""],
)  # fmt: skip
@pytest.mark.parametrize(("method", "path"), [("GET", "/health"), ("GET", "/"),
                                              ("POST", "/search")])  # fmt: skip
def test_another_host_is_400_saying_which_are_accepted(host_checked, host, method, path):
    response = host_checked.request(method, path, headers={"Host": host},
                                    json={"query": QUESTION})  # fmt: skip
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert f"the Host header {host!r} is not a name this server is served as" in detail
    assert "127.0.0.1:8000, localhost:8000" in detail and "--allowed-host" in detail


def test_a_star_accepts_any_host(bundled_index):
    client = TestClient(create_app(bundled_index, guard=GuardSettings(allowed_hosts=("*",))))
    assert client.get("/health", headers={"Host": "anything.example"}).status_code == 200


def test_a_served_host_check_over_http(bundled_index_dir):
    import http.client

    env = {**os.environ, "PYTHONUTF8": "1"}
    with serving(bundled_index_dir, env) as base:
        port = int(base.rsplit(":", 1)[1])
        statuses = {}
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"evil.example:{port}"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/health", headers={"Host": host})
            statuses[host] = connection.getresponse().status
            connection.close()
    assert statuses == {f"127.0.0.1:{port}": 200, f"localhost:{port}": 200,
                        f"evil.example:{port}": 400}  # fmt: skip


# -- token checks --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["mật-khẩu", "tab\there", "two words", "", "x\u00a0y"])
def test_a_token_no_header_can_carry_is_refused(token):
    with pytest.raises(ValueError, match="token"):
        GuardSettings(token=token)


# -- query log: accepted queries only, clipped, private, rotated ---------------------------------


def test_the_query_log_keeps_accepted_queries_only_clipped_and_private(bundled_index, tmp_path):
    log = tmp_path / "queries.jsonl"
    client = TestClient(create_app(bundled_index, guard=GuardSettings(query_log=log)))
    long_query = "đối thoại " * 60  # 600 characters: accepted, logged cut to 500
    assert client.post("/search", json={"query": long_query}).status_code == 200
    rejected = [
        json.dumps({"query": "x" * 3000}).encode(),  # too long
        json.dumps({"query": "x", "k": 0}).encode(),
        b'{"query": "\\ud800"}',  # a lone surrogate
        b'{"query": "x", "filters": {"a": [[[[[[[[[[[]]]]]]]]]]]}}',
        b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}",  # deep nesting
        b"x" * 60_000,
    ]
    for body in rejected:
        response = client.post("/search", content=body,
                               headers={"Content-Type": "application/json"})  # fmt: skip
        assert response.status_code == 422, body[:40]
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and lines[0]["status"] == 200
    assert lines[0]["request"]["query"] == long_query[:LOGGED_CHARS] + "…"
    assert log.stat().st_size < 1000
    assert (log.stat().st_mode & 0o777) == 0o600


def test_the_query_log_is_rotated_by_size_every_file_private(bundled_index, tmp_path):
    log = tmp_path / "queries.jsonl"
    settings = GuardSettings(query_log=log, query_log_max_bytes=2048, query_log_backups=2)
    client = TestClient(create_app(bundled_index, guard=settings))
    for i in range(20):
        query = f"đối thoại {i} " + "dân vận " * 60
        assert client.post("/search", json={"query": query, "k": 1}).status_code == 200
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["queries.jsonl", "queries.jsonl.1", "queries.jsonl.2"]
    assert all(f.stat().st_size <= 2048 for f in files)
    assert all((f.stat().st_mode & 0o777) == 0o600 for f in files)
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert last["request"]["query"].startswith("đối thoại 19 ")


def test_an_existing_readable_query_log_is_made_private(bundled_index, tmp_path):
    log = tmp_path / "queries.jsonl"
    log.write_text("", encoding="utf-8")
    log.chmod(0o644)
    TestClient(create_app(bundled_index, guard=GuardSettings(query_log=log))).get("/health")
    assert (log.stat().st_mode & 0o777) == 0o600


def test_writing_the_query_log_never_raises(tmp_path):
    query_log = QueryLog(tmp_path / "q.jsonl", GuardSettings())
    for body in (b"\xff", b'"\\ud800"', b"[" * 100_000, b'{"query": "\\ud800"}'):
        query_log.write("/search", 200, 0.01, body)  # no exception
    query_log.handler.stream.close()  # a file that can no longer be written
    query_log.write("/ask", 200, 0.0, b'{"question": "x"}')


# -- the in-flight limit: /health outside it ---------------------------------------------------


def test_health_is_answered_when_every_slot_is_taken():
    """The guard itself, before an app that holds /search until released."""
    import asyncio

    from baocao.api.guard import Guard

    released = asyncio.Event()

    async def app(scope, receive, send):
        if scope["path"] == "/search":
            await released.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    guard = Guard(app, GuardSettings(max_in_flight=1))

    async def request(path: str) -> int:
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "path": path, "method": "GET", "headers": []}
        await guard(scope, receive, send)
        return sent[0]["status"]

    async def main() -> tuple[int, ...]:
        holding = asyncio.create_task(request("/search"))
        await asyncio.sleep(0.05)
        during = (await request("/health"), await request("/search"), await request("/documents"))
        released.set()
        return (*during, await holding)

    assert asyncio.run(main()) == (200, 429, 429, 200)
