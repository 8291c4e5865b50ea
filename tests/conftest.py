"""Shared test helpers: paths to the bundled sample data and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ("jincheng_2024", "jishan_2023", "gaoping_2020", "jiyuan_2024", "boshan_2024")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW
