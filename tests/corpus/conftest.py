"""Real Word and PDF reports for the reader tests, made once per session.

The .docx files are written with python-docx (plus the footnotes part it does not write);
the PDFs are printed from them by LibreOffice in one start (it takes seconds). Without
LibreOffice the PDF tests fail, they do not skip: CI installs libreoffice-writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from office_reports import ROUND_TRIP, long_note_report, report_as_docx, structured_report
from wordgen import to_pdf

from baocao.corpus.loader import sample_corpus_dir


@dataclass(frozen=True)
class WordFiles:
    structured: Path  # with a tracked change and a comment
    printable: Path  # the same report without them: the source of structured.pdf
    bundled: dict[str, Path]  # "000" -> the bundled report 000 as a Word document
    official: Path  # report 000 in the official layout: justified, indented, no spacing
    texts: dict[str, Path]  # "000" -> the bundled report 000 itself
    long_note: Path  # a footnote too long for its page


@dataclass(frozen=True)
class PdfFiles:
    structured: Path
    bundled: dict[str, Path]  # "000" -> the Word copy of report 000, printed
    official: Path
    long_note: Path


@pytest.fixture(scope="session")
def word_files(tmp_path_factory) -> WordFiles:
    folder = tmp_path_factory.mktemp("word")
    texts = {s: next(sample_corpus_dir().glob(f"{s}_*.txt")) for s in ROUND_TRIP}
    return WordFiles(
        structured=structured_report(folder / "structured.docx"),
        printable=structured_report(folder / "printable.docx", revisions=False),
        bundled={
            s: report_as_docx(path.read_text(encoding="utf-8"), folder / f"report{s}.docx")
            for s, path in texts.items()
        },
        official=report_as_docx(
            texts["000"].read_text(encoding="utf-8"), folder / "official000.docx", official=True
        ),
        texts=texts,
        long_note=long_note_report(folder / "long_note.docx"),
    )


@pytest.fixture(scope="session")
def pdf_files(word_files, tmp_path_factory) -> PdfFiles:
    folder = tmp_path_factory.mktemp("pdf")
    sources = [word_files.printable, word_files.official, word_files.long_note,
               *word_files.bundled.values()]  # fmt: skip
    structured, official, long_note, *bundled = to_pdf(sources, folder)
    return PdfFiles(
        structured=structured,
        bundled=dict(zip(word_files.bundled, bundled, strict=True)),
        official=official,
        long_note=long_note,
    )
