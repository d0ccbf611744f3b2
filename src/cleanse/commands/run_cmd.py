"""``cleanse run INPUT OUTPUT``: clean a folder into another folder, with a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import (
    build_cleaner,
    cleaning_options,
    echo_err,
    handle_errors,
    load_ruleset,
    rule_options,
)
from ..io import DEFAULT_GLOBS, check_run_paths, discover, remove_stale_temps
from ..report import write_report
from ..runner import OUTPUT_ENCODINGS, Job, default_jobs
from ..runner import run as run_files


def _progress(total: int, quiet: bool) -> Any:
    """A tqdm bar on a terminal; nothing when quiet or when stderr is not a TTY."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr)


# -- scale options (issue 9): resume; kept in one block so other options merge cleanly ------


def scale_options(fn: Any) -> Any:
    """--resume (and, below, the other scale/integration options)."""
    decorators = [
        click.option(
            "--resume",
            is_flag=True,
            help="Skip inputs already cleaned into OUTPUT with the same rules and options "
            "(recorded in OUTPUT/.cleanse-manifest.jsonl); the report still lists every input.",
        ),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


def open_manifest(cleaner: Any, job: Job, resume: bool) -> Any:
    """The resume manifest of OUTPUT (None for a dry run, which writes nothing)."""
    if job.dry_run:
        return None
    from ..resume import Manifest, config_hash

    config = config_hash(cleaner.ruleset, cleaner.options, job.settings())
    return Manifest.open(job.output_root, config, resume=resume)


@click.command()
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
    help=f"File names to clean (repeatable) [default: {' '.join(DEFAULT_GLOBS)}].",
)
@click.option(
    "--output-encoding",
    type=click.Choice(OUTPUT_ENCODINGS),
    default="utf-8",
    show_default=True,
    help="Encoding of the written files.",
)
@click.option("--dry-run", is_flag=True, help="Write nothing but the report.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links under INPUT.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@scale_options
@handle_errors
def run(
    input_path: Path,
    output_path: Path,
    rule_paths: tuple[Path, ...],
    disable: tuple[str, ...],
    enable: tuple[str, ...],
    no_default_rules: bool,
    placeholders: str,
    mark_template: str,
    encoding: str,
    keep_boilerplate: bool,
    report_path: Path | None,
    jobs: int | None,
    globs: tuple[str, ...],
    output_encoding: str,
    dry_run: bool,
    follow_symlinks: bool,
    quiet: bool,
    resume: bool,
) -> None:
    """Clean every matching file under INPUT into OUTPUT (same relative paths, UTF-8).

    \b
    Example:
      cleanse run corpus/ clean/ --report clean/../report.jsonl -j 4
    """
    check_run_paths(input_path, output_path)
    ruleset = load_ruleset(rule_paths, disable, enable, no_default_rules)
    cleaner = build_cleaner(
        ruleset,
        placeholders=placeholders,
        mark_template=mark_template,
        encoding=encoding,
        keep_boilerplate=keep_boilerplate,
    )
    paths = discover(input_path, globs or DEFAULT_GLOBS, follow_symlinks=follow_symlinks)
    if not paths:
        echo_err(f"warning: no files matching {' '.join(globs or DEFAULT_GLOBS)} under {input_path}")
    if not dry_run:
        list(remove_stale_temps(output_path))
    job = Job(input_path, output_path, output_encoding=output_encoding, dry_run=dry_run, track=not dry_run)
    manifest = open_manifest(cleaner, job, resume)
    bar = _progress(len(paths), quiet)

    def on_result(entry: dict[str, Any]) -> None:
        if bar is not None:
            bar.update(1)
        if entry["status"] != "ok":
            message = f"{entry['status']}: {entry['error']}"
            (bar.write if bar is not None else echo_err)(message)

    try:
        entries, summary = run_files(
            cleaner, job, paths, jobs=jobs or default_jobs(), on_result=on_result, manifest=manifest
        )
    finally:
        if manifest is not None:
            manifest.close()
    if bar is not None:
        bar.close()
    if report_path is not None:
        write_report(report_path, entries)
    if not quiet:
        echo_err(summary.line())
    if summary.failed:
        sys.exit(1)
