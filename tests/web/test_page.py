"""The staff web page in a real headless Chromium (Debian's `chromium`, driven by Playwright)
against a real `baocao serve` of the bundled reports, used as a person would use it.

Screenshots of each state are written to tmp (or $BAOCAO_SCREENSHOTS, which is how the README's
pictures in docs/screenshots/ are made: `BAOCAO_SCREENSHOTS=docs/screenshots pytest tests/web`).
"""

from __future__ import annotations

import os
import subprocess
from urllib.parse import quote

import pytest
from pages import KON_TUM, screenshot, search
from playwright.sync_api import expect
from server import BAOCAO, serving

from baocao.corpus.loader import sample_corpus_dir

KIEN_GIANG = "001_f0ce601e5f83c249"


@pytest.fixture(scope="module")
def base_url(bundled_index, tmp_path_factory):
    """`baocao serve` over an index of the bundled reports (``bundled_index`` has filled the
    embedding cache, so this build only re-reads the reports)."""
    index_dir = tmp_path_factory.mktemp("web") / "index"
    env = {**os.environ, "PYTHONUTF8": "1"}
    built = subprocess.run(
        [str(BAOCAO), "index", str(sample_corpus_dir()), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(index_dir, env) as base:
        yield base


# -- asking ------------------------------------------------------------------------------------


def test_a_question_gets_the_number_in_the_answer_card(page, tmp_path):
    expect(page).to_have_title("Tra cứu báo cáo — baocao")
    search(page, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?")
    card = page.locator("#answer")
    expect(card).to_be_visible()
    expect(card.locator("h2")).to_have_text("Trả lời")
    expect(card.locator(".answer-text")).to_have_text("673 cuộc")
    expect(card.locator("mark.answer-span")).to_have_text("673 cuộc")
    citation = card.locator(".cite")
    expect(citation).to_contain_text("số 16-BC/TU")
    expect(citation).to_contain_text("chú thích 6")
    # the answer is in a footnote: the card also shows the sentence it annotates
    expect(card.locator(".answer-context")).to_contain_text("Câu được chú thích:")
    expect(page.locator("#results > li")).to_have_count(10)
    screenshot(page, "answer", tmp_path)


def test_a_year_question_shows_that_years_figures_and_the_other_scopes(page, tmp_path):
    search(page, "Năm 2019 tổ chức bao nhiêu cuộc đối thoại với dân?")
    card = page.locator("#answer")
    # no province asked: no number outright, but that year's figures marked in the table
    expect(card.locator("h2")).to_have_text("Chưa chắc chắn")
    expect(card).to_contain_text("đánh dấu ✓")
    expect(card.locator(".answer-text")).to_have_count(0)
    expect(card.locator("blockquote")).to_contain_text("đối thoại 13 cuộc")
    rows = card.locator("table.facts tr.match")
    expect(rows).to_have_count(2)
    expect(card.locator("table.facts th", has_text="Đúng phạm vi hỏi (năm 2019)")).to_have_count(1)
    # the Kon Tum yearly average is listed with its scope, not marked as the 2019 figure
    other = card.locator("table.facts tr:not(.match)", has_text="673 cuộc")
    expect(other).to_contain_text("hằng năm, giai đoạn 2015–2020, tỉnh Kon Tum")
    expect(other).to_contain_text("không")
    screenshot(page, "answer-scope", tmp_path)


def test_a_year_no_report_covers_gets_no_answer_and_says_what_is_covered(page, tmp_path):
    search(page, "Năm 2024 tổ chức bao nhiêu cuộc đối thoại với dân?")
    card = page.locator("#answer")
    expect(card.locator("h2")).to_have_text("Không đủ căn cứ")
    expect(card.locator(".answer-text")).to_have_count(0)
    expect(card.locator(".scope-note")).to_have_text(
        "Các báo cáo có số liệu giai đoạn 2015–2020 (Kon Tum), năm 2019 (Kiên Giang); "
        "không có số liệu năm 2024."
    )
    expect(card.locator("table.facts tr.match")).to_have_count(0)
    screenshot(page, "answer-not-covered", tmp_path)


def test_without_enough_evidence_the_card_says_so(page, tmp_path):
    search(page, "Giá vàng hôm nay bao nhiêu?")
    card = page.locator("#answer")
    expect(card.locator("h2")).to_have_text("Không đủ căn cứ")
    expect(card.locator(".answer-text")).to_have_count(0)
    expect(card).to_have_class("answer unsure")
    # no scope asked: no facts marked as the scope asked
    expect(card.locator("table.facts tr.match")).to_have_count(0)
    expect(card.locator("table.facts th", has_text="Đúng phạm vi hỏi")).to_have_count(0)


def test_keywords_get_results_without_an_answer_card(page):
    search(page, "dân vận khéo")
    expect(page.locator("#results > li").first).to_be_visible()
    expect(page.locator("#answer")).to_be_hidden()
    marks = page.locator("#results > li").first.locator(".text mark")
    words = {w for m in marks.all_inner_texts() for w in m.lower().split()}
    assert words and words <= {"dân", "vận", "khéo"}


def test_typed_without_diacritics(page):
    search(page, "doi thoai voi dan")
    first = page.locator("#results > li").first
    expect(first).to_be_visible()
    marked = {w for m in first.locator(".text mark").all_inner_texts() for w in m.lower().split()}
    assert {"đối", "thoại"} <= marked, marked


def test_a_quoted_phrase_is_matched_exactly(page):
    search(page, '"dân vận khéo"')
    texts = page.locator("#results > li .text").all_inner_texts()
    assert texts and all("dân vận khéo" in t.lower() for t in texts)


def test_an_empty_box_gets_a_friendly_message(page, base_url):
    page.fill("#query", "   ")
    page.press("#query", "Enter")
    expect(page.locator("#search-status")).to_have_text(
        "Hãy nhập câu hỏi, từ khóa hoặc cụm từ cần tìm rồi nhấn Tìm."
    )
    expect(page.locator("#search-status")).to_have_class("status warn")
    expect(page.locator("#results > li")).to_have_count(0)
    assert page.url == base_url + "/"
    expect(page.locator("#query")).to_be_focused()


def test_a_refused_query_shows_the_reason_not_an_error_page(page):
    page.evaluate("document.querySelector('#query').removeAttribute('maxlength')")
    search(page, "x" * 2001)
    status = page.locator("#search-status")
    expect(status).to_have_class("status error")
    expect(status).to_have_text("Nội dung quá dài: tối đa 2000 ký tự.")  # in Vietnamese


# -- results -----------------------------------------------------------------------------------


def test_context_opens_neighbours_and_footnote_links(page):
    search(page, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?")
    footnote = page.locator("#results > li.footnote").first
    expect(footnote.locator(".badge")).to_contain_text("Chú thích 6")
    expect(footnote.locator(".badge")).to_contain_text("cho câu:")
    toggle = footnote.locator(".context-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    context = footnote.locator(".context")
    expect(context.locator("h4").first).to_be_visible()
    assert "Câu được chú thích" in context.locator("h4").all_text_contents()
    toggle.click()
    expect(context).to_be_hidden()
    expect(toggle).to_have_text("Xem ngữ cảnh")


def test_a_body_passage_context_shows_the_passages_around_it(page):
    search(page, "tiếp xúc cử tri")
    first = page.locator("#results > li:not(.footnote)").first
    passage_id = first.get_attribute("data-passage-id")
    first.locator(".context-toggle").click()
    context = first.locator(".context")
    expect(context.locator(".context-block").first).to_be_visible()
    neighbours = page.request.get(f"/passages/{quote(passage_id)}").json()
    blocks = context.locator(".context-block p").all_inner_texts()
    shown = 0
    for side in ("previous", "next"):
        if neighbours[side]:
            beside = page.request.get(f"/passages/{quote(neighbours[side])}").json()
            if beside["kind"] != "footnote":  # footnotes are not the text around a passage
                assert beside["text"] in blocks
                shown += 1
    assert shown
    assert " › ".join(neighbours["section_path"]) in blocks  # and the section it stands in


def test_copy_puts_the_passage_and_its_citation_on_the_clipboard(page):
    search(page, "dân vận khéo")
    first = page.locator("#results > li").first
    first.locator(".copy").click()
    expect(first.locator(".copied")).to_have_text("Đã sao chép")
    copied = page.evaluate("navigator.clipboard.readText()")
    text = first.locator(".text").inner_text()
    citation = first.locator(".cite-link").inner_text()
    assert copied == f"«{text}»\n({citation})"
    assert ".txt" not in copied.split("\n")[-1]  # the citing form, not the file name


# -- filters and modes -------------------------------------------------------------------------


def test_a_report_filter_keeps_results_in_that_report(page):
    page.click("#filters summary")
    page.select_option("#filter-docs", [KIEN_GIANG])
    search(page, "đối thoại với dân")
    files = page.locator("#results > li .cite").all_inner_texts()
    assert files and all("001_f0ce601e5f83c249.txt" in f for f in files), files


def test_footnotes_only(page):
    page.click("#filters summary")
    page.check("input[name=kind][value=footnote]")
    search(page, "đối thoại với dân")
    items = page.locator("#results > li")
    expect(items.first).to_be_visible()
    assert items.count() == page.locator("#results > li.footnote").count()


def test_a_year_range_and_a_bad_one(page):
    page.click("#filters summary")
    page.fill("#filter-year-from", "2019")
    page.fill("#filter-year-to", "2019")
    search(page, "đối thoại với dân")
    ids = page.locator("#results > li").evaluate_all("items => items.map(i => i.dataset.passageId)")
    assert ids
    for doc_id in {passage_id.split(":")[0] for passage_id in ids}:
        document = page.request.get(f"/documents/{quote(doc_id)}").json()
        years = document["years"] or [int(document["date"][:4])]
        assert 2019 in years, (doc_id, years)
    page.fill("#filter-year-from", "2021")
    page.fill("#filter-year-to", "2019")
    search(page, "đối thoại với dân")
    expect(page.locator("#search-status")).to_have_class("status error")
    expect(page.locator("#search-status")).to_contain_text("2021")
    expect(page.locator("#results > li")).to_have_count(0)


def test_the_mode_switch(page):
    page.click("#filters summary")
    page.check("input[name=mode][value=bm25]")
    search(page, "tiếp xúc cử tri")
    scores = page.locator("#results > li .scores").first
    expect(scores.locator(".score-parts")).to_be_hidden()  # no raw scores by default
    scores.locator("summary").click()
    parts = scores.locator(".score-parts")
    expect(parts).to_be_visible()
    assert "khớp từ" in parts.inner_text() and "gần nghĩa" not in parts.inner_text()


# -- similar wording and the list of reports ---------------------------------------------------


def test_similar_wording_finds_the_earlier_paragraph(page, tmp_path):
    source = page.request.get(f"/passages/{quote(KON_TUM + ':fn6')}").json()
    page.click("#tab-similar")
    page.fill("#similar-text", source["text"][:200])
    page.keyboard.press("Control+Enter")
    first = page.locator("#similar-results > li").first
    expect(first).to_have_attribute("data-passage-id", KON_TUM + ":fn6")
    expect(first.locator(".cite")).to_contain_text("ngày 11/11/2020")
    assert first.locator(".cite").inner_text().count("11/11/2020") == 1  # dated, once
    marks = first.locator(".text mark").all_inner_texts()
    assert marks and len(marks[0]) >= 150  # the pasted stretch, marked as one run
    screenshot(page, "similar", tmp_path)


def test_the_list_of_reports_and_searching_within_one(page, tmp_path):
    page.click("#tab-documents")
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(page.request.get("/documents").json()))
    expect(rows.first).to_contain_text("16-BC/TU")
    expect(rows.first).to_contain_text("11/11/2020")
    screenshot(page, "documents", tmp_path)
    rows.first.locator("button").click()
    expect(page.locator("#panel-search")).to_be_visible()
    assert page.locator("#filter-docs").evaluate(
        "s => [...s.selectedOptions].map(o => o.value)"
    ) == [KON_TUM]


# -- keyboard, narrow screens, links, docs -----------------------------------------------------


def test_usable_by_keyboard(page):
    page.keyboard.press("Tab")  # the page title's link
    page.keyboard.press("Tab")  # the first tab
    expect(page.locator("#tab-search")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-similar")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-similar")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#panel-search")).to_be_visible()
    page.locator("#query").focus()
    page.keyboard.type("tiếp xúc cử tri")
    page.keyboard.press("Enter")
    expect(page.locator("#results > li").first).to_be_visible()


def test_a_shared_link_runs_its_search(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/?q=" + quote("dân vận khéo"))
    expect(page.locator("#query")).to_have_value("dân vận khéo")
    expect(page.locator("#results > li").first).to_be_visible()
    context.close()


def test_a_narrow_screen_has_no_sideways_scroll(browser, base_url, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(base_url + "/?q=" + quote("Tỷ lệ giải quyết đơn khiếu nại năm 2019 là bao nhiêu?"))
    expect(page.locator("#answer")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    screenshot(page, "narrow", tmp_path)
    context.close()


def test_the_api_docs_render_without_the_internet(page, base_url):
    page.goto(base_url + "/docs")
    expect(page.locator(".opblock-summary-path", has_text="/search").first).to_be_visible()


# -- passage text is text ------------------------------------------------------------------------

HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><b>đậm</b>'


@pytest.fixture(scope="module")
def hostile_base_url(tmp_path_factory):
    """A server over a report whose text holds HTML and a script."""
    folder = tmp_path_factory.mktemp("hostile")
    reports, index_dir = folder / "reports", folder / "index"
    reports.mkdir()
    (reports / "html.txt").write_text(
        f"BÁO CÁO\ncông tác dân vận\n-----\nI. KẾT QUẢ\nĐối thoại với dân {HOSTILE} năm 2019.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(folder / "cache")}
    built = subprocess.run([str(BAOCAO), "index", str(reports), "--index-dir", str(index_dir)],
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(index_dir, env) as base:
        yield base


def test_html_in_a_report_shows_as_text(browser, hostile_base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(hostile_base_url + "/?q=" + quote("đối thoại với dân"))
    text = page.locator("#results > li .text").first
    expect(text).to_contain_text("<script>window.__xss = 1</script>")
    expect(text).to_contain_text("<b>đậm</b>")
    page.locator("#results > li .context-toggle").first.click()
    expect(page.locator(".context").first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#results img, #results script, #results b").count() == 0
    context.close()
