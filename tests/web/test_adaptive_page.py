"""The page searches in adaptive mode by default, and its pages follow on whichever request
listed the first ten (a real `baocao serve` over the bundled reports, in Chromium)."""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import quote, urlparse

import pytest
from pages import search
from playwright.sync_api import expect
from server import BAOCAO, serving

from baocao.corpus.loader import sample_corpus_dir


@pytest.fixture(scope="module")
def base_url(bundled_index, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("web-adaptive") / "index"
    env = {**os.environ, "PYTHONUTF8": "1"}
    built = subprocess.run(
        [str(BAOCAO), "index", str(sample_corpus_dir()), "--index-dir", str(index_dir)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    with serving(index_dir, env) as base:
        yield base


def posted(page) -> list[tuple[str, dict]]:
    sent = []
    page.on("request", lambda r: sent.append((urlparse(r.url).path, json.loads(r.post_data)))
            if r.method == "POST" else None)  # fmt: skip
    return sent


def test_adaptive_is_the_default_and_needs_no_chip(page):
    expect(page.locator("input[name=mode][value=adaptive]")).to_be_checked()
    sent = posted(page)
    search(page, '"dân vận khéo"')  # a phrase: /search, not /ask
    expect(page.locator("#results > li").first).to_be_visible()
    assert sent[0][0] == "/search" and sent[0][1]["mode"] == "adaptive"
    expect(page.locator("#chips")).to_be_hidden()
    assert "mode=" not in page.url


def test_more_after_an_answer_goes_on_with_the_ranking_it_listed(page):
    sent = posted(page)
    search(page, "đối thoại với dân")  # a question: /ask lists the hybrid ranking
    items = page.locator("#results > li")
    expect(items).to_have_count(10)
    page.click("#more")
    expect(items).to_have_count(20)
    assert [path for path, _ in sent] == ["/ask", "/search"]
    assert sent[1][1]["mode"] == "hybrid"
    ids = items.evaluate_all("items => items.map(i => i.dataset.passageId)")
    assert len(set(ids)) == 20


def test_a_link_with_another_mode_keeps_it(page):
    page.goto("/?mode=hybrid&q=" + quote('"dân vận"'))
    expect(page.locator("input[name=mode][value=hybrid]")).to_be_checked()
    expect(page.locator("#chips")).to_contain_text("cách tìm: kết hợp")
