"""How long does reading a report take, by file type? Prints a markdown table; asserts nothing.

    python -m baocao.benchmarks.bench_readers PATH [PATH ...] [--repeat 3]

Each file (folders are searched as `baocao index` searches them) is parsed ``--repeat`` times
in this process after one warm-up read (imports, caches); the table shows the best time, the
pages (PDF), the passages and the time per page or per passage.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from baocao.corpus.errors import ReportError
from baocao.corpus.loader import find_reports, load_report


def bench(paths: Sequence[Path], repeat: int = 3) -> list[dict]:
    rows: list[dict] = []
    for report in find_reports(paths, []):
        try:
            parsed = load_report(report)
        except ReportError as error:
            rows.append({"file": report.source_file, "error": error.reason})
            continue
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            load_report(report)
            times.append(time.perf_counter() - started)
        pages = max((p.page_end or 0 for p in parsed.passages), default=0) or None
        rows.append(
            {"file": report.source_file, "type": report.path.suffix.lower(), "pages": pages,
             "passages": len(parsed.passages), "seconds": min(times)}
        )  # fmt: skip
    return rows


def render(rows: list[dict]) -> list[str]:
    lines = [
        "| file | type | pages | passages | seconds | ms per page | ms per passage |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['file']} | refused: {row['error'][:60]} | | | | | |")
            continue
        per_page = f"{1000 * row['seconds'] / row['pages']:.0f}" if row["pages"] else ""
        per_passage = 1000 * row["seconds"] / max(row["passages"], 1)
        lines.append(
            f"| {row['file']} | {row['type']} | {row['pages'] or ''} | {row['passages']} | "
            f"{row['seconds']:.2f} | {per_page} | {per_passage:.1f} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="report files or folders")
    parser.add_argument("--repeat", type=int, default=3, help="timed reads per file")
    args = parser.parse_args(argv)
    print("\n".join(render(bench(args.paths, args.repeat))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
