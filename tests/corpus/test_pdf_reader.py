"""The .pdf reader on PDFs that LibreOffice prints from real Word files: pages on every
passage, page-bottom footnotes linked to their marks, paragraphs and footnotes continued
overleaf joined, running headers and footers dropped; scans refused; `baocao index` and
`baocao inspect` on a folder mixing .txt, .docx and .pdf."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from accounting import passage_problems, uncovered_or_doubled
from office_reports import (
    LONG_NOTE,
    PLAN,
    PLAN_NOTE,
    ROUND_TRIP,
    RUNNING_HEADER,
    passage,
    printed_key,
)
from PIL import Image, ImageDraw
from wordgen import WordWriter

from baocao.corpus.errors import ReportError
from baocao.corpus.model import Passage
from baocao.corpus.readers.decode import read_report_file
from baocao.corpus.readers.pdf import read_pdf_file
from baocao.corpus.readers.text import parse_text
from baocao.corpus.readers.word import read_docx_file

BAOCAO = Path(sys.executable).with_name("baocao")


@pytest.fixture(scope="module")
def structured(pdf_files):
    return read_pdf_file(pdf_files.structured, "structured.pdf", "bc")


@pytest.fixture(scope="module")
def bundled(pdf_files):
    """The printed copies of the bundled reports, each parsed once."""
    return {
        stem: read_pdf_file(path, f"{stem}.pdf", stem) for stem, path in pdf_files.bundled.items()
    }


def test_the_pdf_gives_the_passages_of_the_word_file_it_was_printed_from(structured, word_files):
    word = read_docx_file(word_files.printable, "structured.docx", "bc")
    assert [printed_key(p) for p in structured.passages] == [printed_key(p) for p in word.passages]
    assert [(s.title, s.level, s.path) for s in structured.documents[0].sections] == [
        (s.title, s.level, s.path) for s in word.documents[0].sections
    ]
    fields = ("title", "number", "place", "date", "issuer", "signatory", "signatory_title")
    assert [getattr(structured.documents[0].document, f) for f in fields] == [
        getattr(word.documents[0].document, f) for f in fields
    ]


def test_every_passage_knows_its_pages(structured):
    assert [(p.passage_id, p.page, p.page_end) for p in structured.passages] == [
        ("bc:p0001", 1, 1),
        ("bc:p0002", 1, 1),
        ("bc:p0003", 1, 1),  # the table
        ("bc:p0004", 1, 1),
        ("bc:p0005", 1, 1),
        ("bc:p0006", 1, 1),
        ("bc:p0007", 1, 2),  # the paragraph continued overleaf
        ("bc:p0008", 2, 2),
        ("bc:p0009", 2, 2),
        ("bc:p0010", 2, 2),
        ("bc:fn1", 1, 1),
        ("bc:fn2", 1, 1),
        ("bc:fn3", 1, 1),
        ("bc:fn4", 1, 1),
        ("bc:fn5", 2, 2),
    ]


def test_a_paragraph_continued_overleaf_is_one_paragraph(structured):
    continued = passage(structured, "bc:p0007")
    assert continued.text == PLAN[0]
    assert len(continued.spans) == 2  # its two pieces, one on each page
    first, second = (" ".join(structured.text[a:b].split()) for a, b in continued.spans)
    assert first and second and f"{first} {second}" == PLAN[0]  # where it breaks: the fonts'
    assert "\f" in structured.text[continued.spans[0][1] : continued.spans[1][0]]  # a page break
    assert continued.page_end == continued.page + 1


def test_page_bottom_footnotes_link_to_their_raised_marks(structured):
    footnotes = [p for p in structured.passages if p.kind == "footnote"]
    assert [(p.footnote, p.anchor_id, p.page) for p in footnotes] == [
        (1, "bc:p0001", 1), (2, "bc:p0002", 1), (3, "bc:p0002", 1), (4, "bc:p0003", 1),
        (5, "bc:p0008", 2),
    ]  # fmt: skip
    assert passage(structured, "bc:fn5").text == PLAN_NOTE
    assert passage(structured, "bc:p0002").markers == ((2, 54), (3, 119))
    marked = passage(structured, "bc:p0008")
    assert marked.text[: dict(marked.markers)[5]].endswith("những năm tiếp theo")


def test_running_headers_and_page_numbers_are_metadata(structured):
    texts = "\n".join(p.text for p in structured.passages)
    assert RUNNING_HEADER not in texts and "Trang" not in texts
    lines = structured.text.split("\n")
    assert lines.count(RUNNING_HEADER) == 2
    for shown in (RUNNING_HEADER, "Trang 1", "Trang 2"):
        start = structured.text.index(shown)
        assert any(s.start == start and s.role == "metadata" for s in structured.spans)


def test_table_rows_keep_their_header(structured):
    assert passage(structured, "bc:p0003").text == (
        "Năm: 2019; Số cuộc đối thoại: 673; Lượt người tham gia: 40.000\n"
        "Năm: 2020; Số cuộc đối thoại: 120; Lượt người tham gia: 3.500"
    )


def test_the_signature_block_beside_the_distribution_list_is_metadata(structured):
    d = structured.documents[0].document
    assert (d.issuer, d.signatory, d.signatory_title) == (
        "TỈNH ỦY KON TUM",
        "Nguyễn Văn Hòa",
        "PHÓ BÍ THƯ",
    )
    assert not any("Nơi nhận" in p.text or "Lưu Văn phòng" in p.text for p in structured.passages)


def test_every_character_of_the_extracted_text_is_accounted_for(structured):
    assert uncovered_or_doubled(structured) == []
    assert passage_problems(structured) == []


@pytest.mark.parametrize("stem", ROUND_TRIP)
def test_bundled_report_printed_to_pdf_gives_the_same_passages(bundled, word_files, stem):
    """A bundled report as a Word file printed by LibreOffice (000: 10 pages, 23 footnotes at
    page bottoms, one continued overleaf): the same passages and links as the text parser
    finds in the text export, each with its pages."""
    expected = parse_text(read_report_file(word_files.texts[stem]), f"{stem}.txt", stem)
    got = bundled[stem]
    assert [printed_key(p) for p in got.passages] == [printed_key(p) for p in expected.passages]
    assert all(p.page is not None and p.page <= p.page_end for p in got.passages)
    assert got.passages[0].page == 1
    assert uncovered_or_doubled(got) == [] and passage_problems(got) == []


def test_official_layout_paragraphs_are_told_apart_by_their_indent(pdf_files, word_files):
    """Justified 14 pt text, paragraphs marked only by a first-line indent (no spacing):
    the same passages again."""
    expected = parse_text(read_report_file(word_files.texts["000"]), "000.txt", "000")
    got = read_pdf_file(pdf_files.official, "000.pdf", "000")
    assert [printed_key(p) for p in got.passages] == [printed_key(p) for p in expected.passages]
    with pdfplumber.open(pdf_files.official) as pdf:  # the layout is really the official one
        assert Counter(round(c["size"]) for c in pdf.pages[1].chars).most_common(1)[0][0] == 14


def test_a_footnote_continued_overleaf_is_one_footnote(pdf_files):
    got = read_pdf_file(pdf_files.long_note, "long_note.pdf", "ln")
    assert uncovered_or_doubled(got) == [] and passage_problems(got) == []
    (note,) = [p for p in got.passages if p.kind == "footnote"]
    assert note.text == LONG_NOTE  # nothing of it taken for a running footer
    assert note.page_end == note.page + 1
    cited = passage(got, note.anchor_id)
    assert cited.cites == (1,) and "Kết quả đối thoại qua các năm" in cited.text


def test_passage_records_keep_pages_and_old_records_still_load(structured):
    continued = passage(structured, "bc:p0007")
    record = continued.to_dict()
    assert (record["page"], record["page_end"]) == (1, 2)
    assert Passage.from_dict(json.loads(json.dumps(record))) == continued
    old = {k: v for k, v in record.items() if k not in ("page", "page_end")}
    assert (Passage.from_dict(old).page, Passage.from_dict(old).page_end) == (None, None)


# --- what is refused -----------------------------------------------------------------------


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """What a scanner writes: each page one image, no text layer."""
    images = []
    for n in range(pages):
        image = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(image)
        for row in range(30):
            draw.text((120, 150 + 45 * row), f"Bao cao trang {n + 1} dong {row}", fill="black")
        images.append(image)
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


def test_a_scanned_pdf_is_refused_with_what_to_do(tmp_path):
    path = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReportError) as info:
        read_pdf_file(path, "scan.pdf", "scan")
    message = str(info.value)
    assert message.startswith("scan.pdf: scanned PDF")
    assert "no text layer" in message and "ocrmypdf -l vie" in message
    assert "--convert-to docx" in message


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("BÁO CÁO\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"^report\.pdf: not a PDF file"):
        read_pdf_file(path, "report.pdf", "r")


def test_legacy_tcvn3_text_is_refused_not_indexed(tmp_path):
    w = WordWriter()
    w.paragraph("B¸o c¸o kÕt qu¶ c«ng t¸c d©n vËn n¨m 2020")
    w.paragraph("Trong n¨m, cÊp ñy c¸c cÊp ®· tæ chøc 120 cuéc ®èi tho¹i víi Nh©n d©n.")
    path = w.save(tmp_path / "tcvn3.docx")
    with pytest.raises(ReportError, match=r"legacy TCVN3 \(ABC\) font encoding, not Unicode"):
        read_docx_file(path, "tcvn3.docx", "t")


# --- the command line on a mixed folder ----------------------------------------------------


@pytest.fixture
def mixed(tmp_path, pdf_files, word_files, tiny_report_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "tiny.txt").write_bytes(tiny_report_path.read_bytes())
    (folder / "bao-cao.docx").write_bytes(word_files.printable.read_bytes())
    (folder / "bao-cao.pdf").write_bytes(pdf_files.structured.read_bytes())
    return folder


def baocao(tmp_path, *args):
    env = {**os.environ, "PYTHONUTF8": "1", "BAOCAO_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [str(BAOCAO), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
        env=env, timeout=300,
    )  # fmt: skip


def test_inspect_reads_a_folder_mixing_txt_docx_and_pdf(tmp_path, mixed):
    (mixed / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = baocao(tmp_path, "inspect", mixed, "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    files = {f["source_file"]: f for f in payload["files"]}
    assert sorted(files) == ["bao-cao.docx", "bao-cao.pdf", "tiny.txt"]
    assert [(f["source_file"], f["encoding"]) for f in payload["files"]] == [
        ("bao-cao.docx", "docx"), ("bao-cao.pdf", "pdf"), ("tiny.txt", "utf-8"),
    ]  # fmt: skip
    pdf = files["bao-cao.pdf"]["documents"][0]["passages"]
    assert [(p["passage_id"], p["page"], p["page_end"]) for p in pdf][6] == (
        "bao-cao_2:p0007",
        1,
        2,
    )
    assert all(p["page"] is None for p in files["bao-cao.docx"]["documents"][0]["passages"])
    assert payload["errors"] == [{"file": "cu.doc", "reason": payload["errors"][0]["reason"]}]
    assert "libreoffice --headless --convert-to docx" in payload["errors"][0]["reason"]
    assert "error: cu.doc: old Word .doc format" in result.stderr

    table = baocao(tmp_path, "inspect", mixed)
    assert "| bao-cao.pdf | bao-cao_2 | 7 | 10 | 0 | 5 | 5 | 0 |" in table.stdout
    assert "| bao-cao.docx | bao-cao | 7 | 10 | 0 | 5 | 5 | 0 |" in table.stdout
    one = baocao(tmp_path, "inspect", mixed / "bao-cao.pdf")
    assert "pages: 1–2" in one.stdout
    assert "[5] lines" in one.stdout and "page 2 → bao-cao:p0008" in one.stdout  # alone: no _2


def test_index_builds_one_index_from_txt_docx_and_pdf(tmp_path, mixed):
    index_dir = tmp_path / "index"
    result = baocao(tmp_path, "index", mixed, "--index-dir", index_dir, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [(f["source_file"], f["status"]) for f in summary["files"]] == [
        ("bao-cao.docx", "new"), ("bao-cao.pdf", "new"), ("tiny.txt", "new"),
    ]  # fmt: skip
    build = index_dir / "builds" / (index_dir / "CURRENT").read_text().strip()
    records = [json.loads(line) for line in (build / "passages.jsonl").open(encoding="utf-8")]
    by_file: dict[str, list[dict]] = {}
    for record in records:
        by_file.setdefault(record["source_file"], []).append(record)
    assert len(by_file["bao-cao.pdf"]) == len(by_file["bao-cao.docx"]) == 15
    assert {r["page"] for r in by_file["bao-cao.pdf"]} == {1, 2}
    assert {r["page"] for r in by_file["bao-cao.docx"] + by_file["tiny.txt"]} == {None}
    # what a person sees: a PDF passage is cited by page, a Word one by paragraph
    found = baocao(tmp_path, "search", "đối thoại", "--k", "30", "--json", "--index-dir", index_dir)
    assert found.returncode == 0, found.stderr
    sources = {h["file"]: h["source"] for h in json.loads(found.stdout)["hits"]}
    assert re.search(r"bao-cao\.pdf, trang \d(–\d)?$", sources["bao-cao.pdf"])
    assert re.search(r"bao-cao\.docx, đoạn \d+(–\d+)?$", sources["bao-cao.docx"])
