"""Hostile and broken inputs (issue 12): every file is read with bounded work, nothing is shifted, read_report
never raises. Each hostile file is built here, from a seed or a synthetic report."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import read_report
from gongkai.readers import read_source
from gongkai.readers.base import MAX_GRID_CELLS, MAX_SPAN, TableBlock, UnreadableSource
from gongkai.readers.encoding import decode_text
from gongkai.readers.invisible import FORMAT_CHARACTERS, INVISIBLE, has_invisible
from gongkai.synthetic import random_tables, render

from conftest import FIXTURES, RAW

DOCX = FIXTURES / "seed_003.docx"


@pytest.fixture(scope="module")
def synthetic_html() -> tuple[str, object]:
    rng = random.Random(3)
    tables = random_tables(rng, "2021", blank_rate=0.0, dash_rate=0.0, consistent=True)
    return render(tables, "html_table", issuer="某县人民政府", year=2024, rng=rng), tables


def _granted_row(html: str) -> tuple[int, int]:
    """Start and end of the <tr> of table 3's （一）予以公开 row."""
    label = html.index("（一）予以公开", html.index("三、"))
    return html.rindex("<tr", 0, label), html.index("</tr>", label)


def _table_cells(doc) -> int:
    return sum(len(row) for b in doc.blocks if isinstance(b, TableBlock) for row in b.rows)


def _docx_with(xml_edit, name: str, tmp_path: Path) -> Path:
    """seed_003.docx with its word/document.xml edited by ``xml_edit``."""
    out = io.BytesIO()
    with zipfile.ZipFile(DOCX) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = xml_edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _errors(report) -> list[str]:
    return [f"[{i.section}] {i.message}" for i in report.issues if i.severity == "error"]


def _warnings(report) -> list[str]:
    return [i.message for i in report.issues if i.severity == "warning"]


# --- 3. never shifted -----------------------------------------------------------------------------------


def test_html_row_missing_a_cell_is_reported_not_shifted(synthetic_html, tmp_path):
    html, _ = synthetic_html
    start, end = _granted_row(html)
    row = html[start:end]
    cells = list(re.finditer(r"<td[^>]*>.*?</td>", row, re.S))
    first_value = cells[2]  # group label, row label, then the natural-person value
    short = row[: first_value.start()] + row[first_value.end() :]
    path = tmp_path / "short.html"
    path.write_text(html[:start] + short + html[end:], encoding="utf-8")
    report = read_report(path)
    granted = report.table3.query("row == 'granted'")
    assert granted["cell_status"].eq("missing").all(), granted  # not read one column to the left
    assert any(e.startswith("[三] row granted:") and "row too short" in e for e in _errors(report))
    assert report.status == "partial"
    full = read_report(_write(tmp_path, "full.html", html))
    other = report.table3.query("row != 'granted'").reset_index(drop=True)
    assert other["value"].equals(full.table3.query("row != 'granted'").reset_index(drop=True)["value"])


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_word_row_missing_a_cell_is_reported_not_shifted(tmp_path):
    def drop_cell(xml: str) -> str:
        label = xml.index("予以公开", xml.index("本年度办理结果"))
        row_end = xml.index("</w:tr>", label)
        cell_start = xml.index("<w:tc>", label) if "<w:tc>" in xml[label:row_end] else xml.index("<w:tc ", label)
        cell_end = xml.index("</w:tc>", cell_start) + len("</w:tc>")
        return xml[:cell_start] + xml[cell_end:]

    report = read_report(_docx_with(drop_cell, "short.docx", tmp_path))
    assert report.table3.query("row == 'granted'")["cell_status"].eq("missing").all()
    assert any(e.startswith("[三] row granted:") and "row too short" in e for e in _errors(report))
    assert report.table3.query("row == 'partially_granted'")["cell_status"].eq("number").all()


@pytest.mark.parametrize("invisible", ["\u200b", "&#xfeff;", "&#8203;", "\u00ad"])
def test_invisible_character_in_a_cell_is_stripped_and_noted(synthetic_html, tmp_path, invisible):
    html, _ = synthetic_html
    start, end = _granted_row(html)
    row = html[start:end]
    cells = list(re.finditer(r"(<td[^>]*>(?:<p[^>]*>)?(?:<span[^>]*>)?)(\d+)", row))
    value = cells[0]
    edited = row[: value.end()] + invisible + row[value.end() :]
    report = read_report(_write(tmp_path, "zwsp.html", html[:start] + edited + html[end:]))
    cell = report.table3.set_index(["row", "applicant"]).loc[("granted", "natural_person")]
    assert cell["cell_status"] == "number" and cell["value"] == int(value.group(2))
    notes = [i.message for i in report.issues if "invisible" in i.message]
    assert len(notes) == 1 and notes[0].endswith(f"(line {cell['source_line']})"), report.issues
    assert report.status == "ok"


