"""Size caps on input files, with real generated files: a zip-bomb-like .docx (a document.xml
of 80 MB in a small file), a zip that states false sizes, a 30 MB .txt, a PDF of 5,001 pages,
a PDF page whose drawing instructions inflate to 20 MB. Each is refused by name with the
limit and how to raise it, before it is parsed; the other files are read."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import IO

import docx
import pytest

from baocao.corpus.errors import ReportError
from baocao.corpus.loader import load_reports
from baocao.corpus.readers import limits
from baocao.corpus.readers.pdf import read_pdf_file
from baocao.corpus.readers.text import read_text_file
from baocao.corpus.readers.word import read_docx_file

BAOCAO = Path(sys.executable).with_name("baocao")
PARAGRAPH = (
    "<w:p><w:r><w:t>Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại với Nhân dân."
    "</w:t></w:r></w:p>"
).encode()


SMALL_TEXT = "Năm 2020, cấp ủy đã tổ chức 120 cuộc đối thoại."


# --- generators (cheap: the big parts are streamed, the PDF pages share one stream) ----------


def small_docx(path: Path, text: str = SMALL_TEXT) -> Path:
    _write_small_docx(str(path), text)
    return path


def _write_small_docx(target: str | IO[bytes], text: str = SMALL_TEXT) -> None:
    document = docx.Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph(text)
    document.save(target)


def bomb_docx(path: Path, megabytes: int) -> Path:
    """A real .docx whose document.xml is ``megabytes`` MB of paragraphs, ~1000:1 deflated."""
    source = io.BytesIO()
    _write_small_docx(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as bomb:
        for item in original.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, original.read(item))
                continue
            xml = original.read(item)
            head, tail = xml.split(b"<w:body>")
            info = zipfile.ZipInfo("word/document.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w") as part:
                part.write(head + b"<w:body>")
                block = PARAGRAPH * (1_000_000 // len(PARAGRAPH))
                for _ in range(megabytes):
                    part.write(block)
                part.write(tail)
    return path


def lying_docx(path: Path) -> Path:
    """A .docx whose zip directory states document.xml is 100 bytes; it inflates to 2 MB."""
    bomb_docx(path, 2)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo("word/document.xml")
    true_size = info.file_size.to_bytes(4, "little")
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    for start in (info.header_offset + 22, central + 24):  # local header, central directory
        assert data[start : start + 4] == true_size
        data[start : start + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def big_text(path: Path, megabytes: int) -> Path:
    line = "Năm 2020, cấp ủy các cấp đã tổ chức 120 cuộc đối thoại với Nhân dân.\n".encode()
    block = line * (1_000_000 // len(line) + 1)
    with open(path, "wb") as handle:
        handle.write("BÁO CÁO\nKết quả\n".encode())
        for _ in range(megabytes):
            handle.write(block)
    return path


def write_pdf(path: Path, pages: int, content: bytes, stated_count: int | None = None) -> Path:
    """A real PDF (Helvetica text) of ``pages`` pages that all draw one shared stream."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)), stated_count or pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


TEXT_PAGE = b"BT /F1 12 Tf 72 770 Td (Bao cao ket qua cong tac dan van nam 2020.) Tj ET\n"


def many_page_pdf(path: Path, pages: int, stated_count: int | None = None) -> Path:
    return write_pdf(path, pages, TEXT_PAGE, stated_count)


def big_page_pdf(path: Path, megabytes: int) -> Path:
    """One page whose drawing instructions inflate to ``megabytes`` MB (a 20 KB file)."""
    filler = b"0 0 m 1 1 l S\n" * (megabytes * 1_000_000 // 14)
    return write_pdf(path, 1, TEXT_PAGE + filler)


# --- tests ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def default_limits(monkeypatch):
    for env in limits.SETTINGS.values():
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setattr(limits, "_configured", {})


def test_a_docx_whose_document_xml_inflates_to_80_mb_is_refused_before_parsing(tmp_path):
    bomb = bomb_docx(tmp_path / "bomb.docx", 80)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ReportError) as info:
        read_docx_file(bomb, "reports/bomb.docx", "bomb")
    assert str(info.value) == (
        "reports/bomb.docx: the part word/document.xml of this .docx, uncompressed, is 80 MB, "
        "over the limit of 64 MB for one report; if this really is one report, raise the "
        "limit: BAOCAO_MAX_DOCX_PART_MB=<megabytes> baocao index …"
    )


def test_a_zip_that_states_false_sizes_is_never_inflated_past_them(tmp_path):
    liar = lying_docx(tmp_path / "liar.docx")
    with zipfile.ZipFile(liar) as package:
        assert package.getinfo("word/document.xml").file_size == 100
    with pytest.raises(ReportError) as info:
        read_docx_file(liar, "liar.docx", "liar")
    assert "not a valid .docx file (BadZipFile: Bad CRC-32" in str(info.value)


