"""Turn aligned slots into the rows of a table frame: value, raw, status, source line."""

from __future__ import annotations

from typing import NamedTuple

from gongkai.parse.align import Slot
from gongkai.parse.values import read_value
from gongkai.report import ParseIssue


class CellRecord(NamedTuple):
    """One cell of a table frame. A named tuple: cheaper to create than a frozen dataclass, one per cell."""

    value: float | None
    raw: str
    cell_status: str
    source_line: int | None


MISSING = CellRecord(None, "", "missing", None)


def record(slot: Slot | None, *, integer: bool, section: str, where: str, issues: list[ParseIssue]) -> CellRecord:
    """Read one aligned slot; decimals in a count table become text cells with an error."""
    if slot is None:
        return MISSING
    raw = slot.cell.text.strip()
    v = read_value(raw)
    if v.status != "number":
        return CellRecord(None, raw, v.status, slot.cell.line)
    if integer and v.decimal:
        issues.append(ParseIssue("error", section, f"{where}: {raw!r} is not a whole number", slot.cell.line))
        return CellRecord(None, raw, "text", slot.cell.line)
    if v.grouped:
        issues.append(ParseIssue("info", section, f"{where}: thousands separators in {raw!r}", slot.cell.line))
    return CellRecord(v.value, raw, "number", slot.cell.line)
