"""The work done for one raw file, wherever it runs (this process, a local worker, a Dask worker).

:func:`process_batch` parses each file, fills what the report omits from its manifest row, applies
the file's rows of corrections.csv and runs the single-report half of the audit; each result comes
back as a compressed pickle (a *unit*), the form the parse cache stores. Nothing here may stop a
batch: a failure of any kind becomes a located error on that file's report.

A task may carry the task of the same issuer's previous report (``previous``): that file is parsed
first, and its cells are the last rung of evidence for this file's run-together cells
(:func:`gongkai.parse.report.read_report`). The build asks for it only for a report that left a run
unsplit (:func:`left_unsplit`) and whose series has the year before in the batch.
"""

from __future__ import annotations

import copyreg
import pickle
import traceback
import types
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.dataset.audit_stream import ReportAudit, audit_report, audit_reports
from gongkai.parse.recover import PREVIOUS_YEAR, UNSPLIT
from gongkai.parse.report import read_report
from gongkai.report import ParseIssue, Report
from gongkai.review.corrections import correct_report
from gongkai.review.inputs import Correction, InputIssue


def _readonly(d: dict) -> types.MappingProxyType:
    return types.MappingProxyType(d)


def _mappingproxy(m: types.MappingProxyType) -> tuple:
    return _readonly, (dict(m),)


# Read-only mappings in a parsed report or its claims pickle as the dicts they wrap, and come back read-only.
copyreg.pickle(types.MappingProxyType, _mappingproxy)


@dataclass(frozen=True)
class FileTask:
    """One raw file to process: where it is, its id (path under the raw folder), its manifest row."""

    path: str
    report_id: str
    entry: tuple[tuple[str, str], ...] = ()  # the manifest row of the file, (column, value) in column order
    corrections: tuple[Correction, ...] = ()  # the file's rows of RAW_DIR/corrections.csv
    name_note: str | None = None  # how a file name that is not valid UTF-8 was made readable (see dataset/ids.py)
    previous: FileTask | None = None  # the same issuer's report of the year before, as evidence for cut cells


@dataclass
class FileUnit:
    """What one file gives the build: the parsed report and its single-report audit."""

    report: Report
    audit: ReportAudit
    problems: list[InputIssue] = field(default_factory=list)  # corrections that could not be applied


def _failure_message(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
    return f"internal error {type(exc).__name__}: {exc}{at}"


_FALLBACK_MESSAGE = "internal error while parsing; describing the error failed too (out of memory?)"


def parse_one(path: Path, report_id: str, previous: Report | None = None) -> Report:
    """Parse one file (``previous``: see :func:`read_report`); an unexpected failure becomes a failed
    Report, never a stopped batch.

    Describing the failure can fail in turn (a ``MemoryError`` raised again while the traceback is
    formatted): the report then carries a fixed message.
    """
    try:
        return read_report(path, report_id=report_id, previous=previous)
    except Exception as exc:  # one broken file must never stop the batch
        try:
            message = _failure_message(exc)
        except Exception:  # even the message could not be built
            message = _FALLBACK_MESSAGE
        del exc  # drop the traceback (and what it holds) before building the report
        return Report(report_id, str(path), "", issues=[ParseIssue("error", "file", message)])


def apply_manifest(report: Report, entry: dict[str, str]) -> None:
    """Fill what the report does not state from its manifest row; note any disagreement."""
    if not entry:
        return
    if entry.get("sha256") and report.sha256 and entry["sha256"] != report.sha256:
        report.issues.append(ParseIssue("warning", "file", "sha256 differs from manifest: the raw file changed"))
    if not report.issuer and entry.get("issuer"):
        report.issuer = entry["issuer"]
        report.issues.append(ParseIssue("info", "file", "issuer taken from the manifest"))
    year = str(entry.get("year") or "")
    if year.isdigit():
        if report.year is None:
            report.year = int(year)
            report.issues.append(ParseIssue("info", "file", "year taken from the manifest"))
        elif report.year != int(year):
            report.issues.append(ParseIssue("warning", "file", f"year {report.year} differs from manifest {year}"))


def audit_one(report: Report) -> ReportAudit:
    """The single-report audit of one report; a rule that fails on it becomes a located error on the report."""
    try:
        return audit_report(report)
    except Exception as exc:  # a rule that breaks on one report must not stop the batch
        try:
            message = _failure_message(exc)
        except Exception:  # even the message could not be built
            message = _FALLBACK_MESSAGE
        report.issues.append(ParseIssue("error", "file", f"audit failed: {message}"))
        return audit_report(Report(report.report_id, report.source_file, report.sha256))


def left_unsplit(report: Report) -> bool:
    """Whether the parse left a run of run-together cells unsplit (a previous report might settle it)."""
    return any(i.severity == "error" and i.message.endswith(UNSPLIT) for i in report.issues)


def _used_previous(report: Report, previous: Report) -> None:
    """Name the previous report on the report whose cells it settled, so that each such cell is traceable."""
    tables = (report.cells(t) for t in (2, 3, 4))
    if any(rec.inferred_by == PREVIOUS_YEAR for cells in tables if cells is not None for rec in cells.records):
        report.issues.append(
            ParseIssue("info", "file", f"run-together cells settled by the previous report {previous.report_id}")
        )


def _parsed(task: FileTask) -> tuple[Report, list[InputIssue]]:
    """The report of a file, completed from its manifest row, corrected by the researcher's corrections
    (with the previous report, itself so completed and corrected, as evidence when the task has one)."""
    previous = _parsed(task.previous)[0] if task.previous is not None else None
    report = parse_one(Path(task.path), task.report_id, previous)
    if previous is not None:
        _used_previous(report, previous)
    apply_manifest(report, dict(task.entry))
    if not task.corrections:
        return report, []
    return correct_report(report, list(task.corrections))


def process_file(task: FileTask) -> FileUnit:
    """Parse, complete from the manifest, correct, audit: the unit of one file."""
    report, problems = _parsed(task)
    return FileUnit(report, audit_one(report), problems)


def pack_unit(unit: FileUnit) -> bytes:
    return zlib.compress(pickle.dumps(unit, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_unit(blob: bytes) -> FileUnit:
    return pickle.loads(zlib.decompress(blob))


def process_batch(tasks: list[FileTask]) -> list[bytes]:
    """:func:`process_file` of each task, packed; the function the executors (local or Dask) run.

    The table rules run on the batch's reports at once; should that fail, each report is audited
    alone, so that only the report that breaks a rule carries the error.
    """
    parsed = [_parsed(t) for t in tasks]
    reports = [r for r, _ in parsed]
    try:
        audits = audit_reports(reports)
    except Exception:  # one report breaks a rule: find it by auditing each alone
        audits = [audit_one(r) for r in reports]
    return [pack_unit(FileUnit(r, a, p)) for (r, p), a in zip(parsed, audits, strict=True)]
