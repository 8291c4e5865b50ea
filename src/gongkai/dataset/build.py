"""``gongkai build``: parse every file under a raw folder and write the processed tables."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from gongkai.dataset.enrich import region_columns, series_column
from gongkai.dataset.ids import report_ids
from gongkai.dataset.manifest import MANIFEST_NAME, ManifestProblem, attach_problems, load_manifest
from gongkai.dataset.package import write_package
from gongkai.dataset.tables import all_tables
from gongkai.dataset.write import write_table
from gongkai.parse.report import read_report
from gongkai.report import ParseIssue, Report
from gongkai.review import JUDGEMENT_FILES, Judgements
from gongkai.rules import audit_all


@dataclass
class BuildResult:
    reports: list[Report]
    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)
    manifest_problems: list[ManifestProblem] = field(default_factory=list)  # those naming no file of the batch


def input_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (recursively) except the manifest, the researcher's judgement files
    (corrections.csv, reviews.csv at the top) and hidden files, in a stable order."""
    return sorted(
        p
        for p in raw_dir.rglob("*")
        if p.is_file()
        and p.name != MANIFEST_NAME
        and p.relative_to(raw_dir).as_posix() not in JUDGEMENT_FILES
        and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    )


def parse_one(path: Path, report_id: str) -> Report:
    """Parse one file; an unexpected failure becomes a failed Report, never a stopped batch."""
    try:
        return read_report(path, report_id=report_id)
    except Exception as exc:  # one broken file must never stop the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = f"internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return Report(report_id, str(path), "", issues=[ParseIssue("error", "file", message)])


@contextmanager
def spare_collector() -> Iterator[Callable[[], None]]:
    """A batch optimisation: yields a function to call after each parsed report.

    The cyclic garbage collector otherwise walks every report already parsed (its
    frames, cells, issues) again and again, which cost about 15 % of the parse time
    of a large batch. ``gc.freeze()`` moves them out of its reach; collection of the
    objects of the report being parsed goes on as usual. Everything is handed back
    to the collector at the end (``gc.unfreeze()``), even on an error.
    """
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def apply_manifest(report: Report, manifest: pd.DataFrame) -> None:
    """Fill what the report does not state from the manifest; note any disagreement."""
    if report.report_id not in manifest.index:
        return
    entry = manifest.loc[report.report_id]
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


def build(raw_dir: Path, out_dir: Path | None = None, *, progress: bool = True) -> BuildResult:
    """Parse all files under ``raw_dir``; write the tables to ``out_dir`` when given."""
    manifest, manifest_problems = load_manifest(raw_dir)
    files = input_files(raw_dir)
    reports = []
    with spare_collector() as parsed:
        for path, (report_id, name_note) in tqdm(
            zip(files, report_ids(files, raw_dir), strict=True),
            total=len(files),
            desc="parsing",
            unit="file",
            delay=1.0,
            disable=not progress,
        ):
            report = parse_one(path, report_id)
            report.source_file = (raw_dir / report_id).as_posix()
            if name_note:
                report.issues.insert(0, ParseIssue("warning", "file", name_note))
            apply_manifest(report, manifest)
            reports.append(report)
            parsed()
    unplaced = attach_problems(reports, manifest_problems)
    judgements = Judgements.read(raw_dir)  # issue 15: the researcher's corrections, before the audit
    reports = judgements.correct(reports)
    tables = all_tables(reports)
    regions = region_columns(reports, manifest)
    series = series_column(reports, manifest)
    base = tables["reports"].set_index("report_id", drop=False)
    tables["reports"] = base.join(regions).join(series).reset_index(drop=True)
    audit = audit_all(reports, manifest.reset_index() if len(manifest) else None)
    tables.update(findings=audit.findings, claims=audit.claims, checks=audit.checks)
    tables.update(judgements.review(audit.findings, (r.report_id for r in reports)))  # issue 15: verdicts
    result = BuildResult(reports, tables, manifest_problems=unplaced)
    if out_dir is not None:
        for name, df in tables.items():
            result.written += write_table(df, out_dir, name)
        result.written += write_package(out_dir)
    return result
