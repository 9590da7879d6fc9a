"""Reading and checking what the page cites, in a real Chromium against a real `baocao serve`:
the whole report from a citation (the passage and the answer span marked), its footnotes
linked both ways, the original file, highlights as typed, paging, filters in the address,
one request per question, the copy staff read, and a phone-sized screen."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from pages import KON_TUM, screenshot, search
from playwright.sync_api import expect
from server import BAOCAO, serving

from baocao.corpus.loader import sample_corpus_dir

QUESTION = "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?"
FN6 = f"{KON_TUM}:fn6"


@pytest.fixture(scope="module")
def base_url(bundled_index, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("web-reading") / "index"
    env = {**os.environ, "PYTHONUTF8": "1"}
    built = subprocess.run(
        [str(BAOCAO), "index", str(sample_corpus_dir()), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(index_dir, env) as base:
        yield base


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.bottom > 0 && r.top < window.innerHeight; }""",
        selector,
    )


# -- the whole report --------------------------------------------------------------------------


def test_a_citation_opens_the_report_at_the_passage_with_the_answer_marked(page, tmp_path):
    search(page, QUESTION)
    link = page.locator("#answer .cite a")
    expect(link).to_have_text(
        "Báo cáo số 16-BC/TU ngày 11/11/2020 của Tỉnh ủy Kon Tum (giai đoạn 2015–2020), "
        "mục III.1, chú thích 6"
    )
    expect(page.locator("#answer .cite .source")).to_contain_text(f"{KON_TUM}.txt, dòng")
    link.click()
    view = page.locator("#panel-document")
    expect(view).to_be_visible()
    expect(page.locator("#panel-search")).to_be_hidden()
    url = urlparse(page.url)
    assert parse_qs(url.query)["doc"] == [KON_TUM]
    assert parse_qs(url.fragment)["p"] == [FN6]
    cited = page.locator(f"[id='p-{FN6}']")
    expect(cited).to_have_class("passage footnote-item cited")
    expect(cited.locator("mark.answer-span")).to_have_text("673 cuộc")
    assert page.locator("#doc-body .cited").count() == 1
    assert in_view(page, f"[id='p-{FN6}']")
    expect(view.locator(".doc-facts")).to_contain_text("16-BC/TU")
    expect(view.locator(".doc-facts")).to_contain_text("11/11/2020")
    expect(view.locator(".doc-facts")).to_contain_text("TỈNH ỦY KON TUM")
    expect(page.locator("#doc-outline li")).to_have_count(16)
    screenshot(page, "document", tmp_path)
    page.go_back()  # back to the search, its results still there
    expect(page.locator("#panel-search")).to_be_visible()
    expect(page.locator("#answer .answer-text")).to_have_text("673 cuộc")


def test_a_hit_and_the_reports_list_open_the_report(page):
    search(page, "tiếp xúc cử tri")
    first = page.locator("#results > li").first
    passage_id = first.get_attribute("data-passage-id")
    first.locator(".cite-link").click()
    expect(page.locator(f"[id='p-{passage_id}']")).to_have_class("passage cited")
    assert in_view(page, f"[id='p-{passage_id}']")
    page.click("#doc-back")
    expect(page.locator("#results > li").first).to_be_visible()
    page.click("#tab-documents")
    page.locator("#documents tbody tr").nth(1).locator("td.doc-name a").click()
    expect(page.locator(".doc-title")).to_have_text(
        "Báo cáo tổng kết công tác dân vận năm 2019 và chương trình chỉ đạo năm 2020"
    )
    expect(page.locator(".doc-facts")).to_contain_text("không ghi trong tệp")


