"""Recognise which template row, column or category a label run names."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.parse.normalize import find_last, norm


def match_key(label_text: str, phrases: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> str | None:
    """The key among ``keys`` whose phrase ends last in ``label_text`` (the row label follows any headers)."""
    best, best_end = None, -1
    for key in keys:
        end = find_last(label_text, phrases.get(key, ()))
        if end > best_end:
            best, best_end = key, end
    return best


def names_a_row(
    phrases: dict[str, tuple[str, ...]], headers: dict[str, tuple[str, ...]] | None = None
) -> Callable[[str], bool]:
    """A predicate: does this label text (the last label cells of a run) name a row, so that blank cells
    may follow it?

    Phrases that are also column headers (总计, 其他) are left out: a header row
    ending with 总计 must not pass for the 总计 row.
    """
    header_words = {norm(p) for ps in (headers or {}).values() for p in ps}
    normalized = tuple({norm(p) for ps in phrases.values() for p in ps} - header_words)

    def predicate(text: str) -> bool:
        return any(p in text for p in normalized)

    return predicate
