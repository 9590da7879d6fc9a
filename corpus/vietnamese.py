"""Vietnamese text normalisation: cleaning, tone-mark placement, diacritic folding.

Pure standard library. ``canonical`` is the form to index and compare text in;
``fold_diacritics`` is a lossy key for accent-insensitive matching.
"""

from __future__ import annotations

import re
import unicodedata

_ODD_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_ODD_SPACES += "\u202f\u205f\u3000"
_DELETED = "\u200b\u200c\u200d\u2060\ufeff\ufffd"
_KEPT_CONTROLS = "\n\t"

_CLEAN_TABLE: dict[int, str | None] = {ord(c): " " for c in _ODD_SPACES}
_CLEAN_TABLE.update({ord(c): None for c in _DELETED})
# Category Cc is exactly U+0000-U+001F and U+007F-U+009F.
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
_CLEAN_TABLE.update({cp: None for cp in _CONTROLS if chr(cp) not in _KEPT_CONTROLS})

# The five Vietnamese tone marks as combining characters: grave, acute, tilde, hook, dot below.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# Open-syllable vowel pairs whose tone mark moves from the 2nd vowel (old) to the 1st (new).
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))


# A regex class of every capital a Vietnamese word can start with ("Ủy", "Ấp", "Ông", "Đăk"):
# A–Z, Đ and each capital vowel with its tone marks, precomposed (text is NFC).
CAPITAL = "[A-Z" + "".join(sorted({
    unicodedata.normalize("NFC", base + mark)
    for base in "AĂÂEÊIOÔƠUƯY" for mark in ("", *_TONE_MARKS)
} - set("AEIOUY") | {"Đ"})) + "]"  # fmt: skip
# One capitalised word of a name: "Ấp", "H'Drai", "Ia-Chim".
NAME_WORD = rf"{CAPITAL}[\w’'-]*"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _build_tone_table() -> dict[str, str]:
    """Old-style pair -> new-style pair, every case combination and tone ("oá" -> "óa")."""
    table: dict[str, str] = {}
    for first, second in _PAIRS:
        for v1 in (first, first.upper()):
            for v2 in (second, second.upper()):
                for mark in _TONE_MARKS:
                    table[v1 + _nfc(v2 + mark)] = _nfc(v1 + mark) + v2
    return table


_FOLD_TABLE = {ord("đ"): "d", ord("Đ"): "D"}
_OLD_TO_NEW = _build_tone_table()
# Pair must end the syllable: not followed by a letter or a stray combining mark.
_OLD_PAIR_RE = re.compile("(" + "|".join(sorted(_OLD_TO_NEW)) + r")(?![^\W\d_]|[\u0300-\u036f])")


def clean(text: str) -> str:
    """NFC; odd spaces -> " "; drop zero-width, U+FFFD and control chars (keeps \\n, \\t)."""
    return _nfc(text.translate(_CLEAN_TABLE))


def _is_qu_exception(text: str, start: int, pair: str) -> bool:
    """'uy' after 'q' ("quý") and 'oa'/'oe' after 'qu' keep their mark where it is."""
    before = text[max(0, start - 2) : start].lower()
    if pair[0] in "uU":
        return before.endswith("q")
    return before == "qu"


def unify_tone_marks(text: str) -> str:
    """Move old-style tone marks to the new style: "hoá" -> "hóa", "thuỷ" -> "thủy"."""
    text = _nfc(text)

    def repl(m: re.Match[str]) -> str:
        pair = m.group(1)
        if _is_qu_exception(m.string, m.start(), pair):
            return pair
        return _OLD_TO_NEW[pair]

    return _OLD_PAIR_RE.sub(repl, text)


def fold_diacritics(text: str) -> str:
    """Strip every diacritic and map đ/Đ to d/D: "Đối thoại" -> "Doi thoai"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _nfc(stripped).translate(_FOLD_TABLE)


def canonical(text: str) -> str:
    """Cleaned text with new-style tone marks: the form to index and compare."""
    return unify_tone_marks(clean(text))


# -- numbers as Vietnamese reports write them ----------------------------------------------------
_LEADING_ZEROS_RE = re.compile(r"^0+(?=\d)")


def canonical_number(raw: str) -> str:
    """Vietnamese and English digit grouping to one form: integer digits [, decimals].

    "2.343" / "2,343" / "2343" -> "2343"; "9.690,46" / "9,690.46" -> "9690,46";
    "77,98" -> "77,98"; "2.5" -> "2,5"; "0,125" -> "0,125"; "02" -> "2"; and outline
    numbers stay as written: "2.2.1".
    """
    separators = [c for c in raw if c in ".,"]
    if not separators:
        return strip_leading_zeros(raw)
    if len(set(separators)) == 2:  # the last separator is the decimal mark
        decimal_mark = separators[-1]
        whole, _, decimals = raw.rpartition(decimal_mark)
        return strip_leading_zeros(re.sub(r"[.,]", "", whole)) + "," + decimals
    head, *groups = re.split(r"[.,]", raw)
    if _is_thousands_grouping(head, groups):
        return strip_leading_zeros(head + "".join(groups))
    if len(groups) > 1:  # "2.2.1": a section number, not a quantity
        return raw
    return strip_leading_zeros(head) + "," + groups[0]


def _is_thousands_grouping(head: str, groups: list[str]) -> bool:
    """1-3 leading digits (not 0), then groups of exactly three: "2.343", "1.234.567"."""
    return 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in groups)


def strip_leading_zeros(digits: str) -> str:
    """ "02" -> "2", "0,5" stays."""
    return _LEADING_ZEROS_RE.sub("", digits)
