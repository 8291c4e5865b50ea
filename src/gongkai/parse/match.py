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


def ends_with_label(
    phrases: dict[str, tuple[str, ...]], headers: dict[str, tuple[str, ...]] | None = None
) -> Callable[[str], bool]:
    """A predicate: does a label run end with one of these labels (so that blank cells may follow it)?

    Phrases that are also column headers (总计, 其他) are left out: a header row
    ending with 总计 must not pass for the 总计 row.
    """
    header_words = {norm(p) for ps in (headers or {}).values() for p in ps}
    normalized = tuple({norm(p) for ps in phrases.values() for p in ps} - header_words)

    def predicate(label_text: str) -> bool:
        return label_text.endswith(normalized)

    return predicate
