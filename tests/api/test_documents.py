"""A whole report through the API: GET /documents/{id}/text (its reading order, headings and
footnote links) and GET /documents/{id}/file (the original file, found by id only, refused
when it is gone or changed), on an index built from a folder of real reports."""

from __future__ import annotations

import hashlib
import shutil
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from baocao.api.app import create_app, create_app_from_dir
from baocao.api.guard import GuardSettings
from baocao.corpus.loader import sample_corpus_dir
from baocao.index.build import index_reports
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import load_encoder
from baocao.qa.document import CHANGED

KON_TUM = "000_9c3704398cac95ef"
DRAFT = "002_6cf038721f193c12"
TOKEN = "a-long-enough-test-token-1234567890"


@pytest.fixture(scope="module")
def built(tmp_path_factory, bundled_index):
    """Reports 000 and 002 copied into a folder and indexed (the embedding cache is warm)."""
    folder = tmp_path_factory.mktemp("docs")
    reports, index_dir = folder / "reports", folder / "index"
    reports.mkdir()
    for stem in (KON_TUM, DRAFT):
        shutil.copy(sample_corpus_dir() / f"{stem}.txt", reports / f"{stem}.txt")
    index_reports([reports], index_dir, load_encoder(), cache=default_embedding_cache(),
                  progress=False)  # fmt: skip
    return reports, index_dir


@pytest.fixture(scope="module")
def client(built):
    return TestClient(create_app_from_dir(built[1]))


@pytest.fixture(scope="module")
def either_client(either_index):
    """The API over the bundled reports in each backend (the embedded index in memory, a
    milvus-lite collection): the document view reads a report through the same seam."""
    return TestClient(create_app(either_index))


def test_the_text_of_a_report_in_reading_order(client):
    response = client.get(f"/documents/{KON_TUM}/text")
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["file_available"] is True


def test_a_reports_header_headings_and_order_on_either_backend(either_client):
    client = either_client
    response = client.get(f"/documents/{KON_TUM}/text")
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["number"] == "16-BC/TU" and view["date"] == "2020-11-11"
    assert view["issuer"] == "TỈNH ỦY KON TUM"
    assert view["citation"] == "Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon Tum " \
        "(giai đoạn 2015–2020)"  # fmt: skip
    # the heading tree: Roman sections at depth 1, their numbered parts at depth 2
    headings = view["headings"]
    top = [h["title"].split(".")[0] for h in headings if h["depth"] == 1]
    assert top == ["I", "II", "III", "IV", "V"]
    third = next(h for h in headings if h["title"].startswith("1. Về lãnh đạo"))
    assert third["depth"] == 2 and third["label"] == "mục III.1"
    # every body passage once, in the order of its lines; every footnote once
    blocks = view["blocks"]
    detail = client.get(f"/documents/{KON_TUM}").json()
    ids = [b["passage_id"] for b in blocks] + [f["passage_id"] for f in view["footnotes"]]
    assert sorted(ids) == sorted(detail["passage_ids"])
    starts = [b["line_start"] for b in blocks]
    assert starts == sorted(starts)
    assert [f["footnote"] for f in view["footnotes"]] == list(range(1, 24))
    # sentences of one source paragraph share its number; paragraphs count up
    numbers = [b["paragraph"] for b in blocks]
    assert numbers == sorted(numbers) and numbers[-1] < len(blocks)


def test_footnotes_link_both_ways(either_client):
    view = either_client.get(f"/documents/{KON_TUM}/text").json()
    blocks = {b["passage_id"]: b for b in view["blocks"]}
    note = next(f for f in view["footnotes"] if f["footnote"] == 6)
    assert note["text"].startswith("Hằng năm, cấp ủy, chính quyền các cấp đã tổ chức 673")
    anchor = blocks[note["anchor_id"]]  # note -> the passage with the sentence it annotates
    assert note["anchor_text"] and note["anchor_text"] in anchor["text"]
    marker = next(m for m in anchor["markers"] if m["footnote"] == 6)  # marker -> the note
    assert marker["footnote_id"] == note["passage_id"]
    assert 0 < marker["offset"] <= len(anchor["text"])
    assert note["section_path"][-1].startswith("1. Về lãnh đạo")
    linked = [m["footnote_id"] for b in view["blocks"] for m in b["markers"]]
    assert sorted(linked) == sorted(f["passage_id"] for f in view["footnotes"])


def test_the_original_file_as_indexed(client, built):
    reports, _ = built
    response = client.get(f"/documents/{KON_TUM}/file")
    assert response.status_code == 200, response.text
    original = (reports / f"{KON_TUM}.txt").read_bytes()
    assert response.content == original
    assert response.headers["content-type"].startswith("text/plain; charset=utf-8")
    assert f'filename="{KON_TUM}.txt"' in response.headers["content-disposition"]
    assert response.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2F..%2Fetc%2Fpasswd/file",
        "/documents/%2Fetc%2Fpasswd/file",
        "/documents/../../etc/passwd/file",
        f"/documents/{KON_TUM}%2F..%2F..%2Findex%2FCURRENT/file",
        "/documents/" + quote(str(sample_corpus_dir() / f"{KON_TUM}.txt"), safe="") + "/file",
        f"/documents/{KON_TUM}.txt/file",
    ],
)
def test_a_path_in_the_request_is_never_read(client, path):
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code, response.text[:200])
    assert "root:" not in response.text and "BÁO CÁO" not in response.text


