"""Output folders that are whole or untouched: write into a staging folder, swap it in, one writer at a time.

``staged_folder(out)`` takes an exclusive lock on ``out`` (a ``.NAME.lock`` file beside it, held with
``flock``, so it is released when the process dies however it dies), yields a fresh staging folder
beside ``out`` and, when the block ends without an error, exchanges the two folders in one step
(``renameat2(RENAME_EXCHANGE)`` on Linux; two renames elsewhere). A kill at any moment leaves either the
old folder or the new one, never a mix; the stale staging folder is removed by the next run. Files in
``out`` that the previous run did not write (``.gitkeep``, a user's notes) are carried over; everything
the previous run wrote is replaced, so no table of an older run survives beside newer ones.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RECORD = ".gongkai-outputs.json"  # the names a run wrote, so the next run knows what is its own
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class FolderLocked(RuntimeError):
    """Another process is writing the same output folder."""


def _sibling(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}"


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``out``; :class:`FolderLocked` names the holder when it is taken."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = _sibling(out, "lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise FolderLocked(f"{out} is being written by {holder}; wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (38, 22, 95):  # ENOSYS, EINVAL (file system without exchange), EOPNOTSUPP
        return False
    raise OSError(err, os.strerror(err), str(a))


def _own_names(folder: Path) -> set[str] | None:
    try:
        return set(json.loads((folder / RECORD).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _carry_over(old: Path, new: Path, default_own: tuple[str, ...]) -> None:
    """Copy into ``new`` what ``old`` holds that its run did not write (and ``new`` does not hold)."""
    own = _own_names(old)
    for entry in old.iterdir():
        if entry.name == RECORD or (new / entry.name).exists():
            continue
        if own is not None and entry.name in own:
            continue
        if own is None and entry.suffix in default_own:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, new / entry.name, follow_symlinks=False)


def clear_stale(out: Path) -> None:
    """Remove staging and swapped-out folders left by runs that were killed (call with the lock held)."""
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staged_folder(
    out: Path, *, start_from_old: bool = False, default_own: tuple[str, ...] = (".parquet", ".csv")
) -> Iterator[Path]:
    """Yield a staging folder that replaces ``out`` as a whole when the block succeeds.

    ``start_from_old``: the staging folder starts as a copy of ``out`` (for runs that update part of a
    folder, such as rendering one region of a site). Otherwise it starts empty and the files of ``out``
    that its previous run did not write are carried over (``default_own``: the suffixes taken as a
    run's own when ``out`` has no record of what it wrote).
    """
    out = out.resolve() if out.exists() else out.absolute()
    with folder_lock(out):
        clear_stale(out)
        staging = _sibling(out, f"staging-{os.getpid()}")
        if start_from_old and out.is_dir():
            shutil.copytree(out, staging, symlinks=True)
        else:
            staging.mkdir(parents=True)
        try:
            yield staging
            written = sorted(p.name for p in staging.iterdir() if p.name != RECORD)
            if out.is_dir() and not start_from_old:
                _carry_over(out, staging, default_own)
            (staging / RECORD).write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
            _swap_in(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; the previous ``out`` ends up at ``staging`` (removed by the caller)."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = _sibling(out, f"old-{os.getpid()}")
    os.rename(out, old)
    os.rename(staging, out)
    os.rename(old, staging)
