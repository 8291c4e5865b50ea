"""The synthetic report generator and its renderers."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from gongkai.report import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS
from gongkai.synthetic import (
    LAYOUT_SUPPORTS_BLANK,
    LAYOUTS,
    format_for_year,
    random_issuer,
    random_report,
    random_tables,
    render,
    table2_frame,
    table3_frame,
    table4_frame,
)
from gongkai.synthetic.meta import issuer_places
from gongkai.synthetic.structure import table2_blocks
from gongkai.templates import table2_cells, table3_columns, table3_rows, table4_cells

FORMATS = ("2019", "2021")
APPLICANTS6 = [c.key for c in table3_columns() if c.key != "total"]
ORGS = [c.key for c in table3_columns() if c.group == "法人或其他组织"]
BALANCE = ("new_received", "carried_over", "total_processed", "carried_forward")
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def _v(cell) -> int:
    assert cell.status == "number"
    return int(cell.value)


def _check_identities(t) -> list[str]:
    """The identities of the format README, computed independently of the module."""
    bad = []
    rows = [r.key for r in table3_rows(t.fmt)]
    outcomes = [r for r in rows if r not in BALANCE]
    for r in rows:
        if sum(_v(t.table3[(r, a)]) for a in APPLICANTS6) != _v(t.table3[(r, "total")]):
            bad.append(("row", r))
    for c in [c.key for c in table3_columns()]:
        col = {r: _v(t.table3[(r, c)]) for r in rows}
        if col["new_received"] + col["carried_over"] != col["total_processed"] + col["carried_forward"]:
            bad.append(("balance", c))
        if sum(col[r] for r in outcomes) != col["total_processed"]:
            bad.append(("outcomes", c))
    for proc in dict.fromkeys(c.proceeding for c in table4_cells()):
        parts = sum(_v(t.table4[(proc, o)]) for o in ("upheld", "corrected", "other", "pending"))
        if parts != _v(t.table4[(proc, "total")]):
            bad.append(("table4", proc))
    return bad


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(FORMATS))
def test_identities_hold_when_consistent(seed: int, fmt: str) -> None:
    tables = random_tables(random.Random(seed), fmt)
    assert _check_identities(tables) == []
    assert set(tables.table3) == {(r.key, c.key) for r in table3_rows(fmt) for c in table3_columns()}
    assert set(tables.table4) == {(c.proceeding, c.outcome) for c in table4_cells()}
    assert set(tables.table2) == {(c.category, c.measure) for c in table2_cells(fmt)}


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(FORMATS))
def test_inconsistent_tables_break_an_identity(seed: int, fmt: str) -> None:
    assert _check_identities(random_tables(random.Random(seed), fmt, consistent=False)) != []


def test_magnitudes_are_realistic() -> None:
    rng = random.Random(7)
    totals, zeros, cells = [], 0, 0
    for i in range(300):
        t = random_tables(rng, FORMATS[i % 2])
        totals.append(_v(t.table3[("new_received", "total")]))
        for c in t.table3.values():
            zeros += c.value == 0
            cells += 1
    totals.sort()
    assert totals[len(totals) // 2] < 200  # mostly small
    assert totals[-1] >= 500  # sometimes hundreds or thousands
    assert 0.4 < zeros / cells < 0.95  # many zeros, not all


@pytest.mark.parametrize("fmt", FORMATS)
def test_value_domains(fmt: str) -> None:
    rng = random.Random(11)
    negative_change = decimal_amount = False
    for _ in range(200):
        t = random_tables(rng, fmt)
        for c in [*t.table3.values(), *t.table4.values()]:
            assert isinstance(c.value, int) and c.value >= 0
        for (cat, measure), c in t.table2.items():
            if measure == "amount":
                assert isinstance(c.value, Decimal) and c.value >= 0
                assert -c.value.as_tuple().exponent <= 2
                decimal_amount |= c.value != c.value.to_integral_value()
            elif measure == "items_change":
                assert isinstance(c.value, int)
                negative_change |= c.value < 0
            else:
                assert isinstance(c.value, int) and c.value >= 0, (cat, measure)
        for cat in ("regulation", "normative_document"):
            for part, whole in (("issued", "in_force"), ("newly_published", "published_total")):
                if (cat, part) in t.table2:
                    assert t.table2[(cat, whole)].value >= t.table2[(cat, part)].value
    assert decimal_amount
    assert negative_change == (fmt == "2019")


def test_statuses_and_values_agree() -> None:
    t = random_tables(random.Random(3), "2021", blank_rate=0.2, dash_rate=0.2)
    cells = [*t.table2.values(), *t.table3.values(), *t.table4.values()]
    statuses = {c.status for c in cells}
    assert statuses == {"number", "blank", "dash"}
    for c in cells:
        if c.status == "number":
            assert c.value is not None and c.raw == str(c.value)
        elif c.status == "blank":
            assert c.value is None and c.raw == ""
        else:
            assert c.value is None and c.raw in ("/", "-", "—")


def test_blanks_keep_the_remaining_identities() -> None:
    t = random_tables(random.Random(5), "2021", blank_rate=0.05)
    full = random_tables(random.Random(5), "2021")
    for key, cell in t.table3.items():
        if cell.status == "number":
            assert cell.value == full.table3[key].value


def test_frames_match_report_columns() -> None:
    t = random_tables(random.Random(9), "2019", blank_rate=0.1, dash_rate=0.1)
    f2, f3, f4 = table2_frame(t), table3_frame(t), table4_frame(t)
    assert list(f2.columns) == TABLE2_COLUMNS
    assert list(f3.columns) == TABLE3_COLUMNS
    assert list(f4.columns) == TABLE4_COLUMNS
    assert len(f2) == len(table2_cells("2019")) and len(f3) == 23 * 7 and len(f4) == 15
    assert str(f3["value"].dtype) == "Int64" and str(f4["value"].dtype) == "Int64"
    assert f2["value"].dtype == "float64"
    assert f2["source_line"].isna().all() and f3["source_line"].isna().all()
    for df in (f2, f3, f4):
        not_number = df["cell_status"] != "number"
        assert df.loc[not_number, "value"].isna().all()
        assert df.loc[~not_number, "value"].notna().all()
    row = f3[(f3["row"] == "granted") & (f3["applicant"] == "natural_person")].iloc[0]
    assert row["cell_status"] == t.table3[("granted", "natural_person")].status
    sub = table3_frame(t, with_subtotal=True)
    assert len(sub) == 23 * 8
    ok = random_tables(random.Random(9), "2021")
    s = table3_frame(ok, with_subtotal=True)
    g = s[s["row"] == "granted"].set_index("applicant")["value"]
    assert g["organization_subtotal"] == sum(g[o] for o in ORGS)


def test_issuer_year_and_narrative() -> None:
    rng = random.Random(2)
    places = [p["place"] for p in issuer_places()]
    assert len(places) >= 50 and len(set(places)) == len(places)
    for _ in range(30):
        issuer = random_issuer(rng)
        assert any(issuer.startswith(p) for p in places)
    assert [format_for_year(y) for y in (2019, 2020, 2021, 2025)] == ["2019", "2019", "2021", "2021"]
    for _ in range(30):
        r = random_report(rng)
        assert 2019 <= r.year <= 2025 and r.tables.fmt == format_for_year(r.year)
        assert r.published.year == r.year + 1
        text = r.narrative.text
        pos = 0
        for claim in r.narrative.claims:
            cells = {2: r.tables.table2, 3: r.tables.table3, 4: r.tables.table4}[claim.table]
            assert cells[(claim.row, claim.column)].value == claim.value
            assert f"{claim.value}件" in claim.text
            pos = text.index(claim.text, pos)  # claims appear in order
    kinds = {
        (c.row, c.column)
        for r in [random_report(random.Random(s)) for s in range(20)]
        for c in r.narrative.claims
    }
    assert {("new_received", "total"), ("total_processed", "total"), ("granted", "total")} <= kinds
    assert ("administrative_review", "total") in kinds and ("carried_over", "total") in kinds


def test_narrative_skips_cells_that_are_not_numbers() -> None:
    r = random_report(random.Random(4), blank_rate=1.0)
    assert r.narrative.claims == ()


# --- rendering ------------------------------------------------------------------------------------

_UNIT = re.compile(r"(万元|元|件|项)$")


def _norm(token: str) -> str:
    t = unicodedata.normalize("NFKC", token).replace("\xa0", " ").strip()
    if re.fullmatch(r"-?[\d,]+(\.\d+)?(万元|元|件|项)?", t):
        t = _UNIT.sub("", t).replace(",", "")
    return t


def _truth_sequence(t, with_subtotal: bool) -> list[str]:
    seq = [c.raw for c in t.table2.values()]
    for row in table3_rows(t.fmt):
        for col in table3_columns():
            if with_subtotal and col.key == ORGS[0]:
                seq.append(t.subtotal(row.key).raw)
            seq.append(t.table3[(row.key, col.key)].raw)
    return seq + [c.raw for c in t.table4.values()]


def _script_html(page: str) -> str:
    script = next(s.text for s in lxml_html.fromstring(page).iter("script") if s.text and "var " in s.text)
    literal = re.search(r"var \w+ = (\".*\");", script, re.S).group(1)
    return json.loads(literal)


def _tokens(layout: str, doc: str) -> list[str]:
    """The cell texts of the table sections of a rendered document, in reading order."""
    if layout.startswith("html"):
        body = _script_html(doc) if layout == "html_script" else doc
        tree = lxml_html.fromstring(body)
        return [_norm(td.text_content()) for td in tree.iter("td")]
    region = doc[doc.index(HEADINGS[1]) : doc.index(HEADINGS[4])]
    lines = region.split("\n")
    if layout == "one_cell_per_line":
        return [_norm(x) for x in lines]
    if layout == "tab_separated":
        return [_norm(f) for line in lines for f in line.split("\t")]
    if layout == "pipe_separated":
        return [_norm(x[:-2]) for x in lines if x.endswith(" |")]
    return [_norm(x) for line in lines for x in line.split()]


def _is_subsequence(needle: list[str], hay: list[str]) -> bool:
    it = iter(hay)
    return all(any(h == n for h in it) for n in needle)


CASES = [(layout, fmt) for layout in LAYOUTS for fmt in FORMATS]


@pytest.mark.parametrize(("layout", "fmt"), CASES)
def test_every_layout_shows_every_value_in_order(layout: str, fmt: str) -> None:
    for seed in range(6):
        rng = random.Random(seed)
        blank = 0.05 if LAYOUT_SUPPORTS_BLANK[layout] and seed % 2 else 0.0
        t = random_tables(rng, fmt, blank_rate=blank, dash_rate=0.03 * (seed % 3 == 0))
        sub, extra = seed % 3 == 1, seed % 2 == 0
        year = 2020 if fmt == "2019" else 2023
        doc = render(
            t, layout, issuer="稷山县人民政府", year=year, with_subtotal=sub, extra_table4_cell=extra, rng=rng
        )
        body = _script_html(doc) if layout == "html_script" else doc
        assert f"稷山县人民政府{year}年政府信息公开工作年度报告" in doc
        assert "发布日期" in doc or (layout == "pipe_separated" and "发文日期: |" in doc)  # seed 004
        positions = [body.index(h) for h in HEADINGS]
        assert positions == sorted(positions)
        truth = [_norm(x) for x in _truth_sequence(t, sub)]
        assert _is_subsequence(truth, _tokens(layout, doc)), (layout, fmt, seed)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_is_deterministic(layout: str) -> None:
    t = random_tables(random.Random(1), "2021")
    a = render(t, layout, issuer="晋城市人民政府", year=2024, rng=random.Random(8), with_subtotal=True)
    b = render(t, layout, issuer="晋城市人民政府", year=2024, rng=random.Random(8), with_subtotal=True)
    assert a == b


def test_space_separated_refuses_blank_cells() -> None:
    assert {layout: layout != "space_separated" for layout in LAYOUTS} == LAYOUT_SUPPORTS_BLANK
    t = random_tables(random.Random(1), "2021", blank_rate=0.2)
    with pytest.raises(ValueError, match="blank"):
        render(t, "space_separated", issuer="x", year=2024)


def _blank_count(t) -> int:
    return sum(c.status == "blank" for c in [*t.table2.values(), *t.table3.values(), *t.table4.values()])


def test_pipe_blank_cells_are_bare_pipes() -> None:
    t = random_tables(random.Random(21), "2021", blank_rate=0.1)
    doc = render(t, "pipe_separated", issuer="x", year=2024, rng=random.Random(2))
    assert doc.split("\n").count(" |") == _blank_count(t) > 0


def _empty_runs(lines: list[str]) -> list[int]:
    runs, n = [], 0
    for line in lines:
        if line:
            if n:
                runs.append(n)
            n = 0
        else:
            n += 1
    return [*runs, n] if n else runs


def test_one_cell_blank_shows_as_an_empty_line_among_the_cells() -> None:
    checked = set()
    for seed in range(60):
        t = random_tables(random.Random(seed), "2021", blank_rate=0.02)
        if not _blank_count(t):
            continue
        doc = render(t, "one_cell_per_line", issuer="x", year=2024, rng=random.Random(seed))
        region = doc[doc.index(HEADINGS[1]) : doc.index(HEADINGS[4])]
        runs = _empty_runs(region.split("\n")[:-1])  # the region ends with a newline
        if region.startswith(HEADINGS[1] + "\n\n"):  # blank-line separators: a blank cell is 3 empty lines
            assert sum((r - 1) // 2 for r in runs) == _blank_count(t)
            checked.add("blank lines")
        else:
            assert sum(runs) == _blank_count(t)
            checked.add("newlines")
    assert checked == {"blank lines", "newlines"}


def test_tab_rows_with_blanks_sit_on_the_clean_grid() -> None:
    t = random_tables(random.Random(6), "2021", blank_rate=0.1)
    doc = render(t, "tab_separated", issuer="x", year=2024, rng=random.Random(1))
    region = doc[doc.index(HEADINGS[2]) + len(HEADINGS[2]) : doc.index(HEADINGS[3])]
    lines = [x for x in region.split("\n") if x][3:]  # after the three header rows
    rows = table3_rows("2021")
    assert len(lines) == len(rows)
    seen = 0
    for row, line in zip(rows, lines, strict=True):
        cells = [t.table3[(row.key, c.key)] for c in table3_columns()]
        if any(c.status == "blank" for c in cells):
            seen += 1
            assert [_norm(f) for f in line.split("\t")[-7:]] == [_norm(c.raw) for c in cells]
    assert seen


def _grid(table) -> list[list[str]]:
    """Expand rowspan/colspan into a grid of cell texts."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for td in tr.iter("td"):
            while (r, c) in grid:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dr in range(rs):
                for dc in range(cs):
                    assert (r + dr, c + dc) not in grid, "overlapping spans"
                    grid[(r + dr, c + dc)] = _norm(td.xpath("string()"))
            c += cs
    rows = max(r for r, _ in grid) + 1
    return [[grid[(r, c)] for c in sorted(c for rr, c in grid if rr == r)] for r in range(rows)]


