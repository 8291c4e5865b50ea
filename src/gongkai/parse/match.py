"""Recognise which template row, column or category a label run names."""

from __future__ import annotations

from gongkai.parse.normalize import find_last


def match_key(label_text: str, phrases: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> str | None:
    """The key among ``keys`` whose phrase ends last in ``label_text`` (the row label follows any headers)."""
    best, best_end = None, -1
    for key in keys:
        end = find_last(label_text, phrases.get(key, ()))
        if end > best_end:
            best, best_end = key, end
    return best
