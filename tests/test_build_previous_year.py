"""The build hands a report its series' report of the year before: the last rung of the evidence ladder.

The files are made from a real department crawl (平潭 公安局 2021, every table 3 row run together): in
the later year 上年结转 and 结转下年度 both read ``110000011``, which the row total leaves as
1|10|0|0|0|0|11 or 11|0|0|0|0|0|11 and the column identities cannot tell apart (either pair balances).
The year before prints its 结转下年度 with spaces, ``1 10 0 0 0 0 11``: a cut forced by the separators,
so only 1|10|0|0|0|0|11 continues it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
import pytest

from gongkai.dataset import filework
from gongkai.dataset.build import build
from gongkai.parse.recover import UNSPLIT

from conftest import FIXTURES

CRAWL = (FIXTURES / "corpus" / "pingtan_gaj_2021_crawl.txt").read_text(encoding="utf-8")
BODY = "平潭综合实验区公安局"
BODIES = ("公安局", "财政局", "教育局", "交通运输局", "水利局", "农业农村局", "商务局", "民政局", "司法局")
BUILD = importlib.import_module("gongkai.dataset.build")  # the module (``gongkai.dataset.build`` is the function)
SETTLED = [1, 10, 0, 0, 0, 0, 11]  # the 上年结转 row the previous report's 结转下年度 continues


def _crawl(year: int, carried_over: str, new: str, carried_forward: str, body: str = "公安局") -> str:
    """The crawl with table 3's 新收, 上年结转, 其他 and 总计 and 结转下年度 rows replaced (other rows all 0)."""
    rows = {
        "一、本年新收政府信息公开申请数量1000001": f"一、本年新收政府信息公开申请数量{new}",
        "二、上年结转政府信息公开申请数量0000000": f"二、上年结转政府信息公开申请数量{carried_over}",
        "3.其他1000001": "3.其他0000000",
        "（七）总计1000001": "（七）总计0000000",
        "四、结转下年度继续办理1000001": f"四、结转下年度继续办理{carried_forward}",
    }
    text = CRAWL
    for old, new_row in rows.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new_row)
    return text.replace("2021年", f"{year}年").replace(BODY, f"平潭综合实验区{body}")


def _earlier(body: str = "公安局", carried_forward: str = "1 10 0 0 0 0 11") -> str:
    return _crawl(2021, "0000000", carried_forward, carried_forward, body)


