"""Read one file into a Report: readers → sections → layout → tables, each problem located."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from gongkai.gc_spare import paused_collector
from gongkai.parse.align import labelled_rows
from gongkai.parse.formats import decide_formats, table2_signal, table3_signal
from gongkai.parse.layout import block_rows, detect_text_layout
from gongkai.parse.match import names_a_row
from gongkai.parse.metadata import read_metadata
from gongkai.parse.ocr_settle import read_ocr_cells
from gongkai.parse.recover import NO_EVIDENCE, Evidence
from gongkai.parse.runtogether import explode, looks_run_together
from gongkai.parse.sections import Section, split_sections
from gongkai.parse.stated import stated_table2
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


def read_report(path: str | Path, report_id: str | None = None, previous: Report | None = None) -> Report:
    """Parse a report file. Never raises for bad content: problems become located issues.

    ``previous``: the same issuer's report of the year before, when the caller has it (a batch):
    the last rung of evidence for cutting run-together cells (:mod:`gongkai.parse.recover`).
    """
    path = Path(path)
    rid = report_id or path.name
    try:
        doc = read_source(path)
    except UnreadableSource as exc:
        return Report(rid, str(path), exc.sha256 or "", issues=[ParseIssue("error", "file", str(exc))])
    except OSError as exc:
        return Report(rid, str(path), "", issues=[ParseIssue("error", "file", f"cannot open: {exc}")])
    try:
        with paused_collector():  # the report under construction: nothing for a collection to free
            return parse_document(doc, rid, previous)
    except MemoryError:
        raise
    except Exception as exc:  # a parser defect on some input: recorded, located in the code, never raised
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = f"internal error {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return Report(rid, str(path), doc.sha256, issues=[ParseIssue("error", "file", message)])


def previous_cells(report: Report | None) -> dict[tuple[int, str, str], float]:
    """The number cells (table, row key, column key) → value of a report, as evidence for the next year's parse."""
    out: dict[tuple[int, str, str], float] = {}
    for table in (2, 3, 4) if report is not None else ():
        cells = report.cells(table)  # type: ignore[union-attr]
        if cells is None:
            continue
        keys = dict(zip(cells.template.key_names, cells.template.key_values, strict=True))
        rows, cols = {2: ("category", "measure"), 3: ("row", "applicant"), 4: ("proceeding", "outcome")}[table]
        for r, c, rec in zip(keys[rows], keys[cols], cells.records, strict=True):
            forced = rec.cell_status == "inferred" and rec.inferred_by == "digits"
            if rec.cell_status in ("number", "corrected") or forced:  # a researcher's correction is evidence too
                out[(table, r, c)] = rec.value  # type: ignore[assignment]
    return out


def _evidence(sections: list[Section], fmt: str, previous: Report | None) -> Evidence:
    """What the recovery stage may use beyond the table: the narrative's figures and the previous report."""
    texts = [b.text for s in sections for b in s.blocks if isinstance(b, TextLine)]
    return Evidence(stated_table2(texts, fmt), previous_cells(previous))


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


def parse_document(doc: SourceDocument, report_id: str, previous: Report | None = None) -> Report:
    """Align a source document to the templates (``previous``: see :func:`read_report`)."""
    issues = [ParseIssue("info", "file", note) for note in doc.notes]
    issues += [ParseIssue("warning", "file", warning) for warning in doc.warnings]
    run_together = doc.kind == "text" and looks_run_together(_text_lines(doc))
    if run_together:
        doc.blocks, doc.text = explode(doc.blocks), None  # the lines cut into cells: the text no longer is theirs
        issues.append(
            ParseIssue("info", "file", "table cells run together (crawled text): cells recovered by arithmetic")
        )
    split = split_sections(doc.blocks)
    section_list, notes = split.sections, split.notes
    issues += [
        ParseIssue("error" if k in TABLE_SECTIONS else "warning", k, n) for n, k in ((n, n.split()[1]) for n in notes)
    ]
    if (restart := split.second_report) is not None:
        issues.append(
            ParseIssue(
                "error",
                "file",
                f"a second report starts at {restart.ref} ({restart.text.strip()[:20]}): only the first is read, "
                "and the second one's text is part of the first one's last section",
                restart.line,
            )
        )
    sections = {s.key: s for s in section_list}
    meta = read_metadata(_text_lines(doc), doc.metadata)
    layout = "run_together" if run_together else _layout(doc, sections)
    rows = {
        k: labelled_rows(block_rows(sections[k].blocks, layout), ROW_LABELS.get(k)) if k in sections else []
        for k in TABLE_SECTIONS
    }
    formats = decide_formats(table2_signal(rows["二"]), table3_signal(rows["三"]), meta.year, issues)
    evidence = _evidence(section_list, formats.table2, previous) if run_together else NO_EVIDENCE
    table2, used2 = parse_table2(rows["二"], formats.table2, issues, run_together=run_together, evidence=evidence)
    table3, used3 = parse_table3(rows["三"], formats.table3, issues, run_together=run_together, evidence=evidence)
    table4, used4 = parse_table4(rows["四"], issues, run_together=run_together, fmt=formats.table3, evidence=evidence)
    # numbers read from images, and unsure OCR digits the identities settle
    table2 = read_ocr_cells(table2, 2, formats.table2, issues)
    table3 = read_ocr_cells(table3, 3, formats.table3, issues)
    table4 = read_ocr_cells(table4, 4, formats.table3, issues)
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
