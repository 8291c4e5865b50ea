"""``gongkai build``: parse every file under a raw folder and write the processed tables.

The build streams: files are parsed (here, in local worker processes, or on a Dask cluster) and
audited one by one, reports flow to the output in chunks of :data:`CHUNK_REPORTS` (one Parquet row
group each), and all the build keeps of a report once its chunk is written is its series entry (the
packed grids and year-on-year claims the cross-year rules need). The cross-year rules then run over
those entries, and the claims and checks are written in a second pass.

A report whose parse left run-together cells unsplit may be settled by the same issuer's report of
the year before (the last rung of :mod:`gongkai.parse.recover`), which is known only once every
file's series is: from the first such report on, the units wait on disk (in order) until the series
are assigned; each such report whose series has the year before in the batch is parsed again with
it (:attr:`FileTask.previous`, cached under its own key), and the units are then written as they
would have been. A batch without such a report never waits. The output goes to a staging
folder that replaces OUT_DIR only when everything is written (:mod:`gongkai.staging`); the units of
unchanged files come from the parse cache (:mod:`gongkai.dataset.cache`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

import pandas as pd
from tqdm import tqdm

from gongkai.dataset.audit_stream import cross_year, unpack_grids
from gongkai.dataset.cache import ParseCache, default_cache_dir, file_sha256
from gongkai.dataset.executors import run_dask, run_here, run_local
from gongkai.dataset.filework import (
    FileTask,
    FileUnit,
    apply_manifest,
    left_unsplit,
    parse_one,
    process_batch,
    unpack_unit,
)
from gongkai.dataset.ids import report_ids
from gongkai.dataset.manifest import MANIFEST_NAME, ManifestProblem, load_manifest
from gongkai.dataset.package import write_package
from gongkai.dataset.regions_memo import RegionMemo
from gongkai.dataset.sink import TableSink
from gongkai.dataset.tables import all_tables
from gongkai.regions import overrides_from_manifest
from gongkai.report import ParseIssue, Report
from gongkai.review import JUDGEMENT_FILES, Judgements, issues_frame, summary_lines
from gongkai.review.corrections import CORRECTED, apply_corrections
from gongkai.review.inputs import Correction
from gongkai.review.reviews import attach_reviews
from gongkai.rules.grids import ReportGrids
from gongkai.rules.results import Collector
from gongkai.rules.series import SeriesAssignment, assign_series, manifest_overrides, record_links
from gongkai.rules.subject import Subject
from gongkai.staging import folder_lock, staged_folder

__all__ = ["BuildResult", "BuildSummary", "apply_manifest", "build", "input_files", "parse_one", "plan_tasks"]

CHUNK_REPORTS = 500  # reports per written chunk (Parquet row group); fixed, so the bytes never depend on the run
BATCH_FILES = 8  # files per task sent to a worker
PARSE_TABLES = ("reports", "table2", "table3", "table4", "parse_issues")
SHOWN = 30  # reports named per list in the summary; the rest are counted
BUILD_RECORD = ".gongkai-build.json"  # the inputs' fingerprint and the summary of the build that wrote a folder


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


@dataclass
class BuildSummary:
    """What the terminal summary says, gathered chunk by chunk."""

    n_reports: int = 0
    status: Counter = field(default_factory=Counter)
    format: Counter = field(default_factory=Counter)
    layout: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # failed evaluations by severity
    not_assessable: int = 0
    unresolved_issuers: dict[str, None] = field(default_factory=dict)
    not_ok: list[tuple[str, str, str]] = field(default_factory=list)  # (status, report_id, message)
    n_not_ok: int = 0
    no_issuer: list[str] = field(default_factory=list)
    n_no_issuer: int = 0
    no_year: list[str] = field(default_factory=list)
    n_no_year: int = 0
    cache_hits: int = 0
    n_corrected: int = 0  # cells corrected by corrections.csv
    reviews: Counter = field(default_factory=Counter)  # findings by verdict ("" unreviewed)
    judgement_lines: list[str] = field(default_factory=list)
    manifest_lines: list[str] = field(default_factory=list)  # manifest problems that name no file of the batch

    def add_parse_chunk(self, tables: Mapping[str, pd.DataFrame]) -> None:
        reports, issues = tables["reports"], tables["parse_issues"]
        self.n_reports += len(reports)
        for col in ("status", "format", "layout"):
            getattr(self, col).update(reports[col].fillna("—").tolist())
        self.severities.update(issues["severity"].tolist())
        self.n_corrected += sum(
            int((tables[t]["cell_status"] == CORRECTED).sum()) for t in ("table2", "table3", "table4")
        )
        unresolved = reports[reports["division_code"].isna() & reports["issuer"].notna()]["issuer"]
        self.unresolved_issuers.update(dict.fromkeys(unresolved.tolist()))
        bad = reports[reports["status"] != "ok"]
        self.n_not_ok += len(bad)
        room = SHOWN - len(self.not_ok)
        self.not_ok += list(zip(bad["status"], bad["report_id"], bad["message"].fillna(""), strict=True))[:room]
        for attr, col in (("no_issuer", "issuer"), ("no_year", "year")):
            ids = reports.loc[reports[col].isna(), "report_id"].tolist()
            setattr(self, f"n_{attr}", getattr(self, f"n_{attr}") + len(ids))
            getattr(self, attr).extend(ids[: SHOWN - len(getattr(self, attr))])

    def add_findings(self, findings: pd.DataFrame) -> None:
        self.failures.update(findings.loc[findings["status"] == "fail", "severity"].tolist())
        self.not_assessable += int((findings["status"] == "not_assessable").sum())
        self.reviews.update(findings["review"].fillna("").tolist())

    def judgements(self, stale: pd.DataFrame, issues: pd.DataFrame) -> None:
        """The summary lines of :func:`gongkai.review.summary_lines`, from the counts gathered."""
        verdicts = [v or None for v, n in sorted(self.reviews.items()) for _ in range(n)]
        tables = {
            "findings": pd.DataFrame({"review": pd.array(verdicts, dtype="string")}),
            "table3": pd.DataFrame({"cell_status": [CORRECTED] * self.n_corrected}),
            "stale_reviews": stale,
            "review_issues": issues,
        }
        self.judgement_lines = summary_lines(tables)

    def to_json(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # Counters are dicts

    @classmethod
    def from_json(cls, data: dict[str, object]) -> BuildSummary:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        out = cls(**{k: v for k, v in data.items() if k in fields})
        for name in ("status", "format", "layout", "severities", "failures", "reviews"):
            setattr(out, name, Counter(getattr(out, name)))
        out.not_ok = [tuple(x) for x in out.not_ok]  # type: ignore[misc]
        return out


class WrittenTables(Mapping[str, pd.DataFrame]):
    """The tables of a finished build, read from its Parquet files when asked for."""

    def __init__(self, out_dir: Path, names: list[str]) -> None:
        self.out_dir, self.names = out_dir, names

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        df = pd.read_parquet(self.out_dir / f"{name}.parquet")
        # keys are stored as dictionaries (categoricals); handed back as the text the build made them from
        return df.astype({c: "string" for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class BuildResult:
    out_dir: Path
    summary: BuildSummary
    written: list[Path] = field(default_factory=list)
    up_to_date: bool = False  # nothing had changed since the build that wrote the folder: nothing was written
    held: dict[str, pd.DataFrame] | None = None  # the tables, when the build wrote no folder (``out_dir=None``)

    @property
    def manifest_problems(self) -> list[str]:
        """The manifest's problems that name no file of the batch (those that do are in its parse issues)."""
        return self.summary.manifest_lines

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        if self.held is not None:
            return self.held
        names = list(dict.fromkeys(p.stem for p in self.written if p.suffix == ".parquet"))
        return WrittenTables(self.out_dir, names)


