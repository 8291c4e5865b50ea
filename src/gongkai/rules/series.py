"""Which reports belong to the same issuer across years (a *series*), whatever the issuer is called.

An issuer name is normalised (Unicode NFKC, whitespace and brackets/quotes removed); when the
issuer is unknown it is taken from the title (the text before ``20xx年``). Over a batch of
reports (:func:`assign_series`), names are then linked by the division they resolve to
(``regions``) and their normalised body: ``洪泽区人民政府`` and ``淮安市洪泽区人民政府`` are one
series (code 320813, 人民政府), as are ``…管理委员会`` and ``…管委会``. An office
(``…人民政府办公室``, ``…管委会办公室``) joins its principal's series only when no year has
reports under both names (some offices publish their own report beside the government's).
Each link is recorded; two government-level names of one division that stay apart with no
year in common are reported as a series that may be broken, with the manifest fix. A
``series_id`` column in the manifest (matched on ``report_id`` or on the file name) always
wins, for renamed bodies or for two bodies that share a name (``城区人民政府``).

The series id is the normalised name of the series' earliest principal (non-office) name,
a trailing 办公室/办公厅 dropped (:func:`normalise_issuer`) unless the office stands apart
from its principal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from gongkai.report import Report
from gongkai.rules.results import Collector

_DROP = re.compile(r"[\s\u3000·•()（）【】\[\]“”\"'《》]")
_SUFFIX = re.compile(r"(?:办公室|办公厅)$")
_TITLE = re.compile(r"^(.*?)\s*(?:19|20)\d{2}\s*年")


def normalise_issuer(name: str) -> str:
    """The series key of an issuer name on its own: cleaned, a trailing 办公室/办公厅 dropped."""
    return _SUFFIX.sub("", clean_issuer(name))


def issuer_of(report: Report) -> str | None:
    """The issuer, or failing that the part of the title before the year."""
    if report.issuer and report.issuer.strip():
        return report.issuer
    if report.title:
        m = _TITLE.match(report.title.strip())
        if m and m.group(1).strip():
            return m.group(1)
    return None


def manifest_overrides(manifest: pd.DataFrame | str | Path | None) -> dict[str, str]:
    """``series_id`` by report_id and by file name, from a manifest with a ``series_id`` column."""
    if manifest is None:
        return {}
    df = manifest if isinstance(manifest, pd.DataFrame) else pd.read_csv(manifest, dtype=str)
    if "series_id" not in df.columns:
        return {}
    out: dict[str, str] = {}
    for _, r in df.iterrows():
        sid = r.get("series_id")
        if sid is None or pd.isna(sid) or not str(sid).strip():
            continue
        for col in ("report_id", "file"):
            key = r.get(col)
            if key is not None and not pd.isna(key) and str(key).strip():
                out[str(key).strip()] = str(sid).strip()
    return out


def series_id(report: Report, overrides: dict[str, str]) -> str | None:
    """The series a report belongs to on its own name (manifest override first); see :func:`assign_series`
    for the ids of a batch, where renamed bodies are linked."""
    override = _override(report, overrides)
    if override is not None:
        return override
    issuer = issuer_of(report)
    return normalise_issuer(issuer) if issuer else None


OFFICE = "办公室"
GOVERNMENT_KINDS = frozenset({"government", "government_office", "committee"})


def clean_issuer(name: str) -> str:
    """An issuer name in NFKC without whitespace, brackets or quotes (the office suffix kept)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", name))


def normalise_body(body: str) -> str:
    """One spelling per body: 管理委员会 → 管委会, 办公厅 → 办公室, 政府办 / 政府 → 人民政府办公室 / 人民政府."""
    b = body.replace("管理委员会", "管委会").replace("办公厅", OFFICE)
    if b.startswith("政府"):
        b = "人民" + b
    if b.endswith("政府办"):
        b += "公室"
    return b


