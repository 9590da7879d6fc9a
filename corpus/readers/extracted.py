"""What the .docx and .pdf readers share: reading the file, refusing extracted text that only
looks like text, and building the parsed file from the extracted layout.

Before Unicode, Vietnamese documents were typed in TCVN3 (ABC) or VNI fonts that store the
letters as Latin-1 characters ("B¸o c¸o" for "Báo cáo"); PDFs whose fonts lack a Unicode map
give "(cid:123)" or private-use characters. Such text would be indexed as garbage, so the file
is refused with what to do instead.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import ReportError
from ..layout import Layout, read_laid_out_report
from ..lines import split_lines
from ..model import ParsedFile
from ..structure import FileInfo, build_file
from . import limits

# Latin-1 characters TCVN3 uses for Vietnamese letters and tone marks, and VNI's.
_TCVN3 = frozenset("¸µ¶·¹¨©ª«¬®¾»¼½ÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßãåæçèéêëìíîïñòóôõö÷øùúûüýþ")
_VNI = frozenset("øûïñÑØÛÏ")
_VIETNAMESE = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")  # letters no legacy font produces
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")
_CONVERT = (
    "convert the source document to Unicode (for example with Unikey's converter) and save "
    "it again as .docx or PDF"
)


def refuse_unreadable_text(text: str, source_file: str) -> None:
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return
    unmapped = sum(len(m.group(0)) for m in _UNMAPPED.finditer(text))
    if unmapped > 0.05 * len(text.strip()):
        raise ReportError(
            source_file,
            "the text cannot be read: its fonts have no Unicode map (a PDF made from a scan or "
            "from legacy fonts); run OCR on it (`ocrmypdf -l vie --force-ocr FILE out.pdf`) or "
            "supply the original .docx",
        )
    vietnamese = len(_VIETNAMESE.findall(text))
    if vietnamese < 0.01 * letters:
        legacy = sum(1 for ch in text if ch in _TCVN3)
        vni = sum(1 for ch in text if ch in _VNI)
        if legacy > 0.03 * letters or vni > 0.02 * letters:
            name = "VNI" if vni > 0.02 * letters and vni * 3 > legacy else "TCVN3 (ABC)"
            raise ReportError(
                source_file,
                f"Vietnamese typed in a legacy {name} font encoding, not Unicode: {_CONVERT}",
            )


def read_bytes(path: Path, source_file: str) -> bytes:
    cap = int(limits.current().file_mb * limits.MB)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(cap + 1) if size <= cap else b""  # bounded: a file may grow
    except OSError as exc:
        raise ReportError(source_file, f"cannot read file: {exc.strerror or exc}") from exc
    if size > cap or len(data) > cap:
        size = limits.mb(max(size, len(data)))
        raise limits.refuse(source_file, "this file", size, "file_mb", limits.mb(cap))
    if not data:
        raise ReportError(source_file, "empty file: no text to index")
    return data


def parse_layout(
    layout: Layout,
    data: bytes,
    kind: str,
    source_file: str,
    doc_id: str,
    budget: int,
    notes: Iterable[str] = (),
) -> ParsedFile:
    """The extracted text, checked, as documents, sections and passages (with pages when the
    layout has them). ``kind`` ("docx", "pdf") stands where text files name their encoding."""
    text = layout.text
    if not text.strip():
        raise ReportError(source_file, f"no text in this .{kind} file: nothing to index")
    limits.check_text(text, source_file, kind)
    refuse_unreadable_text(text, source_file)
    pages = layout.pages
    info = FileInfo(
        source_file,
        hashlib.sha256(data).hexdigest(),
        kind,
        doc_id,
        [line.start for line in split_lines(text)],
        line_pages=pages if any(page is not None for page in pages) else (),
    )
    return build_file(read_laid_out_report(layout), text, info, budget, notes)
