"""``data/raw/manifest.csv``: what the collector knows about each raw file.

Only ``file`` (the path relative to the raw folder, with ``/``) is required; any of ``issuer``, ``year``,
``source``, ``sha256``, ``series_id`` (same body across years) and ``division_code`` (行政区划 code) may
be given, so ``file,series_id`` alone is a manifest. The manifest fills gaps; it never overwrites what
the report itself states, and disagreements are reported.

A bad manifest never stops a build. Each problem names its manifest line, and only what it concerns is
set aside: a line that cannot be read (unbalanced quote, wrong number of fields, no file name), a file
listed twice (the first line is kept), a year that is not one, an issuer given two division codes (its
codes are not used). An empty manifest, one without a ``file`` column, or one that is neither UTF-8 nor
GB18030 is ignored as a whole, saying why; a GB18030/GBK manifest is read, and noted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gongkai.report import ParseIssue, Report

MANIFEST_NAME = "manifest.csv"
KNOWN = ("file", "issuer", "year", "source", "sha256", "series_id", "division_code")
REQUIRED = ("file",)


@dataclass(frozen=True)
class ManifestProblem:
    """Something wrong in the manifest: its 1-based line (None: the whole file), what, and the file it names."""

    line: int | None
    message: str
    file: str | None = None
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"{MANIFEST_NAME} line {self.line}" if self.line else MANIFEST_NAME
        return f"{where}: {self.message}"


def read_manifest(raw_dir: Path) -> pd.DataFrame:
    """The usable rows of the manifest indexed by file (unique), or an empty frame; see :func:`load_manifest`."""
    return load_manifest(raw_dir)[0]


def load_manifest(raw_dir: Path) -> tuple[pd.DataFrame, list[ManifestProblem]]:
    """The manifest's usable rows indexed by file (one row per file, every column a string), and its problems."""
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return _empty(), []
    return load_manifest_file(path)


def load_manifest_file(path: Path) -> tuple[pd.DataFrame, list[ManifestProblem]]:
    """:func:`load_manifest` of a manifest at any path."""
    try:
        text, notes = _decode(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as exc:
        return _empty(), [ManifestProblem(None, f"not read ({exc}); the build goes on without it")]
    except OSError as exc:
        return _empty(), [ManifestProblem(None, f"cannot be opened ({exc}); the build goes on without it")]
    problems = [ManifestProblem(None, note, severity="info") for note in notes]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header, start = _header(lines)
    if header is None:
        return _empty(), [*problems, ManifestProblem(None, "has no header line; the build goes on without it")]
    header_line = start + 1
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return _empty(), [
            *problems,
            ManifestProblem(
                header_line,
                f"the header ({', '.join(header)}) lacks the column {', '.join(missing)}; the manifest is not used",
            ),
        ]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        return _empty(), [
            *problems,
            ManifestProblem(header_line, f"the header names {', '.join(doubled)} twice; the manifest is not used"),
        ]
    records: list[dict[str, str]] = []
    record_lines: list[int] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines[start + 1 :], start=header_line + 1):
        if not line.strip():
            continue
        fields, error = _fields(line)
        if error is None and len(fields) != len(header):
            error = f"{len(fields)} fields where the header has {len(header)}"
        file = (fields[0] if fields and header[0] == "file" else "").strip() or None
        if error is None:
            record = dict(zip(header, (f.strip() for f in fields), strict=True))
            file = record["file"] or None
            if file is None:
                error = "no file name"
            elif file in first_line:
                error = f"{file} is already listed on line {first_line[file]}"
        if error is not None:
            problems.append(ManifestProblem(number, f"{error}; this line is ignored", file))
            continue
        first_line[file] = number
        problems += _check_year(record, number)
        records.append(record)
        record_lines.append(number)
    problems += _contradicting_codes(records, record_lines)
    frame = pd.DataFrame(records, columns=list(header), dtype="object").astype(str) if records else None
    if frame is None:
        return pd.DataFrame(columns=list(header)).set_index("file"), problems
    return frame.set_index("file"), problems


def _decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (BOM or not), else strict GB18030 (a superset of GBK, what Excel saves on a Chinese system), noted."""
    if not data.strip():
        raise ValueError("the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ValueError(f"neither UTF-8 (bad byte at {utf8_error.start}) nor GB18030") from None
        return text, [f"decoded as GB18030/GBK: not valid UTF-8 (first bad byte at {utf8_error.start})"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["file"]).set_index("file")


def _header(lines: list[str]) -> tuple[list[str] | None, int]:
    """The column names (stripped) and the index of their line: the first non-blank line."""
    for i, line in enumerate(lines):
        if line.strip():
            fields, error = _fields(line)
            return (None, i) if error else ([f.strip() for f in fields], i)
    return None, len(lines)


def _fields(line: str) -> tuple[list[str], str | None]:
    """One CSV line's fields, or why it cannot be read. A quoted field never runs on to the next line."""
    try:
        return next(csv.reader([line], strict=True)), None
    except csv.Error as exc:
        reason = "an unbalanced quote" if "end of data" in str(exc) else f"malformed CSV ({exc})"
        return [line.split(",", 1)[0].strip('" ')], reason


def _check_year(record: dict[str, str], number: int) -> list[ManifestProblem]:
    """A year that is not four digits is blanked, so that it never fills or contradicts a report's year."""
    year = record.get("year", "")
    if year and not (len(year) == 4 and year.isascii() and year.isdigit()):
        record["year"] = ""
        return [ManifestProblem(number, f"year {year!r} is not a year; it is not used", record["file"])]
    return []


def _contradicting_codes(records: list[dict[str, str]], numbers: list[int]) -> list[ManifestProblem]:
    """An issuer given two division codes: neither can be trusted, so every code of that issuer is blanked."""
    if not records or "division_code" not in records[0] or "issuer" not in records[0]:
        return []
    codes: dict[str, dict[str, int]] = {}
    for record, number in zip(records, numbers, strict=True):
        if record["issuer"] and record["division_code"]:
            codes.setdefault(record["issuer"], {}).setdefault(record["division_code"], number)
    problems = []
    for record, number in zip(records, numbers, strict=True):
        seen = codes.get(record["issuer"], {})
        if len(seen) > 1 and record["division_code"]:
            others = ", ".join(f"{code} (line {n})" for code, n in seen.items() if code != record["division_code"])
            problems.append(
                ManifestProblem(
                    number,
                    f"division code {record['division_code']} for {record['issuer']} contradicts {others}; "
                    "no manifest code is used for this issuer",
                    record["file"],
                )
            )
            record["division_code"] = ""
    return problems


def attach_problems(reports: Iterable[Report], problems: Iterable[ManifestProblem]) -> list[ManifestProblem]:
    """Record each problem on the report of the file its line names; return those that name no file of the batch."""
    by_id = {r.report_id: r for r in reports}
    rest = []
    for problem in problems:
        report = by_id.get(problem.file) if problem.file else None
        if report is None:
            rest.append(problem)
        else:
            report.issues.append(ParseIssue(problem.severity, "file", str(problem)))
    return rest
