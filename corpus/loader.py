"""Reading every report under the paths a user gives: one bad file never stops the others."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from tqdm import tqdm

from .chunking import DEFAULT_TOKEN_BUDGET
from .errors import ReportError
from .model import ParsedFile
from .readers import RECOGNISED_SUFFIXES, SUPPORTED_SUFFIXES, read_report
from .vietnamese import fold_diacritics

logger = logging.getLogger(__name__)


def sample_corpus_dir() -> Path:
    """The five bundled sample reports."""
    return Path(str(files("baocao.corpus") / "sample"))


@dataclass
class LoadResult:
    files: list[ParsedFile] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files of a type no reader accepts

    @property
    def documents(self):
        return [d for f in self.files for d in f.documents]

    @property
    def passages(self):
        return [p for f in self.files for p in f.passages]


@dataclass(frozen=True)
class ReportFile:
    path: Path
    source_file: str  # the path shown in citations: relative to the folder given
    doc_id: str


def find_reports(
    paths: Iterable[Path], skipped: list[str], keep_ids: Mapping[str, str] | None = None
) -> list[ReportFile]:
    """Report files under ``paths`` (files or folders), in a stable order, with unique names
    and ids. ``keep_ids`` (source_file -> doc_id, from an earlier index) keeps ids stable."""
    keep_ids = keep_ids or {}
    found: list[tuple[Path, str]] = []
    names: set[str] = set()
    for root in paths:
        if not Path(root).exists():
            raise ReportError(str(root), "no such file or folder")
        for path, shown in _walk(Path(root)):
            if path.suffix.lower() not in RECOGNISED_SUFFIXES:
                skipped.append(shown)
                continue
            if shown in names:  # the same relative name under two of the folders given
                shown = _unique(f"{Path(root).name}/{shown}", names)
            names.add(shown)
            found.append((path, shown))
    used = {keep_ids[shown] for _, shown in found if shown in keep_ids}
    return [
        ReportFile(path, shown, keep_ids.get(shown) or _unique(doc_id_for(shown), used))
        for path, shown in found
    ]


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        yield root, root.name
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        relative = path.relative_to(root)
        if not any(part.startswith(".") for part in relative.parts):
            yield path, relative.as_posix()


def doc_id_for(source_file: str) -> str:
    """'Báo cáo/2019 số 16.txt' -> 'Bao_cao__2019_so_16': ASCII, stable, safe in a URL."""
    stem = source_file.rsplit(".", 1)[0] if "." in Path(source_file).name else source_file
    ascii_stem = fold_diacritics(stem).replace("/", "__")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_stem).strip("_") or "report"


def _unique(doc_id: str, used: set[str]) -> str:
    candidate, k = doc_id, 2
    while candidate in used:
        candidate, k = f"{doc_id}_{k}", k + 1
    used.add(candidate)
    return candidate


def load_reports(
    paths: Iterable[Path], budget: int = DEFAULT_TOKEN_BUDGET, progress: bool | None = None
) -> LoadResult:
    result = LoadResult()
    reports = find_reports(paths, result.skipped)
    for report in tqdm(reports, desc="reading", unit="file", disable=not _show(progress, reports)):
        try:
            result.files.append(load_report(report, budget))
        except ReportError as error:
            logger.info("%s", error)
            result.errors.append(error)
    for name in result.skipped:
        logger.info(
            "skipped %s: not a report file (accepted: %s)", name, ", ".join(SUPPORTED_SUFFIXES)
        )
    return result


@functools.cache
def parser_fingerprint() -> str:
    """Hash of the parser's source: passages parsed by other code are parsed again."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_report(report: ReportFile, budget: int = DEFAULT_TOKEN_BUDGET) -> ParsedFile:
    """Parse one report; any failure becomes a ReportError naming the file."""
    try:
        return read_report(report.path, report.source_file, report.doc_id, budget)
    except ReportError:
        raise
    except Exception as error:  # a parser bug on one file must not stop the others
        logger.debug("could not parse %s", report.source_file, exc_info=True)
        reason = f"could not be parsed ({type(error).__name__}: {error}); please report this file"
        raise ReportError(report.source_file, reason) from error


def _show(progress: bool | None, reports: list) -> bool:
    import sys

    return progress if progress is not None else sys.stderr.isatty() and len(reports) > 3
