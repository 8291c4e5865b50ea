"""A real CJK font for matplotlib, so Chinese labels never render as empty boxes.

The font shipped by the ``pylopdf-fonts-zh-cn`` dependency (Noto Sans SC) is
registered first; otherwise the first family of ``cjk_fonts.csv`` found on the
system is used. Call :func:`use_cjk_font` *after* any seaborn theme, since
``seaborn.set_theme`` resets the font settings.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager, rcParams

from gongkai.datafiles import package_csv


@cache
def preferred_families() -> tuple[str, ...]:
    """CJK families in order of preference."""
    return tuple(r["family"] for r in package_csv(__package__, "cjk_fonts.csv"))


def bundled_font_files() -> list[Path]:
    """CJK font files shipped by an installed Python package (none if it is absent)."""
    try:
        import pylopdf_fonts_zh_cn as pkg
    except ImportError:
        return []
    return sorted(Path(pkg.__file__).parent.glob("NotoSans*.otf"))


@cache
def cjk_family() -> str | None:
    """Register the bundled font and return the best CJK family available, or None."""
    for path in bundled_font_files():
        font_manager.fontManager.addfont(str(path))
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((fam for fam in preferred_families() if fam in known), None)


def use_cjk_font() -> str:
    """Make the CJK family the first sans-serif font; return its name.

    Raises RuntimeError when no CJK font is installed (see the README's set-up).
    """
    family = cjk_family()
    if family is None:
        raise RuntimeError(
            "no CJK font found: install the project (pip install -e .) which brings "
            "pylopdf-fonts-zh-cn, or a system font such as fonts-noto-cjk"
        )
    rest = [f for f in rcParams["font.sans-serif"] if f != family]
    rcParams["font.family"] = ["sans-serif"]
    rcParams["font.sans-serif"] = [family, *rest]
    rcParams["axes.unicode_minus"] = False
    return family


def set_theme(**seaborn_kwargs: object) -> str:
    """Apply the project's seaborn theme, then the CJK font (the order matters)."""
    import seaborn as sns

    sns.set_theme(**seaborn_kwargs)
    return use_cjk_font()
