"""Read one file into a Report: readers → sections → layout → tables, each problem located."""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.parse.align import labelled_rows
from gongkai.parse.formats import decide_formats, table2_signal, table3_signal
from gongkai.parse.layout import block_rows, detect_text_layout
from gongkai.parse.match import names_a_row
from gongkai.parse.metadata import read_metadata
from gongkai.parse.runtogether import explode, looks_run_together
from gongkai.parse.sections import Section, split_sections
from gongkai.parse.table2 import parse_table2
from gongkai.parse.table3 import parse_table3
from gongkai.parse.table4 import parse_table4
from gongkai.readers import read_source
from gongkai.readers.base import Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.report import ParseIssue, Report
from gongkai.templates import label_phrases

TABLE_SECTIONS = ("二", "三", "四")
ROW_LABELS = {
    "二": names_a_row(label_phrases("table2_category")),
    "三": names_a_row(label_phrases("table3_row"), label_phrases("table3_column")),
}
TABLE_LAYOUT = {"html": "html_table", "docx": "docx_table", "pdf": "pdf_table"}


def read_report(path: str | Path, report_id: str | None = None) -> Report:
    """Parse a report file. Never raises for bad content: problems become located issues."""
    path = Path(path)
    rid = report_id or path.name
    try:
        doc = read_source(path)
    except UnreadableSource as exc:
        return Report(rid, str(path), exc.sha256 or "", issues=[ParseIssue("error", "file", str(exc))])
    except OSError as exc:
        return Report(rid, str(path), "", issues=[ParseIssue("error", "file", f"cannot open: {exc}")])
    return parse_document(doc, rid)


def _layout(doc: SourceDocument, sections: dict[str, Section]) -> str:
    blocks = [b for k in TABLE_SECTIONS if k in sections for b in sections[k].blocks]
    if doc.kind == "text":  # a text file has lines only
        return detect_text_layout(blocks)
    if any(isinstance(b, TableBlock) for b in blocks):
        return TABLE_LAYOUT.get(doc.kind, "html_table")
    return detect_text_layout([b for b in blocks if isinstance(b, TextLine)])


def _text_lines(doc: SourceDocument) -> list[TextLine]:
    """The document's lines of running text (all of its blocks for a text file)."""
    return doc.blocks if doc.kind == "text" else [b for b in doc.blocks if isinstance(b, TextLine)]  # type: ignore[return-value]


_PARAGRAPH_START = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、]|[一二三四五六七八九十]是)"
)
_PARAGRAPH_END = ("。", "：", ":", "；", "！", "？")


def join_wrapped_lines(cells: list[Cell]) -> list[Cell]:
    """Visual lines of a PDF page → paragraphs: a line continues the previous one unless that one ended a
    sentence or this one starts a numbered item. The paragraph keeps the position of its first line."""
    out: list[Cell] = []
    for cell in cells:
        if out and not out[-1].text.rstrip().endswith(_PARAGRAPH_END) and not _PARAGRAPH_START.match(cell.text):
            prev = out[-1]
            out[-1] = Cell(prev.text.rstrip() + cell.text.strip(), prev.line, prev.ref)
        else:
            out.append(cell)
    return out


def parse_document(doc: SourceDocument, report_id: str) -> Report:
    """Align a source document to the templates."""
    issues = [ParseIssue("info", "file", note) for note in doc.notes]
    run_together = doc.kind == "text" and looks_run_together(_text_lines(doc))
    if run_together:
        doc.blocks = explode(doc.blocks)
        issues.append(
            ParseIssue("info", "file", "table cells run together (crawled text): cells recovered by arithmetic")
        )
    section_list, notes = split_sections(doc.blocks)
    issues += [
        ParseIssue("error" if k in TABLE_SECTIONS else "warning", k, n) for n, k in ((n, n.split()[1]) for n in notes)
    ]
    sections = {s.key: s for s in section_list}
    meta = read_metadata(_text_lines(doc), doc.metadata)
    layout = "run_together" if run_together else _layout(doc, sections)
    rows = {
        k: labelled_rows(block_rows(sections[k].blocks, layout), ROW_LABELS.get(k)) if k in sections else []
        for k in TABLE_SECTIONS
    }
    formats = decide_formats(table2_signal(rows["二"]), table3_signal(rows["三"]), meta.year, issues)
    table2, used2 = parse_table2(rows["二"], formats.table2, issues, run_together=run_together)
    table3, used3 = parse_table3(rows["三"], formats.table3, issues, run_together=run_together)
    table4, used4 = parse_table4(rows["四"], issues, run_together=run_together)
    used = used2 | used3 | used4
    narrative: dict[str, str] = {}
    narrative_lines: dict[str, list[int | None]] = {}
    text_tables = layout not in TABLE_LAYOUT.values()
    for section in section_list:
        drop_used = text_tables and section.key in TABLE_SECTIONS  # table cells read from text lines
        kept: list[Cell] = [  # a text line is its own cell
            b
            for b in section.blocks
            if isinstance(b, TextLine) and b.text.strip() and not (drop_used and b.ref in used)
        ]
        if doc.kind == "pdf":
            kept = join_wrapped_lines(kept)
        narrative[section.key] = "\n".join(c.text.strip() for c in kept)
        narrative_lines[section.key] = [c.line for c in kept]
    if meta.year is None:
        issues.append(ParseIssue("warning", "file", "reporting year not found in the title or text"))
    return Report(
        report_id=report_id,
        source_file=str(doc.path),
        sha256=doc.sha256,
        title=meta.title,
        issuer=meta.issuer,
        year=meta.year,
        published=meta.published,
        format=formats.table3,
        format_table2=formats.table2,
        format_table3=formats.table3,
        layout=layout,
        encoding=doc.encoding,
        sections=narrative,
        section_lines=narrative_lines,
        table2=table2,
        table3=table3,
        table4=table4,
        issues=issues,
    )
