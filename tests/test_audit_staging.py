"""Issue 12 item 4 for the site: `gongkai audit` renders into a staging copy, and a kill leaves no workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongkai.analysis import sample


def _tree(root: int) -> set[int]:
    """``root`` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        out.add(pid)
        todo += children.get(pid, [])
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_audit_leaves_the_site_whole_and_no_worker_behind(tmp_path: Path) -> None:
    processed = sample.build_sample(tmp_path / "sample")
    site = tmp_path / "reports"
    site.mkdir()
    (site / "index.html").write_text("the previous site")
    before = _snapshot(site)
    gongkai = Path(sys.executable).parent / "gongkai"
    cmd = [gongkai, "audit", "--all", "--processed", processed, "--out", site, "--jobs", "2", "--quiet"]
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    staging: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:  # until the first page is written
        staging = list(tmp_path.glob(".reports.staging-*"))
        if staging and list(staging[0].rglob("*.html")) and len(_tree(proc.pid)) > 3:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the audit ended before it could be killed"
    family = _tree(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(3)  # kernels notice their worker's death within a second or two
    assert not [p for p in family if _alive(p)], "processes of the killed audit are still running"
    assert _snapshot(site) == before
    frozen = _snapshot(staging[0])
    time.sleep(3)
    assert _snapshot(staging[0]) == frozen, "pages were still being written after the kill"
    # the next run clears the leftovers and swaps a whole site in
    code = subprocess.call(
        [
            str(c)
            for c in [
                gongkai,
                "audit",
                "--region",
                "山西省/晋城市",
                "--processed",
                processed,
                "--out",
                site,
                "--jobs",
                "1",
                "--quiet",
                "--no-overview",
            ]
        ],
        stdout=subprocess.DEVNULL,
        env={**os.environ},
    )
    assert code == 0
    assert not list(tmp_path.glob(".reports.staging-*"))
    assert "the previous site" not in (site / "index.html").read_text(encoding="utf-8")
    assert list((site / "regions").glob("*.html"))
