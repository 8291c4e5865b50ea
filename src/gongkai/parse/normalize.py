"""Normalise label text so that variants of the same label compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
_ENUM_COMMA = re.compile(r"(?<=\d)、")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace, "1、" → "1.", no invisible characters."""
    s = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    s = _SPACE.sub("", s)
    return _ENUM_COMMA.sub(".", s)


@lru_cache(maxsize=4096)
def norm_all(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Each phrase normalised (cached: the phrase tables are fixed, and asked for per label)."""
    return tuple(norm(p) for p in phrases)


def find_last(text: str, phrases: tuple[str, ...]) -> int:
    """End position of the last occurrence of any phrase in ``text`` (normalised), or -1."""
    best = -1
    for phrase in norm_all(phrases):
        i = text.rfind(phrase)
        if i >= 0:
            best = max(best, i + len(phrase))
    return best
