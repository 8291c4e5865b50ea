"""One bad file or a bad manifest never stops ``gongkai build`` (issue 12 item 1, issue 14's manifest)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gongkai.dataset import build
from gongkai.dataset.ids import readable_name, report_ids
from gongkai.dataset.manifest import load_manifest
from gongkai.regions import regions_frame

from conftest import RAW

HEADER = "file,issuer,year,source,sha256"


def _raw(tmp_path: Path, manifest: bytes | str | None = None, seeds=("jincheng_2024.txt", "jishan_2023.txt")) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in seeds:
        shutil.copy(RAW / name, raw / name)
    if manifest is not None:
        path = raw / "manifest.csv"
        if isinstance(manifest, str):
            path.write_text(manifest, encoding="utf-8")
        else:
            path.write_bytes(manifest)
    return raw


def _issues(result, report_id: str) -> list[str]:
    issues = result.tables["parse_issues"]
    return issues[issues.report_id == report_id]["message"].tolist()


def test_a_title_year_before_the_division_dataset_does_not_stop_the_batch(tmp_path):
    raw = _raw(tmp_path)
    text = (
        (RAW / "jincheng_2024.txt").read_text(encoding="utf-8").replace("人民政府2024年政府", "人民政府0024年政府", 1)
    )
    (raw / "year0024.txt").write_text(text, encoding="utf-8")
    result = build(raw, tmp_path / "out", progress=False)
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["year0024.txt", "year"] == 24
    assert pd.isna(reports.loc["year0024.txt", "division_code"])
    assert "before the division dataset" in reports.loc["year0024.txt", "region_note"]
    assert reports.loc["jincheng_2024.txt", "division_code"] == "140500"


def test_regions_frame_of_a_year_before_the_dataset_names_the_reason():
    frame = regions_frame(["晋城市人民政府"], {"晋城市人民政府": "140500"}, year=24)
    assert not frame["resolved"].any()
    assert frame["note"].iloc[0].startswith("year 24 is before the division dataset (it starts in 1980)")


MANIFEST_ROWS = [
    "jincheng_2024.txt,晋城市人民政府,2024,page,",
    "jishan_2023.txt,稷山县人民政府,2023,page,",
]


@pytest.mark.parametrize(
    ("body", "line", "message", "named"),
    [
        (
            [*MANIFEST_ROWS, "jincheng_2024.txt,晋城市人民政府,2023,page,"],
            4,
            "jincheng_2024.txt is already listed on line 2",
            "jincheng_2024.txt",
        ),
        ([MANIFEST_ROWS[0], 'jishan_2023.txt,"稷山县人民政府,2023,page,'], 3, "an unbalanced quote", "jishan_2023.txt"),
        (
            [MANIFEST_ROWS[0], "jishan_2023.txt,稷山县人民政府,2023"],
            3,
            "3 fields where the header has 5",
            "jishan_2023.txt",
        ),
        (
            [MANIFEST_ROWS[0], "jishan_2023.txt,稷山县人民政府,二〇二三,page,"],
            3,
            "year '二〇二三' is not a year",
            "jishan_2023.txt",
        ),
    ],
)
def test_a_bad_manifest_line_is_named_and_only_it_set_aside(tmp_path, body, line, message, named):
    raw = _raw(tmp_path, "\n".join([HEADER, *body]) + "\n")
    frame, problems = load_manifest(raw)
    assert [(p.line, p.file) for p in problems] == [(line, named)]
    assert message in problems[0].message
    assert frame.loc["jincheng_2024.txt", "year"] == "2024"  # the first line of a file wins
    result = build(raw, tmp_path / "out", progress=False)
    assert frame.index.is_unique
    assert any(m.startswith(f"manifest.csv line {line}: {message}") for m in _issues(result, named))
    assert len(result.tables["reports"]) == 2 and result.manifest_problems == []


def test_two_division_codes_for_one_issuer_are_both_set_aside(tmp_path):
    manifest = "\n".join(
        [
            "file,issuer,division_code",
            "jincheng_2024.txt,晋城市人民政府,140500",
            "jishan_2023.txt,晋城市人民政府,140525",
        ]
    )
    raw = _raw(tmp_path, manifest)
    _, problems = load_manifest(raw)
    assert [(p.line, p.file) for p in problems] == [(2, "jincheng_2024.txt"), (3, "jishan_2023.txt")]
    assert "contradicts 140525 (line 3)" in problems[0].message
    result = build(raw, tmp_path / "out", progress=False)  # today: ValueError from the region lookup
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["jincheng_2024.txt", "division_code"] == "140500"  # resolved from the name instead
    assert reports.loc["jincheng_2024.txt", "region_note"] != "override"


def test_partial_columns_are_accepted(tmp_path):
    raw = _raw(tmp_path, "file,series_id\njincheng_2024.txt,jincheng\njishan_2023.txt,jishan\n")
    frame, problems = load_manifest(raw)
    assert problems == [] and list(frame.columns) == ["series_id"]
    result = build(raw, tmp_path / "out", progress=False)
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["jincheng_2024.txt", "series_id"] == "jincheng"
    assert reports["status"].eq("ok").all()


def test_a_gbk_manifest_is_read_and_noted(tmp_path):
    manifest = "file,issuer,year\njincheng_2024.txt,晋城市人民政府,2024\n".encode("gbk")
    raw = _raw(tmp_path, manifest)
    frame, problems = load_manifest(raw)
    assert frame.loc["jincheng_2024.txt", "issuer"] == "晋城市人民政府"
    assert [p.severity for p in problems] == ["info"] and "GB18030" in problems[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "manifest.csv: not read (the file is empty)"),
        (b"issuer,year\nx,2024\n", "manifest.csv line 1: the header (issuer, year) lacks the column file"),
        (b"\xff\xfe\x00f\x00i", "manifest.csv: not read (neither UTF-8"),
    ],
)
def test_an_unusable_manifest_is_reported_and_the_build_goes_on(tmp_path, content, message):
    raw = _raw(tmp_path, content)
    result = build(raw, tmp_path / "out", progress=False)
    assert len(result.manifest_problems) == 1 and str(result.manifest_problems[0]).startswith(message)
    assert result.tables["reports"]["status"].eq("ok").all()
    assert (tmp_path / "out" / "reports.csv").exists()


def test_a_file_name_that_is_not_utf8_gets_a_readable_id(tmp_path):
    raw = _raw(tmp_path)
    gbk = os.fsdecode("晋城_2024.txt".encode("gbk"))
    garbage = os.fsdecode(b"\xff\xfe_2024.txt")
    try:
        shutil.copy(RAW / "jincheng_2024.txt", raw / gbk)
        shutil.copy(RAW / "jincheng_2024.txt", raw / garbage)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not store non-UTF-8 names")
    result = build(raw, tmp_path / "out", progress=False)  # writing the tables used to fail on the name
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["晋城_2024.txt", "status"] == "ok"
    assert "\\xff\\xfe_2024.txt" in reports.index
    notes = _issues(result, "晋城_2024.txt")
    assert any("not valid UTF-8" in m and "GB18030" in m for m in notes)
    assert pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")["report_id"].str.contains("晋城").any()


def test_a_decoded_name_never_takes_the_id_of_another_file(tmp_path):
    gbk = os.fsdecode("晋城.txt".encode("gbk"))
    ids = report_ids([tmp_path / "晋城.txt", tmp_path / gbk], tmp_path)
    assert ids[0] == ("晋城.txt", None)
    assert ids[1][0] != "晋城.txt" and "\\x" in ids[1][0]
    assert readable_name("plain.txt") == ("plain.txt", None)


def test_check_reads_a_broken_manifest_beside_the_file(tmp_path, capsys):
    from gongkai.cli import main

    raw = _raw(tmp_path, 'file,series_id\njincheng_2024.txt,"jincheng\n')  # unbalanced quote
    assert main(["check", str(raw / "jincheng_2024.txt")]) == 0
    assert "manifest.csv line 2: an unbalanced quote; this line is ignored" in capsys.readouterr().err


def test_build_summary_lists_manifest_problems_that_name_no_file(tmp_path, capsys):
    from gongkai.cli import main

    raw = _raw(tmp_path, "file,year\nmissing.txt,2024\nmissing.txt,2023\n")
    assert main(["build", str(raw), str(tmp_path / "out")]) == 0
    assert (
        "manifest.csv line 3: missing.txt is already listed on line 2; this line is ignored" in capsys.readouterr().out
    )


def test_every_region_lookup_of_a_year_before_the_dataset_answers_instead_of_raising():
    from gongkai.regions import explain_issuer, resolve_code

    res = explain_issuer("晋城市人民政府", year=24)
    assert res.region is None and res.note.startswith("year 24 is before the division dataset")
    assert resolve_code("140500", year=24) is None
    assert explain_issuer("晋城市人民政府", year=2024).region.code == "140500"
