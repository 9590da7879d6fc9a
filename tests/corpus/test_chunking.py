"""Passages stay within the token budget even when a sentence does not: a paragraph without
sentence punctuation (a PDF line dump), a semicolon chain, a comma list, a "word" longer than
the budget — each cut at the best clause boundary, every source character still in exactly
one passage. Real .txt files, parsed by the real reader."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from accounting import passage_problems, uncovered_or_doubled

from baocao.corpus.chunking import DEFAULT_TOKEN_BUDGET, SENTENCE_CAP, sentence_pieces
from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.corpus.readers.text import read_text_file
from baocao.corpus.tokens import count_tokens

HEAD = "BÁO CÁO\nKết quả công tác dân vận năm 2020\nI. KẾT QUẢ\n"
PHRASE = (
    "cấp ủy chính quyền các cấp tổ chức đối thoại với Nhân dân tại cơ sở về đất đai "
    "giải phóng mặt bằng bồi thường tái định cư xây dựng nông thôn mới giảm nghèo bền vững"
)
WORDS = PHRASE.split()


def parse(tmp_path: Path, body: str):
    path = tmp_path / "report.txt"
    path.write_text(HEAD + body + "\n", encoding="utf-8")
    parsed = read_text_file(path, "report.txt", "bc")
    assert uncovered_or_doubled(parsed) == []
    assert passage_problems(parsed) == []
    return parsed


def body_tokens(parsed) -> list[int]:
    return [count_tokens(p.text) for p in parsed.passages if p.kind == "body"]


def test_a_108000_character_paragraph_without_punctuation_is_cut_within_budget(tmp_path):
    rng = random.Random(15)
    words, length = ["Năm", "2020"], 0
    while length < 108_000:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    parsed = parse(tmp_path, " ".join(words))
    tokens = body_tokens(parsed)
    assert max(tokens) <= DEFAULT_TOKEN_BUDGET
    assert len(tokens) >= sum(tokens) // DEFAULT_TOKEN_BUDGET
    assert " ".join(p.text for p in parsed.passages) == " ".join(words)  # nothing lost


def test_a_semicolon_chain_is_cut_after_a_semicolon(tmp_path):
    clauses = [
        f"huyện {i} tổ chức {i * 7} cuộc đối thoại với {i * 90} lượt người tham gia, "
        "giải quyết dứt điểm các kiến nghị về đất đai"
        for i in range(1, 41)
    ]
    sentence = "Kết quả: " + "; ".join(clauses) + "."
    assert count_tokens(sentence) > 4 * DEFAULT_TOKEN_BUDGET
    parsed = parse(tmp_path, sentence)
    texts = [p.text for p in parsed.passages]
    assert len(texts) > 4
    assert all(t.endswith(";") for t in texts[:-1])
    assert max(body_tokens(parsed)) <= DEFAULT_TOKEN_BUDGET
    assert " ".join(texts) == sentence


def test_a_comma_list_is_cut_after_a_comma(tmp_path):
    sentence = "Các xã gồm " + ", ".join(f"xã Đăk {i} thuộc huyện Kon Plông" for i in range(90))
    parsed = parse(tmp_path, sentence + ".")
    texts = [p.text for p in parsed.passages]
    assert len(texts) > 2
    assert all(t.endswith(",") for t in texts[:-1])
    assert max(body_tokens(parsed)) <= DEFAULT_TOKEN_BUDGET


def test_a_word_longer_than_the_budget_is_cut_between_whole_letters(tmp_path):
    word = unicodedata.normalize("NFD", "đốithoạiởcơsở") * 300  # tone marks as combining
    text = f"Chuỗi {word} hết."
    pieces = sentence_pieces(text, 0, len(text))
    assert len(pieces) > 1
    starts = [a for a, _ in pieces]
    assert not any(unicodedata.combining(text[a]) for a in starts)
    ends = [*starts[1:], len(text)]
    assert all(
        count_tokens(text[a:b]) <= DEFAULT_TOKEN_BUDGET for a, b in zip(starts, ends, strict=True)
    )
    parse(tmp_path, text)


def test_a_sentence_up_to_the_cap_is_never_cut():
    text = "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại; 3.500 lượt người tham gia."
    assert sentence_pieces(text, 0, len(text)) == [(0, count_tokens(text))]
    chain = "; ".join(["cấp ủy các cấp đã tổ chức 120 cuộc đối thoại với Nhân dân"] * 15) + "."
    tokens = count_tokens(chain)
    assert DEFAULT_TOKEN_BUDGET < tokens <= SENTENCE_CAP * DEFAULT_TOKEN_BUDGET
    assert sentence_pieces(chain, 0, len(chain)) == [(0, tokens)]  # a clause chain kept whole


@pytest.mark.parametrize("budget", [64, 256])
def test_no_bundled_body_passage_exceeds_the_cap(budget):
    passages = load_reports([sample_corpus_dir()], budget=budget, progress=False).passages
    longest = max(count_tokens(p.text) for p in passages if p.kind == "body")
    assert longest <= SENTENCE_CAP * budget
