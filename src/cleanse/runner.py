"""Running a Cleaner over a folder: worker processes, ordered results, atomic outputs.

Each worker builds its Cleaner once (it arrives pickled: rules and options only) and cleans
whole files, writing its own outputs; the parent only collects report entries. Results come
back in input order (sorted paths), so outputs and report are identical for any ``-j``.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document
from .errors import CleanseError, DecodeError, InputError
from .io import read_bytes, safe_output_path, source_path, write_atomic
from .pipeline import Cleaner
from .report import Summary, document_entry, problem_entry

log = logging.getLogger(__name__)

OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: larger files are skipped with reason "too-large"


@dataclass(frozen=True)
class Job:
    """Where a run reads and writes, and how."""

    input_root: Path
    output_root: Path
    output_encoding: str = "utf-8"
    dry_run: bool = False
    flagged_root: Path | None = None  # --skip-flagged: documents with placeholders go here
    max_bytes: int = DEFAULT_MAX_BYTES


def too_large(path: Path, max_bytes: int) -> str | None:
    """Why a file is refused for its size (None when it is fine or cannot be stat'ed).

    Checked before reading, so a 2 GB file is refused rather than read into memory.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None  # read_bytes reports it
    if size <= max_bytes:
        return None
    return (
        f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit; skipped. "
        "Split the file, or raise the limit with --max-bytes"
    )


def _has_placeholders(doc: Document) -> bool:
    return any(f.kind == "placeholder" for f in doc.flags)


def _route(job: Job, doc: Document, rel: str, entry: dict[str, Any]) -> Path:
    """Where a cleaned document is written: OUTPUT, or the --skip-flagged folder (said in the entry)."""
    if job.flagged_root is not None and _has_placeholders(doc):
        entry["routed"] = "skip-flagged"
        entry["output"] = str(job.flagged_root / rel)
        return job.flagged_root
    return job.output_root


def _clean_file(cleaner: Cleaner, job: Job, rel: str) -> dict[str, Any]:
    """Clean one file and write its output; every expected failure becomes a report entry."""
    src = source_path(job.input_root, rel)
    refused = too_large(src, job.max_bytes)
    if refused:
        return problem_entry(rel, "skipped", refused, reason="too-large")
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
    root = _route(job, doc, rel, entry)
    if job.dry_run:
        return entry
    try:
        write_atomic(safe_output_path(root, rel), doc.text.encode(job.output_encoding))
    except (OSError, CleanseError) as exc:
        target = root / rel
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
    # Ctrl-C goes to the whole process group: only the parent handles it (stops the pool and
    # says how far it got); workers printing their own tracebacks would bury that message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(rel: str) -> dict[str, Any]:
    assert _WORKER is not None
    return clean_file(_WORKER[0], _WORKER[1], rel)


def iter_results(cleaner: Cleaner, job: Job, paths: list[str], jobs: int) -> Iterator[dict[str, Any]]:
    """Report entries in the order of ``paths``, cleaned by ``jobs`` processes."""
    if jobs <= 1 or len(paths) <= 1:
        for rel in paths:
            yield clean_file(cleaner, job, rel)
        return
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
