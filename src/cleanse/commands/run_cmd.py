"""``cleanse run INPUT OUTPUT``: clean a folder into another folder, with a report."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import click

from ..cli import STARTED, cleaner_from, cleaning_options, echo_err, handle_errors, rule_options, ruleset_from
from ..corpus_findings import LearnOptions
from ..discovery import DEFAULT_GLOBS, PassedOver, discover, left_out_lines
from ..io import EntrySpool, check_artifact_paths, check_run_paths, remove_stale_temps, write_atomic
from ..job import DEFAULT_MAX_BYTES, OUTPUT_ENCODINGS, Job
from ..report import Summary, Tally, problem_entry, summary_table, write_report, write_summary
from ..report_html import write_page
from ..rules import with_rules
from ..runner import default_jobs
from ..runner import run as run_files
from .learn_cmd import learn_folder, learned_line, learned_rules_path, threshold_options
from .scale_opts import (
    ConfiguredCommand,
    default_globs,
    document_total,
    open_manifest,
    pick_engine,
    run_stdin,
    scale_options,
)


def _progress(total: int | None, quiet: bool) -> Any:
    """A tqdm bar on a terminal; nothing when quiet or when stderr is not a TTY."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr)


def _check_skip_flagged(input_path: Path, output_path: Path, folder: Path | None, placeholders: str) -> None:
    """--skip-flagged DIR must be a folder of its own, and needs placeholder detection on."""
    if folder is None:
        return
    if placeholders == "off":
        raise click.UsageError("--skip-flagged needs placeholder detection; drop --placeholders off")
    flagged, out = folder.resolve(), output_path.resolve()
    if flagged == out:
        raise click.UsageError("--skip-flagged DIR is OUTPUT itself; choose a separate folder")
    if out in flagged.parents or flagged in out.parents:
        raise click.UsageError(
            f"--skip-flagged {folder} and OUTPUT {output_path} are inside one another, so a cleaned "
            "file and a flagged one could land on the same path; choose folders side by side"
        )
    check_run_paths(input_path, folder)


def _save_report(path: Path, entries: Iterable[Mapping[str, Any]], written: str) -> bool:
    """Write the report; a failure (disk full, no such folder) is a message, not a traceback.
    ``written`` says what the run did write, so the message never claims more."""
    try:
        write_report(path, entries)
    except OSError as exc:
        echo_err(f"error: cannot write the report {path}: {exc.strerror or exc}; {written}")
        return False
    return True


def _written(count: int, dry_run: bool, output_path: Path) -> str:
    if dry_run:
        return "this was a dry run: nothing else was written"
    if count == 0:
        return "no output was written"
    documents = f"{count:,} document{'s' if count != 1 else ''}"
    return f"the outputs of the {documents} cleaned are complete under {output_path}"


def _interrupted(done: EntrySpool, count: int, total: int, report_path: Path | None, bar: Any) -> NoReturn:
    """Ctrl-C: say how far the run got, keep the report of what was done, exit 130."""
    if bar is not None:
        bar.close()
    if report_path is not None and len(done):
        _save_report(report_path, done, "every output written is complete")
    echo_err(
        f"interrupted: {count} of {total} files done; every output written is complete"
        + (f"; report of the done files: {report_path}" if report_path is not None and len(done) else "")
    )
    sys.exit(130)


