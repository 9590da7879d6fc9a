"""What the checks of both gold question files share: the report files as bytes and parsed,
where a piece of evidence occurs, and whether a question was typed with diacritics."""

from __future__ import annotations

import unicodedata
from functools import cache

from baocao.corpus.loader import load_reports, sample_corpus_dir


@cache
def raw_text(name: str) -> str:
    return (sample_corpus_dir() / name).read_bytes().decode("utf-8")


@cache
def parsed_reports(names: tuple[str, ...]) -> dict:
    """{source_file: ParsedFile} for the bundled reports ``names``."""
    result = load_reports([sample_corpus_dir() / name for name in names], progress=False)
    assert not result.errors, result.errors
    return {f.source_file: f for f in result.files}


def occurrences(text: str, needle: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence."""
    hits, k = [], text.find(needle)
    while k != -1:
        hits.append(k)
        k = text.find(needle, k + 1)
    return hits


def has_vietnamese_marks(text: str) -> bool:
    nfd = unicodedata.normalize("NFD", text)
    return any(unicodedata.combining(ch) for ch in nfd) or "đ" in nfd or "Đ" in nfd


def footnote_mismatches(questions, files: dict, text_of) -> list[str]:
    """Questions whose ``in_footnote`` disagrees with the kinds of the parsed passages that
    cover their evidence (``text_of(file)``: the text the evidence offsets index). A signer's
    name (or title) is in the document's title block, not in a passage: nothing to check."""
    problems = []
    for q in questions:
        if any(q["evidence"] == d.document.signatory or q["evidence"] in (d.document.signatory_title or "")
               for d in files[q["file"]].documents):  # fmt: skip
            continue
        start = text_of(q["file"]).find(q["evidence"])
        end = start + len(q["evidence"])
        kinds = {
            passage.kind
            for passage in files[q["file"]].passages
            if any(s < end and e > start for s, e in passage.spans)
        }
        if not kinds:
            problems.append(f"{q['id']}: no passage covers the evidence")
        elif q["in_footnote"] and kinds != {"footnote"}:
            problems.append(f"{q['id']}: marked in_footnote but parser kinds {sorted(kinds)}")
        elif not q["in_footnote"] and "footnote" in kinds:
            problems.append(f"{q['id']}: marked body but parser kinds {sorted(kinds)}")
    return problems
