"""BM25 with rank-bm25's ``BM25Okapi`` semantics, precomputed into a sparse matrix.

rank-bm25 rescans every document per query (~860 ms on 200k passages). Here each
(document, term) weight is computed once:

    idf(t)    = ln(N - df + 0.5) - ln(df + 0.5), or epsilon * mean(idf) where that is negative
    w(d, t)   = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
    score(d)  = sum over query tokens q (repeats included) of w(d, q)

so a query adds a few posting lists (the matrix's columns) into one array of scores.
bm25s cannot express the epsilon floor (it stores zero weights for terms in more than half the
documents), hence scipy.

The matrix is three plain arrays (CSC: ``indptr``, ``indices``, ``data``). A build streams:
documents are counted in chunks spilled to a work folder, then sorted into columns written
straight into memory-mapped files, so a million passages build in a few GB; ``load`` maps the
saved files instead of reading them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse import _sparsetools  # csc_matvec: adds columns into an array, no copy

ARRAYS = ("indptr", "indices", "data")
CHUNK_TOKENS = 1 << 22  # tokens counted per spilled chunk (~100 MB of working memory)


@dataclass(frozen=True)
class BM25Settings:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def to_dict(self) -> dict:
        return asdict(self)


class SparseBM25:
    """One BM25 field: a (documents x terms) CSC matrix of term weights and its vocabulary.

    ``positive``: every stored weight is > 0 (true unless the corpus is tiny or a term is in
    exactly half the documents), so a document holds a query term exactly when its score is > 0.
    """

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        n_documents: int,
        vocabulary: dict[str, int],
        positive: bool | None = None,
    ) -> None:
        self.indptr, self.indices, self.data = (arrays[name] for name in ARRAYS)
        if len(self.indptr) != len(vocabulary) + 1:
            raise ValueError(
                f"vocabulary has {len(vocabulary)} terms, matrix {len(self.indptr) - 1}"
            )
        self.n_documents = n_documents
        self.vocabulary = vocabulary
        self.positive = bool(self.data.size == 0 or self.data.min() > 0) if positive is None \
            else positive  # fmt: skip
        self._workdir: Path | None = None  # a build's own files, removed with the object

    @property
    def size(self) -> int:
        return self.n_documents

    @property
    def weights(self) -> sparse.csc_matrix:
        """The matrix as scipy's (the arrays are shared, not copied)."""
        shape = (self.n_documents, len(self.vocabulary))
        return sparse.csc_matrix((self.data, self.indices, self.indptr), shape=shape, copy=False)

    @classmethod
    def build(
        cls,
        documents: Iterable[Sequence[str]],
        settings: BM25Settings | None = None,
        workdir: Path | None = None,
    ) -> SparseBM25:
        builder = BM25Builder(workdir)
        for tokens in documents:
            builder.add(tokens)
        return builder.finish(settings)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25Okapi ``get_scores``: one float64 score per document."""
        scores = np.zeros(self.size)
        self.add_scores(query_tokens, scores)
        return scores

    def add_scores(self, query_tokens: Sequence[str], out: np.ndarray) -> bool:
        """Add the query's scores into ``out``, column by column in query order (bit for bit
        what ``weights[:, columns] @ repeats`` gives, without copying the columns); False when
        no token is in the vocabulary."""
        counts = Counter(t for t in query_tokens if t in self.vocabulary)
        for term, repeats in counts.items():
            column = self.vocabulary[term]
            _sparsetools.csc_matvec(
                self.size, 1, self.indptr[column : column + 2], self.indices, self.data,
                np.array([repeats], dtype=np.float64), out,
            )  # fmt: skip
        return bool(counts)

    def rows_holding(self, query_tokens: Sequence[str]) -> np.ndarray:
        """The rows holding any of the tokens (repeats possible)."""
        columns = {self.vocabulary[t] for t in query_tokens if t in self.vocabulary}
        parts = [self.indices[self.indptr[c] : self.indptr[c + 1]] for c in sorted(columns)]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)

    def save(self, directory: Path, name: str) -> None:
        """``<name>.{indptr,indices,data}.npy``, ``<name>.vocab.json`` (terms in column order)
        and ``<name>.meta.json`` (documents, positive)."""
        for array_name, values in zip(ARRAYS, (self.indptr, self.indices, self.data), strict=True):
            _save_array(values, directory / f"{name}.{array_name}.npy")
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (directory / f"{name}.vocab.json").write_text(
            json.dumps(terms, ensure_ascii=False), encoding="utf-8"
        )
        meta = {"documents": self.n_documents, "positive": self.positive}
        (directory / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str) -> SparseBM25:
        """The arrays memory-mapped (read-only); an index saved before (``<name>.npz``, read
        into memory) still loads."""
        terms = json.loads((directory / f"{name}.vocab.json").read_text(encoding="utf-8"))
        vocabulary = {term: col for col, term in enumerate(terms)}
        if (directory / f"{name}.npz").is_file() and not (directory / f"{name}.meta.json").exists():
            with np.load(directory / f"{name}.npz", allow_pickle=False) as stored:
                arrays = _same_index_type({k: stored[k] for k in ARRAYS})
                n_documents = int(stored["shape"][0])
            return cls(arrays, n_documents, vocabulary)
        meta = json.loads((directory / f"{name}.meta.json").read_text(encoding="utf-8"))
        arrays = {k: _map(directory / f"{name}.{k}.npy") for k in ARRAYS}
        if arrays["indptr"].dtype != arrays["indices"].dtype or arrays["indptr"][-1] != len(
            arrays["data"]
        ):
            raise ValueError(f"{name}: indptr does not fit indices and data")
        return cls(arrays, int(meta["documents"]), vocabulary, bool(meta["positive"]))


class BM25Builder:
    """Collects documents one at a time; every ``CHUNK_TOKENS`` tokens, counts the chunk's
    (document, term) pairs and appends them to files in a work folder."""

    def __init__(self, workdir: Path | None = None, chunk_tokens: int = CHUNK_TOKENS) -> None:
        self.vocabulary: dict[str, int] = {}
        self._workdir = Path(tempfile.mkdtemp(prefix="bm25-", dir=workdir))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._workdir, True)
        self._pairs = open(self._workdir / "pairs.bin", "wb")  # noqa: SIM115  (row, term, tf)
        self._chunk_tokens = chunk_tokens
        self._term_ids = array("i")
        self._lengths = array("i")
        self._chunk_start = 0  # the first document of the chunk being collected

    def add(self, tokens: Sequence[str]) -> None:
        vocabulary = self.vocabulary
        try:
            ids = list(map(vocabulary.__getitem__, tokens))  # known terms: common, and fast
        except KeyError:
            ids = [vocabulary.setdefault(t, len(vocabulary)) for t in tokens]
        self._term_ids.extend(ids)
        self._lengths.append(len(tokens))
        if len(self._term_ids) >= self._chunk_tokens:
            self._spill()

    def _spill(self) -> None:
        lengths = np.frombuffer(self._lengths, dtype=np.int32)[self._chunk_start :]
        rows = np.repeat(np.arange(self._chunk_start, len(self._lengths), dtype=np.int64), lengths)
        width = max(len(self.vocabulary), 1)
        keys, tf = np.unique(rows * width + np.frombuffer(self._term_ids, dtype=np.int32),
                             return_counts=True)  # fmt: skip
        triples = np.empty((len(keys), 3), dtype=np.int32)  # sorted by row, then term
        triples[:, 0], triples[:, 1], triples[:, 2] = keys // width, keys % width, tf
        self._pairs.write(triples.tobytes())
        self._term_ids = array("i")
        self._chunk_start = len(self._lengths)

    def finish(self, settings: BM25Settings | None = None) -> SparseBM25:
        """The weights, sorted into columns (rows ascending in each) in memory-mapped files."""
        settings = settings or BM25Settings()
        self._spill()
        self._pairs.close()
        path = self._workdir / "pairs.bin"
        n_pairs = path.stat().st_size // _PAIR_BYTES
        doc_len = np.frombuffer(self._lengths, dtype=np.int32).astype(np.float64)
        n_documents, n_terms = len(doc_len), len(self.vocabulary)
        document_frequency = np.zeros(n_terms, dtype=np.int64)
        for chunk in _pair_chunks(path, self._chunk_tokens):
            document_frequency += np.bincount(chunk[:, 1], minlength=n_terms)
        index_type = np.int32 if n_pairs < 2**31 else np.int64
        indptr = np.zeros(n_terms + 1, dtype=index_type)
        np.cumsum(document_frequency, out=indptr[1:])
        weigh = _OkapiWeights(document_frequency, doc_len, settings)
        free = indptr[:-1].astype(np.int64)  # the next free slot of each column
        with (
            _ArrayFile(self._workdir / "indices.npy", index_type, n_pairs) as indices,
            _ArrayFile(self._workdir / "data.npy", np.float64, n_pairs) as data,
        ):
            for chunk in _pair_chunks(path, self._chunk_tokens):
                order = np.argsort(chunk[:, 1], kind="stable")  # by term; rows stay ascending
                rows, terms, tf = chunk[order, 0], chunk[order, 1], chunk[order, 2]
                columns, first, count = np.unique(terms, return_index=True, return_counts=True)
                weights = weigh(rows, terms, tf.astype(np.float64))
                for column, a, n in zip(columns, first, count, strict=True):
                    indices.write(free[column], rows[a : a + n])  # the column's next rows
                    data.write(free[column], weights[a : a + n])
                free[columns] += count
        path.unlink()
        arrays = {"indptr": indptr, "indices": indices.mapped(), "data": data.mapped()}
        index = SparseBM25(arrays, n_documents, self.vocabulary)
        # the files now belong to the index: removed when it is, not when this builder is
        self._cleanup.detach()
        index._workdir = self._workdir
        weakref.finalize(index, shutil.rmtree, self._workdir, True)
        return index


_PAIR_BYTES = 3 * 4  # (row, term, tf) as int32


def _pair_chunks(path: Path, rows: int) -> Iterator[np.ndarray]:
    """The (row, term, tf) triples of ``path``, ``rows`` at a time, read rather than mapped:
    a mapped file's pages count in the process's memory once read, ≈ 12 bytes a pair."""
    with open(path, "rb") as pairs:
        while chunk := pairs.read(rows * _PAIR_BYTES):
            yield np.frombuffer(chunk, dtype=np.int32).reshape(-1, 3)


class _OkapiWeights:
    """w(d, t) for (row, term, tf) triples, with the same float operations in the same order
    as rank-bm25 (so the same bits whichever way the triples are grouped)."""

    def __init__(self, document_frequency: np.ndarray, doc_len: np.ndarray, s: BM25Settings):
        n_documents = len(doc_len)
        self.avgdl = doc_len.mean() if n_documents and doc_len.sum() else 1.0
        self.idf = okapi_idf(document_frequency.astype(np.float64), n_documents, s.epsilon)
        self.doc_len, self.settings = doc_len, s

    def __call__(self, rows: np.ndarray, terms: np.ndarray, tf: np.ndarray) -> np.ndarray:
        k1, b = self.settings.k1, self.settings.b
        norm = k1 * (1 - b + b * self.doc_len[rows] / self.avgdl)
        return self.idf[terms] * tf * (k1 + 1) / (tf + norm)


def okapi_idf(document_frequency: np.ndarray, n_documents: int, epsilon: float) -> np.ndarray:
    """BM25Okapi's idf: Robertson-Sparck Jones, negative values floored to epsilon * mean."""
    idf = np.log(n_documents - document_frequency + 0.5) - np.log(document_frequency + 0.5)
    if idf.size:
        idf[idf < 0] = epsilon * idf.mean()
    return idf


