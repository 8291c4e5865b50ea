"""Property tests: random tables of both formats, rendered in every layout, parse back cell for cell."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import read_report
from gongkai.synthetic import (
    LAYOUT_SUPPORTS_BLANK,
    LAYOUTS,
    random_tables,
    render,
    table2_frame,
    table3_frame,
    table4_frame,
)

CASES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _cells(df: pd.DataFrame) -> list[tuple[object, str]]:
    values = df["value"].astype(object).where(df["value"].notna(), None)
    return list(zip(values, df["cell_status"], strict=True))


@CASES
@given(
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(LAYOUTS),
    fmt=st.sampled_from(["2019", "2021"]),
    blank_rate=st.sampled_from([0.0, 0.05, 0.3]),
    dash_rate=st.sampled_from([0.0, 0.05]),
    with_subtotal=st.booleans(),
    extra_table4_cell=st.booleans(),
)
def test_render_then_parse_recovers_every_cell(
    tmp_path_factory, seed, layout, fmt, blank_rate, dash_rate, with_subtotal, extra_table4_cell
):
    rng = random.Random(seed)
    if not LAYOUT_SUPPORTS_BLANK[layout]:
        blank_rate = 0.0
    tables = random_tables(rng, fmt, blank_rate=blank_rate, dash_rate=dash_rate)
    year = 2020 if fmt == "2019" else 2024
    text = render(
        tables, layout, issuer="某某县人民政府", year=year, with_subtotal=with_subtotal,
        extra_table4_cell=extra_table4_cell, rng=rng,
    )  # fmt: skip
    path = tmp_path_factory.mktemp("prop") / ("report.html" if layout.startswith("html") else "report.txt")
    path.write_text(text, encoding="utf-8")
    report = read_report(path)
    assert report.format == fmt
    assert report.year == year and report.issuer == "某某县人民政府"
    for name, expected in (("table2", table2_frame(tables)), ("table3", table3_frame(tables)),
                           ("table4", table4_frame(tables))):  # fmt: skip
        assert _cells(getattr(report, name)) == _cells(expected), name
    errors = [i for i in report.issues if i.severity == "error"]
    assert errors == []
    assert report.status == "ok"
    extra_notes = [i for i in report.issues if "extra unlabelled cell" in i.message]
    assert len(extra_notes) == int(extra_table4_cell)
    if with_subtotal:
        assert any("小计 column recognised" in i.message for i in report.issues)


@CASES
@given(seed=st.integers(0, 2**32 - 1), layout=st.sampled_from(["one_cell_per_line", "tab_separated", "pipe_separated"]))
def test_every_parsed_cell_points_at_its_source_line(tmp_path_factory, seed, layout):
    rng = random.Random(seed)
    tables = random_tables(rng, rng.choice(["2019", "2021"]), dash_rate=0.05)
    text = render(tables, layout, issuer="某某市人民政府", year=2023 if tables.fmt == "2021" else 2019, rng=rng)
    path = tmp_path_factory.mktemp("lines") / "report.txt"
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    report = read_report(path)
    for name in ("table2", "table3", "table4"):
        for raw, line in getattr(report, name)[["raw", "source_line"]].itertuples(index=False):
            assert raw in lines[line - 1], (name, raw, line)
