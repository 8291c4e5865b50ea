"""Tables held as records, the only truth: the DataFrame is a view, frames assigned become records."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gongkai import read_report
from gongkai.celltable import CellTable, batch_frame, cell_table
from gongkai.dataset.tables import all_tables
from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS, Report
from gongkai.rules import audit_all
from gongkai.rules.gridbatch import report_grids

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))
COLUMNS = {2: TABLE2_COLUMNS, 3: TABLE3_COLUMNS, 4: TABLE4_COLUMNS}


@pytest.fixture(scope="module")
def seeds() -> list[Report]:
    return [read_report(p, report_id=p.name) for p in SEEDS]


def _materialised(report: Report) -> Report:
    """A copy of the report whose tables were assigned as DataFrames (turned back into records)."""
    out = copy.copy(report)
    for n in (2, 3, 4):
        setattr(out, f"table{n}", report.cells(n).frame())
    return out


def test_parsed_tables_stay_records_when_read(seeds: list[Report]) -> None:
    report = copy.copy(seeds[0])
    cells = report.cells(3)
    assert isinstance(cells, CellTable)
    frame = report.table3
    assert report.cells(3) is cells  # reading the frame changes nothing: the records stay the truth
    assert report.table3 is not frame  # every read is a fresh view
    assert list(frame.columns) == TABLE3_COLUMNS


@pytest.mark.parametrize("table", [2, 3, 4])
def test_a_frame_turned_into_records_gives_the_same_grid(seeds: list[Report], table: int) -> None:
    for report in seeds:
        cells = report.cells(table)
        assert cells is not None
        again = cell_table(cells.frame())
        assert again.records == cells.records
        assert again.template is cells.template  # equal keys: the same template
        a, b = report_grids(report).grid(table), report_grids(_materialised(report)).grid(table)
        np.testing.assert_array_equal(a.status, b.status)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.pos, b.pos)
        for i, j in zip(*np.nonzero(a.pos >= 0), strict=True):
            row, col = a.axes.rows[i], a.axes.cols[j]
            assert a.describe(row, col) == b.describe(row, col)


def test_audit_is_the_same_from_records_and_from_frames(seeds: list[Report]) -> None:
    from_records = audit_all(seeds)
    from_frames = audit_all([_materialised(r) for r in seeds])
    for name in ("findings", "claims", "checks"):
        pd.testing.assert_frame_equal(getattr(from_records, name), getattr(from_frames, name))


def test_editing_a_frame_does_not_change_the_truth(seeds: list[Report]) -> None:
    report = copy.copy(seeds[0])
    t3 = report.table3
    hit = (t3["row"] == "new_received") & (t3["applicant"] == "natural_person")
    before = t3.loc[hit, "value"].iloc[0]
    t3.loc[hit, "value"] = before + 10
    assert report.table3.loc[hit, "value"].iloc[0] == before
    assert audit_all([report]).findings.query("status == 'fail'").empty

    assert all_tables([report])["table3"].loc[hit.to_numpy(), "value"].iloc[0] == before


def test_an_assigned_frame_becomes_the_truth(seeds: list[Report]) -> None:
    report = copy.copy(seeds[0])
    t3 = report.table3
    hit = (t3["row"] == "new_received") & (t3["applicant"] == "natural_person")
    t3.loc[hit, "value"] = t3.loc[hit, "value"] + 10
    report.table3 = t3
    failed = audit_all([report]).findings.query("status == 'fail' and rule.str.startswith('t3.')")
    assert not failed.empty
    t3.loc[hit, "value"] = 0  # the table holds a copy: later edits of the assigned frame do not reach it
    assert report.table3.loc[hit, "value"].iloc[0] != 0


def test_batch_tables_equal_the_concatenated_report_frames(seeds: list[Report]) -> None:
    mixed = [seeds[0], _materialised(seeds[1]), *seeds[2:]]  # records, a frame, then records again
    batch = all_tables(list(seeds))
    assert all_tables(mixed).keys() == batch.keys()
    assert all(len({r.cells(n).template for r in seeds}) == 2 for n in (2, 3))  # both formats in one batch
    for name in ("table2", "table3", "table4"):
        pd.testing.assert_frame_equal(all_tables(mixed)[name], batch[name])
        frames = [r.cells(int(name[-1])).frame().assign(report_id=r.report_id) for r in seeds]
        expected = pd.concat(frames, ignore_index=True)[batch[name].columns]
        for column in batch[name].columns:  # report ids and keys (made by Arrow) as much as the cell columns
            pd.testing.assert_series_equal(batch[name][column], expected[column], check_dtype=False)


def test_batch_frame_rejects_tables_of_another_shape(seeds: list[Report]) -> None:
    with pytest.raises(ValueError, match="key columns"):
        batch_frame([("a", seeds[0].cells(3)), ("b", seeds[0].cells(4))])


def test_a_table_needs_a_record_per_template_cell(seeds: list[Report]) -> None:
    cells = seeds[0].cells(4)
    with pytest.raises(ValueError, match="records"):
        CellTable(cells.template, cells.records[:-1])


def test_a_report_without_tables_reads_as_empty_frames() -> None:
    report = Report("x", "x.txt", "")
    for n, columns in COLUMNS.items():
        assert report.cells(n) is None
        assert getattr(report, f"table{n}").empty
        assert list(getattr(report, f"table{n}").columns) == columns
    assert report.status == "failed"
