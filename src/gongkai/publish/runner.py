"""Execute notebooks with papermill (one kernel per notebook), in parallel, and export them.

``site.csv`` declares which notebooks render: the region audit once per region,
the corpus overview once. A failing notebook is recorded with its error; the
others still run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.analysis.selection import Region
from gongkai.datafiles import package_csv
from gongkai.processes import die_with_parent
from gongkai.staging import staged_folder

KERNEL = "python3"
# The kernel's own log (a warning about TCP transport on every start, an error on
# the interrupt at shutdown) would flood the progress bar; cell errors still surface.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


@dataclass(frozen=True)
class SiteNotebook:
    """A line of site.csv: a notebook, whether it renders per region or once, its output and title."""

    notebook: str
    scope: str  # "region" or "corpus"
    output: str  # relative path without suffix; may use {slug}
    title: str  # may use {name} and {key}


def site_notebooks() -> list[SiteNotebook]:
    """The notebooks of the rendered site."""
    return [SiteNotebook(**r) for r in package_csv(__package__, "site.csv")]


@dataclass(frozen=True)
class Job:
    """One notebook execution and export."""

    key: str  # region key, or the notebook name for a corpus notebook
    scope: str
    title: str
    notebook: Path
    ipynb: Path
    html: Path
    parameters: dict[str, object] = field(default_factory=dict)
    index_href: str = "index.html"


@dataclass(frozen=True)
class JobResult:
    """What happened to a job: ``error`` is empty on success."""

    job: Job
    error: str
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.error


def plan_jobs(
    regions: Iterable[Region],
    processed: Path,
    out_dir: Path,
    notebooks_dir: Path,
    extra_parameters: dict[str, object] | None = None,
    corpus: bool = True,
) -> list[Job]:
    """The jobs of the site: each region notebook for each region, then the corpus notebooks."""
    jobs: list[Job] = []
    params = {"processed": str(processed.resolve()), **(extra_parameters or {})}
    for site in site_notebooks():
        if site.scope == "region":
            for r in regions:
                rel = site.output.format(slug=r.slug)
                jobs.append(
                    _job(
                        r.key,
                        site,
                        out_dir,
                        notebooks_dir,
                        rel,
                        {**params, "region": r.key},
                        site.title.format(name=r.name, key=r.key),
                    )
                )
        elif corpus:
            jobs.append(
                _job(
                    site.notebook,
                    site,
                    out_dir,
                    notebooks_dir,
                    site.output,
                    {"processed": params["processed"]},
                    site.title,
                )
            )
    return jobs


def _job(
    key: str, site: SiteNotebook, out_dir: Path, nb_dir: Path, rel: str, params: dict[str, object], title: str
) -> Job:
    depth = rel.count("/")
    return Job(
        key=key,
        scope=site.scope,
        title=title,
        notebook=nb_dir / site.notebook,
        ipynb=out_dir / f"{rel}.ipynb",
        html=out_dir / f"{rel}.html",
        parameters=params,
        index_href="../" * depth + "index.html",
    )


def _short_error(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:
        return f"{ename}: {getattr(exc, 'evalue', '')}".strip()
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[-1] if text else ''}".strip()


# A kernel that died before it replied ran no cell: it failed to start (two kernels started at once can be
# given the same port), and starting it again is safe. Any other failure is the notebook's.
KERNEL_START_FAILED = "Kernel died before replying to kernel_info"
KERNEL_STARTS = 3


def run_job(job: Job, timeout: float | None = 120.0) -> JobResult:
    """Execute one notebook with papermill, then export HTML (also of a failed run, for diagnosis)."""
    import papermill as pm

    start = time.perf_counter()
    error = ""
    job.ipynb.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(KERNEL_STARTS):
        try:
            pm.execute_notebook(
                str(job.notebook),
                str(job.ipynb),
                parameters=job.parameters,
                kernel_name=KERNEL,
                execution_timeout=timeout,
                extra_arguments=KERNEL_ARGUMENTS,
                progress_bar=False,
                log_output=False,
                cwd=str(job.notebook.parent),
            )
            error = ""
        except Exception as exc:  # papermill raises for failing cells, timeouts and dead kernels alike
            error = _short_error(exc)
            if KERNEL_START_FAILED in str(exc):
                continue
        break
    if job.ipynb.exists():
        from gongkai.publish.html import export_html

        try:
            export_html(job.ipynb, job.html, job.title, job.index_href)
        except Exception as exc:  # a broken export must not hide the other pages
            error = error or f"HTML export failed: {_short_error(exc)}"
    return JobResult(job, error, time.perf_counter() - start)


def run_jobs(
    jobs: list[Job],
    n_jobs: int = 1,
    timeout: float | None = 120.0,
    progress: bool = True,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run jobs, ``n_jobs`` processes at a time, with a progress bar; results in job order."""
    from tqdm import tqdm

    results: dict[int, JobResult] = {}
    bar = tqdm(total=len(jobs), desc="notebooks", unit="nb", disable=not progress)
    try:
        if n_jobs <= 1:
            for i, job in enumerate(jobs):
                results[i] = run_job(job, timeout)
                _done(bar, results[i], on_result)
        else:
            with ProcessPoolExecutor(max_workers=n_jobs, initializer=die_with_parent) as pool:
                futures = {pool.submit(run_job, job, timeout): i for i, job in enumerate(jobs)}
                for fut in as_completed(futures):
                    i = futures[fut]
                    try:
                        results[i] = fut.result()
                    except Exception as exc:  # a worker that died takes only its own job with it
                        results[i] = JobResult(jobs[i], _short_error(exc), 0.0)
                    _done(bar, results[i], on_result)
    finally:
        bar.close()
    return [results[i] for i in range(len(jobs))]


def staged_site(out_dir: Path) -> AbstractContextManager[Path]:
    """A copy of the site folder to render into, swapped in whole when rendering ends (one writer at a time).

    A killed ``gongkai audit`` leaves the previous site as it was; its workers die with it
    (:func:`gongkai.processes.die_with_parent`), and their kernels with them.
    """
    return staged_folder(out_dir, start_from_old=True)


def _done(bar: object, result: JobResult, on_result: Callable[[JobResult], None] | None) -> None:
    bar.update(1)  # type: ignore[attr-defined]
    if not result.ok:
        bar.write(f"failed: {result.job.key}: {result.error}")  # type: ignore[attr-defined]
    if on_result:
        on_result(result)