def _xml(fragment: str) -> etree._Element:
    """Parse strictly as XML: proves every tag is closed and every attribute quoted."""
    text = fragment.replace("&nbsp;", "&#160;").replace("<!DOCTYPE html>", "")
    return etree.fromstring(f"<root>{text}</root>".encode())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", ["html_table", "html_script"])
@pytest.mark.parametrize(("sub", "extra"), [(False, False), (True, True)])
def test_html_is_well_formed_and_expands_to_the_official_grid(fmt, layout, sub, extra) -> None:
    for seed in range(4):
        t = random_tables(random.Random(seed), fmt, blank_rate=0.03 * (seed % 2))
        doc = render(
            t,
            layout,
            issuer="平潭综合实验区",
            year=2020 if fmt == "2019" else 2023,
            rng=random.Random(seed),
            with_subtotal=sub,
            extra_table4_cell=extra,
        )
        body = _script_html(doc) if layout == "html_script" else doc
        _xml(doc if layout == "html_table" else body)
        tables = list(_xml(body).iter("table"))
        assert len(tables) == 3
        g2, g3, g4 = (_grid(tb) for tb in tables)
        assert all(len(r) == 4 for r in g2)
        width = 10 + sub
        assert len(g3) == 3 + len(table3_rows(fmt)) and all(len(r) == width for r in g3)
        assert [len(r) for r in g4] == [15, 15, 15, 16 if extra else 15]
        assert g4[0][:5] == ["行政复议"] * 5 and g4[1][5:10] == ["未经复议直接起诉"] * 5
        assert g4[3][:15] == [_norm(c.raw) for c in t.table4.values()]
        for i, row in enumerate(table3_rows(fmt)):
            expected = [t.table3[(row.key, c.key)] for c in table3_columns()]
            values = [_norm(x) for x in g3[3 + i][3:]]
            if sub:
                assert values[1] == _norm(t.subtotal(row.key).raw)
                values = values[:1] + values[2:]
            assert values == [_norm(c.raw) for c in expected]
            assert g3[3 + i][2] != ""  # every data row has its label in the third grid column
        got = []
        r = 0
        for block in table2_blocks(fmt):
            r += 2  # block header and measure header rows
            for _ in block.categories:
                got += g2[r][1 : 1 + len(block.measures)]
                r += 1
        assert got == [_norm(c.raw) for c in t.table2.values()]


