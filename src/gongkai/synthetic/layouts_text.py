"""Plain-text layouts, each imitating a real seed.

- ``one_cell_per_line`` (seeds 000, 002): every cell on its own line.
- ``tab_separated`` (seeds 001, 003): tab-separated rows with ragged leading cells.
- ``pipe_separated`` (seed 004): every cell followed by " |" on its own line.
- ``space_separated`` (PDF text): a row label and its numbers on one line.
"""

from __future__ import annotations

from gongkai.synthetic.context import Context
from gongkai.synthetic.structure import (
    RESULTS_GROUP,
    measure_header,
    table2_blocks,
    table2_values,
    table3_plan,
    table3_value_columns,
    table3_values,
    table4_headers,
    table4_values,
)
from gongkai.synthetic.style import text


def _split(word: str, ctx: Context, p: float) -> list[str]:
    """A header word, sometimes broken over two lines ("商业\\n企业", "(三)\\n不予公开")."""
    if len(word) < 4 or not ctx.chance(p):
        return [word]
    for mark in ("）", ")"):
        if word.startswith(("（", "(")) and mark in word[:4]:
            i = word.index(mark) + 1
            return [word[:i].strip(), word[i:].strip()]
    half = 4 if len(word) == 6 else len(word) // 2
    return [word[:half], word[half:]]


def _document(ctx: Context, tables: dict[str, str], sep: str, preamble: list[str] | None = None) -> str:
    """The six sections around the rendered tables, paragraphs joined by ``sep``."""
    parts = [*(preamble if preamble is not None else [ctx.title(), ctx.date_line()]), ctx.intro]
    for s in ("一", "二", "三", "四", "五", "六"):
        parts.append(ctx.heading(s))
        parts.extend(ctx.narratives.get(s, []))
        if s in tables:
            parts.append(tables[s])
    if ctx.chance(0.5):
        parts += [ctx.issuer, ctx.signature_date()]
    return sep.join(parts) + "\n"


# --- one cell per line ---------------------------------------------------------------------------


def _one_cell_table2(ctx: Context) -> list[str]:
    out: list[str] = []
    for block in table2_blocks(ctx.fmt):
        out += [ctx.label(block.item_label), text("info_header")]
        out += [ctx.label(measure_header(m)) for m in block.measures]
        for cat, label in block.categories:
            out.append(label)
            out += [ctx.num(c, unit) for c, unit in table2_values(ctx.tables, block, cat)]
    return out


def _one_cell_table3(ctx: Context) -> list[str]:
    p = ctx.rng.choice((0.0, 0.5, 1.0))
    out = [ctx.label(text("balance_note")), text("applicant_header")]
    cols = table3_value_columns(ctx.with_subtotal)
    out += [cols[0][1], "法人或其他组织", cols[-1][1]]
    for _, label in cols[1:-1]:
        out += _split(label, ctx, p)
    for row in table3_plan(ctx.fmt):
        if row.first_in_results:
            out.append(RESULTS_GROUP)
        if row.first_in_group and row.group:
            out += _split(ctx.label(row.group), ctx, max(p, 0.5))
        out.append(ctx.label(row.label))
        out += [ctx.num(c) for c in table3_values(ctx.tables, row.key, ctx.with_subtotal)]
    return out


def _one_cell_table4(ctx: Context) -> list[str]:
    p = ctx.rng.choice((0.3, 0.8, 1.0))
    review, outcomes, litigation, kinds, lit_outcomes = table4_headers()
    out = [review, litigation]
    out += [piece for o in outcomes for piece in _split(o, ctx, p)]
    out += list(kinds)
    for _ in kinds:
        out += [piece for o in lit_outcomes for piece in _split(o, ctx, p)]
    out += [ctx.num(c) for c in table4_values(ctx.tables)]
    if ctx.extra_table4_cell:
        out.append(ctx.extra_cell())
    return out


def one_cell_per_line(ctx: Context) -> str:
    """Every cell on its own line; a blank cell is an empty line among the cells."""
    sep = ctx.rng.choice(("\n\n", "\n"))
    tables = {}
    for s, cells in (
        ("二", _one_cell_table2(ctx)),
        ("三", _one_cell_table3(ctx)),
        ("四", _one_cell_table4(ctx)),
    ):
        body = sep.join(cells)
        # Seed 002 leaves an extra empty line after a table; only where it cannot pass for a blank cell.
        if s != "四" and sep == "\n\n" and cells[-1] and ctx.chance(0.3):
            body += "\n"
        tables[s] = body
    preamble = [ctx.rng.choice(("政府信息公开", "Document")), ctx.title(), ctx.date_line()]
    return _document(ctx, tables, sep, preamble)


# --- tab separated -------------------------------------------------------------------------------


def _pad(fields: list[str], width: int) -> str:
    return "\t".join(fields + [""] * (width - len(fields)))