@click.command(cls=ConfiguredCommand)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@rule_options
@cleaning_options
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Write the JSONL report (one object per document) here.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores]."
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help=f"File names to clean (repeatable) [default: {' '.join(DEFAULT_GLOBS)}, plus "
    "*.jsonl(.gz|.zst) and *.parquet with --format auto].",
)
@click.option(
    "--output-encoding",
    type=click.Choice(OUTPUT_ENCODINGS),
    default="utf-8",
    show_default=True,
    help="Encoding of the written files.",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(path_type=Path),
    help="Write the run summary (rules, encodings, problems) as JSON here.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    help="Write the self-contained HTML review page here.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=10, show_default=True, help="Rules in the summary table."
)
@click.option(
    "--skip-flagged",
    "skip_flagged",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Write documents with placeholder flags to DIR instead of OUTPUT (the report says so).",
)
@click.option("--dry-run", is_flag=True, help="Write nothing but the report.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Skip (reason too-large) any file bigger than this many bytes.",
)
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links under INPUT.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option(
    "--learn",
    is_flag=True,
    help="First learn boilerplate from INPUT (see `cleanse learn`), then clean with it.",
)
@threshold_options
@scale_options
@handle_errors
def run(
    input_path: Path,
    output_path: Path,
    report_path: Path | None,
    summary_path: Path | None,
    html_path: Path | None,
    top: int,
    jobs: int | None,
    globs: tuple[str, ...],
    output_encoding: str,
    skip_flagged: Path | None,
    dry_run: bool,
    max_bytes: int,
    follow_symlinks: bool,
    quiet: bool,
    learn: bool,
    min_docs: int,
    min_share: float,
    fmt: str,
    text_field: str,
    meta_field: str | None,
    resume: bool,
    engine: str,
    ray_address: str | None,
    verbose: bool,
    **options: Any,
) -> None:
    """Clean every matching file under INPUT into OUTPUT (same relative paths, UTF-8).

    \b
    Example:
      cleanse run corpus/ clean/ --report report.jsonl -j 4
      cleanse run corpus/ clean/ --skip-flagged redacted/   # placeholders kept apart
      cleanse run corpus/ clean/ --report report.jsonl --resume      # after a crash
      cleanse run dumps/ clean/ --format jsonl --text-field content --meta-field cleanse
      zcat a.jsonl.gz | cleanse run --format jsonl - - > clean.jsonl
    """
    if str(input_path) != "-":
        check_run_paths(input_path, output_path)
        artifacts = {"--report": report_path, "--summary": summary_path, "--html": html_path}
        check_artifact_paths(input_path, artifacts)
        _check_skip_flagged(input_path, output_path, skip_flagged, options["placeholders"])
    if meta_field is not None and meta_field == text_field:
        raise click.UsageError(
            f"--meta-field {meta_field} is the text field: the cleaning records would replace the "
            "cleaned text; choose another name"
        )
    ruleset = ruleset_from(options)
    cleaner = cleaner_from(ruleset, options)
    if str(input_path) == "-":
        run_stdin(cleaner, output_path, text_field, meta_field, report_path, quiet)
        return
    if str(output_path) == "-":
        raise click.UsageError("OUTPUT - (stdout) needs INPUT - (JSONL from stdin); give an output folder")
    run_engine = pick_engine(engine, ray_address, verbose)  # before the manifest: fail early
    if learn and fmt in ("jsonl", "parquet"):
        raise click.UsageError(
            f"--learn reads text files and documents, not {fmt} records; learn from a folder of "
            "the texts (cleanse learn DIR -o learned.toml), then run with --rules learned.toml"
        )
    if learn:
        target = learned_rules_path(report_path, output_path)
        learned = learn_folder(
            input_path,
            cleaner,
            LearnOptions(min_docs=min_docs, min_share=min_share),
            globs=globs or None,
            documents=fmt == "auto",
            jobs=jobs,
            follow_symlinks=follow_symlinks,
            source=str(target),
        )
        write_atomic(target, learned.text.encode("utf-8"))
        cleaner = cleaner_from(with_rules(ruleset, learned.rules), options)
        if not quiet:
            echo_err(learned_line(learned, str(target)))
    globs = globs or default_globs(fmt)
    passed_over: list[PassedOver] = []
    left_out: Counter[str] = Counter()
    paths = discover(
        input_path, globs, follow_symlinks=follow_symlinks, passed_over=passed_over, left_out=left_out
    )
    if fmt == "auto":
        paths = _without_clashes(paths, passed_over, input_path, output_path)
    if not paths:
        echo_err(f"warning: no files matching {' '.join(globs)} under {input_path}")
        for left in left_out_lines(left_out, globs):
            echo_err(left)
    if not dry_run:
        for folder in (output_path, skip_flagged):
            if folder is not None:
                list(remove_stale_temps(folder))
    output_file = _names_a_file(input_path, output_path)
    if output_file and resume:
        raise click.UsageError(
            f"--resume keeps its manifest in an OUTPUT folder; {output_path} names a file. "
            "Rerun without --resume (one file has nothing to resume), or give a folder"
        )
    job = Job(
        input_path,
        output_path,
        output_file=output_file,
        output_encoding=output_encoding,
        dry_run=dry_run,
        flagged_root=skip_flagged,
        track=resume and not dry_run,
        format=fmt,
        text_field=text_field,
        meta_field=meta_field,
        max_bytes=max_bytes,
    )
    manifest = open_manifest(cleaner, job, resume)
    progress = _Progress(document_total(paths, fmt), quiet=quiet)
    spool = EntrySpool()  # ours, so that Ctrl-C can still write the report of what was done
    try:
        entries, summary = run_files(
            cleaner,
            job,
            paths,
            jobs=jobs or default_jobs(),
            on_result=progress.add,
            manifest=manifest,
            engine=run_engine,
            spool=spool,
            passed_over=[problem_entry(p.rel, p.status, p.message, reason=p.reason) for p in passed_over],
        )
    except KeyboardInterrupt:
        if not dry_run:  # the workers are stopped by now: their half-written temp files can go
            list(remove_stale_temps(output_path))
        _interrupted(spool, len(spool), len(paths), report_path, progress.bar)
    finally:
        if manifest is not None:
            manifest.close()
    progress.close()
    summary.seconds = time.perf_counter() - STARTED  # what the user waited: start-up included
    written = _written(summary.cleaned + summary.unchanged, dry_run, output_path)
    report_failed = report_path is not None and not _save_report(report_path, entries, written)
    if summary_path is not None:
        write_summary(summary_path, summary)
    if html_path is not None:
        write_page(html_path, entries, summary=summary, title=f"cleanse review: {input_path}")
    if not quiet:
        _print_summary(summary, entries, top=top, skip_flagged=skip_flagged, output_path=output_path)
        for left in left_out_lines(left_out, globs) if paths else []:
            echo_err(left)
    if summary.failed or report_failed:
        sys.exit(1)


