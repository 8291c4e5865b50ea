"""Narrow columns: a row label wrapped over several lines, before or after its values, still finds its row."""

from __future__ import annotations

from gongkai import read_report

from conftest import RAW


def _parse(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_report(path)


def test_one_cell_per_line_label_wrapped_mid_phrase(tmp_path):
    text = (RAW / "jincheng_2024.txt").read_text(encoding="utf-8")
    label = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    wrapped = "1.申请人无正当理由逾期不补\n\n正、行政机关不再处理其政府信\n\n息公开申请"
    assert label in text
    report = _parse(tmp_path, "wrapped.txt", text.replace(label, wrapped))
    original = read_report(RAW / "jincheng_2024.txt")
    assert report.status == "ok", report.message
    assert report.table3["value"].tolist() == original.table3["value"].tolist()


def test_tab_separated_label_continued_on_the_next_line_after_the_values(tmp_path):
    text = (RAW / "jishan_2023.txt").read_text(encoding="utf-8")
    row = "\t(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)\t0\t0\t0\t0\t0\t0\t0\t"
    assert row in text
    wrapped = "\t(二) 部分公开(区分处理的, 只计\t0\t0\t0\t0\t0\t0\t0\t\n\t这一情形, 不计其他情形)\t\t\t\t\t\t\t\t"
    report = _parse(tmp_path, "wrapped_tab.txt", text.replace(row, wrapped))
    original = read_report(RAW / "jishan_2023.txt")
    assert report.status == "ok", report.message
    assert report.table3["value"].tolist() == original.table3["value"].tolist()
