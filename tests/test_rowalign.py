"""Rows matched by their place as well as their words (parse/rowalign.py), in every layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai import read_report
from gongkai.parse.normalize import norm
from gongkai.parse.rowalign import align_gap, likeness, official_labels
from gongkai.templates import table3_rows

from conftest import FIXTURES

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}


def _parse_edited(tmp_path: Path, name: str, edit) -> object:
    text = (RAW / f"{name}.txt").read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    path = tmp_path / f"{name}.txt"
    path.write_text(edited, encoding="utf-8")
    return read_report(path)


@pytest.mark.parametrize("name", ["jishan_2023", "jincheng_2024", "boshan_2024"])  # tab, one cell per line, pipes
def test_garbled_label_is_matched_by_place_and_likeness_in_text_layouts(tmp_path, name):
    def garble(text: str) -> str:
        return text.replace("其他法律行政法规禁止公开", "其他法律法规禁公开").replace(
            "其他法律法规禁止公开", "其他法律法规禁公开"
        )

    report = _parse_edited(tmp_path, name, garble)
    assert report.status == "ok", report.message
    for table, keys in KEYS.items():
        expected = pd.read_csv(FIXTURES / "expected" / name / f"{table}.csv")
        actual = getattr(report, table)
        assert actual[keys].values.tolist() == expected[keys].values.tolist()
        assert actual["value"].astype(float).tolist() == expected["value"].astype(float).tolist(), table
    notes = [i for i in report.issues if i.severity == "warning" and "by its place" in i.message]
    assert len(notes) == 1 and notes[0].message.startswith("denied_prohibited_by_law")
    assert "其他法律法规禁公开" in notes[0].message and notes[0].section == "三"


def test_two_template_rows_that_could_fit_are_reported_not_guessed(tmp_path):
    """（六） with one sub-row missing and the other garbled so that it is like both: not matched."""

    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        out = []
        for line in lines:
            if "缴纳费用" in line:
                continue
            if "逾期不补正" in line:
                line = line.replace(
                    "1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "申请人逾期行政机关不再处理其政府信息公开申请",
                )
            out.append(line)
        return "".join(out)

    report = _parse_edited(tmp_path, "jishan_2023", edit)
    errors = [i.message for i in report.issues if i.severity == "error"]
    assert any("could be other_no_correction or other_fee_unpaid" in m and "not guessed" in m for m in errors)
    t3 = report.table3
    for key in ("other_no_correction", "other_fee_unpaid"):
        assert t3[t3["row"] == key]["cell_status"].eq("missing").all()
    assert report.status == "partial"


def test_a_label_like_nothing_stays_unrecognised(tmp_path):
    report = _parse_edited(tmp_path, "jishan_2023", lambda t: t.replace("2. 其他法律法规禁止公开", "备注栏目"))
    assert any("unrecognised label" in i.message for i in report.issues if i.severity == "error")
    t3 = report.table3
    assert t3[t3["row"] == "denied_prohibited_by_law"]["cell_status"].eq("missing").all()


def test_official_labels_are_wholly_like_themselves():
    labels = official_labels("table3_row")
    for row in table3_rows("2021"):
        assert likeness(norm(labels[row.key]), "table3_row", row.key) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_dropping_characters_of_one_label_in_a_gap_of_one_still_matches_it(data):
    """Any label with up to a quarter of its characters dropped is matched when it alone is free."""
    rows = [r for r in table3_rows("2021") if len(r.label) >= 6]
    row = data.draw(st.sampled_from(rows))
    label = row.label
    drop = data.draw(st.sets(st.integers(0, len(label) - 1), max_size=len(label) // 4))
    garbled = norm("".join(ch for i, ch in enumerate(label) if i not in drop))
    keys = tuple(r.key for r in table3_rows("2021"))
    matches, ambiguous = align_gap([garbled], [0], [keys.index(row.key)], "table3_row", keys)
    assert not ambiguous
    assert [m.key for m in matches] == [row.key]
