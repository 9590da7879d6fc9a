"""BM25 statistics stored beside a collection, so that a search re-scores Milvus' candidates
with the embedded index's exact formula (``index.bm25``: BM25Okapi, its idf floored at
ε × the mean idf). Milvus' own BM25 uses Lucene's idf, log(1 + (N − n + 0.5)/(n + 0.5)): it
ranks the candidates, the scores shown and fused are ours.

The ``<collection>_terms`` rows count, per writer:

    "{writer}\\t"                 passages
    "{writer}\\t{field}\\t"        terms in the field, over all passages (the lengths)
    "{writer}\\t{field}\\t{term}"  passages whose field holds the term

and a statistic is the sum over the writers listed in the meta collection (rows
``writer:{writer}``). A writer is one ingestion shard ("2/8") or ``passages`` (an eval set):
it only ever rewrites its own rows, so shards running at once never overwrite each other's
counts, and a change counted by any writer (a file moved to another shard) still adds up.
Terms are the encoded tokens of the stored keyword fields (``schema.encode_terms``).

The mean idf over a field's vocabulary (the floor for terms in more than half the passages)
needs every term's count: each ingestion run recomputes it from all rows when it ends and
stores it in the meta collection (``bm25`` row). Exact unless ingestion runs overlap; then
the last to finish wrote it from what was stored at the time.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from baocao.index.bm25 import BM25Settings
from baocao.index.keyword import FIELDS

KEY_BYTES = 1024
TERM_BYTES = 400  # a longer term is keyed by its hash
READ_BATCH = 4096  # keys read per query


def _term(term: str) -> str:
    if len(term.encode("utf-8")) <= TERM_BYTES:
        return term
    return "#" + hashlib.sha256(term.encode("utf-8")).hexdigest()


def passages_key(writer: str) -> str:
    return f"{writer}\t"


def length_key(writer: str, name: str) -> str:
    return f"{writer}\t{name}\t"


def term_key(writer: str, name: str, term: str) -> str:
    return f"{writer}\t{name}\t{_term(term)}"


@dataclass
class Counts:
    """Changes to the statistics: passages, field lengths, passages holding each term."""

    passages: int = 0
    lengths: Counter = field(default_factory=Counter)  # field -> terms
    holding: Counter = field(default_factory=Counter)  # (field, term) -> passages

    def add(self, rows: Iterable[Mapping[str, str]], sign: int = 1) -> None:
        """Count (sign 1) or uncount (-1) passage rows (their encoded keyword fields)."""
        for row in rows:
            self.passages += sign
            for name in FIELDS:
                tokens = row[name].split()
                self.lengths[name] += sign * len(tokens)
                for term in set(tokens):
                    self.holding[name, term] += sign

    def keyed(self, writer: str) -> dict[str, int]:
        found = {passages_key(writer): self.passages}
        found.update({length_key(writer, n): v for n, v in self.lengths.items()})
        found.update({term_key(writer, n, t): v for (n, t), v in self.holding.items()})
        return {key: v for key, v in found.items() if v}


def _read(client, name: str, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), READ_BATCH):
        rows = client.query(name, ids=list(keys[start : start + READ_BATCH]),
                            output_fields=["key", "count"])  # fmt: skip
        found.update({row["key"]: int(row["count"]) for row in rows})
    return found


def record(client, names: dict, writer: str, change: Counts) -> None:
    """Add ``change`` to ``writer``'s rows (and list the writer)."""
    delta = change.keyed(writer)
    if not delta:
        return
    keys = sorted(delta)
    stored = _read(client, names["terms"], keys)
    rows = [{"key": k, "count": stored.get(k, 0) + delta[k], "unused": [0.0, 0.0]} for k in keys]
    gone = [row["key"] for row in rows if row["count"] == 0]
    kept = [row for row in rows if row["count"] != 0]
    for start in range(0, len(kept), READ_BATCH):
        client.upsert(names["terms"], kept[start : start + READ_BATCH])
    if gone:
        client.delete(names["terms"], ids=gone)
    client.upsert(names["meta"], [{"key": f"writer:{writer}", "source_file": "", "file_hash": "",
                                   "record": "", "unused": [0.0, 0.0]}])  # fmt: skip


def writers(client, names: dict) -> list[str]:
    rows = client.query(names["meta"], filter='key like "writer:%"', output_fields=["key"])
    return sorted(row["key"].removeprefix("writer:") for row in rows)


