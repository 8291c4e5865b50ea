"""From a finding to its source: the page of each raw file in the site, and links to a line of it.

A text or HTML source becomes ``sources/<slug>.html``: every line of the file as text (escaped, so
no markup of the source runs), numbered, each with the anchor ``#L<n>``. A PDF or Word source is
copied beside it (``sources/<slug>.pdf``, a PDF cited by page with ``#page=<n>``). The slug is
derived from the report id, so a hostile file name never reaches a URL or a file name.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from functools import cache
from pathlib import Path

from gongkai.datafiles import package_csv

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
_REF_TOKEN = re.compile(r"(page|table|row|cell|line|char) (\d+)")


def source_slug(report_id: str) -> str:
    """An ASCII file stem for a report's source page."""
    return "s" + hashlib.sha1(str(report_id).encode("utf-8")).hexdigest()[:12]


@cache
def _ref_words() -> dict[str, str]:
    return {r["word"]: r["zh"] for r in package_csv(__package__, "source_refs.csv")}


def ref_zh(ref: object) -> str:
    """A source locator in Chinese: "table 2 row 4 cell 2" → "第2个表格 第4行 第2格"."""
    if ref is None or not isinstance(ref, str) or not ref:
        return ""
    words = _ref_words()
    parts = [words[w].format(n=n) for w, n in _REF_TOKEN.findall(ref)]
    if "(no cell)" in ref:
        parts.append(words["(no cell)"])
    return " ".join(parts) or ref


def page_of(ref: object) -> int | None:
    """The PDF page a locator names, if any."""
    m = re.search(r"page (\d+)", ref) if isinstance(ref, str) else None
    return int(m.group(1)) if m else None


def source_href(sources: str, report_id: str, source_file: object, line: object = None, ref: object = None) -> str:
    """The link from a page to a report's source, at a line (text, HTML) or page (PDF) when known."""
    suffix = Path(str(source_file or "")).suffix.lower()
    base = f"{sources.rstrip('/')}/{source_slug(report_id)}"
    if suffix in TEXT_SUFFIXES or not suffix:
        try:
            n = int(line)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return f"{base}.html"
        return f"{base}.html#L{n}"
    page = page_of(ref)
    return f"{base}{suffix}" + (f"#page={page}" if page and suffix == ".pdf" else "")


def read_lines(path: Path) -> list[str]:
    """The lines of a text source as the readers number them (UTF-8, BOM, or GB18030)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def sentence_line(lines: list[str], sentence: object) -> int | None:
    """The 1-based line on which a quoted sentence starts, found by its opening words."""
    if not isinstance(sentence, str) or not sentence.strip():
        return None
    for size in (24, 12):
        probe = sentence.strip()[:size]
        for n, line in enumerate(lines, start=1):
            if probe and probe in line:
                return n
    return None


def locate(source_file: object, near: Path | None = None, sha256: object = None) -> Path | None:
    """The raw file of a report.

    ``source_file`` is recorded as ``gongkai build`` was given it, often relative to the folder it
    ran in: it is looked up as given, then under the processed folder ``near`` and each folder above
    it. When the report's ``sha256`` is known, only a file with that digest is taken: a page never
    links a different file of the same name.
    """
    if not isinstance(source_file, str) or not source_file:
        return None
    p = Path(source_file)
    bases = [] if p.is_absolute() else [Path.cwd(), *([near, *near.parents] if near else [])]
    for cand in [p] if p.is_absolute() else [base / p for base in bases]:
        if cand.is_file() and _same(cand, sha256):
            return cand
    return None


def _same(path: Path, sha256: object) -> bool:
    if not isinstance(sha256, str) or len(sha256) != 64:
        return True
    return hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def write_source_page(out: Path, report_id: str, title: str, source: Path | None, recorded: str) -> Path:
    """Write the source page (or the copy) of one report under ``out``; returns the page written."""
    from gongkai.analysis.html import render

    out.mkdir(parents=True, exist_ok=True)
    slug = source_slug(report_id)
    suffix = source.suffix.lower() if source else ""
    copy = None
    if source is not None and suffix not in TEXT_SUFFIXES:
        copy = out / f"{slug}{suffix}"
        shutil.copyfile(source, copy)
    lines = read_lines(source) if source is not None and suffix in TEXT_SUFFIXES else []
    page = out / f"{slug}.html"
    page.write_text(
        render(
            "source.html.j2",
            title=title,
            report_id=report_id,
            recorded=recorded,
            found=source is not None,
            lines=lines,
            copy=copy.name if copy else None,
            css="../assets/site.css",
        ),
        encoding="utf-8",
    )
    return page
