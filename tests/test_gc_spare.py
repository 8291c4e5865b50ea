"""The collector is only ever paused or spared for the duration of the work, whatever happens in it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from gongkai import read_report, rules
from gongkai.gc_spare import paused_collector
from gongkai.parse import report as parse_report
from gongkai.rules import audit_all

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "boshan_2024.txt"


def test_parsing_leaves_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    read_report(SEED)
    assert gc.isenabled()
    gc.disable()
    try:
        read_report(SEED)
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()


def test_a_parser_defect_still_resumes_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    def defect(*args, **kwargs):
        assert not gc.isenabled()  # paused while the document is parsed
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_report, "parse_document", defect)
    report = read_report(SEED)
    assert gc.isenabled()
    assert any("internal error RuntimeError: boom" in i.message for i in report.issues)


def test_nested_pauses_resume_at_the_outermost_end() -> None:
    with paused_collector():
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_audit_resumes_the_collector_and_leaves_nothing_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    report = read_report(SEED)
    audit_all([report])
    assert gc.isenabled() and gc.get_freeze_count() == 0

    def failing(*args, **kwargs):
        assert not gc.isenabled()  # paused while it runs
        raise RuntimeError("boom")

    monkeypatch.setattr(rules, "judge_narrative", failing)
    with pytest.raises(RuntimeError):
        audit_all([report])
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("first_out", ["first_in", "second_in"])
def test_overlapping_pauses_in_two_threads_leave_the_collector_running(first_out: str) -> None:
    import threading

    events = {name: threading.Event() for name in ("a_in", "b_in", "a_go", "b_go")}

    def pause(me: str, other: str) -> None:
        with paused_collector():
            events[f"{me}_in"].set()
            events[f"{other}_in"].wait(5)
            events[f"{me}_go"].wait(5)

    a = threading.Thread(target=pause, args=("a", "b"))
    b = threading.Thread(target=pause, args=("b", "a"))
    a.start()
    events["a_in"].wait(5)
    b.start()
    events["b_in"].wait(5)
    order = ("a", "b") if first_out == "first_in" else ("b", "a")
    for name, thread in zip(order, (a, b) if order[0] == "a" else (b, a), strict=True):
        events[f"{name}_go"].set()
        thread.join(5)
    assert gc.isenabled()
