"""Plots of the region audit and the corpus overview (matplotlib, CJK font set)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from gongkai.analysis.trends import figure_specs

_LABELS = dict(zip(figure_specs()["figure"], figure_specs()["label"], strict=True))


def _empty(ax: plt.Axes, text: str = "无可用数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


SERIES_PANELS = (
    ("new_total", "本年新收申请（件）"),
    ("processed_total", "办理结果总计（件）"),
    ("review_total", "行政复议（件）"),
    ("litigation_total", "行政诉讼（件）"),
)


def series_figure(figures: pd.DataFrame) -> tuple[Figure, str]:
    """One panel per main count, one line per issuer series over its years (never summed across
    issuers); integer ticks. Returns the figure and its alt text."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(2, 2, figsize=(12, 7), layout="constrained")
    data = figures.dropna(subset=["year"]).sort_values(["series", "year"])
    names = data.groupby("series", sort=True)["issuer"].last()
    for ax, (col, title) in zip(axes.ravel(), SERIES_PANELS, strict=True):
        ax.set_title(title)
        drawn = False
        for series, grp in data.groupby("series", sort=True):
            values = grp[col].astype(float)
            if values.notna().sum() == 0:
                continue
            ax.plot(grp["year"].astype(int), values, marker="o", label=str(names[series]))
            drawn = True
        if not drawn:
            _empty(ax)
            continue
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    issuers = "、".join(str(n) for n in names)
    years = sorted(int(y) for y in data["year"].unique())
    alt = (
        f"{issuers}：{years[0]}–{years[-1]}年本年新收申请、办理结果总计、行政复议、行政诉讼件数的逐年折线图，"
        "每个发布机关一条线。"
        if years
        else "无可用数据"
    )
    return fig, alt


def bar_counts(series: pd.Series, title: str, xlabel: str = "", horizontal: bool = False) -> Figure:
    """One bar per index value (top of a ranking, counts per province …)."""
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.3 * len(series) + 1)) if horizontal else (9, 4), layout="constrained")
    ax.set_title(title)
    if series.empty:
        _empty(ax)
        return fig
    if horizontal:
        ax.barh([str(i) for i in series.index][::-1], series.to_numpy()[::-1])
        ax.set_xlabel(xlabel)
    else:
        ax.bar([str(i) for i in series.index], series.to_numpy())
        ax.set_ylabel(xlabel)
        ax.tick_params(axis="x", labelrotation=45)
    return fig


def heatmap_counts(table: pd.DataFrame, title: str) -> Figure:
    """A count table (rows × columns) as a seaborn heatmap with the numbers written in."""
    import seaborn as sns

    fig, ax = plt.subplots(
        figsize=(max(6.0, 0.9 * table.shape[1] + 3), max(3.0, 0.4 * table.shape[0] + 1.5)),
        layout="constrained",
    )
    ax.set_title(title)
    if table.empty:
        _empty(ax)
        return fig
    sns.heatmap(table, annot=True, fmt="g", cmap="Blues", cbar=False, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return fig


def distributions(frame: pd.DataFrame, columns: dict[str, str], title: str) -> Figure:
    """Histograms (log-scaled counts) of some per-report figures."""
    import seaborn as sns

    n = max(1, len(columns))
    fig, axes = plt.subplots(1, n, figsize=(4 * n, 3.5), layout="constrained", squeeze=False)
    fig.suptitle(title)
    for ax, (col, label) in zip(axes[0], columns.items(), strict=False):
        vals = frame[col].dropna().astype(float) if col in frame else pd.Series(dtype=float)
        ax.set_title(label)
        if vals.empty:
            _empty(ax)
            continue
        sns.histplot(vals, ax=ax, bins=min(20, max(3, vals.nunique())))
        ax.set_xlabel("")
    return fig
