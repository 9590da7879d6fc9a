from __future__ import annotations

import hashlib
import os
import random
import unicodedata
from pathlib import Path

import pytest

from baocao.corpus.errors import ReportError
from baocao.corpus.readers.decode import Decoded, decode_report_bytes, read_report_file

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "corpus" / "sample"
SEED = SAMPLE_DIR / "000_9c3704398cac95ef.txt"
ACCEPTED = "accepted: UTF-8, UTF-16 or Windows-1258 plain text"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@pytest.fixture(scope="module")
def text() -> str:
    """The first lines of a seed report: tabs, blank lines, headings and Vietnamese prose."""
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:24]
    return "".join(lines)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: base letter (â ê ô ơ ư ă đ ...) + tone mark.

    Python's cp1258 encoder knows only the precomposed letters the code page has, so letters
    it lacks are split into their toneless composed base and separate combining tone marks.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258", errors="strict")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out += base.encode("cp1258", errors="strict") + tones.encode("cp1258", errors="strict")
    return bytes(out)


def expect_error(path: Path, *words: str) -> str:
    with pytest.raises(ReportError) as info:
        read_report_file(path)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert message.startswith(f"{path}: ")
    assert path.name in message
    for word in words:
        assert word in message
    return message


# --- accepted encodings -----------------------------------------------------------------


def test_utf8(tmp_path: Path, text: str) -> None:
    data = text.encode("utf-8")
    got = read_report_file(write(tmp_path, "a.txt", data))
    assert got == Decoded(text=text, encoding="utf-8", sha256=sha(data))


def test_utf8_keeps_crlf_and_does_not_normalise(tmp_path: Path) -> None:
    raw = "Ho\u0302\u0323i nghi\u0323\r\nla\u0300n 2\r\n"  # NFD Vietnamese, CRLF
    data = raw.encode("utf-8")
    got = read_report_file(write(tmp_path, "nfd.txt", data))
    assert (got.text, got.encoding) == (raw, "utf-8")


def test_utf8_bom(tmp_path: Path, text: str) -> None:
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    got = read_report_file(write(tmp_path, "bom.txt", data))
    assert got == Decoded(text=text, encoding="utf-8-sig", sha256=sha(data))


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    ],
)
def test_bom_encodings(tmp_path: Path, text: str, bom: bytes, codec: str, expected: str) -> None:
    data = bom + text.replace("\n", "\r\n").encode(codec)
    got = read_report_file(write(tmp_path, f"{codec}.txt", data))
    assert got == Decoded(text=text.replace("\n", "\r\n"), encoding=expected, sha256=sha(data))
    assert not got.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, text: str, codec: str) -> None:
    data = text.encode(codec)
    got = read_report_file(write(tmp_path, "nobom.txt", data))
    assert got == Decoded(text=text, encoding=codec, sha256=sha(data))


def test_windows_1258(tmp_path: Path, text: str) -> None:
    data = encode_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("cp1258") != text  # tone marks come out as combining characters
    got = read_report_file(write(tmp_path, "vn1258.txt", data))
    assert got == Decoded(
        text=unicodedata.normalize("NFC", text), encoding="cp1258", sha256=sha(data)
    )


def test_windows_1258_keeps_crlf(tmp_path: Path) -> None:
    data = encode_cp1258("Báo cáo tổng kết\r\nNghị quyết Đại hội\r\n")
    got = read_report_file(write(tmp_path, "crlf.txt", data))
    assert (got.text, got.encoding) == ("Báo cáo tổng kết\r\nNghị quyết Đại hội\r\n", "cp1258")


def test_source_overrides_path(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "a.txt", text.encode("utf-8"))
    assert read_report_file(path, source="reports/a.txt").text == text
    with pytest.raises(ReportError, match=r"^reports/missing\.txt: cannot read file: "):
        read_report_file(tmp_path / "missing.txt", source="reports/missing.txt")


@pytest.mark.parametrize("path", sorted(SAMPLE_DIR.glob("*.txt")), ids=lambda p: p.name)
def test_seed_files_are_utf8(path: Path) -> None:
    got = read_report_file(path)
    assert got.encoding == "utf-8"
    assert got.text == path.read_text(encoding="utf-8")
    assert got.sha256 == sha(path.read_bytes())


def test_five_seed_files() -> None:
    assert len(list(SAMPLE_DIR.glob("*.txt"))) == 5


# --- refused input ----------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    expect_error(write(tmp_path, "empty.txt", b""), "empty file: no text to index")


@pytest.mark.parametrize(
    "data",
    [b" \t\r\n\n  ", b"\xef\xbb\xbf \n", "\n\t \n".encode("utf-16")],
    ids=["utf8", "utf8-bom", "utf16"],
)
def test_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    expect_error(write(tmp_path, "blank.txt", data), "empty file: no text to index")


def test_random_binary(tmp_path: Path) -> None:
    data = b"\x00\x01\x02" + random.Random(1258).randbytes(4096)
    assert b"\x00" in data[3:]
    expect_error(write(tmp_path, "blob.bin", data), "binary file, not text", ACCEPTED)


def test_control_bytes_without_nul(tmp_path: Path) -> None:
    data = bytes(range(1, 9)) * 50
    expect_error(write(tmp_path, "ctl.txt", data), "binary file, not text", ACCEPTED)


def test_undecodable_text(tmp_path: Path) -> None:
    # Latin-1 French: not UTF-8, and not Vietnamese under Windows-1258.
    data = "Le café crème est très apprécié à Paris.\n".encode("latin-1")
    expect_error(write(tmp_path, "fr.txt", data), "not valid UTF-8, UTF-16 or Windows-1258 text")


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ("PDF", ".pdf extension")),
        (b"PK\x03\x04\x14\x00\x06\x00", ("Word .docx/ZIP file",)),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            ("old Word .doc format", "libreoffice --headless --convert-to docx"),
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("image file, not text",)),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", ("image file, not text",)),
        (b"GIF89a\x01\x00\x01\x00", ("image file, not text",)),
    ],
    ids=["pdf", "zip", "ole", "png", "jpeg", "gif"],
)
def test_magic_headers(tmp_path: Path, header: bytes, words: tuple[str, ...]) -> None:
    data = header + b"some body text " * 20
    expect_error(write(tmp_path, "report.txt", data), *words, ACCEPTED)


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "reports.txt"
    folder.mkdir()
    expect_error(folder, "cannot read file", "Is a directory")


def test_missing_file(tmp_path: Path) -> None:
    expect_error(tmp_path / "gone.txt", "cannot read file", "No such file or directory")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root ignores file permissions, so chmod cannot make a file unreadable",
)
def test_unreadable_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "secret.txt", text.encode("utf-8"))
    path.chmod(0)
    try:
        expect_error(path, "cannot read file", "Permission denied")
    finally:
        path.chmod(0o600)


def test_decode_bytes_names_source() -> None:
    with pytest.raises(ReportError) as info:
        decode_report_bytes(b"%PDF-1.4", "reports/q3.txt")
    assert info.value.source == "reports/q3.txt"
    assert str(info.value).startswith("reports/q3.txt: PDF file")