def store_mean_idf(client, names: dict, settings: BM25Settings) -> dict[str, float]:
    """Each field's mean idf over its vocabulary, from every row, stored as the ``bm25`` meta
    row (what BM25Okapi floors negative idfs with)."""
    from baocao.index.milvus.schema import _query_all

    rows = _query_all(client, names["terms"], 'key != ""', ["key", "count"], batch=16_384)
    passages = 0
    holding: Counter = Counter()
    for row in rows:
        _writer, _, rest = row["key"].partition("\t")
        if not rest:
            passages += row["count"]
        elif not rest.endswith("\t"):
            holding[rest] += row["count"]
    counts: dict[str, list[int]] = {name: [] for name in FIELDS}
    for key, n in holding.items():
        if n > 0:
            counts[key.partition("\t")[0]].append(n)
    mean = {name: mean_idf(values, passages) for name, values in counts.items()}
    client.upsert(names["meta"], [{"key": "bm25", "source_file": "", "file_hash": "",
                                   "record": json.dumps({"mean_idf": mean, "passages": passages}),
                                   "unused": [0.0, 0.0]}])  # fmt: skip
    return mean


def mean_idf(document_frequencies: Sequence[int], passages: int) -> float:
    """The mean of a vocabulary's idfs before the floor (``index.bm25.okapi_idf``)."""
    df = np.asarray(document_frequencies, dtype=np.float64)
    return float(_raw_idf(df, passages).mean()) if df.size else 0.0


def _raw_idf(df: np.ndarray, passages: int) -> np.ndarray:
    return np.log(passages - df + 0.5) - np.log(df + 0.5)


@dataclass(frozen=True)
class QueryStats:
    """What scoring one query needs: passages, each field's average length, each term's
    passages, and the mean idf of each field's vocabulary."""

    passages: int
    avgdl: dict[str, float]
    holding: dict[tuple[str, str], int]
    mean_idf: dict[str, float]

    def idf(self, name: str, terms: Sequence[str], epsilon: float) -> np.ndarray:
        """BM25Okapi's idf (``index.bm25.okapi_idf``) of ``terms`` in field ``name``."""
        df = np.array([self.holding.get((name, t), 0) for t in terms], dtype=np.float64)
        idf = _raw_idf(df, self.passages)
        idf[idf < 0] = epsilon * self.mean_idf.get(name, 0.0)
        return idf


def query_stats(
    client,
    names: dict,
    writer_ids: Sequence[str],
    terms: Mapping[str, Sequence[str]],
    mean_idf: dict[str, float],
) -> QueryStats:
    """The statistics of ``terms`` (field -> encoded query terms), read in one query."""
    wanted: dict[str, tuple] = {}
    for writer in writer_ids:
        wanted[passages_key(writer)] = ("passages",)
        for name, field_terms in terms.items():
            wanted[length_key(writer, name)] = ("length", name)
            for term in field_terms:
                wanted[term_key(writer, name, term)] = ("holding", name, term)
    stored = _read(client, names["terms"], list(wanted))
    passages = 0
    lengths: Counter = Counter()
    holding: Counter = Counter()
    for key, value in stored.items():
        what = wanted[key]
        if what[0] == "passages":
            passages += value
        elif what[0] == "length":
            lengths[what[1]] += value
        else:
            holding[what[1], what[2]] += value
    avgdl = {
        name: lengths[name] / passages if passages and lengths[name] else 1.0 for name in terms
    }
    return QueryStats(passages, avgdl, dict(holding), mean_idf)


def field_scores(
    query_terms: Sequence[str],
    documents: Sequence[Sequence[str]],
    name: str,
    stats: QueryStats,
    settings: BM25Settings,
) -> np.ndarray:
    """BM25Okapi scores of ``documents`` (their field's tokens) for the query's tokens in
    field ``name``, with the same float operations as ``index.bm25`` (repeats in the query
    count; terms in query order)."""
    out = np.zeros(len(documents))
    repeats = Counter(query_terms)
    if not repeats or not documents:
        return out
    unique = list(repeats)
    idf = stats.idf(name, unique, settings.epsilon)
    k1, b = settings.k1, settings.b
    doc_len = np.array([len(tokens) for tokens in documents], dtype=np.float64)
    norm = k1 * (1 - b + b * doc_len / stats.avgdl[name])
    counted = [Counter(tokens) for tokens in documents]
    for column, term in enumerate(unique):
        tf = np.array([c.get(term, 0) for c in counted], dtype=np.float64)
        held = tf > 0
        weights = idf[column] * tf[held] * (k1 + 1) / (tf[held] + norm[held])
        out[held] += weights * float(repeats[term])
    return out
