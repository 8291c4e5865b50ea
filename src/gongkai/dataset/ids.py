"""Report ids: a file's path relative to the raw folder, with ``/``, readable even when the name is not UTF-8.

On Linux a file name is bytes; one written on a Chinese Windows system and copied over is often GBK, which
Python hands over with surrogate escapes (``'\\udcbd\\udcfa'``) that no CSV or Parquet file can store. Such
a name is decoded as GB18030 (a superset of GBK) when it strictly is one, else its bad bytes are written as
``\\xNN``; either way the report says so, and the id stays unique within the batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def readable_name(name: str) -> tuple[str, str | None]:
    """``name`` as it should be shown, and a note when it was not valid UTF-8 (None otherwise)."""
    try:
        name.encode("utf-8")
        return name, None
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(name)
    try:
        decoded = raw.decode("gb18030")
        return decoded, f"file name is not valid UTF-8 ({raw!r}); shown decoded as GB18030/GBK"
    except UnicodeDecodeError:
        escaped = raw.decode("utf-8", errors="backslashreplace")
        return escaped, f"file name is not valid UTF-8 ({raw!r}); its bad bytes are shown as \\xNN"


def report_ids(paths: Iterable[Path], raw_dir: Path) -> list[tuple[str, str | None]]:
    """The id of each file (its path under ``raw_dir``, with ``/``) and a note when its name had to be decoded.

    A decoded name that another file of the batch already has falls back to the ``\\xNN`` form, so that no
    two files share an id.
    """
    relative = [p.relative_to(raw_dir).as_posix() for p in paths]
    taken = {name for name in relative if readable_name(name)[1] is None}
    out = []
    for name in relative:
        shown, note = readable_name(name)
        if note is not None:
            if shown in taken:
                shown = os.fsencode(name).decode("utf-8", errors="backslashreplace")
                note = f"file name is not valid UTF-8 ({os.fsencode(name)!r}); its bad bytes are shown as \\xNN"
            taken.add(shown)
        out.append((shown, note))
    return out
