"""The shape of the three official tables, derived from the templates, shared by every layout."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.synthetic.generate import ORGANIZATIONS, SUBTOTAL, SyntheticTables, TruthCell
from gongkai.synthetic.style import text
from gongkai.templates import Table2Cell, table2_cells, table3_columns, table3_rows, table4_cells

RESULTS_GROUP = "三、本年度办理结果"


@dataclass(frozen=True)
class Table2Block:
    """One 第二十条 block of table 2: its header, its measure columns, its category rows."""

    item_label: str
    measures: tuple[Table2Cell, ...]
    categories: tuple[tuple[str, str], ...]  # (category key, label)


def measure_header(cell: Table2Cell) -> str:
    """The column header of a measure; amounts in 万元 name their unit as the official table does."""
    if cell.unit == "万元":
        return cell.measure_label + text("fee_unit").format(unit=cell.unit)
    return cell.measure_label


def table2_blocks(fmt: str) -> tuple[Table2Block, ...]:
    """The blocks of table 2 in official order."""
    blocks: list[Table2Block] = []
    for item in dict.fromkeys(c.item for c in table2_cells(fmt)):
        cells = [c for c in table2_cells(fmt) if c.item == item]
        cats = tuple(dict.fromkeys((c.category, c.category_label) for c in cells))
        measures = tuple(c for c in cells if c.category == cats[0][0])
        blocks.append(Table2Block(cells[0].item_label, measures, cats))
    return tuple(blocks)


def table2_values(tables: SyntheticTables, block: Table2Block, category: str) -> list[tuple[TruthCell, str]]:
    """The cells of one category row with their units."""
    return [(tables.table2[(category, m.measure)], m.unit) for m in block.measures]


@dataclass(frozen=True)
class Table3Row:
    """One data row of table 3 and where it sits among the group labels."""

    key: str
    label: str
    group: str | None  # （三）不予公开 …, None for rows without a sub-group
    first_in_group: bool
    group_size: int
    in_results: bool  # under 三、本年度办理结果
    first_in_results: bool


def table3_plan(fmt: str) -> tuple[Table3Row, ...]:
    """Rows of table 3 with their group structure."""
    rows = table3_rows(fmt)
    out: list[Table3Row] = []
    seen_results = False
    for r in rows:
        group = r.group if r.group and r.group not in (RESULTS_GROUP, r.label) else None
        in_results = bool(r.group)
        size = sum(1 for x in rows if x.group == group) if group else 1
        first = group is not None and not any(o.group == group for o in out)
        out.append(Table3Row(r.key, r.label, group, first, size, in_results, in_results and not seen_results))
        seen_results = seen_results or in_results
    return tuple(out)


def results_size(fmt: str) -> int:
    """Rows under 三、本年度办理结果 (the rowspan of that label)."""
    return sum(1 for r in table3_plan(fmt) if r.in_results)


def table3_value_columns(with_subtotal: bool) -> tuple[tuple[str, str], ...]:
    """(key, label) of the value columns of table 3 in rendered order."""
    cols: list[tuple[str, str]] = []
    for c in table3_columns():
        if with_subtotal and c.key == ORGANIZATIONS[0]:
            cols.append((SUBTOTAL, text("subtotal")))
        cols.append((c.key, c.label))
    return tuple(cols)


def table3_values(tables: SyntheticTables, row: str, with_subtotal: bool) -> list[TruthCell]:
    """The cells of one table 3 row in rendered column order."""
    return [
        tables.subtotal(row) if key == SUBTOTAL else tables.table3[(row, key)]
        for key, _ in table3_value_columns(with_subtotal)
    ]


def table4_headers() -> tuple[str, tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]:
    """(行政复议, its outcome labels, 行政诉讼, the two litigation kinds, their outcome labels)."""
    cells = table4_cells()
    review = tuple(c.outcome_label for c in cells if c.proceeding == cells[0].proceeding)
    kinds = tuple(dict.fromkeys(c.proceeding_label.split(" / ")[-1] for c in cells[len(review) :]))
    litigation = cells[len(review)].proceeding_label.split(" / ")[0]
    return cells[0].proceeding_label, review, litigation, kinds, review


def table4_values(tables: SyntheticTables) -> list[TruthCell]:
    """The fifteen cells of table 4 in official order."""
    return [tables.table4[(c.proceeding, c.outcome)] for c in table4_cells()]
