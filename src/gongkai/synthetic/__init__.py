"""Synthetic reports: random but realistic truth and renderers for every layout seen in the wild.

Property tests render :func:`random_tables` with :func:`render` and compare
what the parser reads with :func:`table2_frame`, :func:`table3_frame` and
:func:`table4_frame`.
"""

from gongkai.synthetic.generate import (
    SyntheticTables,
    TruthCell,
    identity_violations,
    random_tables,
    table2_frame,
    table3_frame,
    table4_frame,
)
from gongkai.synthetic.meta import (
    Claim,
    Narrative,
    SyntheticReport,
    format_for_year,
    narrative,
    random_issuer,
    random_published,
    random_report,
    random_year,
)
from gongkai.synthetic.render import LAYOUT_SUPPORTS_BLANK, LAYOUTS, render

__all__ = [
    "LAYOUTS",
    "LAYOUT_SUPPORTS_BLANK",
    "Claim",
    "Narrative",
    "SyntheticReport",
    "SyntheticTables",
    "TruthCell",
    "format_for_year",
    "identity_violations",
    "narrative",
    "random_issuer",
    "random_published",
    "random_report",
    "random_tables",
    "random_year",
    "render",
    "table2_frame",
    "table3_frame",
    "table4_frame",
]