class _ArrayFile:
    """A .npy file of ``length`` values written in slices at any position (``write``), then
    mapped read-only (``mapped``). Written, not mapped while writing: pages written through a
    map stay in the process's memory, ≈ 12 bytes a pair for indices and data."""

    def __init__(self, path: Path, dtype: type, length: int) -> None:
        self.path, self.dtype, self.length = path, np.dtype(dtype), length
        with open(path, "wb") as out:
            np.lib.format.write_array_header_1_0(
                out,
                {
                    "descr": np.lib.format.dtype_to_descr(self.dtype),
                    "fortran_order": False,
                    "shape": (length,),
                },  # fmt: skip
            )
            self.offset = out.tell()
            out.truncate(self.offset + length * self.dtype.itemsize)

    def __enter__(self) -> _ArrayFile:
        self._out = open(self.path, "r+b")  # noqa: SIM115  (closed by __exit__)
        return self

    def __exit__(self, *exc: object) -> None:
        self._out.close()

    def write(self, position: int, values: np.ndarray) -> None:
        os.pwrite(self._out.fileno(), np.ascontiguousarray(values, dtype=self.dtype).tobytes(),
                  self.offset + int(position) * self.dtype.itemsize)  # fmt: skip

    def mapped(self) -> np.ndarray:
        """The written array, memory-mapped read-only (read when empty)."""
        return _map(self.path) if self.length else np.empty(0, dtype=self.dtype)


def _save_array(values: np.ndarray, path: Path) -> None:
    """A mapped array's file is copied as it is (in the kernel; not linked: a damaged copy must
    not damage the index in memory), any other array is written."""
    source = getattr(values, "filename", None)
    if source is not None and Path(source).suffix == ".npy":
        shutil.copyfile(source, path)
    else:
        np.save(path, np.asarray(values), allow_pickle=False)


def _map(path: Path) -> np.ndarray:
    """A saved array, memory-mapped read-only (read when empty: an empty map is refused)."""
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:
        return np.load(path, allow_pickle=False)


def _same_index_type(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """indptr and indices in one integer type (csc_matvec wants them alike)."""
    index_type = np.result_type(arrays["indptr"], arrays["indices"])
    return {**arrays, "indptr": arrays["indptr"].astype(index_type, copy=False),
            "indices": arrays["indices"].astype(index_type, copy=False)}  # fmt: skip
