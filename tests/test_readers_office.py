"""The Word and PDF readers on the fixtures of tests/fixtures (built by make_office_fixtures.py)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.readers.base import Cell, SourceDocument, TableBlock, TextLine, UnreadableSource
from gongkai.readers.docx import read_docx
from gongkai.readers.pdf import read_pdf
from gongkai.templates import table3_rows

FIXTURES = Path(__file__).parent / "fixtures"
TABLE3_KEYS = [row.key for row in table3_rows("2021")]


def read(path: Path) -> SourceDocument:
    reader = read_docx if path.suffix == ".docx" else read_pdf
    return reader(path, path.read_bytes(), "0" * 64)


def tables(document: SourceDocument) -> list[TableBlock]:
    return [block for block in document.blocks if isinstance(block, TableBlock)]


def lines(document: SourceDocument) -> list[str]:
    return [block.cell.text for block in document.blocks if isinstance(block, TextLine)]


def table_with(document: SourceDocument, text: str) -> TableBlock:
    found = [t for t in tables(document) if any(text in cell.text for row in t.rows for cell in row)]
    assert len(found) == 1, f"{len(found)} tables contain {text!r}"
    return found[0]


def seed_values(seed: str) -> dict[tuple[str, str], list[str]]:
    with (FIXTURES / "seed_values.csv").open(encoding="utf-8") as fh:
        return {(r["table"], r["row"]): r["values"].split() for r in csv.DictReader(fh) if r["seed"] == seed}


def expand(merges: list[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    """Spanned positions of merged cells given as (top row, left col, bottom row, right col), inclusive."""
    return {
        (r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)
    }


# The official merged cells of table 3 (2021 format), as the template draws them.
TABLE3_MERGES = [
    (0, 0, 2, 2),  # （本列数据的勾稽关系为…）
    (0, 3, 0, 9),  # 申请人情况
    (1, 3, 2, 3),  # 自然人
    (1, 4, 1, 8),  # 法人或其他组织
    (1, 9, 2, 9),  # 总计
    (3, 0, 3, 2),  # 一、本年新收…
    (4, 0, 4, 2),  # 二、上年结转…
    (5, 0, 26, 0),  # 三、本年度办理结果
    (5, 1, 5, 2),  # （一）予以公开
    (6, 1, 6, 2),  # （二）部分公开
    (7, 1, 14, 1),  # （三）不予公开
    (15, 1, 17, 1),  # （四）无法提供
    (18, 1, 22, 1),  # （五）不予处理
    (23, 1, 25, 1),  # （六）其他处理
    (26, 1, 26, 2),  # （七）总计
    (27, 0, 27, 2),  # 四、结转下年度继续办理
]


# --- Word ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_docx() -> SourceDocument:
    return read(FIXTURES / "edge_vmerge_blank.docx")


def test_docx_table3_grid_and_spans_are_exact(blank_docx: SourceDocument) -> None:
    table3 = tables(blank_docx)[1]
    assert len(table3.rows) == 28
    assert {len(row) for row in table3.rows} == {10}
    assert table3.spanned == expand(TABLE3_MERGES)


def test_docx_vertical_group_label_is_repeated_in_every_row(blank_docx: SourceDocument) -> None:
    table3 = tables(blank_docx)[1]
    group = [table3.rows[r][1] for r in range(7, 15)]
    assert {cell.text for cell in group} == {"（三）不予公开"}
    assert {cell.ref for cell in group} == {"table 2 row 8 cell 2"}
    assert [table3.rows[r][2].text[:2] for r in range(7, 15)] == [f"{i}." for i in range(1, 9)]
    outer = {table3.rows[r][0].text for r in range(5, 27)}
    assert outer == {"三、本年度办理结果"}


def test_docx_blank_cell_stays_blank_and_unspanned(blank_docx: SourceDocument) -> None:
    table3 = tables(blank_docx)[1]
    row = table3.rows[3 + TABLE3_KEYS.index("denied_internal_affairs")]
    assert row[2].text == "5.属于三类内部事务信息"
    assert [cell.text for cell in row[3:]] == ["1", "", "0", "0", "0", "0", "1"]
    assert row[4].ref == "table 2 row 12 cell 5"
    assert (11, 4) not in table3.spanned


def test_docx_values_of_all_three_tables_match_the_seed() -> None:
    document = read(FIXTURES / "seed_003.docx")
    values = seed_values("003")
    table2, table3, table4 = tables(document)
    assert [c.text for c in table2.rows[3][1:]] == values[("table2", "normative_document")]
    assert table2.rows[13][1].text == values[("table2", "administrative_fees")][0]
    assert {(13, 2), (13, 3)} <= table2.spanned  # the fee cell spans the three value columns
    for key, row in zip(TABLE3_KEYS, table3.rows[3:], strict=True):
        assert [c.text for c in row[3:]] == values[("table3", key)], key
    assert [c.text for c in table4.rows[3]] == values[("table4", "all")][:15]


def test_docx_keeps_body_order_of_paragraphs_and_tables() -> None:
    document = read(FIXTURES / "seed_000.docx")
    sequence = [
        "T" if isinstance(b, TableBlock) else b.cell.text[:2]
        for b in document.blocks
        if isinstance(b, TableBlock) or re.match(r"^[一二三四五六]、", b.cell.text)
    ]
    assert sequence == ["一、", "二、", "T", "三、", "T", "四、", "T", "五、", "六、"]
    assert document.blocks[0].cell.text == "晋城市人民政府2024年政府信息公开工作年度报告"
    refs = [b.cell.ref for b in document.blocks if isinstance(b, TextLine)]
    numbers = [int(ref.removeprefix("paragraph ")) for ref in refs]
    assert numbers == sorted(set(numbers))
    assert document.metadata["title"] == "晋城市人民政府2024年政府信息公开工作年度报告"


def _docx_with_merges(rows: int, cols: int, merges: list[tuple[int, int, int, int]]) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=rows, cols=cols)
    for r in range(rows):
        for c in range(cols):
            table.cell(r, c).text = f"{r}-{c}"
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@st.composite
def merge_layouts(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """A small grid and disjoint rectangular merges on it."""
    rows, cols = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    taken: set[tuple[int, int]] = set()
    merges = []
    for _ in range(draw(st.integers(0, 3))):
        r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
        area = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if len(area) > 1 and not area & taken:
            taken |= area
            merges.append((r0, c0, r1, c1))
    return rows, cols, merges


@settings(max_examples=25, deadline=None)
@given(merge_layouts())
def test_docx_any_merge_layout_expands_to_its_grid(layout: tuple[int, int, list]) -> None:
    rows, cols, merges = layout
    document = read_docx(Path("generated.docx"), _docx_with_merges(rows, cols, merges), "0" * 64)
    (table,) = tables(document)
    assert len(table.rows) == rows
    assert {len(row) for row in table.rows} == {cols}
    assert table.spanned == expand(merges)
    for r0, c0, r1, c1 in merges:
        owner = table.rows[r0][c0]
        assert all(table.rows[r][c] == owner for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        assert owner.text.startswith(f"{r0}-{c0}")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"plain text, not a package", "not a ZIP package"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy binary Word (.doc)"),
        (_zip({"hello.txt": b"hi"}), "not a readable Word .docx"),
        ((FIXTURES / "seed_003.docx").read_bytes()[:4000], "not a"),
    ],
)
def test_docx_corrupt_file_raises_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableSource, match=re.escape(message)) as info:
        read_docx(Path("broken.docx"), data, "0" * 64)
    assert "broken.docx" in str(info.value)


# --- PDF ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huaian() -> SourceDocument:
    return read(FIXTURES / "huaian_2024.pdf")


def huaian_expected() -> list[dict[str, str]]:
    """Table 3 of huaian_2024.pdf, checked against the page text and the table identities."""
    with (FIXTURES / "huaian_2024_table3.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_huaian_expected_values_satisfy_the_identities() -> None:
    rows = {r["row"]: [int(v) for v in r["values"].split()] for r in huaian_expected()}
    assert list(rows) == TABLE3_KEYS
    outcomes = TABLE3_KEYS[2:23]
    for values in rows.values():
        assert sum(values[:6]) == values[6]
    for c in range(7):
        assert rows["new_received"][c] + rows["carried_over"][c] == (
            rows["total_processed"][c] + rows["carried_forward"][c]
        )
        assert sum(rows[key][c] for key in outcomes) == rows["total_processed"][c]
    assert [rows[k][6] for k in ("new_received", "total_processed", "carried_over", "carried_forward")] == [
        3119,
        3050,
        34,
        103,
    ]


def test_pdf_recovers_huaian_table3_rows_with_labels_and_numbers(huaian: SourceDocument) -> None:
    table3 = table_with(huaian, "一、本年新收政府信息公开申请数量")
    assert len(table3.rows) == 3 + 25
    assert {len(row) for row in table3.rows} == {10}
    for expected, row in zip(huaian_expected(), table3.rows[3:], strict=True):
        label = "".join(dict.fromkeys(cell.text for cell in row[:3])).replace("\n", "")
        assert expected["label"] in label, (expected["row"], label)
        assert [cell.text for cell in row[3:]] == expected["values"].split(), expected["row"]


def test_pdf_merges_huaian_table3_across_the_page_break(huaian: SourceDocument) -> None:
    table3 = table_with(huaian, "一、本年新收政府信息公开申请数量")
    pages = {cell.ref.split()[1] for row in table3.rows for cell in row}
    assert pages == {"4", "5"}
    # the outer group label, printed one character per line, covers rows on both pages
    outer = table3.rows[5][0]
    assert outer.text.replace("\n", "") == "三、本年度办理结果"
    assert all(table3.rows[r][0] == outer for r in range(5, 27))
    assert {(r, 0) for r in range(6, 27)} <= table3.spanned
    # （四）无法提供 is cut by the page break: both halves are joined and cover its three rows
    group = table3.rows[3 + TABLE3_KEYS.index("unavailable_not_held")][1]
    assert group.text.replace("\n", "") == "（四）无法提供"
    assert group.ref.startswith("page 4 ")
    for key in ("unavailable_needs_creation", "unavailable_still_unclear"):
        assert table3.rows[3 + TABLE3_KEYS.index(key)][1] == group
    assert any("page break" in note and "（四）无" in note for note in huaian.notes)


def test_pdf_drops_page_numbers(huaian: SourceDocument) -> None:
    page_number = re.compile(r"^-\s*\d+\s*-$")
    assert not [text for text in lines(huaian) if page_number.match(text.strip())]
    assert not [c.text for t in tables(huaian) for row in t.rows for c in row if page_number.match(c.text)]
    assert any(note.startswith("dropped page number '- 4 -' (page 4") for note in huaian.notes)


def test_pdf_reads_huaian_tables_2_and_4_and_text(huaian: SourceDocument) -> None:
    table2 = table_with(huaian, "行政事业性收费")
    assert len(table2.rows) == 14  # continued from page 3 to page 4
    fees = next(row for row in table2.rows if row[0].text == "行政事业性收费")
    assert fees[1].text == "96171.6"
    table4 = table_with(huaian, "行政复议")
    assert [c.text for c in table4.rows[-1]] == [
        "72",
        "64",
        "178",
        "37",
        "351",
        "13",
        "4",
        "8",
        "1",
        "26",
        "12",
        "1",
        "1",
        "6",
        "20",
    ]
    # the framed paragraph of page 1 is a one-column "table": it is read as text lines
    assert any(text.startswith("本报告由淮安市人民政府办公室") for text in lines(huaian))
    first = next(b for b in huaian.blocks if isinstance(b, TextLine))
    assert first.cell == Cell("淮安市人民政府", None, "page 1 line 1")
    assert huaian.metadata["title"] == "政府信息公开工作年度报告"


def test_pdf_fixture_table3_continues_past_page_number_and_header() -> None:
    document = read(FIXTURES / "edge_table3_page_break.pdf")
    values = seed_values("003")
    table3 = table_with(document, "一、本年新收政府信息公开申请数量")
    assert {cell.ref.split()[1] for row in table3.rows for cell in row} == {"3", "4"}
    for key, row in zip(TABLE3_KEYS, table3.rows[3:], strict=True):
        assert [c.text for c in row[3:]] == values[("table3", key)], key
    texts = lines(document)
    assert "济源市人民政府办公室政府信息公开工作年度报告" not in texts  # the running header
    assert not [t for t in texts if re.fullmatch(r"- \d -", t)]
    assert [t for t in texts if t.startswith("（填充段落")]  # ordinary lines are kept


def test_pdf_fixture_tables_split_by_libreoffice_are_merged() -> None:
    document = read(FIXTURES / "seed_003.pdf")
    values = seed_values("003")
    assert len(tables(document)) == 3
    table4 = table_with(document, "行政复议")
    assert [c.text for c in table4.rows[-1]] == values[("table4", "all")][:15]
    assert {cell.ref.split()[1] for row in table4.rows for cell in row} == {"3", "4"}


def test_pdf_without_ruled_tables_comes_out_as_lines() -> None:
    document = read(FIXTURES / "text_only_003.pdf")
    assert tables(document) == []
    texts = lines(document)
    assert "一、本年新收政府信息公开申请数量 16 0 0 0 0 0 16" in texts
    assert "行政规范性文件 17 0 246" in texts
    refs = [b.cell.ref for b in document.blocks]
    assert refs[0] == "page 1 line 1"
    assert all(re.fullmatch(r"page \d+ line \d+", ref) for ref in refs)


def _blank_page_pdf() -> bytes:
    """A valid one-page PDF with nothing on the page (what a scan without OCR looks like to a reader)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<html>not a pdf</html>", "not a PDF file"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "not a readable PDF"),
        (_blank_page_pdf(), "no text layer"),
    ],
)
def test_pdf_unreadable_file_raises_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableSource, match=re.escape(message)) as info:
        read_pdf(Path("broken.pdf"), data, "0" * 64)
    assert "broken.pdf" in str(info.value)
