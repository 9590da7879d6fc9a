"""The same page over the Milvus backend: `baocao index --backend milvus` into a milvus-lite
file, `baocao serve --backend milvus`, and a person's main paths through the page."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pages import KON_TUM, search
from playwright.sync_api import expect
from server import BAOCAO, serving

from baocao.corpus.loader import sample_corpus_dir

pytestmark = pytest.mark.milvus  # and browser, from the page fixture


@pytest.fixture(scope="module")
def base_url(bundled_index, tmp_path_factory):
    """``bundled_index`` has filled the embedding cache: ingesting only parses and writes."""
    folder = tmp_path_factory.mktemp("web-milvus")
    milvus = ("--backend", "milvus", "--milvus-uri", str(folder / "milvus.db"))
    env = {**os.environ, "PYTHONUTF8": "1"}
    built = subprocess.run([str(BAOCAO), "index", str(sample_corpus_dir()), *milvus],
                           capture_output=True, text=True, env=env, timeout=600)  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(folder / "unused-index", env, *milvus) as base:
        yield base


def test_a_question_gets_its_cited_answer(page):
    search(page, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?")
    card = page.locator("#answer")
    expect(card.locator(".answer-text")).to_have_text("673 cuộc")
    expect(card.locator(".cite")).to_contain_text("chú thích 6")
    footnote = page.locator("#results > li.footnote").first
    footnote.locator(".context-toggle").click()
    expect(footnote.locator(".context h4").first).to_be_visible()  # fetched, then shown
    assert "Câu được chú thích" in footnote.locator(".context h4").all_text_contents()


def test_similar_wording_and_the_reports_list(page):
    source = page.request.get(f"/passages/{KON_TUM}:fn6").json()
    page.click("#tab-similar")
    page.fill("#similar-text", source["text"][:200])
    page.keyboard.press("Control+Enter")
    first = page.locator("#similar-results > li").first
    expect(first).to_have_attribute("data-passage-id", KON_TUM + ":fn6")
    page.click("#tab-documents")
    expect(page.locator("#documents tbody tr")).to_have_count(8)


def test_a_citation_opens_the_report_and_its_file(page):
    search(page, "Hằng năm cấp ủy, chính quyền Kon Tum tổ chức bao nhiêu cuộc đối thoại?")
    page.locator("#answer .cite a").click()
    cited = page.locator(f"[id='p-{KON_TUM}:fn6']")
    expect(cited).to_have_class("passage footnote-item cited")
    expect(cited.locator("mark.answer-span")).to_have_text("673 cuộc")
    with page.expect_download() as download:
        page.click("#doc-download")
    original = (sample_corpus_dir() / f"{KON_TUM}.txt").read_bytes()
    assert Path(download.value.path()).read_bytes() == original