def test_html_script_escapes_quotes() -> None:
    t = random_tables(random.Random(1), "2021")
    doc = render(t, "html_script", issuer="晋城市人民政府", year=2024, rng=random.Random(3))
    assert '\\"' in doc and "<\\/table>" in doc
    assert "<table" not in doc.split("<script", 2)[1].split("var ")[0]
    assert "晋城市人民政府2024年政府信息公开工作年度报告" in doc


def test_decorations_appear_across_documents() -> None:
    seen = {"fullwidth": False, "comma": False, "yuan": False, "half": False, "full": False, "variant": False}
    for seed in range(60):
        rng = random.Random(seed)
        t = random_tables(rng, "2019" if seed % 2 else "2021")
        doc = render(t, "one_cell_per_line", issuer="x", year=2020 if seed % 2 else 2024, rng=rng)
        seen["fullwidth"] |= bool(re.search(r"^[０-９]+$", doc, re.M))
        seen["comma"] |= bool(re.search(r"^\d{1,3}(,\d{3})+", doc, re.M))
        seen["yuan"] |= bool(re.search(r"^\d+(\.\d+)?元$", doc, re.M))
        seen["half"] |= "(一)予以公开" in doc or "(一) 予以公开" in doc
        seen["full"] |= "（一）予以公开" in doc or "（一） 予以公开" in doc
        seen["variant"] |= "其他法律法规禁止公开" in doc
    assert all(seen.values()), seen


def test_plain_rendering_has_no_number_decoration() -> None:
    t = random_tables(random.Random(2), "2019")
    doc = render(t, "pipe_separated", issuer="x", year=2020, rng=random.Random(2), decorate=False)
    cells = [x[:-2] for x in doc.split("\n") if x.endswith(" |")]
    assert not any(re.search(r"[０-９,]|\d(元|件|项)$", c) for c in cells)
