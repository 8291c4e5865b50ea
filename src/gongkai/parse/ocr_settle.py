"""Cells read by OCR: marked as such, and their unsure digits settled by the table's own identities.

A number read from an image gets ``cell_status`` ``ocr``: checked like any number, its confidence in
its ref. A number cell read from an image with low confidence carries, in its ref, the readings with one
unsure digit replaced by the model's runner-up (``readers/ocr_ref.py``). When the reading as read
makes an identity over the cell fail, and exactly one alternative makes every identity over the cell
that can be evaluated hold, the cell takes that value: it keeps ``cell_status`` ``ocr`` and its
``raw`` (the reading), ``inferred_by`` names the identities that settled it (the audit then holds
them not assessable for that cell: ``rules/gridbatch.py``), and an info issue quotes both readings.

Conservative: a confident cell is never changed; nor is one where two readings fit, where no identity
over the cell can be evaluated, or where another unsure cell of the same failing slice could also
settle it (either could be the misread).
"""

from __future__ import annotations

from collections.abc import Callable

from gongkai.celltable import CellTable, record_field
from gongkai.readers.ocr_ref import LOW_CONFIDENCE, any_read_by_ocr, ocr_alternatives, ocr_confidence
from gongkai.report import ParseIssue
from gongkai.templates.identities import Identity, holds, identities, resolve

AXES = {3: ("row", "applicant"), 4: ("proceeding", "outcome")}
SECTIONS = {3: "三", 4: "四"}
NUMERIC = ("number", "ocr", "inferred", "corrected")

Key = tuple[str, str]
_REF = record_field("source_ref")


def _over(ident: Identity, fmt: str, cell: Key) -> str | None:
    """The slice key of ``ident`` that holds ``cell`` as a term, or None when the identity does not cover it."""
    lhs, rhs, slices = resolve(ident, fmt)
    key, term = cell if ident.iterate == "row" else (cell[1], cell[0])
    return key if key in slices and term in lhs + rhs else None


def _fits(checks: list[tuple[Identity, str]], fmt: str, value: Callable[[str, str], float | None]) -> list[str] | None:
    """The rules that hold with ``value``; None when one of them fails (or none can be evaluated)."""
    held = []
    for ident, key in checks:
        result = holds(ident, fmt, key, value)
        if result is False:
            return None
        if result:
            held.append(ident.rule)
    return held or None


def read_ocr_cells(cells: CellTable, table: int, fmt: str, issues: list[ParseIssue]) -> CellTable:
    """``cells`` with every number read from an image marked ``ocr`` (checked like a number, its confidence
    in its ref), and every unsure one that the identities settle set to the one reading that fits."""
    if not any_read_by_ocr(map(_REF, cells.records)):
        return cells
    marked = [
        r._replace(cell_status="ocr") if r.cell_status == "number" and ocr_confidence(r.source_ref) is not None else r
        for r in cells.records
    ]
    cells = CellTable(cells.template, tuple(marked))
    if table not in AXES or not any(r.cell_status == "ocr" and "alternatives" in r.source_ref for r in cells.records):
        return cells
    return _settle(cells, table, fmt, issues)


def _settle(cells: CellTable, table: int, fmt: str, issues: list[ParseIssue]) -> CellTable:
    """``cells`` with every unsure OCR cell that the identities settle set to the one reading that fits."""
    names = dict(zip(cells.template.key_names, cells.template.key_values, strict=True))
    keys: list[Key] = list(zip(*(names[a] for a in AXES[table]), strict=True))
    at = {k: p for p, k in enumerate(keys)}
    values = {k: r.value if r.cell_status in NUMERIC else None for k, r in zip(keys, cells.records, strict=True)}
    idents = [i for i in identities() if i.table == table]

    def read(row: str, column: str) -> float | None:
        return values.get((row, column))

    proposals: dict[Key, tuple[float, list[str]]] = {}
    claimed: dict[tuple[str, str], list[Key]] = {}  # (rule, slice) → the unsure cells that could settle it
    for cell, record in zip(keys, cells.records, strict=True):
        confidence = ocr_confidence(record.source_ref)
        readings = ocr_alternatives(record.source_ref)
        if record.cell_status != "ocr" or not readings or confidence is None or confidence >= LOW_CONFIDENCE:
            continue
        checks = [(i, key) for i in idents if (key := _over(i, fmt, cell)) is not None]
        if not any(holds(i, fmt, key, read) is False for i, key in checks):
            continue  # the reading as read fails no identity: nothing to settle
        fitting: list[tuple[float, list[str]]] = []
        for reading in readings:
            trial = float(int(reading))
            held = _fits(checks, fmt, lambda r, c, t=trial, x=cell: t if (r, c) == x else read(r, c))
            if held:
                fitting.append((trial, held))
        for ident, key in checks:
            if holds(ident, fmt, key, read) is False:
                claimed.setdefault((ident.rule, key), []).append(cell)
        if len(fitting) == 1:
            proposals[cell] = fitting[0]
    records = list(cells.records)
    for cell, (value, rules) in proposals.items():
        rivals = {c for (rule, key), cs in claimed.items() if cell in cs for c in cs} - {cell}
        record = records[at[cell]]
        where = f"{AXES[table][0]} {cell[0]}, {cell[1]}"
        if rivals:
            issues.append(ParseIssue(
                "info", SECTIONS[table],
                f"{where}: OCR read {record.raw!r}; {rules[0]} would hold with {value:g}, but another unsure cell of "
                "the same failing slice could be the misread: left as read", record.source_line,
            ))  # fmt: skip
            continue
        records[at[cell]] = record._replace(value=value, inferred_by=";".join(rules))
        issues.append(ParseIssue(
            "info", SECTIONS[table],
            f"{where}: OCR read {record.raw!r} (confidence {ocr_confidence(record.source_ref):.3f}), recorded as "
            f"{value:g}: the only reading with which {', '.join(rules)} hold ({record.source_ref})",
            record.source_line,
        ))  # fmt: skip
    return CellTable(cells.template, tuple(records))