def test_a_shared_report_link_marks_the_passage_and_span(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    text = page.request.get(f"{base_url}/passages/{quote(FN6)}").json()["text"]
    start = text.index("673 cuộc")
    page.goto(f"{base_url}/?doc={KON_TUM}#p={quote(FN6)}&a={start}-{start + 8}")
    cited = page.locator(f"[id='p-{FN6}']")
    expect(cited.locator("mark.answer-span")).to_have_text("673 cuộc")
    context.close()


def test_footnotes_link_both_ways(page):
    page.goto(f"/?doc={KON_TUM}")
    marker = page.locator(f"[id='m-{KON_TUM}:p0013-6']")
    expect(marker).to_have_text("6")
    marker.click()  # marker -> note
    note = page.locator(f"[id='p-{FN6}']")
    expect(note).to_be_focused()
    assert in_view(page, f"[id='p-{FN6}']")
    note.locator(".fn-back").click()  # note -> the sentence it annotates
    expect(marker).to_be_focused()
    expect(page.locator(f"[id='p-{KON_TUM}:p0013']")).to_have_class("passage flash")
    assert in_view(page, f"[id='m-{KON_TUM}:p0013-6']")
    # every note is reached from its marker, and every marker has its note
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('.fn-ref')].map(a => a.id)"""
    )  # fmt: skip
    assert len(pairs) == 23


def test_the_original_file_downloads(page):
    page.goto(f"/?doc={KON_TUM}")
    with page.expect_download() as download:
        page.click("#doc-download")
    saved = download.value
    assert saved.suggested_filename == f"{KON_TUM}.txt"
    original = (sample_corpus_dir() / f"{KON_TUM}.txt").read_bytes()
    assert Path(saved.path()).read_bytes() == original


def test_the_context_of_a_footnote_is_the_sentence_it_annotates(page):
    search(page, QUESTION)
    note = page.locator(f"#results > li[data-passage-id='{FN6}']")
    note.locator(".context-toggle").click()
    context = note.locator(".context")
    expect(context.locator("h4").first).to_have_text("Câu được chú thích")
    titles = context.locator("h4").all_text_contents()
    assert titles == ["Câu được chú thích", "Thuộc mục"], titles  # no neighbouring footnote
    expect(context).to_contain_text("1. Về lãnh đạo thực hiện công tác dân vận")
    context.locator("a", has_text="Xem câu này trong toàn văn").click()
    expect(page.locator(f"[id='p-{KON_TUM}:p0013']")).to_have_class("passage cited")


# -- results -----------------------------------------------------------------------------------


def marks(page) -> list[str]:
    return [m.lower() for m in page.locator("#results .text mark").all_inner_texts()]


def test_highlights_keep_the_diacritics_typed(page):
    page.goto("/?mode=bm25&q=" + quote("vận"))
    expect(page.locator("#results > li").first).to_be_visible()
    assert marks(page) and set(marks(page)) == {"vận"}
    page.goto("/?mode=bm25&q=" + quote("tố cáo"))
    expect(page.locator("#results > li").first).to_be_visible()
    assert marks(page) and set(marks(page)) <= {"tố cáo", "tố", "cáo"}, set(marks(page))
    page.goto("/?mode=bm25&q=van")  # typed without diacritics: every spelling
    expect(page.locator("#results > li").first).to_be_visible()
    assert {"văn", "vận"} <= set(marks(page)), set(marks(page))


def test_a_quoted_phrase_is_marked_as_the_phrase(page):
    search(page, '"dân vận khéo"')
    assert marks(page) and set(marks(page)) == {"dân vận khéo"}


def test_common_words_are_not_marked_alone(page):
    search(page, "dân vận khéo")
    assert marks(page) and "dân" not in marks(page) and "vận" not in marks(page)


def test_more_results_and_the_total(page):
    search(page, "đối thoại với dân")
    items = page.locator("#results > li")
    expect(items).to_have_count(10)
    status = page.locator("#search-status")
    expect(status).to_contain_text("đoạn có từ cần tìm · đang xem 10 đoạn đầu")
    page.click("#more")
    expect(items).to_have_count(20)
    expect(status).to_contain_text("đang xem 20 đoạn đầu")
    ids = items.evaluate_all("items => items.map(i => i.dataset.passageId)")
    assert len(set(ids)) == 20
    total = int(status.inner_text().split(" đoạn")[0].replace(".", ""))
    assert total >= 20


def test_filters_and_mode_live_in_the_address_as_removable_chips(page):
    page.goto("/?q=" + quote("đối thoại với dân") + "&kind=footnote&mode=bm25&from=2019&to=2019")
    chips = page.locator("#chips .chip")
    expect(chips).to_have_count(3)
    expect(page.locator("#chips")).to_contain_text("Đang tìm trong:")
    items = page.locator("#results > li")
    expect(items.first).to_be_visible()
    assert items.count() == page.locator("#results > li.footnote").count()
    expect(page.locator("input[name=mode][value=bm25]")).to_be_checked()
    page.locator("#chips .chip", has_text="chỉ chú thích").click()
    expect(chips).to_have_count(2)
    assert "kind=" not in page.url and "mode=bm25" in page.url
    expect(page.locator("#results > li:not(.footnote)").first).to_be_visible()
    page.locator("#chips .chip", has_text="cách tìm").click()
    expect(chips).to_have_count(1)
    assert "mode=" not in page.url
    page.go_back()  # the previous search, filters included
    expect(chips).to_have_count(2)
    expect(page.locator("input[name=mode][value=bm25]")).to_be_checked()


def test_one_request_per_question(page):
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    search(page, QUESTION)
    expect(page.locator("#results > li")).to_have_count(10)
    assert [urlparse(u).path for u in posts] == ["/ask"]


def test_not_enough_evidence_lists_the_nearest_passages(page):
    search(page, "Giá vàng hôm nay bao nhiêu?")
    expect(page.locator("#answer h2")).to_have_text("Không đủ căn cứ")
    expect(page.locator("#results-title")).to_have_text("Các đoạn gần nhất")


def test_the_main_screen_speaks_to_staff(page):
    search(page, QUESTION)
    page.click("#filters summary")
    shown = page.locator("body").inner_text()
    for word in ("BM25", "bộ mã hóa", "chỉ mục", "Thân bài", "điểm 1"):
        assert word not in shown, word
    assert "Nội dung chính" in shown


# -- a phone -----------------------------------------------------------------------------------


def test_a_phone_reads_the_report_and_the_list_as_cards(browser, base_url, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{base_url}/?doc={KON_TUM}#p={quote(FN6)}")
    expect(page.locator(f"[id='p-{FN6}']")).to_have_class("passage footnote-item cited")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "document-narrow", tmp_path)
    page.goto(f"{base_url}/")
    page.click("#tab-documents")
    row = page.locator("#documents tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card
    assert page.locator("#documents thead").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "documents-narrow", tmp_path)
    context.close()
