"""Issue 15: corrections.csv and reviews.csv beside the raw data, applied on every build.

On the real seeds (data/raw, copied) and on generated reports: a correction changes the audit exactly as
editing the source would (the identities over that cell, nothing else); a review attaches to its finding;
a review whose finding is gone is listed as stale; both files are inputs, never reports; Chinese printed
labels work as keys; every bad row is reported with its line while the other rows still apply.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from gongkai import read_report
from gongkai.cli import main
from gongkai.dataset.build import build
from gongkai.report import ParseIssue, Report
from gongkai.review.corrections import apply_corrections
from gongkai.review.inputs import Correction, read_corrections
from gongkai.review.keys import BadEntry, resolve_finding_key, resolve_key
from gongkai.rules import audit_all
from gongkai.synthetic import TruthCell, random_tables, render
from gongkai.synthetic.generate import SyntheticTables
from gongkai.synthetic.meta import narrative

from conftest import RAW

JINCHENG = "jincheng_2024.txt"
IDENTITY_RULES = ("t3.column_balance", "t3.row_total", "t3.outcome_total", "t4.proceeding_total")
AUDIT_COLUMNS = ["report_id", "rule", "severity", "status", "table", "row", "column", "expected", "actual"]


def _raw_copy(tmp: Path, corrections: str | None = None, reviews: str | None = None) -> Path:
    raw = tmp / "raw"
    shutil.copytree(RAW, raw)
    for p in raw.iterdir():
        p.chmod(0o644)
    header = {"corrections.csv": "report_id,table,row,column,value,note\n",
              "reviews.csv": "report_id,rule,table,row,column,verdict,note\n"}  # fmt: skip
    for name, body in (("corrections.csv", corrections), ("reviews.csv", reviews)):
        if body is not None:
            (raw / name).write_text(header[name] + body, encoding="utf-8")
    return raw


def _plant_in_source(raw: Path) -> None:
    """What corrections.csv line 'granted/natural_person = 231' stands for, done to the source instead."""
    seed = raw / JINCHENG
    lines = seed.read_text(encoding="utf-8").split("\n")
    i = lines.index("(一)予以公开") + 2
    assert lines[i] == "221"
    lines[i] = "231"
    seed.write_text("\n".join(lines), encoding="utf-8")


def _audit(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = tables["findings"][AUDIT_COLUMNS].reset_index(drop=True)
    return f, tables["checks"].reset_index(drop=True)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The seeds as they are, with one correction, and with the same change made to the source."""
    base = build(_raw_copy(tmp_path_factory.mktemp("base")), progress=False)
    corrected = build(
        _raw_copy(tmp_path_factory.mktemp("corr"), f"{JINCHENG},3,granted,natural_person,231,misprint\n"),
        progress=False,
    )
    edited_raw = _raw_copy(tmp_path_factory.mktemp("edit"))
    _plant_in_source(edited_raw)
    edited = build(edited_raw, progress=False)
    return base, corrected, edited


def test_a_correction_audits_exactly_as_the_corrected_source(builds):
    _, corrected, edited = builds
    f_corr, c_corr = _audit(corrected.tables)
    f_edit, c_edit = _audit(edited.tables)
    pd.testing.assert_frame_equal(f_corr, f_edit)
    pd.testing.assert_frame_equal(c_corr, c_edit)


def test_a_correction_changes_only_the_identities_over_its_cell(builds):
    base, corrected, _ = builds
    f_base, c_base = _audit(base.tables)
    f_corr, c_corr = _audit(corrected.tables)
    key = ["report_id", "rule", "status", "row", "column"]
    added = set(map(tuple, f_corr[key].values.tolist())) - set(map(tuple, f_base[key].values.tolist()))
    assert added == {
        (JINCHENG, "t3.row_total", "fail", "granted", "total"),
        (JINCHENG, "t3.outcome_total", "fail", "total_processed", "natural_person"),
    }
    assert len(f_corr) == len(f_base) + 2
    changed = c_corr.compare(c_base)
    rows = c_corr.loc[changed.index, ["report_id", "rule"]]
    assert set(map(tuple, rows.values.tolist())) == {(JINCHENG, "t3.row_total"), (JINCHENG, "t3.outcome_total")}
    assert (c_corr.loc[changed.index, "n_fail"] - c_base.loc[changed.index, "n_fail"]).tolist() == [1, 1]


