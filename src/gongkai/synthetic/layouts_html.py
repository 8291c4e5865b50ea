"""HTML layouts: a saved CMS page whose tables are exported from Word (see corpus/pingtan_*.html).

``html_table`` puts the report in the page; ``html_script`` puts the same report HTML inside a
JavaScript string that the page writes into itself, as some CMS pages do.
"""

from __future__ import annotations

import html
import json

from gongkai.synthetic.context import Context
from gongkai.synthetic.generate import TruthCell
from gongkai.synthetic.structure import (
    RESULTS_GROUP,
    measure_header,
    results_size,
    table2_blocks,
    table2_values,
    table3_plan,
    table3_value_columns,
    table3_values,
    table4_headers,
    table4_values,
)
from gongkai.synthetic.style import text

_TD_STYLES = (
    "padding: 0px 7px; border-width: 1px; border-style: solid; border-color: windowtext;",
    "padding: 0px 4px; border-width: medium 1px 1px medium; border-style: none solid solid none; "
    "border-color: currentcolor windowtext windowtext currentcolor;",
    "padding:5px 5px 5px 5px ;border-left:1px solid windowtext;border-right:1px solid windowtext;"
    "border-top:none;border-bottom:1px solid windowtext",
)


def _inner(ctx: Context, content: str, *, is_value: bool = False) -> str:
    """The inside of a Word-exported cell: the escaped text in <p>/<span>, sometimes padded with &nbsp;."""
    esc = html.escape(content).replace("\xa0", "&nbsp;")
    if is_value and ctx.chance(0.08):
        esc = "&nbsp;" * ctx.rng.randint(1, 3) + esc if ctx.chance(0.5) else esc + "&nbsp;" * ctx.rng.randint(1, 7)
    if not esc:
        esc = ctx.rng.choice(("", "&nbsp;", "<br/>"))
    kind = ctx.rng.randrange(5)
    if kind == 0:
        return esc
    if kind == 1:
        return f'<p style="text-indent: 0em;">{esc}</p>'
    if kind == 2:
        return f'<p style="text-align:center"><span style="font-family:宋体;font-size:14px">{esc}</span></p>'
    if kind == 3:
        return (
            '<p style="text-align:center;line-height:20px"><span style="font-size:14px">'
            f'<span style="font-family:仿宋_GB2312">{esc}</span></span></p>'
        )
    return f'<p style="text-indent: 0em;"><span style="font-family: 宋体;">{esc}</span></p>'


def _td(ctx: Context, content: str, *, rowspan: int = 1, colspan: int = 1, is_value: bool = False) -> str:
    attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    style = ctx.rng.choice(_TD_STYLES)
    width = ctx.rng.randint(38, 60) * colspan
    inner = _inner(ctx, content, is_value=is_value)
    return f'<td{attrs} style="{style}" valign="center" width="{width}">{inner}</td>'


def _value(ctx: Context, cell: TruthCell, *, colspan: int = 1, unit: str | None = None) -> str:
    return _td(ctx, ctx.num(cell, unit), colspan=colspan, is_value=True)


def _header_label(ctx: Context, label: str) -> str:
    """A header label, sometimes with the &nbsp; runs Word leaves in wrapped cells (社会公益 组织)."""
    if len(label) >= 4 and ctx.chance(0.1):
        return label[:-2] + "\xa0" * ctx.rng.randint(1, 4) + label[-2:]
    return label


def _table(rows: list[list[str]]) -> str:
    first = ' class="firstRow"'
    trs = [f"<tr{first if i == 0 else ''}>{''.join(r)}</tr>" for i, r in enumerate(rows)]
    return (
        '<table style="border-collapse:collapse;border:none" cellspacing="0" align="center" border="1">'
        "<tbody>" + "".join(trs) + "</tbody></table>"
    )


def table2_html(ctx: Context) -> str:
    """Table 2 on a four-column grid; blocks with fewer measures widen their last cell."""
    rows: list[list[str]] = []
    for block in table2_blocks(ctx.fmt):
        width = len(block.measures)
        spans = [1] * (width - 1) + [4 - width]
        rows.append([_td(ctx, ctx.label(block.item_label), colspan=4)])
        rows.append(
            [_td(ctx, text("info_header"))]
            + [_td(ctx, ctx.label(measure_header(m)), colspan=s) for m, s in zip(block.measures, spans, strict=True)]
        )
        for cat, label in block.categories:
            cells = table2_values(ctx.tables, block, cat)
            rows.append(
                [_td(ctx, label)] + [_value(ctx, c, colspan=s, unit=u) for (c, u), s in zip(cells, spans, strict=True)]
            )
    return _table(rows)


