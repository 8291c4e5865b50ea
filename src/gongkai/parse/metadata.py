"""Title, issuer, reporting year and publication date, as the report states them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.readers.base import TextLine

_KEYS = "标题|发布日期|发布时间|发文日期|成文日期|发布机构|来源|索引号|文号|栏目|原文链接"
_PAIR = re.compile(rf"({_KEYS})\s*[:：]\s*(.*?)\s*(?=(?:{_KEYS})\s*[:：]|$)")
_YEAR = re.compile(r"(\d{4})\s*年(?:度)?")
_ISO = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_PERIOD = re.compile(r"(?:统计期限|统计起止时间|统计时限)[^。]*?(\d{4})\s*年\s*1\s*月\s*1\s*日")
TITLE_WORD = "年度报告"


@dataclass
class Metadata:
    title: str | None
    issuer: str | None
    year: int | None
    published: str | None


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("|", " ")).strip()


def _iso(text: str) -> str | None:
    m = _ISO.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _has_colon(text: str) -> bool:
    return ":" in text or "：" in text


def key_values(lines: list[TextLine], limit: int = 40) -> dict[str, str]:
    """``发布机构: X`` style pairs from the first lines (several pairs may share a line)."""
    out: dict[str, str] = {}
    for ln in lines[:limit]:
        if not _has_colon(ln.text):
            continue  # a pair needs its colon
        text = ln.text.replace("|", " ")
        for key, value in _PAIR.findall(text):
            value = value.strip()
            if value and key not in out:
                out[key] = value
    return out


def find_title(lines: list[TextLine], page: dict[str, str]) -> str | None:
    """The first short line naming the 年度报告; a line that starts with the year, or one that is all that
    is left of a title wrapped after its year (``年度报告`` alone), borrows the line above."""
    previous = ""
    for ln in lines[:60]:
        text = ln.text.strip()
        if not text:
            continue
        pairs = _PAIR.findall(text.replace("|", " ")) if _has_colon(text) else []
        candidate = dict(pairs).get("标题", text) if pairs else text
        if TITLE_WORD in candidate and len(_clean(candidate)) <= 60 and "。" not in candidate:
            title = _clean(candidate)
            wrapped = not _YEAR.search(title) and previous and _YEAR.search(previous)
            if (_YEAR.match(title) or wrapped) and previous and len(previous) <= 30:
                title = previous + title
            return title
        if "。" not in text and len(_clean(text)) <= 30:
            previous = _clean(text)
    return page.get("title") or (page.get("page_title", "").split("_")[0] or None)


def title_issuer(title: str | None) -> str | None:
    """The body a title names before its year (平潭综合实验区行政审批局2023年… → 平潭综合实验区行政审批局)."""
    m = _YEAR.search(title) if title else None
    return (title[: m.start()].strip() or None) if m else None  # type: ignore[index]


LEVEL_WORDS = "省市区县州旗盟镇乡"  # 区行政审批局, 市财政局: a body named by its level alone, the place left out


def choose_issuer(header: str | None, title: str | None) -> str | None:
    """The issuer: the page header's 发布机构 as written, unless it is the title's name with the place left out.

    A crawler's header may shorten the body to its level word (区行政审批局 for the title's
    平潭综合实验区行政审批局): then the title's name is kept. A header that names the place
    (博山区人民政府 beside 淄博市博山区人民政府) stays as written. Either alone is used as it is.
    """
    named = title_issuer(title)
    if not header or not header.strip():
        return named
    if named is None:
        return header
    h, t = _clean(header), _clean(named)
    shortened = len(h) < len(t) and t.endswith(h) and h[0] in LEVEL_WORDS and t[len(t) - len(h) - 1] not in LEVEL_WORDS
    return named if shortened else header


def read_metadata(lines: list[TextLine], page: dict[str, str]) -> Metadata:
    """Metadata from labelled lines first, then the title, then the text; None when not stated."""
    pairs = key_values(lines)
    title = find_title(lines, page)
    issuer = choose_issuer(pairs.get("发布机构") or page.get("issuer"), title)
    year = None
    if title and (m := _YEAR.search(title)):
        year = int(m.group(1))
    else:
        for ln in lines:
            if m := _PERIOD.search(ln.cell.text):
                year = int(m.group(1))
                break
    published = None
    for key in ("发布日期", "发布时间", "发文日期", "成文日期"):
        if key in pairs and (published := _iso(pairs[key])):
            break
    if not published and page.get("published"):
        published = _iso(page["published"])
    if not published:
        for ln in reversed(lines):
            if m := _DATE_LINE.match(ln.cell.text):
                published = _iso(m.group(0))
                break
    return Metadata(title, _clean(issuer) if issuer else None, year, published)
