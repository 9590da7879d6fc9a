"""Body paragraphs → passages of at most ``budget`` cl100k tokens, never cut mid-sentence.

Consecutive paragraphs of one section share a passage while they fit; a paragraph longer than
the budget is split between sentences (a single sentence longer than the budget stays whole).
"""

from __future__ import annotations

from .assembly import Block
from .sentences import split_sentences
from .tokens import count_tokens

DEFAULT_TOKEN_BUDGET = 256

Piece = tuple[Block, int, int]  # a stretch [a, b) of a block's raw text


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
        tokens = count_tokens(block.raw[start:end])
        if groups and groups[-1][1] + tokens <= budget:
            groups[-1][1] += tokens
        else:
            groups.append([start, tokens])
    starts = [0] + [g[0] for g in groups[1:]]
    ends = starts[1:] + [len(block.raw)]
    return [(a, b, g[1]) for a, b, g in zip(starts, ends, groups, strict=True)]