def test_invisible_character_in_a_text_line_is_stripped_and_noted(tmp_path):
    lines = (RAW / "jincheng_2024.txt").read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(lines) if line.strip() == "(一)予以公开") + 2
    lines[i] = lines[i] + "\u200b"
    report = read_report(_write(tmp_path, "zwsp.txt", "\n".join(lines)))
    original = read_report(RAW / "jincheng_2024.txt")
    assert report.table3["value"].equals(original.table3["value"])
    assert [m for m in (i.message for i in report.issues) if "invisible" in m] == [
        f"1 invisible character removed (U+200B ZERO WIDTH SPACE) at line {i + 1}"
    ]


_FORMAT_CHARS = [chr(c) for c in FORMAT_CHARACTERS]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(),  # any code point, astral and lone surrogates included
            st.sampled_from(_FORMAT_CHARS),
            st.sampled_from("平潭0123456789\t\n\u3000"),
        ),
        max_size=40,
    )
)
def test_the_quick_search_finds_what_the_whole_class_finds(chars):
    text = "".join(chars)
    assert has_invisible(text) == (INVISIBLE.search(text) is not None)


def _is_junk(ch: str) -> bool:
    """Controls other than whitespace, private use of the BMP, non-characters: what no report contains."""
    o = ord(ch)
    return o <= 0x08 or 0x0E <= o <= 0x1F or 0x7F <= o <= 0x9F or 0xE000 <= o <= 0xF8FF or o in (0xFFFE, 0xFFFF)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(blacklist_categories=("Cs",)),  # what UTF-8 can carry
            st.sampled_from(_FORMAT_CHARS),
            st.sampled_from("平潭0123456789\t\n\u3000\x07\ue000"),
        ),
        max_size=40,
    ),
    st.sampled_from([0, 20, 200]),
)
def test_decoding_answers_junk_and_invisible_characters_from_one_scan(chars, padding):
    text = "政府信息公开" * padding + "".join(chars)
    if not text.strip() or "\x00" in text:
        return  # empty and NUL: refused before any scan (other tests)
    junk_share = sum(map(_is_junk, text)) / len(text)
    try:
        decoded = decode_text(text.encode("utf-8"))
    except UnreadableSource as exc:
        assert junk_share > 0.01 and "garbled" in str(exc)
        return
    assert junk_share <= 0.01 and decoded.text == text
    assert decoded.format_characters == (INVISIBLE.search(text) is not None)


def test_a_tag_character_beyond_the_bmp_is_found_beside_chinese_text():
    assert has_invisible("予以公开\U000e0041 12") and not has_invisible("予以公开 12\U00020000")


def test_two_reports_in_one_file_are_reported(tmp_path):
    text = (RAW / "jincheng_2024.txt").read_text(encoding="utf-8")
    other = (RAW / "jishan_2023.txt").read_text(encoding="utf-8")
    report = read_report(_write(tmp_path, "two.txt", text + "\n" + other))
    second = text.count("\n") + 2
    found = [i for i in report.issues if "second report" in i.message]
    assert len(found) == 1 and found[0].severity == "error", report.issues
    assert found[0].source_line is not None and found[0].source_line > second
    assert report.table3["value"].equals(read_report(RAW / "jincheng_2024.txt").table3["value"])


# --- 2. bounded work ------------------------------------------------------------------------------------


def test_html_grid_is_bounded_in_cells_not_only_in_span(tmp_path):
    rows = "".join('<tr><td rowspan="200" colspan="200">1</td></tr>' for _ in range(50))  # 2 million positions
    page = f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{rows}</table></body></html>"
    doc = read_source(_write(tmp_path, "spans.html", page))
    assert _table_cells(doc) <= 4 * MAX_GRID_CELLS
    assert any(f"more than {MAX_GRID_CELLS} grid positions" in w for w in doc.warnings)
    assert read_report(tmp_path / "spans.html").status != "ok"


def test_a_flood_of_cells_is_bounded(synthetic_html, tmp_path):
    html, _ = synthetic_html
    at = html.index("<table", html.index("三、"))
    flood = "<table><tr>" + "<td>1</td>" * 100_000 + "</tr></table>"  # 1 MB
    path = _write(tmp_path, "flood.html", html[:at] + flood + html[at:])
    doc = read_source(path)
    assert _table_cells(doc) <= 4 * MAX_GRID_CELLS + 1000
    report = read_report(path)
    assert any("grid positions" in w for w in _warnings(report))


@pytest.mark.parametrize(
    "attr", ['w:gridSpan w:val="abc"', 'w:gridSpan w:val="100000"', f'w:gridSpan w:val="{"9" * 5000}"']
)
def test_word_merge_attributes_are_read_safely_and_capped(tmp_path, attr):
    def odd_span(xml: str) -> str:
        return xml.replace("<w:tcPr>", f"<w:tcPr><{attr}/>", 1)

    path = _docx_with(odd_span, "span.docx", tmp_path)
    doc = read_source(path)
    assert all(len(row) <= 64 * MAX_SPAN for b in doc.blocks if isinstance(b, TableBlock) for row in b.rows)
    assert any("merge attributes" in w for w in doc.warnings)
    report = read_report(path)
    assert report.report_id == "span.docx"