def plan_tasks(raw_dir: Path, manifest: pd.DataFrame, corrections: list[Correction] | None = None) -> list[FileTask]:
    """One task per input file, with its manifest row and its corrections."""
    wanted: dict[str, list[Correction]] = {}
    for c in corrections or []:
        wanted.setdefault(c.report_id, []).append(c)
    tasks = []
    files = input_files(raw_dir)
    for path, (report_id, name_note) in zip(files, report_ids(files, raw_dir), strict=True):
        entry: tuple[tuple[str, str], ...] = ()
        if report_id in manifest.index:
            row = manifest.loc[report_id]
            if isinstance(row, pd.DataFrame):  # a file listed twice: its first row
                row = row.iloc[0]
            entry = tuple((str(k), str(v)) for k, v in row.items())
        tasks.append(FileTask(str(path), report_id, entry, tuple(wanted.get(report_id, ())), name_note))
    return tasks


def _batches(tasks: list[FileTask]) -> Iterator[list[FileTask]]:
    for i in range(0, len(tasks), BATCH_FILES):
        yield tasks[i : i + BATCH_FILES]


def _computed(tasks: list[FileTask], jobs: int, scheduler: str | None) -> Iterator[bytes]:
    """The packed units of ``tasks``, in order, from the chosen executor."""
    if scheduler:
        stream = run_dask(_batches(tasks), scheduler)
    elif jobs > 1 and len(tasks) > BATCH_FILES:
        stream = run_local(_batches(tasks), jobs)
    else:
        stream = run_here(_batches(tasks))
    for blobs in stream:
        yield from blobs


