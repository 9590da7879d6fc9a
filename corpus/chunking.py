"""Body paragraphs → passages of at most ``budget`` cl100k tokens.

Consecutive paragraphs of one section share a passage while they fit; a paragraph longer than
the budget is split between sentences. A sentence longer than ``SENTENCE_CAP`` budgets (a
semicolon chain, a PDF paragraph without punctuation) is cut at clause boundaries — after
";", then ",", then at line breaks, then between words, and only as a last resort between
characters — into pieces within the budget; a shorter sentence stays whole, so no passage
is longer than ``SENTENCE_CAP`` budgets. The pieces cover the raw text exactly, so the
passages' source spans still account for every character.
"""

from __future__ import annotations

import re
import unicodedata

from .assembly import Block
from .sentences import split_sentences
from .tokens import count_tokens

DEFAULT_TOKEN_BUDGET = 256
# A sentence is cut only when it is longer than this many budgets. On the gold set (178
# questions) cutting every sentence over the budget (1.0) lost one question from the top 10
# (recall@5 0.9775 -> 0.9719: "thành lập trong nhiệm kỳ 2015-2020" and its answer fell in two
# clauses of one semicolon chain); 2.0 keeps them and scores a little better than no cut
# (bm25 MRR@10 0.9125 -> 0.9143, hybrid 0.9246 -> 0.9265).
SENTENCE_CAP = 2.0

Piece = tuple[Block, int, int]  # a stretch [a, b) of a block's raw text

# Where a long sentence may be cut, best first: the cut falls after the match.
_CLAUSE_BREAKS = (
    re.compile(r";\s*"),
    re.compile(r",\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"\s+"),
)
_WORD = re.compile(r"\S+")
_MAX_TOKENS_PER_CHAR = 4  # a character is at most 4 UTF-8 bytes, each at most one token


def plan_passages(blocks: list[Block], budget: int = DEFAULT_TOKEN_BUDGET) -> list[list[Piece]]:
    passages: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0
    for block in blocks:
        ranges = _sentence_groups(block, budget)
        if len(ranges) > 1:
            if current:
                passages.append(current)
            passages += [[(block, a, b)] for a, b, _ in ranges]
            current, used = [], 0
            continue
        a, b, tokens = ranges[0]
        if current and used + tokens > budget:
            passages.append(current)
            current, used = [], 0
        current.append((block, a, b))
        used += tokens
    if current:
        passages.append(current)
    return passages


def _sentence_groups(block: Block, budget: int) -> list[tuple[int, int, int]]:
    """Contiguous [a, b) ranges covering the whole raw text, each within budget if possible."""
    total = count_tokens(block.raw)
    if total <= budget:
        return [(0, len(block.raw), total)]
    groups: list[list[int]] = []  # [start, tokens]
    for start, end in split_sentences(block.raw):
        for piece_start, tokens in sentence_pieces(block.raw, start, end, budget):
            if groups and groups[-1][1] + tokens <= budget:
                groups[-1][1] += tokens
            else:  # a piece's count is that of a passage starting with it
                groups.append([piece_start, tokens])
    starts = [0] + [g[0] for g in groups[1:]]
    ends = starts[1:] + [len(block.raw)]
    return [(a, b, g[1]) for a, b, g in zip(starts, ends, groups, strict=True)]


def sentence_pieces(
    text: str, start: int, end: int, budget: int = DEFAULT_TOKEN_BUDGET
) -> list[tuple[int, int]]:
    """(start, tokens) of the pieces that cover the sentence text[start:end]: the sentence
    itself unless it is longer than ``SENTENCE_CAP`` budgets, else clauses within budget."""
    tokens = count_tokens(text[start:end])
    if tokens <= SENTENCE_CAP * budget:
        return [(start, tokens)]
    return _split(text, start, end, budget, 0)


def _split(text: str, start: int, end: int, budget: int, level: int) -> list[tuple[int, int]]:
    """text[start:end] (longer than the budget) cut at the ``level``-th kind of break."""
    if level == len(_CLAUSE_BREAKS):
        cuts = _character_cuts(text, start, end, budget)
    else:
        breaks = _CLAUSE_BREAKS[level].finditer(text, start, end)
        cuts = [m.end() for m in breaks if start < m.end() < end]
    pieces: list[tuple[int, int]] = []  # (start, tokens after a piece before it)
    for a, b in zip([start, *cuts], [*cuts, end], strict=True):
        tokens = _tokens_in_context(text, a, b)
        if tokens <= budget or level == len(_CLAUSE_BREAKS):
            pieces.append((a, tokens))
        else:
            pieces += _split(text, a, b, budget, level + 1)
    merged: list[list[int]] = []  # [start, tokens of a passage that starts there]
    for a, tokens in pieces:  # neighbours share a passage while they fit
        if merged and merged[-1][1] + tokens <= budget:
            merged[-1][1] += tokens
        else:
            merged.append([a, tokens + _lead(text, a)])
    return [(a, tokens) for a, tokens in merged]


def _tokens_in_context(text: str, a: int, b: int) -> int:
    """Tokens text[a:b] adds after the text before it: cl100k spells a word with the space
    before it ("cấp " alone is one token more than " cấp"), so the pieces of a passage are
    counted that way and their sum is the passage's count ..."""
    lead = a - 1 if a > 0 and text[a - 1].isspace() else a
    return count_tokens(text[lead:b].rstrip() or text[a:b])


def _lead(text: str, a: int) -> int:
    """... except at its start, where the first word has no space before it ("thoại" takes
    one token more than " thoại")."""
    if a == 0 or not text[a - 1].isspace():
        return 0
    word = _WORD.match(text, a)
    return max(0, count_tokens(word[0]) - count_tokens(" " + word[0])) if word else 0


def _character_cuts(text: str, start: int, end: int, budget: int) -> list[int]:
    """Cuts every few characters (a "word" longer than the budget), never before a
    combining mark, so each stretch stays within the budget and normalises alike."""
    step = max(1, budget // _MAX_TOKENS_PER_CHAR)
    cuts, position = [], start + step
    while position < end:
        while position < end and unicodedata.combining(text[position]):
            position += 1
        if position < end:
            cuts.append(position)
        position += step
    return cuts
