"""`baocao serve` options about access: where the token comes from, which hosts are answered."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from server import BAOCAO, free_port, serving

TOKEN = "s3cret-token-from-a-file"


def serve_fails(index_dir, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`baocao serve` expected to refuse its options before it loads anything."""
    return subprocess.run(
        [str(BAOCAO), "serve", "--port", str(free_port()), "--index-dir", str(index_dir), *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [
        (("--token", "mật-khẩu"), {}, "--token"),
        ((), {"BAOCAO_API_TOKEN": "mật-khẩu"}, "$BAOCAO_API_TOKEN"),
        (("--token", "two words"), {}, "--token"),
    ],
)
def test_a_token_no_header_can_carry_is_refused_at_start_up(tmp_path, args, env, source):
    run = serve_fails(tmp_path / "index", *args, env=env)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {source}: only printable ASCII characters")
    assert "mật" not in run.stderr  # the token itself is not printed
    assert not (tmp_path / "index").exists()  # refused before anything was built


def test_a_token_file_with_non_ascii_is_refused_naming_it(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("ủy-ban\n", encoding="utf-8")
    run = serve_fails(tmp_path / "index", "--token-file", str(token_file))
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: --token-file {token_file}: only printable ASCII")
    assert "U+1EE7 at position 1" in run.stderr


def test_token_and_token_file_together_are_refused(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    run = serve_fails(tmp_path / "index", "--token", "x", "--token-file", str(token_file))
    assert run.returncode == 2 and "give one of them" in run.stderr


def test_help_says_where_a_token_can_come_from():
    run = subprocess.run([str(BAOCAO), "serve", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"}, timeout=60)  # fmt: skip
    said = " ".join(run.stdout.split())
    assert "--token-file FILE" in said and "$BAOCAO_API_TOKEN" in said and "`ps`" in said
    assert "--allowed-host NAME[:PORT]" in said and "--body-timeout SECONDS" in said
    assert "--query-log-max-bytes N" in said and "--query-log-backups N" in said


def _get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=30) as response:  # fmt: skip
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_token_read_from_a_file_guards_the_served_api(bundled_index_dir, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\n", encoding="utf-8")  # the newline an editor adds
    token_file.chmod(0o600)
    env = {**os.environ, "PYTHONUTF8": "1"}
    env.pop("BAOCAO_API_TOKEN", None)
    with serving(bundled_index_dir, env, "--token-file", str(token_file)) as base:
        assert _get(f"{base}/documents")[0] == 401
        status, listed = _get(f"{base}/documents", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and listed
        assert _get(f"{base}/health") == (200, {"status": "ok"})
        status, health = _get(f"{base}/health", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and health["passages"] > 0 and health["process"] > 0


def test_the_token_from_the_environment_still_works(bundled_index_dir):
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_API_TOKEN": TOKEN}
    with serving(bundled_index_dir, env, "--allowed-host", "intranet.example") as base:
        assert _get(f"{base}/documents")[0] == 401
        assert _get(f"{base}/documents", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        port = base.rsplit(":", 1)[1]
        assert _get(f"{base}/health", {"Host": "intranet.example"})[0] == 200
        status, refused = _get(f"{base}/health", {"Host": f"evil.example:{port}"})
        assert status == 400
        assert (
            f"127.0.0.1:{port}, localhost:{port}, [::1]:{port}, intranet.example"
            in (refused["detail"])
        )
