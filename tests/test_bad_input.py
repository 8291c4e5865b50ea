"""Bad input gets a clear, located message, and the batch still writes every other report."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gongkai import read_report
from gongkai.dataset import build

from conftest import RAW

SEED = RAW / "jincheng_2024.txt"


def _lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _index(lines: list[str], text: str, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if lines[i].strip() == text)


def _errors(report) -> list[str]:
    return [f"[{i.section}] {i.message} @{i.source_line}" for i in report.issues if i.severity == "error"]


def test_empty_file(tmp_path):
    report = read_report(_write(tmp_path, "empty.txt", ["", "  "]))
    assert report.status == "failed"
    assert _errors(report) == ["[file] empty file @None"]


@pytest.mark.parametrize("low", [0, 0x80])
def test_binary_junk(tmp_path, low):
    path = tmp_path / "junk.txt"
    rng = random.Random(low)
    path.write_bytes(bytes(rng.randrange(low, 256) for _ in range(4000)))
    report = read_report(path)
    assert report.status == "failed"
    assert report.message.startswith(("[file] binary", "[file] undecodable")), report.message


def test_gbk_encoded_seed_parses_identically_with_a_note(tmp_path):
    path = tmp_path / "gbk.txt"
    text = SEED.read_text(encoding="utf-8").replace("\u2002", " ")  # EN SPACE has no GBK code
    path.write_bytes(text.encode("gbk"))
    report, original = read_report(path), read_report(SEED)
    assert report.encoding == "gb18030"
    assert any("GB18030" in i.message and i.severity == "info" for i in report.issues)
    for table in ("table2", "table3", "table4"):
        assert getattr(report, table).equals(getattr(original, table))
    assert report.issuer == "晋城市人民政府" and report.status == "ok"


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())
    report = read_report(path)
    assert report.encoding == "utf-8-sig" and report.status == "ok"
    assert report.table3.equals(read_report(SEED).table3)


def test_table3_truncated_midway(tmp_path):
    lines = _lines()
    cut = _index(lines, "5.属于三类内部事务信息")
    report = read_report(_write(tmp_path, "truncated.txt", lines[:cut]))
    assert report.status == "partial"
    errors = _errors(report)
    assert any(e.startswith("[三] table 3 rows not found: denied_internal_affairs,") for e in errors)
    assert any("table 4 not found" in e for e in errors)
    assert "[四] section 四 heading not found @None" in errors
    t3 = report.table3.set_index(["row", "applicant"])
    assert t3.loc[("denied_third_party_rights", "total"), "value"] == 5
    assert t3.loc[("carried_forward", "total"), "cell_status"] == "missing"
    assert report.table2["cell_status"].eq("number").all()


def test_missing_row_label(tmp_path):
    lines = _lines()
    i = _index(lines, "2.重复申请")
    line_of_previous_label = _index(lines, "1.信访举报投诉类申请") + 1
    report = read_report(_write(tmp_path, "nolabel.txt", lines[:i] + lines[i + 1 :]))
    errors = _errors(report)
    assert (
        f"[三] row rejected_petition_or_complaint: 14 value cells where 7 were expected (row too long): "
        f"[9 0 0 0 1 0 10 4 0 0 0 0 0 4] @{line_of_previous_label}" in errors
    )
    assert any("rows not found: rejected_duplicate" in e for e in errors)
    t3 = report.table3.set_index(["row", "applicant"])
    assert t3.loc[("rejected_petition_or_complaint", "total"), "cell_status"] == "missing"
    assert t3.loc[("rejected_publication", "total"), "value"] == 0
    assert report.status == "partial"


@pytest.mark.parametrize("change", ["fewer", "more"])
def test_row_with_one_cell_too_few_or_too_many(tmp_path, change):
    lines = _lines()
    i = _index(lines, "(一)予以公开")
    first_value = i + 2  # one blank line between cells
    edited = (
        lines[:first_value] + lines[first_value + 2 :]
        if change == "fewer"
        else ([*lines[:first_value], "5", "", *lines[first_value:]])
    )
    report = read_report(_write(tmp_path, f"{change}.txt", edited))
    errors = _errors(report)
    expected = (
        "6 value cells where 7 were expected (row too short)"
        if change == "fewer"
        else ("8 value cells where 7 were expected (row too long)")
    )
    assert [e for e in errors if e.startswith("[三] row granted:")] == [
        f"[三] row granted: {expected}: "
        + ("[4 0 0 1 0 226]" if change == "fewer" else "[5 221 4 0 0 1 0 226]")
        + f" @{i + 1}"
    ]
    assert report.table3.query("row == 'granted'")["cell_status"].eq("missing").all()
    assert report.table3.query("row == 'partially_granted'")["value"].tolist() == [79, 0, 0, 0, 8, 0, 87]


def test_html_without_table(tmp_path):
    path = tmp_path / "notable.html"
    path.write_text(
        "<html><body><h1>某县人民政府2024年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年收到申请5件。</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>见附件。</p></body></html>",
        encoding="utf-8",
    )
    report = read_report(path)
    assert report.status == "failed"
    assert "[三] table 3 not found (no values in section 三) @None" in _errors(report)
    assert report.year == 2024 and report.issuer == "某县人民政府"


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "report.xyz"
    path.write_bytes(b"whatever")
    report = read_report(path)
    assert report.status == "failed" and "unsupported file type '.xyz'" in report.message
    assert report.sha256


def test_batch_keeps_going_and_records_every_file(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for seed in RAW.glob("*.txt"):
        shutil.copy(seed, raw / seed.name)
    (raw / "empty.txt").write_text("")
    (raw / "sub" / "junk.txt").write_bytes(b"\x00\x01\x02" * 100)
    (raw / "sub" / "notes.xyz").write_bytes(b"?")
    lines = _lines()
    _write(raw, "truncated.txt", lines[: _index(lines, "5.属于三类内部事务信息")])
    result = build(raw, tmp_path / "out", progress=False)
    reports = result.tables["reports"].set_index("report_id")
    assert sorted(reports.index) == sorted(
        [p.name for p in RAW.glob("*.txt")] + ["empty.txt", "sub/junk.txt", "sub/notes.xyz", "truncated.txt"]
    )
    assert reports.loc["empty.txt", "status"] == "failed"
    assert reports.loc["sub/junk.txt", "status"] == "failed"
    assert reports.loc["truncated.txt", "status"] == "partial"
    assert (reports.loc[[p.name for p in RAW.glob("*.txt")], "status"] == "ok").all()
    t3 = result.tables["table3"]
    assert t3[t3.report_id == "jincheng_2024.txt"]["value"].sum() > 0
    for name in ("reports", "table2", "table3", "table4", "parse_issues"):
        assert (tmp_path / "out" / f"{name}.parquet").exists() and (tmp_path / "out" / f"{name}.csv").exists()
    issues = result.tables["parse_issues"]
    assert set(issues[issues.severity == "error"].report_id) == {
        "empty.txt",
        "sub/junk.txt",
        "sub/notes.xyz",
        "truncated.txt",
    }


def test_a_count_too_large_to_store_is_a_located_text_cell(tmp_path):
    lines = _lines()
    i = _index(lines, "(一)予以公开") + 2
    lines[i] = "99999999999999999999"
    report = read_report(_write(tmp_path, "huge.txt", lines))
    cell = report.table3.set_index(["row", "applicant"]).loc[("granted", "natural_person")]
    assert cell["cell_status"] == "text" and pd.isna(cell["value"])
    assert f"[三] row granted, natural_person: '99999999999999999999' is too large to be a count @{i + 1}" in _errors(
        report
    )
    assert report.table3["value"].dropna().ge(0).all()


def test_a_subtotal_that_differs_from_its_columns_is_a_located_warning(tmp_path):
    from gongkai.synthetic import random_tables, render

    rng = random.Random(7)
    tables = random_tables(rng, "2021", blank_rate=0.0, dash_rate=0.0, consistent=True)
    lines = render(tables, "tab_separated", issuer="某县人民政府", year=2024, with_subtotal=True, rng=rng).split("\n")
    i = next(n for n, line in enumerate(lines) if "本年新收" in line)
    cells = lines[i].split("\t")
    numbers = [k for k, c in enumerate(cells) if c.strip().isdigit()]
    subtotal_at = numbers[1]  # natural person, 小计, the five organisations, total
    parts = sum(int(cells[k]) for k in numbers[2:7])
    assert int(cells[subtotal_at]) == parts
    cells[subtotal_at] = str(parts + 5)
    lines[i] = "\t".join(cells)
    report = read_report(_write(tmp_path, "subtotal.txt", lines))
    warnings = [f"{w.message} @{w.source_line}" for w in report.issues if w.severity == "warning"]
    expected = f"row new_received: 法人或其他组织小计 {parts + 5} differs from the sum of its columns ({parts})"
    assert f"{expected} @{i + 1}" in warnings
    t3 = report.table3.set_index(["row", "applicant"])["value"]
    assert t3[("new_received", "total")] == tables.table3[("new_received", "total")].value
    assert report.status == "ok"