def _later(body: str = "公安局") -> str:
    return _crawl(2022, "110000011", "0000000", "110000011", body)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rows(tables, report_id: str, row: str) -> pd.DataFrame:
    t3 = tables["table3"]
    return t3[(t3["report_id"] == report_id) & (t3["row"] == row)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def test_the_build_settles_a_run_by_the_previous_years_carry_over(tmp_path: Path) -> None:
    # the later year comes first among the files: it waits for the series, and the tables keep the files' order
    raw = _write(tmp_path / "raw", {"a_gaj_2022.txt": _later(), "b_gaj_2021.txt": _earlier()})
    tables = build(raw, None, jobs=1, progress=False).tables
    assert tables["reports"]["report_id"].tolist() == ["a_gaj_2022.txt", "b_gaj_2021.txt"]
    assert tables["reports"]["series_id"].nunique() == 1
    carried = _rows(tables, "a_gaj_2022.txt", "carried_over")
    assert carried["value"].tolist() == SETTLED
    assert set(carried["cell_status"]) == {"inferred"} and set(carried["inferred_by"]) == {"previous_year"}
    # 结转下年度 has no previous figure to continue: still unsplit, still reported, never guessed
    assert set(_rows(tables, "a_gaj_2022.txt", "carried_forward")["cell_status"]) == {"missing"}
    issues = tables["parse_issues"]
    issues = issues[issues["report_id"] == "a_gaj_2022.txt"]
    errors = issues.loc[issues["severity"] == "error", "message"].tolist()
    assert [e.split(":")[0] for e in errors if e.endswith(UNSPLIT)] == ["row carried_forward"]
    assert "run-together cells settled by the previous report b_gaj_2021.txt" in issues["message"].tolist()
    # the carry-over rule chose the cut: it is not counted as passing on those cells
    f = tables["findings"]
    carry = f[(f["report_id"] == "a_gaj_2022.txt") & (f["rule"] == "xy.carry_over")]
    assert set(carry["status"]) == {"not_assessable"}
    assert set(carry["column"]) == set(carried["applicant"])
    checks = tables["checks"].set_index(["report_id", "rule"]).loc[("a_gaj_2022.txt", "xy.carry_over")]
    assert checks["n_pass"] == 0 and checks["n_not_assessable"] == len(SETTLED)


def test_without_the_year_before_in_the_batch_the_run_stays_unsplit_and_reported(tmp_path: Path) -> None:
    raw = _write(tmp_path / "raw", {"gaj_2022.txt": _later(), "other_2021.txt": _earlier("财政局")})
    tables = build(raw, None, jobs=1, progress=False).tables
    carried = _rows(tables, "gaj_2022.txt", "carried_over")
    assert set(carried["cell_status"]) == {"missing"} and carried["inferred_by"].isna().all()
    issues = tables["parse_issues"]
    errors = issues.loc[(issues["report_id"] == "gaj_2022.txt") & (issues["severity"] == "error"), "message"]
    assert {e.split(":")[0] for e in errors if e.endswith(UNSPLIT)} == {"row carried_over", "row carried_forward"}
    assert not issues["message"].str.contains("settled by the previous report").any()


@pytest.fixture(scope="module")
def series_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years of nine bodies: more waiting reports than a worker's share, half of them before their year before."""
    files = {}
    for k, body in enumerate(BODIES):
        first, second = ("a", "b") if k % 2 else ("b", "a")
        files[f"{k}_{first}_2022.txt"] = _later(body)
        files[f"{k}_{second}_2021.txt"] = _earlier(body)
    return _write(tmp_path_factory.mktemp("series") / "raw", files)


def test_jobs_and_cache_give_the_same_bytes_when_reports_wait_for_their_series(series_batch, tmp_path) -> None:
    one = build(series_batch, tmp_path / "one", jobs=1, cache_dir=None, progress=False)
    two = build(series_batch, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache", progress=False)
    assert two.summary.cache_hits == 0
    three = build(series_batch, tmp_path / "three", jobs=2, cache_dir=tmp_path / "cache", progress=False)
    assert three.summary.cache_hits == three.summary.n_reports == len(BODIES) * 2 and not three.up_to_date
    assert _files(tmp_path / "one") == _files(tmp_path / "two") == _files(tmp_path / "three")
    t3 = one.tables["table3"]
    by_previous = t3[t3["inferred_by"] == "previous_year"]
    assert set(by_previous["row"]) == {"carried_over"}
    assert by_previous["report_id"].nunique() == len(BODIES)  # every later year was settled
    assert one.tables["reports"]["report_id"].tolist() == sorted(p.name for p in series_batch.iterdir())


def test_a_changed_previous_report_changes_what_it_settled(tmp_path: Path) -> None:
    """The cached unit of a report parsed with its year before is keyed on that report too: never a stale hit."""
    raw = _write(tmp_path / "raw", {"gaj_2021.txt": _earlier(), "gaj_2022.txt": _later()})
    cache = tmp_path / "cache"
    first = build(raw, tmp_path / "out", jobs=1, cache_dir=cache, progress=False)
    assert _rows(first.tables, "gaj_2022.txt", "carried_over")["value"].tolist() == SETTLED
    _write(raw, {"gaj_2021.txt": _earlier(carried_forward="11 0 0 0 0 0 11")})
    second = build(raw, tmp_path / "out", jobs=1, cache_dir=cache, progress=False)
    assert second.summary.cache_hits == 1  # the unchanged file's first parse; its parse with the new year before is new
    assert _rows(second.tables, "gaj_2022.txt", "carried_over")["value"].tolist() == [11, 0, 0, 0, 0, 0, 11]
    build(raw, tmp_path / "fresh", jobs=1, cache_dir=None, progress=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "fresh")


def test_a_batch_that_leaves_no_run_unsplit_never_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args, **kwargs):
        raise AssertionError("a batch with nothing unsplit waited or parsed again")

    monkeypatch.setattr(BUILD, "_Waiting", never)
    monkeypatch.setattr(BUILD, "_with_previous", never)
    raw = _write(tmp_path / "raw", {"gaj_2021.txt": _earlier(), "gaj_2020.txt": _crawl(2020, *["0000000"] * 3)})
    tables = build(raw, None, jobs=1, progress=False).tables
    assert len(tables["reports"]) == 2 and (tables["reports"]["status"] == "ok").all()


def test_a_second_parse_that_fails_keeps_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = filework.read_report

    def broken_with_previous(path, report_id=None, previous=None):
        if previous is not None:
            raise RuntimeError("a defect of the last rung")
        return real(path, report_id=report_id)

    monkeypatch.setattr(filework, "read_report", broken_with_previous)
    raw = _write(tmp_path / "raw", {"gaj_2021.txt": _earlier(), "gaj_2022.txt": _later()})
    tables = build(raw, None, jobs=1, progress=False).tables
    reports = tables["reports"].set_index("report_id")
    assert reports.loc["gaj_2022.txt", "status"] == "partial"  # its unsplit runs, as without the year before
    assert set(_rows(tables, "gaj_2022.txt", "carried_over")["cell_status"]) == {"missing"}
    issues = tables["parse_issues"]
    warned = issues[(issues["report_id"] == "gaj_2022.txt") & (issues["severity"] == "warning")]["message"]
    assert warned.str.contains("parsing again with the previous report gaj_2021.txt failed").sum() == 1
    assert warned.str.contains("a defect of the last rung").any()
