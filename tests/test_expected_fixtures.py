"""Checks on the hand-verified expected-value fixtures themselves (tests/fixtures/expected).

These tests do not run the parser: they make sure the fixtures the parser is compared with are
complete, internally consistent (the identities of the official format hold) and traceable (each
``raw`` is a whole cell of ``source_line`` in data/raw, in document order, under the right label).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.templates import table2_cells, table3_columns, table3_rows, table4_cells, value_words

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
RAW = ROOT / "data" / "raw"

SEEDS = ("jincheng_2024", "jishan_2023", "gaoping_2020", "jiyuan_2024", "boshan_2024")
LAYOUTS = ("one_cell_per_line", "tab_separated", "pipe_separated")
STATUSES = ("number", "blank", "dash", "text", "missing")
# Cells in the source that are not part of the 15 aligned cells of table 4 (seed 003's extra cell).
EXTRA_TABLE4_CELLS = {"jiyuan_2024": 1}

NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)(万元|元)?$")
WHITESPACE = re.compile(r"\s+")

Cell = tuple[int, str]  # (1-based source line, stripped cell text)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _meta(seed: str) -> dict:
    return json.loads((EXPECTED / seed / "meta.json").read_text(encoding="utf-8"))


def _lines(seed: str) -> list[str]:
    return (RAW / f"{seed}.txt").read_text(encoding="utf-8").split("\n")


def _squash(text: str) -> str:
    return WHITESPACE.sub("", text)


def _split(line: str, layout: str) -> list[str]:
    """The stripped, non-empty cells of one source line."""
    if layout == "tab_separated":
        parts = line.split("\t")
    elif layout == "pipe_separated":
        parts = line.split("|")
    else:
        parts = [line]
    return [p.strip() for p in parts if p.strip()]


def _document_cells(seed: str) -> list[Cell]:
    layout = _meta(seed)["layout"]
    return [(n, c) for n, line in enumerate(_lines(seed), start=1) for c in _split(line, layout)]


def _is_value(text: str) -> bool:
    return bool(NUMBER.match(text)) or text in value_words()


def _phrases() -> dict[tuple[str, str], str]:
    return {(r["table"], r["key"]): r["phrase"] for r in _read_csv(EXPECTED / "label_phrases.csv")}


def _table(seed: str, n: int) -> list[dict[str, str]]:
    return _read_csv(EXPECTED / seed / f"table{n}.csv")


def _t3(seed: str) -> dict[tuple[str, str], int]:
    return {(r["row"], r["applicant"]): int(r["value"]) for r in _table(seed, 3)}


def _t4(seed: str) -> dict[tuple[str, str], int]:
    return {(r["proceeding"], r["outcome"]): int(r["value"]) for r in _table(seed, 4)}


def _all_rows(seed: str) -> Iterator[tuple[int, dict[str, str]]]:
    for n in (2, 3, 4):
        for row in _table(seed, n):
            yield n, row


# --- completeness -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_meta_fields(seed: str) -> None:
    meta = _meta(seed)
    assert meta["format"] in ("2019", "2021")
    assert meta["layout"] in LAYOUTS
    assert isinstance(meta["year"], int)
    assert str(meta["year"]) in meta["title"]
    if meta["published"] is not None:
        published = dt.date.fromisoformat(meta["published"])
        assert published.year > meta["year"]


@pytest.mark.parametrize("seed", SEEDS)
def test_meta_traceable(seed: str) -> None:
    meta, lines = _meta(seed), _lines(seed)
    where = meta["source_lines"]
    title_text = _squash("".join(lines[n - 1] for n in where["title"]))
    assert meta["title"] in title_text
    assert meta["issuer"] in lines[where["issuer"] - 1]
    if meta["published"] is None:
        assert where["published"] is None
    else:
        d = dt.date.fromisoformat(meta["published"])
        line = _squash(lines[where["published"] - 1])
        assert d.isoformat() in line or f"{d.year}年{d.month}月{d.day}日" in line


@pytest.mark.parametrize("seed", SEEDS)
def test_table2_keys_in_template_order(seed: str) -> None:
    fmt = _meta(seed)["format"]
    got = [(r["item"], r["category"], r["measure"], r["unit"]) for r in _table(seed, 2)]
    assert got == [(c.item, c.category, c.measure, c.unit) for c in table2_cells(fmt)]


@pytest.mark.parametrize("seed", SEEDS)
def test_table3_keys_in_template_order(seed: str) -> None:
    fmt = _meta(seed)["format"]
    got = [(r["row"], r["applicant"]) for r in _table(seed, 3)]
    want = [(r.key, c.key) for r in table3_rows(fmt) for c in table3_columns()]
    assert got == want
    assert len(got) == (25 if fmt == "2021" else 23) * 7


@pytest.mark.parametrize("seed", SEEDS)
def test_table4_keys_in_template_order(seed: str) -> None:
    got = [(r["proceeding"], r["outcome"]) for r in _table(seed, 4)]
    assert got == [(c.proceeding, c.outcome) for c in table4_cells()]


@pytest.mark.parametrize("seed", SEEDS)
def test_value_matches_raw_and_status(seed: str) -> None:
    for n, row in _all_rows(seed):
        assert row["cell_status"] in STATUSES
        match = NUMBER.match(row["raw"])
        if row["cell_status"] == "number":
            assert match, row
            if n == 2:
                assert float(row["value"]) == float(match.group(1)), row
            else:
                assert int(row["value"]) == int(match.group(1)), row
                assert int(row["value"]) >= 0, row
        else:
            assert row["value"] == "", row


# --- identities of the official format ----------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_table3_column_balance(seed: str) -> None:
    t3 = _t3(seed)
    for c in table3_columns():
        k = c.key
        assert t3["new_received", k] + t3["carried_over", k] == (
            t3["total_processed", k] + t3["carried_forward", k]
        ), k


@pytest.mark.parametrize("seed", SEEDS)
def test_table3_row_total(seed: str) -> None:
    fmt, t3 = _meta(seed)["format"], _t3(seed)
    parts = [c.key for c in table3_columns() if c.key != "total"]
    for r in table3_rows(fmt):
        assert t3[r.key, "total"] == sum(t3[r.key, k] for k in parts), r.key


@pytest.mark.parametrize("seed", SEEDS)
def test_table3_outcome_total(seed: str) -> None:
    fmt, t3 = _meta(seed)["format"], _t3(seed)
    groups = ("denied_", "unavailable_", "rejected_", "other_")
    outcomes = [
        r.key
        for r in table3_rows(fmt)
        if r.key in ("granted", "partially_granted") or r.key.startswith(groups)
    ]
    # 2 + 8 denied + 3 unavailable + 5 rejected + 3 other (2021) or 1 other_handling (2019)
    assert len(outcomes) == (21 if fmt == "2021" else 19)
    for c in table3_columns():
        assert t3["total_processed", c.key] == sum(t3[o, c.key] for o in outcomes), c.key


@pytest.mark.parametrize("seed", SEEDS)
def test_table4_proceeding_total(seed: str) -> None:
    t4 = _t4(seed)
    for p in ("administrative_review", "litigation_direct", "litigation_after_review"):
        assert t4[p, "total"] == sum(t4[p, o] for o in ("upheld", "corrected", "other", "pending")), p


# --- traceability to data/raw -----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_is_a_cell_of_its_source_line(seed: str) -> None:
    layout, lines = _meta(seed)["layout"], _lines(seed)
    for _, row in _all_rows(seed):
        if row["cell_status"] == "missing":
            continue
        line = lines[int(row["source_line"]) - 1]
        assert row["raw"] in _split(line, layout), (row, line)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("table", [2, 3, 4])
def test_cells_are_the_value_cells_of_the_source_in_order(seed: str, table: int) -> None:
    """No value cell of the source is skipped, none is taken twice, and the order is the template's."""
    rows = _table(seed, table)
    want = [(int(r["source_line"]), r["raw"]) for r in rows]
    first, last = want[0][0], want[-1][0]
    got = [(n, c) for n, c in _document_cells(seed) if first <= n <= last and _is_value(c)]
    extra = EXTRA_TABLE4_CELLS.get(seed, 0) if table == 4 else 0
    assert got[: len(want)] == want
    assert len(got) - len(want) == extra


def _label_before(cells: list[Cell], position: int) -> str:
    """The nearest preceding cell that is not a value (the row label in every seed layout)."""
    for i in range(position - 1, -1, -1):
        if not _is_value(cells[i][1]):
            return _squash(cells[i][1])
    raise AssertionError("no label before cell")


@pytest.mark.parametrize("seed", SEEDS)
def test_cells_sit_under_their_labels(seed: str) -> None:
    cells = _document_cells(seed)
    index: dict[Cell, int] = {}
    for i, cell in enumerate(cells):
        index.setdefault(cell, i)
    phrases = _phrases()
    checks = [(("table2", r["category"]), r) for r in _table(seed, 2)]
    checks += [(("table3", r["row"]), r) for r in _table(seed, 3)]
    checks += [(("table4", "first_cell"), _table(seed, 4)[0])]
    for key, row in checks:
        # in tab/pipe layouts, repeated values on one line share a (line, text) key: use the first,
        # whose label is the same as that of the others on the line
        position = index[int(row["source_line"]), row["raw"]]
        assert phrases[key] in _label_before(cells, position), (key, row)