def test_the_parts_together_have_a_cap_too(tmp_path):
    limits.configure(docx_total_mb=0.01)
    with pytest.raises(ReportError) as info:
        read_docx_file(small_docx(tmp_path / "a.docx"), "a.docx", "a")
    assert "this .docx uncompressed is " in str(info.value)
    assert "BAOCAO_MAX_DOCX_TOTAL_MB" in str(info.value)


def test_a_30_mb_text_file_is_refused_unread(tmp_path):
    big = big_text(tmp_path / "big.txt", 30)
    with pytest.raises(ReportError) as info:
        read_text_file(big, "big.txt", "big")
    assert str(info.value).startswith(
        "big.txt: this text file is 30 MB, over the limit of 20 MB for one report; "
    )
    assert "BAOCAO_MAX_TEXT_MB=<megabytes>" in str(info.value)


def test_the_text_extracted_from_a_docx_has_the_text_cap(tmp_path):
    limits.configure(text_mb=0.001)
    path = small_docx(tmp_path / "long.docx", "Cấp ủy tổ chức đối thoại với Nhân dân. " * 60)
    with pytest.raises(ReportError) as info:
        read_docx_file(path, "long.docx", "long")
    assert str(info.value).startswith("long.docx: the text of this .docx is ")


def test_a_pdf_of_5001_pages_is_refused_before_its_pages_are_read(tmp_path):
    pdf = many_page_pdf(tmp_path / "pages.pdf", 5001)
    with pytest.raises(ReportError) as info:
        read_pdf_file(pdf, "pages.pdf", "pages")
    assert str(info.value).startswith(
        "pages.pdf: this PDF is 5,001 pages, over the limit of 5,000 for one report; "
    )


def test_a_pdf_that_states_fewer_pages_than_it_has_is_refused_by_the_pages_found(tmp_path):
    limits.configure(pdf_pages=20)
    pdf = many_page_pdf(tmp_path / "liar.pdf", 21, stated_count=1)
    with pytest.raises(ReportError) as info:
        read_pdf_file(pdf, "liar.pdf", "liar")
    assert "this PDF is 21 pages, over the limit of 20" in str(info.value)


def test_a_pdf_page_that_inflates_to_20_mb_is_refused_naming_the_page(tmp_path):
    pdf = big_page_pdf(tmp_path / "bigpage.pdf", 20)
    assert pdf.stat().st_size < 200_000
    with pytest.raises(ReportError) as info:
        read_pdf_file(pdf, "bigpage.pdf", "bigpage")
    assert str(info.value).startswith(
        "bigpage.pdf: page 1 of this PDF (its drawing instructions) is over the limit of 16 MB "
        "for one report; "
    )


def test_files_within_the_caps_are_read(tmp_path):
    pdf = many_page_pdf(tmp_path / "ok.pdf", 3)
    parsed = read_pdf_file(pdf, "ok.pdf", "ok")
    assert parsed.text.count("Bao cao ket qua cong tac dan van") == 3
    parsed = read_docx_file(bomb_docx(tmp_path / "ok.docx", 1), "ok.docx", "ok")
    assert len(parsed.passages) > 10


def test_an_environment_variable_sets_a_cap_and_a_bad_value_is_named(tmp_path, monkeypatch):
    path = big_text(tmp_path / "two.txt", 2)
    monkeypatch.setenv("BAOCAO_MAX_TEXT_MB", "1")
    with pytest.raises(ReportError, match="over the limit of 1.0 MB"):
        read_text_file(path, "two.txt", "two")
    monkeypatch.setenv("BAOCAO_MAX_TEXT_MB", "nhiều")
    with pytest.raises(ValueError, match="BAOCAO_MAX_TEXT_MB: 'nhiều' is not a positive number"):
        limits.current()


def test_inspect_refuses_each_bad_file_by_name_and_reads_the_others(tmp_path, tiny_report_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "tiny.txt").write_bytes(tiny_report_path.read_bytes())
    bomb_docx(folder / "bomb.docx", 80)
    big_text(folder / "big.txt", 30)
    many_page_pdf(folder / "pages.pdf", 5001)
    big_page_pdf(folder / "bigpage.pdf", 20)
    env = {k: v for k, v in os.environ.items() if k not in limits.SETTINGS.values()}
    run = subprocess.run(
        [str(BAOCAO), "inspect", str(folder), "--json"],
        capture_output=True, text=True, env={**env, "PYTHONUTF8": "1"}, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert [f["source_file"] for f in payload["files"]] == ["tiny.txt"]
    reasons = {e["file"]: e["reason"] for e in payload["errors"]}
    assert sorted(reasons) == ["big.txt", "bigpage.pdf", "bomb.docx", "pages.pdf"]
    assert all("over the limit of" in reason for reason in reasons.values())


def test_load_reports_keeps_going_after_a_refused_file(tmp_path, tiny_report_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "tiny.txt").write_bytes(tiny_report_path.read_bytes())
    many_page_pdf(folder / "a.pdf", 5001)
    result = load_reports([folder])
    assert [f.source_file for f in result.files] == ["tiny.txt"]
    assert [e.source for e in result.errors] == ["a.pdf"]
