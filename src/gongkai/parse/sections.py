"""Find the six section headings (一 … 六) of a report and split its blocks between them."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.parse.normalize import norm, norm_all
from gongkai.readers.base import Block, TextLine
from gongkai.templates import label_phrases

SECTION_NUMERALS = ("一", "二", "三", "四", "五", "六")
PREAMBLE = "序"
MAX_HEADING_CHARS = 40
# A heading's second character is "、" once normalised; only 、, ︑ (U+FE11), ﹑ (U+FE51) and ､ (U+FF64)
# normalise (NFKC) to it, so a line without any of them is not a heading, and most lines are turned away
# without normalising (_may_be_heading).


@dataclass
class Section:
    key: str  # 序, 一 … 六
    heading: TextLine | None
    blocks: list[Block]


def _may_be_heading(text: str) -> bool:
    """A quick test before :func:`heading_key`: whether the line has one of the characters of "、"."""
    return "、" in text or "\ufe11" in text or "\ufe51" in text or "\uff64" in text


def heading_key(text: str) -> str | None:
    """The section numeral if ``text`` is a section heading (e.g. 三、收到和处理政府信息公开申请情况)."""
    if not _may_be_heading(text):
        return None
    s = norm(text)
    if len(s) > MAX_HEADING_CHARS or len(s) < 3 or s[1] != "、":
        return None
    numeral = s[0]
    if numeral not in SECTION_NUMERALS:
        return None
    phrases = norm_all(label_phrases("section")[numeral])
    return numeral if any(p in s for p in phrases) else None


@dataclass
class SectionSplit:
    """The sections of a report, notes on missing headings, and where a second report starts (if one does)."""

    sections: list[Section]
    notes: list[str]
    second_report: TextLine | None  # a heading 一、… after section 二 or later


def split_sections(blocks: list[Block]) -> SectionSplit:
    """Split blocks at headings taken in order 一 → 六.

    Headings are taken in order only, so a second report in the same file (a heading 一 after section 二
    or later) would otherwise be read silently as the text of the first one's last section: its heading is
    returned as ``second_report``.
    """
    sections = [Section(PREAMBLE, None, [])]
    add = sections[-1].blocks.append
    expected = 0
    second_report: TextLine | None = None
    for block in blocks:
        # _may_be_heading, inline: this runs for every line
        if isinstance(block, TextLine) and (
            "、" in (text := block.text) or "\ufe11" in text or "\ufe51" in text or "\uff64" in text
        ):
            key = heading_key(text)
            if key is not None and SECTION_NUMERALS.index(key) >= expected:
                sections.append(Section(key, block, []))
                add = sections[-1].blocks.append
                expected = SECTION_NUMERALS.index(key) + 1
                continue
            if key == "一" and expected >= 2 and second_report is None:
                second_report = block
        add(block)
    found = {s.key for s in sections}
    notes = [f"section {k} heading not found" for k in SECTION_NUMERALS if k not in found]
    return SectionSplit(sections, notes, second_report)