def test_the_corrected_cell_keeps_its_raw_text_and_the_parse_notes_the_value_as_parsed(builds):
    _, corrected, _ = builds
    t3 = corrected.tables["table3"]
    cell = t3[(t3["report_id"] == JINCHENG) & (t3["row"] == "granted") & (t3["applicant"] == "natural_person")]
    assert cell[["value", "raw", "cell_status"]].values.tolist() == [[231, "221", "corrected"]]
    assert (t3["cell_status"] == "corrected").sum() == 1
    notes = corrected.tables["parse_issues"]
    note = notes[notes["message"].str.contains("corrections.csv line 2")]
    assert len(note) == 1
    assert note["severity"].iloc[0] == "info" and note["section"].iloc[0] == "三"
    assert "231" in note["message"].iloc[0] and "number 221" in note["message"].iloc[0]
    assert "misprint" in note["message"].iloc[0]
    assert note["source_line"].iloc[0] == cell["source_line"].iloc[0]
    evidence = corrected.tables["findings"].query("rule == 't3.row_total'")["evidence"].iloc[0]
    assert "granted/natural_person='221' corrected to 231" in evidence


def test_the_judgement_files_are_inputs_not_reports(builds, tmp_path):
    _, corrected, _ = builds
    assert sorted(corrected.tables["reports"]["report_id"]) == sorted(
        p.name for p in RAW.iterdir() if p.name != "manifest.csv"
    )
    raw = _raw_copy(tmp_path, "", "")
    result = build(raw, progress=False)
    assert not {"corrections.csv", "reviews.csv"} & set(result.tables["reports"]["report_id"])
    assert result.tables["review_issues"].empty and result.tables["stale_reviews"].empty
    assert result.tables["findings"]["review"].isna().all()


def test_chinese_printed_labels_name_the_same_cells_as_the_keys(tmp_path):
    body = (
        f"{JINCHENG},表三,(一)予以公开,自然人,231,as printed\n"
        f"{JINCHENG},三,（二）部分公开（区分处理的，只计这一情形，不计其他情形）,总计,88,full-width brackets\n"
        f"{JINCHENG},四,行政复议,结果纠正,5,\n"
        f"{JINCHENG},二,规章,本年制发件数,2,\n"
        f"{JINCHENG},3,其他法律法规禁止公开,natural_person,6,a spelling the parser also knows\n"
    )
    corrections, issues = read_corrections(_raw_copy(tmp_path, body))
    assert issues == []
    assert [(c.table, c.row, c.column, c.value) for c in corrections] == [
        (3, "granted", "natural_person", 231),
        (3, "partially_granted", "total", 88),
        (4, "administrative_review", "corrected", 5),
        (2, "regulation", "issued", 2),
        (3, "denied_prohibited_by_law", "natural_person", 6),
    ]


@pytest.mark.parametrize(
    ("table", "axis", "text", "key"),
    [
        (3, 0, "（三）不予公开", "denied_*"),
        (3, 0, "(四)无法提供", "unavailable_*"),
        (3, 1, "总计", "total"),
        (4, 0, "未经复议直接起诉", "litigation_direct"),
        (2, 1, "本年增/减", "items_change"),
    ],
)
def test_finding_keys_accept_printed_labels_and_groups(table, axis, text, key):
    assert resolve_finding_key(table, axis, text) == key


def test_a_label_of_a_group_or_of_nothing_is_not_a_cell():
    with pytest.raises(BadEntry, match="group"):
        resolve_key(3, 1, "法人或其他组织")
    with pytest.raises(BadEntry, match="no applicant"):
        resolve_key(3, 1, "外国人")


def test_bad_rows_are_reported_by_line_and_the_rest_applies(tmp_path):
    body = (
        f"{JINCHENG},7,granted,natural_person,1,unknown table\n"
        f"{JINCHENG},3,granted,natural_person,1.5,not a count\n"
        f"{JINCHENG},3,granted,natural_person,abc,not a number\n"
        f"{JINCHENG},3,other_handling,total,1,a 2019 row in a 2021 report\n"
        "nosuch.txt,3,granted,total,1,no such report\n"
        f"{JINCHENG},3,granted,外国人,1,no such column\n"
        f"{JINCHENG},3,granted,natural_person,231,the one good row\n"
    )
    reviews = f"{JINCHENG},claim.pct_truncated,3,granted,total,maybe,\n{JINCHENG},no.such_rule,,,,confirmed,\n"
    result = build(_raw_copy(tmp_path, body, reviews), progress=False)
    issues = result.tables["review_issues"]
    by_line = {(f, int(n)): m for f, n, m in issues[["file", "line", "message"]].itertuples(index=False)}
    assert set(by_line) == {("corrections.csv", n) for n in range(2, 8)} | {("reviews.csv", 2), ("reviews.csv", 3)}
    assert "unknown table '7'" in by_line[("corrections.csv", 2)]
    assert "whole numbers" in by_line[("corrections.csv", 3)]
    assert "not a number" in by_line[("corrections.csv", 4)]
    assert "has no cell other_handling/total" in by_line[("corrections.csv", 5)]
    assert "no report 'nosuch.txt'" in by_line[("corrections.csv", 6)]
    assert "外国人" in by_line[("corrections.csv", 7)]
    assert "unknown verdict 'maybe'" in by_line[("reviews.csv", 2)]
    assert "unknown rule 'no.such_rule'" in by_line[("reviews.csv", 3)]
    assert (issues["severity"] == "error").all()
    t3 = result.tables["table3"]
    assert t3.loc[t3["cell_status"] == "corrected", ["row", "applicant", "value"]].values.tolist() == [
        ["granted", "natural_person", 231]
    ]


