"""A kernel that fails to start (two kernels given one port) is started again; a notebook's own failure is not."""

from __future__ import annotations

from pathlib import Path

import papermill
import pytest

from gongkai.publish.runner import KERNEL_START_FAILED, KERNEL_STARTS, Job, run_job


def _job(tmp_path: Path) -> Job:
    return Job("k", "region", "title", tmp_path / "in.ipynb", tmp_path / "out.ipynb", tmp_path / "out.html")


def _papermill(monkeypatch: pytest.MonkeyPatch, failures: list[Exception]) -> list[int]:
    calls: list[int] = []

    def execute(*args, **kwargs) -> None:
        calls.append(1)
        if failures:
            raise failures.pop(0)

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    return calls


def test_a_kernel_that_died_before_replying_is_started_again(tmp_path, monkeypatch) -> None:
    calls = _papermill(monkeypatch, [RuntimeError(KERNEL_START_FAILED)])
    result = run_job(_job(tmp_path))
    assert result.ok and len(calls) == 2


def test_a_kernel_that_never_starts_is_reported_after_the_last_try(tmp_path, monkeypatch) -> None:
    calls = _papermill(monkeypatch, [RuntimeError(KERNEL_START_FAILED) for _ in range(KERNEL_STARTS + 1)])
    result = run_job(_job(tmp_path))
    assert not result.ok and KERNEL_START_FAILED in result.error and len(calls) == KERNEL_STARTS


def test_a_failing_cell_is_not_run_again(tmp_path, monkeypatch) -> None:
    calls = _papermill(monkeypatch, [ValueError("a cell failed")])
    result = run_job(_job(tmp_path))
    assert result.error == "ValueError: a cell failed" and len(calls) == 1
