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
    fmt: str,
    text_field: str,
    meta_field: str | None,
    resume: bool,
    engine: str,
    ray_address: str | None,
    verbose: bool,
) -> None:
    """Clean every matching file under INPUT into OUTPUT (same relative paths, UTF-8).

    \b
    Examples:
      cleanse run corpus/ clean/ --report report.jsonl -j 4
      cleanse run corpus/ clean/ --report report.jsonl --resume      # after a crash
      cleanse run dumps/ clean/ --format jsonl --text-field content --meta-field cleanse
      zcat a.jsonl.gz | cleanse run --format jsonl - - > clean.jsonl
    """
    if str(input_path) != "-":
        check_run_paths(input_path, output_path)
    ruleset = load_ruleset(rule_paths, disable, enable, no_default_rules)
    cleaner = build_cleaner(
        ruleset,
        placeholders=placeholders,
        mark_template=mark_template,
        encoding=encoding,
        keep_boilerplate=keep_boilerplate,
    )
    if str(input_path) == "-":
        run_stdin(cleaner, output_path, text_field, meta_field, report_path, quiet)
        return
    if str(output_path) == "-":
        raise click.UsageError("OUTPUT - (stdout) needs INPUT - (JSONL from stdin); give an output folder")
    run_engine = pick_engine(engine, ray_address, verbose)  # before the manifest: fail early
    globs = globs or default_globs(fmt)
    paths = discover(input_path, globs, follow_symlinks=follow_symlinks)
    if not paths:
        echo_err(f"warning: no files matching {' '.join(globs)} under {input_path}")
    if not dry_run:
        list(remove_stale_temps(output_path))
    job = Job(
        input_path,
        output_path,
        output_encoding=output_encoding,
        dry_run=dry_run,
        track=not dry_run,
        format=fmt,
        text_field=text_field,
        meta_field=meta_field,
    )
    manifest = open_manifest(cleaner, job, resume)
    bar = _progress(document_total(paths, fmt), quiet)

    def on_result(entry: dict[str, Any]) -> None:
        if bar is not None:
            bar.update(1)
        if entry["status"] != "ok":
            message = f"{entry['status']}: {entry['error']}"
            (bar.write if bar is not None else echo_err)(message)

    try:
        entries, summary = run_files(
            cleaner,
            job,
            paths,
            jobs=jobs or default_jobs(),
            on_result=on_result,
            manifest=manifest,
            engine=run_engine,
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