def _tab_table2(ctx: Context) -> list[str]:
    lines: list[str] = []
    for block in table2_blocks(ctx.fmt):
        lines.append(_pad([ctx.label(block.item_label)], 4))
        lines.append(_pad([text("info_header")] + [ctx.label(measure_header(m)) for m in block.measures], 4))
        for cat, label in block.categories:
            lines.append(_pad([label] + [ctx.num(c, u) for c, u in table2_values(ctx.tables, block, cat)], 4))
    return lines


def _tab_table3(ctx: Context) -> list[str]:
    cols = table3_value_columns(ctx.with_subtotal)
    n = len(cols)
    orgs = [label for _, label in cols[1:-1]]
    lines = [
        ctx.label(text("balance_note")) + "\t\t" + text("applicant_header") + "\t" * (n - 1) + cols[-1][1] + "\t",
        "\t\t" + cols[0][1] + "\t" + "法人或其他组织" + "\t" * (n - 1),
        "\t\t\t" + "\t".join(orgs) + "\t\t",
    ]
    messy = ctx.chance(0.7)  # the stray cells of seeds 001 and 003
    for row in table3_plan(ctx.fmt):
        cells = table3_values(ctx.tables, row.key, ctx.with_subtotal)
        values = [ctx.num(c) for c in cells]
        # A row holding a blank cell is written on the clean grid: no stray or trailing empty fields.
        stray = messy and all(c.status != "blank" for c in cells)
        label = ctx.label(row.label)
        if row.group:
            lead = ["", ctx.label(row.group)] if row.first_in_group else ["", ""]
            if stray and row.key == "other_other":
                lines.append("\t".join([label, "", *values, ""]))
            else:
                lines.append("\t".join([*lead, label, *values]))
        elif row.in_results and row.key != "total_processed":
            lead = [RESULTS_GROUP] if row.first_in_results else [""]
            lines.append("\t".join([*lead, label, *values] + ([""] if stray else [])))
        else:
            lines.append(
                "\t".join([label] + ([""] if stray and ctx.chance(0.8) else []) + values + ([""] if stray else []))
            )
        if stray and row.key in ("other_other", "other_handling") and ctx.chance(0.5):
            lines.append("")
    return lines


def _tab_table4(ctx: Context) -> list[str]:
    review, outcomes, litigation, kinds, lit_outcomes = table4_headers()
    spaced = ctx.chance(0.4)

    def word(w: str) -> str:
        return f"{w[:2]} {w[2:]}" if spaced and len(w) == 4 else w

    cells = table4_values(ctx.tables)
    trailing = ctx.chance(0.5) and all(c.status != "blank" for c in cells)
    end = "\t" if trailing else ""
    values = [ctx.num(c) for c in cells]
    if ctx.extra_table4_cell:
        values.append(ctx.extra_cell())
    return [
        review + "\t" * 5 + litigation + "\t" * 9 + end,
        "\t".join(word(o) for o in outcomes) + "\t" + kinds[0] + "\t" * 5 + kinds[1] + "\t" * 4 + end,
        "\t" * 5 + "\t".join(word(o) for _ in kinds for o in lit_outcomes) + end,
        "\t".join(values),
    ]


def tab_separated(ctx: Context) -> str:
    """Tab-separated rows with ragged leading cells; a blank value is an empty field."""
    tables = {
        "二": "\n".join(_tab_table2(ctx)),
        "三": "\n".join(_tab_table3(ctx)),
        "四": "\n".join(_tab_table4(ctx)),
    }
    return "\n\n" + _document(
        ctx, tables, "\n\n", [ctx.issuer, ctx.title(), ctx.date_line()] if ctx.chance(0.3) else None
    )


# --- pipe separated ------------------------------------------------------------------------------


def _pipe_table2(ctx: Context) -> list[str]:
    out: list[str] = []
    for block in table2_blocks(ctx.fmt):
        width = len(block.measures)
        out += [f"{ctx.label(block.item_label)} |", "|||", f"{text('info_header')} |"]
        out += [f"{ctx.label(measure_header(m))} |" for m in block.measures]
        if width < 3:
            out.append("|" * (3 - width))
        for cat, label in block.categories:
            out.append(f"{label} |")
            out += [f"{ctx.num(c, u)} |" for c, u in table2_values(ctx.tables, block, cat)]
            if width < 3:
                out.append("|" * (3 - width))
    return out


def _pipe_table3(ctx: Context) -> list[str]:
    cols = table3_value_columns(ctx.with_subtotal)
    n = len(cols)
    out = [f"{ctx.label(text('balance_note'))} |", f"{text('applicant_header')} |", "|" * (n + 2)]
    out += [f"{cols[0][1]} |", "法人或其他组织 |", f"{cols[-1][1]} |", "|" * (n + 1)]
    out += [f"{label} |" for _, label in cols[1:-1]] + ["|" * (n - 1)]
    plan = table3_plan(ctx.fmt)
    for i, row in enumerate(plan):
        if row.first_in_results:
            out.append(f"{RESULTS_GROUP} |")
        if row.first_in_group and row.group:
            out.append(f"{ctx.label(row.group)} |")
        out.append(f"{ctx.label(row.label)} |")
        out += [f"{ctx.num(c)} |" for c in table3_values(ctx.tables, row.key, ctx.with_subtotal)]
        if i < len(plan) - 1:
            out.append("||" if row.first_in_results or row.first_in_group else "|||")
    return out