def test_a_correction_of_a_report_without_tables_is_reported():
    failed = Report("broken.pdf", "raw/broken.pdf", "", issues=[ParseIssue("error", "file", "not a PDF")])
    [out], problems = apply_corrections([failed], [Correction(2, "broken.pdf", 3, "granted", "total", 1.0, "")])
    assert out.table3.empty and out.issues == failed.issues
    assert [(p.line, p.severity) for p in problems] == [(2, "error")]
    assert "table 3 of broken.pdf has no cell granted/total" in problems[0].message


def test_corrections_leave_the_parsed_report_as_it_was():
    report = read_report(RAW / JINCHENG, report_id=JINCHENG)
    before = report.cells(3)
    [out], _ = apply_corrections([report], [Correction(2, JINCHENG, 3, "granted", "natural_person", 231.0, "")])
    assert report.cells(3) is before and "corrected" not in {r.cell_status for r in before.records}
    assert len(out.issues) == len(report.issues) + 1


def test_a_file_in_gb18030_is_read_and_an_undecodable_one_reported(tmp_path):
    raw = _raw_copy(tmp_path)
    text = f"report_id,table,row,column,value,note\n{JINCHENG},表三,(一)予以公开,自然人,231,Excel 另存为\n"
    (raw / "corrections.csv").write_bytes(text.encode("gb18030"))
    corrections, issues = read_corrections(raw)
    assert [(c.row, c.column, c.note) for c in corrections] == [("granted", "natural_person", "Excel 另存为")]
    assert [i.severity for i in issues] == ["warning"] and "GB18030" in issues[0].message
    (raw / "corrections.csv").write_bytes(b"report_id,table,row,column,value,note\n\xff\xfe\x81\x00,3\n")
    corrections, issues = read_corrections(raw)
    assert corrections == [] and issues[0].severity == "error" and "line 2" in issues[0].message
    (raw / "corrections.csv").write_text("report_id,table,value\n", encoding="utf-8")
    corrections, issues = read_corrections(raw)
    assert corrections == [] and "lacks column(s) row, column, note" in issues[0].message


def test_reviews_attach_to_their_findings_in_keys_or_labels(tmp_path):
    reviews = (
        f"{JINCHENG},claim.pct_truncated,3,granted,total,confirmed,stated 31.38% truncates 31.3889%\n"
        f"{JINCHENG},claim.pct_truncated,表三,（三）不予公开,总计,dismissed,rounding style only\n"
        f"{JINCHENG},xy.carry_over,,,,Confirmed,no 2023 report collected yet\n"
    )
    result = build(_raw_copy(tmp_path, reviews=reviews), progress=False)
    f = result.tables["findings"]
    reviewed = f[f["review"].notna()]
    assert reviewed[["rule", "row", "review", "review_note"]].fillna("").values.tolist() == [
        ["claim.pct_truncated", "granted", "confirmed", "stated 31.38% truncates 31.3889%"],
        ["claim.pct_truncated", "denied_*", "dismissed", "rounding style only"],
        ["xy.carry_over", "", "confirmed", "no 2023 report collected yet"],
    ]
    assert (reviewed["report_id"] == JINCHENG).all()
    assert f["review"].isna().sum() == len(f) - 3
    assert result.tables["stale_reviews"].empty and result.tables["review_issues"].empty