def _without_clashes(
    paths: list[str], passed_over: list[PassedOver], input_path: Path, output_path: Path
) -> list[str]:
    """Documents whose text would land on another input's output (``b.docx`` beside ``b.txt``
    or ``b.pdf``) are not cleaned: each is a failed entry naming both, never a silent overwrite."""
    from ..readers import name_clashes, text_name

    clashes = name_clashes(paths)
    for rel, other in clashes.items():
        message = (
            f"{input_path / rel}: its text would be written to {output_path / text_name(rel)}, "
            f"where the output of {other} goes; rename one of them"
        )
        passed_over.append(PassedOver(rel, "failed", "name-clash", message))
    return [p for p in paths if p not in clashes] if clashes else paths


def _names_a_file(input_path: Path, output_path: Path) -> bool:
    """INPUT is one file and OUTPUT a file name (``data.jsonl clean.jsonl``, ``a.txt b.txt``):
    the cleaned file is written there. An OUTPUT without a suffix, or an existing folder, is
    a folder that receives the file under its own name, as for a folder INPUT."""
    return input_path.is_file() and bool(output_path.suffix) and not output_path.is_dir()


class _Progress:
    """The progress bar and the count of finished documents; problems are said as they happen
    (with ``-q`` only failures: a skipped binary file is not news)."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.bar = _progress(total, quiet)
        self.quiet = quiet
        self.count = 0

    def add(self, t: Tally) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
        if t.status == "failed" or (t.status != "ok" and not self.quiet):
            message = f"{t.status}: {t.error}"
            (self.bar.write if self.bar is not None else echo_err)(message)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _print_summary(
    summary: Summary,
    entries: Iterable[Mapping[str, Any]],
    *,
    top: int,
    skip_flagged: Path | None,
    output_path: Path,
) -> None:
    """The rules table and the summary line, on stderr (each problem was said as it happened:
    the table gives their counts only)."""
    table = summary_table(summary, top=top, problems=0)
    echo_err(table + "\n" + summary.line() if table else summary.line())
    if skip_flagged is not None:
        routed = sum(1 for e in entries if e.get("routed") == "skip-flagged")
        echo_err(f"{routed} with placeholders written to {skip_flagged} instead of {output_path}")