@dataclass(frozen=True)
class IssuerName:
    """A cleaned issuer name, the division it resolves to and its normalised body."""

    name: str
    code: str | None
    body: str
    kind: str | None

    @property
    def key(self) -> tuple[str, str]:
        return ("division", f"{self.code}:{self.body}") if self.code else ("name", self.name)

    @property
    def principal_key(self) -> tuple[str, str] | None:
        """The key of the body this is the office of (人民政府办公室 → 人民政府), if it is one."""
        if self.code:
            body = self.body[: -len(OFFICE)] if self.body.endswith(OFFICE) else ""
            return ("division", f"{self.code}:{body}") if body else None
        base = _SUFFIX.sub("", self.name)
        return ("name", base) if base and base != self.name else None


@dataclass(frozen=True)
class SeriesLink:
    """A name joined to a series (``link``), or two names that may be one series but are not (``broken``)."""

    kind: str
    series_id: str
    issuer: str
    other: str
    division_code: str | None
    years: tuple[int, ...]
    other_years: tuple[int, ...]
    reason: str
    report_ids: tuple[str, ...]  # the reports published under ``issuer``
    files: tuple[str, ...]  # their source file names (for the manifest fix)

    def message(self) -> str:
        span = "/".join(str(y) for y in self.years) or "?"
        other_span = "/".join(str(y) for y in self.other_years) or "?"
        if self.kind == "link":
            return f"{self.issuer} ({span}) is one series with {self.other} ({other_span}): {self.reason}"
        fix = ", ".join(self.files) or ", ".join(self.report_ids)
        return (
            f"{self.issuer} ({span}) and {self.other} ({other_span}) are government-level issuers of division "
            f"{self.division_code} with no year in common, kept as two series; if they are one, set "
            f"series_id = {self.series_id} in manifest.csv for {fix}"
        )


@dataclass(frozen=True)
class SeriesAssignment:
    """The series id of each report (in order) and how names were linked."""

    ids: tuple[str | None, ...]
    links: tuple[SeriesLink, ...]


@lru_cache(maxsize=4096)
def _resolved(name: str, year: int | None) -> IssuerName:
    from gongkai.regions import explain_issuer  # loads the division dataset: only when names must be linked

    res = explain_issuer(name, year=year)
    if res.region is None or not res.body:
        return IssuerName(name, None, name, res.kind)
    return IssuerName(name, res.region.code, normalise_body(res.body), res.kind)


