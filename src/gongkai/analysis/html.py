"""HTML of the pages, rendered by Jinja2 with autoescaping: every value taken from the data is escaped.

The notebooks display these strings (``IPython.display.HTML``); nothing from the data goes
through Markdown, whose raw HTML and links would run.
"""

from __future__ import annotations

import base64
import io
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gongkai.analysis", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(template: str, **context: object) -> str:
    """Render one template of ``analysis/templates`` (values escaped)."""
    return environment().get_template(template).render(**context)


def figure_html(fig: object, alt: str | None = None) -> str:
    """A matplotlib figure as an embedded PNG with alt text (default: its titles); the PNG carries no
    version or date."""
    import matplotlib.pyplot as plt

    if alt is None:
        titles = [fig.get_suptitle(), *(ax.get_title() for ax in fig.axes)]  # type: ignore[attr-defined]
        alt = "图：" + "；".join(t for t in titles if t)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return render("figure.html.j2", src=Markup(f"data:image/png;base64,{data}"), alt=alt)
