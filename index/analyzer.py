"""Vietnamese analyzer for BM25: text -> terms, the same way for passages and queries.

Steps: clean + NFC + new-style tone marks (``corpus.vietnamese.canonical``), then one scan that
keeps three kinds of token, lower-cased:

- document numbers ("16-BC/TU", "15/2020/NĐ-CP", "16 - BC / TU") as one token, spaces removed;
- numbers in canonical form: "2.343", "2,343" and "2343" -> "2343"; "9.690,46" -> "9690,46";
- syllables, one-letter ones included ("ở", "y");
- after an acronym of the reports ("HTXSNV", "TSVM", "DTTS"), the words it stands for, so that
  "hoàn thành xuất sắc nhiệm vụ" finds the tables that only write "HTXSNV" (and back).

Bigrams of adjacent syllables ("đối_thoại") stand in for multi-syllable words, and ``fold``
strips diacritics (đ -> d) for queries typed without them; ``index.keyword`` keeps each in a
BM25 field of its own. Measured on MLQA-vi dev (BM25 only, nDCG@10): syllables .805; bigrams in
the same field .792; bigrams as a field weighted 0.2 .822; pyvi words as that field .810 (and
5x slower); + folded field at 0.2 .827 (benchmarks/tune.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from baocao.corpus.vietnamese import (  # noqa: F401  canonical_number: re-exported
    canonical,
    canonical_number,
    fold_diacritics,
    strip_leading_zeros,
)

BIGRAM_JOINER = "_"
ANALYZER_VERSION = 2  # bump when terms change: indexes built before must be rebuilt

# Letter groups of a document number: "BC", "NĐ", "TƯ", "UBND", "TTg", "QH13", "SNN&PTNT".
_ID_GROUP = r"[A-ZĐƯ][A-ZĐƯ&]{0,9}(?:\d{1,2}|g)?"
_ID_GROUP_ANY_CASE = r"[A-ZĐƯa-zđư][A-ZĐƯa-zđư&]{0,9}\d{0,2}"
_ID_NUMBER = r"\d{1,5}(?:\s*/\s*\d{2,4})?"
_SEP = r"\s*[-/]\s*"
# "98-KH", "16-BC/TU", "15/2020/NĐ-CP": written without spaces, upper-case groups.
_DOC_ID_COMPACT = rf"\d{{1,5}}(?:/\d{{2,4}})?[-/]{_ID_GROUP}(?:[-/]{_ID_GROUP})*"
# "16 - BC / TU", "16-bc/tu", "16 - bc / tu": any spacing or case, but two letter groups at
# least, so that "Mục 3 - Y tế" or "năm 2020 - HĐND" stay ordinary words.
_DOC_ID_SPACED = rf"{_ID_NUMBER}{_SEP}{_ID_GROUP_ANY_CASE}(?:{_SEP}{_ID_GROUP_ANY_CASE})+"
_NUMBER = r"\d+(?:[.,]\d+)*"
_SYLLABLE = r"[^\W\d_]+"
_TOKEN_RE = re.compile(
    rf"(?<![\w/.,&-])(?P<doc_id>(?:{_DOC_ID_SPACED}|{_DOC_ID_COMPACT})(?![\w&]))"
    rf"|(?P<number>{_NUMBER})"
    rf"|(?P<syllable>{_SYLLABLE})"
)
_SPACE_RE = re.compile(r"\s+")
# Acronyms of Vietnamese reports, as written (upper case), and the words they stand for.
ACRONYMS = {
    "HTXSNV": "hoàn thành xuất sắc nhiệm vụ", "HTXSVN": "hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "hoàn thành tốt nhiệm vụ", "HTNV": "hoàn thành nhiệm vụ",
    "KHTNV": "không hoàn thành nhiệm vụ", "TSVM": "trong sạch vững mạnh",
    "TSVMTB": "trong sạch vững mạnh tiêu biểu", "TCCSĐ": "tổ chức cơ sở đảng",
    "DTTS": "dân tộc thiểu số", "MTTQ": "mặt trận tổ quốc", "UBMT": "ủy ban mặt trận",
    "UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân", "LHPN": "liên hiệp phụ nữ",
    "CCB": "cựu chiến binh", "BHYT": "bảo hiểm y tế", "CBCC": "cán bộ công chức",
    "LĐLĐ": "liên đoàn lao động", "BTV": "ban thường vụ", "BCH": "ban chấp hành",
    "THCS": "trung học cơ sở", "THPT": "trung học phổ thông", "QCDC": "quy chế dân chủ",
}  # fmt: skip
_EXPANSIONS = {acronym: tuple(canonical(words).split()) for acronym, words in ACRONYMS.items()}


@dataclass(frozen=True)
class Terms:
    """An analysed text: word-level terms, and bigrams of adjacent syllables."""

    words: list[str]
    bigrams: list[str]


def canonical_doc_id(raw: str) -> str:
    """ "16 - BC / TU" -> "16-bc/tu"; "01-CT/TW" -> "1-ct/tw"."""
    return strip_leading_zeros(_SPACE_RE.sub("", raw).lower())


def analyze(text: str, expand: bool = True) -> Terms:
    """Document numbers, numbers and syllables; bigrams of syllables separated by spaces only;
    with ``expand``, each acronym followed by the words it stands for."""
    text = canonical(text)
    words: list[str] = []
    bigrams: list[str] = []
    previous_syllable: str | None = None
    previous_end = -1
    for kind, term, start, end in _scan(text):
        words.append(term)
        if kind != "syllable":
            previous_syllable = None
            continue
        if previous_syllable is not None and text[previous_end:start].isspace():
            bigrams.append(previous_syllable + BIGRAM_JOINER + term)
        previous_syllable, previous_end = term, end
        expansion = _EXPANSIONS.get(text[start:end]) if expand else None
        if expansion:  # the words an acronym stands for, as if written after it
            words.extend(expansion)
            pairs = zip(expansion, expansion[1:], strict=False)
            bigrams.extend(a + BIGRAM_JOINER + b for a, b in pairs)
            previous_syllable = expansion[-1]
    return Terms(words, bigrams)


def acronym_words(term: str) -> tuple[str, ...]:
    """The words an acronym term stands for ("htxsnv" -> "hoàn", "thành", …), else ()."""
    return _EXPANSIONS.get(term.upper(), ())


def term_spans(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of each word-level term, offsets into ``canonical(text)``."""
    return [(term, start, end) for _, term, start, end in _scan(canonical(text))]


