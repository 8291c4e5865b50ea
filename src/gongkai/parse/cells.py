"""Turn aligned slots into the rows of a table frame: value, raw, status, source line."""

from __future__ import annotations

from functools import lru_cache, partial

from gongkai.celltable import MISSING, CellRecord
from gongkai.parse.align import Slot
from gongkai.parse.values import read_value
from gongkai.report import ParseIssue

# Counts beyond this cannot be stored exactly (float64 / int64): a number this large is a garbled cell.
MAX_COUNT = 2**53
# What a cell's text can call for: (severity, message with {where} and {raw!r}); the status it then gets.
NOT_WHOLE = ("error", "{where}: {raw!r} is not a whole number")
TOO_LARGE = ("error", "{where}: {raw!r} is too large to be a count")
GROUPED = ("info", "{where}: thousands separators in {raw!r}")

Reading = tuple[float | None, str, tuple[str, str] | None]


def _reading(raw: str, integer: bool) -> Reading:
    """Value, status and the note a cell's text calls for (None when it calls for none).

    Decimals in a count table and counts too large to store become ``text`` with an
    error; thousands separators are kept with an info note.
    """
    v = read_value(raw)
    if v.status != "number":
        return None, v.status, None
    if integer and v.decimal:
        return None, "text", NOT_WHOLE
    if abs(v.value) >= MAX_COUNT:
        return None, "text", TOO_LARGE
    return v.value, "number", GROUPED if v.grouped else None


# Cached, once per table kind (a cache keyed on one argument is the quickest): cell texts ("0", "12", "/")
# come back in report after report.
_read_count = lru_cache(maxsize=65536)(partial(_reading, integer=True))
_read_amount = lru_cache(maxsize=65536)(partial(_reading, integer=False))


def record_row(
    slots: list[Slot | None], keys: list[str], *, integer: bool, section: str, name: str, issues: list[ParseIssue]
) -> list[CellRecord]:
    """Read the aligned slots of one row into records, in order (a missing slot is a ``missing`` cell).

    A note names its cell "{name}, {key}" (or "{key}" when ``name`` is empty), e.g. "row granted, total".
    """
    out = []
    new = tuple.__new__
    read = _read_count if integer else _read_amount
    for key, slot in zip(keys, slots, strict=True):
        if slot is None:
            out.append(MISSING)
            continue
        text, line, ref = slot[0]  # slot.cell
        raw = text.strip()
        value, status, note = read(raw)
        if note is not None:
            severity, message = note
            where = f"{name}, {key}" if name else key
            issues.append(ParseIssue(severity, section, message.format(where=where, raw=raw), line))  # type: ignore[arg-type]
        out.append(new(CellRecord, (value, raw, status, line, ref, "")))
    return out