def table3_html(ctx: Context) -> str:
    """Table 3 with the official merged cells (3 label columns, group labels spanning rows)."""
    cols = table3_value_columns(ctx.with_subtotal)
    n = len(cols)
    rows: list[list[str]] = [
        [
            _td(ctx, ctx.label(text("balance_note")), rowspan=3, colspan=3),
            _td(ctx, text("applicant_header"), colspan=n),
        ],
        [
            _td(ctx, cols[0][1], rowspan=2),
            _td(ctx, "法人或其他组织", colspan=n - 2),
            _td(ctx, cols[-1][1], rowspan=2),
        ],
        [_td(ctx, _header_label(ctx, label)) for _, label in cols[1:-1]],
    ]
    plan = table3_plan(ctx.fmt)
    # Word sometimes splits the tall 三、本年度办理结果 cell at a page break (pingtan 2019).
    total = results_size(ctx.fmt)
    split_at = "unavailable_not_held" if ctx.chance(0.2) else None
    first_part = next(i for i, r in enumerate(plan) if r.key == "unavailable_not_held") - next(
        i for i, r in enumerate(plan) if r.first_in_results
    )
    for row in plan:
        tds: list[str] = []
        if row.first_in_results:
            tds.append(_td(ctx, RESULTS_GROUP, rowspan=first_part if split_at else total))
        elif split_at and row.key == split_at:
            tds.append(_td(ctx, RESULTS_GROUP, rowspan=total - first_part))
        if row.group:
            if row.first_in_group:
                tds.append(_td(ctx, ctx.label(row.group), rowspan=row.group_size))
            tds.append(_td(ctx, ctx.label(row.label)))
        else:
            tds.append(_td(ctx, ctx.label(row.label), colspan=2 if row.in_results else 3))
        tds += [_value(ctx, c) for c in table3_values(ctx.tables, row.key, ctx.with_subtotal)]
        rows.append(tds)
    return _table(rows)


def table4_html(ctx: Context) -> str:
    """Table 4: two header rows over the fifteen cells, the review outcomes spanning both."""
    review, outcomes, litigation, kinds, lit_outcomes = table4_headers()
    values = [_value(ctx, c) for c in table4_values(ctx.tables)]
    if ctx.extra_table4_cell:
        values.append(_td(ctx, ctx.extra_cell(), is_value=True))
    rows = [
        [_td(ctx, review, colspan=5), _td(ctx, litigation, colspan=10)],
        [_td(ctx, o, rowspan=2) for o in outcomes] + [_td(ctx, k, colspan=5) for k in kinds],
        [_td(ctx, o) for _ in kinds for o in lit_outcomes],
        values,
    ]
    return _table(rows)


def _p(ctx: Context, content: str) -> str:
    return f'<p style="text-indent: 2em;">{html.escape(content)}</p>'


def _heading(ctx: Context, content: str) -> str:
    if ctx.chance(0.5):
        return f'<p style="text-indent: 2em;"><strong>{html.escape(content)}</strong></p>'
    return f'<p style="text-indent: 2em;"><strong>&nbsp;{html.escape(content)}</strong>&nbsp;</p>'


def report_body(ctx: Context) -> str:
    """The report as the CMS stores it: paragraphs and the three tables."""
    tables = {"二": table2_html(ctx), "三": table3_html(ctx), "四": table4_html(ctx)}
    parts = [_p(ctx, ctx.intro)]
    for s in ("一", "二", "三", "四", "五", "六"):
        parts.append(_heading(ctx, ctx.heading(s)))
        parts += [_p(ctx, para) for para in ctx.narratives.get(s, [])]
        if s in tables:
            parts.append(tables[s])
    parts.append('<p style="text-align: right;">' + html.escape(ctx.issuer) + "</p>")
    parts.append('<p style="text-align: right;">' + html.escape(ctx.signature_date()) + "</p>")
    return "".join(parts)


def _page(ctx: Context, content: str, *, script: str = "") -> str:
    title = html.escape(ctx.title())
    issuer = html.escape(ctx.issuer)
    date = ctx.published.isoformat()
    nav = "".join(
        f'<li><a href="/{slug}/" title="{name}">{name}</a></li>'
        for slug, name in (("", "首页"), ("zwgk", "政务公开"), ("zwfw", "政务服务"), ("hdjl", "互动交流"))
    )
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8" />
    <meta name="SiteName" content="{issuer}门户网站" />
    <meta name="ColumnName" content="政府信息公开年报" />
    <meta name="ArticleTitle" content="{title}" />
    <meta name="PubDate" content="{date} {ctx.rng.randint(8, 18):02d}:{ctx.rng.randint(0, 59):02d}" />
    <meta name="ContentSource" content="{issuer}" />
    <title>{title}_政府信息公开年报_{issuer}</title>
    <link rel="stylesheet" type="text/css" href="/images/common.css" />
    <script src="/images/jquery.min.js" type="text/javascript"></script>
  </head>
  <body>
    <div class="header">
      <div class="logo"><img src="/images/site_logo.png" alt="{issuer}" /></div>
      <ul class="nav">{nav}</ul>
    </div>
    <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>
      &gt; 政府信息公开年报</div>
    <div class="article">
      <h1 class="article_title">{title}</h1>
      <div class="article_info"><span>{html.escape(ctx.date_line())}</span> <span>来源：{issuer}</span></div>
      <div class="article_content" id="zoom">
        <div class="TRS_Editor">{content}</div>
      </div>
    </div>{script}
    <div class="footer">
      <p>主办单位：{issuer}办公室　网站标识码：{ctx.rng.randrange(10**9, 10**10)}</p>
      <p>版权所有 {issuer}</p>
    </div>
  </body>
</html>
"""


def html_table(ctx: Context) -> str:
    """A full web page with the report's paragraphs and Word-exported tables."""
    return _page(ctx, report_body(ctx))


def html_script(ctx: Context) -> str:
    """A web page whose report HTML is a JavaScript string (quotes escaped, "</" written "<\\/")."""
    body = json.dumps(report_body(ctx), ensure_ascii=False).replace("</", "<\\/")
    var = ctx.rng.choice(("content", "contentHtml", "strHtml"))
    script = f"""
    <script type="text/javascript">
      var {var} = {body};
      document.getElementById("zoom").innerHTML = {var};
    </script>"""
    return _page(ctx, "", script=script)
