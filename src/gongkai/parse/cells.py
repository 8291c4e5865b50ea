"""Turn aligned slots into the rows of a table frame: value, raw, status, source line."""

from __future__ import annotations

from gongkai.celltable import MISSING, CellRecord
from gongkai.parse.align import Slot
from gongkai.parse.values import read_value
from gongkai.report import ParseIssue

# Counts beyond this cannot be stored exactly (float64 / int64): a number this large is a garbled cell.
MAX_COUNT = 2**53


def record(slot: Slot | None, *, integer: bool, section: str, where: str, issues: list[ParseIssue]) -> CellRecord:
    """Read one aligned slot; decimals in a count table become text cells with an error."""
    if slot is None:
        return MISSING
    raw = slot.cell.text.strip()
    v = read_value(raw)
    line, ref = slot.cell.line, slot.cell.ref
    if v.status != "number":
        return CellRecord(None, raw, v.status, line, ref)
    if integer and v.decimal:
        issues.append(ParseIssue("error", section, f"{where}: {raw!r} is not a whole number", line))
        return CellRecord(None, raw, "text", line, ref)
    if abs(v.value) >= MAX_COUNT:
        issues.append(ParseIssue("error", section, f"{where}: {raw!r} is too large to be a count", line))
        return CellRecord(None, raw, "text", line, ref)
    if v.grouped:
        issues.append(ParseIssue("info", section, f"{where}: thousands separators in {raw!r}", line))
    return CellRecord(v.value, raw, "number", line, ref)