def _pipe_table4(ctx: Context) -> list[str]:
    review, outcomes, litigation, kinds, lit_outcomes = table4_headers()
    spaced = ctx.chance(0.6)

    def word(w: str) -> str:
        return f"{w[:2]} {w[2:]} |" if spaced and len(w) == 4 else f"{w} |"

    out = [f"{review} |", f"{litigation} |", "|" * 13]
    out += [word(o) for o in outcomes] + [f"{k} |" for k in kinds] + ["|" * 8]
    out += [word(o) for _ in kinds for o in lit_outcomes] + ["|" * 5]
    out += [f"{ctx.num(c)} |" for c in table4_values(ctx.tables)]
    if ctx.extra_table4_cell:
        out.append(f"{ctx.extra_cell()} |")
    return out


def pipe_separated(ctx: Context) -> str:
    """Each cell followed by " |" on its own line, with lines of only pipes after rows."""
    # A blank value cell is the line " |" (the cell text is empty).
    tables = {
        "二": "\n".join(_pipe_table2(ctx)),
        "三": "\n".join(_pipe_table3(ctx)),
        "四": "\n".join(_pipe_table4(ctx)),
    }
    index = f"{ctx.rng.randrange(10**17, 10**18)}/{ctx.year + 1}-{ctx.rng.randrange(10**6, 10**7)}"
    preamble = [
        f"标题: | {ctx.title()} | ||",
        "---|---|---|---|",
        f"索引号: | {index} | 文号: | 〔〕号 |",
        f"{ctx.rng.choice(('发布日期', '发文日期'))}: | {ctx.published.isoformat()} | 发布机构: | {ctx.issuer} |",
    ]
    return _document(ctx, tables, "\n", preamble)


# --- space separated (PDF text) ------------------------------------------------------------------


def _wrap(label: str, ctx: Context, limit: int = 22) -> list[str]:
    """A long label, sometimes wrapped onto a second line as PDF text extraction does."""
    if len(label) > limit and ctx.chance(0.6):
        cut = ctx.rng.randint(limit // 2, limit)
        return [label[:cut], label[cut:]]
    return [label]


def _row(label: str, values: list[str], ctx: Context, gap: str) -> list[str]:
    pieces = _wrap(label, ctx)
    return [*pieces[:-1], gap.join([pieces[-1], *values])]


def _space_table2(ctx: Context, gap: str) -> list[str]:
    out: list[str] = []
    for block in table2_blocks(ctx.fmt):
        out.append(ctx.label(block.item_label))
        out.append(gap.join([text("info_header")] + [ctx.label(measure_header(m)) for m in block.measures]))
        for cat, label in block.categories:
            out += _row(label, [ctx.num(c, u) for c, u in table2_values(ctx.tables, block, cat)], ctx, gap)
    return out


def _space_table3(ctx: Context, gap: str) -> list[str]:
    cols = table3_value_columns(ctx.with_subtotal)
    out = _wrap(ctx.label(text("balance_note")), ctx, 26)
    out += [text("applicant_header"), gap.join([cols[0][1], "法人或其他组织", cols[-1][1]])]
    out.append(gap.join(label for _, label in cols[1:-1]))
    page = ctx.rng.randint(2, 5)
    for row in table3_plan(ctx.fmt):
        if row.first_in_results:
            out.append(RESULTS_GROUP)
        if row.first_in_group and row.group:
            out.append(ctx.label(row.group))
        values = [ctx.num(c) for c in table3_values(ctx.tables, row.key, ctx.with_subtotal)]
        out += _row(ctx.label(row.label), values, ctx, gap)
        if ctx.chance(0.04):  # a page break inside the table
            out.append(f"- {page} -")
            page += 1
    return out


def _space_table4(ctx: Context, gap: str) -> list[str]:
    review, outcomes, litigation, kinds, lit_outcomes = table4_headers()
    values = [ctx.num(c) for c in table4_values(ctx.tables)]
    if ctx.extra_table4_cell:
        values.append(ctx.extra_cell())
    return [
        gap.join([review, litigation]),
        gap.join([*outcomes, *kinds]),
        gap.join(o for _ in kinds for o in lit_outcomes),
        gap.join(values),
    ]


def space_separated(ctx: Context) -> str:
    """Text as extracted from a PDF: each row label followed by its numbers on one line."""
    if ctx.tables.has_blanks():
        raise ValueError("space_separated cannot represent blank cells")
    gap = ctx.rng.choice((" ", " ", "  ", "   "))
    tables = {
        "二": "\n".join(_space_table2(ctx, gap)),
        "三": "\n".join(_space_table3(ctx, gap)),
        "四": "\n".join(_space_table4(ctx, gap)),
    }
    return _document(ctx, tables, ctx.rng.choice(("\n", "\n\n")))
