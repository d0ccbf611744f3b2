"""Running a Cleaner over a folder: worker processes, ordered results, atomic outputs, resume.

Each worker builds its Cleaner once (it arrives pickled: rules and options only) and cleans
whole files, writing its own outputs; the parent only collects report entries and appends
them to the resume manifest. Results come back in input order (sorted paths), so outputs and
report are identical for any ``-j`` and for every engine (see ``engine_ray.py``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import CleanseError, DecodeError, InputError
from .io import EntrySpool, NotText, TooLarge, check_landing, read_bytes, safe_output_str, write_atomic
from .job import Job
from .jsonl import clean_record_file, format_of
from .report import Summary, Tally, document_entry, problem_entry, tally, to_jsonl

if TYPE_CHECKING:
    from .document import Document
    from .pipeline import Cleaner
    from .resume import Manifest

log = logging.getLogger(__name__)


def _has_placeholders(doc: Document) -> bool:
    return any(f.kind == "placeholder" for f in doc.flags)


def _route(job: Job, doc: Document, rel: str, entry: dict[str, Any]) -> str:
    """Where a cleaned document is written: in OUTPUT, or in the --skip-flagged folder (said
    in the entry)."""
    if job.flagged_root is not None and _has_placeholders(doc):
        out = job.output_rel(rel)
        entry["routed"] = "skip-flagged"
        entry["output"] = str(job.flagged_root / out)
        path = safe_output_str(os.fspath(job.flagged_root), out)
        check_landing(path, os.fspath(job.input_root), os.fspath(job.flagged_root))
        return path
    return job.output_of(rel)


def clean_data(cleaner: Cleaner, job: Job, rel: str, data: bytes) -> dict[str, Any]:
    """Clean one text file's bytes and write its output; expected failures become entries."""
    try:
        doc = cleaner.clean_bytes(data, source=rel)
    except DecodeError as exc:
        status = "skipped" if exc.skips else "failed"
        return problem_entry(rel, status, f"{job.source(rel)}: {exc}", reason=exc.reason, bytes_in=len(data))
    entry = document_entry(rel, doc)
    if not data:
        entry["warnings"].append("empty file")
    return _write(job, rel, doc, entry, len(data))


def clean_document(cleaner: Cleaner, job: Job, rel: str, data: bytes) -> dict[str, Any]:
    """Read a .docx, web page or PDF into lines (:mod:`.readers`), clean them, write the text
    as ``.txt``; the entry names the format and where each removed or changed line was. A
    document whose bytes are plain text (a ``.doc`` that is a text file) is cleaned as text."""
    from . import readers

    try:
        extracted = readers.read_limited(rel, data, max_bytes=job.max_bytes)
    except readers.Unreadable as exc:
        message = f"{job.source(rel)}: {exc}"
        entry = problem_entry(rel, exc.status, message, reason=exc.reason, bytes_in=len(data))
        entry["format"] = exc.format
        return entry
    if extracted is None:
        return clean_data(cleaner, job, rel, data)
    doc = readers.clean_extracted(cleaner, extracted, rel, len(data))
    entry = readers.annotate(document_entry(rel, doc), extracted)
    return _write(job, rel, doc, entry, len(data))


def _write(job: Job, rel: str, doc: Document, entry: dict[str, Any], bytes_in: int) -> dict[str, Any]:
    """Write a cleaned document where it goes; a failure to write becomes its entry."""
    target = ""
    try:
        target = _route(job, doc, rel, entry)
        if job.dry_run:
            return entry
        write_atomic(target, doc.text.encode(job.output_encoding), durable=job.durable)
    except (OSError, CleanseError) as exc:
        target = target or os.path.join(job.output_str, job.output_rel(rel))
        msg = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"{target}: cannot write: {msg}"
        return problem_entry(rel, "failed", message, reason="write", bytes_in=bytes_in)
    return entry


