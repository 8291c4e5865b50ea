"""The fast paths of claim extraction find exactly what the plain patterns and rules find."""

from __future__ import annotations

import bisect
import re

from hypothesis import example, given
from hypothesis import strategies as st

from gongkai.datafiles import package_csv
from gongkai.rules import claims
from gongkai.rules.claims import (
    COUNT_RE,
    DELIM_RE,
    SHARE_RE,
    YOY_RE,
    _Section,
    _spans,
    scanner,
    split_alternatives,
    terms,
)
from test_claims_extraction import BOSHAN, JINCHENG_APPLY, JINCHENG_DOCS, JISHAN, JIYUAN

REAL = JINCHENG_APPLY + JINCHENG_DOCS + BOSHAN + JISHAN + JIYUAN
# Pieces of the term keywords (whole and cut), digits, delimiters and brackets: texts where matches overlap and abut.
_KEYWORDS = [
    a for r in package_csv("gongkai.rules", "claim_terms.csv") for a in re.findall(r"[\u4e00-\u9fff]+", r["pattern"])
]
PIECES = st.sampled_from(
    _KEYWORDS + [k[:1] for k in _KEYWORDS] + [k[1:] for k in _KEYWORDS]
    + list("0123456789.．%％件起年 ，,；;：:、（()）。\n１２") + ["同比增长", "较2023年减少", "占比", "上年", "下一年"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def _hits(pattern: re.Pattern[str], owner: object, text: str) -> list[tuple[tuple[int, int], object]]:
    return [(m.span(), owner(m)) for m in pattern.finditer(text)]  # type: ignore[operator]


def _scanner_hits(text: str) -> list:
    fast, owners = scanner()
    return _hits(fast, lambda m: owners[m.lastindex], text)


def _combined_hits(text: str) -> list:
    term_list, combined = terms()
    return _hits(combined, lambda m: term_list[int(m.lastgroup[1:])], text)


def test_scanner_is_one_alternative_per_keyword_alternative() -> None:
    fast, owners = scanner()
    assert fast.groups == len(owners) - 1 > len(terms()[0])  # the fast form, not the fallback
    assert _scanner_hits(REAL) == _combined_hits(REAL)
    assert len(_combined_hits(REAL)) > 50


@given(TEXTS)
def test_scanner_finds_the_same_hits_and_terms_as_the_combined_regex(text: str) -> None:
    assert _scanner_hits(text) == _combined_hits(text)


def test_split_alternatives_respects_groups_classes_and_escapes() -> None:
    assert split_alternatives("a|b(c|d)") == ["a", "b(c|d)"]
    assert split_alternatives("[|]x|y") == ["[|]x", "y"]
    assert split_alternatives(r"a\|b|c") == [r"a\|b", "c"]
    assert split_alternatives("[]|]|z") == ["[]|]", "z"]
    assert split_alternatives("[^]|]|z") == ["[^]|]", "z"]
    assert split_alternatives("(?:x|y)") == ["(?:x|y)"]


@given(TEXTS)
def test_count_pattern_matches_as_the_look_behind_first_form(text: str) -> None:
    plain = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(件|起)(?!\d)")
    assert [(m.span(), m.groups()) for m in COUNT_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in plain.finditer(text)
    ]


def _plain_spans(text: str) -> list[tuple[int, int, str]]:
    """Figures found by running every pattern on every text (no prefilter)."""
    spans = [(m.start(), m.end(), "yoy") for m in YOY_RE.finditer(text)]
    taken = list(spans)
    for m in SHARE_RE.finditer(text):
        if not any(a <= m.start(1) < b for a, b, _ in taken):
            spans.append((m.start(1), m.end(), "share"))
    taken = list(spans)
    for m in COUNT_RE.finditer(text):
        if not any(a <= m.start() < b for a, b, _ in taken):
            spans.append((m.start(), m.end(), "count"))
    return sorted(spans, key=lambda s: s[0])


@given(TEXTS)
def test_figures_are_the_same_with_the_prefilters(text: str) -> None:
    assert [s[:3] for s in _spans(text)] == _plain_spans(text)


def test_figures_on_real_text() -> None:
    assert [s[:3] for s in _spans(REAL)] == _plain_spans(REAL)
    assert {k for *_, k in _plain_spans(REAL)} == {"yoy", "share", "count"}


def _plain_in_paren(text: str, pos: int) -> bool:
    """Inside any matched pair of brackets, pairing each closer with the latest unclosed opener."""
    open_at: list[int] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in "（(":
            open_at.append(i)
        elif ch in "）)" and open_at:
            spans.append((open_at.pop(), i))
    return any(a < pos < b for a, b in spans)


@given(st.lists(st.sampled_from(list("（()）ab，")), max_size=40).map("".join))
def test_in_paren_by_bisection_equals_any_matched_pair(text: str) -> None:
    sec = _Section("一", text)
    assert [sec.in_paren(i) for i in range(len(text) + 1)] == [_plain_in_paren(text, i) for i in range(len(text) + 1)]


def test_extraction_keeps_reading_order_and_values() -> None:
    found = claims.extract_claims({"一": JINCHENG_APPLY, "二": BOSHAN})
    assert [c.offset for c in found if c.section == "一"] == sorted(c.offset for c in found if c.section == "一")
    assert [(c.kind, c.value) for c in found][:3] == [("count", 718.0), ("yoy", 59.55), ("count", 720.0)]


@given(TEXTS)
@example(REAL + "\n同比\n增长5%，收到申请3件")
def test_clause_lookups_inside_the_windows_equal_those_over_every_delimiter(text: str) -> None:
    spans = _spans(text)
    sec = _Section("一", text)
    windows: dict[int, tuple[int, int]] = {}
    for start, end, _, _ in spans:
        k = sec.sentence_of(start)
        windows[k] = (sec.sent_starts[k], end)
    sec.scan(sorted(windows.values()))
    every = [m.start() for m in DELIM_RE.finditer(text)]
    for a, b in windows.values():
        for pos in range(a, b):
            k = bisect.bisect_left(every, pos) - 1
            assert sec.clause_start(pos, a) == max(every[k] + 1 if k >= 0 else 0, a)
            between = bisect.bisect_left(every, pos) - bisect.bisect_left(every, a)
            assert claims._clauses_between(sec, a, pos) == between