def test_a_changed_file_is_refused_and_says_to_reindex(built, tmp_path):
    reports, index_dir = built
    copy = tmp_path / "reports"
    shutil.copytree(reports, copy)
    app = create_app_from_dir(index_dir)
    catalog = app.state.live.current.value
    catalog.index.corpus_roots = [str(copy)]  # the same index, its reports in a folder we edit
    client = TestClient(app)
    assert client.get(f"/documents/{DRAFT}/file").status_code == 200
    path = copy / f"{DRAFT}.txt"
    path.write_bytes(path.read_bytes() + b"\nmot dong them\n")
    response = client.get(f"/documents/{DRAFT}/file")
    assert response.status_code == 409
    assert response.json()["detail"] == f"{DRAFT}.txt: {CHANGED}"
    path.unlink()
    gone = client.get(f"/documents/{DRAFT}/file")
    assert gone.status_code == 410
    assert "không còn tệp này" in gone.json()["detail"]
    assert client.get(f"/documents/{DRAFT}/text").json()["file_available"] is False


def test_a_link_out_of_the_folder_is_not_followed(built, tmp_path):
    reports, index_dir = built
    outside = tmp_path / "outside.txt"
    outside.write_bytes((reports / f"{KON_TUM}.txt").read_bytes())  # same bytes, same sha256
    copy = tmp_path / "reports"
    copy.mkdir()
    (copy / f"{KON_TUM}.txt").symlink_to(outside)
    app = create_app_from_dir(index_dir)
    app.state.live.current.value.index.corpus_roots = [str(copy)]
    assert TestClient(app).get(f"/documents/{KON_TUM}/file").status_code == 410


def test_an_index_in_memory_has_no_file_to_give(bundled_index):
    client = TestClient(create_app(bundled_index))
    response = client.get(f"/documents/{KON_TUM}/file")
    assert response.status_code == 410
    assert "baocao index" in response.json()["detail"]
    assert client.get(f"/documents/{KON_TUM}/text").json()["file_available"] is False


def test_with_a_token_both_routes_need_it(built):
    client = TestClient(create_app_from_dir(built[1], guard=GuardSettings(token=TOKEN)))
    for route in ("text", "file"):
        assert client.get(f"/documents/{KON_TUM}/{route}").status_code == 401
        wrong = client.get(f"/documents/{KON_TUM}/{route}",
                           headers={"Authorization": "Bearer wrong-token-wrong-token-000"})  # fmt: skip
        assert wrong.status_code == 401
        given = client.get(f"/documents/{KON_TUM}/{route}",
                           headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        assert given.status_code == 200


def test_unknown_document(either_client):
    for route in ("text", "file"):
        response = either_client.get(f"/documents/nope/{route}")
        assert response.status_code == 404
        assert "GET /documents" in response.json()["detail"]


def test_the_sha256_checked_is_the_one_indexed(client, built):
    reports, _ = built
    digest = hashlib.sha256((reports / f"{DRAFT}.txt").read_bytes()).hexdigest()
    catalog = client.app.state.live.current.value
    assert catalog.index.documents[DRAFT].sha256 == digest


# -- paging, totals and one search per question ------------------------------------------------


def test_search_pages_follow_on_and_the_total_counts_the_phrase(client):
    def ids(**body):
        response = client.post("/search", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    whole = ids(query="đối thoại", k=10, mode="bm25")
    first, second = ids(query="đối thoại", k=5, mode="bm25"), ids(query="đối thoại", k=5, offset=5,
                                                                   mode="bm25")  # fmt: skip
    assert [h["passage_id"] for h in first["hits"] + second["hits"]] == [
        h["passage_id"] for h in whole["hits"]
    ]
    assert second["offset"] == 5
    texts = []
    for doc_id in (KON_TUM, DRAFT):
        view = client.get(f"/documents/{doc_id}/text").json()
        texts += [b["text"] for b in view["blocks"]] + [f["text"] for f in view["footnotes"]]
    phrase = ids(query='"tiếp xúc, đối thoại"', k=5)
    assert phrase["total"] == sum("tiếp xúc, đối thoại" in t.lower() for t in texts) > 0
    assert ids(query="đối thoại", k=99, offset=99)["hits"].__len__() <= 1  # never past 100


def test_ask_lists_its_hits_from_the_same_search(client, monkeypatch):
    index = client.app.state.live.current.value.index
    calls = []
    real = type(index).search

    def counted(self, *args, **kwargs):
        calls.append(args[0] if args else kwargs.get("query"))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(index), "search", counted)
    question = "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?"
    alone = client.post("/ask", json={"question": question}).json()
    searched_alone = len(calls)
    calls.clear()
    both = client.post("/ask", json={"question": question, "hits": 10}).json()
    assert len(calls) == searched_alone  # the list costs no second search (nor encoding)
    assert both["answer"] == alone["answer"] == "673 cuộc"
    assert len(both["hits"]) == 10 and both["total"] >= 10
    assert both["citations"][0]["passage_id"] in {h["passage_id"] for h in both["hits"]}
    assert alone["hits"] == [] and alone["total"] is None
