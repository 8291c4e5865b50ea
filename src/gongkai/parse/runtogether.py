"""Crawled text whose table cells ran together: find the structure again, and split the digits.

A crawler that flattens a page prints a table 3 row as ``1.本机关不掌握相关政府信息120300015``
for the cells 12|0|3|0|0|0|15, and often the whole report on one line. Two steps:

1. :func:`explode` cuts such lines at section headings, sentences, labels and digit runs, so the
   usual parser sees one label or one run of digits per (virtual) line.
2. :func:`split_run` recovers the cells of a run: every way to cut the digits into numbers written
   without leading zeros is tried, and only cuts that satisfy the table's own arithmetic are kept
   (a table 3 row: the six applicant columns sum to the total; table 4: each proceeding's total).
   One surviving cut is kept as ``inferred``; several, or none, leave the row unsplit and reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from gongkai.parse.normalize import norm
from gongkai.parse.sections import SECTION_NUMERALS
from gongkai.readers.base import Block, Cell, TextLine
from gongkai.templates import label_phrases

# Runs of value characters (digits, signs, dash marks, decimal points, stray spaces inside): glued cells.
_RUN = re.compile(r"[\d\-—–－/](?:[\d\-—–－/.．]|[ \u3000\xa0]+(?=[\d\-—–－/]))*")
# A label glued to digits: the sign of a flattened table.
_GLUED = re.compile(r"(?:申请数量|\(一\)予以公开|\(七\)总计|继续办理) ?\d")
# A flattened table sits on one long line; a label and its numbers on a short line is the PDF-text layout.
_FLAT_LINE = 300
_HEADING_TAIL = re.compile(r"(?:及改进情况|的事项|事项|情况)?")
_SENTENCE = re.compile(r"[^。]*。")
_TABLE_SECTIONS = ("二", "三", "四")
MAX_SPLITS = 200_000
MAX_DIGITS = 18  # no cell of a cut is longer: a count that size is not one (and int() of 4,300+ digits raises)


def looks_run_together(lines: list[TextLine]) -> bool:
    """Whether table 3 labels are glued to their digits (at most a stray space between) on long lines."""
    return (
        sum(len(_GLUED.findall(unicodedata.normalize("NFKC", ln.text))) for ln in lines if len(ln.text) > _FLAT_LINE)
        >= 2
    )


def _headings(text: str, expected: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, numeral) of section headings inside a long line, in order."""
    phrases = label_phrases("section")
    for m in re.finditer(r"[一二三四五六]、", text):
        numeral = m.group()[0]
        index = SECTION_NUMERALS.index(numeral)
        if index < expected:
            continue
        window = text[m.end() : m.end() + 24]
        ends = [window.find(p) + len(p) for p in phrases[numeral] if p in window]
        if not ends:
            continue
        end = m.end() + max(ends)
        end += len(_HEADING_TAIL.match(text, end).group())
        yield m.start(), end, numeral
        expected = index + 1


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Label text and digit runs of a table section, with their offsets; an enumerator ("2.") stays with its label."""
    pos = 0
    for m in _RUN.finditer(text):
        if not any(ch.isdigit() for ch in m.group()):
            continue  # a lone "/" or "-" inside a label (本年增/减) is label text
        start, end = m.start(), m.end()
        if text[end - 1] in ".．" and text[end - 2 : end - 1].isdigit():
            end -= 2  # the last digit numbers the next label: "00000002.其他…" → "0000000" + "2.其他…"
        elif text[end : end + 1] == "、" and text[end - 1].isdigit():
            end -= 1  # "…0003、其他" likewise
        if end <= start:
            continue
        if text[pos:start].strip():
            yield pos, text[pos:start]
        yield start, text[start:end]
        pos = end
    if text[pos:].strip():
        yield pos, text[pos:]


def explode(blocks: list[Block]) -> list[Block]:
    """Cut flattened lines into headings, sentences, labels and digit runs (virtual lines, same line number)."""
    out: list[Block] = []
    section = 0
    previous: str | None = None  # the section the last piece belonged to
    for block in blocks:
        if not isinstance(block, TextLine):
            out.append(block)
            continue
        cell = block.cell
        text = cell.text
        pieces: list[tuple[int, str, bool]] = []  # offset, text, is_heading
        pos = 0
        for start, end, numeral in _headings(text, section):
            pieces.append((pos, text[pos:start], False))
            pieces.append((start, text[start:end], True))
            pos = end
            section = SECTION_NUMERALS.index(numeral) + 1
        pieces.append((pos, text[pos:], False))
        current = previous
        for offset, piece, is_heading in pieces:
            if not piece.strip():
                continue
            if is_heading:
                current = heading_numeral(piece)
                out.append(_virtual(cell, offset, piece))
            elif current in _TABLE_SECTIONS:
                out.extend(_virtual(cell, offset + o, t) for o, t in _table_pieces(piece))
            else:
                out.append(_virtual(cell, offset, piece))
        previous = current
    return out


def heading_numeral(text: str) -> str:
    return norm(text)[0]


def _table_pieces(text: str) -> Iterator[tuple[int, str]]:
    """Sentences stay whole (narrative); the rest is cut into labels and digit runs."""
    pos = 0
    for m in _SENTENCE.finditer(text):
        if m.start() > pos:
            yield from ((pos + o, t) for o, t in _tokens(text[pos : m.start()]))
        yield m.start(), m.group()
        pos = m.end()
    yield from ((pos + o, t) for o, t in _tokens(text[pos:]))


def _virtual(cell: Cell, offset: int, text: str) -> TextLine:
    return TextLine(text.strip(), cell.line, f"line {cell.line}, char {offset + 1}")


@dataclass(frozen=True)
class Split:
    """The ways a run of digits can be cut into cells under a constraint."""

    digits: str
    candidates: list[tuple[int, ...]]
    exhausted: bool = False  # too many cuts to enumerate


def cuts(digits: str, n: int, check: Callable[[tuple[int, ...]], bool]) -> Split:
    """Every cut of ``digits`` into ``n`` numbers without leading zeros that ``check`` accepts.

    ``check`` is called on every prefix, so a constraint prunes as soon as a group is complete.
    """
    found: list[tuple[int, ...]] = []
    steps = 0

    def walk(pos: int, parts: tuple[int, ...]) -> bool:
        nonlocal steps
        steps += 1
        if steps > MAX_SPLITS:
            return False
        if not check(parts):
            return True
        if len(parts) == n:
            if pos == len(digits):
                found.append(parts)
            return True
        remaining = n - len(parts)
        if len(digits) - pos < remaining:
            return True
        longest = 1 if digits[pos] == "0" else min(len(digits) - pos - (remaining - 1), MAX_DIGITS)
        return all(walk(pos + width, (*parts, int(digits[pos : pos + width]))) for width in range(1, longest + 1))

    complete = walk(0, ())
    return Split(digits, found, exhausted=not complete)


def group_totals(width: int, groups: int) -> Callable[[tuple[int, ...]], bool]:
    """Constraint: in each consecutive group of ``width`` cells, the last is the sum of the others."""

    def check(parts: tuple[int, ...]) -> bool:
        k = len(parts)
        if k == 0 or k % width or k > width * groups:
            return True
        group = parts[k - width : k]
        return sum(group[:-1]) == group[-1]

    return check


def no_constraint(parts: tuple[int, ...]) -> bool:
    return True


def digits_of(raw: str) -> str | None:
    """The digits of a run (spaces removed), or None when it is not a plain run of digits."""
    s = re.sub(r"[ \u3000\xa0]+", "", norm(raw))
    return s if s.isdigit() else None


def run_digits(values: list) -> str | None:
    """The digits of a row's value cells taken together, or None if any is not a plain run of digits."""
    runs = [digits_of(v.cell.text) for v in values if not v.empty]
    return "".join(runs) if runs and all(r is not None for r in runs) else None  # type: ignore[arg-type]


def run_ref(values: list) -> str:
    """The locator of a run's first cell (e.g. "line 10, char 1234")."""
    return next((v.cell.ref for v in values if not v.empty), "")