_LOGGED: set[tuple[str, str, int]] = set()


def _log_internal(rel: str, exc: Exception) -> None:
    """The traceback of a bug once per place it happens; later hits one line each (debug).

    A bug in one stage can hit thousands of files: one traceback says as much as all of them,
    and printing each costs more than cleaning the file.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = (type(exc).__name__, tb.tb_frame.f_code.co_filename if tb else "", tb.tb_lineno if tb else 0)
    if where in _LOGGED:
        log.debug("internal error on %s: %r", rel, exc)
        return
    _LOGGED.add(where)
    log.error("internal error on %s (further ones at this place are not shown)", rel, exc_info=exc)


def _guarded(rel: str, fn: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``fn()``, with any unexpected exception turned into one failed entry."""
    try:
        return fn()
    except TooLarge as exc:  # a compressed file that expands past --max-bytes
        return [problem_entry(rel, "skipped", str(exc), reason="too-large")]
    except CleanseError as exc:
        return [problem_entry(rel, "failed", f"{rel}: {exc}", reason="error")]
    except Exception as exc:  # a bug must not stop a run over millions of files
        _log_internal(rel, exc)
        message = f"{rel}: internal error: {exc!r}; please report it"
        return [problem_entry(rel, "failed", message, reason="internal")]


def clean_file(cleaner: Cleaner, job: Job, rel: str) -> dict[str, Any]:
    """Read, clean and write one text file; its report entry as the report has it (never raises)."""
    return json.loads(process(cleaner, job, rel)[2])


# What one input gives back: its relative path, the Tally of each report entry (one per
# document: one for a text file, one per record for JSONL), the entries as report lines
# (JSON-encoded once, in the worker) and its resume-manifest line (None when not tracked).
# Entries travel only as JSON lines: the parent never decodes them.
Result = tuple[str, list[Tally], bytes, bytes | None]


def _result(rel: str, entries: list[dict[str, Any]], manifest: bytes | None = None) -> Result:
    return rel, [tally(e) for e in entries], to_jsonl(entries), manifest


def process(cleaner: Cleaner, job: Job, rel: str) -> Result:
    """Clean one input of the Job's format; the unit of work of every engine."""
    src = job.source(rel)
    from .stages.encoding import binary_head  # loaded with the Cleaner's stages already

    text = format_of(rel, job.format) == "text"
    document = text and job.reads_documents(rel)
    sniff = binary_head if text and not document and cleaner.options.encoding is None else None
    try:
        data = read_bytes(src, job.max_bytes, sniff)
    except TooLarge as exc:
        return _result(rel, [problem_entry(rel, "skipped", str(exc), reason="too-large")])
    except NotText as exc:
        return _result(rel, [problem_entry(rel, "skipped", str(exc), reason="binary")])
    except InputError as exc:
        return _result(rel, [problem_entry(rel, "failed", str(exc), reason="unreadable")])
    if document:
        entries = _guarded(rel, lambda: [clean_document(cleaner, job, rel, data)])
    elif text:
        entries = _guarded(rel, lambda: [clean_data(cleaner, job, rel, data)])
    else:
        entries = _guarded(rel, lambda: clean_record_file(cleaner, job, rel, data))
    if not job.track:
        return _result(rel, entries)
    from .resume import manifest_line

    lines = to_jsonl(entries)
    return rel, [tally(e) for e in entries], lines, manifest_line(src, rel, data, entries, lines)


_WORKER: tuple[Cleaner, Job] | None = None


def _init_worker(cleaner: Cleaner, job: Job) -> None:
    """Hold the Cleaner; leave Ctrl-C to the parent, which stops the pool (no worker tracebacks)."""
    global _WORKER
    _WORKER = (cleaner, job)
    # Ctrl-C goes to the whole process group: only the parent handles it (stops the pool and
    # says how far it got); workers printing their own tracebacks would bury that message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(rel: str) -> Result:
    assert _WORKER is not None
    return process(_WORKER[0], _WORKER[1], rel)


def iter_results(cleaner: Cleaner, job: Job, paths: list[str], jobs: int) -> Iterator[Result]:
    """Results in the order of ``paths``, cleaned by ``jobs`` processes."""
    if jobs <= 1 or len(paths) <= 1:
        for rel in paths:
            yield process(cleaner, job, rel)
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


Engine = Callable[["Cleaner", Job, list[str], int], Iterable[Result]]


def _with_manifest(
    cleaner: Cleaner, job: Job, paths: list[str], jobs: int, manifest: Manifest | None, engine: Engine
) -> Iterator[Result]:
    """Stored results of unchanged inputs merged in path order with fresh ones, which are recorded."""
    stored: set[str] = set()  # only names: entries are read back one at a time (flat memory)
    if manifest is not None:
        stored = {rel for rel in paths if manifest.unchanged(job, rel)}
    pending = [rel for rel in paths if rel not in stored]
    fresh = iter(engine(cleaner, job, pending, jobs))
    for rel in paths:
        if rel in stored:
            assert manifest is not None
            yield _result(rel, manifest.entries(rel))
            continue
        result = next(fresh)
        if manifest is not None:
            if result[3] is not None:
                manifest.record(result[3])
            if not any(t.status == "ok" for t in result[1]):
                _say(manifest.remove_stale(job, rel, "is no longer cleaned (see its report entry)"))
        yield result
    if manifest is not None:
        for rel in sorted(set(manifest.done) - set(paths)):  # left out by --glob: kept
            if not os.path.lexists(job.source(rel)):
                _say(manifest.remove_stale(job, rel, "is no longer under INPUT"))


def _say(message: str | None) -> None:
    if message:
        log.warning("%s", message)


def run(
    cleaner: Cleaner,
    job: Job,
    paths: list[str],
    *,
    jobs: int = 1,
    on_result: Callable[[Tally], None] | None = None,
    manifest: Manifest | None = None,
    engine: Engine = iter_results,
    spool: EntrySpool | None = None,
    passed_over: Sequence[dict[str, Any]] = (),
) -> tuple[EntrySpool, Summary]:
    """Clean every path; returns the report entries (in path order) and the summary.

    The entries are spooled to a temporary file, so memory stays flat however many inputs
    there are; iterate the spool, or copy it to a report with ``write_report``. Pass your own
    ``spool`` to keep the entries of the inputs done so far when the run is interrupted.
    ``on_result`` sees the :class:`Tally` of each entry as it is done (for a progress bar).

    With a ``manifest`` (see ``resume.py``) inputs recorded as done with the same rules and
    options are not cleaned again; their stored entries still go into the report.
    ``passed_over``: entries of what discovery did not clean (links, FIFOs, unlistable
    folders), merged into the report at their place in path order.
    """
    start = time.perf_counter()
    if manifest is not None and not job.track:
        job = replace(job, track=True)  # a manifest needs the content hashes
    summary = Summary()
    entries = spool if spool is not None else EntrySpool()
    extra = sorted(passed_over, key=lambda e: e["path"])
    taken = 0

    def add(lines: bytes, tallies: list[Tally]) -> None:
        entries.append(lines, len(tallies))
        for t in tallies:
            summary.add_tally(t)
            if on_result:
                on_result(t)

    for rel, tallies, lines, _ in _with_manifest(cleaner, job, paths, jobs, manifest, engine):
        while taken < len(extra) and extra[taken]["path"] < rel:
            add(*_entry_lines(extra[taken]))
            taken += 1
        add(lines, tallies)
    for entry in extra[taken:]:
        add(*_entry_lines(entry))
    summary.seconds = time.perf_counter() - start
    return entries, summary


def _entry_lines(entry: dict[str, Any]) -> tuple[bytes, list[Tally]]:
    return to_jsonl([entry]), [tally(entry)]