def term_kinds(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, term, start, end) of each word-level term of already canonical text; kind is
    "doc_id", "number" or "syllable"."""
    return list(_scan(text))


def document_numbers(text: str) -> list[str]:
    """The document numbers in ``text`` as terms ("1138/KH-UBND" -> "1138/kh-ubnd"), in order."""
    return [term for kind, term, _, _ in _scan(canonical(text)) if kind == "doc_id"]


def _scan(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, term, start, end) over already canonical text."""
    for match in _TOKEN_RE.finditer(text):
        kind, raw = match.lastgroup or "", match.group()
        if kind == "syllable":
            term = raw.lower()
        else:
            term = canonical_doc_id(raw) if kind == "doc_id" else canonical_number(raw)
        yield kind, term, match.start(), match.end()


def fold(terms: list[str]) -> list[str]:
    """The same terms without diacritics: "đối_thoại" -> "doi_thoai"."""
    return list(map(_fold_term, terms))


@functools.lru_cache(maxsize=1 << 20)
def _fold_term(term: str) -> str:
    # A corpus has few distinct terms: caching makes folding nearly free (it was half the
    # time of building the keyword index).
    return fold_diacritics(term)


def is_unaccented(text: str) -> bool:
    """True when text has letters but no Vietnamese diacritic at all (typed without accents)."""
    text = canonical(text)
    return any(c.isalpha() for c in text) and fold_diacritics(text) == text
