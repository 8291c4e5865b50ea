"""Where the per-file work runs: this process, local worker processes, or a Dask cluster.

Each executor takes batches of :class:`FileTask` and yields each batch's packed units in the order
the batches were given, whatever order they finish in, with a bounded number of batches in flight
(so memory does not grow with the corpus). The work itself is :func:`process_batch` everywhere,
which is why every executor gives the same bytes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from gongkai.dataset.filework import FileTask, pack_unit, process_batch
from gongkai.processes import die_with_parent
from gongkai.report import ParseIssue, Report

Batches = Iterable[list[FileTask]]


def run_here(batches: Batches) -> Iterator[list[bytes]]:
    """Every batch in this process."""
    for batch in batches:
        yield process_batch(batch)


def _lost(task: FileTask, why: str) -> bytes:
    """The unit of a file whose worker died while processing it."""
    from gongkai.dataset.filework import FileUnit, audit_one

    report = Report(task.report_id, task.path, "", issues=[ParseIssue("error", "file", why)])
    return pack_unit(FileUnit(report, audit_one(report)))


def run_local(batches: Batches, jobs: int, window: int | None = None) -> Iterator[list[bytes]]:
    """Batches in ``jobs`` worker processes; a worker that dies (killed, out of memory) costs only its files.

    When a worker dies, the pool is restarted and the batches that were in flight are run again one
    file at a time, each in a fresh pool, so that only the file that kills its worker is recorded as
    failed.
    """
    window = window or 4 * jobs
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent)
    inflight: deque[tuple[list[FileTask], Future]] = deque()
    source = iter(batches)
    try:
        while True:
            while len(inflight) < window:
                batch = next(source, None)
                if batch is None:
                    break
                inflight.append((batch, pool.submit(process_batch, batch)))
            if not inflight:
                return
            batch, fut = inflight.popleft()
            try:
                yield fut.result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                redo = [batch] + [b for b, _ in inflight]
                inflight.clear()
                for b in redo:
                    yield [_alone(t) for t in b]
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alone(task: FileTask) -> bytes:
    with ProcessPoolExecutor(max_workers=1, initializer=die_with_parent) as solo:
        try:
            return solo.submit(process_batch, [task]).result()[0]
        except BrokenProcessPool:
            return _lost(task, "the worker process died while parsing this file (killed, or out of memory)")


def run_dask(batches: Batches, address: str, window: int | None = None) -> Iterator[list[bytes]]:
    """Batches on the Dask cluster whose scheduler is at ``address`` (``tcp://host:8786``)."""
    from distributed import Client

    from gongkai.dataset.cache import code_version

    with Client(address, set_as_default=False) as client:
        versions = client.run(code_version)
        stale = sorted(w for w, v in versions.items() if v != code_version())
        if stale:
            raise RuntimeError(
                f"Dask workers {', '.join(stale)} run another version of gongkai or of its reading libraries "
                f"than this build ({code_version()}): install the same one everywhere"
            )
        n_workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        window = window or 4 * n_workers
        inflight: deque = deque()
        source = iter(batches)
        while True:
            while len(inflight) < window:
                batch = next(source, None)
                if batch is None:
                    break
                inflight.append((batch, client.submit(process_batch, batch, pure=False)))
            if not inflight:
                return
            batch, fut = inflight.popleft()
            try:
                yield fut.result()
            except Exception as exc:  # a task that failed on the cluster (its worker died twice, …)
                why = f"the Dask task failed: {type(exc).__name__}: {exc}"
                yield [_lost(t, why) for t in batch]
            finally:
                fut.release()
