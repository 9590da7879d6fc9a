"""`baocao search / ask / similar` run as a user runs them, over a tiny index built in tmp."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from baocao.api.app import create_app
from baocao.index.hybrid import HybridIndex

BAOCAO = Path(sys.executable).with_name("baocao")
DIALOGUES = (
    "BÁO CÁO\ncông tác dân vận năm 2019\n-----\nI. KẾT QUẢ\n"
    "1. Đối thoại với Nhân dân\n"
    "Năm 2019, cấp ủy các cấp đã tổ chức 673 cuộc đối thoại với Nhân dân.\n"
    "II. PHƯƠNG HƯỚNG\n"
    "Tiếp tục đổi mới phương thức tiếp xúc cử tri ở cơ sở.\n"
)
ROADS = (
    "BÁO CÁO\nkết quả xây dựng nông thôn mới năm 2020\n-----\nI. KẾT QUẢ\n"
    "Toàn tỉnh làm mới 120 km đường giao thông nông thôn, huy động 45 tỷ đồng.\n"
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(cache)}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, env):
    reports = tmp_path_factory.mktemp("reports")
    (reports / "dialogues.txt").write_text(DIALOGUES, encoding="utf-8")
    (reports / "roads.txt").write_text(ROADS, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    built = baocao(env, "index", reports, "--index-dir", index_dir)
    assert built.returncode == 0, built.stderr
    return index_dir


def baocao(env, *args, stdin: str | None = None):
    return subprocess.run(
        [str(BAOCAO), *map(str, args)], input=stdin, capture_output=True, text=True,
        encoding="utf-8", env=env, timeout=120,
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_search_prints_citation_then_text_with_matches_marked(env, index_dir):
    out = ok(baocao(env, "search", "cuộc đối thoại năm 2019", "--k", "1", "--index-dir", index_dir))
    lines = out.splitlines()
    assert lines[0].startswith("1. Báo cáo công tác dân vận năm 2019, mục I.1 — ")
    assert "dialogues.txt, dòng 6" in lines[0]
    assert "673 «cuộc đối thoại»" in lines[1]
    assert "«Năm 2019»" in lines[1]


def test_search_json_is_the_api_json(env, index_dir):
    query = "đường giao thông nông thôn"
    out = ok(baocao(env, "search", query, "--k", "2", "--json", "--index-dir", index_dir))
    printed = json.loads(out)
    client = TestClient(create_app(HybridIndex.load(index_dir)))
    served = client.post("/search", json={"query": query, "k": 2}).json()
    assert printed.pop("took_ms") >= 0 and served.pop("took_ms") >= 0
    assert printed == served
    assert printed["hits"][0]["file"] == "roads.txt"


def test_search_mode(env, index_dir):
    out = ok(baocao(env, "search", "tiếp xúc cử tri", "--mode", "bm25", "--json",
                    "--index-dir", index_dir))  # fmt: skip
    printed = json.loads(out)
    hits = printed["hits"]
    assert "cử tri" in hits[0]["text"] and set(hits[0]["scores"]) == {"bm25"}
    assert (printed["dense_used"], printed["route"]) == (False, "bm25")


def test_ask_prints_the_answer_then_its_citation(env, index_dir):
    question = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
    lines = ok(baocao(env, "ask", question, "--index-dir", index_dir)).splitlines()
    assert lines[0] == "673 cuộc  (năm 2019)"  # the answer, and the scope of its figure
    assert "«673 cuộc»" in "\n".join(lines)
    assert lines[-1].startswith("— Báo cáo công tác dân vận năm 2019")
    assert lines[-1].endswith("dialogues.txt, dòng 6")

    body = json.loads(ok(baocao(env, "ask", question, "--json", "--index-dir", index_dir)))
    assert body["answer"] == "673 cuộc" and body["confident"] is True
    start, end = body["span"]
    assert body["citations"][0]["text"][start:end] == "673 cuộc"


def test_ask_for_a_year_no_report_covers_says_what_is_covered(env, index_dir):
    question = "Năm 2024 tổ chức bao nhiêu cuộc đối thoại với dân?"
    lines = ok(baocao(env, "ask", question, "--index-dir", index_dir)).splitlines()
    assert lines[0] == "Không tìm thấy câu trả lời chắc chắn."
    assert lines[1] == "Các báo cáo có số liệu giai đoạn 2019–2020; không có số liệu năm 2024."


def test_ask_with_figures_of_the_scope_asked_but_no_answer_says_unsure(env, index_dir):
    # half an answer (no "người" written) is no answer, but 2019's figure is marked
    question = "Năm 2019 đối thoại bao nhiêu cuộc, bao nhiêu người?"
    lines = ok(baocao(env, "ask", question, "--index-dir", index_dir)).splitlines()
    assert lines[0].startswith("Chưa chắc chắn: các số liệu đúng phạm vi hỏi (năm 2019)")


def test_facts_lists_every_figure_with_its_scope(env, index_dir):
    out = ok(baocao(env, "facts", "cuộc đối thoại", "--index-dir", index_dir))
    assert out.splitlines()[0] == "673 cuộc — năm 2019"
    rows = list(csv.reader(io.StringIO(
        ok(baocao(env, "facts", "km đường", "--csv", "--index-dir", index_dir))
    )))  # fmt: skip
    assert rows[0] == ["value", "thing", "scope", "citation", "sentence"]
    assert rows[1][:3] == [
        "120 km",
        "km đường giao thông nông thôn",
        "năm 2020 (kỳ báo cáo), toàn tỉnh",  # the province's total over its levels
    ]
    assert rows[1][3].endswith("roads.txt, dòng 5")


def test_ask_without_a_sure_answer_shows_the_best_evidence(env, index_dir):
    out = ok(baocao(env, "ask", "Ai là chủ tịch nước?", "--index-dir", index_dir))
    assert out.startswith("Không tìm thấy câu trả lời chắc chắn")
    assert "— Báo cáo" in out


def test_similar_reads_the_text_from_stdin(env, index_dir):
    text = "Huy động 45 tỷ đồng làm đường giao thông nông thôn"
    out = ok(baocao(env, "similar", "-", "--k", "1", "--index-dir", index_dir, stdin=text))
    assert out.startswith("1. Báo cáo kết quả xây dựng nông thôn mới năm 2020")
    assert "roads.txt, dòng 5" in out.splitlines()[0]
    body = json.loads(ok(baocao(env, "similar", text, "--json", "--index-dir", index_dir)))
    assert body["query"] == text and body["hits"][0]["file"] == "roads.txt"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", ""), "query: a non-empty text"),
        (("search", "x", "--k", "0"), "k: a whole number from 1 to 100"),
        (("search", "x", "--mode", "fuzzy"), "expected one of adaptive, hybrid, bm25, dense"),
        (("search", "x" * 2001), "at most 2000 characters"),
        (("similar", "-"), "a non-empty text"),  # nothing on stdin
        (("search", "x", "--encoder", "bert"), "encoder 'bert' is unknown"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(env, index_dir, args, message):
    result = baocao(env, *args, "--index-dir", index_dir, stdin="")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unusable_index_folder_is_a_clear_error(env, tmp_path):
    (tmp_path / "index").write_text("not a folder")
    result = baocao(env, "search", "x", "--index-dir", tmp_path / "index")
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr
