"""Issue 13 and issue 12 item 4: parallel, cached, streamed builds whose output is whole or untouched."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from gongkai.cli import main
from gongkai.dataset import build, filework
from gongkai.parse.report import read_report
from gongkai.rules import audit_all
from gongkai.staging import FolderLocked, folder_lock
from gongkai.synthetic import LAYOUTS, format_for_year, random_tables, render

from conftest import FIXTURES, RAW

ISSUERS = ("晋城市阳城县人民政府", "高平市人民政府办公室", "泽州县人民政府", "沁水县人民政府")


def _series_corpus(folder: Path, n_years: int = 4, seed: int = 7) -> None:
    """Reports of a few issuers over consecutive years, every layout, with a year-on-year claim each."""
    folder.mkdir(parents=True, exist_ok=True)
    k = 0
    for issuer in ISSUERS:
        for year in range(2020, 2020 + n_years):
            rng = random.Random(seed + k)
            layout = LAYOUTS[k % len(LAYOUTS)]
            tables = random_tables(rng, format_for_year(year), consistent=k % 3 != 0)
            text = f"本年度共收到政府信息公开申请{rng.randint(5, 90)}件，比上年增长{rng.randint(1, 40)}%。"
            body = render(tables, layout, issuer=issuer, year=year, rng=rng, narrative_text=text)
            suffix = "html" if layout.startswith("html") else "txt"
            (folder / f"s{k:03d}_{layout}.{suffix}").write_text(body, encoding="utf-8")
            k += 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    _series_corpus(raw / "series")
    for seed in RAW.glob("*.txt"):
        shutil.copy(seed, raw / seed.name)
    shutil.copy(RAW / "manifest.csv", raw / "manifest.csv")
    for name in ("seed_003.docx", "text_only_003.pdf"):
        shutil.copy(FIXTURES / name, raw / name)
    (raw / "empty.txt").write_text("")
    return raw


def _files(folder: Path) -> dict[str, bytes]:
    """The tables of a build folder (its hidden records say how the build ran, e.g. its cache hits)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def test_streamed_audit_equals_audit_all(corpus: Path, tmp_path: Path) -> None:
    """The build's two-pass audit gives audit_all's findings, claims and checks, row for row."""
    manifest = pd.read_csv(corpus / "manifest.csv", dtype=str, keep_default_na=False)
    entries = {row["file"]: dict(row) for _, row in manifest.iterrows()}
    paths = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "manifest.csv")
    reports = []
    for p in paths:
        rid = p.relative_to(corpus).as_posix()
        r = read_report(p, report_id=rid)
        filework.apply_manifest(r, entries.get(rid, {}))
        reports.append(r)
    whole = audit_all(reports, manifest)
    built = build(corpus, tmp_path / "out", jobs=1, cache_dir=None, progress=False).tables
    keys = {
        "findings": ["report_id", "rule", "status", "table", "row", "column", "message", "evidence"],
        "claims": ["report_id", "section", "kind", "sentence", "status", "note"],
        "checks": ["report_id", "rule", "n_pass", "n_fail", "n_not_assessable"],
    }
    def rows(df: pd.DataFrame, cols: list[str]) -> list[list[str]]:
        df = df[cols].copy()
        if "table" in df:  # written as the declared type
            df["table"] = pd.to_numeric(df["table"]).astype("Int64")
        return df.astype("string").fillna("").values.tolist()

    for name, cols in keys.items():
        assert rows(built[name], cols) == rows(getattr(whole, name), cols), name
    # the corpus exercises the cross-year rules both ways
    assert (whole.checks.query("rule == 'xy.carry_over'")[["n_pass", "n_fail"]].sum() > 0).all()
    assert (whole.claims["kind"] == "yoy").sum() >= 8
    assert len(set(whole.claims.loc[whole.claims["kind"] == "yoy", "status"])) >= 2


def test_jobs_and_cache_give_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    one = build(corpus, tmp_path / "one", jobs=1, cache_dir=None, progress=False)
    two = build(corpus, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache", progress=False)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert one.summary.n_reports == two.summary.n_reports == len(list(corpus.rglob("*"))) - 2  # manifest, dir
    assert two.summary.cache_hits == 0
    again = build(corpus, tmp_path / "three", jobs=2, cache_dir=tmp_path / "cache", progress=False)
    assert again.summary.cache_hits == again.summary.n_reports and not again.up_to_date
    assert _files(tmp_path / "one") == _files(tmp_path / "three")
    mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "two").iterdir()}
    same = build(corpus, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache", progress=False)
    assert same.up_to_date
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "two").iterdir()} == mtimes  # nothing rewritten
    assert same.summary.n_reports == two.summary.n_reports and same.summary.not_ok == two.summary.not_ok
    (tmp_path / "two" / "claims.csv").unlink()  # an output gone: build again
    assert not build(corpus, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache", progress=False).up_to_date


def test_a_changed_file_or_manifest_row_recomputes_only_itself(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    cache = tmp_path / "cache"
    first = build(raw, tmp_path / "out", jobs=1, cache_dir=cache, progress=False)
    n = first.summary.n_reports
    first_sha = first.tables["reports"].set_index("report_id").loc["jishan_2023.txt", "sha256"]
    changed = raw / "jishan_2023.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("2023年", "2022年", 1), encoding="utf-8")
    second = build(raw, tmp_path / "out", jobs=1, cache_dir=cache, progress=False)
    assert second.summary.cache_hits == n - 1
    reports = second.tables["reports"].set_index("report_id")
    assert reports.loc["jishan_2023.txt", "sha256"] != first_sha
    manifest = pd.read_csv(raw / "manifest.csv", dtype=str, keep_default_na=False)
    manifest.loc[manifest["file"] == "boshan_2024.txt", "source"] = "elsewhere"
    manifest.to_csv(raw / "manifest.csv", index=False)
    third = build(raw, tmp_path / "out", jobs=1, cache_dir=cache, progress=False)
    assert third.summary.cache_hits == n - 1
    fresh = build(raw, tmp_path / "fresh", jobs=1, cache_dir=None, progress=False)
    assert fresh.summary.n_reports == n
    assert _files(tmp_path / "out") == _files(tmp_path / "fresh")


def test_memory_error_inside_the_error_handler_does_not_stop_the_batch(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = filework.read_report

    def failing(path, report_id=None, previous=None):
        if Path(path).name == "boshan_2024.txt":
            raise MemoryError("no room")
        return real(path, report_id=report_id, previous=previous)

    def no_traceback(tb):
        raise MemoryError("no room either")

    monkeypatch.setattr(filework, "read_report", failing)
    monkeypatch.setattr(filework.traceback, "extract_tb", no_traceback)
    result = build(corpus, tmp_path / "out", jobs=1, cache_dir=None, progress=False)
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["boshan_2024.txt", "status"] == "failed"
    assert "describing the error failed too" in reports.loc["boshan_2024.txt", "message"]
    assert (reports.loc[["jishan_2023.txt", "jincheng_2024.txt"], "status"] == "ok").all()


def test_output_folder_is_replaced_whole_and_keeps_foreign_files(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    (out / "stale_table.csv").write_text("an older run's table\n")
    build(corpus, out, jobs=1, cache_dir=None, progress=False)
    names = {p.name for p in out.iterdir()}
    assert ".gitkeep" in names and "stale_table.csv" not in names  # a table without a record is not carried
    (out / "notes.txt").write_text("mine")
    build(corpus, out, jobs=1, cache_dir=None, progress=False)
    assert (out / "notes.txt").read_text() == "mine" and (out / ".gitkeep").exists()
    assert not list(tmp_path.glob(".out.staging-*"))


def test_a_second_build_of_the_same_folder_is_refused(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    with folder_lock(out.absolute()):
        with pytest.raises(FolderLocked, match="being written by pid"):
            build(corpus, out, jobs=1, cache_dir=None, progress=False)
        assert main(["build", str(corpus), str(out), "--no-cache", "--quiet"]) == 3
    assert "being written" in capsys.readouterr().err
    assert main(["build", str(corpus), str(out), "--no-cache", "--quiet"]) == 0


_SLOW_BUILD = """
import sys, time
from pathlib import Path
from gongkai.dataset import sink
real = sink.TableSink.append
def slow(self, name, df):
    real(self, name, df)
    self._csv[name].flush()
    (Path(sys.argv[3]) / "writing").touch()
    time.sleep(0.5)
sink.TableSink.append = slow
from gongkai.cli import main
sys.exit(main(["build", sys.argv[1], sys.argv[2], "--jobs", "2", "--no-cache", "--quiet"]))
"""


def test_a_build_killed_while_writing_leaves_the_old_tables_whole(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus / "series", out, jobs=1, cache_dir=None, progress=False)
    before = _files(out)
    script = tmp_path / "slow_build.py"
    script.write_text(textwrap.dedent(_SLOW_BUILD))
    proc = subprocess.Popen([sys.executable, str(script), str(corpus), str(out), str(tmp_path)])
    deadline = time.monotonic() + 120
    while not (tmp_path / "writing").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.7)  # some tables written, others not yet
    staging = list(tmp_path.glob(".out.staging-*"))
    assert staging and any(p.suffix == ".csv" for p in staging[0].iterdir())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _files(out) == before
    time.sleep(0.5)
    assert not [p for p in _children(proc.pid)], "workers outlived the build"
    build(corpus, out, jobs=1, cache_dir=None, progress=False)
    assert not list(tmp_path.glob(".out.staging-*"))
    assert len(pd.read_csv(out / "reports.csv")) > len(pd.read_csv(io.BytesIO(before["reports.csv"])))


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_summary_names_reports_with_errors_and_without_issuer_or_year(corpus: Path, tmp_path: Path, capsys) -> None:
    assert main(["build", str(corpus), str(tmp_path / "out"), "--no-cache", "--quiet", "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    errors = text.split("reports with errors")[1].split("reports with no issuer")[0]
    assert "empty.txt" in errors and "text_only_003.pdf" in errors
    no_issuer = text.split("reports with no issuer")[1]
    assert "empty.txt" in no_issuer
    assert "jishan_2023.txt" not in text.split("reports with errors")[1]


def test_build_help_describes_every_argument(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for word in ("RAW_DIR", "OUT_DIR", "--jobs", "--scheduler", "--cache", "--no-cache", "manifest.csv"):
        assert word in text


@pytest.mark.skipif(shutil.which("dask", path=str(Path(sys.executable).parent)) is None, reason="no dask CLI")
def test_a_dask_cluster_gives_the_bytes_of_a_local_build(corpus: Path, tmp_path: Path) -> None:
    """A scheduler and two workers on this machine (loopback only); the same files as a local build."""
    bin_dir = Path(sys.executable).parent
    port = 20000 + os.getpid() % 20000
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [
        subprocess.Popen(
            [bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    ]
    try:
        time.sleep(2)
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        bin_dir / "dask",
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                        "--memory-limit",
                        "0",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        dask = build(corpus, tmp_path / "dask", scheduler=address, cache_dir=None, progress=False)
        build(corpus, tmp_path / "local", jobs=1, cache_dir=None, progress=False)
        assert dask.summary.n_reports > 20
        assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_a_worker_that_dies_costs_only_its_own_file(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """A file that kills its worker process (as the kernel's OOM killer would) is recorded; the rest is built."""
    real = filework.read_report

    def lethal(path, report_id=None, previous=None):
        if Path(path).name == "jincheng_2024.txt":
            os._exit(137)
        return real(path, report_id=report_id, previous=previous)

    monkeypatch.setattr(filework, "read_report", lethal)  # the forked workers inherit it
    result = build(corpus, tmp_path / "out", jobs=2, cache_dir=None, progress=False)
    reports = result.tables["reports"].set_index("report_id")
    assert reports.loc["jincheng_2024.txt", "status"] == "failed"
    assert "worker process died" in reports.loc["jincheng_2024.txt", "message"]
    assert result.summary.n_reports == len(reports) == len(list(corpus.rglob("*.*"))) - 1  # all but the manifest
    assert (reports.loc[["jishan_2023.txt", "boshan_2024.txt", "gaoping_2020.txt"], "status"] == "ok").all()
