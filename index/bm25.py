"""BM25 with rank-bm25's ``BM25Okapi`` semantics, precomputed into a sparse matrix.

rank-bm25 rescans every document per query (~860 ms on 200k passages). Here each
(document, term) weight is computed once:

    idf(t)    = ln(N - df + 0.5) - ln(df + 0.5), or epsilon * mean(idf) where that is negative
    w(d, t)   = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
    score(d)  = sum over query tokens q (repeats included) of w(d, q)

so a query is one sparse column slice and a dot product. bm25s cannot express the epsilon
floor (it stores zero weights for terms in more than half the documents), hence scipy.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class BM25Settings:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def to_dict(self) -> dict:
        return asdict(self)


class SparseBM25:
    """One BM25 field: a (documents x terms) CSC matrix of term weights and its vocabulary."""

    def __init__(self, weights: sparse.csc_matrix, vocabulary: dict[str, int]) -> None:
        self.weights = weights
        self.vocabulary = vocabulary

    @property
    def size(self) -> int:
        return self.weights.shape[0]

    @classmethod
    def build(
        cls, documents: Iterable[Sequence[str]], settings: BM25Settings | None = None
    ) -> SparseBM25:
        builder = BM25Builder()
        for tokens in documents:
            builder.add(tokens)
        return builder.finish(settings)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25Okapi ``get_scores``: one float64 score per document."""
        return self.scores_and_rows(query_tokens)[0]

    def scores_and_rows(self, query_tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The scores, and the rows holding any of the tokens (repeats possible)."""
        counts = Counter(t for t in query_tokens if t in self.vocabulary)
        if not counts:
            return np.zeros(self.size), np.empty(0, dtype=np.int32)
        # The columns' slices of the CSC arrays, read directly: scipy's column indexing builds a
        # new matrix per query (most of a search's time). Rows are summed in column order, as
        # the matrix product did: the same float64 scores.
        w = self.weights
        spans = [(w.indptr[self.vocabulary[t]], w.indptr[self.vocabulary[t] + 1]) for t in counts]
        rows = np.concatenate([w.indices[start:end] for start, end in spans])
        values = np.concatenate(
            [
                w.data[start:end] * repeat
                for (start, end), repeat in zip(spans, counts.values(), strict=True)
            ]
        )
        return np.bincount(rows, weights=values, minlength=self.size), rows

    def save(self, directory: Path, name: str) -> None:
        """``<name>.npz`` (the CSC arrays) and ``<name>.vocab.json`` (terms in column order)."""
        w = self.weights
        np.savez(
            directory / f"{name}.npz",
            data=w.data,
            indices=w.indices,
            indptr=w.indptr,
            shape=np.array(w.shape),
        )
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (directory / f"{name}.vocab.json").write_text(
            json.dumps(terms, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, name: str) -> SparseBM25:
        with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
            shape = tuple(int(n) for n in arrays["shape"])
            weights = sparse.csc_matrix(
                (arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape
            )
        terms = json.loads((directory / f"{name}.vocab.json").read_text(encoding="utf-8"))
        if len(terms) != shape[1]:
            raise ValueError(f"{name}: vocabulary has {len(terms)} terms, matrix {shape[1]}")
        return cls(weights, {term: col for col, term in enumerate(terms)})


class BM25Builder:
    """Collects documents one at a time as compact term-id arrays (no token lists kept)."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self._term_ids = array("i")
        self._lengths = array("i")

    def add(self, tokens: Sequence[str]) -> None:
        vocabulary = self.vocabulary
        self._term_ids.extend([vocabulary.setdefault(t, len(vocabulary)) for t in tokens])
        self._lengths.append(len(tokens))

    def finish(self, settings: BM25Settings | None = None) -> SparseBM25:
        settings = settings or BM25Settings()
        lengths = np.frombuffer(self._lengths, dtype=np.int32)
        columns = np.frombuffer(self._term_ids, dtype=np.int32)
        rows = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        shape = (len(lengths), len(self.vocabulary))
        counts = np.ones(len(columns), dtype=np.float64)
        tf = sparse.csc_matrix((counts, (rows, columns)), shape=shape)  # repeats are summed
        tf.sum_duplicates()
        weights = _okapi_weights(tf, lengths.astype(np.float64), settings)
        return SparseBM25(weights, self.vocabulary)


def okapi_idf(document_frequency: np.ndarray, n_documents: int, epsilon: float) -> np.ndarray:
    """BM25Okapi's idf: Robertson-Sparck Jones, negative values floored to epsilon * mean."""
    idf = np.log(n_documents - document_frequency + 0.5) - np.log(document_frequency + 0.5)
    if idf.size:
        idf[idf < 0] = epsilon * idf.mean()
    return idf


def _okapi_weights(
    tf: sparse.csc_matrix, doc_len: np.ndarray, settings: BM25Settings
) -> sparse.csc_matrix:
    n_documents = tf.shape[0]
    avgdl = doc_len.mean() if n_documents and doc_len.sum() else 1.0
    document_frequency = np.diff(tf.indptr).astype(np.float64)  # nonzeros per column
    idf = okapi_idf(document_frequency, n_documents, settings.epsilon)
    coo = tf.tocoo()
    k1, b = settings.k1, settings.b
    norm = k1 * (1 - b + b * doc_len[coo.row] / avgdl)
    data = idf[coo.col] * coo.data * (k1 + 1) / (coo.data + norm)
    return sparse.csc_matrix((data, (coo.row, coo.col)), shape=tf.shape)
