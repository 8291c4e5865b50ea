"""Grids built for a whole batch are the grids built report by report, from parsed or assigned tables."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from gongkai import read_report
from gongkai.report import Report
from gongkai.rules.gridbatch import TABLES, batch_grids, report_grids
from gongkai.rules.sanity import numbers_present

from audit_factories import make_report, set_cell

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


@pytest.fixture(scope="module")
def mixed() -> list[Report]:
    """Seeds held as records, one of them as frames, and factory reports (frames) of both formats."""
    seeds = [read_report(p, report_id=p.name) for p in sorted(RAW.glob("*.txt"))]
    as_frames = copy.copy(seeds[1])
    for n in TABLES:
        setattr(as_frames, f"table{n}", seeds[1].cells(n).frame())
    broken = make_report(seed=3, fmt="2019")
    set_cell(broken, 3, "granted", "natural_person", value=None, status="dash")
    return [seeds[0], as_frames, *seeds[2:], make_report(seed=1, fmt="2021"), broken]


def test_batch_grids_equal_report_grids(mixed: list[Report]) -> None:
    batch = batch_grids(mixed)
    assert len(batch) == len(mixed)
    for k, report in enumerate(mixed):
        one = report_grids(report)
        assert batch.reports[k].fmt == one.fmt
        for n in TABLES:
            a, b = batch.reports[k].grid(n), one.grid(n)
            np.testing.assert_array_equal(a.values, b.values)
            np.testing.assert_array_equal(a.status, b.status)
            np.testing.assert_array_equal(a.pos, b.pos)
            np.testing.assert_array_equal(batch.values[n][k], b.values)
            for i, j in zip(*np.nonzero(b.pos >= 0), strict=True):
                row, col = b.axes.rows[i], b.axes.cols[j]
                assert a.describe(row, col) == b.describe(row, col)
                assert a.value(row, col) == b.value(row, col)


def test_a_dash_is_described_as_such_in_the_batch(mixed: list[Report]) -> None:
    grid = batch_grids(mixed).reports[-1].t3
    assert grid.value("granted", "natural_person") is None
    assert " dash line " in grid.describe("granted", "natural_person")


def test_numbers_present_per_table(mixed: list[Report]) -> None:
    empty = Report("empty", "empty.txt", "0")
    present = numbers_present(batch_grids([*mixed, empty]))
    assert present[-1] == (False, False, False)
    assert all(p[1] for p in present[:-1])