def _sha256(path: str) -> str:
    try:
        return file_sha256(Path(path))
    except OSError:
        return ""  # unreadable: never a cache hit, and the parse records why


class _SeriesView(Mapping[int, tuple[str, ReportGrids]]):
    """The reports of one series by year, as ``Subject.series`` reads them, unpacked when asked for."""

    def __init__(self, years: dict[int, int], other: Callable[[int], tuple[str, ReportGrids]]) -> None:
        self.years, self.other = years, other

    def __getitem__(self, year: int) -> tuple[str, ReportGrids]:
        return self.other(self.years[year])

    def __iter__(self) -> Iterator[int]:
        return iter(self.years)

    def __len__(self) -> int:
        return len(self.years)


class _Waiting:
    """Units that wait for the series, on disk in the order of the files: (place, packed unit)."""

    def __init__(self, folder: Path) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        self.unsplit: list[int] = []  # the places of the reports that left a run unsplit

    def add(self, place: int, blob: bytes, unsplit: bool) -> None:
        pickle.dump((place, blob), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        if unsplit:
            self.unsplit.append(place)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def _with_previous(
    tasks: list[FileTask],
    keys: list[str],
    shas: list[str],
    before: Mapping[int, int],
    cache: ParseCache,
    jobs: int,
    scheduler: str | None,
) -> dict[int, bytes]:
    """The units of the files at the places of ``before`` parsed again with the report at the place it
    maps them to (the year before in their series) as evidence; from the cache where it has them."""
    redo = {k: dataclasses.replace(tasks[k], previous=tasks[b]) for k, b in before.items()}
    redo_keys = {k: cache.key(t, shas[k], keys[before[k]]) for k, t in redo.items()}
    blobs = {k: cache.get(key) for k, key in redo_keys.items()}
    todo = [k for k, blob in blobs.items() if blob is None]
    for k, blob in zip(todo, _computed([redo[k] for k in todo], jobs, scheduler), strict=True):
        cache.put(redo_keys[k], blob)
        blobs[k] = blob
    return blobs  # type: ignore[return-value]


def _kept(first: FileUnit, again: FileUnit, previous_id: str) -> FileUnit:
    """The parse with the previous report, unless that one failed where the first did not (a defect, a
    worker lost): then the first, with a warning that says so."""
    if again.report.status != "failed" or first.report.status == "failed":
        return again
    errors = (i.message for i in again.report.issues if i.severity == "error" and i.section == "file")
    why = next(errors, "no table read")
    message = f"parsing again with the previous report {previous_id} failed ({why}): the first parse is kept"
    first.report.issues.append(ParseIssue("warning", "file", message))
    return first


class _Builder:
    """The two passes of a build into one staging folder."""

    def __init__(
        self, stage: Path, manifest: pd.DataFrame, cache: ParseCache, judgements: Judgements, bar: tqdm
    ) -> None:
        self.bar = bar
        self.stage = stage
        self.judgements = judgements
        self.matched: set[int] = set()  # reviews.csv lines that met their finding
        self.manifest = manifest
        flat = manifest.reset_index() if len(manifest) else None
        self.regions = RegionMemo(
            cache.folder, cache.version, overrides_from_manifest(flat) if flat is not None else {}
        )
        self.series_overrides = manifest_overrides(flat)
        self.sink = TableSink(stage)
        self.summary = BuildSummary()
        self.heads: list[Report] = []  # each report's id, file, title, issuer and year: what series are made of
        self._series: SeriesAssignment | None = None
        self.grids: list[bytes] = []  # each report's packed grids, for the cross-year rules
        self.spool: IO[bytes] = tempfile.TemporaryFile(dir=stage)  # noqa: SIM115 - closed in finish()
        self.chunk: list[FileUnit] = []
        self.waiting: _Waiting | None = None  # the units from the first report that left a run unsplit on

    def take(self, place: int, blob: bytes, unit: FileUnit) -> None:
        """The next file's unit (``blob`` packed): its head is noted; it is written, or waits for the series."""
        self.add_head(unit.report)
        unsplit = left_unsplit(unit.report)
        if self.waiting is None and unsplit:
            self.waiting = _Waiting(self.stage)
        if self.waiting is None:
            self.add(unit)
        else:
            self.waiting.add(place, blob, unsplit)

    def add(self, unit: FileUnit) -> None:
        """A unit to write, in the order of the files; a full chunk is written."""
        self.chunk.append(unit)
        if len(self.chunk) == CHUNK_REPORTS:
            self.bar.set_description("parsing + tables")
            self.parse_chunk(self.chunk)
            self.chunk = []

    def flush(self) -> None:
        """Write the last chunk (an empty one for an empty batch, so that every table exists)."""
        if self.chunk or not self.heads:
            self.parse_chunk(self.chunk)
        self.chunk = []

    def parse_chunk(self, units: list[FileUnit]) -> None:
        """Write one chunk's cell tables and single-report findings; spool its reports rows and series entries.

        The reports table waits for the series ids, which are assigned over the whole batch.
        """
        reports = [u.report for u in units]
        tables = all_tables(reports)
        regions = self.regions.columns(reports)
        base = tables["reports"].set_index("report_id", drop=False)
        tables["reports"] = base.join(regions).reset_index(drop=True)
        for name in PARSE_TABLES:
            if name != "reports":
                self.sink.append(name, tables[name])
        for u in units:
            self.judgements.issues += u.problems
        findings = self.reviewed(Collector(findings=[f for u in units for f in u.audit.findings]).frames()[0], reports)
        self.sink.append("findings", findings)
        self.summary.add_parse_chunk(tables)
        self.summary.add_findings(findings)
        entries = []
        for u in units:
            r = u.report
            self.grids.append(u.audit.grids)
            entries.append((r.report_id, r.year, u.audit.counts, u.audit.judged))
        pickle.dump((tables["reports"], entries), self.spool, protocol=pickle.HIGHEST_PROTOCOL)

    def add_head(self, r: Report) -> None:
        """Note a report's series head, in the order of the files (every report, before its chunk is written)."""
        self.heads.append(Report(r.report_id, r.source_file, "", title=r.title, issuer=r.issuer, year=r.year))

    def series(self) -> SeriesAssignment:
        """The series over the whole batch (once every head is in)."""
        if self._series is None:
            self._series = assign_series(self.heads, self.series_overrides)
        return self._series

    def by_series(self) -> dict[str, dict[int, int]]:
        """Series → year → the first report of that year (its place among the heads)."""
        out: dict[str, dict[int, int]] = {}
        for k, (head, sid) in enumerate(zip(self.heads, self.series().ids, strict=True)):
            if sid is not None and head.year is not None:
                out.setdefault(sid, {}).setdefault(int(head.year), k)
        return out

    def previous_reports(self, places: Sequence[int]) -> dict[int, int]:
        """For the reports at ``places``: the place of their series' report of the year before, where there is one."""
        sids, by_series = self.series().ids, self.by_series()
        out = {}
        for k in places:
            sid, year = sids[k], self.heads[k].year
            if sid is not None and year is not None and (before := by_series[sid].get(int(year) - 1)) is not None:
                out[k] = before
        return out

    def reviewed(self, findings: pd.DataFrame, reports: list) -> pd.DataFrame:
        """The findings with the verdicts of reviews.csv; remembers which reviews met their finding."""
        ids = [r if isinstance(r, str) else r.report_id for r in reports]
        out, stale = attach_reviews(findings, self.judgements.reviews, ids)
        self.matched |= {r.line for r in self.judgements.reviews} - set(stale["line"].dropna().astype(int))
        return out

    def judgement_tables(self, report_ids: list[str]) -> None:
        """``stale_reviews`` (verdicts that met no finding in any chunk) and ``review_issues``."""
        unmatched = [r for r in self.judgements.reviews if r.line not in self.matched]
        _, stale = attach_reviews(Collector().frames()[0], unmatched, report_ids)
        issues = issues_frame(self.judgements.issues)
        self.sink.append("stale_reviews", stale)
        self.sink.append("review_issues", issues)
        self.summary.judgements(stale, issues)

    def cross_year_pass(self) -> None:
        """Series over the whole batch; then, chunk by chunk, the reports table, the series rules, claims, checks."""
        assignment = self.series()
        sids = assignment.ids
        by_series = self.by_series()
        links = Collector()
        record_links(assignment.links, links)
        link_findings = self.reviewed(links.frames()[0], [])
        self.sink.append("findings", link_findings)
        self.summary.add_findings(link_findings)
        heads, grids = self.heads, self.grids

        @lru_cache(maxsize=4096)
        def other(k: int) -> tuple[str, ReportGrids]:
            return heads[k].report_id, unpack_grids(grids[k])

        self.spool.seek(0)
        self.bar.set_description("cross-year audit")
        k = 0
        while True:
            try:
                reports, entries = pickle.load(self.spool)
            except EOFError:
                break
            chunk_sids = sids[k : k + len(entries)]
            reports["series_id"] = pd.array(chunk_sids, dtype="string")
            self.sink.append("reports", reports)
            out = Collector()
            for (rid, year, counts, judged), sid in zip(entries, chunk_sids, strict=True):
                out.start(rid)
                for rule, c in counts.items():
                    out.counts[(rid, rule)] = c
                for (link_rid, rule), c in links.counts.items():
                    if link_rid == rid:
                        kept = out.counts[(rid, rule)]
                        for i in range(3):
                            kept[i] += c[i]
                series = _SeriesView(by_series.get(sid, {}) if sid is not None else {}, other)
                subject = Subject(rid, None if year is None else int(year), unpack_grids(grids[k]), sid, series)
                cross_year(subject, judged, out)
                k += 1
            findings, claims, checks = out.frames()
            findings = self.reviewed(findings, [e[0] for e in entries])
            self.sink.append("findings", findings)
            self.sink.append("claims", claims)
            self.sink.append("checks", checks)
            self.summary.add_findings(findings)
            self.bar.update(len(entries))

    def finish(self) -> list[Path]:
        self.spool.close()
        if self.waiting is not None:
            self.waiting.close()
        self.regions.save()
        return self.sink.close()


def _note_file_problems(report: Report, task: FileTask, problems: Sequence[ManifestProblem]) -> None:
    """What the batch knows of a file beyond its bytes: a name that had to be decoded, its manifest lines' problems."""
    if task.name_note:
        report.issues.insert(0, ParseIssue("warning", "file", task.name_note))
    report.issues += [ParseIssue(p.severity, "file", str(p)) for p in problems]


def _fingerprint(raw_dir: Path, tasks: list[FileTask], keys: list[str], version: str) -> str:
    """What a build's output depends on: every file's cache key (its bytes, id, manifest row, the code
    version), in order, the whole manifest (series and region overrides are read from all of it) and the
    researcher's corrections.csv and reviews.csv."""
    h = hashlib.sha256(f"{version}\0{raw_dir.as_posix()}".encode())  # source_file is written as RAW_DIR/id
    for name in (MANIFEST_NAME, *JUDGEMENT_FILES):
        path = raw_dir / name
        h.update(path.read_bytes() if path.is_file() else b"\0")
    for task, key in zip(tasks, keys, strict=True):
        h.update(f"\0{task.report_id}\0{key}".encode())
    return h.hexdigest()


def _up_to_date(out_dir: Path, fingerprint: str) -> BuildResult | None:
    """The result of the build that wrote ``out_dir``, when it was made from exactly these inputs."""
    final = out_dir.absolute()
    with folder_lock(final.resolve() if final.exists() else final):
        try:
            record = json.loads((final / BUILD_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("fingerprint") != fingerprint:
            return None
        written = [final / name for name in record.get("outputs", [])]
        if not written or not all(p.is_file() for p in written):
            return None
        summary = BuildSummary.from_json(record["summary"])
    summary.cache_hits = summary.n_reports
    return BuildResult(final, summary, written, up_to_date=True)


def build(
    raw_dir: Path,
    out_dir: Path | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    cache_dir: Path | bool | None = True,
    progress: bool = True,
) -> BuildResult:
    """Parse and audit every file under ``raw_dir``; write the tables to ``out_dir``, whole or not at all.

    ``out_dir=None``: no folder is written and the result holds the tables (for small batches).
    ``jobs``: worker processes (default: the machine's cores); ``scheduler``: the address of a Dask
    scheduler to send the per-file work to instead; ``cache_dir``: the parse cache (``True``: the
    default beside ``out_dir``, ``None``/``False``: none).
    """
    if out_dir is None:  # the tables in memory: built in a temporary folder, read back, the folder removed
        with tempfile.TemporaryDirectory(prefix="gongkai-build-") as tmp:
            result = build(
                raw_dir, Path(tmp) / "out", jobs=jobs, scheduler=scheduler, cache_dir=None, progress=progress
            )
            held = {name: df for name, df in result.tables.items()}
        return BuildResult(result.out_dir, result.summary, [], held=held)
    jobs = jobs or os.cpu_count() or 1
    if cache_dir is True:
        cache_dir = default_cache_dir(out_dir)
    cache = ParseCache(cache_dir or None)
    manifest, manifest_problems = load_manifest(raw_dir)
    judgements = Judgements.read(raw_dir)  # the researcher's corrections (in each file's work) and verdicts
    tasks = plan_tasks(raw_dir, manifest, judgements.corrections)
    known = {t.report_id for t in tasks}
    problems_of: dict[str, list[ManifestProblem]] = {}  # manifest problems recorded on the report of their file
    unplaced = []
    for problem in manifest_problems:
        if problem.file in known:
            problems_of.setdefault(problem.file, []).append(problem)
        else:
            unplaced.append(str(problem))
    judgements.issues += apply_corrections([], [c for c in judgements.corrections if c.report_id not in known])[1]
    shas = [_sha256(t.path) for t in tasks]
    keys = [cache.key(t, sha) for t, sha in zip(tasks, shas, strict=True)]
    fingerprint = _fingerprint(raw_dir, tasks, keys, cache.version)
    if cache.folder is not None:
        done = _up_to_date(out_dir, fingerprint)
        if done is not None:
            return done
    with staged_folder(out_dir) as stage:
        cached = [cache.has(k) for k in keys]
        computed = _computed([t for t, hit in zip(tasks, cached, strict=True) if not hit], jobs, scheduler)
        n = len(tasks)
        with tqdm(total=2 * n, desc="parsing", unit="file", delay=1.0, disable=not progress) as bar:
            builder = _Builder(stage, manifest, cache, judgements, bar)
            builder.summary.manifest_lines = unplaced

            def placed(blob: bytes, task: FileTask) -> FileUnit:
                """A file's unit as the batch places it: its file under RAW_DIR, what the batch knows of it."""
                unit = unpack_unit(blob)
                unit.report.source_file = (raw_dir / task.report_id).as_posix()
                _note_file_problems(unit.report, task, problems_of.get(task.report_id, ()))
                return unit

            try:
                for k, (task, key, hit) in enumerate(zip(tasks, keys, cached, strict=True)):
                    blob = cache.get(key) if hit else next(computed)
                    if blob is None:  # the entry vanished since it was seen
                        blob = process_batch([task])[0]
                    if hit:
                        builder.summary.cache_hits += 1
                    else:
                        cache.put(key, blob)
                    builder.take(k, blob, placed(blob, task))
                    bar.update(1)
                if builder.waiting is not None:  # the series are known: settle what the year before can
                    bar.set_description("previous reports")
                    before = builder.previous_reports(builder.waiting.unsplit)
                    redone = _with_previous(tasks, keys, shas, before, cache, jobs, scheduler)
                    for k, blob in builder.waiting:
                        unit = placed(blob, tasks[k])
                        if k in redone:
                            unit = _kept(unit, placed(redone[k], tasks[k]), tasks[before[k]].report_id)
                        builder.add(unit)
                builder.flush()
                builder.cross_year_pass()
                builder.judgement_tables([t.report_id for t in tasks])
            finally:
                written = builder.finish()
        written += write_package(stage)  # datapackage.json, data dictionary, SQLite, from the written tables
        record = {
            "fingerprint": fingerprint,
            "outputs": [p.name for p in written],
            "summary": {**builder.summary.to_json(), "cache_hits": 0},  # how this run went is not part of it
        }
        (stage / BUILD_RECORD).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    final = out_dir.absolute()
    return BuildResult(final, builder.summary, [final / p.name for p in written])
