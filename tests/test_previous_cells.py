"""The previous report's cells that may settle a run-together cut of the next year (the ladder's last rung)."""

from pathlib import Path

from gongkai import read_report
from gongkai.celltable import CellRecord
from gongkai.parse.report import previous_cells

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def test_numbers_and_a_researchers_correction_are_evidence_but_not_a_text_cell():
    report = read_report(RAW / "jincheng_2024.txt")
    cells = report.cells(3)
    keys = dict(zip(cells.template.key_names, range(len(cells.template.key_names)), strict=True))
    order = ("row", "applicant") if keys["row"] < keys["applicant"] else ("applicant", "row")

    def at(row: str, col: str) -> tuple[str, str]:
        return (row, col) if order == ("row", "applicant") else (col, row)

    before = previous_cells(report)
    printed = cells.records[cells.position(at("carried_forward", "total"))]
    assert printed.cell_status == "number" and before[(3, "carried_forward", "total")] == printed.value
    corrected = cells.replace(at("carried_forward", "total"), CellRecord(99, "9", "corrected", 1, "line 1"))
    text = corrected.replace(at("carried_over", "total"), CellRecord(None, "x", "text", 1, "line 1"))
    report.table3 = text
    after = previous_cells(report)
    assert after[(3, "carried_forward", "total")] == 99  # the corrected value, not the printed one
    assert (3, "carried_over", "total") not in after  # words are never evidence
