"""Claim extraction's quick paths find exactly what the plain definitions find (public functions only)."""

from __future__ import annotations

import bisect
import re

from hypothesis import example, given
from hypothesis import strategies as st

from gongkai.rules.claim_terms import YEAR, vocabulary
from gongkai.rules.claim_text import DELIM_RE, SectionText, keyword_hits
from gongkai.rules.claims import COUNT_RE, SHARE_RE, YOY_RE, extract_claims, figures
from test_claims_extraction import BOSHAN, JINCHENG_APPLY, JINCHENG_DOCS, JISHAN, JIYUAN

REAL = JINCHENG_APPLY + JINCHENG_DOCS + BOSHAN + JISHAN + JIYUAN
_KEYWORDS = [k.replace(YEAR, "2024") for k in vocabulary().keywords]
# Keywords whole and cut, digits, delimiters and brackets: texts where matches overlap and abut.
PIECES = st.sampled_from(
    _KEYWORDS + [k[:1] for k in _KEYWORDS] + [k[1:] for k in _KEYWORDS] + [k[:-1] for k in _KEYWORDS]
    + list("0123456789.．%％件起年 ，,；;：:、（()）。\n１２") + ["同比增长", "较2023年减少", "占比", "上年", "下一年"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def _keyword_at(text: str, pos: int) -> str | None:
    """The longest keyword of the vocabulary written at ``pos`` (``{year}``: four digits)."""
    for k in sorted(vocabulary().keywords, key=lambda k: len(k.replace(YEAR, "0000")), reverse=True):
        head, _, tail = k.partition(YEAR)
        if YEAR not in k:
            if text.startswith(k, pos):
                return k
        elif text.startswith(head, pos):
            digits = text[pos + len(head) : pos + len(head) + 4]
            if len(digits) == 4 and digits.isdigit() and text.startswith(tail, pos + len(head) + 4):
                return text[pos : pos + len(head) + 4 + len(tail)]
    return None


def _plain_hits(text: str) -> list[tuple[int, int, str, str]]:
    """Keyword hits by walking the text: at each place the longest keyword that fits, then past it."""
    out, pos = [], 0
    while pos < len(text):
        k = _keyword_at(text, pos)
        if k is None:
            pos += 1
            continue
        term = vocabulary().term(k)
        out.append((pos, pos + len(k), term.slot, term.key))
        pos += len(k)
    return out


def _hits(text: str) -> list[tuple[int, int, str, str]]:
    return [(h.start, h.end, h.term.slot, h.term.key) for h in keyword_hits(text)]


def test_keyword_hits_on_real_text_and_priorities() -> None:
    assert _hits(REAL) == _plain_hits(REAL)
    assert len(_hits(REAL)) > 50
    assert [h.term.key for h in keyword_hits("经行政复议后又提起诉讼；结转至2024年度继续办理")] == [
        "litigation_after_review",
        "carried_forward",
    ]
    assert [h.term.key for h in keyword_hits("行政复议")] == ["administrative_review"]


@given(TEXTS)
def test_keyword_hits_equal_a_plain_walk(text: str) -> None:
    assert _hits(text) == _plain_hits(text)


@given(TEXTS)
def test_count_pattern_matches_as_the_look_behind_first_form(text: str) -> None:
    plain = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(件|起)(?!\d)")
    assert [(m.span(), m.groups()) for m in COUNT_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in plain.finditer(text)
    ]


def _plain_figures(text: str) -> list[tuple[int, int, str]]:
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
    assert [f[:3] for f in figures(text)] == _plain_figures(text)


def test_figures_on_real_text() -> None:
    assert [f[:3] for f in figures(REAL)] == _plain_figures(REAL)
    assert {k for *_, k in _plain_figures(REAL)} == {"yoy", "share", "count"}


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
    sec = SectionText("一", text)
    assert [sec.in_paren(i) for i in range(len(text) + 1)] == [_plain_in_paren(text, i) for i in range(len(text) + 1)]


def test_extraction_keeps_reading_order_and_values() -> None:
    found = extract_claims({"一": JINCHENG_APPLY, "二": BOSHAN})
    assert [c.offset for c in found if c.section == "一"] == sorted(c.offset for c in found if c.section == "一")
    assert [(c.kind, c.value) for c in found][:3] == [("count", 718.0), ("yoy", 59.55), ("count", 720.0)]


@given(TEXTS)
@example(REAL + "\n同比\n增长5%，收到申请3件")
def test_clause_lookups_inside_the_windows_equal_those_over_every_delimiter(text: str) -> None:
    sec = SectionText("一", text)
    windows: dict[int, tuple[int, int]] = {}
    for f in figures(text):
        k = sec.sentence_of(f[0])
        windows[k] = (sec.sent_starts[k], f[1])
    sec.scan(sorted(windows.values()))
    every = [m.start() for m in DELIM_RE.finditer(text)]
    for a, b in windows.values():
        for pos in range(a, b):
            k = bisect.bisect_left(every, pos) - 1
            assert sec.clause_start(pos, a) == max(every[k] + 1 if k >= 0 else 0, a)
            between = bisect.bisect_left(every, pos) - bisect.bisect_left(every, a)
            assert sec.clauses_between(a, pos) == between
