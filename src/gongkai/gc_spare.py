"""Sparing the cyclic garbage collector the long-lived objects of a batch (parsed reports).

Parsing and auditing make many small container objects. Every so many of them the collector runs,
and now and then it walks the oldest generation, which holds every report of the batch: on 800
reports one such walk costs more than the audit itself. The reports are input that outlives the
work, so the work hands them out of the collector's reach (``gc.freeze()``) while it runs and back
at the end (``gc.unfreeze()``), even on an error. Short-lived objects are collected as usual.

Within the parse of one document the collector is paused altogether (:func:`paused_collector`): what the
parse makes is the report being built, or garbage that reference counting frees at once, so a collection
midway would only walk the report under construction. The reader that comes before it (a PDF library, OCR)
is not paused. The collector is the process's: in threads (a Dask worker with several), one parse pauses it
for all of them until the parse that paused it ends, and it is never left paused.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def spare_collector() -> Iterator[Callable[[], None]]:
    """Within the block, objects alive when the block starts (or when the yielded function is called) are
    spared; call the yielded function after each long-lived object made (a parsed report) to spare it too.

    Not nested: the end of any block hands every spared object back.
    """
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@contextmanager
def paused_collector() -> Iterator[None]:
    """No collection within the block; collections resume at its end (a block within another: at the end of
    the outermost). Nothing is lost: an object made within the block is collected, if it must be, afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
