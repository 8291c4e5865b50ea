"""PDF as published (issue 11): tables that swallow text, rows matched by place, the format per table,
scanned and encrypted PDFs. Fixtures: tests/fixtures/make_pdf_fixtures.py."""

from __future__ import annotations

import io
import logging

import pandas as pd

from gongkai import read_report
from gongkai.dataset.tables import reports_table
from gongkai.readers.pdf import read_pdf
from gongkai.rules import audit_all
from gongkai.templates import table3_rows

from conftest import FIXTURES

KEYS = {"table2": ["category", "measure"], "table3": ["row", "applicant"], "table4": ["proceeding", "outcome"]}
OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_other")


def _expected(seed: str, table: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "expected" / seed / f"{table}.csv")


def _assert_cells(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], table: str) -> None:
    assert actual[keys].values.tolist() == expected[keys].values.tolist(), table
    assert actual["value"].astype(float).tolist() == expected["value"].astype(float).tolist(), table
    assert actual["cell_status"].tolist() == expected["cell_status"].tolist(), table


def test_heading_swallowed_by_table_2_goes_back_to_the_text_and_every_cell_is_read():
    """Heading and paragraph inside table 2's frame, narrow group column, typos, table 3 across pages."""
    report = read_report(FIXTURES / "pdf_swallowed_heading_000.pdf")
    assert report.status == "ok", report.message
    for table, keys in KEYS.items():
        _assert_cells(getattr(report, table), _expected("jincheng_2024", table), keys, table)
    assert "本年度主动公开政府信息情况见下表" in report.sections["二"]
    notes = [i.message for i in report.issues if i.severity == "warning" and "by its place" in i.message]
    assert len(notes) == 2
    assert any("其他法律法规禁公开" in n and n.startswith("denied_prohibited_by_law") for n in notes)
    assert any("补正后申请内容不明" in n and n.startswith("unavailable_still_unclear") for n in notes)


def test_2021_table_2_beside_a_2019_shape_table_3_each_in_its_own_format():
    report = read_report(FIXTURES / "pdf_mixed_formats_004.pdf")
    assert (report.format_table2, report.format_table3) == ("2021", "2019")
    assert (report.issuer, report.year) == ("淄博市博山区人民政府", 2024)  # the title wraps after 工作
    assert report.status == "ok", report.message
    _assert_cells(report.table2, _expected("boshan_2024", "table2"), KEYS["table2"], "table2")
    _assert_cells(report.table4, _expected("boshan_2024", "table4"), KEYS["table4"], "table4")
    t3 = _expected("boshan_2024", "table3")
    summed = t3[t3["row"].isin(OTHER_2021)].groupby("applicant", sort=False)["value"].sum()
    actual = report.table3.pivot(index="row", columns="applicant", values="value")
    assert list(report.table3["row"].drop_duplicates()) == [r.key for r in table3_rows("2019")]
    for applicant, value in summed.items():
        assert actual.loc["other_handling", applicant] == value
    kept = t3[~t3["row"].isin(OTHER_2021)]
    for row, applicant, value in kept[["row", "applicant", "value"]].itertuples(index=False):
        assert actual.loc[row, applicant] == value
    reports = reports_table([report])
    assert reports[["format", "format_table2", "format_table3"]].values.tolist() == [["2019", "2021", "2019"]]
    result = audit_all([report])
    assert (result.findings["status"] == "fail").sum() == 0
    checks = result.checks.set_index("rule")
    assert checks.loc["t3.row_total", "n_pass"] == len(table3_rows("2019"))  # every row of the 2019 shape
    assert checks.loc["t3.outcome_total", "n_pass"] == 7


def test_pingtan_page_rendered_to_pdf_equals_its_html_twin():
    report = read_report(FIXTURES / "pdf_pingtan_2021.pdf")
    assert report.status == "ok", report.message
    for table, keys in KEYS.items():
        expected = pd.read_csv(FIXTURES / "crawl" / f"pingtan_2021_{table}_from_html.csv")
        _assert_cells(getattr(report, table), expected, keys, table)


def test_huaian_pdf_every_cell_as_before():
    report = read_report(FIXTURES / "huaian_2024.pdf")
    assert report.status == "ok" and (report.format_table2, report.format_table3) == ("2021", "2021")
    assert report.table3["cell_status"].eq("number").all() and len(report.table3) == 175


def _blank_pdf(pages: int = 1) -> bytes:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_blank_pdf(2))
    report = read_report(path)
    assert report.status == "failed"
    assert "needs OCR" in report.message


def _encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_encrypted_pdf_says_so(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(_encrypted_pdf())
    report = read_report(path)
    assert report.status == "failed"
    assert "encrypted" in report.message and "password" in report.message


def test_reading_a_pdf_logs_nothing(caplog):
    caplog.set_level(logging.DEBUG)
    data = (FIXTURES / "seed_003.pdf").read_bytes()
    read_pdf(FIXTURES / "seed_003.pdf", data, "x")
    assert not [r for r in caplog.records if r.name.startswith(("pdfminer", "pdfplumber", "pypdfium2"))]


def test_pages_with_a_rotate_entry_read_as_unrotated(tmp_path):
    """A /Rotate on every page (as scanners and some exporters write) changes nothing in the cells."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(FIXTURES / "seed_003.pdf")
    for i in range(len(doc)):
        doc[i].set_rotation(90)
    path = tmp_path / "rotated.pdf"
    doc.save(path)
    doc.close()
    report = read_report(path)
    assert report.status == "ok", report.message
    for table, keys in KEYS.items():
        _assert_cells(getattr(report, table), _expected("jiyuan_2024", table), keys, table)