def assign_series(reports: Sequence[Report], overrides: dict[str, str]) -> SeriesAssignment:
    """Series ids of a batch of reports, names linked by division and body (see the module docstring)."""
    fixed: dict[int, str] = {}
    names: dict[int, str] = {}
    for k, r in enumerate(reports):
        override = _override(r, overrides)
        if override is not None:
            fixed[k] = override
        elif (issuer := issuer_of(r)) is not None and (name := clean_issuer(issuer)):
            names[k] = name
    years: dict[str, set[int]] = {}
    for k, name in names.items():
        years.setdefault(name, set())
        if reports[k].year is not None:
            years[name].add(int(reports[k].year))  # type: ignore[arg-type]
    if len(years) < 2:  # nothing to link: no need to resolve divisions
        ids = tuple(fixed.get(k) or (normalise_issuer(names[k]) if k in names else None) for k in range(len(reports)))
        return SeriesAssignment(ids, ())
    info = {n: _resolved(n, min(y) if y else None) for n, y in years.items()}
    groups: dict[tuple[str, str], list[str]] = {}
    for n in sorted(years, key=lambda n: (min(years[n], default=0), n)):
        groups.setdefault(info[n].key, []).append(n)

    def group_years(key: tuple[str, str]) -> set[int]:
        return set().union(*(years[n] for n in groups[key]))

    joined: dict[tuple[str, str], tuple[str, str]] = {}  # office group -> principal group
    apart: set[tuple[str, str]] = set()
    for key, members in groups.items():
        principal = info[members[0]].principal_key
        if principal is None or principal not in groups:
            continue
        if group_years(key) & group_years(principal):
            apart.add(key)
        else:
            joined[key] = principal
    series_of: dict[tuple[str, str], str] = {}
    for key, members in groups.items():
        if key in joined:
            continue
        series_of[key] = members[0] if key in apart else normalise_issuer(members[0])
    for key, principal in joined.items():
        series_of[key] = series_of[principal]

    links: list[SeriesLink] = []
    by_name_reports: dict[str, list[Report]] = {}
    for k, n in names.items():
        by_name_reports.setdefault(n, []).append(reports[k])

    def link(kind: str, sid: str, name: str, other: str, reason: str) -> SeriesLink:
        own = by_name_reports[name]
        return SeriesLink(
            kind,
            sid,
            name,
            other,
            info[name].code,
            tuple(sorted(years[name])),
            tuple(sorted(years[other])),
            reason,
            tuple(r.report_id for r in own),
            tuple(Path(r.source_file).name for r in own if r.source_file),
        )

    for key, members in groups.items():
        head = groups[joined[key]][0] if key in joined else members[0]
        for n in members if key in joined else members[1:]:
            i = info[n]
            reason = (
                f"{i.body} is the office of {info[head].body}, and no year has reports under both names"
                if key in joined
                else f"same division {i.code} and body {i.body}"
                if i.code
                else "same name"
            )
            links.append(link("link", series_of[key], n, head, reason))
    heads = [(key, members[0]) for key, members in groups.items() if key not in joined]
    by_division: dict[str, list[int]] = {}  # government-level heads by division: only these can be one series
    for h, (_, name) in enumerate(heads):
        if info[name].code and info[name].kind in GOVERNMENT_KINDS:
            by_division.setdefault(info[name].code, []).append(h)  # type: ignore[arg-type]
    pairs = sorted((a, b) for same in by_division.values() for x, a in enumerate(same) for b in same[x + 1 :])
    for a, b in pairs:
        (key_a, name_a), (key_b, name_b) = heads[a], heads[b]
        if not group_years(key_a) & group_years(key_b):
            links.append(link("broken", series_of[key_a], name_b, name_a, "two names, one division"))
    ids = tuple(fixed.get(k) or (series_of[info[names[k]].key] if k in names else None) for k in range(len(reports)))
    return SeriesAssignment(ids, tuple(links))


def series_links(reports: Iterable[Report], manifest: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The links between issuer names and the series that may be broken, as a table (one row each)."""
    found = assign_series(list(reports), manifest_overrides(manifest)).links
    columns = ["kind", "series_id", "issuer", "other", "division_code", "years", "other_years", "message"]
    rows = [
        (x.kind, x.series_id, x.issuer, x.other, x.division_code, list(x.years), list(x.other_years), x.message())
        for x in found
    ]
    return pd.DataFrame(rows, columns=columns)


def _override(report: Report, overrides: dict[str, str]) -> str | None:
    if overrides:
        for key in (report.report_id, Path(report.source_file).name if report.source_file else None):
            if key and key in overrides:
                return overrides[key]
    return None


def index_series(
    reports: Iterable[Report], overrides: dict[str, str], sids: Iterable[str | None] | None = None
) -> dict[tuple[str, int], Report]:
    """(series id, year) -> report; the first report wins when a year appears twice.

    ``sids``: the reports' series ids when already worked out (one per report, in order).
    """
    reports = list(reports)
    sids = [series_id(r, overrides) for r in reports] if sids is None else sids
    out: dict[tuple[str, int], Report] = {}
    for r, sid in zip(reports, sids, strict=True):
        if sid is not None and r.year is not None:
            out.setdefault((sid, int(r.year)), r)
    return out


def record_links(links: Iterable[SeriesLink], out: Collector) -> None:
    """Each link (``series.link``, info) and each broken series (``series.broken``) as a finding of ``out``."""
    for link in links:
        out.result(
            link.report_ids[0],
            f"series.{link.kind}",
            "fail",
            message=link.message(),
            evidence=f"reports of {link.issuer}: {', '.join(link.report_ids)}",
        )
