"""Decode the bytes of a text file: UTF-8 (with or without BOM) or GB18030/GBK, never a silent guess."""

from __future__ import annotations

import re
from typing import NamedTuple

from gongkai.readers.base import UnreadableSource
from gongkai.readers.invisible import FORMAT_BMP, has_invisible_beyond_bmp

# Characters that no report contains: controls, private use, surrogates, non-characters.
_JUNK_CLASS = "\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff\ufffe\uffff"
_JUNK = re.compile(f"[{_JUNK_CLASS}]")
# Junk and the invisible format characters of the Basic Multilingual Plane (disjoint classes), so that one scan
# of the text answers both the check for junk and the search for invisible characters.
_UNUSUAL = re.compile(f"[{_JUNK_CLASS}{FORMAT_BMP}]")
_CJK = re.compile("[\u4e00-\u9fff]")


class Decoded(NamedTuple):
    """A decoded text file: the text, its encoding, what decoding noticed."""

    text: str
    encoding: str
    notes: list[str]
    format_characters: bool  # whether the text holds a format character (Unicode Cf: zero-width space, BOM …)


def _cjk_share(text: str) -> float:
    visible = len(text) - sum(1 for ch in text if ch.isspace())
    return len(_CJK.findall(text)) / visible if visible else 0.0


def decode_text(data: bytes) -> Decoded:
    """Decode ``data``. Raise UnreadableSource for empty, binary or undecodable input.

    Order: a UTF-8 BOM, strict UTF-8, then strict GB18030 (a superset of GBK). A GB18030
    decode is accepted only when the result reads as Chinese text, and it is always noted.
    """
    if not data.strip():
        raise UnreadableSource("empty file")
    if b"\x00" in data[:4096]:
        raise UnreadableSource("binary file (NUL bytes): not a text report")
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8", errors="strict"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            try:
                text = data.decode("gb18030", errors="strict")
            except UnicodeDecodeError:
                raise UnreadableSource(f"undecodable: neither UTF-8 (byte {utf8_error.start}) nor GB18030") from None
            if _cjk_share(text) < 0.2:
                raise UnreadableSource(
                    "undecodable: not UTF-8, and as GB18030 it does not read as Chinese text"
                ) from None
            encoding = "gb18030"
            notes.append(f"decoded as GB18030/GBK: not valid UTF-8 (first bad byte at {utf8_error.start})")
    unusual = _UNUSUAL.findall(text)
    junk = sum(1 for ch in unusual if _JUNK.match(ch))
    if text and junk / len(text) > 0.01:
        raise UnreadableSource(f"binary or garbled content ({junk / len(text):.0%} control characters)")
    if "\ufffd" in text:
        notes.append(f"{text.count(chr(0xFFFD))} replacement characters (�) in the source text")
    return Decoded(text, encoding, notes, len(unusual) > junk or has_invisible_beyond_bmp(text))
