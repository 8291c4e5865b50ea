"""``data/raw/manifest.csv``: what the collector knows about each raw file (file, issuer, year, source, sha256).

Optional columns used downstream: ``series_id`` (same body across years) and
``division_code`` (行政区划 code). The manifest fills gaps; it never overwrites
what the report itself states, and disagreements are reported.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

MANIFEST_NAME = "manifest.csv"
REQUIRED = ("file", "issuer", "year", "source", "sha256")


def read_manifest(raw_dir: Path) -> pd.DataFrame:
    """The manifest indexed by file (relative path with ``/``), or an empty frame when there is none."""
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return pd.DataFrame(columns=list(REQUIRED)).set_index("file")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: manifest lacks columns {', '.join(missing)}")
    return df.set_index("file")
