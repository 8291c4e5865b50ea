"""Dataset: parsed reports → tidy tables in data/processed (Parquet and CSV)."""

from gongkai.dataset.build import BuildResult, build

__all__ = ["BuildResult", "build"]
