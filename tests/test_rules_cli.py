"""``gongkai check FILE`` prints one report's findings and exits 1 only on a failed error rule."""

from __future__ import annotations

import importlib.util

import pytest

from gongkai.cli import main

from conftest import RAW

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gongkai.parse") is None, reason="parser not merged yet")


def test_check_prints_findings_and_claims(capsys):
    assert main(["check", str(RAW / "jincheng_2024.txt")]) == 0
    out = capsys.readouterr().out
    assert "claim.pct_truncated" in out
    assert "narrative claims: 25 match, 0 mismatch" in out


def test_check_exits_1_on_an_error(tmp_path, capsys):
    text = (RAW / "jishan_2023.txt").read_text(encoding="utf-8")
    bad = tmp_path / "jishan_2023.txt"
    bad.write_text(text.replace("共收到政府信息公开申请12件", "共收到政府信息公开申请13件"), encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    assert "claim.count" in capsys.readouterr().out