def test_a_review_whose_finding_is_gone_is_listed_as_stale(tmp_path):
    """Reviewed while the source read 231 (a failing row total); the report was then fixed (221)."""
    reviews = (
        f"{JINCHENG},t3.row_total,3,granted,total,confirmed,221 printed as 231\n"
        "gone_2019.txt,t3.row_total,3,granted,total,dismissed,a report since removed\n"
    )
    planted = _raw_copy(tmp_path / "a", reviews=reviews)
    _plant_in_source(planted)
    before = build(planted, progress=False)
    assert before.tables["findings"]["review"].eq("confirmed").sum() == 1
    assert len(before.tables["stale_reviews"]) == 1
    after = build(_raw_copy(tmp_path / "b", reviews=reviews), progress=False)
    stale = after.tables["stale_reviews"]
    assert stale[["line", "report_id", "rule", "verdict"]].values.tolist() == [
        [2, JINCHENG, "t3.row_total", "confirmed"],
        [3, "gone_2019.txt", "t3.row_total", "dismissed"],
    ]
    assert "no such finding" in stale["reason"].iloc[0] and "no report" in stale["reason"].iloc[1]
    assert after.tables["findings"]["review"].isna().all()


def test_build_writes_and_prints_the_judgement_tables(tmp_path, capsys):
    raw = _raw_copy(
        tmp_path, "nosuch.txt,3,granted,total,1,\n", f"{JINCHENG},t3.row_total,3,granted,total,confirmed,\n"
    )
    out = tmp_path / "processed"
    assert main(["build", str(raw), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "stale reviews: 1" in printed and "reviews.csv line 2" in printed
    assert "corrections.csv line 2: no report 'nosuch.txt'" in printed
    for name in ("stale_reviews", "review_issues"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    findings = pd.read_parquet(out / "findings.parquet")
    assert list(findings.columns[-3:]) == ["review", "review_label", "review_note"]


def test_gongkai_review_lines_paste_into_reviews_csv(tmp_path, capsys):
    raw = _raw_copy(tmp_path, f"{JINCHENG},3,granted,natural_person,231,\n")
    processed = tmp_path / "processed"
    assert main(["build", str(raw), str(processed)]) == 0
    capsys.readouterr()
    assert main(["review", str(raw / JINCHENG), "--processed", str(processed), "--cells"]) == 0
    listing = capsys.readouterr().out
    assert f"from the build in {processed}" in listing
    line = f"{JINCHENG},t3.row_total,3,granted,total,,"
    assert f"    {line}" in listing.split("\n")
    assert f"    {JINCHENG},3,granted,natural_person,231," in listing.split("\n")  # the cell, as corrected
    (raw / "reviews.csv").write_text(
        "report_id,rule,table,row,column,verdict,note\n" + line.replace(",,", ",confirmed,checked") + "\n", "utf-8"
    )
    rebuilt = build(raw, progress=False)
    hit = rebuilt.tables["findings"].query("rule == 't3.row_total'")
    assert hit["review"].tolist() == ["confirmed"] and rebuilt.tables["stale_reviews"].empty


def test_gongkai_review_without_a_build_audits_the_report_alone(tmp_path, capsys):
    raw = _raw_copy(tmp_path)
    assert main(["review", str(raw / JINCHENG), "--processed", str(tmp_path / "none")]) == 0
    assert "audited alone" in capsys.readouterr().out


# Generated reports: correcting a cell audits exactly like a source that prints the corrected value.

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _with(tables: SyntheticTables, table: int, key: tuple[str, str], value: int) -> SyntheticTables:
    cells = dict(getattr(tables, f"table{table}"))
    cells[key] = TruthCell.number(value)
    parts = {2: tables.table2, 3: tables.table3, 4: tables.table4} | {table: cells}
    return SyntheticTables(tables.fmt, parts[2], parts[3], parts[4])


def _read(text: str, name: str) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        return read_report(path, report_id="generated.txt")


@PROPERTY
@given(
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(["one_cell_per_line", "tab_separated", "pipe_separated", "html_table"]),
    table=st.sampled_from([3, 4]),
    delta=st.integers(-5, 40).filter(lambda d: d != 0),
)
def test_generated_correction_audits_as_the_corrected_source(seed, layout, table, delta):
    rng = random.Random(seed)
    fmt = rng.choice(["2019", "2021"])
    year = 2020 if fmt == "2019" else 2024
    tables = random_tables(rng, fmt)
    numbers = [(k, c) for k, c in getattr(tables, f"table{table}").items() if c.status == "number"]
    key, cell = rng.choice(numbers)
    value = max(0, int(cell.value) + delta)  # type: ignore[arg-type]
    story = narrative(random.Random(seed), tables, issuer="某某县人民政府", year=year)
    name = "report.html" if layout.startswith("html") else "report.txt"

    def text(t: SyntheticTables) -> str:
        return render(t, layout, issuer="某某县人民政府", year=year, rng=random.Random(seed), narrative_text=story)

    original = _read(text(tables), name)
    [corrected], problems = apply_corrections(
        [original], [Correction(2, "generated.txt", table, key[0], key[1], float(value), "")]
    )
    assert problems == []
    edited = _read(text(_with(tables, table, key, value)), name)
    a, b = audit_all([corrected]), audit_all([edited])
    pd.testing.assert_frame_equal(a.findings.drop(columns="evidence"), b.findings.drop(columns="evidence"))
    pd.testing.assert_frame_equal(a.checks, b.checks)
    pd.testing.assert_frame_equal(a.claims, b.claims)
    base = audit_all([original])
    changed = a.checks.compare(base.checks)
    rules = set(a.checks.loc[changed.index, "rule"]) - {
        "claim.count",
        "claim.share",
        "claim.pct_truncated",
        "claim.yoy",
    }
    assert rules <= set(IDENTITY_RULES)
    if value == cell.value:
        assert changed.empty
    else:
        assert rules, "every cell of tables 3 and 4 is in an identity: changing one breaks it"
    # the original report is untouched: its records are not the corrected ones
    assert original.cells(table) is not corrected.cells(table)


# The region page and the index: reviewed findings apart from unreviewed ones, counted per region.


@pytest.fixture(scope="module")
def reviewed_site(tmp_path_factory):
    """The seeds built with the planted 231 as a correction, its row total confirmed and its outcome total
    dismissed, and one stale review."""
    raw = _raw_copy(
        tmp_path_factory.mktemp("site"),
        f"{JINCHENG},3,granted,natural_person,231,\n",
        f"{JINCHENG},t3.row_total,3,granted,total,confirmed,misprint in the report\n"
        f"{JINCHENG},t3.outcome_total,3,（七）总计,自然人,dismissed,follows from the same cell\n"
        f"{JINCHENG},t3.row_total,3,carried_over,total,confirmed,an old finding\n",
    )
    processed = raw.parent / "processed"
    assert main(["build", str(raw), str(processed)]) == 0
    return processed


def test_region_page_shows_reviewed_findings_apart(reviewed_site):
    from gongkai.analysis import region_report as rr
    from gongkai.analysis import reviewed
    from gongkai.analysis.region_data import load_region
    from gongkai.dataset.labels import label

    row_total, outcome_total = label("rule", "t3.row_total"), label("rule", "t3.outcome_total")
    audit = rr.build_audit(load_region(reviewed_site, "晋城市"))
    section = next(s for s in rr.report_sections(audit) if f"（文件：{JINCHENG}）" in s.html)
    doc = lxml_html.fromstring(section.html)
    own = doc.xpath('//table[caption="本报告的审查发现"]')
    shown_rules = {td.text_content() for t in own for td in t.xpath(".//tbody/tr/td[8]")}
    assert not {row_total, outcome_total} & shown_rules  # reviewed: not among the unreviewed
    confirmed = reviewed.reviewed_rows(audit, "confirmed")
    dismissed = reviewed.reviewed_rows(audit, "dismissed")
    assert [r["rule"] for r in confirmed] == [row_total]
    assert [r["review_note"] for r in confirmed] == ["misprint in the report"]
    assert [r["rule"] for r in dismissed] == [outcome_total]
    assert "已确认 1 条，已排除 1 条" in reviewed.review_summary(audit)
    assert "1 条复核已失效" in reviewed.review_summary(audit)
    assert [r["line"] for r in reviewed.stale_rows(audit)] == ["4"]
    assert "misprint in the report" in reviewed.reviewed_html(audit)
    # a dismissed finding is no problem; the confirmed one stays in the problem list, marked
    problems = lxml_html.fromstring(rr.problems_html(audit)).xpath("//tbody/tr")
    texts = [tr.text_content() for tr in problems]
    assert any(row_total in t and "已确认" in t for t in texts) and not any(outcome_total in t for t in texts)

    # the dismissed outcome total paints nothing (so no crossing suspect); the confirmed row total still does
    def cells(css: str) -> list[str]:
        return [td.text_content() for td in doc.xpath(f'//td[contains(concat(" ", @class, " "), " {css} ")]')]

    assert cells("gk-fail") == ["226"] and cells("gk-suspect") == []
    assert cells("gk-corrected") == ["231†"]


def test_index_counts_verdicts_per_region(reviewed_site):
    from gongkai.analysis.data import load_table
    from gongkai.publish.index import review_counts

    counts = review_counts(load_table(reviewed_site, "reports"), load_table(reviewed_site, "findings"))
    assert counts.loc["山西省/晋城市"].to_dict() == {"confirmed": 1, "dismissed": 1, "unreviewed": 4}
    assert counts.loc["山西省"].to_dict() == counts.loc["山西省/晋城市"].to_dict()
    assert "山东省" not in counts.index or counts.loc["山东省"].sum() == 0
