"""Coverage-guided fuzzing of the text parser with atheris, for a bounded time; prints cases
run and crashes.

    python -m baocao.benchmarks.fuzz_parser [--seconds 120] [--out fuzz-output]

Each input is bytes, as a report file arrives: decoded (``decode_report_bytes``; a clear
``ReportError`` is an accepted outcome) and parsed (``parse_text``), then checked: every
non-space source character accounted for exactly once and passages that partition the text
(``corpus.accounting``). Any other exception or a failed check is a crash: its input is saved
under --out/crashes/ and fuzzing goes on. The bundled reports (and slices of them) seed the
corpus, so mutations start from real report structure.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

CHILD_FLAG = "--child"


def _check(data: bytes) -> None:
    from baocao.corpus.accounting import passage_problems, uncovered_or_doubled
    from baocao.corpus.errors import ReportError
    from baocao.corpus.readers.decode import decode_report_bytes
    from baocao.corpus.readers.text import parse_text

    try:
        decoded = decode_report_bytes(data, "fuzz.txt")
    except ReportError:
        return  # refused with a message: fine
    parsed = parse_text(decoded, "fuzz.txt", "fuzz")
    problems = uncovered_or_doubled(parsed) + passage_problems(parsed)
    if problems:
        raise AssertionError("; ".join(problems[:3]))


def _child(out: Path, seconds: int) -> None:
    import atheris

    with atheris.instrument_imports(include=["baocao.corpus"]):
        from baocao.corpus.loader import sample_corpus_dir
    crashes = out / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    seeds = out / "seeds"
    seeds.mkdir(exist_ok=True)
    for path in sample_corpus_dir().glob("*.txt"):
        data = path.read_bytes()
        for i in range(0, len(data), 4000):  # slices keep inputs small, so mutations are fast
            (seeds / f"{path.stem}-{i}").write_bytes(data[i : i + 6000])
    stats = {"cases": 0, "crashes": 0}

    def one_input(data: bytes) -> None:
        stats["cases"] += 1
        try:
            _check(data)
        except Exception as error:  # every other failure is a finding
            stats["crashes"] += 1
            name = f"crash-{stats['crashes']:04d}"
            (crashes / name).write_bytes(data)
            (crashes / f"{name}.txt").write_text(
                "".join(traceback.format_exception(error)), encoding="utf-8"
            )
        if stats["cases"] % 500 == 0 or stats["crashes"]:
            (out / "stats.json").write_text(json.dumps(stats))

    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-max_len=8000",
                   "-rss_limit_mb=4096", str(seeds)], one_input)  # fmt: skip
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--out", type=Path, default=Path("fuzz-output"))
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.out, args.seconds)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "baocao.benchmarks.fuzz_parser", CHILD_FLAG, "--seconds",
         str(args.seconds), "--out", str(args.out)],
        capture_output=True, text=True,
    )  # fmt: skip
    done = re.findall(r"Done (\d+) runs in (\d+) second", run.stderr)
    coverage = re.findall(r"cov: (\d+) ft: (\d+)", run.stderr)
    stats_file = args.out / "stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    crashes = sorted((args.out / "crashes").glob("crash-????"))
    print("| fuzzer | seconds | cases run | crashes | coverage (edges / features) |")
    print("|---|---:|---:|---:|---:|")
    cases = done[-1][0] if done else stats.get("cases", "?")
    edges = "/".join(coverage[-1]) if coverage else "?"
    print(f"| atheris (libFuzzer), text parser | {time.monotonic() - started:.0f} | {cases} | "
          f"{len(crashes)} | {edges} |")  # fmt: skip
    for crash in crashes[:5]:
        print(f"{crash}: {crash.with_suffix('.txt').read_text().splitlines()[-1]}")
    if run.returncode not in (0,) and not done:
        print(run.stderr[-2000:], file=sys.stderr)
        return 1
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