def test_word_zip_bomb_is_refused_before_decompressing(tmp_path):
    def inflate(xml: str) -> str:
        return xml.replace("<w:body>", "<w:body>" + " " * 30_000_000, 1)  # 30 MB of XML in about 30 kB

    path = _docx_with(inflate, "bomb.docx", tmp_path)
    assert path.stat().st_size < 1_000_000
    report = read_report(path)
    assert report.status == "failed"
    assert "ZIP bomb" in report.message and "word/document.xml" in report.message


def test_html_nested_past_libxml2_limits_is_read_or_reported(synthetic_html, tmp_path):
    html, _ = synthetic_html
    at = html.index("<table", html.index("三、"))
    deep = _write(tmp_path, "deep.html", html[:at] + "<span>" * 300 + html[at:])  # past libxml2's default 256
    assert read_report(deep).table3["cell_status"].eq("number").all()
    deeper = _write(tmp_path, "deeper.html", html[:at] + "<span>" * 5000 + html[at:])
    report = read_report(deeper)
    assert any("libxml2" in w and "Excessive depth" in w for w in _warnings(report)), report.issues


def test_html_text_node_over_10_mb_is_read(tmp_path):
    page = "<html><body><p>" + "好" * 11_000_000 + "</p><p>二〇二四年政府信息公开工作年度报告</p></body></html>"
    doc = read_source(_write(tmp_path, "big.html", page))
    assert any("二〇二四年" in b.text for b in doc.blocks if not isinstance(b, TableBlock))


# --- 1. read_report never raises --------------------------------------------------------------------------


def test_a_run_of_over_4300_digits_is_a_located_error(tmp_path):
    crawl = (FIXTURES / "crawl" / "pingtan_2023_crawl.txt").read_text(encoding="utf-8")
    at = crawl.index("（一）予以公开") + len("（一）予以公开")
    run = re.match(r"\d+", crawl[at:])
    path = _write(tmp_path, "digits.txt", crawl[:at] + "1" * 5000 + crawl[at + run.end() :])
    report = read_report(path)
    assert report.status == "partial"
    errors = [e for e in _errors(report) if e.startswith("[三] row granted: run-together cells 1111")]
    assert len(errors) == 1 and "left unsplit, not guessed" in errors[0]
    assert "(5000 digits)" in errors[0] and len(errors[0]) < 400  # the run is quoted, not repeated whole
    assert report.table3.query("row == 'granted'")["cell_status"].eq("missing").all()


def test_read_report_records_an_internal_error_instead_of_raising(tmp_path, monkeypatch):
    import gongkai.parse.report as parse_report

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(parse_report, "parse_table4", broken)
    report = read_report(RAW / "jincheng_2024.txt")
    assert report.status == "failed"
    assert "internal error ValueError: boom" in report.message
    assert report.sha256


def test_table_cells_stay_a_frame(tmp_path):
    assert isinstance(read_report(RAW / "jincheng_2024.txt").table3, pd.DataFrame)


def test_a_library_warning_becomes_a_message_of_the_report(tmp_path, monkeypatch, recwarn):
    import warnings

    from gongkai import readers

    def warning_reader(path, data, sha256):
        warnings.warn("odd markup ignored", UserWarning, stacklevel=1)
        warnings.warn("odd markup ignored", UserWarning, stacklevel=1)
        return readers.read_text(path, data, sha256)

    monkeypatch.setitem(readers.READERS, ".txt", warning_reader)
    report = read_report(RAW / "jincheng_2024.txt")
    found = [i for i in report.issues if "odd markup ignored" in i.message]
    assert [(i.severity, i.section) for i in found] == [("warning", "file")]  # once, in the report
    assert "(UserWarning)" in found[0].message
    assert not [w for w in recwarn.list if "odd markup" in str(w.message)]  # not on the terminal


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), fmt=st.sampled_from(["2019", "2021"]), pick=st.integers(0, 10_000))
def test_dropping_any_value_cell_of_a_web_table_never_shifts_a_value(tmp_path_factory, seed, fmt, pick):
    """Property: remove one value <td> from any row of any table of a synthetic web report; every cell read is
    still its true value, and the damaged row is missing and reported (an error in its section)."""
    rng = random.Random(seed)
    tables = random_tables(rng, fmt, blank_rate=0.0, dash_rate=0.0, consistent=True)
    html = render(tables, "html_table", issuer="某县人民政府", year=2024, rng=rng)
    value_cells = [m for m in re.finditer(r"<td[^>]*>(?:<[^>]+>)*\s*\d+\s*(?:</[^>]+>)*</td>", html)]
    drop = value_cells[pick % len(value_cells)]
    path = tmp_path_factory.mktemp("drop") / "drop.html"
    path.write_text(html[: drop.start()] + html[drop.end() :], encoding="utf-8")
    report = read_report(path)
    keys_of = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}
    for name, keys in keys_of.items():
        frame, truth = getattr(report, name), getattr(tables, name)
        for key, value, status in zip(
            frame[keys].itertuples(index=False, name=None), frame["value"], frame["cell_status"], strict=True
        ):
            if status == "number" and key in truth:
                assert float(value) == float(truth[key].value), (name, key)
    assert report.status == "partial"
    assert any(i.severity == "error" and i.section in {"二", "三", "四"} for i in report.issues)
