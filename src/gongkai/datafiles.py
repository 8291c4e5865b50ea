"""Data files shipped inside the package (templates, rules, labels …): one way to read them."""

from __future__ import annotations

import csv
from importlib import resources


def package_csv(package: str, *path: str) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file inside ``package`` (e.g. ``package_csv(__package__, "rules.csv")``)."""
    with resources.files(package).joinpath(*path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
