"""Plots of the region audit and the corpus overview (matplotlib, CJK font set)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from gongkai.analysis.trends import APPLICANTS, OUTCOME_GROUPS, figure_specs

_LABELS = dict(zip(figure_specs()["figure"], figure_specs()["label"], strict=True))


def _year_labels(yearly: pd.DataFrame) -> list[str]:
    return [f"{y}\n({n}份)" for y, n in zip(yearly.index, yearly["n_reports"], strict=True)]


def _empty(ax: plt.Axes, text: str = "无可用数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked(ax: plt.Axes, yearly: pd.DataFrame, columns: list[str], labels: list[str]) -> None:
    data = yearly[columns].astype(float)
    if data.isna().all().all():
        _empty(ax)
        return
    bottom = pd.Series(0.0, index=data.index)
    x = range(len(data))
    for col, label in zip(columns, labels, strict=True):
        vals = data[col].fillna(0.0)
        ax.bar(x, vals, bottom=bottom, label=label)
        bottom = bottom + vals
    ax.set_xticks(list(x), _year_labels(yearly))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def region_trend_figure(yearly: pd.DataFrame, title: str) -> Figure:
    """Four panels: new requests by applicant, outcome composition, 复议/诉讼 and 纠错率, findings."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), layout="constrained")
    fig.suptitle(title)
    a, b, c, d = axes.ravel()
    a.set_title("本年新收申请（按申请人）")
    b.set_title("办理结果构成（%）")
    c.set_title("行政复议、行政诉讼（件）与纠错率")
    d.set_title("审查发现问题（条）")
    if yearly.empty:
        for ax in axes.ravel():
            _empty(ax)
        return fig
    _stacked(a, yearly, [f"new_{k}" for k in APPLICANTS], [_LABELS[f"new_{k}"] for k in APPLICANTS])
    _stacked(b, yearly, [f"share_{g}" for g in OUTCOME_GROUPS], [_LABELS[f"share_{g}"] for g in OUTCOME_GROUPS])
    x = list(range(len(yearly)))
    rev = yearly["review_total"].astype(float)
    lit = yearly["litigation_total"].astype(float)
    if rev.isna().all() and lit.isna().all():
        _empty(c)
    else:
        c.bar([i - 0.2 for i in x], rev.fillna(0), width=0.4, label="行政复议")
        c.bar([i + 0.2 for i in x], lit.fillna(0), width=0.4, label="行政诉讼")
        c.set_xticks(x, _year_labels(yearly))
        rate_ax = c.twinx()
        rate_ax.plot(x, yearly["correction_rate"].astype(float), color="#c0392b", marker="o", label="纠错率")
        rate_ax.set_ylabel("纠错率（%）")
        rate_ax.set_ylim(bottom=0)
        handles = c.get_legend_handles_labels()[0] + rate_ax.get_legend_handles_labels()[0]
        c.legend(handles, [h.get_label() for h in handles], fontsize=8, loc="upper left")
    d.bar(x, yearly["findings_fail"].astype(float).fillna(0), color="#8e44ad")
    d.set_xticks(x, _year_labels(yearly))
    return fig


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
