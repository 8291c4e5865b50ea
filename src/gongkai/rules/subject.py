"""What a rule is evaluated on: one report's grids, and the other years of its series."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gongkai.rules.grids import ReportGrids


@dataclass(frozen=True)
class Subject:
    """One audited report: its id, year and grids, and the reports of the same series by year.

    Every report-level rule is ``rule(subject, out)``; every claim judge is
    ``judge(subject, judged, out) -> Verdict``.
    """

    report_id: str
    year: int | None
    grids: ReportGrids
    series_id: str | None = None
    series: Mapping[int, tuple[str, ReportGrids]] = field(default_factory=dict)  # year -> (report_id, grids)

    def year_before(self) -> int | None:
        return None if self.year is None else self.year - 1

    def other_year(self, year: int | None) -> tuple[str, ReportGrids] | None:
        """(report_id, grids) of the series' report of ``year``, if in the corpus."""
        return None if year is None else self.series.get(year)
