"""Running a Cleaner over a folder: worker processes, ordered results, atomic outputs.

Each worker builds its Cleaner once (it arrives pickled: rules and options only) and cleans
whole files, writing its own outputs; the parent only collects report entries. Results come
back in input order (sorted paths), so outputs and report are identical for any ``-j``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CleanseError, DecodeError, InputError
from .io import read_bytes, safe_output_path, write_atomic
from .pipeline import Cleaner
from .report import Summary, document_entry, problem_entry

log = logging.getLogger(__name__)

OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Job:
    """Where a run reads and writes, and how."""

    input_root: Path
    output_root: Path
    output_encoding: str = "utf-8"
    dry_run: bool = False
    durable: bool = False
    single_file: bool | None = None  # INPUT is one file; looked up once here, not per file

    def __post_init__(self) -> None:
        if self.single_file is None:
            object.__setattr__(self, "single_file", self.input_root.is_file())


def _clean_file(cleaner: Cleaner, job: Job, rel: str) -> dict[str, Any]:
    """Clean one file and write its output; every expected failure becomes a report entry."""
    src = job.input_root if job.single_file else job.input_root / rel
    try:
        data = read_bytes(src)
    except InputError as exc:
        return problem_entry(rel, "failed", str(exc), reason="unreadable")
    try:
        doc = cleaner.clean_bytes(data, source=rel)
    except DecodeError as exc:
        status = "skipped" if exc.reason == "binary" else "failed"
        return problem_entry(rel, status, f"{src}: {exc}", reason=exc.reason, bytes_in=len(data))
    entry = document_entry(rel, doc)
    if not data:
        entry["warnings"].append("empty file")
    if job.dry_run:
        return entry
    try:
        data_out = doc.text.encode(job.output_encoding)
        write_atomic(safe_output_path(job.output_root, rel), data_out, durable=job.durable)
    except (OSError, CleanseError) as exc:
        target = job.output_root / rel
        msg = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return problem_entry(
            rel, "failed", f"{target}: cannot write: {msg}", reason="write", bytes_in=len(data)
        )
    return entry


def clean_file(cleaner: Cleaner, job: Job, rel: str) -> dict[str, Any]:
    """:func:`_clean_file`, with any unexpected exception turned into a failed entry."""
    try:
        return _clean_file(cleaner, job, rel)
    except CleanseError as exc:
        return problem_entry(rel, "failed", f"{rel}: {exc}", reason="error")
    except Exception as exc:  # a bug must not stop a run over millions of files
        log.exception("internal error on %s", rel)
        return problem_entry(
            rel, "failed", f"{rel}: internal error: {exc!r}; please report it", reason="internal"
        )


_WORKER: tuple[Cleaner, Job] | None = None


def _init_worker(cleaner: Cleaner, job: Job) -> None:
    global _WORKER
    _WORKER = (cleaner, job)


def _work(rel: str) -> dict[str, Any]:
    assert _WORKER is not None
    return clean_file(_WORKER[0], _WORKER[1], rel)


def iter_results(cleaner: Cleaner, job: Job, paths: list[str], jobs: int) -> Iterator[dict[str, Any]]:
    """Report entries in the order of ``paths``, cleaned by ``jobs`` processes."""
    if jobs <= 1 or len(paths) <= 1:
        for rel in paths:
            yield clean_file(cleaner, job, rel)
        return
    import multiprocessing as mp  # only multi-process runs pay for importing it

    chunksize = max(1, min(64, len(paths) // (jobs * 8)))
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(cleaner, job)) as pool:
        yield from pool.imap(_work, paths, chunksize=chunksize)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run(
    cleaner: Cleaner,
    job: Job,
    paths: list[str],
    *,
    jobs: int = 1,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], Summary]:
    """Clean every path; returns the report entries (sorted by path) and the summary."""
    start = time.perf_counter()
    summary = Summary()
    entries: list[dict[str, Any]] = []
    for entry in iter_results(cleaner, job, paths, jobs):
        entries.append(entry)
        summary.add(entry)
        if on_result:
            on_result(entry)
    summary.seconds = time.perf_counter() - start
    return entries, summary
