"""Reading every report under the paths a user gives: one bad file never stops the others."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from tqdm import tqdm

from .chunking import DEFAULT_TOKEN_BUDGET
from .errors import ReportError
from .model import ParsedFile
from .readers import RECOGNISED_SUFFIXES, SUPPORTED_SUFFIXES, limits, read_report
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
    paths: Iterable[Path],
    skipped: list[str],
    keep_ids: Mapping[str, str] | None = None,
    refused: list[ReportError] | None = None,
) -> list[ReportFile]:
    """Report files under ``paths`` (files or folders), in a stable order, with unique names
    and ids. ``keep_ids`` (source_file -> doc_id, from an earlier index) keeps ids stable.

    A file under a folder is read only when its real path is inside that folder (a file
    named in ``paths`` is read wherever it lies), and each file once. Links out of the
    folder, broken links, links to a file already found and links to folders outside are
    never opened: they go to ``refused`` with the reason (to the log when no list is given).
    Links to folders are not followed (their files are read where they lie), so a link loop
    ends.
    """
    limits.current()  # a bad BAOCAO_MAX_* setting stops here, not at every file
    keep_ids = keep_ids or {}
    candidates: list[_Candidate] = []
    for root in paths:
        if not Path(root).exists():
            raise ReportError(str(root), "no such file or folder")
        candidates += _walk(Path(root), skipped)
    read_as: dict[tuple[int, int], str] = {}  # (device, inode) -> the name it is read as
    # Real files before links, so that a link to a file found is the copy left out.
    for found in sorted(candidates, key=lambda c: c.path.is_symlink()):
        if found.reason:
            continue
        if found.inode in read_as:
            kind = "a link to" if found.path.is_symlink() else "the same file as"
            found.reason = f"{kind} {read_as[found.inode]}, which is read already: not read twice"
        else:
            read_as[found.inode] = found.shown
    found_files: list[tuple[Path, str]] = []
    names: set[str] = set()
    for found in candidates:
        if found.reason:
            _refuse(refused, found.shown, found.reason)
            continue
        shown = found.shown
        if shown in names:  # the same relative name under two of the folders given
            shown = _unique(f"{found.root.name}/{shown}", names)
        names.add(shown)
        found_files.append((found.path, shown))
    used = {keep_ids[shown] for _, shown in found_files if shown in keep_ids}
    return [
        ReportFile(path, shown, keep_ids.get(shown) or _unique(doc_id_for(shown), used))
        for path, shown in found_files
    ]


@dataclass
class _Candidate:
    root: Path
    path: Path
    shown: str
    inode: tuple[int, int] = (0, 0)  # (device, inode) of the real file
    reason: str = ""  # why it is not read ("" when it is read)


def _refuse(refused: list[ReportError] | None, shown: str, reason: str) -> None:
    error = ReportError(shown, reason)
    if refused is None:
        logger.warning("%s", error)
    else:
        logger.info("%s", error)
        refused.append(error)


def _walk(root: Path, skipped: list[str]) -> list[_Candidate]:
    """Report files (and refused folder links) under ``root``, sorted by relative path."""
    if not root.is_dir():
        return [_check(_Candidate(root, root, root.name), None)]
    inside = root.resolve()
    found: list[tuple[tuple[str, ...], _Candidate]] = []
    for folder, dirs, names in os.walk(root):  # does not follow links to folders
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*dirs, *names]:
            path = here / name
            relative = path.relative_to(root)
            if name.startswith("."):
                continue
            candidate = _Candidate(root, path, relative.as_posix())
            if name in dirs:
                if path.is_symlink() and not _within(path, inside):
                    candidate.reason = (
                        f"a link to a folder outside {root} ({_target(path)}): not followed"
                    )
                    found.append((relative.parts, candidate))
                continue
            if path.suffix.lower() not in RECOGNISED_SUFFIXES:
                skipped.append(candidate.shown)
                continue
            found.append((relative.parts, _check(candidate, inside)))
    return [candidate for _, candidate in sorted(found, key=lambda item: item[0])]


def _check(candidate: _Candidate, inside: Path | None) -> _Candidate:
    """Set why the file is not read: a broken link, a link out of ``inside`` (None: a file
    named on the command line, read wherever it lies), not a regular file."""
    path = candidate.path
    if path.is_symlink() and not path.exists():
        candidate.reason = f"a broken link (to {_target(path)}): nothing to read"
    elif inside is not None and not _within(path, inside):
        candidate.reason = (
            f"a link to {_target(path)}, outside the folder {candidate.root}: not read "
            "(only files inside the folder given are read; copy the file in, or name it on "
            "the command line)"
        )
    elif not path.is_file():
        candidate.reason = "not a regular file (a pipe, device or folder): not read"
    else:
        status = path.stat()
        candidate.inode = (status.st_dev, status.st_ino)
    return candidate


def _within(path: Path, inside: Path) -> bool:
    try:
        return path.resolve().is_relative_to(inside)
    except (OSError, RuntimeError):  # a link loop
        return False


def _target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


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
    reports = find_reports(paths, result.skipped, refused=result.errors)
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
