"""Export an executed notebook to a self-contained HTML page for readers.

The ``gongkai_offline`` template (beside this module) is nbconvert's lab
template without the require.js, MathJax, Mermaid and widget scripts it would
load from a CDN, and without JupyterLab's 250 KB stylesheet: every page links
the site's one stylesheet. Code cells and prompts are hidden, plots stay
embedded PNG.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})
SITE_CSS = "assets/site.css"  # the site's one stylesheet, relative to the index


def write_assets(out_dir: Path) -> Path:
    """Write the site's stylesheet once (``assets/site.css``); every page links it."""
    path = out_dir / SITE_CSS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(resources.files(__package__).joinpath("templates/site.css").read_text("utf-8"), "utf-8")
    return path


def _template_dir() -> str:
    return str(resources.files(__package__).joinpath("templates"))


@cache
def _exporter() -> HTMLExporter:
    """One configured exporter per process (building it loads the templates)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    return HTMLExporter(
        config=config,
        template_name="gongkai_offline",
        extra_template_basedirs=[_template_dir()],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def export_html(ipynb: str | Path, html: str | Path, title: str, index_href: str = "index.html") -> Path:
    """Write ``html`` from the executed notebook ``ipynb``, its <title> set to ``title``."""
    nb = nbformat.read(str(ipynb), as_version=4)
    nb.metadata["title"] = title
    css_href = index_href.removesuffix("index.html") + SITE_CSS
    body, _ = _exporter().from_notebook_node(
        nb, resources={"gongkai_index_href": index_href, "gongkai_css_href": css_href}
    )
    out = Path(html)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
