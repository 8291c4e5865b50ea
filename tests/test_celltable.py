"""Tables held as records: the DataFrame, the grid and the batch tables equal those built from frames."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gongkai import read_report
from gongkai.celltable import CellTable, batch_frame
from gongkai.dataset.tables import all_tables
from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS, Report
from gongkai.rules import audit_all
from gongkai.rules.gridbatch import report_grids
from gongkai.rules.grids import build_grid

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))
COLUMNS = {2: TABLE2_COLUMNS, 3: TABLE3_COLUMNS, 4: TABLE4_COLUMNS}


@pytest.fixture(scope="module")
def seeds() -> list[Report]:
    return [read_report(p, report_id=p.name) for p in SEEDS]


def _materialised(report: Report) -> Report:
    """A copy of the report whose tables are DataFrames (the records dropped)."""
    out = copy.copy(report)
    for n in (2, 3, 4):
        setattr(out, f"table{n}", report.cells(n).frame())
    return out


def test_parsed_tables_are_records_until_read(seeds: list[Report]) -> None:
    report = copy.copy(seeds[0])
    assert isinstance(report.cells(3), CellTable)
    frame = report.table3
    assert report.cells(3) is None  # from now on the frame is the truth
    assert report.table3 is frame
    assert list(frame.columns) == TABLE3_COLUMNS


@pytest.mark.parametrize("table", [2, 3, 4])
def test_grid_from_records_equals_grid_from_frame(seeds: list[Report], table: int) -> None:
    for report in seeds:
        cells = report.cells(table)
        assert cells is not None
        a, b = report_grids(report).grid(table), build_grid(cells.frame(), table)
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


def test_an_edited_frame_is_what_the_audit_sees(seeds: list[Report]) -> None:
    report = copy.copy(seeds[0])
    t3 = report.table3
    hit = (t3["row"] == "new_received") & (t3["applicant"] == "natural_person")
    t3.loc[hit, "value"] = t3.loc[hit, "value"] + 10
    findings = audit_all([report]).findings
    failed = findings[(findings["status"] == "fail") & (findings["rule"].str.startswith("t3."))]
    assert not failed.empty
    assert audit_all([seeds[0]]).findings.query("status == 'fail'").empty


def test_batch_tables_equal_the_concatenated_report_frames(seeds: list[Report]) -> None:
    mixed = [seeds[0], _materialised(seeds[1]), *seeds[2:]]  # records, a frame, then records again
    batch = all_tables(list(seeds))
    assert all_tables(mixed).keys() == batch.keys()
    for name in ("table2", "table3", "table4"):
        pd.testing.assert_frame_equal(all_tables(mixed)[name], batch[name])
        frames = [r.cells(int(name[-1])).frame().assign(report_id=r.report_id) for r in seeds]
        expected = pd.concat(frames, ignore_index=True)[batch[name].columns]
        assert batch[name]["value"].tolist() == expected["value"].tolist()
        assert batch[name]["raw"].tolist() == expected["raw"].tolist()
        assert batch[name]["source_line"].tolist() == expected["source_line"].tolist()


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
