"""Chinese text renders with a real CJK font, also after a seaborn theme."""

from __future__ import annotations

import io
import logging
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from gongkai.analysis import fonts

TEXT = "政府信息公开工作年度报告：行政复议、纠错率"


def _render(title: str) -> list[str]:
    """Draw a figure with a Chinese title and tick labels; return any glyph warnings."""
    fig, ax = plt.subplots()
    ax.set_title(title)
    ax.bar(["自然人", "商业企业"], [3, -1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]


@pytest.fixture(autouse=True)
def _restore_rc():
    with matplotlib.rc_context():
        yield


def test_default_font_lacks_chinese():
    """The check can fail: without the CJK font, DejaVu Sans warns of missing glyphs."""
    plt.rcParams["font.family"] = ["sans-serif"]
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    assert _render(TEXT)


def test_cjk_font_renders_chinese_without_missing_glyphs():
    family = fonts.use_cjk_font()
    assert family in fonts.preferred_families()
    assert _render(TEXT) == []


def test_seaborn_theme_keeps_cjk_font():
    fonts.set_theme(style="whitegrid")
    assert _render(TEXT) == []


def test_bundled_font_is_found():
    files = fonts.bundled_font_files()
    assert files and all(f.exists() for f in files)


def test_resolved_font_file_has_the_glyphs(caplog):
    from matplotlib import font_manager

    family = fonts.use_cjk_font()
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = matplotlib.ft2font.FT2Font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "政府信息公开审查")
