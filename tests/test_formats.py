"""The format rules as data (templates/formats.csv, format_marks.csv), one evaluator per kind of input."""

from __future__ import annotations

from gongkai import read_report
from gongkai.rules.gridbatch import report_grids
from gongkai.templates import format_for_year, format_years

from conftest import FIXTURES


def test_format_for_year_follows_formats_csv():
    spans = format_years()
    assert [f for f, _, _ in spans] == ["2019", "2021"]
    assert [format_for_year(y) for y in (2008, 2019, 2020, 2021, 2030)] == ["2019", "2019", "2019", "2021", "2021"]


def test_audit_reads_each_tables_format_from_its_cells_when_the_parse_gave_none():
    report = read_report(FIXTURES / "pdf_mixed_formats_004.pdf")
    report.format = report.format_table2 = report.format_table3 = None
    grids = report_grids(report)
    assert (grids.fmt, grids.table_format(2), grids.table_format(3)) == ("2019", "2021", "2019")


def test_a_report_in_one_format_has_it_for_both_tables():
    report = read_report(FIXTURES / "huaian_2024.pdf")
    grids = report_grids(report)
    assert (report.format, grids.table_format(2), grids.table_format(3), grids.table_format(4)) == ("2021",) * 4
