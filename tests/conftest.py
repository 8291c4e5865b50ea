"""Shared test helpers: paths to the bundled sample data and fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed set of examples so that a green run can be reproduced;
# locally every run explores new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ("jincheng_2024", "jishan_2023", "gaoping_2020", "jiyuan_2024", "boshan_2024")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW
